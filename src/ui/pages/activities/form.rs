//! The activity form (shared by create and edit) and the create page.
//!
//! Every type's fields are in the page; once the app runs, only the chosen type's are shown
//! and sent (the others are disabled). Without JavaScript all are shown, and fields left empty
//! for another type are ignored by the server (filled ones are refused, naming the field).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::datetime_local;
use crate::api::activities::CreateActivity;
use crate::api::employees::employee_choices;
use crate::domain::activity::{ActivityFields, ActivityPriority, ActivityStatus, ActivityType, CallOutcome};
use crate::domain::employee::EmployeeChoice;
use crate::error::AppError;
use crate::ui::components::form::FormErrors;
use crate::ui::components::{use_hydrated, ApiForm, Field, FormAction, SelectField, TextAreaField};

/// The editable fields of an activity. `employees`: the choices for "assigned to" (none: the
/// field is left out and the server assigns the caller).
#[island]
pub fn ActivityFieldset(
    fields: ActivityFields,
    employees: Vec<EmployeeChoice>,
    error: Option<AppError>,
) -> impl IntoView {
    let error = Signal::stored(error);
    let f = fields;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let id = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let kind = RwSignal::new(f.activity_type);
    let hydrated = use_hydrated();
    // Hidden (and not sent) only once the app runs, so that the form works without it.
    let off = move |t: ActivityType| Signal::derive(move || hydrated.get() && kind.get() != t);
    let type_problem = Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field_error("activity_type"))));
    let employee_options: Vec<(String, String)> = employees.iter().map(|e| (e.id.to_string(), e.label())).collect();
    let current_type = f.activity_type;
    view! {
        <div class="form-grid">
            <div class="field" class:invalid=move || type_problem.get().is_some()>
                <label for="f-activity_type">"Type *"</label>
                <select id="f-activity_type" name="activity_type"
                    on:change=move |ev| {
                        if let Ok(t) = event_target_value(&ev).parse() {
                            kind.set(t);
                        }
                    }>
                    {ActivityType::ALL.iter().map(|t| view! {
                        <option value=t.as_str() selected=*t == current_type>{t.label()}</option>
                    }).collect_view()}
                </select>
                <p class="field-error">{move || type_problem.get()}</p>
            </div>
            <Field label="Title" name="title" value=f.title.clone() required=true error />
            <SelectField label="Status" name="status" value=f.status.as_str().to_owned()
                options=ActivityStatus::options(ActivityStatus::ALL) error />
            <Field label="Scheduled at (UTC)" name="scheduled_at" kind="datetime-local"
                value=f.scheduled_at.map(datetime_local).unwrap_or_default() error />
            <Field label="Duration (minutes)" name="duration_minutes" kind="number" value=id(f.duration_minutes) error />
            {(!employee_options.is_empty()).then(|| view! {
                <SelectField label="Assigned to" name="assigned_to" value=id(f.assigned_to)
                    blank="Me" options=employee_options error />
            })}
            <Field label="Customer id" name="customer_id" kind="number" value=id(f.customer_id) error />
            <Field label="Lead id" name="lead_id" kind="number" value=id(f.lead_id) error />
            <Field label="Deal id" name="deal_id" kind="number" value=id(f.deal_id) error />
            <TextAreaField label="Description" name="description" value=text(&f.description) error />
        </div>
        <fieldset class="form-grid type-fields" disabled=off(ActivityType::Call) hidden=off(ActivityType::Call)>
            <legend>"Call"</legend>
            <Field label="Phone number" name="phone_number" kind="tel" value=text(&f.phone_number) error />
            <SelectField label="Outcome" name="outcome" value=f.outcome.map(|o| o.as_str().to_owned()).unwrap_or_default()
                blank="—" options=CallOutcome::options(CallOutcome::ALL) error />
            <Field label="Recording URL" name="recording_url" value=text(&f.recording_url) error />
        </fieldset>
        <fieldset class="form-grid type-fields" disabled=off(ActivityType::Email) hidden=off(ActivityType::Email)>
            <legend>"Email"</legend>
            <Field label="Email subject" name="email_subject" value=text(&f.email_subject) error />
            <Field label="Recipients (comma-separated)" name="recipients" value=f.recipients.join(", ") error />
            <TextAreaField label="Email body" name="email_body" value=text(&f.email_body) error />
        </fieldset>
        <fieldset class="form-grid type-fields" disabled=off(ActivityType::Telegram) hidden=off(ActivityType::Telegram)>
            <legend>"Telegram"</legend>
            <Field label="Telegram username" name="telegram_username" value=text(&f.telegram_username) placeholder="@username" error />
            <Field label="Chat id" name="telegram_chat_id" value=id(f.telegram_chat_id) error />
        </fieldset>
        <fieldset class="form-grid type-fields" disabled=off(ActivityType::Meeting) hidden=off(ActivityType::Meeting)>
            <legend>"Meeting"</legend>
            <Field label="Location" name="location" value=text(&f.location) error />
            <Field label="Meeting URL" name="meeting_url" value=text(&f.meeting_url) error />
            <Field label="Attendees (comma-separated)" name="attendees" value=f.attendees.join(", ") error />
        </fieldset>
        <fieldset class="form-grid type-fields" disabled=off(ActivityType::Task) hidden=off(ActivityType::Task)>
            <legend>"Task"</legend>
            <SelectField label="Priority" name="priority" value=f.priority.map(|p| p.as_str().to_owned()).unwrap_or_default()
                blank="—" options=ActivityPriority::options(ActivityPriority::ALL) error />
            <Field label="Due date" name="due_date" kind="date" value=f.due_date.map(|d| d.to_string()).unwrap_or_default() error />
        </fieldset>
        <fieldset class="form-grid type-fields" disabled=off(ActivityType::Note) hidden=off(ActivityType::Note)>
            <legend>"Note"</legend>
            <SelectField label="Pinned" name="is_pinned" value=f.is_pinned.to_string()
                options=vec![("false".to_owned(), "No".to_owned()), ("true".to_owned(), "Yes, keep it on top".to_owned())] error />
        </fieldset>
    }
    .into_any()
}

#[component]
pub fn ActivityNewPage() -> impl IntoView {
    let create = FormAction::<CreateActivity>::new();
    let error = create.error();
    let employees = Resource::new(|| (), |_| employee_choices());
    let query = use_query_map();
    // A link from a customer, lead or deal page fills in the record (`?lead_id=3`).
    let prefill = query.with_untracked(|q| {
        let id = |k: &str| q.get(k).and_then(|v| v.parse::<i64>().ok());
        let activity_type = q.get("activity_type").and_then(|t| t.parse().ok()).unwrap_or(ActivityType::Call);
        ActivityFields {
            activity_type,
            status: ActivityStatus::Scheduled,
            customer_id: id("customer_id"),
            lead_id: id("lead_id"),
            deal_id: id("deal_id"),
            ..ActivityFields::default()
        }
    });
    view! {
        <Title text="New activity" />
        <div class="page-header">
            <h1>"New activity"</h1>
            <A href="/activities">"← All activities"</A>
        </div>
        <section class="card">
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || {
                    let prefill = prefill.clone();
                    Suspend::new(async move {
                        let employees = employees.await.unwrap_or_default();
                        view! {
                            <ApiForm action=create>
                                <input type="hidden" name="next" value="/activities/{id}" />
                                <FormErrors error />
                                <ActivityFieldset fields=prefill employees error=error.get_untracked() />
                                <div class="form-actions">
                                    <button type="submit" class="button primary">"Create activity"</button>
                                    <A href="/activities">"Cancel"</A>
                                </div>
                            </ApiForm>
                        }
                    })
                }}
            </Transition>
        </section>
    }
    .into_any()
}
