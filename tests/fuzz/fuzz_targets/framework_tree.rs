//! Any bytes as a framework tree and as its metadata file: a tree comes back parents first
//! with every node, or every problem is listed; never a panic or a hang (cycles included).
#![no_main]

use std::collections::HashSet;

use blueprint_tracker::transfer::framework::{parse_levels, parse_metadata, parse_tree};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let levels = parse_levels("goal/objective/measure").unwrap_or_default();
    match parse_tree(data, &levels) {
        Ok(tree) => {
            let mut seen = HashSet::new();
            for line in &tree {
                if let Some(parent) = &line.node.parent_code {
                    assert!(seen.contains(parent.as_str()), "parents come first");
                }
                assert!(seen.insert(line.node.code.as_str()), "codes are unique");
            }
        }
        Err(issues) => assert!(!issues.is_empty()),
    }
    let _ = parse_metadata(data, "x");
});
