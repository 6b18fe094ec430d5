//! Reading a JSON object body field by field, collecting every problem before answering 422
//! (`errors: [{"field","message"}]`), each field named with the item's prefix in a bulk
//! (`observations[3].value`).

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;

use crate::domain::{FieldIssue, Scope};
use crate::edge::Problem;
use crate::service::ServiceError;

/// Reads the fields of a JSON object body, collecting every problem before answering.
pub struct Fields<'a> {
    body: &'a serde_json::Map<String, Value>,
    /// Put before every field's name: `""`, or `observations[3].` for an item of a bulk.
    prefix: String,
    pub issues: Vec<FieldIssue>,
}

impl<'a> Fields<'a> {
    pub fn of(body: &'a Value, known: &[&str]) -> Result<Self, Problem> {
        Self::item(body, known, "").map_err(|issue| ServiceError::Invalid(vec![issue]).into())
    }

    /// The fields of one item of a bulk, its problems named `{prefix}field`.
    ///
    /// # Errors
    /// The item is not an object.
    pub fn item(body: &'a Value, known: &[&str], prefix: &str) -> Result<Self, FieldIssue> {
        let Some(object) = body.as_object() else {
            let field = prefix.trim_end_matches('.');
            return Err(FieldIssue::invalid(
                if field.is_empty() { "body" } else { field },
                "must be a JSON object",
            ));
        };
        let mut issues = Vec::new();
        for key in object.keys() {
            if !known.contains(&key.as_str()) {
                issues.push(FieldIssue::invalid(
                    format!("{prefix}{key}"),
                    format!("unknown field; the fields are {}", known.join(", ")),
                ));
            }
        }
        Ok(Self {
            body: object,
            prefix: prefix.to_owned(),
            issues,
        })
    }

    fn problem(&mut self, name: &str, message: impl Into<String>) {
        let field = format!("{}{name}", self.prefix);
        self.issues.push(FieldIssue::invalid(field, message));
    }

    /// A whole number that fits an `i32` (a year).
    pub fn int(&mut self, name: &str, required: bool) -> Option<i32> {
        match self.body.get(name) {
            None | Some(Value::Null) => {
                if required {
                    self.problem(name, "required");
                }
                None
            }
            Some(Value::Number(n)) => match n.as_i64().and_then(|i| i32::try_from(i).ok()) {
                Some(i) => Some(i),
                None => {
                    self.problem(
                        name,
                        format!("`{n}` is not a whole number of a sensible size"),
                    );
                    None
                }
            },
            Some(_) => {
                self.problem(name, "must be a whole number");
                None
            }
        }
    }

    /// A list of record ids (whole numbers); `None` when missing or malformed (named then).
    pub fn ids(&mut self, name: &str) -> Option<Vec<i64>> {
        match self.body.get(name) {
            None | Some(Value::Null) => {
                self.problem(name, "required: a list of ids");
                None
            }
            Some(Value::Array(items)) => {
                let ids: Option<Vec<i64>> = items.iter().map(Value::as_i64).collect();
                if ids.is_none() {
                    self.problem(name, "every id must be a whole number");
                }
                ids
            }
            Some(_) => {
                self.problem(name, "must be a list of ids");
                None
            }
        }
    }

    /// A number (JSON has no NaN or infinity; a number too large for a float is refused when
    /// the body is read).
    pub fn number(&mut self, name: &str, required: bool) -> Option<f64> {
        match self.body.get(name) {
            None | Some(Value::Null) => {
                if required {
                    self.problem(name, "required");
                }
                None
            }
            Some(Value::Number(n)) => match n.as_f64().filter(|f| f.is_finite()) {
                Some(f) => Some(f),
                None => {
                    self.problem(name, "the value must be a finite number");
                    None
                }
            },
            Some(_) => {
                self.problem(name, "must be a number");
                None
            }
        }
    }

    /// `ASEAN` or a member state's alpha-3 code.
    pub fn scope(&mut self, name: &str, required: bool) -> Option<Scope> {
        let text = self.text(name, required)?;
        match text.parse::<Scope>() {
            Ok(scope) => Some(scope),
            Err(e) => {
                self.problem(name, e.0);
                None
            }
        }
    }

    /// The scope named by `name` when it reads as one, without recording any problem: for
    /// checking the caller's rights before the values.
    pub fn peek_scope(body: &Value, name: &str) -> Option<Scope> {
        body.get(name)?.as_str()?.parse().ok()
    }

    /// The problems found so far, to be answered together with those of other items.
    pub fn into_issues(self) -> Vec<FieldIssue> {
        self.issues
    }

    pub fn text(&mut self, name: &str, required: bool) -> Option<String> {
        match self.body.get(name) {
            None | Some(Value::Null) => {
                if required {
                    self.problem(name, "required");
                }
                None
            }
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.problem(name, "must be a string");
                None
            }
        }
    }

    /// A text field read with its type's parser, whose error message says what is wrong.
    pub fn parsed<T>(&mut self, name: &str, required: bool) -> Option<T>
    where
        T: std::str::FromStr,
        T::Err: std::fmt::Display,
    {
        let text = self.text(name, required)?;
        match text.parse::<T>() {
            Ok(value) => Some(value),
            Err(e) => {
                self.problem(name, e.to_string());
                None
            }
        }
    }

    pub fn flag(&mut self, name: &str) -> bool {
        match self.body.get(name) {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                self.problem(name, "must be true or false");
                false
            }
        }
    }

    pub fn date(&mut self, name: &str, required: bool) -> Option<NaiveDate> {
        let text = self.text(name, required)?;
        match NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.problem(name, format!("`{text}` is not a date (YYYY-MM-DD)"));
                None
            }
        }
    }

    pub fn instant(&mut self, name: &str) -> Option<DateTime<Utc>> {
        let text = self.text(name, false)?;
        match DateTime::parse_from_rfc3339(&text) {
            Ok(t) => Some(t.with_timezone(&Utc)),
            Err(_) => {
                self.problem(
                    name,
                    format!("`{text}` is not an RFC 3339 instant (2027-01-01T00:00:00Z)"),
                );
                None
            }
        }
    }

    /// Answers 422 with these problems and those found beyond the body's format.
    pub fn done_with(mut self, more: Vec<FieldIssue>) -> Result<(), Problem> {
        self.issues.extend(more);
        self.done()
    }

    pub fn done(self) -> Result<(), Problem> {
        if self.issues.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::Invalid(self.issues).into())
        }
    }
}
