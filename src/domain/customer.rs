//! Customers: the people and businesses an organization sells to.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::domain::csv::{Column, ImportField};
use crate::domain::list::ListParams;
use crate::domain::validate::{parse_tags, Check};
use crate::error::AppError;

crate::string_enum!(
    /// A person or a business.
    CustomerType {
        Individual = "individual" / "Individual",
        Business = "business" / "Business",
    }
);

crate::string_enum!(
    /// Where a customer stands.
    CustomerStatus {
        Active = "active" / "Active",
        Inactive = "inactive" / "Inactive",
        Prospect = "prospect" / "Prospect",
    }
);

/// A customer as shown to clients: the editable fields and what the server keeps about them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Customer {
    pub id: i64,
    #[serde(flatten)]
    pub fields: CustomerFields,
    pub assigned_to_name: Option<String>,
    /// Currency of `credit_limit` (the organization's).
    pub currency: String,
    pub created_by: Option<i64>,
    pub updated_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Incremented on every change (for optimistic concurrency).
    pub version: i64,
}

/// The editable fields of a customer, validated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct CustomerFields {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company_name: Option<String>,
    pub customer_type: CustomerType,
    pub status: CustomerStatus,
    pub industry: Option<String>,
    pub website: Option<String>,
    pub source: Option<String>,
    pub street: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub tags: Vec<String>,
    pub assigned_to: Option<i64>,
    pub credit_limit: Option<Decimal>,
    pub notes: Option<String>,
}

impl CustomerFields {
    /// What search looks through: name, email, company and phone, lower-cased.
    pub fn search_text(&self) -> String {
        [Some(&self.name), self.email.as_ref(), self.company_name.as_ref(), self.phone.as_ref()]
            .into_iter()
            .flatten()
            .map(|s| s.to_lowercase())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl Default for CustomerFields {
    fn default() -> Self {
        CustomerFields {
            name: String::new(),
            email: None,
            phone: None,
            company_name: None,
            customer_type: CustomerType::Individual,
            status: CustomerStatus::Active,
            industry: None,
            website: None,
            source: None,
            street: None,
            city: None,
            state: None,
            postal_code: None,
            country: None,
            tags: Vec::new(),
            assigned_to: None,
            credit_limit: None,
            notes: None,
        }
    }
}

/// Create/update input as it arrives from a form, a query string or JSON: text only.
/// On update, a field that is not sent keeps its value; a field sent empty is cleared.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct CustomerInput {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company_name: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<CustomerType>"))]
    pub customer_type: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<CustomerStatus>"))]
    pub status: Option<String>,
    pub industry: Option<String>,
    pub website: Option<String>,
    pub source: Option<String>,
    pub street: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    /// Comma-separated.
    pub tags: Option<String>,
    /// Employee id.
    pub assigned_to: Option<String>,
    pub credit_limit: Option<String>,
    pub notes: Option<String>,
}

impl CustomerInput {
    /// Applies this input on top of `base` (defaults when creating), validating every field sent.
    pub fn apply_to(&self, mut base: CustomerFields) -> Result<CustomerFields, AppError> {
        let mut c = Check::new();
        if let Some(v) = self.name.as_deref() {
            base.name = c.required("name", Some(v), 200);
        } else if base.name.is_empty() {
            c.add("name", "is required");
        }
        if let Some(v) = self.email.as_deref() {
            base.email = c.email("email", Some(v));
        }
        if let Some(v) = self.website.as_deref() {
            base.website = c.url("website", Some(v));
        }
        crate::patch_text!(c, self, base, phone, 50);
        crate::patch_text!(c, self, base, company_name, 200);
        crate::patch_text!(c, self, base, industry, 100);
        crate::patch_text!(c, self, base, source, 100);
        crate::patch_text!(c, self, base, street, 200);
        crate::patch_text!(c, self, base, city, 100);
        crate::patch_text!(c, self, base, state, 100);
        crate::patch_text!(c, self, base, postal_code, 20);
        crate::patch_text!(c, self, base, country, 100);
        crate::patch_text!(c, self, base, notes, 10_000);
        if let Some(t) = c.one_of("customer_type", self.customer_type.as_deref()) {
            base.customer_type = t;
        }
        if let Some(s) = c.one_of("status", self.status.as_deref()) {
            base.status = s;
        }
        if let Some(tags) = parse_tags(&mut c, "tags", self.tags.as_deref()) {
            base.tags = tags;
        }
        if let Some(v) = self.assigned_to.as_deref() {
            base.assigned_to = c.id("assigned_to", Some(v));
        }
        if let Some(v) = self.credit_limit.as_deref() {
            base.credit_limit = c.money("credit_limit", Some(v));
        }
        c.finish(base)
    }
}

/// The columns of a customers export (`assigned_to` is the employee id, as imports take it).
pub const CSV_COLUMNS: &[Column<Customer>] = &[
    crate::col!("id", |c| c.id),
    crate::col!("name", |c| c.fields.name),
    crate::col!("company_name", |c| c.fields.company_name),
    crate::col!("email", |c| c.fields.email),
    crate::col!("phone", |c| c.fields.phone),
    crate::col!("customer_type", |c| c.fields.customer_type.as_str()),
    crate::col!("status", |c| c.fields.status.as_str()),
    crate::col!("industry", |c| c.fields.industry),
    crate::col!("website", |c| c.fields.website),
    crate::col!("source", |c| c.fields.source),
    crate::col!("street", |c| c.fields.street),
    crate::col!("city", |c| c.fields.city),
    crate::col!("state", |c| c.fields.state),
    crate::col!("postal_code", |c| c.fields.postal_code),
    crate::col!("country", |c| c.fields.country),
    crate::col!("tags", |c| c.fields.tags),
    crate::col!("assigned_to", |c| c.fields.assigned_to),
    crate::col!("assigned_to_name", |c| c.assigned_to_name),
    crate::col!("credit_limit", |c| c.fields.credit_limit),
    crate::col!("currency", |c| c.currency),
    crate::col!("notes", |c| c.fields.notes),
    crate::col!("created_at", |c| c.created_at),
    crate::col!("updated_at", |c| c.updated_at),
];

/// The columns a customers import takes (a header names them in any case, or by an alias).
pub const IMPORT_FIELDS: &[ImportField] = &[
    ImportField { name: "name", aliases: &["full_name", "customer", "customer_name", "contact_name"] },
    ImportField { name: "email", aliases: &["e_mail", "email_address", "mail"] },
    ImportField { name: "phone", aliases: &["telephone", "phone_number", "tel", "mobile"] },
    ImportField { name: "company_name", aliases: &["company", "organization", "organisation", "business_name"] },
    ImportField { name: "customer_type", aliases: &["type"] },
    ImportField { name: "status", aliases: &[] },
    ImportField { name: "industry", aliases: &[] },
    ImportField { name: "website", aliases: &["web", "url", "web_site", "homepage"] },
    ImportField { name: "source", aliases: &["lead_source"] },
    ImportField { name: "street", aliases: &["address", "street_address", "address_line_1"] },
    ImportField { name: "city", aliases: &["town"] },
    ImportField { name: "state", aliases: &["region", "province", "state_region"] },
    ImportField { name: "postal_code", aliases: &["zip", "zip_code", "postcode", "postal"] },
    ImportField { name: "country", aliases: &[] },
    ImportField { name: "tags", aliases: &["labels"] },
    ImportField { name: "assigned_to", aliases: &["assigned_to_id", "owner_id", "assignee_id"] },
    ImportField { name: "credit_limit", aliases: &[] },
    ImportField { name: "notes", aliases: &["note", "comments", "description"] },
];

/// Fields a customer list can be ordered by; the first is the default (newest first).
pub const SORTABLE: &[&str] = &["created_at", "name", "email", "company_name", "status", "customer_type", "updated_at"];

/// List query as it arrives (query string): text only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct CustomerQuery {
    pub search: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<CustomerStatus>"))]
    pub status: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<CustomerType>"))]
    pub customer_type: Option<String>,
    pub assigned_to: Option<String>,
    pub ordering: Option<String>,
    pub page: Option<String>,
    pub page_size: Option<String>,
}

/// Validated list filters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomerFilter {
    pub search: Option<String>,
    pub status: Option<CustomerStatus>,
    pub customer_type: Option<CustomerType>,
    pub assigned_to: Option<i64>,
}

impl CustomerQuery {
    pub fn validate(&self) -> Result<(CustomerFilter, ListParams), AppError> {
        let mut c = Check::new();
        let filter = CustomerFilter {
            search: c.optional("search", self.search.as_deref(), 200),
            status: c.one_of("status", self.status.as_deref()),
            customer_type: c.one_of("customer_type", self.customer_type.as_deref()),
            assigned_to: c.id("assigned_to", self.assigned_to.as_deref()),
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

/// A note on a customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct CustomerNote {
    pub id: i64,
    pub customer_id: i64,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// Validates the text of a note.
pub fn validate_note(body: Option<&str>) -> Result<String, AppError> {
    let mut c = Check::new();
    let body = c.required("body", body, 10_000);
    c.finish(body)
}

/// Figures for the customers dashboard.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct CustomerStats {
    pub total: i64,
    pub by_status: BTreeMap<String, i64>,
    pub by_type: BTreeMap<String, i64>,
    pub new_this_month: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str) -> CustomerInput {
        CustomerInput { name: Some(name.into()), ..Default::default() }
    }

    #[test]
    fn a_new_customer_needs_a_name() {
        let err = CustomerInput::default().apply_to(CustomerFields::default()).unwrap_err();
        assert_eq!(err.field_error("name").as_deref(), Some("is required"));
    }

    #[test]
    fn unknown_enum_values_and_bad_emails_are_reported_per_field() {
        let bad = CustomerInput {
            email: Some("nope".into()),
            status: Some("vip".into()),
            customer_type: Some("robot".into()),
            credit_limit: Some("-5".into()),
            ..input("Acme")
        };
        let err = bad.apply_to(CustomerFields::default()).unwrap_err();
        for field in ["email", "status", "customer_type", "credit_limit"] {
            assert!(err.field_error(field).is_some(), "{field} should be reported");
        }
    }

    #[test]
    fn an_update_keeps_fields_not_sent_and_clears_fields_sent_empty() {
        let base = CustomerInput { phone: Some("123".into()), city: Some("Oslo".into()), ..input("Acme") }
            .apply_to(CustomerFields::default())
            .unwrap();
        let patch = CustomerInput { city: Some(String::new()), ..Default::default() };
        let after = patch.apply_to(base).unwrap();
        assert_eq!(after.name, "Acme");
        assert_eq!(after.phone.as_deref(), Some("123"));
        assert_eq!(after.city, None);
    }

    #[test]
    fn list_queries_validate_filters_and_ordering() {
        let q = CustomerQuery { status: Some("prospect".into()), ordering: Some("name".into()), ..Default::default() };
        let (filter, params) = q.validate().unwrap();
        assert_eq!(filter.status, Some(CustomerStatus::Prospect));
        assert_eq!((params.order_by, params.descending), ("name", false));
        let q = CustomerQuery { status: Some("gone".into()), ..Default::default() };
        assert!(q.validate().unwrap_err().field_error("status").is_some());
    }

    #[test]
    fn search_text_covers_name_email_company_and_phone_in_lower_case() {
        let f =
            CustomerInput { email: Some("A@B.example".into()), phone: Some("+1 555".into()), ..input("Ünïcode AB") }
                .apply_to(CustomerFields::default())
                .unwrap();
        assert_eq!(f.search_text(), "ünïcode ab a@b.example +1 555");
    }

    #[test]
    fn notes_must_not_be_blank() {
        assert!(validate_note(Some("  ")).is_err());
        assert_eq!(validate_note(Some(" Called them ")).unwrap(), "Called them");
    }
}
