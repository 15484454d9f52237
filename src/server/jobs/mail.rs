//! Sending one [`Mail`] over SMTP (lettre, on tokio, TLS by rustls).

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncTransport, Message, Tokio1Executor};

use super::Outcome;
use crate::domain::mail::Mail;

/// An SMTP connection pool to the server of `SMTP_URL`, and the sender.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// `url`: `smtp://host:25` (no TLS, no auth), `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS), `smtps://user:pass@host:465` (TLS from the start).
    pub fn new(url: &str, from: &str) -> Result<Mailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("SMTP_URL: {e}"))?
            .timeout(Some(std::time::Duration::from_secs(30)))
            .build();
        let from = from.parse().map_err(|e| format!("MAIL_FROM {from:?}: {e}"))?;
        Ok(Mailer { transport, from })
    }

    pub async fn send(&self, mail: &Mail) -> Outcome {
        let message = match self.message(mail) {
            Ok(message) => message,
            Err(err) => return Outcome::Permanent(err),
        };
        match self.transport.send(message).await {
            Ok(_) => Outcome::Done,
            Err(err) if err.is_permanent() => Outcome::Permanent(err.to_string()),
            Err(err) => Outcome::Transient(err.to_string()),
        }
    }

    /// The message: both parts, `Message-ID` (the same on every attempt), `Date`.
    fn message(&self, mail: &Mail) -> Result<Message, String> {
        let address = mail.to.parse().map_err(|e| format!("recipient {:?}: {e}", mail.to))?;
        // Checked when queued; a control character would make lettre panic, so never pass one.
        let name = mail.to_name.as_deref().map(|n| n.chars().filter(|c| !c.is_control()).collect::<String>());
        let mut builder = Message::builder().from(self.from.clone()).to(Mailbox::new(name, address));
        for cc in &mail.cc {
            builder = builder.cc(Mailbox::new(None, cc.parse().map_err(|e| format!("cc {cc:?}: {e}"))?));
        }
        if let Some(reply_to) = &mail.reply_to {
            builder = builder
                .reply_to(Mailbox::new(None, reply_to.parse().map_err(|e| format!("reply-to {reply_to:?}: {e}"))?));
        }
        builder
            .subject(mail.subject.clone())
            .message_id(Some(mail.message_id.clone()))
            .date_now()
            .multipart(
                MultiPart::alternative()
                    .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(mail.text.clone()))
                    .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(mail.html.clone())),
            )
            .map_err(|e| e.to_string())
    }
}

/// A new `<random@host>` id, the host taken from the app's public address.
pub fn message_id(public_url: &str) -> String {
    let host = url::Url::parse(public_url).ok().and_then(|u| u.host_str().map(str::to_owned));
    format!("<{}@{}>", crate::server::auth::token::generate(), host.unwrap_or_else(|| "localhost".into()))
}
