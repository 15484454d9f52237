//! Activities: list (filters, pages), detail (edit, complete, cancel, delete), create.

mod detail;
mod form;
mod list;

pub use detail::ActivityDetailPage;
pub use form::ActivityNewPage;
pub use list::ActivityListPage;

/// `datetime-local` input value of a time (UTC): `2026-05-01T14:30`.
fn datetime_local(t: chrono::DateTime<chrono::Utc>) -> String {
    use chrono::Timelike;
    format!("{}T{:02}:{:02}", crate::ui::components::time::date(t), t.hour(), t.minute())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_fill_datetime_local_inputs_in_utc() {
        let t = chrono::DateTime::parse_from_rfc3339("2026-05-01T16:30:45+02:00").unwrap().with_timezone(&chrono::Utc);
        assert_eq!(datetime_local(t), "2026-05-01T14:30");
    }
}
