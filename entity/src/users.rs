//! The `users` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub name: String,
    pub role: String,
    pub member_state_id: Option<i32>,
    pub password_hash: Option<String>,
    pub disabled: bool,
    /// The second factor's shared secret (base32), when enabled.
    pub totp_secret: Option<String>,
    pub created_at: DateTimeUtc,
    /// Where notifications are sent (none: they are only shown in the pages).
    pub email: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
