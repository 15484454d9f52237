//! Writing an email to the customer, lead or deal of a page (part of its timeline): to its
//! address by default, optionally from a template (chosen with a plain GET form, `?template=`,
//! so it works without JavaScript; the draft comes back with the variables filled in).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::emails::{draft_email, SendEmail};
use crate::api::templates::list_templates;
use crate::domain::email::EmailInput;
use crate::ui::components::form::FormErrors;
use crate::ui::components::timeline::About;
use crate::ui::components::{ApiForm, Field, FormAction, TextAreaField};
use crate::ui::layout::use_me;

/// The "Send email…" form of a record's timeline (shown to holders of `emails:create`).
#[component]
pub fn EmailComposer(about: About, #[prop(into)] id: Signal<i64>) -> impl IntoView {
    let me = use_me();
    let send = FormAction::<SendEmail>::new();
    let error = send.error();
    let query = use_query_map();
    let template = Memo::new(move |_| query.with(|q| q.get("template")).filter(|t| !t.is_empty()));
    let draft = Resource::new(
        move || (id.get(), template.get()),
        move |(id, template_id)| {
            let mut input = EmailInput { template_id, ..Default::default() };
            let record = Some(id.to_string());
            match about {
                About::Customer => input.customer_id = record,
                About::Lead => input.lead_id = record,
                About::Deal => input.deal_id = record,
            }
            draft_email(input)
        },
    );
    let can_use_templates = me.can("templates", "view");
    let templates = Resource::new(
        || (),
        move |_| async move {
            if can_use_templates {
                list_templates().await.unwrap_or_default()
            } else {
                Vec::new()
            }
        },
    );
    let here = move || format!("{}/{}", about.path(), id.get());
    view! {
        <details class="log-activity" open=move || error.get().is_some() || template.get().is_some()>
            <summary class="button">"Send email…"</summary>
            <Transition fallback=|| view! { <p class="loading">"Preparing the email…"</p> }>
                {move || Suspend::new(async move {
                    let templates = templates.await;
                    let (to, subject, body, problem) = match draft.await {
                        Ok(d) => (d.to.unwrap_or_default(), d.subject, d.body, None),
                        // A template that does not fit this record: say so, start empty.
                        Err(err) => (String::new(), String::new(), String::new(), Some(err.to_string())),
                    };
                    let chosen = template.get_untracked().unwrap_or_default();
                    view! {
                        {(!templates.is_empty()).then(|| view! {
                            <form method="get" class="inline-form template-choice">
                                <label for="email-template">"Template"</label>
                                <select id="email-template" name="template">
                                    <option value="">"None"</option>
                                    {templates.into_iter().map(|t| {
                                        let value = t.id.to_string();
                                        let selected = value == chosen;
                                        view! { <option value=value selected=selected>{t.name}</option> }
                                    }).collect_view()}
                                </select>
                                <button type="submit" class="button small">"Use template"</button>
                            </form>
                        })}
                        {problem.map(|p| view! { <p class="field-error">{p}</p> })}
                        <ApiForm action=send>
                            <input type="hidden" name=about.field() value=move || id.get() />
                            <input type="hidden" name="next" value=here />
                            <FormErrors error />
                            <div class="form-grid">
                                <Field label="To" name="to" id="email-to" kind="email" value=to required=true error />
                                <Field label="Cc (comma-separated)" name="cc" id="email-cc" error />
                                <Field label="Subject" name="subject" id="email-subject" value=subject required=true error />
                                <TextAreaField label="Message" name="body" id="email-body" value=body rows=8 required=true error />
                            </div>
                            <p class="muted small">
                                "Plain text: a blank line starts a paragraph, **bold**, *italic*, and web addresses become links. "
                                "Replies come to your address."
                            </p>
                            <button type="submit" class="button primary">"Send email"</button>
                        </ApiForm>
                    }
                })}
            </Transition>
        </details>
    }
}
