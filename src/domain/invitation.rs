//! Invitations to join an organization: a member with a role, or (with a customer) a contact
//! in the client portal. The invitee follows the link in the mail and chooses a name and a
//! password, or, already a user, accepts after signing in.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::organization::Member;

/// How long an invitation's link works.
pub const VALID_DAYS: i64 = 7;

/// A pending invitation, as its organization lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Invitation {
    pub id: i64,
    pub email: String,
    /// The role's slug, and its name.
    pub role: String,
    pub role_name: String,
    /// For a portal contact: the customer they will see.
    pub customer_id: Option<i64>,
    pub invited_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// What the page of an invitation link shows before it is accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct InvitationPreview {
    pub organization_name: String,
    pub email: String,
    pub role_name: String,
    /// The address already has an account: sign in and accept, instead of choosing a password.
    pub has_account: bool,
}

/// Answer to accepting an invitation: the organization joined, and for a new user the token
/// of their new session (a browser also gets it as the session cookie).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct InvitationAccepted {
    pub organization_id: i64,
    pub token: Option<String>,
}

/// Answer to a portal invitation (`portal/invite`): the member, when the address had an account
/// and joined at once; else `None`, and the contact got a mail with a link to join.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct PortalInvite {
    pub email: String,
    pub member: Option<Member>,
}
