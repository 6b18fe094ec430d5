//! The indicator trend chart: one indicator in one scope (issue 17) — the observed points, the
//! baseline and the target, the straight path between them, ESCAP's weighted fit extended to
//! the target year, and the class written above the plot. Nothing is computed here that the
//! engine does not define: the fit line is [`fitted_value`], the same line whose value at the
//! target year is the anticipated value.
//!
//! Decisions where the issue is silent: the baseline and target are named with their values in
//! the legend rather than labelled beside their markers (labels there would collide with the
//! points); the fit is drawn dashed over its whole span, from the baseline year to the target
//! year, and only when the engine has one (three points or more); consecutive observed years
//! are joined by a line, a gap year breaks it.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{
    Canvas, Dash, MARGIN, Marker, PLOT_BOTTOM, PLOT_LEFT, PLOT_RIGHT, Scale, Swatch, scale_grid,
    step_decimals, vertical_title,
};
use super::palette::{
    BLUE, INK, LABEL_SIZE, MUTED, RULE, TEXT, VALUE_SIZE, VERMILLION, bold, class_code, style,
};
use super::{ChartError, ChartFrame, WIDTH};
use crate::domain::{Direction, Indicator, Scope};
use crate::engine::indicators::{ScopeProgress, fitted_value};
use crate::report::{ReviewData, class_label, indicator_value};

/// One indicator in one scope, as [`super::indicator_trend_svg`] draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendChart {
    pub frame: ChartFrame,
    /// The indicator's code and title (the chart's title).
    pub code: String,
    pub title: String,
    /// The unit and decimals values are printed with.
    pub unit: String,
    pub decimals: u8,
    pub direction: Direction,
    /// The scope's figures as the engine computed them (e.g. one of
    /// `IndicatorProgress::scopes`): points, baseline, target, class…
    pub figures: ScopeProgress,
}

impl TrendChart {
    /// The chart of `indicator` with `figures` (its progress in one scope).
    pub fn new(frame: ChartFrame, indicator: &Indicator, figures: ScopeProgress) -> Self {
        Self {
            frame,
            code: indicator.code.clone(),
            title: indicator.title.clone(),
            unit: indicator.unit.clone(),
            decimals: indicator.decimals,
            direction: indicator.direction,
            figures,
        }
    }

    /// The regional (`ASEAN`) trend of the report's indicator `code`; `None` when the report
    /// has no such indicator.
    pub fn of_review(data: &ReviewData, code: &str) -> Option<Self> {
        let line = data.indicators.indicators.iter().find(|i| i.code == code)?;
        Some(Self {
            frame: ChartFrame::of(data),
            code: line.code.clone(),
            title: line.title.clone(),
            unit: line.unit.clone(),
            decimals: line.decimals,
            direction: line.direction,
            figures: line.regional.clone(),
        })
    }

    fn value(&self, value: f64) -> String {
        indicator_value(value, self.decimals, &self.unit)
    }
}

/// Legend items borrowed from owned labels.
fn as_refs(items: &[(String, Swatch)]) -> Vec<(&str, Swatch)> {
    items.iter().map(|(n, s)| (n.as_str(), *s)).collect()
}

/// The scope in words: `ASEAN (regional)`, `Viet Nam`.
fn scope_name(scope: &Scope) -> String {
    match scope {
        Scope::Asean => "ASEAN (regional)".to_owned(),
        Scope::State(state) => crate::report::html::state_name(state),
    }
}

fn percent(share: Option<f64>) -> String {
    crate::engine::percent_of(share.filter(|s| s.is_finite()))
}

pub(super) fn draw<DB: DrawingBackend>(
    c: &Canvas<DB>,
    chart: &TrendChart,
) -> Result<(), ChartError> {
    let f = &chart.figures;
    let better = match chart.direction {
        Direction::Increase => "higher is better",
        Direction::Decrease => "lower is better",
    };
    c.furniture_titled(
        &format!("{} {}", chart.code, chart.title),
        &format!(
            "{}: {}, in {} ({better})",
            chart.frame.framework,
            scope_name(&f.scope),
            chart.unit.trim()
        ),
        &chart.frame,
    )?;
    let (Some(baseline), Some(target)) = (f.baseline, f.target) else {
        return c.no_data(&format!(
            "No data: no target is set for {}",
            scope_name(&f.scope)
        ));
    };
    let baseline_label = format!(
        "Baseline {}: {}",
        baseline.year,
        chart.value(baseline.value)
    );
    let target_label = format!("Target {}: {}", target.year, chart.value(target.value));
    let legend = |baseline: &str, target: &str| {
        vec![
            (
                "Observed".to_owned(),
                Swatch::Line(BLUE, Dash::Solid, Marker::Circle),
            ),
            (baseline.to_owned(), Swatch::Point(INK, Marker::Square)),
            (target.to_owned(), Swatch::Point(INK, Marker::Triangle)),
            (
                "Straight path".to_owned(),
                Swatch::Line(RULE, Dash::Dotted, Marker::None),
            ),
            (
                "Weighted trend".to_owned(),
                Swatch::Line(VERMILLION, Dash::Dashed, Marker::None),
            ),
        ]
    };
    let full = legend(&baseline_label, &target_label);
    // With long units the values do not fit in the legend: they go on the class line instead.
    let fits = c.legend_width(&as_refs(&full))? - 28 <= WIDTH as i32 - 2 * MARGIN;
    let shown = if fits {
        full
    } else {
        legend(
            &format!("Baseline {}", baseline.year),
            &format!("Target {}", target.year),
        )
    };
    c.legend(&as_refs(&shown))?;

    // The class line, between the legend and the plot: never over the data.
    let latest = f.latest.map_or_else(
        || "–".to_owned(),
        |l| format!("{} ({})", chart.value(l.value), l.year),
    );
    let class = format!("{}  [{}]", class_label(f.class), class_code(f.class));
    let class_style = bold(LABEL_SIZE, &TEXT, HPos::Left, VPos::Center);
    let class_y = 116;
    c.text(&format!("Class: {class}"), (MARGIN, class_y), &class_style)?;
    let class_w = c.measure(&format!("Class: {class}"), &class_style)?;
    let shares = format!(
        "current status {} · expected {} · anticipated progress {}",
        percent(f.current_status),
        percent(f.expected),
        percent(f.anticipated_progress)
    );
    let muted = |s| style(s, &MUTED, HPos::Left, VPos::Center);
    // With long units the values go on a line of their own under the class.
    let top = if fits {
        c.fitted_text(
            &format!("Latest {latest} · {shares}"),
            (MARGIN + class_w + 24, class_y),
            PLOT_RIGHT - MARGIN - class_w - 24,
            VALUE_SIZE,
            muted,
        )?;
        150
    } else {
        c.fitted_text(
            &shares,
            (MARGIN + class_w + 24, class_y),
            PLOT_RIGHT - MARGIN - class_w - 24,
            VALUE_SIZE,
            muted,
        )?;
        c.fitted_text(
            &format!("{baseline_label} · {target_label} · latest {latest}"),
            (MARGIN, class_y + 22),
            PLOT_RIGHT - MARGIN,
            VALUE_SIZE,
            muted,
        )?;
        162
    };

    // Years: from the baseline to the later of the target and the latest point.
    let first_year = baseline.year;
    let last_year = f
        .points
        .iter()
        .map(|p| p.year)
        .chain([target.year])
        .max()
        .unwrap_or(target.year);
    let fit: Vec<(i32, f64)> = if f.anticipated_value.is_some() {
        [first_year, target.year.max(first_year)]
            .into_iter()
            .filter_map(|year| fitted_value(&f.points, baseline.year, year).map(|v| (year, v)))
            .collect()
    } else {
        Vec::new()
    };
    let values: Vec<f64> = f
        .points
        .iter()
        .map(|p| p.value)
        .chain([baseline.value, target.value])
        .chain(fit.iter().map(|(_, v)| *v))
        .filter(|v| v.is_finite())
        .collect();
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let pad = ((hi - lo) * 0.08).max(f64::EPSILON);
    let (scale, ticks, step) = Scale::rounded(lo - pad, hi + pad, 6, top, PLOT_BOTTOM);
    let decimals = step_decimals(step);
    let labels: Vec<(f64, String)> = ticks
        .iter()
        .map(|t| (*t, format!("{t:.decimals$}")))
        .collect();
    let (left, right) = (PLOT_LEFT, PLOT_RIGHT - 10);
    scale_grid(c, &scale, (left, right), &labels)?;
    c.line(&[(left, PLOT_BOTTOM), (right, PLOT_BOTTOM)], RULE, 1)?;
    vertical_title(
        c,
        &format!("Value ({})", chart.unit.trim()),
        (top, PLOT_BOTTOM),
    )?;

    // Half a year of room at either end, so the first and last markers are not on the edge.
    let span = f64::from(last_year) - f64::from(first_year) + 1.0;
    let x = |year: i32| {
        let share = (f64::from(year) - f64::from(first_year) + 0.5) / span;
        left + (share * f64::from(right - left)).round() as i32
    };
    let at = |year: i32, value: f64| (x(year), scale.y(value));
    // Year labels, thinned so they never touch.
    let label = style(LABEL_SIZE, &TEXT, HPos::Center, VPos::Top);
    let widest = c.measure("0000", &label)? + 12;
    let years = last_year.saturating_sub(first_year).max(1);
    let every = (1..=years)
        .find(|k| (x(first_year.saturating_add(*k)) - x(first_year)) >= widest)
        .unwrap_or(years);
    for year in (first_year..=last_year).step_by(usize::try_from(every).unwrap_or(1)) {
        c.line(
            &[(x(year), PLOT_BOTTOM), (x(year), PLOT_BOTTOM + 5)],
            RULE,
            1,
        )?;
        c.text(&year.to_string(), (x(year), PLOT_BOTTOM + 8), &label)?;
    }
    c.x_title(
        &super::canvas::Plot::new(left, right, 1.0),
        "Year (observations are annual)",
    )?;

    c.path(
        &[
            at(baseline.year, baseline.value),
            at(target.year, target.value),
        ],
        RULE,
        2,
        Dash::Dotted,
    )?;
    if fit.len() == 2 {
        let line: Vec<(i32, i32)> = fit.iter().map(|(y, v)| at(*y, *v)).collect();
        c.path(&line, VERMILLION, 3, Dash::Dashed)?;
    }
    for pair in f.points.windows(2) {
        if pair[1].year - pair[0].year == 1 {
            c.line(
                &[
                    at(pair[0].year, pair[0].value),
                    at(pair[1].year, pair[1].value),
                ],
                BLUE,
                3,
            )?;
        }
    }
    for p in f.points.iter().skip(1) {
        c.marker(at(p.year, p.value), Marker::Circle, BLUE, 5)?;
    }
    c.marker(at(baseline.year, baseline.value), Marker::Square, INK, 6)?;
    c.marker(at(target.year, target.value), Marker::Triangle, INK, 7)
}
