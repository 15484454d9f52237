//! The database: one pool, SQLite or PostgreSQL chosen from the URL at start.
//!
//! Repositories write each query once, with `$n` placeholders and portable SQL, and run it
//! through [`on!`](crate::on), which expands the same code for both backends.

use std::str::FromStr;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction};

use crate::error::AppError;

/// Which database engine a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Backend, AppError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else {
            Err(AppError::BadRequest("DATABASE_URL must start with sqlite: or postgres://".into()))
        }
    }
}

/// The connection pool.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A connection for a unit of work: either a plain pooled connection (reads) or an open
/// transaction (writes; `BEGIN IMMEDIATE` on SQLite so writers queue instead of deadlocking).
pub enum Conn {
    Sqlite(PoolConnection<Sqlite>),
    SqliteTx(Transaction<'static, Sqlite>),
    Postgres(PoolConnection<Postgres>),
    PostgresTx(Transaction<'static, Postgres>),
}

/// The raw connection behind a [`Conn`], for the [`on!`](crate::on) macro.
pub enum Raw<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

/// Runs `$body` with `$c` bound to the backend's raw connection (`&mut SqliteConnection` or
/// `&mut PgConnection`). The body is compiled once per backend, so it may use any query API.
#[macro_export]
macro_rules! on {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn.raw() {
            $crate::server::db::Raw::Sqlite($c) => $body,
            $crate::server::db::Raw::Postgres($c) => $body,
        }
    };
}

impl Db {
    /// Opens a pool for `url`. A SQLite file is created when missing.
    pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        match Backend::from_url(url).map_err(|e| sqlx::Error::Configuration(e.to_string().into()))? {
            Backend::Sqlite => {
                let options = SqliteConnectOptions::from_str(url)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
                    .pragma("cache_size", "-8000")
                    .pragma("temp_store", "memory");
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .min_connections(1)
                    .acquire_timeout(Duration::from_secs(15))
                    .connect_with(options)
                    .await?;
                Ok(Db::Sqlite(pool))
            }
            Backend::Postgres => {
                let options = PgConnectOptions::from_str(url)?;
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(15))
                    .connect_with(options)
                    .await?;
                Ok(Db::Postgres(pool))
            }
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies the pending migrations of this backend's folder.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self {
            Db::Sqlite(pool) => sqlx::migrate!("migrations/sqlite").run(pool).await,
            Db::Postgres(pool) => sqlx::migrate!("migrations/postgres").run(pool).await,
        }
    }

    /// A connection for reads.
    pub async fn read(&self) -> Result<Conn, AppError> {
        Ok(match self {
            Db::Sqlite(pool) => Conn::Sqlite(pool.acquire().await?),
            Db::Postgres(pool) => Conn::Postgres(pool.acquire().await?),
        })
    }

    /// A read-only transaction that sees one state of the database throughout, for reads in
    /// several queries that must agree (an export read page by page).
    pub async fn snapshot(&self) -> Result<Conn, AppError> {
        Ok(match self {
            // WAL: a read transaction keeps the snapshot of its first read.
            Db::Sqlite(pool) => Conn::SqliteTx(pool.begin().await?),
            Db::Postgres(pool) => {
                Conn::PostgresTx(pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY").await?)
            }
        })
    }

    /// A transaction for writes; commit it with [`Conn::commit`], or drop it to roll back.
    ///
    /// It begins in a task of its own, which a dropped request (its client went away while it
    /// queued for SQLite's write lock) cannot cut short: sqlx's `begin_with` has a moment after
    /// `BEGIN` ran and before it hands over the transaction where a drop leaves the connection
    /// inside a transaction nobody owns, back in the pool; that connection then kept the write
    /// lock and failed every later write. Finished here, the transaction is always owned, and
    /// dropping it rolls back.
    pub async fn write(&self) -> Result<Conn, AppError> {
        let db = self.clone();
        let begin = tokio::spawn(async move {
            Ok::<_, sqlx::Error>(match db {
                Db::Sqlite(pool) => Conn::SqliteTx(pool.begin_with("BEGIN IMMEDIATE").await?),
                Db::Postgres(pool) => Conn::PostgresTx(pool.begin().await?),
            })
        });
        Ok(begin.await.map_err(|_| AppError::Internal)??)
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(pool) => pool.close().await,
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

impl Conn {
    pub fn raw(&mut self) -> Raw<'_> {
        match self {
            Conn::Sqlite(c) => Raw::Sqlite(c),
            Conn::SqliteTx(t) => Raw::Sqlite(t),
            Conn::Postgres(c) => Raw::Postgres(c),
            Conn::PostgresTx(t) => Raw::Postgres(t),
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Conn::Sqlite(_) | Conn::SqliteTx(_) => Backend::Sqlite,
            Conn::Postgres(_) | Conn::PostgresTx(_) => Backend::Postgres,
        }
    }

    /// Commits the transaction (a no-op for a read connection).
    pub async fn commit(self) -> Result<(), AppError> {
        match self {
            Conn::SqliteTx(t) => t.commit().await?,
            Conn::PostgresTx(t) => t.commit().await?,
            Conn::Sqlite(_) | Conn::Postgres(_) => {}
        }
        Ok(())
    }
}

/// Whether a database error is a unique-constraint violation.
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::RowNotFound => AppError::NotFound,
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                tracing::warn!(error = %err, "database unavailable");
                AppError::Unavailable
            }
            sqlx::Error::Database(db) if db.code().as_deref() == Some("5") => {
                // SQLITE_BUSY after the busy timeout: the writer queue is saturated.
                tracing::warn!(error = %err, "database busy");
                AppError::Unavailable
            }
            _ => {
                tracing::error!(error = %err, "database error");
                AppError::Internal
            }
        }
    }
}
