//! Forms that post to a server function: the app's one way of submitting a change.
//!
//! Without JavaScript an [`ApiForm`] is a plain `<form method="post">` to the function's
//! endpoint (the server redirects back; see [`super::NoJsNext`]). Once the app runs, a submit
//! sends the same fields, as the same `application/x-www-form-urlencoded` body, in the
//! background, and the answer lands in the form's [`FormAction`]: `value` (the decoded result
//! or the [`AppError`]), `version` (bumped after each answer) and `pending`.
//!
//! Leptos's `ActionForm` + `ServerAction` do the same, but they first turn the fields into the
//! server function's arguments in the browser (and serialize them again) and build a reactive
//! action for each server function: several KB of WASM per form. Here only decoding the answer
//! depends on the server function; reading the form and sending it is one shared function.
//! The server validates the fields either way, so a bad value gets its 422 with field details.

use std::marker::PhantomData;
use std::sync::Arc;

use leptos::html::Form;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// The submissions of one form to the server function `S`.
pub struct FormAction<S: ServerFn> {
    value: RwSignal<Option<Result<S::Output, AppError>>>,
    version: RwSignal<usize>,
    in_flight: RwSignal<usize>,
    pending: Signal<bool>,
    server_fn: PhantomData<fn() -> S>,
}

impl<S: ServerFn> Clone for FormAction<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S: ServerFn> Copy for FormAction<S> {}

impl<S> FormAction<S>
where
    S: ServerFn,
    S::Output: Send + Sync + 'static,
{
    pub fn new() -> Self {
        let in_flight = RwSignal::new(0);
        Self {
            value: RwSignal::new(None),
            version: RwSignal::new(0),
            in_flight,
            pending: sending(in_flight),
            server_fn: PhantomData,
        }
    }

    /// The result of the last submission that came back (`None` before the first).
    pub fn value(&self) -> RwSignal<Option<Result<S::Output, AppError>>> {
        self.value
    }

    /// How many submissions have come back, successful or not.
    pub fn version(&self) -> RwSignal<usize> {
        self.version
    }

    /// Whether a submission is on its way.
    pub fn pending(&self) -> Signal<bool> {
        self.pending
    }
}

impl<S> FormAction<S>
where
    S: ServerFn + 'static,
    S::Output: DeserializeOwned + Send + Sync + 'static,
{
    /// Sends `fields` as if a form holding them had been submitted (a drag and drop, say).
    pub fn send(&self, fields: &[(&str, &str)]) {
        #[cfg(feature = "hydrate")]
        start(S::url(), encode(fields), self.in_flight, self.deliver());
        #[cfg(not(feature = "hydrate"))]
        let _ = fields;
    }

    /// Decodes an answer into `value` and counts it in `version`.
    fn deliver(self) -> Deliver {
        let Self { value, version, .. } = self;
        Arc::new(move |answer| {
            value.set(Some(answer.and_then(|body| decode::<S::Output>(&body))));
            version.update(|n| *n += 1);
        })
    }
}

impl<S> Default for FormAction<S>
where
    S: ServerFn,
    S::Output: Send + Sync + 'static,
{
    fn default() -> Self {
        Self::new()
    }
}

/// Not generic, so that every form shares one copy of this code.
fn sending(in_flight: RwSignal<usize>) -> Signal<bool> {
    Signal::derive(move || in_flight.get() > 0)
}

/// Receives a submission's answer: the JSON body of a success, or the error.
type Deliver = Arc<dyn Fn(Result<String, AppError>) + Send + Sync>;

/// A `<form>` posting to `S`'s endpoint; see the module documentation.
#[component]
pub fn ApiForm<S>(
    action: FormAction<S>,
    /// Where to keep the `<form>` element (to reset it after a success, say).
    #[prop(optional)]
    node_ref: Option<NodeRef<Form>>,
    children: Children,
) -> impl IntoView
where
    S: ServerFn + 'static,
    S::Output: DeserializeOwned + Send + Sync + 'static,
{
    form(S::url(), action.in_flight, action.deliver(), node_ref.unwrap_or_default(), children)
}

fn decode<T: DeserializeOwned>(body: &str) -> Result<T, AppError> {
    use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
    serde_json::from_str(body)
        .map_err(|e| AppError::from_server_fn_error(ServerFnErrorErr::Deserialization(e.to_string())))
}

fn form(
    url: &'static str,
    in_flight: RwSignal<usize>,
    deliver: Deliver,
    node_ref: NodeRef<Form>,
    children: Children,
) -> impl IntoView {
    view! {
        <form action=url method="post" node_ref=node_ref on:submit=move |ev| submit(&ev, url, in_flight, deliver.clone())>
            {children()}
        </form>
    }
}

/// Sends the submitted form in the background instead of navigating.
fn submit(ev: &leptos::ev::SubmitEvent, url: &'static str, in_flight: RwSignal<usize>, deliver: Deliver) {
    if ev.default_prevented() {
        return;
    }
    ev.prevent_default();
    #[cfg(feature = "hydrate")]
    start(url, fields(ev), in_flight, deliver);
    #[cfg(not(feature = "hydrate"))]
    let _ = (url, in_flight, deliver);
}

/// Posts `body` in the background, counting it in `in_flight` until its answer is delivered.
#[cfg(feature = "hydrate")]
fn start(url: &'static str, body: String, in_flight: RwSignal<usize>, deliver: Deliver) {
    in_flight.update(|n| *n += 1);
    leptos::task::spawn_local(async move {
        let answer = post(url, body).await;
        in_flight.update(|n| *n = n.saturating_sub(1));
        deliver(answer);
    });
}

/// The form's fields, URL-encoded as the browser would post them, with the name and value of
/// the button that submitted it.
#[cfg(feature = "hydrate")]
fn fields(ev: &leptos::ev::SubmitEvent) -> String {
    use wasm_bindgen::JsCast;
    use web_sys::{FormData, HtmlButtonElement, HtmlFormElement, HtmlInputElement, UrlSearchParams};

    let Some(form) = ev.target().and_then(|t| t.dyn_into::<HtmlFormElement>().ok()) else {
        return String::new();
    };
    let Ok(data) = FormData::new_with_form(&form) else {
        return String::new();
    };
    let submitter = ev.submitter();
    let pressed = submitter
        .as_ref()
        .and_then(|el| el.dyn_ref::<HtmlButtonElement>().map(|b| (b.name(), b.value())))
        .or_else(|| submitter.as_ref()?.dyn_ref::<HtmlInputElement>().map(|i| (i.name(), i.value())));
    if let Some((name, value)) = pressed.filter(|(name, _)| !name.is_empty()) {
        let _ = data.append_with_str(&name, &value);
    }
    UrlSearchParams::new_with_str_sequence_sequence(&data)
        .ok()
        .and_then(|params| params.to_string().as_string())
        .unwrap_or_default()
}

/// `fields` URL-encoded.
#[cfg(feature = "hydrate")]
fn encode(fields: &[(&str, &str)]) -> String {
    let Ok(params) = web_sys::UrlSearchParams::new() else {
        return String::new();
    };
    for (name, value) in fields {
        params.append(name, value);
    }
    params.to_string().as_string().unwrap_or_default()
}

/// Posts `body` to `url` as the server functions' own client does (same headers, same error
/// decoding, same redirect hook for a `next` the server honoured).
#[cfg(feature = "hydrate")]
async fn post(url: &'static str, body: String) -> Result<String, AppError> {
    use leptos::server_fn::client::{browser::BrowserClient, Client};
    use leptos::server_fn::error::FromServerFnError;
    use leptos::server_fn::redirect::call_redirect_hook;
    use leptos::server_fn::request::{browser::BrowserRequest, ClientReq};
    use leptos::server_fn::response::ClientRes;

    let request = <BrowserRequest as ClientReq<AppError>>::try_new_post(
        url,
        "application/x-www-form-urlencoded",
        "application/json",
        body,
    )?;
    let response = <BrowserClient as Client<AppError>>::send(request).await?;
    let status = ClientRes::<AppError>::status(&response);
    let redirect = (ClientRes::<AppError>::has_redirect(&response) || (300..400).contains(&status))
        .then(|| ClientRes::<AppError>::location(&response));
    let text = ClientRes::<AppError>::try_into_string(response).await?;
    if (400..600).contains(&status) {
        return Err(AppError::de(text.into()));
    }
    if let Some(location) = redirect {
        call_redirect_hook(&location);
    }
    Ok(text)
}
