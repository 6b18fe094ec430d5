//! Status reports: appending them (never updating or deleting) and reading a measure's history.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{status_reports, users};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

use super::{Store, StoreError, StoreResult};
use crate::domain::{Framework, NewStatusReport, Node, Scope, StatusReport};

/// Rows per INSERT statement: well under the bind-parameter limits of SQLite and PostgreSQL.
const INSERT_CHUNK: usize = 1_000;

/// A validated report with the id of its measure and the time it is recorded.
#[derive(Debug, Clone)]
pub struct ReportRow {
    pub measure_id: i32,
    pub report: NewStatusReport,
    pub recorded_at: DateTime<Utc>,
}

fn report_from(
    m: status_reports::Model,
    framework: &str,
    measures: &HashMap<i32, String>,
    users: &HashMap<i32, String>,
) -> StoreResult<StatusReport> {
    let corrupt = |message: String| StoreError::corrupt("status_reports", message);
    Ok(StatusReport {
        id: i64::from(m.id),
        framework: framework.to_owned(),
        measure: measures
            .get(&m.measure_id)
            .cloned()
            .ok_or_else(|| corrupt(format!("unknown measure id {}", m.measure_id)))?,
        scope: m.scope.parse::<Scope>().map_err(|e| corrupt(e.0))?,
        status: m
            .status
            .parse()
            .map_err(|e: crate::domain::ParseError| corrupt(e.0))?,
        progress: m.progress.and_then(|p| u8::try_from(p).ok()),
        effective_date: m.effective_date,
        note: m.note,
        evidence_url: m.evidence_url,
        recorded_by: m.recorded_by.and_then(|id| users.get(&id).cloned()),
        recorded_at: m.recorded_at,
    })
}

/// The row to insert for a validated report.
fn active_model(
    framework_id: i32,
    row: ReportRow,
    recorded_by: Option<i32>,
) -> status_reports::ActiveModel {
    let r = row.report;
    status_reports::ActiveModel {
        id: NotSet,
        framework_id: Set(framework_id),
        measure_id: Set(row.measure_id),
        scope: Set(r.scope.to_string()),
        status: Set(r.status.as_str().to_owned()),
        progress: Set(r.progress.map(i16::from)),
        effective_date: Set(r.effective_date),
        note: Set(r.note),
        evidence_url: Set(r.evidence_url),
        recorded_by: Set(recorded_by),
        recorded_at: Set(row.recorded_at),
    }
}

impl Store {
    /// Appends many reports in one immediate transaction without reading them back (bulk
    /// loads: the synthetic benchmark data, imports); returns how many were stored.
    ///
    /// # Errors
    /// The database fails; nothing is stored then.
    pub async fn append_reports(
        &self,
        framework: &Framework,
        rows: Vec<ReportRow>,
        recorded_by: Option<i32>,
    ) -> StoreResult<usize> {
        let count = rows.len();
        let tx = self.begin_write().await?;
        super::figures::bump_revision(&tx, framework.id).await?;
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let chunk: Vec<_> = rows
                .by_ref()
                .take(INSERT_CHUNK)
                .map(|row| active_model(framework.id, row, recorded_by))
                .collect();
            status_reports::Entity::insert_many(chunk)
                .exec_without_returning(&tx)
                .await?;
        }
        tx.commit().await?;
        Ok(count)
    }

    /// How many status reports a framework holds.
    ///
    /// # Errors
    /// The database fails.
    pub async fn count_framework_reports(&self, framework_id: i32) -> StoreResult<u64> {
        Ok(status_reports::Entity::find()
            .filter(status_reports::Column::FrameworkId.eq(framework_id))
            .count(self.conn())
            .await?)
    }

    /// Appends reports in one immediate transaction: all are stored, or none.
    /// `measures` maps the ids used in `rows` to their codes (for the answer).
    ///
    /// # Errors
    /// The database fails; nothing is stored then.
    pub async fn record_reports(
        &self,
        framework: &Framework,
        measures: &HashMap<i32, String>,
        rows: Vec<ReportRow>,
        recorded_by: Option<(i32, &str)>,
    ) -> StoreResult<Vec<StatusReport>> {
        let users: HashMap<i32, String> = recorded_by
            .map(|(id, name)| (id, name.to_owned()))
            .into_iter()
            .collect();
        let tx = self.begin_write().await?;
        super::figures::bump_revision(&tx, framework.id).await?;
        let mut stored = Vec::with_capacity(rows.len());
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let chunk = rows
                .by_ref()
                .take(INSERT_CHUNK)
                .map(|row| active_model(framework.id, row, recorded_by.map(|(id, _)| id)));
            // RETURNING gives the rows in no particular order: map measures by id, sort after.
            let models = status_reports::Entity::insert_many(chunk.collect::<Vec<_>>())
                .exec_with_returning(&tx)
                .await?;
            for model in models {
                stored.push(report_from(model, &framework.code, measures, &users)?);
            }
        }
        tx.commit().await?;
        stored.sort_by_key(|r| r.id);
        Ok(stored)
    }

    /// Every report of one measure, in the order they were recorded.
    ///
    /// # Errors
    /// The database fails.
    pub async fn measure_reports(
        &self,
        framework: &Framework,
        measure: &Node,
    ) -> StoreResult<Vec<StatusReport>> {
        let rows = status_reports::Entity::find()
            .filter(status_reports::Column::MeasureId.eq(measure.id))
            .order_by_asc(status_reports::Column::RecordedAt)
            .order_by_asc(status_reports::Column::Id)
            .all(self.conn())
            .await?;
        let users = self.user_names().await?;
        let measures = HashMap::from([(measure.id, measure.code.clone())]);
        rows.into_iter()
            .map(|m| report_from(m, &framework.code, &measures, &users))
            .collect()
    }

    /// How many status reports are stored in all (for checks that nothing was stored).
    ///
    /// # Errors
    /// The database fails.
    pub async fn count_status_reports(&self) -> StoreResult<u64> {
        Ok(status_reports::Entity::find().count(self.conn()).await?)
    }

    /// How many status reports one account recorded.
    ///
    /// # Errors
    /// The database fails.
    pub async fn count_reports_by(&self, user_id: i32) -> StoreResult<u64> {
        Ok(status_reports::Entity::find()
            .filter(status_reports::Column::RecordedBy.eq(user_id))
            .count(self.conn())
            .await?)
    }

    async fn user_names(&self) -> StoreResult<HashMap<i32, String>> {
        Ok(users::Entity::find()
            .all(self.conn())
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect())
    }
}
