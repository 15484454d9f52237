//! Activities (SPEC §4): calls, emails, Telegram messages, meetings, tasks and notes about a
//! customer, lead or deal, with the fields of their type.
//!
//! Type-specific fields are *rejected* (422 naming the field) when sent non-empty for an
//! activity of another type, so that a client never believes it stored something that was
//! dropped. When an update changes the type, the fields of the old type are cleared.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::csv::Column;
use crate::domain::list::ListParams;
use crate::domain::validate::{is_valid_email, Check};
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

crate::string_enum!(
    /// How a call went.
    CallOutcome {
        Connected = "connected" / "Connected",
        NoAnswer = "no_answer" / "No answer",
        Voicemail = "voicemail" / "Left a voicemail",
        Busy = "busy" / "Busy",
        WrongNumber = "wrong_number" / "Wrong number",
    }
);

crate::string_enum!(
    /// How urgent a task is.
    ActivityPriority {
        Low = "low" / "Low",
        Medium = "medium" / "Medium",
        High = "high" / "High",
        Urgent = "urgent" / "Urgent",
    }
);

impl ActivityStatus {
    /// Whether the activity is still to be done (scheduled or in progress).
    pub fn is_open(self) -> bool {
        matches!(self, ActivityStatus::Scheduled | ActivityStatus::InProgress)
    }
}

impl ActivityType {
    /// A one-character icon for timelines and lists.
    pub fn icon(self) -> &'static str {
        match self {
            ActivityType::Call => "☎",
            ActivityType::Email => "✉",
            ActivityType::Telegram => "✈",
            ActivityType::Meeting => "👥",
            ActivityType::Task => "☑",
            ActivityType::Note => "✎",
        }
    }
}

/// An activity as shown to clients.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Activity {
    pub id: i64,
    #[serde(flatten)]
    pub fields: ActivityFields,
    /// Set by the server when the activity is completed; cleared if it is reopened.
    pub completed_at: Option<DateTime<Utc>>,
    pub assigned_to_name: Option<String>,
    /// The linked records' names, for display.
    pub customer_name: Option<String>,
    pub lead_name: Option<String>,
    pub deal_title: Option<String>,
    /// User who recorded it.
    pub created_by: Option<i64>,
    pub created_by_name: Option<String>,
    pub updated_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Incremented on every change (for optimistic concurrency).
    pub version: i64,
    /// An email written in the app: where its sending stands (queued, sending, sent, failed).
    #[serde(default)]
    pub mail_state: Option<crate::domain::mail::JobState>,
    /// Why it failed, or why the last attempt did.
    #[serde(default)]
    pub mail_error: Option<String>,
}

/// The editable fields of an activity, validated. Type-specific fields are `None` (or empty,
/// or `false`) unless the activity is of their type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ActivityFields {
    pub activity_type: ActivityType,
    pub title: String,
    pub description: Option<String>,
    pub status: ActivityStatus,
    pub scheduled_at: Option<DateTime<Utc>>,
    /// Whole minutes, 0 or more.
    pub duration_minutes: Option<i64>,
    pub customer_id: Option<i64>,
    pub lead_id: Option<i64>,
    pub deal_id: Option<i64>,
    /// Employee.
    pub assigned_to: Option<i64>,
    // call
    pub phone_number: Option<String>,
    pub recording_url: Option<String>,
    pub outcome: Option<CallOutcome>,
    // email
    pub email_subject: Option<String>,
    pub email_body: Option<String>,
    /// Email addresses, lower-cased.
    pub recipients: Vec<String>,
    // telegram
    /// Without the leading `@`.
    pub telegram_username: Option<String>,
    pub telegram_chat_id: Option<i64>,
    // meeting
    pub location: Option<String>,
    pub meeting_url: Option<String>,
    /// Names or email addresses.
    pub attendees: Vec<String>,
    // task
    pub priority: Option<ActivityPriority>,
    pub due_date: Option<NaiveDate>,
    // note
    pub is_pinned: bool,
}

impl Default for ActivityFields {
    fn default() -> Self {
        ActivityFields {
            activity_type: ActivityType::Note,
            title: String::new(),
            description: None,
            status: ActivityStatus::Completed,
            scheduled_at: None,
            duration_minutes: None,
            customer_id: None,
            lead_id: None,
            deal_id: None,
            assigned_to: None,
            phone_number: None,
            recording_url: None,
            outcome: None,
            email_subject: None,
            email_body: None,
            recipients: Vec::new(),
            telegram_username: None,
            telegram_chat_id: None,
            location: None,
            meeting_url: None,
            attendees: Vec::new(),
            priority: None,
            due_date: None,
            is_pinned: false,
        }
    }
}

/// Which type each type-specific input field belongs to.
pub const TYPE_FIELDS: &[(&str, ActivityType)] = &[
    ("phone_number", ActivityType::Call),
    ("recording_url", ActivityType::Call),
    ("outcome", ActivityType::Call),
    ("email_subject", ActivityType::Email),
    ("email_body", ActivityType::Email),
    ("recipients", ActivityType::Email),
    ("telegram_username", ActivityType::Telegram),
    ("telegram_chat_id", ActivityType::Telegram),
    ("location", ActivityType::Meeting),
    ("meeting_url", ActivityType::Meeting),
    ("attendees", ActivityType::Meeting),
    ("priority", ActivityType::Task),
    ("due_date", ActivityType::Task),
    ("is_pinned", ActivityType::Note),
];

impl ActivityFields {
    /// What search looks through: title and description, lower-cased.
    pub fn search_text(&self) -> String {
        [Some(&self.title), self.description.as_ref()]
            .into_iter()
            .flatten()
            .map(|s| s.to_lowercase())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Clears the fields that do not belong to the activity's type.
    fn clear_other_types(&mut self) {
        let t = self.activity_type;
        if t != ActivityType::Call {
            (self.phone_number, self.recording_url, self.outcome) = (None, None, None);
        }
        if t != ActivityType::Email {
            (self.email_subject, self.email_body) = (None, None);
            self.recipients.clear();
        }
        if t != ActivityType::Telegram {
            (self.telegram_username, self.telegram_chat_id) = (None, None);
        }
        if t != ActivityType::Meeting {
            (self.location, self.meeting_url) = (None, None);
            self.attendees.clear();
        }
        if t != ActivityType::Task {
            (self.priority, self.due_date) = (None, None);
        }
        if t != ActivityType::Note {
            self.is_pinned = false;
        }
    }

    /// The record this activity is about, for links: `("/leads/3", "Lead")`.
    pub fn links(&self) -> Vec<(String, &'static str)> {
        let mut out = Vec::new();
        if let Some(id) = self.customer_id {
            out.push((format!("/customers/{id}"), "Customer"));
        }
        if let Some(id) = self.lead_id {
            out.push((format!("/leads/{id}"), "Lead"));
        }
        if let Some(id) = self.deal_id {
            out.push((format!("/deals/{id}"), "Deal"));
        }
        out
    }
}

/// Create/update input as it arrives (text only). On update, a field that is not sent keeps
/// its value; a field sent empty is cleared. Defaults on create: `status` scheduled when
/// `scheduled_at` is given or the activity is a task, else completed (something that happened
/// and is being recorded); a task's `priority` medium.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct ActivityInput {
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<ActivityType>"))]
    pub activity_type: Option<String>,
    pub title: Option<String>,
    /// The old name of `title` (`leads/add_activity`); used when `title` is not sent, and
    /// problems with it are reported under `subject`.
    pub subject: Option<String>,
    pub description: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<ActivityStatus>"))]
    pub status: Option<String>,
    /// RFC 3339, or `YYYY-MM-DDTHH:MM` as an `<input type="datetime-local">` sends it (UTC).
    pub scheduled_at: Option<String>,
    pub duration_minutes: Option<String>,
    pub customer_id: Option<String>,
    pub lead_id: Option<String>,
    pub deal_id: Option<String>,
    pub assigned_to: Option<String>,
    pub phone_number: Option<String>,
    pub recording_url: Option<String>,
    /// connected, no_answer, voicemail, busy, wrong_number.
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<CallOutcome>"))]
    pub outcome: Option<String>,
    pub email_subject: Option<String>,
    pub email_body: Option<String>,
    /// Email addresses separated by commas, semicolons or new lines.
    pub recipients: Option<String>,
    pub telegram_username: Option<String>,
    pub telegram_chat_id: Option<String>,
    pub location: Option<String>,
    pub meeting_url: Option<String>,
    /// Names or email addresses separated by commas, semicolons or new lines.
    pub attendees: Option<String>,
    /// low, medium, high, urgent.
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<ActivityPriority>"))]
    pub priority: Option<String>,
    /// `YYYY-MM-DD`.
    pub due_date: Option<String>,
    /// true/false (a checkbox sends `on`).
    pub is_pinned: Option<String>,
}

impl ActivityInput {
    /// The value sent for a type-specific field, if any (non-empty, or a true pin).
    fn sent(&self, field: &str) -> bool {
        let v = match field {
            "phone_number" => &self.phone_number,
            "recording_url" => &self.recording_url,
            "outcome" => &self.outcome,
            "email_subject" => &self.email_subject,
            "email_body" => &self.email_body,
            "recipients" => &self.recipients,
            "telegram_username" => &self.telegram_username,
            "telegram_chat_id" => &self.telegram_chat_id,
            "location" => &self.location,
            "meeting_url" => &self.meeting_url,
            "attendees" => &self.attendees,
            "priority" => &self.priority,
            "due_date" => &self.due_date,
            "is_pinned" => {
                return self
                    .is_pinned
                    .as_deref()
                    .is_some_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "true" | "1" | "on" | "yes"))
            }
            _ => return false,
        };
        v.as_deref().is_some_and(|v| !v.trim().is_empty())
    }

    /// Applies this input on top of `base` (defaults when creating, with `creating`), validating
    /// every field sent.
    pub fn apply_to(&self, mut base: ActivityFields, creating: bool) -> Result<ActivityFields, AppError> {
        let mut c = Check::new();
        // The type first: it decides which other fields are allowed.
        match c.one_of::<ActivityType>("activity_type", self.activity_type.as_deref()) {
            Some(t) => base.activity_type = t,
            None if creating && c.is_ok() => {
                c.add("activity_type", format!("is required (one of: {})", ActivityType::expected()))
            }
            None => {}
        }
        let (title_field, title) = match (&self.title, &self.subject) {
            (None, Some(subject)) => ("subject", Some(subject)),
            (title, _) => ("title", title.as_ref()),
        };
        if let Some(v) = title {
            base.title = c.required(title_field, Some(v), 200);
        } else if base.title.is_empty() {
            c.add(title_field, "is required");
        }
        crate::patch_text!(c, self, base, description, 10_000);
        if let Some(v) = self.scheduled_at.as_deref() {
            base.scheduled_at = date_time(&mut c, "scheduled_at", Some(v));
        }
        if let Some(v) = self.duration_minutes.as_deref() {
            base.duration_minutes = c.int("duration_minutes", Some(v), 0, 60 * 24 * 365);
        }
        macro_rules! id {
            ($field:ident) => {
                if let Some(v) = self.$field.as_deref() {
                    base.$field = c.id(stringify!($field), Some(v));
                }
            };
        }
        id!(customer_id);
        id!(lead_id);
        id!(deal_id);
        id!(assigned_to);

        // Type-specific fields: only for their own type.
        let kind = base.activity_type;
        for (field, t) in TYPE_FIELDS {
            if *t != kind && self.sent(field) {
                c.add(field, format!("only applies to {} activities", t.label().to_lowercase()));
            }
        }
        if kind == ActivityType::Call {
            if let Some(v) = self.phone_number.as_deref() {
                base.phone_number = c.optional("phone_number", Some(v), 50);
                if base.phone_number.as_deref().is_some_and(|p| !is_phone_number(p)) {
                    c.add("phone_number", "must be a phone number (digits, spaces, + - ( ) .)");
                }
            }
            if let Some(v) = self.recording_url.as_deref() {
                base.recording_url = c.url("recording_url", Some(v));
            }
            if self.outcome.is_some() {
                base.outcome = c.one_of("outcome", self.outcome.as_deref());
            }
        }
        if kind == ActivityType::Email {
            crate::patch_text!(c, self, base, email_subject, 200);
            crate::patch_text!(c, self, base, email_body, 50_000);
            if let Some(v) = self.recipients.as_deref() {
                base.recipients = list(&mut c, "recipients", v, 254);
                if base.recipients.iter().any(|r| !is_valid_email(r)) {
                    c.add("recipients", "must be email addresses separated by commas");
                }
                base.recipients = base.recipients.iter().map(|r| r.to_lowercase()).collect();
            }
        }
        if kind == ActivityType::Telegram {
            if let Some(v) = self.telegram_username.as_deref() {
                base.telegram_username = c.optional("telegram_username", Some(v), 40).map(|u| {
                    let u = u.trim_start_matches('@').to_owned();
                    let ok = (5..=32).contains(&u.len()) && u.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_');
                    if !ok {
                        c.add(
                            "telegram_username",
                            "must be 5 to 32 letters, digits or underscores (an optional @ first)",
                        );
                    }
                    u
                });
            }
            if let Some(v) = self.telegram_chat_id.as_deref().map(str::trim) {
                base.telegram_chat_id = match v {
                    "" => None,
                    v => match v.parse::<i64>() {
                        Ok(id) if id != 0 => Some(id),
                        _ => {
                            c.add("telegram_chat_id", "must be a Telegram chat id (a whole number)");
                            None
                        }
                    },
                };
            }
        }
        if kind == ActivityType::Meeting {
            crate::patch_text!(c, self, base, location, 200);
            if let Some(v) = self.meeting_url.as_deref() {
                base.meeting_url = c.url("meeting_url", Some(v));
            }
            if let Some(v) = self.attendees.as_deref() {
                base.attendees = list(&mut c, "attendees", v, 200);
            }
        }
        if kind == ActivityType::Task {
            if self.priority.is_some() {
                base.priority = c.one_of("priority", self.priority.as_deref());
            }
            if let Some(v) = self.due_date.as_deref() {
                base.due_date = c.date("due_date", Some(v));
            }
            if creating && base.priority.is_none() && c.is_ok() {
                base.priority = Some(ActivityPriority::Medium);
            }
        }
        if kind == ActivityType::Note {
            if let Some(v) = self.is_pinned.as_deref() {
                base.is_pinned = crate::domain::pipeline::parse_bool(&mut c, "is_pinned", v).unwrap_or(false);
            }
        }
        base.clear_other_types();

        match c.one_of::<ActivityStatus>("status", self.status.as_deref()) {
            Some(s) => base.status = s,
            None if creating => {
                base.status = if base.scheduled_at.is_some() || kind == ActivityType::Task {
                    ActivityStatus::Scheduled
                } else {
                    ActivityStatus::Completed
                };
            }
            None => {}
        }
        if base.customer_id.is_none() && base.lead_id.is_none() && base.deal_id.is_none() {
            c.add("customer_id", "an activity needs a customer, a lead or a deal");
        }
        c.finish(base)
    }
}

/// A phone number: digits with the usual separators, at least three digits.
fn is_phone_number(p: &str) -> bool {
    p.chars().filter(char::is_ascii_digit).count() >= 3
        && p.chars().all(|ch| ch.is_ascii_digit() || " +-().".contains(ch))
}

/// A list separated by commas, semicolons or new lines: trimmed, empty items dropped, at most 50.
fn list(c: &mut Check, field: &str, raw: &str, max_item: usize) -> Vec<String> {
    let items: Vec<String> =
        raw.split([',', ';', '\n']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect();
    if items.len() > 50 {
        c.add(field, "at most 50 entries");
    }
    if items.iter().any(|i| i.chars().count() > max_item) {
        c.add(field, format!("each entry must be at most {max_item} characters"));
    }
    items
}

/// An optional point in time: RFC 3339, or a local `YYYY-MM-DDTHH:MM[:SS]` taken as UTC.
pub fn date_time(c: &mut Check, field: &str, value: Option<&str>) -> Option<DateTime<Utc>> {
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

/// A bound of a date range: a date (`YYYY-MM-DD`, the whole day counts) or a date and time.
/// Returns the first instant of the range (`end`: false) or the first instant after it.
fn range_bound(c: &mut Check, field: &str, value: Option<&str>, end: bool) -> Option<DateTime<Utc>> {
    let raw = value.map(str::trim).filter(|v| !v.is_empty())?;
    if let Ok(d) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        let day = d.and_hms_opt(0, 0, 0)?.and_utc();
        return Some(if end { day + Duration::days(1) } else { day });
    }
    let mut local = Check::new();
    match date_time(&mut local, field, Some(raw)) {
        Some(t) if end => Some(t + Duration::microseconds(1)),
        Some(t) => Some(t),
        None => {
            c.add(field, "must be a date (YYYY-MM-DD) or a date and time (RFC 3339)");
            None
        }
    }
}

/// The columns of an activities export (the fields of every type; those of other types stay empty).
pub const CSV_COLUMNS: &[Column<Activity>] = &[
    crate::col!("id", |c| c.id),
    crate::col!("activity_type", |c| c.fields.activity_type.as_str()),
    crate::col!("title", |c| c.fields.title),
    crate::col!("status", |c| c.fields.status.as_str()),
    crate::col!("scheduled_at", |c| c.fields.scheduled_at),
    crate::col!("duration_minutes", |c| c.fields.duration_minutes),
    crate::col!("completed_at", |c| c.completed_at),
    crate::col!("customer_id", |c| c.fields.customer_id),
    crate::col!("customer_name", |c| c.customer_name),
    crate::col!("lead_id", |c| c.fields.lead_id),
    crate::col!("lead_name", |c| c.lead_name),
    crate::col!("deal_id", |c| c.fields.deal_id),
    crate::col!("deal_title", |c| c.deal_title),
    crate::col!("assigned_to", |c| c.fields.assigned_to),
    crate::col!("assigned_to_name", |c| c.assigned_to_name),
    crate::col!("description", |c| c.fields.description),
    crate::col!("phone_number", |c| c.fields.phone_number),
    crate::col!("outcome", |c| c.fields.outcome.map(|o| o.as_str())),
    crate::col!("email_subject", |c| c.fields.email_subject),
    crate::col!("recipients", |c| c.fields.recipients),
    crate::col!("telegram_username", |c| c.fields.telegram_username),
    crate::col!("location", |c| c.fields.location),
    crate::col!("meeting_url", |c| c.fields.meeting_url),
    crate::col!("attendees", |c| c.fields.attendees),
    crate::col!("priority", |c| c.fields.priority.map(|p| p.as_str())),
    crate::col!("due_date", |c| c.fields.due_date),
    crate::col!("is_pinned", |c| c.fields.is_pinned),
    crate::col!("created_by_name", |c| c.created_by_name),
    crate::col!("created_at", |c| c.created_at),
    crate::col!("updated_at", |c| c.updated_at),
];

/// Fields an activity list can be ordered by; the first is the default (newest first).
pub const SORTABLE: &[&str] =
    &["created_at", "scheduled_at", "title", "activity_type", "status", "completed_at", "due_date", "updated_at"];

/// List query as it arrives (query string): text only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct ActivityQuery {
    /// Title or description contains.
    pub search: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<ActivityType>"))]
    pub activity_type: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<ActivityStatus>"))]
    pub status: Option<String>,
    pub assigned_to: Option<String>,
    pub customer_id: Option<String>,
    pub lead_id: Option<String>,
    pub deal_id: Option<String>,
    /// `scheduled_at` on or after (a date, or a date and time).
    pub from: Option<String>,
    /// `scheduled_at` on or before (a date: that whole day; or a date and time).
    pub to: Option<String>,
    pub ordering: Option<String>,
    pub page: Option<String>,
    pub page_size: Option<String>,
}

/// Validated activity list filters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActivityFilter {
    pub search: Option<String>,
    pub activity_type: Option<ActivityType>,
    pub status: Option<ActivityStatus>,
    pub assigned_to: Option<i64>,
    pub customer_id: Option<i64>,
    pub lead_id: Option<i64>,
    pub deal_id: Option<i64>,
    /// `scheduled_at >= from`.
    pub from: Option<DateTime<Utc>>,
    /// `scheduled_at < until`.
    pub until: Option<DateTime<Utc>>,
}

impl ActivityQuery {
    pub fn validate(&self) -> Result<(ActivityFilter, ListParams), AppError> {
        let mut c = Check::new();
        let filter = ActivityFilter {
            search: c.optional("search", self.search.as_deref(), 200),
            activity_type: c.one_of("activity_type", self.activity_type.as_deref()),
            status: c.one_of("status", self.status.as_deref()),
            assigned_to: c.id("assigned_to", self.assigned_to.as_deref()),
            customer_id: c.id("customer_id", self.customer_id.as_deref()),
            lead_id: c.id("lead_id", self.lead_id.as_deref()),
            deal_id: c.id("deal_id", self.deal_id.as_deref()),
            from: range_bound(&mut c, "from", self.from.as_deref(), false),
            until: range_bound(&mut c, "to", self.to.as_deref(), true),
        };
        if let (Some(from), Some(until)) = (filter.from, filter.until) {
            if until <= from {
                c.add("to", "must not be before from");
            }
        }
        let params = ListParams::parse(
            &mut c,
            self.page.as_deref(),
            self.page_size.as_deref(),
            self.ordering.as_deref(),
            SORTABLE,
            true,
        );
        c.finish((filter, params))
    }
}

/// How many days ahead `upcoming` looks: 1–365, 7 by default.
pub fn validate_days(days: Option<&str>) -> Result<i64, AppError> {
    let mut c = Check::new();
    let days = c.int("days", days, 1, 365).unwrap_or(7);
    c.finish(days)
}

/// Activity counts (`activities/stats`), within the caller's scope.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ActivityStats {
    pub total: i64,
    /// Type → count (types without activities are left out).
    pub by_type: BTreeMap<String, i64>,
    /// Status → count.
    pub by_status: BTreeMap<String, i64>,
    /// Open and past their time or due date.
    pub overdue: i64,
    /// Completed since the start of the current day (UTC).
    pub completed_today: i64,
}

/// The caller's day (`activities/my_day`): open activities scheduled or due today (UTC), and
/// overdue ones, both assigned to the caller.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct MyDay {
    pub today: Vec<Activity>,
    pub overdue: Vec<Activity>,
}

/// An activity in the shape of the first API (`leads/add_activity`, `leads/activities`): the
/// activity with its title also as `subject`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct LeadActivity {
    #[serde(flatten)]
    pub activity: Activity,
    pub subject: String,
}

impl From<Activity> for LeadActivity {
    fn from(activity: Activity) -> Self {
        let subject = activity.fields.title.clone();
        LeadActivity { activity, subject }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: &str, title: &str) -> ActivityInput {
        ActivityInput {
            activity_type: Some(kind.into()),
            title: Some(title.into()),
            lead_id: Some("1".into()),
            ..Default::default()
        }
    }

    fn create(i: ActivityInput) -> Result<ActivityFields, AppError> {
        i.apply_to(ActivityFields::default(), true)
    }

    #[test]
    fn an_activity_needs_a_type_a_title_and_a_linked_record() {
        let err = create(ActivityInput::default()).unwrap_err();
        for field in ["activity_type", "title", "customer_id"] {
            assert!(err.field_error(field).is_some(), "{field} should be reported");
        }
        let err = create(input("fax", "x")).unwrap_err();
        assert!(err.field_error("activity_type").unwrap().contains("telegram"));
        let deal_only = ActivityInput { lead_id: None, deal_id: Some("4".into()), ..input("note", "N") };
        assert_eq!(create(deal_only).unwrap().deal_id, Some(4));
    }

    #[test]
    fn the_old_subject_field_is_accepted_and_reported_under_its_own_name() {
        let old = ActivityInput { title: None, subject: Some("Intro".into()), ..input("call", "") };
        assert_eq!(create(old).unwrap().title, "Intro");
        let blank = ActivityInput { title: None, subject: Some(" ".into()), ..input("call", "") };
        assert!(create(blank).unwrap_err().field_error("subject").is_some());
    }

    #[test]
    fn the_status_defaults_from_the_schedule_and_the_type() {
        let done = create(input("call", " Intro call ")).unwrap();
        assert_eq!(
            (done.title.as_str(), done.status, done.scheduled_at),
            ("Intro call", ActivityStatus::Completed, None)
        );
        let planned =
            create(ActivityInput { scheduled_at: Some("2026-05-01T14:30".into()), ..input("meeting", "Demo") })
                .unwrap();
        assert_eq!(planned.status, ActivityStatus::Scheduled);
        assert_eq!(planned.scheduled_at.unwrap().to_rfc3339(), "2026-05-01T14:30:00+00:00");
        let task = create(input("task", "Send quote")).unwrap();
        assert_eq!((task.status, task.priority), (ActivityStatus::Scheduled, Some(ActivityPriority::Medium)));
        let cancelled = create(ActivityInput { status: Some("cancelled".into()), ..input("task", "T") }).unwrap();
        assert_eq!(cancelled.status, ActivityStatus::Cancelled);
    }

    #[test]
    fn times_may_be_rfc3339_or_datetime_local() {
        let t = |s: &str| create(ActivityInput { scheduled_at: Some(s.into()), ..input("note", "N") });
        assert_eq!(
            t("2026-05-01T16:30:00+02:00").unwrap().scheduled_at.unwrap().to_rfc3339(),
            "2026-05-01T14:30:00+00:00"
        );
        assert!(t("2026-05-01T14:30:15").is_ok());
        assert!(t("01/05/2026").unwrap_err().field_error("scheduled_at").is_some());
        assert!(t("2026-13-01T10:00").is_err());
    }

    #[test]
    fn type_specific_fields_are_validated() {
        let call = ActivityInput {
            phone_number: Some("+1 (555) 010-2030".into()),
            recording_url: Some("recordings.example.com/1".into()),
            outcome: Some("no_answer".into()),
            duration_minutes: Some("12".into()),
            ..input("call", "Call")
        };
        let f = create(call).unwrap();
        assert_eq!(f.recording_url.as_deref(), Some("https://recordings.example.com/1"));
        assert_eq!((f.outcome, f.duration_minutes), (Some(CallOutcome::NoAnswer), Some(12)));
        let bad = ActivityInput {
            phone_number: Some("call me".into()),
            recording_url: Some("not a url".into()),
            outcome: Some("great".into()),
            duration_minutes: Some("-5".into()),
            ..input("call", "Call")
        };
        let err = create(bad).unwrap_err();
        for field in ["phone_number", "recording_url", "outcome", "duration_minutes"] {
            assert!(err.field_error(field).is_some(), "{field} should be reported");
        }
    }

    #[test]
    fn email_recipients_must_all_be_addresses() {
        let ok = ActivityInput { recipients: Some("Ann@Example.com; bob@example.org\n".into()), ..input("email", "E") };
        assert_eq!(create(ok).unwrap().recipients, ["ann@example.com", "bob@example.org"]);
        let bad = ActivityInput { recipients: Some("ann@example.com, nobody".into()), ..input("email", "E") };
        assert!(create(bad).unwrap_err().field_error("recipients").is_some());
    }

    #[test]
    fn telegram_usernames_lose_their_at_sign_and_chat_ids_are_numbers() {
        let ok = ActivityInput {
            telegram_username: Some("@ann_smith".into()),
            telegram_chat_id: Some("-100123".into()),
            ..input("telegram", "T")
        };
        let f = create(ok).unwrap();
        assert_eq!((f.telegram_username.as_deref(), f.telegram_chat_id), (Some("ann_smith"), Some(-100123)));
        let bad = ActivityInput {
            telegram_username: Some("a b".into()),
            telegram_chat_id: Some("chat".into()),
            ..input("telegram", "T")
        };
        let err = create(bad).unwrap_err();
        assert!(err.field_error("telegram_username").is_some() && err.field_error("telegram_chat_id").is_some());
    }

    #[test]
    fn tasks_take_a_priority_and_a_due_date_and_notes_a_pin() {
        let task = ActivityInput {
            priority: Some("urgent".into()),
            due_date: Some("2026-06-01".into()),
            ..input("task", "T")
        };
        let f = create(task).unwrap();
        assert_eq!((f.priority, f.due_date), (Some(ActivityPriority::Urgent), NaiveDate::from_ymd_opt(2026, 6, 1)));
        let err = create(ActivityInput { priority: Some("asap".into()), ..input("task", "T") }).unwrap_err();
        assert!(err.field_error("priority").unwrap().contains("urgent"));
        let note = create(ActivityInput { is_pinned: Some("on".into()), ..input("note", "N") }).unwrap();
        assert!(note.is_pinned);
    }

    #[test]
    fn fields_of_another_type_are_rejected_by_name() {
        let err = create(ActivityInput {
            location: Some("Room 1".into()),
            is_pinned: Some("true".into()),
            ..input("call", "Call")
        })
        .unwrap_err();
        assert_eq!(err.field_error("location").as_deref(), Some("only applies to meeting activities"));
        assert!(err.field_error("is_pinned").is_some());
        // Sent empty (as a form with every section does) is not a problem.
        let ok = ActivityInput { location: Some(String::new()), is_pinned: Some("false".into()), ..input("call", "C") };
        assert!(create(ok).is_ok());
    }

    #[test]
    fn changing_the_type_clears_the_old_types_fields() {
        let call = create(ActivityInput { phone_number: Some("555 0100".into()), ..input("call", "C") }).unwrap();
        let meeting =
            ActivityInput { activity_type: Some("meeting".into()), location: Some("HQ".into()), ..Default::default() }
                .apply_to(call, false)
                .unwrap();
        assert_eq!((meeting.phone_number, meeting.location.as_deref()), (None, Some("HQ")));
        assert_eq!(meeting.title, "C", "not sent: kept");
    }

    #[test]
    fn an_update_cannot_unlink_every_record() {
        let f = create(input("note", "N")).unwrap();
        let err = ActivityInput { lead_id: Some(String::new()), ..Default::default() }.apply_to(f, false).unwrap_err();
        assert!(err.field_error("customer_id").is_some());
    }

    #[test]
    fn list_ranges_take_whole_days_or_exact_times() {
        let q = ActivityQuery { from: Some("2026-05-01".into()), to: Some("2026-05-01".into()), ..Default::default() };
        let (f, _) = q.validate().unwrap();
        assert_eq!(f.from.unwrap().to_rfc3339(), "2026-05-01T00:00:00+00:00");
        assert_eq!(f.until.unwrap().to_rfc3339(), "2026-05-02T00:00:00+00:00");
        let q = ActivityQuery { from: Some("yesterday".into()), ordering: Some("secret".into()), ..Default::default() };
        let err = q.validate().unwrap_err();
        assert!(err.field_error("from").is_some() && err.field_error("ordering").is_some());
        let q = ActivityQuery { from: Some("2026-05-02".into()), to: Some("2026-05-01".into()), ..Default::default() };
        assert!(q.validate().unwrap_err().field_error("to").is_some());
    }

    #[test]
    fn upcoming_looks_a_week_ahead_unless_told() {
        assert_eq!(validate_days(None).unwrap(), 7);
        assert_eq!(validate_days(Some("30")).unwrap(), 30);
        assert!(validate_days(Some("0")).is_err());
    }
}
