//! Reminders by email, queued by every server's worker as they fall due:
//!
//! - the assignee of a scheduled call or meeting gets one `reminder_minutes` before it starts
//!   (their profile setting: default 15, or off; an employee who cannot sign in gets the
//!   default);
//! - the assignee of an open task gets one on the morning it is due ([`TASK_HOUR`] in their
//!   time zone, else the organization's), or at once when it is made due later that day.
//!
//! Each reminder is recorded in `reminders` under its activity and due time in the same
//! transaction as its mail, and only while the activity still is as it was read: so it goes
//! out at most once whichever server gets there first, not at all for an activity completed,
//! cancelled or moved meanwhile, and a moved one is reminded at its new time.

use chrono::{DateTime, Duration, Utc};

use crate::domain::auth::DEFAULT_REMINDER_MINUTES;
use crate::domain::mail::{flattened, Mail};
use crate::domain::validate::is_valid_email;
use crate::error::AppError;
use crate::server::clock::Zone;
use crate::server::config::Config;
use crate::server::db::Db;
use crate::server::repo;
use crate::server::repo::reminders::Candidate;

/// The local hour of the morning a task is due on when its reminder goes out.
pub const TASK_HOUR: i64 = 8;
/// The longest reminder setting (a day), and so how far ahead calls are looked at.
const LONGEST: Duration = Duration::minutes(1440);

/// Queues the reminders due at `now`; returns how many this call queued.
pub async fn queue_due(db: &Db, config: &Config, now: DateTime<Utc>) -> Result<usize, AppError> {
    let mut conn = db.read().await?;
    let mut due = repo::reminders::calls_and_meetings(&mut conn, now, now + LONGEST).await?;
    // Every zone's "today" lies within a day of UTC's; a task reminded today is left out of
    // tomorrow's reading only if it was reminded less than 20 hours ago.
    let today = now.date_naive();
    due.extend(
        repo::reminders::tasks(
            &mut conn,
            today - Duration::days(1),
            today + Duration::days(1),
            now - Duration::hours(20),
        )
        .await?,
    );
    drop(conn);
    let mut queued = 0;
    for activity in due {
        let Some(due_at) = due_at(&activity, now) else { continue };
        let Some(to) = activity.email.clone().filter(|e| is_valid_email(e)) else { continue };
        match queue_one(db, config, &activity, &to, due_at, now).await {
            Ok(true) => queued += 1,
            Ok(false) => {}
            Err(err) => tracing::error!(activity = activity.id, "reminder not queued: {err}"),
        }
    }
    Ok(queued)
}

async fn queue_one(
    db: &Db,
    config: &Config,
    activity: &Candidate,
    to: &str,
    due_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let mut tx = db.write().await?;
    if !repo::reminders::claim(&mut tx, activity, due_at, now).await? {
        return Ok(false);
    }
    let mail = reminder_mail(activity, to, due_at, now, &config.public_url);
    let job = super::queue_mail(&mut tx, config, Some(activity.organization_id), mail).await?;
    repo::reminders::set_job(&mut tx, activity.id, due_at, job).await?;
    tx.commit().await?;
    Ok(true)
}

/// The assignee's zone, else the organization's.
fn zone(activity: &Candidate) -> Zone {
    Zone::named(activity.user_zone.as_deref().unwrap_or(&activity.org_zone))
}

/// When `activity`'s reminder goes out if that is now (a call's start, a task's morning: the
/// time it is recorded under), else `None` (not yet, too late, or reminders are off).
fn due_at(activity: &Candidate, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let minutes = if activity.has_user { activity.reminder_minutes? } else { DEFAULT_REMINDER_MINUTES };
    match (activity.activity_type.as_str(), activity.due_date, activity.scheduled_at) {
        ("task", Some(day), _) => {
            let zone = zone(activity);
            let morning = zone.start_of(day) + Duration::hours(TASK_HOUR);
            (morning <= now && now < zone.start_of(day + Duration::days(1))).then_some(morning)
        }
        (_, _, Some(start)) => (start - Duration::minutes(minutes.max(1)) <= now && now < start).then_some(start),
        _ => None,
    }
}

/// The reminder itself: what, when (in the assignee's zone), about whom, and a link.
fn reminder_mail(activity: &Candidate, to: &str, due_at: DateTime<Utc>, now: DateTime<Utc>, public_url: &str) -> Mail {
    // Titles are free text; a subject is one line.
    let title = flattened(&activity.title);
    let about = activity.about.as_deref().map(|a| format!(" ({a})")).unwrap_or_default();
    let zone = zone(activity);
    let kind = match activity.activity_type.as_str() {
        "meeting" => "Meeting",
        "task" => "Task",
        _ => "Call",
    };
    let (subject, sentence) = if kind == "Task" {
        let day = activity.due_date.map(|d| d.format("%A, %-d %B").to_string()).unwrap_or_default();
        (format!("Reminder: {title} is due today"), format!("Task “{title}”{about} is due today, {day}."))
    } else {
        let at = zone.local(due_at).format("%H:%M").to_string();
        let minutes = ((due_at - now).num_seconds() + 59).div_euclid(60).max(1);
        let when = if minutes == 1 { "in a minute".to_owned() } else { format!("in {minutes} minutes") };
        (
            format!("Reminder: {title} at {at}"),
            format!("{kind} “{title}”{about} starts at {at} ({}), {when}.", zone.name()),
        )
    };
    let link = format!("{}/activities/{}", public_url.trim_end_matches('/'), activity.id);
    let change = "You get this reminder because the activity is assigned to you. Choose when (or whether) \
                  reminders come on your profile page.";
    Mail::new(to, Some(&activity.name), &subject, &[&sentence, change], Some(("Open it", &link)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(start: DateTime<Utc>, minutes: Option<i64>) -> Candidate {
        Candidate {
            id: 7,
            organization_id: 1,
            activity_type: "call".into(),
            title: "Call\nAnn".into(),
            scheduled_at: Some(start),
            due_date: None,
            email: Some("rep@x.example".into()),
            name: "Rep".into(),
            has_user: true,
            reminder_minutes: minutes,
            user_zone: Some("Europe/Berlin".into()),
            org_zone: "UTC".into(),
            about: Some("Acme".into()),
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_call_is_due_from_its_setting_until_it_starts() {
        let start = at("2026-12-07T14:00:00Z");
        let c = call(start, Some(15));
        assert_eq!(due_at(&c, at("2026-12-07T13:44:59Z")), None);
        assert_eq!(due_at(&c, at("2026-12-07T13:45:00Z")), Some(start));
        assert_eq!(due_at(&c, at("2026-12-07T14:00:00Z")), None);
        assert_eq!(due_at(&call(start, None), at("2026-12-07T13:59:00Z")), None, "reminders off");
    }

    #[test]
    fn a_task_is_due_on_its_morning_in_the_assignees_zone() {
        let mut t = call(at("2026-12-07T14:00:00Z"), Some(15));
        t.activity_type = "task".into();
        t.scheduled_at = None;
        t.due_date = Some(chrono::NaiveDate::from_ymd_opt(2026, 12, 8).unwrap());
        t.user_zone = Some("Asia/Tokyo".into());
        // 08:00 in Tokyo on the 8th is 23:00 UTC on the 7th.
        assert_eq!(due_at(&t, at("2026-12-07T22:59:00Z")), None);
        assert_eq!(due_at(&t, at("2026-12-07T23:00:00Z")), Some(at("2026-12-07T23:00:00Z")));
        assert_eq!(due_at(&t, at("2026-12-08T15:30:00Z")), None, "the day is over in Tokyo");
    }

    #[test]
    fn the_mail_says_when_in_the_assignees_zone_on_one_subject_line() {
        let start = at("2026-12-07T14:00:00Z");
        let mail =
            reminder_mail(&call(start, Some(15)), "rep@x.example", start, at("2026-12-07T13:50:00Z"), "http://h");
        assert_eq!(mail.subject, "Reminder: Call Ann at 15:00");
        assert!(mail.text.contains("starts at 15:00 (Europe/Berlin), in 10 minutes"), "{}", mail.text);
        assert!(mail.text.contains("http://h/activities/7"));
        assert_eq!(mail.check(), Ok(()));
    }
}
