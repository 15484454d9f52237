//! One search box for everything: what `search/all` answers, grouped by kind of record.

use serde::{Deserialize, Serialize};

/// One record found: what it is called, enough to tell it from others, and where it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct SearchHit {
    pub id: i64,
    pub title: String,
    /// Status, amounts, company, … joined with " · ".
    pub detail: String,
    /// Its page (`/customers/12`).
    pub url: String,
}

/// The records of one kind that match, best first as its list orders them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct SearchGroup {
    /// The list's resource name (`customers`).
    pub kind: String,
    pub label: String,
    /// How many match in all (the list's count).
    pub count: i64,
    pub hits: Vec<SearchHit>,
    /// The list filtered by the same term (`/customers?search=…`).
    pub more_url: String,
}

/// Every kind of record the caller may see, with what matched (kinds without a match left out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct SearchResults {
    pub query: String,
    pub groups: Vec<SearchGroup>,
}

/// Parts joined with " · ", empty ones left out.
pub fn detail<const N: usize>(parts: [Option<String>; N]) -> String {
    parts.into_iter().flatten().filter(|p| !p.trim().is_empty()).collect::<Vec<_>>().join(" · ")
}
