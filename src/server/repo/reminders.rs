//! Reminders of activities (see `server/jobs/reminders.rs`): what is due for one, and the
//! row that makes each reminder happen at most once.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;

use crate::error::AppError;
use crate::on;
use crate::server::db::Conn;

/// An open activity with an assignee who may need reminding, and what the mail needs.
#[derive(Debug, Clone, FromRow)]
pub struct Candidate {
    pub id: i64,
    pub organization_id: i64,
    pub activity_type: String,
    pub title: String,
    pub scheduled_at: Option<DateTime<Utc>>,
    pub due_date: Option<NaiveDate>,
    /// The assignee's sign-in address, else their employee record's.
    pub email: Option<String>,
    pub name: String,
    /// Whether the assignee can sign in (and so has their own reminder setting and zone).
    pub has_user: bool,
    pub reminder_minutes: Option<i64>,
    pub user_zone: Option<String>,
    pub org_zone: String,
    /// The customer's, lead's or deal's name.
    pub about: Option<String>,
}

const SELECT: &str = "select a.id, a.organization_id, a.activity_type, a.subject as title, a.scheduled_at, a.due_date,
        coalesce(u.email, e.email) as email, trim(e.first_name || ' ' || e.last_name) as name,
        u.id is not null as has_user, u.reminder_minutes, u.time_zone as user_zone, o.time_zone as org_zone,
        coalesce(c.name, trim(l.first_name || ' ' || l.last_name), d.title) as about
    from activities a
    join employees e on e.id = a.assigned_to
    join organizations o on o.id = a.organization_id
    left join users u on u.id = e.user_id
    left join customers c on c.id = a.customer_id
    left join leads l on l.id = a.lead_id
    left join deals d on d.id = a.deal_id";

/// Scheduled calls and meetings starting after `now` and by `until`, not yet reminded of at
/// their current time.
pub async fn calls_and_meetings(
    conn: &mut Conn,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<Candidate>, AppError> {
    let sql = format!(
        "{SELECT} where a.status = 'scheduled' and a.activity_type in ('call', 'meeting')
           and a.scheduled_at > $1 and a.scheduled_at <= $2
           and not exists (select 1 from reminders r where r.activity_id = a.id and r.due_at = a.scheduled_at)"
    );
    Ok(on!(conn, c => sqlx::query_as::<_, Candidate>(&sql).bind(now).bind(until).fetch_all(c).await?))
}

/// Open tasks due from `first` to `last` (days), not reminded of since `since`.
pub async fn tasks(
    conn: &mut Conn,
    first: NaiveDate,
    last: NaiveDate,
    since: DateTime<Utc>,
) -> Result<Vec<Candidate>, AppError> {
    let sql = format!(
        "{SELECT} where a.status in ('scheduled', 'in_progress') and a.activity_type = 'task'
           and a.due_date >= $1 and a.due_date <= $2
           and not exists (select 1 from reminders r where r.activity_id = a.id and r.created_at >= $3)"
    );
    Ok(on!(conn, c => sqlx::query_as::<_, Candidate>(&sql).bind(first).bind(last).bind(since).fetch_all(c).await?))
}

/// Records the reminder of `activity` for `due_at`, if the activity still is as it was read
/// (a call or meeting still scheduled at `due_at`; a task still open and due on `due_date`)
/// and nobody recorded it first. `true`: this caller sends it.
pub async fn claim(
    conn: &mut Conn,
    activity: &Candidate,
    due_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let insert = "insert into reminders (activity_id, due_at, created_at)
                  select $1, $2, $3 where exists (select 1 from activities a where a.id = $1 and";
    let task = format!("{insert} a.status in ('scheduled', 'in_progress') and a.due_date = $4) on conflict do nothing");
    let call = format!("{insert} a.status = 'scheduled' and a.scheduled_at = $2) on conflict do nothing");
    let done = match activity.due_date.filter(|_| activity.activity_type == "task") {
        Some(day) => on!(conn, c => sqlx::query(&task)
            .bind(activity.id).bind(due_at).bind(now).bind(day).execute(c).await?.rows_affected()),
        None => on!(conn, c => sqlx::query(&call)
            .bind(activity.id).bind(due_at).bind(now).execute(c).await?.rows_affected()),
    };
    Ok(done == 1)
}

/// Notes the mail job of a claimed reminder.
pub async fn set_job(conn: &mut Conn, activity_id: i64, due_at: DateTime<Utc>, job_id: i64) -> Result<(), AppError> {
    let sql = "update reminders set job_id = $1 where activity_id = $2 and due_at = $3";
    on!(conn, c => sqlx::query(sql).bind(job_id).bind(activity_id).bind(due_at).execute(c).await?.rows_affected());
    Ok(())
}
