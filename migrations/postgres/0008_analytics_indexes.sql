-- Analytics (SPEC §5) reads its figures from indexes alone: the dashboard's deal and customer
-- figures and the funnel's stage totals never touch the table rows, for the whole organization
-- (organization_id first) or for one employee's records (assigned_to last, still in the index).
create index deals_org_figures on deals (organization_id, status, probability, value_minor, actual_close_date, assigned_to);
drop index deals_org_pipeline;
create index deals_org_pipeline on deals (organization_id, pipeline_id, stage_id, status, value_minor, assigned_to);
drop index customers_org_status;
create index customers_org_status on customers (organization_id, status, created_at, assigned_to);
