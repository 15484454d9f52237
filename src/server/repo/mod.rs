//! All SQL lives here: one module per entity. Every function that touches tenant-owned rows
//! takes the organization id from the caller's membership and puts it in the `where` clause.

pub mod activities;
pub mod analytics;
pub mod attempts;
pub mod customers;
pub mod deals;
pub mod employees;
pub mod invitations;
pub mod issues;
pub mod jobs;
pub mod leads;
pub mod numbers;
pub mod orders;
pub mod organizations;
pub mod password_resets;
pub mod payments;
pub mod pipelines;
pub mod reminders;
pub mod roles;
pub mod templates;
pub mod tokens;
pub mod users;
pub mod vendors;
pub mod webhooks;

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::list::ListParams;
use crate::error::AppError;
use crate::on;
use crate::server::auth::caller::Scope;
use crate::server::db::{Conn, Raw};

/// A value bound to a dynamically built query.
#[derive(Debug, Clone)]
pub enum Arg {
    Int(i64),
    Text(String),
    Time(DateTime<Utc>),
    Date(NaiveDate),
}

/// A query assembled from optional filters, with `$n` placeholders numbered as they are added.
#[derive(Debug, Default)]
pub struct Sql {
    pub text: String,
    pub args: Vec<Arg>,
}

impl Sql {
    pub fn new(text: &str) -> Sql {
        Sql { text: text.to_owned(), args: Vec::new() }
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder for `arg` and returns it (`$3`).
    pub fn arg(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        format!("${}", self.args.len())
    }

    /// Appends `text` with every `?` replaced by a placeholder for `arg` (the same value).
    pub fn push_with(&mut self, text: &str, arg: Arg) -> &mut Self {
        let placeholder = self.arg(arg);
        self.text.push_str(&text.replace('?', &placeholder));
        self
    }
}

/// Binds every [`Arg`] of a [`Sql`] to a query (`sqlx::query`, `query_as` or `query_scalar`).
#[macro_export]
macro_rules! bind_args {
    ($query:expr, $args:expr) => {{
        let mut q = $query;
        for arg in $args {
            q = match arg {
                $crate::server::repo::Arg::Int(v) => q.bind(*v),
                $crate::server::repo::Arg::Text(v) => q.bind(v.as_str()),
                $crate::server::repo::Arg::Time(v) => q.bind(*v),
                $crate::server::repo::Arg::Date(v) => q.bind(*v),
            };
        }
        q
    }};
}

/// The ids of one page of a list, and how many records match in all.
///
/// `page` selects ids with `limit`/`offset`; `count` builds the query for the total, which
/// runs only when the page cannot tell: a first or later page that is neither full nor empty
/// ends the list, so the total is known without counting. (A window `count(*) over ()` would
/// sort every matching row; a plain count walks an index.)
pub async fn page_of_ids(
    conn: &mut Conn,
    page: Sql,
    count: impl FnOnce() -> Sql,
    params: &ListParams,
) -> Result<(Vec<i64>, i64), AppError> {
    let ids = on!(conn, c => bind_args!(sqlx::query_scalar::<_, i64>(&page.text), &page.args).fetch_all(c).await?);
    let shown = ids.len() as i64;
    let total = if shown < params.page_size && (shown > 0 || params.page == 1) {
        params.offset() + shown
    } else {
        let sql = count();
        on!(conn, c => bind_args!(sqlx::query_scalar::<_, i64>(&sql.text), &sql.args).fetch_one(c).await?)
    };
    Ok((ids, total))
}

/// Narrows a query to the records `scope` lets the caller see. `assigned`: the condition, with
/// one `?` for the employee, that a record is the caller's (` and d.assigned_to = ?`);
/// `of_customer`: the same for a portal customer's own records, `None` for the kinds of record
/// the portal never shows.
pub(crate) fn restrict(sql: &mut Sql, scope: Scope, assigned: &str, of_customer: Option<&str>) {
    match (scope, of_customer) {
        (Scope::All, _) => {}
        (Scope::AssignedTo(Some(employee)), _) => {
            sql.push_with(assigned, Arg::Int(employee));
        }
        (Scope::OfCustomer(customer), Some(condition)) => {
            sql.push_with(condition, Arg::Int(customer));
        }
        (Scope::AssignedTo(None) | Scope::OfCustomer(_), _) => {
            sql.push(" and 1 = 0");
        }
    }
}

/// How a list's `search` narrows its rows. Every searchable entity has a lower-cased
/// `search_text` column indexed by trigrams together with the organization: on SQLite the FTS5
/// table `<table>_search`, whose rowids are `(organization_id << 40) + id` (migration 0012), on
/// PostgreSQL a GIN index over `(organization_id, search_text gin_trgm_ops)`. So a term common in
/// other organizations costs what its matches in this one cost.
#[derive(Debug)]
pub enum Search {
    None,
    /// A selective term: the ids of every match in the organization, so that the few matches
    /// drive the query (given only the term, both backends walk the organization's list order
    /// and test each row: 30 ms instead of 1 on 100,000 rows).
    Ids(Vec<i64>),
    /// SQLite, a broad term: the organization's range of the trigram table as a subquery.
    Fts {
        table: &'static str,
        phrase: String,
        org_id: i64,
    },
    /// A `like` pattern on `search_text`: a broad term on PostgreSQL (the list order finds
    /// matches quickly), and terms under three characters, which no trigram index can look up.
    Like(String),
}

/// Up to this many matches, a search passes the matching ids to the list query.
const FEW_MATCHES: i64 = 2000;

/// The first and last rowid of an organization's entries in a SQLite trigram table.
fn org_rowids(org_id: i64) -> (i64, i64) {
    let first = org_id << 40;
    (first, first + (1 << 40) - 1)
}

impl Search {
    /// Looks `term` up in the trigram index of `table` (a searchable entity's table, never
    /// client text) within the organization.
    pub async fn prepare(
        conn: &mut Conn,
        table: &'static str,
        org_id: i64,
        term: Option<&str>,
    ) -> Result<Search, AppError> {
        let Some(term) = term.map(str::to_lowercase) else {
            return Ok(Search::None);
        };
        if term.chars().count() < 3 {
            return Ok(Search::Like(contains_pattern(&term)));
        }
        let ids = match conn.raw() {
            Raw::Sqlite(c) => {
                // One quoted phrase: no FTS syntax in the term is interpreted.
                let phrase = format!("\"{}\"", term.replace('"', "\"\""));
                let (first, last) = org_rowids(org_id);
                let sql = format!(
                    "select rowid - $2 from {table}_search where {table}_search match $1 and rowid between $2 and $3 limit $4"
                );
                let ids = sqlx::query_scalar::<_, i64>(&sql)
                    .bind(&phrase)
                    .bind(first)
                    .bind(last)
                    .bind(FEW_MATCHES + 1)
                    .fetch_all(c)
                    .await?;
                if ids.len() as i64 > FEW_MATCHES {
                    return Ok(Search::Fts { table, phrase, org_id });
                }
                ids
            }
            Raw::Postgres(c) => {
                // Materialized, the matches are planned alone: the planner, which cannot
                // estimate a substring's rarity, would otherwise walk the list order instead
                // of the index.
                let pattern = contains_pattern(&term);
                let sql = format!(
                    "with m as materialized (select id from {table} where organization_id = $1
                       and search_text like $2 escape '\\') select id from m limit $3"
                );
                let ids = sqlx::query_scalar::<_, i64>(&sql)
                    .bind(org_id)
                    .bind(&pattern)
                    .bind(FEW_MATCHES + 1)
                    .fetch_all(c)
                    .await?;
                if ids.len() as i64 > FEW_MATCHES {
                    return Ok(Search::Like(pattern));
                }
                ids
            }
        };
        Ok(Search::Ids(ids))
    }

    /// Appends the condition to a query on `<alias>`, the table the search was prepared on.
    pub fn push(&self, sql: &mut Sql, alias: &str) {
        match self {
            Search::None => {}
            Search::Ids(ids) if ids.is_empty() => {
                sql.push(" and 1 = 0");
            }
            Search::Ids(ids) => {
                let placeholders: Vec<String> = ids.iter().map(|id| sql.arg(Arg::Int(*id))).collect();
                sql.push(&format!(" and {alias}.id in ({})", placeholders.join(", ")));
            }
            Search::Fts { table, phrase, org_id } => {
                let (first, last) = org_rowids(*org_id);
                let phrase = sql.arg(Arg::Text(phrase.clone()));
                let (first, last) = (sql.arg(Arg::Int(first)), sql.arg(Arg::Int(last)));
                sql.push(&format!(
                    " and {alias}.id in (select rowid - {first} from {table}_search \
                     where {table}_search match {phrase} and rowid between {first} and {last})"
                ));
            }
            Search::Like(pattern) => {
                sql.push_with(&format!(" and {alias}.search_text like ? escape '\\'"), Arg::Text(pattern.clone()));
            }
        }
    }
}

/// A `like` pattern matching `term` anywhere, case-insensitively (compare with `lower(col)`),
/// with `%`, `_` and `\` escaped (use `escape '\'`).
pub fn contains_pattern(term: &str) -> String {
    let mut p = String::with_capacity(term.len() + 2);
    p.push('%');
    for ch in term.to_lowercase().chars() {
        if matches!(ch, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(ch);
    }
    p.push('%');
    p
}

/// Which of `emails` (lower case) a record of `table` (`customers` or `leads`, never client
/// text) of the organization already has.
pub async fn emails_taken(
    conn: &mut Conn,
    table: &'static str,
    org_id: i64,
    emails: &[String],
) -> Result<std::collections::HashSet<String>, AppError> {
    let mut taken = std::collections::HashSet::new();
    for chunk in emails.chunks(1000) {
        let mut sql = Sql::new(&format!("select lower(email) from {table}"));
        sql.push_with(" where organization_id = ?", Arg::Int(org_id));
        let placeholders: Vec<String> = chunk.iter().map(|e| sql.arg(Arg::Text(e.clone()))).collect();
        sql.push(&format!(" and lower(email) in ({})", placeholders.join(", ")));
        let found: Vec<String> =
            on!(conn, c => bind_args!(sqlx::query_scalar::<_, String>(&sql.text), &sql.args).fetch_all(c).await?);
        taken.extend(found);
    }
    Ok(taken)
}

/// The current time, truncated to microseconds so that it survives both backends unchanged.
pub fn now() -> DateTime<Utc> {
    let now = Utc::now();
    DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}

/// Whether a database error is a foreign-key violation (a row still referred to).
pub fn is_foreign_key_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_foreign_key_violation())
}

/// Parses an enum value read back from the database; a bad one is a bug, logged as such.
pub fn parse_stored<T: std::str::FromStr<Err = String>>(value: &str) -> Result<T, crate::error::AppError> {
    value.parse().map_err(|e: String| {
        tracing::error!(value, error = %e, "unexpected enum value in the database");
        crate::error::AppError::Internal
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(contains_pattern("50%_A\\b"), "%50\\%\\_a\\\\b%");
    }

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut sql = Sql::new("select 1 where a = $1");
        sql.args.push(Arg::Int(1));
        sql.push_with(" and (b like ? or c like ?)", Arg::Text("x".into()));
        assert_eq!(sql.text, "select 1 where a = $1 and (b like $2 or c like $2)");
        assert_eq!(sql.args.len(), 2);
    }
}
