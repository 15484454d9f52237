//! `/search?q=…`: the results of the header's search box, grouped by kind of record (the page
//! the box opens; without JavaScript, the search itself).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::search::search_all;
use crate::ui::components::ErrorBox;

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let q = Memo::new(move |_| query.with(|q| q.get("q")).map(|q| q.trim().to_owned()).filter(|q| !q.is_empty()));
    let results = Resource::new(
        move || q.get(),
        |q| async move {
            match q {
                Some(q) => Some(search_all(Some(q), Some("10".into())).await),
                None => None,
            }
        },
    );
    view! {
        <Title text="Search" />
        <div class="page-header"><h1>"Search"</h1></div>
        <form class="filters" method="get" action="/search" role="search">
            <div class="field">
                <label for="search-q">"Customers, leads, deals, orders, payments, issues, vendors, employees, activities"</label>
                <input id="search-q" type="search" name="q" value=move || q.get().unwrap_or_default() />
            </div>
            <button type="submit" class="button">"Search"</button>
        </form>
        <Transition fallback=|| view! { <p class="loading">"Searching…"</p> }>
            {move || Suspend::new(async move {
                match results.await {
                    None => view! { <p class="muted">"Type a name, a number, an address or a word of a title."</p> }.into_any(),
                    Some(Ok(found)) if found.groups.is_empty() => view! {
                        <div class="card empty">{format!("Nothing matches “{}”.", found.query)}</div>
                    }.into_any(),
                    Some(Ok(found)) => found.groups.into_iter().map(|g| {
                        let shown = g.hits.len() as i64;
                        view! {
                            <section class="card search-group" aria-label=g.label.clone()>
                                <h2>{g.label.clone()} " " <span class="muted small">{g.count}</span></h2>
                                <ul class="plain-list">
                                    {g.hits.into_iter().map(|h| view! {
                                        <li>
                                            <A href=h.url><strong>{h.title}</strong></A>
                                            <span class="muted small">{format!(" · {}", h.detail)}</span>
                                        </li>
                                    }).collect_view()}
                                </ul>
                                {(g.count > shown).then(|| view! {
                                    <p><A href=g.more_url>{format!("All {} {}", g.count, g.label.to_lowercase())}</A></p>
                                })}
                            </section>
                        }
                    }).collect_view().into_any(),
                    Some(Err(err)) => view! { <ErrorBox err /> }.into_any(),
                }
            })}
        </Transition>
    }
}
