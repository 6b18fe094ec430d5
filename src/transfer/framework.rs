//! A framework file: its tree in the format of the shipped data (`level,code,parent_code,title`
//! and optionally `note` and `lead_bodies`), and its metadata in the format of
//! `frameworks.csv` (`code,title,adopted_on,adopted_at,start_date,end_date,levels,reviews,
//! note`). Every problem of a tree is found and listed, with its line: unknown or missing
//! levels, empty or repeated codes, empty titles, unknown parents, a parent that is not one
//! level up (wrong level order), a top-level node with a parent, and cycles.
//!
//! Rows may come in any order: the tree is handed back parents first, each node followed by
//! its subtree, siblings in file order (the order of the shipped files, which it keeps).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::read::{FileFormat, Table, detect_format, read_table};
use super::status::{FileIssue, normalise_name};
use crate::reference::{FrameworkRow, NodeRow};

const TREE_COLUMNS: [&str; 6] = [
    "level",
    "code",
    "parent_code",
    "title",
    "note",
    "lead_bodies",
];
const TREE_REQUIRED: [&str; 4] = ["level", "code", "parent_code", "title"];
const META_COLUMNS: [&str; 9] = [
    "code",
    "title",
    "adopted_on",
    "adopted_at",
    "start_date",
    "end_date",
    "levels",
    "reviews",
    "note",
];
const MAX_CODE_CHARS: usize = 64;
const MAX_TITLE_CHARS: usize = 1_000;
const MAX_NOTE_CHARS: usize = 4_000;

/// A node and the line it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeLine {
    pub line: u64,
    pub node: NodeRow,
}

fn table_of(bytes: &[u8]) -> Result<Table, Vec<FileIssue>> {
    let whole_file = |message: String| {
        vec![FileIssue {
            line: None,
            column: None,
            message,
        }]
    };
    let format = detect_format(bytes, None).map_err(|e| whole_file(e.to_string()))?;
    read_table(bytes, format).map_err(|e| whole_file(e.to_string()))
}

/// The columns of a table by name, with the header's problems.
fn column_map(
    table: &Table,
    known: &[&'static str],
    required: &[&'static str],
) -> Result<HashMap<&'static str, usize>, Vec<FileIssue>> {
    let mut issues = Vec::new();
    let mut map = HashMap::new();
    for (i, name) in table.header.iter().enumerate() {
        let normalised = normalise_name(name);
        match known.iter().find(|k| **k == normalised) {
            Some(k) if map.contains_key(k) => {
                issues.push(FileIssue::header(
                    *k,
                    format!("the column `{k}` appears twice"),
                ));
            }
            Some(k) => {
                map.insert(*k, i);
            }
            None if normalised.is_empty() => {}
            None => issues.push(FileIssue::header(
                name.clone(),
                format!(
                    "unknown column `{name}`; the columns are {}",
                    known.join(", ")
                ),
            )),
        }
    }
    for r in required {
        if !map.contains_key(r) {
            issues.push(FileIssue::header(
                *r,
                format!("the column `{r}` is missing"),
            ));
        }
    }
    if issues.is_empty() {
        Ok(map)
    } else {
        Err(issues)
    }
}

/// Level names from `goal/objective/measure`.
///
/// # Errors
/// No level, an empty name, or a name given twice.
pub fn parse_levels(levels: &str) -> Result<Vec<String>, String> {
    let names: Vec<String> = levels.split('/').map(|l| l.trim().to_owned()).collect();
    if names.iter().any(String::is_empty) {
        return Err(format!(
            "`{levels}` is not a list of level names from the top down, such as goal/objective/measure"
        ));
    }
    let unique: HashSet<&String> = names.iter().collect();
    if unique.len() != names.len() {
        return Err(format!("`{levels}` names a level twice"));
    }
    Ok(names)
}

/// Reads and checks a framework tree against its level names.
///
/// # Errors
/// Every problem found, each with its line and column.
pub fn parse_tree(bytes: &[u8], levels: &[String]) -> Result<Vec<TreeLine>, Vec<FileIssue>> {
    let table = table_of(bytes)?;
    let columns = column_map(&table, &TREE_COLUMNS, &TREE_REQUIRED)?;
    let cell = |row: &super::read::Row, name: &str| -> Option<String> {
        columns
            .get(name)
            .map(|&i| row.cell(i).text().trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let mut issues = Vec::new();
    let mut nodes = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let line = row.line;
        let level = cell(row, "level").unwrap_or_default();
        let code = cell(row, "code").unwrap_or_default();
        let title = cell(row, "title").unwrap_or_default();
        let note = cell(row, "note");
        if level.is_empty() {
            issues.push(FileIssue::at(line, "level", "the level is missing"));
        } else if !levels.contains(&level) {
            issues.push(FileIssue::at(
                line,
                "level",
                format!(
                    "unknown level `{level}`; the levels are {}",
                    levels.join("/")
                ),
            ));
        }
        if code.is_empty() {
            issues.push(FileIssue::at(line, "code", "the code is missing"));
        } else if code.chars().count() > MAX_CODE_CHARS
            || code.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            issues.push(FileIssue::at(
                line,
                "code",
                format!("`{code}` is not a code: at most {MAX_CODE_CHARS} characters, no spaces"),
            ));
        }
        if title.is_empty() {
            issues.push(FileIssue::at(line, "title", "the title is missing"));
        } else if title.chars().count() > MAX_TITLE_CHARS {
            issues.push(FileIssue::at(
                line,
                "title",
                format!("at most {MAX_TITLE_CHARS} characters"),
            ));
        }
        if note
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
        {
            issues.push(FileIssue::at(
                line,
                "note",
                format!("at most {MAX_NOTE_CHARS} characters"),
            ));
        }
        nodes.push(TreeLine {
            line,
            node: NodeRow {
                level,
                code,
                parent_code: cell(row, "parent_code"),
                title,
                note,
                lead_bodies: cell(row, "lead_bodies"),
            },
        });
    }
    if nodes.is_empty() {
        issues.push(FileIssue {
            line: None,
            column: None,
            message: "the file has no node under its header".into(),
        });
    }
    check_structure(&nodes, levels, &mut issues);
    if issues.is_empty() {
        Ok(tree_order(nodes))
    } else {
        issues.sort_by_key(|i| i.line);
        Err(issues)
    }
}

/// Codes, parents, level order and cycles.
fn check_structure(nodes: &[TreeLine], levels: &[String], issues: &mut Vec<FileIssue>) {
    let depth = |level: &str| levels.iter().position(|l| l == level);
    let mut first: HashMap<&str, &TreeLine> = HashMap::new();
    for n in nodes.iter().filter(|n| !n.node.code.is_empty()) {
        if let Some(earlier) = first.get(n.node.code.as_str()) {
            issues.push(FileIssue::at(
                n.line,
                "code",
                format!(
                    "`{}` is already the code of line {}",
                    n.node.code, earlier.line
                ),
            ));
        } else {
            first.insert(&n.node.code, n);
        }
    }
    for n in nodes {
        let node = &n.node;
        let own = depth(&node.level);
        match (&node.parent_code, own) {
            (Some(parent), _) if *parent == node.code => issues.push(FileIssue::at(
                n.line,
                "parent_code",
                format!("`{}` cannot be its own parent (a cycle)", node.code),
            )),
            (Some(parent), Some(0)) => issues.push(FileIssue::at(
                n.line,
                "parent_code",
                format!(
                    "`{}` is a {}, the top level: it has no parent, not `{parent}`",
                    node.code, node.level
                ),
            )),
            (None, Some(d)) if d > 0 => issues.push(FileIssue::at(
                n.line,
                "parent_code",
                format!(
                    "`{}` is a {} and needs a parent {}",
                    node.code,
                    node.level,
                    levels.get(d - 1).map_or("", String::as_str)
                ),
            )),
            (Some(parent), own) => match first.get(parent.as_str()) {
                None => issues.push(FileIssue::at(
                    n.line,
                    "parent_code",
                    format!(
                        "the parent `{parent}` of `{}` is not in the file",
                        node.code
                    ),
                )),
                Some(p) => {
                    if let (Some(d), Some(pd)) = (own, depth(&p.node.level))
                        && pd + 1 != d
                    {
                        issues.push(FileIssue::at(
                            n.line,
                            "level",
                            format!(
                                "`{}` is a {} under `{parent}`, a {} (line {}): a {} sits under a {}",
                                node.code,
                                node.level,
                                p.node.level,
                                p.line,
                                node.level,
                                levels.get(d.wrapping_sub(1)).map_or("top level", String::as_str)
                            ),
                        ));
                    }
                }
            },
            (None, _) => {}
        }
    }
    // Cycles: walk up from every node; a walk that meets itself is a cycle, reported once on
    // the line of its first member in file order.
    let mut reported: HashSet<&str> = HashSet::new();
    for n in nodes {
        let mut path: Vec<&str> = vec![&n.node.code];
        let mut current = n.node.parent_code.as_deref();
        while let Some(code) = current {
            if code == n.node.code {
                if path.len() > 1 && path.iter().all(|c| !reported.contains(c)) {
                    reported.extend(path.iter().copied());
                    path.push(code);
                    issues.push(FileIssue::at(
                        n.line,
                        "parent_code",
                        format!("the parents go round in a cycle: {}", path.join(" → ")),
                    ));
                }
                break;
            }
            if path.contains(&code) || path.len() > nodes.len() {
                break; // a cycle further up, reported from one of its own members
            }
            path.push(code);
            current = first.get(code).and_then(|p| p.node.parent_code.as_deref());
        }
    }
}

/// Parents first, each followed by its subtree, siblings in file order.
fn tree_order(nodes: Vec<TreeLine>) -> Vec<TreeLine> {
    let mut children: HashMap<Option<String>, Vec<usize>> = HashMap::new();
    for (i, n) in nodes.iter().enumerate() {
        children
            .entry(n.node.parent_code.clone())
            .or_default()
            .push(i);
    }
    let mut order = Vec::with_capacity(nodes.len());
    let mut stack: Vec<usize> = children
        .get(&None)
        .map(|roots| roots.iter().rev().copied().collect())
        .unwrap_or_default();
    while let Some(i) = stack.pop() {
        order.push(i);
        if let Some(kids) = children.get(&Some(nodes[i].node.code.clone())) {
            stack.extend(kids.iter().rev());
        }
    }
    let mut slots: Vec<Option<TreeLine>> = nodes.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|i| slots.get_mut(i).and_then(Option::take))
        .collect()
}

/// The metadata row of framework `code` from a file in the format of `frameworks.csv`.
///
/// # Errors
/// Every problem: the file cannot be read, has no row for `code`, or a value is malformed.
pub fn parse_metadata(bytes: &[u8], code: &str) -> Result<FrameworkRow, Vec<FileIssue>> {
    let table = table_of(bytes)?;
    if table.format != FileFormat::Csv && table.format != FileFormat::Xlsx {
        return Err(Vec::new());
    }
    let columns = column_map(
        &table,
        &META_COLUMNS,
        &["code", "title", "start_date", "end_date", "levels"],
    )?;
    let cell = |row: &super::read::Row, name: &str| -> Option<String> {
        columns
            .get(name)
            .map(|&i| row.cell(i).text().trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let Some(row) = table
        .rows
        .iter()
        .find(|r| cell(r, "code").as_deref() == Some(code))
    else {
        return Err(vec![FileIssue::header(
            "code",
            format!("the metadata file has no row for `{code}`"),
        )]);
    };
    let mut issues = Vec::new();
    let mut date = |name: &str, required: bool| -> Option<NaiveDate> {
        match cell(row, name) {
            None if required => {
                issues.push(FileIssue::at(
                    row.line,
                    name,
                    "a date (YYYY-MM-DD) is required",
                ));
                None
            }
            None => None,
            Some(text) => match row.cell(columns[name]) {
                super::read::CellValue::Date(d) => Some(*d),
                _ => NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                    .map_err(|_| {
                        issues.push(FileIssue::at(
                            row.line,
                            name,
                            format!("`{text}` is not a date of the form YYYY-MM-DD"),
                        ));
                    })
                    .ok(),
            },
        }
    };
    let adopted_on = date("adopted_on", false);
    let start_date = date("start_date", true);
    let end_date = date("end_date", true);
    let levels = cell(row, "levels").unwrap_or_default();
    if let Err(message) = parse_levels(&levels) {
        issues.push(FileIssue::at(row.line, "levels", message));
    }
    let title = cell(row, "title").unwrap_or_default();
    if title.is_empty() {
        issues.push(FileIssue::at(row.line, "title", "the title is missing"));
    }
    match (start_date, end_date) {
        (Some(start_date), Some(end_date)) if issues.is_empty() => {
            if start_date > end_date {
                return Err(vec![FileIssue::at(
                    row.line,
                    "end_date",
                    format!("the end {end_date} comes before the start {start_date}"),
                )]);
            }
            Ok(FrameworkRow {
                code: code.to_owned(),
                title,
                adopted_on,
                adopted_at: cell(row, "adopted_at"),
                start_date,
                end_date,
                levels,
                reviews: cell(row, "reviews").unwrap_or_default(),
                note: cell(row, "note"),
            })
        }
        _ => Err(issues),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels() -> Vec<String> {
        parse_levels("goal/objective/measure").unwrap()
    }

    fn fields(issues: &[FileIssue]) -> Vec<String> {
        issues.iter().map(FileIssue::field).collect()
    }

    #[test]
    fn a_sound_tree_is_read_parents_first_in_file_order() {
        let csv = "level,code,parent_code,title,note\n\
                   measure,1.1.1,1.1,M,\n\
                   goal,SG1,,G,\n\
                   objective,1.1,SG1,O,n\n\
                   goal,SG2,,G2,\n";
        let tree = parse_tree(csv.as_bytes(), &levels()).unwrap();
        let codes: Vec<&str> = tree.iter().map(|t| t.node.code.as_str()).collect();
        assert_eq!(codes, ["SG1", "1.1", "1.1.1", "SG2"]);
        assert_eq!(tree[1].line, 4);
        assert_eq!(tree[1].node.note.as_deref(), Some("n"));
    }

    #[test]
    fn every_problem_of_a_broken_tree_is_listed() {
        let csv = "level,code,parent_code,title\n\
                   goal,SG1,,Goal\n\
                   objective,1.1,SG9,Unknown parent\n\
                   objective,SG1,SG1,Duplicate and own parent\n\
                   measure,1.2.1,SG1,Wrong level order\n\
                   target,T1,,Unknown level\n\
                   goal,SG2,SG1,Top level with a parent\n\
                   objective,,SG1,\n\
                   objective,A,B,Cycle\n\
                   objective,B,A,Cycle\n";
        let issues = parse_tree(csv.as_bytes(), &levels()).unwrap_err();
        assert_eq!(
            fields(&issues),
            [
                "line 3: parent_code",
                "line 4: code",
                "line 4: parent_code",
                "line 5: level",
                "line 6: level",
                "line 7: parent_code",
                "line 8: code",
                "line 8: title",
                "line 9: level",
                "line 9: parent_code",
                "line 10: level",
            ],
            "{issues:#?}"
        );
        assert!(issues.iter().any(|i| i.message.contains("A → B → A")));
    }

    #[test]
    fn unknown_columns_and_bad_levels_are_refused() {
        let issues = parse_tree(b"level,code,parent,title\n", &levels()).unwrap_err();
        assert_eq!(fields(&issues), ["header: parent", "header: parent_code"]);
        assert!(parse_levels("goal//measure").is_err());
        assert!(parse_levels("goal/goal").is_err());
    }

    #[test]
    fn metadata_is_read_from_a_frameworks_file() {
        let csv = "code,title,adopted_on,adopted_at,start_date,end_date,levels,reviews,note\n\
                   x,X plan,2015-11-22,Summit,2016-01-01,2025-12-31,a/b,R1;R2,\n";
        let row = parse_metadata(csv.as_bytes(), "x").unwrap();
        assert_eq!(row.levels, "a/b");
        assert!(parse_metadata(csv.as_bytes(), "y").is_err());
        let bad = "code,title,start_date,end_date,levels\nx,X,2026-01-01,2025-01-01,a\n";
        assert_eq!(
            fields(&parse_metadata(bad.as_bytes(), "x").unwrap_err()),
            ["line 2: end_date"]
        );
    }
}
