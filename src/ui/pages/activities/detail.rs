//! One activity: summary with its type's details, complete / cancel / delete, edit form.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::form::ActivityFieldset;
use crate::api::activities::{get_activity, CancelActivity, CompleteActivity, DeleteActivity, UpdateActivity};
use crate::api::employees::employee_choices;
use crate::domain::activity::Activity;
use crate::ui::components::form::FormErrors;
use crate::ui::components::record::DeleteMenu;
use crate::ui::components::timeline::{details, status_class};
use crate::ui::components::{time, ApiForm, EditInPlace, ErrorBox, FormAction};
use crate::ui::layout::use_me;

/// The actions of the page, created once and shared by its parts.
#[derive(Clone, Copy)]
struct Actions {
    update: FormAction<UpdateActivity>,
    complete: FormAction<CompleteActivity>,
    cancel: FormAction<CancelActivity>,
    delete: FormAction<DeleteActivity>,
}

#[component]
pub fn ActivityDetailPage() -> impl IntoView {
    let me = use_me();
    let can_edit = me.can("activities", "edit");
    let sees_all = me.can("activities", "view_all");
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0)));
    let actions = Actions {
        update: FormAction::new(),
        complete: FormAction::new(),
        cancel: FormAction::new(),
        delete: FormAction::new(),
    };
    let activity = Resource::new(move || id.get(), get_activity);
    // Only those who see everyone's activities may assign them to someone else.
    let employees = Resource::new(
        move || sees_all,
        |all| async move {
            if all {
                employee_choices().await
            } else {
                Ok(Vec::new())
            }
        },
    );
    let update_error = actions.update.error();
    let complete_error = actions.complete.error();
    let cancel_error = actions.cancel.error();
    let delete_error = actions.delete.error();

    view! {
        <div class="record">
            <Transition fallback=|| view! { <p class="loading">"Loading activity…"</p> }>
                {move || Suspend::new(async move {
                    match (activity.await, employees.await) {
                        (Ok(a), employees) => view! {
                            <Title text=a.fields.title.clone() />
                            <div class="record-head">
                                <Header a=a.clone() actions />
                                <FormErrors error=complete_error />
                                <FormErrors error=cancel_error />
                                <FormErrors error=delete_error />
                            </div>
                            <div class="record-facts">
                                <Summary a=a.clone() />
                                {can_edit.then(|| view! {
                                    <EditInPlace error=update_error>
                                        <ApiForm action=actions.update>
                                            <input type="hidden" name="id" value=a.id />
                                            <input type="hidden" name="version" value=a.version />
                                            <FormErrors error=update_error />
                                            <ActivityFieldset fields=a.fields.clone() employees=employees.unwrap_or_default() error=update_error.get_untracked() />
                                            <div class="form-actions">
                                                <button type="submit" class="button primary">"Save changes"</button>
                                            </div>
                                        </ApiForm>
                                    </EditInPlace>
                                })}
                            </div>
                        }.into_any(),
                        (Err(err), _) => view! { <ErrorBox err /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
    .into_any()
}

#[component]
fn Header(a: Activity, actions: Actions) -> impl IntoView {
    let me = use_me();
    let here = format!("/activities/{}", a.id);
    let open = a.fields.status.is_open();
    let can_edit = me.can("activities", "edit") && open;
    let id = a.id;
    let (next_complete, next_cancel) = (here.clone(), here);
    view! {
        <div class="page-header">
            <div>
                <A href="/activities">"← All activities"</A>
                <h1>
                    <span aria-hidden="true">{a.fields.activity_type.icon()}</span> " " {a.fields.title.clone()}
                    " " <span class=status_class(a.fields.status)>{a.fields.status.label()}</span>
                </h1>
                <p class="muted">{a.fields.activity_type.label()}</p>
            </div>
            <div class="actions">
                {can_edit.then(|| view! {
                    <ApiForm action=actions.complete>
                        <input type="hidden" name="id" value=id />
                        <input type="hidden" name="next" value=next_complete />
                        <button type="submit" class="button primary">"Complete"</button>
                    </ApiForm>
                    <ApiForm action=actions.cancel>
                        <input type="hidden" name="id" value=id />
                        <input type="hidden" name="next" value=next_cancel />
                        <button type="submit" class="button">"Cancel activity"</button>
                    </ApiForm>
                })}
                {me.can("activities", "delete").then(|| view! {
                    <DeleteMenu action=actions.delete id=id next="/activities" question="Delete this activity? This cannot be undone." />
                })}
            </div>
        </div>
    }
    .into_any()
}

#[component]
fn Summary(a: Activity) -> impl IntoView {
    let row = |label: &'static str, value: Option<String>| {
        view! { <div class="dl-row"><dt>{label}</dt><dd>{value.filter(|v| !v.is_empty()).unwrap_or_else(|| "—".into())}</dd></div> }
    };
    let link = |label: &'static str, href: Option<String>, name: Option<String>| {
        href.map(|href| {
            view! { <div class="dl-row"><dt>{label}</dt><dd><A href=href>{name.unwrap_or_else(|| "View".into())}</A></dd></div> }
        })
    };
    let info = details(&a);
    view! {
        <section class="card">
            <h2>"Details"</h2>
            <dl class="dl">
                {row("Type", Some(a.fields.activity_type.label().to_owned()))}
                {row("Scheduled", a.fields.scheduled_at.map(time::date_time))}
                {row("Completed", a.completed_at.map(time::date_time))}
                {row("Assigned to", a.assigned_to_name.clone())}
                {link("Customer", a.fields.customer_id.map(|id| format!("/customers/{id}")), a.customer_name.clone())}
                {link("Lead", a.fields.lead_id.map(|id| format!("/leads/{id}")), a.lead_name.clone())}
                {link("Deal", a.fields.deal_id.map(|id| format!("/deals/{id}")), a.deal_title.clone())}
                {info.into_iter().map(|(label, text)| row(label, Some(text))).collect_view()}
                {row("Description", a.fields.description.clone())}
                {a.fields.email_body.clone().map(|b| row("Email body", Some(b)))}
                {row("Recorded by", a.created_by_name.clone())}
                {row("Created", Some(time::date_time(a.created_at)))}
                {row("Updated", Some(time::date_time(a.updated_at)))}
            </dl>
        </section>
    }
    .into_any()
}
