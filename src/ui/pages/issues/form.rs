//! The issue form (shared by create and edit) and the create page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::employees::employee_choices;
use crate::api::issues::CreateIssue;
use crate::domain::employee::EmployeeChoice;
use crate::domain::issue::{IssueCategory, IssueFields, IssuePriority, IssueStatus};
use crate::error::AppError;
use crate::ui::components::form::FormErrors;
use crate::ui::components::{ApiForm, Field, FormAction, SelectField, TextAreaField};
use crate::ui::layout::use_me;
use crate::ui::pages::orders::{customer_choice, id_param, order_choice, vendor_choice, Choice, RefField};

/// What an issue form offers: records to link to and employees to assign.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct IssueChoices {
    pub vendors: Choice,
    pub orders: Choice,
    pub customers: Choice,
    pub employees: Vec<EmployeeChoice>,
}

/// Loads the choices of an issue form, each only when the caller may list those records.
pub async fn issue_choices(can: (bool, bool, bool, bool)) -> IssueChoices {
    let (vendors, orders, customers, staff) = can;
    IssueChoices {
        vendors: vendor_choice(vendors).await,
        orders: order_choice(orders).await,
        customers: customer_choice(customers).await,
        employees: if staff { employee_choices().await.unwrap_or_default() } else { Vec::new() },
    }
}

/// What an issue form may load for this caller: vendors, orders, customers, employees.
pub fn issue_choice_rights() -> (bool, bool, bool, bool) {
    let me = use_me();
    (me.can("vendors", "view"), me.can("orders", "view"), me.can("customers", "view"), !me.is_portal())
}

/// Labels of the records an issue is linked to (for records not in the choices).
#[derive(Clone, Default)]
pub struct IssueLinks {
    pub vendor: Option<String>,
    pub order: Option<String>,
    pub customer: Option<String>,
}

/// The editable fields of an issue. A resolved issue's status changes only through
/// Reopen, so its status is then shown, not offered.
#[component]
pub fn IssueFieldset(
    fields: IssueFields,
    links: IssueLinks,
    choices: IssueChoices,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let i = fields;
    // A portal member describes the problem and may name one of their orders; the rest is
    // for the staff.
    let staff = !use_me().is_portal();
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let employee_options: Vec<(String, String)> =
        choices.employees.iter().map(|e| (e.id.to_string(), e.label())).collect();
    let status = if IssueStatus::EDITABLE.contains(&i.status) {
        view! {
            <SelectField label="Status" name="status" value=i.status.as_str().to_owned()
                options=IssueStatus::options(IssueStatus::EDITABLE) error />
        }
        .into_any()
    } else {
        view! {
            <div class="field">
                <span class="label">"Status"</span>
                <p class="static-value">{i.status.label()} <span class="muted small">" (reopen it to change)"</span></p>
            </div>
        }
        .into_any()
    };
    view! {
        <div class="form-grid">
            <Field label="Title" name="title" value=i.title.clone() required=true error />
            <SelectField label="Priority" name="priority" value=i.priority.as_str().to_owned()
                options=IssuePriority::options(IssuePriority::ALL) error />
            <SelectField label="Category" name="category" value=i.category.as_str().to_owned()
                options=IssueCategory::options(IssueCategory::ALL) error />
            {staff.then_some(status)}
            <RefField label="Order" name="order_id" choice=choices.orders value=i.order_id current=links.order
                blank="No order" error />
            {staff.then(|| view! {
                <RefField label="Vendor" name="vendor_id" choice=choices.vendors value=i.vendor_id current=links.vendor
                    blank="No vendor" error />
                <RefField label="Customer" name="customer_id" choice=choices.customers value=i.customer_id
                    current=links.customer blank="No customer" error />
                <SelectField label="Assigned to" name="assigned_to" value=i.assigned_to.map(|a| a.to_string()).unwrap_or_default()
                    blank="Nobody" options=employee_options error />
            })}
            <TextAreaField label="Description" name="description" value=text(&i.description) error />
        </div>
    }
    .into_any()
}

#[component]
pub fn IssueNewPage() -> impl IntoView {
    let can = issue_choice_rights();
    let query = use_query_map();
    let create = FormAction::<CreateIssue>::new();
    let error = create.error();
    let choices = Resource::new(move || can, issue_choices);
    let param = move |key: &str| query.with_untracked(|q| id_param(q.get(key)));
    let (order, vendor, customer) = (param("order"), param("vendor"), param("customer"));
    let back = match (order, vendor, customer) {
        (Some(o), _, _) => format!("/orders/{o}"),
        (None, Some(v), _) => format!("/vendors/{v}"),
        (None, None, Some(c)) => format!("/customers/{c}"),
        _ => "/issues".to_owned(),
    };
    view! {
        <Title text="New issue" />
        <div class="page-header">
            <h1>"New issue"</h1>
            <A href="/issues">"← All issues"</A>
        </div>
        <section class="card">
            <ApiForm action=create>
                <input type="hidden" name="next" value="/issues/{id}" />
                <FormErrors error />
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        let choices = choices.await;
                        let fields = IssueFields { order_id: order, vendor_id: vendor, customer_id: customer, ..IssueFields::default() };
                        view! { <IssueFieldset fields links=IssueLinks::default() choices error /> }
                    })}
                </Suspense>
                <div class="form-actions">
                    <button type="submit" class="button primary">"Raise issue"</button>
                    <A href=back>"Cancel"</A>
                </div>
            </ApiForm>
        </section>
    }
    .into_any()
}
