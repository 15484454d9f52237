-- Bench data: :count deals spread over the stages of organization :org's default pipeline,
-- each with one of the organization's first 1,000 customers; won and lost ones
-- closed over the last two years (SQLite). Run by scripts/bench.sh.
with recursive n(i) as (select 1 union all select i + 1 from n where i < :count),
stages as (
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
       date('now', '+' || (i % 120) || ' days'),
       case when s.kind in ('won', 'lost') then date('now', '-' || (i % 730) || ' days') end,
       '[]',
       strftime('%Y-%m-%dT%H:%M:%f', 'now', '-' || (i % 2000) || ' hours') || '+00:00',
       strftime('%Y-%m-%dT%H:%M:%f', 'now', '-' || (i % 2000) || ' hours') || '+00:00',
       strftime('%Y-%m-%dT%H:%M:%f', 'now', '-' || (i % 2000) || ' hours') || '+00:00',
       1,
       lower('Deal ' || i || ' of ' || :org || ' customer ' || ((i % 1000) + 1) || ' of ' || :org)
from n join stages s on s.k = i % s.total;
