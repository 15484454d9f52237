//! Repositories against a real database of each backend.

use crate::common;

use rust_decimal::Decimal;
use too_good_crm::domain::customer::{CustomerFields, CustomerFilter, CustomerStatus, CustomerType};
use too_good_crm::domain::list::ListParams;
use too_good_crm::on;
use too_good_crm::server::auth::caller::Scope;
use too_good_crm::server::repo::{customers, employees, organizations, users};

async fn new_org(app: &common::TestApp, email: &str) -> (i64, i64) {
    let mut tx = app.db.write().await.unwrap();
    let user = users::create(&mut tx, email, "hash", "Repo", "Tester").await.unwrap();
    let org = organizations::create(&mut tx, "Repo Org", user).await.unwrap();
    tx.commit().await.unwrap();
    (user, org)
}

both!(a_new_organization_gets_roles_an_owner_and_the_default_pipeline, |app| async {
    let (user, org) = new_org(&app, "repo@example.com").await;
    let mut conn = app.db.read().await.unwrap();
    let member = organizations::membership(&mut conn, user, org).await.unwrap().expect("owner membership");
    assert_eq!(member.role, "owner");
    assert!(member.employee_id.is_some(), "the owner is an employee");
    let roles = on!(conn, c => sqlx::query_scalar::<_, String>("select slug from roles where organization_id = $1 order by slug").bind(org).fetch_all(c).await.unwrap());
    assert_eq!(roles, ["admin", "customer", "manager", "marketing_rep", "owner", "sales_rep"]);
    let stages = on!(conn, c => sqlx::query_as::<_, (String, i64, String)>(
        "select s.name, s.probability, s.kind from pipeline_stages s join pipelines p on p.id = s.pipeline_id
         where p.organization_id = $1 and p.is_default order by s.position").bind(org).fetch_all(c).await.unwrap());
    let names: Vec<_> = stages.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(names, ["Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost"]);
    assert_eq!(stages[4], ("Won".into(), 100, "won".into()));
    // Slugs stay unique.
    drop(conn);
    let mut tx = app.db.write().await.unwrap();
    let second = organizations::create(&mut tx, "Repo Org", user).await.unwrap();
    assert_eq!(organizations::get(&mut tx, second).await.unwrap().slug, "repo-org-2");
});

both!(customers_round_trip_exact_money_and_times, |app| async {
    let (user, org) = new_org(&app, "money@example.com").await;
    let fields = CustomerFields {
        name: "Exact".into(),
        credit_limit: Some(Decimal::new(123456, 2)),
        tags: vec!["a".into(), "b".into()],
        ..CustomerFields::default()
    };
    let mut tx = app.db.write().await.unwrap();
    let id = customers::create(&mut tx, org, user, "USD", &fields).await.unwrap();
    tx.commit().await.unwrap();
    let mut conn = app.db.read().await.unwrap();
    let c = customers::get(&mut conn, org, Scope::All, id).await.unwrap();
    assert_eq!(c.fields.credit_limit, Some(Decimal::new(123456, 2)));
    assert_eq!(c.fields, fields);
    assert_eq!(c.created_at, c.updated_at);
    assert!((chrono::Utc::now() - c.created_at).num_seconds() < 60);
});

both!(scope_limits_reads_to_assigned_customers, |app| async {
    let (user, org) = new_org(&app, "scope@example.com").await;
    let mut tx = app.db.write().await.unwrap();
    let me = employees::ensure_for_user(&mut tx, org, user).await.unwrap();
    let mine = customers::create(
        &mut tx,
        org,
        user,
        "USD",
        &CustomerFields { name: "Mine".into(), assigned_to: Some(me), ..Default::default() },
    )
    .await
    .unwrap();
    let other =
        customers::create(&mut tx, org, user, "USD", &CustomerFields { name: "Other".into(), ..Default::default() })
            .await
            .unwrap();
    tx.commit().await.unwrap();
    let mut conn = app.db.read().await.unwrap();
    let params = ListParams { page: 1, page_size: 25, order_by: "name", descending: false };
    let (list, count) =
        customers::list(&mut conn, org, Scope::AssignedTo(Some(me)), &CustomerFilter::default(), &params)
            .await
            .unwrap();
    assert_eq!((count, list[0].id), (1, mine));
    let (_, count) =
        customers::list(&mut conn, org, Scope::AssignedTo(None), &CustomerFilter::default(), &params).await.unwrap();
    assert_eq!(count, 0);
    assert!(customers::get(&mut conn, org, Scope::AssignedTo(Some(me)), other).await.is_err());
    let (_, count) = customers::list(&mut conn, org, Scope::All, &CustomerFilter::default(), &params).await.unwrap();
    assert_eq!(count, 2);
    // Another organization sees none of them.
    let (_, count) =
        customers::list(&mut conn, org + 1000, Scope::All, &CustomerFilter::default(), &params).await.unwrap();
    assert_eq!(count, 0);
});

both!(status_changes_and_deletes_stay_inside_the_organization, |app| async {
    let (user, org) = new_org(&app, "tenant@example.com").await;
    let (_, other_org) = new_org(&app, "tenant2@example.com").await;
    let mut tx = app.db.write().await.unwrap();
    let id = customers::create(&mut tx, org, user, "USD", &CustomerFields { name: "T".into(), ..Default::default() })
        .await
        .unwrap();
    assert!(customers::set_status(&mut tx, other_org, id, user, CustomerStatus::Inactive).await.is_err());
    assert!(customers::delete(&mut tx, other_org, id).await.is_err());
    customers::set_status(&mut tx, org, id, user, CustomerStatus::Inactive).await.unwrap();
    let c = customers::get(&mut tx, org, Scope::All, id).await.unwrap();
    assert_eq!((c.fields.status, c.version), (CustomerStatus::Inactive, 2));
    let stats = customers::stats(&mut tx, org, Scope::All).await.unwrap();
    assert_eq!(stats.by_status.get("inactive"), Some(&1));
    customers::delete(&mut tx, org, id).await.unwrap();
    tx.commit().await.unwrap();
});

both!(a_rolled_back_transaction_leaves_nothing, |app| async {
    let (user, org) = new_org(&app, "rollback@example.com").await;
    {
        let mut tx = app.db.write().await.unwrap();
        customers::create(&mut tx, org, user, "USD", &CustomerFields { name: "Ghost".into(), ..Default::default() })
            .await
            .unwrap();
        // dropped without commit
    }
    let mut conn = app.db.read().await.unwrap();
    assert_eq!(customers::stats(&mut conn, org, Scope::All).await.unwrap().total, 0);
});

both!(demo_seeding_is_idempotent, |app| async {
    assert!(too_good_crm::server::seed::seed_demo(&app.db).await.unwrap());
    assert!(!too_good_crm::server::seed::seed_demo(&app.db).await.unwrap());
    let mut conn = app.db.read().await.unwrap();
    let counts = on!(conn, c => sqlx::query_as::<_, (i64, i64, i64)>(
        "select (select count(*) from customers), (select count(*) from employees), (select count(*) from users)").fetch_one(c).await.unwrap());
    assert_eq!(counts, (13, 8, 6), "10 customers and the 3 converted leads'");
    let sales = on!(conn, c => sqlx::query_as::<_, (i64, i64, i64, i64, i64)>(
        "select (select count(*) from leads), (select count(distinct status) from leads), (select count(distinct source) from leads),
                (select count(*) from deals), (select count(distinct stage_id) from deals)").fetch_one(c).await.unwrap());
    assert_eq!(sales, (20, 6, 8, 13, 6), "leads in every status and source; deals in every stage");
    let off = on!(conn, c => sqlx::query_scalar::<_, i64>(
        "select count(*) from deals d join pipeline_stages s on s.id = d.stage_id where d.probability <> s.probability")
        .fetch_one(c).await.unwrap());
    assert_eq!(off, 0, "demo deals carry their stage's probability");
    let departments = on!(conn, c => sqlx::query_scalar::<_, i64>("select count(distinct department) from employees").fetch_one(c).await.unwrap());
    assert_eq!(departments, 3);
    let acts = on!(conn, c => sqlx::query_as::<_, (i64, i64, i64, i64, i64)>(
        "select (select count(*) from activities), (select count(distinct activity_type) from activities),
                (select count(*) from activities where is_pinned), (select count(*) from activities where outcome is not null),
                (select count(distinct organization_id) from activities)")
        .fetch_one(c).await.unwrap());
    assert_eq!(acts, (20, 6, 1, 4, 1), "activities of every type, one pinned note, calls with outcomes");
    let org = on!(conn, c => sqlx::query_scalar::<_, i64>("select organization_id from activities limit 1").fetch_one(c).await.unwrap());
    let now = too_good_crm::server::repo::now();
    let stats = too_good_crm::server::repo::activities::stats(&mut conn, org, Scope::All, now).await.unwrap();
    assert!(stats.overdue >= 2, "some overdue: {stats:?}");
    let soon = too_good_crm::server::repo::activities::scheduled_between(
        &mut conn,
        org,
        Scope::All,
        now,
        now + chrono::Duration::days(7),
    )
    .await
    .unwrap();
    assert!(soon.len() >= 4, "some upcoming: {soon:?}");
});

both!(maintained_counts_agree_with_counting_rows, |app| async {
    let (user, org) = new_org(&app, "counts@example.com").await;
    let mut tx = app.db.write().await.unwrap();
    let mut ids = Vec::new();
    for (i, status) in
        [CustomerStatus::Active, CustomerStatus::Prospect, CustomerStatus::Active, CustomerStatus::Inactive]
            .into_iter()
            .enumerate()
    {
        let kind = if i % 2 == 0 { CustomerType::Business } else { CustomerType::Individual };
        let f = CustomerFields { name: format!("C{i}"), status, customer_type: kind, ..Default::default() };
        ids.push(customers::create(&mut tx, org, user, "USD", &f).await.unwrap());
    }
    customers::set_status(&mut tx, org, ids[0], user, CustomerStatus::Inactive).await.unwrap();
    let mut f = customers::get(&mut tx, org, Scope::All, ids[1]).await.unwrap().fields;
    f.customer_type = CustomerType::Business;
    customers::update(&mut tx, org, ids[1], user, "USD", &f, None).await.unwrap();
    customers::delete(&mut tx, org, ids[2]).await.unwrap();
    tx.commit().await.unwrap();

    let mut conn = app.db.read().await.unwrap();
    let maintained = customers::stats(&mut conn, org, Scope::All).await.unwrap();
    let counted = on!(conn, c => sqlx::query_as::<_, (String, String, i64)>(
        "select status, customer_type, count(*) from customers where organization_id = $1 group by status, customer_type")
        .bind(org).fetch_all(c).await.unwrap());
    let mut by_status = std::collections::BTreeMap::new();
    let mut by_type = std::collections::BTreeMap::new();
    for (s, t, n) in counted {
        *by_status.entry(s).or_insert(0) += n;
        *by_type.entry(t).or_insert(0) += n;
    }
    assert_eq!(maintained.by_status, by_status);
    assert_eq!(maintained.by_type, by_type);
    assert_eq!(maintained.total, 3);
    let params = ListParams { page: 1, page_size: 25, order_by: "name", descending: false };
    let filter = CustomerFilter { status: Some(CustomerStatus::Inactive), ..Default::default() };
    let (rows, count) = customers::list(&mut conn, org, Scope::All, &filter, &params).await.unwrap();
    assert_eq!((rows.len() as i64, count), (2, 2));
});

/// Yields to the runtime `n` times.
async fn yields(n: usize) {
    for _ in 0..n {
        tokio::task::yield_now().await;
    }
}

both!(a_write_dropped_while_it_begins_leaves_no_transaction_open, |app| async {
    // A request dropped at any point of `Db::write` (its client went away): each attempt is
    // abandoned after a different number of turns of the runtime.
    for i in 0..3000 {
        tokio::select! {
            biased;
            _ = yields(i % 40) => {}
            tx = app.db.write() => drop(tx),
        }
    }
    // Every pooled connection still begins, writes and commits.
    for n in 0..40 {
        let mut tx = app.db.write().await.unwrap_or_else(|e| panic!("write {n} could not begin: {e}"));
        on!(tx, c => sqlx::query("insert into auth_attempts (kind, subject, attempted_at) values ('test', $1, $2)")
            .bind(n.to_string()).bind(chrono::Utc::now()).execute(c).await.map(|_| ()).unwrap());
        tx.commit().await.unwrap();
    }
    assert_eq!(app.count("select count(*) from auth_attempts where kind = 'test'").await, 40);
});
