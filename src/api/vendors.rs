//! `/api/vendors/*`: the vendors of the current organization.
//!
//! Needs the `vendors` permissions (managers create and edit; owners and admins also delete).

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, PostUrl};

use crate::api::csv::{Csv, CsvFile};
use crate::domain::list::Page;
use crate::domain::vendor::{Vendor, VendorInput, VendorQuery, VendorTypeInfo};
use crate::error::AppError;

/// One page of vendors: `search` (name, company, email), filters `vendor_type`, `status`;
/// `ordering` (e.g. `-created_at`, `name`); `page`, `page_size`.
#[server(prefix = "/api", endpoint = "vendors/list", input = GetUrl, output = Json)]
pub async fn list_vendors(#[server(flatten)] query: VendorQuery) -> Result<Page<Vendor>, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("vendors", "view")?;
    let (filter, params) = query.validate()?;
    let mut conn = state.db.read().await?;
    let (results, count) = crate::server::repo::vendors::list(&mut conn, member.org_id, &filter, &params).await?;
    Ok(ctx::page(results, count, &params))
}

/// The vendors `vendors/list` finds (same `search`, filters and `ordering`; every page) as a
/// CSV file.
#[server(prefix = "/api", endpoint = "vendors/export", input = GetUrl, output = Csv)]
pub async fn export_vendors(#[server(flatten)] query: VendorQuery) -> Result<CsvFile, AppError> {
    use crate::api::ctx;
    use crate::domain::vendor::CSV_COLUMNS;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("vendors", "view")?;
    let (filter, params) = query.validate()?;
    let org_id = member.org_id;
    let mut conn = state.db.snapshot().await?;
    crate::api::csv::export("vendors", CSV_COLUMNS, params, &mut conn, |conn, p| {
        let filter = filter.clone();
        Box::pin(async move { crate::server::repo::vendors::list(conn, org_id, &filter, &p).await })
    })
    .await
}

/// One vendor.
#[server(prefix = "/api", endpoint = "vendors/get", input = GetUrl, output = Json)]
pub async fn get_vendor(id: i64) -> Result<Vendor, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("vendors", "view")?;
    let mut conn = state.db.read().await?;
    crate::server::repo::vendors::get(&mut conn, member.org_id, id).await
}

/// Creates a vendor (`name` required; `vendor_type` defaults to supplier, `status` to active).
#[server(prefix = "/api", endpoint = "vendors/create", input = PostUrl, output = Json)]
pub async fn create_vendor(
    #[server(flatten)] input: VendorInput,
    #[server(default)] next: Option<String>,
) -> Result<Vendor, AppError> {
    use crate::api::ctx;
    use crate::domain::vendor::VendorFields;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("vendors", "create")?;
    let fields = input.apply_to(VendorFields::default())?;
    let mut tx = state.db.write().await?;
    let id = repo::vendors::create(&mut tx, member.org_id, caller.user_id, &fields).await?;
    let vendor = repo::vendors::get(&mut tx, member.org_id, id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref().map(|n| n.replace("{id}", &id.to_string())).as_deref());
    Ok(vendor)
}

/// Updates a vendor: fields sent replace the stored ones, fields not sent stay. With
/// `version`, a stale update answers 409.
#[server(prefix = "/api", endpoint = "vendors/update", input = PostUrl, output = Json)]
pub async fn update_vendor(
    id: i64,
    #[server(flatten)] input: VendorInput,
    #[server(default)] version: Option<i64>,
    #[server(default)] next: Option<String>,
) -> Result<Vendor, AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("vendors", "edit")?;
    let mut tx = state.db.write().await?;
    let current = repo::vendors::get(&mut tx, member.org_id, id).await?;
    let fields = input.apply_to(current.fields)?;
    repo::vendors::update(&mut tx, member.org_id, id, caller.user_id, &fields, version).await?;
    let vendor = repo::vendors::get(&mut tx, member.org_id, id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(vendor)
}

/// Deletes a vendor (needs `vendors:delete`). A vendor that orders or payments refer to is not
/// deleted: 409, so that their history keeps its vendor; set it `inactive` instead. Issues
/// about the vendor are kept and lose the link.
#[server(prefix = "/api", endpoint = "vendors/delete", input = PostUrl, output = Json)]
pub async fn delete_vendor(id: i64, #[server(default)] next: Option<String>) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("vendors", "delete")?;
    let mut tx = state.db.write().await?;
    repo::vendors::get(&mut tx, member.org_id, id).await?;
    repo::vendors::delete(&mut tx, member.org_id, id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(())
}

/// Every vendor type, in display order, with its label and how many vendors have it.
#[server(prefix = "/api", endpoint = "vendors/types", input = GetUrl, output = Json)]
pub async fn list_vendor_types() -> Result<Vec<VendorTypeInfo>, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("vendors", "view")?;
    let mut conn = state.db.read().await?;
    crate::server::repo::vendors::types(&mut conn, member.org_id).await
}

#[cfg(feature = "ssr")]
include!(concat!(env!("OUT_DIR"), "/openapi/vendors.rs"));
