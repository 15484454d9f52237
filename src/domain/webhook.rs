//! Webhooks: an organization subscribes URLs to events about its records; each event reaches
//! each subscription as one signed delivery, a job on the one queue (`server/jobs/webhooks.rs`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::validate::TextList;

use crate::domain::mail::JobState;
#[cfg(feature = "ssr")]
use crate::domain::validate::Check;
#[cfg(feature = "ssr")]
use crate::error::AppError;

/// Every event a webhook can subscribe to: created, updated and deleted for each kind of
/// record, and the state changes that matter to other systems.
pub const EVENTS: &[&str] = &[
    "customer.created",
    "customer.updated",
    "customer.deleted",
    "lead.created",
    "lead.updated",
    "lead.deleted",
    "lead.converted",
    "deal.created",
    "deal.updated",
    "deal.deleted",
    "deal.won",
    "deal.lost",
    "activity.created",
    "activity.updated",
    "activity.deleted",
    "order.created",
    "order.updated",
    "order.deleted",
    "payment.created",
    "payment.updated",
    "payment.deleted",
    "payment.processed",
    "issue.created",
    "issue.updated",
    "issue.deleted",
    "issue.resolved",
    // Sent only by "Send a test event".
    "webhook.test",
];

/// A subscription whose delivery is given up after a day of retries, with at least this many
/// failed attempts in a row and none succeeding, is turned off; its managers see why.
pub const DISABLE_AFTER: i64 = 20;

/// A subscription as its managers see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Webhook {
    pub id: i64,
    pub url: String,
    pub description: Option<String>,
    /// Event types, sorted.
    pub events: Vec<String>,
    /// Signs every delivery (see [`signature`]); `whsec_` and 48 hex digits.
    pub secret: String,
    pub active: bool,
    /// Failed attempts since the last delivery that succeeded.
    pub failures: i64,
    /// Why the app turned it off, when it did.
    pub disabled_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// What a client sends to create or change a subscription; fields not sent stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct WebhookInput {
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Event types: comma-separated, an array, or checkboxes `events[i]` (`*` for every one).
    #[serde(default)]
    pub events: Option<TextList>,
    /// `true` turns a subscription on again (its failures start from zero), `false` off.
    #[serde(default)]
    pub active: Option<String>,
}

/// The checked values of a [`WebhookInput`].
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookFields {
    pub url: String,
    pub description: Option<String>,
    pub events: Vec<String>,
    pub active: bool,
}

#[cfg(feature = "ssr")]
impl WebhookInput {
    /// Applies what was sent to `base` (the stored values, or `None` for a new one): 422 per
    /// field for a URL that is not `http(s)://host…`, an unknown event or none at all.
    pub fn apply_to(&self, base: Option<WebhookFields>) -> Result<WebhookFields, AppError> {
        let mut c = Check::new();
        let url = match (&self.url, &base) {
            (None, Some(b)) => b.url.clone(),
            (url, _) => {
                let url = c.required("url", url.as_deref(), 2000);
                if !url.is_empty() {
                    if let Err(problem) = check_url(&url) {
                        c.add("url", problem);
                    }
                }
                url
            }
        };
        let description = match &self.description {
            Some(d) => c.optional("description", Some(d), 500),
            None => base.as_ref().and_then(|b| b.description.clone()),
        };
        let events = match (&self.events, &base) {
            (None, Some(b)) => b.events.clone(),
            (events, _) => parse_events(&mut c, events.as_ref().map_or(&[][..], |e| &e.0[..])),
        };
        let active = match self.active.as_deref().map(str::trim) {
            None | Some("") => base.as_ref().is_none_or(|b| b.active),
            Some("true" | "on" | "1") => true,
            Some("false" | "off" | "0") => false,
            Some(_) => {
                c.add("active", "must be true or false");
                true
            }
        };
        c.finish(WebhookFields { url, description, events, active })
    }
}

#[cfg(feature = "ssr")]
/// `http://` or `https://` with a host, no user name or password. Where the host points is
/// checked when a delivery connects (`server/jobs/webhooks.rs`), every time.
fn check_url(raw: &str) -> Result<(), &'static str> {
    let url = url::Url::parse(raw).map_err(|_| "must be a full URL, such as https://example.com/hooks/crm")?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("must start with https:// or http://");
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("must name a host");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry a user name or password (the signature authenticates deliveries)");
    }
    Ok(())
}

#[cfg(feature = "ssr")]
/// The distinct known event types of a list whose entries may be comma-separated (`*` = all),
/// sorted.
fn parse_events(c: &mut Check, raw: &[String]) -> Vec<String> {
    let mut events: Vec<String> = Vec::new();
    for event in raw.iter().flat_map(|e| e.split(',')).map(str::trim).filter(|e| !e.is_empty()) {
        if event == "*" {
            events.extend(EVENTS.iter().filter(|e| **e != "webhook.test").map(|e| (*e).to_owned()));
        } else if EVENTS.contains(&event) && event != "webhook.test" {
            events.push(event.to_owned());
        } else {
            c.add("events", format!("unknown event: {}", event.chars().take(60).collect::<String>()));
            return Vec::new();
        }
    }
    events.sort();
    events.dedup();
    if events.is_empty() {
        c.add("events", "choose at least one event");
    }
    events
}

/// The body of one delivery. The same event has the same `id` at every subscription and on
/// every retry: receivers deduplicate on it (delivery is at least once).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    pub occurred_at: DateTime<Utc>,
    pub organization_id: i64,
    /// The record as the API's `get` answers it (for `*.deleted`, as it was).
    pub data: serde_json::Value,
}

/// The payload of a `webhook` job: which subscription, and the exact body to send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Delivery {
    pub webhook_id: i64,
    pub body: String,
}

/// `X-TGC-Signature`: `t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>`.
#[cfg(feature = "ssr")]
pub fn signature(secret: &str, unix_time: i64, body: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(format!("{unix_time}.").as_bytes());
    mac.update(body.as_bytes());
    format!("t={unix_time},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// One delivery as the subscription's log shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct DeliveryLog {
    pub id: i64,
    pub event_id: String,
    pub event_type: String,
    pub state: JobState,
    pub attempts: i64,
    /// The receiver's HTTP status at the last attempt, when it answered.
    pub status_code: Option<i64>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When the next attempt is due (queued) or the last ended (sent, failed).
    pub at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(url: &str, events: &str) -> WebhookInput {
        WebhookInput { url: Some(url.into()), events: Some(TextList(vec![events.into()])), ..Default::default() }
    }

    #[test]
    fn a_subscription_needs_a_web_url_and_known_events() {
        let ok = input("https://hooks.example.com/crm", "deal.won, customer.created,deal.won").apply_to(None).unwrap();
        assert_eq!(ok.events, ["customer.created", "deal.won"]);
        assert!(ok.active);
        let all = input("http://127.0.0.1:9/x", "*").apply_to(None).unwrap();
        assert_eq!(all.events.len(), EVENTS.len() - 1);
        for (url, events, field) in [
            ("ftp://example.com/x", "deal.won", "url"),
            ("not a url", "deal.won", "url"),
            ("https://user:pw@example.com/", "deal.won", "url"),
            ("https://example.com/", "deal.sold", "events"),
            ("https://example.com/", "webhook.test", "events"),
            ("https://example.com/", " , ", "events"),
        ] {
            let err = input(url, events).apply_to(None).unwrap_err();
            assert!(err.field_error(field).is_some(), "{url} {events}: {err:?}");
        }
    }

    #[test]
    fn an_update_keeps_what_was_not_sent() {
        let base = input("https://example.com/a", "deal.won").apply_to(None).unwrap();
        let off = WebhookInput { active: Some("false".into()), ..Default::default() };
        let changed = off.apply_to(Some(base.clone())).unwrap();
        assert_eq!(
            (changed.url.as_str(), changed.events.clone(), changed.active),
            ("https://example.com/a", base.events, false)
        );
    }

    #[test]
    fn the_signature_is_the_hmac_of_time_dot_body() {
        // Known answer: HMAC-SHA256("whsec_test", "1700000000.{}"), computed independently with
        // `printf '1700000000.{}' | openssl dgst -sha256 -hmac whsec_test`.
        let sig = signature("whsec_test", 1_700_000_000, "{}");
        assert_eq!(sig, "t=1700000000,v1=35495024f4ef3f94e5a93e22221544c4b75e9a42300cd965ab81cb85cd994e91");
        assert_ne!(sig, signature("whsec_other", 1_700_000_000, "{}"));
        assert_ne!(sig, signature("whsec_test", 1_700_000_001, "{}"));
    }
}
