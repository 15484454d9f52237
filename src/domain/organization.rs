//! Organizations (tenants) and their members.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::validate::Check;
use crate::error::AppError;

/// A tenant. Everything else belongs to exactly one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Organization {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub industry: Option<String>,
    pub website: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub currency: String,
    pub time_zone: String,
    pub is_active: bool,
    pub owner_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// An organization as listed for one of its members.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct OrgSummary {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub currency: String,
    /// The member's role slug there.
    pub role: String,
    /// Whether it is the caller's current organization.
    pub is_current: bool,
}

/// A member of an organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Member {
    pub user_id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub role: String,
    pub role_name: String,
    pub is_active: bool,
    pub joined_at: DateTime<Utc>,
}

/// Create/update form; on update, fields not sent stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct OrganizationInput {
    pub name: Option<String>,
    pub industry: Option<String>,
    pub website: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub currency: Option<String>,
    pub time_zone: Option<String>,
}

/// A validated organization edit: `None` keeps, `Some(None)` clears.
#[derive(Debug, Clone, Default)]
pub struct OrganizationPatch {
    pub name: Option<String>,
    pub industry: Option<Option<String>>,
    pub website: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub address: Option<Option<String>>,
    pub currency: Option<String>,
    pub time_zone: Option<String>,
}

impl OrganizationInput {
    /// Validates an edit; `creating` makes the name required.
    pub fn validate(&self, creating: bool) -> Result<OrganizationPatch, AppError> {
        let mut c = Check::new();
        if creating && self.name.is_none() {
            c.add("name", "is required");
        }
        let patch = OrganizationPatch {
            name: self.name.as_deref().map(|v| c.required("name", Some(v), 200)),
            industry: self.industry.as_deref().map(|v| c.optional("industry", Some(v), 100)),
            website: self.website.as_deref().map(|v| c.url("website", Some(v))),
            email: self.email.as_deref().map(|v| c.email("email", Some(v))),
            phone: self.phone.as_deref().map(|v| c.optional("phone", Some(v), 50)),
            address: self.address.as_deref().map(|v| c.optional("address", Some(v), 500)),
            currency: self.currency.as_deref().map(|v| {
                let code = v.trim().to_uppercase();
                if code.len() != 3 || !code.chars().all(|ch| ch.is_ascii_uppercase()) {
                    c.add("currency", "must be a three-letter ISO currency code such as USD");
                }
                code
            }),
            time_zone: self.time_zone.as_deref().map(|v| c.required("time_zone", Some(v), 64)),
        };
        c.finish(patch)
    }
}

/// A URL-safe slug from a name: lowercase ASCII letters, digits and dashes.
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for ch in name.to_lowercase().chars() {
        if ch.is_ascii_alphanumeric() {
            slug.push(ch);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').chars().take(50).collect::<String>();
    if slug.is_empty() {
        "org".to_owned()
    } else {
        slug
    }
}

/// Form to add an existing user to the current organization with a role.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct AddMemberInput {
    pub email: Option<String>,
    pub role: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_dashed_ascii() {
        assert_eq!(slugify("Acme  Corp, Inc."), "acme-corp-inc");
        assert_eq!(slugify("Ünïcode Ltd"), "n-code-ltd");
        assert_eq!(slugify("!!!"), "org");
    }

    #[test]
    fn currency_codes_are_three_letters() {
        let ok = OrganizationInput { currency: Some("eur".into()), ..Default::default() };
        assert_eq!(ok.validate(false).unwrap().currency.as_deref(), Some("EUR"));
        let bad = OrganizationInput { currency: Some("EURO".into()), ..Default::default() };
        assert!(bad.validate(false).unwrap_err().field_error("currency").is_some());
    }

    #[test]
    fn creating_requires_a_name() {
        assert!(OrganizationInput::default().validate(true).unwrap_err().field_error("name").is_some());
        assert!(OrganizationInput::default().validate(false).is_ok());
    }
}
