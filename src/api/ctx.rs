//! What a server function needs from the request it serves: state, caller, response headers.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::ConnectInfo;
use http::header::{HeaderName, HeaderValue, RETRY_AFTER, SET_COOKIE};
use http::request::Parts;
use leptos::prelude::{provide_context, use_context};
use leptos_axum::ResponseOptions;

use crate::domain::list::{ListParams, Page};
use crate::error::AppError;
use crate::server::auth::token;
use crate::server::auth::Caller;
use crate::server::config::Limit;
use crate::server::state::AppState;

/// The caller of the current request, resolved at most once per request.
#[derive(Clone, Default)]
pub struct CallerCell(Arc<tokio::sync::OnceCell<Result<Caller, AppError>>>);

/// The caller of a page request, resolved by the page middleware before rendering (see
/// `server::http`), kept in the request's extensions.
#[derive(Clone)]
pub struct KnownCaller(pub Result<Caller, AppError>);

/// Provides what server functions read from context; called once per request. A page request
/// whose caller the middleware already resolved starts with it, so the server functions that
/// render the page do not look the token up again.
pub fn provide_request_context(state: &AppState) {
    provide_context(state.clone());
    let known = use_context::<Parts>().and_then(|p| p.extensions.get::<KnownCaller>().cloned());
    let cell = match known {
        Some(KnownCaller(caller)) => CallerCell(Arc::new(tokio::sync::OnceCell::new_with(Some(caller)))),
        None => CallerCell::default(),
    };
    provide_context(cell);
}

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        AppError::Internal
    })
}

fn parts() -> Result<Parts, AppError> {
    use_context::<Parts>().ok_or_else(|| {
        tracing::error!("request parts missing from context");
        AppError::Internal
    })
}

/// The authenticated caller; 401 without a valid token or session cookie.
pub async fn caller() -> Result<Caller, AppError> {
    let state = state()?;
    let parts = parts()?;
    let cell = use_context::<CallerCell>().unwrap_or_default();
    cell.0
        .get_or_init(|| async move {
            let (raw, via_cookie) = token::from_headers(&parts.headers).ok_or_else(AppError::unauthenticated)?;
            Caller::from_token(&state.db, &raw, via_cookie).await
        })
        .await
        .clone()
}

/// Whether the client reached us over HTTPS (directly or through a proxy that says so).
pub fn is_https() -> bool {
    let secure_config = use_context::<AppState>().is_some_and(|s| s.config.cookie_secure);
    secure_config
        || parts().is_ok_and(|p| {
            p.uri.scheme_str() == Some("https")
                || p.headers.get("x-forwarded-proto").is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"))
        })
}

/// Adds a `Set-Cookie` header to the response.
pub fn set_cookie(value: &str) {
    append_header(SET_COOKIE, value);
}

fn append_header(name: HeaderName, value: &str) {
    if let (Some(res), Ok(v)) = (use_context::<ResponseOptions>(), HeaderValue::from_str(value)) {
        res.append_header(name, v);
    }
}

/// Who the rate limits count the request against: the client's address (an IPv6 address by
/// its /64 network, which one client usually has whole). The address is the connection's, or
/// with `TRUST_PROXY=1` the last one in `X-Forwarded-For` (the one our proxy added; clients
/// can write the ones before it). `None` when neither is known (a request made in-process).
pub fn client_address() -> Option<String> {
    let trust_proxy = use_context::<AppState>().is_some_and(|s| s.config.trust_proxy);
    let parts = parts().ok()?;
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    address_key(&parts.headers, peer, trust_proxy)
}

fn address_key(headers: &http::HeaderMap, peer: Option<IpAddr>, trust_proxy: bool) -> Option<String> {
    let forwarded = || {
        let last = headers.get_all("x-forwarded-for").iter().next_back()?.to_str().ok()?;
        last.rsplit(',').next()?.trim().parse::<IpAddr>().ok()
    };
    let ip = trust_proxy.then(forwarded).flatten().or(peer)?;
    Some(match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        IpAddr::V4(v4) => v4.to_string(),
    })
}

/// 429, with `Retry-After` in seconds, when `subject` already has `limit.max` attempts of
/// `kind` within the last `limit.minutes`.
pub async fn check_limit(
    conn: &mut crate::server::db::Conn,
    kind: &str,
    subject: &str,
    limit: Limit,
) -> Result<(), AppError> {
    use crate::server::repo;
    let window = chrono::Duration::minutes(limit.minutes);
    let now = repo::now();
    let Some(reached) = repo::attempts::limit_reached(conn, kind, subject, now - window, limit.max).await? else {
        return Ok(());
    };
    let wait = (reached + window - now).num_seconds().max(1);
    append_header(RETRY_AFTER, &wait.to_string());
    tracing::warn!(kind, wait, "refused: rate limit reached");
    Err(AppError::RateLimited)
}

/// Sets a response header (replacing one of the same name).
pub fn set_header(name: http::header::HeaderName, value: &str) {
    if let (Some(res), Ok(v)) = (use_context::<ResponseOptions>(), HeaderValue::from_str(value)) {
        res.insert_header(name, v);
    }
}

/// Redirects a browser form post to a local path (`next` must start with a single `/`).
pub fn redirect_to(next: Option<&str>) {
    // A path on this site that a Location header can carry (leptos_axum panics on one it cannot).
    let fits = |n: &&str| {
        n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') && http::HeaderValue::from_str(n).is_ok()
    };
    if let Some(next) = next.filter(fits) {
        leptos_axum::redirect(next);
    }
}

/// Builds a page of results with `next`/`previous` links to the same endpoint.
pub fn page<T>(results: Vec<T>, count: i64, params: &ListParams) -> Page<T> {
    let link = |page: i64| -> Option<String> {
        let parts = parts().ok()?;
        let query: Vec<(String, String)> = url::form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .filter(|(k, _)| k != "page")
            .chain(std::iter::once(("page".to_owned(), page.to_string())))
            .collect();
        let query = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(query).finish();
        let origin = parts
            .headers
            .get(http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(|host| format!("{}://{host}", if is_https() { "https" } else { "http" }))
            .unwrap_or_default();
        Some(format!("{origin}{}?{query}", parts.uri.path()))
    };
    let last = params.page_count(count);
    Page {
        count,
        next: if params.page < last { link(params.page + 1) } else { None },
        previous: if params.page > 1 { link((params.page - 1).min(last)) } else { None },
        results,
    }
}

/// The secure flag and lifetime for session cookies.
pub fn session_cookie(raw: &str) -> String {
    token::session_cookie(raw, is_https(), crate::api::auth::SESSION_DAYS * 24 * 3600)
}

/// Sends the request's session cookie again with a full lifetime (its session was renewed).
pub fn renew_session_cookie() {
    if let Some((raw, true)) = parts().ok().and_then(|p| token::from_headers(&p.headers)) {
        set_cookie(&session_cookie(&raw));
    }
}

/// An "assigned to" id from a client must be an employee of the caller's organization (422).
pub async fn check_assignee(
    conn: &mut crate::server::db::Conn,
    org_id: i64,
    assigned_to: Option<i64>,
) -> Result<(), AppError> {
    check_refs(conn, org_id, &[("assigned_to", Ref::Employee, assigned_to)]).await
}

/// A kind of record an id sent in a body may point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ref {
    Vendor,
    Customer,
    Order,
    Employee,
}

/// Ids sent in a body (`(field, kind, id)`) must be records of the caller's organization: one
/// 422 naming every field that is not. `None` ids are skipped.
pub async fn check_refs(
    conn: &mut crate::server::db::Conn,
    org_id: i64,
    refs: &[(&str, Ref, Option<i64>)],
) -> Result<(), AppError> {
    use crate::server::repo;
    let mut c = crate::domain::validate::Check::new();
    for (field, kind, id) in refs {
        let Some(id) = *id else { continue };
        let (found, what) = match kind {
            Ref::Vendor => (repo::vendors::name_of(conn, org_id, id).await?.is_some(), "a vendor"),
            Ref::Customer => (repo::deals::customer_name(conn, org_id, id).await?.is_some(), "a customer"),
            Ref::Order => (repo::orders::find_ref(conn, org_id, id).await?.is_some(), "an order"),
            Ref::Employee => (repo::employees::exists(conn, org_id, id).await?, "an employee"),
        };
        if !found {
            c.add(field, format!("is not {what} of this organization"));
        }
    }
    c.finish(())
}

/// The customer, lead and deal an activity links to must be records of the caller's
/// organization that the caller may see (`customers`/`leads`/`deals` scope): one 422 naming
/// every field that is not (with the same words for "another organization's" and "not yours",
/// so that nothing is learnt about records the caller may not see). `None` ids are skipped.
pub async fn check_links(
    conn: &mut crate::server::db::Conn,
    member: &crate::server::auth::caller::Member,
    customer_id: Option<i64>,
    lead_id: Option<i64>,
    deal_id: Option<i64>,
) -> Result<(), AppError> {
    use crate::server::repo;
    let org_id = member.org_id;
    // Not found and not visible read the same.
    let found = |r: Result<(), AppError>| match r {
        Ok(()) => Ok(true),
        Err(AppError::NotFound) => Ok(false),
        Err(e) => Err(e),
    };
    let mut c = crate::domain::validate::Check::new();
    if let Some(id) = customer_id {
        if !found(repo::customers::get(conn, org_id, member.scope("customers"), id).await.map(drop))? {
            c.add("customer_id", "is not a customer of this organization");
        }
    }
    if let Some(id) = lead_id {
        if !found(repo::leads::get(conn, org_id, member.scope("leads"), id).await.map(drop))? {
            c.add("lead_id", "is not a lead of this organization");
        }
    }
    if let Some(id) = deal_id {
        if !found(repo::deals::get(conn, org_id, member.scope("deals"), id).await.map(drop))? {
            c.add("deal_id", "is not a deal of this organization");
        }
    }
    c.finish(())
}

/// Both values, or one 422 with the field problems of both (any other error as it is).
pub fn both<A, B>(a: Result<A, AppError>, b: Result<B, AppError>) -> Result<(A, B), AppError> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (Err(AppError::Validation(mut x)), Err(AppError::Validation(y))) => {
            for (field, problems) in y {
                x.entry(field).or_default().extend(problems);
            }
            Err(AppError::Validation(x))
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_address_is_the_peer_unless_a_trusted_proxy_says_otherwise() {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-forwarded-for", "6.6.6.6, 203.0.113.9".parse().unwrap());
        let peer = Some(IpAddr::from([10, 0, 0, 1]));
        assert_eq!(address_key(&headers, peer, false).as_deref(), Some("10.0.0.1"));
        // Behind a proxy, the last entry is the one it added; the first is the client's claim.
        assert_eq!(address_key(&headers, peer, true).as_deref(), Some("203.0.113.9"));
        headers.insert("x-forwarded-for", "not an address".parse().unwrap());
        assert_eq!(address_key(&headers, peer, true).as_deref(), Some("10.0.0.1"));
        assert_eq!(address_key(&http::HeaderMap::new(), None, true), None);
        // IPv6 clients count by their /64 network; IPv4 in IPv6 as IPv4.
        let v6 = "2001:db8:1:2:aaaa:bbbb:cccc:dddd".parse().ok();
        assert_eq!(address_key(&headers, v6, false).as_deref(), Some("2001:db8:1:2::/64"));
        let mapped = "::ffff:192.0.2.1".parse().ok();
        assert_eq!(address_key(&headers, mapped, false).as_deref(), Some("192.0.2.1"));
    }
}
