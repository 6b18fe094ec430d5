//! Drawing the laid-out pages with krilla.

use super::*;

// ---------------------------------------------------------------------------------------------
// Drawing with krilla

pub(super) fn draw(
    report: &Report,
    mut layout: Layout<'_>,
    fonts: &Fonts,
) -> Result<Vec<u8>, ReportError> {
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

pub(super) fn fill(color: Rgb, opacity: f32) -> Fill {
    Fill {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        opacity: NormalizedF32::new(opacity.clamp(0.0, 1.0)).unwrap_or(NormalizedF32::ONE),
        rule: Default::default(),
    }
}

pub(super) fn draw_text(
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

pub(super) fn draw_op(
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
pub(super) fn draw_chart(
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
