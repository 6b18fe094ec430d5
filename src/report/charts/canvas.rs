//! The shared layout of every chart, in pixels: title, subtitle, legend, plotting rectangle and
//! its axes, footer; the drawing primitives the charts are made of.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::palette::{
    FOOTER_SIZE, GRID, LABEL_SIZE, MUTED, NEUTRAL, OUTLINE, RULE, SMALLEST_SIZE, SUBTITLE_SIZE,
    TEXT, TITLE_SIZE, VALUE_SIZE, bold, style,
};
use super::{Chart, ChartError, ChartFrame, ReviewData, WIDTH, drawing};

// ---------------------------------------------------------------------------------------------
// Layout (pixels)

pub(super) const MARGIN: i32 = 28;
pub(super) const TITLE_Y: i32 = 16;
pub(super) const SUBTITLE_Y: i32 = 50;
pub(super) const LEGEND_Y: i32 = 88;
pub(super) const PLOT_TOP: i32 = 122;
pub(super) const PLOT_BOTTOM: i32 = super::HEIGHT as i32 - 108;
pub(super) const PLOT_LEFT: i32 = 100;
pub(super) const PLOT_RIGHT: i32 = WIDTH as i32 - MARGIN;
/// The footer's rule sits this far above the canvas's bottom edge.
pub(super) const FOOTER_HEIGHT: i32 = 44;

/// The plotting rectangle and its vertical scale (0 at the bottom).
#[derive(Debug, Clone, Copy)]
pub(super) struct Plot {
    pub(super) left: i32,
    pub(super) right: i32,
    pub(super) top: i32,
    pub(super) bottom: i32,
    /// The value at the top edge.
    pub(super) y_max: f64,
}

impl Plot {
    pub(super) fn new(left: i32, right: i32, y_max: f64) -> Self {
        Self {
            left,
            right,
            top: PLOT_TOP,
            bottom: PLOT_BOTTOM,
            y_max,
        }
    }

    pub(super) fn y(&self, value: f64) -> i32 {
        let share = if self.y_max > 0.0 {
            (value / self.y_max).clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.bottom - (share * f64::from(self.bottom - self.top)).round() as i32
    }

    pub(super) fn width(&self) -> i32 {
        self.right - self.left
    }

    /// The horizontal span of slot `i` of `n` equal slots.
    pub(super) fn slot(&self, i: usize, n: usize) -> (i32, i32) {
        let n = n.max(1) as f64;
        let w = f64::from(self.width()) / n;
        let x0 = f64::from(self.left) + w * i as f64;
        (x0.round() as i32, (x0 + w).round() as i32)
    }
}

/// How a legend entry shows its series.
#[derive(Debug, Clone, Copy)]
pub(super) enum Swatch {
    Fill(RGBColor),
    Line(RGBColor, Dash, Marker),
    /// A marker alone (a baseline, a target).
    Point(RGBColor, Marker),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dash {
    Solid,
    /// Long dashes.
    Dashed,
    /// Short dots.
    Dotted,
}

impl Dash {
    /// Drawn and skipped lengths in pixels, `None` for a solid line.
    pub(super) fn pattern(self) -> Option<(f64, f64)> {
        match self {
            Dash::Solid => None,
            Dash::Dashed => Some((10.0, 6.0)),
            Dash::Dotted => Some((3.0, 4.0)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Marker {
    None,
    Circle,
    Triangle,
    Square,
}

/// The drawing area with drawing operations that report [`ChartError`].
pub(super) struct Canvas<'a, DB: DrawingBackend> {
    pub(super) area: &'a DrawingArea<DB, Shift>,
}

impl<DB: DrawingBackend> Canvas<'_, DB> {
    pub(super) fn fill(
        &self,
        a: (i32, i32),
        b: (i32, i32),
        color: RGBColor,
    ) -> Result<(), ChartError> {
        self.area
            .draw(&Rectangle::new([a, b], color.filled()))
            .map_err(drawing)
    }

    pub(super) fn frame(
        &self,
        a: (i32, i32),
        b: (i32, i32),
        color: RGBColor,
    ) -> Result<(), ChartError> {
        self.area
            .draw(&Rectangle::new([a, b], color.stroke_width(1)))
            .map_err(drawing)
    }

    pub(super) fn line(
        &self,
        points: &[(i32, i32)],
        color: RGBColor,
        width: u32,
    ) -> Result<(), ChartError> {
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
    pub(super) fn path(
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

    pub(super) fn marker(
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

    pub(super) fn text(
        &self,
        text: &str,
        at: (i32, i32),
        style: &TextStyle,
    ) -> Result<(), ChartError> {
        self.area
            .draw(&Text::new(text.to_owned(), at, style.clone()))
            .map_err(drawing)
    }

    /// The width of `text` in pixels.
    pub(super) fn measure(&self, text: &str, style: &TextStyle) -> Result<i32, ChartError> {
        let (w, _) = self.area.estimate_text_size(text, style).map_err(drawing)?;
        Ok(i32::try_from(w).unwrap_or(i32::MAX))
    }

    /// `text` at the largest size from `size` down to [`SMALLEST_SIZE`] at which it fits in
    /// `max_width`, shortened with "…" if it does not fit even then.
    pub(super) fn fitted(
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
    pub(super) fn fitted_text(
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
    pub(super) fn furniture(
        &self,
        chart: Chart,
        data: &ReviewData,
        subtitle: &str,
    ) -> Result<(), ChartError> {
        self.furniture_titled(chart.title(), subtitle, &ChartFrame::of(data))
    }

    /// Title, subtitle and footer with any title (the indicator charts name their indicator).
    pub(super) fn furniture_titled(
        &self,
        title: &str,
        subtitle: &str,
        frame: &ChartFrame,
    ) -> Result<(), ChartError> {
        let width = WIDTH as i32 - 2 * MARGIN;
        self.fitted_text(title, (MARGIN, TITLE_Y), width, TITLE_SIZE, |s| {
            bold(s, &TEXT, HPos::Left, VPos::Top)
        })?;
        self.fitted_text(subtitle, (MARGIN, SUBTITLE_Y), width, SUBTITLE_SIZE, |s| {
            style(s, &MUTED, HPos::Left, VPos::Top)
        })?;
        self.footer(frame)
    }

    /// The canvas's height in pixels (the class matrix grows with its rows).
    pub(super) fn height(&self) -> i32 {
        i32::try_from(self.area.dim_in_pixel().1).unwrap_or(i32::MAX)
    }

    /// How wide [`Canvas::legend`] draws `items`, in pixels (its last gap included).
    pub(super) fn legend_width(&self, items: &[(&str, Swatch)]) -> Result<i32, ChartError> {
        let label = style(LABEL_SIZE, &TEXT, HPos::Left, VPos::Center);
        let mut width = 0;
        for (name, swatch) in items {
            let swatch_width = if matches!(swatch, Swatch::Fill(_)) {
                22
            } else {
                28
            };
            width += swatch_width + 8 + self.measure(name, &label)? + 28;
        }
        Ok(width)
    }

    /// The legend in one row under the subtitle, outside the plot so it never covers data.
    pub(super) fn legend(&self, items: &[(&str, Swatch)]) -> Result<(), ChartError> {
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
                Swatch::Point(color, marker) => self.marker((x + 14, y), marker, color, 6)?,
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
    pub(super) fn footer(&self, data: &ChartFrame) -> Result<(), ChartError> {
        let width = WIDTH as i32 - 2 * MARGIN;
        let rule_y = self.height() - FOOTER_HEIGHT;
        self.line(
            &[(MARGIN, rule_y), (WIDTH as i32 - MARGIN, rule_y)],
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
            self.text(&one_line, (MARGIN, rule_y + 12), &footer(FOOTER_SIZE))
        } else {
            self.text(
                &format!("{as_of}."),
                (MARGIN, rule_y + 5),
                &footer(FOOTER_SIZE),
            )?;
            self.fitted_text(&source, (MARGIN, rule_y + 22), width, FOOTER_SIZE, footer)
        }
    }

    /// A message in place of the plot when there is nothing to draw.
    pub(super) fn no_data(&self, message: &str) -> Result<(), ChartError> {
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
    pub(super) fn y_axis(
        &self,
        plot: &Plot,
        ticks: &[(f64, String)],
        title: &str,
    ) -> Result<(), ChartError> {
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
    pub(super) fn x_categories(
        &self,
        plot: &Plot,
        labels: &[String],
        title: &str,
    ) -> Result<(), ChartError> {
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

    pub(super) fn x_title(&self, plot: &Plot, title: &str) -> Result<(), ChartError> {
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
    pub(super) fn grouped_bars(
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

/// A linear vertical scale: `lo` at pixel row `bottom`, `hi` at `top`; values outside are
/// drawn at the edge (never outside the plot).
#[derive(Debug, Clone, Copy)]
pub(super) struct Scale {
    pub(super) lo: f64,
    pub(super) hi: f64,
    pub(super) top: i32,
    pub(super) bottom: i32,
}

impl Scale {
    pub(super) fn y(&self, value: f64) -> i32 {
        let span = self.hi - self.lo;
        let share = if span > 0.0 && value.is_finite() {
            ((value - self.lo) / span).clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.bottom - (share * f64::from(self.bottom - self.top)).round() as i32
    }

    /// Round ticks (1, 2, 2.5 or 5 × 10ⁿ apart) covering `[lo, hi]`, about `count` of them,
    /// with the scale widened to the outer ticks; the ticks and their step.
    pub(super) fn rounded(
        lo: f64,
        hi: f64,
        count: usize,
        top: i32,
        bottom: i32,
    ) -> (Self, Vec<f64>, f64) {
        let (lo, hi) = if lo.is_finite() && hi.is_finite() {
            (lo.min(hi), lo.max(hi))
        } else {
            (0.0, 1.0)
        };
        let (lo, hi) = if hi - lo > 0.0 {
            (lo, hi)
        } else {
            (lo - 1.0, hi + 1.0)
        };
        let raw = (hi - lo) / count.max(1) as f64;
        let magnitude = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 2.5, 5.0, 10.0]
            .into_iter()
            .map(|m| m * magnitude)
            .find(|s| *s >= raw)
            .unwrap_or(10.0 * magnitude);
        let first = (lo / step).floor();
        let last = (hi / step).ceil();
        let ticks: Vec<f64> = (0..=((last - first) as i64).clamp(1, 100))
            .map(|k| (first + k as f64) * step)
            .collect();
        let scale = Self {
            lo: first * step,
            hi: ticks.last().copied().unwrap_or(hi),
            top,
            bottom,
        };
        (scale, ticks, step)
    }
}

/// How many decimals tick labels `step` apart need (0 for whole steps, at most 4).
pub(super) fn step_decimals(step: f64) -> usize {
    (0..4)
        .find(|&d| {
            let scaled = step * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() < 1e-6
        })
        .unwrap_or(4)
}

/// Horizontal grid lines with labels at `ticks` on a [`Scale`] between `left` and `right`.
pub(super) fn scale_grid<DB: DrawingBackend>(
    c: &Canvas<DB>,
    scale: &Scale,
    (left, right): (i32, i32),
    ticks: &[(f64, String)],
) -> Result<(), ChartError> {
    for (value, text) in ticks {
        let y = scale.y(*value);
        c.line(&[(left, y), (right, y)], GRID, 1)?;
        c.fitted_text(text, (left - 8, y), left - MARGIN - 30, LABEL_SIZE, |s| {
            style(s, &TEXT, HPos::Right, VPos::Center)
        })?;
    }
    Ok(())
}

/// The vertical axis title, rotated, left of the plot.
pub(super) fn vertical_title<DB: DrawingBackend>(
    c: &Canvas<DB>,
    title: &str,
    (top, bottom): (i32, i32),
) -> Result<(), ChartError> {
    let (text, title_style) = c.fitted(title, bottom - top + 40, LABEL_SIZE, |s| {
        style(s, &TEXT, HPos::Center, VPos::Center).transform(FontTransform::Rotate270)
    })?;
    c.text(&text, (MARGIN - 2, (top + bottom) / 2), &title_style)
}

/// Ticks every 20 % from 0 to 100 %.
pub(super) fn percent_ticks() -> Vec<(f64, String)> {
    (0..=5)
        .map(|k| (f64::from(k) * 20.0, format!("{}%", k * 20)))
        .collect()
}

/// The top-level level's name with a capital ("Goal"), for axis titles and subtitles.
pub(super) fn top_level(data: &ReviewData) -> (String, String) {
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

pub(super) fn percent_label(text: Option<String>) -> String {
    text.unwrap_or_else(|| "–".to_owned())
}

pub(super) const RATE_AXIS: &str = "Share of applicable measures (%)";
