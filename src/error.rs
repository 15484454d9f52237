//! One error type for the whole application, shared by the server and the WASM client.
//!
//! On the wire every error is `{"error": "<message>", "code": "<kind>", "details": {field: [problems]}}`
//! with the matching HTTP status (see [`AppError::status`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Problems with individual input fields: field name -> list of messages.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

/// Everything that can go wrong in a request, as seen by a client.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(into = "ErrorBody", from = "ErrorBody")]
pub enum AppError {
    /// The request itself is malformed (400).
    #[error("{0}")]
    BadRequest(String),
    /// No valid session or token, or wrong credentials (401).
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in, but not allowed to do this (403).
    #[error("{0}")]
    Forbidden(String),
    /// No such record in the caller's organization (404).
    #[error("not found")]
    NotFound,
    /// The endpoint exists but not for this HTTP method (405).
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The request body is over the size limit (413).
    #[error("request body too large")]
    PayloadTooLarge,
    /// The request conflicts with the current state (409).
    #[error("{0}")]
    Conflict(String),
    /// Input failed validation; details name the fields (422).
    #[error("validation failed")]
    Validation(FieldErrors),
    /// Too many attempts; try again later (429).
    #[error("too many attempts, try again later")]
    RateLimited,
    /// A dependency (usually the database) is temporarily unavailable (503).
    #[error("service temporarily unavailable")]
    Unavailable,
    /// A bug or an unexpected failure; details are only in the server log (500).
    #[error("internal error")]
    Internal,
    /// Not sent yet: the browser is offline and the service worker (`public/sw.js`) put the
    /// change in its outbox, to send when the connection returns. Never made by the server;
    /// the service worker answers it with 503 so that the form keeps what the user typed.
    #[error("saved offline; it will be sent when the connection returns")]
    Queued,
}

impl AppError {
    /// 401 for a request without a valid session or token.
    pub fn unauthenticated() -> Self {
        AppError::Unauthorized("authentication required".into())
    }

    /// A validation error for a single field.
    pub fn field(field: &str, problem: impl Into<String>) -> Self {
        let mut errors = FieldErrors::new();
        errors.insert(field.to_owned(), vec![problem.into()]);
        AppError::Validation(errors)
    }

    /// The HTTP status code this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::BadRequest(_) => 400,
            AppError::Unauthorized(_) => 401,
            AppError::Forbidden(_) => 403,
            AppError::NotFound => 404,
            AppError::MethodNotAllowed => 405,
            AppError::Conflict(_) => 409,
            AppError::PayloadTooLarge => 413,
            AppError::Validation(_) => 422,
            AppError::RateLimited => 429,
            AppError::Internal => 500,
            AppError::Unavailable | AppError::Queued => 503,
        }
    }

    /// Stable machine-readable name of the error kind.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) => "bad_request",
            AppError::Unauthorized(_) => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound => "not_found",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::Conflict(_) => "conflict",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::Validation(_) => "validation",
            AppError::RateLimited => "rate_limited",
            AppError::Unavailable => "unavailable",
            AppError::Internal => "internal",
            AppError::Queued => "queued",
        }
    }

    /// Field problems, empty unless this is a validation error.
    pub fn details(&self) -> FieldErrors {
        match self {
            AppError::Validation(errors) => errors.clone(),
            _ => FieldErrors::new(),
        }
    }

    /// The same error with field names translated (`(from, to)` pairs), for an endpoint that
    /// validates a nested input whose fields it takes under other names.
    pub fn rename_fields(self, names: &[(&str, &str)]) -> Self {
        match self {
            AppError::Validation(errors) => AppError::Validation(
                errors
                    .into_iter()
                    .map(|(field, problems)| {
                        let to = names.iter().find(|(from, _)| *from == field).map(|(_, to)| (*to).to_owned());
                        (to.unwrap_or(field), problems)
                    })
                    .collect(),
            ),
            other => other,
        }
    }

    /// The first problem reported for `field`, for showing next to a form input.
    pub fn field_error(&self, field: &str) -> Option<String> {
        match self {
            AppError::Validation(errors) => errors.get(field).and_then(|p| p.first().cloned()),
            _ => None,
        }
    }
}

/// The JSON shape of an error on the wire.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub(crate) struct ErrorBody {
    /// What went wrong, for a person.
    error: String,
    /// The kind of error, stable for programs: `bad_request`, `unauthorized`, `forbidden`,
    /// `not_found`, `method_not_allowed`, `conflict`, `payload_too_large`, `validation`,
    /// `rate_limited`, `unavailable`, `internal`.
    code: String,
    /// For a 422: each field with its problems.
    #[serde(default)]
    details: FieldErrors,
}

impl From<AppError> for ErrorBody {
    fn from(err: AppError) -> Self {
        ErrorBody { error: err.to_string(), code: err.code().to_owned(), details: err.details() }
    }
}

impl From<ErrorBody> for AppError {
    fn from(body: ErrorBody) -> Self {
        match body.code.as_str() {
            "bad_request" => AppError::BadRequest(body.error),
            "unauthorized" => AppError::Unauthorized(body.error),
            "forbidden" => AppError::Forbidden(body.error),
            "not_found" => AppError::NotFound,
            "method_not_allowed" => AppError::MethodNotAllowed,
            "conflict" => AppError::Conflict(body.error),
            "payload_too_large" => AppError::PayloadTooLarge,
            "validation" => AppError::Validation(body.details),
            "rate_limited" => AppError::RateLimited,
            "unavailable" => AppError::Unavailable,
            "queued" => AppError::Queued,
            _ => AppError::Internal,
        }
    }
}

impl leptos::server_fn::error::FromServerFnError for AppError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        use leptos::server_fn::error::ServerFnErrorErr as E;
        match value {
            // The arguments could not be read: malformed query string or body.
            E::Args(msg) | E::Deserialization(msg) | E::MissingArg(msg) => AppError::BadRequest(msg),
            // The client could not reach the server (only ever built in the browser).
            E::Request(_) => AppError::Unavailable,
            _ => AppError::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_errors_serialize_with_field_details() {
        let err = AppError::field("email", "is not a valid email address");
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(json["error"], "validation failed");
        assert_eq!(json["code"], "validation");
        assert_eq!(json["details"]["email"][0], "is not a valid email address");
    }

    #[test]
    fn every_error_survives_a_round_trip_through_json() {
        let all = [
            AppError::BadRequest("bad".into()),
            AppError::Unauthorized("sign in".into()),
            AppError::Forbidden("no".into()),
            AppError::NotFound,
            AppError::MethodNotAllowed,
            AppError::Conflict("taken".into()),
            AppError::PayloadTooLarge,
            AppError::field("name", "is required"),
            AppError::RateLimited,
            AppError::Unavailable,
            AppError::Internal,
            AppError::Queued,
        ];
        for err in all {
            let back: AppError = serde_json::from_str(&serde_json::to_string(&err).unwrap()).unwrap();
            assert_eq!(back, err);
        }
    }

    #[test]
    fn statuses_match_the_api_contract() {
        assert_eq!(AppError::unauthenticated().status(), 401);
        assert_eq!(AppError::NotFound.status(), 404);
        assert_eq!(AppError::field("x", "y").status(), 422);
        assert_eq!(AppError::RateLimited.status(), 429);
    }
}
