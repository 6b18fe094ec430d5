//! Chart 3: how the measures are distributed over the statuses, per top-level node.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{Canvas, PLOT_LEFT, PLOT_RIGHT, Plot, Swatch, top_level};
use super::palette::{
    BACKGROUND, BLUE, NEUTRAL, OUTLINE, SKY_BLUE, TEXT, VALUE_SIZE, YELLOW, is_dark, style,
};
use super::{Chart, ChartError, ReviewData};

/// Statuses stacked from the bottom: the most advanced first, so completed sits on the axis.
/// Lightness (L*) differs between every pair: 46, 70, 89, 100, 59. "No report" (a measure that
/// nobody reported, counted as not started) is white inside its outline: it reads as a gap in
/// greyscale too, apart from a report that work has not started.
pub(super) const STACK: [(&str, RGBColor); 5] = [
    ("Completed", BLUE),
    ("Ongoing", SKY_BLUE),
    ("Not started", YELLOW),
    ("No report", BACKGROUND),
    ("Not applicable", NEUTRAL),
];

/// A round step (1, 2 or 5 × 10ⁿ) giving at most `max_ticks` intervals up to `max`.
pub(super) fn count_step(max: u64, max_ticks: u64) -> u64 {
    let mut magnitude = 1_u64;
    loop {
        for m in [1, 2, 5] {
            let step = magnitude.saturating_mul(m);
            if max.div_ceil(step) <= max_ticks {
                return step;
            }
        }
        magnitude = magnitude.saturating_mul(10);
    }
}

pub(super) fn distribution<DB: DrawingBackend>(
    c: &Canvas<DB>,
    data: &ReviewData,
) -> Result<(), ChartError> {
    let (level, capital) = top_level(data);
    let legend: Vec<(&str, Swatch)> = STACK
        .iter()
        .map(|(name, color)| (*name, Swatch::Fill(*color)))
        .collect();
    c.furniture(
        Chart::Distribution,
        data,
        &format!(
            "{}: regional (ASEAN) status of the measures under each {level}",
            data.framework.title
        ),
    )?;
    if data.top.is_empty() {
        return c.no_data(&format!("No data: the framework has no {level} to show"));
    }
    c.legend(&legend)?;
    let counts: Vec<[u64; 5]> = data
        .top
        .iter()
        .map(|n| {
            [
                n.rate.completed,
                n.rate.ongoing,
                n.rate.not_started.saturating_sub(n.rate.unreported),
                n.rate.unreported,
                n.rate.not_applicable,
            ]
        })
        .collect();
    let max = counts
        .iter()
        .map(|c| c.iter().sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let step = count_step(max, 6);
    let axis_max = max.div_ceil(step).saturating_mul(step);
    // Head room for the totals printed above the bars.
    let plot = Plot::new(PLOT_LEFT, PLOT_RIGHT, axis_max as f64 * 1.1);
    let ticks: Vec<(f64, String)> = (0..=axis_max / step)
        .map(|k| ((k * step) as f64, (k * step).to_string()))
        .collect();
    c.y_axis(&plot, &ticks, "Strategic measures (count)")?;

    let n = counts.len();
    let inside = |color: RGBColor| {
        if is_dark(color) {
            style(VALUE_SIZE, &BACKGROUND, HPos::Center, VPos::Center)
        } else {
            style(VALUE_SIZE, &TEXT, HPos::Center, VPos::Center)
        }
    };
    let total_style = style(VALUE_SIZE, &TEXT, HPos::Center, VPos::Bottom);
    for (i, stack) in counts.iter().enumerate() {
        let (x0, x1) = plot.slot(i, n);
        let bar = (f64::from(x1 - x0) * 0.6).min(90.0).round() as i32;
        let left = (x0 + x1 - bar) / 2;
        let right = left + bar;
        let mut base = 0_u64;
        for (&count, (_, color)) in stack.iter().zip(STACK) {
            if count == 0 {
                continue;
            }
            let (y0, y1) = (plot.y(base as f64), plot.y((base + count) as f64));
            c.fill((left, y1), (right, y0), color)?;
            c.frame((left, y1), (right, y0), OUTLINE)?;
            let text = count.to_string();
            let text_style = inside(color);
            if y0 - y1 >= 15 && c.measure(&text, &text_style)? <= bar - 6 {
                c.text(&text, ((left + right) / 2, (y0 + y1) / 2), &text_style)?;
            }
            base += count;
        }
        let total = format!("n = {base}");
        if c.measure(&total, &total_style)? <= x1 - x0 - 4 {
            c.text(
                &total,
                ((left + right) / 2, plot.y(base as f64) - 4),
                &total_style,
            )?;
        }
    }
    let codes: Vec<String> = data.top.iter().map(|n| n.code.clone()).collect();
    c.x_categories(&plot, &codes, &capital)
}
