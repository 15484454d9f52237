//! Users, sign-up, sign-in, profiles and API tokens.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::organization::OrgSummary;
use crate::domain::validate::Check;
use crate::error::AppError;

/// A person who can sign in. Never carries the password hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct User {
    pub id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: Option<String>,
    pub avatar_url: Option<String>,
    pub time_zone: String,
    /// Minutes before a scheduled call or meeting of theirs they get a reminder by email
    /// (tasks: on the morning they are due); `None`: no reminders.
    pub reminder_minutes: Option<i64>,
    pub is_active: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl User {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name).trim().to_owned()
    }
}

/// Who is calling, in which organization, allowed to do what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Me {
    pub user: User,
    /// The current organization; `None` when the user belongs to none (yet).
    pub organization: Option<OrgSummary>,
    /// Slug of the caller's role in the current organization.
    pub role: Option<String>,
    /// `resource:action` permissions granted in the current organization.
    pub permissions: Vec<String>,
    /// The caller's employee record in the current organization, if any.
    pub employee_id: Option<i64>,
}

impl Me {
    pub fn can(&self, resource: &str, action: &str) -> bool {
        crate::domain::permission::allows(&self.permissions, resource, action)
    }

    /// Whether the caller uses the client portal (a customer's contact, not staff).
    pub fn is_portal(&self) -> bool {
        self.role.as_deref() == Some(crate::domain::permission::CUSTOMER)
    }
}

/// Answer to a successful sign-in or sign-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct LoginResponse {
    /// Bearer token for non-browser clients; browsers also get it as an HttpOnly cookie.
    pub token: String,
    pub user: User,
}

/// Answer to "sign out everywhere".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct SessionsEnded {
    /// How many sessions ended (the one used for the request included).
    pub ended: u64,
}

/// Sign-up form.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct RegisterInput {
    pub email: Option<String>,
    pub password: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub organization_name: Option<String>,
}

/// A validated sign-up.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub password: String,
    pub first_name: String,
    pub last_name: String,
    pub organization_name: String,
}

impl RegisterInput {
    pub fn validate(&self) -> Result<NewUser, AppError> {
        let mut c = Check::new();
        let email = c.email("email", self.email.as_deref());
        if email.is_none() {
            c.add("email", "is required");
        }
        let user = NewUser {
            email: email.unwrap_or_default(),
            password: c.password("password", self.password.as_deref()),
            first_name: c.required("first_name", self.first_name.as_deref(), 100),
            last_name: c.optional("last_name", self.last_name.as_deref(), 100).unwrap_or_default(),
            organization_name: c.required("organization_name", self.organization_name.as_deref(), 200),
        };
        c.finish(user)
    }
}

/// Profile edit form; fields not sent stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct ProfileInput {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub avatar_url: Option<String>,
    pub time_zone: Option<String>,
    /// Minutes (0 to 1440), or `off`.
    pub reminder_minutes: Option<String>,
}

/// The reminder choices the profile page offers (any whole number 0–1440 is accepted).
pub const REMINDER_CHOICES: &[i64] = &[0, 5, 10, 15, 30, 60, 120, 1440];
/// Reminders of a new user, and of an employee who cannot sign in.
pub const DEFAULT_REMINDER_MINUTES: i64 = 15;

/// A validated profile edit: `None` keeps the current value, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct ProfilePatch {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<Option<String>>,
    pub avatar_url: Option<Option<String>>,
    pub time_zone: Option<String>,
    pub reminder_minutes: Option<Option<i64>>,
}

impl ProfileInput {
    pub fn validate(&self) -> Result<ProfilePatch, AppError> {
        let mut c = Check::new();
        let patch = ProfilePatch {
            first_name: self.first_name.as_deref().map(|v| c.required("first_name", Some(v), 100)),
            last_name: self.last_name.as_deref().map(|v| c.optional("last_name", Some(v), 100).unwrap_or_default()),
            phone: self.phone.as_deref().map(|v| c.optional("phone", Some(v), 50)),
            avatar_url: self.avatar_url.as_deref().map(|v| c.url("avatar_url", Some(v))),
            time_zone: self.time_zone.as_deref().map(|v| c.required("time_zone", Some(v), 64)),
            reminder_minutes: self.reminder_minutes.as_deref().map(|v| match v.trim() {
                "off" | "" => None,
                minutes => c.int("reminder_minutes", Some(minutes), 0, 1440),
            }),
        };
        c.finish(patch)
    }
}

/// A long-lived bearer token a user created for a script or an app (never the secret itself).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    /// The first characters of the token, to recognise it.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Answer to creating an API token: the secret is shown this once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct NewApiToken {
    pub token: String,
    pub api_token: ApiToken,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_up_requires_email_password_name_and_organization() {
        let err = RegisterInput::default().validate().unwrap_err();
        for field in ["email", "password", "first_name", "organization_name"] {
            assert!(err.field_error(field).is_some(), "{field} should be reported");
        }
    }

    #[test]
    fn sign_up_normalises_the_email() {
        let input = RegisterInput {
            email: Some(" Demo@Example.com".into()),
            password: Some("correct horse".into()),
            first_name: Some("Ada".into()),
            last_name: None,
            organization_name: Some("Acme".into()),
        };
        assert_eq!(input.validate().unwrap().email, "demo@example.com");
    }

    #[test]
    fn a_profile_edit_can_clear_the_phone_but_not_the_first_name() {
        let input = ProfileInput { phone: Some(String::new()), ..Default::default() };
        assert_eq!(input.validate().unwrap().phone, Some(None));
        let input = ProfileInput { first_name: Some(" ".into()), ..Default::default() };
        assert!(input.validate().unwrap_err().field_error("first_name").is_some());
    }
}
