//! Leads: people who might become customers, qualified (or not) before they are converted.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::domain::csv::{Column, ImportField};
use crate::domain::list::ListParams;
use crate::domain::validate::Check;
use crate::error::AppError;

crate::string_enum!(
    /// Where a lead came from.
    LeadSource {
        Website = "website" / "Website",
        Referral = "referral" / "Referral",
        SocialMedia = "social_media" / "Social media",
        EmailCampaign = "email_campaign" / "Email campaign",
        ColdCall = "cold_call" / "Cold call",
        Event = "event" / "Event",
        Partner = "partner" / "Partner",
        Other = "other" / "Other",
    }
);

crate::string_enum!(
    /// How far a lead has come.
    LeadStatus {
        New = "new" / "New",
        Contacted = "contacted" / "Contacted",
        Qualified = "qualified" / "Qualified",
        Unqualified = "unqualified" / "Unqualified",
        Converted = "converted" / "Converted",
        Lost = "lost" / "Lost",
    }
);

impl LeadStatus {
    /// Statuses an update may set; the others have their own actions (qualify, disqualify,
    /// convert), which keep their side data (the reason, the customer) consistent.
    pub const EDITABLE: &'static [LeadStatus] = &[LeadStatus::New, LeadStatus::Contacted, LeadStatus::Lost];
}

/// A lead as shown to clients: the editable fields and what the server keeps about them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Lead {
    pub id: i64,
    #[serde(flatten)]
    pub fields: LeadFields,
    pub status: LeadStatus,
    /// Why the lead was disqualified (while it is `unqualified`).
    pub disqualify_reason: Option<String>,
    /// The customer this lead became, once converted.
    pub converted_customer_id: Option<i64>,
    pub converted_at: Option<DateTime<Utc>>,
    pub assigned_to_name: Option<String>,
    /// Currency of `estimated_value` (the organization's).
    pub currency: String,
    pub created_by: Option<i64>,
    pub updated_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Incremented on every change (for optimistic concurrency).
    pub version: i64,
}

impl Lead {
    /// First and last name.
    pub fn full_name(&self) -> String {
        self.fields.full_name()
    }
}

/// The editable fields of a lead, validated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct LeadFields {
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub job_title: Option<String>,
    pub source: LeadSource,
    /// 0–100.
    pub score: i64,
    pub estimated_value: Option<Decimal>,
    pub assigned_to: Option<i64>,
    pub street: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub notes: Option<String>,
}

impl Default for LeadFields {
    fn default() -> Self {
        LeadFields {
            first_name: String::new(),
            last_name: String::new(),
            email: None,
            phone: None,
            company: None,
            job_title: None,
            source: LeadSource::Other,
            score: 0,
            estimated_value: None,
            assigned_to: None,
            street: None,
            city: None,
            state: None,
            postal_code: None,
            country: None,
            notes: None,
        }
    }
}

impl LeadFields {
    /// First and last name.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name).trim().to_owned()
    }

    /// What search looks through: the name, email and company, lower-cased.
    pub fn search_text(&self) -> String {
        [Some(self.full_name()), self.email.clone(), self.company.clone()]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .map(|s| s.to_lowercase())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The customer a lead becomes: a business when it names a company, else an individual.
    pub fn to_customer(&self) -> crate::domain::customer::CustomerFields {
        use crate::domain::customer::{CustomerFields, CustomerStatus, CustomerType};
        CustomerFields {
            name: self.full_name(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            company_name: self.company.clone(),
            customer_type: if self.company.is_some() { CustomerType::Business } else { CustomerType::Individual },
            status: CustomerStatus::Active,
            source: Some(self.source.as_str().to_owned()),
            street: self.street.clone(),
            city: self.city.clone(),
            state: self.state.clone(),
            postal_code: self.postal_code.clone(),
            country: self.country.clone(),
            assigned_to: self.assigned_to,
            notes: self.notes.clone(),
            ..CustomerFields::default()
        }
    }
}

/// Create/update input as it arrives from a form, a query string or JSON: text only.
/// On update, a field that is not sent keeps its value; a field sent empty is cleared.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct LeadInput {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub job_title: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<LeadSource>"))]
    pub source: Option<String>,
    /// Only `new`, `contacted` or `lost` (or the current status, unchanged): qualify,
    /// disqualify and convert have their own calls.
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<LeadStatus>"))]
    pub status: Option<String>,
    pub score: Option<String>,
    pub estimated_value: Option<String>,
    /// Employee id.
    pub assigned_to: Option<String>,
    pub street: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub notes: Option<String>,
}

impl LeadInput {
    /// Applies this input on top of `base` (defaults when creating), validating every field
    /// sent. `status` is not a field of [`LeadFields`]: see [`LeadInput::apply_with_status`].
    pub fn apply_to(&self, base: LeadFields) -> Result<LeadFields, AppError> {
        let mut c = Check::new();
        let fields = self.check_fields(&mut c, base);
        c.finish(fields)
    }

    /// Applies the fields and the status change (from `current`) at once, reporting every
    /// problem of both.
    pub fn apply_with_status(
        &self,
        base: LeadFields,
        current: LeadStatus,
    ) -> Result<(LeadFields, LeadStatus), AppError> {
        let mut c = Check::new();
        let fields = self.check_fields(&mut c, base);
        let status = self.check_status(&mut c, current);
        c.finish((fields, status))
    }

    fn check_fields(&self, c: &mut Check, mut base: LeadFields) -> LeadFields {
        if let Some(v) = self.first_name.as_deref() {
            base.first_name = c.required("first_name", Some(v), 100);
        } else if base.first_name.is_empty() {
            c.add("first_name", "is required");
        }
        if let Some(v) = self.last_name.as_deref() {
            base.last_name = c.optional("last_name", Some(v), 100).unwrap_or_default();
        }
        if let Some(v) = self.email.as_deref() {
            base.email = c.email("email", Some(v));
        }
        crate::patch_text!(c, self, base, phone, 50);
        crate::patch_text!(c, self, base, company, 200);
        crate::patch_text!(c, self, base, job_title, 100);
        crate::patch_text!(c, self, base, street, 200);
        crate::patch_text!(c, self, base, city, 100);
        crate::patch_text!(c, self, base, state, 100);
        crate::patch_text!(c, self, base, postal_code, 20);
        crate::patch_text!(c, self, base, country, 100);
        crate::patch_text!(c, self, base, notes, 10_000);
        if let Some(s) = c.one_of("source", self.source.as_deref()) {
            base.source = s;
        }
        if let Some(s) = c.int("score", self.score.as_deref(), 0, 100) {
            base.score = s;
        }
        if let Some(v) = self.estimated_value.as_deref() {
            base.estimated_value = c.money("estimated_value", Some(v));
        }
        if let Some(v) = self.assigned_to.as_deref() {
            base.assigned_to = c.id("assigned_to", Some(v));
        }
        base
    }

    fn check_status(&self, c: &mut Check, current: LeadStatus) -> LeadStatus {
        let Some(wanted) = c.one_of::<LeadStatus>("status", self.status.as_deref()) else {
            return current;
        };
        if wanted == current {
            current
        } else if current == LeadStatus::Converted {
            c.add("status", "a converted lead keeps its status");
            current
        } else if LeadStatus::EDITABLE.contains(&wanted) {
            wanted
        } else {
            let how = match wanted {
                LeadStatus::Qualified => "use qualify",
                LeadStatus::Unqualified => "use disqualify (with a reason)",
                _ => "use convert",
            };
            c.add("status", format!("can be set to new, contacted or lost here; {how}"));
            current
        }
    }
}

/// What converting a lead made: the lead (now `converted`), its customer and, if asked, a deal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct LeadConversion {
    pub lead: Lead,
    pub customer: crate::domain::customer::Customer,
    pub deal: Option<crate::domain::deal::Deal>,
}

/// Validates a score sent on its own (`leads/update_score`): a whole number 0–100.
pub fn validate_score(score: Option<&str>) -> Result<i64, AppError> {
    let mut c = Check::new();
    let score = c.int("score", score, 0, 100);
    if score.is_none() && c.is_ok() {
        c.add("score", "is required");
    }
    c.finish(score.unwrap_or(0))
}

/// Validates the reason a lead is disqualified.
pub fn validate_disqualify_reason(reason: Option<&str>) -> Result<String, AppError> {
    let mut c = Check::new();
    let reason = c.required("reason", reason, 1000);
    c.finish(reason)
}

/// The columns a leads import takes (a header names them in any case, or by an alias).
pub const IMPORT_FIELDS: &[ImportField] = &[
    ImportField { name: "first_name", aliases: &["firstname", "given_name", "first"] },
    ImportField { name: "last_name", aliases: &["lastname", "surname", "family_name", "last"] },
    ImportField { name: "email", aliases: &["e_mail", "email_address", "mail"] },
    ImportField { name: "phone", aliases: &["telephone", "phone_number", "tel", "mobile"] },
    ImportField { name: "company", aliases: &["company_name", "organization", "organisation"] },
    ImportField { name: "job_title", aliases: &["title", "position"] },
    ImportField { name: "source", aliases: &["lead_source"] },
    ImportField { name: "status", aliases: &["lead_status"] },
    ImportField { name: "score", aliases: &["lead_score"] },
    ImportField { name: "estimated_value", aliases: &["value", "deal_value", "amount"] },
    ImportField { name: "assigned_to", aliases: &["assigned_to_id", "owner_id", "assignee_id"] },
    ImportField { name: "street", aliases: &["address", "street_address", "address_line_1"] },
    ImportField { name: "city", aliases: &["town"] },
    ImportField { name: "state", aliases: &["region", "province", "state_region"] },
    ImportField { name: "postal_code", aliases: &["zip", "zip_code", "postcode", "postal"] },
    ImportField { name: "country", aliases: &[] },
    ImportField { name: "notes", aliases: &["note", "comments", "description"] },
];

/// The columns of a leads export (`assigned_to` is the employee id, as imports take it).
pub const CSV_COLUMNS: &[Column<Lead>] = &[
    crate::col!("id", |c| c.id),
    crate::col!("first_name", |c| c.fields.first_name),
    crate::col!("last_name", |c| c.fields.last_name),
    crate::col!("email", |c| c.fields.email),
    crate::col!("phone", |c| c.fields.phone),
    crate::col!("company", |c| c.fields.company),
    crate::col!("job_title", |c| c.fields.job_title),
    crate::col!("source", |c| c.fields.source.as_str()),
    crate::col!("status", |c| c.status.as_str()),
    crate::col!("score", |c| c.fields.score),
    crate::col!("estimated_value", |c| c.fields.estimated_value),
    crate::col!("currency", |c| c.currency),
    crate::col!("assigned_to", |c| c.fields.assigned_to),
    crate::col!("assigned_to_name", |c| c.assigned_to_name),
    crate::col!("street", |c| c.fields.street),
    crate::col!("city", |c| c.fields.city),
    crate::col!("state", |c| c.fields.state),
    crate::col!("postal_code", |c| c.fields.postal_code),
    crate::col!("country", |c| c.fields.country),
    crate::col!("notes", |c| c.fields.notes),
    crate::col!("disqualify_reason", |c| c.disqualify_reason),
    crate::col!("converted_customer_id", |c| c.converted_customer_id),
    crate::col!("converted_at", |c| c.converted_at),
    crate::col!("created_at", |c| c.created_at),
    crate::col!("updated_at", |c| c.updated_at),
];

/// Fields a lead list can be ordered by; the first is the default (newest first).
pub const SORTABLE: &[&str] = &[
    "created_at",
    "first_name",
    "last_name",
    "company",
    "email",
    "status",
    "source",
    "score",
    "estimated_value",
    "updated_at",
];

/// List query as it arrives (query string): text only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct LeadQuery {
    pub search: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<LeadStatus>"))]
    pub status: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<LeadSource>"))]
    pub source: Option<String>,
    pub assigned_to: Option<String>,
    pub score_min: Option<String>,
    pub score_max: Option<String>,
    pub ordering: Option<String>,
    pub page: Option<String>,
    pub page_size: Option<String>,
}

/// Validated list filters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LeadFilter {
    pub search: Option<String>,
    pub status: Option<LeadStatus>,
    pub source: Option<LeadSource>,
    pub assigned_to: Option<i64>,
    /// Score range, inclusive.
    pub score_min: Option<i64>,
    pub score_max: Option<i64>,
}

impl LeadQuery {
    pub fn validate(&self) -> Result<(LeadFilter, ListParams), AppError> {
        let mut c = Check::new();
        let filter = LeadFilter {
            search: c.optional("search", self.search.as_deref(), 200),
            status: c.one_of("status", self.status.as_deref()),
            source: c.one_of("source", self.source.as_deref()),
            assigned_to: c.id("assigned_to", self.assigned_to.as_deref()),
            score_min: c.int("score_min", self.score_min.as_deref(), 0, 100),
            score_max: c.int("score_max", self.score_max.as_deref(), 0, 100),
        };
        if let (Some(min), Some(max)) = (filter.score_min, filter.score_max) {
            if min > max {
                c.add("score_max", "must not be below score_min");
            }
        }
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

/// Lead figures (within the caller's scope).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct LeadStats {
    pub total: i64,
    pub by_status: BTreeMap<String, i64>,
    pub by_source: BTreeMap<String, i64>,
    /// Converted leads out of all leads, in percent with one decimal; 0.0 without leads.
    pub conversion_rate: Decimal,
    /// Mean score, one decimal; 0.0 without leads.
    pub average_score: Decimal,
}

impl LeadStats {
    /// Builds the figures from `(status, source, count, sum of scores)` groups.
    pub fn from_groups(groups: impl IntoIterator<Item = (String, String, i64, i64)>) -> LeadStats {
        let mut stats = LeadStats::default();
        let mut score_sum = 0_i64;
        for (status, source, n, scores) in groups {
            *stats.by_status.entry(status).or_default() += n;
            *stats.by_source.entry(source).or_default() += n;
            stats.total += n;
            score_sum += scores;
        }
        let converted = stats.by_status.get(LeadStatus::Converted.as_str()).copied().unwrap_or(0);
        stats.conversion_rate = one_decimal(Decimal::from(converted) * Decimal::from(100), stats.total);
        stats.average_score = one_decimal(Decimal::from(score_sum), stats.total);
        stats
    }
}

/// `numerator / denominator` with exactly one decimal (half away from zero); 0.0 for 0.
fn one_decimal(numerator: Decimal, denominator: i64) -> Decimal {
    let mut d = if denominator == 0 {
        Decimal::ZERO
    } else {
        (numerator / Decimal::from(denominator)).round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
    };
    d.rescale(1);
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(first_name: &str) -> LeadInput {
        LeadInput { first_name: Some(first_name.into()), ..Default::default() }
    }

    #[test]
    fn a_new_lead_needs_a_first_name_and_gets_defaults() {
        let err = LeadInput::default().apply_to(LeadFields::default()).unwrap_err();
        assert_eq!(err.field_error("first_name").as_deref(), Some("is required"));
        let f = input(" Ada ").apply_to(LeadFields::default()).unwrap();
        assert_eq!((f.first_name.as_str(), f.last_name.as_str()), ("Ada", ""));
        assert_eq!((f.source, f.score, f.estimated_value), (LeadSource::Other, 0, None));
    }

    #[test]
    fn bad_values_are_reported_per_field() {
        let bad = LeadInput {
            email: Some("nope".into()),
            source: Some("tv".into()),
            score: Some("101".into()),
            estimated_value: Some("12.345".into()),
            assigned_to: Some("x".into()),
            ..input("Ada")
        };
        let err = bad.apply_to(LeadFields::default()).unwrap_err();
        for field in ["email", "source", "score", "estimated_value", "assigned_to"] {
            assert!(err.field_error(field).is_some(), "{field} should be reported");
        }
        let ok = LeadInput { score: Some("0".into()), ..input("A") }.apply_to(LeadFields::default()).unwrap();
        assert_eq!(ok.score, 0);
        let ok = LeadInput { score: Some("100".into()), ..input("A") }.apply_to(LeadFields::default()).unwrap();
        assert_eq!(ok.score, 100);
        assert!(LeadInput { score: Some("-1".into()), ..input("A") }.apply_to(LeadFields::default()).is_err());
    }

    #[test]
    fn an_update_keeps_fields_not_sent_and_clears_fields_sent_empty() {
        let base = LeadInput {
            company: Some("Acme".into()),
            city: Some("Oslo".into()),
            estimated_value: Some("1234.56".into()),
            ..input("Ada")
        }
        .apply_to(LeadFields::default())
        .unwrap();
        assert_eq!(base.estimated_value.map(|d| d.to_string()).as_deref(), Some("1234.56"));
        let after = LeadInput { city: Some(String::new()), ..Default::default() }.apply_to(base).unwrap();
        assert_eq!((after.first_name.as_str(), after.company.as_deref(), after.city), ("Ada", Some("Acme"), None));
    }

    #[test]
    fn update_may_set_only_some_statuses() {
        let with = |s: &str| LeadInput { status: Some(s.into()), ..Default::default() };
        let base = input("A").apply_to(LeadFields::default()).unwrap();
        let status = |s: &str, current| with(s).apply_with_status(base.clone(), current).map(|(_, st)| st);
        assert_eq!(status("contacted", LeadStatus::New).unwrap(), LeadStatus::Contacted);
        assert_eq!(status("lost", LeadStatus::Qualified).unwrap(), LeadStatus::Lost);
        assert_eq!(status("qualified", LeadStatus::Qualified).unwrap(), LeadStatus::Qualified, "unchanged is fine");
        for (wanted, current) in [
            ("converted", LeadStatus::New),
            ("qualified", LeadStatus::New),
            ("unqualified", LeadStatus::New),
            ("new", LeadStatus::Converted),
            ("bogus", LeadStatus::New),
        ] {
            let err = status(wanted, current).unwrap_err();
            assert!(err.field_error("status").is_some(), "{wanted} from {current}");
        }
        assert_eq!(with("").apply_with_status(base, LeadStatus::Lost).unwrap().1, LeadStatus::Lost);
    }

    #[test]
    fn scores_and_reasons_are_validated_on_their_own() {
        assert_eq!(validate_score(Some("0")).unwrap(), 0);
        assert_eq!(validate_score(Some(" 100 ")).unwrap(), 100);
        for bad in [Some("-1"), Some("101"), Some("5.5"), Some("abc"), Some(""), None] {
            assert!(validate_score(bad).unwrap_err().field_error("score").is_some(), "{bad:?}");
        }
        assert!(validate_disqualify_reason(None).is_err());
        assert!(validate_disqualify_reason(Some("  ")).is_err());
        assert_eq!(validate_disqualify_reason(Some(" No budget ")).unwrap(), "No budget");
    }

    #[test]
    fn list_queries_validate_filters_and_ordering() {
        let q = LeadQuery {
            status: Some("qualified".into()),
            source: Some("cold_call".into()),
            score_min: Some("10".into()),
            ordering: Some("-score".into()),
            ..Default::default()
        };
        let (filter, params) = q.validate().unwrap();
        assert_eq!(
            (filter.status, filter.source, filter.score_min),
            (Some(LeadStatus::Qualified), Some(LeadSource::ColdCall), Some(10))
        );
        assert_eq!((params.order_by, params.descending), ("score", true));
        let q = LeadQuery {
            status: Some("gone".into()),
            source: Some("tv".into()),
            score_min: Some("50".into()),
            score_max: Some("40".into()),
            ordering: Some("password".into()),
            ..Default::default()
        };
        let err = q.validate().unwrap_err();
        for field in ["status", "source", "score_max", "ordering"] {
            assert!(err.field_error(field).is_some(), "{field}");
        }
    }

    #[test]
    fn search_text_covers_name_email_and_company_in_lower_case() {
        let f = LeadInput {
            last_name: Some("Lovelace".into()),
            email: Some("Ada@Engine.example".into()),
            company: Some("Analytical Ltd".into()),
            phone: Some("555".into()),
            ..input("Ada")
        }
        .apply_to(LeadFields::default())
        .unwrap();
        assert_eq!(f.search_text(), "ada lovelace ada@engine.example analytical ltd");
    }

    #[test]
    fn stats_compute_rates_with_one_decimal() {
        let groups = vec![
            ("new".to_owned(), "website".to_owned(), 2, 30),
            ("converted".to_owned(), "website".to_owned(), 1, 90),
            ("lost".to_owned(), "referral".to_owned(), 3, 0),
        ];
        let s = LeadStats::from_groups(groups);
        assert_eq!(s.total, 6);
        assert_eq!(s.by_status.get("new"), Some(&2));
        assert_eq!(s.by_source.get("website"), Some(&3));
        assert_eq!(s.conversion_rate.to_string(), "16.7"); // 1 / 6
        assert_eq!(s.average_score.to_string(), "20.0"); // 120 / 6
        let empty = LeadStats::from_groups(Vec::new());
        assert_eq!((empty.conversion_rate.to_string(), empty.average_score.to_string()), ("0.0".into(), "0.0".into()));
        let half = LeadStats::from_groups(vec![("new".into(), "event".into(), 8, 1)]);
        assert_eq!(half.average_score.to_string(), "0.1"); // 0.125 rounds to 0.1
        let up = LeadStats::from_groups(vec![("new".into(), "event".into(), 4, 1)]);
        assert_eq!(up.average_score.to_string(), "0.3"); // 0.25 rounds half away from zero
    }
}
