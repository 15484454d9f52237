//! One lead: key facts (edited in place), qualify/disqualify, score and owner beside the
//! activity timeline.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::form::LeadFieldset;
use super::{score_class, status_class};
use crate::api::employees::employee_choices;
use crate::api::leads::{
    get_lead, AssignLead, ConvertLead, DeleteLead, DisqualifyLead, QualifyLead, UpdateLead, UpdateLeadScore,
};
use crate::domain::employee::EmployeeChoice;
use crate::domain::lead::{Lead, LeadStatus};
use crate::domain::money;
use crate::ui::components::form::FormErrors;
use crate::ui::components::record::DeleteMenu;
use crate::ui::components::timeline::{About, Timeline};
use crate::ui::components::{time, ApiForm, EditInPlace, ErrorBox, Field, FormAction, SelectField, TextAreaField};
use crate::ui::layout::use_me;

/// The actions of the page, created once and shared by its parts.
#[derive(Clone, Copy)]
struct Actions {
    update: FormAction<UpdateLead>,
    qualify: FormAction<QualifyLead>,
    disqualify: FormAction<DisqualifyLead>,
    score: FormAction<UpdateLeadScore>,
    assign: FormAction<AssignLead>,
    delete: FormAction<DeleteLead>,
    convert: FormAction<ConvertLead>,
}

#[component]
pub fn LeadDetailPage() -> impl IntoView {
    let can_edit = use_me().can("leads", "edit");
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0)));
    let actions = Actions {
        update: FormAction::new(),
        qualify: FormAction::new(),
        disqualify: FormAction::new(),
        score: FormAction::new(),
        assign: FormAction::new(),
        delete: FormAction::new(),
        convert: FormAction::new(),
    };
    let lead = Resource::new(move || id.get(), get_lead);
    let employees = Resource::new(|| (), |_| employee_choices());
    let update_error = actions.update.error();
    let delete_error = actions.delete.error();
    let qualify_error = actions.qualify.error();

    view! {
        <div class="record">
            <Transition fallback=|| view! { <p class="loading">"Loading lead…"</p> }>
                {move || Suspend::new(async move {
                    match (lead.await, employees.await) {
                        (Ok(l), employees) => {
                            let employees = employees.unwrap_or_default();
                            view! {
                                <Title text=l.full_name() />
                                <div class="record-head">
                                    <Header l=l.clone() actions />
                                    <FormErrors error=delete_error />
                                    <FormErrors error=qualify_error />
                                </div>
                                <div class="record-facts">
                                    <Summary l=l.clone() />
                                    <Work l=l.clone() employees actions />
                                    {can_edit.then(|| view! {
                                        <EditInPlace error=update_error>
                                            <ApiForm action=actions.update>
                                                <input type="hidden" name="id" value=l.id />
                                                <input type="hidden" name="version" value=l.version />
                                                <FormErrors error=update_error />
                                                <LeadFieldset fields=l.fields.clone() status=l.status employees=None error=update_error />
                                                <div class="form-actions">
                                                    <button type="submit" class="button primary">"Save changes"</button>
                                                </div>
                                            </ApiForm>
                                        </EditInPlace>
                                    })}
                                </div>
                            }.into_any()
                        }
                        (Err(err), _) => view! { <ErrorBox err /> }.into_any(),
                    }
                })}
            </Transition>
            <div class="record-main">
                <Timeline about=About::Lead id=id />
            </div>
        </div>
    }
}

#[component]
fn Header(l: Lead, actions: Actions) -> impl IntoView {
    let me = use_me();
    let here = format!("/leads/{}", l.id);
    let disqualify_error = actions.disqualify.error();
    let can_edit = me.can("leads", "edit") && l.status != LeadStatus::Converted;
    let subtitle = [l.fields.job_title.clone(), l.fields.company.clone()].into_iter().flatten().collect::<Vec<_>>();
    let id = l.id;
    let next = here.clone();
    let qualify_form = (can_edit && l.status != LeadStatus::Qualified).then(move || {
        view! {
            <ApiForm action=actions.qualify>
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="next" value=next />
                <button type="submit" class="button">"Qualify"</button>
            </ApiForm>
        }
    });
    let next = here;
    let convert_error = actions.convert.error();
    let convert_form = (can_edit && me.can("customers", "create")).then(|| {
        let value = l.fields.estimated_value.map(|v| v.to_string()).unwrap_or_default();
        let deal_title = format!("{} deal", l.fields.company.clone().unwrap_or_else(|| l.fields.full_name()));
        let can_deal = me.can("deals", "create");
        view! {
            <details class="menu" open=move || convert_error.get().is_some()>
                <summary class="button primary">"Convert…"</summary>
                <div class="menu-panel">
                    <p>"Turn this lead into a customer? The lead is marked converted; this cannot be undone."</p>
                    <ApiForm action=actions.convert>
                        <input type="hidden" name="id" value=id />
                        <input type="hidden" name="next" value="/customers/{customer_id}" />
                        <FormErrors error=convert_error />
                        {can_deal.then(|| view! {
                            <label class="checkbox">
                                <input type="checkbox" name="create_deal" value="true" checked=true />
                                " Also create a deal on the default pipeline"
                            </label>
                            <Field label="Deal title" name="deal_title" value=deal_title error=convert_error />
                            <Field label="Deal value" name="deal_value" value=value error=convert_error />
                        })}
                        <button type="submit" class="button primary">"Yes, convert"</button>
                    </ApiForm>
                </div>
            </details>
        }
    });
    let disqualify_form = (can_edit && l.status != LeadStatus::Unqualified).then(move || {
        view! {
            <details class="menu danger-menu" open=move || disqualify_error.get().is_some()>
                <summary class="button">"Disqualify…"</summary>
                <div class="menu-panel">
                    <ApiForm action=actions.disqualify>
                        <input type="hidden" name="id" value=id />
                        <input type="hidden" name="next" value=next />
                        <TextAreaField label="Why is this lead not a fit?" name="reason" rows=3 required=true error=disqualify_error />
                        <button type="submit" class="button danger">"Disqualify"</button>
                    </ApiForm>
                </div>
            </details>
        }
    });
    view! {
        <div class="page-header">
            <div>
                <A href="/leads">"← All leads"</A>
                <h1>
                    {l.full_name()} " " <span class=status_class(l.status)>{l.status.label()}</span>
                    " " <span class=score_class(l.fields.score) title="Score">{format!("Score {}", l.fields.score)}</span>
                </h1>
                <p class="muted">{subtitle.join(" · ")}</p>
            </div>
            <div class="actions">
                {convert_form}
                {qualify_form}
                {disqualify_form}
                {me.can("leads", "delete").then(|| view! {
                    <DeleteMenu action=actions.delete id=l.id next="/leads" question="Delete this lead and its activities? This cannot be undone." />
                })}
            </div>
        </div>
    }
    .into_any()
}

#[component]
fn Summary(l: Lead) -> impl IntoView {
    let address = [&l.fields.street, &l.fields.city, &l.fields.state, &l.fields.postal_code, &l.fields.country]
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let row = |label: &'static str, value: Option<String>| {
        view! { <div class="dl-row"><dt>{label}</dt><dd>{value.filter(|v| !v.is_empty()).unwrap_or_else(|| "—".into())}</dd></div> }
    };
    let converted = l.converted_customer_id.map(|customer| {
        view! {
            <div class="dl-row">
                <dt>"Customer"</dt>
                <dd>
                    <A href=format!("/customers/{customer}")>"View customer"</A>
                    {l.converted_at.map(|t| format!(" (converted {})", time::date(t)))}
                </dd>
            </div>
        }
    });
    view! {
        <section class="card">
            <h2>"Details"</h2>
            <dl class="dl">
                {row("Email", l.fields.email.clone())}
                {row("Phone", l.fields.phone.clone())}
                {row("Company", l.fields.company.clone())}
                {row("Job title", l.fields.job_title.clone())}
                {row("Source", Some(l.fields.source.label().to_owned()))}
                {row("Score", Some(l.fields.score.to_string()))}
                {row("Est. value", l.fields.estimated_value.map(|d| money::format(d, &l.currency)))}
                {row("Assigned to", l.assigned_to_name.clone())}
                {(l.status == LeadStatus::Unqualified).then(|| row("Disqualified", l.disqualify_reason.clone()))}
                {converted}
                {row("Address", Some(address))}
                {row("Notes", l.fields.notes.clone())}
                {row("Created", Some(time::date_time(l.created_at)))}
                {row("Updated", Some(time::date_time(l.updated_at)))}
            </dl>
        </section>
    }
    .into_any()
}

/// The score and the owner, each a small form of its own.
#[component]
fn Work(l: Lead, employees: Vec<EmployeeChoice>, actions: Actions) -> impl IntoView {
    let me = use_me();
    let next_score = format!("/leads/{}", l.id);
    let next_assign = next_score.clone();
    let score_error = actions.score.error();
    let assign_error = actions.assign.error();
    let employee_options: Vec<(String, String)> = employees.iter().map(|e| (e.id.to_string(), e.label())).collect();
    me.can("leads", "edit").then(|| {
        view! {
            <section class="card lead-work">
                <h2>"Score and owner"</h2>
                <ApiForm action=actions.score>
                    <input type="hidden" name="id" value=l.id />
                    <input type="hidden" name="next" value=next_score />
                    <FormErrors error=score_error />
                    <div class="inline-form">
                        <Field label="Score (0–100)" name="score" kind="number" value=l.fields.score.to_string() required=true error=score_error />
                        <button type="submit" class="button">"Set score"</button>
                    </div>
                </ApiForm>
                <ApiForm action=actions.assign>
                    <input type="hidden" name="id" value=l.id />
                    <input type="hidden" name="next" value=next_assign />
                    <FormErrors error=assign_error />
                    <div class="inline-form">
                        <SelectField label="Assigned to" name="assigned_to" value=l.fields.assigned_to.map(|a| a.to_string()).unwrap_or_default()
                            blank="Nobody" options=employee_options error=assign_error />
                        <button type="submit" class="button">"Assign"</button>
                    </div>
                </ApiForm>
            </section>
        }
        .into_any()
    })
}
