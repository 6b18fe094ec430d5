//! Reading a table (a header row and data rows, each with its line number) from a CSV file or
//! from the first usable sheet of an XLSX workbook, defensively: whatever the bytes, the
//! answer is a table or a [`ReadError`] a person can act on, in bounded time and memory.
//!
//! CSV as spreadsheets write it: UTF-8 with or without a byte-order mark, comma, semicolon
//! (Excel in locales whose decimal mark is a comma, such as Indonesia's and Viet Nam's) or tab
//! as the separator, taken from the header line. Another encoding is refused with the line
//! where it starts: the user is told to save as "CSV UTF-8". A cell that the CSV writer
//! guarded against formula injection (see [`super::write::guard`]) is read back unguarded.
//!
//! XLSX is read cell by cell (calamine's streaming reader), never as one rectangle: a sheet
//! that declares a cell at XFD1048576 would otherwise allocate billions of cells. The archive's
//! decompressed size is bounded before anything is parsed (a zip bomb is refused).

use std::io::{Cursor, Read};

use chrono::NaiveDate;
use serde::Serialize;

/// The formats the tracker reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FileFormat {
    Csv,
    Xlsx,
    /// SDMX-CSV 2.0 (written only).
    SdmxCsv,
}

impl FileFormat {
    pub fn name(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Xlsx => "xlsx",
            FileFormat::SdmxCsv => "sdmx-csv",
        }
    }

    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Csv | FileFormat::SdmxCsv => "csv",
            FileFormat::Xlsx => "xlsx",
        }
    }

    /// The media type of the bytes written.
    pub fn media_type(self) -> &'static str {
        match self {
            FileFormat::Csv => "text/csv; charset=utf-8",
            FileFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileFormat::SdmxCsv => "application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8",
        }
    }
}

impl std::str::FromStr for FileFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(FileFormat::Csv),
            "xlsx" => Ok(FileFormat::Xlsx),
            "sdmx-csv" | "sdmx" => Ok(FileFormat::SdmxCsv),
            other => Err(format!(
                "`{other}` is not a format: use csv, xlsx or sdmx-csv"
            )),
        }
    }
}

impl std::fmt::Display for FileFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What one cell read from a file holds.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    Empty,
    Text(String),
    /// A number cell of a workbook (CSV cells are always text).
    Number(f64),
    /// A date cell of a workbook (a number formatted as a date).
    Date(NaiveDate),
}

impl CellValue {
    pub fn is_empty(&self) -> bool {
        match self {
            CellValue::Empty => true,
            CellValue::Text(s) => s.trim().is_empty(),
            CellValue::Number(_) | CellValue::Date(_) => false,
        }
    }

    /// The cell as text, as a person would read it: a whole number without decimals, a date
    /// as `YYYY-MM-DD`.
    pub fn text(&self) -> String {
        match self {
            CellValue::Empty => String::new(),
            CellValue::Text(s) => s.clone(),
            CellValue::Number(n) => number_text(*n),
            CellValue::Date(d) => d.to_string(),
        }
    }
}

/// A number as a person writes it: `40`, not `40.0`.
pub fn number_text(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{n:.0}")
    } else {
        n.to_string()
    }
}

/// The day a spreadsheet's date serial number stands for (the 1900 date system of Excel,
/// LibreOffice and Google Sheets: 45658 is 2025-01-01), for a date cell that reached the file
/// as a plain number (its date format lost). Whole numbers from 61 (1900-03-01, past the
/// 1900-02-29 that Excel counts but never was) to 2958465 (9999-12-31) only; anything else is
/// not a date.
pub fn serial_date(n: f64) -> Option<NaiveDate> {
    if !n.is_finite() || n.fract() != 0.0 || !(61.0..=2_958_465.0).contains(&n) {
        return None;
    }
    let days = n as i64; // whole and bounded above
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(chrono::TimeDelta::try_days(days)?)
}

/// One data row and the line it was read from (the spreadsheet's row number for XLSX).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: u64,
    pub cells: Vec<CellValue>,
}

impl Row {
    /// The cell in column `index` (empty past the end).
    pub fn cell(&self, index: usize) -> &CellValue {
        self.cells.get(index).unwrap_or(&CellValue::Empty)
    }

    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(CellValue::is_empty)
    }
}

/// A header and the data rows under it; blank rows are left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub format: FileFormat,
    /// The sheet the table was read from (XLSX).
    pub sheet: Option<String>,
    pub header_line: u64,
    /// The column names as written (trimmed).
    pub header: Vec<String>,
    pub rows: Vec<Row>,
}

/// Why a file could not be read as a table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("the file is empty: it needs a header row and at least one row under it")]
    Empty,
    #[error(
        "line {line} is not UTF-8 text: save the file as \"CSV UTF-8\" (or as an Excel workbook, .xlsx)"
    )]
    NotUtf8 { line: u64 },
    #[error("line {line}: {message}")]
    Csv { line: u64, message: String },
    #[error(
        "this is an Excel 97-2003 workbook (.xls): save it as an Excel workbook (.xlsx) or as CSV UTF-8"
    )]
    OldExcel,
    #[error("the workbook cannot be read: {0}")]
    Xlsx(String),
    #[error("the workbook unpacks to more than {max_mib} MiB: refused")]
    TooLarge { max_mib: u64 },
    #[error("the file has {count} rows; at most {max} are read")]
    TooManyRows { count: usize, max: usize },
    #[error("{0}")]
    Unsupported(String),
}

/// The most rows a table may have under its header.
pub const MAX_ROWS: usize = 200_000;
/// The most columns read; cells further right are refused.
pub const MAX_COLUMNS: usize = 64;
/// The most bytes an XLSX archive may unpack to.
const MAX_XLSX_UNPACKED: u64 = 512 * 1024 * 1024;

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0];

/// The format of a file: XLSX when it is a zip archive, CSV otherwise; `name` (the uploaded
/// file's name) only serves to refuse what is neither.
///
/// # Errors
/// An Excel 97-2003 workbook, or a file named `.xlsx` that is not one.
pub fn detect_format(bytes: &[u8], name: Option<&str>) -> Result<FileFormat, ReadError> {
    let extension = name
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, ext)| ext.to_ascii_lowercase());
    if bytes.starts_with(OLE_MAGIC) || extension.as_deref() == Some("xls") {
        return Err(ReadError::OldExcel);
    }
    if bytes.starts_with(ZIP_MAGIC) {
        return Ok(FileFormat::Xlsx);
    }
    match extension.as_deref() {
        Some("xlsx" | "xlsm") => Err(ReadError::Xlsx(
            "the file is named .xlsx but is not an Excel workbook".into(),
        )),
        Some("ods") => Err(ReadError::Unsupported(
            "OpenDocument spreadsheets (.ods) are not read: save as .xlsx or CSV UTF-8".into(),
        )),
        _ => Ok(FileFormat::Csv),
    }
}

/// Reads the table of a CSV file or XLSX workbook.
///
/// # Errors
/// See [`ReadError`].
pub fn read_table(bytes: &[u8], format: FileFormat) -> Result<Table, ReadError> {
    match format {
        FileFormat::Xlsx => read_xlsx(bytes),
        FileFormat::Csv | FileFormat::SdmxCsv => read_csv(bytes),
    }
}

/// The separator of a CSV file: the one of `,`, `;` and tab that appears most often outside
/// quotes in its first line (a comma when none does).
fn separator(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or_default();
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in first.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(count) = counts.iter_mut().find(|(c, _)| *c == b) {
            count.1 += 1;
        }
    }
    counts
        .iter()
        .copied()
        .max_by_key(|&(c, n)| (n, c == b','))
        .map_or(b',', |(c, _)| c)
}

fn read_csv(bytes: &[u8]) -> Result<Table, ReadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let valid = bytes.get(..e.valid_up_to()).unwrap_or_default();
        ReadError::NotUtf8 {
            line: valid.iter().filter(|&&b| b == b'\n').count() as u64 + 1,
        }
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator(text))
        .from_reader(text.as_bytes());
    let mut header: Option<(u64, Vec<String>)> = None;
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut extra = 0usize;
    let (mut counted_upto, mut counted_lines, mut record_end) = (0usize, 0u64, 0usize);
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let at = e.position().map_or(record_end, |p| {
                    usize::try_from(p.byte()).unwrap_or(usize::MAX)
                });
                let line = line_breaks(text.as_bytes(), 0, at) + 1;
                return Err(ReadError::Csv {
                    line,
                    message: csv_message(&e),
                });
            }
        }
        // The reader's own line count skips blank lines, and a record's position is where
        // the reader started, before the blank lines it skipped: the record starts after the
        // line ends that follow the previous record; its line is one more than the line ends
        // before it (offsets only grow, so they are counted incrementally).
        let bytes = text.as_bytes();
        let mut start = record_end;
        while bytes.get(start).is_some_and(|b| *b == b'\n' || *b == b'\r') {
            start += 1;
        }
        counted_lines += line_breaks(bytes, counted_upto, start);
        counted_upto = start.max(counted_upto);
        let line = counted_lines + 1;
        record_end = usize::try_from(reader.position().byte()).unwrap_or(usize::MAX);
        if record.len() > MAX_COLUMNS
            && record
                .iter()
                .skip(MAX_COLUMNS)
                .any(|c| !c.trim().is_empty())
        {
            return Err(ReadError::Csv {
                line,
                message: format!("more than {MAX_COLUMNS} columns"),
            });
        }
        let cells: Vec<CellValue> = record
            .iter()
            .take(MAX_COLUMNS)
            .map(|c| {
                if c.trim().is_empty() {
                    CellValue::Empty
                } else {
                    CellValue::Text(super::write::unguard(c).to_owned())
                }
            })
            .collect();
        if cells.iter().all(CellValue::is_empty) {
            continue;
        }
        if header.is_none() {
            header = Some((
                line,
                cells.iter().map(|c| c.text().trim().to_owned()).collect(),
            ));
            continue;
        }
        if rows.len() < MAX_ROWS {
            rows.push(Row { line, cells });
        } else {
            extra += 1; // counted, to say how many there are, but not kept
        }
    }
    if extra > 0 {
        return Err(ReadError::TooManyRows {
            count: MAX_ROWS + extra,
            max: MAX_ROWS,
        });
    }
    let (header_line, header) = header.ok_or(ReadError::Empty)?;
    Ok(Table {
        format: FileFormat::Csv,
        sheet: None,
        header_line,
        header,
        rows,
    })
}

/// How many line breaks `bytes[from..to]` holds: `\n`, `\r\n` and a lone `\r` (as the CSV
/// reader takes them) each count once.
fn line_breaks(bytes: &[u8], from: usize, to: usize) -> u64 {
    let to = to.min(bytes.len());
    (from..to)
        .filter(|&i| match bytes[i] {
            b'\n' => true,
            b'\r' => bytes.get(i + 1) != Some(&b'\n'),
            _ => false,
        })
        .count() as u64
}

fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".into(),
        _ => "the line cannot be read as CSV (an unbalanced quote?)".into(),
    }
}

/// Refuses an archive that unpacks to more than [`MAX_XLSX_UNPACKED`] bytes, counting what
/// each entry really inflates to (the sizes an archive declares may lie).
fn check_unpacked_size(bytes: &[u8]) -> Result<(), ReadError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ReadError::Xlsx(format!("not a valid archive ({e})")))?;
    let mut total: u64 = 0;
    let mut buffer = vec![0u8; 64 * 1024];
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| ReadError::Xlsx(format!("a damaged archive entry ({e})")))?;
        loop {
            let read = entry
                .read(&mut buffer)
                .map_err(|e| ReadError::Xlsx(format!("a damaged archive entry ({e})")))?;
            if read == 0 {
                break;
            }
            total += read as u64;
            if total > MAX_XLSX_UNPACKED {
                return Err(ReadError::TooLarge {
                    max_mib: MAX_XLSX_UNPACKED / (1024 * 1024),
                });
            }
        }
    }
    Ok(())
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, ReadError> {
    use calamine::{DataRef, Reader, Xlsx};
    check_unpacked_size(bytes)?;
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| ReadError::Xlsx(e.to_string()))?;
    // The sheet named like the tracker's templates, else the first one.
    let names = workbook.sheet_names();
    let sheet = names
        .iter()
        .find(|n| n.eq_ignore_ascii_case(super::status::SHEET_NAME))
        .or_else(|| names.first())
        .cloned()
        .ok_or_else(|| ReadError::Xlsx("the workbook has no sheet".into()))?;
    let mut reader = workbook
        .worksheet_cells_reader(&sheet)
        .map_err(|e| ReadError::Xlsx(e.to_string()))?;
    // Rows by their 0-based index; cells arrive in document order (row by row).
    let mut rows: Vec<(u32, Vec<CellValue>)> = Vec::new();
    let mut extra = 0usize;
    let mut skipped: Option<u32> = None;
    while let Some(cell) = reader
        .next_cell()
        .map_err(|e| ReadError::Xlsx(e.to_string()))?
    {
        let (row, column) = cell.get_position();
        let value = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::Int(i) => CellValue::Number(*i as f64),
            DataRef::Float(f) => CellValue::Number(*f),
            DataRef::String(s) => CellValue::Text(s.clone()),
            DataRef::SharedString(s) => CellValue::Text((*s).to_owned()),
            DataRef::Bool(b) => CellValue::Text(if *b { "TRUE" } else { "FALSE" }.into()),
            DataRef::DateTime(dt) if dt.is_datetime() => dt
                .as_datetime()
                .map_or(CellValue::Number(dt.as_f64()), |t| {
                    CellValue::Date(t.date())
                }),
            DataRef::DateTime(dt) => CellValue::Number(dt.as_f64()),
            DataRef::DateTimeIso(s) => s
                .get(..10)
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .map_or_else(|| CellValue::Text(s.clone()), CellValue::Date),
            DataRef::DurationIso(s) => CellValue::Text(s.clone()),
            DataRef::Error(e) => CellValue::Text(e.to_string()),
        };
        if value.is_empty() {
            continue;
        }
        let column = column as usize;
        if column >= MAX_COLUMNS {
            return Err(ReadError::Xlsx(format!(
                "sheet `{sheet}` has a value in row {}, past column {MAX_COLUMNS}",
                u64::from(row) + 1
            )));
        }
        if rows.last().is_none_or(|(r, _)| *r != row) {
            if rows.len() > MAX_ROWS {
                // Counted, to say how many there are, but not kept.
                if skipped != Some(row) {
                    extra += 1;
                    skipped = Some(row);
                }
                continue;
            }
            rows.push((row, Vec::new()));
        }
        if let Some((_, cells)) = rows.last_mut() {
            if cells.len() <= column {
                cells.resize(column + 1, CellValue::Empty);
            }
            cells[column] = value;
        }
    }
    // A writer may put rows out of order; lines must still be the sheet's.
    rows.sort_by_key(|(r, _)| *r);
    let mut rows = rows.into_iter().map(|(r, cells)| Row {
        line: u64::from(r) + 1,
        cells,
    });
    let header_row = rows.next().ok_or(ReadError::Empty)?;
    let rows: Vec<Row> = rows.collect();
    if extra > 0 {
        return Err(ReadError::TooManyRows {
            count: rows.len() + extra,
            max: MAX_ROWS,
        });
    }
    Ok(Table {
        format: FileFormat::Xlsx,
        sheet: Some(sheet),
        header_line: header_row.line,
        header: header_row
            .cells
            .iter()
            .map(|c| c.text().trim().to_owned())
            .collect(),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_separators_and_byte_order_marks_are_handled() {
        let comma = read_table(b"\xEF\xBB\xBFa,b\n1,2\n", FileFormat::Csv).unwrap();
        assert_eq!(comma.header, ["a", "b"]);
        let semicolon = read_table(b"a;b\n\"x,y\";2\n", FileFormat::Csv).unwrap();
        assert_eq!(semicolon.rows[0].cells[0], CellValue::Text("x,y".into()));
        let tab = read_table(b"a\tb\n1\t2\n", FileFormat::Csv).unwrap();
        assert_eq!(tab.header, ["a", "b"]);
    }

    #[test]
    fn lines_are_counted_from_the_top_of_the_file_and_blank_rows_skipped() {
        let table = read_table(
            b"\n\na,b\n1,2\n,\n\n3,\"multi\nline\"\n5,6",
            FileFormat::Csv,
        )
        .unwrap();
        assert_eq!(table.header_line, 3);
        let lines: Vec<u64> = table.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [4, 7, 9]);
        let old_mac = read_table(b"a,b\r1,2\r\r3,4\r\n5,6", FileFormat::Csv).unwrap();
        let lines: Vec<u64> = old_mac.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 4, 5]);
    }

    #[test]
    fn text_in_another_encoding_is_refused_with_its_line() {
        let latin1 = b"a,b\n1,2\nca\xE9,3\n";
        assert_eq!(
            read_table(latin1, FileFormat::Csv),
            Err(ReadError::NotUtf8 { line: 3 })
        );
    }

    #[test]
    fn formats_are_told_apart_by_content() {
        assert_eq!(detect_format(b"PK\x03\x04rest", None), Ok(FileFormat::Xlsx));
        assert_eq!(detect_format(b"a,b", Some("x.csv")), Ok(FileFormat::Csv));
        assert_eq!(
            detect_format(&[0xD0, 0xCF, 0x11, 0xE0], Some("old.xls")),
            Err(ReadError::OldExcel)
        );
        assert!(detect_format(b"a,b", Some("fake.xlsx")).is_err());
        assert!(read_table(b"PK\x03\x04garbage", FileFormat::Xlsx).is_err());
    }

    #[test]
    fn spreadsheet_serial_numbers_are_their_days() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(serial_date(45658.0), day(2025, 1, 1));
        assert_eq!(serial_date(46203.0), day(2026, 6, 30));
        assert_eq!(serial_date(61.0), day(1900, 3, 1));
        assert_eq!(serial_date(2_958_465.0), day(9999, 12, 31));
        for not_a_day in [
            46203.5,
            60.0,
            0.0,
            -1.0,
            2_958_466.0,
            f64::NAN,
            f64::INFINITY,
        ] {
            assert_eq!(serial_date(not_a_day), None, "{not_a_day}");
        }
    }

    #[test]
    fn whole_numbers_read_as_people_write_them() {
        assert_eq!(number_text(40.0), "40");
        assert_eq!(number_text(40.5), "40.5");
    }
}
