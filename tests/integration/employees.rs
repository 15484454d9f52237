//! Employees over HTTP: CRUD, lists, departments, managers, termination, salaries, tenancy
//! and roles.

use crate::common;

use axum::http::StatusCode;
use serde_json::{json, Value};

/// Creates an employee and returns it.
async fn create(app: &common::TestApp, token: &str, form: &[(&str, &str)]) -> Value {
    let r = app.post("/api/employees/create", Some(token), form).await;
    assert_eq!(r.status, StatusCode::OK, "create employee: {}", r.text);
    r.json
}

/// Creates an employee called `first_name` and returns its id as text.
async fn employee(app: &common::TestApp, token: &str, first_name: &str) -> String {
    create(app, token, &[("first_name", first_name)]).await["id"].to_string()
}

async fn get(app: &common::TestApp, token: &str, id: &str) -> common::Resp {
    app.get(&format!("/api/employees/get?id={id}"), Some(token)).await
}

fn names(r: &common::Resp) -> Vec<String> {
    r.json["results"]
        .as_array()
        .unwrap_or_else(|| panic!("not a page: {}", r.text))
        .iter()
        .map(|v| v["first_name"].as_str().unwrap().to_owned())
        .collect()
}

/// The employee id of the caller behind `token`.
async fn my_employee_id(app: &common::TestApp, token: &str) -> String {
    let me = app.get("/api/auth/me", Some(token)).await;
    me.json["employee_id"].as_i64().unwrap_or_else(|| panic!("no employee: {}", me.text)).to_string()
}

both!(employees_are_created_read_updated_and_deleted, |app| async {
    let token = app.register("ecrud@example.com", "Employee Crud").await;
    let e = create(
        &app,
        &token,
        &[
            ("first_name", " Ann "),
            ("last_name", "Lee"),
            ("email", "Ann@Example.COM"),
            ("employee_code", "E-1"),
            ("job_title", "Buyer"),
            ("department", "Purchasing"),
            ("employment_type", "part_time"),
            ("hire_date", "2024-02-01"),
            ("salary", "52000.50"),
        ],
    )
    .await;
    assert_eq!(e["first_name"], "Ann");
    assert_eq!(e["email"], "ann@example.com");
    assert_eq!((e["status"].as_str(), e["employment_type"].as_str()), (Some("active"), Some("part_time")));
    assert_eq!(e["hire_date"], "2024-02-01");
    assert_eq!(e["salary"], "52000.50", "the owner sees the salary");
    assert_eq!(e["currency"], "USD");
    assert_eq!(e["version"], 1);
    let id = e["id"].to_string();

    let r = app
        .post(
            "/api/employees/update",
            Some(&token),
            &[("id", &id), ("status", "on_leave"), ("department", ""), ("job_title", "Senior buyer")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["status"], "on_leave");
    assert_eq!(r.json["department"], Value::Null, "sent empty: cleared");
    assert_eq!(r.json["job_title"], "Senior buyer");
    assert_eq!(r.json["salary"], "52000.50", "not sent: kept");
    assert_eq!(r.json["version"], 2);

    let r = app.post("/api/employees/update", Some(&token), &[("id", &id), ("last_name", "X"), ("version", "1")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let r = app.post_json("/api/employees/update", Some(&token), json!({"id": e["id"], "salary": "60000"})).await;
    assert_eq!(r.status, StatusCode::OK, "JSON body: {}", r.text);
    assert_eq!(r.json["salary"], "60000.00", "amounts carry the currency's decimals");
    assert_eq!(get(&app, &token, &id).await.json["last_name"], "Lee");

    // Deleting an employee keeps the records assigned to them, unassigned.
    let customer = app.customer(&token, &[("name", "Kept"), ("assigned_to", &id)]).await;
    let report = create(&app, &token, &[("first_name", "Report"), ("manager_id", &id)]).await;
    assert_eq!(report["manager_name"], "Ann Lee");
    let r = app.post("/api/employees/delete", Some(&token), &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(get(&app, &token, &id).await.status, StatusCode::NOT_FOUND);
    let c = app.get(&format!("/api/customers/get?id={customer}"), Some(&token)).await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text);
    assert_eq!(c.json["assigned_to"], Value::Null);
    let r = get(&app, &token, &report["id"].to_string()).await;
    assert_eq!(r.json["manager_id"], Value::Null);
    assert_eq!(app.get("/api/employees/delete?id=1", Some(&token)).await.status, StatusCode::METHOD_NOT_ALLOWED);

    // An employee who is an active member is terminated, not deleted.
    let me = my_employee_id(&app, &token).await;
    let r = app.post("/api/employees/delete", Some(&token), &[("id", &me)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
});

both!(invalid_employees_are_422_per_field, |app| async {
    let token = app.register("ebad@example.com", "Employee Bad").await;
    let other = app.register("ebad2@example.com", "Employee Bad 2").await;
    let theirs = my_employee_id(&app, &other).await;
    let r = app
        .post(
            "/api/employees/create",
            Some(&token),
            &[
                ("email", "nope"),
                ("employment_type", "freelance"),
                ("status", "retired"),
                ("hire_date", "01/02/2024"),
                ("salary", "-5"),
                ("manager_id", "x"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    for field in ["first_name", "email", "employment_type", "status", "hire_date", "salary", "manager_id"] {
        assert!(r.json["details"][field].is_array(), "{field}: {}", r.text);
    }
    let r = app.post("/api/employees/create", Some(&token), &[("first_name", "X"), ("manager_id", &theirs)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.json["details"]["manager_id"][0].as_str().unwrap().contains("not an employee"), "{}", r.text);
    let r = app.post("/api/employees/create", Some(&token), &[("first_name", "X"), ("status", "terminated")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.json["details"]["status"].is_array());
    assert_eq!(app.count("select count(*) from employees").await, 2, "only the two owners");

    create(&app, &token, &[("first_name", "A"), ("employee_code", "E-7")]).await;
    let r = app.post("/api/employees/create", Some(&token), &[("first_name", "B"), ("employee_code", "E-7")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.json["details"]["employee_code"].is_array(), "{}", r.text);
    // Another organization may use the same code.
    create(&app, &other, &[("first_name", "C"), ("employee_code", "E-7")]).await;

    for query in ["ordering=salary", "status=gone", "employment_type=x", "manager_id=abc", "page_size=500"] {
        let r = app.get(&format!("/api/employees/list?{query}"), Some(&token)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {}", r.text);
    }
    let r = app.post("/api/employees/terminate", Some(&token), &[("id", "1"), ("termination_date", "soon")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.json["details"]["termination_date"].is_array());
});

both!(employee_lists_search_filter_sort_and_count_departments, |app| async {
    let token = app.register("elist@example.com", "Employee List").await;
    let boss = create(&app, &token, &[("first_name", "Bea"), ("last_name", "Boss"), ("department", "Sales")]).await;
    let boss_id = boss["id"].to_string();
    create(
        &app,
        &token,
        &[
            ("first_name", "Carl"),
            ("last_name", "Adams"),
            ("department", "Sales"),
            ("manager_id", &boss_id),
            ("job_title", "Account executive"),
            ("hire_date", "2023-05-01"),
        ],
    )
    .await;
    create(
        &app,
        &token,
        &[
            ("first_name", "Dora"),
            ("last_name", "Zimmer"),
            ("department", "Marketing"),
            ("employment_type", "contract"),
            ("email", "dora@writers.example"),
            ("hire_date", "2022-01-10"),
        ],
    )
    .await;
    create(
        &app,
        &token,
        &[
            ("first_name", "Eli"),
            ("last_name", "Young"),
            ("department", "Sales"),
            ("employee_code", "INT-42"),
            ("employment_type", "intern"),
            ("status", "on_leave"),
            ("manager_id", &boss_id),
        ],
    )
    .await;

    // The owner ("Test User", no department) is an employee too: five in all.
    let r = app.get("/api/employees/list", Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["count"], 5);
    assert_eq!(names(&r), ["Carl", "Bea", "Test", "Eli", "Dora"], "by last name by default");
    let r = app.get("/api/employees/list?search=executive", Some(&token)).await;
    assert_eq!(names(&r), ["Carl"], "by job title");
    let r = app.get("/api/employees/list?search=WRITERS", Some(&token)).await;
    assert_eq!(names(&r), ["Dora"], "by email");
    let r = app.get("/api/employees/list?search=int-4", Some(&token)).await;
    assert_eq!(names(&r), ["Eli"], "by employee code");
    let r = app.get("/api/employees/list?search=boss", Some(&token)).await;
    assert_eq!(names(&r), ["Bea"], "by name");
    let r = app.get("/api/employees/list?department=Sales&ordering=first_name", Some(&token)).await;
    assert_eq!(names(&r), ["Bea", "Carl", "Eli"]);
    let r = app.get("/api/employees/list?status=on_leave", Some(&token)).await;
    assert_eq!(names(&r), ["Eli"]);
    let r = app.get("/api/employees/list?employment_type=contract", Some(&token)).await;
    assert_eq!(names(&r), ["Dora"]);
    let r = app.get(&format!("/api/employees/list?manager_id={boss_id}&ordering=-first_name"), Some(&token)).await;
    assert_eq!(names(&r), ["Eli", "Carl"]);
    assert!(r.json["results"].as_array().unwrap().iter().all(|e| e["manager_name"] == "Bea Boss"));
    let r = app.get("/api/employees/list?ordering=hire_date", Some(&token)).await;
    assert_eq!(names(&r)[..2], ["Dora", "Carl"], "earliest hire first, no date last");
    let r = app.get("/api/employees/list?page_size=2&page=2", Some(&token)).await;
    assert_eq!(names(&r), ["Test", "Eli"]);
    assert_eq!(r.json["count"], 5);
    assert!(r.json["next"].as_str().unwrap().contains("page=3"), "{}", r.text);

    let r = app.post("/api/employees/terminate", Some(&token), &[("id", &boss_id)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app.get("/api/employees/departments", Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.json,
        json!([
            {"department": "Marketing", "count": 1, "current": 1},
            {"department": "Sales", "count": 3, "current": 2},
        ])
    );
    let r = app.get("/api/employees/choices", Some(&token)).await;
    assert_eq!(r.json.as_array().unwrap().len(), 5, "former employees stay choosable: {}", r.text);
    assert!(r.json.as_array().unwrap().iter().any(|c| c["first_name"] == "Bea" && c["status"] == "terminated"));
});

both!(manager_links_cannot_loop, |app| async {
    let token = app.register("ecycle@example.com", "Employee Cycle").await;
    let a = employee(&app, &token, "A").await;
    let b = create(&app, &token, &[("first_name", "B"), ("manager_id", &a)]).await["id"].to_string();
    let c = create(&app, &token, &[("first_name", "C"), ("manager_id", &b)]).await["id"].to_string();
    let r = app.post("/api/employees/update", Some(&token), &[("id", &a), ("manager_id", &c)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "A→B→C→A: {}", r.text);
    assert!(r.json["details"]["manager_id"][0].as_str().unwrap().contains("cycle"), "{}", r.text);
    let r = app.post("/api/employees/update", Some(&token), &[("id", &a), ("manager_id", &a)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.json["details"]["manager_id"].is_array());
    assert_eq!(get(&app, &token, &a).await.json["manager_id"], Value::Null, "unchanged");
    // Re-pointing within the tree is fine: C reports to A directly, then A may not report to B.
    let r = app.post("/api/employees/update", Some(&token), &[("id", &c), ("manager_id", &a)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app.post("/api/employees/update", Some(&token), &[("id", &a), ("manager_id", &b)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = app.post("/api/employees/update", Some(&token), &[("id", &c), ("manager_id", "")]).await;
    assert_eq!((r.status, r.json["manager_id"].clone()), (StatusCode::OK, Value::Null), "{}", r.text);
});

both!(terminating_an_employee_shuts_their_user_out_of_the_organization, |app| async {
    let owner = app.register("eterm@example.com", "Employee Term").await;
    let rep = app.member(&owner, "eterm-rep@example.com", "sales_rep").await;
    assert_eq!(app.get("/api/customers/list", Some(&rep)).await.status, StatusCode::OK);
    let rep_employee = my_employee_id(&app, &rep).await;
    let org_id = app.get("/api/auth/me", Some(&owner)).await.json["organization"]["id"].as_i64().unwrap();

    let r =
        app.post("/api/employees/update", Some(&owner), &[("id", &rep_employee), ("hire_date", "2024-01-15")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app
        .post("/api/employees/terminate", Some(&owner), &[("id", &rep_employee), ("termination_date", "2025-06-30")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        (r.json["status"].as_str(), r.json["termination_date"].as_str()),
        (Some("terminated"), Some("2025-06-30"))
    );
    assert_eq!(
        app.count(&format!("select count(*) from memberships where organization_id = {org_id} and is_active")).await,
        1,
        "only the owner is still an active member"
    );
    // The same bearer token no longer reaches the organization.
    let r = app.get("/api/customers/list", Some(&rep)).await;
    assert!(matches!(r.status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN), "{}: {}", r.status, r.text);
    let r = app.post("/api/customers/create", Some(&rep), &[("name", "After")]).await;
    assert!(matches!(r.status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN), "{}: {}", r.status, r.text);
    let r = app.post("/api/organizations/switch", Some(&rep), &[("organization_id", &org_id.to_string())]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "cannot switch back: {}", r.text);
    let orgs = app.get("/api/organizations/list", Some(&rep)).await;
    assert!(orgs.json.as_array().unwrap().iter().all(|o| o["id"] != org_id), "{}", orgs.text);

    let r = app.post("/api/employees/terminate", Some(&owner), &[("id", &rep_employee)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "already terminated: {}", r.text);
    // The owner cannot be terminated; a termination before the hire date is refused.
    let me = my_employee_id(&app, &owner).await;
    let r = app.post("/api/employees/terminate", Some(&owner), &[("id", &me)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let hired = create(&app, &owner, &[("first_name", "New"), ("hire_date", "2025-01-01")]).await["id"].to_string();
    let r =
        app.post("/api/employees/terminate", Some(&owner), &[("id", &hired), ("termination_date", "2024-12-31")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.json["details"]["termination_date"].is_array());
    // Without a date: today.
    let r = app.post("/api/employees/terminate", Some(&owner), &[("id", &hired)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["termination_date"].as_str().unwrap(), chrono::Utc::now().date_naive().to_string());
    // A terminated employee who is no longer a member may be deleted.
    let r = app.post("/api/employees/delete", Some(&owner), &[("id", &rep_employee)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
});

both!(salaries_are_for_owners_and_admins_only, |app| async {
    let owner = app.register("esal@example.com", "Employee Salary").await;
    let admin = app.member(&owner, "esal-admin@example.com", "admin").await;
    let manager = app.member(&owner, "esal-mgr@example.com", "manager").await;
    let paid = create(&app, &owner, &[("first_name", "Paid"), ("department", "Sales"), ("salary", "70000")]).await;
    let id = paid["id"].to_string();

    assert_eq!(get(&app, &owner, &id).await.json["salary"], "70000.00");
    assert_eq!(get(&app, &admin, &id).await.json["salary"], "70000.00");
    let r = get(&app, &manager, &id).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["salary"], Value::Null, "hidden from managers");
    assert!(r.json.as_object().unwrap().contains_key("salary"), "present as null: {}", r.text);
    let r = app.get("/api/employees/list?search=paid", Some(&manager)).await;
    assert_eq!(r.json["results"][0]["salary"], Value::Null, "{}", r.text);
    let r = app.get("/api/employees/list?search=paid", Some(&admin)).await;
    assert_eq!(r.json["results"][0]["salary"], "70000.00", "{}", r.text);

    // Managers manage the employees of their own department only.
    let r = app.post("/api/employees/update", Some(&manager), &[("id", &id), ("job_title", "Rep")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "the manager has no department yet: {}", r.text);
    let manager_employee = my_employee_id(&app, &manager).await;
    let r =
        app.post("/api/employees/update", Some(&owner), &[("id", &manager_employee), ("department", "Sales")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app.post("/api/employees/update", Some(&manager), &[("id", &id), ("job_title", "Rep")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["salary"], Value::Null);
    let r = app.post("/api/employees/update", Some(&manager), &[("id", &id), ("salary", "90000")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "only owners and admins set salaries: {}", r.text);
    let r = app.post("/api/employees/create", Some(&manager), &[("first_name", "Raise"), ("salary", "1")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    assert_eq!(get(&app, &owner, &id).await.json["salary"], "70000.00", "unchanged by the manager's edits");
    let r = app.post("/api/employees/update", Some(&manager), &[("id", &id), ("department", "Marketing")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "not out of their department: {}", r.text);
    let other = create(&app, &owner, &[("first_name", "Other"), ("department", "Marketing")]).await["id"].to_string();
    let r = app.post("/api/employees/terminate", Some(&manager), &[("id", &other)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = app.post("/api/employees/create", Some(&manager), &[("first_name", "Hire"), ("department", "Sales")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app.post("/api/employees/delete", Some(&manager), &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "managers do not delete");
    // Admins set salaries.
    let r = app.post("/api/employees/update", Some(&admin), &[("id", &id), ("salary", "75000.25")]).await;
    assert_eq!((r.status, r.json["salary"].clone()), (StatusCode::OK, json!("75000.25")), "{}", r.text);
});

both!(employees_are_for_staff_with_the_permission, |app| async {
    let owner = app.register("eperm@example.com", "Employee Perm").await;
    let id = employee(&app, &owner, "Guarded").await;
    let rep = app.member(&owner, "eperm-rep@example.com", "sales_rep").await;
    assert_eq!(app.get("/api/employees/list", Some(&rep)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(get(&app, &rep, &id).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/employees/departments", Some(&rep)).await.status, StatusCode::FORBIDDEN);
    let r = app.get("/api/employees/choices", Some(&rep)).await;
    assert_eq!(r.status, StatusCode::OK, "sales reps assign records: {}", r.text);
    assert_eq!(r.json.as_array().unwrap().len(), 3);
    assert_eq!(
        app.post("/api/employees/create", Some(&rep), &[("first_name", "X")]).await.status,
        StatusCode::FORBIDDEN
    );
    let portal = app.member(&owner, "eperm-portal@example.com", "customer").await;
    assert_eq!(app.get("/api/employees/list", Some(&portal)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/employees/choices", Some(&portal)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/employees/list", None).await.status, StatusCode::UNAUTHORIZED);
});

both!(another_organizations_employees_are_404_and_unchanged, |app| async {
    let token = app.register("eten@example.com", "Employee Tenant").await;
    let other = app.register("eten2@example.com", "Employee Tenant 2").await;
    let theirs = create(&app, &other, &[("first_name", "Theirs"), ("department", "Ops"), ("salary", "100")]).await;
    let id = theirs["id"].to_string();
    assert_eq!(get(&app, &token, &id).await.status, StatusCode::NOT_FOUND);
    let r = app.post("/api/employees/update", Some(&token), &[("id", &id), ("first_name", "Mine now")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    let r = app.post("/api/employees/terminate", Some(&token), &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    let r = app.post("/api/employees/delete", Some(&token), &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    let mine = employee(&app, &token, "Mine").await;
    let r = app.post("/api/employees/update", Some(&token), &[("id", &mine), ("manager_id", &id)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = app.get("/api/employees/list?search=theirs", Some(&token)).await;
    assert_eq!(r.json["count"], 0);
    let r = app.get("/api/employees/departments", Some(&token)).await;
    assert_eq!(r.json, json!([]));
    let r = get(&app, &other, &id).await;
    assert_eq!(
        (r.json["first_name"].as_str(), r.json["status"].as_str(), r.json["version"].as_i64()),
        (Some("Theirs"), Some("active"), Some(1))
    );
});
