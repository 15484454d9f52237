-- Deals per organization, pipeline, stage, status and assignee (0: unassigned), with their
-- value and their value weighted by probability (value_minor × probability), kept by
-- triggers, so that the dashboard and the funnel read a few rows per stage and employee
-- instead of every deal, for the whole organization or for one employee.
create table deal_totals (
    organization_id integer not null references organizations (id) on delete cascade,
    pipeline_id integer not null,
    stage_id integer not null references pipeline_stages (id) on delete cascade,
    status text not null,
    assignee integer not null,
    n integer not null default 0,
    value_minor integer not null default 0,
    weighted integer not null default 0,
    primary key (organization_id, pipeline_id, stage_id, status, assignee)
);
insert into deal_totals (organization_id, pipeline_id, stage_id, status, assignee, n, value_minor, weighted)
    select organization_id, pipeline_id, stage_id, status, coalesce(assigned_to, 0), count(*), sum(value_minor),
           sum(value_minor * probability)
    from deals group by 1, 2, 3, 4, 5;
create trigger deal_totals_insert after insert on deals begin
    insert into deal_totals (organization_id, pipeline_id, stage_id, status, assignee, n, value_minor, weighted)
    values (new.organization_id, new.pipeline_id, new.stage_id, new.status, coalesce(new.assigned_to, 0), 1,
            new.value_minor, new.value_minor * new.probability)
    on conflict (organization_id, pipeline_id, stage_id, status, assignee) do update
    set n = n + 1, value_minor = value_minor + excluded.value_minor, weighted = weighted + excluded.weighted;
end;
create trigger deal_totals_delete after delete on deals begin
    update deal_totals set n = n - 1, value_minor = value_minor - old.value_minor,
                           weighted = weighted - old.value_minor * old.probability
    where organization_id = old.organization_id and pipeline_id = old.pipeline_id and stage_id = old.stage_id
      and status = old.status and assignee = coalesce(old.assigned_to, 0);
end;
create trigger deal_totals_update
after update of pipeline_id, stage_id, status, assigned_to, value_minor, probability on deals begin
    update deal_totals set n = n - 1, value_minor = value_minor - old.value_minor,
                           weighted = weighted - old.value_minor * old.probability
    where organization_id = old.organization_id and pipeline_id = old.pipeline_id and stage_id = old.stage_id
      and status = old.status and assignee = coalesce(old.assigned_to, 0);
    insert into deal_totals (organization_id, pipeline_id, stage_id, status, assignee, n, value_minor, weighted)
    values (new.organization_id, new.pipeline_id, new.stage_id, new.status, coalesce(new.assigned_to, 0), 1,
            new.value_minor, new.value_minor * new.probability)
    on conflict (organization_id, pipeline_id, stage_id, status, assignee) do update
    set n = n + 1, value_minor = value_minor + excluded.value_minor, weighted = weighted + excluded.weighted;
end;

-- Customers created per organization and quarter hour (unix time / 900; every time zone's
-- offset is a whole number of quarter hours), kept by triggers, so that "new this month" in the
-- organization's time zone adds up the month's quarter hours instead of counting customers.
create table customer_created (
    organization_id integer not null references organizations (id) on delete cascade,
    slot integer not null,
    n integer not null default 0,
    primary key (organization_id, slot)
);
insert into customer_created (organization_id, slot, n)
    select organization_id, cast(strftime('%s', created_at) as integer) / 900, count(*) from customers group by 1, 2;
create trigger customer_created_insert after insert on customers begin
    insert into customer_created (organization_id, slot, n)
    values (new.organization_id, cast(strftime('%s', new.created_at) as integer) / 900, 1)
    on conflict (organization_id, slot) do update set n = n + 1;
end;
create trigger customer_created_delete after delete on customers begin
    update customer_created set n = n - 1
    where organization_id = old.organization_id and slot = cast(strftime('%s', old.created_at) as integer) / 900;
end;
create trigger customer_created_update after update of created_at on customers begin
    update customer_created set n = n - 1
    where organization_id = old.organization_id and slot = cast(strftime('%s', old.created_at) as integer) / 900;
    insert into customer_created (organization_id, slot, n)
    values (new.organization_id, cast(strftime('%s', new.created_at) as integer) / 900, 1)
    on conflict (organization_id, slot) do update set n = n + 1;
end;

-- Deals won in a period (the dashboard's month, the revenue chart) are a range of this index,
-- for the organization or, filtered inside it, for one employee; the totals above replace
-- the index of 0008 that the dashboard scanned whole.
drop index deals_org_figures;
create index deals_org_closed on deals (organization_id, status, actual_close_date, value_minor, assigned_to);
-- One employee's customers, by status and creation time, without reading the others'.
drop index customers_org_assigned;
create index customers_org_assigned on customers (organization_id, assigned_to, status, created_at);
