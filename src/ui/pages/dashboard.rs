//! The dashboard: the caller's day (today's and overdue activities), the organization's
//! figures at a glance (SPEC §5, within the caller's scope), and the caller's own figures.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::activities::{get_my_day, CompleteActivity};
use crate::api::analytics::{get_dashboard, get_quick_stats};
use crate::api::customers::get_customer_stats;
use crate::domain::analytics::{Dashboard, QuickStats};
use crate::domain::customer::{CustomerStatus, CustomerType};
use crate::domain::money;
use crate::ui::components::chart::{BarChart, Datum};
use crate::ui::components::timeline::TimelineEntry;
use crate::ui::components::{ErrorBox, FormAction};
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
    let complete = FormAction::<CompleteActivity>::new();
    let my_day = Resource::new(
        move || can_activities,
        |can| async move {
            if can {
                get_my_day().await.map(Some)
            } else {
                Ok(None)
            }
        },
    );
    // Analytics figures; "your figures" too for those whose figures cover everyone's records.
    let can_analytics = me.can("analytics", "view");
    let sees_all = me.can("analytics", "view_all");
    let figures = Resource::new(
        move || can_analytics,
        move |can| async move {
            if !can {
                return Ok(None);
            }
            let mine = if sees_all { Some(get_quick_stats().await?) } else { None };
            Ok::<_, crate::error::AppError>(Some((get_dashboard().await?, mine)))
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
        {can_analytics.then(|| view! {
            <Transition fallback=|| view! { <p class="loading">"Loading figures…"</p> }>
                {move || Suspend::new(async move {
                    match figures.await {
                        Ok(Some((d, mine))) => view! { <Figures d /> {mine.map(|q| view! { <YourFigures q /> })} }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(err) => view! { <ErrorBox err /> }.into_any(),
                    }
                })}
            </Transition>
        })}
        {can_customers.then(|| view! {
            <Transition fallback=|| view! { <p class="loading">"Loading figures…"</p> }>
                {move || Suspend::new(async move {
                    match stats.await {
                        Ok(None) => ().into_any(),
                        Ok(Some(s)) => {
                            let status = CustomerStatus::ALL.iter()
                                .map(|st| Datum::count(st.label(), s.by_status.get(st.as_str()).copied().unwrap_or(0)))
                                .collect::<Vec<_>>();
                            let kinds = CustomerType::ALL.iter()
                                .map(|t| Datum::count(t.label(), s.by_type.get(t.as_str()).copied().unwrap_or(0)))
                                .collect::<Vec<_>>();
                            let active = s.by_status.get("active").copied().unwrap_or(0);
                            view! {
                                // With analytics, the customer counts are among its figures.
                                {(!can_analytics).then(|| view! {
                                    <section class="cards" aria-label="Customer figures">
                                        <Stat label="Customers" value=s.total.to_string() href="/customers" />
                                        <Stat label="Active" value=active.to_string() href="/customers?status=active" />
                                        <Stat label="New this month" value=s.new_this_month.to_string() href="/customers?ordering=-created_at" />
                                    </section>
                                })}
                                <section class="card-grid">
                                    <div class="card"><BarChart title="Customers by status".to_owned() data=status axis="Customers" /></div>
                                    <div class="card"><BarChart title="Customers by type".to_owned() data=kinds axis="Customers" /></div>
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

/// One figure of the dashboard, linking to where it comes from.
#[component]
fn Stat(
    label: &'static str,
    value: String,
    href: &'static str,
    #[prop(optional, into)] note: Option<String>,
) -> impl IntoView {
    view! {
        <a class="card stat" href=href>
            <span class="stat-label">{label}</span>
            <span class="stat-value">{value}</span>
            {note.map(|n| view! { <span class="stat-note">{n}</span> })}
        </a>
    }
}

/// The organization's figures (within the caller's scope).
#[component]
fn Figures(d: Dashboard) -> impl IntoView {
    let m = |amount| money::format(amount, &d.currency);
    let change = d.won_change_percent.map_or_else(
        || format!("last month {}", m(d.won_last_month.amount)),
        |p| format!("{}{p}% on last month", if p.is_sign_negative() { "" } else { "+" }),
    );
    view! {
        <section class="cards" aria-label="Figures">
            <Stat label="Customers" value=d.customers.to_string() href="/customers"
                note=format!("{} active · {} new this month", d.active_customers, d.new_customers_this_month) />
            <Stat label="Open leads" value=d.open_leads.to_string() href="/leads"
                note=format!("{} new this month", d.new_leads_this_month) />
            <Stat label="Open deals" value=m(d.open_deals.amount) href="/deals"
                note=format!("{} deals · weighted {}", d.open_deals.count, m(d.weighted_pipeline)) />
            <Stat label="Won this month" value=m(d.won_this_month.amount) href="/analytics" note=change />
            <Stat label="Win rate" value=format!("{}%", d.win_rate) href="/analytics" />
            <Stat label="Orders this month" value=d.orders_this_month.to_string() href="/orders"
                note=format!("sales {}", m(d.order_revenue_this_month)) />
            <Stat label="Outstanding payments" value=m(d.outstanding_payments.amount) href="/payments?status=pending"
                note=format!("{} overdue: {}", d.overdue_payments.count, m(d.overdue_payments.amount)) />
            <Stat label="Received this month" value=m(d.received_this_month.amount) href="/payments?status=completed" />
            <Stat label="Open issues" value=d.open_issues.to_string() href="/issues"
                note=format!("{} urgent", d.urgent_issues) />
            <Stat label="Overdue activities" value=d.overdue_activities.to_string() href="/activities"
                note=format!("{} completed this month", d.activities_completed_this_month) />
        </section>
    }
}

/// The caller's own figures (for those whose dashboard covers everyone's records).
#[component]
fn YourFigures(q: QuickStats) -> impl IntoView {
    let m = |amount| money::format(amount, &q.currency);
    view! {
        <section class="card" aria-labelledby="your-figures">
            <h2 id="your-figures">"Your figures"</h2>
            <p class="muted">
                {format!(
                    "{} customers · {} open leads · {} open deals worth {} · won this month {} · {} overdue activities · {} open issues",
                    q.customers, q.open_leads, q.open_deals.count, m(q.open_deals.amount),
                    m(q.won_this_month.amount), q.overdue_activities, q.open_issues,
                )}
            </p>
        </section>
    }
}
