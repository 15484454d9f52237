//! Sign-up, sign-in, sessions, tokens, organizations and the API contract, over HTTP.

use std::net::SocketAddr;

use crate::common;

use axum::extract::ConnectInfo;
use axum::http::{header, Method, StatusCode};
use serde_json::json;
use too_good_crm::server::auth::token;

/// A time long past, and one far ahead, as both backends store times.
const PAST: &str = "2000-01-01T00:00:00+00:00";
const FAR: &str = "2999-01-01T00:00:00+00:00";

/// A 429 says when to try again: in at least a second, at most `window_secs`.
fn assert_retry_after(r: &common::Resp, window_secs: u64) {
    let wait: u64 = r.headers.get(header::RETRY_AFTER).expect("Retry-After").to_str().unwrap().parse().unwrap();
    assert!((1..=window_secs).contains(&wait), "Retry-After {wait}");
}

both!(register_signs_in_with_an_http_only_cookie_and_a_token, |app| async {
    let r = app
        .post(
            "/api/auth/register",
            None,
            &[
                ("email", "Owner@Example.com"),
                ("password", "correct horse battery"),
                ("first_name", "Olive"),
                ("organization_name", "Acme"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["user"]["email"], "owner@example.com");
    let cookie = r.headers.get(header::SET_COOKIE).expect("cookie").to_str().unwrap();
    assert!(
        cookie.starts_with("tgc_session=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!r.text.contains("password_hash") && !r.text.contains("$argon2"));

    let token = r.json["token"].as_str().unwrap();
    let me = app.get("/api/auth/me", Some(token)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json["organization"]["name"], "Acme");
    assert_eq!(me.json["role"], "owner");
    assert!(me.json["permissions"].as_array().unwrap().iter().any(|p| p == "organization:delete"));

    // The same token works as a cookie.
    let cookie_value = cookie.split(';').next().unwrap();
    let mut req = common::request(Method::GET, "/api/auth/me", None, None);
    req.headers_mut().insert(header::COOKIE, cookie_value.parse().unwrap());
    assert_eq!(app.send(req).await.status, StatusCode::OK);
});

both!(registering_a_taken_email_is_a_field_error, |app| async {
    app.register("taken@example.com", "One").await;
    let r = app
        .post(
            "/api/auth/register",
            None,
            &[
                ("email", "TAKEN@example.com"),
                ("password", "correct horse battery"),
                ("first_name", "Again"),
                ("organization_name", "Two"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json["details"]["email"][0], "is already registered");
});

both!(sign_up_validation_names_every_bad_field, |app| async {
    let r = app.post("/api/auth/register", None, &[("email", "nope"), ("password", "short")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["email", "password", "first_name", "organization_name"] {
        assert!(r.json["details"][field].is_array(), "{field} missing in {}", r.text);
    }
});

both!(login_gives_a_new_session_each_time_and_logout_ends_it, |app| async {
    app.register("ann@example.com", "Ann Co").await;
    let app = &app;
    let login = |password: &'static str| async move {
        app.post("/api/auth/login", None, &[("email", "ANN@example.com"), ("password", password)]).await
    };
    let a = login("correct horse battery").await;
    let b = login("correct horse battery").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let (ta, tb) = (a.json["token"].as_str().unwrap(), b.json["token"].as_str().unwrap());
    assert_ne!(ta, tb, "sign-in must issue a new session id");
    assert_eq!(app.post("/api/auth/logout", Some(ta), &[]).await.status, StatusCode::OK);
    assert_eq!(app.get("/api/auth/me", Some(ta)).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/api/auth/me", Some(tb)).await.status, StatusCode::OK);

    let wrong = login("wrong password!").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.json["error"], "invalid email or password");
    let unknown = app.post("/api/auth/login", None, &[("email", "ghost@example.com"), ("password", "whatever1")]).await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.json["error"], wrong.json["error"], "no hint whether the account exists");
});

both!(ten_failed_logins_lock_the_account_for_a_while, |app| async {
    app.register("lock@example.com", "Lock Co").await;
    for _ in 0..10 {
        let r = app.post("/api/auth/login", None, &[("email", "lock@example.com"), ("password", "bad-password")]).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = app
        .post("/api/auth/login", None, &[("email", "lock@example.com"), ("password", "correct horse battery")])
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
    assert_eq!(r.json["code"], "rate_limited");
    assert_retry_after(&r, 15 * 60);
    // Another account is not affected.
    app.register("free@example.com", "Free Co").await;
    let r = app
        .post("/api/auth/login", None, &[("email", "free@example.com"), ("password", "correct horse battery")])
        .await;
    assert_eq!(r.status, StatusCode::OK);
});

both!(requests_without_credentials_get_401, |app| async {
    for path in ["/api/auth/me", "/api/customers/list", "/api/customers/stats", "/api/organizations/list"] {
        let r = app.get(path, None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{path}: {}", r.text);
        assert_eq!(r.json["code"], "unauthorized");
    }
    let r = app.get("/api/customers/list", Some("tgc_not-a-real-token")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = app.post("/api/customers/create", None, &[("name", "X")]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
});

both!(unknown_paths_are_404_and_wrong_methods_405, |app| async {
    let token = app.register("m@example.com", "M").await;
    let r = app.get("/api/customers/create?name=x", Some(&token)).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.headers.get(header::ALLOW).unwrap(), "POST");
    let r = app.post("/api/customers/list", Some(&token), &[]).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    let r = app.get("/api/nothing/here", Some(&token)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json["code"], "not_found");
    // Nothing was created by the GET.
    let list = app.get("/api/customers/list", Some(&token)).await;
    assert_eq!(list.json["count"], 0);
});

both!(change_password_requires_the_current_one_and_ends_other_sessions, |app| async {
    let first = app.register("pw@example.com", "PW").await;
    let second =
        app.post("/api/auth/login", None, &[("email", "pw@example.com"), ("password", "correct horse battery")]).await;
    let second = second.json["token"].as_str().unwrap().to_owned();
    let r = app
        .post(
            "/api/auth/change_password",
            Some(&first),
            &[("current_password", "nope-nope"), ("new_password", "new password 1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json["details"]["current_password"].is_array());
    let r = app
        .post(
            "/api/auth/change_password",
            Some(&first),
            &[("current_password", "correct horse battery"), ("new_password", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post(
            "/api/auth/change_password",
            Some(&first),
            &[("current_password", "correct horse battery"), ("new_password", "new password 1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(app.get("/api/auth/me", Some(&first)).await.status, StatusCode::OK);
    assert_eq!(app.get("/api/auth/me", Some(&second)).await.status, StatusCode::UNAUTHORIZED);
    // The session used stays, renewed: a full lifetime from now (and its cookie with it).
    let first_hash = token::hash(&first);
    app.exec(&format!("update auth_tokens set expires_at = '{FAR}' where token_hash = '{first_hash}'")).await;
    let mut req = common::request(
        Method::POST,
        "/api/auth/change_password",
        None,
        Some((
            "application/x-www-form-urlencoded",
            "current_password=new+password+1&new_password=new+password+1".into(),
        )),
    );
    req.headers_mut().insert(header::COOKIE, format!("tgc_session={first}").parse().unwrap());
    let r = app.send(req).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let cookie = r.headers.get(header::SET_COOKIE).expect("renewed cookie").to_str().unwrap();
    assert!(cookie.starts_with(&format!("tgc_session={first};")) && cookie.contains("Max-Age=2592000"), "{cookie}");
    let renewed =
        format!("select count(*) from auth_tokens where token_hash = '{first_hash}' and expires_at < '{FAR}'");
    assert_eq!(app.count(&renewed).await, 1, "the expiry moved to 30 days from now");
    let old =
        app.post("/api/auth/login", None, &[("email", "pw@example.com"), ("password", "correct horse battery")]).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let new = app.post("/api/auth/login", None, &[("email", "pw@example.com"), ("password", "new password 1")]).await;
    assert_eq!(new.status, StatusCode::OK);
});

both!(profiles_update_partially_and_validate, |app| async {
    let token = app.register("prof@example.com", "Prof").await;
    let r = app
        .post_json("/api/users/update_profile", Some(&token), json!({"phone": "+47 123", "time_zone": "Europe/Oslo"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["phone"], "+47 123");
    assert_eq!(r.json["first_name"], "Test");
    let r = app.post("/api/users/update_profile", Some(&token), &[("first_name", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json["details"]["first_name"].is_array());
});

both!(api_tokens_are_listed_usable_and_revocable, |app| async {
    let session = app.register("tok@example.com", "Tok").await;
    let r = app.post("/api/tokens/create", Some(&session), &[("name", "CI script"), ("expires_in_days", "30")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let secret = r.json["token"].as_str().unwrap().to_owned();
    let id = r.json["api_token"]["id"].as_i64().unwrap();
    assert_eq!(app.get("/api/customers/list", Some(&secret)).await.status, StatusCode::OK);
    let list = app.get("/api/tokens/list", Some(&session)).await;
    assert_eq!(list.json.as_array().unwrap().len(), 1);
    assert!(!list.text.contains(&secret), "the secret is never listed");
    // Another user cannot revoke it.
    let other = app.register("other@example.com", "Other").await;
    assert_eq!(
        app.post("/api/tokens/revoke", Some(&other), &[("id", &id.to_string())]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get("/api/customers/list", Some(&secret)).await.status, StatusCode::OK);
    assert_eq!(app.post("/api/tokens/revoke", Some(&session), &[("id", &id.to_string())]).await.status, StatusCode::OK);
    assert_eq!(app.get("/api/customers/list", Some(&secret)).await.status, StatusCode::UNAUTHORIZED);
});

both!(organizations_can_be_created_switched_and_shared, |app| async {
    let owner = app.register("boss@example.com", "First Org").await;
    let r = app.post("/api/organizations/create", Some(&owner), &[("name", "Second Org"), ("currency", "eur")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["currency"], "EUR");
    assert_eq!(r.json["slug"], "second-org");
    let second_id = r.json["id"].as_i64().unwrap();
    let mine = app.get("/api/organizations/mine", Some(&owner)).await;
    assert_eq!(mine.json["id"], second_id, "the new organization becomes current");
    let list = app.get("/api/organizations/list", Some(&owner)).await;
    assert_eq!(list.json.as_array().unwrap().len(), 2);

    // Data is per organization: a customer made in the second is not in the first.
    app.customer(&owner, &[("name", "Only in second")]).await;
    let first_id =
        list.json.as_array().unwrap().iter().find(|o| o["name"] == "First Org").unwrap()["id"].as_i64().unwrap();
    let r = app.post("/api/organizations/switch", Some(&owner), &[("organization_id", &first_id.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(app.get("/api/customers/list", Some(&owner)).await.json["count"], 0);

    // Switching to an organization one is not a member of is 404.
    let stranger = app.register("stranger@example.com", "Stranger Org").await;
    let r = app.post("/api/organizations/switch", Some(&stranger), &[("organization_id", &first_id.to_string())]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Members: add an existing user with a role; nobody becomes owner this way.
    let r = app
        .post("/api/organizations/add_member", Some(&owner), &[("email", "stranger@example.com"), ("role", "owner")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // An address without an account gets an invitation instead (see mail.rs for the rest).
    let r = app
        .post("/api/organizations/add_member", Some(&owner), &[("email", "nobody@example.com"), ("role", "manager")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let invitations = app.get("/api/invitations/list", Some(&owner)).await;
    assert_eq!(invitations.json[0]["email"], "nobody@example.com", "{}", invitations.text);
    assert_eq!(invitations.json[0]["role"], "manager");
    let r = app
        .post("/api/organizations/add_member", Some(&owner), &[("email", "stranger@example.com"), ("role", "manager")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let members = app.get("/api/organizations/members", Some(&owner)).await;
    assert!(members
        .json
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["email"] == "stranger@example.com" && m["role"] == "manager"));
    // The new member has an employee record there (to be assigned records).
    let employees = app.get("/api/employees/choices", Some(&owner)).await;
    assert_eq!(employees.json.as_array().unwrap().len(), 2, "{}", employees.text);

    // A manager may not manage roles.
    let r = app.post("/api/organizations/switch", Some(&stranger), &[("organization_id", &first_id.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app
        .post("/api/organizations/add_member", Some(&stranger), &[("email", "boss@example.com"), ("role", "sales_rep")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app.post("/api/organizations/update", Some(&stranger), &[("name", "Hijacked")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app.post("/api/organizations/update", Some(&owner), &[("website", "first.example")]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json["website"], "https://first.example");
    assert_eq!(r.json["name"], "First Org");
});

both!(cross_site_cookie_posts_are_refused, |app| async {
    let r = app
        .post(
            "/api/auth/register",
            None,
            &[
                ("email", "csrf@example.com"),
                ("password", "correct horse battery"),
                ("first_name", "C"),
                ("organization_name", "C"),
            ],
        )
        .await;
    let cookie = r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().split(';').next().unwrap().to_owned();
    let token = r.json["token"].as_str().unwrap().to_owned();
    let post = |extra: (&'static str, &'static str)| {
        let mut req = common::request(
            Method::POST,
            "/api/customers/create",
            None,
            Some(("application/x-www-form-urlencoded", "name=Evil".into())),
        );
        req.headers_mut().insert(header::COOKIE, cookie.parse().unwrap());
        req.headers_mut().insert(extra.0, extra.1.parse().unwrap());
        app.send(req)
    };
    assert_eq!(post(("sec-fetch-site", "cross-site")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(post(("sec-fetch-site", "same-site")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(post(("origin", "https://evil.example")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/customers/list", Some(&token)).await.json["count"], 0, "nothing was created");
    // Same-origin cookie posts and bearer posts from anywhere work.
    assert_eq!(post(("origin", "http://localhost")).await.status, StatusCode::OK);
    assert_eq!(post(("sec-fetch-site", "same-origin")).await.status, StatusCode::OK);
    // Behind a proxy that rewrites Host, the forwarded host counts as ours.
    let mut req = common::request(
        Method::POST,
        "/api/customers/create",
        None,
        Some(("application/x-www-form-urlencoded", "name=Proxied".into())),
    );
    req.headers_mut().insert(header::COOKIE, cookie.parse().unwrap());
    req.headers_mut().insert(header::ORIGIN, "https://crm.example".parse().unwrap());
    req.headers_mut().insert("x-forwarded-host", "crm.example".parse().unwrap());
    assert_eq!(app.send(req).await.status, StatusCode::OK);
    let mut req = common::request(
        Method::POST,
        "/api/customers/create",
        Some(&token),
        Some(("application/x-www-form-urlencoded", "name=Ok".into())),
    );
    req.headers_mut().insert("sec-fetch-site", "cross-site".parse().unwrap());
    assert_eq!(app.send(req).await.status, StatusCode::OK);
});

both!(malformed_requests_are_400_not_500, |app| async {
    let token = app.register("bad@example.com", "Bad").await;
    let mut req = common::request(
        Method::POST,
        "/api/customers/create",
        Some(&token),
        Some(("application/json", "{not json".into())),
    );
    req.headers_mut().insert(header::ACCEPT, "application/json".parse().unwrap());
    let r = app.send(req).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    let r = app
        .send(common::request(
            Method::POST,
            "/api/customers/create",
            Some(&token),
            Some(("application/json", "[1,2]".into())),
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app.get("/api/customers/get?id=abc", Some(&token)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    let r = app.get("/api/customers/get", Some(&token)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app.get("/api/customers/get?id=99999999999999999999999", Some(&token)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let huge = "x".repeat(2 * 1024 * 1024);
    let r = app.post("/api/customers/create", Some(&token), &[("name", &huge)]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json["code"], "payload_too_large");
    // NUL characters (PostgreSQL text cannot hold them; SQLite's full-text search stopped at
    // them with a 500): refused by field, in a search too.
    let r = app.get("/api/customers/list?search=ab%00cd", Some(&token)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json["details"]["search"][0], "must not contain NUL characters");
    let r = app.post("/api/customers/create", Some(&token), &[("name", "A\0B")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = app.post("/api/auth/login", None, &[("email", "bad\0@example.com"), ("password", "whatever1")]).await;
    assert!(r.status.is_client_error(), "{} {}", r.status, r.text);
    let long = "x".repeat(100_000);
    let r = app.post("/api/customers/create", Some(&token), &[("name", &long)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.text.to_lowercase().contains("sqlx") && !r.text.contains("panicked"));
});

both!(sign_out_everywhere_ends_every_session_but_not_api_tokens, |app| async {
    let first = app.register("all@example.com", "All").await;
    let login =
        app.post("/api/auth/login", None, &[("email", "all@example.com"), ("password", "correct horse battery")]);
    let second = login.await.json["token"].as_str().unwrap().to_owned();
    let api = app.post("/api/tokens/create", Some(&first), &[("name", "script")]).await;
    let api = api.json["token"].as_str().unwrap().to_owned();
    let other = app.register("bystander@example.com", "Other").await;

    let r = app.post("/api/auth/logout_all", Some(&second), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["ended"], 2);
    let cookie = r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(cookie.starts_with("tgc_session=;") && cookie.contains("Max-Age=0"), "{cookie}");
    for ended in [&first, &second] {
        assert_eq!(app.get("/api/auth/me", Some(ended)).await.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(app.get("/api/auth/me", Some(&api)).await.status, StatusCode::OK, "API tokens stay");
    assert_eq!(app.get("/api/auth/me", Some(&other)).await.status, StatusCode::OK, "other users stay");
    // A browser form lands on the sign-in page.
    let login =
        app.post("/api/auth/login", None, &[("email", "all@example.com"), ("password", "correct horse battery")]);
    let cookie = format!("tgc_session={}", login.await.json["token"].as_str().unwrap());
    let r = app.send(common::form_post("/api/auth/logout_all", &[("next", "/login")], &cookie, "/profile")).await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.text);
    assert_eq!(r.headers.get(header::LOCATION).unwrap(), "/login");
});

both!(expired_and_idle_sessions_are_refused, |app| async {
    let expired = app.register("idle@example.com", "Idle").await;
    let app = &app;
    let sign_in = || async move {
        let r =
            app.post("/api/auth/login", None, &[("email", "idle@example.com"), ("password", "correct horse battery")]);
        r.await.json["token"].as_str().unwrap().to_owned()
    };
    let (idle, fresh) = (sign_in().await, sign_in().await);
    let api = app.post("/api/tokens/create", Some(&fresh), &[("name", "cron")]).await;
    let api = api.json["token"].as_str().unwrap().to_owned();
    let set = |raw: &str, assignments: &str| {
        format!("update auth_tokens set {assignments} where token_hash = '{}'", token::hash(raw))
    };
    app.exec(&set(&expired, &format!("expires_at = '{PAST}'"))).await;
    // Unused for over a week: over, though its expiry is far ahead.
    app.exec(&set(&idle, &format!("expires_at = '{FAR}', last_used_at = '{PAST}'"))).await;
    // An API token has no idle limit.
    app.exec(&set(&api, &format!("last_used_at = '{PAST}'"))).await;
    assert_eq!(app.get("/api/auth/me", Some(&expired)).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/api/auth/me", Some(&idle)).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/api/auth/me", Some(&fresh)).await.status, StatusCode::OK);
    assert_eq!(app.get("/api/auth/me", Some(&api)).await.status, StatusCode::OK);
    // A page with an ended session's cookie sends the browser to the sign-in page.
    let r = app.send(common::page("/customers", Some(&format!("tgc_session={idle}")))).await;
    assert!(r.status.is_redirection(), "{}", r.status);
});

/// A request as if it came over a connection from `address`.
fn from(address: [u8; 4], mut req: axum::http::Request<axum::body::Body>) -> axum::http::Request<axum::body::Body> {
    req.extensions_mut().insert(ConnectInfo(SocketAddr::from((address, 40000))));
    req
}

fn form(uri: &str, body: &str) -> axum::http::Request<axum::body::Body> {
    common::request(Method::POST, uri, None, Some(("application/x-www-form-urlencoded", body.to_owned())))
}

both!(registrations_and_failed_sign_ins_are_limited_per_client_address, |app| async {
    // Every registration attempt counts, a refused one too (it may be probing for emails).
    for _ in 0..20 {
        let r = app.send(from([203, 0, 113, 1], form("/api/auth/register", "email=nope"))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    }
    let r = app.send(from([203, 0, 113, 1], form("/api/auth/register", "email=nope"))).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
    assert_eq!(r.json["code"], "rate_limited");
    assert_retry_after(&r, 10 * 60);
    let r = app.send(from([203, 0, 113, 2], form("/api/auth/register", "email=nope"))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "another address is not affected");

    // Failed sign-ins from one address, each for another account (under the account limit).
    app.register("target@example.com", "Target").await;
    for i in 0..30 {
        let r = app.send(from(
            [198, 51, 100, 1],
            form("/api/auth/login", &format!("email=u{i}%40x.example&password=guess1234")),
        ));
        assert_eq!(r.await.status, StatusCode::UNAUTHORIZED);
    }
    let right = "email=target%40example.com&password=correct+horse+battery";
    let r = app.send(from([198, 51, 100, 1], form("/api/auth/login", right))).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
    assert_retry_after(&r, 15 * 60);
    let r = app.send(from([198, 51, 100, 2], form("/api/auth/login", right))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
});

both!(every_response_carries_the_security_headers_and_pages_a_fresh_csp_nonce, |app| async {
    let nonce_of = |r: &common::Resp| {
        let csp = r.headers.get(header::CONTENT_SECURITY_POLICY).expect("CSP").to_str().unwrap().to_owned();
        for directive in ["default-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'self'"] {
            assert!(csp.contains(directive), "{directive} missing in {csp}");
        }
        assert!(!csp.contains("script-src 'self' 'unsafe-inline'") && !csp.contains("'unsafe-eval'"), "{csp}");
        let start = csp.find("'nonce-").expect("a nonce") + "'nonce-".len();
        csp[start..start + csp[start..].find('\'').unwrap()].to_owned()
    };
    let page = app.send(common::page("/login", None)).await;
    assert_eq!(page.status, StatusCode::OK);
    let nonce = nonce_of(&page);
    assert!(nonce.len() >= 22, "{nonce}");
    // Every script of the page carries it.
    let scripts: Vec<&str> = page.text.split("<script").skip(1).map(|s| &s[..s.find('>').unwrap()]).collect();
    assert!(!scripts.is_empty());
    for tag in scripts {
        assert!(tag.contains(&format!("nonce=\"{nonce}\"")), "<script{tag}> has no nonce");
    }
    let again = app.send(common::page("/login", None)).await;
    assert_ne!(nonce_of(&again), nonce, "a new nonce per response");
    // Pages that are not found, and the API, carry the headers too; HSTS only when configured.
    for r in [app.send(common::page("/no/such/page", None)).await, app.get("/api/auth/me", None).await] {
        nonce_of(&r);
        assert_eq!(r.headers.get("x-content-type-options").unwrap(), "nosniff");
        assert_eq!(r.headers.get("referrer-policy").unwrap(), "strict-origin-when-cross-origin");
        assert!(r.headers.get(header::STRICT_TRANSPORT_SECURITY).is_none());
    }
});
