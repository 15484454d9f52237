//! One vendor: summary, edit form, delete, and the vendor's orders, payments and issues.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::form::VendorFieldset;
use super::{stars, status_class};
use crate::api::vendors::{get_vendor, DeleteVendor, UpdateVendor};
use crate::domain::vendor::Vendor;
use crate::ui::components::form::FormErrors;
use crate::ui::components::record::DeleteMenu;
use crate::ui::components::{time, ApiForm, EditInPlace, ErrorBox, FormAction};
use crate::ui::layout::use_me;
use crate::ui::pages::issues::RelatedIssues;
use crate::ui::pages::orders::RelatedOrders;
use crate::ui::pages::payments::RelatedPayments;

#[component]
pub fn VendorDetailPage() -> impl IntoView {
    let me = use_me();
    let can_edit = me.can("vendors", "edit");
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0)));
    let update = FormAction::<UpdateVendor>::new();
    let delete = FormAction::<DeleteVendor>::new();
    let vendor = Resource::new(move || id.get(), get_vendor);
    let update_error = update.error();
    let delete_error = delete.error();

    view! {
        <div class="record">
            <Transition fallback=|| view! { <p class="loading">"Loading vendor…"</p> }>
                {move || Suspend::new(async move {
                    match vendor.await {
                        Ok(v) => view! {
                            <Title text=v.fields.name.clone() />
                            <div class="record-head">
                                <Header v=v.clone() delete />
                                <FormErrors error=delete_error />
                            </div>
                            <div class="record-facts">
                                <Summary v=v.clone() />
                                {can_edit.then(|| view! {
                                    <EditInPlace error=update_error>
                                        <ApiForm action=update>
                                            <input type="hidden" name="id" value=v.id />
                                            <input type="hidden" name="version" value=v.version />
                                            <FormErrors error=update_error />
                                            <VendorFieldset fields=v.fields.clone() error=update_error />
                                            <div class="form-actions">
                                                <button type="submit" class="button primary">"Save changes"</button>
                                            </div>
                                        </ApiForm>
                                        </EditInPlace>
                                })}
                            </div>
                        }.into_any(),
                        Err(err) => view! { <ErrorBox err /> }.into_any(),
                    }
                })}
            </Transition>
            <div class="record-main">
                <RelatedOrders by="vendor" id=id />
                <RelatedPayments by="vendor" id=id />
                <RelatedIssues by="vendor" id=id />
            </div>
        </div>
    }
    .into_any()
}

#[component]
fn Header(v: Vendor, delete: FormAction<DeleteVendor>) -> impl IntoView {
    let me = use_me();
    let subtitle = [v.fields.company.clone(), Some(v.fields.vendor_type.label().to_owned())]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <div class="page-header">
            <div>
                <A href="/vendors">"← All vendors"</A>
                <h1>{v.fields.name.clone()} " " <span class=status_class(v.fields.status)>{v.fields.status.label()}</span></h1>
                <p class="muted">{subtitle}</p>
            </div>
            <div class="actions">
                {me.can("vendors", "delete").then(|| view! {
                    <DeleteMenu action=delete id=v.id next="/vendors" question="Delete this vendor? This cannot be undone. A vendor with orders or payments is kept: set it inactive instead." />
                })}
            </div>
        </div>
    }
    .into_any()
}

#[component]
fn Summary(v: Vendor) -> impl IntoView {
    let address = [&v.fields.street, &v.fields.city, &v.fields.state, &v.fields.postal_code, &v.fields.country]
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let row = |label: &'static str, value: Option<String>| {
        view! { <div class="dl-row"><dt>{label}</dt><dd>{value.filter(|v| !v.is_empty()).unwrap_or_else(|| "—".into())}</dd></div> }
    };
    view! {
        <section class="card">
            <h2>"Details"</h2>
            <dl class="dl">
                {row("Contact", v.fields.contact_person.clone())}
                {row("Email", v.fields.email.clone())}
                {row("Phone", v.fields.phone.clone())}
                {row("Website", v.fields.website.clone())}
                {row("Type", Some(v.fields.vendor_type.label().to_owned()))}
                <div class="dl-row"><dt>"Rating"</dt><dd class="stars">{v.fields.rating.map(|r| format!("{} ({r}/5)", stars(Some(r)))).unwrap_or_else(|| "—".into())}</dd></div>
                {row("Payment terms", v.fields.payment_terms.clone())}
                {row("Address", Some(address))}
                {row("Notes", v.fields.notes.clone())}
                {row("Created", Some(time::date_time(v.created_at)))}
                {row("Updated", Some(time::date_time(v.updated_at)))}
            </dl>
        </section>
    }
    .into_any()
}
