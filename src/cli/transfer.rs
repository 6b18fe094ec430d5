//! `import status|indicators|observations`, `template [status|observations]`, `export [WHAT]`
//! and `framework import`: files in and out at the
//! server's terminal. An import acts for the account named with `--as` (held to its rights,
//! as over the API), or as the operator at the terminal (any scope; its reports are recorded
//! by no account and await validation); a framework is loaded by the operator.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, Subcommand};

use super::open;
use crate::domain::{Actor, Scope};
use crate::service::{
    ExportFile, ExportQuery, ExportWhat, FrameworkMetadata, ImportFile, ImportOptions,
    ImportProgress, IndicatorExportQuery, IndicatorExportWhat, ObservationLayout, ServiceError,
    TemplateOptions, Tracker, today,
};
use crate::transfer::FileFormat;

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import status reports from a CSV or XLSX file (header
    /// framework,measure,scope,status,progress,effective_date,note,evidence_url): all rows or
    /// none; every problem is listed with its line and column.
    Status(ImportStatusArgs),
    /// Import indicator definitions and their targets from a CSV or XLSX file (columns code,
    /// title, unit, direction, node, decimals, source, note, and for a target scope,
    /// baseline_year, baseline_value, target_year, target_value; a row with only code and the
    /// target columns adds a target to an existing indicator): all rows or none.
    Indicators(ImportIndicatorsArgs),
    /// Import indicator observations from a CSV or XLSX file (header
    /// indicator,scope,year,value,source,note) or, with --sdmx, from SDMX-CSV (REF_AREA,
    /// TIME_PERIOD, OBS_VALUE and the indicator's code in --indicator-column): all rows or
    /// none.
    Observations(ImportObservationsArgs),
}

#[derive(Debug, Args)]
pub struct ImportIndicatorsArgs {
    /// The file (.csv or .xlsx).
    pub file: PathBuf,
    /// The framework's code.
    #[arg(long, short, env = "BLUEPRINT_FRAMEWORK")]
    pub framework: String,
    /// The account importing (its role decides what it may define; the Secretariat defines
    /// indicators, a focal point sets its own state's targets).
    #[arg(long = "as", value_name = "ACCOUNT")]
    pub actor: String,
    /// Check everything and store nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ImportObservationsArgs {
    /// The file (.csv or .xlsx; SDMX-CSV with --sdmx).
    pub file: PathBuf,
    /// The framework's code.
    #[arg(long, short, env = "BLUEPRINT_FRAMEWORK")]
    pub framework: String,
    /// The account importing (a focal point imports its own state's rows only).
    #[arg(long = "as", value_name = "ACCOUNT")]
    pub actor: String,
    /// Read the file as SDMX-CSV.
    #[arg(long)]
    pub sdmx: bool,
    /// SDMX-CSV: the column of the indicator's code.
    #[arg(long, default_value = "INDICATOR", requires = "sdmx")]
    pub indicator_column: String,
    /// Check everything (rights, values, the lock) and store nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Record inside a locked period (an admin account).
    #[arg(long)]
    pub override_lock: bool,
}

#[derive(Debug, Args)]
pub struct ImportStatusArgs {
    /// The file (.csv or .xlsx).
    pub file: PathBuf,
    /// The framework (default: the one the file's `framework` column names).
    #[arg(long, short, env = "BLUEPRINT_FRAMEWORK")]
    pub framework: Option<String>,
    /// Check everything and store nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The account importing (its role and state decide which rows it may import); default:
    /// the operator at the terminal.
    #[arg(long = "as", value_name = "ACCOUNT")]
    pub actor: Option<String>,
    /// Record inside a locked period (an admin account, or the terminal).
    #[arg(long)]
    pub override_lock: bool,
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// What to fill: status (one row per strategic measure) or observations (one row per
    /// indicator).
    #[arg(default_value = "status", value_parser = ["status", "observations"])]
    pub kind: String,
    /// The framework's code.
    #[arg(long, short, env = "BLUEPRINT_FRAMEWORK")]
    pub framework: String,
    /// `ASEAN` or a participating member state (alpha-3 code).
    #[arg(long)]
    pub scope: String,
    /// csv or xlsx.
    #[arg(long, default_value = "xlsx")]
    pub format: String,
    /// Status: pre-filled with the scope's statuses in force today (change only what
    /// changed; untouched rows import as unchanged).
    #[arg(long)]
    pub prefilled: bool,
    /// Where to write (a file, or a folder; `-` for standard output). Default: the current
    /// folder.
    #[arg(long, default_value = ".")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The framework's code.
    #[arg(long, short, env = "BLUEPRINT_FRAMEWORK")]
    pub framework: String,
    /// What to export (or give it with --what): status (every measure × scope as of a date),
    /// progress (the figures of every scope), history (every report; of one measure with
    /// --measure), indicators (definitions with the targets in force), observations (the
    /// observation in force per indicator, scope and year) or indicator-progress.
    #[arg(value_name = "WHAT", conflicts_with = "what")]
    pub kind: Option<String>,
    /// The same as WHAT.
    #[arg(long)]
    pub what: Option<String>,
    /// csv, xlsx or sdmx-csv.
    #[arg(long, default_value = "csv")]
    pub format: String,
    /// The date the statuses and figures hold on (default: today in UTC+9).
    #[arg(long)]
    pub as_of: Option<NaiveDate>,
    /// Count only reports recorded by this instant (RFC 3339).
    #[arg(long)]
    pub known_at: Option<DateTime<Utc>>,
    /// One measure only.
    #[arg(long)]
    pub measure: Option<String>,
    /// One scope only (`ASEAN` or a member state).
    #[arg(long)]
    pub scope: Option<String>,
    /// Progress: the level of the rows (default: the top level).
    #[arg(long)]
    pub level: Option<String>,
    /// Progress (and observations): reported (default) or validated.
    #[arg(long, default_value = "reported")]
    pub basis: String,
    /// Where to write (a file, or a folder; `-` for standard output). Default: the current
    /// folder.
    #[arg(long, default_value = ".")]
    pub out: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum FrameworkCommand {
    /// Load a framework, or update one, from a tree file in the format of the shipped
    /// frameworks (level,code,parent_code,title[,note,lead_bodies]). A node the file no longer
    /// lists is retired, never deleted: its reports stay.
    Import(FrameworkImportArgs),
}

#[derive(Debug, Args)]
pub struct FrameworkImportArgs {
    /// The tree file (.csv or .xlsx).
    pub file: PathBuf,
    /// The framework's code (default: the file's name without extension).
    #[arg(long)]
    pub code: Option<String>,
    /// Metadata in the format of frameworks.csv (the row of this code is read).
    #[arg(long)]
    pub meta: Option<PathBuf>,
    #[arg(long)]
    pub title: Option<String>,
    /// The first day of the framework's period.
    #[arg(long)]
    pub start: Option<NaiveDate>,
    /// The last day of the framework's period.
    #[arg(long)]
    pub end: Option<NaiveDate>,
    /// Level names from the top down, e.g. goal/objective/measure (the last is the measures').
    #[arg(long)]
    pub levels: Option<String>,
    #[arg(long)]
    pub adopted_on: Option<NaiveDate>,
    #[arg(long)]
    pub adopted_at: Option<String>,
    /// Review milestones separated by `;`.
    #[arg(long)]
    pub reviews: Option<String>,
    #[arg(long)]
    pub note: Option<String>,
    /// Check everything and write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// A service error for the terminal: validation problems one per line.
fn explain(e: ServiceError) -> anyhow::Error {
    match e {
        ServiceError::Invalid(issues) => {
            let mut text = String::new();
            for issue in &issues {
                text.push_str(&format!("  {}: {}\n", issue.field, issue.message));
            }
            anyhow::anyhow!(
                "{} problem(s); nothing was stored:\n{}",
                issues.len(),
                text.trim_end()
            )
        }
        other => super::explain(other),
    }
}

async fn acting(tracker: &Tracker, name: &str) -> anyhow::Result<Actor> {
    let user = tracker.account(name).await.map_err(explain)?;
    if user.disabled {
        anyhow::bail!("the account `{name}` is disabled");
    }
    Ok(Actor::new(user, Some("local".to_owned())))
}

/// A progress bar on the terminal (stderr; hidden when it is not a terminal).
struct Bar(indicatif::ProgressBar);

impl ImportProgress for Bar {
    fn stage(&self, name: &'static str, total: u64) {
        self.0.set_length(total.max(1));
        self.0.set_position(0);
        self.0.set_message(name);
    }
    fn advance(&self, done: u64) {
        self.0.set_position(done);
    }
}

fn file_name(path: &Path) -> Option<String> {
    path.file_name().and_then(|n| n.to_str()).map(str::to_owned)
}

pub async fn import(database_url: &str, command: ImportCommand) -> anyhow::Result<()> {
    let args = match command {
        ImportCommand::Status(args) => args,
        ImportCommand::Indicators(args) => return import_indicators(database_url, args).await,
        ImportCommand::Observations(args) => {
            return import_observations(database_url, args).await;
        }
    };
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let (tracker, _) = open(database_url).await?;
    let actor = match &args.actor {
        Some(name) => Some(acting(&tracker, name).await?),
        None => None,
    };
    let bar = indicatif::ProgressBar::new(1);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let name = args
        .file
        .file_name()
        .and_then(|n| n.to_str())
        .map(str::to_owned);
    let result = tracker
        .import_status(
            actor.as_ref(),
            args.framework.as_deref(),
            ImportFile {
                name: name.as_deref(),
                bytes: &bytes,
            },
            ImportOptions {
                dry_run: args.dry_run,
                override_lock: args.override_lock,
            },
            &Bar(bar.clone()),
        )
        .await;
    bar.finish_and_clear();
    let summary = result.map_err(explain)?;
    let mut out = std::io::stdout().lock();
    let verb = if summary.dry_run {
        "dry run: would store"
    } else {
        "stored"
    };
    writeln!(
        out,
        "{}: {verb} {} report(s) in `{}` ({}); {} row(s) read, {} blank, {} unchanged",
        args.file.display(),
        summary.stored,
        summary.framework,
        summary.validation,
        summary.rows,
        summary.blank,
        summary.unchanged
    )?;
    for (scope, count) in &summary.by_scope {
        writeln!(out, "  {scope}: {count}")?;
    }
    if let (Some(first), Some(last)) = (summary.first_id, summary.last_id) {
        writeln!(out, "  report ids {first} to {last}")?;
    }
    if summary.in_locked_period > 0 {
        writeln!(
            out,
            "  {} inside the locked period (override)",
            summary.in_locked_period
        )?;
    }
    Ok(())
}

async fn import_indicators(database_url: &str, args: ImportIndicatorsArgs) -> anyhow::Result<()> {
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let (tracker, _) = open(database_url).await?;
    let actor = acting(&tracker, &args.actor).await?;
    let name = file_name(&args.file);
    let summary = tracker
        .import_indicators(
            &actor,
            &args.framework,
            ImportFile {
                name: name.as_deref(),
                bytes: &bytes,
            },
            ImportOptions {
                dry_run: args.dry_run,
                override_lock: false,
            },
        )
        .await
        .map_err(explain)?;
    let mut out = std::io::stdout().lock();
    let verb = if summary.dry_run {
        "dry run: would create"
    } else {
        "created"
    };
    writeln!(
        out,
        "{}: {verb} {} indicator(s) and {} target(s) in `{}`; {} row(s) read, {} indicator(s) and {} target(s) unchanged",
        args.file.display(),
        summary.created,
        summary.targets,
        summary.framework,
        summary.rows,
        summary.unchanged,
        summary.targets_unchanged
    )?;
    for (scope, count) in &summary.by_scope {
        writeln!(out, "  targets {scope}: {count}")?;
    }
    Ok(())
}

async fn import_observations(
    database_url: &str,
    args: ImportObservationsArgs,
) -> anyhow::Result<()> {
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let (tracker, _) = open(database_url).await?;
    let actor = acting(&tracker, &args.actor).await?;
    let name = file_name(&args.file);
    let layout = if args.sdmx {
        ObservationLayout::Sdmx {
            indicator_column: Some(args.indicator_column.clone()),
        }
    } else {
        ObservationLayout::Tracker
    };
    let summary = tracker
        .import_observations(
            &actor,
            &args.framework,
            ImportFile {
                name: name.as_deref(),
                bytes: &bytes,
            },
            &layout,
            ImportOptions {
                dry_run: args.dry_run,
                override_lock: args.override_lock,
            },
        )
        .await
        .map_err(explain)?;
    let mut out = std::io::stdout().lock();
    let verb = if summary.dry_run {
        "dry run: would store"
    } else {
        "stored"
    };
    writeln!(
        out,
        "{}: {verb} {} observation(s) in `{}` ({}); {} row(s) read, {} without a value skipped",
        args.file.display(),
        summary.stored,
        summary.framework,
        summary.validation,
        summary.rows,
        summary.blank
    )?;
    for (scope, count) in &summary.by_scope {
        writeln!(out, "  {scope}: {count}")?;
    }
    if summary.in_locked_period > 0 {
        writeln!(
            out,
            "  {} inside the locked period (override)",
            summary.in_locked_period
        )?;
    }
    Ok(())
}

/// Writes a file to `out`: a file path, a folder (the file's own name in it), or `-`.
fn write_out(out: &Path, file: &ExportFile) -> anyhow::Result<()> {
    if out == Path::new("-") {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(&file.bytes)?;
        return Ok(stdout.flush()?);
    }
    let path = if out.is_dir() {
        out.join(&file.name)
    } else {
        out.to_path_buf()
    };
    std::fs::write(&path, &file.bytes).with_context(|| format!("writing {}", path.display()))?;
    writeln!(std::io::stdout().lock(), "{}", path.display())?;
    Ok(())
}

fn format_arg(text: &str) -> anyhow::Result<FileFormat> {
    text.parse::<FileFormat>()
        .map_err(|e| anyhow::anyhow!("--format: {e}"))
}

pub async fn template(database_url: &str, args: TemplateArgs) -> anyhow::Result<()> {
    let scope: Scope = args
        .scope
        .parse()
        .map_err(|e| anyhow::anyhow!("--scope: {e}"))?;
    let format = format_arg(&args.format)?;
    let (tracker, _) = open(database_url).await?;
    let file = if args.kind == "observations" {
        tracker
            .observation_template(&args.framework, &scope, format)
            .await
    } else {
        tracker
            .template(
                &args.framework,
                &scope,
                format,
                TemplateOptions {
                    prefilled: args.prefilled,
                },
                today(),
            )
            .await
    }
    .map_err(explain)?;
    write_out(&args.out, &file)
}

pub async fn export(database_url: &str, args: ExportArgs) -> anyhow::Result<()> {
    let kind = args
        .kind
        .as_deref()
        .or(args.what.as_deref())
        .unwrap_or("status");
    let scope = args
        .scope
        .as_deref()
        .map(|s| {
            s.parse::<Scope>()
                .map_err(|e| anyhow::anyhow!("--scope: {e}"))
        })
        .transpose()?;
    let format = Some(format_arg(&args.format)?);
    let basis = args
        .basis
        .parse()
        .map_err(|e: crate::domain::ParseError| anyhow::anyhow!("--basis: {}", e.0))?;
    if let Ok(what) = kind.parse::<IndicatorExportWhat>() {
        let query = IndicatorExportQuery {
            what,
            format,
            as_of: args.as_of,
            known_at: args.known_at,
            basis,
            scope,
        };
        let (tracker, _) = open(database_url).await?;
        let file = tracker
            .export_indicators(&args.framework, &query, today())
            .await
            .map_err(explain)?;
        return write_out(&args.out, &file);
    }
    let what: ExportWhat = kind
        .parse()
        .map_err(|e| anyhow::anyhow!("{e}, indicators, observations or indicator-progress"))?;
    let query = ExportQuery {
        what,
        format,
        as_of: args.as_of,
        known_at: args.known_at,
        measure: args.measure,
        scope,
        level: args.level,
        basis,
    };
    let (tracker, _) = open(database_url).await?;
    let file = tracker
        .export(&args.framework, &query, today())
        .await
        .map_err(explain)?;
    write_out(&args.out, &file)
}

pub async fn framework(database_url: &str, command: FrameworkCommand) -> anyhow::Result<()> {
    let FrameworkCommand::Import(args) = command;
    let tree =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let meta = args
        .meta
        .as_ref()
        .map(|p| std::fs::read(p).with_context(|| format!("reading {}", p.display())))
        .transpose()?;
    let code = match args.code {
        Some(code) => code,
        None => args
            .file
            .file_stem()
            .and_then(|s| s.to_str())
            .map(str::to_owned)
            .context("give the framework's code with --code")?,
    };
    let (tracker, _) = open(database_url).await?;
    let name = args
        .file
        .file_name()
        .and_then(|n| n.to_str())
        .map(str::to_owned);
    let outcome = tracker
        .import_framework(
            &code,
            ImportFile {
                name: name.as_deref(),
                bytes: &tree,
            },
            meta.as_deref(),
            FrameworkMetadata {
                title: args.title,
                adopted_on: args.adopted_on,
                adopted_at: args.adopted_at,
                start_date: args.start,
                end_date: args.end,
                levels: args.levels,
                reviews: args.reviews,
                note: args.note,
            },
            args.dry_run,
        )
        .await
        .map_err(explain)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}framework `{}` {}: {} nodes, {} strategic measures; {} added, {} changed, {} retired, {} restored",
        if outcome.dry_run { "dry run: " } else { "" },
        outcome.framework,
        if outcome.created {
            "created"
        } else {
            "updated"
        },
        outcome.nodes,
        outcome.measures,
        outcome.added.len(),
        outcome.changed.len(),
        outcome.retired.len(),
        outcome.restored.len()
    )?;
    if !outcome.retired.is_empty() {
        writeln!(
            out,
            "  retired (their reports are kept; the figures no longer count them): {}",
            outcome.retired.join(", ")
        )?;
    }
    if outcome.participants_added > 0 {
        writeln!(out, "  {} participants added", outcome.participants_added)?;
    }
    Ok(())
}
