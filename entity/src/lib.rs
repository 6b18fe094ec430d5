//! sea-orm entities, one module per table of `migration/`. Only `store` uses them.

pub mod activities;
pub mod activity_nodes;
pub mod activity_status_reports;
pub mod api_tokens;
pub mod audit_events;
pub mod claims;
pub mod editions;
pub mod frameworks;
pub mod indicator_observations;
pub mod indicator_targets;
pub mod indicators;
pub mod locks;
pub mod login_failures;
pub mod member_states;
pub mod node_bodies;
pub mod nodes;
pub mod notifications;
pub mod observation_reviews;
pub mod participations;
pub mod report_reviews;
pub mod round_submissions;
pub mod rounds;
pub mod sectoral_bodies;
pub mod sessions;
pub mod status_reports;
pub mod users;
