//! Turning untrusted text input (form fields, query parameters, JSON) into typed values,
//! collecting every problem by field name instead of stopping at the first.
//!
//! Inputs arrive as `Option<String>`: `None` means "not sent", `Some("")` means "sent empty".

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::error::{AppError, FieldErrors};

/// Accumulates field errors while parsing an input.
#[derive(Debug, Default)]
pub struct Check {
    errors: FieldErrors,
}

/// The trimmed, non-empty text of an input value.
fn text(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

impl Check {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem with `field`.
    pub fn add(&mut self, field: &str, problem: impl Into<String>) {
        self.errors.entry(field.to_owned()).or_default().push(problem.into());
    }

    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// Ok(value) when no problem was recorded, else a validation error naming the fields.
    pub fn finish<T>(self, value: T) -> Result<T, AppError> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(AppError::Validation(self.errors))
        }
    }

    /// A required text field: trimmed, non-empty, at most `max` characters.
    pub fn required(&mut self, field: &str, value: Option<&str>, max: usize) -> String {
        match text(value) {
            None => {
                self.add(field, "is required");
                String::new()
            }
            Some(v) => self.limit(field, v, max),
        }
    }

    /// An optional text field: trimmed; empty means absent.
    pub fn optional(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        text(value).map(|v| self.limit(field, v, max))
    }

    fn limit(&mut self, field: &str, value: &str, max: usize) -> String {
        if value.chars().count() > max {
            self.add(field, format!("must be at most {max} characters"));
        }
        // PostgreSQL text cannot hold NUL, and SQLite's full-text search stops at it.
        if value.contains('\0') {
            self.add(field, "must not contain NUL characters");
        }
        value.to_owned()
    }

    /// An optional email address, lower-cased.
    pub fn email(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let email = self.optional(field, value, 254)?;
        if !is_valid_email(&email) {
            self.add(field, "is not a valid email address");
        }
        Some(email.to_lowercase())
    }

    /// An optional web address; `http(s)://` is added when the scheme is missing.
    pub fn url(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let url = self.optional(field, value, 500)?;
        let url = if url.contains("://") { url } else { format!("https://{url}") };
        let host = url.split("://").nth(1).unwrap_or("");
        if !(url.starts_with("http://") || url.starts_with("https://")) || !host.contains('.') || host.contains(' ') {
            self.add(field, "is not a valid web address");
        }
        Some(url)
    }

    /// An optional value of a closed set (an enum).
    pub fn one_of<T: FromStr<Err = String>>(&mut self, field: &str, value: Option<&str>) -> Option<T> {
        let raw = text(value)?;
        match raw.parse() {
            Ok(v) => Some(v),
            Err(problem) => {
                self.add(field, problem);
                None
            }
        }
    }

    /// An optional record id (a positive integer).
    pub fn id(&mut self, field: &str, value: Option<&str>) -> Option<i64> {
        let raw = text(value)?;
        match raw.parse::<i64>() {
            Ok(v) if v > 0 => Some(v),
            _ => {
                self.add(field, "must be a record id (a positive whole number)");
                None
            }
        }
    }

    /// An optional whole number within `min..=max`.
    pub fn int(&mut self, field: &str, value: Option<&str>, min: i64, max: i64) -> Option<i64> {
        let raw = text(value)?;
        match raw.parse::<i64>() {
            Ok(v) if (min..=max).contains(&v) => Some(v),
            _ => {
                self.add(field, format!("must be a whole number from {min} to {max}"));
                None
            }
        }
    }

    /// An optional amount of money: a decimal, not negative, at most 2 decimal places.
    pub fn money(&mut self, field: &str, value: Option<&str>) -> Option<Decimal> {
        let raw = text(value)?;
        match Decimal::from_str(raw) {
            Ok(v) if v.is_sign_negative() => {
                self.add(field, "must not be negative");
                None
            }
            Ok(v) if v.normalize().scale() > 2 => {
                self.add(field, "must have at most 2 decimal places");
                None
            }
            Ok(v) if v > crate::domain::money::MAX_AMOUNT => {
                self.add(field, "is too large");
                None
            }
            Ok(v) => Some(v),
            Err(_) => {
                self.add(field, "must be an amount such as 1234.56");
                None
            }
        }
    }

    /// An optional calendar date `YYYY-MM-DD`.
    pub fn date(&mut self, field: &str, value: Option<&str>) -> Option<NaiveDate> {
        let raw = text(value)?;
        match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.add(field, "must be a date as YYYY-MM-DD");
                None
            }
        }
    }

    /// An optional three-letter ISO currency code, upper-cased.
    pub fn currency(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let code = text(value)?.to_uppercase();
        if code.len() != 3 || !code.chars().all(|ch| ch.is_ascii_uppercase()) {
            self.add(field, "must be a three-letter ISO currency code such as USD");
        }
        Some(code)
    }

    /// A value that must stay on one line (a mail header): 422 on `field` for CR or LF.
    pub fn one_line(&mut self, field: &str, value: &str) {
        if value.contains(['\r', '\n']) {
            self.add(field, "must be one line (no line breaks)");
        }
    }

    /// A password: 8 to 128 characters.
    pub fn password(&mut self, field: &str, value: Option<&str>) -> String {
        let value = value.unwrap_or("");
        let len = value.chars().count();
        if len < 8 {
            self.add(field, "must be at least 8 characters");
        } else if len > 128 {
            self.add(field, "must be at most 128 characters");
        }
        value.to_owned()
    }
}

/// A pragmatic email check: one `@`, a non-empty local part, a dotted domain, no spaces.
pub fn is_valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Applies one field of a partial update: a value that was sent replaces the stored one.
pub fn patch<T>(slot: &mut T, sent: Option<T>) {
    if let Some(value) = sent {
        *slot = value;
    }
}

/// Comma-separated tags: trimmed, de-duplicated, empty ones dropped.
pub fn parse_tags(check: &mut Check, field: &str, value: Option<&str>) -> Option<Vec<String>> {
    let raw = value?;
    let mut tags: Vec<String> = Vec::new();
    for tag in raw.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        if tag.chars().count() > 50 {
            check.add(field, "each tag must be at most 50 characters");
        } else if !tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
            tags.push(tag.to_owned());
        }
    }
    if tags.len() > 20 {
        check.add(field, "at most 20 tags");
    }
    Some(tags)
}

/// A list of short texts as a form or a client sends it: checkboxes (`events[0]=a&events[3]=b`;
/// the indexes only keep the fields apart), a JSON array, or one comma-separated string. At
/// most 1,000 entries; what each may be is for its user to check.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextList(pub Vec<String>);

/// At most this many entries in a [`TextList`].
pub const MAX_LIST_ENTRIES: usize = 1000;

/// A list is read as an array or one comma-separated text, and written as the text: the JSON
/// Schema of [`TextList`] and of the types read through it (`text_list_schema!(PermissionSet)`).
#[macro_export]
macro_rules! text_list_schema {
    ($type:ty) => {
        #[cfg(feature = "ssr")]
        impl schemars::JsonSchema for $type {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($type).into()
            }

            fn inline_schema() -> bool {
                true
            }

            fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
                match g.contract() {
                    schemars::generate::Contract::Serialize => schemars::json_schema!({"type": "string"}),
                    _ => schemars::json_schema!({
                        "anyOf": [
                            {"type": "array", "items": {"type": "string"}, "maxItems": $crate::domain::validate::MAX_LIST_ENTRIES},
                            {"type": "string", "description": "comma-separated"}
                        ]
                    }),
                }
            }
        }
    };
}

crate::text_list_schema!(TextList);

impl serde::Serialize for TextList {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.join(","))
    }
}

impl<'de> serde::Deserialize<'de> for TextList {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = TextList;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list: a comma-separated text, an array or indexed fields")
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<TextList, E> {
                Ok(TextList(v.split(',').map(str::to_owned).take(MAX_LIST_ENTRIES + 1).collect()))
            }
            fn visit_unit<E: Error>(self) -> Result<TextList, E> {
                Ok(TextList::default())
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<TextList, A::Error> {
                let mut out = Vec::new();
                while let Some(p) = seq.next_element::<String>()? {
                    if out.len() >= MAX_LIST_ENTRIES {
                        return Err(A::Error::custom("too many entries"));
                    }
                    out.push(p);
                }
                Ok(TextList(out))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<TextList, A::Error> {
                let mut out = Vec::new();
                while let Some((_, p)) = map.next_entry::<String, String>()? {
                    if out.len() >= MAX_LIST_ENTRIES {
                        return Err(A::Error::custom("too many entries"));
                    }
                    out.push(p);
                }
                Ok(TextList(out))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_required_field_is_reported_by_name() {
        let mut check = Check::new();
        check.required("name", Some("   "), 10);
        let err = check.finish(()).unwrap_err();
        assert_eq!(err.field_error("name").as_deref(), Some("is required"));
    }

    #[test]
    fn text_with_a_nul_character_is_refused_by_field() {
        let mut check = Check::new();
        assert_eq!(check.optional("search", Some("ab\0c"), 200).as_deref(), Some("ab\0c"));
        check.required("name", Some("\0"), 10);
        check.optional("notes", Some("fine"), 10);
        let err = check.finish(()).unwrap_err();
        assert_eq!(err.field_error("search").as_deref(), Some("must not contain NUL characters"));
        assert_eq!(err.field_error("name").as_deref(), Some("must not contain NUL characters"));
        assert_eq!(err.field_error("notes"), None);
    }

    #[test]
    fn emails_are_lowercased_and_checked() {
        let mut check = Check::new();
        assert_eq!(check.email("email", Some(" Ann@Example.COM ")).as_deref(), Some("ann@example.com"));
        assert!(check.is_ok());
        for bad in ["no-at-sign", "a@b", "a@@b.com", "a b@c.com", "@example.com", "a@.com"] {
            let mut check = Check::new();
            check.email("email", Some(bad));
            assert!(!check.is_ok(), "{bad} should be rejected");
        }
    }

    #[test]
    fn money_rejects_negative_and_sub_cent_amounts() {
        let mut check = Check::new();
        assert_eq!(check.money("m", Some("1234.56")), Some(Decimal::new(123456, 2)));
        assert_eq!(check.money("m", Some("-1")), None);
        assert_eq!(check.money("m", Some("1.234")), None);
        assert_eq!(check.money("m", Some("abc")), None);
        assert_eq!(check.finish(()).unwrap_err().details()["m"].len(), 3);
    }

    #[test]
    fn urls_get_a_scheme_when_missing() {
        let mut check = Check::new();
        assert_eq!(check.url("w", Some("acme.com")).as_deref(), Some("https://acme.com"));
        assert!(check.is_ok());
        check.url("w", Some("not a url"));
        assert!(!check.is_ok());
    }

    #[test]
    fn tags_are_trimmed_and_deduplicated() {
        let mut check = Check::new();
        let tags = parse_tags(&mut check, "tags", Some(" vip, VIP ,, enterprise ")).unwrap();
        assert_eq!(tags, vec!["vip".to_owned(), "enterprise".to_owned()]);
    }

    #[test]
    fn ids_must_be_positive_integers() {
        let mut check = Check::new();
        assert_eq!(check.id("id", Some("42")), Some(42));
        assert_eq!(check.id("id", Some("0")), None);
        assert_eq!(check.id("id", Some("x")), None);
        assert!(!check.is_ok());
    }
}
