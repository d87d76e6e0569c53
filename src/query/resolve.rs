//! [`Expr`] → [`Query`]: user words become the keys, tokens and instants both back ends compare.
//!
//! Everything that needs outside knowledge happens here, once: the vocabulary (actors, topics,
//! feeds), the clock (`now` is injected) and the text normalization (`crate::text`). The SQL
//! compiler and the evaluator then work on the same resolved values, which is what keeps them in
//! agreement. Nothing here touches the database.

use chrono::{DateTime, Utc};

use super::ast::{Atom, Expr, Field};
use super::date;
use super::error::{QueryError, did_you_mean};

/// What the resolver needs to know about the world. Implemented by the tagger's gazetteer and
/// the feed configuration; tests use a small fixed one. Values arrive as the user wrote them
/// (trimmed, not normalized): matching aliases loosely is the vocabulary's job.
pub trait Vocabulary {
    /// The actor key for a key or any Arabic/English alias.
    fn actor(&self, v: &str) -> Option<String>;
    fn actor_keys(&self) -> Vec<String>;
    /// The topic key for a key or name.
    fn topic(&self, v: &str) -> Option<String>;
    fn topic_keys(&self) -> Vec<String>;
    /// Every feed as `(key, name)`.
    fn sources(&self) -> Vec<(String, String)>;
}

/// A full-text condition: a sequence of index tokens that must appear consecutively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextMatch {
    /// Only the title column; otherwise title or text (a phrase never spans the two).
    pub title_only: bool,
    /// `crate::text::fts_text` tokens, never empty.
    pub tokens: Vec<String>,
    /// The last token matches as a prefix.
    pub prefix: bool,
}

/// A resolved query, ready for [`super::to_sql`] and [`super::eval`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// Matches every article (the empty query).
    All,
    And(Vec<Query>),
    Or(Vec<Query>),
    Not(Box<Query>),
    Text(TextMatch),
    Actor(String),
    Topic(String),
    /// Feed keys, sorted and deduplicated, never empty.
    Sources(Vec<String>),
    /// ASCII-lowercased ISO code; compared case-insensitively.
    Country(String),
    /// ASCII-lowercased language; matches `ar` and any `ar-XX`.
    Lang(String),
    /// An active flag with exactly this label.
    Flag(String),
    /// Any active flag.
    Flagged,
    /// Published at or after (whole seconds).
    Since(DateTime<Utc>),
    /// Published strictly before (whole seconds).
    Until(DateTime<Utc>),
    /// A candidate whose normalized name equals this, or starts with it when `prefix`.
    Candidate {
        name: String,
        prefix: bool,
    },
}

/// Resolve a parsed query against a vocabulary and a clock; the first error (in text order).
pub fn resolve(e: Expr, vocab: &dyn Vocabulary, now: DateTime<Utc>) -> Result<Query, QueryError> {
    resolve_all(e, vocab, now).map_err(|mut errs| errs.swap_remove(0))
}

/// Like [`resolve`], but reports every unknown name and bad date at once (the error list is in
/// text order and never empty), so an analyst fixes a topic definition in one pass.
pub fn resolve_all(
    e: Expr,
    vocab: &dyn Vocabulary,
    now: DateTime<Utc>,
) -> Result<Query, Vec<QueryError>> {
    let mut errs = Vec::new();
    let q = walk(e, vocab, now, &mut errs);
    if errs.is_empty() {
        Ok(q)
    } else {
        errs.sort_by_key(|e| (e.line, e.col));
        Err(errs)
    }
}

/// Resolve what can be resolved, recording errors; the result is meaningless if any were.
fn walk(e: Expr, vocab: &dyn Vocabulary, now: DateTime<Utc>, errs: &mut Vec<QueryError>) -> Query {
    match e {
        Expr::All => Query::All,
        Expr::And(v) => Query::And(v.into_iter().map(|e| walk(e, vocab, now, errs)).collect()),
        Expr::Or(v) => Query::Or(v.into_iter().map(|e| walk(e, vocab, now, errs)).collect()),
        Expr::Not(e) => Query::Not(Box::new(walk(*e, vocab, now, errs))),
        Expr::Atom(a) => atom(a, vocab, now).unwrap_or_else(|e| {
            errs.push(e);
            Query::All
        }),
    }
}

fn unknown(a: &Atom, what: &str, keys: &[String]) -> QueryError {
    QueryError::new(a.value_pos, format!("unknown {what} '{}'", a.value))
        .with_hint(did_you_mean(&a.value, keys.iter().map(String::as_str)))
}

fn atom(a: Atom, vocab: &dyn Vocabulary, now: DateTime<Utc>) -> Result<Query, QueryError> {
    let v = a.value.trim();
    Ok(match a.field {
        Field::Text | Field::Title => {
            let tokens: Vec<String> = crate::text::fts_text(v)
                .split(' ')
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect();
            if tokens.is_empty() {
                return Err(QueryError::new(
                    a.value_pos,
                    format!("'{}' contains no searchable word", a.value),
                ));
            }
            Query::Text(TextMatch {
                title_only: a.field == Field::Title,
                tokens,
                prefix: a.prefix,
            })
        }
        Field::Actor => match vocab.actor(v) {
            Some(k) => Query::Actor(k),
            None => return Err(unknown(&a, "actor", &vocab.actor_keys())),
        },
        Field::Topic => match vocab.topic(v) {
            Some(k) => Query::Topic(k),
            None => return Err(unknown(&a, "topic", &vocab.topic_keys())),
        },
        Field::Source => sources(&a, v, vocab)?,
        Field::Country => Query::Country(v.to_ascii_lowercase()),
        Field::Lang => Query::Lang(v.to_ascii_lowercase()),
        Field::Flag => Query::Flag(v.to_string()),
        Field::Flagged => Query::Flagged,
        Field::Since | Field::Until => {
            let out_of_range =
                || QueryError::new(a.value_pos, format!("date '{}' is out of range", a.value));
            let spec = date::parse_spec(v)
                .map_err(|(m, h)| QueryError::new(a.value_pos, m).with_hint(h))?;
            let t = date::instant(spec, now).ok_or_else(out_of_range)?;
            if a.field == Field::Since {
                Query::Since(t)
            } else {
                Query::Until(t)
            }
        }
        Field::Candidate => {
            // Stored names are `text::normalize(name)`; spaces are collapsed too so that a
            // stray double space in the query does not make a name unmatchable.
            let name = crate::text::normalize(v)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            if name.is_empty() {
                return Err(QueryError::new(a.pos, "empty value for 'candidate:'"));
            }
            Query::Candidate {
                name,
                prefix: a.prefix,
            }
        }
    })
}

/// `source:` by exact key, key prefix (`bbc*`) or feed name (normalized, so harakat and case do
/// not matter). Several feeds may share a name; all of them match.
fn sources(a: &Atom, v: &str, vocab: &dyn Vocabulary) -> Result<Query, QueryError> {
    let all = vocab.sources();
    let lower = v.to_lowercase();
    let norm = crate::text::normalize(v);
    let mut keys: Vec<String> = if a.prefix {
        all.iter()
            .filter(|(k, _)| k.to_lowercase().starts_with(&lower))
            .map(|(k, _)| k.clone())
            .collect()
    } else {
        let by_key: Vec<String> = all
            .iter()
            .filter(|(k, _)| k.to_lowercase() == lower)
            .map(|(k, _)| k.clone())
            .collect();
        if by_key.is_empty() {
            all.iter()
                .filter(|(_, n)| crate::text::normalize(n).trim() == norm)
                .map(|(k, _)| k.clone())
                .collect()
        } else {
            by_key
        }
    };
    keys.sort();
    keys.dedup();
    if keys.is_empty() {
        let names: Vec<String> = all
            .iter()
            .flat_map(|(k, n)| [k.clone(), n.clone()])
            .collect();
        let shown = if a.prefix {
            format!("{}*", a.value)
        } else {
            a.value.clone()
        };
        return Err(
            QueryError::new(a.value_pos, format!("unknown source '{shown}'"))
                .with_hint(did_you_mean(v, names.iter().map(String::as_str))),
        );
    }
    Ok(Query::Sources(keys))
}
