//! CSV in and out: lists written as RFC 4180 text (with spreadsheet formulas defused), uploads
//! read back into records, their header mapped onto an input's fields, and the report of an
//! import (shared with the import pages).
//!
//! A cell that a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab
//! or a carriage return) is written with a leading `'`; reading strips that `'` again, so an
//! export imports back unchanged (a phone number `+1 555` stays `+1 555`).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::FieldErrors;

/// Most records one export holds; narrower filters are needed beyond.
pub const MAX_EXPORT_ROWS: i64 = 100_000;
/// Most data rows one import takes.
pub const MAX_IMPORT_ROWS: usize = 5_000;

/// A value as written in a cell: text as it is, money as a plain decimal, dates and times in
/// ISO 8601 (UTC), lists comma-separated, nothing for `None`.
pub trait Cell {
    fn put(&self, out: &mut String);
}

impl Cell for str {
    fn put(&self, out: &mut String) {
        out.push_str(self);
    }
}
impl Cell for String {
    fn put(&self, out: &mut String) {
        out.push_str(self);
    }
}
impl<T: Cell + ?Sized> Cell for &T {
    fn put(&self, out: &mut String) {
        (**self).put(out);
    }
}
impl<T: Cell> Cell for Option<T> {
    fn put(&self, out: &mut String) {
        if let Some(v) = self {
            v.put(out);
        }
    }
}
impl Cell for [String] {
    fn put(&self, out: &mut String) {
        out.push_str(&self.join(", "));
    }
}
impl Cell for Vec<String> {
    fn put(&self, out: &mut String) {
        self.as_slice().put(out);
    }
}
impl Cell for DateTime<Utc> {
    fn put(&self, out: &mut String) {
        out.push_str(&self.to_rfc3339_opts(SecondsFormat::Secs, true));
    }
}

/// Values whose `Display` is already the cell's text.
macro_rules! display_cell {
    ($($t:ty),+) => {$(
        impl Cell for $t {
            fn put(&self, out: &mut String) {
                use std::fmt::Write;
                let _ = write!(out, "{self}");
            }
        }
    )+};
}
display_cell!(i64, bool, Decimal, NaiveDate);

/// One column of an export: its header and how a record fills it.
pub struct Column<T> {
    pub name: &'static str,
    pub value: fn(&T, &mut String),
}

/// `col!("email", |c| c.fields.email)`: a [`Column`] whose cell is the [`Cell`] the expression
/// names (borrowed from the record `c`).
#[macro_export]
macro_rules! col {
    ($name:literal, |$r:ident| $value:expr) => {
        $crate::domain::csv::Column { name: $name, value: |$r, out| $crate::domain::csv::Cell::put(&$value, out) }
    };
}

/// The header line of `columns`.
pub fn write_header<T>(columns: &[Column<T>], out: &mut String) {
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_field(column.name, out);
    }
    out.push_str("\r\n");
}

/// One line per record.
pub fn write_rows<T>(columns: &[Column<T>], rows: &[T], out: &mut String) {
    let mut cell = String::new();
    for row in rows {
        for (i, column) in columns.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            cell.clear();
            (column.value)(row, &mut cell);
            write_field(&cell, out);
        }
        out.push_str("\r\n");
    }
}

/// Whether a spreadsheet could read `value` as a formula (also once a `'` is stripped).
fn needs_guard(value: &str) -> bool {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => true,
        Some('\'') => needs_guard(&value[1..]),
        _ => false,
    }
}

/// One field: defused, and quoted when it holds a comma, a quote or a line break.
fn write_field(value: &str, out: &mut String) {
    let guard = needs_guard(value);
    if value.contains([',', '"', '\r', '\n']) {
        out.push('"');
        if guard {
            out.push('\'');
        }
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        if guard {
            out.push('\'');
        }
        out.push_str(value);
    }
}

/// A cell as it was before [`write_field`] defused it.
pub fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => cell,
    }
}

/// The records of a CSV text (fields separated by commas, `"` quoting with `""` inside, lines
/// ending in CRLF, LF or CR; a leading byte-order mark is skipped; blank lines are records
/// with one empty field). Fields are unguarded. An unterminated quote is an error naming
/// the record it starts in (the header is record 1).
pub fn parse(text: &str) -> Result<Vec<Vec<String>>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(ch) = chars.next() {
        if quoted {
            match ch {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(ch),
            }
            continue;
        }
        match ch {
            '"' if field.is_empty() => quoted = true,
            ',' => record.push(unguard(&std::mem::take(&mut field)).to_owned()),
            '\r' | '\n' => {
                if ch == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                record.push(unguard(&std::mem::take(&mut field)).to_owned());
                records.push(std::mem::take(&mut record));
            }
            _ => field.push(ch),
        }
    }
    if quoted {
        return Err(format!("row {}: a quoted field is not closed", records.len() + 1));
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(unguard(&field).to_owned());
        records.push(record);
    }
    Ok(records)
}

/// A field an import fills, with the other names its column may have in a header.
pub struct ImportField {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
}

/// A header name compared loosely: lower case, runs of anything but letters and digits as `_`
/// (`E-mail` → `e_mail`, `Company name` → `company_name`).
fn normalize(name: &str) -> String {
    let mut out = String::new();
    for ch in name.trim().chars() {
        if ch.is_alphanumeric() {
            out.extend(ch.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_owned()
}

/// Which field each header column fills (`None`: not imported), and a warning for each
/// column that is not imported (unknown, or a second column for the same field).
pub fn map_header(header: &[String], fields: &[ImportField]) -> (Vec<Option<&'static str>>, Vec<String>) {
    let mut warnings = Vec::new();
    let mut taken = Vec::new();
    let mapped = header
        .iter()
        .map(|raw| {
            let name = normalize(raw);
            let field = fields.iter().find(|f| f.name == name || f.aliases.contains(&name.as_str()));
            match field {
                Some(f) if taken.contains(&f.name) => {
                    warnings.push(format!("column \"{raw}\" is ignored: {} comes from an earlier column", f.name));
                    None
                }
                Some(f) => {
                    taken.push(f.name);
                    Some(f.name)
                }
                None => {
                    warnings.push(format!("column \"{raw}\" is not imported"));
                    None
                }
            }
        })
        .collect();
    (mapped, warnings)
}

/// An import as it arrives (a form, or JSON): the CSV text in `csv`, or an uploaded `file`
/// (which wins when both are sent); `dry_run` (default true), `skip_invalid` (default false);
/// `next`, where a browser's form post goes afterwards.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct ImportRequest {
    pub csv: Option<String>,
    pub file: Option<String>,
    pub dry_run: Option<String>,
    pub skip_invalid: Option<String>,
    pub next: Option<String>,
}

/// The result of an import or of its preview (`dry_run`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ImportReport {
    /// Nothing was written (a preview).
    pub dry_run: bool,
    /// The fields found in the header, in column order (the preview table's columns).
    pub columns: Vec<String>,
    /// Header problems that do not stop the import: columns that are not imported.
    pub warnings: Vec<String>,
    /// Data rows read, valid and with errors.
    pub total: usize,
    pub valid: usize,
    pub invalid: usize,
    /// Records created (0 in a preview); invalid rows were skipped, each reported below.
    pub imported: usize,
    pub rows: Vec<ImportRow>,
}

/// One data row of an import.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ImportRow {
    /// Its record number in the file (the header is 1).
    pub row: usize,
    /// The non-empty values read, by field.
    pub values: BTreeMap<String, String>,
    /// Problems by field; empty when the row is valid.
    pub errors: FieldErrors,
    /// The record created from it (after a real import).
    pub id: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Thing {
        name: String,
        note: Option<String>,
        amount: Decimal,
        when: Option<NaiveDate>,
        tags: Vec<String>,
    }

    const COLUMNS: &[Column<Thing>] = &[
        crate::col!("name", |t| t.name),
        crate::col!("note", |t| t.note),
        crate::col!("amount", |t| t.amount),
        crate::col!("when", |t| t.when),
        crate::col!("tags", |t| t.tags),
    ];

    fn write(rows: &[Thing]) -> String {
        let mut out = String::new();
        write_header(COLUMNS, &mut out);
        write_rows(COLUMNS, rows, &mut out);
        out
    }

    #[test]
    fn fields_are_quoted_only_when_needed_and_quotes_doubled() {
        let rows = [Thing {
            name: "Acme, \"the\" best".into(),
            note: Some("two\nlines".into()),
            amount: Decimal::new(123450, 2),
            when: NaiveDate::from_ymd_opt(2026, 3, 1),
            tags: vec!["a".into(), "b".into()],
        }];
        assert_eq!(
            write(&rows),
            "name,note,amount,when,tags\r\n\"Acme, \"\"the\"\" best\",\"two\nlines\",1234.50,2026-03-01,\"a, b\"\r\n"
        );
    }

    #[test]
    fn formulas_are_defused_and_read_back_unchanged() {
        for value in ["=SUM(A1)", "+1 555 0100", "-2", "@cmd", "\tx", "'=already", "=a,b", "plain", "'quoted"] {
            let rows = [Thing { name: value.into(), note: None, amount: Decimal::ONE, when: None, tags: Vec::new() }];
            let text = write(&rows);
            let cell = text.lines().nth(1).unwrap();
            if value.starts_with(['=', '+', '-', '@', '\t']) || value.starts_with("'=") {
                assert!(cell.trim_start_matches('"').starts_with('\''), "{value:?} is not defused: {cell:?}");
            }
            assert_eq!(parse(&text).unwrap()[1][0], value);
        }
    }

    #[test]
    fn parse_reads_quotes_line_endings_and_a_byte_order_mark() {
        let text = "\u{feff}a,b\r\n\"x, \"\"y\"\"\",\"multi\r\nline\"\n1,\rlast,\"\"";
        assert_eq!(
            parse(text).unwrap(),
            vec![
                vec!["a".to_owned(), "b".into()],
                vec!["x, \"y\"".into(), "multi\r\nline".into()],
                vec!["1".into(), String::new()],
                vec!["last".into(), String::new()],
            ]
        );
        assert_eq!(parse("a\n\"open").unwrap_err(), "row 2: a quoted field is not closed");
    }

    #[test]
    fn headers_map_case_insensitively_with_aliases_and_warn_about_the_rest() {
        let fields = [
            ImportField { name: "email", aliases: &["e_mail", "email_address"] },
            ImportField { name: "company_name", aliases: &["company"] },
        ];
        let header: Vec<String> =
            ["E-mail", " Company Name ", "Favourite colour", "EMAIL"].iter().map(|s| s.to_string()).collect();
        let (mapped, warnings) = map_header(&header, &fields);
        assert_eq!(mapped, vec![Some("email"), Some("company_name"), None, None]);
        assert_eq!(warnings.len(), 2);
        assert!(warnings[0].contains("Favourite colour"));
        assert!(warnings[1].contains("EMAIL"));
    }
}
