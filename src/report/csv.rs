//! The review report's figures as CSV, one row per figure, for spreadsheets and for checking
//! the report by hand. Rates are fractions in [0, 1] with every digit (as in the API), empty
//! where not defined; counts are exact. Formatting for people lives in [`super::html`].
//!
//! Decision (issue 17): the indicators' figures share the one table rather than a second CSV,
//! in columns after the rates' ([`INDICATOR_COLUMNS`]), empty on the rate rows; and the rate
//! columns are empty on the indicator rows.

use super::ReviewData;
use super::html::{ReportError, state_name};
use crate::engine::{MeanRate, Rate};

/// The header row.
pub const COLUMNS: [&str; 16] = [
    "section",
    "code",
    "title",
    "level",
    "rule",
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

/// The indicator columns, after [`COLUMNS`]'s rate columns. Values keep every digit;
/// `current_status`, `expected` and `anticipated_progress` are fractions (1 = the target).
pub const INDICATOR_COLUMNS: [&str; 23] = [
    "unit",
    "direction",
    "baseline_year",
    "baseline_value",
    "target_year",
    "target_value",
    "latest_year",
    "latest_value",
    "current_status",
    "expected",
    "anticipated_value",
    "anticipated_progress",
    "class",
    "indicators",
    "with_status",
    "achieved",
    "on_track",
    "needs_acceleration",
    "stagnating",
    "regressing",
    "insufficient_data",
    "no_target",
    "states",
];

/// The claim columns, after [`INDICATOR_COLUMNS`] ("Official figures checked"). Fractions
/// keep every digit; `known_at` is RFC 3339 in UTC; `knowledge` is `publication_day` or
/// `report_instant`; `explanation` is a rule's reason for `unverifiable`, or on a knowledge
/// date's own row (no rule) its verdict in one sentence.
pub const CLAIM_COLUMNS: [&str; 22] = [
    "metric",
    "indicator",
    "claimed_value",
    "precision",
    "claim_as_of",
    "published_on",
    "source_title",
    "source_url",
    "supersedes",
    "superseded_by",
    "measures_known",
    "measures_expected",
    "measure_list_incomplete",
    "knowledge",
    "known_at",
    "figure",
    "rests_on",
    "rests_on_unit",
    "difference",
    "reproduces",
    "verdict",
    "explanation",
];

/// Every figure of the report, one row each, in the report's order:
/// - `overall`: the framework (code and title of the framework), regional;
/// - `top`, `second`: each top-level and second-level node, regional;
/// - `comparison`: each participating member state (rule `scope`), then `all_states`,
///   `mean_of_states` (no counts: the mean of rates; `measures` is empty and the title says
///   over how many states), `cells` and `regional`;
/// - `timeline`: each date (in `code`), regional;
/// - `indicator_goal`: each top-level node, rule `regional` (how many indicators, the mean
///   current status over `with_status` of them, `expected` in the as-of year, the count of
///   each class), then rule `mean_of_states` (the mean of its indicators' means of states,
///   over `with_status` indicators);
/// - `indicator`: each indicator, rule `regional` (every figure, the node it measures in
///   `level`), then rule `mean_of_states` (`current_status` over `with_status` states of
///   `states` participants);
/// - `indicator_class`: each (indicator, scope), the scope in `level`, and its `class`;
/// - `claim`: each published figure (its id in `code`, the statement in `title`, its scope in
///   `level`) with what it claims, its source and how complete the measure list is; then
///   `claim_check`: for each knowledge date, a row without a rule (the date's verdict and
///   summary), then one row per rule (its figure, what it rests on, the difference, whether
///   it reproduces the claim, the verdict).
///
/// The indicator columns ([`INDICATOR_COLUMNS`]) follow the rate columns on every row, and the
/// claim columns ([`CLAIM_COLUMNS`]) follow those.
///
/// # Errors
/// Writing the CSV fails (a bug: it is written to memory).
pub fn figures(data: &ReviewData) -> Result<String, ReportError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let csv = |e: csv::Error| ReportError::Csv(e.to_string());
    out.write_record(
        COLUMNS
            .iter()
            .chain(&INDICATOR_COLUMNS)
            .chain(&CLAIM_COLUMNS),
    )
    .map_err(csv)?;

    let fw = &data.framework;
    let mut rows: Vec<[String; 16]> = Vec::new();
    rows.push(rate_record(
        "overall",
        &fw.code,
        &fw.title,
        "",
        &data.overall,
    ));
    for node in &data.top {
        rows.push(rate_record(
            "top",
            &node.code,
            &node.title,
            &node.level,
            &node.rate,
        ));
    }
    for sub in &data.second {
        let node = &sub.node;
        rows.push(rate_record(
            "second",
            &node.code,
            &node.title,
            &node.level,
            &node.rate,
        ));
    }
    let c = &data.comparison;
    for state in &c.states {
        rows.push(rate_record(
            "comparison",
            state.state.as_str(),
            &state_name(&state.state),
            "",
            &state.rate,
        ));
    }
    rows.push(rate_record(
        "comparison",
        "all_states",
        "All participants (weakest link)",
        "",
        &c.all_states,
    ));
    rows.push(mean_record(&c.mean_of_states));
    rows.push(rate_record(
        "comparison",
        "cells",
        "Every (member state, measure) cell pooled",
        "",
        &c.cells,
    ));
    rows.push(rate_record(
        "comparison",
        "regional",
        "Regional status (ASEAN)",
        "",
        &c.regional,
    ));
    for point in &data.timeline {
        rows.push(rate_record(
            "timeline",
            &point.date.to_string(),
            "",
            "",
            &point.rate,
        ));
    }
    let blank = |n| std::iter::repeat_n(String::new(), n);
    for row in rows {
        out.write_record(
            row.into_iter()
                .chain(blank(INDICATOR_COLUMNS.len()))
                .chain(blank(CLAIM_COLUMNS.len())),
        )
        .map_err(csv)?;
    }
    for row in indicator_records(data) {
        out.write_record(row.into_iter().chain(blank(CLAIM_COLUMNS.len())))
            .map_err(csv)?;
    }
    for row in claim_records(data) {
        out.write_record(row).map_err(csv)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| ReportError::Csv(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| ReportError::Csv(e.to_string()))
}

fn rate_record(section: &str, code: &str, title: &str, level: &str, r: &Rate) -> [String; 16] {
    let [a, b, c, d, e, u, f, g, h, i, j] = r.csv_fields();
    [
        section.to_owned(),
        code.to_owned(),
        title.to_owned(),
        level.to_owned(),
        r.rule.as_str().to_owned(),
        a,
        b,
        c,
        d,
        e,
        u,
        f,
        g,
        h,
        i,
        j,
    ]
}

fn mean_record(m: &MeanRate) -> [String; 16] {
    [
        "comparison".to_owned(),
        m.rule.as_str().to_owned(),
        format!(
            "Unweighted mean of the rates of {} member state{}",
            m.states,
            if m.states == 1 { "" } else { "s" }
        ),
        String::new(),
        m.rule.as_str().to_owned(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        fraction(m.completion_rate),
        fraction(m.implementation_rate),
        fraction(m.progress_index),
    ]
}

/// The indicator rows, every one [`COLUMNS`] + [`INDICATOR_COLUMNS`] wide.
fn indicator_records(data: &ReviewData) -> Vec<Vec<String>> {
    use crate::domain::IndicatorClass;
    let section = &data.indicators;
    let number = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let whole = |v: Option<i32>| v.map(|v| v.to_string()).unwrap_or_default();
    // section, code, title, level, rule, then the rate columns left empty.
    let lead = |section: &str, code: &str, title: &str, level: &str, rule: &str| {
        let mut row = vec![
            section.to_owned(),
            code.to_owned(),
            title.to_owned(),
            level.to_owned(),
            rule.to_owned(),
        ];
        row.resize(COLUMNS.len(), String::new());
        row
    };
    let mut rows = Vec::new();
    for g in &section.goals {
        let mut row = lead("indicator_goal", &g.code, &g.title, "", "regional");
        let mut extra = vec![String::new(); 8];
        extra.extend([
            number(g.regional.mean_current_status),
            number(g.expected),
            String::new(),
            String::new(),
            String::new(),
            g.regional.indicators.to_string(),
            g.regional.with_status.to_string(),
        ]);
        extra.extend(
            [
                IndicatorClass::Achieved,
                IndicatorClass::OnTrack,
                IndicatorClass::NeedsAcceleration,
                IndicatorClass::Stagnating,
                IndicatorClass::Regressing,
                IndicatorClass::InsufficientData,
                IndicatorClass::NoTarget,
            ]
            .map(|c| g.regional.classes.get(c).to_string()),
        );
        extra.push(String::new());
        row.extend(extra);
        rows.push(row);
        let mut row = lead("indicator_goal", &g.code, &g.title, "", "mean_of_states");
        let mut extra = vec![String::new(); INDICATOR_COLUMNS.len()];
        extra[8] = number(g.mean_of_states);
        extra[14] = g.with_mean_of_states.to_string();
        row.extend(extra);
        rows.push(row);
    }
    for i in &section.indicators {
        let r = &i.regional;
        let mut row = lead("indicator", &i.code, &i.title, &i.node, "regional");
        let mut extra = vec![
            i.unit.clone(),
            i.direction.as_str().to_owned(),
            whole(r.baseline.map(|p| p.year)),
            number(r.baseline.map(|p| p.value)),
            whole(r.target.map(|p| p.year)),
            number(r.target.map(|p| p.value)),
            whole(r.latest.map(|p| p.year)),
            number(r.latest.map(|p| p.value)),
            number(r.current_status),
            number(r.expected),
            number(r.anticipated_value),
            number(r.anticipated_progress),
            r.class.as_str().to_owned(),
        ];
        extra.resize(INDICATOR_COLUMNS.len(), String::new());
        row.extend(extra);
        rows.push(row);
        let m = &i.mean_of_states;
        let mut row = lead("indicator", &i.code, &i.title, &i.node, "mean_of_states");
        let mut extra = vec![String::new(); INDICATOR_COLUMNS.len()];
        extra[0] = i.unit.clone();
        extra[1] = i.direction.as_str().to_owned();
        extra[8] = number(m.current_status);
        extra[14] = m.states.to_string();
        extra[22] = m.participants.to_string();
        row.extend(extra);
        rows.push(row);
    }
    for i in &section.indicators {
        for (scope, class) in section.scopes.iter().zip(&i.classes) {
            let rule = match scope {
                crate::domain::Scope::Asean => "regional",
                crate::domain::Scope::State(_) => "scope",
            };
            let mut row = lead("indicator_class", &i.code, &i.title, scope.as_str(), rule);
            let mut extra = vec![String::new(); INDICATOR_COLUMNS.len()];
            extra[12] = class.as_str().to_owned();
            row.extend(extra);
            rows.push(row);
        }
    }
    rows
}

/// The claim rows, every one [`COLUMNS`] + [`INDICATOR_COLUMNS`] + [`CLAIM_COLUMNS`] wide.
fn claim_records(data: &ReviewData) -> Vec<Vec<String>> {
    let number = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let id = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    let lead = |section: &str, code: String, title: &str, level: &str, rule: &str| {
        let mut row = vec![
            section.to_owned(),
            code,
            title.to_owned(),
            level.to_owned(),
            rule.to_owned(),
        ];
        row.resize(COLUMNS.len() + INDICATOR_COLUMNS.len(), String::new());
        row
    };
    let mut rows = Vec::new();
    for c in &data.claims {
        let code = c.id.to_string();
        let scope = c.scope.as_str();
        let mut row = lead("claim", code.clone(), &c.statement, scope, "");
        row.extend([
            c.metric.as_str().to_owned(),
            c.indicator.clone().unwrap_or_default(),
            c.value.to_string(),
            c.precision.to_string(),
            c.as_of.to_string(),
            c.published_on.to_string(),
            c.source_title.clone(),
            c.source_url.clone().unwrap_or_default(),
            id(c.supersedes),
            id(c.superseded_by),
            c.measure_list.stored.to_string(),
            c.measure_list
                .expected
                .map(|n| n.to_string())
                .unwrap_or_default(),
            c.measure_list.incomplete.to_string(),
        ]);
        row.resize(row.len() + 9, String::new());
        rows.push(row);
        for (knowledge, k) in [
            ("publication_day", &c.at_publication),
            ("report_instant", &c.at_report),
        ] {
            let known_at = k
                .known_at
                .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
            let claim_part = |row: &mut Vec<String>| {
                row.extend([
                    c.metric.as_str().to_owned(),
                    c.indicator.clone().unwrap_or_default(),
                    c.value.to_string(),
                    c.precision.to_string(),
                ]);
                row.resize(COLUMNS.len() + INDICATOR_COLUMNS.len() + 13, String::new());
                row.extend([knowledge.to_owned(), known_at.clone()]);
            };
            let mut row = lead("claim_check", code.clone(), "", scope, "");
            claim_part(&mut row);
            row.resize(row.len() + 5, String::new());
            row.extend([k.verdict.as_str().to_owned(), k.summary.clone()]);
            rows.push(row);
            for r in &k.rules {
                let mut row = lead("claim_check", code.clone(), "", scope, r.rule.as_str());
                claim_part(&mut row);
                row.extend([
                    number(r.figure),
                    r.rests_on.to_string(),
                    r.unit.as_str().to_owned(),
                    number(r.difference),
                    r.reproduces.to_string(),
                    r.verdict.as_str().to_owned(),
                    r.reason.clone().unwrap_or_default(),
                ]);
                rows.push(row);
            }
        }
    }
    rows
}

/// A rate with every digit (Rust's shortest round-trip form, as in the JSON), or empty.
fn fraction(rate: Option<f64>) -> String {
    rate.map(|r| r.to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample::sample;

    fn table() -> Vec<Vec<String>> {
        let text = figures(&sample()).unwrap();
        csv::Reader::from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect()
    }

    #[test]
    fn the_csv_has_the_header_and_one_row_per_figure() {
        let text = figures(&sample()).unwrap();
        let header = text.lines().next().unwrap();
        assert_eq!(
            header,
            format!(
                "{},{},{}",
                COLUMNS.join(","),
                INDICATOR_COLUMNS.join(","),
                CLAIM_COLUMNS.join(",")
            )
        );

        let rows = table();
        // overall + 3 goals + 5 objectives + 4 states + 4 cross-state rows + 8 quarters, then
        // 2 rows per goal and per indicator, and 3 indicators × 5 scopes, then per claim (2)
        // its row and 2 knowledge dates × (1 + 4 rules).
        assert_eq!(
            rows.len(),
            1 + 3 + 5 + 4 + 4 + 8 + 2 * 3 + 2 * 3 + 3 * 5 + 2 * (1 + 2 * 5)
        );
        let sections: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(sections.iter().filter(|s| **s == "top").count(), 3);
        assert_eq!(sections.iter().filter(|s| **s == "second").count(), 5);
        assert_eq!(sections.iter().filter(|s| **s == "comparison").count(), 8);
        assert_eq!(sections.iter().filter(|s| **s == "timeline").count(), 8);
        assert!(
            rows.iter()
                .all(|r| r.len() == COLUMNS.len() + INDICATOR_COLUMNS.len() + CLAIM_COLUMNS.len())
        );
    }

    #[test]
    fn the_csv_rows_carry_each_claim_and_its_checks() {
        let rows = table();
        let at = COLUMNS.len() + INDICATOR_COLUMNS.len();
        let col = |name: &str| at + CLAIM_COLUMNS.iter().position(|c| *c == name).unwrap();
        let claim = rows
            .iter()
            .find(|r| r[0] == "claim" && r[1] == "1")
            .unwrap();
        assert_eq!(claim[3], "ASEAN");
        assert_eq!(claim[col("metric")], "implementation_rate");
        assert_eq!(claim[col("claimed_value")], "0.9");
        assert_eq!(claim[col("superseded_by")], "2");
        assert_eq!(claim[col("measures_known")], "12");
        assert_eq!(claim[col("measure_list_incomplete")], "false");
        assert!(claim[..at].iter().skip(5).all(String::is_empty));
        let check = |code: &str, knowledge: &str, rule: &str| {
            rows.iter()
                .find(|r| {
                    r[0] == "claim_check"
                        && r[1] == code
                        && r[4] == rule
                        && r[col("knowledge")] == knowledge
                })
                .unwrap()
                .clone()
        };
        let regional = check("2", "report_instant", "regional");
        assert_eq!(regional[col("figure")], (10.0_f64 / 12.0).to_string());
        assert_eq!(regional[col("rests_on")], "12");
        assert_eq!(regional[col("rests_on_unit")], "measures");
        assert_eq!(regional[col("reproduces")], "true");
        assert_eq!(regional[col("verdict")], "matches");
        assert_eq!(regional[col("known_at")], "2028-01-15T09:00:00Z");
        let date = check("2", "report_instant", "");
        assert_eq!(date[col("verdict")], "matches");
        assert_eq!(
            date[col("explanation")],
            "83.3% is reproduced by the regional statuses (regional)."
        );
        let then = check("1", "publication_day", "mean_of_states");
        assert_eq!(then[col("verdict")], "unverifiable");
        assert_eq!(then[col("figure")], "");
        assert_eq!(then[col("explanation")], "no measure is applicable");
        assert_eq!(
            check("1", "publication_day", "")[col("known_at")],
            "2027-07-15T23:59:59.999999Z"
        );
    }

    #[test]
    fn the_csv_rows_carry_the_indicator_figures() {
        let rows = table();
        let row = |section: &str, code: &str, rule: &str| {
            rows.iter()
                .find(|r| r[0] == section && r[1] == code && r[4] == rule)
                .unwrap()
                .clone()
        };
        let n = COLUMNS.len();
        // DESIGN.md §2b's worked example.
        let sp1 = row("indicator", "SP-1", "regional");
        assert_eq!(sp1[3], "1.1");
        assert!(sp1[5..n].iter().all(String::is_empty));
        assert_eq!(
            &sp1[n..n + 8],
            ["%", "increase", "2025", "50", "2030", "80", "2027", "55"]
        );
        assert_eq!(sp1[n + 8], (5.0_f64 / 30.0).to_string());
        assert_eq!(sp1[n + 9], "0.4");
        let anticipated: f64 = sp1[n + 10].parse().unwrap();
        assert!((anticipated - 62.3).abs() < 1e-9);
        let progress: f64 = sp1[n + 11].parse().unwrap();
        assert!((progress - 0.41).abs() < 1e-9);
        assert_eq!(sp1[n + 12], "needs_acceleration");
        let mean = row("indicator", "SP-1", "mean_of_states");
        // IDN 15/20, THA met (capped at 1), TLS −2/20; VNM has no target.
        assert_eq!(mean[n + 8], ((0.75 + 1.0 - 0.1) / 3.0_f64).to_string());
        assert_eq!((mean[n + 14].as_str(), mean[n + 22].as_str()), ("3", "4"));
        let sg2 = row("indicator_goal", "SG2", "regional");
        assert_eq!(&sg2[n + 13..n + 15], ["2", "2"]);
        // SP-2 2 of 5 years, SP-3 2 of 3 years, by 2027.
        assert_eq!(sg2[n + 9], ((0.4 + 2.0 / 3.0) / 2.0_f64).to_string());
        assert_eq!(sg2[n + 17], "2", "needs acceleration");
        let tls = rows
            .iter()
            .find(|r| r[0] == "indicator_class" && r[1] == "SP-1" && r[3] == "TLS")
            .unwrap();
        assert_eq!(tls[n + 12], "regressing");
    }

    #[test]
    fn the_csv_rows_carry_the_exact_counts_and_rates() {
        let rows = table();
        let row = |section: &str, code: &str| {
            rows.iter()
                .find(|r| r[0] == section && r[1] == code)
                .unwrap()
                .clone()
        };

        assert_eq!(
            row("overall", "ascc-strategic-plan")[..16],
            [
                "overall",
                "ascc-strategic-plan",
                "ASEAN Socio-Cultural Community Strategic Plan",
                "",
                "regional",
                "12",
                "12",
                "5",
                "5",
                "2",
                "1",
                "0",
                "700",
                &(5.0_f64 / 12.0).to_string(),
                &(10.0_f64 / 12.0).to_string(),
                &(700.0_f64 / 1200.0).to_string(),
            ]
        );
        let sg2 = row("top", "SG2");
        assert_eq!(
            &sg2[2..13],
            [
                "Caring community",
                "goal",
                "regional",
                "4",
                "4",
                "3",
                "1",
                "0",
                "0",
                "0",
                "340"
            ]
        );
        assert_eq!(&sg2[13..16], ["0.75", "1", "0.85"]);
        // Nothing applicable: the rates are empty, never 0.
        let empty = row("second", "3.2");
        assert_eq!(
            &empty[5..16],
            ["0", "0", "0", "0", "0", "0", "0", "0", "", "", ""]
        );
        let tls = row("comparison", "TLS");
        assert_eq!(tls[2], "Timor-Leste");
        assert_eq!(
            &tls[4..13],
            ["scope", "12", "11", "1", "3", "7", "3", "1", "220"]
        );
        let cells = row("comparison", "cells");
        assert_eq!(
            &cells[4..13],
            ["cells", "48", "46", "16", "18", "12", "5", "2", "2320"]
        );
        assert_eq!(cells[13], (16.0_f64 / 46.0).to_string());
        let mean = row("comparison", "mean_of_states");
        assert_eq!(mean[4], "mean_of_states");
        assert!(mean[5..13].iter().all(String::is_empty));
        let expected = (4.0 / 12.0 + 6.0 / 12.0 + 1.0 / 11.0 + 5.0 / 11.0) / 4.0_f64;
        assert_eq!(mean[13], expected.to_string());
        let last = row("timeline", "2027-12-22");
        assert_eq!(&last[5..13], ["12", "12", "5", "5", "2", "1", "0", "700"]);
    }
}
