//! The leads list: search as you type, filters, sortable columns, pages in the URL.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::{score_class, status_class};
use crate::api::leads::list_leads;
use crate::domain::lead::{LeadQuery, LeadSource, LeadStatus};
use crate::domain::list::ListParams;
use crate::domain::money;
use crate::ui::components::pagination::Pagination;
use crate::ui::components::time;
use crate::ui::components::{AllColumns, AssigneeFilter, ErrorBox, ExportLink, SelectFilter, SortHeader};
use crate::ui::layout::use_me;

#[component]
pub fn LeadListPage() -> impl IntoView {
    let me = use_me();
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        query.with(|q| LeadQuery {
            search: q.get("search"),
            status: q.get("status"),
            source: q.get("source"),
            assigned_to: q.get("assigned_to"),
            score_min: q.get("score_min"),
            score_max: q.get("score_max"),
            ordering: q.get("ordering"),
            page: q.get("page"),
            page_size: q.get("page_size"),
        })
    });
    let leads = Resource::new(move || filters.get(), list_leads);

    let initial = filters.get_untracked();
    view! {
        <Title text="Leads" />
        <div class="page-header">
            <h1>"Leads"</h1>
            <div class="actions">
                <ExportLink resource="leads" />
                {me.can("leads", "create").then(|| view! { <A href="/leads/import" attr:class="button">"Import CSV"</A> })}
                {me.can("leads", "create").then(|| view! { <A href="/leads/new" attr:class="button primary">"New lead"</A> })}
            </div>
        </div>
        <form class="filters" method="get" action="/leads" role="search" data-live="">
            <div class="field">
                <label for="search">"Search"</label>
                <input id="search" type="search" name="search" placeholder="Name, email or company"
                    value=initial.search.clone() />
            </div>
            <SelectFilter label="Status" name="status" options=LeadStatus::options(LeadStatus::ALL)
                current=initial.status.clone() />
            <SelectFilter label="Source" name="source" options=LeadSource::options(LeadSource::ALL)
                current=initial.source.clone() />
            <AssigneeFilter current=initial.assigned_to.clone() />
            <noscript><button type="submit" class="button">"Apply"</button></noscript>
        </form>
        <Transition fallback=|| view! { <p class="loading">"Loading leads…"</p> }>
            {move || Suspend::new(async move {
                match leads.await {
                    Ok(page) => {
                        let params = filters.with_untracked(|f| f.validate().map(|(_, p)| p).ok())
                            .unwrap_or(ListParams { page: 1, page_size: 25, order_by: "created_at", descending: true });
                        let page_count = params.page_count(page.count);
                        let current_page = params.page;
                        let count = page.count;
                        if page.results.is_empty() {
                            return view! { <div class="card empty">"No leads match. " <A href="/leads">"Clear the filters"</A></div> }.into_any();
                        }
                        view! {
                            <div class="card table-card">
                                <AllColumns />
                                <table class="table">
                                    <thead>
                                        <tr>
                                            <SortHeader field="first_name" label="Name" />
                                            <SortHeader field="company" label="Company" class="hide-sm" />
                                            <SortHeader field="email" label="Email" class="hide-sm" />
                                            <SortHeader field="status" label="Status" />
                                            <SortHeader field="source" label="Source" class="hide-sm" />
                                            <SortHeader field="score" label="Score" />
                                            <SortHeader field="estimated_value" label="Est. value" class="hide-sm" />
                                            <th scope="col" class="hide-sm">"Assigned to"</th>
                                            <SortHeader field="created_at" label="Created" class="hide-sm" />
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {page.results.into_iter().map(|l| {
                                            let name = l.full_name();
                                            view! {
                                            <tr>
                                                <td><A href=format!("/leads/{}", l.id)>{name}</A></td>
                                                <td class="hide-sm">{l.fields.company.clone()}</td>
                                                <td class="hide-sm">{l.fields.email.clone()}</td>
                                                <td><span class=status_class(l.status)>{l.status.label()}</span></td>
                                                <td class="hide-sm">{l.fields.source.label()}</td>
                                                <td class="num"><span class=score_class(l.fields.score)>{l.fields.score}</span></td>
                                                <td class="num hide-sm">{l.fields.estimated_value.map(|d| money::format(d, &l.currency))}</td>
                                                <td class="hide-sm">{l.assigned_to_name.clone()}</td>
                                                <td class="hide-sm"><time datetime=l.created_at.to_rfc3339()>{time::date(l.created_at)}</time></td>
                                            </tr>
                                        }}).collect_view()}
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
}
