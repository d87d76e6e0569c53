//! The rasd filter language (QUERY.md): one language for the filter bar, `rasd query`, topic
//! definitions and watch rules, with two back ends that must agree.
//!
//! ```text
//! &str ─lexer─► tokens ─parser─► Expr ─resolve(vocab, now)─► Query ─┬─ to_sql ─► WHERE + params
//!                                                                   └─ eval ──► bool per article
//! ```
//! This module owns syntax, name resolution and both back ends. It must not open connections or
//! read the clock: callers pass a `Vocabulary` and `now`, and run the SQL themselves.
//!
//! Choices QUERY.md leaves open, fixed here (and held by the tests):
//! - A bare word is one or more `text::fts_text` tokens; several (`al-Kadhimi`) form a phrase. A
//!   trailing `*` makes the last token a prefix (`انسحاب*`, `"قوات النا"*`, `title:al*`). A word
//!   with no searchable token (`!!!`) is an error, not a silent match-all.
//! - `flagged` (unquoted, lower case) is the any-flag filter; `"flagged"` searches the word.
//! - `-x` is `NOT x` only when the `-` is glued to `x`; `a-b` is a word, a lone `-` an error.
//! - Phrases accept `\"` and `\\` escapes. Field names are ASCII and case-insensitive; a word
//!   like `http:` or `foo:` is an unknown field (the hint says to quote it), while Arabic text
//!   or `10:30` before a colon stays text.
//! - `*` is allowed on text, `title:`, `source:` (key prefix) and `candidate:` (name prefix);
//!   elsewhere it is an error.
//! - `candidate:` matches `candidates.name_norm` exactly after `text::normalize` and collapsing
//!   spaces; `candidate:جون*` matches names starting with it.
//! - `source:` tries the key (case-insensitive), then the feed name (normalized); several feeds
//!   may share a name. `country:` is case-insensitive; `lang:ar` matches `ar` and `ar-*`
//!   case-insensitively; `flag:` labels are exact; only active flags (`removed_at IS NULL`) count.
//! - `since:` is inclusive, `until:` exclusive. `7d`/`24h`/`2w` count back from `now`;
//!   `YYYY-MM-DD`, `today` and `yesterday` mean midnight UTC; RFC 3339 instants are accepted.
//!   Instants are truncated to whole seconds, the database's precision.
//! - Unknown actors, topics and sources are errors positioned at the value.

mod ast;
mod date;
mod error;
mod eval;
mod lexer;
mod parser;
mod resolve;
mod sql;

#[cfg(test)]
mod tests;

pub use ast::{Atom, Expr, Field};
pub use error::{Pos, QueryError};
pub use eval::{ArticleView, Prepared, eval, eval_prepared};
pub use parser::parse;
pub use resolve::{Query, TextMatch, Vocabulary, resolve, resolve_all};
pub use sql::{fts_match, to_sql, to_sql_all};

/// Parse and resolve in one step, the usual entry point.
pub fn compile(
    src: &str,
    vocab: &dyn Vocabulary,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Query, QueryError> {
    resolve(parse(src)?, vocab, now)
}

/// Like [`compile`], but with every resolution error at once (a syntax error stops parsing, so
/// it comes alone).
pub fn compile_all(
    src: &str,
    vocab: &dyn Vocabulary,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Query, Vec<QueryError>> {
    resolve_all(parse(src).map_err(|e| vec![e])?, vocab, now)
}

/// A vocabulary that knows nothing: every actor, topic and source is unknown.
#[derive(Debug, Clone, Copy, Default)]
pub struct EmptyVocabulary;

impl Vocabulary for EmptyVocabulary {
    fn actor(&self, _: &str) -> Option<String> {
        None
    }
    fn actor_keys(&self) -> Vec<String> {
        Vec::new()
    }
    fn topic(&self, _: &str) -> Option<String> {
        None
    }
    fn topic_keys(&self) -> Vec<String> {
        Vec::new()
    }
    fn sources(&self) -> Vec<(String, String)> {
        Vec::new()
    }
}

/// Fuzz-friendly entry: run `src` through every stage (parse, resolve against an empty
/// vocabulary at a fixed instant, SQL compile, evaluate on an empty article). It must return,
/// never panic, for any input.
pub fn check(src: &str) -> Result<(), QueryError> {
    let now = chrono::DateTime::UNIX_EPOCH;
    let q = compile(src, &EmptyVocabulary, now)?;
    let _ = to_sql(&q);
    let none: [String; 0] = [];
    let view = ArticleView {
        title: src,
        text: src,
        source_key: "",
        source_name: "",
        country: None,
        lang: None,
        actors: &none,
        topics: &none,
        flags: &none,
        candidates: &none,
        published_at: now,
    };
    let _ = eval(&q, &view);
    Ok(())
}
