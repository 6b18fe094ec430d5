//! The review report as an editable Word document (`.docx`, Office Open XML): the PDF's
//! content in the PDF's order, worded by the same [`Report`], but as a word processor's
//! document: the section titles in the styles Heading 1 and 2 (the navigation pane and a table
//! of contents find them), a contents field over them, every table a real table whose header
//! row repeats on each page, the charts as PNG pictures with their captions, the methods note.
//!
//! Why by hand: the package is a handful of small XML parts in a ZIP, and the project already
//! builds the `zip` crate; docx-rs would add a dependency tree for what ~600 lines write, and
//! writing the parts ourselves keeps the bytes fixed (no clock, no random ids): the same data
//! give the same file, which the examples' drift test relies on. The document's dates are
//! the report's generation time.

mod annex;
mod body;
mod parts;
mod summary;
#[cfg(test)]
mod tests;

use body::{Body, Cell, Column, Kind, Row, RowStyle, Run};

use crate::report::ReviewData;
use crate::report::bundle::RenderError;
use crate::report::charts::{self, Chart};
use crate::report::html::{Figure, PlainTable, RateRow, Report, RowKind};

/// Renders the review report as a `.docx` document. The charts are drawn as PNG here, one
/// thread a chart (rasterising is the slow part).
///
/// # Errors
/// A chart cannot be drawn, or the package cannot be written (bugs, not data problems).
pub fn render(data: &ReviewData) -> Result<Vec<u8>, RenderError> {
    // The report's wording and figure list; the figures' SVGs are not needed here.
    let placeholders: Vec<(Chart, String)> = Chart::ALL
        .into_iter()
        .map(|chart| (chart, String::new()))
        .collect();
    let report = Report::new(data, &placeholders).with_trends(data)?;
    let pngs = figure_pngs(data, &report.figures)?;
    let mut doc = Doc {
        body: Body::new(parts::FIRST_BODY_REL),
        pngs,
    };
    doc.report(&report);
    let title = format!("{} — {}", report.title, report.subtitle);
    let generated = data
        .generated_at
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    parts::package(
        &doc.body,
        &parts::Meta {
            title: &title,
            subject: report.kicker,
            generated: &generated,
            colophon: &report.colophon,
            mark: report.mark,
        },
    )
}

/// Each figure of the report as PNG, in the figures' order.
fn figure_pngs(data: &ReviewData, figures: &[Figure]) -> Result<Vec<Vec<u8>>, RenderError> {
    std::thread::scope(|scope| {
        let drawing: Vec<_> = figures
            .iter()
            .map(|figure| {
                let name = figure.name.clone();
                scope.spawn(move || {
                    let png = match Chart::from_name(&name) {
                        Some(chart) => charts::png(chart, data).map_err(|e| e.to_string()),
                        None => {
                            let code = name.strip_prefix("trend-").unwrap_or(&name);
                            charts::TrendChart::of_review(data, code)
                                .ok_or_else(|| format!("no indicator `{code}`"))
                                .and_then(|chart| {
                                    charts::indicator_trend_png(&chart).map_err(|e| e.to_string())
                                })
                        }
                    };
                    png.map_err(|e| RenderError::Chart(format!("{name}: {e}")))
                })
            })
            .collect();
        drawing
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .map_err(|_| RenderError::Chart("a chart's thread failed".into()))?
            })
            .collect()
    })
}

struct Doc {
    body: Body,
    /// The PNG of each of the report's figures, by index.
    pngs: Vec<Vec<u8>>,
}

impl Doc {
    fn report(&mut self, r: &Report) {
        self.cover(r);
        for section in &r.sections {
            if section.new_page {
                self.body.page_break();
            }
            self.body
                .heading(1, &format!("{}. {}", section.number, section.title));
            match section.id {
                "executive-summary" => self.executive_summary(r),
                "summary" => self.summary(r),
                "top" => {
                    self.intro(&r.text.top_intro);
                    self.place_figure(r, "top");
                    let mut rows: Vec<Row> = r.top.iter().map(node_row).collect();
                    rows.push(node_row(&r.overall));
                    self.body
                        .table(&r.text.top_caption, &node_columns(&r.top_level), &rows);
                }
                "second" => {
                    self.intro(&r.text.second_intro);
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
                    self.body.table(
                        &r.text.second_caption,
                        &node_columns(&r.second_level),
                        &rows,
                    );
                }
                "states" => {
                    self.intro(r.text.states_intro);
                    self.place_figure(r, "comparison");
                    let rows: Vec<Row> = r.comparison.iter().map(comparison_row).collect();
                    self.body
                        .table(r.text.states_caption, &comparison_columns(), &rows);
                    if r.figures.iter().any(|f| f.place == "heatmap") {
                        self.body.heading(2, &r.text.heat_title);
                        self.intro(&r.heat_intro);
                        self.place_figure(r, "heatmap");
                    }
                }
                "distribution" => {
                    self.intro(&r.text.distribution_intro);
                    self.place_figure(r, "distribution");
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
                    self.body.table(
                        r.text.distribution_caption,
                        &[
                            Column::new("Status", Kind::Flex),
                            Column::new("Measures", Kind::Num),
                            Column::new("Share of all measures", Kind::Num),
                        ],
                        &rows,
                    );
                }
                "timeline" => {
                    self.intro(&r.timeline_intro);
                    self.place_figure(r, "timeline");
                    let rows: Vec<Row> = r.timeline.iter().map(node_row_without_title).collect();
                    let mut columns = node_columns("");
                    columns.remove(1);
                    if let Some(first) = columns.first_mut() {
                        *first = Column::new("As of", Kind::Left);
                    }
                    self.body.table(r.text.timeline_caption, &columns, &rows);
                }
                "not-started" => {
                    self.intro(&r.not_started_intro);
                    if r.not_started.is_empty() {
                        self.intro(&r.text.not_started_none);
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
                        self.body.table(
                            &r.text.not_started_caption,
                            &[
                                Column::new("Code", Kind::Left),
                                Column::new("Strategic measure", Kind::Flex),
                                Column::new("Not started in", Kind::Left),
                                Column::new("Latest report", Kind::Num),
                            ],
                            &rows,
                        );
                    }
                }
                "stale" => {
                    self.intro(&r.stale_intro);
                    if r.stale.is_empty() {
                        self.intro(&r.text.stale_none);
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
                        self.body.table(
                            &r.text.stale_caption,
                            &[
                                Column::new("Code", Kind::Left),
                                Column::new("Strategic measure", Kind::Flex),
                                Column::new("Regional status", Kind::Left),
                                Column::new("Latest report", Kind::Num),
                            ],
                            &rows,
                        );
                    }
                }
                "completeness" => {
                    self.intro(&r.completeness_intro);
                    for t in &r.completeness {
                        self.plain_table(t);
                    }
                }
                "indicators" => {
                    self.intro(&r.indicators);
                    self.place_figure(r, "indicator-snapshot");
                    for (i, t) in r.indicator_tables.iter().enumerate() {
                        if i == 1 {
                            self.place_figure(r, "indicator-classes");
                        }
                        self.plain_table(t);
                    }
                    for (i, figure) in r.figures.iter().enumerate() {
                        if figure.place == "indicator-trend" {
                            self.figure(i, figure);
                        }
                    }
                }
                "claims" => self.claims(r),
                "methods" => self.methods(r),
                _ => {}
            }
        }
        self.annexes(&r.annex);
    }

    fn intro(&mut self, text: &str) {
        self.body.text(Some("Intro"), text);
    }

    fn place_figure(&mut self, r: &Report, place: &str) {
        if let Some((i, figure)) = r.figures.iter().enumerate().find(|(_, f)| f.place == place) {
            self.figure(i, figure);
        }
    }

    fn figure(&mut self, i: usize, figure: &Figure) {
        if let Some(png) = self.pngs.get_mut(i) {
            let png = std::mem::take(png);
            self.body.image(png, &figure.title, &figure.caption);
        }
    }

    /// A table of text cells: the first column flexible, numbers right-aligned.
    fn plain_table(&mut self, t: &PlainTable) {
        let columns: Vec<Column> = t
            .head
            .iter()
            .zip(&t.numeric)
            .enumerate()
            .map(|(i, (h, &numeric))| {
                let kind = if numeric {
                    Kind::Num
                } else if i == 0 {
                    Kind::Flex
                } else {
                    Kind::Left
                };
                Column::new(h, kind)
            })
            .collect();
        let rows: Vec<Row> = t
            .rows
            .iter()
            .map(|cells| Row {
                style: RowStyle::Normal,
                cells: cells.iter().map(|c| c.as_str().into()).collect(),
            })
            .collect();
        self.body.table(&t.caption, &columns, &rows);
    }

    /// The cover, as the PDF's: the kicker, the title, the subtitle, the facts (label, tab,
    /// value) with the issuer's logo above its name, then the contents (a table-of-contents
    /// field over the section headings).
    fn cover(&mut self, r: &Report) {
        self.body.text(Some("Kicker"), r.kicker);
        self.body.text(Some("Title"), &r.title);
        self.body.text(Some("Subtitle"), &r.subtitle);

        let facts = r.cover_facts();
        let logo_at = facts
            .iter()
            .position(|(label, _)| matches!(*label, "Issued by" | "Period"));
        for (i, (label, value)) in facts.into_iter().enumerate() {
            if let Some(logo) = r.logo.as_ref().filter(|_| logo_at == Some(i)) {
                self.body.logo(
                    logo.png.clone(),
                    &logo.alt,
                    (logo.width_mm, logo.height_mm),
                    "Fact",
                    // In the facts' value column, kept with the issuer's name below it.
                    "<w:keepNext/><w:ind w:left=\"2000\" w:hanging=\"0\"/>",
                );
            }
            self.body.paragraph(
                Some("Fact"),
                &[
                    Run {
                        text: format!("{label}\t"),
                        style: Some("Muted"),
                        ..Run::default()
                    },
                    Run::plain(&value),
                ],
            );
        }

        let mut entries: Vec<(u8, String)> = r
            .sections
            .iter()
            .map(|s| (1, format!("{}. {}", s.number, s.title)))
            .collect();
        entries.extend(r.annex.contents().map(|line| (1, line)));
        self.body.contents(&entries);
    }

    /// The headline figures as a table (label over value over what it counts), then the
    /// summary's paragraphs.
    fn summary(&mut self, r: &Report) {
        let columns: Vec<Column> = r
            .headlines
            .iter()
            .map(|h| Column::new(h.label, Kind::Left))
            .collect();
        let rows = vec![
            Row {
                style: RowStyle::Total,
                cells: r.headlines.iter().map(|h| h.value.clone().into()).collect(),
            },
            Row {
                style: RowStyle::Normal,
                cells: r
                    .headlines
                    .iter()
                    .map(|h| h.detail.clone().into())
                    .collect(),
            },
        ];
        self.body.table("Headline figures", &columns, &rows);
        for p in &r.summary {
            self.body.text(None, p);
        }
    }

    /// "Official figures checked": each claim quoted, its source (a live link), its facts,
    /// every rule's figure at the two knowledge dates, the verdicts in a sentence each.
    fn claims(&mut self, r: &Report) {
        use crate::report::claims::{HEAD, INTRO, NO_CLAIM};
        if r.claims.is_empty() {
            self.intro(NO_CLAIM);
            return;
        }
        self.intro(INTRO);
        for c in &r.claims {
            self.body.heading(2, &c.heading);
            self.body
                .text(Some("Quote"), &format!("\u{201c}{}\u{201d}", c.statement));
            self.body.text(None, &format!("Source: {}", c.source_title));
            if let Some(url) = &c.source_url {
                self.body.link(url);
            }
            for (label, value) in &c.facts {
                self.body.paragraph(
                    Some("Fact"),
                    &[
                        Run {
                            text: format!("{label}\t"),
                            style: Some("Muted"),
                            ..Run::default()
                        },
                        Run::plain(value),
                    ],
                );
            }
            if let Some(s) = &c.supersession {
                self.body.paragraph(None, &[Run::bold(s)]);
            }
            if let Some(list) = &c.measure_list {
                self.body.text(None, list);
            }
            let columns = [
                Column::new(HEAD[0], Kind::Flex),
                Column::new(HEAD[1], Kind::Num),
                Column::new(HEAD[2], Kind::Left),
                Column::new(HEAD[3], Kind::Num),
                Column::new(HEAD[4], Kind::Left),
            ];
            let mut rows = Vec::new();
            for g in &c.checks {
                rows.push(Row {
                    style: RowStyle::Group,
                    cells: vec![g.title.as_str().into()],
                });
                for row in &g.rows {
                    rows.push(Row {
                        style: RowStyle::Normal,
                        cells: vec![
                            Cell {
                                text: row.rule.to_owned(),
                                sub: format!("rule: {}", row.code),
                            },
                            row.figure.as_str().into(),
                            row.rests_on.as_str().into(),
                            row.difference.as_str().into(),
                            Cell {
                                text: row.verdict.to_owned(),
                                sub: row.reason.clone(),
                            },
                        ],
                    });
                }
            }
            self.body.table(&c.caption, &columns, &rows);
            for g in &c.checks {
                self.body.text(None, &format!("{}: {}", g.lead, g.summary));
            }
        }
    }

    /// The methods note: each term in bold, its definition indented under it.
    fn methods(&mut self, r: &Report) {
        self.intro(r.text.methods_intro);
        for d in &r.methods {
            self.body.text(Some("Term"), &d.term);
            self.body.text(Some("Definition"), &d.text);
        }
    }
}

fn node_columns(level: &str) -> Vec<Column> {
    let mut columns = vec![
        Column::new("Code", Kind::Left),
        Column::new(if level.is_empty() { "Title" } else { level }, Kind::Flex),
    ];
    columns.extend(
        [
            "Measures",
            "Applicable",
            "Completed",
            "Ongoing",
            "Not started",
            "N/A",
            "Completion",
            "Implementation",
            "Progress index",
        ]
        .map(|h| Column::new(h, Kind::Num)),
    );
    columns
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
    columns[0] = Column::new("Member state or rule", Kind::Flex);
    columns
}

/// The scope or rule, with what it is and the rule that produced it below.
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
