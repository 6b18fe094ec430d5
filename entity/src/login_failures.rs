//! The `login_failures` table: failed web logins, counted by the login throttle.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_failures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The account name as typed, lower-cased.
    pub account: String,
    /// The client's address (behind a trusted proxy, the forwarded one).
    pub address: Option<String>,
    pub failed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
