//! The indicators of a framework held in memory, as the status figures are: read once from the
//! store, kept until the framework's revision changes (every write of an indicator, a target,
//! an observation or its review bumps it, in the same transaction), then brought up to date
//! with only what was added since: targets, observations and reviews are append-only, so the
//! rows after the last id taken in are all that is new (the indicators themselves, a few
//! hundred rows, are read again). A read costs one revision query and the engine's arithmetic.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use super::indicators::{indicator_from, observation_from, target_from};
use super::{ServiceResult, Tracker};
use crate::domain::{Framework, Indicator, Observation, Target, Validation, ValidationState};
use crate::store::{IndicatorRecord, Revision};

/// A framework's indicators, targets and observations at one revision.
pub(super) struct IndicatorData {
    pub revision: Revision,
    pub records: Vec<IndicatorRecord>,
    /// The indicators, in the order of `records`.
    pub indicators: Vec<Indicator>,
    /// Every target row per indicator id, first recorded first.
    pub targets: HashMap<i32, Vec<Target>>,
    /// Every observation per indicator id, first recorded first.
    pub observations: HashMap<i32, Vec<Observation>>,
    /// Where each observation id is in `observations` (indicator id, index).
    positions: HashMap<i64, (i32, usize)>,
    /// The last ids taken in.
    last_target: i32,
    last_observation: i32,
    last_review: i32,
}

impl IndicatorData {
    pub fn targets_of(&self, indicator_id: i32) -> &[Target] {
        self.targets.get(&indicator_id).map_or(&[], Vec::as_slice)
    }

    pub fn observations_of(&self, indicator_id: i32) -> &[Observation] {
        self.observations
            .get(&indicator_id)
            .map_or(&[], Vec::as_slice)
    }

    /// The record and indicator of a code.
    pub fn find(&self, code: &str) -> Option<(&IndicatorRecord, &Indicator)> {
        self.records
            .iter()
            .zip(&self.indicators)
            .find(|(r, _)| r.code == code.trim())
    }
}

/// The data kept per framework id, and a lock so that one request reads the store at a time;
/// shared by the tracker's clones.
#[derive(Default, Clone)]
pub(super) struct IndicatorCache(Arc<Kept>);

#[derive(Default)]
struct Kept {
    kept: Mutex<HashMap<i32, Arc<IndicatorData>>>,
    refresh: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for IndicatorCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IndicatorCache")
    }
}

impl IndicatorCache {
    fn current(&self, framework_id: i32, revision: Revision) -> Option<Arc<IndicatorData>> {
        self.0
            .kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&framework_id)
            .filter(|d| d.revision == revision)
            .cloned()
    }
}

impl Tracker {
    /// The framework's indicators at the store's current revision.
    ///
    /// # Errors
    /// The store fails, or holds a direction it does not know.
    pub(super) async fn indicator_data(&self, fw: &Framework) -> ServiceResult<Arc<IndicatorData>> {
        let revision = self.store.framework_revision(fw.id).await?;
        if let Some(data) = self.indicator_cache.current(fw.id, revision) {
            return Ok(data);
        }
        let _refreshing = self.indicator_cache.0.refresh.lock().await;
        // Read the revision again under the lock: what is read below is at least as new.
        let revision = self.store.framework_revision(fw.id).await?;
        if let Some(data) = self.indicator_cache.current(fw.id, revision) {
            return Ok(data);
        }
        let kept = self
            .indicator_cache
            .0
            .kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&fw.id)
            .cloned();
        let records = self.store.indicators(fw.id).await?;
        let codes: HashMap<i32, String> = records.iter().map(|r| (r.id, r.code.clone())).collect();
        let (mut targets, mut observations, mut positions, after) = match &kept {
            Some(d) => (
                d.targets.clone(),
                d.observations.clone(),
                d.positions.clone(),
                (d.last_target, d.last_observation, d.last_review),
            ),
            None => (HashMap::new(), HashMap::new(), HashMap::new(), (0, 0, 0)),
        };
        let (mut last_target, mut last_observation, mut last_review) = after;
        // Targets, then observations, then reviews: a review of an observation read here is
        // either attached to it or among the reviews read after.
        for t in self.store.targets_after(fw.id, last_target).await? {
            last_target = last_target.max(t.id);
            let Some(code) = codes.get(&t.indicator_id) else {
                continue;
            };
            targets
                .entry(t.indicator_id)
                .or_default()
                .push(target_from(t, code));
        }
        for o in self
            .store
            .observations_after(fw.id, last_observation)
            .await?
        {
            last_observation = last_observation.max(o.id);
            let Some(code) = codes.get(&o.indicator_id) else {
                continue;
            };
            let list: &mut Vec<Observation> = observations.entry(o.indicator_id).or_default();
            positions.insert(i64::from(o.id), (o.indicator_id, list.len()));
            list.push(observation_from(o, code));
        }
        // Every review after the last taken in (on a first read, all of them: those already
        // attached to their observation are applied again, to the same effect).
        let reviews = self
            .store
            .observation_reviews_after(fw.id, last_review)
            .await?;
        for r in reviews {
            last_review = last_review.max(r.id);
            let Some(&(indicator_id, index)) = positions.get(&i64::from(r.observation_id)) else {
                continue; // its observation comes with the next refresh, review attached
            };
            if let Some(o) = observations
                .get_mut(&indicator_id)
                .and_then(|list| list.get_mut(index))
            {
                o.validation = Validation {
                    state: r.state,
                    by: r.reviewed_by,
                    at: Some(r.reviewed_at),
                    reason: r.reason,
                    evidence_checked: r.state == ValidationState::Validated,
                };
            }
        }
        let indicators = records
            .iter()
            .cloned()
            .map(indicator_from)
            .collect::<ServiceResult<Vec<Indicator>>>()?;
        let data = Arc::new(IndicatorData {
            revision,
            records,
            indicators,
            targets,
            observations,
            positions,
            last_target,
            last_observation,
            last_review,
        });
        self.indicator_cache
            .0
            .kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(fw.id, Arc::clone(&data));
        Ok(data)
    }
}
