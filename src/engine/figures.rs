//! The figures of DESIGN.md §2 for a set of measures: rates in one scope with rollups per node,
//! the member-state comparison under each rule, and timelines. Pure: the tree, the
//! participants, the reports (a [`StatusIndex`]) and the dates are parameters.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::index::{At, Cell, StatusIndex};
use super::rates::{MeanRate, Rate, Rule, Tally};
use crate::domain::{Node, Scope, StateCode, Status};

/// A framework's tree arranged for counting: every node with the index of its parent, in the
/// order of the framework file.
#[derive(Debug, Clone)]
pub struct Outline {
    pub levels: Vec<String>,
    pub nodes: Vec<OutlineNode>,
}

#[derive(Debug, Clone)]
pub struct OutlineNode {
    /// The store's id of the node (what reports name).
    pub id: i32,
    pub code: String,
    pub title: String,
    pub level: String,
    pub depth: usize,
    pub parent: Option<usize>,
    pub is_measure: bool,
    pub lead_bodies: Vec<String>,
}

/// Why a selection of measures cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectError {
    UnknownNode(String),
    UnknownLevel(String),
}

/// A set of strategic measures (`M` in DESIGN.md §2) and the nodes they are rolled up under.
#[derive(Debug, Clone)]
pub struct Selection {
    /// Indices (into [`Outline::nodes`]) of the measures counted.
    pub measures: Vec<usize>,
    /// Indices of the nodes reported one by one, at the level asked for, in tree order.
    pub rows: Vec<usize>,
    /// The depth of that level.
    pub depth: usize,
}

impl Outline {
    /// Arranges `nodes` (in any order in which parents come before... or after: parents are
    /// looked up by code) under `levels`.
    pub fn new(levels: Vec<String>, nodes: &[Node]) -> Self {
        let position: std::collections::HashMap<&str, usize> = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.code.as_str(), i))
            .collect();
        let nodes = nodes
            .iter()
            .map(|n| OutlineNode {
                id: n.id,
                code: n.code.clone(),
                title: n.title.clone(),
                level: n.level.clone(),
                depth: usize::from(n.depth),
                parent: n.parent.as_deref().and_then(|p| position.get(p).copied()),
                is_measure: n.is_measure,
                lead_bodies: n.lead_bodies.clone(),
            })
            .collect();
        Self { levels, nodes }
    }

    /// The node with this code.
    pub fn find(&self, code: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.code == code)
    }

    /// Whether `ancestor` is `node` or one of its ancestors.
    pub fn is_within(&self, node: usize, ancestor: usize) -> bool {
        let mut current = Some(node);
        // The depth bounds the walk even if a stored tree were cyclic.
        for _ in 0..=self.nodes.len() {
            match current {
                None => return false,
                Some(n) if n == ancestor => return true,
                Some(n) => current = self.nodes.get(n).and_then(|n| n.parent),
            }
        }
        false
    }

    /// The ancestor of `node` at `depth` (or `node` itself), if any.
    pub fn ancestor_at(&self, node: usize, depth: usize) -> Option<usize> {
        let mut current = Some(node);
        for _ in 0..=self.nodes.len() {
            let n = current?;
            let at = self.nodes.get(n)?;
            if at.depth == depth {
                return Some(n);
            }
            if at.depth < depth {
                return None;
            }
            current = at.parent;
        }
        None
    }

    /// The depth of a level name (case-insensitive).
    pub fn level_depth(&self, level: &str) -> Option<usize> {
        self.levels
            .iter()
            .position(|l| l.eq_ignore_ascii_case(level.trim()))
    }

    /// The measures under `node` (the node itself if it is a measure; the whole framework when
    /// `None`) that `body` leads (every measure when `None`), rolled up at `level` (the top
    /// level when `None`). Rows are the nodes at that level within `node`, or `node` itself
    /// when the level is above it (the rows' level is then the node's); a row may hold no
    /// measure.
    ///
    /// # Errors
    /// An unknown node code or level name.
    pub fn select(
        &self,
        node: Option<&str>,
        body: Option<&str>,
        level: Option<&str>,
    ) -> Result<Selection, SelectError> {
        let within = node
            .map(|code| {
                self.find(code)
                    .ok_or_else(|| SelectError::UnknownNode(code.to_owned()))
            })
            .transpose()?;
        let depth = level
            .map(|l| {
                self.level_depth(l)
                    .ok_or_else(|| SelectError::UnknownLevel(l.to_owned()))
            })
            .transpose()?
            .unwrap_or(0);
        let measures = (0..self.nodes.len())
            .filter(|&i| self.nodes[i].is_measure)
            .filter(|&i| within.is_none_or(|w| self.is_within(i, w)))
            .filter(|&i| {
                body.is_none_or(|b| {
                    self.nodes[i]
                        .lead_bodies
                        .iter()
                        .any(|l| l.eq_ignore_ascii_case(b))
                })
            })
            .collect();
        // A level above the node asked for would label its one row with the ancestor's code
        // while the row holds only the node's measures: the node itself is the row then.
        let (rows, depth) = match within {
            Some(w) if self.nodes[w].depth > depth => (vec![w], self.nodes[w].depth),
            _ => (
                (0..self.nodes.len())
                    .filter(|&i| self.nodes[i].depth == depth)
                    .filter(|&i| within.is_none_or(|w| self.is_within(i, w)))
                    .collect(),
                depth,
            ),
        };
        Ok(Selection {
            measures,
            rows,
            depth,
        })
    }
}

/// The figures for one row of a rollup.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NodeRate {
    pub code: String,
    pub title: String,
    pub level: String,
    #[serde(flatten)]
    pub rate: Rate,
}

/// Rates in one scope: overall and per node of the level asked for.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Progress {
    pub overall: Rate,
    pub nodes: Vec<NodeRate>,
}

/// One member state's figures in a comparison.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StateRate {
    pub state: StateCode,
    #[serde(flatten)]
    pub rate: Rate,
}

/// The member states side by side, with the cross-state figures under each rule and the
/// regional figures beside them.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Comparison {
    pub states: Vec<StateRate>,
    pub all_states: Rate,
    pub mean_of_states: MeanRate,
    pub cells: Rate,
    pub regional: Rate,
}

/// One date of a timeline.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Point {
    pub date: NaiveDate,
    #[serde(flatten)]
    pub rate: Rate,
}

/// The measures of a selection with their index rows, resolved once per query.
struct Resolved<'a> {
    index: &'a StatusIndex,
    rows: Vec<Option<usize>>,
}

impl<'a> Resolved<'a> {
    fn new(outline: &Outline, selection: &Selection, index: &'a StatusIndex) -> Self {
        let rows = selection
            .measures
            .iter()
            .map(|&m| index.measure_row(outline.nodes[m].id))
            .collect();
        Self { index, rows }
    }

    /// The status of every selected measure in `scope`, in selection order.
    fn cells(&self, scope: &Scope, at: At) -> Vec<Cell> {
        let slot = self.index.scope_slot(scope);
        self.rows
            .iter()
            .map(|&row| self.index.cell(row, slot, at))
            .collect()
    }
}

fn tally_of(cells: &[Cell]) -> Tally {
    let mut tally = Tally::default();
    for cell in cells {
        tally.add_cell(cell);
    }
    tally
}

/// The rule of one scope's own figures: `regional` for `ASEAN`, `scope` for a member state.
fn rule_for(scope: &Scope) -> Rule {
    if scope == &Scope::Asean {
        Rule::Regional
    } else {
        Rule::Scope
    }
}

/// Rates for `scope` as of `at`: overall, and pooled per row node of the selection.
pub fn progress(
    outline: &Outline,
    selection: &Selection,
    index: &StatusIndex,
    scope: &Scope,
    at: At,
) -> Progress {
    let rule = rule_for(scope);
    let cells = Resolved::new(outline, selection, index).cells(scope, at);
    let row_of: std::collections::HashMap<usize, usize> = selection
        .rows
        .iter()
        .enumerate()
        .map(|(position, &node)| (node, position))
        .collect();
    let mut overall = Tally::default();
    let mut per_row = vec![Tally::default(); selection.rows.len()];
    for (&measure, cell) in selection.measures.iter().zip(&cells) {
        overall.add_cell(cell);
        let row = outline
            .ancestor_at(measure, selection.depth)
            .and_then(|node| row_of.get(&node));
        if let Some(tally) = row.and_then(|&r| per_row.get_mut(r)) {
            tally.add_cell(cell);
        }
    }
    Progress {
        overall: overall.rate(rule),
        nodes: selection
            .rows
            .iter()
            .zip(per_row)
            .map(|(&row, tally)| {
                let node = &outline.nodes[row];
                NodeRate {
                    code: node.code.clone(),
                    title: node.title.clone(),
                    level: node.level.clone(),
                    rate: tally.rate(rule),
                }
            })
            .collect(),
    }
}

/// The least advanced of two statuses for the `all_states` rule, with the progress that goes
/// with it (the smaller percent among equally advanced `ongoing` statuses). A missing report
/// ranks below a report of `not_started` (both count as not started, so the figures are the
/// same): a measure counts as `unreported` under this rule when a participant has no report.
fn weakest(a: Option<Cell>, b: Cell) -> Option<Cell> {
    if b.status == Status::NotApplicable {
        return a;
    }
    let Some(a) = a else { return Some(b) };
    let rank = |c: &Cell| match c.status {
        _ if !c.reported() => -1,
        Status::NotStarted | Status::NotApplicable => 0,
        Status::Ongoing => 1,
        Status::Completed => 2,
    };
    Some(match rank(&a).cmp(&rank(&b)) {
        std::cmp::Ordering::Less => a,
        std::cmp::Ordering::Greater => b,
        std::cmp::Ordering::Equal => {
            let points = |c: &Cell| super::rates::progress_points(c.status, c.progress);
            if points(&b) < points(&a) { b } else { a }
        }
    })
}

/// Every state of `states` side by side as of `at`, with `all_states`, `mean_of_states` and
/// `cells` over those states and the regional (`ASEAN`) figures beside them. The caller passes
/// the participants as of the date (DESIGN.md §2: national views count only participants).
pub fn compare(
    outline: &Outline,
    selection: &Selection,
    index: &StatusIndex,
    states: &[StateCode],
    at: At,
) -> Comparison {
    let resolved = Resolved::new(outline, selection, index);
    let slots: Vec<_> = states
        .iter()
        .map(|state| index.scope_slot(&Scope::State(state.clone())))
        .collect();
    let regional_slot = index.scope_slot(&Scope::Asean);
    // A measure that no participant finds applicable (its date does not matter here).
    let not_applicable = Cell {
        status: Status::NotApplicable,
        progress: None,
        effective: Some(at.as_of),
    };
    let mut state_tallies = vec![Tally::default(); states.len()];
    let mut all_states = Tally::default();
    let mut regional = Tally::default();
    let mut row_cells = Vec::with_capacity(states.len());
    // Measure by measure, every state at once: the index is laid out that way.
    for &row in &resolved.rows {
        row_cells.clear();
        index.row_cells(row, &slots, at, &mut row_cells);
        let mut least = None;
        for (tally, cell) in state_tallies.iter_mut().zip(&row_cells) {
            tally.add_cell(cell);
            least = weakest(least, *cell);
        }
        let least = least.unwrap_or(not_applicable);
        all_states.add_cell(&least);
        let cell = index.cell(row, regional_slot, at);
        regional.add_cell(&cell);
    }
    let mut pooled = Tally::default();
    for tally in &state_tallies {
        pooled.merge(tally);
    }
    Comparison {
        mean_of_states: MeanRate::of(&state_tallies),
        states: states
            .iter()
            .zip(&state_tallies)
            .map(|(state, tally)| StateRate {
                state: state.clone(),
                rate: tally.rate(Rule::Scope),
            })
            .collect(),
        all_states: all_states.rate(Rule::AllStates),
        cells: pooled.rate(Rule::Cells),
        regional: regional.rate(Rule::Regional),
    }
}

/// One selected measure's status in each of several scopes, and its latest report date.
#[derive(Debug, Clone)]
pub struct MeasureCells {
    /// Index into [`Outline::nodes`].
    pub measure: usize,
    /// In the order of the scopes asked for.
    pub cells: Vec<Cell>,
    /// The latest effective date of any of its reports (any scope) on or before the date.
    pub latest: Option<NaiveDate>,
}

/// Every selected measure's status in each of `scopes` as of `at`, in selection order.
pub fn measure_cells(
    outline: &Outline,
    selection: &Selection,
    index: &StatusIndex,
    scopes: &[Scope],
    at: At,
) -> Vec<MeasureCells> {
    let resolved = Resolved::new(outline, selection, index);
    let slots: Vec<_> = scopes.iter().map(|s| index.scope_slot(s)).collect();
    selection
        .measures
        .iter()
        .zip(&resolved.rows)
        .map(|(&measure, &row)| {
            let mut cells = Vec::with_capacity(slots.len());
            index.row_cells(row, &slots, at, &mut cells);
            MeasureCells {
                measure,
                cells,
                latest: index.latest_effective(row, at),
            }
        })
        .collect()
}

/// The overall rates for `scope` at each of `dates` (as known at `known_at`, if given).
pub fn timeline(
    outline: &Outline,
    selection: &Selection,
    index: &StatusIndex,
    scope: &Scope,
    dates: &[NaiveDate],
    known_at: Option<chrono::DateTime<chrono::Utc>>,
) -> Vec<Point> {
    let rule = rule_for(scope);
    let resolved = Resolved::new(outline, selection, index);
    dates
        .iter()
        .map(|&date| Point {
            date,
            rate: tally_of(&resolved.cells(
                scope,
                At {
                    as_of: date,
                    known_at,
                },
            ))
            .rate(rule),
        })
        .collect()
}

/// How often a timeline takes a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Every {
    Month,
    Quarter,
    Year,
}

impl Every {
    fn months(self) -> u32 {
        match self {
            Every::Month => 1,
            Every::Quarter => 3,
            Every::Year => 12,
        }
    }
}

impl std::str::FromStr for Every {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "month" | "monthly" => Ok(Every::Month),
            "quarter" | "quarterly" => Ok(Every::Quarter),
            "year" | "yearly" | "annual" => Ok(Every::Year),
            other => Err(format!(
                "`{other}` is not a period: use month, quarter or year"
            )),
        }
    }
}

/// The timeline's dates: the last day of every month, quarter or year (calendar periods) from
/// `from` to `to`, and `to` itself when it is not a period end, so the latest figure is always
/// there. At most `max` dates: `Err(count)` when there would be more.
///
/// # Errors
/// More than `max` dates (the count is returned).
pub fn period_ends(
    from: NaiveDate,
    to: NaiveDate,
    every: Every,
    max: usize,
) -> Result<Vec<NaiveDate>, usize> {
    let step = every.months();
    let month_index = |d: NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month0());
    // Exactly one date per calendar period touched by [from, to]: the end of each period but
    // the last, and for the last its end if that is `to`, else `to` itself. (An estimate from
    // the months spanned alone misses a period when the range straddles a boundary, and then
    // reported one date too few.)
    let period = |d: NaiveDate| month_index(d).div_euclid(i64::from(step));
    let count = if from <= to {
        period(to) - period(from) + 1
    } else {
        0
    };
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    if count > max {
        return Err(count);
    }
    // The first period end on or after `from` closes the calendar period holding `from`.
    let mut start = NaiveDate::from_ymd_opt(from.year(), (from.month0() / step) * step + 1, 1);
    let mut dates = Vec::new();
    while let Some(period_start) = start {
        let Some(next) = period_start.checked_add_months(Months::new(step)) else {
            break;
        };
        let Some(end) = next.pred_opt() else { break };
        if end > to {
            break;
        }
        if end >= from {
            dates.push(end);
        }
        start = Some(next);
    }
    if from <= to && dates.last() != Some(&to) {
        dates.push(to);
    }
    if dates.len() > max {
        return Err(dates.len());
    }
    Ok(dates)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn period_ends_are_calendar_ends_plus_the_last_date() {
        let q = period_ends(d("2026-01-01"), d("2026-11-23"), Every::Quarter, 1000).unwrap();
        assert_eq!(
            q,
            [
                d("2026-03-31"),
                d("2026-06-30"),
                d("2026-09-30"),
                d("2026-11-23")
            ]
        );
        let m = period_ends(d("2026-01-15"), d("2026-03-31"), Every::Month, 1000).unwrap();
        assert_eq!(m, [d("2026-01-31"), d("2026-02-28"), d("2026-03-31")]);
        let y = period_ends(d("2016-01-01"), d("2025-12-31"), Every::Year, 1000).unwrap();
        assert_eq!(y.len(), 10);
        assert_eq!(y[0], d("2016-12-31"));
        let one = period_ends(d("2026-05-05"), d("2026-05-05"), Every::Year, 1000).unwrap();
        assert_eq!(one, [d("2026-05-05")]);
    }

    #[test]
    fn too_many_points_are_refused_with_their_count() {
        let err = period_ends(d("1900-01-01"), d("2035-12-31"), Every::Month, 1000).unwrap_err();
        assert!(err > 1000, "{err}");
        assert!(period_ends(d("1950-01-01"), d("2033-04-30"), Every::Month, 1000).is_ok());
    }
}
