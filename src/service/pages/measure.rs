//! A strategic measure's page: its status in every scope, its history and its activities.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::super::{ServiceError, ServiceResult, Tracker};
use crate::domain::ActivityLine;
use crate::domain::{Framework, StatusReport};

/// A strategic measure's page.
#[derive(Debug, Clone)]
pub struct MeasurePage {
    pub framework: Framework,
    pub code: String,
    pub title: String,
    pub level: String,
    pub note: Option<String>,
    pub lead_bodies: Vec<String>,
    /// The nodes above it (code, level, title), from the top down.
    pub path: Vec<(String, String, String)>,
    pub status: super::super::MeasureStatus,
    /// Every report, the last recorded first.
    pub history: Vec<StatusReport>,
    /// Activities linked to the measure itself.
    pub activities: Vec<ActivityLine>,
    /// Activities linked to the nodes above it.
    pub context_activities: Vec<ActivityLine>,
}

impl Tracker {
    /// A strategic measure: its status in every scope as of `as_of`, its history, its
    /// activities.
    ///
    /// # Errors
    /// `UnknownFramework`, `UnknownMeasure`; the store fails.
    pub async fn measure_page(
        &self,
        framework: &str,
        code: &str,
        as_of: NaiveDate,
    ) -> ServiceResult<MeasurePage> {
        let status = self
            .measure_status(framework, code, as_of, None, crate::domain::Basis::Reported)
            .await?;
        let mut history = self.measure_history(framework, code, None).await?.reports;
        history.reverse();
        let fw = self.framework(framework).await?;
        let nodes = self.store.nodes(fw.id).await?;
        let by_code: HashMap<&str, &crate::domain::Node> =
            nodes.iter().map(|n| (n.code.as_str(), n)).collect();
        let Some(node) = by_code.get(code).copied() else {
            return Err(ServiceError::UnknownMeasure {
                framework: fw.code,
                code: code.to_owned(),
            });
        };
        let path: Vec<(String, String, String)> = super::super::catalog::ancestors(&by_code, code)
            .into_iter()
            .filter_map(|c| {
                by_code
                    .get(c.as_str())
                    .map(|n| (n.code.clone(), n.level.clone(), n.title.clone()))
            })
            .collect();
        let above: HashSet<&str> = path.iter().map(|(c, _, _)| c.as_str()).collect();
        let (mut activities, mut context_activities) = (Vec::new(), Vec::new());
        for activity in self.store.activities(fw.id).await? {
            if activity.nodes.iter().any(|n| n == code) {
                activities.push(activity);
            } else if activity.nodes.iter().any(|n| above.contains(n.as_str())) {
                context_activities.push(activity);
            }
        }
        Ok(MeasurePage {
            code: node.code.clone(),
            title: node.title.clone(),
            level: node.level.clone(),
            note: node.note.clone(),
            lead_bodies: node.lead_bodies.clone(),
            path,
            status,
            history,
            activities,
            context_activities,
            framework: fw,
        })
    }
}
