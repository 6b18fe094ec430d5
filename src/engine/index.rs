//! The status reports of one framework arranged for the as-of rule: for every (measure, scope)
//! pair, its reports sorted by (effective date, recorded at, id). The report in force on a date
//! is then found by a binary search, so a whole framework of 2,000 measures × 12 scopes is
//! evaluated in about a millisecond whatever the number of reports. Plain data: the service
//! decides when to extend it (and keeps it consistent with the database).
//!
//! A report the Secretariat returned counts on no basis (DESIGN.md §2): from the instant it was
//! returned, the pair falls back to the report in force before it, or to no report. With
//! `known_at` before that instant it still counts, as it did then. Returns are taken in with
//! [`StatusIndex::mark_returned`] (a flag on the entry, the instant in a side map), so the
//! common lookup stays a binary search and a step back over the rare returned entries.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::domain::{ReportFact, Scope, Status};

/// One report as kept in the index (24 bytes: the flag fits in the padding).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    /// Days since 0001-01-01 (chrono's `num_days_from_ce`).
    effective: i32,
    /// Microseconds since the Unix epoch.
    recorded: i64,
    id: i64,
    status: Status,
    progress: Option<u8>,
    /// Returned by the Secretariat (the instant is in [`StatusIndex::returned_at`]).
    returned: bool,
}

impl Entry {
    fn order(&self) -> (i32, i64, i64) {
        (self.effective, self.recorded, self.id)
    }
}

/// A measure's status in one scope: what the rates count, and the effective date of the
/// report it comes from (`None`: no report in force).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    pub status: Status,
    pub progress: Option<u8>,
    pub effective: Option<NaiveDate>,
}

impl Cell {
    /// A pair with no report in force: it counts as `not_started` (and as `unreported`).
    pub const NO_REPORT: Cell = Cell {
        status: Status::NotStarted,
        progress: None,
        effective: None,
    };

    /// Whether a report is in force (else the pair counts as `not_started` without one).
    pub fn reported(&self) -> bool {
        self.effective.is_some()
    }
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
///
/// Two tiers, for speed and for cheap appends. The *settled* tier holds the reports in one
/// contiguous array ordered by (measure row, scope slot, effective date, recorded at, id), with
/// the effective days in a parallel array and an offset per pair: the as-of lookup for a pair is
/// a binary search over a few cache lines, and a pass over the measures reads memory in order.
/// The *recent* tier holds the reports taken in since the last [`StatusIndex::settle`], per
/// pair; a lookup consults both and keeps the later report under the as-of order. Settling
/// merges the recent tier into the settled one once it is large enough to be worth it.
#[derive(Debug, Clone, Default)]
pub struct StatusIndex {
    /// Store id of a measure → its row.
    measures: HashMap<i32, usize>,
    scopes: Vec<Scope>,
    /// Rows and slots of the settled tier (new rows or scopes may have come since).
    settled_rows: usize,
    settled_slots: usize,
    /// `offsets[row * settled_slots + slot]..offsets[… + 1]` delimit a pair's reports.
    offsets: Vec<usize>,
    days: Vec<i32>,
    entries: Vec<Entry>,
    /// (row, slot) → reports taken in since the last settle, in no order.
    recent: HashMap<(usize, usize), Vec<Entry>>,
    recent_len: usize,
    last_id: i64,
    /// Report id → the instant (µs) it was returned, for the entries flagged `returned`.
    returned_at: HashMap<i64, i64>,
    /// Returns of reports not taken in yet (read in a later page): applied when they come.
    pending_returns: HashMap<i64, i64>,
    last_return_id: i64,
}

impl StatusIndex {
    /// How many reports the index holds.
    pub fn len(&self) -> usize {
        self.entries.len() + self.recent_len
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The greatest report id taken in so far (0 when empty).
    pub fn last_id(&self) -> i64 {
        self.last_id
    }

    /// Takes in reports. Reports whose id is not greater than [`Self::last_id`] are already in
    /// and are skipped, so the same batch can be offered twice; new reports must therefore
    /// carry ids greater than every id taken in before (the store guarantees this: its writers
    /// are serialised per framework). Call [`Self::settle`] after a batch.
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
        let next_row = self.measures.len();
        let row = *self.measures.entry(fact.measure_id).or_insert(next_row);
        let slot = match self.scopes.iter().position(|s| s == &fact.scope) {
            Some(slot) => slot,
            None => {
                self.scopes.push(fact.scope.clone());
                self.scopes.len() - 1
            }
        };
        let pending = if self.pending_returns.is_empty() {
            None
        } else {
            self.pending_returns.remove(&fact.id)
        };
        if let Some(at) = pending {
            self.returned_at.insert(fact.id, at);
        }
        self.recent.entry((row, slot)).or_default().push(Entry {
            effective: fact.effective_date.num_days_from_ce(),
            recorded: fact.recorded_at.timestamp_micros(),
            id: fact.id,
            status: fact.status,
            progress: fact.progress,
            returned: pending.is_some(),
        });
        self.recent_len += 1;
        self.last_id = self.last_id.max(fact.id);
    }

    /// The greatest return id taken in so far (0 when none).
    pub fn last_return_id(&self) -> i64 {
        self.last_return_id
    }

    /// Takes in the Secretariat's return of report `report_id` (of `measure_id` in `scope`) at
    /// `at`; `return_id` orders returns as [`Self::last_id`] orders reports, so the same return
    /// offered twice is taken once. A return of a report not taken in yet is kept and applied
    /// when the report comes.
    pub fn mark_returned(
        &mut self,
        return_id: i64,
        report_id: i64,
        measure_id: i32,
        scope: &Scope,
        at: DateTime<Utc>,
    ) {
        if return_id <= self.last_return_id {
            return;
        }
        self.last_return_id = return_id;
        let at = at.timestamp_micros();
        let row = self.measures.get(&measure_id).copied();
        let slot = self.scopes.iter().position(|s| s == scope);
        let found = match (row, slot) {
            (Some(row), Some(slot)) if report_id <= self.last_id => {
                let settled = self.settled_range(row, slot);
                let entry = match settled.and_then(|r| {
                    self.entries
                        .get(r.clone())
                        .and_then(|es| es.iter().position(|e| e.id == report_id))
                        .map(|i| r.start + i)
                }) {
                    Some(i) => self.entries.get_mut(i),
                    None => self
                        .recent
                        .get_mut(&(row, slot))
                        .and_then(|es| es.iter_mut().find(|e| e.id == report_id)),
                };
                entry.map(|e| e.returned = true).is_some()
            }
            _ => false,
        };
        if found {
            self.returned_at.insert(report_id, at);
        } else if report_id > self.last_id {
            self.pending_returns.insert(report_id, at);
        }
    }

    /// Whether an entry counts for a query: recorded by `known_at` and not returned by then.
    fn counts(&self, e: &Entry, q: Query) -> bool {
        match q.known_at {
            None => !e.returned,
            Some(t) => {
                e.recorded <= t
                    && (!e.returned || self.returned_at.get(&e.id).is_some_and(|&r| r > t))
            }
        }
    }

    /// Merges the recent tier into the settled one when it holds more than 1/32 of the
    /// settled reports (or 4,096): a single new report is then looked up in a small hash map,
    /// and the merge's cost is spread over many writes.
    pub fn settle(&mut self) {
        if self.recent_len > (self.entries.len() / 32).max(4_096) {
            self.merge();
        }
    }

    /// Merges the recent tier into the settled one now.
    pub fn merge(&mut self) {
        let (rows, slots) = (self.measures.len(), self.scopes.len());
        let pairs = rows * slots;
        let mut offsets = vec![0_usize; pairs + 1];
        for row in 0..rows {
            for slot in 0..slots {
                let count = self.settled_range(row, slot).map_or(0, |r| r.len())
                    + self.recent.get(&(row, slot)).map_or(0, Vec::len);
                offsets[row * slots + slot + 1] = count;
            }
        }
        for i in 1..=pairs {
            offsets[i] += offsets[i - 1];
        }
        let total = offsets[pairs];
        let mut entries = Vec::with_capacity(total);
        for row in 0..rows {
            for slot in 0..slots {
                let start = entries.len();
                if let Some(range) = self.settled_range(row, slot) {
                    entries.extend_from_slice(&self.entries[range]);
                }
                if let Some(recent) = self.recent.get(&(row, slot)) {
                    entries.extend_from_slice(recent);
                    entries[start..].sort_unstable_by_key(Entry::order);
                }
            }
        }
        self.days = entries.iter().map(|e| e.effective).collect();
        self.entries = entries;
        self.offsets = offsets;
        self.settled_rows = rows;
        self.settled_slots = slots;
        self.recent.clear();
        self.recent_len = 0;
    }

    fn settled_range(&self, row: usize, slot: usize) -> Option<std::ops::Range<usize>> {
        if row >= self.settled_rows || slot >= self.settled_slots {
            return None;
        }
        let pair = row * self.settled_slots + slot;
        Some(*self.offsets.get(pair)?..*self.offsets.get(pair + 1)?)
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
    /// last (then the greater id); with `known_at`, only reports recorded at or before it;
    /// returned reports left out. No such report: [`Cell::NO_REPORT`].
    pub fn cell(&self, row: Option<usize>, slot: Option<ScopeSlot>, at: At) -> Cell {
        let (Some(row), Some(ScopeSlot(slot))) = (row, slot) else {
            return Cell::NO_REPORT;
        };
        self.cell_at(row, slot, Query::new(at))
    }

    fn cell_at(&self, row: usize, slot: usize, q: Query) -> Cell {
        let settled = self.settled_range(row, slot).and_then(|range| {
            let days = self.days.get(range.clone())?;
            let entries = self.entries.get(range)?;
            let candidates = &entries[..days.partition_point(|d| *d <= q.day)];
            candidates.iter().rev().find(|e| self.counts(e, q))
        });
        let recent = if self.recent_len == 0 {
            None
        } else {
            self.recent.get(&(row, slot)).and_then(|entries| {
                entries
                    .iter()
                    .filter(|e| e.effective <= q.day && self.counts(e, q))
                    .max_by_key(|e| e.order())
            })
        };
        let found = match (settled, recent) {
            (Some(a), Some(b)) => Some(if b.order() > a.order() { b } else { a }),
            (a, b) => a.or(b),
        };
        found.map_or(Cell::NO_REPORT, |e| Cell {
            status: e.status,
            progress: e.progress,
            effective: NaiveDate::from_num_days_from_ce_opt(e.effective),
        })
    }

    /// The latest effective date, on or before the date (and known at the instant, if given),
    /// of any report of one measure row in any scope; `None` when it has none.
    pub fn latest_effective(&self, row: Option<usize>, at: At) -> Option<NaiveDate> {
        let row = row?;
        let q = Query::new(at);
        let known = |e: &&Entry| self.counts(e, q);
        let mut latest: Option<i32> = None;
        for slot in 0..self.scopes.len() {
            if let Some(range) = self.settled_range(row, slot)
                && let (Some(days), Some(entries)) =
                    (self.days.get(range.clone()), self.entries.get(range))
            {
                let candidates = &entries[..days.partition_point(|d| *d <= q.day)];
                if let Some(e) = candidates.iter().rev().find(known) {
                    latest = latest.max(Some(e.effective));
                }
            }
            if let Some(recent) = self.recent.get(&(row, slot)) {
                for e in recent.iter().filter(|e| e.effective <= q.day).filter(known) {
                    latest = latest.max(Some(e.effective));
                }
            }
        }
        latest.and_then(NaiveDate::from_num_days_from_ce_opt)
    }

    /// The status in force of one measure row in each of `slots`, appended to `out` (one cell
    /// per slot, [`Cell::NO_REPORT`] for a missing row or slot). Reading a row's scopes together
    /// reads the settled tier in memory order.
    pub fn row_cells(
        &self,
        row: Option<usize>,
        slots: &[Option<ScopeSlot>],
        at: At,
        out: &mut Vec<Cell>,
    ) {
        let q = Query::new(at);
        out.extend(slots.iter().map(|slot| match (row, slot) {
            (Some(row), Some(ScopeSlot(slot))) => self.cell_at(row, *slot, q),
            _ => Cell::NO_REPORT,
        }));
    }
}

/// An [`At`] in the index's units.
#[derive(Debug, Clone, Copy)]
struct Query {
    day: i32,
    known_at: Option<i64>,
}

impl Query {
    fn new(at: At) -> Self {
        Self {
            day: at.as_of.num_days_from_ce(),
            known_at: at.known_at.map(|t| t.timestamp_micros()),
        }
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

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
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
        let recent_only = index.clone();
        index.merge();
        for other in [&recent_only, &index] {
            assert_eq!(
                status(other, "VNM", "2026-04-30", Some("2026-07-15T00:00:00Z")),
                Ongoing
            );
        }

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
        let latest = |as_of: &str, known_at: Option<&str>| {
            let at = At {
                as_of: as_of.parse().unwrap(),
                known_at: known_at.map(|t| t.parse().unwrap()),
            };
            index
                .latest_effective(index.measure_row(7), at)
                .map(|d| d.to_string())
        };
        assert_eq!(latest("2026-01-30", None), None);
        assert_eq!(latest("2026-05-31", None).as_deref(), Some("2026-03-31"));
        assert_eq!(latest("2026-12-31", None).as_deref(), Some("2026-06-30"));
        // known before the June report was recorded: March (VNM) is the latest
        assert_eq!(
            latest("2026-12-31", Some("2026-06-15T00:00:00Z")).as_deref(),
            Some("2026-03-31")
        );
        assert_eq!(index.latest_effective(None, At::on(d("2026-12-31"))), None);
    }

    #[test]
    fn a_returned_report_counts_no_more_from_its_return_and_the_pair_falls_back() {
        use Status::*;
        let facts = [
            fact(1, "VNM", Ongoing, "2026-03-31", "2026-04-01T00:00:00Z"),
            fact(2, "VNM", Completed, "2026-06-30", "2026-07-01T00:00:00Z"),
            fact(3, "THA", Ongoing, "2026-06-30", "2026-07-01T00:00:00Z"),
        ];
        let returned = "2026-07-10T00:00:00Z".parse().unwrap();
        for settled in [false, true] {
            let mut index = StatusIndex::default();
            index.extend(&facts);
            if settled {
                index.merge();
            }
            index.mark_returned(1, 2, 7, &"VNM".parse().unwrap(), returned);
            index.mark_returned(1, 2, 7, &"VNM".parse().unwrap(), returned); // taken once
            index.mark_returned(2, 3, 7, &"THA".parse().unwrap(), returned);
            assert_eq!(index.last_return_id(), 2);
            // VNM falls back to March; THA to no report at all.
            assert_eq!(status(&index, "VNM", "2026-12-31", None), Ongoing);
            let cell = index.cell(
                index.measure_row(7),
                index.scope_slot(&"THA".parse().unwrap()),
                At::on(d("2026-12-31")),
            );
            assert_eq!(cell, Cell::NO_REPORT);
            assert!(!cell.reported());
            // As known before the return, the returned report counted.
            let before = Some("2026-07-09T23:59:59Z");
            assert_eq!(status(&index, "VNM", "2026-12-31", before), Completed);
            assert_eq!(status(&index, "THA", "2026-12-31", before), Ongoing);
            let after = Some("2026-07-10T00:00:00Z");
            assert_eq!(status(&index, "VNM", "2026-12-31", after), Ongoing);
            let at = At::on(d("2026-12-31"));
            assert_eq!(
                index.latest_effective(index.measure_row(7), at),
                Some(d("2026-03-31"))
            );
        }

        // A return read before its report (the report came in a later page): kept, then applied.
        let mut index = StatusIndex::default();
        index.extend(&facts[..1]);
        index.mark_returned(1, 2, 7, &"VNM".parse().unwrap(), returned);
        index.extend(&facts[1..]);
        index.settle();
        assert_eq!(status(&index, "VNM", "2026-12-31", None), Ongoing);
        index.merge(); // the flag survives the merge
        assert_eq!(status(&index, "VNM", "2026-12-31", None), Ongoing);
        let cell = index.cell(
            index.measure_row(7),
            index.scope_slot(&"VNM".parse().unwrap()),
            At::on(d("2026-12-31")),
        );
        assert_eq!(cell.effective, Some(d("2026-03-31")));
    }
}
