//! Vendors: the suppliers, manufacturers and service providers an organization buys from.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::csv::Column;
use crate::domain::list::ListParams;
use crate::domain::validate::Check;
use crate::error::AppError;

crate::string_enum!(
    /// What a vendor does for the organization.
    VendorType {
        Supplier = "supplier" / "Supplier",
        Manufacturer = "manufacturer" / "Manufacturer",
        Distributor = "distributor" / "Distributor",
        ServiceProvider = "service_provider" / "Service provider",
        Consultant = "consultant" / "Consultant",
        Other = "other" / "Other",
    }
);

crate::string_enum!(
    /// Whether the organization works with a vendor.
    VendorStatus {
        Active = "active" / "Active",
        Inactive = "inactive" / "Inactive",
        Pending = "pending" / "Pending",
    }
);

/// A vendor as shown to clients.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Vendor {
    pub id: i64,
    #[serde(flatten)]
    pub fields: VendorFields,
    pub created_by: Option<i64>,
    pub updated_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Incremented on every change (for optimistic concurrency).
    pub version: i64,
}

/// The editable fields of a vendor, validated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct VendorFields {
    pub name: String,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub vendor_type: VendorType,
    pub contact_person: Option<String>,
    pub status: VendorStatus,
    /// Whole stars, 0–5; `None` when not rated.
    pub rating: Option<i64>,
    pub street: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    /// Free text, e.g. "Net 30".
    pub payment_terms: Option<String>,
    pub notes: Option<String>,
}

impl Default for VendorFields {
    fn default() -> Self {
        VendorFields {
            name: String::new(),
            company: None,
            email: None,
            phone: None,
            website: None,
            vendor_type: VendorType::Supplier,
            contact_person: None,
            status: VendorStatus::Active,
            rating: None,
            street: None,
            city: None,
            state: None,
            postal_code: None,
            country: None,
            payment_terms: None,
            notes: None,
        }
    }
}

impl VendorFields {
    /// What search looks through: name, company and email, lower-cased.
    pub fn search_text(&self) -> String {
        [Some(&self.name), self.company.as_ref(), self.email.as_ref()]
            .into_iter()
            .flatten()
            .map(|s| s.to_lowercase())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Create/update input as it arrives (text only). On update, a field that is not sent keeps
/// its value; a field sent empty is cleared. Defaults on create: `vendor_type` supplier,
/// `status` active.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct VendorInput {
    pub name: Option<String>,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<VendorType>"))]
    pub vendor_type: Option<String>,
    pub contact_person: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<VendorStatus>"))]
    pub status: Option<String>,
    /// 0–5.
    pub rating: Option<String>,
    pub street: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub payment_terms: Option<String>,
    pub notes: Option<String>,
}

impl VendorInput {
    /// Applies this input on top of `base` (defaults when creating), validating every field sent.
    pub fn apply_to(&self, mut base: VendorFields) -> Result<VendorFields, AppError> {
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
        crate::patch_text!(c, self, base, company, 200);
        crate::patch_text!(c, self, base, phone, 50);
        crate::patch_text!(c, self, base, contact_person, 200);
        crate::patch_text!(c, self, base, street, 200);
        crate::patch_text!(c, self, base, city, 100);
        crate::patch_text!(c, self, base, state, 100);
        crate::patch_text!(c, self, base, postal_code, 20);
        crate::patch_text!(c, self, base, country, 100);
        crate::patch_text!(c, self, base, payment_terms, 200);
        crate::patch_text!(c, self, base, notes, 10_000);
        if let Some(t) = c.one_of("vendor_type", self.vendor_type.as_deref()) {
            base.vendor_type = t;
        }
        if let Some(s) = c.one_of("status", self.status.as_deref()) {
            base.status = s;
        }
        if let Some(v) = self.rating.as_deref() {
            base.rating = c.int("rating", Some(v), 0, 5);
        }
        c.finish(base)
    }
}

/// The columns of a vendors export.
pub const CSV_COLUMNS: &[Column<Vendor>] = &[
    crate::col!("id", |c| c.id),
    crate::col!("name", |c| c.fields.name),
    crate::col!("company", |c| c.fields.company),
    crate::col!("email", |c| c.fields.email),
    crate::col!("phone", |c| c.fields.phone),
    crate::col!("website", |c| c.fields.website),
    crate::col!("vendor_type", |c| c.fields.vendor_type.as_str()),
    crate::col!("contact_person", |c| c.fields.contact_person),
    crate::col!("status", |c| c.fields.status.as_str()),
    crate::col!("rating", |c| c.fields.rating),
    crate::col!("street", |c| c.fields.street),
    crate::col!("city", |c| c.fields.city),
    crate::col!("state", |c| c.fields.state),
    crate::col!("postal_code", |c| c.fields.postal_code),
    crate::col!("country", |c| c.fields.country),
    crate::col!("payment_terms", |c| c.fields.payment_terms),
    crate::col!("notes", |c| c.fields.notes),
    crate::col!("created_at", |c| c.created_at),
    crate::col!("updated_at", |c| c.updated_at),
];

/// Fields a vendor list can be ordered by; the first is the default (newest first).
pub const SORTABLE: &[&str] = &["created_at", "name", "company", "vendor_type", "status", "rating", "updated_at"];

/// List query as it arrives (query string): text only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct VendorQuery {
    /// Name, company or email contains.
    pub search: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<VendorType>"))]
    pub vendor_type: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<VendorStatus>"))]
    pub status: Option<String>,
    pub ordering: Option<String>,
    pub page: Option<String>,
    pub page_size: Option<String>,
}

/// Validated vendor list filters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VendorFilter {
    pub search: Option<String>,
    pub vendor_type: Option<VendorType>,
    pub status: Option<VendorStatus>,
}

impl VendorQuery {
    pub fn validate(&self) -> Result<(VendorFilter, ListParams), AppError> {
        let mut c = Check::new();
        let filter = VendorFilter {
            search: c.optional("search", self.search.as_deref(), 200),
            vendor_type: c.one_of("vendor_type", self.vendor_type.as_deref()),
            status: c.one_of("status", self.status.as_deref()),
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

/// A vendor type with its label and how many of the organization's vendors have it
/// (`vendors/types`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct VendorTypeInfo {
    pub value: VendorType,
    pub label: String,
    pub count: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str) -> VendorInput {
        VendorInput { name: Some(name.into()), ..Default::default() }
    }

    #[test]
    fn a_new_vendor_needs_a_name_and_gets_defaults() {
        let err = VendorInput::default().apply_to(VendorFields::default()).unwrap_err();
        assert_eq!(err.field_error("name").as_deref(), Some("is required"));
        let f = input("Acme Supply").apply_to(VendorFields::default()).unwrap();
        assert_eq!((f.vendor_type, f.status), (VendorType::Supplier, VendorStatus::Active));
    }

    #[test]
    fn bad_fields_are_reported_by_name() {
        let bad = VendorInput {
            email: Some("nope".into()),
            vendor_type: Some("robot".into()),
            status: Some("gone".into()),
            rating: Some("6".into()),
            website: Some("not a url".into()),
            ..input("Acme")
        };
        let err = bad.apply_to(VendorFields::default()).unwrap_err();
        for field in ["email", "vendor_type", "status", "rating", "website"] {
            assert!(err.field_error(field).is_some(), "{field} should be reported");
        }
    }

    #[test]
    fn an_update_keeps_fields_not_sent_and_clears_fields_sent_empty() {
        let base = VendorInput { rating: Some("4".into()), city: Some("Oslo".into()), ..input("Acme") }
            .apply_to(VendorFields::default())
            .unwrap();
        let after = VendorInput { city: Some(String::new()), ..Default::default() }.apply_to(base.clone()).unwrap();
        assert_eq!((after.name.as_str(), after.rating, after.city), ("Acme", Some(4), None));
    }

    #[test]
    fn list_queries_validate_filters() {
        let q = VendorQuery { vendor_type: Some("service_provider".into()), ..Default::default() };
        assert_eq!(q.validate().unwrap().0.vendor_type, Some(VendorType::ServiceProvider));
        let q = VendorQuery { status: Some("x".into()), ordering: Some("secret".into()), ..Default::default() };
        let err = q.validate().unwrap_err();
        assert!(err.field_error("status").is_some() && err.field_error("ordering").is_some());
    }
}
