//! The related records of a record page (a customer's deals, orders, payments and issues; a
//! vendor's; an order's): the newest few, each with its name, then its state and its amount, the rest
//! one link away. Each kind turns its list answer into [`RelatedRows`]; this draws them.

use leptos::prelude::*;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// How many records a section shows (the newest; the rest are one link away): few enough that
/// every kind's first records show without scrolling beside a record's timeline.
pub const SHOWN: i64 = 5;

/// One related record as its section shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RelatedRow {
    pub href: String,
    /// Its name (a number and a title for orders and issues).
    pub name: String,
    /// Its amount, when it has one.
    pub amount: Option<String>,
    /// Its state: badges as (CSS class, text).
    pub badges: Vec<(String, String)>,
    /// What else tells it apart (a stage, a due date).
    pub detail: Option<String>,
}

/// The first rows of a section and how many records there are in all.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RelatedRows {
    pub count: i64,
    pub rows: Vec<RelatedRow>,
}

/// A badge of a row.
pub fn badge(class: &str, text: &str) -> (String, String) {
    (class.to_owned(), text.to_owned())
}

/// A section of related records: its title, "New …" when the caller may create one, the rows
/// and "All N … →" when there are more.
#[component]
pub fn RelatedSection(
    /// The id of its title (`aria-labelledby`; tests find a section by it).
    title_id: String,
    title: &'static str,
    /// The plural noun of its messages ("deals").
    noun: &'static str,
    /// The "New …" link's text and address, when the caller may create one.
    new: Option<(&'static str, Signal<String>)>,
    /// The list page holding all of them.
    all: Signal<String>,
    rows: Resource<Result<RelatedRows, AppError>>,
) -> impl IntoView {
    let labelled_by = title_id.clone();
    view! {
        <section class="card related" aria-labelledby=labelled_by>
            <div class="row-between">
                <h2 id=title_id>{title}</h2>
                {new.map(|(text, href)| view! { <A href=move || href.get() attr:class="button small">{text}</A> })}
            </div>
            <Transition fallback=move || view! { <p class="loading">{format!("Loading {noun}…")}</p> }>
                {move || Suspend::new(async move {
                    match rows.await {
                        Ok(list) if list.rows.is_empty() => view! { <p class="muted">{format!("No {noun} yet.")}</p> }.into_any(),
                        Ok(list) => {
                            let more = (list.count > list.rows.len() as i64)
                                .then(|| view! { <p><A href=all.get_untracked()>{format!("All {} {noun} →", list.count)}</A></p> });
                            view! {
                                <ul class="related-list">
                                    {list.rows.into_iter().map(|row| view! {
                                        <li>
                                            <p class="related-line"><A href=row.href>{row.name}</A></p>
                                            <p class="related-line muted">
                                                <span>
                                                    {row.badges.into_iter().map(|(class, text)| view! { <span class=class>{text}</span> " " }).collect_view()}
                                                    {row.detail}
                                                </span>
                                                {row.amount.map(|a| view! { <span class="num">{a}</span> })}
                                            </p>
                                        </li>
                                    }).collect_view()}
                                </ul>
                                {more}
                            }
                            .into_any()
                        }
                        Err(_) => view! { <p class="muted">{format!("The {noun} could not be loaded.")}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
