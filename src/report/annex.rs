//! The annexes as every format prints them (worded once here, read by the HTML, PDF and DOCX
//! writers): A, every strategic measure × ASEAN and each participant; B, a profile of each
//! participating member state; C, the measures with their lead sectoral bodies.
//!
//! Decisions where the issue is silent:
//! - Annex A's cells are a symbol that reads in greyscale (● completed, ◐ ongoing, ○ not
//!   started, n/a not applicable) and "—" for no report in force, which is not a report saying
//!   work has not started; under each, the month of the report's effective date ("Jun 2026"):
//!   twelve columns of full dates do not fit an A4 page. The HTML also gives the full date.
//! - Annex A names measures by code, grouped under their top-level node; titles are in
//!   annex C, one line each.
//! - Annex B lists measures by code; the tables compare a state's rates under each top-level
//!   node with the mean of the participants' rates ([`super::Annexes`]).

use chrono::NaiveDate;

use super::html::{PlainTable, counted, state_name, status_label, with_counts};
use super::{Annexes, ReviewData, Standing};
use crate::domain::Status;
use crate::engine::{Rate, percent, percent_of};

/// A status's symbol in annex A, and the words it stands for in the legend.
pub(crate) fn symbol(standing: Standing) -> &'static str {
    match standing.status {
        None => "\u{2014}",
        Some(Status::Completed) => "\u{25cf}",
        Some(Status::Ongoing) => "\u{25d0}",
        Some(Status::NotStarted) => "\u{25cb}",
        Some(Status::NotApplicable) => "n/a",
    }
}

/// The words for a standing: "Completed", …, "No report".
pub(crate) fn words(standing: Standing) -> &'static str {
    standing.status.map_or("No report", status_label)
}

/// The month of a report's effective date, as annex A prints it under the symbol.
fn month(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%b %Y").to_string()).unwrap_or_default()
}

/// One cell of annex A.
#[derive(Debug, Clone)]
pub(crate) struct MatrixCell {
    pub symbol: &'static str,
    /// "Completed", "No report".
    pub words: &'static str,
    /// "Jun 2026", or empty without a report.
    pub month: String,
    /// "2026-06-30", or empty.
    pub date: String,
}

/// One measure's row of annex A.
#[derive(Debug, Clone)]
pub(crate) struct MatrixRow {
    pub code: String,
    pub title: String,
    pub cells: Vec<MatrixCell>,
}

/// The measures under one top-level node in annex A.
#[derive(Debug, Clone)]
pub(crate) struct MatrixGroup {
    /// "SG1 · People-centred, …".
    pub heading: String,
    pub rows: Vec<MatrixRow>,
}

/// One member state's profile (annex B).
#[derive(Debug, Clone)]
pub(crate) struct Profile {
    /// "Viet Nam".
    pub name: String,
    /// "Viet Nam (VNM)", its heading in print.
    pub heading: String,
    /// "VNM".
    pub code: String,
    /// The anchor in HTML ("profile-VNM").
    pub id: String,
    /// Its overall figures and what its reports say, in sentences.
    pub paragraphs: Vec<String>,
    /// Its rates per top-level node beside the mean of the participants.
    pub rates: PlainTable,
    /// What changed since the previous period (none: a sentence says so instead).
    pub changes: Option<PlainTable>,
    pub changes_text: String,
    /// Its latest reports in force.
    pub latest: Option<PlainTable>,
}

/// The three annexes, worded.
#[derive(Debug, Clone)]
pub(crate) struct AnnexView {
    pub matrix_title: String,
    /// The matrix's table caption.
    pub matrix_caption: &'static str,
    pub matrix_intro: String,
    /// (symbol, words), in the order the legend gives them.
    pub legend: Vec<(&'static str, &'static str)>,
    /// "Measure", "ASEAN", then the participants' codes.
    pub matrix_head: Vec<String>,
    /// The participants' names, for the HTML's column headers' titles ("ASEAN", "Brunei …").
    pub matrix_names: Vec<String>,
    pub matrix: Vec<MatrixGroup>,
    pub profiles_title: String,
    pub profiles_intro: String,
    pub profiles: Vec<Profile>,
    pub bodies_title: String,
    pub bodies_intro: String,
    pub bodies: PlainTable,
    /// The lead bodies' codes and names (none recorded: empty).
    pub body_names: Option<PlainTable>,
}

/// How many annexes the report has (each a heading of the first level after the sections).
#[cfg(test)]
pub(crate) const ANNEXES: usize = 3;

/// The legend of annex A's symbols.
pub(crate) const LEGEND: [(&str, &str); 5] = [
    ("\u{25cf}", "Completed"),
    ("\u{25d0}", "Ongoing"),
    ("\u{25cb}", "Not started (reported so)"),
    ("\u{2014}", "No report in force"),
    ("n/a", "Not applicable"),
];

fn cell(s: Standing) -> MatrixCell {
    MatrixCell {
        symbol: symbol(s),
        words: words(s),
        month: month(s.effective),
        date: s.effective.map(|d| d.to_string()).unwrap_or_default(),
    }
}

/// A state's own rates, from its counts (as every other table prints them).
fn completion(r: &Rate) -> String {
    percent(r.completed, r.applicable).unwrap_or_else(|| "–".to_owned())
}

fn implementation(r: &Rate) -> String {
    percent(r.completed + r.ongoing, r.applicable).unwrap_or_else(|| "–".to_owned())
}

fn codes(list: &[String]) -> String {
    list.join(", ")
}

impl AnnexView {
    /// The legend as one line ("● completed  ·  ◐ ongoing  ·  …"), as the PDF and the DOCX
    /// print it above the matrix.
    pub fn legend_line(&self) -> String {
        self.legend
            .iter()
            .map(|(sym, word)| format!("{sym} {word}"))
            .collect::<Vec<_>>()
            .join("  ·  ")
    }

    /// The annexes' labels and titles ("A", "Strategic measures by member state").
    pub(crate) fn entries(&self) -> impl Iterator<Item = (String, String)> + '_ {
        [
            ("A", &self.matrix_title),
            ("B", &self.profiles_title),
            ("C", &self.bodies_title),
        ]
        .into_iter()
        .map(|(letter, title)| (letter.to_owned(), title.clone()))
    }

    /// The annexes' entries in a table of contents: "Annex A. Strategic measures by …".
    pub(crate) fn contents(&self) -> impl Iterator<Item = String> + '_ {
        [
            ("A", &self.matrix_title),
            ("B", &self.profiles_title),
            ("C", &self.bodies_title),
        ]
        .into_iter()
        .map(|(letter, title)| format!("Annex {letter}. {title}"))
    }

    pub(crate) fn new(data: &ReviewData, top_level: &str) -> Self {
        let a = &data.annexes;
        let top_word = top_level.to_lowercase();
        let mut matrix: Vec<MatrixGroup> = Vec::new();
        for m in &a.measures {
            let row = MatrixRow {
                code: m.code.clone(),
                title: m.title.clone(),
                cells: m.cells.iter().copied().map(cell).collect(),
            };
            match matrix.last_mut() {
                Some(g) if g.heading.starts_with(&format!("{} ·", m.top)) => g.rows.push(row),
                _ => {
                    let title = data
                        .top
                        .iter()
                        .find(|n| n.code == m.top)
                        .map(|n| n.title.clone())
                        .unwrap_or_default();
                    matrix.push(MatrixGroup {
                        heading: format!("{} · {title}", m.top),
                        rows: vec![row],
                    });
                }
            }
        }
        let mut matrix_head = vec!["Measure".to_owned(), "ASEAN".to_owned()];
        matrix_head.extend(a.states.iter().map(|s| s.as_str().to_owned()));
        let mut matrix_names = vec!["Measure".to_owned(), "ASEAN (regional)".to_owned()];
        matrix_names.extend(a.states.iter().map(state_name));

        let measures = a.measures.len() as u64;
        let matrix_intro = format!(
            "The status in force as of {} of {} in the regional scope (ASEAN) and in each \
             participating member state, with the date from which the report in force is \
             effective (its month in print). A dash means that no report is in force: the \
             figures count it as not started, but nobody has said so.",
            super::html::long_date(data.as_of),
            counted(measures, "strategic measure", "strategic measures"),
        );

        let profiles = a
            .states
            .iter()
            .zip(&a.profiles)
            .map(|(code, p)| profile(data, a, code.as_str(), p, &top_word))
            .collect();
        let previous = a.previous.map_or_else(
            || "the framework's start".to_owned(),
            super::html::long_date,
        );
        let profiles_intro = format!(
            "One profile per participating member state: its own rates under each {top_word} \
             beside the mean of the participants' rates, the measures its reports say are not \
             started and those with no report of its own, what changed since the previous \
             period (as of {previous}), and its latest reports in force."
        );

        let with_leads = a
            .measures
            .iter()
            .filter(|m| !m.lead_bodies.is_empty())
            .count() as u64;
        let all = counted(measures, "strategic measure", "strategic measures");
        let bodies_intro = if with_leads == 0 {
            format!(
                "{} with {}. No lead sectoral body is recorded for any of them: the mapping \
                 of sectoral bodies to measures is not part of the official reference data; it \
                 can be loaded with the framework's measure list, a list of lead bodies for \
                 each measure.",
                super::html::capitalised(&all),
                if measures == 1 {
                    "its title"
                } else {
                    "their titles"
                },
            )
        } else {
            format!(
                "{} with {} and lead sectoral bodies: {} a lead body recorded, a dash where \
                 none is.",
                super::html::capitalised(&all),
                if measures == 1 {
                    "its title"
                } else {
                    "their titles"
                },
                match with_leads {
                    1 => "1 has".to_owned(),
                    n => format!("{} have", count_words(n)),
                },
            )
        };
        let mut head = vec!["Measure", "Title"];
        if with_leads > 0 {
            head.push("Lead sectoral bodies");
        }
        let bodies = PlainTable {
            caption: if with_leads > 0 {
                "Strategic measures and their lead sectoral bodies".to_owned()
            } else {
                "Strategic measures".to_owned()
            },
            numeric: vec![false; head.len()],
            head: head.into_iter().map(str::to_owned).collect(),
            rows: a
                .measures
                .iter()
                .map(|m| {
                    let mut row = vec![m.code.clone(), m.title.clone()];
                    if with_leads > 0 {
                        row.push(if m.lead_bodies.is_empty() {
                            "\u{2014}".to_owned()
                        } else {
                            m.lead_bodies.join(", ")
                        });
                    }
                    row
                })
                .collect(),
        };
        let body_names = (!a.bodies.is_empty()).then(|| PlainTable {
            caption: "Sectoral bodies named above".to_owned(),
            head: ["Code", "Sectoral body"].map(str::to_owned).to_vec(),
            numeric: vec![false, false],
            rows: a
                .bodies
                .iter()
                .map(|(c, n)| vec![c.clone(), n.clone()])
                .collect(),
        });

        Self {
            matrix_title: "Strategic measures by member state".to_owned(),
            matrix_caption: "Status in force by measure and scope",
            matrix_intro,
            legend: LEGEND.to_vec(),
            matrix_head,
            matrix_names,
            matrix,
            profiles_title: "Member state profiles".to_owned(),
            profiles_intro,
            profiles,
            bodies_title: "Strategic measures and lead sectoral bodies".to_owned(),
            bodies_intro,
            bodies,
            body_names,
        }
    }
}

fn count_words(n: u64) -> String {
    super::html::count(n)
}

fn profile(
    data: &ReviewData,
    a: &Annexes,
    code: &str,
    p: &super::StateProfile,
    top_word: &str,
) -> Profile {
    let name = state_name(&p.state);
    let o = &p.overall;
    let mut paragraphs = vec![format!(
        "Of the {}, {} to {name}. From its own statuses: completion {}, implementation {}.",
        match o.measures {
            1 => "1 strategic measure".to_owned(),
            n => format!("{} strategic measures", count_words(n)),
        },
        match o.applicable {
            0 => "none applies".to_owned(),
            1 => "1 applies".to_owned(),
            n => format!("{} apply", count_words(n)),
        },
        with_counts(o.completed, o.applicable, "applicable measures"),
        with_counts(o.completed + o.ongoing, o.applicable, "applicable measures"),
    )];
    paragraphs.push(match p.not_started.len() {
        0 => "None of its reports says that work on a measure has not started.".to_owned(),
        1 => format!(
            "Its reports say that work has not started on 1 measure: {}.",
            codes(&p.not_started)
        ),
        n => format!(
            "Its reports say that work has not started on {n} measures: {}.",
            codes(&p.not_started)
        ),
    });
    paragraphs.push(match p.no_report.len() {
        0 => "Every measure has a report of its own in force.".to_owned(),
        n => format!(
            "{} no report of its own in force (counted as not started): {}.",
            if n == 1 {
                "1 measure has".to_owned()
            } else {
                format!("{n} measures have")
            },
            codes(&p.no_report)
        ),
    });

    let rates = PlainTable {
        caption: format!("{name}: rates by {top_word}, beside the mean of the participants"),
        head: vec![
            super::html::capitalised(top_word),
            format!("{code} completion"),
            "Mean completion".to_owned(),
            format!("{code} implementation"),
            "Mean implementation".to_owned(),
        ],
        numeric: vec![false, true, true, true, true],
        rows: data
            .top
            .iter()
            .enumerate()
            .map(|(i, node)| {
                let own = p.by_top.get(i);
                let mean = a.mean_by_top.get(i);
                vec![
                    node.code.clone(),
                    own.map_or_else(|| "–".to_owned(), completion),
                    percent_of(mean.and_then(|m| m.completion_rate)),
                    own.map_or_else(|| "–".to_owned(), implementation),
                    percent_of(mean.and_then(|m| m.implementation_rate)),
                ]
            })
            .collect(),
    };

    let since = a.previous.map_or_else(
        || "the framework's start".to_owned(),
        super::html::long_date,
    );
    let changes_text = match p.changes.len() {
        0 => format!("No measure changed status since {since}."),
        1 => format!("1 measure changed status since {since}:"),
        n => format!("{n} measures changed status since {since}:"),
    };
    let changes = (!p.changes.is_empty()).then(|| PlainTable {
        caption: format!("{name}: changes since {since}"),
        head: ["Measure", "Then", "Now", "Effective"]
            .map(str::to_owned)
            .to_vec(),
        numeric: vec![false, false, false, false],
        rows: p
            .changes
            .iter()
            .map(|c| {
                vec![
                    c.code.clone(),
                    words(c.before).to_owned(),
                    words(c.after).to_owned(),
                    c.after
                        .effective
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "\u{2014}".to_owned()),
                ]
            })
            .collect(),
    });
    let latest = (!p.latest.is_empty()).then(|| PlainTable {
        caption: format!("{name}: latest reports in force"),
        head: ["Measure", "Status", "Effective"]
            .map(str::to_owned)
            .to_vec(),
        numeric: vec![false, false, false],
        rows: p
            .latest
            .iter()
            .map(|(m, s)| {
                vec![
                    m.clone(),
                    words(*s).to_owned(),
                    s.effective.map(|d| d.to_string()).unwrap_or_default(),
                ]
            })
            .collect(),
    });
    Profile {
        heading: format!("{name} ({code})"),
        name,
        code: code.to_owned(),
        id: format!("profile-{code}"),
        paragraphs,
        rates,
        changes,
        changes_text,
        latest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::StateCode;
    use crate::engine::{Rule, Tally};
    use crate::report::sample::sample;
    use crate::report::{AnnexMeasure, Change, StateProfile};

    fn at(status: Option<Status>, date: &str) -> Standing {
        Standing {
            status,
            effective: date.parse().ok(),
        }
    }

    fn profile_of(not_started: &[&str], no_report: &[&str], changes: usize) -> StateProfile {
        let owned = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        StateProfile {
            state: "VNM".parse::<StateCode>().unwrap(),
            overall: Tally {
                completed: 1,
                ongoing: 1,
                not_started: 1,
                ..Tally::default()
            }
            .rate(Rule::Scope),
            by_top: Vec::new(),
            not_started: owned(not_started),
            no_report: owned(no_report),
            changes: (0..changes)
                .map(|i| Change {
                    code: format!("1.1.{i}"),
                    before: at(None, ""),
                    after: at(Some(Status::Ongoing), "2026-09-30"),
                })
                .collect(),
            latest: Vec::new(),
        }
    }

    fn sentences(p: StateProfile) -> String {
        let mut data = sample();
        data.annexes.states = vec![p.state.clone()];
        data.annexes.previous = "2026-06-30".parse().ok();
        data.annexes.measures = vec![AnnexMeasure {
            code: "1.1.1".into(),
            title: "A measure".into(),
            top: "SG1".into(),
            lead_bodies: Vec::new(),
            cells: vec![at(Some(Status::Completed), "2026-06-30"), at(None, "")],
        }];
        data.annexes.profiles = vec![p];
        let view = AnnexView::new(&data, "Goal");
        let p = &view.profiles[0];
        format!("{} {}", p.paragraphs.join(" "), p.changes_text)
    }

    #[test]
    fn a_profiles_sentences_read_right_for_none_one_and_many() {
        let none = sentences(profile_of(&[], &[], 0));
        assert!(none.contains("None of its reports says that work on a measure has not started."));
        assert!(none.contains("Every measure has a report of its own in force."));
        assert!(none.contains("No measure changed status since 30 June 2026."));

        let one = sentences(profile_of(&["1.1.1"], &["1.1.2"], 1));
        assert!(one.contains("Its reports say that work has not started on 1 measure: 1.1.1."));
        assert!(one.contains(
            "1 measure has no report of its own in force (counted as not started): 1.1.2."
        ));
        assert!(one.contains("1 measure changed status since 30 June 2026:"));

        let many = sentences(profile_of(&["1.1.1", "1.1.3"], &["1.1.2", "1.1.4"], 2));
        assert!(many.contains("on 2 measures: 1.1.1, 1.1.3."));
        assert!(many.contains("2 measures have no report of its own in force"));
        assert!(many.contains("2 measures changed status since 30 June 2026:"));
        assert!(many.contains(
            "Of the 3 strategic measures, 3 apply to Viet Nam. From its own statuses: completion \
             33.3% (1 of 3 applicable measures), implementation 66.7% (2 of 3 applicable \
             measures)."
        ));
    }

    #[test]
    fn the_matrix_writes_no_report_apart_from_not_started() {
        assert_eq!(symbol(at(None, "")), "\u{2014}");
        assert_eq!(words(at(None, "")), "No report");
        assert_eq!(
            symbol(at(Some(Status::NotStarted), "2026-06-30")),
            "\u{25cb}"
        );
        assert_eq!(
            words(at(Some(Status::NotStarted), "2026-06-30")),
            "Not started"
        );
        let c = cell(at(Some(Status::Completed), "2026-06-30"));
        assert_eq!((c.symbol, c.month.as_str()), ("\u{25cf}", "Jun 2026"));
    }
}
