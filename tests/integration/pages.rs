//! Server-rendered pages and plain HTML form posts (no JavaScript).

use crate::common;

use axum::http::{header, Method, StatusCode};

both!(signed_out_visitors_are_redirected_to_sign_in, |app| async {
    for path in ["/", "/customers", "/customers/1"] {
        let r = app.send(common::page(path, None)).await;
        assert!(r.status.is_redirection(), "{path}: {}", r.status);
        assert_eq!(r.headers.get(header::LOCATION).unwrap(), "/login");
    }
    let r = app.send(common::page("/login", None)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("<form") && r.text.contains("action=\"/api/auth/login\""), "{}", r.text);
    assert!(r.text.contains("name=\"email\"") && r.text.contains("name=\"password\""));
    let r = app.send(common::page("/no/such/page", None)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
});

both!(pages_render_completely_on_the_server, |app| async {
    let (cookie, token) = common::session(&app, "pages@example.com", "Paige", "Pages Inc").await;
    let id = app.customer(&token, &[("name", "Rendered <b>Client</b>"), ("company_name", "SSR Ltd")]).await;
    let r = app.send(common::page("/", Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.text.contains("Welcome back, Paige") && r.text.contains("Customers by status") && r.text.contains("<svg")
    );
    let r = app.send(common::page("/customers", Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("SSR Ltd"), "list rendered: {}", r.text);
    assert!(r.text.contains("Rendered &lt;b&gt;Client&lt;/b&gt;"), "HTML is escaped");
    let r = app.send(common::page(&format!("/customers/{id}"), Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("SSR Ltd") && r.text.contains("Add a note"));
    let r = app.send(common::page("/customers?search=nothing-matches", Some(&cookie))).await;
    assert!(r.text.contains("No customers match"));
});

both!(html_form_posts_redirect_with_the_result_or_the_error, |app| async {
    let (cookie, token) = common::session(&app, "pages@example.com", "Paige", "Pages Inc").await;
    let form = |body: &str, referer: &str| {
        let mut req = common::request(
            Method::POST,
            "/api/customers/create",
            None,
            Some(("application/x-www-form-urlencoded", body.to_owned())),
        );
        let h = req.headers_mut();
        h.insert(header::ACCEPT, "text/html,application/xhtml+xml".parse().unwrap());
        h.insert(header::COOKIE, cookie.parse().unwrap());
        h.insert(header::REFERER, referer.parse().unwrap());
        h.insert(header::ORIGIN, "http://localhost".parse().unwrap());
        req
    };
    let r = app.send(form("name=No+JS+Customer&next=%2Fcustomers%2F%7Bid%7D", "http://localhost/customers/new")).await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text);
    let location = r.headers.get(header::LOCATION).unwrap().to_str().unwrap().to_owned();
    assert!(location.starts_with("/customers/"), "{location}");
    let list = app.get("/api/customers/list?search=No%20JS", Some(&token)).await;
    assert_eq!(list.json["count"], 1);
    assert_eq!(location, format!("/customers/{}", list.json["results"][0]["id"]));

    let r = app.send(form("name=&email=bad&next=%2Fcustomers%2F%7Bid%7D", "http://localhost/customers/new")).await;
    assert_eq!(r.status, StatusCode::FOUND);
    let location = r.headers.get(header::LOCATION).unwrap().to_str().unwrap().to_owned();
    assert!(location.starts_with("http://localhost/customers/new?") && location.contains("__err="), "{location}");
    // The page shows the error it was sent back with.
    let path = location.trim_start_matches("http://localhost");
    let r = app.send(common::page(path, Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("is required") && r.text.contains("is not a valid email address"), "{}", r.text);
});

/// The payloads of the `__RESOLVED_RESOURCES[n] = "..."` scripts of a page: data the server
/// would send along for a browser that hydrates the page.
fn resolved_resources(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("__RESOLVED_RESOURCES[") {
        rest = &rest[at..];
        let Some(start) = rest.find("] = \"") else { break };
        let body = &rest[start + 5..];
        let mut end = 0;
        let bytes = body.as_bytes();
        while end < bytes.len() && bytes[end] != b'"' {
            end += if bytes[end] == b'\\' { 2 } else { 1 };
        }
        out.push(&body[..end.min(body.len())]);
        rest = &body[end.min(body.len())..];
    }
    out
}

// Every page arrives whole (no "Loading…" placeholder left: the browser does not fill it in) and
// carries no data for hydration (only islands run in the browser, with their own props).
both!(every_page_renders_whole_and_ships_no_page_data, |app| async {
    let (cookie, token) = common::session(&app, "once@example.com", "Olive", "Once Inc").await;
    let customer = app.customer(&token, &[("name", "Single Load Ltd")]).await.to_string();
    let created = |r: common::Resp| {
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.json["id"].as_i64().unwrap()
    };
    let deal = created(
        app.post("/api/deals/create", Some(&token), &[("title", "Once deal"), ("customer_id", &customer)]).await,
    );
    let order = created(
        app.post("/api/orders/create", Some(&token), &[("title", "Once order"), ("customer_id", &customer)]).await,
    );
    let issue = created(app.post("/api/issues/create", Some(&token), &[("title", "Once issue")]).await);
    let lead =
        created(app.post("/api/leads/create", Some(&token), &[("first_name", "Lee"), ("last_name", "Once")]).await);
    let employee = app.get("/api/auth/me", Some(&token)).await.json["employee_id"].as_i64().unwrap();
    let activity = created(
        app.post(
            "/api/activities/create",
            Some(&token),
            &[("activity_type", "call"), ("title", "Once call"), ("customer_id", &customer)],
        )
        .await,
    );
    let pages = [
        "/".to_owned(),
        "/activities".into(),
        "/activities/new".into(),
        format!("/activities/{activity}"),
        "/customers".into(),
        format!("/customers/{customer}"),
        "/leads".into(),
        format!("/leads/{lead}"),
        "/deals".into(),
        "/deals/board".into(),
        format!("/deals/{deal}"),
        "/pipelines".into(),
        "/vendors".into(),
        "/orders".into(),
        "/orders/new".into(),
        format!("/orders/{order}"),
        "/payments".into(),
        "/issues".into(),
        format!("/issues/{issue}"),
        "/employees".into(),
        "/employees/new".into(),
        format!("/employees/{employee}"),
        "/profile".into(),
        "/organizations".into(),
        "/settings/roles".into(),
    ];
    for path in pages {
        let r = app.send(common::page(&path, Some(&cookie))).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(resolved_resources(&r.text), Vec::<&str>::new(), "{path}: data sent along for hydration");
        assert!(!r.text.contains("class=\"loading\""), "{path}: a loading placeholder was sent: {}", r.text);
        // Each element id once (a label must point at its own input).
        let mut ids = std::collections::HashSet::new();
        let dupes: Vec<&str> = r
            .text
            .split(" id=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .filter(|id| !ids.insert(*id))
            .collect();
        assert!(dupes.is_empty(), "{path}: element ids used twice: {dupes:?}");
        assert!(ids.contains("main"), "{path}: the ids were not read");
    }
});

both!(every_response_names_the_build_the_page_was_rendered_with, |app| async {
    // public/offline.js reloads a page whose <meta name="app-version"> differs from the header.
    let (cookie, token) = common::session(&app, "version@example.com", "Vera", "Versions Inc").await;
    let page = app.send(common::page("/customers", Some(&cookie))).await;
    let version = page.headers.get("x-app-version").expect("pages carry x-app-version").to_str().unwrap().to_owned();
    assert!(version.starts_with(env!("CARGO_PKG_VERSION")), "{version}");
    assert!(page.text.contains(&format!(r#"<meta name="app-version" content="{version}""#)), "{}", page.text);
    assert!(page.text.contains(r#"<script src="/offline.js" defer"#), "the page loads offline.js: {}", page.text);
    for r in [app.get("/api/customers/list", Some(&token)).await, app.get("/api/no/such", Some(&token)).await] {
        assert_eq!(r.headers.get("x-app-version").unwrap().to_str().unwrap(), version);
    }
});
