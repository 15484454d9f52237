//! Shared types per entity, their validation and the rules that need no database.
//! Compiles to wasm32: nothing here may depend on sqlx, axum or tokio.

pub mod activity;
pub mod analytics;
pub mod auth;
pub mod csv;
pub mod customer;
pub mod deal;
pub mod email;
pub mod employee;
pub mod invitation;
pub mod issue;
pub mod lead;
pub mod list;
pub mod mail;
pub mod money;
pub mod number;
pub mod order;
pub mod organization;
pub mod payment;
pub mod permission;
pub mod pipeline;
pub mod role;
pub mod search;
pub mod validate;
pub mod vendor;
pub mod webhook;

/// In an `apply_to(&self, base)` that validates with the `Check` `c`: an optional text field
/// that was sent replaces `base.<field>` (trimmed; empty clears; at most `max` characters); one
/// that was not sent stays as it is.
#[macro_export]
macro_rules! patch_text {
    ($c:ident, $input:ident, $base:ident, $field:ident, $max:expr) => {
        if let Some(v) = $input.$field.as_deref() {
            $base.$field = $c.optional(stringify!($field), Some(v), $max);
        }
    };
}

/// Declares a closed set of string values (an enum on the wire and in the database).
///
/// Generates `as_str`, `label`, `ALL`, `options`, `FromStr`, `Display` and snake_case serde.
#[macro_export]
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $value:literal / $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
        pub enum $name {
            $(#[serde(rename = $value)] $variant),+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value as stored and sent on the wire.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $value),+ }
            }

            /// A human-readable label.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// `(wire value, label)` of each of `values`, for a select.
            pub fn options(values: &[$name]) -> Vec<(String, String)> {
                values.iter().map(|v| (v.as_str().to_owned(), v.label().to_owned())).collect()
            }

            /// The wire values, comma-separated, for error messages.
            pub fn expected() -> String {
                [$($value),+].join(", ")
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($value => Ok($name::$variant),)+
                    _ => Err(format!("must be one of: {}", Self::expected())),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// The schema of a closed-set field as it arrives: one of `T`'s values, or empty (not set).
#[cfg(feature = "ssr")]
pub fn choice_schema<T: schemars::JsonSchema>(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let values = g.subschema_for::<T>();
    schemars::json_schema!({"anyOf": [values, {"const": ""}, {"type": "null"}]})
}
