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
