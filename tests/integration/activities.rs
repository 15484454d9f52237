//! Activities over HTTP: every type with its fields, validation, list filters, complete and
//! cancel, upcoming and overdue, stats, tenancy, the sales-rep scope; the activity pages and
//! their no-JavaScript forms.

use crate::common;

use axum::http::{header, Method, StatusCode};
use chrono::{Duration, SecondsFormat, Utc};
use serde_json::{json, Value};

/// Creates an activity and returns it.
async fn create(app: &common::TestApp, token: &str, form: &[(&str, &str)]) -> Value {
    let r = app.post("/api/activities/create", Some(token), form).await;
    assert_eq!(r.status, StatusCode::OK, "create activity {form:?}: {}", r.text);
    r.json
}

/// Creates a lead and returns its id as text.
async fn lead(app: &common::TestApp, token: &str, name: &str) -> String {
    let r = app.post("/api/leads/create", Some(token), &[("first_name", name)]).await;
    assert_eq!(r.status, StatusCode::OK, "create lead: {}", r.text);
    r.json["id"].to_string()
}

/// The caller's own employee id.
async fn my_employee(app: &common::TestApp, token: &str) -> i64 {
    let me = app.get("/api/auth/me", Some(token)).await;
    me.json["employee_id"].as_i64().unwrap_or_else(|| panic!("employee id in {}", me.text))
}

/// A time `hours` from now, as RFC 3339.
fn at(hours: i64) -> String {
    (Utc::now() + Duration::hours(hours)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn titles(v: &Value) -> Vec<String> {
    let list = v.get("results").unwrap_or(v);
    list.as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap().to_owned()).collect()
}

async fn list(app: &common::TestApp, token: &str, query: &str) -> Vec<String> {
    let r = app.get(&format!("/api/activities/list?{query}"), Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.text);
    titles(&r.json)
}

both!(activities_of_every_type_are_created_with_their_fields, |app| async {
    let token = app.register("acreate@example.com", "Act Create").await;
    let customer = app.customer(&token, &[("name", "Typed Ltd")]).await.to_string();
    let me = my_employee(&app, &token).await;

    let call = create(
        &app,
        &token,
        &[
            ("customer_id", &customer),
            ("activity_type", "call"),
            ("title", " Intro call "),
            ("phone_number", "+1 555 0100"),
            ("outcome", "connected"),
            ("recording_url", "rec.example.com/1"),
            ("duration_minutes", "15"),
        ],
    )
    .await;
    assert_eq!(call["title"], "Intro call");
    assert_eq!((call["status"].as_str(), call["completed_at"].is_string()), (Some("completed"), true));
    assert_eq!((call["outcome"].as_str(), call["duration_minutes"].as_i64()), (Some("connected"), Some(15)));
    assert_eq!(call["recording_url"], "https://rec.example.com/1");
    assert_eq!((call["assigned_to"].as_i64(), call["customer_name"].as_str()), (Some(me), Some("Typed Ltd")));
    assert_eq!(call["version"], 1);

    let email = create(
        &app,
        &token,
        &[
            ("customer_id", &customer),
            ("activity_type", "email"),
            ("title", "Quote sent"),
            ("email_subject", "Your quote"),
            ("email_body", "Please find attached…"),
            ("recipients", "Buyer@Typed.example, cfo@typed.example"),
        ],
    )
    .await;
    assert_eq!(email["recipients"], json!(["buyer@typed.example", "cfo@typed.example"]));
    assert_eq!(email["email_subject"], "Your quote");

    let telegram = app
        .post_json(
            "/api/activities/create",
            Some(&token),
            json!({"customer_id": customer, "activity_type": "telegram", "title": "Ping",
                   "telegram_username": "@typed_buyer", "telegram_chat_id": "-1001"}),
        )
        .await;
    assert_eq!(telegram.status, StatusCode::OK, "JSON body: {}", telegram.text);
    assert_eq!(
        (telegram.json["telegram_username"].as_str(), telegram.json["telegram_chat_id"].as_i64()),
        (Some("typed_buyer"), Some(-1001))
    );

    let meeting = create(
        &app,
        &token,
        &[
            ("customer_id", &customer),
            ("activity_type", "meeting"),
            ("title", "Demo"),
            ("scheduled_at", "2030-05-01T14:30"),
            ("location", "HQ, room 2"),
            ("meeting_url", "https://meet.example.com/abc"),
            ("attendees", "Ann; bob@typed.example"),
        ],
    )
    .await;
    assert_eq!((meeting["status"].as_str(), meeting["completed_at"].clone()), (Some("scheduled"), Value::Null));
    assert_eq!(meeting["scheduled_at"], "2030-05-01T14:30:00Z");
    assert_eq!(meeting["attendees"], json!(["Ann", "bob@typed.example"]));
    assert_eq!(meeting["location"], "HQ, room 2");

    let task = create(
        &app,
        &token,
        &[
            ("customer_id", &customer),
            ("activity_type", "task"),
            ("title", "Send contract"),
            ("priority", "urgent"),
            ("due_date", "2030-06-01"),
        ],
    )
    .await;
    assert_eq!(
        (task["priority"].as_str(), task["due_date"].as_str(), task["status"].as_str()),
        (Some("urgent"), Some("2030-06-01"), Some("scheduled"))
    );

    let note = create(
        &app,
        &token,
        &[("customer_id", &customer), ("activity_type", "note"), ("title", "Prefers mornings"), ("is_pinned", "on")],
    )
    .await;
    assert_eq!(note["is_pinned"], true);
    // Fields of other types are empty.
    assert_eq!(
        (note["phone_number"].clone(), note["recipients"].clone(), note["priority"].clone()),
        (Value::Null, json!([]), Value::Null)
    );

    let r = app.get(&format!("/api/activities/get?id={}", call["id"]), Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json, call);
    assert_eq!(app.get("/api/activities/create?title=x", Some(&token)).await.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(app.get("/api/activities/complete?id=1", Some(&token)).await.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(app.get("/api/activities/list", None).await.status, StatusCode::UNAUTHORIZED);
});

both!(invalid_activities_are_422_naming_the_field, |app| async {
    let token = app.register("ainvalid@example.com", "Act Invalid").await;
    let lead = lead(&app, &token, "Val").await;
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("activity_type", "call"), ("lead_id", &lead)], "title"),
        (&[("activity_type", "call"), ("title", "No link")], "customer_id"),
        (&[("activity_type", "fax"), ("title", "T"), ("lead_id", &lead)], "activity_type"),
        (
            &[("activity_type", "email"), ("title", "T"), ("lead_id", &lead), ("recipients", "ann@x.example, nobody")],
            "recipients",
        ),
        (&[("activity_type", "call"), ("title", "T"), ("lead_id", &lead), ("location", "Room 1")], "location"),
        (&[("activity_type", "task"), ("title", "T"), ("lead_id", &lead), ("priority", "asap")], "priority"),
        (&[("activity_type", "task"), ("title", "T"), ("lead_id", &lead), ("due_date", "soon")], "due_date"),
        (
            &[("activity_type", "call"), ("title", "T"), ("lead_id", &lead), ("duration_minutes", "-1")],
            "duration_minutes",
        ),
        (
            &[("activity_type", "meeting"), ("title", "T"), ("lead_id", &lead), ("meeting_url", "not a url")],
            "meeting_url",
        ),
        (&[("activity_type", "call"), ("title", "T"), ("lead_id", &lead), ("outcome", "great")], "outcome"),
        (&[("activity_type", "note"), ("title", "T"), ("lead_id", &lead), ("status", "done")], "status"),
        (&[("activity_type", "note"), ("title", "T"), ("lead_id", "999999")], "lead_id"),
        (&[("activity_type", "note"), ("title", "T"), ("lead_id", &lead), ("assigned_to", "999999")], "assigned_to"),
    ];
    for (form, field) in cases {
        let r = app.post("/api/activities/create", Some(&token), form).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{form:?}: {}", r.text);
        assert!(r.json["details"][field].is_array(), "{field} should be named: {}", r.text);
    }
    assert_eq!(app.count("select count(*) from activities").await, 0, "nothing was stored");
});

both!(lists_filter_by_type_status_links_search_and_date_range, |app| async {
    let token = app.register("alist@example.com", "Act List").await;
    let customer = app.customer(&token, &[("name", "Listed Ltd")]).await.to_string();
    let lead = lead(&app, &token, "Listed").await;
    let day = |d: u32, t: &str| format!("2030-05-{d:02}T{t}");
    create(
        &app,
        &token,
        &[
            ("customer_id", &customer),
            ("activity_type", "call"),
            ("title", "Call one"),
            ("scheduled_at", &day(1, "09:00")),
        ],
    )
    .await;
    create(
        &app,
        &token,
        &[
            ("customer_id", &customer),
            ("activity_type", "meeting"),
            ("title", "Meeting two"),
            ("scheduled_at", &day(2, "23:59")),
        ],
    )
    .await;
    create(
        &app,
        &token,
        &[
            ("lead_id", &lead),
            ("activity_type", "call"),
            ("title", "Call three"),
            ("scheduled_at", &day(3, "00:00")),
            ("description", "about pricing"),
        ],
    )
    .await;
    create(&app, &token, &[("lead_id", &lead), ("activity_type", "note"), ("title", "Unscheduled note")]).await;

    assert_eq!(
        list(&app, &token, "").await,
        ["Unscheduled note", "Call three", "Meeting two", "Call one"],
        "newest first"
    );
    assert_eq!(list(&app, &token, "activity_type=call&ordering=scheduled_at").await, ["Call one", "Call three"]);
    assert_eq!(list(&app, &token, "status=completed").await, ["Unscheduled note"]);
    assert_eq!(
        list(&app, &token, &format!("customer_id={customer}&ordering=title")).await,
        ["Call one", "Meeting two"]
    );
    assert_eq!(
        list(&app, &token, &format!("lead_id={lead}&ordering=-title")).await,
        ["Unscheduled note", "Call three"]
    );
    assert_eq!(list(&app, &token, "search=PRICING").await, ["Call three"]);
    assert_eq!(list(&app, &token, "search=meet").await, ["Meeting two"]);
    // A date covers its whole day; both ends are inclusive.
    assert_eq!(list(&app, &token, "from=2030-05-02&to=2030-05-02").await, ["Meeting two"]);
    assert_eq!(
        list(&app, &token, "from=2030-05-01&to=2030-05-02&ordering=scheduled_at").await,
        ["Call one", "Meeting two"]
    );
    assert_eq!(
        list(&app, &token, "from=2030-05-02T12:00:00Z&ordering=-scheduled_at").await,
        ["Call three", "Meeting two"]
    );
    assert_eq!(list(&app, &token, "to=2030-05-01T09:00:00Z").await, ["Call one"]);
    let me = my_employee(&app, &token).await;
    assert_eq!(list(&app, &token, &format!("assigned_to={me}")).await.len(), 4);
    let r = app.get("/api/activities/list?page_size=2&ordering=title", Some(&token)).await;
    assert_eq!(
        (r.json["count"].as_i64(), titles(&r.json)),
        (Some(4), vec!["Call one".to_owned(), "Call three".to_owned()])
    );
    assert!(r.json["next"].as_str().unwrap().contains("page=2"));
    let r = app.get("/api/activities/list?from=someday&ordering=secret&status=x", Some(&token)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["from", "ordering", "status"] {
        assert!(r.json["details"][field].is_array(), "{field}: {}", r.text);
    }
});

both!(complete_cancel_and_update_follow_the_rules, |app| async {
    let token = app.register("astatus@example.com", "Act Status").await;
    let lead = lead(&app, &token, "Status").await;
    let a = create(
        &app,
        &token,
        &[
            ("lead_id", &lead),
            ("activity_type", "call"),
            ("title", "Follow up"),
            ("scheduled_at", &at(24)),
            ("phone_number", "555 0100"),
        ],
    )
    .await;
    let id = a["id"].to_string();
    assert_eq!(a["completed_at"], Value::Null);

    let r = app.post("/api/activities/complete", Some(&token), &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["status"], "completed");
    let done = chrono::DateTime::parse_from_rfc3339(r.json["completed_at"].as_str().unwrap()).unwrap();
    assert!((Utc::now() - done.with_timezone(&Utc)).num_seconds().abs() < 60, "completed just now");
    assert_eq!(r.json["version"], 2);
    let r = app.post("/api/activities/complete", Some(&token), &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let r = app.post("/api/activities/cancel", Some(&token), &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "a completed activity is not cancelled");

    let b = create(
        &app,
        &token,
        &[("lead_id", &lead), ("activity_type", "meeting"), ("title", "Lunch"), ("scheduled_at", &at(48))],
    )
    .await;
    let bid = b["id"].to_string();
    let r = app.post("/api/activities/cancel", Some(&token), &[("id", &bid)]).await;
    assert_eq!(
        (r.status, r.json["status"].as_str(), r.json["completed_at"].clone()),
        (StatusCode::OK, Some("cancelled"), Value::Null)
    );

    // Updates: sent fields replace, others stay; a stale version is 409; a new type clears the old type's fields.
    let r = app
        .post("/api/activities/update", Some(&token), &[("id", &id), ("title", "Follow-up call"), ("version", "2")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        (r.json["title"].as_str(), r.json["phone_number"].as_str(), r.json["version"].as_i64()),
        (Some("Follow-up call"), Some("555 0100"), Some(3))
    );
    assert!(r.json["completed_at"].is_string(), "still completed");
    let r =
        app.post("/api/activities/update", Some(&token), &[("id", &id), ("title", "Stale"), ("version", "2")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let r = app
        .post(
            "/api/activities/update",
            Some(&token),
            &[("id", &id), ("activity_type", "meeting"), ("location", "Cafe"), ("status", "scheduled")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.json["phone_number"].clone(), r.json["location"].as_str()), (Value::Null, Some("Cafe")));
    assert_eq!(
        (r.json["status"].as_str(), r.json["completed_at"].clone()),
        (Some("scheduled"), Value::Null),
        "reopened"
    );
    let r = app.post("/api/activities/update", Some(&token), &[("id", &id), ("lead_id", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "an activity keeps a linked record");

    let r = app.post("/api/activities/delete", Some(&token), &[("id", &bid)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(app.get(&format!("/api/activities/get?id={bid}"), Some(&token)).await.status, StatusCode::NOT_FOUND);
});

both!(upcoming_overdue_and_stats_count_the_right_activities, |app| async {
    let token = app.register("atime@example.com", "Act Time").await;
    let lead = lead(&app, &token, "Timely").await;
    let yesterday = (Utc::now() - Duration::days(1)).date_naive().to_string();
    for (kind, title, when) in [
        ("call", "In an hour", at(1)),
        ("meeting", "In three days", at(72)),
        ("meeting", "In ten days", at(240)),
        ("call", "Two hours ago", at(-2)),
        ("task", "Last week", at(-24 * 7)),
    ] {
        create(&app, &token, &[("lead_id", &lead), ("activity_type", kind), ("title", title), ("scheduled_at", &when)])
            .await;
    }
    // Past but done or cancelled: never overdue.
    create(
        &app,
        &token,
        &[
            ("lead_id", &lead),
            ("activity_type", "call"),
            ("title", "Done yesterday"),
            ("scheduled_at", &at(-20)),
            ("status", "completed"),
        ],
    )
    .await;
    create(
        &app,
        &token,
        &[
            ("lead_id", &lead),
            ("activity_type", "call"),
            ("title", "Called off"),
            ("scheduled_at", &at(-30)),
            ("status", "cancelled"),
        ],
    )
    .await;
    // A task without a time, due yesterday: overdue; an unscheduled note: neither.
    create(
        &app,
        &token,
        &[("lead_id", &lead), ("activity_type", "task"), ("title", "Due yesterday"), ("due_date", &yesterday)],
    )
    .await;
    create(&app, &token, &[("lead_id", &lead), ("activity_type", "note"), ("title", "Just a note")]).await;

    let r = app.get("/api/activities/upcoming", Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(titles(&r.json), ["In an hour", "In three days"], "the next 7 days, soonest first");
    let r = app.get("/api/activities/upcoming?days=30", Some(&token)).await;
    assert_eq!(titles(&r.json), ["In an hour", "In three days", "In ten days"]);
    assert_eq!(app.get("/api/activities/upcoming?days=0", Some(&token)).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app.get("/api/activities/overdue", Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(titles(&r.json), ["Last week", "Two hours ago", "Due yesterday"], "oldest first");

    let r = app.get("/api/activities/stats", Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["total"], 9);
    assert_eq!(r.json["by_type"], json!({"call": 4, "meeting": 2, "task": 2, "note": 1}));
    assert_eq!(r.json["by_status"], json!({"scheduled": 6, "completed": 2, "cancelled": 1}));
    assert_eq!(r.json["overdue"], 3);
    assert_eq!(r.json["completed_today"], 2, "the completed call and the note were recorded today");

    // "My day": today's open ones and the overdue ones, both the caller's.
    let r = app.get("/api/activities/my_day", Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let overdue = titles(&r.json["overdue"]);
    assert!(overdue.contains(&"Last week".to_owned()) && overdue.contains(&"Due yesterday".to_owned()), "{overdue:?}");
    for t in titles(&r.json["today"]) {
        assert!(["In an hour", "Two hours ago"].contains(&t.as_str()), "{t} is not today's");
    }
    // Another organization's activities do not count.
    let other = app.register("atime2@example.com", "Other Time").await;
    let r = app.get("/api/activities/stats", Some(&other)).await;
    assert_eq!((r.json["total"].clone(), r.json["overdue"].clone()), (json!(0), json!(0)));
    assert_eq!(app.get("/api/activities/overdue", Some(&other)).await.json, json!([]));
});

both!(another_organizations_activity_is_404_and_unchanged, |app| async {
    let alice = app.register("aalice@example.com", "Alice Acts").await;
    let mallory = app.register("amallory@example.com", "Mallory Acts").await;
    let alice_lead = lead(&app, &alice, "Alice's prospect").await;
    let a = create(
        &app,
        &alice,
        &[("lead_id", &alice_lead), ("activity_type", "call"), ("title", "Alice's call"), ("scheduled_at", &at(5))],
    )
    .await;
    let id = a["id"].to_string();
    let before = app.get(&format!("/api/activities/get?id={id}"), Some(&alice)).await.json;

    let attempts = [
        app.get(&format!("/api/activities/get?id={id}"), Some(&mallory)).await,
        app.post("/api/activities/update", Some(&mallory), &[("id", &id), ("title", "Pwned")]).await,
        app.post("/api/activities/complete", Some(&mallory), &[("id", &id)]).await,
        app.post("/api/activities/cancel", Some(&mallory), &[("id", &id)]).await,
        app.post("/api/activities/delete", Some(&mallory), &[("id", &id)]).await,
    ];
    for r in attempts {
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
        assert!(!r.text.contains("Alice"), "no data of the other organization in the body");
    }
    // Linking Alice's lead from Mallory's organization: 422, nothing stored.
    let r = app
        .post(
            "/api/activities/create",
            Some(&mallory),
            &[("lead_id", &alice_lead), ("activity_type", "note"), ("title", "spam")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.json["details"]["lead_id"].is_array());
    let mallory_lead = lead(&app, &mallory, "Mallory's").await;
    let alice_employee = my_employee(&app, &alice).await.to_string();
    let r = app
        .post(
            "/api/activities/create",
            Some(&mallory),
            &[("lead_id", &mallory_lead), ("activity_type", "note"), ("title", "x"), ("assigned_to", &alice_employee)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "another organization's employee: {}", r.text);
    assert_eq!(app.count("select count(*) from activities").await, 1);
    assert_eq!(app.get(&format!("/api/activities/get?id={id}"), Some(&alice)).await.json, before, "nothing changed");
    assert_eq!(app.get("/api/activities/list", Some(&mallory)).await.json["count"], 0);
    assert_eq!(app.get("/api/activities/upcoming", Some(&mallory)).await.json, json!([]));
});

both!(sales_reps_see_and_change_only_activities_assigned_to_them, |app| async {
    let owner = app.register("aown@example.com", "Act Scoped").await;
    let rep = app.member(&owner, "arep@example.com", "sales_rep").await;
    let rep_employee = my_employee(&app, &rep).await;
    let owner_employee = my_employee(&app, &owner).await.to_string();
    let rep_lead = lead(&app, &rep, "Rep's lead").await;
    let owner_lead = lead(&app, &owner, "Owner's lead").await;

    let mine = create(
        &app,
        &rep,
        &[("lead_id", &rep_lead), ("activity_type", "call"), ("title", "Rep call"), ("scheduled_at", &at(2))],
    )
    .await;
    assert_eq!(mine["assigned_to"], rep_employee, "assigned to the rep by default");
    let theirs = create(
        &app,
        &owner,
        &[("lead_id", &rep_lead), ("activity_type", "call"), ("title", "Owner call"), ("scheduled_at", &at(3))],
    )
    .await;
    let tid = theirs["id"].to_string();

    assert_eq!(list(&app, &rep, "").await, ["Rep call"]);
    assert_eq!(titles(&app.get("/api/activities/upcoming", Some(&rep)).await.json), ["Rep call"]);
    assert_eq!(app.get("/api/activities/stats", Some(&rep)).await.json["total"], 1);
    let attempts = [
        app.get(&format!("/api/activities/get?id={tid}"), Some(&rep)).await,
        app.post("/api/activities/update", Some(&rep), &[("id", &tid), ("title", "Mine now")]).await,
        app.post("/api/activities/complete", Some(&rep), &[("id", &tid)]).await,
        app.post("/api/activities/cancel", Some(&rep), &[("id", &tid)]).await,
    ];
    for r in attempts {
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
        assert!(!r.text.contains("Owner call"));
    }
    // A rep links only records they can see, and assigns only to themselves.
    let r = app
        .post(
            "/api/activities/create",
            Some(&rep),
            &[("lead_id", &owner_lead), ("activity_type", "note"), ("title", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.json["details"]["lead_id"].is_array());
    let r = app
        .post(
            "/api/activities/create",
            Some(&rep),
            &[("lead_id", &rep_lead), ("activity_type", "note"), ("title", "x"), ("assigned_to", &owner_employee)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.json["details"]["assigned_to"].is_array());
    // Their own they may complete; delete they may not.
    let mid = mine["id"].to_string();
    assert_eq!(app.post("/api/activities/complete", Some(&rep), &[("id", &mid)]).await.status, StatusCode::OK);
    assert_eq!(app.post("/api/activities/delete", Some(&rep), &[("id", &mid)]).await.status, StatusCode::FORBIDDEN);
    // The owner sees both; the owner's one is unchanged.
    assert_eq!(list(&app, &owner, "ordering=title").await, ["Owner call", "Rep call"]);
    let got = app.get(&format!("/api/activities/get?id={tid}"), Some(&owner)).await.json;
    assert_eq!((got["title"].as_str(), got["status"].as_str()), (Some("Owner call"), Some("scheduled")));
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

both!(activity_pages_render_on_the_server_and_forms_work_without_javascript, |app| async {
    let (cookie, token) = common::session(&app, "apages@example.com", "Paige", "Act Pages").await;
    let customer = app.customer(&token, &[("name", "Timeline Ltd")]).await;
    let a = create(
        &app,
        &token,
        &[
            ("customer_id", &customer.to_string()),
            ("activity_type", "call"),
            ("title", "Rendered <b>call</b>"),
            ("scheduled_at", &at(3)),
            ("outcome", "voicemail"),
        ],
    )
    .await;
    let id = a["id"].as_i64().unwrap();

    let r = app.send(common::page("/activities", Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.text.contains("Rendered &lt;b&gt;call&lt;/b&gt;") && r.text.contains("Timeline Ltd"),
        "list rendered: {}",
        r.text
    );
    assert!(r.text.contains("href=\"/activities\""), "the navigation links to activities");
    let r = app.send(common::page(&format!("/activities/{id}"), Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    for text in [
        "Left a voicemail",
        "action=\"/api/activities/complete\"",
        "action=\"/api/activities/update\"",
        "name=\"phone_number\"",
    ] {
        assert!(r.text.contains(text), "{text} missing from the detail page");
    }
    let r = app.send(common::page(&format!("/customers/{customer}"), Some(&cookie))).await;
    assert!(
        r.text.contains("Rendered &lt;b&gt;call&lt;/b&gt;") && r.text.contains("action=\"/api/activities/create\""),
        "the customer's timeline"
    );
    let r = app.send(common::page("/activities/new?customer_id=5", Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("action=\"/api/activities/create\"") && r.text.contains("name=\"due_date\""));
    let r = app.send(common::page("/", Some(&cookie))).await;
    assert!(r.text.contains("My day"), "the dashboard shows the caller's day");
    let r = app.send(common::page("/activities/999999", Some(&cookie))).await;
    assert!(r.text.contains("Not found"));

    // Without JavaScript: create (every type's fields posted, the others empty), then complete.
    let body = format!(
        "activity_type=task&title=No+JS+task&status=scheduled&scheduled_at=&customer_id={customer}&lead_id=&deal_id=\
         &phone_number=&outcome=&recording_url=&email_subject=&recipients=&email_body=&telegram_username=\
         &telegram_chat_id=&location=&meeting_url=&attendees=&priority=high&due_date=2030-01-02&is_pinned=false\
         &next=%2Factivities%2F%7Bid%7D"
    );
    let r = app.send(form_post("/api/activities/create", &body, &cookie, "http://localhost/activities/new")).await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text);
    let location = r.headers.get(header::LOCATION).unwrap().to_str().unwrap().to_owned();
    let list = app.get("/api/activities/list?search=no%20js", Some(&token)).await;
    let new_id = list.json["results"][0]["id"].as_i64().unwrap();
    assert_eq!(list.json["results"][0]["priority"], "high");
    assert_eq!(location, format!("/activities/{new_id}"));
    let here = format!("/activities/{new_id}");
    let r = app
        .send(form_post(
            "/api/activities/complete",
            &format!("id={new_id}&next=%2Factivities%2F{new_id}"),
            &cookie,
            &format!("http://localhost{here}"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text);
    assert_eq!(app.get(&format!("/api/activities/get?id={new_id}"), Some(&token)).await.json["status"], "completed");
});
