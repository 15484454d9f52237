-- Operations: vendors, orders with their items, payments, issues with comments, and the
-- per-organization, per-year counters behind ORD-/PAY-/ISS-YYYY-NNNN numbers.
-- Dates (no time) are 'YYYY-MM-DD' text; timestamps RFC 3339 UTC text; money integer minor units
-- of the row's currency; quantities integer thousandths.
--
-- Deleting a vendor or an order that others refer to is refused by the application (409) and,
-- behind it, by the foreign keys; customers, employees and users may go, the link is cleared.

create table vendors (
    id integer primary key,
    organization_id integer not null references organizations (id) on delete cascade,
    name text not null,
    company text,
    email text,
    phone text,
    website text,
    vendor_type text not null,
    contact_person text,
    status text not null,
    rating integer check (rating between 0 and 5),
    street text,
    city text,
    state text,
    postal_code text,
    country text,
    payment_terms text,
    notes text,
    created_by integer references users (id) on delete set null,
    updated_by integer references users (id) on delete set null,
    created_at text not null,
    updated_at text not null,
    version integer not null default 1,
    -- lower-cased name, company and email, written by the application, for search
    search_text text not null default ''
);
create index vendors_org_created on vendors (organization_id, created_at, id);
create index vendors_org_name on vendors (organization_id, name);
create index vendors_org_status on vendors (organization_id, status);
create index vendors_org_type on vendors (organization_id, vendor_type);

create table orders (
    id integer primary key,
    organization_id integer not null references organizations (id) on delete cascade,
    number text not null,
    title text not null,
    description text,
    order_type text not null,
    status text not null,
    vendor_id integer references vendors (id),
    customer_id integer references customers (id) on delete set null,
    order_date text not null,
    delivery_date text,
    currency text not null,
    -- sum of the items' total_minor, written by the application in the same transaction
    total_minor integer not null default 0,
    assigned_to integer references employees (id) on delete set null,
    completed_at text,
    cancelled_at text,
    created_by integer references users (id) on delete set null,
    updated_by integer references users (id) on delete set null,
    created_at text not null,
    updated_at text not null,
    version integer not null default 1,
    -- lower-cased number, title and description, written by the application, for search
    search_text text not null default ''
);
create unique index orders_org_number on orders (organization_id, number);
create index orders_org_created on orders (organization_id, created_at, id);
create index orders_org_status on orders (organization_id, status);
create index orders_org_date on orders (organization_id, order_date);
create index orders_org_assigned on orders (organization_id, assigned_to);
create index orders_vendor on orders (vendor_id);
create index orders_customer on orders (customer_id);

create table order_items (
    id integer primary key,
    organization_id integer not null references organizations (id) on delete cascade,
    order_id integer not null references orders (id) on delete cascade,
    position integer not null,
    item_name text not null,
    description text,
    sku text,
    quantity_milli integer not null check (quantity_milli > 0),
    unit_price_minor integer not null check (unit_price_minor >= 0),
    total_minor integer not null
);
create index order_items_order on order_items (order_id, position);
create index order_items_org on order_items (organization_id);

create table payments (
    id integer primary key,
    organization_id integer not null references organizations (id) on delete cascade,
    number text not null,
    order_id integer references orders (id),
    vendor_id integer references vendors (id),
    customer_id integer references customers (id) on delete set null,
    amount_minor integer not null check (amount_minor > 0),
    currency text not null,
    payment_type text not null,
    payment_method text not null,
    status text not null,
    payment_date text,
    due_date text,
    invoice_number text,
    reference_number text,
    transaction_id text,
    notes text,
    failure_reason text,
    processed_by integer references users (id) on delete set null,
    processed_at text,
    created_by integer references users (id) on delete set null,
    updated_by integer references users (id) on delete set null,
    created_at text not null,
    updated_at text not null,
    version integer not null default 1,
    -- lower-cased payment, invoice and reference numbers and transaction id, for search
    search_text text not null default ''
);
create unique index payments_org_number on payments (organization_id, number);
create index payments_org_created on payments (organization_id, created_at, id);
create index payments_org_status_due on payments (organization_id, status, due_date);
create index payments_org_due on payments (organization_id, due_date);
create index payments_order on payments (order_id);
create index payments_vendor on payments (vendor_id);
create index payments_customer on payments (customer_id);

create table issues (
    id integer primary key,
    organization_id integer not null references organizations (id) on delete cascade,
    number text not null,
    title text not null,
    description text,
    priority text not null,
    category text not null,
    status text not null,
    vendor_id integer references vendors (id) on delete set null,
    order_id integer references orders (id),
    customer_id integer references customers (id) on delete set null,
    assigned_to integer references employees (id) on delete set null,
    resolved_by integer references users (id) on delete set null,
    resolved_at text,
    resolution_notes text,
    created_by integer references users (id) on delete set null,
    updated_by integer references users (id) on delete set null,
    created_at text not null,
    updated_at text not null,
    version integer not null default 1,
    -- lower-cased number, title and description, for search
    search_text text not null default ''
);
create unique index issues_org_number on issues (organization_id, number);
create index issues_org_created on issues (organization_id, created_at, id);
create index issues_org_status on issues (organization_id, status);
create index issues_org_assigned on issues (organization_id, assigned_to);
create index issues_vendor on issues (vendor_id);
create index issues_order on issues (order_id);
create index issues_customer on issues (customer_id);

create table issue_comments (
    id integer primary key,
    organization_id integer not null references organizations (id) on delete cascade,
    issue_id integer not null references issues (id) on delete cascade,
    author_id integer references users (id) on delete set null,
    body text not null,
    created_at text not null
);
create index issue_comments_issue on issue_comments (issue_id, created_at, id);
create index issue_comments_org on issue_comments (organization_id);

-- The last number given per organization, kind ('order', 'payment', 'issue') and year; bumped
-- by an upsert in the transaction that inserts the numbered row, so numbers are dense and unique
-- under concurrency (never max() + 1).
create table number_counters (
    organization_id integer not null references organizations (id) on delete cascade,
    kind text not null,
    year integer not null,
    last integer not null,
    primary key (organization_id, kind, year)
);
-- Substring search: trigram full-text indexes over search_text, kept in step by triggers.
create virtual table vendors_search using fts5(search_text, content = 'vendors', content_rowid = 'id', tokenize = 'trigram');
create trigger vendors_search_insert after insert on vendors begin
    insert into vendors_search (rowid, search_text) values (new.id, new.search_text);
end;
create trigger vendors_search_delete after delete on vendors begin
    insert into vendors_search (vendors_search, rowid, search_text) values ('delete', old.id, old.search_text);
end;
create trigger vendors_search_update after update of search_text on vendors begin
    insert into vendors_search (vendors_search, rowid, search_text) values ('delete', old.id, old.search_text);
    insert into vendors_search (rowid, search_text) values (new.id, new.search_text);
end;
create virtual table orders_search using fts5(search_text, content = 'orders', content_rowid = 'id', tokenize = 'trigram');
create trigger orders_search_insert after insert on orders begin
    insert into orders_search (rowid, search_text) values (new.id, new.search_text);
end;
create trigger orders_search_delete after delete on orders begin
    insert into orders_search (orders_search, rowid, search_text) values ('delete', old.id, old.search_text);
end;
create trigger orders_search_update after update of search_text on orders begin
    insert into orders_search (orders_search, rowid, search_text) values ('delete', old.id, old.search_text);
    insert into orders_search (rowid, search_text) values (new.id, new.search_text);
end;
create virtual table payments_search using fts5(search_text, content = 'payments', content_rowid = 'id', tokenize = 'trigram');
create trigger payments_search_insert after insert on payments begin
    insert into payments_search (rowid, search_text) values (new.id, new.search_text);
end;
create trigger payments_search_delete after delete on payments begin
    insert into payments_search (payments_search, rowid, search_text) values ('delete', old.id, old.search_text);
end;
create trigger payments_search_update after update of search_text on payments begin
    insert into payments_search (payments_search, rowid, search_text) values ('delete', old.id, old.search_text);
    insert into payments_search (rowid, search_text) values (new.id, new.search_text);
end;
create virtual table issues_search using fts5(search_text, content = 'issues', content_rowid = 'id', tokenize = 'trigram');
create trigger issues_search_insert after insert on issues begin
    insert into issues_search (rowid, search_text) values (new.id, new.search_text);
end;
create trigger issues_search_delete after delete on issues begin
    insert into issues_search (issues_search, rowid, search_text) values ('delete', old.id, old.search_text);
end;
create trigger issues_search_update after update of search_text on issues begin
    insert into issues_search (issues_search, rowid, search_text) values ('delete', old.id, old.search_text);
    insert into issues_search (rowid, search_text) values (new.id, new.search_text);
end;
