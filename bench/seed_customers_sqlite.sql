-- Bench data: :count customers in organization :org (SQLite). Run by scripts/bench.sh.
with recursive n(i) as (select 1 union all select i + 1 from n where i < :count)
insert into customers (organization_id, name, email, phone, company_name, customer_type, status, industry, city,
                       tags, currency, created_at, updated_at, version, search_text)
select :org,
       'Customer ' || i || ' of ' || :org,
       'customer' || i || '.' || :org || '@bench.example',
       '+1 555 ' || substr('0000' || (i % 10000), -4, 4),
       'Company ' || (i % 5000),
       case when i % 2 = 0 then 'business' else 'individual' end,
       case i % 3 when 0 then 'active' when 1 then 'prospect' else 'inactive' end,
       'Industry ' || (i % 20),
       'City ' || (i % 300),
       '[]', 'USD',
       strftime('%Y-%m-%dT%H:%M:%f', 'now', '-' || (i % 720) || ' hours', '-' || (i % 60) || ' seconds') || '+00:00',
       strftime('%Y-%m-%dT%H:%M:%f', 'now', '-' || (i % 720) || ' hours', '-' || (i % 60) || ' seconds') || '+00:00',
       1,
       lower('Customer ' || i || ' of ' || :org || ' customer' || i || '.' || :org || '@bench.example' || ' Company ' || (i % 5000))
from n;
