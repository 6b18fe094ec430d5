//! The `frameworks` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "frameworks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub title: String,
    pub adopted_on: Option<Date>,
    pub adopted_at: Option<String>,
    pub start_date: Date,
    pub end_date: Date,
    /// Level names from the root down, separated by `/`.
    pub levels: String,
    /// Review milestones separated by `;`.
    pub reviews: String,
    pub note: Option<String>,
    /// Bumped by every write that changes the framework's figures (see the migration).
    pub revision: i64,
    /// Bumped by every write to the framework's tree or participants.
    pub tree_revision: i64,
    /// When an operator last loaded the framework from a file; the shipped reference data then
    /// leaves it alone.
    pub imported_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
