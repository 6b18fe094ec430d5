//! Any bytes as an observations CSV: reading them gives observations or every problem, never
//! a panic, a hang or unbounded memory; every value read is finite and every year has four
//! digits.
#![no_main]

use blueprint_tracker::transfer::indicators::{asean_states, observation_rows};
use blueprint_tracker::transfer::{FileFormat, read_table};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(table) = read_table(data, FileFormat::Csv) else {
        return;
    };
    match observation_rows(&table, &asean_states()) {
        Ok(found) => {
            assert!(found.rows.len() + found.blank <= table.rows.len());
            for row in &found.rows {
                let o = &row.observation;
                assert!(o.value.is_finite());
                assert!((1000..=9999).contains(&o.year));
            }
        }
        Err(issues) => {
            assert!(!issues.is_empty());
            assert!(issues.iter().all(|i| i.line.is_none_or(|l| l > table.header_line)));
        }
    }
});
