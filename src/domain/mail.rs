//! Mail the app sends: a message as it is queued, the checks it passes before that, and the
//! outbox's view of it. Sending lives in `server/jobs/mail.rs`; the queue in `server/jobs/`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::validate::{is_valid_email, Check};
use crate::error::AppError;

crate::string_enum!(
    /// Where a background job is: waiting (also between retries), being run by a worker,
    /// done, or given up (a permanent refusal, or 24 hours of transient failures).
    JobState {
        Queued = "queued" / "Queued",
        Sending = "sending" / "Sending",
        Sent = "sent" / "Sent",
        Failed = "failed" / "Failed",
    }
);

/// One message to one recipient: the payload of a `mail` job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Mail {
    pub to: String,
    pub to_name: Option<String>,
    /// Copies, to addresses only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<String>,
    /// Where replies go (the person who wrote a mail from a record) instead of `MAIL_FROM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part; every value placed in it is escaped ([`html_escape`]).
    pub html: String,
    /// `<…@host>`, chosen when the mail is queued, so that a retry sends the same message.
    pub message_id: String,
    /// It carries a secret (a password reset link): the outbox never shows its body.
    #[serde(default)]
    pub secret: bool,
}

impl Mail {
    /// A message whose HTML part is `paragraphs` (plain text, escaped here) with an optional
    /// button-like link, and whose text part says the same.
    pub fn new(
        to: &str,
        to_name: Option<&str>,
        subject: &str,
        paragraphs: &[&str],
        link: Option<(&str, &str)>,
    ) -> Mail {
        let mut text = paragraphs.join("\n\n");
        let mut html = paragraphs.iter().map(|p| format!("<p>{}</p>", html_escape(p))).collect::<Vec<_>>().join("\n");
        if let Some((label, url)) = link {
            text = format!("{text}\n\n{label}: {url}\n");
            html = format!(
                "{html}\n<p><a href=\"{url}\">{label}</a></p>\n<p style=\"color:#64748b\">{url}</p>",
                url = html_escape(url),
                label = html_escape(label)
            );
        }
        Mail::written(to, to_name, subject, &text, &html)
    }

    /// A message of `text` and its HTML form `html_body` (already escaped: the content of
    /// `<body>`), to `to`, named `to_name` (a stored name; control characters become spaces).
    pub fn written(to: &str, to_name: Option<&str>, subject: &str, text: &str, html_body: &str) -> Mail {
        Mail {
            to: to.to_owned(),
            // A name as stored (a user's, a contact's) may hold anything; a header holds one line.
            to_name: to_name.map(flattened).filter(|n| !n.trim().is_empty()),
            cc: Vec::new(),
            reply_to: None,
            subject: subject.to_owned(),
            text: text.to_owned(),
            html: format!(
                "<!DOCTYPE html>\n<html><body style=\"font-family:sans-serif\">\n{html_body}\n</body></html>"
            ),
            message_id: String::new(),
            secret: false,
        }
    }

    /// Refuses what would make a broken or forged message, field by field (422): an invalid
    /// recipient, and CR or LF in a header value (which could add headers of its own).
    pub fn check(&self) -> Result<(), AppError> {
        let mut c = Check::new();
        if !is_valid_email(&self.to) {
            c.add("to", "is not a valid email address");
        }
        if let Some(bad) = self.cc.iter().find(|a| !is_valid_email(a)) {
            c.add("cc", format!("{bad:?} is not a valid email address"));
        }
        if self.reply_to.as_deref().is_some_and(|a| !is_valid_email(a)) {
            c.add("reply_to", "is not a valid email address");
        }
        c.one_line("subject", &self.subject);
        if let Some(name) = &self.to_name {
            c.one_line("to_name", name);
        }
        if self.subject.trim().is_empty() {
            c.add("subject", "is required");
        }
        c.finish(())
    }
}

/// Stored free text (a name, a title) made fit for a header: every control character, line
/// breaks included, becomes a space.
pub fn flattened(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// `s` as HTML text or a double-quoted attribute value.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A mail as the outbox shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct OutboxMail {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub state: JobState,
    pub attempts: i64,
    /// The server's answer to the last failed attempt.
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When it is (next) due.
    pub run_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// The plain-text part; `None` for a mail that carries a secret.
    pub text: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_in_the_html_part_are_escaped_and_the_text_part_is_as_written() {
        let mail = Mail::new(
            "a@x.example",
            Some("Ann"),
            "Hi",
            &["Dear <b>Ann</b> & co"],
            Some(("Open \"it\"", "https://x.example/?a=1&b=<2>")),
        );
        assert!(mail.html.contains("<p>Dear &lt;b&gt;Ann&lt;/b&gt; &amp; co</p>"), "{}", mail.html);
        assert!(mail.html.contains("href=\"https://x.example/?a=1&amp;b=&lt;2&gt;\""), "{}", mail.html);
        assert!(mail.text.contains("Dear <b>Ann</b> & co") && mail.text.contains("https://x.example/?a=1&b=<2>"));
    }

    #[test]
    fn line_breaks_in_header_values_are_refused_by_field() {
        let mut mail = Mail::new("a@x.example", Some("Ann"), "Hi\nthere", &["x"], None);
        mail.to_name = Some("Ann\r\nBcc: evil@x.example".into());
        let err = mail.check().unwrap_err();
        assert!(err.field_error("subject").is_some() && err.field_error("to_name").is_some(), "{err:?}");
        mail.to = "not an address".into();
        assert!(mail.check().unwrap_err().field_error("to").is_some());
        let fine = Mail::new("a@x.example", Some("Ann"), "Hi", &["x"], None);
        assert_eq!(fine.check(), Ok(()));
        // A stored name with a line break (names are free text) becomes one line.
        let stored = Mail::new("a@x.example", Some("Ann\r\nBcc: evil@x.example"), "Hi", &["x"], None);
        assert_eq!(stored.to_name.as_deref(), Some("Ann  Bcc: evil@x.example"));
        assert_eq!(stored.check(), Ok(()));
    }
}
