//! The review report's five charts (DESIGN.md §4), drawn with plotters from a [`ReviewData`]
//! as SVG (web, HTML, PDF) or PNG. Only drawing belongs here: the figures come computed in
//! the data, and nothing is read from a file, a database or the clock.
//!
//! Every chart has a title, a subtitle naming the framework and the rule behind the figures,
//! a legend where there are several series, axis titles with units, and a footer with the
//! as-of date and the data source. Layout is done in pixels on a fixed 1000×560 canvas (about
//! 6–7 pt text when the chart spans the width of an A4 page) rather than with plotters'
//! chart builder, so that labels can be measured and kept apart.
//!
//! Colours: the Okabe–Ito palette, which stays distinguishable with the common colour-vision
//! deficiencies, picked so that series that touch also differ in lightness (CIE L*) and
//! survive greyscale printing; the heat map uses viridis, whose lightness rises steadily.
//!
//! Text: DejaVu Sans (regular and bold), compiled in by the `dejavu` crate, is registered with
//! plotters once; PNG text therefore needs no system font. SVG text names the family
//! `DejaVu Sans, sans-serif`: an SVG renderer given the same font (as the PDF is made) draws
//! exactly the measured text, and a browser without it falls back to its sans-serif.

mod png_encoding;

use std::sync::OnceLock;

use chrono::Datelike;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, FontTransform, register_font};

use super::ReviewData;
use crate::engine::percent_of;

/// One of the review report's charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Chart {
    /// Completion and implementation rate per top-level node (regional figures).
    Rates,
    /// Completion and implementation per member state, with the regional rate and the mean of
    /// states as reference lines.
    Comparison,
    /// Counts of each status per top-level node (regional figures).
    Distribution,
    /// Completion, implementation and progress index at each date of the timeline.
    Timeline,
    /// Member state × top-level node completion.
    Heatmap,
}

impl Chart {
    pub const ALL: [Chart; 5] = [
        Chart::Rates,
        Chart::Comparison,
        Chart::Distribution,
        Chart::Timeline,
        Chart::Heatmap,
    ];

    /// The chart's name in URLs and file names.
    pub fn name(self) -> &'static str {
        match self {
            Chart::Rates => "rates",
            Chart::Comparison => "comparison",
            Chart::Distribution => "distribution",
            Chart::Timeline => "timeline",
            Chart::Heatmap => "heatmap",
        }
    }

    /// The chart with this [`name`](Chart::name) (exact, lower case).
    pub fn from_name(name: &str) -> Option<Chart> {
        Chart::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The heading drawn on the chart (also usable as its caption or alt text).
    pub fn title(self) -> &'static str {
        match self {
            Chart::Rates => "Completion and implementation rates",
            Chart::Comparison => "Completion and implementation by member state",
            Chart::Distribution => "Status of the strategic measures",
            Chart::Timeline => "Completion, implementation and progress over time",
            Chart::Heatmap => "Completion by member state",
        }
    }
}

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("the embedded chart font could not be registered")]
    Font,
    #[error("drawing the chart failed: {0}")]
    Draw(String),
    #[error("encoding the chart as PNG failed: {0}")]
    Png(#[from] png_encoding::EncodeError),
}

/// The canvas size in pixels (SVG user units and PNG pixels).
pub const WIDTH: u32 = 1000;
pub const HEIGHT: u32 = 560;

/// `chart` of `data` as an SVG document. The same data always give the same string.
///
/// # Errors
/// The font cannot be registered, or plotters reports a drawing error.
pub fn svg(chart: Chart, data: &ReviewData) -> Result<String, ChartError> {
    register_fonts()?;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
        draw(chart, data, &root)?;
        root.present().map_err(drawing)?;
    }
    Ok(out)
}

/// `chart` of `data` as PNG-encoded bytes (8-bit RGB, [`WIDTH`] × [`HEIGHT`]).
///
/// # Errors
/// The font cannot be registered, plotters reports a drawing error, or encoding fails.
pub fn png(chart: Chart, data: &ReviewData) -> Result<Vec<u8>, ChartError> {
    let pixels = rgb(chart, data)?;
    Ok(png_encoding::encode_rgb(WIDTH, HEIGHT, &pixels)?)
}

/// `chart` of `data` drawn into an RGB buffer (3 bytes per pixel, rows top to bottom).
fn rgb(chart: Chart, data: &ReviewData) -> Result<Vec<u8>, ChartError> {
    register_fonts()?;
    let mut pixels = vec![0_u8; WIDTH as usize * HEIGHT as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (WIDTH, HEIGHT)).into_drawing_area();
        draw(chart, data, &root)?;
        root.present().map_err(drawing)?;
    }
    Ok(pixels)
}

/// The font family every text uses: plotters looks the registered faces up by this name, and
/// the SVG backend writes it as the CSS `font-family`, a list with a generic fallback.
const FAMILY: &str = "DejaVu Sans, sans-serif";

/// Registers DejaVu Sans regular and bold once per process. Without a registered font
/// plotters cannot measure text (and its bitmap backend would panic drawing it).
fn register_fonts() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let registered = *REGISTERED.get_or_init(|| {
        register_font(FAMILY, FontStyle::Normal, dejavu::sans::regular()).is_ok()
            && register_font(FAMILY, FontStyle::Bold, dejavu::sans::bold()).is_ok()
    });
    if registered {
        Ok(())
    } else {
        Err(ChartError::Font)
    }
}

fn drawing(error: impl std::fmt::Display) -> ChartError {
    ChartError::Draw(error.to_string())
}

// ---------------------------------------------------------------------------------------------
// Colours

/// Okabe–Ito colours with their CIE L* (lightness), which is what survives greyscale.
const BLUE: RGBColor = RGBColor(0, 114, 178); // L* 46
const SKY_BLUE: RGBColor = RGBColor(86, 180, 233); // L* 70
const YELLOW: RGBColor = RGBColor(240, 228, 66); // L* 89
const INK: RGBColor = RGBColor(0, 0, 0); // L* 0
/// Not applicable: a neutral grey between completed and ongoing in lightness (L* 59).
const NEUTRAL: RGBColor = RGBColor(140, 140, 140);

const TEXT: RGBColor = RGBColor(34, 34, 34);
const MUTED: RGBColor = RGBColor(85, 85, 85);
const GRID: RGBColor = RGBColor(221, 221, 221);
const RULE: RGBColor = RGBColor(120, 120, 120);
const OUTLINE: RGBColor = RGBColor(64, 64, 64);
const MISSING: RGBColor = RGBColor(217, 217, 217);
const BACKGROUND: RGBColor = RGBColor(255, 255, 255);

/// Completion is the darker of the two rates everywhere, implementation the lighter: the
/// implemented measures include the completed ones, as a lighter shade includes a darker.
const COMPLETION: RGBColor = BLUE;
const IMPLEMENTATION: RGBColor = SKY_BLUE;
const PROGRESS: RGBColor = INK;

/// Viridis at nine evenly spaced stops (matplotlib's values); lightness rises from dark purple
/// to yellow, so the shading reads in greyscale and with colour-vision deficiencies.
const VIRIDIS: [(u8, u8, u8); 9] = [
    (0x44, 0x01, 0x54),
    (0x47, 0x2d, 0x7b),
    (0x3b, 0x52, 0x8b),
    (0x2c, 0x72, 0x8e),
    (0x21, 0x91, 0x8c),
    (0x28, 0xae, 0x80),
    (0x5e, 0xc9, 0x62),
    (0xad, 0xdc, 0x30),
    (0xfd, 0xe7, 0x25),
];

/// The viridis colour of a fraction in [0, 1] (clamped), interpolated between the stops.
fn viridis(value: f64) -> RGBColor {
    let t = if value.is_finite() {
        value.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let scaled = t * (VIRIDIS.len() - 1) as f64;
    let i = (scaled.floor() as usize).min(VIRIDIS.len() - 2);
    let f = scaled - i as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * f).round() as u8;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Whether text on `color` should be white (the colour is dark) rather than black.
fn is_dark(color: RGBColor) -> bool {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * linear(color.0) + 0.7152 * linear(color.1) + 0.0722 * linear(color.2);
    // Where black and white text have equal contrast.
    luminance < 0.179
}

// ---------------------------------------------------------------------------------------------
// Text

/// Font sizes in plotters' units (the DejaVu Sans em is about 0.8 of them).
const TITLE_SIZE: f64 = 27.0;
const SUBTITLE_SIZE: f64 = 18.0;
const LABEL_SIZE: f64 = 17.0;
const VALUE_SIZE: f64 = 15.0;
const FOOTER_SIZE: f64 = 15.0;
const SMALLEST_SIZE: f64 = 11.0;

fn style(size: f64, color: &'static RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    TextStyle::from((FAMILY, size).into_font())
        .color(color)
        .pos(Pos::new(h, v))
}

fn bold(size: f64, color: &'static RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    // The (family, size, style) tuple: the bitmap backend ignores a style set afterwards.
    TextStyle::from((FAMILY, size, FontStyle::Bold).into_font())
        .color(color)
        .pos(Pos::new(h, v))
}

// ---------------------------------------------------------------------------------------------
// Layout (pixels)

const MARGIN: i32 = 28;
const TITLE_Y: i32 = 16;
const SUBTITLE_Y: i32 = 50;
const LEGEND_Y: i32 = 88;
const PLOT_TOP: i32 = 122;
const PLOT_BOTTOM: i32 = HEIGHT as i32 - 108;
const PLOT_LEFT: i32 = 100;
const PLOT_RIGHT: i32 = WIDTH as i32 - MARGIN;
const FOOTER_RULE_Y: i32 = HEIGHT as i32 - 44;

/// The plotting rectangle and its vertical scale (0 at the bottom).
#[derive(Debug, Clone, Copy)]
struct Plot {
    left: i32,
    right: i32,
    top: i32,
    bottom: i32,
    /// The value at the top edge.
    y_max: f64,
}

impl Plot {
    fn new(left: i32, right: i32, y_max: f64) -> Self {
        Self {
            left,
            right,
            top: PLOT_TOP,
            bottom: PLOT_BOTTOM,
            y_max,
        }
    }

    fn y(&self, value: f64) -> i32 {
        let share = if self.y_max > 0.0 {
            (value / self.y_max).clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.bottom - (share * f64::from(self.bottom - self.top)).round() as i32
    }

    fn width(&self) -> i32 {
        self.right - self.left
    }

    /// The horizontal span of slot `i` of `n` equal slots.
    fn slot(&self, i: usize, n: usize) -> (i32, i32) {
        let n = n.max(1) as f64;
        let w = f64::from(self.width()) / n;
        let x0 = f64::from(self.left) + w * i as f64;
        (x0.round() as i32, (x0 + w).round() as i32)
    }
}

/// How a legend entry shows its series.
#[derive(Debug, Clone, Copy)]
enum Swatch {
    Fill(RGBColor),
    Line(RGBColor, Dash, Marker),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dash {
    Solid,
    /// Long dashes.
    Dashed,
    /// Short dots.
    Dotted,
}

impl Dash {
    /// Drawn and skipped lengths in pixels, `None` for a solid line.
    fn pattern(self) -> Option<(f64, f64)> {
        match self {
            Dash::Solid => None,
            Dash::Dashed => Some((10.0, 6.0)),
            Dash::Dotted => Some((3.0, 4.0)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    None,
    Circle,
    Triangle,
    Square,
}

/// The drawing area with drawing operations that report [`ChartError`].
struct Canvas<'a, DB: DrawingBackend> {
    area: &'a DrawingArea<DB, Shift>,
}

impl<DB: DrawingBackend> Canvas<'_, DB> {
    fn fill(&self, a: (i32, i32), b: (i32, i32), color: RGBColor) -> Result<(), ChartError> {
        self.area
            .draw(&Rectangle::new([a, b], color.filled()))
            .map_err(drawing)
    }

    fn frame(&self, a: (i32, i32), b: (i32, i32), color: RGBColor) -> Result<(), ChartError> {
        self.area
            .draw(&Rectangle::new([a, b], color.stroke_width(1)))
            .map_err(drawing)
    }

    fn line(&self, points: &[(i32, i32)], color: RGBColor, width: u32) -> Result<(), ChartError> {
        if points.len() < 2 {
            return Ok(());
        }
        self.area
            .draw(&PathElement::new(
                points.to_vec(),
                color.stroke_width(width),
            ))
            .map_err(drawing)
    }

    /// A polyline, dashed or dotted as `dash` says.
    fn path(
        &self,
        points: &[(i32, i32)],
        color: RGBColor,
        width: u32,
        dash: Dash,
    ) -> Result<(), ChartError> {
        let Some((on, off)) = dash.pattern() else {
            return self.line(points, color, width);
        };
        // Walk the polyline, emitting the drawn stretches; the pattern carries over corners.
        let mut drawing_on = true;
        let mut left = on;
        let mut current: Vec<(f64, f64)> = Vec::new();
        let mut pieces: Vec<Vec<(f64, f64)>> = Vec::new();
        for pair in points.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let (ax, ay) = (f64::from(a.0), f64::from(a.1));
            let (dx, dy) = (f64::from(b.0) - ax, f64::from(b.1) - ay);
            let length = dx.hypot(dy);
            if length == 0.0 {
                continue;
            }
            let mut at = 0.0;
            if drawing_on && current.is_empty() {
                current.push((ax, ay));
            }
            while length - at > left {
                at += left;
                let p = (ax + dx * at / length, ay + dy * at / length);
                if drawing_on {
                    current.push(p);
                    pieces.push(std::mem::take(&mut current));
                    left = off;
                } else {
                    current.push(p);
                    left = on;
                }
                drawing_on = !drawing_on;
            }
            left -= length - at;
            if drawing_on {
                current.push((f64::from(b.0), f64::from(b.1)));
            }
        }
        if current.len() >= 2 {
            pieces.push(current);
        }
        for piece in pieces {
            let piece: Vec<(i32, i32)> = piece
                .into_iter()
                .map(|(x, y)| (x.round() as i32, y.round() as i32))
                .collect();
            self.line(&piece, color, width)?;
        }
        Ok(())
    }

    fn marker(
        &self,
        at: (i32, i32),
        marker: Marker,
        color: RGBColor,
        size: i32,
    ) -> Result<(), ChartError> {
        let result = match marker {
            Marker::None => Ok(()),
            Marker::Circle => self.area.draw(&Circle::new(at, size, color.filled())),
            Marker::Triangle => {
                let s = size + 1;
                self.area.draw(&Polygon::new(
                    vec![
                        (at.0, at.1 - s),
                        (at.0 + s, at.1 + s - 1),
                        (at.0 - s, at.1 + s - 1),
                    ],
                    color.filled(),
                ))
            }
            Marker::Square => self.area.draw(&Rectangle::new(
                [(at.0 - size, at.1 - size), (at.0 + size, at.1 + size)],
                color.filled(),
            )),
        };
        result.map_err(drawing)
    }

    fn text(&self, text: &str, at: (i32, i32), style: &TextStyle) -> Result<(), ChartError> {
        self.area
            .draw(&Text::new(text.to_owned(), at, style.clone()))
            .map_err(drawing)
    }

    /// The width of `text` in pixels.
    fn measure(&self, text: &str, style: &TextStyle) -> Result<i32, ChartError> {
        let (w, _) = self.area.estimate_text_size(text, style).map_err(drawing)?;
        Ok(i32::try_from(w).unwrap_or(i32::MAX))
    }

    /// `text` at the largest size from `size` down to [`SMALLEST_SIZE`] at which it fits in
    /// `max_width`, shortened with "…" if it does not fit even then.
    fn fitted(
        &self,
        text: &str,
        max_width: i32,
        size: f64,
        make: impl Fn(f64) -> TextStyle<'static>,
    ) -> Result<(String, TextStyle<'static>), ChartError> {
        let mut s = size;
        loop {
            let style = make(s);
            if self.measure(text, &style)? <= max_width {
                return Ok((text.to_owned(), style));
            }
            if s <= SMALLEST_SIZE {
                break;
            }
            s = (s - 1.0).max(SMALLEST_SIZE);
        }
        let style = make(SMALLEST_SIZE);
        let mut chars: Vec<char> = text.chars().collect();
        while !chars.is_empty() {
            chars.pop();
            let shortened: String = chars.iter().collect::<String>().trim_end().to_owned() + "…";
            if self.measure(&shortened, &style)? <= max_width {
                return Ok((shortened, style));
            }
        }
        Ok((String::new(), style))
    }

    /// Draws `text` fitted into `max_width`.
    fn fitted_text(
        &self,
        text: &str,
        at: (i32, i32),
        max_width: i32,
        size: f64,
        make: impl Fn(f64) -> TextStyle<'static>,
    ) -> Result<(), ChartError> {
        let (text, style) = self.fitted(text, max_width, size, make)?;
        self.text(&text, at, &style)
    }

    /// Title, subtitle and footer: what every chart has, with data or without.
    fn furniture(&self, chart: Chart, data: &ReviewData, subtitle: &str) -> Result<(), ChartError> {
        let width = WIDTH as i32 - 2 * MARGIN;
        self.fitted_text(chart.title(), (MARGIN, TITLE_Y), width, TITLE_SIZE, |s| {
            bold(s, &TEXT, HPos::Left, VPos::Top)
        })?;
        self.fitted_text(subtitle, (MARGIN, SUBTITLE_Y), width, SUBTITLE_SIZE, |s| {
            style(s, &MUTED, HPos::Left, VPos::Top)
        })?;
        self.footer(data)
    }

    /// The legend in one row under the subtitle, outside the plot so it never covers data.
    fn legend(&self, items: &[(&str, Swatch)]) -> Result<(), ChartError> {
        let label = style(LABEL_SIZE, &TEXT, HPos::Left, VPos::Center);
        let mut x = MARGIN;
        let y = LEGEND_Y;
        for (name, swatch) in items {
            match *swatch {
                Swatch::Fill(color) => {
                    self.fill((x, y - 7), (x + 22, y + 7), color)?;
                    self.frame((x, y - 7), (x + 22, y + 7), OUTLINE)?;
                }
                Swatch::Line(color, dash, marker) => {
                    self.path(&[(x, y), (x + 28, y)], color, 3, dash)?;
                    self.marker((x + 14, y), marker, color, 5)?;
                }
            }
            let swatch_width = if matches!(swatch, Swatch::Fill(_)) {
                22
            } else {
                28
            };
            x += swatch_width + 8;
            self.text(name, (x, y), &label)?;
            x += self.measure(name, &label)? + 28;
        }
        Ok(())
    }

    /// As-of date and source under a thin rule, on one line or, if too long, two.
    fn footer(&self, data: &ReviewData) -> Result<(), ChartError> {
        let width = WIDTH as i32 - 2 * MARGIN;
        self.line(
            &[
                (MARGIN, FOOTER_RULE_Y),
                (WIDTH as i32 - MARGIN, FOOTER_RULE_Y),
            ],
            GRID,
            1,
        )?;
        let mut as_of = format!("As of {}", data.as_of.format("%Y-%m-%d"));
        if let Some(known_at) = data.known_at {
            as_of.push_str(&format!(
                ", as recorded by {}",
                known_at.format("%Y-%m-%d %H:%M UTC")
            ));
        }
        let source = format!("Source: {}", data.source.trim());
        let one_line = format!("{as_of}. {source}");
        let footer = |s| style(s, &MUTED, HPos::Left, VPos::Top);
        if self.measure(&one_line, &footer(FOOTER_SIZE))? <= width {
            self.text(
                &one_line,
                (MARGIN, FOOTER_RULE_Y + 12),
                &footer(FOOTER_SIZE),
            )
        } else {
            self.text(
                &format!("{as_of}."),
                (MARGIN, FOOTER_RULE_Y + 5),
                &footer(FOOTER_SIZE),
            )?;
            self.fitted_text(
                &source,
                (MARGIN, FOOTER_RULE_Y + 22),
                width,
                FOOTER_SIZE,
                footer,
            )
        }
    }

    /// A message in place of the plot when there is nothing to draw.
    fn no_data(&self, message: &str) -> Result<(), ChartError> {
        let (x0, x1) = (PLOT_LEFT, PLOT_RIGHT);
        self.frame((x0, PLOT_TOP), (x1, PLOT_BOTTOM), GRID)?;
        self.fitted_text(
            message,
            ((x0 + x1) / 2, (PLOT_TOP + PLOT_BOTTOM) / 2),
            x1 - x0 - 40,
            18.0,
            |s| style(s, &MUTED, HPos::Center, VPos::Center),
        )
    }

    /// Horizontal grid lines with labels at `ticks`, the base line, and the vertical axis
    /// title.
    fn y_axis(&self, plot: &Plot, ticks: &[(f64, String)], title: &str) -> Result<(), ChartError> {
        let label = style(LABEL_SIZE, &TEXT, HPos::Right, VPos::Center);
        for (value, text) in ticks {
            let y = plot.y(*value);
            self.line(&[(plot.left, y), (plot.right, y)], GRID, 1)?;
            self.text(text, (plot.left - 8, y), &label)?;
        }
        self.line(
            &[(plot.left, plot.bottom), (plot.right, plot.bottom)],
            RULE,
            1,
        )?;
        let (text, title_style) =
            self.fitted(title, plot.bottom - plot.top + 40, LABEL_SIZE, |s| {
                style(s, &TEXT, HPos::Center, VPos::Center).transform(FontTransform::Rotate270)
            })?;
        self.text(
            &text,
            (MARGIN - 2, (plot.top + plot.bottom) / 2),
            &title_style,
        )
    }

    /// Category labels centred under `n` slots, each fitted into its slot, and the axis title.
    fn x_categories(&self, plot: &Plot, labels: &[String], title: &str) -> Result<(), ChartError> {
        let n = labels.len();
        for (i, label) in labels.iter().enumerate() {
            let (x0, x1) = plot.slot(i, n);
            self.fitted_text(
                label,
                ((x0 + x1) / 2, plot.bottom + 8),
                x1 - x0 - 6,
                LABEL_SIZE,
                |s| style(s, &TEXT, HPos::Center, VPos::Top),
            )?;
        }
        self.x_title(plot, title)
    }

    fn x_title(&self, plot: &Plot, title: &str) -> Result<(), ChartError> {
        self.fitted_text(
            title,
            ((plot.left + plot.right) / 2, plot.bottom + 38),
            plot.width(),
            LABEL_SIZE,
            |s| style(s, &TEXT, HPos::Center, VPos::Top),
        )
    }

    /// Side-by-side bars in each of `groups.len()` slots: `groups[i][k]` is the value of series
    /// `k` (`None`: nothing applicable, shown as "n/a"), with `labels[i][k]` printed above the
    /// bar when every label fits its bar (no labels when `labels` is empty).
    fn grouped_bars(
        &self,
        plot: &Plot,
        groups: &[Vec<Option<f64>>],
        labels: &[Vec<String>],
        colors: &[RGBColor],
    ) -> Result<(), ChartError> {
        let n = groups.len();
        let series = colors.len().max(1);
        let value_style = style(VALUE_SIZE, &TEXT, HPos::Center, VPos::Bottom);
        let mut bars = Vec::new();
        for (i, group) in groups.iter().enumerate() {
            let (x0, x1) = plot.slot(i, n);
            let room = f64::from(x1 - x0) * 0.72;
            let bar = (room / series as f64).min(64.0);
            let start = f64::from(x0 + x1) / 2.0 - bar * series as f64 / 2.0;
            for (k, value) in group.iter().enumerate().take(series) {
                let left = (start + bar * k as f64).round() as i32;
                let right = (start + bar * (k + 1) as f64).round() as i32 - 2;
                bars.push((i, k, left, right, *value));
            }
        }
        let mut labels_fit = !labels.is_empty();
        for &(i, k, left, right, _) in &bars {
            let text = labels
                .get(i)
                .and_then(|l| l.get(k))
                .map_or("", String::as_str);
            // Up to the gap between neighbouring bars: labels of neighbours never touch.
            if self.measure(text, &value_style)? > right - left + 2 {
                labels_fit = false;
            }
        }
        for &(i, k, left, right, value) in &bars {
            let color = colors.get(k).copied().unwrap_or(NEUTRAL);
            let centre = (left + right) / 2;
            match value {
                Some(v) => {
                    let top = plot.y(v);
                    if top < plot.bottom {
                        self.fill((left, top), (right, plot.bottom), color)?;
                        self.frame((left, top), (right, plot.bottom), OUTLINE)?;
                    }
                    if labels_fit {
                        let text = labels
                            .get(i)
                            .and_then(|l| l.get(k))
                            .map_or("", String::as_str);
                        self.text(text, (centre, top - 3), &value_style)?;
                    }
                }
                None => {
                    let na = style(VALUE_SIZE, &MUTED, HPos::Center, VPos::Bottom);
                    self.text("n/a", (centre, plot.bottom - 3), &na)?;
                }
            }
        }
        Ok(())
    }
}

/// Ticks every 20 % from 0 to 100 %.
fn percent_ticks() -> Vec<(f64, String)> {
    (0..=5)
        .map(|k| (f64::from(k) * 20.0, format!("{}%", k * 20)))
        .collect()
}

/// The top-level level's name with a capital ("Goal"), for axis titles and subtitles.
fn top_level(data: &ReviewData) -> (String, String) {
    let level = data
        .framework
        .levels
        .first()
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| "top-level node".to_owned());
    let mut chars = level.chars();
    let capital = match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    };
    (level, capital)
}

fn percent_label(text: Option<String>) -> String {
    text.unwrap_or_else(|| "–".to_owned())
}

// ---------------------------------------------------------------------------------------------
// The charts

fn draw<DB: DrawingBackend>(
    chart: Chart,
    data: &ReviewData,
    root: &DrawingArea<DB, Shift>,
) -> Result<(), ChartError> {
    root.fill(&BACKGROUND).map_err(drawing)?;
    let canvas = Canvas { area: root };
    match chart {
        Chart::Rates => rates(&canvas, data),
        Chart::Comparison => comparison(&canvas, data),
        Chart::Distribution => distribution(&canvas, data),
        Chart::Timeline => timeline(&canvas, data),
        Chart::Heatmap => heatmap(&canvas, data),
    }
}

const RATE_AXIS: &str = "Share of applicable measures (%)";

fn rates<DB: DrawingBackend>(c: &Canvas<DB>, data: &ReviewData) -> Result<(), ChartError> {
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

fn comparison<DB: DrawingBackend>(c: &Canvas<DB>, data: &ReviewData) -> Result<(), ChartError> {
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

/// Statuses stacked from the bottom: the most advanced first, so completed sits on the axis.
/// Lightness (L*) differs between every pair: 46, 70, 89, 59.
const STACK: [(&str, RGBColor); 4] = [
    ("Completed", BLUE),
    ("Ongoing", SKY_BLUE),
    ("Not started", YELLOW),
    ("Not applicable", NEUTRAL),
];

/// A round step (1, 2 or 5 × 10ⁿ) giving at most `max_ticks` intervals up to `max`.
fn count_step(max: u64, max_ticks: u64) -> u64 {
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

fn distribution<DB: DrawingBackend>(c: &Canvas<DB>, data: &ReviewData) -> Result<(), ChartError> {
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
    let counts: Vec<[u64; 4]> = data
        .top
        .iter()
        .map(|n| {
            [
                n.rate.completed,
                n.rate.ongoing,
                n.rate.not_started,
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

fn timeline<DB: DrawingBackend>(c: &Canvas<DB>, data: &ReviewData) -> Result<(), ChartError> {
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

fn heatmap<DB: DrawingBackend>(c: &Canvas<DB>, data: &ReviewData) -> Result<(), ChartError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample::sample;

    fn empty() -> ReviewData {
        let mut data = sample();
        data.top.clear();
        data.second.clear();
        data.comparison.states.clear();
        data.heat.clear();
        data.timeline.truncate(1);
        data
    }

    /// A framework the size of the Strategic Plan: 12 goals, 11 states, 40 quarters.
    fn crowded() -> ReviewData {
        use crate::engine::{Rule, StateRate, Tally};
        let tally = |c: u64, o: u64, s: u64, na: u64| Tally {
            completed: c,
            ongoing: o,
            not_started: s,
            not_applicable: na,
            progress_points: c * 100 + o * 50,
        };
        let mut data = sample();
        data.top = (1..=12_u64)
            .map(|g| crate::engine::NodeRate {
                code: format!("SG{g}"),
                title: format!("Goal {g}"),
                level: "goal".into(),
                rate: tally(g % 5, 3 + g % 4, 12 - g, u64::from(g == 7)).rate(Rule::Regional),
            })
            .collect();
        let states = [
            "BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "TLS", "VNM",
        ];
        data.comparison.states = states
            .iter()
            .enumerate()
            .map(|(i, s)| StateRate {
                state: s.parse().unwrap(),
                rate: tally(10 + i as u64 * 7, 40, 60 - i as u64 * 5, 2).rate(Rule::Scope),
            })
            .collect();
        data.heat = states
            .iter()
            .enumerate()
            .map(|(i, s)| crate::report::HeatRow {
                state: s.parse().unwrap(),
                completion: (0..12)
                    .map(|g| (g != i).then(|| ((i * 12 + g) % 23) as f64 / 22.0))
                    .collect(),
            })
            .collect();
        let start: chrono::NaiveDate = "2016-01-01".parse().unwrap();
        data.timeline = (0..40_u32)
            .map(|q| crate::engine::Point {
                date: start
                    .checked_add_months(chrono::Months::new(3 * (q + 1)))
                    .unwrap()
                    .pred_opt()
                    .unwrap(),
                rate: tally(
                    u64::from(q) * 2,
                    10 + u64::from(q),
                    120 - u64::from(q) * 3,
                    0,
                )
                .rate(Rule::Regional),
            })
            .collect();
        data.framework.start_date = start;
        data.as_of = "2025-12-31".parse().unwrap();
        data
    }

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for chart in Chart::ALL {
            assert_eq!(Chart::from_name(chart.name()), Some(chart));
            assert!(!chart.title().is_empty());
        }
        assert_eq!(Chart::from_name("pie"), None);
        assert_eq!(Chart::from_name("Rates"), None);
    }

    #[test]
    fn every_chart_renders_as_svg_with_title_date_source_and_labels() {
        let data = sample();
        let expected: [(Chart, &[&str]); 5] = [
            (
                Chart::Rates,
                &["SG1", "SG2", "SG3", "Completion rate", "Goal", "%"],
            ),
            (
                Chart::Comparison,
                &[
                    "IDN",
                    "THA",
                    "TLS",
                    "VNM",
                    "Regional completion 41.7%",
                    "Mean of states",
                ],
            ),
            (
                Chart::Distribution,
                &[
                    "SG1",
                    "SG3",
                    "Not started",
                    "Strategic measures (count)",
                    "n = 6",
                ],
            ),
            (
                Chart::Timeline,
                &[
                    "Progress index",
                    "Apr 2026",
                    "Dec 2027",
                    "Date (end of period)",
                ],
            ),
            (
                Chart::Heatmap,
                &["IDN", "VNM", "SG2", "10.0%", "–", "Member state"],
            ),
        ];
        for (chart, labels) in expected {
            let svg = svg(chart, &data).unwrap();

            assert!(svg.starts_with("<svg"), "{}", chart.name());
            assert!(svg.contains(chart.title()), "{} title", chart.name());
            assert!(svg.contains("As of 2027-12-31"), "{} date", chart.name());
            assert!(svg.contains(&data.source), "{} source", chart.name());
            assert!(svg.contains(FAMILY), "{} font", chart.name());
            for label in labels {
                assert!(svg.contains(label), "{}: {label}", chart.name());
            }
        }
    }

    #[test]
    fn rendering_twice_gives_the_same_svg() {
        let data = sample();
        for chart in Chart::ALL {
            assert_eq!(svg(chart, &data).unwrap(), svg(chart, &data).unwrap());
        }
    }

    #[test]
    fn every_chart_renders_as_a_png_that_decodes_to_the_drawn_pixels() {
        let data = sample();
        let blank = png_encoding::encode_rgb(
            WIDTH,
            HEIGHT,
            &vec![255; WIDTH as usize * HEIGHT as usize * 3],
        )
        .unwrap();
        for chart in Chart::ALL {
            let png = png(chart, &data).unwrap();

            // Signature, then IHDR as the first chunk with the canvas size.
            assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
            assert_eq!(&png[12..16], b"IHDR");
            assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), WIDTH);
            assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), HEIGHT);
            // Drawn content cannot compress as well as a blank canvas.
            assert!(
                png.len() > 2 * blank.len(),
                "{}: {} bytes",
                chart.name(),
                png.len()
            );
            // It decodes (CRCs, zlib, filters) to exactly the pixels plotters drew...
            let (w, h, pixels) = png_encoding::tests::decode(&png);
            assert_eq!((w, h), (WIDTH, HEIGHT));
            assert_eq!(pixels, rgb(chart, &data).unwrap(), "{}", chart.name());
            // ...which are not blank: text, bars, lines in several colours.
            let not_white = pixels
                .chunks_exact(3)
                .filter(|p| p != &[255, 255, 255])
                .count();
            let share = not_white as f64 / f64::from(WIDTH * HEIGHT);
            assert!(share > 0.03, "{}: {share:.3} of pixels drawn", chart.name());
            // The first series' colour (the heat map: a 50 % cell) is really there.
            let series = match chart {
                Chart::Heatmap => viridis(0.5),
                _ => COMPLETION,
            };
            assert!(
                pixels
                    .chunks_exact(3)
                    .any(|p| p == [series.0, series.1, series.2]),
                "{}: the series colour is drawn",
                chart.name()
            );
        }
    }

    #[test]
    fn empty_data_renders_a_no_data_chart() {
        let data = empty();
        for chart in Chart::ALL {
            let svg = svg(chart, &data).unwrap();
            assert!(svg.contains("No data"), "{}", chart.name());
            assert!(svg.contains(chart.title()), "{}", chart.name());
            assert!(svg.contains("As of 2027-12-31"), "{}", chart.name());
            png(chart, &data).unwrap();
        }
        let mut none = empty();
        none.timeline.clear();
        assert!(svg(Chart::Timeline, &none).unwrap().contains("No data"));
    }

    #[test]
    fn nodes_with_nothing_applicable_show_as_not_available() {
        let mut data = sample();
        for node in &mut data.top {
            node.rate.completion_rate = None;
            node.rate.implementation_rate = None;
        }
        for point in &mut data.timeline {
            point.rate.completion_rate = None;
        }
        assert!(svg(Chart::Rates, &data).unwrap().contains("n/a"));
        svg(Chart::Timeline, &data).unwrap();
        png(Chart::Timeline, &data).unwrap();
    }

    #[test]
    fn long_texts_are_fitted_rather_than_overflowing() {
        let mut data = sample();
        data.source = "a very long source description ".repeat(8);
        data.framework.title = "A framework with a remarkably long title ".repeat(4);
        for node in &mut data.top {
            node.code = format!("{}-with-a-long-code", node.code);
        }
        for chart in Chart::ALL {
            let svg = svg(chart, &data).unwrap();
            assert!(svg.contains("…"), "{}", chart.name());
        }
    }

    #[test]
    fn extreme_data_renders_without_error() {
        let mut data = crowded();
        data.source = "<status & reports>".into();
        let node = data.top[0].clone();
        data.top = (0..400)
            .map(|i| crate::engine::NodeRate {
                code: format!("N{i}"),
                ..node.clone()
            })
            .collect();
        let state = data.comparison.states[0].clone();
        data.comparison.states = vec![state; 300];
        data.heat = data.heat.iter().cycle().take(300).cloned().collect();
        let point = data.timeline[0].clone();
        data.timeline = (0..2000_u64)
            .map(|d| crate::engine::Point {
                date: point.date + chrono::Days::new(d),
                ..point.clone()
            })
            .collect();
        data.comparison.regional.completion_rate = Some(f64::NAN);
        data.comparison.mean_of_states.completion_rate = Some(2.5);
        for chart in Chart::ALL {
            let svg = svg(chart, &data).unwrap();
            assert!(
                svg.contains("&lt;status &amp; reports&gt;"),
                "{}",
                chart.name()
            );
            png(chart, &data).unwrap();
        }
    }

    #[test]
    fn viridis_runs_from_dark_purple_to_yellow() {
        assert_eq!(viridis(0.0), RGBColor(0x44, 0x01, 0x54));
        assert_eq!(viridis(1.0), RGBColor(0xfd, 0xe7, 0x25));
        assert_eq!(viridis(f64::NAN), viridis(0.0));
        assert!(is_dark(viridis(0.1)) && !is_dark(viridis(0.9)));
    }

    #[test]
    fn count_steps_are_round() {
        assert_eq!(count_step(6, 6), 1);
        assert_eq!(count_step(7, 6), 2);
        assert_eq!(count_step(112, 6), 20);
        assert_eq!(count_step(1, 6), 1);
    }

    /// Writes every sample chart to /tmp/charts-sample/ for looking at:
    /// `cargo test --lib report::charts::tests::write_samples -- --ignored`.
    #[test]
    #[ignore = "writes files for a person to look at"]
    fn write_samples() {
        let crowded = crowded();
        let dir = std::path::Path::new("/tmp/charts-sample");
        std::fs::create_dir_all(dir).unwrap();
        let data = sample();
        let empty = empty();
        for chart in Chart::ALL {
            let name = chart.name();
            std::fs::write(dir.join(format!("{name}.svg")), svg(chart, &data).unwrap()).unwrap();
            std::fs::write(dir.join(format!("{name}.png")), png(chart, &data).unwrap()).unwrap();
            std::fs::write(
                dir.join(format!("{name}-empty.png")),
                png(chart, &empty).unwrap(),
            )
            .unwrap();
            std::fs::write(
                dir.join(format!("{name}-crowded.png")),
                png(chart, &crowded).unwrap(),
            )
            .unwrap();
        }
    }
}
