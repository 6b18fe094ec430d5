//! blueprint-tracker: tracks how the ASEAN Socio-Cultural Community's strategic measures are
//! implemented. Layers (DESIGN.md §5), dependencies pointing one way:
//! `cli` → `server` → `http`, `web` → `edge` → `service` → `store` (sea-orm) → `entity`;
//! everything → `domain` / `engine` (pure). `http` and `web` never import each other.

pub mod cli;
pub mod demo;
pub mod domain;
pub mod edge;
pub mod engine;
pub mod http;
pub mod mail;
pub mod reference;
pub mod report;
pub mod server;
pub mod service;
pub mod store;
pub mod transfer;
pub mod web;
