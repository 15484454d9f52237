-- The app's one durable queue of background jobs (mail now; reminders and webhooks are more
-- kinds of job). A job is written in the same transaction as the change that causes it; the
-- worker of every app server claims due jobs (state 'sending' with a lease), runs them and
-- records the outcome: 'sent', a retry later ('queued' again, run_at moved), or 'failed'.
create table jobs (
    id integer primary key,
    organization_id integer references organizations (id) on delete cascade,
    kind text not null,
    payload text not null,
    state text not null default 'queued',
    attempts integer not null default 0,
    run_at text not null,
    locked_until text,
    last_error text,
    created_at text not null,
    finished_at text
);
create index jobs_due on jobs (kind, state, run_at);
create index jobs_organization on jobs (organization_id, id);

-- Password reset links: single use, valid one hour, stored only as a hash.
create table password_resets (
    id integer primary key,
    user_id integer not null references users (id) on delete cascade,
    token_hash text not null unique,
    created_at text not null,
    expires_at text not null
);
create index password_resets_user on password_resets (user_id);

-- Invitations to join an organization (a member with a role, or a portal contact of a
-- customer): the link's token is stored only as a hash; pending for 7 days.
create table invitations (
    id integer primary key,
    organization_id integer not null references organizations (id) on delete cascade,
    email text not null,
    role text not null,
    customer_id integer references customers (id) on delete cascade,
    token_hash text not null unique,
    invited_by integer references users (id) on delete set null,
    created_at text not null,
    expires_at text not null,
    accepted_at text,
    revoked_at text
);
create index invitations_organization on invitations (organization_id, email);

-- The outbox is a new resource of the roles matrix: owners and admins hold it.
insert into role_permissions (role_id, permission)
    select r.id, p.permission
    from roles r cross join (
        select 'outbox:view' as permission union all select 'outbox:view_all' union all select 'outbox:create'
        union all select 'outbox:edit' union all select 'outbox:delete'
    ) p
    where r.is_system and r.slug in ('owner', 'admin');
