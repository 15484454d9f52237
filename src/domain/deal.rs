//! Deals: an opportunity with a customer, travelling through the stages of a pipeline.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::domain::csv::Column;
use crate::domain::list::ListParams;
use crate::domain::pipeline::{Pipeline, Stage};
use crate::domain::validate::{parse_tags, Check};
use crate::error::AppError;

crate::string_enum!(
    /// How urgent a deal is.
    DealPriority {
        Low = "low" / "Low",
        Medium = "medium" / "Medium",
        High = "high" / "High",
        Urgent = "urgent" / "Urgent",
    }
);

crate::string_enum!(
    /// Whether a deal is still being worked on.
    DealStatus {
        Open = "open" / "Open",
        Won = "won" / "Won",
        Lost = "lost" / "Lost",
    }
);

/// A deal as shown to clients.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Deal {
    pub id: i64,
    #[serde(flatten)]
    pub fields: DealFields,
    pub status: DealStatus,
    pub actual_close_date: Option<NaiveDate>,
    pub lost_reason: Option<String>,
    pub customer_name: Option<String>,
    pub pipeline_name: String,
    pub stage_name: String,
    pub assigned_to_name: Option<String>,
    /// Currency of `value` (the organization's).
    pub currency: String,
    /// `value × probability / 100`, rounded to the currency's minor unit.
    pub expected_revenue: Decimal,
    /// The lead this deal came from, if it was created by converting one.
    pub lead_id: Option<i64>,
    pub stage_entered_at: DateTime<Utc>,
    pub created_by: Option<i64>,
    pub updated_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Incremented on every change (for optimistic concurrency).
    pub version: i64,
}

/// The editable fields of a deal, validated. Stage changes go through "move" rules
/// (probability follows the stage; a won/lost stage closes the deal).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct DealFields {
    pub title: String,
    pub description: Option<String>,
    pub customer_id: Option<i64>,
    pub pipeline_id: i64,
    pub stage_id: i64,
    pub value: Decimal,
    /// 0–100.
    pub probability: i64,
    pub priority: DealPriority,
    pub expected_close_date: Option<NaiveDate>,
    pub assigned_to: Option<i64>,
    pub tags: Vec<String>,
}

impl Default for DealFields {
    fn default() -> Self {
        DealFields {
            title: String::new(),
            description: None,
            customer_id: None,
            pipeline_id: 0,
            stage_id: 0,
            value: Decimal::ZERO,
            probability: 0,
            priority: DealPriority::Medium,
            expected_close_date: None,
            assigned_to: None,
            tags: Vec::new(),
        }
    }
}

impl DealFields {
    /// What search looks through: the title and the customer's name, lower-cased.
    pub fn search_text(&self, customer_name: Option<&str>) -> String {
        [Some(self.title.as_str()), customer_name]
            .into_iter()
            .flatten()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// `value × probability / 100`, rounded to `digits` decimal places.
pub fn expected_revenue(value: Decimal, probability: i64, digits: u32) -> Decimal {
    (value * Decimal::from(probability) / Decimal::from(100)).round_dp(digits)
}

/// Create/update input as it arrives (text only). On update, a field not sent keeps its value.
/// On create, `pipeline_id` defaults to the default pipeline, `stage_id` to its first stage and
/// `probability` to the stage's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct DealInput {
    pub title: Option<String>,
    pub description: Option<String>,
    pub customer_id: Option<String>,
    pub pipeline_id: Option<String>,
    pub stage_id: Option<String>,
    pub value: Option<String>,
    pub probability: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<DealPriority>"))]
    pub priority: Option<String>,
    pub expected_close_date: Option<String>,
    /// Employee id.
    pub assigned_to: Option<String>,
    /// Comma-separated.
    pub tags: Option<String>,
}

impl DealInput {
    /// Applies this input on top of `base`, validating every field sent. Ids are only checked
    /// for shape here; that they belong to the organization is the server's job.
    pub fn apply_to(&self, mut base: DealFields) -> Result<DealFields, AppError> {
        let mut c = Check::new();
        if let Some(v) = self.title.as_deref() {
            base.title = c.required("title", Some(v), 200);
        } else if base.title.is_empty() {
            c.add("title", "is required");
        }
        if let Some(v) = self.description.as_deref() {
            base.description = c.optional("description", Some(v), 10_000);
        }
        if let Some(v) = self.customer_id.as_deref() {
            base.customer_id = c.id("customer_id", Some(v));
        }
        if let Some(id) = c.id("pipeline_id", self.pipeline_id.as_deref()) {
            base.pipeline_id = id;
        }
        if let Some(id) = c.id("stage_id", self.stage_id.as_deref()) {
            base.stage_id = id;
        }
        if let Some(v) = self.value.as_deref() {
            base.value = c.money("value", Some(v)).unwrap_or(Decimal::ZERO);
        }
        if let Some(p) = c.int("probability", self.probability.as_deref(), 0, 100) {
            base.probability = p;
        }
        if let Some(p) = c.one_of("priority", self.priority.as_deref()) {
            base.priority = p;
        }
        if let Some(v) = self.expected_close_date.as_deref() {
            base.expected_close_date = c.date("expected_close_date", Some(v));
        }
        if let Some(v) = self.assigned_to.as_deref() {
            base.assigned_to = c.id("assigned_to", Some(v));
        }
        if let Some(tags) = parse_tags(&mut c, "tags", self.tags.as_deref()) {
            base.tags = tags;
        }
        c.finish(base)
    }
}

/// The columns of a deals export.
pub const CSV_COLUMNS: &[Column<Deal>] = &[
    crate::col!("id", |c| c.id),
    crate::col!("title", |c| c.fields.title),
    crate::col!("customer_id", |c| c.fields.customer_id),
    crate::col!("customer_name", |c| c.customer_name),
    crate::col!("pipeline", |c| c.pipeline_name),
    crate::col!("stage", |c| c.stage_name),
    crate::col!("status", |c| c.status.as_str()),
    crate::col!("value", |c| c.fields.value),
    crate::col!("currency", |c| c.currency),
    crate::col!("probability", |c| c.fields.probability),
    crate::col!("expected_revenue", |c| c.expected_revenue),
    crate::col!("priority", |c| c.fields.priority.as_str()),
    crate::col!("expected_close_date", |c| c.fields.expected_close_date),
    crate::col!("actual_close_date", |c| c.actual_close_date),
    crate::col!("lost_reason", |c| c.lost_reason),
    crate::col!("assigned_to", |c| c.fields.assigned_to),
    crate::col!("assigned_to_name", |c| c.assigned_to_name),
    crate::col!("tags", |c| c.fields.tags),
    crate::col!("description", |c| c.fields.description),
    crate::col!("created_at", |c| c.created_at),
    crate::col!("updated_at", |c| c.updated_at),
];

/// Fields a deal list can be ordered by; the first is the default (newest first).
pub const SORTABLE: &[&str] =
    &["created_at", "title", "value", "probability", "expected_close_date", "stage_entered_at", "updated_at"];

/// List query as it arrives (query string): text only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct DealQuery {
    pub search: Option<String>,
    pub pipeline: Option<String>,
    pub stage: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<DealStatus>"))]
    pub status: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<DealPriority>"))]
    pub priority: Option<String>,
    pub assigned_to: Option<String>,
    pub customer: Option<String>,
    pub value_min: Option<String>,
    pub value_max: Option<String>,
    pub close_from: Option<String>,
    pub close_to: Option<String>,
    pub ordering: Option<String>,
    pub page: Option<String>,
    pub page_size: Option<String>,
}

/// Validated deal list filters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DealFilter {
    pub search: Option<String>,
    pub pipeline: Option<i64>,
    pub stage: Option<i64>,
    pub status: Option<DealStatus>,
    pub priority: Option<DealPriority>,
    pub assigned_to: Option<i64>,
    pub customer: Option<i64>,
    pub value_min: Option<Decimal>,
    pub value_max: Option<Decimal>,
    /// Expected close date range, inclusive.
    pub close_from: Option<NaiveDate>,
    pub close_to: Option<NaiveDate>,
}

impl DealQuery {
    pub fn validate(&self) -> Result<(DealFilter, ListParams), AppError> {
        let mut c = Check::new();
        let filter = DealFilter {
            search: c.optional("search", self.search.as_deref(), 200),
            pipeline: c.id("pipeline", self.pipeline.as_deref()),
            stage: c.id("stage", self.stage.as_deref()),
            status: c.one_of("status", self.status.as_deref()),
            priority: c.one_of("priority", self.priority.as_deref()),
            assigned_to: c.id("assigned_to", self.assigned_to.as_deref()),
            customer: c.id("customer", self.customer.as_deref()),
            value_min: c.money("value_min", self.value_min.as_deref()),
            value_max: c.money("value_max", self.value_max.as_deref()),
            close_from: c.date("close_from", self.close_from.as_deref()),
            close_to: c.date("close_to", self.close_to.as_deref()),
        };
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

/// Validates the reason a deal was lost.
pub fn validate_lost_reason(reason: Option<&str>) -> Result<String, AppError> {
    let mut c = Check::new();
    let reason = c.required("reason", reason, 1000);
    c.finish(reason)
}

/// Deal figures (within the caller's scope, optionally one pipeline).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct DealStats {
    pub currency: String,
    pub open_count: i64,
    pub open_value: Decimal,
    /// Σ value × probability / 100 over open deals.
    pub weighted_value: Decimal,
    pub won_count: i64,
    pub won_value: Decimal,
    pub lost_count: i64,
    /// Won / (won + lost), in percent with one decimal; 0 when nothing is closed.
    pub win_rate: Decimal,
    /// Average value of won deals; 0 when none.
    pub average_deal_size: Decimal,
    pub by_stage: Vec<StageTotal>,
}

/// Deals in one stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct StageTotal {
    pub stage_id: i64,
    pub name: String,
    pub count: i64,
    pub value: Decimal,
}

/// The kanban board of a pipeline: every stage with its totals and its first cards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Board {
    pub pipeline: Pipeline,
    pub currency: String,
    pub columns: Vec<BoardColumn>,
}

/// One column of the board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct BoardColumn {
    pub stage: Stage,
    /// Deals in the stage (all of them, not only the cards shown).
    pub count: i64,
    pub total_value: Decimal,
    /// The first [`BOARD_CARDS`] deals, longest in the stage first.
    pub cards: Vec<DealCard>,
}

/// Cards shown per column.
pub const BOARD_CARDS: i64 = 50;

/// A deal on the board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct DealCard {
    pub id: i64,
    pub title: String,
    pub customer_id: Option<i64>,
    pub customer_name: Option<String>,
    pub value: Decimal,
    pub assigned_to_name: Option<String>,
    pub status: DealStatus,
    pub days_in_stage: i64,
    pub version: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn a_deal_needs_a_title_and_valid_fields() {
        let err = DealInput::default().apply_to(DealFields::default()).unwrap_err();
        assert_eq!(err.field_error("title").as_deref(), Some("is required"));
        let bad = DealInput {
            title: Some("Big one".into()),
            value: Some("-1".into()),
            probability: Some("150".into()),
            priority: Some("whenever".into()),
            expected_close_date: Some("31/12/2026".into()),
            stage_id: Some("abc".into()),
            ..Default::default()
        };
        let err = bad.apply_to(DealFields::default()).unwrap_err();
        for field in ["value", "probability", "priority", "expected_close_date", "stage_id"] {
            assert!(err.field_error(field).is_some(), "{field} should be reported");
        }
    }

    #[test]
    fn money_stays_exact() {
        let f = DealInput { title: Some("T".into()), value: Some("1234.56".into()), ..Default::default() }
            .apply_to(DealFields::default())
            .unwrap();
        assert_eq!(f.value.to_string(), "1234.56");
        assert_eq!(expected_revenue(f.value, 25, 2), Decimal::from_str("308.64").unwrap());
        assert_eq!(expected_revenue(Decimal::from_str("0.1").unwrap(), 50, 2), Decimal::from_str("0.05").unwrap());
    }

    #[test]
    fn list_filters_are_validated() {
        let q = DealQuery { value_min: Some("10".into()), close_to: Some("2026-12-31".into()), ..Default::default() };
        let (f, _) = q.validate().unwrap();
        assert_eq!(f.value_min, Some(Decimal::from(10)));
        assert_eq!(f.close_to, NaiveDate::from_ymd_opt(2026, 12, 31));
        let q = DealQuery { status: Some("pending".into()), ordering: Some("-nope".into()), ..Default::default() };
        let err = q.validate().unwrap_err();
        assert!(err.field_error("status").is_some() && err.field_error("ordering").is_some());
    }

    #[test]
    fn a_lost_deal_needs_a_reason() {
        assert!(validate_lost_reason(None).is_err());
        assert!(validate_lost_reason(Some("  ")).is_err());
        assert_eq!(validate_lost_reason(Some("Too pricey")).unwrap(), "Too pricey");
    }
}
