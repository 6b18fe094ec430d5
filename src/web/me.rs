//! A focal point's home (`/me`, where a login lands): per framework, the round open today —
//! what is due, by when, submitted or not, with a button to submit it — the state's returned
//! reports with the reasons and a link that opens the record form pre-filled to correct each,
//! and its reports awaiting validation. Accounts without a member state have no such list: the
//! Secretariat and admins are sent to the review desk, viewers to their account page.
//!
//! Submitting goes through `Tracker::round_action` (the API's own use case: same checks, same
//! audit record). A refusal (submitted already, not open yet) re-renders the page with the
//! message.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::layout::{
    Chrome, Pairs, ReportLine, Section, long_date, query_string, render_with, segment,
    service_error, state_name, when,
};
use super::record::posted_session;
use super::rounds::standing_words;
use super::{Peer, Session};
use crate::domain::{Actor, Delivery, Notice, Role, StateCode, StatusReport, SubmissionAction};
use crate::edge::AppState;
use crate::engine::rounds::RoundStanding;
use crate::service::{FocalFramework, FocalHome, ServiceError, SessionUser};

/// The round panel of a framework.
struct RoundView {
    code: String,
    href: String,
    period_end: String,
    due: String,
    deadline: String,
    standing: &'static str,
    class: &'static str,
    /// What the state should do, in a sentence.
    advice: String,
    reason: String,
    may_submit: bool,
}

/// A returned report and the link that corrects it.
struct ReturnedView {
    report: ReportLine,
    reason: String,
    returned: String,
    correct_href: String,
}

struct FrameworkView {
    code: String,
    title: String,
    round: Option<RoundView>,
    returned: Vec<ReturnedView>,
    returned_total: usize,
    awaiting: Vec<ReportLine>,
    awaiting_total: usize,
}

/// A notice addressed to the account, as the page lists it.
struct NoticeView {
    subject: String,
    when: String,
    link: String,
    /// Whether and how it was mailed, in words.
    delivery: String,
}

/// How many notices the page lists.
const NOTICES: u64 = 10;

fn notice_view(n: &Notice) -> NoticeView {
    let delivery = match n.delivery {
        Delivery::Sent => format!(
            "e-mailed to {}{}",
            n.email.clone().unwrap_or_default(),
            n.sent_at
                .map(|t| format!(" on {}", long_date(t.date_naive())))
                .unwrap_or_default()
        ),
        Delivery::Pending => "not e-mailed yet".to_owned(),
        Delivery::Failed => format!(
            "the e-mail could not be delivered ({} attempts)",
            n.attempts
        ),
        Delivery::NoAddress => "not e-mailed: your account has no e-mail address".to_owned(),
    };
    NoticeView {
        subject: n.subject.clone(),
        when: when(n.created_at),
        link: n.link.clone(),
        delivery,
    }
}

#[derive(Template)]
#[template(path = "me.html")]
struct MePage {
    chrome: Chrome,
    csrf: String,
    state_name: String,
    state_code: String,
    frameworks: Vec<FrameworkView>,
    notices: Vec<NoticeView>,
    /// The observation grid of each framework under way: (address, framework title).
    indicator_links: Vec<(String, String)>,
    done: String,
    error: String,
}

/// The record form's address, pre-filled with a returned report's values: correcting it keeps
/// its measure, state and effective date (a correction after a return, allowed inside a lock).
fn correct_href(r: &StatusReport) -> String {
    format!(
        "/record{}",
        query_string(&[
            ("framework", r.framework.clone()),
            ("measure", r.measure.clone()),
            ("scope", r.scope.to_string()),
            ("status", r.status.as_str().to_owned()),
            (
                "progress",
                r.progress.map(|p| p.to_string()).unwrap_or_default()
            ),
            ("effective_date", r.effective_date.to_string()),
            ("note", r.note.clone().unwrap_or_default()),
            ("evidence_url", r.evidence_url.clone().unwrap_or_default()),
        ])
    )
}

fn round_view(fw: &str, r: &crate::service::FocalRound) -> RoundView {
    let standing = r.standing.as_ref().map(|s| s.standing);
    let (words, class) = match standing {
        Some(RoundStanding::Open) => ("… Not submitted yet", "open"),
        other => standing_words(other),
    };
    let due = long_date(r.round.due_on);
    let advice = match standing {
        Some(RoundStanding::Open) => format!(
            "Check that your statuses as of {} are recorded, then submit the round by {due}.",
            long_date(r.round.period_end)
        ),
        Some(RoundStanding::Missing) => format!(
            "The round was due on {due} and has not been submitted: submit it now (it counts as late)."
        ),
        Some(RoundStanding::Returned) => {
            "The Secretariat returned your submission: correct what it asks, then submit again."
                .to_owned()
        }
        Some(RoundStanding::SubmittedOnTime | RoundStanding::SubmittedLate) => {
            if r.standing.as_ref().is_some_and(|s| s.accepted) {
                "Submitted and accepted by the Secretariat: nothing more is due.".to_owned()
            } else {
                "Submitted: it awaits the Secretariat's decision.".to_owned()
            }
        }
        None => "Your state joined after this round opened: it is not expected in it.".to_owned(),
    };
    RoundView {
        code: r.round.code.clone(),
        href: format!("/rounds/{}/{}", segment(fw), segment(&r.round.code)),
        period_end: long_date(r.round.period_end),
        due,
        deadline: r.deadline.format("%H:%M UTC on %-d %B %Y").to_string(),
        standing: words,
        class,
        advice,
        reason: r
            .standing
            .as_ref()
            .and_then(|s| s.returned_reason.clone())
            .unwrap_or_default(),
        may_submit: r.may_submit,
    }
}

fn framework_view(f: FocalFramework) -> FrameworkView {
    let round = f.round.as_ref().map(|r| round_view(&f.code, r));
    FrameworkView {
        round,
        returned: f
            .returned
            .iter()
            .map(|r| ReturnedView {
                report: ReportLine::of(r),
                reason: r.validation.reason.clone().unwrap_or_default(),
                returned: r
                    .validation
                    .at
                    .map(|t| {
                        let by = r.validation.by.clone().unwrap_or_default();
                        if by.is_empty() {
                            long_date(t.date_naive())
                        } else {
                            format!("{} by {by}", long_date(t.date_naive()))
                        }
                    })
                    .unwrap_or_default(),
                correct_href: correct_href(r),
            })
            .collect(),
        returned_total: f.returned_total,
        awaiting: f.awaiting.iter().map(ReportLine::of).collect(),
        awaiting_total: f.awaiting_total,
        code: f.code,
        title: f.title,
    }
}

fn page_of(
    chrome: Chrome,
    session: &SessionUser,
    (home, notices, indicator_links): Home,
    done: String,
    error: String,
) -> MePage {
    let state = home.state.clone();
    MePage {
        chrome,
        csrf: session.csrf.expose().to_owned(),
        state_name: state_name(&state),
        state_code: state.to_string(),
        frameworks: home.frameworks.into_iter().map(framework_view).collect(),
        notices: notices.iter().map(notice_view).collect(),
        indicator_links,
        done,
        error,
    }
}

/// The state's home, the account's latest notices, and the observation grids it may open.
type Home = (FocalHome, Vec<Notice>, Vec<(String, String)>);

/// The state's home and the account's latest notices, and a link to the observation grid of
/// every framework that has begun (the grid opens on the state and its default year).
async fn home(
    state: &AppState,
    session: &SessionUser,
    code: &StateCode,
) -> Result<Home, ServiceError> {
    let home = state.tracker.focal_home(code).await?;
    let notices = state.tracker.notices_for(session, NOTICES).await?;
    let today = crate::service::today();
    let links = super::browse::visible(state.tracker.frameworks().await?)
        .into_iter()
        .filter(|f| f.framework.start_date <= today)
        .map(|f| {
            (
                format!(
                    "/record/{}/observations{}",
                    super::layout::segment(&f.framework.code),
                    super::layout::query_string(&[("scope", code.to_string())])
                ),
                f.framework.title,
            )
        })
        .collect();
    Ok((home, notices, links))
}

/// Where an account without a member state goes instead.
fn elsewhere(session: &SessionUser) -> Response {
    match session.user.role {
        Role::Admin | Role::Secretariat => Redirect::to("/review").into_response(),
        _ => Redirect::to("/account").into_response(),
    }
}

pub async fn page(
    State(state): State<AppState>,
    Session(session): Session,
    RawQuery(query): RawQuery,
) -> Response {
    let chrome = Chrome::new(Section::Me, session.as_ref());
    let Some(session) = session else {
        return Redirect::to("/login?next=/me").into_response();
    };
    let Some(code) = session.user.state.clone() else {
        return elsewhere(&session);
    };
    let params = Pairs::parse(query.as_deref().unwrap_or_default());
    let done = params
        .one("submitted")
        .map(|round| {
            format!("Round {round} submitted: it is now on the Secretariat's review desk.")
        })
        .unwrap_or_default();
    match home(&state, &session, &code).await {
        Ok(home) => render_with(
            StatusCode::OK,
            &page_of(chrome, &session, home, done, String::new()),
        ),
        Err(e) => service_error(chrome, e),
    }
}

/// `POST /me/submit` (`framework`, `round`, `csrf`): submits the state's round.
pub async fn submit(
    State(state): State<AppState>,
    Session(session): Session,
    Peer(address): Peer,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = Pairs::parse(std::str::from_utf8(&body).unwrap_or_default());
    let session = match posted_session(&headers, session, &form, "/me") {
        Ok(s) => s,
        Err(response) => return *response,
    };
    let chrome = Chrome::new(Section::Me, Some(&session));
    let Some(code) = session.user.state.clone() else {
        return elsewhere(&session);
    };
    let framework = form.one("framework").unwrap_or_default().to_owned();
    let round = form.one("round").unwrap_or_default().to_owned();
    let actor = Actor::new(session.user.clone(), address);
    let outcome = state
        .tracker
        .round_action(
            &actor,
            &framework,
            &round,
            &code,
            SubmissionAction::Submitted,
            None,
        )
        .await;
    let (status, error) = match outcome {
        Ok(_) => {
            return Redirect::to(&format!("/me{}", query_string(&[("submitted", round)])))
                .into_response();
        }
        Err(
            e @ (ServiceError::Conflict(_) | ServiceError::Invalid(_) | ServiceError::NotFound(_)),
        ) => {
            let status = match &e {
                ServiceError::Conflict(_) => StatusCode::CONFLICT,
                ServiceError::NotFound(_) => StatusCode::NOT_FOUND,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            // The store's conflict names the round and the state; the page says both already.
            let message = match &e {
                ServiceError::Conflict(m) => m
                    .rsplit_once(": ")
                    .map_or(m.as_str(), |(_, r)| r)
                    .to_owned(),
                other => other.to_string(),
            };
            (
                status,
                format!("Round {round} was not submitted: {message}."),
            )
        }
        Err(e) => return service_error(chrome, e),
    };
    match home(&state, &session, &code).await {
        Ok(home) => render_with(
            status,
            &page_of(chrome, &session, home, String::new(), error),
        ),
        Err(e) => service_error(chrome, e),
    }
}
