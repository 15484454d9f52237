//! Webhooks against a real receiver: an HTTP server on 127.0.0.1 started by the test, which
//! keeps what it is sent. The worker is the app's own (`jobs::Worker`), run round by round.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode};
use serde_json::Value;
use too_good_crm::domain::webhook::signature;
use too_good_crm::server::config::Config;
use too_good_crm::server::jobs::Worker;

use crate::common::TestApp;

/// What the receiver got: the signature header and the body of each request, in order.
type Received = Arc<Mutex<Vec<(String, String)>>>;

/// A receiver on `addr` (port 0: any) answering 200; stops when the handle is aborted.
async fn receiver(addr: SocketAddr, received: Received) -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let received = received.clone();
            async move {
                let sig = headers.get("x-tgc-signature").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                received.lock().unwrap().push((sig, body));
                StatusCode::OK
            }
        }),
    );
    (addr, tokio::spawn(async move { axum::serve(listener, app).await.unwrap() }))
}

/// A worker that may deliver to loopback (a server's `WEBHOOK_ALLOW_ADDRESSES=127.0.0.1`).
fn worker(app: &TestApp, allow_loopback: bool) -> Worker {
    let mut config = Config::new(app.url.clone());
    if allow_loopback {
        config.webhook_allow = vec!["127.0.0.1".parse().unwrap()];
    }
    Worker::new(app.db.clone(), &config).unwrap()
}

/// Runs the worker until nothing is due.
async fn drain(worker: &Worker) {
    while worker.run_due().await.unwrap() > 0 {}
}

fn form(pairs: &[(&str, String)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

async fn post(app: &TestApp, token: &str, path: &str, pairs: &[(&str, String)]) -> Value {
    let pairs = form(pairs);
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = app.post(path, Some(token), &pairs).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
    r.json
}

/// The events received, checked against the secret: `(type, data)` in arrival order, and the
/// ids of the events.
fn verified(received: &Received, secret: &str) -> (Vec<(String, Value)>, Vec<String>) {
    let mut events = Vec::new();
    let mut ids = Vec::new();
    for (sig, body) in received.lock().unwrap().iter() {
        let t: i64 = sig.strip_prefix("t=").and_then(|s| s.split(',').next()).and_then(|t| t.parse().ok()).unwrap();
        assert!((chrono::Utc::now().timestamp() - t).abs() < 300, "a fresh timestamp: {sig}");
        assert_eq!(sig, &signature(secret, t, body), "signed with the subscription's secret");
        assert_ne!(sig, &signature("whsec_wrong", t, body));
        let event: Value = serde_json::from_str(body).unwrap();
        assert!(event["occurred_at"].is_string() && event["organization_id"].is_i64(), "{event}");
        ids.push(event["id"].as_str().unwrap().to_owned());
        events.push((event["type"].as_str().unwrap().to_owned(), event["data"].clone()));
    }
    (events, ids)
}

both!(a_receiver_gets_every_event_signed_in_order_per_record_also_after_an_outage, |app| async {
    let owner = app.register("hooks@example.com", "Hooks Inc").await;
    let received = Received::default();
    let (addr, server) = receiver("127.0.0.1:0".parse().unwrap(), received.clone()).await;
    let hook =
        post(&app, &owner, "/api/webhooks/create", &[("url", format!("http://{addr}/hook")), ("events", "*".into())])
            .await;
    let secret = hook["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_") && secret.len() == 54, "{secret}");
    assert!(hook["events"].as_array().unwrap().len() > 20);
    let hook_id = hook["id"].to_string();

    let customer = post(&app, &owner, "/api/customers/create", &[("name", "Acme".into())]).await;
    let cid = customer["id"].to_string();
    post(&app, &owner, "/api/customers/update", &[("id", cid.clone()), ("name", "Acme GmbH".into())]).await;
    let deal = post(
        &app,
        &owner,
        "/api/deals/create",
        &[("title", "Acme rollout".into()), ("customer_id", cid.clone()), ("value", "48000".into())],
    )
    .await;
    let did = deal["id"].to_string();
    post(&app, &owner, "/api/deals/won", &[("id", did.clone())]).await;
    // Nothing is sent before a worker runs; then everything is, once.
    assert!(received.lock().unwrap().is_empty());
    let worker = worker(&app, true);
    drain(&worker).await;
    let (events, _) = verified(&received, &secret);
    let types: Vec<&str> = events.iter().map(|(t, _)| t.as_str()).collect();
    let about = |kind: &str| -> Vec<&str> { types.iter().copied().filter(|t| t.starts_with(kind)).collect() };
    assert_eq!(about("customer."), ["customer.created", "customer.updated"]);
    assert_eq!(about("deal."), ["deal.created", "deal.updated", "deal.won"]);
    let (_, updated) = events.iter().find(|(t, _)| t == "customer.updated").unwrap();
    assert_eq!((updated["id"].to_string(), updated["name"].as_str()), (cid.clone(), Some("Acme GmbH")));
    let (_, won) = events.iter().find(|(t, _)| t == "deal.won").unwrap();
    let value = won["value"].as_str().map(str::to_owned).unwrap_or_else(|| won["value"].to_string());
    assert_eq!((won["status"].as_str(), value.parse::<f64>().ok()), (Some("won"), Some(48000.0)), "{won}");

    // The receiver goes away: deliveries fail and wait; the second change to the customer waits
    // behind the first, so they still arrive in order.
    server.abort();
    let _ = server.await;
    received.lock().unwrap().clear();
    post(&app, &owner, "/api/customers/update", &[("id", cid.clone()), ("city", "Berlin".into())]).await;
    post(&app, &owner, "/api/customers/update", &[("id", cid.clone()), ("city", "Hamburg".into())]).await;
    post(&app, &owner, "/api/leads/create", &[("first_name", "Lea".into()), ("last_name", "Lead".into())]).await;
    drain(&worker).await;
    let app = &app;
    let queued = |attempts: i64, about: &str| {
        let sql = format!(
            "select count(*) from jobs where kind = 'webhook' and state = 'queued' and attempts = {attempts} \
             and payload like '%{about}%'"
        );
        async move { app.count(&sql).await }
    };
    assert_eq!(queued(1, "Berlin").await, 1, "the customer's first change was tried");
    assert_eq!(queued(0, "Hamburg").await, 1, "its second waits behind it");
    assert_eq!(queued(1, "lead.created").await, 1, "another record's event does not wait");
    let log = app.get(&format!("/api/webhooks/deliveries?id={hook_id}"), Some(&owner)).await;
    let newest = &log.json["results"][0];
    assert_eq!((newest["event_type"].as_str(), newest["state"].as_str()), (Some("lead.created"), Some("queued")));
    assert!(newest["last_error"].as_str().unwrap().contains("connect"), "{newest}");
    assert!(newest["status_code"].is_null());

    // Back on the same address: the retries (due now, as if their wait had passed) arrive.
    let (_, server) = receiver(addr, received.clone()).await;
    for _ in 0..3 {
        app.exec("update jobs set run_at = created_at where state = 'queued'").await;
        drain(&worker).await;
    }
    let (events, ids) = verified(&received, &secret);
    let cities: Vec<&str> =
        events.iter().filter(|(t, _)| t == "customer.updated").map(|(_, d)| d["city"].as_str().unwrap()).collect();
    assert_eq!(cities, ["Berlin", "Hamburg"]);
    assert!(events.iter().any(|(t, d)| t == "lead.created" && d["first_name"] == "Lea"));
    // Every event logged reached the receiver (at least once); none is missing.
    let log = app.get(&format!("/api/webhooks/deliveries?id={hook_id}"), Some(&owner)).await;
    assert_eq!(log.json["count"], 8, "{}", log.text);
    for delivery in log.json["results"].as_array().unwrap() {
        assert_eq!((delivery["state"].as_str(), delivery["status_code"].as_i64()), (Some("sent"), Some(200)));
    }
    let hook = app.get(&format!("/api/webhooks/get?id={hook_id}"), Some(&owner)).await;
    assert_eq!((hook.json["active"].as_bool(), hook.json["failures"].as_i64()), (Some(true), Some(0)));
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 3, "three events since the outage: {ids:?}");
    server.abort();
});

both!(webhooks_are_checked_limited_to_public_addresses_and_turned_off_after_a_day_of_failures, |app| async {
    let owner = app.register("hook.admin@example.com", "Hook Admin Inc").await;
    // Bad input: a 422 naming the field.
    for (url, events, field) in
        [("ftp://example.com/x", "deal.won", "url"), ("https://example.com/x", "deal.sold", "events"), ("", "*", "url")]
    {
        let r = app.post("/api/webhooks/create", Some(&owner), &[("url", url), ("events", events)]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{url} {events}: {}", r.text);
        assert!(r.json["details"][field].is_array(), "{}", r.text);
    }
    let received = Received::default();
    let (addr, server) = receiver("127.0.0.1:0".parse().unwrap(), received.clone()).await;
    let url = format!("http://{addr}/hook");
    let hook = post(&app, &owner, "/api/webhooks/create", &[("url", url.clone()), ("events", "deal.won".into())]).await;
    let hook_id = hook["id"].to_string();
    // Only subscribed events are queued; a test event goes to this subscription whatever its events.
    post(&app, &owner, "/api/customers/create", &[("name", "Not subscribed".into())]).await;
    assert_eq!(app.count("select count(*) from jobs where kind = 'webhook'").await, 0);
    post(&app, &owner, "/api/webhooks/test", &[("id", hook_id.clone())]).await;
    // Without WEBHOOK_ALLOW_ADDRESSES, loopback is refused, for good, and nothing is sent.
    drain(&worker(&app, false)).await;
    assert!(received.lock().unwrap().is_empty());
    let log = app.get(&format!("/api/webhooks/deliveries?id={hook_id}"), Some(&owner)).await;
    let first = &log.json["results"][0];
    assert_eq!((first["event_type"].as_str(), first["state"].as_str()), (Some("webhook.test"), Some("failed")));
    assert!(first["last_error"].as_str().unwrap().contains("not a public address"), "{first}");
    // Allowed, the test event arrives.
    post(&app, &owner, "/api/webhooks/test", &[("id", hook_id.clone())]).await;
    drain(&worker(&app, true)).await;
    let (events, _) = verified(&received, hook["secret"].as_str().unwrap());
    assert_eq!(events.len(), 1);
    assert_eq!((events[0].0.as_str(), &events[0].1["webhook_id"]), ("webhook.test", &hook["id"]));

    // Who may manage webhooks: the owner and admins; not a manager or a sales rep, nor
    // another organization.
    for role in ["manager", "sales_rep"] {
        let token = app.member(&owner, &format!("{role}.hooks@example.com"), role).await;
        let r = app.get("/api/webhooks/list", Some(&token)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role}: {}", r.text);
    }
    let admin = app.member(&owner, "admin.hooks@example.com", "admin").await;
    assert_eq!(app.get("/api/webhooks/list", Some(&admin)).await.json.as_array().unwrap().len(), 1);
    let stranger = app.register("stranger.hooks@example.com", "Elsewhere Inc").await;
    assert_eq!(
        app.get(&format!("/api/webhooks/get?id={hook_id}"), Some(&stranger)).await.status,
        StatusCode::NOT_FOUND
    );
    let r = app.post("/api/webhooks/delete", Some(&stranger), &[("id", &hook_id)]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // A receiver gone for a day: the delivery is given up and the subscription turned off.
    server.abort();
    let _ = server.await;
    let deal_customer = post(&app, &owner, "/api/customers/create", &[("name", "Won Co".into())]).await;
    let deal = post(
        &app,
        &owner,
        "/api/deals/create",
        &[("title", "Big one".into()), ("customer_id", deal_customer["id"].to_string()), ("value", "10".into())],
    )
    .await;
    post(&app, &owner, "/api/deals/won", &[("id", deal["id"].to_string())]).await;
    let day_ago = (chrono::Utc::now() - chrono::Duration::hours(25)).to_rfc3339();
    app.exec(&format!("update jobs set created_at = '{day_ago}' where state = 'queued'")).await;
    app.exec("update webhooks set failures = 30").await;
    drain(&worker(&app, true)).await;
    let hook = app.get(&format!("/api/webhooks/get?id={hook_id}"), Some(&owner)).await;
    assert_eq!(hook.json["active"], false, "{}", hook.text);
    assert!(hook.json["disabled_reason"].as_str().unwrap().contains("failed for a day"));
    post(&app, &owner, "/api/deals/lost", &[("id", deal["id"].to_string()), ("reason", "x".into())]).await;
    let queued = "select count(*) from jobs where kind = 'webhook' and state = 'queued'";
    assert_eq!(app.count(queued).await, 0, "a subscription turned off gets nothing");
    let on = post(&app, &owner, "/api/webhooks/update", &[("id", hook_id.clone()), ("active", "true".into())]).await;
    assert_eq!(
        (on["active"].as_bool(), on["failures"].as_i64(), on["disabled_reason"].is_null()),
        (Some(true), Some(0), true)
    );
});

/// The `Location` of a redirect, without the origin.
fn location(r: &crate::common::Resp) -> String {
    let to = r.headers.get(axum::http::header::LOCATION).unwrap().to_str().unwrap();
    to.trim_start_matches("http://localhost").to_owned()
}

both!(the_webhooks_pages_work_without_javascript, |app| async {
    use scraper::{Html, Selector};
    let (cookie, owner) = crate::common::session(&app, "pages.hooks@example.com", "Pia", "Hook Pages Inc").await;
    let sel = |s: &str| Selector::parse(s).unwrap();
    // A new webhook from the list page's form: the events are checkboxes.
    let list = "/settings/webhooks";
    let body = [
        ("url", "https://10.1.2.3/crm?a=1&b=2"),
        ("description", "Billing <sync>"),
        ("events[0]", ""),
        ("events[2]", "customer.created"),
        ("events[11]", "deal.won"),
        ("next", "/settings/webhooks/{id}"),
    ];
    let r = app.send(crate::common::form_post("/api/webhooks/create", &body, &cookie, list)).await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text);
    let here = location(&r);
    let hook_id = here.rsplit('/').next().unwrap().to_owned();
    let hook = app.get(&format!("/api/webhooks/get?id={hook_id}"), Some(&owner)).await.json;
    assert_eq!(hook["events"], serde_json::json!(["customer.created", "deal.won"]));

    let page = Html::parse_document(&app.send(crate::common::page(list, Some(&cookie))).await.text);
    let link = page.select(&sel(&format!("a[href='{here}']"))).next().expect("a link to the webhook");
    assert_eq!(link.text().collect::<String>(), "https://10.1.2.3/crm?a=1&b=2");
    assert!(page.root_element().text().any(|t| t.contains("Billing <sync>")));

    // Its page: the events ticked, the secret, a test button; the log after a failed delivery.
    app.post("/api/webhooks/test", Some(&owner), &[("id", &hook_id)]).await;
    drain(&worker(&app, false)).await;
    let page = Html::parse_document(&app.send(crate::common::page(&here, Some(&cookie))).await.text);
    let ticked: Vec<String> = page
        .select(&sel("input[type=checkbox][checked]"))
        .map(|i| i.value().attr("value").unwrap().to_owned())
        .collect();
    assert_eq!(ticked, ["customer.created", "deal.won"]);
    let secret = page.select(&sel("code")).next().unwrap().text().collect::<String>();
    assert_eq!(secret, hook["secret"].as_str().unwrap());
    assert!(page.select(&sel("button")).any(|b| b.text().collect::<String>() == "Send a test event"));
    let row: Vec<String> = page
        .select(&sel("table tbody tr"))
        .next()
        .expect("the test delivery in the log")
        .select(&sel("td"))
        .map(|td| td.text().collect::<String>())
        .collect();
    assert!(row[0].starts_with("webhook.test") && row[1] == "Failed", "{row:?}");
    assert!(row[3].contains("10.1.2.3 is not a public address"), "{row:?}");

    // Unticking every event is refused, not ignored.
    let body = [("id", hook_id.as_str()), ("events[0]", ""), ("next", here.as_str())];
    let r = app.send(crate::common::form_post("/api/webhooks/update", &body, &cookie, &here)).await;
    let back = location(&r);
    assert!(back.starts_with(&here) && back.contains("__err="), "{back}");
    let refused = app.send(crate::common::page(&back, Some(&cookie))).await;
    assert!(refused.text.contains("choose at least one event"), "{}", refused.text);

    // Turned off by the app: the page says why and offers to turn it on.
    app.exec(&format!("update webhooks set active = false, disabled_reason = 'turned off: test' where id = {hook_id}"))
        .await;
    let page = Html::parse_document(&app.send(crate::common::page(&here, Some(&cookie))).await.text);
    let alert = page.select(&sel("[role=alert]")).next().expect("the notice").text().collect::<String>();
    assert!(alert.contains("turned off: test") && alert.contains("Turn on again"), "{alert}");
    let body = [("id", hook_id.as_str()), ("active", "true"), ("next", here.as_str())];
    let r = app.send(crate::common::form_post("/api/webhooks/update", &body, &cookie, &here)).await;
    assert_eq!(location(&r).trim_end_matches('?'), here);
    let hook = app.get(&format!("/api/webhooks/get?id={hook_id}"), Some(&owner)).await.json;
    assert_eq!((hook["active"].as_bool(), hook["disabled_reason"].is_null()), (Some(true), true));
});
