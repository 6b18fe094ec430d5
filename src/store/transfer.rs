//! Imports: a file of status reports appended in one transaction (all or nothing), and a
//! framework tree loaded or updated (nodes no longer listed are retired, never deleted).
//!
//! Why not [`Store::record_reports`]: it reads every stored row back (`RETURNING`) to answer
//! with the reports, and writes one audit record shaped for a request; an import of 100,000
//! rows answers with counts, needs the rows that would change nothing left out inside the same
//! transaction (idempotence), and leaves one audit record for the file. The rules are the same:
//! the framework's revision is bumped first, the lock in force is read inside the transaction
//! and refuses the whole file unless an admin overrides it, reports carry the lock, and the
//! Secretariat's reports are validated on entry.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use entity::{frameworks, node_bodies, nodes, report_reviews, status_reports};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};
use serde_json::Value;

use super::{Store, StoreError, StoreResult};
use crate::domain::{AuditEntry, Framework, NewStatusReport, ValidationState};
use crate::reference::FrameworkSpec;

/// Rows per INSERT statement (as `store::reports`).
const INSERT_CHUNK: usize = 1_000;
/// Ids per `IN (…)` list.
const IN_CHUNK: usize = 500;

/// A validated row of a status file with the id of its measure.
#[derive(Debug, Clone)]
pub struct ImportRow {
    pub line: u64,
    pub measure_id: i32,
    pub report: NewStatusReport,
}

/// A status file to append, and how.
#[derive(Debug)]
pub struct StatusImport<'a> {
    pub framework: &'a Framework,
    /// In file order: ids are allocated in that order.
    pub rows: Vec<ImportRow>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: Option<i32>,
    /// Validated on entry (the Secretariat's own reports).
    pub validated: bool,
    /// The caller may record inside a locked period.
    pub override_lock: bool,
    /// Check everything, store nothing (the transaction is rolled back).
    pub dry_run: bool,
    /// The file's audit record; its `detail` object gets the counts added.
    pub audit: Option<AuditEntry>,
}

/// What an import stored (or, in a dry run, would store).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    pub stored: usize,
    /// Lines of rows left out because the report they give is the one already in force for
    /// their measure, scope and effective date.
    pub unchanged: Vec<u64>,
    pub first_id: Option<i64>,
    pub last_id: Option<i64>,
    /// The lock in force, if any.
    pub lock: Option<(i64, NaiveDate)>,
    /// How many stored reports fall inside it (an admin's override).
    pub in_locked_period: usize,
}

/// What the last recorded report of a (measure, scope, effective date) says.
type Said = (String, Option<i16>, Option<String>, Option<String>);
type Key = (i32, String, NaiveDate);

/// A framework tree to load, as read from a file.
#[derive(Debug)]
pub struct FrameworkLoad<'a> {
    pub spec: &'a FrameworkSpec,
    pub at: DateTime<Utc>,
    pub dry_run: bool,
    pub audit: Option<AuditEntry>,
}

/// What loading a framework changed (or, in a dry run, would change).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct FrameworkOutcome {
    pub framework: String,
    pub created: bool,
    pub nodes: usize,
    pub measures: usize,
    /// Codes of nodes new to the framework.
    pub added: Vec<String>,
    /// Codes of nodes whose title, note, level or parent changed.
    pub changed: Vec<String>,
    /// Codes of nodes the file no longer lists: retired, their reports kept.
    pub retired: Vec<String>,
    /// Codes of retired nodes the file lists again.
    pub restored: Vec<String>,
    pub participants_added: usize,
    pub dry_run: bool,
}

impl Store {
    /// Appends the rows of a status file in one immediate transaction, leaving out those that
    /// would change nothing; all are stored or none.
    ///
    /// # Errors
    /// `Locked` when a report to store falls inside a locked period and no override is
    /// allowed; the database fails. Nothing is stored then.
    pub async fn import_reports(
        &self,
        import: StatusImport<'_>,
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> StoreResult<ImportOutcome> {
        let framework = import.framework;
        let tx = self.begin_write().await?;
        super::figures::bump_revision(&tx, framework.id).await?;
        let lock = super::governance::active_lock(&tx, framework.id).await?;
        let said = last_said(&tx, framework.id, &import.rows).await?;
        let mut outcome = ImportOutcome {
            lock: lock.map(|(id, until)| (i64::from(id), until)),
            ..ImportOutcome::default()
        };
        let mut rows = Vec::with_capacity(import.rows.len());
        for row in import.rows {
            let r = &row.report;
            let key = (row.measure_id, r.scope.to_string(), r.effective_date);
            let says = (
                r.status.as_str().to_owned(),
                r.progress.map(i16::from),
                r.note.clone(),
                r.evidence_url.clone(),
            );
            if said.get(&key) == Some(&says) {
                outcome.unchanged.push(row.line);
            } else {
                rows.push(row);
            }
        }
        outcome.in_locked_period = lock.map_or(0, |(_, until)| {
            rows.iter()
                .filter(|r| r.report.effective_date <= until)
                .count()
        });
        if let Some((lock_id, until)) = lock
            && outcome.in_locked_period > 0
            && !import.override_lock
        {
            return Err(StoreError::Locked {
                lock_id: i64::from(lock_id),
                until,
                count: outcome.in_locked_period,
            });
        }
        outcome.stored = rows.len();
        if import.dry_run {
            tx.rollback().await?;
            return Ok(outcome);
        }
        let before: Option<i32> = status_reports::Entity::find()
            .select_only()
            .column_as(Expr::col(status_reports::Column::Id).max(), "last")
            .into_tuple::<Option<i32>>()
            .one(&tx)
            .await?
            .flatten();
        let before = before.unwrap_or(0);
        let mut done = 0;
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let chunk: Vec<status_reports::ActiveModel> =
                rows.by_ref()
                    .take(INSERT_CHUNK)
                    .map(|row| {
                        let r = row.report;
                        status_reports::ActiveModel {
                            id: NotSet,
                            framework_id: Set(framework.id),
                            measure_id: Set(row.measure_id),
                            scope: Set(r.scope.to_string()),
                            status: Set(r.status.as_str().to_owned()),
                            progress: Set(r.progress.map(i16::from)),
                            effective_date: Set(r.effective_date),
                            note: Set(r.note),
                            evidence_url: Set(r.evidence_url),
                            recorded_by: Set(import.recorded_by),
                            recorded_at: Set(import.recorded_at),
                            lock_id: Set(lock.map(|(id, _)| id)),
                            lock_override: Set(
                                lock.is_some_and(|(_, until)| r.effective_date <= until)
                            ),
                            corrects_report_id: Set(None),
                        }
                    })
                    .collect();
            done += chunk.len();
            status_reports::Entity::insert_many(chunk)
                .exec_without_returning(&tx)
                .await?;
            progress(done);
        }
        if outcome.stored > 0 {
            let (first, last): (Option<i32>, Option<i32>) = status_reports::Entity::find()
                .select_only()
                .column_as(Expr::col(status_reports::Column::Id).min(), "first")
                .column_as(Expr::col(status_reports::Column::Id).max(), "last")
                .filter(status_reports::Column::FrameworkId.eq(framework.id))
                .filter(status_reports::Column::Id.gt(before))
                .into_tuple()
                .one(&tx)
                .await?
                .unwrap_or_default();
            outcome.first_id = first.map(i64::from);
            outcome.last_id = last.map(i64::from);
            if import.validated
                && let Some(by) = import.recorded_by
            {
                validate_on_entry(&tx, framework.id, before, by).await?;
            }
        }
        if let Some(mut audit) = import.audit {
            let mut detail = match audit.detail {
                Value::Object(map) => map,
                _ => serde_json::Map::new(),
            };
            detail.insert("stored".into(), outcome.stored.into());
            detail.insert("unchanged".into(), outcome.unchanged.len().into());
            detail.insert("first_id".into(), outcome.first_id.into());
            detail.insert("last_id".into(), outcome.last_id.into());
            detail.insert(
                "lock".into(),
                outcome.lock.map_or(
                    Value::Null,
                    |(id, until)| serde_json::json!({"id": id, "until": until}),
                ),
            );
            detail.insert("in_locked_period".into(), outcome.in_locked_period.into());
            audit.detail = Value::Object(detail);
            let audit = audit
                .framework(framework.code.clone())
                .target(match outcome.stored {
                    1 => "1 report".to_owned(),
                    n => format!("{n} reports"),
                });
            super::governance::write_audit(&tx, &audit, import.recorded_at).await?;
        }
        tx.commit().await?;
        Ok(outcome)
    }

    /// How many status reports each node of a framework has, by node code (nodes with none
    /// are left out).
    ///
    /// # Errors
    /// The database fails.
    pub async fn report_counts_by_node(
        &self,
        framework_id: i32,
    ) -> StoreResult<HashMap<String, u64>> {
        let counts: Vec<(i32, i64)> = status_reports::Entity::find()
            .select_only()
            .column(status_reports::Column::MeasureId)
            .column_as(Expr::col(status_reports::Column::Id).count(), "reports")
            .filter(status_reports::Column::FrameworkId.eq(framework_id))
            .group_by(status_reports::Column::MeasureId)
            .into_tuple()
            .all(self.conn())
            .await?;
        let codes: HashMap<i32, String> = nodes::Entity::find()
            .filter(nodes::Column::FrameworkId.eq(framework_id))
            .all(self.conn())
            .await?
            .into_iter()
            .map(|n| (n.id, n.code))
            .collect();
        Ok(counts
            .into_iter()
            .filter_map(|(id, n)| Some((codes.get(&id)?.clone(), u64::try_from(n).ok()?)))
            .collect())
    }

    /// The ids of a framework's reports, in recording order.
    ///
    /// # Errors
    /// The database fails.
    pub async fn report_ids(&self, framework_id: i32) -> StoreResult<Vec<i64>> {
        use sea_orm::QueryOrder;
        Ok(status_reports::Entity::find()
            .select_only()
            .column(status_reports::Column::Id)
            .filter(status_reports::Column::FrameworkId.eq(framework_id))
            .order_by_asc(status_reports::Column::Id)
            .into_tuple::<i32>()
            .all(self.conn())
            .await?
            .into_iter()
            .map(i64::from)
            .collect())
    }

    /// Loads or updates a framework and its tree in one transaction: the framework's metadata
    /// and every node listed are written (nodes that had been retired come back), the nodes
    /// the file no longer lists are retired (never deleted: their reports stay), the lead
    /// bodies of the nodes listed become exactly the file's, a new framework gets the default
    /// participants, and the framework is marked as imported so that the shipped reference
    /// data no longer touches it. The audit record is written in the same transaction.
    ///
    /// # Errors
    /// A lead body that does not exist; the database fails. Nothing is written then.
    pub async fn import_framework(&self, load: FrameworkLoad<'_>) -> StoreResult<FrameworkOutcome> {
        let spec = load.spec;
        let code = spec.framework.code.clone();
        let tx = self.begin_write().await?;
        let existing = frameworks::Entity::find()
            .filter(frameworks::Column::Code.eq(&code))
            .one(&tx)
            .await?;
        let before: HashMap<String, nodes::Model> = match &existing {
            Some(f) => nodes::Entity::find()
                .filter(nodes::Column::FrameworkId.eq(f.id))
                .all(&tx)
                .await?
                .into_iter()
                .map(|n| (n.code.clone(), n))
                .collect(),
            None => HashMap::new(),
        };
        let body_ids: HashMap<String, i32> = entity::sectoral_bodies::Entity::find()
            .all(&tx)
            .await?
            .into_iter()
            .map(|b| (b.code, b.id))
            .collect();
        let (framework_id, start_date, created) =
            super::reference::upsert_framework(&tx, spec).await?;
        let (_, ids) = super::reference::upsert_nodes(&tx, framework_id, spec, &body_ids).await?;

        let mut outcome = FrameworkOutcome {
            framework: code.clone(),
            created,
            nodes: spec.nodes.len(),
            measures: {
                let last = spec.level_names().last().map(|l| (*l).to_owned());
                spec.nodes
                    .iter()
                    .filter(|n| Some(&n.level) == last.as_ref())
                    .count()
            },
            dry_run: load.dry_run,
            ..FrameworkOutcome::default()
        };
        let parent_code = |id: Option<i32>| {
            id.and_then(|id| before.values().find(|n| n.id == id).map(|n| n.code.clone()))
        };
        let listed: HashSet<&str> = spec.nodes.iter().map(|n| n.code.as_str()).collect();
        for row in &spec.nodes {
            match before.get(&row.code) {
                None => outcome.added.push(row.code.clone()),
                Some(old) => {
                    if old.retired_at.is_some() {
                        outcome.restored.push(row.code.clone());
                    }
                    if old.title != row.title
                        || old.note != row.note
                        || old.level != row.level
                        || parent_code(old.parent_id) != row.parent_code
                    {
                        outcome.changed.push(row.code.clone());
                    }
                }
            }
        }
        let mut retire = Vec::new();
        for (code, node) in &before {
            if !listed.contains(code.as_str()) && node.retired_at.is_none() {
                outcome.retired.push(code.clone());
                retire.push(node.id);
            }
        }
        outcome.retired.sort();
        for chunk in retire.chunks(IN_CHUNK) {
            nodes::Entity::update_many()
                .col_expr(nodes::Column::RetiredAt, Expr::value(load.at))
                .filter(nodes::Column::Id.is_in(chunk.iter().copied()))
                .exec(&tx)
                .await?;
        }
        // The lead bodies of the listed nodes are the file's: links it no longer gives go.
        for row in &spec.nodes {
            let Some(&node_id) = ids.get(&row.code) else {
                continue;
            };
            let wanted: HashSet<i32> = row
                .lead_bodies
                .iter()
                .flat_map(|s| s.split(';'))
                .map(str::trim)
                .filter_map(|b| body_ids.get(b).copied())
                .collect();
            node_bodies::Entity::delete_many()
                .filter(node_bodies::Column::NodeId.eq(node_id))
                .filter(node_bodies::Column::SectoralBodyId.is_not_in(wanted))
                .exec(&tx)
                .await?;
        }
        outcome.participants_added =
            super::reference::default_participations(&tx, framework_id, start_date).await?;
        frameworks::Entity::update_many()
            .col_expr(frameworks::Column::ImportedAt, Expr::value(load.at))
            .filter(frameworks::Column::Id.eq(framework_id))
            .exec(&tx)
            .await?;
        if load.dry_run {
            tx.rollback().await?;
            return Ok(outcome);
        }
        if let Some(audit) = load.audit {
            let detail = serde_json::json!({
                "kind": "framework",
                "created": outcome.created,
                "nodes": outcome.nodes,
                "measures": outcome.measures,
                "added": outcome.added.len(),
                "changed": outcome.changed.len(),
                "retired": outcome.retired,
                "restored": outcome.restored,
            });
            let merged = match (audit.detail.clone(), detail) {
                (Value::Object(mut given), Value::Object(counts)) => {
                    given.extend(counts);
                    Value::Object(given)
                }
                (_, counts) => counts,
            };
            let audit = audit
                .framework(code.clone())
                .target(format!("framework {code}"))
                .detail(merged);
            super::governance::write_audit(&tx, &audit, load.at).await?;
        }
        tx.commit().await?;
        Ok(outcome)
    }
}

/// For the (measure, scope, effective date) keys of `rows`, what the report recorded last
/// says: a row that says the same changes nothing.
async fn last_said(
    tx: &impl ConnectionTrait,
    framework_id: i32,
    rows: &[ImportRow],
) -> StoreResult<HashMap<Key, Said>> {
    let (Some(from), Some(to)) = (
        rows.iter().map(|r| r.report.effective_date).min(),
        rows.iter().map(|r| r.report.effective_date).max(),
    ) else {
        return Ok(HashMap::new());
    };
    let keys: HashSet<Key> = rows
        .iter()
        .map(|r| {
            (
                r.measure_id,
                r.report.scope.to_string(),
                r.report.effective_date,
            )
        })
        .collect();
    let mut measures: Vec<i32> = rows.iter().map(|r| r.measure_id).collect();
    measures.sort_unstable();
    measures.dedup();
    type Found = (
        i32,
        String,
        NaiveDate,
        String,
        Option<i16>,
        Option<String>,
        Option<String>,
        DateTime<Utc>,
        i32,
    );
    let mut latest: HashMap<Key, (DateTime<Utc>, i32, Said)> = HashMap::new();
    use status_reports::Column as C;
    for chunk in measures.chunks(IN_CHUNK) {
        let found: Vec<Found> = status_reports::Entity::find()
            .select_only()
            .columns([
                C::MeasureId,
                C::Scope,
                C::EffectiveDate,
                C::Status,
                C::Progress,
                C::Note,
                C::EvidenceUrl,
                C::RecordedAt,
                C::Id,
            ])
            .filter(C::FrameworkId.eq(framework_id))
            .filter(C::MeasureId.is_in(chunk.iter().copied()))
            .filter(C::EffectiveDate.gte(from))
            .filter(C::EffectiveDate.lte(to))
            .into_tuple()
            .all(tx)
            .await?;
        for (measure, scope, date, status, progress, note, url, at, id) in found {
            let key = (measure, scope, date);
            if !keys.contains(&key) {
                continue;
            }
            let newer = latest.get(&key).is_none_or(|(t, i, _)| (at, id) > (*t, *i));
            if newer {
                latest.insert(key, (at, id, (status, progress, note, url)));
            }
        }
    }
    Ok(latest
        .into_iter()
        .map(|(k, (_, _, said))| (k, said))
        .collect())
}

/// Marks the reports just appended (ids above `after`) as validated by `by` as they were
/// recorded, in one statement.
async fn validate_on_entry(
    tx: &impl ConnectionTrait,
    framework_id: i32,
    after: i32,
    by: i32,
) -> StoreResult<()> {
    use report_reviews::Column as R;
    use status_reports::Column as S;
    let mut select = Query::select();
    select
        .column(S::Id)
        .column(S::FrameworkId)
        .expr(Expr::val(ValidationState::Validated.as_str()))
        .expr(Expr::val(false))
        .expr(Expr::val(by))
        .column(S::RecordedAt)
        .from(status_reports::Entity)
        .and_where(Expr::col(S::FrameworkId).eq(framework_id))
        .and_where(Expr::col(S::Id).gt(after));
    let mut insert = Query::insert();
    insert
        .into_table(report_reviews::Entity)
        .columns([
            R::ReportId,
            R::FrameworkId,
            R::Decision,
            R::EvidenceChecked,
            R::ReviewedBy,
            R::ReviewedAt,
        ])
        .select_from(select)
        .map_err(|e| StoreError::corrupt("report_reviews", e.to_string()))?;
    tx.execute(&insert).await?;
    Ok(())
}
