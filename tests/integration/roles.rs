//! Roles and permissions over HTTP: custom roles, what they grant taking effect at once, and
//! the rules that keep anyone from granting more than they hold.

use axum::http::StatusCode;
use serde_json::Value;

fn role<'a>(roles: &'a Value, slug: &str) -> &'a Value {
    roles.as_array().unwrap().iter().find(|r| r["slug"] == slug).unwrap_or_else(|| panic!("no role {slug}"))
}

both!(a_custom_role_grants_exactly_its_permissions_at_once, |app| async {
    let owner = app.register("rowner@example.com", "Roles").await;
    let groups = app.get("/api/permissions/list", Some(&owner)).await;
    assert_eq!(groups.status, StatusCode::OK);
    assert_eq!(groups.json[0]["resource"], "customers");
    assert_eq!(groups.json[0]["permissions"][1]["permission"], "customers:view_all");

    // Form fields as the matrix page sends them (sparse indexes).
    let r = app
        .post(
            "/api/roles/create",
            Some(&owner),
            &[("name", "Support desk"), ("permissions[3]", "issues:view"), ("permissions[9]", "issues:view_all")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.json["slug"].as_str(), r.json["is_system"].as_bool()), (Some("support_desk"), Some(false)));
    assert_eq!(r.json["permissions"], serde_json::json!(["issues:view", "issues:view_all"]));
    let id = r.json["id"].to_string();

    let desk = app.member(&owner, "desk@example.com", "support_desk").await;
    let mine = app.get("/api/roles/mine", Some(&desk)).await;
    assert_eq!(
        (mine.json["role"].as_str(), mine.json["role_name"].as_str()),
        (Some("support_desk"), Some("Support desk"))
    );
    assert_eq!(app.get("/api/issues/list", Some(&desk)).await.status, StatusCode::OK);
    assert_eq!(app.get("/api/customers/list", Some(&desk)).await.status, StatusCode::FORBIDDEN);

    // Granted and taken away: the next request already sees it.
    let r = app
        .post("/api/roles/assign_permission", Some(&owner), &[("role_id", &id), ("permission", "customers:view")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(app.get("/api/customers/list", Some(&desk)).await.status, StatusCode::OK);
    let r = app
        .post("/api/roles/remove_permission", Some(&owner), &[("role_id", &id), ("permission", "customers:view")])
        .await;
    assert_eq!(r.json["permissions"], serde_json::json!(["issues:view", "issues:view_all"]));
    assert_eq!(app.get("/api/customers/list", Some(&desk)).await.status, StatusCode::FORBIDDEN);

    // A JSON body replaces the whole set.
    let r = app
        .post_json(
            "/api/roles/set_permissions",
            Some(&owner),
            serde_json::json!({"role_id": id.parse::<i64>().unwrap(), "permissions": ["leads:view", "leads:create"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["permissions"], serde_json::json!(["leads:create", "leads:view"]));
    assert_eq!(app.get("/api/issues/list", Some(&desk)).await.status, StatusCode::FORBIDDEN);

    // Unknown permissions and names are field errors; a held role cannot be deleted.
    let r =
        app.post("/api/roles/assign_permission", Some(&owner), &[("role_id", &id), ("permission", "leads:fly")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json["details"]["permission"][0].as_str().unwrap().contains("leads:fly"), "{}", r.text);
    let r = app.post("/api/roles/create", Some(&owner), &[("name", "support DESK")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json["details"]["name"].is_array(), "{}", r.text);
    // Names need not be Latin, and a slug that is taken gets a number.
    let mut slugs = Vec::new();
    for name in ["Продажи", "Поддержка", "Support-desk!"] {
        let r = app.post("/api/roles/create", Some(&owner), &[("name", name)]).await;
        assert_eq!(r.status, StatusCode::OK, "{name}: {}", r.text);
        slugs.push(r.json["slug"].as_str().unwrap().to_owned());
    }
    assert_eq!(slugs, ["role", "role_2", "support_desk_2"]);
    let r = app.post("/api/roles/delete", Some(&owner), &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);

    // Once nobody holds it, it goes.
    let roles = app.get("/api/roles/list", Some(&owner)).await.json;
    let members = app.get("/api/organizations/members", Some(&owner)).await.json;
    let desk_user =
        members.as_array().unwrap().iter().find(|m| m["email"] == "desk@example.com").unwrap()["user_id"].to_string();
    let r = app
        .post(
            "/api/roles/assign_member",
            Some(&owner),
            &[("user_id", &desk_user), ("role_id", &role(&roles, "manager")["id"].to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(app.get("/api/customers/list", Some(&desk)).await.status, StatusCode::OK, "a manager now");
    assert_eq!(app.post("/api/roles/delete", Some(&owner), &[("id", &id)]).await.status, StatusCode::OK);
    assert_eq!(app.get(&format!("/api/roles/get?id={id}"), Some(&owner)).await.status, StatusCode::NOT_FOUND);
});

both!(nobody_grants_more_than_they_hold_or_touches_the_owner, |app| async {
    let owner = app.register("gowner@example.com", "Grants").await;
    let admin = app.member(&owner, "gadmin@example.com", "admin").await;
    let roles = app.get("/api/roles/list", Some(&owner)).await.json;
    let id = |slug: &str| role(&roles, slug)["id"].to_string();
    let members = app.get("/api/organizations/members", Some(&owner)).await.json;
    let user =
        |email: &str| members.as_array().unwrap().iter().find(|m| m["email"] == email).unwrap()["user_id"].to_string();
    let other = app.register("gother@example.com", "Other").await;
    let before = app.snapshot().await;

    // An admin may not hand out what only the owner has.
    let r = app
        .post(
            "/api/roles/assign_permission",
            Some(&admin),
            &[("role_id", &id("manager")), ("permission", "organization:delete")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = app
        .post("/api/roles/create", Some(&admin), &[("name", "Shadow"), ("permissions", "organization:delete")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    // Nor change the owner's role, their own, or make an owner.
    let r = app
        .post(
            "/api/roles/assign_member",
            Some(&admin),
            &[("user_id", &user("gowner@example.com")), ("role_id", &id("customer"))],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = app
        .post(
            "/api/roles/assign_member",
            Some(&admin),
            &[("user_id", &user("gadmin@example.com")), ("role_id", &id("manager"))],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = app
        .post(
            "/api/roles/assign_member",
            Some(&owner),
            &[("user_id", &user("gadmin@example.com")), ("role_id", &id("owner"))],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.json["details"]["role_id"].is_array(), "{}", r.text);
    // System roles stay; the owner's and the portal's permissions are fixed.
    for slug in ["owner", "admin", "sales_rep", "customer"] {
        let r = app.post("/api/roles/delete", Some(&owner), &[("id", &id(slug))]).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "delete {slug}: {}", r.text);
    }
    for slug in ["owner", "customer"] {
        let r = app
            .post(
                "/api/roles/remove_permission",
                Some(&owner),
                &[("role_id", &id(slug)), ("permission", "issues:view")],
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{slug}: {}", r.text);
    }
    // Another organization's role is not found.
    let r = app.post("/api/roles/update", Some(&other), &[("id", &id("manager")), ("name", "Mine now")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(app.snapshot().await == before, "a refused request changed something");

    // What an owner may do: change a system role's permissions (here, managers may delete leads).
    let r = app
        .post(
            "/api/roles/assign_permission",
            Some(&owner),
            &[("role_id", &id("manager")), ("permission", "leads:delete")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.json["permissions"].as_array().unwrap().iter().any(|p| p == "leads:delete"));
});
