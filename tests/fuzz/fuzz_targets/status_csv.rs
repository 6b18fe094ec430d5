//! Any bytes as a status CSV: reading them either gives rows or a reason, never a panic, a
//! hang or unbounded memory; and every text survives the formula guard and back.
#![no_main]

use blueprint_tracker::transfer::write::{guard, unguard};
use blueprint_tracker::transfer::{FileFormat, detect_format, read_table, status_rows};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = detect_format(data, Some("upload.csv"));
    if let Ok(table) = read_table(data, FileFormat::Csv) {
        assert!(table.rows.windows(2).all(|w| w[0].line < w[1].line));
        assert!(table.rows.iter().all(|r| r.line > table.header_line));
        let _ = status_rows(&table);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        assert_eq!(unguard(&guard(text)), text);
    }
});
