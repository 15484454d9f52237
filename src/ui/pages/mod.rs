pub mod auth;
pub mod customers;
pub mod dashboard;
pub mod deals;
pub mod not_found;
pub mod organizations;
pub mod pipelines;
pub mod profile;
