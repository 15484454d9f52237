//! Analytics (SPEC §5): the figures of the dashboard and the analytics pages, and the calendar
//! arithmetic of revenue periods. Every date here is a date in the organization's time zone;
//! every amount is in the organization's currency.

use chrono::{Datelike, Duration, Months, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::domain::validate::Check;
use crate::error::AppError;

crate::string_enum!(
    /// The length of one revenue bucket.
    Period {
        Day = "day" / "Day",
        Week = "week" / "Week",
        Month = "month" / "Month",
        Quarter = "quarter" / "Quarter",
        Year = "year" / "Year",
    }
);

/// Most buckets one revenue report may have (a little over a year of days).
pub const MAX_BUCKETS: usize = 400;

/// Most rows `top_performers` returns.
pub const MAX_TOP: i64 = 50;

impl Period {
    /// The first day of the period that contains `date` (weeks start on Monday, as in ISO 8601).
    pub fn start_of(self, date: NaiveDate) -> NaiveDate {
        let first = |month: u32| NaiveDate::from_ymd_opt(date.year(), month, 1).unwrap_or(date);
        match self {
            Period::Day => date,
            Period::Week => date - Duration::days(i64::from(date.weekday().num_days_from_monday())),
            Period::Month => first(date.month()),
            Period::Quarter => first(date.month0() / 3 * 3 + 1),
            Period::Year => first(1),
        }
    }

    /// The first day of the period after the one that starts on `start`.
    pub fn next(self, start: NaiveDate) -> NaiveDate {
        let months = |n| start.checked_add_months(Months::new(n)).unwrap_or(NaiveDate::MAX);
        match self {
            Period::Day => start.succ_opt().unwrap_or(NaiveDate::MAX),
            Period::Week => start.checked_add_signed(Duration::days(7)).unwrap_or(NaiveDate::MAX),
            Period::Month => months(1),
            Period::Quarter => months(3),
            Period::Year => months(12),
        }
    }

    /// How many periods a report shows by default (ending with the current one).
    pub fn default_count(self) -> u32 {
        match self {
            Period::Day => 30,
            Period::Week => 12,
            Period::Month => 12,
            Period::Quarter => 8,
            Period::Year => 5,
        }
    }

    /// The name of the period starting on `start`: `2026-11-28`, `2026-W48`, `Nov 2026`,
    /// `Q4 2026`, `2026`.
    pub fn name(self, start: NaiveDate) -> String {
        match self {
            Period::Day => start.format("%Y-%m-%d").to_string(),
            Period::Week => {
                let week = start.iso_week();
                format!("{}-W{:02}", week.year(), week.week())
            }
            Period::Month => start.format("%b %Y").to_string(),
            Period::Quarter => format!("Q{} {}", start.month0() / 3 + 1, start.year()),
            Period::Year => start.year().to_string(),
        }
    }

    /// The start of each period from the one containing `from` to the one containing `to`;
    /// `None` when that is more than [`MAX_BUCKETS`].
    pub fn buckets(self, from: NaiveDate, to: NaiveDate) -> Option<Vec<NaiveDate>> {
        let mut starts = Vec::new();
        let mut start = self.start_of(from);
        while start <= to {
            if starts.len() == MAX_BUCKETS {
                return None;
            }
            starts.push(start);
            let next = self.next(start);
            if next == start {
                break;
            }
            start = next;
        }
        Some(starts)
    }
}

/// An inclusive range of local dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct DateRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DateRange {
    /// The whole calendar month containing `day`.
    pub fn month_of(day: NaiveDate) -> DateRange {
        let from = Period::Month.start_of(day);
        DateRange { from, to: Period::Month.next(from).pred_opt().unwrap_or(from) }
    }

    /// The whole calendar month before the one containing `day`.
    pub fn previous_month(day: NaiveDate) -> DateRange {
        let first = Period::Month.start_of(day);
        DateRange::month_of(first.pred_opt().unwrap_or(first))
    }

    /// The first day after the range.
    pub fn end(self) -> NaiveDate {
        self.to.succ_opt().unwrap_or(NaiveDate::MAX)
    }
}

/// Query parameters of the analytics endpoints, as they arrive. Each endpoint reads the ones
/// it documents: `period`, `from`, `to` (dates `YYYY-MM-DD`, inclusive, in the organization's
/// time zone), `pipeline_id`, `limit`; a `period` it does not know is refused by every one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct AnalyticsQuery {
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<Period>"))]
    pub period: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub pipeline_id: Option<String>,
    pub limit: Option<String>,
}

impl AnalyticsQuery {
    /// Period (default month), range and bucket starts of a revenue report: by default the
    /// last [`Period::default_count`] periods up to `today`; at most [`MAX_BUCKETS`] periods.
    pub fn revenue(&self, today: NaiveDate) -> Result<(Period, DateRange, Vec<NaiveDate>), AppError> {
        let mut c = Check::new();
        let period = c.one_of("period", self.period.as_deref()).unwrap_or(Period::Month);
        let range = self.bounds(&mut c, today, |to| {
            (1..period.default_count())
                .fold(period.start_of(to), |first, _| period.start_of(first.pred_opt().unwrap_or(first)))
        });
        let buckets = period.buckets(range.from, range.to).unwrap_or_else(|| {
            c.add("from", format!("too long a range for {} buckets: at most {MAX_BUCKETS}", period.as_str()));
            Vec::new()
        });
        c.finish((period, range, buckets))
    }

    /// A check that has looked at `period` (for the endpoints that do not read it).
    fn check(&self) -> Check {
        let mut c = Check::new();
        let _: Option<Period> = c.one_of("period", self.period.as_deref());
        c
    }

    /// The range of an employee report: by default the current month up to `today`.
    pub fn range(&self, today: NaiveDate) -> Result<DateRange, AppError> {
        let mut c = self.check();
        let range = self.bounds(&mut c, today, |to| Period::Month.start_of(to));
        c.finish(range)
    }

    /// `limit` for top performers: 1 to [`MAX_TOP`], default 5.
    pub fn limit(&self) -> Result<i64, AppError> {
        let mut c = self.check();
        let limit = c.int("limit", self.limit.as_deref(), 1, MAX_TOP).unwrap_or(5);
        c.finish(limit)
    }

    /// `pipeline_id`, when given.
    pub fn pipeline(&self) -> Result<Option<i64>, AppError> {
        let mut c = self.check();
        let id = c.id("pipeline_id", self.pipeline_id.as_deref());
        c.finish(id)
    }

    /// `from` and `to` as sent, checked (dates from 1900 to 9999, `from` not after `to`);
    /// `to` defaults to `today` and `from` to `default_from(to)`.
    fn bounds(&self, c: &mut Check, today: NaiveDate, default_from: impl Fn(NaiveDate) -> NaiveDate) -> DateRange {
        let mut date = |field: &str, value: Option<&str>| {
            let d = c.date(field, value)?;
            if (1900..=9999).contains(&d.year()) {
                Some(d)
            } else {
                c.add(field, "must be a date from 1900 to 9999");
                None
            }
        };
        let sent_from = date("from", self.from.as_deref());
        let sent_to = date("to", self.to.as_deref());
        let to = sent_to.unwrap_or(today);
        let from = sent_from.unwrap_or_else(|| default_from(to));
        if from > to {
            let field = if sent_to.is_some() { "to" } else { "from" };
            c.add(field, if sent_to.is_some() { "must not be before from" } else { "must not be after today" });
        }
        DateRange { from, to }
    }
}

/// A number of records and their amount.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct CountAmount {
    pub count: i64,
    pub amount: Decimal,
}

/// The organization at a glance (SPEC §5), within the caller's scope.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Dashboard {
    pub currency: String,
    pub time_zone: String,
    /// Today in the organization's time zone: "this month" is the month of this day.
    pub today: NaiveDate,
    pub customers: i64,
    pub active_customers: i64,
    pub new_customers_this_month: i64,
    pub leads: i64,
    /// New, contacted or qualified.
    pub open_leads: i64,
    pub new_leads_this_month: i64,
    pub open_deals: CountAmount,
    /// Σ value × probability / 100 over open deals.
    pub weighted_pipeline: Decimal,
    /// Deals won this month (by close date).
    pub won_this_month: CountAmount,
    pub won_last_month: CountAmount,
    /// Change of won revenue from last month, in percent with one decimal (`None` when last
    /// month had none).
    pub won_change_percent: Option<Decimal>,
    /// Won / (won + lost) over all closed deals, in percent with one decimal.
    pub win_rate: Decimal,
    /// Orders not cancelled, dated this month, and the sales (not purchase) part of their total.
    pub orders_this_month: i64,
    pub order_revenue_this_month: Decimal,
    /// Incoming payments pending or processing, and the overdue part of them.
    pub outstanding_payments: CountAmount,
    pub overdue_payments: CountAmount,
    /// Incoming payments completed this month.
    pub received_this_month: CountAmount,
    /// Open or in progress.
    pub open_issues: i64,
    pub urgent_issues: i64,
    pub overdue_activities: i64,
    pub activities_completed_this_month: i64,
}

impl Dashboard {
    /// Fills in the derived figures (change from last month).
    pub fn finish(mut self) -> Dashboard {
        let last = self.won_last_month.amount;
        self.won_change_percent = (!last.is_zero()).then(|| percent(self.won_this_month.amount - last, last));
        self
    }
}

/// The caller's own figures: what is assigned to them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct QuickStats {
    pub currency: String,
    /// The caller's employee record (`None`: they are no employee, so every figure is 0).
    pub employee_id: Option<i64>,
    pub customers: i64,
    pub open_leads: i64,
    pub open_deals: CountAmount,
    pub won_this_month: CountAmount,
    pub overdue_activities: i64,
    pub open_issues: i64,
}

impl QuickStats {
    pub fn from_dashboard(employee_id: Option<i64>, d: Dashboard) -> QuickStats {
        QuickStats {
            currency: d.currency,
            employee_id,
            customers: d.customers,
            open_leads: d.open_leads,
            open_deals: d.open_deals,
            won_this_month: d.won_this_month,
            overdue_activities: d.overdue_activities,
            open_issues: d.open_issues,
        }
    }
}

/// One step of the sales funnel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct FunnelStep {
    /// `lead:<status>`, `stage:<id>` or `won`.
    pub key: String,
    pub label: String,
    pub count: i64,
    /// Deal value (0 for lead steps).
    pub value: Decimal,
}

/// Leads by status → open deals by stage of one pipeline → won.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Funnel {
    pub currency: String,
    pub pipeline_id: i64,
    pub pipeline_name: String,
    pub steps: Vec<FunnelStep>,
    pub lost: i64,
    /// Converted leads out of all leads, percent.
    pub lead_conversion_rate: Decimal,
    /// Won / (won + lost) in this pipeline, percent.
    pub win_rate: Decimal,
}

/// Revenue of one period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct RevenueBucket {
    pub start: NaiveDate,
    pub label: String,
    /// Deals won (by close date).
    pub won: CountAmount,
    /// Incoming payments completed (by payment date, else the day they were processed).
    pub received: CountAmount,
}

/// Revenue by period (SPEC §5).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct RevenueReport {
    pub currency: String,
    pub time_zone: String,
    pub period: Option<Period>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub buckets: Vec<RevenueBucket>,
    pub total_won: CountAmount,
    pub total_received: CountAmount,
}

impl RevenueReport {
    /// Puts `(day, count, amount)` sums into the buckets starting on `starts`, and totals them.
    pub fn build(
        currency: &str,
        time_zone: &str,
        period: Period,
        range: DateRange,
        starts: &[NaiveDate],
        won: &[(NaiveDate, i64, Decimal)],
        received: &[(NaiveDate, i64, Decimal)],
    ) -> RevenueReport {
        let zero = CountAmount { count: 0, amount: crate::domain::money::from_minor(0, currency) };
        let mut buckets: Vec<RevenueBucket> = starts
            .iter()
            .map(|&start| RevenueBucket { start, label: period.name(start), won: zero.clone(), received: zero.clone() })
            .collect();
        let mut add =
            |day: NaiveDate, count: i64, amount: Decimal, slot: fn(&mut RevenueBucket) -> &mut CountAmount| {
                if day < range.from || day > range.to {
                    return;
                }
                let i = buckets.partition_point(|b| b.start <= day);
                if let Some(bucket) = i.checked_sub(1).and_then(|i| buckets.get_mut(i)) {
                    let s = slot(bucket);
                    s.count += count;
                    s.amount += amount;
                }
            };
        for &(day, count, amount) in won {
            add(day, count, amount, |b| &mut b.won);
        }
        for &(day, count, amount) in received {
            add(day, count, amount, |b| &mut b.received);
        }
        let total = |slot: fn(&RevenueBucket) -> &CountAmount| CountAmount {
            count: buckets.iter().map(|b| slot(b).count).sum(),
            amount: buckets.iter().map(|b| slot(b).amount).fold(zero.amount, |a, b| a + b),
        };
        RevenueReport {
            currency: currency.to_owned(),
            time_zone: time_zone.to_owned(),
            period: Some(period),
            from: Some(range.from),
            to: Some(range.to),
            total_won: total(|b| &b.won),
            total_received: total(|b| &b.received),
            buckets,
        }
    }
}

/// One employee's results over a date range.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct EmployeePerformance {
    pub employee_id: i64,
    pub name: String,
    pub department: Option<String>,
    pub deals_won: i64,
    /// Value of the deals won.
    pub revenue: Decimal,
    pub deals_lost: i64,
    /// Won / (won + lost) in the range, percent.
    pub win_rate: Decimal,
    pub activities_completed: i64,
    pub leads_converted: i64,
}

/// Employee performance over a date range, best revenue first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct PerformanceReport {
    pub currency: String,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub employees: Vec<EmployeePerformance>,
}

/// `part / whole` in percent, one decimal, rounded half away from zero; 0 when `whole` is 0.
pub fn percent(part: Decimal, whole: Decimal) -> Decimal {
    if whole.is_zero() {
        return Decimal::new(0, 1);
    }
    let mut p = (part * Decimal::from(100) / whole)
        .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    p.rescale(1);
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn periods_start_on_their_calendar_boundaries() {
        let day = d("2026-11-28"); // a Saturday
        assert_eq!(Period::Day.start_of(day), day);
        assert_eq!(Period::Week.start_of(day), d("2026-11-23"));
        assert_eq!(Period::Month.start_of(day), d("2026-11-01"));
        assert_eq!(Period::Quarter.start_of(day), d("2026-10-01"));
        assert_eq!(Period::Quarter.start_of(d("2026-03-31")), d("2026-01-01"));
        assert_eq!(Period::Year.start_of(day), d("2026-01-01"));
        assert_eq!(Period::Month.next(d("2026-01-01")), d("2026-02-01"));
        assert_eq!(Period::Quarter.next(d("2026-10-01")), d("2027-01-01"));
        assert_eq!(Period::Week.name(d("2026-11-23")), "2026-W48");
        assert_eq!(Period::Week.name(d("2026-12-28")), "2026-W53");
        assert_eq!(Period::Quarter.name(d("2026-10-01")), "Q4 2026");
        assert_eq!(Period::Month.name(d("2026-02-01")), "Feb 2026");
    }

    #[test]
    fn months_are_whole_calendar_months() {
        let month = |from: &str, to: &str| DateRange { from: d(from), to: d(to) };
        assert_eq!(DateRange::month_of(d("2026-11-28")), month("2026-11-01", "2026-11-30"));
        assert_eq!(DateRange::month_of(d("2028-02-01")), month("2028-02-01", "2028-02-29"));
        assert_eq!(DateRange::previous_month(d("2026-11-28")), month("2026-10-01", "2026-10-31"));
        assert_eq!(DateRange::previous_month(d("2026-01-31")), month("2025-12-01", "2025-12-31"));
    }

    #[test]
    fn buckets_cover_the_range_and_are_capped() {
        let b = Period::Month.buckets(d("2026-01-15"), d("2026-04-02")).unwrap();
        assert_eq!(b, vec![d("2026-01-01"), d("2026-02-01"), d("2026-03-01"), d("2026-04-01")]);
        assert_eq!(Period::Day.buckets(d("2025-01-01"), d("2026-02-04")).unwrap().len(), 400);
        assert!(Period::Day.buckets(d("2025-01-01"), d("2026-02-05")).is_none());
        assert!(Period::Month.buckets(d("2026-03-01"), d("2026-01-01")).unwrap().is_empty());
    }

    #[test]
    fn revenue_defaults_to_the_last_periods_up_to_today() {
        let today = d("2026-11-28");
        let (period, range, buckets) = AnalyticsQuery::default().revenue(today).unwrap();
        assert_eq!(period, Period::Month);
        assert_eq!(range, DateRange { from: d("2025-12-01"), to: today });
        assert_eq!(buckets.len(), 12);
        let q = AnalyticsQuery { period: Some("week".into()), ..Default::default() };
        let (_, range, buckets) = q.revenue(today).unwrap();
        assert_eq!((range.from, buckets.len()), (d("2026-09-07"), 12));
    }

    #[test]
    fn bad_analytics_parameters_name_their_field() {
        let today = d("2026-11-28");
        fn fields<T: std::fmt::Debug>(r: Result<T, AppError>) -> Vec<String> {
            match r {
                Err(AppError::Validation(details)) => details.keys().cloned().collect(),
                other => panic!("expected a validation error, got {other:?}"),
            }
        }
        let q = |period: &str, from: &str, to: &str| AnalyticsQuery {
            period: Some(period.into()),
            from: Some(from.into()),
            to: Some(to.into()),
            ..Default::default()
        };
        assert_eq!(fields(q("fortnight", "", "").revenue(today)), ["period"]);
        assert_eq!(fields(q("fortnight", "", "").range(today)), ["period"], "refused where it is not read too");
        assert_eq!(fields(q("fortnight", "", "").pipeline()), ["period"]);
        assert_eq!(fields(q("day", "2026-13-01", "").revenue(today)), ["from"]);
        assert_eq!(fields(q("day", "2026-05-01", "2026-04-01").revenue(today)), ["to"]);
        assert_eq!(fields(q("day", "2020-01-01", "2026-01-01").revenue(today)), ["from"]);
        assert_eq!(fields(q("", "2026-12-01", "").range(today)), ["from"]);
        assert_eq!(fields(q("", "12026-01-01", "").range(today)), ["from"]);
        let limit = AnalyticsQuery { limit: Some("51".into()), ..Default::default() };
        assert_eq!(fields(limit.limit()), ["limit"]);
    }

    #[test]
    fn revenue_sums_fall_into_their_buckets() {
        let range = DateRange { from: d("2026-01-10"), to: d("2026-03-31") };
        let starts = Period::Month.buckets(range.from, range.to).unwrap();
        let dec = |s: &str| s.parse::<Decimal>().unwrap();
        let won = [
            (d("2026-01-09"), 1, dec("999")), // before the range
            (d("2026-01-10"), 2, dec("100.50")),
            (d("2026-03-31"), 1, dec("20")),
        ];
        let received = [(d("2026-02-14"), 3, dec("7.25"))];
        let r = RevenueReport::build("USD", "UTC", Period::Month, range, &starts, &won, &received);
        let won: Vec<_> = r.buckets.iter().map(|b| (b.label.as_str(), b.won.count, b.won.amount)).collect();
        assert_eq!(won, [("Jan 2026", 2, dec("100.50")), ("Feb 2026", 0, dec("0")), ("Mar 2026", 1, dec("20"))]);
        assert_eq!(r.buckets[1].received, CountAmount { count: 3, amount: dec("7.25") });
        assert_eq!(r.total_won, CountAmount { count: 3, amount: dec("120.50") });
    }

    #[test]
    fn change_from_last_month_is_a_percentage_or_none() {
        let money = |amount: i64| CountAmount { count: 1, amount: Decimal::from(amount) };
        let d = Dashboard { won_this_month: money(150), won_last_month: money(100), ..Default::default() }.finish();
        assert_eq!(d.won_change_percent, Some("50.0".parse().unwrap()));
        let d = Dashboard { won_this_month: money(150), ..Default::default() }.finish();
        assert_eq!(d.won_change_percent, None);
        assert_eq!(percent(Decimal::from(1), Decimal::from(3)).to_string(), "33.3");
    }
}
