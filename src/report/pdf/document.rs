//! The report's content, section by section, laid out with [`super::layout`].

use super::*;
use crate::report::html::PlainTable;

impl<'a> Layout<'a> {
    // -----------------------------------------------------------------------------------------
    // The report's content

    pub(super) fn report(&mut self, r: &Report) -> Result<(), ReportError> {
        self.cover(r);
        for section in &r.sections {
            self.heading(section.number, &section.title, section.new_page);
            match section.id {
                "executive-summary" => self.executive_summary(r),
                "summary" => self.summary(r),
                "top" => {
                    self.intro(&r.text.top_intro);
                    self.place_figure(r, "top")?;
                    let mut rows: Vec<Row> = r.top.iter().map(node_row).collect();
                    rows.push(node_row(&r.overall));
                    self.table(&r.text.top_caption, &node_columns(&r.top_level), &rows);
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
                    self.table(
                        &r.text.second_caption,
                        &node_columns(&r.second_level),
                        &rows,
                    );
                }
                "states" => {
                    self.intro(r.text.states_intro);
                    self.place_figure(r, "comparison")?;
                    let rows: Vec<Row> = r.comparison.iter().map(comparison_row).collect();
                    self.table(r.text.states_caption, &comparison_columns(), &rows);
                    if r.figures.iter().any(|f| f.place == "heatmap") {
                        self.subheading(&r.text.heat_title);
                        self.intro(&r.heat_intro);
                        self.place_figure(r, "heatmap")?;
                    }
                }
                "distribution" => {
                    self.intro(&r.text.distribution_intro);
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
                        r.text.distribution_caption,
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
                    self.table(r.text.timeline_caption, &columns, &rows);
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
                        self.table(
                            &r.text.not_started_caption,
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
                        self.table(
                            &r.text.stale_caption,
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
                "completeness" => {
                    self.intro(&r.completeness_intro);
                    for t in &r.completeness {
                        self.plain_table(t);
                    }
                }
                "indicators" => {
                    self.intro(&r.indicators);
                    self.place_figure(r, "indicator-snapshot")?;
                    for (i, t) in r.indicator_tables.iter().enumerate() {
                        if i == 1 {
                            self.place_figure(r, "indicator-classes")?;
                        }
                        self.plain_table(t);
                    }
                    for (i, figure) in r.figures.iter().enumerate() {
                        if figure.place == "indicator-trend" {
                            self.figure(i, figure)?;
                        }
                    }
                }
                "claims" => self.claims(r),
                "methods" => self.methods(r),
                _ => {}
            }
        }
        self.annexes(&r.annex);
        if let Some(mark) = r.mark {
            self.mark_every_page(mark);
        }
        Ok(())
    }

    /// The mark at the head of every page, the cover included, centred above the text.
    fn mark_every_page(&mut self, mark: &str) {
        let text = mark.to_uppercase();
        let size = 7.5;
        let w = self.metrics[Face::Bold.index()].width(&text, size);
        let x = LEFT + (WIDTH - w) / 2.0;
        for page in &mut self.pages {
            page.push(Op::Rect {
                x: x - 6.0,
                y: 22.0,
                w: w + 12.0,
                h: 0.8,
                color: INK,
            });
            page.push(Op::Text {
                x,
                y: 34.0,
                size,
                face: Face::Bold,
                color: INK,
                text: text.clone(),
            });
            page.push(Op::Rect {
                x: x - 6.0,
                y: 38.5,
                w: w + 12.0,
                h: 0.8,
                color: INK,
            });
        }
    }

    /// A table of text cells: the first column flexible, numbers right-aligned.
    pub(super) fn plain_table(&mut self, t: &PlainTable) {
        let columns: Vec<Column> = t
            .head
            .iter()
            .zip(&t.numeric)
            .enumerate()
            .map(|(i, (h, &numeric))| {
                if numeric {
                    Column::num(h)
                } else if i == 0 {
                    Column::flex(h)
                } else {
                    Column::left(h)
                }
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
        self.table(&t.caption, &columns, &rows);
    }

    pub(super) fn intro(&mut self, text: &str) {
        self.paragraph(text, Face::Regular, BODY, MUTED, 0.0);
    }

    pub(super) fn place_figure(&mut self, r: &Report, place: &str) -> Result<(), ReportError> {
        if let Some((i, figure)) = r.figures.iter().enumerate().find(|(_, f)| f.place == place) {
            self.figure(i, figure)?;
        }
        Ok(())
    }

    pub(super) fn cover(&mut self, r: &Report) {
        self.push(Op::Rect {
            x: 0.0,
            y: 0.0,
            w: PAGE_W,
            h: 8.0,
            color: ACCENT,
        });
        self.y = 150.0;
        self.text(
            LEFT,
            self.y,
            9.0,
            Face::Bold,
            ACCENT,
            &r.kicker.to_uppercase(),
        );
        self.y += 16.0;
        for line in self.wrap(&r.title, Face::Bold, 24.0, WIDTH) {
            self.y += 29.0;
            self.text(LEFT, self.y, 24.0, Face::Bold, INK, &line);
        }
        self.y += 26.0;
        self.text(LEFT, self.y, 15.0, Face::Regular, MUTED, &r.subtitle);
        self.y += 40.0;

        let facts = r.cover_facts();
        let logo_at = facts
            .iter()
            .position(|(label, _)| matches!(*label, "Issued by" | "Period"));
        let label_w = 100.0;
        for (i, (label, value)) in facts.into_iter().enumerate() {
            if let Some(logo) = r.logo.as_ref().filter(|_| logo_at == Some(i)) {
                self.logo(logo, LEFT + label_w);
            }
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
        // The sections, then the annexes ("A", "B", "C"), in two columns.
        let entries: Vec<(String, String)> = r
            .sections
            .iter()
            .map(|s| (s.number.to_string(), s.title.clone()))
            .chain(r.annex.entries())
            .collect();
        let per_column = entries.len().div_ceil(2);
        let top = self.y;
        for (i, (label, title)) in entries.iter().enumerate() {
            let x = if i < per_column {
                LEFT
            } else {
                LEFT + WIDTH / 2.0
            };
            let y = top + (i % per_column.max(1)) as f32 * (BODY_LEADING + 1.0);
            self.text(x, y, BODY, Face::Regular, MUTED, label);
            let title = self
                .wrap(title, Face::Regular, BODY, WIDTH / 2.0 - 30.0)
                .into_iter()
                .next()
                .unwrap_or_default();
            self.text(x + 20.0, y, BODY, Face::Regular, INK, &title);
        }
        self.y = top + per_column as f32 * (BODY_LEADING + 1.0);
    }

    pub(super) fn summary(&mut self, r: &Report) {
        if let Some(caveat) = &r.caveat {
            self.paragraph(caveat, Face::Bold, BODY, INK, 0.0);
        }
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

    /// "Official figures checked": each claim quoted with its source (the link live), its
    /// facts, then every rule's figure as known on its publication day and at the report's
    /// instant, and the verdicts in a sentence each.
    pub(super) fn claims(&mut self, r: &Report) {
        use crate::report::claims::{HEAD, INTRO, NO_CLAIM};
        if r.claims.is_empty() {
            self.intro(NO_CLAIM);
            return;
        }
        self.intro(INTRO);
        for c in &r.claims {
            self.subheading(&c.heading);
            // The statement, quoted, with a bar in the margin.
            let quoted = format!("\u{201c}{}\u{201d}", c.statement);
            let lines = self.wrap(&quoted, Face::Regular, BODY, WIDTH - 12.0);
            for line in lines {
                self.room(BODY_LEADING);
                self.push(Op::Rect {
                    x: LEFT,
                    y: self.y,
                    w: 2.2,
                    h: BODY_LEADING,
                    color: ACCENT,
                });
                self.text(LEFT + 12.0, self.y + BODY, BODY, Face::Regular, INK, &line);
                self.y += BODY_LEADING;
            }
            self.y += 6.0;
            self.paragraph(
                &format!("Source: {}", c.source_title),
                Face::Regular,
                BODY,
                INK,
                0.0,
            );
            if let Some(url) = &c.source_url {
                self.link(url);
            }
            let label_w = 80.0;
            for (label, value) in &c.facts {
                let lines = self.wrap(value, Face::Regular, 8.8, WIDTH - label_w);
                self.room(lines.len() as f32 * 12.4);
                self.text(LEFT, self.y + 8.8, 8.2, Face::Regular, MUTED, label);
                for line in lines {
                    self.text(LEFT + label_w, self.y + 8.8, 8.8, Face::Regular, INK, &line);
                    self.y += 12.4;
                }
                self.y += 1.5;
            }
            self.y += 4.0;
            if let Some(s) = &c.supersession {
                self.paragraph(s, Face::Bold, BODY, INK, 0.0);
            }
            if let Some(list) = &c.measure_list {
                self.paragraph(list, Face::Regular, BODY, INK, 0.0);
            }
            // The verdicts share the spare width with the rules only when they carry reasons.
            let reasons = c
                .checks
                .iter()
                .any(|g| g.rows.iter().any(|row| !row.reason.is_empty()));
            let columns = [
                Column::flex(HEAD[0]),
                Column::num(HEAD[1]),
                Column::left(HEAD[2]),
                Column::num(HEAD[3]),
                if reasons {
                    Column::flex(HEAD[4])
                } else {
                    Column::left(HEAD[4])
                },
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
            self.table(&c.caption, &columns, &rows);
            self.y -= 6.0;
            for g in &c.checks {
                self.paragraph(
                    &format!("{}: {}", g.lead, g.summary),
                    Face::Regular,
                    BODY,
                    INK,
                    0.0,
                );
            }
            self.y += 8.0;
        }
    }

    /// `url` printed in the accent colour (broken where it must be), each line a live link.
    pub(super) fn link(&mut self, url: &str) {
        let size = 8.2;
        let leading = 11.0;
        for line in self.wrap(url, Face::Regular, size, WIDTH) {
            self.room(leading);
            let w = self.width(Face::Regular, &line, size);
            self.text(LEFT, self.y + size, size, Face::Regular, ACCENT, &line);
            self.push(Op::Link {
                x: LEFT,
                y: self.y,
                w,
                h: leading,
                url: url.to_owned(),
            });
            self.y += leading;
        }
        self.y += size * 0.5;
    }

    pub(super) fn methods(&mut self, r: &Report) {
        self.intro(r.text.methods_intro);
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
    pub(super) fn footers(&mut self, colophon: &str) {
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

pub(super) fn node_columns(level: &str) -> Vec<Column> {
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

pub(super) fn rate_cells(row: &RateRow) -> Vec<Cell> {
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

pub(super) fn style_of(kind: RowKind) -> RowStyle {
    match kind {
        RowKind::Item => RowStyle::Normal,
        RowKind::Rule => RowStyle::Rule,
        RowKind::Total => RowStyle::Total,
    }
}

pub(super) fn node_row(row: &RateRow) -> Row {
    let mut cells = vec![row.code.as_str().into(), row.label.as_str().into()];
    cells.extend(rate_cells(row));
    Row {
        style: style_of(row.kind),
        cells,
    }
}

pub(super) fn node_row_without_title(row: &RateRow) -> Row {
    let mut cells = vec![row.code.as_str().into()];
    cells.extend(rate_cells(row));
    Row {
        style: style_of(row.kind),
        cells,
    }
}

pub(super) fn comparison_columns() -> Vec<Column> {
    let mut columns = node_columns("");
    columns.remove(1);
    columns[0] = Column::flex("Member state or rule");
    columns
}

/// The scope or rule in bold, with what it is and the rule that produced it below.
pub(super) fn comparison_row(row: &RateRow) -> Row {
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
