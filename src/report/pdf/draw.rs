//! Drawing the laid-out pages with krilla.

use chrono::{DateTime, Datelike, Timelike, Utc};
use krilla::SerializeSettings;
use krilla::configure::{Archival, ConfigurationBuilder, PdfVersion};
use krilla::error::KrillaError;
use krilla::tagging::{Artifact, ArtifactType, ContentTag, Identifier, SpanTag};

use super::*;

// ---------------------------------------------------------------------------------------------
// Drawing with krilla

pub(super) fn draw(
    report: &Report,
    generated_at: DateTime<Utc>,
    mut layout: Layout<'_>,
    fonts: &Fonts,
) -> Result<Vec<u8>, ReportError> {
    layout.footers(&format!("{} · {}", report.title, report.subtitle));
    let krilla = |e: KrillaError| ReportError::Pdf(format!("{e:?}"));
    match write(report, generated_at, &layout, fonts, true)? {
        // krilla refuses to write what would not conform to PDF/A-2b (a glyph no font has,
        // say): the report is still written, tagged, without claiming conformance.
        Err(KrillaError::Validation(errors)) => {
            tracing::warn!(
                ?errors,
                "the review PDF cannot be PDF/A-2b: written without the PDF/A claim"
            );
            write(report, generated_at, &layout, fonts, false)?.map_err(krilla)
        }
        other => other.map_err(krilla),
    }
}

/// The PDF/A-2b configuration (PDF 1.7), or plain PDF 1.7 without a validator.
fn settings(archival: bool) -> SerializeSettings {
    let configuration = if archival {
        ConfigurationBuilder::new().with_archival_validator(Archival::A2_B)
    } else {
        ConfigurationBuilder::new()
    }
    .with_version(PdfVersion::Pdf17)
    .finish()
    .unwrap_or_default();
    SerializeSettings {
        configuration,
        enable_tagging: true,
        ..SerializeSettings::default()
    }
}

/// The document's creation (and modification) date: the report's generation time, never the
/// clock, so that the same data give the same bytes.
fn creation_date(at: DateTime<Utc>) -> krilla::metadata::DateTime {
    let two = |n: u32| u8::try_from(n).unwrap_or(0);
    krilla::metadata::DateTime::new(u16::try_from(at.year()).unwrap_or(1970))
        .month(two(at.month()))
        .day(two(at.day()))
        .hour(two(at.hour()))
        .minute(two(at.minute()))
        .second(two(at.second()))
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}

/// Writes the laid-out pages: each operation inside the marked-content sequence of its run (or
/// as an artifact), the links as tagged annotations, then the outline, the metadata and the
/// tag tree. The outer error is ours (a chart krilla-svg cannot draw), the inner krilla's.
fn write(
    report: &Report,
    generated_at: DateTime<Utc>,
    layout: &Layout<'_>,
    fonts: &Fonts,
    archival: bool,
) -> Result<Result<Vec<u8>, KrillaError>, ReportError> {
    let mut document = Document::new_with(settings(archival));
    let page_settings = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| ReportError::Pdf("A4 is not a valid page size".into()))?;
    let structure = &layout.structure;
    let mut ids: Vec<Option<Identifier>> = vec![None; structure.run_count()];
    let mut failed = None;
    for (p, ops) in layout.pages.iter().enumerate() {
        let mut page = document.start_page_with(page_settings.clone());
        let mut surface = page.surface();
        let mut open: Option<Mark> = None;
        for (i, op) in ops.iter().enumerate() {
            // Links are annotations, added once the surface is finished.
            if matches!(op, Op::Link { .. }) {
                continue;
            }
            let mark = structure.mark(p, i);
            if open != Some(mark) {
                if open.is_some() {
                    surface.end_tagged();
                }
                let id = surface.start_tagged(content_tag(mark, op));
                if let Mark::Run(run) = mark
                    && let Some(slot) = ids.get_mut(run)
                {
                    *slot = Some(id);
                }
                open = Some(mark);
            }
            // On an error the page is still finished (krilla insists on every marked-content
            // sequence being closed), then the error returned.
            if let Err(e) = draw_op(&mut surface, op, layout.charts, fonts) {
                failed.get_or_insert(e);
            }
        }
        if open.is_some() {
            surface.end_tagged();
        }
        surface.finish();
        for (i, op) in ops.iter().enumerate() {
            if let Op::Link { x, y, w, h, url } = op
                && let Some(rect) = Rect::from_xywh(*x, *y, *w, *h)
            {
                let annotation = LinkAnnotation::new(
                    rect,
                    Target::Action(Action::Link(LinkAction::new(url.clone()))),
                )
                .into();
                match structure.mark(p, i) {
                    Mark::Run(run) => {
                        let id = page.add_tagged_annotation(annotation);
                        if let Some(slot) = ids.get_mut(run) {
                            *slot = Some(id);
                        }
                    }
                    _ => page.add_annotation(annotation),
                }
            }
        }
        page.finish();
        if let Some(e) = failed.take() {
            return Err(e);
        }
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
            .creator("blueprint-tracker".to_owned())
            .creation_date(creation_date(generated_at)),
    );
    document.set_tag_tree(structure.tag_tree(&ids));
    Ok(document.finish())
}

/// The marked-content tag a run of operations is drawn in.
fn content_tag(mark: Mark, first: &Op) -> ContentTag<'static> {
    match mark {
        Mark::Run(_) if matches!(first, Op::Chart { .. } | Op::Logo { .. }) => ContentTag::Other,
        Mark::Run(_) => ContentTag::Span(SpanTag::empty()),
        Mark::Decoration => ContentTag::Artifact(Artifact::with_kind(ArtifactType::Layout)),
        Mark::Pagination => {
            ContentTag::Artifact(Artifact::with_kind(ArtifactType::PaginationOther))
        }
        Mark::Footer => ContentTag::Artifact(Artifact::with_kind(ArtifactType::Footer)),
    }
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
        Op::Logo { x, y, w, h } => charts.draw_logo(surface, *x, *y, *w, *h),
        // Added to the page once its surface is finished.
        Op::Link { .. } => {}
    }
    Ok(())
}
