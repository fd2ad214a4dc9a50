//! The HTTP API of the governance ledger (actix-web 4): public reads of projections and
//! the raw log, problem+json errors, ETags from the log head, CORS for any reader.
//!
//! Architecture Invariant: only this crate knows HTTP. Handlers are thin: they parse,
//! call the store or the live read model, and render; the status of every error is decided
//! in `problem.rs`. Projections never write to the store.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod auth;
pub mod conditional;
pub mod history;
pub mod live;
pub mod mirror;
pub mod openapi;
pub mod problem;
pub mod public_url;
pub mod ratelimit;
pub mod routes;
pub mod server;

pub use live::{LiveModel, OpeningModel};
pub use problem::{ApiError, Problem};
pub use public_url::PublicUrl;
pub use routes::AppState;
pub use server::{run, test_app, test_app_with, ServerConfig};
