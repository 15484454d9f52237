-- Bench data: :count deals spread over the stages of organization :org's default pipeline,
-- each with one of the organization's first 1,000 customers; won and lost ones
-- closed over the last two years (PostgreSQL). Run by scripts/bench.sh.
with stages as (
    select s.id, s.pipeline_id, s.probability, s.kind, row_number() over (order by s.position) - 1 as k,
           count(*) over () as total
    from pipeline_stages s join pipelines p on p.id = s.pipeline_id
    where p.organization_id = :org and p.is_default
),
first_customer as (select min(id) as id from customers where organization_id = :org)
insert into deals (organization_id, title, customer_id, pipeline_id, stage_id, value_minor, currency, probability,
                   priority, status, expected_close_date, actual_close_date, tags, stage_entered_at, created_at, updated_at, version,
                   search_text)
select :org,
       'Deal ' || i || ' of ' || :org,
       (select id from first_customer) + (i % 1000),
       s.pipeline_id, s.id,
       (i % 500) * 10000 + 1234,
       'USD', s.probability,
       case i % 4 when 0 then 'low' when 1 then 'medium' when 2 then 'high' else 'urgent' end,
       case s.kind when 'won' then 'won' when 'lost' then 'lost' else 'open' end,
       current_date + (i % 120),
       case when s.kind in ('won', 'lost') then current_date - (i % 730) end,
       '[]',
       now() - make_interval(hours => i % 2000),
       now() - make_interval(hours => i % 2000),
       now() - make_interval(hours => i % 2000),
       1,
       lower('Deal ' || i || ' of ' || :org || ' customer ' || ((i % 1000) + 1) || ' of ' || :org)
from generate_series(1, :count) as i join stages s on s.k = i % s.total;
vacuum analyze deals;
