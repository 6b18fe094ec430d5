//! Claims files (issue 18): the shipped `claims.csv` and the Secretariat's imports, read from a
//! [`Table`]. Pure: a table in, claims or every problem (line and column) out; whether the
//! values make sense for their framework is the service's (with the domain's
//! [`crate::domain::claim_problems`]).
//!
//! The columns are those of `shared/data/claims.csv` — `framework, scope, metric, value,
//! precision, as_of, published_on, statement, source_title, source_url, note` — and two
//! optional ones: `indicator` (for `mean_current_status`) and `supersedes` (the id of the claim
//! a row corrects). Decisions: `value` and `precision` are fractions (`1.0`, `0.01`); a
//! trailing `%` is read as a percentage (`100%` is 1.0, `1%` is 0.01); a comma is refused as
//! in other files; dates are `YYYY-MM-DD` or date cells.

use chrono::NaiveDate;

use super::read::{CellValue, Table};
use super::status::{FileIssue, normalise_name};
use crate::domain::{Metric, NewClaim, Scope};

/// The columns of a claims file, in order.
pub const CLAIM_COLUMNS: [&str; 13] = [
    "framework",
    "scope",
    "metric",
    "indicator",
    "value",
    "precision",
    "as_of",
    "published_on",
    "statement",
    "source_title",
    "source_url",
    "note",
    "supersedes",
];
const REQUIRED: [&str; 9] = [
    "framework",
    "scope",
    "metric",
    "value",
    "precision",
    "as_of",
    "published_on",
    "statement",
    "source_title",
];

/// One claim read from a file, with its framework's code and its line.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimFileRow {
    pub line: u64,
    pub framework: String,
    pub claim: NewClaim,
}

fn fraction(cell: &CellValue) -> Result<f64, String> {
    let text = match cell {
        CellValue::Number(n) => return Ok(*n),
        other => other.text(),
    };
    let t = text.trim();
    if t.contains(',') {
        return Err(format!("`{t}` has a comma: write a decimal point (0.5)"));
    }
    let (number, scale) = match t.strip_suffix('%') {
        Some(p) => (p.trim(), 100.0),
        None => (t, 1.0),
    };
    number
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .map(|n| n / scale)
        .ok_or_else(|| format!("`{t}` is not a number"))
}

fn date(cell: &CellValue) -> Result<NaiveDate, String> {
    match cell {
        CellValue::Date(d) => Ok(*d),
        other => {
            let t = other.text();
            t.trim()
                .parse::<NaiveDate>()
                .map_err(|_| format!("`{}` is not a date: write YYYY-MM-DD", t.trim()))
        }
    }
}

fn optional(cell: &CellValue) -> Option<String> {
    let t = cell.text();
    let t = t.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// The claims of `table`, or every problem of its header and rows.
///
/// # Errors
/// Each problem with its line and column: an unknown or missing column, an empty required
/// cell, a scope, metric, number or date that does not read.
pub fn claim_rows(table: &Table) -> Result<Vec<ClaimFileRow>, Vec<FileIssue>> {
    let mut issues = Vec::new();
    let mut index = std::collections::HashMap::new();
    for (i, name) in table.header.iter().enumerate() {
        let n = normalise_name(name);
        if !CLAIM_COLUMNS.contains(&n.as_str()) {
            issues.push(FileIssue::header(
                name.clone(),
                format!(
                    "unknown column; the columns are {}",
                    CLAIM_COLUMNS.join(", ")
                ),
            ));
        } else if index.insert(n, i).is_some() {
            issues.push(FileIssue::header(name.clone(), "this column appears twice"));
        }
    }
    for required in REQUIRED {
        if !index.contains_key(required) {
            issues.push(FileIssue::header(required, "this column is missing"));
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    let mut rows = Vec::new();
    for row in &table.rows {
        let line = row.line;
        let cell = |name: &str| index.get(name).map_or(&CellValue::Empty, |&i| row.cell(i));
        let mut bad = |column: &str, message: String| {
            issues.push(FileIssue::at(line, column, message));
        };
        for required in REQUIRED {
            if cell(required).is_empty() {
                bad(required, "this cell is empty".to_owned());
            }
        }
        let framework = cell("framework").text().trim().to_owned();
        let scope = cell("scope").text();
        let scope = scope.trim();
        let scope = if scope.eq_ignore_ascii_case("asean") {
            Some(Scope::Asean)
        } else {
            scope.parse::<Scope>().map_err(|e| bad("scope", e.0)).ok()
        };
        let metric = cell("metric")
            .text()
            .trim()
            .parse::<Metric>()
            .map_err(|e| bad("metric", e.0))
            .ok();
        let value = fraction(cell("value")).map_err(|m| bad("value", m)).ok();
        let precision = fraction(cell("precision"))
            .map_err(|m| bad("precision", m))
            .ok();
        let as_of = date(cell("as_of")).map_err(|m| bad("as_of", m)).ok();
        let published_on = date(cell("published_on"))
            .map_err(|m| bad("published_on", m))
            .ok();
        let supersedes = match optional(cell("supersedes")) {
            None => None,
            Some(t) => match t.parse::<i64>() {
                Ok(id) if id > 0 => Some(id),
                _ => {
                    bad("supersedes", format!("`{t}` is not a claim's id"));
                    None
                }
            },
        };
        if let (
            Some(scope),
            Some(metric),
            Some(value),
            Some(precision),
            Some(as_of),
            Some(published_on),
        ) = (scope, metric, value, precision, as_of, published_on)
        {
            rows.push(ClaimFileRow {
                line,
                framework,
                claim: NewClaim {
                    scope,
                    metric,
                    indicator: optional(cell("indicator")),
                    value,
                    precision,
                    as_of,
                    published_on,
                    statement: cell("statement").text().trim().to_owned(),
                    source_title: cell("source_title").text().trim().to_owned(),
                    source_url: optional(cell("source_url")),
                    note: optional(cell("note")),
                    supersedes,
                },
            });
        }
    }
    if issues.is_empty() {
        Ok(rows)
    } else {
        Err(issues)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transfer::{FileFormat, read_table};

    fn table(text: &str) -> Table {
        read_table(text.as_bytes(), FileFormat::Csv).unwrap()
    }

    #[test]
    fn the_shipped_file_reads() {
        let rows = claim_rows(&table(include_str!("../reference/data/claims.csv"))).unwrap();
        assert_eq!(rows.len(), 1);
        let c = &rows[0];
        assert_eq!(c.framework, "ascc-blueprint-2025");
        assert_eq!(c.claim.scope, Scope::Asean);
        assert_eq!(c.claim.metric, Metric::ImplementationRate);
        assert_eq!((c.claim.value, c.claim.precision), (1.0, 0.01));
        assert_eq!(c.claim.as_of.to_string(), "2025-10-08");
        assert!(
            c.claim
                .source_url
                .as_deref()
                .unwrap()
                .starts_with("https://")
        );
    }

    #[test]
    fn percentages_read_and_bad_cells_are_named() {
        let ok = table(
            "framework,scope,metric,value,precision,as_of,published_on,statement,source_title\n\
             fw,vnm,completion_rate,62.5%,0.1%,2025-06-30,2025-07-01,s,t\n",
        );
        let rows = claim_rows(&ok).unwrap();
        assert!((rows[0].claim.value - 0.625).abs() < 1e-12);
        assert!((rows[0].claim.precision - 0.001).abs() < 1e-12);
        let bad = table(
            "framework,scope,metric,value,precision,as_of,published_on,statement,source_title,colour\n\
             fw,XXX,rate,1,5,2025-06-31,x,,t,\n",
        );
        let issues = claim_rows(&bad).unwrap_err();
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert_eq!(issues[0].column.as_deref(), Some("colour"));
        let bad = table(
            "framework,scope,metric,value,precision,as_of,published_on,statement,source_title\n\
             fw,X1,rate,\"1,5\",0.01,2025-06-31,x,,t\n",
        );
        let columns: Vec<_> = claim_rows(&bad)
            .unwrap_err()
            .into_iter()
            .map(|i| (i.line, i.column.unwrap_or_default()))
            .collect();
        assert_eq!(
            columns,
            [
                (Some(2), "statement".to_owned()),
                (Some(2), "scope".to_owned()),
                (Some(2), "metric".to_owned()),
                (Some(2), "value".to_owned()),
                (Some(2), "as_of".to_owned()),
                (Some(2), "published_on".to_owned()),
            ]
        );
    }
}
