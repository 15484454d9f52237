//! The deals list: search as you type, filters, sortable columns, pages in the URL.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::{board_url, priority_class, status_class};
use crate::api::deals::list_deals;
use crate::api::pipelines::list_pipelines;
use crate::domain::deal::{DealPriority, DealQuery, DealStatus};
use crate::domain::list::ListParams;
use crate::domain::money;
use crate::ui::components::pagination::Pagination;
use crate::ui::components::{time, AllColumns, ErrorBox, ExportLink, SelectFilter, SortHeader};
use crate::ui::layout::use_me;

#[component]
pub fn DealListPage() -> impl IntoView {
    let me = use_me();
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        query.with(|q| DealQuery {
            search: q.get("search"),
            pipeline: q.get("pipeline"),
            stage: q.get("stage"),
            status: q.get("status"),
            priority: q.get("priority"),
            assigned_to: q.get("assigned_to"),
            customer: q.get("customer"),
            value_min: q.get("value_min"),
            value_max: q.get("value_max"),
            close_from: q.get("close_from"),
            close_to: q.get("close_to"),
            ordering: q.get("ordering"),
            page: q.get("page"),
            page_size: q.get("page_size"),
        })
    });
    let deals = Resource::new(move || filters.get(), list_deals);
    let pipelines = Resource::new(|| (), |_| list_pipelines());

    let initial = filters.get_untracked();
    let board_link = move || board_url(filters.with(|f| f.pipeline.as_deref().and_then(|p| p.parse().ok())));
    view! {
        <Title text="Deals" />
        <div class="page-header">
            <h1>"Deals"</h1>
            <div class="actions">
                <A href=board_link attr:class="button">"Board"</A>
                <ExportLink resource="deals" />
                {me.can("deals", "create").then(|| view! { <A href="/deals/new" attr:class="button primary">"New deal"</A> })}
            </div>
        </div>
        <form class="filters filters-deals" method="get" action="/deals" role="search" data-live="">
            <div class="field">
                <label for="search">"Search"</label>
                <input id="search" type="search" name="search" placeholder="Title or customer"
                    value=initial.search.clone() />
            </div>
            <Suspense fallback=|| ()>
                {move || {
                    let (pipeline, stage) = (initial.pipeline.clone(), initial.stage.clone());
                    Suspend::new(async move {
                        let pipelines = pipelines.await.unwrap_or_default();
                        let stage_groups = pipelines.iter().map(|p| {
                            let stages = p.stages.iter().map(|s| {
                                let id = s.id.to_string();
                                let is = stage.as_deref() == Some(id.as_str());
                                view! { <option value=id selected=is>{s.name.clone()}</option> }
                            }).collect_view();
                            view! { <optgroup label=p.name.clone()>{stages}</optgroup> }
                        }).collect_view();
                        view! {
                            <div class="field">
                                <label for="pipeline">"Pipeline"</label>
                                <select id="pipeline" name="pipeline" data-clears="stage">
                                    <option value="">"All"</option>
                                    {pipelines.iter().map(|p| {
                                        let id = p.id.to_string();
                                        let is = pipeline.as_deref() == Some(id.as_str());
                                        view! { <option value=id selected=is>{p.name.clone()}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="stage">"Stage"</label>
                                <select id="stage" name="stage">
                                    <option value="">"Any"</option>
                                    {stage_groups}
                                </select>
                            </div>
                        }
                    })
                }}
            </Suspense>
            <SelectFilter label="Status" name="status" options=DealStatus::options(DealStatus::ALL)
                current=initial.status.clone() />
            <SelectFilter label="Priority" name="priority" options=DealPriority::options(DealPriority::ALL)
                current=initial.priority.clone() />
            <noscript><button type="submit" class="button">"Apply"</button></noscript>
        </form>
        <Transition fallback=|| view! { <p class="loading">"Loading deals…"</p> }>
            {move || Suspend::new(async move {
                match deals.await {
                    Ok(page) => {
                        let params = filters.with_untracked(|f| f.validate().map(|(_, p)| p).ok())
                            .unwrap_or(ListParams { page: 1, page_size: 25, order_by: "created_at", descending: true });
                        let page_count = params.page_count(page.count);
                        let current_page = params.page;
                        let count = page.count;
                        if page.results.is_empty() {
                            return view! { <div class="card empty">"No deals match. " <A href="/deals">"Clear the filters"</A></div> }.into_any();
                        }
                        view! {
                            <div class="card table-card">
                                <AllColumns />
                                <table class="table">
                                    <thead>
                                        <tr>
                                            <SortHeader field="title" label="Title" />
                                            <th scope="col" class="hide-sm">"Customer"</th>
                                            <th scope="col">"Stage"</th>
                                            <SortHeader field="value" label="Value" class="num" />
                                            <SortHeader field="probability" label="Prob." class="num hide-sm" />
                                            <th scope="col" class="hide-sm">"Status"</th>
                                            <th scope="col" class="hide-sm">"Priority"</th>
                                            <th scope="col" class="hide-sm">"Owner"</th>
                                            <SortHeader field="expected_close_date" label="Close by" class="hide-sm" />
                                            <SortHeader field="created_at" label="Created" class="hide-sm" />
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {page.results.into_iter().map(|d| view! {
                                            <tr>
                                                <td><A href=format!("/deals/{}", d.id)>{d.fields.title.clone()}</A></td>
                                                <td class="hide-sm">{d.fields.customer_id.map(|cid| view! {
                                                    <A href=format!("/customers/{cid}")>{d.customer_name.clone().unwrap_or_else(|| format!("#{cid}"))}</A>
                                                })}</td>
                                                <td>{d.stage_name.clone()} <span class="muted small">{format!(" · {}", d.pipeline_name)}</span></td>
                                                <td class="num">{money::format(d.fields.value, &d.currency)}</td>
                                                <td class="num hide-sm">{format!("{}%", d.fields.probability)}</td>
                                                <td class="hide-sm"><span class=status_class(d.status)>{d.status.label()}</span></td>
                                                <td class="hide-sm"><span class=priority_class(d.fields.priority)>{d.fields.priority.label()}</span></td>
                                                <td class="hide-sm">{d.assigned_to_name.clone()}</td>
                                                <td class="hide-sm">{d.fields.expected_close_date.map(|c| c.to_string())}</td>
                                                <td class="hide-sm"><time datetime=d.created_at.to_rfc3339()>{time::date(d.created_at)}</time></td>
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
}
