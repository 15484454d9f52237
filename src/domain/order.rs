//! Orders: purchases from vendors and sales to customers, with their line items.
//!
//! Money is exact: an item's total is `quantity × unit price` rounded to the currency's minor
//! unit (half away from zero, which only matters for fractional quantities), and the order's
//! total is the sum of its items' totals. Both are computed here, on the server's side of every
//! create and update, whatever a client sent.

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::domain::csv::Column;
use crate::domain::list::ListParams;
use crate::domain::money::{minor_digits, MAX_AMOUNT};
use crate::domain::validate::Check;
use crate::error::AppError;

crate::string_enum!(
    /// What kind of order: buying (purchase) or selling (sales, service, subscription).
    OrderType {
        Purchase = "purchase" / "Purchase",
        Sales = "sales" / "Sales",
        Service = "service" / "Service",
        Subscription = "subscription" / "Subscription",
    }
);

crate::string_enum!(
    /// Where an order stands. `completed` and `cancelled` are reached only through
    /// `orders/complete` and `orders/cancel`.
    OrderStatus {
        Draft = "draft" / "Draft",
        Pending = "pending" / "Pending",
        Confirmed = "confirmed" / "Confirmed",
        InProgress = "in_progress" / "In progress",
        Completed = "completed" / "Completed",
        Cancelled = "cancelled" / "Cancelled",
    }
);

impl OrderStatus {
    /// The statuses a create or update may set.
    pub const EDITABLE: &'static [OrderStatus] =
        &[OrderStatus::Draft, OrderStatus::Pending, OrderStatus::Confirmed, OrderStatus::InProgress];

    /// Completed and cancelled orders are closed: they can no longer be edited.
    pub fn is_closed(self) -> bool {
        matches!(self, OrderStatus::Completed | OrderStatus::Cancelled)
    }
}

impl OrderType {
    /// Whether completed orders of this type count as revenue (sales, service, subscription).
    pub fn is_revenue(self) -> bool {
        !matches!(self, OrderType::Purchase)
    }
}

/// An order as shown to clients.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Order {
    pub id: i64,
    /// `ORD-YYYY-NNNN`, given by the server.
    pub number: String,
    #[serde(flatten)]
    pub fields: OrderFields,
    /// Sum of the items' totals, computed by the server.
    pub total_amount: Decimal,
    /// The line items, in order. Empty in lists (see `item_count`).
    pub items: Vec<OrderItem>,
    pub item_count: i64,
    pub vendor_name: Option<String>,
    pub customer_name: Option<String>,
    pub assigned_to_name: Option<String>,
    pub completed_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub created_by: Option<i64>,
    pub updated_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Incremented on every change (for optimistic concurrency).
    pub version: i64,
}

/// The editable fields of an order, validated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct OrderFields {
    pub title: String,
    pub description: Option<String>,
    pub order_type: OrderType,
    pub status: OrderStatus,
    pub vendor_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub order_date: NaiveDate,
    pub delivery_date: Option<NaiveDate>,
    /// ISO code of every amount of the order.
    pub currency: String,
    pub assigned_to: Option<i64>,
}

impl OrderFields {
    /// Defaults for a new order: a sales order, draft, dated `today`, in `currency`.
    pub fn new(today: NaiveDate, currency: &str) -> OrderFields {
        OrderFields {
            title: String::new(),
            description: None,
            order_type: OrderType::Sales,
            status: OrderStatus::Draft,
            vendor_id: None,
            customer_id: None,
            order_date: today,
            delivery_date: None,
            currency: currency.to_owned(),
            assigned_to: None,
        }
    }

    /// What search looks through besides the number: title and description, lower-cased.
    pub fn search_text(&self, number: &str) -> String {
        [Some(number), Some(self.title.as_str()), self.description.as_deref()]
            .into_iter()
            .flatten()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A line item of an order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct OrderItem {
    pub id: i64,
    #[serde(flatten)]
    pub fields: OrderItemFields,
}

/// A validated line item, its total computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct OrderItemFields {
    pub item_name: String,
    pub description: Option<String>,
    pub sku: Option<String>,
    /// Greater than 0, at most 3 decimal places (e.g. 1.5 hours).
    pub quantity: Decimal,
    /// Not negative, in the order's currency.
    pub unit_price: Decimal,
    /// `quantity × unit_price`, rounded to the currency's minor unit.
    pub total_price: Decimal,
}

/// Create/update input as it arrives (text only). On update, a field that is not sent keeps
/// its value. Defaults on create: `order_type` sales, `status` draft, `order_date` today,
/// `currency` the organization's. A vendor or a customer (or both) is required. `status` may
/// only be draft, pending, confirmed or in_progress here. A `total_amount` sent by a client is
/// ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct OrderInput {
    pub title: Option<String>,
    pub description: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<OrderType>"))]
    pub order_type: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<OrderStatus>"))]
    pub status: Option<String>,
    pub vendor_id: Option<String>,
    pub customer_id: Option<String>,
    /// `YYYY-MM-DD`.
    pub order_date: Option<String>,
    /// `YYYY-MM-DD`, not before the order date.
    pub delivery_date: Option<String>,
    pub currency: Option<String>,
    /// Employee id.
    pub assigned_to: Option<String>,
}

impl OrderInput {
    /// Applies this input on top of `base`, validating every field sent. Ids are only checked
    /// for shape here; that they belong to the organization is the server's job.
    pub fn apply_to(&self, mut base: OrderFields) -> Result<OrderFields, AppError> {
        let mut c = Check::new();
        if let Some(v) = self.title.as_deref() {
            base.title = c.required("title", Some(v), 200);
        } else if base.title.is_empty() {
            c.add("title", "is required");
        }
        if let Some(v) = self.description.as_deref() {
            base.description = c.optional("description", Some(v), 10_000);
        }
        if let Some(t) = c.one_of("order_type", self.order_type.as_deref()) {
            base.order_type = t;
        }
        if let Some(s) = c.one_of::<OrderStatus>("status", self.status.as_deref()) {
            if s.is_closed() {
                c.add("status", "use orders/complete or orders/cancel to complete or cancel an order");
            } else {
                base.status = s;
            }
        }
        if let Some(v) = self.vendor_id.as_deref() {
            base.vendor_id = c.id("vendor_id", Some(v));
        }
        if let Some(v) = self.customer_id.as_deref() {
            base.customer_id = c.id("customer_id", Some(v));
        }
        if self.order_date.as_deref().is_some_and(|v| !v.trim().is_empty()) {
            if let Some(d) = c.date("order_date", self.order_date.as_deref()) {
                base.order_date = d;
            }
        }
        if let Some(v) = self.delivery_date.as_deref() {
            base.delivery_date = c.date("delivery_date", Some(v));
        }
        if let Some(code) = c.currency("currency", self.currency.as_deref()) {
            base.currency = code;
        }
        if let Some(v) = self.assigned_to.as_deref() {
            base.assigned_to = c.id("assigned_to", Some(v));
        }
        if c.is_ok() {
            if base.vendor_id.is_none() && base.customer_id.is_none() {
                c.add("vendor_id", "a vendor or a customer is required");
                c.add("customer_id", "a vendor or a customer is required");
            }
            if base.delivery_date.is_some_and(|d| d < base.order_date) {
                c.add("delivery_date", "must not be before the order date");
            }
        }
        c.finish(base)
    }
}

/// One line item as it arrives (text; numbers in JSON are accepted too). A `total_price` sent
/// by a client is ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct OrderItemInput {
    #[serde(deserialize_with = "text_or_number")]
    #[cfg_attr(feature = "ssr", schemars(schema_with = "text_or_number_schema"))]
    pub item_name: Option<String>,
    #[serde(deserialize_with = "text_or_number")]
    #[cfg_attr(feature = "ssr", schemars(schema_with = "text_or_number_schema"))]
    pub description: Option<String>,
    #[serde(deserialize_with = "text_or_number")]
    #[cfg_attr(feature = "ssr", schemars(schema_with = "text_or_number_schema"))]
    pub sku: Option<String>,
    /// Greater than 0, at most 3 decimal places.
    #[serde(deserialize_with = "text_or_number")]
    #[cfg_attr(feature = "ssr", schemars(schema_with = "text_or_number_schema"))]
    pub quantity: Option<String>,
    /// Not negative, at most as many decimal places as the currency has.
    #[serde(deserialize_with = "text_or_number")]
    #[cfg_attr(feature = "ssr", schemars(schema_with = "text_or_number_schema"))]
    pub unit_price: Option<String>,
}

impl OrderItemInput {
    fn is_blank(&self) -> bool {
        [&self.item_name, &self.description, &self.sku, &self.quantity, &self.unit_price]
            .iter()
            .all(|v| v.as_deref().is_none_or(|v| v.trim().is_empty()))
    }
}

/// The items of an order as a create or update sends them, replacing all the order's items.
///
/// Accepted as `items=<JSON array>` (a form field holding
/// `[{"item_name":"Desk","quantity":"2","unit_price":"3.50"}]`), as bracketed form fields
/// (`items[0][item_name]=Desk&items[0][quantity]=2&...`, which is also what a JSON body
/// `{"items": [...]}` becomes), or as a JSON array. Rows whose fields are all blank are
/// dropped (an HTML form's empty rows). `items=[]` (or `"items": []` in JSON) means "no items";
/// an empty `items=` reads as "not sent". Sent by the client as a JSON string.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrderItems(pub Vec<OrderItemInput>);

/// At most this many items per order.
pub const MAX_ITEMS: usize = 500;

/// The largest quantity of one item.
const MAX_QUANTITY: i64 = 1_000_000_000;

impl OrderItems {
    /// Validates every item for an order in `currency` and computes its total; errors name the
    /// field as the form does (`items[1][quantity]`). An empty list is allowed.
    pub fn validate(&self, currency: &str) -> Result<Vec<OrderItemFields>, AppError> {
        let mut c = Check::new();
        // Errors name a row by its index as sent, blank rows included, like the form's fields.
        let rows: Vec<(usize, &OrderItemInput)> = self.0.iter().enumerate().filter(|(_, i)| !i.is_blank()).collect();
        if rows.len() > MAX_ITEMS {
            c.add("items", format!("at most {MAX_ITEMS} items"));
            return c.finish(Vec::new());
        }
        let digits = minor_digits(currency);
        let mut items = Vec::with_capacity(rows.len());
        for (i, row) in rows {
            let name = |field: &str| format!("items[{i}][{field}]");
            let item_name = c.required(&name("item_name"), row.item_name.as_deref(), 200);
            let description = c.optional(&name("description"), row.description.as_deref(), 2000);
            let sku = c.optional(&name("sku"), row.sku.as_deref(), 100);
            let quantity = quantity(&mut c, &name("quantity"), row.quantity.as_deref());
            let unit_price = match row.unit_price.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                None => {
                    c.add(&name("unit_price"), "is required");
                    None
                }
                Some(v) => c.money(&name("unit_price"), Some(v)),
            };
            if unit_price.is_some_and(|p| p.normalize().scale() > digits) {
                c.add(&name("unit_price"), format!("must have at most {digits} decimal places in {currency}"));
            }
            if let (Some(quantity), Some(unit_price)) = (quantity, unit_price) {
                let total_price = line_total(quantity, unit_price, digits);
                items.push(OrderItemFields { item_name, description, sku, quantity, unit_price, total_price });
            }
        }
        if c.is_ok() && order_total(&items) > MAX_AMOUNT {
            c.add("items", "the order total is too large");
        }
        c.finish(items)
    }
}

/// `quantity × unit_price`, rounded to `digits` decimal places (half away from zero).
pub fn line_total(quantity: Decimal, unit_price: Decimal, digits: u32) -> Decimal {
    (quantity * unit_price).round_dp_with_strategy(digits, RoundingStrategy::MidpointAwayFromZero)
}

/// The sum of the items' totals.
pub fn order_total(items: &[OrderItemFields]) -> Decimal {
    items.iter().map(|i| i.total_price).sum()
}

fn quantity(c: &mut Check, field: &str, value: Option<&str>) -> Option<Decimal> {
    let Some(raw) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        c.add(field, "is required");
        return None;
    };
    match Decimal::from_str(raw) {
        Ok(q) if q <= Decimal::ZERO => c.add(field, "must be greater than 0"),
        Ok(q) if q.normalize().scale() > 3 => c.add(field, "must have at most 3 decimal places"),
        Ok(q) if q > Decimal::from(MAX_QUANTITY) => c.add(field, "is too large"),
        Ok(q) => return Some(q.normalize()),
        Err(_) => c.add(field, "must be a number such as 2 or 1.5"),
    }
    None
}

/// A text field that JSON may send as a number (or a boolean).
#[cfg(feature = "ssr")]
fn text_or_number_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"type": ["string", "number", "null"]})
}

fn text_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = Option<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("text or a number")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_owned()))
        }
        fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(V)
        }
    }
    d.deserialize_any(V)
}

/// Items: an array of items (in a form, `items[0][item_name]`...) or that array as JSON text.
#[cfg(feature = "ssr")]
impl schemars::JsonSchema for OrderItems {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "OrderItems".into()
    }

    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let item = g.subschema_for::<OrderItemInput>();
        match g.contract() {
            schemars::generate::Contract::Serialize => schemars::json_schema!({"type": "string"}),
            _ => schemars::json_schema!({
                "anyOf": [{"type": "array", "items": item}, {"type": "string", "description": "the array as JSON text"}]
            }),
        }
    }
}

impl Serialize for OrderItems {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let json = serde_json::to_string(&self.0).map_err(serde::ser::Error::custom)?;
        s.serialize_str(&json)
    }
}

impl<'de> Deserialize<'de> for OrderItems {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = OrderItems;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON array of items, or items[0][field] form fields")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<OrderItems, E> {
                if v.trim().is_empty() {
                    return Ok(OrderItems::default());
                }
                serde_json::from_str::<Vec<OrderItemInput>>(v)
                    .map(OrderItems)
                    .map_err(|e| E::custom(format!("items must be a JSON array of items: {e}")))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<OrderItems, E> {
                Ok(OrderItems::default())
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<OrderItems, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<OrderItemInput>()? {
                    if items.len() > MAX_ITEMS * 2 {
                        return Err(serde::de::Error::custom("too many items"));
                    }
                    items.push(item);
                }
                Ok(OrderItems(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<OrderItems, A::Error> {
                // `items[0][..]` keys seen as a map from index to item.
                let mut items = BTreeMap::new();
                while let Some((key, item)) = map.next_entry::<String, OrderItemInput>()? {
                    let index: usize = key
                        .parse()
                        .map_err(|_| serde::de::Error::custom(format!("items[{key}] is not an item index")))?;
                    if items.len() > MAX_ITEMS * 2 {
                        return Err(serde::de::Error::custom("too many items"));
                    }
                    items.insert(index, item);
                }
                Ok(OrderItems(items.into_values().collect()))
            }
        }
        d.deserialize_any(V)
    }
}

/// The columns of an orders export (one line per order; its items are not listed).
pub const CSV_COLUMNS: &[Column<Order>] = &[
    crate::col!("id", |c| c.id),
    crate::col!("number", |c| c.number),
    crate::col!("title", |c| c.fields.title),
    crate::col!("order_type", |c| c.fields.order_type.as_str()),
    crate::col!("status", |c| c.fields.status.as_str()),
    crate::col!("vendor_id", |c| c.fields.vendor_id),
    crate::col!("vendor_name", |c| c.vendor_name),
    crate::col!("customer_id", |c| c.fields.customer_id),
    crate::col!("customer_name", |c| c.customer_name),
    crate::col!("order_date", |c| c.fields.order_date),
    crate::col!("delivery_date", |c| c.fields.delivery_date),
    crate::col!("item_count", |c| c.item_count),
    crate::col!("total_amount", |c| c.total_amount),
    crate::col!("currency", |c| c.fields.currency),
    crate::col!("assigned_to", |c| c.fields.assigned_to),
    crate::col!("assigned_to_name", |c| c.assigned_to_name),
    crate::col!("description", |c| c.fields.description),
    crate::col!("completed_at", |c| c.completed_at),
    crate::col!("cancelled_at", |c| c.cancelled_at),
    crate::col!("created_at", |c| c.created_at),
    crate::col!("updated_at", |c| c.updated_at),
];

/// Fields an order list can be ordered by; the first is the default (newest first).
pub const SORTABLE: &[&str] =
    &["created_at", "number", "title", "order_date", "delivery_date", "total_amount", "status", "updated_at"];

/// List query as it arrives (query string): text only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct OrderQuery {
    /// Number, title or description contains.
    pub search: Option<String>,
    /// Vendor id.
    pub vendor: Option<String>,
    /// Customer id.
    pub customer: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<OrderType>"))]
    pub order_type: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<OrderStatus>"))]
    pub status: Option<String>,
    /// Employee id.
    pub assigned_to: Option<String>,
    /// Order date from (inclusive), `YYYY-MM-DD`.
    pub date_from: Option<String>,
    /// Order date to (inclusive), `YYYY-MM-DD`.
    pub date_to: Option<String>,
    pub ordering: Option<String>,
    pub page: Option<String>,
    pub page_size: Option<String>,
}

/// Validated order list filters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrderFilter {
    pub search: Option<String>,
    pub vendor: Option<i64>,
    pub customer: Option<i64>,
    pub order_type: Option<OrderType>,
    pub status: Option<OrderStatus>,
    pub assigned_to: Option<i64>,
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
}

impl OrderQuery {
    pub fn validate(&self) -> Result<(OrderFilter, ListParams), AppError> {
        let mut c = Check::new();
        let filter = OrderFilter {
            search: c.optional("search", self.search.as_deref(), 200),
            vendor: c.id("vendor", self.vendor.as_deref()),
            customer: c.id("customer", self.customer.as_deref()),
            order_type: c.one_of("order_type", self.order_type.as_deref()),
            status: c.one_of("status", self.status.as_deref()),
            assigned_to: c.id("assigned_to", self.assigned_to.as_deref()),
            date_from: c.date("date_from", self.date_from.as_deref()),
            date_to: c.date("date_to", self.date_to.as_deref()),
        };
        let params = ListParams::parse(
            &mut c,
            self.page.as_deref(),
            self.page_size.as_deref(),
            self.ordering.as_deref(),
            SORTABLE,
            true,
        );
        c.finish((filter, params))
    }
}

/// Order figures for the organization (within the caller's scope).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct OrderStats {
    /// The organization's currency: the currency of `total_revenue`.
    pub currency: String,
    pub total: i64,
    /// Sum of the totals of completed sales, service and subscription orders in the
    /// organization's currency (purchases are spending, not revenue).
    pub total_revenue: Decimal,
    /// The same, per currency, for orders in every currency.
    pub revenue_by_currency: BTreeMap<String, Decimal>,
    /// Count per status (every status present, zero when none).
    pub by_status: BTreeMap<String, i64>,
    /// Count per order type (every type present, zero when none).
    pub by_type: BTreeMap<String, i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 15).unwrap()
    }

    fn item(q: &str, p: &str) -> OrderItemInput {
        OrderItemInput {
            item_name: Some("Thing".into()),
            quantity: Some(q.into()),
            unit_price: Some(p.into()),
            ..Default::default()
        }
    }

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn an_order_needs_a_title_and_a_vendor_or_customer() {
        let err = OrderInput::default().apply_to(OrderFields::new(today(), "USD")).unwrap_err();
        assert!(err.field_error("title").is_some());
        let err = OrderInput { title: Some("T".into()), ..Default::default() }
            .apply_to(OrderFields::new(today(), "USD"))
            .unwrap_err();
        assert!(err.field_error("vendor_id").is_some());
        let f = OrderInput { title: Some("T".into()), customer_id: Some("3".into()), ..Default::default() }
            .apply_to(OrderFields::new(today(), "USD"))
            .unwrap();
        assert_eq!((f.order_date, f.status, f.order_type), (today(), OrderStatus::Draft, OrderType::Sales));
    }

    #[test]
    fn completed_and_cancelled_are_not_set_by_an_update_and_dates_are_ordered() {
        let base = OrderFields { title: "T".into(), vendor_id: Some(1), ..OrderFields::new(today(), "USD") };
        let err = OrderInput { status: Some("completed".into()), ..Default::default() }.apply_to(base.clone());
        assert!(err.unwrap_err().field_error("status").is_some());
        let err = OrderInput { delivery_date: Some("2026-03-14".into()), ..Default::default() }.apply_to(base.clone());
        assert!(err.unwrap_err().field_error("delivery_date").is_some());
        let err = OrderInput { currency: Some("EURO".into()), ..Default::default() }.apply_to(base);
        assert!(err.unwrap_err().field_error("currency").is_some());
    }

    #[test]
    fn totals_are_exact() {
        let items = OrderItems(vec![item("1", "0.1"), item("1", "0.2")]).validate("USD").unwrap();
        assert_eq!(order_total(&items), dec("0.3"));
        assert_eq!(order_total(&items).to_string(), "0.3");
        let items = OrderItems(vec![item("3", "33.33")]).validate("USD").unwrap();
        assert_eq!(items[0].total_price, dec("99.99"));
        let items = OrderItems(vec![item("1.5", "0.33")]).validate("USD").unwrap();
        assert_eq!(items[0].total_price, dec("0.50"));
    }

    #[test]
    fn bad_items_are_reported_per_row_and_field() {
        let rows = vec![item("0", "1"), item("2", "-1"), item("1.2345", "1"), item("x", "1.234"), item("", "")];
        let err = OrderItems(rows).validate("USD").unwrap_err();
        for field in [
            "items[0][quantity]",
            "items[1][unit_price]",
            "items[2][quantity]",
            "items[3][quantity]",
            "items[3][unit_price]",
            "items[4][quantity]",
            "items[4][unit_price]",
        ] {
            assert!(err.field_error(field).is_some(), "{field} should be reported");
        }
        let err = OrderItems(vec![item("1", "3.50")]).validate("JPY").unwrap_err();
        assert!(err.field_error("items[0][unit_price]").is_some());
    }

    #[test]
    fn errors_name_rows_as_sent_blank_rows_included() {
        let err = OrderItems(vec![OrderItemInput::default(), item("0", "1")]).validate("USD").unwrap_err();
        assert!(err.field_error("items[1][quantity]").is_some());
    }

    #[test]
    fn blank_rows_are_dropped() {
        let rows = vec![
            OrderItemInput::default(),
            item("2", "5"),
            OrderItemInput { sku: Some(" ".into()), ..Default::default() },
        ];
        let items = OrderItems(rows).validate("USD").unwrap();
        assert_eq!(items.len(), 1);
    }

    #[test]
    fn items_read_from_a_json_string_with_numbers_and_ignore_client_totals() {
        let items: OrderItems = serde_json::from_value(serde_json::json!(
            r#"[{"item_name":"A","quantity":2,"unit_price":3.5,"total_price":"999"},{"item_name":"B","quantity":"1","unit_price":"0.10"}]"#
        ))
        .unwrap();
        let items = items.validate("USD").unwrap();
        assert_eq!(items[0].total_price, dec("7.0"));
        assert_eq!(items[1].unit_price, dec("0.10"));
        let back: OrderItems =
            serde_json::from_str(&serde_json::to_string(&OrderItems(vec![item("1", "2")])).unwrap()).unwrap();
        assert_eq!(back.0[0].unit_price.as_deref(), Some("2"));
    }

    #[test]
    fn items_read_from_a_json_array_too() {
        let items: OrderItems =
            serde_json::from_value(serde_json::json!([{"item_name": "A", "quantity": "1", "unit_price": "1"}]))
                .unwrap();
        assert_eq!(items.0.len(), 1);
    }

    #[test]
    fn list_filters_are_validated() {
        let q = OrderQuery {
            date_from: Some("2026-01-01".into()),
            status: Some("in_progress".into()),
            ..Default::default()
        };
        let (f, _) = q.validate().unwrap();
        assert_eq!(f.status, Some(OrderStatus::InProgress));
        let q = OrderQuery { date_to: Some("yesterday".into()), vendor: Some("x".into()), ..Default::default() };
        let err = q.validate().unwrap_err();
        assert!(err.field_error("date_to").is_some() && err.field_error("vendor").is_some());
    }
}
