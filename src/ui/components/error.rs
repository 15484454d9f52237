//! Showing errors: a callout for whole-page errors, and the error a refused form post came back
//! with (in the address the server redirected the browser to).

use leptos::prelude::*;
use leptos::server_fn::error::ServerFnUrlError;
use leptos_router::hooks::use_query_map;

use crate::error::AppError;

/// A page-level error message, with a way forward where there is one.
#[component]
pub fn ErrorBox(err: AppError) -> impl IntoView {
    let (title, text) = match &err {
        AppError::Unauthorized(_) => ("Signed out", "Your session has ended. Please sign in again.".to_owned()),
        AppError::Forbidden(msg) => ("Not allowed", format!("You don't have access to this: {msg}.")),
        AppError::NotFound => ("Not found", "This record does not exist or is not visible to you.".to_owned()),
        AppError::Unavailable => {
            ("Offline", "The server cannot be reached right now; retrying when you act again.".to_owned())
        }
        AppError::Validation(_) => ("Please check the form", "Some fields need attention.".to_owned()),
        other => ("Something went wrong", other.to_string()),
    };
    let signed_out = matches!(err, AppError::Unauthorized(_));
    view! {
        <div class="callout callout-error" role="alert">
            <strong>{title}</strong>
            <p>{text}</p>
            {signed_out.then(|| view! { <a href="/login">"Sign in"</a> })}
        </div>
    }
}

/// The error a plain HTML post to `path` was redirected back with (`?__path=..&__err=..`).
pub fn use_url_error(path: &'static str) -> Signal<Option<AppError>> {
    let query = use_query_map();
    Signal::derive(move || {
        query.with(|q| {
            (q.get_str("__path") == Some(path))
                .then(|| q.get_str("__err").map(ServerFnUrlError::<AppError>::decode_err))
                .flatten()
        })
    })
}
