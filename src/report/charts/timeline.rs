//! Chart 4: the rates over time since the framework's start.

use chrono::Datelike;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{
    Canvas, Dash, MARGIN, Marker, PLOT_LEFT, PLOT_RIGHT, Plot, Swatch, percent_ticks,
};
use super::palette::{COMPLETION, GRID, IMPLEMENTATION, LABEL_SIZE, PROGRESS, RULE, TEXT, style};
use super::{Chart, ChartError, ReviewData, WIDTH};

pub(super) fn timeline<DB: DrawingBackend>(
    c: &Canvas<DB>,
    data: &ReviewData,
) -> Result<(), ChartError> {
    let series = [
        ("Completion rate", COMPLETION, Dash::Solid, Marker::Circle),
        (
            "Implementation rate",
            IMPLEMENTATION,
            Dash::Solid,
            Marker::Triangle,
        ),
        ("Progress index", PROGRESS, Dash::Dashed, Marker::Square),
    ];
    let legend: Vec<(&str, Swatch)> = series
        .iter()
        .map(|(name, color, dash, marker)| (*name, Swatch::Line(*color, *dash, *marker)))
        .collect();
    c.furniture(
        Chart::Timeline,
        data,
        &format!(
            "{}: regional (ASEAN) figures from {} to {}",
            data.framework.title,
            data.framework.start_date.format("%Y-%m-%d"),
            data.as_of.format("%Y-%m-%d")
        ),
    )?;
    let (Some(first), Some(last)) = (data.timeline.first(), data.timeline.last()) else {
        return c.no_data("No data: the timeline has no dates");
    };
    let span = (last.date - first.date).num_days();
    if data.timeline.len() < 2 || span <= 0 {
        return c.no_data("No data: a timeline needs at least two dates");
    }
    c.legend(&legend)?;
    let frame = Plot::new(PLOT_LEFT, PLOT_RIGHT, 110.0);
    c.y_axis(
        &frame,
        &percent_ticks(),
        "Rate or index (% of applicable measures)",
    )?;
    // Inset so the first and last markers are not cut by the plot's edges.
    let plot = Plot {
        left: frame.left + 14,
        right: frame.right - 14,
        ..frame
    };
    let x = |date: chrono::NaiveDate| {
        let days = (date - first.date).num_days() as f64;
        plot.left + (days / span as f64 * f64::from(plot.width())).round() as i32
    };

    // Date labels, as many as fit: every date, else the dates a whole number of years before
    // the last one, thinned further if need be; counted back from the last date, which is
    // always labelled. Each labelled date gets a faint vertical line.
    let label_style = style(LABEL_SIZE, &TEXT, HPos::Center, VPos::Top);
    let widest = c.measure("Sep 2026", &label_style)? + 24;
    let fits = usize::try_from(frame.width() / widest.max(1))
        .unwrap_or(1)
        .max(2);
    let mut labelled: Vec<usize> = (0..data.timeline.len()).collect();
    if labelled.len() > fits {
        labelled.retain(|&i| data.timeline[i].date.month() == last.date.month());
    }
    let stride = labelled.len().div_ceil(fits).max(1);
    let labelled: Vec<usize> = labelled
        .iter()
        .rev()
        .step_by(stride)
        .rev()
        .copied()
        .collect();
    let mut last_right = i32::MIN;
    for i in labelled {
        let px = x(data.timeline[i].date);
        let text = data.timeline[i].date.format("%b %Y").to_string();
        let half = c.measure(&text, &label_style)? / 2;
        // Kept on the canvas and clear of the "0%" label at the axis' foot.
        let centre = px
            .max(frame.left - 6 + half)
            .min(WIDTH as i32 - MARGIN - half);
        if centre - half < last_right + 10 {
            continue;
        }
        c.line(&[(px, frame.top), (px, frame.bottom)], GRID, 1)?;
        c.line(&[(px, frame.bottom), (px, frame.bottom + 5)], RULE, 1)?;
        c.text(&text, (centre, frame.bottom + 10), &label_style)?;
        last_right = centre + half;
    }
    c.x_title(&frame, "Date (end of period)")?;

    let with_markers = data.timeline.len() <= 60;
    for (k, (_, color, dash, marker)) in series.iter().enumerate() {
        let value = |p: &crate::engine::Point| match k {
            0 => p.rate.completion_rate,
            1 => p.rate.implementation_rate,
            _ => p.rate.progress_index,
        };
        // A date with nothing applicable breaks the line rather than dropping to zero.
        let mut runs: Vec<Vec<(i32, i32)>> = vec![Vec::new()];
        for point in &data.timeline {
            match value(point) {
                Some(v) => {
                    if let Some(run) = runs.last_mut() {
                        run.push((x(point.date), plot.y(v * 100.0)));
                    }
                }
                None => runs.push(Vec::new()),
            }
        }
        for run in &runs {
            c.path(run, *color, 3, *dash)?;
            if with_markers || run.len() == 1 {
                for &p in run {
                    c.marker(p, *marker, *color, 4)?;
                }
            }
        }
    }
    Ok(())
}
