//! The class matrix (issue 17, after the UN SDG Progress Chart): one row per indicator, one
//! column per scope (`ASEAN` first, set apart, then the member states), each cell the
//! indicator's class in that scope as a colour **and** a short code ([`class_code`]) printed
//! in it, so the matrix reads in greyscale, to people who do not tell the colours apart, and to
//! a screen reader (the codes are SVG text; the legend spells them out).
//!
//! Unlike the other charts its height is not fixed: rows are [`ROW_HEIGHT`] pixels high (fewer
//! when there are very many, so that the canvas stays under [`MAX_HEIGHT`]).

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::canvas::{Canvas, FOOTER_HEIGHT, MARGIN};
use super::palette::{
    BACKGROUND, CLASS_ORDER, LABEL_SIZE, OUTLINE, TEXT, VALUE_SIZE, bold, class_code, class_color,
    is_dark, style,
};
use super::{ChartError, ChartFrame, HEIGHT, WIDTH};
use crate::domain::{IndicatorClass, Scope};
use crate::report::{ReviewData, class_label};

/// A row's height in pixels when there is room.
pub const ROW_HEIGHT: u32 = 24;
/// The tallest the canvas gets; rows get thinner beyond it.
pub const MAX_HEIGHT: u32 = 2400;
/// The shortest it gets (a few indicators).
pub const MIN_HEIGHT: u32 = 320;
/// Where the grid's column heads are, and where its first row starts.
const HEAD_Y: i32 = 160;
const GRID_TOP: i32 = 176;
/// The room under the grid, above the footer.
const BELOW_GRID: i32 = 24;
/// The width of the row labels (code and title).
const LABEL_WIDTH: i32 = 330;
/// The gap that sets the `ASEAN` column apart from the member states.
const ASEAN_GAP: i32 = 8;

/// The class matrix's input, as [`super::class_matrix_svg`] draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassMatrix {
    pub frame: ChartFrame,
    /// The column heads: `ASEAN`, then member-state codes.
    pub scopes: Vec<Scope>,
    /// One row per indicator, in the order given.
    pub rows: Vec<MatrixRow>,
}

/// One indicator's classes, one per column of [`ClassMatrix::scopes`] (a missing one is drawn
/// as `no_target`).
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixRow {
    pub code: String,
    pub title: String,
    pub classes: Vec<IndicatorClass>,
}

impl ClassMatrix {
    /// The matrix of a review report's indicators.
    pub fn of_review(data: &ReviewData) -> Self {
        Self::of_section(ChartFrame::of(data), &data.indicators)
    }

    /// The matrix of an indicators section (a report's, or one computed for a page).
    pub fn of_section(frame: ChartFrame, section: &crate::report::IndicatorSection) -> Self {
        Self {
            frame,
            scopes: section.scopes.clone(),
            rows: section
                .indicators
                .iter()
                .map(|i| MatrixRow {
                    code: i.code.clone(),
                    title: i.title.clone(),
                    classes: i.classes.clone(),
                })
                .collect(),
        }
    }

    fn is_empty(&self) -> bool {
        self.rows.is_empty() || self.scopes.is_empty()
    }

    /// The height of a row in pixels.
    fn row_height(&self) -> i32 {
        let room = MAX_HEIGHT as i32 - GRID_TOP - BELOW_GRID - FOOTER_HEIGHT;
        let rows = i32::try_from(self.rows.len().max(1)).unwrap_or(i32::MAX);
        (room / rows).clamp(1, ROW_HEIGHT as i32)
    }

    /// The canvas size in pixels: [`WIDTH`] wide, as high as its rows need (at least
    /// [`MIN_HEIGHT`], at most [`MAX_HEIGHT`]; [`HEIGHT`] for "No data").
    pub fn size(&self) -> (u32, u32) {
        if self.is_empty() {
            return (WIDTH, HEIGHT);
        }
        let rows = i32::try_from(self.rows.len()).unwrap_or(i32::MAX);
        let grid = self.row_height().saturating_mul(rows);
        let height = GRID_TOP
            .saturating_add(grid)
            .saturating_add(BELOW_GRID + FOOTER_HEIGHT);
        let height = u32::try_from(height).unwrap_or(MAX_HEIGHT);
        (WIDTH, height.clamp(MIN_HEIGHT, MAX_HEIGHT))
    }

    /// The chart's accessible name (the SVG's `<title>`).
    pub(super) fn accessible_title(&self) -> String {
        format!(
            "{}: {} indicators in {} scopes, {}",
            super::Chart::Matrix.title(),
            self.rows.len(),
            self.scopes.len(),
            CLASS_ORDER
                .iter()
                .map(|c| format!("{} = {}", class_code(*c), class_label(*c)))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

pub(super) fn draw<DB: DrawingBackend>(
    c: &Canvas<DB>,
    chart: &ClassMatrix,
) -> Result<(), ChartError> {
    c.furniture_titled(
        super::Chart::Matrix.title(),
        &format!(
            "{}: each indicator's class in ASEAN's own figures and in each member state",
            chart.frame.framework
        ),
        &chart.frame,
    )?;
    if chart.is_empty() {
        return c.no_data("No data: no indicator, or no scope to show");
    }
    legend(c)?;

    let cols = i32::try_from(chart.scopes.len()).unwrap_or(i32::MAX);
    let grid_left = MARGIN + LABEL_WIDTH;
    let gap = if chart.scopes.first() == Some(&Scope::Asean) && cols > 1 {
        ASEAN_GAP
    } else {
        0
    };
    let cell_w = ((WIDTH as i32 - MARGIN - grid_left - gap) / cols.max(1)).clamp(1, 90);
    let cell_h = chart.row_height();
    let column_x = |col: i32| grid_left + cell_w * col + if col > 0 { gap } else { 0 };

    // Column heads, thinned only if they cannot be read.
    for (col, scope) in chart.scopes.iter().enumerate() {
        let col = i32::try_from(col).unwrap_or(i32::MAX);
        let x = column_x(col) + cell_w / 2;
        if cell_w >= 14 {
            c.fitted_text(scope.as_str(), (x, HEAD_Y), cell_w - 2, LABEL_SIZE, |s| {
                bold(s, &TEXT, HPos::Center, VPos::Bottom)
            })?;
        }
    }
    for (r, row) in chart.rows.iter().enumerate() {
        let y0 = GRID_TOP + cell_h * i32::try_from(r).unwrap_or(i32::MAX);
        if cell_h >= 12 {
            let code_style = bold(VALUE_SIZE, &TEXT, HPos::Left, VPos::Center);
            let code_w = c.measure(&row.code, &code_style)?.min(LABEL_WIDTH / 2);
            c.fitted_text(
                &row.code,
                (MARGIN, y0 + cell_h / 2),
                LABEL_WIDTH / 2,
                VALUE_SIZE,
                |s| bold(s, &TEXT, HPos::Left, VPos::Center),
            )?;
            // Titles keep one size, shortened with "…" rather than shrunk row by row.
            c.fitted_text(
                &row.title,
                (MARGIN + code_w + 8, y0 + cell_h / 2),
                LABEL_WIDTH - code_w - 16,
                VALUE_SIZE,
                |_| style(VALUE_SIZE, &TEXT, HPos::Left, VPos::Center),
            )?;
        }
        for col in 0..cols {
            let class = row
                .classes
                .get(usize::try_from(col).unwrap_or(usize::MAX))
                .copied()
                .unwrap_or(IndicatorClass::NoTarget);
            cell(c, (column_x(col), y0), (cell_w, cell_h), class)?;
        }
    }
    Ok(())
}

/// One cell: the class's colour with its code in it (a white cell, outlined, for no target).
fn cell<DB: DrawingBackend>(
    c: &Canvas<DB>,
    (x, y): (i32, i32),
    (w, h): (i32, i32),
    class: IndicatorClass,
) -> Result<(), ChartError> {
    let fill = class_color(class);
    let (a, b) = ((x + 1, y + 1), (x + w - 2, y + h - 2));
    c.fill(a, b, fill)?;
    if class == IndicatorClass::NoTarget || class == IndicatorClass::InsufficientData {
        c.frame(a, b, super::palette::RULE)?;
    } else {
        c.frame(a, b, OUTLINE)?;
    }
    if h >= 12 && w >= 14 {
        let dark = is_dark(fill);
        c.fitted_text(
            class_code(class),
            (x + w / 2, y + h / 2),
            w - 6,
            VALUE_SIZE,
            |s| {
                if dark {
                    bold(s, &BACKGROUND, HPos::Center, VPos::Center)
                } else {
                    bold(s, &TEXT, HPos::Center, VPos::Center)
                }
            },
        )?;
    }
    Ok(())
}

/// The legend in two rows: every class as a cell with its code, then its name.
fn legend<DB: DrawingBackend>(c: &Canvas<DB>) -> Result<(), ChartError> {
    let name = style(VALUE_SIZE, &TEXT, HPos::Left, VPos::Center);
    let (first, second) = CLASS_ORDER.split_at(4);
    for (row, classes) in [first, second].into_iter().enumerate() {
        let y = 86 + 28 * i32::try_from(row).unwrap_or(0);
        let mut x = MARGIN;
        for class in classes {
            cell(c, (x, y - 12), (44, 24), *class)?;
            x += 50;
            let text = class_label(*class);
            c.text(text, (x, y), &name)?;
            x += c.measure(text, &name)? + 28;
        }
    }
    Ok(())
}
