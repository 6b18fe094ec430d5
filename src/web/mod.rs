//! Web pages (server-rendered, askama templates compiled in, no JavaScript: the CSP forbids
//! it): the dashboard, browsing (frameworks, measures, member states, sectoral bodies),
//! recording (one status, a grid of a state's measures, or a year of its indicator values),
//! importing a status file (a dry run, then a confirmation) and exporting files, comparing
//! states, downloading reports, published figures checked against the data (`/claims`), frozen
//! review editions (`/editions`), and the login, logout and account pages. The session cookie
//! a login sets also lets a browser read a private server's API.
//!
//! Pages are thin like the API's handlers: parse the query or form, call the service (one use
//! case, usually one of `src/service/pages/`), word the result for people (`layout`), render.
//! Every page works on a phone and prints; every form is a plain GET or POST.
//!
//! Forgery protection on every form POST, two ways: the request must come from this site
//! (`Sec-Fetch-Site`, else `Origin`, else `Referer`, compared with `Host`), and a form made for a
//! session carries the session's anti-forgery token (`csrf`), derived from the cookie. The
//! cookie is `HttpOnly`, `SameSite=Strict`, `Path=/`, and `Secure` when the server is told it is
//! behind TLS (`serve --behind-tls`).

mod browse;
mod claims;
mod compare;
mod dashboard;
mod desk;
mod editions;
mod indicators;
pub mod layout;
mod locks;
mod me;
mod observations;
mod record;
mod reports;
mod rounds;
mod transfer;

use askama::Template;
use axum::extract::{DefaultBodyLimit, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use crate::domain::Secret;
use crate::edge::{AppState, Problem};
use crate::service::{ServiceError, SessionUser};

/// The web pages' routes (merged beside the API by the `server` module's router).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/account", get(account))
        .route("/me", get(me::page))
        .route("/me/submit", post(me::submit))
        .route("/", get(dashboard::page))
        .route("/assets/site.css", get(layout::stylesheet))
        .route("/frameworks", get(browse::index))
        .route("/frameworks/{fw}", get(browse::framework))
        .route("/frameworks/{fw}/measures/{code}", get(browse::measure))
        .route("/frameworks/{fw}/indicators", get(indicators::list))
        .route(
            "/frameworks/{fw}/indicator-snapshot.svg",
            get(indicators::snapshot_svg),
        )
        .route(
            "/frameworks/{fw}/indicator-classes.svg",
            get(indicators::classes_svg),
        )
        .route(
            "/frameworks/{fw}/indicators/{code}/trend.svg",
            get(indicators::trend_svg),
        )
        .route(
            "/frameworks/{fw}/indicators/{code}",
            get(indicators::detail),
        )
        .route("/rounds/{fw}", get(rounds::rounds))
        .route("/rounds/{fw}/{code}", get(rounds::round))
        .route("/states", get(browse::states))
        .route("/states/{code}", get(browse::state))
        .route("/bodies", get(browse::bodies))
        .route("/bodies/{code}", get(browse::body))
        .route("/review", get(desk::page).post(desk::decide))
        .route("/review/submissions", post(desk::decide_submission))
        .route("/review/observations", post(desk::decide_observations))
        .route("/review/locks", get(locks::page))
        .route("/review/locks/{fw}", post(locks::create))
        .route("/review/locks/{fw}/{id}/release", post(locks::release))
        .route("/record", get(record::form))
        .route("/record/{fw}", post(record::submit))
        .route(
            "/record/{fw}/grid",
            get(record::grid).post(record::submit_grid),
        )
        .route(
            "/record/{fw}/observations",
            get(observations::page).post(observations::submit),
        )
        .route("/compare", get(compare::page))
        .route("/compare/chart.svg", get(compare::chart))
        .route("/compare/figures.csv", get(compare::csv))
        .route("/reports", get(reports::page))
        .route(
            "/reports/download",
            get(reports::download).post(reports::download_with_summary),
        )
        .route("/claims", get(claims::page))
        .route("/editions", get(editions::list).post(editions::freeze))
        .route("/editions/{id}", get(editions::page))
        .route("/editions/{id}/download/{format}", get(editions::download))
        // The upload is read under the import's own limit (32 MiB), not the router's 1 MiB.
        .route(
            "/import",
            get(transfer::page)
                .post(transfer::check)
                .layer(DefaultBodyLimit::max(
                    usize::try_from(crate::edge::MAX_IMPORT_BYTES).unwrap_or(usize::MAX),
                )),
        )
        .route("/import/confirm", post(transfer::confirm))
        .route("/export", get(transfer::export_page))
        .route("/export/download", get(transfer::download))
        .route("/export/template", get(transfer::template))
}

pub use crate::edge::{COOKIE, session_cookie};

/// Whether a form POST comes from this site: a browser's `Sec-Fetch-Site`, else the `Origin`,
/// else the `Referer`, must name this host. A request with none of them (not a browser) passes
/// this check; the session token still guards every session's forms.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    let Some(host) = text(header::HOST) else {
        return false;
    };
    let authority = |u: &str| {
        url::Url::parse(u).ok().map(|u| match u.port() {
            Some(port) => format!("{}:{port}", u.host_str().unwrap_or_default()),
            None => u.host_str().unwrap_or_default().to_owned(),
        })
    };
    if let Some(origin) = text(header::ORIGIN) {
        return origin != "null" && authority(origin).as_deref() == Some(host);
    }
    if let Some(referer) = text(header::REFERER) {
        return authority(referer).as_deref() == Some(host);
    }
    true
}

fn cross_site() -> Problem {
    tracing::warn!(target: "authz", "cross-site form POST refused");
    Problem::new(
        StatusCode::FORBIDDEN,
        "cross_site_request",
        "this form was not sent from this site; nothing was changed",
    )
}

/// The peer address (for the audit trail and the login throttle).
pub struct Peer(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Peer(crate::edge::peer_address(parts)))
    }
}

/// The logged-in account, or `None`.
pub struct Session(pub Option<SessionUser>);

impl FromRequestParts<AppState> for Session {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        match session_cookie(&parts.headers) {
            Some(cookie) => Ok(Session(state.tracker.session_user(&cookie).await?)),
            None => Ok(Session(None)),
        }
    }
}

use layout::{Chrome, Section, render};

/// Only a path on this site, so a login cannot be made to send the browser elsewhere.
fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        "/me"
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    chrome: Chrome,
    error: Option<String>,
    name: &'a str,
    next: &'a str,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage<'a> {
    chrome: Chrome,
    may_record: bool,
    name: &'a str,
    role: &'a str,
    state: Option<String>,
    csrf: &'a str,
}

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    next: String,
}

pub async fn login_page(axum::extract::Query(query): axum::extract::Query<LoginQuery>) -> Response {
    render(&LoginPage {
        chrome: Chrome::new(Section::Account, None),
        error: None,
        name: "",
        next: safe_next(&query.next),
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
}

fn cookie_header(value: &str, max_age: i64, secure: bool) -> Option<HeaderValue> {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .ok()
}

pub async fn login(
    State(state): State<AppState>,
    Peer(address): Peer,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    if !same_origin(&headers) {
        return cross_site().into_response();
    }
    let password = Secret::new(form.password);
    let code = Some(form.code.trim()).filter(|c| !c.is_empty());
    let next = safe_next(&form.next);
    match state
        .tracker
        .login(&form.name, &password, code, address.as_deref())
        .await
    {
        Ok(login) => {
            let max_age = state.tracker.settings().session_max.num_seconds();
            let mut response = Redirect::to(next).into_response();
            if let Some(cookie) = cookie_header(login.cookie.expose(), max_age, state.behind_tls) {
                response.headers_mut().insert(header::SET_COOKIE, cookie);
            }
            response
        }
        Err(e @ (ServiceError::LoginFailed | ServiceError::TooManyAttempts { .. })) => {
            let status = match &e {
                ServiceError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
                _ => StatusCode::UNAUTHORIZED,
            };
            let mut response = render(&LoginPage {
                chrome: Chrome::new(Section::Account, None),
                error: Some(e.to_string()),
                name: form.name.trim(),
                next,
            });
            *response.status_mut() = status;
            if let ServiceError::TooManyAttempts { retry_after_secs } = e
                && let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string())
            {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        Err(other) => Problem::from(other).into_response(),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    Peer(address): Peer,
    Session(session): Session,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !same_origin(&headers) {
        return cross_site().into_response();
    }
    let Some(session) = session else {
        return Redirect::to("/login").into_response();
    };
    if form.csrf != session.csrf.expose() {
        return cross_site().into_response();
    }
    if let Err(e) = state.tracker.logout(&session, address.as_deref()).await {
        return Problem::from(e).into_response();
    }
    let mut response = Redirect::to("/login").into_response();
    if let Some(cookie) = cookie_header("", 0, state.behind_tls) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

pub async fn account(Session(session): Session) -> Response {
    let Some(session) = session else {
        return Redirect::to("/login?next=/account").into_response();
    };
    let user = &session.user;
    render(&AccountPage {
        chrome: Chrome::new(Section::Account, Some(&session)),
        may_record: user.role != crate::domain::Role::Viewer,
        name: &user.name,
        role: user.role.as_str(),
        state: user.state.as_ref().map(ToString::to_string),
        csrf: session.csrf.expose(),
    })
}
