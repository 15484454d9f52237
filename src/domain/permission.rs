//! Role-based access control: permissions are `resource:action` strings, roles are sets of them.

/// Every resource a permission can be about.
pub const RESOURCES: &[&str] = &[
    "customers",
    "leads",
    "deals",
    "pipelines",
    "activities",
    "employees",
    "vendors",
    "orders",
    "payments",
    "issues",
    "analytics",
    "roles",
    "organization",
    // The mail the app sends (and, without SMTP_URL, keeps): reset links and invitations.
    "outbox",
    // Writing email to a customer, lead or deal from its page (`create` sends).
    "emails",
    // The organization's email templates.
    "templates",
    // Webhook subscriptions (their secrets too): owner and admins.
    "webhooks",
];

/// Every action. `view_all` means "not only records assigned to me".
pub const ACTIONS: &[&str] = &["view", "view_all", "create", "edit", "delete"];

const SALES: &[&str] = &["customers", "leads", "deals", "activities"];
const OPERATIONS: &[&str] = &["vendors", "orders", "payments", "issues"];

/// Every permission that exists, `resource:action`.
pub fn all_permissions() -> Vec<String> {
    RESOURCES.iter().flat_map(|r| ACTIONS.iter().map(move |a| format!("{r}:{a}"))).collect()
}

/// A role every organization starts with; system roles cannot be deleted.
pub struct SystemRole {
    pub slug: &'static str,
    pub name: &'static str,
    pub description: &'static str,
}

pub const OWNER: &str = "owner";
pub const ADMIN: &str = "admin";
pub const MANAGER: &str = "manager";
pub const SALES_REP: &str = "sales_rep";
pub const MARKETING_REP: &str = "marketing_rep";
pub const CUSTOMER: &str = "customer";

pub const SYSTEM_ROLES: &[SystemRole] = &[
    SystemRole {
        slug: OWNER,
        name: "Owner",
        description: "Everything, including billing, deleting the organization and transferring ownership",
    },
    SystemRole { slug: ADMIN, name: "Admin", description: "Everything but ownership and deleting the organization" },
    SystemRole {
        slug: MANAGER,
        name: "Manager",
        description: "Views all; creates and edits sales and operations records; manages employees; analytics",
    },
    SystemRole {
        slug: SALES_REP,
        name: "Sales rep",
        description: "Leads, deals, customers and activities assigned to them; pipelines read-only",
    },
    SystemRole {
        slug: MARKETING_REP,
        name: "Marketing rep",
        description: "Leads; customers read-only; funnel and source analytics",
    },
    SystemRole {
        slug: CUSTOMER,
        name: "Customer",
        description: "Client portal: only their own orders, payments and issues",
    },
];

fn grant(out: &mut Vec<String>, resources: &[&str], actions: &[&str]) {
    for r in resources {
        for a in actions {
            out.push(format!("{r}:{a}"));
        }
    }
}

/// The permissions a system role starts with.
pub fn system_role_permissions(slug: &str) -> Vec<String> {
    let mut p = Vec::new();
    match slug {
        OWNER => p = all_permissions(),
        ADMIN => p = all_permissions().into_iter().filter(|x| x != "organization:delete").collect(),
        MANAGER => {
            // Not the outbox (it holds other people's mail), nor webhooks (their secrets).
            let readable: Vec<&str> =
                RESOURCES.iter().copied().filter(|r| !["outbox", "webhooks"].contains(r)).collect();
            grant(&mut p, &readable, &["view", "view_all"]);
            grant(&mut p, SALES, &["create", "edit"]);
            grant(&mut p, OPERATIONS, &["create", "edit"]);
            grant(&mut p, &["employees"], &["create", "edit"]);
            grant(&mut p, &["emails"], &["create"]);
            grant(&mut p, &["templates"], &["create", "edit"]);
        }
        SALES_REP => {
            grant(&mut p, SALES, &["view", "create", "edit"]);
            grant(&mut p, &["pipelines"], &["view", "view_all"]);
            grant(&mut p, &["analytics"], &["view"]);
            grant(&mut p, &["emails"], &["create"]);
            grant(&mut p, &["templates"], &["view", "view_all"]);
        }
        MARKETING_REP => {
            grant(&mut p, &["leads"], &["view", "view_all", "create", "edit"]);
            grant(&mut p, &["customers", "pipelines"], &["view", "view_all"]);
            grant(&mut p, &["analytics"], &["view", "view_all"]);
            grant(&mut p, &["emails"], &["create"]);
            grant(&mut p, &["templates"], &["view", "view_all"]);
        }
        CUSTOMER => {
            grant(&mut p, &["orders", "payments", "issues"], &["view"]);
            grant(&mut p, &["issues"], &["create"]);
        }
        _ => {}
    }
    p
}

/// Whether a role's permissions are fixed: the owner keeps everything, and the portal
/// customer role is bound to its own records by the portal, not by permissions.
pub fn is_locked(slug: &str) -> bool {
    slug == OWNER || slug == CUSTOMER
}

/// The permissions of `wanted` that `held` does not include (nobody grants what they lack).
pub fn beyond<'a>(held: &[String], wanted: &'a [String]) -> Vec<&'a str> {
    wanted.iter().filter(|p| !held.contains(p)).map(String::as_str).collect()
}

/// Whether a set of granted permissions includes `resource:action`.
pub fn allows(granted: &[String], resource: &str, action: &str) -> bool {
    granted.iter().any(|p| p.split_once(':') == Some((resource, action)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_may_do_everything_and_admins_all_but_delete_the_organization() {
        let owner = system_role_permissions(OWNER);
        let admin = system_role_permissions(ADMIN);
        assert_eq!(owner.len(), RESOURCES.len() * ACTIONS.len());
        assert!(allows(&owner, "organization", "delete"));
        assert!(!allows(&admin, "organization", "delete"));
        assert!(allows(&admin, "roles", "edit"));
    }

    #[test]
    fn only_owners_and_admins_read_the_outbox() {
        for role in [OWNER, ADMIN] {
            assert!(allows(&system_role_permissions(role), "outbox", "view"), "{role}");
        }
        for role in [MANAGER, SALES_REP, MARKETING_REP, CUSTOMER] {
            assert!(!allows(&system_role_permissions(role), "outbox", "view"), "{role}");
        }
    }

    #[test]
    fn sales_reps_see_only_their_own_records_and_cannot_delete() {
        let rep = system_role_permissions(SALES_REP);
        assert!(allows(&rep, "customers", "create"));
        assert!(!allows(&rep, "customers", "view_all"));
        assert!(!allows(&rep, "customers", "delete"));
        assert!(!allows(&rep, "pipelines", "edit"));
    }

    #[test]
    fn marketing_reps_read_customers_but_do_not_edit_them() {
        let rep = system_role_permissions(MARKETING_REP);
        assert!(allows(&rep, "customers", "view_all"));
        assert!(!allows(&rep, "customers", "edit"));
        assert!(allows(&rep, "leads", "edit"));
    }

    #[test]
    fn portal_customers_have_no_staff_permissions() {
        let c = system_role_permissions(CUSTOMER);
        assert!(!allows(&c, "customers", "view"));
        assert!(allows(&c, "issues", "create"));
    }
}
