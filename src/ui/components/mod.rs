//! Building blocks shared by pages: one component (or a small family) per file.

pub mod all_columns;
pub mod api_form;
pub mod chart;
pub mod drag;
pub mod email;
pub mod error;
pub mod export;
pub mod feedback;
pub mod filters;
pub mod form;
pub mod pagination;
pub mod raw_text;
pub mod record;
pub mod related;
pub mod sort_header;
pub mod time;
pub mod timeline;

pub use all_columns::AllColumns;
pub use api_form::{ApiForm, FormAction};
pub use error::{use_url_error, ErrorBox};
pub use export::ExportLink;
pub use feedback::{describe, use_hydrated, ErrorSummary, NextField};
pub use filters::{AssigneeFilter, SelectFilter};
pub use form::{Field, FormErrors, SelectField, TextAreaField};
pub use raw_text::TextArea;
pub use record::EditInPlace;
pub use related::{RelatedRow, RelatedRows, RelatedSection};
pub use sort_header::SortHeader;
