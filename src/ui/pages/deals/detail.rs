//! One deal: summary, move to another stage, won/lost/reopen, edit form, delete.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::form::{customer_choice, DealFieldset};
use super::{board_url, priority_class, status_class};
use crate::api::deals::{get_deal, DeleteDeal, MarkDealLost, MarkDealWon, MoveDeal, ReopenDeal, UpdateDeal};
use crate::api::employees::employee_choices;
use crate::api::pipelines::list_pipelines;
use crate::domain::deal::{Deal, DealStatus};
use crate::domain::money;
use crate::domain::pipeline::Pipeline;
use crate::ui::components::form::FormErrors;
use crate::ui::components::record::DeleteMenu;
use crate::ui::components::timeline::{About, Timeline};
use crate::ui::components::{time, ApiForm, EditInPlace, ErrorBox, FormAction, TextAreaField};
use crate::ui::layout::use_me;

#[component]
pub fn DealDetailPage() -> impl IntoView {
    let me = use_me();
    let can_edit = me.can("deals", "edit");
    let can_list_customers = me.can("customers", "view");
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0)));
    let update = FormAction::<UpdateDeal>::new();
    let move_deal = FormAction::<MoveDeal>::new();
    let won = FormAction::<MarkDealWon>::new();
    let lost = FormAction::<MarkDealLost>::new();
    let reopen = FormAction::<ReopenDeal>::new();
    let delete = FormAction::<DeleteDeal>::new();
    let deal = Resource::new(move || id.get(), get_deal);
    let pipelines = Resource::new(|| (), |_| list_pipelines());
    let employees = Resource::new(|| (), |_| employee_choices());
    let customers = Resource::new(move || can_list_customers, customer_choice);
    let update_error = update.error();
    let actions = Actions { move_deal, won, lost, reopen, delete };

    view! {
        <div class="record">
            <Transition fallback=|| view! { <p class="loading">"Loading deal…"</p> }>
                {move || Suspend::new(async move {
                    match deal.await {
                        Ok(d) => {
                            let pipeline = pipelines.await.ok().and_then(|ps| ps.into_iter().find(|p| p.id == d.fields.pipeline_id));
                            let employees = employees.await.unwrap_or_default();
                            let customers = customers.await;
                            view! {
                                <Title text=d.fields.title.clone() />
                                <div class="record-head">
                                    <Header d=d.clone() actions />
                                    <ActionErrors actions />
                                </div>
                                <div class="record-facts">
                                    <Summary d=d.clone() />
                                    <MoveCard d=d.clone() pipeline actions />
                                    {can_edit.then(|| view! {
                                        <EditInPlace error=update_error>
                                            <ApiForm action=update>
                                                <input type="hidden" name="id" value=d.id />
                                                <input type="hidden" name="version" value=d.version />
                                                <FormErrors error=update_error />
                                                <DealFieldset fields=d.fields.clone() customer_name=d.customer_name.clone().unwrap_or_default()
                                                    customers employees error=update_error />
                                                <div class="form-actions">
                                                    <button type="submit" class="button primary">"Save changes"</button>
                                                </div>
                                            </ApiForm>
                                        </EditInPlace>
                                    })}
                                </div>
                            }.into_any()
                        }
                        Err(err) => view! { <ErrorBox err /> }.into_any(),
                    }
                })}
            </Transition>
            <div class="record-main">
                <Timeline about=About::Deal id=id />
            </div>
        </div>
    }
}

/// The actions of the page other than the edit form.
#[derive(Clone, Copy)]
struct Actions {
    move_deal: FormAction<MoveDeal>,
    won: FormAction<MarkDealWon>,
    lost: FormAction<MarkDealLost>,
    reopen: FormAction<ReopenDeal>,
    delete: FormAction<DeleteDeal>,
}

/// The error of the last refused move, won, reopen or delete (a refused "lost" shows at its form).
#[component]
fn ActionErrors(actions: Actions) -> impl IntoView {
    let errors = [actions.move_deal.error(), actions.won.error(), actions.reopen.error(), actions.delete.error()];
    let error = Signal::derive(move || errors.iter().find_map(|e| e.get()));
    view! { <FormErrors error /> }
}

#[component]
fn Header(d: Deal, actions: Actions) -> impl IntoView {
    let me = use_me();
    let can_edit = me.can("deals", "edit");
    let here = format!("/deals/{}", d.id);
    let lost_error = actions.lost.error();
    let (here_won, here_lost) = (here.clone(), here.clone());
    let status_actions = match d.status {
        DealStatus::Open => view! {
            <ApiForm action=actions.won>
                <input type="hidden" name="id" value=d.id />
                <input type="hidden" name="next" value=here_won />
                <button type="submit" class="button won">"Won"</button>
            </ApiForm>
            <details class="menu lost-menu" open=move || lost_error.get().is_some()>
                <summary class="button">"Lost…"</summary>
                <div class="menu-panel">
                    <ApiForm action=actions.lost>
                        <input type="hidden" name="id" value=d.id />
                        <input type="hidden" name="next" value=here_lost />
                        <TextAreaField label="Why was it lost?" name="reason" rows=3 required=true error=lost_error />
                        <button type="submit" class="button danger">"Mark lost"</button>
                    </ApiForm>
                </div>
            </details>
        }
        .into_any(),
        DealStatus::Won | DealStatus::Lost => view! {
            <ApiForm action=actions.reopen>
                <input type="hidden" name="id" value=d.id />
                <input type="hidden" name="next" value=here />
                <button type="submit" class="button">"Reopen"</button>
            </ApiForm>
        }
        .into_any(),
    };
    let customer = d.fields.customer_id.map(|cid| {
        view! { <A href=format!("/customers/{cid}")>{d.customer_name.clone().unwrap_or_else(|| format!("Customer #{cid}"))}</A> " · " }
    });
    view! {
        <div class="page-header">
            <div>
                <p class="crumbs"><A href="/deals">"← All deals"</A> " · " <A href=board_url(Some(d.fields.pipeline_id))>"Board"</A></p>
                <h1>{d.fields.title.clone()} " " <span class=status_class(d.status)>{d.status.label()}</span></h1>
                <p class="muted">{customer}{format!("{} › {}", d.pipeline_name, d.stage_name)}</p>
            </div>
            <div class="actions">
                {can_edit.then_some(status_actions)}
                {me.can("deals", "delete").then(|| view! {
                    <DeleteMenu action=actions.delete id=d.id next="/deals" question="Delete this deal? This cannot be undone." />
                })}
            </div>
        </div>
    }
}

#[component]
fn Summary(d: Deal) -> impl IntoView {
    let row = |label: &'static str, value: Option<String>| {
        view! { <div class="dl-row"><dt>{label}</dt><dd>{value.filter(|v| !v.is_empty()).unwrap_or_else(|| "—".into())}</dd></div> }
    };
    view! {
        <section class="card">
            <h2>"Details"</h2>
            <dl class="dl">
                {row("Value", Some(money::format(d.fields.value, &d.currency)))}
                {row("Probability", Some(format!("{}%", d.fields.probability)))}
                {row("Expected revenue", Some(money::format(d.expected_revenue, &d.currency)))}
                {row("Stage", Some(format!("{} › {}", d.pipeline_name, d.stage_name)))}
                {row("In stage since", Some(time::date(d.stage_entered_at)))}
                <div class="dl-row"><dt>"Priority"</dt><dd><span class=priority_class(d.fields.priority)>{d.fields.priority.label()}</span></dd></div>
                {row("Assigned to", d.assigned_to_name.clone())}
                {row("Expected close", d.fields.expected_close_date.map(|c| c.to_string()))}
                {row("Closed on", d.actual_close_date.map(|c| c.to_string()))}
                {(d.status == DealStatus::Lost).then(|| row("Lost because", d.lost_reason.clone()))}
                {row("Tags", Some(d.fields.tags.join(", ")))}
                {row("Description", d.fields.description.clone())}
                {d.lead_id.map(|l| row("From lead", Some(format!("#{l}"))))}
                {row("Created", Some(time::date_time(d.created_at)))}
                {row("Updated", Some(time::date_time(d.updated_at)))}
            </dl>
        </section>
    }
}

/// A stage select and a Move button: a plain form, so it works without JavaScript too.
#[component]
fn MoveCard(d: Deal, pipeline: Option<Pipeline>, actions: Actions) -> impl IntoView {
    let me = use_me();
    let stages = pipeline.map(|p| p.stages).unwrap_or_default();
    (me.can("deals", "edit") && !stages.is_empty()).then(|| {
        view! {
            <section class="card">
                <h2>"Stage"</h2>
                <ApiForm action=actions.move_deal>
                    <input type="hidden" name="id" value=d.id />
                    <input type="hidden" name="version" value=d.version />
                    <input type="hidden" name="next" value=format!("/deals/{}", d.id) />
                    <div class="inline-fields">
                        <label class="sr-only" for="move-stage">"Move to stage"</label>
                        <select id="move-stage" name="stage_id">
                            {stages.into_iter().map(|s| {
                                let is = s.id == d.fields.stage_id;
                                view! { <option value=s.id.to_string() selected=is>{format!("{} ({}%)", s.name, s.probability)}</option> }
                            }).collect_view()}
                        </select>
                        <button type="submit" class="button">"Move"</button>
                    </div>
                </ApiForm>
            </section>
        }
    })
}
