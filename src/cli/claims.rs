//! `claim add|import|list` and `edition create|list|download`: published figures and review
//! editions at the terminal (issue 18). Writes act as the operator at the terminal (audited as
//! `terminal`), as `framework import` does; reads need no account.

use std::io::Write;
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};

use super::{explain, front, open};
use crate::engine::claims::ClaimCheck;
use crate::engine::percent_of;
use crate::report::bundle::Format as FileFormat;
use crate::service::{ClaimRequest, EditionRequest};

#[derive(Debug, Subcommand)]
pub enum ClaimCommand {
    /// Record a published figure (a correction names the claim it supersedes).
    Add(Box<AddArgs>),
    /// Record every claim of a CSV or XLSX file (the columns of claims.csv), all or nothing.
    Import(ImportArgs),
    /// List the claims, each checked as known on its publication day and now.
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The framework's code.
    #[arg(long, short)]
    pub framework: String,
    /// `ASEAN` or a member state's alpha-3 code.
    #[arg(long, default_value = "ASEAN")]
    pub scope: String,
    /// implementation_rate, completion_rate, progress_index or mean_current_status.
    #[arg(long)]
    pub metric: String,
    /// The claimed figure: a fraction (1.0) or a percentage (100%).
    #[arg(long)]
    pub value: String,
    /// The stated precision: a fraction (0.01) or a percentage (1%).
    #[arg(long)]
    pub precision: String,
    /// The date the figure is as of.
    #[arg(long)]
    pub as_of: NaiveDate,
    /// The day the figure was published.
    #[arg(long)]
    pub published_on: NaiveDate,
    /// The published statement, quoted or summarised.
    #[arg(long)]
    pub statement: String,
    /// The source's title.
    #[arg(long)]
    pub source_title: String,
    /// The source's link (http or https).
    #[arg(long)]
    pub source_url: Option<String>,
    #[arg(long)]
    pub note: Option<String>,
    /// The indicator's code, for mean_current_status.
    #[arg(long)]
    pub indicator: Option<String>,
    /// The id of the claim this one corrects.
    #[arg(long)]
    pub supersedes: Option<i64>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A CSV or XLSX file.
    pub file: PathBuf,
}

/// How `claim list` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only the claims of this framework.
    #[arg(long, short)]
    pub framework: Option<String>,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Subcommand)]
pub enum EditionCommand {
    /// Freeze a review as known now (takes about a second), with the SHA-256 of its PDF and
    /// HTML.
    Create(CreateArgs),
    /// List the editions, newest first.
    List(EditionListArgs),
    /// Write an edition's file, re-rendered and checked against its frozen SHA-256.
    Download(DownloadArgs),
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    #[arg(long, short)]
    pub framework: String,
    #[arg(long)]
    pub title: String,
    /// The date the review's figures are as of.
    #[arg(long)]
    pub as_of: NaiveDate,
    /// reported (default) or validated.
    #[arg(long)]
    pub basis: Option<String>,
    /// The organisation issuing the edition, printed on its cover and kept with it ("ASEAN
    /// Secretariat"), as `serve --org-name` gives the editions frozen through the server.
    #[arg(long, env = "BLUEPRINT_ORG_NAME")]
    pub org_name: Option<String>,
    /// The issuing organisation's logo, a PNG file of at most 1 MiB, printed on the cover and
    /// kept with the edition.
    #[arg(long, env = "BLUEPRINT_LOGO")]
    pub logo: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct EditionListArgs {
    /// Only the editions of this framework.
    #[arg(long, short)]
    pub framework: Option<String>,
}

/// An edition's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EditionFormat {
    Pdf,
    Html,
    /// The Word copy, for editing (rendered from the edition's checked figures).
    Docx,
    Json,
}

#[derive(Debug, Args)]
pub struct DownloadArgs {
    /// The edition's id.
    pub id: i64,
    #[arg(long, value_enum, default_value_t = EditionFormat::Pdf)]
    pub format: EditionFormat,
    /// Where to write (default: the edition's file name in the working folder).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// A fraction, or a percentage with a trailing `%`.
fn fraction(name: &str, text: &str) -> anyhow::Result<f64> {
    let t = text.trim();
    let (number, scale) = match t.strip_suffix('%') {
        Some(p) => (p.trim(), 100.0),
        None => (t, 1.0),
    };
    number
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .map(|n| n / scale)
        .ok_or_else(|| anyhow::anyhow!("--{name}: `{t}` is not a number (0.5 or 50%)"))
}

fn rules(check: &crate::engine::claims::KnowledgeCheck) -> String {
    if check.reproduced_by.is_empty() {
        "–".to_owned()
    } else {
        check
            .reproduced_by
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

fn write_table(out: &mut impl Write, checks: &[ClaimCheck]) -> std::io::Result<()> {
    writeln!(
        out,
        "{:>4}  {:<22} {:<6} {:<20} {:>8}  {:<13} {:<13} {:<24} {:<24}",
        "id",
        "framework",
        "scope",
        "metric",
        "claimed",
        "publication",
        "now",
        "reproduced (publication)",
        "reproduced (now)"
    )?;
    for c in checks {
        let claim = &c.claim;
        let metric = match &claim.indicator {
            Some(code) => format!("{} {code}", claim.metric.as_str()),
            None => claim.metric.as_str().to_owned(),
        };
        writeln!(
            out,
            "{:>4}  {:<22} {:<6} {:<20} {:>8}  {:<13} {:<13} {:<24} {:<24}",
            claim.id,
            claim.framework,
            claim.scope.as_str(),
            metric,
            percent_of(Some(claim.value)),
            c.at_publication.verdict.as_str(),
            c.now.verdict.as_str(),
            rules(&c.at_publication),
            rules(&c.now),
        )?;
    }
    for c in checks {
        writeln!(out, "claim {}: {}", c.claim.id, c.now.summary)?;
    }
    Ok(())
}

pub async fn claim(database_url: &str, command: ClaimCommand) -> anyhow::Result<()> {
    let (tracker, _) = open(database_url).await?;
    let mut out = std::io::stdout().lock();
    match command {
        ClaimCommand::Add(a) => {
            let request = ClaimRequest {
                framework: a.framework,
                scope: a.scope,
                metric: a.metric,
                indicator: a.indicator,
                value: fraction("value", &a.value)?,
                precision: fraction("precision", &a.precision)?,
                as_of: a.as_of,
                published_on: a.published_on,
                statement: a.statement,
                source_title: a.source_title,
                source_url: a.source_url,
                note: a.note,
                supersedes: a.supersedes,
            };
            let claim = tracker.add_claim(None, &request).await.map_err(explain)?;
            let check = tracker.claim_check(claim.id).await.map_err(explain)?;
            writeln!(
                out,
                "claim {} recorded: {} {} of {} is {} as of {}",
                claim.id,
                claim.scope.as_str(),
                claim.metric.as_str(),
                claim.framework,
                percent_of(Some(claim.value)),
                claim.as_of
            )?;
            writeln!(
                out,
                "as known on {}: {} — {}",
                claim.published_on,
                check.at_publication.verdict.as_str(),
                check.at_publication.summary
            )?;
            writeln!(
                out,
                "as known now: {} — {}",
                check.now.verdict.as_str(),
                check.now.summary
            )?;
        }
        ClaimCommand::Import(a) => {
            let bytes = std::fs::read(&a.file)
                .map_err(|e| anyhow::anyhow!("reading {}: {e}", a.file.display()))?;
            let name = a.file.file_name().and_then(|n| n.to_str());
            let claims = tracker
                .import_claims(None, &bytes, name)
                .await
                .map_err(explain)?;
            for c in &claims {
                writeln!(
                    out,
                    "claim {}: {} {} {} {} as of {}",
                    c.id,
                    c.framework,
                    c.scope.as_str(),
                    c.metric.as_str(),
                    percent_of(Some(c.value)),
                    c.as_of
                )?;
            }
            writeln!(out, "{} claim(s) recorded", claims.len())?;
        }
        ClaimCommand::List(a) => {
            let checks = tracker
                .claim_checks(a.framework.as_deref(), crate::service::now())
                .await
                .map_err(explain)?;
            match a.format {
                ListFormat::Json => {
                    serde_json::to_writer_pretty(&mut out, &checks)?;
                    writeln!(out)?;
                }
                ListFormat::Table => write_table(&mut out, &checks)?,
            }
        }
    }
    out.flush()?;
    Ok(())
}

pub async fn edition(database_url: &str, command: EditionCommand) -> anyhow::Result<()> {
    let (tracker, _) = open(database_url).await?;
    let mut out = std::io::stdout().lock();
    match command {
        EditionCommand::Create(a) => {
            let tracker = tracker.with_front(front(a.org_name, a.logo.as_deref())?);
            let request = EditionRequest {
                title: a.title,
                as_of: a.as_of,
                basis: a.basis,
            };
            let e = tracker
                .create_edition(None, &a.framework, &request)
                .await
                .map_err(explain)?;
            writeln!(
                out,
                "edition {} of {}: \"{}\" as of {} ({}), as known at {}",
                e.id,
                e.framework,
                e.title,
                e.as_of,
                e.basis.as_str(),
                e.known_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
            )?;
            if let Some(by) = &tracker.front().issued_by {
                writeln!(out, "issued by {by}")?;
            }
            writeln!(out, "pdf sha256 {}", e.pdf_sha256)?;
            writeln!(out, "html sha256 {}", e.html_sha256)?;
        }
        EditionCommand::List(a) => {
            let editions = tracker
                .editions(a.framework.as_deref())
                .await
                .map_err(explain)?;
            writeln!(
                out,
                "{:>4}  {:<22} {:<10} {:<9} {:<27} title",
                "id", "framework", "as of", "basis", "known at"
            )?;
            for e in editions {
                writeln!(
                    out,
                    "{:>4}  {:<22} {:<10} {:<9} {:<27} {}",
                    e.id,
                    e.framework,
                    e.as_of,
                    e.basis.as_str(),
                    e.known_at
                        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                    e.title
                )?;
            }
        }
        EditionCommand::Download(a) => {
            let format = match a.format {
                EditionFormat::Pdf => FileFormat::Pdf,
                EditionFormat::Html => FileFormat::Html,
                EditionFormat::Docx => FileFormat::Docx,
                EditionFormat::Json => FileFormat::Json,
            };
            let file = tracker.edition_file(a.id, format).await.map_err(explain)?;
            let path = a.out.unwrap_or_else(|| PathBuf::from(&file.name));
            std::fs::write(&path, &file.bytes)
                .map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?;
            let what = if format == FileFormat::Docx {
                "an editable Word copy of the edition, from its figures as frozen"
            } else {
                "identical to the edition as frozen"
            };
            writeln!(
                out,
                "wrote {} ({} bytes, {what})",
                path.display(),
                file.bytes.len()
            )?;
        }
    }
    out.flush()?;
    Ok(())
}
