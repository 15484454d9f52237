//! Server-only code: configuration, state, database, authentication, repositories, HTTP glue.

pub mod auth;
pub mod clock;
pub mod config;
pub mod db;
pub mod http;
pub mod jobs;
pub mod repo;
pub mod seed;
pub mod state;
