//! Any bytes as an XLSX workbook (the seeds are real ones the tracker writes): reading gives
//! rows or a reason, never a panic, a hang or unbounded memory (a zip bomb, a sheet that
//! declares a cell at XFD1048576).
#![no_main]

use blueprint_tracker::transfer::{FileFormat, read_table, status_rows};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(table) = read_table(data, FileFormat::Xlsx) {
        assert!(table.rows.iter().all(|r| r.line > table.header_line));
        let _ = status_rows(&table);
    }
});
