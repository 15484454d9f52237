//! The public API: `#[server]` functions, one module per entity, each at a stable
//! `/api/<resource>/<verb>` path. Reads are GET with query parameters, changes are POST
//! (form-encoded, or JSON). Each function: who is calling -> may they -> validate -> repo.

pub mod activities;
pub mod analytics;
pub mod auth;
pub mod csv;
pub mod customers;
pub mod deals;
pub mod emails;
pub mod employees;
pub mod invitations;
pub mod issues;
pub mod leads;
pub mod orders;
pub mod organizations;
pub mod outbox;
pub mod payments;
pub mod pipelines;
pub mod portal;
pub mod roles;
pub mod search;
pub mod templates;
pub mod tokens;
pub mod vendors;
pub mod webhooks;

#[cfg(feature = "ssr")]
pub(crate) mod ctx;
#[cfg(feature = "ssr")]
pub mod openapi;
