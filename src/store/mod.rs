//! Persistence: the only module that knows sea-orm. It speaks the domain's types to the rest of
//! the service and portable SQL (through sea-query) to SQLite or PostgreSQL.
//!
//! SQLite is opened in WAL mode with `synchronous=FULL` (an acknowledged write survives a
//! crash or power loss), foreign keys on and a busy timeout; every write runs in an immediate
//! transaction so that a writer takes the lock before it reads, never failing half-way with
//! `SQLITE_BUSY` (STACK.md pitfall 2).

mod accounts;
mod backup;
mod catalog;
mod claims;
mod commit;
mod figures;
mod governance;
mod indicator_import;
mod indicators;
mod notifications;
mod pages;
mod reference;
mod reports;
mod rounds;
mod throttle;
mod transfer;

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

pub use accounts::{Credentials, NewToken, NewUser};
pub use backup::{DatabaseCheck, LoadedWithoutAudit, RestoreTarget};
pub use catalog::RetiredNode;
pub use claims::{ClaimRow, NewEdition, StoredEdition};
pub use figures::Revision;
pub use governance::{NewReview, ReportRef, SessionRef};
pub use indicator_import::{ImportedTarget, IndicatorImportOutcome};
pub use indicators::{
    IndicatorRecord, NewIndicator, NewObservation, NewTarget, ObservationOptions,
    ObservationRecord, ObservationReview, ReviewRecord, TargetRecord, year_end,
};
pub use notifications::Attempt;
pub use reference::LoadSummary;
pub use reports::{RecordOptions, ReportRow};
pub use rounds::{DemoRoundLoad, NewRound};
pub use throttle::LoginFailures;
pub use transfer::{FrameworkLoad, FrameworkOutcome, ImportOutcome, ImportRow, StatusImport};

/// How long a writer waits for another writer's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    #[error("unexpected value in table {table}: {message}")]
    Corrupt {
        table: &'static str,
        message: String,
    },
    /// The database cannot store or answer now (disk full, connection lost, locked too
    /// long); nothing of the request was acknowledged. Trying again later may succeed.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    NotFound(String),
    /// A report falls inside a locked period and no override was allowed.
    #[error("the period up to {until} is locked (lock {lock_id})")]
    Locked {
        lock_id: i64,
        until: chrono::NaiveDate,
        /// How many of the reports fall inside it.
        count: usize,
    },
}

impl StoreError {
    /// Whether the failure is the database's (unreachable, full, failing statements) rather
    /// than a refusal or a bad row: answered 503 with `Retry-After`, never 500.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Unavailable(_) => true,
            StoreError::Db(e) => matches!(
                e,
                DbErr::ConnectionAcquire(_) | DbErr::Conn(_) | DbErr::Exec(_) | DbErr::Query(_)
            ),
            _ => false,
        }
    }

    fn corrupt(table: &'static str, message: impl Into<String>) -> Self {
        StoreError::Corrupt {
            table,
            message: message.into(),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The id of a row just saved.
fn id_of(mut value: sea_orm::ActiveValue<i32>) -> StoreResult<i32> {
    value
        .take()
        .ok_or_else(|| StoreError::corrupt("?", "a saved row has no id"))
}

/// Begins a write transaction: immediate on SQLite, so that it never fails on upgrading a read
/// lock to a write lock.
async fn begin_write_on(db: &DatabaseConnection) -> StoreResult<DatabaseTransaction> {
    Ok(db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        })
        .await?)
}

fn is_sqlite(url: &str) -> bool {
    url.starts_with("sqlite:")
}

/// How long a request waits for a pooled connection before it is answered 503.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// The pool's settings for `url`. A connection that comes back from a failed transaction still
/// inside one (the driver lost count after a database error) is closed when next taken, never
/// reused: reusing it would run the next request inside a transaction nobody commits, holding
/// SQLite's write lock ("database is locked" until a restart).
fn connect_options(url: &str, max: u32, min: u32) -> ConnectOptions {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .max_connections(max)
        .min_connections(min)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_timeout(ACQUIRE_TIMEOUT);
    if is_sqlite(url) {
        options
            .map_sqlx_sqlite_opts(|o| {
                o.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(BUSY_TIMEOUT)
            })
            .map_sqlx_sqlite_before_acquire(not_in_transaction);
    } else {
        options.map_sqlx_postgres_before_acquire(not_in_transaction);
    }
    options
}

type Check<'c> = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<bool, sea_orm::sqlx::Error>> + Send + 'c>,
>;

/// Whether a pooled connection may be handed out: not if the driver believes it is still
/// inside a transaction.
fn not_in_transaction<C: sea_orm::sqlx::Connection>(
    conn: &mut C,
    _meta: sea_orm::sqlx::pool::PoolConnectionMetadata,
) -> Check<'_> {
    let clean = !conn.is_in_transaction();
    if !clean {
        tracing::warn!("a pooled connection was still inside a transaction; closed, not reused");
    }
    Box::pin(std::future::ready(Ok(clean)))
}

/// A handle on the database; cheap to clone (a connection pool).
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
    committer: commit::Committer,
}

impl Store {
    /// Opens the database at `url` (`sqlite://file.db?mode=rwc`, `postgres://…`), creating a
    /// SQLite file if it does not exist yet. Does not migrate.
    ///
    /// # Errors
    /// An unreadable URL or a database that does not answer.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let options = connect_options(url, if is_sqlite(url) { 8 } else { 16 }, 1);
        let db = Database::connect(options).await?;
        // The group-commit writer has a connection of its own, which it closes after a
        // database failure instead of handing it back (see `commit`).
        let writer_options = connect_options(url, 1, 0);
        let writer_db = Database::connect(writer_options.clone()).await?;
        let committer = commit::Committer::start(writer_db, writer_options);
        Ok(Self { db, committer })
    }

    /// Brings the schema up to date.
    ///
    /// # Errors
    /// A migration that fails.
    pub async fn migrate(&self) -> StoreResult<()> {
        // Two processes starting on a new database (`serve` and a `user add` beside it) may
        // migrate at once; the one that loses the race fails on a table the other created.
        // Trying again after the other has finished finds nothing left to do.
        let mut attempt = 0;
        loop {
            match Migrator::up(&self.db, None).await {
                Ok(()) => return Ok(()),
                Err(e) if attempt < 5 => {
                    attempt += 1;
                    tracing::debug!(error = %e, attempt, "migration raced another process; retrying");
                    tokio::time::sleep(Duration::from_millis(200 * attempt)).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Whether the database answers a trivial query.
    ///
    /// # Errors
    /// The database does not answer.
    pub async fn ping(&self) -> StoreResult<()> {
        self.db.ping().await?;
        Ok(())
    }

    /// Whether the store can write now: a real write committed within `timeout` (on SQLite
    /// an immediate transaction, so it also waits its turn for the write lock), and the
    /// group-commit writer has not failed at the database level within the last `recent`
    /// without committing since.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] with the reason.
    pub async fn check_writable(&self, timeout: Duration, recent: Duration) -> StoreResult<()> {
        if self.committer.health().failing(recent) {
            return Err(StoreError::Unavailable(
                "the last write of status reports failed and none has succeeded since".into(),
            ));
        }
        match tokio::time::timeout(timeout, self.probe_write()).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "readiness: the test write failed");
                Err(StoreError::Unavailable("a test write failed".into()))
            }
            Err(_) => Err(StoreError::Unavailable(format!(
                "a test write took longer than {} ms",
                timeout.as_millis()
            ))),
        }
    }

    /// Replaces the probe row in one committed transaction.
    async fn probe_write(&self) -> StoreResult<()> {
        use sea_orm::sea_query::{Alias, Query};
        let table = Alias::new("store_probe");
        let tx = self.begin_write().await?;
        tx.execute(&Query::delete().from_table(table.clone()).to_owned())
            .await?;
        let insert = Query::insert()
            .into_table(table)
            .columns([Alias::new("checked_at")])
            .values([chrono::Utc::now().into()])
            .map_err(|e| StoreError::corrupt("store_probe", e.to_string()))?
            .to_owned();
        tx.execute(&insert).await?;
        tx.commit().await?;
        Ok(())
    }

    pub fn backend(&self) -> &'static str {
        match self.db.get_database_backend() {
            DbBackend::Sqlite => "sqlite",
            DbBackend::Postgres => "postgres",
            _ => "other",
        }
    }

    /// Closes the pool, waiting for connections to be returned.
    ///
    /// # Errors
    /// The pool could not be closed cleanly.
    pub async fn close(self) -> StoreResult<()> {
        self.committer.close().await;
        self.db.close().await?;
        Ok(())
    }

    /// Starts a write transaction: `BEGIN IMMEDIATE` on SQLite, a plain `BEGIN` elsewhere.
    /// Waits until every status report queued for the group commit before this call is
    /// committed or refused, then until any write transaction open now has ended (a write
    /// transaction begun and committed: on SQLite it waits for the writer in hand). What a
    /// frozen edition does before it reads, so that no write stamped before its instant lands
    /// after it.
    ///
    /// # Errors
    /// The database fails.
    pub async fn settle_writes(&self) -> StoreResult<()> {
        self.committer.flush().await;
        let tx = self.begin_write().await?;
        tx.commit().await?;
        Ok(())
    }

    async fn begin_write(&self) -> StoreResult<DatabaseTransaction> {
        begin_write_on(&self.db).await
    }

    fn conn(&self) -> &impl ConnectionTrait {
        &self.db
    }
}
