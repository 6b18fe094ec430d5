//! The review report as a PDF: A4 pages of real, selectable text in DejaVu Sans (embedded and
//! subset by krilla), laid out by a small layout of our own (wrapped lines, tables with
//! repeated headers, page breaks when a page is full), with the charts drawn as vectors.
//!
//! Why krilla: it writes a PDF from plain Rust (no browser, no TeX, no system fonts), embeds
//! and subsets fonts with a proper `ToUnicode` map (text stays selectable and extractable),
//! and with krilla-svg draws an SVG as vector graphics. typst would lay out better but takes
//! about 12 minutes to build; a headless browser is an external program taking seconds per
//! document. The whole report renders in well under a second.
//!
//! The layout works in two steps: [`Layout`] turns the [`Report`] into pages of positioned
//! drawing operations, measuring text with the font's own advance widths (read by skrifa, the
//! font reader krilla uses, in [`fonts`]), and [`draw`] hands them to krilla. Glyphs are placed one
//! by one with those same advances, so what was measured is exactly what is drawn (numbers
//! really are right-aligned).
//!
//! The PDF is PDF/A-2b (archival: krilla's validator refuses to write anything that would not
//! conform, fonts are embedded, colours are sRGB with an output intent, XMP metadata carries
//! the `pdfaid` claim) and tagged ([`tags`]): sections, headings, paragraphs, figures with
//! their captions as text alternatives, and tables down to their cells are in the structure
//! tree; rules, tints, the running footer and a table's repeated header are artifacts. Its
//! creation date is the report's generation time (a parameter, never the clock): the same data
//! give the same bytes. Should krilla find something that cannot be PDF/A (a glyph no font
//! has), the PDF is written again without the claim, tagged all the same.
//!
//! Charts ([`charts`]): each SVG is parsed once into a `usvg` tree with DejaVu in its font
//! database and drawn by krilla-svg, text included (real text, selectable). The chart text used
//! to be drawn by hand from the SVG's `<text>` elements, because krilla-svg's SVG-glyph entry
//! point parses without fonts and leaves text out; the example PDFs were regenerated when that
//! changed (the charts' text is now usvg's layout of the same strings in the same font).

use std::collections::HashMap;
use std::sync::OnceLock;

use krilla::Document;
use krilla::action::{Action, LinkAction};
use krilla::annotation::{LinkAnnotation, Target};
use krilla::color::rgb;
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect, Transform};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};

use super::ReviewData;
use super::charts::Chart;
use super::html::{CoverLogo, Figure, RateRow, Report, ReportError, RowKind};

/// Renders the review report as a PDF: A4, the same sections as the HTML in a simpler
/// layout, the charts (`charts`, in any order) as vector graphics, DejaVu Sans embedded.
///
/// # Errors
/// The compiled-in font cannot be read, a chart's SVG cannot be parsed, or krilla fails to
/// write the document (all bugs, not data problems).
pub fn render(data: &ReviewData, charts: &[(Chart, String)]) -> Result<Vec<u8>, ReportError> {
    let report = Report::new(data, charts).with_trends(data)?;
    let fonts = Fonts::load()?;
    let charts = Charts::parse(&report)?;
    let mut layout = Layout::new(fonts.metrics, &charts);
    layout.report(&report)?;
    draw(&report, data.generated_at, layout, &fonts)
}

// ---------------------------------------------------------------------------------------------
// Page geometry and style

const PAGE_W: f32 = 595.276; // A4, in points
const PAGE_H: f32 = 841.89;
const LEFT: f32 = 54.0;
const RIGHT: f32 = PAGE_W - 54.0;
const WIDTH: f32 = RIGHT - LEFT;
const TOP: f32 = 60.0;
const BOTTOM: f32 = PAGE_H - 64.0;

const BODY: f32 = 9.5;
const BODY_LEADING: f32 = 14.0;
const TABLE: f32 = 7.8;
const TABLE_LEADING: f32 = 10.2;
/// Column headers: small and regular, so that the numbers' columns stay narrow.
const HEADER: f32 = 6.9;
const HEADER_LEADING: f32 = 8.6;
const CELL_PAD_X: f32 = 3.0;
/// The least a table's flexible column (a title) gets before headers wrap to make room.
const MIN_FLEX: f32 = 150.0;
const CELL_PAD_Y: f32 = 3.0;

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rgb(u8, u8, u8);

// The charts' palette (see `charts/palette.rs`): their text colours and the Okabe–Ito blue.
const INK: Rgb = Rgb(34, 34, 34);
const MUTED: Rgb = Rgb(85, 85, 85);
const ACCENT: Rgb = Rgb(0, 114, 178);
const ACCENT_SOFT: Rgb = Rgb(0xe8, 0xf2, 0xf9);
const FAINT: Rgb = Rgb(0xef, 0xf1, 0xf3);
const RULE: Rgb = Rgb(221, 221, 221);
const TINT: Rgb = Rgb(0xf7, 0xf8, 0xf9);

mod annex;
mod charts;
mod document;
mod draw;
mod fonts;
mod layout;
mod summary;
mod table;
mod tags;
#[cfg(test)]
mod tests;

use charts::Charts;
use draw::*;
use fonts::*;
use layout::*;
use table::*;
use tags::*;
