-- Mail from the CRM's own records: reminders of calls, meetings and tasks, email written on a
-- customer, lead or deal page (optionally from a template), and the permissions for both.

-- Minutes before a scheduled call or meeting its assignee is reminded; null = no reminders
-- (tasks are reminded on the morning they are due, unless this is off).
alter table users add column reminder_minutes integer default 15;

-- An 'email' activity written in the app points at the mail job that sends it: its delivery
-- state (queued, sent, failed and why) is the job's.
alter table activities add column mail_job_id integer references jobs (id) on delete set null;

-- One row per reminder queued: the primary key makes it at most once, whichever server's
-- worker gets there first; a moved activity has a new due time and so a new reminder.
create table reminders (
    activity_id integer not null references activities (id) on delete cascade,
    due_at text not null,
    job_id integer references jobs (id) on delete set null,
    created_at text not null,
    primary key (activity_id, due_at)
);
-- What the reminder scan reads: scheduled calls and meetings by time, open tasks by day.
create index activities_remind_at on activities (scheduled_at)
    where status = 'scheduled' and activity_type in ('call', 'meeting');
create index activities_remind_day on activities (due_date)
    where status in ('scheduled', 'in_progress') and activity_type = 'task';

-- Email templates: subject and body with {{variables}}, checked when saved.
create table email_templates (
    id integer primary key,
    organization_id integer not null references organizations (id) on delete cascade,
    name text not null,
    subject text not null,
    body text not null,
    created_by integer references users (id) on delete set null,
    created_at text not null,
    updated_at text not null,
    version integer not null default 1,
    unique (organization_id, name)
);

-- Two new resources of the roles matrix, granted to the system roles as new organizations
-- get them (domain/permission.rs): sending email from a record, and its templates.
insert into role_permissions (role_id, permission)
    select r.id, p.permission
    from roles r join (
        select 'owner' as slug, 'emails:view' as permission
        union all select 'owner', 'emails:view_all' union all select 'owner', 'emails:create'
        union all select 'owner', 'emails:edit' union all select 'owner', 'emails:delete'
        union all select 'owner', 'templates:view' union all select 'owner', 'templates:view_all'
        union all select 'owner', 'templates:create' union all select 'owner', 'templates:edit'
        union all select 'owner', 'templates:delete'
        union all select 'admin', 'emails:view' union all select 'admin', 'emails:view_all'
        union all select 'admin', 'emails:create' union all select 'admin', 'emails:edit'
        union all select 'admin', 'emails:delete'
        union all select 'admin', 'templates:view' union all select 'admin', 'templates:view_all'
        union all select 'admin', 'templates:create' union all select 'admin', 'templates:edit'
        union all select 'admin', 'templates:delete'
        union all select 'manager', 'emails:view' union all select 'manager', 'emails:view_all'
        union all select 'manager', 'emails:create'
        union all select 'manager', 'templates:view' union all select 'manager', 'templates:view_all'
        union all select 'manager', 'templates:create' union all select 'manager', 'templates:edit'
        union all select 'sales_rep', 'emails:create'
        union all select 'sales_rep', 'templates:view' union all select 'sales_rep', 'templates:view_all'
        union all select 'marketing_rep', 'emails:create'
        union all select 'marketing_rep', 'templates:view' union all select 'marketing_rep', 'templates:view_all'
    ) p on p.slug = r.slug
    where r.is_system;
