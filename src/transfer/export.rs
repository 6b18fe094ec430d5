//! The tables the tracker hands out: a template to fill, the statuses as of a date, a history
//! of reports, and the progress figures, each as a [`Sheet`] for CSV or XLSX or as SDMX-CSV
//! 2.0. Plain data in (what the service gathered), tables out.
//!
//! SDMX-CSV 2.0 (the SDMX technical working group's data message field guide): the columns
//! `STRUCTURE` (`dataflow`), `STRUCTURE_ID` (`AGENCY:ID(VERSION)`), `ACTION` (`I`,
//! information: a receiver that loads it appends), then the dimensions, `OBS_VALUE`, then the
//! attributes; custom columns after them.
//! - Statuses (`ASEAN:DF_ASCC_STATUS(1.0)`): dimensions `FRAMEWORK`, `MEASURE`, `SCOPE`,
//!   `TIME_PERIOD`; the observation is the status code (`ongoing`); attributes `PROGRESS`,
//!   `EFFECTIVE_DATE`, `RECORDED_AT`, `VALIDATION`, `NOTE`, `EVIDENCE_URL`; custom `REPORT_ID`.
//!   As of a date, `TIME_PERIOD` is that date and every measure × scope is there (`not_started`
//!   where nothing was reported). In a history, `TIME_PERIOD` is the effective date, and of
//!   several reports with the same key only the one recorded last (the one in force) is kept,
//!   since an SDMX key names one observation; the CSV and XLSX histories keep every report.
//! - Progress (`ASEAN:DF_ASCC_PROGRESS(1.0)`): dimensions `FRAMEWORK`, `NODE` (`_T` for all
//!   the measures selected), `SCOPE`, `INDICATOR` (`COMPLETION_RATE`, `IMPLEMENTATION_RATE`,
//!   `PROGRESS_INDEX`), `TIME_PERIOD`; the observation is the fraction (empty when nothing is
//!   applicable); attributes `RULE`, `NUMERATOR`, `DENOMINATOR`, `LEVEL`, `BASIS`.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::status::COLUMNS;
use super::write::{Cell, Rule, Sheet};
use crate::domain::{Scope, Status, StatusReport};
use crate::engine::{Progress, Rate};

/// The SDMX agency of the dataflows.
pub const SDMX_AGENCY: &str = "ASEAN";
/// The statuses' dataflow.
pub const SDMX_STATUS_FLOW: &str = "ASEAN:DF_ASCC_STATUS(1.0)";
/// The progress figures' dataflow.
pub const SDMX_PROGRESS_FLOW: &str = "ASEAN:DF_ASCC_PROGRESS(1.0)";
/// The `NODE` code of the figures over every measure selected (SDMX's "total").
pub const SDMX_TOTAL: &str = "_T";

const SDMX_LEAD: [&str; 3] = ["STRUCTURE", "STRUCTURE_ID", "ACTION"];
const SDMX_STATUS_COLUMNS: [&str; 11] = [
    "FRAMEWORK",
    "MEASURE",
    "SCOPE",
    "TIME_PERIOD",
    "OBS_VALUE",
    "PROGRESS",
    "EFFECTIVE_DATE",
    "RECORDED_AT",
    "VALIDATION",
    "NOTE",
    "EVIDENCE_URL",
];
const SDMX_PROGRESS_COLUMNS: [&str; 11] = [
    "FRAMEWORK",
    "NODE",
    "SCOPE",
    "INDICATOR",
    "TIME_PERIOD",
    "OBS_VALUE",
    "RULE",
    "NUMERATOR",
    "DENOMINATOR",
    "LEVEL",
    "BASIS",
];

/// One (measure, scope) pair as of a date, with the report in force (none: `not_started`).
#[derive(Debug, Clone, Copy)]
pub struct StatusLine<'a> {
    pub measure: &'a str,
    pub title: &'a str,
    pub scope: &'a Scope,
    pub report: Option<&'a StatusReport>,
}

fn columns(names: &[&str]) -> Vec<String> {
    names.iter().map(|c| (*c).to_owned()).collect()
}

/// The report's own columns ([`COLUMNS`]) of a row, as an import reads them back.
fn report_cells(
    framework: &str,
    measure: &str,
    scope: &Scope,
    r: Option<&StatusReport>,
) -> Vec<Cell> {
    vec![
        Cell::text(framework),
        Cell::text(measure),
        Cell::text(scope.as_str()),
        Cell::text(r.map_or(Status::NotStarted, |r| r.status).as_str()),
        r.and_then(|r| r.progress)
            .map_or(Cell::Empty, |p| Cell::Int(i64::from(p))),
        r.map_or(Cell::Empty, |r| Cell::Date(r.effective_date)),
        Cell::opt_text(r.and_then(|r| r.note.clone())),
        Cell::opt_text(r.and_then(|r| r.evidence_url.clone())),
    ]
}

/// Who recorded a report, when, and where it stands in review.
fn provenance(r: Option<&StatusReport>) -> [Cell; 4] {
    [
        r.map_or(Cell::Empty, |r| Cell::Int(r.id)),
        r.map_or(Cell::Empty, |r| Cell::Instant(r.recorded_at)),
        Cell::opt_text(r.and_then(|r| r.recorded_by.clone())),
        r.map_or(Cell::Empty, |r| Cell::text(r.validation.state.as_str())),
    ]
}

/// The statuses of a framework as of a date: one row per measure and scope, importable as it
/// is (the unreported pairs are placeholders an import skips).
pub fn status_sheet(framework: &str, as_of: NaiveDate, lines: &[StatusLine<'_>]) -> Sheet {
    let mut names: Vec<&str> = COLUMNS.to_vec();
    names.extend([
        "measure_title",
        "report_id",
        "recorded_at",
        "recorded_by",
        "validation",
        "as_of",
    ]);
    Sheet {
        name: "status".into(),
        columns: columns(&names),
        rows: lines
            .iter()
            .map(|line| {
                let mut row = report_cells(framework, line.measure, line.scope, line.report);
                row.push(Cell::text(line.title));
                row.extend(provenance(line.report));
                row.push(Cell::Date(as_of));
                row
            })
            .collect(),
        ..Sheet::default()
    }
}

/// Every report given, in the order given, importable as it is.
pub fn history_sheet(
    framework: &str,
    reports: &[StatusReport],
    titles: &HashMap<String, String>,
) -> Sheet {
    let mut names: Vec<&str> = COLUMNS.to_vec();
    names.extend([
        "measure_title",
        "report_id",
        "recorded_at",
        "recorded_by",
        "validation",
        "lock_override",
    ]);
    Sheet {
        name: "history".into(),
        columns: columns(&names),
        rows: reports
            .iter()
            .map(|r| {
                let mut row = report_cells(framework, &r.measure, &r.scope, Some(r));
                row.push(Cell::opt_text(titles.get(&r.measure).cloned()));
                row.extend(provenance(Some(r)));
                row.push(Cell::text(if r.lock_override { "yes" } else { "no" }));
                row
            })
            .collect(),
        ..Sheet::default()
    }
}

/// The SDMX-CSV of statuses as of a date.
pub fn status_sdmx(framework: &str, as_of: NaiveDate, lines: &[StatusLine<'_>]) -> Sheet {
    let rows = lines
        .iter()
        .map(|l| sdmx_status_row(framework, l.measure, l.scope, as_of, l.report, true))
        .collect();
    sdmx_sheet("status", &SDMX_STATUS_COLUMNS, rows)
}

/// The SDMX-CSV of a history: per (measure, scope, effective date), the report recorded last.
pub fn history_sdmx(framework: &str, reports: &[StatusReport]) -> Sheet {
    let mut last: HashMap<(&str, &Scope, NaiveDate), &StatusReport> = HashMap::new();
    for r in reports {
        let key = (r.measure.as_str(), &r.scope, r.effective_date);
        match last.get(&key) {
            Some(kept) if (kept.recorded_at, kept.id) > (r.recorded_at, r.id) => {}
            _ => {
                last.insert(key, r);
            }
        }
    }
    let rows = reports
        .iter()
        .filter(|r| {
            last.get(&(r.measure.as_str(), &r.scope, r.effective_date))
                .is_some_and(|kept| kept.id == r.id)
        })
        .map(|r| {
            sdmx_status_row(
                framework,
                &r.measure,
                &r.scope,
                r.effective_date,
                Some(r),
                false,
            )
        })
        .collect();
    sdmx_sheet("history", &SDMX_STATUS_COLUMNS, rows)
}

fn sdmx_status_row(
    framework: &str,
    measure: &str,
    scope: &Scope,
    time: NaiveDate,
    r: Option<&StatusReport>,
    with_effective_date: bool,
) -> Vec<Cell> {
    vec![
        Cell::text("dataflow"),
        Cell::text(SDMX_STATUS_FLOW),
        Cell::text("I"),
        Cell::text(framework),
        Cell::text(measure),
        Cell::text(scope.as_str()),
        Cell::Date(time),
        Cell::text(r.map_or(Status::NotStarted, |r| r.status).as_str()),
        r.and_then(|r| r.progress)
            .map_or(Cell::Empty, |p| Cell::Int(i64::from(p))),
        match r {
            Some(r) if with_effective_date => Cell::Date(r.effective_date),
            _ => Cell::Empty,
        },
        r.map_or(Cell::Empty, |r| Cell::Instant(r.recorded_at)),
        r.map_or(Cell::Empty, |r| Cell::text(r.validation.state.as_str())),
        Cell::opt_text(r.and_then(|r| r.note.clone())),
        Cell::opt_text(r.and_then(|r| r.evidence_url.clone())),
        r.map_or(Cell::Empty, |r| Cell::Int(r.id)),
    ]
}

fn sdmx_sheet(name: &str, components: &[&str], rows: Vec<Vec<Cell>>) -> Sheet {
    let mut names: Vec<&str> = SDMX_LEAD.to_vec();
    names.extend(components);
    if components == SDMX_STATUS_COLUMNS {
        names.push("REPORT_ID");
    }
    Sheet {
        name: name.into(),
        columns: columns(&names),
        rows,
        ..Sheet::default()
    }
}

/// One scope's progress figures, with the basis they were computed on.
#[derive(Debug, Clone, Copy)]
pub struct ScopeProgress<'a> {
    pub scope: &'a Scope,
    pub progress: &'a Progress,
}

/// The rows of one scope's figures: overall (`node` = `overall`), then per node.
fn progress_rows<'a>(
    p: &'a ScopeProgress<'a>,
) -> impl Iterator<Item = (Option<(&'a str, &'a str, &'a str)>, &'a Rate)> {
    std::iter::once((None, &p.progress.overall)).chain(p.progress.nodes.iter().map(|n| {
        (
            Some((n.code.as_str(), n.title.as_str(), n.level.as_str())),
            &n.rate,
        )
    }))
}

/// The progress figures as of a date, one row per scope and node, with the exact counts.
pub fn progress_sheet(
    framework: &str,
    as_of: NaiveDate,
    basis: &str,
    scopes: &[ScopeProgress<'_>],
) -> Sheet {
    let mut names = vec![
        "framework",
        "as_of",
        "basis",
        "scope",
        "rule",
        "node",
        "title",
        "level",
    ];
    names.extend(Rate::CSV_COLUMNS);
    let mut rows = Vec::new();
    for p in scopes {
        for (node, rate) in progress_rows(p) {
            let (code, title, level) = node.unwrap_or(("overall", "all measures selected", ""));
            let mut row = vec![
                Cell::text(framework),
                Cell::Date(as_of),
                Cell::text(basis),
                Cell::text(p.scope.as_str()),
                Cell::text(rate.rule.as_str()),
                Cell::text(code),
                Cell::text(title),
                Cell::text(level),
            ];
            let counts = [
                rate.measures,
                rate.applicable,
                rate.completed,
                rate.ongoing,
                rate.not_started,
                rate.unreported,
                rate.not_applicable,
                rate.progress_points,
            ];
            row.extend(
                counts
                    .iter()
                    .map(|&n| Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))),
            );
            row.extend(
                [
                    rate.completion_rate,
                    rate.implementation_rate,
                    rate.progress_index,
                ]
                .iter()
                .map(|r| r.map_or(Cell::Empty, Cell::Fraction)),
            );
            rows.push(row);
        }
    }
    Sheet {
        name: "progress".into(),
        columns: columns(&names),
        rows,
        ..Sheet::default()
    }
}

/// The SDMX-CSV of the progress figures: one observation per scope, node and indicator.
pub fn progress_sdmx(
    framework: &str,
    as_of: NaiveDate,
    basis: &str,
    scopes: &[ScopeProgress<'_>],
) -> Sheet {
    let mut rows = Vec::new();
    for p in scopes {
        for (node, rate) in progress_rows(p) {
            let (code, level) = node.map_or((SDMX_TOTAL, ""), |(code, _, level)| (code, level));
            let indicators = [
                (
                    "COMPLETION_RATE",
                    rate.completion_rate,
                    rate.completed,
                    rate.applicable,
                ),
                (
                    "IMPLEMENTATION_RATE",
                    rate.implementation_rate,
                    rate.completed + rate.ongoing,
                    rate.applicable,
                ),
                (
                    "PROGRESS_INDEX",
                    rate.progress_index,
                    rate.progress_points,
                    rate.applicable * 100,
                ),
            ];
            for (indicator, value, numerator, denominator) in indicators {
                rows.push(vec![
                    Cell::text("dataflow"),
                    Cell::text(SDMX_PROGRESS_FLOW),
                    Cell::text("I"),
                    Cell::text(framework),
                    Cell::text(code),
                    Cell::text(p.scope.as_str()),
                    Cell::text(indicator),
                    Cell::Date(as_of),
                    value.map_or(Cell::Empty, Cell::Fraction),
                    Cell::text(rate.rule.as_str()),
                    Cell::Int(i64::try_from(numerator).unwrap_or(i64::MAX)),
                    Cell::Int(i64::try_from(denominator).unwrap_or(i64::MAX)),
                    Cell::text(level),
                    Cell::text(basis),
                ]);
            }
        }
    }
    sdmx_sheet("progress", &SDMX_PROGRESS_COLUMNS, rows)
}

/// One measure of a template: its code, its title, and (a pre-filled template) the scope's
/// report in force.
#[derive(Debug, Clone, Copy)]
pub struct TemplateMeasure<'a> {
    pub code: &'a str,
    pub title: &'a str,
    pub in_force: Option<&'a StatusReport>,
}

/// What a template is for: a framework's code and period, a scope, its measures, whether it
/// is pre-filled with the reports in force (as of `as_of`), and the last date a status may
/// take effect on (today, given by the caller).
#[derive(Debug, Clone)]
pub struct TemplateSpec<'a> {
    pub framework: &'a str,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub scope: &'a Scope,
    pub measures: &'a [TemplateMeasure<'a>],
    /// `Some(date)`: pre-filled with the statuses in force on that date.
    pub prefilled: Option<NaiveDate>,
    pub latest: NaiveDate,
}

/// A status file to fill: one row per strategic measure for the scope, the measure's title
/// beside it; the report's columns empty, or, pre-filled, those of the report in force (empty
/// where there is none), so that only what changed needs changing (an untouched row imports
/// as `unchanged`). In XLSX, a drop-down of statuses, progress limited to 0–100, dates limited
/// to the framework's period, and an `about` sheet that says how.
pub fn template_sheet(spec: &TemplateSpec<'_>) -> Sheet {
    let mut names: Vec<&str> = COLUMNS.to_vec();
    names.push("measure_title");
    let rows = spec
        .measures
        .iter()
        .map(|m| {
            let mut row = match m.in_force {
                Some(report) => report_cells(spec.framework, m.code, spec.scope, Some(report)),
                None => {
                    let mut row = vec![
                        Cell::text(spec.framework),
                        Cell::text(m.code),
                        Cell::text(spec.scope.as_str()),
                    ];
                    row.extend(std::iter::repeat_n(Cell::Empty, 5));
                    row
                }
            };
            row.push(Cell::text(m.title));
            row
        })
        .collect();
    let filled = spec
        .measures
        .iter()
        .filter(|m| m.in_force.is_some())
        .count();
    let mut about = vec![format!(
        "Status template of {} for {} ({} strategic measures).",
        spec.framework,
        spec.scope,
        spec.measures.len()
    )];
    if let Some(as_of) = spec.prefilled {
        about.push(format!(
            "Pre-filled with the statuses in force on {as_of} ({filled} of the {} measures have one; the others are empty). Change only the rows whose status changed, with the date from which the new status holds: a row left as it is stores nothing when imported.",
            spec.measures.len()
        ));
    }
    let last = spec.latest.min(spec.end_date).max(spec.start_date);
    let statuses: Vec<String> = Status::ALL.iter().map(|s| s.as_str().to_owned()).collect();
    Sheet {
        name: super::status::SHEET_NAME.into(),
        columns: columns(&names),
        rows,
        rules: vec![
            (
                3,
                Rule::OneOf(statuses),
                "not_started, ongoing, completed or not_applicable".into(),
            ),
            (
                4,
                Rule::WholeNumber(0, 100),
                "A whole percent from 0 to 100, only with ongoing".into(),
            ),
            (
                5,
                Rule::DateBetween(spec.start_date, last),
                format!(
                    "The day the status holds from: {} to {}",
                    spec.start_date, spec.end_date
                ),
            ),
        ],
        about: about
            .into_iter()
            .chain([
            "Fill one row per measure you report on: status, effective_date (the day from which the status holds), and optionally progress, note and evidence_url.".into(),
            "status: not_started, ongoing, completed or not_applicable. progress: a whole percent from 0 to 100, only with ongoing.".into(),
            "effective_date: a date (YYYY-MM-DD, or a date cell of the spreadsheet) inside the framework's period and not in the future.".into(),
            "evidence_url: an http:// or https:// address, written in full (www.asean.org/x is refused: write https://www.asean.org/x). Leave a row's status empty to skip it. Do not change framework, measure or scope.".into(),
            "Import with a dry run first: the Import page (/import), POST /api/v1/frameworks/{fw}/status/import?dry_run=true, or blueprint-tracker import status FILE --dry-run. Every problem is listed with its line and column; nothing is stored until the whole file is right.".into(),
        ])
            .collect(),
    }
}
