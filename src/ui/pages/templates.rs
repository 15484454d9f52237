//! `/settings/templates`: the organization's email templates (a list and a form for a new
//! one) and `/settings/templates/{id}`: one template, its edit form, and a preview against a
//! chosen customer, lead or deal.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::emails::draft_email;
use crate::api::templates::{get_template, list_templates, CreateTemplate, DeleteTemplate, UpdateTemplate};
use crate::domain::email::{EmailInput, EmailTemplate, VARIABLES};
use crate::ui::components::form::FormErrors;
use crate::ui::components::record::DeleteMenu;
use crate::ui::components::{time, ApiForm, ErrorBox, Field, FormAction, TextAreaField};
use crate::ui::layout::use_me;

#[component]
pub fn TemplateListPage() -> impl IntoView {
    let me = use_me();
    let create = FormAction::<CreateTemplate>::new();
    let error = create.error();
    let templates = Resource::new(|| (), |_| list_templates());
    view! {
        <Title text="Email templates" />
        <div class="page-header">
            <h1>"Email templates"</h1>
            <p class="muted">"Start an email on a customer, lead or deal page from one of these."</p>
        </div>
        <Transition fallback=|| view! { <p class="loading">"Loading templates…"</p> }>
            {move || Suspend::new(async move {
                match templates.await {
                    Ok(list) if list.is_empty() => view! { <div class="card empty">"No templates yet."</div> }.into_any(),
                    Ok(list) => view! {
                        <div class="card">
                            <ul class="plain-list">
                                {list.into_iter().map(|t| view! {
                                    <li>
                                        <A href=format!("/settings/templates/{}", t.id)><strong>{t.name}</strong></A>
                                        " · " {t.subject}
                                        <span class="muted small">{format!(" · changed {}", time::date_time(t.updated_at))}</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        </div>
                    }.into_any(),
                    Err(err) => view! { <ErrorBox err /> }.into_any(),
                }
            })}
        </Transition>
        {me.can("templates", "create").then(|| view! {
            <section class="card">
                <h2>"New template"</h2>
                <ApiForm action=create>
                    <input type="hidden" name="next" value="/settings/templates/{id}" />
                    <FormErrors error />
                    <TemplateFields template=None error />
                    <button type="submit" class="button primary">"Save template"</button>
                </ApiForm>
            </section>
        })}
        <Variables />
    }
}

#[component]
pub fn TemplateDetailPage() -> impl IntoView {
    let me = use_me();
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0)));
    let update = FormAction::<UpdateTemplate>::new();
    let delete = FormAction::<DeleteTemplate>::new();
    let update_error = update.error();
    let delete_error = delete.error();
    let template = Resource::new(move || id.get(), get_template);
    // The preview: `?record=customer&record_id=12`.
    let record = Memo::new(move |_| query.with(|q| (q.get("record"), q.get("record_id"))));
    let preview = Resource::new(
        move || (id.get(), record.get()),
        |(id, (kind, record_id))| async move {
            let record_id = record_id.filter(|r| !r.is_empty())?;
            let mut input = EmailInput { template_id: Some(id.to_string()), ..Default::default() };
            match kind.as_deref() {
                Some("lead") => input.lead_id = Some(record_id),
                Some("deal") => input.deal_id = Some(record_id),
                _ => input.customer_id = Some(record_id),
            }
            Some(draft_email(input).await)
        },
    );
    let can_edit = me.can("templates", "edit");
    let can_delete = me.can("templates", "delete");
    let can_preview = me.can("emails", "create");
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading the template…"</p> }>
            {move || Suspend::new(async move {
                match template.await {
                    Ok(t) => view! {
                        <Title text=t.name.clone() />
                        <div class="page-header">
                            <div>
                                <A href="/settings/templates">"← All templates"</A>
                                <h1>{t.name.clone()}</h1>
                                <p class="muted small">{format!("Changed {}", time::date_time(t.updated_at))}
                                    {t.created_by_name.clone().map(|n| format!(" · made by {n}"))}</p>
                            </div>
                            {can_delete.then(|| view! {
                                <div class="actions">
                                    <DeleteMenu action=delete id=t.id next="/settings/templates" question="Delete this template? Emails sent from it stay on their timelines." />
                                </div>
                            })}
                        </div>
                        <FormErrors error=delete_error />
                        {if can_edit {
                            view! {
                                <section class="card">
                                    <h2>"Edit"</h2>
                                    <ApiForm action=update>
                                        <input type="hidden" name="id" value=t.id />
                                        <input type="hidden" name="version" value=t.version />
                                        <input type="hidden" name="next" value=format!("/settings/templates/{}", t.id) />
                                        <FormErrors error=update_error />
                                        <TemplateFields template=Some(t.clone()) error=update_error />
                                        <button type="submit" class="button primary">"Save changes"</button>
                                    </ApiForm>
                                </section>
                            }.into_any()
                        } else {
                            view! {
                                <section class="card">
                                    <p><strong>"Subject: "</strong>{t.subject.clone()}</p>
                                    <pre class="mail-text">{t.body.clone()}</pre>
                                </section>
                            }.into_any()
                        }}
                    }.into_any(),
                    Err(err) => view! { <ErrorBox err /> }.into_any(),
                }
            })}
        </Transition>
        {can_preview.then(|| view! {
            <section class="card">
                <h2>"Preview"</h2>
                <form method="get" class="inline-form">
                    <label for="preview-record">"Fill in from"</label>
                    <select id="preview-record" name="record">
                        {["customer", "lead", "deal"].into_iter().map(|kind| {
                            let selected = record.with_untracked(|(k, _)| k.as_deref() == Some(kind));
                            view! { <option value=kind selected=selected>{kind}</option> }
                        }).collect_view()}
                    </select>
                    <label for="preview-record-id">"number"</label>
                    <input id="preview-record-id" name="record_id" type="number" min="1"
                        value=move || record.with(|(_, r)| r.clone().unwrap_or_default()) />
                    <button type="submit" class="button small">"Preview"</button>
                </form>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match preview.await {
                            None => view! { <p class="muted">"Choose a record to see the email as it would be sent to it."</p> }.into_any(),
                            Some(Ok(draft)) => view! {
                                <p><strong>"To: "</strong>{draft.to.unwrap_or_else(|| "(no address on record)".into())}</p>
                                <p><strong>"Subject: "</strong>{draft.subject}</p>
                                <pre class="mail-text">{draft.body}</pre>
                            }.into_any(),
                            Some(Err(err)) => view! { <ErrorBox err /> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
        })}
        <Variables />
    }
}

/// Name, subject and body of a template (empty for a new one).
#[component]
fn TemplateFields(template: Option<EmailTemplate>, error: Signal<Option<crate::error::AppError>>) -> impl IntoView {
    let (name, subject, body) = template.map(|t| (t.name, t.subject, t.body)).unwrap_or_default();
    view! {
        <div class="form-grid">
            <Field label="Name" name="name" value=name required=true error />
            <Field label="Subject" name="subject" value=subject required=true error />
            <TextAreaField label="Body" name="body" value=body rows=10 required=true error />
        </div>
    }
}

/// The variables a template may use.
#[component]
fn Variables() -> impl IntoView {
    view! {
        <section class="card">
            <h2>"Variables"</h2>
            <p class="muted">"Write them in double braces, for example {{customer.name}}; they are filled in when the email is sent."</p>
            <dl class="dl">
                {VARIABLES.iter().map(|(name, meaning)| view! {
                    <div class="dl-row"><dt><code>{format!("{{{{{name}}}}}")}</code></dt><dd>{*meaning}</dd></div>
                }).collect_view()}
            </dl>
        </section>
    }
}
