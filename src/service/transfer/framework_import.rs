//! Loading or updating a framework from a file (the format of the shipped frameworks).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::super::{ServiceError, ServiceResult, Tracker, now};
use super::{ImportFile, file_issue};
use crate::domain::{FieldIssue, audit::actions};
use crate::reference::{FrameworkRow, FrameworkSpec};
use crate::store::{FrameworkLoad, FrameworkOutcome};
use crate::transfer::{self, FileIssue};

/// Metadata of a framework given beside its tree (flags of `framework import`); what is not
/// given comes from a metadata file, then from the framework as stored.
#[derive(Debug, Clone, Default)]
pub struct FrameworkMetadata {
    pub title: Option<String>,
    pub adopted_on: Option<NaiveDate>,
    pub adopted_at: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub levels: Option<String>,
    pub reviews: Option<String>,
    pub note: Option<String>,
}

impl Tracker {
    /// Loads or updates framework `code` from a tree file (the format of the shipped
    /// frameworks), with its metadata from `metadata` (flags), else from `metadata_file` (the
    /// format of `frameworks.csv`), else as stored. Nodes the file no longer lists are retired,
    /// never deleted: their reports stay readable and the figures stop counting them. As the
    /// operator at the terminal; audited (`import`).
    ///
    /// # Errors
    /// `Invalid` with every problem (metadata, the tree, a lead body that does not exist, a
    /// measure with reports that would stop being a measure); the store fails. Nothing is
    /// written then.
    pub async fn import_framework(
        &self,
        code: &str,
        tree: ImportFile<'_>,
        metadata_file: Option<&[u8]>,
        metadata: FrameworkMetadata,
        dry_run: bool,
    ) -> ServiceResult<FrameworkOutcome> {
        let invalid =
            |issues: Vec<FileIssue>| ServiceError::Invalid(issues.iter().map(file_issue).collect());
        let code = code.trim();
        if code.is_empty()
            || code.chars().count() > 64
            || !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        {
            return Err(ServiceError::Invalid(vec![FieldIssue::invalid(
                "code",
                format!(
                    "`{code}` is not a framework code: letters, digits, `-`, `_`, `.`; at most 64"
                ),
            )]));
        }
        let stored = self.store.framework(code).await?;
        let from_file = match metadata_file {
            Some(bytes) => Some(transfer::framework::parse_metadata(bytes, code).map_err(invalid)?),
            None => None,
        };
        let base = from_file.or_else(|| {
            stored.as_ref().map(|f| FrameworkRow {
                code: f.code.clone(),
                title: f.title.clone(),
                adopted_on: f.adopted_on,
                adopted_at: f.adopted_at.clone(),
                start_date: f.start_date,
                end_date: f.end_date,
                levels: f.levels.join("/"),
                reviews: f.reviews.join(";"),
                note: f.note.clone(),
            })
        });
        let mut issues = Vec::new();
        let row = match base {
            Some(base) => FrameworkRow {
                code: code.to_owned(),
                title: metadata.title.unwrap_or(base.title),
                adopted_on: metadata.adopted_on.or(base.adopted_on),
                adopted_at: metadata.adopted_at.or(base.adopted_at),
                start_date: metadata.start_date.unwrap_or(base.start_date),
                end_date: metadata.end_date.unwrap_or(base.end_date),
                levels: metadata.levels.unwrap_or(base.levels),
                reviews: metadata.reviews.unwrap_or(base.reviews),
                note: metadata.note.or(base.note),
            },
            None => {
                for (given, name) in [
                    (metadata.title.is_some(), "title"),
                    (metadata.start_date.is_some(), "start"),
                    (metadata.end_date.is_some(), "end"),
                    (metadata.levels.is_some(), "levels"),
                ] {
                    if !given {
                        issues.push(FieldIssue::invalid(
                            name,
                            format!(
                                "`{code}` is a new framework: give --{name} (or a metadata file)"
                            ),
                        ));
                    }
                }
                FrameworkRow {
                    code: code.to_owned(),
                    title: metadata.title.unwrap_or_default(),
                    adopted_on: metadata.adopted_on,
                    adopted_at: metadata.adopted_at,
                    start_date: metadata.start_date.unwrap_or_default(),
                    end_date: metadata.end_date.unwrap_or_default(),
                    levels: metadata.levels.unwrap_or_default(),
                    reviews: metadata.reviews.unwrap_or_default(),
                    note: metadata.note,
                }
            }
        };
        if !issues.is_empty() {
            return Err(ServiceError::Invalid(issues));
        }
        if row.title.trim().is_empty() {
            issues.push(FieldIssue::invalid("title", "the title is empty"));
        }
        if row.start_date > row.end_date {
            issues.push(FieldIssue::invalid(
                "end",
                format!(
                    "the end {} comes before the start {}",
                    row.end_date, row.start_date
                ),
            ));
        }
        let levels = match transfer::framework::parse_levels(&row.levels) {
            Ok(levels) => levels,
            Err(message) => {
                issues.push(FieldIssue::invalid("levels", message));
                Vec::new()
            }
        };
        if !issues.is_empty() {
            return Err(ServiceError::Invalid(issues));
        }
        let tree_lines = transfer::framework::parse_tree(tree.bytes, &levels).map_err(invalid)?;

        // What only the database knows: sectoral bodies, and measures that hold reports.
        let bodies: HashSet<String> = self
            .store
            .sectoral_bodies()
            .await?
            .into_iter()
            .map(|b| b.code)
            .collect();
        let counts = match &stored {
            Some(f) => self.store.report_counts_by_node(f.id).await?,
            None => HashMap::new(),
        };
        let measure_level = levels.last().cloned().unwrap_or_default();
        let mut problems = Vec::new();
        for t in &tree_lines {
            for body in t
                .node
                .lead_bodies
                .iter()
                .flat_map(|s| s.split(';'))
                .map(str::trim)
                .filter(|b| !b.is_empty())
            {
                if !bodies.contains(body) {
                    problems.push(FileIssue::at(
                        t.line,
                        "lead_bodies",
                        format!("there is no sectoral body `{body}`"),
                    ));
                }
            }
            if let Some(&reports) = counts.get(&t.node.code)
                && t.node.level != measure_level
            {
                problems.push(FileIssue::at(
                    t.line,
                    "level",
                    format!(
                        "`{}` holds {reports} status report(s) as a strategic measure and cannot become a {}: give the new node another code",
                        t.node.code, t.node.level
                    ),
                ));
            }
        }
        if !problems.is_empty() {
            return Err(invalid(problems));
        }
        let spec = FrameworkSpec {
            framework: row,
            nodes: tree_lines.into_iter().map(|t| t.node).collect(),
        };
        let audit =
            super::super::accounts::entry(None, actions::IMPORT).detail(serde_json::json!({
                "file": tree.name,
            }));
        Ok(self
            .store
            .import_framework(FrameworkLoad {
                spec: &spec,
                at: now(),
                dry_run,
                audit: Some(audit),
            })
            .await?)
    }
}
