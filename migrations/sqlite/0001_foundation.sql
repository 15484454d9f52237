-- Foundation: users, organizations, roles, memberships, tokens, employees, pipelines, customers.
-- Timestamps are written by the application (RFC 3339, UTC); money is integer minor units.

create table users (
    id integer primary key,
    email text not null unique,
    password_hash text not null,
    first_name text not null,
    last_name text not null default '',
    phone text,
    avatar_url text,
    time_zone text not null default 'UTC',
    is_active boolean not null default true,
    last_login_at text,
    created_at text not null,
    updated_at text not null
);

create table organizations (
    id integer primary key,
    name text not null,
    slug text not null unique,
    industry text,
    website text,
    email text,
    phone text,
    address text,
    currency text not null default 'USD',
    time_zone text not null default 'UTC',
    is_active boolean not null default true,
    owner_id integer references users (id) on delete set null,
    created_at text not null,
    updated_at text not null
);

create table roles (
    id integer primary key,
    organization_id integer not null references organizations (id) on delete cascade,
    slug text not null,
    name text not null,
    description text,
    is_system boolean not null default false,
    created_at text not null,
    unique (organization_id, slug)
);

create table role_permissions (
    role_id integer not null references roles (id) on delete cascade,
    permission text not null,
    primary key (role_id, permission)
);

create table memberships (
    id integer primary key,
    user_id integer not null references users (id) on delete cascade,
    organization_id integer not null references organizations (id) on delete cascade,
    role_id integer not null references roles (id),
    is_active boolean not null default true,
    joined_at text not null,
    unique (user_id, organization_id)
);
create index memberships_organization on memberships (organization_id);

-- Browser sessions (kind 'session') and named API tokens (kind 'api'); only hashes are stored.
create table auth_tokens (
    id integer primary key,
    user_id integer not null references users (id) on delete cascade,
    organization_id integer references organizations (id) on delete set null,
    kind text not null,
    name text not null default '',
    token_hash text not null unique,
    prefix text not null,
    created_at text not null,
    last_used_at text,
    expires_at text
);
create index auth_tokens_user on auth_tokens (user_id);

create table login_attempts (
    id integer primary key,
    email text not null,
    attempted_at text not null
);
create index login_attempts_email on login_attempts (email, attempted_at);

create table employees (
    id integer primary key,
    organization_id integer not null references organizations (id) on delete cascade,
    user_id integer references users (id) on delete set null,
    employee_code text,
    first_name text not null,
    last_name text not null default '',
    email text,
    phone text,
    job_title text,
    department text,
    employment_type text not null default 'full_time',
    status text not null default 'active',
    hire_date text,
    termination_date text,
    manager_id integer references employees (id) on delete set null,
    salary_minor integer,
    created_at text not null,
    updated_at text not null
);
create index employees_organization on employees (organization_id, last_name);
create unique index employees_user on employees (organization_id, user_id) where user_id is not null;

create table pipelines (
    id integer primary key,
    organization_id integer not null references organizations (id) on delete cascade,
    name text not null,
    description text,
    is_default boolean not null default false,
    is_active boolean not null default true,
    created_at text not null,
    updated_at text not null
);
create unique index pipelines_one_default on pipelines (organization_id) where is_default;

create table pipeline_stages (
    id integer primary key,
    organization_id integer not null references organizations (id) on delete cascade,
    pipeline_id integer not null references pipelines (id) on delete cascade,
    name text not null,
    position integer not null,
    probability integer not null default 0,
    kind text not null default 'open',
    color text not null default '#64748b',
    created_at text not null
);
create index pipeline_stages_pipeline on pipeline_stages (pipeline_id, position);

create table customers (
    id integer primary key,
    organization_id integer not null references organizations (id) on delete cascade,
    name text not null,
    email text,
    phone text,
    company_name text,
    customer_type text not null,
    status text not null,
    industry text,
    website text,
    source text,
    street text,
    city text,
    state text,
    postal_code text,
    country text,
    tags text not null default '[]',
    assigned_to integer references employees (id) on delete set null,
    credit_limit_minor integer,
    currency text not null default 'USD',
    notes text,
    created_by integer references users (id) on delete set null,
    updated_by integer references users (id) on delete set null,
    created_at text not null,
    updated_at text not null,
    version integer not null default 1,
    -- lower-cased name, email, company and phone, written by the application, for search
    search_text text not null default ''
);
create index customers_org_created on customers (organization_id, created_at, id);
create index customers_org_name on customers (organization_id, name, id);
create index customers_org_status on customers (organization_id, status);
create index customers_org_assigned on customers (organization_id, assigned_to);

-- Substring search: a trigram full-text index over search_text, kept in step by triggers.
create virtual table customers_search using fts5(search_text, content = 'customers', content_rowid = 'id', tokenize = 'trigram');
create trigger customers_search_insert after insert on customers begin
    insert into customers_search (rowid, search_text) values (new.id, new.search_text);
end;
create trigger customers_search_delete after delete on customers begin
    insert into customers_search (customers_search, rowid, search_text) values ('delete', old.id, old.search_text);
end;
create trigger customers_search_update after update of search_text on customers begin
    insert into customers_search (customers_search, rowid, search_text) values ('delete', old.id, old.search_text);
    insert into customers_search (rowid, search_text) values (new.id, new.search_text);
end;

create table customer_notes (
    id integer primary key,
    organization_id integer not null references organizations (id) on delete cascade,
    customer_id integer not null references customers (id) on delete cascade,
    author_id integer references users (id) on delete set null,
    body text not null,
    created_at text not null
);
create index customer_notes_customer on customer_notes (customer_id, created_at);

-- Customers per organization, status and type, kept by triggers, so that totals and stats
-- do not count rows.
create table customer_counts (
    organization_id integer not null references organizations (id) on delete cascade,
    status text not null,
    customer_type text not null,
    n integer not null default 0,
    primary key (organization_id, status, customer_type)
);
create trigger customer_counts_insert after insert on customers begin
    insert into customer_counts (organization_id, status, customer_type, n) values (new.organization_id, new.status, new.customer_type, 1)
    on conflict (organization_id, status, customer_type) do update set n = n + 1;
end;
create trigger customer_counts_delete after delete on customers begin
    update customer_counts set n = n - 1
    where organization_id = old.organization_id and status = old.status and customer_type = old.customer_type;
end;
create trigger customer_counts_update after update of status, customer_type on customers begin
    update customer_counts set n = n - 1
    where organization_id = old.organization_id and status = old.status and customer_type = old.customer_type;
    insert into customer_counts (organization_id, status, customer_type, n) values (new.organization_id, new.status, new.customer_type, 1)
    on conflict (organization_id, status, customer_type) do update set n = n + 1;
end;
