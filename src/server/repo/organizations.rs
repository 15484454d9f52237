//! Organizations, their roles and memberships, and what a new organization starts with.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::now;
use crate::domain::organization::{slugify, Member as MemberInfo, OrgSummary, Organization, OrganizationPatch};
use crate::domain::permission::{system_role_permissions, OWNER, SYSTEM_ROLES};
use crate::domain::pipeline::PipelineFields;
use crate::domain::validate::patch as patch_field;
use crate::error::AppError;
use crate::on;
use crate::server::auth::Member;
use crate::server::clock::Zone;
use crate::server::db::Conn;
use crate::server::repo::{employees, pipelines};

#[derive(FromRow)]
struct OrgRow {
    id: i64,
    name: String,
    slug: String,
    industry: Option<String>,
    website: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    address: Option<String>,
    currency: String,
    time_zone: String,
    is_active: bool,
    owner_id: Option<i64>,
    created_at: DateTime<Utc>,
}

impl From<OrgRow> for Organization {
    fn from(r: OrgRow) -> Self {
        Organization {
            id: r.id,
            name: r.name,
            slug: r.slug,
            industry: r.industry,
            website: r.website,
            email: r.email,
            phone: r.phone,
            address: r.address,
            currency: r.currency,
            time_zone: r.time_zone,
            is_active: r.is_active,
            owner_id: r.owner_id,
            created_at: r.created_at,
        }
    }
}

const COLUMNS: &str =
    "id, name, slug, industry, website, email, phone, address, currency, time_zone, is_active, owner_id, created_at";

/// Creates an organization owned by `owner_id`, with the system roles, the owner's membership
/// and employee record, and the default pipeline. Run inside a write transaction.
#[tracing::instrument(skip(conn))]
pub async fn create(conn: &mut Conn, name: &str, owner_id: i64) -> Result<i64, AppError> {
    let now = now();
    let base = slugify(name);
    let mut slug = base.clone();
    for n in 2.. {
        let taken = on!(conn, c => sqlx::query_scalar::<_, i64>("select count(*) from organizations where slug = $1").bind(&slug).fetch_one(c).await?);
        if taken == 0 {
            break;
        }
        slug = format!("{base}-{n}");
    }
    let sql = "insert into organizations (name, slug, owner_id, created_at, updated_at) values ($1, $2, $3, $4, $4) returning id";
    let org_id = on!(conn, c => sqlx::query_scalar::<_, i64>(sql).bind(name).bind(&slug).bind(owner_id).bind(now).fetch_one(c).await?);

    for role in SYSTEM_ROLES {
        let sql = "insert into roles (organization_id, slug, name, description, is_system, created_at) values ($1, $2, $3, $4, true, $5) returning id";
        let role_id = on!(conn, c => sqlx::query_scalar::<_, i64>(sql)
            .bind(org_id).bind(role.slug).bind(role.name).bind(role.description).bind(now)
            .fetch_one(c).await?);
        for permission in system_role_permissions(role.slug) {
            let sql = "insert into role_permissions (role_id, permission) values ($1, $2)";
            on!(conn, c => sqlx::query(sql).bind(role_id).bind(&permission).execute(c).await?.rows_affected());
        }
    }
    add_member(conn, org_id, owner_id, OWNER).await?;

    let default_pipeline = PipelineFields {
        name: "Sales pipeline".into(),
        description: Some("Default sales pipeline".into()),
        is_active: true,
    };
    pipelines::create(conn, org_id, &default_pipeline, &pipelines::standard_stages(), true).await?;
    Ok(org_id)
}

pub async fn get(conn: &mut Conn, org_id: i64) -> Result<Organization, AppError> {
    let sql = format!("select {COLUMNS} from organizations where id = $1");
    let row = on!(conn, c => sqlx::query_as::<_, OrgRow>(&sql).bind(org_id).fetch_optional(c).await?);
    row.map(Into::into).ok_or(AppError::NotFound)
}

/// The organization's time zone: what "today" is for the dates it records (a deal's close
/// date) and compares (a task due today).
pub async fn zone(conn: &mut Conn, org_id: i64) -> Result<Zone, AppError> {
    let name: String = on!(conn, c => sqlx::query_scalar("select time_zone from organizations where id = $1")
        .bind(org_id).fetch_optional(c).await?)
    .ok_or(AppError::NotFound)?;
    Ok(Zone::named(&name))
}

#[tracing::instrument(skip(conn, patch))]
pub async fn update(conn: &mut Conn, org_id: i64, patch: OrganizationPatch) -> Result<Organization, AppError> {
    let mut org = get(conn, org_id).await?;
    patch_field(&mut org.name, patch.name);
    patch_field(&mut org.industry, patch.industry);
    patch_field(&mut org.website, patch.website);
    patch_field(&mut org.email, patch.email);
    patch_field(&mut org.phone, patch.phone);
    patch_field(&mut org.address, patch.address);
    patch_field(&mut org.currency, patch.currency);
    patch_field(&mut org.time_zone, patch.time_zone);
    let sql = "update organizations set name = $1, industry = $2, website = $3, email = $4, phone = $5, address = $6,
               currency = $7, time_zone = $8, updated_at = $9 where id = $10";
    let now = now();
    on!(conn, c => sqlx::query(sql)
        .bind(&org.name).bind(&org.industry).bind(&org.website).bind(&org.email).bind(&org.phone).bind(&org.address)
        .bind(&org.currency).bind(&org.time_zone).bind(now).bind(org_id)
        .execute(c).await?.rows_affected());
    Ok(org)
}

#[derive(FromRow)]
struct MembershipRow {
    role_id: i64,
    slug: String,
    employee_id: Option<i64>,
    customer_id: Option<i64>,
}

/// The active membership of a user in an organization, with its permissions.
#[tracing::instrument(skip(conn))]
pub async fn membership(conn: &mut Conn, user_id: i64, org_id: i64) -> Result<Option<Member>, AppError> {
    let sql = "select m.role_id, r.slug, e.id as employee_id, m.customer_id
               from memberships m
               join roles r on r.id = m.role_id
               join organizations o on o.id = m.organization_id
               left join employees e on e.organization_id = m.organization_id and e.user_id = m.user_id
               where m.user_id = $1 and m.organization_id = $2 and m.is_active and o.is_active";
    let Some(row) =
        on!(conn, c => sqlx::query_as::<_, MembershipRow>(sql).bind(user_id).bind(org_id).fetch_optional(c).await?)
    else {
        return Ok(None);
    };
    let sql = "select permission from role_permissions where role_id = $1 order by permission";
    let permissions = on!(conn, c => sqlx::query_scalar::<_, String>(sql).bind(row.role_id).fetch_all(c).await?);
    Ok(Some(Member { org_id, role: row.slug, permissions, employee_id: row.employee_id, customer_id: row.customer_id }))
}

/// The organization a user lands in after signing in: the first they joined.
pub async fn first_for_user(conn: &mut Conn, user_id: i64) -> Result<Option<i64>, AppError> {
    let sql = "select m.organization_id from memberships m join organizations o on o.id = m.organization_id
               where m.user_id = $1 and m.is_active and o.is_active order by m.joined_at, m.id limit 1";
    Ok(on!(conn, c => sqlx::query_scalar::<_, i64>(sql).bind(user_id).fetch_optional(c).await?))
}

#[derive(FromRow)]
struct SummaryRow {
    id: i64,
    name: String,
    slug: String,
    currency: String,
    role: String,
}

/// Organizations a user is an active member of.
pub async fn list_for_user(conn: &mut Conn, user_id: i64, current: Option<i64>) -> Result<Vec<OrgSummary>, AppError> {
    let sql = "select o.id, o.name, o.slug, o.currency, r.slug as role
               from memberships m join organizations o on o.id = m.organization_id join roles r on r.id = m.role_id
               where m.user_id = $1 and m.is_active and o.is_active order by o.name, o.id";
    let rows = on!(conn, c => sqlx::query_as::<_, SummaryRow>(sql).bind(user_id).fetch_all(c).await?);
    Ok(rows
        .into_iter()
        .map(|r| OrgSummary {
            is_current: Some(r.id) == current,
            id: r.id,
            name: r.name,
            slug: r.slug,
            currency: r.currency,
            role: r.role,
        })
        .collect())
}

#[derive(FromRow)]
struct MemberRow {
    user_id: i64,
    email: String,
    first_name: String,
    last_name: String,
    role: String,
    role_name: String,
    is_active: bool,
    joined_at: DateTime<Utc>,
}

pub async fn members(conn: &mut Conn, org_id: i64) -> Result<Vec<MemberInfo>, AppError> {
    let sql = "select u.id as user_id, u.email, u.first_name, u.last_name, r.slug as role, r.name as role_name, m.is_active, m.joined_at
               from memberships m join users u on u.id = m.user_id join roles r on r.id = m.role_id
               where m.organization_id = $1 order by u.first_name, u.last_name, u.id";
    let rows = on!(conn, c => sqlx::query_as::<_, MemberRow>(sql).bind(org_id).fetch_all(c).await?);
    Ok(rows
        .into_iter()
        .map(|r| MemberInfo {
            user_id: r.user_id,
            email: r.email,
            first_name: r.first_name,
            last_name: r.last_name,
            role: r.role,
            role_name: r.role_name,
            is_active: r.is_active,
            joined_at: r.joined_at,
        })
        .collect())
}

/// Adds a user to an organization with a role (by slug), or changes the role and reactivates
/// an existing membership. Also gives the user an employee record there if they have none.
#[tracing::instrument(skip(conn))]
pub async fn add_member(conn: &mut Conn, org_id: i64, user_id: i64, role_slug: &str) -> Result<(), AppError> {
    let sql = "select id from roles where organization_id = $1 and slug = $2";
    let role_id =
        on!(conn, c => sqlx::query_scalar::<_, i64>(sql).bind(org_id).bind(role_slug).fetch_optional(c).await?)
            .ok_or_else(|| AppError::field("role", "is not a role of this organization"))?;
    let now = now();
    let existing = on!(conn, c => sqlx::query_scalar::<_, i64>("select id from memberships where user_id = $1 and organization_id = $2")
        .bind(user_id).bind(org_id).fetch_optional(c).await?);
    match existing {
        Some(id) => {
            on!(conn, c => sqlx::query("update memberships set role_id = $1, is_active = true where id = $2").bind(role_id).bind(id).execute(c).await?.rows_affected());
        }
        None => {
            let sql = "insert into memberships (user_id, organization_id, role_id, is_active, joined_at) values ($1, $2, $3, true, $4)";
            on!(conn, c => sqlx::query(sql).bind(user_id).bind(org_id).bind(role_id).bind(now).execute(c).await?.rows_affected());
        }
    }
    if role_slug != crate::domain::permission::CUSTOMER {
        employees::ensure_for_user(conn, org_id, user_id).await?;
    }
    Ok(())
}

/// The role (slug) of a user's membership in an organization, active or not.
pub async fn role_of(conn: &mut Conn, org_id: i64, user_id: i64) -> Result<Option<String>, AppError> {
    let sql = "select r.slug from memberships m join roles r on r.id = m.role_id
               where m.organization_id = $1 and m.user_id = $2";
    Ok(on!(conn, c => sqlx::query_scalar::<_, String>(sql).bind(org_id).bind(user_id).fetch_optional(c).await?))
}

/// Deactivates a user's membership in an organization: their sessions and API tokens no
/// longer reach it (every request looks the membership up, see [`membership`]).
#[tracing::instrument(skip(conn))]
pub async fn deactivate_member(conn: &mut Conn, org_id: i64, user_id: i64) -> Result<(), AppError> {
    let sql = "update memberships set is_active = false where organization_id = $1 and user_id = $2";
    on!(conn, c => sqlx::query(sql).bind(org_id).bind(user_id).execute(c).await?.rows_affected());
    Ok(())
}

/// Binds a portal member to the customer record whose orders, payments and issues they see
/// (`None`: a staff member again).
#[tracing::instrument(skip(conn))]
pub async fn bind_customer(
    conn: &mut Conn,
    org_id: i64,
    user_id: i64,
    customer_id: Option<i64>,
) -> Result<(), AppError> {
    let sql = "update memberships set customer_id = $1 where organization_id = $2 and user_id = $3";
    on!(conn, c => sqlx::query(sql).bind(customer_id).bind(org_id).bind(user_id).execute(c).await?.rows_affected());
    Ok(())
}
