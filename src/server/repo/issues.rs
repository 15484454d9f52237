//! Issues (support tickets) and their comments.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sqlx::FromRow;

use super::{now, numbers, page_of_ids, parse_stored, Arg, Search, Sql};
use crate::bind_args;
use crate::domain::issue::{
    average_hours, Issue, IssueCategory, IssueComment, IssueFields, IssueFilter, IssuePriority, IssueStats, IssueStatus,
};
use crate::domain::list::ListParams;
use crate::domain::number::NumberKind;
use crate::error::AppError;
use crate::on;
use crate::server::auth::caller::Scope;
use crate::server::db::{Backend, Conn};

#[derive(FromRow)]
struct IssueRow {
    id: i64,
    number: String,
    title: String,
    description: Option<String>,
    priority: String,
    category: String,
    status: String,
    vendor_id: Option<i64>,
    order_id: Option<i64>,
    customer_id: Option<i64>,
    assigned_to: Option<i64>,
    resolved_by: Option<i64>,
    resolved_at: Option<DateTime<Utc>>,
    resolution_notes: Option<String>,
    created_by: Option<i64>,
    updated_by: Option<i64>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
    vendor_name: Option<String>,
    order_number: Option<String>,
    customer_name: Option<String>,
    assigned_to_name: Option<String>,
    created_by_name: Option<String>,
    resolved_by_name: Option<String>,
    comment_count: i64,
}

impl TryFrom<IssueRow> for Issue {
    type Error = AppError;
    fn try_from(r: IssueRow) -> Result<Self, AppError> {
        Ok(Issue {
            id: r.id,
            number: r.number,
            fields: IssueFields {
                title: r.title,
                description: r.description,
                priority: parse_stored(&r.priority)?,
                category: parse_stored(&r.category)?,
                status: parse_stored(&r.status)?,
                vendor_id: r.vendor_id,
                order_id: r.order_id,
                customer_id: r.customer_id,
                assigned_to: r.assigned_to,
            },
            vendor_name: r.vendor_name,
            order_number: r.order_number,
            customer_name: r.customer_name,
            assigned_to_name: r.assigned_to_name.filter(|n| !n.is_empty()),
            created_by: r.created_by,
            created_by_name: r.created_by_name.filter(|n| !n.is_empty()),
            resolved_by: r.resolved_by,
            resolved_by_name: r.resolved_by_name.filter(|n| !n.is_empty()),
            resolved_at: r.resolved_at,
            resolution_notes: r.resolution_notes,
            comment_count: r.comment_count,
            updated_by: r.updated_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
    }
}

const SELECT: &str = "select i.id, i.number, i.title, i.description, i.priority, i.category, i.status, i.vendor_id,
    i.order_id, i.customer_id, i.assigned_to, i.resolved_by, i.resolved_at, i.resolution_notes, i.created_by,
    i.updated_by, i.created_at, i.updated_at, i.version, v.name as vendor_name, o.number as order_number,
    cu.name as customer_name, trim(e.first_name || ' ' || e.last_name) as assigned_to_name,
    trim(cb.first_name || ' ' || cb.last_name) as created_by_name,
    trim(rb.first_name || ' ' || rb.last_name) as resolved_by_name,
    (select count(*) from issue_comments ic where ic.issue_id = i.id) as comment_count
    from issues i
    left join vendors v on v.id = i.vendor_id
    left join orders o on o.id = i.order_id
    left join customers cu on cu.id = i.customer_id
    left join employees e on e.id = i.assigned_to
    left join users cb on cb.id = i.created_by
    left join users rb on rb.id = i.resolved_by";

/// Limits a query on `issues i` to what the caller may see.
pub(crate) fn restrict(sql: &mut Sql, scope: Scope) {
    super::restrict(sql, scope, " and i.assigned_to = ?", Some(" and i.customer_id = ?"));
}

fn filtered(mut sql: Sql, search: &Search, org_id: i64, scope: Scope, filter: &IssueFilter) -> Sql {
    sql.push_with(" where i.organization_id = ?", Arg::Int(org_id));
    restrict(&mut sql, scope);
    if let Some(id) = filter.vendor {
        sql.push_with(" and i.vendor_id = ?", Arg::Int(id));
    }
    if let Some(id) = filter.order {
        sql.push_with(" and i.order_id = ?", Arg::Int(id));
    }
    if let Some(id) = filter.customer {
        sql.push_with(" and i.customer_id = ?", Arg::Int(id));
    }
    if let Some(p) = filter.priority {
        sql.push_with(" and i.priority = ?", Arg::Text(p.as_str().into()));
    }
    if let Some(c) = filter.category {
        sql.push_with(" and i.category = ?", Arg::Text(c.as_str().into()));
    }
    if let Some(s) = filter.status {
        sql.push_with(" and i.status = ?", Arg::Text(s.as_str().into()));
    }
    if let Some(id) = filter.assigned_to {
        sql.push_with(" and i.assigned_to = ?", Arg::Int(id));
    }
    search.push(&mut sql, "i");
    sql
}

/// `order by` for a whitelisted field of `issue::SORTABLE` (never client text); ties by id.
fn order_clause(params: &ListParams) -> String {
    let dir = if params.descending { "desc" } else { "asc" };
    match params.order_by {
        // By urgency, not alphabetically.
        "priority" => format!(
            " order by case i.priority when 'low' then 0 when 'medium' then 1 when 'high' then 2 else 3 end {dir}, i.id {dir}"
        ),
        "resolved_at" => format!(" order by (i.resolved_at is null), i.resolved_at {dir}, i.id {dir}"),
        name => {
            let column = match name {
                "number" => "i.number",
                "title" => "i.title",
                "status" => "i.status",
                "updated_at" => "i.updated_at",
                _ => "i.created_at",
            };
            format!(" order by {column} {dir}, i.id {dir}")
        }
    }
}

/// One page of issues, and how many match in all.
#[tracing::instrument(skip(conn))]
pub async fn list(
    conn: &mut Conn,
    org_id: i64,
    scope: Scope,
    filter: &IssueFilter,
    params: &ListParams,
) -> Result<(Vec<Issue>, i64), AppError> {
    let search = Search::prepare(conn, "issues", org_id, filter.search.as_deref()).await?;
    let order = order_clause(params);
    let mut page = filtered(Sql::new("select i.id from issues i"), &search, org_id, scope, filter);
    page.push(&order)
        .push_with(" limit ?", Arg::Int(params.page_size))
        .push_with(" offset ?", Arg::Int(params.offset()));
    let count = || filtered(Sql::new("select count(*) from issues i"), &search, org_id, scope, filter);
    let (ids, count) = page_of_ids(conn, page, count, params).await?;
    if ids.is_empty() {
        return Ok((Vec::new(), count));
    }
    let mut sql = Sql::new(SELECT);
    let placeholders: Vec<String> = ids.into_iter().map(|id| sql.arg(Arg::Int(id))).collect();
    sql.push(&format!(" where i.id in ({})", placeholders.join(", ")));
    sql.push_with(" and i.organization_id = ?", Arg::Int(org_id));
    sql.push(&order);
    let rows = on!(conn, c => bind_args!(sqlx::query_as::<_, IssueRow>(&sql.text), &sql.args).fetch_all(c).await?);
    let issues = rows.into_iter().map(TryInto::try_into).collect::<Result<Vec<_>, _>>()?;
    Ok((issues, count))
}

/// One issue of the organization, within the caller's scope; `NotFound` otherwise.
#[tracing::instrument(skip(conn))]
pub async fn get(conn: &mut Conn, org_id: i64, scope: Scope, id: i64) -> Result<Issue, AppError> {
    let mut sql = Sql::new(SELECT);
    sql.push_with(" where i.id = ?", Arg::Int(id));
    sql.push_with(" and i.organization_id = ?", Arg::Int(org_id));
    restrict(&mut sql, scope);
    let row = on!(conn, c => bind_args!(sqlx::query_as::<_, IssueRow>(&sql.text), &sql.args).fetch_optional(c).await?);
    row.ok_or(AppError::NotFound)?.try_into()
}

/// Creates an issue numbered `ISS-<year of today>-NNNN`, raised by `user_id`, and returns its id.
#[tracing::instrument(skip(conn, f))]
pub async fn create(
    conn: &mut Conn,
    org_id: i64,
    user_id: i64,
    today: NaiveDate,
    f: &IssueFields,
) -> Result<i64, AppError> {
    let number = numbers::next(conn, org_id, NumberKind::Issue, today.year()).await?;
    let now = now();
    let search = f.search_text(&number);
    let sql = "insert into issues (organization_id, number, title, description, priority, category, status, vendor_id,
               order_id, customer_id, assigned_to, created_by, updated_by, created_at, updated_at, version, search_text)
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $13, 1, $14)
               returning id";
    Ok(on!(conn, c => sqlx::query_scalar::<_, i64>(sql)
        .bind(org_id).bind(&number).bind(&f.title).bind(&f.description).bind(f.priority.as_str())
        .bind(f.category.as_str()).bind(f.status.as_str()).bind(f.vendor_id).bind(f.order_id).bind(f.customer_id)
        .bind(f.assigned_to).bind(user_id).bind(now).bind(&search)
        .fetch_one(c).await?))
}

/// Writes all editable fields of an issue; `Conflict` when `expected_version` is stale. An
/// issue set back to open or in progress loses its resolution.
#[allow(clippy::too_many_arguments)]
#[tracing::instrument(skip(conn, f))]
pub async fn update(
    conn: &mut Conn,
    org_id: i64,
    id: i64,
    user_id: i64,
    number: &str,
    f: &IssueFields,
    expected_version: Option<i64>,
) -> Result<(), AppError> {
    let now = now();
    let search = f.search_text(number);
    let sql = "update issues set title = $1, description = $2, priority = $3, category = $4, status = $5,
               vendor_id = $6, order_id = $7, customer_id = $8, assigned_to = $9,
               resolved_by = case when $5 in ('open', 'in_progress') then null else resolved_by end,
               resolved_at = case when $5 in ('open', 'in_progress') then null else resolved_at end,
               resolution_notes = case when $5 in ('open', 'in_progress') then null else resolution_notes end,
               updated_by = $10, updated_at = $11, version = version + 1, search_text = $12
               where id = $13 and organization_id = $14 and ($15 = 0 or version = $15)";
    let done = on!(conn, c => sqlx::query(sql)
        .bind(&f.title).bind(&f.description).bind(f.priority.as_str()).bind(f.category.as_str()).bind(f.status.as_str())
        .bind(f.vendor_id).bind(f.order_id).bind(f.customer_id).bind(f.assigned_to).bind(user_id).bind(now)
        .bind(&search).bind(id).bind(org_id).bind(expected_version.unwrap_or(0))
        .execute(c).await?.rows_affected());
    if done == 0 {
        return Err(AppError::Conflict("this issue was changed by someone else; reload and try again".into()));
    }
    Ok(())
}

/// Resolves an open or in-progress issue: `resolved_by` the user, `resolved_at` now, with
/// `notes`. `Conflict` from any other status.
pub async fn resolve(conn: &mut Conn, org_id: i64, id: i64, user_id: i64, notes: Option<&str>) -> Result<(), AppError> {
    let now = now();
    let sql = "update issues set status = 'resolved', resolved_by = $1, resolved_at = $2, resolution_notes = $3,
               updated_by = $1, updated_at = $2, version = version + 1
               where id = $4 and organization_id = $5 and status in ('open', 'in_progress')";
    let done = on!(conn, c => sqlx::query(sql).bind(user_id).bind(now).bind(notes).bind(id).bind(org_id)
        .execute(c).await?.rows_affected());
    if done > 0 {
        return Ok(());
    }
    let status = status_of(conn, org_id, id).await?;
    Err(AppError::Conflict(format!(
        "the issue is {}; only open or in-progress issues can be resolved",
        status.label().to_lowercase()
    )))
}

/// Reopens a resolved or closed issue: status open, resolution cleared. `Conflict` otherwise.
pub async fn reopen(conn: &mut Conn, org_id: i64, id: i64, user_id: i64) -> Result<(), AppError> {
    let now = now();
    let sql = "update issues set status = 'open', resolved_by = null, resolved_at = null, resolution_notes = null,
               updated_by = $1, updated_at = $2, version = version + 1
               where id = $3 and organization_id = $4 and status in ('resolved', 'closed')";
    let done = on!(conn, c => sqlx::query(sql).bind(user_id).bind(now).bind(id).bind(org_id)
        .execute(c).await?.rows_affected());
    if done > 0 {
        return Ok(());
    }
    let status = status_of(conn, org_id, id).await?;
    Err(AppError::Conflict(format!(
        "the issue is {}; only resolved or closed issues can be reopened",
        status.label().to_lowercase()
    )))
}

async fn status_of(conn: &mut Conn, org_id: i64, id: i64) -> Result<IssueStatus, AppError> {
    let sql = "select status from issues where id = $1 and organization_id = $2";
    let status = on!(conn, c => sqlx::query_scalar::<_, String>(sql).bind(id).bind(org_id).fetch_optional(c).await?);
    parse_stored(&status.ok_or(AppError::NotFound)?)
}

/// Deletes an issue and its comments.
pub async fn delete(conn: &mut Conn, org_id: i64, id: i64) -> Result<(), AppError> {
    let sql = "delete from issues where id = $1 and organization_id = $2";
    let done = on!(conn, c => sqlx::query(sql).bind(id).bind(org_id).execute(c).await?.rows_affected());
    if done == 0 {
        Err(AppError::NotFound)
    } else {
        Ok(())
    }
}

#[derive(FromRow)]
struct CommentRow {
    id: i64,
    issue_id: i64,
    author_id: Option<i64>,
    author_name: Option<String>,
    body: String,
    created_at: DateTime<Utc>,
}

impl From<CommentRow> for IssueComment {
    fn from(r: CommentRow) -> Self {
        IssueComment {
            id: r.id,
            issue_id: r.issue_id,
            author_id: r.author_id,
            author_name: r.author_name.filter(|n| !n.is_empty()),
            body: r.body,
            created_at: r.created_at,
        }
    }
}

const COMMENT_SELECT: &str =
    "select n.id, n.issue_id, n.author_id, trim(u.first_name || ' ' || u.last_name) as author_name,
    n.body, n.created_at from issue_comments n left join users u on u.id = n.author_id";

/// Adds a comment to an issue (the caller has already checked the issue is theirs to see).
pub async fn add_comment(
    conn: &mut Conn,
    org_id: i64,
    issue_id: i64,
    author_id: i64,
    body: &str,
) -> Result<IssueComment, AppError> {
    let now = now();
    let sql = "insert into issue_comments (organization_id, issue_id, author_id, body, created_at)
               values ($1, $2, $3, $4, $5) returning id";
    let id = on!(conn, c => sqlx::query_scalar::<_, i64>(sql)
        .bind(org_id).bind(issue_id).bind(author_id).bind(body).bind(now).fetch_one(c).await?);
    let sql = format!("{COMMENT_SELECT} where n.id = $1 and n.organization_id = $2");
    let row = on!(conn, c => sqlx::query_as::<_, CommentRow>(&sql).bind(id).bind(org_id).fetch_one(c).await?);
    Ok(row.into())
}

/// An issue's comments, oldest first.
pub async fn comments(conn: &mut Conn, org_id: i64, issue_id: i64) -> Result<Vec<IssueComment>, AppError> {
    let sql = format!("{COMMENT_SELECT} where n.issue_id = $1 and n.organization_id = $2 order by n.created_at, n.id");
    let rows = on!(conn, c => sqlx::query_as::<_, CommentRow>(&sql).bind(issue_id).bind(org_id).fetch_all(c).await?);
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Counts by status, priority and category, and the average time from creation to
/// resolution, within the caller's scope.
#[tracing::instrument(skip(conn))]
pub async fn stats(conn: &mut Conn, org_id: i64, scope: Scope) -> Result<IssueStats, AppError> {
    let mut sql = Sql::new("select i.status, i.priority, i.category, count(*) from issues i");
    sql.push_with(" where i.organization_id = ?", Arg::Int(org_id));
    restrict(&mut sql, scope);
    sql.push(" group by i.status, i.priority, i.category");
    let rows = on!(conn, c => bind_args!(sqlx::query_as::<_, (String, String, String, i64)>(&sql.text), &sql.args)
        .fetch_all(c).await?);
    let mut stats = IssueStats {
        by_status: IssueStatus::ALL.iter().map(|s| (s.as_str().to_owned(), 0)).collect(),
        by_priority: IssuePriority::ALL.iter().map(|s| (s.as_str().to_owned(), 0)).collect(),
        by_category: IssueCategory::ALL.iter().map(|s| (s.as_str().to_owned(), 0)).collect(),
        ..IssueStats::default()
    };
    for (status, priority, category, n) in rows {
        stats.total += n;
        if matches!(parse_stored::<IssueStatus>(&status)?, IssueStatus::Open | IssueStatus::InProgress) {
            stats.open += n;
        }
        *stats.by_status.entry(status).or_default() += n;
        *stats.by_priority.entry(priority).or_default() += n;
        *stats.by_category.entry(category).or_default() += n;
    }
    // Whole seconds from creation to resolution, summed in the database.
    let seconds = match conn.backend() {
        Backend::Sqlite => "cast(round((julianday(i.resolved_at) - julianday(i.created_at)) * 86400) as integer)",
        Backend::Postgres => "cast(round(extract(epoch from (i.resolved_at - i.created_at))) as bigint)",
    };
    let mut sql = Sql::new(&format!("select count(*), cast(coalesce(sum({seconds}), 0) as bigint) from issues i"));
    sql.push_with(" where i.organization_id = ?", Arg::Int(org_id));
    restrict(&mut sql, scope);
    sql.push(" and i.resolved_at is not null");
    let (n, total) =
        on!(conn, c => bind_args!(sqlx::query_as::<_, (i64, i64)>(&sql.text), &sql.args).fetch_one(c).await?);
    stats.average_resolution_hours = average_hours(total, n);
    Ok(stats)
}
