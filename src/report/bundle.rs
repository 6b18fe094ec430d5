//! A review report in the formats asked for, as named files: what the CLI writes to a folder
//! and the API sends. File names are stable (`review-FW-DATE.html`, `…-rates.png`), so the
//! examples in `reports/examples/` can be regenerated and compared.

use super::ReviewData;
use super::charts::{self, Chart};
use super::docx;
use super::html::ReportError;

/// Why a report could not be rendered (a bug or a resource problem, never the user's input).
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("chart: {0}")]
    Chart(String),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error("JSON: {0}")]
    Json(String),
    #[error("DOCX: {0}")]
    Docx(String),
    #[error("the report has no indicator `{0}`")]
    UnknownIndicator(String),
}

/// A format a report can be rendered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Html,
    Pdf,
    Csv,
    Json,
    /// Every chart as a PNG image.
    Png,
    /// Every chart as an SVG image.
    Svg,
    /// The report as an editable Word document.
    Docx,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Html,
        Format::Pdf,
        Format::Docx,
        Format::Csv,
        Format::Json,
        Format::Png,
        Format::Svg,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Png => "png",
            Format::Svg => "svg",
            Format::Docx => "docx",
        }
    }

    /// The media type of one file of this format.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Html => "text/html; charset=utf-8",
            Format::Pdf => "application/pdf",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Json => "application/json",
            Format::Png => "image/png",
            Format::Svg => "image/svg+xml",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Format::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!("`{s}` is not a report format: use html, pdf, docx, csv, json, png or svg")
            })
    }
}

/// One rendered file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFile {
    pub name: String,
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

/// The stem of every file of a report: `review-FW-DATE`.
pub fn stem(data: &ReviewData) -> String {
    format!("review-{}-{}", data.framework.code, data.as_of)
}

/// Every chart as SVG, in [`Chart::ALL`] order.
///
/// # Errors
/// A chart cannot be drawn.
pub fn chart_svgs(data: &ReviewData) -> Result<Vec<(Chart, String)>, RenderError> {
    Chart::ALL
        .into_iter()
        .map(|chart| {
            charts::svg(chart, data)
                .map(|svg| (chart, svg))
                .map_err(|e| RenderError::Chart(e.to_string()))
        })
        .collect()
}

/// The regional trend chart ([`charts::TrendChart::of_review`]) of each indicator in `codes`
/// (`all`: every indicator of the report) as `format` (PNG or SVG), one file each, named
/// `{stem}-trend-{code}.{png|svg}` (characters other than letters, digits, `-` and `_` in the
/// code become `_`).
///
/// # Errors
/// `UnknownIndicator` for a code the report does not have; a chart cannot be drawn.
pub fn trend_files(
    data: &ReviewData,
    codes: &[String],
    format: Format,
) -> Result<Vec<ReportFile>, RenderError> {
    let all = codes.iter().any(|c| c == "all");
    let wanted: Vec<&str> = if all {
        data.indicators
            .indicators
            .iter()
            .map(|i| i.code.as_str())
            .collect()
    } else {
        codes.iter().map(String::as_str).collect()
    };
    let stem = stem(data);
    wanted
        .into_iter()
        .map(|code| {
            let chart = charts::TrendChart::of_review(data, code)
                .ok_or_else(|| RenderError::UnknownIndicator(code.to_owned()))?;
            let (extension, bytes) = match format {
                Format::Svg => (
                    "svg",
                    charts::indicator_trend_svg(&chart).map(String::into_bytes),
                ),
                _ => ("png", charts::indicator_trend_png(&chart)),
            };
            let bytes = bytes.map_err(|e| RenderError::Chart(e.to_string()))?;
            let safe: String = code
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            Ok(ReportFile {
                name: format!("{stem}-trend-{safe}.{extension}"),
                media_type: if extension == "svg" {
                    Format::Svg.media_type()
                } else {
                    Format::Png.media_type()
                },
                bytes,
            })
        })
        .collect()
}

/// Whether `format` needs the charts' SVGs (HTML and PDF embed them; SVG is them).
pub fn needs_svgs(format: Format) -> bool {
    matches!(format, Format::Html | Format::Pdf | Format::Svg)
}

/// The files of `format`. HTML and PDF embed the charts (`svgs`, see [`needs_svgs`]); DOCX
/// draws them as PNG itself; PNG and SVG give one file per chart.
///
/// # Errors
/// A chart, the HTML, the PDF or the CSV cannot be rendered.
pub fn render(
    data: &ReviewData,
    format: Format,
    svgs: &[(Chart, String)],
) -> Result<Vec<ReportFile>, RenderError> {
    let stem = stem(data);
    let one = |extension: &str, bytes: Vec<u8>| {
        vec![ReportFile {
            name: format!("{stem}.{extension}"),
            media_type: format.media_type(),
            bytes,
        }]
    };
    Ok(match format {
        Format::Html => one("html", super::html::render(data, svgs)?.into_bytes()),
        Format::Pdf => one("pdf", super::pdf::render(data, svgs)?),
        Format::Docx => one("docx", docx::render(data)?),
        Format::Csv => one("csv", super::csv::figures(data)?.into_bytes()),
        Format::Json => one(
            "json",
            serde_json::to_vec_pretty(data).map_err(|e| RenderError::Json(e.to_string()))?,
        ),
        Format::Svg => svgs
            .iter()
            .map(|(chart, svg)| ReportFile {
                name: format!("{stem}-{}.svg", chart.name()),
                media_type: format.media_type(),
                bytes: svg.clone().into_bytes(),
            })
            .collect(),
        // Rasterising is the slow part: one thread a chart.
        Format::Png => std::thread::scope(|scope| {
            let drawing: Vec<_> = Chart::ALL
                .into_iter()
                .map(|chart| scope.spawn(move || (chart, charts::png(chart, data))))
                .collect();
            drawing
                .into_iter()
                .map(|handle| {
                    let (chart, png) = handle
                        .join()
                        .map_err(|_| RenderError::Chart("a chart's thread failed".into()))?;
                    png.map(|bytes| ReportFile {
                        name: format!("{stem}-{}.png", chart.name()),
                        media_type: format.media_type(),
                        bytes,
                    })
                    .map_err(|e| RenderError::Chart(e.to_string()))
                })
                .collect::<Result<Vec<_>, _>>()
        })?,
    })
}
