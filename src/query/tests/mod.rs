//! Tests for the filter language, with a shared harness: a fixed vocabulary, the real schema in a
//! SQLite file, and helpers that run a query through both back ends.

mod agree;
mod errors;
mod parse;
mod sqlite;

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{Connection, params, params_from_iter};

use super::{ArticleView, Query, Vocabulary, to_sql_all};

/// The instant every test resolves relative dates against.
pub(super) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2021, 3, 15, 12, 30, 45)
        .single()
        .unwrap_or(DateTime::UNIX_EPOCH)
}

pub(super) const ACTORS: &[(&str, &[&str])] = &[
    ("nato", &["الناتو", "حلف الناتو", "حلف شمال الأطلسي", "NATO"]),
    ("iraq", &["العراق", "Iraq"]),
    ("biden", &["بايدن", "Joe Biden"]),
    ("trump", &["ترامب", "Donald Trump"]),
    ("china", &["الصين", "China"]),
    (
        "kadhimi",
        &["الكاظمي", "مصطفى الكاظمي", "Mustafa al-Kadhimi"],
    ),
];

pub(super) const TOPICS: &[(&str, &[&str])] = &[
    ("elections", &["الانتخابات", "Elections"]),
    ("foreign-military-presence", &["الوجود العسكري الأجنبي"]),
];

/// (key, name, country)
pub(super) const FEEDS: &[(&str, &str, Option<&str>)] = &[
    ("alwaght", "الوقت", Some("IR")),
    ("bbc-ar", "BBC Arabic", Some("gb")),
    ("bbc-en", "BBC News", None),
    ("rt", "RT Arabic", Some("RU")),
    ("aljazeera", "الجزيرة", Some("qa")),
];

pub(super) struct TestVocab;

fn lookup(table: &[(&str, &[&str])], v: &str) -> Option<String> {
    let norm = crate::text::normalize(v.trim());
    table
        .iter()
        .find(|(k, aliases)| {
            k.eq_ignore_ascii_case(v.trim())
                || aliases.iter().any(|a| crate::text::normalize(a) == norm)
        })
        .map(|(k, _)| k.to_string())
}

impl Vocabulary for TestVocab {
    fn actor(&self, v: &str) -> Option<String> {
        lookup(ACTORS, v)
    }
    fn actor_keys(&self) -> Vec<String> {
        ACTORS.iter().map(|(k, _)| k.to_string()).collect()
    }
    fn topic(&self, v: &str) -> Option<String> {
        lookup(TOPICS, v)
    }
    fn topic_keys(&self) -> Vec<String> {
        TOPICS.iter().map(|(k, _)| k.to_string()).collect()
    }
    fn sources(&self) -> Vec<(String, String)> {
        FEEDS
            .iter()
            .map(|(k, n, _)| (k.to_string(), n.to_string()))
            .collect()
    }
}

/// An article as a test writes it; `flags` are (label, removed).
#[derive(Debug, Clone)]
pub(super) struct TestArticle {
    pub feed: usize,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub lang: Option<String>,
    pub published_at: DateTime<Utc>,
    pub actors: Vec<String>,
    pub topics: Vec<String>,
    pub flags: Vec<(String, bool)>,
    pub candidates: Vec<String>,
}

impl TestArticle {
    pub fn new(title: &str, body: &str) -> Self {
        TestArticle {
            feed: 0,
            title: title.into(),
            summary: String::new(),
            body: body.into(),
            lang: Some("ar".into()),
            published_at: now(),
            actors: vec![],
            topics: vec![],
            flags: vec![],
            candidates: vec![],
        }
    }
}

/// The owned data an [`ArticleView`] borrows.
pub(super) struct ViewData {
    text: String,
    flags: Vec<String>,
    candidates: Vec<String>,
}

impl ViewData {
    pub fn new(a: &TestArticle) -> Self {
        let mut candidates: Vec<String> = a
            .candidates
            .iter()
            .map(|c| crate::text::normalize(c))
            .collect();
        candidates.dedup();
        ViewData {
            text: format!("{} {}", a.summary, a.body),
            flags: a
                .flags
                .iter()
                .filter(|(_, removed)| !removed)
                .map(|(l, _)| l.clone())
                .collect(),
            candidates,
        }
    }

    pub fn view<'a>(&'a self, a: &'a TestArticle) -> ArticleView<'a> {
        let (key, name, country) = FEEDS[a.feed];
        ArticleView {
            title: &a.title,
            text: &self.text,
            source_key: key,
            source_name: name,
            country,
            lang: a.lang.as_deref(),
            actors: &a.actors,
            topics: &a.topics,
            flags: &self.flags,
            candidates: &self.candidates,
            published_at: a.published_at,
        }
    }
}

/// A fresh database file holding the schema, the fixed feeds and `articles` (ids 1..).
pub(super) fn make_db(
    path: &std::path::Path,
    articles: &[TestArticle],
) -> rusqlite::Result<Connection> {
    // The real migrations, so the back ends are checked against the schema rasd ships.
    let mut c = crate::store::Store::open(path)
        .expect("migrated database")
        .conn;
    c.execute_batch("PRAGMA synchronous=OFF;")?;
    let tx = c.transaction()?;
    for (i, (k, n, country)) in FEEDS.iter().enumerate() {
        tx.execute(
            "INSERT INTO feeds (id, key, name, url, country) VALUES (?, ?, ?, ?, ?)",
            params![
                i as i64 + 1,
                k,
                n,
                format!("https://example.com/{k}"),
                country
            ],
        )?;
    }
    for (i, a) in articles.iter().enumerate() {
        let id = i as i64 + 1;
        let ts = super::date::sql_text(a.published_at);
        tx.execute(
            "INSERT INTO articles (id, feed_id, item_key, title, summary, body, lang, published_at, first_seen_at, content_hash)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '')",
            params![id, a.feed as i64 + 1, format!("item-{id}"), a.title, a.summary, a.body, a.lang, ts, ts],
        )?;
        tx.execute(
            "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
            params![
                id,
                crate::text::fts_text(&a.title),
                crate::text::fts_text(&format!("{} {}", a.summary, a.body))
            ],
        )?;
        for k in &a.actors {
            tx.execute(
                "INSERT OR IGNORE INTO article_actors VALUES (?, ?, 1, 0)",
                params![id, k],
            )?;
        }
        for k in &a.topics {
            tx.execute(
                "INSERT OR IGNORE INTO article_topics VALUES (?, ?)",
                params![id, k],
            )?;
        }
        for (label, removed) in &a.flags {
            let removed_at = removed.then_some("2021-03-02T00:00:00Z");
            tx.execute(
                "INSERT INTO flags (article_id, label, created_at, removed_at) VALUES (?, ?, ?, ?)",
                params![id, label, "2021-03-01T00:00:00Z", removed_at],
            )?;
        }
        for name in &a.candidates {
            tx.execute(
                "INSERT OR IGNORE INTO candidates (article_id, name, name_norm, mentions) VALUES (?, ?, ?, 1)",
                params![id, name, crate::text::normalize(name)],
            )?;
        }
    }
    tx.commit()?;
    Ok(c)
}

/// Matching ids from the database, ascending.
pub(super) fn sql_ids(c: &Connection, q: &Query) -> rusqlite::Result<Vec<i64>> {
    let (sql, params) = to_sql_all(q);
    let mut st = c.prepare(&sql)?;
    let mut ids = st
        .query_map(params_from_iter(params), |r| r.get::<_, i64>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    ids.sort_unstable();
    Ok(ids)
}

/// Matching ids from the evaluator, ascending.
pub(super) fn eval_ids(articles: &[TestArticle], q: &Query) -> Vec<i64> {
    articles
        .iter()
        .enumerate()
        .filter(|(_, a)| {
            let d = ViewData::new(a);
            super::eval(q, &d.view(a))
        })
        .map(|(i, _)| i as i64 + 1)
        .collect()
}
