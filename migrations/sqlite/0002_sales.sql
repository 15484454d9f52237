-- Sales: leads, deals, a first cut of activities, and per-stage deal totals for the board.
-- Dates (no time) are 'YYYY-MM-DD' text; timestamps RFC 3339 UTC; money integer minor units.

create table leads (
    id integer primary key,
    organization_id integer not null references organizations (id) on delete cascade,
    first_name text not null,
    last_name text not null default '',
    email text,
    phone text,
    company text,
    job_title text,
    source text not null,
    status text not null,
    score integer not null default 0 check (score between 0 and 100),
    estimated_value_minor integer,
    currency text not null default 'USD',
    assigned_to integer references employees (id) on delete set null,
    street text,
    city text,
    state text,
    postal_code text,
    country text,
    notes text,
    disqualify_reason text,
    converted_customer_id integer references customers (id) on delete set null,
    converted_at text,
    created_by integer references users (id) on delete set null,
    updated_by integer references users (id) on delete set null,
    created_at text not null,
    updated_at text not null,
    version integer not null default 1,
    -- lower-cased name, email and company, written by the application, for search
    search_text text not null default ''
);
create index leads_org_created on leads (organization_id, created_at, id);
create index leads_org_status on leads (organization_id, status);
create index leads_org_assigned on leads (organization_id, assigned_to);

create table deals (
    id integer primary key,
    organization_id integer not null references organizations (id) on delete cascade,
    title text not null,
    description text,
    customer_id integer references customers (id) on delete set null,
    pipeline_id integer not null references pipelines (id),
    stage_id integer not null references pipeline_stages (id),
    value_minor integer not null default 0,
    currency text not null default 'USD',
    probability integer not null default 0 check (probability between 0 and 100),
    priority text not null,
    status text not null,
    expected_close_date text,
    actual_close_date text,
    lost_reason text,
    assigned_to integer references employees (id) on delete set null,
    tags text not null default '[]',
    lead_id integer references leads (id) on delete set null,
    stage_entered_at text not null,
    created_by integer references users (id) on delete set null,
    updated_by integer references users (id) on delete set null,
    created_at text not null,
    updated_at text not null,
    version integer not null default 1,
    -- lower-cased title and customer name, written by the application, for search
    search_text text not null default ''
);
create index deals_org_created on deals (organization_id, created_at, id);
create index deals_stage_cards on deals (stage_id, stage_entered_at, id);
create index deals_org_pipeline on deals (organization_id, pipeline_id, stage_id);
create index deals_org_status on deals (organization_id, status);
create index deals_org_assigned on deals (organization_id, assigned_to);
create index deals_customer on deals (customer_id);
-- Substring search: a trigram full-text index over search_text, kept in step by triggers.
create virtual table deals_search using fts5(search_text, content = 'deals', content_rowid = 'id', tokenize = 'trigram');
create trigger deals_search_insert after insert on deals begin
    insert into deals_search (rowid, search_text) values (new.id, new.search_text);
end;
create trigger deals_search_delete after delete on deals begin
    insert into deals_search (deals_search, rowid, search_text) values ('delete', old.id, old.search_text);
end;
create trigger deals_search_update after update of search_text on deals begin
    insert into deals_search (deals_search, rowid, search_text) values ('delete', old.id, old.search_text);
    insert into deals_search (rowid, search_text) values (new.id, new.search_text);
end;

-- Deals and their value per stage, kept by triggers, so that the board does not count rows.
create table deal_stage_totals (
    stage_id integer primary key references pipeline_stages (id) on delete cascade,
    organization_id integer not null references organizations (id) on delete cascade,
    n integer not null default 0,
    value_minor integer not null default 0
);
create trigger deal_stage_totals_insert after insert on deals begin
    insert into deal_stage_totals (stage_id, organization_id, n, value_minor) values (new.stage_id, new.organization_id, 1, new.value_minor)
    on conflict (stage_id) do update set n = n + 1, value_minor = value_minor + excluded.value_minor;
end;
create trigger deal_stage_totals_delete after delete on deals begin
    update deal_stage_totals set n = n - 1, value_minor = value_minor - old.value_minor where stage_id = old.stage_id;
end;
create trigger deal_stage_totals_update after update of stage_id, value_minor on deals begin
    update deal_stage_totals set n = n - 1, value_minor = value_minor - old.value_minor where stage_id = old.stage_id;
    insert into deal_stage_totals (stage_id, organization_id, n, value_minor) values (new.stage_id, new.organization_id, 1, new.value_minor)
    on conflict (stage_id) do update set n = n + 1, value_minor = value_minor + excluded.value_minor;
end;

-- Calls, emails, meetings, tasks, notes and Telegram messages about a customer, lead or deal.
-- The activities issue completes this (type-specific fields, lists, timeline).
create table activities (
    id integer primary key,
    organization_id integer not null references organizations (id) on delete cascade,
    activity_type text not null,
    subject text not null,
    description text,
    status text not null,
    scheduled_at text,
    completed_at text,
    customer_id integer references customers (id) on delete cascade,
    lead_id integer references leads (id) on delete cascade,
    deal_id integer references deals (id) on delete cascade,
    assigned_to integer references employees (id) on delete set null,
    created_by integer references users (id) on delete set null,
    created_at text not null,
    updated_at text not null
);
create index activities_lead on activities (lead_id, created_at);
create index activities_deal on activities (deal_id, created_at);
create index activities_customer on activities (customer_id, created_at);
