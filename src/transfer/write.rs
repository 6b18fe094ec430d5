//! Writing tables: CSV (and SDMX-CSV, which is CSV with fixed leading columns) and XLSX, with
//! every cell a spreadsheet would run as a formula neutralised.
//!
//! Formula injection (CWE-1236): a cell that starts with `=`, `+`, `-`, `@`, a tab or a
//! carriage return may be run as a formula when the file is opened in a spreadsheet.
//! - CSV: such a cell is written with a leading apostrophe (`'=1+1`), which spreadsheets show
//!   as text; a cell that starts with an apostrophe followed by one of those characters or by
//!   another apostrophe gets one more, so that the import, which takes exactly one leading
//!   apostrophe off such cells ([`unguard`]), gives back every value unchanged.
//! - XLSX: the value is written unchanged as a text cell with Excel's "quote prefix" style,
//!   which keeps it text even when the cell is edited; nothing is added to the value.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, Utc};

/// What one cell written holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    /// A measured value (an indicator's): every digit in CSV (the shortest text that reads
    /// back as the same number), a plain number in XLSX.
    Number(f64),
    /// A fraction in [0, 1] (a rate): every digit in CSV, a percentage format in XLSX.
    Fraction(f64),
    Date(NaiveDate),
    /// An instant, written in UTC.
    Instant(DateTime<Utc>),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Self {
        Cell::Text(s.into())
    }

    pub fn opt_text(s: Option<impl Into<String>>) -> Self {
        s.map_or(Cell::Empty, |s| Cell::Text(s.into()))
    }

    fn csv(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(s) => guard(s),
            Cell::Int(i) => Cow::Owned(i.to_string()),
            Cell::Number(n) => Cow::Owned(n.to_string()),
            Cell::Fraction(f) => Cow::Owned(f.to_string()),
            Cell::Date(d) => Cow::Owned(d.to_string()),
            Cell::Instant(t) => Cow::Owned(t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)),
        }
    }

    /// About how many characters wide the cell shows.
    fn width(&self) -> usize {
        match self {
            Cell::Empty => 0,
            Cell::Text(s) => s.chars().count(),
            Cell::Int(i) => i.to_string().len(),
            Cell::Number(n) => n.to_string().len(),
            Cell::Fraction(_) => 7,
            Cell::Date(_) => 10,
            Cell::Instant(_) => 19,
        }
    }
}

/// A rule a spreadsheet enforces on a column's cells as a person types (templates).
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// One of these words (a drop-down list).
    OneOf(Vec<String>),
    /// A whole number between these bounds.
    WholeNumber(i32, i32),
    /// A date between these bounds.
    DateBetween(NaiveDate, NaiveDate),
}

/// A table to write: its name (the XLSX sheet), header and rows, and optional rules per column
/// and lines of explanation (a second sheet, `about`, in XLSX; not in CSV).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// (column index, rule, the message shown while typing).
    pub rules: Vec<(usize, Rule, String)>,
    pub about: Vec<String>,
}

/// Why a table could not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("writing the {format} file failed: {message}")]
pub struct WriteError {
    pub format: &'static str,
    pub message: String,
}

const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether a spreadsheet could run `s` as a formula.
pub fn is_formula_like(s: &str) -> bool {
    s.starts_with(TRIGGERS)
}

/// `s` as written to CSV: with a leading apostrophe when a spreadsheet could run it as a
/// formula, or when it already starts with an apostrophe that [`unguard`] would take off.
pub fn guard(s: &str) -> Cow<'_, str> {
    let mut chars = s.chars();
    let needs = match chars.next() {
        Some(c) if TRIGGERS.contains(&c) => true,
        Some('\'') => chars
            .next()
            .is_some_and(|c| c == '\'' || TRIGGERS.contains(&c)),
        _ => false,
    };
    if needs {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// The inverse of [`guard`]: one leading apostrophe taken off when what follows starts with a
/// formula character or another apostrophe.
pub fn unguard(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(TRIGGERS) || rest.starts_with('\'') => rest,
        _ => s,
    }
}

/// The table as CSV (UTF-8, comma-separated, `\r\n` line ends as RFC 4180 says).
///
/// # Errors
/// Never in practice (writing to memory); kept for the writer's signature.
pub fn csv_bytes(sheet: &Sheet) -> Result<Vec<u8>, WriteError> {
    let failed = |e: csv::Error| WriteError {
        format: "CSV",
        message: e.to_string(),
    };
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer.write_record(&sheet.columns).map_err(failed)?;
    for row in &sheet.rows {
        writer
            .write_record(row.iter().map(|c| c.csv().into_owned()))
            .map_err(failed)?;
    }
    writer.into_inner().map_err(|e| WriteError {
        format: "CSV",
        message: e.to_string(),
    })
}

/// The tables as an XLSX workbook, one sheet each (then an `about` sheet when any has lines of
/// explanation): a bold header row that stays in view (frozen), a filter on it, columns as
/// wide as their content, dates and instants as real dates, rates as percentages.
///
/// # Errors
/// The writer fails (a cell over Excel's limits).
pub fn xlsx_bytes(sheets: &[Sheet]) -> Result<Vec<u8>, WriteError> {
    use rust_xlsxwriter::{
        Color, DataValidation, DataValidationRule, Format, FormatBorder, Workbook,
    };
    let failed = |e: rust_xlsxwriter::XlsxError| WriteError {
        format: "XLSX",
        message: e.to_string(),
    };
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0x00DD_E6F0))
        .set_border_bottom(FormatBorder::Thin);
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let instant = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let percent = Format::new().set_num_format("0.0%");
    let quoted = Format::new().set_quote_prefix();
    let mut workbook = Workbook::new();
    for sheet in sheets {
        let ws = workbook.add_worksheet();
        ws.set_name(&sheet.name).map_err(failed)?;
        let mut widths: Vec<usize> = sheet.columns.iter().map(|c| c.chars().count()).collect();
        for (col, name) in sheet.columns.iter().enumerate() {
            ws.write_string_with_format(0, col_num(col), name, &header)
                .map_err(failed)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = row_num(r + 1);
            for (c, cell) in row.iter().enumerate() {
                if let Some(w) = widths.get_mut(c) {
                    *w = (*w).max(cell.width());
                }
                let c = col_num(c);
                match cell {
                    Cell::Empty => {}
                    Cell::Text(s) if is_formula_like(s) => {
                        ws.write_string_with_format(r, c, s, &quoted)
                            .map_err(failed)?;
                    }
                    Cell::Text(s) => {
                        ws.write_string(r, c, s).map_err(failed)?;
                    }
                    Cell::Int(i) => {
                        ws.write_number(r, c, *i as f64).map_err(failed)?;
                    }
                    Cell::Number(n) => {
                        ws.write_number(r, c, *n).map_err(failed)?;
                    }
                    Cell::Fraction(f) => {
                        ws.write_number_with_format(r, c, *f, &percent)
                            .map_err(failed)?;
                    }
                    Cell::Date(d) => {
                        ws.write_datetime_with_format(r, c, d, &date)
                            .map_err(failed)?;
                    }
                    Cell::Instant(t) => {
                        ws.write_datetime_with_format(r, c, t.naive_utc(), &instant)
                            .map_err(failed)?;
                    }
                }
            }
        }
        for (c, width) in widths.iter().enumerate() {
            ws.set_column_width(col_num(c), (*width).clamp(8, 60) as f64 + 2.0)
                .map_err(failed)?;
        }
        let last_row = row_num(sheet.rows.len().max(1));
        let last_col = col_num(sheet.columns.len().saturating_sub(1));
        ws.set_freeze_panes(1, 0).map_err(failed)?;
        if !sheet.columns.is_empty() {
            ws.autofilter(0, 0, last_row, last_col).map_err(failed)?;
        }
        for (col, rule, message) in &sheet.rules {
            let validation = match rule {
                Rule::OneOf(words) => DataValidation::new()
                    .allow_list_strings(words)
                    .map_err(failed)?,
                Rule::WholeNumber(min, max) => DataValidation::new()
                    .allow_whole_number(DataValidationRule::Between(*min, *max)),
                Rule::DateBetween(from, to) => {
                    ws.set_column_format(col_num(*col), &date).map_err(failed)?;
                    DataValidation::new().allow_date(DataValidationRule::Between(*from, *to))
                }
            };
            let validation = validation
                .set_input_message(message.as_str())
                .map_err(failed)?
                .set_error_message(message.as_str())
                .map_err(failed)?;
            // The rule covers the rows written and room for more below them.
            let rows_covered = row_num(sheet.rows.len() + 500);
            ws.add_data_validation(1, col_num(*col), rows_covered, col_num(*col), &validation)
                .map_err(failed)?;
        }
    }
    let about: Vec<&String> = sheets.iter().flat_map(|s| &s.about).collect();
    if !about.is_empty() {
        let ws = workbook.add_worksheet();
        ws.set_name("about").map_err(failed)?;
        ws.set_column_width(0, 110.0).map_err(failed)?;
        for (r, line) in about.iter().enumerate() {
            ws.write_string(row_num(r), 0, line.as_str())
                .map_err(failed)?;
        }
    }
    workbook.save_to_buffer().map_err(failed)
}

fn row_num(r: usize) -> u32 {
    u32::try_from(r).unwrap_or(u32::MAX)
}

fn col_num(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_cells_are_guarded_and_come_back_unchanged() {
        for (value, written) in [
            ("=1+1", "'=1+1"),
            ("+33 1", "'+33 1"),
            ("-5", "'-5"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'=x", "''=x"),
            ("''", "'''"),
            ("'quoted'", "'quoted'"),
            ("'", "'"),
            ("plain", "plain"),
            ("", ""),
        ] {
            assert_eq!(guard(value), written, "{value:?}");
            assert_eq!(unguard(&guard(value)), value, "{value:?}");
        }
    }

    #[test]
    fn csv_is_written_with_a_header_and_typed_cells() {
        let sheet = Sheet {
            name: "t".into(),
            columns: vec!["a".into(), "b".into(), "c".into()],
            rows: vec![vec![
                Cell::text("=HYPERLINK(\"x\")"),
                Cell::Date(NaiveDate::from_ymd_opt(2026, 3, 31).unwrap()),
                Cell::Fraction(0.5),
            ]],
            ..Sheet::default()
        };
        let text = String::from_utf8(csv_bytes(&sheet).unwrap()).unwrap();
        assert_eq!(
            text,
            "a,b,c\r\n\"'=HYPERLINK(\"\"x\"\")\",2026-03-31,0.5\r\n"
        );
    }
}
