//! The handlers of accounts, tokens, locks, validation and the audit trail. Who may call what
//! is decided by the service (`domain::policy`), not here.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};

use crate::domain::{
    Action, AuditFilter, FieldIssue, Role, Scope, Secret, StateCode, ValidationState,
};
use crate::edge::AppState;
use crate::edge::Problem;
use crate::edge::extract::{ApiPath as Path, Caller, JsonBody, Params};
use crate::service::{
    NewAccount, NewApiToken, ReviewDecision, ServiceError, account_issues, token_issues,
};

type ApiResult = Result<Response, Problem>;

/// Reads the fields of a JSON object body, collecting every problem before answering.
struct Fields<'a> {
    body: &'a serde_json::Map<String, Value>,
    issues: Vec<FieldIssue>,
}

impl<'a> Fields<'a> {
    fn of(body: &'a Value, known: &[&str]) -> Result<Self, Problem> {
        let Some(object) = body.as_object() else {
            return Err(ServiceError::Invalid(vec![FieldIssue::invalid(
                "body",
                "the body is a JSON object",
            )])
            .into());
        };
        let mut issues = Vec::new();
        for key in object.keys() {
            if !known.contains(&key.as_str()) {
                issues.push(FieldIssue::invalid(
                    key.clone(),
                    format!("unknown field; the fields are {}", known.join(", ")),
                ));
            }
        }
        Ok(Self {
            body: object,
            issues,
        })
    }

    fn text(&mut self, name: &str, required: bool) -> Option<String> {
        match self.body.get(name) {
            None | Some(Value::Null) => {
                if required {
                    self.issues.push(FieldIssue::invalid(name, "required"));
                }
                None
            }
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.issues
                    .push(FieldIssue::invalid(name, "must be a string"));
                None
            }
        }
    }

    fn flag(&mut self, name: &str) -> bool {
        match self.body.get(name) {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                self.issues
                    .push(FieldIssue::invalid(name, "must be true or false"));
                false
            }
        }
    }

    fn date(&mut self, name: &str, required: bool) -> Option<NaiveDate> {
        let text = self.text(name, required)?;
        match NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.issues.push(FieldIssue::invalid(
                    name,
                    format!("`{text}` is not a date (YYYY-MM-DD)"),
                ));
                None
            }
        }
    }

    fn instant(&mut self, name: &str) -> Option<DateTime<Utc>> {
        let text = self.text(name, false)?;
        match DateTime::parse_from_rfc3339(&text) {
            Ok(t) => Some(t.with_timezone(&Utc)),
            Err(_) => {
                self.issues.push(FieldIssue::invalid(
                    name,
                    format!("`{text}` is not an RFC 3339 instant (2027-01-01T00:00:00Z)"),
                ));
                None
            }
        }
    }

    /// Answers 422 with these problems and those found beyond the body's format.
    fn done_with(mut self, more: Vec<FieldIssue>) -> Result<(), Problem> {
        self.issues.extend(more);
        self.done()
    }

    fn done(self) -> Result<(), Problem> {
        if self.issues.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::Invalid(self.issues).into())
        }
    }
}

// --- accounts and tokens ---

pub async fn me(Caller(caller): Caller) -> ApiResult {
    Ok(Json(json!({ "user": caller.user })).into_response())
}

pub async fn users(State(state): State<AppState>, Caller(caller): Caller) -> ApiResult {
    let accounts = state.tracker.accounts(Some(&caller)).await?;
    Ok(Json(json!({ "count": accounts.len(), "users": accounts })).into_response())
}

/// `POST /users {"name","role","state"?,"password"?}`: 201 with the account and its first
/// API token (shown once).
pub async fn create_user(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody,
) -> ApiResult {
    state
        .tracker
        .permit(&caller, Action::ManageAccounts)
        .await?;
    let mut f = Fields::of(&body, &["name", "role", "state", "password"])?;
    let name = f.text("name", true);
    let role = f.text("role", true).and_then(|r| match r.parse::<Role>() {
        Ok(role) => Some(role),
        Err(e) => {
            f.issues.push(FieldIssue::invalid("role", e.0));
            None
        }
    });
    let state_code = f
        .text("state", false)
        .and_then(|s| match s.parse::<StateCode>() {
            Ok(code) => Some(code),
            Err(e) => {
                f.issues.push(FieldIssue::invalid("state", e.0));
                None
            }
        });
    let password = f.text("password", false).map(Secret::new);
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
    };
    let (user, token) = state
        .tracker
        .create_account(Some(&caller), &account)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "user": user, "token": token.expose() })),
    )
        .into_response())
}

pub async fn disable_user(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(name): Path<String>,
) -> ApiResult {
    let user = state
        .tracker
        .set_account_disabled(Some(&caller), &name, true)
        .await?;
    Ok(Json(json!({ "user": user })).into_response())
}

pub async fn enable_user(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(name): Path<String>,
) -> ApiResult {
    let user = state
        .tracker
        .set_account_disabled(Some(&caller), &name, false)
        .await?;
    Ok(Json(json!({ "user": user })).into_response())
}

/// `PUT /users/{name}/password {"password"}`: 204.
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
        Json(json!({ "user": name.trim(), "secret": secret, "otpauth_uri": uri })),
    )
        .into_response())
}

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

pub async fn tokens(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(name): Path<String>,
) -> ApiResult {
    let tokens = state.tracker.tokens(Some(&caller), &name).await?;
    Ok(Json(json!({ "user": name.trim(), "tokens": tokens })).into_response())
}

/// `POST /users/{name}/tokens {"name","expires_at"?}`: 201 with the token (shown once).
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
        Json(json!({ "token": token.expose(), "info": info })),
    )
        .into_response())
}

pub async fn revoke_token(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((name, id)): Path<(String, i64)>,
) -> ApiResult {
    let info = state.tracker.revoke_token(Some(&caller), &name, id).await?;
    Ok(Json(json!({ "info": info })).into_response())
}

// --- locks ---

pub async fn locks(State(state): State<AppState>, Path(fw): Path<String>) -> ApiResult {
    let locks = state.tracker.locks(&fw).await?;
    Ok(Json(json!({ "framework": fw, "locks": locks })).into_response())
}

/// `POST /frameworks/{fw}/locks {"until","note"?}`: 201 with the lock.
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

pub async fn release_lock(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((fw, id)): Path<(String, i64)>,
) -> ApiResult {
    Ok(Json(state.tracker.unlock(&caller, &fw, id).await?).into_response())
}

// --- validation ---

/// `GET /frameworks/{fw}/reports?validation=reported|validated|returned&scope=&limit=`.
pub async fn review_queue(
    State(state): State<AppState>,
    Path(fw): Path<String>,
    params: Params,
) -> ApiResult {
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
    Ok(Json(
        state
            .tracker
            .review_queue(&fw, validation, scope, limit)
            .await?,
    )
    .into_response())
}

/// `POST /frameworks/{fw}/reports/{id}/validate {"evidence_checked": true, "note"?}`.
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

// --- audit ---

/// `GET /audit?actor=&action=&framework=&from=&to=&before=&limit=`: newest first.
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
        action: params.text("action").map(str::to_owned),
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
    Ok(
        Json(json!({ "count": events.len(), "events": events, "next_before": next }))
            .into_response(),
    )
}
