//! The `audit_events` table: append-only, one row per write.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    pub actor_id: Option<i32>,
    pub actor_name: Option<String>,
    pub actor_role: Option<String>,
    pub address: Option<String>,
    pub action: String,
    pub framework: Option<String>,
    pub target: Option<String>,
    /// What changed, as a JSON object.
    pub detail: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
