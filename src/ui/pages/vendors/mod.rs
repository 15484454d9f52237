//! Vendors: list, detail (edit, delete, their orders, payments and issues), create.

mod detail;
mod form;
mod list;

pub use detail::VendorDetailPage;
pub use form::VendorNewPage;
pub use list::VendorListPage;

use crate::domain::vendor::VendorStatus;

/// CSS class of a status badge.
fn status_class(status: VendorStatus) -> &'static str {
    match status {
        VendorStatus::Active => "badge badge-green",
        VendorStatus::Inactive => "badge badge-grey",
        VendorStatus::Pending => "badge badge-amber",
    }
}

/// A rating as stars: `★★★☆☆`.
fn stars(rating: Option<i64>) -> String {
    match rating {
        Some(r) => {
            let r = r.clamp(0, 5) as usize;
            format!("{}{}", "★".repeat(r), "☆".repeat(5 - r))
        }
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_show_as_five_stars() {
        assert_eq!(stars(Some(3)), "★★★☆☆");
        assert_eq!(stars(Some(9)), "★★★★★");
        assert_eq!(stars(None), "");
    }
}
