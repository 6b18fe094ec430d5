//! Reading the catalogue: frameworks, their node trees, member states, sectoral bodies and
//! participation.

use std::collections::HashMap;

use entity::{
    activities, activity_nodes, activity_status_reports, frameworks, member_states, node_bodies,
    nodes, participations, sectoral_bodies,
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use super::{Store, StoreError, StoreResult};
use crate::domain::{
    Framework, FrameworkSummary, MemberState, Node, Participation, SectoralBody, StateCode,
};

/// A node a framework file no longer lists: its reports stay readable, the figures no longer
/// count it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct RetiredNode {
    pub code: String,
    pub level: String,
    pub title: String,
    pub parent: Option<String>,
    pub is_measure: bool,
    pub retired_at: chrono::DateTime<chrono::Utc>,
}

pub(super) fn framework_from(m: frameworks::Model) -> Framework {
    let split = |s: &str, sep: char| -> Vec<String> {
        s.split(sep)
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect()
    };
    Framework {
        id: m.id,
        levels: split(&m.levels, '/'),
        reviews: split(&m.reviews, ';'),
        code: m.code,
        title: m.title,
        adopted_on: m.adopted_on,
        adopted_at: m.adopted_at,
        start_date: m.start_date,
        end_date: m.end_date,
        note: m.note,
    }
}

pub(super) fn state_code(table: &'static str, code: &str) -> StoreResult<StateCode> {
    code.parse()
        .map_err(|e: crate::domain::ParseError| StoreError::corrupt(table, e.0))
}

impl Store {
    /// Every framework with its number of strategic measures, by start date.
    ///
    /// # Errors
    /// The database fails.
    pub async fn frameworks(&self) -> StoreResult<Vec<FrameworkSummary>> {
        let rows = frameworks::Entity::find()
            .order_by_asc(frameworks::Column::StartDate)
            .all(self.conn())
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let measure_count = nodes::Entity::find()
                .filter(nodes::Column::FrameworkId.eq(row.id))
                .filter(nodes::Column::IsMeasure.eq(true))
                .filter(nodes::Column::RetiredAt.is_null())
                .count(self.conn())
                .await?;
            out.push(FrameworkSummary {
                framework: framework_from(row),
                measure_count: usize::try_from(measure_count).unwrap_or(usize::MAX),
            });
        }
        Ok(out)
    }

    /// The framework with this code, if any.
    ///
    /// # Errors
    /// The database fails.
    pub async fn framework(&self, code: &str) -> StoreResult<Option<Framework>> {
        Ok(frameworks::Entity::find()
            .filter(frameworks::Column::Code.eq(code))
            .one(self.conn())
            .await?
            .map(framework_from))
    }

    /// The framework with this code and its revisions, read together (one query on the
    /// write path).
    ///
    /// # Errors
    /// The database fails.
    pub async fn framework_and_revision(
        &self,
        code: &str,
    ) -> StoreResult<Option<(Framework, super::Revision)>> {
        Ok(frameworks::Entity::find()
            .filter(frameworks::Column::Code.eq(code))
            .one(self.conn())
            .await?
            .map(|m| {
                let revision = super::Revision {
                    figures: m.revision,
                    tree: m.tree_revision,
                };
                (framework_from(m), revision)
            }))
    }

    /// The nodes of a framework in tree order (parents before children, siblings in file order),
    /// each with its parent's code and its lead bodies: the current ones and those retired from
    /// the tree (which reports may still name: see [`Store::current_nodes`]).
    ///
    /// # Errors
    /// The database fails.
    pub async fn nodes(&self, framework_id: i32) -> StoreResult<Vec<Node>> {
        self.nodes_where(framework_id, false).await
    }

    /// The nodes of a framework's current tree, without the retired ones: what the figures
    /// count and the tree shows.
    ///
    /// # Errors
    /// The database fails.
    pub async fn current_nodes(&self, framework_id: i32) -> StoreResult<Vec<Node>> {
        self.nodes_where(framework_id, true).await
    }

    /// The nodes a framework file no longer lists, with when they left the tree, in tree
    /// order.
    ///
    /// # Errors
    /// The database fails.
    pub async fn retired_nodes(&self, framework_id: i32) -> StoreResult<Vec<RetiredNode>> {
        let all = nodes::Entity::find()
            .filter(nodes::Column::FrameworkId.eq(framework_id))
            .order_by_asc(nodes::Column::Position)
            .all(self.conn())
            .await?;
        let codes: HashMap<i32, String> = all.iter().map(|n| (n.id, n.code.clone())).collect();
        Ok(all
            .into_iter()
            .filter_map(|n| {
                let retired_at = n.retired_at?;
                Some(RetiredNode {
                    parent: n.parent_id.and_then(|p| codes.get(&p).cloned()),
                    code: n.code,
                    level: n.level,
                    title: n.title,
                    is_measure: n.is_measure,
                    retired_at,
                })
            })
            .collect())
    }

    async fn nodes_where(&self, framework_id: i32, current_only: bool) -> StoreResult<Vec<Node>> {
        let mut query = nodes::Entity::find().filter(nodes::Column::FrameworkId.eq(framework_id));
        if current_only {
            query = query.filter(nodes::Column::RetiredAt.is_null());
        }
        let rows = query
            .order_by_asc(nodes::Column::Position)
            .all(self.conn())
            .await?;
        let codes: HashMap<i32, String> = rows.iter().map(|n| (n.id, n.code.clone())).collect();
        let bodies: HashMap<i32, String> = sectoral_bodies::Entity::find()
            .all(self.conn())
            .await?
            .into_iter()
            .map(|b| (b.id, b.code))
            .collect();
        let mut leads: HashMap<i32, Vec<String>> = HashMap::new();
        for link in node_bodies::Entity::find()
            .filter(node_bodies::Column::NodeId.is_in(codes.keys().copied()))
            .all(self.conn())
            .await?
        {
            if let Some(code) = bodies.get(&link.sectoral_body_id) {
                leads.entry(link.node_id).or_default().push(code.clone());
            }
        }
        Ok(rows
            .into_iter()
            .map(|n| {
                let mut lead_bodies = leads.remove(&n.id).unwrap_or_default();
                lead_bodies.sort();
                Node {
                    id: n.id,
                    parent: n.parent_id.and_then(|p| codes.get(&p).cloned()),
                    depth: u16::try_from(n.depth).unwrap_or_default(),
                    code: n.code,
                    level: n.level,
                    title: n.title,
                    note: n.note,
                    is_measure: n.is_measure,
                    lead_bodies,
                }
            })
            .collect())
    }

    /// The member states, in code order.
    ///
    /// # Errors
    /// The database fails or holds a malformed code.
    pub async fn member_states(&self) -> StoreResult<Vec<MemberState>> {
        member_states::Entity::find()
            .order_by_asc(member_states::Column::Code)
            .all(self.conn())
            .await?
            .into_iter()
            .map(|m| {
                Ok(MemberState {
                    id: m.id,
                    code: state_code("member_states", &m.code)?,
                    iso2: m.iso2,
                    numeric_code: m.numeric_code,
                    name: m.short_name,
                    official_name: m.official_name,
                    joined_on: m.joined_on,
                })
            })
            .collect()
    }

    /// The sectoral bodies, in code order.
    ///
    /// # Errors
    /// The database fails.
    pub async fn sectoral_bodies(&self) -> StoreResult<Vec<SectoralBody>> {
        Ok(sectoral_bodies::Entity::find()
            .order_by_asc(sectoral_bodies::Column::Code)
            .all(self.conn())
            .await?
            .into_iter()
            .map(|b| SectoralBody {
                id: b.id,
                code: b.code,
                name: b.name,
                senior_officials_body: b.senior_officials_body,
                sector: b.sector,
            })
            .collect())
    }

    /// Which member states a framework counts, and from when.
    ///
    /// # Errors
    /// The database fails.
    pub async fn participations(&self, framework_id: i32) -> StoreResult<Vec<Participation>> {
        let states: HashMap<i32, String> = member_states::Entity::find()
            .all(self.conn())
            .await?
            .into_iter()
            .map(|m| (m.id, m.code))
            .collect();
        participations::Entity::find()
            .filter(participations::Column::FrameworkId.eq(framework_id))
            .order_by_asc(participations::Column::FromDate)
            .all(self.conn())
            .await?
            .into_iter()
            .map(|p| {
                let code = states.get(&p.member_state_id).ok_or_else(|| {
                    StoreError::corrupt("participations", "unknown member state id")
                })?;
                Ok(Participation {
                    state: state_code("participations", code)?,
                    from_date: p.from_date,
                    until_date: p.until_date,
                })
            })
            .collect()
    }

    /// How many activities, activity↔node links and activity status reports are stored.
    ///
    /// # Errors
    /// The database fails.
    pub async fn count_activities(&self) -> StoreResult<(u64, u64, u64)> {
        Ok((
            activities::Entity::find().count(self.conn()).await?,
            activity_nodes::Entity::find().count(self.conn()).await?,
            activity_status_reports::Entity::find()
                .count(self.conn())
                .await?,
        ))
    }
}
