//! One pipeline: name and description, and its stages — add, rename, recolour, set the
//! probability, delete, and reorder (drag a row, or its up/down buttons, which are plain
//! forms). Every reorder is one `pipelines/reorder_stages` call with the full order.

use leptos::ev::DragEvent;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::kind_class;
use crate::api::pipelines::{
    get_pipeline, AddStage, DeleteStage, ReorderStages, SetDefaultPipeline, UpdatePipeline, UpdateStage,
};
use crate::domain::pipeline::{Pipeline, Stage, StageKind, DEFAULT_STAGE_COLOR};
use crate::error::AppError;
use crate::ui::components::drag::{set_drop_effect, start_drag};
use crate::ui::components::form::FormErrors;
use crate::ui::components::{
    ApiForm, ErrorBox, ErrorSummary, Field, FormAction, NextField, SelectField, TextAreaField,
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
    let pipeline = Resource::new(move || id.get(), get_pipeline);

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

#[component]
fn Header(p: Pipeline, actions: Actions) -> impl IntoView {
    let me = use_me();
    let error = actions.set_default.error();
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
                        <NextField href=here.clone() />
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
    let error = actions.update.error();
    let here = format!("/pipelines/{}", p.id);
    let status_options = vec![("true".to_owned(), "Active".to_owned()), ("false".to_owned(), "Inactive".to_owned())];
    me.can("pipelines", "edit").then(|| {
        view! {
            <section class="card">
                <h2>"Pipeline"</h2>
                <ApiForm action=actions.update>
                    <input type="hidden" name="id" value=p.id />
                    <NextField href=here />
                    <FormErrors error />
                    <Field label="Name" name="name" value=p.name.clone() required=true error />
                    <TextAreaField label="Description" name="description" rows=3 value=p.description.clone().unwrap_or_default() error />
                    <SelectField label="Status" name="is_active" value=p.is_active.to_string() options=status_options error />
                    <div class="form-actions">
                        <button type="submit" class="button primary">"Save"</button>
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

/// `order` (stage ids) with `id` moved to the place of `target`.
fn moved(order: &[i64], id: i64, target: i64) -> Option<Vec<i64>> {
    let from = order.iter().position(|s| *s == id)?;
    let to = order.iter().position(|s| *s == target)?;
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
    let errors = [actions.update_stage.error(), actions.delete_stage.error(), actions.reorder.error()];
    let error: Signal<Option<AppError>> = Signal::derive(move || errors.iter().find_map(|e| e.get()));
    let last = p.stages.len().saturating_sub(1);
    let rows = p
        .stages
        .iter()
        .enumerate()
        .map(|(index, stage)| {
            let sid = stage.id;
            let name = stage.name.clone();
            let tools = can_edit.then(|| {
                let up = swapped(&p.stages, index, -1);
                let down = swapped(&p.stages, index, 1);
                let (first, final_) = (index == 0, index >= last);
                let (here_up, here_down, here_delete) = (here.clone(), here.clone(), here.clone());
                view! {
                    <div class="stage-tools">
                        <ReorderArrow action=actions.reorder pipeline_id stage_ids=up here=here_up
                            label=format!("Move {name} up") text="↑" disabled=first />
                        <ReorderArrow action=actions.reorder pipeline_id stage_ids=down here=here_down
                            label=format!("Move {name} down") text="↓" disabled=final_ />
                        <details class="menu danger-menu">
                            <summary class="button small danger" aria-label=format!("Delete {name}")>"✕"</summary>
                            <div class="menu-panel">
                                <p>{format!("Delete the stage “{name}”? A stage with deals cannot be deleted.")}</p>
                                <ApiForm action=actions.delete_stage>
                                    <input type="hidden" name="id" value=sid />
                                    <NextField href=here_delete />
                                    <button type="submit" class="button danger">"Yes, delete"</button>
                                </ApiForm>
                            </div>
                        </details>
                    </div>
                }
            });
            let body = if can_edit {
                view! { <StageForm stage=stage.clone() here=here.clone() actions /> }.into_any()
            } else {
                view! { <StageSummary stage=stage.clone() /> }.into_any()
            };
            view! {
                <li class="stage-row" data-stage=sid draggable=can_edit.then_some("true")>
                    {can_edit.then_some(view! { <span class="drag-handle" aria-hidden="true" title="Drag to reorder">"⠿"</span> })}
                    {body}
                    {tools}
                </li>
            }
        })
        .collect_view();
    let list = view! { <ol class="stage-list" aria-label="Stages in order">{rows}</ol> };
    view! {
        <section class="card">
            <h2>"Stages"</h2>
            {can_edit.then(|| view! { <p class="muted">"Drag a row by its handle, or use the arrows, to change the order."</p> })}
            <ErrorSummary error />
            {if can_edit {
                view! { <StageDrag pipeline_id here=here.clone()>{list}</StageDrag> }.into_any()
            } else {
                list.into_any()
            }}
            {can_edit.then(|| view! { <AddStageForm pipeline_id here=here.clone() actions /> })}
        </section>
    }
}

/// An up or down button: posts the order with this stage swapped with its neighbour.
#[component]
fn ReorderArrow(
    action: FormAction<ReorderStages>,
    pipeline_id: i64,
    stage_ids: String,
    here: String,
    label: String,
    text: &'static str,
    disabled: bool,
) -> impl IntoView {
    view! {
        <ApiForm action>
            <input type="hidden" name="pipeline_id" value=pipeline_id />
            <input type="hidden" name="stage_ids" value=stage_ids />
            <NextField href=here />
            <button type="submit" class="button small icon" disabled=disabled aria-label=label>{text}</button>
        </ApiForm>
    }
}

/// Drag and drop of the stage rows among its children (`li[data-stage]`): dropping a row on
/// another moves it there at once and posts the new order with a hidden form, like the
/// arrows' forms (the page that comes back shows the order the server kept).
#[island]
fn StageDrag(pipeline_id: i64, here: String, children: Children) -> impl IntoView {
    let dragging = StoredValue::new(None::<i64>);
    let form = NodeRef::<leptos::html::Form>::new();
    let order = NodeRef::<leptos::html::Input>::new();
    let url = <ReorderStages as ServerFn>::url();
    view! {
        <div class="stage-drag"
            on:dragstart=move |ev: DragEvent| {
                if let Some((row, id)) = rows::at(&ev) {
                    start_drag(&ev, id);
                    dragging.set_value(Some(id));
                    rows::mark(&row, "dragging");
                }
            }
            on:dragover=move |ev: DragEvent| {
                if let (Some(id), Some((row, target))) = (dragging.get_value(), rows::at(&ev)) {
                    ev.prevent_default();
                    set_drop_effect(&ev);
                    if target != id {
                        rows::mark(&row, "drop-target");
                    }
                }
            }
            on:dragend=move |ev: DragEvent| {
                dragging.set_value(None);
                if let Some((row, _)) = rows::at(&ev) {
                    rows::clear(&row);
                }
            }
            on:drop=move |ev: DragEvent| {
                ev.prevent_default();
                let Some((target, target_id)) = rows::at(&ev) else { return };
                rows::clear(&target);
                let Some(id) = dragging.get_value() else { return };
                dragging.set_value(None);
                if let (Some(ids), Some(form), Some(order)) = (rows::reordered(&target, id, target_id), form.get(), order.get()) {
                    order.set_value(&ids);
                    let _ = form.request_submit();
                }
            }>
            {children()}
            <form method="post" action=url node_ref=form hidden>
                <input type="hidden" name="pipeline_id" value=pipeline_id />
                <input type="hidden" name="stage_ids" node_ref=order />
                <NextField href=here />
            </form>
        </div>
    }
}

/// The stage rows of [`StageDrag`] in the DOM (`li[data-stage]`).
mod rows {
    use leptos::ev::DragEvent;
    use wasm_bindgen::JsCast;
    use web_sys::Element;

    /// The stage row the event happened in, and its stage id.
    pub fn at(ev: &DragEvent) -> Option<(Element, i64)> {
        let target = ev.target()?.dyn_into::<Element>().ok()?;
        let row = target.closest("li[data-stage]").ok()??;
        let id = row.get_attribute("data-stage")?.parse().ok()?;
        Some((row, id))
    }

    /// The rows of the list `row` is in.
    fn siblings(row: &Element) -> Vec<Element> {
        let Some(rows) = row.parent_element().and_then(|list| list.query_selector_all(":scope > li[data-stage]").ok())
        else {
            return Vec::new();
        };
        (0..rows.length()).filter_map(|i| rows.item(i)?.dyn_into::<Element>().ok()).collect()
    }

    /// Gives `class` to `row` alone among its list's rows.
    pub fn mark(row: &Element, class: &str) {
        for other in siblings(row) {
            let _ = if other == *row { other.class_list().add_1(class) } else { other.class_list().remove_1(class) };
        }
    }

    /// Takes the drag's marks off the rows of `row`'s list.
    pub fn clear(row: &Element) {
        for other in siblings(row) {
            let _ = other.class_list().remove_2("dragging", "drop-target");
        }
    }

    /// Moves row `id` to the place of `target` (row `target_id`) and returns the new order
    /// (comma-separated ids, as `reorder_stages` takes it); `None` when nothing moves.
    pub fn reordered(target: &Element, id: i64, target_id: i64) -> Option<String> {
        let all = siblings(target);
        let ids: Vec<i64> = all.iter().filter_map(|r| r.get_attribute("data-stage")?.parse().ok()).collect();
        let new_order = super::moved(&ids, id, target_id)?;
        // Shown at once; the page the post brings back has the order the server kept.
        let dragged = all.iter().find(|r| r.get_attribute("data-stage").as_deref() == Some(&id.to_string()))?;
        let after = new_order.iter().position(|r| *r == id) > new_order.iter().position(|r| *r == target_id);
        let before = if after { target.next_sibling() } else { Some(target.clone().into()) };
        let _ = target.parent_element()?.insert_before(dragged, before.as_ref());
        Some(new_order.iter().map(i64::to_string).collect::<Vec<_>>().join(","))
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
                <NextField href=here />
                <label class="sr-only" for=field("color")>{format!("Colour of {}", stage.name)}</label>
                <input type="color" id=field("color") name="color" value=stage.css_color().to_owned() class="stage-color" />
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
            <span class="stage-swatch" style=format!("background: {}", stage.css_color()) aria-hidden="true"></span>
            <span class="stage-name">{stage.name.clone()}</span>
            <span class="stage-probability">{format!("{}%", stage.probability)}</span>
            <span class=kind_class(stage.kind)>{stage.kind.label()}</span>
        </div>
    }
}

#[component]
fn AddStageForm(pipeline_id: i64, here: String, actions: Actions) -> impl IntoView {
    let error = actions.add.error();
    let problem = move |name: &'static str| move || error.with(|e| e.as_ref().and_then(|e| e.field_error(name)));
    view! {
        <h3 class="subhead">"Add a stage"</h3>
        <ApiForm action=actions.add>
            <input type="hidden" name="pipeline_id" value=pipeline_id />
            <NextField href=here />
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
                    <input id="new-stage-color" name="color" type="color" value=DEFAULT_STAGE_COLOR />
                    <p class="field-error">{problem("color")}</p>
                </div>
            </div>
            <div class="form-actions">
                <button type="submit" class="button primary">"Add stage"</button>
            </div>
        </ApiForm>
    }
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
        assert_eq!(moved(&[1, 2, 3, 4], 4, 1).unwrap(), [4, 1, 2, 3]);
        assert_eq!(moved(&[1, 2, 3, 4], 1, 3).unwrap(), [2, 3, 1, 4]);
        assert!(moved(&[1, 2, 3, 4], 2, 2).is_none());
        assert_eq!(swapped(&s, 0, -1), "1,2,3,4");
        assert_eq!(swapped(&s, 1, -1), "2,1,3,4");
        assert_eq!(swapped(&s, 3, 1), "1,2,3,4");
        assert_eq!(swapped(&s, 2, 1), "1,2,4,3");
    }
}
