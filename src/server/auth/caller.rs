//! Who is calling: resolved from the bearer token or session cookie of the request, once.

use crate::domain::auth::Me;
use crate::domain::permission;
use crate::error::AppError;
use crate::server::auth::token;
use crate::server::db::Db;
use crate::server::repo;

/// An authenticated user, and their membership in the current organization if they have one.
#[derive(Debug, Clone)]
pub struct Caller {
    pub token_id: i64,
    pub user_id: i64,
    /// Whether the credential came from the session cookie (as opposed to a bearer header).
    pub via_cookie: bool,
    pub member: Option<Member>,
}

/// The caller's standing in the current organization. The organization id comes only from here.
#[derive(Debug, Clone)]
pub struct Member {
    pub org_id: i64,
    pub role: String,
    pub permissions: Vec<String>,
    pub employee_id: Option<i64>,
    /// The customer record a portal member is bound to: they see only its records.
    pub customer_id: Option<i64>,
}

/// Which records of a resource a caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every record of the organization.
    All,
    /// Only records assigned to this employee (`None`: the caller is no employee, so none).
    AssignedTo(Option<i64>),
    /// A portal member: only the records of this customer (orders, payments, issues).
    OfCustomer(i64),
}

impl Caller {
    /// Resolves a token; `Unauthorized` when it is unknown, expired or its user inactive.
    pub async fn from_token(db: &Db, raw: &str, via_cookie: bool) -> Result<Caller, AppError> {
        let mut conn = db.read().await?;
        let session =
            repo::tokens::find_active(&mut conn, &token::hash(raw)).await?.ok_or_else(AppError::unauthenticated)?;
        let member = match session.organization_id {
            Some(org_id) => repo::organizations::membership(&mut conn, session.user_id, org_id).await?,
            None => None,
        };
        drop(conn);
        if session.needs_touch() {
            let mut tx = db.write().await?;
            repo::tokens::touch(&mut tx, session.id).await?;
            tx.commit().await?;
        }
        Ok(Caller { token_id: session.id, user_id: session.user_id, via_cookie, member })
    }

    /// What the app shows of the caller: the user, the current organization, role and permissions.
    pub async fn me(&self, db: &Db) -> Result<Me, AppError> {
        let mut conn = db.read().await?;
        let user = repo::users::get(&mut conn, self.user_id).await?;
        let Some(m) = &self.member else {
            return Ok(Me { user, organization: None, role: None, permissions: Vec::new(), employee_id: None });
        };
        let orgs = repo::organizations::list_for_user(&mut conn, self.user_id, Some(m.org_id)).await?;
        let organization = orgs.into_iter().find(|o| o.is_current);
        Ok(Me {
            user,
            organization,
            role: Some(m.role.clone()),
            permissions: m.permissions.clone(),
            employee_id: m.employee_id,
        })
    }

    /// The current organization membership, or 403 when the caller has none.
    pub fn member(&self) -> Result<&Member, AppError> {
        self.member
            .as_ref()
            .ok_or_else(|| AppError::Forbidden("no active organization; create or switch to one".into()))
    }

    /// The membership, after checking it grants `resource:action` (403 otherwise).
    pub fn require(&self, resource: &str, action: &str) -> Result<&Member, AppError> {
        let member = self.member()?;
        if permission::allows(&member.permissions, resource, action) {
            Ok(member)
        } else {
            Err(AppError::Forbidden(format!("you may not {action} {resource}")))
        }
    }
}

impl Member {
    pub fn can(&self, resource: &str, action: &str) -> bool {
        permission::allows(&self.permissions, resource, action)
    }

    /// Records of `resource` this member may see: a portal member only their customer's,
    /// others all with `view_all`, else those assigned to them.
    pub fn scope(&self, resource: &str) -> Scope {
        if let Some(customer) = self.customer_id {
            Scope::OfCustomer(customer)
        } else if self.can(resource, "view_all") {
            Scope::All
        } else {
            Scope::AssignedTo(self.employee_id)
        }
    }
}
