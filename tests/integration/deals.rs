//! Deals over HTTP: CRUD, moves through the stages, won/lost/reopen, exact money, lists,
//! figures, the kanban board, tenancy and roles.

use crate::common;

use axum::http::StatusCode;
use chrono::{Duration, Timelike, Utc};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use too_good_crm::domain::deal::DealFields;
use too_good_crm::on;
use too_good_crm::server::repo;

/// Who the token's holder is: (user id, organization id, employee id).
async fn me(app: &common::TestApp, token: &str) -> (i64, i64, Option<i64>) {
    let r = app.get("/api/auth/me", Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    (
        r.json["user"]["id"].as_i64().unwrap(),
        r.json["organization"]["id"].as_i64().unwrap(),
        r.json["employee_id"].as_i64(),
    )
}

/// The default pipeline.
async fn pipeline(app: &common::TestApp, token: &str) -> Value {
    let r = app.get("/api/pipelines/list", Some(token)).await;
    r.json.as_array().unwrap().iter().find(|p| p["is_default"] == true).unwrap().clone()
}

/// The id of the stage called `name` in a pipeline.
fn stage(p: &Value, name: &str) -> String {
    p["stages"].as_array().unwrap().iter().find(|s| s["name"] == name).unwrap()["id"].to_string()
}

async fn create(app: &common::TestApp, token: &str, form: &[(&str, &str)]) -> Value {
    let r = app.post("/api/deals/create", Some(token), form).await;
    assert_eq!(r.status, StatusCode::OK, "create deal: {}", r.text);
    r.json
}

async fn get(app: &common::TestApp, token: &str, id: &Value) -> Value {
    let r = app.get(&format!("/api/deals/get?id={id}"), Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json
}

async fn count(app: &common::TestApp, token: &str, query: &str) -> Value {
    let r = app.get(&format!("/api/deals/list?{query}"), Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.text);
    r.json["count"].clone()
}

fn time(v: &Value) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap()
}

fn today() -> String {
    Utc::now().date_naive().to_string()
}

both!(create_get_update_and_delete_a_deal, |app| async {
    let token = app.register("deal@example.com", "Deals").await;
    let customer = app.customer(&token, &[("name", "Acme Corp")]).await;
    let p = pipeline(&app, &token).await;
    let d = create(
        &app,
        &token,
        &[
            ("title", " Big deal "),
            ("value", "1234.56"),
            ("customer_id", &customer.to_string()),
            ("priority", "high"),
            ("expected_close_date", "2026-12-31"),
            ("tags", "renewal, q4"),
            ("description", "Three year licence"),
        ],
    )
    .await;
    assert_eq!(d["title"], "Big deal");
    assert_eq!(d["value"], "1234.56", "money is exact, as a decimal string");
    assert_eq!(d["currency"], "USD");
    assert_eq!(d["pipeline_id"], p["id"], "the default pipeline");
    assert_eq!(d["stage_id"].to_string(), stage(&p, "Lead"), "its first open stage");
    assert_eq!((d["pipeline_name"].clone(), d["stage_name"].clone()), (json!("Sales pipeline"), json!("Lead")));
    assert_eq!(d["probability"], 10, "from the stage");
    assert_eq!(d["expected_revenue"], "123.46");
    assert_eq!(d["status"], "open");
    assert_eq!(d["priority"], "high");
    assert_eq!(d["customer_id"], customer);
    assert_eq!(d["customer_name"], "Acme Corp");
    assert_eq!(d["expected_close_date"], "2026-12-31");
    assert_eq!((d["actual_close_date"].clone(), d["lost_reason"].clone()), (json!(null), json!(null)));
    assert_eq!(d["tags"], json!(["renewal", "q4"]));
    assert_eq!(d["assigned_to"], json!(null), "callers who see all deals are not assigned by default");
    assert_eq!(d["lead_id"], json!(null));
    assert_eq!(d["version"], 1);
    assert_eq!(get(&app, &token, &d["id"]).await, d);
    let id = d["id"].to_string();

    // Partial update with a version: only what is sent changes.
    let r = app
        .post(
            "/api/deals/update",
            Some(&token),
            &[("id", &id), ("version", "1"), ("value", "99.99"), ("probability", "30")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.json["value"].clone(), r.json["probability"].clone()), (json!("99.99"), json!(30)));
    assert_eq!(r.json["expected_revenue"], "30.00");
    assert_eq!(r.json["title"], "Big deal");
    assert_eq!(r.json["stage_entered_at"], d["stage_entered_at"], "same stage");
    assert_eq!(r.json["version"], 2);
    let r = app.post("/api/deals/update", Some(&token), &[("id", &id), ("version", "1"), ("title", "Stale")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);

    // A new stage moves the deal: status and probability follow unless sent.
    let r = app.post("/api/deals/update", Some(&token), &[("id", &id), ("stage_id", &stage(&p, "Won"))]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.json["status"].clone(), r.json["probability"].clone()), (json!("won"), json!(100)));
    assert_eq!(r.json["actual_close_date"], today());
    assert_ne!(r.json["stage_entered_at"], d["stage_entered_at"]);
    let r = app
        .post(
            "/api/deals/update",
            Some(&token),
            &[("id", &id), ("stage_id", &stage(&p, "Qualified")), ("probability", "40")],
        )
        .await;
    assert_eq!((r.json["status"].clone(), r.json["probability"].clone()), (json!("open"), json!(40)));
    assert_eq!(r.json["actual_close_date"], json!(null));
    // Clearing optional fields.
    let r = app.post("/api/deals/update", Some(&token), &[("id", &id), ("customer_id", ""), ("tags", "")]).await;
    assert_eq!((r.json["customer_id"].clone(), r.json["tags"].clone()), (json!(null), json!([])));

    let r = app.post("/api/deals/delete", Some(&token), &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(app.get(&format!("/api/deals/get?id={id}"), Some(&token)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.post("/api/deals/delete", Some(&token), &[("id", &id)]).await.status, StatusCode::NOT_FOUND);
});

both!(deals_can_start_in_any_stage_and_json_works, |app| async {
    let token = app.register("dealj@example.com", "Deals J").await;
    let p = pipeline(&app, &token).await;
    let r = app
        .post_json(
            "/api/deals/create",
            Some(&token),
            json!({"title": "Jason", "value": 99.5, "stage_id": stage(&p, "Proposal"), "probability": 55}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["value"], "99.50", "amounts carry the currency's decimals");
    assert_eq!(r.json["pipeline_id"], p["id"], "the stage's pipeline");
    assert_eq!(r.json["probability"], 55, "a probability sent wins over the stage's");
    // Created straight into the won stage: closed today.
    let d = create(&app, &token, &[("title", "Done deal"), ("stage_id", &stage(&p, "Won"))]).await;
    assert_eq!((d["status"].clone(), d["actual_close_date"].clone()), (json!("won"), json!(today())));
});

both!(invalid_deals_get_422_naming_each_field, |app| async {
    let token = app.register("dealv@example.com", "Deals V").await;
    let other_org = app.register("dealv2@example.com", "Deals V2").await;
    let r = app
        .post(
            "/api/deals/create",
            Some(&token),
            &[
                ("value", "-1"),
                ("probability", "150"),
                ("priority", "whenever"),
                ("expected_close_date", "31/12/2026"),
                ("customer_id", "abc"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    for field in ["title", "value", "probability", "priority", "expected_close_date", "customer_id"] {
        assert!(r.json["details"][field].is_array(), "{field}: {}", r.text);
    }
    assert_eq!(
        app.post("/api/deals/create", Some(&token), &[("title", "T"), ("value", "1.234")]).await.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no fractions of a cent"
    );

    // Ids of another organization.
    let their_customer = app.customer(&other_org, &[("name", "Not yours")]).await.to_string();
    let (_, _, their_employee) = me(&app, &other_org).await;
    let their_pipeline = pipeline(&app, &other_org).await;
    let r = app
        .post(
            "/api/deals/create",
            Some(&token),
            &[("title", "T"), ("customer_id", &their_customer), ("assigned_to", &their_employee.unwrap().to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.json["details"]["customer_id"].is_array() && r.json["details"]["assigned_to"].is_array(), "{}", r.text);
    assert!(!r.text.contains("Not yours"));
    let r = app
        .post("/api/deals/create", Some(&token), &[("title", "T"), ("pipeline_id", &their_pipeline["id"].to_string())])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json["details"]["pipeline_id"].is_array(), "{}", r.text);
    let r = app
        .post("/api/deals/create", Some(&token), &[("title", "T"), ("stage_id", &stage(&their_pipeline, "Lead"))])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json["details"]["stage_id"].is_array(), "{}", r.text);
    // A stage of another pipeline of the same organization.
    let own = pipeline(&app, &token).await;
    let second = app.post("/api/pipelines/create", Some(&token), &[("name", "Second")]).await.json;
    let r = app
        .post(
            "/api/deals/create",
            Some(&token),
            &[("title", "T"), ("pipeline_id", &second["id"].to_string()), ("stage_id", &stage(&own, "Lead"))],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json["details"]["stage_id"].is_array(), "{}", r.text);
    assert_eq!(count(&app, &token, "").await, 0, "nothing was created");

    // The same checks on update, and the deal stays as it was.
    let d = create(&app, &token, &[("title", "Mine")]).await;
    let id = d["id"].to_string();
    for (field, value) in [
        ("customer_id", their_customer.clone()),
        ("assigned_to", their_employee.unwrap().to_string()),
        ("pipeline_id", their_pipeline["id"].to_string()),
        ("stage_id", stage(&their_pipeline, "Lead")),
        ("stage_id", stage(&second, "Lead")),
        ("title", String::new()),
    ] {
        let r = app.post("/api/deals/update", Some(&token), &[("id", &id), (field, &value)]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {}", r.text);
        assert!(r.json["details"][field].is_array(), "{field}: {}", r.text);
    }
    assert_eq!(get(&app, &token, &d["id"]).await, d);
    // Moving to another pipeline without a stage puts it in that pipeline's first stage.
    let r =
        app.post("/api/deals/update", Some(&token), &[("id", &id), ("pipeline_id", &second["id"].to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["stage_id"].to_string(), stage(&second, "Lead"));
});

both!(moving_a_deal_follows_the_stage, |app| async {
    let token = app.register("move@example.com", "Moves").await;
    let p = pipeline(&app, &token).await;
    let d = create(&app, &token, &[("title", "Traveller"), ("value", "500")]).await;
    let id = d["id"].to_string();
    let mv = |stage_id: String| {
        let (app, token, id) = (&app, &token, id.clone());
        async move { app.post("/api/deals/move", Some(token), &[("id", &id), ("stage_id", &stage_id)]).await }
    };

    let r = mv(stage(&p, "Qualified")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.json["stage_name"].clone(), r.json["probability"].clone()), (json!("Qualified"), json!(25)));
    assert_eq!(r.json["status"], "open");
    assert_eq!(r.json["expected_revenue"], "125.00");
    assert!(time(&r.json["stage_entered_at"]) > time(&d["stage_entered_at"]));
    let entered = r.json["stage_entered_at"].clone();
    // Moving to the stage it is in changes nothing about when it entered.
    let r = mv(stage(&p, "Qualified")).await;
    assert_eq!(r.json["stage_entered_at"], entered);

    let r = mv(stage(&p, "Won")).await;
    assert_eq!((r.json["status"].clone(), r.json["probability"].clone()), (json!("won"), json!(100)));
    assert_eq!(r.json["actual_close_date"], today());
    let r = mv(stage(&p, "Lost")).await;
    assert_eq!((r.json["status"].clone(), r.json["probability"].clone()), (json!("lost"), json!(0)));
    assert_eq!(r.json["actual_close_date"], today());
    let r = mv(stage(&p, "Lead")).await;
    assert_eq!((r.json["status"].clone(), r.json["probability"].clone()), (json!("open"), json!(10)));
    assert_eq!((r.json["actual_close_date"].clone(), r.json["lost_reason"].clone()), (json!(null), json!(null)));
    let before = r.json.clone();

    // Another pipeline's stage (same organization or not) is refused and changes nothing.
    let second = app.post("/api/pipelines/create", Some(&token), &[("name", "Second")]).await.json;
    let stranger = app.register("move2@example.com", "Moves 2").await;
    let foreign = pipeline(&app, &stranger).await;
    for stage_id in [stage(&second, "Proposal"), stage(&foreign, "Won"), "999999".into()] {
        let r = mv(stage_id).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        assert!(r.json["details"]["stage_id"].is_array(), "{}", r.text);
    }
    assert_eq!(get(&app, &token, &d["id"]).await, before);

    // With a version, a stale move is refused.
    let v = before["version"].to_string();
    let r = app
        .post("/api/deals/move", Some(&token), &[("id", &id), ("stage_id", &stage(&p, "Proposal")), ("version", &v)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app
        .post("/api/deals/move", Some(&token), &[("id", &id), ("stage_id", &stage(&p, "Negotiation")), ("version", &v)])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(get(&app, &token, &d["id"]).await["stage_name"], "Proposal");
});

both!(deals_are_won_lost_and_reopened, |app| async {
    let token = app.register("won@example.com", "Won Lost").await;
    let d = create(&app, &token, &[("title", "Contest"), ("value", "800")]).await;
    let id = d["id"].to_string();

    let r = app.post("/api/deals/lost", Some(&token), &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.json["details"]["reason"].is_array());
    let r = app.post("/api/deals/lost", Some(&token), &[("id", &id), ("reason", "   ")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(get(&app, &token, &d["id"]).await, d, "unchanged");

    let r = app.post("/api/deals/lost", Some(&token), &[("id", &id), ("reason", "Went with a competitor")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.json["status"].clone(), r.json["stage_name"].clone()), (json!("lost"), json!("Lost")));
    assert_eq!(
        (r.json["probability"].clone(), r.json["lost_reason"].clone()),
        (json!(0), json!("Went with a competitor"))
    );
    assert_eq!(r.json["actual_close_date"], today());

    let r = app.post("/api/deals/reopen", Some(&token), &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.json["status"].clone(), r.json["stage_name"].clone()), (json!("open"), json!("Negotiation")));
    assert_eq!(r.json["probability"], 75);
    assert_eq!((r.json["actual_close_date"].clone(), r.json["lost_reason"].clone()), (json!(null), json!(null)));
    let r = app.post("/api/deals/reopen", Some(&token), &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "an open deal cannot be reopened: {}", r.text);

    let r = app.post("/api/deals/won", Some(&token), &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.json["status"].clone(), r.json["stage_name"].clone()), (json!("won"), json!("Won")));
    assert_eq!((r.json["probability"].clone(), r.json["actual_close_date"].clone()), (json!(100), json!(today())));
    assert_eq!(r.json["expected_revenue"], "800.00");
    let r = app.post("/api/deals/reopen", Some(&token), &[("id", &id)]).await;
    assert_eq!(r.json["status"], "open");

    // A pipeline without won/lost stages: only the status changes.
    let bare =
        app.post("/api/pipelines/create", Some(&token), &[("name", "Bare"), ("stages", "Talk, Sign")]).await.json;
    let d = create(&app, &token, &[("title", "Bare"), ("pipeline_id", &bare["id"].to_string())]).await;
    let r = app.post("/api/deals/won", Some(&token), &[("id", &d["id"].to_string())]).await;
    assert_eq!((r.json["status"].clone(), r.json["stage_name"].clone()), (json!("won"), json!("Talk")));
    assert_eq!(r.json["probability"], 100);
    let r = app.post("/api/deals/reopen", Some(&token), &[("id", &d["id"].to_string())]).await;
    assert_eq!((r.json["status"].clone(), r.json["stage_name"].clone()), (json!("open"), json!("Sign")));
});

both!(money_is_exact_in_deals_and_figures, |app| async {
    let token = app.register("money@example.com", "Money").await;
    for value in ["33.33", "33.33", "33.33"] {
        create(&app, &token, &[("title", "Third"), ("value", value)]).await;
    }
    let s = app.get("/api/deals/stats", Some(&token)).await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.text);
    assert_eq!(s.json["open_value"], "99.99");
    assert_eq!(s.json["weighted_value"], "10.00", "3 × 33.33 × 10% = 9.999");
    let other = app.register("money2@example.com", "Money 2").await;
    create(&app, &other, &[("title", "Tenth"), ("value", "0.1")]).await;
    create(&app, &other, &[("title", "Fifth"), ("value", "0.2")]).await;
    let s = app.get("/api/deals/stats", Some(&other)).await;
    assert_eq!(s.json["open_value"], "0.30");
    assert_eq!(s.json["weighted_value"], "0.03");
    let board = app.get("/api/deals/board", Some(&other)).await;
    assert_eq!(board.json["columns"][0]["total_value"], "0.30");
    let big = create(&app, &other, &[("title", "Big"), ("value", "12345678901234.56")]).await;
    assert_eq!(big["value"], "12345678901234.56");
    assert_eq!(get(&app, &other, &big["id"]).await["value"], "12345678901234.56");
    let list = app.get("/api/deals/list?ordering=-value&page_size=1", Some(&other)).await;
    assert_eq!(list.json["results"][0]["value"], "12345678901234.56");
});

both!(lists_filter_search_order_and_count, |app| async {
    let token = app.register("dlist@example.com", "Deal lists").await;
    let p = pipeline(&app, &token).await;
    let acme = app.customer(&token, &[("name", "Acme Corp")]).await.to_string();
    let globex = app.customer(&token, &[("name", "Globex")]).await.to_string();
    let (_, _, me_employee) = me(&app, &token).await;
    let me_employee = me_employee.unwrap().to_string();
    let rows: [(&str, &str, &str, &str, &str, &str); 5] = [
        ("Alpha rollout", "100", "Lead", "low", "2026-01-15", &acme),
        ("Beta upgrade", "250.50", "Qualified", "high", "2026-02-20", &globex),
        ("Gamma support", "999.99", "Proposal", "urgent", "", &acme),
        ("Delta renewal", "5000", "Won", "medium", "2026-03-01", ""),
        ("Epsilon pilot", "0", "Lost", "low", "2026-01-31", &globex),
    ];
    for (title, value, stage_name, priority, close, customer) in rows {
        let stage_id = stage(&p, stage_name);
        let mut form = vec![
            ("title", title),
            ("value", value),
            ("stage_id", stage_id.as_str()),
            ("priority", priority),
            ("expected_close_date", close),
            ("customer_id", customer),
        ];
        if title == "Alpha rollout" {
            form.push(("assigned_to", me_employee.as_str()));
        }
        create(&app, &token, &form).await;
    }

    let r = app.get("/api/deals/list", Some(&token)).await;
    assert_eq!(r.json["count"], 5);
    assert_eq!(r.json["results"][0]["title"], "Epsilon pilot", "newest first");
    let cases = [
        (format!("stage={}", stage(&p, "Lead")), 1),
        (format!("stage={}", stage(&p, "Negotiation")), 0),
        (format!("pipeline={}", p["id"]), 5),
        ("status=open".into(), 3),
        ("status=won".into(), 1),
        ("status=lost".into(), 1),
        ("priority=low".into(), 2),
        ("status=open&priority=low".into(), 1),
        ("value_min=250.50".into(), 3),
        ("value_max=250.5".into(), 3),
        ("value_min=100&value_max=999.99".into(), 3),
        ("value_min=1000000".into(), 0),
        ("close_from=2026-01-31".into(), 3),
        ("close_to=2026-01-31".into(), 2),
        ("close_from=2026-01-16&close_to=2026-02-28".into(), 2),
        (format!("customer={acme}"), 2),
        (format!("assigned_to={me_employee}"), 1),
        ("search=acme".into(), 2),
        ("search=ROLLOUT".into(), 1),
        ("search=ta".into(), 2),
        ("search=xyz".into(), 0),
        ("search=%25".into(), 0),
        (format!("search=pilot&customer={globex}&status=lost"), 1),
    ];
    for (query, expected) in cases {
        assert_eq!(count(&app, &token, &query).await, expected, "{query}");
    }

    let titles = |r: &Value| -> Vec<String> {
        r["results"].as_array().unwrap().iter().map(|d| d["title"].as_str().unwrap().to_owned()).collect()
    };
    let r = app.get("/api/deals/list?ordering=value", Some(&token)).await;
    assert_eq!(titles(&r.json), ["Epsilon pilot", "Alpha rollout", "Beta upgrade", "Gamma support", "Delta renewal"]);
    let r = app.get("/api/deals/list?ordering=expected_close_date", Some(&token)).await;
    assert_eq!(titles(&r.json), ["Alpha rollout", "Epsilon pilot", "Beta upgrade", "Delta renewal", "Gamma support"]);
    let r = app.get("/api/deals/list?ordering=-expected_close_date", Some(&token)).await;
    assert_eq!(titles(&r.json), ["Delta renewal", "Beta upgrade", "Epsilon pilot", "Alpha rollout", "Gamma support"]);
    let r = app.get("/api/deals/list?ordering=title&page_size=2&page=2", Some(&token)).await;
    assert_eq!(r.json["count"], 5);
    assert_eq!(titles(&r.json), ["Delta renewal", "Epsilon pilot"]);
    assert!(r.json["next"].as_str().unwrap().contains("page=3"));
    assert!(r.json["previous"].as_str().unwrap().contains("page=1"));
    let r = app.get("/api/deals/list?status=open&page=9", Some(&token)).await;
    assert_eq!((r.json["count"].clone(), r.json["results"].clone()), (json!(3), json!([])));

    let r = app
        .get("/api/deals/list?status=maybe&value_min=abc&close_from=01/02/2026&ordering=secret&stage=x", Some(&token))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["status", "value_min", "close_from", "ordering", "stage"] {
        assert!(r.json["details"][field].is_array(), "{field}: {}", r.text);
    }

    // Search follows the customer's name.
    app.post("/api/customers/update", Some(&token), &[("id", &acme), ("name", "Initech")]).await;
    assert_eq!(count(&app, &token, "search=acme").await, 0);
    assert_eq!(count(&app, &token, "search=initech").await, 2);
    assert_eq!(app.post("/api/customers/delete", Some(&token), &[("id", &globex)]).await.status, StatusCode::OK);
    assert_eq!(count(&app, &token, "search=globex").await, 0);
    assert_eq!(count(&app, &token, "search=beta").await, 1, "the deal stays, without its customer");
    // The title too.
    let alpha = app.get("/api/deals/list?search=alpha", Some(&token)).await.json["results"][0]["id"].to_string();
    app.post("/api/deals/update", Some(&token), &[("id", &alpha), ("title", "Omega launch")]).await;
    assert_eq!(count(&app, &token, "search=alpha").await, 0);
    assert_eq!(count(&app, &token, "search=omega%20launch").await, 1);
});

both!(stats_are_computed_exactly, |app| async {
    let token = app.register("dstats@example.com", "Deal stats").await;
    let p = pipeline(&app, &token).await;
    let empty = app.get("/api/deals/stats", Some(&token)).await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.text);
    assert_eq!(empty.json["open_count"], 0);
    assert_eq!(
        (empty.json["win_rate"].clone(), empty.json["average_deal_size"].clone()),
        (json!("0.0"), json!("0.00"))
    );
    for (value, stage_name) in [
        ("100", "Lead"),
        ("250.50", "Qualified"),
        ("999.99", "Proposal"),
        ("5000", "Won"),
        ("1200.01", "Won"),
        ("300", "Lost"),
    ] {
        create(&app, &token, &[("title", "S"), ("value", value), ("stage_id", &stage(&p, stage_name))]).await;
    }
    // Another pipeline's deal counts in the totals, not in that pipeline's figures.
    let second = app.post("/api/pipelines/create", Some(&token), &[("name", "Second")]).await.json;
    create(&app, &token, &[("title", "Elsewhere"), ("value", "7"), ("pipeline_id", &second["id"].to_string())]).await;

    let s = app.get(&format!("/api/deals/stats?pipeline={}", p["id"]), Some(&token)).await.json;
    assert_eq!(s["currency"], "USD");
    assert_eq!((s["open_count"].clone(), s["open_value"].clone()), (json!(3), json!("1350.49")));
    // 100 × 10% + 250.50 × 25% + 999.99 × 50% = 10 + 62.625 + 499.995 = 572.62
    assert_eq!(s["weighted_value"], "572.62");
    assert_eq!((s["won_count"].clone(), s["won_value"].clone()), (json!(2), json!("6200.01")));
    assert_eq!(s["lost_count"], 1);
    assert_eq!(s["win_rate"], "66.7", "2 of 3 closed");
    assert_eq!(s["average_deal_size"], "3100.01", "6200.01 / 2 = 3100.005, half away from zero");
    let by_stage: Vec<_> = s["by_stage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_owned(),
                t["count"].as_i64().unwrap(),
                t["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("Lead", 1, "100.00"),
        ("Qualified", 1, "250.50"),
        ("Proposal", 1, "999.99"),
        ("Negotiation", 0, "0.00"),
        ("Won", 2, "6200.01"),
        ("Lost", 1, "300.00"),
    ];
    assert_eq!(by_stage, expected.map(|(n, c, v)| (n.to_owned(), c, v.to_owned())));

    let all = app.get("/api/deals/stats", Some(&token)).await.json;
    assert_eq!((all["open_count"].clone(), all["open_value"].clone()), (json!(4), json!("1357.49")));
    assert_eq!(all["weighted_value"], "573.32", "plus 7 × 10%");
    assert_eq!(all["by_stage"].as_array().unwrap().len(), 12, "every stage of both pipelines");
    assert_eq!(all["by_stage"][0]["name"], "Lead", "the default pipeline first");
});

both!(the_board_shows_totals_and_the_first_cards_per_stage, |app| async {
    let token = app.register("board@example.com", "Board").await;
    let (user, org, _) = me(&app, &token).await;
    let p = pipeline(&app, &token).await;
    let customer = app.customer(&token, &[("name", "Board Customer")]).await;

    // 60 deals in the first stage, the way lead conversion creates them (default pipeline and stage).
    let mut tx = app.db.write().await.unwrap();
    let mut ids = Vec::new();
    for i in 0..60 {
        let fields =
            DealFields { title: format!("Bulk {i:02}"), value: Decimal::new(1001, 2), ..DealFields::default() };
        ids.push(repo::deals::create(&mut tx, org, user, "USD", &fields, None).await.unwrap());
    }
    tx.commit().await.unwrap();
    let first = get(&app, &token, &json!(ids[0])).await;
    assert_eq!((first["stage_name"].clone(), first["probability"].clone()), (json!("Lead"), json!(10)));

    let (_, _, employee) = me(&app, &token).await;
    let q1 = create(
        &app,
        &token,
        &[
            ("title", "Card one"),
            ("value", "1.10"),
            ("stage_id", &stage(&p, "Qualified")),
            ("customer_id", &customer.to_string()),
            ("assigned_to", &employee.unwrap().to_string()),
        ],
    )
    .await;
    let q2 =
        create(&app, &token, &[("title", "Card two"), ("value", "2.20"), ("stage_id", &stage(&p, "Qualified"))]).await;
    // The second has been in its stage for three days: it comes first.
    let three_days_ago = Utc::now() - Duration::days(3) - Duration::minutes(5);
    let mut conn = app.db.write().await.unwrap();
    on!(conn, c => sqlx::query("update deals set stage_entered_at = $1 where id = $2").bind(three_days_ago).bind(q2["id"].as_i64().unwrap()).execute(c).await.unwrap().rows_affected());
    conn.commit().await.unwrap();

    let r = app.get("/api/deals/board", Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let b = &r.json;
    assert_eq!(b["pipeline"]["id"], p["id"], "the default pipeline");
    assert_eq!(b["currency"], "USD");
    let cols = b["columns"].as_array().unwrap();
    assert_eq!(cols.len(), 6);
    let lead = &cols[0];
    assert_eq!(lead["stage"]["name"], "Lead");
    assert_eq!((lead["count"].clone(), lead["total_value"].clone()), (json!(60), json!("600.60")));
    let cards: Vec<i64> = lead["cards"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    assert_eq!(cards, ids[..50], "the first 50, longest in the stage first");
    let qualified = &cols[1];
    assert_eq!((qualified["count"].clone(), qualified["total_value"].clone()), (json!(2), json!("3.30")));
    let c = &qualified["cards"];
    assert_eq!((c[0]["title"].clone(), c[0]["days_in_stage"].clone()), (json!("Card two"), json!(3)));
    assert_eq!(c[1]["id"], q1["id"]);
    assert_eq!(c[1]["customer_name"], "Board Customer");
    assert_eq!(c[1]["customer_id"], customer);
    assert_eq!(c[1]["assigned_to_name"], "Test User");
    assert_eq!((c[1]["value"].clone(), c[1]["status"].clone()), (json!("1.10"), json!("open")));
    assert_eq!((c[1]["days_in_stage"].clone(), c[1]["version"].clone()), (json!(0), json!(1)));
    for col in &cols[2..] {
        assert_eq!(
            (col["count"].clone(), col["total_value"].clone(), col["cards"].clone()),
            (json!(0), json!("0.00"), json!([]))
        );
    }

    // Moves, value changes and deletes keep the totals right.
    let moved = ids[3].to_string();
    app.post("/api/deals/move", Some(&token), &[("id", &moved), ("stage_id", &stage(&p, "Won"))]).await;
    app.post("/api/deals/update", Some(&token), &[("id", &q1["id"].to_string()), ("value", "5")]).await;
    app.post("/api/deals/delete", Some(&token), &[("id", &ids[0].to_string())]).await;
    let b = app.get(&format!("/api/deals/board?pipeline={}", p["id"]), Some(&token)).await.json;
    let lead = &b["columns"][0];
    assert_eq!((lead["count"].clone(), lead["total_value"].clone()), (json!(58), json!("580.58")));
    let cards: Vec<i64> = lead["cards"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    let expected: Vec<i64> = ids[1..].iter().copied().filter(|id| *id != ids[3]).take(50).collect();
    assert_eq!(cards, expected);
    assert_eq!(b["columns"][1]["total_value"], "7.20");
    assert_eq!((b["columns"][4]["count"].clone(), b["columns"][4]["total_value"].clone()), (json!(1), json!("10.01")));
    assert_eq!(b["columns"][4]["cards"][0]["status"], "won");

    // Another pipeline's board.
    let second =
        app.post("/api/pipelines/create", Some(&token), &[("name", "Second"), ("stages", "One, Two")]).await.json;
    let b = app.get(&format!("/api/deals/board?pipeline={}", second["id"]), Some(&token)).await.json;
    assert_eq!(b["columns"].as_array().unwrap().len(), 2);
    assert_eq!(b["columns"][0]["count"], 0);
    assert_eq!(app.get("/api/deals/board?pipeline=999999", Some(&token)).await.status, StatusCode::NOT_FOUND);
});

both!(sales_reps_see_and_change_only_their_own_deals, |app| async {
    let owner = app.register("downer@example.com", "Deal scope").await;
    let rep = app.member(&owner, "drep@example.com", "sales_rep").await;
    let (_, _, rep_employee) = me(&app, &rep).await;
    let mine = create(&app, &rep, &[("title", "Rep's own"), ("value", "10")]).await;
    assert_eq!(mine["assigned_to"], json!(rep_employee.unwrap()), "assigned to its creator");
    assert_eq!(mine["assigned_to_name"], "Test User");
    let others = create(&app, &owner, &[("title", "Owner's"), ("value", "20")]).await;

    let list = app.get("/api/deals/list", Some(&rep)).await;
    assert_eq!(list.json["count"], 1, "{}", list.text);
    assert_eq!(list.json["results"][0]["id"], mine["id"]);
    assert_eq!(count(&app, &rep, "search=owner").await, 0);
    let board = app.get("/api/deals/board", Some(&rep)).await.json;
    assert_eq!(
        (board["columns"][0]["count"].clone(), board["columns"][0]["total_value"].clone()),
        (json!(1), json!("10.00"))
    );
    assert_eq!(board["columns"][0]["cards"].as_array().unwrap().len(), 1);
    let stats = app.get("/api/deals/stats", Some(&rep)).await.json;
    assert_eq!((stats["open_count"].clone(), stats["open_value"].clone()), (json!(1), json!("10.00")));
    assert_eq!(stats["by_stage"][0]["count"], 1);

    let oid = others["id"].to_string();
    let p = pipeline(&app, &owner).await;
    let attempts = [
        app.get(&format!("/api/deals/get?id={oid}"), Some(&rep)).await,
        app.post("/api/deals/update", Some(&rep), &[("id", &oid), ("title", "Mine now")]).await,
        app.post("/api/deals/move", Some(&rep), &[("id", &oid), ("stage_id", &stage(&p, "Won"))]).await,
        app.post("/api/deals/won", Some(&rep), &[("id", &oid)]).await,
        app.post("/api/deals/lost", Some(&rep), &[("id", &oid), ("reason", "x")]).await,
        app.post("/api/deals/reopen", Some(&rep), &[("id", &oid)]).await,
    ];
    for r in attempts {
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    }
    assert_eq!(get(&app, &owner, &others["id"]).await, others);
    // Reps change their own deals but may not delete.
    let r = app
        .post("/api/deals/move", Some(&rep), &[("id", &mine["id"].to_string()), ("stage_id", &stage(&p, "Proposal"))])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app.post("/api/deals/delete", Some(&rep), &[("id", &mine["id"].to_string())]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The owner sees both.
    assert_eq!(count(&app, &owner, "").await, 2);
    assert_eq!(app.get("/api/deals/board", Some(&owner)).await.json["columns"][0]["count"], 1);
    assert_eq!(app.get("/api/deals/stats", Some(&owner)).await.json["open_count"], 2);
});

both!(roles_without_deal_permissions_get_403, |app| async {
    let owner = app.register("droles@example.com", "Deal roles").await;
    let d = create(&app, &owner, &[("title", "Guarded")]).await;
    let id = d["id"].to_string();
    let marketing = app.member(&owner, "dmkt@example.com", "marketing_rep").await;
    let attempts = [
        app.post("/api/deals/create", Some(&marketing), &[("title", "Nope")]).await,
        app.get("/api/deals/list", Some(&marketing)).await,
        app.get(&format!("/api/deals/get?id={id}"), Some(&marketing)).await,
        app.get("/api/deals/board", Some(&marketing)).await,
        app.get("/api/deals/stats", Some(&marketing)).await,
        app.post("/api/deals/won", Some(&marketing), &[("id", &id)]).await,
    ];
    for r in attempts {
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
        assert_eq!(r.json["code"], "forbidden");
    }
    // Managers see and change every deal but do not delete.
    let manager = app.member(&owner, "dmgr@example.com", "manager").await;
    assert_eq!(get(&app, &manager, &d["id"]).await["title"], "Guarded");
    let r = app.post("/api/deals/update", Some(&manager), &[("id", &id), ("title", "Managed")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app.post("/api/deals/create", Some(&manager), &[("title", "Unassigned")]).await;
    assert_eq!(r.json["assigned_to"], json!(null));
    assert_eq!(app.post("/api/deals/delete", Some(&manager), &[("id", &id)]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/deals/list", None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get(&format!("/api/deals/won?id={id}"), Some(&owner)).await.status, StatusCode::METHOD_NOT_ALLOWED);
});

both!(another_organizations_deal_is_404_and_unchanged, |app| async {
    let alice = app.register("dalice@example.com", "Alice Deals").await;
    let mallory = app.register("dmallory@example.com", "Mallory Deals").await;
    let customer = app.customer(&alice, &[("name", "Alice's client")]).await;
    let d = create(&app, &alice, &[("title", "Alice's deal"), ("value", "42"), ("customer_id", &customer.to_string())])
        .await;
    let id = d["id"].to_string();
    let theirs = pipeline(&app, &mallory).await;
    let alices = pipeline(&app, &alice).await;

    let attempts = [
        app.get(&format!("/api/deals/get?id={id}"), Some(&mallory)).await,
        app.post("/api/deals/update", Some(&mallory), &[("id", &id), ("title", "Pwned")]).await,
        app.post("/api/deals/move", Some(&mallory), &[("id", &id), ("stage_id", &stage(&theirs, "Won"))]).await,
        app.post("/api/deals/move", Some(&mallory), &[("id", &id), ("stage_id", &stage(&alices, "Won"))]).await,
        app.post("/api/deals/won", Some(&mallory), &[("id", &id)]).await,
        app.post("/api/deals/lost", Some(&mallory), &[("id", &id), ("reason", "sabotage")]).await,
        app.post("/api/deals/reopen", Some(&mallory), &[("id", &id)]).await,
        app.post("/api/deals/delete", Some(&mallory), &[("id", &id)]).await,
        app.get(&format!("/api/deals/board?pipeline={}", alices["id"]), Some(&mallory)).await,
        app.get(&format!("/api/deals/stats?pipeline={}", alices["id"]), Some(&mallory)).await,
    ];
    for r in attempts {
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
        assert!(!r.text.contains("Alice"), "no data of the other organization in the body");
    }
    assert_eq!(get(&app, &alice, &d["id"]).await, d, "nothing changed");
    assert_eq!(count(&app, &mallory, "").await, 0);
    assert_eq!(count(&app, &mallory, &format!("customer={customer}")).await, 0);
    assert_eq!(app.get("/api/deals/stats", Some(&mallory)).await.json["open_count"], 0);
    assert_eq!(app.get("/api/deals/board", Some(&mallory)).await.json["columns"][0]["count"], 0);
});

both!(a_close_date_is_today_in_the_organizations_time_zone, |app| async {
    let token = app.register("tz-deals@example.com", "Far Away").await;
    // A fixed-offset zone whose date differs from UTC's now: Kiritimati (UTC+14) is a day ahead
    // from 10:00 UTC on, Etc/GMT+12 (UTC-12) a day behind before 12:00 UTC.
    let (zone, hours) = if Utc::now().hour() >= 10 { ("Pacific/Kiritimati", 14) } else { ("Etc/GMT+12", -12) };
    let r = app.post("/api/organizations/update", Some(&token), &[("time_zone", zone)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let local_today = || (Utc::now() + Duration::hours(hours)).date_naive().to_string();
    let before = local_today();
    assert_ne!(before, today());
    let d = app.post("/api/deals/create", Some(&token), &[("title", "Dateline")]).await;
    let id = d.json["id"].to_string();
    let r = app.post("/api/deals/won", Some(&token), &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let closed = r.json["actual_close_date"].as_str().unwrap().to_owned();
    // (Either local date, should the test run across the zone's midnight.)
    assert!(closed == before || closed == local_today(), "closed on {closed}, local today {before}");
});
