//! The DejaVu faces of the report, and their metrics: glyph ids and advance widths.

use skrifa::instance::{LocationRef, Size};
use skrifa::raw::TableProvider;
use skrifa::{FontRef, GlyphId as SkrifaGlyphId, MetadataProvider};

use super::*;

/// The faces the report uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Face {
    Regular,
    Bold,
    /// DejaVu Sans Condensed, for tables.
    Narrow,
    NarrowBold,
    /// DejaVu Sans Oblique, for emphasis in the executive summary.
    Italic,
    BoldItalic,
    /// DejaVu Sans Mono, for code in the executive summary.
    Mono,
}

/// How many faces there are.
pub(super) const FACES: usize = 7;

impl Face {
    pub(super) const ALL: [Face; FACES] = [
        Face::Regular,
        Face::Bold,
        Face::Narrow,
        Face::NarrowBold,
        Face::Italic,
        Face::BoldItalic,
        Face::Mono,
    ];

    pub(super) fn index(self) -> usize {
        self as usize
    }

    pub(super) fn bytes(self) -> &'static [u8] {
        match self {
            Face::Regular => dejavu::sans::regular(),
            Face::Bold => dejavu::sans::bold(),
            Face::Narrow => dejavu::sans_condensed::regular(),
            Face::NarrowBold => dejavu::sans_condensed::bold(),
            Face::Italic => dejavu::sans::oblique(),
            Face::BoldItalic => dejavu::sans::bold_oblique(),
            Face::Mono => dejavu::sans_mono::regular(),
        }
    }

    /// The body face a run of the executive summary is set in.
    pub(super) fn of_run(strong: bool, emphasis: bool, code: bool) -> Face {
        match (code, strong, emphasis) {
            (true, _, _) => Face::Mono,
            (false, true, true) => Face::BoldItalic,
            (false, true, false) => Face::Bold,
            (false, false, true) => Face::Italic,
            (false, false, false) => Face::Regular,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Font metrics: glyph ids and advance widths, read with skrifa

/// A font's character map and advance widths: enough to measure a line and to place its
/// glyphs exactly where it was measured.
#[derive(Debug)]
pub(super) struct Metrics {
    pub(super) units_per_em: f32,
    /// Character → (glyph id, advance in font units).
    pub(super) glyphs: HashMap<char, (u32, f32)>,
    /// What a character the font lacks is drawn with: U+FFFD (or `?`), never the `.notdef`
    /// glyph, which PDF/A forbids showing; the text keeps the real character.
    pub(super) missing: (u32, f32),
}

impl Metrics {
    /// The metrics of a font file, read by skrifa (the font reader krilla itself uses): its
    /// character map and its horizontal advances at the default location.
    pub(super) fn parse(data: &[u8]) -> Option<Self> {
        let font = FontRef::new(data).ok()?;
        let units_per_em = f32::from(font.head().ok()?.units_per_em());
        if units_per_em <= 0.0 {
            return None;
        }
        let advances = font.glyph_metrics(Size::unscaled(), LocationRef::default());
        let advance = |glyph: SkrifaGlyphId| advances.advance_width(glyph).unwrap_or(0.0);
        let glyphs = font
            .charmap()
            .mappings()
            .filter(|(_, glyph)| glyph.to_u32() != 0)
            .filter_map(|(code, glyph)| {
                Some((char::from_u32(code)?, (glyph.to_u32(), advance(glyph))))
            })
            .collect::<HashMap<char, (u32, f32)>>();
        let missing = glyphs
            .get(&'\u{fffd}')
            .or_else(|| glyphs.get(&'?'))
            .copied()
            .unwrap_or((0, advance(SkrifaGlyphId::NOTDEF)));
        Some(Self {
            units_per_em,
            glyphs,
            missing,
        })
    }

    pub(super) fn glyph(&self, c: char) -> (u32, f32) {
        self.glyphs.get(&c).copied().unwrap_or(self.missing)
    }

    /// The width of `text` set at `size` points.
    pub(super) fn width(&self, text: &str, size: f32) -> f32 {
        // Advances are whole font units: their f32 sum is exact.
        let units: f32 = text.chars().map(|c| self.glyph(c).1).sum();
        units * size / self.units_per_em
    }

    /// `text` as positioned glyphs, each carrying its characters (for copy and paste).
    pub(super) fn glyphs(&self, text: &str) -> Vec<KrillaGlyph> {
        text.char_indices()
            .map(|(i, c)| {
                let (glyph, advance) = self.glyph(c);
                KrillaGlyph::new(
                    GlyphId::new(glyph),
                    advance / self.units_per_em,
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

/// The metrics of the faces, parsed once per process.
pub(super) fn metrics() -> Result<&'static [Metrics; FACES], ReportError> {
    static METRICS: OnceLock<Option<[Metrics; FACES]>> = OnceLock::new();
    METRICS
        .get_or_init(|| {
            let parsed: Option<Vec<Metrics>> = Face::ALL
                .iter()
                .map(|f| Metrics::parse(f.bytes()))
                .collect();
            parsed?.try_into().ok()
        })
        .as_ref()
        .ok_or_else(|| ReportError::Font("the compiled-in DejaVu fonts cannot be read".into()))
}

pub(super) struct Fonts {
    pub(super) metrics: &'static [Metrics; FACES],
    pub(super) fonts: [Font; FACES],
}

impl Fonts {
    pub(super) fn load() -> Result<Self, ReportError> {
        let metrics = metrics()?;
        let fonts: Option<Vec<Font>> = Face::ALL
            .iter()
            .map(|f| Font::new(f.bytes().into(), 0))
            .collect();
        match fonts.and_then(|f| f.try_into().ok()) {
            Some(fonts) => Ok(Self { metrics, fonts }),
            None => Err(ReportError::Font(
                "krilla cannot read the compiled-in DejaVu fonts".into(),
            )),
        }
    }
}
