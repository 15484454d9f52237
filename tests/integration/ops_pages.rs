//! Vendor, order, payment and issue pages rendered on the server, and their plain HTML forms
//! posted as a browser without JavaScript would.

use crate::common;

use axum::http::{header, StatusCode};
use serde_json::Value;

async fn create(app: &common::TestApp, token: &str, what: &str, form: &[(&str, &str)]) -> Value {
    let r = app.post(&format!("/api/{what}/create"), Some(token), form).await;
    assert_eq!(r.status, StatusCode::OK, "create {what}: {}", r.text);
    r.json
}

fn id(v: &Value) -> String {
    v["id"].as_i64().unwrap().to_string()
}

/// The `Location` of a redirect, without the origin.
fn location(r: &common::Resp) -> String {
    r.headers.get(header::LOCATION).unwrap().to_str().unwrap().trim_start_matches("http://localhost").to_owned()
}

both!(operations_pages_need_a_session, |app| async {
    for path in [
        "/vendors",
        "/vendors/new",
        "/vendors/1",
        "/orders",
        "/orders/new",
        "/orders/1",
        "/payments",
        "/payments/1",
        "/issues",
        "/issues/new",
        "/issues/1",
    ] {
        let r = app.send(common::page(path, None)).await;
        assert!(r.status.is_redirection(), "{path}: {}", r.status);
        assert_eq!(r.headers.get(header::LOCATION).unwrap(), "/login");
    }
});

both!(operations_pages_render_completely_on_the_server, |app| async {
    let (cookie, token) = common::session(&app, "ops-pages@example.com", "Olga", "Ops Pages Inc").await;
    let customer = app.customer(&token, &[("name", "Acme <Corp>")]).await.to_string();
    let vendor = create(
        &app,
        &token,
        "vendors",
        &[("name", "Bolts & <Nuts>"), ("vendor_type", "manufacturer"), ("rating", "4"), ("company", "Bolts Ltd")],
    )
    .await;
    let vendor_id = id(&vendor);
    create(&app, &token, "vendors", &[("name", "Quiet Supplies"), ("status", "inactive")]).await;
    let order = create(
        &app,
        &token,
        "orders",
        &[
            ("title", "Spare <parts>"),
            ("vendor_id", &vendor_id),
            ("customer_id", &customer),
            ("order_type", "purchase"),
            ("items[0][item_name]", "Bolt"),
            ("items[0][sku]", "B-1"),
            ("items[0][quantity]", "3"),
            ("items[0][unit_price]", "33.33"),
            ("items[1][item_name]", "Nut"),
            ("items[1][quantity]", "1.5"),
            ("items[1][unit_price]", "0.33"),
        ],
    )
    .await;
    let order_id = id(&order);
    let number = order["number"].as_str().unwrap().to_owned();
    assert!(number.starts_with("ORD-"), "{number}");
    let payment = create(
        &app,
        &token,
        "payments",
        &[("order_id", &order_id), ("amount", "100.49"), ("invoice_number", "INV-77"), ("due_date", "2020-01-31")],
    )
    .await;
    let payment_id = id(&payment);
    let pay_number = payment["number"].as_str().unwrap().to_owned();
    let issue = create(
        &app,
        &token,
        "issues",
        &[("title", "Late <delivery>"), ("order_id", &order_id), ("vendor_id", &vendor_id), ("priority", "urgent")],
    )
    .await;
    let issue_id = id(&issue);
    let iss_number = issue["number"].as_str().unwrap().to_owned();

    // Navigation
    let r = app.send(common::page("/", Some(&cookie))).await;
    for href in ["/vendors", "/orders", "/payments", "/issues"] {
        assert!(r.text.contains(&format!("href=\"{href}\"")), "nav links {href}");
    }

    // Vendors
    let r = app.send(common::page("/vendors", Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("Bolts &amp; &lt;Nuts&gt;") && r.text.contains("Quiet Supplies"), "list: {}", r.text);
    assert!(r.text.contains("★★★★☆") && r.text.contains("aria-sort") && r.text.contains("Manufacturer (1)"));
    let r = app.send(common::page("/vendors?status=inactive", Some(&cookie))).await;
    assert!(r.text.contains("Quiet Supplies") && !r.text.contains("Bolts &amp;"), "status filter");
    let r = app.send(common::page("/vendors?search=nothing-matches", Some(&cookie))).await;
    assert!(r.text.contains("No vendors match"));
    let r = app.send(common::page(&format!("/vendors/{vendor_id}"), Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    for text in [
        "Bolts Ltd",
        "Save changes",
        "Yes, delete",
        "vendor-orders-title",
        "vendor-payments-title",
        "vendor-issues-title",
    ] {
        assert!(r.text.contains(text), "vendor page shows {text}");
    }
    assert!(r.text.contains(&number) && r.text.contains(&pay_number) && r.text.contains(&iss_number));
    let r = app.send(common::page("/vendors/new", Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("name=\"vendor_type\"") && r.text.contains("name=\"payment_terms\""));
    let r = app.send(common::page("/vendors/999999", Some(&cookie))).await;
    assert!(r.text.contains("Not found"));

    // Orders: 3 × 33.33 + 1.5 × 0.33 = 99.99 + 0.50
    let r = app.send(common::page("/orders", Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains(&number) && r.text.contains("Spare &lt;parts&gt;"), "list: {}", r.text);
    assert!(r.text.contains("USD 100.49") && r.text.contains("Acme &lt;Corp&gt;"));
    let r = app.send(common::page("/orders?status=completed", Some(&cookie))).await;
    assert!(r.text.contains("No orders match"));
    let r = app.send(common::page(&format!("/orders?vendor={vendor_id}&ordering=-total_amount"), Some(&cookie))).await;
    assert!(r.text.contains(&number), "vendor filter");
    let r = app.send(common::page(&format!("/orders/{order_id}"), Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    for text in
        ["Spare &lt;parts&gt;", "USD 100.49", "USD 99.99", "USD 0.50", ">Complete<", "Cancel order", "Save changes"]
    {
        assert!(r.text.contains(text), "order page shows {text}: {}", r.text);
    }
    // Two items and three blank rows, all plain form fields.
    assert!(r.text.contains("name=\"items[0][item_name]\"") && r.text.contains("value=\"33.33\""));
    assert!(r.text.contains("name=\"items[4][unit_price]\"") && !r.text.contains("name=\"items[5][unit_price]\""));
    assert!(r.text.contains("order-payments-title") && r.text.contains(&pay_number), "the order's payments");
    assert!(r.text.contains("order-issues-title") && r.text.contains("Late &lt;delivery&gt;"), "the order's issues");
    assert!(r.text.contains(&format!("href=\"/payments/new?order={order_id}\"")));
    let r = app.send(common::page("/orders/new", Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("name=\"items[2][quantity]\"") && r.text.contains("Line total"));
    assert!(r.text.contains("Acme &lt;Corp&gt;") && r.text.contains("Bolts &amp; &lt;Nuts&gt;"), "choices offered");
    let r = app.send(common::page(&format!("/orders/new?customer={customer}"), Some(&cookie))).await;
    assert!(r.text.contains(&format!("<option value=\"{customer}\" selected")), "customer preselected");

    // Payments
    let r = app.send(common::page("/payments", Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains(&pay_number) && r.text.contains("USD 100.49") && r.text.contains("INV-77"), "{}", r.text);
    assert!(r.text.contains("Overdue"), "pending past its due date");
    let r = app.send(common::page("/payments?status=completed", Some(&cookie))).await;
    assert!(r.text.contains("No payments match"));
    let r = app.send(common::page("/payments?overdue=true", Some(&cookie))).await;
    assert!(r.text.contains(&pay_number));
    let r = app.send(common::page(&format!("/payments/{payment_id}"), Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    for text in [">Process<", "Mark failed", "Why did it fail?", "name=\"reason\"", "Save changes", &number] {
        assert!(r.text.contains(text), "payment page shows {text}");
    }
    let r = app.send(common::page(&format!("/payments/new?order={order_id}"), Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("name=\"amount\"") && r.text.contains(&format!("<option value=\"{order_id}\" selected")));

    // Issues
    let r = app.send(common::page("/issues", Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains(&iss_number) && r.text.contains("Late &lt;delivery&gt;") && r.text.contains("Urgent"));
    let r = app.send(common::page("/issues?priority=low", Some(&cookie))).await;
    assert!(r.text.contains("No issues match"));
    let r = app.send(common::page(&format!("/issues/{issue_id}"), Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    for text in ["Resolve…", "name=\"resolution_notes\"", "Add a comment", "No comments yet.", &number] {
        assert!(r.text.contains(text), "issue page shows {text}");
    }
    let r = app.send(common::page(&format!("/issues/new?vendor={vendor_id}"), Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.text.contains("name=\"category\"") && r.text.contains(&format!("<option value=\"{vendor_id}\" selected"))
    );

    // The customer's page: their orders, payments and issues
    let r = app.send(common::page(&format!("/customers/{customer}"), Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    for text in ["customer-orders-title", "customer-payments-title", "customer-issues-title", &number] {
        assert!(r.text.contains(text), "customer page shows {text}");
    }
});

both!(an_order_posted_without_javascript_gets_the_server_total, |app| async {
    let (cookie, token) = common::session(&app, "ops-pages@example.com", "Olga", "Ops Pages Inc").await;
    let customer = app.customer(&token, &[("name", "Walk-in")]).await.to_string();
    // The new-order form as a browser without JavaScript posts it: three items, a blank row,
    // and a total the client made up (ignored).
    let body = [
        ("next", "/orders/{id}"),
        ("title", "Three things"),
        ("customer_id", customer.as_str()),
        ("order_type", "sales"),
        ("status", "draft"),
        ("order_date", ""),
        ("currency", ""),
        ("items[0][item_name]", "Widget"),
        ("items[0][description]", ""),
        ("items[0][sku]", "W-1"),
        ("items[0][quantity]", "3"),
        ("items[0][unit_price]", "33.33"),
        ("items[1][item_name]", "Dime"),
        ("items[1][description]", ""),
        ("items[1][sku]", ""),
        ("items[1][quantity]", "1"),
        ("items[1][unit_price]", "0.1"),
        ("items[2][item_name]", "Two dimes"),
        ("items[2][description]", ""),
        ("items[2][sku]", ""),
        ("items[2][quantity]", "1"),
        ("items[2][unit_price]", "0.2"),
        ("items[3][item_name]", ""),
        ("items[3][description]", ""),
        ("items[3][sku]", ""),
        ("items[3][quantity]", ""),
        ("items[3][unit_price]", ""),
        ("total_amount", "1"),
    ];
    let r = app.send(common::form_post("/api/orders/create", &body, &cookie, "/orders/new")).await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text);
    let to = location(&r);
    let order_id = to.strip_prefix("/orders/").unwrap_or_else(|| panic!("redirected to {to}")).to_owned();
    let o = app.get(&format!("/api/orders/get?id={order_id}"), Some(&token)).await;
    assert_eq!(o.status, StatusCode::OK, "{}", o.text);
    assert_eq!(o.json["items"].as_array().unwrap().len(), 3, "the blank row is left out");
    let total: rust_decimal::Decimal = serde_json::from_value(o.json["total_amount"].clone()).unwrap();
    assert_eq!(total, "100.29".parse().unwrap(), "99.99 + 0.1 + 0.2, exactly");
    let r = app.send(common::page(&to, Some(&cookie))).await;
    assert!(r.text.contains("USD 100.29") && r.text.contains("value=\"Widget\""), "{}", r.text);

    // Change a quantity on the edit form, save, reload: the server's new total.
    let version = o.json["version"].as_i64().unwrap().to_string();
    let here = format!("/orders/{order_id}");
    let body = [
        ("id", order_id.as_str()),
        ("version", version.as_str()),
        ("title", "Three things"),
        ("items[0][item_name]", "Widget"),
        ("items[0][quantity]", "4"),
        ("items[0][unit_price]", "33.33"),
        ("items[1][item_name]", "Dime"),
        ("items[1][quantity]", "1"),
        ("items[1][unit_price]", "0.1"),
        ("items[2][item_name]", "Two dimes"),
        ("items[2][quantity]", "1"),
        ("items[2][unit_price]", "0.2"),
        ("items[3][item_name]", ""),
        ("items[3][quantity]", ""),
        ("items[3][unit_price]", ""),
    ];
    let r = app.send(common::form_post("/api/orders/update", &body, &cookie, &here)).await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text);
    assert_eq!(location(&r).trim_end_matches('?'), here, "back to the order page");
    let r = app.send(common::page(&here, Some(&cookie))).await;
    assert!(r.text.contains("USD 133.62") && r.text.contains("value=\"4\""), "{}", r.text);
    assert!(!edit_is_open(&r.text), "the edit form is one click away, not open beside the facts");

    // A bad quantity comes back to the form with the problem named.
    let body = [
        ("id", order_id.as_str()),
        ("items[0][item_name]", "Widget"),
        ("items[0][quantity]", "0"),
        ("items[0][unit_price]", "33.33"),
    ];
    let r = app.send(common::form_post("/api/orders/update", &body, &cookie, &here)).await;
    assert_eq!(r.status, StatusCode::FOUND);
    let back = location(&r);
    assert!(back.starts_with(&here) && back.contains("__err="), "{back}");
    let r = app.send(common::page(&back, Some(&cookie))).await;
    assert!(r.text.contains("must be greater than 0"), "{}", r.text);
    assert!(edit_is_open(&r.text), "a refused save opens the edit form again, the problem by its field");

    // Complete it: no more editing, no cancelling.
    let body = [("id", order_id.as_str()), ("next", here.as_str())];
    let r = app.send(common::form_post("/api/orders/complete", &body, &cookie, &here)).await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text);
    let r = app.send(common::page(&here, Some(&cookie))).await;
    assert!(r.text.contains("A completed order can no longer be edited") && !r.text.contains("Cancel order"));
    assert!(r.text.contains("USD 133.62"));
});

both!(an_issue_is_resolved_and_reopened_without_javascript, |app| async {
    let (cookie, token) = common::session(&app, "ops-pages@example.com", "Olga", "Ops Pages Inc").await;
    let issue = create(&app, &token, "issues", &[("title", "Broken lid")]).await;
    let issue_id = id(&issue);
    let here = format!("/issues/{issue_id}");

    let body = [("id", issue_id.as_str()), ("resolution_notes", "Sent a <new> lid"), ("next", here.as_str())];
    let r = app.send(common::form_post("/api/issues/resolve", &body, &cookie, &here)).await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text);
    assert_eq!(location(&r), here);
    let r = app.send(common::page(&here, Some(&cookie))).await;
    assert!(r.text.contains(">Resolved<") && r.text.contains("Sent a &lt;new&gt; lid"), "{}", r.text);
    assert!(r.text.contains(">Reopen<") && !r.text.contains("Resolve…"));

    let body = [("issue_id", issue_id.as_str()), ("body", "Customer confirmed"), ("next", here.as_str())];
    let r = app.send(common::form_post("/api/issues/comment", &body, &cookie, &here)).await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text);

    let body = [("id", issue_id.as_str()), ("next", here.as_str())];
    let r = app.send(common::form_post("/api/issues/reopen", &body, &cookie, &here)).await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text);
    let r = app.send(common::page(&here, Some(&cookie))).await;
    assert!(r.text.contains(">Open<") && r.text.contains("Resolve…") && !r.text.contains(">Reopen<"), "{}", r.text);
    assert!(r.text.contains("Customer confirmed"), "the comment is listed");
    let i = app.get(&format!("/api/issues/get?id={issue_id}"), Some(&token)).await;
    assert_eq!(i.json["status"], "open");
    assert!(i.json["resolved_at"].is_null());
});

both!(a_payment_is_failed_with_a_reason_and_processed_without_javascript, |app| async {
    let (cookie, token) = common::session(&app, "ops-pages@example.com", "Olga", "Ops Pages Inc").await;
    let payment = create(&app, &token, "payments", &[("amount", "12.50")]).await;
    let payment_id = id(&payment);
    let here = format!("/payments/{payment_id}");

    // No reason: back to the page with the problem shown at the form.
    let body = [("id", payment_id.as_str()), ("reason", ""), ("next", here.as_str())];
    let r = app.send(common::form_post("/api/payments/mark_failed", &body, &cookie, &here)).await;
    assert_eq!(r.status, StatusCode::FOUND);
    let back = location(&r);
    assert!(back.contains("__err="), "{back}");
    let r = app.send(common::page(&back, Some(&cookie))).await;
    assert!(
        r.text.contains("is required") && r.text.contains("<details open class=\"menu reason-menu\">"),
        "{back}: {}",
        r.text
    );

    let body = [("id", payment_id.as_str()), ("reason", "Card declined"), ("next", here.as_str())];
    let r = app.send(common::form_post("/api/payments/mark_failed", &body, &cookie, &here)).await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text);
    let r = app.send(common::page(&here, Some(&cookie))).await;
    assert!(r.text.contains(">Failed<") && r.text.contains("Card declined") && r.text.contains(">Process<"));

    let body = [("id", payment_id.as_str()), ("next", here.as_str())];
    let r = app.send(common::form_post("/api/payments/process", &body, &cookie, &here)).await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text);
    let r = app.send(common::page(&here, Some(&cookie))).await;
    assert!(r.text.contains(">Completed<") && r.text.contains("fixed once completed") && !r.text.contains(">Process<"));
});

/// Whether a record page's edit form (`details.edit-in-place`) is open as served.
fn edit_is_open(html: &str) -> bool {
    let doc = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("details.edit-in-place").unwrap();
    doc.select(&selector).next().expect("the page has an edit in place").value().attr("open").is_some()
}
