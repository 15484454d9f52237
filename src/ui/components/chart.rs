//! Charts drawn as SVG during server rendering, so they appear before the WASM loads. Each is
//! an `img` with a text description of every figure, and carries its numbers as a table
//! behind "Show the figures" for screen readers and for copying.

use leptos::prelude::*;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::domain::money;

/// One labelled figure: `value` sets its size, `text` is what is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Datum {
    pub label: String,
    pub value: f64,
    pub text: String,
}

impl Datum {
    pub fn count(label: impl Into<String>, n: i64) -> Datum {
        Datum { label: label.into(), value: n as f64, text: n.to_string() }
    }

    pub fn money(label: impl Into<String>, amount: Decimal, currency: &str) -> Datum {
        Datum { label: label.into(), value: amount.to_f64().unwrap_or(0.0), text: money::format(amount, currency) }
    }
}

/// A named line of a [`LineChart`], one datum per x label.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub data: Vec<Datum>,
}

/// `label: text, …` for an accessible description.
fn describe(data: &[Datum]) -> String {
    data.iter().map(|d| format!("{}: {}", d.label, d.text)).collect::<Vec<_>>().join(", ")
}

/// The smallest of 1, 2, 2.5, 5 × 10ⁿ at least `max` (the top of a value axis).
fn nice_ceiling(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let magnitude = 10_f64.powf(max.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * magnitude).find(|v| *v >= max).unwrap_or(10.0 * magnitude)
}

/// An axis tick: `1.5k`, `2M`, `250`.
fn compact(v: f64) -> String {
    let (scaled, suffix) = match v.abs() {
        a if a >= 1e9 => (v / 1e9, "B"),
        a if a >= 1e6 => (v / 1e6, "M"),
        a if a >= 1e3 => (v / 1e3, "k"),
        _ => (v, ""),
    };
    let text = format!("{scaled:.1}");
    format!("{}{suffix}", text.trim_end_matches(".0"))
}

/// About how wide `text` is drawn at the charts' 12 px (a little more than a digit's width
/// per character, so that a value never reaches past its chart's edge).
fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * 7.5
}

/// The figures of a chart as a table (behind a disclosure).
#[component]
fn FigureTable(columns: Vec<String>, rows: Vec<(String, Vec<String>)>) -> impl IntoView {
    view! {
        <details class="chart-table">
            <summary>"Show the figures"</summary>
            <table class="table">
                <thead>
                    <tr>{columns.into_iter().map(|c| view! { <th scope="col">{c}</th> }).collect_view()}</tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|(label, cells)| view! {
                        <tr>
                            <th scope="row">{label}</th>
                            {cells.into_iter().map(|c| view! { <td class="num">{c}</td> }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}

/// A horizontal bar chart of labelled figures; `axis` names what the bars measure.
#[component]
pub fn BarChart(title: String, data: Vec<Datum>, #[prop(into)] axis: String) -> impl IntoView {
    let max = data.iter().map(|d| d.value).fold(0.0, f64::max);
    let max = if max > 0.0 { max } else { 1.0 };
    let row = 28.0;
    let height = (data.len().max(1) as f64) * row + 24.0;
    // Wide enough for the longest value beside the longest bar.
    let view_width = data.iter().map(|d| 136.0 + 230.0 + text_width(&d.text) + 4.0).fold(440.0, f64::max);
    let label = format!("{title}. {}", describe(&data));
    let table = data.iter().map(|d| (d.label.clone(), vec![d.text.clone()])).collect();
    view! {
        <figure class="chart">
            <figcaption>{title}</figcaption>
            <svg viewBox=format!("0 0 {view_width} {height}") role="img" aria-label=label preserveAspectRatio="xMinYMin meet">
                {data.into_iter().enumerate().map(|(i, d)| {
                    let y = i as f64 * row;
                    let width = (230.0 * d.value / max).max(2.0);
                    view! {
                        <g>
                            <text x="0" y=y + 18.0 class="chart-label">{truncate(&d.label, 18)}</text>
                            <rect x="130" y=y + 5.0 width=width height="18" rx="3" class="chart-bar" />
                            <text x=136.0 + width y=y + 18.0 class="chart-value">{d.text}</text>
                        </g>
                    }
                }).collect_view()}
                <text x="130" y=height - 4.0 class="chart-axis-title">{axis.clone()}</text>
            </svg>
            <FigureTable columns=vec![String::new(), axis] rows=table />
        </figure>
    }
}

/// A line chart of one or more series over the same x labels, with a value axis from 0.
#[component]
pub fn LineChart(title: String, x_axis: String, y_axis: String, series: Vec<Series>) -> impl IntoView {
    const W: f64 = 640.0;
    const H: f64 = 280.0;
    const LEFT: f64 = 64.0;
    const TOP: f64 = 16.0;
    const BOTTOM: f64 = 64.0;
    let labels: Vec<String> =
        series.first().map(|s| s.data.iter().map(|d| d.label.clone()).collect()).unwrap_or_default();
    // The last x label is centred on the right end of the axis: room for its half.
    let right = labels.last().map_or(16.0, |l| (text_width(l) / 2.0 + 4.0).max(16.0));
    let n = labels.len().max(1);
    let top = nice_ceiling(series.iter().flat_map(|s| s.data.iter().map(|d| d.value)).fold(0.0, f64::max));
    let x = move |i: usize| {
        if n == 1 {
            LEFT + (W - LEFT - right) / 2.0
        } else {
            LEFT + (W - LEFT - right) * i as f64 / (n - 1) as f64
        }
    };
    let y = move |v: f64| TOP + (H - TOP - BOTTOM) * (1.0 - v / top);
    let shown = shown_labels(n);
    let description =
        series.iter().map(|s| format!("{}: {}", s.name, describe(&s.data))).collect::<Vec<_>>().join(". ");
    let mut columns = vec![x_axis.clone()];
    columns.extend(series.iter().map(|s| s.name.clone()));
    let rows = labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            (l.clone(), series.iter().map(|s| s.data.get(i).map(|d| d.text.clone()).unwrap_or_default()).collect())
        })
        .collect();
    view! {
        <figure class="chart">
            <figcaption>{title.clone()}</figcaption>
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label=format!("{title}. {description}") preserveAspectRatio="xMinYMin meet">
                // Value axis: five gridlines from 0 to the top.
                {(0..=4).map(|k| {
                    let v = top * f64::from(k) / 4.0;
                    view! {
                        <g>
                            <line x1=LEFT x2=W - right y1=y(v) y2=y(v) class="chart-grid" />
                            <text x=LEFT - 6.0 y=y(v) + 4.0 text-anchor="end" class="chart-label">{compact(v)}</text>
                        </g>
                    }
                }).collect_view()}
                {labels.iter().enumerate().filter(|(i, _)| shown.contains(i)).map(|(i, l)| view! {
                    <text x=x(i) y=H - BOTTOM + 18.0 text-anchor="middle" class="chart-label">{l.clone()}</text>
                }).collect_view()}
                <text x=LEFT + (W - LEFT - right) / 2.0 y=H - 24.0 text-anchor="middle" class="chart-axis-title">{x_axis}</text>
                <text x="12" y=TOP + (H - TOP - BOTTOM) / 2.0 text-anchor="middle" class="chart-axis-title"
                    transform=format!("rotate(-90 12 {})", TOP + (H - TOP - BOTTOM) / 2.0)>{y_axis}</text>
                {series.iter().enumerate().map(|(k, s)| {
                    let points = s.data.iter().enumerate().map(|(i, d)| format!("{:.1},{:.1}", x(i), y(d.value))).collect::<Vec<_>>().join(" ");
                    let class = format!("chart-series-{}", k % 3);
                    view! {
                        <g class=class>
                            <polyline points=points class="chart-line" />
                            {s.data.iter().enumerate().map(|(i, d)| view! {
                                <circle cx=x(i) cy=y(d.value) r="3" class="chart-point"><title>{format!("{} {}: {}", s.name, d.label, d.text)}</title></circle>
                            }).collect_view()}
                            <rect x=LEFT + 160.0 * k as f64 y=H - 14.0 width="12" height="12" rx="2" class="chart-swatch" />
                            <text x=LEFT + 160.0 * k as f64 + 18.0 y=H - 4.0 class="chart-label">{s.name.clone()}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
            <FigureTable columns rows />
        </figure>
    }
}

/// A funnel: one centred bar per step, its width the step's share of the widest, with the
/// step's figure and its share of the first step.
#[component]
pub fn FunnelChart(title: String, steps: Vec<Datum>) -> impl IntoView {
    const W: f64 = 640.0;
    let row = 34.0;
    let height = steps.len().max(1) as f64 * row;
    let max = steps.iter().map(|d| d.value).fold(0.0, f64::max);
    let max = if max > 0.0 { max } else { 1.0 };
    let first = steps.first().map_or(0.0, |d| d.value);
    let share = move |v: f64| if first > 0.0 { format!(" ({:.0}%)", 100.0 * v / first) } else { String::new() };
    let values: Vec<String> = steps.iter().map(|d| format!("{}{}", d.text, share(d.value))).collect();
    // Wide enough for the longest figure right of the bars.
    let view_width = values.iter().map(|v| 480.0 + text_width(v) + 4.0).fold(W, f64::max);
    let label = format!("{title}. {}", describe(&steps));
    let table = steps.iter().map(|d| (d.label.clone(), vec![d.text.clone()])).collect();
    view! {
        <figure class="chart">
            <figcaption>{title}</figcaption>
            <svg viewBox=format!("0 0 {view_width} {height}") role="img" aria-label=label preserveAspectRatio="xMinYMin meet">
                {steps.into_iter().zip(values).enumerate().map(|(i, (d, value))| {
                    let width = (300.0 * d.value / max).max(2.0);
                    let y = i as f64 * row;
                    let centre = 170.0 + 150.0;
                    view! {
                        <g>
                            <text x="0" y=y + 21.0 class="chart-label">{truncate(&d.label, 24)}</text>
                            <rect x=centre - width / 2.0 y=y + 4.0 width=width height="26" rx="3" class="chart-bar" />
                            <text x=centre + 160.0 y=y + 21.0 class="chart-value">{value}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
            <FigureTable columns=vec![String::new(), "Count".to_owned()] rows=table />
        </figure>
    }
}

/// Which of `n` x labels are written: about eight, evenly spaced, always the last, and none
/// so close before the last that the two would overlap.
fn shown_labels(n: usize) -> Vec<usize> {
    let every = n.div_ceil(8).max(1);
    (0..n).filter(|i| (i % every == 0 && n - 1 - i >= every) || *i + 1 == n).collect()
}

/// `text` cut to `max` characters with an ellipsis (the full text is in the description).
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(max - 1).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_axes_end_on_round_numbers() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(1800.0), 2000.0);
        assert_eq!(nice_ceiling(2100.0), 2500.0);
        assert_eq!(nice_ceiling(40_000.0), 50_000.0);
        assert_eq!(compact(2500.0), "2.5k");
        assert_eq!(compact(2_000_000.0), "2M");
        assert_eq!(compact(250.0), "250");
        assert_eq!(truncate("Negotiation and review", 10), "Negotiati…");
    }

    #[test]
    fn x_labels_are_spaced_and_the_last_never_crowds_another() {
        assert_eq!(shown_labels(1), [0]);
        assert_eq!(shown_labels(7), [0, 1, 2, 3, 4, 5, 6]);
        // Twelve months: every other one, and December without November.
        assert_eq!(shown_labels(12), [0, 2, 4, 6, 8, 11]);
        assert_eq!(shown_labels(31), [0, 4, 8, 12, 16, 20, 24, 30]);
    }
}
