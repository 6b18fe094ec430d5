//! Indicator files read from a [`Table`] (issue 14, item 4): definitions with their targets,
//! observations, and observations in SDMX-CSV. Pure: a table in, typed rows or every problem
//! (line and column) out; whether the caller may write them, whether the indicators exist and
//! the locks are the service's (`service::transfer::indicators`).
//!
//! Decisions where the issue is silent:
//! - column names are matched as in status files (case, spaces and hyphens ignored) for the
//!   tracker's own files; an unknown column is refused, except the informational columns the
//!   tracker writes itself. SDMX-CSV columns are matched without regard to case, and every
//!   column other than `REF_AREA`, `TIME_PERIOD`, `OBS_VALUE` and the indicator's is ignored
//!   (`DATAFLOW`, `UNIT_MEASURE`, `OBS_STATUS`…), since SDMX files carry many;
//! - a scope is `ASEAN` (any case) or a member state's alpha-3 or alpha-2 code (`VNM`, `VN`);
//! - a year is a whole number of four digits; in SDMX-CSV `TIME_PERIOD` must be an annual
//!   period (`2027`, or `2027-A1`): a quarter, month or day (`2027-Q4`, `2027-12-31`) is
//!   refused rather than taken for the year, because a value for part of a year is not the
//!   year's value;
//! - a value is a number with a decimal point (`53.5`, a trailing `%` allowed); a comma in a
//!   value is refused, since `1,000` (a thousands separator) and `53,5` (a decimal comma)
//!   cannot be told apart;
//! - a row whose value is empty is a placeholder (a template's untouched row, an SDMX series
//!   with a missing observation): skipped and counted, never an error;
//! - two rows of one file for the same indicator, scope and year are refused (which would
//!   hold?); in SDMX-CSV that usually means another dimension (`SEX`, `AGE`…) tells them apart:
//!   the file should be filtered to one series.

use std::collections::HashMap;

use super::read::{CellValue, Row, Table, number_text};
use super::status::{FileIssue, normalise_name};
use crate::domain::{Direction, NewObservation, Scope, StateCode};

/// The name of the sheet of an indicator-definitions workbook.
pub const DEFINITIONS_SHEET: &str = "indicators";
/// The name of the sheet of an observations workbook.
pub const OBSERVATIONS_SHEET: &str = "observations";

/// The columns of a definitions file, in order: the definition, then a target.
pub const DEFINITION_COLUMNS: [&str; 14] = [
    "framework",
    "code",
    "title",
    "unit",
    "direction",
    "node",
    "decimals",
    "source",
    "note",
    "scope",
    "baseline_year",
    "baseline_value",
    "target_year",
    "target_value",
];
const DEFINITION_FIELDS: [&str; 7] = [
    "title",
    "unit",
    "direction",
    "node",
    "decimals",
    "source",
    "note",
];
const TARGET_FIELDS: [&str; 5] = [
    "scope",
    "baseline_year",
    "baseline_value",
    "target_year",
    "target_value",
];

/// The columns of an observations file, in order.
pub const OBSERVATION_COLUMNS: [&str; 7] = [
    "framework",
    "indicator",
    "scope",
    "year",
    "value",
    "source",
    "note",
];

/// Columns the tracker writes beside the data in exports and templates, for people to read;
/// an import ignores them.
pub const INFORMATIONAL: [&str; 12] = [
    "indicator_title",
    "title_of_node",
    "unit",
    "direction",
    "retired",
    "observation_id",
    "recorded_at",
    "recorded_by",
    "validation",
    "target_recorded_at",
    "target_recorded_by",
    "target_note",
];

/// The default SDMX-CSV column of the indicator code.
pub const SDMX_INDICATOR_COLUMN: &str = "INDICATOR";

/// The longest text a source or note may have (characters).
const MAX_TEXT: usize = 2_000;

/// A member state's alpha-3 and alpha-2 codes, to read a scope written either way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateArea {
    pub alpha3: StateCode,
    pub alpha2: String,
}

/// `text` as a scope: `ASEAN`, or a state of `states` by its alpha-3 or alpha-2 code.
///
/// # Errors
/// A message for anything else.
pub fn resolve_scope(text: &str, states: &[StateArea]) -> Result<Scope, String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case(Scope::ASEAN) {
        return Ok(Scope::Asean);
    }
    states
        .iter()
        .find(|s| {
            s.alpha3.as_str().eq_ignore_ascii_case(text) || s.alpha2.eq_ignore_ascii_case(text)
        })
        .map(|s| Scope::State(s.alpha3.clone()))
        .ok_or_else(|| {
            format!(
                "`{text}` is not a scope: use ASEAN or a member state's alpha-3 or alpha-2 code (VNM or VN)"
            )
        })
}

/// The definition part of a definitions row.
#[derive(Debug, Clone, PartialEq)]
pub struct DefinitionFields {
    pub title: String,
    pub unit: String,
    pub direction: Direction,
    pub node: String,
    pub decimals: Option<u8>,
    pub source: Option<String>,
    pub note: Option<String>,
}

/// The target part of a definitions row.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetFields {
    pub scope: Scope,
    pub baseline_year: i32,
    pub baseline_value: f64,
    pub target_year: i32,
    pub target_value: f64,
}

/// One data row of a definitions file: an indicator's definition, a target for it, or both.
#[derive(Debug, Clone, PartialEq)]
pub struct DefinitionRow {
    pub line: u64,
    pub framework: Option<String>,
    pub code: String,
    pub definition: Option<DefinitionFields>,
    pub target: Option<TargetFields>,
}

/// One observation read from a file, with its line.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservationRow {
    pub line: u64,
    pub framework: Option<String>,
    pub observation: NewObservation,
}

/// The observations of a file and how many placeholder rows were skipped.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ObservationRows {
    pub rows: Vec<ObservationRow>,
    /// Rows with an empty value, skipped.
    pub blank: usize,
}

/// Which column of the table holds which field (`None`: ignored).
struct Columns {
    fields: Vec<Option<&'static str>>,
    /// The column names as the messages give them.
    names: HashMap<&'static str, String>,
}

impl Columns {
    fn has(&self, field: &str) -> bool {
        self.fields.contains(&Some(field))
    }
}

/// Matches the header against `known`, listing unknown, repeated and missing columns.
fn match_header(
    table: &Table,
    known: &[&'static str],
    required: &[&'static str],
    kind: &str,
) -> Result<Columns, Vec<FileIssue>> {
    let mut issues = Vec::new();
    let mut fields = Vec::with_capacity(table.header.len());
    for name in &table.header {
        let normalised = normalise_name(name);
        if let Some(field) = known.iter().find(|c| **c == normalised) {
            if fields.contains(&Some(*field)) {
                issues.push(FileIssue::header(
                    *field,
                    format!("the column `{field}` appears twice"),
                ));
            }
            fields.push(Some(*field));
        } else if normalised.is_empty() || INFORMATIONAL.contains(&normalised.as_str()) {
            fields.push(None);
        } else {
            issues.push(FileIssue::header(
                name.clone(),
                format!("unknown column `{name}`; {kind} has {}", known.join(", ")),
            ));
            fields.push(None);
        }
    }
    for field in required {
        if !fields.contains(&Some(*field)) {
            issues.push(FileIssue::header(
                *field,
                format!(
                    "the column `{field}` is missing; the header is {}",
                    known.join(",")
                ),
            ));
        }
    }
    if issues.is_empty() {
        let names = known.iter().map(|k| (*k, (*k).to_owned())).collect();
        Ok(Columns { fields, names })
    } else {
        Err(issues)
    }
}

/// The cells of one row by field, and the problems found reading them.
struct Cells<'a> {
    row: &'a Row,
    by_field: HashMap<&'static str, &'a CellValue>,
    names: &'a HashMap<&'static str, String>,
    issues: Vec<FileIssue>,
}

impl<'a> Cells<'a> {
    fn new(row: &'a Row, columns: &'a Columns) -> Self {
        let mut issues = Vec::new();
        if row.cells.len() > columns.fields.len()
            && row.cells[columns.fields.len()..]
                .iter()
                .any(|c| !c.is_empty())
        {
            issues.push(FileIssue {
                line: Some(row.line),
                column: None,
                message: format!(
                    "the row has values past the last column of the header ({} columns)",
                    columns.fields.len()
                ),
            });
        }
        let by_field = columns
            .fields
            .iter()
            .zip(&row.cells)
            .filter_map(|(f, c)| f.map(|f| (f, c)))
            .filter(|(_, c)| !c.is_empty())
            .collect();
        Self {
            row,
            by_field,
            names: &columns.names,
            issues,
        }
    }

    fn filled(&self, field: &str) -> bool {
        self.by_field.contains_key(field)
    }

    fn problem(&mut self, field: &str, message: impl Into<String>) {
        let column = self
            .names
            .get(field)
            .cloned()
            .unwrap_or_else(|| field.to_owned());
        self.issues
            .push(FileIssue::at(self.row.line, column, message));
    }

    /// The trimmed text of a filled cell.
    fn text(&self, field: &str) -> Option<String> {
        self.by_field.get(field).map(|c| c.text().trim().to_owned())
    }

    /// A required text cell, at most `max` characters, without spaces when `code`.
    fn required(&mut self, field: &str, max: usize, what: &str) -> Option<String> {
        match self.text(field) {
            None => {
                self.problem(field, format!("empty: give {what}"));
                None
            }
            Some(t) if t.chars().count() > max => {
                self.problem(field, format!("longer than {max} characters"));
                None
            }
            Some(t) => Some(t),
        }
    }

    fn optional(&mut self, field: &str) -> Option<String> {
        let text = self.by_field.get(field).map(|c| c.text())?;
        if text.chars().count() > MAX_TEXT {
            self.problem(field, format!("longer than {MAX_TEXT} characters"));
            return None;
        }
        Some(text)
    }

    fn year(&mut self, field: &str) -> Option<i32> {
        let cell = self.by_field.get(field).copied()?;
        match year_of(cell) {
            Ok(y) => Some(y),
            Err(m) => {
                self.problem(field, m);
                None
            }
        }
    }

    fn number(&mut self, field: &str) -> Option<f64> {
        let cell = self.by_field.get(field).copied()?;
        match number_of(cell) {
            Ok(n) => Some(n),
            Err(m) => {
                self.problem(field, m);
                None
            }
        }
    }

    fn scope(&mut self, field: &str, states: &[StateArea]) -> Option<Scope> {
        let text = self.text(field)?;
        match resolve_scope(&text, states) {
            Ok(s) => Some(s),
            Err(m) => {
                self.problem(field, m);
                None
            }
        }
    }
}

/// A year cell: a whole number of four digits (a number cell of a workbook, or text).
fn year_of(cell: &CellValue) -> Result<i32, String> {
    let text = match cell {
        CellValue::Number(n) if n.fract() == 0.0 => number_text(*n),
        other => other.text().trim().to_owned(),
    };
    if text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()) && !text.starts_with('0') {
        text.parse::<i32>()
            .map_err(|_| format!("`{text}` is not a year"))
    } else {
        Err(format!("`{text}` is not a year: write four digits (2027)"))
    }
}

/// A value cell: a finite number (a trailing `%` allowed), with a decimal point.
fn number_of(cell: &CellValue) -> Result<f64, String> {
    match cell {
        CellValue::Number(n) if n.is_finite() => Ok(*n),
        CellValue::Number(_) => Err("the value must be a finite number".into()),
        CellValue::Date(d) => Err(format!("`{d}` is a date, not a number")),
        CellValue::Empty => Err("empty".into()),
        CellValue::Text(s) => {
            let t = s.trim();
            let t = t.strip_suffix('%').map_or(t, str::trim_end);
            if t.contains(',') {
                return Err(format!(
                    "`{}` has a comma: write the number with a decimal point and no thousands separator (1234.5)",
                    s.trim()
                ));
            }
            let n = t
                .parse::<f64>()
                .map_err(|_| format!("`{}` is not a number", s.trim()))?;
            if n.is_finite() && t.bytes().any(|b| b.is_ascii_digit()) {
                Ok(n)
            } else {
                Err(format!("`{}` is not a finite number", s.trim()))
            }
        }
    }
}

fn code_issue(code: &str) -> Option<&'static str> {
    (code.chars().count() > 64 || code.chars().any(|c| c.is_whitespace() || c.is_control()))
        .then_some("a code of 1 to 64 characters without spaces")
}

/// The rows of an indicator-definitions table: each defines an indicator (`code`, `title`,
/// `unit`, `direction`, `node`, optionally `decimals`, `source`, `note`), sets a target for
/// it (`scope`, `baseline_year`, `baseline_value`, `target_year`, `target_value`), or both.
/// An indicator may be defined on several rows (one per target) when they say the same.
///
/// # Errors
/// Every problem of the header, or of the rows, each with its line and column.
pub fn definition_rows(
    table: &Table,
    states: &[StateArea],
) -> Result<Vec<DefinitionRow>, Vec<FileIssue>> {
    let columns = match_header(
        table,
        &DEFINITION_COLUMNS,
        &["code"],
        "an indicator-definitions file",
    )?;
    let mut header_issues = Vec::new();
    if !(["title", "unit", "direction", "node"]
        .iter()
        .all(|c| columns.has(c))
        || TARGET_FIELDS.iter().all(|c| columns.has(c)))
    {
        header_issues.push(FileIssue::header(
            "title",
            format!(
                "the file neither defines indicators (title, unit, direction, node) nor sets targets ({})",
                TARGET_FIELDS.join(", ")
            ),
        ));
        return Err(header_issues);
    }
    let mut issues = Vec::new();
    let mut rows = Vec::with_capacity(table.rows.len());
    let mut defined: HashMap<String, (u64, DefinitionFields)> = HashMap::new();
    let mut targets_seen: HashMap<(String, Scope), u64> = HashMap::new();
    for row in &table.rows {
        let mut cells = Cells::new(row, &columns);
        let framework = cells.text("framework");
        let code = cells.required("code", 64, "the indicator's code");
        if let Some(c) = &code
            && let Some(m) = code_issue(c)
        {
            cells.problem("code", m);
        }
        let defines = DEFINITION_FIELDS.iter().any(|f| cells.filled(f));
        let sets_target = TARGET_FIELDS.iter().any(|f| cells.filled(f));
        if !defines && !sets_target {
            cells.problem(
                "title",
                "the row neither defines the indicator (title, unit, direction, node) nor sets a target (scope, baseline_year, baseline_value, target_year, target_value)",
            );
        }
        let definition = if defines {
            let title = cells.required("title", 1_000, "the indicator's title");
            let unit = cells.required("unit", 64, "the unit (`%`, `years`…)");
            let direction = cells
                .required("direction", 64, "increase or decrease")
                .and_then(|d| match normalise_name(&d).parse::<Direction>() {
                    Ok(d) => Some(d),
                    Err(e) => {
                        cells.problem("direction", e.0);
                        None
                    }
                });
            let node = cells.required("node", 64, "the code of the node it measures");
            let decimals = match cells.by_field.get("decimals").copied() {
                None => None,
                Some(cell) => match number_of(cell) {
                    Ok(n) if n.fract() == 0.0 && (0.0..=6.0).contains(&n) => Some(n as u8),
                    _ => {
                        cells.problem("decimals", "a whole number from 0 to 6");
                        None
                    }
                },
            };
            let source = cells.optional("source");
            let note = cells.optional("note");
            match (title, unit, direction, node) {
                (Some(title), Some(unit), Some(direction), Some(node)) => Some(DefinitionFields {
                    title,
                    unit,
                    direction,
                    node,
                    decimals,
                    source,
                    note,
                }),
                _ => None,
            }
        } else {
            None
        };
        let target = if sets_target {
            for field in TARGET_FIELDS {
                if !cells.filled(field) {
                    cells.problem(field, "empty: a target needs scope, baseline_year, baseline_value, target_year and target_value");
                }
            }
            let scope = cells.scope("scope", states);
            let baseline_year = cells.year("baseline_year");
            let baseline_value = cells.number("baseline_value");
            let target_year = cells.year("target_year");
            let target_value = cells.number("target_value");
            match (
                scope,
                baseline_year,
                baseline_value,
                target_year,
                target_value,
            ) {
                (Some(scope), Some(by), Some(bv), Some(ty), Some(tv)) => Some(TargetFields {
                    scope,
                    baseline_year: by,
                    baseline_value: bv,
                    target_year: ty,
                    target_value: tv,
                }),
                _ => None,
            }
        } else {
            None
        };
        if let Some(code) = &code {
            if let Some(d) = &definition {
                match defined.get(code) {
                    Some((first, earlier)) if earlier != d => cells.problem(
                        "title",
                        format!(
                            "line {first} defines `{code}` differently: the rows of one indicator must say the same"
                        ),
                    ),
                    Some(_) => {}
                    None => {
                        defined.insert(code.clone(), (row.line, d.clone()));
                    }
                }
            }
            if let Some(t) = &target {
                let key = (code.clone(), t.scope.clone());
                if let Some(first) = targets_seen.get(&key) {
                    cells.problem(
                        "scope",
                        format!(
                            "line {first} already sets the target of `{code}` in {}: one target per indicator and scope",
                            t.scope
                        ),
                    );
                } else {
                    targets_seen.insert(key, row.line);
                }
            }
        }
        issues.append(&mut cells.issues);
        if let Some(code) = code {
            rows.push(DefinitionRow {
                line: row.line,
                framework,
                code,
                definition,
                target,
            });
        }
    }
    if issues.is_empty() {
        Ok(rows)
    } else {
        Err(issues)
    }
}

/// Rows checked for duplicates of (indicator, scope, year).
struct Observations {
    out: ObservationRows,
    seen: HashMap<(String, Scope, i32), u64>,
}

impl Observations {
    fn new(capacity: usize) -> Self {
        Self {
            out: ObservationRows {
                rows: Vec::with_capacity(capacity),
                blank: 0,
            },
            seen: HashMap::new(),
        }
    }

    /// Keeps `row` unless another one has its key (then the problem is noted in `cells`).
    fn push(&mut self, row: ObservationRow, cells: &mut Cells<'_>, year_field: &str, sdmx: bool) {
        let o = &row.observation;
        let key = (o.indicator.clone(), o.scope.clone(), o.year);
        if let Some(first) = self.seen.get(&key) {
            let hint = if sdmx {
                " (another dimension, such as SEX or AGE, may tell the rows apart: keep one series)"
            } else {
                ""
            };
            cells.problem(
                year_field,
                format!(
                    "line {first} already gives `{}` in {} for {}: one value per indicator, scope and year{hint}",
                    o.indicator, o.scope, o.year
                ),
            );
        } else {
            self.seen.insert(key, row.line);
            self.out.rows.push(row);
        }
    }
}

/// The observations of an observations table (`indicator`, `scope`, `year`, `value`,
/// optionally `framework`, `source`, `note`). A row with an empty value is a placeholder.
///
/// # Errors
/// Every problem of the header, or of the rows, each with its line and column.
pub fn observation_rows(
    table: &Table,
    states: &[StateArea],
) -> Result<ObservationRows, Vec<FileIssue>> {
    if table
        .header
        .iter()
        .any(|h| h.trim().eq_ignore_ascii_case("OBS_VALUE"))
    {
        return Err(vec![FileIssue::header(
            "OBS_VALUE",
            "this is an SDMX-CSV file (it has OBS_VALUE): import it as SDMX-CSV (--sdmx, sdmx=true)",
        )]);
    }
    let columns = match_header(
        table,
        &OBSERVATION_COLUMNS,
        &["indicator", "scope", "year", "value"],
        "an observations file",
    )?;
    let mut issues = Vec::new();
    let mut found = Observations::new(table.rows.len());
    for row in &table.rows {
        let mut cells = Cells::new(row, &columns);
        if !cells.filled("value") {
            found.out.blank += 1;
            issues.append(&mut cells.issues);
            continue;
        }
        let framework = cells.text("framework");
        let indicator = cells.required("indicator", 64, "the indicator's code");
        let scope = if cells.filled("scope") {
            cells.scope("scope", states)
        } else {
            cells.problem("scope", "empty: give ASEAN or a member state's code");
            None
        };
        let year = if cells.filled("year") {
            cells.year("year")
        } else {
            cells.problem("year", "empty: give the year the value is for");
            None
        };
        let value = cells.number("value");
        let source = cells.optional("source");
        let note = cells.optional("note");
        if let (Some(indicator), Some(scope), Some(year), Some(value)) =
            (indicator, scope, year, value)
        {
            let row = ObservationRow {
                line: row.line,
                framework,
                observation: NewObservation {
                    indicator,
                    scope,
                    year,
                    value,
                    source,
                    note,
                },
            };
            found.push(row, &mut cells, "year", false);
        }
        issues.append(&mut cells.issues);
    }
    if issues.is_empty() {
        Ok(found.out)
    } else {
        Err(issues)
    }
}

/// An SDMX-CSV `TIME_PERIOD` as a year: `2027` or `2027-A1`.
fn sdmx_year(cell: &CellValue) -> Result<i32, String> {
    let text = match cell {
        CellValue::Number(n) if n.fract() == 0.0 => number_text(*n),
        other => other.text().trim().to_owned(),
    };
    let year = text.strip_suffix("-A1").unwrap_or(&text);
    year_of(&CellValue::Text(year.to_owned())).map_err(|_| {
        format!(
            "`{text}` is not an annual period: observations are yearly, write the year (2027); quarters, months and days are refused"
        )
    })
}

/// The observations of an SDMX-CSV table: `REF_AREA`, `TIME_PERIOD`, `OBS_VALUE` and the
/// indicator code in `indicator_column` (matched without regard to case); other columns
/// ignored; rows with an empty `OBS_VALUE` skipped and counted.
///
/// # Errors
/// Every problem of the header, or of the rows, each with its line and column (as named in
/// the file).
pub fn sdmx_observation_rows(
    table: &Table,
    indicator_column: &str,
    states: &[StateArea],
) -> Result<ObservationRows, Vec<FileIssue>> {
    let wanted = [
        ("indicator", indicator_column.trim()),
        ("scope", "REF_AREA"),
        ("year", "TIME_PERIOD"),
        ("value", "OBS_VALUE"),
    ];
    let mut issues = Vec::new();
    let mut fields: Vec<Option<&'static str>> = vec![None; table.header.len()];
    let mut names = HashMap::new();
    for (field, column) in wanted {
        let at: Vec<usize> = table
            .header
            .iter()
            .enumerate()
            .filter(|(_, h)| h.trim().eq_ignore_ascii_case(column))
            .map(|(i, _)| i)
            .collect();
        match at.as_slice() {
            [] => issues.push(FileIssue::header(
                column,
                format!(
                    "the column `{column}` is missing; SDMX-CSV observations need REF_AREA, TIME_PERIOD, OBS_VALUE and the indicator's code (column `{}`)",
                    indicator_column.trim()
                ),
            )),
            [i] => {
                if let Some(f) = fields.get_mut(*i) {
                    if f.is_some() {
                        issues.push(FileIssue::header(
                            column,
                            format!("the column `{column}` cannot hold two fields"),
                        ));
                    }
                    *f = Some(field);
                }
                names.insert(field, table.header[*i].clone());
            }
            _ => issues.push(FileIssue::header(
                column,
                format!("the column `{column}` appears twice"),
            )),
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    let columns = Columns { fields, names };
    let mut found = Observations::new(table.rows.len());
    for row in &table.rows {
        // SDMX files are wide: values past the header are not this reader's concern, but
        // the check is the same as for the tracker's own files.
        let mut cells = Cells::new(row, &columns);
        if !cells.filled("value") {
            found.out.blank += 1;
            issues.append(&mut cells.issues);
            continue;
        }
        let indicator = cells.required("indicator", 64, "the indicator's code");
        let scope = if cells.filled("scope") {
            cells.scope("scope", states)
        } else {
            cells.problem("scope", "empty: give ASEAN or a member state's code");
            None
        };
        let year = match cells.by_field.get("year").copied() {
            None => {
                cells.problem("year", "empty: give the year the value is for");
                None
            }
            Some(cell) => match sdmx_year(cell) {
                Ok(y) => Some(y),
                Err(m) => {
                    cells.problem("year", m);
                    None
                }
            },
        };
        let value = cells.number("value");
        if let (Some(indicator), Some(scope), Some(year), Some(value)) =
            (indicator, scope, year, value)
        {
            let row = ObservationRow {
                line: row.line,
                framework: None,
                observation: NewObservation {
                    indicator,
                    scope,
                    year,
                    value,
                    source: None,
                    note: None,
                },
            };
            found.push(row, &mut cells, "year", true);
        }
        issues.append(&mut cells.issues);
    }
    if issues.is_empty() {
        Ok(found.out)
    } else {
        Err(issues)
    }
}

/// The member states of ASEAN as of 2026, for callers without a database (fuzzing, tests).
pub fn asean_states() -> Vec<StateArea> {
    [
        ("BRN", "BN"),
        ("KHM", "KH"),
        ("IDN", "ID"),
        ("LAO", "LA"),
        ("MYS", "MY"),
        ("MMR", "MM"),
        ("PHL", "PH"),
        ("SGP", "SG"),
        ("THA", "TH"),
        ("TLS", "TL"),
        ("VNM", "VN"),
    ]
    .iter()
    .filter_map(|(a3, a2)| {
        a3.parse().ok().map(|alpha3| StateArea {
            alpha3,
            alpha2: (*a2).to_owned(),
        })
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::super::read::{FileFormat, read_table};
    use super::*;

    fn table(csv: &str) -> Table {
        read_table(csv.as_bytes(), FileFormat::Csv).unwrap()
    }

    fn fields(issues: &[FileIssue]) -> Vec<String> {
        issues.iter().map(FileIssue::field).collect()
    }

    fn vnm() -> Scope {
        "VNM".parse().unwrap()
    }

    #[test]
    fn scopes_are_read_as_alpha_3_alpha_2_or_asean() {
        let states = asean_states();
        assert_eq!(resolve_scope("VN", &states), Ok(vnm()));
        assert_eq!(resolve_scope(" vnm ", &states), Ok(vnm()));
        assert_eq!(resolve_scope("asean", &states), Ok(Scope::Asean));
        assert!(resolve_scope("USA", &states).is_err());
        assert!(resolve_scope("", &states).is_err());
    }

    #[test]
    fn a_definitions_file_defines_indicators_with_their_targets() {
        let rows = definition_rows(
            &table(
                "code,title,unit,direction,node,decimals,source,note,scope,baseline_year,baseline_value,target_year,target_value\n\
                 KPI-1,Broadband,%,Increase,1.1.2,1,ASEANstats,,ASEAN,2025,50,2030,80\n\
                 KPI-1,Broadband,%,Increase,1.1.2,1,ASEANstats,,VN,2025,40.5,2030,70%\n\
                 KPI-2,,,,,,,,VNM,2025,10,2035,5\n",
            ),
            &asean_states(),
        )
        .unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[0].definition,
            Some(DefinitionFields {
                title: "Broadband".into(),
                unit: "%".into(),
                direction: Direction::Increase,
                node: "1.1.2".into(),
                decimals: Some(1),
                source: Some("ASEANstats".into()),
                note: None,
            })
        );
        assert_eq!(
            rows[1].target,
            Some(TargetFields {
                scope: vnm(),
                baseline_year: 2025,
                baseline_value: 40.5,
                target_year: 2030,
                target_value: 70.0,
            })
        );
        assert_eq!(rows[2].definition, None);
        assert_eq!(rows[2].code, "KPI-2");
    }

    #[test]
    fn every_problem_of_a_definitions_file_is_listed_with_its_line_and_column() {
        let issues = definition_rows(
            &table(
                "code,title,unit,direction,node,decimals,scope,baseline_year,baseline_value,target_year,target_value\n\
                 KPI 1,T,%,up,1.1.2,9,,,,,\n\
                 KPI-2,T,%,increase,1.1.2,,XX,25,\"1,000\",2030,\n\
                 KPI-3,,,,,,,,,,\n\
                 KPI-2,Other,%,increase,1.1.2,,XX,2025,1,2030,2\n",
            ),
            &asean_states(),
        )
        .unwrap_err();
        assert_eq!(
            fields(&issues),
            [
                "line 2: code",
                "line 2: direction",
                "line 2: decimals",
                "line 3: target_value",
                "line 3: scope",
                "line 3: baseline_year",
                "line 3: baseline_value",
                "line 4: title",
                "line 5: scope",
                "line 5: title",
            ]
        );
    }

    #[test]
    fn an_unknown_column_is_refused() {
        let issues = definition_rows(&table("code,colour\nK,red\n"), &[]).unwrap_err();
        assert_eq!(fields(&issues), ["header: colour"]);
    }

    #[test]
    fn an_observations_file_gives_observations_and_counts_placeholders() {
        let found = observation_rows(
            &table(
                "indicator,scope,year,value,source,note,indicator_title\n\
                 KPI-1,VNM,2026,53,GSO,,Broadband\n\
                 KPI-1,VN,2027,55.25%,,,Broadband\n\
                 KPI-2,VNM,,,,,Other\n",
            ),
            &asean_states(),
        )
        .unwrap();
        assert_eq!(found.blank, 1);
        assert_eq!(
            found.rows[1],
            ObservationRow {
                line: 3,
                framework: None,
                observation: NewObservation {
                    indicator: "KPI-1".into(),
                    scope: vnm(),
                    year: 2027,
                    value: 55.25,
                    source: None,
                    note: None,
                },
            }
        );
        assert_eq!(found.rows[0].observation.source.as_deref(), Some("GSO"));
    }

    #[test]
    fn every_problem_of_an_observations_file_is_listed() {
        let issues = observation_rows(
            &table(
                "indicator,scope,year,value\n\
                 KPI-1,XYZ,2026,1\n\
                 KPI-1,VNM,26,abc\n\
                 ,VNM,2026,1,extra\n\
                 KPI-1,VNM,2027,1\n\
                 KPI-1,VNM,2027,\"1,5\"\n\
                 KPI-1,VNM,2028,inf\n\
                 KPI-1,VNM,0587,1\n",
            ),
            &asean_states(),
        )
        .unwrap_err();
        assert_eq!(
            fields(&issues),
            [
                "line 2: scope",
                "line 3: year",
                "line 3: value",
                "line 4",
                "line 4: indicator",
                "line 6: value",
                "line 7: value",
                "line 8: year",
            ]
        );
        let header = observation_rows(&table("indicator,scope,value\nK,VNM,1\n"), &[]);
        assert_eq!(fields(&header.unwrap_err()), ["header: year"]);
        let sdmx = observation_rows(&table("REF_AREA,TIME_PERIOD,OBS_VALUE\nVN,2026,1\n"), &[]);
        assert_eq!(fields(&sdmx.unwrap_err()), ["header: OBS_VALUE"]);
    }

    #[test]
    fn duplicates_in_one_file_are_refused() {
        let issues = observation_rows(
            &table("indicator,scope,year,value\nK,VNM,2026,1\nK,VN,2026,2\n"),
            &asean_states(),
        )
        .unwrap_err();
        assert_eq!(fields(&issues), ["line 3: year"]);
        assert!(
            issues[0]
                .message
                .starts_with("line 2 already gives `K` in VNM for 2026")
        );
    }

    #[test]
    fn sdmx_csv_observations_are_read_from_their_columns() {
        let found = sdmx_observation_rows(
            &table(
                "DATAFLOW,REF_AREA,SERIES,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,OBS_STATUS\n\
                 ASEAN:DF(1.0),VN,KPI-1,2026,53,PT,A\n\
                 ASEAN:DF(1.0),VNM,KPI-1,2027-A1,55.5,PT,A\n\
                 ASEAN:DF(1.0),VN,KPI-1,2028,,PT,M\n\
                 ASEAN:DF(1.0),ASEAN,KPI-1,2026,60,PT,A\n",
            ),
            "series",
            &asean_states(),
        )
        .unwrap();
        assert_eq!(found.blank, 1);
        let got: Vec<(String, Scope, i32, f64, u64)> = found
            .rows
            .iter()
            .map(|r| {
                let o = &r.observation;
                (
                    o.indicator.clone(),
                    o.scope.clone(),
                    o.year,
                    o.value,
                    r.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("KPI-1".into(), vnm(), 2026, 53.0, 2),
                ("KPI-1".into(), vnm(), 2027, 55.5, 3),
                ("KPI-1".into(), Scope::Asean, 2026, 60.0, 5),
            ]
        );
    }

    #[test]
    fn sdmx_csv_problems_name_the_files_columns() {
        let issues = sdmx_observation_rows(
            &table(
                "REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n\
                 US,KPI-1,2026,1\n\
                 VN,KPI-1,2026-Q4,1\n\
                 VN,KPI-1,2026-12-31,x\n",
            ),
            SDMX_INDICATOR_COLUMN,
            &asean_states(),
        )
        .unwrap_err();
        assert_eq!(
            fields(&issues),
            [
                "line 2: REF_AREA",
                "line 3: TIME_PERIOD",
                "line 4: TIME_PERIOD",
                "line 4: OBS_VALUE"
            ]
        );
        let missing = sdmx_observation_rows(
            &table("REF_AREA,TIME_PERIOD,OBS_VALUE\nVN,2026,1\n"),
            SDMX_INDICATOR_COLUMN,
            &asean_states(),
        )
        .unwrap_err();
        assert_eq!(fields(&missing), ["header: INDICATOR"]);
    }
}
