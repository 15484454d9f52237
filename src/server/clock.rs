//! An organization's time zone: what "today" and "this month" mean for its figures, and the
//! instants where its local days begin.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use crate::error::AppError;

/// A time zone by its IANA name (`Europe/Berlin`).
#[derive(Debug, Clone, Copy)]
pub struct Zone(Tz);

impl Zone {
    /// The zone of `name`; UTC for a name that is not an IANA zone (stored before names were
    /// checked).
    pub fn named(name: &str) -> Zone {
        Zone(name.parse().unwrap_or(Tz::UTC))
    }

    /// Whether `name` is an IANA time zone name.
    pub fn is_known(name: &str) -> bool {
        name.parse::<Tz>().is_ok()
    }

    /// 422 naming `time_zone` when a time zone was sent that is not an IANA name.
    pub fn check(sent: Option<&str>) -> Result<(), AppError> {
        match sent {
            Some(name) if !Zone::is_known(name) => {
                Err(AppError::field("time_zone", "must be an IANA time zone name such as Europe/Berlin or UTC"))
            }
            _ => Ok(()),
        }
    }

    /// The IANA name (`Europe/Berlin`).
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// The local date and time at instant `t`.
    pub fn local(self, t: DateTime<Utc>) -> chrono::NaiveDateTime {
        t.with_timezone(&self.0).naive_local()
    }

    /// The local date at instant `t`.
    pub fn date_of(self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.0).date_naive()
    }

    /// Today's local date.
    pub fn today(self) -> NaiveDate {
        self.date_of(Utc::now())
    }

    /// The instant local day `day` begins (where midnight falls in a daylight-saving gap, the
    /// first instant of the day that exists).
    pub fn start_of(self, day: NaiveDate) -> DateTime<Utc> {
        (0..=3)
            .find_map(|hour| self.0.from_local_datetime(&day.and_hms_opt(hour, 0, 0)?).earliest())
            .map_or_else(|| day.and_time(chrono::NaiveTime::MIN).and_utc(), |t| t.with_timezone(&Utc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn local_days_begin_at_the_zones_midnight() {
        let berlin = Zone::named("Europe/Berlin");
        assert_eq!(berlin.start_of(d("2026-01-15")).to_rfc3339(), "2026-01-14T23:00:00+00:00");
        assert_eq!(berlin.start_of(d("2026-07-15")).to_rfc3339(), "2026-07-14T22:00:00+00:00");
        let kolkata = Zone::named("Asia/Kolkata");
        assert_eq!(kolkata.start_of(d("2026-07-15")).to_rfc3339(), "2026-07-14T18:30:00+00:00");
        // Santiago skips midnight when daylight saving starts (2026-09-06 00:00 → 01:00).
        let santiago = Zone::named("America/Santiago");
        assert_eq!(santiago.start_of(d("2026-09-06")).to_rfc3339(), "2026-09-06T04:00:00+00:00");
        let t = DateTime::parse_from_rfc3339("2026-11-30T23:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(berlin.date_of(t), d("2026-12-01"));
        assert_eq!(Zone::named("UTC").date_of(t), d("2026-11-30"));
    }

    #[test]
    fn unknown_names_are_utc_and_not_known() {
        assert!(Zone::is_known("America/New_York"));
        assert!(!Zone::is_known("Mars/Olympus"));
        assert_eq!(Zone::named("Mars/Olympus").start_of(d("2026-01-01")).to_rfc3339(), "2026-01-01T00:00:00+00:00");
    }
}
