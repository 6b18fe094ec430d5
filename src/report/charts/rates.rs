//! Chart 1: the overall rates and the rates of each top-level node.

use plotters::prelude::*;

use super::canvas::{
    Canvas, PLOT_LEFT, PLOT_RIGHT, Plot, RATE_AXIS, Swatch, percent_label, percent_ticks, top_level,
};
use super::palette::{COMPLETION, IMPLEMENTATION};
use super::{Chart, ChartError, ReviewData};

pub(super) fn rates<DB: DrawingBackend>(
    c: &Canvas<DB>,
    data: &ReviewData,
) -> Result<(), ChartError> {
    let (level, capital) = top_level(data);
    c.furniture(
        Chart::Rates,
        data,
        &format!(
            "{}: regional (ASEAN) status of the measures under each {level}",
            data.framework.title
        ),
    )?;
    if data.top.is_empty() {
        return c.no_data(&format!("No data: the framework has no {level} to show"));
    }
    c.legend(&[
        ("Completion rate", Swatch::Fill(COMPLETION)),
        (
            "Implementation rate (ongoing or completed)",
            Swatch::Fill(IMPLEMENTATION),
        ),
    ])?;
    let plot = Plot::new(PLOT_LEFT, PLOT_RIGHT, 110.0);
    c.y_axis(&plot, &percent_ticks(), RATE_AXIS)?;
    let groups: Vec<Vec<Option<f64>>> = data
        .top
        .iter()
        .map(|n| {
            vec![
                n.rate.completion_rate.map(|r| r * 100.0),
                n.rate.implementation_rate.map(|r| r * 100.0),
            ]
        })
        .collect();
    let labels: Vec<Vec<String>> = data
        .top
        .iter()
        .map(|n| {
            vec![
                percent_label(n.rate.completion_percent()),
                percent_label(n.rate.implementation_percent()),
            ]
        })
        .collect();
    c.grouped_bars(&plot, &groups, &labels, &[COMPLETION, IMPLEMENTATION])?;
    let codes: Vec<String> = data.top.iter().map(|n| n.code.clone()).collect();
    c.x_categories(&plot, &codes, &capital)
}
