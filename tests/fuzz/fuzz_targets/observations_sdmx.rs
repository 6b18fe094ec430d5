//! Any bytes as SDMX-CSV observations, the indicator's column named by the first line's first
//! word or `INDICATOR`: observations or every problem, never a panic, a hang or unbounded
//! memory; every value read is finite.
#![no_main]

use blueprint_tracker::transfer::indicators::{
    SDMX_INDICATOR_COLUMN, asean_states, sdmx_observation_rows,
};
use blueprint_tracker::transfer::{FileFormat, read_table};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(table) = read_table(data, FileFormat::Csv) else {
        return;
    };
    let column = if data.first().is_some_and(|b| b % 2 == 0) {
        table.header.first().cloned().unwrap_or_default()
    } else {
        SDMX_INDICATOR_COLUMN.to_owned()
    };
    match sdmx_observation_rows(&table, &column, &asean_states()) {
        Ok(found) => {
            assert!(found.rows.len() + found.blank <= table.rows.len());
            assert!(found.rows.iter().all(|r| r.observation.value.is_finite()));
        }
        Err(issues) => assert!(!issues.is_empty()),
    }
});
