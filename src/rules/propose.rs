//! "Watch for more like this": a watch rule drafted from one article — its key actors (named in
//! the title, or most often) and its distinctive terms (words the archive rarely uses, weighted by
//! how often the article does, that the gazetteer does not already cover) — as a filter-language
//! query, checked against the archive so that it matches the article itself. Saving it to
//! feeds.toml is [`save`]: the file is edited with `toml_edit`, every comment and line kept.

use crate::analyze::Analyzer;
use crate::store::articles::{ArticleRow, Sort};
use crate::store::{Result, Store};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use std::path::Path;

/// Key actors in a proposed query (ANDed: each narrows the watch).
pub const MAX_ACTORS: usize = 2;
/// Distinctive terms in a proposed query (ORed: any one of them will do).
pub const MAX_TERMS: usize = 3;
/// Matching articles listed with a proposal.
pub const SHOWN_MATCHES: usize = 50;

/// A distinctive word of the article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Term {
    /// The word as the article writes it (what goes into the query).
    pub word: String,
    /// Its index form (normalized, light-stemmed).
    pub stem: String,
    /// Times in the article (a title occurrence counts three times).
    pub weight: u32,
    /// Archived articles containing it.
    pub docs: i64,
    pub score: f64,
}

/// An actor put in a proposed query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyActor {
    pub key: String,
    pub mentions: u32,
    pub in_title: bool,
}

/// A drafted rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    pub article: i64,
    pub title: String,
    pub actors: Vec<KeyActor>,
    pub terms: Vec<Term>,
    pub query: String,
    /// How many archived articles the query matches now (the article itself among them).
    pub match_count: usize,
    /// The newest of them, at most [`SHOWN_MATCHES`].
    pub matches: Vec<ArticleRow>,
}

/// Drafts a rule from article `id`; `None` when there is no such article.
pub fn propose(store: &Store, analyzer: &Analyzer, id: i64) -> Result<Option<Proposal>> {
    let Some(a) = store.article(id)? else {
        return Ok(None);
    };
    let covered = gazetteer_stems(analyzer, a.actors.iter().map(|(k, _, _)| k.as_str()));
    let text = if a.body.is_empty() {
        a.summary.clone()
    } else {
        format!("{}\n{}", a.summary, a.body)
    };
    let terms = distinctive_terms(store, analyzer, &a.title, &text, &covered)?;

    // Most distinctive first, but a term no other article uses cannot show a related one: those
    // only fill up when the archive has too few shared terms.
    let (shared, unique): (Vec<Term>, Vec<Term>) = terms.into_iter().partition(|t| t.docs >= 2);
    let mut chosen: Vec<Term> = shared.into_iter().take(MAX_TERMS).collect();
    if chosen.len() < 2 {
        chosen.extend(unique.into_iter().take(MAX_TERMS - chosen.len()));
    }

    // Key actors: named in the title or more than once first, then the rest. Each one narrows
    // the watch, so an actor is kept only while the query still finds another article: a very
    // specific name (a mission rather than the alliance) that no other outlet used would make a
    // rule that matches nothing but its source. With nothing related in the archive yet, the
    // most prominent actors are taken as they are.
    let mut ranked: Vec<&(String, u32, bool)> = a.actors.iter().collect();
    ranked.sort_by_key(|(_, mentions, in_title)| !(*in_title || *mentions >= 2));
    let mut actors: Vec<(String, u32, bool)> = vec![];
    for cand in &ranked {
        if actors.len() == MAX_ACTORS {
            break;
        }
        let mut with: Vec<(String, u32, bool)> = actors.clone();
        with.push((*cand).clone());
        let matches = matching_ids(store, analyzer, &build(&actor_terms(&with), &chosen))?;
        if matches.contains(&id) && matches.len() >= 2 {
            actors = with;
        }
    }
    if actors.is_empty() {
        actors = ranked
            .iter()
            .filter(|(_, mentions, in_title)| *in_title || *mentions >= 2)
            .take(MAX_ACTORS)
            .map(|a| (*a).clone())
            .collect();
        if actors.is_empty() {
            actors.extend(ranked.first().map(|a| (*a).clone()));
        }
    }

    // Fall back step by step until the query matches the article it came from.
    let actor_part = actor_terms(&actors);
    let mut attempts = vec![];
    for n in (0..=chosen.len()).rev() {
        attempts.push(build(&actor_part, &chosen[..n]));
    }
    for (n, query) in attempts.into_iter().enumerate() {
        if query.is_empty() {
            continue;
        }
        let matches = matching_ids(store, analyzer, &query)?;
        if matches.contains(&id) {
            chosen.truncate(chosen.len() - n);
            return Ok(Some(Proposal {
                article: id,
                title: a.title,
                actors: actors
                    .into_iter()
                    .map(|(key, mentions, in_title)| KeyActor {
                        key,
                        mentions,
                        in_title,
                    })
                    .collect(),
                terms: chosen,
                matches: newest(store, analyzer, &query)?,
                query,
                match_count: matches.len(),
            }));
        }
    }
    Ok(Some(Proposal {
        article: id,
        title: a.title,
        actors: vec![],
        terms: vec![],
        query: String::new(),
        match_count: 0,
        matches: vec![],
    }))
}

fn actor_terms(actors: &[(String, u32, bool)]) -> Vec<String> {
    actors
        .iter()
        .map(|(k, _, _)| format!("actor:{k}"))
        .collect()
}

/// The ids of the archived articles a drafted query matches (none when it does not compile):
/// ids only, since a proposal tries several drafts over what may be a large archive.
pub fn matching_ids(store: &Store, analyzer: &Analyzer, query: &str) -> Result<Vec<i64>> {
    let Some(q) = compile(analyzer, query) else {
        return Ok(vec![]);
    };
    let (sql, params) = crate::query::to_sql_all(&q);
    let mut st = store.conn.prepare_cached(&sql)?;
    let ids = st.query_map(rusqlite::params_from_iter(params), |r| r.get(0))?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}

/// The newest articles a query matches, to show with the proposal.
pub fn newest(store: &Store, analyzer: &Analyzer, query: &str) -> Result<Vec<ArticleRow>> {
    match compile(analyzer, query) {
        Some(q) => store.query_articles(&q, Sort::Newest, Some(SHOWN_MATCHES)),
        None => Ok(vec![]),
    }
}

fn compile(analyzer: &Analyzer, query: &str) -> Option<crate::query::Query> {
    if query.trim().is_empty() {
        return None;
    }
    crate::query::compile(query, analyzer, chrono::Utc::now()).ok()
}

/// The query text: actors ANDed with any one of the terms; without actors, the terms ANDed
/// (any one alone would match far too much).
fn build(actors: &[String], terms: &[Term]) -> String {
    let words: Vec<String> = terms.iter().map(|t| query_word(&t.word)).collect();
    let mut parts = actors.to_vec();
    match (actors.is_empty(), words.len()) {
        (_, 0) => {}
        (false, 1) | (true, _) => parts.extend(words),
        (false, _) => parts.push(format!("({})", words.join(" OR "))),
    }
    parts.join(" ")
}

/// A word as the query language reads it: the upper-case keywords and `flagged` are quoted.
fn query_word(w: &str) -> String {
    if matches!(w, "AND" | "OR" | "NOT" | "flagged") {
        format!("\"{w}\"")
    } else {
        w.to_string()
    }
}

/// The index stems of every name the gazetteer knows for these actors: words that are already
/// covered by `actor:` and say nothing more as terms.
fn gazetteer_stems<'a>(
    analyzer: &Analyzer,
    keys: impl Iterator<Item = &'a str>,
) -> FxHashSet<String> {
    let mut out = FxHashSet::default();
    for key in keys {
        let Some(act) = analyzer.tagger.actor(key) else {
            continue;
        };
        let names = [&act.name_ar, &act.name_en]
            .into_iter()
            .chain(&act.aliases_ar)
            .chain(&act.aliases_en);
        for name in names {
            out.extend(
                crate::text::fts_text(name)
                    .split(' ')
                    .filter(|w| !w.is_empty())
                    .map(str::to_string),
            );
        }
    }
    out
}

/// The article's words ranked by weight × inverse document frequency (the bm25 idf), skipping
/// stop words, numbers, short words and anything the gazetteer resolves to an actor.
fn distinctive_terms(
    store: &Store,
    analyzer: &Analyzer,
    title: &str,
    text: &str,
    covered: &FxHashSet<String>,
) -> Result<Vec<Term>> {
    let title_fts = crate::text::fts_text(title);
    let text_fts = crate::text::fts_text(text);
    let eligible = crate::story::features(&title_fts, &text_fts);
    // stem → (first surface form, weight)
    let mut seen: FxHashMap<String, (String, u32)> = FxHashMap::default();
    for (src, weight) in [(title, 3), (text, 1)] {
        for tok in crate::text::tokenize(src) {
            let surface = &src[tok.start..tok.end];
            let stem = crate::text::fts_text(surface);
            if stem.contains(' ')
                || !eligible.contains(&stem)
                || covered.contains(&stem)
                || analyzer.tagger.resolve(surface).is_some()
            {
                continue;
            }
            seen.entry(stem)
                .or_insert_with(|| (surface.to_string(), 0))
                .1 += weight;
        }
    }
    let total: i64 = store
        .conn
        .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))?;
    let mut df = store
        .conn
        .prepare_cached("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?1")?;
    let mut terms = Vec::with_capacity(seen.len());
    for (stem, (word, weight)) in seen {
        let docs: i64 =
            df.query_row([format!("\"{}\"", stem.replace('"', "\"\""))], |r| r.get(0))?;
        let (n, d) = (total as f64, docs as f64);
        let idf = (1.0 + (n - d + 0.5) / (d + 0.5)).ln();
        terms.push(Term {
            word,
            stem,
            weight,
            docs,
            score: f64::from(weight) * idf,
        });
    }
    terms.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.stem.cmp(&b.stem)));
    Ok(terms)
}

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("cannot read {0}: {1}")]
    Read(String, std::io::Error),
    #[error("{0} is not valid TOML: {1}")]
    Toml(String, String),
    #[error("{0}: 'rule' is not an array of [[rule]] tables")]
    NotRules(String),
    #[error("{0} already has a rule named '{1}'")]
    Exists(String, String),
    #[error("the new rule would make {0} invalid: {1}")]
    Invalid(String, String),
    #[error("cannot write {0}: {1}")]
    Write(String, std::io::Error),
}

/// Appends a `[[rule]]` (name, query, flag, alert) to the feeds file at `path`. The file is
/// edited, not rewritten: everything already in it — comments, blank lines, key order, quoting —
/// stays byte for byte, and the new table goes at the end. The result is loaded as a
/// configuration before it replaces the file, so a bad edit never lands.
pub fn save(
    path: &Path,
    name: &str,
    query: &str,
    flag: &str,
    alert: bool,
) -> std::result::Result<(), SaveError> {
    let shown = path.display().to_string();
    let original = std::fs::read_to_string(path).map_err(|e| SaveError::Read(shown.clone(), e))?;
    let mut doc: toml_edit::DocumentMut = original
        .parse()
        .map_err(|e: toml_edit::TomlError| SaveError::Toml(shown.clone(), e.to_string()))?;
    // Past every table already in the file, so the new one renders last.
    let last = doc
        .iter()
        .filter_map(|(_, item)| match item {
            toml_edit::Item::Table(t) => t.position(),
            toml_edit::Item::ArrayOfTables(a) => a.iter().filter_map(|t| t.position()).max(),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    let rules = doc
        .entry("rule")
        .or_insert(toml_edit::Item::ArrayOfTables(Default::default()))
        .as_array_of_tables_mut()
        .ok_or_else(|| SaveError::NotRules(shown.clone()))?;
    if rules
        .iter()
        .any(|t| t.get("name").and_then(|n| n.as_str()) == Some(name))
    {
        return Err(SaveError::Exists(shown, name.to_string()));
    }
    let mut t = toml_edit::Table::new();
    t["name"] = toml_edit::value(name);
    t["query"] = toml_edit::value(query);
    t["flag"] = toml_edit::value(flag);
    t["alert"] = toml_edit::value(alert);
    t.set_position(Some(last + 1));
    // One blank line between the file and the new table, as a person would leave it.
    let gap = if original.trim().is_empty() || original.ends_with("\n\n") {
        ""
    } else if original.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    rules.push(t);
    // Comments after the last table are the document's trailing text, which toml_edit writes
    // after every table: moved in front of the new table, they stay where they were.
    let trailing = doc.trailing().as_str().unwrap_or("").to_string();
    doc.set_trailing("");
    if let Some(new) = doc
        .get_mut("rule")
        .and_then(|r| r.as_array_of_tables_mut())
        .and_then(|r| r.iter_mut().last())
    {
        new.decor_mut().set_prefix(format!("{trailing}{gap}"));
    }
    let text = doc.to_string();
    // The promise is an append: refuse rather than rewrite anything the user wrote.
    if !text.starts_with(&original) {
        return Err(SaveError::Invalid(
            shown,
            "the file could not be extended without reformatting it; add the rule by hand".into(),
        ));
    }

    // Written beside the original (relative feed paths resolve the same), checked, then moved
    // over it in one step.
    let stem = path
        .file_stem()
        .map_or_else(|| "feeds".into(), |s| s.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{stem}.rasd-new.toml"));
    std::fs::write(&tmp, &text).map_err(|e| SaveError::Write(shown.clone(), e))?;
    if let Err(e) = crate::config::Config::load(&tmp) {
        let _ = std::fs::remove_file(&tmp);
        return Err(SaveError::Invalid(shown, e.to_string()));
    }
    std::fs::rename(&tmp, path).map_err(|e| SaveError::Write(shown, e))
}
