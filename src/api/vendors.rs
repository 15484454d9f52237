//! `/api/vendors/*`: the vendors of the current organization.
//!
//! Needs the `vendors` permissions (managers create and edit; owners and admins also delete).

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, PostUrl};

use crate::domain::list::Page;
use crate::domain::vendor::{Vendor, VendorInput, VendorQuery, VendorTypeInfo};
use crate::error::AppError;

/// One page of vendors: `search` (name, company, email), filters `vendor_type`, `status`;
/// `ordering` (e.g. `-created_at`, `name`); `page`, `page_size`.
#[server(prefix = "/api", endpoint = "vendors/list", input = GetUrl, output = Json)]
pub async fn list_vendors(#[server(flatten)] query: VendorQuery) -> Result<Page<Vendor>, AppError> {
    let _ = query;
    Err(AppError::Unavailable)
}

/// One vendor.
#[server(prefix = "/api", endpoint = "vendors/get", input = GetUrl, output = Json)]
pub async fn get_vendor(id: i64) -> Result<Vendor, AppError> {
    let _ = id;
    Err(AppError::Unavailable)
}

/// Creates a vendor (`name` required; `vendor_type` defaults to supplier, `status` to active).
#[server(prefix = "/api", endpoint = "vendors/create", input = PostUrl, output = Json)]
pub async fn create_vendor(
    #[server(flatten)] input: VendorInput,
    #[server(default)] next: Option<String>,
) -> Result<Vendor, AppError> {
    let _ = (input, next);
    Err(AppError::Unavailable)
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
    let _ = (id, input, version, next);
    Err(AppError::Unavailable)
}

/// Deletes a vendor (needs `vendors:delete`). A vendor that orders or payments refer to is not
/// deleted: 409, so that their history keeps its vendor; set it `inactive` instead. Issues
/// about the vendor are kept and lose the link.
#[server(prefix = "/api", endpoint = "vendors/delete", input = PostUrl, output = Json)]
pub async fn delete_vendor(id: i64, #[server(default)] next: Option<String>) -> Result<(), AppError> {
    let _ = (id, next);
    Err(AppError::Unavailable)
}

/// Every vendor type, in display order, with its label and how many vendors have it.
#[server(prefix = "/api", endpoint = "vendors/types", input = GetUrl, output = Json)]
pub async fn list_vendor_types() -> Result<Vec<VendorTypeInfo>, AppError> {
    Err(AppError::Unavailable)
}
