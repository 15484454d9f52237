//! Hostile input (SPEC §6: never a 500 for bad input, never SQL or a stack trace in a body).
//!
//! Every registered endpoint is called as the owner with a seeded stream of what a broken or
//! hostile client sends: wrong types, empty and huge strings, odd Unicode (RTL marks, emoji,
//! NUL, combining characters), extreme and non-numbers, malformed dates, SQL and HTML
//! metacharacters, missing and repeated fields, malformed JSON, wrong content types, bodies
//! over the limit. Most requests keep some fields valid (record ids of real fixtures, the role
//! matrix's example values), so that a hostile value gets past the first check and reaches the
//! queries. Every answer must be below 500, a 4xx must carry the JSON `error`, no body may show
//! database or panic text, and the server must still answer afterwards.
//!
//! The stream is fixed (a failure reproduces); `FUZZ_SEED=<n>` explores another one.

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::{json, Value};

use crate::common::{self, TestApp};
use crate::roles_matrix;

const REQUESTS_PER_ENDPOINT: usize = 30;
const DEFAULT_SEED: u64 = 0x7e57_f00d;
const PASSWORD: &str = "correct horse battery";

/// SplitMix64: small, seeded, and plenty for picking test values.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Values that trip parsers, validators, queries and pages.
const NASTY: &[&str] = &[
    "",
    " ",
    "\t\r\n",
    "0",
    "-1",
    "1.5",
    "1,5",
    "-0",
    "0x1F",
    "1e3",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "99999999999999999999999999999999",
    "79228162514264337593543950335",
    "1e308",
    "1e309",
    "-1e309",
    "NaN",
    "inf",
    "-inf",
    "true",
    "null",
    "[]",
    "{}",
    "[{}]",
    r#"[{"item_name":"X","quantity":"99999999999","unit_price":"99999999999"}]"#,
    r#"[{"item_name":"X","quantity":"-1","unit_price":"NaN"}]"#,
    r#"[{"item_name":"","quantity":"0.0000001","unit_price":"1e5"}]"#,
    "2024-13-45",
    "0000-00-00",
    "2024-02-30",
    "+262143-12-31",
    "99999-01-01",
    "-0001-01-01",
    "2024-01-01T25:61:61Z",
    "1970-01-01T00:00:00+99:00",
    "9999-12-31T23:59:59Z",
    "2024-01-01T00:00:00.999999999999Z",
    "' OR 1=1 --",
    "\"; DROP TABLE users; --",
    "1; DELETE FROM customers",
    "%' OR '%'='",
    "\\",
    "%",
    "_",
    "'",
    "\"",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "{{7*7}}",
    "${7*7}",
    "\u{202e}gnp.exe",
    "👩‍👩‍👧‍👦🔥",
    "\0",
    "a\0b",
    "e\u{301}\u{301}\u{301}\u{301}",
    "\u{feff}",
    "\u{200b}",
    "\u{fffd}",
    "../../etc/passwd",
    "#ff00zz",
    "customers:view",
    "*:*",
    "owner",
    "admin",
    "-created_at",
    "name; drop",
    "%00",
    "https://",
    "http://exa mple.com",
    "a@b",
    "@",
    "x@y.z",
    "-",
    ",,,",
    "1,2,3",
    ",1",
    "Europe/Nowhere",
];

/// Field names sent besides an endpoint's own (from the domain inputs and list queries).
const FIELDS: &[&str] = &[
    "id",
    "name",
    "email",
    "title",
    "first_name",
    "last_name",
    "phone",
    "status",
    "search",
    "ordering",
    "page",
    "page_size",
    "assigned_to",
    "customer_id",
    "lead_id",
    "deal_id",
    "vendor_id",
    "order_id",
    "pipeline_id",
    "stage_id",
    "role_id",
    "user_id",
    "amount",
    "value",
    "score",
    "rating",
    "probability",
    "credit_limit",
    "salary",
    "items",
    "items[0][quantity]",
    "items[0][unit_price]",
    "items[x][y][z]",
    "tags",
    "notes",
    "description",
    "website",
    "currency",
    "time_zone",
    "color",
    "kind",
    "permissions",
    "stage_ids",
    "stages",
    "version",
    "days",
    "from",
    "to",
    "date_from",
    "due_date",
    "order_date",
    "scheduled_at",
    "expected_close_date",
    "hire_date",
    "activity_type",
    "customer_type",
    "payment_method",
    "priority",
    "category",
    "source",
    "is_active",
    "is_pinned",
    "create_deal",
    "next",
    "reason",
    "body",
    "expires_in_days",
    "duration_minutes",
    "value_min",
    "score_max",
    "close_from",
    "overdue",
    "manager_id",
    "recipients",
];

/// Text in a body that would show internals.
const LEAKS: &[&str] = &[
    "sqlx",
    "SQLSTATE",
    "syntax error",
    "no such column",
    "no such table",
    "violates",
    "duplicate key",
    "relation \"",
    "panicked",
    "backtrace",
    ".rs:",
];

fn random_text(rng: &mut Rng) -> String {
    const POOL: &[char] = &[
        'a',
        'Z',
        '0',
        ' ',
        '\'',
        '"',
        '<',
        '>',
        '&',
        '%',
        ';',
        '=',
        '[',
        ']',
        '{',
        '}',
        '\\',
        '/',
        '\0',
        '\u{7}',
        '\u{1b}',
        '\u{7f}',
        'é',
        'ß',
        'ж',
        'ع',
        '中',
        '\u{202e}',
        '\u{301}',
        '😀',
        '\u{10ffff}',
    ];
    (0..rng.below(40)).map(|_| *rng.pick(POOL)).collect()
}

/// One hostile text value.
fn hostile(rng: &mut Rng) -> String {
    match rng.below(12) {
        0 => "é<'\"%".repeat(20_000), // 100 KB
        1 | 2 => random_text(rng),
        3 => (rng.next() as i64 >> rng.below(64)).to_string(),
        4 => format!("{}.{}", rng.next() as i32, rng.next() % 1000),
        _ => (*rng.pick(NASTY)).to_owned(),
    }
}

/// One hostile JSON value (JSON bodies carry types a form cannot).
fn hostile_json(rng: &mut Rng) -> Value {
    match rng.below(10) {
        0 => json!(rng.next() as i64),
        1 => json!(-1.5e300),
        2 => json!(rng.chance(50)),
        3 => Value::Null,
        4 => json!([hostile(rng), 1, null, {"a": []}]),
        5 => json!({"a": hostile(rng), "b": [1, {"c": null}], "": ""}),
        6 => (0..100).fold(json!("deep"), |inner, _| json!({ "a": inner })),
        _ => Value::String(hostile(rng)),
    }
}

/// The records the owner's organization has, by the field names that refer to them.
struct Fixtures {
    values: HashMap<&'static str, String>,
}

impl Fixtures {
    /// A valid value for `field` of the endpoint `path`: a real record id or the role matrix's
    /// example value (with its placeholders filled), if there is one.
    fn valid(&self, path: &str, field: &str, template: Option<&str>, n: usize) -> Option<String> {
        // Ending records would leave later endpoints nothing to act on.
        let ends_records = ["delete", "terminate", "revoke"].iter().any(|verb| path.contains(verb));
        let resource = path.split('/').next().unwrap_or("");
        let id = match field {
            "id" if ends_records => None,
            "id" => self.values.get(resource),
            "assigned_to" | "manager_id" => self.values.get("employees"),
            _ => FIELD_RESOURCES.iter().find(|(f, _)| *f == field).and_then(|(_, r)| self.values.get(r)),
        };
        if let Some(id) = id {
            return Some(id.clone());
        }
        let template = template?;
        let mut out = String::new();
        let mut rest = template;
        while let Some(start) = rest.find('{') {
            let end = rest[start..].find('}')? + start;
            out.push_str(&rest[..start]);
            let value = match &rest[start + 1..end] {
                // The owner's password stays (the test signs in again after a sign-out).
                "password" if path == "auth/change_password" => return None,
                "password" => PASSWORD.to_owned(),
                "n" => n.to_string(),
                // Failed sign-ins lock this account, never the owner's.
                "my_email" => "victim@fuzz.example".to_owned(),
                "new_email" | "stranger_email" => format!("fuzz{n}@fuzz.example"),
                "items" => r#"[{"item_name":"Thing","quantity":"1","unit_price":"10"}]"#.to_owned(),
                "default_stage_ids" => self.values.get("stage_ids")?.clone(),
                name => self.values.get(PLACEHOLDERS.iter().find(|(p, _)| *p == name)?.1)?.clone(),
            };
            out.push_str(&value);
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        Some(out)
    }
}

/// Field names that hold a record id, and the resource of the record.
const FIELD_RESOURCES: &[(&str, &str)] = &[
    ("customer_id", "customers"),
    ("customer", "customers"),
    ("lead_id", "leads"),
    ("deal_id", "deals"),
    ("vendor_id", "vendors"),
    ("vendor", "vendors"),
    ("order_id", "orders"),
    ("order", "orders"),
    ("issue_id", "issues"),
    ("pipeline_id", "pipelines"),
    ("pipeline", "pipelines"),
    ("stage_id", "stages"),
    ("role_id", "roles"),
    ("organization_id", "organizations"),
];

/// The role matrix's placeholders that name a fixture here.
const PLACEHOLDERS: &[(&str, &str)] = &[
    ("customer", "customers"),
    ("my_customer", "customers"),
    ("lead", "leads"),
    ("deal", "deals"),
    ("won_deal", "deals"),
    ("activity", "activities"),
    ("vendor", "vendors"),
    ("my_vendor", "vendors"),
    ("order", "orders"),
    ("my_order", "orders"),
    ("payment", "payments"),
    ("issue", "issues"),
    ("resolved_issue", "issues"),
    ("employee", "employees"),
    ("rep_employee", "employees"),
    ("role", "roles"),
    ("marketing_role", "roles"),
    ("member", "users"),
    ("pipeline", "pipelines"),
    ("default_pipeline", "pipelines"),
    ("stage", "stages"),
    ("spare_stage", "stages"),
    ("org", "organizations"),
];

/// What one request sends besides its fields.
enum Shape {
    /// Fields as a query string (GET) or a form body (POST).
    Form,
    /// Fields as a JSON object with hostile JSON values.
    Json,
    /// A body that is not valid JSON, sent as JSON.
    MalformedJson,
    /// A body in a content type the API does not take.
    WrongContentType,
    /// Percent-encoding and UTF-8 that do not decode.
    BadEncoding,
    /// A body over the 1 MiB limit.
    Oversized,
}

fn build(
    method: &Method,
    path: &str,
    token: &str,
    shape: &Shape,
    fields: &[(String, String)],
    rng: &mut Rng,
) -> Request<Body> {
    let get = *method == Method::GET;
    // A request line has a limit (the HTTP server refuses longer ones before the app sees them).
    let cap = if get { 2_000 } else { usize::MAX };
    let fields: Vec<(&str, String)> = fields.iter().map(|(k, v)| (k.as_str(), v.chars().take(cap).collect())).collect();
    let form = || url::form_urlencoded::Serializer::new(String::new()).extend_pairs(&fields).finish();
    let uri = format!("/api/{path}");
    let (uri, body): (String, Option<(&str, Vec<u8>)>) = match shape {
        Shape::Form if get => (format!("{uri}?{}", form()), None),
        Shape::Form => (uri, Some(("application/x-www-form-urlencoded", form().into_bytes()))),
        Shape::Json => {
            let object: serde_json::Map<String, Value> = fields
                .iter()
                .map(|(k, v)| {
                    ((*k).to_owned(), if rng.chance(50) { hostile_json(rng) } else { Value::String(v.clone()) })
                })
                .collect();
            (uri, Some(("application/json", Value::Object(object).to_string().into_bytes())))
        }
        Shape::MalformedJson => {
            let bodies: &[&str] =
                &["{", "{\"name\":", "[1,2]", "\"text\"", "42", "{\"a\":1,}", "{'a':1}", "\u{feff}{}", "nul"];
            let deep = "[".repeat(10_000);
            let body = if rng.chance(20) { deep } else { (*rng.pick(bodies)).to_owned() };
            (uri, Some(("application/json; charset=utf-8", body.into_bytes())))
        }
        Shape::WrongContentType => {
            let types =
                ["text/plain", "application/xml", "multipart/form-data; boundary=x", "application/octet-stream"];
            (uri, Some((*rng.pick(&types), form().into_bytes())))
        }
        Shape::BadEncoding => {
            let raw = b"name=%zz&%=&&=x&email=%ff%fe&items[=1&title=\xff\xfe\xc3&id=%F0%28%8C%28".to_vec();
            if get {
                (format!("{uri}?name=%zz&%=&&=x&email=%ff%fe&items[=1&id=%F0%28%8C%28"), None)
            } else {
                (uri, Some(("application/x-www-form-urlencoded", raw)))
            }
        }
        Shape::Oversized => (uri, Some(("application/x-www-form-urlencoded", vec![b'a'; 2 * 1024 * 1024]))),
    };
    let mut req = Request::builder()
        .method(method.clone())
        .uri(uri)
        .header(header::HOST, "localhost")
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    if let Some((content_type, _)) = &body {
        req = req.header(header::CONTENT_TYPE, *content_type);
    }
    req.body(body.map_or_else(Body::empty, |(_, bytes)| Body::from(bytes))).unwrap()
}

/// The fields of one request: some of the endpoint's own (valid or hostile), maybe others,
/// maybe one twice.
fn pick_fields(
    rng: &mut Rng,
    path: &str,
    own: &[(&str, &str)],
    fixtures: &Fixtures,
    n: usize,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (name, template) in own {
        if rng.chance(80) {
            let valid = if rng.chance(50) { fixtures.valid(path, name, Some(*template), n) } else { None };
            out.push(((*name).to_owned(), valid.unwrap_or_else(|| hostile(rng))));
        }
    }
    for _ in 0..rng.below(4) {
        let name = *rng.pick(FIELDS);
        let valid = if rng.chance(30) { fixtures.valid(path, name, None, n) } else { None };
        out.push((name.to_owned(), valid.unwrap_or_else(|| hostile(rng))));
    }
    if !out.is_empty() && rng.chance(10) {
        let (name, _) = out[rng.below(out.len())].clone();
        out.push((name, hostile(rng)));
    }
    out
}

/// What is wrong with an answer, if anything.
fn problem(resp: &common::Resp) -> Option<String> {
    if resp.status.is_server_error() {
        return Some(format!("answered {}", resp.status));
    }
    if resp.status.is_client_error() && !resp.json["error"].is_string() {
        return Some(format!("answered {} without a JSON error", resp.status));
    }
    LEAKS.iter().find(|leak| resp.text.contains(*leak)).map(|leak| format!("the body shows {leak:?}"))
}

fn shorten(text: &str) -> String {
    let short: String = text.chars().take(160).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}

/// Creates a record as the owner; returns its id.
async fn create(app: &TestApp, token: &str, path: &str, form: &[(&str, &str)]) -> String {
    let r = app.post(&format!("/api/{path}"), Some(token), form).await;
    assert_eq!(r.status, StatusCode::OK, "fixture {path}: {}", r.text);
    r.json["id"].to_string()
}

async fn fixtures(app: &TestApp, owner: &str) -> Fixtures {
    let me = app.get("/api/auth/me", Some(owner)).await.json;
    let employee = me["employee_id"].to_string();
    let customer = create(app, owner, "customers/create", &[("name", "Fuzz customer")]).await;
    let vendor = create(app, owner, "vendors/create", &[("name", "Fuzz vendor")]).await;
    let items = r#"[{"item_name":"Thing","quantity":"1","unit_price":"10"}]"#;
    let order =
        create(app, owner, "orders/create", &[("title", "Fuzz"), ("vendor_id", &vendor), ("items", items)]).await;
    let pipelines = app.get("/api/pipelines/list", Some(owner)).await.json;
    let pipeline = &pipelines[0];
    let stage_ids: Vec<String> = pipeline["stages"].as_array().unwrap().iter().map(|s| s["id"].to_string()).collect();
    let pipeline_id = pipeline["id"].to_string();
    let deal = create(app, owner, "deals/create", &[("title", "Fuzz deal"), ("customer_id", &customer)]).await;
    let activity = create(
        app,
        owner,
        "activities/create",
        &[("activity_type", "task"), ("title", "Fuzz"), ("customer_id", &customer)],
    )
    .await;
    let values = HashMap::from([
        ("users", me["user"]["id"].to_string()),
        ("organizations", me["organization"]["id"].to_string()),
        ("employees", employee),
        ("customers", customer.clone()),
        ("leads", create(app, owner, "leads/create", &[("first_name", "Fuzz")]).await),
        ("deals", deal),
        ("activities", activity),
        ("vendors", vendor),
        ("orders", order.clone()),
        ("payments", create(app, owner, "payments/create", &[("order_id", &order), ("amount", "1")]).await),
        ("issues", create(app, owner, "issues/create", &[("title", "Fuzz issue")]).await),
        ("roles", create(app, owner, "roles/create", &[("name", "Fuzz role")]).await),
        ("pipelines", pipeline_id),
        ("stages", stage_ids[1].clone()),
        ("stage_ids", stage_ids.join(",")),
    ]);
    Fixtures { values }
}

async fn sign_in(app: &TestApp) -> String {
    let r = app.post("/api/auth/login", None, &[("email", "owner@fuzz.example"), ("password", PASSWORD)]).await;
    r.json["token"].as_str().unwrap_or_else(|| panic!("owner sign-in: {}", r.text)).to_owned()
}

both!(no_endpoint_fails_on_hostile_input, |app| async {
    let seed = std::env::var("FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(DEFAULT_SEED);
    let mut rng = Rng(seed);
    let mut owner = app.register("owner@fuzz.example", "Fuzz").await;
    app.register("victim@fuzz.example", "Victim").await;
    let fixtures = fixtures(&app, &owner).await;
    let org = fixtures.values["organizations"].clone();
    let rows = roles_matrix::table();
    let started = std::time::Instant::now();
    let mut failures = Vec::new();
    let mut sent = 0;
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        let path = path.trim_start_matches("/api/");
        let row = rows.iter().find(|r| r.path == path).unwrap_or_else(|| panic!("{path}: no row in the role matrix"));
        let own: Vec<(&str, &str)> = row.params.split('&').filter_map(|p| p.split_once('=')).collect();
        for i in 0..REQUESTS_PER_ENDPOINT {
            let shape = match i {
                0 => Shape::MalformedJson,
                1 => Shape::WrongContentType,
                2 => Shape::BadEncoding,
                3 => Shape::Oversized,
                _ if rng.chance(25) => Shape::Json,
                _ => Shape::Form,
            };
            let fields = if i == 4 { Vec::new() } else { pick_fields(&mut rng, path, &own, &fixtures, sent) };
            let token = if row.fresh_session { sign_in(&app).await } else { owner.clone() };
            let req = build(&method, path, &token, &shape, &fields, &mut rng);
            sent += 1;
            let what = || format!("{method} /api/{path} {}", shorten(&format!("{fields:?}")));
            match app.send_catching(req).await {
                Ok(resp) => {
                    if let Some(p) = problem(&resp) {
                        failures.push(format!("{}: {p}: {}", what(), shorten(&resp.text)));
                    }
                }
                Err(panic) => failures.push(format!("{}: {panic}", what())),
            }
        }
        // An endpoint may have ended the owner's session (sign-out, a revoked token) or moved
        // it to another organization: go on signed in to the organization under test.
        let me = app.get("/api/auth/me", Some(&owner)).await;
        if me.status == StatusCode::UNAUTHORIZED {
            owner = sign_in(&app).await;
        }
        if me.json["organization"]["id"].as_i64() != org.parse().ok() {
            app.post("/api/organizations/switch", Some(&owner), &[("organization_id", &org)]).await;
        }
    }
    eprintln!("hostile input: {sent} requests in {:?} (seed {seed})", started.elapsed());
    assert!(
        failures.is_empty(),
        "{} requests answered wrongly (seed {seed}):\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The server still answers.
    assert_eq!(app.get("/healthz", None).await.status, StatusCode::OK);
    for path in ["/api/auth/me", "/api/customers/list", "/api/deals/board"] {
        let r = app.get(path, Some(&owner)).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
    }
});
