//! Request extractors that answer problems, never axum's plain-text rejections: the caller
//! behind a bearer token (and the reader behind a token or a web session), query parameters, and a JSON body bounded in size.

use std::collections::HashMap;

use axum::body::Bytes;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde_json::Value;

use super::AppState;
use super::problem::Problem;
use crate::domain::{Actor, User};
use crate::service::ServiceError;

/// The account behind `Authorization: Bearer <token>`, with the address it came from: what
/// every API write needs. A write (any method but GET) is also counted against the account's
/// write limit.
pub struct Caller(pub Actor);

/// The bearer token of a request: `None` when there is no `Authorization` header.
///
/// # Errors
/// 401 when the header is there but is not `Bearer <token>`.
fn bearer(parts: &Parts) -> Result<Option<&str>, Problem> {
    let Some(header) = parts.headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    header
        .to_str()
        .ok()
        .and_then(|h| h.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|token| !token.is_empty())
        .map(Some)
        .ok_or_else(|| ServiceError::Unauthenticated.into())
}

/// The client's address, as the audit trail and the login throttle record it: the peer's, or
/// the one forwarded by a trusted proxy.
pub fn address(parts: &Parts) -> Option<String> {
    if let Some(super::ClientAddress(ip)) = parts.extensions.get() {
        return Some(ip.to_string());
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let token = bearer(parts)?.ok_or(ServiceError::Unauthenticated)?;
        let user = state.tracker.authenticate(token).await?;
        if parts.method != Method::GET {
            state.tracker.admit_write(&user)?;
        }
        Ok(Caller(Actor::new(user, address(parts))))
    }
}

/// Whoever reads: the account behind a bearer token or a web session, or nobody. A bad bearer
/// token is still a 401 (a client should learn its token is wrong); a stale session cookie
/// just counts as anonymous.
pub struct Reader(pub Option<User>);

impl FromRequestParts<AppState> for Reader {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        if let Some(token) = bearer(parts)? {
            return Ok(Reader(Some(state.tracker.authenticate(token).await?)));
        }
        match super::session_cookie(&parts.headers) {
            Some(cookie) => Ok(Reader(
                state.tracker.session_user(&cookie).await?.map(|s| s.user),
            )),
            None => Ok(Reader(None)),
        }
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

/// Query parameters, checked field by field by the handlers. A parameter given twice is
/// refused with 400 `invalid_query` (which one counts would be a guess); one given with an empty
/// (or blank) value is refused with 400 `invalid_query` rather than read as absent: `as_of=`
/// is more likely a client's bug than a wish for today's figures. Leave a parameter out for its
/// default.
pub struct Params(HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        let query = parts.uri.query().unwrap_or_default();
        let mut pairs: HashMap<String, String> = HashMap::new();
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()).into_owned() {
            if pairs.contains_key(&name) {
                return Err(Problem::bad_query(
                    &name,
                    "is given more than once: give it once (a list is comma-separated)",
                ));
            }
            pairs.insert(name, value);
        }
        let mut empty: Vec<&String> = pairs
            .iter()
            .filter(|(_, value)| value.trim().is_empty())
            .map(|(name, _)| name)
            .collect();
        empty.sort();
        if let Some(name) = empty.first() {
            return Err(Problem::bad_query(
                name,
                "is empty: give a value, or leave the parameter out for its default",
            ));
        }
        Ok(Params(pairs))
    }
}

impl Params {
    /// A non-empty text parameter.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
    }

    /// A boolean flag: `true`/`false` (also `1`/`0`); absent is false.
    ///
    /// # Errors
    /// 400 when present but neither.
    pub fn flag(&self, name: &str) -> Result<bool, Problem> {
        match self.text(name) {
            None | Some("false" | "0") => Ok(false),
            Some("true" | "1") => Ok(true),
            Some(v) => Err(Problem::bad_query(
                name,
                format!("`{v}` is not a flag: use true or false"),
            )),
        }
    }

    /// A positive count parameter, at most `max`.
    ///
    /// # Errors
    /// 400 when present but not such a number.
    pub fn count(&self, name: &str, max: u64) -> Result<Option<u64>, Problem> {
        self.text(name)
            .map(|v| {
                v.parse::<u64>()
                    .ok()
                    .filter(|n| (1..=max).contains(n))
                    .ok_or_else(|| {
                        Problem::bad_query(name, format!("`{v}` is not a number from 1 to {max}"))
                    })
            })
            .transpose()
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

    /// An instant: RFC 3339, or a date meaning the start of that day UTC (for `from`).
    ///
    /// # Errors
    /// 400 when present but neither.
    pub fn instant_start(&self, name: &str) -> Result<Option<DateTime<Utc>>, Problem> {
        if let Some(v) = self.text(name)
            && let Ok(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d")
        {
            return Ok(Some(d.and_time(NaiveTime::MIN).and_utc()));
        }
        self.instant(name)
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
