//! The deal form (shared by create and edit) and the create page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::customers::list_customers;
use crate::api::deals::CreateDeal;
use crate::api::employees::employee_choices;
use crate::api::pipelines::list_pipelines;
use crate::domain::customer::CustomerQuery;
use crate::domain::deal::{DealFields, DealPriority};
use crate::domain::employee::EmployeeChoice;
use crate::domain::pipeline::Pipeline;
use crate::error::AppError;
use crate::ui::components::form::FormErrors;
use crate::ui::components::{use_hydrated, ApiForm, Field, FormAction, SelectField, TextAreaField};
use crate::ui::layout::use_me;

/// Most customers offered in the customer select; beyond that the form asks for an id.
const CUSTOMER_CHOICES: i64 = 100;

/// How the form picks a customer: from a list of `(id, name)`, or by typing an id.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum CustomerChoice {
    List(Vec<(i64, String)>),
    Id,
}

/// The customers to offer (the first hundred by name), or [`CustomerChoice::Id`] when there
/// are more or the caller cannot list customers.
pub async fn customer_choice(can_list: bool) -> CustomerChoice {
    if !can_list {
        return CustomerChoice::Id;
    }
    let query = CustomerQuery {
        ordering: Some("name".into()),
        page_size: Some(CUSTOMER_CHOICES.to_string()),
        ..Default::default()
    };
    match list_customers(query).await {
        Ok(page) if page.count <= CUSTOMER_CHOICES => {
            CustomerChoice::List(page.results.into_iter().map(|c| (c.id, c.fields.name)).collect())
        }
        _ => CustomerChoice::Id,
    }
}

/// The editable fields of a deal other than its pipeline and stage (those move through
/// their own controls). `customer_name` labels the current customer when it is not listed.
#[component]
pub fn DealFieldset(
    fields: DealFields,
    #[prop(optional)] customer_name: Option<String>,
    customers: CustomerChoice,
    employees: Vec<EmployeeChoice>,
    /// A new deal: probability starts empty (the stage's applies).
    #[prop(optional)]
    creating: bool,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let d = fields;
    let probability = if creating { String::new() } else { d.probability.to_string() };
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let employee_options: Vec<(String, String)> = employees.iter().map(|e| (e.id.to_string(), e.label())).collect();
    let customer_value = d.customer_id.map(|c| c.to_string()).unwrap_or_default();
    let customer = match customers {
        CustomerChoice::List(mut list) => {
            if let Some(id) = d.customer_id.filter(|id| !list.iter().any(|(c, _)| c == id)) {
                list.insert(0, (id, customer_name.unwrap_or_else(|| format!("Customer #{id}"))));
            }
            let options = list.into_iter().map(|(id, name)| (id.to_string(), name)).collect();
            view! { <SelectField label="Customer" name="customer_id" value=customer_value blank="No customer" options error /> }
                .into_any()
        }
        CustomerChoice::Id => view! {
            <Field label="Customer id" name="customer_id" kind="text" value=customer_value
                placeholder="The number in the customer's page address" error />
        }
        .into_any(),
    };
    view! {
        <div class="form-grid">
            <Field label="Title" name="title" value=d.title.clone() required=true error />
            {customer}
            <Field label="Value" name="value" kind="number" value=d.value.to_string() error />
            <ProbabilityField value=probability error />
            <SelectField label="Priority" name="priority" value=d.priority.as_str().to_owned()
                options=DealPriority::options(DealPriority::ALL) error />
            <Field label="Expected close date" name="expected_close_date" kind="date"
                value=d.expected_close_date.map(|c| c.to_string()).unwrap_or_default() error />
            <SelectField label="Assigned to" name="assigned_to" value=d.assigned_to.map(|a| a.to_string()).unwrap_or_default()
                blank="Nobody" options=employee_options error />
            <Field label="Tags (comma-separated)" name="tags" value=d.tags.join(", ") error />
            <TextAreaField label="Description" name="description" value=text(&d.description) error />
        </div>
    }
}

/// Win probability in whole percent; left empty, the stage's probability applies.
#[component]
fn ProbabilityField(value: String, #[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let problem = Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field_error("probability"))));
    view! {
        <div class="field" class:invalid=move || problem.get().is_some()>
            <label for="f-probability">"Probability (%)"</label>
            <input id="f-probability" name="probability" type="number" min="0" max="100" step="1" value=value
                placeholder="From the stage"
                aria-invalid=move || problem.get().is_some().then_some("true") aria-describedby="f-probability-error" />
            <p class="field-error" id="f-probability-error">{move || problem.get()}</p>
        </div>
    }
}

/// Pipeline and stage selects. Without JavaScript every pipeline's stages are offered (the
/// server refuses a stage of another pipeline); once the app runs, only the chosen pipeline's.
#[island]
pub fn PipelineStageFields(
    pipelines: Vec<Pipeline>,
    pipeline: Option<i64>,
    stage: Option<i64>,
    error: Option<AppError>,
) -> impl IntoView {
    let error = Signal::stored(error);
    let hydrated = use_hydrated();
    let initial = pipeline
        .filter(|id| pipelines.iter().any(|p| p.id == *id))
        .or_else(|| pipelines.iter().find(|p| p.is_default).or(pipelines.first()).map(|p| p.id))
        .unwrap_or_default();
    let chosen = RwSignal::new(initial);
    let stage_value = RwSignal::new(
        stage.filter(|s| pipelines.iter().any(|p| p.id == initial && p.stage(*s).is_some())).map(|s| s.to_string()),
    );
    let pipeline_problem =
        Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field_error("pipeline_id"))));
    let stage_problem = Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field_error("stage_id"))));
    let initial_stage = stage_value.get_untracked();
    let groups = pipelines
        .iter()
        .map(|p| {
            let pid = p.id;
            let stages = p
                .stages
                .iter()
                .map(|s| {
                    let id = s.id.to_string();
                    let is = initial_stage.as_deref() == Some(id.as_str());
                    view! { <option value=id selected=is>{format!("{} ({}%)", s.name, s.probability)}</option> }
                })
                .collect_view();
            let off = move || hydrated.get() && chosen.get() != pid;
            view! { <optgroup label=p.name.clone() disabled=off hidden=off>{stages}</optgroup> }
        })
        .collect_view();
    view! {
        <div class="field" class:invalid=move || pipeline_problem.get().is_some()>
            <label for="f-pipeline_id">"Pipeline"</label>
            <select id="f-pipeline_id" name="pipeline_id" on:change=move |ev| {
                chosen.set(event_target_value(&ev).parse().unwrap_or_default());
                stage_value.set(None);
            }>
                {pipelines.iter().map(|p| {
                    view! { <option value=p.id.to_string() selected=p.id == initial>{p.name.clone()}</option> }
                }).collect_view()}
            </select>
            <p class="field-error">{move || pipeline_problem.get()}</p>
        </div>
        <div class="field" class:invalid=move || stage_problem.get().is_some()>
            <label for="f-stage_id">"Stage"</label>
            <select id="f-stage_id" name="stage_id" prop:value=move || stage_value.get().unwrap_or_default()
                on:change=move |ev| stage_value.set(Some(event_target_value(&ev)).filter(|v| !v.is_empty()))>
                <option value="">"First stage"</option>
                {groups}
            </select>
            <p class="field-error">{move || stage_problem.get()}</p>
        </div>
    }
}

#[component]
pub fn DealNewPage() -> impl IntoView {
    let me = use_me();
    let can_list_customers = me.can("customers", "view");
    let query = use_query_map();
    let create = FormAction::<CreateDeal>::new();
    let error = create.error();
    let employees = Resource::new(|| (), |_| employee_choices());
    let pipelines = Resource::new(|| (), |_| list_pipelines());
    let customers = Resource::new(move || can_list_customers, customer_choice);
    let param = move |key: &str| query.with_untracked(|q| q.get(key).and_then(|v| v.parse::<i64>().ok()));
    let (pipeline, stage, customer) = (param("pipeline"), param("stage"), param("customer"));
    let back = customer.map(|c| format!("/customers/{c}")).unwrap_or_else(|| "/deals".to_owned());
    view! {
        <Title text="New deal" />
        <div class="page-header">
            <h1>"New deal"</h1>
            <A href="/deals">"← All deals"</A>
        </div>
        <section class="card">
            <ApiForm action=create>
                <input type="hidden" name="next" value="/deals/{id}" />
                <FormErrors error />
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        let employees = employees.await.unwrap_or_default();
                        let pipelines = pipelines.await.unwrap_or_default();
                        let customers = customers.await;
                        let fields = DealFields { customer_id: customer, ..DealFields::default() };
                        view! {
                            <div class="form-grid">
                                <PipelineStageFields pipelines pipeline stage error=error.get_untracked() />
                            </div>
                            <DealFieldset fields customers employees creating=true error />
                        }
                    })}
                </Suspense>
                <div class="form-actions">
                    <button type="submit" class="button primary">"Create deal"</button>
                    <A href=back>"Cancel"</A>
                </div>
            </ApiForm>
        </section>
    }
}
