//! Vendors.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{now, page_of_ids, parse_stored, Arg, Search, Sql};
use crate::bind_args;
use crate::domain::list::ListParams;
use crate::domain::vendor::{Vendor, VendorFields, VendorFilter, VendorType, VendorTypeInfo};
use crate::error::AppError;
use crate::on;
use crate::server::db::Conn;

#[derive(FromRow)]
struct VendorRow {
    id: i64,
    name: String,
    company: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    website: Option<String>,
    vendor_type: String,
    contact_person: Option<String>,
    status: String,
    rating: Option<i64>,
    street: Option<String>,
    city: Option<String>,
    state: Option<String>,
    postal_code: Option<String>,
    country: Option<String>,
    payment_terms: Option<String>,
    notes: Option<String>,
    created_by: Option<i64>,
    updated_by: Option<i64>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
}

impl TryFrom<VendorRow> for Vendor {
    type Error = AppError;
    fn try_from(r: VendorRow) -> Result<Self, AppError> {
        Ok(Vendor {
            id: r.id,
            fields: VendorFields {
                name: r.name,
                company: r.company,
                email: r.email,
                phone: r.phone,
                website: r.website,
                vendor_type: parse_stored(&r.vendor_type)?,
                contact_person: r.contact_person,
                status: parse_stored(&r.status)?,
                rating: r.rating,
                street: r.street,
                city: r.city,
                state: r.state,
                postal_code: r.postal_code,
                country: r.country,
                payment_terms: r.payment_terms,
                notes: r.notes,
            },
            created_by: r.created_by,
            updated_by: r.updated_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
    }
}

const SELECT: &str = "select v.id, v.name, v.company, v.email, v.phone, v.website, v.vendor_type, v.contact_person,
    v.status, v.rating, v.street, v.city, v.state, v.postal_code, v.country, v.payment_terms, v.notes,
    v.created_by, v.updated_by, v.created_at, v.updated_at, v.version
    from vendors v";

fn filtered(mut sql: Sql, search: &Search, org_id: i64, filter: &VendorFilter) -> Sql {
    sql.push_with(" where v.organization_id = ?", Arg::Int(org_id));
    if let Some(t) = filter.vendor_type {
        sql.push_with(" and v.vendor_type = ?", Arg::Text(t.as_str().into()));
    }
    if let Some(s) = filter.status {
        sql.push_with(" and v.status = ?", Arg::Text(s.as_str().into()));
    }
    search.push(&mut sql, "v");
    sql
}

/// One page of vendors, and how many match in all.
#[tracing::instrument(skip(conn))]
pub async fn list(
    conn: &mut Conn,
    org_id: i64,
    filter: &VendorFilter,
    params: &ListParams,
) -> Result<(Vec<Vendor>, i64), AppError> {
    let search = Search::prepare(conn, "vendors", org_id, filter.search.as_deref()).await?;
    let dir = if params.descending { "desc" } else { "asc" };
    // `order_by` is one of the whitelisted names of `vendor::SORTABLE`, never client text.
    let order = match params.order_by {
        "rating" => format!(" order by (v.rating is null), v.rating {dir}, v.id {dir}"),
        field => format!(" order by v.{field} {dir}, v.id {dir}"),
    };
    let mut page = filtered(Sql::new("select v.id from vendors v"), &search, org_id, filter);
    page.push(&order)
        .push_with(" limit ?", Arg::Int(params.page_size))
        .push_with(" offset ?", Arg::Int(params.offset()));
    let count = || filtered(Sql::new("select count(*) from vendors v"), &search, org_id, filter);
    let (ids, count) = page_of_ids(conn, page, count, params).await?;
    if ids.is_empty() {
        return Ok((Vec::new(), count));
    }
    let mut sql = Sql::new(SELECT);
    let placeholders: Vec<String> = ids.into_iter().map(|id| sql.arg(Arg::Int(id))).collect();
    sql.push(&format!(" where v.id in ({})", placeholders.join(", ")));
    sql.push_with(" and v.organization_id = ?", Arg::Int(org_id));
    sql.push(&order);
    let rows = on!(conn, c => bind_args!(sqlx::query_as::<_, VendorRow>(&sql.text), &sql.args).fetch_all(c).await?);
    let vendors = rows.into_iter().map(TryInto::try_into).collect::<Result<Vec<_>, _>>()?;
    Ok((vendors, count))
}

/// One vendor of the organization; `NotFound` otherwise.
#[tracing::instrument(skip(conn))]
pub async fn get(conn: &mut Conn, org_id: i64, id: i64) -> Result<Vendor, AppError> {
    let sql = format!("{SELECT} where v.id = $1 and v.organization_id = $2");
    let row = on!(conn, c => sqlx::query_as::<_, VendorRow>(&sql).bind(id).bind(org_id).fetch_optional(c).await?);
    row.ok_or(AppError::NotFound)?.try_into()
}

/// The name of a vendor of the organization; `None` when there is no such vendor.
pub async fn name_of(conn: &mut Conn, org_id: i64, id: i64) -> Result<Option<String>, AppError> {
    let sql = "select name from vendors where id = $1 and organization_id = $2";
    Ok(on!(conn, c => sqlx::query_scalar::<_, String>(sql).bind(id).bind(org_id).fetch_optional(c).await?))
}

#[tracing::instrument(skip(conn, f))]
pub async fn create(conn: &mut Conn, org_id: i64, user_id: i64, f: &VendorFields) -> Result<i64, AppError> {
    let now = now();
    let search = f.search_text();
    let sql = "insert into vendors (organization_id, name, company, email, phone, website, vendor_type, contact_person,
               status, rating, street, city, state, postal_code, country, payment_terms, notes,
               created_by, updated_by, created_at, updated_at, version, search_text)
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, $19, $19, 1, $20)
               returning id";
    Ok(on!(conn, c => sqlx::query_scalar::<_, i64>(sql)
        .bind(org_id).bind(&f.name).bind(&f.company).bind(&f.email).bind(&f.phone).bind(&f.website)
        .bind(f.vendor_type.as_str()).bind(&f.contact_person).bind(f.status.as_str()).bind(f.rating)
        .bind(&f.street).bind(&f.city).bind(&f.state).bind(&f.postal_code).bind(&f.country)
        .bind(&f.payment_terms).bind(&f.notes).bind(user_id).bind(now).bind(&search)
        .fetch_one(c).await?))
}

/// Writes all editable fields of a vendor; `Conflict` when `expected_version` is stale.
#[tracing::instrument(skip(conn, f))]
pub async fn update(
    conn: &mut Conn,
    org_id: i64,
    id: i64,
    user_id: i64,
    f: &VendorFields,
    expected_version: Option<i64>,
) -> Result<(), AppError> {
    let now = now();
    let search = f.search_text();
    let sql = "update vendors set name = $1, company = $2, email = $3, phone = $4, website = $5, vendor_type = $6,
               contact_person = $7, status = $8, rating = $9, street = $10, city = $11, state = $12, postal_code = $13,
               country = $14, payment_terms = $15, notes = $16, updated_by = $17, updated_at = $18,
               version = version + 1, search_text = $19
               where id = $20 and organization_id = $21 and ($22 = 0 or version = $22)";
    let done = on!(conn, c => sqlx::query(sql)
        .bind(&f.name).bind(&f.company).bind(&f.email).bind(&f.phone).bind(&f.website).bind(f.vendor_type.as_str())
        .bind(&f.contact_person).bind(f.status.as_str()).bind(f.rating).bind(&f.street).bind(&f.city).bind(&f.state)
        .bind(&f.postal_code).bind(&f.country).bind(&f.payment_terms).bind(&f.notes).bind(user_id).bind(now)
        .bind(&search).bind(id).bind(org_id).bind(expected_version.unwrap_or(0))
        .execute(c).await?.rows_affected());
    if done == 0 {
        return Err(AppError::Conflict("this vendor was changed by someone else; reload and try again".into()));
    }
    Ok(())
}

/// Deletes a vendor; `Conflict` while orders or payments refer to it (issues lose the link).
pub async fn delete(conn: &mut Conn, org_id: i64, id: i64) -> Result<(), AppError> {
    let sql = "select (select count(*) from orders where vendor_id = $1 and organization_id = $2),
                      (select count(*) from payments where vendor_id = $1 and organization_id = $2)";
    let (orders, payments) =
        on!(conn, c => sqlx::query_as::<_, (i64, i64)>(sql).bind(id).bind(org_id).fetch_one(c).await?);
    if orders > 0 || payments > 0 {
        return Err(AppError::Conflict(format!(
            "this vendor has {orders} order(s) and {payments} payment(s); it cannot be deleted while they refer to it \
             (set its status to inactive instead)"
        )));
    }
    let sql = "delete from vendors where id = $1 and organization_id = $2";
    let done = on!(conn, c => sqlx::query(sql).bind(id).bind(org_id).execute(c).await.map(|r| r.rows_affected()));
    match done {
        Ok(0) => Err(AppError::NotFound),
        Ok(_) => Ok(()),
        // An order or payment referring to it was committed meanwhile (PostgreSQL).
        Err(e) if super::is_foreign_key_violation(&e) => {
            Err(AppError::Conflict("orders or payments refer to this vendor; it cannot be deleted".into()))
        }
        Err(e) => Err(e.into()),
    }
}

/// Every vendor type with its label and how many of the organization's vendors have it.
pub async fn types(conn: &mut Conn, org_id: i64) -> Result<Vec<VendorTypeInfo>, AppError> {
    let sql = "select vendor_type, count(*) from vendors where organization_id = $1 group by vendor_type";
    let rows = on!(conn, c => sqlx::query_as::<_, (String, i64)>(sql).bind(org_id).fetch_all(c).await?);
    Ok(VendorType::ALL
        .iter()
        .map(|t| VendorTypeInfo {
            value: *t,
            label: t.label().to_owned(),
            count: rows.iter().find(|(v, _)| v == t.as_str()).map_or(0, |(_, n)| *n),
        })
        .collect())
}
