//! The parts of the OpenAPI description that are not a handler's own: the parameters many
//! routes share, the answers every route can give (the server's middleware adds them), and the
//! request bodies that handlers read as JSON values and check field by field (so that every
//! problem is named at once, rather than serde's first). Each route's own part is its
//! `#[utoipa::path]` annotation beside the handler; [`super::openapi`] puts them together.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{
    AnyOfBuilder, ArrayBuilder, KnownFormat, ObjectBuilder, SchemaFormat, Type,
};
use utoipa::openapi::{RefOr, Response, Schema};
use utoipa::{IntoParams, PartialSchema, ToResponse, ToSchema};

use crate::domain::{Direction, Role, Scope, Status};
use crate::edge::Problem;
use crate::edge::extract::Params;

// ---------------------------------------------------------------------------------------------
// Shared parameters

/// The framework of a route.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct Fw {
    /// A framework's code.
    #[param(example = "ascc-strategic-plan")]
    pub fw: String,
}

/// The measure of a route.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct Code {
    /// A strategic measure's code.
    #[param(example = "1.1.2")]
    pub code: String,
}

/// An account named in the path.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct Name {
    /// An account's name.
    #[param(example = "vnm-focal")]
    pub name: String,
}

/// A lock named in the path.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct LockId {
    /// A lock's id. Not a number: 400 `invalid_path`.
    #[param(example = 1)]
    pub id: i64,
}

/// An API token named in the path.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct TokenId {
    /// An API token's id. Not a number: 400 `invalid_path`.
    #[param(example = 1)]
    pub id: i64,
}

/// The indicator of a route.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IndicatorCode {
    /// An indicator's code (unique within its framework).
    #[param(example = "SG1-1")]
    pub code: String,
}

/// An observation named in the path.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ObservationId {
    /// An observation's id. Not a number: 400 `invalid_path`.
    #[param(example = 1)]
    pub id: i64,
}

/// Only the indicators under a node.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndicatorNode {
    /// Only the indicators measuring this node or a node under it.
    #[param(min_length = 1, pattern = r"\S", example = "SG1")]
    pub node: Option<String>,
}

/// A status report named in the path.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ReportId {
    /// A status report's id. Not a number: 400 `invalid_path`.
    #[param(example = 1)]
    pub id: i64,
}

/// The date of the figures.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOf {
    /// The date of the figures (YYYY-MM-DD); today (UTC+9) by default. An empty value is
    /// refused (400 `invalid_query`): leave the parameter out for the default.
    #[param(example = "2026-09-30")]
    pub as_of: Option<NaiveDate>,
}

/// What was known when.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KnownAt {
    /// Count only reports recorded at or before this instant: RFC 3339, or a date meaning the
    /// end of that day (UTC). Every report by default.
    #[param(value_type = Option<Instant>, example = "2026-10-01T00:00:00Z")]
    pub known_at: Option<String>,
}

/// The scope of the figures.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScopeParam {
    /// `ASEAN` (default) or a participating member state's alpha-3 code, any case.
    #[param(value_type = Option<ScopeQuery>, example = "VNM")]
    pub scope: Option<String>,
}

/// The level of the rows.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Level {
    /// A level name of the framework (`goal`, `objective`, `measure`…, any case); the top level
    /// by default. A name the framework does not have: 400 `invalid_query`.
    #[param(value_type = Option<LevelName>, example = "objective")]
    pub level: Option<String>,
}

/// Only the measures under a node.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Node {
    /// Only the measures under this node (or the measure itself).
    #[param(min_length = 1, pattern = r"\S", example = "SG1")]
    pub node: Option<String>,
}

/// Only the measures a sectoral body leads.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Body {
    /// Only the measures this sectoral body leads.
    #[param(min_length = 1, pattern = r"\S", example = "SOMSWD")]
    pub body: Option<String>,
}

/// The basis of the figures.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BasisParam {
    /// `reported` (default): every report in force; `validated`: only the reports the
    /// Secretariat validated.
    #[param(value_type = Option<crate::domain::Basis>, example = "validated")]
    pub basis: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Value schemas of parameters

/// An instant: RFC 3339, or a date meaning the end of that day (UTC).
pub struct Instant;

impl PartialSchema for Instant {
    fn schema() -> RefOr<Schema> {
        let date_time = ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)));
        let date = ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)));
        AnyOfBuilder::new()
            .item(date_time)
            .item(date)
            .description(Some(
                "An RFC 3339 instant (`2026-10-01T00:00:00Z`), or a date (`2026-09-30`).",
            ))
            .into()
    }
}

impl ToSchema for Instant {}

/// A scope as a query parameter: `ASEAN` or an alpha-3 code, any case.
pub struct ScopeQuery;

impl PartialSchema for ScopeQuery {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^([Aa][Ss][Ee][Aa][Nn]|[A-Za-z]{3})$"))
            .description(Some(
                "`ASEAN` or a member state's ISO 3166-1 alpha-3 code, in any case. A member state that does not participate on the date: 422.",
            ))
            .into()
    }
}

impl ToSchema for ScopeQuery {}

/// A report's evidence link: an http:// or https:// address; empty or null for none.
pub struct EvidenceUrl;

impl PartialSchema for EvidenceUrl {
    fn schema() -> RefOr<Schema> {
        AnyOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some(
                        r"^\s*https?://[^\s/?#\x00-\x1f\x7f-\x9f]+([/?#][^\s\x00-\x1f\x7f-\x9f]*)?\s*$",
                    ))
                    .max_length(Some(2048)),
            )
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some(r"^\s*$")),
            )
            .description(Some(
                "An http:// or https:// address with a host, without spaces or control characters (surrounding spaces are trimmed); a blank string or null for none.",
            ))
            .into()
    }
}

impl ToSchema for EvidenceUrl {}

/// A comma-separated list of member states.
pub struct StateCodes;

impl PartialSchema for StateCodes {
    fn schema() -> RefOr<Schema> {
        ArrayBuilder::new()
            .items(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some("^[A-Za-z]{3}$")),
            )
            .min_items(Some(1))
            .into()
    }
}

impl ToSchema for StateCodes {}

/// A level's name.
pub struct LevelName;

/// The level names of the frameworks the tracker knows; a query's `level` is one of them, in
/// any case (and then one the framework has).
pub const LEVELS: [&str; 6] = [
    "goal",
    "objective",
    "measure",
    "characteristic",
    "element",
    "action",
];

/// A query's `level`: one of [`LEVELS`] in any case (400 `invalid_query` otherwise).
///
/// # Errors
/// Another word.
pub fn level(params: &Params) -> Result<Option<String>, Problem> {
    params
        .text("level")
        .map(|level| {
            LEVELS
                .iter()
                .any(|known| known.eq_ignore_ascii_case(level))
                .then(|| level.to_owned())
                .ok_or_else(|| {
                    Problem::bad_query(
                        "level",
                        format!("`{level}` is not a level: use one of {}", LEVELS.join(", ")),
                    )
                })
        })
        .transpose()
}

/// `^(goal|…)$` with every letter in either case (JSON Schema patterns have no flags).
fn any_case(words: &[&str]) -> String {
    let words: Vec<String> = words
        .iter()
        .map(|w| {
            w.chars()
                .map(|c| format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase()))
                .collect()
        })
        .collect();
    format!("^({})$", words.join("|"))
}

impl PartialSchema for LevelName {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(any_case(&LEVELS)))
            .description(Some(
                "A level of the framework, in any case: the Strategic Plan has `goal`, `objective`, `measure`; the Blueprint 2025 `characteristic`, `element`, `action`. A level the framework does not have: 400 `invalid_query`.",
            ))
            .examples(["goal", "objective"])
            .into()
    }
}

impl ToSchema for LevelName {}

/// The period of a timeline's points.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum Every {
    Month,
    Quarter,
    Year,
}

/// The format of the review report.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum ReportFormat {
    Html,
    Pdf,
    Docx,
    Csv,
    Json,
}

/// The format of a template.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum TemplateFormat {
    Csv,
    Xlsx,
}

/// What an export holds.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum ExportWhat {
    Status,
    Progress,
    History,
}

/// The format of an export.
#[derive(ToSchema)]
#[schema(rename_all = "kebab-case")]
pub enum ExportFormat {
    Csv,
    Xlsx,
    SdmxCsv,
}

/// The audit actions, then their families (`status` for every `status.*`), as `action`
/// filters.
pub fn audit_actions() -> Vec<&'static str> {
    let actions = crate::domain::audit::actions::ALL;
    let mut families: Vec<&'static str> = actions
        .iter()
        .filter_map(|a| a.split_once('.').map(|(family, _)| family))
        .collect();
    families.sort_unstable();
    families.dedup();
    actions.into_iter().chain(families).collect()
}

/// An `action` filter: the kind of an audit record (a write, a login or logout, or a refusal:
/// `access.denied` is a signed-in account refused an action, 403; `status.refused_locked` is
/// reports refused inside a locked period, 409), or a family of them (`status`: every
/// `status.*`).
pub struct AuditAction;

impl PartialSchema for AuditAction {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(audit_actions()))
            .into()
    }
}

impl ToSchema for AuditAction {}

// ---------------------------------------------------------------------------------------------
// Request bodies (read as JSON values and checked field by field in the service)

/// Members of answers left out when empty, where the `x-omitted-when-null` mark cannot be put
/// on the field (utoipa drops extensions on array members).
pub const OMITTED_MEMBERS: [(&str, &str); 1] = [("Problem", "errors")];

/// The schemas of request bodies: their optional members may be left out. Every other schema is
/// an answer, whose members are always sent (`null` when empty) unless marked
/// `x-omitted-when-null`.
pub const REQUEST_SCHEMAS: [&str; 29] = [
    "ClaimRequest",
    "ClaimFile",
    "EditionRequest",
    "NewRoundBody",
    "RoundPlanBody",
    "RoundSubmissionBody",
    "ReturnRoundBody",
    "IndicatorFile",
    "ObservationFile",
    "NewIndicator",
    "NewIndicatorTarget",
    "NewObservation",
    "NewObservations",
    "ObservationBody",
    "ValidateObservation",
    "ReturnObservation",
    "NewStatusReport",
    "NewStatusReports",
    "StatusBody",
    "NewAccount",
    "NewPassword",
    "NewToken",
    "NewLock",
    "ValidateReport",
    "ReturnReport",
    "ValidateReports",
    "ReturnReports",
    "StatusFile",
    "ReportRequest",
];

/// One status report to record. Unknown fields are refused (422).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStatusReport {
    /// A strategic measure's code (not a goal or objective).
    #[schema(example = "1.1.2")]
    pub measure: String,
    pub scope: Scope,
    pub status: Status,
    /// Percent, whole numbers, only with status `ongoing`.
    #[schema(minimum = 0, maximum = 100)]
    pub progress: Option<u8>,
    /// The day from which the status holds: inside the framework's period and not after today
    /// (UTC+9); a member state must participate on it.
    pub effective_date: NaiveDate,
    #[schema(max_length = 4000)]
    pub note: Option<String>,
    #[schema(value_type = Option<EvidenceUrl>)]
    pub evidence_url: Option<String>,
}

/// A bulk of reports, recorded all or nothing. Errors name `reports[i].field`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStatusReports {
    #[schema(min_items = 1, max_items = 10000)]
    pub reports: Vec<NewStatusReport>,
}

/// One report, or a bulk of them.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
pub enum StatusBody {
    One(NewStatusReport),
    Many(NewStatusReports),
}

/// A new indicator. Unknown fields are refused (422).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIndicator {
    /// Unique within the framework; no spaces.
    #[schema(min_length = 1, max_length = 64, pattern = r"^\S+$", example = "SG1-1")]
    pub code: String,
    #[schema(
        min_length = 1,
        max_length = 1000,
        example = "Share of the population covered by social protection"
    )]
    pub title: String,
    /// `%` (or `percent`) makes values percentages, checked to lie in 0–100.
    #[schema(min_length = 1, max_length = 64, example = "%")]
    pub unit: String,
    pub direction: Direction,
    /// The code of the node it measures (any node of the framework, usually a strategic
    /// measure).
    #[schema(example = "1.1.2")]
    pub node: String,
    /// Decimals shown (display only); 1 by default.
    #[schema(minimum = 0, maximum = 6)]
    pub decimals: Option<u8>,
    #[schema(max_length = 4000)]
    pub source: Option<String>,
    #[schema(max_length = 4000)]
    pub note: Option<String>,
}

/// A baseline and target for one scope: a new revision (the latest recorded is in force).
/// Unknown fields are refused (422).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIndicatorTarget {
    /// `ASEAN` (regional) or a participating member state.
    pub scope: Scope,
    /// Before `target_year`; within the framework's period ± 10 years.
    #[schema(example = 2025)]
    pub baseline_year: i32,
    /// 0–100 for a percent indicator.
    #[schema(example = 40.0)]
    pub baseline_value: f64,
    #[schema(example = 2030)]
    pub target_year: i32,
    /// Not equal to the baseline value; 0–100 for a percent indicator.
    #[schema(example = 70.0)]
    pub target_value: f64,
    #[schema(max_length = 4000)]
    pub note: Option<String>,
}

/// One observation to record. Unknown fields are refused (422).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewObservation {
    /// An indicator's code.
    #[schema(example = "SG1-1")]
    pub indicator: String,
    /// `ASEAN` (regional) or a participating member state.
    pub scope: Scope,
    /// The year the value is for: within the framework's period ± 10 years.
    #[schema(example = 2026)]
    pub year: i32,
    /// 0–100 for a percent indicator.
    #[schema(example = 52.5)]
    pub value: f64,
    #[schema(max_length = 4000)]
    pub source: Option<String>,
    #[schema(max_length = 4000)]
    pub note: Option<String>,
}

/// A bulk of observations, recorded all or nothing. Errors name `observations[i].field`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewObservations {
    #[schema(min_items = 1, max_items = 10000)]
    pub observations: Vec<NewObservation>,
}

/// One observation, or a bulk of them.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
pub enum ObservationBody {
    One(NewObservation),
    Many(NewObservations),
}

/// A validation of an observation. Unknown fields are refused (422).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidateObservation {
    /// Must be `true`: an observation is validated only once its source is checked (422
    /// `validation_failed` otherwise).
    pub evidence_checked: bool,
}

/// A return of an observation. Unknown fields are refused (422).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnObservation {
    /// Why the observation is returned; the focal point reads it.
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// A new account. Unknown fields are refused (422).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    /// Unique; printable characters (surrounding spaces are trimmed).
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    pub role: Role,
    /// Required for a `focal_point`: its member state's alpha-3 code, any case. Refused for
    /// the other roles.
    #[schema(pattern = "^[A-Za-z]{3}$")]
    pub state: Option<String>,
    /// For web logins; without one the account has API tokens only.
    #[schema(min_length = 12, max_length = 1024)]
    pub password: Option<String>,
    /// Where the account's notifications are mailed (focal points: returns and rounds).
    #[schema(max_length = 254)]
    pub email: Option<String>,
}

/// A new password. Unknown fields are refused (422).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPassword {
    #[schema(min_length = 12, max_length = 1024)]
    pub password: String,
}

/// A new API token. Unknown fields are refused (422).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// An RFC 3339 instant in the future; none: the token does not expire.
    pub expires_at: Option<DateTime<Utc>>,
}

/// A new lock. Unknown fields are refused (422).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLock {
    /// Inside the framework's period.
    pub until: NaiveDate,
    #[schema(max_length = 2000, example = "End-Term Review data cut-off")]
    pub note: Option<String>,
}

/// A validation. Unknown fields are refused (422).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidateReport {
    /// Must be `true`: a report is validated only once its evidence is checked (422
    /// `validation_failed` otherwise).
    pub evidence_checked: bool,
    pub note: Option<String>,
}

/// A return. Unknown fields are refused (422).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnReport {
    /// Why the report is returned; the focal point reads it.
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// Several reports validated at once, all or none. Unknown fields are refused (422).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidateReports {
    /// The reports' ids (1 to 1,000, each once).
    #[schema(min_items = 1, max_items = 1000)]
    pub ids: Vec<i64>,
    /// Must be `true`: the reports are validated only once their evidence is checked (422
    /// `validation_failed` otherwise).
    pub evidence_checked: bool,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// Several reports returned at once with one reason, all or none. Unknown fields are refused
/// (422).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnReports {
    /// The reports' ids (1 to 1,000, each once).
    #[schema(min_items = 1, max_items = 1000)]
    pub ids: Vec<i64>,
    /// Why the reports are returned; their focal points read it.
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// A status file to import (`multipart/form-data`).
#[derive(Deserialize, ToSchema)]
pub struct StatusFile {
    /// The filled-in template: CSV (UTF-8) or XLSX, at most 32 MiB (`curl -F file=@status.xlsx`).
    #[schema(format = Binary, value_type = String)]
    pub file: Vec<u8>,
}

/// An indicator definitions file to import (`multipart/form-data`).
#[derive(Deserialize, ToSchema)]
pub struct IndicatorFile {
    /// CSV (UTF-8) or XLSX, at most 32 MiB (`curl -F file=@indicators.csv`).
    #[schema(format = Binary, value_type = String)]
    pub file: Vec<u8>,
}

/// An observations file to import (`multipart/form-data`).
#[derive(Deserialize, ToSchema)]
pub struct ObservationFile {
    /// CSV (UTF-8) or XLSX in the tracker's columns, or SDMX-CSV with `sdmx=true`; at most
    /// 32 MiB (`curl -F file=@observations.csv`).
    #[schema(format = Binary, value_type = String)]
    pub file: Vec<u8>,
}

/// A review report asked for with a body (to give it an executive summary). Unknown fields
/// are refused (422).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    #[schema(value_type = ReportFormat)]
    pub format: String,
    /// The date of the figures; today (UTC+9) by default.
    #[schema(example = "2026-09-30")]
    pub as_of: Option<NaiveDate>,
    /// Count only reports recorded at or before this instant (RFC 3339); every report by
    /// default.
    #[schema(example = "2026-10-01T00:00:00Z")]
    pub known_at: Option<DateTime<Utc>>,
    /// `reported` (default): every report in force; `validated`: only the reports the
    /// Secretariat validated.
    #[schema(value_type = Option<crate::domain::Basis>)]
    pub basis: Option<String>,
    /// The executive summary in Markdown (CommonMark: headings, paragraphs, lists, emphasis,
    /// links), printed first; raw HTML is printed as text. Empty: none.
    #[schema(max_length = 65536, example = "The plan is **broadly on course**.")]
    pub summary: Option<String>,
}

/// What an indicator export holds.
#[derive(ToSchema)]
#[schema(rename_all = "kebab-case")]
pub enum IndicatorExportWhat {
    Indicators,
    Observations,
    IndicatorProgress,
}

// ---------------------------------------------------------------------------------------------
// Problems

/// An RFC 9457 problem details document.
#[derive(ToSchema)]
#[schema(as = Problem)]
pub struct ProblemDoc {
    #[schema(
        rename = "type",
        format = "uri",
        example = "urn:blueprint-tracker:problem:validation_failed"
    )]
    pub kind: String,
    #[schema(example = "Unprocessable Entity")]
    pub title: String,
    #[schema(minimum = 400, maximum = 599)]
    pub status: u16,
    pub detail: String,
    /// A stable, machine-readable code.
    pub code: String,
    /// Every problem found, for validation and unknown references (absent otherwise: see
    /// [`OMITTED_MEMBERS`]).
    #[schema(min_items = 1)]
    pub errors: Option<Vec<FieldError>>,
}

/// One problem with one field.
#[derive(ToSchema)]
pub struct FieldError {
    #[schema(example = "reports[37].progress")]
    pub field: String,
    pub message: String,
    /// Imports: the line of the file (the spreadsheet's row number for XLSX; the header is line
    /// 1 when it is the first line).
    #[schema(minimum = 1, extensions(("x-omitted-when-null" = json!(true))))]
    pub line: Option<u64>,
    /// Imports: the column (`status`, `effective_date`, …), as in `field` after the line.
    #[schema(extensions(("x-omitted-when-null" = json!(true))))]
    pub column: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Answers every route can give (added by the server's middleware)

/// A problem answer with its codes and headers.
fn problem(description: &str, codes: &[&str], headers: &[(&str, &str)]) -> RefOr<Response> {
    let schema = ObjectBuilder::new()
        .property(
            "code",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(codes.iter().copied())),
        )
        .build();
    let schema = utoipa::openapi::schema::AllOfBuilder::new()
        .item(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
            "Problem",
        )))
        .item(schema)
        .build();
    let schema = Schema::AllOf(schema);
    let mut response = ResponseBuilder::new().description(description).content(
        "application/problem+json",
        ContentBuilder::new().schema(Some(schema)).build(),
    );
    for (name, about) in headers {
        response = response.header(
            *name,
            HeaderBuilder::new()
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .minimum(Some(1))
                        .build(),
                ))
                .description(Some(*about))
                .build(),
        );
    }
    RefOr::T(response.build())
}

/// Defines a shared answer: its component name is the type's.
macro_rules! shared_answer {
    ($name:ident, $description:expr, [$($code:expr),*], [$(($header:expr, $about:expr)),*]) => {
        #[doc = $description]
        pub struct $name;

        impl<'r> ToResponse<'r> for $name {
            fn response() -> (&'r str, RefOr<Response>) {
                (stringify!($name), problem($description, &[$($code),*], &[$(($header, $about)),*]))
            }
        }
    };
}

shared_answer!(
    Internal,
    "The server could not complete the request (an unexpected failure, not the database's unavailability); it has been logged.",
    ["internal"],
    []
);
shared_answer!(
    Unauthenticated,
    "No bearer token (`unauthenticated`); or an unknown, revoked or expired token, or a disabled account (`invalid_token`). A session cookie is not accepted here. `WWW-Authenticate` says `Bearer`.",
    ["unauthenticated", "invalid_token"],
    []
);
shared_answer!(
    PrivateRead,
    "Only on a private server (`serve --private`): neither a bearer token nor a live session cookie (`unauthenticated`), or a bad bearer token (`invalid_token`).",
    ["unauthenticated", "invalid_token"],
    []
);
shared_answer!(
    TooManyWrites,
    "The account wrote too often (by default 200 writes per second, in bursts of up to 400); nothing was done. Try again after `Retry-After` seconds.",
    ["too_many_writes"],
    [("Retry-After", "Seconds to wait before the next write.")]
);
shared_answer!(
    BodyTooLarge,
    "A body over 1 MiB; nothing was done.",
    ["body_too_large"],
    []
);
shared_answer!(
    UnsupportedMediaType,
    "A body declared as something other than JSON.",
    ["unsupported_media_type"],
    []
);
shared_answer!(
    Unavailable,
    "The request could not be completed now and stored nothing: it took longer than 30 s and was stopped (`request_timeout`), or the database cannot store or answer (`store_unavailable`: disk full, connection lost). Try again after `Retry-After` seconds.",
    ["request_timeout", "store_unavailable"],
    [(
        "Retry-After",
        "Seconds to wait before trying again (with `store_unavailable`)."
    )]
);
shared_answer!(
    NotReady,
    "Not ready to take writes: a test write did not commit within 2 s, or recording reports failed in the last 10 s without succeeding since. The reason is in `detail`.",
    ["not_ready", "request_timeout"],
    [("Retry-After", "Seconds to wait before asking again.")]
);
