//! The client portal: a customer's contact sees only that customer's orders, payments and
//! issues, raises and comments on issues, and reaches nothing of the staff's.

use axum::http::StatusCode;
use serde_json::Value;

fn ids(r: &crate::common::Resp) -> Vec<i64> {
    let mut ids: Vec<i64> = r.json["results"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", r.text))
        .iter()
        .map(|v| v["id"].as_i64().unwrap())
        .collect();
    ids.sort();
    ids
}

both!(a_portal_member_sees_only_their_customers_records, |app| async {
    let owner = app.register("powner@example.com", "Portal Co").await;
    let alpha = app.customer(&owner, &[("name", "Alpha Ltd")]).await.to_string();
    let beta = app.customer(&owner, &[("name", "Beta Ltd")]).await.to_string();
    let items = r#"[{"item_name":"Widget","quantity":"2","unit_price":"5"}]"#;
    let mut orders = Vec::new();
    let mut payments = Vec::new();
    let mut issues = Vec::new();
    for customer in [&alpha, &beta] {
        let o = app
            .post(
                "/api/orders/create",
                Some(&owner),
                &[("title", "Order"), ("customer_id", customer), ("items", items)],
            )
            .await;
        assert_eq!(o.status, StatusCode::OK, "{}", o.text);
        let order = o.json["id"].to_string();
        let p = app.post("/api/payments/create", Some(&owner), &[("order_id", &order), ("amount", "10")]).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.text);
        let i = app.post("/api/issues/create", Some(&owner), &[("title", "Late"), ("customer_id", customer)]).await;
        assert_eq!(i.status, StatusCode::OK, "{}", i.text);
        orders.push(o.json["id"].as_i64().unwrap());
        payments.push(p.json["id"].as_i64().unwrap());
        issues.push(i.json["id"].as_i64().unwrap());
    }

    // Invite a contact of Alpha; they follow the mailed link, choose a password and sign in.
    app.portal_contact(&owner, &alpha, "buyer@alpha.example", "Bea", "alpha portal pass").await;
    let invite = [("customer_id", alpha.as_str()), ("email", "buyer@alpha.example")];
    assert_eq!(app.post("/api/portal/invite", Some(&owner), &invite).await.status, StatusCode::CONFLICT);
    let login =
        app.post("/api/auth/login", None, &[("email", "buyer@alpha.example"), ("password", "alpha portal pass")]).await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.text);
    let portal = login.json["token"].as_str().unwrap().to_owned();
    let me = app.get("/api/auth/me", Some(&portal)).await.json;
    assert_eq!((me["role"].as_str(), me["organization"]["name"].as_str()), (Some("customer"), Some("Portal Co")));

    // Their orders, payments and issues; another customer's are not found.
    assert_eq!(ids(&app.get("/api/orders/list", Some(&portal)).await), vec![orders[0]]);
    assert_eq!(ids(&app.get("/api/payments/list", Some(&portal)).await), vec![payments[0]]);
    assert_eq!(ids(&app.get("/api/issues/list", Some(&portal)).await), vec![issues[0]]);
    assert_eq!(app.get(&format!("/api/orders/get?id={}", orders[0]), Some(&portal)).await.status, StatusCode::OK);
    let before = app.snapshot().await;
    for uri in [
        format!("/api/orders/get?id={}", orders[1]),
        format!("/api/payments/get?id={}", payments[1]),
        format!("/api/issues/get?id={}", issues[1]),
        format!("/api/issues/comments?issue_id={}", issues[1]),
    ] {
        let r = app.get(&uri, Some(&portal)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}: {}", r.text);
        assert!(!r.text.contains("Beta"), "{uri} leaks: {}", r.text);
    }
    let r =
        app.post("/api/issues/comment", Some(&portal), &[("issue_id", &issues[1].to_string()), ("body", "hi")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // An issue about another customer's order, a vendor or an assignee is refused, field by field.
    let r = app
        .post("/api/issues/create", Some(&portal), &[("title", "Theirs"), ("order_id", &orders[1].to_string())])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json["details"]["order_id"].is_array(), "{}", r.text);
    let r = app.post("/api/issues/create", Some(&portal), &[("title", "X"), ("customer_id", &beta)]).await;
    assert!(r.json["details"]["customer_id"].is_array(), "{}", r.text);
    // Nothing of the staff's.
    for uri in [
        "/api/customers/list".to_owned(),
        format!("/api/customers/get?id={alpha}"),
        "/api/leads/list".to_owned(),
        "/api/deals/list".to_owned(),
        "/api/vendors/list".to_owned(),
        "/api/employees/choices".to_owned(),
        "/api/organizations/members".to_owned(),
        "/api/roles/list".to_owned(),
    ] {
        assert_eq!(app.get(&uri, Some(&portal)).await.status, StatusCode::FORBIDDEN, "{uri}");
    }
    let r = app.post("/api/orders/update", Some(&portal), &[("id", &orders[0].to_string()), ("title", "Mine")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(app.snapshot().await == before, "a refused portal request changed something");

    // What they may do: raise an issue about their order, comment on it.
    let r = app
        .post(
            "/api/issues/create",
            Some(&portal),
            &[("title", "Widget broken"), ("order_id", &orders[0].to_string()), ("category", "quality")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.json["customer_id"].to_string(), r.json["status"].as_str()), (alpha.clone(), Some("open")));
    let raised = r.json["id"].to_string();
    let r = app.post("/api/issues/comment", Some(&portal), &[("issue_id", &raised), ("body", "Photo attached")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // The staff see it, with the customer set.
    let r = app.get(&format!("/api/issues/get?id={raised}"), Some(&owner)).await;
    assert_eq!(r.json["customer_name"], "Alpha Ltd", "{}", r.text);
});

both!(only_staff_who_may_grant_the_portal_invite_and_only_to_their_customers, |app| async {
    let owner = app.register("iowner@example.com", "Invites").await;
    let rep = app.member(&owner, "irep2@example.com", "sales_rep").await;
    let customer = app.customer(&owner, &[("name", "Gamma")]).await.to_string();
    let form = |email: &'static str| vec![("customer_id", customer.clone()), ("email", email.to_owned())];
    let post = |token: String, form: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post("/api/portal/invite", Some(&token), &form).await
        }
    };
    // A sales rep may edit customers but cannot see orders and payments: they cannot grant it.
    assert_eq!(post(rep.clone(), form("a@gamma.example")).await.status, StatusCode::FORBIDDEN);
    // Another organization's customer is not found.
    let other = app.register("iother@example.com", "Other").await;
    assert_eq!(post(other, form("b@gamma.example")).await.status, StatusCode::NOT_FOUND);
    // A new address gets an invitation by mail, bound to the customer: nobody chose a password.
    let r = post(owner.clone(), form("c@gamma.example")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.json["member"].is_null(), "{}", r.text);
    assert_eq!(app.count("select count(*) from users where email = 'c@gamma.example'").await, 0);
    let sql = format!("select count(*) from invitations where role = 'customer' and customer_id = {customer}");
    assert_eq!(app.count(&sql).await, 1);
    // An existing user keeps their password and joins at once as the customer's contact.
    app.register("d@gamma.example", "Own").await;
    let r = post(owner.clone(), form("d@gamma.example")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["member"]["role"], "customer", "{}", r.text);
    let members: Value = app.get("/api/organizations/members", Some(&owner)).await.json;
    assert!(members.as_array().unwrap().iter().any(|m| m["email"] == "d@gamma.example" && m["role"] == "customer"));
});

both!(the_portal_layout_shows_only_the_customers_own_pages, |app| async {
    let owner = app.register("lowner@example.com", "Layout Co").await;
    let customer = app.customer(&owner, &[("name", "Delta")]).await.to_string();
    app.portal_contact(&owner, &customer, "d@delta.example", "Dee", "delta portal pass").await;
    let login =
        app.post("/api/auth/login", None, &[("email", "d@delta.example"), ("password", "delta portal pass")]).await;
    let cookie = login.headers.get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_owned();
    let page = |uri: &'static str| {
        let app = &app;
        let cookie = cookie.clone();
        async move { app.send(crate::common::page(uri, Some(&cookie))).await }
    };
    let home = page("/").await;
    assert_eq!(home.status, StatusCode::OK);
    let nav = home.text.split("aria-label=\"Main\"").nth(1).unwrap().split("</nav>").next().unwrap().to_owned();
    for section in ["Orders", "Payments", "Issues"] {
        assert!(nav.contains(section), "{section} missing from the portal menu: {nav}");
    }
    for staff in ["Customers", "Leads", "Deals", "Vendors", "Employees", "Activities", "Roles"] {
        assert!(!nav.contains(staff), "{staff} in the portal menu: {nav}");
    }
    assert!(home.text.contains("Raise an issue"));
    let staff_page = page("/customers").await;
    assert!(staff_page.text.contains("Not available in the portal"), "{}", staff_page.text);
    assert!(!staff_page.text.contains("Delta"));
    // The new-issue form asks only what a customer can answer.
    let form = page("/issues/new").await;
    assert!(form.text.contains("name=\"order_id\""), "{}", form.text);
    for staff_field in ["name=\"vendor_id\"", "name=\"assigned_to\"", "name=\"customer_id\"", "name=\"status\""] {
        assert!(!form.text.contains(staff_field), "{staff_field} offered in the portal");
    }
});
