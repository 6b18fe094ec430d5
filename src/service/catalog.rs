//! Reading the catalogue: frameworks and their trees, measures, member states, participants.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::{ServiceError, ServiceResult, Tracker};
use crate::domain::{
    Framework, FrameworkSummary, MemberState, Node, StateCode, participants_as_of,
};
use crate::store::RetiredNode;

/// A framework with its nodes nested under their parents.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FrameworkTree {
    #[serde(flatten)]
    pub framework: Framework,
    pub measure_count: usize,
    pub nodes: Vec<TreeNode>,
    /// Nodes a framework file no longer lists (with when): their reports stay readable (a
    /// retired measure's status and history), the figures no longer count them.
    pub retired: Vec<RetiredNode>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TreeNode {
    pub code: String,
    pub level: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(extensions(("x-omitted-when-null" = json!(true))))]
    pub note: Option<String>,
    pub is_measure: bool,
    pub lead_bodies: Vec<String>,
    #[schema(no_recursion)]
    pub children: Vec<TreeNode>,
}

/// Filters on the measure list; all optional, combined with AND.
#[derive(Debug, Clone, Default)]
pub struct MeasureFilter {
    /// Only measures under this node (or the measure itself).
    pub node: Option<String>,
    /// Only measures led by this sectoral body.
    pub body: Option<String>,
    /// Case-insensitive text in the code or title.
    pub q: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeasureView {
    pub code: String,
    pub title: String,
    pub level: String,
    pub parent: Option<String>,
    /// Codes of the ancestors, from the top level down.
    pub path: Vec<String>,
    pub lead_bodies: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(extensions(("x-omitted-when-null" = json!(true))))]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ParticipantView {
    pub code: StateCode,
    pub name: String,
    pub from_date: NaiveDate,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Participants {
    pub framework: String,
    pub as_of: NaiveDate,
    pub count: usize,
    pub participants: Vec<ParticipantView>,
}

/// Ancestor codes of `code`, from the top level down.
pub(super) fn ancestors(by_code: &HashMap<&str, &Node>, code: &str) -> Vec<String> {
    let mut path = Vec::new();
    let mut current = by_code.get(code).and_then(|n| n.parent.as_deref());
    while let Some(parent) = current {
        path.push(parent.to_owned());
        current = by_code.get(parent).and_then(|n| n.parent.as_deref());
    }
    path.reverse();
    path
}

impl Tracker {
    /// The framework with this code.
    ///
    /// # Errors
    /// `UnknownFramework`, or the store fails.
    pub async fn framework(&self, code: &str) -> ServiceResult<Framework> {
        self.store
            .framework(code)
            .await?
            .ok_or_else(|| ServiceError::UnknownFramework(code.to_owned()))
    }

    /// Every framework with its measure count.
    ///
    /// # Errors
    /// The store fails.
    pub async fn frameworks(&self) -> ServiceResult<Vec<FrameworkSummary>> {
        Ok(self.store.frameworks().await?)
    }

    /// A framework with its whole tree.
    ///
    /// # Errors
    /// `UnknownFramework`, or the store fails.
    pub async fn framework_tree(&self, code: &str) -> ServiceResult<FrameworkTree> {
        let framework = self.framework(code).await?;
        let nodes = self.store.current_nodes(framework.id).await?;
        let retired = self.store.retired_nodes(framework.id).await?;
        let measure_count = nodes.iter().filter(|n| n.is_measure).count();
        let mut children: HashMap<Option<&str>, Vec<&Node>> = HashMap::new();
        for node in &nodes {
            children
                .entry(node.parent.as_deref())
                .or_default()
                .push(node);
        }
        fn build(node: &Node, children: &HashMap<Option<&str>, Vec<&Node>>) -> TreeNode {
            TreeNode {
                code: node.code.clone(),
                level: node.level.clone(),
                title: node.title.clone(),
                note: node.note.clone(),
                is_measure: node.is_measure,
                lead_bodies: node.lead_bodies.clone(),
                children: children
                    .get(&Some(node.code.as_str()))
                    .map(|kids| kids.iter().map(|k| build(k, children)).collect())
                    .unwrap_or_default(),
            }
        }
        let roots = children
            .get(&None)
            .map(|roots| roots.iter().map(|r| build(r, &children)).collect())
            .unwrap_or_default();
        Ok(FrameworkTree {
            framework,
            measure_count,
            nodes: roots,
            retired,
        })
    }

    /// The strategic measures of a framework, filtered.
    ///
    /// # Errors
    /// `UnknownFramework`, `UnknownNode`, `UnknownBody`, or the store fails.
    pub async fn measures(
        &self,
        framework: &str,
        filter: &MeasureFilter,
    ) -> ServiceResult<Vec<MeasureView>> {
        let fw = self.framework(framework).await?;
        let nodes = self.store.current_nodes(fw.id).await?;
        let by_code: HashMap<&str, &Node> = nodes.iter().map(|n| (n.code.as_str(), n)).collect();
        if let Some(node) = &filter.node
            && !by_code.contains_key(node.as_str())
        {
            return Err(ServiceError::UnknownNode {
                framework: fw.code,
                code: node.clone(),
            });
        }
        if let Some(body) = &filter.body {
            let bodies = self.store.sectoral_bodies().await?;
            if !bodies.iter().any(|b| b.code.eq_ignore_ascii_case(body)) {
                return Err(ServiceError::UnknownBody(body.clone()));
            }
        }
        let q = filter.q.as_ref().map(|q| q.to_lowercase());
        Ok(nodes
            .iter()
            .filter(|n| n.is_measure)
            .map(|n| (n, ancestors(&by_code, &n.code)))
            .filter(|(n, path)| {
                filter
                    .node
                    .as_ref()
                    .is_none_or(|node| &n.code == node || path.contains(node))
            })
            .filter(|(n, _)| {
                filter
                    .body
                    .as_ref()
                    .is_none_or(|b| n.lead_bodies.iter().any(|l| l.eq_ignore_ascii_case(b)))
            })
            .filter(|(n, _)| {
                q.as_ref().is_none_or(|q| {
                    n.code.to_lowercase().contains(q) || n.title.to_lowercase().contains(q)
                })
            })
            .map(|(n, path)| MeasureView {
                code: n.code.clone(),
                title: n.title.clone(),
                level: n.level.clone(),
                parent: n.parent.clone(),
                path,
                lead_bodies: n.lead_bodies.clone(),
                note: n.note.clone(),
            })
            .collect())
    }

    /// Checks that `code` is an ASEAN member state.
    ///
    /// # Errors
    /// `UnknownState`, or the store fails.
    pub async fn ensure_member_state(&self, code: &StateCode) -> ServiceResult<()> {
        if self
            .store
            .member_states()
            .await?
            .iter()
            .any(|s| &s.code == code)
        {
            Ok(())
        } else {
            Err(ServiceError::UnknownState(code.to_string()))
        }
    }

    /// The member states.
    ///
    /// # Errors
    /// The store fails.
    pub async fn member_states(&self) -> ServiceResult<Vec<MemberState>> {
        Ok(self.store.member_states().await?)
    }

    /// The member states a framework counts on `as_of`.
    ///
    /// # Errors
    /// `UnknownFramework`, or the store fails.
    pub async fn participants(
        &self,
        framework: &str,
        as_of: NaiveDate,
    ) -> ServiceResult<Participants> {
        let fw = self.framework(framework).await?;
        let participations = self.store.participations(fw.id).await?;
        let states = self.store.member_states().await?;
        let participants = participants_as_of(&participations, as_of)
            .into_iter()
            .map(|code| {
                let name = states
                    .iter()
                    .find(|s| s.code == code)
                    .map(|s| s.name.clone())
                    .unwrap_or_default();
                let from_date = participations
                    .iter()
                    .filter(|p| p.state == code && p.active_on(as_of))
                    .map(|p| p.from_date)
                    .min()
                    .unwrap_or(fw.start_date);
                ParticipantView {
                    code,
                    name,
                    from_date,
                }
            })
            .collect::<Vec<_>>();
        Ok(Participants {
            framework: fw.code,
            as_of,
            count: participants.len(),
            participants,
        })
    }
}
