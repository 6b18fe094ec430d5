//! Chart 2: every participant's rates side by side, with the cross-state rules.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{
    Canvas, Dash, MARGIN, Marker, PLOT_LEFT, Plot, RATE_AXIS, Swatch, percent_label, percent_ticks,
};
use super::palette::{COMPLETION, IMPLEMENTATION, INK, SMALLEST_SIZE, TEXT, VALUE_SIZE, style};
use super::{Chart, ChartError, ReviewData, WIDTH};
use crate::engine::percent_of;

pub(super) fn comparison<DB: DrawingBackend>(
    c: &Canvas<DB>,
    data: &ReviewData,
) -> Result<(), ChartError> {
    let comparison = &data.comparison;
    c.furniture(
        Chart::Comparison,
        data,
        &format!(
            "{}: each participating member state's own statuses",
            data.framework.title
        ),
    )?;
    if comparison.states.is_empty() {
        return c.no_data("No data: no member state participates as of this date");
    }
    c.legend(&[
        ("Completion", Swatch::Fill(COMPLETION)),
        ("Implementation", Swatch::Fill(IMPLEMENTATION)),
        (
            "Regional (ASEAN)",
            Swatch::Line(INK, Dash::Dashed, Marker::None),
        ),
        (
            "Mean of states",
            Swatch::Line(INK, Dash::Dotted, Marker::None),
        ),
    ])?;
    // The right margin holds the reference lines' labels.
    let plot = Plot::new(PLOT_LEFT, WIDTH as i32 - 250, 110.0);
    c.y_axis(&plot, &percent_ticks(), RATE_AXIS)?;
    let groups: Vec<Vec<Option<f64>>> = comparison
        .states
        .iter()
        .map(|s| {
            vec![
                s.rate.completion_rate.map(|r| r * 100.0),
                s.rate.implementation_rate.map(|r| r * 100.0),
            ]
        })
        .collect();
    // No values above the bars: the reference lines would run through them, and the report's
    // comparison table gives every state's exact figures.
    c.grouped_bars(&plot, &groups, &[], &[COMPLETION, IMPLEMENTATION])?;
    let codes: Vec<String> = comparison
        .states
        .iter()
        .map(|s| s.state.to_string())
        .collect();
    c.x_categories(&plot, &codes, "Member state")?;

    let regional = &comparison.regional;
    let mean = &comparison.mean_of_states;
    let references = [
        (
            regional.completion_rate,
            Dash::Dashed,
            format!(
                "Regional completion {}",
                percent_label(regional.completion_percent())
            ),
        ),
        (
            regional.implementation_rate,
            Dash::Dashed,
            format!(
                "Regional implementation {}",
                percent_label(regional.implementation_percent())
            ),
        ),
        (
            mean.completion_rate,
            Dash::Dotted,
            format!("Mean completion {}", percent_of(mean.completion_rate)),
        ),
        (
            mean.implementation_rate,
            Dash::Dotted,
            format!(
                "Mean implementation {}",
                percent_of(mean.implementation_rate)
            ),
        ),
    ];
    let mut placed: Vec<(i32, i32, &str)> = Vec::new(); // (line y, label y, text)
    for (rate, dash, label) in &references {
        let Some(rate) = rate else { continue };
        let y = plot.y(rate * 100.0);
        c.path(&[(plot.left, y), (plot.right, y)], INK, 2, *dash)?;
        placed.push((y, y, label));
    }
    // Labels in the right margin, pushed apart where lines lie close together.
    placed.sort_by_key(|p| p.0);
    let gap = 20;
    for i in 1..placed.len() {
        if placed[i].1 < placed[i - 1].1 + gap {
            placed[i].1 = placed[i - 1].1 + gap;
        }
    }
    if let Some(last) = placed.last().map(|p| p.1)
        && last > plot.bottom
    {
        let shift = last - plot.bottom;
        for p in &mut placed {
            p.1 -= shift;
        }
    }
    let label_left = plot.right + 16;
    let room = WIDTH as i32 - MARGIN - label_left;
    let label_style = |s| style(s, &TEXT, HPos::Left, VPos::Center);
    // One size for all four labels: the largest at which the longest fits.
    let mut size = VALUE_SIZE;
    while size > SMALLEST_SIZE {
        let mut widest = 0;
        for (_, _, text) in &placed {
            widest = widest.max(c.measure(text, &label_style(size))?);
        }
        if widest <= room {
            break;
        }
        size -= 1.0;
    }
    for (line_y, label_y, text) in placed {
        c.line(&[(plot.right, line_y), (label_left - 4, label_y)], INK, 1)?;
        c.fitted_text(text, (label_left, label_y), room, size, label_style)?;
    }
    Ok(())
}
