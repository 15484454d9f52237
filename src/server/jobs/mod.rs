//! The app's one durable queue of background jobs: mail (reminders are mail queued by the
//! worker itself, see [`reminders`]) and webhook deliveries ([`webhooks`]).
//!
//! - A job is queued with [`queue_mail`] (or [`repo::jobs::insert`]) inside the transaction of
//!   the change that causes it: no job for a change that rolled back, no change without its job.
//! - A [`Worker`] runs in every server process. Every second it claims due jobs (on PostgreSQL
//!   with `FOR UPDATE SKIP LOCKED`, so two servers never take the same one), runs each, and
//!   records the outcome: sent; a transient failure is retried with backoff (30 s doubling to
//!   an hour) until 24 hours after it was queued; a permanent one fails at once, with the
//!   server's answer kept as `last_error`.
//! - A claimed job holds a lease ([`LEASE`]); if its server dies meanwhile, another worker
//!   takes it again once the lease has run out.

pub mod mail;
pub mod reminders;
pub mod webhooks;

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;

use crate::domain::mail::{JobState, Mail};
use crate::error::AppError;
use crate::server::config::Config;
use crate::server::db::{Conn, Db};
use crate::server::repo;

pub use mail::Mailer;
pub use webhooks::{Deliverer, KIND_WEBHOOK};

/// The kind of a job that sends one [`Mail`].
pub const KIND_MAIL: &str = "mail";
/// How long a worker may hold a claimed job before another may take it again.
pub const LEASE: Duration = Duration::minutes(5);
/// How long transient failures are retried, from when the job was queued.
pub const RETRY_FOR: Duration = Duration::hours(24);
/// Jobs claimed at once by one worker.
const BATCH: i64 = 20;
/// How often a worker looks for reminders that have fallen due.
const REMINDERS_EVERY: StdDuration = StdDuration::from_secs(20);

/// The wait before attempt `attempts + 1`: 30 s, doubling, at most an hour.
pub fn backoff(attempts: i64) -> Duration {
    let exponent = attempts.clamp(1, 8) - 1;
    Duration::seconds((30 * 2_i64.pow(exponent as u32)).min(3600))
}

/// Queues `mail` for `organization_id` in the caller's transaction, after checking it (a
/// header value with a line break is a 422 here, before anything is queued). Without
/// `SMTP_URL` it stays in the outbox, and its text is also written to this server's log.
pub async fn queue_mail(
    conn: &mut Conn,
    config: &Config,
    organization_id: Option<i64>,
    mut mail: Mail,
) -> Result<i64, AppError> {
    mail.check()?;
    if mail.message_id.is_empty() {
        mail.message_id = mail::message_id(&config.public_url);
    }
    let payload = serde_json::to_string(&mail).map_err(|_| AppError::Internal)?;
    let id = repo::jobs::insert(conn, organization_id, KIND_MAIL, &payload).await?;
    if config.smtp_url.is_none() {
        // Only the log of this server sees it: the way to a reset link on a laptop.
        tracing::info!(job = id, to = %mail.to, subject = %mail.subject, "mail kept in the outbox (no SMTP_URL):\n{}", mail.text);
    }
    Ok(id)
}

/// What running one job came to.
#[derive(Debug)]
pub enum Outcome {
    Done,
    /// Worth trying again later (the server was unreachable, a 4xx answer).
    Transient(String),
    /// Trying again will not help (a 5xx answer, a malformed payload).
    Permanent(String),
}

/// Runs due jobs; one per server process.
#[derive(Clone)]
pub struct Worker {
    db: Db,
    config: Arc<Config>,
    mailer: Option<Arc<Mailer>>,
    deliverer: Arc<Deliverer>,
}

impl Worker {
    /// A worker on `db` that sends mail when `SMTP_URL` is set (else mail jobs wait) and
    /// delivers webhooks.
    pub fn new(db: Db, config: &Config) -> Result<Worker, String> {
        let mailer = match &config.smtp_url {
            Some(url) => Some(Arc::new(Mailer::new(url, &config.mail_from)?)),
            None => None,
        };
        let deliverer = Arc::new(Deliverer::new(&config.webhook_allow)?);
        Ok(Worker { db, config: Arc::new(config.clone()), mailer, deliverer })
    }

    /// Claims and runs the jobs due now, mail and webhooks; returns how many ran.
    pub async fn run_due(&self) -> Result<usize, AppError> {
        let mut ran = 0;
        if self.mailer.is_some() {
            ran += self.run_due_of(KIND_MAIL).await?;
        }
        Ok(ran + self.run_due_of(KIND_WEBHOOK).await?)
    }

    async fn run_due_of(&self, kind: &str) -> Result<usize, AppError> {
        let mut tx = self.db.write().await?;
        let jobs = repo::jobs::claim(&mut tx, kind, LEASE, BATCH).await?;
        tx.commit().await?;
        for job in &jobs {
            // A webhook's delivery: its subscription, and the receiver's status.
            let mut delivery = None;
            let outcome = match kind {
                KIND_MAIL => match (serde_json::from_str::<Mail>(&job.payload), &self.mailer) {
                    (Ok(mail), Some(mailer)) => mailer.send(&mail).await,
                    (Ok(_), None) => Outcome::Transient("no SMTP_URL".into()),
                    (Err(err), _) => Outcome::Permanent(format!("unreadable mail: {err}")),
                },
                _ => match serde_json::from_str::<crate::domain::webhook::Delivery>(&job.payload) {
                    Ok(d) => {
                        let mut conn = self.db.read().await?;
                        let attempt = self.deliverer.deliver(&mut conn, &d).await?;
                        delivery = Some((d.webhook_id, attempt.status));
                        attempt.outcome
                    }
                    Err(err) => Outcome::Permanent(format!("unreadable delivery: {err}")),
                },
            };
            let now = repo::now();
            let (state, error, retry_at) = match outcome {
                Outcome::Done => (JobState::Sent, None, None),
                Outcome::Transient(error) if now < job.created_at + RETRY_FOR => {
                    (JobState::Queued, Some(error), Some(now + backoff(job.attempts)))
                }
                Outcome::Transient(error) | Outcome::Permanent(error) => (JobState::Failed, Some(error), None),
            };
            if let Some(error) = &error {
                tracing::warn!(job = job.id, kind, attempts = job.attempts, ?state, "job not done: {error}");
            }
            let mut tx = self.db.write().await?;
            repo::jobs::finish(&mut tx, job.id, state, error.as_deref(), retry_at).await?;
            if let Some((webhook_id, status)) = delivery {
                let (succeeded, gave_up) = (state == JobState::Sent, state == JobState::Failed);
                let status = status.map(i64::from);
                if repo::webhooks::record_attempt(&mut tx, webhook_id, job.id, status, succeeded, gave_up).await? {
                    tracing::warn!(webhook = webhook_id, "webhook turned off after a day of failed deliveries");
                }
            }
            tx.commit().await?;
        }
        Ok(jobs.len())
    }

    /// Queues the reminders due now (also without `SMTP_URL`: they wait in the outbox).
    pub async fn queue_reminders(&self) -> Result<usize, AppError> {
        reminders::queue_due(&self.db, &self.config, repo::now()).await
    }

    /// Runs [`Self::run_due`] every second and [`Self::queue_reminders`] every
    /// [`REMINDERS_EVERY`], for as long as the process lives. Each round is a task of its own:
    /// a panic in one (a bug) is logged and the next round runs (jobs it had claimed are taken
    /// again when their lease runs out).
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(StdDuration::from_secs(1));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut reminded: Option<tokio::time::Instant> = None;
            loop {
                tick.tick().await;
                let remind = reminded.is_none_or(|at| at.elapsed() >= REMINDERS_EVERY);
                if remind {
                    reminded = Some(tokio::time::Instant::now());
                }
                let worker = self.clone();
                if let Err(err) = tokio::spawn(async move { worker.round(remind).await }).await {
                    tracing::error!("job worker round failed: {err}");
                }
            }
        })
    }

    async fn round(&self, remind: bool) {
        if remind {
            if let Err(err) = self.queue_reminders().await {
                tracing::error!("reminders: {err}");
            }
        }
        // A full batch: there may be more due right away.
        while let Ok(ran) = self.run_due().await.inspect_err(|err| tracing::error!("job worker: {err}")) {
            if ran < BATCH as usize {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_an_hour() {
        let waits: Vec<i64> = (1..=9).map(|n| backoff(n).num_seconds()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
    }
}
