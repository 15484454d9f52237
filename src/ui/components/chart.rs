//! Charts drawn as SVG during server rendering, so they appear before the WASM loads.

use leptos::prelude::*;

/// A horizontal bar chart of labelled counts, with an accessible text description.
#[component]
pub fn BarChart(title: &'static str, data: Vec<(String, i64)>) -> impl IntoView {
    let max = data.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let row = 28;
    let height = (data.len() as i64 * row).max(row);
    let summary = data.iter().map(|(l, v)| format!("{l}: {v}")).collect::<Vec<_>>().join(", ");
    view! {
        <figure class="chart">
            <figcaption>{title}</figcaption>
            <svg viewBox=format!("0 0 400 {height}") role="img" aria-label=format!("{title}. {summary}") preserveAspectRatio="xMinYMin meet">
                {data
                    .into_iter()
                    .enumerate()
                    .map(|(i, (label, value))| {
                        let y = i as i64 * row;
                        let width = 250 * value / max;
                        view! {
                            <g>
                                <text x="0" y=y + 18 class="chart-label">{label}</text>
                                <rect x="110" y=y + 5 width=width.max(2) height="18" rx="3" class="chart-bar" />
                                <text x=118 + width y=y + 18 class="chart-value">{value}</text>
                            </g>
                        }
                    })
                    .collect_view()}
            </svg>
        </figure>
    }
}
