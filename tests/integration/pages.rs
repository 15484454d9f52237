//! Server-rendered pages and plain HTML form posts (no JavaScript).

use crate::common;

use axum::http::{header, Method, StatusCode};

fn page(uri: &str, cookie: Option<&str>) -> axum::http::Request<axum::body::Body> {
    let mut req = common::request(Method::GET, uri, None, None);
    req.headers_mut().insert(header::ACCEPT, "text/html".parse().unwrap());
    if let Some(c) = cookie {
        req.headers_mut().insert(header::COOKIE, c.parse().unwrap());
    }
    req
}

async fn session(app: &common::TestApp) -> (String, String) {
    let r = app
        .post(
            "/api/auth/register",
            None,
            &[
                ("email", "pages@example.com"),
                ("password", "correct horse battery"),
                ("first_name", "Paige"),
                ("organization_name", "Pages Inc"),
            ],
        )
        .await;
    let cookie = r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().split(';').next().unwrap().to_owned();
    (cookie, r.json["token"].as_str().unwrap().to_owned())
}

both!(signed_out_visitors_are_redirected_to_sign_in, |app| async {
    for path in ["/", "/customers", "/customers/1"] {
        let r = app.send(page(path, None)).await;
        assert!(r.status.is_redirection(), "{path}: {}", r.status);
        assert_eq!(r.headers.get(header::LOCATION).unwrap(), "/login");
    }
    let r = app.send(page("/login", None)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("<form") && r.text.contains("action=\"/api/auth/login\""), "{}", r.text);
    assert!(r.text.contains("name=\"email\"") && r.text.contains("name=\"password\""));
    let r = app.send(page("/no/such/page", None)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
});

both!(pages_render_completely_on_the_server, |app| async {
    let (cookie, token) = session(&app).await;
    let id = app.customer(&token, &[("name", "Rendered <b>Client</b>"), ("company_name", "SSR Ltd")]).await;
    let r = app.send(page("/", Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.text.contains("Welcome back, Paige") && r.text.contains("Customers by status") && r.text.contains("<svg")
    );
    let r = app.send(page("/customers", Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("SSR Ltd"), "list rendered: {}", r.text);
    assert!(r.text.contains("Rendered &lt;b&gt;Client&lt;/b&gt;"), "HTML is escaped");
    let r = app.send(page(&format!("/customers/{id}"), Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("SSR Ltd") && r.text.contains("Add a note"));
    let r = app.send(page("/customers?search=nothing-matches", Some(&cookie))).await;
    assert!(r.text.contains("No customers match"));
});

both!(html_form_posts_redirect_with_the_result_or_the_error, |app| async {
    let (cookie, token) = session(&app).await;
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
    let r = app.send(page(path, Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("is required") && r.text.contains("is not a valid email address"), "{}", r.text);
});
