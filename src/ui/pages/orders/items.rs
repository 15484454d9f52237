//! The line items of an order as an editable table that totals as you type.
//!
//! Every row is a set of plain form fields named `items[i][item_name]`, `items[i][quantity]`,
//! ... as the server reads them, so the form posts without JavaScript too: it then shows the
//! existing items and [`BLANK_ROWS`] empty rows (the server drops rows left empty). Once the
//! app runs, rows can be added and removed, and every line total and the order total follow
//! the quantities and prices as they are typed, computed exactly (decimal, never floating
//! point) and rounded as the server rounds them. The totals saved are the server's.

use std::str::FromStr;

use leptos::prelude::*;
use rust_decimal::Decimal;

use crate::domain::money::{self, minor_digits};
use crate::domain::order::{line_total, OrderItem};
use crate::error::AppError;
use crate::ui::components::use_hydrated;

/// Empty rows offered below the existing items.
pub const BLANK_ROWS: usize = 3;

/// A number as typed, if it is one.
fn number(text: &str) -> Option<Decimal> {
    Decimal::from_str(text.trim()).ok()
}

/// `quantity × unit price` of a row, rounded to `digits` places, when both are valid
/// (quantity > 0, price ≥ 0).
pub fn row_total(quantity: &str, unit_price: &str, digits: u32) -> Option<Decimal> {
    let q = number(quantity).filter(|q| *q > Decimal::ZERO)?;
    let p = number(unit_price).filter(|p| *p >= Decimal::ZERO)?;
    Some(line_total(q, p, digits))
}

/// The currency code typed (upper case), or `fallback` while it is empty.
fn currency_code(typed: &str, fallback: &str) -> String {
    let code = typed.trim().to_uppercase();
    if code.is_empty() {
        fallback.to_owned()
    } else {
        code
    }
}

/// One editable row; `key` identifies it while rows come and go.
#[derive(Clone, Copy)]
struct Row {
    key: usize,
    item_name: RwSignal<String>,
    description: RwSignal<String>,
    sku: RwSignal<String>,
    quantity: RwSignal<String>,
    unit_price: RwSignal<String>,
}

impl Row {
    fn new(key: usize, item: Option<&OrderItem>) -> Row {
        let text = |f: fn(&OrderItem) -> String| RwSignal::new(item.map(f).unwrap_or_default());
        Row {
            key,
            item_name: text(|i| i.fields.item_name.clone()),
            description: text(|i| i.fields.description.clone().unwrap_or_default()),
            sku: text(|i| i.fields.sku.clone().unwrap_or_default()),
            quantity: text(|i| i.fields.quantity.to_string()),
            unit_price: text(|i| i.fields.unit_price.to_string()),
        }
    }

    /// Left out by the server: every field empty.
    fn is_blank(&self) -> bool {
        [self.item_name, self.description, self.sku, self.quantity, self.unit_price]
            .iter()
            .all(|f| f.with(|v| v.trim().is_empty()))
    }
}

/// The order's currency and its items table, totalled in the currency typed
/// (`fallback_currency` while that field is empty).
#[island]
pub fn ItemsEditor(
    items: Vec<OrderItem>,
    currency: String,
    fallback_currency: String,
    error: Option<AppError>,
) -> impl IntoView {
    let currency = RwSignal::new(currency);
    let error = Signal::stored(error);
    let currency_problem = Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field_error("currency"))));
    let hydrated = use_hydrated();
    let initial: Vec<Row> = items
        .iter()
        .map(Some)
        .chain(std::iter::repeat_n(None, BLANK_ROWS))
        .enumerate()
        .map(|(key, item)| Row::new(key, item))
        .collect();
    let next_key = StoredValue::new(initial.len());
    let rows = RwSignal::new(initial);
    let fallback = StoredValue::new(fallback_currency);
    let code = Memo::new(move |_| currency.with(|c| currency_code(c, &fallback.read_value())));

    let add = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        rows.update(|r| r.push(Row::new(key, None)));
    };
    // The last row is emptied rather than removed: an order form always sends its items.
    let remove = move |key: usize| {
        rows.update(|r| {
            r.retain(|row| row.key != key);
            if r.is_empty() {
                let key = next_key.get_value();
                next_key.set_value(key + 1);
                r.push(Row::new(key, None));
            }
        })
    };
    let total = move || {
        let digits = code.with(|c| minor_digits(c));
        rows.with(|rs| {
            rs.iter()
                .filter_map(|r| r.quantity.with(|q| r.unit_price.with(|p| row_total(q, p, digits))))
                .sum::<Decimal>()
        })
    };
    let incomplete = move || {
        let digits = code.with(|c| minor_digits(c));
        rows.with(|rs| {
            rs.iter()
                .any(|r| !r.is_blank() && r.quantity.with(|q| r.unit_price.with(|p| row_total(q, p, digits))).is_none())
        })
    };
    let items_problem = Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field_error("items"))));

    view! {
        <fieldset class="items-editor">
            <legend>"Items"</legend>
            <div class="field items-currency" class:invalid=move || currency_problem.get().is_some()>
                <label for="f-currency">"Currency"</label>
                <input id="f-currency" name="currency" type="text" maxlength="3" autocomplete="off"
                    value=currency.get_untracked() placeholder=fallback.get_value()
                    on:input=move |ev| currency.set(event_target_value(&ev)) aria-describedby="f-currency-error" />
                <p class="field-error" id="f-currency-error">{move || currency_problem.get()}</p>
            </div>
            <div class="table-scroll">
                <table class="table items-table">
                    <thead>
                        <tr>
                            <th scope="col">"Item"</th>
                            <th scope="col">"SKU"</th>
                            <th scope="col" class="num">"Quantity"</th>
                            <th scope="col" class="num">"Unit price"</th>
                            <th scope="col" class="num">"Line total"</th>
                            <th scope="col"><span class="sr-only">"Remove"</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=move || rows.get() key=|r| r.key let:row>
                            <ItemRow row rows code error hydrated on_remove=remove />
                        </For>
                    </tbody>
                    <tfoot>
                        <tr>
                            <th scope="row" colspan="4" class="num">"Total"</th>
                            <td class="num items-total">
                                <output aria-live="polite">{move || money::format(total(), &code.get())}</output>
                            </td>
                            <td></td>
                        </tr>
                    </tfoot>
                </table>
            </div>
            <p class="field-error">{move || items_problem.get()}</p>
            <div class="items-tools">
                {move || hydrated.get().then(|| view! {
                    <button type="button" class="button small" on:click=add>"+ Add item"</button>
                })}
                <p class="muted small">
                    {move || if incomplete() {
                        "Rows without a valid quantity and price are not counted yet. "
                    } else {
                        ""
                    }}
                    "Rows left empty are ignored. The server computes the totals that are saved."
                </p>
            </div>
        </fieldset>
    }
}

#[component]
fn ItemRow<F>(
    row: Row,
    rows: RwSignal<Vec<Row>>,
    code: Memo<String>,
    error: Signal<Option<AppError>>,
    hydrated: ReadSignal<bool>,
    on_remove: F,
) -> impl IntoView
where
    F: Fn(usize) + Copy + Send + Sync + 'static,
{
    let key = row.key;
    // Position among the rows: the index in the field names, and the one the server's errors name.
    let position = move || rows.with(|rs| rs.iter().position(|r| r.key == key).unwrap_or(0));
    let problem = move |field: &'static str| {
        Signal::derive(move || {
            let name = format!("items[{}][{field}]", position());
            error.with(|e| e.as_ref().and_then(|e| e.field_error(&name)))
        })
    };
    let line = move || {
        let digits = code.with(|c| minor_digits(c));
        row.quantity.with(|q| row.unit_price.with(|p| row_total(q, p, digits)))
    };
    let cell = move |field: &'static str, signal: RwSignal<String>, kind: &'static str, label: &'static str| {
        let problem = problem(field);
        let initial = signal.get_untracked();
        let numeric = kind == "number";
        view! {
            <div class="item-cell" class:invalid=move || problem.get().is_some()>
                <input
                    type=kind
                    name=move || format!("items[{}][{field}]", position())
                    value=initial
                    min=numeric.then_some("0")
                    step=numeric.then_some("any")
                    inputmode=numeric.then_some("decimal")
                    placeholder=(field == "description").then_some("Description")
                    aria-label=move || format!("{label}, item {}", position() + 1)
                    aria-invalid=move || problem.get().is_some().then_some("true")
                    on:input=move |ev| signal.set(event_target_value(&ev))
                />
                <span class="field-error">{move || problem.get()}</span>
            </div>
        }
    };
    view! {
        <tr>
            <td class="item-name">
                {cell("item_name", row.item_name, "text", "Item name")}
                {cell("description", row.description, "text", "Description")}
            </td>
            <td class="item-sku">{cell("sku", row.sku, "text", "SKU")}</td>
            <td class="item-qty">{cell("quantity", row.quantity, "number", "Quantity")}</td>
            <td class="item-price">{cell("unit_price", row.unit_price, "number", "Unit price")}</td>
            <td class="num item-line">
                <output>{move || line().map(|t| money::format(t, &code.get())).unwrap_or_else(|| "—".into())}</output>
            </td>
            <td>
                {move || hydrated.get().then(|| view! {
                    <button type="button" class="button small icon" on:click=move |_| on_remove(key)
                        aria-label=move || format!("Remove item {}", position() + 1)>"×"</button>
                })}
            </td>
        </tr>
    }
}

/// The items of a closed order (or of any order, read-only) with the server's totals.
#[component]
pub fn ItemsTable(items: Vec<OrderItem>, total: Decimal, currency: String) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="muted">"No items."</p> }.into_any();
    }
    let cur = currency.clone();
    view! {
        <div class="table-scroll">
            <table class="table compact items-table">
                <thead>
                    <tr>
                        <th scope="col">"Item"</th>
                        <th scope="col">"SKU"</th>
                        <th scope="col" class="num">"Quantity"</th>
                        <th scope="col" class="num">"Unit price"</th>
                        <th scope="col" class="num">"Line total"</th>
                    </tr>
                </thead>
                <tbody>
                    {items.into_iter().map(|i| view! {
                        <tr>
                            <td class="wrap">
                                {i.fields.item_name.clone()}
                                {i.fields.description.clone().map(|d| view! { <br /><span class="muted small">{d}</span> })}
                            </td>
                            <td>{i.fields.sku.clone()}</td>
                            <td class="num">{i.fields.quantity.to_string()}</td>
                            <td class="num">{money::format(i.fields.unit_price, &cur)}</td>
                            <td class="num">{money::format(i.fields.total_price, &cur)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
                <tfoot>
                    <tr>
                        <th scope="row" colspan="4" class="num">"Total"</th>
                        <td class="num items-total">{money::format(total, &currency)}</td>
                    </tr>
                </tfoot>
            </table>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn line_totals_are_exact_and_rounded_like_the_server() {
        assert_eq!(row_total("3", "33.33", 2), Some(dec("99.99")));
        assert_eq!(row_total("1.5", "0.33", 2), Some(dec("0.50")));
        let sum: Decimal = [row_total("1", "0.1", 2), row_total("1", "0.2", 2)].into_iter().flatten().sum();
        assert_eq!(sum, dec("0.3"));
        assert_eq!(money::format(sum, "USD"), "USD 0.30");
        assert_eq!(row_total(" 2 ", "1000", 0), Some(dec("2000")));
    }

    #[test]
    fn rows_without_a_valid_quantity_or_price_have_no_total() {
        assert_eq!(row_total("", "1", 2), None);
        assert_eq!(row_total("0", "1", 2), None);
        assert_eq!(row_total("2", "-1", 2), None);
        assert_eq!(row_total("two", "1", 2), None);
        assert_eq!(row_total("2", "0", 2), Some(Decimal::ZERO));
    }

    #[test]
    fn the_currency_typed_applies_once_there_is_one() {
        assert_eq!(currency_code(" eur ", "USD"), "EUR");
        assert_eq!(currency_code("", "USD"), "USD");
    }
}
