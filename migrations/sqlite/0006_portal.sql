-- The client portal: a membership with the Customer role is bound to one customer record, and
-- sees only that customer's orders, payments and issues.
alter table memberships add column customer_id integer references customers (id) on delete cascade;
create index memberships_customer on memberships (customer_id) where customer_id is not null;
