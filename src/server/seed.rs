//! `--seed-demo`: a demo organization so every page has something to show. Idempotent.

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;

use crate::domain::activity::{ActivityFields, ActivityPriority, ActivityStatus, ActivityType, CallOutcome};
use crate::domain::customer::{CustomerFields, CustomerStatus, CustomerType};
use crate::domain::deal::{DealFields, DealPriority};
use crate::domain::employee::{EmploymentType, NewEmployee};
use crate::domain::issue::{IssueCategory, IssueFields, IssuePriority, IssueStatus};
use crate::domain::lead::{LeadFields, LeadSource, LeadStatus};
use crate::domain::order::{line_total, OrderFields, OrderItemFields, OrderStatus, OrderType};
use crate::domain::payment::{PaymentFields, PaymentMethod, PaymentStatus, PaymentType};
use crate::domain::permission::{ADMIN, CUSTOMER, MANAGER, MARKETING_REP, SALES_REP};
use crate::domain::pipeline::StageKind;
use crate::domain::vendor::{VendorFields, VendorStatus, VendorType};
use crate::error::AppError;
use crate::on;
use crate::server::auth::password;
use crate::server::db::{Conn, Db};
use crate::server::repo::{
    self, activities, customers, deals, employees, issues, leads, orders, organizations, payments, pipelines, users,
    vendors,
};

/// Email and password of the demo owner (also in the README).
pub const DEMO_EMAIL: &str = "demo@example.com";
pub const DEMO_PASSWORD: &str = "demo-password";

/// Fills the database with the demo organization unless the demo owner already exists.
/// Returns whether anything was added.
pub async fn seed_demo(db: &Db) -> Result<bool, AppError> {
    let mut conn = db.read().await?;
    if users::find_by_email(&mut conn, DEMO_EMAIL).await?.is_some() {
        return Ok(false);
    }
    drop(conn);
    let hash = password::hash(DEMO_PASSWORD.to_owned()).await?;
    let mut tx = db.write().await?;
    let owner = users::create(&mut tx, DEMO_EMAIL, &hash, "Dana", "Demo").await?;
    let org = organizations::create(&mut tx, "Too Good Demo Co", owner).await?;

    // One user per role, all with the demo password.
    let staff = [
        ("admin@example.com", "Avery", "Admin", ADMIN, "Management", "Operations director"),
        ("manager@example.com", "Morgan", "Manager", MANAGER, "Sales", "Sales manager"),
        ("sales@example.com", "Sam", "Seller", SALES_REP, "Sales", "Account executive"),
        ("marketing@example.com", "Mia", "Marketer", MARKETING_REP, "Marketing", "Marketing specialist"),
    ];
    let mut staff_employees = Vec::new();
    for (email, first, last, role, department, title) in staff {
        let user = users::create(&mut tx, email, &hash, first, last).await?;
        organizations::add_member(&mut tx, org, user, role).await?;
        let employee = employees::ensure_for_user(&mut tx, org, user).await?;
        let sql = "update employees set department = $1, job_title = $2 where id = $3";
        on!(tx, c => sqlx::query(sql).bind(department).bind(title).bind(employee).execute(c).await?.rows_affected());
        staff_employees.push(employee);
    }
    let owner_employee = employees::ensure_for_user(&mut tx, org, owner).await?;
    let sql = "update employees set department = 'Management', job_title = 'Founder & CEO' where id = $1";
    on!(tx, c => sqlx::query(sql).bind(owner_employee).execute(c).await?.rows_affected());
    let portal_user = users::create(&mut tx, "customer@example.com", &hash, "Carl", "Client").await?;
    organizations::add_member(&mut tx, org, portal_user, CUSTOMER).await?;

    // Three more employees without accounts: eight in three departments.
    for (first, last, department, title, kind) in [
        ("Riley", "Rivera", "Sales", "Sales development rep", EmploymentType::FullTime),
        ("Jordan", "Lee", "Marketing", "Content writer", EmploymentType::PartTime),
        ("Casey", "Kim", "Sales", "Sales intern", EmploymentType::Intern),
    ] {
        let e = NewEmployee {
            employee_code: None,
            first_name: first.into(),
            last_name: last.into(),
            email: Some(format!("{}.{}@demo.example.com", first.to_lowercase(), last.to_lowercase())),
            phone: None,
            job_title: Some(title.into()),
            department: Some(department.into()),
            employment_type: kind,
            hire_date: NaiveDate::from_ymd_opt(2024, 3, 1),
        };
        employees::create(&mut tx, org, None, &e).await?;
    }
    for (n, employee) in employees::choices(&mut tx, org).await?.iter().enumerate() {
        let sql = "update employees set employee_code = $1 where id = $2";
        on!(tx, c => sqlx::query(sql).bind(format!("EMP-{:03}", n + 1)).bind(employee.id).execute(c).await?.rows_affected());
    }
    // Who reports to whom, and yearly salaries (owners and admins see them), in USD cents.
    let by_email = "select id from employees where organization_id = $1 and email = $2";
    let mut ids = Vec::new();
    for email in [
        DEMO_EMAIL,
        "admin@example.com",
        "manager@example.com",
        "sales@example.com",
        "marketing@example.com",
        "riley.rivera@demo.example.com",
        "jordan.lee@demo.example.com",
        "casey.kim@demo.example.com",
    ] {
        ids.push(on!(tx, c => sqlx::query_scalar::<_, i64>(by_email).bind(org).bind(email).fetch_one(c).await?));
    }
    let (ceo, admin, sales_manager, seller, marketer, riley, jordan, casey) =
        (ids[0], ids[1], ids[2], ids[3], ids[4], ids[5], ids[6], ids[7]);
    for (employee, manager, salary) in [
        (ceo, None, Some(18_000_000_i64)),
        (admin, Some(ceo), Some(12_000_000)),
        (sales_manager, Some(ceo), Some(9_500_000)),
        (seller, Some(sales_manager), Some(6_800_000)),
        (riley, Some(sales_manager), Some(5_200_000)),
        (casey, Some(sales_manager), None),
        (marketer, Some(admin), Some(6_100_000)),
        (jordan, Some(marketer), None),
    ] {
        let sql = "update employees set manager_id = $1, salary_minor = $2 where id = $3";
        on!(tx, c => sqlx::query(sql).bind(manager).bind(salary).bind(employee).execute(c).await?.rows_affected());
    }
    employees::reindex(&mut tx, org).await?;

    let sales_rep = staff_employees[2];
    let manager = staff_employees[1];
    // (name, email, company, type, status, industry, city, credit limit, assignee, days ago)
    type DemoCustomer<'a> =
        (&'a str, &'a str, Option<&'a str>, CustomerType, CustomerStatus, &'a str, &'a str, i64, Option<i64>, i64);
    let demo_customers: [DemoCustomer; 10] = [
        (
            "Northwind Traders",
            "orders@northwind.example",
            Some("Northwind Traders Ltd"),
            CustomerType::Business,
            CustomerStatus::Active,
            "Retail",
            "Seattle",
            25_000,
            Some(sales_rep),
            160,
        ),
        (
            "Contoso Pharmaceuticals",
            "buyers@contoso.example",
            Some("Contoso Pharma"),
            CustomerType::Business,
            CustomerStatus::Active,
            "Healthcare",
            "Boston",
            100_000,
            Some(manager),
            140,
        ),
        (
            "Fabrikam Inc",
            "hello@fabrikam.example",
            Some("Fabrikam Inc"),
            CustomerType::Business,
            CustomerStatus::Prospect,
            "Manufacturing",
            "Detroit",
            50_000,
            Some(sales_rep),
            120,
        ),
        (
            "Ada Lovelace",
            "ada@lovelace.example",
            None,
            CustomerType::Individual,
            CustomerStatus::Active,
            "Consulting",
            "London",
            5_000,
            Some(sales_rep),
            95,
        ),
        (
            "Tailspin Toys",
            "team@tailspin.example",
            Some("Tailspin Toys Co"),
            CustomerType::Business,
            CustomerStatus::Inactive,
            "Retail",
            "Denver",
            10_000,
            None,
            80,
        ),
        (
            "Grace Hopper",
            "grace@hopper.example",
            None,
            CustomerType::Individual,
            CustomerStatus::Prospect,
            "Software",
            "Arlington",
            2_500,
            Some(manager),
            60,
        ),
        (
            "Wide World Importers",
            "import@wideworld.example",
            Some("Wide World Importers"),
            CustomerType::Business,
            CustomerStatus::Active,
            "Logistics",
            "Rotterdam",
            75_000,
            Some(sales_rep),
            41,
        ),
        (
            "Litware Labs",
            "labs@litware.example",
            Some("Litware Labs GmbH"),
            CustomerType::Business,
            CustomerStatus::Active,
            "Software",
            "Berlin",
            30_000,
            Some(manager),
            20,
        ),
        (
            "Alan Turing",
            "alan@turing.example",
            None,
            CustomerType::Individual,
            CustomerStatus::Active,
            "Research",
            "Manchester",
            1_000,
            None,
            9,
        ),
        (
            "Proseware Systems",
            "sales@proseware.example",
            Some("Proseware Systems"),
            CustomerType::Business,
            CustomerStatus::Prospect,
            "Software",
            "Austin",
            40_000,
            Some(sales_rep),
            2,
        ),
    ];
    let now = repo::now();
    let mut customer_ids = Vec::new();
    for (i, (name, email, company, kind, status, industry, city, credit, assignee, days_ago)) in
        demo_customers.into_iter().enumerate()
    {
        let fields = CustomerFields {
            name: name.into(),
            email: Some(email.into()),
            phone: Some(format!("+1 555 01{i:02}")),
            company_name: company.map(Into::into),
            customer_type: kind,
            status,
            industry: Some(industry.into()),
            city: Some(city.into()),
            source: Some(["website", "referral", "event", "cold_call"][i % 4].into()),
            tags: if credit >= 50_000 { vec!["key-account".into()] } else { Vec::new() },
            assigned_to: assignee,
            credit_limit: Some(Decimal::from(credit)),
            ..CustomerFields::default()
        };
        let id = customers::create(&mut tx, org, owner, "USD", &fields).await?;
        customer_ids.push(id);
        let created = now - Duration::days(days_ago);
        on!(tx, c => sqlx::query("update customers set created_at = $1, updated_at = $1 where id = $2").bind(created).bind(id).execute(c).await?.rows_affected());
        customers::add_note(
            &mut tx,
            org,
            id,
            owner,
            &format!("Intro call with {name}: interested in the annual plan."),
        )
        .await?;
    }
    // The portal demo user is a contact of the first customer.
    organizations::bind_customer(&mut tx, org, portal_user, customer_ids.first().copied()).await?;
    seed_deals(&mut tx, org, owner, &customer_ids, &[sales_rep, manager, owner_employee]).await?;
    seed_leads(&mut tx, org, owner, &[sales_rep, staff_employees[3], manager]).await?;
    seed_operations(&mut tx, org, owner, &customer_ids, &[manager, staff_employees[0], owner_employee]).await?;
    seed_activities(&mut tx, org, owner, &customer_ids, &[sales_rep, manager, owner_employee]).await?;
    tx.commit().await?;
    tracing::info!(email = DEMO_EMAIL, "demo organization created");
    Ok(true)
}

/// Thirteen deals on the default pipeline: open ones in every open stage, four won, two lost.
async fn seed_deals(tx: &mut Conn, org: i64, owner: i64, customer_ids: &[i64], owners: &[i64]) -> Result<(), AppError> {
    let pipeline = pipelines::get_default(tx, org).await?;
    let stage_of = |kind: StageKind, nth: usize| {
        pipeline.stages.iter().filter(|s| s.kind == kind).nth(nth).or_else(|| pipeline.stages.first())
    };
    // (title, value, stage kind, nth stage of that kind, priority, days until expected close, days in stage)
    let demo_deals = [
        ("Annual licence renewal", "48000.00", StageKind::Open, 3, DealPriority::High, 14, 3),
        ("Support upgrade to premium", "12500.00", StageKind::Open, 2, DealPriority::Medium, 30, 8),
        ("Pilot for the Berlin office", "7800.50", StageKind::Open, 1, DealPriority::Medium, 45, 12),
        ("Data migration project", "23999.99", StageKind::Open, 2, DealPriority::Urgent, 10, 2),
        ("Training package", "3200.00", StageKind::Open, 0, DealPriority::Low, 60, 20),
        ("Enterprise rollout", "125000.00", StageKind::Open, 1, DealPriority::High, 75, 6),
        ("Analytics add-on", "9400.00", StageKind::Open, 0, DealPriority::Medium, 40, 1),
        ("Consulting retainer Q1", "18000.00", StageKind::Open, 3, DealPriority::High, 7, 15),
        ("First-year subscription", "36000.00", StageKind::Won, 0, DealPriority::High, -20, 20),
        ("Onboarding services", "5400.00", StageKind::Won, 0, DealPriority::Medium, -45, 45),
        ("Hardware bundle", "15250.75", StageKind::Won, 0, DealPriority::Low, -60, 60),
        ("Security audit", "8800.00", StageKind::Won, 0, DealPriority::Urgent, -5, 5),
        ("Custom integration", "42000.00", StageKind::Lost, 0, DealPriority::Medium, -30, 30),
    ];
    let today = repo::now();
    for (i, (title, value, kind, nth, priority, close_in, in_stage)) in demo_deals.into_iter().enumerate() {
        let Some(stage) = stage_of(kind, nth) else { continue };
        let fields = DealFields {
            title: title.into(),
            customer_id: customer_ids.get(i % customer_ids.len().max(1)).copied(),
            pipeline_id: pipeline.id,
            stage_id: stage.id,
            probability: stage.probability,
            value: value.parse().unwrap_or_default(),
            priority,
            expected_close_date: Some((today + Duration::days(close_in)).date_naive()),
            assigned_to: owners.get(i % owners.len().max(1)).copied(),
            ..DealFields::default()
        };
        let id = deals::create(tx, org, owner, "USD", &fields, None).await?;
        let entered = today - Duration::days(in_stage);
        let closed = (kind != StageKind::Open).then(|| entered.date_naive());
        let reason = (kind == StageKind::Lost).then_some("Chose a competitor with a lower price");
        let sql = "update deals set stage_entered_at = $1, created_at = $1, updated_at = $1, actual_close_date = $2,
                   lost_reason = $3 where id = $4";
        on!(tx, c => sqlx::query(sql).bind(entered).bind(closed).bind(reason).bind(id).execute(c).await?.rows_affected());
    }
    Ok(())
}

/// Activities of every type about customers, leads and deals: calls with outcomes, emails, a
/// Telegram message, meetings, tasks with due dates and a pinned note, spread over the last
/// months; some scheduled for today, some upcoming, some overdue.
async fn seed_activities(
    tx: &mut Conn,
    org: i64,
    owner: i64,
    customer_ids: &[i64],
    owners: &[i64],
) -> Result<(), AppError> {
    let sql = "select id from leads where organization_id = $1 order by id limit 6";
    let lead_ids = on!(tx, c => sqlx::query_scalar::<_, i64>(sql).bind(org).fetch_all(c).await?);
    let sql = "select id from deals where organization_id = $1 order by id limit 6";
    let deal_ids = on!(tx, c => sqlx::query_scalar::<_, i64>(sql).bind(org).fetch_all(c).await?);
    let now = repo::now();
    let today = now.date_naive();
    let minutes = |m: i64| now + Duration::minutes(m);
    // (type, title, minutes from now it is scheduled (None: logged; the call in 10 minutes
    // brings its assignee a reminder on the outbox page), status, about (0 customer,
    // 1 lead, 2 deal), which one, the type's fields)
    type Fill = fn(&mut ActivityFields);
    type Demo<'a> = (ActivityType, &'a str, Option<i64>, ActivityStatus, usize, usize, Fill);
    let demo: [Demo; 20] = [
        (ActivityType::Call, "Discovery call", Some(-24 * 60 * 60), ActivityStatus::Completed, 0, 0, |f| {
            (f.phone_number, f.outcome, f.duration_minutes) =
                (Some("+1 555 0101".into()), Some(CallOutcome::Connected), Some(25));
        }),
        (ActivityType::Email, "Sent the product overview", Some(-24 * 60 * 55), ActivityStatus::Completed, 0, 1, |f| {
            f.email_subject = Some("Too Good CRM: product overview".into());
            f.email_body = Some("Hello! As promised, the overview and pricing are attached.".into());
            f.recipients = vec!["buyers@contoso.example".into()];
        }),
        (ActivityType::Call, "Follow-up call", Some(-24 * 60 * 40), ActivityStatus::Completed, 1, 0, |f| {
            (f.phone_number, f.outcome, f.duration_minutes) =
                (Some("+1 555 0200".into()), Some(CallOutcome::Voicemail), Some(2));
        }),
        (ActivityType::Meeting, "On-site demo", Some(-24 * 60 * 35), ActivityStatus::Completed, 2, 0, |f| {
            f.location = Some("Customer HQ, Seattle".into());
            f.attendees = vec!["Dana Demo".into(), "orders@northwind.example".into()];
            f.duration_minutes = Some(90);
        }),
        (ActivityType::Note, "Decision maker is the CFO", None, ActivityStatus::Completed, 0, 0, |f| {
            f.is_pinned = true;
            f.description = Some("Budget approvals go through the CFO; involve her before the proposal.".into());
        }),
        (
            ActivityType::Telegram,
            "Shared the pilot timeline",
            Some(-24 * 60 * 20),
            ActivityStatus::Completed,
            1,
            1,
            |f| {
                (f.telegram_username, f.telegram_chat_id) = (Some("liam_okafor".into()), Some(482_113_907));
            },
        ),
        (ActivityType::Call, "Pricing questions", Some(-24 * 60 * 14), ActivityStatus::Completed, 2, 1, |f| {
            (f.phone_number, f.outcome, f.duration_minutes) =
                (Some("+1 555 0301".into()), Some(CallOutcome::Connected), Some(18));
        }),
        (ActivityType::Call, "Intro call attempt", Some(-24 * 60 * 10), ActivityStatus::Completed, 1, 2, |f| {
            (f.phone_number, f.outcome) = (Some("+1 555 0202".into()), Some(CallOutcome::NoAnswer));
        }),
        (ActivityType::Meeting, "Quarterly review", Some(-24 * 60 * 7), ActivityStatus::Cancelled, 0, 2, |f| {
            f.meeting_url = Some("https://meet.example.com/q-review".into());
        }),
        (ActivityType::Task, "Send the revised proposal", Some(-24 * 60 * 3), ActivityStatus::Scheduled, 2, 2, |f| {
            f.priority = Some(ActivityPriority::High);
        }),
        (ActivityType::Call, "Check in after the trial", Some(-5 * 60), ActivityStatus::Scheduled, 0, 3, |f| {
            f.phone_number = Some("+1 555 0104".into());
        }),
        (ActivityType::Task, "Prepare the contract draft", None, ActivityStatus::Scheduled, 2, 3, |f| {
            f.priority = Some(ActivityPriority::Urgent);
        }),
        (ActivityType::Task, "Update the CRM notes", None, ActivityStatus::InProgress, 1, 3, |f| {
            f.priority = Some(ActivityPriority::Low);
        }),
        (ActivityType::Meeting, "Negotiation meeting", Some(2 * 60), ActivityStatus::Scheduled, 2, 0, |f| {
            f.location = Some("Video call".into());
            f.meeting_url = Some("https://meet.example.com/negotiation".into());
            f.attendees = vec!["Dana Demo".into(), "Sam Seller".into()];
            f.duration_minutes = Some(60);
        }),
        (ActivityType::Call, "Call back about the invoice", Some(10), ActivityStatus::Scheduled, 0, 4, |f| {
            f.phone_number = Some("+1 555 0105".into());
        }),
        (ActivityType::Email, "Send the onboarding guide", Some(24 * 60), ActivityStatus::Scheduled, 0, 5, |f| {
            f.email_subject = Some("Welcome aboard: your onboarding guide".into());
            f.recipients = vec!["hello@fabrikam.example".into()];
        }),
        (ActivityType::Meeting, "Kick-off workshop", Some(24 * 60 * 3), ActivityStatus::Scheduled, 2, 4, |f| {
            f.location = Some("Berlin office".into());
            f.duration_minutes = Some(120);
        }),
        (ActivityType::Call, "Qualification call", Some(24 * 60 * 5), ActivityStatus::Scheduled, 1, 4, |f| {
            f.phone_number = Some("+1 555 0204".into());
        }),
        (ActivityType::Task, "Renewal reminder", None, ActivityStatus::Scheduled, 0, 6, |f| {
            f.priority = Some(ActivityPriority::Medium);
        }),
        (ActivityType::Note, "Prefers email over calls", None, ActivityStatus::Completed, 1, 5, |_| {}),
    ];
    let mut timeless_tasks = 0;
    for (i, (kind, title, at, status, about, nth, fill)) in demo.into_iter().enumerate() {
        let pick = |ids: &[i64]| ids.get(nth % ids.len().max(1)).copied();
        let (customer_id, lead_id, deal_id) = match about {
            0 => (pick(customer_ids), None, None),
            1 => (None, pick(&lead_ids), None),
            _ => (None, None, pick(&deal_ids)),
        };
        if customer_id.or(lead_id).or(deal_id).is_none() {
            continue;
        }
        let mut fields = ActivityFields {
            activity_type: kind,
            title: title.into(),
            status,
            scheduled_at: at.map(minutes),
            customer_id,
            lead_id,
            deal_id,
            assigned_to: owners.get(i % owners.len().max(1)).copied(),
            ..ActivityFields::default()
        };
        fill(&mut fields);
        // Tasks without a time: one overdue, one due today, one next week.
        if kind == ActivityType::Task && at.is_none() {
            fields.due_date = Some(today + Duration::days([-2, 0, 7][timeless_tasks % 3]));
            timeless_tasks += 1;
        }
        let happened = fields.scheduled_at.unwrap_or(now - Duration::days(30 - i as i64));
        let completed_at = (status == ActivityStatus::Completed).then_some(happened.min(now));
        let id = activities::create(tx, org, owner, &fields, completed_at).await?;
        let created = happened.min(now) - Duration::days(1);
        let sql = "update activities set created_at = $1, updated_at = $1 where id = $2";
        on!(tx, c => sqlx::query(sql).bind(created).bind(id).execute(c).await?.rows_affected());
    }
    Ok(())
}

/// Twenty leads: every status and every source, scores across the range.
async fn seed_leads(tx: &mut Conn, org: i64, owner: i64, owners: &[i64]) -> Result<(), AppError> {
    const NAMES: &[(&str, &str, &str, &str)] = &[
        ("Olivia", "Bennett", "Brightline Logistics", "Operations manager"),
        ("Liam", "Okafor", "Okafor & Sons", "Owner"),
        ("Sofia", "Rossi", "Trattoria Digitale", "Marketing lead"),
        ("Noah", "Schmidt", "Schmidt Maschinenbau", "Purchasing"),
        ("Amara", "Diallo", "Sahel Solar", "CTO"),
        ("Lucas", "Moreau", "Atelier Moreau", "Founder"),
        ("Hana", "Sato", "Sato Design Studio", "Creative director"),
        ("Ethan", "Walsh", "Walsh Dental Group", "Practice manager"),
        ("Chloe", "Martin", "Northwind Traders", "Head of sales"),
        ("Mateo", "Garcia", "Garcia Construcciones", "Project lead"),
        ("Aisha", "Khan", "Crescent Health", "IT director"),
        ("Oscar", "Lindqvist", "Fjord Analytics", "Data engineer"),
        ("Zoe", "Papadopoulos", "Aegean Travel", "General manager"),
        ("Daniel", "Cohen", "Cohen Legal", "Partner"),
        ("Mei", "Chen", "Lotus Foods", "Procurement"),
        ("Jonas", "Berg", "Berg Outdoor", "E-commerce manager"),
        ("Priya", "Nair", "Monsoon Media", "Editor"),
        ("Felix", "Wagner", "Wagner Kliniken", "Administrator"),
        ("Isla", "MacLeod", "Highland Woolens", "Owner"),
        ("Tomás", "Silva", "Silva Energia", "Engineer"),
    ];
    for (i, (first, last, company, title)) in NAMES.iter().enumerate() {
        let status = LeadStatus::ALL[i % LeadStatus::ALL.len()];
        let fields = LeadFields {
            first_name: (*first).into(),
            last_name: (*last).into(),
            email: Some(format!("{}.{}@{}.example", first.to_lowercase(), last.to_lowercase(), i + 1)),
            phone: Some(format!("+1 555 02{i:02}")),
            company: Some((*company).into()),
            job_title: Some((*title).into()),
            source: LeadSource::ALL[i % LeadSource::ALL.len()],
            score: ((i * 37 + 15) % 101) as i64,
            estimated_value: Some(Decimal::from(2_500 + (i as i64 % 7) * 4_250)),
            assigned_to: owners.get(i % owners.len().max(1)).copied(),
            ..LeadFields::default()
        };
        let initial = if LeadStatus::EDITABLE.contains(&status) { status } else { LeadStatus::New };
        let id = leads::create(tx, org, owner, "USD", &fields, initial).await?;
        match status {
            LeadStatus::Qualified => leads::set_status(tx, org, id, owner, status, None).await?,
            LeadStatus::Unqualified => {
                leads::set_status(tx, org, id, owner, status, Some("No budget this year")).await?;
            }
            LeadStatus::Converted => {
                let customer = customers::create(tx, org, owner, "USD", &fields.to_customer()).await?;
                leads::mark_converted(tx, org, id, owner, customer).await?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// Five vendors, fifteen orders with one to five items, twenty payments in every status (some
/// overdue) and ten issues.
async fn seed_operations(
    tx: &mut Conn,
    org: i64,
    owner: i64,
    customer_ids: &[i64],
    staff: &[i64],
) -> Result<(), AppError> {
    let today = repo::now().date_naive();
    let pick = |list: &[i64], i: usize| list.get(i % list.len().max(1)).copied();
    let vendors_data = [
        ("Acme Office Supply", VendorType::Supplier, "Net 30", Some(4)),
        ("Globex Manufacturing", VendorType::Manufacturer, "Net 45", Some(5)),
        ("Initech Consulting", VendorType::Consultant, "Due on receipt", Some(3)),
        ("Umbrella Logistics", VendorType::Distributor, "Net 15", None),
        ("Hooli Cloud Services", VendorType::ServiceProvider, "Monthly", Some(4)),
    ];
    let mut vendor_ids = Vec::new();
    for (i, (name, vendor_type, terms, rating)) in vendors_data.into_iter().enumerate() {
        let slug = name.split(' ').next().unwrap_or(name).to_lowercase();
        let fields = VendorFields {
            name: name.into(),
            company: Some(name.into()),
            email: Some(format!("orders@{slug}.example")),
            phone: Some(format!("+1 555 03{i:02}")),
            vendor_type,
            contact_person: Some(["Pat Lee", "Kim Novak", "Sam Ortiz", "Alex Kim", "Robin Fox"][i].into()),
            status: if i == 3 { VendorStatus::Pending } else { VendorStatus::Active },
            rating,
            payment_terms: Some(terms.into()),
            ..VendorFields::default()
        };
        vendor_ids.push(vendors::create(tx, org, owner, &fields).await?);
    }

    const ITEMS: &[(&str, &str, &str)] = &[
        ("Ergonomic chair", "FUR-CH-01", "289.00"),
        ("Standing desk", "FUR-DK-02", "549.99"),
        ("Laptop stand", "ACC-LS-03", "39.90"),
        ("Consulting hours", "SRV-CON-1", "120.00"),
        ("Cloud storage (TB/month)", "SRV-CLD-2", "23.50"),
        ("Printer paper (box)", "SUP-PP-04", "18.75"),
    ];
    let mut order_ids = Vec::new();
    for i in 0..15 {
        let order_type = OrderType::ALL[i % OrderType::ALL.len()];
        let purchase = order_type == OrderType::Purchase;
        let status = OrderStatus::EDITABLE[i % OrderStatus::EDITABLE.len()];
        let order_date = today - Duration::days(60 - 4 * i as i64);
        let items: Vec<OrderItemFields> = (0..=i % 5)
            .map(|k| {
                let (name, sku, price) = ITEMS[(i + k) % ITEMS.len()];
                let quantity = Decimal::from(1 + ((i + 2 * k) % 4) as i64);
                let unit_price: Decimal = price.parse().unwrap_or_default();
                OrderItemFields {
                    item_name: name.into(),
                    description: None,
                    sku: Some(sku.into()),
                    quantity,
                    unit_price,
                    total_price: line_total(quantity, unit_price, 2),
                }
            })
            .collect();
        let fields = OrderFields {
            title: format!("{} #{}", if purchase { "Office restock" } else { "Customer order" }, i + 1),
            description: None,
            order_type,
            status,
            vendor_id: if purchase || i % 3 == 0 { pick(&vendor_ids, i) } else { None },
            customer_id: if purchase { None } else { pick(customer_ids, i) },
            order_date,
            delivery_date: Some(order_date + Duration::days(14)),
            currency: "USD".into(),
            assigned_to: pick(staff, i),
        };
        let id = orders::create(tx, org, owner, order_date, &fields, &items).await?;
        match i % 5 {
            3 => orders::close(tx, org, id, owner, OrderStatus::Completed).await?,
            4 if i > 10 => orders::close(tx, org, id, owner, OrderStatus::Cancelled).await?,
            _ => {}
        }
        order_ids.push((id, fields.vendor_id, fields.customer_id, order_type));
    }

    for i in 0..20 {
        let status = PaymentStatus::ALL[i % PaymentStatus::ALL.len()];
        let (order_id, vendor_id, customer_id, order_type) = order_ids[i % order_ids.len()];
        let incoming = order_type != OrderType::Purchase;
        // Pending payments alternate between due soon and overdue.
        let due_date = today + Duration::days(if i % 2 == 0 { -10 - i as i64 } else { 5 + i as i64 });
        let fields = PaymentFields {
            order_id: Some(order_id),
            vendor_id,
            customer_id,
            amount: Decimal::new(25_000 + 13_579 * i as i64, 2),
            currency: "USD".into(),
            payment_type: if incoming { PaymentType::Incoming } else { PaymentType::Outgoing },
            payment_method: PaymentMethod::ALL[i % PaymentMethod::ALL.len()],
            status: if PaymentStatus::EDITABLE.contains(&status) { status } else { PaymentStatus::Pending },
            payment_date: Some(today - Duration::days(30 - i as i64)),
            due_date: Some(due_date),
            invoice_number: Some(format!("INV-{:04}", 1000 + i)),
            reference_number: None,
            transaction_id: None,
            notes: None,
        };
        let id = payments::create(tx, org, owner, today, &fields).await?;
        match status {
            PaymentStatus::Completed => payments::process(tx, org, id, owner).await?,
            PaymentStatus::Failed => payments::fail(tx, org, id, owner, "Card declined").await?,
            _ => {}
        }
    }

    let issues_data = [
        ("Damaged chairs on delivery", IssueCategory::Delivery, IssuePriority::High),
        ("Invoice total does not match the order", IssueCategory::Billing, IssuePriority::Medium),
        ("Standing desk wobbles", IssueCategory::Quality, IssuePriority::Low),
        ("No reply to support emails", IssueCategory::Communication, IssuePriority::Urgent),
        ("Cloud storage outage", IssueCategory::Technical, IssuePriority::Urgent),
        ("Late shipment", IssueCategory::Delivery, IssuePriority::Medium),
        ("Charged twice", IssueCategory::Billing, IssuePriority::High),
        ("Wrong SKU shipped", IssueCategory::Quality, IssuePriority::Medium),
        ("Login problems in the portal", IssueCategory::Technical, IssuePriority::Low),
        ("Request for a training session", IssueCategory::Other, IssuePriority::Low),
    ];
    for (i, (title, category, priority)) in issues_data.into_iter().enumerate() {
        let (order_id, vendor_id, customer_id, _) = order_ids[(i * 2) % order_ids.len()];
        let fields = IssueFields {
            title: title.into(),
            description: Some(format!("Reported on {}.", today - Duration::days(i as i64 * 3))),
            priority,
            category,
            status: if i % 4 == 1 { IssueStatus::InProgress } else { IssueStatus::Open },
            vendor_id,
            order_id: Some(order_id),
            customer_id,
            assigned_to: pick(staff, i),
        };
        let id = issues::create(tx, org, owner, today, &fields).await?;
        if i % 3 == 0 {
            issues::resolve(tx, org, id, owner, Some("Replaced and confirmed with the customer.")).await?;
        }
    }
    Ok(())
}
