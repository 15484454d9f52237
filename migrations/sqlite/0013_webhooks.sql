-- Webhooks: an organization's subscriptions of URLs to events about its records, and the log of
-- their deliveries. A delivery is a job of kind 'webhook' on the one queue (0010), queued in the
-- transaction of the change it tells about.
create table webhooks (
    id integer primary key,
    organization_id integer not null references organizations (id) on delete cascade,
    url text not null,
    description text,
    -- event types, comma-separated and sorted (domain/webhook.rs EVENTS)
    events text not null,
    -- signs every delivery (HMAC-SHA256); shown to whoever may view webhooks
    secret text not null,
    active boolean not null default true,
    -- failed attempts since the last delivery that succeeded; at 20 the app turns it off
    failures integer not null default 0,
    disabled_reason text,
    created_by integer references users (id) on delete set null,
    created_at text not null,
    updated_at text not null,
    version integer not null default 1
);
create index webhooks_organization on webhooks (organization_id, id);

-- One row per event per subscription; its state, attempts and errors are its job's.
create table webhook_deliveries (
    id integer primary key,
    organization_id integer not null references organizations (id) on delete cascade,
    webhook_id integer not null references webhooks (id) on delete cascade,
    job_id integer references jobs (id) on delete set null,
    event_id text not null,
    event_type text not null,
    -- the receiver's HTTP status at the last attempt, when it answered
    status_code integer,
    created_at text not null
);
create index webhook_deliveries_webhook on webhook_deliveries (webhook_id, id);
create index webhook_deliveries_job on webhook_deliveries (job_id);

-- Jobs that share a sequence run one at a time, oldest first: a subscription's events about one
-- record arrive in the order they happened, a retry holding back the events after it.
alter table jobs add column sequence text;
create index jobs_sequence on jobs (sequence, id) where sequence is not null;

-- Managing webhooks is a resource of the roles matrix: the owner and admins get it.
insert into role_permissions (role_id, permission)
    select r.id, 'webhooks:' || a.action
    from roles r cross join (
        select 'view' as action union all select 'view_all' union all select 'create'
        union all select 'edit' union all select 'delete'
    ) a
    where r.is_system and r.slug in ('owner', 'admin');
