//! Backups for operators: a consistent copy of the database taken while the server writes, a
//! check of a copy, and putting a copy back. SQLite files are copied by the tracker itself
//! (`VACUUM INTO`, then written under a temporary name, synced and renamed, so a half-written
//! backup never has the final name); PostgreSQL with its own tools, `pg_dump` and
//! `pg_restore`, when they are installed.
//!
//! Why not a plain file copy: a SQLite database in WAL mode is the main file *and* its `-wal`
//! file; copying the main file while the server writes can catch a page half-written and misses
//! what is still in the WAL — a corrupt or stale copy.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::{ServiceError, ServiceResult};
use crate::demo;
use crate::store::{DatabaseCheck, LoadedWithoutAudit, RestoreTarget, Store};

/// The reports `demo` and `demo --synthetic` load without an audit record; every other report
/// must have one.
const LOADED_WITHOUT_AUDIT: LoadedWithoutAudit<'static> = LoadedWithoutAudit {
    demo_account: demo::DEMO_USER,
    // The start of `demo::DEMO_NOTE`.
    demo_note_prefix: "[DEMO]",
    synthetic_framework: demo::synthetic::SYNTHETIC_FRAMEWORK,
};

/// How long `restore` tries to take the write lock of the database it would replace before it
/// concludes that a server is writing to it.
const LOCK_WAIT: Duration = Duration::from_secs(1);

/// What a backup, a restore or a check found.
#[derive(Debug, Clone)]
pub struct BackupReport {
    /// The file written or read.
    pub file: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// For a SQLite copy, what `verify` found in it; for a PostgreSQL dump, `None`.
    pub check: Option<DatabaseCheck>,
    /// For a PostgreSQL dump, the number of entries in its table of contents.
    pub dump_entries: Option<usize>,
}

impl BackupReport {
    /// Whether the copy is sound: no integrity problem and no report without its audit
    /// record.
    pub fn is_sound(&self) -> bool {
        self.check
            .as_ref()
            .is_none_or(|c| c.integrity.is_empty() && c.unaudited.is_empty())
    }
}

fn io_error(what: &str, path: &Path, e: &std::io::Error) -> ServiceError {
    ServiceError::Internal(format!("{what} {}: {e}", path.display()))
}

/// The file of a SQLite database URL (`sqlite://file.db?mode=rwc`, `sqlite:file.db`).
fn sqlite_file(database_url: &str) -> Option<PathBuf> {
    let rest = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

fn is_postgres(database_url: &str) -> bool {
    database_url.starts_with("postgres://") || database_url.starts_with("postgresql://")
}

/// A sibling of `path` to write first and rename over it.
fn partial_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "backup".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}

/// Syncs a file's bytes to disk, renames it into place and syncs the directory (so the new
/// name survives a crash too).
fn settle(partial: &Path, target: &Path) -> ServiceResult<u64> {
    let file = std::fs::File::open(partial).map_err(|e| io_error("opening", partial, &e))?;
    file.sync_all()
        .map_err(|e| io_error("syncing", partial, &e))?;
    let bytes = file
        .metadata()
        .map_err(|e| io_error("reading", partial, &e))?
        .len();
    drop(file);
    std::fs::rename(partial, target).map_err(|e| io_error("renaming to", target, &e))?;
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(dir) = std::fs::File::open(dir)
    {
        let _ = dir.sync_all();
    }
    Ok(bytes)
}

/// Runs an external tool; its error output becomes the message when it fails.
fn run(program: &str, args: &[&std::ffi::OsStr]) -> ServiceResult<String> {
    let output = Command::new(program).args(args).output().map_err(|e| {
        ServiceError::Internal(format!(
            "`{program}` could not be run ({e}); install PostgreSQL's client tools (Debian: postgresql-client) or run it yourself"
        ))
    })?;
    if !output.status.success() {
        return Err(ServiceError::Internal(format!(
            "`{program}` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Takes a consistent copy of the database at `database_url` into `out`, while a server may
/// be writing to it. Refuses to replace an existing `out` unless `force`.
///
/// # Errors
/// `Conflict` when `out` exists (without `force`) or there is no database; the copy fails.
pub async fn backup(database_url: &str, out: &Path, force: bool) -> ServiceResult<BackupReport> {
    if out.exists() && !force {
        return Err(ServiceError::Conflict(format!(
            "{} exists; choose another name or add --force to replace it",
            out.display()
        )));
    }
    let partial = partial_name(out);
    let _ = std::fs::remove_file(&partial);
    if is_postgres(database_url) {
        run(
            "pg_dump",
            &[
                "--format=custom".as_ref(),
                "--file".as_ref(),
                partial.as_os_str(),
                format!("--dbname={database_url}").as_ref(),
            ],
        )?;
        settle(&partial, out)?;
        return verify(out).await;
    }
    let database = sqlite_file(database_url).ok_or_else(|| {
        ServiceError::Conflict(format!(
            "cannot back up `{database_url}`: not a database file"
        ))
    })?;
    if !database.exists() {
        return Err(ServiceError::Conflict(format!(
            "there is no database at {}",
            database.display()
        )));
    }
    let store = Store::connect(database_url).await?;
    let copied = store.vacuum_into(&partial).await;
    store.close().await?;
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(e.into());
    }
    settle(&partial, out)?;
    verify(out).await
}

/// Checks a backup: a PostgreSQL dump is listed with `pg_restore --list`; a SQLite copy is
/// opened (as a scratch copy, so the file itself is never changed) and checked: integrity,
/// counts, every report with its audit record.
///
/// # Errors
/// The file cannot be read or is not a database.
pub async fn verify(file: &Path) -> ServiceResult<BackupReport> {
    let head = {
        use std::io::Read;
        let mut head = [0u8; 16];
        let mut f = std::fs::File::open(file).map_err(|e| io_error("opening", file, &e))?;
        let n = f
            .read(&mut head)
            .map_err(|e| io_error("reading", file, &e))?;
        head[..n].to_vec()
    };
    let bytes = std::fs::metadata(file)
        .map_err(|e| io_error("reading", file, &e))?
        .len();
    if head.starts_with(b"PGDMP") {
        let listing = run("pg_restore", &["--list".as_ref(), file.as_os_str()])?;
        let entries = listing
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with(';'))
            .count();
        return Ok(BackupReport {
            file: file.to_owned(),
            bytes,
            check: None,
            dump_entries: Some(entries),
        });
    }
    if !head.starts_with(b"SQLite format 3\0") {
        return Err(ServiceError::Conflict(format!(
            "{} is neither a SQLite database nor a pg_dump archive",
            file.display()
        )));
    }
    let scratch = tempfile_dir()?;
    let copy = scratch.join("verify.db");
    std::fs::copy(file, &copy).map_err(|e| io_error("copying", file, &e))?;
    let checked = match Store::connect(&format!("sqlite://{}?mode=rw", copy.display())).await {
        Ok(store) => {
            let checked = store.check_database(LOADED_WITHOUT_AUDIT).await;
            let _ = store.close().await;
            checked
        }
        Err(e) => Err(e),
    };
    let _ = std::fs::remove_dir_all(&scratch);
    let check = match checked {
        Ok(check) => check,
        // A file too damaged to be read at all.
        Err(e) => DatabaseCheck {
            integrity: vec![format!("the database cannot be read: {e}")],
            ..DatabaseCheck::default()
        },
    };
    Ok(BackupReport {
        file: file.to_owned(),
        bytes,
        check: Some(check),
        dump_entries: None,
    })
}

/// A fresh folder for scratch copies, beside the system's temporary files.
fn tempfile_dir() -> ServiceResult<PathBuf> {
    let dir = std::env::temp_dir().join(format!(
        "blueprint-tracker-verify-{}-{}",
        std::process::id(),
        super::sessions::random_hex(4)?
    ));
    std::fs::create_dir_all(&dir).map_err(|e| io_error("creating", &dir, &e))?;
    Ok(dir)
}

/// Puts the backup `file` in place as the database at `database_url`. The backup is verified
/// first. Refuses to replace a database that holds data (reports, accounts or audit records),
/// or that a server seems to have open (its `-wal` file exists, or its write lock cannot be
/// taken within a second), unless `force`: stop the server first.
///
/// # Errors
/// `Conflict` for a refusal; the backup is unsound or cannot be copied.
pub async fn restore(database_url: &str, file: &Path, force: bool) -> ServiceResult<BackupReport> {
    let report = verify(file).await?;
    if let Some(check) = &report.check
        && !check.integrity.is_empty()
    {
        return Err(ServiceError::Conflict(format!(
            "{} is damaged ({}); nothing was restored",
            file.display(),
            check.integrity.join("; ")
        )));
    }
    if is_postgres(database_url) {
        if report.dump_entries.is_none() {
            return Err(ServiceError::Conflict(
                "a PostgreSQL database is restored from a pg_dump archive (`backup` on PostgreSQL)"
                    .into(),
            ));
        }
        let store = Store::connect(database_url).await?;
        let holds_data = store.holds_data().await;
        store.close().await?;
        if holds_data? && !force {
            return Err(ServiceError::Conflict(
                "the target database holds data; stop the server, then add --force to replace it"
                    .into(),
            ));
        }
        run(
            "pg_restore",
            &[
                "--clean".as_ref(),
                "--if-exists".as_ref(),
                "--no-owner".as_ref(),
                format!("--dbname={database_url}").as_ref(),
                file.as_os_str(),
            ],
        )?;
        return Ok(report);
    }
    if report.check.is_none() {
        return Err(ServiceError::Conflict(
            "a SQLite database is restored from a SQLite backup (`backup` on SQLite)".into(),
        ));
    }
    let target = sqlite_file(database_url).ok_or_else(|| {
        ServiceError::Conflict(format!("cannot restore into `{database_url}`: not a file"))
    })?;
    let wal = sidecar(&target, "-wal");
    if !force {
        if wal.exists() {
            return Err(ServiceError::Conflict(format!(
                "{} looks open by a running server (its -wal file exists); stop the server first, or add --force",
                target.display()
            )));
        }
        if target.exists() {
            match Store::inspect_restore_target(database_url, LOCK_WAIT).await? {
                RestoreTarget::Locked => {
                    return Err(ServiceError::Conflict(format!(
                        "{} is in use: its write lock could not be taken within {} ms, so a server is writing to it; stop the server first",
                        target.display(),
                        LOCK_WAIT.as_millis()
                    )));
                }
                RestoreTarget::Idle { holds_data: true } => {
                    return Err(ServiceError::Conflict(format!(
                        "{} already holds data; add --force to replace it (stop the server first)",
                        target.display()
                    )));
                }
                RestoreTarget::Idle { holds_data: false } => {}
            }
        }
    }
    let partial = partial_name(&target);
    std::fs::copy(file, &partial).map_err(|e| io_error("copying to", &partial, &e))?;
    for stale in [wal, sidecar(&target, "-shm")] {
        if stale.exists() {
            std::fs::remove_file(&stale).map_err(|e| io_error("removing", &stale, &e))?;
        }
    }
    settle(&partial, &target)?;
    Ok(report)
}

/// `file-wal`, `file-shm`: SQLite's files beside a database.
fn sidecar(database: &Path, suffix: &str) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}
