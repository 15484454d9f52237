//! Activities: calls, emails, meetings, tasks, notes and Telegram messages about a customer,
//! lead or deal. A first cut (type, subject, description, status, when); the activities issue
//! completes it (type-specific fields, lists, the timeline).

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::validate::Check;
use crate::error::AppError;

crate::string_enum!(
    /// What kind of activity.
    ActivityType {
        Call = "call" / "Call",
        Email = "email" / "Email",
        Telegram = "telegram" / "Telegram",
        Meeting = "meeting" / "Meeting",
        Task = "task" / "Task",
        Note = "note" / "Note",
    }
);

crate::string_enum!(
    /// Where an activity stands (SPEC §4).
    ActivityStatus {
        Scheduled = "scheduled" / "Scheduled",
        InProgress = "in_progress" / "In progress",
        Completed = "completed" / "Completed",
        Cancelled = "cancelled" / "Cancelled",
    }
);

/// An activity as shown to clients.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    pub id: i64,
    pub activity_type: ActivityType,
    pub subject: String,
    pub description: Option<String>,
    pub status: ActivityStatus,
    pub scheduled_at: Option<DateTime<Utc>>,
    /// Set by the server when the activity is completed.
    pub completed_at: Option<DateTime<Utc>>,
    pub customer_id: Option<i64>,
    pub lead_id: Option<i64>,
    pub deal_id: Option<i64>,
    /// Employee.
    pub assigned_to: Option<i64>,
    /// User who recorded it.
    pub created_by: Option<i64>,
    pub created_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A new activity as it arrives (text only).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActivityInput {
    pub activity_type: Option<String>,
    pub subject: Option<String>,
    pub description: Option<String>,
    /// Defaults to `scheduled` when `scheduled_at` is given, else `completed` (something that
    /// happened and is being recorded).
    pub status: Option<String>,
    /// RFC 3339, or `YYYY-MM-DDTHH:MM` as an `<input type="datetime-local">` sends it (UTC).
    pub scheduled_at: Option<String>,
}

/// A validated new activity.
#[derive(Debug, Clone, PartialEq)]
pub struct NewActivity {
    pub activity_type: ActivityType,
    pub subject: String,
    pub description: Option<String>,
    pub status: ActivityStatus,
    pub scheduled_at: Option<DateTime<Utc>>,
}

impl ActivityInput {
    pub fn validate(&self) -> Result<NewActivity, AppError> {
        let mut c = Check::new();
        let activity_type = c.one_of("activity_type", self.activity_type.as_deref());
        if activity_type.is_none() && c.is_ok() {
            c.add("activity_type", format!("is required (one of: {})", ActivityType::expected()));
        }
        let subject = c.required("subject", self.subject.as_deref(), 200);
        let description = c.optional("description", self.description.as_deref(), 10_000);
        let scheduled_at = date_time(&mut c, "scheduled_at", self.scheduled_at.as_deref());
        let status = c.one_of("status", self.status.as_deref()).unwrap_or(if scheduled_at.is_some() {
            ActivityStatus::Scheduled
        } else {
            ActivityStatus::Completed
        });
        c.finish(NewActivity {
            activity_type: activity_type.unwrap_or(ActivityType::Note),
            subject,
            description,
            status,
            scheduled_at,
        })
    }
}

/// An optional point in time: RFC 3339, or a local `YYYY-MM-DDTHH:MM[:SS]` taken as UTC.
fn date_time(c: &mut Check, field: &str, value: Option<&str>) -> Option<DateTime<Utc>> {
    let raw = value.map(str::trim).filter(|v| !v.is_empty())?;
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Some(t.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(raw, format) {
            return Some(t.and_utc());
        }
    }
    c.add(field, "must be a date and time such as 2026-05-01T14:30 (UTC) or RFC 3339");
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: &str, subject: &str) -> ActivityInput {
        ActivityInput { activity_type: Some(kind.into()), subject: Some(subject.into()), ..Default::default() }
    }

    #[test]
    fn an_activity_needs_a_type_and_a_subject() {
        let err = ActivityInput::default().validate().unwrap_err();
        assert!(err.field_error("activity_type").is_some() && err.field_error("subject").is_some());
        let err = input("fax", "x").validate().unwrap_err();
        assert!(err.field_error("activity_type").unwrap().contains("telegram"));
    }

    #[test]
    fn the_status_defaults_from_the_schedule() {
        let done = input("call", " Intro call ").validate().unwrap();
        assert_eq!(
            (done.subject.as_str(), done.status, done.scheduled_at),
            ("Intro call", ActivityStatus::Completed, None)
        );
        let planned = ActivityInput { scheduled_at: Some("2026-05-01T14:30".into()), ..input("meeting", "Demo") }
            .validate()
            .unwrap();
        assert_eq!(planned.status, ActivityStatus::Scheduled);
        assert_eq!(planned.scheduled_at.unwrap().to_rfc3339(), "2026-05-01T14:30:00+00:00");
        let cancelled = ActivityInput { status: Some("cancelled".into()), ..input("task", "T") }.validate().unwrap();
        assert_eq!(cancelled.status, ActivityStatus::Cancelled);
    }

    #[test]
    fn times_may_be_rfc3339_or_datetime_local() {
        let t = |s: &str| ActivityInput { scheduled_at: Some(s.into()), ..input("note", "N") }.validate();
        assert_eq!(
            t("2026-05-01T16:30:00+02:00").unwrap().scheduled_at.unwrap().to_rfc3339(),
            "2026-05-01T14:30:00+00:00"
        );
        assert!(t("2026-05-01T14:30:15").is_ok());
        assert!(t("01/05/2026").unwrap_err().field_error("scheduled_at").is_some());
        assert!(t("2026-13-01T10:00").is_err());
    }
}
