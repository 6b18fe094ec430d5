//! Group commit for status reports: many requests share one transaction, and a request is
//! answered "stored" only after a commit that the database confirmed.
//!
//! On SQLite every write transaction is serialised and ends with an fsync
//! (`synchronous=FULL`): one transaction per request caps the throughput at one fsync per
//! report. So requests to record reports are queued to one writer task, which takes all those
//! waiting (up to [`MAX_BATCH`]) into one immediate transaction, runs each in a savepoint of its
//! own, commits once, and only then answers each request. PostgreSQL gains the same way.
//!
//! Two kinds of failure are kept apart:
//! - a **refusal** of one request (a locked period): that request's savepoint is rolled back
//!   and it alone is answered with its error; the others go on;
//! - a **database failure** (a statement, a savepoint or the commit fails: disk full, a
//!   terminated backend, an I/O error): the whole batch fails. Every request in it is answered
//!   [`StoreError::Unavailable`] (503 with `Retry-After`), the transaction is abandoned and the
//!   writer's connection is closed rather than returned to a pool, and the next batch opens a
//!   fresh one. Nothing of a failed batch is acknowledged, whatever the database kept.
//!
//! Why not sea-orm's nested transactions for the savepoints: when a savepoint or a statement
//! fails at the database level, the driver's count of open transactions drops without the
//! database's, and a later `commit()` then sends nothing and returns `Ok` — the batch's
//! earlier requests were acknowledged for a transaction that was never committed (issue 12).
//! Here the savepoints are plain SQL on one transaction whose depth never changes, so the
//! final `COMMIT` is always sent, and the writer stops at the first database error instead of
//! running later requests on a transaction the database may already have rolled back.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr};
use tokio::sync::{mpsc, oneshot};

use super::reports::{RecordOptions, ReportRow, record_in};
use super::{StoreError, StoreResult, begin_write_on};
use crate::domain::{Framework, StatusReport};

/// The most requests one transaction takes.
pub const MAX_BATCH: usize = 64;

/// How many requests may wait for the writer.
const QUEUE: usize = 4_096;

/// How long closing a failed connection may take before it is left behind.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);

type Reply = oneshot::Sender<StoreResult<Vec<StatusReport>>>;

/// What the writer task is asked.
enum Message {
    Record(Box<Job>, Reply),
    /// Close the connection and stop; answered once closed.
    Close(oneshot::Sender<()>),
    /// Answered once every request queued before it is answered (a barrier).
    Flush(oneshot::Sender<()>),
}

/// One request to record reports.
#[derive(Debug)]
pub struct Job {
    framework: Framework,
    measures: HashMap<i32, String>,
    rows: Vec<ReportRow>,
    options: RecordOptions,
}

impl Job {
    pub fn new(
        framework: Framework,
        measures: HashMap<i32, String>,
        rows: Vec<ReportRow>,
        options: RecordOptions,
    ) -> Self {
        Self {
            framework,
            measures,
            rows,
            options,
        }
    }
}

/// What the writer last saw of the database: the times (Unix milliseconds) of its last
/// confirmed commit and of its last database failure, 0 for never. Read by the readiness check.
#[derive(Debug, Default)]
pub struct WriterHealth {
    last_commit_ms: AtomicI64,
    last_failure_ms: AtomicI64,
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl WriterHealth {
    fn committed(&self) {
        self.last_commit_ms.store(now_ms(), Ordering::Relaxed);
    }

    fn failed(&self) {
        self.last_failure_ms.store(now_ms(), Ordering::Relaxed);
    }

    /// The writer's last batch failed at the database level within `recent`, and nothing was
    /// committed since.
    pub fn failing(&self, recent: Duration) -> bool {
        let failure = self.last_failure_ms.load(Ordering::Relaxed);
        let commit = self.last_commit_ms.load(Ordering::Relaxed);
        let recent = i64::try_from(recent.as_millis()).unwrap_or(i64::MAX);
        failure > commit && now_ms().saturating_sub(failure) < recent
    }
}

/// The queue to the writer task; cheap to clone.
#[derive(Debug, Clone)]
pub struct Committer {
    sender: mpsc::Sender<Message>,
    health: Arc<WriterHealth>,
}

fn unavailable(message: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(message.to_string())
}

impl Committer {
    /// Starts the writer task on the current tokio runtime, on a connection of its own opened
    /// with `options` (`db` is its first one). It ends when every handle is gone.
    pub fn start(db: DatabaseConnection, options: ConnectOptions) -> Self {
        let (sender, mut receiver) = mpsc::channel::<Message>(QUEUE);
        let health = Arc::new(WriterHealth::default());
        let writer_health = Arc::clone(&health);
        tokio::spawn(async move {
            let mut writer = Writer {
                db: Some(db),
                options,
                health: writer_health,
            };
            let mut closed = None;
            while let Some(message) = receiver.recv().await {
                let first = match message {
                    Message::Record(job, reply) => (*job, reply),
                    Message::Close(done) => {
                        closed = Some(done);
                        break;
                    }
                    Message::Flush(done) => {
                        // Every earlier request was answered before this one was taken.
                        let _ = done.send(());
                        continue;
                    }
                };
                let mut batch = vec![first];
                let mut flushed = None;
                while batch.len() < MAX_BATCH {
                    match receiver.try_recv() {
                        Ok(Message::Record(job, reply)) => batch.push((*job, reply)),
                        Ok(Message::Close(done)) => {
                            closed = Some(done);
                            break;
                        }
                        Ok(Message::Flush(done)) => {
                            flushed = Some(done);
                            break;
                        }
                        Err(_) => break,
                    }
                }
                writer.run_batch(batch).await;
                if let Some(done) = flushed {
                    let _ = done.send(());
                }
                if closed.is_some() {
                    break;
                }
            }
            if let Some(db) = writer.db.take() {
                let _ = tokio::time::timeout(CLOSE_TIMEOUT, db.close()).await;
            }
            // Requests still queued are answered as unavailable (their senders are dropped).
            receiver.close();
            if let Some(done) = closed {
                let _ = done.send(());
            }
        });
        Self { sender, health }
    }

    /// Queues a job and waits for its answer (after the commit).
    ///
    /// # Errors
    /// The job's own refusal, or [`StoreError::Unavailable`] when its batch failed at the
    /// database level.
    pub async fn submit(&self, job: Job) -> StoreResult<Vec<StatusReport>> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .send(Message::Record(Box::new(job), reply))
            .await
            .map_err(|_| unavailable("the database writer has stopped"))?;
        answer
            .await
            .map_err(|_| unavailable("the database writer stopped before answering"))?
    }

    /// Closes the writer's connection (after the batch in hand) and stops the writer: what
    /// closing the store does, so that a process exits with every connection closed cleanly
    /// (SQLite then folds its WAL back into the database file).
    pub async fn close(&self) {
        let (done, closed) = oneshot::channel();
        if self.sender.send(Message::Close(done)).await.is_ok() {
            let _ = closed.await;
        }
    }

    /// Waits until every request queued before this call has been answered (committed or
    /// failed): a barrier for readers that must see every write stamped before an instant.
    pub async fn flush(&self) {
        let (done, flushed) = oneshot::channel();
        if self.sender.send(Message::Flush(done)).await.is_ok() {
            let _ = flushed.await;
        }
    }

    pub fn health(&self) -> &WriterHealth {
        &self.health
    }
}

/// The writer task's state: its own connection (none after a failure, until the next batch).
struct Writer {
    db: Option<DatabaseConnection>,
    options: ConnectOptions,
    health: Arc<WriterHealth>,
}

/// How one request fared inside the shared transaction.
enum Outcome {
    Stored(Vec<StatusReport>),
    Refused(StoreError),
}

/// Whether an error of `record_in` is a refusal of the request (its savepoint is rolled back,
/// the batch goes on) rather than a failure of the database (the batch fails).
fn is_refusal(e: &StoreError) -> bool {
    matches!(
        e,
        StoreError::Locked { .. } | StoreError::Conflict(_) | StoreError::NotFound(_)
    )
}

impl Writer {
    async fn connection(&mut self) -> Result<&DatabaseConnection, DbErr> {
        if self.db.is_none() {
            self.db = Some(Database::connect(self.options.clone()).await?);
        }
        self.db
            .as_ref()
            .ok_or_else(|| DbErr::Custom("no writer connection".into()))
    }

    /// Closes the writer's connection (never back to a pool: its state is unknown after a
    /// failure); the next batch connects anew.
    async fn drop_connection(&mut self) {
        if let Some(db) = self.db.take()
            && tokio::time::timeout(CLOSE_TIMEOUT, db.close())
                .await
                .is_err()
        {
            tracing::warn!("closing the failed writer connection timed out; left behind");
        }
    }

    async fn run_batch(&mut self, batch: Vec<(Job, Reply)>) {
        let (jobs, replies): (Vec<Job>, Vec<Reply>) = batch.into_iter().unzip();
        match self.commit_batch(jobs).await {
            Ok(outcomes) => {
                self.health.committed();
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    let _ = reply.send(match outcome {
                        Outcome::Stored(stored) => Ok(stored),
                        Outcome::Refused(e) => Err(e),
                    });
                }
            }
            Err(e) => {
                self.health.failed();
                let count = replies.len();
                tracing::error!(error = %e, requests = count, "group commit failed; no request of the batch is acknowledged");
                self.drop_connection().await;
                let message = format!("the reports could not be stored: {e}");
                for reply in replies {
                    let _ = reply.send(Err(unavailable(&message)));
                }
            }
        }
    }

    /// Runs the jobs in one transaction and commits it. `Ok` only when the database confirmed
    /// the commit (or, with nothing to store, there was nothing to commit).
    async fn commit_batch(&mut self, jobs: Vec<Job>) -> Result<Vec<Outcome>, StoreError> {
        let db = self.connection().await?;
        let tx = begin_write_on(db).await?;
        let single = jobs.len() == 1;
        let mut outcomes = Vec::with_capacity(jobs.len());
        for job in jobs {
            if single {
                // A lone request needs no savepoint: its refusal rolls back the transaction.
                match record_in(&tx, &job.framework, &job.measures, job.rows, job.options).await {
                    Ok(stored) => outcomes.push(Outcome::Stored(stored)),
                    Err(e) if is_refusal(&e) => {
                        tx.rollback().await?;
                        return Ok(vec![Outcome::Refused(e)]);
                    }
                    Err(e) => return Err(e),
                }
                continue;
            }
            tx.execute_unprepared("SAVEPOINT group_commit_job").await?;
            match record_in(&tx, &job.framework, &job.measures, job.rows, job.options).await {
                Ok(stored) => {
                    tx.execute_unprepared("RELEASE SAVEPOINT group_commit_job")
                        .await?;
                    outcomes.push(Outcome::Stored(stored));
                }
                Err(e) if is_refusal(&e) => {
                    tx.execute_unprepared("ROLLBACK TO SAVEPOINT group_commit_job")
                        .await?;
                    tx.execute_unprepared("RELEASE SAVEPOINT group_commit_job")
                        .await?;
                    outcomes.push(Outcome::Refused(e));
                }
                Err(e) => return Err(e),
            }
        }
        tx.commit().await?;
        Ok(outcomes)
    }
}
