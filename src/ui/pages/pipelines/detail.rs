//! One pipeline: name and description, and its stages — add, rename, recolour, set the
//! probability, delete, and reorder (drag a row, or its up/down buttons, which are plain
//! forms). Every reorder is one `pipelines/reorder_stages` call with the full order.

use leptos::ev::DragEvent;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::kind_class;
use crate::api::pipelines::{
    get_pipeline, AddStage, DeleteStage, ReorderStages, SetDefaultPipeline, UpdatePipeline, UpdateStage,
};
use crate::domain::pipeline::{Pipeline, Stage, StageKind};
use crate::error::AppError;
use crate::ui::components::form::FormErrors;
use crate::ui::components::{
    use_form_error, ApiForm, ErrorBox, ErrorSummary, Field, FormAction, NoJsNext, SelectField, TextAreaField,
};
use crate::ui::layout::use_me;

/// The page's actions (all but the pipeline form reload the stages when they succeed).
#[derive(Clone, Copy)]
struct Actions {
    update: FormAction<UpdatePipeline>,
    set_default: FormAction<SetDefaultPipeline>,
    add: FormAction<AddStage>,
    update_stage: FormAction<UpdateStage>,
    delete_stage: FormAction<DeleteStage>,
    reorder: FormAction<ReorderStages>,
}

#[component]
pub fn PipelineDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0)));
    let actions = Actions {
        update: FormAction::new(),
        set_default: FormAction::new(),
        add: FormAction::new(),
        update_stage: FormAction::new(),
        delete_stage: FormAction::new(),
        reorder: FormAction::new(),
    };
    // Reload after successful changes only: a refused change keeps what the user typed.
    let saved = RwSignal::new(0_u32);
    reload_on_success(actions.update.value(), saved);
    reload_on_success(actions.set_default.value(), saved);
    reload_on_success(actions.add.value(), saved);
    reload_on_success(actions.update_stage.value(), saved);
    reload_on_success(actions.delete_stage.value(), saved);
    reload_on_success(actions.reorder.value(), saved);
    let pipeline = Resource::new(move || (id.get(), saved.get()), |(id, _)| get_pipeline(id));

    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading pipeline…"</p> }>
            {move || Suspend::new(async move {
                match pipeline.await {
                    Ok(p) => view! {
                        <Title text=format!("{} · Pipelines", p.name) />
                        <Header p=p.clone() actions />
                        <div class="detail-grid">
                            <PipelineForm p=p.clone() actions />
                            <Stages p actions />
                        </div>
                    }.into_any(),
                    Err(err) => view! { <ErrorBox err /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Counts the successful submissions of an action into `saved`.
fn reload_on_success<T, V>(value: V, saved: RwSignal<u32>)
where
    T: 'static,
    V: With<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if value.with(|v| matches!(v, Some(Ok(_)))) {
            saved.update(|n| *n += 1);
        }
    });
}

#[component]
fn Header(p: Pipeline, actions: Actions) -> impl IntoView {
    let me = use_me();
    let error = use_form_error(actions.set_default.value(), "/api/pipelines/set_default");
    let here = format!("/pipelines/{}", p.id);
    view! {
        <div class="page-header">
            <div>
                <A href="/pipelines">"← All pipelines"</A>
                <h1>{p.name.clone()} {p.is_default.then(|| view! { " " <span class="badge badge-blue">"Default"</span> })}</h1>
                <p class="muted">{p.description.clone()}</p>
            </div>
            <div class="actions">
                <A href=format!("/deals/board?pipeline={}", p.id) attr:class="button">"Board"</A>
                {(me.can("pipelines", "edit") && !p.is_default).then(|| view! {
                    <ApiForm action=actions.set_default>
                        <input type="hidden" name="id" value=p.id />
                        <NoJsNext href=here.clone() />
                        <button type="submit" class="button">"Make default"</button>
                    </ApiForm>
                })}
            </div>
        </div>
        <FormErrors error />
    }
}

#[component]
fn PipelineForm(p: Pipeline, actions: Actions) -> impl IntoView {
    let me = use_me();
    let error = use_form_error(actions.update.value(), "/api/pipelines/update");
    let here = format!("/pipelines/{}", p.id);
    let status_options = vec![("true".to_owned(), "Active".to_owned()), ("false".to_owned(), "Inactive".to_owned())];
    me.can("pipelines", "edit").then(|| {
        view! {
            <section class="card">
                <h2>"Pipeline"</h2>
                <ApiForm action=actions.update>
                    <input type="hidden" name="id" value=p.id />
                    <NoJsNext href=here />
                    <FormErrors error />
                    <Field label="Name" name="name" value=p.name.clone() required=true error />
                    <TextAreaField label="Description" name="description" rows=3 value=p.description.clone().unwrap_or_default() error />
                    <SelectField label="Status" name="is_active" value=p.is_active.to_string() options=status_options error />
                    <div class="form-actions">
                        <button type="submit" class="button primary" disabled=move || actions.update.pending().get()>"Save"</button>
                        {move || matches!(actions.update.value().get(), Some(Ok(_))).then(|| view! { <span class="saved" role="status">"Saved."</span> })}
                    </div>
                </ApiForm>
            </section>
        }
    })
}

/// Comma-separated ids, the form `reorder_stages` takes.
fn ids(stages: &[Stage]) -> String {
    stages.iter().map(|s| s.id.to_string()).collect::<Vec<_>>().join(",")
}

/// `order` with the stage `id` moved to the place of `target`.
fn moved(order: &[Stage], id: i64, target: i64) -> Option<Vec<Stage>> {
    let from = order.iter().position(|s| s.id == id)?;
    let to = order.iter().position(|s| s.id == target)?;
    if from == to {
        return None;
    }
    let mut order = order.to_vec();
    let stage = order.remove(from);
    order.insert(to, stage);
    Some(order)
}

/// `order` with the stage at `index` swapped with its neighbour `delta` (-1 up, +1 down) away.
fn swapped(order: &[Stage], index: usize, delta: isize) -> String {
    let mut order = order.to_vec();
    if let Some(other) = index.checked_add_signed(delta).filter(|o| *o < order.len()) {
        order.swap(index, other);
    }
    ids(&order)
}

#[component]
fn Stages(p: Pipeline, actions: Actions) -> impl IntoView {
    let me = use_me();
    let can_edit = me.can("pipelines", "edit");
    let pipeline_id = p.id;
    let here = format!("/pipelines/{pipeline_id}");
    let original = StoredValue::new(p.stages.clone());
    let order = RwSignal::new(p.stages.clone());
    let dragging = RwSignal::new(None::<i64>);
    let over = RwSignal::new(None::<i64>);
    // A refused reorder puts the rows back where the server has them.
    Effect::new(move |_| {
        if matches!(actions.reorder.value().get(), Some(Err(_))) {
            order.set(original.get_value());
        }
    });
    let errors = [
        use_form_error(actions.update_stage.value(), "/api/pipelines/update_stage"),
        use_form_error(actions.delete_stage.value(), "/api/pipelines/delete_stage"),
        use_form_error(actions.reorder.value(), "/api/pipelines/reorder_stages"),
    ];
    let error: Signal<Option<AppError>> = Signal::derive(move || errors.iter().find_map(|e| e.get()));
    let row_here = here.clone();
    let drop_on = move |target: i64| {
        let Some(id) = dragging.get_untracked() else { return };
        dragging.set(None);
        over.set(None);
        if let Some(new_order) = order.with_untracked(|o| moved(o, id, target)) {
            let stage_ids = ids(&new_order);
            order.set(new_order);
            actions.reorder.send(&[("pipeline_id", &pipeline_id.to_string()), ("stage_ids", &stage_ids)]);
        }
    };
    view! {
        <section class="card">
            <h2>"Stages"</h2>
            {can_edit.then(|| view! { <p class="muted">"Drag a row by its handle, or use the arrows, to change the order."</p> })}
            <ErrorSummary error />
            <ol class="stage-list" aria-label="Stages in order">
                <For each=move || order.get() key=|s| s.id let:stage>
                    {
                        let sid = stage.id;
                        let index = move || order.with(|o| o.iter().position(|s| s.id == sid).unwrap_or(0));
                        let last = move || order.with(|o| o.len().saturating_sub(1));
                        let name = stage.name.clone();
                        let up_label = format!("Move {name} up");
                        let down_label = format!("Move {name} down");
                        let delete_label = format!("Delete {name}");
                        let delete_text = format!("Delete the stage “{name}”? A stage with deals cannot be deleted.");
                        let (here, here_up, here_down, here_delete) =
                            (row_here.clone(), row_here.clone(), row_here.clone(), row_here.clone());
                        view! {
                            <li class="stage-row"
                                draggable=can_edit.then_some("true")
                                class:dragging=move || dragging.get() == Some(sid)
                                class:drop-target=move || over.get() == Some(sid) && dragging.get().is_some_and(|d| d != sid)
                                on:dragstart=move |ev: DragEvent| {
                                    start_drag(&ev, sid);
                                    dragging.set(Some(sid));
                                }
                                on:dragend=move |_| {
                                    dragging.set(None);
                                    over.set(None);
                                }
                                on:dragover=move |ev: DragEvent| {
                                    if dragging.get_untracked().is_some() {
                                        ev.prevent_default();
                                        if over.get_untracked() != Some(sid) {
                                            over.set(Some(sid));
                                        }
                                    }
                                }
                                on:drop=move |ev: DragEvent| {
                                    ev.prevent_default();
                                    drop_on(sid);
                                }>
                                {can_edit.then_some(view! { <span class="drag-handle" aria-hidden="true" title="Drag to reorder">"⠿"</span> })}
                                {if can_edit {
                                    view! { <StageForm stage=stage.clone() here actions /> }.into_any()
                                } else {
                                    view! { <StageSummary stage=stage.clone() /> }.into_any()
                                }}
                                {can_edit.then(|| view! {
                                    <div class="stage-tools">
                                        <ApiForm action=actions.reorder>
                                            <input type="hidden" name="pipeline_id" value=pipeline_id />
                                            <input type="hidden" name="stage_ids" value=move || order.with(|o| swapped(o, index(), -1)) />
                                            <NoJsNext href=here_up />
                                            <button type="submit" class="button small icon" disabled=move || index() == 0
                                                aria-label=up_label>"↑"</button>
                                        </ApiForm>
                                        <ApiForm action=actions.reorder>
                                            <input type="hidden" name="pipeline_id" value=pipeline_id />
                                            <input type="hidden" name="stage_ids" value=move || order.with(|o| swapped(o, index(), 1)) />
                                            <NoJsNext href=here_down />
                                            <button type="submit" class="button small icon" disabled={move || index() >= last()}
                                                aria-label=down_label>"↓"</button>
                                        </ApiForm>
                                        <details class="menu danger-menu">
                                            <summary class="button small danger" aria-label=delete_label>"✕"</summary>
                                            <div class="menu-panel">
                                                <p>{delete_text}</p>
                                                <ApiForm action=actions.delete_stage>
                                                    <input type="hidden" name="id" value=sid />
                                                    <NoJsNext href=here_delete />
                                                    <button type="submit" class="button danger">"Yes, delete"</button>
                                                </ApiForm>
                                            </div>
                                        </details>
                                    </div>
                                })}
                            </li>
                        }
                    }
                </For>
            </ol>
            {can_edit.then(|| view! { <AddStageForm pipeline_id here=here.clone() actions /> })}
        </section>
    }
}

/// A stage's name, colour, probability and kind, saved by its own Save button.
#[component]
fn StageForm(stage: Stage, here: String, actions: Actions) -> impl IntoView {
    let sid = stage.id;
    let field = move |name: &str| format!("stage-{sid}-{name}");
    view! {
        <ApiForm action=actions.update_stage>
            <div class="stage-form">
                <input type="hidden" name="id" value=sid />
                <NoJsNext href=here />
                <label class="sr-only" for=field("color")>{format!("Colour of {}", stage.name)}</label>
                <input type="color" id=field("color") name="color" value=stage.color.clone() class="stage-color" />
                <label class="sr-only" for=field("name")>"Name"</label>
                <input type="text" id=field("name") name="name" value=stage.name.clone() required maxlength="100" class="stage-name" />
                <label class="sr-only" for=field("probability")>{format!("Win probability of {} (%)", stage.name)}</label>
                <span class="stage-probability">
                    <input type="number" id=field("probability") name="probability" min="0" max="100" step="1"
                        value=stage.probability.to_string() />
                    "%"
                </span>
                <label class="sr-only" for=field("kind")>{format!("Kind of {}", stage.name)}</label>
                <select id=field("kind") name="kind" class="stage-kind">
                    {StageKind::ALL.iter().map(|k| view! {
                        <option value=k.as_str() selected=*k == stage.kind>{k.label()}</option>
                    }).collect_view()}
                </select>
                <button type="submit" class="button small">"Save"</button>
            </div>
        </ApiForm>
    }
}

/// A stage as read-only text (for those who may not change pipelines).
#[component]
fn StageSummary(stage: Stage) -> impl IntoView {
    view! {
        <div class="stage-form">
            <span class="stage-swatch" style=format!("background: {}", stage.color) aria-hidden="true"></span>
            <span class="stage-name">{stage.name.clone()}</span>
            <span class="stage-probability">{format!("{}%", stage.probability)}</span>
            <span class=kind_class(stage.kind)>{stage.kind.label()}</span>
        </div>
    }
}

#[component]
fn AddStageForm(pipeline_id: i64, here: String, actions: Actions) -> impl IntoView {
    let error = use_form_error(actions.add.value(), "/api/pipelines/add_stage");
    let problem = move |name: &'static str| move || error.with(|e| e.as_ref().and_then(|e| e.field_error(name)));
    view! {
        <h3 class="subhead">"Add a stage"</h3>
        <ApiForm action=actions.add>
            <input type="hidden" name="pipeline_id" value=pipeline_id />
            <NoJsNext href=here />
            <FormErrors error />
            <div class="form-grid">
                <div class="field" class:invalid=move || problem("name")().is_some()>
                    <label for="new-stage-name">"Name *"</label>
                    <input id="new-stage-name" name="name" required maxlength="100" />
                    <p class="field-error">{problem("name")}</p>
                </div>
                <div class="field" class:invalid=move || problem("probability")().is_some()>
                    <label for="new-stage-probability">"Win probability (%)"</label>
                    <input id="new-stage-probability" name="probability" type="number" min="0" max="100" step="1" value="0" />
                    <p class="field-error">{problem("probability")}</p>
                </div>
                <div class="field" class:invalid=move || problem("kind")().is_some()>
                    <label for="new-stage-kind">"Kind"</label>
                    <select id="new-stage-kind" name="kind">
                        {StageKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{k.label()}</option> }).collect_view()}
                    </select>
                    <p class="field-error">{problem("kind")}</p>
                </div>
                <div class="field" class:invalid=move || problem("color")().is_some()>
                    <label for="new-stage-color">"Colour"</label>
                    <input id="new-stage-color" name="color" type="color" value="#64748b" />
                    <p class="field-error">{problem("color")}</p>
                </div>
            </div>
            <div class="form-actions">
                <button type="submit" class="button primary" disabled=move || actions.add.pending().get()>"Add stage"</button>
            </div>
        </ApiForm>
    }
}

/// Marks the drag as a move of stage `id` (browsers need some data to start a drag).
fn start_drag(ev: &DragEvent, id: i64) {
    #[cfg(feature = "hydrate")]
    if let Some(dt) = ev.data_transfer() {
        let _ = dt.set_data("text/plain", &id.to_string());
        dt.set_effect_allowed("move");
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, id);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stages(ids: &[i64]) -> Vec<Stage> {
        ids.iter()
            .map(|&id| Stage {
                id,
                pipeline_id: 1,
                name: format!("S{id}"),
                position: 0,
                probability: 0,
                kind: StageKind::Open,
                color: "#000000".into(),
            })
            .collect()
    }

    #[test]
    fn reorders_list_every_stage_once() {
        let s = stages(&[1, 2, 3, 4]);
        assert_eq!(ids(&moved(&s, 4, 1).unwrap()), "4,1,2,3");
        assert_eq!(ids(&moved(&s, 1, 3).unwrap()), "2,3,1,4");
        assert!(moved(&s, 2, 2).is_none());
        assert_eq!(swapped(&s, 0, -1), "1,2,3,4");
        assert_eq!(swapped(&s, 1, -1), "2,1,3,4");
        assert_eq!(swapped(&s, 3, 1), "1,2,3,4");
        assert_eq!(swapped(&s, 2, 1), "1,2,4,3");
    }
}
