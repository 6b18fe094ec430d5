//! The `indicators` table: a Results Framework indicator of a framework.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "indicators")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub framework_id: i32,
    /// Unique within the framework.
    pub code: String,
    pub title: String,
    pub unit: String,
    /// `increase` or `decrease`.
    pub direction: String,
    pub decimals: i16,
    /// The node it measures.
    pub node_id: i32,
    pub source: Option<String>,
    pub note: Option<String>,
    pub retired: bool,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
