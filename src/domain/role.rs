//! Roles of an organization and the permissions they grant (SPEC §1); the rules live in
//! `permission`, this is what the roles API and the matrix page exchange.

use serde::{Deserialize, Serialize};

use crate::domain::permission::{self, ACTIONS, RESOURCES};
use crate::domain::validate::{Check, TextList};
use crate::error::AppError;

/// A role with its permissions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Role {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    /// A role every organization starts with: it cannot be deleted.
    pub is_system: bool,
    /// Whether its permissions are fixed (the owner's and the portal customer's).
    pub is_locked: bool,
    /// `resource:action`, sorted.
    pub permissions: Vec<String>,
    /// Active members holding it.
    pub member_count: i64,
}

/// One permission as the matrix shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct PermissionInfo {
    /// `resource:action`.
    pub permission: String,
    pub action: String,
    pub label: String,
}

/// The permissions of one resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct PermissionGroup {
    pub resource: String,
    pub label: String,
    pub permissions: Vec<PermissionInfo>,
}

/// Every permission, grouped by resource, in a stable order.
pub fn permission_groups() -> Vec<PermissionGroup> {
    RESOURCES
        .iter()
        .map(|r| PermissionGroup {
            resource: (*r).to_owned(),
            label: resource_label(r),
            permissions: ACTIONS
                .iter()
                .map(|a| PermissionInfo {
                    permission: format!("{r}:{a}"),
                    action: (*a).to_owned(),
                    label: action_label(a).to_owned(),
                })
                .collect(),
        })
        .collect()
}

fn resource_label(resource: &str) -> String {
    match resource {
        "emails" => "Email from records (create = send)".to_owned(),
        "templates" => "Email templates".to_owned(),
        r => capitalized(r),
    }
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn action_label(action: &str) -> &'static str {
    match action {
        "view" => "View",
        "view_all" => "View all (not only assigned)",
        "create" => "Create",
        "edit" => "Edit",
        "delete" => "Delete",
        _ => "Other",
    }
}

/// The caller's role in the current organization and what it grants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct MyPermissions {
    pub role: String,
    pub role_name: String,
    pub permissions: Vec<String>,
}

/// Create/update form of a role; on update, fields not sent stay.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct RoleInput {
    pub name: Option<String>,
    pub description: Option<String>,
}

/// A validated role edit: `None` keeps, `Some(None)` clears the description.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RolePatch {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
}

impl RoleInput {
    /// `creating`: the name is required.
    pub fn validate(&self, creating: bool) -> Result<RolePatch, AppError> {
        let mut c = Check::new();
        let name =
            if creating || self.name.is_some() { Some(c.required("name", self.name.as_deref(), 100)) } else { None };
        let description = self.description.as_deref().map(|d| c.optional("description", Some(d), 500));
        c.finish(RolePatch { name, description })
    }
}

/// A set of permissions as a form or a client sends it: `permissions[0]=customers:view&...`
/// (checkboxes; indexes need not be contiguous), a JSON array, or one comma-separated string.
/// Unknown permissions are a 422 naming `permissions`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PermissionSet(pub Vec<String>);

impl PermissionSet {
    /// The distinct permissions, sorted; 422 naming `permissions` if any is unknown.
    pub fn validate(&self) -> Result<Vec<String>, AppError> {
        let known = permission::all_permissions();
        let mut out: Vec<String> = self.0.iter().map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect();
        out.sort();
        out.dedup();
        let unknown: Vec<&str> = out.iter().filter(|p| !known.contains(p)).map(String::as_str).collect();
        if unknown.is_empty() {
            Ok(out)
        } else {
            Err(AppError::field("permissions", format!("unknown permission: {}", unknown.join(", "))))
        }
    }
}

crate::text_list_schema!(PermissionSet);

impl Serialize for PermissionSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.join(","))
    }
}

impl<'de> Deserialize<'de> for PermissionSet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        TextList::deserialize(d).map(|l| PermissionSet(l.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_permission_appears_once_in_the_groups() {
        let listed: Vec<String> =
            permission_groups().into_iter().flat_map(|g| g.permissions.into_iter().map(|p| p.permission)).collect();
        assert_eq!(listed, permission::all_permissions());
        assert_eq!(permission_groups()[0].label, "Customers");
    }

    #[test]
    fn a_permission_set_is_sorted_deduplicated_and_checked() {
        let set = PermissionSet(vec!["deals:edit".into(), " customers:view ".into(), "deals:edit".into(), "".into()]);
        assert_eq!(set.validate().unwrap(), vec!["customers:view", "deals:edit"]);
        let err = PermissionSet(vec!["deals:fly".into(), "customers:view".into()]).validate().unwrap_err();
        assert!(err.field_error("permissions").unwrap().contains("deals:fly"));
    }

    #[test]
    fn a_permission_set_reads_form_fields_json_and_text() {
        #[derive(Deserialize)]
        #[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
        struct Form {
            permissions: PermissionSet,
        }
        let form: Form = serde_qs::from_str("permissions[3]=deals:view&permissions[40]=issues:edit").unwrap();
        assert_eq!(form.permissions.0, vec!["deals:view", "issues:edit"]);
        let json: Form = serde_json::from_str(r#"{"permissions":["leads:view"]}"#).unwrap();
        assert_eq!(json.permissions.0, vec!["leads:view"]);
        let text: Form = serde_qs::from_str("permissions=leads:view,leads:edit").unwrap();
        assert_eq!(text.permissions.0, vec!["leads:view", "leads:edit"]);
    }

    #[test]
    fn a_new_role_needs_a_name_and_an_edit_may_leave_it() {
        assert!(RoleInput::default().validate(true).unwrap_err().field_error("name").is_some());
        let patch = RoleInput { description: Some(" ".into()), ..Default::default() }.validate(false).unwrap();
        assert_eq!(patch, RolePatch { name: None, description: Some(None) });
    }
}
