//! Deals over HTTP (being written).
