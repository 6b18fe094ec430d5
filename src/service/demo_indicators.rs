//! Loading the demo's Results Framework indicators (see [`crate::demo::indicators`]) with
//! `serve --demo` or `demo`, next to the demo's status reports ([`Tracker::load_demo`]). Once:
//! when the Strategic Plan has an indicator whose code starts with
//! [`DEMO_CODE_PREFIX`](demo::indicators::DEMO_CODE_PREFIX), nothing is added (each write is its
//! own transaction, as for the status reports, so a load cut short is not completed later).
//! Definitions, targets and the Secretariat's observations are recorded by the disabled `demo`
//! account (observations validated on entry); the national values of the last year by the
//! state's demo focal point, waiting for validation. Every row is recorded at the instant the
//! generator gives it (never after the load).

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::{ServiceResult, Tracker, now};
use crate::demo::{self, indicators as demo_indicators};
use crate::domain::{AuditEntry, Role, Scope, StateCode, User, audit::actions, participants_as_of};
use crate::store::{NewIndicator, NewObservation, NewTarget, NewUser, ObservationOptions};

/// Who records a group of observations (a state's demo focal point, or the demo account) and
/// when.
type Recorder = (Option<StateCode>, DateTime<Utc>);

/// What [`Tracker::load_demo_indicators`] stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DemoIndicatorSummary {
    pub indicators: usize,
    pub targets: usize,
    pub observations: usize,
}

fn audit_by(user: &User, action: &'static str, framework: &str) -> AuditEntry {
    AuditEntry {
        actor_id: Some(user.id),
        actor_name: Some(user.name.clone()),
        actor_role: Some(user.role.as_str().to_owned()),
        address: None,
        action,
        framework: Some(framework.to_owned()),
        target: None,
        detail: serde_json::json!({}),
    }
}

impl Tracker {
    /// Adds the demo's indicators to the Strategic Plan once; returns what was stored (all
    /// zeros when they are there already, or when the framework is not loaded).
    ///
    /// # Errors
    /// The store fails.
    pub async fn load_demo_indicators(&self) -> ServiceResult<DemoIndicatorSummary> {
        let mut summary = DemoIndicatorSummary::default();
        let Some(fw) = self
            .store
            .framework(demo_indicators::INDICATOR_FRAMEWORK)
            .await?
        else {
            return Ok(summary);
        };
        let existing = self.store.indicators(fw.id).await?;
        if existing
            .iter()
            .any(|i| i.code.starts_with(demo_indicators::DEMO_CODE_PREFIX))
        {
            return Ok(summary);
        }
        let user = self.demo_account().await?;

        let nodes = self.store.nodes(fw.id).await?;
        let parents: HashMap<&str, Option<&str>> = nodes
            .iter()
            .map(|n| (n.code.as_str(), n.parent.as_deref()))
            .collect();
        let root_of = |code: &str| {
            let mut code = code;
            // The tree is shallow; the bound only guards against a cycle in bad data.
            for _ in 0..16 {
                match parents.get(code).copied().flatten() {
                    Some(parent) => code = parent,
                    None => break,
                }
            }
            code.to_owned()
        };
        let mut goals: Vec<demo_indicators::GoalMeasures> = nodes
            .iter()
            .filter(|n| n.parent.is_none() && !n.is_measure)
            .map(|n| demo_indicators::GoalMeasures {
                goal: n.code.clone(),
                measures: Vec::new(),
            })
            .collect();
        for node in nodes.iter().filter(|n| n.is_measure) {
            let root = root_of(&node.code);
            if let Some(goal) = goals.iter_mut().find(|g| g.goal == root) {
                goal.measures.push(node.code.clone());
            }
        }
        let node_ids: HashMap<&str, i32> = nodes.iter().map(|n| (n.code.as_str(), n.id)).collect();

        let joined: HashMap<StateCode, chrono::NaiveDate> = self
            .store
            .member_states()
            .await?
            .into_iter()
            .map(|s| (s.code, s.joined_on))
            .collect();
        let participants: Vec<demo_indicators::DemoParticipant> =
            participants_as_of(&self.store.participations(fw.id).await?, fw.start_date)
                .into_iter()
                .filter_map(|state| {
                    joined
                        .get(&state)
                        .map(|joined_on| demo_indicators::DemoParticipant {
                            joined_on: *joined_on,
                            state,
                        })
                })
                .collect();

        let set = demo_indicators::scenario(&goals, &participants, now());

        let mut ids: HashMap<String, i32> = HashMap::new();
        for d in &set.indicators {
            let Some(node_id) = node_ids.get(d.measure.as_str()) else {
                continue;
            };
            let new = NewIndicator {
                code: &d.code,
                title: &d.title,
                unit: &d.unit,
                direction: d.direction.as_str(),
                decimals: i16::from(d.decimals),
                node_id: *node_id,
                source: None,
                note: Some(&d.note),
            };
            let record = self
                .store
                .create_indicator(
                    fw.id,
                    &new,
                    user.id,
                    audit_by(&user, actions::INDICATOR_CREATE, &fw.code),
                    d.recorded_at,
                )
                .await?;
            ids.insert(record.code, record.id);
            summary.indicators += 1;
        }

        for t in &set.targets {
            let Some(indicator_id) = ids.get(&t.indicator) else {
                continue;
            };
            let new = NewTarget {
                indicator_id: *indicator_id,
                scope: &t.scope,
                baseline_year: t.baseline_year,
                baseline_value: t.baseline_value,
                target_year: t.target_year,
                target_value: t.target_value,
                note: Some(&t.note),
            };
            self.store
                .add_target(
                    fw.id,
                    &new,
                    user.id,
                    audit_by(&user, actions::INDICATOR_TARGET, &fw.code),
                    t.recorded_at,
                )
                .await?;
            summary.targets += 1;
        }

        // One request per recorder and instant, in the generator's order within each.
        let mut groups: Vec<(Recorder, Vec<NewObservation<'_>>)> = Vec::new();
        for o in &set.observations {
            let Some(indicator_id) = ids.get(&o.indicator) else {
                continue;
            };
            let recorder = match (&o.scope, o.awaiting_validation) {
                (Scope::State(state), true) => Some(state.clone()),
                _ => None,
            };
            let key = (recorder, o.recorded_at);
            let row = NewObservation {
                indicator_id: *indicator_id,
                scope: &o.scope,
                year: o.year,
                value: o.value,
                source: None,
                note: Some(&o.note),
            };
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, rows)) => rows.push(row),
                None => groups.push((key, vec![row])),
            }
        }
        groups.sort_by(|((a_state, a_at), _), ((b_state, b_at), _)| {
            (a_at, a_state).cmp(&(b_at, b_state))
        });
        for ((recorder, recorded_at), rows) in groups {
            let by = match &recorder {
                Some(state) => self.demo_focal_point(state).await?,
                None => user.clone(),
            };
            let options = ObservationOptions {
                by: by.id,
                validated_on_entry: recorder.is_none(),
                override_lock: false,
            };
            summary.observations += self
                .store
                .record_observations(
                    fw.id,
                    &rows,
                    options,
                    audit_by(&by, actions::OBSERVATION_RECORD, &fw.code),
                    recorded_at,
                )
                .await?
                .len();
        }
        Ok(summary)
    }

    /// The disabled `demo` account, created on first use (as [`Tracker::load_demo`] does).
    async fn demo_account(&self) -> ServiceResult<User> {
        if let Some(user) = self.store.user_by_name(demo::DEMO_USER).await? {
            return Ok(user);
        }
        Ok(self
            .store
            .add_user(
                NewUser {
                    name: demo::DEMO_USER,
                    role: Role::Secretariat,
                    state: None,
                    disabled: true,
                    token: None,
                    password_hash: None,
                    email: Some(demo::DEMO_SECRETARIAT_EMAIL),
                    audit: None,
                },
                now(),
            )
            .await?)
    }
}
