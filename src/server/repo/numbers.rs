//! Document numbers (`ORD-2026-0001`): one counter row per organization, kind and year.

use crate::domain::number::{format_number, NumberKind};
use crate::error::AppError;
use crate::on;
use crate::server::db::Conn;

/// Takes the next number of `kind` for `year`. Call it in the transaction that inserts the
/// numbered row: the upsert locks the counter row until that transaction ends, so concurrent
/// creates queue on it and every number is given once, without gaps (a rolled-back create
/// rolls its number back too).
pub async fn next(conn: &mut Conn, org_id: i64, kind: NumberKind, year: i32) -> Result<String, AppError> {
    let sql = "insert into number_counters (organization_id, kind, year, last) values ($1, $2, $3, 1)
               on conflict (organization_id, kind, year) do update set last = number_counters.last + 1
               returning last";
    let n = on!(conn, c => sqlx::query_scalar::<_, i64>(sql)
        .bind(org_id).bind(kind.as_str()).bind(i64::from(year))
        .fetch_one(c).await?);
    Ok(format_number(kind, year, n))
}
