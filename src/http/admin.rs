//! The handlers of accounts, tokens, locks, validation and the audit trail. Who may call what
//! is decided by the service (`domain::policy`), not here.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::answers::{
    AccountList, AuditList, CreatedAccount, CreatedToken, LockList, RevokedToken, SecondFactor,
    TokenList, UserReply,
};
use super::doc;
use crate::domain::{
    Action, AuditFilter, FieldIssue, Lock, Role, Scope, Secret, StateCode, StatusReport,
    ValidationState,
};
use crate::edge::AppState;
use crate::edge::Problem;
use crate::edge::extract::{ApiPath as Path, Caller, JsonBody, Params};
use crate::service::{
    DecidedReports, NewAccount, NewApiToken, ReviewDecision, ReviewQueue, ServiceError,
    account_issues, token_issues,
};

use super::fields::Fields;

type ApiResult = Result<Response, Problem>;

// --- accounts and tokens ---

#[utoipa::path(
    get,
    path = "/me",
    operation_id = "getMe",
    tag = "accounts",
    summary = "The account behind the token",
    description = "Who the bearer token belongs to: its name, role and (focal points) member state.",
    responses(
        (status = 200, description = "The account.", body = UserReply),
    ),
    security(("bearerAuth" = [])),
)]
pub async fn me(Caller(caller): Caller) -> ApiResult {
    Ok(Json(UserReply { user: caller.user }).into_response())
}

#[utoipa::path(
    get,
    path = "/users",
    operation_id = "listUsers",
    tag = "accounts",
    summary = "Every account (admins)",
    responses(
        (status = 200, description = "The accounts.", body = AccountList),
        (status = 403, description = "Only admins manage accounts.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"403": ["forbidden"]}))),
)]
pub async fn users(State(state): State<AppState>, Caller(caller): Caller) -> ApiResult {
    let accounts = state.tracker.accounts(Some(&caller)).await?;
    Ok(Json(AccountList {
        count: accounts.len(),
        users: accounts,
    })
    .into_response())
}

/// `POST /users {"name","role","state"?,"password"?}`: 201 with the account and its first
/// API token (shown once).
#[utoipa::path(
    post,
    path = "/users",
    operation_id = "createUser",
    tag = "accounts",
    summary = "Create an account (admins)",
    description = "Creates an account with a first API token (named `default`), shown once in the answer. Audited (`user.create`).",
    request_body = doc::NewAccount,
    responses(
        (status = 201, description = "Created: the account and its first token.", body = CreatedAccount),
        (status = 400, description = "The body is not JSON, or could not be read.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Only admins manage accounts.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "The `state` of a focal point is not an ASEAN member state.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "An account of that name exists already.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "Invalid values, listed in `errors`: a missing or unknown field, an unknown role, a malformed state code, a focal point without a state or another role with one, a name of more than 100 characters, a password shorter than 12 characters.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["malformed_json", "unreadable_body"], "403": ["forbidden"], "404": ["unknown_state"], "409": ["conflict"], "422": ["validation_failed"]}))),
)]
pub async fn create_user(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody,
) -> ApiResult {
    state
        .tracker
        .permit(&caller, Action::ManageAccounts)
        .await?;
    let mut f = Fields::of(&body, &["name", "role", "state", "password", "email"])?;
    let name = f.text("name", true);
    let role = f.parsed::<Role>("role", true);
    let state_code = f.parsed::<StateCode>("state", false);
    let password = f.text("password", false).map(Secret::new);
    let email = f.text("email", false);
    let more = account_issues(
        name.as_deref(),
        role,
        state_code.as_ref(),
        password.as_ref(),
    );
    f.done_with(more)?;
    let (Some(name), Some(role)) = (name, role) else {
        return Err(Problem::from(ServiceError::Invalid(Vec::new())));
    };
    let account = NewAccount {
        name,
        role,
        state: state_code,
        password,
        email,
    };
    let (user, token) = state
        .tracker
        .create_account(Some(&caller), &account)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedAccount {
            user,
            token: token.expose().to_owned(),
        }),
    )
        .into_response())
}

#[utoipa::path(
    post,
    path = "/users/{name}/disable",
    operation_id = "disableUser",
    tag = "accounts",
    summary = "Disable an account (admins)",
    description = "Its tokens stop working and its web sessions end. Audited (`user.disable`).",
    params(doc::Name),
    responses(
        (status = 200, description = "The account, disabled.", body = UserReply),
        (status = 400, description = "A path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Only admins manage accounts.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "There is no account of that name.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "An admin cannot disable its own account.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_path"], "403": ["forbidden"], "404": ["not_found"], "409": ["conflict"]}))),
)]
pub async fn disable_user(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(name): Path<String>,
) -> ApiResult {
    let user = state
        .tracker
        .set_account_disabled(Some(&caller), &name, true)
        .await?;
    Ok(Json(UserReply { user }).into_response())
}

#[utoipa::path(
    post,
    path = "/users/{name}/enable",
    operation_id = "enableUser",
    tag = "accounts",
    summary = "Enable a disabled account again (admins)",
    description = "Audited (`user.enable`).",
    params(doc::Name),
    responses(
        (status = 200, description = "The account, enabled.", body = UserReply),
        (status = 400, description = "A path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Only admins manage accounts.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "There is no account of that name.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_path"], "403": ["forbidden"], "404": ["not_found"]}))),
)]
pub async fn enable_user(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(name): Path<String>,
) -> ApiResult {
    let user = state
        .tracker
        .set_account_disabled(Some(&caller), &name, false)
        .await?;
    Ok(Json(UserReply { user }).into_response())
}

/// `PUT /users/{name}/password {"password"}`: 204.
#[utoipa::path(
    put,
    path = "/users/{name}/password",
    operation_id = "setPassword",
    tag = "accounts",
    summary = "Set an account's password",
    description = "By the account itself or an admin. The account's web sessions end. Audited (`user.password`).",
    params(doc::Name),
    request_body = doc::NewPassword,
    responses(
        (status = 204, description = "Done; no body."),
        (status = 400, description = "The body is not JSON, or could not be read; or a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Only the account itself or an admin may do this.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "There is no account of that name.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "A missing or unknown field, or a password not of 12 to 1,024 characters.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["malformed_json", "unreadable_body", "invalid_path"], "403": ["forbidden"], "404": ["not_found"], "422": ["validation_failed"]}))),
)]
pub async fn set_password(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(name): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult {
    let mut f = Fields::of(&body, &["password"])?;
    let password = f.text("password", true).map(Secret::new);
    f.done()?;
    if let Some(password) = password {
        state
            .tracker
            .set_password(Some(&caller), &name, &password)
            .await?;
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /users/{name}/totp`: turns the second factor on; 201 with the secret and the
/// `otpauth://` URI (shown once). `DELETE`: turns it off.
#[utoipa::path(
    post,
    path = "/users/{name}/totp",
    operation_id = "enableSecondFactor",
    tag = "accounts",
    summary = "Turn the second factor on",
    description = "For `admin` and `secretariat` accounts, by the account itself or an admin: web logins then ask for a TOTP code. A new secret replaces any earlier one; it is shown once. Audited (`user.totp`).",
    params(doc::Name),
    responses(
        (status = 201, description = "The secret and its `otpauth://` URI.", body = SecondFactor),
        (status = 400, description = "A path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Only the account itself or an admin may do this.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "There is no account of that name.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "The account is neither `admin` nor `secretariat` (`errors` names `user`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_path"], "403": ["forbidden"], "404": ["not_found"], "422": ["validation_failed"]}))),
)]
pub async fn enable_totp(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(name): Path<String>,
) -> ApiResult {
    let secret = state
        .tracker
        .set_second_factor(Some(&caller), &name, true)
        .await?;
    let secret = secret.map(|s| s.expose().to_owned()).unwrap_or_default();
    let uri = crate::service::totp::otpauth_uri(name.trim(), &secret);
    Ok((
        StatusCode::CREATED,
        Json(SecondFactor {
            user: name.trim().to_owned(),
            secret,
            otpauth_uri: uri,
        }),
    )
        .into_response())
}

#[utoipa::path(
    delete,
    path = "/users/{name}/totp",
    operation_id = "disableSecondFactor",
    tag = "accounts",
    summary = "Turn the second factor off",
    description = "By the account itself or an admin. Audited (`user.totp`).",
    params(doc::Name),
    responses(
        (status = 204, description = "Done; no body."),
        (status = 400, description = "A path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Only the account itself or an admin may do this.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "There is no account of that name.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_path"], "403": ["forbidden"], "404": ["not_found"]}))),
)]
pub async fn disable_totp(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(name): Path<String>,
) -> ApiResult {
    state
        .tracker
        .set_second_factor(Some(&caller), &name, false)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(
    get,
    path = "/users/{name}/tokens",
    operation_id = "listTokens",
    tag = "accounts",
    summary = "An account's API tokens",
    description = "By the account itself or an admin; never the tokens themselves.",
    params(doc::Name),
    responses(
        (status = 200, description = "The tokens.", body = TokenList),
        (status = 400, description = "A path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Only the account itself or an admin may do this.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "There is no account of that name.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_path"], "403": ["forbidden"], "404": ["not_found"]}))),
)]
pub async fn tokens(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(name): Path<String>,
) -> ApiResult {
    let tokens = state.tracker.tokens(Some(&caller), &name).await?;
    Ok(Json(TokenList {
        user: name.trim().to_owned(),
        tokens,
    })
    .into_response())
}

/// `POST /users/{name}/tokens {"name","expires_at"?}`: 201 with the token (shown once).
#[utoipa::path(
    post,
    path = "/users/{name}/tokens",
    operation_id = "createToken",
    tag = "accounts",
    summary = "Create an API token",
    description = "By the account itself or an admin. The token is shown once, in the answer. Audited (`token.create`).",
    params(doc::Name),
    request_body = doc::NewToken,
    responses(
        (status = 201, description = "Created: the token and its listing.", body = CreatedToken),
        (status = 400, description = "The body is not JSON, or could not be read; or a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Only the account itself or an admin may do this.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "There is no account of that name.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "A missing or unknown field, a name not of 1 to 100 printable characters, an `expires_at` that is not an RFC 3339 instant or not in the future.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["malformed_json", "unreadable_body", "invalid_path"], "403": ["forbidden"], "404": ["not_found"], "422": ["validation_failed"]}))),
)]
pub async fn create_token(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(name): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult {
    state.tracker.owned_account(Some(&caller), &name).await?;
    let mut f = Fields::of(&body, &["name", "expires_at"])?;
    let token_name = f.text("name", true);
    let expires_at = f.instant("expires_at");
    let more = token_issues(token_name.as_deref(), expires_at, crate::service::now());
    f.done_with(more)?;
    let request = NewApiToken {
        name: token_name.unwrap_or_default(),
        expires_at,
    };
    let (info, token) = state
        .tracker
        .create_token(Some(&caller), &name, &request)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            token: token.expose().to_owned(),
            info,
        }),
    )
        .into_response())
}

#[utoipa::path(
    delete,
    path = "/users/{name}/tokens/{id}",
    operation_id = "revokeToken",
    tag = "accounts",
    summary = "Revoke an API token",
    description = "By the account itself or an admin; the token stops working at once. Audited (`token.revoke`).",
    params(doc::Name, doc::TokenId),
    responses(
        (status = 200, description = "The token's listing, revoked.", body = RevokedToken),
        (status = 400, description = "A path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Only the account itself or an admin may do this.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "There is no account of that name, or it has no token of that id.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "The token was revoked already.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_path"], "403": ["forbidden"], "404": ["not_found"], "409": ["conflict"]}))),
)]
pub async fn revoke_token(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((name, id)): Path<(String, i64)>,
) -> ApiResult {
    let info = state.tracker.revoke_token(Some(&caller), &name, id).await?;
    Ok(Json(RevokedToken { info }).into_response())
}

// --- locks ---

#[utoipa::path(
    get,
    path = "/frameworks/{fw}/locks",
    operation_id = "listLocks",
    tag = "review",
    summary = "A framework's review cut-offs",
    params(doc::Fw),
    responses(
        (status = 200, description = "The locks, newest first.", body = LockList),
        (status = 400, description = "A path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "The framework is unknown.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_path"], "404": ["unknown_framework"]}))),
)]
pub async fn locks(State(state): State<AppState>, Path(fw): Path<String>) -> ApiResult {
    let locks = state.tracker.locks(&fw).await?;
    Ok(Json(LockList {
        framework: fw,
        locks,
    })
    .into_response())
}

/// `POST /frameworks/{fw}/locks {"until","note"?}`: 201 with the lock.
#[utoipa::path(
    post,
    path = "/frameworks/{fw}/locks",
    operation_id = "createLock",
    tag = "review",
    summary = "Lock a framework up to a date (secretariat, admin)",
    description = "From now on a report with an effective date on or before `until` is refused (409 `locked_period`), unless an admin overrides. Audited (`lock.create`).",
    params(doc::Fw),
    request_body = doc::NewLock,
    responses(
        (status = 201, description = "Created: the lock.", body = Lock),
        (status = 400, description = "The body is not JSON, or could not be read; or a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Only the Secretariat and admins lock.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "The framework is unknown.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "A missing or unknown field, an `until` that is not a date or is outside the framework's period, a note over 2,000 characters.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["malformed_json", "unreadable_body", "invalid_path"], "403": ["forbidden"], "404": ["unknown_framework"], "422": ["validation_failed"]}))),
)]
pub async fn create_lock(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(fw): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult {
    let mut f = Fields::of(&body, &["until", "note"])?;
    let until = f.date("until", true);
    let note = f.text("note", false);
    f.done()?;
    let Some(until) = until else {
        return Err(Problem::from(ServiceError::Invalid(Vec::new())));
    };
    let lock = state
        .tracker
        .lock(&caller, &fw, until, note.as_deref())
        .await?;
    Ok((StatusCode::CREATED, Json(lock)).into_response())
}

#[utoipa::path(
    delete,
    path = "/frameworks/{fw}/locks/{id}",
    operation_id = "releaseLock",
    tag = "review",
    summary = "Release a lock (admins)",
    description = "Audited (`lock.release`). The lock stays listed, with `released_by` and `released_at`.",
    params(doc::Fw, doc::LockId),
    responses(
        (status = 200, description = "The lock, released.", body = Lock),
        (status = 400, description = "A path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Only admins unlock.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "The framework is unknown, or has no lock of that id.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "The lock was released already.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_path"], "403": ["forbidden"], "404": ["unknown_framework", "not_found"], "409": ["conflict"]}))),
)]
pub async fn release_lock(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((fw, id)): Path<(String, i64)>,
) -> ApiResult {
    Ok(Json(state.tracker.unlock(&caller, &fw, id).await?).into_response())
}

// --- validation ---

/// `GET /frameworks/{fw}/reports?validation=reported|validated|returned&scope=&limit=`.
#[utoipa::path(
    get,
    path = "/frameworks/{fw}/reports",
    operation_id = "listReports",
    tag = "review",
    summary = "Reports in one validation state (the review queue)",
    description = "A framework's reports in one validation state, newest first: by default those waiting for the Secretariat's review.",
    params(doc::Fw, ("validation" = Option<ValidationState>, Query, description = "The validation state; `reported` by default."), ("scope" = Option<doc::ScopeQuery>, Query, description = "Only the reports of this scope (`ASEAN` or a member state's code); every scope by default.", example = "VNM"), ("limit" = Option<i64>, Query, minimum = 1, maximum = 1000, description = "At most this many (1 to 1,000); 100 by default.")),
    responses(
        (status = 200, description = "The reports.", body = ReviewQueue),
        (status = 400, description = "A malformed `validation`, `scope` or `limit` (`invalid_query`, named in `errors`), or a path segment that cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "An unknown framework, or an unknown member state in `scope`.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_query", "invalid_path"], "404": ["unknown_framework", "unknown_state"]}))),
)]
pub async fn review_queue(
    State(state): State<AppState>,
    Path(fw): Path<String>,
    params: Params,
) -> ApiResult {
    let (validation, scope, limit) = queue_params(&params)?;
    Ok(Json(
        state
            .tracker
            .review_queue(&fw, validation, scope, limit)
            .await?,
    )
    .into_response())
}

/// A review queue's query: `validation` (`reported` by default), `scope`, `limit` (1 to
/// 1,000; 100 by default). Reports and observations take the same.
pub(super) fn queue_params(
    params: &Params,
) -> Result<(ValidationState, Option<Scope>, u64), Problem> {
    let validation = params
        .text("validation")
        .map(|v| {
            v.parse::<ValidationState>()
                .map_err(|e| Problem::bad_query("validation", e.0))
        })
        .transpose()?
        .unwrap_or(ValidationState::Reported);
    let scope = params
        .text("scope")
        .map(|s| {
            s.parse::<Scope>()
                .map_err(|e| Problem::bad_query("scope", e.0))
        })
        .transpose()?;
    let limit = params.count("limit", 1_000)?.unwrap_or(100);
    Ok((validation, scope, limit))
}

/// `POST /frameworks/{fw}/reports/{id}/validate {"evidence_checked": true, "note"?}`.
#[utoipa::path(
    post,
    path = "/frameworks/{fw}/reports/{id}/validate",
    operation_id = "validateReport",
    tag = "review",
    summary = "Validate a report (secretariat, admin)",
    description = "States that the report's evidence was checked; the report then counts on the `validated` basis. Audited (`report.validate`).",
    params(doc::Fw, doc::ReportId),
    request_body = doc::ValidateReport,
    responses(
        (status = 200, description = "The report, validated.", body = StatusReport),
        (status = 400, description = "The body is not JSON, or could not be read; or a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Only the Secretariat and admins review reports.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "The framework is unknown, or has no report of that id.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "The report was validated or returned already (once per report; a correction is a newer report).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "An unknown field, or `evidence_checked` missing or not `true`.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["malformed_json", "unreadable_body", "invalid_path"], "403": ["forbidden"], "404": ["unknown_framework", "not_found"], "409": ["conflict"], "422": ["validation_failed"]}))),
)]
pub async fn validate_report(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((fw, id)): Path<(String, i64)>,
    JsonBody(body): JsonBody,
) -> ApiResult {
    let mut f = Fields::of(&body, &["evidence_checked", "note"])?;
    let evidence_checked = f.flag("evidence_checked");
    let note = f.text("note", false);
    f.done()?;
    let report = state
        .tracker
        .decide_report(
            &caller,
            &fw,
            id,
            ReviewDecision::Validate {
                evidence_checked,
                note,
            },
        )
        .await?;
    Ok(Json(report).into_response())
}

/// `POST /frameworks/{fw}/reports/{id}/return {"reason"}`.
#[utoipa::path(
    post,
    path = "/frameworks/{fw}/reports/{id}/return",
    operation_id = "returnReport",
    tag = "review",
    summary = "Return a report to its focal point (secretariat, admin)",
    description = "Sends the report back with a reason, which the focal point reads; the report no longer counts on the `validated` basis, and a correction is a newer report. Audited (`report.return`).",
    params(doc::Fw, doc::ReportId),
    request_body = doc::ReturnReport,
    responses(
        (status = 200, description = "The report, returned.", body = StatusReport),
        (status = 400, description = "The body is not JSON, or could not be read; or a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Only the Secretariat and admins review reports.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "The framework is unknown, or has no report of that id.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "The report was validated or returned already (once per report; a correction is a newer report).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "An unknown field, or a `reason` missing, empty or over 2,000 characters.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["malformed_json", "unreadable_body", "invalid_path"], "403": ["forbidden"], "404": ["unknown_framework", "not_found"], "409": ["conflict"], "422": ["validation_failed"]}))),
)]
pub async fn return_report(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((fw, id)): Path<(String, i64)>,
    JsonBody(body): JsonBody,
) -> ApiResult {
    let mut f = Fields::of(&body, &["reason"])?;
    let reason = f.text("reason", false).unwrap_or_default();
    f.done()?;
    let report = state
        .tracker
        .decide_report(&caller, &fw, id, ReviewDecision::Return { reason })
        .await?;
    Ok(Json(report).into_response())
}

/// `POST /frameworks/{fw}/reports/validate {"ids": […], "evidence_checked": true, "note"?}`.
#[utoipa::path(
    post,
    path = "/frameworks/{fw}/reports/validate",
    operation_id = "validateReports",
    tag = "review",
    summary = "Validate several reports, all or none (secretariat, admin)",
    description = "States that the evidence of every listed report was checked; all are validated in one transaction, or none (an unknown id, or one validated or returned already, refuses them all). Each is audited as `report.validate`, as one report's validation is.",
    params(doc::Fw),
    request_body = doc::ValidateReports,
    responses(
        (status = 200, description = "The reports, validated, oldest first.", body = DecidedReports),
        (status = 400, description = "The body is not JSON, or could not be read; or a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Only the Secretariat and admins review reports.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "The framework is unknown, or has no report of one of the ids; nothing is stored.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "One of the reports was validated or returned already; nothing is stored.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "An unknown field; `ids` missing, empty, over 1,000, not whole numbers or naming a report twice; `evidence_checked` missing or not `true`.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["malformed_json", "unreadable_body", "invalid_path"], "403": ["forbidden"], "404": ["unknown_framework", "not_found"], "409": ["conflict"], "422": ["validation_failed"]}))),
)]
pub async fn validate_reports(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(fw): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult {
    let mut f = Fields::of(&body, &["ids", "evidence_checked", "note"])?;
    let ids = f.ids("ids");
    let evidence_checked = f.flag("evidence_checked");
    let note = f.text("note", false);
    if note.as_ref().is_some_and(|n| n.chars().count() > 2_000) {
        f.issues
            .push(FieldIssue::invalid("note", "at most 2,000 characters"));
    }
    f.done()?;
    // `ids` named its problem when it is `None`, so `done` answered 422 then.
    let ids = ids.unwrap_or_default();
    let decided = state
        .tracker
        .decide_reports(
            &caller,
            &fw,
            &ids,
            ReviewDecision::Validate {
                evidence_checked,
                note,
            },
        )
        .await?;
    Ok(Json(decided).into_response())
}

/// `POST /frameworks/{fw}/reports/return {"ids": […], "reason"}`.
#[utoipa::path(
    post,
    path = "/frameworks/{fw}/reports/return",
    operation_id = "returnReports",
    tag = "review",
    summary = "Return several reports with one reason, all or none (secretariat, admin)",
    description = "Sends every listed report back to its focal point with the same reason, in one transaction, or none (an unknown id, or one validated or returned already, refuses them all). Each is audited as `report.return`, as one report's return is.",
    params(doc::Fw),
    request_body = doc::ReturnReports,
    responses(
        (status = 200, description = "The reports, returned, oldest first.", body = DecidedReports),
        (status = 400, description = "The body is not JSON, or could not be read; or a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Only the Secretariat and admins review reports.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "The framework is unknown, or has no report of one of the ids; nothing is stored.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "One of the reports was validated or returned already; nothing is stored.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "An unknown field; `ids` missing, empty, over 1,000, not whole numbers or naming a report twice; a `reason` missing, empty or over 2,000 characters.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["malformed_json", "unreadable_body", "invalid_path"], "403": ["forbidden"], "404": ["unknown_framework", "not_found"], "409": ["conflict"], "422": ["validation_failed"]}))),
)]
pub async fn return_reports(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(fw): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult {
    let mut f = Fields::of(&body, &["ids", "reason"])?;
    let ids = f.ids("ids");
    let reason = f.text("reason", false).unwrap_or_default();
    f.done()?;
    // `ids` named its problem when it is `None`, so `done` answered 422 then.
    let ids = ids.unwrap_or_default();
    let decided = state
        .tracker
        .decide_reports(&caller, &fw, &ids, ReviewDecision::Return { reason })
        .await?;
    Ok(Json(decided).into_response())
}

// --- audit ---

/// `GET /audit?actor=&action=&framework=&from=&to=&before=&limit=`: newest first.
#[utoipa::path(
    get,
    path = "/audit",
    operation_id = "listAuditEvents",
    tag = "audit",
    summary = "The audit trail (secretariat, admin)",
    description = "Audit records, newest first, filtered (every filter optional; they combine with AND). Page back with `before` = the previous page's `next_before`.",
    params(("actor" = Option<String>, Query, min_length = 1, pattern = r"\S", description = "Only the records of this account name.", example = "vnm-focal"), ("action" = Option<doc::AuditAction>, Query, description = "Only records of this action.", example = "status.record"), ("framework" = Option<String>, Query, min_length = 1, pattern = r"\S", description = "Only records about this framework.", example = "ascc-strategic-plan"), ("from" = Option<doc::Instant>, Query, description = "Only records at or after this instant: RFC 3339, or a date meaning the start of that day (UTC).", example = "2026-04-01"), ("to" = Option<doc::Instant>, Query, description = "Only records at or before this instant: RFC 3339, or a date meaning the end of that day (UTC).", example = "2026-04-30"), ("before" = Option<i64>, Query, description = "Only records with an id below this (the next page)."), ("limit" = Option<i64>, Query, minimum = 1, maximum = 1000, description = "At most this many (1 to 1,000); 100 by default.")),
    responses(
        (status = 200, description = "The records.", body = AuditList),
        (status = 400, description = "A malformed `from`, `to`, `before` or `limit` (`invalid_query`, named in `errors`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Only the Secretariat and admins read the audit trail.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_query"], "403": ["forbidden"]}))),
)]
pub async fn audit(
    State(state): State<AppState>,
    Caller(caller): Caller,
    params: Params,
) -> ApiResult {
    let before = params
        .text("before")
        .map(|v| {
            v.parse::<i64>()
                .map_err(|_| Problem::bad_query("before", format!("`{v}` is not a record id")))
        })
        .transpose()?;
    let filter = AuditFilter {
        actor: params.text("actor").map(str::to_owned),
        action: params
            .text("action")
            .map(|a| {
                doc::audit_actions()
                    .contains(&a)
                    .then(|| a.to_owned())
                    .ok_or_else(|| {
                        Problem::bad_query("action", format!("`{a}` is not an audit action"))
                    })
            })
            .transpose()?,
        framework: params.text("framework").map(str::to_owned),
        from: params.instant_start("from")?,
        to: params.instant("to")?,
        before,
        limit: params.count("limit", 1_000)?.unwrap_or(100),
    };
    let filter_limit = filter.limit;
    let events = state.tracker.audit_trail(Some(&caller), filter).await?;
    // The id to page back from, while a full page suggests there may be more.
    let next = events
        .last()
        .map(|e| e.id)
        .filter(|_| events.len() as u64 == filter_limit);
    Ok(Json(AuditList {
        count: events.len(),
        events,
        next_before: next,
    })
    .into_response())
}
