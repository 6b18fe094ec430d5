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

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::Value;

use super::{ServiceError, ServiceResult, Tracker, now};
use crate::domain::{
    Action, Actor, AuditEntry, Basis, FieldIssue, Node, RecordContext, Role, Scope, StateCode,
    StatusReport, audit::actions, participants_as_of, validate_report,
};
use crate::engine::{self, Dated};
use crate::reference::{FrameworkRow, FrameworkSpec};
use crate::store::{FrameworkLoad, FrameworkOutcome, ImportRow, StatusImport, StoreError};
use crate::transfer::{
    self, FileFormat, FileIssue, ReadError, Sheet,
    export::{self, ScopeProgress, StatusLine, TemplateSpec},
};

/// The most problems one answer lists; past it, one more entry says how many were left out.
pub const MAX_LISTED_PROBLEMS: usize = 10_000;

/// An uploaded file: its name (when known) and bytes.
#[derive(Debug, Clone, Copy)]
pub struct ImportFile<'a> {
    pub name: Option<&'a str>,
    pub bytes: &'a [u8],
}

/// How to import.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Check everything (rights, values, the lock) and store nothing.
    pub dry_run: bool,
    /// Record inside a locked period (admins).
    pub override_lock: bool,
}

/// Told how an import goes: the stage it is in and how far (the CLI draws a progress bar).
pub trait ImportProgress: Sync {
    /// A stage begins (`reading`, `checking`, `storing`), of `total` steps.
    fn stage(&self, _name: &'static str, _total: u64) {}
    /// `done` steps of the stage are done.
    fn advance(&self, _done: u64) {}
}

/// Progress told to no one.
pub struct Quiet;
impl ImportProgress for Quiet {}

/// What an import stored (or, in a dry run, would store).
#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    pub framework: String,
    pub file: Option<String>,
    pub format: FileFormat,
    pub sheet: Option<String>,
    pub dry_run: bool,
    /// Data rows read.
    pub rows: usize,
    /// Rows that report nothing (placeholders), skipped.
    pub blank: usize,
    /// Rows that say what is recorded already, left out.
    pub unchanged: usize,
    /// Reports stored (in a dry run: that would be stored).
    pub stored: usize,
    /// Reports stored per scope.
    pub by_scope: BTreeMap<String, usize>,
    /// `validated` (recorded by the Secretariat or an admin) or `reported`.
    pub validation: &'static str,
    pub first_id: Option<i64>,
    pub last_id: Option<i64>,
    pub lock: Option<LockInForce>,
    /// Reports stored inside the locked period (an admin's override).
    pub in_locked_period: usize,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct LockInForce {
    pub id: i64,
    pub until: NaiveDate,
}

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

/// Metadata of a framework given beside its tree (flags of `framework import`); what is not
/// given comes from a metadata file, then from the framework as stored.
#[derive(Debug, Clone, Default)]
pub struct FrameworkMetadata {
    pub title: Option<String>,
    pub adopted_on: Option<NaiveDate>,
    pub adopted_at: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub levels: Option<String>,
    pub reviews: Option<String>,
    pub note: Option<String>,
}

/// A report fact wrapped for the as-of rule of the engine.
struct Candidate(crate::domain::ReportFact);

impl Dated for Candidate {
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
    /// Imports a status file (CSV or XLSX) for `actor` (`None`: the operator at the
    /// terminal), into `framework` (`None`: the framework the file's rows name). See the module
    /// documentation for the rules.
    ///
    /// # Errors
    /// `Forbidden` (a scope the account may not write, or a lock override by a non-admin),
    /// `UnknownFramework`, `Invalid` (the file cannot be read, or rows are wrong: every problem
    /// listed), `TooManyReports` (over 200,000 rows), `Locked`; the store fails. Nothing is
    /// stored then.
    pub async fn import_status(
        &self,
        actor: Option<&Actor>,
        framework: Option<&str>,
        file: ImportFile<'_>,
        options: ImportOptions,
        progress: &dyn ImportProgress,
    ) -> ServiceResult<ImportSummary> {
        if options.override_lock
            && let Some(actor) = actor
        {
            self.permit(actor, Action::OverrideLock).await?;
        }
        progress.stage("reading", 1);
        let format = transfer::detect_format(file.bytes, file.name).map_err(read_error)?;
        let table = transfer::read_table(file.bytes, format).map_err(read_error)?;
        let (rows, shape_issues) = transfer::status_rows(&table)
            .map_err(|issues| ServiceError::Invalid(issues.iter().map(file_issue).collect()))?;
        progress.advance(1);

        let code = match framework {
            Some(code) => code.to_owned(),
            None => rows
                .iter()
                .find_map(|r| r.framework.clone())
                .ok_or_else(|| {
                    whole_file(
                        "say which framework the file is for: fill the `framework` column (or give --framework)",
                    )
                })?,
        };
        let fw = self.framework(&code).await?;

        // Rights first: the caller learns nothing about values it may not write.
        let reporting: Vec<&transfer::StatusRow> = rows.iter().filter(|r| !r.blank).collect();
        if let Some(actor) = actor {
            self.permit_rows(actor, &reporting).await?;
        }

        progress.stage("checking", rows.len() as u64);
        let nodes = self.store.nodes(fw.id).await?;
        let retired: HashSet<String> = self
            .store
            .retired_nodes(fw.id)
            .await?
            .into_iter()
            .map(|n| n.code)
            .collect();
        let by_code: HashMap<&str, &Node> = nodes.iter().map(|n| (n.code.as_str(), n)).collect();
        let known_states: HashSet<StateCode> = self
            .store
            .member_states()
            .await?
            .into_iter()
            .map(|s| s.code)
            .collect();
        let participations = self.store.participations(fw.id).await?;
        let ctx = RecordContext {
            framework: &fw,
            nodes: &by_code,
            known_states: &known_states,
            participations: &participations,
            today: super::today(),
        };
        let mut issues: Vec<(u64, FieldIssue)> = shape_issues
            .iter()
            .map(|i| (i.line.unwrap_or(0), file_issue(i)))
            .collect();
        let mut seen: HashMap<(String, Scope, NaiveDate), u64> = HashMap::new();
        let mut valid = Vec::with_capacity(reporting.len());
        for (i, row) in reporting.iter().enumerate() {
            let at = |field: &str, message: String| {
                (
                    row.line,
                    FieldIssue::invalid(format!("line {}: {field}", row.line), message),
                )
            };
            if let Some(named) = &row.framework
                && named != &fw.code
            {
                issues.push(at(
                    "framework",
                    format!(
                        "the file is imported into `{}`; this row names `{named}`",
                        fw.code
                    ),
                ));
            }
            match validate_report(&Value::Object(row.report.clone()), "", &ctx) {
                Err(found) => {
                    issues.extend(found.into_iter().map(|f| at(&f.field, f.message)));
                }
                Ok(report) => {
                    if retired.contains(&report.measure) {
                        issues.push(at(
                            "measure",
                            format!(
                                "`{}` was retired from `{}`: status is recorded on the current measures",
                                report.measure, fw.code
                            ),
                        ));
                        continue;
                    }
                    let key = (
                        report.measure.clone(),
                        report.scope.clone(),
                        report.effective_date,
                    );
                    if let Some(first) = seen.get(&key) {
                        issues.push(at(
                            "effective_date",
                            format!(
                                "line {first} already reports measure {} in {} effective {}: one report per measure, scope and date",
                                key.0, key.1, key.2
                            ),
                        ));
                        continue;
                    }
                    seen.insert(key, row.line);
                    if let Some(node) = by_code.get(report.measure.as_str()) {
                        valid.push(ImportRow {
                            line: row.line,
                            measure_id: node.id,
                            report,
                        });
                    }
                }
            }
            if i % 1_000 == 999 {
                progress.advance(i as u64 + 1);
            }
        }
        progress.advance(rows.len() as u64);
        if !issues.is_empty() {
            return Err(ServiceError::Invalid(bounded(issues)));
        }
        if valid.is_empty() {
            return Err(whole_file(
                "the file reports nothing: every row's status is empty (or not_started with no date)",
            ));
        }

        let caller = actor.map(|a| &a.user);
        let validated = caller.is_some_and(|u| matches!(u.role, Role::Admin | Role::Secretariat));
        let mut by_scope: BTreeMap<String, usize> = BTreeMap::new();
        let audit = actor.map_or_else(
            || super::accounts::entry(None, actions::IMPORT),
            |a| AuditEntry::by(a, actions::IMPORT),
        );
        let audit = audit.detail(serde_json::json!({
            "kind": "status",
            "file": file.name,
            "format": format.name(),
            "rows": rows.len(),
            "blank": rows.len() - reporting.len(),
            "override_lock": options.override_lock,
        }));
        let recorded_at = now();
        let lines: HashMap<u64, String> = valid
            .iter()
            .map(|r| (r.line, r.report.scope.to_string()))
            .collect();
        progress.stage("storing", valid.len() as u64);
        let result = self
            .store
            .import_reports(
                StatusImport {
                    framework: &fw,
                    rows: valid,
                    recorded_at,
                    recorded_by: caller.map(|u| u.id),
                    validated,
                    override_lock: options.override_lock,
                    dry_run: options.dry_run,
                    audit: Some(audit.clone()),
                },
                &|done| progress.advance(done as u64),
            )
            .await;
        let outcome = match result {
            Err(StoreError::Locked {
                lock_id,
                until,
                count,
            }) => {
                if !options.dry_run {
                    let mut refused = audit;
                    refused.action = actions::STATUS_REFUSED_LOCKED;
                    let refused = refused
                        .framework(fw.code.clone())
                        .target(format!("lock {lock_id}"))
                        .detail(serde_json::json!({
                            "lock": {"id": lock_id, "until": until},
                            "import": file.name, "in_locked_period": count,
                        }));
                    self.store.audit(&refused, now()).await?;
                }
                return Err(ServiceError::Locked {
                    lock_id,
                    until,
                    count,
                });
            }
            other => other?,
        };
        let unchanged: HashSet<u64> = outcome.unchanged.iter().copied().collect();
        for (line, scope) in &lines {
            if !unchanged.contains(line) {
                *by_scope.entry(scope.clone()).or_default() += 1;
            }
        }
        Ok(ImportSummary {
            framework: fw.code,
            file: file.name.map(str::to_owned),
            format,
            sheet: table.sheet,
            dry_run: options.dry_run,
            rows: rows.len(),
            blank: rows.len() - reporting.len(),
            unchanged: outcome.unchanged.len(),
            stored: outcome.stored,
            by_scope,
            validation: if validated { "validated" } else { "reported" },
            first_id: outcome.first_id,
            last_id: outcome.last_id,
            lock: outcome.lock.map(|(id, until)| LockInForce { id, until }),
            in_locked_period: outcome.in_locked_period,
        })
    }

    /// Checks that `actor` may write the scope of every row; a refusal names the scopes and
    /// lines and is audited once (`access.denied`).
    async fn permit_rows(&self, actor: &Actor, rows: &[&transfer::StatusRow]) -> ServiceResult<()> {
        if actor.user.role == Role::Viewer {
            return self.permit(actor, Action::Record(&Scope::Asean)).await;
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
        match self.permit(actor, Action::Record(&first)).await {
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
                let figures = super::FigureQuery {
                    as_of: Some(as_of),
                    known_at: query.known_at,
                    level: query.level.clone(),
                    basis: query.basis,
                    ..super::FigureQuery::default()
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

    /// The report in force for every (measure, scope) pair of a framework as of a date (and as
    /// known at an instant), by the engine's as-of rule, read page by page.
    async fn reports_in_force(
        &self,
        fw: &crate::domain::Framework,
        as_of: NaiveDate,
        known_at: Option<DateTime<Utc>>,
    ) -> ServiceResult<HashMap<(i32, Scope), StatusReport>> {
        let mut best: HashMap<(i32, Scope), Candidate> = HashMap::new();
        let mut after = 0;
        loop {
            let page = self.store.report_facts(fw.id, after, 5_000).await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            let full = page.len() == 5_000;
            for fact in page {
                let key = (fact.measure_id, fact.scope.clone());
                let candidate = Candidate(fact);
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

    /// Loads or updates framework `code` from a tree file (the format of the shipped
    /// frameworks), with its metadata from `metadata` (flags), else from `metadata_file` (the
    /// format of `frameworks.csv`), else as stored. Nodes the file no longer lists are retired,
    /// never deleted: their reports stay readable and the figures stop counting them. As the
    /// operator at the terminal; audited (`import`).
    ///
    /// # Errors
    /// `Invalid` with every problem (metadata, the tree, a lead body that does not exist, a
    /// measure with reports that would stop being a measure); the store fails. Nothing is
    /// written then.
    pub async fn import_framework(
        &self,
        code: &str,
        tree: ImportFile<'_>,
        metadata_file: Option<&[u8]>,
        metadata: FrameworkMetadata,
        dry_run: bool,
    ) -> ServiceResult<FrameworkOutcome> {
        let invalid =
            |issues: Vec<FileIssue>| ServiceError::Invalid(issues.iter().map(file_issue).collect());
        let code = code.trim();
        if code.is_empty()
            || code.chars().count() > 64
            || !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        {
            return Err(ServiceError::Invalid(vec![FieldIssue::invalid(
                "code",
                format!(
                    "`{code}` is not a framework code: letters, digits, `-`, `_`, `.`; at most 64"
                ),
            )]));
        }
        let stored = self.store.framework(code).await?;
        let from_file = match metadata_file {
            Some(bytes) => Some(transfer::framework::parse_metadata(bytes, code).map_err(invalid)?),
            None => None,
        };
        let base = from_file.or_else(|| {
            stored.as_ref().map(|f| FrameworkRow {
                code: f.code.clone(),
                title: f.title.clone(),
                adopted_on: f.adopted_on,
                adopted_at: f.adopted_at.clone(),
                start_date: f.start_date,
                end_date: f.end_date,
                levels: f.levels.join("/"),
                reviews: f.reviews.join(";"),
                note: f.note.clone(),
            })
        });
        let mut issues = Vec::new();
        let row = match base {
            Some(base) => FrameworkRow {
                code: code.to_owned(),
                title: metadata.title.unwrap_or(base.title),
                adopted_on: metadata.adopted_on.or(base.adopted_on),
                adopted_at: metadata.adopted_at.or(base.adopted_at),
                start_date: metadata.start_date.unwrap_or(base.start_date),
                end_date: metadata.end_date.unwrap_or(base.end_date),
                levels: metadata.levels.unwrap_or(base.levels),
                reviews: metadata.reviews.unwrap_or(base.reviews),
                note: metadata.note.or(base.note),
            },
            None => {
                for (given, name) in [
                    (metadata.title.is_some(), "title"),
                    (metadata.start_date.is_some(), "start"),
                    (metadata.end_date.is_some(), "end"),
                    (metadata.levels.is_some(), "levels"),
                ] {
                    if !given {
                        issues.push(FieldIssue::invalid(
                            name,
                            format!(
                                "`{code}` is a new framework: give --{name} (or a metadata file)"
                            ),
                        ));
                    }
                }
                FrameworkRow {
                    code: code.to_owned(),
                    title: metadata.title.unwrap_or_default(),
                    adopted_on: metadata.adopted_on,
                    adopted_at: metadata.adopted_at,
                    start_date: metadata.start_date.unwrap_or_default(),
                    end_date: metadata.end_date.unwrap_or_default(),
                    levels: metadata.levels.unwrap_or_default(),
                    reviews: metadata.reviews.unwrap_or_default(),
                    note: metadata.note,
                }
            }
        };
        if !issues.is_empty() {
            return Err(ServiceError::Invalid(issues));
        }
        if row.title.trim().is_empty() {
            issues.push(FieldIssue::invalid("title", "the title is empty"));
        }
        if row.start_date > row.end_date {
            issues.push(FieldIssue::invalid(
                "end",
                format!(
                    "the end {} comes before the start {}",
                    row.end_date, row.start_date
                ),
            ));
        }
        let levels = match transfer::framework::parse_levels(&row.levels) {
            Ok(levels) => levels,
            Err(message) => {
                issues.push(FieldIssue::invalid("levels", message));
                Vec::new()
            }
        };
        if !issues.is_empty() {
            return Err(ServiceError::Invalid(issues));
        }
        let tree_lines = transfer::framework::parse_tree(tree.bytes, &levels).map_err(invalid)?;

        // What only the database knows: sectoral bodies, and measures that hold reports.
        let bodies: HashSet<String> = self
            .store
            .sectoral_bodies()
            .await?
            .into_iter()
            .map(|b| b.code)
            .collect();
        let counts = match &stored {
            Some(f) => self.store.report_counts_by_node(f.id).await?,
            None => HashMap::new(),
        };
        let measure_level = levels.last().cloned().unwrap_or_default();
        let mut problems = Vec::new();
        for t in &tree_lines {
            for body in t
                .node
                .lead_bodies
                .iter()
                .flat_map(|s| s.split(';'))
                .map(str::trim)
                .filter(|b| !b.is_empty())
            {
                if !bodies.contains(body) {
                    problems.push(FileIssue::at(
                        t.line,
                        "lead_bodies",
                        format!("there is no sectoral body `{body}`"),
                    ));
                }
            }
            if let Some(&reports) = counts.get(&t.node.code)
                && t.node.level != measure_level
            {
                problems.push(FileIssue::at(
                    t.line,
                    "level",
                    format!(
                        "`{}` holds {reports} status report(s) as a strategic measure and cannot become a {}: give the new node another code",
                        t.node.code, t.node.level
                    ),
                ));
            }
        }
        if !problems.is_empty() {
            return Err(invalid(problems));
        }
        let spec = FrameworkSpec {
            framework: row,
            nodes: tree_lines.into_iter().map(|t| t.node).collect(),
        };
        let audit = super::accounts::entry(None, actions::IMPORT).detail(serde_json::json!({
            "file": tree.name,
        }));
        Ok(self
            .store
            .import_framework(FrameworkLoad {
                spec: &spec,
                at: now(),
                dry_run,
                audit: Some(audit),
            })
            .await?)
    }
}

fn with_about(mut sheet: Sheet, line: String) -> Sheet {
    sheet.about.push(line);
    sheet
        .about
        .push("Exported by blueprint-tracker. Dates are YYYY-MM-DD; instants are UTC.".into());
    sheet
}

fn write_sheet(sheet: Sheet, format: FileFormat) -> ServiceResult<Vec<u8>> {
    match format {
        FileFormat::Xlsx => transfer::xlsx_bytes(&[sheet]),
        FileFormat::Csv | FileFormat::SdmxCsv => transfer::csv_bytes(&sheet),
    }
    .map_err(|e| ServiceError::Render(e.to_string()))
}
