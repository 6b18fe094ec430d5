//! The review report's charts (DESIGN.md §4), drawn with plotters from a [`ReviewData`]
//! as SVG (web, HTML, PDF) or PNG. Only drawing belongs here: the figures come computed in
//! the data, and nothing is read from a file, a database or the clock.
//!
//! The three indicator charts (issue 17) also stand alone, for the web pages to draw outside a
//! report, each from its own input that carries what the furniture needs ([`ChartFrame`]):
//! - [`indicator_trend_svg`] / [`indicator_trend_png`] from a [`TrendChart`]: one indicator in
//!   one scope — its points, baseline and target, the straight expected path, the weighted fit
//!   extended (dashed) to the target year, and the class;
//! - [`goal_snapshot_svg`] / [`goal_snapshot_png`] from a [`SnapshotChart`]: per node, the mean
//!   current status (regional, and the mean of states) as bars against the `expected` mark;
//! - [`class_matrix_svg`] / [`class_matrix_png`] from a [`ClassMatrix`]: indicators × scopes,
//!   each cell's class by colour **and** a short code ([`class_code`]), so that it reads in
//!   greyscale and to a screen reader. Its height grows with its rows ([`ClassMatrix::size`]).
//!
//! A report's [`Chart::Snapshot`] and [`Chart::Matrix`] are these charts built from
//! [`ReviewData::indicators`] ([`SnapshotChart::of_review`], [`ClassMatrix::of_review`]);
//! [`TrendChart::of_review`] gives a regional trend chart for any indicator of a report.
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

mod canvas;
mod comparison;
mod distribution;
mod heatmap;
mod matrix;
mod palette;
mod png_encoding;
mod rates;
mod snapshot;
mod timeline;
mod trend;

use std::sync::OnceLock;

use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use chrono::{DateTime, NaiveDate, Utc};

use super::ReviewData;

pub use matrix::{ClassMatrix, MatrixRow};
pub use palette::{CLASS_ORDER, class_code};
pub use snapshot::{SnapshotBar, SnapshotChart};
pub use trend::TrendChart;

/// What every chart prints around its plot besides its title: the framework's title (in the
/// subtitle), and in the footer the as-of date, the known-at instant if any and the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartFrame {
    /// The framework's title: `ASCC Strategic Plan 2026–2030`.
    pub framework: String,
    pub as_of: NaiveDate,
    pub known_at: Option<DateTime<Utc>>,
    /// Where the figures come from: `status reports recorded in blueprint-tracker`.
    pub source: String,
}

impl ChartFrame {
    /// The frame of a review report's charts.
    pub fn of(data: &ReviewData) -> Self {
        Self {
            framework: data.framework.title.clone(),
            as_of: data.as_of,
            known_at: data.known_at,
            source: data.source.clone(),
        }
    }
}

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
    /// Per top-level node, the indicators' mean current status against the expected mark.
    Snapshot,
    /// Indicators × scopes, each cell the indicator's class.
    Matrix,
}

impl Chart {
    pub const ALL: [Chart; 7] = [
        Chart::Rates,
        Chart::Comparison,
        Chart::Distribution,
        Chart::Timeline,
        Chart::Heatmap,
        Chart::Snapshot,
        Chart::Matrix,
    ];

    /// The chart's name in URLs and file names.
    pub fn name(self) -> &'static str {
        match self {
            Chart::Rates => "rates",
            Chart::Comparison => "comparison",
            Chart::Distribution => "distribution",
            Chart::Timeline => "timeline",
            Chart::Heatmap => "heatmap",
            Chart::Snapshot => "indicator-snapshot",
            Chart::Matrix => "indicator-classes",
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
            Chart::Snapshot => "Indicators: current status against expected",
            Chart::Matrix => "Indicators: progress class by scope",
        }
    }

    /// The chart's size in pixels for `data`: [`WIDTH`] × [`HEIGHT`], except the class
    /// matrix, whose height grows with the number of indicators.
    pub fn size(self, data: &ReviewData) -> (u32, u32) {
        match self {
            Chart::Matrix => ClassMatrix::of_review(data).size(),
            _ => (WIDTH, HEIGHT),
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
    match chart {
        Chart::Snapshot => goal_snapshot_svg(&SnapshotChart::of_review(data)),
        Chart::Matrix => class_matrix_svg(&ClassMatrix::of_review(data)),
        _ => render_svg((WIDTH, HEIGHT), |canvas| draw(chart, data, canvas)),
    }
}

/// `chart` of `data` as PNG-encoded bytes (8-bit RGB, [`Chart::size`]).
///
/// # Errors
/// The font cannot be registered, plotters reports a drawing error, or encoding fails.
pub fn png(chart: Chart, data: &ReviewData) -> Result<Vec<u8>, ChartError> {
    match chart {
        Chart::Snapshot => goal_snapshot_png(&SnapshotChart::of_review(data)),
        Chart::Matrix => class_matrix_png(&ClassMatrix::of_review(data)),
        _ => render_png((WIDTH, HEIGHT), |canvas| draw(chart, data, canvas)),
    }
}

/// The trend of one indicator in one scope as an SVG document ([`WIDTH`] × [`HEIGHT`]).
/// Without a target in the scope, the chart says "No data".
///
/// # Errors
/// The font cannot be registered, or plotters reports a drawing error.
pub fn indicator_trend_svg(chart: &TrendChart) -> Result<String, ChartError> {
    render_svg((WIDTH, HEIGHT), |canvas| trend::draw(canvas, chart))
}

/// [`indicator_trend_svg`] as PNG bytes.
///
/// # Errors
/// As [`indicator_trend_svg`], or encoding fails.
pub fn indicator_trend_png(chart: &TrendChart) -> Result<Vec<u8>, ChartError> {
    render_png((WIDTH, HEIGHT), |canvas| trend::draw(canvas, chart))
}

/// The goal snapshot as an SVG document ([`WIDTH`] × [`HEIGHT`]). Without bars, "No data".
///
/// # Errors
/// The font cannot be registered, or plotters reports a drawing error.
pub fn goal_snapshot_svg(chart: &SnapshotChart) -> Result<String, ChartError> {
    render_svg((WIDTH, HEIGHT), |canvas| snapshot::draw(canvas, chart))
}

/// [`goal_snapshot_svg`] as PNG bytes.
///
/// # Errors
/// As [`goal_snapshot_svg`], or encoding fails.
pub fn goal_snapshot_png(chart: &SnapshotChart) -> Result<Vec<u8>, ChartError> {
    render_png((WIDTH, HEIGHT), |canvas| snapshot::draw(canvas, chart))
}

/// The class matrix as an SVG document ([`WIDTH`] wide, [`ClassMatrix::size`] high). Each
/// cell's class is a fill colour and a text code; the SVG starts with a `<title>` naming the
/// chart. Without rows or scopes, "No data".
///
/// # Errors
/// The font cannot be registered, or plotters reports a drawing error.
pub fn class_matrix_svg(chart: &ClassMatrix) -> Result<String, ChartError> {
    let svg = render_svg(chart.size(), |canvas| matrix::draw(canvas, chart))?;
    Ok(with_svg_title(svg, &chart.accessible_title()))
}

/// [`class_matrix_svg`] as PNG bytes.
///
/// # Errors
/// As [`class_matrix_svg`], or encoding fails.
pub fn class_matrix_png(chart: &ClassMatrix) -> Result<Vec<u8>, ChartError> {
    render_png(chart.size(), |canvas| matrix::draw(canvas, chart))
}

/// `svg` with a `<title>` as the root's first child (what screen readers announce).
fn with_svg_title(svg: String, title: &str) -> String {
    let Some(end) = svg.find('>') else {
        return svg;
    };
    let escaped = title
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        "{}<title>{escaped}</title>{}",
        &svg[..=end],
        &svg[end + 1..]
    )
}

/// Draws with `paint` on a white SVG canvas of `size`.
fn render_svg<F>(size: (u32, u32), paint: F) -> Result<String, ChartError>
where
    F: for<'a, 'b> Fn(&canvas::Canvas<'a, SVGBackend<'b>>) -> Result<(), ChartError>,
{
    register_fonts()?;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        root.fill(&palette::BACKGROUND).map_err(drawing)?;
        paint(&canvas::Canvas { area: &root })?;
        root.present().map_err(drawing)?;
    }
    Ok(out)
}

/// Draws with `paint` on a white bitmap of `size` and encodes it as PNG.
fn render_png<F>(size: (u32, u32), paint: F) -> Result<Vec<u8>, ChartError>
where
    F: for<'a, 'b> Fn(&canvas::Canvas<'a, BitMapBackend<'b>>) -> Result<(), ChartError>,
{
    let pixels = render_rgb(size, paint)?;
    Ok(png_encoding::encode_rgb(size.0, size.1, &pixels)?)
}

/// Draws with `paint` into an RGB buffer (3 bytes per pixel, rows top to bottom).
fn render_rgb<F>(size: (u32, u32), paint: F) -> Result<Vec<u8>, ChartError>
where
    F: for<'a, 'b> Fn(&canvas::Canvas<'a, BitMapBackend<'b>>) -> Result<(), ChartError>,
{
    register_fonts()?;
    let mut pixels = vec![0_u8; size.0 as usize * size.1 as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, size).into_drawing_area();
        root.fill(&palette::BACKGROUND).map_err(drawing)?;
        paint(&canvas::Canvas { area: &root })?;
        root.present().map_err(drawing)?;
    }
    Ok(pixels)
}

/// `chart` of `data` drawn into an RGB buffer (what [`png`] encodes; for the tests).
#[cfg(test)]
fn rgb(chart: Chart, data: &ReviewData) -> Result<Vec<u8>, ChartError> {
    match chart {
        Chart::Snapshot => render_rgb(chart.size(data), |c| {
            snapshot::draw(c, &SnapshotChart::of_review(data))
        }),
        Chart::Matrix => render_rgb(chart.size(data), |c| {
            matrix::draw(c, &ClassMatrix::of_review(data))
        }),
        _ => render_rgb((WIDTH, HEIGHT), |canvas| draw(chart, data, canvas)),
    }
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
// The charts

fn draw<DB: DrawingBackend>(
    chart: Chart,
    data: &ReviewData,
    canvas: &canvas::Canvas<DB>,
) -> Result<(), ChartError> {
    match chart {
        Chart::Rates => rates::rates(canvas, data),
        Chart::Comparison => comparison::comparison(canvas, data),
        Chart::Distribution => distribution::distribution(canvas, data),
        Chart::Timeline => timeline::timeline(canvas, data),
        Chart::Heatmap => heatmap::heatmap(canvas, data),
        Chart::Snapshot => snapshot::draw(canvas, &SnapshotChart::of_review(data)),
        Chart::Matrix => matrix::draw(canvas, &ClassMatrix::of_review(data)),
    }
}

#[cfg(test)]
mod tests {
    use super::distribution::count_step;
    use super::palette::*;
    use super::*;
    use crate::report::sample::sample;

    fn empty() -> ReviewData {
        let mut data = sample();
        data.indicators = crate::report::IndicatorSection::default();
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
            unreported: 0,
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
        let expected: [(Chart, &[&str]); 7] = [
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
            (
                Chart::Snapshot,
                &[
                    "SG1",
                    "SG3",
                    "Regional (ASEAN)",
                    "Mean of member states",
                    "Expected by 2027",
                    "no indicator",
                    "17%",
                ],
            ),
            (
                Chart::Matrix,
                &[
                    "ASEAN",
                    "IDN",
                    "VNM",
                    "SP-1",
                    "SP-3",
                    "ACH",
                    "ACC",
                    "REG",
                    "INS",
                    "NT",
                    "Needs acceleration",
                    "<title>",
                ],
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
            let (width, height) = chart.size(&data);
            assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), width);
            assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), height);
            // Drawn content cannot compress as well as a blank canvas.
            assert!(
                png.len() > 2 * blank.len(),
                "{}: {} bytes",
                chart.name(),
                png.len()
            );
            // It decodes (CRCs, zlib, filters) to exactly the pixels plotters drew...
            let (w, h, pixels) = png_encoding::tests::decode(&png);
            assert_eq!((w, h), chart.size(&data));
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
                Chart::Matrix => class_color(crate::domain::IndicatorClass::Regressing),
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
        let goal = data.indicators.goals[0].clone();
        data.indicators.goals = (0..400)
            .map(|i| crate::report::GoalIndicators {
                code: format!("G{i}"),
                mean_of_states: Some(if i % 2 == 0 { -40.0 } else { f64::NAN }),
                ..goal.clone()
            })
            .collect();
        let line = data.indicators.indicators[0].clone();
        data.indicators.indicators = vec![line; 300];
        data.indicators.scopes = data
            .indicators
            .scopes
            .iter()
            .cycle()
            .take(60)
            .cloned()
            .collect();
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

    fn trend(code: &str) -> TrendChart {
        TrendChart::of_review(&sample(), code).unwrap()
    }

    #[test]
    fn the_trend_chart_marks_baseline_target_path_fit_and_class() {
        // SP-1 in ASEAN is DESIGN.md §2b's worked example.
        let svg = indicator_trend_svg(&trend("SP-1")).unwrap();
        for label in [
            "SP-1 Households with broadband access",
            "ASEAN (regional), in %",
            "higher is better",
            "Baseline 2025: 50.0%",
            "Target 2030: 80.0%",
            "Straight path",
            "Weighted trend",
            "Class: Needs acceleration  [ACC]",
            "Latest 55.0% (2027)",
            "current status 16.7%",
            "expected 40.0%",
            "anticipated progress 41.0%",
            "2025",
            "2030",
            "Value (%)",
            "As of 2027-12-31",
            "sample data for tests",
        ] {
            assert!(svg.contains(label), "{label}");
        }
        assert_eq!(svg, indicator_trend_svg(&trend("SP-1")).unwrap());
        // A decreasing indicator in days with two decimals.
        let svg = indicator_trend_svg(&trend("SP-2")).unwrap();
        assert!(svg.contains("lower is better"));
        assert!(svg.contains("Baseline 2025: 10.00 days"));
        // A long unit: the legend names the years only, the values get a line of their own.
        let mut long = trend("SP-2");
        long.unit = "per 100,000 live births in the year".into();
        let svg = indicator_trend_svg(&long).unwrap();
        assert!(svg.contains("\nBaseline 2025\n"));
        assert!(svg.contains(
            "Baseline 2025: 10.00 per 100,000 live births in the year · Target 2030: 6.00 per"
        ));
    }

    #[test]
    fn the_trend_chart_renders_as_png_and_says_when_there_is_no_target() {
        let png = indicator_trend_png(&trend("SP-1")).unwrap();
        let (w, h, pixels) = png_encoding::tests::decode(&png);
        assert_eq!((w, h), (WIDTH, HEIGHT));
        assert!(
            pixels
                .chunks_exact(3)
                .any(|p| p == [palette::BLUE.0, palette::BLUE.1, palette::BLUE.2])
        );
        assert!(
            pixels
                .chunks_exact(3)
                .any(|p| p == [VERMILLION.0, VERMILLION.1, VERMILLION.2]),
            "the fit is drawn"
        );

        let mut none = trend("SP-1");
        none.figures = crate::engine::indicators::ScopeProgress {
            baseline: None,
            target: None,
            latest: None,
            points: Vec::new(),
            class: crate::domain::IndicatorClass::NoTarget,
            ..none.figures
        };
        let svg = indicator_trend_svg(&none).unwrap();
        assert!(svg.contains("No data: no target is set for ASEAN"));
        assert!(svg.contains("As of 2027-12-31"));
        indicator_trend_png(&none).unwrap();
    }

    #[test]
    fn the_trend_chart_renders_extreme_figures() {
        use crate::engine::indicators::YearValue;
        let mut chart = trend("SP-1");
        // One point only, far outside the target, in a year long after it.
        chart.figures.points = vec![
            YearValue {
                year: 2025,
                value: 50.0,
            },
            YearValue {
                year: 2090,
                value: -1.0e12,
            },
        ];
        chart.figures.anticipated_value = Some(f64::INFINITY);
        chart.figures.current_status = Some(f64::NAN);
        chart.unit = "a remarkably long unit name ".repeat(6);
        let svg = indicator_trend_svg(&chart).unwrap();
        assert!(svg.contains("Value (a remarkably long unit"));
        indicator_trend_png(&chart).unwrap();
        // Many points, all equal.
        chart.figures.points = (2025..2400)
            .map(|year| YearValue { year, value: 50.0 })
            .collect();
        chart.figures.target = Some(YearValue {
            year: 2030,
            value: 50.0,
        });
        indicator_trend_svg(&chart).unwrap();
        indicator_trend_png(&chart).unwrap();
    }

    #[test]
    fn the_snapshot_draws_the_series_it_is_given() {
        let mut chart = SnapshotChart::of_review(&sample());
        assert_eq!(
            chart.bars[0].values[0].map(|v| (v * 1e6).round()),
            Some(166_667.0)
        );
        assert_eq!(chart.bars[1].expected, Some((0.4 + 2.0 / 3.0) / 2.0));
        chart.series = ["Viet Nam".into(), String::new()];
        let svg = goal_snapshot_svg(&chart).unwrap();
        assert!(svg.contains("Viet Nam") && svg.contains("Expected by 2027"));
        assert!(!svg.contains("Mean of member states"));
        goal_snapshot_png(&chart).unwrap();
        chart.bars.clear();
        assert!(goal_snapshot_svg(&chart).unwrap().contains("No data"));
    }

    #[test]
    fn the_class_matrix_names_every_class_in_text_and_grows_with_its_rows() {
        let data = sample();
        let matrix = ClassMatrix::of_review(&data);
        let svg = class_matrix_svg(&matrix).unwrap();
        // The SVG's accessible name comes first.
        assert!(svg.contains(
            "<title>Indicators: progress class by scope: 3 indicators in 5 scopes, ACH = Achieved"
        ));
        // SP-1: ASEAN needs acceleration, THA achieved, TLS regressing, VNM no target.
        assert_eq!(
            data.indicators.indicators[0].classes,
            [
                crate::domain::IndicatorClass::NeedsAcceleration,
                crate::domain::IndicatorClass::OnTrack,
                crate::domain::IndicatorClass::Achieved,
                crate::domain::IndicatorClass::Regressing,
                crate::domain::IndicatorClass::NoTarget,
            ]
        );
        for code in ["ACC", "ON", "ACH", "REG", "NT", "INS"] {
            assert!(svg.contains(&format!("\n{code}\n")), "{code}");
        }
        assert_eq!(matrix.size(), (WIDTH, matrix::MIN_HEIGHT));
        let mut many = matrix.clone();
        many.rows = many.rows.iter().cycle().take(40).cloned().collect();
        let (_, tall) = many.size();
        assert!(tall > HEIGHT, "{tall}");
        let (w, h, _) = png_encoding::tests::decode(&class_matrix_png(&many).unwrap());
        assert_eq!((w, h), (WIDTH, tall));
        many.rows = many.rows.iter().cycle().take(5000).cloned().collect();
        assert_eq!(many.size(), (WIDTH, matrix::MAX_HEIGHT));
        class_matrix_png(&many).unwrap();
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
        for code in ["SP-1", "SP-2", "SP-3"] {
            let chart = TrendChart::of_review(&data, code).unwrap();
            std::fs::write(
                dir.join(format!("trend-{code}.png")),
                indicator_trend_png(&chart).unwrap(),
            )
            .unwrap();
            std::fs::write(
                dir.join(format!("trend-{code}.svg")),
                indicator_trend_svg(&chart).unwrap(),
            )
            .unwrap();
        }
    }
}
