//! Request extractors that answer problems, never axum's plain-text rejections: the caller
//! behind a bearer token, query parameters, and a JSON body bounded in size.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde_json::Value;

use super::AppState;
use super::problem::Problem;
use crate::domain::User;
use crate::service::ServiceError;

/// The account behind `Authorization: Bearer <token>`.
pub struct Caller(pub User);

impl FromRequestParts<AppState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .ok_or(ServiceError::Unauthenticated)?;
        let token = header
            .split_once(' ')
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .filter(|token| !token.is_empty())
            .ok_or(ServiceError::Unauthenticated)?;
        Ok(Caller(state.tracker.authenticate(token).await?))
    }
}

/// Path parameters, with a problem (not axum's plain text) when a segment cannot be read,
/// e.g. `%FF` that is not UTF-8.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T> FromRequestParts<S> for ApiPath<T>
where
    T: serde::de::DeserializeOwned + Send,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| ApiPath(value))
            .map_err(|rejection| {
                Problem::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_path",
                    format!("the path cannot be read: {}", rejection.body_text()),
                )
            })
    }
}

/// Query parameters, parsed leniently here and checked field by field by the handlers.
pub struct Params(HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        let query = parts.uri.query().unwrap_or_default();
        Ok(Params(
            url::form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect(),
        ))
    }
}

impl Params {
    /// A non-empty text parameter.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
    }

    /// A `YYYY-MM-DD` date parameter.
    ///
    /// # Errors
    /// 400 when present but not a date.
    pub fn date(&self, name: &str) -> Result<Option<NaiveDate>, Problem> {
        self.text(name)
            .map(|v| {
                NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
                    Problem::bad_query(name, format!("`{v}` is not a date (YYYY-MM-DD)"))
                })
            })
            .transpose()
    }

    /// An instant: RFC 3339 (`2026-04-15T08:00:00Z`), or a date meaning the end of that day UTC.
    ///
    /// # Errors
    /// 400 when present but neither.
    pub fn instant(&self, name: &str) -> Result<Option<DateTime<Utc>>, Problem> {
        self.text(name)
            .map(|v| {
                DateTime::parse_from_rfc3339(v)
                    .map(|t| t.with_timezone(&Utc))
                    .or_else(|_| {
                        NaiveDate::parse_from_str(v, "%Y-%m-%d").map(|d| {
                            d.and_time(
                                NaiveTime::from_hms_micro_opt(23, 59, 59, 999_999)
                                    .unwrap_or(NaiveTime::MIN),
                            )
                            .and_utc()
                        })
                    })
                    .map_err(|_| {
                        Problem::bad_query(
                            name,
                            format!(
                                "`{v}` is not an RFC 3339 instant (2026-04-15T08:00:00Z) or a date"
                            ),
                        )
                    })
            })
            .transpose()
    }
}

/// A JSON body of at most the router's body limit. Malformed JSON is a 400, an oversized body a
/// 413, a body declared as something else than JSON a 415.
pub struct JsonBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        let declared = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_ascii_lowercase);
        if let Some(declared) = declared {
            let essence = declared
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_owned();
            if essence != "application/json" && !essence.ends_with("+json") {
                return Err(Problem::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    format!(
                        "send the body as JSON with `Content-Type: application/json`, not `{essence}`"
                    ),
                ));
            }
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Problem::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "body_too_large",
                    format!(
                        "the body exceeds {} bytes; nothing was stored",
                        super::MAX_BODY_BYTES
                    ),
                )
            } else {
                Problem::new(
                    StatusCode::BAD_REQUEST,
                    "unreadable_body",
                    rejection.body_text(),
                )
            }
        })?;
        serde_json::from_slice(&bytes).map(JsonBody).map_err(|e| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                format!("the body is not valid JSON: {e}"),
            )
        })
    }
}
