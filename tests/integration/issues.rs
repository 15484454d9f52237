//! Issues over HTTP: CRUD, resolve and reopen, comments, lists, figures, numbering,
//! tenancy and roles.

use crate::common;
use crate::orders::{me, order};
use crate::vendors::vendor;

use axum::http::{Method, StatusCode};
use chrono::{Datelike, Duration, Utc};
use serde_json::{json, Value};

async fn create(app: &common::TestApp, token: &str, form: &[(&str, &str)]) -> Value {
    let r = app.post("/api/issues/create", Some(token), form).await;
    assert_eq!(r.status, StatusCode::OK, "create issue: {}", r.text);
    r.json
}

async fn get(app: &common::TestApp, token: &str, id: &str) -> common::Resp {
    app.get(&format!("/api/issues/get?id={id}"), Some(token)).await
}

fn titles(r: &common::Resp) -> Vec<String> {
    r.json["results"].as_array().unwrap().iter().map(|v| v["title"].as_str().unwrap().to_owned()).collect()
}

both!(issues_are_created_read_updated_and_deleted, |app| async {
    let token = app.register("icrud@example.com", "Issue Crud").await;
    let (user, _, employee) = me(&app, &token).await;
    let v = vendor(&app, &token, "Supplier").await;
    let o = order(&app, &token, &v, "1").await;
    let cu = app.customer(&token, &[("name", "Buyer")]).await.to_string();
    let i = create(
        &app,
        &token,
        &[
            ("title", "Late delivery"),
            ("description", "Two weeks late"),
            ("vendor_id", &v),
            ("order_id", &o),
            ("customer_id", &cu),
        ],
    )
    .await;
    assert_eq!(i["number"], format!("ISS-{}-0001", Utc::now().year()));
    assert_eq!(
        (i["priority"].as_str(), i["category"].as_str(), i["status"].as_str()),
        (Some("medium"), Some("other"), Some("open"))
    );
    assert_eq!((i["created_by"].as_i64(), i["created_by_name"].as_str()), (Some(user), Some("Test User")));
    assert_eq!(
        (i["vendor_name"].as_str(), i["customer_name"].as_str(), i["order_number"].as_str()),
        (Some("Supplier"), Some("Buyer"), Some(format!("ORD-{}-0001", Utc::now().year()).as_str()))
    );
    assert_eq!(i["assigned_to"], Value::Null, "owners see everything: no self-assignment");
    let id = i["id"].to_string();

    let r = app
        .post(
            "/api/issues/update",
            Some(&token),
            &[
                ("id", &id),
                ("priority", "urgent"),
                ("category", "delivery"),
                ("status", "in_progress"),
                ("assigned_to", &employee.unwrap().to_string()),
                ("vendor_id", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.json["priority"].as_str(), r.json["status"].as_str()), (Some("urgent"), Some("in_progress")));
    assert_eq!(r.json["assigned_to_name"], "Test User");
    assert_eq!(r.json["vendor_id"], Value::Null);
    assert_eq!(r.json["description"], "Two weeks late");
    let r = app.post("/api/issues/update", Some(&token), &[("id", &id), ("status", "resolved")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "resolving is an action");
    let r = app.post("/api/issues/update", Some(&token), &[("id", &id), ("title", "X"), ("version", "1")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    let r = app.post("/api/issues/comment", Some(&token), &[("issue_id", &id), ("body", "Chasing")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(app.post("/api/issues/delete", Some(&token), &[("id", &id)]).await.status, StatusCode::OK);
    assert_eq!(get(&app, &token, &id).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("select count(*) from issue_comments").await, 0, "its comments went with it");
    let r = app.post("/api/issues/create", Some(&token), &[("priority", "asap")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json["details"]["title"].is_array() && r.json["details"]["priority"].is_array(), "{}", r.text);
});

both!(issues_are_resolved_and_reopened, |app| async {
    let token = app.register("ires@example.com", "Issue Resolve").await;
    let (user, _, _) = me(&app, &token).await;
    let id = create(&app, &token, &[("title", "Broken")]).await["id"].to_string();
    let before = Utc::now() - Duration::seconds(1);
    let r = app
        .post(
            "/api/issues/resolve",
            Some(&token),
            &[("id", &id), ("resolution_notes", "Replaced"), ("resolved_by", "42")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["status"], "resolved");
    assert_eq!(r.json["resolution_notes"], "Replaced");
    assert_eq!((r.json["resolved_by"].as_i64(), r.json["resolved_by_name"].as_str()), (Some(user), Some("Test User")));
    let at: chrono::DateTime<Utc> = r.json["resolved_at"].as_str().unwrap().parse().unwrap();
    assert!(at >= before && at <= Utc::now() + Duration::seconds(1));
    let r = app.post("/api/issues/resolve", Some(&token), &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);

    let r = app.post("/api/issues/reopen", Some(&token), &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["status"], "open");
    for field in ["resolved_by", "resolved_at", "resolution_notes"] {
        assert_eq!(r.json[field], Value::Null, "{field}");
    }
    assert_eq!(app.post("/api/issues/reopen", Some(&token), &[("id", &id)]).await.status, StatusCode::CONFLICT);

    // Resolve without notes; close; reopen a closed issue.
    let r = app.post("/api/issues/resolve", Some(&token), &[("id", &id)]).await;
    assert_eq!((r.status, r.json["resolution_notes"].clone()), (StatusCode::OK, Value::Null));
    let r = app.post("/api/issues/update", Some(&token), &[("id", &id), ("status", "closed")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.json["resolved_at"].is_string(), "closing keeps the resolution");
    assert_eq!(app.post("/api/issues/resolve", Some(&token), &[("id", &id)]).await.status, StatusCode::CONFLICT);
    let r = app.post("/api/issues/reopen", Some(&token), &[("id", &id)]).await;
    assert_eq!((r.status, r.json["status"].as_str()), (StatusCode::OK, Some("open")));
});

both!(comments_are_listed_oldest_first, |app| async {
    let token = app.register("icom@example.com", "Issue Comments").await;
    let id = create(&app, &token, &[("title", "Chatty")]).await["id"].to_string();
    for body in ["First", "Second"] {
        let r = app.post("/api/issues/comment", Some(&token), &[("issue_id", &id), ("body", body)]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!((r.json["body"].as_str(), r.json["author_name"].as_str()), (Some(body), Some("Test User")));
    }
    let r = app.post("/api/issues/comment", Some(&token), &[("issue_id", &id), ("body", "  ")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app.get(&format!("/api/issues/comments?issue_id={id}"), Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let bodies: Vec<&str> = r.json.as_array().unwrap().iter().map(|c| c["body"].as_str().unwrap()).collect();
    assert_eq!(bodies, ["First", "Second"]);
    assert_eq!(get(&app, &token, &id).await.json["comment_count"], 2);
    let r = app
        .post_json("/api/issues/comment", Some(&token), json!({"issue_id": id.parse::<i64>().unwrap(), "body": "JSON"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
});

both!(issue_lists_search_and_filter, |app| async {
    let token = app.register("ilist@example.com", "Issue List").await;
    let (_, _, employee) = me(&app, &token).await;
    let employee = employee.unwrap().to_string();
    let v = vendor(&app, &token, "V").await;
    let o = order(&app, &token, &v, "1").await;
    let cu = app.customer(&token, &[("name", "C")]).await.to_string();
    create(&app, &token, &[("title", "Wrong colour"), ("category", "quality"), ("priority", "low"), ("vendor_id", &v)])
        .await;
    create(
        &app,
        &token,
        &[
            ("title", "Invoice twice"),
            ("description", "Billed for the same crate"),
            ("category", "billing"),
            ("priority", "urgent"),
            ("order_id", &o),
        ],
    )
    .await;
    let third = create(
        &app,
        &token,
        &[
            ("title", "No reply"),
            ("category", "communication"),
            ("customer_id", &cu),
            ("assigned_to", &employee),
            ("priority", "high"),
        ],
    )
    .await;
    app.post("/api/issues/resolve", Some(&token), &[("id", &third["id"].to_string())]).await;

    let q = |query: &str| format!("/api/issues/list?{query}");
    assert_eq!(titles(&app.get(&q(""), Some(&token)).await), ["No reply", "Invoice twice", "Wrong colour"]);
    assert_eq!(titles(&app.get(&q("search=same+crate"), Some(&token)).await), ["Invoice twice"], "description");
    assert_eq!(titles(&app.get(&q("search=colour"), Some(&token)).await), ["Wrong colour"], "title");
    let r = app.get(&q(&format!("search=iss-{}-0003", Utc::now().year())), Some(&token)).await;
    assert_eq!(titles(&r), ["No reply"], "number");
    assert_eq!(titles(&app.get(&q(&format!("vendor={v}")), Some(&token)).await), ["Wrong colour"]);
    assert_eq!(titles(&app.get(&q(&format!("order={o}")), Some(&token)).await), ["Invoice twice"]);
    assert_eq!(titles(&app.get(&q(&format!("customer={cu}")), Some(&token)).await), ["No reply"]);
    assert_eq!(titles(&app.get(&q("priority=urgent"), Some(&token)).await), ["Invoice twice"]);
    assert_eq!(titles(&app.get(&q("category=quality"), Some(&token)).await), ["Wrong colour"]);
    assert_eq!(titles(&app.get(&q("status=resolved"), Some(&token)).await), ["No reply"]);
    assert_eq!(titles(&app.get(&q(&format!("assigned_to={employee}")), Some(&token)).await), ["No reply"]);
    let r = app.get(&q("ordering=-priority"), Some(&token)).await;
    assert_eq!(titles(&r), ["Invoice twice", "No reply", "Wrong colour"], "by urgency");
    assert_eq!(app.get(&q("category=vibes"), Some(&token)).await.status, StatusCode::UNPROCESSABLE_ENTITY);
});

both!(issue_stats_count_and_average_the_time_to_resolve, |app| async {
    let token = app.register("istats@example.com", "Issue Stats").await;
    let a = create(&app, &token, &[("title", "A"), ("priority", "high"), ("category", "delivery")]).await;
    let b = create(&app, &token, &[("title", "B"), ("category", "delivery")]).await;
    create(&app, &token, &[("title", "C")]).await;
    let r = app.get("/api/issues/stats", Some(&token)).await;
    assert_eq!(r.json["average_resolution_hours"], Value::Null, "none resolved yet");
    for id in [&a["id"], &b["id"]] {
        assert_eq!(
            app.post("/api/issues/resolve", Some(&token), &[("id", &id.to_string())]).await.status,
            StatusCode::OK
        );
    }
    // 3h30 and 2h: 2.75 hours on average, 2.8 with one decimal.
    app.exec(&format!(
        "update issues set created_at = '2026-03-01T10:00:00+00:00', resolved_at = '2026-03-01T13:30:00+00:00' where id = {}",
        a["id"]
    ))
    .await;
    app.exec(&format!(
        "update issues set created_at = '2026-03-02T08:00:00.250+00:00', resolved_at = '2026-03-02T10:00:00.250+00:00' where id = {}",
        b["id"]
    ))
    .await;
    let r = app.get("/api/issues/stats", Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let s = r.json;
    assert_eq!((s["total"].as_i64(), s["open"].as_i64()), (Some(3), Some(1)));
    assert_eq!(s["by_status"], json!({"open": 1, "in_progress": 0, "resolved": 2, "closed": 0}));
    assert_eq!(s["by_priority"], json!({"low": 0, "medium": 2, "high": 1, "urgent": 0}));
    assert_eq!(s["by_category"]["delivery"], 2);
    assert_eq!(s["by_category"]["other"], 1);
    assert_eq!(s["average_resolution_hours"], "2.8");
});

both!(ids_of_another_organization_are_422_in_bodies_and_404_as_targets, |app| async {
    let token = app.register("iten@example.com", "Issue Tenant").await;
    let other = app.register("iten2@example.com", "Issue Tenant 2").await;
    let (_, _, their_employee) = me(&app, &other).await;
    let their_employee = their_employee.unwrap().to_string();
    let their_vendor = vendor(&app, &other, "Theirs").await;
    let their_order = order(&app, &other, &their_vendor, "1").await;
    let their_customer = app.customer(&other, &[("name", "Theirs")]).await.to_string();
    let refs = [
        ("vendor_id", their_vendor.as_str()),
        ("order_id", their_order.as_str()),
        ("customer_id", their_customer.as_str()),
        ("assigned_to", their_employee.as_str()),
    ];
    let mut form = vec![("title", "T")];
    form.extend(refs);
    let r = app.post("/api/issues/create", Some(&token), &form).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    for (field, _) in refs {
        assert!(r.json["details"][field].is_array(), "{field}: {}", r.text);
    }
    assert_eq!(app.count("select count(*) from issues").await, 0);
    let mine = create(&app, &token, &[("title", "Mine")]).await["id"].to_string();
    for (field, value) in refs {
        let r = app.post("/api/issues/update", Some(&token), &[("id", &mine), (field, value)]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(r.json["details"][field].is_array(), "{field}: {}", r.text);
    }

    let theirs = create(&app, &other, &[("title", "Theirs")]).await["id"].to_string();
    app.post("/api/issues/comment", Some(&other), &[("issue_id", &theirs), ("body", "Private")]).await;
    assert_eq!(get(&app, &token, &theirs).await.status, StatusCode::NOT_FOUND);
    let r = app.get(&format!("/api/issues/comments?issue_id={theirs}"), Some(&token)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    for (path, form) in [
        ("update", vec![("id", theirs.as_str()), ("title", "Mine now")]),
        ("resolve", vec![("id", theirs.as_str())]),
        ("reopen", vec![("id", theirs.as_str())]),
        ("delete", vec![("id", theirs.as_str())]),
        ("comment", vec![("issue_id", theirs.as_str()), ("body", "Hi")]),
    ] {
        let r = app.post(&format!("/api/issues/{path}"), Some(&token), &form).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.text);
    }
    let r = get(&app, &other, &theirs).await;
    assert_eq!((r.json["title"].as_str(), r.json["status"].as_str()), (Some("Theirs"), Some("open")));
    assert_eq!((r.json["version"].as_i64(), r.json["comment_count"].as_i64()), (Some(1), Some(1)));
    assert_eq!(app.get("/api/issues/list", Some(&token)).await.json["count"], 1);
    assert_eq!(app.get("/api/issues/stats", Some(&token)).await.json["total"], 1);
});

both!(issue_permissions_follow_the_roles, |app| async {
    let owner = app.register("irole@example.com", "Issue Roles").await;
    let id = create(&app, &owner, &[("title", "Staff issue")]).await["id"].to_string();
    let manager = app.member(&owner, "imgr@example.com", "manager").await;
    assert_eq!(app.post("/api/issues/resolve", Some(&manager), &[("id", &id)]).await.status, StatusCode::OK);
    assert_eq!(app.post("/api/issues/delete", Some(&manager), &[("id", &id)]).await.status, StatusCode::FORBIDDEN);
    let rep = app.member(&owner, "irep@example.com", "sales_rep").await;
    assert_eq!(app.get("/api/issues/list", Some(&rep)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.post("/api/issues/create", Some(&rep), &[("title", "X")]).await.status, StatusCode::FORBIDDEN);
    // A portal customer does not see the staff's issues (their own come with the portal).
    let portal = app.member(&owner, "iportal@example.com", "customer").await;
    let r = app.get("/api/issues/list", Some(&portal)).await;
    assert_eq!((r.status, r.json["count"].as_i64()), (StatusCode::OK, Some(0)), "{}", r.text);
    assert_eq!(get(&app, &portal, &id).await.status, StatusCode::NOT_FOUND);
    let r = app.post("/api/issues/comment", Some(&portal), &[("issue_id", &id), ("body", "Hello")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(app.post("/api/issues/reopen", Some(&portal), &[("id", &id)]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/issues/stats", Some(&portal)).await.json["total"], 0);
});

both!(concurrent_issue_and_payment_creates_number_densely, |app| async {
    use tower::ServiceExt;
    let token = app.register("irace@example.com", "Issue Race").await;
    let calls: Vec<_> = (0..40)
        .map(|i| {
            let (path, body) = if i % 2 == 0 {
                ("/api/issues/create", format!("title=Race+{i}"))
            } else {
                ("/api/payments/create", "amount=1".into())
            };
            let req =
                common::request(Method::POST, path, Some(&token), Some(("application/x-www-form-urlencoded", body)));
            let router = app.router.clone();
            tokio::spawn(async move {
                let res = router.oneshot(req).await.unwrap();
                let status = res.status();
                let bytes = http_body_util::BodyExt::collect(res.into_body()).await.unwrap().to_bytes();
                (status, serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null))
            })
        })
        .collect();
    let (mut issues, mut payments) = (Vec::new(), Vec::new());
    for call in calls {
        let (status, json) = call.await.unwrap();
        assert_eq!(status, StatusCode::OK, "{json}");
        let number = json["number"].as_str().unwrap().to_owned();
        if number.starts_with("ISS") {
            issues.push(number)
        } else {
            payments.push(number)
        }
    }
    issues.sort();
    payments.sort();
    let year = Utc::now().year();
    assert_eq!(issues, (1..=20).map(|n| format!("ISS-{year}-{n:04}")).collect::<Vec<_>>());
    assert_eq!(payments, (1..=20).map(|n| format!("PAY-{year}-{n:04}")).collect::<Vec<_>>());
});
