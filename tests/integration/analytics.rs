//! Analytics (SPEC §5) against a small fixed data set whose figures are worked out by hand in
//! the comments: revenue by period (and in the organization's time zone), employee
//! performance, top performers, the funnel, the dashboard and quick stats, scopes and errors.

use axum::http::StatusCode;
use chrono::{Datelike, Duration, Months, Utc};
use serde_json::Value;

use crate::common::{self, TestApp};
use crate::orders::me;

/// Creates a deal and returns its id.
async fn deal(app: &TestApp, token: &str, customer: &str, value: &str, assigned_to: i64) -> String {
    let r = app
        .post(
            "/api/deals/create",
            Some(token),
            &[
                ("title", "Deal"),
                ("customer_id", customer),
                ("value", value),
                ("assigned_to", &assigned_to.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json["id"].to_string()
}

/// Closes a deal as won or lost (`verb`) and dates the close.
async fn close(app: &TestApp, token: &str, id: &str, verb: &str, day: &str) {
    let r = app.post(&format!("/api/deals/{verb}"), Some(token), &[("id", id), ("reason", "Price")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    app.exec(&format!("update deals set actual_close_date = '{day}' where id = {id}")).await;
}

/// Creates an incoming payment of `amount` and returns its id.
async fn payment(app: &TestApp, token: &str, customer: &str, amount: &str, currency: &str) -> String {
    let r = app
        .post(
            "/api/payments/create",
            Some(token),
            &[("customer_id", customer), ("amount", amount), ("currency", currency)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json["id"].to_string()
}

fn amounts(r: &Value, slot: &str) -> Vec<(String, i64, String)> {
    r["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["label"].as_str().unwrap().to_owned(),
                b[slot]["count"].as_i64().unwrap(),
                b[slot]["amount"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn get_ok(r: common::Resp) -> Value {
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json
}

/// The fixed data set. Returns the owner's and the sales rep's tokens and employee ids.
async fn fixture(app: &TestApp) -> (String, String, i64, i64, String) {
    let owner = app.register("figures@example.com", "Figures Co").await;
    let rep = app.member(&owner, "rep@example.com", "sales_rep").await;
    let (_, _, owner_emp) = me(app, &owner).await;
    let (_, _, rep_emp) = me(app, &rep).await;
    let (owner_emp, rep_emp) = (owner_emp.unwrap(), rep_emp.unwrap());
    let customer = app.customer(&owner, &[("name", "Acme")]).await.to_string();

    // Deals closed in 2025: March has D1 (rep, 1000) and D2 (owner, 250.50) won and D4 (rep,
    // 300) lost; May has D3 (rep, 400) won.
    let d1 = deal(app, &owner, &customer, "1000", rep_emp).await;
    close(app, &owner, &d1, "won", "2025-03-10").await;
    let d2 = deal(app, &owner, &customer, "250.50", owner_emp).await;
    close(app, &owner, &d2, "won", "2025-03-31").await;
    let d3 = deal(app, &owner, &customer, "400", rep_emp).await;
    close(app, &owner, &d3, "won", "2025-05-02").await;
    let d4 = deal(app, &owner, &customer, "300", rep_emp).await;
    close(app, &owner, &d4, "lost", "2025-03-20").await;

    // Incoming payments: P1 100 dated 2025-03-05; P2 50 without a date, processed at
    // 2025-03-31 23:30 UTC (already 1 April in Berlin). Not revenue: an outgoing one, one in
    // another currency, and a pending one.
    let p1 = payment(app, &owner, &customer, "100", "USD").await;
    app.exec(&format!("update payments set status = 'completed', payment_date = '2025-03-05' where id = {p1}")).await;
    let p2 = payment(app, &owner, &customer, "50", "USD").await;
    app.exec(&format!(
        "update payments set status = 'completed', processed_at = '2025-03-31T23:30:00+00:00' where id = {p2}"
    ))
    .await;
    let out = payment(app, &owner, &customer, "999", "USD").await;
    app.exec(&format!(
        "update payments set status = 'completed', payment_type = 'outgoing', payment_date = '2025-03-06' where id = {out}"
    ))
    .await;
    let eur = payment(app, &owner, &customer, "80", "EUR").await;
    app.exec(&format!("update payments set status = 'completed', payment_date = '2025-03-07' where id = {eur}")).await;
    payment(app, &owner, &customer, "5", "USD").await;

    // The rep completed an activity and the owner converted a lead in March 2025.
    let a = app
        .post(
            "/api/activities/create",
            Some(&owner),
            &[
                ("activity_type", "call"),
                ("title", "Call"),
                ("customer_id", &customer),
                ("assigned_to", &rep_emp.to_string()),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    app.exec(&format!(
        "update activities set status = 'completed', completed_at = '2025-03-15T10:00:00+00:00' where id = {}",
        a.json["id"]
    ))
    .await;
    let l = app
        .post(
            "/api/leads/create",
            Some(&owner),
            &[("first_name", "Converted"), ("assigned_to", &owner_emp.to_string())],
        )
        .await;
    assert_eq!(l.status, StatusCode::OK, "{}", l.text);
    app.exec(&format!(
        "update leads set status = 'converted', converted_at = '2025-03-20T09:00:00+00:00' where id = {}",
        l.json["id"]
    ))
    .await;

    // Another organization's won deal must never count.
    let other = app.register("other-figures@example.com", "Other Co").await;
    let (_, _, other_emp) = me(app, &other).await;
    let other_customer = app.customer(&other, &[("name", "Elsewhere")]).await.to_string();
    let od = deal(app, &other, &other_customer, "7777", other_emp.unwrap()).await;
    close(app, &other, &od, "won", "2025-03-15").await;
    (owner, rep, owner_emp, rep_emp, customer)
}

both!(revenue_by_period_matches_the_hand_computed_figures, |app| async {
    let (owner, rep, ..) = fixture(&app).await;
    let r = get_ok(app.get("/api/analytics/revenue?period=month&from=2025-03-01&to=2025-05-31", Some(&owner)).await);
    assert_eq!(
        amounts(&r, "won"),
        [
            ("Mar 2025".into(), 2, "1250.50".into()),
            ("Apr 2025".into(), 0, "0.00".into()),
            ("May 2025".into(), 1, "400.00".into())
        ]
    );
    assert_eq!(
        amounts(&r, "received"),
        [
            ("Mar 2025".into(), 2, "150.00".into()),
            ("Apr 2025".into(), 0, "0.00".into()),
            ("May 2025".into(), 0, "0.00".into())
        ]
    );
    assert_eq!((r["total_won"]["count"].as_i64(), r["total_won"]["amount"].as_str()), (Some(3), Some("1650.50")));
    assert_eq!(r["total_received"]["amount"], "150.00");
    assert_eq!(
        (r["from"].as_str(), r["to"].as_str(), r["currency"].as_str()),
        (Some("2025-03-01"), Some("2025-05-31"), Some("USD"))
    );

    let q = get_ok(app.get("/api/analytics/revenue?period=quarter&from=2025-01-01&to=2025-06-30", Some(&owner)).await);
    assert_eq!(amounts(&q, "won"), [("Q1 2025".into(), 2, "1250.50".into()), ("Q2 2025".into(), 1, "400.00".into())]);
    let d = get_ok(app.get("/api/analytics/revenue?period=day&from=2025-03-30&to=2025-04-01", Some(&owner)).await);
    assert_eq!(
        amounts(&d, "won"),
        [
            ("2025-03-30".into(), 0, "0.00".into()),
            ("2025-03-31".into(), 1, "250.50".into()),
            ("2025-04-01".into(), 0, "0.00".into())
        ]
    );
    assert_eq!(amounts(&d, "received")[1], ("2025-03-31".into(), 1, "50.00".into()));

    // In Berlin, P2 (23:30 UTC on 31 March) was received on 1 April.
    let u = app.post("/api/organizations/update", Some(&owner), &[("time_zone", "Europe/Berlin")]).await;
    assert_eq!(u.status, StatusCode::OK, "{}", u.text);
    let r = get_ok(app.get("/api/analytics/revenue?period=month&from=2025-03-01&to=2025-04-30", Some(&owner)).await);
    assert_eq!(
        amounts(&r, "received"),
        [("Mar 2025".into(), 1, "100.00".into()), ("Apr 2025".into(), 1, "50.00".into())]
    );
    assert_eq!(r["time_zone"], "Europe/Berlin");

    // A sales rep's revenue is that of their own deals (D1, D3), and no payments: theirs are
    // those of orders assigned to them.
    let r = get_ok(app.get("/api/analytics/revenue?period=month&from=2025-03-01&to=2025-05-31", Some(&rep)).await);
    assert_eq!(
        amounts(&r, "won"),
        [
            ("Mar 2025".into(), 1, "1000.00".into()),
            ("Apr 2025".into(), 0, "0.00".into()),
            ("May 2025".into(), 1, "400.00".into())
        ]
    );
    assert_eq!(r["total_received"]["count"], 0);
});

both!(employee_performance_and_top_performers_match_the_hand_computed_figures, |app| async {
    let (owner, rep, owner_emp, rep_emp, _) = fixture(&app).await;
    let r = get_ok(app.get("/api/analytics/employee_performance?from=2025-03-01&to=2025-03-31", Some(&owner)).await);
    let rows: Vec<(i64, i64, String, i64, String, i64, i64)> = r["employees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["employee_id"].as_i64().unwrap(),
                e["deals_won"].as_i64().unwrap(),
                e["revenue"].as_str().unwrap().to_owned(),
                e["deals_lost"].as_i64().unwrap(),
                e["win_rate"].as_str().unwrap().to_owned(),
                e["activities_completed"].as_i64().unwrap(),
                e["leads_converted"].as_i64().unwrap(),
            )
        })
        .collect();
    // The rep: D1 won (1000), D4 lost, one call; the owner: D2 won (250.50), one lead converted.
    assert_eq!(
        rows,
        [
            (rep_emp, 1, "1000.00".into(), 1, "50.0".into(), 1, 0),
            (owner_emp, 1, "250.50".into(), 0, "100.0".into(), 0, 1),
        ]
    );

    let top =
        get_ok(app.get("/api/analytics/top_performers?from=2025-03-01&to=2025-05-31&limit=1", Some(&owner)).await);
    let top: Vec<_> = top["employees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["employee_id"].as_i64(), e["revenue"].clone()))
        .collect();
    assert_eq!(top, [(Some(rep_emp), Value::from("1400.00"))]);
    // Nobody won anything in April 2025: no top performers.
    let none = get_ok(app.get("/api/analytics/top_performers?from=2025-04-01&to=2025-04-30", Some(&owner)).await);
    assert_eq!(none["employees"], Value::Array(vec![]));

    // A sales rep sees only their own row.
    let mine = get_ok(app.get("/api/analytics/employee_performance?from=2025-03-01&to=2025-03-31", Some(&rep)).await);
    let ids: Vec<_> = mine["employees"].as_array().unwrap().iter().map(|e| e["employee_id"].as_i64()).collect();
    assert_eq!(ids, [Some(rep_emp)]);
});

both!(the_funnel_counts_leads_stages_and_won_deals, |app| async {
    let (owner, ..) = fixture(&app).await;
    let (_, _, owner_emp) = me(&app, &owner).await;
    let customer = app.customer(&owner, &[("name", "Open deal")]).await.to_string();
    deal(&app, &owner, &customer, "2000", owner_emp.unwrap()).await;
    for name in ["New one", "Qualified one"] {
        let l = app.post("/api/leads/create", Some(&owner), &[("first_name", name)]).await;
        if name.starts_with("Qualified") {
            let q = app.post("/api/leads/qualify", Some(&owner), &[("id", &l.json["id"].to_string())]).await;
            assert_eq!(q.status, StatusCode::OK, "{}", q.text);
        }
    }
    let f = get_ok(app.get("/api/analytics/funnel", Some(&owner)).await);
    let steps: Vec<(String, i64, String)> = f["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["key"].as_str().unwrap().to_owned(),
                s["count"].as_i64().unwrap(),
                s["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // Leads: new 1, contacted 0, qualified 1, converted 1; the open deal (2000) in the first
    // stage; won D1–D3 (1650.50). Lost 1, so the win rate is 3 / 4.
    assert_eq!(
        &steps[..4],
        [
            ("lead:new".into(), 1, "0.00".into()),
            ("lead:contacted".into(), 0, "0.00".into()),
            ("lead:qualified".into(), 1, "0.00".into()),
            ("lead:converted".into(), 1, "0.00".into()),
        ]
    );
    assert!(steps[4].0.starts_with("stage:"));
    assert_eq!((steps[4].1, steps[4].2.as_str()), (1, "2000.00"));
    assert!(steps[5..steps.len() - 1].iter().all(|s| s.1 == 0), "the other open stages are empty: {steps:?}");
    assert_eq!(steps.last().unwrap(), &("won".into(), 3, "1650.50".into()));
    assert_eq!(
        (f["lost"].as_i64(), f["win_rate"].as_str(), f["lead_conversion_rate"].as_str()),
        (Some(1), Some("75.0"), Some("33.3"))
    );
});

both!(the_dashboard_and_quick_stats_count_this_month_in_scope, |app| async {
    let (owner, rep, owner_emp, _rep_emp, customer) = fixture(&app).await;
    let today = Utc::now().date_naive();
    let last_month = (today.with_day(1).unwrap() - Months::new(1)).with_day(15).unwrap();
    // This month: D6 won (500); last month: D7 won (400); open: D5 (2000).
    let d6 = deal(&app, &owner, &customer, "500", owner_emp).await;
    close(&app, &owner, &d6, "won", &today.to_string()).await;
    let d7 = deal(&app, &owner, &customer, "400", owner_emp).await;
    close(&app, &owner, &d7, "won", &last_month.to_string()).await;
    let d5 = app
        .post("/api/deals/create", Some(&owner), &[("title", "Open"), ("customer_id", &customer), ("value", "2000")])
        .await;
    let probability = d5.json["probability"].as_i64().unwrap();
    // A second customer, inactive; a sales order (120) and a purchase order (999) today.
    let c2 = app.customer(&owner, &[("name", "Dormant")]).await.to_string();
    app.post("/api/customers/deactivate", Some(&owner), &[("id", &c2)]).await;
    let v = crate::vendors::vendor(&app, &owner, "Supplier").await;
    let items = |price: &str| format!(r#"[{{"item_name":"Thing","quantity":"1","unit_price":"{price}"}}]"#);
    crate::orders::create(
        &app,
        &owner,
        &[("title", "Sale"), ("vendor_id", &v), ("order_type", "sales"), ("items", &items("120"))],
    )
    .await;
    crate::orders::create(
        &app,
        &owner,
        &[("title", "Buy"), ("vendor_id", &v), ("order_type", "purchase"), ("items", &items("999"))],
    )
    .await;
    // Payments: the pending 5 from the fixture was due yesterday; 30 processed now.
    app.exec(&format!("update payments set due_date = '{}' where status = 'pending'", today - Duration::days(1))).await;
    let p = payment(&app, &owner, &customer, "30", "USD").await;
    assert_eq!(app.post("/api/payments/process", Some(&owner), &[("id", &p)]).await.status, StatusCode::OK);
    // An urgent open issue; an overdue call and a note completed now.
    let i = app
        .post(
            "/api/issues/create",
            Some(&owner),
            &[("title", "Broken"), ("priority", "urgent"), ("customer_id", &customer)],
        )
        .await;
    assert_eq!(i.status, StatusCode::OK, "{}", i.text);
    let yesterday = (Utc::now() - Duration::days(1)).to_rfc3339();
    let call = [
        ("activity_type", "call"),
        ("title", "Late"),
        ("customer_id", customer.as_str()),
        ("scheduled_at", yesterday.as_str()),
    ];
    assert_eq!(app.post("/api/activities/create", Some(&owner), &call).await.status, StatusCode::OK);
    let note = [("activity_type", "note"), ("title", "Noted"), ("customer_id", customer.as_str())];
    assert_eq!(app.post("/api/activities/create", Some(&owner), &note).await.status, StatusCode::OK);

    let d = get_ok(app.get("/api/analytics/dashboard", Some(&owner)).await);
    let weighted = rust_decimal::Decimal::from(2000 * probability) / rust_decimal::Decimal::from(100);
    let figure = |path: &str| d.pointer(path).cloned().unwrap_or(Value::Null);
    assert_eq!(figure("/today"), Value::from(today.to_string()));
    assert_eq!(
        (figure("/customers"), figure("/active_customers"), figure("/new_customers_this_month")),
        (2.into(), 1.into(), 2.into())
    );
    // Leads: the converted one from the fixture only.
    assert_eq!(
        (figure("/leads"), figure("/open_leads"), figure("/new_leads_this_month")),
        (1.into(), 0.into(), 1.into())
    );
    assert_eq!((figure("/open_deals/count"), figure("/open_deals/amount")), (1.into(), "2000.00".into()));
    assert_eq!(figure("/weighted_pipeline").as_str().unwrap().parse::<rust_decimal::Decimal>().unwrap(), weighted);
    assert_eq!((figure("/won_this_month/count"), figure("/won_this_month/amount")), (1.into(), "500.00".into()));
    assert_eq!(figure("/won_last_month/amount"), "400.00");
    assert_eq!(figure("/won_change_percent"), "25.0");
    // Won D1, D2, D3, D6, D7; lost D4.
    assert_eq!(figure("/win_rate"), "83.3");
    assert_eq!((figure("/orders_this_month"), figure("/order_revenue_this_month")), (2.into(), "120.00".into()));
    assert_eq!(
        (figure("/outstanding_payments/count"), figure("/outstanding_payments/amount")),
        (1.into(), "5.00".into())
    );
    assert_eq!(figure("/overdue_payments/amount"), "5.00");
    assert_eq!(
        (figure("/received_this_month/count"), figure("/received_this_month/amount")),
        (1.into(), "30.00".into())
    );
    assert_eq!((figure("/open_issues"), figure("/urgent_issues")), (1.into(), 1.into()));
    assert_eq!((figure("/overdue_activities"), figure("/activities_completed_this_month")), (1.into(), 1.into()));

    // The sales rep's dashboard covers their own deals only: won D1, D3, lost D4.
    let r = get_ok(app.get("/api/analytics/dashboard", Some(&rep)).await);
    assert_eq!(
        (r["win_rate"].as_str(), r["open_deals"]["count"].as_i64(), r["customers"].as_i64()),
        (Some("66.7"), Some(0), Some(0))
    );
    // The owner's own figures: the deals assigned to them (the open D5 is unassigned).
    let q = get_ok(app.get("/api/analytics/quick_stats", Some(&owner)).await);
    assert_eq!((q["employee_id"].as_i64(), q["won_this_month"]["amount"].as_str()), (Some(owner_emp), Some("500.00")));
    assert_eq!(q["open_deals"]["count"], 0);
});

/// `deal_totals` rows that differ from the deals they count (in either direction).
const TOTALS_DRIFT: &str = "select count(*) from (
    select organization_id, pipeline_id, stage_id, status, coalesce(assigned_to, 0), count(*),
           sum(value_minor), sum(value_minor * probability) from deals group by 1, 2, 3, 4, 5
    except select organization_id, pipeline_id, stage_id, status, assignee, n, value_minor, weighted
           from deal_totals where n <> 0) x";
const TOTALS_EXTRA: &str = "select count(*) from (
    select organization_id, pipeline_id, stage_id, status, assignee, n, value_minor, weighted
           from deal_totals where n <> 0
    except select organization_id, pipeline_id, stage_id, status, coalesce(assigned_to, 0), count(*),
           sum(value_minor), sum(value_minor * probability) from deals group by 1, 2, 3, 4, 5) x";

both!(deal_totals_follow_every_change_to_a_deal, |app| async {
    let (owner, rep, owner_emp, rep_emp, customer) = fixture(&app).await;
    // A: the owner's, 100 at 40%; B: the rep's, 200; C: unassigned, 300; D: a temporary
    // employee's, 50 (the employee is then deleted, so D becomes unassigned).
    let a = deal(&app, &owner, &customer, "100", owner_emp).await;
    let b = deal(&app, &owner, &customer, "200", rep_emp).await;
    let c = app
        .post("/api/deals/create", Some(&owner), &[("title", "C"), ("customer_id", &customer), ("value", "300")])
        .await;
    let c = c.json["id"].to_string();
    let temp =
        app.post("/api/employees/create", Some(&owner), &[("first_name", "Temp"), ("last_name", "Worker")]).await;
    assert_eq!(temp.status, StatusCode::OK, "{}", temp.text);
    let d = deal(&app, &owner, &customer, "50", temp.json["id"].as_i64().unwrap()).await;
    let update = |id: String, fields: Vec<(&'static str, String)>| {
        let (app, owner) = (&app, owner.clone());
        async move {
            let mut form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            form.push(("id", &id));
            let r = app.post("/api/deals/update", Some(&owner), &form).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            r.json
        }
    };
    update(a.clone(), vec![("value", "150".into()), ("probability", "40".into())]).await;
    // B moves from the rep to the owner, then is deleted.
    update(b.clone(), vec![("assigned_to", owner_emp.to_string())]).await;
    assert_eq!(app.post("/api/deals/delete", Some(&owner), &[("id", &b)]).await.status, StatusCode::OK);
    // C moves to the board's second stage (its probability with it), and back to open from won.
    let board = get_ok(app.get("/api/deals/board", Some(&owner)).await);
    let second = board["columns"][1]["stage"]["id"].to_string();
    let r = app.post("/api/deals/move", Some(&owner), &[("id", &c), ("stage_id", &second)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let c_probability = r.json["probability"].as_i64().unwrap();
    close(&app, &owner, &c, "won", &Utc::now().date_naive().to_string()).await;
    assert_eq!(app.post("/api/deals/reopen", Some(&owner), &[("id", &c)]).await.status, StatusCode::OK);
    let r = app.post("/api/deals/move", Some(&owner), &[("id", &c), ("stage_id", &second)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let temp_id = temp.json["id"].to_string();
    let r = app.post("/api/employees/delete", Some(&owner), &[("id", &temp_id)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(app.count(&format!("select count(*) from deals where id = {d} and assigned_to is null")).await, 1);

    assert_eq!((app.count(TOTALS_DRIFT).await, app.count(TOTALS_EXTRA).await), (0, 0));
    // Open: A (150 at 40% = 60), C (300 at its stage's probability), D (50 at the first
    // stage's probability, unassigned). Closed: the fixture's D1-D3 won, D4 lost.
    let first_probability = board["columns"][0]["stage"]["probability"].as_i64().unwrap();
    let weighted = rust_decimal::Decimal::from(150 * 40 + 300 * c_probability + 50 * first_probability)
        / rust_decimal::Decimal::from(100);
    let o = get_ok(app.get("/api/analytics/dashboard", Some(&owner)).await);
    assert_eq!((o["open_deals"]["count"].as_i64(), o["open_deals"]["amount"].as_str()), (Some(3), Some("500.00")));
    assert_eq!(o["weighted_pipeline"].as_str().unwrap().parse::<rust_decimal::Decimal>().unwrap(), weighted);
    assert_eq!(o["win_rate"], "75.0");
    // The rep's own: no open deal left (B went to the owner); won D1, D3, lost D4.
    let r = get_ok(app.get("/api/analytics/dashboard", Some(&rep)).await);
    assert_eq!((r["open_deals"]["count"].as_i64(), r["win_rate"].as_str()), (Some(0), Some("66.7")));
    // The funnel's second stage holds C alone, its first A and D.
    let f = get_ok(app.get("/api/analytics/funnel", Some(&owner)).await);
    let stage =
        |key: String| f["steps"].as_array().unwrap().iter().find(|s| s["key"] == key.as_str()).cloned().unwrap();
    let first = board["columns"][0]["stage"]["id"].to_string();
    assert_eq!(
        (stage(format!("stage:{first}"))["count"].as_i64(), stage(format!("stage:{first}"))["value"].as_str()),
        (Some(2), Some("200.00"))
    );
    assert_eq!(
        (stage(format!("stage:{second}"))["count"].as_i64(), stage(format!("stage:{second}"))["value"].as_str()),
        (Some(1), Some("300.00"))
    );
});

both!(new_customers_this_month_count_the_organizations_month, |app| async {
    let owner = app.register("an-new@example.com", "New Customers").await;
    let rep = app.member(&owner, "an-new-rep@example.com", "sales_rep").await;
    let (_, _, rep_emp) = me(&app, &rep).await;
    let r = app.post("/api/organizations/update", Some(&owner), &[("time_zone", "Europe/Berlin")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let berlin = too_good_crm::server::clock::Zone::named("Europe/Berlin");
    let month = too_good_crm::domain::analytics::DateRange::month_of(berlin.today());
    let (start, end) = (berlin.start_of(month.from), berlin.start_of(month.end()));
    // A at the first instant of Berlin's month, B a second before it, C now, D now then
    // deleted, E at the first instant of next month; A and B are the rep's.
    let rep_emp = rep_emp.unwrap().to_string();
    let mut ids = Vec::new();
    for name in ["A", "B", "C", "D", "E"] {
        let assigned = if ["A", "B"].contains(&name) { rep_emp.as_str() } else { "" };
        ids.push(app.customer(&owner, &[("name", name), ("assigned_to", assigned)]).await);
    }
    for (id, at) in [(ids[0], start), (ids[1], start - Duration::seconds(1)), (ids[4], end)] {
        app.exec(&format!("update customers set created_at = '{}' where id = {id}", at.to_rfc3339())).await;
    }
    let r = app.post("/api/customers/delete", Some(&owner), &[("id", &ids[3].to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let d = get_ok(app.get("/api/analytics/dashboard", Some(&owner)).await);
    assert_eq!((d["customers"].as_i64(), d["new_customers_this_month"].as_i64()), (Some(4), Some(2)));
    let d = get_ok(app.get("/api/analytics/dashboard", Some(&rep)).await);
    assert_eq!((d["customers"].as_i64(), d["new_customers_this_month"].as_i64()), (Some(2), Some(1)));
});

both!(analytics_checks_permissions_and_parameters, |app| async {
    let owner = app.register("an-perm@example.com", "Analytics Perm").await;
    let customer = app.member(&owner, "an-cust@example.com", "customer").await;
    for path in ["dashboard", "revenue", "funnel", "employee_performance", "top_performers", "quick_stats"] {
        let r = app.get(&format!("/api/analytics/{path}"), Some(&customer)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.text);
        assert_eq!(app.get(&format!("/api/analytics/{path}"), None).await.status, StatusCode::UNAUTHORIZED);
    }
    for (query, field) in [
        ("revenue?period=fortnight", "period"),
        ("revenue?from=2025-02-30", "from"),
        ("revenue?from=2025-05-01&to=2025-04-01", "to"),
        ("revenue?period=day&from=2020-01-01&to=2025-01-01", "from"),
        ("employee_performance?to=yesterday", "to"),
        ("top_performers?limit=0", "limit"),
        ("funnel?pipeline_id=abc", "pipeline_id"),
    ] {
        let r = app.get(&format!("/api/analytics/{query}"), Some(&owner)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {}", r.text);
        assert!(r.json["details"][field].is_array(), "{query}: {}", r.text);
    }
    // Another organization's pipeline is not found.
    let other = app.register("an-other@example.com", "Other Analytics").await;
    let pipelines = get_ok(app.get("/api/pipelines/list", Some(&other)).await);
    let foreign = pipelines[0]["id"].to_string();
    let r = app.get(&format!("/api/analytics/funnel?pipeline_id={foreign}"), Some(&owner)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    // An unknown time zone is refused.
    let r = app.post("/api/organizations/update", Some(&owner), &[("time_zone", "Mars/Olympus")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.json["details"]["time_zone"].is_array(), "{}", r.text);
});

both!(the_analytics_page_draws_its_charts_on_the_server, |app| async {
    fixture(&app).await;
    let login = app
        .post("/api/auth/login", None, &[("email", "figures@example.com"), ("password", "correct horse battery")])
        .await;
    let cookie = login
        .headers
        .get(axum::http::header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let page = app.send(common::page("/analytics?period=month&from=2025-03-01&to=2025-05-31", Some(&cookie))).await;
    assert_eq!(page.status, StatusCode::OK);
    for expected in [
        "aria-label=\"Revenue by month. Deals won: Mar 2025: USD 1,250.50, Apr 2025: USD 0.00, May 2025: USD 400.00",
        "<polyline",
        "Sales funnel: ",
        "Top performers by revenue",
        "Employee performance",
        "Revenue (USD)",
    ] {
        assert!(page.text.contains(expected), "missing {expected:?} in the analytics page");
    }
});
