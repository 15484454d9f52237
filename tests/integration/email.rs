//! Mail from the CRM's records: reminders of calls, meetings and tasks (queued by the worker as
//! they fall due, at most once), templates with variables, and email written on a customer,
//! lead or deal page, logged on its timeline with its delivery state.

use axum::http::StatusCode;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use too_good_crm::domain::mail::Mail;
use too_good_crm::server::config::Config;
use too_good_crm::server::jobs::{reminders, Worker};

use crate::common::{self, TestApp};

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The mails queued so far, oldest first.
async fn queued(app: &TestApp) -> Vec<Mail> {
    let mut out = Vec::new();
    for id in ids(app, "select id from jobs where kind = 'mail' order by id").await {
        out.push(serde_json::from_str(&app.text(&format!("select payload from jobs where id = {id}")).await).unwrap());
    }
    out
}

async fn ids(app: &TestApp, sql: &str) -> Vec<i64> {
    let mut conn = app.db.read().await.unwrap();
    too_good_crm::on!(conn, c => sqlx::query_scalar::<_, i64>(sql).fetch_all(c).await.unwrap())
}

/// Queues the reminders due at `now`, as a worker would then.
async fn remind(app: &TestApp, now: DateTime<Utc>) -> usize {
    reminders::queue_due(&app.db, &Config::new(String::new()), now).await.unwrap()
}

async fn call(app: &TestApp, token: &str, customer: i64, kind: &str, start: DateTime<Utc>) -> String {
    let form = [
        ("activity_type", kind),
        ("title", "Call\nAnn about <the> renewal"),
        ("customer_id", &customer.to_string()),
        ("scheduled_at", &rfc3339(start)),
    ];
    let r = app.post("/api/activities/create", Some(token), &form).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["status"], "scheduled");
    r.json["id"].to_string()
}

both!(a_call_is_reminded_once_at_its_assignees_setting_and_again_only_when_moved, |app| async {
    let owner = app.register("caller@example.com", "Calling Inc").await;
    let acme = app.customer(&owner, &[("name", "Acme")]).await;
    let start = Utc::now() + Duration::minutes(30);
    let id = call(&app, &owner, acme, "call", start).await;
    // Too early for the default 15 minutes, then due; at most once, whichever server asks.
    assert_eq!(remind(&app, start - Duration::minutes(16)).await, 0);
    assert_eq!(remind(&app, start - Duration::minutes(14)).await, 1);
    assert_eq!(remind(&app, start - Duration::minutes(13)).await, 0);
    let other_server = too_good_crm::server::db::Db::connect(&app.url).await.unwrap();
    let config = Config::new(String::new());
    assert_eq!(reminders::queue_due(&other_server, &config, start - Duration::minutes(12)).await.unwrap(), 0);
    other_server.close().await;
    let mails = queued(&app).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, "caller@example.com");
    // The title's line break never reaches the subject; the time is in the assignee's zone (UTC).
    let at = start.format("%H:%M").to_string();
    assert_eq!(mails[0].subject, format!("Reminder: Call Ann about <the> renewal at {at}"));
    assert!(mails[0].text.contains("(Acme) starts at") && mails[0].text.contains(&format!("/activities/{id}")));
    assert!(mails[0].html.contains("&lt;the&gt;"), "{}", mails[0].html);
    // The outbox shows it; it is a mail like any other.
    let outbox = app.get("/api/outbox/list", Some(&owner)).await;
    assert_eq!(outbox.json["count"], 1, "{}", outbox.text);

    // Moved: reminded again at its new time, not before.
    let later = start + Duration::hours(2);
    let r = app.post("/api/activities/update", Some(&owner), &[("id", &id), ("scheduled_at", &rfc3339(later))]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(remind(&app, later - Duration::minutes(20)).await, 0);
    assert_eq!(remind(&app, later - Duration::minutes(10)).await, 1);
    // Moved again and completed meanwhile: nothing.
    let again = later + Duration::hours(2);
    app.post("/api/activities/update", Some(&owner), &[("id", &id), ("scheduled_at", &rfc3339(again))]).await;
    let r = app.post("/api/activities/complete", Some(&owner), &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(remind(&app, again - Duration::minutes(5)).await, 0);
    // A cancelled meeting neither.
    let meeting = call(&app, &owner, acme, "meeting", start + Duration::hours(1)).await;
    app.post("/api/activities/cancel", Some(&owner), &[("id", &meeting)]).await;
    assert_eq!(remind(&app, start + Duration::minutes(55)).await, 0);
    assert_eq!(queued(&app).await.len(), 2);
    assert_eq!(app.count("select count(*) from reminders").await, 2);
});

both!(reminders_follow_each_persons_setting_and_can_be_off, |app| async {
    let owner = app.register("setting@example.com", "Setting Inc").await;
    let acme = app.customer(&owner, &[("name", "Acme")]).await;
    let bad = app.post("/api/users/update_profile", Some(&owner), &[("reminder_minutes", "1441")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.json["details"]["reminder_minutes"].is_array(), "{}", bad.text);
    let r = app.post("/api/users/update_profile", Some(&owner), &[("reminder_minutes", "60")]).await;
    assert_eq!(r.json["reminder_minutes"], 60, "{}", r.text);
    let start = Utc::now() + Duration::hours(3);
    call(&app, &owner, acme, "meeting", start).await;
    assert_eq!(remind(&app, start - Duration::minutes(61)).await, 0);
    assert_eq!(remind(&app, start - Duration::minutes(59)).await, 1);
    assert!(queued(&app).await[0].text.contains("in 59 minutes"), "{}", queued(&app).await[0].text);

    let r = app.post("/api/users/update_profile", Some(&owner), &[("reminder_minutes", "off")]).await;
    assert!(r.json["reminder_minutes"].is_null(), "{}", r.text);
    let start = start + Duration::hours(1);
    call(&app, &owner, acme, "call", start).await;
    assert_eq!(remind(&app, start - Duration::minutes(1)).await, 0);
    // The profile page offers the choice, showing the current one.
    let (cookie, _) = common::session(&app, "paged@example.com", "Page", "Paged Inc").await;
    let page = app.send(common::page("/profile", Some(&cookie))).await;
    assert!(
        page.text.contains("name=\"reminder_minutes\"") && page.text.contains("15 minutes before"),
        "{}",
        page.text
    );
});

both!(a_task_is_reminded_on_the_morning_it_is_due_in_its_assignees_zone, |app| async {
    let owner = app.register("tasker@example.com", "Task Inc").await;
    let r = app.post("/api/users/update_profile", Some(&owner), &[("time_zone", "Asia/Tokyo")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let acme = app.customer(&owner, &[("name", "Acme")]).await;
    // Due tomorrow in Tokyo: the reminder goes at 08:00 there (23:00 UTC the day before).
    let tokyo = chrono_tz::Asia::Tokyo;
    let day = Utc::now().with_timezone(&tokyo).date_naive() + Duration::days(1);
    let morning = day.and_hms_opt(8, 0, 0).unwrap().and_local_timezone(tokyo).unwrap().with_timezone(&Utc);
    let task = |title: &'static str| {
        let owner = owner.clone();
        let app = &app;
        async move {
            let form = [
                ("activity_type", "task"),
                ("title", title),
                ("customer_id", &acme.to_string()),
                ("due_date", &day.to_string()),
            ];
            let r = app.post("/api/activities/create", Some(&owner), &form).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            r.json["id"].to_string()
        }
    };
    task("Send the contract").await;
    let cancelled = task("Never mind").await;
    app.post("/api/activities/cancel", Some(&owner), &[("id", &cancelled)]).await;
    assert_eq!(remind(&app, morning - Duration::minutes(1)).await, 0);
    assert_eq!(remind(&app, morning).await, 1);
    assert_eq!(remind(&app, morning + Duration::hours(3)).await, 0, "once");
    let mail = &queued(&app).await[0];
    assert_eq!(mail.subject, "Reminder: Send the contract is due today");
    // After the day is over in Tokyo, a task still open is not reminded any more.
    let late = task("Too late").await;
    assert_eq!(remind(&app, morning + Duration::hours(16) + Duration::minutes(1)).await, 0);
    assert_eq!(app.count(&format!("select count(*) from reminders where activity_id = {late}")).await, 0);
});

both!(templates_check_their_variables_when_saved_and_fill_them_from_a_record, |app| async {
    let (cookie, owner) = common::session(&app, "templater@example.com", "Tess", "Template Inc").await;
    let save = |fields: Vec<(&'static str, &'static str)>| {
        let owner = owner.clone();
        let app = &app;
        async move { app.post("/api/templates/create", Some(&owner), &fields).await }
    };
    let r = save(vec![("name", "Follow-up"), ("subject", "Hi {{customer.nmae}}"), ("body", "{{user.first_name")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json["details"]["subject"][0].as_str().unwrap().contains("customer.nmae"), "{}", r.text);
    assert!(r.json["details"]["body"][0].as_str().unwrap().contains("without its }}"), "{}", r.text);
    let r = save(vec![("name", "Follow-up"), ("subject", "Hi\r\nBcc: x@y.example"), ("body", "x")]).await;
    assert!(r.json["details"]["subject"].is_array(), "{}", r.text);
    assert_eq!(app.count("select count(*) from email_templates").await, 0);
    let body =
        "Dear {{customer.name}},\n\nabout **{{deal.title}}** ({{deal.value}}).\n\n{{user.name}}, {{organization.name}}";
    let r = save(vec![("name", "Follow-up"), ("subject", "{{deal.title}}: next steps"), ("body", body)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let template = r.json["id"].to_string();
    let taken = save(vec![("name", "Follow-up"), ("subject", "x"), ("body", "x")]).await;
    assert!(taken.json["details"]["name"].is_array(), "{}", taken.text);
    let list = app.get("/api/templates/list", Some(&owner)).await;
    assert_eq!(list.json.as_array().unwrap().len(), 1, "{}", list.text);
    let stale = [("id", template.as_str()), ("name", "F"), ("subject", "s"), ("body", "b"), ("version", "7")];
    assert_eq!(app.post("/api/templates/update", Some(&owner), &stale).await.status, StatusCode::CONFLICT);

    // Filled from a deal (and its customer); a customer alone has no deal.* values.
    let acme = app.customer(&owner, &[("name", "Acme <GmbH>"), ("email", "buyer@acme.example")]).await;
    let deal = app
        .post(
            "/api/deals/create",
            Some(&owner),
            &[("title", "Big one"), ("value", "48000"), ("customer_id", &acme.to_string())],
        )
        .await;
    assert_eq!(deal.status, StatusCode::OK, "{}", deal.text);
    let deal = deal.json["id"].to_string();
    let draft = app.get(&format!("/api/emails/draft?template_id={template}&deal_id={deal}"), Some(&owner)).await;
    assert_eq!(draft.status, StatusCode::OK, "{}", draft.text);
    assert_eq!(draft.json["to"], "buyer@acme.example");
    assert_eq!(draft.json["subject"], "Big one: next steps");
    let text = draft.json["body"].as_str().unwrap();
    assert!(text.starts_with("Dear Acme <GmbH>,") && text.contains("Tess, Template Inc"), "{text}");
    assert!(text.contains("(USD 48,000.00)") || text.contains("48,000.00"), "{text}");
    let html = draft.json["html"].as_str().unwrap();
    assert!(html.contains("Dear Acme &lt;GmbH&gt;,") && html.contains("<strong>Big one</strong>"), "{html}");
    let r = app.get(&format!("/api/emails/draft?template_id={template}&customer_id={acme}"), Some(&owner)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json["details"]["subject"][0].as_str().unwrap().contains("not about a deal"), "{}", r.text);

    // The template pages: the list, and one with its preview against the deal.
    let page = app.send(common::page("/settings/templates", Some(&cookie))).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("{{customer.name}}") && page.text.contains("Follow-up"), "{}", page.text);
    let path = format!("/settings/templates/{template}?record=deal&record_id={deal}");
    let page = app.send(common::page(&path, Some(&cookie))).await;
    assert!(
        page.text.contains("Big one: next steps") && page.text.contains("Dear Acme &lt;GmbH&gt;,"),
        "{}",
        page.text
    );
    // Another organization's people see nothing of it.
    let (stranger, _) = common::session(&app, "pages@example.com", "Pat", "Pages Inc").await;
    let page = app.send(common::page(&path, Some(&stranger))).await;
    assert!(!page.text.contains("Big one") && !page.text.contains("next steps"), "{}", page.text);
    let r = app.post("/api/templates/delete", Some(&owner), &[("id", &template)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(app.count("select count(*) from email_templates").await, 0);
});

both!(an_email_from_a_record_is_queued_logged_on_its_timeline_and_shows_its_delivery, |app| async {
    let (cookie, owner) = common::session(&app, "writer@example.com", "Wendy", "Writing Inc").await;
    let acme = app.customer(&owner, &[("name", "Acme"), ("email", "buyer@acme.example")]).await;
    let nomail = app.customer(&owner, &[("name", "No Mail Ltd")]).await;
    let send = |fields: Vec<(&'static str, String)>| {
        let owner = owner.clone();
        let app = &app;
        async move {
            let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post("/api/emails/send", Some(&owner), &form).await
        }
    };
    let customer = |id: i64| ("customer_id", id.to_string());
    // Refused before anything is written: a header line break, a bad cc, no address, no record.
    let r = send(vec![customer(acme), ("subject", "Hi\r\nBcc: evil@x.example".into()), ("body", "x".into())]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.json["details"]["subject"].is_array(), "{}", r.text);
    let r = send(vec![
        customer(acme),
        ("cc", "ok@x.example, not an address".into()),
        ("subject", "s".into()),
        ("body", "b".into()),
    ])
    .await;
    assert!(r.json["details"]["cc"].is_array(), "{}", r.text);
    let r = send(vec![customer(nomail), ("subject", "s".into()), ("body", "b".into())]).await;
    assert!(r.json["details"]["to"].is_array(), "{}", r.text);
    let r = send(vec![("subject", "s".into()), ("body", "b".into())]).await;
    assert!(r.json["details"]["customer_id"].is_array(), "{}", r.text);
    let r = send(vec![customer(acme), ("subject", "Hi {{deal.title}}".into()), ("body", "b".into())]).await;
    assert!(r.json["details"]["subject"].is_array(), "{}", r.text);
    assert_eq!(app.count("select count(*) from jobs").await + app.count("select count(*) from activities").await, 0);

    let body = "Dear {{customer.name}},\n\nthe **offer** is at https://x.example/o?a=1&b=2.\n\nWendy";
    let r = send(vec![
        customer(acme),
        ("cc", "Boss@Acme.example".into()),
        ("subject", "Our offer".into()),
        ("body", body.into()),
    ])
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.json["activity_type"].as_str(), r.json["mail_state"].as_str()), (Some("email"), Some("queued")));
    assert_eq!(r.json["recipients"], serde_json::json!(["buyer@acme.example", "boss@acme.example"]));
    assert_eq!(r.json["customer_id"], acme);
    let activity = r.json["id"].to_string();
    let mail = &queued(&app).await[0];
    assert_eq!(
        (mail.to.as_str(), mail.cc.clone(), mail.reply_to.as_deref()),
        ("buyer@acme.example", vec!["boss@acme.example".to_owned()], Some("writer@example.com"))
    );
    assert!(mail.text.starts_with("Dear Acme,"), "{}", mail.text);
    assert!(
        mail.html.contains("<strong>offer</strong>") && mail.html.contains("href=\"https://x.example/o?a=1&amp;b=2\""),
        "{}",
        mail.html
    );

    // On the customer's timeline with its state; a failure shows why.
    let page = app.send(common::page(&format!("/customers/{acme}"), Some(&cookie))).await;
    assert!(page.text.contains("Email queued") && page.text.contains("Our offer"), "{}", page.text);
    assert!(page.text.contains("value=\"buyer@acme.example\""), "the composer's To is the customer's address");
    app.exec("update jobs set state = 'failed', last_error = '550 5.1.1 mailbox unavailable'").await;
    let got = app.get(&format!("/api/activities/get?id={activity}"), Some(&owner)).await;
    assert_eq!(got.json["mail_state"], "failed", "{}", got.text);
    let page = app.send(common::page(&format!("/customers/{acme}"), Some(&cookie))).await;
    assert!(page.text.contains("Not delivered: 550 5.1.1 mailbox unavailable"), "{}", page.text);
});

both!(emails_from_leads_and_deals_and_who_may_send_them, |app| async {
    let owner = app.register("boss@example.com", "Scoped Inc").await;
    let lead = app
        .post(
            "/api/leads/create",
            Some(&owner),
            &[("first_name", "Lia"), ("last_name", "Lead"), ("email", "lia@lead.example")],
        )
        .await;
    let lead = lead.json["id"].to_string();
    let r = app
        .post(
            "/api/emails/send",
            Some(&owner),
            &[("lead_id", &lead), ("subject", "Hello {{lead.first_name}}"), ("body", "Hi")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.json["lead_id"].to_string(), r.json["title"].as_str()), (lead.clone(), Some("Hello Lia")));
    let acme = app.customer(&owner, &[("name", "Acme"), ("email", "buyer@acme.example")]).await;
    let deal =
        app.post("/api/deals/create", Some(&owner), &[("title", "Deal"), ("customer_id", &acme.to_string())]).await;
    let deal = deal.json["id"].to_string();
    let r = app
        .post(
            "/api/emails/send",
            Some(&owner),
            &[("deal_id", &deal), ("subject", "About {{deal.title}}"), ("body", "Hi")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Logged on the deal and on its customer.
    assert_eq!((r.json["deal_id"].to_string(), r.json["customer_id"].as_i64()), (deal.clone(), Some(acme)));
    assert_eq!(queued(&app).await[1].to, "buyer@acme.example");

    // A sales rep writes only about their own records; nobody writes about another
    // organization's.
    let rep = app.member(&owner, "rep@example.com", "sales_rep").await;
    let r = app
        .post("/api/emails/send", Some(&rep), &[("customer_id", &acme.to_string()), ("subject", "s"), ("body", "b")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.json["details"]["customer_id"].is_array(), "{}", r.text);
    let stranger = app.register("stranger@example.com", "Other Inc").await;
    let r = app.post("/api/emails/send", Some(&stranger), &[("deal_id", &deal), ("subject", "s"), ("body", "b")]).await;
    assert!(r.json["details"]["deal_id"].is_array(), "{}", r.text);
    assert_eq!(app.count("select count(*) from jobs").await, 2);
});

both!(an_email_from_a_record_arrives_through_smtp_with_its_copy_and_is_marked_sent, |app| async {
    let Some(smtp_url) = std::env::var("TEST_SMTP_URL").ok().filter(|v| !v.is_empty()) else {
        eprintln!("skipped: TEST_SMTP_URL is not set (scripts/test.sh starts maildev)");
        return;
    };
    let owner = app.register("smtp.writer@example.com", "Smtp Inc").await;
    let nanos = Utc::now().timestamp_nanos_opt().unwrap_or_default();
    let to = format!("rec{nanos}@acme.example");
    let acme = app.customer(&owner, &[("name", "Acme"), ("email", &to)]).await;
    let form = [
        ("customer_id", acme.to_string()),
        ("cc", format!("cc{nanos}@acme.example")),
        ("subject", "Hello".into()),
        ("body", "Hi **there**".into()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.post("/api/emails/send", Some(&owner), &form).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let mut config = Config::new(String::new());
    config.smtp_url = Some(smtp_url);
    assert_eq!(Worker::new(app.db.clone(), &config).unwrap().run_due().await.unwrap(), 1);
    let got = app.get(&format!("/api/activities/get?id={}", r.json["id"]), Some(&owner)).await;
    assert_eq!(got.json["mail_state"], "sent", "{}", got.text);
    // maildev's REST API: the message with both recipients, the reply address and both parts.
    let api = std::env::var("TEST_MAILDEV_URL").unwrap();
    let body = crate::mail::http_get(&format!("{}/api/email", api.trim_end_matches('/'))).await;
    let all: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap();
    let mail = all.iter().find(|m| m["to"][0]["address"] == to.as_str()).unwrap_or_else(|| panic!("{body}"));
    assert_eq!(mail["cc"][0]["address"], format!("cc{nanos}@acme.example"));
    // (maildev's JSON leaves Reply-To out; the message as received has it.)
    let source = crate::mail::http_get(&format!(
        "{}/api/email/{}/source",
        api.trim_end_matches('/'),
        mail["id"].as_str().unwrap()
    ))
    .await;
    assert!(source.contains("\nReply-To: smtp.writer@example.com"), "{source}");
    assert_eq!(mail["to"][0]["name"], "Acme");
    assert!(mail["text"].as_str().unwrap().contains("Hi **there**"));
    assert!(mail["html"].as_str().unwrap().contains("<strong>there</strong>"));
});
