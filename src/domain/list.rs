//! Pagination and ordering shared by every list endpoint.

use serde::{Deserialize, Serialize};

use crate::domain::validate::Check;

pub const DEFAULT_PAGE_SIZE: i64 = 25;
pub const MAX_PAGE_SIZE: i64 = 100;

/// One page of a list: `{"count", "next", "previous", "results"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ssr", schemars(rename = "{T}Page"))]
pub struct Page<T> {
    /// Number of records matching the filters, over all pages.
    pub count: i64,
    /// URL of the next page, if any.
    pub next: Option<String>,
    /// URL of the previous page, if any.
    pub previous: Option<String>,
    pub results: Vec<T>,
}

/// Which page, how big, in which order. `ordering` is a whitelisted field name,
/// optionally prefixed by `-` for descending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListParams {
    pub page: i64,
    pub page_size: i64,
    pub order_by: &'static str,
    pub descending: bool,
}

impl ListParams {
    /// Parses `page`, `page_size` and `ordering`; `sortable` lists the allowed fields,
    /// its first entry being the default (with `default_desc`).
    pub fn parse(
        check: &mut Check,
        page: Option<&str>,
        page_size: Option<&str>,
        ordering: Option<&str>,
        sortable: &[&'static str],
        default_desc: bool,
    ) -> ListParams {
        let page = check.int("page", page, 1, 1_000_000).unwrap_or(1);
        let page_size = check.int("page_size", page_size, 1, MAX_PAGE_SIZE).unwrap_or(DEFAULT_PAGE_SIZE);
        let (mut order_by, mut descending) = (sortable[0], default_desc);
        if let Some(raw) = ordering.map(str::trim).filter(|o| !o.is_empty()) {
            let (desc, name) = raw.strip_prefix('-').map_or((false, raw), |n| (true, n));
            match sortable.iter().find(|s| **s == name) {
                Some(field) => (order_by, descending) = (field, desc),
                None => {
                    check.add("ordering", format!("must be one of: {} (prefix - for descending)", sortable.join(", ")))
                }
            }
        }
        ListParams { page, page_size, order_by, descending }
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.page_size
    }

    /// Total number of pages for `count` records (at least 1).
    pub fn page_count(&self, count: i64) -> i64 {
        ((count + self.page_size - 1) / self.page_size).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SORTABLE: &[&str] = &["created_at", "name"];

    #[test]
    fn defaults_apply_when_nothing_is_given() {
        let mut check = Check::new();
        let p = ListParams::parse(&mut check, None, None, None, SORTABLE, true);
        assert_eq!(p, ListParams { page: 1, page_size: 25, order_by: "created_at", descending: true });
        assert!(check.is_ok());
    }

    #[test]
    fn ordering_accepts_a_minus_prefix_and_rejects_unknown_fields() {
        let mut check = Check::new();
        let p = ListParams::parse(&mut check, Some("3"), Some("10"), Some("-name"), SORTABLE, false);
        assert_eq!((p.order_by, p.descending, p.offset()), ("name", true, 20));
        ListParams::parse(&mut check, None, None, Some("password; drop table"), SORTABLE, false);
        assert!(check.finish(()).unwrap_err().field_error("ordering").is_some());
    }

    #[test]
    fn page_size_is_capped_at_one_hundred() {
        let mut check = Check::new();
        ListParams::parse(&mut check, Some("0"), Some("101"), None, SORTABLE, false);
        let err = check.finish(()).unwrap_err();
        assert!(err.field_error("page").is_some());
        assert!(err.field_error("page_size").is_some());
    }

    #[test]
    fn page_count_rounds_up() {
        let p = ListParams { page: 1, page_size: 25, order_by: "name", descending: false };
        assert_eq!((p.page_count(0), p.page_count(25), p.page_count(26)), (1, 1, 2));
    }
}
