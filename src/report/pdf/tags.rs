//! The PDF's logical structure (tagged PDF): what each drawing operation is, recorded by the
//! layout primitives as they place it, and turned into krilla's tag tree when drawing.
//!
//! The layout keeps, beside each page's operations, a [`Mark`] per operation: either a *run*
//! of content belonging to a node of the structure tree (a heading, a paragraph, a table cell,
//! a figure), or an artifact (rules and backgrounds, the running footer, a table header
//! repeated on a continuation page). The primitives open and close nodes ([`Layout::open`],
//! [`Layout::close`]): a section's heading opens a `Sect` with its `H1`, a wrapped paragraph is
//! a `P`, a chart a `Figure` with its caption as alternate text, a table a `Table` of
//! `THead`/`TBody` rows of `TH`/`TD` cells. Text drawn outside any block (the cover, the
//! headline cards, a definition's lines) becomes a paragraph of its own, so every piece of
//! content is in the tree and reading order is the order of drawing.
//!
//! A run is a stretch of consecutive operations on one page belonging to one node: the
//! drawing wraps it in one marked-content sequence (`BDC … EMC` with an MCID), whose identifier
//! becomes a leaf of that node in the tag tree.

use std::num::NonZeroU16;

use krilla::tagging::{Identifier, Node as TagNode, Tag, TagGroup, TagKind, TagTree};

use super::*;

/// What a node of the structure tree is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Role {
    /// A numbered section of the report (its heading and everything up to the next one).
    Section,
    /// A heading: 1 for a section's, 2 for a heading inside one; `title` is its text.
    Heading {
        level: u16,
        title: String,
    },
    P,
    /// A chart, with a text alternative (its caption).
    Figure {
        alt: String,
    },
    Caption,
    Table,
    THead,
    TBody,
    TR,
    /// A header cell: of its column, or (`row`) of the row it heads (a group row).
    TH {
        row: bool,
    },
    TD,
}

impl Role {
    /// Whether text drawn while this node is innermost belongs to it (else the text becomes a
    /// paragraph of its own inside it).
    fn holds_content(&self) -> bool {
        matches!(
            self,
            Role::Heading { .. }
                | Role::P
                | Role::Figure { .. }
                | Role::Caption
                | Role::TH { .. }
                | Role::TD
        )
    }

    fn tag(&self) -> TagKind {
        match self {
            Role::Section => Tag::Section.into(),
            Role::Heading { level, title } => Tag::Hn(
                NonZeroU16::new(*level).unwrap_or(NonZeroU16::MIN),
                Some(title.clone()),
            )
            .into(),
            Role::P => Tag::P.into(),
            Role::Figure { alt } => Tag::Figure(Some(alt.clone())).into(),
            Role::Caption => Tag::Caption.into(),
            Role::Table => Tag::Table.into(),
            Role::THead => Tag::THead.into(),
            Role::TBody => Tag::TBody.into(),
            Role::TR => Tag::TR.into(),
            Role::TH { row } => Tag::TH(if *row {
                krilla::tagging::TableHeaderScope::Row
            } else {
                krilla::tagging::TableHeaderScope::Column
            })
            .into(),
            Role::TD => Tag::TD.into(),
        }
    }
}

/// What a drawing operation is, for the structure tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mark {
    /// Content: run `n` (see the module's documentation); for a link, the link annotation.
    Run(usize),
    /// Decoration: rules, tints, bars (an artifact).
    Decoration,
    /// Repeated because of pagination: a table's header and caption on a continuation page.
    Pagination,
    /// The running footer (anything added to a page after layout, see [`Structure::mark`]).
    Footer,
}

#[derive(Debug, Clone, Copy)]
enum Part {
    Node(usize),
    Run(usize),
}

#[derive(Debug, Clone)]
struct StructNode {
    role: Role,
    parts: Vec<Part>,
}

/// The structure tree being built, and each operation's mark (parallel to `Layout::pages`).
#[derive(Debug, Default)]
pub(super) struct Structure {
    nodes: Vec<StructNode>,
    /// The nodes at the top of the tree, in order.
    roots: Vec<usize>,
    /// The open nodes, innermost last.
    stack: Vec<usize>,
    /// Each run's node, and whether the run is a link annotation (never continued by text).
    runs: Vec<(usize, bool)>,
    /// Each page's operations' marks (operations pushed straight into a page after layout,
    /// like the footer, have none and count as [`Mark::Footer`]).
    pub(super) marks: Vec<Vec<Mark>>,
    /// While set, everything drawn is this artifact (a repeated table header).
    pub(super) artifact: Option<Mark>,
}

impl Structure {
    /// The mark of operation `index` on page `page`.
    pub(super) fn mark(&self, page: usize, index: usize) -> Mark {
        self.marks
            .get(page)
            .and_then(|m| m.get(index))
            .copied()
            .unwrap_or(Mark::Footer)
    }

    /// The number of runs (identifiers to collect while drawing).
    pub(super) fn run_count(&self) -> usize {
        self.runs.len()
    }

    /// Starts with the layout's first page.
    pub(super) fn new() -> Self {
        Self {
            marks: vec![Vec::new()],
            ..Self::default()
        }
    }

    /// Opens a node inside the innermost open one (or at the top). While an artifact is being
    /// drawn nothing is opened (and closing what this returns does nothing).
    pub(super) fn open(&mut self, role: Role) -> usize {
        if self.artifact.is_some() {
            return usize::MAX;
        }
        let id = self.nodes.len();
        self.nodes.push(StructNode {
            role,
            parts: Vec::new(),
        });
        match self.stack.last() {
            Some(&parent) => self.nodes[parent].parts.push(Part::Node(id)),
            None => self.roots.push(id),
        }
        self.stack.push(id);
        id
    }

    /// Closes node `id` and every node opened inside it that is still open.
    pub(super) fn close(&mut self, id: usize) {
        if let Some(at) = self.stack.iter().rposition(|&n| n == id) {
            self.stack.truncate(at);
        }
    }

    /// Closes every open node (a new section starts).
    pub(super) fn close_all(&mut self) {
        self.stack.clear();
    }

    pub(super) fn new_page(&mut self) {
        self.marks.push(Vec::new());
    }

    /// Records the mark of operation `op`, just pushed onto the last page.
    pub(super) fn record(&mut self, op: &Op) {
        let mark = match op {
            _ if self.artifact.is_some() => self.artifact.unwrap_or(Mark::Decoration),
            Op::Rect { .. } | Op::Line { .. } => Mark::Decoration,
            Op::Link { .. } => {
                // The annotation belongs with the text it covers (drawn just before it).
                let node = self
                    .marks
                    .last()
                    .and_then(|m| {
                        m.iter().rev().find_map(|mark| match mark {
                            Mark::Run(r) => Some(self.runs[*r].0),
                            _ => None,
                        })
                    })
                    .or_else(|| self.stack.last().copied());
                match node {
                    Some(node) => Mark::Run(self.new_run(node, true)),
                    None => Mark::Decoration,
                }
            }
            Op::Text { .. } | Op::Chart { .. } | Op::Logo { .. } => {
                let node = match self.stack.last() {
                    Some(&n) if self.nodes[n].role.holds_content() => n,
                    // Loose text: a paragraph of its own.
                    _ => {
                        let p = self.open(Role::P);
                        self.close(p);
                        p
                    }
                };
                // Continue the run of the operation just before, if it is this node's.
                match self.marks.last().and_then(|m| m.last()) {
                    Some(Mark::Run(r)) if self.runs[*r] == (node, false) => Mark::Run(*r),
                    _ => Mark::Run(self.new_run(node, false)),
                }
            }
        };
        if let Some(marks) = self.marks.last_mut() {
            marks.push(mark);
        }
    }

    fn new_run(&mut self, node: usize, link: bool) -> usize {
        let run = self.runs.len();
        self.runs.push((node, link));
        self.nodes[node].parts.push(Part::Run(run));
        run
    }

    /// The tag tree, with each run's identifier (collected while drawing) as a leaf.
    pub(super) fn tag_tree(&self, ids: &[Option<Identifier>]) -> TagTree {
        let mut tree = TagTree::new().with_lang(Some("en".to_owned()));
        for &root in &self.roots {
            tree.push(self.group(root, ids));
        }
        tree
    }

    fn group(&self, node: usize, ids: &[Option<Identifier>]) -> TagNode {
        let n = &self.nodes[node];
        let mut group = TagGroup::new(n.role.tag());
        for part in &n.parts {
            match *part {
                Part::Node(child) => group.push(self.group(child, ids)),
                Part::Run(run) => {
                    if let Some(Some(id)) = ids.get(run) {
                        group.push(*id);
                    }
                }
            }
        }
        group.into()
    }

    /// Each node's role, depth first in reading order, with its depth (for tests).
    #[cfg(test)]
    pub(super) fn outline(&self) -> Vec<(usize, Role)> {
        fn walk(s: &Structure, node: usize, depth: usize, out: &mut Vec<(usize, Role)>) {
            out.push((depth, s.nodes[node].role.clone()));
            for part in &s.nodes[node].parts {
                if let Part::Node(child) = part {
                    walk(s, *child, depth + 1, out);
                }
            }
        }
        let mut out = Vec::new();
        for &root in &self.roots {
            walk(self, root, 0, &mut out);
        }
        out
    }
}
