//! The handlers of reporting rounds (issue 15): list and create a framework's rounds, plan them
//! over its period, read one round with its completeness and coverage, its submissions' log,
//! submit a member state's round, accept or return a submission, and the state × round matrix
//! (JSON, CSV or XLSX). Who may call what is decided by the service (`domain::policy`).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::doc;
use super::fields::Fields;
use super::transfer::attachment;
use crate::domain::{FieldIssue, Round, StateCode, Submission, SubmissionAction};
use crate::edge::AppState;
use crate::edge::Problem;
use crate::edge::extract::{ApiPath as Path, Caller, JsonBody, Params};
use crate::service::{
    PlanOutcome, PlanRequest, RoundDetail, RoundEvery, RoundList, RoundMatrix, RoundRequest,
    ServiceError, SubmissionLog,
};
use crate::transfer::FileFormat;

type ApiResult = Result<Response, Problem>;

/// A round named in the path.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct RoundCode {
    /// A round's code (unique within its framework).
    #[param(example = "2026-Q3")]
    pub code: String,
}

/// A member state named in the path.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct StateScope {
    /// A member state's ISO 3166-1 alpha-3 code.
    #[param(example = "VNM")]
    pub scope: String,
}

/// A new round. Unknown fields are refused (422).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRoundBody {
    /// 1 to 32 of `A-Z a-z 0-9 - _ .`, starting with a letter or digit, unique within the
    /// framework; not `plan`.
    #[schema(
        example = "2026-Q4",
        min_length = 1,
        max_length = 32,
        pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$"
    )]
    pub code: String,
    /// By default the day after the previous round's `period_end`, or the framework's start.
    pub period_start: Option<chrono::NaiveDate>,
    /// The date the round's statuses are as of; inside the framework's period.
    pub period_end: chrono::NaiveDate,
    pub opens_on: chrono::NaiveDate,
    /// On or after `opens_on`.
    pub due_on: chrono::NaiveDate,
}

/// A plan of rounds. Unknown fields are refused (422).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoundPlanBody {
    pub every: RoundEvery,
    /// Plan the periods ending on or after this date (the framework's start by default).
    pub from: Option<chrono::NaiveDate>,
    /// Plan the periods ending on or before this date (the framework's end by default).
    pub to: Option<chrono::NaiveDate>,
    /// Each round opens this many days before its period's end (14 by default).
    #[schema(minimum = 0, maximum = 366)]
    pub open_days: Option<u32>,
    /// Each round is due this many days after its period's end (31 by default).
    #[schema(minimum = 0, maximum = 366)]
    pub due_days: Option<u32>,
}

/// A submission of a member state's round. Unknown fields are refused (422).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoundSubmissionBody {
    /// The member state whose round is submitted: its alpha-3 code, any case.
    #[schema(pattern = "^[A-Za-z]{3}$", example = "VNM")]
    pub scope: String,
}

/// A return of a round's submission. Unknown fields are refused (422).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnRoundBody {
    /// Why: the focal point reads it (1 to 2,000 characters).
    #[schema(
        min_length = 1,
        max_length = 2000,
        example = "1.1.2 and 3.2.1 have no evidence"
    )]
    pub reason: String,
}

/// A number of days from 0 to 366, when given.
fn days(f: &mut Fields<'_>, name: &str) -> Option<u32> {
    let value = f.int(name, false)?;
    match u32::try_from(value) {
        Ok(days) if days <= crate::service::MAX_PLAN_DAYS => Some(days),
        _ => {
            f.issues
                .push(FieldIssue::invalid(name, "a number of days from 0 to 366"));
            None
        }
    }
}

/// A member state's code in the path; one that cannot be one is unknown (404).
fn state_in_path(scope: &str) -> Result<StateCode, Problem> {
    scope
        .parse::<StateCode>()
        .map_err(|_| Problem::from(ServiceError::UnknownState(scope.to_owned())))
}

#[utoipa::path(
    get,
    path = "/frameworks/{fw}/rounds",
    operation_id = "listRounds",
    tag = "rounds",
    summary = "A framework's reporting rounds with their counts",
    description = "Every round, by period end, with its regional counts now: participants, submitted (on time + late), on time, late, missing, open, returned, accepted, `completeness` (submitted / participants) and `timeliness` (on time / participants).",
    params(doc::Fw),
    responses(
        (status = 200, description = "The rounds.", body = RoundList),
        (status = 400, description = "A path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "The framework is unknown.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_path"], "404": ["unknown_framework"]}))),
)]
pub async fn list_rounds(State(state): State<AppState>, Path(fw): Path<String>) -> ApiResult {
    Ok(Json(state.tracker.rounds(&fw).await?).into_response())
}

/// `POST /frameworks/{fw}/rounds`: 201 with the round and its `Location`.
#[utoipa::path(
    post,
    path = "/frameworks/{fw}/rounds",
    operation_id = "createRound",
    tag = "rounds",
    summary = "Create a reporting round (secretariat, admin)",
    description = "Audited (`round.create`).",
    params(doc::Fw),
    request_body = NewRoundBody,
    responses(
        (status = 201, description = "Created: the round.", body = Round, headers(("Location" = String, description = "The round's path."))),
        (status = 400, description = "The body is not JSON, or could not be read; or a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Only the Secretariat and admins create rounds.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "The framework is unknown.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "The framework has a round of that code already.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "A missing or unknown field, a malformed code or date, `period_start` after `period_end`, `opens_on` after `due_on`, a `period_end` outside the framework's period.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["malformed_json", "unreadable_body", "invalid_path"], "403": ["forbidden"], "404": ["unknown_framework"], "409": ["conflict"], "422": ["validation_failed"]}))),
)]
pub async fn create_round(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(fw): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult {
    let mut f = Fields::of(
        &body,
        &["code", "period_start", "period_end", "opens_on", "due_on"],
    )?;
    let code = f.text("code", true);
    let period_start = f.date("period_start", false);
    let period_end = f.date("period_end", true);
    let opens_on = f.date("opens_on", true);
    let due_on = f.date("due_on", true);
    f.done()?;
    let (Some(code), Some(period_end), Some(opens_on), Some(due_on)) =
        (code, period_end, opens_on, due_on)
    else {
        return Err(Problem::from(ServiceError::Invalid(Vec::new())));
    };
    let round = state
        .tracker
        .create_round(
            &caller,
            &fw,
            &RoundRequest {
                code,
                period_start,
                period_end,
                opens_on,
                due_on,
            },
        )
        .await?;
    let location = format!(
        "/api/v1/frameworks/{}/rounds/{}",
        round.framework, round.code
    );
    let mut response = (StatusCode::CREATED, Json(round)).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

#[utoipa::path(
    post,
    path = "/frameworks/{fw}/rounds/plan",
    operation_id = "planRounds",
    tag = "rounds",
    summary = "Plan a framework's rounds (secretariat, admin)",
    description = "One round per calendar quarter, half-year or year whose end falls within `from`–`to` (the framework's period by default), coded `2026-Q1`, `2026-H1` or `2026`; each covers its calendar period, opens `open_days` before its end and is due `due_days` after it. Rounds that exist are left unchanged (listed in `existing`), so planning twice creates nothing more. Each round created is audited (`round.create`).",
    params(doc::Fw),
    request_body = RoundPlanBody,
    responses(
        (status = 200, description = "The rounds created and those that existed.", body = PlanOutcome),
        (status = 400, description = "The body is not JSON, or could not be read; or a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Only the Secretariat and admins plan rounds.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "The framework is unknown.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "A missing or unknown field, an unknown `every`, a date outside the framework's period, `from` after `to`, days outside 0–366.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["malformed_json", "unreadable_body", "invalid_path"], "403": ["forbidden"], "404": ["unknown_framework"], "422": ["validation_failed"]}))),
)]
pub async fn plan_rounds(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(fw): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult {
    let mut f = Fields::of(&body, &["every", "from", "to", "open_days", "due_days"])?;
    let every = f.parsed::<RoundEvery>("every", true);
    let from = f.date("from", false);
    let to = f.date("to", false);
    let open_days = days(&mut f, "open_days");
    let due_days = days(&mut f, "due_days");
    f.done()?;
    let Some(every) = every else {
        return Err(Problem::from(ServiceError::Invalid(Vec::new())));
    };
    let plan = PlanRequest {
        every,
        from,
        to,
        open_days,
        due_days,
    };
    Ok(Json(state.tracker.plan_rounds(Some(&caller), &fw, &plan).await?).into_response())
}

#[utoipa::path(
    get,
    path = "/frameworks/{fw}/rounds/{code}",
    operation_id = "getRound",
    tag = "rounds",
    summary = "A round: every participant's standing, completeness, timeliness and coverage",
    description = "Each expected participant (participating on `period_end`, from on or before `opens_on`) with its standing now: `submitted_on_time` (before the due date ends anywhere in ASEAN: `due_on` 17:30 UTC), `submitted_late`, `missing` (past due, nothing submitted), `open` (not yet due), `returned` (returned and not submitted again, also past due); states that joined after the round opened are in `not_expected`. Coverage per state, on the `reported` basis at `period_end`: applicable measures with a report effective within the round's period ÷ applicable measures, with those carried forward from earlier reports and those never reported.",
    params(doc::Fw, RoundCode),
    responses(
        (status = 200, description = "The round.", body = RoundDetail),
        (status = 400, description = "A path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "The framework or the round is unknown.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_path"], "404": ["unknown_framework", "not_found"]}))),
)]
pub async fn get_round(
    State(state): State<AppState>,
    Path((fw, code)): Path<(String, String)>,
) -> ApiResult {
    Ok(Json(state.tracker.round(&fw, &code).await?).into_response())
}

#[utoipa::path(
    get,
    path = "/frameworks/{fw}/rounds/{code}/submissions",
    operation_id = "listRoundSubmissions",
    tag = "rounds",
    summary = "A round's log: submissions, acceptances and returns",
    params(doc::Fw, RoundCode),
    responses(
        (status = 200, description = "The log, first written first.", body = SubmissionLog),
        (status = 400, description = "A path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "The framework or the round is unknown.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_path"], "404": ["unknown_framework", "not_found"]}))),
)]
pub async fn round_submissions(
    State(state): State<AppState>,
    Path((fw, code)): Path<(String, String)>,
) -> ApiResult {
    Ok(Json(state.tracker.round_submissions(&fw, &code).await?).into_response())
}

/// `POST /frameworks/{fw}/rounds/{code}/submissions {"scope"}`: 201 with the log entry.
#[utoipa::path(
    post,
    path = "/frameworks/{fw}/rounds/{code}/submissions",
    operation_id = "submitRound",
    tag = "rounds",
    summary = "Submit a member state's round (its focal point, secretariat, admin)",
    description = "Declares the state's statuses as of the round's `period_end` complete. Allowed from `opens_on` (in UTC+9), first or after a return; a submission after the deadline is taken and counts as late. Audited (`round.submit`).",
    params(doc::Fw, RoundCode),
    request_body = RoundSubmissionBody,
    responses(
        (status = 201, description = "Submitted: the log entry.", body = Submission),
        (status = 400, description = "The body is not JSON, or could not be read; or a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "A focal point submits its own state's round only; viewers none.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "The framework, the round or the member state is unknown.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "The round is not open yet, or the state's round is submitted (waiting for a decision) or accepted already.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "A missing or unknown field, a malformed scope, or a state that does not take part in the framework on the round's end.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["malformed_json", "unreadable_body", "invalid_path"], "403": ["forbidden"], "404": ["unknown_framework", "not_found", "unknown_state"], "409": ["conflict"], "422": ["validation_failed"]}))),
)]
pub async fn submit_round(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((fw, code)): Path<(String, String)>,
    JsonBody(body): JsonBody,
) -> ApiResult {
    let mut f = Fields::of(&body, &["scope"])?;
    // Exactly three letters, as the description says (the parser would also trim spaces).
    let scope = f
        .text("scope", true)
        .and_then(|s| match s.parse::<StateCode>() {
            Ok(code) if s.len() == 3 => Some(code),
            Ok(_) | Err(_) => {
                f.issues.push(FieldIssue::invalid(
                    "scope",
                    format!("`{s}` is not a member state's alpha-3 code (e.g. VNM)"),
                ));
                None
            }
        });
    f.done()?;
    let Some(scope) = scope else {
        return Err(Problem::from(ServiceError::Invalid(Vec::new())));
    };
    let entry = state
        .tracker
        .round_action(
            &caller,
            &fw,
            &code,
            &scope,
            SubmissionAction::Submitted,
            None,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(entry)).into_response())
}

#[utoipa::path(
    post,
    path = "/frameworks/{fw}/rounds/{code}/submissions/{scope}/accept",
    operation_id = "acceptRoundSubmission",
    tag = "rounds",
    summary = "Accept a state's round submission (secretariat, admin)",
    description = "Only a submission waiting for a decision. Audited (`round.accept`).",
    params(doc::Fw, RoundCode, StateScope),
    responses(
        (status = 201, description = "Accepted: the log entry.", body = Submission),
        (status = 400, description = "A path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Only the Secretariat and admins decide on submissions.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "The framework, the round or the member state is unknown.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "The state's latest action is not a submission (nothing submitted, returned, or accepted already).", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_path"], "403": ["forbidden"], "404": ["unknown_framework", "not_found", "unknown_state"], "409": ["conflict"]}))),
)]
pub async fn accept_round_submission(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((fw, code, scope)): Path<(String, String, String)>,
) -> ApiResult {
    let scope = state_in_path(&scope)?;
    let entry = state
        .tracker
        .round_action(
            &caller,
            &fw,
            &code,
            &scope,
            SubmissionAction::Accepted,
            None,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(entry)).into_response())
}

#[utoipa::path(
    post,
    path = "/frameworks/{fw}/rounds/{code}/submissions/{scope}/return",
    operation_id = "returnRoundSubmission",
    tag = "rounds",
    summary = "Return a state's round submission with a reason (secretariat, admin)",
    description = "Only a submission waiting for a decision; the state then submits again. Audited (`round.return`).",
    params(doc::Fw, RoundCode, StateScope),
    request_body = ReturnRoundBody,
    responses(
        (status = 201, description = "Returned: the log entry.", body = Submission),
        (status = 400, description = "The body is not JSON, or could not be read; or a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Only the Secretariat and admins decide on submissions.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "The framework, the round or the member state is unknown.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "The state's latest action is not a submission (nothing submitted, returned, or accepted already).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "An unknown field, or a `reason` missing, empty or over 2,000 characters.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["malformed_json", "unreadable_body", "invalid_path"], "403": ["forbidden"], "404": ["unknown_framework", "not_found", "unknown_state"], "409": ["conflict"], "422": ["validation_failed"]}))),
)]
pub async fn return_round_submission(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((fw, code, scope)): Path<(String, String, String)>,
    JsonBody(body): JsonBody,
) -> ApiResult {
    let scope = state_in_path(&scope)?;
    let mut f = Fields::of(&body, &["reason"])?;
    let reason = f.text("reason", false).unwrap_or_default();
    f.done()?;
    let entry = state
        .tracker
        .round_action(
            &caller,
            &fw,
            &code,
            &scope,
            SubmissionAction::Returned,
            Some(&reason),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(entry)).into_response())
}

/// The format of the rounds matrix.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum MatrixFormat {
    Json,
    Csv,
    Xlsx,
}

#[utoipa::path(
    get,
    path = "/frameworks/{fw}/rounds-matrix",
    operation_id = "roundsMatrix",
    tag = "rounds",
    summary = "Member state × round: each state's standing in every round",
    description = "JSON (default): the rounds in period order with their counts, and per state its standing in each (`null`: not expected in that round). CSV or XLSX (a download): a row per state, a column per round (`-`: not expected), then the rows `completeness` and `timeliness`.",
    params(doc::Fw, ("format" = Option<MatrixFormat>, Query, description = "json (default), csv or xlsx.")),
    responses(
        (status = 200, description = "The matrix, or (CSV, XLSX) the file as an attachment (`Content-Disposition: attachment; filename=\"FW-rounds.csv\"`).", content((RoundMatrix = "application/json"), ("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, description = "A malformed `format` (`invalid_query`); a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "The framework is unknown.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_query", "invalid_path"], "404": ["unknown_framework"]}))),
)]
pub async fn rounds_matrix(
    State(state): State<AppState>,
    Path(fw): Path<String>,
    params: Params,
) -> ApiResult {
    let format = match params.text("format") {
        None | Some("json") => None,
        Some("csv") => Some(FileFormat::Csv),
        Some("xlsx") => Some(FileFormat::Xlsx),
        Some(other) => {
            return Err(Problem::bad_query(
                "format",
                format!("`{other}` is not a format: use json, csv or xlsx"),
            ));
        }
    };
    match format {
        None => Ok(Json(state.tracker.round_matrix(&fw).await?).into_response()),
        Some(format) => Ok(attachment(
            state.tracker.round_matrix_file(&fw, format).await?,
        )),
    }
}
