//! The goal snapshot (issue 17, after ESCAP's SDG progress snapshot): per node, the mean
//! current status of its indicators as bars — regional (`ASEAN`) and the mean of the member
//! states, side by side and never mixed — against a black mark at `expected`, where straight
//! paths from baseline to target would be by the as-of year.
//!
//! The vertical scale is the share of the way from baseline to target (100 % = the target). It
//! The two series are named by the caller ([`SnapshotChart::series`]): a report draws the
//! regional figures beside the mean of states; a member state's page may draw the state's own
//! figures beside them, or one series alone (an empty second name).
//!
//! runs down below 0 % only when a bar is negative (worse than the baseline), at most to
//! −100 %; a bar further down is drawn to the edge, its label giving the value.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{
    Canvas, Dash, Marker, PLOT_BOTTOM, PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, Plot, Scale, Swatch,
    scale_grid, vertical_title,
};
use super::palette::{
    COMPLETION, IMPLEMENTATION, INK, MUTED, OUTLINE, RULE, TEXT, VALUE_SIZE, style,
};
use super::{ChartError, ChartFrame};
use crate::report::ReviewData;

/// The goal snapshot's input, as [`super::goal_snapshot_svg`] draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotChart {
    pub frame: ChartFrame,
    /// What the bars are, in the singular: `goal`.
    pub level: String,
    /// The year `expected` is for (the as-of year), named in the legend.
    pub year: i32,
    /// The names of the two series in the legend, dark bar first: `Regional (ASEAN)`,
    /// `Mean of member states`. An empty second name draws the first series alone.
    pub series: [String; 2],
    /// One group of bars per node, in the order given.
    pub bars: Vec<SnapshotBar>,
}

/// One node's bars: shares of the way from baseline to target (1.0 = the target); `None` is
/// drawn as "n/a".
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotBar {
    /// The node's code, printed under its bars.
    pub code: String,
    pub title: String,
    /// The mean current status in each series (in a report: the unweighted mean of the
    /// regional current statuses of its indicators, then the unweighted mean of its
    /// indicators' `mean_of_states` current statuses).
    pub values: [Option<f64>; 2],
    /// Where the straight paths would be by the as-of year.
    pub expected: Option<f64>,
    /// How many indicators the node has (0: "no indicator" is printed).
    pub indicators: u64,
}

impl SnapshotChart {
    /// The snapshot of a review report's indicators, one group per top-level node.
    pub fn of_review(data: &ReviewData) -> Self {
        let level = data
            .framework
            .levels
            .first()
            .cloned()
            .unwrap_or_else(|| "top-level node".to_owned());
        Self::of_section(super::ChartFrame::of(data), &level, &data.indicators)
    }

    /// The snapshot of an indicators section (a report's, or one computed for a page), one
    /// group per top-level node named `level`, expected as of the frame's year.
    pub fn of_section(
        frame: super::ChartFrame,
        level: &str,
        section: &crate::report::IndicatorSection,
    ) -> Self {
        use chrono::Datelike;
        let level = if level.trim().is_empty() {
            "top-level node"
        } else {
            level
        };
        Self {
            year: frame.as_of.year(),
            frame,
            level: level.to_owned(),
            series: [
                "Regional (ASEAN)".to_owned(),
                "Mean of member states".to_owned(),
            ],
            bars: section
                .goals
                .iter()
                .map(|g| SnapshotBar {
                    code: g.code.clone(),
                    title: g.title.clone(),
                    values: [g.regional.mean_current_status, g.mean_of_states],
                    expected: g.expected,
                    indicators: g.regional.indicators,
                })
                .collect(),
        }
    }
}

pub(super) fn draw<DB: DrawingBackend>(
    c: &Canvas<DB>,
    chart: &SnapshotChart,
) -> Result<(), ChartError> {
    let level = chart.level.trim();
    c.furniture_titled(
        super::Chart::Snapshot.title(),
        &format!(
            "{}: mean current status of the indicators under each {level}, as a share of the way from baseline to target",
            chart.frame.framework
        ),
        &chart.frame,
    )?;
    if chart.bars.iter().all(|b| b.indicators == 0) {
        return c.no_data(&format!("No data: no indicator under any {level}"));
    }
    let expected = format!("Expected by {}", chart.year);
    let series = if chart.series[1].trim().is_empty() {
        1
    } else {
        2
    };
    let mut legend = vec![(chart.series[0].as_str(), Swatch::Fill(COMPLETION))];
    if series == 2 {
        legend.push((chart.series[1].as_str(), Swatch::Fill(IMPLEMENTATION)));
    }
    legend.push((&expected, Swatch::Line(INK, Dash::Solid, Marker::None)));
    c.legend(&legend)?;
    let lowest = chart
        .bars
        .iter()
        .flat_map(|b| b.values.into_iter().take(series))
        .flatten()
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::min)
        .max(-1.0);
    let lo = (lowest * 4.0).floor() / 4.0 * 100.0;
    // Room above 100 % for the labels of bars at the target.
    let scale = Scale {
        lo,
        hi: 100.0 + (100.0 - lo) * 0.08,
        top: PLOT_TOP,
        bottom: PLOT_BOTTOM,
    };
    let mut ticks = Vec::new();
    let mut t = lo;
    while t <= 100.0 + 1e-9 {
        ticks.push((t, format!("{t:.0}%")));
        t += 25.0;
    }
    let plot = Plot::new(PLOT_LEFT, PLOT_RIGHT, 1.0);
    scale_grid(c, &scale, (plot.left, plot.right), &ticks)?;
    let zero = scale.y(0.0);
    c.line(&[(plot.left, zero), (plot.right, zero)], RULE, 1)?;
    vertical_title(
        c,
        "Share of the way from baseline to target (%)",
        (plot.top, plot.bottom),
    )?;

    let n = chart.bars.len();
    let label = style(VALUE_SIZE, &TEXT, HPos::Center, VPos::Bottom);
    let below = style(VALUE_SIZE, &TEXT, HPos::Center, VPos::Top);
    let muted = style(VALUE_SIZE, &MUTED, HPos::Center, VPos::Bottom);
    // Bar labels only when every one fits its bar.
    let bar_width = |i: usize| {
        let (x0, x1) = plot.slot(i, n);
        (f64::from(x1 - x0) * 0.72 / series as f64).min(64.0)
    };
    let mut labels_fit = true;
    for (i, bar) in chart.bars.iter().enumerate() {
        for value in bar.values.into_iter().take(series).flatten() {
            if f64::from(c.measure(&format!("{:.0}%", value * 100.0), &label)?) > bar_width(i) + 2.0
            {
                labels_fit = false;
            }
        }
    }
    for (i, bar) in chart.bars.iter().enumerate() {
        let (x0, x1) = plot.slot(i, n);
        let width = bar_width(i);
        let start = f64::from(x0 + x1) / 2.0 - width * series as f64 / 2.0;
        if bar.indicators == 0 {
            c.fitted_text(
                "no indicator",
                ((x0 + x1) / 2, zero - 3),
                x1 - x0 - 4,
                VALUE_SIZE,
                |s| style(s, &MUTED, HPos::Center, VPos::Bottom),
            )?;
            continue;
        }
        for (k, (value, color)) in bar
            .values
            .into_iter()
            .zip([COMPLETION, IMPLEMENTATION])
            .take(series)
            .enumerate()
        {
            let left = (start + width * k as f64).round() as i32;
            let right = (start + width * (k + 1) as f64).round() as i32 - 2;
            let centre = (left + right) / 2;
            match value.filter(|v| v.is_finite()) {
                Some(v) => {
                    let end = scale.y(v * 100.0);
                    let (top, bottom) = (end.min(zero), end.max(zero));
                    if bottom > top {
                        c.fill((left, top), (right, bottom), color)?;
                        c.frame((left, top), (right, bottom), OUTLINE)?;
                    }
                    if labels_fit {
                        let text = format!("{:.0}%", v * 100.0);
                        if v < 0.0 {
                            c.text(&text, (centre, bottom + 3), &below)?;
                        } else {
                            c.text(&text, (centre, top - 3), &label)?;
                        }
                    }
                }
                None => c.text("n/a", (centre, zero - 3), &muted)?,
            }
        }
        if let Some(expected) = bar.expected.filter(|e| e.is_finite()) {
            let y = scale.y(expected * 100.0);
            let (l, r) = (
                start.round() as i32 - 6,
                (start + series as f64 * width).round() as i32 + 4,
            );
            // A white edge keeps the mark visible over a bar of any colour.
            c.line(&[(l, y), (r, y)], super::palette::BACKGROUND, 5)?;
            c.line(&[(l, y), (r, y)], INK, 3)?;
        }
    }
    let codes: Vec<String> = chart.bars.iter().map(|b| b.code.clone()).collect();
    let mut capital = level.to_owned();
    if let Some(first) = capital.get(..1) {
        capital = first.to_uppercase() + &capital[1..];
    }
    c.x_categories(&plot, &codes, &capital)
}
