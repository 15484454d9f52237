//! `/api/emails/*`: email written to a customer, lead or deal from its page. It goes through
//! the outbox (the job queue) and is logged as an `email` activity on the record's timeline,
//! whose `mail_state` follows its delivery (queued, sending, sent, failed with the reason in
//! `mail_error`). Replies go to the sender (`Reply-To`). Needs `emails:create` and sight of
//! the record; starting from a template needs `templates:view`.

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, PostUrl};

use crate::domain::activity::Activity;
use crate::domain::email::{EmailDraft, EmailInput};
use crate::error::AppError;

/// The email as it would be sent, without sending it: the record's address as `to` unless
/// another is given, a template's subject and body unless others are given, every variable
/// filled from the record. A variable the record has no value for is a 422 on its field.
#[server(prefix = "/api", endpoint = "emails/draft", input = GetUrl, output = Json)]
pub async fn draft_email(#[server(flatten)] input: EmailInput) -> Result<EmailDraft, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("emails", "create")?;
    let mut conn = state.db.read().await?;
    Ok(prepare(&mut conn, &caller, member, &input).await?.draft)
}

/// Sends an email about one record (`customer_id`, `lead_id` or `deal_id`): `to` (default: the
/// record's address), `cc` (comma-separated), `subject` and `body` (plain text; blank lines
/// part paragraphs, `**bold**`, `*italic*`, addresses become links), or `template_id` for
/// what is not sent. Answers the `email` activity that logs it.
#[server(prefix = "/api", endpoint = "emails/send", input = PostUrl, output = Json)]
pub async fn send_email(
    #[server(flatten)] input: EmailInput,
    #[server(default)] next: Option<String>,
) -> Result<Activity, AppError> {
    use crate::api::ctx;
    use crate::domain::activity::{ActivityFields, ActivityStatus, ActivityType};
    use crate::domain::mail::Mail;
    use crate::server::auth::caller::Scope;
    use crate::server::{jobs, repo};
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("emails", "create")?;
    let mut tx = state.db.write().await?;
    let Prepared { draft, about, sender } = prepare(&mut tx, &caller, member, &input).await?;
    let mut c = crate::domain::validate::Check::new();
    if draft.to.is_none() {
        c.add("to", "is required: this record has no email address");
    }
    if draft.subject.trim().is_empty() {
        c.add("subject", "is required");
    }
    if draft.body.trim().is_empty() {
        c.add("body", "is required");
    }
    c.finish(())?;
    let to = draft.to.unwrap_or_default();
    let mut mail = Mail::written(&to, Some(&about.name), &draft.subject, &draft.body, &draft.html);
    mail.cc = draft.cc.clone();
    mail.reply_to = Some(sender);
    // Checked here (a line break in the subject is a 422), before anything is written.
    let job = jobs::queue_mail(&mut tx, &state.config, Some(member.org_id), mail).await?;
    let fields = ActivityFields {
        activity_type: ActivityType::Email,
        title: draft.subject.clone(),
        status: ActivityStatus::Completed,
        customer_id: about.customer_id,
        lead_id: about.lead_id,
        deal_id: about.deal_id,
        assigned_to: member.employee_id,
        email_subject: Some(draft.subject),
        email_body: Some(draft.body),
        recipients: std::iter::once(to).chain(draft.cc).collect(),
        ..ActivityFields::default()
    };
    let id = repo::activities::create(&mut tx, member.org_id, caller.user_id, &fields, Some(repo::now())).await?;
    repo::activities::set_mail_job(&mut tx, member.org_id, id, job).await?;
    let activity = repo::activities::get(&mut tx, member.org_id, Scope::All, id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(activity)
}

/// The record an email is about: its links for the activity, its name and address.
#[cfg(feature = "ssr")]
struct About {
    customer_id: Option<i64>,
    lead_id: Option<i64>,
    deal_id: Option<i64>,
    name: String,
    email: Option<String>,
}

#[cfg(feature = "ssr")]
struct Prepared {
    draft: EmailDraft,
    about: About,
    /// The sender's address, for `Reply-To`.
    sender: String,
}

/// Validates `input`, finds the record (within the caller's scope) and the template, and
/// fills the variables.
#[cfg(feature = "ssr")]
async fn prepare(
    conn: &mut crate::server::db::Conn,
    caller: &crate::server::auth::Caller,
    member: &crate::server::auth::caller::Member,
    input: &EmailInput,
) -> Result<Prepared, AppError> {
    use crate::domain::email::{self, Values, BODY_MAX, SUBJECT_MAX};
    use crate::domain::{money, validate::Check};
    use crate::server::auth::caller::Scope;
    use crate::server::repo;
    let org_id = member.org_id;
    let mut c = Check::new();
    let customer_id = c.id("customer_id", input.customer_id.as_deref());
    let lead_id = c.id("lead_id", input.lead_id.as_deref());
    let deal_id = c.id("deal_id", input.deal_id.as_deref());
    let template_id = c.id("template_id", input.template_id.as_deref());
    let to = c.email("to", input.to.as_deref());
    let cc = recipients(&mut c, "cc", input.cc.as_deref());
    let subject = c.optional("subject", input.subject.as_deref(), SUBJECT_MAX);
    let body = c.optional("body", input.body.as_deref(), BODY_MAX);
    if [customer_id, lead_id, deal_id].iter().flatten().count() != 1 {
        c.add("customer_id", "give exactly one of customer_id, lead_id and deal_id: the record the email is about");
    }
    c.finish(())?;

    let template = match template_id {
        Some(id) => {
            caller.require("templates", "view")?;
            match repo::templates::get(conn, org_id, id).await {
                Err(AppError::NotFound) => {
                    return Err(AppError::field("template_id", "is not a template of this organization"))
                }
                other => Some(other?),
            }
        }
        None => None,
    };
    let subject = subject.or_else(|| template.as_ref().map(|t| t.subject.clone())).unwrap_or_default();
    let body = body.or_else(|| template.as_ref().map(|t| t.body.clone())).unwrap_or_default();

    let user = repo::users::get(conn, caller.user_id).await?;
    let organization = repo::organizations::get(conn, org_id).await?;
    let mut values = Values::from([
        ("user.name", format!("{} {}", user.first_name, user.last_name).trim().to_owned()),
        ("user.first_name", user.first_name.clone()),
        ("user.last_name", user.last_name.clone()),
        ("user.email", user.email.clone()),
        ("user.phone", user.phone.clone().unwrap_or_default()),
        ("organization.name", organization.name),
    ]);
    let mut about = About { customer_id, lead_id, deal_id, name: String::new(), email: None };
    let customer = match (customer_id, deal_id) {
        (Some(id), _) => Some(
            repo::customers::get(conn, org_id, member.scope("customers"), id)
                .await
                .map_err(not_found("customer_id", "customer"))?,
        ),
        (None, Some(id)) => {
            let deal = repo::deals::get(conn, org_id, member.scope("deals"), id)
                .await
                .map_err(not_found("deal_id", "deal"))?;
            values.extend([
                ("deal.title", deal.fields.title.clone()),
                ("deal.value", money::format(deal.fields.value, &deal.currency)),
                ("deal.stage", deal.stage_name.clone()),
                (
                    "deal.expected_close_date",
                    deal.fields.expected_close_date.map(|d| d.to_string()).unwrap_or_default(),
                ),
            ]);
            about.name = deal.fields.title.clone();
            about.customer_id = deal.fields.customer_id;
            // The deal's customer is the one written to (seen through the deal).
            match deal.fields.customer_id {
                Some(customer) => Some(repo::customers::get(conn, org_id, Scope::All, customer).await?),
                None => None,
            }
        }
        (None, None) => None,
    };
    if let Some(customer) = customer {
        let f = &customer.fields;
        values.extend([
            ("customer.name", f.name.clone()),
            ("customer.email", f.email.clone().unwrap_or_default()),
            ("customer.phone", f.phone.clone().unwrap_or_default()),
            ("customer.company", f.company_name.clone().unwrap_or_default()),
            ("customer.city", f.city.clone().unwrap_or_default()),
        ]);
        about.name = f.name.clone();
        about.email = f.email.clone();
    }
    if let Some(id) = lead_id {
        let lead =
            repo::leads::get(conn, org_id, member.scope("leads"), id).await.map_err(not_found("lead_id", "lead"))?;
        let f = &lead.fields;
        values.extend([
            ("lead.name", f.full_name()),
            ("lead.first_name", f.first_name.clone()),
            ("lead.last_name", f.last_name.clone()),
            ("lead.email", f.email.clone().unwrap_or_default()),
            ("lead.company", f.company.clone().unwrap_or_default()),
            ("lead.job_title", f.job_title.clone().unwrap_or_default()),
        ]);
        about.name = f.full_name();
        about.email = f.email.clone();
    }

    let mut c = Check::new();
    let mut fill = |field: &str, text: &str| {
        email::render(text, &values).unwrap_or_else(|problem| {
            c.add(field, problem);
            String::new()
        })
    };
    let subject = fill("subject", &subject);
    let body = fill("body", &body);
    c.finish(())?;
    let html = email::format_html(&body);
    Ok(Prepared {
        draft: EmailDraft { to: to.or(about.email.clone()), cc, subject, body, html },
        about,
        sender: user.email,
    })
}

/// Maps "not found" (or not visible: they read the same) to a 422 on `field`.
#[cfg(feature = "ssr")]
fn not_found(field: &'static str, what: &'static str) -> impl Fn(AppError) -> AppError {
    move |err| match err {
        AppError::NotFound => AppError::field(field, format!("is not a {what} of this organization")),
        other => other,
    }
}

/// A comma-, semicolon- or space-separated list of addresses (at most 20), lower-cased.
#[cfg(feature = "ssr")]
fn recipients(c: &mut crate::domain::validate::Check, field: &str, value: Option<&str>) -> Vec<String> {
    use crate::domain::validate::is_valid_email;
    let list: Vec<String> = value
        .unwrap_or_default()
        .split([',', ';', ' ', '\n', '\r', '\t'])
        .filter(|a| !a.is_empty())
        .map(str::to_lowercase)
        .collect();
    if let Some(bad) = list.iter().find(|a| !is_valid_email(a)) {
        let shown: String = bad.chars().take(80).collect();
        c.add(field, format!("{shown:?} is not a valid email address"));
    } else if list.len() > 20 {
        c.add(field, "may hold at most 20 addresses");
    }
    list
}

#[cfg(feature = "ssr")]
include!(concat!(env!("OUT_DIR"), "/openapi/emails.rs"));
