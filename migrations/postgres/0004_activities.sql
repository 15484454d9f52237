-- Activities, completed (SPEC §4): the `subject` column of 0002 stays and is the activity's
-- title; a duration; the type-specific fields; optimistic locking; search; list indexes.
-- Timestamps timestamptz; dates date.
-- `recipients` and `attendees` are comma-separated lists written by the application.

alter table activities add column duration_minutes bigint check (duration_minutes >= 0);
-- call
alter table activities add column phone_number text;
alter table activities add column recording_url text;
alter table activities add column outcome text;
-- email
alter table activities add column email_subject text;
alter table activities add column email_body text;
alter table activities add column recipients text;
-- telegram
alter table activities add column telegram_username text;
alter table activities add column telegram_chat_id bigint;
-- meeting
alter table activities add column location text;
alter table activities add column meeting_url text;
alter table activities add column attendees text;
-- task
alter table activities add column priority text;
alter table activities add column due_date date;
-- note
alter table activities add column is_pinned boolean not null default false;

alter table activities add column updated_by bigint references users (id) on delete set null;
alter table activities add column version bigint not null default 1;
-- lower-cased title and description, written by the application, for search
alter table activities add column search_text text not null default '';
update activities set search_text = lower(subject || ' ' || coalesce(description, ''));

create index activities_org_created on activities (organization_id, created_at, id);
create index activities_org_scheduled on activities (organization_id, scheduled_at);
create index activities_org_assigned on activities (organization_id, assigned_to, scheduled_at);
create index activities_org_status on activities (organization_id, status);
create index activities_org_due on activities (organization_id, due_date);
create index activities_search_trgm on activities using gin (search_text gin_trgm_ops);
