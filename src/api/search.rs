//! `/api/search/all`: one search over customers, leads, deals, orders and payments (their
//! numbers too), issues, vendors, employees and activities. Each kind is searched by its own
//! list endpoint with the same term, so permissions and scope are exactly the lists': a kind
//! the caller may not list is left out, a sales rep finds only what is theirs.

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use crate::domain::search::SearchResults;
use crate::error::AppError;

/// The most hits per kind (`limit`, default 5).
pub const MAX_PER_KIND: i64 = 20;

/// `q` (required, at most 200 characters) → the kinds with matches, each with its first
/// `limit` hits (1–20, default 5), its total count, and the list filtered by `q`.
#[server(prefix = "/api", endpoint = "search/all", input = GetUrl, output = Json)]
pub async fn search_all(
    #[server(default)] q: Option<String>,
    #[server(default)] limit: Option<String>,
) -> Result<SearchResults, AppError> {
    use crate::api::{activities, customers, deals, employees, issues, leads, orders, payments, vendors};
    use crate::domain::money::format as money;
    use crate::domain::search::{detail, SearchGroup, SearchHit};
    use crate::domain::validate::Check;
    use crate::domain::{activity, customer, deal, employee, issue, lead, order, payment, vendor};
    let caller = crate::api::ctx::caller().await?;
    let mut c = Check::new();
    let query = c.required("q", q.as_deref(), 200);
    let limit = c.int("limit", limit.as_deref(), 1, MAX_PER_KIND).unwrap_or(5);
    c.finish(())?;
    // The page of one list: `None` when the caller may not list that kind.
    fn allowed<T>(
        page: Result<crate::domain::list::Page<T>, AppError>,
    ) -> Result<Option<crate::domain::list::Page<T>>, AppError> {
        match page {
            Ok(page) => Ok(Some(page)),
            Err(AppError::Forbidden(_)) => Ok(None),
            Err(err) => Err(err),
        }
    }
    let (search, page_size) = (Some(query.clone()), Some(limit.to_string()));
    let mut groups = Vec::new();
    let mut add = |kind: &str, label: &str, count: i64, hits: Vec<SearchHit>| {
        if !hits.is_empty() {
            let more_url = format!("/{kind}?{}", serde_urlencoded::to_string([("search", &query)]).unwrap_or_default());
            groups.push(SearchGroup { kind: kind.to_owned(), label: label.to_owned(), count, hits, more_url });
        }
    };
    let hit = |path: &str, id: i64, title: String, detail: String| SearchHit {
        id,
        title,
        detail,
        url: format!("/{path}/{id}"),
    };
    // Staff search everything they may list; a portal contact only what the portal shows.
    let staff = caller.member().is_ok_and(|m| m.customer_id.is_none());

    if staff {
        let q = customer::CustomerQuery { search: search.clone(), page_size: page_size.clone(), ..Default::default() };
        if let Some(p) = allowed(customers::list_customers(q).await)? {
            let hits = p.results.into_iter().map(|r| {
                let f = r.fields;
                hit("customers", r.id, f.name, detail([f.company_name, f.email, Some(f.status.label().to_owned())]))
            });
            add("customers", "Customers", p.count, hits.collect());
        }
        let q = lead::LeadQuery { search: search.clone(), page_size: page_size.clone(), ..Default::default() };
        if let Some(p) = allowed(leads::list_leads(q).await)? {
            let hits = p.results.into_iter().map(|r| {
                let status = format!("{} · score {}", r.status.label(), r.fields.score);
                hit(
                    "leads",
                    r.id,
                    r.full_name(),
                    detail([r.fields.company.clone(), r.fields.email.clone(), Some(status)]),
                )
            });
            add("leads", "Leads", p.count, hits.collect());
        }
        let q = deal::DealQuery { search: search.clone(), page_size: page_size.clone(), ..Default::default() };
        if let Some(p) = allowed(deals::list_deals(q).await)? {
            let hits = p.results.into_iter().map(|r| {
                let value = money(r.fields.value, &r.currency);
                hit("deals", r.id, r.fields.title, detail([Some(r.stage_name), Some(value), r.customer_name]))
            });
            add("deals", "Deals", p.count, hits.collect());
        }
    }
    let q = order::OrderQuery { search: search.clone(), page_size: page_size.clone(), ..Default::default() };
    if let Some(p) = allowed(orders::list_orders(q).await)? {
        let hits = p.results.into_iter().map(|r| {
            let total = money(r.total_amount, &r.fields.currency);
            let who = r.vendor_name.or(r.customer_name);
            let title = format!("{} {}", r.number, r.fields.title);
            hit("orders", r.id, title, detail([Some(r.fields.status.label().to_owned()), Some(total), who]))
        });
        add("orders", "Orders", p.count, hits.collect());
    }
    let q = payment::PaymentQuery { search: search.clone(), page_size: page_size.clone(), ..Default::default() };
    if let Some(p) = allowed(payments::list_payments(q).await)? {
        let hits = p.results.into_iter().map(|r| {
            let amount = money(r.fields.amount, &r.fields.currency);
            let who = r.vendor_name.or(r.customer_name);
            let status = Some(r.fields.status.label().to_owned());
            hit("payments", r.id, r.number, detail([Some(amount), status, r.order_number, who]))
        });
        add("payments", "Payments", p.count, hits.collect());
    }
    let q = issue::IssueQuery { search: search.clone(), page_size: page_size.clone(), ..Default::default() };
    if let Some(p) = allowed(issues::list_issues(q).await)? {
        let hits = p.results.into_iter().map(|r| {
            let title = format!("{} {}", r.number, r.fields.title);
            let state = [r.fields.status.label(), r.fields.priority.label()].join(" · ");
            hit("issues", r.id, title, detail([Some(state), r.customer_name.or(r.vendor_name)]))
        });
        add("issues", "Issues", p.count, hits.collect());
    }
    if staff {
        let q = vendor::VendorQuery { search: search.clone(), page_size: page_size.clone(), ..Default::default() };
        if let Some(p) = allowed(vendors::list_vendors(q).await)? {
            let hits = p.results.into_iter().map(|r| {
                let f = r.fields;
                hit("vendors", r.id, f.name, detail([f.company, f.email, Some(f.vendor_type.label().to_owned())]))
            });
            add("vendors", "Vendors", p.count, hits.collect());
        }
        let q = employee::EmployeeQuery { search: search.clone(), page_size: page_size.clone(), ..Default::default() };
        if let Some(p) = allowed(employees::list_employees(q).await)? {
            let hits = p.results.into_iter().map(|r| {
                let f = r.fields;
                let name = format!("{} {}", f.first_name, f.last_name).trim().to_owned();
                hit("employees", r.id, name, detail([f.job_title, f.department, f.email]))
            });
            add("employees", "Employees", p.count, hits.collect());
        }
        let q = activity::ActivityQuery { search, page_size, ..Default::default() };
        if let Some(p) = allowed(activities::list_activities(q).await)? {
            let hits = p.results.into_iter().map(|r| {
                let about = r.customer_name.or(r.lead_name).or(r.deal_title);
                let kind = format!("{} · {}", r.fields.activity_type.label(), r.fields.status.label());
                hit("activities", r.id, r.fields.title, detail([Some(kind), about]))
            });
            add("activities", "Activities", p.count, hits.collect());
        }
    }
    Ok(SearchResults { query, groups })
}

#[cfg(feature = "ssr")]
include!(concat!(env!("OUT_DIR"), "/openapi/search.rs"));
