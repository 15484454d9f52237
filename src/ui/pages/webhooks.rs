//! `/settings/webhooks`: the organization's webhook subscriptions and a form for a new one;
//! `/settings/webhooks/{id}`: one subscription, its secret, its delivery log, "Send a test
//! event", and why it was turned off when the app did that.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::webhooks::{
    get_webhook, list_webhook_deliveries, list_webhooks, CreateWebhook, DeleteWebhook, TestWebhook, UpdateWebhook,
    DELIVERIES_PER_PAGE,
};
use crate::domain::list::ListParams;
use crate::domain::mail::JobState;
use crate::domain::webhook::{DeliveryLog, Webhook, EVENTS};
use crate::error::AppError;
use crate::ui::components::form::{problem, FormErrors};
use crate::ui::components::pagination::Pagination;
use crate::ui::components::record::DeleteMenu;
use crate::ui::components::timeline::mail_class;
use crate::ui::components::{time, ApiForm, ErrorBox, Field, FormAction};
use crate::ui::layout::use_me;

/// "Active", or "Off" with a red badge.
fn state_badge(w: &Webhook) -> impl IntoView {
    if w.active {
        view! { <span class="badge badge-green">"Active"</span> }
    } else {
        view! { <span class="badge badge-red">"Off"</span> }
    }
}

#[component]
pub fn WebhookListPage() -> impl IntoView {
    let me = use_me();
    let create = FormAction::<CreateWebhook>::new();
    let error = create.error();
    let webhooks = Resource::new(|| (), |_| list_webhooks());
    view! {
        <Title text="Webhooks" />
        <div class="page-header">
            <h1>"Webhooks"</h1>
            <p class="muted">
                "Tell other systems what happens here: each event is posted to the URLs subscribed to it, "
                "signed with the subscription's secret (docs/api.md, \"Webhooks\", says how to check it)."
            </p>
        </div>
        <Transition fallback=|| view! { <p class="loading">"Loading webhooks…"</p> }>
            {move || Suspend::new(async move {
                match webhooks.await {
                    Ok(list) if list.is_empty() => view! { <div class="card empty">"No webhooks yet."</div> }.into_any(),
                    Ok(list) => view! {
                        <div class="card">
                            <ul class="plain-list">
                                {list.into_iter().map(|w| {
                                    let events = format!(" · {} event(s)", w.events.len());
                                    view! {
                                        <li>
                                            {state_badge(&w)}" "
                                            <A href=format!("/settings/webhooks/{}", w.id)><strong>{w.url.clone()}</strong></A>
                                            <span class="muted small">{events}{w.description.clone().map(|d| format!(" · {d}"))}</span>
                                            {w.disabled_reason.clone().map(|r| view! { <p class="field-error">{r}</p> })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </div>
                    }.into_any(),
                    Err(err) => view! { <ErrorBox err /> }.into_any(),
                }
            })}
        </Transition>
        {me.can("webhooks", "create").then(|| view! {
            <section class="card">
                <h2>"New webhook"</h2>
                <ApiForm action=create>
                    <input type="hidden" name="next" value="/settings/webhooks/{id}" />
                    <FormErrors error />
                    <WebhookFields webhook=None error />
                    <button type="submit" class="button primary">"Save webhook"</button>
                </ApiForm>
            </section>
        })}
    }
}

#[component]
pub fn WebhookDetailPage() -> impl IntoView {
    let me = use_me();
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0)));
    let page = Memo::new(move |_| query.with(|q| q.get("page")));
    let update = FormAction::<UpdateWebhook>::new();
    let delete = FormAction::<DeleteWebhook>::new();
    let test = FormAction::<TestWebhook>::new();
    let (update_error, delete_error, test_error) = (update.error(), delete.error(), test.error());
    let webhook = Resource::new(move || id.get(), get_webhook);
    let log = Resource::new(move || (id.get(), page.get()), |(id, page)| list_webhook_deliveries(id, page));
    let (can_edit, can_delete) = (me.can("webhooks", "edit"), me.can("webhooks", "delete"));
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading the webhook…"</p> }>
            {move || Suspend::new(async move {
                match webhook.await {
                    Ok(w) => {
                        let here = format!("/settings/webhooks/{}", w.id);
                        let (after_test, after_on) = (here.clone(), here.clone());
                        view! {
                            <Title text=format!("Webhook {}", w.url) />
                            <div class="page-header">
                                <div>
                                    <A href="/settings/webhooks">"← All webhooks"</A>
                                    <h1 class="wrap-anywhere">{w.url.clone()}</h1>
                                    <p class="muted small">{state_badge(&w)}
                                        {format!(" · made {} · changed {}", time::date_time(w.created_at), time::date_time(w.updated_at))}
                                        {w.description.clone().map(|d| format!(" · {d}"))}</p>
                                </div>
                                <div class="actions">
                                    {(can_edit && w.active).then(|| view! {
                                        <ApiForm action=test>
                                            <input type="hidden" name="id" value=w.id />
                                            <input type="hidden" name="next" value=after_test />
                                            <button type="submit" class="button">"Send a test event"</button>
                                        </ApiForm>
                                    })}
                                    {can_delete.then(|| view! {
                                        <DeleteMenu action=delete id=w.id next="/settings/webhooks" question="Delete this webhook? Events not delivered yet are dropped." />
                                    })}
                                </div>
                            </div>
                            <FormErrors error=delete_error />
                            <FormErrors error=test_error />
                            {w.disabled_reason.clone().map(|reason| view! {
                                <section class="card" role="alert">
                                    <h2>"Turned off"</h2>
                                    <p class="field-error">{reason}</p>
                                    <p>"No events are queued for it until it is turned on again. Check that the URL answers 2xx within 10 seconds."</p>
                                    {can_edit.then(|| view! {
                                        <ApiForm action=update>
                                            <input type="hidden" name="id" value=w.id />
                                            <input type="hidden" name="active" value="true" />
                                            <input type="hidden" name="next" value=after_on />
                                            <button type="submit" class="button primary">"Turn on again"</button>
                                        </ApiForm>
                                    })}
                                </section>
                            })}
                            <section class="card">
                                <h2>"Secret"</h2>
                                <p class="muted">"Each delivery carries X-TGC-Signature: t=<time>,v1=<HMAC-SHA256 of \"<time>.<body>\" with this secret>."</p>
                                <p><code class="wrap-anywhere">{w.secret.clone()}</code></p>
                            </section>
                            {can_edit.then(|| view! {
                                <section class="card">
                                    <h2>"Edit"</h2>
                                    <ApiForm action=update>
                                        <input type="hidden" name="id" value=w.id />
                                        <input type="hidden" name="version" value=w.version />
                                        <input type="hidden" name="next" value=here />
                                        <FormErrors error=update_error />
                                        <WebhookFields webhook=Some(w.clone()) error=update_error />
                                        <button type="submit" class="button primary">"Save changes"</button>
                                    </ApiForm>
                                </section>
                            })}
                        }.into_any()
                    }
                    Err(err) => view! { <ErrorBox err /> }.into_any(),
                }
            })}
        </Transition>
        <section class="card">
            <h2>"Deliveries"</h2>
            <Transition fallback=|| view! { <p class="loading">"Loading deliveries…"</p> }>
                {move || Suspend::new(async move {
                    match log.await {
                        Ok(p) if p.results.is_empty() => view! { <p class="muted">"Nothing sent yet."</p> }.into_any(),
                        Ok(p) => {
                            let params = ListParams { page: p.page, page_size: DELIVERIES_PER_PAGE, order_by: "id", descending: true };
                            let page_count = params.page_count(p.count);
                            view! {
                                <table class="table">
                                    <thead><tr>
                                        <th>"Event"</th><th>"State"</th><th>"Attempts"</th><th>"Answer"</th><th>"When"</th>
                                    </tr></thead>
                                    <tbody>
                                        {p.results.into_iter().map(|d| view! { <DeliveryRow d /> }).collect_view()}
                                    </tbody>
                                </table>
                                <Pagination page=p.page page_count count=p.count />
                            }.into_any()
                        }
                        Err(err) => view! { <ErrorBox err /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn DeliveryRow(d: DeliveryLog) -> impl IntoView {
    let when = match d.state {
        JobState::Queued if d.attempts > 0 => format!("next try {}", time::date_time(d.at)),
        JobState::Queued | JobState::Sending => format!("queued {}", time::date_time(d.created_at)),
        JobState::Sent | JobState::Failed => time::date_time(d.at),
    };
    let answer = match (d.status_code, &d.last_error) {
        (Some(code), _) if d.state == JobState::Sent => code.to_string(),
        (_, Some(error)) => error.clone(),
        (Some(code), None) => code.to_string(),
        (None, None) => String::new(),
    };
    view! {
        <tr>
            <td><strong>{d.event_type.clone()}</strong><br /><span class="muted small" title=d.event_id.clone()>{d.event_id.clone()}</span></td>
            <td><span class=mail_class(d.state)>{d.state.label()}</span></td>
            <td>{d.attempts}</td>
            <td class="wrap-anywhere">{answer}</td>
            <td>{when}</td>
        </tr>
    }
}

/// URL, description and the events (checkboxes, grouped by kind of record); empty for a new one.
#[component]
fn WebhookFields(webhook: Option<Webhook>, error: Signal<Option<AppError>>) -> impl IntoView {
    let (url, description, chosen) =
        webhook.map(|w| (w.url, w.description.unwrap_or_default(), w.events)).unwrap_or_default();
    let problem = problem(error, "events");
    let mut kinds: Vec<&str> = Vec::new();
    for event in EVENTS.iter().filter(|e| **e != "webhook.test") {
        let kind = event.split('.').next().unwrap_or(event);
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    let mut index = 0;
    view! {
        <div class="form-grid">
            <Field label="URL" name="url" kind="url" value=url required=true placeholder="https://example.com/hooks/crm" error />
            <Field label="Description" name="description" value=description error />
        </div>
        <fieldset class="webhook-events" aria-describedby="f-events-error">
            <legend>"Events"</legend>
            // Sent even when no box is ticked, so that "none" is refused rather than ignored.
            <input type="hidden" name="events[0]" value="" />
            {kinds.into_iter().map(|kind| {
                let boxes = EVENTS.iter().filter(|e| e.split('.').next() == Some(kind)).map(|event| {
                    index += 1;
                    let checked = chosen.iter().any(|c| c == event);
                    view! {
                        <label class="checkbox">
                            <input type="checkbox" name=format!("events[{index}]") value=*event checked=checked />
                            {*event}
                        </label>
                    }
                }).collect_view();
                view! { <div class="webhook-event-group">{boxes}</div> }
            }).collect_view()}
            <p class="field-error" id="f-events-error">{move || problem.get()}</p>
        </fieldset>
    }
}
