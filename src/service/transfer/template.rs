//! A status template of a framework for one scope, to fill in a spreadsheet and import.

use chrono::NaiveDate;

use super::super::{ServiceError, ServiceResult, Tracker};
use super::{ExportFile, write_sheet};
use crate::domain::{FieldIssue, Scope};
use crate::transfer::{
    FileFormat,
    export::{self, TemplateSpec},
};

impl Tracker {
    /// A status template for a framework and a scope (`ASEAN` or a participant): one row per
    /// strategic measure, to fill in a spreadsheet and import.
    ///
    /// # Errors
    /// `UnknownFramework`, `UnknownState`, `Invalid` for a state that never participates in
    /// the framework or a format other than CSV or XLSX; the store fails.
    pub async fn template(
        &self,
        framework: &str,
        scope: &Scope,
        format: FileFormat,
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
        let measures: Vec<(&str, &str)> = nodes
            .iter()
            .filter(|n| n.is_measure)
            .map(|n| (n.code.as_str(), n.title.as_str()))
            .collect();
        let sheet = export::template_sheet(&TemplateSpec {
            framework: &fw.code,
            start_date: fw.start_date,
            end_date: fw.end_date,
            scope,
            measures: &measures,
            latest: today,
        });
        let name = format!("{}-template-{}.{}", fw.code, scope, format.extension());
        Ok(ExportFile {
            name,
            format,
            bytes: write_sheet(sheet, format)?,
        })
    }
}
