//! Email written in the app to a customer, lead or deal: templates with `{{variables}}`, the
//! checks a template passes when saved (an unknown variable is a 422 then, never a blank at
//! sending time), filling the variables from a record, and the simple formatting of a body
//! (paragraphs, line breaks, `**bold**`, `*italic*`, links) as HTML.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::mail::html_escape;
use crate::domain::validate::Check;

/// An email template of the organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct EmailTemplate {
    pub id: i64,
    pub name: String,
    /// One line, with variables.
    pub subject: String,
    /// Plain text with simple formatting and variables.
    pub body: String,
    pub created_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// An email as it arrives from a form or a client (text only): the record it is about
/// (exactly one of `customer_id`, `lead_id`, `deal_id`), optionally a template to start
/// from, and what it says. `to` defaults to the record's address; `cc` is a comma-separated
/// list. `subject` and `body` may use the template variables.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct EmailInput {
    pub customer_id: Option<String>,
    pub lead_id: Option<String>,
    pub deal_id: Option<String>,
    pub template_id: Option<String>,
    pub to: Option<String>,
    pub cc: Option<String>,
    pub subject: Option<String>,
    pub body: Option<String>,
}

/// An email ready to check or send: its variables filled from the record, the body also as
/// HTML. `to` is the record's address unless another was given (`None`: it has none).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct EmailDraft {
    pub to: Option<String>,
    pub cc: Vec<String>,
    pub subject: String,
    pub body: String,
    pub html: String,
}

/// The longest subject and body an email may have (characters).
pub const SUBJECT_MAX: usize = 200;
pub const BODY_MAX: usize = 20_000;

/// Every variable a template may use, with what it stands for. `customer.*` comes from the
/// customer written to (or the deal's customer), `lead.*` from a lead, `deal.*` from a deal,
/// `user.*` from whoever sends.
pub const VARIABLES: &[(&str, &str)] = &[
    ("customer.name", "The customer's name"),
    ("customer.email", "The customer's email address"),
    ("customer.phone", "The customer's phone"),
    ("customer.company", "The customer's company"),
    ("customer.city", "The customer's city"),
    ("lead.name", "The lead's full name"),
    ("lead.first_name", "The lead's first name"),
    ("lead.last_name", "The lead's last name"),
    ("lead.email", "The lead's email address"),
    ("lead.company", "The lead's company"),
    ("lead.job_title", "The lead's job title"),
    ("deal.title", "The deal's title"),
    ("deal.value", "The deal's value with its currency"),
    ("deal.stage", "The deal's stage"),
    ("deal.expected_close_date", "When the deal is expected to close"),
    ("user.name", "Your full name"),
    ("user.first_name", "Your first name"),
    ("user.last_name", "Your last name"),
    ("user.email", "Your email address"),
    ("user.phone", "Your phone"),
    ("organization.name", "Your organization's name"),
];

/// A piece of a template's text: as written, or a variable.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Piece<'a> {
    Text(&'a str),
    Variable(&'a str),
}

/// `text` cut into pieces; `Err` says what is wrong (an unknown variable, an unclosed `{{`).
fn pieces(text: &str) -> Result<Vec<Piece<'_>>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        if open > 0 {
            out.push(Piece::Text(&rest[..open]));
        }
        let after = &rest[open + 2..];
        let close = after.find("}}").ok_or_else(|| "has a {{ without its }}".to_owned())?;
        let name = after[..close].trim();
        if !VARIABLES.iter().any(|(known, _)| *known == name) {
            let shown: String = name.chars().take(60).collect();
            return Err(format!(
                "uses the unknown variable {{{{{shown}}}}}; known ones are {}",
                VARIABLES.iter().map(|(v, _)| *v).collect::<Vec<_>>().join(", ")
            ));
        }
        out.push(Piece::Variable(name));
        rest = &after[close + 2..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    Ok(out)
}

/// Adds a 422 on `field` for an unknown variable or an unclosed `{{` in `text`.
pub fn check_variables(c: &mut Check, field: &str, text: &str) {
    if let Err(problem) = pieces(text) {
        c.add(field, &problem);
    }
}

/// The values of one record's variables (and the sender's): name → value.
pub type Values = BTreeMap<&'static str, String>;

/// `text` with its variables filled from `values`. `Err` names a variable this record gives
/// no value for (`deal.title` when writing to a lead), or what [`check_variables`] refuses.
pub fn render(text: &str, values: &Values) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    for piece in pieces(text)? {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Variable(name) => match values.get(name) {
                Some(value) => out.push_str(value),
                None => {
                    let kind = name.split('.').next().unwrap_or(name);
                    return Err(format!("uses {{{{{name}}}}}, but this email is not about a {kind}"));
                }
            },
        }
    }
    Ok(out)
}

/// A plain-text body as HTML: blank lines part paragraphs, a line break stays one,
/// `**bold**` and `*italic*` are marked, and `http(s)://` addresses become links. Everything
/// else is escaped text.
pub fn format_html(body: &str) -> String {
    let normalized = body.replace("\r\n", "\n");
    normalized
        .split("\n\n")
        .map(|p| p.trim_matches('\n'))
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p>{}</p>", p.split('\n').map(format_line).collect::<Vec<_>>().join("<br>\n")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// One line: links, then `**bold**` and `*italic*` in the text between them.
fn format_line(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = ["https://", "http://"].iter().filter_map(|p| rest.find(p)).min() {
        out.push_str(&emphasis(&rest[..at]));
        let len = rest[at..].find(char::is_whitespace).unwrap_or(rest.len() - at);
        // A sentence's full stop or closing bracket after an address is not part of it.
        let url = rest[at..at + len].trim_end_matches(['.', ',', ';', ':', ')', '!', '?']);
        let escaped = html_escape(url);
        out.push_str(&format!("<a href=\"{escaped}\">{escaped}</a>"));
        rest = &rest[at + url.len()..];
    }
    out.push_str(&emphasis(rest));
    out
}

/// Escaped `text` with `**bold**` as `<strong>` and `*italic*` as `<em>` (pairs on one line).
fn emphasis(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('*') {
        let marker = if rest[open..].starts_with("**") { "**" } else { "*" };
        let inner_start = open + marker.len();
        let Some(close) = rest[inner_start..].find(marker).map(|c| c + inner_start) else { break };
        let inner = &rest[inner_start..close];
        if inner.trim().is_empty() || inner.starts_with(' ') || inner.ends_with(' ') {
            out.push_str(&html_escape(&rest[..inner_start]));
            rest = &rest[inner_start..];
            continue;
        }
        let tag = if marker == "**" { "strong" } else { "em" };
        out.push_str(&html_escape(&rest[..open]));
        out.push_str(&format!("<{tag}>{}</{tag}>", html_escape(inner)));
        rest = &rest[close + marker.len()..];
    }
    out.push_str(&html_escape(rest));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> Values {
        Values::from([("customer.name", "Acme <GmbH>".to_owned()), ("user.first_name", "Ann".to_owned())])
    }

    #[test]
    fn variables_are_filled_and_unknown_ones_are_refused_when_checked() {
        assert_eq!(
            render("Hello {{customer.name}}, {{ user.first_name }} here", &values()).unwrap(),
            "Hello Acme <GmbH>, Ann here"
        );
        let mut c = Check::new();
        check_variables(&mut c, "body", "Hi {{customer.nmae}}");
        check_variables(&mut c, "subject", "Hi {{customer.name");
        let err = c.finish(()).unwrap_err();
        assert!(err.field_error("body").unwrap().contains("customer.nmae"), "{err:?}");
        assert!(err.field_error("subject").unwrap().contains("without its }}"), "{err:?}");
    }

    #[test]
    fn a_variable_of_another_kind_of_record_is_an_error_not_a_blank() {
        let err = render("About {{deal.title}}", &values()).unwrap_err();
        assert!(err.contains("deal.title") && err.contains("not about a deal"), "{err}");
    }

    #[test]
    fn bodies_become_escaped_paragraphs_with_emphasis_and_links() {
        let html = format_html("Hi <b>Ann</b>,\r\nsee **this** and *that*.\n\nhttps://x.example/a?b=1&c=2.\n2 * 3 * 4");
        assert_eq!(
            html,
            "<p>Hi &lt;b&gt;Ann&lt;/b&gt;,<br>\nsee <strong>this</strong> and <em>that</em>.</p>\n\
             <p><a href=\"https://x.example/a?b=1&amp;c=2\">https://x.example/a?b=1&amp;c=2</a>.<br>\n2 * 3 * 4</p>"
        );
    }
}
