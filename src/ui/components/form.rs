//! Labelled form fields that show their own validation message.

use leptos::prelude::*;

use crate::error::AppError;
use crate::ui::components::TextArea;

/// The problem reported for `name`, if any.
pub(crate) fn problem(error: Signal<Option<AppError>>, name: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field_error(name))))
}

/// A text-like input (`kind`: text, email, password, number, date, url, tel). Its id is
/// `f-<name>` unless `id` is given (a second form with the same field names on the page).
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(optional)] id: Option<&'static str>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] placeholder: Option<&'static str>,
    #[prop(optional, into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = id.map(str::to_owned).unwrap_or_else(|| format!("f-{name}"));
    let err_id = format!("{id}-error");
    let problem = problem(error, name);
    view! {
        <div class="field" class:invalid=move || problem.get().is_some()>
            <label for=id.clone()>{label}{required.then_some(" *")}</label>
            <input
                id=id
                name=name
                type=kind
                value=value
                required=required
                autocomplete=autocomplete
                placeholder=placeholder
                step=(kind == "number").then_some("0.01")
                aria-invalid=move || problem.get().is_some().then_some("true")
                aria-describedby=err_id.clone()
            />
            <p class="field-error" id=err_id>{move || problem.get()}</p>
        </div>
    }
}

/// A select of `(value, label)` options, with an empty first option when `blank` is given.
#[component]
pub fn SelectField(
    label: &'static str,
    name: &'static str,
    options: Vec<(String, String)>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional)] blank: Option<&'static str>,
    #[prop(optional, into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = format!("f-{name}");
    let problem = problem(error, name);
    let current = value.unwrap_or_default();
    view! {
        <div class="field" class:invalid=move || problem.get().is_some()>
            <label for=id.clone()>{label}</label>
            <select id=id name=name>
                {blank.map(|text| view! { <option value="">{text}</option> })}
                {options
                    .into_iter()
                    .map(|(v, l)| {
                        let selected = v == current;
                        view! { <option value=v selected=selected>{l}</option> }
                    })
                    .collect_view()}
            </select>
            <p class="field-error">{move || problem.get()}</p>
        </div>
    }
}

/// A multi-line text input; its id is `f-<name>` unless `id` is given.
#[component]
pub fn TextAreaField(
    label: &'static str,
    name: &'static str,
    #[prop(optional)] id: Option<&'static str>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional)] required: bool,
    #[prop(default = 4)] rows: u32,
    #[prop(optional, into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = id.map(str::to_owned).unwrap_or_else(|| format!("f-{name}"));
    let problem = problem(error, name);
    view! {
        <div class="field field-wide" class:invalid=move || problem.get().is_some()>
            <label for=id.clone()>{label}{required.then_some(" *")}</label>
            <TextArea id name value=value.unwrap_or_default() rows required />
            <p class="field-error">{move || problem.get()}</p>
        </div>
    }
}

/// A summary line above a form when its submission failed for a reason not tied to a field.
#[component]
pub fn FormErrors(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().map(|err| {
            if err == AppError::Queued {
                return view! {
                    <div class="callout callout-info" role="status">
                        "Saved offline: this change is pending and will be sent when you are back online (see Pending changes)."
                    </div>
                }
                .into_any();
            }
            let text = match &err {
                AppError::Validation(_) => "Please correct the highlighted fields.".to_owned(),
                AppError::Unavailable => {
                    "You appear to be offline; what you typed is still here. Try again when you are back online."
                        .to_owned()
                }
                other => other.to_string(),
            };
            view! { <div class="callout callout-error" role="alert">{text}</div> }.into_any()
        })
    }
}
