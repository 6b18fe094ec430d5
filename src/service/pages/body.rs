//! A sectoral body's page: the measures it leads in each framework, with their rates.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::super::{ServiceError, ServiceResult, Tracker};
use crate::demo;
use crate::domain::ActivityLine;
use crate::domain::{Framework, Scope, SectoralBody};
use crate::engine::Rate;

/// A sectoral body's page.
#[derive(Debug, Clone)]
pub struct BodyPage {
    pub body: SectoralBody,
    /// Per framework: the measures it leads, and its activities.
    pub frameworks: Vec<BodyFramework>,
}

#[derive(Debug, Clone)]
pub struct BodyFramework {
    pub framework: Framework,
    pub measures: Vec<super::super::MeasureView>,
    /// Regional figures over the measures it leads (none when it leads none).
    pub regional: Option<Rate>,
    pub activities: Vec<ActivityLine>,
    /// Titles of the nodes its activities serve, by code.
    pub node_titles: HashMap<String, String>,
}

impl Tracker {
    /// A sectoral body: the measures it leads and its activities, per framework.
    ///
    /// # Errors
    /// `UnknownBody`; the store fails.
    pub async fn body_page(&self, code: &str, as_of: NaiveDate) -> ServiceResult<BodyPage> {
        let Some(body) = self
            .store
            .sectoral_bodies()
            .await?
            .into_iter()
            .find(|b| b.code.eq_ignore_ascii_case(code))
        else {
            return Err(ServiceError::UnknownBody(code.to_owned()));
        };
        let mut frameworks = Vec::new();
        for summary in self.store.frameworks().await? {
            let fw = summary.framework;
            if fw.code == demo::synthetic::SYNTHETIC_FRAMEWORK {
                continue;
            }
            let measures = self
                .measures(
                    &fw.code,
                    &super::super::MeasureFilter {
                        body: Some(body.code.clone()),
                        ..super::super::MeasureFilter::default()
                    },
                )
                .await?;
            let regional = if measures.is_empty() {
                None
            } else {
                let query = super::super::FigureQuery {
                    as_of: Some(as_of),
                    body: Some(body.code.clone()),
                    ..super::super::FigureQuery::default()
                };
                Some(
                    self.progress(&fw.code, &Scope::Asean, &query, as_of)
                        .await?
                        .progress
                        .overall,
                )
            };
            let activities: Vec<ActivityLine> = self
                .store
                .activities(fw.id)
                .await?
                .into_iter()
                .filter(|a| a.body.as_ref().is_some_and(|(c, _)| c == &body.code))
                .collect();
            if measures.is_empty() && activities.is_empty() {
                continue;
            }
            let node_titles = self
                .store
                .nodes(fw.id)
                .await?
                .into_iter()
                .map(|n| (n.code, n.title))
                .collect();
            frameworks.push(BodyFramework {
                framework: fw,
                measures,
                regional,
                activities,
                node_titles,
            });
        }
        Ok(BodyPage { body, frameworks })
    }
}
