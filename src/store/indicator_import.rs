//! An indicator-definitions file stored in one transaction: the new indicators, then the
//! target revisions (of new or existing indicators), with one audit record, all or nothing.
//! The checks are the service's; here only what a concurrent writer could change is checked
//! again (an indicator code taken since).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{indicator_targets, indicators};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use super::governance::write_audit;
use super::{NewIndicator, Store, StoreError, StoreResult};
use crate::domain::{AuditEntry, Scope};

/// A target of a definitions file, naming its indicator by code (a new one or an existing).
#[derive(Debug, Clone)]
pub struct ImportedTarget<'a> {
    pub indicator: &'a str,
    pub scope: &'a Scope,
    pub baseline_year: i32,
    pub baseline_value: f64,
    pub target_year: i32,
    pub target_value: f64,
}

/// What a definitions import stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IndicatorImportOutcome {
    pub indicators: usize,
    pub targets: usize,
}

impl Store {
    /// Creates `new` indicators and appends `targets`, in one transaction with one audit
    /// record (`audit`, its detail completed with the counts).
    ///
    /// # Errors
    /// `Conflict` when a code of `new` is taken (nothing is stored); `NotFound` for a target
    /// of an indicator that is neither new nor in the framework; the database fails.
    pub async fn import_indicators(
        &self,
        framework_id: i32,
        new: &[NewIndicator<'_>],
        targets: &[ImportedTarget<'_>],
        by: Option<i32>,
        audit: AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<IndicatorImportOutcome> {
        let tx = self.begin_write().await?;
        super::figures::bump_revision(&tx, framework_id).await?;
        let mut ids: HashMap<String, i32> = indicators::Entity::find()
            .filter(indicators::Column::FrameworkId.eq(framework_id))
            .all(&tx)
            .await?
            .into_iter()
            .map(|m| (m.code, m.id))
            .collect();
        for indicator in new {
            if ids.contains_key(indicator.code) {
                return Err(StoreError::Conflict(format!(
                    "the framework has an indicator `{}` already",
                    indicator.code
                )));
            }
            let m = indicators::ActiveModel {
                framework_id: Set(framework_id),
                code: Set(indicator.code.to_owned()),
                title: Set(indicator.title.to_owned()),
                unit: Set(indicator.unit.to_owned()),
                direction: Set(indicator.direction.to_owned()),
                decimals: Set(indicator.decimals),
                node_id: Set(indicator.node_id),
                source: Set(indicator.source.map(str::to_owned)),
                note: Set(indicator.note.map(str::to_owned)),
                retired: Set(false),
                created_by: Set(by),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&tx)
            .await?;
            ids.insert(m.code, m.id);
        }
        for target in targets {
            let indicator_id = *ids.get(target.indicator).ok_or_else(|| {
                StoreError::NotFound(format!("no indicator `{}`", target.indicator))
            })?;
            indicator_targets::ActiveModel {
                indicator_id: Set(indicator_id),
                scope: Set(target.scope.to_string()),
                baseline_year: Set(target.baseline_year),
                baseline_value: Set(target.baseline_value),
                target_year: Set(target.target_year),
                target_value: Set(target.target_value),
                note: Set(None),
                recorded_by: Set(by),
                recorded_at: Set(now),
                ..Default::default()
            }
            .insert(&tx)
            .await?;
        }
        let outcome = IndicatorImportOutcome {
            indicators: new.len(),
            targets: targets.len(),
        };
        let mut detail = audit.detail.clone();
        if let Some(map) = detail.as_object_mut() {
            map.insert("indicators".into(), outcome.indicators.into());
            map.insert("targets".into(), outcome.targets.into());
        }
        let audit = audit
            .target(format!(
                "{} indicator(s), {} target(s)",
                outcome.indicators, outcome.targets
            ))
            .detail(detail);
        write_audit(&tx, &audit, now).await?;
        tx.commit().await?;
        Ok(outcome)
    }
}
