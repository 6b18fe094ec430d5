//! What every response gets, and what every request is held to:
//! - security headers: a strict `Content-Security-Policy` (nothing from elsewhere, no scripts,
//!   no framing), `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin` (no address
//!   leaves the site; `no-referrer` would also make browsers send `Origin: null` on the site's own
//!   form POSTs, which the forgery check must refuse),
//!   `X-Frame-Options: DENY`, and `Strict-Transport-Security` when behind TLS;
//! - a time limit per request (503 `request_timeout` after it);
//! - on a private server (`serve --private`), a login or token for every read; only
//!   `/healthz`, `/readyz`, the login page, its stylesheet and `/account` (which sends a visitor to the
//!   login) stay open, and an anonymous browser asking for another page is sent to the login.
//!
//! - the client's address: the peer's, or the one a trusted proxy forwarded
//!   ([`crate::edge::client_address`]), put on the request for the audit trail and the login
//!   throttle.
//!
//! Body size (1 MiB) is limited by the router; writes per account by the service.

use std::time::Duration;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::domain::Action;
use crate::edge::extract::Reader;
use crate::edge::{AppState, ClientAddress, Problem};

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
        HeaderValue::from_static("same-origin"),
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

pub async fn client_address(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip());
    if let Some(peer) = peer {
        let forwarded: Vec<&str> = request
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        let client =
            crate::edge::client_address::client_address(peer, &forwarded, &state.trusted_proxies);
        request.extensions_mut().insert(ClientAddress(client));
    }
    next.run(request).await
}

/// Paths a private server still answers without a login (`/account` sends the browser to the
/// login page itself; the stylesheet dresses the login page).
fn always_open(path: &str) -> bool {
    matches!(
        path,
        "/healthz" | "/readyz" | "/login" | "/account" | "/assets/site.css"
    )
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
        // A web page (not the API) sends an anonymous browser to the login, and back after it.
        if reader.is_none() && !parts.uri.path().starts_with("/api/") {
            let back = parts.uri.path_and_query().map_or("/", |p| p.as_str());
            let back: String = url::form_urlencoded::byte_serialize(back.as_bytes()).collect();
            return axum::response::Redirect::to(&format!("/login?next={back}")).into_response();
        }
        return Problem::from(e).into_response();
    }
    next.run(Request::from_parts(parts, body)).await
}
