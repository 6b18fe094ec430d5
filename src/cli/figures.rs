//! The figures in the terminal: `blueprint-tracker progress` as an aligned table (default),
//! JSON (the API's body) or CSV (one row per node, the overall figures first).

use std::io::Write;

use crate::engine::{NodeRate, Rate};
use crate::service::ProgressView;

/// How `progress` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

/// The overall row followed by the node rows.
fn rows(view: &ProgressView) -> impl Iterator<Item = (&str, &str, &str, &Rate)> {
    std::iter::once((
        "overall",
        "",
        "all measures selected",
        &view.progress.overall,
    ))
    .chain(view.progress.nodes.iter().map(
        |NodeRate {
             code,
             title,
             level,
             rate,
         }| { (code.as_str(), level.as_str(), title.as_str(), rate) },
    ))
}

/// Writes the figures in `format`.
///
/// # Errors
/// The output cannot be written.
pub fn write_progress(
    out: &mut impl Write,
    view: &ProgressView,
    format: Format,
) -> anyhow::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, view)?;
            writeln!(out)?;
        }
        Format::Csv => write_csv(out, view)?,
        Format::Table => write_table(out, view)?,
    }
    Ok(())
}

fn write_csv(out: &mut impl Write, view: &ProgressView) -> anyhow::Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    let head = [
        "framework",
        "as_of",
        "scope",
        "rule",
        "code",
        "level",
        "title",
    ];
    csv.write_record(head.iter().chain(&Rate::CSV_COLUMNS))?;
    for (code, level, title, r) in rows(view) {
        let head = [
            view.framework.clone(),
            view.as_of.to_string(),
            view.scope.to_string(),
            r.rule.as_str().to_owned(),
            code.to_owned(),
            level.to_owned(),
            title.to_owned(),
        ];
        csv.write_record(head.iter().chain(&r.csv_fields()))?;
    }
    csv.flush()?;
    Ok(())
}

/// At most `max` characters of `text`, with an ellipsis when cut.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut clipped: String = text.chars().take(max.saturating_sub(1)).collect();
        clipped.push('…');
        clipped
    }
}

fn write_table(out: &mut impl Write, view: &ProgressView) -> anyhow::Result<()> {
    const TITLE: usize = 44;
    let dash = || "–".to_owned();
    let header = [
        "node",
        "title",
        "measures",
        "applicable",
        "completed",
        "ongoing",
        "not started",
        "no report",
        "n/a",
        "completion",
        "implement.",
        "progress",
    ];
    let mut table: Vec<[String; 12]> = vec![header.map(str::to_owned)];
    for (code, _, title, r) in rows(view) {
        table.push([
            code.to_owned(),
            clip(title, TITLE),
            r.measures.to_string(),
            r.applicable.to_string(),
            r.completed.to_string(),
            r.ongoing.to_string(),
            r.not_started.to_string(),
            r.unreported.to_string(),
            r.not_applicable.to_string(),
            r.completion_percent().unwrap_or_else(dash),
            r.implementation_percent().unwrap_or_else(dash),
            r.progress_percent().unwrap_or_else(dash),
        ]);
    }
    let mut widths = [0_usize; 12];
    for row in &table {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let rule = view.progress.overall.rule.as_str();
    writeln!(
        out,
        "{} — {} as of {}{} (rule: {rule})",
        view.framework,
        view.scope,
        view.as_of,
        view.known_at
            .map(|t| format!(", as known at {}", t.to_rfc3339()))
            .unwrap_or_default(),
    )?;
    if let Some(node) = &view.node {
        writeln!(out, "measures under {node}")?;
    }
    if let Some(body) = &view.body {
        writeln!(out, "measures led by {body}")?;
    }
    writeln!(out)?;
    for (i, row) in table.iter().enumerate() {
        let mut line = String::new();
        for (c, (cell, width)) in row.iter().zip(widths).enumerate() {
            let pad = width - cell.chars().count();
            if c > 0 {
                line.push_str("  ");
            }
            if c < 2 {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            } else {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            }
        }
        writeln!(out, "{}", line.trim_end())?;
        if i == 0 || i == 1 {
            writeln!(out, "{}", "-".repeat(widths.iter().sum::<usize>() + 2 * 10))?;
        }
    }
    writeln!(out)?;
    writeln!(
        out,
        "completion = completed / applicable; implementation = (ongoing + completed) / applicable;"
    )?;
    writeln!(
        out,
        "progress = mean of 0 (not started), percent/100 (ongoing, 0.5 if none), 1 (completed);"
    )?;
    writeln!(
        out,
        "applicable = measures not marked not_applicable; a measure with no report counts as not started"
    )?;
    writeln!(
        out,
        "(\"no report\" is the part of \"not started\" that nobody reported; a returned report counts no more)."
    )?;
    Ok(())
}
