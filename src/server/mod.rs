//! The server: builds the state, mounts the API (`crate::http`, under `/api/v1`) and the pages
//! (`crate::web`) side by side, owns the middleware (security headers, time limit, private
//! reads, the client's address) and the accept loop. The one place that knows both faces.

mod hardening;
mod listener;

use std::future::Future;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

use crate::edge::{AppState, MAX_BODY_BYTES};
use crate::http::api;
use crate::service::Tracker;

pub use crate::edge::TrustedProxies;
pub use listener::ConnectionLimits;

/// How the HTTP layer is run (the service's own settings live in the tracker).
#[derive(Debug, Clone, Default)]
pub struct HttpOptions {
    pub behind_tls: bool,
    /// Proxies in front whose `X-Forwarded-For` is believed (`serve --trusted-proxy`).
    pub trusted_proxies: TrustedProxies,
    /// Connection limits and timeouts, graceful shutdown (see [`listener`]).
    pub limits: ConnectionLimits,
}

/// The whole application's routes, with default options.
pub fn router(tracker: Tracker) -> Router {
    router_with(tracker, HttpOptions::default())
}

/// The whole application's routes.
pub fn router_with(tracker: Tracker, options: HttpOptions) -> Router {
    let state = AppState {
        tracker,
        behind_tls: options.behind_tls,
        trusted_proxies: options.trusted_proxies,
        uploads: std::sync::Arc::default(),
    };
    // The API's routes come with their description (`crate::http::openapi`).
    let (api_routes, _) = crate::http::openapi::routes().split_for_parts();
    Router::new()
        .merge(api_routes)
        // The web pages (`src/web`), beside the API.
        .merge(crate::web::routes())
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(from_fn_with_state(state.clone(), hardening::private_reads))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(hardening::time_limit))
        .layer(from_fn_with_state(
            state.clone(),
            hardening::security_headers,
        ))
        .layer(from_fn_with_state(state.clone(), hardening::client_address))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves until `shutdown` completes, then finishes the requests in flight.
///
/// # Errors
/// The listener fails.
pub async fn serve(
    tracker: Tracker,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(tracker, HttpOptions::default(), listener, shutdown).await
}

/// As [`serve`], with options. The peer's address reaches the handlers (audit trail, login
/// throttle). When `shutdown` completes, the requests in flight are finished within
/// `options.limits.shutdown_timeout`.
///
/// # Errors
/// The listener fails.
pub async fn serve_with(
    tracker: Tracker,
    options: HttpOptions,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = options.limits;
    listener::serve(router_with(tracker, options), listener, limits, shutdown).await
}
