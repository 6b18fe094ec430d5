//! Chart 5: the heat map of implementation rates, member states × top-level nodes.

use plotters::prelude::*;
use plotters::style::FontTransform;
use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{Canvas, MARGIN, PLOT_LEFT, Plot, Swatch, top_level};
use super::palette::{
    BACKGROUND, LABEL_SIZE, MISSING, OUTLINE, TEXT, VALUE_SIZE, is_dark, style, viridis,
};
use super::{Chart, ChartError, ReviewData, WIDTH};
use crate::engine::percent_of;

pub(super) fn heatmap<DB: DrawingBackend>(
    c: &Canvas<DB>,
    data: &ReviewData,
) -> Result<(), ChartError> {
    let (level, capital) = top_level(data);
    c.furniture(
        Chart::Heatmap,
        data,
        &format!(
            "{}: completion rate under each {level}, from each member state's own statuses",
            data.framework.title
        ),
    )?;
    if data.heat.is_empty() || data.top.is_empty() {
        return c.no_data(&format!(
            "No data: no member state or no {level} to compare"
        ));
    }
    c.legend(&[("No applicable measure", Swatch::Fill(MISSING))])?;
    let (rows, cols) = (data.heat.len(), data.top.len());
    // Room on the right for the colour scale.
    let area = Plot::new(PLOT_LEFT, WIDTH as i32 - 150, 1.0);
    let cell_w = (area.width() / cols as i32).clamp(1, 150);
    let cell_h = ((area.bottom - area.top) / rows as i32).clamp(1, 64);
    let grid = Plot {
        right: area.left + cell_w * cols as i32,
        bottom: area.top + cell_h * rows as i32,
        ..area
    };

    for (r, row) in data.heat.iter().enumerate() {
        let y0 = grid.top + cell_h * r as i32;
        // Rows too thin for a label stay unlabelled rather than overprinted.
        if cell_h >= 12 {
            c.fitted_text(
                row.state.as_str(),
                (grid.left - 10, y0 + cell_h / 2),
                grid.left - MARGIN - 30,
                LABEL_SIZE,
                |s| style(s, &TEXT, HPos::Right, VPos::Center),
            )?;
        }
        for col in 0..cols {
            let x0 = grid.left + cell_w * col as i32;
            let (a, b) = ((x0 + 1, y0 + 1), (x0 + cell_w - 2, y0 + cell_h - 2));
            let value = row.completion.get(col).copied().flatten();
            let (fill, text) = match value {
                Some(v) => (viridis(v), percent_of(Some(v))),
                None => (MISSING, "–".to_owned()),
            };
            c.fill(a, b, fill)?;
            let make = |s| {
                if is_dark(fill) {
                    style(s, &BACKGROUND, HPos::Center, VPos::Center)
                } else {
                    style(s, &TEXT, HPos::Center, VPos::Center)
                }
            };
            if cell_h >= 16 {
                c.fitted_text(
                    &text,
                    (x0 + cell_w / 2, y0 + cell_h / 2),
                    cell_w - 8,
                    VALUE_SIZE,
                    make,
                )?;
            }
        }
    }
    let codes: Vec<String> = data.top.iter().map(|n| n.code.clone()).collect();
    c.x_categories(&grid, &codes, &capital)?;
    let axis =
        style(LABEL_SIZE, &TEXT, HPos::Center, VPos::Center).transform(FontTransform::Rotate270);
    c.text(
        "Member state",
        (MARGIN - 2, (grid.top + grid.bottom) / 2),
        &axis,
    )?;

    // The colour scale beside the grid: 0 % at the bottom, 100 % at the top.
    let (sx0, sx1) = (grid.right + 40, grid.right + 60);
    let top = grid.top + 30;
    let bottom = grid.bottom.max(top + 160).min(area.bottom);
    c.text(
        "Completion (%)",
        (sx0 - 8, grid.top),
        &style(VALUE_SIZE, &TEXT, HPos::Left, VPos::Top),
    )?;
    let steps = 50;
    for k in 0..steps {
        let y1 = bottom - (bottom - top) * k / steps;
        let y0 = bottom - (bottom - top) * (k + 1) / steps;
        c.fill(
            (sx0, y0),
            (sx1, y1),
            viridis((f64::from(k) + 0.5) / f64::from(steps)),
        )?;
    }
    c.frame((sx0, top), (sx1, bottom), OUTLINE)?;
    let tick = style(VALUE_SIZE, &TEXT, HPos::Left, VPos::Center);
    for k in 0..=4 {
        let y = bottom - (bottom - top) * k / 4;
        c.line(&[(sx1, y), (sx1 + 5, y)], OUTLINE, 1)?;
        c.text(&format!("{}%", k * 25), (sx1 + 8, y), &tick)?;
    }
    Ok(())
}
