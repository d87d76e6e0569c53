//! rasd (رصد, "monitoring") watches Arabic-language news outlets.
//!
//! The modules follow the data flow, top to bottom:
//!
//! ```text
//! feeds.toml ─► config ─► poll (scheduler) ─► fetch (HTTP, conditional GET, caps)
//!    ─► feed (charset decode, repair, feed-rs, cleaning, identity, dates)
//!    ─► text (Arabic normalization for search) ─► store (one SQLite transaction per feed)
//! ```
//!
//! `main.rs` only parses the command line (`cli`) and maps results to exit codes.

pub mod analyze;
pub mod cli;
pub mod config;
pub mod demo;
pub mod export;
pub mod feed;
pub mod feeds_cmd;
pub mod fetch;
pub mod open;
pub mod output;
pub mod poll;
pub mod query;
pub mod rules;
pub mod store;
pub mod story;
pub mod tag;
pub mod text;
pub mod tui;
pub mod util;
