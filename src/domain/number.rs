//! Document numbers: `ORD-2026-0001`, `PAY-2026-0001`, `ISS-2026-0001`, counted per
//! organization, kind and year (the counter lives in the database, see `number_counters`).

crate::string_enum!(
    /// What a number is for; the value is the counter's `kind` and the prefix its label.
    NumberKind {
        Order = "order" / "ORD",
        Payment = "payment" / "PAY",
        Issue = "issue" / "ISS",
    }
);

impl NumberKind {
    /// The prefix of the numbers of this kind.
    pub fn prefix(self) -> &'static str {
        self.label()
    }
}

/// `PREFIX-YYYY-NNNN`: at least four digits, more when the count needs them (`ORD-2026-10000`).
pub fn format_number(kind: NumberKind, year: i32, n: i64) -> String {
    format!("{}-{year}-{n:04}", kind.prefix())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_at_least_four_digits_and_grow_past_9999() {
        assert_eq!(format_number(NumberKind::Order, 2026, 1), "ORD-2026-0001");
        assert_eq!(format_number(NumberKind::Payment, 2026, 42), "PAY-2026-0042");
        assert_eq!(format_number(NumberKind::Issue, 2027, 9999), "ISS-2027-9999");
        assert_eq!(format_number(NumberKind::Order, 2026, 10000), "ORD-2026-10000");
        assert_eq!(format_number(NumberKind::Order, 2026, 123456), "ORD-2026-123456");
    }
}
