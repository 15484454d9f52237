//! Analytics (SPEC §5): revenue by period, the sales funnel, top performers and employee
//! performance, for the range in the URL (so a view can be bookmarked). Charts are SVG drawn
//! on the server.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::analytics::{get_employee_performance, get_funnel, get_revenue};
use crate::api::pipelines::list_pipelines;
use crate::domain::analytics::{AnalyticsQuery, PerformanceReport, Period};
use crate::domain::money;
use crate::ui::components::chart::{BarChart, Datum, FunnelChart, LineChart, Series};
use crate::ui::components::ErrorBox;
use crate::ui::pages::pipelines::pipeline_options;

#[component]
pub fn AnalyticsPage() -> impl IntoView {
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        query.with(|q| AnalyticsQuery {
            period: q.get("period"),
            from: q.get("from"),
            to: q.get("to"),
            pipeline_id: q.get("pipeline_id"),
            limit: None,
        })
    });
    let revenue = Resource::new(move || filters.get(), get_revenue);
    let funnel = Resource::new(
        move || filters.with(|f| f.pipeline_id.clone()),
        |pipeline_id| get_funnel(AnalyticsQuery { pipeline_id, ..AnalyticsQuery::default() }),
    );
    let performance = Resource::new(move || filters.get(), get_employee_performance);
    let me = crate::ui::layout::use_me();
    let link_employees = me.can("employees", "view");
    // The funnel's pipeline is chosen among the organization's pipelines when there are several.
    let pipelines = Resource::new(
        move || me.can("pipelines", "view"),
        |can| async move {
            if can {
                list_pipelines().await
            } else {
                Ok(Vec::new())
            }
        },
    );
    let initial = filters.get_untracked();
    let period = initial.period.clone().unwrap_or_else(|| Period::Month.as_str().to_owned());
    let initial_pipeline = initial.pipeline_id.clone();
    view! {
        <Title text="Analytics" />
        <div class="page-header">
            <h1>"Analytics"</h1>
        </div>
        <Form method="GET" action="/analytics" attr:class="filters">
            <div class="field">
                <label for="period">"Revenue by"</label>
                <select id="period" name="period">
                    {Period::ALL.iter().map(|p| {
                        let selected = p.as_str() == period;
                        view! { <option value=p.as_str() selected=selected>{p.label()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="from">"From"</label>
                <input id="from" type="date" name="from" value=initial.from.clone() />
            </div>
            <div class="field">
                <label for="to">"To"</label>
                <input id="to" type="date" name="to" value=initial.to.clone() />
            </div>
            <Transition fallback=|| ()>
                {move || {
                    let chosen = initial_pipeline.clone().unwrap_or_default();
                    Suspend::new(async move {
                        match pipelines.await {
                            Ok(list) if list.len() > 1 => view! {
                                <div class="field">
                                    <label for="pipeline_id">"Funnel of"</label>
                                    <select id="pipeline_id" name="pipeline_id">
                                        {pipeline_options(list, chosen.parse().ok())}
                                    </select>
                                </div>
                            }.into_any(),
                            // One pipeline (or none visible): a funnel chosen by address stays chosen.
                            _ => (!chosen.is_empty())
                                .then(|| view! { <input type="hidden" name="pipeline_id" value=chosen /> })
                                .into_any(),
                        }
                    })
                }}
            </Transition>
            <button type="submit" class="button">"Apply"</button>
        </Form>
        <Transition fallback=|| view! { <p class="loading">"Loading revenue…"</p> }>
            {move || Suspend::new(async move {
                match revenue.await {
                    Ok(r) => {
                        let period = r.period.unwrap_or(Period::Month);
                        let series = |name: &str, pick: fn(&crate::domain::analytics::RevenueBucket) -> &crate::domain::analytics::CountAmount| Series {
                            name: name.to_owned(),
                            data: r.buckets.iter().map(|b| Datum::money(b.label.clone(), pick(b).amount, &r.currency)).collect(),
                        };
                        let lines = vec![series("Deals won", |b| &b.won), series("Payments received", |b| &b.received)];
                        let range = match (r.from, r.to) {
                            (Some(from), Some(to)) => format!("{from} to {to} ({})", r.time_zone),
                            _ => String::new(),
                        };
                        view! {
                            <section class="card" aria-labelledby="revenue-heading">
                                <h2 id="revenue-heading">"Revenue"</h2>
                                <p class="muted">{range}</p>
                                <section class="cards">
                                    <div class="card stat">
                                        <span class="stat-label">{format!("Deals won ({})", r.total_won.count)}</span>
                                        <span class="stat-value">{money::format(r.total_won.amount, &r.currency)}</span>
                                    </div>
                                    <div class="card stat">
                                        <span class="stat-label">{format!("Payments received ({})", r.total_received.count)}</span>
                                        <span class="stat-value">{money::format(r.total_received.amount, &r.currency)}</span>
                                    </div>
                                </section>
                                <LineChart
                                    title=format!("Revenue by {}", period.label().to_lowercase())
                                    x_axis=period.label().to_owned()
                                    y_axis=format!("Revenue ({})", r.currency)
                                    series=lines
                                />
                            </section>
                        }.into_any()
                    }
                    Err(err) => view! { <ErrorBox err /> }.into_any(),
                }
            })}
        </Transition>
        <section class="card-grid">
            <div class="card">
                <Transition fallback=|| view! { <p class="loading">"Loading the funnel…"</p> }>
                    {move || Suspend::new(async move {
                        match funnel.await {
                            Ok(f) => {
                                let steps = f.steps.iter().map(|s| {
                                    let text = if s.key.starts_with("lead:") {
                                        s.count.to_string()
                                    } else {
                                        format!("{} · {}", s.count, money::format(s.value, &f.currency))
                                    };
                                    Datum { label: s.label.clone(), value: s.count as f64, text }
                                }).collect();
                                view! {
                                    <FunnelChart title=format!("Sales funnel: {}", f.pipeline_name) steps />
                                    <p class="muted">
                                        {format!("Lead conversion {}% · win rate {}% · {} lost", f.lead_conversion_rate, f.win_rate, f.lost)}
                                    </p>
                                }.into_any()
                            }
                            Err(err) => view! { <ErrorBox err /> }.into_any(),
                        }
                    })}
                </Transition>
            </div>
            <div class="card">
                <Transition fallback=|| view! { <p class="loading">"Loading top performers…"</p> }>
                    {move || Suspend::new(async move {
                        match performance.await {
                            Ok(report) => top_performers(&report).into_any(),
                            Err(err) => view! { <ErrorBox err /> }.into_any(),
                        }
                    })}
                </Transition>
            </div>
        </section>
        <Transition fallback=|| view! { <p class="loading">"Loading employee performance…"</p> }>
            {move || Suspend::new(async move {
                match performance.await {
                    Ok(report) => performance_table(report, link_employees).into_any(),
                    Err(err) => view! { <ErrorBox err /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The five employees with the most revenue in the range, as bars.
fn top_performers(report: &PerformanceReport) -> impl IntoView {
    let data: Vec<Datum> = report
        .employees
        .iter()
        .filter(|e| !e.revenue.is_zero())
        .take(5)
        .map(|e| Datum::money(e.name.clone(), e.revenue, &report.currency))
        .collect();
    if data.is_empty() {
        return view! { <h2>"Top performers"</h2><p class="muted">"No deals won in this range."</p> }.into_any();
    }
    view! { <BarChart title="Top performers by revenue".to_owned() data axis=format!("Revenue won ({})", report.currency) /> }
        .into_any()
}

/// Every employee's results in the range (names link to employees for those who may see them).
fn performance_table(report: PerformanceReport, link_employees: bool) -> impl IntoView {
    let range = match (report.from, report.to) {
        (Some(from), Some(to)) => format!("{from} to {to}"),
        _ => String::new(),
    };
    let currency = report.currency;
    view! {
        <section class="card table-card" aria-labelledby="performance-heading">
            <h2 id="performance-heading">"Employee performance"</h2>
            <p class="muted">{range}</p>
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Employee"</th>
                        <th scope="col" class="hide-sm">"Department"</th>
                        <th scope="col" class="num">"Won"</th>
                        <th scope="col" class="num">"Revenue"</th>
                        <th scope="col" class="num hide-sm">"Lost"</th>
                        <th scope="col" class="num hide-sm">"Win rate"</th>
                        <th scope="col" class="num">"Activities done"</th>
                        <th scope="col" class="num hide-sm">"Leads converted"</th>
                    </tr>
                </thead>
                <tbody>
                    {report.employees.into_iter().map(|e| view! {
                        <tr>
                            <td>
                                {if link_employees {
                                    view! { <a href=format!("/employees/{}", e.employee_id)>{e.name}</a> }.into_any()
                                } else {
                                    e.name.into_any()
                                }}
                            </td>
                            <td class="hide-sm">{e.department}</td>
                            <td class="num">{e.deals_won}</td>
                            <td class="num">{money::format(e.revenue, &currency)}</td>
                            <td class="num hide-sm">{e.deals_lost}</td>
                            <td class="num hide-sm">{format!("{}%", e.win_rate)}</td>
                            <td class="num">{e.activities_completed}</td>
                            <td class="num hide-sm">{e.leads_converted}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
