//! Indicator files in and out (issue 14, item 4): definitions with their targets and
//! observations imported from CSV and XLSX (observations also from SDMX-CSV), with a dry run,
//! all or nothing and every problem by line and column, as a status import; definitions with
//! the targets in force, observations and progress exported as CSV, XLSX and SDMX-CSV; an
//! observations template per framework and scope.
//!
//! The rules of an import are those of the API, checked for the whole file before anything is
//! stored: the caller's rights first (defining an indicator is the Secretariat's; a focal
//! point sets targets and records observations for its own state only — 403 naming the
//! scopes and lines, nothing looked at further), then every value (unknown indicators, nodes
//! and scopes, years outside the framework's period ± 10 years, percentages outside 0–100, a
//! target equal to its baseline…: 422 listing them all), then the lock in force (409, also
//! in a dry run). A dry run stops there and stores nothing.
//!
//! - A definitions row of an indicator the framework has already is accepted when it says the
//!   same (a file exported and imported again); a file cannot change a definition. A target
//!   equal to the one in force for its indicator and scope is left out (`unchanged`), so the
//!   same file imported twice appends nothing; any other target is a new revision.
//! - Observations are appended by `Tracker::record_observations` (one transaction, one audit
//!   record); there is no `unchanged` for them: every value of the file is a new observation,
//!   recorded last, hence in force.
//! - The exports of observations hold, per indicator, scope and year, the observation in force
//!   (recorded last, as known at `known_at`; with `basis=validated` the validated ones only),
//!   so that an export imports again as it is; the full history is the API's.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;

use super::super::accounts::entry;
use super::super::{ServiceError, ServiceResult, Tracker, now};
use super::{
    ExportFile, ImportFile, ImportOptions, LockInForce, bounded, file_issue, lines_text,
    read_error, whole_file, with_about, write_sheet,
};
use crate::domain::audit::actions;
use crate::domain::{
    Action, Actor, Basis, FieldIssue, Framework, Indicator, NewObservation, NewTarget, Observation,
    Role, Scope, Target, ValidationState, participants_as_of,
};
use crate::engine::At;
use crate::engine::indicators::{IndicatorAt, indicator_progress, target_in_force};
use crate::store::{self, ImportedTarget, year_end};
use crate::transfer::indicators::{
    DEFINITION_COLUMNS, OBSERVATION_COLUMNS, OBSERVATIONS_SHEET, ObservationRows,
    SDMX_INDICATOR_COLUMN, StateArea, definition_rows, observation_rows, sdmx_observation_rows,
};
use crate::transfer::write::Rule as CellRule;
use crate::transfer::{self, Cell, FileFormat, Sheet};

/// The indicators' SDMX dataflow (observations).
pub const SDMX_INDICATOR_FLOW: &str = "ASEAN:DF_ASCC_INDICATORS(1.0)";
/// The indicators' progress dataflow.
pub const SDMX_INDICATOR_PROGRESS_FLOW: &str = "ASEAN:DF_ASCC_INDICATOR_PROGRESS(1.0)";

/// How an observations file is laid out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ObservationLayout {
    /// The tracker's columns: `indicator,scope,year,value,source,note`.
    #[default]
    Tracker,
    /// SDMX-CSV: `REF_AREA`, `TIME_PERIOD`, `OBS_VALUE` and the indicator's code in
    /// `indicator_column` (`INDICATOR` when `None`).
    Sdmx { indicator_column: Option<String> },
}

/// What a definitions import stored (or, in a dry run, would store).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IndicatorImportSummary {
    pub framework: String,
    pub file: Option<String>,
    pub format: FileFormat,
    pub sheet: Option<String>,
    pub dry_run: bool,
    /// Data rows read.
    pub rows: usize,
    /// Indicators created.
    pub created: usize,
    /// Indicators the framework had already, defined the same way in the file.
    pub unchanged: usize,
    /// Target revisions stored.
    pub targets: usize,
    /// Targets equal to the one in force, left out.
    pub targets_unchanged: usize,
    /// Target revisions stored per scope.
    pub by_scope: BTreeMap<String, usize>,
}

/// What an observations import stored (or, in a dry run, would store).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ObservationImportSummary {
    pub framework: String,
    pub file: Option<String>,
    pub format: FileFormat,
    /// Whether the file was read as SDMX-CSV.
    pub sdmx: bool,
    pub sheet: Option<String>,
    pub dry_run: bool,
    /// Data rows read.
    pub rows: usize,
    /// Rows with an empty value (`OBS_VALUE`), skipped.
    pub blank: usize,
    /// Observations stored (in a dry run: that would be stored).
    pub stored: usize,
    /// Observations stored per scope.
    pub by_scope: BTreeMap<String, usize>,
    /// `validated` (recorded by the Secretariat or an admin) or `reported`.
    pub validation: &'static str,
    pub first_id: Option<i64>,
    pub last_id: Option<i64>,
    pub lock: Option<LockInForce>,
    /// Observations whose year ends inside the locked period (an admin's override).
    pub in_locked_period: usize,
}

/// What an indicator export is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IndicatorExportWhat {
    /// Definitions with the targets in force (CSV, XLSX).
    #[default]
    Indicators,
    /// The observation in force per indicator, scope and year.
    Observations,
    /// Every indicator's progress in every scope as of a date.
    Progress,
}

impl std::str::FromStr for IndicatorExportWhat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "indicators" => Ok(Self::Indicators),
            "observations" => Ok(Self::Observations),
            "indicator-progress" => Ok(Self::Progress),
            other => Err(format!(
                "`{other}` is not an indicator export: use indicators, observations or indicator-progress"
            )),
        }
    }
}

/// An indicator export asked for.
#[derive(Debug, Clone, Default)]
pub struct IndicatorExportQuery {
    pub what: IndicatorExportWhat,
    /// `None`: CSV.
    pub format: Option<FileFormat>,
    /// Progress: the date (today by default).
    pub as_of: Option<NaiveDate>,
    /// Count only what was recorded by this instant.
    pub known_at: Option<DateTime<Utc>>,
    pub basis: Basis,
    /// One scope only (observations).
    pub scope: Option<Scope>,
}

fn states_of(states: Vec<crate::domain::MemberState>) -> Vec<StateArea> {
    states
        .into_iter()
        .map(|s| StateArea {
            alpha3: s.code,
            alpha2: s.iso2,
        })
        .collect()
}

/// A problem of one line and column.
fn at(line: u64, column: &str, message: impl Into<String>) -> (u64, FieldIssue) {
    (
        line,
        FieldIssue::invalid(format!("line {line}: {column}"), message),
    )
}

/// The lock in force on a framework, if any.
async fn lock_in_force(tracker: &Tracker, fw: &Framework) -> ServiceResult<Option<LockInForce>> {
    Ok(tracker
        .store
        .locks(fw.id, &fw.code)
        .await?
        .into_iter()
        .filter(|l| l.released_at.is_none())
        .max_by_key(|l| (l.until, l.id))
        .map(|l| LockInForce {
            id: l.id,
            until: l.until,
        }))
}

impl Tracker {
    /// Refuses, naming the scopes and lines, when `actor` may not do `action` in every scope
    /// of `rows` (line, scope); audited once.
    async fn permit_scopes(
        &self,
        actor: &Actor,
        rows: &[(u64, &Scope)],
        action: for<'s> fn(&'s Scope) -> Action<'s>,
        what: &str,
    ) -> ServiceResult<()> {
        let mut refused: BTreeMap<Scope, Vec<u64>> = BTreeMap::new();
        for (line, scope) in rows {
            if actor.user.role == Role::Viewer
                || !actor.user.role.may_record(actor.user.state.as_ref(), scope)
            {
                refused.entry((*scope).clone()).or_default().push(*line);
            }
        }
        let Some(first) = refused.keys().next().cloned() else {
            return Ok(());
        };
        match self.permit(actor, action(&first)).await {
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
                    "`{}`{own} cannot import {what} for {}; nothing was stored",
                    actor.user.name,
                    listed.join(", ")
                )))
            }
            other => other,
        }
    }

    /// Imports an indicator-definitions file (CSV or XLSX): indicators with their targets,
    /// or targets of existing indicators, all or nothing. See the module documentation.
    ///
    /// # Errors
    /// `Forbidden` (defining indicators without being the Secretariat or an admin, a target
    /// for a scope the account may not write), `UnknownFramework`, `Invalid` (the file cannot
    /// be read, or rows are wrong: every problem listed by line and column), `TooManyReports`
    /// (over 200,000 rows), `Conflict` (an indicator defined meanwhile); the store fails.
    /// Nothing is stored then.
    pub async fn import_indicators(
        &self,
        actor: &Actor,
        framework: &str,
        file: ImportFile<'_>,
        options: ImportOptions,
    ) -> ServiceResult<IndicatorImportSummary> {
        let fw = self.framework(framework).await?;
        let format = transfer::detect_format(file.bytes, file.name).map_err(read_error)?;
        let table = transfer::read_table(file.bytes, format).map_err(read_error)?;
        let states = states_of(self.store.member_states().await?);
        let rows = definition_rows(&table, &states)
            .map_err(|issues| ServiceError::Invalid(bounded(line_issues(&issues))))?;
        let existing: HashMap<String, Indicator> = self
            .indicators(&fw.code)
            .await?
            .into_iter()
            .map(|i| (i.code.clone(), i))
            .collect();

        // Rights first.
        if rows
            .iter()
            .any(|r| r.definition.is_some() && !existing.contains_key(&r.code))
        {
            self.permit(actor, Action::DefineIndicator).await?;
        }
        let target_scopes: Vec<(u64, &Scope)> = rows
            .iter()
            .filter_map(|r| r.target.as_ref().map(|t| (r.line, &t.scope)))
            .collect();
        self.permit_scopes(actor, &target_scopes, |s| Action::SetTarget(s), "targets")
            .await?;

        let nodes: HashSet<String> = self
            .store
            .nodes(fw.id)
            .await?
            .into_iter()
            .map(|n| n.code)
            .collect();
        let targets: Vec<Target> = self.targets_of(&fw).await?;
        let mut issues: Vec<(u64, FieldIssue)> = Vec::new();
        let mut units: HashMap<&str, &str> = existing
            .values()
            .map(|i| (i.code.as_str(), i.unit.as_str()))
            .collect();
        let mut new: Vec<(&str, &crate::transfer::indicators::DefinitionFields)> = Vec::new();
        let mut unchanged = 0;
        let mut handled: HashSet<&str> = HashSet::new();
        for row in &rows {
            check_framework(&mut issues, row.line, row.framework.as_deref(), &fw.code);
            let Some(d) = &row.definition else { continue };
            if !handled.insert(row.code.as_str()) {
                continue; // defined on an earlier line, the same way (the reader checks)
            }
            match existing.get(&row.code) {
                Some(i) => {
                    let same = i.title == d.title
                        && i.unit == d.unit
                        && i.direction == d.direction
                        && i.node == d.node
                        && i.decimals == d.decimals.unwrap_or(1)
                        && i.source.as_deref().map(str::trim) == d.source.as_deref().map(str::trim)
                        && i.note.as_deref().map(str::trim) == d.note.as_deref().map(str::trim);
                    if same {
                        unchanged += 1;
                    } else {
                        issues.push(at(
                            row.line,
                            "code",
                            format!(
                                "`{}` is defined already in `{}`, differently: a file cannot change a definition (leave title, unit, direction and node empty to set only a target)",
                                row.code, fw.code
                            ),
                        ));
                    }
                }
                None => {
                    if !nodes.contains(&d.node) {
                        issues.push(at(
                            row.line,
                            "node",
                            format!("`{}` is not a node of `{}`", d.node, fw.code),
                        ));
                    }
                    units.insert(row.code.as_str(), d.unit.as_str());
                    new.push((row.code.as_str(), d));
                }
            }
        }
        let mut stored_targets: Vec<ImportedTarget<'_>> = Vec::new();
        let mut targets_unchanged = 0;
        let mut by_scope: BTreeMap<String, usize> = BTreeMap::new();
        for row in &rows {
            let Some(t) = &row.target else { continue };
            let Some(unit) = units.get(row.code.as_str()) else {
                issues.push(at(
                    row.line,
                    "code",
                    format!(
                        "`{}` is not an indicator of `{}`: define it in the file (title, unit, direction, node)",
                        row.code, fw.code
                    ),
                ));
                continue;
            };
            let candidate = NewTarget {
                scope: t.scope.clone(),
                baseline_year: t.baseline_year,
                baseline_value: t.baseline_value,
                target_year: t.target_year,
                target_value: t.target_value,
                note: None,
            };
            if let Err(found) = candidate.check(unit, &fw) {
                issues.extend(found.iter().map(|i| at(row.line, i.field(), i.to_string())));
                continue;
            }
            let same = target_in_force(&row.code, &t.scope, &targets, None).is_some_and(|f| {
                (f.baseline_year, f.target_year) == (t.baseline_year, t.target_year)
                    && f.baseline_value == t.baseline_value
                    && f.target_value == t.target_value
            });
            if same {
                targets_unchanged += 1;
                continue;
            }
            *by_scope.entry(t.scope.to_string()).or_default() += 1;
            stored_targets.push(ImportedTarget {
                indicator: row.code.as_str(),
                scope: &t.scope,
                baseline_year: t.baseline_year,
                baseline_value: t.baseline_value,
                target_year: t.target_year,
                target_value: t.target_value,
            });
        }
        if !issues.is_empty() {
            return Err(ServiceError::Invalid(bounded(issues)));
        }
        let mut summary = IndicatorImportSummary {
            framework: fw.code.clone(),
            file: file.name.map(str::to_owned),
            format,
            sheet: table.sheet.clone(),
            dry_run: options.dry_run,
            rows: table.rows.len(),
            created: new.len(),
            unchanged,
            targets: stored_targets.len(),
            targets_unchanged,
            by_scope,
        };
        if options.dry_run || (new.is_empty() && stored_targets.is_empty()) {
            return Ok(summary);
        }
        let node_ids: HashMap<String, i32> = self
            .store
            .nodes(fw.id)
            .await?
            .into_iter()
            .map(|n| (n.code, n.id))
            .collect();
        let new_indicators: Vec<store::NewIndicator<'_>> = new
            .iter()
            .filter_map(|(code, d)| {
                node_ids.get(&d.node).map(|node_id| store::NewIndicator {
                    code,
                    title: &d.title,
                    unit: &d.unit,
                    direction: d.direction.as_str(),
                    decimals: i16::from(d.decimals.unwrap_or(1)),
                    node_id: *node_id,
                    source: d.source.as_deref().map(str::trim),
                    note: d.note.as_deref().map(str::trim),
                })
            })
            .collect();
        let audit = entry(Some(actor), actions::IMPORT)
            .framework(fw.code.clone())
            .detail(serde_json::json!({
                "kind": "indicators",
                "file": file.name,
                "format": format.name(),
                "rows": table.rows.len(),
            }));
        let outcome = self
            .store
            .import_indicators(
                fw.id,
                &new_indicators,
                &stored_targets,
                Some(actor.user.id),
                audit,
                now(),
            )
            .await?;
        summary.created = outcome.indicators;
        summary.targets = outcome.targets;
        Ok(summary)
    }

    /// Imports an observations file (CSV or XLSX in the tracker's columns, or SDMX-CSV), all
    /// or nothing, through `record_observations`. See the module documentation.
    ///
    /// # Errors
    /// `Forbidden` (a scope the account may not record, a lock override by a non-admin),
    /// `UnknownFramework`, `Invalid` (the file cannot be read, reports nothing, or rows are
    /// wrong: every problem listed by line and column), `TooManyReports` (over 200,000 rows),
    /// `Locked` (also in a dry run); the store fails. Nothing is stored then.
    pub async fn import_observations(
        &self,
        actor: &Actor,
        framework: &str,
        file: ImportFile<'_>,
        layout: &ObservationLayout,
        options: ImportOptions,
    ) -> ServiceResult<ObservationImportSummary> {
        if options.override_lock {
            self.permit(actor, Action::OverrideLock).await?;
        }
        let fw = self.framework(framework).await?;
        let format = transfer::detect_format(file.bytes, file.name).map_err(read_error)?;
        let table = transfer::read_table(file.bytes, format).map_err(read_error)?;
        let states = states_of(self.store.member_states().await?);
        let (found, columns): (
            Result<ObservationRows, Vec<transfer::FileIssue>>,
            [String; 3],
        ) = match layout {
            ObservationLayout::Tracker => (
                observation_rows(&table, &states),
                ["indicator".into(), "year".into(), "value".into()],
            ),
            ObservationLayout::Sdmx { indicator_column } => {
                let column = indicator_column.as_deref().unwrap_or(SDMX_INDICATOR_COLUMN);
                let named = |wanted: &str| {
                    table
                        .header
                        .iter()
                        .find(|h| h.trim().eq_ignore_ascii_case(wanted))
                        .cloned()
                        .unwrap_or_else(|| wanted.to_owned())
                };
                (
                    sdmx_observation_rows(&table, column, &states),
                    [named(column), named("TIME_PERIOD"), named("OBS_VALUE")],
                )
            }
        };
        let found = found.map_err(|issues| ServiceError::Invalid(bounded(line_issues(&issues))))?;
        let [indicator_col, year_col, value_col] = columns;

        let scopes: Vec<(u64, &Scope)> = found
            .rows
            .iter()
            .map(|r| (r.line, &r.observation.scope))
            .collect();
        self.permit_scopes(actor, &scopes, |s| Action::Observe(s), "observations")
            .await?;

        let indicators: HashMap<String, Indicator> = self
            .indicators(&fw.code)
            .await?
            .into_iter()
            .map(|i| (i.code.clone(), i))
            .collect();
        let mut issues: Vec<(u64, FieldIssue)> = Vec::new();
        for row in &found.rows {
            check_framework(&mut issues, row.line, row.framework.as_deref(), &fw.code);
            let o = &row.observation;
            let Some(indicator) = indicators.get(&o.indicator) else {
                issues.push(at(
                    row.line,
                    &indicator_col,
                    format!("`{}` is not an indicator of `{}`", o.indicator, fw.code),
                ));
                continue;
            };
            if let Err(found) = o.check(&indicator.unit, &fw) {
                issues.extend(found.iter().map(|i| {
                    let column = if i.field() == "year" {
                        &year_col
                    } else {
                        &value_col
                    };
                    at(row.line, column, i.to_string())
                }));
            }
        }
        if !issues.is_empty() {
            return Err(ServiceError::Invalid(bounded(issues)));
        }
        if found.rows.is_empty() {
            return Err(whole_file(format!(
                "the file gives no value: every row's {value_col} is empty"
            )));
        }
        let lock = lock_in_force(self, &fw).await?;
        let in_locked_period = lock.map_or(0, |l| {
            found
                .rows
                .iter()
                .filter(|r| year_end(r.observation.year).is_none_or(|end| end <= l.until))
                .count()
        });
        if let Some(l) = lock
            && in_locked_period > 0
            && !options.override_lock
        {
            return Err(ServiceError::Locked {
                lock_id: l.id,
                until: l.until,
                count: in_locked_period,
            });
        }
        let mut by_scope: BTreeMap<String, usize> = BTreeMap::new();
        for row in &found.rows {
            *by_scope
                .entry(row.observation.scope.to_string())
                .or_default() += 1;
        }
        let validated = matches!(actor.user.role, Role::Admin | Role::Secretariat);
        let mut summary = ObservationImportSummary {
            framework: fw.code.clone(),
            file: file.name.map(str::to_owned),
            format,
            sdmx: matches!(layout, ObservationLayout::Sdmx { .. }),
            sheet: table.sheet.clone(),
            dry_run: options.dry_run,
            rows: table.rows.len(),
            blank: found.blank,
            stored: found.rows.len(),
            by_scope,
            validation: if validated { "validated" } else { "reported" },
            first_id: None,
            last_id: None,
            lock,
            in_locked_period,
        };
        if options.dry_run {
            return Ok(summary);
        }
        let observations: Vec<NewObservation> =
            found.rows.into_iter().map(|r| r.observation).collect();
        let stored = self
            .record_observations(actor, &fw.code, &observations, options.override_lock)
            .await?;
        summary.stored = stored.len();
        summary.first_id = stored.first().map(|o| o.id);
        summary.last_id = stored.last().map(|o| o.id);
        Ok(summary)
    }

    /// Every target revision of a framework's indicators, first recorded first (from the
    /// indicators held in memory).
    async fn targets_of(&self, fw: &Framework) -> ServiceResult<Vec<Target>> {
        let data = self.indicator_data(fw).await?;
        let mut targets: Vec<Target> = data
            .records
            .iter()
            .flat_map(|r| data.targets_of(r.id).iter().cloned())
            .collect();
        targets.sort_by_key(|t| t.id);
        Ok(targets)
    }

    /// Every observation of a framework's indicators, first recorded first, with its review
    /// (from the indicators held in memory).
    async fn observations_of(&self, fw: &Framework) -> ServiceResult<Vec<Observation>> {
        let data = self.indicator_data(fw).await?;
        let mut observations: Vec<Observation> = data
            .records
            .iter()
            .flat_map(|r| data.observations_of(r.id).iter().cloned())
            .collect();
        observations.sort_by_key(|o| o.id);
        Ok(observations)
    }

    /// The observation in force per (indicator, scope, year): recorded last at or before
    /// `known_at`; with `basis=validated`, of the validated ones.
    async fn observations_in_force(
        &self,
        fw: &Framework,
        known_at: Option<DateTime<Utc>>,
        basis: Basis,
    ) -> ServiceResult<Vec<Observation>> {
        let mut best: BTreeMap<(String, Scope, i32), Observation> = BTreeMap::new();
        for o in self.observations_of(fw).await? {
            if known_at.is_some_and(|t| o.recorded_at > t)
                || (basis == Basis::Validated && o.validation.state != ValidationState::Validated)
            {
                continue;
            }
            let key = (o.indicator.clone(), o.scope.clone(), o.year);
            let newer = best
                .get(&key)
                .is_none_or(|b| (b.recorded_at, b.id) < (o.recorded_at, o.id));
            if newer {
                best.insert(key, o);
            }
        }
        Ok(best.into_values().collect())
    }

    /// An export of a framework's indicator definitions with the targets in force, of the
    /// observations in force, or of every indicator's progress, as CSV, XLSX or SDMX-CSV
    /// (definitions: CSV or XLSX).
    ///
    /// # Errors
    /// `UnknownFramework`, `UnknownState`, `InvalidQuery` (definitions as SDMX-CSV); the store
    /// fails.
    pub async fn export_indicators(
        &self,
        framework: &str,
        query: &IndicatorExportQuery,
        today: NaiveDate,
    ) -> ServiceResult<ExportFile> {
        let fw = self.framework(framework).await?;
        let format = query.format.unwrap_or(FileFormat::Csv);
        if let Some(Scope::State(code)) = &query.scope {
            self.ensure_member_state(code).await?;
        }
        let known = query.known_at.map_or(String::new(), |t| {
            format!(", as known at {}", t.to_rfc3339())
        });
        let in_scope = |s: &Scope| query.scope.as_ref().is_none_or(|q| q == s);
        let indicators = self.indicators(&fw.code).await?;
        let (sheet, stem) = match query.what {
            IndicatorExportWhat::Indicators => {
                if format == FileFormat::SdmxCsv {
                    // Well-formed, but not for definitions (SDMX-CSV holds observations): 422.
                    return Err(ServiceError::Invalid(vec![FieldIssue::invalid(
                        "format",
                        "indicator definitions are exported as csv or xlsx; sdmx-csv holds observations and progress",
                    )]));
                }
                let targets = self.targets_of(&fw).await?;
                let sheet = definitions_sheet(&fw.code, &indicators, &targets, query.known_at);
                let about = format!(
                    "Indicators of {} with the targets in force{known}: one row per indicator and scope with a target (one row without a target when none has one). Importable as it is: rows equal to what is recorded are left out.",
                    fw.code
                );
                (with_about(sheet, about), "indicators".to_owned())
            }
            IndicatorExportWhat::Observations => {
                let mut observations = self
                    .observations_in_force(&fw, query.known_at, query.basis)
                    .await?;
                observations.retain(|o| in_scope(&o.scope));
                let units: HashMap<&str, &Indicator> =
                    indicators.iter().map(|i| (i.code.as_str(), i)).collect();
                let sheet = if format == FileFormat::SdmxCsv {
                    observations_sdmx(&fw.code, &observations, &units)
                } else {
                    observations_sheet(&fw.code, &observations, &units)
                };
                let about = format!(
                    "Observations of {}'s indicators{known}, basis {}: per indicator, scope and year, the value recorded last. Importable as it is (blueprint-tracker import observations FILE).",
                    fw.code,
                    query.basis.as_str()
                );
                (with_about(sheet, about), "observations".to_owned())
            }
            IndicatorExportWhat::Progress => {
                let as_of = query.as_of.unwrap_or(today);
                // Read once and computed per indicator by the engine, as
                // `Tracker::indicator_progress` computes one (which reads everything again).
                let mut targets: HashMap<String, Vec<Target>> = HashMap::new();
                for t in self.targets_of(&fw).await? {
                    targets.entry(t.indicator.clone()).or_default().push(t);
                }
                let mut observations: HashMap<String, Vec<Observation>> = HashMap::new();
                for o in self.observations_of(&fw).await? {
                    observations.entry(o.indicator.clone()).or_default().push(o);
                }
                let participations = self.store.participations(fw.id).await?;
                let participants = participants_as_of(&participations, as_of);
                let at = IndicatorAt {
                    at: At {
                        as_of,
                        known_at: query.known_at,
                    },
                    basis: query.basis,
                };
                let figures: Vec<ProgressFigures> = indicators
                    .iter()
                    .filter(|i| !i.retired)
                    .map(|i| {
                        indicator_progress(
                            i,
                            &participants,
                            targets.get(&i.code).map_or(&[][..], Vec::as_slice),
                            observations.get(&i.code).map_or(&[][..], Vec::as_slice),
                            at,
                        )
                    })
                    .collect();
                let basis = query.basis.as_str();
                let sheet = if format == FileFormat::SdmxCsv {
                    progress_sdmx(&fw.code, as_of, basis, &figures)
                } else {
                    progress_sheet(&fw.code, as_of, basis, &figures)
                };
                let about = format!(
                    "Progress of {}'s indicators as of {as_of}{known}, basis {basis} (DESIGN §2b): current_status = (latest − baseline) / (target − baseline), expected = the share of the baseline-to-target years elapsed, anticipated progress from the weighted trend; mean_of_states is the unweighted mean of the participants' current statuses, beside the regional (ASEAN) figures.",
                    fw.code
                );
                (
                    with_about(sheet, about),
                    format!("indicator-progress-{as_of}"),
                )
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

    /// An observations template for a framework and a scope (`ASEAN` or a participant): one
    /// row per indicator in use, the year and value empty, to fill and import.
    ///
    /// # Errors
    /// `UnknownFramework`, `UnknownState`, `Invalid` for a state that never participates in
    /// the framework, `InvalidQuery` for a format other than CSV or XLSX; the store fails.
    pub async fn observation_template(
        &self,
        framework: &str,
        scope: &Scope,
        format: FileFormat,
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
        let indicators: Vec<Indicator> = self
            .indicators(&fw.code)
            .await?
            .into_iter()
            .filter(|i| !i.retired)
            .collect();
        let sheet = template_sheet(&fw, scope, &indicators);
        Ok(ExportFile {
            name: format!(
                "{}-observations-template-{}.{}",
                fw.code,
                scope,
                format.extension()
            ),
            format,
            bytes: write_sheet(sheet, format)?,
        })
    }
}

fn check_framework(
    issues: &mut Vec<(u64, FieldIssue)>,
    line: u64,
    named: Option<&str>,
    framework: &str,
) {
    if let Some(named) = named
        && named != framework
    {
        issues.push(at(
            line,
            "framework",
            format!("the file is imported into `{framework}`; this row names `{named}`"),
        ));
    }
}

fn line_issues(issues: &[transfer::FileIssue]) -> Vec<(u64, FieldIssue)> {
    issues
        .iter()
        .map(|i| (i.line.unwrap_or(0), file_issue(i)))
        .collect()
}

fn names(columns: &[&str]) -> Vec<String> {
    columns.iter().map(|c| (*c).to_owned()).collect()
}

fn opt_number(value: Option<f64>) -> Cell {
    value.map_or(Cell::Empty, Cell::Number)
}

fn opt_fraction(value: Option<f64>) -> Cell {
    value.map_or(Cell::Empty, Cell::Fraction)
}

/// Definitions with the target in force per scope, importable as they are.
fn definitions_sheet(
    framework: &str,
    indicators: &[Indicator],
    targets: &[Target],
    known_at: Option<DateTime<Utc>>,
) -> Sheet {
    let mut columns = names(&DEFINITION_COLUMNS);
    columns.extend(names(&[
        "retired",
        "target_recorded_at",
        "target_recorded_by",
        "target_note",
    ]));
    let mut rows = Vec::new();
    for i in indicators {
        let scopes: std::collections::BTreeSet<&Scope> = targets
            .iter()
            .filter(|t| t.indicator == i.code)
            .map(|t| &t.scope)
            .collect();
        let in_force: Vec<&Target> = scopes
            .iter()
            .filter_map(|s| target_in_force(&i.code, s, targets, known_at))
            .collect();
        let definition = || {
            vec![
                Cell::text(framework),
                Cell::text(&i.code),
                Cell::text(&i.title),
                Cell::text(&i.unit),
                Cell::text(i.direction.as_str()),
                Cell::text(&i.node),
                Cell::Int(i64::from(i.decimals)),
                Cell::opt_text(i.source.clone()),
                Cell::opt_text(i.note.clone()),
            ]
        };
        let retired = Cell::text(if i.retired { "yes" } else { "no" });
        if in_force.is_empty() {
            let mut row = definition();
            row.extend(std::iter::repeat_n(Cell::Empty, 5));
            row.push(retired.clone());
            row.extend(std::iter::repeat_n(Cell::Empty, 3));
            rows.push(row);
        }
        for t in in_force {
            let mut row = definition();
            row.extend([
                Cell::text(t.scope.as_str()),
                Cell::Int(i64::from(t.baseline_year)),
                Cell::Number(t.baseline_value),
                Cell::Int(i64::from(t.target_year)),
                Cell::Number(t.target_value),
                retired.clone(),
                Cell::Instant(t.recorded_at),
                Cell::opt_text(t.recorded_by.clone()),
                Cell::opt_text(t.note.clone()),
            ]);
            rows.push(row);
        }
    }
    Sheet {
        name: crate::transfer::indicators::DEFINITIONS_SHEET.into(),
        columns,
        rows,
        ..Sheet::default()
    }
}

/// Observations, importable as they are.
fn observations_sheet(
    framework: &str,
    observations: &[Observation],
    indicators: &HashMap<&str, &Indicator>,
) -> Sheet {
    let mut columns = names(&OBSERVATION_COLUMNS);
    columns.extend(names(&[
        "indicator_title",
        "unit",
        "observation_id",
        "recorded_at",
        "recorded_by",
        "validation",
    ]));
    let rows = observations
        .iter()
        .map(|o| {
            let i = indicators.get(o.indicator.as_str());
            vec![
                Cell::text(framework),
                Cell::text(&o.indicator),
                Cell::text(o.scope.as_str()),
                Cell::Int(i64::from(o.year)),
                Cell::Number(o.value),
                Cell::opt_text(o.source.clone()),
                Cell::opt_text(o.note.clone()),
                Cell::opt_text(i.map(|i| i.title.clone())),
                Cell::opt_text(i.map(|i| i.unit.clone())),
                Cell::Int(o.id),
                Cell::Instant(o.recorded_at),
                Cell::opt_text(o.recorded_by.clone()),
                Cell::text(o.validation.state.as_str()),
            ]
        })
        .collect();
    Sheet {
        name: OBSERVATIONS_SHEET.into(),
        columns,
        rows,
        ..Sheet::default()
    }
}

/// Observations as SDMX-CSV 2.0 (`ASEAN:DF_ASCC_INDICATORS(1.0)`): dimensions `FRAMEWORK`,
/// `INDICATOR`, `REF_AREA`, `TIME_PERIOD`; attributes `UNIT_MEASURE`, `OBS_STATUS` (the
/// review state), `SOURCE`, `NOTE`, `RECORDED_AT`. Importable with `--sdmx`.
fn observations_sdmx(
    framework: &str,
    observations: &[Observation],
    indicators: &HashMap<&str, &Indicator>,
) -> Sheet {
    let columns = names(&[
        "STRUCTURE",
        "STRUCTURE_ID",
        "ACTION",
        "FRAMEWORK",
        "INDICATOR",
        "REF_AREA",
        "TIME_PERIOD",
        "OBS_VALUE",
        "UNIT_MEASURE",
        "OBS_STATUS",
        "SOURCE",
        "NOTE",
        "RECORDED_AT",
    ]);
    let rows = observations
        .iter()
        .map(|o| {
            vec![
                Cell::text("dataflow"),
                Cell::text(SDMX_INDICATOR_FLOW),
                Cell::text("I"),
                Cell::text(framework),
                Cell::text(&o.indicator),
                Cell::text(o.scope.as_str()),
                Cell::Int(i64::from(o.year)),
                Cell::Number(o.value),
                Cell::opt_text(indicators.get(o.indicator.as_str()).map(|i| i.unit.clone())),
                Cell::text(o.validation.state.as_str()),
                Cell::opt_text(o.source.clone()),
                Cell::opt_text(o.note.clone()),
                Cell::Instant(o.recorded_at),
            ]
        })
        .collect();
    Sheet {
        name: OBSERVATIONS_SHEET.into(),
        columns,
        rows,
        ..Sheet::default()
    }
}

type ProgressFigures = crate::engine::indicators::IndicatorProgress;

/// Every indicator's figures, one row per scope, then its `mean_of_states`.
fn progress_sheet(
    framework: &str,
    as_of: NaiveDate,
    basis: &str,
    figures: &[ProgressFigures],
) -> Sheet {
    let columns = names(&[
        "framework",
        "as_of",
        "basis",
        "indicator",
        "scope",
        "rule",
        "baseline_year",
        "baseline_value",
        "target_year",
        "target_value",
        "latest_year",
        "latest_value",
        "points",
        "current_status",
        "expected",
        "ahead",
        "anticipated_value",
        "anticipated_progress",
        "class",
        "states",
    ]);
    let mut rows = Vec::new();
    for f in figures {
        let lead = |scope: &str, rule: &str| {
            vec![
                Cell::text(framework),
                Cell::Date(as_of),
                Cell::text(basis),
                Cell::text(&f.indicator),
                Cell::text(scope),
                Cell::text(rule),
            ]
        };
        for s in &f.scopes {
            let mut row = lead(s.scope.as_str(), s.rule.as_str());
            let year = |v: Option<crate::engine::indicators::YearValue>| {
                v.map_or(Cell::Empty, |v| Cell::Int(i64::from(v.year)))
            };
            let value = |v: Option<crate::engine::indicators::YearValue>| {
                v.map_or(Cell::Empty, |v| Cell::Number(v.value))
            };
            row.extend([
                year(s.baseline),
                value(s.baseline),
                year(s.target),
                value(s.target),
                year(s.latest),
                value(s.latest),
                Cell::Int(i64::try_from(s.points.len()).unwrap_or(i64::MAX)),
                opt_fraction(s.current_status),
                opt_fraction(s.expected),
                s.ahead
                    .map_or(Cell::Empty, |a| Cell::text(if a { "yes" } else { "no" })),
                opt_number(s.anticipated_value),
                opt_fraction(s.anticipated_progress),
                Cell::text(s.class.as_str()),
                Cell::Empty,
            ]);
            rows.push(row);
        }
        let mut row = lead(Scope::ASEAN, f.mean_of_states.rule.as_str());
        row.extend(std::iter::repeat_n(Cell::Empty, 7));
        row.push(opt_fraction(f.mean_of_states.current_status));
        row.extend(std::iter::repeat_n(Cell::Empty, 5));
        row.push(Cell::Int(
            i64::try_from(f.mean_of_states.states).unwrap_or(i64::MAX),
        ));
        rows.push(row);
    }
    Sheet {
        name: "indicator-progress".into(),
        columns,
        rows,
        ..Sheet::default()
    }
}

/// Every indicator's figures as SDMX-CSV 2.0 (`ASEAN:DF_ASCC_INDICATOR_PROGRESS(1.0)`):
/// dimensions `FRAMEWORK`, `INDICATOR`, `REF_AREA`, `RULE` (`scope`, `regional`,
/// `mean_of_states`), `STATISTIC` (`CURRENT_STATUS`, `EXPECTED`, `ANTICIPATED_VALUE`,
/// `ANTICIPATED_PROGRESS`, `LATEST_VALUE`), `TIME_PERIOD` (the as-of date); attributes
/// `CLASS`, `BASIS`. An empty `OBS_VALUE` is a figure that is `null`.
fn progress_sdmx(
    framework: &str,
    as_of: NaiveDate,
    basis: &str,
    figures: &[ProgressFigures],
) -> Sheet {
    let columns = names(&[
        "STRUCTURE",
        "STRUCTURE_ID",
        "ACTION",
        "FRAMEWORK",
        "INDICATOR",
        "REF_AREA",
        "RULE",
        "STATISTIC",
        "TIME_PERIOD",
        "OBS_VALUE",
        "CLASS",
        "BASIS",
    ]);
    let mut rows = Vec::new();
    let mut push =
        |indicator: &str, scope: &str, rule: &str, stat: &str, value: Cell, class: &str| {
            rows.push(vec![
                Cell::text("dataflow"),
                Cell::text(SDMX_INDICATOR_PROGRESS_FLOW),
                Cell::text("I"),
                Cell::text(framework),
                Cell::text(indicator),
                Cell::text(scope),
                Cell::text(rule),
                Cell::text(stat),
                Cell::Date(as_of),
                value,
                Cell::text(class),
                Cell::text(basis),
            ]);
        };
    for f in figures {
        for s in &f.scopes {
            let class = s.class.as_str();
            let (scope, rule) = (s.scope.as_str(), s.rule.as_str());
            push(
                &f.indicator,
                scope,
                rule,
                "CURRENT_STATUS",
                opt_number(s.current_status),
                class,
            );
            push(
                &f.indicator,
                scope,
                rule,
                "EXPECTED",
                opt_number(s.expected),
                class,
            );
            push(
                &f.indicator,
                scope,
                rule,
                "ANTICIPATED_VALUE",
                opt_number(s.anticipated_value),
                class,
            );
            push(
                &f.indicator,
                scope,
                rule,
                "ANTICIPATED_PROGRESS",
                opt_number(s.anticipated_progress),
                class,
            );
            push(
                &f.indicator,
                scope,
                rule,
                "LATEST_VALUE",
                opt_number(s.latest.map(|l| l.value)),
                class,
            );
        }
        push(
            &f.indicator,
            Scope::ASEAN,
            f.mean_of_states.rule.as_str(),
            "CURRENT_STATUS",
            opt_number(f.mean_of_states.current_status),
            "",
        );
    }
    Sheet {
        name: "indicator-progress".into(),
        columns,
        rows,
        ..Sheet::default()
    }
}

/// An observations file to fill: one row per indicator for the scope, year and value empty.
fn template_sheet(fw: &Framework, scope: &Scope, indicators: &[Indicator]) -> Sheet {
    let mut columns = names(&OBSERVATION_COLUMNS);
    columns.extend(names(&["indicator_title", "unit", "direction"]));
    let rows = indicators
        .iter()
        .map(|i| {
            let mut row = vec![
                Cell::text(&fw.code),
                Cell::text(&i.code),
                Cell::text(scope.as_str()),
            ];
            row.extend(std::iter::repeat_n(Cell::Empty, 4));
            row.extend([
                Cell::text(&i.title),
                Cell::text(&i.unit),
                Cell::text(i.direction.as_str()),
            ]);
            row
        })
        .collect();
    let first = fw.start_date.year() - crate::domain::YEAR_MARGIN;
    let last = fw.end_date.year() + crate::domain::YEAR_MARGIN;
    Sheet {
        name: OBSERVATIONS_SHEET.into(),
        columns,
        rows,
        rules: vec![(
            3,
            CellRule::WholeNumber(first, last),
            format!("The year the value is for: {first} to {last}"),
        )],
        about: vec![
            format!(
                "Observations template of {} for {} ({} indicators).",
                fw.code,
                scope,
                indicators.len()
            ),
            "Fill year and value on the rows you report (copy a row for several years); optionally source and note. A row with an empty value is skipped.".into(),
            "value: a number with a decimal point (53.5), no thousands separator; an indicator in % takes 0 to 100. Do not change framework, indicator or scope.".into(),
            "Import with a dry run first: blueprint-tracker import observations FILE --dry-run. Every problem is listed with its line and column; nothing is stored until the whole file is right.".into(),
        ],
    }
}
