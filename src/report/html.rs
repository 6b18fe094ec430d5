//! The review report as one self-contained, printable HTML document (askama template
//! `reports/templates/review.html`), and the wording the HTML and the PDF share: section
//! titles, the figures written out with their counts, the rows of the tables, the methods note.
//! The PDF ([`super::pdf`]) is laid out from the same [`Report`] so the formats never disagree.
//! Nothing here computes a rate (the engine did); this only formats.

use std::collections::HashMap;
use std::sync::OnceLock;

use askama::Template;
use chrono::{DateTime, NaiveDate, Utc};

use super::charts::Chart;
use super::summary::{self, Block};
use super::{MeasureLine, ReviewData};
use crate::domain::{StateCode, Status};
use crate::engine::{MeanRate, Rate, Rule, percent, percent_of};

/// Why a report could not be rendered. Rendering fails only on a bug or a broken resource
/// (the template, the compiled-in font, a chart's SVG), never because of the figures.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("HTML template: {0}")]
    Template(#[from] askama::Error),
    #[error("PDF: {0}")]
    Pdf(String),
    #[error("font: {0}")]
    Font(String),
    #[error("chart `{chart}` cannot be drawn in the PDF: {message}")]
    Chart { chart: String, message: String },
    #[error("CSV: {0}")]
    Csv(String),
}

/// Renders the review report as a self-contained HTML document: the CSS inline, the charts
/// inline as SVG (`charts` in any order; a chart missing from the list is left out), no
/// external resource, and a print stylesheet for A4.
///
/// # Errors
/// The template fails to render (a bug).
pub fn render(data: &ReviewData, charts: &[(Chart, String)]) -> Result<String, ReportError> {
    let report = Report::new(data, charts).with_trends(data)?;
    Ok(ReviewPage { r: &report }.render()?)
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage<'a> {
    r: &'a Report,
}

impl ReviewPage<'_> {
    /// The figure drawn in `place`, if its chart was given.
    fn figure(&self, place: &str) -> Option<&Figure> {
        self.r.figures.iter().find(|f| f.place == place)
    }

    /// Every figure drawn in `place`, in order.
    fn figures_at(&self, place: &str) -> Vec<&Figure> {
        self.r.figures.iter().filter(|f| f.place == place).collect()
    }
}

/// A numbered section of the report.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    /// The HTML anchor (`summary`).
    pub id: &'static str,
    pub number: usize,
    pub title: String,
    /// Whether it starts on a new page in print (short sections follow the one before).
    pub new_page: bool,
}

/// One of the three headline rates.
#[derive(Debug, Clone)]
pub(crate) struct Headline {
    pub label: &'static str,
    /// "41.7%", or "–" when nothing is applicable.
    pub value: String,
    /// "5 of 12 applicable measures completed".
    pub detail: String,
}

/// What a row of a rate table stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowKind {
    /// A node, a member state or a date.
    Item,
    /// A cross-state figure (`all_states`, `mean_of_states`, `cells`) or the regional one.
    Rule,
    /// The total under a table.
    Total,
}

/// One row of a rate table, every cell ready to print.
#[derive(Debug, Clone)]
pub(crate) struct RateRow {
    pub kind: RowKind,
    pub code: String,
    pub label: String,
    /// The rule that produced the figures (`regional`, `scope`, `all_states`, …).
    pub rule: &'static str,
    /// measures, applicable, completed, ongoing, not started, not applicable; `None` for
    /// `mean_of_states`, which has no counts of its own.
    pub counts: Option<[String; 6]>,
    /// Said instead of the counts when there are none ("mean of 4 states").
    pub note: String,
    pub completion: String,
    pub implementation: String,
    pub progress: String,
}

/// The second-level rows under one top-level node.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub code: String,
    pub title: String,
    pub rows: Vec<RateRow>,
}

/// A table of text cells (the reporting-completeness tables): the first column names the row.
#[derive(Debug, Clone)]
pub(crate) struct PlainTable {
    pub caption: String,
    pub head: Vec<String>,
    /// Which columns hold numbers (right-aligned).
    pub numeric: Vec<bool>,
    pub rows: Vec<Vec<String>>,
}

/// How many rounds the state × round matrix shows (the latest; the API's CSV has them all).
const MATRIX_ROUNDS: usize = 8;

/// A round standing in words for the report.
fn standing_text(code: &str) -> &'static str {
    match code {
        "submitted_on_time" => "On time",
        "submitted_late" => "Late",
        "missing" => "Missing",
        "open" => "Not yet due",
        "returned" => "Returned",
        _ => "–",
    }
}

fn completeness_tables(data: &ReviewData) -> (String, Vec<PlainTable>) {
    let moment = data.known_at.unwrap_or(data.generated_at);
    if data.rounds.is_empty() {
        return (
            format!(
                "No reporting round of this framework has its statuses as of {} or earlier.",
                data.as_of
            ),
            Vec::new(),
        );
    }
    let intro = format!(
        "The reporting rounds whose statuses are as of {} or earlier, as known at {}: who \
         submitted on time, late or not at all. Completeness = submitted ÷ expected member \
         states; timeliness = submitted on time ÷ expected member states. A submission is on \
         time until the end of its due date anywhere in ASEAN (17:30 UTC). Coverage = \
         applicable measures with a report effective within the round's period ÷ applicable \
         measures.",
        data.as_of,
        instant(moment)
    );
    let with_of = |n: u64, d: u64| format!("{} ({n} of {d})", dash(percent(n, d)));
    let rounds = PlainTable {
        caption: format!(
            "Reporting rounds up to {} ({})",
            data.as_of,
            data.rounds.len()
        ),
        head: [
            "Round",
            "Statuses as of",
            "Due",
            "Completeness",
            "Timeliness",
            "Late",
            "Missing",
            "Returned",
            "Not yet due",
        ]
        .map(str::to_owned)
        .to_vec(),
        numeric: vec![false, false, false, true, true, true, true, true, true],
        rows: data
            .rounds
            .iter()
            .map(|r| {
                vec![
                    r.code.clone(),
                    r.period_end.to_string(),
                    r.due_on.to_string(),
                    with_of(r.submitted, r.participants),
                    with_of(r.on_time, r.participants),
                    count(r.late),
                    count(r.missing),
                    count(r.returned),
                    count(r.open),
                ]
            })
            .collect(),
    };
    let shown = &data.rounds[data.rounds.len().saturating_sub(MATRIX_ROUNDS)..];
    let mut states: Vec<StateCode> = shown
        .iter()
        .flat_map(|r| r.standings.iter().map(|(s, _)| s.clone()))
        .collect();
    states.sort_by_key(state_name);
    states.dedup();
    let matrix = PlainTable {
        caption: if shown.len() < data.rounds.len() {
            format!("Member state × round (the latest {})", shown.len())
        } else {
            "Member state × round".to_owned()
        },
        head: std::iter::once("Member state".to_owned())
            .chain(shown.iter().map(|r| r.code.clone()))
            .collect(),
        numeric: vec![false; shown.len() + 1],
        rows: states
            .iter()
            .map(|state| {
                std::iter::once(state_name(state))
                    .chain(shown.iter().map(|r| {
                        r.standings
                            .iter()
                            .find(|(s, _)| s == state)
                            .map_or("–", |(_, code)| standing_text(code))
                            .to_owned()
                    }))
                    .collect()
            })
            .collect(),
    };
    let mut tables = vec![rounds, matrix];
    if let Some(latest) = data.rounds.last().filter(|r| !r.coverage.is_empty()) {
        let mut lines = latest.coverage.clone();
        lines.sort_by_key(|c| state_name(&c.state));
        tables.push(PlainTable {
            caption: format!(
                "Coverage of round {} ({} to {})",
                latest.code, latest.period_start, latest.period_end
            ),
            head: [
                "Member state",
                "Applicable",
                "Reported this round",
                "Carried forward",
                "No report at period end",
                "Coverage",
            ]
            .map(str::to_owned)
            .to_vec(),
            numeric: vec![false, true, true, true, true, true],
            rows: lines
                .iter()
                .map(|c| {
                    vec![
                        state_name(&c.state),
                        count(c.applicable),
                        count(c.reported_this_round),
                        count(c.carried_forward),
                        count(c.never_reported),
                        dash(percent(c.reported_this_round, c.applicable)),
                    ]
                })
                .collect(),
        });
    }
    (intro, tables)
}

/// One status of the distribution table.
#[derive(Debug, Clone)]
pub(crate) struct DistributionRow {
    pub status: &'static str,
    /// The CSS class of its colour swatch (`not-started`).
    pub class: &'static str,
    pub measures: String,
    /// Share of all measures (applicable or not).
    pub share: String,
}

/// A strategic measure in one of the lists.
#[derive(Debug, Clone)]
pub(crate) struct MeasureRow {
    pub code: String,
    pub title: String,
    pub regional: &'static str,
    /// "TLS, VNM", or "none".
    pub states: String,
    /// "2026-06-30", or "never".
    pub last_report: String,
}

/// A chart placed in the report.
#[derive(Debug, Clone)]
pub(crate) struct Figure {
    /// Where it goes: `top`, `comparison`, `heatmap`, `distribution`, `timeline`.
    pub place: &'static str,
    pub number: usize,
    pub title: String,
    /// "Figure 2. Completion and implementation by member state."
    pub caption: String,
    pub svg: String,
    /// The chart's file name (`rates`), for the PDF's error messages.
    pub name: String,
}

/// A term of the methods note and its definition.
#[derive(Debug, Clone)]
pub(crate) struct Definition {
    pub term: String,
    pub text: String,
}

/// Everything the report prints, worded once for every format.
#[derive(Debug, Clone)]
pub(crate) struct Report {
    pub title: String,
    pub code: String,
    /// "2027-12-31".
    pub as_of: String,
    /// "Review report as of 31 December 2027".
    pub subtitle: String,
    /// "1 January 2026 to 31 December 2035": the cover writes dates out.
    pub period: String,
    /// "31 December 2027".
    pub as_of_long: String,
    /// "goal / objective / measure".
    pub levels: String,
    /// "2028-01-15 09:00 UTC".
    pub generated: String,
    pub known_at: Option<String>,
    pub source: String,
    pub note: Option<String>,
    pub sections: Vec<Section>,
    /// The authors' executive summary (section "executive-summary", first), when given.
    pub executive_summary: Vec<Block>,
    pub headlines: Vec<Headline>,
    /// The summary's paragraphs, the figures written out with their counts.
    pub summary: Vec<String>,
    /// The plain statement, above the headline rates, that the framework's measure list is
    /// incomplete: how many measures are known, which parts have none, and what that means for
    /// the rates. `None` for a complete list.
    pub caveat: Option<String>,
    /// The name of the top level, capitalised ("Goal").
    pub top_level: String,
    pub second_level: String,
    pub top: Vec<RateRow>,
    pub overall: RateRow,
    pub groups: Vec<Group>,
    pub comparison: Vec<RateRow>,
    pub heat_intro: String,
    pub distribution: Vec<DistributionRow>,
    pub distribution_total: String,
    /// "100.0%", or "–" when there is no measure at all.
    pub distribution_total_share: String,
    pub timeline: Vec<RateRow>,
    pub timeline_intro: String,
    pub not_started: Vec<MeasureRow>,
    pub not_started_intro: String,
    pub stale: Vec<MeasureRow>,
    pub stale_intro: String,
    /// "Indicators": what the section says (or that there are none), then its tables: the
    /// classes per goal, and the figures of each indicator.
    pub indicators: String,
    pub indicator_tables: Vec<PlainTable>,
    /// "Reporting completeness": what the section says, and its tables (none without rounds).
    pub completeness_intro: String,
    pub completeness: Vec<PlainTable>,
    /// "Official figures checked": the claims, or none (the section then says so).
    pub claims: Vec<super::claims::ClaimBlock>,
    pub methods: Vec<Definition>,
    pub figures: Vec<Figure>,
    /// "Review report", or "Review edition" for a frozen edition.
    pub kicker: &'static str,
    /// A frozen edition's title and the exact instant it is as known at (to the second).
    pub edition: Option<(String, String)>,
    /// Printed at the foot of the HTML document.
    pub colophon: String,
    /// "Illustrative data — not official", on every page, when the figures include the demo
    /// scenario or synthetic data.
    pub mark: Option<&'static str>,
    /// What the figures count, in words (the cover's "Basis").
    pub basis: &'static str,
    /// The issuing organisation, when configured.
    pub issued_by: Option<String>,
    /// The annexes (after the numbered sections).
    pub annex: super::annex::AnnexView,
    /// The issuing organisation's logo, printed above its name.
    pub logo: Option<CoverLogo>,
    /// The sections' sentences and table captions, worded once for every format (rules are
    /// named in words; their codes stay in the tables' cells and the methods note).
    pub text: SectionText,
}

/// The issuer's logo as a cover prints it.
#[derive(Debug, Clone)]
pub(crate) struct CoverLogo {
    pub png: Vec<u8>,
    /// Its text alternative: the issuing organisation's name, else "Logo".
    pub alt: String,
    /// The printed size in millimetres ([`super::Logo::size_mm`]).
    pub width_mm: f64,
    pub height_mm: f64,
}

impl CoverLogo {
    fn of(logo: &super::Logo, issued_by: Option<&str>) -> Self {
        let (width_mm, height_mm) = logo.size_mm();
        Self {
            png: logo.png.clone(),
            alt: issued_by.unwrap_or("Logo").to_owned(),
            width_mm,
            height_mm,
        }
    }

    /// The PNG as a `data:` URI, for the self-contained HTML.
    pub fn data_uri(&self) -> String {
        use base64::Engine as _;
        format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(&self.png)
        )
    }

    /// Its CSS size: `width: 40.0mm; height: 20.0mm`.
    pub fn css_size(&self) -> String {
        format!(
            "width: {:.1}mm; height: {:.1}mm",
            self.width_mm, self.height_mm
        )
    }
}

/// What the sections say around their figures and tables, the same in the HTML, the PDF and
/// the DOCX.
#[derive(Debug, Clone)]
pub(crate) struct SectionText {
    pub top_intro: String,
    pub top_caption: String,
    pub second_intro: String,
    pub second_caption: String,
    pub states_intro: &'static str,
    pub states_caption: &'static str,
    /// The heat map's subheading ("Completion by member state and goal").
    pub heat_title: String,
    pub distribution_intro: String,
    pub distribution_caption: &'static str,
    pub timeline_caption: &'static str,
    pub not_started_caption: String,
    /// Said instead of the table when no measure is listed.
    pub not_started_none: String,
    pub stale_caption: String,
    pub stale_none: String,
    pub methods_intro: &'static str,
}

impl SectionText {
    fn new(data: &ReviewData, top_level: &str, second_level: &str) -> Self {
        let (top, second) = (top_level.to_lowercase(), second_level.to_lowercase());
        Self {
            top_intro: format!(
                "Regional (ASEAN) figures for the strategic measures under each {top}."
            ),
            top_caption: format!("Strategic measures by {top}"),
            second_intro: format!(
                "Regional (ASEAN) figures for each {second}, grouped under its {top}."
            ),
            second_caption: format!("Strategic measures by {second}"),
            states_intro: "Each participating member state's figures from its own statuses, then \
                           the cross-state figures under each rule, and the regional status \
                           beside them, never mixed in.",
            states_caption: "Member states and cross-state rules",
            heat_title: format!("Completion by member state and {top}"),
            distribution_intro: format!(
                "How the strategic measures stand regionally (ASEAN) as of {}: {} in all.",
                long_date(data.as_of),
                counted(data.overall.measures, "measure", "measures")
            ),
            distribution_caption: "Regional status of the strategic measures",
            timeline_caption: "Regional figures by quarter",
            not_started_caption: format!(
                "Measures not started regionally ({})",
                data.not_started.len()
            ),
            not_started_none: format!(
                "As of {}, work has started regionally on every strategic measure that \
                 applies.",
                long_date(data.as_of)
            ),
            stale_caption: format!(
                "Measures without a report in the last 12 months ({})",
                data.stale.len()
            ),
            stale_none: format!(
                "Every strategic measure still open has a report effective in the 12 months up \
                 to {}.",
                long_date(data.as_of)
            ),
            methods_intro: "Every figure in this report is computed by the same rules as the \
                            service's API; the counts beside each percentage let any figure be \
                            checked by hand.",
        }
    }
}

/// The mark on every page of a report whose figures include illustrative data.
pub(crate) const ILLUSTRATIVE_MARK: &str = "Illustrative data \u{2014} not official";

impl Report {
    /// The report with the regional trend charts of the indicators furthest behind their
    /// straight path ([`TRENDS_IN_REPORT`] at most), numbered after the other figures, placed
    /// in the indicators section (`indicator-trend`).
    ///
    /// # Errors
    /// A trend chart cannot be drawn.
    pub(crate) fn with_trends(mut self, data: &ReviewData) -> Result<Self, ReportError> {
        let first = self.figures.len() + 1;
        for (k, code) in furthest_behind(data).into_iter().enumerate() {
            let Some(chart) = super::charts::TrendChart::of_review(data, &code) else {
                continue;
            };
            let svg =
                super::charts::indicator_trend_svg(&chart).map_err(|e| ReportError::Chart {
                    chart: format!("trend-{code}"),
                    message: e.to_string(),
                })?;
            let number = first + k;
            let title = format!("{code} {}: trend in ASEAN's own figures", chart.title);
            self.figures.push(Figure {
                place: "indicator-trend",
                number,
                caption: format!("Figure {number}. {title}."),
                title,
                svg,
                name: format!("trend-{code}"),
            });
        }
        Ok(self)
    }

    pub(crate) fn new(data: &ReviewData, charts: &[(Chart, String)]) -> Self {
        let fw = &data.framework;
        let level = |i: usize, fallback: &str| {
            capitalised(fw.levels.get(i).map_or(fallback, String::as_str))
        };
        let top_level = level(0, "top level");
        let second_level = level(1, "second level");
        let has_second = !data.second.is_empty();

        let mut titles = vec![
            ("summary", "Summary".to_owned()),
            ("top", format!("Progress by {}", top_level.to_lowercase())),
        ];
        if has_second {
            titles.push((
                "second",
                format!("Progress by {}", second_level.to_lowercase()),
            ));
        }
        titles.extend([
            ("states", "Member states compared".to_owned()),
            ("distribution", "Status distribution".to_owned()),
            ("timeline", "Progress over time".to_owned()),
            ("not-started", "Measures not started".to_owned()),
            ("stale", "Measures without a recent report".to_owned()),
            ("completeness", "Reporting completeness".to_owned()),
            ("indicators", "Indicators".to_owned()),
            ("claims", "Official figures checked".to_owned()),
            ("methods", "Methods and definitions".to_owned()),
        ]);
        let executive_summary = data
            .executive_summary
            .as_deref()
            .map(summary::blocks)
            .unwrap_or_default();
        if !executive_summary.is_empty() {
            titles.insert(0, ("executive-summary", "Executive summary".to_owned()));
        }
        let sections = titles
            .into_iter()
            .enumerate()
            .map(|(i, (id, title))| Section {
                id,
                number: i + 1,
                title,
                new_page: !matches!(id, "stale" | "indicators"),
            })
            .collect();

        let mut groups: Vec<Group> = data
            .top
            .iter()
            .map(|node| Group {
                code: node.code.clone(),
                title: node.title.clone(),
                rows: Vec::new(),
            })
            .collect();
        for sub in &data.second {
            let row = rate_row(
                RowKind::Item,
                &sub.node.code,
                &sub.node.title,
                &sub.node.rate,
            );
            match groups.iter_mut().find(|g| g.code == sub.parent) {
                Some(group) => group.rows.push(row),
                None => groups.push(Group {
                    code: sub.parent.clone(),
                    title: String::new(),
                    rows: vec![row],
                }),
            }
        }
        groups.retain(|g| !g.rows.is_empty());

        let c = &data.comparison;
        let mut comparison: Vec<RateRow> = c
            .states
            .iter()
            .map(|s| {
                rate_row(
                    RowKind::Item,
                    s.state.as_str(),
                    &state_name(&s.state),
                    &s.rate,
                )
            })
            .collect();
        comparison.extend([
            rate_row(
                RowKind::Rule,
                "all_states",
                "All participants (weakest link)",
                &c.all_states,
            ),
            mean_row(&c.mean_of_states),
            rate_row(
                RowKind::Rule,
                "cells",
                "Every (member state, measure) cell pooled",
                &c.cells,
            ),
            rate_row(
                RowKind::Rule,
                "regional",
                "Regional status (ASEAN)",
                &c.regional,
            ),
        ]);

        let o = &data.overall;
        let reported_not_started = o.not_started.saturating_sub(o.unreported);
        let distribution = [
            ("Completed", "completed", o.completed),
            ("Ongoing", "ongoing", o.ongoing),
            (
                "Not started (reported so)",
                "not-started",
                reported_not_started,
            ),
            (
                "No report (counted as not started)",
                "no-report",
                o.unreported,
            ),
            ("Not applicable", "not-applicable", o.not_applicable),
        ]
        .into_iter()
        .map(|(status, class, n)| DistributionRow {
            status,
            class,
            measures: count(n),
            share: dash(percent(n, o.measures)),
        })
        .collect();

        let figures = place_figures(charts);
        let (completeness_intro, completeness) = completeness_tables(data);

        let edition = data.edition.as_ref().map(|e| {
            let at = data.known_at.unwrap_or(data.generated_at);
            (
                e.title.clone(),
                at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            )
        });
        let kind = if edition.is_some() {
            "Review edition"
        } else {
            "Review report"
        };

        let annex = super::annex::AnnexView::new(data, &top_level);
        let text = SectionText::new(data, &top_level, &second_level);
        Self {
            annex,
            title: fw.title.clone(),
            code: fw.code.clone(),
            as_of: data.as_of.to_string(),
            subtitle: format!("{kind} as of {}", long_date(data.as_of)),
            kicker: kind,
            edition,
            claims: super::claims::blocks(&data.claims),
            period: format!("{} to {}", long_date(fw.start_date), long_date(fw.end_date)),
            as_of_long: long_date(data.as_of),
            levels: fw.levels.join(" / "),
            generated: instant(data.generated_at),
            known_at: data.known_at.map(instant),
            source: data.source.clone(),
            note: fw.note.clone(),
            sections,
            executive_summary,
            headlines: headlines(o, data.measure_list().incomplete),
            summary: summary(data),
            caveat: incomplete_list(data),
            top: data
                .top
                .iter()
                .map(|n| rate_row(RowKind::Item, &n.code, &n.title, &n.rate))
                .collect(),
            overall: rate_row(RowKind::Total, "", "All strategic measures", o),
            groups,
            comparison,
            heat_intro: format!(
                "Completion rate of each member state under each {}, from the state's own \
                 statuses. \
                 A blank cell means no applicable measure.",
                top_level.to_lowercase()
            ),
            distribution,
            distribution_total: count(o.measures),
            distribution_total_share: dash(percent(o.measures, o.measures)),
            timeline: data
                .timeline
                .iter()
                .map(|p| rate_row(RowKind::Item, &p.date.to_string(), "", &p.rate))
                .collect(),
            timeline_intro: format!(
                "Regional (ASEAN) figures at every quarter end from the framework's start \
                 ({}) to {}, as recorded up to the report date.",
                long_date(fw.start_date),
                long_date(data.as_of)
            ),
            not_started: data.not_started.iter().map(measure_row).collect(),
            not_started_intro: format!(
                "Strategic measures whose regional (ASEAN) status is not started as of {}, \
                 with the participating member states where they are not started either, \
                 and the effective date of the measure's latest report in any scope.",
                long_date(data.as_of)
            ),
            stale: data.stale.iter().map(measure_row).collect(),
            stale_intro: format!(
                "Strategic measures with no report in any scope effective in the 12 months \
                 up to {}: their figures may be out of date. Measures completed or not \
                 applicable regionally are left out: they need no new report.",
                long_date(data.as_of)
            ),
            indicators: indicators_text(data),
            indicator_tables: indicator_tables(data),
            completeness_intro,
            completeness,
            methods: methods(data),
            figures,
            colophon: format!(
                "{} · {} as of {} · generated {} by blueprint-tracker",
                fw.title,
                kind.to_lowercase(),
                data.as_of,
                instant(data.generated_at)
            ),
            top_level,
            second_level,
            mark: data.illustrative.then_some(ILLUSTRATIVE_MARK),
            issued_by: data.issued_by.clone(),
            logo: data
                .logo
                .as_ref()
                .map(|logo| CoverLogo::of(logo, data.issued_by.as_deref())),
            text,
            basis: match data.basis {
                crate::domain::Basis::Reported => "every status report, validated or not",
                crate::domain::Basis::Validated => {
                    "only the status reports the ASEAN Secretariat has validated"
                }
            },
        }
    }
}

impl Report {
    /// The cover's facts (label, value) as the PDF and the DOCX print them, in order; the
    /// logo, when given, goes just above "Issued by".
    pub(crate) fn cover_facts(&self) -> Vec<(&'static str, String)> {
        let mut facts = Vec::new();
        if let Some((title, at)) = &self.edition {
            facts.push(("Edition", format!("{title}, frozen as known at {at}")));
        }
        if let Some(org) = &self.issued_by {
            facts.push(("Issued by", org.clone()));
        }
        facts.extend([
            ("Period", self.period.clone()),
            ("Basis", self.basis.to_owned()),
            ("Levels", self.levels.clone()),
        ]);
        if let Some(note) = &self.note {
            facts.push(("Note", note.clone()));
        }
        facts.push(("Figures as of", self.as_of_long.clone()));
        if let Some(known_at) = &self.known_at {
            facts.push((
                "As known at",
                format!("{known_at} (reports recorded later are left out)"),
            ));
        }
        facts.push(("Generated", self.generated.clone()));
        facts.push(("Data source", self.source.clone()));
        facts
    }
}

/// The charts in reading order, numbered, each with the place it goes.
fn place_figures(charts: &[(Chart, String)]) -> Vec<Figure> {
    let place = |chart: &Chart| match chart {
        Chart::Rates => (0, "top"),
        Chart::Comparison => (1, "comparison"),
        Chart::Heatmap => (2, "heatmap"),
        Chart::Distribution => (3, "distribution"),
        Chart::Timeline => (4, "timeline"),
        Chart::Snapshot => (5, "indicator-snapshot"),
        Chart::Matrix => (6, "indicator-classes"),
    };
    let mut placed: Vec<_> = charts
        .iter()
        .map(|(chart, svg)| (place(chart), chart, svg))
        .collect();
    placed.sort_by_key(|((order, _), _, _)| *order);
    placed.dedup_by_key(|((order, _), _, _)| *order);
    placed
        .into_iter()
        .enumerate()
        .map(|(i, ((_, place), chart, svg))| Figure {
            place,
            number: i + 1,
            title: chart.title().to_owned(),
            // The chart prints its own as-of date and source under the plot.
            caption: format!("Figure {}. {}.", i + 1, chart.title().trim_end_matches('.')),
            svg: svg.clone(),
            name: chart.name().to_owned(),
        })
        .collect()
}

/// The headline rates; over an incomplete measure list, each says it rests on the known
/// measures only.
fn headlines(o: &Rate, incomplete: bool) -> Vec<Headline> {
    let mut headlines = vec![
        Headline {
            label: "Completion rate",
            value: dash(o.completion_percent()),
            detail: format!(
                "{} of {} applicable measures completed",
                count(o.completed),
                count(o.applicable)
            ),
        },
        Headline {
            label: "Implementation rate",
            value: dash(o.implementation_percent()),
            detail: format!(
                "{} of {} applicable measures ongoing or completed",
                count(o.completed + o.ongoing),
                count(o.applicable)
            ),
        },
        Headline {
            label: "Progress index",
            value: dash(o.progress_percent()),
            detail: format!(
                "{} of {} progress points",
                count(o.progress_points),
                count(o.applicable * 100)
            ),
        },
    ];
    if incomplete {
        for h in &mut headlines {
            h.detail
                .push_str(" (known measures only: the list is incomplete)");
        }
    }
    headlines
}

/// The statement that the framework's measure list is incomplete (`None` when it is not): how
/// many measures are known, which parts of the framework have none, and what the rates rest on.
fn incomplete_list(data: &ReviewData) -> Option<String> {
    let list = data.measure_list();
    if !list.incomplete {
        return None;
    }
    let fw = &data.framework;
    let level_name = |i: usize, fallback: &str| {
        fw.levels
            .get(i)
            .map_or_else(|| fallback.to_owned(), String::clone)
    };
    let (top_level, second_level) = (level_name(0, "part"), level_name(1, "sub-part"));
    let should = match list.expected {
        Some(n) => format!("it should have {}", counted(n, "measure", "measures")),
        None => "its note does not say how many it should have".to_owned(),
    };
    let mut text = format!(
        "The list of strategic measures of this framework is incomplete: the tracker knows {} \
         ({should}).",
        counted(list.stored, "measure", "measures"),
    );
    let named = |parts: &[(String, String)]| {
        join_words(
            &parts
                .iter()
                .map(|(code, title)| format!("{code} {title}"))
                .collect::<Vec<_>>(),
        )
    };
    let (empty_top, empty_second) = data.parts_without_measures();
    if !empty_top.is_empty() {
        text.push_str(&format!(
            " No measure is recorded under {} {} ({}).",
            if empty_top.len() == data.top.len() {
                "any of its".to_owned()
            } else {
                format!("{} of its", count(empty_top.len() as u64))
            },
            counted(data.top.len() as u64, &top_level, &plural_word(&top_level)),
            named(&empty_top),
        ));
    }
    if !empty_second.is_empty() && fw.levels.len() > 2 {
        let (lead, others) = if empty_top.is_empty() {
            ("No measure is recorded under", "")
        } else {
            ("Nor under", " of the others")
        };
        text.push_str(&format!(
            " {lead} {}{others}: {}.",
            counted(
                empty_second.len() as u64,
                &second_level,
                &plural_word(&second_level)
            ),
            named(&empty_second),
        ));
    }
    text.push_str(
        " Every rate in this report is over the known measures only, so it does not describe \
         the framework as a whole; where no measure is known, the rate is not defined (shown \
         as “–”), not zero.",
    );
    Some(text)
}

/// `n` things in words for running text: "no measure", "1 measure", "12 measures" (with
/// thousands separators). At the start of a sentence, pass the result to [`capitalised`].
pub(crate) fn counted(n: u64, one: &str, many: &str) -> String {
    match n {
        0 => format!("no {one}"),
        1 => format!("1 {one}"),
        _ => format!("{} {many}", count(n)),
    }
}

/// A level's name in the plural: "goals", "characteristics", "activities".
fn plural_word(word: &str) -> String {
    match word.strip_suffix('y') {
        Some(stem) if !stem.ends_with(['a', 'e', 'o', 'u']) => format!("{stem}ies"),
        _ if word.ends_with('s') => format!("{word}es"),
        _ => format!("{word}s"),
    }
}

/// Joins words as a reader would: "a", "a and b", "a, b and c".
fn join_words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A percentage with its counts: "41.7% (5 of 12 applicable measures)"; "no applicable
/// measure" when the rate is undefined.
pub(crate) fn with_counts(numerator: u64, denominator: u64, unit: &str) -> String {
    match percent(numerator, denominator) {
        Some(p) => format!(
            "{p} ({} of {} {unit})",
            count(numerator),
            count(denominator)
        ),
        None => format!("not defined (no {unit})"),
    }
}

fn summary(data: &ReviewData) -> Vec<String> {
    let o = &data.overall;
    let mut paragraphs = vec![tracked(data), headline_rates(o)];
    if data.basis == crate::domain::Basis::Validated {
        paragraphs.push(
            "These figures count only reports the ASEAN Secretariat has validated (validated \
             basis); a report still waiting for validation, or returned, does not count."
                .to_owned(),
        );
    }
    if let Some(other) = &data.other_basis {
        let (name, meaning) = match other.basis {
            crate::domain::Basis::Validated => (
                "validated",
                "counting only reports the ASEAN Secretariat has validated",
            ),
            crate::domain::Basis::Reported => {
                ("reported", "counting every report, validated or not")
            }
        };
        let mut parts = Vec::new();
        let o = &other.overall;
        if *o != data.overall {
            parts.push(format!(
                "regional completion is {} and implementation {}",
                with_counts(o.completed, o.applicable, "applicable measures"),
                with_counts(o.completed + o.ongoing, o.applicable, "applicable measures"),
            ));
        }
        if other.cells != data.comparison.cells {
            parts.push(format!(
                "completion pooled over the member states' cells is {}, against {} on the {} basis",
                with_counts(
                    other.cells.completed,
                    other.cells.applicable,
                    "applicable cells"
                ),
                with_counts(
                    data.comparison.cells.completed,
                    data.comparison.cells.applicable,
                    "applicable cells"
                ),
                data.basis.as_str(),
            ));
        }
        paragraphs.push(format!(
            "On the {name} basis ({meaning}), {}.",
            parts.join("; ")
        ));
    }
    let c = &data.comparison;
    if !c.states.is_empty() {
        let n = c.states.len();
        paragraphs.push(format!(
            "Across the {} {}, completion depends on how the states are counted: {} when a \
             measure counts as complete only when every participating member state for which \
             it is applicable has completed it; {} as the unweighted mean of the member \
             states' own rates (over {}); \
             {} when every member state's measures are pooled. The tables name the rule beside \
             each figure, and the methods note defines them.",
            count(n as u64),
            if n == 1 {
                "participating member state"
            } else {
                "participating member states"
            },
            with_counts(
                c.all_states.completed,
                c.all_states.applicable,
                "applicable measures"
            ),
            percent_of(c.mean_of_states.completion_rate),
            counted(c.mean_of_states.states, "state", "states"),
            with_counts(c.cells.completed, c.cells.applicable, "applicable cells"),
        ));
    }
    paragraphs.push(open_measures(data));
    paragraphs
}

/// The summary's first sentence: how many measures are tracked and their regional statuses.
fn tracked(data: &ReviewData) -> String {
    let o = &data.overall;
    let date = long_date(data.as_of);
    if o.measures == 0 {
        return format!("As of {date}, no strategic measure is tracked.");
    }
    let unreported = match o.unreported {
        0 => String::new(),
        n if n == o.not_started => {
            if n == 1 {
                " (with no report at all)".to_owned()
            } else {
                " (all with no report at all)".to_owned()
            }
        }
        n => format!(" ({} of them with no report at all)", count(n)),
    };
    format!(
        "As of {date}, {} {} tracked, with the status recorded for ASEAN as a whole: {} \
         completed, {} ongoing, {} not started{unreported} and {} not applicable.",
        counted(o.measures, "strategic measure", "strategic measures"),
        if o.measures == 1 { "is" } else { "are" },
        count(o.completed),
        count(o.ongoing),
        count(o.not_started),
        count(o.not_applicable),
    )
}

/// The summary's sentences on the three headline rates, or that none is defined.
fn headline_rates(o: &Rate) -> String {
    if o.applicable == 0 {
        return "No measure is applicable, so completion, implementation and the progress index \
                are not defined."
            .to_owned();
    }
    format!(
        "Completion: {} are completed. Implementation: {} are ongoing or completed, which is \
         what ASEAN reviews call implemented. Progress index: {}.",
        with_counts(o.completed, o.applicable, "applicable measures"),
        with_counts(o.completed + o.ongoing, o.applicable, "applicable measures"),
        with_counts(o.progress_points, o.applicable * 100, "progress points"),
    )
}

/// The summary's sentences on the measures not started regionally and on those still open
/// without a recent report, grammatical for none, one and many.
fn open_measures(data: &ReviewData) -> String {
    let not_started = match data.not_started.len() {
        0 => "Every measure has started regionally or is not applicable.".to_owned(),
        n => format!(
            "{} {} not started regionally.",
            capitalised(&counted(n as u64, "measure", "measures")),
            if n == 1 { "is" } else { "are" },
        ),
    };
    let stale = match data.stale.len() {
        0 => format!(
            "Every measure still open has a report effective in the 12 months up to {}.",
            long_date(data.as_of)
        ),
        n => format!(
            "{} still open {} had no report in the 12 months up to {}.",
            capitalised(&counted(n as u64, "measure", "measures")),
            if n == 1 { "has" } else { "have" },
            long_date(data.as_of)
        ),
    };
    format!("{not_started} {stale}")
}

fn indicators_text(data: &ReviewData) -> String {
    let section = &data.indicators;
    let n = section.indicators.len();
    if n == 0 {
        return "No results-framework indicators are recorded yet.".to_owned();
    }
    let year = data.as_of.format("%Y");
    format!(
        "{} results-framework indicator{} measured, as of {} on the {} basis. Figures are \
         regional (ASEAN's own baseline, target and observations) and, beside them, the \
         unweighted mean of the member states' current statuses; the two \
         are never mixed. Current status is the share of the way from baseline to target the \
         latest value has come; expected is where a straight path would be by the latest \
         year (by {year} in the chart); the class is that of the UN SDG Progress Chart, from \
         the weighted trend (see Methods). In the class matrix, the codes stand for: {}.",
        count(n as u64),
        if n == 1 { " is" } else { "s are" },
        data.as_of,
        basis_word(data.basis),
        super::charts::CLASS_ORDER
            .into_iter()
            .map(|c| format!(
                "{} {}",
                super::charts::class_code(c),
                super::class_label(c).to_lowercase()
            ))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn basis_word(basis: crate::domain::Basis) -> &'static str {
    match basis {
        crate::domain::Basis::Reported => "reported",
        crate::domain::Basis::Validated => "validated",
    }
}

/// A share of the way as a percentage with one decimal, "–" when undefined.
fn share(value: Option<f64>) -> String {
    percent_of(value.filter(|v| v.is_finite()))
}

/// The section's tables: classes per goal (regional), then one row per indicator.
fn indicator_tables(data: &ReviewData) -> Vec<PlainTable> {
    let section = &data.indicators;
    if section.is_empty() {
        return Vec::new();
    }
    let top = capitalised(
        data.framework
            .levels
            .first()
            .map_or("top level", String::as_str),
    );
    let classes = super::charts::CLASS_ORDER;
    let mut head = vec![
        top.clone(),
        "Indicators".to_owned(),
        "Mean status (ASEAN)".to_owned(),
        "Mean of states".to_owned(),
        format!("Expected by {}", data.as_of.format("%Y")),
    ];
    head.extend(classes.map(|c| super::charts::class_code(c).to_owned()));
    let goals = PlainTable {
        caption: format!(
            "Indicator classes by {} (regional figures; mean current status as a share of \
             the way from baseline to target)",
            top.to_lowercase()
        ),
        numeric: (0..head.len()).map(|i| i > 0).collect(),
        head,
        rows: section
            .goals
            .iter()
            .map(|g| {
                let mut row = vec![
                    format!("{} {}", g.code, g.title),
                    count(g.regional.indicators),
                    share(g.regional.mean_current_status),
                    share(g.mean_of_states),
                    share(g.expected),
                ];
                row.extend(classes.map(|c| count(g.regional.classes.get(c))));
                row
            })
            .collect(),
    };
    let head = [
        "Indicator",
        "Baseline",
        "Target",
        "Latest",
        "Current status",
        "Expected",
        "Anticipated progress",
        "Class",
        "Mean of states",
    ];
    let indicators = PlainTable {
        caption: "Indicators: regional (ASEAN) figures, and the mean of the member states' \
                  current statuses (values in the unit named beside each indicator, with the \
                  year)"
            .to_owned(),
        head: head.map(str::to_owned).to_vec(),
        numeric: vec![false, true, true, true, true, true, true, false, true],
        rows: section
            .indicators
            .iter()
            .map(|i| {
                let r = &i.regional;
                let at = |p: Option<crate::engine::indicators::YearValue>| {
                    p.map_or_else(
                        || "–".to_owned(),
                        |p| format!("{} ({})", i.number(p.value), p.year),
                    )
                };
                let m = &i.mean_of_states;
                vec![
                    format!("{} {} ({})", i.code, i.title, i.unit.trim()),
                    at(r.baseline),
                    at(r.target),
                    at(r.latest),
                    share(r.current_status),
                    share(r.expected),
                    share(r.anticipated_progress),
                    super::class_label(r.class).to_owned(),
                    match m.current_status {
                        Some(_) => format!(
                            "{} ({} of {})",
                            share(m.current_status),
                            m.states,
                            m.participants
                        ),
                        None => "–".to_owned(),
                    },
                ]
            })
            .collect(),
    };
    vec![goals, indicators]
}

/// The methods note: the formulas and rules as README's "Figures" section states them.
fn methods(data: &ReviewData) -> Vec<Definition> {
    let def = |term: &str, text: String| Definition {
        term: term.to_owned(),
        text,
    };
    let mut out = vec![
        def(
            "Basis",
            match data.basis {
                crate::domain::Basis::Reported => "Reported: every status report counts, \
                    whether or not the ASEAN Secretariat has validated it yet. The validated \
                    basis counts only validated reports; where the two differ, the summary \
                    gives both."
                    .to_owned(),
                crate::domain::Basis::Validated => "Validated: only status reports the ASEAN \
                    Secretariat has validated (checking their evidence) count, each from the \
                    moment it was validated. The reported basis counts every report; where the \
                    two differ, the summary gives both."
                    .to_owned(),
            },
        ),
        def(
            "Status as of a date",
            format!(
                "The status of a measure in a scope as of {} is that of the report with the \
                 greatest effective date on or before that date; among reports with the same \
                 effective date, the one recorded last. A report the Secretariat returned \
                 counts no more from its return: the pair falls back to the report before it. \
                 A (measure, scope) pair with no report counts as not started, and is shown \
                 apart as \u{201c}no report\u{201d}.",
                data.as_of
            ),
        ),
        match data.known_at {
            Some(t) => def(
                "As known at",
                format!(
                    "Only reports recorded at or before {} count, so these figures can be \
                     reproduced exactly later, whatever was recorded since.",
                    instant(t)
                ),
            ),
            None => def(
                "As known at",
                format!(
                    "Every report recorded up to the generation of this report ({}) counts; \
                     no earlier cut-off was asked for.",
                    instant(data.generated_at)
                ),
            ),
        },
        def(
            "Applicable",
            "applicable = measures whose status is not not_applicable.".to_owned(),
        ),
        def(
            "Completion rate",
            "completion_rate = completed / applicable.".to_owned(),
        ),
        def(
            "Implementation rate",
            "implementation_rate = (ongoing + completed) / applicable. \"Implemented\" in \
             ASEAN reviews means that work under the measure is under way or done."
                .to_owned(),
        ),
        def(
            "Progress index",
            "progress_index = progress_points / (applicable × 100), where a measure counts 0 \
             not started, its percent when ongoing (50 when none is given), 100 completed."
                .to_owned(),
        ),
        def(
            "Undefined rates",
            "With nothing applicable a rate is not defined: it is shown as \"–\", never as 0."
                .to_owned(),
        ),
        def(
            "Rounding",
            "Rates are fractions computed once from exact counts; they are shown as \
             percentages rounded half away from zero to one decimal, beside the counts they \
             come from."
                .to_owned(),
        ),
        def(
            "regional",
            "What was recorded for ASEAN (scope ASEAN), never mixed into the national figures."
                .to_owned(),
        ),
        def(
            "scope",
            "The statuses recorded in one member state.".to_owned(),
        ),
        def(
            "all_states",
            "Weakest link (the economic pillar scorecard's rule): each measure takes the \
             least advanced status among the participants for which it is applicable, so it \
             is completed only when every one of them completed it."
                .to_owned(),
        ),
        def(
            "mean_of_states",
            "The unweighted mean of the states' rates, over the states with something \
             applicable."
                .to_owned(),
        ),
        def(
            "cells",
            "Pooled over every applicable (member state, measure) cell; measures then counts \
             cells."
                .to_owned(),
        ),
        def(
            "Participants",
            format!(
                "National figures count only the framework's participants on {}.",
                data.as_of
            ),
        ),
        def(
            "Node tables, distribution, timeline and lists",
            "These are regional (scope ASEAN); the national picture is the member-state \
             comparison and the heat map."
                .to_owned(),
        ),
    ];
    if !data.indicators.is_empty() {
        out.extend(indicator_methods().map(|(term, text)| def(term, text.to_owned())));
    }
    if !data.claims.is_empty() {
        out.push(def(
            "Official figures checked",
            "A published figure (a claim) is computed again for its metric, scope and as-of \
             date under every rule, on the reported basis, twice: as known at the end of its \
             publication day (UTC) and as known at this report's instant. A rule's figure \
             matches when it is within half a unit of the claim's stated precision, differs \
             otherwise (by the difference shown, in percentage points), and is unverifiable \
             without a figure, without a report in force, or when the framework's own note \
             says its list of measures is incomplete."
                .to_owned(),
        ));
    }
    out.push(def(
        "Source",
        format!("{}.", data.source.trim_end_matches('.')),
    ));
    out
}

/// DESIGN.md §2b in words, for the methods note.
fn indicator_methods() -> [(&'static str, &'static str); 6] {
    [
        (
            "Indicator points",
            "For one indicator in one scope, the target in force gives the baseline year b \
             and value x0 and the target year T and value x*. The points are the baseline, \
             then for every later year up to the report's year the observation recorded last \
             (on the validated basis, the validated ones only); a year without one is a gap, \
             never a zero. The latest point is (tL, xL).",
        ),
        (
            "Current status",
            "current_status = (xL − x0) / (x* − x0): the share of the way from baseline to \
             target the latest value has come, capped at 1 when the target is met; undefined \
             while the baseline is the only point. Negative means worse than the baseline.",
        ),
        (
            "Expected",
            "expected = (tL − b) / (T − b), between 0 and 1: where a straight path from \
             baseline to target would be at the latest year. The goal snapshot's mark takes \
             the report's year instead of the latest, averaged over the goal's indicators.",
        ),
        (
            "Anticipated progress",
            "With at least 3 points, a least-squares line is fitted through them with weight \
             w = year − b + 1, so later years weigh more (ESCAP's method): ȳ = Σw·year / Σw, \
             x̄ = Σw·x / Σw, slope = Σw(year − ȳ)(x − x̄) / Σw(year − ȳ)². Its value at T is \
             the anticipated value x̄ + slope·(T − ȳ), and anticipated_progress = (anticipated \
             value − x0) / (x* − x0), not capped.",
        ),
        (
            "Class",
            "The first that holds: achieved (the latest value meets the target: at or above \
             it when higher is better, at or below it otherwise); insufficient data (fewer \
             than 3 points); on track (anticipated progress at least 0.95); needs acceleration \
             (at least 0.10); stagnating (at least 0); regressing (below 0). No target for the \
             scope: no target, and every figure is undefined. The thresholds are those of the \
             UN SDG Progress Chart.",
        ),
        (
            "Indicator means",
            "A goal's mean status is the unweighted mean of the current statuses of its \
             indicators that have one, in one scope. mean_of_states for an indicator is the \
             unweighted mean of the participating member states' current statuses (ESCAP's \
             simple average: no state weighs more than another); for a goal, the mean of its \
             indicators' means. Regional figures are ASEAN's own and never enter these means.",
        ),
    ]
}

fn rate_row(kind: RowKind, code: &str, label: &str, rate: &Rate) -> RateRow {
    RateRow {
        kind,
        code: code.to_owned(),
        label: label.to_owned(),
        rule: rate.rule.as_str(),
        counts: Some([
            count(rate.measures),
            count(rate.applicable),
            count(rate.completed),
            count(rate.ongoing),
            count(rate.not_started),
            count(rate.not_applicable),
        ]),
        note: String::new(),
        completion: dash(rate.completion_percent()),
        implementation: dash(rate.implementation_percent()),
        progress: dash(rate.progress_percent()),
    }
}

fn mean_row(mean: &MeanRate) -> RateRow {
    let n = usize::try_from(mean.states).unwrap_or(usize::MAX);
    RateRow {
        kind: RowKind::Rule,
        code: Rule::MeanOfStates.as_str().to_owned(),
        label: "Unweighted mean of the states' rates".to_owned(),
        rule: mean.rule.as_str(),
        counts: None,
        note: format!("mean over {} state{}", count(mean.states), plural(n)),
        completion: percent_of(mean.completion_rate),
        implementation: percent_of(mean.implementation_rate),
        progress: percent_of(mean.progress_index),
    }
}

fn measure_row(line: &MeasureLine) -> MeasureRow {
    MeasureRow {
        code: line.code.clone(),
        title: line.title.clone(),
        regional: status_label(line.regional),
        states: if line.states_not_started.is_empty() {
            "none".to_owned()
        } else {
            line.states_not_started
                .iter()
                .map(StateCode::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        },
        last_report: line
            .last_report
            .map_or_else(|| "never".to_owned(), |d| d.to_string()),
    }
}

/// How a status is written in prose and tables.
pub(crate) fn status_label(status: Status) -> &'static str {
    match status {
        Status::NotStarted => "Not started",
        Status::Ongoing => "Ongoing",
        Status::Completed => "Completed",
        Status::NotApplicable => "Not applicable",
    }
}

/// A member state's short name ("Viet Nam"), from the shipped reference data; the code itself
/// for a state the reference data does not know.
pub(crate) fn state_name(state: &StateCode) -> String {
    static NAMES: OnceLock<HashMap<String, String>> = OnceLock::new();
    NAMES
        .get_or_init(|| {
            crate::reference::ReferenceData::shipped()
                .map(|r| {
                    r.member_states
                        .into_iter()
                        .map(|s| (s.code, s.short_name))
                        .collect()
                })
                .unwrap_or_default()
        })
        .get(state.as_str())
        .cloned()
        .unwrap_or_else(|| state.as_str().to_owned())
}

/// A count with thousands separators: "1,200".
pub(crate) fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A display percentage, or "–" when the rate is not defined.
fn dash(p: Option<String>) -> String {
    p.unwrap_or_else(|| "–".to_owned())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

pub(crate) fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// "31 December 2027".
pub(crate) fn long_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// "2028-01-15 09:00 UTC" (seconds when there are any).
pub(crate) fn instant(t: DateTime<Utc>) -> String {
    if t.format("%S").to_string() == "00" {
        t.format("%Y-%m-%d %H:%M UTC").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
    }
}

/// How many indicator trend charts the report draws at most.
pub const TRENDS_IN_REPORT: usize = 4;

/// The indicators whose regional current status is furthest behind where the straight path
/// from baseline to target would be (`current_status − expected`, most negative first; those
/// without both figures left out), at most [`TRENDS_IN_REPORT`].
fn furthest_behind(data: &ReviewData) -> Vec<String> {
    let mut behind: Vec<(f64, &str)> = data
        .indicators
        .indicators
        .iter()
        .filter_map(|i| {
            let gap = i.regional.current_status? - i.regional.expected?;
            gap.is_finite().then_some((gap, i.code.as_str()))
        })
        .collect();
    behind.sort_by(|a, b| {
        a.0.total_cmp(&b.0)
            .then_with(|| crate::domain::natural_order(a.1, b.1))
    });
    behind
        .into_iter()
        .take(TRENDS_IN_REPORT)
        .map(|(_, code)| code.to_owned())
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::report::charts;
    use crate::report::sample::sample;

    fn all_charts(data: &ReviewData) -> Vec<(Chart, String)> {
        Chart::ALL
            .into_iter()
            .map(|c| (c, charts::svg(c, data).unwrap()))
            .collect()
    }

    fn html() -> String {
        let data = sample();
        render(&data, &all_charts(&data)).unwrap()
    }

    /// `html` without the elements between `open` (a prefix of the opening tag) and `close`.
    fn without(html: &str, open: &str, close: &str) -> String {
        let mut out = String::new();
        let mut rest = html;
        while let Some(start) = rest.find(open) {
            out.push_str(&rest[..start]);
            let after = &rest[start..];
            let end = after.find(close).map_or(after.len(), |e| e + close.len());
            rest = &after[end..];
        }
        out.push_str(rest);
        out
    }

    /// The rule codes as they would show in running text.
    pub(crate) const RULE_CODES: [&str; 7] = [
        "all_states",
        "mean_of_states",
        "(cells)",
        "(regional)",
        "(scope)",
        "rule: ",
        "scope ASEAN",
    ];

    #[test]
    fn the_running_text_of_the_html_names_rules_in_words_not_codes() {
        let html = html();
        // The running text: without the style, the charts, the tables (their captions keep
        // the rule as a tag), the tags, and the methods note (which defines the codes).
        let mut text = without(&html, "<style", "</style>");
        text = without(&text, "<svg", "</svg>");
        text = without(&text, "<table", "</table>");
        text = without(&text, "<span class=\"tag\"", "</span>");
        text = without(&text, "<section id=\"methods\"", "</section>");

        for code in RULE_CODES {
            assert!(!text.contains(code), "`{code}` in the running text");
        }
        assert!(text.contains("counts as complete only when every participating member state"));
    }

    #[test]
    fn the_running_text_of_the_pdf_names_rules_in_words_not_codes() {
        let data = sample();
        let r = Report::new(&data, &[]);
        // What the PDF sets as paragraphs (its tables and the methods note keep the codes).
        let mut running: Vec<&str> = r.summary.iter().map(String::as_str).collect();
        running.extend(r.caveat.as_deref());
        running.extend([
            r.heat_intro.as_str(),
            &r.timeline_intro,
            &r.not_started_intro,
            &r.stale_intro,
            &r.indicators,
            &r.completeness_intro,
        ]);
        // The sections' sentences and the tables' captions.
        let t = &r.text;
        running.extend([
            t.top_intro.as_str(),
            &t.top_caption,
            &t.second_intro,
            &t.second_caption,
            t.states_intro,
            t.states_caption,
            &t.heat_title,
            &t.distribution_intro,
            t.distribution_caption,
            t.timeline_caption,
            &t.not_started_caption,
            &t.not_started_none,
            &t.stale_caption,
            &t.stale_none,
        ]);
        let summaries: Vec<String> = r
            .claims
            .iter()
            .flat_map(|c| c.checks.iter().map(|g| g.summary.clone()))
            .collect();
        running.extend(summaries.iter().map(String::as_str));
        assert!(!summaries.is_empty(), "the sample's claims are checked");

        for sentence in running {
            for code in RULE_CODES {
                assert!(!sentence.contains(code), "`{code}` in: {sentence}");
            }
        }
    }

    fn pdf_text(data: &ReviewData) -> String {
        let pdf = crate::report::pdf::render(data, &[]).unwrap();
        pdf_extract::extract_text_from_mem(&pdf)
            .unwrap()
            .split_whitespace()
            .collect()
    }

    #[test]
    fn illustrative_data_are_marked_on_every_page_of_the_pdf_and_the_html() {
        let mut data = sample();
        data.illustrative = true;

        let html = render(&data, &[]).unwrap();
        let text = pdf_text(&data);

        assert!(
            html.contains("<p class=\"mark\" role=\"note\">Illustrative data — not official</p>")
        );
        assert!(html.contains("@top-center { content: \"Illustrative data — not official\""));
        let pages = text.matches("Page").count() + 1; // the cover has no page number
        assert!(pages > 5);
        assert_eq!(text.matches("ILLUSTRATIVEDATA—NOTOFFICIAL").count(), pages);
    }

    #[test]
    fn data_without_the_demo_carry_no_illustrative_mark() {
        let data = sample();

        let html = render(&data, &[]).unwrap();

        assert!(!html.contains("Illustrative data"));
        assert!(!pdf_text(&data).contains("ILLUSTRATIVEDATA"));
    }

    #[test]
    fn the_cover_names_the_framework_and_the_basis_in_words_never_its_code() {
        let data = sample();

        let html = render(&data, &[]).unwrap();
        let text = pdf_text(&data);

        let start = html.find("<header class=\"cover\">").unwrap();
        let cover = &html[start..start + html[start..].find("</header>").unwrap()];
        assert!(!cover.contains("ascc-strategic-plan"));
        assert!(cover.contains("<dt>Basis</dt><dd>every status report, validated or not</dd>"));
        let pdf_cover = &text[..text.find("CONTENTS").unwrap()];
        assert!(!pdf_cover.contains("ascc-strategic-plan"), "{pdf_cover}");
        assert!(pdf_cover.contains("Basiseverystatusreport,validatedornot"));
    }

    #[test]
    fn the_issuing_organisation_is_on_the_cover_only_when_configured() {
        let mut data = sample();
        let without = render(&data, &[]).unwrap();
        data.issued_by = Some("ASEAN Secretariat".into());

        let html = render(&data, &[]).unwrap();
        let text = pdf_text(&data);

        assert!(!without.contains("Issued by"));
        assert!(html.contains("<dt>Issued by</dt><dd>ASEAN Secretariat</dd>"));
        assert!(text.contains("IssuedbyASEANSecretariat"));
    }

    #[test]
    fn the_logo_is_on_the_cover_above_the_issuer_inline_and_at_most_20_mm_tall() {
        let mut data = sample();
        data.issued_by = Some("ASEAN Secretariat".into());
        let png = crate::report::logo::tests::png(40, 20);
        data.logo = Some(crate::report::Logo::from_png(png.clone()).unwrap());

        let html = render(&data, &[]).unwrap();

        use base64::Engine as _;
        let uri = format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(&png)
        );
        let img = format!(
            "<img src=\"{uri}\" alt=\"ASEAN Secretariat\" style=\"width: 40.0mm; height: 20.0mm\">"
        );
        let at = html.find(&img).expect("the logo inline on the cover");
        assert!(at < html.find("<dt>Issued by</dt>").unwrap());
        assert!(at < html.find("</header>").unwrap());
    }

    #[test]
    fn a_logo_without_an_issuer_is_named_logo() {
        let mut data = sample();
        data.logo =
            Some(crate::report::Logo::from_png(crate::report::logo::tests::png(10, 10)).unwrap());

        let html = render(&data, &[]).unwrap();

        assert!(html.contains("alt=\"Logo\" style=\"width: 20.0mm; height: 20.0mm\">"));
        assert!(!html.contains("Issued by"));
    }

    #[test]
    fn a_count_reads_right_for_none_one_and_many() {
        assert_eq!(counted(0, "measure", "measures"), "no measure");
        assert_eq!(counted(1, "measure", "measures"), "1 measure");
        assert_eq!(counted(1_200, "measure", "measures"), "1,200 measures");
        assert_eq!(plural_word("characteristic"), "characteristics");
        assert_eq!(plural_word("activity"), "activities");
        assert_eq!(plural_word("key"), "keys");
    }

    #[test]
    fn the_sentences_on_open_measures_read_right_for_none_one_and_many() {
        let mut data = sample();
        let line = data.not_started[0].clone();
        let sentences = |data: &ReviewData| open_measures(data);

        data.not_started.clear();
        data.stale.clear();
        assert_eq!(
            sentences(&data),
            "Every measure has started regionally or is not applicable. Every measure still \
             open has a report effective in the 12 months up to 31 December 2027."
        );

        data.not_started = vec![line.clone()];
        data.stale = vec![line.clone()];
        assert_eq!(
            sentences(&data),
            "1 measure is not started regionally. 1 measure still open has had no report in \
             the 12 months up to 31 December 2027."
        );

        data.not_started = vec![line.clone(); 12];
        data.stale = vec![line; 3];
        assert_eq!(
            sentences(&data),
            "12 measures are not started regionally. 3 measures still open have had no report \
             in the 12 months up to 31 December 2027."
        );
    }

    #[test]
    fn an_incomplete_measure_list_is_said_plainly_above_the_rates() {
        // The sample's note says 112 measures; it has 12, and none under objective 3.2.
        let data = sample();

        let report = Report::new(&data, &[]);

        assert_eq!(
            report.caveat.as_deref(),
            Some(
                "The list of strategic measures of this framework is incomplete: the tracker \
                 knows 12 measures (it should have 112 measures). No measure is recorded under 1 \
                 objective: 3.2 Decent jobs. Every rate in this report is over the known measures only, so it \
                 does not describe the framework as a whole; where no measure is known, the \
                 rate is not defined (shown as “–”), not zero."
            )
        );
        assert!(report.headlines.iter().all(|h| {
            h.detail
                .ends_with("(known measures only: the list is incomplete)")
        }));
    }

    #[test]
    fn a_complete_measure_list_gets_no_caveat() {
        let mut data = sample();
        data.framework.note = None;

        let report = Report::new(&data, &[]);

        assert_eq!(report.caveat, None);
        assert!(
            report
                .headlines
                .iter()
                .all(|h| !h.detail.contains("incomplete"))
        );
    }

    #[test]
    fn the_html_has_the_cover_the_summary_figures_and_the_methods() {
        let html = html();
        for expected in [
            "<h1>ASEAN Socio-Cultural Community Strategic Plan</h1>",
            "Review report as of 31 December 2027",
            "<time datetime=\"2027-12-31\">31 December 2027</time>",
            "2028-01-15 09:00 UTC",
            "blueprint-tracker status reports (sample data for tests)",
            // the summary figures with their counts
            "41.7% (5 of 12 applicable measures)",
            "83.3% (10 of 12 applicable measures)",
            "58.3% (700 of 1,200 progress points)",
            "8.3% (1 of 12 applicable measures)",
            "34.8% (16 of 46 applicable cells)",
            "34.5%",
            // the methods, as README's "Figures" section states them
            "completion_rate = completed / applicable.",
            "implementation_rate = (ongoing + completed) / applicable.",
            "progress_index = progress_points / (applicable × 100)",
            "the one recorded last",
            "3 results-framework indicators are measured",
            "Indicator classes by goal",
            "Expected by 2027",
            "<th scope=\"row\">SP-1 Households with broadband access (%)</th>",
            "<td class=\"num\">50.0 (2025)</td><td class=\"num\">80.0 (2030)</td>\
             <td class=\"num\">55.0 (2027)</td><td class=\"num\">16.7%</td>\
             <td class=\"num\">40.0%</td><td class=\"num\">41.0%</td>\
             <td>Needs acceleration</td><td class=\"num\">55.0% (3 of 4)</td>",
            "SP-2 Days to register a birth (days)",
            "10.00 (2025)",
            "ACC needs acceleration",
            "weight w = year − b + 1",
            "anticipated_progress = (anticipated value − x0) / (x* − x0)",
        ] {
            assert!(html.contains(expected), "{expected:?} missing");
        }
        let mut none = sample();
        none.indicators = crate::report::IndicatorSection::default();
        let html = render(&none, &[]).unwrap();
        assert!(html.contains("No results-framework indicators are recorded yet."));
        assert!(!html.contains("Indicator classes by goal"));
    }

    #[test]
    fn the_html_names_every_node_state_and_rule() {
        let html = html();
        for code in [
            "SG1", "SG2", "SG3", "1.1", "1.2", "2.1", "3.1", "3.2", "1.1.3", "3.1.2",
        ] {
            assert!(
                html.contains(&format!("<th scope=\"row\" class=\"code\">{code}</th>")),
                "{code} missing"
            );
        }
        for (code, name) in [
            ("IDN", "Indonesia"),
            ("THA", "Thailand"),
            ("TLS", "Timor-Leste"),
            ("VNM", "Viet Nam"),
        ] {
            assert!(html.contains(code) && html.contains(name), "{code} missing");
        }
        for rule in ["all_states", "mean_of_states", "cells", "regional", "scope"] {
            assert!(
                html.contains(&format!("<td class=\"rule\">{rule}</td>")),
                "{rule} missing"
            );
        }
        // 3.2 has nothing applicable: its rates are undefined, not 0.
        let row = html.split("class=\"code\">3.2</th>").nth(1).unwrap();
        let row = row.split("</tr>").next().unwrap();
        assert_eq!(row.matches("<td class=\"num\">–</td>").count(), 3, "{row}");
    }

    #[test]
    fn the_html_checks_each_published_figure_under_every_rule() {
        let html = html();
        for expected in [
            "<span class=\"number\">11</span>Official figures checked",
            "Claim 2 · ASEAN implementation rate as of 30 June 2027",
            "“83.3% of the strategic measures are being implemented.”",
            "<a href=\"https://example.org/mid-term-review\">Mid-term review of the Strategic Plan</a>",
            "83.3% (implementation rate of ASEAN, to the nearest 0.1 percentage point)",
            "Superseded by claim 2: a correction was recorded.",
            "Corrects claim 1.",
            "As known on the publication day (end of 15 July 2027 UTC) · verdict: Unverifiable",
            "As known at this report&#39;s instant (2028-01-15 09:00 UTC) · verdict: Matches",
            "the mean of the member states&#39; own rates <span class=\"tag\">mean_of_states</span>",
            "<td class=\"num\">83.3%<span class=\"rests\">12 measures</span></td>",
            "<td class=\"num\">\u{2212}6.7 pp</td>",
            "<span class=\"verdict-differs\">Differs</span>",
            "<span class=\"verdict-matches\">Matches</span>",
            "no report was in force on 2027-06-30 as known then",
            "No rule reproduces 90.0%: the closest is the regional statuses at 83.3%, 6.7 percentage points lower.",
            "<dt>Official figures checked</dt>",
        ] {
            assert!(html.contains(expected), "the HTML says {expected}");
        }
    }

    #[test]
    fn an_incomplete_measure_list_makes_the_claim_unverifiable_in_words() {
        let mut data = sample();
        data.claims = vec![crate::report::sample::blueprint_claim()];
        let html = render(&data, &[]).unwrap();
        for expected in [
            "100% (implementation rate of ASEAN, to the nearest 1 percentage point)",
            "The framework&#39;s list of strategic measures is incomplete: 9 measures are known, \
             and its note does not say how many it should have. Every rule&#39;s figure rests on \
             those alone, so none can verify the claim. Its note says: “the public sources",
            "<td class=\"num\">100.0%<span class=\"rests\">9 measures</span></td>",
            "<span class=\"verdict-unverifiable\">Unverifiable</span>",
            "Cannot be verified: the framework&#39;s list of strategic measures is incomplete \
             (9 measures known; its note does not say how many it should have); on the measures \
             known, 100.0% is reproduced by the regional statuses.",
        ] {
            assert!(html.contains(expected), "the HTML says {expected}");
        }
        // The incomplete list is said once, not under every rule's verdict.
        assert!(!html.contains("<span class=\"why\">the framework"));
        assert!(!html.contains("class=\"verdict-matches\""));
    }

    #[test]
    fn without_a_claim_the_section_says_so_in_one_sentence() {
        let mut data = sample();
        data.claims.clear();
        let html = render(&data, &[]).unwrap();
        assert!(html.contains(
            "<p class=\"empty\">No published figure is recorded for this framework.</p>"
        ));
        assert!(!html.contains("<dt>Official figures checked</dt>"));
    }

    #[test]
    fn an_edition_says_so_on_its_cover_and_an_ordinary_report_does_not() {
        let ordinary = html();
        assert!(ordinary.contains("<p class=\"kicker\">Review report</p>"));
        assert!(!ordinary.contains("<dt>Edition</dt>"));

        let mut data = sample();
        data.known_at = Some("2028-01-15T08:59:59.999999Z".parse().unwrap());
        data.edition = Some(crate::report::EditionStamp {
            title: "Mid-term review, first edition".into(),
        });
        let html = render(&data, &[]).unwrap();
        for expected in [
            "<p class=\"kicker\">Review edition</p>",
            "Review edition as of 31 December 2027",
            "<dt>Edition</dt><dd><strong>Mid-term review, first edition</strong>, frozen as known at 2028-01-15 08:59:59 UTC</dd>",
            "review edition as of 2027-12-31",
        ] {
            assert!(html.contains(expected), "the HTML says {expected}");
        }
    }

    #[test]
    fn the_html_is_self_contained_with_the_charts_inline() {
        let html = html();
        // The seven charts, then the trends of the indicators furthest behind.
        let trends = furthest_behind(&sample());
        assert_eq!(trends.len(), 3, "{trends:?}");
        assert_eq!(
            html.matches("<svg").count(),
            Chart::ALL.len() + trends.len()
        );
        assert_eq!(
            html.matches("<figure").count(),
            Chart::ALL.len() + trends.len()
        );
        for code in &trends {
            assert!(html.contains(&format!("{code} ")), "{code}");
        }
        assert!(
            html.contains("trend in ASEAN&#39;s own figures")
                || html.contains("trend in ASEAN's own figures")
        );
        assert!(html.contains("furthest behind the straight path from baseline to target"));
        for chart in Chart::ALL {
            assert!(html.contains(chart.title()), "{} missing", chart.name());
        }
        // Namespace names are not loaded, and a claim's source is a link to follow, not a
        // resource; nothing else may point outside the document.
        let mut without_namespaces = html
            .replace("xmlns=\"http://www.w3.org/2000/svg\"", "")
            .replace("xmlns:xlink=\"http://www.w3.org/1999/xlink\"", "");
        for url in sample().claims.iter().filter_map(|c| c.source_url.clone()) {
            without_namespaces = without_namespaces.replace(&url, "");
        }
        assert!(!without_namespaces.contains("http://"));
        assert!(!without_namespaces.contains("https://"));
        assert!(!html.contains("<link") && !html.contains("<script") && !html.contains("@import"));
        assert!(html.contains("<style>") && html.contains("@media print"));
    }

    #[test]
    fn the_html_escapes_text() {
        let mut data = sample();
        data.framework.title = "Plan <b>&</b>".into();
        let html = render(&data, &[]).unwrap();
        assert!(
            html.contains("Plan &#60;b&#62;&#38;&#60;/b&#62;")
                || html.contains("Plan &lt;b&gt;&amp;&lt;/b&gt;")
        );
        assert!(!html.contains("<b>&</b>"));
    }

    #[test]
    fn the_same_data_give_the_same_html() {
        let data = sample();
        let charts = all_charts(&data);
        assert_eq!(
            render(&data, &charts).unwrap(),
            render(&data, &charts).unwrap()
        );
    }

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1200), "1,200");
        assert_eq!(count(1_234_567), "1,234,567");
    }

    #[test]
    fn an_undefined_rate_is_said_not_printed_as_zero() {
        assert_eq!(
            with_counts(0, 0, "applicable measures"),
            "not defined (no applicable measures)"
        );
    }
}
