//! Test support: a fresh database per test on SQLite (always) and PostgreSQL (when
//! `TEST_POSTGRES_URL` is set), and the real router driven in-process.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::Value;
use too_good_crm::server::config::Config;
use too_good_crm::server::db::Db;
use too_good_crm::server::http::router;
use too_good_crm::server::state::AppState;
use tower::ServiceExt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A migrated, empty database of its own, and the app on top of it.
pub struct TestApp {
    pub db: Db,
    /// The database's URL (to open another pool on it, as a second server would).
    pub url: String,
    pub router: Router,
    cleanup: Option<(String, String)>,
    _dir: Option<TempDir>,
}

/// A temporary folder removed on drop.
pub struct TempDir(pub std::path::PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique(prefix: &str) -> String {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("{prefix}_{}_{}_{nanos}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// The PostgreSQL server URL for tests, if configured.
pub fn postgres_url() -> Option<String> {
    std::env::var("TEST_POSTGRES_URL").ok().filter(|u| !u.is_empty())
}

impl TestApp {
    /// `None` when the backend is not available (PostgreSQL without `TEST_POSTGRES_URL`).
    pub async fn new(backend: Backend) -> Option<TestApp> {
        let (url, cleanup, dir) = match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(unique("tgc"));
                std::fs::create_dir_all(&dir).expect("temp dir");
                (format!("sqlite://{}?mode=rwc", dir.join("test.db").display()), None, Some(TempDir(dir)))
            }
            Backend::Postgres => {
                let admin_url = postgres_url()?;
                let name = unique("tgc_test");
                let admin = Db::connect(&admin_url).await.expect("connect to TEST_POSTGRES_URL");
                let Db::Postgres(pool) = &admin else { panic!("TEST_POSTGRES_URL is not PostgreSQL") };
                sqlx::query(&format!("create database {name}")).execute(pool).await.expect("create test database");
                admin.close().await;
                let (base, _) = admin_url.rsplit_once('/').expect("database url with a path");
                (format!("{base}/{name}"), Some((admin_url.clone(), name)), None)
            }
        };
        let db = Db::connect(&url).await.expect("connect");
        db.migrate().await.expect("migrate");
        let config = Config::new(url.clone());
        let mut leptos_options =
            leptos::config::get_configuration(Some("Cargo.toml")).expect("leptos config").leptos_options;
        // No assets are built for these tests, so there is no hash file (Cargo.toml: hash-files).
        leptos_options.hash_files = false;
        let state = AppState { db: db.clone(), config: Arc::new(config), leptos_options };
        Some(TestApp { router: router(state), db, url, cleanup, _dir: dir })
    }

    /// Closes the pool and drops the PostgreSQL database.
    pub async fn finish(self) {
        self.db.close().await;
        if let Some((admin_url, name)) = self.cleanup {
            if let Ok(Db::Postgres(pool)) = Db::connect(&admin_url).await {
                let _ = sqlx::query(&format!("drop database if exists {name} with (force)")).execute(&pool).await;
                pool.close().await;
            }
        }
    }

    /// Runs one SQL statement behind the API's back (to set up a state the API cannot reach).
    pub async fn exec(&self, sql: &str) {
        match &self.db {
            Db::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(drop),
            Db::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(drop),
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// Runs a `select count(*) ...` behind the API's back.
    pub async fn count(&self, sql: &str) -> i64 {
        match &self.db {
            Db::Sqlite(pool) => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await,
            Db::Postgres(pool) => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await,
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// Runs a query for one text value behind the API's back.
    pub async fn text(&self, sql: &str) -> String {
        match &self.db {
            Db::Sqlite(pool) => sqlx::query_scalar::<_, String>(sql).fetch_one(pool).await,
            Db::Postgres(pool) => sqlx::query_scalar::<_, String>(sql).fetch_one(pool).await,
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// Every row of every table as text, to prove that a refused request changed nothing.
    /// Leaves out what reading alone changes (a token's last use, login attempts).
    pub async fn snapshot(&self) -> String {
        use sqlx::{Column, Row, ValueRef};
        const SKIP: &[&str] = &["auth_attempts", "_sqlx_migrations"];
        let columns = |table: &str| {
            if table == "auth_tokens" {
                "id, user_id, organization_id, kind, name, token_hash, expires_at"
            } else {
                "*"
            }
        };
        let mut out = String::new();
        match &self.db {
            Db::Sqlite(pool) => {
                let sql =
                    "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name";
                let tables: Vec<String> = sqlx::query_scalar(sql).fetch_all(pool).await.expect("tables");
                for table in tables.iter().filter(|t| !SKIP.contains(&t.as_str())) {
                    let rows = sqlx::query(&format!("select {} from {table} order by 1", columns(table)))
                        .fetch_all(pool)
                        .await
                        .expect("rows");
                    out.push_str(&format!("\n# {table}\n"));
                    for row in rows {
                        for (i, column) in row.columns().iter().enumerate() {
                            let raw = row.try_get_raw(i).expect("value");
                            let value = if raw.is_null() {
                                "null".to_owned()
                            } else if let Ok(v) = row.try_get::<i64, _>(i) {
                                v.to_string()
                            } else if let Ok(v) = row.try_get::<f64, _>(i) {
                                v.to_string()
                            } else if let Ok(v) = row.try_get::<String, _>(i) {
                                v
                            } else {
                                format!("{:?}", row.try_get::<Vec<u8>, _>(i).unwrap_or_default())
                            };
                            out.push_str(&format!("{}={value};", column.name()));
                        }
                        out.push('\n');
                    }
                }
            }
            Db::Postgres(pool) => {
                let sql = "select tablename::text from pg_tables where schemaname = 'public' order by 1";
                let tables: Vec<String> = sqlx::query_scalar(sql).fetch_all(pool).await.expect("tables");
                for table in tables.iter().filter(|t| !SKIP.contains(&t.as_str())) {
                    let sql = format!(
                        "select coalesce(string_agg(x::text, E'\\n' order by x::text), '') from (select {} from {table}) x",
                        columns(table)
                    );
                    let rows: String = sqlx::query_scalar(&sql).fetch_one(pool).await.expect("rows");
                    out.push_str(&format!("\n# {table}\n{rows}"));
                }
            }
        }
        out
    }

    /// Sends a request through the real router; a request without an answer within 60 s
    /// fails the test (instead of hanging the whole run).
    pub async fn send(&self, req: Request<Body>) -> Resp {
        let what = format!("{} {}", req.method(), req.uri());
        tokio::time::timeout(std::time::Duration::from_secs(60), self.respond(req))
            .await
            .unwrap_or_else(|_| panic!("{what}: no answer within 60 s"))
    }

    async fn respond(&self, req: Request<Body>) -> Resp {
        respond(self.router.clone(), req).await
    }

    /// Like [`send`](Self::send), but a panic while serving comes back as `Err` with its
    /// message instead of failing the test there (to report every panicking request at once).
    pub async fn send_catching(&self, req: Request<Body>) -> Result<Resp, String> {
        let what: String = format!("{} {}", req.method(), req.uri()).chars().take(200).collect();
        let task = tokio::spawn(respond(self.router.clone(), req));
        match tokio::time::timeout(std::time::Duration::from_secs(60), task).await {
            Ok(Ok(resp)) => Ok(resp),
            Ok(Err(err)) => {
                let panic = err.try_into_panic().map_or_else(
                    |e| e.to_string(),
                    |p| {
                        p.downcast_ref::<&str>()
                            .map(|s| (*s).to_owned())
                            .or_else(|| p.downcast_ref::<String>().cloned())
                            .unwrap_or_default()
                    },
                );
                Err(format!("panicked: {panic}"))
            }
            Err(_) => panic!("{what}: no answer within 60 s"),
        }
    }

    pub async fn get(&self, uri: &str, token: Option<&str>) -> Resp {
        self.send(request(Method::GET, uri, token, None)).await
    }

    /// POST with a form-encoded body.
    pub async fn post(&self, uri: &str, token: Option<&str>, form: &[(&str, &str)]) -> Resp {
        let body = serde_urlencoded::to_string(form).expect("form");
        self.send(request(Method::POST, uri, token, Some(("application/x-www-form-urlencoded", body)))).await
    }

    /// POST with a JSON body.
    pub async fn post_json(&self, uri: &str, token: Option<&str>, body: Value) -> Resp {
        self.send(request(Method::POST, uri, token, Some(("application/json", body.to_string())))).await
    }

    /// Registers a user with their own organization; returns the bearer token.
    pub async fn register(&self, email: &str, org: &str) -> String {
        let r = self
            .post(
                "/api/auth/register",
                None,
                &[
                    ("email", email),
                    ("password", "correct horse battery"),
                    ("first_name", "Test"),
                    ("last_name", "User"),
                    ("organization_name", org),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "register {email}: {}", r.text);
        r.json["token"].as_str().expect("token").to_owned()
    }

    /// Creates a customer and returns its id.
    pub async fn customer(&self, token: &str, fields: &[(&str, &str)]) -> i64 {
        let r = self.post("/api/customers/create", Some(token), fields).await;
        assert_eq!(r.status, StatusCode::OK, "create customer: {}", r.text);
        r.json["id"].as_i64().expect("id")
    }

    /// The token of the newest link with `path?token=` (`/reset-password`, `/invite`) mailed
    /// to `email`, read from the queued mail as its reader would.
    pub async fn mailed_token(&self, email: &str, path: &str) -> String {
        let sql = format!(
            "select payload from jobs where kind = 'mail' and payload like '%\"to\":\"{email}\"%' order by id desc limit 1"
        );
        let mail: too_good_crm::domain::mail::Mail = serde_json::from_str(&self.text(&sql).await).expect("a mail");
        let marker = format!("{path}?token=");
        let at = mail.text.find(&marker).unwrap_or_else(|| panic!("no {path} link in {}", mail.text)) + marker.len();
        mail.text[at..].split_whitespace().next().expect("a token").to_owned()
    }

    /// Invites `email` to the portal as a contact of `customer` (staff's `owner` token), and
    /// accepts the mailed invitation with `first_name` and `password` as the contact would.
    pub async fn portal_contact(&self, owner: &str, customer: &str, email: &str, first_name: &str, password: &str) {
        let r = self.post("/api/portal/invite", Some(owner), &[("customer_id", customer), ("email", email)]).await;
        assert_eq!(r.status, StatusCode::OK, "portal invite: {}", r.text);
        let token = self.mailed_token(email, "/invite").await;
        let form = [("token", token.as_str()), ("first_name", first_name), ("password", password)];
        let r = self.post("/api/invitations/accept", None, &form).await;
        assert_eq!(r.status, StatusCode::OK, "accept the portal invitation: {}", r.text);
    }

    /// Adds a new user to the organization of `owner` with `role`; returns the user's token
    /// (signed in to that organization).
    pub async fn member(&self, owner: &str, email: &str, role: &str) -> String {
        let own_token = self.register(email, &format!("{email} own org")).await;
        let r = self.post("/api/organizations/add_member", Some(owner), &[("email", email), ("role", role)]).await;
        assert_eq!(r.status, StatusCode::OK, "add member: {}", r.text);
        let orgs = self.get("/api/organizations/list", Some(owner)).await;
        let org_id = orgs.json.as_array().expect("orgs").iter().find(|o| o["is_current"] == true).expect("current")
            ["id"]
            .as_i64()
            .expect("id");
        let r =
            self.post("/api/organizations/switch", Some(&own_token), &[("organization_id", &org_id.to_string())]).await;
        assert_eq!(r.status, StatusCode::OK, "switch: {}", r.text);
        own_token
    }
}

async fn respond(router: Router, req: Request<Body>) -> Resp {
    let (method, path) = (req.method().clone(), req.uri().path().to_owned());
    let res = router.oneshot(req).await.expect("router never fails");
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let is_json = headers.get(header::CONTENT_TYPE).is_some_and(|ct| ct.as_bytes().starts_with(b"application/json"));
    if is_json {
        check_documented(&method, &path, status, &json);
    }
    Resp { status, headers, json, text }
}

/// Every JSON answer of the API must be what the OpenAPI document says for its operation and
/// status (`/api/openapi.json`): a test that gets an answer the document does not describe fails.
fn check_documented(method: &Method, path: &str, status: StatusCode, json: &Value) {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    use too_good_crm::api::openapi;
    /// The documented answer's validator per (path, status); `None`: nothing documented.
    type Checks = HashMap<(String, u16), Option<Arc<jsonschema::Validator>>>;
    static CHECKS: OnceLock<Mutex<Checks>> = OnceLock::new();
    let doc = openapi::document();
    let op = &doc["paths"][path][method.as_str().to_ascii_lowercase()];
    if op.is_null() {
        return; // not an API operation (pages, /api/openapi.json itself)
    }
    let key = (path.to_owned(), status.as_u16());
    let validator = CHECKS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(key)
        .or_insert_with(|| {
            let answer = match &op["responses"][status.as_str()] {
                Value::Null => return None,
                documented => match documented["$ref"].as_str() {
                    Some(r) => &doc["components"]["responses"][r.trim_start_matches("#/components/responses/")],
                    None => documented,
                },
            };
            let schema = answer["content"]["application/json"].get("schema")?;
            Some(Arc::new(jsonschema::validator_for(&openapi::standalone(schema)).expect("a valid documented schema")))
        })
        .clone();
    let Some(validator) = validator else {
        assert!(status.as_u16() >= 405, "{method} {path}: the document has no JSON answer for {status}: {json}");
        return;
    };
    let problems: Vec<String> =
        validator.iter_errors(json).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(
        problems.is_empty(),
        "{method} {path} answered {status} with what the document does not describe: {problems:?}\n{json}"
    );
}

pub fn request(method: Method, uri: &str, token: Option<&str>, body: Option<(&str, String)>) -> Request<Body> {
    let mut b = Request::builder().method(method).uri(uri).header(header::HOST, "localhost");
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    match body {
        Some((ct, body)) => b
            .header(header::CONTENT_TYPE, ct)
            .header(header::CONTENT_LENGTH, body.len())
            .body(Body::from(body))
            .expect("request"),
        None => b.body(Body::empty()).expect("request"),
    }
}

/// A response, its body parsed as JSON when it is JSON.
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub json: Value,
    pub text: String,
}

/// Runs an async test body once per backend: `both!(name, |app| async move { ... });`
#[macro_export]
macro_rules! both {
    ($name:ident, |$app:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)] // a test may use nothing of its module
            use super::*;

            async fn run(backend: $crate::common::Backend) {
                let Some($app) = $crate::common::TestApp::new(backend).await else {
                    eprintln!("skipped on {backend:?}: TEST_POSTGRES_URL is not set");
                    return;
                };
                $body.await;
                $app.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run($crate::common::Backend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                run($crate::common::Backend::Postgres).await;
            }
        }
    };
}

/// A page request as a browser sends it, with the session cookie if given.
pub fn page(uri: &str, cookie: Option<&str>) -> Request<Body> {
    let mut req = request(Method::GET, uri, None, None);
    req.headers_mut().insert(header::ACCEPT, "text/html".parse().unwrap());
    if let Some(c) = cookie {
        req.headers_mut().insert(header::COOKIE, c.parse().unwrap());
    }
    req
}

/// A form post from a page of ours, as a browser sends it (cookie, Origin, Referer).
pub fn form_post(uri: &str, body: &[(&str, &str)], cookie: &str, referer: &str) -> Request<Body> {
    let body = serde_urlencoded::to_string(body).unwrap();
    let mut req = request(Method::POST, uri, None, Some(("application/x-www-form-urlencoded", body)));
    let h = req.headers_mut();
    h.insert(header::ACCEPT, "text/html,application/xhtml+xml".parse().unwrap());
    h.insert(header::COOKIE, cookie.parse().unwrap());
    h.insert(header::REFERER, format!("http://localhost{referer}").parse().unwrap());
    h.insert(header::ORIGIN, "http://localhost".parse().unwrap());
    req
}

/// Signs up (a user and an organization); returns the session cookie and the bearer token.
pub async fn session(app: &TestApp, email: &str, first_name: &str, organization: &str) -> (String, String) {
    let r = app
        .post(
            "/api/auth/register",
            None,
            &[
                ("email", email),
                ("password", "correct horse battery"),
                ("first_name", first_name),
                ("organization_name", organization),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let cookie = r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().split(';').next().unwrap().to_owned();
    (cookie, r.json["token"].as_str().unwrap().to_owned())
}
