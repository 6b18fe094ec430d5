//! Status reports: appending them (never updating or deleting) and reading a measure's history.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use entity::{report_reviews, status_reports, users};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

use super::{Store, StoreError, StoreResult};
use crate::domain::{
    AuditEntry, Framework, NewStatusReport, Node, Scope, StatusReport, Validation, ValidationState,
    audit::actions,
};

/// Rows per INSERT statement: well under the bind-parameter limits of SQLite and PostgreSQL.
const INSERT_CHUNK: usize = 1_000;

/// A validated report with the id of its measure and the time it is recorded.
#[derive(Debug, Clone)]
pub struct ReportRow {
    pub measure_id: i32,
    pub report: NewStatusReport,
    pub recorded_at: DateTime<Utc>,
}

/// How reports are recorded: by whom, whether inside a locked period, whether validated on
/// entry (recorded by the Secretariat), and the audit record of the request.
#[derive(Debug, Clone, Default)]
pub struct RecordOptions {
    pub recorded_by: Option<(i32, String)>,
    /// The caller may record inside a locked period (an admin asking to override).
    pub override_lock: bool,
    /// Validated on entry: the Secretariat's own reports.
    pub validated: bool,
    pub audit: Option<AuditEntry>,
}

/// Reports detailed one by one in an audit record; a larger bulk is summarised.
const AUDIT_DETAIL_MAX: usize = 50;

fn report_from(
    m: status_reports::Model,
    framework: &str,
    measures: &HashMap<i32, String>,
    users: &HashMap<i32, String>,
    validation: Validation,
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
        lock_id: m.lock_id.map(i64::from),
        lock_override: m.lock_override,
        corrects: m.corrects_report_id.map(i64::from),
        validation,
    })
}

/// The row to insert for a validated report.
fn active_model(
    framework_id: i32,
    row: ReportRow,
    recorded_by: Option<i32>,
    lock: Option<(i32, chrono::NaiveDate)>,
    corrects: Option<i32>,
) -> status_reports::ActiveModel {
    // A correction after a return is let into the locked period by the return, not overridden.
    let lock_override =
        corrects.is_none() && lock.is_some_and(|(_, until)| row.report.effective_date <= until);
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
        lock_id: Set(lock.map(|(id, _)| id)),
        lock_override: Set(lock_override),
        corrects_report_id: Set(corrects),
    }
}

/// For the rows inside a locked period that correct a returned report, the returned report's
/// id: the report recorded last for the row's measure, scope and effective date was returned
/// by the Secretariat (so one correction per return; a returned correction can be corrected
/// again). Two indexed lookups per row, stopping at the first row that corrects nothing (the
/// request is refused then), and nothing at all without a lock: an ordinary write pays nothing.
async fn corrections_for(
    tx: &impl ConnectionTrait,
    framework_id: i32,
    rows: &[ReportRow],
    until: chrono::NaiveDate,
) -> StoreResult<HashMap<usize, i32>> {
    use sea_orm::QuerySelect;
    use status_reports::Column as C;
    let mut out = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        if row.report.effective_date > until {
            continue;
        }
        let latest: Option<i32> = status_reports::Entity::find()
            .select_only()
            .column(C::Id)
            .filter(C::MeasureId.eq(row.measure_id))
            .filter(C::Scope.eq(row.report.scope.to_string()))
            .filter(C::EffectiveDate.eq(row.report.effective_date))
            .filter(C::FrameworkId.eq(framework_id))
            .order_by_desc(C::Id)
            .limit(1)
            .into_tuple()
            .one(tx)
            .await?;
        let returned = match latest {
            Some(id) => report_reviews::Entity::find()
                .filter(report_reviews::Column::ReportId.eq(id))
                .filter(report_reviews::Column::Decision.eq(ValidationState::Returned.as_str()))
                .one(tx)
                .await?
                .map(|_| id),
            None => None,
        };
        match returned {
            Some(id) => {
                out.insert(i, id);
            }
            None => break,
        }
    }
    Ok(out)
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
        let lock = super::governance::active_lock(&tx, framework.id).await?;
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let chunk: Vec<_> = rows
                .by_ref()
                .take(INSERT_CHUNK)
                .map(|row| active_model(framework.id, row, recorded_by, lock, None))
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

    /// Appends reports: all are stored, or none. Inside the write's transaction: the
    /// framework's lock in force is read, and reports on or before its date are refused unless
    /// `options.override_lock`; the Secretariat's reports are validated on entry; the audit
    /// record is written. `measures` maps the ids used in `rows` to their codes.
    ///
    /// Concurrent calls share one transaction (group commit, see [`super::commit`]): each runs
    /// in a savepoint of its own, so one refused request leaves the others' reports in place,
    /// and each is answered only once the shared transaction is committed.
    ///
    /// # Errors
    /// `Locked`; the database fails; nothing is stored then.
    pub async fn record_reports(
        &self,
        framework: &Framework,
        measures: &HashMap<i32, String>,
        rows: Vec<ReportRow>,
        options: RecordOptions,
    ) -> StoreResult<Vec<StatusReport>> {
        self.committer
            .submit(super::commit::Job::new(
                framework.clone(),
                measures.clone(),
                rows,
                options,
            ))
            .await
    }

    /// Reports of a framework by id (those that exist), in id order.
    ///
    /// # Errors
    /// The database fails.
    pub async fn reports_by_ids(
        &self,
        framework: &Framework,
        ids: &[i64],
    ) -> StoreResult<Vec<StatusReport>> {
        let ids: Vec<i32> = ids
            .iter()
            .filter_map(|&id| i32::try_from(id).ok())
            .collect();
        let mut rows = Vec::new();
        for chunk in ids.chunks(500) {
            rows.extend(
                status_reports::Entity::find()
                    .filter(status_reports::Column::FrameworkId.eq(framework.id))
                    .filter(status_reports::Column::Id.is_in(chunk.iter().copied()))
                    .all(self.conn())
                    .await?,
            );
        }
        rows.sort_by_key(|m| m.id);
        let measures: HashMap<i32, String> = self
            .nodes(framework.id)
            .await?
            .into_iter()
            .map(|n| (n.id, n.code))
            .collect();
        self.reports_from(rows, &framework.code, &measures).await
    }

    async fn reports_from(
        &self,
        rows: Vec<status_reports::Model>,
        framework: &str,
        measures: &HashMap<i32, String>,
    ) -> StoreResult<Vec<StatusReport>> {
        let users = self.user_names().await?;
        let ids: Vec<i32> = rows.iter().map(|m| m.id).collect();
        let reviews = self.reviews_of(&ids).await?;
        rows.into_iter()
            .map(|m| {
                let validation = super::governance::validation_from(reviews.get(&m.id), &users)?;
                report_from(m, framework, measures, &users, validation)
            })
            .collect()
    }

    /// The reports of a framework recorded after `known_at` that take effect on or before
    /// `as_of` (late reports and corrections of a frozen edition), in the order recorded.
    ///
    /// # Errors
    /// The database fails.
    pub async fn reports_recorded_after(
        &self,
        framework: &Framework,
        known_at: DateTime<Utc>,
        as_of: NaiveDate,
    ) -> StoreResult<Vec<StatusReport>> {
        let rows = status_reports::Entity::find()
            .filter(status_reports::Column::FrameworkId.eq(framework.id))
            .filter(status_reports::Column::RecordedAt.gt(known_at))
            .filter(status_reports::Column::EffectiveDate.lte(as_of))
            .order_by_asc(status_reports::Column::RecordedAt)
            .order_by_asc(status_reports::Column::Id)
            .all(self.conn())
            .await?;
        let measures: HashMap<i32, String> = self
            .nodes(framework.id)
            .await?
            .into_iter()
            .map(|n| (n.id, n.code))
            .collect();
        self.reports_from(rows, &framework.code, &measures).await
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
        let measures = HashMap::from([(measure.id, measure.code.clone())]);
        self.reports_from(rows, &framework.code, &measures).await
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

    pub(super) async fn user_names(&self) -> StoreResult<HashMap<i32, String>> {
        Ok(users::Entity::find()
            .all(self.conn())
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect())
    }
}

/// Records one request's reports inside `tx` (a transaction or a savepoint): what
/// [`Store::record_reports`] does, run by the group-commit writer.
pub(super) async fn record_in(
    tx: &impl ConnectionTrait,
    framework: &Framework,
    measures: &HashMap<i32, String>,
    rows: Vec<ReportRow>,
    options: RecordOptions,
) -> StoreResult<Vec<StatusReport>> {
    let users: HashMap<i32, String> = options.recorded_by.iter().cloned().collect();
    let recorded_by = options.recorded_by.as_ref().map(|(id, _)| *id);
    super::figures::bump_revision(tx, framework.id).await?;
    let lock = super::governance::active_lock(tx, framework.id).await?;
    let corrections = match lock {
        Some((_, until)) if !options.override_lock => {
            corrections_for(tx, framework.id, &rows, until).await?
        }
        _ => HashMap::new(),
    };
    let in_lock = |i: usize, r: &ReportRow| {
        lock.is_some_and(|(_, until)| r.report.effective_date <= until)
            && !corrections.contains_key(&i)
    };
    let locked = rows
        .iter()
        .enumerate()
        .filter(|(i, r)| in_lock(*i, r))
        .count();
    let corrected_in_lock = lock.map_or(0, |(_, until)| {
        rows.iter()
            .enumerate()
            .filter(|(i, r)| r.report.effective_date <= until && corrections.contains_key(i))
            .count()
    });
    if let Some((lock_id, until)) = lock
        && locked > 0
        && !options.override_lock
    {
        return Err(StoreError::Locked {
            lock_id: i64::from(lock_id),
            until,
            count: locked,
        });
    }
    let recorded_at = rows.first().map(|r| r.recorded_at);
    let mut stored = Vec::with_capacity(rows.len());
    let mut rows = rows.into_iter().enumerate().peekable();
    while rows.peek().is_some() {
        let chunk = rows.by_ref().take(INSERT_CHUNK).map(|(i, row)| {
            let corrects = corrections.get(&i).copied();
            active_model(framework.id, row, recorded_by, lock, corrects)
        });
        // RETURNING gives the rows in no particular order: map measures by id, sort after.
        let models = status_reports::Entity::insert_many(chunk.collect::<Vec<_>>())
            .exec_with_returning(tx)
            .await?;
        if options.validated
            && let Some(by) = recorded_by
        {
            let reviews: Vec<_> = models
                .iter()
                .map(|m| report_reviews::ActiveModel {
                    id: NotSet,
                    report_id: Set(m.id),
                    framework_id: Set(framework.id),
                    decision: Set(ValidationState::Validated.as_str().to_owned()),
                    reason: Set(None),
                    evidence_checked: Set(false),
                    reviewed_by: Set(by),
                    // Validated as it is recorded.
                    reviewed_at: Set(m.recorded_at),
                })
                .collect();
            report_reviews::Entity::insert_many(reviews)
                .exec_without_returning(tx)
                .await?;
        }
        for model in models {
            let validation = if options.validated && recorded_by.is_some() {
                Validation {
                    state: ValidationState::Validated,
                    by: recorded_by.and_then(|id| users.get(&id).cloned()),
                    at: Some(model.recorded_at),
                    reason: None,
                    evidence_checked: false,
                }
            } else {
                Validation::REPORTED
            };
            stored.push(report_from(
                model,
                &framework.code,
                measures,
                &users,
                validation,
            )?);
        }
    }
    stored.sort_by_key(|r| r.id);
    if let Some(mut audit) = options.audit {
        if locked > 0 {
            audit.action = actions::STATUS_RECORD_OVERRIDE;
        } else if corrected_in_lock > 0 {
            audit.action = actions::STATUS_CORRECTION_AFTER_RETURN;
        }
        let detail = if stored.len() <= AUDIT_DETAIL_MAX {
            serde_json::json!({
                "count": stored.len(),
                "lock": lock.map(|(id, until)| serde_json::json!({"id": id, "until": until})),
                "in_locked_period": locked,
                "corrections_after_return": corrected_in_lock,
                "reports": stored.iter().map(|r| serde_json::json!({
                    "id": r.id, "measure": r.measure, "scope": r.scope, "status": r.status,
                    "progress": r.progress, "effective_date": r.effective_date,
                    "corrects": r.corrects,
                })).collect::<Vec<_>>(),
            })
        } else {
            serde_json::json!({
                "count": stored.len(),
                "lock": lock.map(|(id, until)| serde_json::json!({"id": id, "until": until})),
                "in_locked_period": locked,
                "first_id": stored.first().map(|r| r.id),
                "last_id": stored.last().map(|r| r.id),
            })
        };
        let target = match stored.as_slice() {
            [one] => format!("report {}", one.id),
            many => format!("{} reports", many.len()),
        };
        let audit = audit
            .framework(framework.code.clone())
            .target(target)
            .detail(detail);
        super::governance::write_audit(tx, &audit, recorded_at.unwrap_or_default()).await?;
    }
    Ok(stored)
}
