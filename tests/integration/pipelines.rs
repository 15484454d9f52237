//! Pipelines and stages over HTTP: CRUD, the default pipeline, stage changes and order,
//! concurrency, tenancy and roles.

use crate::common;

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};
use tower::ServiceExt;

/// The organization's pipelines (default first).
async fn pipelines(app: &common::TestApp, token: &str) -> Vec<Value> {
    let r = app.get("/api/pipelines/list", Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json.as_array().unwrap().clone()
}

async fn default_pipeline(app: &common::TestApp, token: &str) -> Value {
    let list = pipelines(app, token).await;
    list.into_iter().find(|p| p["is_default"] == true).expect("a default pipeline")
}

async fn create_pipeline(app: &common::TestApp, token: &str, form: &[(&str, &str)]) -> Value {
    let r = app.post("/api/pipelines/create", Some(token), form).await;
    assert_eq!(r.status, StatusCode::OK, "create pipeline: {}", r.text);
    r.json
}

fn stage_names(p: &Value) -> Vec<String> {
    p["stages"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap().to_owned()).collect()
}

fn stage_ids(p: &Value) -> Vec<i64> {
    p["stages"].as_array().unwrap().iter().map(|s| s["id"].as_i64().unwrap()).collect()
}

/// Positions are 0..n-1 in the order the stages are listed.
fn assert_dense(p: &Value) {
    let positions: Vec<i64> = p["stages"].as_array().unwrap().iter().map(|s| s["position"].as_i64().unwrap()).collect();
    assert_eq!(positions, (0..positions.len() as i64).collect::<Vec<_>>(), "positions dense: {p}");
}

async fn deal_in(app: &common::TestApp, token: &str, stage_id: i64) -> i64 {
    let r =
        app.post("/api/deals/create", Some(token), &[("title", "Parked"), ("stage_id", &stage_id.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "create deal: {}", r.text);
    r.json["id"].as_i64().unwrap()
}

both!(a_new_organization_has_the_standard_default_pipeline, |app| async {
    let token = app.register("pl@example.com", "Pipes").await;
    let list = pipelines(&app, &token).await;
    assert_eq!(list.len(), 1);
    let p = &list[0];
    assert_eq!(p["is_default"], true);
    assert_eq!(p["is_active"], true);
    assert_eq!(stage_names(p), ["Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost"]);
    let probs: Vec<_> = p["stages"].as_array().unwrap().iter().map(|s| s["probability"].clone()).collect();
    assert_eq!(probs, [json!(10), json!(25), json!(50), json!(75), json!(100), json!(0)]);
    let kinds: Vec<_> = p["stages"].as_array().unwrap().iter().map(|s| s["kind"].clone()).collect();
    assert_eq!(kinds, [json!("open"), json!("open"), json!("open"), json!("open"), json!("won"), json!("lost")]);
    assert_dense(p);
    let got = app.get(&format!("/api/pipelines/get?id={}", p["id"]), Some(&token)).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(&got.json, p);
});

both!(create_update_and_delete_a_pipeline, |app| async {
    let token = app.register("plc@example.com", "Pipes C").await;
    let standard = create_pipeline(&app, &token, &[("name", " Renewals "), ("description", "Yearly")]).await;
    assert_eq!(standard["name"], "Renewals");
    assert_eq!(standard["description"], "Yearly");
    assert_eq!(standard["is_default"], false);
    assert_eq!(stage_names(&standard), ["Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost"]);

    let custom =
        create_pipeline(&app, &token, &[("name", "Partners"), ("stages", "Intro, Demo , Offer,Won,lost")]).await;
    assert_eq!(stage_names(&custom), ["Intro", "Demo", "Offer", "Won", "lost"]);
    let got: Vec<_> = custom["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["probability"].as_i64().unwrap(), s["kind"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(
        got,
        [(25, "open".into()), (50, "open".into()), (75, "open".into()), (100, "won".into()), (0, "lost".into())]
    );
    assert_dense(&custom);

    // Validation: a name is required, stage names once each.
    let r = app.post("/api/pipelines/create", Some(&token), &[("description", "x"), ("stages", "A, a")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.json["details"]["name"].is_array() && r.json["details"]["stages"].is_array(), "{}", r.text);
    assert_eq!(pipelines(&app, &token).await.len(), 3);

    let id = custom["id"].to_string();
    let r = app
        .post(
            "/api/pipelines/update",
            Some(&token),
            &[("id", &id), ("name", "Channel partners"), ("is_active", "false")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["name"], "Channel partners");
    assert_eq!(r.json["description"], json!(null));
    assert_eq!(r.json["is_active"], false);
    assert_eq!(r.json["stages"], custom["stages"]);
    let r = app.post("/api/pipelines/update", Some(&token), &[("id", &id), ("name", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    let r = app.post("/api/pipelines/delete", Some(&token), &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(app.get(&format!("/api/pipelines/get?id={id}"), Some(&token)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.post("/api/pipelines/delete", Some(&token), &[("id", &id)]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(pipelines(&app, &token).await.len(), 2);
});

both!(the_default_pipeline_and_pipelines_with_deals_are_kept, |app| async {
    let token = app.register("pld@example.com", "Pipes D").await;
    let default = default_pipeline(&app, &token).await;
    let did = default["id"].to_string();
    let r = app.post("/api/pipelines/delete", Some(&token), &[("id", &did)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let r = app.post("/api/pipelines/update", Some(&token), &[("id", &did), ("is_active", "false")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "the default stays active: {}", r.text);

    let other = create_pipeline(&app, &token, &[("name", "Other")]).await;
    let oid = other["id"].to_string();
    let deal = deal_in(&app, &token, stage_ids(&other)[0]).await;
    let r = app.post("/api/pipelines/delete", Some(&token), &[("id", &oid)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(r.json["error"].as_str().unwrap().contains("deal"));
    assert_eq!(app.get(&format!("/api/pipelines/get?id={oid}"), Some(&token)).await.json, other);

    app.post("/api/deals/delete", Some(&token), &[("id", &deal.to_string())]).await;
    let r = app.post("/api/pipelines/delete", Some(&token), &[("id", &oid)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(pipelines(&app, &token).await.len(), 1);
});

both!(set_default_moves_the_flag, |app| async {
    let token = app.register("pls@example.com", "Pipes S").await;
    let first = default_pipeline(&app, &token).await;
    let second = create_pipeline(&app, &token, &[("name", "Second")]).await;
    let r = app.post("/api/pipelines/set_default", Some(&token), &[("id", &second["id"].to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["is_default"], true);
    let list = pipelines(&app, &token).await;
    assert_eq!(list[0]["id"], second["id"], "the default is listed first");
    assert_eq!(list.iter().filter(|p| p["is_default"] == true).count(), 1);
    assert_eq!(list.iter().find(|p| p["id"] == first["id"]).unwrap()["is_default"], false);
    // Setting it again changes nothing; an inactive pipeline cannot become the default.
    let r = app.post("/api/pipelines/set_default", Some(&token), &[("id", &second["id"].to_string())]).await;
    assert_eq!(r.status, StatusCode::OK);
    let idle = create_pipeline(&app, &token, &[("name", "Idle"), ("is_active", "false")]).await;
    let r = app.post("/api/pipelines/set_default", Some(&token), &[("id", &idle["id"].to_string())]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    // New deals go to the default pipeline.
    let r = app.post("/api/deals/create", Some(&token), &[("title", "Where")]).await;
    assert_eq!(r.json["pipeline_id"], second["id"]);
    assert_eq!(r.json["stage_id"], second["stages"][0]["id"]);
});

both!(concurrent_set_default_calls_leave_exactly_one_default, |app| async {
    let token = app.register("plcc@example.com", "Pipes CC").await;
    let a = create_pipeline(&app, &token, &[("name", "A")]).await["id"].as_i64().unwrap();
    let b = create_pipeline(&app, &token, &[("name", "B")]).await["id"].as_i64().unwrap();
    let mut tasks = Vec::new();
    for i in 0..40 {
        let router = app.router.clone();
        let token = token.clone();
        let id = if i % 2 == 0 { a } else { b };
        tasks.push(tokio::spawn(async move {
            let body = format!("id={id}");
            let req = common::request(
                Method::POST,
                "/api/pipelines/set_default",
                Some(&token),
                Some(("application/x-www-form-urlencoded", body)),
            );
            router.oneshot(req).await.unwrap().status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::OK);
    }
    let list = pipelines(&app, &token).await;
    let defaults: Vec<_> = list.iter().filter(|p| p["is_default"] == true).map(|p| p["id"].as_i64().unwrap()).collect();
    assert_eq!(defaults.len(), 1, "{list:?}");
    assert!(defaults[0] == a || defaults[0] == b);
});

both!(stages_are_added_changed_and_deleted_keeping_positions_dense, |app| async {
    let token = app.register("plst@example.com", "Pipes St").await;
    let p = default_pipeline(&app, &token).await;
    let pid = p["id"].to_string();

    // An open stage goes after the last open one, before Won and Lost.
    let r = app
        .post(
            "/api/pipelines/add_stage",
            Some(&token),
            &[("pipeline_id", &pid), ("name", "Demo"), ("probability", "60")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.json["position"].clone(), r.json["kind"].clone()), (json!(4), json!("open")));
    let demo = r.json["id"].as_i64().unwrap();
    // A won stage goes last and defaults to 100%.
    let r = app
        .post("/api/pipelines/add_stage", Some(&token), &[("pipeline_id", &pid), ("name", "Won big"), ("kind", "won")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.json["position"].clone(), r.json["probability"].clone()), (json!(7), json!(100)));
    let won_big = r.json["id"].as_i64().unwrap();
    let p = app.get(&format!("/api/pipelines/get?id={pid}"), Some(&token)).await.json;
    assert_eq!(stage_names(&p), ["Lead", "Qualified", "Proposal", "Negotiation", "Demo", "Won", "Lost", "Won big"]);
    assert_dense(&p);

    let r = app
        .post("/api/pipelines/add_stage", Some(&token), &[("pipeline_id", &pid), ("name", ""), ("color", "blue")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json["details"]["name"].is_array() && r.json["details"]["color"].is_array(), "{}", r.text);

    // Rename, recolour, re-weight; fields not sent stay.
    let r = app
        .post(
            "/api/pipelines/update_stage",
            Some(&token),
            &[("id", &demo.to_string()), ("name", "Live demo"), ("color", "#ABCDEF"), ("probability", "65")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["name"], "Live demo");
    assert_eq!(r.json["color"], "#abcdef");
    assert_eq!(r.json["probability"], 65);
    assert_eq!(r.json["position"], 4);
    let r = app
        .post("/api/pipelines/update_stage", Some(&token), &[("id", &demo.to_string()), ("probability", "101")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A stage with deals cannot be deleted, nor change its kind.
    let deal = deal_in(&app, &token, demo).await;
    let r = app.post("/api/pipelines/delete_stage", Some(&token), &[("id", &demo.to_string())]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let r = app.post("/api/pipelines/update_stage", Some(&token), &[("id", &demo.to_string()), ("kind", "lost")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let p = app.get(&format!("/api/pipelines/get?id={pid}"), Some(&token)).await.json;
    assert_eq!(p["stages"].as_array().unwrap().len(), 8);

    // Once empty it can go; the stages after it move up.
    app.post("/api/deals/delete", Some(&token), &[("id", &deal.to_string())]).await;
    let r = app.post("/api/pipelines/delete_stage", Some(&token), &[("id", &demo.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app.post("/api/pipelines/delete_stage", Some(&token), &[("id", &won_big.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let p = app.get(&format!("/api/pipelines/get?id={pid}"), Some(&token)).await.json;
    assert_eq!(stage_names(&p), ["Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost"]);
    assert_dense(&p);
    let r = app.post("/api/pipelines/delete_stage", Some(&token), &[("id", &demo.to_string())]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // The last stage of a pipeline stays.
    let single = create_pipeline(&app, &token, &[("name", "Single"), ("stages", "Only")]).await;
    let r =
        app.post("/api/pipelines/delete_stage", Some(&token), &[("id", &single["stages"][0]["id"].to_string())]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
});

both!(reordering_takes_the_full_list_of_stages, |app| async {
    let token = app.register("plr@example.com", "Pipes R").await;
    let p = default_pipeline(&app, &token).await;
    let pid = p["id"].to_string();
    let ids = stage_ids(&p);
    let other = create_pipeline(&app, &token, &[("name", "Other")]).await;
    let stranger = app.register("plr2@example.com", "Pipes R2").await;
    let foreign = stage_ids(&default_pipeline(&app, &stranger).await)[0];
    let join = |ids: &[i64]| ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",");

    let bad = [
        join(&ids[..5]),                                      // one missing
        join(&[&ids[..], &[ids[0]]].concat()),                // one twice
        join(&[&ids[..5], &[stage_ids(&other)[0]]].concat()), // another pipeline's
        join(&[&ids[..5], &[foreign]].concat()),              // another organization's
        format!("{},x", join(&ids[..5])),                     // not a number
        String::new(),                                        // nothing
    ];
    for order in bad {
        let r = app
            .post("/api/pipelines/reorder_stages", Some(&token), &[("pipeline_id", &pid), ("stage_ids", &order)])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{order}: {}", r.text);
        assert!(r.json["details"]["stage_ids"].is_array(), "{}", r.text);
    }
    assert_eq!(app.get(&format!("/api/pipelines/get?id={pid}"), Some(&token)).await.json["stages"], p["stages"]);

    let reversed: Vec<i64> = ids.iter().rev().copied().collect();
    let r = app
        .post("/api/pipelines/reorder_stages", Some(&token), &[("pipeline_id", &pid), ("stage_ids", &join(&reversed))])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(stage_ids(&r.json), reversed);
    assert_dense(&r.json);
    let got = app.get(&format!("/api/pipelines/get?id={pid}"), Some(&token)).await.json;
    assert_eq!(stage_names(&got), ["Lost", "Won", "Negotiation", "Proposal", "Qualified", "Lead"]);
    assert_dense(&got);
    // JSON works too.
    let r = app
        .post_json(
            "/api/pipelines/reorder_stages",
            Some(&token),
            json!({"pipeline_id": p["id"], "stage_ids": join(&ids)}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(stage_ids(&r.json), ids);
});

both!(another_organizations_pipelines_are_404_and_unchanged, |app| async {
    let alice = app.register("pla@example.com", "Alice Pipes").await;
    let mallory = app.register("plm@example.com", "Mallory Pipes").await;
    let extra = create_pipeline(&app, &alice, &[("name", "Alice extra")]).await;
    let p = default_pipeline(&app, &alice).await;
    let (pid, xid) = (p["id"].to_string(), extra["id"].to_string());
    let sid = p["stages"][0]["id"].to_string();
    let order = stage_ids(&p).iter().rev().map(|i| i.to_string()).collect::<Vec<_>>().join(",");
    let before = pipelines(&app, &alice).await;

    let attempts = [
        app.get(&format!("/api/pipelines/get?id={pid}"), Some(&mallory)).await,
        app.post("/api/pipelines/update", Some(&mallory), &[("id", &pid), ("name", "Pwned")]).await,
        app.post("/api/pipelines/delete", Some(&mallory), &[("id", &xid)]).await,
        app.post("/api/pipelines/set_default", Some(&mallory), &[("id", &xid)]).await,
        app.post("/api/pipelines/add_stage", Some(&mallory), &[("pipeline_id", &pid), ("name", "Spam")]).await,
        app.post("/api/pipelines/update_stage", Some(&mallory), &[("id", &sid), ("name", "Pwned")]).await,
        app.post("/api/pipelines/delete_stage", Some(&mallory), &[("id", &sid)]).await,
        app.post("/api/pipelines/reorder_stages", Some(&mallory), &[("pipeline_id", &pid), ("stage_ids", &order)])
            .await,
        app.get(&format!("/api/deals/board?pipeline={pid}"), Some(&mallory)).await,
        app.get(&format!("/api/deals/stats?pipeline={pid}"), Some(&mallory)).await,
    ];
    for r in attempts {
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
        assert!(!r.text.contains("Alice"), "no data of the other organization in the body");
    }
    assert_eq!(pipelines(&app, &alice).await, before, "nothing changed");
    let theirs = pipelines(&app, &mallory).await;
    assert_eq!(theirs.len(), 1);
    assert_ne!(theirs[0]["id"], p["id"]);
});

both!(sales_reps_read_pipelines_and_only_admins_change_them, |app| async {
    let owner = app.register("plo@example.com", "Pipes Roles").await;
    let rep = app.member(&owner, "plrep@example.com", "sales_rep").await;
    let manager = app.member(&owner, "plmgr@example.com", "manager").await;
    let p = default_pipeline(&app, &owner).await;
    let pid = p["id"].to_string();
    let sid = p["stages"][0]["id"].to_string();
    assert_eq!(pipelines(&app, &rep).await, pipelines(&app, &owner).await);
    assert_eq!(app.get(&format!("/api/pipelines/get?id={pid}"), Some(&rep)).await.status, StatusCode::OK);
    for who in [&rep, &manager] {
        let attempts = [
            app.post("/api/pipelines/create", Some(who), &[("name", "Mine")]).await,
            app.post("/api/pipelines/update", Some(who), &[("id", &pid), ("name", "Mine")]).await,
            app.post("/api/pipelines/delete", Some(who), &[("id", &pid)]).await,
            app.post("/api/pipelines/set_default", Some(who), &[("id", &pid)]).await,
            app.post("/api/pipelines/add_stage", Some(who), &[("pipeline_id", &pid), ("name", "X")]).await,
            app.post("/api/pipelines/update_stage", Some(who), &[("id", &sid), ("name", "X")]).await,
            app.post("/api/pipelines/delete_stage", Some(who), &[("id", &sid)]).await,
            app.post("/api/pipelines/reorder_stages", Some(who), &[("pipeline_id", &pid), ("stage_ids", "1")]).await,
        ];
        for r in attempts {
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
        }
    }
    assert_eq!(default_pipeline(&app, &owner).await, p);
    // Signed-out callers get 401; reads are GET only, changes POST only.
    assert_eq!(app.get("/api/pipelines/list", None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/api/pipelines/create?name=x", Some(&owner)).await.status, StatusCode::METHOD_NOT_ALLOWED);
});
