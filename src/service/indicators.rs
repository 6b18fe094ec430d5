//! The Results Framework's indicators as use cases: define an indicator, set its baseline and
//! target for a scope, record observations (one or many, all or nothing), and read an
//! indicator's progress in every scope (DESIGN.md §2b, computed by `engine::indicators`).
//! Who may do what is `domain::policy`'s: the Secretariat defines indicators and sets any
//! target; a focal point sets its own state's national target and records its own state's
//! observations. Observations obey the framework's locks (409) like status reports.

use chrono::{DateTime, NaiveDate, Utc};

use super::accounts::entry;
use super::{ServiceError, ServiceResult, Tracker, now};
use crate::domain::audit::actions;
use crate::domain::{
    Action, Actor, Basis, Direction, FieldIssue, Indicator, IndicatorIssue, NewObservation,
    NewTarget, Observation, Role, Target, Validation, ValidationState, participants_as_of,
};
use crate::engine::At;
use crate::engine::indicators::{
    IndicatorAt, IndicatorProgress, IndicatorRollups, indicator_progress, rollup_by_node,
    scope_progress,
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

fn invalid(prefix: &str, issues: Vec<IndicatorIssue>) -> ServiceError {
    ServiceError::Invalid(issues.iter().map(|i| i.to_field_issue(prefix)).collect())
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
        self.store
            .indicators(fw.id)
            .await?
            .into_iter()
            .map(indicator_from)
            .collect()
    }

    async fn indicator_record(
        &self,
        framework_id: i32,
        framework: &str,
        code: &str,
    ) -> ServiceResult<IndicatorRecord> {
        self.store
            .indicators(framework_id)
            .await?
            .into_iter()
            .find(|i| i.code == code.trim())
            .ok_or_else(|| {
                ServiceError::NotFound(format!(
                    "`{}` is not an indicator of `{framework}`",
                    code.trim()
                ))
            })
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
        let record = self.indicator_record(fw.id, &fw.code, indicator).await?;
        target
            .check(&record.unit, &fw)
            .map_err(|issues| invalid("", issues))?;
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
        let records = self.store.indicators(fw.id).await?;
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
            if let Err(found) = o.check(&record.unit, &fw) {
                issues.extend(found.iter().map(|f| f.to_field_issue(&prefix)));
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
        let record = self.indicator_record(fw.id, &fw.code, code).await?;
        let targets: Vec<Target> = self
            .store
            .targets(fw.id)
            .await?
            .into_iter()
            .filter(|t| t.indicator_id == record.id)
            .map(|t| target_from(t, &record.code))
            .collect();
        let observations: Vec<Observation> = self
            .store
            .observations(fw.id)
            .await?
            .into_iter()
            .filter(|o| o.indicator_id == record.id)
            .map(|o| observation_from(o, &record.code))
            .collect();
        let participations = self.store.participations(fw.id).await?;
        let participants = participants_as_of(&participations, as_of);
        let indicator = indicator_from(record)?;
        let at = IndicatorAt {
            at: At { as_of, known_at },
            basis,
        };
        Ok(indicator_progress(
            &indicator,
            &participants,
            &targets,
            &observations,
            at,
        ))
    }
}

impl Tracker {
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
        let records = self.store.indicators(fw.id).await?;
        let targets = self.store.targets(fw.id).await?;
        let observations = self.store.observations(fw.id).await?;
        let state = self.figures_state(&fw).await?;
        let s = super::figures::read(&state);
        let selection = Self::selection(&fw, &s.outline, query)?;
        let mut figures = Vec::new();
        for record in records.into_iter().filter(|r| !r.retired) {
            let Some(node) = s.outline.find(&record.node) else {
                continue;
            };
            let its_targets: Vec<Target> = targets
                .iter()
                .filter(|t| t.indicator_id == record.id)
                .map(|t| target_from(t.clone(), &record.code))
                .collect();
            let its_observations: Vec<Observation> = observations
                .iter()
                .filter(|o| o.indicator_id == record.id)
                .map(|o| observation_from(o.clone(), &record.code))
                .collect();
            let indicator = indicator_from(record)?;
            figures.push((
                node,
                scope_progress(&indicator, scope, &its_targets, &its_observations, at),
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

fn indicator_from(r: IndicatorRecord) -> ServiceResult<Indicator> {
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

fn target_from(t: TargetRecord, indicator: &str) -> Target {
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

fn observation_from(o: ObservationRecord, indicator: &str) -> Observation {
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
