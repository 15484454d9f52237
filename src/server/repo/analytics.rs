//! Analytics queries (SPEC §5). Each figure is computed in the database over the caller's scope
//! (the same `restrict` as the entity's own list), in the organization's currency: amounts in
//! other currencies are not converted and are left out. Local dates ("this month") come from
//! the organization's time zone, passed in as a [`Zone`].

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::Row;

use crate::domain::analytics::{percent, CountAmount, Dashboard, DateRange, EmployeePerformance, Funnel, FunnelStep};
use crate::domain::lead::LeadStatus;
use crate::domain::money;
use crate::domain::pipeline::StageKind;
use crate::error::AppError;
use crate::server::auth::caller::Scope;
use crate::server::clock::Zone;
use crate::server::db::{Backend, Conn};
use crate::server::repo::{self, Arg, Sql};
use crate::{bind_args, on};

/// `count` of the rows matching `cond`, as a bigint on both backends.
fn count_if(cond: &str) -> String {
    format!("cast(coalesce(sum(case when {cond} then 1 else 0 end), 0) as bigint)")
}

/// Sum of `expr` over the rows matching `cond`, as a bigint on both backends.
fn sum_if(cond: &str, expr: &str) -> String {
    format!("cast(coalesce(sum(case when {cond} then {expr} else 0 end), 0) as bigint)")
}

/// The one row of an aggregate query, as `N` integers.
async fn figures<const N: usize>(conn: &mut Conn, sql: &Sql) -> Result<[i64; N], AppError> {
    let values: Vec<i64> = on!(conn, c => {
        let row = bind_args!(sqlx::query(&sql.text), &sql.args).fetch_one(c).await?;
        (0..row.len()).map(|i| row.try_get::<i64, _>(i)).collect::<Result<_, _>>()?
    });
    values.try_into().map_err(|_| AppError::Internal)
}

/// Completes `sql` (which may already hold arguments that `columns` refer to) into
/// `select <columns> from <table> <alias> where <alias>.organization_id = ? <scope>`.
/// Placeholders are numbered, so arguments may come before the text that uses them.
fn scoped(
    mut sql: Sql,
    columns: &[String],
    from: &str,
    org_id: i64,
    scope: Scope,
    restrict: fn(&mut Sql, Scope),
) -> Sql {
    let alias = from.rsplit(' ').next().unwrap_or(from);
    sql.push(&format!("select {} from {from}", columns.join(", ")));
    sql.push_with(&format!(" where {alias}.organization_id = ?"), Arg::Int(org_id));
    restrict(&mut sql, scope);
    sql
}

/// The caller's scope over a table of totals `t` kept per assignee (0: unassigned), as
/// `repo::deals::restrict` limits the deals themselves.
fn restrict_totals(sql: &mut Sql, scope: Scope) {
    super::restrict(sql, scope, " and t.assignee = ?", None);
}

/// Where a completed incoming payment falls: its payment date, else the day it was processed
/// (or recorded).
const PAID_AT: &str = "coalesce(p.processed_at, p.created_at)";

/// The condition "completed on a local day of `range`" for a payment, its arguments added to `sql`.
fn received_between(sql: &mut Sql, zone: Zone, range: DateRange) -> String {
    let (d0, d1) = (sql.arg(Arg::Date(range.from)), sql.arg(Arg::Date(range.end())));
    let (t0, t1) = (sql.arg(Arg::Time(zone.start_of(range.from))), sql.arg(Arg::Time(zone.start_of(range.end()))));
    format!(
        "p.status = 'completed' and (p.payment_date >= {d0} and p.payment_date < {d1} \
         or p.payment_date is null and {PAID_AT} >= {t0} and {PAID_AT} < {t1})"
    )
}

/// The dashboard figures over `scope`, with "this month" the calendar month of today in `zone`.
pub async fn dashboard(
    conn: &mut Conn,
    org_id: i64,
    scope: Scope,
    currency: &str,
    zone: Zone,
    now: DateTime<Utc>,
) -> Result<Dashboard, AppError> {
    let today = zone.date_of(now);
    let month = DateRange::month_of(today);
    let last_month = DateRange::previous_month(today);
    let (month_start, month_end) = (zone.start_of(month.from), zone.start_of(month.end()));
    let money = |minor: i64| money::from_minor(minor, currency);
    // Amounts start at zero with the currency's decimals ("0.00"), like every other amount.
    let mut d = Dashboard {
        currency: currency.to_owned(),
        today,
        open_deals: CountAmount { count: 0, amount: money(0) },
        ..Dashboard::default()
    };

    // The whole organization's customers come from their counts by status and by quarter hour
    // of creation; one employee's from the (organization, assigned_to, status, created_at) index.
    let sql = match scope {
        Scope::All => {
            let mut sql = Sql::default();
            let org = sql.arg(Arg::Int(org_id));
            let slot = |t: DateTime<Utc>| Arg::Int(t.timestamp().div_euclid(900));
            let (s0, s1) = (sql.arg(slot(month_start)), sql.arg(slot(month_end)));
            sql.push(&format!(
                "select (select cast(coalesce(sum(n), 0) as bigint) from customer_counts where organization_id = {org}),
                        (select cast(coalesce(sum(n), 0) as bigint) from customer_counts
                         where organization_id = {org} and status = 'active'),
                        (select cast(coalesce(sum(n), 0) as bigint) from customer_created
                         where organization_id = {org} and slot >= {s0} and slot < {s1})"
            ));
            sql
        }
        _ => {
            let mut sql = Sql::default();
            let (t0, t1) = (sql.arg(Arg::Time(month_start)), sql.arg(Arg::Time(month_end)));
            let columns = [
                "count(*)".to_owned(),
                count_if("c.status = 'active'"),
                count_if(&format!("c.created_at >= {t0} and c.created_at < {t1}")),
            ];
            scoped(sql, &columns, "customers c", org_id, scope, repo::customers::restrict)
        }
    };
    [d.customers, d.active_customers, d.new_customers_this_month] = figures(conn, &sql).await?;

    let mut sql = Sql::default();
    let since = sql.arg(Arg::Time(month_start));
    let columns = [
        "count(*)".to_owned(),
        count_if("l.status in ('new', 'contacted', 'qualified')"),
        count_if(&format!("l.created_at >= {since}")),
    ];
    let sql = scoped(sql, &columns, "leads l", org_id, scope, repo::leads::restrict);
    [d.leads, d.open_leads, d.new_leads_this_month] = figures(conn, &sql).await?;

    // Deals by status, with their value and weighted value, from their totals.
    let columns = [
        "t.status".to_owned(),
        "cast(coalesce(sum(t.n), 0) as bigint)".to_owned(),
        "cast(coalesce(sum(t.value_minor), 0) as bigint)".to_owned(),
        "cast(coalesce(sum(t.weighted), 0) as bigint)".to_owned(),
    ];
    let mut sql = scoped(Sql::default(), &columns, "deal_totals t", org_id, scope, restrict_totals);
    sql.push(" group by t.status");
    let groups = on!(conn, c => bind_args!(sqlx::query_as::<_, (String, i64, i64, i64)>(&sql.text), &sql.args).fetch_all(c).await?);
    let (mut won, mut lost, mut weighted) = (0, 0, 0);
    for (status, n, value, value_times_probability) in groups {
        match status.as_str() {
            "open" => {
                d.open_deals = CountAmount { count: n, amount: money(value) };
                weighted = value_times_probability;
            }
            "won" => won = n,
            _ => lost += n,
        }
    }
    // Won this month and last month: a range of the (organization, status, close date) index.
    let mut sql = Sql::default();
    let (l0, m0, m1) =
        (sql.arg(Arg::Date(last_month.from)), sql.arg(Arg::Date(month.from)), sql.arg(Arg::Date(month.end())));
    let this_month = format!("d.actual_close_date >= {m0}");
    let columns = [
        count_if(&this_month),
        sum_if(&this_month, "d.value_minor"),
        count_if(&format!("d.actual_close_date < {m0}")),
        sum_if(&format!("d.actual_close_date < {m0}"), "d.value_minor"),
    ];
    let mut sql = scoped(sql, &columns, "deals d", org_id, scope, repo::deals::restrict);
    sql.push(&format!(" and d.status = 'won' and d.actual_close_date >= {l0} and d.actual_close_date < {m1}"));
    let [n1, a1, n2, a2] = figures(conn, &sql).await?;
    d.won_this_month = CountAmount { count: n1, amount: money(a1) };
    d.won_last_month = CountAmount { count: n2, amount: money(a2) };
    d.weighted_pipeline = (money(weighted) / Decimal::from(100)).round_dp(money::minor_digits(currency));
    d.win_rate = percent(Decimal::from(won), Decimal::from(won + lost));

    let mut sql = Sql::default();
    let (m0, m1) = (sql.arg(Arg::Date(month.from)), sql.arg(Arg::Date(month.end())));
    let cur = sql.arg(Arg::Text(currency.into()));
    let columns =
        ["count(*)".to_owned(), sum_if(&format!("o.order_type <> 'purchase' and o.currency = {cur}"), "o.total_minor")];
    let mut sql = scoped(sql, &columns, "orders o", org_id, scope, repo::orders::restrict);
    sql.push(&format!(" and o.status <> 'cancelled' and o.order_date >= {m0} and o.order_date < {m1}"));
    let [orders, order_revenue] = figures(conn, &sql).await?;
    d.orders_this_month = orders;
    d.order_revenue_this_month = money(order_revenue);

    let mut sql = Sql::default();
    let today_arg = sql.arg(Arg::Date(today));
    let received = received_between(&mut sql, zone, month);
    let outstanding = "p.status in ('pending', 'processing')".to_owned();
    let overdue = format!("{outstanding} and p.due_date < {today_arg}");
    let columns = [
        count_if(&outstanding),
        sum_if(&outstanding, "p.amount_minor"),
        count_if(&overdue),
        sum_if(&overdue, "p.amount_minor"),
        count_if(&received),
        sum_if(&received, "p.amount_minor"),
    ];
    let mut sql = scoped(sql, &columns, "payments p", org_id, scope, repo::payments::restrict);
    sql.push_with(" and p.payment_type = 'incoming' and p.currency = ?", Arg::Text(currency.into()));
    let [n1, a1, n2, a2, n3, a3] = figures(conn, &sql).await?;
    d.outstanding_payments = CountAmount { count: n1, amount: money(a1) };
    d.overdue_payments = CountAmount { count: n2, amount: money(a2) };
    d.received_this_month = CountAmount { count: n3, amount: money(a3) };

    let open = "i.status in ('open', 'in_progress')";
    let columns = [count_if(open), count_if(&format!("{open} and i.priority = 'urgent'"))];
    let sql = scoped(Sql::default(), &columns, "issues i", org_id, scope, repo::issues::restrict);
    [d.open_issues, d.urgent_issues] = figures(conn, &sql).await?;

    // `push_overdue` writes its condition as a filter; here it becomes a counted condition.
    let mut sql = Sql::default();
    repo::activities::push_overdue(&mut sql, now, today);
    let overdue = format!("1 = 1{}", std::mem::take(&mut sql.text));
    let (t0, t1) = (sql.arg(Arg::Time(month_start)), sql.arg(Arg::Time(month_end)));
    let columns = [
        count_if(&overdue),
        count_if(&format!("a.status = 'completed' and a.completed_at >= {t0} and a.completed_at < {t1}")),
    ];
    let sql = scoped(sql, &columns, "activities a", org_id, scope, repo::activities::restrict);
    [d.overdue_activities, d.activities_completed_this_month] = figures(conn, &sql).await?;

    Ok(d.finish())
}

/// Leads by status, then the open stages of `pipeline_id` (the default pipeline when `None`)
/// with their deals, then won — over `scope`.
pub async fn funnel(
    conn: &mut Conn,
    org_id: i64,
    scope: Scope,
    currency: &str,
    pipeline_id: Option<i64>,
) -> Result<Funnel, AppError> {
    let pipeline = match pipeline_id {
        Some(id) => repo::pipelines::get(conn, org_id, id).await?,
        None => repo::pipelines::get_default(conn, org_id).await?,
    };
    let leads = repo::leads::stats(conn, org_id, scope).await?;
    // Deals of the pipeline by stage and status, from their totals.
    let columns = [
        "t.stage_id".to_owned(),
        "t.status".to_owned(),
        "cast(coalesce(sum(t.n), 0) as bigint)".to_owned(),
        "cast(coalesce(sum(t.value_minor), 0) as bigint)".to_owned(),
    ];
    let mut sql = scoped(Sql::default(), &columns, "deal_totals t", org_id, scope, restrict_totals);
    sql.push_with(" and t.pipeline_id = ? group by t.stage_id, t.status", Arg::Int(pipeline.id));
    let groups = on!(conn, c => bind_args!(sqlx::query_as::<_, (i64, String, i64, i64)>(&sql.text), &sql.args).fetch_all(c).await?);
    let total = |keep: &dyn Fn(i64, &str) -> bool| {
        groups
            .iter()
            .filter(|(stage, status, ..)| keep(*stage, status))
            .fold((0, 0), |(n, v), (_, _, c, m)| (n + c, v + m))
    };
    let zero = money::from_minor(0, currency);
    let lead_steps = [LeadStatus::New, LeadStatus::Contacted, LeadStatus::Qualified, LeadStatus::Converted];
    let mut steps: Vec<FunnelStep> = lead_steps
        .iter()
        .map(|s| FunnelStep {
            key: format!("lead:{}", s.as_str()),
            label: format!("Leads: {}", s.label().to_lowercase()),
            count: leads.by_status.get(s.as_str()).copied().unwrap_or(0),
            value: zero,
        })
        .collect();
    for stage in pipeline.stages.iter().filter(|s| s.kind == StageKind::Open) {
        let (count, value) = total(&|id, status| id == stage.id && status == "open");
        steps.push(FunnelStep {
            key: format!("stage:{}", stage.id),
            label: stage.name.clone(),
            count,
            value: money::from_minor(value, currency),
        });
    }
    let (won, won_value) = total(&|_, status| status == "won");
    let (lost, _) = total(&|_, status| status == "lost");
    steps.push(FunnelStep {
        key: "won".into(),
        label: "Won".into(),
        count: won,
        value: money::from_minor(won_value, currency),
    });
    Ok(Funnel {
        currency: currency.to_owned(),
        pipeline_id: pipeline.id,
        pipeline_name: pipeline.name,
        steps,
        lost,
        lead_conversion_rate: leads.conversion_rate,
        win_rate: percent(Decimal::from(won), Decimal::from(won + lost)),
    })
}

/// `(local day, count, amount)` of the deals won and of the incoming payments completed in
/// `range` over `scope`.
pub async fn revenue(
    conn: &mut Conn,
    org_id: i64,
    scope: Scope,
    currency: &str,
    zone: Zone,
    range: DateRange,
) -> Result<(Vec<(NaiveDate, i64, Decimal)>, Vec<(NaiveDate, i64, Decimal)>), AppError> {
    let money = |rows: Vec<(NaiveDate, i64, i64)>| -> Vec<(NaiveDate, i64, Decimal)> {
        rows.into_iter().map(|(day, n, minor)| (day, n, money::from_minor(minor, currency))).collect()
    };
    let mut sql = Sql::default();
    let (d0, d1) = (sql.arg(Arg::Date(range.from)), sql.arg(Arg::Date(range.end())));
    let columns = ["d.actual_close_date".to_owned(), "count(*)".to_owned(), sum_if("1 = 1", "d.value_minor")];
    let mut sql = scoped(sql, &columns, "deals d", org_id, scope, repo::deals::restrict);
    sql.push(&format!(" and d.status = 'won' and d.actual_close_date >= {d0} and d.actual_close_date < {d1}"));
    sql.push(" group by d.actual_close_date");
    let won = on!(conn, c => bind_args!(sqlx::query_as::<_, (NaiveDate, i64, i64)>(&sql.text), &sql.args).fetch_all(c).await?);

    // Payments with a payment date are summed by that date; the others by the quarter hour
    // they were processed in (the finest step of any time zone's offset), placed on local days
    // here — a bounded number of rows whatever the number of payments.
    let base = |columns: &[String], sql: Sql| {
        let mut sql = scoped(sql, columns, "payments p", org_id, scope, repo::payments::restrict);
        sql.push_with(
            " and p.payment_type = 'incoming' and p.status = 'completed' and p.currency = ?",
            Arg::Text(currency.into()),
        );
        sql
    };
    let mut sql = Sql::default();
    let (d0, d1) = (sql.arg(Arg::Date(range.from)), sql.arg(Arg::Date(range.end())));
    let columns = ["p.payment_date".to_owned(), "count(*)".to_owned(), sum_if("1 = 1", "p.amount_minor")];
    let mut sql = base(&columns, sql);
    sql.push(&format!(" and p.payment_date >= {d0} and p.payment_date < {d1} group by p.payment_date"));
    let mut received = on!(conn, c => bind_args!(sqlx::query_as::<_, (NaiveDate, i64, i64)>(&sql.text), &sql.args).fetch_all(c).await?);

    let slot = match conn.backend() {
        Backend::Sqlite => format!("cast(strftime('%s', {PAID_AT}) as integer) / 900"),
        Backend::Postgres => format!("cast(floor(extract(epoch from {PAID_AT}) / 900) as bigint)"),
    };
    let mut sql = Sql::default();
    let (t0, t1) = (sql.arg(Arg::Time(zone.start_of(range.from))), sql.arg(Arg::Time(zone.start_of(range.end()))));
    let columns = [slot, "count(*)".to_owned(), sum_if("1 = 1", "p.amount_minor")];
    let mut sql = base(&columns, sql);
    sql.push(&format!(" and p.payment_date is null and {PAID_AT} >= {t0} and {PAID_AT} < {t1} group by 1"));
    let slots =
        on!(conn, c => bind_args!(sqlx::query_as::<_, (i64, i64, i64)>(&sql.text), &sql.args).fetch_all(c).await?);
    for (slot, n, minor) in slots {
        let at = DateTime::from_timestamp(slot.saturating_mul(900), 0).ok_or(AppError::Internal)?;
        received.push((zone.date_of(at), n, minor));
    }
    Ok((money(won), money(received)))
}

/// Each employee's deals won and lost (by close date), revenue, activities completed and leads
/// converted in `range` — every active employee and anyone else with a result, best revenue
/// first; only the caller's own row without `view_all`.
pub async fn performance(
    conn: &mut Conn,
    org_id: i64,
    scope: Scope,
    currency: &str,
    zone: Zone,
    range: DateRange,
    limit: Option<i64>,
) -> Result<Vec<EmployeePerformance>, AppError> {
    let mut sql = Sql::default();
    let org = sql.arg(Arg::Int(org_id));
    let (d0, d1) = (sql.arg(Arg::Date(range.from)), sql.arg(Arg::Date(range.end())));
    let (t0, t1) = (sql.arg(Arg::Time(zone.start_of(range.from))), sql.arg(Arg::Time(zone.start_of(range.end()))));
    sql.push(&format!(
        "select e.id, e.first_name, e.last_name, e.department,
                coalesce(w.won, 0), coalesce(w.revenue, 0), coalesce(w.lost, 0),
                coalesce(a.done, 0), coalesce(l.converted, 0)
         from employees e
         left join (select d.assigned_to as employee_id, {won} as won, {revenue} as revenue, {lost} as lost from deals d
                    where d.organization_id = {org} and d.actual_close_date >= {d0} and d.actual_close_date < {d1}
                    group by d.assigned_to) w on w.employee_id = e.id
         left join (select a.assigned_to as employee_id, count(*) as done from activities a
                    where a.organization_id = {org} and a.status = 'completed'
                      and a.completed_at >= {t0} and a.completed_at < {t1}
                    group by a.assigned_to) a on a.employee_id = e.id
         left join (select l.assigned_to as employee_id, count(*) as converted from leads l
                    where l.organization_id = {org} and l.status = 'converted'
                      and l.converted_at >= {t0} and l.converted_at < {t1}
                    group by l.assigned_to) l on l.employee_id = e.id
         where e.organization_id = {org}
           and (e.status = 'active' or w.employee_id is not null or a.employee_id is not null
                or l.employee_id is not null)",
        won = count_if("d.status = 'won'"),
        revenue = sum_if("d.status = 'won'", "d.value_minor"),
        lost = count_if("d.status = 'lost'"),
    ));
    match scope {
        Scope::All => {}
        Scope::AssignedTo(Some(employee)) => {
            sql.push_with(" and e.id = ?", Arg::Int(employee));
        }
        Scope::AssignedTo(None) | Scope::OfCustomer(_) => {
            sql.push(" and 1 = 0");
        }
    }
    sql.push(" order by 6 desc, 5 desc, e.last_name, e.first_name, e.id");
    if let Some(limit) = limit {
        sql.push_with(" limit ?", Arg::Int(limit));
    }
    type PerformanceRow = (i64, String, String, Option<String>, i64, i64, i64, i64, i64);
    let rows =
        on!(conn, c => bind_args!(sqlx::query_as::<_, PerformanceRow>(&sql.text), &sql.args).fetch_all(c).await?);
    Ok(rows
        .into_iter()
        .map(|(employee_id, first, last, department, won, revenue, lost, done, converted)| EmployeePerformance {
            employee_id,
            name: format!("{first} {last}").trim().to_owned(),
            department,
            deals_won: won,
            revenue: money::from_minor(revenue, currency),
            deals_lost: lost,
            win_rate: percent(Decimal::from(won), Decimal::from(won + lost)),
            activities_completed: done,
            leads_converted: converted,
        })
        .collect())
}
