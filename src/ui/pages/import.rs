//! The CSV import pages of customers and leads: paste CSV and preview it (a GET form, so the
//! preview is server-rendered with or without the app), then import it; or upload a file and
//! import it at once (a multipart form post). Rows with errors are shown, never dropped quietly.

use std::future::Future;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::domain::csv::{ImportReport, ImportRequest, MAX_IMPORT_ROWS};
use crate::error::AppError;
use crate::ui::components::{use_url_error, ErrorBox, ErrorSummary, TextArea};

/// `/customers/import`, `/leads/import`: `resource` names the list and the endpoint; `run`
/// is its import server function (called for the preview only).
#[component]
pub fn ImportPage<F, Fut>(resource: &'static str, title: &'static str, run: F) -> impl IntoView
where
    F: Fn(ImportRequest) -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = Result<ImportReport, AppError>> + Send + 'static,
{
    let query = use_query_map();
    let pasted = Memo::new(move |_| query.with(|q| q.get("csv").filter(|c| !c.trim().is_empty())));
    let preview = Resource::new(
        move || pasted.get(),
        move |csv| async move {
            match csv {
                Some(csv) => run(ImportRequest { csv: Some(csv), dry_run: Some("true".into()), ..Default::default() })
                    .await
                    .map(Some),
                None => Ok(None),
            }
        },
    );
    let endpoint = format!("/api/{resource}/import");
    let list = format!("/{resource}");
    let error = use_url_error(match resource {
        "customers" => "/api/customers/import",
        _ => "/api/leads/import",
    });
    let initial = pasted.get_untracked().unwrap_or_default();
    view! {
        <Title text=title />
        <div class="page-header">
            <h1>{title}</h1>
            <A href=list.clone()>"← Back to the list"</A>
        </div>
        <ErrorSummary error />
        <section class="card">
            <h2>"Paste CSV"</h2>
            <p class="muted">
                "The first row names the columns (as an export writes them, or e.g. “E-mail”, “Company name”). "
                "At most " {MAX_IMPORT_ROWS} " rows. Preview first: nothing is saved until you import."
            </p>
            <form method="get" action=format!("/{resource}/import")>
                <div class="field">
                    <label for="csv">"CSV text"</label>
                    <TextArea id="csv".to_owned() name="csv" value=initial rows=10 class="mono" />
                </div>
                <div class="form-actions">
                    <button type="submit" class="button primary">"Preview"</button>
                </div>
            </form>
        </section>
        <Transition fallback=|| view! { <p class="loading">"Checking the rows…"</p> }>
            {move || {
                let endpoint = endpoint.clone();
                let list = list.clone();
                Suspend::new(async move {
                    match preview.await {
                        Ok(Some(report)) => {
                            let csv = pasted.get_untracked().unwrap_or_default();
                            view! { <Preview report csv endpoint list /> }.into_any()
                        }
                        Ok(None) => ().into_any(),
                        Err(err) => view! { <ErrorBox err /> }.into_any(),
                    }
                })
            }}
        </Transition>
        <section class="card">
            <h2>"Or upload a file"</h2>
            <form method="post" action=format!("/api/{resource}/import") enctype="multipart/form-data">
                <input type="hidden" name="dry_run" value="false" />
                <input type="hidden" name="next" value=format!("/{resource}") />
                <div class="field">
                    <label for="file">"CSV file"</label>
                    <input id="file" type="file" name="file" accept=".csv,text/csv" required />
                </div>
                <label class="checkbox">
                    <input type="checkbox" name="skip_invalid" value="true" />
                    "Skip rows with errors (otherwise nothing is imported while any row has one)"
                </label>
                <div class="form-actions">
                    <button type="submit" class="button">"Import file"</button>
                </div>
            </form>
        </section>
    }
}

/// The preview table (every row, its problems beside it) and the form that imports the text.
#[component]
fn Preview(report: ImportReport, csv: String, endpoint: String, list: String) -> impl IntoView {
    let columns = report.columns.clone();
    let summary = format!("{} rows: {} ready to import, {} with errors.", report.total, report.valid, report.invalid);
    view! {
        <section class="card">
            <h2>"Preview"</h2>
            <p>{summary}</p>
            {(!report.warnings.is_empty()).then(|| view! {
                <ul class="callout">{report.warnings.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}</ul>
            })}
            <div class="table-card">
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col">"Row"</th>
                            {columns.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view()}
                            <th scope="col">"Problems"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {report.rows.into_iter().map(|row| {
                            let bad = !row.errors.is_empty();
                            let problems: Vec<String> = row.errors.iter()
                                .flat_map(|(field, ps)| ps.iter().map(move |p| format!("{field}: {p}")))
                                .collect();
                            let cells = columns.iter().map(|c| {
                                let value = row.values.get(c).cloned().unwrap_or_default();
                                let class = if row.errors.contains_key(c) { "cell-error" } else { "" };
                                view! { <td class=class>{value}</td> }
                            }).collect_view();
                            view! {
                                <tr class=if bad { "row-error" } else { "" }>
                                    <td>{row.row}</td>
                                    {cells}
                                    <td>{problems.join("; ")}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <form method="post" action=endpoint>
                <input type="hidden" name="csv" value=csv />
                <input type="hidden" name="dry_run" value="false" />
                <input type="hidden" name="next" value=list />
                {(report.invalid > 0).then(|| view! {
                    <label class="checkbox">
                        <input type="checkbox" name="skip_invalid" value="true" />
                        "Skip the rows with errors and import the others"
                    </label>
                })}
                <div class="form-actions">
                    <button type="submit" class="button primary" disabled=report.valid == 0>
                        {format!("Import {} rows", report.valid)}
                    </button>
                </div>
            </form>
        </section>
    }
}
