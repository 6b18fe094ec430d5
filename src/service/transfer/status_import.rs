//! Importing a status file (CSV, XLSX): checked row by row as `POST …/status` is, then stored
//! all or nothing in one transaction (see the module above for the rules).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;

use super::super::{ServiceError, ServiceResult, Tracker, now};
use super::{ImportProgress, bounded, file_issue, read_error, whole_file};
use crate::domain::{
    Action, Actor, AuditEntry, FieldIssue, Node, RecordContext, Role, Scope, StateCode,
    audit::actions, validate_report,
};
use crate::store::{ImportRow, StatusImport, StoreError};
use crate::transfer::{self, FileFormat};

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

/// Progress told to no one.
pub struct Quiet;

/// What an import stored (or, in a dry run, would store).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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

#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
pub struct LockInForce {
    pub id: i64,
    pub until: NaiveDate,
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
            self.permit_rows(actor, &fw.code, &reporting).await?;
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
            today: super::super::today(),
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
            || super::super::accounts::entry(None, actions::IMPORT),
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
                        .target(format!(
                            "status import of {} report(s){}",
                            reporting.len(),
                            file.name.map(|n| format!(" from {n}")).unwrap_or_default()
                        ))
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
}
