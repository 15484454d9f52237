//! Orders over HTTP: items in every encoding, exact totals, numbering (concurrency, years,
//! past 9999), complete/cancel, lists, figures, deletion, tenancy and roles.

use crate::common;
use crate::vendors::vendor;

use axum::http::{Method, StatusCode};
use chrono::{Datelike, NaiveDate, Utc};
use serde_json::{json, Value};
use too_good_crm::domain::order::{OrderFields, OrderItemFields};
use too_good_crm::server::repo;

/// Who the token's holder is: (user id, organization id, employee id).
pub async fn me(app: &common::TestApp, token: &str) -> (i64, i64, Option<i64>) {
    let r = app.get("/api/auth/me", Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    (
        r.json["user"]["id"].as_i64().unwrap(),
        r.json["organization"]["id"].as_i64().unwrap(),
        r.json["employee_id"].as_i64(),
    )
}

/// Creates an order (form-encoded) and returns it.
pub async fn create(app: &common::TestApp, token: &str, form: &[(&str, &str)]) -> Value {
    let r = app.post("/api/orders/create", Some(token), form).await;
    assert_eq!(r.status, StatusCode::OK, "create order: {}", r.text);
    r.json
}

/// Creates an order for `vendor` with one item of `price` and returns its id as text.
pub async fn order(app: &common::TestApp, token: &str, vendor: &str, price: &str) -> String {
    let items = format!(r#"[{{"item_name":"Thing","quantity":"1","unit_price":"{price}"}}]"#);
    create(app, token, &[("title", "Order"), ("vendor_id", vendor), ("items", &items)]).await["id"].to_string()
}

async fn get(app: &common::TestApp, token: &str, id: &str) -> common::Resp {
    app.get(&format!("/api/orders/get?id={id}"), Some(token)).await
}

fn year() -> i32 {
    Utc::now().year()
}

fn titles(r: &common::Resp) -> Vec<String> {
    r.json["results"].as_array().unwrap().iter().map(|v| v["title"].as_str().unwrap().to_owned()).collect()
}

both!(orders_are_created_with_items_and_exact_totals, |app| async {
    let token = app.register("ocreate@example.com", "Order Create").await;
    let v = vendor(&app, &token, "Supplier").await;
    let items = r#"[{"item_name":"Dime","quantity":"1","unit_price":"0.1","total_price":"5"},
                    {"item_name":"Two dimes","quantity":1,"unit_price":0.2,"sku":"D-2"}]"#;
    let o = create(
        &app,
        &token,
        &[
            ("title", "Coins"),
            ("vendor_id", &v),
            ("items", items),
            ("total_amount", "1000"),
            ("order_type", "purchase"),
        ],
    )
    .await;
    assert_eq!(o["number"], format!("ORD-{}-0001", year()));
    assert_eq!(o["total_amount"], "0.30", "computed by the server, the client's total ignored");
    assert_eq!(o["item_count"], 2);
    assert_eq!(o["status"], "draft");
    assert_eq!(o["currency"], "USD");
    assert_eq!(o["order_date"], Utc::now().date_naive().to_string());
    assert_eq!(o["vendor_name"], "Supplier");
    let items = o["items"].as_array().unwrap();
    assert_eq!(items[0]["total_price"], "0.10", "the client's item total ignored");
    assert_eq!((items[0]["quantity"].as_str(), items[0]["unit_price"].as_str()), (Some("1"), Some("0.10")));
    assert_eq!(items[1]["sku"], "D-2");

    // A JSON body with an items array (what a JSON client sends).
    let r = app
        .post_json(
            "/api/orders/create",
            Some(&token),
            json!({"title": "Thirds", "vendor_id": v.parse::<i64>().unwrap(), "total_amount": "1",
                   "items": [{"item_name": "Third", "quantity": 3, "unit_price": "33.33", "total_price": "100"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["total_amount"], "99.99");
    assert_eq!(r.json["items"][0]["total_price"], "99.99");
    assert_eq!(r.json["number"], format!("ORD-{}-0002", year()));

    // Bracketed form fields (what an HTML form posts), blank rows dropped.
    let r = app
        .post(
            "/api/orders/create",
            Some(&token),
            &[
                ("title", "Hours"),
                ("vendor_id", &v),
                ("items[0][item_name]", "Consulting"),
                ("items[0][quantity]", "1.5"),
                ("items[0][unit_price]", "0.33"),
                ("items[1][item_name]", ""),
                ("items[1][quantity]", ""),
                ("items[1][unit_price]", ""),
                ("items[2][item_name]", "Travel"),
                ("items[2][quantity]", "2"),
                ("items[2][unit_price]", "10"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["items"][0]["quantity"], "1.5");
    assert_eq!(r.json["items"][0]["total_price"], "0.50", "0.495 rounds half away from zero");
    assert_eq!(r.json["items"][1]["item_name"], "Travel");
    assert_eq!(r.json["total_amount"], "20.50");

    let got = get(&app, &token, &o["id"].to_string()).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.json, o);
    assert_eq!(app.get("/api/orders/create", Some(&token)).await.status, StatusCode::METHOD_NOT_ALLOWED);
});

both!(invalid_orders_and_items_are_422_and_create_nothing, |app| async {
    let token = app.register("obad@example.com", "Order Bad").await;
    let v = vendor(&app, &token, "V").await;
    let r = app.post("/api/orders/create", Some(&token), &[("title", "No party")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json["details"]["vendor_id"].is_array(), "{}", r.text);
    let items = r#"[{"item_name":"","quantity":"0","unit_price":"-1"},{"item_name":"X","quantity":"1.2345","unit_price":"1.005"}]"#;
    let r = app
        .post(
            "/api/orders/create",
            Some(&token),
            &[("title", ""), ("vendor_id", &v), ("items", items), ("status", "completed"), ("delivery_date", "soon")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    for field in [
        "title",
        "status",
        "delivery_date",
        "items[0][item_name]",
        "items[0][quantity]",
        "items[0][unit_price]",
        "items[1][quantity]",
        "items[1][unit_price]",
    ] {
        assert!(r.json["details"][field].is_array(), "{field}: {}", r.text);
    }
    let r =
        app.post("/api/orders/create", Some(&token), &[("title", "T"), ("vendor_id", &v), ("items", "{oops")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    let r = app
        .post(
            "/api/orders/create",
            Some(&token),
            &[("title", "T"), ("vendor_id", &v), ("order_date", "2026-05-02"), ("delivery_date", "2026-05-01")],
        )
        .await;
    assert!(r.json["details"]["delivery_date"].is_array(), "{}", r.text);
    assert_eq!(app.count("select count(*) from orders").await, 0);
    // Refused creates take no number.
    let o = create(&app, &token, &[("title", "First"), ("vendor_id", &v)]).await;
    assert_eq!(o["number"], format!("ORD-{}-0001", year()));
    assert_eq!(o["total_amount"], "0.00");
});

both!(updates_replace_items_in_one_go, |app| async {
    let token = app.register("oupd@example.com", "Order Update").await;
    let v = vendor(&app, &token, "V").await;
    let items =
        r#"[{"item_name":"A","quantity":"2","unit_price":"5"},{"item_name":"B","quantity":"1","unit_price":"1"}]"#;
    let o = create(&app, &token, &[("title", "T"), ("vendor_id", &v), ("items", items)]).await;
    let id = o["id"].to_string();
    assert_eq!(o["total_amount"], "11.00");

    // Fields only: items stay.
    let r =
        app.post("/api/orders/update", Some(&token), &[("id", &id), ("status", "confirmed"), ("title", "T2")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.json["status"].as_str(), r.json["title"].as_str()), (Some("confirmed"), Some("T2")));
    assert_eq!(r.json["items"], o["items"]);
    assert_eq!(r.json["total_amount"], "11.00");
    assert_eq!(r.json["number"], o["number"], "the number never changes");

    // New items replace the old ones.
    let items = r#"[{"item_name":"C","quantity":"3","unit_price":"33.33"}]"#;
    let r = app.post("/api/orders/update", Some(&token), &[("id", &id), ("items", items), ("total_amount", "1")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["items"].as_array().unwrap().len(), 1);
    assert_eq!(r.json["items"][0]["item_name"], "C");
    assert_eq!(r.json["total_amount"], "99.99");
    assert_eq!(app.count("select count(*) from order_items").await, 1);

    // A bad item changes nothing, order fields included.
    let r = app
        .post(
            "/api/orders/update",
            Some(&token),
            &[("id", &id), ("title", "Bad"), ("items", r#"[{"item_name":"D","quantity":"-1","unit_price":"1"}]"#)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let now = get(&app, &token, &id).await.json;
    assert_eq!((now["title"].as_str(), now["total_amount"].as_str()), (Some("T2"), Some("99.99")));

    // Empty items clear them (a JSON array or a JSON text).
    let r = app.post_json("/api/orders/update", Some(&token), json!({"id": o["id"], "items": []})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["item_count"], 0);
    let r = app.post_json("/api/orders/update", Some(&token), json!({"id": o["id"], "items": "[]"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.json["total_amount"].as_str(), r.json["item_count"].as_i64()), (Some("0.00"), Some(0)));

    // A stale version is refused.
    let r = app.post("/api/orders/update", Some(&token), &[("id", &id), ("title", "Old"), ("version", "1")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
});

both!(complete_and_cancel_close_an_order, |app| async {
    let token = app.register("oclose@example.com", "Order Close").await;
    let v = vendor(&app, &token, "V").await;
    let done = order(&app, &token, &v, "10").await;
    let r = app.post("/api/orders/complete", Some(&token), &[("id", &done)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["status"], "completed");
    assert!(r.json["completed_at"].is_string());
    let r = app.post("/api/orders/cancel", Some(&token), &[("id", &done)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(r.json["error"], "a completed order cannot be cancelled");
    assert_eq!(app.post("/api/orders/complete", Some(&token), &[("id", &done)]).await.status, StatusCode::CONFLICT);
    let r = app.post("/api/orders/update", Some(&token), &[("id", &done), ("title", "Late edit")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "a completed order is not edited");
    assert_eq!(get(&app, &token, &done).await.json["status"], "completed");

    let dropped = order(&app, &token, &v, "10").await;
    let r = app.post("/api/orders/cancel", Some(&token), &[("id", &dropped)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["status"], "cancelled");
    assert!(r.json["cancelled_at"].is_string());
    let r = app.post("/api/orders/complete", Some(&token), &[("id", &dropped)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json["error"], "a cancelled order cannot be completed");
});

both!(order_lists_search_and_filter, |app| async {
    let token = app.register("olist@example.com", "Order List").await;
    let (_, _, employee) = me(&app, &token).await;
    let employee = employee.unwrap().to_string();
    let v = vendor(&app, &token, "V").await;
    let w = vendor(&app, &token, "W").await;
    let cu = app.customer(&token, &[("name", "Buyer")]).await.to_string();
    create(
        &app,
        &token,
        &[("title", "Desks"), ("vendor_id", &v), ("order_type", "purchase"), ("order_date", "2026-01-10")],
    )
    .await;
    create(
        &app,
        &token,
        &[
            ("title", "Chairs"),
            ("description", "Ergonomic seating"),
            ("customer_id", &cu),
            ("order_date", "2026-02-10"),
        ],
    )
    .await;
    create(
        &app,
        &token,
        &[
            ("title", "Support plan"),
            ("vendor_id", &w),
            ("customer_id", &cu),
            ("order_type", "subscription"),
            ("assigned_to", &employee),
            ("status", "confirmed"),
            ("order_date", "2026-03-10"),
        ],
    )
    .await;

    let q = |query: &str| format!("/api/orders/list?{query}");
    assert_eq!(titles(&app.get(&q(""), Some(&token)).await), ["Support plan", "Chairs", "Desks"]);
    assert_eq!(titles(&app.get(&q("search=ergonomic"), Some(&token)).await), ["Chairs"], "description");
    assert_eq!(titles(&app.get(&q(&format!("search=ORD-{}-0001", year())), Some(&token)).await), ["Desks"], "number");
    assert_eq!(titles(&app.get(&q("search=esk"), Some(&token)).await), ["Desks"], "title");
    assert_eq!(titles(&app.get(&q(&format!("vendor={v}")), Some(&token)).await), ["Desks"]);
    assert_eq!(titles(&app.get(&q(&format!("customer={cu}")), Some(&token)).await), ["Support plan", "Chairs"]);
    assert_eq!(titles(&app.get(&q("order_type=subscription"), Some(&token)).await), ["Support plan"]);
    assert_eq!(titles(&app.get(&q("status=draft&ordering=title"), Some(&token)).await), ["Chairs", "Desks"]);
    assert_eq!(titles(&app.get(&q(&format!("assigned_to={employee}")), Some(&token)).await), ["Support plan"]);
    let r = app.get(&q("date_from=2026-02-01&date_to=2026-03-10&ordering=order_date"), Some(&token)).await;
    assert_eq!(titles(&r), ["Chairs", "Support plan"]);
    let r = app.get(&q("date_from=2026-02-01&page_size=1"), Some(&token)).await;
    assert_eq!((r.json["count"].as_i64(), r.json["next"].is_string()), (Some(2), true));
    assert!(r.json["results"][0]["items"].as_array().unwrap().is_empty(), "lists carry no items");
    assert_eq!(app.get(&q("date_from=yesterday"), Some(&token)).await.status, StatusCode::UNPROCESSABLE_ENTITY);
});

both!(order_stats_count_revenue_from_completed_sales, |app| async {
    let token = app.register("ostats@example.com", "Order Stats").await;
    let v = vendor(&app, &token, "V").await;
    let cu = app.customer(&token, &[("name", "Buyer")]).await.to_string();
    let items = |p: &str| format!(r#"[{{"item_name":"X","quantity":"1","unit_price":"{p}"}}]"#);
    let mut ids = Vec::new();
    for (kind, price) in
        [("sales", "100.10"), ("service", "0.20"), ("subscription", "5"), ("purchase", "70"), ("sales", "9")]
    {
        let o = create(
            &app,
            &token,
            &[("title", "O"), ("customer_id", &cu), ("vendor_id", &v), ("order_type", kind), ("items", &items(price))],
        )
        .await;
        ids.push(o["id"].to_string());
    }
    for id in &ids[..4] {
        assert_eq!(app.post("/api/orders/complete", Some(&token), &[("id", id)]).await.status, StatusCode::OK);
    }
    let r = app.get("/api/orders/stats", Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["total"], 5);
    assert_eq!(r.json["currency"], "USD");
    assert_eq!(r.json["total_revenue"], "105.30", "completed sales, service, subscription; not purchases, not open");
    assert_eq!(r.json["revenue_by_currency"], json!({"USD": "105.30"}));
    assert_eq!(r.json["by_status"]["completed"], 4);
    assert_eq!(r.json["by_status"]["draft"], 1);
    assert_eq!(r.json["by_status"]["cancelled"], 0);
    assert_eq!(r.json["by_type"], json!({"purchase": 1, "sales": 2, "service": 1, "subscription": 1}));
});

both!(orders_referred_to_are_not_deleted, |app| async {
    let token = app.register("odel@example.com", "Order Delete").await;
    let v = vendor(&app, &token, "V").await;
    let paid = order(&app, &token, &v, "10").await;
    let r = app.post("/api/payments/create", Some(&token), &[("order_id", &paid), ("amount", "10")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app.post("/api/orders/delete", Some(&token), &[("id", &paid)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(get(&app, &token, &paid).await.status, StatusCode::OK);
    let free = order(&app, &token, &v, "10").await;
    assert_eq!(app.post("/api/orders/delete", Some(&token), &[("id", &free)]).await.status, StatusCode::OK);
    assert_eq!(get(&app, &token, &free).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("select count(*) from order_items").await, 1, "its items went with it");
});

both!(ids_of_another_organization_are_422_in_bodies_and_404_as_targets, |app| async {
    let token = app.register("oten@example.com", "Order Tenant").await;
    let other = app.register("oten2@example.com", "Order Tenant 2").await;
    let (_, _, their_employee) = me(&app, &other).await;
    let their_employee = their_employee.unwrap().to_string();
    let their_vendor = vendor(&app, &other, "Theirs").await;
    let their_customer = app.customer(&other, &[("name", "Theirs")]).await.to_string();
    let r = app
        .post(
            "/api/orders/create",
            Some(&token),
            &[
                ("title", "T"),
                ("vendor_id", &their_vendor),
                ("customer_id", &their_customer),
                ("assigned_to", &their_employee),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    for field in ["vendor_id", "customer_id", "assigned_to"] {
        assert!(r.json["details"][field].is_array(), "{field}: {}", r.text);
    }
    assert_eq!(app.count("select count(*) from orders").await, 0);

    let mine = order(&app, &token, &vendor(&app, &token, "Mine").await, "1").await;
    for (field, value) in
        [("vendor_id", &their_vendor), ("customer_id", &their_customer), ("assigned_to", &their_employee)]
    {
        let r = app.post("/api/orders/update", Some(&token), &[("id", &mine), (field, value)]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(r.json["details"][field].is_array(), "{field}: {}", r.text);
    }
    assert_eq!(get(&app, &token, &mine).await.json["version"], 1);

    let theirs = order(&app, &other, &their_vendor, "7").await;
    assert_eq!(get(&app, &token, &theirs).await.status, StatusCode::NOT_FOUND);
    for (path, form) in [
        ("update", vec![("id", theirs.as_str()), ("title", "Mine now"), ("items", "[]")]),
        ("complete", vec![("id", theirs.as_str())]),
        ("cancel", vec![("id", theirs.as_str())]),
        ("delete", vec![("id", theirs.as_str())]),
    ] {
        let r = app.post(&format!("/api/orders/{path}"), Some(&token), &form).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.text);
    }
    let r = get(&app, &other, &theirs).await;
    assert_eq!((r.json["title"].as_str(), r.json["status"].as_str()), (Some("Order"), Some("draft")));
    assert_eq!((r.json["version"].as_i64(), r.json["total_amount"].as_str()), (Some(1), Some("7.00")));
    assert_eq!(app.get("/api/orders/list", Some(&token)).await.json["count"], 1);
    assert_eq!(app.get("/api/orders/stats", Some(&token)).await.json["total"], 1);
    // Their numbers count on their own.
    assert_eq!(r.json["number"], format!("ORD-{}-0001", year()));
});

both!(order_permissions_follow_the_roles, |app| async {
    let owner = app.register("orole@example.com", "Order Roles").await;
    let v = vendor(&app, &owner, "V").await;
    let id = order(&app, &owner, &v, "3").await;
    let manager = app.member(&owner, "omgr@example.com", "manager").await;
    assert_eq!(get(&app, &manager, &id).await.status, StatusCode::OK);
    let r = app.post("/api/orders/update", Some(&manager), &[("id", &id), ("title", "Managed")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app.post("/api/orders/create", Some(&manager), &[("title", "M"), ("vendor_id", &v)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["assigned_to"], Value::Null, "managers see everything: no self-assignment");
    assert_eq!(app.post("/api/orders/delete", Some(&manager), &[("id", &id)]).await.status, StatusCode::FORBIDDEN);
    let rep = app.member(&owner, "orep@example.com", "sales_rep").await;
    assert_eq!(app.get("/api/orders/list", Some(&rep)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(get(&app, &rep, &id).await.status, StatusCode::FORBIDDEN);
    // A portal customer may view orders, but only their own: not the staff's list.
    let portal = app.member(&owner, "oportal@example.com", "customer").await;
    let r = app.get("/api/orders/list", Some(&portal)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["count"], 0);
    assert_eq!(get(&app, &portal, &id).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/orders/stats", Some(&portal)).await.json["total"], 0);
    let r = app.post("/api/orders/create", Some(&portal), &[("title", "X"), ("vendor_id", &v)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
});

both!(fifty_concurrent_creates_get_fifty_consecutive_numbers, |app| async {
    use tower::ServiceExt;
    let token = app.register("orace@example.com", "Order Race").await;
    let v = vendor(&app, &token, "V").await;
    let calls: Vec<_> = (0..50)
        .map(|i| {
            let body = format!("title=Race+{i}&vendor_id={v}");
            let req = common::request(
                Method::POST,
                "/api/orders/create",
                Some(&token),
                Some(("application/x-www-form-urlencoded", body)),
            );
            let router = app.router.clone();
            tokio::spawn(async move {
                let res = router.oneshot(req).await.unwrap();
                let status = res.status();
                let bytes = http_body_util::BodyExt::collect(res.into_body()).await.unwrap().to_bytes();
                (status, serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null))
            })
        })
        .collect();
    let mut numbers = Vec::new();
    for call in calls {
        let (status, json) = call.await.unwrap();
        assert_eq!(status, StatusCode::OK, "{json}");
        numbers.push(json["number"].as_str().unwrap().to_owned());
    }
    numbers.sort();
    let expected: Vec<String> = (1..=50).map(|n| format!("ORD-{}-{n:04}", year())).collect();
    assert_eq!(numbers, expected);
    assert_eq!(app.count("select count(distinct number) from orders").await, 50);
});

both!(numbers_restart_each_year_per_organization, |app| async {
    let token = app.register("oyear@example.com", "Order Year").await;
    let other = app.register("oyear2@example.com", "Order Year 2").await;
    let (user, org, _) = me(&app, &token).await;
    let (other_user, other_org, _) = me(&app, &other).await;
    let v: i64 = vendor(&app, &token, "V").await.parse().unwrap();
    let w: i64 = vendor(&app, &other, "W").await.parse().unwrap();
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let item = OrderItemFields {
        item_name: "X".into(),
        description: None,
        sku: None,
        quantity: 2.into(),
        unit_price: "0.1".parse().unwrap(),
        total_price: "0.2".parse().unwrap(),
    };
    let mut made = Vec::new();
    for (org, user, vendor, today) in [
        (org, user, v, day(2026, 12, 31)),
        (org, user, v, day(2026, 12, 31)),
        (org, user, v, day(2027, 1, 1)),
        (other_org, other_user, w, day(2027, 1, 1)),
        (org, user, v, day(2027, 6, 1)),
    ] {
        let mut tx = app.db.write().await.unwrap();
        let f = OrderFields { title: "T".into(), vendor_id: Some(vendor), ..OrderFields::new(today, "USD") };
        let id = repo::orders::create(&mut tx, org, user, today, &f, std::slice::from_ref(&item)).await.unwrap();
        let o = repo::orders::get(&mut tx, org, too_good_crm::server::auth::caller::Scope::All, id).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(o.total_amount.to_string(), "0.20");
        made.push(o.number);
    }
    assert_eq!(made, ["ORD-2026-0001", "ORD-2026-0002", "ORD-2027-0001", "ORD-2027-0001", "ORD-2027-0002"]);
});

both!(numbers_go_past_9999, |app| async {
    let token = app.register("o10k@example.com", "Order Ten Thousand").await;
    let (_, org, _) = me(&app, &token).await;
    let v = vendor(&app, &token, "V").await;
    app.exec(&format!(
        "insert into number_counters (organization_id, kind, year, last) values ({org}, 'order', {}, 9998)",
        year()
    ))
    .await;
    let a = create(&app, &token, &[("title", "A"), ("vendor_id", &v)]).await;
    let b = create(&app, &token, &[("title", "B"), ("vendor_id", &v)]).await;
    let c = create(&app, &token, &[("title", "C"), ("vendor_id", &v)]).await;
    assert_eq!(a["number"], format!("ORD-{}-9999", year()));
    assert_eq!(b["number"], format!("ORD-{}-10000", year()));
    assert_eq!(c["number"], format!("ORD-{}-10001", year()));
    let r = app.get(&format!("/api/orders/list?search=ORD-{}-10000", year()), Some(&token)).await;
    assert_eq!(titles(&r), ["B"]);
});

both!(repository_changes_never_reach_another_organizations_rows, |app| async {
    use too_good_crm::domain::issue::IssueFields;
    use too_good_crm::domain::order::OrderStatus;
    use too_good_crm::domain::payment::PaymentFields;
    use too_good_crm::domain::vendor::VendorFields;
    use too_good_crm::error::AppError;
    use too_good_crm::server::auth::caller::Scope;
    let owner = app.register("orepo@example.com", "Repo Owner").await;
    let intruder = app.register("orepo2@example.com", "Repo Intruder").await;
    let (user, org, _) = me(&app, &owner).await;
    let (_, evil, _) = me(&app, &intruder).await;
    let today = Utc::now().date_naive();
    let mut tx = app.db.write().await.unwrap();
    let vf = VendorFields { name: "V".into(), ..VendorFields::default() };
    let v = repo::vendors::create(&mut tx, org, user, &vf).await.unwrap();
    let of = OrderFields { title: "O".into(), vendor_id: Some(v), ..OrderFields::new(today, "USD") };
    let o = repo::orders::create(&mut tx, org, user, today, &of, &[]).await.unwrap();
    let pf = PaymentFields { amount: 5.into(), ..PaymentFields::new("USD") };
    let p = repo::payments::create(&mut tx, org, user, today, &pf).await.unwrap();
    let i_f = IssueFields { title: "I".into(), ..IssueFields::default() };
    let i = repo::issues::create(&mut tx, org, user, today, &i_f).await.unwrap();
    repo::issues::add_comment(&mut tx, org, i, user, "Private").await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = app.db.write().await.unwrap();
    let changed = VendorFields { name: "Stolen".into(), ..vf.clone() };
    assert!(repo::vendors::get(&mut tx, evil, v).await.is_err());
    assert!(repo::vendors::update(&mut tx, evil, v, user, &changed, None).await.is_err());
    assert_eq!(repo::vendors::delete(&mut tx, evil, v).await, Err(AppError::NotFound));
    assert_eq!(repo::orders::get(&mut tx, evil, Scope::All, o).await.err(), Some(AppError::NotFound));
    let stolen = OrderFields { title: "Stolen".into(), ..of.clone() };
    assert!(repo::orders::update(&mut tx, evil, o, user, "X", &stolen, Some(&[]), None).await.is_err());
    for to in [OrderStatus::Completed, OrderStatus::Cancelled] {
        assert_eq!(repo::orders::close(&mut tx, evil, o, user, to).await, Err(AppError::NotFound));
    }
    assert_eq!(repo::orders::delete(&mut tx, evil, o).await, Err(AppError::NotFound));
    assert!(repo::orders::find_ref(&mut tx, evil, o).await.unwrap().is_none());
    assert_eq!(repo::payments::get(&mut tx, evil, Scope::All, p).await.err(), Some(AppError::NotFound));
    let stolen = PaymentFields { amount: 1.into(), ..pf.clone() };
    assert!(repo::payments::update(&mut tx, evil, p, user, "X", &stolen, None).await.is_err());
    assert_eq!(repo::payments::process(&mut tx, evil, p, user).await, Err(AppError::NotFound));
    assert_eq!(repo::payments::fail(&mut tx, evil, p, user, "x").await, Err(AppError::NotFound));
    assert_eq!(repo::payments::delete(&mut tx, evil, p).await, Err(AppError::NotFound));
    assert_eq!(repo::issues::get(&mut tx, evil, Scope::All, i).await.err(), Some(AppError::NotFound));
    let stolen = IssueFields { title: "Stolen".into(), ..i_f.clone() };
    assert!(repo::issues::update(&mut tx, evil, i, user, "X", &stolen, None).await.is_err());
    assert_eq!(repo::issues::resolve(&mut tx, evil, i, user, None).await, Err(AppError::NotFound));
    assert_eq!(repo::issues::reopen(&mut tx, evil, i, user).await, Err(AppError::NotFound));
    assert!(repo::issues::comments(&mut tx, evil, i).await.unwrap().is_empty());
    assert_eq!(repo::issues::delete(&mut tx, evil, i).await, Err(AppError::NotFound));
    let stats = repo::orders::stats(&mut tx, evil, Scope::All, "USD").await.unwrap();
    assert_eq!(stats.total, 0);
    tx.commit().await.unwrap();

    let mut conn = app.db.read().await.unwrap();
    assert_eq!(repo::vendors::get(&mut conn, org, v).await.unwrap().fields.name, "V");
    let order = repo::orders::get(&mut conn, org, Scope::All, o).await.unwrap();
    assert_eq!((order.fields.title.as_str(), order.fields.status, order.version), ("O", OrderStatus::Draft, 1));
    let payment = repo::payments::get(&mut conn, org, Scope::All, p).await.unwrap();
    assert_eq!((payment.fields.amount, payment.version), (5.into(), 1));
    let issue = repo::issues::get(&mut conn, org, Scope::All, i).await.unwrap();
    assert_eq!((issue.fields.title.as_str(), issue.comment_count, issue.version), ("I", 1, 1));
});
