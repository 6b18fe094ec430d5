//! Import and export (issue "Import and export"): status files in (CSV, XLSX), templates,
//! statuses, histories and progress figures out (CSV, XLSX, SDMX-CSV), and framework trees in.
//!
//! A status import is held to the rules of `POST …/status`, row by row: the caller's right to
//! write each row's scope first (a focal point imports its own state's rows only; 403 before
//! any value is looked at), then every value of every row through `domain::validate_report`;
//! then, in one transaction, the lock in force (409 `locked_period`, nothing stored; an admin
//! may override) and the append. All or nothing: one bad row refuses the file, and the answer
//! lists every bad row with its line and column (`line 7: status`). One audit record
//! (`import`) per file, with its counts.
//!
//! **Idempotent** means here: importing a file again stores nothing new. A row is left out
//! (counted as `unchanged`) when the report recorded last for its measure, scope and effective
//! date says the same (status, progress, note and evidence link), so the same file imported
//! twice stores its reports once, and a statuses export edited in a spreadsheet and imported
//! back stores only the rows that were changed. A row that says something else is a
//! correction: it is stored, and recorded last it is the one in force. Rows left out are not
//! writes, so they are not held to a lock either. Two rows of one file with the same measure,
//! scope and effective date are refused (which one would hold?).
//!
//! Where the issue is silent:
//! - a row that reports nothing (a template's untouched rows, a statuses export's unreported
//!   pairs) is skipped; a file that reports nothing at all is refused;
//! - the `framework` column may be left empty (the framework of the request); a row naming
//!   another framework is refused;
//! - every row-level problem is answered 422 `validation_failed` (an unknown measure or state
//!   in a file is a wrong value, not a missing resource);
//! - imports of 100,000 rows are expected (the bulk of `POST …/status` stops at 10,000): a
//!   file may have up to 200,000 rows.

mod exports;
mod framework_import;
mod indicators;
mod status_import;
mod template;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};

use super::{ServiceError, ServiceResult, Tracker};
use crate::domain::{Action, Actor, FieldIssue, Role, Scope, StatusReport};
use crate::engine::{self, Dated};
use crate::transfer::{self, FileFormat, FileIssue, ReadError, Sheet};

/// The most problems one answer lists; past it, one more entry says how many were left out.
pub use exports::{ExportFile, ExportQuery, ExportWhat};
pub use framework_import::FrameworkMetadata;
pub use indicators::{
    IndicatorExportQuery, IndicatorExportWhat, IndicatorImportSummary, ObservationImportSummary,
    ObservationLayout,
};
pub use status_import::{ImportFile, ImportOptions, ImportSummary, LockInForce, Quiet};
pub use template::TemplateOptions;

pub const MAX_LISTED_PROBLEMS: usize = 10_000;

/// Told how an import goes: the stage it is in and how far (the CLI draws a progress bar).
pub trait ImportProgress: Sync {
    /// A stage begins (`reading`, `checking`, `storing`), of `total` steps.
    fn stage(&self, _name: &'static str, _total: u64) {}
    /// `done` steps of the stage are done.
    fn advance(&self, _done: u64) {}
}

impl ImportProgress for Quiet {}

impl std::str::FromStr for ExportWhat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "status" => Ok(ExportWhat::Status),
            "progress" => Ok(ExportWhat::Progress),
            "history" => Ok(ExportWhat::History),
            other => Err(format!(
                "`{other}` is not an export: use status, progress or history"
            )),
        }
    }
}

/// A report fact wrapped for the as-of rule of the engine, with the instant the Secretariat
/// returned it, if it did (a returned report counts no more from then).
struct Candidate(crate::domain::ReportFact, Option<DateTime<Utc>>);

impl Dated for Candidate {
    fn returned_at(&self) -> Option<DateTime<Utc>> {
        self.1
    }
    fn effective_date(&self) -> NaiveDate {
        self.0.effective_date
    }
    fn recorded_at(&self) -> DateTime<Utc> {
        self.0.recorded_at
    }
    fn sequence(&self) -> i64 {
        self.0.id
    }
}

fn file_issue(issue: &FileIssue) -> FieldIssue {
    FieldIssue::invalid(issue.field(), issue.message.clone())
}

fn whole_file(message: impl Into<String>) -> ServiceError {
    ServiceError::Invalid(vec![FieldIssue::invalid("file", message)])
}

fn read_error(e: ReadError) -> ServiceError {
    match e {
        ReadError::TooManyRows { count, max } => ServiceError::TooManyReports { count, max },
        other => whole_file(other.to_string()),
    }
}

/// Problems sorted by line, at most [`MAX_LISTED_PROBLEMS`] of them.
fn bounded(mut issues: Vec<(u64, FieldIssue)>) -> Vec<FieldIssue> {
    issues.sort_by_key(|(line, _)| *line);
    let total = issues.len();
    let mut listed: Vec<FieldIssue> = issues
        .into_iter()
        .take(MAX_LISTED_PROBLEMS)
        .map(|(_, i)| i)
        .collect();
    if total > MAX_LISTED_PROBLEMS {
        listed.push(FieldIssue::invalid(
            "file",
            format!(
                "{} more problems are not listed; fix these and check the file again",
                total - MAX_LISTED_PROBLEMS
            ),
        ));
    }
    listed
}

fn lines_text(lines: &[u64]) -> String {
    let shown: Vec<String> = lines.iter().take(10).map(u64::to_string).collect();
    let more = if lines.len() > 10 {
        format!(" and {} more", lines.len() - 10)
    } else {
        String::new()
    };
    match lines.len() {
        1 => format!("line {}", shown.join(", ")),
        _ => format!("lines {}{more}", shown.join(", ")),
    }
}

impl Tracker {
    /// Checks that `actor` may write the scope of every row; a refusal names the scopes and
    /// lines and is audited once (`access.denied`).
    async fn permit_rows(
        &self,
        actor: &Actor,
        framework: &str,
        rows: &[&transfer::StatusRow],
    ) -> ServiceResult<()> {
        if actor.user.role == Role::Viewer {
            return self
                .permit_on(
                    actor,
                    Action::Record(&Scope::Asean),
                    framework,
                    "status import",
                )
                .await;
        }
        let mut refused: BTreeMap<Scope, Vec<u64>> = BTreeMap::new();
        for row in rows {
            let Some(scope) = row.scope().and_then(|s| s.parse::<Scope>().ok()) else {
                continue; // not a scope: a value problem, answered later
            };
            if !actor
                .user
                .role
                .may_record(actor.user.state.as_ref(), &scope)
            {
                refused.entry(scope).or_default().push(row.line);
            }
        }
        let Some(first) = refused.keys().next().cloned() else {
            return Ok(());
        };
        let target = format!(
            "status import for {}",
            refused
                .iter()
                .map(|(scope, lines)| format!("{scope} ({})", lines_text(lines)))
                .collect::<Vec<_>>()
                .join(", ")
        );
        match self
            .permit_on(actor, Action::Record(&first), framework, &target)
            .await
        {
            Err(ServiceError::Forbidden(_)) => {
                let own = actor
                    .user
                    .state
                    .as_ref()
                    .map_or(String::new(), |s| format!(" is the focal point of {s} and"));
                let listed: Vec<String> = refused
                    .iter()
                    .map(|(scope, lines)| format!("{scope} ({})", lines_text(lines)))
                    .collect();
                Err(ServiceError::Forbidden(format!(
                    "`{}`{own} cannot import status for {}; nothing was stored",
                    actor.user.name,
                    listed.join(", ")
                )))
            }
            other => other,
        }
    }

    /// The report in force for every (measure, scope) pair of a framework as of a date (and as
    /// known at an instant), by the engine's as-of rule, read page by page.
    async fn reports_in_force(
        &self,
        fw: &crate::domain::Framework,
        as_of: NaiveDate,
        known_at: Option<DateTime<Utc>>,
    ) -> ServiceResult<HashMap<(i32, Scope), StatusReport>> {
        let mut best: HashMap<(i32, Scope), Candidate> = HashMap::new();
        let returned: HashMap<i64, DateTime<Utc>> = self
            .returns_after(fw.id, 0)
            .await?
            .into_iter()
            .map(|r| (r.report_id, r.at))
            .collect();
        let mut after = 0;
        loop {
            let page = self.store.report_facts(fw.id, after, 5_000).await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            let full = page.len() == 5_000;
            for fact in page {
                let key = (fact.measure_id, fact.scope.clone());
                let returned_at = returned.get(&fact.id).copied();
                let candidate = Candidate(fact, returned_at);
                let keep_new = {
                    let current = best.get(&key);
                    let pair: Vec<&Candidate> = current.into_iter().chain([&candidate]).collect();
                    engine::in_force(pair, as_of, known_at)
                        .is_some_and(|winner| winner.0.id == candidate.0.id)
                };
                if keep_new {
                    best.insert(key, candidate);
                }
            }
            if !full {
                break;
            }
        }
        let ids: Vec<i64> = best.values().map(|c| c.0.id).collect();
        let reports = self.store.reports_by_ids(fw, &ids).await?;
        let by_id: HashMap<i64, StatusReport> = reports.into_iter().map(|r| (r.id, r)).collect();
        Ok(best
            .into_iter()
            .filter_map(|(key, c)| by_id.get(&c.0.id).cloned().map(|r| (key, r)))
            .collect())
    }
}

fn with_about(mut sheet: Sheet, line: String) -> Sheet {
    sheet.about.push(line);
    sheet
        .about
        .push("Exported by blueprint-tracker. Dates are YYYY-MM-DD; instants are UTC.".into());
    sheet
}

pub(super) fn write_sheet(sheet: Sheet, format: FileFormat) -> ServiceResult<Vec<u8>> {
    match format {
        FileFormat::Xlsx => transfer::xlsx_bytes(&[sheet]),
        FileFormat::Csv | FileFormat::SdmxCsv => transfer::csv_bytes(&sheet),
    }
    .map_err(|e| ServiceError::Render(e.to_string()))
}
