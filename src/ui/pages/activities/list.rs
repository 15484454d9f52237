//! The activities list: search as you type, filters (type, status, assignee, date range),
//! sortable columns, pages in the URL.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::activities::list_activities;
use crate::domain::activity::{ActivityQuery, ActivityStatus, ActivityType};
use crate::domain::list::ListParams;
use crate::ui::components::pagination::Pagination;
use crate::ui::components::timeline::status_class;
use crate::ui::components::{time, AllColumns, AssigneeFilter, ErrorBox, ExportLink, SelectFilter, SortHeader};
use crate::ui::layout::use_me;

#[component]
pub fn ActivityListPage() -> impl IntoView {
    let me = use_me();
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        query.with(|q| ActivityQuery {
            search: q.get("search"),
            activity_type: q.get("activity_type"),
            status: q.get("status"),
            assigned_to: q.get("assigned_to"),
            customer_id: q.get("customer_id"),
            lead_id: q.get("lead_id"),
            deal_id: q.get("deal_id"),
            from: q.get("from"),
            to: q.get("to"),
            ordering: q.get("ordering"),
            page: q.get("page"),
            page_size: q.get("page_size"),
        })
    });
    let activities = Resource::new(move || filters.get(), list_activities);
    let initial = filters.get_untracked();
    let sees_all = me.can("activities", "view_all");
    // Filters on a linked record come from links (a timeline's "all activities"): kept as they are.
    let links = [
        ("customer_id", initial.customer_id.clone()),
        ("lead_id", initial.lead_id.clone()),
        ("deal_id", initial.deal_id.clone()),
    ];
    view! {
        <Title text="Activities" />
        <div class="page-header">
            <h1>"Activities"</h1>
            <div class="actions">
                <ExportLink resource="activities" />
                {me.can("activities", "create").then(|| view! { <A href="/activities/new" attr:class="button primary">"New activity"</A> })}
            </div>
        </div>
        <form class="filters" method="get" action="/activities" role="search" data-live="">
            {links.into_iter().filter_map(|(k, v)| v.map(|v| view! { <input type="hidden" name=k value=v /> })).collect_view()}
            <div class="field">
                <label for="search">"Search"</label>
                <input id="search" type="search" name="search" placeholder="Title or description"
                    value=initial.search.clone() />
            </div>
            <SelectFilter label="Type" name="activity_type" options=ActivityType::options(ActivityType::ALL)
                current=initial.activity_type.clone() />
            <SelectFilter label="Status" name="status" options=ActivityStatus::options(ActivityStatus::ALL)
                current=initial.status.clone() />
            {sees_all.then(|| view! { <AssigneeFilter current=initial.assigned_to.clone() /> })}
            <div class="field">
                <label for="from">"Scheduled from"</label>
                <input id="from" type="date" name="from" value=initial.from.clone() />
            </div>
            <div class="field">
                <label for="to">"to"</label>
                <input id="to" type="date" name="to" value=initial.to.clone() />
            </div>
            <noscript><button type="submit" class="button">"Apply"</button></noscript>
        </form>
        <Transition fallback=|| view! { <p class="loading">"Loading activities…"</p> }>
            {move || Suspend::new(async move {
                match activities.await {
                    Ok(page) => {
                        let params = filters.with_untracked(|f| f.validate().map(|(_, p)| p).ok())
                            .unwrap_or(ListParams { page: 1, page_size: 25, order_by: "created_at", descending: true });
                        let page_count = params.page_count(page.count);
                        let current_page = params.page;
                        let count = page.count;
                        if page.results.is_empty() {
                            return view! { <div class="card empty">"No activities match. " <A href="/activities">"Clear the filters"</A></div> }.into_any();
                        }
                        view! {
                            <div class="card table-card">
                                <AllColumns />
                                <table class="table">
                                    <thead>
                                        <tr>
                                            <SortHeader field="title" label="Title" />
                                            <SortHeader field="activity_type" label="Type" class="hide-sm" />
                                            <SortHeader field="status" label="Status" />
                                            <SortHeader field="scheduled_at" label="Scheduled" />
                                            <th scope="col" class="hide-sm">"About"</th>
                                            <th scope="col" class="hide-sm">"Assigned to"</th>
                                            <SortHeader field="created_at" label="Created" class="hide-sm" />
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {page.results.into_iter().map(|a| {
                                            let about = [
                                                a.fields.customer_id.map(|id| (format!("/customers/{id}"), a.customer_name.clone().unwrap_or_default())),
                                                a.fields.lead_id.map(|id| (format!("/leads/{id}"), a.lead_name.clone().unwrap_or_default())),
                                                a.fields.deal_id.map(|id| (format!("/deals/{id}"), a.deal_title.clone().unwrap_or_default())),
                                            ];
                                            view! {
                                                <tr>
                                                    <td><A href=format!("/activities/{}", a.id)>{a.fields.title.clone()}</A></td>
                                                    <td class="hide-sm"><span aria-hidden="true">{a.fields.activity_type.icon()}</span> " " {a.fields.activity_type.label()}</td>
                                                    <td><span class=status_class(a.fields.status)>{a.fields.status.label()}</span></td>
                                                    <td>{a.fields.scheduled_at.map(|t| view! { <time datetime=t.to_rfc3339()>{time::date_time(t)}</time> })}</td>
                                                    <td class="hide-sm">
                                                        {about.into_iter().flatten().map(|(href, name)| view! { <A href=href>{name}</A> " " }).collect_view()}
                                                    </td>
                                                    <td class="hide-sm">{a.assigned_to_name.clone()}</td>
                                                    <td class="hide-sm"><time datetime=a.created_at.to_rfc3339()>{time::date(a.created_at)}</time></td>
                                                </tr>
                                            }
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
