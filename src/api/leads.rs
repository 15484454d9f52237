//! `/api/leads/*`: the leads of the current organization, their status, score, owner and activities.
//!
//! Callers without `leads:view_all` see (and may change) only leads assigned to them;
//! anything else answers 404, exactly like another organization's lead.

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, PostUrl};

use crate::api::csv::{Csv, CsvFile};
use crate::domain::activity::{ActivityInput, LeadActivity};
use crate::domain::csv::{ImportReport, ImportRequest};
use crate::domain::lead::{Lead, LeadConversion, LeadInput, LeadQuery, LeadStats};
use crate::domain::list::Page;
use crate::error::AppError;

/// One page of leads: `search` (name, email, company), filters `status`, `source`,
/// `assigned_to`, `score_min`/`score_max` (inclusive); `ordering` (e.g. `-created_at`,
/// `-score`, `last_name`); `page`, `page_size`.
#[server(prefix = "/api", endpoint = "leads/list", input = GetUrl, output = Json)]
pub async fn list_leads(#[server(flatten)] query: LeadQuery) -> Result<Page<Lead>, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("leads", "view")?;
    let (filter, params) = query.validate()?;
    let mut conn = state.db.read().await?;
    let (results, count) =
        crate::server::repo::leads::list(&mut conn, member.org_id, member.scope("leads"), &filter, &params).await?;
    Ok(ctx::page(results, count, &params))
}

/// The leads `leads/list` finds (same `search`, filters and `ordering`; every page) as a
/// CSV file.
#[server(prefix = "/api", endpoint = "leads/export", input = GetUrl, output = Csv)]
pub async fn export_leads(#[server(flatten)] query: LeadQuery) -> Result<CsvFile, AppError> {
    use crate::api::ctx;
    use crate::domain::lead::CSV_COLUMNS;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("leads", "view")?;
    let (filter, params) = query.validate()?;
    let (org_id, scope) = (member.org_id, member.scope("leads"));
    let mut conn = state.db.snapshot().await?;
    crate::api::csv::export("leads", CSV_COLUMNS, params, &mut conn, |conn, p| {
        let filter = filter.clone();
        Box::pin(async move { crate::server::repo::leads::list(conn, org_id, scope, &filter, &p).await })
    })
    .await
}

/// Creates leads from CSV text (`csv`, or a `file` upload: a header row naming the columns, as an export writes
/// them or by common aliases, then one row per lead). `dry_run` (default `true`) only
/// previews; see [`crate::api::csv::import`] for the rules and `skip_invalid`.
#[server(prefix = "/api", endpoint = "leads/import", input = PostUrl, output = Json)]
pub async fn import_leads(#[server(flatten)] request: ImportRequest) -> Result<ImportReport, AppError> {
    crate::api::csv::import::<Lead>(request).await
}

#[cfg(feature = "ssr")]
impl crate::api::csv::Import for Lead {
    type Input = LeadInput;
    /// The fields and the status a lead starts with (`new`, `contacted` or `lost`).
    type Fields = (crate::domain::lead::LeadFields, crate::domain::lead::LeadStatus);
    const RESOURCE: &'static str = "leads";
    const FIELDS: &'static [crate::domain::csv::ImportField] = crate::domain::lead::IMPORT_FIELDS;

    fn validate(input: &LeadInput) -> Result<Self::Fields, AppError> {
        use crate::domain::lead::{LeadFields, LeadStatus};
        input.apply_with_status(LeadFields::default(), LeadStatus::New)
    }
    fn email(fields: &Self::Fields) -> Option<&str> {
        fields.0.email.as_deref()
    }
    fn assigned_to(fields: &mut Self::Fields) -> &mut Option<i64> {
        &mut fields.0.assigned_to
    }
    const CREATED: &'static str = "lead.created";
    async fn get(conn: &mut crate::server::db::Conn, org_id: i64, id: i64) -> Result<Self, AppError> {
        crate::server::repo::leads::get(conn, org_id, crate::server::auth::caller::Scope::All, id).await
    }
    fn insert<'a>(
        conn: &'a mut crate::server::db::Conn,
        org_id: i64,
        user_id: i64,
        currency: &'a str,
        fields: &'a Self::Fields,
    ) -> impl std::future::Future<Output = Result<i64, AppError>> + Send + 'a {
        crate::server::repo::leads::create(conn, org_id, user_id, currency, &fields.0, fields.1)
    }
}

/// One lead.
#[server(prefix = "/api", endpoint = "leads/get", input = GetUrl, output = Json)]
pub async fn get_lead(id: i64) -> Result<Lead, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("leads", "view")?;
    let mut conn = state.db.read().await?;
    crate::server::repo::leads::get(&mut conn, member.org_id, member.scope("leads"), id).await
}

/// Creates a lead. `first_name` is required; `status` may be `new` (the default), `contacted`
/// or `lost`; `assigned_to` must be an employee of the organization (a caller who sees only
/// their own leads gets them assigned by default).
#[server(prefix = "/api", endpoint = "leads/create", input = PostUrl, output = Json)]
pub async fn create_lead(
    #[server(flatten)] input: LeadInput,
    #[server(default)] next: Option<String>,
) -> Result<Lead, AppError> {
    use crate::api::ctx;
    use crate::domain::lead::{LeadFields, LeadStatus};
    use crate::server::auth::caller::Scope;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("leads", "create")?;
    let (mut fields, status) = input.apply_with_status(LeadFields::default(), LeadStatus::New)?;
    if fields.assigned_to.is_none() && !member.can("leads", "view_all") {
        fields.assigned_to = member.employee_id;
    }
    let mut tx = state.db.write().await?;
    ctx::check_assignee(&mut tx, member.org_id, fields.assigned_to).await?;
    let currency = repo::organizations::get(&mut tx, member.org_id).await?.currency;
    let id = repo::leads::create(&mut tx, member.org_id, caller.user_id, &currency, &fields, status).await?;
    let lead = repo::leads::get(&mut tx, member.org_id, Scope::All, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "lead.created", id, &lead).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref().map(|n| n.replace("{id}", &id.to_string())).as_deref());
    Ok(lead)
}

/// Updates a lead: fields sent replace the stored ones, fields not sent stay. `status` may
/// change only to `new`, `contacted` or `lost` (qualify, disqualify and convert have their own
/// calls; a converted lead keeps its status). With `version`, a stale update answers 409.
#[server(prefix = "/api", endpoint = "leads/update", input = PostUrl, output = Json)]
pub async fn update_lead(
    id: i64,
    #[server(flatten)] input: LeadInput,
    #[server(default)] version: Option<i64>,
    #[server(default)] next: Option<String>,
) -> Result<Lead, AppError> {
    use crate::api::ctx;
    use crate::server::auth::caller::Scope;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("leads", "edit")?;
    let mut tx = state.db.write().await?;
    let current = repo::leads::get(&mut tx, member.org_id, member.scope("leads"), id).await?;
    let (fields, status) = input.apply_with_status(current.fields.clone(), current.status)?;
    if fields.assigned_to != current.fields.assigned_to {
        ctx::check_assignee(&mut tx, member.org_id, fields.assigned_to).await?;
    }
    repo::leads::update(&mut tx, member.org_id, id, caller.user_id, &current.currency, &fields, status, version)
        .await?;
    let lead = repo::leads::get(&mut tx, member.org_id, Scope::All, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "lead.updated", id, &lead).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(lead)
}

/// Deletes a lead and its activities (needs `leads:delete`).
#[server(prefix = "/api", endpoint = "leads/delete", input = PostUrl, output = Json)]
pub async fn delete_lead(id: i64, #[server(default)] next: Option<String>) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("leads", "delete")?;
    let mut tx = state.db.write().await?;
    let gone = repo::leads::get(&mut tx, member.org_id, member.scope("leads"), id).await?;
    repo::leads::delete(&mut tx, member.org_id, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "lead.deleted", id, &gone).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(())
}

/// Marks a lead qualified (409 once converted).
#[server(prefix = "/api", endpoint = "leads/qualify", input = PostUrl, output = Json)]
pub async fn qualify_lead(id: i64, #[server(default)] next: Option<String>) -> Result<Lead, AppError> {
    set_status(id, crate::domain::lead::LeadStatus::Qualified, None, next).await
}

/// Marks a lead unqualified; `reason` is required (422 without). 409 once converted.
#[server(prefix = "/api", endpoint = "leads/disqualify", input = PostUrl, output = Json)]
pub async fn disqualify_lead(
    id: i64,
    #[server(default)] reason: Option<String>,
    #[server(default)] next: Option<String>,
) -> Result<Lead, AppError> {
    set_status(id, crate::domain::lead::LeadStatus::Unqualified, reason, next).await
}

/// Sets a lead's score: a whole number from 0 to 100 (422 otherwise).
#[server(prefix = "/api", endpoint = "leads/update_score", input = PostUrl, output = Json)]
pub async fn update_lead_score(
    id: i64,
    #[server(default)] score: Option<String>,
    #[server(default)] next: Option<String>,
) -> Result<Lead, AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("leads", "edit")?;
    let score = crate::domain::lead::validate_score(score.as_deref())?;
    let scope = member.scope("leads");
    let mut tx = state.db.write().await?;
    repo::leads::get(&mut tx, member.org_id, scope, id).await?;
    repo::leads::set_score(&mut tx, member.org_id, id, caller.user_id, score).await?;
    let lead = repo::leads::get(&mut tx, member.org_id, crate::server::auth::caller::Scope::All, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "lead.updated", id, &lead).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(lead)
}

/// Assigns a lead to an employee of the organization (422 for anyone else); empty unassigns.
#[server(prefix = "/api", endpoint = "leads/assign", input = PostUrl, output = Json)]
pub async fn assign_lead(
    id: i64,
    #[server(default)] assigned_to: Option<String>,
    #[server(default)] next: Option<String>,
) -> Result<Lead, AppError> {
    use crate::api::ctx;
    use crate::domain::validate::Check;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("leads", "edit")?;
    let mut c = Check::new();
    let assigned_to = c.id("assigned_to", assigned_to.as_deref());
    c.finish(())?;
    let mut tx = state.db.write().await?;
    repo::leads::get(&mut tx, member.org_id, member.scope("leads"), id).await?;
    ctx::check_assignee(&mut tx, member.org_id, assigned_to).await?;
    repo::leads::assign(&mut tx, member.org_id, id, caller.user_id, assigned_to).await?;
    let lead = repo::leads::get(&mut tx, member.org_id, crate::server::auth::caller::Scope::All, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "lead.updated", id, &lead).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(lead)
}

/// Converts a lead into a customer (from its name, contact details and address) and, with
/// `create_deal`, a deal on the default pipeline's first stage (`deal_title`, `deal_value`;
/// defaults: "<company or name> deal" and the lead's estimated value). All in one transaction:
/// a converted lead answers 409 and nothing is created. `next` may use `{customer_id}`.
#[server(prefix = "/api", endpoint = "leads/convert", input = PostUrl, output = Json)]
pub async fn convert_lead(
    id: i64,
    #[server(default)] create_deal: Option<String>,
    #[server(default)] deal_title: Option<String>,
    #[server(default)] deal_value: Option<String>,
    #[server(default)] next: Option<String>,
) -> Result<LeadConversion, AppError> {
    use crate::api::ctx;
    use crate::domain::deal::{DealFields, DealInput};
    use crate::domain::pipeline::parse_bool;
    use crate::domain::validate::Check;
    use crate::server::auth::caller::Scope;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("leads", "edit")?;
    caller.require("customers", "create")?;
    let mut c = Check::new();
    let with_deal = create_deal.as_deref().and_then(|v| parse_bool(&mut c, "create_deal", v)).unwrap_or(false);
    c.finish(())?;
    if with_deal {
        caller.require("deals", "create")?;
    }
    let mut tx = state.db.write().await?;
    let lead = repo::leads::get(&mut tx, member.org_id, member.scope("leads"), id).await?;
    if lead.status == crate::domain::lead::LeadStatus::Converted {
        return Err(AppError::Conflict("this lead has already been converted".into()));
    }
    let deal_fields = if with_deal {
        let title = deal_title.filter(|t| !t.trim().is_empty()).unwrap_or_else(|| {
            format!("{} deal", lead.fields.company.clone().unwrap_or_else(|| lead.fields.full_name()))
        });
        let value = deal_value.or_else(|| lead.fields.estimated_value.map(|v| v.to_string()));
        let input = DealInput { title: Some(title), value, ..DealInput::default() };
        let fields = input.apply_to(DealFields { assigned_to: lead.fields.assigned_to, ..DealFields::default() });
        // The deal's fields are reported under the names this endpoint takes.
        Some(fields.map_err(|e| e.rename_fields(&[("title", "deal_title"), ("value", "deal_value")]))?)
    } else {
        None
    };
    let currency = repo::organizations::get(&mut tx, member.org_id).await?.currency;
    let customer_id =
        repo::customers::create(&mut tx, member.org_id, caller.user_id, &currency, &lead.fields.to_customer()).await?;
    repo::leads::mark_converted(&mut tx, member.org_id, id, caller.user_id, customer_id).await?;
    let deal = match deal_fields {
        Some(mut fields) => {
            fields.customer_id = Some(customer_id);
            let deal_id =
                repo::deals::create(&mut tx, member.org_id, caller.user_id, &currency, &fields, Some(id)).await?;
            Some(repo::deals::get(&mut tx, member.org_id, Scope::All, deal_id).await?)
        }
        None => None,
    };
    let conversion = LeadConversion {
        lead: repo::leads::get(&mut tx, member.org_id, Scope::All, id).await?,
        customer: repo::customers::get(&mut tx, member.org_id, Scope::All, customer_id).await?,
        deal,
    };
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "lead.updated", id, &conversion.lead).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "lead.converted", id, &conversion).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "customer.created", customer_id, &conversion.customer)
        .await?;
    if let Some(deal) = &conversion.deal {
        crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "deal.created", deal.id, deal).await?;
    }
    tx.commit().await?;
    ctx::redirect_to(next.as_deref().map(|n| n.replace("{customer_id}", &customer_id.to_string())).as_deref());
    Ok(conversion)
}

/// Records an activity about a lead (the first API; `activities/create` with `lead_id` is the
/// full one and takes the same fields): `activity_type` (call, email, telegram, meeting, task,
/// note), `title` (or its old name `subject`), `description`, `status`, `scheduled_at` (RFC 3339
/// or `YYYY-MM-DDTHH:MM`, UTC), and the fields of the type. Needs `leads:edit` on the lead; the
/// activity is assigned to the caller. Answers the activity with its title also as `subject`.
#[server(prefix = "/api", endpoint = "leads/add_activity", input = PostUrl, output = Json)]
pub async fn add_lead_activity(
    lead_id: i64,
    #[server(flatten)] input: ActivityInput,
    #[server(default)] next: Option<String>,
) -> Result<LeadActivity, AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("leads", "edit")?;
    let mut conn = state.db.read().await?;
    repo::leads::get(&mut conn, member.org_id, member.scope("leads"), lead_id).await?;
    drop(conn);
    let input = ActivityInput {
        lead_id: Some(lead_id.to_string()),
        customer_id: None,
        deal_id: None,
        assigned_to: None,
        ..input
    };
    let activity = crate::api::activities::create(&caller, member, &input).await?;
    ctx::redirect_to(next.as_deref());
    Ok(activity.into())
}

/// A lead's activities, newest first (every one, whoever it is assigned to), each with its
/// title also as `subject`.
#[server(prefix = "/api", endpoint = "leads/activities", input = GetUrl, output = Json)]
pub async fn list_lead_activities(lead_id: i64) -> Result<Vec<LeadActivity>, AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("leads", "view")?;
    let mut conn = state.db.read().await?;
    repo::leads::get(&mut conn, member.org_id, member.scope("leads"), lead_id).await?;
    let list = repo::activities::list_for(&mut conn, member.org_id, repo::activities::Link::Lead(lead_id)).await?;
    Ok(list.into_iter().map(Into::into).collect())
}

/// Totals by status and source, conversion rate (converted / all, percent) and average score,
/// within the caller's scope.
#[server(prefix = "/api", endpoint = "leads/stats", input = GetUrl, output = Json)]
pub async fn get_lead_stats() -> Result<LeadStats, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("leads", "view")?;
    let mut conn = state.db.read().await?;
    crate::server::repo::leads::stats(&mut conn, member.org_id, member.scope("leads")).await
}

/// Qualify or disqualify (which needs a reason): only leads the caller may edit, never a
/// converted one (409).
#[cfg(feature = "ssr")]
async fn set_status(
    id: i64,
    status: crate::domain::lead::LeadStatus,
    reason: Option<String>,
    next: Option<String>,
) -> Result<Lead, AppError> {
    use crate::api::ctx;
    use crate::domain::lead::LeadStatus;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("leads", "edit")?;
    let reason = match status {
        LeadStatus::Unqualified => Some(crate::domain::lead::validate_disqualify_reason(reason.as_deref())?),
        _ => None,
    };
    let mut tx = state.db.write().await?;
    repo::leads::get(&mut tx, member.org_id, member.scope("leads"), id).await?;
    repo::leads::set_status(&mut tx, member.org_id, id, caller.user_id, status, reason.as_deref()).await?;
    let lead = repo::leads::get(&mut tx, member.org_id, crate::server::auth::caller::Scope::All, id).await?;
    crate::server::jobs::webhooks::emit(&mut tx, member.org_id, "lead.updated", id, &lead).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(lead)
}

#[cfg(feature = "ssr")]
include!(concat!(env!("OUT_DIR"), "/openapi/leads.rs"));
