//! Deals, board and pipeline pages rendered on the server, and their plain HTML forms
//! posted as a browser without JavaScript would.

use crate::common;

use axum::http::{header, StatusCode};
use serde_json::Value;

async fn default_pipeline(app: &common::TestApp, token: &str) -> Value {
    let r = app.get("/api/pipelines/list", Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json.as_array().unwrap().iter().find(|p| p["is_default"] == true).expect("a default pipeline").clone()
}

fn stage_id(pipeline: &Value, name: &str) -> i64 {
    pipeline["stages"].as_array().unwrap().iter().find(|s| s["name"] == name).expect(name)["id"].as_i64().unwrap()
}

async fn deal(app: &common::TestApp, token: &str, form: &[(&str, &str)]) -> Value {
    let r = app.post("/api/deals/create", Some(token), form).await;
    assert_eq!(r.status, StatusCode::OK, "create deal: {}", r.text);
    r.json
}

both!(deal_pages_need_a_session, |app| async {
    for path in ["/deals", "/deals/new", "/deals/board", "/deals/1", "/pipelines", "/pipelines/1"] {
        let r = app.send(common::page(path, None)).await;
        assert!(r.status.is_redirection(), "{path}: {}", r.status);
        assert_eq!(r.headers.get(header::LOCATION).unwrap(), "/login");
    }
});

both!(deal_pages_render_completely_on_the_server, |app| async {
    let (cookie, token) = common::session(&app, "deal-pages@example.com", "Dana", "Deal Pages Inc").await;
    let customer = app.customer(&token, &[("name", "Acme <Corp>")]).await;
    let pipeline = default_pipeline(&app, &token).await;
    let pid = pipeline["id"].as_i64().unwrap();
    let proposal = stage_id(&pipeline, "Proposal");
    let d = deal(
        &app,
        &token,
        &[
            ("title", "Big <b>Deal</b>"),
            ("customer_id", &customer.to_string()),
            ("stage_id", &proposal.to_string()),
            ("value", "1234.56"),
            ("priority", "high"),
        ],
    )
    .await;
    let id = d["id"].as_i64().unwrap();
    deal(&app, &token, &[("title", "Small one"), ("value", "10")]).await;

    let r = app.send(common::page("/deals", Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("Big &lt;b&gt;Deal&lt;/b&gt;") && r.text.contains("Small one"), "list: {}", r.text);
    assert!(r.text.contains("USD 1,234.56") && r.text.contains("Acme &lt;Corp&gt;"));
    assert!(r.text.contains("href=\"/deals/board\"") && r.text.contains("aria-sort"));
    let r = app.send(common::page("/deals?search=small", Some(&cookie))).await;
    assert!(r.text.contains("Small one") && !r.text.contains("Big &lt;b&gt;"), "search: {}", r.text);
    let r = app.send(common::page(&format!("/deals?stage={proposal}&ordering=-value"), Some(&cookie))).await;
    assert!(r.text.contains("Big &lt;b&gt;") && !r.text.contains("Small one"), "stage filter");
    let r = app.send(common::page("/deals?search=nothing-matches", Some(&cookie))).await;
    assert!(r.text.contains("No deals match"));

    let r = app.send(common::page("/deals/board", Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    for text in ["Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost", "Big &lt;b&gt;Deal&lt;/b&gt;"] {
        assert!(r.text.contains(text), "board shows {text}: {}", r.text);
    }
    assert!(r.text.contains("1 deal") && r.text.contains("USD 1,234.56"), "column totals");
    assert!(r.text.contains("draggable=\"true\""));
    assert!(r.text.contains("action=\"/api/deals/move\""), "a no-JS move form on every card");
    assert!(r.text.contains(&format!("value=\"/deals/board?pipeline={pid}\"")), "the form comes back to the board");

    let r = app.send(common::page(&format!("/deals/{id}"), Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("Big &lt;b&gt;Deal&lt;/b&gt;") && r.text.contains("Acme &lt;Corp&gt;"), "{}", r.text);
    for text in ["Save changes", "Why was it lost?", "name=\"reason\"", ">Won<", "Move", "Yes, delete"] {
        assert!(r.text.contains(text), "detail shows {text}");
    }
    let r = app.send(common::page("/deals/999999", Some(&cookie))).await;
    assert!(r.text.contains("Not found"));

    let r = app.send(common::page("/deals/new", Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("name=\"pipeline_id\"") && r.text.contains("name=\"stage_id\""));
    assert!(r.text.contains("Acme &lt;Corp&gt;"), "customers offered");

    let r = app.send(common::page(&format!("/customers/{customer}"), Some(&cookie))).await;
    assert!(r.text.contains("customer-deals-title") && r.text.contains("Big &lt;b&gt;Deal&lt;/b&gt;"), "{}", r.text);

    let r = app.send(common::page("/pipelines", Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains(pipeline["name"].as_str().unwrap()) && r.text.contains("Default"));
    assert!(r.text.contains("Lead → Qualified → Proposal"));
    let r = app.send(common::page(&format!("/pipelines/{pid}"), Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("type=\"color\"") && r.text.contains("name=\"stage_ids\""), "{}", r.text);
    assert!(r.text.contains("value=\"Negotiation\"") && r.text.contains("Add a stage"));
});

both!(the_no_js_move_form_moves_the_deal_and_comes_back_to_the_board, |app| async {
    let (cookie, token) = common::session(&app, "deal-pages@example.com", "Dana", "Deal Pages Inc").await;
    let pipeline = default_pipeline(&app, &token).await;
    let pid = pipeline["id"].as_i64().unwrap();
    let (lead, negotiation) = (stage_id(&pipeline, "Lead"), stage_id(&pipeline, "Negotiation"));
    let id = deal(&app, &token, &[("title", "Walked over"), ("value", "500")]).await["id"].as_i64().unwrap();
    let board = format!("/deals/board?pipeline={pid}");

    let body = [("id", id.to_string()), ("next", board.clone()), ("stage_id", negotiation.to_string())];
    let body: Vec<(&str, &str)> = body.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.send(common::form_post("/api/deals/move", &body, &cookie, &board)).await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text);
    assert_eq!(r.headers.get(header::LOCATION).unwrap(), board.as_str());
    let d = app.get(&format!("/api/deals/get?id={id}"), Some(&token)).await;
    assert_eq!(d.json["stage_id"], negotiation);
    assert_eq!(d.json["probability"], 75, "probability follows the stage");
    let r = app.send(common::page(&board, Some(&cookie))).await;
    let column = r.text.split(&format!("aria-labelledby=\"stage-{negotiation}-title\"")).nth(1).unwrap_or_default();
    let column = column.split("</section>").next().unwrap_or_default();
    assert!(column.contains("Walked over"), "the card is in its new column");
    assert!(r.text.contains(&format!("<option value=\"{negotiation}\" selected")), "its select shows the new stage");

    // A stage of another pipeline is refused: back to the board with the error shown.
    let other = app.post("/api/pipelines/create", Some(&token), &[("name", "Other")]).await;
    let foreign = other.json["stages"][0]["id"].as_i64().unwrap();
    let body = [("id", id.to_string()), ("next", board.clone()), ("stage_id", foreign.to_string())];
    let body: Vec<(&str, &str)> = body.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.send(common::form_post("/api/deals/move", &body, &cookie, &board)).await;
    assert_eq!(r.status, StatusCode::FOUND);
    let location = r.headers.get(header::LOCATION).unwrap().to_str().unwrap().to_owned();
    assert!(location.contains("__err=") && location.contains("/deals/board"), "{location}");
    let r = app.send(common::page(location.trim_start_matches("http://localhost"), Some(&cookie))).await;
    assert!(r.text.contains("The deal was not moved"), "{}", r.text);
    let d = app.get(&format!("/api/deals/get?id={id}"), Some(&token)).await;
    assert_eq!(d.json["stage_id"], negotiation, "unchanged");
    let _ = lead;
});

both!(the_no_js_stage_arrows_reorder_the_stages, |app| async {
    let (cookie, token) = common::session(&app, "deal-pages@example.com", "Dana", "Deal Pages Inc").await;
    let pipeline = default_pipeline(&app, &token).await;
    let pid = pipeline["id"].as_i64().unwrap();
    let ids: Vec<i64> = pipeline["stages"].as_array().unwrap().iter().map(|s| s["id"].as_i64().unwrap()).collect();
    // The "down" arrow of the first stage, as rendered on the page.
    let here = format!("/pipelines/{pid}");
    let mut order = ids.clone();
    order.swap(0, 1);
    let order_text = order.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",");
    let r = app.send(common::page(&here, Some(&cookie))).await;
    assert!(r.text.contains(&format!("value=\"{order_text}\"")), "the down arrow posts the full order");
    let pid_text = pid.to_string();
    let body = [("pipeline_id", pid_text.as_str()), ("stage_ids", order_text.as_str()), ("next", here.as_str())];
    let r = app.send(common::form_post("/api/pipelines/reorder_stages", &body, &cookie, &here)).await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.text);
    assert_eq!(r.headers.get(header::LOCATION).unwrap(), here.as_str());
    let p = default_pipeline(&app, &token).await;
    let now: Vec<i64> = p["stages"].as_array().unwrap().iter().map(|s| s["id"].as_i64().unwrap()).collect();
    assert_eq!(now, order);
});

both!(a_full_column_links_to_the_rest, |app| async {
    let (cookie, token) = common::session(&app, "deal-pages@example.com", "Dana", "Deal Pages Inc").await;
    let pipeline = default_pipeline(&app, &token).await;
    let (pid, lead) = (pipeline["id"].as_i64().unwrap(), stage_id(&pipeline, "Lead"));
    for i in 0..52 {
        deal(&app, &token, &[("title", &format!("Bulk {i}")), ("value", "1")]).await;
    }
    let r = app.send(common::page("/deals/board", Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("52 deals") && r.text.contains("USD 52.00"), "totals count every deal");
    assert_eq!(r.text.matches("class=\"deal-card\"").count(), 50, "only the first 50 cards");
    assert!(r.text.contains("+2 more"));
    assert!(r.text.contains(&format!("href=\"/deals?pipeline={pid}&amp;stage={lead}\"")), "{}", r.text);
});
