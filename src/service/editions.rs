//! Review editions (issue 18): a review frozen as known at an instant, its PDF and HTML
//! fingerprinted (SHA-256), re-rendered from its as-of date, basis and instant whenever it is
//! read or downloaded, and compared with what is known now ("since this edition").
//!
//! Decisions where the issue is silent:
//! - the edition's instant (`known_at`) is the end of the second it was frozen in: the tracker
//!   waits for that second to pass and for every write queued before it to land, then renders,
//!   so that a report stamped before the instant cannot land after the fingerprint was taken;
//! - an edition is stamped with that instant as its "generated at", so re-rendering it never
//!   depends on the clock;
//! - its cover says it is an edition: "Review edition", its title, and the instant to the
//!   second. Not its number: the id is assigned by the insert, after the fingerprints were
//!   taken from the rendered bytes (stamping it would take an insert, a render and an update
//!   of the fingerprints in one transaction); the id is in its address and file name;
//! - what a re-render reads is cut at `known_at` wherever the data say when they were
//!   recorded: status reports and validations, returns, rounds and their submissions,
//!   indicators (by `created_at`), targets and observations, claims; what cannot be cut is
//!   listed on [`Tracker::review`];
//! - a download re-renders the file and answers it only when its SHA-256 is the stored one; a
//!   mismatch is an internal error (500), never a quietly different document;
//! - the issuer on its cover (the organisation's name and logo, `serve --org-name --logo`) is
//!   the one configured when it was frozen, stored with it: a re-render never reads today's
//!   configuration;
//! - an edition takes no executive summary of its own (it is the figures as known, frozen):
//!   it prints the illustrative one exactly when an ordinary report would
//!   ([`super::review::apply_front`] with no summary), at freezing and at every re-render;
//! - the headline figures compared in "since" are the framework-wide completion rate,
//!   implementation rate and progress index under each rule (regional, all_states,
//!   mean_of_states, cells).

use std::time::Duration;

use chrono::{DateTime, DurationRound, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::accounts::entry;
use super::{ServiceError, ServiceResult, Tracker, now};
use crate::domain::audit::actions;
use crate::domain::{Action, Actor, Basis, Edition, Metric, StatusReport, edition_problems};
use crate::engine::Rule;
use crate::report::bundle::{self, Format, ReportFile};
use crate::report::{EditionStamp, Front, Logo, ReviewData};
use crate::store::NewEdition;

/// What the API and the CLI take to freeze an edition.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditionRequest {
    pub title: String,
    #[schema(value_type = String, format = Date)]
    pub as_of: NaiveDate,
    /// `reported` (default) or `validated`.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "reported")]
    pub basis: Option<String>,
}

/// A headline figure of an edition under one rule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Headline {
    pub rule: Rule,
    pub completion_rate: Option<f64>,
    pub implementation_rate: Option<f64>,
    pub progress_index: Option<f64>,
}

/// How one headline figure would differ today.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HeadlineChange {
    pub rule: Rule,
    pub metric: Metric,
    pub edition: Option<f64>,
    pub today: Option<f64>,
    /// `today − edition`; null when either is null.
    pub difference: Option<f64>,
}

/// What changed since an edition.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct EditionSince {
    pub edition: Edition,
    /// Reports recorded after the edition's instant that take effect on or before its as-of
    /// date: late reports and corrections, in the order recorded.
    pub reports: Vec<StatusReport>,
    /// Every headline figure, as in the edition and as it would be today.
    pub changes: Vec<HeadlineChange>,
}

/// The headline figures of a review.
fn headline(data: &ReviewData) -> Vec<Headline> {
    let c = &data.comparison;
    let rate = |r: &crate::engine::Rate, rule| Headline {
        rule,
        completion_rate: r.completion_rate,
        implementation_rate: r.implementation_rate,
        progress_index: r.progress_index,
    };
    vec![
        rate(&data.overall, Rule::Regional),
        rate(&c.all_states, Rule::AllStates),
        Headline {
            rule: Rule::MeanOfStates,
            completion_rate: c.mean_of_states.completion_rate,
            implementation_rate: c.mean_of_states.implementation_rate,
            progress_index: c.mean_of_states.progress_index,
        },
        rate(&c.cells, Rule::Cells),
    ]
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The end of the second `t` falls in.
fn end_of_second(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(TimeDelta::seconds(1)).unwrap_or(t) + TimeDelta::seconds(1)
        - TimeDelta::microseconds(1)
}

/// The rendered files of an edition.
struct Rendered {
    data: ReviewData,
    pdf: ReportFile,
    html: ReportFile,
    json: ReportFile,
    /// The Word copy, rendered only when asked for.
    docx: Option<ReportFile>,
}

/// What an edition is rendered from: its framework, title, as-of date, basis and instant.
struct Frozen<'a> {
    framework: &'a str,
    title: &'a str,
    as_of: NaiveDate,
    basis: Basis,
    known_at: DateTime<Utc>,
}

impl Tracker {
    /// Renders the review of `framework` as of `as_of` on `basis` as known at `known_at`
    /// (also its "generated at"), its cover stamped with the edition's `title` and `issuer`
    /// (the issuer's name and logo, as when it was frozen): PDF, HTML and JSON, and the DOCX
    /// when `with_docx`.
    async fn render_edition(
        &self,
        frozen: Frozen<'_>,
        issuer: Front,
        with_docx: bool,
    ) -> ServiceResult<Rendered> {
        let Frozen {
            framework,
            title,
            as_of,
            basis,
            known_at,
        } = frozen;
        let mut data = self
            .review(framework, as_of, Some(known_at), basis, known_at)
            .await?;
        super::review::apply_front(issuer, &mut data);
        data.edition = Some(EditionStamp {
            title: title.to_owned(),
        });
        tokio::task::spawn_blocking(move || {
            let svgs = bundle::chart_svgs(&data)?;
            let one = |format: Format| -> Result<ReportFile, bundle::RenderError> {
                bundle::render(&data, format, &svgs)?
                    .into_iter()
                    .next()
                    .ok_or_else(|| bundle::RenderError::Json(format!("no {} file", format.name())))
            };
            let pdf = one(Format::Pdf)?;
            let html = one(Format::Html)?;
            let json = one(Format::Json)?;
            let docx = with_docx.then(|| one(Format::Docx)).transpose()?;
            Ok::<_, bundle::RenderError>(Rendered {
                data,
                pdf,
                html,
                json,
                docx,
            })
        })
        .await
        .map_err(|e| ServiceError::Render(e.to_string()))?
        .map_err(|e| ServiceError::Render(e.to_string()))
    }

    /// Freezes a review of `framework` (admin, secretariat; `None`: the terminal's operator).
    ///
    /// # Errors
    /// `UnknownFramework`, `Forbidden`, `Invalid` (title, as-of date, basis); rendering or the
    /// store fails.
    pub async fn create_edition(
        &self,
        actor: Option<&Actor>,
        framework: &str,
        request: &EditionRequest,
    ) -> ServiceResult<Edition> {
        let fw = self.framework(framework).await?;
        if let Some(actor) = actor {
            self.permit(actor, Action::PublishFigures).await?;
        }
        let mut issues = edition_problems(
            &request.title,
            request.as_of,
            fw.start_date,
            fw.end_date,
            now().date_naive(),
        );
        let basis = match request.basis.as_deref().map(str::trim) {
            None | Some("") => Basis::Reported,
            Some(b) => b.parse::<Basis>().unwrap_or_else(|e| {
                issues.push(crate::domain::FieldIssue::invalid("basis", e.0));
                Basis::Reported
            }),
        };
        if !issues.is_empty() {
            return Err(ServiceError::Invalid(issues));
        }
        // The instant: the end of this second, once it has passed and every write queued
        // before it has landed.
        let known_at = end_of_second(now());
        let wait = (known_at - now()).to_std().unwrap_or_default();
        tokio::time::sleep(wait + Duration::from_millis(1)).await;
        self.store.settle_writes().await?;
        let title = request.title.trim().to_owned();
        // The issuer as configured now, stored with the edition: a re-render prints the same.
        let issuer = Front {
            issued_by: self.front.issued_by.clone(),
            logo: self.front.logo.clone(),
            summary: None,
        };
        let issued_by = issuer.issued_by.clone().filter(|s| !s.trim().is_empty());
        let logo_png = issuer.logo.as_ref().map(|logo| logo.png.clone());
        let rendered = self
            .render_edition(
                Frozen {
                    framework: &fw.code,
                    title: &title,
                    as_of: request.as_of,
                    basis,
                    known_at,
                },
                issuer,
                false,
            )
            .await?;
        let figures = String::from_utf8(rendered.json.bytes)
            .map_err(|e| ServiceError::Internal(format!("the report's JSON: {e}")))?;
        let headline = serde_json::to_string(&headline(&rendered.data))
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        let new = NewEdition {
            framework_id: fw.id,
            title,
            as_of: request.as_of,
            basis,
            known_at,
            figures,
            headline,
            pdf_sha256: sha256(&rendered.pdf.bytes),
            html_sha256: sha256(&rendered.html.bytes),
            issued_by,
            logo_png,
        };
        let audit = entry(actor, actions::EDITION_CREATE).framework(fw.code.clone());
        Ok(self
            .store
            .add_edition(new, actor.map(|a| a.user.id), Some(&audit), now())
            .await?
            .edition)
    }

    /// Every edition (of one framework, when given), newest first.
    ///
    /// # Errors
    /// `UnknownFramework`; the store fails.
    pub async fn editions(&self, framework: Option<&str>) -> ServiceResult<Vec<Edition>> {
        let id = match framework {
            Some(code) => Some(self.framework(code).await?.id),
            None => None,
        };
        Ok(self
            .store
            .editions(id)
            .await?
            .into_iter()
            .map(|e| e.edition)
            .collect())
    }

    async fn stored_edition(&self, id: i64) -> ServiceResult<crate::store::StoredEdition> {
        self.store
            .edition(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("there is no edition {id}")))
    }

    /// One edition.
    ///
    /// # Errors
    /// `NotFound`; the store fails.
    pub async fn edition(&self, id: i64) -> ServiceResult<Edition> {
        Ok(self.stored_edition(id).await?.edition)
    }

    /// An edition's PDF, HTML or JSON, re-rendered and checked against what was frozen, or its
    /// Word copy (DOCX), named `edition-ID-FW-DATE.EXT`.
    ///
    /// Decision: the Word copy is for editing (an officer's draft starts from it), so it has no
    /// stored hash of its own; it is rendered from the edition's figures and sent only when
    /// those re-render to the figures frozen (the JSON, byte for byte), as the PDF and HTML are
    /// checked against theirs.
    ///
    /// # Errors
    /// `NotFound`; `InvalidQuery` for another format; `Internal` when the re-rendered bytes
    /// differ from the frozen ones; rendering or the store fails.
    pub async fn edition_file(&self, id: i64, format: Format) -> ServiceResult<ReportFile> {
        if !matches!(
            format,
            Format::Pdf | Format::Html | Format::Json | Format::Docx
        ) {
            return Err(ServiceError::InvalidQuery {
                field: "format".into(),
                message: format!(
                    "an edition is kept as pdf, html, docx or json, not {}",
                    format.name()
                ),
            });
        }
        let stored = self.stored_edition(id).await?;
        let e = &stored.edition;
        // The issuer stored when it was frozen, never today's configuration.
        let logo = stored
            .logo_png
            .clone()
            .map(Logo::from_png)
            .transpose()
            .map_err(|err| ServiceError::Internal(format!("edition {id}'s logo: {err}")))?;
        let issuer = Front {
            issued_by: stored.issued_by.clone(),
            logo,
            summary: None,
        };
        let rendered = self
            .render_edition(
                Frozen {
                    framework: &e.framework,
                    title: &e.title,
                    as_of: e.as_of,
                    basis: e.basis,
                    known_at: e.known_at,
                },
                issuer,
                format == Format::Docx,
            )
            .await?;
        let (file, intact) = match format {
            Format::Pdf => {
                let ok = sha256(&rendered.pdf.bytes) == e.pdf_sha256;
                (rendered.pdf, ok)
            }
            Format::Html => {
                let ok = sha256(&rendered.html.bytes) == e.html_sha256;
                (rendered.html, ok)
            }
            Format::Docx => {
                let ok = rendered.json.bytes == stored.figures.as_bytes();
                match rendered.docx {
                    Some(docx) => (docx, ok),
                    None => {
                        return Err(ServiceError::Render(
                            "the Word copy was not rendered".into(),
                        ));
                    }
                }
            }
            _ => {
                let ok = rendered.json.bytes == stored.figures.as_bytes();
                (rendered.json, ok)
            }
        };
        if !intact {
            tracing::error!(
                edition = id,
                format = format.name(),
                "an edition no longer re-renders to its frozen bytes"
            );
            return Err(ServiceError::Internal(format!(
                "edition {id}'s {} no longer re-renders to the bytes frozen on {}; nothing was sent",
                format.name(),
                e.created_at.format("%Y-%m-%d %H:%M UTC")
            )));
        }
        Ok(ReportFile {
            name: format!(
                "edition-{}-{}-{}.{}",
                e.id,
                e.framework,
                e.as_of,
                format.name()
            ),
            media_type: file.media_type,
            bytes: file.bytes,
        })
    }

    /// What changed since an edition: the late reports and corrections recorded after its
    /// instant, and each headline figure as frozen and as it would be now.
    ///
    /// # Errors
    /// `NotFound`; the store fails.
    pub async fn edition_since(&self, id: i64) -> ServiceResult<EditionSince> {
        let stored = self.stored_edition(id).await?;
        let e = stored.edition;
        let fw = self.framework(&e.framework).await?;
        let reports = self
            .store
            .reports_recorded_after(&fw, e.known_at, e.as_of)
            .await?;
        let frozen: Vec<Headline> = serde_json::from_str(&stored.headline)
            .map_err(|err| ServiceError::Internal(format!("edition {id}'s headline: {err}")))?;
        let today = headline(&self.review(&fw.code, e.as_of, None, e.basis, now()).await?);
        let mut changes = Vec::new();
        for (before, after) in frozen.iter().zip(&today) {
            for (metric, b, a) in [
                (
                    Metric::CompletionRate,
                    before.completion_rate,
                    after.completion_rate,
                ),
                (
                    Metric::ImplementationRate,
                    before.implementation_rate,
                    after.implementation_rate,
                ),
                (
                    Metric::ProgressIndex,
                    before.progress_index,
                    after.progress_index,
                ),
            ] {
                changes.push(HeadlineChange {
                    rule: before.rule,
                    metric,
                    edition: b,
                    today: a,
                    difference: a.zip(b).map(|(a, b)| a - b),
                });
            }
        }
        Ok(EditionSince {
            edition: e,
            reports,
            changes,
        })
    }
}
