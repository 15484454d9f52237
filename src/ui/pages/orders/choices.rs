//! Picking a related record (vendor, customer, order) in a form or a list filter: a select of
//! the first hundred, or an id field when there are more or the caller cannot list them.

use leptos::prelude::*;

use crate::api::customers::list_customers;
use crate::api::orders::list_orders;
use crate::api::vendors::list_vendors;
use crate::domain::customer::CustomerQuery;
use crate::domain::order::OrderQuery;
use crate::domain::vendor::VendorQuery;
use crate::error::AppError;
use crate::ui::layout::use_me;

/// Most records offered in a select; beyond that the form asks for an id.
const CHOICES: i64 = 100;

/// How a form picks a related record: from a list of `(id, label)`, or by typing an id.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Choice {
    List(Vec<(i64, String)>),
    Id,
}

impl Choice {
    fn from_page(count: i64, options: Vec<(i64, String)>) -> Choice {
        if count <= CHOICES {
            Choice::List(options)
        } else {
            Choice::Id
        }
    }

    /// The label of `id`, when listed.
    pub fn label_of(&self, id: i64) -> Option<String> {
        match self {
            Choice::List(list) => list.iter().find(|(i, _)| *i == id).map(|(_, l)| l.clone()),
            Choice::Id => None,
        }
    }
}

/// The vendors to offer, by name.
pub async fn vendor_choice(can_list: bool) -> Choice {
    if !can_list {
        return Choice::Id;
    }
    let query =
        VendorQuery { ordering: Some("name".into()), page_size: Some(CHOICES.to_string()), ..Default::default() };
    match list_vendors(query).await {
        Ok(page) => Choice::from_page(page.count, page.results.into_iter().map(|v| (v.id, v.fields.name)).collect()),
        Err(_) => Choice::Id,
    }
}

/// The customers to offer, by name.
pub async fn customer_choice(can_list: bool) -> Choice {
    if !can_list {
        return Choice::Id;
    }
    let query =
        CustomerQuery { ordering: Some("name".into()), page_size: Some(CHOICES.to_string()), ..Default::default() };
    match list_customers(query).await {
        Ok(page) => Choice::from_page(page.count, page.results.into_iter().map(|c| (c.id, c.fields.name)).collect()),
        Err(_) => Choice::Id,
    }
}

/// The most recent orders to offer, labelled "ORD-2026-0001 · Title".
pub async fn order_choice(can_list: bool) -> Choice {
    if !can_list {
        return Choice::Id;
    }
    let query =
        OrderQuery { ordering: Some("-created_at".into()), page_size: Some(CHOICES.to_string()), ..Default::default() };
    match list_orders(query).await {
        Ok(page) => Choice::from_page(
            page.count,
            page.results.into_iter().map(|o| (o.id, format!("{} · {}", o.number, o.fields.title))).collect(),
        ),
        Err(_) => Choice::Id,
    }
}

/// A form field for a related record: a select (with an empty first option) when the records
/// can be listed, else an id input. `current` labels the chosen record when it is not listed.
#[component]
pub fn RefField(
    label: &'static str,
    name: &'static str,
    choice: Choice,
    value: Option<i64>,
    #[prop(optional_no_strip)] current: Option<String>,
    #[prop(default = "None")] blank: &'static str,
    #[prop(optional, into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = format!("f-{name}");
    let err_id = format!("f-{name}-error");
    let problem = Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field_error(name))));
    let input = match choice {
        Choice::List(mut list) => {
            if let Some(v) = value.filter(|v| !list.iter().any(|(i, _)| i == v)) {
                list.insert(0, (v, current.unwrap_or_else(|| format!("#{v}"))));
            }
            view! {
                <select id=id.clone() name=name aria-describedby=err_id.clone()>
                    <option value="">{blank}</option>
                    {list.into_iter().map(|(i, l)| view! {
                        <option value=i.to_string() selected=value == Some(i)>{l}</option>
                    }).collect_view()}
                </select>
            }
            .into_any()
        }
        Choice::Id => view! {
            <input id=id.clone() name=name type="text" inputmode="numeric" value=value.map(|v| v.to_string())
                placeholder="The number in its page address" aria-describedby=err_id.clone() />
        }
        .into_any(),
    };
    view! {
        <div class="field" class:invalid=move || problem.get().is_some()>
            <label for=id>{label}</label>
            {input}
            <p class="field-error" id=err_id>{move || problem.get()}</p>
        </div>
    }
}

/// A list filter for a related record (`key` is the query parameter): a select when the
/// records can be listed, else an id input.
#[component]
pub fn RefFilter(
    label: &'static str,
    key: &'static str,
    choice: Choice,
    current: Option<String>,
    #[prop(default = "Any")] any: &'static str,
) -> impl IntoView {
    let input = match choice {
        Choice::List(list) => view! {
            <select id=key name=key>
                <option value="">{any}</option>
                {list.into_iter().map(|(i, l)| {
                    let v = i.to_string();
                    let is = current.as_deref() == Some(v.as_str());
                    view! { <option value=v selected=is>{l}</option> }
                }).collect_view()}
            </select>
        }
        .into_any(),
        Choice::Id => view! {
            <input id=key name=key type="text" inputmode="numeric" placeholder="Id" value=current />
        }
        .into_any(),
    };
    view! {
        <div class="field">
            <label for=key>{label}</label>
            {input}
        </div>
    }
}

/// The vendor and customer filters of an operations list, each shown to those who may list
/// that kind of record.
#[component]
pub fn PartyFilters(vendor: Option<String>, customer: Option<String>) -> impl IntoView {
    let me = use_me();
    let (can_vendors, can_customers) = (me.can("vendors", "view"), me.can("customers", "view"));
    let vendors = Resource::new(move || can_vendors, vendor_choice);
    let customers = Resource::new(move || can_customers, customer_choice);
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let (vendor, customer) = (vendor.clone(), customer.clone());
                Suspend::new(async move {
                    let (vendors, customers) = (vendors.await, customers.await);
                    view! {
                        {can_vendors.then(|| view! {
                            <RefFilter label="Vendor" key="vendor" choice=vendors current=vendor />
                        })}
                        {can_customers.then(|| view! {
                            <RefFilter label="Customer" key="customer" choice=customers current=customer />
                        })}
                    }
                })
            }}
        </Suspense>
    }
}
