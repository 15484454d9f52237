-- Employees in full: optimistic concurrency, the currency of the salary, search, and the
-- indexes the list filters use. The columns of 0001 (manager_id, salary_minor,
-- termination_date) stay as they are.

alter table employees add column version bigint not null default 1;
-- Currency of salary_minor (the organization's when the salary was set).
alter table employees add column currency text not null default 'USD';
-- Lower-cased name, email, employee code and job title, written by the application, for search.
alter table employees add column search_text text not null default '';

update employees set currency = coalesce((select o.currency from organizations o where o.id = employees.organization_id), 'USD');
update employees set search_text = lower(trim(first_name || ' ' || last_name || ' ' || coalesce(email, '') || ' '
    || coalesce(employee_code, '') || ' ' || coalesce(job_title, '')));

create index employees_org_department on employees (organization_id, department);
create index employees_org_manager on employees (organization_id, manager_id);
create unique index employees_org_code on employees (organization_id, employee_code) where employee_code is not null;
-- Substring search: a trigram index over search_text serves `like '%term%'`.
create index employees_search_trgm on employees using gin (search_text gin_trgm_ops);
