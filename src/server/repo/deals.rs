//! Deals: lists, changes, moves through the stages of a pipeline, figures and the board.
//!
//! A deal's `status` always follows the kind of its stage (open, won, lost) unless the
//! pipeline has no won/lost stage to move it to (then `won`/`lost` only set the status).

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::FromRow;

use super::{now, page_of_ids, parse_stored, pipelines, Arg, Search, Sql};
use crate::bind_args;
use crate::domain::deal::{
    expected_revenue, Board, BoardColumn, Deal, DealCard, DealFields, DealFilter, DealStats, DealStatus, StageTotal,
    BOARD_CARDS,
};
use crate::domain::list::ListParams;
use crate::domain::money;
use crate::domain::pipeline::{Pipeline, Stage, StageKind};
use crate::error::AppError;
use crate::on;
use crate::server::auth::caller::Scope;
use crate::server::db::Conn;

#[derive(FromRow)]
struct DealRow {
    id: i64,
    title: String,
    description: Option<String>,
    customer_id: Option<i64>,
    pipeline_id: i64,
    stage_id: i64,
    value_minor: i64,
    currency: String,
    probability: i64,
    priority: String,
    status: String,
    expected_close_date: Option<NaiveDate>,
    actual_close_date: Option<NaiveDate>,
    lost_reason: Option<String>,
    assigned_to: Option<i64>,
    tags: String,
    lead_id: Option<i64>,
    stage_entered_at: DateTime<Utc>,
    created_by: Option<i64>,
    updated_by: Option<i64>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
    customer_name: Option<String>,
    pipeline_name: String,
    stage_name: String,
    assigned_to_name: Option<String>,
}

impl TryFrom<DealRow> for Deal {
    type Error = AppError;
    fn try_from(r: DealRow) -> Result<Self, AppError> {
        let value = money::from_minor(r.value_minor, &r.currency);
        Ok(Deal {
            id: r.id,
            fields: DealFields {
                title: r.title,
                description: r.description,
                customer_id: r.customer_id,
                pipeline_id: r.pipeline_id,
                stage_id: r.stage_id,
                value,
                probability: r.probability,
                priority: parse_stored(&r.priority)?,
                expected_close_date: r.expected_close_date,
                assigned_to: r.assigned_to,
                tags: serde_json::from_str(&r.tags).unwrap_or_default(),
            },
            status: parse_stored(&r.status)?,
            actual_close_date: r.actual_close_date,
            lost_reason: r.lost_reason,
            customer_name: r.customer_name,
            pipeline_name: r.pipeline_name,
            stage_name: r.stage_name,
            assigned_to_name: r.assigned_to_name.filter(|n| !n.is_empty()),
            expected_revenue: expected_revenue(value, r.probability, money::minor_digits(&r.currency)),
            currency: r.currency,
            lead_id: r.lead_id,
            stage_entered_at: r.stage_entered_at,
            created_by: r.created_by,
            updated_by: r.updated_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
    }
}

const SELECT: &str = "select d.id, d.title, d.description, d.customer_id, d.pipeline_id, d.stage_id, d.value_minor,
    d.currency, d.probability, d.priority, d.status, d.expected_close_date, d.actual_close_date, d.lost_reason,
    d.assigned_to, d.tags, d.lead_id, d.stage_entered_at, d.created_by, d.updated_by, d.created_at, d.updated_at,
    d.version, cu.name as customer_name, p.name as pipeline_name, s.name as stage_name,
    trim(e.first_name || ' ' || e.last_name) as assigned_to_name
    from deals d
    join pipelines p on p.id = d.pipeline_id
    join pipeline_stages s on s.id = d.stage_id
    left join customers cu on cu.id = d.customer_id
    left join employees e on e.id = d.assigned_to";

/// Limits a query on `deals d` to what the caller may see.
pub(crate) fn restrict(sql: &mut Sql, scope: Scope) {
    super::restrict(sql, scope, " and d.assigned_to = ?", None);
}

/// `where` clause for the organization, the caller's scope and the filters (shared by the
/// page query and the count). Amounts are compared in minor units of `currency`.
fn filtered(mut sql: Sql, search: &Search, org_id: i64, scope: Scope, currency: &str, filter: &DealFilter) -> Sql {
    sql.push_with(" where d.organization_id = ?", Arg::Int(org_id));
    restrict(&mut sql, scope);
    if let Some(id) = filter.pipeline {
        sql.push_with(" and d.pipeline_id = ?", Arg::Int(id));
    }
    if let Some(id) = filter.stage {
        sql.push_with(" and d.stage_id = ?", Arg::Int(id));
    }
    if let Some(status) = filter.status {
        sql.push_with(" and d.status = ?", Arg::Text(status.as_str().into()));
    }
    if let Some(priority) = filter.priority {
        sql.push_with(" and d.priority = ?", Arg::Text(priority.as_str().into()));
    }
    if let Some(id) = filter.assigned_to {
        sql.push_with(" and d.assigned_to = ?", Arg::Int(id));
    }
    if let Some(id) = filter.customer {
        sql.push_with(" and d.customer_id = ?", Arg::Int(id));
    }
    if let Some(v) = filter.value_min {
        sql.push_with(" and d.value_minor >= ?", Arg::Int(money::to_minor(v, currency)));
    }
    if let Some(v) = filter.value_max {
        sql.push_with(" and d.value_minor <= ?", Arg::Int(money::to_minor(v, currency)));
    }
    if let Some(d) = filter.close_from {
        sql.push_with(" and d.expected_close_date >= ?", Arg::Date(d));
    }
    if let Some(d) = filter.close_to {
        sql.push_with(" and d.expected_close_date <= ?", Arg::Date(d));
    }
    search.push(&mut sql, "d");
    sql
}

/// `order by` for a whitelisted field of `deal::SORTABLE` (never client text); ties by id.
fn order_clause(params: &ListParams) -> String {
    let dir = if params.descending { "desc" } else { "asc" };
    match params.order_by {
        // Deals without an expected close date come last either way, on both backends.
        "expected_close_date" => {
            format!(" order by (d.expected_close_date is null), d.expected_close_date {dir}, d.id {dir}")
        }
        name => {
            let column = match name {
                "title" => "d.title",
                "value" => "d.value_minor",
                "probability" => "d.probability",
                "stage_entered_at" => "d.stage_entered_at",
                "updated_at" => "d.updated_at",
                _ => "d.created_at",
            };
            format!(" order by {column} {dir}, d.id {dir}")
        }
    }
}

/// One page of deals, and how many match in all.
#[tracing::instrument(skip(conn))]
pub async fn list(
    conn: &mut Conn,
    org_id: i64,
    scope: Scope,
    currency: &str,
    filter: &DealFilter,
    params: &ListParams,
) -> Result<(Vec<Deal>, i64), AppError> {
    let search = Search::prepare(conn, "deals", org_id, filter.search.as_deref()).await?;
    let order = order_clause(params);
    // The page's ids come from the indexes first; only those rows are then loaded.
    let mut page = filtered(Sql::new("select d.id from deals d"), &search, org_id, scope, currency, filter);
    page.push(&order)
        .push_with(" limit ?", Arg::Int(params.page_size))
        .push_with(" offset ?", Arg::Int(params.offset()));
    let count = || {
        let only_placement = DealFilter { pipeline: filter.pipeline, stage: filter.stage, ..DealFilter::default() };
        if scope == Scope::All && *filter == only_placement {
            // Everything, or one pipeline or stage: the per-stage totals answer without counting rows.
            let mut sql = Sql::new(
                "select cast(coalesce(sum(t.n), 0) as bigint) from deal_stage_totals t
                 join pipeline_stages s on s.id = t.stage_id",
            );
            sql.push_with(" where t.organization_id = ?", Arg::Int(org_id));
            if let Some(id) = filter.pipeline {
                sql.push_with(" and s.pipeline_id = ?", Arg::Int(id));
            }
            if let Some(id) = filter.stage {
                sql.push_with(" and t.stage_id = ?", Arg::Int(id));
            }
            sql
        } else {
            filtered(Sql::new("select count(*) from deals d"), &search, org_id, scope, currency, filter)
        }
    };
    let (ids, count) = page_of_ids(conn, page, count, params).await?;
    if ids.is_empty() {
        return Ok((Vec::new(), count));
    }
    let mut sql = Sql::new(SELECT);
    let placeholders: Vec<String> = ids.into_iter().map(|id| sql.arg(Arg::Int(id))).collect();
    sql.push(&format!(" where d.id in ({})", placeholders.join(", ")));
    sql.push_with(" and d.organization_id = ?", Arg::Int(org_id));
    sql.push(&order);
    let rows = on!(conn, c => bind_args!(sqlx::query_as::<_, DealRow>(&sql.text), &sql.args).fetch_all(c).await?);
    let deals = rows.into_iter().map(TryInto::try_into).collect::<Result<Vec<_>, _>>()?;
    Ok((deals, count))
}

/// One deal of the organization, within the caller's scope; `NotFound` otherwise.
#[tracing::instrument(skip(conn))]
pub async fn get(conn: &mut Conn, org_id: i64, scope: Scope, id: i64) -> Result<Deal, AppError> {
    let mut sql = Sql::new(SELECT);
    sql.push_with(" where d.id = ?", Arg::Int(id));
    sql.push_with(" and d.organization_id = ?", Arg::Int(org_id));
    restrict(&mut sql, scope);
    let row = on!(conn, c => bind_args!(sqlx::query_as::<_, DealRow>(&sql.text), &sql.args).fetch_optional(c).await?);
    row.ok_or(AppError::NotFound)?.try_into()
}

/// The name of a customer of the organization; `None` when there is no such customer.
pub async fn customer_name(conn: &mut Conn, org_id: i64, customer_id: i64) -> Result<Option<String>, AppError> {
    let sql = "select name from customers where id = $1 and organization_id = $2";
    Ok(on!(conn, c => sqlx::query_scalar::<_, String>(sql).bind(customer_id).bind(org_id).fetch_optional(c).await?))
}

/// The search text of a deal: title and customer name; 422 on `customer_id` for a customer
/// that is not the organization's.
async fn search_text(conn: &mut Conn, org_id: i64, f: &DealFields) -> Result<String, AppError> {
    let name = match f.customer_id {
        Some(id) => Some(
            customer_name(conn, org_id, id)
                .await?
                .ok_or_else(|| AppError::field("customer_id", "is not a customer of this organization"))?,
        ),
        None => None,
    };
    Ok(f.search_text(name.as_deref()))
}

/// Resolves where a deal goes and returns its stage: `f.pipeline_id` must be a pipeline of the
/// organization (422 on `pipeline_id`), `f.stage_id` a stage of it (422 on `stage_id`). A
/// `pipeline_id` of 0 means the stage's pipeline (the default pipeline when `stage_id` is 0
/// too); a `stage_id` of 0 the pipeline's first open stage, whose probability the deal then
/// takes when `probability` is 0. Fills in both ids.
pub async fn place(conn: &mut Conn, org_id: i64, f: &mut DealFields) -> Result<Stage, AppError> {
    let pipeline = match f.pipeline_id {
        0 => None,
        id => Some(pipeline_of(conn, org_id, id).await?),
    };
    if f.stage_id == 0 {
        let pipeline = match pipeline {
            Some(p) => p,
            None => pipelines::get_default(conn, org_id).await?,
        };
        let stage =
            pipeline.first_stage().cloned().ok_or_else(|| AppError::field("stage_id", "the pipeline has no stages"))?;
        f.pipeline_id = pipeline.id;
        f.stage_id = stage.id;
        if f.probability == 0 {
            f.probability = stage.probability;
        }
        return Ok(stage);
    }
    let stage = match pipelines::get_stage(conn, org_id, f.stage_id).await {
        Ok(stage) => stage,
        Err(AppError::NotFound) => return Err(AppError::field("stage_id", "is not a stage of this organization")),
        Err(e) => return Err(e),
    };
    if pipeline.is_some_and(|p| p.id != stage.pipeline_id) {
        return Err(AppError::field("stage_id", "is not a stage of the deal's pipeline"));
    }
    f.pipeline_id = stage.pipeline_id;
    Ok(stage)
}

/// A pipeline of the organization; 422 on `pipeline_id` otherwise.
pub async fn pipeline_of(conn: &mut Conn, org_id: i64, id: i64) -> Result<Pipeline, AppError> {
    match pipelines::get(conn, org_id, id).await {
        Err(AppError::NotFound) => Err(AppError::field("pipeline_id", "is not a pipeline of this organization")),
        other => other,
    }
}

fn status_of(kind: StageKind) -> DealStatus {
    match kind {
        StageKind::Open => DealStatus::Open,
        StageKind::Won => DealStatus::Won,
        StageKind::Lost => DealStatus::Lost,
    }
}

/// Creates a deal and returns its id. The status follows the stage (a won or lost stage also
/// sets the actual close date to today in the organization's time zone). `pipeline_id`/
/// `stage_id` of 0 pick the defaults (see [`place`]); a customer or stage that is not the
/// organization's is a 422 naming the field.
/// `lead_id` links the deal to the lead it was converted from.
#[tracing::instrument(skip(conn, fields))]
pub async fn create(
    conn: &mut Conn,
    org_id: i64,
    user_id: i64,
    currency: &str,
    fields: &DealFields,
    lead_id: Option<i64>,
) -> Result<i64, AppError> {
    let mut f = fields.clone();
    let stage = place(conn, org_id, &mut f).await?;
    let status = status_of(stage.kind);
    let now = now();
    let closed_on = match status {
        DealStatus::Open => None,
        _ => Some(super::organizations::zone(conn, org_id).await?.date_of(now)),
    };
    let search = search_text(conn, org_id, &f).await?;
    let tags = serde_json::to_string(&f.tags).unwrap_or_else(|_| "[]".into());
    let value = money::to_minor(f.value, currency);
    let sql = "insert into deals (organization_id, title, description, customer_id, pipeline_id, stage_id, value_minor,
               currency, probability, priority, status, expected_close_date, actual_close_date, assigned_to, tags, lead_id,
               stage_entered_at, created_by, updated_by, created_at, updated_at, version, search_text)
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, $17, $17, 1, $19)
               returning id";
    Ok(on!(conn, c => sqlx::query_scalar::<_, i64>(sql)
        .bind(org_id).bind(&f.title).bind(&f.description).bind(f.customer_id).bind(f.pipeline_id).bind(f.stage_id)
        .bind(value).bind(currency).bind(f.probability).bind(f.priority.as_str()).bind(status.as_str())
        .bind(f.expected_close_date).bind(closed_on).bind(f.assigned_to).bind(&tags).bind(lead_id)
        .bind(now).bind(user_id).bind(&search)
        .fetch_one(c).await?))
}

/// Writes all editable fields of a deal; `Conflict` when `expected_version` is stale. When the
/// stage changes, the status follows it as in [`move_to`] (the caller sets the probability).
#[tracing::instrument(skip(conn, fields))]
pub async fn update(
    conn: &mut Conn,
    org_id: i64,
    id: i64,
    user_id: i64,
    currency: &str,
    fields: &DealFields,
    expected_version: Option<i64>,
) -> Result<(), AppError> {
    let mut f = fields.clone();
    let stage = place(conn, org_id, &mut f).await?;
    let status = status_of(stage.kind);
    let now = now();
    let today = super::organizations::zone(conn, org_id).await?.date_of(now);
    let search = search_text(conn, org_id, &f).await?;
    let tags = serde_json::to_string(&f.tags).unwrap_or_else(|_| "[]".into());
    let value = money::to_minor(f.value, currency);
    let sql = "update deals set title = $1, description = $2, customer_id = $3, pipeline_id = $4, stage_id = $5,
               value_minor = $6, probability = $7, priority = $8, expected_close_date = $9, assigned_to = $10, tags = $11,
               status = $12,
               actual_close_date = case when $12 = 'open' then null when status = $12 then coalesce(actual_close_date, $13) else $13 end,
               lost_reason = case when $12 = 'lost' and status = 'lost' then lost_reason else null end,
               stage_entered_at = case when stage_id = $5 then stage_entered_at else $14 end,
               updated_by = $15, updated_at = $14, version = version + 1, search_text = $16
               where id = $17 and organization_id = $18 and ($19 = 0 or version = $19)";
    let done = on!(conn, c => sqlx::query(sql)
        .bind(&f.title).bind(&f.description).bind(f.customer_id).bind(f.pipeline_id).bind(f.stage_id)
        .bind(value).bind(f.probability).bind(f.priority.as_str()).bind(f.expected_close_date).bind(f.assigned_to).bind(&tags)
        .bind(status.as_str()).bind(today).bind(now).bind(user_id).bind(&search)
        .bind(id).bind(org_id).bind(expected_version.unwrap_or(0))
        .execute(c).await?.rows_affected());
    if done == 0 {
        return Err(AppError::Conflict("this deal was changed by someone else; reload and try again".into()));
    }
    Ok(())
}

/// Puts a deal in `stage_id` (of its own pipeline) with `status` and `probability`: a closed
/// status sets the actual close date to today (kept when the status does not change), open
/// clears it and the lost reason; `stage_entered_at` restarts when the stage changes.
#[allow(clippy::too_many_arguments)]
async fn transition(
    conn: &mut Conn,
    org_id: i64,
    id: i64,
    user_id: i64,
    stage_id: i64,
    status: DealStatus,
    probability: i64,
    lost_reason: Option<&str>,
    expected_version: Option<i64>,
) -> Result<(), AppError> {
    let now = now();
    let today = super::organizations::zone(conn, org_id).await?.date_of(now);
    let sql = "update deals set stage_id = $1, probability = $2, status = $3,
               actual_close_date = case when $3 = 'open' then null when status = $3 then coalesce(actual_close_date, $4) else $4 end,
               lost_reason = case when $3 = 'lost' then coalesce($5, case when status = 'lost' then lost_reason end) else null end,
               stage_entered_at = case when stage_id = $1 then stage_entered_at else $6 end,
               updated_by = $7, updated_at = $6, version = version + 1
               where id = $8 and organization_id = $9
               and pipeline_id = (select pipeline_id from pipeline_stages where id = $1 and organization_id = $9)
               and ($10 = 0 or version = $10)";
    let done = on!(conn, c => sqlx::query(sql)
        .bind(stage_id).bind(probability).bind(status.as_str()).bind(today).bind(lost_reason).bind(now)
        .bind(user_id).bind(id).bind(org_id).bind(expected_version.unwrap_or(0))
        .execute(c).await?.rows_affected());
    if done == 0 {
        return Err(AppError::Conflict("this deal was changed by someone else; reload and try again".into()));
    }
    Ok(())
}

/// Moves a deal to a stage of its pipeline: the probability becomes the stage's, the status
/// its kind (a won or lost stage sets the actual close date to today; an open one clears the
/// close date and lost reason). 422 on `stage_id` for a stage of another pipeline.
#[tracing::instrument(skip(conn, deal), fields(deal = deal.id))]
pub async fn move_to(
    conn: &mut Conn,
    org_id: i64,
    deal: &Deal,
    user_id: i64,
    stage_id: i64,
    expected_version: Option<i64>,
) -> Result<(), AppError> {
    let stage = match pipelines::get_stage(conn, org_id, stage_id).await {
        Ok(s) if s.pipeline_id == deal.fields.pipeline_id => s,
        Ok(_) => return Err(AppError::field("stage_id", "is not a stage of the deal's pipeline")),
        Err(AppError::NotFound) => return Err(AppError::field("stage_id", "is not a stage of this organization")),
        Err(e) => return Err(e),
    };
    transition(
        conn,
        org_id,
        deal.id,
        user_id,
        stage.id,
        status_of(stage.kind),
        stage.probability,
        None,
        expected_version,
    )
    .await
}

/// Closes a deal as won or lost: moves it to the first stage of that kind of its pipeline
/// (taking its probability), or, when the pipeline has none, only sets the status (probability
/// 100 or 0) and keeps the stage. Lost deals keep `lost_reason`.
#[tracing::instrument(skip(conn, deal), fields(deal = deal.id))]
pub async fn close(
    conn: &mut Conn,
    org_id: i64,
    deal: &Deal,
    user_id: i64,
    status: DealStatus,
    lost_reason: Option<&str>,
) -> Result<(), AppError> {
    let kind = match status {
        DealStatus::Won => StageKind::Won,
        DealStatus::Lost => StageKind::Lost,
        DealStatus::Open => return reopen(conn, org_id, deal, user_id).await,
    };
    let stages = pipelines::stages(conn, org_id, deal.fields.pipeline_id).await?;
    let (stage_id, probability) = match stages.iter().find(|s| s.kind == kind) {
        Some(s) => (s.id, s.probability),
        None => (deal.fields.stage_id, if status == DealStatus::Won { 100 } else { 0 }),
    };
    transition(conn, org_id, deal.id, user_id, stage_id, status, probability, lost_reason, None).await
}

/// Reopens a won or lost deal: back to the last open stage of its pipeline, with its
/// probability; the close date and lost reason are cleared. `Conflict` for an open deal or a
/// pipeline without open stages.
#[tracing::instrument(skip(conn, deal), fields(deal = deal.id))]
pub async fn reopen(conn: &mut Conn, org_id: i64, deal: &Deal, user_id: i64) -> Result<(), AppError> {
    if deal.status == DealStatus::Open {
        return Err(AppError::Conflict("this deal is open already".into()));
    }
    let stages = pipelines::stages(conn, org_id, deal.fields.pipeline_id).await?;
    let stage = stages
        .iter()
        .filter(|s| s.kind == StageKind::Open)
        .max_by_key(|s| s.position)
        .ok_or_else(|| AppError::Conflict("the deal's pipeline has no open stage to reopen it in".into()))?;
    transition(conn, org_id, deal.id, user_id, stage.id, DealStatus::Open, stage.probability, None, None).await
}

pub async fn delete(conn: &mut Conn, org_id: i64, id: i64) -> Result<(), AppError> {
    let sql = "delete from deals where id = $1 and organization_id = $2";
    let done = on!(conn, c => sqlx::query(sql).bind(id).bind(org_id).execute(c).await?.rows_affected());
    if done == 0 {
        Err(AppError::NotFound)
    } else {
        Ok(())
    }
}

/// Rewrites the search text of a customer's deals after the customer was renamed (`Some`)
/// or is about to be deleted (`None`).
pub async fn set_customer_name(
    conn: &mut Conn,
    org_id: i64,
    customer_id: i64,
    name: Option<&str>,
) -> Result<(), AppError> {
    let sql = "select id, title, search_text from deals where customer_id = $1 and organization_id = $2";
    let rows = on!(conn, c => sqlx::query_as::<_, (i64, String, String)>(sql).bind(customer_id).bind(org_id).fetch_all(c).await?);
    let sql = "update deals set search_text = $1 where id = $2 and organization_id = $3";
    for (id, title, old) in rows {
        let f = DealFields { title, ..DealFields::default() };
        let text = f.search_text(name);
        if text != old {
            on!(conn, c => sqlx::query(sql).bind(&text).bind(id).bind(org_id).execute(c).await?.rows_affected());
        }
    }
    Ok(())
}

/// Deal figures within the caller's scope, optionally for one pipeline (the caller has
/// checked it is the organization's). `by_stage` lists every stage of that pipeline, or of
/// every pipeline (the default first), with zeros for empty stages.
#[tracing::instrument(skip(conn))]
pub async fn stats(
    conn: &mut Conn,
    org_id: i64,
    scope: Scope,
    currency: &str,
    pipeline: Option<i64>,
) -> Result<DealStats, AppError> {
    let digits = money::minor_digits(currency);
    let mut sql = Sql::new(
        "select d.status, d.probability, count(*), cast(coalesce(sum(d.value_minor), 0) as bigint) from deals d",
    );
    sql.push_with(" where d.organization_id = ?", Arg::Int(org_id));
    restrict(&mut sql, scope);
    if let Some(id) = pipeline {
        sql.push_with(" and d.pipeline_id = ?", Arg::Int(id));
    }
    sql.push(" group by d.status, d.probability");
    let rows = on!(conn, c => bind_args!(sqlx::query_as::<_, (String, i64, i64, i64)>(&sql.text), &sql.args).fetch_all(c).await?);
    let zero = money::from_minor(0, currency);
    let mut stats = DealStats {
        currency: currency.to_owned(),
        open_value: zero,
        weighted_value: zero,
        won_value: zero,
        average_deal_size: zero,
        win_rate: fixed(Decimal::ZERO, 1),
        ..DealStats::default()
    };
    let mut weighted_percent = Decimal::ZERO;
    for (status, probability, n, value_minor) in rows {
        let value = money::from_minor(value_minor, currency);
        match parse_stored::<DealStatus>(&status)? {
            DealStatus::Open => {
                stats.open_count += n;
                stats.open_value += value;
                weighted_percent += value * Decimal::from(probability);
            }
            DealStatus::Won => {
                stats.won_count += n;
                stats.won_value += value;
            }
            DealStatus::Lost => stats.lost_count += n,
        }
    }
    stats.weighted_value = fixed(weighted_percent / Decimal::from(100), digits);
    let closed = stats.won_count + stats.lost_count;
    if closed > 0 {
        stats.win_rate = fixed(Decimal::from(stats.won_count * 100) / Decimal::from(closed), 1);
    }
    if stats.won_count > 0 {
        stats.average_deal_size = fixed(stats.won_value / Decimal::from(stats.won_count), digits);
    }

    let mut sql = Sql::new(
        "select s.id, s.name, count(d.id), cast(coalesce(sum(d.value_minor), 0) as bigint)
         from pipeline_stages s join pipelines p on p.id = s.pipeline_id
         left join deals d on d.stage_id = s.id",
    );
    sql.push_with(" and d.organization_id = ?", Arg::Int(org_id));
    restrict(&mut sql, scope);
    sql.push_with(" where s.organization_id = ?", Arg::Int(org_id));
    if let Some(id) = pipeline {
        sql.push_with(" and s.pipeline_id = ?", Arg::Int(id));
    }
    sql.push(
        " group by s.id, s.name, p.is_default, p.name, s.pipeline_id, s.position
          order by p.is_default desc, p.name, s.pipeline_id, s.position, s.id",
    );
    let rows = on!(conn, c => bind_args!(sqlx::query_as::<_, (i64, String, i64, i64)>(&sql.text), &sql.args).fetch_all(c).await?);
    stats.by_stage = rows
        .into_iter()
        .map(|(stage_id, name, count, value_minor)| StageTotal {
            stage_id,
            name,
            count,
            value: money::from_minor(value_minor, currency),
        })
        .collect();
    Ok(stats)
}

/// `d` rounded half away from zero (as amounts are stored) to exactly `digits` places.
fn fixed(d: Decimal, digits: u32) -> Decimal {
    let mut d = d.round_dp_with_strategy(digits, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    d.rescale(digits);
    d
}

#[derive(FromRow)]
struct CardRow {
    id: i64,
    title: String,
    customer_id: Option<i64>,
    customer_name: Option<String>,
    value_minor: i64,
    currency: String,
    assigned_to_name: Option<String>,
    status: String,
    stage_entered_at: DateTime<Utc>,
    version: i64,
}

const CARD_SELECT: &str = "select d.id, d.title, d.customer_id, cu.name as customer_name, d.value_minor, d.currency,
    trim(e.first_name || ' ' || e.last_name) as assigned_to_name, d.status, d.stage_entered_at, d.version
    from deals d
    left join customers cu on cu.id = d.customer_id
    left join employees e on e.id = d.assigned_to";

/// The board of a pipeline (the caller has loaded it from the organization): per stage the
/// number and total value of the deals the caller sees, and the first [`BOARD_CARDS`] of
/// them, longest in the stage first. Never loads more than that per stage.
#[tracing::instrument(skip(conn, pipeline), fields(pipeline = pipeline.id))]
pub async fn board(
    conn: &mut Conn,
    org_id: i64,
    scope: Scope,
    currency: &str,
    pipeline: Pipeline,
) -> Result<Board, AppError> {
    let totals: Vec<(i64, i64, i64)> = match scope {
        // Everything: the per-stage totals kept by triggers.
        Scope::All => {
            let sql = "select t.stage_id, t.n, t.value_minor from deal_stage_totals t
                       join pipeline_stages s on s.id = t.stage_id
                       where s.pipeline_id = $1 and t.organization_id = $2";
            on!(conn, c => sqlx::query_as::<_, (i64, i64, i64)>(sql).bind(pipeline.id).bind(org_id).fetch_all(c).await?)
        }
        Scope::AssignedTo(_) | Scope::OfCustomer(_) => {
            let mut sql =
                Sql::new("select d.stage_id, count(*), cast(coalesce(sum(d.value_minor), 0) as bigint) from deals d");
            sql.push_with(" where d.organization_id = ?", Arg::Int(org_id));
            restrict(&mut sql, scope);
            sql.push_with(" and d.pipeline_id = ?", Arg::Int(pipeline.id));
            sql.push(" group by d.stage_id");
            on!(conn, c => bind_args!(sqlx::query_as::<_, (i64, i64, i64)>(&sql.text), &sql.args).fetch_all(c).await?)
        }
    };
    let now = now();
    let mut columns = Vec::with_capacity(pipeline.stages.len());
    for stage in &pipeline.stages {
        let (count, value_minor) =
            totals.iter().find(|(id, _, _)| *id == stage.id).map_or((0, 0), |(_, n, v)| (*n, *v));
        let cards = if count == 0 {
            Vec::new()
        } else {
            // One small query per stage, along the `deals_stage_cards (stage_id, stage_entered_at, id)` index.
            let mut sql = Sql::new(CARD_SELECT);
            sql.push_with(" where d.stage_id = ?", Arg::Int(stage.id));
            sql.push_with(" and d.organization_id = ?", Arg::Int(org_id));
            restrict(&mut sql, scope);
            sql.push(" order by d.stage_entered_at, d.id");
            sql.push_with(" limit ?", Arg::Int(BOARD_CARDS));
            let rows =
                on!(conn, c => bind_args!(sqlx::query_as::<_, CardRow>(&sql.text), &sql.args).fetch_all(c).await?);
            rows.into_iter()
                .map(|r| {
                    Ok(DealCard {
                        id: r.id,
                        title: r.title,
                        customer_id: r.customer_id,
                        customer_name: r.customer_name,
                        value: money::from_minor(r.value_minor, &r.currency),
                        assigned_to_name: r.assigned_to_name.filter(|n| !n.is_empty()),
                        status: parse_stored(&r.status)?,
                        days_in_stage: (now - r.stage_entered_at).num_days().max(0),
                        version: r.version,
                    })
                })
                .collect::<Result<Vec<_>, AppError>>()?
        };
        columns.push(BoardColumn {
            stage: stage.clone(),
            count,
            total_value: money::from_minor(value_minor, currency),
            cards,
        });
    }
    Ok(Board { pipeline, currency: currency.to_owned(), columns })
}
