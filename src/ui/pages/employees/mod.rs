//! Employees: list with departments, detail (edit, manager, terminate, delete), create.

mod detail;
mod form;
mod list;

pub use detail::EmployeeDetailPage;
pub use form::EmployeeNewPage;
pub use list::EmployeeListPage;

use crate::domain::auth::Me;
use crate::domain::employee::EmployeeStatus;
use crate::domain::permission::{ADMIN, OWNER};

/// CSS class of a status badge.
fn status_class(status: EmployeeStatus) -> &'static str {
    match status {
        EmployeeStatus::Active => "badge badge-green",
        EmployeeStatus::OnLeave => "badge badge-amber",
        EmployeeStatus::Terminated => "badge badge-grey",
    }
}

/// Whether the signed-in member sees (and sets) salaries: owners and admins, as on the server.
fn sees_salaries(me: &Me) -> bool {
    matches!(me.role.as_deref(), Some(OWNER | ADMIN))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn former_employees_have_a_grey_badge() {
        assert_eq!(status_class(EmployeeStatus::Terminated), "badge badge-grey");
    }
}
