//! The filter bar of list pages. Filters live in the URL: the bar is a GET form marked
//! `data-live`, so `public/nav.js` applies a filter as it is typed or chosen (the address is
//! replaced, back to page 1); without JavaScript its Apply button submits it.

use leptos::prelude::*;

use crate::api::employees::employee_choices;

/// A filter choosing one of `options` (`(value, label)`), "Any" first; `name` is its key.
#[component]
pub fn SelectFilter(
    label: &'static str,
    name: &'static str,
    options: Vec<(String, String)>,
    current: Option<String>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=name>{label}</label>
            <select id=name name=name>
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
pub fn AssigneeFilter(current: Option<String>) -> impl IntoView {
    // Portal members do not see who works on what.
    if crate::ui::layout::use_me().is_portal() {
        return ().into_any();
    }
    let employees = Resource::new(|| (), |_| employee_choices());
    view! {
        <div class="field">
            <label for="assigned_to">"Assigned to"</label>
            <select id="assigned_to" name="assigned_to">
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
