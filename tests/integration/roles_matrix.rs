//! Every endpoint × every system role (SPEC §1): the status each role gets, and that nothing
//! in the database changed where a role was refused. The table must name every endpoint the
//! server registers, so a new endpoint without a row here fails this test.
//!
//! Records an endpoint acts on are created fresh for each call by the owner and assigned to
//! the sales rep: roles that may see only their own records (no `view_all`) and are not that
//! rep get 404 for them, never 403 and never the record.

use std::collections::HashMap;

use axum::http::StatusCode;
use serde_json::Value;
use too_good_crm::domain::permission::{allows, system_role_permissions, SYSTEM_ROLES};

use crate::common::{self, TestApp};

const PASSWORD: &str = "correct horse battery";

/// Who may call an endpoint.
#[derive(Clone, Copy, Debug)]
enum Rule {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in member, whatever their role (their account, tokens, organizations).
    Member,
    /// Every role but the portal customer.
    Staff,
    /// Each of these `resource:action` permissions.
    Needs(&'static [(&'static str, &'static str)]),
}

/// One endpoint and how to call it. `{name}` in `params` is replaced by a fixture (see `fill`).
/// The hostile-input test (`fuzz.rs`) takes the field names it attacks from `params`.
pub(crate) struct Row {
    get: bool,
    pub(crate) path: &'static str,
    pub(crate) params: &'static str,
    rule: Rule,
    /// It acts on one record of its first permission's resource (assigned to the sales rep).
    scoped: bool,
    /// Call it with a new session of the role's user (it ends or moves the session it uses).
    pub(crate) fresh_session: bool,
}

const fn get(path: &'static str, params: &'static str, rule: Rule) -> Row {
    Row { get: true, path, params, rule, scoped: false, fresh_session: false }
}
const fn post(path: &'static str, params: &'static str, rule: Rule) -> Row {
    Row { get: false, path, params, rule, scoped: false, fresh_session: false }
}
impl Row {
    /// It acts on a record assigned to the sales rep.
    const fn on_record(mut self) -> Row {
        self.scoped = true;
        self
    }
    const fn fresh(mut self) -> Row {
        self.fresh_session = true;
        self
    }
}

macro_rules! needs {
    ($($r:literal : $a:literal),+) => {
        Rule::Needs(&[$(($r, $a)),+])
    };
}

pub(crate) fn table() -> Vec<Row> {
    use Rule::{Member, Public, Staff};
    vec![
        // Accounts and sessions.
        post("auth/register", "email={new_email}&password={password}&first_name=New&organization_name=New Org", Public),
        post("auth/login", "email={my_email}&password={password}", Public),
        post("auth/logout", "", Member).fresh(),
        get("auth/me", "", Member),
        post("auth/change_password", "current_password={password}&new_password={password}", Member),
        post("users/update_profile", "phone=+1 555 0100", Member),
        post("auth/forgot_password", "email={my_email}", Public),
        post("auth/reset_password", "token={reset_token}&new_password={password}", Public),
        get("tokens/list", "", Member),
        post("tokens/create", "name=script", Member),
        post("tokens/revoke", "id={my_token}", Member),
        // Organizations, roles and permissions.
        get("organizations/list", "", Member),
        get("organizations/mine", "", Member),
        post("organizations/create", "name=Side business", Member).fresh(),
        post("organizations/switch", "organization_id={org}", Member),
        post("organizations/update", "website=example.org", needs!("organization":"edit")),
        get("organizations/members", "", needs!("employees":"view")),
        post("organizations/add_member", "email={stranger_email}&role=sales_rep", needs!("roles":"edit")),
        post("invitations/create", "email={new_email}&role=sales_rep", needs!("roles":"edit")),
        get("invitations/list", "", needs!("roles":"view")),
        post("invitations/resend", "id={invitation}", needs!("roles":"edit")),
        post("invitations/revoke", "id={invitation}", needs!("roles":"edit")),
        get("invitations/preview", "token={invitation_token}", Public),
        post("invitations/accept", "token={invitation_token}&first_name=New&password={password}", Public),
        get("permissions/list", "", needs!("roles":"view")),
        get("outbox/list", "", needs!("outbox":"view")),
        get("outbox/get", "id={mail}", needs!("outbox":"view")),
        get("roles/list", "", needs!("roles":"view")),
        get("roles/get", "id={role}", needs!("roles":"view")),
        get("roles/mine", "", Member),
        post("roles/create", "name=Field sales {n}&permissions=customers:view", needs!("roles":"create")),
        post("roles/update", "id={role}&description=Changed", needs!("roles":"edit")),
        post("roles/delete", "id={role}", needs!("roles":"delete")),
        post("roles/set_permissions", "role_id={role}&permissions=leads:view,leads:edit", needs!("roles":"edit")),
        post("roles/assign_permission", "role_id={role}&permission=leads:view", needs!("roles":"edit")),
        post("roles/remove_permission", "role_id={role}&permission=customers:view", needs!("roles":"edit")),
        post("roles/assign_member", "user_id={member}&role_id={marketing_role}", needs!("roles":"edit")),
        // Analytics.
        get("analytics/dashboard", "", needs!("analytics":"view")),
        get("analytics/quick_stats", "", needs!("analytics":"view")),
        get("analytics/funnel", "", needs!("analytics":"view")),
        get("analytics/revenue", "period=week", needs!("analytics":"view")),
        get("analytics/employee_performance", "", needs!("analytics":"view")),
        get("analytics/top_performers", "limit=3", needs!("analytics":"view")),
        // Employees.
        get("employees/choices", "", Staff),
        get("employees/list", "", needs!("employees":"view")),
        get("employees/export", "search=a", needs!("employees":"view")),
        get("employees/departments", "", needs!("employees":"view")),
        get("employees/get", "id={employee}", needs!("employees":"view")),
        post("employees/create", "first_name=Eve&department=Sales", needs!("employees":"create")),
        post("employees/update", "id={employee}&job_title=Lead", needs!("employees":"edit")),
        post("employees/terminate", "id={employee}", needs!("employees":"edit")),
        post("employees/delete", "id={employee}", needs!("employees":"delete")),
        // Customers.
        get("customers/list", "", needs!("customers":"view")),
        get("customers/export", "search=a", needs!("customers":"view")),
        get("customers/stats", "", needs!("customers":"view")),
        get("customers/get", "id={customer}", needs!("customers":"view")).on_record(),
        get("customers/notes", "customer_id={customer}", needs!("customers":"view")).on_record(),
        post("customers/create", "name=New customer", needs!("customers":"create")),
        post("customers/import", "csv=name\nImported&dry_run=false", needs!("customers":"create")),
        post("customers/update", "id={customer}&phone=+1 555 0101", needs!("customers":"edit")).on_record(),
        post("customers/activate", "id={customer}", needs!("customers":"edit")).on_record(),
        post("customers/deactivate", "id={customer}", needs!("customers":"edit")).on_record(),
        post("customers/add_note", "customer_id={customer}&body=Called", needs!("customers":"edit")).on_record(),
        post("customers/delete", "id={customer}", needs!("customers":"delete")).on_record(),
        // The portal: inviting grants the Customer role's permissions.
        post(
            "portal/invite",
            "customer_id={customer}&email={new_email}",
            needs!("customers":"edit", "orders":"view", "payments":"view", "issues":"view", "issues":"create"),
        )
        .on_record(),
        // Leads.
        get("leads/list", "", needs!("leads":"view")),
        get("leads/export", "search=a", needs!("leads":"view")),
        get("leads/stats", "", needs!("leads":"view")),
        get("leads/get", "id={lead}", needs!("leads":"view")).on_record(),
        get("leads/activities", "lead_id={lead}", needs!("leads":"view")).on_record(),
        post("leads/create", "first_name=New lead", needs!("leads":"create")),
        post("leads/import", "csv=first_name\nImported&dry_run=false", needs!("leads":"create")),
        post("leads/update", "id={lead}&company=Changed", needs!("leads":"edit")).on_record(),
        post("leads/qualify", "id={lead}", needs!("leads":"edit")).on_record(),
        post("leads/disqualify", "id={lead}&reason=No budget", needs!("leads":"edit")).on_record(),
        post("leads/update_score", "id={lead}&score=50", needs!("leads":"edit")).on_record(),
        post("leads/assign", "id={lead}&assigned_to={rep_employee}", needs!("leads":"edit")).on_record(),
        post("leads/add_activity", "lead_id={lead}&activity_type=call&subject=Intro", needs!("leads":"edit"))
            .on_record(),
        post("leads/convert", "id={lead}", needs!("leads":"edit", "customers":"create", "deals":"create")).on_record(),
        post("leads/delete", "id={lead}", needs!("leads":"delete")).on_record(),
        // Activities.
        get("activities/list", "", needs!("activities":"view")),
        get("activities/export", "search=a", needs!("activities":"view")),
        get("activities/stats", "", needs!("activities":"view")),
        get("activities/upcoming", "", needs!("activities":"view")),
        get("activities/overdue", "", needs!("activities":"view")),
        get("activities/my_day", "", needs!("activities":"view")),
        get("activities/get", "id={activity}", needs!("activities":"view")).on_record(),
        post(
            "activities/create",
            "activity_type=call&title=Follow up&customer_id={my_customer}",
            needs!("activities":"create"),
        ),
        post("activities/update", "id={activity}&description=Changed", needs!("activities":"edit")).on_record(),
        post("activities/complete", "id={activity}", needs!("activities":"edit")).on_record(),
        post("activities/cancel", "id={activity}", needs!("activities":"edit")).on_record(),
        post("activities/delete", "id={activity}", needs!("activities":"delete")).on_record(),
        // Email from records, and its templates.
        get("emails/draft", "customer_id={customer}&subject=Hello", needs!("emails":"create")),
        post(
            "emails/send",
            "customer_id={customer}&to=buyer@matrix.example&subject=Hello&body=Hi there",
            needs!("emails":"create"),
        ),
        get("search/all", "q=Fixture", Member),
        get("templates/list", "", needs!("templates":"view")),
        get("templates/get", "id={template}", needs!("templates":"view")),
        post("templates/create", "name=Template {n}&subject=Hello&body=Hi there", needs!("templates":"create")),
        post("templates/update", "id={template}&name=Template {n}&subject=Hi&body=Hi", needs!("templates":"edit")),
        post("templates/delete", "id={template}", needs!("templates":"delete")),
        // Webhooks.
        get("webhooks/list", "", needs!("webhooks":"view")),
        get("webhooks/get", "id={webhook}", needs!("webhooks":"view")),
        get("webhooks/deliveries", "id={webhook}", needs!("webhooks":"view")),
        post("webhooks/create", "url=https://hooks.example.com/{n}&events=deal.won", needs!("webhooks":"create")),
        post("webhooks/update", "id={webhook}&events=deal.won,deal.lost", needs!("webhooks":"edit")),
        post("webhooks/test", "id={webhook}", needs!("webhooks":"edit")),
        post("webhooks/delete", "id={webhook}", needs!("webhooks":"delete")),
        // Pipelines.
        get("pipelines/list", "", needs!("pipelines":"view")),
        get("pipelines/get", "id={default_pipeline}", needs!("pipelines":"view")),
        post("pipelines/create", "name=Pipeline {n}", needs!("pipelines":"create")),
        post("pipelines/update", "id={pipeline}&description=Changed", needs!("pipelines":"edit")),
        post("pipelines/set_default", "id={pipeline}", needs!("pipelines":"edit")),
        post("pipelines/add_stage", "pipeline_id={pipeline}&name=Extra", needs!("pipelines":"edit")),
        post("pipelines/update_stage", "id={spare_stage}&name=Renamed", needs!("pipelines":"edit")),
        post("pipelines/delete_stage", "id={spare_stage}", needs!("pipelines":"edit")),
        post(
            "pipelines/reorder_stages",
            "pipeline_id={default_pipeline}&stage_ids={default_stage_ids}",
            needs!("pipelines":"edit"),
        ),
        post("pipelines/delete", "id={pipeline}", needs!("pipelines":"delete")),
        // Deals.
        get("deals/list", "", needs!("deals":"view")),
        get("deals/export", "search=a", needs!("deals":"view")),
        get("deals/stats", "", needs!("deals":"view")),
        get("deals/board", "", needs!("deals":"view")),
        get("deals/get", "id={deal}", needs!("deals":"view")).on_record(),
        post(
            "deals/create",
            "title=New deal&customer_id={my_customer}&pipeline_id={default_pipeline}",
            needs!("deals":"create"),
        ),
        post("deals/update", "id={deal}&value=250", needs!("deals":"edit")).on_record(),
        post("deals/move", "id={deal}&stage_id={stage}", needs!("deals":"edit")).on_record(),
        post("deals/won", "id={deal}", needs!("deals":"edit")).on_record(),
        post("deals/lost", "id={deal}&reason=Price", needs!("deals":"edit")).on_record(),
        post("deals/reopen", "id={won_deal}", needs!("deals":"edit")).on_record(),
        post("deals/delete", "id={deal}", needs!("deals":"delete")).on_record(),
        // Vendors.
        get("vendors/list", "", needs!("vendors":"view")),
        get("vendors/export", "search=a", needs!("vendors":"view")),
        get("vendors/types", "", needs!("vendors":"view")),
        get("vendors/get", "id={vendor}", needs!("vendors":"view")),
        post("vendors/create", "name=New vendor", needs!("vendors":"create")),
        post("vendors/update", "id={vendor}&rating=4", needs!("vendors":"edit")),
        post("vendors/delete", "id={vendor}", needs!("vendors":"delete")),
        // Orders.
        get("orders/list", "", needs!("orders":"view")),
        get("orders/export", "search=a", needs!("orders":"view")),
        get("orders/stats", "", needs!("orders":"view")),
        get("orders/get", "id={order}", needs!("orders":"view")).on_record(),
        post("orders/create", "title=New order&vendor_id={my_vendor}&items={items}", needs!("orders":"create")),
        post("orders/update", "id={order}&title=Changed", needs!("orders":"edit")).on_record(),
        post("orders/complete", "id={order}", needs!("orders":"edit")).on_record(),
        post("orders/cancel", "id={order}", needs!("orders":"edit")).on_record(),
        post("orders/delete", "id={order}", needs!("orders":"delete")).on_record(),
        // Payments.
        get("payments/list", "", needs!("payments":"view")),
        get("payments/export", "search=a", needs!("payments":"view")),
        get("payments/stats", "", needs!("payments":"view")),
        get("payments/get", "id={payment}", needs!("payments":"view")).on_record(),
        post("payments/create", "order_id={my_order}&amount=5", needs!("payments":"create")),
        post("payments/update", "id={payment}&notes=Changed", needs!("payments":"edit")).on_record(),
        post("payments/process", "id={payment}", needs!("payments":"edit")).on_record(),
        post("payments/mark_failed", "id={payment}&reason=Bounced", needs!("payments":"edit")).on_record(),
        post("payments/delete", "id={payment}", needs!("payments":"delete")).on_record(),
        // Issues.
        get("issues/list", "", needs!("issues":"view")),
        get("issues/export", "search=a", needs!("issues":"view")),
        get("issues/stats", "", needs!("issues":"view")),
        get("issues/get", "id={issue}", needs!("issues":"view")).on_record(),
        get("issues/comments", "issue_id={issue}", needs!("issues":"view")).on_record(),
        post("issues/create", "title=Broken", needs!("issues":"create")),
        post("issues/update", "id={issue}&priority=high", needs!("issues":"edit")).on_record(),
        post("issues/resolve", "id={issue}&resolution_notes=Fixed", needs!("issues":"edit")).on_record(),
        post("issues/reopen", "id={resolved_issue}", needs!("issues":"edit")).on_record(),
        post("issues/comment", "issue_id={issue}&body=Any news?", needs!("issues":"create")).on_record(),
        post("issues/delete", "id={issue}", needs!("issues":"delete")).on_record(),
        // Last: it ends every session of each role's user (the tokens the rows above use).
        post("auth/logout_all", "", Member).fresh(),
    ]
}

/// A member of the organization under test, signed in with their role.
struct Actor {
    role: &'static str,
    email: String,
    token: String,
}

/// The organization under test and the fixed records the table refers to.
struct World<'a> {
    app: &'a TestApp,
    owner: String,
    fixed: HashMap<&'static str, String>,
    n: u32,
}

fn id_of(v: &Value) -> String {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}")).to_string()
}

impl World<'_> {
    /// Creates a record as the owner; returns its id.
    async fn create(&mut self, path: &str, form: &[(&str, &str)]) -> String {
        let r = self.app.post(&format!("/api/{path}"), Some(&self.owner), form).await;
        assert_eq!(r.status, StatusCode::OK, "fixture {path}: {}", r.text);
        id_of(&r.json)
    }

    fn unique(&mut self) -> String {
        self.n += 1;
        self.n.to_string()
    }

    /// The value of a placeholder: a fixed record, or a new one made for this call.
    async fn value(&mut self, name: &str, actor: &Actor) -> String {
        if let Some(v) = self.fixed.get(name) {
            return v.clone();
        }
        let rep = self.fixed["rep_employee"].clone();
        let items = self.fixed["items"].clone();
        match name {
            "n" => self.unique(),
            "my_email" => actor.email.clone(),
            "new_email" => format!("new{}@matrix.example", self.unique()),
            "stranger_email" => {
                let email = format!("stranger{}@matrix.example", self.unique());
                self.app.register(&email, "Stranger").await;
                email
            }
            "member" => {
                let email = format!("member{}@matrix.example", self.unique());
                self.app.member(&self.owner.clone(), &email, "sales_rep").await;
                let members = self.app.get("/api/organizations/members", Some(&self.owner)).await;
                members.json.as_array().unwrap().iter().find(|m| m["email"] == email.as_str()).unwrap()["user_id"]
                    .to_string()
            }
            // A reset link of someone else (a reset ends every session of its user).
            "reset_token" => {
                let email = format!("forgetful{}@matrix.example", self.unique());
                self.app.register(&email, "Forgetful").await;
                let r = self.app.post("/api/auth/forgot_password", None, &[("email", &email)]).await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.text);
                self.app.mailed_token(&email, "/reset-password").await
            }
            "invitation" | "invitation_token" => {
                let email = format!("invited{}@matrix.example", self.unique());
                let id = self.create("invitations/create", &[("email", &email), ("role", "sales_rep")]).await;
                if name == "invitation" {
                    id
                } else {
                    self.app.mailed_token(&email, "/invite").await
                }
            }
            // A mail in the organization's outbox.
            "mail" => {
                let r = self.app.post("/api/auth/forgot_password", None, &[("email", "owner@matrix.example")]).await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.text);
                self.app.count("select max(id) from jobs").await.to_string()
            }
            "my_token" => {
                let r = self.app.post("/api/tokens/create", Some(&actor.token), &[("name", "to revoke")]).await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.text);
                id_of(&r.json["api_token"])
            }
            "role" => {
                let name = format!("Custom {}", self.unique());
                self.create("roles/create", &[("name", &name), ("permissions", "customers:view")]).await
            }
            "customer" => self.create("customers/create", &[("name", "Fixture"), ("assigned_to", &rep)]).await,
            "activity" => {
                let customer = self.fixed["my_customer"].clone();
                let form = [
                    ("activity_type", "meeting"),
                    ("title", "Fixture"),
                    ("customer_id", customer.as_str()),
                    ("scheduled_at", "2030-01-01T10:00"),
                    ("assigned_to", rep.as_str()),
                ];
                self.create("activities/create", &form).await
            }
            "lead" => self.create("leads/create", &[("first_name", "Fixture"), ("assigned_to", &rep)]).await,
            "deal" | "won_deal" => {
                let customer = self.fixed["my_customer"].clone();
                let pipeline = self.fixed["default_pipeline"].clone();
                let form = [
                    ("title", "Fixture"),
                    ("customer_id", customer.as_str()),
                    ("pipeline_id", pipeline.as_str()),
                    ("value", "100"),
                    ("assigned_to", rep.as_str()),
                ];
                let id = self.create("deals/create", &form).await;
                if name == "won_deal" {
                    self.create("deals/won", &[("id", &id)]).await;
                }
                id
            }
            "pipeline" => {
                let name = format!("Spare {}", self.unique());
                self.create("pipelines/create", &[("name", &name), ("stages", "One, Two")]).await
            }
            "spare_stage" => {
                let name = format!("Spare {}", self.unique());
                let r = self
                    .app
                    .post("/api/pipelines/create", Some(&self.owner), &[("name", &name), ("stages", "One, Two")])
                    .await;
                id_of(&r.json["stages"][0])
            }
            "vendor" => self.create("vendors/create", &[("name", "Fixture vendor")]).await,
            "template" => {
                let name = format!("Fixture {}", self.unique());
                self.create("templates/create", &[("name", &name), ("subject", "Hello"), ("body", "Hi there")]).await
            }
            "webhook" => {
                let url = format!("https://hooks.example.com/{}", self.unique());
                self.create("webhooks/create", &[("url", &url), ("events", "deal.won")]).await
            }
            "employee" => self.create("employees/create", &[("first_name", "Fixture"), ("department", "Sales")]).await,
            "order" => {
                let vendor = self.fixed["my_vendor"].clone();
                self.create(
                    "orders/create",
                    &[("title", "Fixture"), ("vendor_id", &vendor), ("items", &items), ("assigned_to", &rep)],
                )
                .await
            }
            "payment" => {
                let order = self.fixed["my_order"].clone();
                self.create("payments/create", &[("order_id", &order), ("amount", "1")]).await
            }
            "issue" | "resolved_issue" => {
                let id = self.create("issues/create", &[("title", "Fixture"), ("assigned_to", &rep)]).await;
                if name == "resolved_issue" {
                    self.create("issues/resolve", &[("id", &id)]).await;
                }
                id
            }
            other => panic!("unknown placeholder {{{other}}}"),
        }
    }

    /// `params` with every `{name}` replaced, as form fields.
    async fn fill(&mut self, params: &str, actor: &Actor) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for pair in params.split('&').filter(|p| !p.is_empty()) {
            let (key, template) = pair.split_once('=').unwrap();
            let mut value = String::new();
            let mut rest = template;
            while let Some(start) = rest.find('{') {
                let end = rest[start..].find('}').unwrap() + start;
                value.push_str(&rest[..start]);
                value.push_str(&self.value(&rest[start + 1..end], actor).await);
                rest = &rest[end + 1..];
            }
            value.push_str(rest);
            out.push((key.to_owned(), value));
        }
        out
    }
}

/// What `role` should get from `row`.
fn expected(row: &Row, role: &str) -> StatusCode {
    let granted = system_role_permissions(role);
    match row.rule {
        Rule::Public | Rule::Member => StatusCode::OK,
        Rule::Staff if role == "customer" => StatusCode::FORBIDDEN,
        Rule::Staff => StatusCode::OK,
        Rule::Needs(needs) => {
            if !needs.iter().all(|(r, a)| allows(&granted, r, a)) {
                StatusCode::FORBIDDEN
            } else if row.scoped && !allows(&granted, needs[0].0, "view_all") && role != "sales_rep" {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::OK
            }
        }
    }
}

async fn send(app: &TestApp, row: &Row, token: Option<&str>, form: &[(String, String)]) -> common::Resp {
    let uri = format!("/api/{}", row.path);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    if row.get {
        let query = serde_urlencoded::to_string(&form).unwrap();
        app.get(&format!("{uri}?{query}"), token).await
    } else {
        app.post(&uri, token, &form).await
    }
}

both!(every_endpoint_answers_every_role_as_its_permissions_say, |app| async {
    let owner = app.register("owner@matrix.example", "Matrix").await;
    let mut actors = Vec::new();
    // Least privileged first, so a refusal is checked before a more powerful role changes things.
    for role in ["customer", "marketing_rep", "sales_rep", "manager", "admin", "owner"] {
        let email = format!("{role}@matrix.example");
        let token = if role == "owner" { owner.clone() } else { app.member(&owner, &email, role).await };
        actors.push(Actor { role, email, token });
    }
    let me = |role: &str| actors.iter().find(|a| a.role == role).unwrap();
    let rep_employee = app.get("/api/auth/me", Some(&me("sales_rep").token)).await.json["employee_id"].to_string();
    let org = app.get("/api/organizations/mine", Some(&owner)).await.json["id"].to_string();
    // Managers manage the employees of their own department.
    let manager_employee = app.get("/api/auth/me", Some(&me("manager").token)).await.json["employee_id"].to_string();
    let r =
        app.post("/api/employees/update", Some(&owner), &[("id", &manager_employee), ("department", "Sales")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let pipelines = app.get("/api/pipelines/list", Some(&owner)).await.json;
    let default = pipelines.as_array().unwrap().iter().find(|p| p["is_default"] == true).unwrap().clone();
    let stage_ids: Vec<String> = default["stages"].as_array().unwrap().iter().map(id_of).collect();
    let roles = app.get("/api/roles/list", Some(&owner)).await.json;
    let marketing_role = id_of(roles.as_array().unwrap().iter().find(|r| r["slug"] == "marketing_rep").unwrap());
    let items = r#"[{"item_name":"Thing","quantity":"1","unit_price":"10"}]"#.to_owned();

    let mut world = World { app: &app, owner: owner.clone(), fixed: HashMap::new(), n: 0 };
    world.fixed.extend([
        ("password", PASSWORD.to_owned()),
        ("org", org),
        ("rep_employee", rep_employee.clone()),
        ("default_pipeline", id_of(&default)),
        ("default_stage_ids", stage_ids.join(",")),
        ("stage", stage_ids[1].clone()),
        ("marketing_role", marketing_role),
        ("items", items.clone()),
    ]);
    let my_customer =
        world.create("customers/create", &[("name", "Rep's customer"), ("assigned_to", &rep_employee)]).await;
    let my_vendor = world.create("vendors/create", &[("name", "Supplier")]).await;
    let my_order = world
        .create(
            "orders/create",
            &[("title", "Supplies"), ("vendor_id", &my_vendor), ("items", &items), ("assigned_to", &rep_employee)],
        )
        .await;
    world.fixed.extend([("my_customer", my_customer), ("my_vendor", my_vendor), ("my_order", my_order)]);

    let table = table();
    // Every endpoint the server registers has a row, with the right method.
    let rows: HashMap<String, bool> = table.iter().map(|r| (format!("/api/{}", r.path), r.get)).collect();
    let mut missing = Vec::new();
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        match rows.get(path) {
            Some(&get) if get == (method == axum::http::Method::GET) => {}
            Some(_) => missing.push(format!("{method} {path}: the table has the other method")),
            None => missing.push(format!("{method} {path}: no row")),
        }
    }
    assert!(missing.is_empty(), "endpoints the matrix does not cover:\n{}", missing.join("\n"));

    let mut wrong = Vec::new();
    for row in &table {
        // Without credentials, only the public endpoints answer (whatever the parameters).
        if !matches!(row.rule, Rule::Public) {
            let form = world.fill(row.params, me("owner")).await;
            let r = send(&app, row, None, &form).await;
            if r.status != StatusCode::UNAUTHORIZED {
                wrong.push(format!("{} without credentials: {} (want 401)", row.path, r.status));
            }
        }
        for actor in &actors {
            let form = world.fill(row.params, actor).await;
            let token = if row.fresh_session {
                let r = app.post("/api/auth/login", None, &[("email", &actor.email), ("password", PASSWORD)]).await;
                r.json["token"].as_str().unwrap().to_owned()
            } else {
                actor.token.clone()
            };
            let want = expected(row, actor.role);
            let before = if want.is_success() { None } else { Some(app.snapshot().await) };
            let r = send(&app, row, Some(&token), &form).await;
            if r.status != want {
                wrong.push(format!("{} as {}: {} (want {want}) {}", row.path, actor.role, r.status, r.text));
            }
            if let Some(before) = before {
                if app.snapshot().await != before {
                    wrong.push(format!("{} as {}: refused, but the database changed", row.path, actor.role));
                }
                if r.status.is_client_error() && r.json["error"].as_str().is_none() {
                    wrong.push(format!("{} as {}: the refusal has no JSON error: {}", row.path, actor.role, r.text));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{} wrong answers:\n{}", wrong.len(), wrong.join("\n"));
    // The snapshot does see a change (or the checks above would prove nothing). The owner
    // signs in again: the last row ended their sessions.
    let r = app.post("/api/auth/login", None, &[("email", "owner@matrix.example"), ("password", PASSWORD)]).await;
    let owner = r.json["token"].as_str().unwrap().to_owned();
    let before = app.snapshot().await;
    app.post("/api/vendors/update", Some(&owner), &[("id", &world.fixed["my_vendor"]), ("rating", "1")]).await;
    assert!(app.snapshot().await != before, "the snapshot misses a change");
    // The system roles are the ones the matrix walked.
    assert_eq!(actors.len(), SYSTEM_ROLES.len());
});
