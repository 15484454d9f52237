//! Pipeline settings: the list of pipelines, and one pipeline with its stages.

mod detail;
mod list;

pub use detail::PipelineDetailPage;
pub use list::PipelineListPage;

use leptos::prelude::*;

use crate::domain::pipeline::{Pipeline, StageKind};

/// The options of a select of pipelines: `chosen` selected, else the default pipeline.
pub fn pipeline_options(pipelines: Vec<Pipeline>, chosen: Option<i64>) -> impl IntoView {
    pipelines
        .into_iter()
        .map(|p| {
            let selected = chosen.map_or(p.is_default, |c| c == p.id);
            view! { <option value=p.id.to_string() selected=selected>{p.name}</option> }
        })
        .collect_view()
}

/// CSS class of a stage kind badge.
fn kind_class(kind: StageKind) -> &'static str {
    match kind {
        StageKind::Open => "badge badge-grey",
        StageKind::Won => "badge badge-green",
        StageKind::Lost => "badge badge-red",
    }
}
