//! Reads the web pages need beyond the API's: the activities of a framework (work-plan
//! activities, projects, the 2017 milestones) with the nodes they serve and their latest
//! status, and the ids of a framework's latest status reports. Nothing here writes.

use std::collections::HashMap;

use entity::{
    activities, activity_nodes, activity_status_reports, sectoral_bodies, status_reports,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{Store, StoreError, StoreResult};
use crate::domain::{ActivityLine, ActivityStatus, Scope};

impl Store {
    /// Every activity of a framework, in id order, with its nodes (codes) and latest status.
    ///
    /// # Errors
    /// The database fails or holds a status that is not one.
    pub async fn activities(&self, framework_id: i32) -> StoreResult<Vec<ActivityLine>> {
        let rows = activities::Entity::find()
            .filter(activities::Column::FrameworkId.eq(framework_id))
            .order_by_asc(activities::Column::Id)
            .all(self.conn())
            .await?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i32> = rows.iter().map(|a| a.id).collect();
        let node_codes: HashMap<i32, String> = self
            .nodes(framework_id)
            .await?
            .into_iter()
            .map(|n| (n.id, n.code))
            .collect();
        let bodies: HashMap<i32, (String, String)> = sectoral_bodies::Entity::find()
            .all(self.conn())
            .await?
            .into_iter()
            .map(|b| (b.id, (b.code, b.name)))
            .collect();
        let mut links: HashMap<i32, Vec<String>> = HashMap::new();
        let mut statuses: HashMap<i32, activity_status_reports::Model> = HashMap::new();
        for chunk in ids.chunks(500) {
            for link in activity_nodes::Entity::find()
                .filter(activity_nodes::Column::ActivityId.is_in(chunk.iter().copied()))
                .all(self.conn())
                .await?
            {
                if let Some(code) = node_codes.get(&link.node_id) {
                    links
                        .entry(link.activity_id)
                        .or_default()
                        .push(code.clone());
                }
            }
            for report in activity_status_reports::Entity::find()
                .filter(activity_status_reports::Column::ActivityId.is_in(chunk.iter().copied()))
                .all(self.conn())
                .await?
            {
                let newer = statuses.get(&report.activity_id).is_none_or(|known| {
                    (report.effective_date, report.recorded_at, report.id)
                        > (known.effective_date, known.recorded_at, known.id)
                });
                if newer {
                    statuses.insert(report.activity_id, report);
                }
            }
        }
        rows.into_iter()
            .map(|a| {
                let status = statuses
                    .remove(&a.id)
                    .map(|s| {
                        Ok::<_, StoreError>(ActivityStatus {
                            status: s.status.parse().map_err(|e: crate::domain::ParseError| {
                                StoreError::corrupt("activity_status_reports", e.0)
                            })?,
                            progress: s.progress.and_then(|p| u8::try_from(p).ok()),
                            effective_date: s.effective_date,
                            note: s.note,
                            evidence_url: s.evidence_url,
                            recorded_at: s.recorded_at,
                        })
                    })
                    .transpose()?;
                let mut nodes = links.remove(&a.id).unwrap_or_default();
                nodes.sort();
                Ok(ActivityLine {
                    id: a.id,
                    body: a.sectoral_body_id.and_then(|id| bodies.get(&id).cloned()),
                    kind: a.kind,
                    title: a.title,
                    year: a.year,
                    area: a.area,
                    source: a.source,
                    note: a.note,
                    nodes,
                    status,
                })
            })
            .collect()
    }

    /// The ids of a framework's latest `limit` status reports (of one scope, if given), the
    /// last recorded first.
    ///
    /// # Errors
    /// The database fails.
    pub async fn latest_report_ids(
        &self,
        framework_id: i32,
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
        let ids: Vec<i32> = query
            .order_by_desc(C::Id)
            .limit(limit)
            .into_tuple()
            .all(self.conn())
            .await?;
        Ok(ids.into_iter().map(i64::from).collect())
    }
}
