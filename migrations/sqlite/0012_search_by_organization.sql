-- Search that knows the organization. One trigram table per entity is shared by every
-- organization, so a term common in other organizations (100,000 matches there, 3 here) made
-- the old tables return every organization's matches before the organization filter. Each
-- entry's rowid is now `(organization_id << 40) + id`: an organization's entries are one rowid
-- range, and a lookup with `rowid between` seeks into that range of each trigram's list
-- (`repo::Search`). The tables hold no copy of the text (content = ''): entries are removed
-- with FTS5's 'delete' command and the text the entry was made from. Ids stay below 2^40 and
-- organization ids below 2^23. Leads, activities and employees get the same index (they were
-- scanned).

drop trigger customers_search_insert;
drop trigger customers_search_delete;
drop trigger customers_search_update;
drop table customers_search;

drop trigger deals_search_insert;
drop trigger deals_search_delete;
drop trigger deals_search_update;
drop table deals_search;

drop trigger vendors_search_insert;
drop trigger vendors_search_delete;
drop trigger vendors_search_update;
drop table vendors_search;

drop trigger orders_search_insert;
drop trigger orders_search_delete;
drop trigger orders_search_update;
drop table orders_search;

drop trigger payments_search_insert;
drop trigger payments_search_delete;
drop trigger payments_search_update;
drop table payments_search;

drop trigger issues_search_insert;
drop trigger issues_search_delete;
drop trigger issues_search_update;
drop table issues_search;

create virtual table customers_search using fts5(search_text, content = '', tokenize = 'trigram');
insert into customers_search (rowid, search_text) select (organization_id << 40) + id, search_text from customers;
create trigger customers_search_insert after insert on customers begin
    insert into customers_search (rowid, search_text) values ((new.organization_id << 40) + new.id, new.search_text);
end;
create trigger customers_search_delete after delete on customers begin
    insert into customers_search (customers_search, rowid, search_text) values ('delete', (old.organization_id << 40) + old.id, old.search_text);
end;
create trigger customers_search_update after update of search_text on customers begin
    insert into customers_search (customers_search, rowid, search_text) values ('delete', (old.organization_id << 40) + old.id, old.search_text);
    insert into customers_search (rowid, search_text) values ((new.organization_id << 40) + new.id, new.search_text);
end;

create virtual table leads_search using fts5(search_text, content = '', tokenize = 'trigram');
insert into leads_search (rowid, search_text) select (organization_id << 40) + id, search_text from leads;
create trigger leads_search_insert after insert on leads begin
    insert into leads_search (rowid, search_text) values ((new.organization_id << 40) + new.id, new.search_text);
end;
create trigger leads_search_delete after delete on leads begin
    insert into leads_search (leads_search, rowid, search_text) values ('delete', (old.organization_id << 40) + old.id, old.search_text);
end;
create trigger leads_search_update after update of search_text on leads begin
    insert into leads_search (leads_search, rowid, search_text) values ('delete', (old.organization_id << 40) + old.id, old.search_text);
    insert into leads_search (rowid, search_text) values ((new.organization_id << 40) + new.id, new.search_text);
end;

create virtual table deals_search using fts5(search_text, content = '', tokenize = 'trigram');
insert into deals_search (rowid, search_text) select (organization_id << 40) + id, search_text from deals;
create trigger deals_search_insert after insert on deals begin
    insert into deals_search (rowid, search_text) values ((new.organization_id << 40) + new.id, new.search_text);
end;
create trigger deals_search_delete after delete on deals begin
    insert into deals_search (deals_search, rowid, search_text) values ('delete', (old.organization_id << 40) + old.id, old.search_text);
end;
create trigger deals_search_update after update of search_text on deals begin
    insert into deals_search (deals_search, rowid, search_text) values ('delete', (old.organization_id << 40) + old.id, old.search_text);
    insert into deals_search (rowid, search_text) values ((new.organization_id << 40) + new.id, new.search_text);
end;

create virtual table vendors_search using fts5(search_text, content = '', tokenize = 'trigram');
insert into vendors_search (rowid, search_text) select (organization_id << 40) + id, search_text from vendors;
create trigger vendors_search_insert after insert on vendors begin
    insert into vendors_search (rowid, search_text) values ((new.organization_id << 40) + new.id, new.search_text);
end;
create trigger vendors_search_delete after delete on vendors begin
    insert into vendors_search (vendors_search, rowid, search_text) values ('delete', (old.organization_id << 40) + old.id, old.search_text);
end;
create trigger vendors_search_update after update of search_text on vendors begin
    insert into vendors_search (vendors_search, rowid, search_text) values ('delete', (old.organization_id << 40) + old.id, old.search_text);
    insert into vendors_search (rowid, search_text) values ((new.organization_id << 40) + new.id, new.search_text);
end;

create virtual table orders_search using fts5(search_text, content = '', tokenize = 'trigram');
insert into orders_search (rowid, search_text) select (organization_id << 40) + id, search_text from orders;
create trigger orders_search_insert after insert on orders begin
    insert into orders_search (rowid, search_text) values ((new.organization_id << 40) + new.id, new.search_text);
end;
create trigger orders_search_delete after delete on orders begin
    insert into orders_search (orders_search, rowid, search_text) values ('delete', (old.organization_id << 40) + old.id, old.search_text);
end;
create trigger orders_search_update after update of search_text on orders begin
    insert into orders_search (orders_search, rowid, search_text) values ('delete', (old.organization_id << 40) + old.id, old.search_text);
    insert into orders_search (rowid, search_text) values ((new.organization_id << 40) + new.id, new.search_text);
end;

create virtual table payments_search using fts5(search_text, content = '', tokenize = 'trigram');
insert into payments_search (rowid, search_text) select (organization_id << 40) + id, search_text from payments;
create trigger payments_search_insert after insert on payments begin
    insert into payments_search (rowid, search_text) values ((new.organization_id << 40) + new.id, new.search_text);
end;
create trigger payments_search_delete after delete on payments begin
    insert into payments_search (payments_search, rowid, search_text) values ('delete', (old.organization_id << 40) + old.id, old.search_text);
end;
create trigger payments_search_update after update of search_text on payments begin
    insert into payments_search (payments_search, rowid, search_text) values ('delete', (old.organization_id << 40) + old.id, old.search_text);
    insert into payments_search (rowid, search_text) values ((new.organization_id << 40) + new.id, new.search_text);
end;

create virtual table issues_search using fts5(search_text, content = '', tokenize = 'trigram');
insert into issues_search (rowid, search_text) select (organization_id << 40) + id, search_text from issues;
create trigger issues_search_insert after insert on issues begin
    insert into issues_search (rowid, search_text) values ((new.organization_id << 40) + new.id, new.search_text);
end;
create trigger issues_search_delete after delete on issues begin
    insert into issues_search (issues_search, rowid, search_text) values ('delete', (old.organization_id << 40) + old.id, old.search_text);
end;
create trigger issues_search_update after update of search_text on issues begin
    insert into issues_search (issues_search, rowid, search_text) values ('delete', (old.organization_id << 40) + old.id, old.search_text);
    insert into issues_search (rowid, search_text) values ((new.organization_id << 40) + new.id, new.search_text);
end;

create virtual table activities_search using fts5(search_text, content = '', tokenize = 'trigram');
insert into activities_search (rowid, search_text) select (organization_id << 40) + id, search_text from activities;
create trigger activities_search_insert after insert on activities begin
    insert into activities_search (rowid, search_text) values ((new.organization_id << 40) + new.id, new.search_text);
end;
create trigger activities_search_delete after delete on activities begin
    insert into activities_search (activities_search, rowid, search_text) values ('delete', (old.organization_id << 40) + old.id, old.search_text);
end;
create trigger activities_search_update after update of search_text on activities begin
    insert into activities_search (activities_search, rowid, search_text) values ('delete', (old.organization_id << 40) + old.id, old.search_text);
    insert into activities_search (rowid, search_text) values ((new.organization_id << 40) + new.id, new.search_text);
end;

create virtual table employees_search using fts5(search_text, content = '', tokenize = 'trigram');
insert into employees_search (rowid, search_text) select (organization_id << 40) + id, search_text from employees;
create trigger employees_search_insert after insert on employees begin
    insert into employees_search (rowid, search_text) values ((new.organization_id << 40) + new.id, new.search_text);
end;
create trigger employees_search_delete after delete on employees begin
    insert into employees_search (employees_search, rowid, search_text) values ('delete', (old.organization_id << 40) + old.id, old.search_text);
end;
create trigger employees_search_update after update of search_text on employees begin
    insert into employees_search (employees_search, rowid, search_text) values ('delete', (old.organization_id << 40) + old.id, old.search_text);
    insert into employees_search (rowid, search_text) values ((new.organization_id << 40) + new.id, new.search_text);
end;
