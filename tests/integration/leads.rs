//! Leads over HTTP: CRUD, lists, status actions, score, assignment, activities, stats,
//! tenancy and roles; the leads pages and their no-JavaScript forms.

use crate::common;

use axum::http::{header, Method, StatusCode};
use serde_json::{json, Value};

/// Creates a lead and returns it.
async fn lead(app: &common::TestApp, token: &str, fields: &[(&str, &str)]) -> Value {
    let r = app.post("/api/leads/create", Some(token), fields).await;
    assert_eq!(r.status, StatusCode::OK, "create lead: {}", r.text);
    r.json
}

async fn lead_id(app: &common::TestApp, token: &str, fields: &[(&str, &str)]) -> i64 {
    lead(app, token, fields).await["id"].as_i64().unwrap()
}

/// The caller's own employee id.
async fn my_employee(app: &common::TestApp, token: &str) -> i64 {
    let me = app.get("/api/auth/me", Some(token)).await;
    me.json["employee_id"].as_i64().unwrap_or_else(|| panic!("employee id in {}", me.text))
}

/// Converts a lead (without a deal) and returns the response.
async fn convert(app: &common::TestApp, token: &str, id: i64) -> common::Resp {
    app.post("/api/leads/convert", Some(token), &[("id", &id.to_string())]).await
}

both!(create_get_update_and_delete_a_lead, |app| async {
    let token = app.register("lcrud@example.com", "Lead Crud").await;
    let r = app
        .post(
            "/api/leads/create",
            Some(&token),
            &[
                ("first_name", " Ada "),
                ("last_name", "Lovelace"),
                ("email", "Ada@Engine.example"),
                ("phone", "+44 20 0000"),
                ("company", "Analytical Ltd"),
                ("job_title", "Countess"),
                ("source", "referral"),
                ("score", "42"),
                ("estimated_value", "1234.56"),
                ("city", "London"),
                ("country", "UK"),
                ("notes", "Met at the society"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let l = &r.json;
    assert_eq!(l["first_name"], "Ada");
    assert_eq!(l["last_name"], "Lovelace");
    assert_eq!(l["email"], "ada@engine.example");
    assert_eq!(l["company"], "Analytical Ltd");
    assert_eq!(l["source"], "referral");
    assert_eq!(l["status"], "new");
    assert_eq!(l["score"], 42);
    assert_eq!(l["estimated_value"], "1234.56", "money is exact, as a decimal string");
    assert_eq!(l["currency"], "USD");
    assert_eq!(l["assigned_to"], json!(null), "owners see all leads, so nothing is assigned by default");
    assert_eq!(l["disqualify_reason"], json!(null));
    assert_eq!(l["converted_customer_id"], json!(null));
    assert_eq!(l["version"], 1);
    let id = l["id"].as_i64().unwrap();

    let got = app.get(&format!("/api/leads/get?id={id}"), Some(&token)).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.json, r.json);

    // Partial update: only what is sent changes; empty clears.
    let r = app
        .post(
            "/api/leads/update",
            Some(&token),
            &[("id", &id.to_string()), ("phone", "+1 555 0100"), ("city", ""), ("status", "contacted")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["phone"], "+1 555 0100");
    assert_eq!(r.json["city"], json!(null));
    assert_eq!(r.json["status"], "contacted");
    assert_eq!(r.json["first_name"], "Ada");
    assert_eq!(r.json["estimated_value"], "1234.56");
    assert_eq!(r.json["score"], 42);
    assert_eq!(r.json["version"], 2);

    // JSON bodies work as well as forms.
    let r = app.post_json("/api/leads/update", Some(&token), json!({"id": id, "estimated_value": 99.5})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["estimated_value"], "99.50");

    let r = app.post("/api/leads/delete", Some(&token), &[("id", &id.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(app.get(&format!("/api/leads/get?id={id}"), Some(&token)).await.status, StatusCode::NOT_FOUND);
    let r = app.post("/api/leads/delete", Some(&token), &[("id", &id.to_string())]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Reads are GET, changes POST.
    assert_eq!(
        app.get(&format!("/api/leads/delete?id={id}"), Some(&token)).await.status,
        StatusCode::METHOD_NOT_ALLOWED
    );
});

both!(invalid_leads_get_422_naming_each_field, |app| async {
    let token = app.register("lval@example.com", "Lead Val").await;
    let r = app
        .post(
            "/api/leads/create",
            Some(&token),
            &[
                ("email", "not-an-email"),
                ("source", "tv"),
                ("score", "101"),
                ("estimated_value", "-3"),
                ("status", "converted"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    for field in ["first_name", "email", "source", "score", "estimated_value", "status"] {
        assert!(r.json["details"][field][0].is_string(), "{field} not reported: {}", r.text);
    }
    assert!(r.json["details"]["source"][0].as_str().unwrap().contains("social_media"));
    // Qualified and unqualified have their own actions.
    for status in ["qualified", "unqualified", "converted"] {
        let r = app.post("/api/leads/create", Some(&token), &[("first_name", "X"), ("status", status)]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{status}");
    }
    // An assignee from another organization is refused.
    let other = app.register("lval2@example.com", "Lead Val 2").await;
    let theirs = my_employee(&app, &other).await.to_string();
    let r = app.post("/api/leads/create", Some(&token), &[("first_name", "X"), ("assigned_to", &theirs)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json["details"]["assigned_to"].is_array());
    assert_eq!(app.get("/api/leads/list", Some(&token)).await.json["count"], 0, "nothing was created");

    // Updates are validated the same way, and leave the lead as it was.
    let id = lead_id(&app, &token, &[("first_name", "Valid")]).await.to_string();
    let r = app.post("/api/leads/update", Some(&token), &[("id", &id), ("first_name", " "), ("score", "x")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json["details"]["first_name"].is_array() && r.json["details"]["score"].is_array());
    let r = app.post("/api/leads/update", Some(&token), &[("id", &id), ("status", "converted")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "convert is its own call");
    let r = app.post("/api/leads/update", Some(&token), &[("id", &id), ("assigned_to", &theirs)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let got = app.get(&format!("/api/leads/get?id={id}"), Some(&token)).await.json;
    assert_eq!(
        (got["first_name"].clone(), got["status"].clone(), got["version"].clone()),
        (json!("Valid"), json!("new"), json!(1))
    );

    // List parameters are validated too.
    let r = app
        .get("/api/leads/list?status=gone&source=tv&score_min=-1&score_max=500&ordering=password&page=0", Some(&token))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["status", "source", "score_min", "score_max", "ordering", "page"] {
        assert!(r.json["details"][field].is_array(), "{field}: {}", r.text);
    }
    let r = app.get("/api/leads/list?score_min=60&score_max=40", Some(&token)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
});

both!(stale_lead_updates_are_refused_with_409, |app| async {
    let token = app.register("lver@example.com", "Lead Ver").await;
    let id = lead_id(&app, &token, &[("first_name", "Versioned")]).await.to_string();
    let r = app.post("/api/leads/update", Some(&token), &[("id", &id), ("version", "1"), ("city", "A")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app.post("/api/leads/update", Some(&token), &[("id", &id), ("version", "1"), ("city", "B")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(r.json["code"], "conflict");
    let got = app.get(&format!("/api/leads/get?id={id}"), Some(&token)).await;
    assert_eq!((got.json["city"].clone(), got.json["version"].clone()), (json!("A"), json!(2)));
    // Actions bump the version too, so an edit form opened before them is stale.
    app.post("/api/leads/update_score", Some(&token), &[("id", &id), ("score", "5")]).await;
    let r = app.post("/api/leads/update", Some(&token), &[("id", &id), ("version", "2"), ("city", "C")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
});

both!(lists_search_filter_order_and_paginate, |app| async {
    let token = app.register("llist@example.com", "Lead List").await;
    let r = app.post("/api/employees/create", Some(&token), &[("first_name", "Sam"), ("last_name", "Seller")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let sam = r.json["id"].as_i64().unwrap().to_string();
    const SOURCES: [&str; 8] =
        ["website", "referral", "social_media", "email_campaign", "cold_call", "event", "partner", "other"];
    for i in 0..30_usize {
        let first = format!("Lead {i:02}");
        let email = format!("l{i}@example.com");
        let score = (i * 3).to_string();
        let status = if i % 3 == 0 { "contacted" } else { "new" };
        let company = if i % 5 == 0 { "Globex" } else { "Initech" };
        let mut fields = vec![
            ("first_name", first.as_str()),
            ("email", email.as_str()),
            ("score", score.as_str()),
            ("status", status),
            ("company", company),
            ("source", SOURCES[i % 8]),
        ];
        if i % 4 == 0 {
            fields.push(("assigned_to", sam.as_str()));
        }
        lead(&app, &token, &fields).await;
    }
    lead(&app, &token, &[("first_name", "Zed"), ("last_name", "100% Snake_Case")]).await;

    let count = |q: &'static str| {
        let (app, token) = (&app, &token);
        async move {
            let r = app.get(&format!("/api/leads/list?{q}"), Some(token)).await;
            assert_eq!(r.status, StatusCode::OK, "{q}: {}", r.text);
            r.json["count"].as_i64().unwrap()
        }
    };
    let r = app.get("/api/leads/list", Some(&token)).await;
    assert_eq!(r.json["count"], 31);
    assert_eq!(r.json["results"].as_array().unwrap().len(), 25);
    assert_eq!(r.json["results"][0]["first_name"], "Zed", "newest first by default");
    assert!(r.json["next"].as_str().unwrap().contains("page=2"));
    let r = app.get("/api/leads/list?page=2", Some(&token)).await;
    assert_eq!((r.json["count"].clone(), r.json["results"].as_array().unwrap().len()), (json!(31), 6));
    assert_eq!(r.json["next"], json!(null));
    let r = app.get("/api/leads/list?page=9", Some(&token)).await;
    assert_eq!((r.json["count"].clone(), r.json["results"].clone()), (json!(31), json!([])));

    assert_eq!(count("status=contacted").await, 10);
    assert_eq!(count("source=website").await, 4);
    assert_eq!(count("status=contacted&source=website").await, 2);
    assert_eq!(count("score_min=30&score_max=60").await, 11);
    assert_eq!(count("score_min=87").await, 1);
    assert_eq!(count("score_max=0").await, 2, "lead 00 and Zed score 0");
    assert_eq!(count(Box::leak(format!("assigned_to={sam}").into_boxed_str())).await, 8);
    assert_eq!(count(Box::leak(format!("assigned_to={sam}&status=contacted").into_boxed_str())).await, 3);
    // Search: case-insensitive over name, email and company; wildcards are literal.
    assert_eq!(count("search=globex").await, 6);
    assert_eq!(count("search=LEAD%201").await, 10);
    assert_eq!(count("search=l7%40example").await, 1);
    assert_eq!(count("search=100%25").await, 1);
    assert_eq!(count("search=snake_case").await, 1);
    assert_eq!(count("search=%25").await, 1);
    assert_eq!(count("search=zed%20100").await, 1, "first and last name together");
    assert_eq!(count("search=%27%3B%20drop%20table%20leads%3B--").await, 0);
    assert_eq!(count("search=globex&page=2&page_size=5").await, 6);

    let r = app.get("/api/leads/list?ordering=-score&page_size=3", Some(&token)).await;
    let names: Vec<_> =
        r.json["results"].as_array().unwrap().iter().map(|l| l["first_name"].as_str().unwrap().to_owned()).collect();
    assert_eq!(names, ["Lead 29", "Lead 28", "Lead 27"]);
    let r = app.get("/api/leads/list?ordering=first_name&page_size=2", Some(&token)).await;
    assert_eq!(r.json["results"][0]["first_name"], "Lead 00");
    let r = app.get("/api/leads/list?ordering=estimated_value&page_size=2", Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
});

both!(qualify_and_disqualify_with_a_reason, |app| async {
    let token = app.register("lqual@example.com", "Lead Qual").await;
    let id = lead_id(&app, &token, &[("first_name", "Quinn")]).await.to_string();
    let r = app.post("/api/leads/qualify", Some(&token), &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.json["status"].clone(), r.json["version"].clone()), (json!("qualified"), json!(2)));
    // Sending the current status back (as an edit form does) is fine.
    let r =
        app.post("/api/leads/update", Some(&token), &[("id", &id), ("status", "qualified"), ("city", "Rome")]).await;
    assert_eq!((r.status, r.json["status"].clone()), (StatusCode::OK, json!("qualified")));

    for reason in [None, Some(""), Some("   ")] {
        let mut form = vec![("id", id.as_str())];
        if let Some(reason) = reason {
            form.push(("reason", reason));
        }
        let r = app.post("/api/leads/disqualify", Some(&token), &form).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{reason:?}: {}", r.text);
        assert!(r.json["details"]["reason"].is_array());
    }
    assert_eq!(app.get(&format!("/api/leads/get?id={id}"), Some(&token)).await.json["status"], "qualified");
    let r = app.post("/api/leads/disqualify", Some(&token), &[("id", &id), ("reason", " No budget ")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        (r.json["status"].clone(), r.json["disqualify_reason"].clone()),
        (json!("unqualified"), json!("No budget"))
    );
    // Editing other fields keeps the reason; leaving "unqualified" drops it.
    let r = app.post("/api/leads/update", Some(&token), &[("id", &id), ("city", "Oslo")]).await;
    assert_eq!(r.json["disqualify_reason"], "No budget");
    let r = app.post("/api/leads/update", Some(&token), &[("id", &id), ("status", "contacted")]).await;
    assert_eq!((r.json["status"].clone(), r.json["disqualify_reason"].clone()), (json!("contacted"), json!(null)));
    app.post("/api/leads/disqualify", Some(&token), &[("id", &id), ("reason", "Again")]).await;
    let r = app.post("/api/leads/qualify", Some(&token), &[("id", &id)]).await;
    assert_eq!((r.json["status"].clone(), r.json["disqualify_reason"].clone()), (json!("qualified"), json!(null)));

    // A converted lead keeps its status.
    assert_eq!(convert(&app, &token, id.parse().unwrap()).await.status, StatusCode::OK);
    let r = app.post("/api/leads/qualify", Some(&token), &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let r = app.post("/api/leads/disqualify", Some(&token), &[("id", &id), ("reason", "x")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = app.post("/api/leads/update", Some(&token), &[("id", &id), ("status", "new")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app.post("/api/leads/update", Some(&token), &[("id", &id), ("status", "converted"), ("notes", "ok")]).await;
    assert_eq!((r.status, r.json["status"].clone()), (StatusCode::OK, json!("converted")));
});

both!(scores_outside_0_to_100_are_refused, |app| async {
    let token = app.register("lscore@example.com", "Lead Score").await;
    let id = lead_id(&app, &token, &[("first_name", "Scored"), ("score", "50")]).await.to_string();
    for bad in ["-1", "101", "abc", "5.5", ""] {
        let r = app.post("/api/leads/update_score", Some(&token), &[("id", &id), ("score", bad)]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {}", r.text);
        assert!(r.json["details"]["score"].is_array());
    }
    let r = app.post("/api/leads/update_score", Some(&token), &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "score is required");
    assert_eq!(app.get(&format!("/api/leads/get?id={id}"), Some(&token)).await.json["score"], 50);
    for ok in [0, 100] {
        let r = app.post("/api/leads/update_score", Some(&token), &[("id", &id), ("score", &ok.to_string())]).await;
        assert_eq!((r.status, r.json["score"].clone()), (StatusCode::OK, json!(ok)), "{}", r.text);
    }
    let r = app
        .post_json("/api/leads/update_score", Some(&token), json!({"id": id.parse::<i64>().unwrap(), "score": 77}))
        .await;
    assert_eq!((r.status, r.json["score"].clone()), (StatusCode::OK, json!(77)));
    let r = app
        .post_json("/api/leads/update_score", Some(&token), json!({"id": id.parse::<i64>().unwrap(), "score": 101}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
});

both!(leads_are_assigned_to_employees_of_the_organization_only, |app| async {
    let token = app.register("lassign@example.com", "Lead Assign").await;
    let me = my_employee(&app, &token).await;
    let id = lead_id(&app, &token, &[("first_name", "Owned")]).await.to_string();
    let r = app.post("/api/leads/assign", Some(&token), &[("id", &id), ("assigned_to", &me.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.json["assigned_to"].clone(), r.json["assigned_to_name"].clone()), (json!(me), json!("Test User")));

    let other = app.register("lassign2@example.com", "Elsewhere").await;
    let theirs = my_employee(&app, &other).await.to_string();
    let r = app.post("/api/leads/assign", Some(&token), &[("id", &id), ("assigned_to", &theirs)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.json["details"]["assigned_to"].is_array());
    for bad in ["abc", "-4", "999999"] {
        let r = app.post("/api/leads/assign", Some(&token), &[("id", &id), ("assigned_to", bad)]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    assert_eq!(app.get(&format!("/api/leads/get?id={id}"), Some(&token)).await.json["assigned_to"], me);

    let r = app.post("/api/leads/assign", Some(&token), &[("id", &id), ("assigned_to", "")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.json["assigned_to"].clone(), r.json["assigned_to_name"].clone()), (json!(null), json!(null)));
});

both!(activities_are_added_and_listed_newest_first, |app| async {
    let token = app.register("lact@example.com", "Lead Act").await;
    let id = lead_id(&app, &token, &[("first_name", "Active")]).await.to_string();
    let r = app
        .post(
            "/api/leads/add_activity",
            Some(&token),
            &[("lead_id", &id), ("activity_type", "call"), ("subject", "Intro call"), ("description", "Went well")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let a = &r.json;
    assert_eq!((a["activity_type"].clone(), a["status"].clone()), (json!("call"), json!("completed")));
    assert_eq!(a["lead_id"].to_string(), id);
    assert!(a["completed_at"].is_string(), "a completed activity has its completion time");
    assert_eq!(a["created_by_name"], "Test User");
    assert_eq!(a["assigned_to"], my_employee(&app, &token).await);

    let r = app
        .post(
            "/api/leads/add_activity",
            Some(&token),
            &[
                ("lead_id", &id),
                ("activity_type", "meeting"),
                ("subject", "Demo"),
                ("scheduled_at", "2030-05-01T14:30"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.json["status"].clone(), r.json["completed_at"].clone()), (json!("scheduled"), json!(null)));
    assert_eq!(r.json["scheduled_at"], "2030-05-01T14:30:00Z");
    let r = app
        .post_json(
            "/api/leads/add_activity",
            Some(&token),
            json!({"lead_id": id.parse::<i64>().unwrap(), "activity_type": "telegram", "subject": "Ping", "status": "cancelled"}),
        )
        .await;
    assert_eq!((r.status, r.json["status"].clone()), (StatusCode::OK, json!("cancelled")), "{}", r.text);

    let r = app
        .post(
            "/api/leads/add_activity",
            Some(&token),
            &[("lead_id", &id), ("activity_type", "fax"), ("subject", " "), ("scheduled_at", "tomorrow")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["activity_type", "subject", "scheduled_at"] {
        assert!(r.json["details"][field].is_array(), "{field}: {}", r.text);
    }

    let r = app.get(&format!("/api/leads/activities?lead_id={id}"), Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK);
    let subjects: Vec<_> =
        r.json.as_array().unwrap().iter().map(|a| a["subject"].as_str().unwrap().to_owned()).collect();
    assert_eq!(subjects, ["Ping", "Demo", "Intro call"]);
    // Another lead has none; a deleted lead takes its activities with it.
    let other = lead_id(&app, &token, &[("first_name", "Quiet")]).await;
    assert_eq!(app.get(&format!("/api/leads/activities?lead_id={other}"), Some(&token)).await.json, json!([]));
    app.post("/api/leads/delete", Some(&token), &[("id", &id)]).await;
    let r = app.get(&format!("/api/leads/activities?lead_id={id}"), Some(&token)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
});

both!(stats_count_by_status_and_source_with_rates, |app| async {
    let token = app.register("lstats@example.com", "Lead Stats").await;
    let empty = app.get("/api/leads/stats", Some(&token)).await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.text);
    assert_eq!(
        empty.json,
        json!({"total": 0, "by_status": {}, "by_source": {}, "conversion_rate": "0.0", "average_score": "0.0"})
    );
    lead(&app, &token, &[("first_name", "A"), ("source", "website"), ("score", "10")]).await;
    lead(&app, &token, &[("first_name", "B"), ("source", "website"), ("score", "20"), ("status", "contacted")]).await;
    let c = lead_id(&app, &token, &[("first_name", "C"), ("source", "referral"), ("score", "80")]).await;
    app.post("/api/leads/qualify", Some(&token), &[("id", &c.to_string())]).await;
    let d = lead_id(&app, &token, &[("first_name", "D"), ("source", "event")]).await;
    app.post("/api/leads/disqualify", Some(&token), &[("id", &d.to_string()), ("reason", "Student")]).await;
    lead(&app, &token, &[("first_name", "E"), ("source", "referral"), ("score", "35"), ("status", "lost")]).await;
    let f = lead_id(&app, &token, &[("first_name", "F"), ("source", "partner"), ("score", "90")]).await;
    assert_eq!(convert(&app, &token, f).await.status, StatusCode::OK);
    // Another organization's leads do not count.
    let other = app.register("lstats2@example.com", "Other Stats").await;
    lead(&app, &other, &[("first_name", "Z"), ("score", "100"), ("source", "website")]).await;

    let r = app.get("/api/leads/stats", Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json["total"], 6);
    assert_eq!(
        r.json["by_status"],
        json!({"new": 1, "contacted": 1, "qualified": 1, "unqualified": 1, "lost": 1, "converted": 1})
    );
    assert_eq!(r.json["by_source"], json!({"website": 2, "referral": 2, "event": 1, "partner": 1}));
    assert_eq!(r.json["conversion_rate"], "16.7", "1 of 6");
    assert_eq!(r.json["average_score"], "39.2", "(10 + 20 + 80 + 0 + 35 + 90) / 6 = 39.17");
    let r = app.get("/api/leads/stats", Some(&other)).await;
    assert_eq!((r.json["total"].clone(), r.json["average_score"].clone()), (json!(1), json!("100.0")));
});

both!(another_organizations_lead_is_404_and_unchanged, |app| async {
    let alice = app.register("lalice@example.com", "Alice Leads").await;
    let mallory = app.register("lmallory@example.com", "Mallory Leads").await;
    let id = lead_id(&app, &alice, &[("first_name", "Alice's prospect"), ("score", "30")]).await;
    let sid = id.to_string();
    app.post(
        "/api/leads/add_activity",
        Some(&alice),
        &[("lead_id", &sid), ("activity_type", "note"), ("subject", "Hi")],
    )
    .await;
    let before = app.get(&format!("/api/leads/get?id={id}"), Some(&alice)).await.json;
    let activities_before = app.get(&format!("/api/leads/activities?lead_id={id}"), Some(&alice)).await.json;
    let theirs = my_employee(&app, &mallory).await.to_string();

    let attempts = [
        app.get(&format!("/api/leads/get?id={id}"), Some(&mallory)).await,
        app.get(&format!("/api/leads/activities?lead_id={id}"), Some(&mallory)).await,
        app.post("/api/leads/update", Some(&mallory), &[("id", &sid), ("first_name", "Pwned")]).await,
        app.post("/api/leads/qualify", Some(&mallory), &[("id", &sid)]).await,
        app.post("/api/leads/disqualify", Some(&mallory), &[("id", &sid), ("reason", "mine")]).await,
        app.post("/api/leads/update_score", Some(&mallory), &[("id", &sid), ("score", "99")]).await,
        app.post("/api/leads/assign", Some(&mallory), &[("id", &sid), ("assigned_to", &theirs)]).await,
        app.post("/api/leads/assign", Some(&mallory), &[("id", &sid), ("assigned_to", "")]).await,
        app.post(
            "/api/leads/add_activity",
            Some(&mallory),
            &[("lead_id", &sid), ("activity_type", "note"), ("subject", "spam")],
        )
        .await,
        app.post("/api/leads/delete", Some(&mallory), &[("id", &sid)]).await,
    ];
    for r in attempts {
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
        assert!(!r.text.contains("Alice"), "no data of the other organization in the body");
    }
    assert_eq!(app.get(&format!("/api/leads/get?id={id}"), Some(&alice)).await.json, before, "nothing changed");
    let activities_after = app.get(&format!("/api/leads/activities?lead_id={id}"), Some(&alice)).await.json;
    assert_eq!(activities_after, activities_before);
    assert_eq!(app.get("/api/leads/list", Some(&mallory)).await.json["count"], 0);
    assert_eq!(app.get("/api/leads/stats", Some(&mallory)).await.json["total"], 0);
});

both!(sales_reps_see_and_change_only_their_own_leads, |app| async {
    let owner = app.register("lown@example.com", "Lead Scoped").await;
    let rep = app.member(&owner, "lrep@example.com", "sales_rep").await;
    let rep_employee = my_employee(&app, &rep).await;
    let theirs = lead(&app, &rep, &[("first_name", "Rep's own"), ("score", "60")]).await;
    assert_eq!(theirs["assigned_to"], rep_employee, "a rep's new lead is assigned to them");
    let theirs = theirs["id"].as_i64().unwrap();
    let others = lead_id(&app, &owner, &[("first_name", "Owner's"), ("score", "10")]).await;
    let so = others.to_string();

    let list = app.get("/api/leads/list", Some(&rep)).await;
    assert_eq!(list.json["count"], 1, "{}", list.text);
    assert_eq!(list.json["results"][0]["id"], theirs);
    let stats = app.get("/api/leads/stats", Some(&rep)).await;
    assert_eq!((stats.json["total"].clone(), stats.json["average_score"].clone()), (json!(1), json!("60.0")));
    let attempts = [
        app.get(&format!("/api/leads/get?id={others}"), Some(&rep)).await,
        app.get(&format!("/api/leads/activities?lead_id={others}"), Some(&rep)).await,
        app.post("/api/leads/update", Some(&rep), &[("id", &so), ("first_name", "Mine now")]).await,
        app.post("/api/leads/qualify", Some(&rep), &[("id", &so)]).await,
        app.post("/api/leads/disqualify", Some(&rep), &[("id", &so), ("reason", "x")]).await,
        app.post("/api/leads/update_score", Some(&rep), &[("id", &so), ("score", "1")]).await,
        app.post("/api/leads/assign", Some(&rep), &[("id", &so), ("assigned_to", &rep_employee.to_string())]).await,
        app.post(
            "/api/leads/add_activity",
            Some(&rep),
            &[("lead_id", &so), ("activity_type", "note"), ("subject", "x")],
        )
        .await,
    ];
    for r in attempts {
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    }
    // Their own lead they may work on.
    let r = app.post("/api/leads/qualify", Some(&rep), &[("id", &theirs.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app
        .post(
            "/api/leads/add_activity",
            Some(&rep),
            &[("lead_id", &theirs.to_string()), ("activity_type", "call"), ("subject", "Called")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Reps may not delete at all.
    let r = app.post("/api/leads/delete", Some(&rep), &[("id", &theirs.to_string())]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json["code"], "forbidden");
    // The owner sees both, unchanged.
    assert_eq!(app.get("/api/leads/list", Some(&owner)).await.json["count"], 2);
    let got = app.get(&format!("/api/leads/get?id={others}"), Some(&owner)).await.json;
    assert_eq!(
        (got["first_name"].clone(), got["status"].clone(), got["score"].clone()),
        (json!("Owner's"), json!("new"), json!(10))
    );
});

both!(marketing_reps_work_on_all_leads_but_cannot_delete_them, |app| async {
    let owner = app.register("lown2@example.com", "Lead Mkt").await;
    let id = lead_id(&app, &owner, &[("first_name", "Campaign lead")]).await.to_string();
    let mkt = app.member(&owner, "lmkt@example.com", "marketing_rep").await;
    assert_eq!(app.get("/api/leads/list", Some(&mkt)).await.json["count"], 1);
    let r = app.post("/api/leads/update_score", Some(&mkt), &[("id", &id), ("score", "70")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app.post("/api/leads/create", Some(&mkt), &[("first_name", "From the fair"), ("source", "event")]).await;
    assert_eq!((r.status, r.json["assigned_to"].clone()), (StatusCode::OK, json!(null)), "{}", r.text);
    let r = app.post("/api/leads/delete", Some(&mkt), &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&format!("/api/leads/get?id={id}"), Some(&owner)).await.status, StatusCode::OK);
    // Signed out: 401 before anything else.
    let r = app.post("/api/leads/disqualify", None, &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
});

// ---- pages ----

/// A browser form post (cookie, same origin, no JavaScript).
fn form_post(uri: &str, body: &str, cookie: &str, referer: &str) -> axum::http::Request<axum::body::Body> {
    let mut req =
        common::request(Method::POST, uri, None, Some(("application/x-www-form-urlencoded", body.to_owned())));
    let h = req.headers_mut();
    h.insert(header::ACCEPT, "text/html,application/xhtml+xml".parse().unwrap());
    h.insert(header::COOKIE, cookie.parse().unwrap());
    h.insert(header::REFERER, referer.parse().unwrap());
    h.insert(header::ORIGIN, "http://localhost".parse().unwrap());
    req
}

both!(lead_pages_render_on_the_server, |app| async {
    let (cookie, token) = common::session(&app, "lpages@example.com", "Paige", "Lead Pages").await;
    let id =
        lead_id(&app, &token, &[("first_name", "Rendered <b>Lead</b>"), ("company", "SSR Leads Ltd"), ("score", "73")])
            .await;
    app.post(
        "/api/leads/add_activity",
        Some(&token),
        &[("lead_id", &id.to_string()), ("activity_type", "call"), ("subject", "First call logged")],
    )
    .await;
    let r = app.send(common::page("/leads", Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("SSR Leads Ltd") && r.text.contains("73"), "list rendered: {}", r.text);
    assert!(r.text.contains("Rendered &lt;b&gt;Lead&lt;/b&gt;"), "HTML is escaped");
    assert!(r.text.contains("href=\"/leads\""), "the navigation links to leads");
    let r = app.send(common::page(&format!("/leads/{id}"), Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    for text in ["SSR Leads Ltd", "Qualify", "Disqualify", "First call logged", "action=\"/api/leads/update_score\""] {
        assert!(r.text.contains(text), "{text} missing from the detail page");
    }
    let r = app.send(common::page("/leads/new", Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("action=\"/api/leads/create\"") && r.text.contains("name=\"first_name\""));
    let r = app.send(common::page("/leads?search=nothing-matches", Some(&cookie))).await;
    assert!(r.text.contains("No leads match"));
    let r = app.send(common::page("/leads/999999", Some(&cookie))).await;
    assert!(r.text.contains("Not found"));
});

both!(lead_forms_work_without_javascript, |app| async {
    let (cookie, token) = common::session(&app, "lpages@example.com", "Paige", "Lead Pages").await;
    let r = app
        .send(form_post(
            "/api/leads/create",
            "first_name=No+JS+Lead&source=event&next=%2Fleads%2F%7Bid%7D",
            &cookie,
            "http://localhost/leads/new",
        ))
        .await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text);
    let location = r.headers.get(header::LOCATION).unwrap().to_str().unwrap().to_owned();
    let list = app.get("/api/leads/list?search=no%20js", Some(&token)).await;
    assert_eq!(list.json["count"], 1);
    let id = list.json["results"][0]["id"].as_i64().unwrap();
    assert_eq!(location, format!("/leads/{id}"));

    let here = format!("/leads/{id}");
    let next = format!("next=%2Fleads%2F{id}");
    let referer = format!("http://localhost{here}");
    let r = app.send(form_post("/api/leads/qualify", &format!("id={id}&{next}"), &cookie, &referer)).await;
    assert_eq!(
        (r.status, r.headers.get(header::LOCATION).unwrap().to_str().unwrap()),
        (StatusCode::FOUND, here.as_str())
    );
    let r =
        app.send(form_post("/api/leads/update_score", &format!("id={id}&score=88&{next}"), &cookie, &referer)).await;
    assert_eq!(r.status, StatusCode::FOUND);
    let got = app.get(&format!("/api/leads/get?id={id}"), Some(&token)).await.json;
    assert_eq!((got["status"].clone(), got["score"].clone()), (json!("qualified"), json!(88)));

    // A refused post goes back to the page with the error, which the page shows.
    let r = app.send(form_post("/api/leads/disqualify", &format!("id={id}&reason=&{next}"), &cookie, &referer)).await;
    assert_eq!(r.status, StatusCode::FOUND);
    let location = r.headers.get(header::LOCATION).unwrap().to_str().unwrap().to_owned();
    assert!(location.starts_with(&referer) && location.contains("__err="), "{location}");
    let r = app.send(common::page(location.trim_start_matches("http://localhost"), Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("is required"), "{}", r.text);

    let r = app.send(form_post("/api/leads/delete", &format!("id={id}&next=%2Fleads"), &cookie, &referer)).await;
    assert_eq!((r.status, r.headers.get(header::LOCATION).unwrap().to_str().unwrap()), (StatusCode::FOUND, "/leads"));
    assert_eq!(app.get(&format!("/api/leads/get?id={id}"), Some(&token)).await.status, StatusCode::NOT_FOUND);
});

both!(converting_a_lead_makes_a_customer_and_a_deal_once, |app| async {
    let token = app.register("convert@example.com", "Convert").await;
    let id = lead_id(
        &app,
        &token,
        &[
            ("first_name", "Grace"),
            ("last_name", "Hopper"),
            ("email", "grace@navy.example"),
            ("company", "Navy Labs"),
            ("city", "Arlington"),
            ("source", "referral"),
            ("estimated_value", "1234.56"),
        ],
    )
    .await;
    let r = app
        .post(
            "/api/leads/convert",
            Some(&token),
            &[("id", &id.to_string()), ("create_deal", "true"), ("deal_title", "Navy Labs pilot")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let customer = &r.json["customer"];
    assert_eq!(
        (&customer["name"], &customer["email"], &customer["company_name"], &customer["city"]),
        (&json!("Grace Hopper"), &json!("grace@navy.example"), &json!("Navy Labs"), &json!("Arlington"))
    );
    assert_eq!((&customer["customer_type"], &customer["source"]), (&json!("business"), &json!("referral")));
    let customer_id = customer["id"].as_i64().unwrap();
    let lead = &r.json["lead"];
    assert_eq!((&lead["status"], &lead["converted_customer_id"]), (&json!("converted"), &json!(customer_id)));
    assert!(lead["converted_at"].is_string());
    let deal = &r.json["deal"];
    assert_eq!(
        (&deal["title"], &deal["value"], &deal["lead_id"]),
        (&json!("Navy Labs pilot"), &json!("1234.56"), &json!(id))
    );
    assert_eq!(deal["customer_id"], customer_id);
    let board = app.get("/api/deals/board", Some(&token)).await;
    let first = &board.json["columns"][0];
    assert_eq!(
        (first["stage"]["name"].clone(), first["count"].clone()),
        (json!("Lead"), json!(1)),
        "default pipeline, first stage"
    );
    assert_eq!(first["cards"][0]["id"], deal["id"]);

    // The customer and the deal are real records.
    assert_eq!(
        app.get(&format!("/api/customers/get?id={customer_id}"), Some(&token)).await.json["name"],
        "Grace Hopper"
    );
    let deals = app.get(&format!("/api/deals/list?customer={customer_id}"), Some(&token)).await;
    assert_eq!(deals.json["count"], 1);

    // A second conversion is refused and creates nothing.
    let again = app.post("/api/leads/convert", Some(&token), &[("id", &id.to_string()), ("create_deal", "true")]).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text);
    assert_eq!(app.count("select count(*) from customers").await, 1);
    assert_eq!(app.count("select count(*) from deals").await, 1);

    // Without a deal: only the customer; the deal defaults are not needed.
    let plain = lead_id(&app, &token, &[("first_name", "Solo")]).await;
    let r = convert(&app, &token, plain).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((&r.json["deal"], &r.json["customer"]["customer_type"]), (&json!(null), &json!("individual")));
    assert_eq!(app.count("select count(*) from deals").await, 1);
});

both!(a_conversion_that_fails_part_way_leaves_nothing_behind, |app| async {
    let token = app.register("convfail@example.com", "Convert Fail").await;
    let id = lead_id(&app, &token, &[("first_name", "Half"), ("last_name", "Made")]).await;

    // A bad deal value is reported under the name the endpoint takes.
    let r = app
        .post(
            "/api/leads/convert",
            Some(&token),
            &[("id", &id.to_string()), ("create_deal", "yes"), ("deal_value", "lots")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.json["details"]["deal_value"].is_array(), "{}", r.text);

    // The deal cannot be placed (the default pipeline has no stages, set up behind the API's
    // back): the customer made just before is rolled back with everything else.
    app.exec("delete from pipeline_stages").await;
    let r = app.post("/api/leads/convert", Some(&token), &[("id", &id.to_string()), ("create_deal", "on")]).await;
    assert!(r.status.is_client_error() || r.status.is_server_error(), "{}", r.text);
    assert_eq!(app.count("select count(*) from customers").await, 0, "no half-made customer");
    assert_eq!(app.count("select count(*) from deals").await, 0);
    let lead = app.get(&format!("/api/leads/get?id={id}"), Some(&token)).await;
    assert_eq!((&lead.json["status"], &lead.json["converted_customer_id"]), (&json!("new"), &json!(null)));
});

both!(concurrent_conversions_convert_once, |app| async {
    use tower::ServiceExt;
    let token = app.register("convrace@example.com", "Convert Race").await;
    let id = lead_id(&app, &token, &[("first_name", "Racy")]).await;
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let req = common::request(
                Method::POST,
                "/api/leads/convert",
                Some(&token),
                Some(("application/x-www-form-urlencoded", format!("id={id}"))),
            );
            let router = app.router.clone();
            tokio::spawn(async move { router.oneshot(req).await.unwrap().status() })
        })
        .collect();
    let mut statuses = Vec::new();
    for call in calls {
        statuses.push(call.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == StatusCode::OK || *s == StatusCode::CONFLICT), "{statuses:?}");
    assert_eq!(app.count("select count(*) from customers").await, 1);
});

both!(converting_someone_elses_lead_is_404, |app| async {
    let token = app.register("convten@example.com", "Convert Tenant").await;
    let other = app.register("convten2@example.com", "Convert Tenant 2").await;
    let id = lead_id(&app, &other, &[("first_name", "Theirs")]).await;
    assert_eq!(convert(&app, &token, id).await.status, StatusCode::NOT_FOUND);
    let rep = app.member(&other, "convrep@example.com", "sales_rep").await;
    assert_eq!(convert(&app, &rep, id).await.status, StatusCode::NOT_FOUND, "not assigned to the rep");
    let marketing = app.member(&other, "convmkt@example.com", "marketing_rep").await;
    assert_eq!(convert(&app, &marketing, id).await.status, StatusCode::FORBIDDEN, "marketing may not create customers");
    let lead = app.get(&format!("/api/leads/get?id={id}"), Some(&other)).await;
    assert_eq!(lead.json["status"], "new");
    assert_eq!(app.count("select count(*) from customers").await, 0);
});
