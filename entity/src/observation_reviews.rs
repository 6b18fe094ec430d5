//! The `observation_reviews` table: the secretariat's decision on an indicator observation.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "observation_reviews")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub observation_id: i32,
    pub framework_id: i32,
    /// `validated` or `returned`.
    pub decision: String,
    pub reason: Option<String>,
    pub evidence_checked: bool,
    pub reviewed_by: i32,
    pub reviewed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
