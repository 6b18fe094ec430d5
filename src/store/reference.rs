//! Loading the reference data. Idempotent: every row is matched on its natural key (codes,
//! titles) and inserted only when missing, so a restart never duplicates anything; changed
//! titles and dates are updated in place.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    activities, activity_nodes, activity_status_reports, frameworks, member_states, node_bodies,
    nodes, participations, sectoral_bodies,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter,
};

use super::{Store, StoreError, StoreResult, id_of};
use crate::domain::Status;
use crate::reference::{FrameworkSpec, MILESTONES_FRAMEWORK, MILESTONES_SOURCE, ReferenceData};

/// How many rows a load inserted (all zero on a second load of the same data).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LoadSummary {
    pub member_states: usize,
    pub sectoral_bodies: usize,
    pub frameworks: usize,
    pub nodes: usize,
    pub participations: usize,
    pub activities: usize,
    /// Shipped claims (published figures); set by the service, which loads them.
    pub claims: usize,
}

impl Store {
    /// Loads (or refreshes) the reference data in one transaction; `now` is recorded as the
    /// time the shipped activity statuses were recorded.
    ///
    /// # Errors
    /// The database fails, or the data names a body, node or framework that does not exist.
    pub async fn load_reference(
        &self,
        data: &ReferenceData,
        now: DateTime<Utc>,
    ) -> StoreResult<LoadSummary> {
        let tx = self.begin_write().await?;
        let mut summary = LoadSummary::default();

        for row in &data.member_states {
            let existing = member_states::Entity::find()
                .filter(member_states::Column::Code.eq(&row.code))
                .one(&tx)
                .await?;
            let mut model = match existing {
                Some(m) => m.into_active_model(),
                None => {
                    summary.member_states += 1;
                    <member_states::ActiveModel as Default>::default()
                }
            };
            model.code = Set(row.code.clone());
            model.iso2 = Set(row.iso2.clone());
            model.numeric_code = Set(row.numeric.clone());
            model.short_name = Set(row.short_name.clone());
            model.official_name = Set(row.official_name.clone());
            model.joined_on = Set(row.joined_on);
            model.save(&tx).await?;
        }

        let mut body_ids = HashMap::new();
        for row in &data.sectoral_bodies {
            let existing = sectoral_bodies::Entity::find()
                .filter(sectoral_bodies::Column::Code.eq(&row.code))
                .one(&tx)
                .await?;
            let mut model = match existing {
                Some(m) => m.into_active_model(),
                None => {
                    summary.sectoral_bodies += 1;
                    <sectoral_bodies::ActiveModel as Default>::default()
                }
            };
            model.code = Set(row.code.clone());
            model.name = Set(row.name.clone());
            model.senior_officials_body = Set(row.senior_officials_body.clone());
            model.sector = Set(row.sector.clone());
            let saved = model.save(&tx).await?;
            body_ids.insert(row.code.clone(), id_of(saved.id)?);
        }

        let mut framework_nodes = HashMap::new();
        for spec in &data.frameworks {
            // A framework an operator loaded from a file (`framework import`) is theirs: the
            // shipped tree would revert it, so it is left as it is.
            let imported = frameworks::Entity::find()
                .filter(frameworks::Column::Code.eq(&spec.framework.code))
                .filter(frameworks::Column::ImportedAt.is_not_null())
                .one(&tx)
                .await?;
            if let Some(framework) = imported {
                let ids = nodes::Entity::find()
                    .filter(nodes::Column::FrameworkId.eq(framework.id))
                    .all(&tx)
                    .await?
                    .into_iter()
                    .map(|n| (n.code, n.id))
                    .collect();
                framework_nodes.insert(spec.framework.code.clone(), (framework.id, ids));
                continue;
            }
            let (framework_id, start_date, created) = upsert_framework(&tx, spec).await?;
            summary.frameworks += usize::from(created);
            let (inserted, ids) = upsert_nodes(&tx, framework_id, spec, &body_ids).await?;
            summary.nodes += inserted;
            framework_nodes.insert(spec.framework.code.clone(), (framework_id, ids));
            summary.participations += default_participations(&tx, framework_id, start_date).await?;
        }

        if let Some((framework_id, node_ids)) = framework_nodes.get(MILESTONES_FRAMEWORK) {
            summary.activities +=
                load_milestones(&tx, *framework_id, node_ids, &body_ids, data, now).await?;
        }

        tx.commit().await?;
        Ok(summary)
    }
}

/// Default participation, set once when a framework first appears: every state that was a
/// member on the framework's start date, from that date. Later additions are an operator's
/// decision and are never overwritten. Returns how many were added.
pub(super) async fn default_participations(
    tx: &impl ConnectionTrait,
    framework_id: i32,
    start_date: NaiveDate,
) -> StoreResult<usize> {
    let has_participants = participations::Entity::find()
        .filter(participations::Column::FrameworkId.eq(framework_id))
        .count(tx)
        .await?
        > 0;
    if has_participants {
        return Ok(0);
    }
    let mut added = 0;
    for state in member_states::Entity::find().all(tx).await? {
        if state.joined_on <= start_date {
            participations::ActiveModel {
                framework_id: Set(framework_id),
                member_state_id: Set(state.id),
                from_date: Set(start_date),
                until_date: Set(None),
                ..Default::default()
            }
            .insert(tx)
            .await?;
            added += 1;
        }
    }
    Ok(added)
}

pub(super) async fn upsert_framework(
    tx: &impl ConnectionTrait,
    spec: &FrameworkSpec,
) -> StoreResult<(i32, NaiveDate, bool)> {
    let row = &spec.framework;
    let existing = frameworks::Entity::find()
        .filter(frameworks::Column::Code.eq(&row.code))
        .one(tx)
        .await?;
    let created = existing.is_none();
    let mut model = existing.map_or_else(<frameworks::ActiveModel as Default>::default, |m| {
        m.into_active_model()
    });
    model.code = Set(row.code.clone());
    model.title = Set(row.title.clone());
    model.adopted_on = Set(row.adopted_on);
    model.adopted_at = Set(row.adopted_at.clone());
    model.start_date = Set(row.start_date);
    model.end_date = Set(row.end_date);
    model.levels = Set(row.levels.clone());
    model.reviews = Set(row.reviews.clone());
    model.note = Set(row.note.clone());
    let saved = model.save(tx).await?;
    let id = id_of(saved.id)?;
    // The tree or the participants may change with the data: figures kept in memory by any
    // server on this database must be rebuilt. Incremented in SQL, not from the value read,
    // so a report written meanwhile keeps its bump.
    frameworks::Entity::update_many()
        .col_expr(
            frameworks::Column::Revision,
            Expr::col(frameworks::Column::Revision).add(1),
        )
        .col_expr(
            frameworks::Column::TreeRevision,
            Expr::col(frameworks::Column::TreeRevision).add(1),
        )
        .filter(frameworks::Column::Id.eq(id))
        .exec(tx)
        .await?;
    Ok((id, row.start_date, created))
}

/// Inserts or updates the nodes of a tree (bringing back any it lists that had been retired);
/// returns how many were inserted and every node's id.
pub(super) async fn upsert_nodes(
    tx: &impl ConnectionTrait,
    framework_id: i32,
    spec: &FrameworkSpec,
    body_ids: &HashMap<String, i32>,
) -> StoreResult<(usize, HashMap<String, i32>)> {
    let mut existing: HashMap<String, nodes::Model> = nodes::Entity::find()
        .filter(nodes::Column::FrameworkId.eq(framework_id))
        .all(tx)
        .await?
        .into_iter()
        .map(|n| (n.code.clone(), n))
        .collect();
    let levels = spec.level_names();
    let measure_level = levels.last().copied().unwrap_or_default();
    let mut ids: HashMap<String, i32> = HashMap::new();
    let mut inserted = 0;
    for (position, row) in spec.nodes.iter().enumerate() {
        let parent_id = match &row.parent_code {
            None => None,
            Some(code) => Some(*ids.get(code).ok_or_else(|| {
                StoreError::Conflict(format!("parent `{code}` of `{}` is unknown", row.code))
            })?),
        };
        let depth = spec.depth_of(&row.level).unwrap_or_default();
        let mut model = match existing.remove(&row.code) {
            Some(m) => m.into_active_model(),
            None => {
                inserted += 1;
                <nodes::ActiveModel as Default>::default()
            }
        };
        model.framework_id = Set(framework_id);
        model.parent_id = Set(parent_id);
        model.code = Set(row.code.clone());
        model.level = Set(row.level.clone());
        model.depth = Set(i16::try_from(depth).unwrap_or(i16::MAX));
        model.position = Set(i32::try_from(position).unwrap_or(i32::MAX));
        model.title = Set(row.title.clone());
        model.note = Set(row.note.clone());
        model.is_measure = Set(row.level == measure_level);
        model.retired_at = Set(None);
        let saved = model.save(tx).await?;
        let node_id = id_of(saved.id)?;
        ids.insert(row.code.clone(), node_id);

        for body in row
            .lead_bodies
            .iter()
            .flat_map(|s| s.split(';'))
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let body_id = *body_ids.get(body).ok_or_else(|| {
                StoreError::Conflict(format!("unknown sectoral body `{body}` for `{}`", row.code))
            })?;
            let linked = node_bodies::Entity::find_by_id((node_id, body_id))
                .one(tx)
                .await?
                .is_some();
            if !linked {
                node_bodies::ActiveModel {
                    node_id: Set(node_id),
                    sectoral_body_id: Set(body_id),
                }
                .insert(tx)
                .await?;
            }
        }
    }
    Ok((inserted, ids))
}

/// The 2017 milestones: completed activities of their sectoral bodies, linked to the Blueprint
/// element they serve, effective at the end of 2017.
async fn load_milestones(
    tx: &impl ConnectionTrait,
    framework_id: i32,
    node_ids: &HashMap<String, i32>,
    body_ids: &HashMap<String, i32>,
    data: &ReferenceData,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    let mut inserted = 0;
    for row in &data.milestones {
        let known = activities::Entity::find()
            .filter(activities::Column::FrameworkId.eq(framework_id))
            .filter(activities::Column::Kind.eq("milestone"))
            .filter(activities::Column::Title.eq(&row.title))
            .filter(activities::Column::Year.eq(row.year))
            .one(tx)
            .await?
            .is_some();
        if known {
            continue;
        }
        let body_id = *body_ids.get(&row.sectoral_body).ok_or_else(|| {
            StoreError::Conflict(format!("unknown sectoral body `{}`", row.sectoral_body))
        })?;
        let node_id = *node_ids.get(&row.element_code).ok_or_else(|| {
            StoreError::Conflict(format!("unknown element `{}`", row.element_code))
        })?;
        let activity = activities::ActiveModel {
            framework_id: Set(framework_id),
            sectoral_body_id: Set(Some(body_id)),
            kind: Set("milestone".into()),
            title: Set(row.title.clone()),
            year: Set(Some(row.year)),
            area: Set(Some(row.area.clone())),
            source: Set(Some(MILESTONES_SOURCE.into())),
            note: Set(row.element_mapping.clone()),
            ..Default::default()
        }
        .insert(tx)
        .await?;
        activity_nodes::ActiveModel {
            activity_id: Set(activity.id),
            node_id: Set(node_id),
        }
        .insert(tx)
        .await?;
        let end_of_year = NaiveDate::from_ymd_opt(row.year, 12, 31)
            .ok_or_else(|| StoreError::Conflict(format!("bad milestone year {}", row.year)))?;
        activity_status_reports::ActiveModel {
            activity_id: Set(activity.id),
            status: Set(Status::Completed.as_str().into()),
            progress: Set(None),
            effective_date: Set(end_of_year),
            note: Set(Some(format!("Reported as a {} milestone", row.year))),
            evidence_url: Set(None),
            recorded_by: Set(None),
            recorded_at: Set(now),
            ..Default::default()
        }
        .insert(tx)
        .await?;
        inserted += 1;
    }
    Ok(inserted)
}
