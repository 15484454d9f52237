//! The dashboard: the caller's day (today's and overdue activities) and the organization's
//! figures at a glance.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::activities::{get_my_day, CompleteActivity};
use crate::api::customers::get_customer_stats;
use crate::domain::customer::{CustomerStatus, CustomerType};
use crate::ui::components::chart::BarChart;
use crate::ui::components::timeline::TimelineEntry;
use crate::ui::components::ErrorBox;
use crate::ui::layout::use_me;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let me = use_me();
    let can_customers = me.can("customers", "view");
    // Loaded only for those who may see them (a refused call is an error in the console).
    let stats = Resource::new(
        move || can_customers,
        |can| async move {
            if can {
                get_customer_stats().await.map(Some)
            } else {
                Ok(None)
            }
        },
    );
    let can_activities = me.can("activities", "view");
    let can_complete = me.can("activities", "edit");
    let complete = ServerAction::<CompleteActivity>::new();
    let my_day = Resource::new(
        move || (can_activities, complete.version().get()),
        |(can, _)| async move {
            if can {
                get_my_day().await.map(Some)
            } else {
                Ok(None)
            }
        },
    );
    let greeting = format!("Welcome back, {}", me.user.first_name);
    let portal = me.is_portal();
    view! {
        <Title text="Dashboard" />
        <div class="page-header">
            <h1>{greeting}</h1>
            <p class="muted">{me.organization.map(|o| o.name)}</p>
        </div>
        {portal.then(|| view! {
            <section class="cards" aria-label="Your account">
                <a class="card stat" href="/orders"><span class="stat-label">"Your orders"</span><span class="stat-value">"→"</span></a>
                <a class="card stat" href="/payments"><span class="stat-label">"Your payments"</span><span class="stat-value">"→"</span></a>
                <a class="card stat" href="/issues"><span class="stat-label">"Your issues"</span><span class="stat-value">"→"</span></a>
            </section>
            <p><a class="button primary" href="/issues/new">"Raise an issue"</a></p>
        })}
        {can_activities.then(|| view! {
            <section class="card my-day" aria-label="My day">
                <h2>"My day"</h2>
                <Transition fallback=|| view! { <p class="loading">"Loading your activities…"</p> }>
                    {move || Suspend::new(async move {
                        match my_day.await {
                            Ok(Some(day)) => {
                                let complete = can_complete.then_some(complete);
                                let list = move |items: Vec<crate::domain::activity::Activity>, empty: &'static str| {
                                    if items.is_empty() {
                                        view! { <p class="muted">{empty}</p> }.into_any()
                                    } else {
                                        view! {
                                            <ol class="timeline">
                                                {items.into_iter().map(|a| view! { <TimelineEntry a complete /> }).collect_view()}
                                            </ol>
                                        }.into_any()
                                    }
                                };
                                let overdue_count = day.overdue.len();
                                view! {
                                    <h3>"Today"</h3>
                                    {list(day.today, "Nothing scheduled for today.")}
                                    <h3>{format!("Overdue ({overdue_count})")}</h3>
                                    {list(day.overdue, "Nothing overdue.")}
                                    <p><a href="/activities">"All activities"</a></p>
                                }.into_any()
                            }
                            Ok(None) => ().into_any(),
                            Err(err) => view! { <ErrorBox err /> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
        })}
        {can_customers.then(|| view! {
            <Transition fallback=|| view! { <p class="loading">"Loading figures…"</p> }>
                {move || Suspend::new(async move {
                    match stats.await {
                        Ok(None) => ().into_any(),
                        Ok(Some(s)) => {
                            let status = CustomerStatus::ALL.iter()
                                .map(|st| (st.label().to_owned(), s.by_status.get(st.as_str()).copied().unwrap_or(0)))
                                .collect::<Vec<_>>();
                            let kinds = CustomerType::ALL.iter()
                                .map(|t| (t.label().to_owned(), s.by_type.get(t.as_str()).copied().unwrap_or(0)))
                                .collect::<Vec<_>>();
                            let active = s.by_status.get("active").copied().unwrap_or(0);
                            view! {
                                <section class="cards" aria-label="Customer figures">
                                    <a class="card stat" href="/customers"><span class="stat-label">"Customers"</span><span class="stat-value">{s.total}</span></a>
                                    <a class="card stat" href="/customers?status=active"><span class="stat-label">"Active"</span><span class="stat-value">{active}</span></a>
                                    <a class="card stat" href="/customers?ordering=-created_at"><span class="stat-label">"New this month"</span><span class="stat-value">{s.new_this_month}</span></a>
                                </section>
                                <section class="card-grid">
                                    <div class="card"><BarChart title="Customers by status" data=status /></div>
                                    <div class="card"><BarChart title="Customers by type" data=kinds /></div>
                                </section>
                            }.into_any()
                        }
                        Err(err) => view! { <ErrorBox err /> }.into_any(),
                    }
                })}
            </Transition>
        })}
    }
}
