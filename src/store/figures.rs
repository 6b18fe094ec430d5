//! What the figures are computed from: a framework's revision (its change marker) and its status
//! reports reduced to facts, read in id order from a given id on.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{frameworks, status_reports};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait},
};

use super::{Store, StoreError, StoreResult};
use crate::domain::{ReportFact, Scope, Status};

/// Bumps a framework's revision; called first in every write transaction that changes its
/// figures. On PostgreSQL the row lock it takes also serialises the framework's writers, so
/// report ids are allocated in commit order (SQLite's immediate transactions already do).
pub(super) async fn bump_revision(tx: &impl ConnectionTrait, framework_id: i32) -> StoreResult<()> {
    frameworks::Entity::update_many()
        .col_expr(
            frameworks::Column::Revision,
            Expr::col(frameworks::Column::Revision).add(1),
        )
        .filter(frameworks::Column::Id.eq(framework_id))
        .exec(tx)
        .await?;
    Ok(())
}

/// A framework's change markers (see the migration that adds them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Revision {
    /// Bumped by every write that changes the figures.
    pub figures: i64,
    /// Bumped by every write to the tree or the participants.
    pub tree: i64,
}

type FactRow = (
    i32,
    i32,
    String,
    String,
    Option<i16>,
    NaiveDate,
    DateTime<Utc>,
);

impl Store {
    /// The framework's revisions: the first changes whenever its figures may have, the second
    /// whenever its tree or participants may have.
    ///
    /// # Errors
    /// The database fails, or the framework does not exist.
    pub async fn framework_revision(&self, framework_id: i32) -> StoreResult<Revision> {
        frameworks::Entity::find_by_id(framework_id)
            .select_only()
            .column(frameworks::Column::Revision)
            .column(frameworks::Column::TreeRevision)
            .into_tuple::<(i64, i64)>()
            .one(self.conn())
            .await?
            .map(|(figures, tree)| Revision { figures, tree })
            .ok_or_else(|| StoreError::corrupt("frameworks", format!("no id {framework_id}")))
    }

    /// At most `limit` of the framework's status reports with an id greater than `after_id`,
    /// in id order, reduced to what the figures need (read page by page, so that building the
    /// figures of a million reports never holds them all in memory twice).
    ///
    /// # Errors
    /// The database fails or holds a value that is not a scope or status.
    pub async fn report_facts(
        &self,
        framework_id: i32,
        after_id: i64,
        limit: u64,
    ) -> StoreResult<Vec<ReportFact>> {
        use status_reports::Column as C;
        let rows: Vec<FactRow> = status_reports::Entity::find()
            .select_only()
            .columns([
                C::Id,
                C::MeasureId,
                C::Scope,
                C::Status,
                C::Progress,
                C::EffectiveDate,
                C::RecordedAt,
            ])
            .filter(C::FrameworkId.eq(framework_id))
            .filter(C::Id.gt(after_id))
            .order_by_asc(C::Id)
            .limit(limit)
            .into_tuple()
            .all(self.conn())
            .await?;
        let corrupt = |message: String| StoreError::corrupt("status_reports", message);
        rows.into_iter()
            .map(
                |(id, measure_id, scope, status, progress, effective_date, recorded_at)| {
                    Ok(ReportFact {
                        id: i64::from(id),
                        measure_id,
                        scope: scope.parse::<Scope>().map_err(|e| corrupt(e.0))?,
                        status: status.parse::<Status>().map_err(|e| corrupt(e.0))?,
                        progress: progress.and_then(|p| u8::try_from(p).ok()),
                        effective_date,
                        recorded_at,
                    })
                },
            )
            .collect()
    }
}
