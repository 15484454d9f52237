//! Page links for lists; they keep every other query parameter, so pages can be bookmarked.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// `?…` with `key` set to `value` (removed when empty) and the page reset unless it is the key.
pub fn query_with(params: &leptos_router::params::ParamsMap, key: &str, value: &str) -> String {
    let mut pairs: Vec<(String, String)> = params
        .into_iter()
        .filter(|(k, _)| k.as_ref() != key && !k.starts_with("__") && (key == "page" || k.as_ref() != "page"))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    if !value.is_empty() {
        pairs.push((key.to_owned(), value.to_owned()));
    }
    let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
    if query.is_empty() {
        "?".to_owned()
    } else {
        format!("?{}", query.join("&"))
    }
}

/// `base?…` with the `pairs` that have a value (for "all of them" links and prefilled forms).
pub fn list_url(base: &str, pairs: &[(&str, String)]) -> String {
    let query: Vec<String> =
        pairs.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
    if query.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", query.join("&"))
    }
}

/// Percent-encodes a query component.
pub fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// "Page 2 of 7" with previous/next links.
#[component]
pub fn Pagination(page: i64, page_count: i64, count: i64) -> impl IntoView {
    let query = use_query_map();
    let link = move |p: i64| query.with(|q| query_with(q, "page", &p.to_string()));
    view! {
        <nav class="pagination" aria-label="Pagination">
            <span>{format!("{count} total · page {page} of {page_count}")}</span>
            {(page > 1).then(|| view! { <A href=link(page - 1) attr:rel="prev">"← Previous"</A> })}
            {(page < page_count).then(|| view! { <A href=link(page + 1) attr:rel="next">"Next →"</A> })}
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_urls_keep_only_the_values_given() {
        assert_eq!(list_url("/orders", &[("vendor", "3".into()), ("customer", "".into())]), "/orders?vendor=3");
        assert_eq!(list_url("/deals", &[("search", "a&b c".into())]), "/deals?search=a%26b+c");
        assert_eq!(list_url("/payments", &[]), "/payments");
    }
}
