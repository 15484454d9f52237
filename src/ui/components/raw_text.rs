//! User text inside the elements whose content the browser reads as raw text: `<title>` and
//! `<textarea>`. Every page's title goes through [`page_title`] (the formatter of the app's one
//! `<Title>` in `app.rs`) and every text area through [`TextArea`], so nothing a user typed
//! can close either element and become markup.
//!
//! Why this is needed (upstream behaviour, Leptos 0.8):
//! - tachys 0.2 renders the children of `<textarea>` (like those of `<script>`, `<style>` and
//!   `<noscript>`) without escaping them: `ESCAPE_CHILDREN = false` for `textarea` in
//!   `tachys::html::element::elements`. A value holding `</textarea>` ended the element.
//! - leptos_meta 0.8 writes the text of `<Title>` into `<head>` as it is
//!   (`ServerMetaContextOutput::inject_meta_context` pushes `TitleContext::as_string()` between
//!   `<title>` and `</title>`), so `</title>` in a record's name ended the title.
//!
//! Checked on 2026-12-07: tachys 0.2.19 and leptos_meta 0.8.7 are the newest releases of the
//! 0.8 line. The 0.9 release candidates (tachys 0.3.0-rc1) escape `<textarea>` children but
//! still write the title unescaped. When the project moves to a release that escapes both,
//! these two functions become plain pass-throughs; the page test (`tests/integration/
//! hostile_text.rs`) says whether they still hold.
//!
//! Both elements are RCDATA: the browser decodes character references in them and ends them
//! only at their own closing tag, so escaping `&` and `<` (and `>` for readers) is exact.

use leptos::prelude::*;

/// `text` as the server must write it inside `<title>` or `<textarea>`. Only the server
/// writes such markup: in the browser (an island rendering a text area) Leptos sets the text
/// node's value, which is never parsed, so the text stays as it is there.
pub fn rcdata(text: &str) -> String {
    if !cfg!(feature = "ssr") {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// The document title of a page whose `<Title text>` is `page` (empty: the app's name alone).
pub fn page_title(page: String) -> String {
    if page.is_empty() {
        "Too Good CRM".to_owned()
    } else {
        format!("{} · Too Good CRM", rcdata(&page))
    }
}

/// A `<textarea>` holding `value`: the only way the app writes one.
#[component]
pub fn TextArea(
    id: String,
    name: &'static str,
    value: String,
    rows: u32,
    #[prop(optional)] required: bool,
    #[prop(optional)] class: Option<&'static str>,
) -> impl IntoView {
    view! { <textarea id=id name=name rows=rows required=required class=class>{rcdata(&value)}</textarea> }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn text_that_would_close_the_element_is_escaped() {
        assert_eq!(rcdata("a</textarea><b id=x>&amp;"), "a&lt;/textarea&gt;&lt;b id=x&gt;&amp;amp;");
        assert_eq!(rcdata("plain text, \"quoted\" 'too'"), "plain text, \"quoted\" 'too'");
    }

    #[test]
    fn the_title_names_the_page_and_the_app() {
        assert_eq!(page_title(String::new()), "Too Good CRM");
        assert_eq!(page_title("</title><i>".into()), "&lt;/title&gt;&lt;i&gt; · Too Good CRM");
    }
}
