//! The four DejaVu faces of the report, and their metrics: glyph ids and advance widths.

use super::*;

/// The four faces the report uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Face {
    Regular,
    Bold,
    /// DejaVu Sans Condensed, for tables.
    Narrow,
    NarrowBold,
}

impl Face {
    const ALL: [Face; 4] = [Face::Regular, Face::Bold, Face::Narrow, Face::NarrowBold];

    pub(super) fn index(self) -> usize {
        self as usize
    }

    pub(super) fn bytes(self) -> &'static [u8] {
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
pub(super) struct Metrics {
    pub(super) units_per_em: f32,
    /// Character → (glyph id, advance in font units).
    pub(super) glyphs: HashMap<char, (u16, u16)>,
    pub(super) notdef_advance: u16,
}

impl Metrics {
    pub(super) fn parse(font: &[u8]) -> Option<Self> {
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

    pub(super) fn glyph(&self, c: char) -> (u16, u16) {
        self.glyphs
            .get(&c)
            .copied()
            .unwrap_or((0, self.notdef_advance))
    }

    /// The width of `text` set at `size` points.
    pub(super) fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text.chars().map(|c| u32::from(self.glyph(c).1)).sum();
        units as f32 * size / self.units_per_em
    }

    /// `text` as positioned glyphs, each carrying its characters (for copy and paste).
    pub(super) fn glyphs(&self, text: &str) -> Vec<KrillaGlyph> {
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

pub(super) fn be16(data: &[u8], at: usize) -> Option<u16> {
    let b = data.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([b[0], b[1]]))
}

pub(super) fn be32(data: &[u8], at: usize) -> Option<u32> {
    let b = data.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// The metrics of the four faces, parsed once per process.
pub(super) fn metrics() -> Result<&'static [Metrics; 4], ReportError> {
    static METRICS: OnceLock<Option<[Metrics; 4]>> = OnceLock::new();
    METRICS
        .get_or_init(|| {
            let [a, b, c, d] = Face::ALL.map(|f| Metrics::parse(f.bytes()));
            Some([a?, b?, c?, d?])
        })
        .as_ref()
        .ok_or_else(|| ReportError::Font("the compiled-in DejaVu fonts cannot be read".into()))
}

pub(super) struct Fonts {
    pub(super) metrics: &'static [Metrics; 4],
    pub(super) fonts: [Font; 4],
}

impl Fonts {
    pub(super) fn load() -> Result<Self, ReportError> {
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
