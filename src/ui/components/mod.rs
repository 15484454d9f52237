//! Building blocks shared by pages: one component (or a small family) per file.

pub mod chart;
pub mod error;
pub mod form;
pub mod pagination;
pub mod time;

pub use error::{use_form_error, use_url_error, ErrorBox};
pub use form::{Field, FormErrors, SelectField, TextAreaField};
