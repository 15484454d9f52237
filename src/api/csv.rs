//! CSV over the API: the [`Csv`] output encoding of the `*/export` server functions and the
//! one routine every export shares (`export`).
//!
//! An export is a registered server function like any other (same dispatcher, credentials,
//! permission checks and JSON errors); only its successful answer is `text/csv` with a
//! `Content-Disposition: attachment` file name instead of JSON.

use leptos::server_fn::codec::{Encoding, FromRes, IntoRes};
use leptos::server_fn::error::FromServerFnError;
use leptos::server_fn::response::{ClientRes, TryRes};
use leptos::server_fn::ContentType;

/// Output encoding: the body is the CSV text.
pub struct Csv;

impl ContentType for Csv {
    const CONTENT_TYPE: &'static str = "text/csv; charset=utf-8";
}

impl Encoding for Csv {
    // Only the input encoding's method counts; exports are read with GET.
    const METHOD: http::Method = http::Method::GET;
}

/// A CSV file: header line, then one line per record.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct CsvFile(pub String);

impl<E, Response> IntoRes<Csv, Response, E> for CsvFile
where
    Response: TryRes<E>,
    E: FromServerFnError + Send,
{
    async fn into_res(self) -> Result<Response, E> {
        Response::try_from_string(Csv::CONTENT_TYPE, self.0)
    }
}

impl<E, Response> FromRes<Csv, Response, E> for CsvFile
where
    Response: ClientRes<E> + Send,
    E: FromServerFnError,
{
    async fn from_res(res: Response) -> Result<Self, E> {
        Ok(CsvFile(res.try_into_string().await?))
    }
}

/// Records read per query while exporting.
#[cfg(feature = "ssr")]
const CHUNK: i64 = 5_000;

/// One page of a list query, borrowing the connection: what `export` reads with.
#[cfg(feature = "ssr")]
pub type PageFuture<'c, T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<(Vec<T>, i64), crate::error::AppError>> + Send + 'c>>;

/// Writes every record `page` finds (the list query of the resource, with the caller's scope
/// and filters, in the list's order) under `columns`, reading `CHUNK` records at a time on
/// `conn`, and names the download `<resource>-YYYY-MM-DD.csv`. More than `MAX_EXPORT_ROWS`
/// matches are refused (422) rather than cut short. `params` comes from the list query; its
/// page is ignored.
#[cfg(feature = "ssr")]
pub async fn export<T>(
    resource: &str,
    columns: &[crate::domain::csv::Column<T>],
    mut params: crate::domain::list::ListParams,
    conn: &mut crate::server::db::Conn,
    mut page: impl for<'c> FnMut(&'c mut crate::server::db::Conn, crate::domain::list::ListParams) -> PageFuture<'c, T>,
) -> Result<CsvFile, crate::error::AppError> {
    use crate::domain::csv::{write_header, write_rows, MAX_EXPORT_ROWS};
    (params.page, params.page_size) = (1, CHUNK);
    let mut out = String::new();
    write_header(columns, &mut out);
    loop {
        let (rows, count) = page(conn, params.clone()).await?;
        if count > MAX_EXPORT_ROWS {
            return Err(crate::error::AppError::field(
                "search",
                format!(
                    "matches {count} records; an export holds at most {MAX_EXPORT_ROWS}: narrow the search or filters"
                ),
            ));
        }
        write_rows(columns, &rows, &mut out);
        if params.page * CHUNK >= count || rows.is_empty() {
            break;
        }
        params.page += 1;
    }
    let filename = format!("{resource}-{}.csv", chrono::Utc::now().date_naive());
    crate::api::ctx::set_header(http::header::CONTENT_DISPOSITION, &format!("attachment; filename=\"{filename}\""));
    Ok(CsvFile(out))
}

/// A resource an import creates records of (customers, leads): how a row becomes a record
/// with the same validation as its `create` endpoint.
#[cfg(feature = "ssr")]
pub trait Import: serde::Serialize + Sized {
    /// The create input, read from a row's values by field name.
    type Input: serde::de::DeserializeOwned;
    /// The validated record.
    type Fields: Send + Sync;
    /// The resource (for `<resource>:create`) and its table.
    const RESOURCE: &'static str;
    /// The columns a file may have.
    const FIELDS: &'static [crate::domain::csv::ImportField];
    /// Validates a row like `create` does.
    fn validate(input: &Self::Input) -> Result<Self::Fields, crate::error::AppError>;
    fn email(fields: &Self::Fields) -> Option<&str>;
    fn assigned_to(fields: &mut Self::Fields) -> &mut Option<i64>;
    /// The webhook event of a created record (`customer.created`).
    const CREATED: &'static str;
    /// A created record as the API's `get` answers it, for webhooks.
    fn get(
        conn: &mut crate::server::db::Conn,
        org_id: i64,
        id: i64,
    ) -> impl std::future::Future<Output = Result<Self, crate::error::AppError>> + Send;
    /// Inserts one record (in the import's transaction); returns its id.
    fn insert<'a>(
        conn: &'a mut crate::server::db::Conn,
        org_id: i64,
        user_id: i64,
        currency: &'a str,
        fields: &'a Self::Fields,
    ) -> impl std::future::Future<Output = Result<i64, crate::error::AppError>> + Send + 'a;
}

/// Reads `csv` (header row first) and validates every row as `R`'s create would (the same
/// field rules; `assigned_to` an employee of the organization; an email no record of the
/// organization or earlier row of the file has). A preview (`dry_run`) writes nothing. Else
/// the valid rows are created in one transaction — only when no row has errors, unless
/// `skip_invalid`, which creates the valid rows and reports each skipped one. With errors and
/// without `skip_invalid`, 422 with details `row <n>.<field>` and nothing is written.
#[cfg(feature = "ssr")]
pub async fn import<R: Import>(
    request: crate::domain::csv::ImportRequest,
) -> Result<crate::domain::csv::ImportReport, crate::error::AppError> {
    use std::collections::{BTreeMap, HashMap, HashSet};

    use crate::domain::csv::{map_header, parse, ImportReport, ImportRow, MAX_IMPORT_ROWS};
    use crate::domain::pipeline::parse_bool;
    use crate::domain::validate::Check;
    use crate::error::AppError;
    use crate::server::repo;

    let state = crate::api::ctx::state()?;
    let caller = crate::api::ctx::caller().await?;
    let member = caller.require(R::RESOURCE, "create")?;
    let mut c = Check::new();
    let dry_run = request.dry_run.as_deref().and_then(|v| parse_bool(&mut c, "dry_run", v)).unwrap_or(true);
    let skip_invalid =
        request.skip_invalid.as_deref().and_then(|v| parse_bool(&mut c, "skip_invalid", v)).unwrap_or(false);
    let csv = request.file.filter(|f| !f.is_empty()).or(request.csv).unwrap_or_default();
    let records = match parse(&csv) {
        Ok(records) => records,
        Err(problem) => {
            c.add("csv", problem);
            Vec::new()
        }
    };
    // Trailing blank lines are no rows.
    let data_rows = records.iter().skip(1).rposition(|r| r.iter().any(|v| !v.trim().is_empty())).map_or(0, |i| i + 1);
    if c.is_ok() && records.is_empty() {
        c.add("csv", "is empty: a header row naming the columns is needed");
    } else if data_rows > MAX_IMPORT_ROWS {
        c.add("csv", format!("has {data_rows} rows; one import takes at most {MAX_IMPORT_ROWS}"));
    }
    c.finish(())?;
    let (mapped, warnings) = map_header(&records[0], R::FIELDS);
    if !mapped.iter().any(Option::is_some) {
        return Err(AppError::field("csv", "the header names none of the columns this import takes"));
    }
    let mut report = ImportReport {
        dry_run,
        columns: mapped.iter().flatten().map(|f| (*f).to_owned()).collect(),
        warnings,
        total: data_rows,
        ..ImportReport::default()
    };

    // A preview only reads.
    let mut tx = if dry_run { state.db.read().await? } else { state.db.write().await? };
    // Rows that passed validation, by index in `report.rows` (their other checks may still fail).
    let mut validated = Vec::new();
    let mut seen_emails = HashSet::new();
    let mut employees: HashMap<i64, bool> = HashMap::new();
    for (i, record) in records.iter().enumerate().skip(1).take(data_rows) {
        let values: BTreeMap<String, String> = mapped
            .iter()
            .zip(record)
            .filter_map(|(field, value)| Some(((*field)?.to_owned(), value.trim().to_owned())))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        let mut row = ImportRow { row: i + 1, values, ..ImportRow::default() };
        if record.len() > mapped.len() {
            row.errors.entry("csv".into()).or_default().push(format!(
                "has {} values for {} columns",
                record.len(),
                mapped.len()
            ));
        }
        let input = serde_json::to_value(&row.values)
            .and_then(serde_json::from_value::<R::Input>)
            .map_err(|e| AppError::BadRequest(e.to_string()))?;
        match R::validate(&input) {
            Ok(mut fields) => {
                if R::assigned_to(&mut fields).is_none() && !member.can(R::RESOURCE, "view_all") {
                    *R::assigned_to(&mut fields) = member.employee_id;
                }
                if let Some(id) = *R::assigned_to(&mut fields) {
                    let known = match employees.get(&id) {
                        Some(known) => *known,
                        None => {
                            let known = repo::employees::exists(&mut tx, member.org_id, id).await?;
                            employees.insert(id, known);
                            known
                        }
                    };
                    if !known {
                        row.errors
                            .entry("assigned_to".into())
                            .or_default()
                            .push("is not an employee of this organization".into());
                    }
                }
                if let Some(email) = R::email(&fields) {
                    if !seen_emails.insert(email.to_owned()) {
                        row.errors
                            .entry("email".into())
                            .or_default()
                            .push("is also the email of an earlier row".into());
                    }
                }
                validated.push((report.rows.len(), fields));
            }
            Err(AppError::Validation(errors)) => {
                for (field, problems) in errors {
                    row.errors.entry(field).or_default().extend(problems);
                }
            }
            Err(other) => return Err(other),
        }
        report.rows.push(row);
    }
    let emails: Vec<String> = seen_emails.into_iter().collect();
    let taken = repo::emails_taken(&mut tx, R::RESOURCE, member.org_id, &emails).await?;
    for (index, fields) in &validated {
        if R::email(fields).is_some_and(|e| taken.contains(e)) {
            let row = &mut report.rows[*index];
            row.errors.entry("email".into()).or_default().push(format!("is taken: one of the {} has it", R::RESOURCE));
        }
    }
    report.invalid = report.rows.iter().filter(|r| !r.errors.is_empty()).count();
    report.valid = report.total - report.invalid;
    if dry_run {
        return Ok(report);
    }
    if report.invalid > 0 && !skip_invalid {
        let mut c = Check::new();
        for row in report.rows.iter().filter(|r| !r.errors.is_empty()) {
            for (field, problems) in &row.errors {
                for problem in problems {
                    c.add(&format!("row {}.{field}", row.row), problem.clone());
                }
            }
        }
        return c.finish(report);
    }
    let currency = repo::organizations::get(&mut tx, member.org_id).await?.currency;
    for (index, fields) in &validated {
        let row = &mut report.rows[*index];
        if row.errors.is_empty() {
            row.id = Some(R::insert(&mut tx, member.org_id, caller.user_id, &currency, fields).await?);
            report.imported += 1;
        }
    }
    let subscribed = repo::webhooks::subscribed(&mut tx, member.org_id, R::CREATED).await?;
    if !subscribed.is_empty() {
        for id in report.rows.iter().filter_map(|r| r.id) {
            let record = R::get(&mut tx, member.org_id, id).await?;
            crate::server::jobs::webhooks::emit_to(&mut tx, member.org_id, &subscribed, R::CREATED, id, &record)
                .await?;
        }
    }
    tx.commit().await?;
    crate::api::ctx::redirect_to(request.next.as_deref());
    Ok(report)
}
