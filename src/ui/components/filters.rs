//! The filter bar of list pages. Filters live in the URL: with the app running they apply as
//! they are typed or chosen (the URL is replaced, back to page 1); without it the form submits.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use super::pagination::query_with;
use crate::api::employees::employee_choices;

/// What sets filter `key` to a value: `set.run((key, value))`.
pub type FilterSetter = Callback<(&'static str, String)>;

/// Sets the filters of the list at `path`. `clears` pairs a filter with one that depends on
/// it: `("pipeline", "stage")` drops the stage when the pipeline changes.
pub fn use_filter_setter(path: &'static str, clears: &'static [(&'static str, &'static str)]) -> FilterSetter {
    let query = use_query_map();
    let navigate = use_navigate();
    Callback::new(move |(key, value): (&'static str, String)| {
        let url = query.with_untracked(|q| {
            let mut q = q.clone();
            for (_, dependent) in clears.iter().filter(|(on, _)| *on == key) {
                q.remove(dependent);
            }
            format!("{path}{}", query_with(&q, key, &value))
        });
        navigate(&url, NavigateOptions { replace: true, scroll: false, ..Default::default() });
    })
}

/// The handler of an input or select that sets filter `key` to its value.
pub fn sets(set: FilterSetter, key: &'static str) -> impl Fn(leptos::ev::Event) + Clone + 'static {
    move |ev| set.run((key, event_target_value(&ev)))
}

/// A filter choosing one of `options` (`(value, label)`), "Any" first; `name` is its key.
#[component]
pub fn SelectFilter(
    label: &'static str,
    name: &'static str,
    options: Vec<(String, String)>,
    current: Option<String>,
    set: FilterSetter,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=name>{label}</label>
            <select id=name name=name on:change=sets(set, name)>
                <option value="">"Any"</option>
                {options.into_iter().map(|(value, text)| {
                    let selected = current.as_deref() == Some(value.as_str());
                    view! { <option value=value selected=selected>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// The "Assigned to" filter: the organization's employees, "Anyone" first.
#[component]
pub fn AssigneeFilter(current: Option<String>, set: FilterSetter) -> impl IntoView {
    // Portal members do not see who works on what.
    if crate::ui::layout::use_me().is_portal() {
        return ().into_any();
    }
    let employees = Resource::new(|| (), |_| employee_choices());
    view! {
        <div class="field">
            <label for="assigned_to">"Assigned to"</label>
            <select id="assigned_to" name="assigned_to" on:change=sets(set, "assigned_to")>
                <option value="">"Anyone"</option>
                <Suspense fallback=|| ()>
                    {move || {
                        let current = current.clone();
                        Suspend::new(async move {
                            employees.await.unwrap_or_default().into_iter().map(|e| {
                                let id = e.id.to_string();
                                let is = current.as_deref() == Some(id.as_str());
                                view! { <option value=id selected=is>{e.label()}</option> }
                            }).collect_view()
                        })
                    }}
                </Suspense>
            </select>
        </div>
    }
    .into_any()
}
