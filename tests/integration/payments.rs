//! Payments over HTTP: CRUD, defaults from the order, process and mark failed, lists,
//! figures, tenancy and roles.

use crate::common;
use crate::orders::{me, order};
use crate::vendors::vendor;

use axum::http::StatusCode;
use chrono::{Datelike, Duration, Utc};
use serde_json::{json, Value};

async fn create(app: &common::TestApp, token: &str, form: &[(&str, &str)]) -> Value {
    let r = app.post("/api/payments/create", Some(token), form).await;
    assert_eq!(r.status, StatusCode::OK, "create payment: {}", r.text);
    r.json
}

async fn get(app: &common::TestApp, token: &str, id: &str) -> common::Resp {
    app.get(&format!("/api/payments/get?id={id}"), Some(token)).await
}

fn numbers(r: &common::Resp) -> Vec<String> {
    r.json["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["invoice_number"].as_str().unwrap_or("").to_owned())
        .collect()
}

both!(payments_are_created_read_updated_and_deleted, |app| async {
    let token = app.register("pcrud@example.com", "Payment Crud").await;
    let v = vendor(&app, &token, "Supplier").await;
    let cu = app.customer(&token, &[("name", "Buyer")]).await.to_string();
    let o = app
        .post(
            "/api/orders/create",
            Some(&token),
            &[("title", "O"), ("vendor_id", &v), ("customer_id", &cu), ("currency", "eur")],
        )
        .await;
    assert_eq!(o.status, StatusCode::OK, "{}", o.text);
    let order_id = o.json["id"].to_string();

    let p = create(&app, &token, &[("order_id", &order_id), ("amount", "0.30"), ("invoice_number", "INV-7")]).await;
    assert_eq!(p["number"], format!("PAY-{}-0001", Utc::now().year()));
    assert_eq!(p["amount"], "0.30");
    assert_eq!(p["currency"], "EUR", "the order's currency");
    assert_eq!(
        (p["vendor_id"].to_string(), p["customer_id"].to_string()),
        (v.clone(), cu.clone()),
        "the order's parties"
    );
    assert_eq!((p["vendor_name"].as_str(), p["customer_name"].as_str()), (Some("Supplier"), Some("Buyer")));
    assert_eq!(p["order_number"], o.json["number"]);
    assert_eq!(
        (p["status"].as_str(), p["payment_type"].as_str(), p["payment_method"].as_str()),
        (Some("pending"), Some("incoming"), Some("bank_transfer"))
    );
    assert_eq!((p["processed_at"].clone(), p["processed_by"].clone()), (Value::Null, Value::Null));
    let id = p["id"].to_string();

    let r = app
        .post(
            "/api/payments/update",
            Some(&token),
            &[
                ("id", &id),
                ("amount", "12.34"),
                ("payment_method", "stripe"),
                ("status", "processing"),
                ("customer_id", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.json["amount"].as_str(), r.json["payment_method"].as_str()), (Some("12.34"), Some("stripe")));
    assert_eq!((r.json["status"].as_str(), r.json["customer_id"].clone()), (Some("processing"), Value::Null));
    assert_eq!(r.json["invoice_number"], "INV-7");
    let r = app.post("/api/payments/update", Some(&token), &[("id", &id), ("amount", "1"), ("version", "1")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = app.post_json("/api/payments/update", Some(&token), json!({"id": p["id"], "notes": "Called"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // Without an order: the organization's currency.
    let q = create(&app, &token, &[("amount", "5"), ("payment_type", "outgoing"), ("vendor_id", &v)]).await;
    assert_eq!(
        (q["currency"].as_str(), q["number"].as_str()),
        (Some("USD"), Some(format!("PAY-{}-0002", Utc::now().year()).as_str()))
    );

    assert_eq!(get(&app, &token, &id).await.json["notes"], "Called");
    assert_eq!(app.post("/api/payments/delete", Some(&token), &[("id", &id)]).await.status, StatusCode::OK);
    assert_eq!(get(&app, &token, &id).await.status, StatusCode::NOT_FOUND);
});

both!(invalid_payments_are_422, |app| async {
    let token = app.register("pbad@example.com", "Payment Bad").await;
    for amount in ["", "0", "-1", "0.001", "lots"] {
        let r = app.post("/api/payments/create", Some(&token), &[("amount", amount)]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{amount}");
        assert!(r.json["details"]["amount"].is_array(), "{amount}: {}", r.text);
    }
    let r = app
        .post(
            "/api/payments/create",
            Some(&token),
            &[
                ("amount", "1"),
                ("status", "completed"),
                ("payment_method", "gold"),
                ("due_date", "soon"),
                ("order_id", "x"),
            ],
        )
        .await;
    for field in ["status", "payment_method", "due_date", "order_id"] {
        assert!(r.json["details"][field].is_array(), "{field}: {}", r.text);
    }
    let r = app.post("/api/payments/create", Some(&token), &[("amount", "1.5"), ("currency", "JPY")]).await;
    assert!(r.json["details"]["amount"].is_array(), "{}", r.text);
    assert_eq!(app.count("select count(*) from payments").await, 0);
});

both!(processing_and_failing_payments, |app| async {
    let token = app.register("pproc@example.com", "Payment Process").await;
    let (user, _, _) = me(&app, &token).await;
    let id = create(&app, &token, &[("amount", "10")]).await["id"].to_string();

    let r = app.post("/api/payments/mark_failed", Some(&token), &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a reason is required");
    assert!(r.json["details"]["reason"].is_array());
    let r = app.post("/api/payments/mark_failed", Some(&token), &[("id", &id), ("reason", "Card declined")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.json["status"].as_str(), r.json["failure_reason"].as_str()), (Some("failed"), Some("Card declined")));
    let r = app.post("/api/payments/mark_failed", Some(&token), &[("id", &id), ("reason", "Again")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    let before = Utc::now() - Duration::seconds(1);
    let r = app.post("/api/payments/process", Some(&token), &[("id", &id), ("processed_by", "999")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["status"], "completed");
    assert_eq!(r.json["processed_by"], user, "set by the server, not the client");
    assert_eq!(r.json["processed_by_name"], "Test User");
    assert_eq!(r.json["failure_reason"], Value::Null);
    let at: chrono::DateTime<Utc> = r.json["processed_at"].as_str().unwrap().parse().unwrap();
    assert!(at >= before && at <= Utc::now() + Duration::seconds(1), "{at}");

    assert_eq!(app.post("/api/payments/process", Some(&token), &[("id", &id)]).await.status, StatusCode::CONFLICT);
    let r = app.post("/api/payments/mark_failed", Some(&token), &[("id", &id), ("reason", "Late")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "a completed payment does not fail");
    let r = app.post("/api/payments/update", Some(&token), &[("id", &id), ("amount", "11")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "a completed payment keeps its amount");
    let r = app.post("/api/payments/update", Some(&token), &[("id", &id), ("status", "refunded")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(app.post("/api/payments/process", Some(&token), &[("id", &id)]).await.status, StatusCode::CONFLICT);
    assert_eq!(get(&app, &token, &id).await.json["status"], "refunded");
});

both!(payment_lists_search_and_filter, |app| async {
    let token = app.register("plist@example.com", "Payment List").await;
    let v = vendor(&app, &token, "V").await;
    let cu = app.customer(&token, &[("name", "C")]).await.to_string();
    let o = order(&app, &token, &v, "1").await;
    let past = (Utc::now().date_naive() - Duration::days(3)).to_string();
    let future = (Utc::now().date_naive() + Duration::days(3)).to_string();
    create(&app, &token, &[("amount", "1"), ("invoice_number", "A-1"), ("order_id", &o), ("due_date", &past)]).await;
    create(
        &app,
        &token,
        &[
            ("amount", "2"),
            ("invoice_number", "B-2"),
            ("reference_number", "REF-XYZ"),
            ("customer_id", &cu),
            ("payment_method", "cash"),
            ("due_date", &future),
        ],
    )
    .await;
    create(
        &app,
        &token,
        &[
            ("amount", "3"),
            ("invoice_number", "C-3"),
            ("transaction_id", "txn_9f8e"),
            ("vendor_id", &v),
            ("payment_type", "outgoing"),
            ("status", "processing"),
            ("due_date", &past),
        ],
    )
    .await;
    let q = |query: &str| format!("/api/payments/list?{query}");
    assert_eq!(numbers(&app.get(&q("ordering=amount"), Some(&token)).await), ["A-1", "B-2", "C-3"]);
    assert_eq!(numbers(&app.get(&q("search=ref-xy"), Some(&token)).await), ["B-2"], "reference number");
    assert_eq!(numbers(&app.get(&q("search=9F8E"), Some(&token)).await), ["C-3"], "transaction id");
    assert_eq!(numbers(&app.get(&q("search=a-1"), Some(&token)).await), ["A-1"], "invoice number");
    let r = app.get(&q(&format!("search=PAY-{}-0002", Utc::now().year())), Some(&token)).await;
    assert_eq!(numbers(&r), ["B-2"], "payment number");
    assert_eq!(numbers(&app.get(&q(&format!("order={o}")), Some(&token)).await), ["A-1"]);
    assert_eq!(numbers(&app.get(&q(&format!("customer={cu}")), Some(&token)).await), ["B-2"]);
    let r = app.get(&q(&format!("vendor={v}&ordering=amount")), Some(&token)).await;
    assert_eq!(numbers(&r), ["A-1", "C-3"], "A-1 has the order's vendor");
    assert_eq!(numbers(&app.get(&q("payment_type=outgoing"), Some(&token)).await), ["C-3"]);
    assert_eq!(numbers(&app.get(&q("payment_method=cash"), Some(&token)).await), ["B-2"]);
    assert_eq!(numbers(&app.get(&q("status=processing"), Some(&token)).await), ["C-3"]);
    assert_eq!(numbers(&app.get(&q(&format!("due_from={future}")), Some(&token)).await), ["B-2"]);
    let r = app.get(&q(&format!("due_to={past}&ordering=-amount")), Some(&token)).await;
    assert_eq!(numbers(&r), ["C-3", "A-1"]);
    let r = app.get(&q("overdue=true"), Some(&token)).await;
    assert_eq!(numbers(&r), ["A-1"], "pending and past due");
    assert_eq!(r.json["results"][0]["is_overdue"], true);
});

both!(payment_stats_sum_exactly, |app| async {
    let token = app.register("pstats@example.com", "Payment Stats").await;
    let past = (Utc::now().date_naive() - Duration::days(1)).to_string();
    create(&app, &token, &[("amount", "0.10"), ("due_date", &past)]).await;
    create(&app, &token, &[("amount", "0.20"), ("due_date", &past), ("payment_method", "cash")]).await;
    let c = create(&app, &token, &[("amount", "33.33"), ("payment_type", "outgoing")]).await;
    create(&app, &token, &[("amount", "1000"), ("currency", "EUR")]).await;
    assert_eq!(
        app.post("/api/payments/process", Some(&token), &[("id", &c["id"].to_string())]).await.status,
        StatusCode::OK
    );
    let r = app.get("/api/payments/stats", Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let s = r.json;
    assert_eq!((s["currency"].as_str(), s["total_count"].as_i64()), (Some("USD"), Some(4)));
    assert_eq!(s["total_amount"], "33.63", "USD only; the EUR payment is counted, not summed");
    assert_eq!(s["by_status"]["pending"], json!({"count": 3, "amount": "0.30"}));
    assert_eq!(s["by_status"]["completed"], json!({"count": 1, "amount": "33.33"}));
    assert_eq!(s["by_status"]["refunded"], json!({"count": 0, "amount": "0.00"}));
    assert_eq!(s["by_type"]["outgoing"], json!({"count": 1, "amount": "33.33"}));
    assert_eq!(s["by_method"]["cash"], json!({"count": 1, "amount": "0.20"}));
    assert_eq!(s["overdue"], json!({"count": 2, "amount": "0.30"}));
});

both!(ids_of_another_organization_are_422_in_bodies_and_404_as_targets, |app| async {
    let token = app.register("pten@example.com", "Payment Tenant").await;
    let other = app.register("pten2@example.com", "Payment Tenant 2").await;
    let their_vendor = vendor(&app, &other, "Theirs").await;
    let their_customer = app.customer(&other, &[("name", "Theirs")]).await.to_string();
    let their_order = order(&app, &other, &their_vendor, "5").await;
    let r = app
        .post(
            "/api/payments/create",
            Some(&token),
            &[
                ("amount", "1"),
                ("order_id", &their_order),
                ("vendor_id", &their_vendor),
                ("customer_id", &their_customer),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    for field in ["order_id", "vendor_id", "customer_id"] {
        assert!(r.json["details"][field].is_array(), "{field}: {}", r.text);
    }
    let r = app.post("/api/payments/create", Some(&token), &[("amount", "1"), ("order_id", &their_order)]).await;
    assert!(r.json["details"]["order_id"].is_array(), "an order alone too: {}", r.text);
    assert_eq!(app.count("select count(*) from payments").await, 0);

    let mine = create(&app, &token, &[("amount", "1")]).await["id"].to_string();
    for (field, value) in [("order_id", &their_order), ("vendor_id", &their_vendor), ("customer_id", &their_customer)] {
        let r = app.post("/api/payments/update", Some(&token), &[("id", &mine), (field, value)]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(r.json["details"][field].is_array(), "{field}: {}", r.text);
    }

    let theirs = create(&app, &other, &[("amount", "9.99")]).await["id"].to_string();
    assert_eq!(get(&app, &token, &theirs).await.status, StatusCode::NOT_FOUND);
    for (path, form) in [
        ("update", vec![("id", theirs.as_str()), ("amount", "1")]),
        ("process", vec![("id", theirs.as_str())]),
        ("mark_failed", vec![("id", theirs.as_str()), ("reason", "Nope")]),
        ("delete", vec![("id", theirs.as_str())]),
    ] {
        let r = app.post(&format!("/api/payments/{path}"), Some(&token), &form).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.text);
    }
    let r = get(&app, &other, &theirs).await;
    assert_eq!((r.json["amount"].as_str(), r.json["status"].as_str()), (Some("9.99"), Some("pending")));
    assert_eq!(r.json["version"], 1);
    assert_eq!(app.get("/api/payments/list", Some(&token)).await.json["count"], 1);
    assert_eq!(app.get("/api/payments/stats", Some(&token)).await.json["total_amount"], "1.00");
});

both!(payment_permissions_follow_the_roles, |app| async {
    let owner = app.register("prole@example.com", "Payment Roles").await;
    let id = create(&app, &owner, &[("amount", "4")]).await["id"].to_string();
    let manager = app.member(&owner, "pmgr@example.com", "manager").await;
    assert_eq!(app.post("/api/payments/process", Some(&manager), &[("id", &id)]).await.status, StatusCode::OK);
    assert_eq!(app.post("/api/payments/create", Some(&manager), &[("amount", "1")]).await.status, StatusCode::OK);
    assert_eq!(app.post("/api/payments/delete", Some(&manager), &[("id", &id)]).await.status, StatusCode::FORBIDDEN);
    let rep = app.member(&owner, "prep@example.com", "sales_rep").await;
    assert_eq!(app.get("/api/payments/list", Some(&rep)).await.status, StatusCode::FORBIDDEN);
    let portal = app.member(&owner, "pportal@example.com", "customer").await;
    let r = app.get("/api/payments/list", Some(&portal)).await;
    assert_eq!((r.status, r.json["count"].as_i64()), (StatusCode::OK, Some(0)), "{}", r.text);
    assert_eq!(get(&app, &portal, &id).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/payments/stats", Some(&portal)).await.json["total_count"], 0);
    assert_eq!(app.post("/api/payments/process", Some(&portal), &[("id", &id)]).await.status, StatusCode::FORBIDDEN);
});
