//! Webhook deliveries, the second kind of job. [`emit`] queues one job per subscription to an
//! event, in the transaction of the change; the worker posts each with [`Deliverer`]:
//!
//! - the body is the [`Event`] as queued (the same bytes on every retry), signed with the
//!   subscription's current secret (`X-TGC-Signature`, see `domain::webhook::signature`);
//! - a 2xx answer is done; anything else, or no answer within [`TIMEOUT`], is retried with the
//!   queue's backoff for a day; redirects are not followed (a 3xx is a failure);
//! - the events of one subscription about one record form a sequence (`jobs.sequence`): the
//!   next waits until the one before is delivered or given up, so they arrive in order;
//! - addresses on loopback, private, link-local and other non-public networks are refused when
//!   connecting (after resolving the name, so a name pointing inside is refused too), unless
//!   `WEBHOOK_ALLOW_ADDRESSES` lists the address.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use super::Outcome;
use crate::domain::webhook::{signature, Delivery, Event};
use crate::error::AppError;
use crate::server::db::Conn;
use crate::server::repo;

/// The kind of a job that delivers one event to one subscription.
pub const KIND_WEBHOOK: &str = "webhook";
/// How long a receiver has to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Queues `event_type` (one of `domain::webhook::EVENTS`) about record `record_id`, whose API
/// answer is `record`, for every active subscription of the organization to it. Nothing is
/// written when there is none.
pub async fn emit<T: Serialize>(
    conn: &mut Conn,
    org_id: i64,
    event_type: &str,
    record_id: i64,
    record: &T,
) -> Result<(), AppError> {
    let subscribed = repo::webhooks::subscribed(conn, org_id, event_type).await?;
    emit_to(conn, org_id, &subscribed, event_type, record_id, record).await
}

/// [`emit`] to subscriptions found already (`repo::webhooks::subscribed`), for many records.
pub async fn emit_to<T: Serialize>(
    conn: &mut Conn,
    org_id: i64,
    subscribed: &[i64],
    event_type: &str,
    record_id: i64,
    record: &T,
) -> Result<(), AppError> {
    if subscribed.is_empty() {
        return Ok(());
    }
    let data = serde_json::to_value(record).map_err(|_| AppError::Internal)?;
    let kind = event_type.split('.').next().unwrap_or(event_type);
    queue(conn, org_id, subscribed, event_type, &format!("{kind}:{record_id}"), data).await
}

/// Queues `event_type` with `data` for each of `webhooks`; `subject` names what the event is
/// about, so that the events about it reach each subscription in order.
pub async fn queue(
    conn: &mut Conn,
    org_id: i64,
    webhooks: &[i64],
    event_type: &str,
    subject: &str,
    data: serde_json::Value,
) -> Result<(), AppError> {
    let event = Event {
        id: format!("evt_{}", hex::encode(rand::random::<[u8; 16]>())),
        event_type: event_type.to_owned(),
        occurred_at: repo::now(),
        organization_id: org_id,
        data,
    };
    let body = serde_json::to_string(&event).map_err(|_| AppError::Internal)?;
    for &webhook_id in webhooks {
        let payload =
            serde_json::to_string(&Delivery { webhook_id, body: body.clone() }).map_err(|_| AppError::Internal)?;
        let sequence = format!("webhook:{webhook_id}:{subject}");
        let job = repo::jobs::insert_in_sequence(conn, Some(org_id), KIND_WEBHOOK, &payload, Some(&sequence)).await?;
        repo::webhooks::insert_delivery(conn, org_id, webhook_id, job, &event.id, event_type).await?;
    }
    Ok(())
}

/// Posts deliveries.
pub struct Deliverer {
    client: reqwest::Client,
    allowed: Arc<Vec<IpAddr>>,
}

/// What one attempt came to, and the receiver's status when it answered.
pub struct Attempt {
    pub outcome: Outcome,
    pub status: Option<u16>,
}

impl Deliverer {
    /// A client that connects only to public addresses and those in `allowed`.
    pub fn new(allowed: &[IpAddr]) -> Result<Deliverer, String> {
        let allowed = Arc::new(allowed.to_vec());
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            .user_agent(concat!("too-good-crm-webhooks/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(Arc::new(PublicOnly(allowed.clone())))
            .build()
            .map_err(|e| format!("webhook client: {e}"))?;
        Ok(Deliverer { client, allowed })
    }

    /// Posts `delivery` to its subscription, if it still exists and is on.
    pub async fn deliver(&self, conn: &mut Conn, delivery: &Delivery) -> Result<Attempt, AppError> {
        let failed = |why: &str| Attempt { outcome: Outcome::Permanent(why.to_owned()), status: None };
        let Some(webhook) = repo::webhooks::get_any(conn, delivery.webhook_id).await? else {
            return Ok(failed("the webhook was deleted"));
        };
        if !webhook.active {
            return Ok(failed("the webhook is turned off"));
        }
        // The resolver sees names only: an address written in the URL is checked here.
        let literal = url::Url::parse(&webhook.url).ok().and_then(|u| match u.host() {
            Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
            _ => None,
        });
        if let Some(ip) = literal.filter(|ip| !may_connect(*ip, &self.allowed)) {
            return Ok(failed(&format!("{ip} is not a public address")));
        }
        let now = repo::now().timestamp();
        let sent = self
            .client
            .post(&webhook.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("X-TGC-Signature", signature(&webhook.secret, now, &delivery.body))
            .body(delivery.body.clone())
            .send()
            .await;
        Ok(match sent {
            Ok(answer) if answer.status().is_success() => {
                Attempt { outcome: Outcome::Done, status: Some(answer.status().as_u16()) }
            }
            Ok(answer) => Attempt {
                outcome: Outcome::Transient(format!("the receiver answered {}", answer.status())),
                status: Some(answer.status().as_u16()),
            },
            Err(err) => Attempt { outcome: Outcome::Transient(describe(&err)), status: None },
        })
    }
}

/// Why a request got no answer, without the URL (it may carry a token in its query).
fn describe(err: &reqwest::Error) -> String {
    use std::error::Error;
    let mut why = if err.is_timeout() {
        format!("no answer within {} s", TIMEOUT.as_secs())
    } else if err.is_connect() {
        "could not connect".to_owned()
    } else {
        "the request failed".to_owned()
    };
    let mut source = err.source();
    while let Some(inner) = source {
        why = format!("{why}: {inner}");
        source = inner.source();
    }
    why.chars().take(500).collect()
}

/// Whether a delivery may connect to `ip`: a public address, or one the configuration allows.
pub fn may_connect(ip: IpAddr, allowed: &[IpAddr]) -> bool {
    allowed.contains(&ip) || is_public(ip)
}

/// Not loopback, private, link-local, shared (CGNAT), unspecified, broadcast, multicast,
/// documentation or reserved space, nor an IPv6 address wrapping one of those.
fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || a >= 240
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (b == 18 || b == 19)))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || first == 0x2001 && v6.segments()[1] == 0x0db8
                || first == 0x0064)
        }
    }
}

/// Resolves names as the system does and drops every address a delivery may not connect to.
struct PublicOnly(Arc<Vec<IpAddr>>);

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allowed = self.0.clone();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), 0)).await?.collect();
            let usable: Vec<SocketAddr> = found.iter().copied().filter(|a| may_connect(a.ip(), &allowed)).collect();
            if usable.is_empty() && !found.is_empty() {
                let refused: Box<dyn std::error::Error + Send + Sync> =
                    format!("{} points only at addresses that are not public", name.as_str()).into();
                return Err(refused);
            }
            let addrs: reqwest::dns::Addrs = Box::new(usable.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_unless_allowed() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!may_connect(ip(private), &[]), "{private}");
        }
        for public in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"] {
            assert!(may_connect(ip(public), &[]), "{public}");
        }
        assert!(may_connect(ip("127.0.0.1"), &[ip("127.0.0.1")]));
        assert!(!may_connect(ip("127.0.0.2"), &[ip("127.0.0.1")]));
    }
}
