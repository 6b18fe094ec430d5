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
use crate::store::{DatabaseCheck, LoadedWithoutAudit, RestoreTarget, Store, StoreResult};

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

/// A PostgreSQL URL as PostgreSQL's tools are given it: without its password, which goes in
/// `PGPASSWORD` instead (so it never shows in the process list or in a message).
struct PgTarget {
    url: String,
    password: Option<String>,
}

impl PgTarget {
    fn parse(database_url: &str) -> Self {
        match url::Url::parse(database_url) {
            Ok(mut url) => {
                let password = url.password().map(percent_decoded);
                let _ = url.set_password(None);
                Self {
                    url: url.into(),
                    password,
                }
            }
            Err(_) => Self {
                url: database_url.to_owned(),
                password: None,
            },
        }
    }
}

/// `%40` → `@`: a URL's user information as the server expects it.
fn percent_decoded(encoded: &str) -> String {
    let mut bytes = Vec::with_capacity(encoded.len());
    let mut rest = encoded.as_bytes();
    while let Some((&first, tail)) = rest.split_first() {
        let escaped = tail
            .get(..2)
            .filter(|h| first == b'%' && h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match escaped {
            Some(byte) => {
                bytes.push(byte);
                rest = tail.get(2..).unwrap_or_default();
            }
            None => {
                bytes.push(first);
                rest = tail;
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Quotes a word for a shell command shown to the operator.
fn quoted(word: &std::ffi::OsStr) -> String {
    format!("'{}'", word.to_string_lossy().replace('\'', r"'\''"))
}

/// Runs one of PostgreSQL's tools (off the async threads: it may take minutes) with the
/// password of `pg` in its environment; its error output becomes the message when it fails.
/// When it is not installed, the message says what to run by hand (`by_hand`: the arguments
/// after the program's name, quoted).
async fn run_tool(
    program: &'static str,
    args: Vec<std::ffi::OsString>,
    pg: Option<&PgTarget>,
    by_hand: &str,
) -> ServiceResult<String> {
    let password = pg.and_then(|pg| pg.password.clone());
    let ran = tokio::task::spawn_blocking(move || {
        let mut command = Command::new(program);
        command.args(&args);
        if let Some(password) = password {
            command.env("PGPASSWORD", password);
        }
        command.output()
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("`{program}` did not finish: {e}")))?;
    let output = match ran {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ServiceError::Conflict(format!(
                "`{program}` is not installed (not on PATH); PostgreSQL is backed up and restored with its own tools. Install PostgreSQL's client tools (Debian: apt-get install postgresql-client, of the server's major version or newer), or run it yourself{}:\n  {program} {by_hand}",
                if pg.is_some_and(|pg| pg.password.is_some()) {
                    " with the password in PGPASSWORD"
                } else {
                    ""
                },
            )));
        }
        Err(e) => {
            return Err(ServiceError::Internal(format!(
                "`{program}` could not be run: {e}"
            )));
        }
    };
    if !output.status.success() {
        return Err(ServiceError::Internal(format!(
            "`{program}` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Dumps the PostgreSQL database with `pg_dump` into `partial` (to become `out`), from a snapshot whose counts
/// and audit records are checked in the same transaction: what the report says is what the
/// dump holds, although the server keeps writing.
async fn dump_postgres(
    database_url: &str,
    partial: &Path,
    out: &Path,
) -> ServiceResult<DatabaseCheck> {
    let pg = PgTarget::parse(database_url);
    let store = Store::connect(database_url).await?;
    let snapshot = match store.export_snapshot(LOADED_WITHOUT_AUDIT).await {
        Ok(snapshot) => snapshot,
        Err(e) => {
            let _ = store.close().await;
            return Err(e.into());
        }
    };
    let check = snapshot.check.clone();
    let args = vec![
        "--format=custom".into(),
        "--file".into(),
        partial.as_os_str().to_owned(),
        format!("--snapshot={}", snapshot.id).into(),
        format!("--dbname={}", pg.url).into(),
    ];
    let by_hand = format!(
        "--format=custom --file {} {}",
        quoted(out.as_os_str()),
        quoted(pg.url.as_ref())
    );
    let dumped = run_tool("pg_dump", args, Some(&pg), &by_hand).await;
    // The snapshot is needed until pg_dump has taken it, which it does as it starts.
    let released = snapshot.release().await;
    let _ = store.close().await;
    dumped?;
    released?;
    Ok(check)
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
        let check = match dump_postgres(database_url, &partial, out).await {
            Ok(check) => check,
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                return Err(e);
            }
        };
        settle(&partial, out)?;
        let listed = verify(out).await?;
        return Ok(BackupReport {
            check: Some(check),
            ..listed
        });
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
/// opened read-only (a file in WAL mode: a scratch copy of it), so that it is never changed,
/// and checked: integrity, counts, every report with its audit record.
///
/// # Errors
/// The file cannot be read or is not a database.
pub async fn verify(file: &Path) -> ServiceResult<BackupReport> {
    let head = {
        use std::io::Read;
        let mut head = [0u8; 20];
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
        let listing = run_tool(
            "pg_restore",
            vec!["--list".into(), file.as_os_str().to_owned()],
            None,
            &format!("--list {}", quoted(file.as_os_str())),
        )
        .await?;
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
    // Bytes 18 and 19 of the header are 2 for a database in WAL mode. A backup never is
    // (`VACUUM INTO` writes a rollback-journal file); a copy of a live database may be, and
    // opening it read-only would need its `-shm` and `-wal` files beside it: it is checked in
    // a scratch copy instead, so nothing is ever created or changed beside the file.
    let checked = if head.get(18..20) == Some(&[2, 2]) {
        check_scratch_copy(file).await?
    } else {
        Store::check_file_read_only(file, LOADED_WITHOUT_AUDIT).await
    };
    let check = match checked {
        Ok(check) => check,
        // A file too damaged to be read at all.
        Err(e) => DatabaseCheck {
            integrity_checked: true,
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

/// Checks a copy of the SQLite database `file` made in a scratch folder.
async fn check_scratch_copy(file: &Path) -> ServiceResult<StoreResult<DatabaseCheck>> {
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
    Ok(checked)
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
        let pg = PgTarget::parse(database_url);
        let args = vec![
            "--clean".into(),
            "--if-exists".into(),
            "--no-owner".into(),
            format!("--dbname={}", pg.url).into(),
            file.as_os_str().to_owned(),
        ];
        let by_hand = format!(
            "--clean --if-exists --no-owner --dbname={} {}",
            quoted(pg.url.as_ref()),
            quoted(file.as_os_str())
        );
        run_tool("pg_restore", args, Some(&pg), &by_hand).await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url_for_pgpassword_decoded() {
        let pg = PgTarget::parse(
            "postgres://ops:s%40cr%2Ft+x%zz@db.example:5432/tracker?sslmode=require",
        );
        assert_eq!(
            pg.url,
            "postgres://ops@db.example:5432/tracker?sslmode=require"
        );
        assert_eq!(pg.password.as_deref(), Some("s@cr/t+x%zz"));

        let pg = PgTarget::parse("postgres://postgres@127.0.0.1/test");
        assert_eq!(pg.url, "postgres://postgres@127.0.0.1/test");
        assert_eq!(pg.password, None);
    }

    #[test]
    fn a_word_shown_for_the_shell_is_quoted() {
        assert_eq!(
            quoted("/backups/it's.dump".as_ref()),
            r"'/backups/it'\''s.dump'"
        );
    }

    #[test]
    fn the_file_of_a_sqlite_url() {
        assert_eq!(
            sqlite_file("sqlite:///srv/t.db?mode=rwc"),
            Some(PathBuf::from("/srv/t.db"))
        );
        assert_eq!(sqlite_file("sqlite:t.db"), Some(PathBuf::from("t.db")));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://x/y"), None);
    }
}
