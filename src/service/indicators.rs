//! The Results Framework's indicators as use cases: define an indicator, set its baseline and
//! target for a scope, record observations (one or many, all or nothing), and read an
//! indicator's progress in every scope (DESIGN.md §2b, computed by `engine::indicators`).
//! Who may do what is `domain::policy`'s: the Secretariat defines indicators and sets any
//! target; a focal point sets its own state's national target and records its own state's
//! observations. Observations obey the framework's locks (409) like status reports.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::accounts::entry;
use super::{ServiceError, ServiceResult, Tracker, now};
use crate::domain::audit::actions;
use crate::domain::{
    Action, Actor, Basis, Direction, FieldIssue, Indicator, NewObservation, NewTarget, Observation,
    Role, Target, Validation, ValidationState, participants_as_of,
};
use crate::engine::At;
use crate::engine::indicators::{
    IndicatorAt, IndicatorProgress, IndicatorRollup, IndicatorRollups, NodeIndicators,
    indicator_progress, rollup_by_node, scope_progress, target_in_force,
};
use crate::store::{self, IndicatorRecord, ObservationRecord, TargetRecord};

/// A new indicator, as the Secretariat defines it.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorDefinition {
    pub code: String,
    pub title: String,
    pub unit: String,
    pub direction: Direction,
    /// The code of the node it measures (any node, usually a strategic measure).
    pub node: String,
    /// Decimals shown (1 by default).
    pub decimals: Option<u8>,
    pub source: Option<String>,
    pub note: Option<String>,
}

impl IndicatorDefinition {
    /// Every problem with the text fields, all at once.
    fn issues(&self) -> Vec<FieldIssue> {
        let mut issues = Vec::new();
        let code = self.code.trim();
        if code.is_empty()
            || code.chars().count() > 64
            || code.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            issues.push(FieldIssue::invalid(
                "code",
                "a code of 1 to 64 characters without spaces",
            ));
        }
        if self.title.trim().is_empty() || self.title.chars().count() > 1_000 {
            issues.push(FieldIssue::invalid(
                "title",
                "a title of 1 to 1,000 characters",
            ));
        }
        if self.unit.trim().is_empty() || self.unit.chars().count() > 64 {
            issues.push(FieldIssue::invalid(
                "unit",
                "a unit of 1 to 64 characters (`%`, `years`…)",
            ));
        }
        if self.decimals.is_some_and(|d| d > 6) {
            issues.push(FieldIssue::invalid("decimals", "from 0 to 6"));
        }
        issues
    }
}

/// A framework's indicators (those under `node` when it is given).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IndicatorList {
    pub framework: String,
    /// The node asked for: indicators measuring it or a node under it.
    pub node: Option<String>,
    pub count: usize,
    pub indicators: Vec<Indicator>,
}

/// An indicator with the targets in force in each scope, every target revision, and every
/// observation (as known at `known_at`, everything recorded when it is `null`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IndicatorDetail {
    pub framework: String,
    #[serde(flatten)]
    pub indicator: Indicator,
    pub known_at: Option<DateTime<Utc>>,
    /// The target in force per scope: `ASEAN` first, then the member states in code order.
    pub targets: Vec<Target>,
    /// Every target row, first recorded first (a revision is a newer row).
    pub target_history: Vec<Target>,
    /// Every observation, first recorded first (a correction is a newer observation for the
    /// same year), with its validation.
    pub observations: Vec<Observation>,
}

/// The indicators under each node of a level in one scope, as of a date (DESIGN.md §3b).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IndicatorRollupView {
    pub framework: String,
    pub as_of: NaiveDate,
    pub known_at: Option<DateTime<Utc>>,
    pub basis: Basis,
    pub scope: crate::domain::Scope,
    pub level: String,
    pub node: Option<String>,
    pub body: Option<String>,
    /// Every indicator of the selection in this scope.
    pub overall: IndicatorRollup,
    pub nodes: Vec<NodeIndicators>,
}

/// A framework's observations in one validation state (the Secretariat's queue).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ObservationQueue {
    pub framework: String,
    pub state: ValidationState,
    pub scope: Option<crate::domain::Scope>,
    pub count: usize,
    /// Newest first.
    pub observations: Vec<Observation>,
}

/// What the Secretariat decides about an observation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObservationDecision {
    /// Validated, with the source checked.
    Validate { evidence_checked: bool },
    /// Returned to the focal point, with the reason it will read.
    Return { reason: String },
}

impl Tracker {
    /// Defines an indicator (admin, secretariat).
    ///
    /// # Errors
    /// `Forbidden`; `UnknownFramework`; `UnknownNode`; `Invalid` fields; `Conflict` when the
    /// framework has an indicator of that code; the store fails.
    pub async fn define_indicator(
        &self,
        actor: &Actor,
        framework: &str,
        definition: &IndicatorDefinition,
    ) -> ServiceResult<Indicator> {
        self.permit(actor, Action::DefineIndicator).await?;
        let fw = self.framework(framework).await?;
        let issues = definition.issues();
        if !issues.is_empty() {
            return Err(ServiceError::Invalid(issues));
        }
        let node = self
            .store
            .nodes(fw.id)
            .await?
            .into_iter()
            .find(|n| n.code == definition.node.trim())
            .ok_or_else(|| ServiceError::UnknownNode {
                framework: fw.code.clone(),
                code: definition.node.trim().to_owned(),
            })?;
        let new = store::NewIndicator {
            code: definition.code.trim(),
            title: definition.title.trim(),
            unit: definition.unit.trim(),
            direction: definition.direction.as_str(),
            decimals: i16::from(definition.decimals.unwrap_or(1)),
            node_id: node.id,
            source: definition.source.as_deref().map(str::trim),
            note: definition.note.as_deref().map(str::trim),
        };
        let audit = entry(Some(actor), actions::INDICATOR_CREATE).framework(fw.code.clone());
        let record = self
            .store
            .create_indicator(fw.id, &new, actor.user.id, audit, now())
            .await?;
        indicator_from(record)
    }

    /// A framework's indicators, in code order.
    ///
    /// # Errors
    /// `UnknownFramework`; the store fails.
    pub async fn indicators(&self, framework: &str) -> ServiceResult<Vec<Indicator>> {
        let fw = self.framework(framework).await?;
        Ok(self.indicator_data(&fw).await?.indicators.clone())
    }

    async fn indicator_record(
        &self,
        fw: &crate::domain::Framework,
        code: &str,
    ) -> ServiceResult<IndicatorRecord> {
        let data = self.indicator_data(fw).await?;
        data.find(code)
            .map(|(r, _)| r.clone())
            .ok_or_else(|| unknown_indicator(&fw.code, code))
    }

    /// Sets an indicator's baseline and target for a scope: a new revision (the Secretariat
    /// for any scope, a focal point for its own state).
    ///
    /// # Errors
    /// `Forbidden`; `UnknownFramework`; an unknown indicator; `Invalid` values; the store fails.
    pub async fn set_target(
        &self,
        actor: &Actor,
        framework: &str,
        indicator: &str,
        target: &NewTarget,
    ) -> ServiceResult<Target> {
        self.permit(actor, Action::SetTarget(&target.scope)).await?;
        let fw = self.framework(framework).await?;
        let record = self.indicator_record(&fw, indicator).await?;
        let participants = self.participant_codes(fw.id).await?;
        let mut issues: Vec<FieldIssue> = target
            .check(&record.unit, &fw)
            .err()
            .unwrap_or_default()
            .iter()
            .map(|i| i.to_field_issue(""))
            .collect();
        issues.extend(scope_issue(&target.scope, &participants, &fw.code, "scope"));
        if !issues.is_empty() {
            return Err(ServiceError::Invalid(issues));
        }
        let new = store::NewTarget {
            indicator_id: record.id,
            scope: &target.scope,
            baseline_year: target.baseline_year,
            baseline_value: target.baseline_value,
            target_year: target.target_year,
            target_value: target.target_value,
            note: target.note.as_deref(),
        };
        let audit = entry(Some(actor), actions::INDICATOR_TARGET).framework(fw.code.clone());
        let stored = self
            .store
            .add_target(fw.id, &new, actor.user.id, audit, now())
            .await?;
        Ok(target_from(stored, &record.code))
    }

    /// Records observations, all or nothing: those of the Secretariat or an admin are
    /// validated on entry, a focal point's await review.
    ///
    /// # Errors
    /// `Forbidden` (a scope the account may not record, `override_lock` without being an
    /// admin); `UnknownFramework`; an unknown indicator; `Invalid` values (all of them, each
    /// named `observations[i].field`); `Locked` when a year ends inside a locked period; the
    /// store fails.
    pub async fn record_observations(
        &self,
        actor: &Actor,
        framework: &str,
        observations: &[NewObservation],
        override_lock: bool,
    ) -> ServiceResult<Vec<Observation>> {
        for o in observations {
            self.permit(actor, Action::Observe(&o.scope)).await?;
        }
        if override_lock {
            self.permit(actor, Action::OverrideLock).await?;
        }
        let fw = self.framework(framework).await?;
        let data = self.indicator_data(&fw).await?;
        let records = &data.records;
        let participants = self.participant_codes(fw.id).await?;
        let mut issues = Vec::new();
        let mut rows = Vec::with_capacity(observations.len());
        for (i, o) in observations.iter().enumerate() {
            let prefix = if observations.len() == 1 {
                String::new()
            } else {
                format!("observations[{i}].")
            };
            let Some(record) = records.iter().find(|r| r.code == o.indicator.trim()) else {
                issues.push(FieldIssue::invalid(
                    format!("{prefix}indicator"),
                    format!("`{}` is not an indicator of `{}`", o.indicator, fw.code),
                ));
                continue;
            };
            let scope_problem =
                scope_issue(&o.scope, &participants, &fw.code, &format!("{prefix}scope"));
            let retired = record.retired.then(|| {
                FieldIssue::invalid(
                    format!("{prefix}indicator"),
                    format!("`{}` is retired: its history stays readable, but it takes no new observation", record.code),
                )
            });
            let found = o.check(&record.unit, &fw).err().unwrap_or_default();
            if !found.is_empty() || scope_problem.is_some() || retired.is_some() {
                issues.extend(retired);
                issues.extend(found.iter().map(|f| f.to_field_issue(&prefix)));
                issues.extend(scope_problem);
                continue;
            }
            rows.push((record.id, record.code.clone(), o));
        }
        if !issues.is_empty() {
            return Err(ServiceError::Invalid(issues));
        }
        let new: Vec<store::NewObservation<'_>> = rows
            .iter()
            .map(|(id, _, o)| store::NewObservation {
                indicator_id: *id,
                scope: &o.scope,
                year: o.year,
                value: o.value,
                source: o.source.as_deref(),
                note: o.note.as_deref(),
            })
            .collect();
        let action = if override_lock {
            actions::OBSERVATION_RECORD_OVERRIDE
        } else {
            actions::OBSERVATION_RECORD
        };
        let audit = entry(Some(actor), action).framework(fw.code.clone());
        let options = store::ObservationOptions {
            by: actor.user.id,
            validated_on_entry: matches!(actor.user.role, Role::Admin | Role::Secretariat),
            override_lock,
        };
        let stored = self
            .store
            .record_observations(fw.id, &new, options, audit, now())
            .await?;
        Ok(stored
            .into_iter()
            .zip(&rows)
            .map(|(o, (_, code, _))| observation_from(o, code))
            .collect())
    }

    /// An indicator's progress in ASEAN and in every participant as of a date, with
    /// `mean_of_states` and `regional` side by side (DESIGN.md §2b).
    ///
    /// # Errors
    /// `UnknownFramework`; an unknown indicator; the store fails.
    pub async fn indicator_progress(
        &self,
        framework: &str,
        code: &str,
        as_of: NaiveDate,
        known_at: Option<DateTime<Utc>>,
        basis: Basis,
    ) -> ServiceResult<IndicatorProgress> {
        let fw = self.framework(framework).await?;
        let data = self.indicator_data(&fw).await?;
        let (record, indicator) = data
            .find(code)
            .ok_or_else(|| unknown_indicator(&fw.code, code))?;
        let participations = self.store.participations(fw.id).await?;
        let participants = participants_as_of(&participations, as_of);
        let at = IndicatorAt {
            at: At { as_of, known_at },
            basis,
        };
        let targets = data.targets_of(record.id);
        let observations = data.observations_of(record.id);
        Ok(indicator_progress(
            indicator,
            &participants,
            targets,
            observations,
            at,
        ))
    }
}

impl Tracker {
    /// The member states that take part in the framework at any time.
    async fn participant_codes(
        &self,
        framework_id: i32,
    ) -> ServiceResult<Vec<crate::domain::StateCode>> {
        let mut codes: Vec<crate::domain::StateCode> = self
            .store
            .participations(framework_id)
            .await?
            .into_iter()
            .map(|p| p.state)
            .collect();
        codes.sort();
        codes.dedup();
        Ok(codes)
    }

    /// A framework's indicators in code order; with `node`, those measuring it or a node under
    /// it.
    ///
    /// # Errors
    /// `UnknownFramework`, `UnknownNode`; the store fails.
    pub async fn indicator_list(
        &self,
        framework: &str,
        node: Option<&str>,
    ) -> ServiceResult<IndicatorList> {
        let fw = self.framework(framework).await?;
        let mut indicators = self.indicators(&fw.code).await?;
        if let Some(code) = node {
            let state = self.figures_state(&fw).await?;
            let s = super::figures::read(&state);
            let Some(ancestor) = s.outline.find(code) else {
                return Err(ServiceError::UnknownNode {
                    framework: fw.code.clone(),
                    code: code.to_owned(),
                });
            };
            indicators.retain(|i| {
                s.outline
                    .find(&i.node)
                    .is_some_and(|n| s.outline.is_within(n, ancestor))
            });
        }
        Ok(IndicatorList {
            framework: fw.code,
            node: node.map(str::to_owned),
            count: indicators.len(),
            indicators,
        })
    }

    /// An indicator with its targets in force per scope, every revision and every
    /// observation, as known at `known_at`.
    ///
    /// # Errors
    /// `UnknownFramework`; an unknown indicator; the store fails.
    pub async fn indicator_detail(
        &self,
        framework: &str,
        code: &str,
        known_at: Option<DateTime<Utc>>,
    ) -> ServiceResult<IndicatorDetail> {
        let fw = self.framework(framework).await?;
        let data = self.indicator_data(&fw).await?;
        let (record, indicator) = data
            .find(code)
            .ok_or_else(|| unknown_indicator(&fw.code, code))?;
        let known = |at: DateTime<Utc>| known_at.is_none_or(|t| at <= t);
        let target_history: Vec<Target> = data
            .targets_of(record.id)
            .iter()
            .filter(|t| known(t.recorded_at))
            .cloned()
            .collect();
        let mut scopes: Vec<&crate::domain::Scope> =
            target_history.iter().map(|t| &t.scope).collect();
        scopes.sort_by_key(|s| match s {
            crate::domain::Scope::Asean => (0, String::new()),
            crate::domain::Scope::State(c) => (1, c.as_str().to_owned()),
        });
        scopes.dedup();
        let targets: Vec<Target> = scopes
            .into_iter()
            .filter_map(|scope| {
                target_in_force(&record.code, scope, &target_history, known_at).cloned()
            })
            .collect();
        let observations: Vec<Observation> = data
            .observations_of(record.id)
            .iter()
            .filter(|o| known(o.recorded_at))
            .map(|o| {
                let mut o = o.clone();
                // A review made after the instant asked for was not known then.
                if o.validation.at.is_some_and(|at| !known(at)) {
                    o.validation = Validation {
                        state: ValidationState::Reported,
                        by: None,
                        at: None,
                        reason: None,
                        evidence_checked: false,
                    };
                }
                o
            })
            .collect();
        Ok(IndicatorDetail {
            framework: fw.code,
            indicator: indicator.clone(),
            known_at,
            targets,
            target_history,
            observations,
        })
    }

    /// Validates an observation (its source checked) or returns it with a reason, once
    /// (secretariat, admin). A returned observation no longer counts on either basis; a
    /// correction is a newer observation for the same year.
    ///
    /// # Errors
    /// `Forbidden`; `UnknownFramework`; `NotFound` for no such observation; `Invalid` (not
    /// checked, no reason); `Conflict` when it was reviewed already; the store fails.
    pub async fn decide_observation(
        &self,
        actor: &Actor,
        framework: &str,
        id: i64,
        decision: ObservationDecision,
    ) -> ServiceResult<Observation> {
        let fw = self.framework(framework).await?;
        let not_found = || ServiceError::NotFound(format!("`{}` has no observation {id}", fw.code));
        let observation_id = i32::try_from(id).map_err(|_| not_found())?;
        let found = self
            .store
            .observations(fw.id)
            .await?
            .into_iter()
            .find(|o| o.id == observation_id)
            .ok_or_else(not_found)?;
        self.permit(actor, Action::Review(&found.scope)).await?;
        let (state, reason, action) = match &decision {
            ObservationDecision::Validate { evidence_checked } => {
                if !evidence_checked {
                    return Err(ServiceError::Invalid(vec![FieldIssue::invalid(
                        "evidence_checked",
                        "validate an observation only once its source is checked: send `\"evidence_checked\": true`",
                    )]));
                }
                (
                    ValidationState::Validated,
                    None,
                    actions::OBSERVATION_VALIDATE,
                )
            }
            ObservationDecision::Return { reason } => {
                let reason = super::governance::return_reason(reason, "observation")?;
                (
                    ValidationState::Returned,
                    Some(reason),
                    actions::OBSERVATION_RETURN,
                )
            }
        };
        let audit = entry(Some(actor), action).framework(fw.code.clone());
        self.store
            .review_observation(
                fw.id,
                store::ObservationReview {
                    observation_id,
                    decision: state,
                    reason,
                },
                actor.user.id,
                audit,
                now(),
            )
            .await?;
        let record = self
            .store
            .indicators(fw.id)
            .await?
            .into_iter()
            .find(|i| i.id == found.indicator_id)
            .map(|i| i.code)
            .unwrap_or_default();
        let stored = self
            .store
            .observations(fw.id)
            .await?
            .into_iter()
            .find(|o| o.id == observation_id)
            .ok_or_else(not_found)?;
        Ok(observation_from(stored, &record))
    }

    /// A framework's observations in one validation state (`reported`: waiting for review),
    /// optionally of one scope, newest first, at most `limit`.
    ///
    /// # Errors
    /// `UnknownFramework`, `UnknownState`; the store fails.
    pub async fn observation_queue(
        &self,
        framework: &str,
        state: ValidationState,
        scope: Option<crate::domain::Scope>,
        limit: u64,
    ) -> ServiceResult<ObservationQueue> {
        let fw = self.framework(framework).await?;
        if let Some(crate::domain::Scope::State(code)) = &scope {
            self.ensure_member_state(code).await?;
        }
        let data = self.indicator_data(&fw).await?;
        let mut observations: Vec<Observation> = data
            .observations
            .values()
            .flatten()
            .filter(|o| o.validation.state == state)
            .filter(|o| scope.as_ref().is_none_or(|s| &o.scope == s))
            .cloned()
            .collect();
        observations.sort_by_key(|o| std::cmp::Reverse((o.recorded_at, o.id)));
        observations.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(ObservationQueue {
            framework: fw.code,
            state,
            scope,
            count: observations.len(),
            observations,
        })
    }

    /// [`Tracker::indicator_rollup`] with what it was computed for, as the API answers it.
    ///
    /// # Errors
    /// See [`Tracker::indicator_rollup`].
    pub async fn indicator_rollup_view(
        &self,
        framework: &str,
        scope: &crate::domain::Scope,
        query: &super::FigureQuery,
        today: NaiveDate,
    ) -> ServiceResult<IndicatorRollupView> {
        let fw = self.framework(framework).await?;
        let rollups = self.indicator_rollup(&fw.code, scope, query, today).await?;
        let state = self.figures_state(&fw).await?;
        let s = super::figures::read(&state);
        let depth = Self::selection(&fw, &s.outline, query)?.depth;
        let level = fw.levels.get(depth).cloned().unwrap_or_default();
        Ok(IndicatorRollupView {
            framework: fw.code,
            as_of: query.as_of.unwrap_or(today),
            known_at: query.known_at,
            basis: query.basis,
            scope: scope.clone(),
            level,
            node: query.node.clone(),
            body: query.body.clone(),
            overall: rollups.overall,
            nodes: rollups.nodes,
        })
    }

    /// The indicators under each node of a level, in one scope (`ASEAN` or a participant): the
    /// mean current status of those with one, how many have one, and the count of each class;
    /// `overall` for all of them (DESIGN.md §2b). Retired indicators are left out. The level,
    /// node and body filters are those of the status figures.
    ///
    /// # Errors
    /// `UnknownFramework`, `UnknownNode`, `Invalid` (a level of another framework); the store
    /// fails.
    pub async fn indicator_rollup(
        &self,
        framework: &str,
        scope: &crate::domain::Scope,
        query: &super::FigureQuery,
        today: NaiveDate,
    ) -> ServiceResult<IndicatorRollups> {
        let fw = self.framework(framework).await?;
        let as_of = query.as_of.unwrap_or(today);
        let at = IndicatorAt {
            at: At {
                as_of,
                known_at: query.known_at,
            },
            basis: query.basis,
        };
        self.check_body(query.body.as_deref()).await?;
        let participations = self.store.participations(fw.id).await?;
        self.check_scope(&fw, &participations, scope, &[as_of])
            .await?;
        let data = self.indicator_data(&fw).await?;
        let state = self.figures_state(&fw).await?;
        let s = super::figures::read(&state);
        let selection = Self::selection(&fw, &s.outline, query)?;
        let mut figures = Vec::new();
        for (record, indicator) in data.records.iter().zip(&data.indicators) {
            if record.retired {
                continue;
            }
            let Some(node) = s.outline.find(&record.node) else {
                continue;
            };
            figures.push((
                node,
                scope_progress(
                    indicator,
                    scope,
                    data.targets_of(record.id),
                    data.observations_of(record.id),
                    at,
                ),
            ));
        }
        let measured: Vec<(usize, &crate::engine::indicators::ScopeProgress)> =
            figures.iter().map(|(node, f)| (*node, f)).collect();
        Ok(rollup_by_node(
            &s.outline,
            &selection.rows,
            scope,
            &measured,
        ))
    }
}

/// A scope an indicator's figures may be recorded for: `ASEAN`, or a member state that
/// participates (or participated) in the framework.
fn scope_issue(
    scope: &crate::domain::Scope,
    participants: &[crate::domain::StateCode],
    framework: &str,
    field: &str,
) -> Option<FieldIssue> {
    match scope {
        crate::domain::Scope::State(code) if !participants.contains(code) => {
            Some(FieldIssue::invalid(
                field,
                format!("{code} does not participate in `{framework}`"),
            ))
        }
        _ => None,
    }
}

fn unknown_indicator(framework: &str, code: &str) -> ServiceError {
    ServiceError::NotFound(format!(
        "`{}` is not an indicator of `{framework}`",
        code.trim()
    ))
}

pub(super) fn indicator_from(r: IndicatorRecord) -> ServiceResult<Indicator> {
    let direction = r.direction.parse::<Direction>().map_err(|e| {
        ServiceError::Internal(format!("indicator {}: stored direction: {}", r.code, e.0))
    })?;
    Ok(Indicator {
        id: r.id,
        code: r.code,
        title: r.title,
        unit: r.unit,
        direction,
        decimals: u8::try_from(r.decimals).unwrap_or(1),
        node: r.node,
        source: r.source,
        note: r.note,
        retired: r.retired,
    })
}

pub(super) fn target_from(t: TargetRecord, indicator: &str) -> Target {
    Target {
        id: i64::from(t.id),
        indicator: indicator.to_owned(),
        scope: t.scope,
        baseline_year: t.baseline_year,
        baseline_value: t.baseline_value,
        target_year: t.target_year,
        target_value: t.target_value,
        note: t.note,
        recorded_by: t.recorded_by,
        recorded_at: t.recorded_at,
    }
}

pub(super) fn observation_from(o: ObservationRecord, indicator: &str) -> Observation {
    Observation {
        id: i64::from(o.id),
        indicator: indicator.to_owned(),
        scope: o.scope,
        year: o.year,
        value: o.value,
        source: o.source,
        note: o.note,
        recorded_by: o.recorded_by,
        recorded_at: o.recorded_at,
        validation: Validation {
            state: o.state,
            by: o.reviewed_by,
            at: o.reviewed_at,
            reason: o.reason,
            evidence_checked: o.state == ValidationState::Validated && o.reviewed_at.is_some(),
        },
    }
}

/// One indicator with its figures in every scope (the CLI's `indicators` table).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IndicatorFigures {
    pub indicator: Indicator,
    pub progress: IndicatorProgress,
}

/// Every (non-retired) indicator of a framework with its figures in every scope, as of a date.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FrameworkIndicatorFigures {
    pub framework: String,
    pub as_of: NaiveDate,
    pub known_at: Option<DateTime<Utc>>,
    pub basis: Basis,
    /// The framework's participants as of the date, in code order.
    pub participants: Vec<crate::domain::StateCode>,
    /// In code order, digits by value (`SG2-1` before `SG10-1`).
    pub indicators: Vec<IndicatorFigures>,
}

impl Tracker {
    /// Every non-retired indicator of `framework`, each in `ASEAN` and in every participant as
    /// of `as_of`, with `mean_of_states` (DESIGN.md §2b), read once and computed per indicator.
    ///
    /// # Errors
    /// `UnknownFramework`; the store fails.
    pub async fn framework_indicator_figures(
        &self,
        framework: &str,
        as_of: NaiveDate,
        known_at: Option<DateTime<Utc>>,
        basis: Basis,
    ) -> ServiceResult<FrameworkIndicatorFigures> {
        let fw = self.framework(framework).await?;
        let data = self.indicator_data(&fw).await?;
        let participations = self.store.participations(fw.id).await?;
        let mut participants = participants_as_of(&participations, as_of);
        participants.sort();
        let at = IndicatorAt {
            at: At { as_of, known_at },
            basis,
        };
        let mut indicators: Vec<IndicatorFigures> = data
            .records
            .iter()
            .zip(&data.indicators)
            .filter(|(record, _)| !record.retired)
            .map(|(record, indicator)| IndicatorFigures {
                indicator: indicator.clone(),
                progress: indicator_progress(
                    indicator,
                    &participants,
                    data.targets_of(record.id),
                    data.observations_of(record.id),
                    at,
                ),
            })
            .collect();
        indicators
            .sort_by(|a, b| crate::domain::natural_order(&a.indicator.code, &b.indicator.code));
        Ok(FrameworkIndicatorFigures {
            framework: fw.code,
            as_of,
            known_at,
            basis,
            participants,
            indicators,
        })
    }
}
