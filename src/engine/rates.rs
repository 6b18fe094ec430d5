//! Counting statuses and turning the counts into rates (DESIGN.md §2). Counts are integers;
//! every ratio is computed here, once, from them; rounding happens only for display.

use serde::{Deserialize, Serialize};

use crate::domain::Status;

/// The rule that produced a figure. The same data give different figures under different
/// rules, so every figure names its rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// The statuses recorded in one scope: `ASEAN`, or one member state.
    Scope,
    /// The regional status recorded explicitly under scope `ASEAN`, reported beside the
    /// national views and never mixed into them.
    Regional,
    /// The economic pillar scorecard's rule: each measure takes the least advanced status among
    /// the participants for which it is applicable ("weakest link"), so it counts as completed
    /// only when every such participant has completed it, and as implemented only when every
    /// such participant has at least started it. A measure that no participant finds
    /// applicable is `not_applicable`.
    AllStates,
    /// The unweighted mean of the participants' own rates (states with no applicable measure
    /// are left out of the mean).
    MeanOfStates,
    /// Pooled over every (member state, measure) cell: `measures` then counts cells.
    Cells,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Scope => "scope",
            Rule::Regional => "regional",
            Rule::AllStates => "all_states",
            Rule::MeanOfStates => "mean_of_states",
            Rule::Cells => "cells",
        }
    }
}

/// How many measures of a set have each status, and their progress points.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub not_started: u64,
    /// Of `not_started`: the measures with no report in force (nobody said they have not
    /// started; shown apart, counted as `not_started` by DESIGN.md §2).
    pub unreported: u64,
    pub ongoing: u64,
    pub completed: u64,
    pub not_applicable: u64,
    /// Σ over applicable measures of: `not_started` 0, `ongoing` its progress percent (50 when
    /// none is given), `completed` 100. The numerator of the progress index, whose denominator
    /// is `applicable × 100`.
    pub progress_points: u64,
}

/// The progress points an `ongoing` status counts for when no percent is given.
pub const ONGOING_WITHOUT_PERCENT: u8 = 50;

/// The progress points of one applicable measure (0 to 100).
pub fn progress_points(status: Status, progress: Option<u8>) -> u64 {
    match status {
        Status::NotStarted | Status::NotApplicable => 0,
        Status::Ongoing => u64::from(progress.unwrap_or(ONGOING_WITHOUT_PERCENT).min(100)),
        Status::Completed => 100,
    }
}

impl Tally {
    /// Counts one measure.
    pub fn add(&mut self, status: Status, progress: Option<u8>) {
        match status {
            Status::NotStarted => self.not_started += 1,
            Status::Ongoing => self.ongoing += 1,
            Status::Completed => self.completed += 1,
            Status::NotApplicable => self.not_applicable += 1,
        }
        self.progress_points += progress_points(status, progress);
    }

    /// Counts one measure's status in force, and whether it has a report at all.
    pub fn add_cell(&mut self, cell: &crate::engine::Cell) {
        self.add(cell.status, cell.progress);
        if !cell.reported() {
            self.unreported += 1;
        }
    }

    /// Adds another set's counts (pooling).
    pub fn merge(&mut self, other: &Tally) {
        self.not_started += other.not_started;
        self.unreported += other.unreported;
        self.ongoing += other.ongoing;
        self.completed += other.completed;
        self.not_applicable += other.not_applicable;
        self.progress_points += other.progress_points;
    }

    /// Every measure counted.
    pub fn measures(&self) -> u64 {
        self.not_started + self.ongoing + self.completed + self.not_applicable
    }

    /// `applicable` = measures whose status is not `not_applicable`.
    pub fn applicable(&self) -> u64 {
        self.not_started + self.ongoing + self.completed
    }

    /// `completion_rate` = completed / applicable; `None` when nothing is applicable.
    pub fn completion_rate(&self) -> Option<f64> {
        ratio(self.completed, self.applicable())
    }

    /// `implementation_rate` = (ongoing + completed) / applicable: "implemented" in ASEAN reviews
    /// means work under the measure is under way or done. `None` when nothing is applicable.
    pub fn implementation_rate(&self) -> Option<f64> {
        ratio(self.ongoing + self.completed, self.applicable())
    }

    /// `progress_index` = mean over applicable measures of: not_started 0, ongoing
    /// `progress/100` (0.5 when no percent is given), completed 1
    /// = progress_points / (applicable × 100). `None` when nothing is applicable.
    pub fn progress_index(&self) -> Option<f64> {
        ratio(self.progress_points, self.applicable() * 100)
    }

    /// The counts with their rates, labelled with the rule that produced them.
    pub fn rate(&self, rule: Rule) -> Rate {
        Rate {
            rule,
            measures: self.measures(),
            applicable: self.applicable(),
            completed: self.completed,
            ongoing: self.ongoing,
            not_started: self.not_started,
            unreported: self.unreported,
            not_applicable: self.not_applicable,
            progress_points: self.progress_points,
            completion_rate: self.completion_rate(),
            implementation_rate: self.implementation_rate(),
            progress_index: self.progress_index(),
        }
    }
}

/// `numerator / denominator`, or `None` (JSON `null`, never 0 and never NaN) when the
/// denominator is 0.
pub fn ratio(numerator: u64, denominator: u64) -> Option<f64> {
    // Counts stay far below 2^53, where u64 to f64 is exact.
    (denominator > 0).then(|| numerator as f64 / denominator as f64)
}

/// A set's figures: the exact counts and the rates computed from them. Rates are fractions in
/// [0, 1], or `null` when nothing is applicable.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Rate {
    pub rule: Rule,
    pub measures: u64,
    pub applicable: u64,
    pub completed: u64,
    pub ongoing: u64,
    /// Measures counted as not started: reported so, or with no report in force.
    pub not_started: u64,
    /// Of `not_started`, the measures with no report in force ("no report"): shown apart so
    /// that a missing report does not read as a report that work has not started. (Absent from
    /// figures written before it existed: read as 0.)
    #[serde(default)]
    pub unreported: u64,
    pub not_applicable: u64,
    pub progress_points: u64,
    /// completed / applicable. A fraction in [0, 1]; null when nothing is applicable.
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub completion_rate: Option<f64>,
    /// (ongoing + completed) / applicable. A fraction in [0, 1]; null when nothing is applicable.
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub implementation_rate: Option<f64>,
    /// progress_points / (applicable × 100). A fraction in [0, 1]; null when nothing is applicable.
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub progress_index: Option<f64>,
}

impl Rate {
    /// The names of a rate's columns in CSV, in the order of [`Rate::csv_fields`].
    pub const CSV_COLUMNS: [&'static str; 11] = [
        "measures",
        "applicable",
        "completed",
        "ongoing",
        "not_started",
        "unreported",
        "not_applicable",
        "progress_points",
        "completion_rate",
        "implementation_rate",
        "progress_index",
    ];

    /// The counts and rates as CSV fields: fractions with every digit, empty where undefined.
    pub fn csv_fields(&self) -> [String; 11] {
        let fraction = |r: Option<f64>| r.map(|r| r.to_string()).unwrap_or_default();
        [
            self.measures.to_string(),
            self.applicable.to_string(),
            self.completed.to_string(),
            self.ongoing.to_string(),
            self.not_started.to_string(),
            self.unreported.to_string(),
            self.not_applicable.to_string(),
            self.progress_points.to_string(),
            fraction(self.completion_rate),
            fraction(self.implementation_rate),
            fraction(self.progress_index),
        ]
    }

    /// Completion as a percentage for display ("36.4%"), from the exact counts.
    pub fn completion_percent(&self) -> Option<String> {
        percent(self.completed, self.applicable)
    }

    /// Implementation as a percentage for display.
    pub fn implementation_percent(&self) -> Option<String> {
        percent(self.completed + self.ongoing, self.applicable)
    }

    /// The progress index as a percentage for display.
    pub fn progress_percent(&self) -> Option<String> {
        percent(self.progress_points, self.applicable * 100)
    }
}

/// The unweighted mean of several states' rates (`mean_of_states`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MeanRate {
    pub rule: Rule,
    /// The mean of the states' completion rates (those with a rate). Null when none has one.
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub completion_rate: Option<f64>,
    /// The mean of the states' implementation rates. Null when none has one.
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub implementation_rate: Option<f64>,
    /// The mean of the states' progress indexes. Null when none has one.
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub progress_index: Option<f64>,
    /// How many states the mean is taken over (those with at least one applicable measure).
    pub states: u64,
}

impl MeanRate {
    /// The mean of the rates of `tallies`, leaving out those with nothing applicable.
    pub fn of<'a>(tallies: impl IntoIterator<Item = &'a Tally>) -> Self {
        let mut n = 0_u64;
        let (mut completion, mut implementation, mut progress) = (0.0, 0.0, 0.0);
        for tally in tallies {
            if let (Some(c), Some(i), Some(p)) = (
                tally.completion_rate(),
                tally.implementation_rate(),
                tally.progress_index(),
            ) {
                n += 1;
                completion += c;
                implementation += i;
                progress += p;
            }
        }
        let mean = |sum: f64| (n > 0).then(|| sum / n as f64);
        Self {
            rule: Rule::MeanOfStates,
            completion_rate: mean(completion),
            implementation_rate: mean(implementation),
            progress_index: mean(progress),
            states: n,
        }
    }
}

/// `numerator / denominator` as a percentage with one decimal, rounded half away from zero
/// ("62.5%"), computed in integers so that 0.0625 never shows as 6.2%; `None` when the
/// denominator is 0.
pub fn percent(numerator: u64, denominator: u64) -> Option<String> {
    if denominator == 0 {
        return None;
    }
    let (n, d) = (u128::from(numerator), u128::from(denominator));
    // tenths of a percent = n × 1000 / d, rounded half up (all values are non-negative).
    let tenths = (n * 2000 + d) / (2 * d);
    Some(format!("{}.{}%", tenths / 10, tenths % 10))
}

/// A fraction shown as a percentage with one decimal, half away from zero, for figures that
/// only exist as fractions (means of rates); "–" for `None`.
pub fn percent_of(rate: Option<f64>) -> String {
    match rate {
        None => "–".to_owned(),
        Some(r) => {
            let tenths = (r * 1000.0).round();
            format!("{:.1}%", tenths / 10.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(statuses: &[(Status, Option<u8>)]) -> Tally {
        let mut t = Tally::default();
        for (s, p) in statuses {
            t.add(*s, *p);
        }
        t
    }

    #[test]
    fn rates_follow_the_formulas_with_exact_counts() {
        use Status::*;
        let t = tally(&[
            (Completed, None),
            (Ongoing, Some(40)),
            (Ongoing, None),
            (NotStarted, None),
            (NotApplicable, None),
        ]);

        let r = t.rate(Rule::Scope);

        assert_eq!((r.measures, r.applicable), (5, 4));
        assert_eq!((r.completed, r.ongoing, r.not_started), (1, 2, 1));
        assert_eq!(r.progress_points, 100 + 40 + 50);
        assert_eq!(r.completion_rate, Some(0.25));
        assert_eq!(r.implementation_rate, Some(0.75));
        assert_eq!(r.progress_index, Some(190.0 / 400.0));
    }

    #[test]
    fn nothing_applicable_gives_null_never_zero_or_nan() {
        let r = tally(&[(Status::NotApplicable, None)]).rate(Rule::Scope);
        assert_eq!(r.completion_rate, None);
        assert_eq!(r.implementation_rate, None);
        assert_eq!(r.progress_index, None);
        assert_eq!(r.completion_percent(), None);
        let json = serde_json::to_value(r).unwrap();
        assert!(json["completion_rate"].is_null());
        assert_eq!(json["rule"], "scope");
    }

    #[test]
    fn display_rounds_half_away_from_zero_to_one_decimal() {
        assert_eq!(percent(1, 16).as_deref(), Some("6.3%")); // 6.25
        assert_eq!(percent(5, 8).as_deref(), Some("62.5%"));
        assert_eq!(percent(40, 110).as_deref(), Some("36.4%"));
        assert_eq!(percent(1, 3).as_deref(), Some("33.3%"));
        assert_eq!(percent(2, 3).as_deref(), Some("66.7%"));
        assert_eq!(percent(0, 7).as_deref(), Some("0.0%"));
        assert_eq!(percent(7, 7).as_deref(), Some("100.0%"));
        assert_eq!(percent(1, 0), None);
        assert_eq!(percent_of(Some(0.69)), "69.0%");
        assert_eq!(percent_of(None), "–");
    }

    #[test]
    fn the_mean_of_states_leaves_out_states_with_nothing_applicable() {
        use Status::*;
        let a = tally(&[(Completed, None), (NotStarted, None)]); // 0.5
        let b = tally(&[(Completed, None)]); // 1.0
        let none = tally(&[(NotApplicable, None)]);

        let mean = MeanRate::of([&a, &b, &none]);

        assert_eq!(mean.states, 2);
        assert_eq!(mean.completion_rate, Some(0.75));
        assert_eq!(MeanRate::of([&none]).completion_rate, None);
    }
}
