//! `/api/activities/*`: calls, emails, Telegram messages, meetings, tasks and notes about the
//! organization's customers, leads and deals.
//!
//! Needs the `activities` permissions. Callers without `activities:view_all` (sales reps) see
//! and change only activities assigned to them; anything else answers 404, exactly like
//! another organization's activity. The customer, lead and deal an activity links to must be
//! records the caller may see (422 otherwise).

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, PostUrl};

use crate::api::csv::{Csv, CsvFile};
use crate::domain::activity::{Activity, ActivityInput, ActivityQuery, ActivityStats, MyDay};
use crate::domain::list::Page;
use crate::error::AppError;

/// One page of activities: `search` (title, description), filters `activity_type`, `status`,
/// `assigned_to`, `customer_id`, `lead_id`, `deal_id`, `from`/`to` (on `scheduled_at`; a date
/// `YYYY-MM-DD` covers the whole day, or a date and time); `ordering` (e.g. `-created_at`,
/// `scheduled_at`, `title`); `page`, `page_size`.
#[server(prefix = "/api", endpoint = "activities/list", input = GetUrl, output = Json)]
pub async fn list_activities(#[server(flatten)] query: ActivityQuery) -> Result<Page<Activity>, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("activities", "view")?;
    let (filter, params) = query.validate()?;
    let mut conn = state.db.read().await?;
    let (results, count) =
        crate::server::repo::activities::list(&mut conn, member.org_id, member.scope("activities"), &filter, &params)
            .await?;
    Ok(ctx::page(results, count, &params))
}

/// The activities `activities/list` finds (same `search`, filters and `ordering`; every page) as a
/// CSV file.
#[server(prefix = "/api", endpoint = "activities/export", input = GetUrl, output = Csv)]
pub async fn export_activities(#[server(flatten)] query: ActivityQuery) -> Result<CsvFile, AppError> {
    use crate::api::ctx;
    use crate::domain::activity::CSV_COLUMNS;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("activities", "view")?;
    let (filter, params) = query.validate()?;
    let (org_id, scope) = (member.org_id, member.scope("activities"));
    let mut conn = state.db.snapshot().await?;
    crate::api::csv::export("activities", CSV_COLUMNS, params, &mut conn, |conn, p| {
        let filter = filter.clone();
        Box::pin(async move { crate::server::repo::activities::list(conn, org_id, scope, &filter, &p).await })
    })
    .await
}

/// One activity.
#[server(prefix = "/api", endpoint = "activities/get", input = GetUrl, output = Json)]
pub async fn get_activity(id: i64) -> Result<Activity, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("activities", "view")?;
    let mut conn = state.db.read().await?;
    crate::server::repo::activities::get(&mut conn, member.org_id, member.scope("activities"), id).await
}

/// Records an activity. Required: `activity_type` (call, email, telegram, meeting, task, note),
/// `title`, and at least one of `customer_id`, `lead_id`, `deal_id`. Optional: `description`,
/// `status` (default: scheduled when `scheduled_at` is given or for a task, else completed),
/// `scheduled_at`, `duration_minutes`, `assigned_to` (default: the caller's employee), and the
/// fields of its type — call: `phone_number`, `recording_url`, `outcome`; email:
/// `email_subject`, `email_body`, `recipients`; telegram: `telegram_username`,
/// `telegram_chat_id`; meeting: `location`, `meeting_url`, `attendees`; task: `priority`,
/// `due_date`; note: `is_pinned`. A field of another type answers 422. `next` may use `{id}`.
#[server(prefix = "/api", endpoint = "activities/create", input = PostUrl, output = Json)]
pub async fn create_activity(
    #[server(flatten)] input: ActivityInput,
    #[server(default)] next: Option<String>,
) -> Result<Activity, AppError> {
    use crate::api::ctx;
    let caller = ctx::caller().await?;
    let member = caller.require("activities", "create")?;
    let activity = create(&caller, member, &input).await?;
    ctx::redirect_to(next.as_deref().map(|n| n.replace("{id}", &activity.id.to_string())).as_deref());
    Ok(activity)
}

/// Updates an activity: fields sent replace the stored ones, fields not sent stay (changing
/// `activity_type` clears the old type's fields). Setting `status` to completed records
/// `completed_at`; any other status clears it. With `version`, a stale update answers 409.
#[server(prefix = "/api", endpoint = "activities/update", input = PostUrl, output = Json)]
pub async fn update_activity(
    id: i64,
    #[server(flatten)] input: ActivityInput,
    #[server(default)] version: Option<i64>,
    #[server(default)] next: Option<String>,
) -> Result<Activity, AppError> {
    use crate::api::ctx;
    use crate::domain::activity::ActivityStatus;
    use crate::server::auth::caller::Scope;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("activities", "edit")?;
    let mut tx = state.db.write().await?;
    let current = repo::activities::get(&mut tx, member.org_id, member.scope("activities"), id).await?;
    let fields = input.apply_to(current.fields.clone(), false)?;
    let links_changed = (fields.customer_id, fields.lead_id, fields.deal_id)
        != (current.fields.customer_id, current.fields.lead_id, current.fields.deal_id);
    if links_changed {
        let new = |now: Option<i64>, was: Option<i64>| now.filter(|n| Some(*n) != was);
        ctx::check_links(
            &mut tx,
            member,
            new(fields.customer_id, current.fields.customer_id),
            new(fields.lead_id, current.fields.lead_id),
            new(fields.deal_id, current.fields.deal_id),
        )
        .await?;
    }
    if fields.assigned_to != current.fields.assigned_to {
        check_assignee(member, fields.assigned_to)?;
        ctx::check_assignee(&mut tx, member.org_id, fields.assigned_to).await?;
    }
    let completed_at = match fields.status {
        ActivityStatus::Completed => current.completed_at.or_else(|| Some(crate::server::repo::now())),
        _ => None,
    };
    repo::activities::update(&mut tx, member.org_id, id, caller.user_id, &fields, completed_at, version).await?;
    let activity = repo::activities::get(&mut tx, member.org_id, Scope::All, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "activity.updated", id, &activity).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(activity)
}

/// Deletes an activity (needs `activities:delete`).
#[server(prefix = "/api", endpoint = "activities/delete", input = PostUrl, output = Json)]
pub async fn delete_activity(id: i64, #[server(default)] next: Option<String>) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("activities", "delete")?;
    let mut tx = state.db.write().await?;
    let gone = repo::activities::get(&mut tx, member.org_id, member.scope("activities"), id).await?;
    repo::activities::delete(&mut tx, member.org_id, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "activity.deleted", id, &gone).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(())
}

/// Marks an activity completed and records `completed_at` (409 when it is already completed
/// or cancelled).
#[server(prefix = "/api", endpoint = "activities/complete", input = PostUrl, output = Json)]
pub async fn complete_activity(id: i64, #[server(default)] next: Option<String>) -> Result<Activity, AppError> {
    set_status(id, crate::domain::activity::ActivityStatus::Completed, next).await
}

/// Cancels an activity (409 when it is already completed or cancelled).
#[server(prefix = "/api", endpoint = "activities/cancel", input = PostUrl, output = Json)]
pub async fn cancel_activity(id: i64, #[server(default)] next: Option<String>) -> Result<Activity, AppError> {
    set_status(id, crate::domain::activity::ActivityStatus::Cancelled, next).await
}

/// Open activities scheduled from now to `days` days ahead (1–365, default 7), soonest first
/// (at most 200), within the caller's scope.
#[server(prefix = "/api", endpoint = "activities/upcoming", input = GetUrl, output = Json)]
pub async fn upcoming_activities(#[server(default)] days: Option<String>) -> Result<Vec<Activity>, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("activities", "view")?;
    let days = crate::domain::activity::validate_days(days.as_deref())?;
    let now = crate::server::repo::now();
    let mut conn = state.db.read().await?;
    crate::server::repo::activities::scheduled_between(
        &mut conn,
        member.org_id,
        member.scope("activities"),
        now,
        now + chrono::Duration::days(days),
    )
    .await
}

/// Open (scheduled or in progress) activities scheduled in the past — or, without a time, due
/// before today — oldest first (at most 200), within the caller's scope.
#[server(prefix = "/api", endpoint = "activities/overdue", input = GetUrl, output = Json)]
pub async fn overdue_activities() -> Result<Vec<Activity>, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("activities", "view")?;
    let mut conn = state.db.read().await?;
    let now = crate::server::repo::now();
    let today = crate::server::repo::organizations::zone(&mut conn, member.org_id).await?.date_of(now);
    crate::server::repo::activities::overdue(&mut conn, member.org_id, member.scope("activities"), now, today).await
}

/// Counts by type and status, overdue, and completed today, within the caller's scope.
#[server(prefix = "/api", endpoint = "activities/stats", input = GetUrl, output = Json)]
pub async fn get_activity_stats() -> Result<ActivityStats, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("activities", "view")?;
    let mut conn = state.db.read().await?;
    crate::server::repo::activities::stats(
        &mut conn,
        member.org_id,
        member.scope("activities"),
        crate::server::repo::now(),
    )
    .await
}

/// The caller's own day: open activities assigned to them scheduled (or, without a time, due)
/// today (in the organization's time zone), and their overdue ones. Empty for a caller who is
/// no employee.
#[server(prefix = "/api", endpoint = "activities/my_day", input = GetUrl, output = Json)]
pub async fn get_my_day() -> Result<MyDay, AppError> {
    use crate::api::ctx;
    use crate::server::auth::caller::Scope;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("activities", "view")?;
    let mine = Scope::AssignedTo(member.employee_id);
    let now = repo::now();
    let mut conn = state.db.read().await?;
    let zone = repo::organizations::zone(&mut conn, member.org_id).await?;
    let day = zone.date_of(now);
    let (start, end) = (zone.start_of(day), zone.start_of(day + chrono::Duration::days(1)));
    let mut today = repo::activities::scheduled_between(&mut conn, member.org_id, mine, start, end).await?;
    today.extend(repo::activities::due_on(&mut conn, member.org_id, mine, day).await?);
    let overdue = repo::activities::overdue(&mut conn, member.org_id, mine, now, day)
        .await?
        .into_iter()
        .filter(|a| !today.iter().any(|t| t.id == a.id))
        .collect();
    Ok(MyDay { today, overdue })
}

/// A caller who sees only their own activities may assign them only to themselves (422).
#[cfg(feature = "ssr")]
fn check_assignee(member: &crate::server::auth::caller::Member, assigned_to: Option<i64>) -> Result<(), AppError> {
    if member.can("activities", "view_all") || assigned_to == member.employee_id {
        return Ok(());
    }
    let mut errors = crate::error::FieldErrors::new();
    errors.entry("assigned_to".into()).or_default().push("you may assign activities only to yourself".into());
    Err(AppError::Validation(errors))
}

/// Validates and records an activity for `create_activity` and `leads/add_activity`: linked
/// records visible to the caller, assignee an employee (the caller's by default).
#[cfg(feature = "ssr")]
pub(crate) async fn create(
    caller: &crate::server::auth::Caller,
    member: &crate::server::auth::caller::Member,
    input: &ActivityInput,
) -> Result<Activity, AppError> {
    use crate::api::ctx;
    use crate::domain::activity::{ActivityFields, ActivityStatus};
    use crate::server::auth::caller::Scope;
    use crate::server::repo;
    let state = ctx::state()?;
    let mut fields = input.apply_to(ActivityFields::default(), true)?;
    if fields.assigned_to.is_none() {
        fields.assigned_to = member.employee_id;
    }
    check_assignee(member, fields.assigned_to)?;
    let mut tx = state.db.write().await?;
    let links = ctx::check_links(&mut tx, member, fields.customer_id, fields.lead_id, fields.deal_id).await;
    let assignee = ctx::check_assignee(&mut tx, member.org_id, fields.assigned_to).await;
    ctx::both(links, assignee)?;
    let completed_at = (fields.status == ActivityStatus::Completed).then(repo::now);
    let id = repo::activities::create(&mut tx, member.org_id, caller.user_id, &fields, completed_at).await?;
    let activity = repo::activities::get(&mut tx, member.org_id, Scope::All, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "activity.created", id, &activity).await?;
    tx.commit().await?;
    Ok(activity)
}

/// Complete or cancel: only open activities the caller may edit.
#[cfg(feature = "ssr")]
async fn set_status(
    id: i64,
    status: crate::domain::activity::ActivityStatus,
    next: Option<String>,
) -> Result<Activity, AppError> {
    use crate::api::ctx;
    use crate::domain::activity::ActivityStatus;
    use crate::server::auth::caller::Scope;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("activities", "edit")?;
    let mut tx = state.db.write().await?;
    let current = repo::activities::get(&mut tx, member.org_id, member.scope("activities"), id).await?;
    if !current.fields.status.is_open() {
        return Err(AppError::Conflict(format!(
            "this activity is already {}",
            current.fields.status.label().to_lowercase()
        )));
    }
    let completed_at = (status == ActivityStatus::Completed).then(repo::now);
    repo::activities::set_status(&mut tx, member.org_id, id, caller.user_id, status, completed_at).await?;
    let activity = repo::activities::get(&mut tx, member.org_id, Scope::All, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "activity.updated", id, &activity).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(activity)
}

#[cfg(feature = "ssr")]
include!(concat!(env!("OUT_DIR"), "/openapi/activities.rs"));
