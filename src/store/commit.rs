//! Group commit for status reports. On SQLite every write transaction is serialised and
//! ends with an fsync (`synchronous=FULL`): one transaction per request caps the throughput at
//! one fsync per report. So requests to record reports are queued to one writer task, which
//! takes all those waiting (up to [`MAX_BATCH`]) into one immediate transaction, runs each in a
//! savepoint of its own (a refused or failed request is rolled back alone: all or nothing per
//! request still holds), commits once, and only then answers each request. An acknowledged
//! report is therefore committed, exactly as before; PostgreSQL gains the same way.

use std::collections::HashMap;

use sea_orm::{DatabaseConnection, DbErr, TransactionTrait};
use tokio::sync::{mpsc, oneshot};

use super::reports::{RecordOptions, ReportRow, record_in};
use super::{StoreError, StoreResult, begin_write_on};
use crate::domain::{Framework, StatusReport};

/// The most requests one transaction takes.
pub const MAX_BATCH: usize = 64;

/// How many requests may wait for the writer.
const QUEUE: usize = 4_096;

type Reply = oneshot::Sender<StoreResult<Vec<StatusReport>>>;

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

/// The queue to the writer task; cheap to clone.
#[derive(Debug, Clone)]
pub struct Committer {
    sender: mpsc::Sender<(Job, Reply)>,
}

fn failed(message: impl std::fmt::Display) -> StoreError {
    StoreError::Db(DbErr::Custom(message.to_string()))
}

impl Committer {
    /// Starts the writer task on the current tokio runtime. It ends when every handle is gone.
    pub fn start(db: DatabaseConnection) -> Self {
        let (sender, mut receiver) = mpsc::channel::<(Job, Reply)>(QUEUE);
        tokio::spawn(async move {
            while let Some(first) = receiver.recv().await {
                let mut batch = vec![first];
                while batch.len() < MAX_BATCH {
                    match receiver.try_recv() {
                        Ok(job) => batch.push(job),
                        Err(_) => break,
                    }
                }
                run_batch(&db, batch).await;
            }
        });
        Self { sender }
    }

    /// Queues a job and waits for its answer (after the commit).
    ///
    /// # Errors
    /// The job's own error, or the shared transaction's failure.
    pub async fn submit(&self, job: Job) -> StoreResult<Vec<StatusReport>> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .send((job, reply))
            .await
            .map_err(|_| failed("the database writer has stopped"))?;
        answer
            .await
            .map_err(|_| failed("the database writer stopped before answering"))?
    }
}

async fn run_batch(db: &DatabaseConnection, batch: Vec<(Job, Reply)>) {
    let tx = match begin_write_on(db).await {
        Ok(tx) => tx,
        Err(e) => {
            let message = e.to_string();
            for (_, reply) in batch {
                let _ = reply.send(Err(failed(&message)));
            }
            return;
        }
    };
    let single = batch.len() == 1;
    let mut outcomes = Vec::with_capacity(batch.len());
    for (job, reply) in batch {
        let result = if single {
            record_in(&tx, &job.framework, &job.measures, job.rows, job.options).await
        } else {
            match tx.begin().await {
                Ok(savepoint) => {
                    let result = record_in(
                        &savepoint,
                        &job.framework,
                        &job.measures,
                        job.rows,
                        job.options,
                    )
                    .await;
                    match result {
                        Ok(stored) => savepoint
                            .commit()
                            .await
                            .map(|()| stored)
                            .map_err(Into::into),
                        Err(e) => {
                            let _ = savepoint.rollback().await;
                            Err(e)
                        }
                    }
                }
                Err(e) => Err(e.into()),
            }
        };
        outcomes.push((reply, result));
    }
    // A lone request that failed: roll back and answer its error.
    if single && outcomes.iter().any(|(_, r)| r.is_err()) {
        let _ = tx.rollback().await;
        for (reply, result) in outcomes {
            let _ = reply.send(result);
        }
        return;
    }
    match tx.commit().await {
        Ok(()) => {
            for (reply, result) in outcomes {
                let _ = reply.send(result);
            }
        }
        Err(e) => {
            let message = format!("the commit failed: {e}");
            for (reply, _) in outcomes {
                let _ = reply.send(Err(failed(&message)));
            }
        }
    }
}
