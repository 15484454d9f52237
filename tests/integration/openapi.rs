//! The generated OpenAPI document (`/api/openapi.json`), its reference page (`/api/docs`) and
//! the check of JSON bodies against it. (Every JSON answer of every HTTP test is also checked
//! against the document: `common::check_documented`.)

use crate::common;

use axum::http::{header, Method, StatusCode};
use scraper::{Html, Selector};
use serde_json::json;

both!(the_document_describes_every_endpoint, |app| async {
    let r = app.get("/api/openapi.json", None).await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = &r.json;
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    let registered: Vec<(&str, Method)> = leptos::server_fn::axum::server_fn_paths().collect();
    assert_eq!(paths.len(), registered.len());
    for (path, method) in registered {
        let op = &doc["paths"][path][method.as_str().to_ascii_lowercase()];
        assert!(op["operationId"].is_string(), "{method} {path} is not documented");
        assert!(op["responses"]["200"]["content"].is_object(), "{path}: no answer documented");
        assert_eq!(op["responses"]["422"]["$ref"], "#/components/responses/422", "{path}");
    }
    // A read takes query parameters, a change a JSON or form body; the public ones say so.
    let get = &doc["paths"]["/api/vendors/get"]["get"];
    assert_eq!(get["parameters"][0]["name"], "id");
    assert_eq!(get["parameters"][0]["schema"]["type"], "integer");
    assert_eq!(get["parameters"][0]["required"], true);
    assert_eq!(get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Vendor");
    let create = &doc["paths"]["/api/vendors/create"]["post"];
    let body = &create["requestBody"]["content"];
    assert!(body["application/json"]["schema"]["properties"]["name"].is_object());
    assert!(body["application/x-www-form-urlencoded"]["schema"]["properties"]["name"].is_object());
    let vendor_type = &body["application/json"]["schema"]["properties"]["vendor_type"];
    assert_eq!(vendor_type["anyOf"][0]["$ref"], "#/components/schemas/VendorType");
    assert_eq!(doc["components"]["schemas"]["VendorType"]["enum"].as_array().unwrap().len(), 6);
    assert_eq!(create["responses"]["200"]["links"]["get"]["operationId"], "get_vendor");
    assert!(create.get("security").is_none(), "signed in, by the document's default");
    assert_eq!(doc["paths"]["/api/auth/login"]["post"]["security"], json!([]));
    assert_eq!(doc["security"], json!([{"bearer": []}, {"session": []}]));
    let list = &doc["paths"]["/api/vendors/list"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
    assert_eq!(list["$ref"], "#/components/schemas/VendorPage");
});

both!(the_reference_page_renders_every_operation_without_scripts, |app| async {
    let r = app.send(common::page("/api/docs", None)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    assert!(r.headers.contains_key(header::CONTENT_SECURITY_POLICY));
    let page = Html::parse_document(&r.text);
    let select = |css| Selector::parse(css).unwrap();
    assert_eq!(page.select(&select("h1")).next().unwrap().text().collect::<String>(), "Too Good CRM API");
    assert_eq!(page.select(&select("script")).count(), 0);
    assert_eq!(page.select(&select("style")).count(), 0, "inline <style> would break the CSP");
    let articles = select("article.api-op[id]");
    let operations = page.select(&articles).filter(|a| !a.value().id().unwrap().starts_with("schema-")).count();
    assert_eq!(operations, leptos::server_fn::axum::server_fn_paths().count());
    let create = page.select(&select("article#create_vendor")).next().expect("the create_vendor operation");
    let text = create.text().collect::<String>();
    assert!(text.contains("POST /api/vendors/create"), "{text}");
    assert!(text.contains("curl -H \"Authorization: Bearer $TOKEN\""), "{text}");
    // Links to schemas land on a schema of the page.
    for link in page.select(&select("a[href^='#schema-']")) {
        let id = &link.value().attr("href").unwrap()[1..];
        assert!(page.select(&Selector::parse(&format!("[id='{id}']")).unwrap()).next().is_some(), "no #{id}");
    }
});

both!(a_json_body_is_checked_against_the_document, |app| async {
    let token = app.register("openapi@example.com", "Documented").await;
    // An object where text goes: 422 naming the field, nothing created.
    let r = app.post_json("/api/vendors/create", Some(&token), json!({"name": {"first": "Acme"}})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.json["details"]["name"][0].as_str().unwrap().contains("documented schema"), "{}", r.text);
    // A value outside a closed set, text where the document wants a number.
    let r = app.post_json("/api/vendors/create", Some(&token), json!({"name": "Acme", "vendor_type": 3})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.json["details"]["vendor_type"].is_array(), "{}", r.text);
    let r = app.post_json("/api/vendors/get_nonexistent", Some(&token), json!({})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app.post_json("/api/vendors/delete", Some(&token), json!({"id": "7"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.json["details"]["id"].is_array(), "{}", r.text);
    let r = app.post_json("/api/vendors/delete", Some(&token), json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json["details"]["id"][0], "is required");
    assert_eq!(app.get("/api/vendors/list", Some(&token)).await.json["count"], 0);
    // A number or a boolean in a text field is read as its text; null is "not sent".
    let r =
        app.post_json("/api/vendors/create", Some(&token), json!({"name": 2026, "notes": true, "city": null})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        (r.json["name"].as_str(), r.json["notes"].as_str(), &r.json["city"]),
        (Some("2026"), Some("true"), &json!(null))
    );
});

both!(a_next_that_cannot_be_a_location_is_ignored, |app| async {
    let token = app.register("nextline@example.com", "Next Line").await;
    for next in ["/customers\r\nSet-Cookie: x=1", "/customers\u{7f}"] {
        let r = app.post("/api/vendors/create", Some(&token), &[("name", "Acme"), ("next", next)]).await;
        assert_eq!(r.status, StatusCode::OK, "{next:?}: {}", r.text);
        assert!(!r.headers.contains_key(header::LOCATION));
    }
});
