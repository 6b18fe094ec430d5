//! What the API (`http`) and the pages (`web`) share at the HTTP edge, below both: the state every
//! handler gets, problem details, the extractors of callers and parameters, the client's address
//! and the session cookie. Neither `http` nor `web` imports the other; the `server` module mounts
//! both.

pub mod client_address;
pub mod extract;
pub mod problem;
pub mod staging;

use axum::http::{HeaderMap, header};

use crate::domain::Secret;
use crate::service::Tracker;

pub use client_address::TrustedProxies;
pub use extract::address as peer_address;
pub use problem::Problem;

/// The largest request body accepted (1 MiB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The largest file an import accepts (32 MiB), through the API or the `/import` page.
pub const MAX_IMPORT_BYTES: u64 = 32 * 1024 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub tracker: Tracker,
    /// Served to browsers over TLS (by a proxy in front): cookies are `Secure`, HSTS is sent.
    pub behind_tls: bool,
    /// Proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: TrustedProxies,
    /// Uploads the `/import` page checked, waiting for their confirmation (in memory).
    pub uploads: std::sync::Arc<staging::Staging>,
}

/// The client's address as the handlers see it: the peer's, or the one a trusted proxy
/// forwarded (set on every request by the server's middleware).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub std::net::IpAddr);

/// The session cookie's name.
pub const COOKIE: &str = "bt_session";

/// The session cookie of a request, if any.
pub fn session_cookie(headers: &HeaderMap) -> Option<Secret> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == COOKIE && !value.is_empty())
        .map(|(_, value)| Secret::new(value))
}
