//! The activity timeline of a customer, lead or deal: its activities newest first, with a
//! small "log activity" form. Creates its own resources, so place it at the top level of a
//! page (never inside a `Suspense`/`Transition` child).

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::activities::{list_activities, CompleteActivity, CreateActivity};
use crate::domain::activity::{Activity, ActivityQuery, ActivityStatus, ActivityType};
use crate::domain::mail::JobState;
use crate::ui::components::email::EmailComposer;
use crate::ui::components::form::FormErrors;
use crate::ui::components::{time, ApiForm, Field, FormAction, SelectField, TextAreaField};
use crate::ui::layout::use_me;

/// The kind of record a timeline belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum About {
    Customer,
    Lead,
    Deal,
}

impl About {
    /// The activity field linking to such a record.
    pub fn field(self) -> &'static str {
        match self {
            About::Customer => "customer_id",
            About::Lead => "lead_id",
            About::Deal => "deal_id",
        }
    }

    pub fn path(self) -> &'static str {
        match self {
            About::Customer => "/customers",
            About::Lead => "/leads",
            About::Deal => "/deals",
        }
    }
}

/// How many activities a timeline shows (the rest are one link away).
const SHOWN: i64 = 50;

/// CSS class of an activity's status badge.
pub fn status_class(status: ActivityStatus) -> &'static str {
    match status {
        ActivityStatus::Completed => "badge badge-green",
        ActivityStatus::Scheduled => "badge badge-blue",
        ActivityStatus::InProgress => "badge badge-amber",
        ActivityStatus::Cancelled => "badge badge-grey",
    }
}

/// CSS class of a mail's delivery badge (the timeline, the outbox).
pub fn mail_class(state: JobState) -> &'static str {
    match state {
        JobState::Sent => "badge badge-green",
        JobState::Queued | JobState::Sending => "badge badge-amber",
        JobState::Failed => "badge badge-red",
    }
}

/// The type-specific details of an activity worth showing, as `(label, text)`.
pub fn details(a: &Activity) -> Vec<(&'static str, String)> {
    let f = &a.fields;
    let mut out: Vec<(&'static str, Option<String>)> =
        vec![("Duration", f.duration_minutes.map(|m| format!("{m} min")))];
    match f.activity_type {
        ActivityType::Call => {
            out.push(("Phone", f.phone_number.clone()));
            out.push(("Outcome", f.outcome.map(|o| o.label().to_owned())));
            out.push(("Recording", f.recording_url.clone()));
        }
        ActivityType::Email => {
            out.push(("Subject", f.email_subject.clone()));
            out.push(("To", (!f.recipients.is_empty()).then(|| f.recipients.join(", "))));
        }
        ActivityType::Telegram => {
            out.push(("Username", f.telegram_username.as_ref().map(|u| format!("@{u}"))));
            out.push(("Chat id", f.telegram_chat_id.map(|c| c.to_string())));
        }
        ActivityType::Meeting => {
            out.push(("Location", f.location.clone()));
            out.push(("Link", f.meeting_url.clone()));
            out.push(("Attendees", (!f.attendees.is_empty()).then(|| f.attendees.join(", "))));
        }
        ActivityType::Task => {
            out.push(("Priority", f.priority.map(|p| p.label().to_owned())));
            out.push(("Due", f.due_date.map(|d| d.to_string())));
        }
        ActivityType::Note => out.push(("Pinned", f.is_pinned.then(|| "yes".to_owned()))),
    }
    out.into_iter().filter_map(|(label, v)| v.map(|v| (label, v))).collect()
}

/// One activity as a timeline entry (also used by the activity lists of the dashboard).
#[component]
pub fn TimelineEntry(a: Activity, complete: Option<FormAction<CompleteActivity>>) -> impl IntoView {
    let who = a.assigned_to_name.clone().or(a.created_by_name.clone());
    let when = a.fields.scheduled_at.unwrap_or(a.created_at);
    let info = details(&a);
    let open = a.fields.status.is_open();
    let id = a.id;
    view! {
        <li class:pinned=a.fields.is_pinned>
            <p class="timeline-meta">
                <span aria-hidden="true">{a.fields.activity_type.icon()}</span>
                " " <strong>{a.fields.activity_type.label()}</strong>
                " · " <span class=status_class(a.fields.status)>{a.fields.status.label()}</span>
                {a.mail_state.map(|state| view! {
                    " · " <span class=mail_class(state) title="Delivery of this email">{format!("Email {}", state.label().to_lowercase())}</span>
                })}
                " · " {who.unwrap_or_else(|| "Someone".into())}
                " · " <time datetime=when.to_rfc3339()>{time::date_time(when)}</time>
                {a.completed_at.filter(|_| a.fields.status == ActivityStatus::Completed).map(|t| view! {
                    " · done " <time datetime=t.to_rfc3339()>{time::date_time(t)}</time>
                })}
            </p>
            <p class="note-body"><A href=format!("/activities/{}", a.id)><strong>{a.fields.title.clone()}</strong></A></p>
            {a.fields.description.clone().map(|d| view! { <p class="note-body">{d}</p> })}
            {a.mail_error.clone().filter(|_| a.mail_state != Some(JobState::Sent)).map(|error| {
                let what = if a.mail_state == Some(JobState::Failed) { "Not delivered: " } else { "Retrying; the mail server said: " };
                view! { <p class="field-error">{format!("{what}{error}")}</p> }
            })}
            {(!info.is_empty()).then(|| view! {
                <p class="timeline-details">
                    {info.into_iter().map(|(label, text)| view! { <span>{label} ": " {text}</span> " " }).collect_view()}
                </p>
            })}
            {complete.filter(|_| open).map(|complete| view! {
                <ApiForm action=complete attr:class="inline-form">
                    <input type="hidden" name="id" value=id />
                    <button type="submit" class="button small">"Mark done"</button>
                </ApiForm>
            })}
        </li>
    }
}

/// The activities of one record, newest first, and a form to log one.
#[component]
pub fn Timeline(about: About, #[prop(into)] id: Signal<i64>) -> impl IntoView {
    let me = use_me();
    if !me.can("activities", "view") {
        return ().into_any();
    }
    let can_create = me.can("activities", "create");
    let can_edit = me.can("activities", "edit");
    let create = FormAction::<CreateActivity>::new();
    let complete = FormAction::<CompleteActivity>::new();
    let activities = Resource::new(
        move || id.get(),
        move |id| {
            let id = Some(id.to_string());
            let mut q = ActivityQuery { page_size: Some(SHOWN.to_string()), ..Default::default() };
            match about {
                About::Customer => q.customer_id = id,
                About::Lead => q.lead_id = id,
                About::Deal => q.deal_id = id,
            }
            list_activities(q)
        },
    );
    let error = create.error();
    let here = move || format!("{}/{}", about.path(), id.get());
    view! {
        <section class="card notes" aria-label="Activity timeline">
            <h2>"Activities"</h2>
            {can_create.then(|| view! {
                <details class="log-activity" open=move || error.get().is_some()>
                    <summary class="button">"Log activity…"</summary>
                    <ApiForm action=create>
                        <input type="hidden" name=about.field() value=move || id.get() />
                        <input type="hidden" name="next" value=here />
                        <FormErrors error />
                        <div class="form-grid">
                            <SelectField label="Type" name="activity_type" value="call".to_owned()
                                options=ActivityType::options(ActivityType::ALL) error />
                            // Own ids: the deal page's edit form has a title and a description too.
                            <Field label="Title" name="title" id="log-title" required=true error />
                            <Field label="When (UTC; empty if it just happened)" name="scheduled_at" id="log-scheduled-at"
                                kind="datetime-local" error />
                            <Field label="Duration (minutes)" name="duration_minutes" id="log-duration" kind="number" error />
                            <TextAreaField label="Description" name="description" id="log-description" rows=3 error />
                        </div>
                        <button type="submit" class="button primary">"Log activity"</button>
                    </ApiForm>
                </details>
            })}
            {me.can("emails", "create").then(|| view! { <EmailComposer about id /> })}
            <Transition fallback=|| view! { <p class="loading">"Loading activities…"</p> }>
                {move || Suspend::new(async move {
                    match activities.await {
                        Ok(page) if page.results.is_empty() => view! { <p class="muted">"No activities yet."</p> }.into_any(),
                        Ok(page) => {
                            let more = (page.count > SHOWN).then(|| {
                                let href = format!("/activities?{}={}", about.field(), id.get_untracked());
                                view! { <p><A href=href>{format!("All {} activities", page.count)}</A></p> }
                            });
                            view! {
                                <ol class="timeline">
                                    {page.results.into_iter().map(|a| {
                                        view! { <TimelineEntry a complete=can_edit.then_some(complete) /> }
                                    }).collect_view()}
                                </ol>
                                {more}
                            }.into_any()
                        }
                        Err(_) => ().into_any(),
                    }
                })}
            </Transition>
        </section>
    }
    .into_any()
}
