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
            draw_op(&mut surface, op, layout.charts, fonts)?;
        }
        surface.finish();
        for op in ops {
            if let Op::Link { x, y, w, h, url } = op
                && let Some(rect) = Rect::from_xywh(*x, *y, *w, *h)
            {
                page.add_annotation(
                    LinkAnnotation::new(
                        rect,
                        Target::Action(Action::Link(LinkAction::new(url.clone()))),
                    )
                    .into(),
                );
            }
        }
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
    charts: &Charts,
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
        Op::Chart { x, y, w, h, figure } => charts.draw(surface, *figure, *x, *y, *w, *h)?,
        // Added to the page once its surface is finished.
        Op::Link { .. } => {}
    }
    Ok(())
}
