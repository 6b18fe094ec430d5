//! sea-orm entities, one module per table of `migration/`. Only `store` uses them.

pub mod activities;
pub mod activity_nodes;
pub mod activity_status_reports;
pub mod api_tokens;
pub mod frameworks;
pub mod member_states;
pub mod node_bodies;
pub mod nodes;
pub mod participations;
pub mod sectoral_bodies;
pub mod status_reports;
pub mod users;
