//! Pipeline settings: the list of pipelines, and one pipeline with its stages.

mod detail;
mod list;

pub use detail::PipelineDetailPage;
pub use list::PipelineListPage;

use crate::domain::pipeline::StageKind;

/// CSS class of a stage kind badge.
fn kind_class(kind: StageKind) -> &'static str {
    match kind {
        StageKind::Open => "badge badge-grey",
        StageKind::Won => "badge badge-green",
        StageKind::Lost => "badge badge-red",
    }
}
