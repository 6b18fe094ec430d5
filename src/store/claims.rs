//! Published figures (claims) and review editions: append-only, every write audited in its
//! own transaction.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{claims, editions, frameworks};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};

use super::governance::write_audit;
use super::{Store, StoreError, StoreResult};
use crate::domain::{AuditEntry, Basis, Claim, Edition, Metric, NewClaim, Scope};

/// A claim to store, with its framework.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimRow {
    pub framework_id: i32,
    pub claim: NewClaim,
    /// Set for the claims shipped with the tracker: a second load of the same one adds nothing.
    pub reference_key: Option<String>,
}

/// An edition to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEdition {
    pub framework_id: i32,
    pub title: String,
    pub as_of: chrono::NaiveDate,
    pub basis: Basis,
    pub known_at: DateTime<Utc>,
    pub figures: String,
    pub headline: String,
    pub pdf_sha256: String,
    pub html_sha256: String,
    /// The issuer printed on its cover, as configured when it is frozen.
    pub issued_by: Option<String>,
    /// The issuer's logo (PNG bytes), as configured when it is frozen.
    pub logo_png: Option<Vec<u8>>,
}

/// An edition with what was stored of its figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEdition {
    pub edition: Edition,
    /// The report's JSON as rendered when it was frozen.
    pub figures: String,
    /// The headline figures (JSON) compared in "since this edition".
    pub headline: String,
    /// The issuer and logo on its cover when it was frozen (re-rendered from these).
    pub issued_by: Option<String>,
    pub logo_png: Option<Vec<u8>>,
}

fn to_i32(id: i64) -> Option<i32> {
    i32::try_from(id).ok()
}

impl Store {
    async fn framework_codes(&self) -> StoreResult<HashMap<i32, String>> {
        Ok(frameworks::Entity::find()
            .all(self.conn())
            .await?
            .into_iter()
            .map(|f| (f.id, f.code))
            .collect())
    }

    fn claim_from(
        m: claims::Model,
        codes: &HashMap<i32, String>,
        names: &HashMap<i32, String>,
        successors: &HashMap<i32, i32>,
    ) -> StoreResult<Claim> {
        let corrupt = |message: String| StoreError::corrupt("claims", message);
        Ok(Claim {
            id: i64::from(m.id),
            framework: codes
                .get(&m.framework_id)
                .cloned()
                .ok_or_else(|| corrupt(format!("unknown framework id {}", m.framework_id)))?,
            scope: m.scope.parse::<Scope>().map_err(|e| corrupt(e.0))?,
            metric: m.metric.parse::<Metric>().map_err(|e| corrupt(e.0))?,
            indicator: m.indicator,
            value: m.value,
            precision: m.precision,
            as_of: m.as_of,
            published_on: m.published_on,
            statement: m.statement,
            source_title: m.source_title,
            source_url: m.source_url,
            note: m.note,
            supersedes: m.supersedes.map(i64::from),
            superseded_by: successors.get(&m.id).map(|&s| i64::from(s)),
            recorded_by: m.recorded_by.and_then(|id| names.get(&id).cloned()),
            recorded_at: m.recorded_at,
        })
    }

    /// Stores `rows` in one transaction, all or nothing, each with its audit record (from
    /// `audit`, when given). A row whose `reference_key` is stored already is skipped. A row
    /// that supersedes a claim must name one of the same framework that nothing supersedes
    /// yet.
    ///
    /// # Errors
    /// `NotFound` (the superseded claim), `Conflict` (it is superseded already); the database
    /// fails. Nothing is stored then.
    pub async fn add_claims(
        &self,
        rows: &[ClaimRow],
        by: Option<i32>,
        audit: Option<&AuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Claim>> {
        let codes = self.framework_codes().await?;
        let tx = self.begin_write().await?;
        let mut added = Vec::new();
        for row in rows {
            if let Some(key) = &row.reference_key
                && claims::Entity::find()
                    .filter(claims::Column::ReferenceKey.eq(key.as_str()))
                    .one(&tx)
                    .await?
                    .is_some()
            {
                continue;
            }
            let c = &row.claim;
            let supersedes = match c.supersedes {
                None => None,
                Some(id) => {
                    let old = match to_i32(id) {
                        Some(id) => claims::Entity::find_by_id(id).one(&tx).await?,
                        None => None,
                    }
                    .filter(|m| m.framework_id == row.framework_id)
                    .ok_or_else(|| {
                        StoreError::NotFound(format!(
                            "there is no claim {id} of this framework to supersede"
                        ))
                    })?;
                    if let Some(next) = claims::Entity::find()
                        .filter(claims::Column::Supersedes.eq(old.id))
                        .one(&tx)
                        .await?
                    {
                        return Err(StoreError::Conflict(format!(
                            "claim {id} is superseded by claim {} already: supersede that one",
                            next.id
                        )));
                    }
                    Some(old.id)
                }
            };
            let m = claims::ActiveModel {
                framework_id: Set(row.framework_id),
                scope: Set(c.scope.as_str().to_owned()),
                metric: Set(c.metric.as_str().to_owned()),
                indicator: Set(c.indicator.clone()),
                value: Set(c.value),
                precision: Set(c.precision),
                as_of: Set(c.as_of),
                published_on: Set(c.published_on),
                statement: Set(c.statement.clone()),
                source_title: Set(c.source_title.clone()),
                source_url: Set(c.source_url.clone()),
                note: Set(c.note.clone()),
                supersedes: Set(supersedes),
                reference_key: Set(row.reference_key.clone()),
                recorded_by: Set(by),
                recorded_at: Set(now),
                ..Default::default()
            }
            .insert(&tx)
            .await?;
            if let Some(audit) = audit {
                let entry =
                    audit
                        .clone()
                        .target(format!("claim {}", m.id))
                        .detail(serde_json::json!({
                            "claim": m.id, "scope": m.scope, "metric": m.metric,
                            "indicator": m.indicator, "value": m.value, "precision": m.precision,
                            "as_of": m.as_of, "published_on": m.published_on,
                            "supersedes": m.supersedes, "source_url": m.source_url,
                        }));
                write_audit(&tx, &entry, now).await?;
            }
            added.push(m);
        }
        tx.commit().await?;
        let names = self.names().await?;
        added
            .into_iter()
            .map(|m| Self::claim_from(m, &codes, &names, &HashMap::new()))
            .collect()
    }

    /// Every claim (of one framework, when given), oldest first, with the claim that
    /// supersedes each.
    ///
    /// # Errors
    /// The database fails or holds a bad row.
    pub async fn claims(&self, framework_id: Option<i32>) -> StoreResult<Vec<Claim>> {
        let mut query = claims::Entity::find().order_by_asc(claims::Column::Id);
        if let Some(id) = framework_id {
            query = query.filter(claims::Column::FrameworkId.eq(id));
        }
        let rows = query.all(self.conn()).await?;
        let successors: HashMap<i32, i32> = rows
            .iter()
            .filter_map(|m| m.supersedes.map(|old| (old, m.id)))
            .collect();
        let codes = self.framework_codes().await?;
        let names = self.names().await?;
        rows.into_iter()
            .map(|m| Self::claim_from(m, &codes, &names, &successors))
            .collect()
    }

    /// One claim.
    ///
    /// # Errors
    /// The database fails or holds a bad row.
    pub async fn claim(&self, id: i64) -> StoreResult<Option<Claim>> {
        let Some(id) = to_i32(id) else {
            return Ok(None);
        };
        let Some(m) = claims::Entity::find_by_id(id).one(self.conn()).await? else {
            return Ok(None);
        };
        let successors: HashMap<i32, i32> = claims::Entity::find()
            .filter(claims::Column::Supersedes.eq(id))
            .all(self.conn())
            .await?
            .into_iter()
            .map(|n| (id, n.id))
            .collect();
        let codes = self.framework_codes().await?;
        let names = self.names().await?;
        Self::claim_from(m, &codes, &names, &successors).map(Some)
    }

    fn edition_from(
        m: editions::Model,
        codes: &HashMap<i32, String>,
        names: &HashMap<i32, String>,
    ) -> StoreResult<StoredEdition> {
        let corrupt = |message: String| StoreError::corrupt("editions", message);
        Ok(StoredEdition {
            edition: Edition {
                id: i64::from(m.id),
                framework: codes
                    .get(&m.framework_id)
                    .cloned()
                    .ok_or_else(|| corrupt(format!("unknown framework id {}", m.framework_id)))?,
                title: m.title,
                as_of: m.as_of,
                basis: m.basis.parse::<Basis>().map_err(|e| corrupt(e.0))?,
                known_at: m.known_at,
                pdf_sha256: m.pdf_sha256,
                html_sha256: m.html_sha256,
                created_by: m.created_by.and_then(|id| names.get(&id).cloned()),
                created_at: m.created_at,
            },
            figures: m.figures,
            headline: m.headline,
            issued_by: m.issued_by,
            logo_png: m.logo_png,
        })
    }

    /// Stores an edition with its audit record.
    ///
    /// # Errors
    /// The database fails; nothing is stored then.
    pub async fn add_edition(
        &self,
        new: NewEdition,
        by: Option<i32>,
        audit: Option<&AuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<StoredEdition> {
        let tx = self.begin_write().await?;
        let m = editions::ActiveModel {
            framework_id: Set(new.framework_id),
            title: Set(new.title),
            as_of: Set(new.as_of),
            basis: Set(new.basis.as_str().to_owned()),
            known_at: Set(new.known_at),
            figures: Set(new.figures),
            headline: Set(new.headline),
            pdf_sha256: Set(new.pdf_sha256),
            html_sha256: Set(new.html_sha256),
            created_by: Set(by),
            created_at: Set(now),
            issued_by: Set(new.issued_by),
            logo_png: Set(new.logo_png),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        if let Some(audit) = audit {
            let entry =
                audit
                    .clone()
                    .target(format!("edition {}", m.id))
                    .detail(serde_json::json!({
                        "edition": m.id, "title": m.title, "as_of": m.as_of, "basis": m.basis,
                        "known_at": m.known_at, "pdf_sha256": m.pdf_sha256,
                        "html_sha256": m.html_sha256, "issued_by": m.issued_by,
                    }));
            write_audit(&tx, &entry, now).await?;
        }
        tx.commit().await?;
        let codes = self.framework_codes().await?;
        let names = self.names().await?;
        Self::edition_from(m, &codes, &names)
    }

    /// Every edition (of one framework, when given), newest first.
    ///
    /// # Errors
    /// The database fails or holds a bad row.
    pub async fn editions(&self, framework_id: Option<i32>) -> StoreResult<Vec<StoredEdition>> {
        let mut query = editions::Entity::find().order_by_desc(editions::Column::Id);
        if let Some(id) = framework_id {
            query = query.filter(editions::Column::FrameworkId.eq(id));
        }
        let rows = query.all(self.conn()).await?;
        let codes = self.framework_codes().await?;
        let names = self.names().await?;
        rows.into_iter()
            .map(|m| Self::edition_from(m, &codes, &names))
            .collect()
    }

    /// One edition.
    ///
    /// # Errors
    /// The database fails or holds a bad row.
    pub async fn edition(&self, id: i64) -> StoreResult<Option<StoredEdition>> {
        let Some(id) = to_i32(id) else {
            return Ok(None);
        };
        let Some(m) = editions::Entity::find_by_id(id).one(self.conn()).await? else {
            return Ok(None);
        };
        let codes = self.framework_codes().await?;
        let names = self.names().await?;
        Self::edition_from(m, &codes, &names).map(Some)
    }
}
