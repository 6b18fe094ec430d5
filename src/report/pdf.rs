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
//! drawing operations, measuring text with the font's own advance widths (read from its
//! `cmap` and `hmtx` tables below), and [`draw`] hands them to krilla. Glyphs are placed one
//! by one with those same advances, so what was measured is exactly what is drawn (numbers
//! really are right-aligned). No creation date is written: the same data give the same bytes.
//!
//! Charts: krilla-svg draws a `usvg` tree, and `usvg` is not a direct dependency of this
//! crate, so the chart SVG goes through krilla-svg's SVG-glyph entry point, which parses and
//! draws a whole SVG document with usvg's default options. Those options have no fonts, so
//! usvg leaves the chart's text out; it is drawn here instead, from the SVG's `<text>`
//! elements, in DejaVu Sans like the rest (see [`ChartText`]). With `usvg` as a dependency
//! this becomes `Tree::from_str` with DejaVu in its font database and `SurfaceExt::draw_svg`.

use std::collections::HashMap;
use std::sync::OnceLock;

use krilla::Document;
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
use super::html::{Figure, RateRow, Report, ReportError, RowKind};

/// Renders the review report as a PDF: A4, the same sections as the HTML in a simpler
/// layout, the charts (`charts`, in any order) as vector graphics, DejaVu Sans embedded.
///
/// # Errors
/// The compiled-in font cannot be read, a chart's SVG cannot be parsed, or krilla fails to
/// write the document (all bugs, not data problems).
pub fn render(data: &ReviewData, charts: &[(Chart, String)]) -> Result<Vec<u8>, ReportError> {
    let report = Report::new(data, charts);
    let fonts = Fonts::load()?;
    let mut layout = Layout::new(fonts.metrics);
    layout.report(&report)?;
    draw(&report, layout, &fonts)
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

/// The four faces the report uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Face {
    Regular,
    Bold,
    /// DejaVu Sans Condensed, for tables.
    Narrow,
    NarrowBold,
}

impl Face {
    const ALL: [Face; 4] = [Face::Regular, Face::Bold, Face::Narrow, Face::NarrowBold];

    fn index(self) -> usize {
        self as usize
    }

    fn bytes(self) -> &'static [u8] {
        match self {
            Face::Regular => dejavu::sans::regular(),
            Face::Bold => dejavu::sans::bold(),
            Face::Narrow => dejavu::sans_condensed::regular(),
            Face::NarrowBold => dejavu::sans_condensed::bold(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Font metrics: glyph ids and advance widths from the font's own tables

/// A font's character map and advance widths: enough to measure a line and to place its
/// glyphs exactly where it was measured.
#[derive(Debug)]
struct Metrics {
    units_per_em: f32,
    /// Character → (glyph id, advance in font units).
    glyphs: HashMap<char, (u16, u16)>,
    notdef_advance: u16,
}

impl Metrics {
    fn parse(font: &[u8]) -> Option<Self> {
        let table = |tag: &[u8; 4]| -> Option<&[u8]> {
            let count = usize::from(be16(font, 4)?);
            (0..count).find_map(|i| {
                let record = 12 + 16 * i;
                (font.get(record..record + 4)? == tag).then_some(())?;
                let offset = usize::try_from(be32(font, record + 8)?).ok()?;
                let length = usize::try_from(be32(font, record + 12)?).ok()?;
                font.get(offset..offset.checked_add(length)?)
            })
        };
        let head = table(b"head")?;
        let hhea = table(b"hhea")?;
        let hmtx = table(b"hmtx")?;
        let cmap = table(b"cmap")?;
        let units_per_em = f32::from(be16(head, 18)?);
        let long_metrics = usize::from(be16(hhea, 34)?);
        if long_metrics == 0 || units_per_em <= 0.0 {
            return None;
        }
        let advance = |glyph: u16| {
            let i = usize::from(glyph).min(long_metrics - 1);
            be16(hmtx, 4 * i).unwrap_or(0)
        };

        // The Windows Unicode BMP subtable (format 4): every font of the DejaVu family has one.
        let subtables = usize::from(be16(cmap, 2)?);
        let offset = (0..subtables).find_map(|i| {
            let record = 4 + 8 * i;
            let platform = be16(cmap, record)?;
            let encoding = be16(cmap, record + 2)?;
            let offset = usize::try_from(be32(cmap, record + 4)?).ok()?;
            (platform == 3 && encoding == 1 && be16(cmap, offset)? == 4).then_some(offset)
        })?;
        let sub = cmap.get(offset..)?;
        let segments = usize::from(be16(sub, 6)?) / 2;
        let ends = 14;
        let starts = ends + 2 * segments + 2;
        let deltas = starts + 2 * segments;
        let range_offsets = deltas + 2 * segments;
        let mut glyphs = HashMap::new();
        for s in 0..segments {
            let end = be16(sub, ends + 2 * s)?;
            let start = be16(sub, starts + 2 * s)?;
            let delta = be16(sub, deltas + 2 * s)?;
            let range_offset = be16(sub, range_offsets + 2 * s)?;
            if start == 0xffff {
                continue;
            }
            for code in start..=end {
                let glyph = if range_offset == 0 {
                    code.wrapping_add(delta)
                } else {
                    let at = range_offsets
                        + 2 * s
                        + usize::from(range_offset)
                        + 2 * usize::from(code - start);
                    match be16(sub, at) {
                        Some(0) | None => 0,
                        Some(g) => g.wrapping_add(delta),
                    }
                };
                if glyph != 0
                    && let Some(c) = char::from_u32(u32::from(code))
                {
                    glyphs.insert(c, (glyph, advance(glyph)));
                }
            }
        }
        Some(Self {
            units_per_em,
            glyphs,
            notdef_advance: advance(0),
        })
    }

    fn glyph(&self, c: char) -> (u16, u16) {
        self.glyphs
            .get(&c)
            .copied()
            .unwrap_or((0, self.notdef_advance))
    }

    /// The width of `text` set at `size` points.
    fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text.chars().map(|c| u32::from(self.glyph(c).1)).sum();
        units as f32 * size / self.units_per_em
    }

    /// `text` as positioned glyphs, each carrying its characters (for copy and paste).
    fn glyphs(&self, text: &str) -> Vec<KrillaGlyph> {
        text.char_indices()
            .map(|(i, c)| {
                let (glyph, advance) = self.glyph(c);
                KrillaGlyph::new(
                    GlyphId::new(u32::from(glyph)),
                    f32::from(advance) / self.units_per_em,
                    0.0,
                    0.0,
                    0.0,
                    i..i + c.len_utf8(),
                    None,
                )
            })
            .collect()
    }
}

fn be16(data: &[u8], at: usize) -> Option<u16> {
    let b = data.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([b[0], b[1]]))
}

fn be32(data: &[u8], at: usize) -> Option<u32> {
    let b = data.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// The metrics of the four faces, parsed once per process.
fn metrics() -> Result<&'static [Metrics; 4], ReportError> {
    static METRICS: OnceLock<Option<[Metrics; 4]>> = OnceLock::new();
    METRICS
        .get_or_init(|| {
            let [a, b, c, d] = Face::ALL.map(|f| Metrics::parse(f.bytes()));
            Some([a?, b?, c?, d?])
        })
        .as_ref()
        .ok_or_else(|| ReportError::Font("the compiled-in DejaVu fonts cannot be read".into()))
}

struct Fonts {
    metrics: &'static [Metrics; 4],
    fonts: [Font; 4],
}

impl Fonts {
    fn load() -> Result<Self, ReportError> {
        let metrics = metrics()?;
        let [a, b, c, d] = Face::ALL.map(|f| Font::new(f.bytes().into(), 0));
        match (a, b, c, d) {
            (Some(a), Some(b), Some(c), Some(d)) => Ok(Self {
                metrics,
                fonts: [a, b, c, d],
            }),
            _ => Err(ReportError::Font(
                "krilla cannot read the compiled-in DejaVu fonts".into(),
            )),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Layout: the report as pages of positioned drawing operations

#[derive(Debug, Clone)]
enum Op {
    /// A line of text; `y` is its baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        face: Face,
        color: Rgb,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Rgb,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        color: Rgb,
    },
    /// A chart (`figure` indexes [`Report::figures`]) scaled into this box.
    Chart {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        figure: usize,
    },
}

/// A section's entry in the PDF outline (bookmarks).
#[derive(Debug, Clone)]
struct Bookmark {
    title: String,
    page: usize,
    y: f32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Right,
}

/// A table column: its header, and whether it takes the width left by the others (and wraps).
#[derive(Debug, Clone)]
struct Column {
    header: String,
    align: Align,
    flex: bool,
}

impl Column {
    fn left(header: &str) -> Self {
        Self {
            header: header.to_owned(),
            align: Align::Left,
            flex: false,
        }
    }
    fn flex(header: &str) -> Self {
        Self {
            flex: true,
            ..Self::left(header)
        }
    }
    fn num(header: &str) -> Self {
        Self {
            align: Align::Right,
            ..Self::left(header)
        }
    }
}

/// A table cell: its text, and an optional second line in small muted type.
#[derive(Debug, Clone, Default)]
struct Cell {
    text: String,
    sub: String,
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            sub: String::new(),
        }
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Self {
            text,
            sub: String::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowStyle {
    Normal,
    /// A heading row spanning the whole table (the first cell's text).
    Group,
    /// A cross-state rule row, tinted.
    Rule,
    /// The total under a table, bold.
    Total,
}

#[derive(Debug, Clone)]
struct Row {
    style: RowStyle,
    cells: Vec<Cell>,
}

/// A cell's lines: its text, then its muted second line, wrapped.
type CellLines = (Vec<String>, Vec<String>);
/// A row's height and its cells' lines.
type LaidRow = (f32, Vec<CellLines>);

struct Layout<'a> {
    metrics: &'a [Metrics; 4],
    pages: Vec<Vec<Op>>,
    y: f32,
    bookmarks: Vec<Bookmark>,
    /// The width of the table being laid out.
    table_width: f32,
}

impl<'a> Layout<'a> {
    fn new(metrics: &'a [Metrics; 4]) -> Self {
        Self {
            metrics,
            pages: vec![Vec::new()],
            y: TOP,
            bookmarks: Vec::new(),
            table_width: WIDTH,
        }
    }

    fn width(&self, face: Face, text: &str, size: f32) -> f32 {
        self.metrics[face.index()].width(text, size)
    }

    fn push(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Starts a new page unless `height` more fits on this one.
    fn room(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > TOP {
            self.new_page();
        }
    }

    fn text(&mut self, x: f32, y: f32, size: f32, face: Face, color: Rgb, text: &str) {
        if !text.is_empty() {
            self.push(Op::Text {
                x,
                y,
                size,
                face,
                color,
                text: text.to_owned(),
            });
        }
    }

    /// `text` broken into lines no wider than `width` (at spaces; inside a word only when the
    /// word alone is too wide).
    fn wrap(&self, text: &str, face: Face, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for word in paragraph.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_owned()
                } else {
                    format!("{line} {word}")
                };
                // A hair of tolerance: a column is exactly as wide as its widest word.
                if self.width(face, &candidate, size) <= width + 0.01 || line.is_empty() {
                    line = candidate;
                } else {
                    lines.push(std::mem::take(&mut line));
                    line = word.to_owned();
                }
                // A single word wider than the line: break it where it overflows.
                while self.width(face, &line, size) > width + 0.01 && line.chars().count() > 1 {
                    let mut head = String::new();
                    for c in line.chars() {
                        head.push(c);
                        if self.width(face, &head, size) > width + 0.01 {
                            head.pop();
                            break;
                        }
                    }
                    if head.is_empty() {
                        break;
                    }
                    let rest = line[head.len()..].to_owned();
                    lines.push(head);
                    line = rest;
                }
            }
            lines.push(line);
        }
        lines
    }

    /// A wrapped paragraph at the left margin (indented by `indent`), half a line below it.
    fn paragraph(&mut self, text: &str, face: Face, size: f32, color: Rgb, indent: f32) {
        let leading = size * BODY_LEADING / BODY;
        for line in self.wrap(text, face, size, WIDTH - indent) {
            self.room(leading);
            self.text(LEFT + indent, self.y + size, size, face, color, &line);
            self.y += leading;
        }
        self.y += size * 0.5;
    }

    /// A horizontal rule across the text width, or across the current table.
    fn rule(&mut self, y: f32, width: f32, color: Rgb) {
        self.push(Op::Line {
            x1: LEFT,
            y1: y,
            x2: LEFT + self.table_width,
            y2: y,
            width,
            color,
        });
    }

    /// A section heading ("3  Member states compared"), on a new page when `new_page`, else
    /// kept with at least 120 points of what follows.
    fn heading(&mut self, number: usize, title: &str, new_page: bool) {
        if new_page {
            if self.y > TOP {
                self.new_page();
            }
        } else {
            self.y += 14.0;
            self.room(150.0);
        }
        self.bookmarks.push(Bookmark {
            title: format!("{number}  {title}"),
            page: self.pages.len() - 1,
            y: self.y,
        });
        self.push(Op::Rect {
            x: LEFT,
            y: self.y,
            w: WIDTH,
            h: 2.2,
            color: ACCENT,
        });
        let size = 15.0;
        let baseline = self.y + 8.0 + size;
        let n = number.to_string();
        self.text(LEFT, baseline, size, Face::Regular, MUTED, &n);
        let x = LEFT + self.width(Face::Regular, &n, size) + 9.0;
        self.text(x, baseline, size, Face::Bold, ACCENT, title);
        self.y = baseline + 12.0;
    }

    /// A smaller heading inside a section.
    fn subheading(&mut self, title: &str) {
        self.y += 6.0;
        self.room(120.0);
        let size = 11.0;
        self.text(LEFT, self.y + size, size, Face::Bold, INK, title);
        self.y += size + 8.0;
    }

    /// A chart scaled to the text width (at most `max_h` high), with its caption below.
    fn figure(&mut self, index: usize, figure: &Figure) -> Result<(), ReportError> {
        let geometry = ChartGeometry::of(&figure.svg).ok_or_else(|| ReportError::Chart {
            chart: figure.name.clone(),
            message: "the SVG has no usable width, height or viewBox".into(),
        })?;
        let max_h = 330.0;
        let mut w = WIDTH;
        let mut h = w * geometry.height / geometry.width;
        if h > max_h {
            h = max_h;
            w = h * geometry.width / geometry.height;
        }
        let caption = self.wrap(&figure.caption, Face::Regular, 7.8, WIDTH);
        let caption_h = caption.len() as f32 * 10.5 + 8.0;
        self.room(h + caption_h + 10.0);
        self.y += 4.0;
        self.push(Op::Chart {
            x: LEFT + (WIDTH - w) / 2.0,
            y: self.y,
            w,
            h,
            figure: index,
        });
        self.y += h + 5.0;
        self.push(Op::Line {
            x1: LEFT,
            y1: self.y,
            x2: RIGHT,
            y2: self.y,
            width: 0.5,
            color: FAINT,
        });
        self.y += 3.0;
        for line in &caption {
            self.text(LEFT, self.y + 7.8, 7.8, Face::Regular, MUTED, line);
            self.y += 10.5;
        }
        self.y += 12.0;
        Ok(())
    }

    /// A table: a bold caption, a header repeated on every page it runs over, wrapped cells.
    fn table(&mut self, caption: &str, columns: &[Column], rows: &[Row]) {
        let widths = self.column_widths(columns, rows);
        self.table_width = widths.iter().sum::<f32>().min(WIDTH);
        let header_lines: Vec<Vec<String>> = columns
            .iter()
            .zip(&widths)
            .map(|(c, w)| self.wrap(&c.header, Face::Narrow, HEADER, w - 2.0 * CELL_PAD_X))
            .collect();
        let header_h = header_lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * HEADER_LEADING
            + 2.0 * CELL_PAD_Y
            + 1.0;

        let laid: Vec<LaidRow> = rows
            .iter()
            .map(|row| self.lay_row(row, columns, &widths))
            .collect();
        let first_h = laid.first().map_or(0.0, |(h, _)| *h);
        let caption_size = 8.8;
        self.room(caption_size + 6.0 + header_h + first_h);
        self.text(
            LEFT,
            self.y + caption_size,
            caption_size,
            Face::Bold,
            INK,
            caption,
        );
        self.y += caption_size + 6.0;
        self.table_header(columns, &widths, &header_lines, header_h);

        for (row, (h, cells)) in rows.iter().zip(&laid) {
            if self.y + h > BOTTOM {
                self.new_page();
                self.text(
                    LEFT,
                    self.y + TABLE,
                    TABLE,
                    Face::Narrow,
                    MUTED,
                    &format!("{caption} (continued)"),
                );
                self.y += TABLE + 6.0;
                self.table_header(columns, &widths, &header_lines, header_h);
            }
            self.table_row(row, columns, &widths, *h, cells);
        }
        self.table_width = WIDTH;
        self.y += 14.0;
    }

    /// Each column as wide as its widest cell and its header on one line; where that leaves
    /// the flexible column less than [`MIN_FLEX`], headers wrap at their words instead.
    fn column_widths(&self, columns: &[Column], rows: &[Row]) -> Vec<f32> {
        let natural = |one_line_headers: bool| -> Vec<f32> {
            columns
                .iter()
                .enumerate()
                .map(|(i, column)| {
                    if column.flex {
                        return 0.0;
                    }
                    let header = if one_line_headers {
                        self.width(Face::Narrow, &column.header, HEADER)
                    } else {
                        column
                            .header
                            .split_whitespace()
                            .map(|w| self.width(Face::Narrow, w, HEADER))
                            .fold(0.0, f32::max)
                    };
                    let cells = rows
                        .iter()
                        .filter(|r| r.style != RowStyle::Group)
                        .filter_map(|r| r.cells.get(i))
                        .map(|c| {
                            self.width(Face::NarrowBold, &c.text, TABLE).max(self.width(
                                Face::Narrow,
                                &c.sub,
                                TABLE * 0.88,
                            ))
                        })
                        .fold(0.0, f32::max);
                    header.max(cells) + 2.0 * CELL_PAD_X
                })
                .collect()
        };
        let flex = columns.iter().filter(|c| c.flex).count();
        let mut widths = natural(true);
        if widths.iter().sum::<f32>() + MIN_FLEX * flex as f32 > WIDTH {
            widths = natural(false);
        }
        // A table without a flexible column keeps its natural width.
        let spare = (WIDTH - widths.iter().sum::<f32>()).max(0.0);
        if flex > 0 {
            for (w, c) in widths.iter_mut().zip(columns) {
                if c.flex {
                    *w = spare / flex as f32;
                }
            }
        }
        widths
    }

    /// A row's height and each cell's lines (text lines, sub lines).
    fn lay_row(&self, row: &Row, columns: &[Column], widths: &[f32]) -> LaidRow {
        if row.style == RowStyle::Group {
            let text = row.cells.first().map(|c| c.text.as_str()).unwrap_or("");
            let lines = self.wrap(text, Face::NarrowBold, TABLE, WIDTH - 2.0 * CELL_PAD_X);
            let h = lines.len() as f32 * TABLE_LEADING + 2.0 * CELL_PAD_Y + 2.0;
            return (h, vec![(lines, Vec::new())]);
        }
        let face = if row.style == RowStyle::Total {
            Face::NarrowBold
        } else {
            Face::Narrow
        };
        let cells: Vec<CellLines> = row
            .cells
            .iter()
            .zip(columns.iter().zip(widths))
            .map(|(cell, (column, w))| {
                let inner = w - 2.0 * CELL_PAD_X;
                let text = if column.flex {
                    self.wrap(&cell.text, face, TABLE, inner)
                } else {
                    vec![cell.text.clone()]
                };
                let sub = if cell.sub.is_empty() {
                    Vec::new()
                } else {
                    self.wrap(&cell.sub, Face::Narrow, TABLE * 0.88, inner)
                };
                (text, sub)
            })
            .collect();
        let lines = cells
            .iter()
            .map(|(t, s)| t.len() as f32 * TABLE_LEADING + s.len() as f32 * TABLE_LEADING * 0.9)
            .fold(TABLE_LEADING, f32::max);
        (lines + 2.0 * CELL_PAD_Y, cells)
    }

    fn table_header(
        &mut self,
        columns: &[Column],
        widths: &[f32],
        lines: &[Vec<String>],
        height: f32,
    ) {
        let rows = lines.iter().map(Vec::len).max().unwrap_or(1);
        let mut x = LEFT;
        for ((column, w), lines) in columns.iter().zip(widths).zip(lines) {
            // Bottom-aligned, like a printed table's header.
            let first = self.y + CELL_PAD_Y + (rows - lines.len()) as f32 * HEADER_LEADING;
            for (i, line) in lines.iter().enumerate() {
                let lw = self.width(Face::Narrow, line, HEADER);
                let lx = match column.align {
                    Align::Left => x + CELL_PAD_X,
                    Align::Right => x + w - CELL_PAD_X - lw,
                };
                let baseline = first + i as f32 * HEADER_LEADING + HEADER;
                self.text(lx, baseline, HEADER, Face::Narrow, MUTED, line);
            }
            x += w;
        }
        self.y += height;
        self.rule(self.y, 0.9, INK);
        self.y += 0.5;
    }

    fn table_row(
        &mut self,
        row: &Row,
        columns: &[Column],
        widths: &[f32],
        height: f32,
        cells: &[CellLines],
    ) {
        let top = self.y;
        match row.style {
            RowStyle::Group => {
                self.push(Op::Rect {
                    x: LEFT,
                    y: top,
                    w: self.table_width,
                    h: height,
                    color: FAINT,
                });
            }
            RowStyle::Rule => {
                self.push(Op::Rect {
                    x: LEFT,
                    y: top,
                    w: self.table_width,
                    h: height,
                    color: TINT,
                });
            }
            RowStyle::Total => self.rule(top, 0.9, INK),
            RowStyle::Normal => {}
        }
        if row.style == RowStyle::Group {
            if let Some((lines, _)) = cells.first() {
                for (i, line) in lines.iter().enumerate() {
                    let baseline = top + CELL_PAD_Y + 1.0 + i as f32 * TABLE_LEADING + TABLE;
                    self.text(
                        LEFT + CELL_PAD_X,
                        baseline,
                        TABLE,
                        Face::NarrowBold,
                        INK,
                        line,
                    );
                }
            }
        } else {
            let mut x = LEFT;
            for (i, ((column, w), (lines, sub))) in
                columns.iter().zip(widths).zip(cells).enumerate()
            {
                // The first column (a code) and the total row are bold.
                let face = if i == 0 || row.style == RowStyle::Total {
                    Face::NarrowBold
                } else {
                    Face::Narrow
                };
                let mut baseline = top + CELL_PAD_Y + TABLE;
                for line in lines {
                    let lw = self.width(face, line, TABLE);
                    let lx = match column.align {
                        Align::Left => x + CELL_PAD_X,
                        Align::Right => x + w - CELL_PAD_X - lw,
                    };
                    self.text(lx, baseline, TABLE, face, INK, line);
                    baseline += TABLE_LEADING;
                }
                for line in sub {
                    let size = TABLE * 0.88;
                    baseline -= TABLE_LEADING * 0.1;
                    self.text(x + CELL_PAD_X, baseline, size, Face::Narrow, MUTED, line);
                    baseline += TABLE_LEADING * 0.9;
                }
                x += w;
            }
        }
        self.y = top + height;
        if row.style != RowStyle::Group {
            self.rule(self.y, 0.4, RULE);
        }
    }

    // -----------------------------------------------------------------------------------------
    // The report's content

    fn report(&mut self, r: &Report) -> Result<(), ReportError> {
        self.cover(r);
        for section in &r.sections {
            self.heading(section.number, &section.title, section.new_page);
            match section.id {
                "summary" => self.summary(r),
                "top" => {
                    self.intro(&format!(
                        "Regional (ASEAN) figures for the strategic measures under each {}.",
                        r.top_level.to_lowercase()
                    ));
                    self.place_figure(r, "top")?;
                    let mut rows: Vec<Row> = r.top.iter().map(node_row).collect();
                    rows.push(node_row(&r.overall));
                    self.table(
                        &format!(
                            "Strategic measures by {} (rule: regional)",
                            r.top_level.to_lowercase()
                        ),
                        &node_columns(&r.top_level),
                        &rows,
                    );
                }
                "second" => {
                    self.intro(&format!(
                        "Regional (ASEAN) figures for each {}, grouped under its {}.",
                        r.second_level.to_lowercase(),
                        r.top_level.to_lowercase()
                    ));
                    let mut rows = Vec::new();
                    for group in &r.groups {
                        let heading = if group.title.is_empty() {
                            group.code.clone()
                        } else {
                            format!("{} · {}", group.code, group.title)
                        };
                        rows.push(Row {
                            style: RowStyle::Group,
                            cells: vec![heading.into()],
                        });
                        rows.extend(group.rows.iter().map(node_row));
                    }
                    self.table(
                        &format!(
                            "Strategic measures by {} (rule: regional)",
                            r.second_level.to_lowercase()
                        ),
                        &node_columns(&r.second_level),
                        &rows,
                    );
                }
                "states" => {
                    self.intro(
                        "Each participating member state's own figures (rule: scope), then the \
                         cross-state figures under each rule, and the regional status beside \
                         them, never mixed in.",
                    );
                    self.place_figure(r, "comparison")?;
                    let rows: Vec<Row> = r.comparison.iter().map(comparison_row).collect();
                    self.table(
                        "Member states and cross-state rules",
                        &comparison_columns(),
                        &rows,
                    );
                    if r.figures.iter().any(|f| f.place == "heatmap") {
                        self.subheading(&format!(
                            "Completion by member state and {}",
                            r.top_level.to_lowercase()
                        ));
                        self.intro(&r.heat_intro);
                        self.place_figure(r, "heatmap")?;
                    }
                }
                "distribution" => {
                    self.intro(&format!(
                        "How the {} strategic measures stand regionally (ASEAN) as of {}.",
                        r.distribution_total, r.as_of
                    ));
                    self.place_figure(r, "distribution")?;
                    let mut rows: Vec<Row> = r
                        .distribution
                        .iter()
                        .map(|d| Row {
                            style: RowStyle::Normal,
                            cells: vec![
                                d.status.into(),
                                d.measures.clone().into(),
                                d.share.clone().into(),
                            ],
                        })
                        .collect();
                    rows.push(Row {
                        style: RowStyle::Total,
                        cells: vec![
                            "All measures".into(),
                            r.distribution_total.clone().into(),
                            r.distribution_total_share.clone().into(),
                        ],
                    });
                    self.table(
                        "Regional status of the strategic measures (rule: regional)",
                        &[
                            Column::left("Status"),
                            Column::num("Measures"),
                            Column::num("Share of all measures"),
                        ],
                        &rows,
                    );
                }
                "timeline" => {
                    self.intro(&r.timeline_intro);
                    self.place_figure(r, "timeline")?;
                    let rows: Vec<Row> = r.timeline.iter().map(node_row_without_title).collect();
                    let mut columns = node_columns("");
                    columns.remove(1);
                    if let Some(first) = columns.first_mut() {
                        *first = Column::left("As of");
                    }
                    self.table(
                        "Regional figures by quarter (rule: regional)",
                        &columns,
                        &rows,
                    );
                }
                "not-started" => {
                    self.intro(&r.not_started_intro);
                    if r.not_started.is_empty() {
                        self.intro(&format!(
                            "No strategic measure is not started regionally as of {}.",
                            r.as_of
                        ));
                    } else {
                        let rows: Vec<Row> = r
                            .not_started
                            .iter()
                            .map(|m| Row {
                                style: RowStyle::Normal,
                                cells: vec![
                                    m.code.as_str().into(),
                                    m.title.as_str().into(),
                                    m.states.as_str().into(),
                                    m.last_report.as_str().into(),
                                ],
                            })
                            .collect();
                        self.table(
                            &format!("Measures not started regionally ({})", rows.len()),
                            &[
                                Column::left("Code"),
                                Column::flex("Strategic measure"),
                                Column::left("Not started in"),
                                Column::num("Latest report"),
                            ],
                            &rows,
                        );
                    }
                }
                "stale" => {
                    self.intro(&r.stale_intro);
                    if r.stale.is_empty() {
                        self.intro(&format!(
                            "Every strategic measure has a report effective in the 12 months \
                             up to {}.",
                            r.as_of
                        ));
                    } else {
                        let rows: Vec<Row> = r
                            .stale
                            .iter()
                            .map(|m| Row {
                                style: RowStyle::Normal,
                                cells: vec![
                                    m.code.as_str().into(),
                                    m.title.as_str().into(),
                                    m.regional.into(),
                                    m.last_report.as_str().into(),
                                ],
                            })
                            .collect();
                        self.table(
                            &format!(
                                "Measures without a report in the last 12 months ({})",
                                rows.len()
                            ),
                            &[
                                Column::left("Code"),
                                Column::flex("Strategic measure"),
                                Column::left("Regional status"),
                                Column::num("Latest report"),
                            ],
                            &rows,
                        );
                    }
                }
                "indicators" => self.paragraph(&r.indicators, Face::Regular, BODY, INK, 0.0),
                "methods" => self.methods(r),
                _ => {}
            }
        }
        Ok(())
    }

    fn intro(&mut self, text: &str) {
        self.paragraph(text, Face::Regular, BODY, MUTED, 0.0);
    }

    fn place_figure(&mut self, r: &Report, place: &str) -> Result<(), ReportError> {
        if let Some((i, figure)) = r.figures.iter().enumerate().find(|(_, f)| f.place == place) {
            self.figure(i, figure)?;
        }
        Ok(())
    }

    fn cover(&mut self, r: &Report) {
        self.push(Op::Rect {
            x: 0.0,
            y: 0.0,
            w: PAGE_W,
            h: 8.0,
            color: ACCENT,
        });
        self.y = 150.0;
        self.text(LEFT, self.y, 9.0, Face::Bold, ACCENT, "REVIEW REPORT");
        self.y += 16.0;
        for line in self.wrap(&r.title, Face::Bold, 24.0, WIDTH) {
            self.y += 29.0;
            self.text(LEFT, self.y, 24.0, Face::Bold, INK, &line);
        }
        self.y += 26.0;
        self.text(LEFT, self.y, 15.0, Face::Regular, MUTED, &r.subtitle);
        self.y += 40.0;

        let mut facts = vec![
            ("Framework", format!("{}, {}", r.code, r.period)),
            ("Levels", r.levels.clone()),
        ];
        if let Some(note) = &r.note {
            facts.push(("Note", note.clone()));
        }
        facts.push(("Figures as of", r.as_of.clone()));
        if let Some(known_at) = &r.known_at {
            facts.push((
                "As known at",
                format!("{known_at} (reports recorded later are left out)"),
            ));
        }
        facts.push(("Generated", r.generated.clone()));
        facts.push(("Data source", r.source.clone()));
        let label_w = 100.0;
        for (label, value) in facts {
            let lines = self.wrap(&value, Face::Regular, BODY, WIDTH - label_w);
            self.text(LEFT, self.y, 8.5, Face::Regular, MUTED, label);
            for line in lines {
                self.text(LEFT + label_w, self.y, BODY, Face::Regular, INK, &line);
                self.y += BODY_LEADING;
            }
            self.y += 3.0;
        }

        self.y = self.y.max(560.0);
        self.rule(self.y, 0.5, RULE);
        self.y += 20.0;
        self.text(LEFT, self.y, 8.5, Face::Bold, MUTED, "CONTENTS");
        self.y += 18.0;
        for s in &r.sections {
            self.text(
                LEFT,
                self.y,
                BODY,
                Face::Regular,
                MUTED,
                &s.number.to_string(),
            );
            self.text(LEFT + 20.0, self.y, BODY, Face::Regular, INK, &s.title);
            self.y += BODY_LEADING + 1.0;
        }
    }

    fn summary(&mut self, r: &Report) {
        let gap = 10.0;
        let n = r.headlines.len().max(1) as f32;
        let w = (WIDTH - gap * (n - 1.0)) / n;
        let detail_lines: Vec<Vec<String>> = r
            .headlines
            .iter()
            .map(|h| self.wrap(&h.detail, Face::Regular, 8.0, w - 16.0))
            .collect();
        let h = 62.0 + detail_lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * 10.5;
        self.room(h + 10.0);
        let top = self.y + 4.0;
        for (i, (headline, details)) in r.headlines.iter().zip(&detail_lines).enumerate() {
            let x = LEFT + i as f32 * (w + gap);
            self.push(Op::Rect {
                x,
                y: top,
                w,
                h,
                color: ACCENT_SOFT,
            });
            self.push(Op::Rect {
                x,
                y: top,
                w,
                h: 2.2,
                color: ACCENT,
            });
            self.text(
                x + 8.0,
                top + 17.0,
                7.5,
                Face::Bold,
                MUTED,
                &headline.label.to_uppercase(),
            );
            self.text(x + 8.0, top + 44.0, 22.0, Face::Bold, INK, &headline.value);
            let mut y = top + 59.0;
            for line in details {
                self.text(x + 8.0, y, 8.0, Face::Regular, INK, line);
                y += 10.5;
            }
        }
        self.y = top + h + 16.0;
        for p in &r.summary {
            self.paragraph(p, Face::Regular, BODY, INK, 0.0);
        }
    }

    fn methods(&mut self, r: &Report) {
        self.intro(
            "Every figure in this report is computed by the same rules as the service's API; \
             the counts beside each percentage let any figure be checked by hand.",
        );
        let term_w = 118.0;
        for d in &r.methods {
            let terms = self.wrap(&d.term, Face::Bold, 8.8, term_w - 10.0);
            let text = self.wrap(&d.text, Face::Regular, 8.8, WIDTH - term_w);
            let lines = terms.len().max(text.len());
            let leading = 12.4;
            self.room(lines as f32 * leading + 4.0);
            for (i, line) in terms.iter().enumerate() {
                let y = self.y + 8.8 + i as f32 * leading;
                self.text(LEFT, y, 8.8, Face::Bold, INK, line);
            }
            for (i, line) in text.iter().enumerate() {
                let y = self.y + 8.8 + i as f32 * leading;
                self.text(LEFT + term_w, y, 8.8, Face::Regular, INK, line);
            }
            self.y += lines as f32 * leading + 5.0;
        }
    }

    /// The running footer of every page but the cover: the report's name and "page n of N".
    fn footers(&mut self, colophon: &str) {
        let total = self.pages.len();
        let metrics = self.metrics;
        for (i, page) in self.pages.iter_mut().enumerate().skip(1) {
            let y = PAGE_H - 36.0;
            page.push(Op::Line {
                x1: LEFT,
                y1: y - 10.0,
                x2: RIGHT,
                y2: y - 10.0,
                width: 0.4,
                color: RULE,
            });
            let number = format!("Page {} of {}", i + 1, total);
            let size = 7.5;
            let nw = metrics[Face::Regular.index()].width(&number, size);
            // The colophon, shortened to leave room for the page number.
            let mut left = colophon.to_owned();
            while metrics[Face::Regular.index()].width(&left, size) > WIDTH - nw - 20.0 {
                left.pop();
                while left.ends_with(' ') {
                    left.pop();
                }
                if !left.ends_with('…') {
                    left.pop();
                    left.push('…');
                }
            }
            page.push(Op::Text {
                x: LEFT,
                y,
                size,
                face: Face::Regular,
                color: MUTED,
                text: left,
            });
            page.push(Op::Text {
                x: RIGHT - nw,
                y,
                size,
                face: Face::Regular,
                color: MUTED,
                text: number,
            });
        }
    }
}

fn node_columns(level: &str) -> Vec<Column> {
    vec![
        Column::left("Code"),
        Column::flex(if level.is_empty() { "Title" } else { level }),
        Column::num("Measures"),
        Column::num("Applicable"),
        Column::num("Completed"),
        Column::num("Ongoing"),
        Column::num("Not started"),
        Column::num("N/A"),
        Column::num("Completion"),
        Column::num("Implementation"),
        Column::num("Progress index"),
    ]
}

fn rate_cells(row: &RateRow) -> Vec<Cell> {
    let mut cells: Vec<Cell> = match &row.counts {
        Some(counts) => counts.iter().map(|n| n.as_str().into()).collect(),
        None => vec![Cell::default(); 6],
    };
    cells.extend([
        row.completion.as_str().into(),
        row.implementation.as_str().into(),
        row.progress.as_str().into(),
    ]);
    cells
}

fn style_of(kind: RowKind) -> RowStyle {
    match kind {
        RowKind::Item => RowStyle::Normal,
        RowKind::Rule => RowStyle::Rule,
        RowKind::Total => RowStyle::Total,
    }
}

fn node_row(row: &RateRow) -> Row {
    let mut cells = vec![row.code.as_str().into(), row.label.as_str().into()];
    cells.extend(rate_cells(row));
    Row {
        style: style_of(row.kind),
        cells,
    }
}

fn node_row_without_title(row: &RateRow) -> Row {
    let mut cells = vec![row.code.as_str().into()];
    cells.extend(rate_cells(row));
    Row {
        style: style_of(row.kind),
        cells,
    }
}

fn comparison_columns() -> Vec<Column> {
    let mut columns = node_columns("");
    columns.remove(1);
    columns[0] = Column::flex("Member state or rule");
    columns
}

/// The scope or rule in bold, with what it is and the rule that produced it below.
fn comparison_row(row: &RateRow) -> Row {
    let mut sub = format!("{} · rule: {}", row.label, row.rule);
    if row.counts.is_none() {
        sub = format!("{sub} ({})", row.note);
    }
    let mut cells = vec![Cell {
        text: row.code.clone(),
        sub,
    }];
    cells.extend(rate_cells(row));
    Row {
        style: style_of(row.kind),
        cells,
    }
}

// ---------------------------------------------------------------------------------------------
// Charts: the SVG's size, and its text drawn by us

/// The size an SVG declares, and how its user units map onto it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct ChartGeometry {
    width: f32,
    height: f32,
    /// viewBox: min-x, min-y, width, height.
    view: [f32; 4],
}

impl ChartGeometry {
    fn of(svg: &str) -> Option<Self> {
        let (_, root) = tags(svg).find(|(name, _)| *name == "svg")?;
        let attrs = attributes(root);
        let get = |name: &str| attrs.iter().find(|(k, _)| *k == name).map(|(_, v)| v);
        let view = get("viewBox").and_then(|v| {
            let n: Vec<f32> = numbers(v);
            (n.len() == 4 && n[2] > 0.0 && n[3] > 0.0).then(|| [n[0], n[1], n[2], n[3]])
        });
        let length = |name: &str| get(name).and_then(|v| length(v)).filter(|l| *l > 0.0);
        let (width, height) = match (length("width"), length("height"), view) {
            (Some(w), Some(h), _) => (w, h),
            (_, _, Some(v)) => (v[2], v[3]),
            _ => return None,
        };
        Some(Self {
            width,
            height,
            view: view.unwrap_or([0.0, 0.0, width, height]),
        })
    }
}

/// A 2-D affine transform `[a, b, c, d, e, f]` (SVG's matrix order).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Affine([f32; 6]);

impl Affine {
    const IDENTITY: Affine = Affine([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    /// `self` then `other` applied in `other`'s coordinate system (`self × other`).
    fn then(self, other: Affine) -> Affine {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = other.0;
        Affine([
            a * a2 + c * b2,
            b * a2 + d * b2,
            a * c2 + c * d2,
            b * c2 + d * d2,
            a * e2 + c * f2 + e,
            b * e2 + d * f2 + f,
        ])
    }

    fn translate(x: f32, y: f32) -> Affine {
        Affine([1.0, 0.0, 0.0, 1.0, x, y])
    }

    fn scale(x: f32, y: f32) -> Affine {
        Affine([x, 0.0, 0.0, y, 0.0, 0.0])
    }

    fn rotate(degrees: f32) -> Affine {
        let (s, c) = degrees.to_radians().sin_cos();
        Affine([c, s, -s, c, 0.0, 0.0])
    }

    /// An SVG `transform` attribute (`translate`, `scale`, `rotate`, `matrix`; others are
    /// ignored).
    fn parse(value: &str) -> Affine {
        let mut result = Affine::IDENTITY;
        for part in value.split(')') {
            let Some((name, args)) = part.split_once('(') else {
                continue;
            };
            let n = numbers(args);
            let at = |i: usize, default: f32| n.get(i).copied().unwrap_or(default);
            let t = match name.trim().trim_start_matches(',').trim() {
                "translate" => Affine::translate(at(0, 0.0), at(1, 0.0)),
                "scale" => Affine::scale(at(0, 1.0), at(1, at(0, 1.0))),
                "rotate" => {
                    let (cx, cy) = (at(1, 0.0), at(2, 0.0));
                    Affine::translate(cx, cy)
                        .then(Affine::rotate(at(0, 0.0)))
                        .then(Affine::translate(-cx, -cy))
                }
                "matrix" if n.len() == 6 => Affine([n[0], n[1], n[2], n[3], n[4], n[5]]),
                _ => Affine::IDENTITY,
            };
            result = result.then(t);
        }
        result
    }

    fn to_krilla(self) -> Transform {
        let [a, b, c, d, e, f] = self.0;
        Transform::from_row(a, b, c, d, e, f)
    }
}

/// One `<text>` element of a chart, in the chart's user units.
#[derive(Debug, Clone, PartialEq)]
struct ChartText {
    text: String,
    /// Where the baseline starts, after `text-anchor` and `dy`, in the element's coordinates.
    x: f32,
    y: f32,
    size: f32,
    bold: bool,
    color: Rgb,
    opacity: f32,
    anchor: Anchor,
    /// The element's transform and its groups', from user units.
    transform: Affine,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Anchor {
    Start,
    Middle,
    End,
}

/// Every `<text>` of an SVG, with what it needs to be drawn.
fn chart_texts(svg: &str) -> Vec<ChartText> {
    let mut out = Vec::new();
    // The transforms of the open `<g>` elements.
    let mut groups: Vec<(Affine, Vec<(String, String)>)> = Vec::new();
    let mut rest = svg;
    while let Some(open) = rest.find('<') {
        rest = &rest[open..];
        let Some(close) = rest.find('>') else { break };
        let tag = &rest[1..close];
        let after = &rest[close + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            if name.trim() == "g" {
                groups.pop();
            }
            rest = after;
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let name = tag.split_whitespace().next().unwrap_or("");
        match name {
            "g" if !self_closing => {
                let attrs: Vec<(String, String)> = attributes(tag)
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect();
                let t = attrs
                    .iter()
                    .find(|(k, _)| k == "transform")
                    .map_or(Affine::IDENTITY, |(_, v)| Affine::parse(v));
                let parent = groups.last().map_or(Affine::IDENTITY, |(t, _)| *t);
                groups.push((parent.then(t), attrs));
                rest = after;
            }
            "text" if !self_closing => {
                let end = after.find("</text>").unwrap_or(after.len());
                let content = decode(&strip_tags(&after[..end]));
                let mut attrs: Vec<(String, String)> = Vec::new();
                // Inherited presentation attributes first, the element's own last.
                for (_, inherited) in &groups {
                    attrs.extend(inherited.iter().filter(|(k, _)| k != "transform").cloned());
                }
                attrs.extend(attributes(tag).into_iter().map(|(k, v)| (k.to_owned(), v)));
                let parent = groups.last().map_or(Affine::IDENTITY, |(t, _)| *t);
                if let Some(t) = chart_text(content.trim(), &attrs, parent) {
                    out.push(t);
                }
                rest = &after[end..];
            }
            _ => rest = after,
        }
    }
    out
}

fn chart_text(content: &str, attrs: &[(String, String)], parent: Affine) -> Option<ChartText> {
    if content.is_empty() {
        return None;
    }
    // The last value wins: the element's own after its groups', `style` after attributes.
    let mut props: HashMap<&str, String> = HashMap::new();
    for (k, v) in attrs {
        if k == "style" {
            for decl in v.split(';') {
                if let Some((pk, pv)) = decl.split_once(':') {
                    let key = match pk.trim() {
                        "font-size" => "font-size",
                        "font-weight" => "font-weight",
                        "fill" => "fill",
                        "opacity" => "opacity",
                        "fill-opacity" => "fill-opacity",
                        "text-anchor" => "text-anchor",
                        "dominant-baseline" => "dominant-baseline",
                        _ => continue,
                    };
                    props.insert(key, pv.trim().to_owned());
                }
            }
        } else if k != "transform" {
            props.insert(k.as_str(), v.clone());
        }
    }
    let own_transform = attrs
        .iter()
        .rev()
        .find(|(k, _)| k == "transform")
        .map_or(Affine::IDENTITY, |(_, v)| Affine::parse(v));
    let number = |key: &str| props.get(key).and_then(|v| length(v));
    let size = number("font-size").unwrap_or(12.0);
    let em = |v: &str| -> f32 {
        let v = v.trim();
        if let Some(n) = v.strip_suffix("em") {
            n.trim().parse::<f32>().unwrap_or(0.0) * size
        } else if let Some(n) = v.strip_suffix("ex") {
            n.trim().parse::<f32>().unwrap_or(0.0) * size * 0.5
        } else {
            length(v).unwrap_or(0.0)
        }
    };
    let x = props.get("x").map_or(0.0, |v| em(first_of_list(v)));
    let mut y = props.get("y").map_or(0.0, |v| em(first_of_list(v)));
    y += props.get("dy").map_or(0.0, |v| em(first_of_list(v)));
    y += match props.get("dominant-baseline").map(String::as_str) {
        Some("middle") => size * 0.3,
        Some("central") => size * 0.35,
        Some("hanging" | "text-before-edge") => size * 0.76,
        Some("text-after-edge" | "ideographic") => -size * 0.24,
        _ => 0.0,
    };
    let anchor = match props.get("text-anchor").map(String::as_str) {
        Some("middle") => Anchor::Middle,
        Some("end") => Anchor::End,
        _ => Anchor::Start,
    };
    let bold = props
        .get("font-weight")
        .is_some_and(|w| w == "bold" || w == "bolder" || w.parse::<u16>().is_ok_and(|n| n >= 600));
    let fill = props.get("fill").map_or("#000", String::as_str);
    let color = colour(fill)?;
    let opacity = number("opacity").unwrap_or(1.0) * number("fill-opacity").unwrap_or(1.0);
    if opacity <= 0.0 {
        return None;
    }
    Some(ChartText {
        text: content.split_whitespace().collect::<Vec<_>>().join(" "),
        x,
        y,
        size,
        bold,
        color,
        opacity: opacity.min(1.0),
        anchor,
        transform: parent.then(own_transform),
    })
}

fn first_of_list(v: &str) -> &str {
    v.split([' ', ',']).find(|s| !s.is_empty()).unwrap_or("0")
}

/// `#rgb`, `#rrggbb`, `rgb(r, g, b)` or a few names; `None` for `none` (nothing to draw).
fn colour(value: &str) -> Option<Rgb> {
    let v = value.trim();
    if let Some(hex) = v.strip_prefix('#') {
        let digit = |i: usize| u8::from_str_radix(hex.get(i..i + 1)?, 16).ok();
        let pair = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
        return match hex.len() {
            3 => Some(Rgb(digit(0)? * 17, digit(1)? * 17, digit(2)? * 17)),
            6 => Some(Rgb(pair(0)?, pair(2)?, pair(4)?)),
            _ => Some(Rgb(0, 0, 0)),
        };
    }
    if let Some(args) = v.strip_prefix("rgb(").and_then(|a| a.strip_suffix(')')) {
        let n = numbers(args);
        let c = |i: usize| n.get(i).map_or(0, |x| x.clamp(0.0, 255.0).round() as u8);
        return Some(Rgb(c(0), c(1), c(2)));
    }
    match v {
        "none" | "transparent" => None,
        "white" => Some(Rgb(255, 255, 255)),
        "gray" | "grey" => Some(Rgb(128, 128, 128)),
        "red" => Some(Rgb(255, 0, 0)),
        "green" => Some(Rgb(0, 128, 0)),
        "blue" => Some(Rgb(0, 0, 255)),
        _ => Some(Rgb(0, 0, 0)),
    }
}

/// The opening tags of an XML text: (name, the tag's text without `<` and `>`).
fn tags(xml: &str) -> impl Iterator<Item = (&str, &str)> {
    xml.split('<').skip(1).filter_map(|chunk| {
        let tag = chunk.split('>').next()?;
        if tag.starts_with(['/', '!', '?']) {
            return None;
        }
        let name = tag.split_whitespace().next()?.trim_end_matches('/');
        Some((name, tag))
    })
}

/// The attributes of a tag (`name="value"` or `name='value'`), values with entities decoded.
fn attributes(tag: &str) -> Vec<(&str, String)> {
    let mut out = Vec::new();
    let mut rest = tag.split_once(char::is_whitespace).map_or("", |(_, r)| r);
    while let Some(eq) = rest.find('=') {
        let name = rest[..eq].trim();
        let value = rest[eq + 1..].trim_start();
        let Some(quote) = value.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            break;
        };
        let value = &value[1..];
        let Some(end) = value.find(quote) else { break };
        out.push((name, decode(&value[..end])));
        rest = &value[end + 1..];
    }
    out
}

fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut inside = false;
    for c in s.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

/// XML's predefined entities and numeric character references.
fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let Some(semi) = after.find(';').filter(|i| *i <= 10) else {
            out.push('&');
            rest = &after[1..];
            continue;
        };
        let entity = &after[1..semi];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The numbers in a list (`"0 0 800 450"`, `"90, 10, 20"`).
fn numbers(s: &str) -> Vec<f32> {
    s.split([' ', ',', '\t', '\n'])
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect()
}

/// A length in user units (`"12"`, `"12px"`, `"12pt"`); `None` for percentages and the like.
fn length(s: &str) -> Option<f32> {
    let s = s.trim();
    if let Some(n) = s.strip_suffix("px") {
        n.trim().parse().ok()
    } else if let Some(n) = s.strip_suffix("pt") {
        n.trim().parse::<f32>().ok().map(|v| v * 4.0 / 3.0)
    } else {
        s.parse().ok()
    }
}

// ---------------------------------------------------------------------------------------------
// Drawing with krilla

fn draw(report: &Report, mut layout: Layout<'_>, fonts: &Fonts) -> Result<Vec<u8>, ReportError> {
    layout.footers(&format!("{} · {}", report.title, report.subtitle));
    let mut document = Document::new();
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| ReportError::Pdf("A4 is not a valid page size".into()))?;
    for ops in &layout.pages {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in ops {
            draw_op(&mut surface, op, report, fonts)?;
        }
        surface.finish();
        page.finish();
    }

    let mut outline = Outline::new();
    for b in &layout.bookmarks {
        outline.push_child(OutlineNode::new(
            b.title.clone(),
            XyzDestination::new(b.page, Point::from_xy(LEFT, b.y)),
        ));
    }
    document.set_outline(outline);
    document.set_metadata(
        Metadata::new()
            .title(format!("{} — {}", report.title, report.subtitle))
            .description(format!(
                "Review report of {} as of {}. Data source: {}.",
                report.code,
                report.as_of,
                report.source.trim_end_matches('.')
            ))
            .language("en".to_owned())
            .creator("blueprint-tracker".to_owned()),
    );
    document
        .finish()
        .map_err(|e| ReportError::Pdf(format!("{e:?}")))
}

fn fill(color: Rgb, opacity: f32) -> Fill {
    Fill {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        opacity: NormalizedF32::new(opacity.clamp(0.0, 1.0)).unwrap_or(NormalizedF32::ONE),
        rule: Default::default(),
    }
}

fn draw_text(
    surface: &mut Surface<'_>,
    fonts: &Fonts,
    face: Face,
    at: Point,
    size: f32,
    text: &str,
) {
    let glyphs = fonts.metrics[face.index()].glyphs(text);
    surface.draw_glyphs(
        at,
        &glyphs,
        fonts.fonts[face.index()].clone(),
        text,
        size,
        false,
    );
}

fn draw_op(
    surface: &mut Surface<'_>,
    op: &Op,
    report: &Report,
    fonts: &Fonts,
) -> Result<(), ReportError> {
    match op {
        Op::Text {
            x,
            y,
            size,
            face,
            color,
            text,
        } => {
            surface.set_stroke(None);
            surface.set_fill(Some(fill(*color, 1.0)));
            draw_text(surface, fonts, *face, Point::from_xy(*x, *y), *size, text);
        }
        Op::Rect { x, y, w, h, color } => {
            if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                let mut path = PathBuilder::new();
                path.push_rect(rect);
                if let Some(path) = path.finish() {
                    surface.set_stroke(None);
                    surface.set_fill(Some(fill(*color, 1.0)));
                    surface.draw_path(&path);
                }
            }
        }
        Op::Line {
            x1,
            y1,
            x2,
            y2,
            width,
            color,
        } => {
            let mut path = PathBuilder::new();
            path.move_to(*x1, *y1);
            path.line_to(*x2, *y2);
            if let Some(path) = path.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    paint: rgb::Color::new(color.0, color.1, color.2).into(),
                    width: *width,
                    ..Default::default()
                }));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
        Op::Chart { x, y, w, h, figure } => {
            if let Some(figure) = report.figures.get(*figure) {
                draw_chart(surface, fonts, figure, *x, *y, *w, *h)?;
            }
        }
    }
    Ok(())
}

/// Draws a chart's SVG into the box: its graphics through krilla-svg (usvg), then its text.
fn draw_chart(
    surface: &mut Surface<'_>,
    fonts: &Fonts,
    figure: &Figure,
    x: f32,
    y: f32,
    w: f32,
    h: f32,
) -> Result<(), ReportError> {
    let error = |message: &str| ReportError::Chart {
        chart: figure.name.clone(),
        message: message.to_owned(),
    };
    let g = ChartGeometry::of(&figure.svg)
        .ok_or_else(|| error("the SVG has no usable width, height or viewBox"))?;
    // The chart's size (what usvg draws in) onto the box on the page.
    let to_page = Affine::translate(x, y).then(Affine::scale(w / g.width, h / g.height));
    surface.push_transform(&to_page.to_krilla());
    // A glyph id no chart uses as an element id: the whole document is drawn.
    let drawn = krilla_svg::render_svg_glyph(
        figure.svg.as_bytes(),
        rgb::Color::new(0, 0, 0),
        GlyphId::new(u32::MAX),
        (g.width, g.height),
        surface,
    );
    surface.pop();
    drawn.ok_or_else(|| error("usvg cannot parse the SVG"))?;

    // The text, in user units: viewBox onto the chart's size, then onto the page.
    let [vx, vy, vw, vh] = g.view;
    let from_user = to_page
        .then(Affine::scale(g.width / vw, g.height / vh))
        .then(Affine::translate(-vx, -vy));
    for t in chart_texts(&figure.svg) {
        let face = if t.bold { Face::Bold } else { Face::Regular };
        let width = fonts.metrics[face.index()].width(&t.text, t.size);
        let start = match t.anchor {
            Anchor::Start => t.x,
            Anchor::Middle => t.x - width / 2.0,
            Anchor::End => t.x - width,
        };
        surface.push_transform(&from_user.then(t.transform).to_krilla());
        surface.set_stroke(None);
        surface.set_fill(Some(fill(t.color, t.opacity)));
        draw_text(
            surface,
            fonts,
            face,
            Point::from_xy(start, t.y),
            t.size,
            &t.text,
        );
        surface.pop();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts;
    use crate::report::sample::sample;

    fn all_charts(data: &ReviewData) -> Vec<(Chart, String)> {
        Chart::ALL
            .into_iter()
            .map(|c| (c, charts::svg(c, data).unwrap()))
            .collect()
    }

    #[test]
    fn metrics_measure_dejavu_like_the_font_says() {
        let m = metrics().unwrap();
        let regular = &m[Face::Regular.index()];
        assert_eq!(regular.units_per_em, 2048.0);
        // DejaVu Sans: every digit is 1303 units wide, the space 651.
        assert_eq!(regular.glyph('0').1, 1303);
        assert_eq!(regular.glyph(' ').1, 651);
        assert!((regular.width("00", 10.0) - 2.0 * 1303.0 * 10.0 / 2048.0).abs() < 1e-3);
        assert_ne!(regular.glyph('é').0, 0);
        assert!(
            m[Face::Narrow.index()].width("Completion", 10.0) < regular.width("Completion", 10.0)
        );
    }

    #[test]
    fn chart_text_is_read_from_plotters_svg() {
        let svg = r##"<svg width="800" height="400" viewBox="0 0 800 400" xmlns="http://www.w3.org/2000/svg">
<rect x="0" y="0" width="800" height="400" opacity="1" fill="#FFFFFF" stroke="none"/>
<text x="400" y="20" dy="0.76em" text-anchor="middle" font-family="DejaVu Sans" font-size="16.129" opacity="1" fill="#1F2933" font-weight="bold">Rates &amp; counts</text>
<text x="30" y="200" dy="0.5ex" text-anchor="middle" font-family="DejaVu Sans" font-size="12" opacity="1" fill="#5F6B7A" transform="rotate(270, 30, 200)">Completion</text>
</svg>"##;
        let g = ChartGeometry::of(svg).unwrap();
        assert_eq!(
            (g.width, g.height, g.view),
            (800.0, 400.0, [0.0, 0.0, 800.0, 400.0])
        );
        let texts = chart_texts(svg);
        assert_eq!(texts.len(), 2);
        assert_eq!(texts[0].text, "Rates & counts");
        assert!(texts[0].bold);
        assert_eq!(texts[0].anchor, Anchor::Middle);
        assert_eq!(texts[0].color, Rgb(0x1f, 0x29, 0x33));
        assert!((texts[0].y - (20.0 + 0.76 * 16.129)).abs() < 1e-3);
        assert_eq!(texts[1].text, "Completion");
        // rotate(270) about (30, 200) keeps that point in place
        let [a, b, c, d, e, f] = texts[1].transform.0;
        assert!((a * 30.0 + c * 200.0 + e - 30.0).abs() < 1e-3);
        assert!((b * 30.0 + d * 200.0 + f - 200.0).abs() < 1e-3);
    }

    #[test]
    fn the_pdf_has_real_text_with_the_title_date_and_figures() {
        let data = sample();
        let svgs = all_charts(&data);
        let pdf = render(&data, &svgs).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
        // Words wrapped onto the next line come out without a space between them.
        let flat: String = text.split_whitespace().collect();
        for expected in [
            "ASEAN Socio-Cultural Community Strategic Plan",
            "Review report as of 31 December 2027",
            "2027-12-31",
            "41.7% (5 of 12 applicable measures)",
            "83.3% (10 of 12 applicable measures)",
            "58.3% (700 of 1,200 progress points)",
            "34.8% (16 of 46 applicable cells)",
            "completion_rate = completed / applicable.",
            "No results-framework indicators are recorded yet.",
        ] {
            let expected: String = expected.split_whitespace().collect();
            assert!(
                flat.contains(&expected),
                "{expected:?} not in the PDF's text:\n{text}"
            );
        }
        for code in [
            "SG1", "SG2", "SG3", "1.1", "3.2", "IDN", "THA", "TLS", "VNM",
        ] {
            assert!(flat.contains(code), "{code} not in the PDF");
        }
    }

    #[test]
    fn the_same_data_give_the_same_pdf_bytes() {
        let data = sample();
        let svgs = all_charts(&data);
        assert_eq!(render(&data, &svgs).unwrap(), render(&data, &svgs).unwrap());
    }

    #[test]
    fn a_report_with_nothing_in_it_still_renders() {
        use crate::engine::{MeanRate, Rule, Tally};
        let mut data = sample();
        let nothing = Tally::default();
        data.overall = nothing.rate(Rule::Regional);
        data.top.clear();
        data.second.clear();
        data.comparison.states.clear();
        data.comparison.all_states = nothing.rate(Rule::AllStates);
        data.comparison.mean_of_states = MeanRate::of([]);
        data.comparison.cells = nothing.rate(Rule::Cells);
        data.comparison.regional = nothing.rate(Rule::Regional);
        data.heat.clear();
        data.timeline.clear();
        data.not_started.clear();
        data.stale.clear();
        data.known_at = Some("2027-12-31T23:59:59Z".parse().unwrap());

        let pdf = render(&data, &all_charts(&data)).unwrap();
        let text: String = pdf_extract::extract_text_from_mem(&pdf)
            .unwrap()
            .split_whitespace()
            .collect();
        assert!(text.contains("notdefined(noapplicablemeasures)"), "{text}");
        assert!(text.contains("2027-12-3123:59:59UTC"), "{text}");
        let html = crate::report::html::render(&data, &[]).unwrap();
        assert!(html.contains("Only reports recorded at or before 2027-12-31 23:59:59 UTC count"));
        assert!(!html.contains("id=\"second\""));
    }

    #[test]
    fn long_tables_run_over_pages_with_their_header_repeated() {
        let mut data = sample();
        let line = data.not_started[0].clone();
        data.not_started = (0..150)
            .map(|i| super::super::MeasureLine {
                code: format!("9.9.{i}"),
                ..line.clone()
            })
            .collect();
        let report = Report::new(&data, &[]);
        let m = metrics().unwrap();
        let mut layout = Layout::new(m);
        layout.report(&report).unwrap();
        let pages_with_header = layout
            .pages
            .iter()
            .filter(|ops| {
                ops.iter().any(|op| {
                    matches!(op, Op::Text { text, .. } if text.starts_with("Measures not started regionally"))
                })
            })
            .count();
        assert!(pages_with_header >= 3, "{pages_with_header}");
        for ops in &layout.pages {
            for op in ops {
                if let Op::Text { y, .. } = op {
                    assert!(
                        *y <= BOTTOM + 1.0 || *y > PAGE_H - 40.0,
                        "text below the margin: {y}"
                    );
                }
            }
        }
    }

    #[test]
    #[ignore = "writes files for a person to look at"]
    fn write_samples() {
        let data = sample();
        let svgs = all_charts(&data);
        let dir = std::path::Path::new("/tmp/report-sample");
        std::fs::create_dir_all(dir).unwrap();
        let html = crate::report::html::render(&data, &svgs).unwrap();
        std::fs::write(dir.join("review-sample.html"), html).unwrap();
        std::fs::write(dir.join("review-sample.pdf"), render(&data, &svgs).unwrap()).unwrap();
        let csv = crate::report::csv::figures(&data).unwrap();
        std::fs::write(dir.join("review-sample.csv"), csv).unwrap();
    }

    /// The Strategic Plan's real tree (long titles) with made-up statuses for 11 states and
    /// 40 quarters: what a real report's tables and page breaks look like.
    fn full_sample() -> ReviewData {
        use crate::domain::{StateCode, Status};
        use crate::engine::{Comparison, MeanRate, NodeRate, Point, Rule, StateRate, Tally};
        use crate::report::{HeatRow, MeasureLine, SubRow};

        let reference = crate::reference::ReferenceData::shipped().unwrap();
        let plan = reference
            .frameworks
            .iter()
            .find(|f| f.framework.code == "ascc-strategic-plan")
            .unwrap();
        let states: Vec<StateCode> = reference
            .member_states
            .iter()
            .map(|s| s.code.parse().unwrap())
            .collect();
        let status = |measure: usize, scope: usize| match (measure * 7 + scope * 3) % 10 {
            0..=2 => Status::Completed,
            3..=6 => Status::Ongoing,
            7 | 8 => Status::NotStarted,
            _ => Status::NotApplicable,
        };
        let measures: Vec<(usize, &crate::reference::NodeRow)> = plan
            .nodes
            .iter()
            .filter(|n| n.level == "measure")
            .enumerate()
            .collect();
        let objective_of = |m: &crate::reference::NodeRow| m.parent_code.clone().unwrap();
        let goal_of = |objective: &str| {
            plan.nodes
                .iter()
                .find(|n| n.code == objective)
                .and_then(|n| n.parent_code.clone())
                .unwrap()
        };
        let tally_where = |scope: usize, keep: &dyn Fn(&crate::reference::NodeRow) -> bool| {
            let mut t = Tally::default();
            for (i, m) in &measures {
                if keep(m) {
                    t.add(status(*i, scope), Some(40));
                }
            }
            t
        };
        let node = |n: &crate::reference::NodeRow, t: Tally| NodeRate {
            code: n.code.clone(),
            title: n.title.clone(),
            level: n.level.clone(),
            rate: t.rate(Rule::Regional),
        };
        let mut data = sample();
        data.framework.note =
            Some("12 strategic goals, 16 objectives, 112 strategic measures".into());
        data.overall = tally_where(0, &|_| true).rate(Rule::Regional);
        data.top = plan
            .nodes
            .iter()
            .filter(|n| n.level == "goal")
            .map(|g| node(g, tally_where(0, &|m| goal_of(&objective_of(m)) == g.code)))
            .collect();
        data.second = plan
            .nodes
            .iter()
            .filter(|n| n.level == "objective")
            .map(|o| SubRow {
                parent: o.parent_code.clone().unwrap(),
                node: node(o, tally_where(0, &|m| objective_of(m) == o.code)),
            })
            .collect();
        let tallies: Vec<Tally> = (1..=states.len())
            .map(|s| tally_where(s, &|_| true))
            .collect();
        let mut cells = Tally::default();
        for t in &tallies {
            cells.merge(t);
        }
        data.comparison = Comparison {
            states: states
                .iter()
                .zip(&tallies)
                .map(|(s, t)| StateRate {
                    state: s.clone(),
                    rate: t.rate(Rule::Scope),
                })
                .collect(),
            all_states: tally_where(5, &|_| true).rate(Rule::AllStates),
            mean_of_states: MeanRate::of(&tallies),
            cells: cells.rate(Rule::Cells),
            regional: data.overall,
        };
        data.heat = states
            .iter()
            .enumerate()
            .map(|(s, state)| HeatRow {
                state: state.clone(),
                completion: data
                    .top
                    .iter()
                    .map(|g| {
                        tally_where(s + 1, &|m| goal_of(&objective_of(m)) == g.code)
                            .completion_rate()
                    })
                    .collect(),
            })
            .collect();
        let start = data.framework.start_date;
        data.timeline = (0..40_u32)
            .map(|q| Point {
                date: start + chrono::Months::new(3 * (q + 1)) - chrono::Days::new(1),
                rate: tally_where(0, &|_| true).rate(Rule::Regional),
            })
            .collect();
        data.not_started = measures
            .iter()
            .filter(|(i, _)| status(*i, 0) == Status::NotStarted)
            .map(|(i, m)| MeasureLine {
                code: m.code.clone(),
                title: m.title.clone(),
                regional: Status::NotStarted,
                states_not_started: states
                    .iter()
                    .enumerate()
                    .filter(|(s, _)| status(*i, s + 1) == Status::NotStarted)
                    .map(|(_, st)| st.clone())
                    .collect(),
                last_report: None,
            })
            .collect();
        data.stale = data.not_started.iter().take(15).cloned().collect();
        data
    }

    #[test]
    #[ignore = "writes files for a person to look at"]
    fn write_full_sample() {
        let data = full_sample();
        let svgs = all_charts(&data);
        let dir = std::path::Path::new("/tmp/report-sample");
        std::fs::create_dir_all(dir).unwrap();
        let html = crate::report::html::render(&data, &svgs).unwrap();
        std::fs::write(dir.join("review-full.html"), html).unwrap();
        let started = std::time::Instant::now();
        let pdf = render(&data, &svgs).unwrap();
        eprintln!("PDF in {:?}", started.elapsed());
        std::fs::write(dir.join("review-full.pdf"), pdf).unwrap();
    }
}
