//! One search box for everything (`search/all`, the `/search` page): every kind of record at
//! once, grouped, with the lists' permissions and scope.

use axum::http::StatusCode;
use serde_json::Value;

use crate::common::{self, TestApp};

/// The kinds found and, per kind, the titles of the hits.
fn found(json: &Value) -> Vec<(String, Vec<String>)> {
    json["groups"]
        .as_array()
        .unwrap_or_else(|| panic!("{json}"))
        .iter()
        .map(|g| {
            let titles =
                g["hits"].as_array().unwrap().iter().map(|h| h["title"].as_str().unwrap().to_owned()).collect();
            (g["kind"].as_str().unwrap().to_owned(), titles)
        })
        .collect()
}

fn kinds(json: &Value) -> Vec<String> {
    found(json).into_iter().map(|(k, _)| k).collect()
}

async fn search(app: &TestApp, token: &str, q: &str) -> Value {
    let r = app.get(&format!("/api/search/all?q={}", urlencoding(q)), Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json
}

fn urlencoding(q: &str) -> String {
    serde_urlencoded::to_string([("", q)]).unwrap().trim_start_matches('=').to_owned()
}

both!(one_search_finds_every_kind_of_record_within_the_callers_sight, |app| async {
    let (cookie, owner) = common::session(&app, "finder@example.com", "Fay", "Finding Inc").await;
    let post = |path: &'static str, form: Vec<(&'static str, String)>| {
        let owner = owner.clone();
        let app = &app;
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let r = app.post(path, Some(&owner), &form).await;
            assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
            r.json
        }
    };
    let customer =
        post("/api/customers/create", vec![("name", "Contoso Ltd".into()), ("email", "buy@contoso.example".into())])
            .await;
    let customer_id = customer["id"].to_string();
    post("/api/leads/create", vec![("first_name", "Carla".into()), ("last_name", "Contoso".into())]).await;
    post(
        "/api/deals/create",
        vec![("title", "Contoso renewal".into()), ("customer_id", customer_id.clone()), ("value", "1200".into())],
    )
    .await;
    let vendor = post("/api/vendors/create", vec![("name", "Contoso Supplies".into())]).await;
    let items = r#"[{"item_name":"Chair","quantity":"2","unit_price":"10"}]"#;
    let order = post(
        "/api/orders/create",
        vec![("title", "Contoso chairs".into()), ("vendor_id", vendor["id"].to_string()), ("items", items.into())],
    )
    .await;
    post("/api/issues/create", vec![("title", "Contoso delivery late".into()), ("customer_id", customer_id.clone())])
        .await;
    post("/api/employees/create", vec![("first_name", "Conny".into()), ("last_name", "Contoso".into())]).await;
    post(
        "/api/activities/create",
        vec![("activity_type", "call".into()), ("title", "Call Contoso".into()), ("customer_id", customer_id.clone())],
    )
    .await;
    post("/api/customers/create", vec![("name", "Fabrikam".into())]).await;
    // Another organization's Contoso is never found.
    let stranger = app.register("stranger@example.com", "Other Inc").await;
    app.post("/api/customers/create", Some(&stranger), &[("name", "Contoso of Others")]).await;

    let all = search(&app, &owner, "contoso").await;
    assert_eq!(
        kinds(&all),
        ["customers", "leads", "deals", "orders", "issues", "vendors", "employees", "activities"],
        "{all}"
    );
    let customers = &all["groups"][0];
    assert_eq!(customers["hits"][0]["title"], "Contoso Ltd");
    assert_eq!(customers["hits"][0]["url"], format!("/customers/{customer_id}"));
    assert!(customers["hits"][0]["detail"].as_str().unwrap().contains("buy@contoso.example"), "{all}");
    assert_eq!(customers["more_url"], "/customers?search=contoso");
    assert!(!all.to_string().contains("Contoso of Others") && !all.to_string().contains("Fabrikam"));
    // Documents by number.
    let number = order["number"].as_str().unwrap();
    let by_number = search(&app, &owner, number).await;
    assert_eq!(found(&by_number), [("orders".to_owned(), vec![format!("{number} Contoso chairs")])]);
    // `limit` per kind, and the total count.
    for i in 0..3 {
        post("/api/customers/create", vec![("name", format!("Contoso branch {i}"))]).await;
    }
    let limited = app.get("/api/search/all?q=contoso&limit=2", Some(&owner)).await;
    assert_eq!(limited.json["groups"][0]["hits"].as_array().unwrap().len(), 2, "{}", limited.text);
    assert_eq!(limited.json["groups"][0]["count"], 4);
    for bad in ["/api/search/all", "/api/search/all?q=x&limit=0", "/api/search/all?q=x&limit=21"] {
        let r = app.get(bad, Some(&owner)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {}", r.text);
    }

    // A sales rep finds only what is theirs; a marketing rep no deals, orders or activities.
    let rep = app.member(&owner, "rep@example.com", "sales_rep").await;
    assert!(kinds(&search(&app, &rep, "contoso").await).is_empty());
    let marketing = app.member(&owner, "mark@example.com", "marketing_rep").await;
    assert_eq!(kinds(&search(&app, &marketing, "contoso").await), ["customers", "leads"]);

    // The page: grouped results, links to the records and to the filtered lists.
    let page = app.send(common::page("/search?q=contoso", Some(&cookie))).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in ["Contoso Ltd", "Carla Contoso", "Contoso renewal", "Call Contoso", "Conny Contoso"] {
        assert!(page.text.contains(text), "{text} on the page: {}", page.text);
    }
    assert!(page.text.contains(&format!("href=\"/customers/{customer_id}\"")));
    let page = app.send(common::page("/search?q=nothing-like-this", Some(&cookie))).await;
    assert!(page.text.contains("Nothing matches"), "{}", page.text);
    // The header's box on every page of the staff.
    let page = app.send(common::page("/customers", Some(&cookie))).await;
    assert!(page.text.contains("id=\"global-search\""));
});

both!(a_portal_contact_searches_only_their_own_documents, |app| async {
    let owner = app.register("portal.owner@example.com", "Portal Search Inc").await;
    let mine = app.customer(&owner, &[("name", "Mine Ltd")]).await.to_string();
    let theirs = app.customer(&owner, &[("name", "Theirs Ltd")]).await.to_string();
    for (customer, title) in [(&mine, "Widget order for us"), (&theirs, "Widget order for them")] {
        let items = r#"[{"item_name":"Widget","quantity":"1","unit_price":"5"}]"#;
        let form = [("title", title), ("customer_id", customer.as_str()), ("items", items)];
        assert_eq!(app.post("/api/orders/create", Some(&owner), &form).await.status, StatusCode::OK);
    }
    app.portal_contact(&owner, &mine, "contact@mine.example", "Mo", "a long portal password").await;
    let login = app
        .post("/api/auth/login", None, &[("email", "contact@mine.example"), ("password", "a long portal password")])
        .await;
    let contact = login.json["token"].as_str().unwrap().to_owned();
    let results = search(&app, &contact, "widget").await;
    let groups = found(&results);
    assert_eq!(groups.len(), 1, "{results}");
    assert_eq!(groups[0].0, "orders");
    assert_eq!(groups[0].1.len(), 1);
    assert!(groups[0].1[0].ends_with("Widget order for us"), "{results}");
});

/// The names of a customers list page, and its count.
async fn customers_matching(app: &TestApp, token: &str, term: &str) -> (Vec<String>, i64) {
    let r = app.get(&format!("/api/customers/list?search={}&page_size=100", urlencoding(term)), Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let names = r.json["results"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_owned()).collect();
    (names, r.json["count"].as_i64().unwrap())
}

// The trigram index knows the organization (SQLite: each organization's rowid range; PostgreSQL:
// a GIN index over the organization and the text): a term in 2,100 records of another
// organization finds this one's 3, and a term in 2,100 of this one's (more than the 2,000 ids
// a search hands the list) is still limited to them. Edits and deletes keep the index in step.
both!(a_search_sees_only_its_organization_however_common_the_term_elsewhere, |app| async {
    let owner = app.register("few@example.com", "Few Zephyrs Inc").await;
    let other = app.register("many@example.com", "Many Zephyrs Inc").await;
    let mut csv = String::from("Name,Company name\r\n");
    for i in 0..2100 {
        csv.push_str(&format!("Zephyr customer {i},Zephyr Winds\r\n"));
    }
    let r = app.post("/api/customers/import", Some(&other), &[("csv", &csv), ("dry_run", "false")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let mut mine = Vec::new();
    for name in ["Zephyr Air", "Zephyr Boats", "Calm Zephyrs"] {
        mine.push(app.customer(&owner, &[("name", name)]).await);
    }
    app.customer(&owner, &[("name", "Breeze Ltd")]).await;

    let (mut names, count) = customers_matching(&app, &owner, "zephyr").await;
    names.sort();
    assert_eq!((names, count), (vec!["Calm Zephyrs".to_owned(), "Zephyr Air".into(), "Zephyr Boats".into()], 3));
    let (names, count) = customers_matching(&app, &other, "ZEPHYR").await;
    assert_eq!((names.len(), count), (100, 2100));
    assert!(names.iter().all(|n| n.starts_with("Zephyr customer ")), "{names:?}");
    let (names, count) = customers_matching(&app, &other, "winds").await;
    assert_eq!((names.len(), count), (100, 2100));
    // A short term (no trigram to look up) is scanned, still within the organization.
    assert_eq!(customers_matching(&app, &owner, "yr").await.1, 3);
    assert_eq!(customers_matching(&app, &other, "air").await.1, 0);
    let all = search(&app, &owner, "zephyr").await;
    assert_eq!(all["groups"][0]["count"], 3, "{all}");

    // An edit moves the record's entry; a delete removes it.
    let id = mine[0];
    let got = app.get(&format!("/api/customers/get?id={id}"), Some(&owner)).await;
    let version = got.json["version"].to_string();
    let form = [("id", id.to_string()), ("version", version), ("name", "Mistral Air".into())];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.post("/api/customers/update", Some(&owner), &form).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(customers_matching(&app, &owner, "zephyr").await.1, 2);
    assert_eq!(customers_matching(&app, &owner, "mistral").await.0, ["Mistral Air"]);
    let r = app.post("/api/customers/delete", Some(&owner), &[("id", &mine[1].to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(customers_matching(&app, &owner, "zephyr").await.0, ["Calm Zephyrs"]);
});
