//! A status template of a framework for one scope, to fill in a spreadsheet and import; empty,
//! or pre-filled with the scope's statuses in force.
//!
//! Pre-filled, a row carries the report in force today for its measure (status, progress,
//! effective date, note, link: the report's own values, its date included), and a measure
//! with no report in force is left empty. A focal point changes only the rows whose status
//! changed; an untouched row says exactly what the report recorded last for its measure,
//! scope and effective date says, so the import leaves it out as `unchanged` (the import's
//! idempotence, see the module above): re-importing a pre-filled template stores nothing.

use chrono::NaiveDate;

use super::super::{ServiceError, ServiceResult, Tracker};
use super::{ExportFile, write_sheet};
use crate::domain::{FieldIssue, Scope};
use crate::transfer::{
    FileFormat,
    export::{self, TemplateMeasure, TemplateSpec},
};

/// How a template is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TemplateOptions {
    /// Pre-filled with the scope's statuses in force today.
    pub prefilled: bool,
}

impl Tracker {
    /// A status template for a framework and a scope (`ASEAN` or a participant): one row per
    /// strategic measure, to fill in a spreadsheet and import; pre-filled with the statuses in
    /// force on `today` when asked.
    ///
    /// # Errors
    /// `UnknownFramework`, `UnknownState`, `Invalid` for a state that never participates in
    /// the framework or a format other than CSV or XLSX; the store fails.
    pub async fn template(
        &self,
        framework: &str,
        scope: &Scope,
        format: FileFormat,
        options: TemplateOptions,
        today: NaiveDate,
    ) -> ServiceResult<ExportFile> {
        if format == FileFormat::SdmxCsv {
            return Err(ServiceError::InvalidQuery {
                field: "format".into(),
                message: "a template is csv or xlsx".into(),
            });
        }
        let fw = self.framework(framework).await?;
        if let Scope::State(code) = scope {
            self.ensure_member_state(code).await?;
            let participations = self.store.participations(fw.id).await?;
            if !participations.iter().any(|p| &p.state == code) {
                return Err(ServiceError::Invalid(vec![FieldIssue::invalid(
                    "scope",
                    format!("{code} does not participate in `{}`", fw.code),
                )]));
            }
        }
        let nodes = self.store.current_nodes(fw.id).await?;
        let in_force = if options.prefilled {
            self.reports_in_force(&fw, today, None).await?
        } else {
            std::collections::HashMap::new()
        };
        let measures: Vec<TemplateMeasure<'_>> = nodes
            .iter()
            .filter(|n| n.is_measure)
            .map(|n| TemplateMeasure {
                code: &n.code,
                title: &n.title,
                in_force: in_force.get(&(n.id, scope.clone())),
            })
            .collect();
        let sheet = export::template_sheet(&TemplateSpec {
            framework: &fw.code,
            start_date: fw.start_date,
            end_date: fw.end_date,
            scope,
            measures: &measures,
            prefilled: options.prefilled.then_some(today),
            latest: today,
        });
        // Pre-filled, the name says the day whose statuses it holds.
        let day = if options.prefilled {
            format!("-{today}")
        } else {
            String::new()
        };
        let name = format!("{}-template-{}{day}.{}", fw.code, scope, format.extension());
        Ok(ExportFile {
            name,
            format,
            bytes: write_sheet(sheet, format)?,
        })
    }
}
