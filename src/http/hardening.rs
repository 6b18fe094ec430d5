//! What every response gets, and what every request is held to:
//! - security headers: a strict `Content-Security-Policy` (nothing from elsewhere, no scripts,
//!   no framing), `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`,
//!   `X-Frame-Options: DENY`, and `Strict-Transport-Security` when behind TLS;
//! - a time limit per request (503 `request_timeout` after it);
//! - on a private server (`serve --private`), a login or token for every read; only
//!   `/healthz`, the login page and `/account` (which sends a visitor to the login) stay open.
//!
//! Body size (1 MiB) is limited by the router; writes per account by the service.

use std::time::Duration;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::extract::Reader;
use super::problem::Problem;
use crate::domain::Action;

/// The longest a request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

const CSP: &str = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if state.behind_tls {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

pub async fn time_limit(request: Request, next: Next) -> Response {
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "request_timeout",
            format!(
                "the request took longer than {} s and was stopped",
                REQUEST_TIMEOUT.as_secs()
            ),
        )
        .into_response(),
    }
}

/// Paths a private server still answers without a login (`/account` sends the browser to the
/// login page itself).
fn always_open(path: &str) -> bool {
    matches!(path, "/healthz" | "/login" | "/account")
}

pub async fn private_reads(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let read = matches!(*request.method(), Method::GET | Method::HEAD);
    if !state.tracker.settings().private || !read || always_open(request.uri().path()) {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let reader = match Reader::from_request_parts(&mut parts, &state).await {
        Ok(Reader(reader)) => reader,
        Err(problem) => return problem.into_response(),
    };
    if let Err(e) = state.tracker.authorize(reader.as_ref(), Action::Read) {
        return Problem::from(e).into_response();
    }
    next.run(Request::from_parts(parts, body)).await
}
