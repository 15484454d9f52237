//! Payments: money coming in (from customers) or going out (to vendors), optionally for an order.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::domain::csv::Column;
use crate::domain::list::ListParams;
use crate::domain::money::minor_digits;
use crate::domain::validate::Check;
use crate::error::AppError;

crate::string_enum!(
    /// Which way the money goes.
    PaymentType {
        Incoming = "incoming" / "Incoming",
        Outgoing = "outgoing" / "Outgoing",
    }
);

crate::string_enum!(
    /// How a payment is made.
    PaymentMethod {
        Cash = "cash" / "Cash",
        BankTransfer = "bank_transfer" / "Bank transfer",
        CreditCard = "credit_card" / "Credit card",
        DebitCard = "debit_card" / "Debit card",
        Check = "check" / "Check",
        Paypal = "paypal" / "PayPal",
        Stripe = "stripe" / "Stripe",
        Other = "other" / "Other",
    }
);

crate::string_enum!(
    /// Where a payment stands. `completed` is reached only through `payments/process` and
    /// `failed` only through `payments/mark_failed`.
    PaymentStatus {
        Pending = "pending" / "Pending",
        Processing = "processing" / "Processing",
        Completed = "completed" / "Completed",
        Failed = "failed" / "Failed",
        Refunded = "refunded" / "Refunded",
        Cancelled = "cancelled" / "Cancelled",
    }
);

impl PaymentStatus {
    /// The statuses a create or update may set.
    pub const EDITABLE: &'static [PaymentStatus] =
        &[PaymentStatus::Pending, PaymentStatus::Processing, PaymentStatus::Refunded, PaymentStatus::Cancelled];

    /// Whether `payments/process` may complete a payment in this status.
    pub fn can_process(self) -> bool {
        matches!(self, PaymentStatus::Pending | PaymentStatus::Processing | PaymentStatus::Failed)
    }

    /// Whether `payments/mark_failed` may fail a payment in this status.
    pub fn can_fail(self) -> bool {
        matches!(self, PaymentStatus::Pending | PaymentStatus::Processing)
    }
}

/// A payment as shown to clients.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Payment {
    pub id: i64,
    /// `PAY-YYYY-NNNN`, given by the server.
    pub number: String,
    #[serde(flatten)]
    pub fields: PaymentFields,
    pub order_number: Option<String>,
    pub vendor_name: Option<String>,
    pub customer_name: Option<String>,
    /// The user who processed it (set by the server by `payments/process`).
    pub processed_by: Option<i64>,
    pub processed_by_name: Option<String>,
    pub processed_at: Option<DateTime<Utc>>,
    /// Why it failed (`payments/mark_failed`).
    pub failure_reason: Option<String>,
    /// Pending and its due date has passed.
    pub is_overdue: bool,
    pub created_by: Option<i64>,
    pub updated_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Incremented on every change (for optimistic concurrency).
    pub version: i64,
}

/// The editable fields of a payment, validated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct PaymentFields {
    pub order_id: Option<i64>,
    pub vendor_id: Option<i64>,
    pub customer_id: Option<i64>,
    /// Greater than 0.
    pub amount: Decimal,
    pub currency: String,
    pub payment_type: PaymentType,
    pub payment_method: PaymentMethod,
    pub status: PaymentStatus,
    pub payment_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub invoice_number: Option<String>,
    pub reference_number: Option<String>,
    pub transaction_id: Option<String>,
    pub notes: Option<String>,
}

impl PaymentFields {
    /// Defaults for a new payment: incoming, bank transfer, pending, in `currency`.
    pub fn new(currency: &str) -> PaymentFields {
        PaymentFields {
            order_id: None,
            vendor_id: None,
            customer_id: None,
            amount: Decimal::ZERO,
            currency: currency.to_owned(),
            payment_type: PaymentType::Incoming,
            payment_method: PaymentMethod::BankTransfer,
            status: PaymentStatus::Pending,
            payment_date: None,
            due_date: None,
            invoice_number: None,
            reference_number: None,
            transaction_id: None,
            notes: None,
        }
    }

    /// What search looks through: payment, invoice and reference numbers and the transaction
    /// id, lower-cased.
    pub fn search_text(&self, number: &str) -> String {
        [Some(number), self.invoice_number.as_deref(), self.reference_number.as_deref(), self.transaction_id.as_deref()]
            .into_iter()
            .flatten()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Create/update input as it arrives (text only). On update, a field that is not sent keeps
/// its value. Defaults on create: `payment_type` incoming, `payment_method` bank_transfer,
/// `status` pending; with an `order_id`, `vendor_id`, `customer_id` and `currency` default to
/// the order's, else `currency` is the organization's. `amount` is required and greater than 0.
/// `status` may only be pending, processing, refunded or cancelled here.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct PaymentInput {
    pub order_id: Option<String>,
    pub vendor_id: Option<String>,
    pub customer_id: Option<String>,
    pub amount: Option<String>,
    pub currency: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<PaymentType>"))]
    pub payment_type: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<PaymentMethod>"))]
    pub payment_method: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<PaymentStatus>"))]
    pub status: Option<String>,
    /// `YYYY-MM-DD`.
    pub payment_date: Option<String>,
    /// `YYYY-MM-DD`.
    pub due_date: Option<String>,
    pub invoice_number: Option<String>,
    pub reference_number: Option<String>,
    pub transaction_id: Option<String>,
    pub notes: Option<String>,
}

impl PaymentInput {
    /// Applies this input on top of `base`, validating every field sent. Ids are only checked
    /// for shape here; that they belong to the organization is the server's job.
    pub fn apply_to(&self, mut base: PaymentFields) -> Result<PaymentFields, AppError> {
        let mut c = Check::new();
        if let Some(v) = self.order_id.as_deref() {
            base.order_id = c.id("order_id", Some(v));
        }
        if let Some(v) = self.vendor_id.as_deref() {
            base.vendor_id = c.id("vendor_id", Some(v));
        }
        if let Some(v) = self.customer_id.as_deref() {
            base.customer_id = c.id("customer_id", Some(v));
        }
        if let Some(v) = self.amount.as_deref() {
            base.amount = c.money("amount", Some(v)).unwrap_or(Decimal::ZERO);
        }
        if let Some(code) = c.currency("currency", self.currency.as_deref()) {
            base.currency = code;
        }
        if let Some(t) = c.one_of("payment_type", self.payment_type.as_deref()) {
            base.payment_type = t;
        }
        if let Some(m) = c.one_of("payment_method", self.payment_method.as_deref()) {
            base.payment_method = m;
        }
        if let Some(s) = c.one_of::<PaymentStatus>("status", self.status.as_deref()) {
            if PaymentStatus::EDITABLE.contains(&s) {
                base.status = s;
            } else {
                c.add("status", "use payments/process or payments/mark_failed to complete or fail a payment");
            }
        }
        if let Some(v) = self.payment_date.as_deref() {
            base.payment_date = c.date("payment_date", Some(v));
        }
        if let Some(v) = self.due_date.as_deref() {
            base.due_date = c.date("due_date", Some(v));
        }
        crate::patch_text!(c, self, base, invoice_number, 100);
        crate::patch_text!(c, self, base, reference_number, 100);
        crate::patch_text!(c, self, base, transaction_id, 200);
        crate::patch_text!(c, self, base, notes, 10_000);
        if c.is_ok() {
            if base.amount <= Decimal::ZERO {
                c.add("amount", "must be greater than 0");
            } else if base.amount.normalize().scale() > minor_digits(&base.currency) {
                c.add(
                    "amount",
                    format!("must have at most {} decimal places in {}", minor_digits(&base.currency), base.currency),
                );
            }
        }
        c.finish(base)
    }
}

/// Validates the reason a payment failed.
pub fn validate_failure_reason(reason: Option<&str>) -> Result<String, AppError> {
    let mut c = Check::new();
    let reason = c.required("reason", reason, 1000);
    c.finish(reason)
}

/// The columns of a payments export.
pub const CSV_COLUMNS: &[Column<Payment>] = &[
    crate::col!("id", |c| c.id),
    crate::col!("number", |c| c.number),
    crate::col!("amount", |c| c.fields.amount),
    crate::col!("currency", |c| c.fields.currency),
    crate::col!("payment_type", |c| c.fields.payment_type.as_str()),
    crate::col!("payment_method", |c| c.fields.payment_method.as_str()),
    crate::col!("status", |c| c.fields.status.as_str()),
    crate::col!("is_overdue", |c| c.is_overdue),
    crate::col!("payment_date", |c| c.fields.payment_date),
    crate::col!("due_date", |c| c.fields.due_date),
    crate::col!("order_id", |c| c.fields.order_id),
    crate::col!("order_number", |c| c.order_number),
    crate::col!("vendor_id", |c| c.fields.vendor_id),
    crate::col!("vendor_name", |c| c.vendor_name),
    crate::col!("customer_id", |c| c.fields.customer_id),
    crate::col!("customer_name", |c| c.customer_name),
    crate::col!("invoice_number", |c| c.fields.invoice_number),
    crate::col!("reference_number", |c| c.fields.reference_number),
    crate::col!("transaction_id", |c| c.fields.transaction_id),
    crate::col!("processed_by_name", |c| c.processed_by_name),
    crate::col!("processed_at", |c| c.processed_at),
    crate::col!("failure_reason", |c| c.failure_reason),
    crate::col!("notes", |c| c.fields.notes),
    crate::col!("created_at", |c| c.created_at),
    crate::col!("updated_at", |c| c.updated_at),
];

/// Fields a payment list can be ordered by; the first is the default (newest first).
pub const SORTABLE: &[&str] =
    &["created_at", "number", "amount", "payment_date", "due_date", "status", "processed_at", "updated_at"];

/// List query as it arrives (query string): text only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct PaymentQuery {
    /// Payment, invoice or reference number or transaction id contains.
    pub search: Option<String>,
    /// Vendor id.
    pub vendor: Option<String>,
    /// Customer id.
    pub customer: Option<String>,
    /// Order id.
    pub order: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<PaymentType>"))]
    pub payment_type: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<PaymentMethod>"))]
    pub payment_method: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<PaymentStatus>"))]
    pub status: Option<String>,
    /// Due date from (inclusive), `YYYY-MM-DD`.
    pub due_from: Option<String>,
    /// Due date to (inclusive), `YYYY-MM-DD`.
    pub due_to: Option<String>,
    /// `true`: only pending payments past their due date.
    pub overdue: Option<String>,
    pub ordering: Option<String>,
    pub page: Option<String>,
    pub page_size: Option<String>,
}

/// Validated payment list filters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PaymentFilter {
    pub search: Option<String>,
    pub vendor: Option<i64>,
    pub customer: Option<i64>,
    pub order: Option<i64>,
    pub payment_type: Option<PaymentType>,
    pub payment_method: Option<PaymentMethod>,
    pub status: Option<PaymentStatus>,
    pub due_from: Option<NaiveDate>,
    pub due_to: Option<NaiveDate>,
    pub overdue: bool,
}

impl PaymentQuery {
    pub fn validate(&self) -> Result<(PaymentFilter, ListParams), AppError> {
        let mut c = Check::new();
        let overdue = match self.overdue.as_deref().map(str::trim).unwrap_or("") {
            "" | "false" | "0" => false,
            "true" | "1" | "on" => true,
            _ => {
                c.add("overdue", "must be true or false");
                false
            }
        };
        let filter = PaymentFilter {
            search: c.optional("search", self.search.as_deref(), 200),
            vendor: c.id("vendor", self.vendor.as_deref()),
            customer: c.id("customer", self.customer.as_deref()),
            order: c.id("order", self.order.as_deref()),
            payment_type: c.one_of("payment_type", self.payment_type.as_deref()),
            payment_method: c.one_of("payment_method", self.payment_method.as_deref()),
            status: c.one_of("status", self.status.as_deref()),
            due_from: c.date("due_from", self.due_from.as_deref()),
            due_to: c.date("due_to", self.due_to.as_deref()),
            overdue,
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

/// A count and an amount.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct CountAmount {
    pub count: i64,
    /// Sum of the amounts in the organization's currency (payments in other currencies are
    /// counted but not summed).
    pub amount: Decimal,
}

/// Payment figures for the organization.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct PaymentStats {
    /// The organization's currency: the currency of every amount here.
    pub currency: String,
    pub total_count: i64,
    /// Sum of all payments in the organization's currency, whatever their type and status.
    pub total_amount: Decimal,
    /// Per status (every status present).
    pub by_status: BTreeMap<String, CountAmount>,
    /// Per payment type (every type present).
    pub by_type: BTreeMap<String, CountAmount>,
    /// Per payment method (every method present).
    pub by_method: BTreeMap<String, CountAmount>,
    /// Pending payments whose due date has passed.
    pub overdue: CountAmount,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn base() -> PaymentFields {
        PaymentFields::new("USD")
    }

    #[test]
    fn a_payment_needs_a_positive_amount() {
        let err = PaymentInput::default().apply_to(base()).unwrap_err();
        assert!(err.field_error("amount").is_some());
        for bad in ["0", "-3", "1.234", "abc"] {
            let err = PaymentInput { amount: Some(bad.into()), ..Default::default() }.apply_to(base()).unwrap_err();
            assert!(err.field_error("amount").is_some(), "{bad}");
        }
        let f = PaymentInput { amount: Some("10.50".into()), ..Default::default() }.apply_to(base()).unwrap();
        assert_eq!(f.amount, Decimal::from_str("10.50").unwrap());
        assert_eq!((f.status, f.payment_type), (PaymentStatus::Pending, PaymentType::Incoming));
    }

    #[test]
    fn completed_and_failed_are_actions_not_edits() {
        for s in ["completed", "failed"] {
            let input = PaymentInput { amount: Some("1".into()), status: Some(s.into()), ..Default::default() };
            assert!(input.apply_to(base()).unwrap_err().field_error("status").is_some());
        }
        let input = PaymentInput { amount: Some("1".into()), status: Some("refunded".into()), ..Default::default() };
        assert_eq!(input.apply_to(base()).unwrap().status, PaymentStatus::Refunded);
    }

    #[test]
    fn enums_dates_and_cents_are_checked() {
        let input = PaymentInput {
            amount: Some("1".into()),
            payment_method: Some("gold".into()),
            payment_type: Some("sideways".into()),
            due_date: Some("soon".into()),
            ..Default::default()
        };
        let err = input.apply_to(base()).unwrap_err();
        for f in ["payment_method", "payment_type", "due_date"] {
            assert!(err.field_error(f).is_some(), "{f}");
        }
        let jpy = PaymentInput { amount: Some("1.5".into()), currency: Some("jpy".into()), ..Default::default() };
        assert!(jpy.apply_to(base()).unwrap_err().field_error("amount").is_some());
    }

    #[test]
    fn a_failure_needs_a_reason() {
        assert!(validate_failure_reason(Some(" ")).is_err());
        assert_eq!(validate_failure_reason(Some("Card declined")).unwrap(), "Card declined");
    }

    #[test]
    fn list_filters_are_validated() {
        let q =
            PaymentQuery { overdue: Some("true".into()), payment_method: Some("paypal".into()), ..Default::default() };
        let (f, _) = q.validate().unwrap();
        assert!(f.overdue);
        assert_eq!(f.payment_method, Some(PaymentMethod::Paypal));
        let q = PaymentQuery { due_from: Some("x".into()), overdue: Some("maybe".into()), ..Default::default() };
        let err = q.validate().unwrap_err();
        assert!(err.field_error("due_from").is_some() && err.field_error("overdue").is_some());
    }
}
