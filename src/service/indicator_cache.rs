//! The indicators of a framework held in memory, as the status figures are: read once from the
//! store, kept until the framework's revision changes (every write of an indicator, a target,
//! an observation or its review bumps it, in the same transaction), then read again whole.
//! A read costs one revision query and the engine's arithmetic; an indicator's progress over
//! 12 scopes × 10 years does not go back to the database row by row.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use super::indicators::{indicator_from, observation_from, target_from};
use super::{ServiceResult, Tracker};
use crate::domain::{Framework, Indicator, Observation, Target};
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
        let records = self.store.indicators(fw.id).await?;
        let codes: HashMap<i32, String> = records.iter().map(|r| (r.id, r.code.clone())).collect();
        let mut targets: HashMap<i32, Vec<Target>> = HashMap::new();
        for t in self.store.targets(fw.id).await? {
            let Some(code) = codes.get(&t.indicator_id) else {
                continue;
            };
            targets
                .entry(t.indicator_id)
                .or_default()
                .push(target_from(t, code));
        }
        let mut observations: HashMap<i32, Vec<Observation>> = HashMap::new();
        for o in self.store.observations(fw.id).await? {
            let Some(code) = codes.get(&o.indicator_id) else {
                continue;
            };
            observations
                .entry(o.indicator_id)
                .or_default()
                .push(observation_from(o, code));
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
