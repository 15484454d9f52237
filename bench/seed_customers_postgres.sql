-- Bench data: :count customers in organization :org (PostgreSQL). Run by scripts/bench.sh.
insert into customers (organization_id, name, email, phone, company_name, customer_type, status, industry, city,
                       tags, currency, created_at, updated_at, version, search_text)
select :org,
       'Customer ' || i || ' of ' || :org,
       'customer' || i || '.' || :org || '@bench.example',
       '+1 555 ' || lpad((i % 10000)::text, 4, '0'),
       'Company ' || (i % 5000),
       case when i % 2 = 0 then 'business' else 'individual' end,
       case i % 3 when 0 then 'active' when 1 then 'prospect' else 'inactive' end,
       'Industry ' || (i % 20),
       'City ' || (i % 300),
       '[]', 'USD',
       now() - make_interval(hours => i % 720, secs => i % 60),
       now() - make_interval(hours => i % 720, secs => i % 60),
       1,
       lower('Customer ' || i || ' of ' || :org || ' customer' || i || '.' || :org || '@bench.example' || ' Company ' || (i % 5000))
from generate_series(1, :count) as i;
vacuum analyze customers;
