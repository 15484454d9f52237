//! Forms that post to a server function: the app's one way of submitting a change.
//!
//! An [`ApiForm`] is a plain `<form method="post">` to the function's endpoint, rendered on
//! the server like the rest of the page. A browser's post gets a redirect: to the form's
//! `next` field (see [`super::NextField`]), else back to the page, carrying the error in the
//! address when the server refused the change ([`FormAction::error`] reads it there). With the
//! app running, `public/nav.js` sends the same post in the background and swaps the page it
//! is redirected to in, so a refused form comes back with what was typed and every problem
//! named, and an accepted one with the saved state.

use std::marker::PhantomData;

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::error::AppError;
use crate::ui::components::use_url_error;

/// The form posts of a page to the server function `S`.
pub struct FormAction<S> {
    server_fn: PhantomData<fn() -> S>,
}

impl<S> Clone for FormAction<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S> Copy for FormAction<S> {}

impl<S: ServerFn> FormAction<S> {
    pub fn new() -> Self {
        Self { server_fn: PhantomData }
    }

    /// The error the server refused this page's last post to `S` with (from the address it
    /// redirected back to), with every field problem.
    pub fn error(&self) -> Signal<Option<AppError>> {
        use_url_error(S::url())
    }
}

impl<S: ServerFn> Default for FormAction<S> {
    fn default() -> Self {
        Self::new()
    }
}

/// A `<form method="post">` to `S`'s endpoint; see the module documentation.
#[component]
pub fn ApiForm<S: ServerFn>(action: FormAction<S>, children: Children) -> impl IntoView {
    // `action` only names the server function (by its type): its endpoint is the form's.
    let _ = action;
    view! { <form action=S::url() method="post">{children()}</form> }
}
