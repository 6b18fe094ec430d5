//! The report's charts in the PDF: each chart's SVG parsed once into a `usvg` tree, with DejaVu
//! (the charts' `font-family`, in which plotters measured their text) in its font database, and
//! drawn by krilla-svg as vector graphics. The chart text is the SVG's own, drawn by usvg and
//! embedded by krilla as real, selectable text.

use std::sync::Arc;

use krilla_svg::{SurfaceExt, SvgSettings};

use super::*;

/// The options charts are parsed with: the four DejaVu faces in the font database, DejaVu Sans
/// also as the generic sans-serif; built once per process.
fn options() -> &'static usvg::Options<'static> {
    static OPTIONS: OnceLock<usvg::Options<'static>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut fonts = usvg::fontdb::Database::new();
        for face in Face::ALL {
            fonts.load_font_data(face.bytes().to_vec());
        }
        fonts.set_sans_serif_family("DejaVu Sans");
        usvg::Options {
            font_family: "DejaVu Sans".to_owned(),
            fontdb: Arc::new(fonts),
            ..usvg::Options::default()
        }
    })
}

/// The report's charts as trees, in the order of [`Report::figures`], and the issuer's logo:
/// the pictures the PDF draws.
pub(super) struct Charts {
    trees: Vec<(String, usvg::Tree)>,
    logo: Option<krilla::image::Image>,
}

impl Charts {
    /// Parses every figure's SVG, and reads the logo's PNG header (the logo was checked when it
    /// was given; krilla decodes it when the document is written).
    ///
    /// # Errors
    /// usvg cannot parse one (a bug in the chart, not a data problem); krilla cannot read the
    /// logo.
    pub(super) fn parse(report: &Report) -> Result<Self, ReportError> {
        let trees = report
            .figures
            .iter()
            .map(|figure| {
                usvg::Tree::from_str(&figure.svg, options())
                    .map(|tree| (figure.name.clone(), tree))
                    .map_err(|e| ReportError::Chart {
                        chart: figure.name.clone(),
                        message: format!("usvg cannot parse the SVG: {e}"),
                    })
            })
            .collect::<Result<_, _>>()?;
        // Not interpolated: PDF/A forbids it.
        let logo = report
            .logo
            .as_ref()
            .map(|logo| krilla::image::Image::from_png(logo.png.clone().into(), false))
            .transpose()
            .map_err(|message| ReportError::Chart {
                chart: "logo".into(),
                message,
            })?;
        Ok(Self { trees, logo })
    }

    /// The width and height figure `index` declares.
    pub(super) fn size(&self, index: usize) -> Option<(f32, f32)> {
        let size = self.trees.get(index)?.1.size();
        Some((size.width(), size.height()))
    }

    /// Draws figure `index` into the box.
    ///
    /// # Errors
    /// krilla-svg cannot draw it.
    pub(super) fn draw(
        &self,
        surface: &mut Surface<'_>,
        index: usize,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    ) -> Result<(), ReportError> {
        let Some((name, tree)) = self.trees.get(index) else {
            return Ok(());
        };
        let size = tree.size();
        let error = |message: &str| ReportError::Chart {
            chart: name.clone(),
            message: message.to_owned(),
        };
        let drawn_size = krilla::geom::Size::from_wh(size.width(), size.height())
            .ok_or_else(|| error("the SVG has no usable size"))?;
        surface.push_transform(&Transform::from_row(
            w / size.width(),
            0.0,
            0.0,
            h / size.height(),
            x,
            y,
        ));
        let drawn = surface.draw_svg(tree, drawn_size, SvgSettings::default());
        surface.pop();
        drawn.ok_or_else(|| error("krilla-svg cannot draw the SVG"))
    }

    /// Draws the logo (if any) into the box.
    pub(super) fn draw_logo(&self, surface: &mut Surface<'_>, x: f32, y: f32, w: f32, h: f32) {
        let (Some(logo), Some(size)) = (&self.logo, krilla::geom::Size::from_wh(w, h)) else {
            return;
        };
        surface.push_transform(&Transform::from_translate(x, y));
        surface.draw_image(logo.clone(), size);
        surface.pop();
    }
}
