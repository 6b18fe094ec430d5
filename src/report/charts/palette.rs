//! The charts' colours and text styles: the Okabe–Ito palette (with each colour's lightness),
//! viridis for the heat map, and the font sizes.

use plotters::prelude::*;
use plotters::style::FontStyle;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::FAMILY;
use crate::domain::IndicatorClass;

// ---------------------------------------------------------------------------------------------
// Colours

/// Okabe–Ito colours with their CIE L* (lightness), which is what survives greyscale.
pub(super) const BLUE: RGBColor = RGBColor(0, 114, 178); // L* 46
pub(super) const SKY_BLUE: RGBColor = RGBColor(86, 180, 233); // L* 70
pub(super) const YELLOW: RGBColor = RGBColor(240, 228, 66); // L* 89
pub(super) const INK: RGBColor = RGBColor(0, 0, 0); // L* 0
/// Not applicable: a neutral grey between completed and ongoing in lightness (L* 59).
pub(super) const NEUTRAL: RGBColor = RGBColor(140, 140, 140);

pub(super) const TEXT: RGBColor = RGBColor(34, 34, 34);
pub(super) const MUTED: RGBColor = RGBColor(85, 85, 85);
pub(super) const GRID: RGBColor = RGBColor(221, 221, 221);
pub(super) const RULE: RGBColor = RGBColor(120, 120, 120);
pub(super) const OUTLINE: RGBColor = RGBColor(64, 64, 64);
pub(super) const MISSING: RGBColor = RGBColor(217, 217, 217);
pub(super) const BACKGROUND: RGBColor = RGBColor(255, 255, 255);

/// Completion is the darker of the two rates everywhere, implementation the lighter: the
/// implemented measures include the completed ones, as a lighter shade includes a darker.
pub(super) const COMPLETION: RGBColor = BLUE;
pub(super) const IMPLEMENTATION: RGBColor = SKY_BLUE;
pub(super) const PROGRESS: RGBColor = INK;

/// Viridis at nine evenly spaced stops (matplotlib's values); lightness rises from dark purple
/// to yellow, so the shading reads in greyscale and with colour-vision deficiencies.
pub(super) const VIRIDIS: [(u8, u8, u8); 9] = [
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
pub(super) fn viridis(value: f64) -> RGBColor {
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
pub(super) fn is_dark(color: RGBColor) -> bool {
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
pub(super) const TITLE_SIZE: f64 = 27.0;
pub(super) const SUBTITLE_SIZE: f64 = 18.0;
pub(super) const LABEL_SIZE: f64 = 17.0;
pub(super) const VALUE_SIZE: f64 = 15.0;
pub(super) const FOOTER_SIZE: f64 = 15.0;
pub(super) const SMALLEST_SIZE: f64 = 11.0;

pub(super) fn style(size: f64, color: &'static RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    TextStyle::from((FAMILY, size).into_font())
        .color(color)
        .pos(Pos::new(h, v))
}

pub(super) fn bold(size: f64, color: &'static RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    // The (family, size, style) tuple: the bitmap backend ignores a style set afterwards.
    TextStyle::from((FAMILY, size, FontStyle::Bold).into_font())
        .color(color)
        .pos(Pos::new(h, v))
}

// ---------------------------------------------------------------------------------------------
// Indicator classes

/// Okabe–Ito colours used for the classes only.
pub(super) const BLUISH_GREEN: RGBColor = RGBColor(0, 158, 115); // L* 57
pub(super) const ORANGE: RGBColor = RGBColor(230, 159, 0); // L* 72
pub(super) const VERMILLION: RGBColor = RGBColor(213, 94, 0); // L* 56

/// The colour of an indicator class: blue for achieved, green for on track, yellow, orange and
/// vermillion as the outlook worsens, light grey for too little data, white for no target.
/// Colour is never the only cue: every cell and legend entry also carries [`class_code`].
pub(super) fn class_color(class: IndicatorClass) -> RGBColor {
    match class {
        IndicatorClass::Achieved => BLUE,
        IndicatorClass::OnTrack => BLUISH_GREEN,
        IndicatorClass::NeedsAcceleration => YELLOW,
        IndicatorClass::Stagnating => ORANGE,
        IndicatorClass::Regressing => VERMILLION,
        IndicatorClass::InsufficientData => MISSING,
        IndicatorClass::NoTarget => BACKGROUND,
    }
}

/// The short code printed in a class's cells and in the legend, so that the class reads in
/// greyscale and to a screen reader (the SVG's text): `ACH`, `ON`, `ACC`, `STG`, `REG`, `INS`,
/// `NT`.
pub fn class_code(class: IndicatorClass) -> &'static str {
    match class {
        IndicatorClass::Achieved => "ACH",
        IndicatorClass::OnTrack => "ON",
        IndicatorClass::NeedsAcceleration => "ACC",
        IndicatorClass::Stagnating => "STG",
        IndicatorClass::Regressing => "REG",
        IndicatorClass::InsufficientData => "INS",
        IndicatorClass::NoTarget => "NT",
    }
}

/// The classes in the order charts and tables list them: best outlook first.
pub const CLASS_ORDER: [IndicatorClass; 7] = [
    IndicatorClass::Achieved,
    IndicatorClass::OnTrack,
    IndicatorClass::NeedsAcceleration,
    IndicatorClass::Stagnating,
    IndicatorClass::Regressing,
    IndicatorClass::InsufficientData,
    IndicatorClass::NoTarget,
];
