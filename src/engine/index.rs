//! The status reports of one framework arranged for the as-of rule: for every (measure, scope)
//! pair, its reports sorted by (effective date, recorded at, id). The report in force on a date
//! is then found by a binary search, so a whole framework of 2,000 measures × 12 scopes is
//! evaluated in about a millisecond whatever the number of reports. Plain data: the service
//! decides when to extend it (and keeps it consistent with the database).

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::domain::{ReportFact, Scope, Status};

/// One report as kept in the index (24 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    /// Days since 0001-01-01 (chrono's `num_days_from_ce`).
    effective: i32,
    /// Microseconds since the Unix epoch.
    recorded: i64,
    id: i64,
    status: Status,
    progress: Option<u8>,
}

impl Entry {
    fn order(&self) -> (i32, i64, i64) {
        (self.effective, self.recorded, self.id)
    }
}

/// A measure's status in one scope: what the rates count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    pub status: Status,
    pub progress: Option<u8>,
}

impl Cell {
    /// A pair with no report in force counts as `not_started`.
    pub const NOT_STARTED: Cell = Cell {
        status: Status::NotStarted,
        progress: None,
    };
}

/// The instant a figure is computed for: the as-of date, and optionally the instant at which
/// the reports must have been known (to reproduce an earlier publication).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At {
    pub as_of: NaiveDate,
    pub known_at: Option<DateTime<Utc>>,
}

impl At {
    pub fn on(as_of: NaiveDate) -> Self {
        Self {
            as_of,
            known_at: None,
        }
    }
}

/// A slot of a scope in the index, resolved once per query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScopeSlot(usize);

/// Every report of one framework, by (measure, scope).
#[derive(Debug, Clone, Default)]
pub struct StatusIndex {
    /// Store id of a measure → its row in `pairs`.
    measures: HashMap<i32, usize>,
    scopes: Vec<Scope>,
    /// `pairs[measure row][scope slot]`, each sorted by (effective, recorded, id).
    pairs: Vec<Vec<Vec<Entry>>>,
    last_id: i64,
    len: usize,
}

impl StatusIndex {
    /// How many reports the index holds.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The greatest report id taken in so far (0 when empty).
    pub fn last_id(&self) -> i64 {
        self.last_id
    }

    /// Takes in reports. Reports whose id is not greater than [`Self::last_id`] are already in
    /// and are skipped, so the same batch can be offered twice; new reports must therefore
    /// carry ids greater than every id taken in before (the store guarantees this: its writers
    /// are serialised per framework).
    pub fn extend<'a>(&mut self, facts: impl IntoIterator<Item = &'a ReportFact>) {
        let floor = self.last_id;
        for fact in facts {
            if fact.id <= floor {
                continue;
            }
            self.insert(fact);
        }
    }

    fn insert(&mut self, fact: &ReportFact) {
        let next_row = self.pairs.len();
        let row = *self.measures.entry(fact.measure_id).or_insert(next_row);
        if row == next_row {
            self.pairs.push(Vec::new());
        }
        let slot = match self.scopes.iter().position(|s| s == &fact.scope) {
            Some(slot) => slot,
            None => {
                self.scopes.push(fact.scope.clone());
                self.scopes.len() - 1
            }
        };
        let Some(scopes) = self.pairs.get_mut(row) else {
            return;
        };
        if scopes.len() <= slot {
            scopes.resize_with(slot + 1, Vec::new);
        }
        let Some(entries) = scopes.get_mut(slot) else {
            return;
        };
        let entry = Entry {
            effective: fact.effective_date.num_days_from_ce(),
            recorded: fact.recorded_at.timestamp_micros(),
            id: fact.id,
            status: fact.status,
            progress: fact.progress,
        };
        let at = entries.partition_point(|e| e.order() <= entry.order());
        entries.insert(at, entry);
        self.last_id = self.last_id.max(fact.id);
        self.len += 1;
    }

    /// The slot of `scope`, if any report names it.
    pub fn scope_slot(&self, scope: &Scope) -> Option<ScopeSlot> {
        self.scopes.iter().position(|s| s == scope).map(ScopeSlot)
    }

    /// The row of a measure (by store id), if any report names it.
    pub fn measure_row(&self, measure_id: i32) -> Option<usize> {
        self.measures.get(&measure_id).copied()
    }

    /// The status in force for (measure row, scope slot) under the as-of rule: the report with
    /// the greatest effective date ≤ `as_of`; among equal effective dates, the one recorded
    /// last (then the greater id); with `known_at`, only reports recorded at or before it.
    /// No such report: `not_started`.
    pub fn cell(&self, row: Option<usize>, slot: Option<ScopeSlot>, at: At) -> Cell {
        let (Some(row), Some(ScopeSlot(slot))) = (row, slot) else {
            return Cell::NOT_STARTED;
        };
        let Some(entries) = self.pairs.get(row).and_then(|s| s.get(slot)) else {
            return Cell::NOT_STARTED;
        };
        let day = at.as_of.num_days_from_ce();
        let candidates = &entries[..entries.partition_point(|e| e.effective <= day)];
        let found = match at.known_at {
            None => candidates.last(),
            Some(t) => {
                let t = t.timestamp_micros();
                candidates.iter().rev().find(|e| e.recorded <= t)
            }
        };
        found.map_or(Cell::NOT_STARTED, |e| Cell {
            status: e.status,
            progress: e.progress,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(id: i64, scope: &str, status: Status, effective: &str, recorded: &str) -> ReportFact {
        ReportFact {
            id,
            measure_id: 7,
            scope: scope.parse().unwrap(),
            status,
            progress: None,
            effective_date: effective.parse().unwrap(),
            recorded_at: recorded.parse().unwrap(),
        }
    }

    fn status(index: &StatusIndex, scope: &str, as_of: &str, known_at: Option<&str>) -> Status {
        let at = At {
            as_of: as_of.parse().unwrap(),
            known_at: known_at.map(|t| t.parse().unwrap()),
        };
        index
            .cell(
                index.measure_row(7),
                index.scope_slot(&scope.parse().unwrap()),
                at,
            )
            .status
    }

    #[test]
    fn the_index_applies_the_as_of_rule_with_ties_and_known_at() {
        use Status::*;
        let facts = [
            fact(1, "VNM", Ongoing, "2026-03-31", "2026-04-01T00:00:00Z"),
            fact(2, "VNM", Completed, "2026-06-30", "2026-07-01T00:00:00Z"),
            // a correction of the March status, recorded after the June report
            fact(3, "VNM", NotStarted, "2026-03-31", "2026-08-01T00:00:00Z"),
            fact(4, "ASEAN", Ongoing, "2026-01-31", "2026-02-01T00:00:00Z"),
        ];
        let mut index = StatusIndex::default();
        index.extend(&facts);
        index.extend(&facts); // offered twice: taken once

        assert_eq!(index.len(), 4);
        assert_eq!(index.last_id(), 4);
        assert_eq!(status(&index, "VNM", "2026-03-30", None), NotStarted);
        assert_eq!(status(&index, "VNM", "2026-04-30", None), NotStarted);
        assert_eq!(
            status(&index, "VNM", "2026-04-30", Some("2026-07-15T00:00:00Z")),
            Ongoing
        );
        assert_eq!(status(&index, "VNM", "2026-06-30", None), Completed);
        assert_eq!(status(&index, "ASEAN", "2026-12-31", None), Ongoing);
        assert_eq!(status(&index, "THA", "2026-12-31", None), NotStarted);
    }
}
