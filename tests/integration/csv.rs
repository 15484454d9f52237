//! CSV export of every list (same filters, scope and order as the list) and CSV import of
//! customers and leads (preview, per-row errors, all-or-nothing or skipping bad rows).

use axum::http::{header, StatusCode};
use too_good_crm::domain::csv::parse;

use crate::common::{Resp, TestApp};

/// The records of a CSV answer, after checking it is one.
fn records(r: &Resp) -> Vec<Vec<String>> {
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    parse(&r.text).unwrap()
}

/// The values of column `name` (by the header), one per data row.
fn column(records: &[Vec<String>], name: &str) -> Vec<String> {
    let i = records[0].iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}: {:?}", records[0]));
    records[1..].iter().map(|r| r[i].clone()).collect()
}

both!(an_export_has_the_lists_columns_filters_and_order, |app| async {
    let owner = app.register("csv@example.com", "Csv Co").await;
    app.customer(&owner, &[("name", "Bravo"), ("status", "prospect"), ("credit_limit", "1234.5")]).await;
    app.customer(&owner, &[("name", "Alpha, \"the first\""), ("status", "prospect"), ("phone", "+1 555 0100")]).await;
    app.customer(&owner, &[("name", "=HYPERLINK(\"http://evil.example\")"), ("notes", "two\nlines")]).await;

    let r = app.get("/api/customers/export?status=prospect&ordering=name&page=2&page_size=1", Some(&owner)).await;
    let today = chrono::Utc::now().date_naive();
    assert_eq!(
        r.headers[header::CONTENT_DISPOSITION].to_str().unwrap(),
        format!("attachment; filename=\"customers-{today}.csv\"")
    );
    assert!(r.text.starts_with("id,name,company_name,email,phone,customer_type,status,"), "{}", r.text);
    let rows = records(&r);
    // Every page of the filtered list, in its order; money as a plain decimal.
    assert_eq!(column(&rows, "name"), ["Alpha, \"the first\"", "Bravo"]);
    assert_eq!(column(&rows, "credit_limit"), ["", "1234.50"]);
    assert_eq!(column(&rows, "phone"), ["+1 555 0100", ""]);
    assert!(r.text.contains("\"Alpha, \"\"the first\"\"\""), "{}", r.text);
    // Time stamps in ISO 8601 (UTC).
    let created = &column(&rows, "created_at")[0];
    assert!(chrono::DateTime::parse_from_rfc3339(created).is_ok(), "{created}");

    // A cell a spreadsheet would run as a formula starts with a quote in the file.
    let r = app.get("/api/customers/export?search=hyperlink", Some(&owner)).await;
    assert!(r.text.contains("\"'=HYPERLINK(\"\"http://evil.example\"\")\""), "{}", r.text);
    let rows = records(&r);
    assert_eq!(column(&rows, "notes"), ["two\nlines"]);

    // Bad filters answer like the list: 422 naming the field, in JSON.
    let r = app.get("/api/customers/export?status=vip", Some(&owner)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.json["details"]["status"].is_array(), "{}", r.text);
    // Not signed in: 401; a GET only.
    assert_eq!(app.get("/api/customers/export", None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.post("/api/customers/export", Some(&owner), &[]).await.status, StatusCode::METHOD_NOT_ALLOWED);
});

both!(every_list_exports_with_a_header_even_when_empty, |app| async {
    let owner = app.register("empty@example.com", "Empty Co").await;
    for (resource, first) in [
        ("customers", "id,name,"),
        ("leads", "id,first_name,"),
        ("deals", "id,title,"),
        ("activities", "id,activity_type,"),
        ("employees", "id,employee_code,"),
        ("vendors", "id,name,"),
        ("orders", "id,number,"),
        ("payments", "id,number,"),
        ("issues", "id,number,"),
    ] {
        let r = app.get(&format!("/api/{resource}/export?search=nothing%20like%20this"), Some(&owner)).await;
        let rows = records(&r);
        assert_eq!(rows.len(), 1, "{resource}: {}", r.text);
        assert!(r.text.starts_with(first), "{resource}: {}", r.text);
        assert!(r.headers[header::CONTENT_DISPOSITION].to_str().unwrap().contains(&format!("\"{resource}-")));
    }
});

both!(a_sales_rep_exports_only_their_records_and_never_another_organizations, |app| async {
    let owner = app.register("boss@example.com", "Scope Co").await;
    let rep = app.member(&owner, "rep@example.com", "sales_rep").await;
    let rep_employee = app.get("/api/auth/me", Some(&rep)).await.json["employee_id"].to_string();
    app.customer(&owner, &[("name", "Rep's own"), ("assigned_to", &rep_employee)]).await;
    app.customer(&owner, &[("name", "Someone else's")]).await;
    let r = app
        .post("/api/leads/create", Some(&owner), &[("first_name", "Lead of rep"), ("assigned_to", &rep_employee)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    app.post("/api/leads/create", Some(&owner), &[("first_name", "Lead of nobody")]).await;
    let stranger = app.register("other@example.com", "Other Co").await;
    app.customer(&stranger, &[("name", "Other org's")]).await;

    assert_eq!(column(&records(&app.get("/api/customers/export", Some(&rep)).await), "name"), ["Rep's own"]);
    assert_eq!(column(&records(&app.get("/api/leads/export", Some(&rep)).await), "first_name"), ["Lead of rep"]);
    let mut all = column(&records(&app.get("/api/customers/export", Some(&owner)).await), "name");
    all.sort();
    assert_eq!(all, ["Rep's own", "Someone else's"]);
    // A rep may not see employees at all: the same 403 as the list.
    let r = app.get("/api/vendors/export", Some(&rep)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert!(r.json["error"].is_string());
});

both!(a_portal_customer_exports_only_their_customers_orders_payments_and_issues, |app| async {
    let owner = app.register("pcsv@example.com", "Portal Csv").await;
    let alpha = app.customer(&owner, &[("name", "Alpha Ltd")]).await.to_string();
    let beta = app.customer(&owner, &[("name", "Beta Ltd")]).await.to_string();
    let items = r#"[{"item_name":"Widget","quantity":"2","unit_price":"5"}]"#;
    for (customer, title) in [(&alpha, "Alpha order"), (&beta, "Beta order")] {
        let o = app
            .post("/api/orders/create", Some(&owner), &[("title", title), ("customer_id", customer), ("items", items)])
            .await;
        assert_eq!(o.status, StatusCode::OK, "{}", o.text);
        let order = o.json["id"].to_string();
        let p = app.post("/api/payments/create", Some(&owner), &[("order_id", &order), ("amount", "10")]).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.text);
        let i = app.post("/api/issues/create", Some(&owner), &[("title", title), ("customer_id", customer)]).await;
        assert_eq!(i.status, StatusCode::OK, "{}", i.text);
    }
    app.portal_contact(&owner, &alpha, "buyer@alpha.example", "Bea", "alpha portal pass").await;
    let login =
        app.post("/api/auth/login", None, &[("email", "buyer@alpha.example"), ("password", "alpha portal pass")]).await;
    let portal = login.json["token"].as_str().unwrap().to_owned();

    let orders = records(&app.get("/api/orders/export", Some(&portal)).await);
    assert_eq!(column(&orders, "title"), ["Alpha order"]);
    assert_eq!(column(&orders, "total_amount"), ["10.00"]);
    assert_eq!(column(&records(&app.get("/api/payments/export", Some(&portal)).await), "customer_name"), ["Alpha Ltd"]);
    assert_eq!(column(&records(&app.get("/api/issues/export", Some(&portal)).await), "title"), ["Alpha order"]);
    // Asking for the other customer's records finds nothing.
    let r = app.get(&format!("/api/orders/export?customer={beta}"), Some(&portal)).await;
    assert_eq!(records(&r).len(), 1, "{}", r.text);
    assert!(!r.text.contains("Beta"));
    assert_eq!(app.get("/api/customers/export", Some(&portal)).await.status, StatusCode::FORBIDDEN);
});

/// The customers of `token`'s organization, by name.
async fn customer_names(app: &TestApp, token: &str) -> Vec<String> {
    let mut names = column(&records(&app.get("/api/customers/export", Some(token)).await), "name");
    names.sort();
    names
}

/// An import of `csv` into `resource` (`dry_run` and `skip_invalid` as given).
async fn import(app: &TestApp, token: &str, resource: &str, csv: &str, dry_run: &str, skip_invalid: &str) -> Resp {
    let form = [("csv", csv), ("dry_run", dry_run), ("skip_invalid", skip_invalid)];
    app.post(&format!("/api/{resource}/import"), Some(token), &form).await
}

const MIXED: &str = "Name,E-mail,Company name,Status,Credit limit,Favourite colour\r\n\
    Good One,one@example.com,One Inc,active,100,blue\r\n\
    ,nobody@example.com,,,,\r\n\
    Bad Mail,not-an-email,,vip,-5,\r\n\
    \"Quoted, Two\",two@example.com,,prospect,,\r\n\
    Twin,ONE@example.com,,,,\r\n";

both!(an_import_preview_reports_each_bad_row_by_number_and_field, |app| async {
    let owner = app.register("imp@example.com", "Import Co").await;
    let before = app.snapshot().await;
    let r = import(&app, &owner, "customers", MIXED, "true", "false").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let report = &r.json;
    assert_eq!((report["dry_run"].as_bool(), report["total"].as_i64()), (Some(true), Some(5)));
    assert_eq!(
        (report["valid"].as_i64(), report["invalid"].as_i64(), report["imported"].as_i64()),
        (Some(2), Some(3), Some(0))
    );
    assert_eq!(report["columns"], serde_json::json!(["name", "email", "company_name", "status", "credit_limit"]));
    assert!(report["warnings"][0].as_str().unwrap().contains("Favourite colour"), "{}", r.text);
    let rows = report["rows"].as_array().unwrap();
    // Row numbers as in the file: the header is row 1.
    let numbers: Vec<i64> = rows.iter().map(|r| r["row"].as_i64().unwrap()).collect();
    assert_eq!(numbers, [2, 3, 4, 5, 6]);
    let errors = |i: usize| -> Vec<String> {
        let mut fields: Vec<String> = rows[i]["errors"].as_object().unwrap().keys().cloned().collect();
        fields.sort();
        fields
    };
    assert_eq!(errors(0), Vec::<String>::new());
    assert_eq!(errors(1), ["name"]);
    assert_eq!(errors(2), ["credit_limit", "email", "status"]);
    assert_eq!(errors(3), Vec::<String>::new());
    // The same email as an earlier row (in any case) is an error of the later row.
    assert_eq!(errors(4), ["email"]);
    assert_eq!(rows[3]["values"]["name"], "Quoted, Two");
    assert_eq!(app.snapshot().await, before, "a preview wrote something");

    // An email a customer of the organization has is taken; another organization's is not.
    app.customer(&owner, &[("name", "Existing"), ("email", "two@example.com")]).await;
    let r = import(&app, &owner, "customers", MIXED, "true", "false").await;
    assert_eq!(r.json["rows"][3]["errors"]["email"][0].as_str().unwrap(), "is taken: one of the customers has it");
    let stranger = app.register("strange@example.com", "Stranger Co").await;
    let r = import(&app, &stranger, "customers", MIXED, "true", "false").await;
    assert_eq!(r.json["valid"], 2, "{}", r.text);
});

both!(an_import_with_bad_rows_is_refused_whole_unless_they_are_skipped, |app| async {
    let owner = app.register("imp2@example.com", "Import Two").await;
    let before = app.snapshot().await;
    let r = import(&app, &owner, "customers", MIXED, "false", "false").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let details = r.json["details"].as_object().unwrap();
    for key in ["row 3.name", "row 4.email", "row 4.status", "row 4.credit_limit", "row 6.email"] {
        assert!(details.contains_key(key), "{key} missing: {}", r.text);
    }
    assert_eq!(app.snapshot().await, before, "a refused import wrote something");

    let r = import(&app, &owner, "customers", MIXED, "false", "true").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.json["imported"].as_i64(), r.json["invalid"].as_i64()), (Some(2), Some(3)));
    let rows = r.json["rows"].as_array().unwrap();
    assert!(rows[0]["id"].is_i64() && rows[3]["id"].is_i64());
    assert!(rows[1]["id"].is_null() && !rows[1]["errors"].as_object().unwrap().is_empty());
    assert_eq!(customer_names(&app, &owner).await, ["Good One", "Quoted, Two"]);
    let limit = column(&records(&app.get("/api/customers/export?search=good", Some(&owner)).await), "credit_limit");
    assert_eq!(limit, ["100.00"]);
});

both!(an_export_imports_back_into_another_organization, |app| async {
    let owner = app.register("rt@example.com", "Round Trip").await;
    app.customer(
        &owner,
        &[
            ("name", "=Formula Ltd"),
            ("email", "f@example.com"),
            ("phone", "+44 20 7946 0000"),
            ("customer_type", "business"),
            ("tags", "vip, north"),
            ("credit_limit", "2500.75"),
            ("notes", "line one\nline \"two\", with comma"),
        ],
    )
    .await;
    app.customer(&owner, &[("name", "Plain Person")]).await;
    let exported = app.get("/api/customers/export?ordering=name", Some(&owner)).await.text;
    let other = app.register("rt2@example.com", "Round Trip Two").await;
    let r = import(&app, &other, "customers", &exported, "false", "false").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["imported"], 2);
    // The columns the import does not take (id, names, times) are reported, not fatal.
    assert!(r.json["warnings"].as_array().unwrap().iter().any(|w| w.as_str().unwrap().contains("\"id\"")));
    let again = app.get("/api/customers/export?ordering=name", Some(&other)).await.text;
    let strip = |text: &str, skip: &[&str]| -> Vec<Vec<String>> {
        let rows = parse(text).unwrap();
        let keep: Vec<usize> = (0..rows[0].len()).filter(|i| !skip.contains(&rows[0][*i].as_str())).collect();
        rows.iter().map(|r| keep.iter().map(|i| r[*i].clone()).collect()).collect()
    };
    let volatile = ["id", "created_at", "updated_at"];
    assert_eq!(strip(&again, &volatile), strip(&exported, &volatile));
});

both!(a_sales_rep_imports_leads_assigned_to_themselves_and_only_to_employees, |app| async {
    let owner = app.register("limp@example.com", "Lead Import").await;
    let rep = app.member(&owner, "lrep@example.com", "sales_rep").await;
    let rep_employee = app.get("/api/auth/me", Some(&rep)).await.json["employee_id"].as_i64().unwrap();
    let csv = format!(
        "First name,Last name,Email,Score,Source,Assigned to\n\
         Ada,Lovelace,ada@example.com,80,referral,\n\
         Bob,Builder,bob@example.com,50,event,{}\n\
         Cy,Young,cy@example.com,101,psychic,\n",
        rep_employee + 1000
    );
    let r = import(&app, &rep, "leads", &csv, "false", "true").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["imported"], 1);
    let fields =
        |i: usize| -> Vec<String> { r.json["rows"][i]["errors"].as_object().unwrap().keys().cloned().collect() };
    assert_eq!(fields(1), ["assigned_to"]);
    assert_eq!(fields(2), ["score", "source"]);
    let leads = records(&app.get("/api/leads/export", Some(&rep)).await);
    assert_eq!(column(&leads, "first_name"), ["Ada"]);
    assert_eq!(column(&leads, "assigned_to"), [rep_employee.to_string()]);
    // JSON bodies work too; a role without leads:create is refused.
    let r = app
        .post_json("/api/leads/import", Some(&rep), serde_json::json!({"csv": "first_name\nCy\n", "dry_run": true}))
        .await;
    assert_eq!((r.status, r.json["valid"].as_i64()), (StatusCode::OK, Some(1)), "{}", r.text);
    let customer = app.member(&owner, "lcust@example.com", "customer").await;
    assert_eq!(import(&app, &customer, "leads", &csv, "true", "false").await.status, StatusCode::FORBIDDEN);
    // A file without a header the import knows, or with too many rows, is refused.
    let r = import(&app, &owner, "leads", "colour,size\nred,L\n", "true", "false").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.json["details"]["csv"].is_array());
    let many = format!("first_name\n{}", "X\n".repeat(5001));
    let r = import(&app, &owner, "leads", &many, "true", "false").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.json["details"]["csv"][0].as_str().unwrap().contains("5001"), "{}", r.text);
});

both!(the_import_page_previews_pasted_csv_and_plain_form_posts_import, |app| async {
    let (cookie, token) = crate::common::session(&app, "page@example.com", "Paige", "Page Imports").await;
    let list = app.send(crate::common::page("/customers?status=active", Some(&cookie))).await;
    assert!(list.text.contains("href=\"/api/customers/export?status=active\""), "{}", list.text);
    assert!(list.text.contains("href=\"/customers/import\""), "{}", list.text);

    // The preview is complete HTML: the rows, their numbers and problems.
    let csv = "name,email\nGood Row,good@example.com\nBad Row,nope\n";
    let query = serde_urlencoded::to_string([("csv", csv)]).unwrap();
    let r = app.send(crate::common::page(&format!("/customers/import?{query}"), Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("2 rows: 1 ready to import, 1 with errors."), "{}", r.text);
    assert!(r.text.contains("email: is not a valid email address") && r.text.contains("row-error"), "{}", r.text);
    assert_eq!(customer_names(&app, &token).await, Vec::<String>::new());

    // Its import form posts the text; skipping the bad row imports the good one and redirects.
    let form = [("csv", csv), ("dry_run", "false"), ("skip_invalid", "true"), ("next", "/customers")];
    let r = app.send(crate::common::form_post("/api/customers/import", &form, &cookie, "/customers/import")).await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text);
    assert_eq!(r.headers[header::LOCATION], "/customers");
    assert_eq!(customer_names(&app, &token).await, ["Good Row"]);

    // A file uploaded with a multipart form (no JavaScript needed).
    let boundary = "XyZ";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"dry_run\"\r\n\r\nfalse\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"people.csv\"\r\n\
         Content-Type: text/csv\r\n\r\nName,E-mail\r\nUploaded,up@example.com\r\n\r\n--{boundary}--\r\n"
    );
    let req = crate::common::request(
        axum::http::Method::POST,
        "/api/customers/import",
        Some(&token),
        Some((&format!("multipart/form-data; boundary={boundary}"), body)),
    );
    let r = app.send(req).await;
    assert_eq!((r.status, r.json["imported"].as_i64()), (StatusCode::OK, Some(1)), "{}", r.text);
    assert_eq!(customer_names(&app, &token).await, ["Good Row", "Uploaded"]);
});
