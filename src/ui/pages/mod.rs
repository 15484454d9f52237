pub mod auth;
pub mod customers;
pub mod dashboard;
pub mod leads;
pub mod not_found;
pub mod organizations;
pub mod profile;
