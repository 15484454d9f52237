//! Vendors over HTTP: CRUD, lists, types, delete rules, tenancy and roles.

use crate::common;

use axum::http::StatusCode;
use serde_json::{json, Value};

/// Creates a vendor and returns it.
pub async fn create(app: &common::TestApp, token: &str, form: &[(&str, &str)]) -> Value {
    let r = app.post("/api/vendors/create", Some(token), form).await;
    assert_eq!(r.status, StatusCode::OK, "create vendor: {}", r.text);
    r.json
}

/// Creates a vendor called `name` and returns its id as text.
pub async fn vendor(app: &common::TestApp, token: &str, name: &str) -> String {
    create(app, token, &[("name", name)]).await["id"].to_string()
}

async fn get(app: &common::TestApp, token: &str, id: &str) -> common::Resp {
    app.get(&format!("/api/vendors/get?id={id}"), Some(token)).await
}

fn names(r: &common::Resp) -> Vec<String> {
    r.json["results"].as_array().unwrap().iter().map(|v| v["name"].as_str().unwrap().to_owned()).collect()
}

both!(vendors_are_created_read_updated_and_deleted, |app| async {
    let token = app.register("vcrud@example.com", "Vendor Crud").await;
    let v = create(
        &app,
        &token,
        &[
            ("name", " Acme Supply "),
            ("company", "Acme Ltd"),
            ("email", "Sales@Acme.Example"),
            ("website", "acme.example"),
            ("rating", "4"),
            ("payment_terms", "Net 30"),
            ("city", "Oslo"),
        ],
    )
    .await;
    assert_eq!(v["name"], "Acme Supply");
    assert_eq!(v["email"], "sales@acme.example");
    assert_eq!(v["website"], "https://acme.example");
    assert_eq!((v["vendor_type"].as_str(), v["status"].as_str()), (Some("supplier"), Some("active")));
    assert_eq!(v["rating"], 4);
    assert_eq!(v["version"], 1);
    let id = v["id"].to_string();

    let r = app
        .post(
            "/api/vendors/update",
            Some(&token),
            &[("id", &id), ("vendor_type", "manufacturer"), ("city", ""), ("status", "pending")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["vendor_type"], "manufacturer");
    assert_eq!(r.json["status"], "pending");
    assert_eq!(r.json["city"], Value::Null, "sent empty: cleared");
    assert_eq!(r.json["payment_terms"], "Net 30", "not sent: kept");
    assert_eq!(r.json["version"], 2);

    let r = app.post("/api/vendors/update", Some(&token), &[("id", &id), ("name", "Stale"), ("version", "1")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);

    let r = app.post_json("/api/vendors/update", Some(&token), json!({"id": v["id"], "rating": 5})).await;
    assert_eq!(r.status, StatusCode::OK, "JSON body: {}", r.text);
    assert_eq!(r.json["rating"], 5);

    assert_eq!(get(&app, &token, &id).await.json["name"], "Acme Supply");
    let r = app.post("/api/vendors/delete", Some(&token), &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(get(&app, &token, &id).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/vendors/delete?id=1", Some(&token)).await.status, StatusCode::METHOD_NOT_ALLOWED);
});

both!(invalid_vendors_are_422_per_field, |app| async {
    let token = app.register("vbad@example.com", "Vendor Bad").await;
    let r = app
        .post(
            "/api/vendors/create",
            Some(&token),
            &[("email", "nope"), ("rating", "6"), ("vendor_type", "robot"), ("status", "gone")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    for field in ["name", "email", "rating", "vendor_type", "status"] {
        assert!(r.json["details"][field].is_array(), "{field}: {}", r.text);
    }
    assert_eq!(app.count("select count(*) from vendors").await, 0);
    let r = app.get("/api/vendors/list?ordering=password", Some(&token)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
});

both!(vendor_lists_search_filter_and_sort, |app| async {
    let token = app.register("vlist@example.com", "Vendor List").await;
    create(&app, &token, &[("name", "Beta Parts"), ("vendor_type", "manufacturer"), ("rating", "2")]).await;
    create(&app, &token, &[("name", "Alpha Goods"), ("company", "Zeta Holdings"), ("rating", "5")]).await;
    create(&app, &token, &[("name", "Gamma"), ("email", "hello@gammaconsult.example"), ("vendor_type", "consultant")])
        .await;
    create(&app, &token, &[("name", "Delta"), ("status", "inactive")]).await;

    let r = app.get("/api/vendors/list?ordering=name", Some(&token)).await;
    assert_eq!(r.json["count"], 4);
    assert_eq!(names(&r), ["Alpha Goods", "Beta Parts", "Delta", "Gamma"]);
    let r = app.get("/api/vendors/list?search=zeta", Some(&token)).await;
    assert_eq!(names(&r), ["Alpha Goods"], "by company");
    let r = app.get("/api/vendors/list?search=GAMMACONS", Some(&token)).await;
    assert_eq!(names(&r), ["Gamma"], "by email");
    let r = app.get("/api/vendors/list?search=ta", Some(&token)).await;
    assert_eq!(r.json["count"], 3, "short terms too (Beta, Zeta, Delta): {}", r.text);
    let r = app.get("/api/vendors/list?vendor_type=manufacturer", Some(&token)).await;
    assert_eq!(names(&r), ["Beta Parts"]);
    let r = app.get("/api/vendors/list?status=inactive", Some(&token)).await;
    assert_eq!(names(&r), ["Delta"]);
    let r = app.get("/api/vendors/list?ordering=-rating", Some(&token)).await;
    assert_eq!(names(&r)[..2], ["Alpha Goods", "Beta Parts"], "unrated last");
    let r = app.get("/api/vendors/list?page_size=2&page=2&ordering=name", Some(&token)).await;
    assert_eq!(names(&r), ["Delta", "Gamma"]);
    assert_eq!(r.json["count"], 4);

    let r = app.get("/api/vendors/types", Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let types = r.json.as_array().unwrap();
    assert_eq!(types.len(), 6);
    assert_eq!(types[0], json!({"value": "supplier", "label": "Supplier", "count": 2}));
    let sp = types.iter().find(|t| t["value"] == "service_provider").unwrap();
    assert_eq!((sp["label"].as_str(), sp["count"].as_i64()), (Some("Service provider"), Some(0)));
});

both!(a_vendor_with_orders_or_payments_cannot_be_deleted, |app| async {
    let token = app.register("vdel@example.com", "Vendor Delete").await;
    let with_order = vendor(&app, &token, "Has Order").await;
    let with_payment = vendor(&app, &token, "Has Payment").await;
    let with_issue = vendor(&app, &token, "Has Issue").await;
    let r = app
        .post(
            "/api/orders/create",
            Some(&token),
            &[("title", "O"), ("vendor_id", &with_order), ("order_type", "purchase")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let order = r.json["id"].to_string();
    let r = app
        .post(
            "/api/payments/create",
            Some(&token),
            &[("amount", "5"), ("vendor_id", &with_payment), ("payment_type", "outgoing")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app.post("/api/issues/create", Some(&token), &[("title", "I"), ("vendor_id", &with_issue)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let issue = r.json["id"].to_string();

    for id in [&with_order, &with_payment] {
        let r = app.post("/api/vendors/delete", Some(&token), &[("id", id)]).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
        assert!(r.json["error"].as_str().unwrap().contains("cannot be deleted"), "{}", r.text);
        assert_eq!(get(&app, &token, id).await.status, StatusCode::OK, "still there");
    }
    // Issues do not hold a vendor: they lose the link.
    let r = app.post("/api/vendors/delete", Some(&token), &[("id", &with_issue)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app.get(&format!("/api/issues/get?id={issue}"), Some(&token)).await;
    assert_eq!(r.json["vendor_id"], Value::Null);
    // Once its order is gone, the vendor can go.
    assert_eq!(app.post("/api/orders/delete", Some(&token), &[("id", &order)]).await.status, StatusCode::OK);
    assert_eq!(app.post("/api/vendors/delete", Some(&token), &[("id", &with_order)]).await.status, StatusCode::OK);
});

both!(another_organizations_vendors_are_404_and_unchanged, |app| async {
    let token = app.register("vten@example.com", "Vendor Tenant").await;
    let other = app.register("vten2@example.com", "Vendor Tenant 2").await;
    let theirs = vendor(&app, &other, "Theirs").await;
    assert_eq!(get(&app, &token, &theirs).await.status, StatusCode::NOT_FOUND);
    let r = app.post("/api/vendors/update", Some(&token), &[("id", &theirs), ("name", "Mine now")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app.post("/api/vendors/delete", Some(&token), &[("id", &theirs)]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app.get("/api/vendors/list", Some(&token)).await;
    assert_eq!(r.json["count"], 0);
    let r = app.get("/api/vendors/types", Some(&token)).await;
    assert!(r.json.as_array().unwrap().iter().all(|t| t["count"] == 0));
    let r = get(&app, &other, &theirs).await;
    assert_eq!((r.json["name"].as_str(), r.json["version"].as_i64()), (Some("Theirs"), Some(1)));
});

both!(vendor_permissions_follow_the_roles, |app| async {
    let owner = app.register("vrole@example.com", "Vendor Roles").await;
    let id = vendor(&app, &owner, "Guarded").await;
    let manager = app.member(&owner, "vmgr@example.com", "manager").await;
    assert_eq!(get(&app, &manager, &id).await.status, StatusCode::OK);
    let r = app.post("/api/vendors/update", Some(&manager), &[("id", &id), ("notes", "Managed")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(app.post("/api/vendors/create", Some(&manager), &[("name", "New")]).await.status, StatusCode::OK);
    let r = app.post("/api/vendors/delete", Some(&manager), &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "managers do not delete");
    let rep = app.member(&owner, "vrep@example.com", "sales_rep").await;
    assert_eq!(app.get("/api/vendors/list", Some(&rep)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.post("/api/vendors/create", Some(&rep), &[("name", "X")]).await.status, StatusCode::FORBIDDEN);
    let portal = app.member(&owner, "vportal@example.com", "customer").await;
    assert_eq!(app.get("/api/vendors/list", Some(&portal)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(get(&app, &portal, &id).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/vendors/list", None).await.status, StatusCode::UNAUTHORIZED);
});
