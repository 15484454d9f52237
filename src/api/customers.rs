//! `/api/customers/*`: the customers of the current organization and their notes.
//!
//! Callers without `customers:view_all` see (and may change) only customers assigned to them;
//! anything else answers 404, exactly like another organization's customer.

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, PostUrl};

use crate::api::csv::{Csv, CsvFile};
use crate::domain::csv::{ImportReport, ImportRequest};
use crate::domain::customer::{Customer, CustomerInput, CustomerNote, CustomerQuery, CustomerStats};
use crate::domain::list::Page;
use crate::error::AppError;

/// One page of customers: `search` (name, email, company, phone), filters `status`,
/// `customer_type`, `assigned_to`; `ordering` (e.g. `-created_at`, `name`); `page`, `page_size`.
#[server(prefix = "/api", endpoint = "customers/list", input = GetUrl, output = Json)]
pub async fn list_customers(#[server(flatten)] query: CustomerQuery) -> Result<Page<Customer>, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("customers", "view")?;
    let (filter, params) = query.validate()?;
    let mut conn = state.db.read().await?;
    let (results, count) =
        crate::server::repo::customers::list(&mut conn, member.org_id, member.scope("customers"), &filter, &params)
            .await?;
    Ok(ctx::page(results, count, &params))
}

/// The customers `customers/list` finds (same `search`, filters and `ordering`; every page)
/// as a CSV file.
#[server(prefix = "/api", endpoint = "customers/export", input = GetUrl, output = Csv)]
pub async fn export_customers(#[server(flatten)] query: CustomerQuery) -> Result<CsvFile, AppError> {
    use crate::api::ctx;
    use crate::domain::customer::CSV_COLUMNS;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("customers", "view")?;
    let (filter, params) = query.validate()?;
    let (org_id, scope) = (member.org_id, member.scope("customers"));
    let mut conn = state.db.snapshot().await?;
    crate::api::csv::export("customers", CSV_COLUMNS, params, &mut conn, |conn, p| {
        let filter = filter.clone();
        Box::pin(async move { crate::server::repo::customers::list(conn, org_id, scope, &filter, &p).await })
    })
    .await
}

/// Creates customers from CSV text (`csv`, or a `file` upload: a header row naming the columns, as an export
/// writes them or by common aliases, then one row per customer). `dry_run` (default `true`)
/// only previews; see [`crate::api::csv::import`] for the rules and `skip_invalid`.
#[server(prefix = "/api", endpoint = "customers/import", input = PostUrl, output = Json)]
pub async fn import_customers(#[server(flatten)] request: ImportRequest) -> Result<ImportReport, AppError> {
    crate::api::csv::import::<Customer>(request).await
}

#[cfg(feature = "ssr")]
impl crate::api::csv::Import for Customer {
    type Input = CustomerInput;
    type Fields = crate::domain::customer::CustomerFields;
    const RESOURCE: &'static str = "customers";
    const FIELDS: &'static [crate::domain::csv::ImportField] = crate::domain::customer::IMPORT_FIELDS;

    fn validate(input: &CustomerInput) -> Result<Self::Fields, AppError> {
        input.apply_to(Self::Fields::default())
    }
    fn email(fields: &Self::Fields) -> Option<&str> {
        fields.email.as_deref()
    }
    fn assigned_to(fields: &mut Self::Fields) -> &mut Option<i64> {
        &mut fields.assigned_to
    }
    const CREATED: &'static str = "customer.created";
    async fn get(conn: &mut crate::server::db::Conn, org_id: i64, id: i64) -> Result<Self, AppError> {
        crate::server::repo::customers::get(conn, org_id, crate::server::auth::caller::Scope::All, id).await
    }
    fn insert<'a>(
        conn: &'a mut crate::server::db::Conn,
        org_id: i64,
        user_id: i64,
        currency: &'a str,
        fields: &'a Self::Fields,
    ) -> impl std::future::Future<Output = Result<i64, AppError>> + Send + 'a {
        crate::server::repo::customers::create(conn, org_id, user_id, currency, fields)
    }
}

/// One customer.
#[server(prefix = "/api", endpoint = "customers/get", input = GetUrl, output = Json)]
pub async fn get_customer(id: i64) -> Result<Customer, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("customers", "view")?;
    let mut conn = state.db.read().await?;
    crate::server::repo::customers::get(&mut conn, member.org_id, member.scope("customers"), id).await
}

/// Creates a customer. `name` is required; `assigned_to` must be an employee of the
/// organization (a caller who sees only their own customers gets them assigned by default).
#[server(prefix = "/api", endpoint = "customers/create", input = PostUrl, output = Json)]
pub async fn create_customer(
    #[server(flatten)] input: CustomerInput,
    #[server(default)] next: Option<String>,
) -> Result<Customer, AppError> {
    use crate::api::ctx;
    use crate::domain::customer::CustomerFields;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("customers", "create")?;
    let mut fields = input.apply_to(CustomerFields::default())?;
    if fields.assigned_to.is_none() && !member.can("customers", "view_all") {
        fields.assigned_to = member.employee_id;
    }
    let mut tx = state.db.write().await?;
    ctx::check_assignee(&mut tx, member.org_id, fields.assigned_to).await?;
    let currency = repo::organizations::get(&mut tx, member.org_id).await?.currency;
    let id = repo::customers::create(&mut tx, member.org_id, caller.user_id, &currency, &fields).await?;
    let customer = repo::customers::get(&mut tx, member.org_id, crate::server::auth::caller::Scope::All, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "customer.created", id, &customer).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref().map(|n| n.replace("{id}", &id.to_string())).as_deref());
    Ok(customer)
}

/// Updates a customer: fields sent replace the stored ones, fields not sent stay. With
/// `version`, the update is refused (409) when someone else changed the customer since.
#[server(prefix = "/api", endpoint = "customers/update", input = PostUrl, output = Json)]
pub async fn update_customer(
    id: i64,
    #[server(flatten)] input: CustomerInput,
    #[server(default)] version: Option<i64>,
    #[server(default)] next: Option<String>,
) -> Result<Customer, AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("customers", "edit")?;
    let scope = member.scope("customers");
    let mut tx = state.db.write().await?;
    let current = repo::customers::get(&mut tx, member.org_id, scope, id).await?;
    let fields = input.apply_to(current.fields.clone())?;
    if fields.assigned_to != current.fields.assigned_to {
        ctx::check_assignee(&mut tx, member.org_id, fields.assigned_to).await?;
    }
    repo::customers::update(&mut tx, member.org_id, id, caller.user_id, &current.currency, &fields, version).await?;
    let customer = repo::customers::get(&mut tx, member.org_id, crate::server::auth::caller::Scope::All, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "customer.updated", id, &customer).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(customer)
}

/// Deletes a customer and their notes (needs `customers:delete`).
#[server(prefix = "/api", endpoint = "customers/delete", input = PostUrl, output = Json)]
pub async fn delete_customer(id: i64, #[server(default)] next: Option<String>) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("customers", "delete")?;
    let mut tx = state.db.write().await?;
    let gone = repo::customers::get(&mut tx, member.org_id, member.scope("customers"), id).await?;
    repo::customers::delete(&mut tx, member.org_id, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "customer.deleted", id, &gone).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(())
}

/// Marks a customer active.
#[server(prefix = "/api", endpoint = "customers/activate", input = PostUrl, output = Json)]
pub async fn activate_customer(id: i64, #[server(default)] next: Option<String>) -> Result<Customer, AppError> {
    set_status(id, crate::domain::customer::CustomerStatus::Active, next).await
}

/// Marks a customer inactive.
#[server(prefix = "/api", endpoint = "customers/deactivate", input = PostUrl, output = Json)]
pub async fn deactivate_customer(id: i64, #[server(default)] next: Option<String>) -> Result<Customer, AppError> {
    set_status(id, crate::domain::customer::CustomerStatus::Inactive, next).await
}

/// Adds a note to a customer.
#[server(prefix = "/api", endpoint = "customers/add_note", input = PostUrl, output = Json)]
pub async fn add_customer_note(
    customer_id: i64,
    #[server(default)] body: String,
    #[server(default)] next: Option<String>,
) -> Result<CustomerNote, AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("customers", "edit")?;
    let body = crate::domain::customer::validate_note(Some(&body))?;
    let mut tx = state.db.write().await?;
    repo::customers::get(&mut tx, member.org_id, member.scope("customers"), customer_id).await?;
    let note = repo::customers::add_note(&mut tx, member.org_id, customer_id, caller.user_id, &body).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(note)
}

/// A customer's notes, newest first.
#[server(prefix = "/api", endpoint = "customers/notes", input = GetUrl, output = Json)]
pub async fn list_customer_notes(customer_id: i64) -> Result<Vec<CustomerNote>, AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("customers", "view")?;
    let mut conn = state.db.read().await?;
    repo::customers::get(&mut conn, member.org_id, member.scope("customers"), customer_id).await?;
    repo::customers::notes(&mut conn, member.org_id, customer_id).await
}

/// Totals by status and type, and new customers this month, within the caller's scope.
#[server(prefix = "/api", endpoint = "customers/stats", input = GetUrl, output = Json)]
pub async fn get_customer_stats() -> Result<CustomerStats, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("customers", "view")?;
    let mut conn = state.db.read().await?;
    crate::server::repo::customers::stats(&mut conn, member.org_id, member.scope("customers")).await
}

#[cfg(feature = "ssr")]
async fn set_status(
    id: i64,
    status: crate::domain::customer::CustomerStatus,
    next: Option<String>,
) -> Result<Customer, AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("customers", "edit")?;
    let scope = member.scope("customers");
    let mut tx = state.db.write().await?;
    repo::customers::get(&mut tx, member.org_id, scope, id).await?;
    repo::customers::set_status(&mut tx, member.org_id, id, caller.user_id, status).await?;
    let customer = repo::customers::get(&mut tx, member.org_id, scope, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "customer.updated", id, &customer).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(customer)
}

#[cfg(feature = "ssr")]
include!(concat!(env!("OUT_DIR"), "/openapi/customers.rs"));
