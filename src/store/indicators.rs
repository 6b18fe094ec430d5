//! The Results Framework's indicators: their definitions, their append-only targets and
//! observations, and the Secretariat's reviews of observations (DESIGN.md §1, §2b). Every write
//! appends its audit record in its own transaction and bumps the framework's revision (so the
//! figures computed from it are recomputed); observations obey the framework's locks as status
//! reports do: one whose year ends on or before the locked date is refused, unless an admin
//! overrides.
//!
//! The records here are the store's own plain rows (codes and names resolved); the service turns
//! them into the engine's inputs.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use entity::{indicator_observations, indicator_targets, indicators, nodes, observation_reviews};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};

use super::governance::{active_lock, write_audit};
use super::{Store, StoreError, StoreResult};
use crate::domain::{AuditEntry, Scope, ValidationState};

/// An indicator as stored, with the code of the node it measures.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorRecord {
    pub id: i32,
    pub code: String,
    pub title: String,
    pub unit: String,
    /// `increase` or `decrease`.
    pub direction: String,
    pub decimals: i16,
    pub node_id: i32,
    pub node: String,
    pub source: Option<String>,
    pub note: Option<String>,
    pub retired: bool,
    pub created_at: DateTime<Utc>,
}

/// A new indicator (checked by the service).
#[derive(Debug, Clone)]
pub struct NewIndicator<'a> {
    pub code: &'a str,
    pub title: &'a str,
    pub unit: &'a str,
    pub direction: &'a str,
    pub decimals: i16,
    pub node_id: i32,
    pub source: Option<&'a str>,
    pub note: Option<&'a str>,
}

/// A target row: one revision of (indicator, scope)'s baseline and target.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetRecord {
    pub id: i32,
    pub indicator_id: i32,
    pub scope: Scope,
    pub baseline_year: i32,
    pub baseline_value: f64,
    pub target_year: i32,
    pub target_value: f64,
    pub note: Option<String>,
    pub recorded_by: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

/// A new target (checked by the service).
#[derive(Debug, Clone)]
pub struct NewTarget<'a> {
    pub indicator_id: i32,
    pub scope: &'a Scope,
    pub baseline_year: i32,
    pub baseline_value: f64,
    pub target_year: i32,
    pub target_value: f64,
    pub note: Option<&'a str>,
}

/// An observation with its review, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservationRecord {
    pub id: i32,
    pub indicator_id: i32,
    pub scope: Scope,
    pub year: i32,
    pub value: f64,
    pub source: Option<String>,
    pub note: Option<String>,
    pub recorded_by: Option<String>,
    pub recorded_at: DateTime<Utc>,
    pub lock_id: Option<i32>,
    pub lock_override: bool,
    /// `reported` until reviewed; `validated` on entry when the Secretariat records it.
    pub state: ValidationState,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
}

/// A new observation (checked by the service).
#[derive(Debug, Clone)]
pub struct NewObservation<'a> {
    pub indicator_id: i32,
    pub scope: &'a Scope,
    pub year: i32,
    pub value: f64,
    pub source: Option<&'a str>,
    pub note: Option<&'a str>,
}

/// A review of an observation, as stored.
#[derive(Debug, Clone)]
pub struct ReviewRecord {
    pub id: i32,
    pub observation_id: i32,
    pub state: ValidationState,
    pub reviewed_by: Option<String>,
    pub reviewed_at: DateTime<Utc>,
    pub reason: Option<String>,
}

/// The Secretariat's decision on an observation.
#[derive(Debug, Clone, Copy)]
pub struct ObservationReview<'a> {
    pub observation_id: i32,
    /// `Validated` or `Returned`.
    pub decision: ValidationState,
    pub reason: Option<&'a str>,
}

/// How observations are recorded: by whom, whether they are validated on entry (recorded by the
/// Secretariat or an admin), and whether an admin records inside a locked period.
#[derive(Debug, Clone, Copy)]
pub struct ObservationOptions {
    pub by: i32,
    pub validated_on_entry: bool,
    pub override_lock: bool,
}

/// The last day of `year` (the date an observation for that year is as of).
pub fn year_end(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 12, 31)
}

fn scope_of(table: &'static str, value: &str) -> StoreResult<Scope> {
    value
        .parse()
        .map_err(|e: crate::domain::ParseError| StoreError::corrupt(table, e.0))
}

impl Store {
    /// Defines an indicator (audited).
    ///
    /// # Errors
    /// `Conflict` when the framework has an indicator of that code; the database fails.
    pub async fn create_indicator(
        &self,
        framework_id: i32,
        new: &NewIndicator<'_>,
        by: i32,
        audit: AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<IndicatorRecord> {
        let tx = self.begin_write().await?;
        super::figures::bump_revision(&tx, framework_id).await?;
        let taken = indicators::Entity::find()
            .filter(indicators::Column::FrameworkId.eq(framework_id))
            .filter(indicators::Column::Code.eq(new.code))
            .one(&tx)
            .await?;
        if taken.is_some() {
            return Err(StoreError::Conflict(format!(
                "the framework has an indicator `{}` already",
                new.code
            )));
        }
        let node = nodes::Entity::find_by_id(new.node_id)
            .one(&tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("no node {}", new.node_id)))?;
        let m = indicators::ActiveModel {
            framework_id: Set(framework_id),
            code: Set(new.code.to_owned()),
            title: Set(new.title.to_owned()),
            unit: Set(new.unit.to_owned()),
            direction: Set(new.direction.to_owned()),
            decimals: Set(new.decimals),
            node_id: Set(new.node_id),
            source: Set(new.source.map(str::to_owned)),
            note: Set(new.note.map(str::to_owned)),
            retired: Set(false),
            created_by: Set(Some(by)),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        let audit = audit
            .target(format!("indicator {}", m.code))
            .detail(serde_json::json!({
                "indicator": m.code, "node": node.code, "unit": m.unit, "direction": m.direction,
            }));
        write_audit(&tx, &audit, now).await?;
        tx.commit().await?;
        Ok(indicator_from(m, node.code))
    }

    /// A framework's indicators, in code order.
    ///
    /// # Errors
    /// The database fails.
    pub async fn indicators(&self, framework_id: i32) -> StoreResult<Vec<IndicatorRecord>> {
        let node_codes: HashMap<i32, String> = nodes::Entity::find()
            .filter(nodes::Column::FrameworkId.eq(framework_id))
            .all(self.conn())
            .await?
            .into_iter()
            .map(|n| (n.id, n.code))
            .collect();
        let rows = indicators::Entity::find()
            .filter(indicators::Column::FrameworkId.eq(framework_id))
            .order_by_asc(indicators::Column::Code)
            .all(self.conn())
            .await?;
        rows.into_iter()
            .map(|m| {
                let node = node_codes.get(&m.node_id).cloned().ok_or_else(|| {
                    StoreError::corrupt("indicators", "a node of another framework")
                })?;
                Ok(indicator_from(m, node))
            })
            .collect()
    }

    /// Appends a target revision (audited).
    ///
    /// # Errors
    /// The database fails.
    pub async fn add_target(
        &self,
        framework_id: i32,
        new: &NewTarget<'_>,
        by: i32,
        audit: AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<TargetRecord> {
        let tx = self.begin_write().await?;
        super::figures::bump_revision(&tx, framework_id).await?;
        let m = indicator_targets::ActiveModel {
            indicator_id: Set(new.indicator_id),
            scope: Set(new.scope.to_string()),
            baseline_year: Set(new.baseline_year),
            baseline_value: Set(new.baseline_value),
            target_year: Set(new.target_year),
            target_value: Set(new.target_value),
            note: Set(new.note.map(str::to_owned)),
            recorded_by: Set(Some(by)),
            recorded_at: Set(now),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        let audit = audit
            .target(format!("target {}", m.id))
            .detail(serde_json::json!({
                "indicator_id": m.indicator_id, "scope": m.scope,
                "baseline": {"year": m.baseline_year, "value": m.baseline_value},
                "target": {"year": m.target_year, "value": m.target_value},
            }));
        write_audit(&tx, &audit, now).await?;
        tx.commit().await?;
        let names = self.user_names().await?;
        target_from(m, &names)
    }

    /// Every target revision of a framework's indicators, oldest first.
    ///
    /// # Errors
    /// The database fails, or a stored scope cannot be read.
    pub async fn targets(&self, framework_id: i32) -> StoreResult<Vec<TargetRecord>> {
        self.targets_after(framework_id, 0).await
    }

    /// The target revisions recorded after the row `after_id` (ids grow with recording), oldest
    /// first.
    ///
    /// # Errors
    /// The database fails, or a stored scope cannot be read.
    pub async fn targets_after(
        &self,
        framework_id: i32,
        after_id: i32,
    ) -> StoreResult<Vec<TargetRecord>> {
        let ids = self.indicator_ids(framework_id).await?;
        let names = self.user_names().await?;
        indicator_targets::Entity::find()
            .filter(indicator_targets::Column::IndicatorId.is_in(ids))
            .filter(indicator_targets::Column::Id.gt(after_id))
            .order_by_asc(indicator_targets::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(|m| target_from(m, &names))
            .collect()
    }

    async fn indicator_ids(&self, framework_id: i32) -> StoreResult<Vec<i32>> {
        Ok(indicators::Entity::find()
            .filter(indicators::Column::FrameworkId.eq(framework_id))
            .all(self.conn())
            .await?
            .into_iter()
            .map(|m| m.id)
            .collect())
    }

    /// Records observations, all or nothing, with their audit record (one for the request).
    /// Observations of the Secretariat or an admin are validated on entry.
    ///
    /// # Errors
    /// `Locked` when an observation's year ends on or before the lock in force and no override
    /// is allowed (nothing is stored); the database fails.
    pub async fn record_observations(
        &self,
        framework_id: i32,
        rows: &[NewObservation<'_>],
        options: ObservationOptions,
        audit: AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<ObservationRecord>> {
        let tx = self.begin_write().await?;
        super::figures::bump_revision(&tx, framework_id).await?;
        let lock = active_lock(&tx, framework_id).await?;
        let inside = |year: i32| {
            lock.is_some_and(|(_, until)| year_end(year).is_none_or(|end| end <= until))
        };
        let in_locked_period = rows.iter().filter(|r| inside(r.year)).count();
        if let Some((lock_id, until)) = lock
            && in_locked_period > 0
            && !options.override_lock
        {
            return Err(StoreError::Locked {
                lock_id: i64::from(lock_id),
                until,
                count: in_locked_period,
            });
        }
        let mut stored = Vec::with_capacity(rows.len());
        for row in rows {
            let m = indicator_observations::ActiveModel {
                indicator_id: Set(row.indicator_id),
                framework_id: Set(framework_id),
                scope: Set(row.scope.to_string()),
                year: Set(row.year),
                value: Set(row.value),
                source: Set(row.source.map(str::to_owned)),
                note: Set(row.note.map(str::to_owned)),
                recorded_by: Set(Some(options.by)),
                recorded_at: Set(now),
                lock_id: Set(lock.map(|(id, _)| id)),
                lock_override: Set(inside(row.year)),
                ..Default::default()
            }
            .insert(&tx)
            .await?;
            if options.validated_on_entry {
                observation_reviews::ActiveModel {
                    observation_id: Set(m.id),
                    framework_id: Set(framework_id),
                    decision: Set(ValidationState::Validated.as_str().to_owned()),
                    reason: Set(None),
                    evidence_checked: Set(false),
                    reviewed_by: Set(options.by),
                    reviewed_at: Set(now),
                    ..Default::default()
                }
                .insert(&tx)
                .await?;
            }
            stored.push(m);
        }
        let audit = audit
            .target(format!("{} observation(s)", stored.len()))
            .detail(serde_json::json!({
                "count": stored.len(),
                "first_id": stored.first().map(|m| m.id),
                "last_id": stored.last().map(|m| m.id),
                "lock": lock.map(|(id, until)| serde_json::json!({"id": id, "until": until})),
                "in_locked_period": in_locked_period,
            }));
        write_audit(&tx, &audit, now).await?;
        tx.commit().await?;
        let names = self.user_names().await?;
        let state = if options.validated_on_entry {
            ValidationState::Validated
        } else {
            ValidationState::Reported
        };
        stored
            .into_iter()
            .map(|m| {
                let reviewed = options.validated_on_entry.then_some((options.by, now));
                observation_from(m, &names, state, reviewed, None)
            })
            .collect()
    }

    /// Every observation of a framework's indicators with its review, oldest first.
    ///
    /// # Errors
    /// The database fails, or a stored value cannot be read.
    pub async fn observations(&self, framework_id: i32) -> StoreResult<Vec<ObservationRecord>> {
        self.observations_after(framework_id, 0).await
    }

    /// The observations recorded after the row `after_id` (ids grow with recording), with
    /// their reviews, oldest first.
    ///
    /// # Errors
    /// The database fails, or a stored value cannot be read.
    pub async fn observations_after(
        &self,
        framework_id: i32,
        after_id: i32,
    ) -> StoreResult<Vec<ObservationRecord>> {
        let names = self.user_names().await?;
        let db = self.conn();
        let reviews: HashMap<i32, observation_reviews::Model> = observation_reviews::Entity::find()
            .filter(observation_reviews::Column::FrameworkId.eq(framework_id))
            .filter(observation_reviews::Column::ObservationId.gt(after_id))
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.observation_id, r))
            .collect();
        indicator_observations::Entity::find()
            .filter(indicator_observations::Column::FrameworkId.eq(framework_id))
            .filter(indicator_observations::Column::Id.gt(after_id))
            .order_by_asc(indicator_observations::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(|m| {
                let review = reviews.get(&m.id);
                let state = match review {
                    Some(r) => r.decision.parse().map_err(|e: crate::domain::ParseError| {
                        StoreError::corrupt("observation_reviews", e.0)
                    })?,
                    None => ValidationState::Reported,
                };
                observation_from(
                    m,
                    &names,
                    state,
                    review.map(|r| (r.reviewed_by, r.reviewed_at)),
                    review.and_then(|r| r.reason.clone()),
                )
            })
            .collect()
    }

    /// The reviews made after the review `after_id` (ids grow with recording), oldest first.
    ///
    /// # Errors
    /// The database fails, or a stored decision cannot be read.
    pub async fn observation_reviews_after(
        &self,
        framework_id: i32,
        after_id: i32,
    ) -> StoreResult<Vec<ReviewRecord>> {
        let names = self.user_names().await?;
        observation_reviews::Entity::find()
            .filter(observation_reviews::Column::FrameworkId.eq(framework_id))
            .filter(observation_reviews::Column::Id.gt(after_id))
            .order_by_asc(observation_reviews::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(|r| {
                Ok(ReviewRecord {
                    id: r.id,
                    observation_id: r.observation_id,
                    state: r.decision.parse().map_err(|e: crate::domain::ParseError| {
                        StoreError::corrupt("observation_reviews", e.0)
                    })?,
                    reviewed_by: names.get(&r.reviewed_by).cloned(),
                    reviewed_at: r.reviewed_at,
                    reason: r.reason,
                })
            })
            .collect()
    }

    /// Validates or returns an observation (audited), once.
    ///
    /// # Errors
    /// `NotFound` for no such observation in the framework, `Conflict` when it was reviewed
    /// already; the database fails.
    pub async fn review_observation(
        &self,
        framework_id: i32,
        review: ObservationReview<'_>,
        by: i32,
        audit: AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let ObservationReview {
            observation_id,
            decision,
            reason,
        } = review;
        let tx = self.begin_write().await?;
        super::figures::bump_revision(&tx, framework_id).await?;
        let found = indicator_observations::Entity::find_by_id(observation_id)
            .filter(indicator_observations::Column::FrameworkId.eq(framework_id))
            .one(&tx)
            .await?;
        if found.is_none() {
            return Err(StoreError::NotFound(format!(
                "no observation {observation_id} in this framework"
            )));
        }
        let reviewed = observation_reviews::Entity::find()
            .filter(observation_reviews::Column::ObservationId.eq(observation_id))
            .one(&tx)
            .await?;
        if reviewed.is_some() {
            return Err(StoreError::Conflict(format!(
                "observation {observation_id} was reviewed already"
            )));
        }
        observation_reviews::ActiveModel {
            observation_id: Set(observation_id),
            framework_id: Set(framework_id),
            decision: Set(decision.as_str().to_owned()),
            reason: Set(reason.map(str::to_owned)),
            evidence_checked: Set(decision == ValidationState::Validated),
            reviewed_by: Set(by),
            reviewed_at: Set(now),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        let audit = audit
            .target(format!("observation {observation_id}"))
            .detail(serde_json::json!({
                "observation": observation_id, "decision": decision.as_str(), "reason": reason,
            }));
        write_audit(&tx, &audit, now).await?;
        tx.commit().await?;
        Ok(())
    }
}

fn indicator_from(m: indicators::Model, node: String) -> IndicatorRecord {
    IndicatorRecord {
        id: m.id,
        code: m.code,
        title: m.title,
        unit: m.unit,
        direction: m.direction,
        decimals: m.decimals,
        node_id: m.node_id,
        node,
        source: m.source,
        note: m.note,
        retired: m.retired,
        created_at: m.created_at,
    }
}

fn target_from(
    m: indicator_targets::Model,
    names: &HashMap<i32, String>,
) -> StoreResult<TargetRecord> {
    Ok(TargetRecord {
        id: m.id,
        indicator_id: m.indicator_id,
        scope: scope_of("indicator_targets", &m.scope)?,
        baseline_year: m.baseline_year,
        baseline_value: m.baseline_value,
        target_year: m.target_year,
        target_value: m.target_value,
        note: m.note,
        recorded_by: m.recorded_by.and_then(|id| names.get(&id).cloned()),
        recorded_at: m.recorded_at,
    })
}

fn observation_from(
    m: indicator_observations::Model,
    names: &HashMap<i32, String>,
    state: ValidationState,
    reviewed: Option<(i32, DateTime<Utc>)>,
    reason: Option<String>,
) -> StoreResult<ObservationRecord> {
    Ok(ObservationRecord {
        id: m.id,
        indicator_id: m.indicator_id,
        scope: scope_of("indicator_observations", &m.scope)?,
        year: m.year,
        value: m.value,
        source: m.source,
        note: m.note,
        recorded_by: m.recorded_by.and_then(|id| names.get(&id).cloned()),
        recorded_at: m.recorded_at,
        lock_id: m.lock_id,
        lock_override: m.lock_override,
        state,
        reviewed_by: reviewed.and_then(|(id, _)| names.get(&id).cloned()),
        reviewed_at: reviewed.map(|(_, at)| at),
        reason,
    })
}
