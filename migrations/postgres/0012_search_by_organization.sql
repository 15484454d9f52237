-- Search that knows the organization. The trigram indexes held every organization's rows, so a
-- term common in other organizations (100,000 matches there, 3 here) read all their matches
-- before the organization filter. Each index now starts with the organization (btree_gin lets a
-- GIN index hold the plain column): the index finds the rows matching both at once.
create extension if not exists btree_gin;

drop index customers_search_trgm;
create index customers_search on customers using gin (organization_id, search_text gin_trgm_ops);

drop index leads_search_trgm;
create index leads_search on leads using gin (organization_id, search_text gin_trgm_ops);

drop index deals_search_trgm;
create index deals_search on deals using gin (organization_id, search_text gin_trgm_ops);

drop index vendors_search_trgm;
create index vendors_search on vendors using gin (organization_id, search_text gin_trgm_ops);

drop index orders_search_trgm;
create index orders_search on orders using gin (organization_id, search_text gin_trgm_ops);

drop index payments_search_trgm;
create index payments_search on payments using gin (organization_id, search_text gin_trgm_ops);

drop index issues_search_trgm;
create index issues_search on issues using gin (organization_id, search_text gin_trgm_ops);

drop index activities_search_trgm;
create index activities_search on activities using gin (organization_id, search_text gin_trgm_ops);

drop index employees_search_trgm;
create index employees_search on employees using gin (organization_id, search_text gin_trgm_ops);
