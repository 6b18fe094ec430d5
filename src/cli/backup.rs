//! `backup`, `verify` and `restore`: the operator's commands for copies of the database (the
//! work is in `service::backup`; this module parses and prints).

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use crate::service::backup::{self, BackupReport};

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The file to write (SQLite: a database file; PostgreSQL: a `pg_dump` custom archive).
    #[arg(long)]
    pub out: PathBuf,
    /// Replace the file if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The backup to check.
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup to put in place of the database (`--database-url`).
    pub file: PathBuf,
    /// Replace a database that holds data or seems open (stop the server first).
    #[arg(long)]
    pub force: bool,
}

/// Prints what a backup, a check or a restore found.
///
/// # Errors
/// Standard output is closed (a reader that stopped early is not reported as a failure).
fn print(action: &str, report: &BackupReport) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{action} {} ({} bytes)",
        report.file.display(),
        report.bytes
    )?;
    if let Some(entries) = report.dump_entries {
        writeln!(
            out,
            "  pg_dump archive: {entries} entries (pg_restore --list)"
        )?;
    }
    let Some(check) = &report.check else {
        return Ok(());
    };
    if check.counts.is_empty() {
        // Nothing could be read: only the reason is worth printing.
        for problem in &check.integrity {
            writeln!(out, "  integrity problem: {problem}")?;
        }
        return Ok(());
    }
    let counts = check
        .counts
        .iter()
        .map(|(what, n)| format!("{n} {what}"))
        .collect::<Vec<_>>()
        .join(", ");
    if check.integrity_checked {
        writeln!(out, "  {counts}")?;
        if check.integrity.is_empty() {
            writeln!(out, "  integrity: ok")?;
        }
    } else {
        writeln!(out, "  {counts} (counted in the snapshot pg_dump copied)")?;
        writeln!(
            out,
            "  integrity: PostgreSQL's own; pg_restore reads the archive"
        )?;
    }
    for problem in &check.integrity {
        writeln!(out, "  integrity problem: {problem}")?;
    }
    if check.unaudited.is_empty() {
        let exempt = if check.exempt > 0 {
            format!(
                " (except {} demo or synthetic reports, loaded without one by design)",
                check.exempt
            )
        } else {
            String::new()
        };
        writeln!(out, "  audit: every report has its audit record{exempt}")?;
    } else {
        let shown: Vec<String> = check
            .unaudited
            .iter()
            .take(20)
            .map(i64::to_string)
            .collect();
        writeln!(
            out,
            "  audit problem: {} reports have no audit record (ids {}{})",
            check.unaudited.len(),
            shown.join(", "),
            if check.unaudited.len() > 20 {
                ", …"
            } else {
                ""
            }
        )?;
    }
    Ok(())
}

/// `backup --out FILE`.
///
/// # Errors
/// The backup fails, or the copy it made is unsound.
pub async fn run_backup(database_url: &str, args: BackupArgs) -> anyhow::Result<()> {
    if database_url.starts_with("postgres") {
        eprintln!(
            "PostgreSQL: the backup is made with pg_dump (custom format; restore with `restore`)."
        );
    }
    let report = backup::backup(database_url, &args.out, args.force).await?;
    print("backed up to", &report)?;
    anyhow::ensure!(report.is_sound(), "the copy is not sound (see above)");
    Ok(())
}

/// `verify FILE`.
///
/// # Errors
/// The file cannot be read, or it is unsound (exit status 1).
pub async fn run_verify(args: VerifyArgs) -> anyhow::Result<()> {
    let report = backup::verify(&args.file).await?;
    print("checked", &report)?;
    anyhow::ensure!(
        report.is_sound(),
        "{} is not sound (see above)",
        args.file.display()
    );
    Ok(())
}

/// `restore FILE`.
///
/// # Errors
/// A refusal (the target holds data or is open, without `--force`), or the copy fails.
pub async fn run_restore(database_url: &str, args: RestoreArgs) -> anyhow::Result<()> {
    let report = backup::restore(database_url, &args.file, args.force).await?;
    print("restored from", &report)?;
    writeln!(
        std::io::stdout(),
        "  start the server on it: blueprint-tracker serve"
    )?;
    Ok(())
}
