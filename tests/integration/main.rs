//! The integration tests, one module per area, linked into a single test binary
//! (one link of the whole server instead of one per file: faster, and far less disk).
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

#[allow(dead_code)] // each area uses a different part of the helpers
#[macro_use]
mod common;

mod activities;
mod analytics;
mod csv;
mod deal_pages;
mod deals;
mod email;
mod employees;
mod fuzz;
mod hostile_text;
mod http_auth;
mod http_customers;
mod issues;
mod leads;
mod mail;
mod openapi;
mod ops_pages;
mod orders;
mod pages;
mod payments;
mod pipelines;
mod portal;
mod repo;
mod roles;
mod roles_matrix;
mod search;
mod vendors;
mod webhooks;
