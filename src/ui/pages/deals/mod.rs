//! Deals: list, detail (edit, move, won/lost/reopen), create, the kanban board, and the
//! deals section of a customer's page.

mod board;
mod customer_deals;
mod detail;
mod form;
mod list;

pub use board::DealBoardPage;
pub use customer_deals::CustomerDeals;
pub use detail::DealDetailPage;
pub use form::DealNewPage;
pub use list::DealListPage;

use crate::domain::deal::{DealPriority, DealStatus};

/// CSS class of a status badge.
fn status_class(status: DealStatus) -> &'static str {
    match status {
        DealStatus::Open => "badge badge-blue",
        DealStatus::Won => "badge badge-green",
        DealStatus::Lost => "badge badge-red",
    }
}

/// CSS class of a priority badge.
fn priority_class(priority: DealPriority) -> &'static str {
    match priority {
        DealPriority::Low => "badge badge-grey",
        DealPriority::Medium => "badge badge-blue",
        DealPriority::High => "badge badge-amber",
        DealPriority::Urgent => "badge badge-red",
    }
}

/// The board of a pipeline (the default one for `None`).
fn board_url(pipeline: Option<i64>) -> String {
    match pipeline {
        Some(id) => format!("/deals/board?pipeline={id}"),
        None => "/deals/board".to_owned(),
    }
}

/// "3 days in stage".
fn days_text(days: i64) -> String {
    match days {
        i64::MIN..=0 => "New in stage today".to_owned(),
        1 => "1 day in stage".to_owned(),
        n => format!("{n} days in stage"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_keep_only_the_filters_given() {
        assert_eq!(board_url(Some(2)), "/deals/board?pipeline=2");
        assert_eq!(days_text(0), "New in stage today");
        assert_eq!(days_text(4), "4 days in stage");
    }
}
