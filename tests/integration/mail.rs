//! Mail and the background-job queue: the password reset flow end to end, the outbox, and
//! delivery through a real SMTP server (maildev, which `scripts/test.sh` starts and names in
//! `TEST_SMTP_URL` and `TEST_MAILDEV_URL`; without them the delivery tests are skipped).

use axum::http::StatusCode;
use serde_json::Value;
use too_good_crm::domain::mail::Mail;
use too_good_crm::server::config::Config;
use too_good_crm::server::jobs::{self, Worker};

use crate::common::{self, TestApp};

/// The maildev the test command started, if any.
struct Maildev {
    smtp_url: String,
    api: String,
}

fn maildev() -> Option<Maildev> {
    let smtp_url = std::env::var("TEST_SMTP_URL").ok().filter(|v| !v.is_empty());
    let api = std::env::var("TEST_MAILDEV_URL").ok().filter(|v| !v.is_empty());
    match (smtp_url, api) {
        (Some(smtp_url), Some(api)) => Some(Maildev { smtp_url, api: api.trim_end_matches('/').to_owned() }),
        _ => {
            eprintln!("skipped: TEST_SMTP_URL / TEST_MAILDEV_URL are not set (scripts/test.sh starts maildev)");
            None
        }
    }
}

impl Maildev {
    /// A configuration whose mail goes to this maildev.
    fn config(&self) -> Config {
        let mut config = Config::new(String::new());
        config.smtp_url = Some(self.smtp_url.clone());
        config
    }

    /// Every mail maildev received for an address containing `tag`.
    async fn mails(&self, tag: &str) -> Vec<Value> {
        let body = http_get(&format!("{}/api/email", self.api)).await;
        let all: Vec<Value> = serde_json::from_str(&body).unwrap_or_else(|e| panic!("maildev answered {body:?}: {e}"));
        all.into_iter()
            .filter(|m| {
                m["to"].as_array().into_iter().flatten().any(|to| to["address"].as_str().unwrap_or("").contains(tag))
            })
            .collect()
    }
}

/// A plain HTTP/1.0 GET on loopback (maildev's REST API); the body.
pub async fn http_get(url: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").expect("an http:// URL");
    let (host, path) = rest.split_once('/').map_or((rest, "/".to_owned()), |(h, p)| (h, format!("/{p}")));
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap_or_else(|e| panic!("{url}: {e}"));
    stream.write_all(format!("GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default()
}

/// Something unique to this test run, for addresses (tests share one maildev).
fn tag() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("t{}x{nanos}", std::process::id())
}

async fn forgot(app: &TestApp, email: &str) -> common::Resp {
    app.post("/api/auth/forgot_password", None, &[("email", email)]).await
}

both!(a_forgotten_password_is_reset_once_by_the_link_in_the_mail, |app| async {
    let (cookie, token) = common::session(&app, "forgetful@example.com", "Fay", "Forgetful Inc").await;
    // The same answer for an address nobody has; no mail for it.
    let r = forgot(&app, "nobody@example.com").await;
    assert_eq!((r.status, r.text.as_str()), (StatusCode::OK, "null"));
    assert_eq!(app.count("select count(*) from jobs").await, 0);
    let r = forgot(&app, "Forgetful@Example.com").await;
    assert_eq!((r.status, r.text.as_str()), (StatusCode::OK, "null"));
    assert_eq!(app.count("select count(*) from jobs where state = 'queued' and kind = 'mail'").await, 1);
    // Only a hash of the link is stored.
    let link = app.mailed_token("forgetful@example.com", "/reset-password").await;
    assert_eq!(app.count(&format!("select count(*) from password_resets where token_hash = '{link}'")).await, 0);
    assert_eq!(app.count("select count(*) from password_resets").await, 1);

    // The outbox (owners and admins) lists it, without the secret link.
    let outbox = app.get("/api/outbox/list", Some(&token)).await;
    assert_eq!(outbox.status, StatusCode::OK, "{}", outbox.text);
    let mail = &outbox.json["results"][0];
    assert_eq!((mail["to"].as_str(), mail["state"].as_str()), (Some("forgetful@example.com"), Some("queued")));
    assert!(mail["text"].is_null() && !outbox.text.contains(&link), "{}", outbox.text);
    let page = app.send(common::page("/settings/outbox", Some(&cookie))).await;
    assert!(page.text.contains("Reset your Too Good CRM password") && !page.text.contains(&link), "{}", page.text);

    // The link's page, then the new password: every session ends, the new password signs in.
    let page = app.send(common::page(&format!("/reset-password?token={link}"), None)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains(&format!("value=\"{link}\"")), "{}", page.text);
    let short = app.post("/api/auth/reset_password", None, &[("token", &link), ("new_password", "short")]).await;
    assert!(short.json["details"]["new_password"].is_array(), "{}", short.text);
    let reset = [("token", link.as_str()), ("new_password", "a brand new secret")];
    let r = app.post("/api/auth/reset_password", None, &reset).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(app.get("/api/auth/me", Some(&token)).await.status, StatusCode::UNAUTHORIZED);
    let login = [("email", "forgetful@example.com"), ("password", "a brand new secret")];
    assert_eq!(app.post("/api/auth/login", None, &login).await.status, StatusCode::OK);
    let old = [("email", "forgetful@example.com"), ("password", "correct horse battery")];
    assert_eq!(app.post("/api/auth/login", None, &old).await.status, StatusCode::UNAUTHORIZED);
    // Used once.
    let again = app.post("/api/auth/reset_password", None, &reset).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.json["details"]["token"].is_array(), "{}", again.text);
});

both!(a_reset_link_expires_after_an_hour_and_requests_are_rate_limited, |app| async {
    app.register("late@example.com", "Late Inc").await;
    assert_eq!(forgot(&app, "late@example.com").await.status, StatusCode::OK);
    let link = app.mailed_token("late@example.com", "/reset-password").await;
    let an_hour_ago = (chrono::Utc::now() - chrono::Duration::minutes(61)).to_rfc3339();
    app.exec(&format!("update password_resets set expires_at = '{an_hour_ago}'")).await;
    let r = app.post("/api/auth/reset_password", None, &[("token", &link), ("new_password", "too late now")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    // Like sign-in: 10 requests per address asked about in 15 minutes, then 429.
    for _ in 0..9 {
        assert_eq!(forgot(&app, "late@example.com").await.status, StatusCode::OK);
    }
    let r = forgot(&app, "late@example.com").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
    assert!(r.headers.contains_key("retry-after"));
    assert_eq!(app.count("select count(*) from jobs").await, 10);
});

both!(mail_goes_through_a_real_smtp_server_once_with_both_parts, |app| async {
    let Some(maildev) = maildev() else { return };
    let tag = tag();
    let email = format!("reset.{tag}@example.com");
    app.register(&email, "Mailed Inc").await;
    assert_eq!(forgot(&app, &email).await.status, StatusCode::OK);
    let link = app.mailed_token(&email, "/reset-password").await;
    let worker = Worker::new(app.db.clone(), &maildev.config()).unwrap();
    assert_eq!(worker.run_due().await.unwrap(), 1);
    assert_eq!(worker.run_due().await.unwrap(), 0, "nothing is left to send");
    let mails = maildev.mails(&tag).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    let mail = &mails[0];
    assert_eq!(mail["to"][0]["address"], email.as_str());
    assert_eq!(mail["to"][0]["name"], "Test User");
    assert_eq!(mail["from"][0]["address"], "noreply@localhost");
    assert_eq!(mail["subject"], "Reset your Too Good CRM password");
    assert!(mail["headers"]["message-id"]
        .as_str()
        .is_some_and(|id| id.starts_with('<') && id.ends_with("@127.0.0.1>")));
    let text = mail["text"].as_str().unwrap();
    let html = mail["html"].as_str().unwrap();
    let url = format!("http://127.0.0.1:3000/reset-password?token={link}");
    assert!(text.contains(&url), "{text}");
    assert!(html.contains(&format!("href=\"{url}\"")) && html.contains("<p>Hello Test,</p>"), "{html}");
    let state = app.text("select state from jobs").await;
    assert_eq!(state, "sent");
});

both!(a_mail_server_that_is_down_is_retried_later_and_the_mail_arrives_once, |app| async {
    let Some(maildev) = maildev() else { return };
    let tag = tag();
    let email = format!("retry.{tag}@example.com");
    app.register(&email, "Retry Inc").await;
    assert_eq!(forgot(&app, &email).await.status, StatusCode::OK);
    // Nothing listens on port 9 of loopback: the connection is refused, a transient failure.
    let mut down = maildev.config();
    down.smtp_url = Some("smtp://127.0.0.1:9".into());
    let worker = Worker::new(app.db.clone(), &down).unwrap();
    assert_eq!(worker.run_due().await.unwrap(), 1);
    let row = |sql: &'static str| app.text(sql);
    assert_eq!(row("select state from jobs").await, "queued");
    assert_eq!(app.count("select attempts from jobs").await, 1);
    assert!(row("select last_error from jobs").await.contains("refused"), "the server's answer is kept");
    // Not due again before its backoff has passed.
    assert_eq!(worker.run_due().await.unwrap(), 0);
    let up = Worker::new(app.db.clone(), &maildev.config()).unwrap();
    assert_eq!(up.run_due().await.unwrap(), 0);
    app.exec("update jobs set run_at = created_at").await;
    assert_eq!(up.run_due().await.unwrap(), 1);
    assert_eq!(row("select state from jobs").await, "sent");
    assert_eq!(app.count("select attempts from jobs").await, 2);
    assert_eq!(maildev.mails(&tag).await.len(), 1);
    // A transient failure after 24 hours of them is final.
    assert_eq!(forgot(&app, &email).await.status, StatusCode::OK);
    let long_ago = (chrono::Utc::now() - chrono::Duration::hours(25)).to_rfc3339();
    app.exec(&format!("update jobs set created_at = '{long_ago}' where state = 'queued'")).await;
    assert_eq!(worker.run_due().await.unwrap(), 1);
    assert_eq!(app.count("select count(*) from jobs where state = 'failed' and finished_at is not null").await, 1);
});

both!(two_workers_send_two_hundred_queued_mails_exactly_once, |app| async {
    let Some(maildev) = maildev() else { return };
    let tag = tag();
    let config = maildev.config();
    let mut tx = app.db.write().await.unwrap();
    for i in 0..200 {
        let mail = Mail::new(&format!("bulk{i}.{tag}@example.com"), None, &format!("Bulk {i}"), &["Hello"], None);
        jobs::queue_mail(&mut tx, &config, None, mail).await.unwrap();
    }
    tx.commit().await.unwrap();
    // Two servers' workers, each with its own connection pool, on the same database.
    let other_pool = too_good_crm::server::db::Db::connect(&app.url).await.unwrap();
    let (a, b) = (Worker::new(app.db.clone(), &config).unwrap(), Worker::new(other_pool.clone(), &config).unwrap());
    let mut sent = (0, 0);
    loop {
        let (x, y) = tokio::join!(a.run_due(), b.run_due());
        let (x, y) = (x.unwrap(), y.unwrap());
        if x + y == 0 {
            break;
        }
        sent = (sent.0 + x, sent.1 + y);
    }
    other_pool.close().await;
    assert_eq!(sent.0 + sent.1, 200, "{sent:?}");
    assert!(sent.0 > 0 && sent.1 > 0, "both workers sent some: {sent:?}");
    let mails = maildev.mails(&tag).await;
    let mut subjects: Vec<&str> = mails.iter().map(|m| m["subject"].as_str().unwrap()).collect();
    subjects.sort();
    subjects.dedup();
    assert_eq!((mails.len(), subjects.len()), (200, 200));
    assert_eq!(app.count("select count(*) from jobs where state = 'sent' and attempts = 1").await, 200);
});

both!(an_invitation_brings_a_new_teammate_in_with_its_role, |app| async {
    let (cookie, owner) = common::session(&app, "boss@example.com", "Bea", "Inviting Inc").await;
    let invite = |email: &'static str, role: &'static str| {
        let owner = owner.clone();
        let app = &app;
        async move { app.post("/api/invitations/create", Some(&owner), &[("email", email), ("role", role)]).await }
    };
    let r = invite("New.Mate@example.com", "manager").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        (r.json["email"].as_str(), r.json["role_name"].as_str()),
        (Some("new.mate@example.com"), Some("Manager"))
    );
    let pending = app.get("/api/invitations/list", Some(&owner)).await;
    assert_eq!(pending.json.as_array().unwrap().len(), 1, "{}", pending.text);
    // The mail: who invites, to what, and the link (only its hash is stored).
    let token = app.mailed_token("new.mate@example.com", "/invite").await;
    let mail: Mail = serde_json::from_str(&app.text("select payload from jobs").await).unwrap();
    assert_eq!(mail.subject, "Bea invited you to Inviting Inc on Too Good CRM");
    assert!(mail.text.contains("as Manager") && mail.html.contains("/invite?token="), "{}", mail.text);
    assert_eq!(app.count(&format!("select count(*) from invitations where token_hash = '{token}'")).await, 0);

    // The link's page and preview.
    let page = app.send(common::page(&format!("/invite?token={token}"), None)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains("You are invited to Inviting Inc as Manager.") && page.text.contains("name=\"password\"")
    );
    let preview = app.get(&format!("/api/invitations/preview?token={token}"), None).await;
    assert_eq!(preview.json["has_account"], false, "{}", preview.text);

    // Accepting makes the account, a session, and the membership with the role.
    let r = app.post("/api/invitations/accept", None, &[("token", &token), ("password", "long enough pass")]).await;
    assert!(r.json["details"]["first_name"].is_array(), "{}", r.text);
    let form = [("token", token.as_str()), ("first_name", "Nat"), ("password", "long enough pass")];
    let r = app.post("/api/invitations/accept", None, &form).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let mate = r.json["token"].as_str().unwrap().to_owned();
    let me = app.get("/api/auth/me", Some(&mate)).await.json;
    assert_eq!((me["organization"]["name"].as_str(), me["role"].as_str()), (Some("Inviting Inc"), Some("manager")));
    assert_eq!(app.get("/api/invitations/list", Some(&owner)).await.json, serde_json::json!([]));
    let again = app.post("/api/invitations/accept", None, &form).await;
    assert!(again.json["details"]["token"].is_array(), "used once: {}", again.text);
    let page = app.send(common::page(&format!("/invite?token={token}"), None)).await;
    assert!(page.text.contains("this invitation has expired, was revoked or was already used"), "{}", page.text);

    // Not twice, not as owner or portal contact.
    assert_eq!(invite("new.mate@example.com", "admin").await.status, StatusCode::CONFLICT);
    assert!(invite("x@example.com", "owner").await.json["details"]["role"].is_array());
    assert!(invite("x@example.com", "customer").await.json["details"]["role"].is_array());

    // Revoked and expired links are dead; a resent one replaces the old link.
    invite("late@example.com", "sales_rep").await;
    let late = app.mailed_token("late@example.com", "/invite").await;
    let id = app.get("/api/invitations/list", Some(&owner)).await.json[0]["id"].to_string();
    let r = app.post("/api/invitations/resend", Some(&owner), &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let resent = app.mailed_token("late@example.com", "/invite").await;
    assert_ne!(late, resent);
    let dead = |token: String| {
        let app = &app;
        async move { app.get(&format!("/api/invitations/preview?token={token}"), None).await.status }
    };
    assert_eq!(dead(late).await, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(dead(resent.clone()).await, StatusCode::OK);
    let week_ago = (chrono::Utc::now() - chrono::Duration::days(7)).to_rfc3339();
    app.exec(&format!("update invitations set expires_at = '{week_ago}' where email = 'late@example.com'")).await;
    assert_eq!(dead(resent).await, StatusCode::UNPROCESSABLE_ENTITY);
    invite("gone@example.com", "sales_rep").await;
    let gone = app.mailed_token("gone@example.com", "/invite").await;
    let id = app.get("/api/invitations/list", Some(&owner)).await.json[0]["id"].to_string();
    assert_eq!(app.post("/api/invitations/revoke", Some(&owner), &[("id", &id)]).await.status, StatusCode::OK);
    assert_eq!(dead(gone).await, StatusCode::UNPROCESSABLE_ENTITY);
    // The roles page lists what is pending.
    invite("pending@example.com", "marketing_rep").await;
    let page = app.send(common::page("/settings/roles", Some(&cookie))).await;
    assert!(page.text.contains("pending@example.com") && page.text.contains("Send the invitation"), "{}", page.text);
});

both!(someone_with_an_account_accepts_an_invitation_signed_in_as_themselves, |app| async {
    let owner = app.register("owner@example.com", "Hosts").await;
    let guest = app.register("guest@example.com", "Guest's own").await;
    let other = app.register("other@example.com", "Other's own").await;
    // organizations/add_member invites an unknown address; a known one is added at once.
    let r = app
        .post("/api/invitations/create", Some(&owner), &[("email", "guest@example.com"), ("role", "sales_rep")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let token = app.mailed_token("guest@example.com", "/invite").await;
    let preview = app.get(&format!("/api/invitations/preview?token={token}"), None).await;
    assert_eq!(preview.json["has_account"], true, "{}", preview.text);
    let accept = [("token", token.as_str())];
    assert_eq!(app.post("/api/invitations/accept", None, &accept).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.post("/api/invitations/accept", Some(&other), &accept).await.status, StatusCode::FORBIDDEN);
    let r = app.post("/api/invitations/accept", Some(&guest), &accept).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.json["token"].is_null());
    let me = app.get("/api/auth/me", Some(&guest)).await.json;
    assert_eq!((me["organization"]["name"].as_str(), me["role"].as_str()), (Some("Hosts"), Some("sales_rep")));
});
