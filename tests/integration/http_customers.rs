//! Customers over HTTP: CRUD, lists, notes, stats, validation, tenancy and roles.

use axum::http::StatusCode;
use serde_json::json;

both!(create_get_update_and_delete_a_customer, |app| async {
    let token = app.register("crud@example.com", "Crud").await;
    let r = app
        .post(
            "/api/customers/create",
            Some(&token),
            &[
                ("name", " Acme Corp "),
                ("email", "Sales@Acme.example"),
                ("customer_type", "business"),
                ("status", "prospect"),
                ("credit_limit", "1234.56"),
                ("tags", "vip, enterprise, vip"),
                ("website", "acme.example"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let c = &r.json;
    assert_eq!(c["name"], "Acme Corp");
    assert_eq!(c["email"], "sales@acme.example");
    assert_eq!(c["customer_type"], "business");
    assert_eq!(c["status"], "prospect");
    assert_eq!(c["credit_limit"], "1234.56", "money is exact, as a decimal string");
    assert_eq!(c["currency"], "USD");
    assert_eq!(c["tags"], json!(["vip", "enterprise"]));
    assert_eq!(c["website"], "https://acme.example");
    assert_eq!(c["version"], 1);
    let id = c["id"].as_i64().unwrap();

    let got = app.get(&format!("/api/customers/get?id={id}"), Some(&token)).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.json, r.json);

    // Partial update: only what is sent changes; empty clears.
    let r = app
        .post(
            "/api/customers/update",
            Some(&token),
            &[("id", &id.to_string()), ("phone", "+1 555 0100"), ("website", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["phone"], "+1 555 0100");
    assert_eq!(r.json["website"], json!(null));
    assert_eq!(r.json["name"], "Acme Corp");
    assert_eq!(r.json["credit_limit"], "1234.56");
    assert_eq!(r.json["version"], 2);

    let r = app.post("/api/customers/deactivate", Some(&token), &[("id", &id.to_string())]).await;
    assert_eq!(r.json["status"], "inactive");
    let r = app.post("/api/customers/activate", Some(&token), &[("id", &id.to_string())]).await;
    assert_eq!(r.json["status"], "active");

    let r = app.post("/api/customers/delete", Some(&token), &[("id", &id.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(app.get(&format!("/api/customers/get?id={id}"), Some(&token)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.post("/api/customers/delete", Some(&token), &[("id", &id.to_string())]).await.status,
        StatusCode::NOT_FOUND
    );
});

both!(json_bodies_work_like_forms, |app| async {
    let token = app.register("json@example.com", "Json").await;
    let r = app
        .post_json(
            "/api/customers/create",
            Some(&token),
            json!({"name": "Jason", "credit_limit": 99.5, "customer_type": "individual", "notes": null}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["credit_limit"], "99.50", "amounts carry the currency's decimals");
    let id = r.json["id"].as_i64().unwrap();
    let r = app.post_json("/api/customers/update", Some(&token), json!({"id": id, "city": "Oslo"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["city"], "Oslo");
});

both!(invalid_customers_get_422_naming_each_field, |app| async {
    let token = app.register("val@example.com", "Val").await;
    let r = app
        .post(
            "/api/customers/create",
            Some(&token),
            &[("email", "not-an-email"), ("customer_type", "robot"), ("status", "vip"), ("credit_limit", "-3")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json["error"], "validation failed");
    for field in ["name", "email", "customer_type", "status", "credit_limit"] {
        assert!(r.json["details"][field][0].is_string(), "{field} not reported: {}", r.text);
    }
    assert!(r.json["details"]["customer_type"][0].as_str().unwrap().contains("individual"));
    // An assignee from another organization is refused.
    let other = app.register("val2@example.com", "Val2").await;
    let their_employee = app.get("/api/employees/choices", Some(&other)).await.json[0]["id"].as_i64().unwrap();
    let r = app
        .post("/api/customers/create", Some(&token), &[("name", "X"), ("assigned_to", &their_employee.to_string())])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json["details"]["assigned_to"].is_array());
    assert_eq!(app.get("/api/customers/list", Some(&token)).await.json["count"], 0);
    // List parameters are validated too.
    let r = app.get("/api/customers/list?status=gone&ordering=password&page=0&page_size=1000", Some(&token)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["status", "ordering", "page", "page_size"] {
        assert!(r.json["details"][field].is_array(), "{field}: {}", r.text);
    }
});

both!(lists_search_filter_order_and_paginate, |app| async {
    let token = app.register("list@example.com", "List").await;
    for i in 0..30 {
        let name = format!("Customer {i:02}");
        let status = if i % 3 == 0 { "prospect" } else { "active" };
        let kind = if i % 2 == 0 { "business" } else { "individual" };
        let email = format!("c{i}@example.com");
        app.customer(&token, &[("name", &name), ("status", status), ("customer_type", kind), ("email", &email)]).await;
    }
    app.customer(
        &token,
        &[("name", "Zeta 100% Ltd"), ("company_name", "Snake_Case Co"), ("phone", "+44 20 7946 0000")],
    )
    .await;

    let r = app.get("/api/customers/list", Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json["count"], 31);
    assert_eq!(r.json["results"].as_array().unwrap().len(), 25);
    assert_eq!(r.json["previous"], json!(null));
    let next = r.json["next"].as_str().unwrap();
    assert!(next.starts_with("http://localhost/api/customers/list?") && next.contains("page=2"), "{next}");
    assert_eq!(r.json["results"][0]["name"], "Zeta 100% Ltd", "newest first by default");

    let r = app.get("/api/customers/list?page=2", Some(&token)).await;
    assert_eq!(r.json["results"].as_array().unwrap().len(), 6);
    assert_eq!(r.json["next"], json!(null));
    assert!(r.json["previous"].as_str().unwrap().contains("page=1"));

    let r = app.get("/api/customers/list?page=99", Some(&token)).await;
    assert_eq!((r.json["count"].clone(), r.json["results"].clone()), (json!(31), json!([])));
    let r = app.get("/api/customers/list?page=99&search=customer", Some(&token)).await;
    assert_eq!((r.json["count"].clone(), r.json["results"].clone()), (json!(30), json!([])));
    let r = app.get("/api/customers/list?page=2&search=customer&page_size=20", Some(&token)).await;
    assert_eq!((r.json["count"].clone(), r.json["results"].as_array().unwrap().len()), (json!(30), 10));

    let r = app.get("/api/customers/list?ordering=name&page_size=3", Some(&token)).await;
    let names: Vec<_> =
        r.json["results"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_owned()).collect();
    assert_eq!(names, ["Customer 00", "Customer 01", "Customer 02"]);
    let r = app.get("/api/customers/list?ordering=-name&page_size=1", Some(&token)).await;
    assert_eq!(r.json["results"][0]["name"], "Zeta 100% Ltd");

    let r = app.get("/api/customers/list?status=prospect", Some(&token)).await;
    assert_eq!(r.json["count"], 10);
    let r = app.get("/api/customers/list?status=prospect&customer_type=business", Some(&token)).await;
    assert_eq!(r.json["count"], 5);

    // Search: case-insensitive, over name, email, company and phone; wildcards are literal.
    assert_eq!(app.get("/api/customers/list?search=CUSTOMER%201", Some(&token)).await.json["count"], 10);
    assert_eq!(app.get("/api/customers/list?search=c7%40example", Some(&token)).await.json["count"], 1);
    assert_eq!(app.get("/api/customers/list?search=snake_case", Some(&token)).await.json["count"], 1);
    assert_eq!(app.get("/api/customers/list?search=7946", Some(&token)).await.json["count"], 1);
    assert_eq!(app.get("/api/customers/list?search=100%25", Some(&token)).await.json["count"], 1);
    assert_eq!(app.get("/api/customers/list?search=%25", Some(&token)).await.json["count"], 1);
    assert_eq!(app.get("/api/customers/list?search=_", Some(&token)).await.json["count"], 1);
    assert_eq!(
        app.get("/api/customers/list?search=%27%3B%20drop%20table%20customers%3B--", Some(&token)).await.json["count"],
        0
    );
    assert_eq!(app.get("/api/customers/list", Some(&token)).await.json["count"], 31);
});

both!(notes_are_listed_newest_first_with_their_author, |app| async {
    let token = app.register("notes@example.com", "Notes").await;
    let id = app.customer(&token, &[("name", "Noted")]).await.to_string();
    for body in ["first", "second", "third"] {
        let r = app.post("/api/customers/add_note", Some(&token), &[("customer_id", &id), ("body", body)]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    let r = app.post("/api/customers/add_note", Some(&token), &[("customer_id", &id), ("body", "   ")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app.get(&format!("/api/customers/notes?customer_id={id}"), Some(&token)).await;
    let bodies: Vec<_> = r.json.as_array().unwrap().iter().map(|n| n["body"].as_str().unwrap().to_owned()).collect();
    assert_eq!(bodies, ["third", "second", "first"]);
    assert_eq!(r.json[0]["author_name"], "Test User");
});

both!(stats_count_by_status_and_type, |app| async {
    let token = app.register("stats@example.com", "Stats").await;
    for (status, kind) in
        [("active", "business"), ("active", "individual"), ("inactive", "business"), ("prospect", "business")]
    {
        app.customer(&token, &[("name", "S"), ("status", status), ("customer_type", kind)]).await;
    }
    let r = app.get("/api/customers/stats", Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json["total"], 4);
    assert_eq!(r.json["by_status"], json!({"active": 2, "inactive": 1, "prospect": 1}));
    assert_eq!(r.json["by_type"], json!({"business": 3, "individual": 1}));
    assert_eq!(r.json["new_this_month"], 4);
});

both!(another_organizations_customer_is_404_and_unchanged, |app| async {
    let alice = app.register("alice@example.com", "Alice Co").await;
    let mallory = app.register("mallory@example.com", "Mallory Co").await;
    let id = app.customer(&alice, &[("name", "Alice's client"), ("status", "active")]).await;
    let sid = id.to_string();
    let before = app.get(&format!("/api/customers/get?id={id}"), Some(&alice)).await.json;

    let attempts = [
        app.get(&format!("/api/customers/get?id={id}"), Some(&mallory)).await,
        app.get(&format!("/api/customers/notes?customer_id={id}"), Some(&mallory)).await,
        app.post("/api/customers/update", Some(&mallory), &[("id", &sid), ("name", "Pwned")]).await,
        app.post("/api/customers/deactivate", Some(&mallory), &[("id", &sid)]).await,
        app.post("/api/customers/activate", Some(&mallory), &[("id", &sid)]).await,
        app.post("/api/customers/add_note", Some(&mallory), &[("customer_id", &sid), ("body", "spam")]).await,
        app.post("/api/customers/delete", Some(&mallory), &[("id", &sid)]).await,
    ];
    for r in attempts {
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
        assert!(!r.text.contains("Alice"), "no data of the other organization in the body");
    }
    let after = app.get(&format!("/api/customers/get?id={id}"), Some(&alice)).await.json;
    assert_eq!(before, after, "nothing changed");
    let notes = app.get(&format!("/api/customers/notes?customer_id={id}"), Some(&alice)).await;
    assert_eq!(notes.json, json!([]));
    assert_eq!(app.get("/api/customers/list", Some(&mallory)).await.json["count"], 0);
    assert_eq!(app.get("/api/customers/stats", Some(&mallory)).await.json["total"], 0);
});

both!(stale_updates_are_refused_with_409, |app| async {
    let token = app.register("ver@example.com", "Ver").await;
    let id = app.customer(&token, &[("name", "Versioned")]).await.to_string();
    let r = app.post("/api/customers/update", Some(&token), &[("id", &id), ("version", "1"), ("city", "A")]).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app.post("/api/customers/update", Some(&token), &[("id", &id), ("version", "1"), ("city", "B")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let got = app.get(&format!("/api/customers/get?id={id}"), Some(&token)).await;
    assert_eq!(got.json["city"], "A");
});

both!(sales_reps_see_and_change_only_their_own_customers, |app| async {
    let owner = app.register("own@example.com", "Scoped").await;
    let rep = app.member(&owner, "rep@example.com", "sales_rep").await;
    let theirs = app.customer(&rep, &[("name", "Rep's own")]).await;
    let others = app.customer(&owner, &[("name", "Owner's")]).await;

    let list = app.get("/api/customers/list", Some(&rep)).await;
    assert_eq!(list.json["count"], 1, "{}", list.text);
    assert_eq!(list.json["results"][0]["id"], theirs);
    assert_eq!(app.get("/api/customers/stats", Some(&rep)).await.json["total"], 1);
    assert_eq!(app.get(&format!("/api/customers/get?id={others}"), Some(&rep)).await.status, StatusCode::NOT_FOUND);
    let r = app.post("/api/customers/update", Some(&rep), &[("id", &others.to_string()), ("name", "Mine now")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Reps may not delete at all.
    let r = app.post("/api/customers/delete", Some(&rep), &[("id", &theirs.to_string())]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The owner sees both.
    assert_eq!(app.get("/api/customers/list", Some(&owner)).await.json["count"], 2);
});

both!(marketing_reps_read_customers_but_cannot_change_them, |app| async {
    let owner = app.register("own2@example.com", "Mkt").await;
    let id = app.customer(&owner, &[("name", "Read only")]).await;
    let mkt = app.member(&owner, "mkt@example.com", "marketing_rep").await;
    assert_eq!(app.get(&format!("/api/customers/get?id={id}"), Some(&mkt)).await.status, StatusCode::OK);
    let r = app.post("/api/customers/update", Some(&mkt), &[("id", &id.to_string()), ("name", "Changed")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json["code"], "forbidden");
    let r = app.post("/api/customers/create", Some(&mkt), &[("name", "New")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&format!("/api/customers/get?id={id}"), Some(&owner)).await.json["name"], "Read only");
});

both!(search_follows_renames_and_deletes, |app| async {
    let token = app.register("srch@example.com", "Search").await;
    let id = app.customer(&token, &[("name", "Alphabet Soup"), ("email", "soup@alpha.example")]).await.to_string();
    let (app, token) = (&app, &token);
    let count = |q: &'static str| async move {
        app.get(&format!("/api/customers/list?search={q}"), Some(token)).await.json["count"].clone()
    };
    assert_eq!(count("alphabet").await, 1);
    assert_eq!(count("SOUP@ALPHA").await, 1);
    app.post("/api/customers/update", Some(token), &[("id", &id), ("name", "Zebra Crossing"), ("email", "")]).await;
    assert_eq!(count("alphabet").await, 0, "the old name is no longer found");
    assert_eq!(count("soup%40").await, 0, "nor the cleared email");
    assert_eq!(count("zebra").await, 1);
    assert_eq!(count("ze").await, 1, "short terms are found too");
    app.post("/api/customers/delete", Some(token), &[("id", &id)]).await;
    assert_eq!(count("zebra").await, 0);
});
