//! The HTTP surface: the router, the `/api` dispatcher and cross-cutting middleware.
//!
//! `/api/*` requests go through [`api_handler`], which adds what the server-function
//! machinery does not do by itself: 404/405 for unknown paths and methods, refusal of
//! cross-site cookie-authenticated posts, JSON bodies, and HTTP statuses matching
//! [`AppError`].

use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::{request::Parts, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use leptos::prelude::*;
use leptos::reactive::computed::ScopedFuture;
use leptos::reactive::owner::Owner;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes, ResponseOptions};
use tower_http::compression::CompressionLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::api::ctx::{provide_request_context, KnownCaller};
use crate::app::{shell, App};
use crate::error::AppError;
use crate::server::auth::{token, Caller};
use crate::server::state::AppState;
use crate::ui::layout::SignedIn;
use crate::version::app_version;

/// Largest request body accepted (forms and JSON).
const BODY_LIMIT: usize = 1024 * 1024;

/// The route table of the pages (`app.rs`), generated once per process: generating runs the
/// app with resource loading suppressed by a process-wide flag (leptos_server), so a page
/// render starting meanwhile in the same process would wait forever (leptos-rs/leptos#4773).
/// Tests build many routers at once.
fn page_routes() -> &'static [AxumRouteListing] {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App))
}

/// The path of every server-rendered page, as the route table has it (`/customers/:id`).
pub fn page_paths() -> Vec<String> {
    page_routes().iter().map(|route| route.path().to_owned()).collect()
}

/// The whole application: API, server-rendered pages, static files.
pub fn router(state: AppState) -> Router {
    let routes = page_routes().to_vec();
    let context_state = state.clone();
    let page_context = move || {
        provide_request_context(&context_state);
        let parts = use_context::<Parts>();
        if let Some(signed_in) = parts.as_ref().and_then(|p| p.extensions.get::<SignedIn>().cloned()) {
            provide_context(signed_in);
        }
        // The page's inline scripts carry the nonce that the response's CSP names.
        if let Some(CspNonce(nonce)) = parts.as_ref().and_then(|p| p.extensions.get::<CspNonce>().cloned()) {
            provide_context(leptos::nonce::Nonce::from_value(nonce));
        }
    };
    let shell_options = state.leptos_options.clone();
    let version = HeaderValue::from_static(app_version(&state.leptos_options));
    // `leptos_routes_with_context` also mounts every server function at its path; the
    // `/api` route of the outer router takes precedence, so all API calls go through
    // `api_handler`, and everything else falls through to the pages.
    let pages = Router::new()
        .leptos_routes_with_context(&state, routes, page_context.clone(), move || shell(shell_options.clone()))
        .route_layer(middleware::from_fn_with_state(state.clone(), resolve_caller))
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(page_context, shell))
        .with_state(state.clone());
    Router::new()
        .route("/api/openapi.json", axum::routing::get(|| async { axum::Json(crate::api::openapi::document()) }))
        .route("/api/docs", axum::routing::get(api_docs))
        .route("/api/{*path}", any(api_handler))
        .route("/healthz", axum::routing::get(|| async { "ok" }))
        .fallback_service(pages)
        .layer(tower_http::limit::RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(state.clone(), security_headers))
        // The build every response comes from: a page of another build reloads (public/offline.js).
        .layer(middleware::map_response(move |mut res: Response| {
            res.headers_mut().insert("x-app-version", version.clone());
            async move { res }
        }))
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_request(())
                .on_response(DefaultOnResponse::new().level(Level::INFO).latency_unit(tower_http::LatencyUnit::Micros)),
        )
        .with_state(state)
}

/// Resolves the caller of a page request before the page renders: the layout is then given
/// who is signed in (`SignedIn`) instead of
/// loading it in a resource around every page, and the page's own server functions reuse the
/// caller (`KnownCaller`).
async fn resolve_caller(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let caller = match token::from_headers(req.headers()) {
        Some((raw, via_cookie)) => Caller::from_token(&state.db, &raw, via_cookie).await,
        None => Err(AppError::unauthenticated()),
    };
    let me = match &caller {
        Ok(caller) => caller.me(&state.db).await,
        Err(err) => Err(err.clone()),
    };
    req.extensions_mut().insert(KnownCaller(caller));
    req.extensions_mut().insert(SignedIn(me));
    next.run(req).await
}

/// `/api/docs`: the API reference, rendered once.
async fn api_docs(State(state): State<AppState>) -> axum::response::Html<&'static str> {
    static PAGE: OnceLock<String> = OnceLock::new();
    let options = &state.leptos_options;
    axum::response::Html(
        PAGE.get_or_init(|| {
            crate::api::openapi::docs_page(&format!("/{}/{}.css", options.site_pkg_dir, options.output_name))
        })
        .as_str(),
    )
}

/// Every registered `/api` path with its method, for telling 404 from 405 (and `Allow`).
fn known_paths() -> &'static HashMap<&'static str, Method> {
    static PATHS: OnceLock<HashMap<&'static str, Method>> = OnceLock::new();
    PATHS.get_or_init(|| leptos::server_fn::axum::server_fn_paths().collect())
}

/// An error as a JSON response with its status.
pub fn error_response(err: &AppError) -> Response {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_string(err)
        .unwrap_or_else(|_| r#"{"error":"internal error","code":"internal","details":{}}"#.into());
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Dispatches `/api/*` to the server function registered for the path and method.
async fn api_handler(State(state): State<AppState>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    let method = req.method().clone();
    let Some(mut service) = leptos::server_fn::axum::get_server_fn_service(&path, method.clone()) else {
        if let Some(allow) = known_paths().get(path.as_str()) {
            let mut res = error_response(&AppError::MethodNotAllowed);
            if let Ok(allow) = HeaderValue::from_str(allow.as_str()) {
                res.headers_mut().insert(header::ALLOW, allow);
            }
            return res;
        }
        return error_response(&AppError::NotFound);
    };
    if method != Method::GET && is_cross_site_cookie_request(&req) {
        tracing::warn!(path, "refused a cross-site request authenticated by cookie");
        return error_response(&AppError::Forbidden("cross-site request refused".into()));
    }
    let req = match multipart_to_form(req).await {
        Ok(req) => req,
        Err(err) => return error_response(&err),
    };
    let req = match json_to_form(req).await {
        Ok(req) => req,
        Err(err) => return error_response(&err),
    };
    let (parts, body) = req.into_parts();
    let req = Request::from_parts(parts.clone(), body);

    let owner = Owner::new();
    let res = owner
        .with(|| {
            ScopedFuture::new(async move {
                provide_context(parts);
                let res_options = ResponseOptions::default();
                provide_context(res_options.clone());
                provide_request_context(&state);
                let mut res = service.run(req).await;
                let extra = std::mem::take(&mut *res_options.0.write().unwrap_or_else(|e| e.into_inner()));
                if let Some(status) = extra.status {
                    *res.status_mut() = status;
                }
                res.headers_mut().extend(extra.headers);
                res
            })
        })
        .await;
    with_error_status(res).await
}

/// Server functions answer every error with 500; give it the status its `AppError` says.
async fn with_error_status(res: Response) -> Response {
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = to_bytes(body, BODY_LIMIT).await.unwrap_or_default();
    let err: AppError = serde_json::from_slice(&bytes).unwrap_or(AppError::Internal);
    parts.status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    Response::from_parts(parts, Body::from(bytes))
}

/// A state-changing request that relies on the session cookie (no bearer token) and comes
/// from another site: by `Sec-Fetch-Site` where the browser sends it (only `same-origin` and
/// `none` pass), else by an `Origin` that is neither this host nor the proxy's forwarded host.
fn is_cross_site_cookie_request(req: &Request) -> bool {
    let headers = req.headers();
    if matches!(token::from_headers(headers), Some((_, false))) {
        return false;
    }
    let text = |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site") {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = text(header::ORIGIN.as_str()) else {
        return false;
    };
    let origin_host = origin.split_once("://").map_or("", |(_, host)| host);
    let ours = [text(header::HOST.as_str()), text("x-forwarded-host")];
    origin == "null" || !ours.into_iter().flatten().any(|host| host.eq_ignore_ascii_case(origin_host))
}

/// Turns a `multipart/form-data` body (a browser form with a file input) into the equivalent
/// form-encoded body: each part by its name, a file as its text; a file input left empty is
/// left out.
async fn multipart_to_form(req: Request) -> Result<Request, AppError> {
    use axum::extract::{FromRequest, Multipart};
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"));
    if !is_multipart {
        return Ok(req);
    }
    let (mut parts, body) = req.into_parts();
    let malformed = |e: &dyn std::fmt::Display| AppError::BadRequest(format!("malformed multipart body: {e}"));
    let mut multipart =
        Multipart::from_request(Request::from_parts(parts.clone(), body), &()).await.map_err(|e| malformed(&e))?;
    let mut pairs = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(|e| malformed(&e))? {
        let name = field.name().unwrap_or_default().to_owned();
        let is_file = field.file_name().is_some();
        let value = field.text().await.map_err(|e| malformed(&e))?;
        if !(is_file && value.is_empty()) {
            pairs.push((name, value));
        }
    }
    let form = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"));
    parts.headers.remove(header::CONTENT_LENGTH);
    Ok(Request::from_parts(parts, Body::from(form)))
}

/// Turns a JSON request body into the equivalent form-encoded body (nested values as
/// `items[0][quantity]=2`), so every server function accepts both.
async fn json_to_form(req: Request) -> Result<Request, AppError> {
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.trim_start().to_ascii_lowercase().starts_with("application/json"));
    if !is_json {
        return Ok(req);
    }
    let (mut parts, body) = req.into_parts();
    let bytes = to_bytes(body, BODY_LIMIT).await.map_err(|_| AppError::BadRequest("request body too large".into()))?;
    // No body (or JSON's own whitespace only) is an empty object: nothing sent.
    let value: serde_json::Value = if bytes.iter().all(|b| b" \t\r\n".contains(b)) {
        serde_json::Value::Object(Default::default())
    } else {
        serde_json::from_slice(&bytes).map_err(|e| AppError::BadRequest(format!("malformed JSON: {e}")))?
    };
    if !value.is_object() {
        return Err(AppError::BadRequest("the JSON body must be an object".into()));
    }
    crate::api::openapi::check_json_body(parts.uri.path(), &value)?;
    let mut pairs = Vec::new();
    if let serde_json::Value::Object(map) = value {
        for (key, value) in map {
            flatten_json(key, value, &mut pairs);
        }
    }
    let form = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"));
    parts.headers.remove(header::CONTENT_LENGTH);
    Ok(Request::from_parts(parts, Body::from(form)))
}

fn flatten_json(key: String, value: serde_json::Value, out: &mut Vec<(String, String)>) {
    use serde_json::Value;
    match value {
        Value::Null => {}
        Value::Bool(b) => out.push((key, b.to_string())),
        Value::Number(n) => out.push((key, n.to_string())),
        Value::String(s) => out.push((key, s)),
        // An empty array is sent as the JSON text `[]` (`items=[]`), not left out: "none",
        // not "not sent" (an empty form value would read as "not sent" for an optional list).
        Value::Array(items) if items.is_empty() => out.push((key, "[]".to_owned())),
        Value::Array(items) => {
            for (i, item) in items.into_iter().enumerate() {
                flatten_json(format!("{key}[{i}]"), item, out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                flatten_json(format!("{key}[{k}]"), v, out);
            }
        }
    }
}

/// A random value, new for every response, that the page's inline scripts carry and the
/// Content-Security-Policy allows (and no injected script can know).
#[derive(Clone)]
struct CspNonce(String);

impl CspNonce {
    fn new() -> CspNonce {
        use rand::RngCore;
        let mut bytes = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut bytes);
        CspNonce(hex::encode(bytes))
    }

    /// The policy: everything from this origin only; scripts also need the nonce (inline) and
    /// may compile WebAssembly; inline `style` attributes stay allowed (stage colors), inline
    /// `<style>` elements do not; nothing may frame the app. `cargo leptos watch` reloads
    /// through a WebSocket on its own port.
    fn policy(&self) -> String {
        let nonce = &self.0;
        let watch = if std::env::var_os("LEPTOS_WATCH").is_some() { " ws: wss:" } else { "" };
        format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
             style-src-attr 'unsafe-inline'; img-src 'self' data:; connect-src 'self'{watch}; object-src 'none'; \
             base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
        )
    }
}

/// Headers every response carries (and the JSON shape for the body limit's refusals).
async fn security_headers(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let nonce = CspNonce::new();
    req.extensions_mut().insert(nonce.clone());
    let mut res = next.run(req).await;
    if res.status() == StatusCode::PAYLOAD_TOO_LARGE && is_api {
        // The body limit answers in plain text; API clients get the usual JSON error.
        res = error_response(&AppError::PayloadTooLarge);
    }
    let h = res.headers_mut();
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("referrer-policy", HeaderValue::from_static("strict-origin-when-cross-origin"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    if let Ok(policy) = HeaderValue::from_str(&nonce.policy()) {
        h.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    if state.config.hsts {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    if is_api {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Waits for Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
    tokio::time::sleep(Duration::from_millis(10)).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_json_flattens_to_bracketed_form_keys() {
        let value =
            serde_json::json!({"items": [{"quantity": 2, "name": "A&B"}], "ok": true, "skip": null, "none": []});
        let mut pairs = Vec::new();
        for (k, v) in value.as_object().unwrap().clone() {
            flatten_json(k, v, &mut pairs);
        }
        pairs.sort();
        assert_eq!(
            pairs,
            vec![
                ("items[0][name]".to_owned(), "A&B".to_owned()),
                ("items[0][quantity]".to_owned(), "2".to_owned()),
                ("none".to_owned(), "[]".to_owned()),
                ("ok".to_owned(), "true".to_owned()),
            ]
        );
    }
}
