//! The JSON API over HTTP (axum): routing, extraction, and the mapping of service results to
//! responses. Handlers are thin: parse, authorise, call one service function, map the result.

mod api;
mod extract;
mod problem;

use std::future::Future;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

use crate::service::Tracker;

pub use problem::Problem;

/// The largest request body accepted (1 MiB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub tracker: Tracker,
}

/// The whole application's routes.
pub fn router(tracker: Tracker) -> Router {
    let api = Router::new()
        .route("/frameworks", get(api::frameworks))
        .route("/frameworks/{fw}", get(api::framework))
        .route("/frameworks/{fw}/measures", get(api::measures))
        .route(
            "/frameworks/{fw}/measures/{code}/status",
            get(api::measure_status),
        )
        .route(
            "/frameworks/{fw}/measures/{code}/history",
            get(api::measure_history),
        )
        .route("/frameworks/{fw}/participants", get(api::participants))
        .route("/frameworks/{fw}/progress", get(api::progress))
        .route("/frameworks/{fw}/compare", get(api::compare))
        .route("/frameworks/{fw}/timeline", get(api::timeline))
        .route("/frameworks/{fw}/report", get(api::report))
        .route("/frameworks/{fw}/charts/{file}", get(api::chart))
        .route("/frameworks/{fw}/status", post(api::record_status))
        .route("/member-states", get(api::member_states))
        .route("/openapi.json", get(api::openapi));
    Router::new()
        .route("/healthz", get(api::healthz))
        .nest("/api/v1", api)
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(AppState { tracker })
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
    axum::serve(listener, router(tracker))
        .with_graceful_shutdown(shutdown)
        .await
}
