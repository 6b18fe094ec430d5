//! `blueprint-tracker indicators`: every indicator's progress in one scope as of a date
//! (DESIGN.md §2b), as an aligned table (default), CSV or JSON. For `ASEAN` each row also
//! carries the unweighted mean of the member states' current statuses (`mean_of_states`),
//! beside the regional figures and never mixed into them; for a member state, its own figures.
//! Values are printed with the indicator's decimals and unit in the table, unrounded in CSV
//! and JSON.

use std::io::Write;

use serde::Serialize;

use super::Format;
use crate::domain::{Basis, Indicator, Scope};
use crate::engine::indicators::{ScopeProgress, YearValue};
use crate::engine::percent_of;
use crate::service::FrameworkIndicatorFigures;

/// One indicator's row in the chosen scope.
#[derive(Debug, Serialize)]
struct Row<'a> {
    code: &'a str,
    title: &'a str,
    unit: &'a str,
    direction: &'a str,
    decimals: u8,
    node: &'a str,
    #[serde(flatten)]
    figures: &'a ScopeProgress,
    /// For `ASEAN` only: the mean of the states' current statuses and how many it is over.
    #[serde(skip_serializing_if = "Option::is_none")]
    mean_of_states: Option<Mean>,
}

#[derive(Debug, Clone, Copy, Serialize)]
struct Mean {
    current_status: Option<f64>,
    states: u64,
    participants: u64,
}

/// What `indicators --format json` prints.
#[derive(Debug, Serialize)]
struct Table<'a> {
    framework: &'a str,
    as_of: chrono::NaiveDate,
    known_at: Option<chrono::DateTime<chrono::Utc>>,
    basis: Basis,
    scope: &'a Scope,
    count: usize,
    indicators: Vec<Row<'a>>,
}

/// The rows of `scope` (a participant without figures for an indicator gets none).
fn table<'a>(figures: &'a FrameworkIndicatorFigures, scope: &'a Scope) -> Table<'a> {
    let indicators = figures
        .indicators
        .iter()
        .filter_map(|f| {
            let progress = &f.progress;
            let scoped = progress.scopes.iter().find(|s| &s.scope == scope)?;
            let mean = matches!(scope, Scope::Asean).then_some(Mean {
                current_status: progress.mean_of_states.current_status,
                states: progress.mean_of_states.states,
                participants: progress.mean_of_states.participants,
            });
            Some(row(&f.indicator, scoped, mean))
        })
        .collect::<Vec<_>>();
    Table {
        framework: &figures.framework,
        as_of: figures.as_of,
        known_at: figures.known_at,
        basis: figures.basis,
        scope,
        count: indicators.len(),
        indicators,
    }
}

fn row<'a>(indicator: &'a Indicator, figures: &'a ScopeProgress, mean: Option<Mean>) -> Row<'a> {
    Row {
        code: &indicator.code,
        title: &indicator.title,
        unit: &indicator.unit,
        direction: indicator.direction.as_str(),
        decimals: indicator.decimals,
        node: &indicator.node,
        figures,
        mean_of_states: mean,
    }
}

/// Writes the indicators' figures in `scope` in `format`.
///
/// # Errors
/// `scope` does not take part in the framework as of the date; the output cannot be written.
pub fn write_indicators(
    out: &mut impl Write,
    figures: &FrameworkIndicatorFigures,
    scope: &Scope,
    format: Format,
) -> anyhow::Result<()> {
    if let Scope::State(state) = scope
        && !figures.participants.contains(state)
    {
        anyhow::bail!(
            "--scope: {state} does not take part in `{}` on {}",
            figures.framework,
            figures.as_of
        );
    }
    let table = table(figures, scope);
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &table)?;
            writeln!(out)?;
        }
        Format::Csv => write_csv(out, &table)?,
        Format::Table => write_table(out, &table)?,
    }
    Ok(())
}

const CSV_HEAD: [&str; 20] = [
    "framework",
    "as_of",
    "basis",
    "scope",
    "indicator",
    "title",
    "unit",
    "baseline_year",
    "baseline_value",
    "target_year",
    "target_value",
    "latest_year",
    "latest_value",
    "points",
    "current_status",
    "expected",
    "anticipated_value",
    "anticipated_progress",
    "class",
    "mean_of_states",
];

fn write_csv(out: &mut impl Write, table: &Table<'_>) -> anyhow::Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(CSV_HEAD)?;
    let opt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let year = |v: Option<YearValue>| v.map(|v| v.year.to_string()).unwrap_or_default();
    let value = |v: Option<YearValue>| opt(v.map(|v| v.value));
    for r in &table.indicators {
        let f = r.figures;
        csv.write_record([
            table.framework.to_owned(),
            table.as_of.to_string(),
            table.basis.as_str().to_owned(),
            table.scope.as_str().to_owned(),
            r.code.to_owned(),
            r.title.to_owned(),
            r.unit.to_owned(),
            year(f.baseline),
            value(f.baseline),
            year(f.target),
            value(f.target),
            year(f.latest),
            value(f.latest),
            f.points.len().to_string(),
            opt(f.current_status),
            opt(f.expected),
            opt(f.anticipated_value),
            opt(f.anticipated_progress),
            f.class.as_str().to_owned(),
            opt(r.mean_of_states.and_then(|m| m.current_status)),
        ])?;
    }
    csv.flush()?;
    Ok(())
}

/// A value with the indicator's unit: `62.5%`, `7.1 years`.
fn with_unit(value: f64, unit: &str, decimals: usize) -> String {
    let number = format!("{value:.decimals$}");
    if crate::domain::is_percent_unit(unit) {
        format!("{number}%")
    } else {
        format!("{number} {unit}")
    }
}

fn write_table(out: &mut impl Write, table: &Table<'_>) -> anyhow::Result<()> {
    let asean = matches!(table.scope, Scope::Asean);
    writeln!(
        out,
        "{} indicator{} of {} as of {} in {} (basis {}{})",
        table.count,
        if table.count == 1 { "" } else { "s" },
        table.framework,
        table.as_of,
        table.scope,
        table.basis.as_str(),
        table
            .known_at
            .map(|t| format!(", as known at {}", t.to_rfc3339()))
            .unwrap_or_default()
    )?;
    if table.indicators.is_empty() {
        writeln!(out, "No indicator is defined for this framework.")?;
        return Ok(());
    }
    let mut header = vec![
        "indicator",
        "baseline",
        "target",
        "latest",
        "status",
        "expected",
        "anticipated",
        "class",
    ];
    if asean {
        header.push("mean of states");
    }
    let dash = || "–".to_owned();
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|h| (*h).to_owned()).collect()];
    for r in &table.indicators {
        let f = r.figures;
        let decimals = usize::from(r.decimals);
        let year_value = |v: Option<YearValue>| {
            v.map_or_else(dash, |v| {
                format!("{} ({})", with_unit(v.value, r.unit, decimals), v.year)
            })
        };
        let mut cells = vec![
            r.code.to_owned(),
            year_value(f.baseline),
            year_value(f.target),
            year_value(f.latest),
            percent_of(f.current_status),
            percent_of(f.expected),
            percent_of(f.anticipated_progress),
            f.class.as_str().to_owned(),
        ];
        if let Some(mean) = r.mean_of_states {
            cells.push(format!(
                "{} ({}/{})",
                percent_of(mean.current_status),
                mean.states,
                mean.participants
            ));
        }
        rows.push(cells);
    }
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .map(|r| r.get(c).map_or(0, |s| s.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    for r in &rows {
        let line: Vec<String> = r
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (cell, width))| {
                let pad = width.saturating_sub(cell.chars().count());
                // The code is left-aligned, figures right-aligned.
                if i == 0 {
                    format!("{cell}{}", " ".repeat(pad))
                } else {
                    format!("{}{cell}", " ".repeat(pad))
                }
            })
            .collect();
        writeln!(out, "{}", line.join("  ").trim_end())?;
    }
    writeln!(
        out,
        "status = (latest − baseline) / (target − baseline); expected = share of the \
         baseline-to-target years elapsed at the latest year; anticipated = the weighted trend's \
         progress at the target year (DESIGN.md §2b)."
    )?;
    Ok(())
}
