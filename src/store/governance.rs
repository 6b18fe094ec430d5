//! The audit trail, review cut-offs (locks), the Secretariat's review of reports, and web
//! sessions. Every write here appends its audit record in its own transaction.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use entity::{audit_events, locks, report_reviews, sessions, status_reports, users};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::Value;

use super::{Store, StoreError, StoreResult};
use crate::domain::{
    AuditEntry, AuditEvent, AuditFilter, Lock, ReportFact, ReturnFact, Scope, Status, Validation,
    ValidationState,
};

/// Appends an audit record (inside the caller's transaction, so it commits with the write).
pub(super) async fn write_audit(
    tx: &impl ConnectionTrait,
    entry: &AuditEntry,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    audit_events::ActiveModel {
        at: Set(at),
        actor_id: Set(entry.actor_id),
        actor_name: Set(entry.actor_name.clone()),
        actor_role: Set(entry.actor_role.clone()),
        address: Set(entry.address.clone()),
        action: Set(entry.action.to_owned()),
        framework: Set(entry.framework.clone()),
        target: Set(entry.target.clone()),
        detail: Set(entry.detail.to_string()),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    Ok(())
}

/// The lock in force on a framework (the one reaching furthest), read inside `tx`.
pub(super) async fn active_lock(
    tx: &impl ConnectionTrait,
    framework_id: i32,
) -> StoreResult<Option<(i32, NaiveDate)>> {
    Ok(locks::Entity::find()
        .filter(locks::Column::FrameworkId.eq(framework_id))
        .filter(locks::Column::ReleasedAt.is_null())
        .order_by_desc(locks::Column::Until)
        .order_by_desc(locks::Column::Id)
        .one(tx)
        .await?
        .map(|l| (l.id, l.until)))
}

/// A review decision about to be stored.
#[derive(Debug, Clone)]
pub struct NewReview<'a> {
    pub report_id: i64,
    pub state: ValidationState,
    pub reason: Option<&'a str>,
    pub evidence_checked: bool,
    pub reviewer: i32,
}

/// A framework's report as read for the review queue: its id, scope and effective date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRef {
    pub id: i64,
    pub scope: Scope,
}

/// A live web session's account id and its session row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionRef {
    pub id: i32,
    pub user_id: i32,
    pub last_seen_at: DateTime<Utc>,
}

fn lock_from(m: locks::Model, framework: &str, names: &HashMap<i32, String>) -> Lock {
    Lock {
        id: i64::from(m.id),
        framework: framework.to_owned(),
        until: m.until,
        note: m.note,
        created_by: names.get(&m.created_by).cloned(),
        created_at: m.created_at,
        released_by: m.released_by.and_then(|id| names.get(&id).cloned()),
        released_at: m.released_at,
    }
}

pub(super) fn validation_from(
    review: Option<&report_reviews::Model>,
    names: &HashMap<i32, String>,
) -> StoreResult<Validation> {
    let Some(r) = review else {
        return Ok(Validation::REPORTED);
    };
    Ok(Validation {
        state: r
            .decision
            .parse()
            .map_err(|e: crate::domain::ParseError| StoreError::corrupt("report_reviews", e.0))?,
        by: names.get(&r.reviewed_by).cloned(),
        at: Some(r.reviewed_at),
        reason: r.reason.clone(),
        evidence_checked: r.evidence_checked,
    })
}

/// Stores one review decision inside `tx`, once per report.
async fn insert_review(
    tx: &impl ConnectionTrait,
    framework_id: i32,
    review: &NewReview<'_>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let id = i32::try_from(review.report_id)
        .map_err(|_| StoreError::NotFound(format!("there is no report {}", review.report_id)))?;
    let exists = status_reports::Entity::find_by_id(id)
        .filter(status_reports::Column::FrameworkId.eq(framework_id))
        .one(tx)
        .await?
        .is_some();
    if !exists {
        return Err(StoreError::NotFound(format!(
            "this framework has no report {}",
            review.report_id
        )));
    }
    let previous = report_reviews::Entity::find()
        .filter(report_reviews::Column::ReportId.eq(id))
        .one(tx)
        .await?;
    if let Some(previous) = previous {
        return Err(StoreError::Conflict(format!(
            "report {} was {} already, on {}; a correction is a newer report",
            review.report_id,
            previous.decision,
            previous.reviewed_at.format("%Y-%m-%d %H:%M UTC")
        )));
    }
    report_reviews::ActiveModel {
        report_id: Set(id),
        framework_id: Set(framework_id),
        decision: Set(review.state.as_str().to_owned()),
        reason: Set(review.reason.map(str::to_owned)),
        evidence_checked: Set(review.evidence_checked),
        reviewed_by: Set(review.reviewer),
        reviewed_at: Set(now),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    Ok(())
}

impl Store {
    /// Appends an audit record on its own (for events that change nothing else, such as a
    /// failed login).
    ///
    /// # Errors
    /// The database fails.
    pub async fn audit(&self, entry: &AuditEntry, at: DateTime<Utc>) -> StoreResult<()> {
        write_audit(self.conn(), entry, at).await
    }

    /// Audit records matching `filter`, newest first.
    ///
    /// # Errors
    /// The database fails or holds a detail that is not JSON.
    pub async fn audit_events(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEvent>> {
        use audit_events::Column as C;
        let mut query = audit_events::Entity::find();
        if let Some(actor) = &filter.actor {
            query = query.filter(C::ActorName.eq(actor.as_str()));
        }
        if let Some(action) = &filter.action {
            query = query.filter(
                Condition::any()
                    .add(C::Action.eq(action.as_str()))
                    .add(C::Action.starts_with(format!("{action}."))),
            );
        }
        if let Some(fw) = &filter.framework {
            query = query.filter(C::Framework.eq(fw.as_str()));
        }
        if let Some(from) = filter.from {
            query = query.filter(C::At.gte(from));
        }
        if let Some(to) = filter.to {
            query = query.filter(C::At.lte(to));
        }
        if let Some(before) = filter.before {
            query = query.filter(C::Id.lt(before));
        }
        let rows = query
            .order_by_desc(C::Id)
            .limit(filter.limit)
            .all(self.conn())
            .await?;
        rows.into_iter()
            .map(|m| {
                Ok(AuditEvent {
                    id: m.id,
                    at: m.at,
                    actor: m.actor_name,
                    actor_role: m.actor_role,
                    address: m.address,
                    action: m.action,
                    framework: m.framework,
                    target: m.target,
                    detail: serde_json::from_str::<Value>(&m.detail)
                        .map_err(|e| StoreError::corrupt("audit_events", e.to_string()))?,
                })
            })
            .collect()
    }

    /// Every account's name, by id.
    pub(super) async fn names(&self) -> StoreResult<HashMap<i32, String>> {
        Ok(users::Entity::find()
            .all(self.conn())
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect())
    }

    /// Every lock of a framework, newest first.
    ///
    /// # Errors
    /// The database fails.
    pub async fn locks(&self, framework_id: i32, framework: &str) -> StoreResult<Vec<Lock>> {
        let names = self.names().await?;
        Ok(locks::Entity::find()
            .filter(locks::Column::FrameworkId.eq(framework_id))
            .order_by_desc(locks::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(|m| lock_from(m, framework, &names))
            .collect())
    }

    /// Locks a framework up to `until` (audited).
    ///
    /// # Errors
    /// The database fails.
    #[expect(clippy::too_many_arguments, reason = "one plain value per column")]
    pub async fn create_lock(
        &self,
        framework_id: i32,
        framework: &str,
        until: NaiveDate,
        note: Option<&str>,
        by: i32,
        audit: AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Lock> {
        let tx = self.begin_write().await?;
        // Serialises with the framework's writers (see `bump_revision`).
        super::figures::bump_revision(&tx, framework_id).await?;
        let m = locks::ActiveModel {
            framework_id: Set(framework_id),
            until: Set(until),
            note: Set(note.map(str::to_owned)),
            created_by: Set(by),
            created_at: Set(now),
            released_by: Set(None),
            released_at: Set(None),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        let audit = audit
            .target(format!("lock {}", m.id))
            .detail(serde_json::json!({
                "lock": {"id": m.id, "until": until}, "note": note,
            }));
        write_audit(&tx, &audit, now).await?;
        tx.commit().await?;
        let names = self.names().await?;
        Ok(lock_from(m, framework, &names))
    }

    /// Releases a lock (audited).
    ///
    /// # Errors
    /// `NotFound` for no such lock on the framework, `Conflict` when it is released already;
    /// the database fails.
    pub async fn release_lock(
        &self,
        framework_id: i32,
        framework: &str,
        lock_id: i64,
        by: i32,
        audit: AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Lock> {
        let tx = self.begin_write().await?;
        super::figures::bump_revision(&tx, framework_id).await?;
        let found = match i32::try_from(lock_id) {
            Ok(id) => {
                locks::Entity::find_by_id(id)
                    .filter(locks::Column::FrameworkId.eq(framework_id))
                    .one(&tx)
                    .await?
            }
            Err(_) => None,
        };
        let Some(lock) = found else {
            return Err(StoreError::NotFound(format!(
                "framework `{framework}` has no lock {lock_id}"
            )));
        };
        if lock.released_at.is_some() {
            return Err(StoreError::Conflict(format!(
                "lock {lock_id} was released already"
            )));
        }
        let until = lock.until;
        let mut active: locks::ActiveModel = lock.into();
        active.released_by = Set(Some(by));
        active.released_at = Set(Some(now));
        let m = active.update(&tx).await?;
        let audit = audit
            .target(format!("lock {}", m.id))
            .detail(serde_json::json!({ "lock": {"id": m.id, "until": until} }));
        write_audit(&tx, &audit, now).await?;
        tx.commit().await?;
        let names = self.names().await?;
        Ok(lock_from(m, framework, &names))
    }

    /// The scope of a framework's report, if the report exists in it.
    ///
    /// # Errors
    /// The database fails or holds a bad scope.
    pub async fn report_ref(
        &self,
        framework_id: i32,
        report_id: i64,
    ) -> StoreResult<Option<ReportRef>> {
        let Ok(id) = i32::try_from(report_id) else {
            return Ok(None);
        };
        let found = status_reports::Entity::find_by_id(id)
            .filter(status_reports::Column::FrameworkId.eq(framework_id))
            .one(self.conn())
            .await?;
        found
            .map(|m| {
                Ok(ReportRef {
                    id: i64::from(m.id),
                    scope: m
                        .scope
                        .parse::<Scope>()
                        .map_err(|e| StoreError::corrupt("status_reports", e.0))?,
                })
            })
            .transpose()
    }

    /// Stores the Secretariat's decision on a report (audited): once per report.
    ///
    /// # Errors
    /// `NotFound` when the report is not the framework's, `Conflict` when it was reviewed
    /// already; the database fails.
    pub async fn review_report(
        &self,
        framework_id: i32,
        review: NewReview<'_>,
        audit: AuditEntry,
        notices: &[crate::domain::NoticeDraft],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.review_reports(framework_id, vec![(review, audit)], notices, now)
            .await
    }

    /// Stores the Secretariat's decisions on several reports in one transaction, each with its
    /// audit record: all or none (the first report that is not the framework's, or was reviewed
    /// already, refuses them all). The notices (a return's) are written to the outbox in the
    /// same transaction: they exist if and only if the decisions were stored.
    ///
    /// # Errors
    /// `NotFound` when a report is not the framework's, `Conflict` when one was reviewed
    /// already; the database fails.
    pub async fn review_reports(
        &self,
        framework_id: i32,
        reviews: Vec<(NewReview<'_>, AuditEntry)>,
        notices: &[crate::domain::NoticeDraft],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let tx = self.begin_write().await?;
        super::figures::bump_revision(&tx, framework_id).await?;
        for (review, audit) in reviews {
            insert_review(&tx, framework_id, &review, now).await?;
            write_audit(&tx, &audit, now).await?;
        }
        super::notifications::enqueue(&tx, notices, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The scopes of those of `report_ids` that are the framework's, by id.
    ///
    /// # Errors
    /// The database fails or holds a bad scope.
    pub async fn report_refs(
        &self,
        framework_id: i32,
        report_ids: &[i64],
    ) -> StoreResult<HashMap<i64, ReportRef>> {
        let ids: Vec<i32> = report_ids
            .iter()
            .filter_map(|&id| i32::try_from(id).ok())
            .collect();
        let mut out = HashMap::new();
        for chunk in ids.chunks(500) {
            let rows: Vec<(i32, String)> = status_reports::Entity::find()
                .select_only()
                .columns([status_reports::Column::Id, status_reports::Column::Scope])
                .filter(status_reports::Column::FrameworkId.eq(framework_id))
                .filter(status_reports::Column::Id.is_in(chunk.iter().copied()))
                .into_tuple()
                .all(self.conn())
                .await?;
            for (id, scope) in rows {
                let scope = scope
                    .parse::<Scope>()
                    .map_err(|e| StoreError::corrupt("status_reports", e.0))?;
                out.insert(
                    i64::from(id),
                    ReportRef {
                        id: i64::from(id),
                        scope,
                    },
                );
            }
        }
        Ok(out)
    }

    /// The reviews of these reports, by report id.
    pub(super) async fn reviews_of(
        &self,
        report_ids: &[i32],
    ) -> StoreResult<HashMap<i32, report_reviews::Model>> {
        let mut out = HashMap::new();
        for chunk in report_ids.chunks(500) {
            for m in report_reviews::Entity::find()
                .filter(report_reviews::Column::ReportId.is_in(chunk.iter().copied()))
                .all(self.conn())
                .await?
            {
                out.insert(m.report_id, m);
            }
        }
        Ok(out)
    }

    /// At most `limit` validated reports of a framework whose validation has an id greater than
    /// `after_id`, in validation order, as facts of the `validated` basis: the fact's id is the
    /// validation's, and it counts as known from the moment it was validated.
    ///
    /// # Errors
    /// The database fails or holds a bad scope or status.
    pub async fn validated_facts(
        &self,
        framework_id: i32,
        after_id: i64,
        limit: u64,
    ) -> StoreResult<Vec<ReportFact>> {
        let reviews = report_reviews::Entity::find()
            .filter(report_reviews::Column::FrameworkId.eq(framework_id))
            .filter(report_reviews::Column::Id.gt(after_id))
            .filter(report_reviews::Column::Decision.eq(ValidationState::Validated.as_str()))
            .order_by_asc(report_reviews::Column::Id)
            .limit(limit)
            .all(self.conn())
            .await?;
        let ids: Vec<i32> = reviews.iter().map(|r| r.report_id).collect();
        let mut reports: HashMap<i32, status_reports::Model> = HashMap::new();
        for chunk in ids.chunks(500) {
            for m in status_reports::Entity::find()
                .filter(status_reports::Column::Id.is_in(chunk.iter().copied()))
                .all(self.conn())
                .await?
            {
                reports.insert(m.id, m);
            }
        }
        let corrupt = |message: String| StoreError::corrupt("status_reports", message);
        reviews
            .into_iter()
            .map(|review| {
                let r = reports
                    .remove(&review.report_id)
                    .ok_or_else(|| corrupt(format!("no report {}", review.report_id)))?;
                Ok(ReportFact {
                    id: i64::from(review.id),
                    measure_id: r.measure_id,
                    scope: r.scope.parse::<Scope>().map_err(|e| corrupt(e.0))?,
                    status: r.status.parse::<Status>().map_err(|e| corrupt(e.0))?,
                    progress: r.progress.and_then(|p| u8::try_from(p).ok()),
                    effective_date: r.effective_date,
                    recorded_at: review.reviewed_at,
                })
            })
            .collect()
    }

    /// At most `limit` returns of a framework's reports whose review id is greater than
    /// `after_id`, in review order.
    ///
    /// # Errors
    /// The database fails or holds a bad scope.
    pub async fn returned_facts(
        &self,
        framework_id: i32,
        after_id: i64,
        limit: u64,
    ) -> StoreResult<Vec<ReturnFact>> {
        let reviews = report_reviews::Entity::find()
            .filter(report_reviews::Column::FrameworkId.eq(framework_id))
            .filter(report_reviews::Column::Id.gt(after_id))
            .filter(report_reviews::Column::Decision.eq(ValidationState::Returned.as_str()))
            .order_by_asc(report_reviews::Column::Id)
            .limit(limit)
            .all(self.conn())
            .await?;
        let ids: Vec<i32> = reviews.iter().map(|r| r.report_id).collect();
        let mut reports: HashMap<i32, (i32, String)> = HashMap::new();
        for chunk in ids.chunks(500) {
            let rows: Vec<(i32, i32, String)> = status_reports::Entity::find()
                .select_only()
                .columns([
                    status_reports::Column::Id,
                    status_reports::Column::MeasureId,
                    status_reports::Column::Scope,
                ])
                .filter(status_reports::Column::Id.is_in(chunk.iter().copied()))
                .into_tuple()
                .all(self.conn())
                .await?;
            for (id, measure_id, scope) in rows {
                reports.insert(id, (measure_id, scope));
            }
        }
        let corrupt = |message: String| StoreError::corrupt("status_reports", message);
        reviews
            .into_iter()
            .map(|review| {
                let (measure_id, scope) = reports
                    .remove(&review.report_id)
                    .ok_or_else(|| corrupt(format!("no report {}", review.report_id)))?;
                Ok(ReturnFact {
                    id: i64::from(review.id),
                    report_id: i64::from(review.report_id),
                    measure_id,
                    scope: scope.parse::<Scope>().map_err(|e| corrupt(e.0))?,
                    at: review.reviewed_at,
                })
            })
            .collect()
    }

    /// Ids of a framework's reports in a validation state (`reported`: not yet reviewed),
    /// optionally of one scope, newest first, at most `limit`.
    ///
    /// # Errors
    /// The database fails.
    pub async fn report_ids_in_state(
        &self,
        framework_id: i32,
        state: ValidationState,
        scope: Option<&Scope>,
        limit: u64,
    ) -> StoreResult<Vec<i64>> {
        use status_reports::Column as C;
        let mut query = status_reports::Entity::find()
            .select_only()
            .column(C::Id)
            .filter(C::FrameworkId.eq(framework_id));
        if let Some(scope) = scope {
            query = query.filter(C::Scope.eq(scope.to_string()));
        }
        let reviewed = sea_orm::sea_query::Query::select()
            .column(report_reviews::Column::ReportId)
            .from(report_reviews::Entity)
            .and_where(report_reviews::Column::FrameworkId.eq(framework_id))
            .to_owned();
        query = match state {
            ValidationState::Reported => query.filter(C::Id.not_in_subquery(reviewed)),
            decided => query.filter(
                C::Id.in_subquery(
                    reviewed
                        .clone()
                        .and_where(report_reviews::Column::Decision.eq(decided.as_str()))
                        .to_owned(),
                ),
            ),
        };
        Ok(query
            .order_by_desc(C::Id)
            .limit(limit)
            .into_tuple::<i32>()
            .all(self.conn())
            .await?
            .into_iter()
            .map(i64::from)
            .collect())
    }

    // --- web sessions ---

    /// Opens a web session (and audits the login).
    ///
    /// # Errors
    /// The database fails.
    pub async fn create_session(
        &self,
        user_id: i32,
        token_hash: &str,
        address: Option<&str>,
        expires_at: DateTime<Utc>,
        audit: AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let tx = self.begin_write().await?;
        sessions::ActiveModel {
            token_hash: Set(token_hash.to_owned()),
            user_id: Set(user_id),
            address: Set(address.map(str::to_owned)),
            created_at: Set(now),
            last_seen_at: Set(now),
            expires_at: Set(expires_at),
            ended_at: Set(None),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        write_audit(&tx, &audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The live session with this cookie hash: not ended, not past its absolute end at `now`.
    /// (The idle timeout is the caller's to check against `last_seen_at`.)
    ///
    /// # Errors
    /// The database fails.
    pub async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SessionRef>> {
        Ok(sessions::Entity::find()
            .filter(sessions::Column::TokenHash.eq(token_hash))
            .filter(sessions::Column::EndedAt.is_null())
            .filter(sessions::Column::ExpiresAt.gt(now))
            .one(self.conn())
            .await?
            .map(|m| SessionRef {
                id: m.id,
                user_id: m.user_id,
                last_seen_at: m.last_seen_at,
            }))
    }

    /// Marks a session as seen at `now` (the idle timeout counts from there).
    ///
    /// # Errors
    /// The database fails.
    pub async fn touch_session(&self, id: i32, now: DateTime<Utc>) -> StoreResult<()> {
        sessions::Entity::update_many()
            .col_expr(
                sessions::Column::LastSeenAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(sessions::Column::Id.eq(id))
            .exec(self.conn())
            .await?;
        Ok(())
    }

    /// Ends a session (logout, idle timeout), with an audit record when given.
    ///
    /// # Errors
    /// The database fails.
    pub async fn end_session(
        &self,
        id: i32,
        audit: Option<AuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let tx = self.begin_write().await?;
        sessions::Entity::update_many()
            .col_expr(
                sessions::Column::EndedAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(sessions::Column::Id.eq(id))
            .filter(sessions::Column::EndedAt.is_null())
            .exec(&tx)
            .await?;
        if let Some(audit) = audit {
            write_audit(&tx, &audit, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
