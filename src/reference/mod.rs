//! The ASCC reference data shipped inside the binary (copied from the project's `shared/data`):
//! the two frameworks and their trees, member states, sectoral bodies and the 2017 milestones,
//! with the parser for the framework CSV format. Pure: the files are compiled in, nothing is read
//! at run time.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Deserialize;

const FRAMEWORKS_CSV: &str = include_str!("data/frameworks.csv");
const MEMBER_STATES_CSV: &str = include_str!("data/member_states.csv");
const SECTORAL_BODIES_CSV: &str = include_str!("data/sectoral_bodies.csv");
const MILESTONES_CSV: &str = include_str!("data/ascc_milestones_2017.csv");
const TREES: [(&str, &str); 2] = [
    (
        "ascc-blueprint-2025",
        include_str!("data/ascc-blueprint-2025.csv"),
    ),
    (
        "ascc-strategic-plan",
        include_str!("data/ascc-strategic-plan.csv"),
    ),
];

/// Why reference data (or an imported framework file) could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReferenceError {
    #[error("{file}: {source}")]
    Csv {
        file: String,
        #[source]
        source: csv::Error,
    },
    #[error("{file}, line {line}: {message}")]
    Invalid {
        file: String,
        line: u64,
        message: String,
    },
}

#[derive(Debug, Clone, Deserialize)]
pub struct FrameworkRow {
    pub code: String,
    pub title: String,
    pub adopted_on: Option<NaiveDate>,
    pub adopted_at: Option<String>,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    /// `goal/objective/measure`
    pub levels: String,
    /// `Mid-Term Review 2030;End-Term Review 2035`
    pub reviews: String,
    pub note: Option<String>,
}

/// One row of a framework tree file: `level,code,parent_code,title,note[,lead_bodies]`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct NodeRow {
    pub level: String,
    pub code: String,
    pub parent_code: Option<String>,
    pub title: String,
    pub note: Option<String>,
    /// Codes of the lead sectoral bodies, separated by `;` (optional column).
    #[serde(default)]
    pub lead_bodies: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MemberStateRow {
    pub code: String,
    pub iso2: String,
    pub numeric: String,
    pub short_name: String,
    pub official_name: String,
    pub joined_on: NaiveDate,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SectoralBodyRow {
    pub code: String,
    pub name: String,
    pub senior_officials_body: Option<String>,
    pub sector: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MilestoneRow {
    pub year: i32,
    pub area: String,
    pub sectoral_body: String,
    pub title: String,
    pub element_code: String,
    pub element_mapping: Option<String>,
}

/// A framework with its tree, nodes in file order (parents before children).
#[derive(Debug, Clone)]
pub struct FrameworkSpec {
    pub framework: FrameworkRow,
    pub nodes: Vec<NodeRow>,
}

impl FrameworkSpec {
    pub fn level_names(&self) -> Vec<&str> {
        self.framework.levels.split('/').map(str::trim).collect()
    }

    /// Depth of a level name (0 for the top level).
    pub fn depth_of(&self, level: &str) -> Option<usize> {
        self.level_names().iter().position(|l| *l == level)
    }
}

/// Everything loaded on first start.
#[derive(Debug, Clone)]
pub struct ReferenceData {
    pub frameworks: Vec<FrameworkSpec>,
    pub member_states: Vec<MemberStateRow>,
    pub sectoral_bodies: Vec<SectoralBodyRow>,
    /// The 2017 milestones, completed activities of the Blueprint 2025.
    pub milestones: Vec<MilestoneRow>,
}

/// The framework the 2017 milestones belong to.
pub const MILESTONES_FRAMEWORK: &str = "ascc-blueprint-2025";
/// Where the 2017 milestones come from, stored with each of them.
pub const MILESTONES_SOURCE: &str = "ASEAN Socio-Cultural Community 2017 milestones fact sheet";

impl ReferenceData {
    /// Parses the files compiled into the binary.
    ///
    /// # Errors
    /// A malformed file or a broken tree; the shipped data is checked by the tests, so this
    /// only fails if a shipped file was edited badly.
    pub fn shipped() -> Result<Self, ReferenceError> {
        let framework_rows: Vec<FrameworkRow> = read_csv("frameworks.csv", FRAMEWORKS_CSV)?;
        let mut frameworks = Vec::new();
        for row in framework_rows {
            let Some((file, text)) = TREES.iter().find(|(code, _)| *code == row.code) else {
                return Err(ReferenceError::Invalid {
                    file: "frameworks.csv".into(),
                    line: 0,
                    message: format!("no tree file for framework `{}`", row.code),
                });
            };
            let nodes = read_csv(&format!("{file}.csv"), text)?;
            let spec = FrameworkSpec {
                framework: row,
                nodes,
            };
            check_tree(&format!("{file}.csv"), &spec)?;
            frameworks.push(spec);
        }
        Ok(Self {
            frameworks,
            member_states: read_csv("member_states.csv", MEMBER_STATES_CSV)?,
            sectoral_bodies: read_csv("sectoral_bodies.csv", SECTORAL_BODIES_CSV)?,
            milestones: read_csv("ascc_milestones_2017.csv", MILESTONES_CSV)?,
        })
    }
}

fn read_csv<T: for<'de> Deserialize<'de>>(
    file: &str,
    text: &str,
) -> Result<Vec<T>, ReferenceError> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .map_err(|source| ReferenceError::Csv {
            file: file.into(),
            source,
        })
}

/// Checks that a tree is sound: known levels, unique codes, parents that exist, come first and
/// sit one level up, and top-level nodes without a parent.
///
/// # Errors
/// The first problem found, with its line (the header is line 1).
pub fn check_tree(file: &str, spec: &FrameworkSpec) -> Result<(), ReferenceError> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut duplicates = HashSet::new();
    for (i, node) in spec.nodes.iter().enumerate() {
        let line = i as u64 + 2;
        let invalid = |message: String| ReferenceError::Invalid {
            file: file.into(),
            line,
            message,
        };
        let Some(depth) = spec.depth_of(&node.level) else {
            return Err(invalid(format!(
                "unknown level `{}` (levels: {})",
                node.level, spec.framework.levels
            )));
        };
        if !duplicates.insert(node.code.as_str()) {
            return Err(invalid(format!("duplicate code `{}`", node.code)));
        }
        match (&node.parent_code, depth) {
            (None, 0) => {}
            (None, _) => return Err(invalid(format!("`{}` has no parent", node.code))),
            (Some(parent), 0) => {
                return Err(invalid(format!(
                    "top-level `{}` cannot have parent `{parent}`",
                    node.code
                )));
            }
            (Some(parent), d) => match seen.get(parent.as_str()) {
                None => {
                    return Err(invalid(format!(
                        "parent `{parent}` of `{}` is unknown or comes later",
                        node.code
                    )));
                }
                Some(pd) if *pd + 1 != d => {
                    return Err(invalid(format!(
                        "`{}` ({}) cannot sit under `{parent}`",
                        node.code, node.level
                    )));
                }
                Some(_) => {}
            },
        }
        seen.insert(&node.code, depth);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_data_parses_with_the_published_counts() {
        let data = ReferenceData::shipped().unwrap();
        assert_eq!(data.member_states.len(), 11);
        assert_eq!(data.sectoral_bodies.len(), 15);
        assert_eq!(data.milestones.len(), 48);
        let plan = data
            .frameworks
            .iter()
            .find(|f| f.framework.code == "ascc-strategic-plan")
            .unwrap();
        let count = |level: &str| plan.nodes.iter().filter(|n| n.level == level).count();
        assert_eq!(
            (count("goal"), count("objective"), count("measure")),
            (12, 16, 112)
        );
    }

    #[test]
    fn a_broken_tree_is_refused() {
        let data = ReferenceData::shipped().unwrap();
        let mut spec = data.frameworks[1].clone();
        spec.nodes[5].parent_code = Some("nope".into());
        assert!(check_tree("t.csv", &spec).is_err());
        let mut spec = data.frameworks[1].clone();
        let first = spec.nodes[0].clone();
        spec.nodes.push(first);
        assert!(check_tree("t.csv", &spec).is_err());
    }
}
