//! The organization's pipelines: create, set the default, delete.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::pipelines::{list_pipelines, CreatePipeline, DeletePipeline, SetDefaultPipeline};
use crate::ui::components::form::FormErrors;
use crate::ui::components::{ApiForm, ErrorBox, Field, FormAction, TextAreaField};
use crate::ui::layout::use_me;

#[component]
pub fn PipelineListPage() -> impl IntoView {
    let me = use_me();
    let create = FormAction::<CreatePipeline>::new();
    let set_default = FormAction::<SetDefaultPipeline>::new();
    let delete = FormAction::<DeletePipeline>::new();
    let pipelines = Resource::new(|| (), |_| list_pipelines());
    let create_error = create.error();
    let default_error = set_default.error();
    let delete_error = delete.error();
    let list_error = Signal::derive(move || default_error.get().or_else(|| delete_error.get()));
    let (can_create, can_edit, can_delete) =
        (me.can("pipelines", "create"), me.can("pipelines", "edit"), me.can("pipelines", "delete"));
    view! {
        <Title text="Pipelines" />
        <div class="page-header">
            <div>
                <h1>"Pipelines"</h1>
                <p class="muted">"The stages deals travel through. New deals start on the default pipeline."</p>
            </div>
            <A href="/deals/board" attr:class="button">"Deal board"</A>
        </div>
        <FormErrors error=list_error />
        <Transition fallback=|| view! { <p class="loading">"Loading pipelines…"</p> }>
            {move || Suspend::new(async move {
                match pipelines.await {
                    Ok(list) if list.is_empty() => view! { <div class="card empty">"No pipelines yet."</div> }.into_any(),
                    Ok(list) => view! {
                        <div class="card table-card">
                            <table class="table">
                                <thead>
                                    <tr>
                                        <th scope="col">"Name"</th>
                                        <th scope="col">"Stages"</th>
                                        <th scope="col">"Status"</th>
                                        <th scope="col"><span class="sr-only">"Actions"</span></th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list.into_iter().map(|p| {
                                        let stages = p.stages.iter().map(|s| s.name.clone()).collect::<Vec<_>>().join(" → ");
                                        let id = p.id;
                                        let delete_text = format!("Delete the pipeline “{}” and its stages? A pipeline with deals cannot be deleted.", p.name);
                                        view! {
                                            <tr>
                                                <td>
                                                    <A href=format!("/pipelines/{id}")>{p.name.clone()}</A>
                                                    {p.is_default.then(|| view! { " " <span class="badge badge-blue">"Default"</span> })}
                                                    {p.description.clone().map(|d| view! { <p class="muted small wrap">{d}</p> })}
                                                </td>
                                                <td class="wrap">{stages}</td>
                                                <td>{if p.is_active { view! { <span class="badge badge-green">"Active"</span> } } else { view! { <span class="badge badge-grey">"Inactive"</span> } }}</td>
                                                <td class="row-actions">
                                                    <A href=format!("/deals/board?pipeline={id}")>"Board"</A>
                                                    {(can_edit && !p.is_default).then(|| view! {
                                                        <ApiForm action=set_default>
                                                            <input type="hidden" name="id" value=id />
                                                            <input type="hidden" name="next" value="/pipelines" />
                                                            <button type="submit" class="button small">"Make default"</button>
                                                        </ApiForm>
                                                    })}
                                                    {(can_delete && !p.is_default).then(|| view! {
                                                        <details class="menu danger-menu">
                                                            <summary class="button small danger">"Delete…"</summary>
                                                            <div class="menu-panel">
                                                                <p>{delete_text}</p>
                                                                <ApiForm action=delete>
                                                                    <input type="hidden" name="id" value=id />
                                                                    <input type="hidden" name="next" value="/pipelines" />
                                                                    <button type="submit" class="button danger">"Yes, delete"</button>
                                                                </ApiForm>
                                                            </div>
                                                        </details>
                                                    })}
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                    Err(err) => view! { <ErrorBox err /> }.into_any(),
                }
            })}
        </Transition>
        {can_create.then(|| view! {
            <section class="card">
                <h2>"New pipeline"</h2>
                <ApiForm action=create>
                    <input type="hidden" name="next" value="/pipelines/{id}" />
                    <FormErrors error=create_error />
                    <div class="form-grid">
                        <Field label="Name" name="name" required=true error=create_error />
                        <Field label="Stages (comma-separated)" name="stages"
                            placeholder="Empty: Lead, Qualified, Proposal, Negotiation, Won, Lost" error=create_error />
                        <TextAreaField label="Description" name="description" rows=2 error=create_error />
                    </div>
                    <div class="form-actions">
                        <button type="submit" class="button primary">"Create pipeline"</button>
                    </div>
                </ApiForm>
            </section>
        })}
    }
}
