//! What a user typed is text on every page, whoever typed it and whoever reads it.
//!
//! Every text field of every kind of record gets a hostile value of its own: the closing tags
//! of `<title>`, `<textarea>`, `<script>` and `<style>`, a comment, `]]>`, both quote kinds,
//! `<svg onload>` and a marker element. Then every page of the route table is rendered as
//! every system role and as a portal contact, and parsed with an HTML5 parser (html5ever, as
//! a browser parses it). On each page:
//! - no element, attribute or comment from the input exists in the parsed tree;
//! - wherever a value shows (text, an attribute such as an input's value, a text area, the
//!   title, island props), it reads back exactly as entered.
//!
//! And across all pages every value was shown whole at least once. Two guards keep this test
//! complete: a page of the route table that it does not visit fails it, and so does a text
//! field of a record (read back through the API) that it did not fill.

use std::collections::{BTreeMap, BTreeSet};

use axum::http::StatusCode;
use scraper::{Html, Node};
use serde_json::Value;
use too_good_crm::server::auth::token::SESSION_COOKIE;
use too_good_crm::server::http::page_paths;

use crate::common::{self, Resp, TestApp};

/// The hostile values handed out so far; value `n` starts with the marker `ZQ<n>`.
#[derive(Default)]
struct Hostile {
    values: Vec<String>,
}

impl Hostile {
    fn add(&mut self, value: impl FnOnce(usize) -> String) -> String {
        let v = value(self.values.len());
        self.values.push(v.clone());
        v
    }

    /// For a text field of up to 100 characters (85 to 87 here).
    fn text(&mut self) -> String {
        self.add(|n| {
            format!("ZQ{n}</title></textarea></script></style><!--\"'-->]]><svg onload=alert({n})><b id=zq{n}>")
        })
    }

    /// For a field of up to 20 characters (postal codes).
    fn tiny(&mut self) -> String {
        self.add(|n| format!("ZQ{n}</title>\"'<i>"))
    }

    /// For a field of up to 50 characters (phone numbers, tags).
    fn short(&mut self) -> String {
        self.add(|n| format!("ZQ{n}</textarea></title><!--\"'<b id=zq{n}>"))
    }

    /// For a web address (no spaces; a dot in the host).
    fn url(&mut self) -> String {
        self.add(|n| format!("https://x.example/ZQ{n}\"'></textarea></title><svg/onload=alert({n})><b/id=zq{n}>"))
    }
}

/// JSON fields of records that are not free text (enums, amounts, emails, codes, derived
/// values; besides times and dates, `*_at` and `*_date`): every other string a record carries
/// must hold a hostile value in this test.
const NOT_FREE_TEXT: &[&str] = &[
    "activity_type",
    "amount",
    "category",
    "color",
    "currency",
    "customer_type",
    "email",
    "employment_type",
    "events",
    "expected_revenue",
    "kind",
    "mail_state",
    "number",
    "order_number",
    "order_type",
    "payment_method",
    "payment_type",
    "permissions",
    "phone_number",
    "prefix",
    "priority",
    "quantity",
    "recipients",
    "role",
    "secret",
    "slug",
    "source",
    "status",
    "telegram_username",
    "time_zone",
    "total_amount",
    "total_price",
    "unit_price",
    "value",
    "vendor_type",
];

fn is_free_text(key: &str) -> bool {
    !(NOT_FREE_TEXT.contains(&key) || key.ends_with("_at") || key.ends_with("_date"))
}

/// Asserts that every free-text string of `json` (a record read back through the API) holds
/// a hostile value: a text field this test does not fill fails it.
fn assert_all_text_is_hostile(what: &str, json: &Value) {
    fn walk(key: &str, v: &Value, missing: &mut Vec<String>) {
        match v {
            Value::String(s) if is_free_text(key) && !s.contains("ZQ") => missing.push(format!("{key} = {s:?}")),
            Value::Array(items) => items.iter().for_each(|item| walk(key, item, missing)),
            Value::Object(fields) => fields.iter().for_each(|(k, v)| walk(k, v, missing)),
            _ => {}
        }
    }
    let mut missing = Vec::new();
    walk("", json, &mut missing);
    assert!(
        missing.is_empty(),
        "{what}: text fields without a hostile value (fill them in this test, or name them in NOT_FREE_TEXT \
         if they are not free text): {missing:?}"
    );
}

/// Where the markers `ZQ<n>` are in `text`: (byte offset, n).
fn markers(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    text.match_indices("ZQ").filter_map(|(at, _)| {
        let digits: String = text[at + 2..].chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok().map(|n| (at, n))
    })
}

/// Everything wrong with one rendered page, and which values it showed whole.
struct PageCheck<'a> {
    hostile: &'a Hostile,
    problems: Vec<String>,
    whole: BTreeSet<usize>,
}

impl PageCheck<'_> {
    /// Every hostile value in `text` (a text node or an attribute's value, as parsed) must be
    /// there whole; a chart label may cut it short with "…".
    fn text(&mut self, context: &str, text: &str) {
        for (at, n) in markers(text) {
            let Some(value) = self.hostile.values.get(n) else { continue };
            // Where the value begins: its marker is not always its first character (web addresses).
            let marker = value.find("ZQ").unwrap_or(0);
            let Some(shown) = at.checked_sub(marker).and_then(|start| text.get(start..)) else {
                self.problems.push(format!("{context}: value {n} lost its beginning: {text:?}"));
                continue;
            };
            // A CSV text (the import page's text area) holds the value with its quotes doubled.
            if shown.starts_with(value.as_str()) || shown.starts_with(&value.replace('"', "\"\"")) {
                self.whole.insert(n);
                continue;
            }
            let before_ellipsis = shown.split('…').next().unwrap_or(shown);
            let cut_short = shown.len() > before_ellipsis.len() && value.starts_with(before_ellipsis);
            if !cut_short {
                let shown: String = shown.chars().take(value.chars().count() + 10).collect();
                self.problems.push(format!("{context}: value {n} reads {shown:?}, entered {value:?}"));
            }
        }
    }

    fn page(&mut self, html: &str) {
        let doc = Html::parse_document(html);
        for node in doc.tree.nodes() {
            match node.value() {
                Node::Text(t) => {
                    let parent = node.parent().and_then(|p| p.value().as_element().map(|e| e.name().to_owned()));
                    self.text(&format!("text in <{}>", parent.unwrap_or_default()), t);
                }
                Node::Comment(c) if c.contains("ZQ") || c.contains("\"'") => {
                    self.problems.push(format!("a comment from the input: <!--{}-->", &**c));
                }
                Node::Element(e) => {
                    for (name, value) in e.attrs() {
                        if name.starts_with("on") {
                            self.problems
                                .push(format!("an event handler attribute on <{}>: {name}={value:?}", e.name()));
                        }
                        if name == "id" && value.starts_with("zq") {
                            self.problems.push(format!("a marker element from the input: <{} id={value}>", e.name()));
                        }
                        let context = format!("<{} {name}>", e.name());
                        if name == "data-props" {
                            // An island's props: JSON in an attribute; the strings in it are the values.
                            match serde_json::from_str::<Value>(value) {
                                Ok(props) => self.json(&context, &props),
                                Err(err) => self.problems.push(format!("{context} is not JSON: {err}")),
                            }
                        } else if name == "href" || name == "action" {
                            // A link: its query's values are percent-encoded.
                            let (path, query) = value.split_once('?').unwrap_or((value, ""));
                            self.text(&context, path);
                            let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
                            pairs.iter().for_each(|(_, v)| self.text(&context, v));
                        } else {
                            self.text(&context, value);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn json(&mut self, context: &str, v: &Value) {
        match v {
            Value::String(s) => self.text(context, s),
            Value::Array(items) => items.iter().for_each(|item| self.json(context, item)),
            Value::Object(fields) => fields.values().for_each(|v| self.json(context, v)),
            _ => {}
        }
    }
}

/// A signed-in viewer: the cookie a browser would send.
struct Viewer {
    who: String,
    cookie: Option<String>,
}

fn viewer(who: &str, token: Option<&str>) -> Viewer {
    Viewer { who: who.to_owned(), cookie: token.map(|t| format!("{SESSION_COOKIE}={t}")) }
}

fn ok(r: Resp, what: &str) -> Value {
    assert_eq!(r.status, StatusCode::OK, "{what}: {}", r.text);
    r.json
}

fn id(json: &Value) -> String {
    json["id"].as_i64().unwrap_or_else(|| panic!("no id in {json}")).to_string()
}

/// A CSV field, quoted.
fn csv_field(v: &str) -> String {
    format!("\"{}\"", v.replace('"', "\"\""))
}

/// Signs `email` up with names and an organization name of hostile values; returns the
/// session token.
async fn sign_up(app: &TestApp, h: &mut Hostile, email: &str) -> String {
    let (first, last, organization) = (h.text(), h.text(), h.text());
    let form = [
        ("email", email),
        ("password", "correct horse battery"),
        ("first_name", &first),
        ("last_name", &last),
        ("organization_name", &organization),
    ];
    ok(app.post("/api/auth/register", None, &form).await, "register")["token"].as_str().unwrap().to_owned()
}

/// `?name=value` with the value percent-encoded.
fn query(name: &str, value: &str) -> String {
    format!("?{}", serde_urlencoded::to_string([(name, value)]).unwrap())
}

both!(user_text_is_text_on_every_page_for_every_reader, |app| async {
    let mut h = Hostile::default();
    let app: &TestApp = &app;

    // The owner, their organization and their name.
    let owner = sign_up(app, &mut h, "owner@hostile.example").await;
    let t = Some(owner.as_str());
    // Where each value was entered (endpoint and field), to name what a failure is about.
    let entered = std::cell::RefCell::new(BTreeMap::<usize, String>::new());
    let post = |uri: &'static str, form: Vec<(&'static str, String)>| {
        for (field, value) in &form {
            for (_, n) in markers(value) {
                entered.borrow_mut().entry(n).or_insert_with(|| format!("{uri} {field}"));
            }
        }
        let owner = owner.clone();
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            ok(app.post(uri, Some(&owner), &form).await, uri)
        }
    };

    let org_fields = vec![("industry", h.text()), ("website", h.url()), ("phone", h.short()), ("address", h.text())];
    post("/api/organizations/update", org_fields).await;
    post("/api/users/update_profile", vec![("phone", h.short()), ("avatar_url", h.url())]).await;
    post("/api/tokens/create", vec![("name", h.text())]).await;

    // Customers: one filled in the form, one imported from CSV; a note.
    let customer = post(
        "/api/customers/create",
        vec![
            ("name", h.text()),
            ("email", "buyer@hostile.example".into()),
            ("phone", h.short()),
            ("company_name", h.text()),
            ("industry", h.text()),
            ("website", h.url()),
            ("source", h.text()),
            ("street", h.text()),
            ("city", h.text()),
            ("state", h.text()),
            ("postal_code", h.tiny()),
            ("country", h.text()),
            ("tags", h.short()),
            ("notes", h.text()),
        ],
    )
    .await;
    let customer_id = id(&customer);
    post("/api/customers/add_note", vec![("customer_id", customer_id.clone()), ("body", h.text())]).await;
    // An email template (its body also fills in the customer's name), and an email written on
    // the customer's page.
    let template_body = format!("{} {{{{customer.name}}}}", h.text());
    let template =
        post("/api/templates/create", vec![("name", h.text()), ("subject", h.short()), ("body", template_body)]).await;
    let template_id = id(&template);
    // A webhook (its URL and description are text its page shows).
    let webhook = post(
        "/api/webhooks/create",
        vec![("url", h.url()), ("description", h.text()), ("events", "customer.created,deal.won".into())],
    )
    .await;
    let webhook_id = id(&webhook);
    let email = vec![("customer_id", customer_id.clone()), ("subject", h.short()), ("body", h.text())];
    post("/api/emails/send", email).await;
    let csv_customer = [h.text(), h.text(), h.text()];
    let csv = format!(
        "name,company_name,city\n{}\n",
        csv_customer.iter().map(|v| csv_field(v)).collect::<Vec<_>>().join(",")
    );
    post("/api/customers/import", vec![("csv", csv.clone())]).await;

    // Leads: one disqualified with a reason, one converted into a deal.
    let lead_fields = |h: &mut Hostile| {
        vec![
            ("first_name", h.text()),
            ("last_name", h.text()),
            ("phone", h.short()),
            ("company", h.text()),
            ("job_title", h.text()),
            ("street", h.text()),
            ("city", h.text()),
            ("state", h.text()),
            ("postal_code", h.tiny()),
            ("country", h.text()),
            ("notes", h.text()),
        ]
    };
    let lead = post("/api/leads/create", lead_fields(&mut h)).await;
    let lead_id = id(&lead);
    let lost_lead = id(&post("/api/leads/create", lead_fields(&mut h)).await);
    post("/api/leads/disqualify", vec![("id", lost_lead.clone()), ("reason", h.text())]).await;
    let converted = id(&post("/api/leads/create", lead_fields(&mut h)).await);
    post(
        "/api/leads/convert",
        vec![("id", converted.clone()), ("create_deal", "true".into()), ("deal_title", h.text())],
    )
    .await;
    let csv_lead = [h.text(), h.text(), h.text()];
    let lead_csv = format!(
        "first_name,last_name,company\n{}\n",
        csv_lead.iter().map(|v| csv_field(v)).collect::<Vec<_>>().join(",")
    );
    post("/api/leads/import", vec![("csv", lead_csv.clone())]).await;

    // A pipeline with stages; deals on it, one lost with a reason.
    let pipeline =
        post("/api/pipelines/create", vec![("name", h.text()), ("description", h.text()), ("stages", "A,B".into())])
            .await;
    let pipeline_id = id(&pipeline);
    // The organization's own pipeline too (the board shows it first).
    for pipeline in ok(app.get("/api/pipelines/list", t).await, "pipelines").as_array().unwrap() {
        if id(pipeline) != pipeline_id {
            let form = vec![("id", id(pipeline)), ("name", h.text()), ("description", h.text())];
            post("/api/pipelines/update", form).await;
        }
        for stage in pipeline["stages"].as_array().unwrap() {
            post("/api/pipelines/update_stage", vec![("id", id(stage)), ("name", h.text())]).await;
        }
    }
    post("/api/pipelines/add_stage", vec![("pipeline_id", pipeline_id.clone()), ("name", h.text())]).await;
    let deal_fields = |h: &mut Hostile| {
        vec![
            ("title", h.text()),
            ("description", h.text()),
            ("customer_id", customer_id.clone()),
            ("pipeline_id", pipeline_id.clone()),
            ("value", "999999999.99".into()),
            ("tags", h.short()),
        ]
    };
    let deal_id = id(&post("/api/deals/create", deal_fields(&mut h)).await);
    let lost_deal = id(&post("/api/deals/create", deal_fields(&mut h)).await);
    post("/api/deals/lost", vec![("id", lost_deal.clone()), ("reason", h.text())]).await;

    // Employees (with a department and a manager) and the owner's own employee record.
    let employee = |h: &mut Hostile| {
        vec![
            ("employee_code", h.short()),
            ("first_name", h.text()),
            ("last_name", h.text()),
            ("phone", h.short()),
            ("job_title", h.text()),
            ("department", h.text()),
        ]
    };
    let employee_id = id(&post("/api/employees/create", employee(&mut h)).await);
    let mut managed = employee(&mut h);
    managed.push(("manager_id", employee_id.clone()));
    let managed_id = id(&post("/api/employees/create", managed).await);
    let me = ok(app.get("/api/auth/me", t).await, "me");
    let own_employee = me["employee_id"].as_i64().unwrap().to_string();
    let own = vec![
        ("id", own_employee.clone()),
        ("employee_code", h.short()),
        ("phone", h.short()),
        ("job_title", h.text()),
        ("department", h.text()),
    ];
    post("/api/employees/update", own).await;

    // Activities of every type, about the customer, the lead and the deal, assigned to the employee.
    let activities = [
        ("call", vec![("phone_number", "+1 555 0100".into()), ("recording_url", h.url())]),
        ("email", vec![("email_subject", h.text()), ("email_body", h.text()), ("recipients", "a@x.example".into())]),
        ("telegram", vec![("telegram_username", "hostile_user".into())]),
        ("meeting", vec![("location", h.text()), ("meeting_url", h.url()), ("attendees", h.text())]),
        ("task", vec![]),
        ("note", vec![]),
    ];
    let mut activity_ids = Vec::new();
    for (kind, extra) in activities {
        let mut form = vec![
            ("activity_type", kind.to_owned()),
            ("title", h.text()),
            ("description", h.text()),
            ("customer_id", customer_id.clone()),
            ("deal_id", deal_id.clone()),
            ("assigned_to", own_employee.clone()),
        ];
        form.extend(extra);
        activity_ids.push(id(&post("/api/activities/create", form).await));
    }
    let lead_activity = post(
        "/api/leads/add_activity",
        vec![
            ("lead_id", lead_id.clone()),
            ("activity_type", "note".into()),
            ("title", h.text()),
            ("description", h.text()),
        ],
    )
    .await;
    activity_ids.push(id(&lead_activity));

    // A vendor; orders with items (one for the vendor, one for the customer); payments.
    let vendor_id = id(&post(
        "/api/vendors/create",
        vec![
            ("name", h.text()),
            ("company", h.text()),
            ("phone", h.short()),
            ("website", h.url()),
            ("contact_person", h.text()),
            ("street", h.text()),
            ("city", h.text()),
            ("state", h.text()),
            ("postal_code", h.tiny()),
            ("country", h.text()),
            ("payment_terms", h.text()),
            ("notes", h.text()),
        ],
    )
    .await);
    let items = |h: &mut Hostile| {
        serde_json::json!([{
            "item_name": h.text(), "description": h.text(), "sku": h.text(),
            "quantity": "3", "unit_price": "333333333.33"
        }])
        .to_string()
    };
    let order_id = id(&post(
        "/api/orders/create",
        vec![
            ("title", h.text()),
            ("description", h.text()),
            ("customer_id", customer_id.clone()),
            ("items", items(&mut h)),
        ],
    )
    .await);
    let vendor_order = id(&post(
        "/api/orders/create",
        vec![
            ("title", h.text()),
            ("description", h.text()),
            ("vendor_id", vendor_id.clone()),
            ("items", items(&mut h)),
        ],
    )
    .await);
    let payment = |h: &mut Hostile, order: &str| {
        vec![
            ("order_id", order.to_owned()),
            ("amount", "10".into()),
            ("invoice_number", h.text()),
            ("reference_number", h.text()),
            ("transaction_id", h.text()),
            ("notes", h.text()),
        ]
    };
    let payment_id = id(&post("/api/payments/create", payment(&mut h, &order_id)).await);
    let failed_payment = id(&post("/api/payments/create", payment(&mut h, &vendor_order)).await);
    post("/api/payments/mark_failed", vec![("id", failed_payment.clone()), ("reason", h.text())]).await;

    // Issues: one resolved with notes, one with comments.
    let issue_id = id(&post(
        "/api/issues/create",
        vec![
            ("title", h.text()),
            ("description", h.text()),
            ("customer_id", customer_id.clone()),
            ("order_id", order_id.clone()),
        ],
    )
    .await);
    post("/api/issues/comment", vec![("issue_id", issue_id.clone()), ("body", h.text())]).await;
    let resolved = id(&post(
        "/api/issues/create",
        vec![("title", h.text()), ("description", h.text()), ("vendor_id", vendor_id.clone())],
    )
    .await);
    post("/api/issues/resolve", vec![("id", resolved.clone()), ("resolution_notes", h.text())]).await;

    // A custom role.
    post("/api/roles/create", vec![("name", h.text()), ("description", h.text())]).await;

    // Members of every system role, with hostile names of their own (and organizations).
    let mut viewers = vec![viewer("owner", Some(&owner))];
    let org_id = ok(app.get("/api/organizations/list", t).await, "orgs")
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["is_current"] == true)
        .map(id)
        .unwrap();
    for role in ["admin", "manager", "sales_rep", "marketing_rep"] {
        let email = format!("{role}@hostile.example");
        let token = sign_up(app, &mut h, &email).await;
        post("/api/organizations/add_member", vec![("email", email.clone()), ("role", role.into())]).await;
        ok(app.post("/api/organizations/switch", Some(&token), &[("organization_id", &org_id)]).await, "switch");
        viewers.push(viewer(role, Some(&token)));
    }

    // A contact of the customer in the portal, who raises an issue and comments on it.
    let portal_email = "contact@hostile.example";
    post("/api/portal/invite", vec![("customer_id", customer_id.clone()), ("email", portal_email.into())]).await;
    let invitation = app.mailed_token(portal_email, "/invite").await;
    let accept = vec![
        ("token", invitation),
        ("first_name", h.text()),
        ("last_name", h.text()),
        ("password", "portal pass phrase".into()),
    ];
    post("/api/invitations/accept", accept).await;
    let portal = ok(
        app.post("/api/auth/login", None, &[("email", portal_email), ("password", "portal pass phrase")]).await,
        "portal login",
    )["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let raised = ok(
        app.post(
            "/api/issues/create",
            Some(&portal),
            &[("title", &h.text()), ("description", &h.text()), ("order_id", &order_id)],
        )
        .await,
        "portal issue",
    );
    let raised_id = id(&raised);
    ok(
        app.post("/api/issues/comment", Some(&portal), &[("issue_id", &raised_id), ("body", &h.text())]).await,
        "comment",
    );
    viewers.push(viewer("portal", Some(&portal)));

    // Guard: every text field of every record holds a hostile value.
    for (what, uri) in [
        ("customer", format!("/api/customers/get?id={customer_id}")),
        ("customer notes", format!("/api/customers/notes?customer_id={customer_id}")),
        ("customers", "/api/customers/list".to_owned()),
        ("leads", "/api/leads/list".to_owned()),
        ("deals", "/api/deals/list".to_owned()),
        ("pipelines", "/api/pipelines/list".to_owned()),
        ("employees", "/api/employees/list".to_owned()),
        ("activities", "/api/activities/list".to_owned()),
        ("vendor", format!("/api/vendors/get?id={vendor_id}")),
        ("order", format!("/api/orders/get?id={order_id}")),
        ("payments", "/api/payments/list".to_owned()),
        ("issues", "/api/issues/list".to_owned()),
        ("issue comments", format!("/api/issues/comments?issue_id={issue_id}")),
        ("roles", "/api/roles/list".to_owned()),
        ("templates", "/api/templates/list".to_owned()),
        ("webhooks", "/api/webhooks/list".to_owned()),
        ("tokens", "/api/tokens/list".to_owned()),
        ("organization", "/api/organizations/mine".to_owned()),
        ("me", "/api/auth/me".to_owned()),
    ] {
        let json = ok(app.get(&uri, t).await, &uri);
        // System roles come with names of ours.
        let json = match what {
            "roles" => {
                Value::Array(json.as_array().unwrap().iter().filter(|r| r["is_system"] != true).cloned().collect())
            }
            "employees" | "customers" | "leads" | "deals" | "activities" | "payments" | "issues" => {
                json["results"].clone()
            }
            _ => json,
        };
        assert_all_text_is_hostile(what, &json);
    }

    // Every page of the route table, as every reader; list pages also with a hostile search.
    let search = h.text();
    let ids: BTreeMap<&str, Vec<String>> = BTreeMap::from([
        ("customers", vec![customer_id.clone()]),
        ("leads", vec![lead_id.clone(), lost_lead.clone(), converted.clone()]),
        ("deals", vec![deal_id.clone(), lost_deal.clone()]),
        ("activities", activity_ids.clone()),
        ("pipelines", vec![pipeline_id.clone()]),
        ("vendors", vec![vendor_id.clone()]),
        ("orders", vec![order_id.clone(), vendor_order.clone()]),
        ("payments", vec![payment_id.clone(), failed_payment.clone()]),
        ("issues", vec![issue_id.clone(), resolved.clone(), raised_id.clone()]),
        ("employees", vec![employee_id.clone(), managed_id.clone(), own_employee.clone()]),
    ]);
    let mut urls = Vec::new();
    let mut uncovered = Vec::new();
    for route in page_paths() {
        let segments: Vec<&str> = route.trim_start_matches('/').split('/').collect();
        match segments.as_slice() {
            [entity, "{id}"] => match ids.get(entity) {
                Some(ids) => urls.extend(ids.iter().map(|id| format!("/{entity}/{id}"))),
                None => uncovered.push(route.clone()),
            },
            [_, "import"] => {
                let csv = if route.starts_with("/leads") { &lead_csv } else { &csv };
                urls.push(route.clone());
                urls.push(format!("{route}{}", query("csv", csv)));
            }
            ["deals", "board"] => {
                urls.push(route.clone());
                urls.push(format!("{route}?pipeline={pipeline_id}"));
            }
            ["settings", "webhooks", "{id}"] => urls.push(format!("/settings/webhooks/{webhook_id}")),
            ["settings", "templates", "{id}"] => {
                urls.push(format!("/settings/templates/{template_id}"));
                urls.push(format!("/settings/templates/{template_id}?record=customer&record_id={customer_id}"));
            }
            ["analytics"] => {
                urls.push(route.clone());
                urls.push(format!("{route}?pipeline_id={pipeline_id}"));
            }
            [list] if ids.contains_key(list) => {
                urls.push(route.clone());
                urls.push(format!("{route}{}", query("search", &search)));
            }
            [_] | [_, _] if !route.contains(['{', ':', '*']) => urls.push(route.clone()),
            _ => uncovered.push(route.clone()),
        }
    }
    assert!(uncovered.is_empty(), "pages this test does not visit (give them ids above): {uncovered:?}");
    // The email composer filled in from the template; the search page finding every record.
    urls.push(format!("/customers/{customer_id}?template={template_id}"));
    urls.push("/search?q=ZQ".to_owned());

    let signed_out = viewer("signed out", None);
    let mut whole = BTreeSet::new();
    let mut problems = Vec::new();
    let mut rendered = BTreeMap::<&str, usize>::new();
    for reader in viewers.iter().chain([&signed_out]) {
        for url in &urls {
            let r = app.send(common::page(url, reader.cookie.as_deref())).await;
            assert!(!r.status.is_server_error(), "{url} as {}: {} {}", reader.who, r.status, r.text);
            if r.status.is_redirection() {
                continue;
            }
            *rendered.entry(reader.who.as_str()).or_default() += 1;
            let mut check = PageCheck { hostile: &h, problems: Vec::new(), whole: BTreeSet::new() };
            check.page(&r.text);
            let page: String = url.chars().take(60).collect();
            problems.extend(check.problems.into_iter().map(|p| format!("{page} as {}: {p}", reader.who)));
            whole.extend(check.whole);
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems, the first ones:\n{}",
        problems.len(),
        problems[..problems.len().min(12)].join("\n")
    );
    // The owner sees every page; every other reader signed in sees some (their cookie worked).
    assert_eq!(rendered.get("owner"), Some(&urls.len()), "{rendered:?}");
    assert!(viewers.iter().all(|v| rendered.get(v.who.as_str()) >= Some(&6)), "{rendered:?}");
    let entered = entered.borrow();
    let never: Vec<String> = (0..h.values.len())
        .filter(|n| !whole.contains(n))
        .map(|n| format!("{n} ({})", entered.get(&n).map_or("", String::as_str)))
        .collect();
    assert!(never.is_empty(), "values never shown whole on any page: {never:?}");
});

both!(a_stage_colour_that_is_not_a_colour_never_reaches_a_style, |app| async {
    let (cookie, token) = common::session(&app, "colour@example.com", "Cole", "Colours Inc").await;
    let pipelines = app.get("/api/pipelines/list", Some(&token)).await.json;
    let pipeline = pipelines[0]["id"].as_i64().unwrap();
    let stage = pipelines[0]["stages"][0]["id"].as_i64().unwrap().to_string();
    let hostile = "red;background:url(https://x.example/)}</style><b id=zq>";
    let r = app.post("/api/pipelines/update_stage", Some(&token), &[("id", &stage), ("color", hostile)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.json["details"]["color"].is_array(), "{}", r.text);
    // A row written behind the API's back (by hand, an old version) is not trusted either.
    app.exec(&format!("update pipeline_stages set color = '{}' where id = {stage}", hostile.replace('\'', "''"))).await;
    for url in [format!("/deals/board?pipeline={pipeline}"), format!("/pipelines/{pipeline}")] {
        let r = app.send(common::page(&url, Some(&cookie))).await;
        assert_eq!(r.status, StatusCode::OK, "{url}");
        let doc = Html::parse_document(&r.text);
        let styles: Vec<&str> = doc.tree.nodes().filter_map(|n| n.value().as_element()?.attr("style")).collect();
        assert!(!url.contains("board") || !styles.is_empty(), "{url}: no stage colours found");
        for style in styles {
            assert!(!style.contains("url(") && !style.contains("red"), "{url}: {style}");
        }
        assert!(doc.tree.nodes().all(|n| n.value().as_element().and_then(|e| e.attr("id")) != Some("zq")), "{url}");
    }
});
