//! The in-memory back end: does one article match a [`Query`]? Used at ingest to tag topics and
//! fire watch rules before (or without) the database.
//!
//! It must answer exactly as the SQL back end does; each arm below mirrors one arm of `sql.rs`,
//! and the property test in `tests/agree.rs` holds the two together. It reads only the article
//! view it is given and never normalizes differently from the FTS shadow (`text::fts_text`).

// Per-article maps are small and rebuilt for each article; Fx hashing keeps the many
// phrase lookups of topic queries cheap.
use chrono::{DateTime, Utc};
use rustc_hash::FxHashMap;

use super::resolve::{Query, TextMatch};

/// An article as the evaluator sees it. `text` is `summary + ' ' + body`, as indexed in the FTS
/// `body` column; `flags` are the labels of active flags; `candidates` are normalized names.
#[derive(Debug, Clone, Copy)]
pub struct ArticleView<'a> {
    pub title: &'a str,
    pub text: &'a str,
    pub source_key: &'a str,
    pub source_name: &'a str,
    pub country: Option<&'a str>,
    pub lang: Option<&'a str>,
    pub actors: &'a [String],
    pub topics: &'a [String],
    pub flags: &'a [String],
    pub candidates: &'a [String],
    pub published_at: DateTime<Utc>,
}

/// The article's index tokens, computed once and reused for every query (all topics and rules),
/// with where each token occurs, so a phrase is checked only where its first word appears:
/// dozens of topic phrases over a long article stay cheap.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prepared {
    pub title_tokens: Vec<String>,
    pub text_tokens: Vec<String>,
    title_at: FxHashMap<String, Vec<u32>>,
    text_at: FxHashMap<String, Vec<u32>>,
}

impl Prepared {
    pub fn new(a: &ArticleView<'_>) -> Self {
        Self::from_fts(
            &crate::text::fts_text(a.title),
            &crate::text::fts_text(a.text),
        )
    }

    /// From the shadow texts already computed for the index (`text::fts_text`).
    pub fn from_fts(title_fts: &str, text_fts: &str) -> Self {
        let title_tokens = tokens(title_fts);
        let text_tokens = tokens(text_fts);
        Prepared {
            title_at: positions(&title_tokens),
            text_at: positions(&text_tokens),
            title_tokens,
            text_tokens,
        }
    }
}

fn tokens(fts: &str) -> Vec<String> {
    fts.split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

fn positions(tokens: &[String]) -> FxHashMap<String, Vec<u32>> {
    let mut m: FxHashMap<String, Vec<u32>> = FxHashMap::default();
    m.reserve(tokens.len());
    for (i, t) in tokens.iter().enumerate() {
        m.entry(t.clone()).or_default().push(i as u32);
    }
    m
}

/// Does `a` match `q`? Tokenizes the article; prefer [`eval_prepared`] for many queries.
pub fn eval(q: &Query, a: &ArticleView<'_>) -> bool {
    eval_prepared(q, a, &Prepared::new(a))
}

/// Does `a` match `q`, given its precomputed tokens `p`?
pub fn eval_prepared(q: &Query, a: &ArticleView<'_>, p: &Prepared) -> bool {
    match q {
        Query::All => true,
        Query::And(v) => v.iter().all(|q| eval_prepared(q, a, p)),
        Query::Or(v) => v.iter().any(|q| eval_prepared(q, a, p)),
        Query::Not(q) => !eval_prepared(q, a, p),
        Query::Text(t) => {
            contains_phrase(&p.title_tokens, &p.title_at, t)
                || (!t.title_only && contains_phrase(&p.text_tokens, &p.text_at, t))
        }
        Query::Actor(k) => a.actors.iter().any(|x| x == k),
        Query::Topic(k) => a.topics.iter().any(|x| x == k),
        Query::Sources(keys) => keys.iter().any(|k| k == a.source_key),
        Query::Country(c) => a.country.is_some_and(|x| x.to_ascii_lowercase() == *c),
        Query::Lang(l) => a.lang.is_some_and(|x| {
            let x = x.to_ascii_lowercase();
            x == *l
                || x.strip_prefix(l.as_str())
                    .is_some_and(|r| r.starts_with('-'))
        }),
        Query::Flag(label) => a.flags.iter().any(|x| x == label),
        Query::Flagged => !a.flags.is_empty(),
        // The database keeps whole seconds; compare whole seconds here too.
        Query::Since(t) => a.published_at.timestamp() >= t.timestamp(),
        Query::Until(t) => a.published_at.timestamp() < t.timestamp(),
        Query::Candidate { name, prefix } => a.candidates.iter().any(|c| {
            if *prefix {
                c.starts_with(name.as_str())
            } else {
                c == name
            }
        }),
    }
}

/// FTS5 phrase semantics within one column: the tokens appear consecutively; with `prefix` the
/// last one only has to start with the query token.
fn contains_phrase(doc: &[String], at: &FxHashMap<String, Vec<u32>>, t: &TextMatch) -> bool {
    let n = t.tokens.len();
    if n == 0 || doc.len() < n {
        return false;
    }
    let matches_at = |start: usize, i: usize, q: &String| {
        doc.get(start + i).is_some_and(|d| {
            if t.prefix && i + 1 == n {
                d.starts_with(q.as_str())
            } else {
                d == q
            }
        })
    };
    // The first word is exact unless it is also the (prefix) last one: start only where it occurs.
    if !(t.prefix && n == 1) {
        return at.get(&t.tokens[0]).is_some_and(|starts| {
            starts.iter().any(|&s| {
                t.tokens
                    .iter()
                    .enumerate()
                    .all(|(i, q)| matches_at(s as usize, i, q))
            })
        });
    }
    doc.windows(n).any(|w| {
        w.iter().zip(&t.tokens).enumerate().all(|(i, (d, q))| {
            if t.prefix && i + 1 == n {
                d.starts_with(q.as_str())
            } else {
                d == q
            }
        })
    })
}
