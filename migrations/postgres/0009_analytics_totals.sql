-- Deals per organization, pipeline, stage, status and assignee (0: unassigned), with their
-- value and their value weighted by probability (value_minor × probability), kept by a
-- trigger, so that the dashboard and the funnel read a few rows per stage and employee
-- instead of every deal, for the whole organization or for one employee.
create table deal_totals (
    organization_id bigint not null references organizations (id) on delete cascade,
    pipeline_id bigint not null,
    stage_id bigint not null references pipeline_stages (id) on delete cascade,
    status text not null,
    assignee bigint not null,
    n bigint not null default 0,
    value_minor bigint not null default 0,
    weighted bigint not null default 0,
    primary key (organization_id, pipeline_id, stage_id, status, assignee)
);
insert into deal_totals (organization_id, pipeline_id, stage_id, status, assignee, n, value_minor, weighted)
    select organization_id, pipeline_id, stage_id, status, coalesce(assigned_to, 0), count(*), sum(value_minor),
           sum(value_minor * probability)
    from deals group by 1, 2, 3, 4, 5;
create function deal_totals_track() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        update deal_totals set n = n - 1, value_minor = value_minor - old.value_minor,
                               weighted = weighted - old.value_minor * old.probability
        where organization_id = old.organization_id and pipeline_id = old.pipeline_id and stage_id = old.stage_id
          and status = old.status and assignee = coalesce(old.assigned_to, 0);
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into deal_totals (organization_id, pipeline_id, stage_id, status, assignee, n, value_minor, weighted)
        values (new.organization_id, new.pipeline_id, new.stage_id, new.status, coalesce(new.assigned_to, 0), 1,
                new.value_minor, new.value_minor * new.probability)
        on conflict (organization_id, pipeline_id, stage_id, status, assignee) do update
        set n = deal_totals.n + 1, value_minor = deal_totals.value_minor + excluded.value_minor,
            weighted = deal_totals.weighted + excluded.weighted;
    end if;
    return null;
end $$;
create trigger deal_totals_track
    after insert or delete or update of pipeline_id, stage_id, status, assigned_to, value_minor, probability on deals
    for each row execute function deal_totals_track();

-- Customers created per organization and quarter hour (unix time / 900; every time zone's
-- offset is a whole number of quarter hours), kept by a trigger, so that "new this month" in the
-- organization's time zone adds up the month's quarter hours instead of counting customers.
create table customer_created (
    organization_id bigint not null references organizations (id) on delete cascade,
    slot bigint not null,
    n bigint not null default 0,
    primary key (organization_id, slot)
);
insert into customer_created (organization_id, slot, n)
    select organization_id, floor(extract(epoch from created_at) / 900), count(*) from customers group by 1, 2;
create function customer_created_track() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        update customer_created set n = n - 1
        where organization_id = old.organization_id and slot = floor(extract(epoch from old.created_at) / 900);
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into customer_created (organization_id, slot, n)
        values (new.organization_id, floor(extract(epoch from new.created_at) / 900), 1)
        on conflict (organization_id, slot) do update set n = customer_created.n + 1;
    end if;
    return null;
end $$;
create trigger customer_created_track after insert or delete or update of created_at on customers
    for each row execute function customer_created_track();

-- Deals won in a period (the dashboard's month, the revenue chart) are a range of this index,
-- for the organization or, filtered inside it, for one employee; the totals above replace
-- the index of 0008 that the dashboard scanned whole.
drop index deals_org_figures;
create index deals_org_closed on deals (organization_id, status, actual_close_date, value_minor, assigned_to);
-- One employee's customers, by status and creation time, without reading the others'.
drop index customers_org_assigned;
create index customers_org_assigned on customers (organization_id, assigned_to, status, created_at);
