//! The body of `word/document.xml`, written as WordprocessingML by hand: paragraphs in the
//! styles of [`super::parts::STYLES`], tables with a repeated header row, inline PNG images.

use std::fmt::Write as _;

/// The text width in twentieths of a point: A4 (11906) less two 2 cm margins (1134 each).
pub(super) const TEXT_TWIPS: u32 = 9638;
/// The text width in EMU (English Metric Units, 914 400 to the inch; 635 to the twip).
pub(super) const TEXT_EMU: u64 = TEXT_TWIPS as u64 * 635;

/// `text` escaped for XML character data and attribute values.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 does not allow (control characters other than tab and line
            // breaks) are left out.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// A run of text with its character formatting.
#[derive(Debug, Clone, Default)]
pub(super) struct Run {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
    /// A character style (`Hyperlink`, `Tag`).
    pub style: Option<&'static str>,
}

impl Run {
    pub fn plain(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            ..Self::default()
        }
    }

    pub fn bold(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            bold: true,
            ..Self::default()
        }
    }

    pub fn styled(text: &str, style: &'static str) -> Self {
        Self {
            text: text.to_owned(),
            style: Some(style),
            ..Self::default()
        }
    }

    fn write(&self, out: &mut String) {
        out.push_str("<w:r>");
        if self.bold || self.italic || self.style.is_some() {
            out.push_str("<w:rPr>");
            if let Some(style) = self.style {
                let _ = write!(out, "<w:rStyle w:val=\"{style}\"/>");
            }
            if self.bold {
                out.push_str("<w:b/>");
            }
            if self.italic {
                out.push_str("<w:i/>");
            }
            out.push_str("</w:rPr>");
        }
        // Line breaks and tabs in the text become <w:br/> and <w:tab/>.
        for (i, line) in self.text.split('\n').enumerate() {
            if i > 0 {
                out.push_str("<w:br/>");
            }
            for (j, piece) in line.split('\t').enumerate() {
                if j > 0 {
                    out.push_str("<w:tab/>");
                }
                // A soft hyphen becomes Word's optional hyphen: a break, with a hyphen shown,
                // only where the line needs one.
                for (k, part) in piece.split(SOFT_HYPHEN).enumerate() {
                    if k > 0 {
                        out.push_str("<w:softHyphen/>");
                    }
                    if !part.is_empty() {
                        let _ = write!(out, "<w:t xml:space=\"preserve\">{}</w:t>", escape(part));
                    }
                }
            }
        }
        out.push_str("</w:r>");
    }
}

/// How a table column is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Text, left-aligned, taking the spare width (a title).
    Flex,
    /// Short text, left-aligned (a code, a status).
    Left,
    /// A number, right-aligned.
    Num,
    /// A symbol, centred (a matrix's cells).
    Center,
}

/// A table column: its header and layout.
#[derive(Debug, Clone)]
pub(super) struct Column {
    pub head: String,
    pub kind: Kind,
}

impl Column {
    /// A column headed `head`, its long words given their hyphenation points (see
    /// [`hyphenated`]).
    pub fn new(head: &str, kind: Kind) -> Self {
        Self {
            head: hyphenated(head),
            kind,
        }
    }
}

/// U+00AD, written as `<w:softHyphen/>`.
pub(super) const SOFT_HYPHEN: char = '\u{AD}';

/// The long words of the tables' headers with their hyphenation points (British usage), so
/// that a narrow numeric column breaks "Imple-mentation" rather than "Implementa / tion".
const HYPHENATION: [(&str, &[&str]); 22] = [
    ("applicable", &["appli", "cable"]),
    ("carried", &["car", "ried"]),
    ("completed", &["com", "pleted"]),
    ("completion", &["com", "ple", "tion"]),
    ("coverage", &["cov", "er", "age"]),
    ("forward", &["for", "ward"]),
    ("implementation", &["imple", "men", "ta", "tion"]),
    ("implemented", &["imple", "ment", "ed"]),
    ("indicators", &["in", "di", "ca", "tors"]),
    ("measures", &["mea", "sures"]),
    ("member", &["mem", "ber"]),
    ("observations", &["ob", "ser", "va", "tions"]),
    ("ongoing", &["on", "going"]),
    ("participants", &["par", "tic", "i", "pants"]),
    ("percentage", &["per", "cent", "age"]),
    ("previous", &["pre", "vi", "ous"]),
    ("progress", &["pro", "gress"]),
    ("reported", &["re", "port", "ed"]),
    ("reports", &["re", "ports"]),
    ("statuses", &["sta", "tuses"]),
    ("started", &["start", "ed"]),
    ("sectoral", &["sec", "tor", "al"]),
];

/// `head` with a soft hyphen at each hyphenation point of its words found in
/// [`HYPHENATION`] (matched without regard to case; other words are left whole).
pub(super) fn hyphenated(head: &str) -> String {
    let mut out = String::with_capacity(head.len() + 8);
    for (i, word) in head.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let lower = word.to_lowercase();
        match HYPHENATION.iter().find(|(w, _)| *w == lower) {
            // The word's own letters (its case kept), cut at the dictionary's lengths.
            Some((_, parts)) if word.is_ascii() => {
                let mut rest = word;
                for (k, part) in parts.iter().enumerate() {
                    let (piece, tail) = rest.split_at(part.len().min(rest.len()));
                    if k > 0 {
                        out.push(SOFT_HYPHEN);
                    }
                    out.push_str(piece);
                    rest = tail;
                }
                out.push_str(rest);
            }
            _ => out.push_str(word),
        }
    }
    out
}

/// The widest unbreakable piece of a header, in characters: its words, cut at their soft
/// hyphens (a piece that ends at one counts the hyphen shown there).
fn head_chars(head: &str) -> u32 {
    head.split_whitespace()
        .flat_map(|word| {
            let pieces: Vec<&str> = word.split(SOFT_HYPHEN).collect();
            let last = pieces.len() - 1;
            pieces
                .into_iter()
                .enumerate()
                .map(move |(k, p)| p.chars().count() as u32 + u32::from(k < last))
        })
        .max()
        .unwrap_or(0)
}

/// How a table row stands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RowStyle {
    Normal,
    /// A heading row across the whole table (its one cell spans every column).
    Group,
    /// A figure under a cross-state rule (italic).
    Rule,
    /// A total (bold).
    Total,
}

/// A cell: its text, and a small note under it (a rule's code, a reason), possibly empty.
#[derive(Debug, Clone, Default)]
pub(super) struct Cell {
    pub text: String,
    pub sub: String,
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

#[derive(Debug, Clone)]
pub(super) struct Row {
    pub style: RowStyle,
    pub cells: Vec<Cell>,
}

/// An image of the document: its relationship id, file name in `word/media/` and bytes.
#[derive(Debug, Clone)]
pub(super) struct Image {
    pub rel_id: String,
    pub file: String,
    pub bytes: Vec<u8>,
}

/// An external link of the document: its relationship id and address.
#[derive(Debug, Clone)]
pub(super) struct Link {
    pub rel_id: String,
    pub url: String,
}

/// The document's body as it is written, with the images and links it refers to.
#[derive(Debug, Default)]
pub(super) struct Body {
    pub xml: String,
    pub images: Vec<Image>,
    pub links: Vec<Link>,
    /// The relationship ids below this one belong to the styles, settings and footer.
    pub next_rel: usize,
}

impl Body {
    pub fn new(first_rel: usize) -> Self {
        Self {
            next_rel: first_rel,
            ..Self::default()
        }
    }

    fn rel_id(&mut self) -> String {
        let id = format!("rId{}", self.next_rel);
        self.next_rel += 1;
        id
    }

    /// A paragraph in `style` (`None`: Normal) of `runs`.
    pub fn paragraph(&mut self, style: Option<&str>, runs: &[Run]) {
        self.paragraph_with(style, "", runs);
    }

    /// A paragraph with extra paragraph properties (`<w:jc …/>`, `<w:keepNext/>`) after the
    /// style.
    pub fn paragraph_with(&mut self, style: Option<&str>, properties: &str, runs: &[Run]) {
        self.xml.push_str("<w:p>");
        if style.is_some() || !properties.is_empty() {
            self.xml.push_str("<w:pPr>");
            if let Some(style) = style {
                let _ = write!(self.xml, "<w:pStyle w:val=\"{style}\"/>");
            }
            self.xml.push_str(properties);
            self.xml.push_str("</w:pPr>");
        }
        for run in runs {
            run.write(&mut self.xml);
        }
        self.xml.push_str("</w:p>");
    }

    /// A plain paragraph of `text` in `style`.
    pub fn text(&mut self, style: Option<&str>, text: &str) {
        self.paragraph(style, &[Run::plain(text)]);
    }

    pub fn heading(&mut self, level: u8, text: &str) {
        self.text(Some(&format!("Heading{level}")), text);
    }

    pub fn page_break(&mut self) {
        self.xml
            .push_str("<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>");
    }

    /// A paragraph holding a live link to `url`, its text the address.
    pub fn link(&mut self, url: &str) {
        let rel_id = self.rel_id();
        let _ = write!(self.xml, "<w:p><w:hyperlink r:id=\"{rel_id}\">");
        Run::styled(url, "Hyperlink").write(&mut self.xml);
        self.xml.push_str("</w:hyperlink></w:p>");
        self.links.push(Link {
            rel_id,
            url: url.to_owned(),
        });
    }

    /// A table of contents: a `TOC` field over the Heading 1 and 2 paragraphs, its result
    /// already filled in with `entries` (level, text), so that it reads right before a word
    /// processor updates it (and gets the page numbers).
    pub fn contents(&mut self, entries: &[(u8, String)]) {
        self.xml.push_str(
            "<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val=\"Table of Contents\"/>\
             <w:docPartUnique/></w:docPartObj></w:sdtPr><w:sdtContent>",
        );
        self.text(Some("TOCHeading"), "Contents");
        for (i, (level, text)) in entries.iter().enumerate() {
            let _ = write!(
                self.xml,
                "<w:p><w:pPr><w:pStyle w:val=\"TOC{level}\"/></w:pPr>"
            );
            if i == 0 {
                self.xml.push_str(
                    "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>\
                     <w:r><w:instrText xml:space=\"preserve\"> TOC \\o \"1-2\" \\h \\z \\u </w:instrText></w:r>\
                     <w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>",
                );
            }
            Run::plain(text).write(&mut self.xml);
            if i + 1 == entries.len() {
                self.xml
                    .push_str("<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>");
            }
            self.xml.push_str("</w:p>");
        }
        self.xml.push_str("</w:sdtContent></w:sdt>");
    }

    /// A table: its caption above (style Caption, kept with the table), a header row repeated
    /// on every page, then `rows`. Cells beyond the columns are left out; missing ones are
    /// empty.
    pub fn table(&mut self, caption: &str, columns: &[Column], rows: &[Row]) {
        if !caption.is_empty() {
            self.paragraph_with(Some("Caption"), "<w:keepNext/>", &[Run::plain(caption)]);
        }
        let widths = widths(columns, rows);
        self.xml.push_str(
            "<w:tbl><w:tblPr><w:tblStyle w:val=\"ReportTable\"/>\
             <w:tblW w:w=\"5000\" w:type=\"pct\"/><w:tblLayout w:type=\"fixed\"/>\
             <w:tblLook w:val=\"04A0\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"0\" \
             w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>",
        );
        for w in &widths {
            let _ = write!(self.xml, "<w:gridCol w:w=\"{w}\"/>");
        }
        self.xml.push_str("</w:tblGrid>");

        // The header row, repeated at the top of every page the table runs onto.
        self.xml
            .push_str("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>");
        for (column, w) in columns.iter().zip(&widths) {
            self.cell(
                *w,
                1,
                column.kind,
                &Cell::from(column.head.as_str()),
                "TableHead",
                true,
                false,
            );
        }
        self.xml.push_str("</w:tr>");

        let total: u32 = widths.iter().sum();
        for row in rows {
            self.xml.push_str("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
            if row.style == RowStyle::Group {
                let cell = row.cells.first().cloned().unwrap_or_default();
                self.cell(
                    total,
                    columns.len(),
                    Kind::Flex,
                    &cell,
                    "TableGroup",
                    true,
                    false,
                );
            } else {
                for (i, (column, w)) in columns.iter().zip(&widths).enumerate() {
                    let cell = row.cells.get(i).cloned().unwrap_or_default();
                    self.cell(
                        *w,
                        1,
                        column.kind,
                        &cell,
                        "TableText",
                        row.style == RowStyle::Total,
                        row.style == RowStyle::Rule,
                    );
                }
            }
            self.xml.push_str("</w:tr>");
        }
        self.xml.push_str("</w:tbl>");
        // Space after the table (Word joins two adjacent tables into one otherwise).
        self.text(Some("AfterTable"), "");
    }

    #[allow(clippy::too_many_arguments)]
    fn cell(
        &mut self,
        width: u32,
        span: usize,
        kind: Kind,
        cell: &Cell,
        style: &str,
        bold: bool,
        italic: bool,
    ) {
        let _ = write!(
            self.xml,
            "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/>"
        );
        if span > 1 {
            let _ = write!(self.xml, "<w:gridSpan w:val=\"{span}\"/>");
        }
        if style == "TableHead" || style == "TableGroup" {
            self.xml
                .push_str("<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"EFF1F3\"/>");
        }
        self.xml.push_str("</w:tcPr>");
        let justify = match kind {
            Kind::Num => "<w:jc w:val=\"right\"/>",
            Kind::Center => "<w:jc w:val=\"center\"/>",
            Kind::Flex | Kind::Left => "",
        };
        self.paragraph_with(
            Some(style),
            justify,
            &[Run {
                text: cell.text.clone(),
                bold,
                italic,
                style: None,
            }],
        );
        if !cell.sub.is_empty() {
            self.paragraph_with(Some("TableNote"), justify, &[Run::plain(&cell.sub)]);
        }
        self.xml.push_str("</w:tc>");
    }

    /// `png` as an inline picture across the text width (no wider than its pixels at
    /// 150 dpi), in a paragraph of its own, then `caption` (style Caption). `title` is the
    /// picture's alternative text.
    pub fn image(&mut self, png: Vec<u8>, title: &str, caption: &str) {
        let n = self.images.len() + 1;
        let (px_w, px_h) = png_size(&png).unwrap_or((1000, 560));
        let natural = u64::from(px_w) * 914_400 / 150;
        let cx = natural.min(TEXT_EMU);
        let cy = cx * u64::from(px_h) / u64::from(px_w.max(1));
        self.picture(
            Picture {
                png,
                file: format!("figure-{n}.png"),
                name: format!("Figure {n}"),
                alt: title,
                size: (cx, cy),
            },
            "Figure",
            "<w:keepNext/>",
        );
        self.text(Some("Caption"), caption);
    }

    /// The issuer's logo, `width_mm` × `height_mm`, in a paragraph of `style` with extra
    /// paragraph `properties`; `alt` is its alternative text.
    pub fn logo(
        &mut self,
        png: Vec<u8>,
        alt: &str,
        (width_mm, height_mm): (f64, f64),
        style: &str,
        properties: &str,
    ) {
        const EMU_PER_MM: f64 = 36_000.0;
        let emu = |mm: f64| (mm * EMU_PER_MM).round() as u64;
        self.picture(
            Picture {
                png,
                file: "logo.png".into(),
                name: "Logo".into(),
                alt,
                size: (emu(width_mm), emu(height_mm)),
            },
            style,
            properties,
        );
    }

    /// An inline picture in a paragraph of its own, in `style` with extra `properties`.
    fn picture(&mut self, picture: Picture<'_>, style: &str, properties: &str) {
        let n = self.images.len() + 1;
        let rel_id = self.rel_id();
        let Picture {
            png,
            file,
            name,
            alt,
            size: (cx, cy),
        } = picture;
        let alt = escape(alt);
        let _ = write!(
            self.xml,
            "<w:p><w:pPr><w:pStyle w:val=\"{style}\"/>{properties}</w:pPr><w:r><w:drawing>\
             <wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\">\
             <wp:extent cx=\"{cx}\" cy=\"{cy}\"/><wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/>\
             <wp:docPr id=\"{n}\" name=\"{name}\" descr=\"{alt}\"/>\
             <wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect=\"1\"/></wp:cNvGraphicFramePr>\
             <a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">\
             <pic:pic><pic:nvPicPr><pic:cNvPr id=\"{n}\" name=\"{file}\" descr=\"{alt}\"/><pic:cNvPicPr/></pic:nvPicPr>\
             <pic:blipFill><a:blip r:embed=\"{rel_id}\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>\
             <pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm>\
             <a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>\
             </a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
        );
        self.images.push(Image {
            rel_id,
            file,
            bytes: png,
        });
    }
}

/// A picture to place: its PNG, its file in `word/media/`, its name and alternative text, and
/// its size in EMU.
struct Picture<'a> {
    png: Vec<u8>,
    file: String,
    name: String,
    alt: &'a str,
    size: (u64, u64),
}

/// The columns' widths in twips, filling the text width. A number or a short text gets what
/// its longest cell needs, then what its header's widest piece (a word, or a part of one
/// cut at a soft hyphen) needs if there is room (estimated from the character count:
/// DejaVu Sans averages about 0.62 em); the flexible
/// columns (titles) share what is left, at least `MIN_FLEX` when the cells allow.
pub(super) fn widths(columns: &[Column], rows: &[Row]) -> Vec<u32> {
    const CELL: u32 = 110; // twips a character at 8 pt (bold totals included)
    const HEAD: u32 = 92; // at 7 pt, bold (DejaVu Sans Bold averages about 0.66 em)
    const NOTE: u32 = 81; // at 6.5 pt (a cell's note under its text)
    const PAD: u32 = 200; // both cell margins and some slack
    const MIN_FLEX: u32 = 2600;
    // What each column's cells need, and what its header's longest word needs beyond that.
    let (base, extra): (Vec<u32>, Vec<u32>) = columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            if column.kind == Kind::Flex {
                return (0, 0);
            }
            let head = head_chars(&column.head) * HEAD + PAD;
            let cells = rows
                .iter()
                .filter(|row| row.style != RowStyle::Group)
                .filter_map(|row| row.cells.get(i))
                .map(|cell| {
                    (cell.text.chars().count() as u32 * CELL)
                        .max(cell.sub.chars().count() as u32 * NOTE)
                })
                .max()
                .unwrap_or(0)
                + PAD;
            (cells, head.saturating_sub(cells))
        })
        .unzip();
    let flex = columns.iter().filter(|c| c.kind == Kind::Flex).count() as u32;
    let room = if flex == 0 {
        TEXT_TWIPS
    } else {
        TEXT_TWIPS.saturating_sub(MIN_FLEX.min(TEXT_TWIPS / 2))
    };
    let base_sum: u32 = base.iter().sum();
    let extra_sum: u32 = extra.iter().sum();
    let mut widths: Vec<u32> = if base_sum >= room {
        // Even the cells do not fit: everything in proportion (headers wrap).
        let scale = f64::from(room) / f64::from(base_sum.max(1));
        base.iter()
            .map(|&b| (f64::from(b) * scale).floor() as u32)
            .collect()
    } else {
        // The cells fit; the headers' words get what is left, in proportion (and without a
        // flexible column, all the spare width).
        let spare = room - base_sum;
        let scale = if extra_sum > spare || (flex == 0 && extra_sum > 0) {
            f64::from(spare) / f64::from(extra_sum.max(1))
        } else {
            1.0
        };
        base.iter()
            .zip(&extra)
            .map(|(&b, &e)| b + (f64::from(e) * scale).floor() as u32)
            .collect()
    };
    let spare = TEXT_TWIPS.saturating_sub(widths.iter().sum());
    match spare.checked_div(flex) {
        // The flexible columns share what is left.
        Some(each) => {
            for (w, c) in widths.iter_mut().zip(columns) {
                if c.kind == Kind::Flex {
                    *w = each;
                }
            }
        }
        // No header needs more: the spare width goes to the columns in proportion.
        None => {
            let used: u32 = widths.iter().sum();
            if used < TEXT_TWIPS && used > 0 {
                let scale = f64::from(TEXT_TWIPS) / f64::from(used);
                for w in &mut widths {
                    *w = (f64::from(*w) * scale).floor() as u32;
                }
            }
        }
    }
    // The rounding's remainder goes to the first column.
    let used: u32 = widths.iter().sum();
    if let Some(first) = widths.first_mut() {
        *first += TEXT_TWIPS.saturating_sub(used);
    }
    widths
}

/// A PNG's width and height in pixels, from its header.
pub(super) fn png_size(png: &[u8]) -> Option<(u32, u32)> {
    if png.len() < 24 || &png[..8] != b"\x89PNG\r\n\x1a\n" || &png[12..16] != b"IHDR" {
        return None;
    }
    let w = u32::from_be_bytes(png[16..20].try_into().ok()?);
    let h = u32::from_be_bytes(png[20..24].try_into().ok()?);
    Some((w, h))
}
