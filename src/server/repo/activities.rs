//! Activities: list (filters, scope), get, create, update, status changes, delete, upcoming,
//! overdue, stats; and the activities of one record (the first API, for leads).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sqlx::FromRow;

use super::{now, page_of_ids, parse_stored, Arg, Search, Sql};
use crate::bind_args;
use crate::domain::activity::{Activity, ActivityFields, ActivityFilter, ActivityStats, ActivityStatus};
use crate::domain::list::ListParams;
use crate::error::AppError;
use crate::on;
use crate::server::auth::caller::Scope;
use crate::server::db::Conn;

/// The record an activity is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Customer(i64),
    Lead(i64),
    Deal(i64),
}

impl Link {
    fn column(self) -> &'static str {
        match self {
            Link::Customer(_) => "customer_id",
            Link::Lead(_) => "lead_id",
            Link::Deal(_) => "deal_id",
        }
    }

    fn id(self) -> i64 {
        match self {
            Link::Customer(id) | Link::Lead(id) | Link::Deal(id) => id,
        }
    }
}

#[derive(FromRow)]
struct ActivityRow {
    id: i64,
    activity_type: String,
    subject: String,
    description: Option<String>,
    status: String,
    scheduled_at: Option<DateTime<Utc>>,
    duration_minutes: Option<i64>,
    completed_at: Option<DateTime<Utc>>,
    customer_id: Option<i64>,
    lead_id: Option<i64>,
    deal_id: Option<i64>,
    assigned_to: Option<i64>,
    assigned_to_name: Option<String>,
    customer_name: Option<String>,
    lead_name: Option<String>,
    deal_title: Option<String>,
    phone_number: Option<String>,
    recording_url: Option<String>,
    outcome: Option<String>,
    email_subject: Option<String>,
    email_body: Option<String>,
    recipients: Option<String>,
    telegram_username: Option<String>,
    telegram_chat_id: Option<i64>,
    location: Option<String>,
    meeting_url: Option<String>,
    attendees: Option<String>,
    priority: Option<String>,
    due_date: Option<NaiveDate>,
    is_pinned: bool,
    created_by: Option<i64>,
    created_by_name: Option<String>,
    updated_by: Option<i64>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
    mail_state: Option<String>,
    mail_error: Option<String>,
}

/// A stored comma-separated list.
fn split(v: Option<String>) -> Vec<String> {
    v.map(|v| v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()).unwrap_or_default()
}

/// A list to store (`None` when empty).
fn join(v: &[String]) -> Option<String> {
    (!v.is_empty()).then(|| v.join(", "))
}

impl TryFrom<ActivityRow> for Activity {
    type Error = AppError;
    fn try_from(r: ActivityRow) -> Result<Self, AppError> {
        Ok(Activity {
            id: r.id,
            fields: ActivityFields {
                activity_type: parse_stored(&r.activity_type)?,
                title: r.subject,
                description: r.description,
                status: parse_stored(&r.status)?,
                scheduled_at: r.scheduled_at,
                duration_minutes: r.duration_minutes,
                customer_id: r.customer_id,
                lead_id: r.lead_id,
                deal_id: r.deal_id,
                assigned_to: r.assigned_to,
                phone_number: r.phone_number,
                recording_url: r.recording_url,
                outcome: r.outcome.as_deref().map(parse_stored).transpose()?,
                email_subject: r.email_subject,
                email_body: r.email_body,
                recipients: split(r.recipients),
                telegram_username: r.telegram_username,
                telegram_chat_id: r.telegram_chat_id,
                location: r.location,
                meeting_url: r.meeting_url,
                attendees: split(r.attendees),
                priority: r.priority.as_deref().map(parse_stored).transpose()?,
                due_date: r.due_date,
                is_pinned: r.is_pinned,
            },
            completed_at: r.completed_at,
            assigned_to_name: r.assigned_to_name.filter(|n| !n.is_empty()),
            customer_name: r.customer_name,
            lead_name: r.lead_name.filter(|n| !n.is_empty()),
            deal_title: r.deal_title,
            created_by: r.created_by,
            created_by_name: r.created_by_name.filter(|n| !n.is_empty()),
            updated_by: r.updated_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
            mail_state: r.mail_state.as_deref().map(parse_stored).transpose()?,
            mail_error: r.mail_error,
        })
    }
}

const SELECT: &str = "select a.id, a.activity_type, a.subject, a.description, a.status, a.scheduled_at,
    a.duration_minutes, a.completed_at, a.customer_id, a.lead_id, a.deal_id, a.assigned_to,
    trim(e.first_name || ' ' || e.last_name) as assigned_to_name, c.name as customer_name,
    trim(l.first_name || ' ' || l.last_name) as lead_name, d.title as deal_title,
    a.phone_number, a.recording_url, a.outcome, a.email_subject, a.email_body, a.recipients,
    a.telegram_username, a.telegram_chat_id, a.location, a.meeting_url, a.attendees, a.priority, a.due_date,
    a.is_pinned, a.created_by, trim(u.first_name || ' ' || u.last_name) as created_by_name, a.updated_by,
    a.created_at, a.updated_at, a.version, j.state as mail_state, j.last_error as mail_error
    from activities a
    left join jobs j on j.id = a.mail_job_id
    left join users u on u.id = a.created_by
    left join employees e on e.id = a.assigned_to
    left join customers c on c.id = a.customer_id
    left join leads l on l.id = a.lead_id
    left join deals d on d.id = a.deal_id";

/// Limits a query on `activities a` to what the caller may see.
pub(crate) fn restrict(sql: &mut Sql, scope: Scope) {
    super::restrict(sql, scope, " and a.assigned_to = ?", None);
}

/// `where` clause for the organization, the caller's scope and the filters (shared by the
/// page query and the count).
fn filtered(mut sql: Sql, search: &Search, org_id: i64, scope: Scope, filter: &ActivityFilter) -> Sql {
    sql.push_with(" where a.organization_id = ?", Arg::Int(org_id));
    restrict(&mut sql, scope);
    if let Some(t) = filter.activity_type {
        sql.push_with(" and a.activity_type = ?", Arg::Text(t.as_str().into()));
    }
    if let Some(s) = filter.status {
        sql.push_with(" and a.status = ?", Arg::Text(s.as_str().into()));
    }
    for (column, id) in [
        ("assigned_to", filter.assigned_to),
        ("customer_id", filter.customer_id),
        ("lead_id", filter.lead_id),
        ("deal_id", filter.deal_id),
    ] {
        if let Some(id) = id {
            sql.push_with(&format!(" and a.{column} = ?"), Arg::Int(id));
        }
    }
    if let Some(from) = filter.from {
        sql.push_with(" and a.scheduled_at >= ?", Arg::Time(from));
    }
    if let Some(until) = filter.until {
        sql.push_with(" and a.scheduled_at < ?", Arg::Time(until));
    }
    search.push(&mut sql, "a");
    sql
}

/// The `order by` of a list; `order_by` is one of the whitelisted names of `activity::SORTABLE`.
fn order(params: &ListParams) -> String {
    let dir = if params.descending { "desc" } else { "asc" };
    match params.order_by {
        "title" => format!(" order by a.subject {dir}, a.id {dir}"),
        // Empty values last in both directions, on both backends.
        field @ ("scheduled_at" | "completed_at" | "due_date") => {
            format!(" order by (a.{field} is null), a.{field} {dir}, a.id {dir}")
        }
        field => format!(" order by a.{field} {dir}, a.id {dir}"),
    }
}

/// Loads the activities with these ids, in the given `order by`.
async fn load(conn: &mut Conn, org_id: i64, ids: Vec<i64>, order: &str) -> Result<Vec<Activity>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(SELECT);
    let placeholders: Vec<String> = ids.into_iter().map(|id| sql.arg(Arg::Int(id))).collect();
    sql.push(&format!(" where a.id in ({})", placeholders.join(", ")));
    sql.push_with(" and a.organization_id = ?", Arg::Int(org_id));
    sql.push(order);
    let rows = on!(conn, c => bind_args!(sqlx::query_as::<_, ActivityRow>(&sql.text), &sql.args).fetch_all(c).await?);
    rows.into_iter().map(TryInto::try_into).collect()
}

/// One page of activities, and how many match in all.
#[tracing::instrument(skip(conn))]
pub async fn list(
    conn: &mut Conn,
    org_id: i64,
    scope: Scope,
    filter: &ActivityFilter,
    params: &ListParams,
) -> Result<(Vec<Activity>, i64), AppError> {
    let order = order(params);
    let search = Search::prepare(conn, "activities", org_id, filter.search.as_deref()).await?;
    let mut page = filtered(Sql::new("select a.id from activities a"), &search, org_id, scope, filter);
    page.push(&order)
        .push_with(" limit ?", Arg::Int(params.page_size))
        .push_with(" offset ?", Arg::Int(params.offset()));
    let count = || filtered(Sql::new("select count(*) from activities a"), &search, org_id, scope, filter);
    let (ids, count) = page_of_ids(conn, page, count, params).await?;
    Ok((load(conn, org_id, ids, &order).await?, count))
}

/// One activity of the organization, within the caller's scope; `NotFound` otherwise.
#[tracing::instrument(skip(conn))]
pub async fn get(conn: &mut Conn, org_id: i64, scope: Scope, id: i64) -> Result<Activity, AppError> {
    let mut sql = Sql::new(SELECT);
    sql.push_with(" where a.id = ?", Arg::Int(id));
    sql.push_with(" and a.organization_id = ?", Arg::Int(org_id));
    restrict(&mut sql, scope);
    let row =
        on!(conn, c => bind_args!(sqlx::query_as::<_, ActivityRow>(&sql.text), &sql.args).fetch_optional(c).await?);
    row.ok_or(AppError::NotFound)?.try_into()
}

/// Records an activity (the caller has checked the linked records and the assignee);
/// returns its id.
#[tracing::instrument(skip(conn, f))]
pub async fn create(
    conn: &mut Conn,
    org_id: i64,
    user_id: i64,
    f: &ActivityFields,
    completed_at: Option<DateTime<Utc>>,
) -> Result<i64, AppError> {
    let now = now();
    let sql = "insert into activities (organization_id, activity_type, subject, description, status, scheduled_at,
               duration_minutes, completed_at, customer_id, lead_id, deal_id, assigned_to, phone_number, recording_url,
               outcome, email_subject, email_body, recipients, telegram_username, telegram_chat_id, location,
               meeting_url, attendees, priority, due_date, is_pinned, created_by, updated_by, created_at, updated_at,
               version, search_text)
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
               $22, $23, $24, $25, $26, $27, $27, $28, $28, 1, $29)
               returning id";
    Ok(on!(conn, c => sqlx::query_scalar::<_, i64>(sql)
        .bind(org_id).bind(f.activity_type.as_str()).bind(&f.title).bind(&f.description).bind(f.status.as_str())
        .bind(f.scheduled_at).bind(f.duration_minutes).bind(completed_at).bind(f.customer_id).bind(f.lead_id)
        .bind(f.deal_id).bind(f.assigned_to).bind(&f.phone_number).bind(&f.recording_url)
        .bind(f.outcome.map(|o| o.as_str())).bind(&f.email_subject).bind(&f.email_body).bind(join(&f.recipients))
        .bind(&f.telegram_username).bind(f.telegram_chat_id).bind(&f.location).bind(&f.meeting_url)
        .bind(join(&f.attendees)).bind(f.priority.map(|p| p.as_str())).bind(f.due_date).bind(f.is_pinned)
        .bind(user_id).bind(now).bind(f.search_text())
        .fetch_one(c).await?))
}

/// Links an `email` activity to the mail job that sends it (its delivery state).
pub async fn set_mail_job(conn: &mut Conn, org_id: i64, id: i64, job_id: i64) -> Result<(), AppError> {
    let sql = "update activities set mail_job_id = $1 where id = $2 and organization_id = $3";
    on!(conn, c => sqlx::query(sql).bind(job_id).bind(id).bind(org_id).execute(c).await?.rows_affected());
    Ok(())
}

/// Writes all editable fields of an activity and its completion time; `Conflict` when
/// `expected_version` is stale.
#[tracing::instrument(skip(conn, f))]
#[allow(clippy::too_many_arguments)]
pub async fn update(
    conn: &mut Conn,
    org_id: i64,
    id: i64,
    user_id: i64,
    f: &ActivityFields,
    completed_at: Option<DateTime<Utc>>,
    expected_version: Option<i64>,
) -> Result<(), AppError> {
    let now = now();
    let sql = "update activities set activity_type = $1, subject = $2, description = $3, status = $4,
               scheduled_at = $5, duration_minutes = $6, completed_at = $7, customer_id = $8, lead_id = $9,
               deal_id = $10, assigned_to = $11, phone_number = $12, recording_url = $13, outcome = $14,
               email_subject = $15, email_body = $16, recipients = $17, telegram_username = $18,
               telegram_chat_id = $19, location = $20, meeting_url = $21, attendees = $22, priority = $23,
               due_date = $24, is_pinned = $25, updated_by = $26, updated_at = $27, version = version + 1,
               search_text = $28
               where id = $29 and organization_id = $30 and ($31 = 0 or version = $31)";
    let done = on!(conn, c => sqlx::query(sql)
        .bind(f.activity_type.as_str()).bind(&f.title).bind(&f.description).bind(f.status.as_str())
        .bind(f.scheduled_at).bind(f.duration_minutes).bind(completed_at).bind(f.customer_id).bind(f.lead_id)
        .bind(f.deal_id).bind(f.assigned_to).bind(&f.phone_number).bind(&f.recording_url)
        .bind(f.outcome.map(|o| o.as_str())).bind(&f.email_subject).bind(&f.email_body).bind(join(&f.recipients))
        .bind(&f.telegram_username).bind(f.telegram_chat_id).bind(&f.location).bind(&f.meeting_url)
        .bind(join(&f.attendees)).bind(f.priority.map(|p| p.as_str())).bind(f.due_date).bind(f.is_pinned)
        .bind(user_id).bind(now).bind(f.search_text()).bind(id).bind(org_id).bind(expected_version.unwrap_or(0))
        .execute(c).await?.rows_affected());
    if done == 0 {
        return Err(AppError::Conflict("this activity was changed by someone else; reload and try again".into()));
    }
    Ok(())
}

/// Sets an activity's status and completion time.
#[tracing::instrument(skip(conn))]
pub async fn set_status(
    conn: &mut Conn,
    org_id: i64,
    id: i64,
    user_id: i64,
    status: ActivityStatus,
    completed_at: Option<DateTime<Utc>>,
) -> Result<(), AppError> {
    let sql = "update activities set status = $1, completed_at = $2, updated_by = $3, updated_at = $4,
               version = version + 1 where id = $5 and organization_id = $6";
    on!(conn, c => sqlx::query(sql).bind(status.as_str()).bind(completed_at).bind(user_id).bind(now()).bind(id)
        .bind(org_id).execute(c).await?.rows_affected());
    Ok(())
}

#[tracing::instrument(skip(conn))]
pub async fn delete(conn: &mut Conn, org_id: i64, id: i64) -> Result<(), AppError> {
    let sql = "delete from activities where id = $1 and organization_id = $2";
    let done = on!(conn, c => sqlx::query(sql).bind(id).bind(org_id).execute(c).await?.rows_affected());
    if done == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Open activities (scheduled or in progress).
const OPEN: &str = " and a.status in ('scheduled', 'in_progress')";

/// Open activities scheduled from `from` (inclusive) to `until` (exclusive), soonest first (at most 200).
#[tracing::instrument(skip(conn))]
pub async fn scheduled_between(
    conn: &mut Conn,
    org_id: i64,
    scope: Scope,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<Activity>, AppError> {
    let mut sql = Sql::new("select a.id from activities a");
    sql.push_with(" where a.organization_id = ?", Arg::Int(org_id));
    restrict(&mut sql, scope);
    sql.push(OPEN);
    sql.push_with(" and a.scheduled_at >= ?", Arg::Time(from));
    sql.push_with(" and a.scheduled_at < ?", Arg::Time(until));
    let order = " order by a.scheduled_at asc, a.id asc";
    sql.push(order).push(" limit 200");
    let ids = on!(conn, c => bind_args!(sqlx::query_scalar::<_, i64>(&sql.text), &sql.args).fetch_all(c).await?);
    load(conn, org_id, ids, order).await
}

/// The condition of an overdue activity: open, and scheduled before `now` or (no time but) due
/// before `today` (the organization's local date at `now`).
pub(crate) fn push_overdue(sql: &mut Sql, now: DateTime<Utc>, today: NaiveDate) {
    sql.push(OPEN);
    let at = sql.arg(Arg::Time(now));
    let today = sql.arg(Arg::Date(today));
    sql.push(&format!(" and (a.scheduled_at < {at} or (a.scheduled_at is null and a.due_date < {today}))"));
}

/// Open activities past their time (or a task's due date before `today`, the organization's
/// local date at `now`), oldest first (at most 200).
#[tracing::instrument(skip(conn))]
pub async fn overdue(
    conn: &mut Conn,
    org_id: i64,
    scope: Scope,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<Vec<Activity>, AppError> {
    let mut sql = Sql::new("select a.id from activities a");
    sql.push_with(" where a.organization_id = ?", Arg::Int(org_id));
    restrict(&mut sql, scope);
    push_overdue(&mut sql, now, today);
    let order = " order by (a.scheduled_at is null), a.scheduled_at asc, a.due_date asc, a.id asc";
    sql.push(order).push(" limit 200");
    let ids = on!(conn, c => bind_args!(sqlx::query_scalar::<_, i64>(&sql.text), &sql.args).fetch_all(c).await?);
    load(conn, org_id, ids, order).await
}

/// Open activities due today without a time (tasks), for "my day".
#[tracing::instrument(skip(conn))]
pub async fn due_on(conn: &mut Conn, org_id: i64, scope: Scope, day: NaiveDate) -> Result<Vec<Activity>, AppError> {
    let mut sql = Sql::new("select a.id from activities a");
    sql.push_with(" where a.organization_id = ?", Arg::Int(org_id));
    restrict(&mut sql, scope);
    sql.push(OPEN);
    sql.push_with(" and a.scheduled_at is null and a.due_date = ?", Arg::Date(day));
    let order = " order by a.id asc";
    sql.push(order).push(" limit 200");
    let ids = on!(conn, c => bind_args!(sqlx::query_scalar::<_, i64>(&sql.text), &sql.args).fetch_all(c).await?);
    load(conn, org_id, ids, order).await
}

/// Counts by type and status, overdue ones and those completed today (in the organization's
/// time zone), within the scope.
#[tracing::instrument(skip(conn))]
pub async fn stats(conn: &mut Conn, org_id: i64, scope: Scope, now: DateTime<Utc>) -> Result<ActivityStats, AppError> {
    let mut sql = Sql::new("select a.activity_type, a.status, count(*) from activities a");
    sql.push_with(" where a.organization_id = ?", Arg::Int(org_id));
    restrict(&mut sql, scope);
    sql.push(" group by a.activity_type, a.status");
    let rows = on!(conn, c => bind_args!(sqlx::query_as::<_, (String, String, i64)>(&sql.text), &sql.args).fetch_all(c).await?);
    let mut stats = ActivityStats::default();
    let mut by_type = BTreeMap::new();
    let mut by_status = BTreeMap::new();
    for (t, s, n) in rows {
        stats.total += n;
        *by_type.entry(t).or_insert(0) += n;
        *by_status.entry(s).or_insert(0) += n;
    }
    (stats.by_type, stats.by_status) = (by_type, by_status);

    let zone = super::organizations::zone(conn, org_id).await?;
    let today = zone.date_of(now);
    let mut sql = Sql::new("select count(*) from activities a");
    sql.push_with(" where a.organization_id = ?", Arg::Int(org_id));
    restrict(&mut sql, scope);
    push_overdue(&mut sql, now, today);
    stats.overdue = on!(conn, c => bind_args!(sqlx::query_scalar::<_, i64>(&sql.text), &sql.args).fetch_one(c).await?);

    let mut sql = Sql::new("select count(*) from activities a");
    sql.push_with(" where a.organization_id = ?", Arg::Int(org_id));
    restrict(&mut sql, scope);
    sql.push(" and a.status = 'completed'");
    sql.push_with(" and a.completed_at >= ?", Arg::Time(zone.start_of(today)));
    sql.push_with(" and a.completed_at < ?", Arg::Time(zone.start_of(today + Duration::days(1))));
    stats.completed_today =
        on!(conn, c => bind_args!(sqlx::query_scalar::<_, i64>(&sql.text), &sql.args).fetch_one(c).await?);
    Ok(stats)
}

/// The activities about one record, newest first (every one, whoever it is assigned to).
#[tracing::instrument(skip(conn))]
pub async fn list_for(conn: &mut Conn, org_id: i64, link: Link) -> Result<Vec<Activity>, AppError> {
    let sql = format!(
        "{SELECT} where a.{} = $1 and a.organization_id = $2 order by a.created_at desc, a.id desc",
        link.column()
    );
    let rows = on!(conn, c => sqlx::query_as::<_, ActivityRow>(&sql).bind(link.id()).bind(org_id).fetch_all(c).await?);
    rows.into_iter().map(TryInto::try_into).collect()
}
