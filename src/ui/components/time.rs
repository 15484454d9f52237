//! Dates for display, always in UTC so that the server and the browser render the same text.
//! Written by hand: chrono's `format` would pull its whole strftime machinery into the WASM.

use chrono::{DateTime, Datelike, Timelike, Utc};

/// `2026-11-27`
pub fn date(t: DateTime<Utc>) -> String {
    format!("{:04}-{:02}-{:02}", t.year(), t.month(), t.day())
}

/// `2026-11-27 18:05 UTC`
pub fn date_time(t: DateTime<Utc>) -> String {
    format!("{} {:02}:{:02} UTC", date(t), t.hour(), t.minute())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_render_as_iso_in_utc() {
        let t = DateTime::parse_from_rfc3339("2026-03-04T05:06:07+02:00").unwrap().with_timezone(&Utc);
        assert_eq!(date(t), "2026-03-04");
        assert_eq!(date_time(t), "2026-03-04 03:06 UTC");
    }
}
