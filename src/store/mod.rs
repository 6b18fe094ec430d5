//! Persistence: the only module that knows sea-orm. It speaks the domain's types to the rest of
//! the service and portable SQL (through sea-query) to SQLite or PostgreSQL.
//!
//! SQLite is opened in WAL mode with `synchronous=FULL` (an acknowledged write survives a
//! crash or power loss), foreign keys on and a busy timeout; every write runs in an immediate
//! transaction so that a writer takes the lock before it reads, never failing half-way with
//! `SQLITE_BUSY` (STACK.md pitfall 2).

mod accounts;
mod catalog;
mod commit;
mod figures;
mod governance;
mod pages;
mod reference;
mod reports;
mod transfer;

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

pub use accounts::{Credentials, NewToken, NewUser};
pub use catalog::RetiredNode;
pub use figures::Revision;
pub use governance::{NewReview, ReportRef, SessionRef};
pub use pages::{ActivityLine, ActivityStatus};
pub use reference::LoadSummary;
pub use reports::{RecordOptions, ReportRow};
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
        let mut options = ConnectOptions::new(url.to_owned());
        options.sqlx_logging(false);
        if url.starts_with("sqlite:") {
            options
                .max_connections(8)
                .min_connections(1)
                .map_sqlx_sqlite_opts(|o| {
                    o.create_if_missing(true)
                        .journal_mode(SqliteJournalMode::Wal)
                        .synchronous(SqliteSynchronous::Full)
                        .foreign_keys(true)
                        .busy_timeout(BUSY_TIMEOUT)
                });
        } else {
            options.max_connections(16);
        }
        let db = Database::connect(options).await?;
        let committer = commit::Committer::start(db.clone());
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
        self.db.close().await?;
        Ok(())
    }

    /// Starts a write transaction: `BEGIN IMMEDIATE` on SQLite, a plain `BEGIN` elsewhere.
    async fn begin_write(&self) -> StoreResult<DatabaseTransaction> {
        begin_write_on(&self.db).await
    }

    fn conn(&self) -> &impl ConnectionTrait {
        &self.db
    }
}
