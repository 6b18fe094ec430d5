//! Exports: statuses as of a date, progress figures and reports' history, as CSV, XLSX or
//! SDMX-CSV.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::super::{ServiceError, ServiceResult, Tracker};
use super::{with_about, write_sheet};
use crate::domain::{Basis, FieldIssue, Node, Scope, participants_as_of};
use crate::transfer::{
    FileFormat,
    export::{self, ScopeProgress, StatusLine},
};

/// What an export is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExportWhat {
    /// Every measure × scope as of a date.
    #[default]
    Status,
    /// The progress figures of every scope as of a date.
    Progress,
    /// Every report (of one measure, or of the framework).
    History,
}

/// An export asked for.
#[derive(Debug, Clone, Default)]
pub struct ExportQuery {
    pub what: ExportWhat,
    /// `None`: CSV.
    pub format: Option<FileFormat>,
    pub as_of: Option<NaiveDate>,
    pub known_at: Option<DateTime<Utc>>,
    /// One measure (status, history).
    pub measure: Option<String>,
    /// One scope (every scope by default).
    pub scope: Option<Scope>,
    /// The level of the progress rows (the top level by default).
    pub level: Option<String>,
    pub basis: Basis,
}

/// A file to hand out.
#[derive(Debug, Clone)]
pub struct ExportFile {
    pub name: String,
    pub format: FileFormat,
    pub bytes: Vec<u8>,
}

impl Tracker {
    /// An export of a framework's statuses as of a date, its progress figures, or its
    /// reports' history, as CSV, XLSX or SDMX-CSV.
    ///
    /// # Errors
    /// `UnknownFramework`, `UnknownMeasure`, `UnknownState`, `UnknownNode`, `InvalidQuery`
    /// (level), `Invalid` (a state that does not participate on the date); the store fails.
    pub async fn export(
        &self,
        framework: &str,
        query: &ExportQuery,
        today: NaiveDate,
    ) -> ServiceResult<ExportFile> {
        let fw = self.framework(framework).await?;
        let format = query.format.unwrap_or(FileFormat::Csv);
        let as_of = query.as_of.unwrap_or(today);
        if let Some(Scope::State(code)) = &query.scope {
            self.ensure_member_state(code).await?;
        }
        let participations = self.store.participations(fw.id).await?;
        let scopes: Vec<Scope> = match &query.scope {
            Some(scope) => vec![scope.clone()],
            None => std::iter::once(Scope::Asean)
                .chain(
                    participants_as_of(&participations, as_of)
                        .into_iter()
                        .map(Scope::State),
                )
                .collect(),
        };
        let known = query.known_at.map_or(String::new(), |t| {
            format!(", as known at {}", t.to_rfc3339())
        });
        let (sheet, stem) = match query.what {
            ExportWhat::Status => {
                if let Some(Scope::State(code)) = &query.scope
                    && !participations
                        .iter()
                        .any(|p| &p.state == code && p.active_on(as_of))
                {
                    return Err(ServiceError::Invalid(vec![FieldIssue::invalid(
                        "scope",
                        format!("{code} does not participate in `{}` on {as_of}", fw.code),
                    )]));
                }
                let nodes = self.store.current_nodes(fw.id).await?;
                let measures: Vec<&Node> = nodes
                    .iter()
                    .filter(|n| n.is_measure)
                    .filter(|n| query.measure.as_ref().is_none_or(|m| &n.code == m))
                    .collect();
                if let Some(code) = &query.measure
                    && measures.is_empty()
                {
                    return Err(ServiceError::UnknownMeasure {
                        framework: fw.code.clone(),
                        code: code.clone(),
                    });
                }
                let in_force = self.reports_in_force(&fw, as_of, query.known_at).await?;
                let mut lines = Vec::with_capacity(measures.len() * scopes.len());
                for node in &measures {
                    for scope in &scopes {
                        lines.push(StatusLine {
                            measure: &node.code,
                            title: &node.title,
                            scope,
                            report: in_force.get(&(node.id, scope.clone())),
                        });
                    }
                }
                let sheet = if format == FileFormat::SdmxCsv {
                    export::status_sdmx(&fw.code, as_of, &lines)
                } else {
                    export::status_sheet(&fw.code, as_of, &lines)
                };
                let about = format!(
                    "Statuses of {} as of {as_of}{known}: every strategic measure in {}; `not_started` where nothing was reported.",
                    fw.code,
                    if query.scope.is_some() {
                        "the scope asked for"
                    } else {
                        "ASEAN and every participant"
                    }
                );
                (with_about(sheet, about), format!("status-{as_of}"))
            }
            ExportWhat::History => {
                let reports = match &query.measure {
                    Some(code) => {
                        self.measure_history(&fw.code, code, query.scope.as_ref())
                            .await?
                            .reports
                    }
                    None => {
                        let ids = self.store.report_ids(fw.id).await?;
                        let mut reports = self.store.reports_by_ids(&fw, &ids).await?;
                        if let Some(scope) = &query.scope {
                            reports.retain(|r| &r.scope == scope);
                        }
                        reports
                    }
                };
                let titles: HashMap<String, String> = self
                    .store
                    .nodes(fw.id)
                    .await?
                    .into_iter()
                    .map(|n| (n.code, n.title))
                    .collect();
                let sheet = if format == FileFormat::SdmxCsv {
                    export::history_sdmx(&fw.code, &reports)
                } else {
                    export::history_sheet(&fw.code, &reports, &titles)
                };
                let what = query.measure.as_deref().unwrap_or("all");
                let about = format!(
                    "Every status report of {} ({} measure{}), first recorded first.",
                    fw.code,
                    what,
                    if query.measure.is_some() { "" } else { "s" }
                );
                (with_about(sheet, about), format!("history-{what}"))
            }
            ExportWhat::Progress => {
                let figures = super::super::FigureQuery {
                    as_of: Some(as_of),
                    known_at: query.known_at,
                    level: query.level.clone(),
                    basis: query.basis,
                    ..super::super::FigureQuery::default()
                };
                let mut views = Vec::with_capacity(scopes.len());
                for scope in &scopes {
                    views.push(self.progress(&fw.code, scope, &figures, today).await?);
                }
                let per_scope: Vec<ScopeProgress<'_>> = views
                    .iter()
                    .map(|v| ScopeProgress {
                        scope: &v.scope,
                        progress: &v.progress,
                    })
                    .collect();
                let basis = query.basis.as_str();
                let sheet = if format == FileFormat::SdmxCsv {
                    export::progress_sdmx(&fw.code, as_of, basis, &per_scope)
                } else {
                    export::progress_sheet(&fw.code, as_of, basis, &per_scope)
                };
                let about = format!(
                    "Progress figures of {} as of {as_of}{known}, basis {basis}: rates are fractions of the applicable measures (completion = completed / applicable; implementation = (ongoing + completed) / applicable; progress index = progress points / (applicable × 100)).",
                    fw.code
                );
                (with_about(sheet, about), format!("progress-{as_of}"))
            }
        };
        let extension = match format {
            FileFormat::SdmxCsv => "sdmx.csv",
            other => other.extension(),
        };
        Ok(ExportFile {
            name: format!("{}-{stem}.{extension}", fw.code),
            format,
            bytes: write_sheet(sheet, format)?,
        })
    }
}
