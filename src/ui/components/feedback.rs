//! Messages about what just happened: a readable sentence for any error, a summary callout
//! listing every field problem (for forms repeated on a page, where a field name alone is
//! ambiguous), the `next` field of forms, and whether an island has hydrated (for behaviour
//! that needs JavaScript).

use leptos::prelude::*;

use crate::error::AppError;

/// One sentence describing `err`, naming the fields of a validation error.
pub fn describe(err: &AppError) -> String {
    match err {
        AppError::Validation(fields) => {
            let problems: Vec<String> = fields
                .iter()
                .flat_map(|(field, problems)| problems.iter().map(move |p| format!("{} {p}", field.replace('_', " "))))
                .collect();
            if problems.is_empty() {
                "Some fields need attention.".to_owned()
            } else {
                problems.join("; ")
            }
        }
        AppError::Unavailable => "The server cannot be reached right now; try again in a moment.".to_owned(),
        AppError::NotFound => "It no longer exists or is not visible to you.".to_owned(),
        other => {
            let text = other.to_string();
            let mut chars = text.chars();
            chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
        }
    }
}

/// A callout with every problem of the last failed submission (field problems included).
#[component]
pub fn ErrorSummary(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || error.get().map(|err| view! { <div class="callout callout-error" role="alert">{describe(&err)}</div> })
}

/// In an island: `false` during server rendering and hydration, `true` once it runs in the
/// browser.
pub fn use_hydrated() -> ReadSignal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    hydrated
}

/// The `next` field of a form: where the server redirects the browser after the post (the
/// page it came from when there is none).
#[component]
pub fn NextField(#[prop(into)] href: String) -> impl IntoView {
    view! { <input type="hidden" name="next" value=href /> }
}
