//! The `nodes` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "nodes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub framework_id: i32,
    pub parent_id: Option<i32>,
    pub code: String,
    pub level: String,
    pub depth: i16,
    pub position: i32,
    pub title: String,
    pub note: Option<String>,
    pub is_measure: bool,
    /// When the node left its framework's tree (a framework file no longer listed it); its
    /// reports stay, the figures no longer count it.
    pub retired_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
