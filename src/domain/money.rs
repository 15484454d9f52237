//! Money: `Decimal` in the domain and on the wire, integer minor units (cents) in the database.
//! This module is the one place where the two meet.

use rust_decimal::Decimal;

/// The largest amount accepted anywhere (fits comfortably in i64 minor units).
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(1_874_919_424, 2_328_306, 0, false, 0); // 10^16

/// Number of decimal places of a currency's minor unit (ISO 4217).
pub fn minor_digits(currency: &str) -> u32 {
    match currency {
        "JPY" | "KRW" | "VND" | "CLP" | "ISK" | "UGX" | "XAF" | "XOF" => 0,
        "BHD" | "KWD" | "OMR" | "JOD" | "TND" => 3,
        _ => 2,
    }
}

/// Converts an amount to integer minor units, rounding half away from zero.
pub fn to_minor(amount: Decimal, currency: &str) -> i64 {
    let digits = minor_digits(currency);
    let scaled = (amount * Decimal::from(10_i64.pow(digits)))
        .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    i64::try_from(scaled).unwrap_or(i64::MAX)
}

/// Converts integer minor units back to an amount.
pub fn from_minor(minor: i64, currency: &str) -> Decimal {
    Decimal::new(minor, minor_digits(currency))
}

/// Formats an amount for display, e.g. `USD 1,234.50`.
pub fn format(amount: Decimal, currency: &str) -> String {
    let digits = minor_digits(currency);
    let rounded = amount.round_dp(digits);
    let text = format!("{:.*}", digits as usize, rounded);
    let (int, frac) = text.split_once('.').map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let (sign, int) = int.strip_prefix('-').map_or(("", int), |i| ("-", i));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{currency} {sign}{grouped}.{f}"),
        None => format!("{currency} {sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn amounts_round_trip_through_minor_units_exactly() {
        for s in ["0", "0.01", "1234.56", "99999999.99", "0.1"] {
            let d = Decimal::from_str(s).unwrap();
            assert_eq!(from_minor(to_minor(d, "USD"), "USD"), d);
        }
        assert_eq!(to_minor(Decimal::from_str("0.1").unwrap() + Decimal::from_str("0.2").unwrap(), "USD"), 30);
    }

    #[test]
    fn currencies_without_cents_use_whole_units() {
        assert_eq!(to_minor(Decimal::from(500), "JPY"), 500);
        assert_eq!(from_minor(500, "JPY"), Decimal::from(500));
    }

    #[test]
    fn amounts_format_with_grouping() {
        assert_eq!(format(Decimal::from_str("1234567.5").unwrap(), "USD"), "USD 1,234,567.50");
        assert_eq!(format(Decimal::from_str("-12").unwrap(), "EUR"), "EUR -12.00");
        assert_eq!(format(Decimal::from(1000), "JPY"), "JPY 1,000");
    }

    #[test]
    fn the_maximum_amount_is_ten_to_the_sixteenth() {
        assert_eq!(MAX_AMOUNT, Decimal::from(10_000_000_000_000_000_i64));
    }
}
