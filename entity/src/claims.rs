//! The `claims` table: published figures, append-only.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "claims")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub framework_id: i32,
    pub scope: String,
    pub metric: String,
    pub indicator: Option<String>,
    pub value: f64,
    pub precision: f64,
    pub as_of: Date,
    pub published_on: Date,
    pub statement: String,
    pub source_title: String,
    pub source_url: Option<String>,
    pub note: Option<String>,
    pub supersedes: Option<i32>,
    pub reference_key: Option<String>,
    pub recorded_by: Option<i32>,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
