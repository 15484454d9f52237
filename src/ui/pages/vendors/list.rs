//! The vendors list: search as you type, filters, sortable columns, pages in the URL.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::{stars, status_class};
use crate::api::vendors::{list_vendor_types, list_vendors};
use crate::domain::list::ListParams;
use crate::domain::vendor::{VendorQuery, VendorStatus, VendorType};
use crate::ui::components::pagination::Pagination;
use crate::ui::components::{time, AllColumns, ErrorBox, ExportLink, SelectFilter, SortHeader};
use crate::ui::layout::use_me;

#[component]
pub fn VendorListPage() -> impl IntoView {
    let me = use_me();
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        query.with(|q| VendorQuery {
            search: q.get("search"),
            vendor_type: q.get("vendor_type"),
            status: q.get("status"),
            ordering: q.get("ordering"),
            page: q.get("page"),
            page_size: q.get("page_size"),
        })
    });
    let vendors = Resource::new(move || filters.get(), list_vendors);
    let types = Resource::new(|| (), |_| list_vendor_types());

    let initial = filters.get_untracked();
    view! {
        <Title text="Vendors" />
        <div class="page-header">
            <h1>"Vendors"</h1>
            <div class="actions">
                <ExportLink resource="vendors" />
                {me.can("vendors", "create").then(|| view! { <A href="/vendors/new" attr:class="button primary">"New vendor"</A> })}
            </div>
        </div>
        <form class="filters" method="get" action="/vendors" role="search" data-live="">
            <div class="field">
                <label for="search">"Search"</label>
                <input id="search" type="search" name="search" placeholder="Name, company or email"
                    value=initial.search.clone() />
            </div>
            <div class="field">
                <label for="vendor_type">"Type"</label>
                <select id="vendor_type" name="vendor_type">
                    <option value="">"Any"</option>
                    <Suspense fallback=|| ()>
                        {move || {
                            let current = filters.with_untracked(|f| f.vendor_type.clone());
                            Suspend::new(async move {
                                // Each type with how many vendors have it (every type, even without the counts).
                                let counts = types.await.unwrap_or_default();
                                VendorType::ALL.iter().map(|t| {
                                    let label = match counts.iter().find(|c| c.value == *t) {
                                        Some(c) => format!("{} ({})", c.label, c.count),
                                        None => t.label().to_owned(),
                                    };
                                    view! { <option value=t.as_str() selected=current.as_deref() == Some(t.as_str())>{label}</option> }
                                }).collect_view()
                            })
                        }}
                    </Suspense>
                </select>
            </div>
            <SelectFilter label="Status" name="status" options=VendorStatus::options(VendorStatus::ALL)
                current=initial.status.clone() />
            <noscript><button type="submit" class="button">"Apply"</button></noscript>
        </form>
        <Transition fallback=|| view! { <p class="loading">"Loading vendors…"</p> }>
            {move || Suspend::new(async move {
                match vendors.await {
                    Ok(page) => {
                        let params = filters.with_untracked(|f| f.validate().map(|(_, p)| p).ok())
                            .unwrap_or(ListParams { page: 1, page_size: 25, order_by: "created_at", descending: true });
                        let page_count = params.page_count(page.count);
                        let current_page = params.page;
                        let count = page.count;
                        if page.results.is_empty() {
                            return view! { <div class="card empty">"No vendors match. " <A href="/vendors">"Clear the filters"</A></div> }.into_any();
                        }
                        view! {
                            <div class="card table-card">
                                <AllColumns />
                                <table class="table">
                                    <thead>
                                        <tr>
                                            <SortHeader field="name" label="Name" />
                                            <SortHeader field="company" label="Company" />
                                            <SortHeader field="vendor_type" label="Type" />
                                            <SortHeader field="status" label="Status" />
                                            <SortHeader field="rating" label="Rating" />
                                            <th scope="col" class="hide-sm">"Contact"</th>
                                            <th scope="col" class="hide-sm">"Email"</th>
                                            <SortHeader field="created_at" label="Created" class="hide-sm" />
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {page.results.into_iter().map(|v| view! {
                                            <tr>
                                                <td><A href=format!("/vendors/{}", v.id)>{v.fields.name.clone()}</A></td>
                                                <td>{v.fields.company.clone()}</td>
                                                <td>{v.fields.vendor_type.label()}</td>
                                                <td><span class=status_class(v.fields.status)>{v.fields.status.label()}</span></td>
                                                <td class="stars" aria-label=v.fields.rating.map(|r| format!("{r} of 5"))>{stars(v.fields.rating)}</td>
                                                <td class="hide-sm">{v.fields.contact_person.clone()}</td>
                                                <td class="hide-sm">{v.fields.email.clone()}</td>
                                                <td class="hide-sm"><time datetime=v.created_at.to_rfc3339()>{time::date(v.created_at)}</time></td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <Pagination page=current_page page_count count />
                        }.into_any()
                    }
                    Err(err) => view! { <ErrorBox err /> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}
