//! The status file: one row per status report, under the header
//! `framework,measure,scope,status,progress,effective_date,note,evidence_url` (the names of the
//! JSON API). Each row becomes the JSON object that `domain::validate_report` checks, so a row
//! is held to exactly the rules of `POST …/status`.
//!
//! Decisions where people fill spreadsheets by hand:
//! - column names are matched without regard to case, spaces or hyphens (`Effective date`);
//!   `framework`, `progress`, `note` and `evidence_url` may be left out; any other column is
//!   refused (a typo must not drop a column silently), except the informational columns the
//!   tracker writes itself (`measure_title`, `report_id`, `recorded_at`, …), which are ignored;
//! - a status is read without regard to case, with spaces or hyphens for underscores
//!   (`Not started`); progress may carry a `%` sign (`40%`);
//! - a row that reports nothing (status empty or `not_started`, and no progress, date, note
//!   or link) is a placeholder, as in a template or the unreported rows of a status export:
//!   it is skipped, never an error.

use serde_json::{Map, Number, Value};

use super::read::{CellValue, Table, number_text, serial_date};

/// The name of the sheet of a status workbook (read first when present).
pub const SHEET_NAME: &str = "status";

/// The columns of a status file, in order.
pub const COLUMNS: [&str; 8] = [
    "framework",
    "measure",
    "scope",
    "status",
    "progress",
    "effective_date",
    "note",
    "evidence_url",
];

/// Columns a status file must have.
const REQUIRED: [&str; 4] = ["measure", "scope", "status", "effective_date"];

/// Columns the tracker writes beside the report's own in templates and exports, for people to
/// read; an import ignores them.
pub const INFORMATIONAL: [&str; 8] = [
    "measure_title",
    "report_id",
    "recorded_at",
    "recorded_by",
    "validation",
    "lock_override",
    "as_of",
    "retired",
];

/// One problem with a file: where (a line and a column, when it is about one) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileIssue {
    pub line: Option<u64>,
    pub column: Option<String>,
    pub message: String,
}

impl FileIssue {
    pub fn at(line: u64, column: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            line: Some(line),
            column: Some(column.into()),
            message: message.into(),
        }
    }

    pub fn header(column: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            line: None,
            column: Some(column.into()),
            message: message.into(),
        }
    }

    /// Where the problem is, as a validation error's `field`: `line 7: status`, `header:
    /// status`, `file`.
    pub fn field(&self) -> String {
        match (self.line, &self.column) {
            (Some(line), Some(column)) => format!("line {line}: {column}"),
            (Some(line), None) => format!("line {line}"),
            (None, Some(column)) => format!("header: {column}"),
            (None, None) => "file".to_owned(),
        }
    }
}

/// One data row of a status file.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusRow {
    pub line: u64,
    /// The `framework` cell, if filled.
    pub framework: Option<String>,
    /// The report as the JSON API takes it (`measure`, `scope`, `status`, …): what
    /// `validate_report` checks.
    pub report: Map<String, Value>,
    /// A placeholder that reports nothing: skipped.
    pub blank: bool,
}

impl StatusRow {
    /// The `scope` cell as written, if filled.
    pub fn scope(&self) -> Option<&str> {
        self.report.get("scope").and_then(Value::as_str)
    }
}

/// A column name as the tracker spells it: lower case, underscores.
pub fn normalise_name(name: &str) -> String {
    name.trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect()
}

/// The rows of a status table, with every problem of its shape (the values are checked
/// later, against the framework).
///
/// # Errors
/// Problems with the header (a missing, unknown or repeated column): the rows cannot be read
/// then. Problems with single rows (cells past the last column) come back with the rows.
pub fn status_rows(table: &Table) -> Result<(Vec<StatusRow>, Vec<FileIssue>), Vec<FileIssue>> {
    let mut issues = Vec::new();
    let mut columns: Vec<Option<&'static str>> = Vec::with_capacity(table.header.len());
    for name in &table.header {
        let normalised = normalise_name(name);
        if let Some(known) = COLUMNS.iter().find(|c| **c == normalised) {
            if columns.contains(&Some(*known)) {
                issues.push(FileIssue::header(
                    *known,
                    format!("the column `{known}` appears twice"),
                ));
            }
            columns.push(Some(known));
        } else if normalised.is_empty() || INFORMATIONAL.contains(&normalised.as_str()) {
            columns.push(None);
        } else {
            issues.push(FileIssue::header(
                name.clone(),
                format!(
                    "unknown column `{name}`; a status file has {}",
                    COLUMNS.join(", ")
                ),
            ));
            columns.push(None);
        }
    }
    for required in REQUIRED {
        if !columns.contains(&Some(required)) {
            issues.push(FileIssue::header(
                required,
                format!(
                    "the column `{required}` is missing; the header is {}",
                    COLUMNS.join(",")
                ),
            ));
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    let mut rows = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        if row.cells.len() > columns.len()
            && row.cells[columns.len()..].iter().any(|c| !c.is_empty())
        {
            issues.push(FileIssue {
                line: Some(row.line),
                column: None,
                message: format!(
                    "the row has values past the last column of the header ({} columns)",
                    columns.len()
                ),
            });
        }
        let mut framework = None;
        let mut report = Map::new();
        for (column, cell) in columns.iter().zip(&row.cells) {
            let Some(column) = column else { continue };
            if cell.is_empty() {
                continue;
            }
            let value = match *column {
                "framework" => {
                    framework = Some(cell.text().trim().to_owned());
                    continue;
                }
                "status" => Value::String(normalise_name(&cell.text())),
                "progress" => progress_value(cell),
                "effective_date" => Value::String(date_text(cell)),
                _ => Value::String(cell.text()),
            };
            report.insert((*column).to_owned(), value);
        }
        let blank = report
            .get("status")
            .is_none_or(|s| s.as_str() == Some("not_started"))
            && ["progress", "effective_date", "note", "evidence_url"]
                .iter()
                .all(|c| !report.contains_key(*c));
        rows.push(StatusRow {
            line: row.line,
            framework,
            report,
            blank,
        });
    }
    Ok((rows, issues))
}

/// An effective-date cell as the text the validation reads: an ISO date as written
/// (`2026-03-31`), a workbook's date cell as its day, and a workbook's plain whole number as
/// the day it stands for in the spreadsheet's 1900 date system (a date whose format was lost:
/// `46112` is 2026-03-31). Anything else goes on as written, for the validation to refuse.
fn date_text(cell: &CellValue) -> String {
    match cell {
        CellValue::Number(n) => serial_date(*n).map_or_else(|| number_text(*n), |d| d.to_string()),
        other => other.text().trim().to_owned(),
    }
}

/// A progress cell as JSON: a number when it is one (`40`, `40%`, `40.0`), else the text, for
/// the validation to refuse with its message.
fn progress_value(cell: &CellValue) -> Value {
    let number = match cell {
        CellValue::Number(n) => Some(*n),
        CellValue::Text(s) => s.trim().trim_end_matches('%').trim().parse::<f64>().ok(),
        CellValue::Empty | CellValue::Date(_) => None,
    };
    match number {
        Some(n) if n.fract() == 0.0 && (0.0..=1e9).contains(&n) => {
            Value::Number(Number::from(n as u64))
        }
        Some(n) => Number::from_f64(n).map_or_else(|| Value::String(number_text(n)), Value::Number),
        None => Value::String(cell.text()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::read::{FileFormat, read_table};
    use super::*;
    use serde_json::json;

    fn rows(csv: &str) -> Result<(Vec<StatusRow>, Vec<FileIssue>), Vec<FileIssue>> {
        status_rows(&read_table(csv.as_bytes(), FileFormat::Csv).unwrap())
    }

    #[test]
    fn a_row_becomes_the_json_the_api_takes() {
        let (rows, issues) = rows(
            "Framework,Measure,Scope,Status,Progress,Effective date,Note,Evidence URL,measure_title\n\
             ascc-strategic-plan,1.1.2,VNM,Ongoing,40%,2026-03-31,\"'=1+1\",https://e.org,Title\n",
        )
        .unwrap();
        assert!(issues.is_empty());
        assert_eq!(rows[0].framework.as_deref(), Some("ascc-strategic-plan"));
        assert_eq!(
            Value::Object(rows[0].report.clone()),
            json!({"measure":"1.1.2","scope":"VNM","status":"ongoing","progress":40,
                "effective_date":"2026-03-31","note":"=1+1","evidence_url":"https://e.org"})
        );
        assert!(!rows[0].blank);
    }

    #[test]
    fn dates_are_iso_text_date_cells_or_serial_numbers() {
        use super::super::read::Row;
        let table = Table {
            format: FileFormat::Xlsx,
            sheet: Some("status".into()),
            header_line: 1,
            header: ["measure", "scope", "status", "effective_date"]
                .map(str::to_owned)
                .to_vec(),
            rows: [
                CellValue::Text(" 2026-03-31 ".into()),
                CellValue::Date(chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()),
                CellValue::Number(46112.0),
                CellValue::Number(46112.5),
                CellValue::Text("31/03/2026".into()),
            ]
            .into_iter()
            .enumerate()
            .map(|(i, date)| Row {
                line: i as u64 + 2,
                cells: vec![
                    CellValue::Text("1.1.2".into()),
                    CellValue::Text("VNM".into()),
                    CellValue::Text("ongoing".into()),
                    date,
                ],
            })
            .collect(),
        };
        let (rows, _) = status_rows(&table).unwrap();
        let dates: Vec<&Value> = rows.iter().map(|r| &r.report["effective_date"]).collect();
        assert_eq!(
            dates,
            [
                "2026-03-31",
                "2026-06-30",
                "2026-03-31",
                "46112.5",
                "31/03/2026"
            ]
        );
    }

    #[test]
    fn template_placeholders_are_blank() {
        let (rows, _) = rows(
            "framework,measure,scope,status,progress,effective_date,note,evidence_url\n\
             fw,1.1.1,VNM,,,,,\nfw,1.1.2,VNM,not_started,,,,\nfw,1.1.3,VNM,not_started,,2026-01-31,,\n",
        )
        .unwrap();
        let blank: Vec<bool> = rows.iter().map(|r| r.blank).collect();
        assert_eq!(blank, [true, true, false]);
    }

    #[test]
    fn every_header_problem_is_listed() {
        let issues = rows("measure,scope,colour,scope\n1,2,3,4\n").unwrap_err();
        let fields: Vec<String> = issues.iter().map(FileIssue::field).collect();
        assert_eq!(
            fields,
            [
                "header: colour",
                "header: scope",
                "header: status",
                "header: effective_date"
            ]
        );
    }

    #[test]
    fn cells_past_the_header_are_a_problem_of_their_line() {
        let (_, issues) =
            rows("measure,scope,status,effective_date\n1.1.1,VNM,ongoing,2026-01-31,extra\n")
                .unwrap();
        assert_eq!(issues[0].field(), "line 2");
    }
}
