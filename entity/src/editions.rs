//! The `editions` table: frozen review editions.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "editions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub framework_id: i32,
    pub title: String,
    pub as_of: Date,
    pub basis: String,
    pub known_at: DateTimeUtc,
    pub figures: String,
    pub headline: String,
    pub pdf_sha256: String,
    pub html_sha256: String,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    /// The issuing organisation on its cover, as configured when it was frozen.
    pub issued_by: Option<String>,
    /// The issuer's logo (PNG) on its cover, as configured when it was frozen.
    pub logo_png: Option<Vec<u8>>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
