//! Arabic text engine: normalization for matching and search, a tokenizer that keeps byte offsets
//! into the original text, a light stemmer and the FTS5 shadow text built from them, and
//! sanitizing of untrusted text before it is stored or drawn.
//!
//! Everything here is a pure function on `&str`. Normalized text is for comparison only: it must
//! never be displayed, stored as the article text or copied to the clipboard. This module knows
//! nothing about actors, feeds or the database.

mod normalize;
mod sanitize;
mod stem;
mod tokenize;

pub use normalize::normalize;
pub use sanitize::sanitize;
pub use stem::{fts_text, light_stem};
pub use tokenize::{Token, tokenize};
