//! `/api/templates/*`: the organization's email templates. A subject and body may use the
//! variables of `domain::email::VARIABLES` (`{{customer.name}}`, `{{deal.title}}`,
//! `{{user.first_name}}`, …); an unknown one is a 422 when the template is saved. Try one
//! against a record with `emails/draft?template_id=…&customer_id=…`. Reading needs
//! `templates:view`; writing `templates:create`, `:edit`, `:delete`.

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, PostUrl};

use crate::domain::email::EmailTemplate;
use crate::error::AppError;

/// The organization's templates, by name.
#[server(prefix = "/api", endpoint = "templates/list", input = GetUrl, output = Json)]
pub async fn list_templates() -> Result<Vec<EmailTemplate>, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("templates", "view")?;
    let mut conn = state.db.read().await?;
    crate::server::repo::templates::list(&mut conn, member.org_id).await
}

#[server(prefix = "/api", endpoint = "templates/get", input = GetUrl, output = Json)]
pub async fn get_template(id: i64) -> Result<EmailTemplate, AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("templates", "view")?;
    let mut conn = state.db.read().await?;
    crate::server::repo::templates::get(&mut conn, member.org_id, id).await
}

/// Saves a new template: `name` (unique in the organization), `subject`, `body`.
#[server(prefix = "/api", endpoint = "templates/create", input = PostUrl, output = Json)]
pub async fn create_template(
    #[server(default)] name: Option<String>,
    #[server(default)] subject: Option<String>,
    #[server(default)] body: Option<String>,
    #[server(default)] next: Option<String>,
) -> Result<EmailTemplate, AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("templates", "create")?;
    let (name, subject, body) = checked(name, subject, body)?;
    let mut tx = state.db.write().await?;
    let id = repo::templates::create(&mut tx, member.org_id, caller.user_id, &name, &subject, &body).await?;
    let template = repo::templates::get(&mut tx, member.org_id, id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref().map(|n| n.replace("{id}", &id.to_string())).as_deref());
    Ok(template)
}

/// Rewrites a template (every field is sent); with `version`, a stale update answers 409.
#[server(prefix = "/api", endpoint = "templates/update", input = PostUrl, output = Json)]
pub async fn update_template(
    id: i64,
    #[server(default)] name: Option<String>,
    #[server(default)] subject: Option<String>,
    #[server(default)] body: Option<String>,
    #[server(default)] version: Option<i64>,
    #[server(default)] next: Option<String>,
) -> Result<EmailTemplate, AppError> {
    use crate::api::ctx;
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("templates", "edit")?;
    let (name, subject, body) = checked(name, subject, body)?;
    let mut tx = state.db.write().await?;
    repo::templates::get(&mut tx, member.org_id, id).await?;
    repo::templates::update(&mut tx, member.org_id, id, (&name, &subject, &body), version).await?;
    let template = repo::templates::get(&mut tx, member.org_id, id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(template)
}

#[server(prefix = "/api", endpoint = "templates/delete", input = PostUrl, output = Json)]
pub async fn delete_template(id: i64, #[server(default)] next: Option<String>) -> Result<(), AppError> {
    use crate::api::ctx;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let member = caller.require("templates", "delete")?;
    let mut tx = state.db.write().await?;
    crate::server::repo::templates::delete(&mut tx, member.org_id, id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(())
}

/// A template's fields, each checked: required, within length, one-line subject, known
/// variables only.
#[cfg(feature = "ssr")]
fn checked(
    name: Option<String>,
    subject: Option<String>,
    body: Option<String>,
) -> Result<(String, String, String), AppError> {
    use crate::domain::email::{check_variables, BODY_MAX, SUBJECT_MAX};
    let mut c = crate::domain::validate::Check::new();
    let name = c.required("name", name.as_deref(), 100);
    let subject = c.required("subject", subject.as_deref(), SUBJECT_MAX);
    let body = c.required("body", body.as_deref(), BODY_MAX);
    c.one_line("subject", &subject);
    check_variables(&mut c, "subject", &subject);
    check_variables(&mut c, "body", &body);
    c.finish((name, subject, body))
}

#[cfg(feature = "ssr")]
include!(concat!(env!("OUT_DIR"), "/openapi/templates.rs"));
