//! Backups of the database and their checks: a consistent copy taken while the server writes
//! (SQLite's `VACUUM INTO`), and what `verify` looks at in a copy (integrity, counts, every
//! status report with the audit record that says who stored it). Moving files and running
//! `pg_dump` belong to the service; this module only speaks SQL.

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use entity::{api_tokens, audit_events, frameworks, locks, nodes, sessions, status_reports, users};
use migration::SchemaManager;
use sea_orm::{
    AccessMode, ColumnTrait, Condition, ConnectOptions, ConnectionTrait, Database,
    DatabaseTransaction, DbBackend, DbErr, EntityTrait, IntoDatabaseExecutor, IsolationLevel,
    PaginatorTrait, QueryFilter, QuerySelect, Statement, TransactionOptions, TransactionTrait,
};

use super::{Store, StoreError, StoreResult};
use crate::domain::audit::actions;

/// What `verify` found in a database.
#[derive(Debug, Clone, Default)]
pub struct DatabaseCheck {
    /// Whether the database's own integrity checks ran (SQLite); PostgreSQL has none to ask.
    pub integrity_checked: bool,
    /// Problems the database itself reports (SQLite's `integrity_check`, `foreign_key_check`);
    /// empty when sound.
    pub integrity: Vec<String>,
    /// Rows per table, in a fixed order.
    pub counts: Vec<(&'static str, u64)>,
    /// Reports that must have an audit record and have none (ids).
    pub unaudited: Vec<i64>,
    /// Reports loaded without an audit record by design (see [`LoadedWithoutAudit`]).
    pub exempt: u64,
}

/// The only status reports stored without an audit record, by design, and how `verify` tells
/// them apart. Every other report — recorded through the API or the pages, or imported — is
/// stored in the same transaction as a `status.record`, `status.record_override` or `import`
/// audit record that names it (by id, or by the first and last id of an import).
#[derive(Debug, Clone, Copy)]
pub struct LoadedWithoutAudit<'a> {
    /// The demo scenario's account (`demo`) and its focal points (`demo-vnm`, …): a report is
    /// the demo's when one of these accounts, disabled (so no one can sign in or use a token
    /// as it), recorded it and its note starts with `demo_note_prefix`.
    pub demo_account: &'a str,
    pub demo_note_prefix: &'a str,
    /// The generated benchmark framework: its reports are loaded with no recording account.
    pub synthetic_framework: &'a str,
}

/// The audit actions that store status reports.
const STORING: [&str; 3] = [
    actions::STATUS_RECORD,
    actions::STATUS_RECORD_OVERRIDE,
    actions::IMPORT,
];

/// The report ids an audit record accounts for: listed one by one, or a range.
#[derive(Default)]
struct Covered {
    ids: HashSet<i64>,
    ranges: Vec<(i64, i64)>,
}

impl Covered {
    fn add(&mut self, detail: &serde_json::Value) {
        if let Some(reports) = detail["reports"].as_array() {
            self.ids
                .extend(reports.iter().filter_map(|r| r["id"].as_i64()));
        }
        if let (Some(first), Some(last)) = (detail["first_id"].as_i64(), detail["last_id"].as_i64())
        {
            self.ranges.push((first, last));
        }
    }

    fn contains(&self, id: i64) -> bool {
        self.ids.contains(&id) || self.ranges.iter().any(|&(a, b)| a <= id && id <= b)
    }
}

/// What is at the SQLite file a restore would replace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestoreTarget {
    /// Another connection holds the write lock (a server is writing to it).
    Locked,
    /// Nobody writes to it now; `holds_data` when it has reports, accounts or audit records.
    Idle { holds_data: bool },
}

/// Whether a database holds what a restore must not throw away unasked: status reports,
/// accounts or audit records. A database without the tables (new, empty) holds none; reference
/// data alone (frameworks, nodes) does not count, as every start loads it again.
async fn holds_data_on<'c>(db: impl IntoDatabaseExecutor<'c>) -> StoreResult<bool> {
    let schema = SchemaManager::new(db);
    let db = schema.get_connection();
    if schema.has_table("status_reports").await?
        && status_reports::Entity::find().count(db).await? > 0
    {
        return Ok(true);
    }
    if schema.has_table("users").await? && users::Entity::find().count(db).await? > 0 {
        return Ok(true);
    }
    Ok(
        schema.has_table("audit_events").await?
            && audit_events::Entity::find().count(db).await? > 0,
    )
}

/// SQLite's answer when another connection holds the lock (`SQLITE_BUSY`).
fn is_busy(e: &DbErr) -> bool {
    e.to_string().contains("database is locked")
}

impl Store {
    /// Whether this database holds status reports, accounts or audit records (see
    /// [`RestoreTarget`]).
    ///
    /// # Errors
    /// The database cannot be read: never taken as "empty".
    pub async fn holds_data(&self) -> StoreResult<bool> {
        holds_data_on(&self.db).await
    }

    /// Checks the SQLite database file at `path` as [`Store::check_database`] does, opened
    /// read-only (`mode=ro`) and with nothing set on it (its journal mode untouched): neither
    /// the file nor anything beside it is created or changed.
    ///
    /// # Errors
    /// The file cannot be opened or read.
    pub async fn check_file_read_only(
        path: &Path,
        exempt: LoadedWithoutAudit<'_>,
    ) -> StoreResult<DatabaseCheck> {
        // The driver decodes `%XX` in the path: a file name may hold `%`, `?` or `#`.
        let name = path
            .to_string_lossy()
            .replace('%', "%25")
            .replace('?', "%3F")
            .replace('#', "%23");
        let mut options = ConnectOptions::new(format!("sqlite://{name}?mode=ro"));
        options
            .sqlx_logging(false)
            .max_connections(1)
            .min_connections(0);
        let db = Database::connect(options).await?;
        let checked = check_on(&db, exempt).await;
        let _ = db.close().await;
        checked
    }

    /// Looks at the existing SQLite database at `url` before a restore replaces it: takes its
    /// write lock (`BEGIN IMMEDIATE`), waiting at most `wait` — a server writing to it holds
    /// that lock often enough to be seen — and, with the lock in hand, whether it holds data.
    /// The file is opened as it is (its journal mode untouched), never created, and left as it
    /// was (the transaction is rolled back).
    ///
    /// # Errors
    /// The file cannot be opened or read.
    pub async fn inspect_restore_target(url: &str, wait: Duration) -> StoreResult<RestoreTarget> {
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .sqlx_logging(false)
            .max_connections(1)
            .min_connections(0)
            .map_sqlx_sqlite_opts(move |o| o.create_if_missing(false).busy_timeout(wait));
        let db = Database::connect(options).await?;
        let inspected = match super::begin_write_on(&db).await {
            Ok(tx) => {
                let holds_data = holds_data_on(&tx).await;
                let _ = tx.rollback().await;
                holds_data.map(|holds_data| RestoreTarget::Idle { holds_data })
            }
            Err(StoreError::Db(e)) if is_busy(&e) => Ok(RestoreTarget::Locked),
            Err(e) => Err(e),
        };
        let _ = db.close().await;
        inspected
    }

    /// Writes a consistent copy of a SQLite database to `path` (which must not exist), while
    /// other connections go on writing: `VACUUM INTO` reads one snapshot.
    ///
    /// # Errors
    /// Not SQLite; the copy cannot be written.
    pub async fn vacuum_into(&self, path: &Path) -> StoreResult<()> {
        if self.db.get_database_backend() != DbBackend::Sqlite {
            return Err(StoreError::Conflict(
                "VACUUM INTO is for SQLite; PostgreSQL is backed up with pg_dump".into(),
            ));
        }
        let path = path.to_string_lossy().into_owned();
        self.db
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                "VACUUM INTO ?",
                [path.into()],
            ))
            .await?;
        Ok(())
    }

    /// Checks the database: integrity (SQLite), counts, and that every status report has the
    /// audit record of the write that stored it — except those `exempt` describes.
    ///
    /// # Errors
    /// The database cannot be read.
    pub async fn check_database(
        &self,
        exempt: LoadedWithoutAudit<'_>,
    ) -> StoreResult<DatabaseCheck> {
        check_on(&self.db, exempt).await
    }

    /// Opens a read-only transaction on one PostgreSQL snapshot, exports that snapshot (for
    /// `pg_dump --snapshot`) and checks what it holds (counts, audit records): the dump made
    /// from it then holds exactly what was counted, while the server goes on writing.
    ///
    /// # Errors
    /// Not PostgreSQL; the database fails.
    pub async fn export_snapshot(
        &self,
        exempt: LoadedWithoutAudit<'_>,
    ) -> StoreResult<ExportedSnapshot> {
        if self.db.get_database_backend() != DbBackend::Postgres {
            return Err(StoreError::Conflict(
                "snapshots are exported on PostgreSQL; SQLite is copied with VACUUM INTO".into(),
            ));
        }
        let tx = self
            .db
            .begin_with_options(TransactionOptions {
                isolation_level: Some(IsolationLevel::RepeatableRead),
                access_mode: Some(AccessMode::ReadOnly),
                ..TransactionOptions::default()
            })
            .await?;
        let id: String = tx
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT pg_export_snapshot()",
            ))
            .await?
            .ok_or_else(|| StoreError::corrupt("pg_export_snapshot", "no snapshot id"))?
            .try_get_by_index(0)?;
        let check = check_on(&tx, exempt).await?;
        Ok(ExportedSnapshot { tx, id, check })
    }
}

/// A PostgreSQL snapshot held open (see [`Store::export_snapshot`]).
pub struct ExportedSnapshot {
    tx: DatabaseTransaction,
    /// What `pg_dump --snapshot` takes.
    pub id: String,
    /// Counts and the audit check, read in the snapshot (no integrity check on PostgreSQL).
    pub check: DatabaseCheck,
}

impl ExportedSnapshot {
    /// Ends the transaction that keeps the snapshot (once `pg_dump` is done with it).
    ///
    /// # Errors
    /// The database fails.
    pub async fn release(self) -> StoreResult<()> {
        self.tx.rollback().await?;
        Ok(())
    }
}

/// What [`Store::check_database`] does, on a connection or inside a transaction.
async fn check_on<C: ConnectionTrait>(
    db: &C,
    exempt: LoadedWithoutAudit<'_>,
) -> StoreResult<DatabaseCheck> {
    let mut check = DatabaseCheck::default();
    if db.get_database_backend() == DbBackend::Sqlite {
        check.integrity_checked = true;
        for pragma in ["PRAGMA integrity_check", "PRAGMA foreign_key_check"] {
            let rows = db
                .query_all_raw(Statement::from_string(DbBackend::Sqlite, pragma))
                .await?;
            for row in rows {
                let first: String = row
                    .try_get_by_index::<String>(0)
                    .unwrap_or_else(|_| "(unreadable row)".to_owned());
                if pragma.ends_with("integrity_check") && first == "ok" {
                    continue;
                }
                check.integrity.push(format!("{pragma}: {first}"));
            }
        }
    }
    check.counts = vec![
        ("frameworks", frameworks::Entity::find().count(db).await?),
        ("nodes", nodes::Entity::find().count(db).await?),
        (
            "status reports",
            status_reports::Entity::find().count(db).await?,
        ),
        ("users", users::Entity::find().count(db).await?),
        ("API tokens", api_tokens::Entity::find().count(db).await?),
        ("sessions", sessions::Entity::find().count(db).await?),
        ("locks", locks::Entity::find().count(db).await?),
        (
            "audit records",
            audit_events::Entity::find().count(db).await?,
        ),
    ];

    let mut covered = Covered::default();
    let details: Vec<String> = audit_events::Entity::find()
        .select_only()
        .column(audit_events::Column::Detail)
        .filter(audit_events::Column::Action.is_in(STORING))
        .into_tuple()
        .all(db)
        .await?;
    for detail in details {
        let detail: serde_json::Value = serde_json::from_str(&detail)
            .map_err(|e| StoreError::corrupt("audit_events", e.to_string()))?;
        covered.add(&detail);
    }
    let synthetic: Vec<i32> = frameworks::Entity::find()
        .select_only()
        .column(frameworks::Column::Id)
        .filter(frameworks::Column::Code.eq(exempt.synthetic_framework))
        .into_tuple()
        .all(db)
        .await?;
    let focal_points = format!("{}-", exempt.demo_account);
    let demo_accounts: Vec<i32> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .filter(users::Column::Disabled.eq(true))
        .filter(
            Condition::any()
                .add(users::Column::Name.eq(exempt.demo_account))
                .add(users::Column::Name.starts_with(&focal_points)),
        )
        .into_tuple()
        .all(db)
        .await?;
    let demo_reports: HashSet<i32> = if demo_accounts.is_empty() {
        HashSet::new()
    } else {
        status_reports::Entity::find()
            .select_only()
            .column(status_reports::Column::Id)
            .filter(status_reports::Column::RecordedBy.is_in(demo_accounts))
            .filter(status_reports::Column::Note.starts_with(exempt.demo_note_prefix))
            .into_tuple::<i32>()
            .all(db)
            .await?
            .into_iter()
            .collect()
    };
    let reports: Vec<(i32, i32, Option<i32>)> = status_reports::Entity::find()
        .select_only()
        .column(status_reports::Column::Id)
        .column(status_reports::Column::FrameworkId)
        .column(status_reports::Column::RecordedBy)
        .into_tuple()
        .all(db)
        .await?;
    for (id, framework_id, recorded_by) in reports {
        if demo_reports.contains(&id)
            || (recorded_by.is_none() && synthetic.contains(&framework_id))
        {
            check.exempt += 1;
        } else if !covered.contains(i64::from(id)) {
            check.unaudited.push(i64::from(id));
        }
    }
    Ok(check)
}
