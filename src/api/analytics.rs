//! `/api/analytics/*`: the organization's figures (SPEC §5).
//!
//! Needs `analytics:view`. With `analytics:view_all` the figures cover the whole organization;
//! without it (sales reps), only the records assigned to the caller. Dates are local dates of
//! the organization's time zone and amounts are in its currency (amounts in other currencies
//! are left out, not converted).

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use crate::domain::analytics::{AnalyticsQuery, Dashboard, Funnel, PerformanceReport, QuickStats, RevenueReport};
use crate::error::AppError;

/// What every analytics query needs: a connection, the caller's organization, its currency
/// and time zone, and the caller's scope.
#[cfg(feature = "ssr")]
struct Analytics {
    conn: crate::server::db::Conn,
    org_id: i64,
    scope: crate::server::auth::caller::Scope,
    employee_id: Option<i64>,
    currency: String,
    time_zone: String,
    zone: crate::server::clock::Zone,
}

#[cfg(feature = "ssr")]
impl Analytics {
    async fn open() -> Result<Analytics, AppError> {
        use crate::api::ctx;
        let state = ctx::state()?;
        let caller = ctx::caller().await?;
        let member = caller.require("analytics", "view")?;
        let mut conn = state.db.read().await?;
        let org = crate::server::repo::organizations::get(&mut conn, member.org_id).await?;
        Ok(Analytics {
            conn,
            org_id: member.org_id,
            scope: member.scope("analytics"),
            employee_id: member.employee_id,
            zone: crate::server::clock::Zone::named(&org.time_zone),
            currency: org.currency,
            time_zone: org.time_zone,
        })
    }

    async fn dashboard(&mut self, scope: crate::server::auth::caller::Scope) -> Result<Dashboard, AppError> {
        let now = crate::server::repo::now();
        let d = crate::server::repo::analytics::dashboard(
            &mut self.conn,
            self.org_id,
            scope,
            &self.currency,
            self.zone,
            now,
        )
        .await?;
        Ok(Dashboard { time_zone: self.time_zone.clone(), ..d })
    }

    async fn performance(&mut self, query: &AnalyticsQuery, limit: Option<i64>) -> Result<PerformanceReport, AppError> {
        let range = query.range(self.zone.today())?;
        let employees = crate::server::repo::analytics::performance(
            &mut self.conn,
            self.org_id,
            self.scope,
            &self.currency,
            self.zone,
            range,
            limit,
        )
        .await?;
        Ok(PerformanceReport { currency: self.currency.clone(), from: Some(range.from), to: Some(range.to), employees })
    }
}

/// The dashboard figures: customers, leads, open deals and pipeline value, won revenue this
/// month vs last, win rate, orders and their revenue this month, outstanding and overdue
/// incoming payments, payments received this month, open issues, overdue activities.
#[server(prefix = "/api", endpoint = "analytics/dashboard", input = GetUrl, output = Json)]
pub async fn get_dashboard() -> Result<Dashboard, AppError> {
    let mut a = Analytics::open().await?;
    let scope = a.scope;
    a.dashboard(scope).await
}

/// The caller's own figures ("my" customers, open leads, open deals, revenue won this month,
/// overdue activities, open issues): the records assigned to them, whatever their role.
#[server(prefix = "/api", endpoint = "analytics/quick_stats", input = GetUrl, output = Json)]
pub async fn get_quick_stats() -> Result<QuickStats, AppError> {
    use crate::server::auth::caller::Scope;
    let mut a = Analytics::open().await?;
    let employee_id = a.employee_id;
    let d = a.dashboard(Scope::AssignedTo(employee_id)).await?;
    Ok(QuickStats::from_dashboard(employee_id, d))
}

/// The sales funnel: leads by status (new, contacted, qualified, converted), then open deals
/// by stage of `pipeline_id` (default: the default pipeline), then won; with the lead
/// conversion rate and the pipeline's win rate.
#[server(prefix = "/api", endpoint = "analytics/funnel", input = GetUrl, output = Json)]
pub async fn get_funnel(#[server(flatten)] query: AnalyticsQuery) -> Result<Funnel, AppError> {
    let pipeline = query.pipeline()?;
    let mut a = Analytics::open().await?;
    crate::server::repo::analytics::funnel(&mut a.conn, a.org_id, a.scope, &a.currency, pipeline).await
}

/// Revenue by `period` (day, week, month (default), quarter, year) from `from` to `to`
/// (default: the last 30 days, 12 weeks, 12 months, 8 quarters or 5 years up to today; at
/// most 400 periods): deals won by close date and incoming payments completed (by payment
/// date, else the day processed), every period listed even when empty.
#[server(prefix = "/api", endpoint = "analytics/revenue", input = GetUrl, output = Json)]
pub async fn get_revenue(#[server(flatten)] query: AnalyticsQuery) -> Result<RevenueReport, AppError> {
    let mut a = Analytics::open().await?;
    let (period, range, starts) = query.revenue(a.zone.today())?;
    let (won, received) =
        crate::server::repo::analytics::revenue(&mut a.conn, a.org_id, a.scope, &a.currency, a.zone, range).await?;
    Ok(RevenueReport::build(&a.currency, &a.time_zone, period, range, &starts, &won, &received))
}

/// Per employee from `from` to `to` (default: this month): deals won and lost (by close
/// date), revenue won, win rate, activities completed, leads converted. Every active employee
/// and anyone else with a result, best revenue first.
#[server(prefix = "/api", endpoint = "analytics/employee_performance", input = GetUrl, output = Json)]
pub async fn get_employee_performance(#[server(flatten)] query: AnalyticsQuery) -> Result<PerformanceReport, AppError> {
    Analytics::open().await?.performance(&query, None).await
}

/// The `limit` (1–50, default 5) employees with the most revenue won from `from` to `to`
/// (default: this month); employees without any are left out.
#[server(prefix = "/api", endpoint = "analytics/top_performers", input = GetUrl, output = Json)]
pub async fn get_top_performers(#[server(flatten)] query: AnalyticsQuery) -> Result<PerformanceReport, AppError> {
    let limit = query.limit()?;
    let mut report = Analytics::open().await?.performance(&query, Some(limit)).await?;
    report.employees.retain(|e| !e.revenue.is_zero());
    Ok(report)
}

#[cfg(feature = "ssr")]
include!(concat!(env!("OUT_DIR"), "/openapi/analytics.rs"));
