//! RFC 9457 problem details: every error answer of the API, with a stable machine-readable
//! `code` and, for validation, `errors: [{"field","message"}]`. Service errors are mapped here,
//! once; internal details (SQL, paths) never reach the body, only the log.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::domain::{FieldIssue, IssueKind};
use crate::service::ServiceError;

/// When a client should try again after the store failed (`Retry-After`, seconds).
pub const STORE_RETRY_AFTER_SECS: u64 = 2;

#[derive(Debug, Clone)]
pub struct Problem {
    pub status: StatusCode,
    pub code: &'static str,
    pub detail: String,
    pub errors: Vec<FieldIssue>,
    authenticate: Option<&'static str>,
    retry_after: Option<u64>,
}

/// The body as sent.
#[derive(Serialize)]
struct ProblemBody<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: &'a str,
    status: u16,
    detail: &'a str,
    code: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [FieldIssue],
}

impl Problem {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            detail: detail.into(),
            code,
            errors: Vec::new(),
            authenticate: None,
            retry_after: None,
        }
    }

    pub fn with_errors(mut self, errors: Vec<FieldIssue>) -> Self {
        self.errors = errors;
        self
    }

    pub fn bad_query(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            format!("query parameter `{field}`: {message}"),
        )
        .with_errors(vec![FieldIssue::invalid(field, message)])
    }

    /// The readiness check failed: the store cannot take writes now.
    pub fn not_ready(reason: impl std::fmt::Display) -> Self {
        Problem {
            retry_after: Some(STORE_RETRY_AFTER_SECS),
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "not_ready",
                format!("not ready to take writes: {reason}"),
            )
        }
    }

    pub fn not_found_route() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such resource; the API lives under /api/v1 (see /api/v1/frameworks)",
        )
    }

    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "this resource does not accept that method",
        )
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&ProblemBody {
            kind: format!("urn:blueprint-tracker:problem:{}", self.code),
            title: self.status.canonical_reason().unwrap_or("Error"),
            status: self.status.as_u16(),
            detail: &self.detail,
            code: self.code,
            errors: &self.errors,
        })
        .unwrap_or_default();
        let authenticate = self.authenticate;
        let retry_after = self.retry_after;
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(challenge) = authenticate {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            );
        }
        if let Some(seconds) = retry_after
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            headers.insert(header::RETRY_AFTER, value);
        }
        response
    }
}

impl From<ServiceError> for Problem {
    fn from(e: ServiceError) -> Self {
        let detail = e.to_string();
        match e {
            ServiceError::UnknownFramework(_) => {
                Problem::new(StatusCode::NOT_FOUND, "unknown_framework", detail)
            }
            ServiceError::UnknownNode { .. } => {
                Problem::new(StatusCode::NOT_FOUND, "unknown_node", detail)
            }
            ServiceError::UnknownMeasure { .. } => {
                Problem::new(StatusCode::NOT_FOUND, "unknown_measure", detail)
            }
            ServiceError::UnknownBody(_) => {
                Problem::new(StatusCode::NOT_FOUND, "unknown_body", detail)
            }
            ServiceError::UnknownState(_) => {
                Problem::new(StatusCode::NOT_FOUND, "unknown_state", detail)
            }
            ServiceError::UnknownReferences(issues) => {
                let all = |kind| issues.iter().all(|i| i.kind == kind);
                let code = if all(IssueKind::UnknownMeasure) {
                    "unknown_measure"
                } else if all(IssueKind::UnknownState) {
                    "unknown_state"
                } else {
                    "unknown_reference"
                };
                let detail = issues
                    .iter()
                    .map(|i| i.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; ");
                Problem::new(StatusCode::NOT_FOUND, code, detail).with_errors(issues)
            }
            ServiceError::Invalid(issues) => {
                let detail = format!(
                    "{} problem(s) in the request; nothing was stored: {}",
                    issues.len(),
                    issues
                        .iter()
                        .take(3)
                        .map(|i| format!("{}: {}", i.field, i.message))
                        .collect::<Vec<_>>()
                        .join("; ")
                );
                Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "validation_failed",
                    detail,
                )
                .with_errors(issues)
            }
            ServiceError::InvalidQuery { field, message } => Problem::bad_query(&field, message),
            ServiceError::TooManyReports { .. } => {
                Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "too_many_reports", detail)
            }
            ServiceError::Unauthenticated => Problem {
                authenticate: Some("Bearer"),
                ..Problem::new(StatusCode::UNAUTHORIZED, "unauthenticated", detail)
            },
            ServiceError::InvalidToken => Problem {
                authenticate: Some("Bearer error=\"invalid_token\""),
                ..Problem::new(StatusCode::UNAUTHORIZED, "invalid_token", detail)
            },
            ServiceError::Forbidden(_) => Problem::new(StatusCode::FORBIDDEN, "forbidden", detail),
            ServiceError::Conflict(_) => Problem::new(StatusCode::CONFLICT, "conflict", detail),
            ServiceError::NotFound(_) => Problem::new(StatusCode::NOT_FOUND, "not_found", detail),
            ServiceError::Locked { .. } => {
                Problem::new(StatusCode::CONFLICT, "locked_period", detail)
            }
            ServiceError::LoginFailed => {
                Problem::new(StatusCode::UNAUTHORIZED, "login_failed", detail)
            }
            ServiceError::TooManyAttempts { retry_after_secs } => Problem {
                retry_after: Some(retry_after_secs),
                ..Problem::new(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", detail)
            },
            ServiceError::TooManyWrites { retry_after_secs } => Problem {
                retry_after: Some(retry_after_secs),
                ..Problem::new(StatusCode::TOO_MANY_REQUESTS, "too_many_writes", detail)
            },
            ServiceError::StoreUnavailable(_) => {
                // The cause (SQL, paths) stays in the log.
                tracing::warn!(error = %detail, "store unavailable: answered 503");
                Problem {
                    retry_after: Some(STORE_RETRY_AFTER_SECS),
                    ..Problem::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "store_unavailable",
                        "the database cannot store or answer right now; nothing was stored by this request. Try again shortly",
                    )
                }
            }
            ServiceError::Reference(_)
            | ServiceError::Store(_)
            | ServiceError::Render(_)
            | ServiceError::Internal(_) => {
                tracing::error!(error = %detail, "internal error");
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the server could not complete the request; it has been logged",
                )
            }
        }
    }
}

impl IntoResponse for ServiceError {
    fn into_response(self) -> Response {
        Problem::from(self).into_response()
    }
}
