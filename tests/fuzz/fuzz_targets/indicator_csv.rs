//! Any bytes as an indicator-definitions CSV: reading them gives rows or every problem, never
//! a panic, a hang or unbounded memory; what is read is what the checks promise.
#![no_main]

use blueprint_tracker::transfer::indicators::{asean_states, definition_rows};
use blueprint_tracker::transfer::{FileFormat, read_table};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(table) = read_table(data, FileFormat::Csv) else {
        return;
    };
    match definition_rows(&table, &asean_states()) {
        Ok(rows) => {
            assert!(rows.len() <= table.rows.len());
            for row in &rows {
                assert!(!row.code.is_empty() && !row.code.contains(char::is_whitespace));
                assert!(row.definition.is_some() || row.target.is_some());
                if let Some(t) = &row.target {
                    assert!(t.baseline_value.is_finite() && t.target_value.is_finite());
                }
                if let Some(d) = &row.definition {
                    assert!(d.decimals.is_none_or(|d| d <= 6));
                }
            }
        }
        Err(issues) => {
            assert!(!issues.is_empty());
            assert!(issues.iter().all(|i| i.line.is_none_or(|l| l > table.header_line)));
        }
    }
});
