//! Activities (a first cut): record one about a customer, lead or deal; list a record's, newest first.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{now, parse_stored};
use crate::domain::activity::{Activity, ActivityStatus, NewActivity};
use crate::error::AppError;
use crate::on;
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
    completed_at: Option<DateTime<Utc>>,
    customer_id: Option<i64>,
    lead_id: Option<i64>,
    deal_id: Option<i64>,
    assigned_to: Option<i64>,
    created_by: Option<i64>,
    created_by_name: Option<String>,
    created_at: DateTime<Utc>,
}

impl TryFrom<ActivityRow> for Activity {
    type Error = AppError;
    fn try_from(r: ActivityRow) -> Result<Self, AppError> {
        Ok(Activity {
            id: r.id,
            activity_type: parse_stored(&r.activity_type)?,
            subject: r.subject,
            description: r.description,
            status: parse_stored(&r.status)?,
            scheduled_at: r.scheduled_at,
            completed_at: r.completed_at,
            customer_id: r.customer_id,
            lead_id: r.lead_id,
            deal_id: r.deal_id,
            assigned_to: r.assigned_to,
            created_by: r.created_by,
            created_by_name: r.created_by_name.filter(|n| !n.is_empty()),
            created_at: r.created_at,
        })
    }
}

const SELECT: &str = "select a.id, a.activity_type, a.subject, a.description, a.status, a.scheduled_at, a.completed_at,
    a.customer_id, a.lead_id, a.deal_id, a.assigned_to, a.created_by,
    trim(u.first_name || ' ' || u.last_name) as created_by_name, a.created_at
    from activities a left join users u on u.id = a.created_by";

/// Records an activity about `link` (the caller has checked that record is theirs to see, and
/// `assigned_to` is an employee of the organization). A completed one gets `completed_at` now.
#[tracing::instrument(skip(conn, a))]
pub async fn create(
    conn: &mut Conn,
    org_id: i64,
    user_id: i64,
    assigned_to: Option<i64>,
    link: Link,
    a: &NewActivity,
) -> Result<Activity, AppError> {
    let now = now();
    let completed_at = (a.status == ActivityStatus::Completed).then_some(now);
    // `column` is one of three fixed names, never client text.
    let sql = format!(
        "insert into activities (organization_id, activity_type, subject, description, status, scheduled_at, completed_at,
         {}, assigned_to, created_by, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) returning id",
        link.column()
    );
    let id = on!(conn, c => sqlx::query_scalar::<_, i64>(&sql)
        .bind(org_id).bind(a.activity_type.as_str()).bind(&a.subject).bind(&a.description).bind(a.status.as_str())
        .bind(a.scheduled_at).bind(completed_at).bind(link.id()).bind(assigned_to).bind(user_id).bind(now)
        .fetch_one(c).await?);
    let sql = format!("{SELECT} where a.id = $1 and a.organization_id = $2");
    let row = on!(conn, c => sqlx::query_as::<_, ActivityRow>(&sql).bind(id).bind(org_id).fetch_one(c).await?);
    row.try_into()
}

/// The activities about one record, newest first.
#[tracing::instrument(skip(conn))]
pub async fn list_for(conn: &mut Conn, org_id: i64, link: Link) -> Result<Vec<Activity>, AppError> {
    let sql = format!(
        "{SELECT} where a.{} = $1 and a.organization_id = $2 order by a.created_at desc, a.id desc",
        link.column()
    );
    let rows = on!(conn, c => sqlx::query_as::<_, ActivityRow>(&sql).bind(link.id()).bind(org_id).fetch_all(c).await?);
    rows.into_iter().map(TryInto::try_into).collect()
}
