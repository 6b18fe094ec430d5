//! Turning a request body into validated status reports. Every problem with a report is collected
//! (not just the first), each naming its field, so a client can fix a whole bulk in one go.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Map, Value};

use super::model::{Framework, NewStatusReport, Node, Participation};
use super::vocabulary::{Scope, StateCode, Status};

/// The most reports one bulk request may carry.
pub const MAX_BULK_REPORTS: usize = 10_000;
const MAX_NOTE_CHARS: usize = 4_000;
const MAX_URL_CHARS: usize = 2_048;
const FIELDS: [&str; 7] = [
    "measure",
    "scope",
    "status",
    "progress",
    "effective_date",
    "note",
    "evidence_url",
];

/// What kind of problem a field has: an unknown reference (answered 404 when it is the only
/// kind of problem) or an invalid value (422).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueKind {
    Invalid,
    UnknownMeasure,
    UnknownState,
}

/// One problem with one field of a request, e.g. `reports[3].progress`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldIssue {
    pub field: String,
    pub message: String,
    #[serde(skip)]
    pub kind: IssueKind,
}

impl FieldIssue {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
            kind: IssueKind::Invalid,
        }
    }

    /// Where a file's problem is, read from its `field`: `line 7: status` is (7, `status`),
    /// `line 7` is (7, none), `header: status` is (none, `status`), `file` is (none, none).
    pub fn file_position(&self) -> (Option<u64>, Option<&str>) {
        let line_of = |at: &str| at.strip_prefix("line ").and_then(|n| n.parse::<u64>().ok());
        match self.field.split_once(": ") {
            Some((at, column)) => (line_of(at), Some(column)),
            None => (line_of(&self.field), None),
        }
    }
}

/// What a report is checked against: the framework, its nodes, the known member states, who
/// participates when, and today's date (given by the caller: the domain has no clock).
pub struct RecordContext<'a> {
    pub framework: &'a Framework,
    pub nodes: &'a HashMap<&'a str, &'a Node>,
    pub known_states: &'a HashSet<StateCode>,
    pub participations: &'a [Participation],
    pub today: NaiveDate,
}

/// Splits a status body into its reports: `{"reports":[…]}` is a bulk, any other object is one
/// report. Returns the reports with the field prefix of each (`""` or `reports[i].`).
///
/// # Errors
/// A body that is not an object, a `reports` member that is not a non-empty array, or a bulk of
/// more than [`MAX_BULK_REPORTS`] (reported as `Err(Some(count))` so it can be answered 413).
pub fn parse_record_body(body: Value) -> Result<Vec<(String, Value)>, BodyShapeError> {
    let Value::Object(mut object) = body else {
        return Err(BodyShapeError::NotAnObject);
    };
    match object.remove("reports") {
        None => Ok(vec![(String::new(), Value::Object(object))]),
        Some(Value::Array(items)) => {
            if let Some(other) = object.keys().next() {
                return Err(BodyShapeError::Invalid(FieldIssue::invalid(
                    other.clone(),
                    "a bulk body has only the member `reports`",
                )));
            }
            if items.is_empty() {
                return Err(BodyShapeError::Invalid(FieldIssue::invalid(
                    "reports",
                    "a bulk needs at least one report",
                )));
            }
            if items.len() > MAX_BULK_REPORTS {
                return Err(BodyShapeError::TooMany(items.len()));
            }
            Ok(items
                .into_iter()
                .enumerate()
                .map(|(i, item)| (format!("reports[{i}]."), item))
                .collect())
        }
        Some(_) => Err(BodyShapeError::Invalid(FieldIssue::invalid(
            "reports",
            "`reports` must be an array of status reports",
        ))),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyShapeError {
    NotAnObject,
    TooMany(usize),
    Invalid(FieldIssue),
}

/// Checks one report (a JSON object) against the context.
///
/// # Errors
/// Every problem found, each with its field (`prefix` + name) and a message for the user.
pub fn validate_report(
    value: &Value,
    prefix: &str,
    ctx: &RecordContext<'_>,
) -> Result<NewStatusReport, Vec<FieldIssue>> {
    let field = |name: &str| format!("{prefix}{name}");
    let Value::Object(object) = value else {
        let at = prefix.trim_end_matches('.');
        let at = if at.is_empty() { "body" } else { at };
        return Err(vec![FieldIssue::invalid(
            at,
            "a status report is a JSON object",
        )]);
    };
    let mut issues = Vec::new();
    for key in object.keys().filter(|k| !FIELDS.contains(&k.as_str())) {
        issues.push(FieldIssue::invalid(
            field(key),
            format!("unknown field; a report has {}", FIELDS.join(", ")),
        ));
    }

    let measure = required_string(object, "measure", &field, &mut issues);
    if let Some(code) = &measure {
        match ctx.nodes.get(code.as_str()) {
            None => issues.push(FieldIssue {
                field: field("measure"),
                message: format!("no measure `{code}` in framework `{}`", ctx.framework.code),
                kind: IssueKind::UnknownMeasure,
            }),
            Some(node) if !node.is_measure => issues.push(FieldIssue::invalid(
                field("measure"),
                format!(
                    "`{code}` is a {}, not a strategic measure: status is recorded on measures",
                    node.level
                ),
            )),
            Some(_) => {}
        }
    }

    let status = required_string(object, "status", &field, &mut issues).and_then(|s| {
        s.parse::<Status>()
            .map_err(|e| issues.push(FieldIssue::invalid(field("status"), e.0)))
            .ok()
    });

    let progress = match object.get("progress") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => match n.as_u64() {
            Some(p) if p <= 100 => u8::try_from(p).ok(),
            _ => {
                issues.push(FieldIssue::invalid(
                    field("progress"),
                    "progress is a whole number of percent from 0 to 100",
                ));
                None
            }
        },
        Some(_) => {
            issues.push(FieldIssue::invalid(
                field("progress"),
                "progress is a whole number of percent from 0 to 100",
            ));
            None
        }
    };
    if let (Some(_), Some(s)) = (progress, status)
        && s != Status::Ongoing
    {
        issues.push(FieldIssue::invalid(
            field("progress"),
            format!("progress is given only with status `ongoing`, not `{s}`"),
        ));
    }

    let effective_date =
        required_string(object, "effective_date", &field, &mut issues).and_then(|s| {
            match NaiveDate::parse_from_str(&s, "%Y-%m-%d") {
                Err(_) => {
                    issues.push(FieldIssue::invalid(
                        field("effective_date"),
                        format!("`{s}` is not a date of the form YYYY-MM-DD"),
                    ));
                    None
                }
                Ok(date) => {
                    let fw = ctx.framework;
                    if !fw.covers(date) {
                        issues.push(FieldIssue::invalid(
                            field("effective_date"),
                            format!(
                                "{date} is outside the period of `{}` ({} to {})",
                                fw.code, fw.start_date, fw.end_date
                            ),
                        ));
                    } else if date > ctx.today {
                        issues.push(FieldIssue::invalid(
                            field("effective_date"),
                            format!(
                                "{date} is in the future (today is {}): a status is recorded once it holds",
                                ctx.today
                            ),
                        ));
                    }
                    Some(date)
                }
            }
        });

    let scope = required_string(object, "scope", &field, &mut issues).and_then(|s| {
        match s.parse::<Scope>() {
            Err(e) => {
                issues.push(FieldIssue::invalid(field("scope"), e.0));
                None
            }
            Ok(Scope::State(code)) if !ctx.known_states.contains(&code) => {
                issues.push(FieldIssue {
                    field: field("scope"),
                    message: format!("`{code}` is not an ASEAN member state"),
                    kind: IssueKind::UnknownState,
                });
                None
            }
            Ok(scope) => Some(scope),
        }
    });
    // Participation is judged only on a date inside the period: outside it, the date is the
    // one problem, and saying that no state participates then would only add noise.
    if let (Some(Scope::State(code)), Some(date)) = (&scope, effective_date)
        && ctx.framework.covers(date)
    {
        let participates = ctx
            .participations
            .iter()
            .any(|p| &p.state == code && p.active_on(date));
        if !participates {
            issues.push(FieldIssue::invalid(
                field("scope"),
                format!(
                    "{code} does not participate in `{}` on {date}",
                    ctx.framework.code
                ),
            ));
        }
    }

    let note = optional_string(object, "note", MAX_NOTE_CHARS, &field, &mut issues);
    let evidence_url = optional_string(object, "evidence_url", MAX_URL_CHARS, &field, &mut issues);
    if let Some(url) = &evidence_url
        && let Some(problem) = web_address_problem(url)
    {
        issues.push(FieldIssue::invalid(field("evidence_url"), problem));
    }

    match (measure, scope, status, effective_date) {
        (Some(measure), Some(scope), Some(status), Some(effective_date)) if issues.is_empty() => {
            Ok(NewStatusReport {
                measure,
                scope,
                status,
                progress,
                effective_date,
                note,
                evidence_url,
            })
        }
        _ => Err(issues),
    }
}

fn required_string(
    object: &Map<String, Value>,
    name: &str,
    field: &impl Fn(&str) -> String,
    issues: &mut Vec<FieldIssue>,
) -> Option<String> {
    match object.get(name) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        None | Some(Value::Null) => {
            issues.push(FieldIssue::invalid(field(name), "this field is required"));
            None
        }
        Some(_) => {
            issues.push(FieldIssue::invalid(
                field(name),
                "this field must be a non-empty string",
            ));
            None
        }
    }
}

fn optional_string(
    object: &Map<String, Value>,
    name: &str,
    max_chars: usize,
    field: &impl Fn(&str) -> String,
    issues: &mut Vec<FieldIssue>,
) -> Option<String> {
    match object.get(name) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) if s.chars().count() > max_chars => {
            issues.push(FieldIssue::invalid(
                field(name),
                format!("at most {max_chars} characters"),
            ));
            None
        }
        Some(Value::String(s)) => Some(s.trim().to_owned()),
        Some(_) => {
            issues.push(FieldIssue::invalid(
                field(name),
                "this field must be a string",
            ));
            None
        }
    }
}

/// Why `s` is not an evidence link (an `http://` or `https://` address with a host and no
/// spaces), or `None` when it is one. A link is never completed or changed: `www.asean.org/x`
/// is refused with the reason, not stored as `https://www.asean.org/x` (which may not be the
/// address meant).
fn web_address_problem(s: &str) -> Option<String> {
    const ASK: &str = "the evidence link must be an http:// or https:// address";
    let shown: String = s.chars().take(80).collect();
    let is_scheme = |p: &str| {
        p.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    };
    let Some((scheme, rest)) = s.split_once("://") else {
        // `mailto:x@y.org`, `javascript:…`: a scheme without `//` (a dot would make it a
        // host, as in `www.asean.org:8080/x`).
        if let Some((scheme, _)) = s.split_once(':')
            && is_scheme(scheme)
            && !scheme.contains('.')
        {
            return Some(format!("`{shown}` is a `{scheme}` address: {ASK}"));
        }
        return Some(format!(
            "`{shown}` has no scheme: {ASK}, written in full (https://{shown}, if that is the address meant); nothing is added to a link"
        ));
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Some(if is_scheme(scheme) {
            format!("`{shown}` is a `{scheme}` address: {ASK}")
        } else {
            format!("`{shown}` is not a web address: {ASK}")
        });
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() {
        return Some(format!("`{shown}` names no host: {ASK} with a host"));
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some(format!(
            "`{shown}` has a space or a control character in it: {ASK} without spaces"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn framework() -> Framework {
        Framework {
            id: 1,
            code: "ascc-strategic-plan".into(),
            title: "Plan".into(),
            adopted_on: None,
            adopted_at: None,
            start_date: "2026-01-01".parse().unwrap(),
            end_date: "2035-12-31".parse().unwrap(),
            levels: vec!["goal".into(), "objective".into(), "measure".into()],
            reviews: vec![],
            note: None,
        }
    }

    fn node(code: &str, is_measure: bool) -> Node {
        Node {
            id: 1,
            code: code.into(),
            parent: None,
            level: if is_measure { "measure" } else { "goal" }.into(),
            depth: 0,
            title: code.into(),
            note: None,
            is_measure,
            lead_bodies: vec![],
        }
    }

    fn check(value: Value) -> Result<NewStatusReport, Vec<FieldIssue>> {
        let fw = framework();
        let measure = node("1.1.2", true);
        let goal = node("SG1", false);
        let nodes: HashMap<&str, &Node> = [("1.1.2", &measure), ("SG1", &goal)].into();
        let known: HashSet<StateCode> = ["VNM", "THA", "MMR"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        let participations = [
            Participation {
                state: "VNM".parse().unwrap(),
                from_date: fw.start_date,
                until_date: None,
            },
            Participation {
                state: "THA".parse().unwrap(),
                from_date: "2026-07-01".parse().unwrap(),
                until_date: None,
            },
        ];
        let ctx = RecordContext {
            framework: &fw,
            nodes: &nodes,
            known_states: &known,
            participations: &participations,
            today: "2026-11-22".parse().unwrap(),
        };
        validate_report(&value, "", &ctx)
    }

    fn fields(issues: Vec<FieldIssue>) -> Vec<(String, IssueKind)> {
        issues.into_iter().map(|i| (i.field, i.kind)).collect()
    }

    #[test]
    fn a_complete_report_is_accepted() {
        let report = check(json!({"measure":"1.1.2","scope":"vnm","status":"ongoing",
            "progress":40,"effective_date":"2026-03-31","note":" n ","evidence_url":"https://e.org/x"}))
        .unwrap();
        assert_eq!(report.scope.to_string(), "VNM");
        assert_eq!(report.progress, Some(40));
        assert_eq!(report.note.as_deref(), Some("n"));
    }

    #[test]
    fn every_invalid_field_is_reported() {
        let issues = check(json!({"measure":"SG1","scope":"ASEAN","status":"done",
            "progress":140,"effective_date":"2036-01-01","evidence_url":"ftp://x","colour":1}))
        .unwrap_err();
        let mut got: Vec<String> = issues.into_iter().map(|i| i.field).collect();
        got.sort();
        assert_eq!(
            got,
            [
                "colour",
                "effective_date",
                "evidence_url",
                "measure",
                "progress",
                "status"
            ]
        );
    }

    #[test]
    fn a_link_without_a_scheme_or_with_another_is_refused_with_the_reason_never_completed() {
        let link = |url: &str| {
            check(json!({"measure":"1.1.2","scope":"VNM","status":"ongoing",
                "effective_date":"2026-03-31","evidence_url":url}))
        };
        for (url, says) in [
            ("www.asean.org/x", "has no scheme"),
            ("asean.org", "has no scheme"),
            ("www.asean.org:8080/x", "has no scheme"),
            ("ftp://asean.org/x", "is a `ftp` address"),
            ("mailto:focal@asean.org", "is a `mailto` address"),
            ("javascript:alert(1)", "is a `javascript` address"),
            ("https://", "names no host"),
            ("https://asean.org/a b", "has a space"),
            ("://asean.org", "is not a web address"),
        ] {
            let issues = link(url).unwrap_err();
            assert_eq!(issues.len(), 1, "{url}");
            assert_eq!(issues[0].field, "evidence_url");
            assert!(
                issues[0].message.contains(url)
                    && issues[0].message.contains("http:// or https://"),
                "{url}: {}",
                issues[0].message
            );
            assert!(
                issues[0].message.contains(says),
                "{url}: {} (wanted {says})",
                issues[0].message
            );
        }
        for url in [
            "https://asean.org/x",
            "http://asean.org",
            "HTTPS://ASEAN.ORG/x",
        ] {
            let report = link(url).unwrap();
            assert_eq!(report.evidence_url.as_deref(), Some(url), "kept as written");
        }
    }

    #[test]
    fn progress_goes_only_with_ongoing() {
        let issues = check(json!({"measure":"1.1.2","scope":"VNM","status":"completed",
            "progress":100,"effective_date":"2026-03-31"}))
        .unwrap_err();
        assert_eq!(fields(issues), [("progress".into(), IssueKind::Invalid)]);
        assert!(
            check(json!({"measure":"1.1.2","scope":"VNM","status":"ongoing",
            "progress":40.5,"effective_date":"2026-03-31"}))
            .is_err()
        );
    }

    #[test]
    fn unknown_references_are_marked_as_such() {
        let issues = check(json!({"measure":"9.9.9","scope":"XYZ","status":"ongoing",
            "effective_date":"2026-03-31"}))
        .unwrap_err();
        assert_eq!(
            fields(issues),
            [
                ("measure".into(), IssueKind::UnknownMeasure),
                ("scope".into(), IssueKind::UnknownState)
            ]
        );
    }

    #[test]
    fn dates_in_the_future_or_before_participation_are_refused() {
        let future = check(json!({"measure":"1.1.2","scope":"VNM","status":"ongoing",
            "effective_date":"2026-11-23"}))
        .unwrap_err();
        assert_eq!(
            fields(future),
            [("effective_date".into(), IssueKind::Invalid)]
        );
        let early = check(json!({"measure":"1.1.2","scope":"THA","status":"ongoing",
            "effective_date":"2026-06-30"}))
        .unwrap_err();
        assert_eq!(fields(early), [("scope".into(), IssueKind::Invalid)]);
        let never = check(json!({"measure":"1.1.2","scope":"MMR","status":"ongoing",
            "effective_date":"2026-06-30"}))
        .unwrap_err();
        assert_eq!(fields(never), [("scope".into(), IssueKind::Invalid)]);
    }

    #[test]
    fn bulk_bodies_are_split_and_bounded() {
        let many = parse_record_body(json!({"reports":[{}, {}]})).unwrap();
        assert_eq!(many[1].0, "reports[1].");
        assert_eq!(
            parse_record_body(json!({"reports": vec![json!({}); MAX_BULK_REPORTS + 1]})),
            Err(BodyShapeError::TooMany(MAX_BULK_REPORTS + 1))
        );
        assert_eq!(
            parse_record_body(json!([1])),
            Err(BodyShapeError::NotAnObject)
        );
        assert!(parse_record_body(json!({"reports":[]})).is_err());
    }
}
