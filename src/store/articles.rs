//! Reading articles through the filter language: one SELECT whose WHERE clause the query
//! compiler wrote with bound parameters, sorted by date or by bm25 relevance over the
//! normalized index.

use super::{Result, Store};
use crate::query::{Query, fts_match, to_sql};
use rusqlite::types::Value;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Sort {
    #[default]
    Newest,
    Oldest,
    Relevance,
}

/// An article in the JSON shape DESIGN.md fixes.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ArticleRow {
    pub id: i64,
    pub source: String,
    pub source_name: String,
    pub title: String,
    pub url: Option<String>,
    pub published_at: String,
    pub fetched_at: String,
    pub summary: String,
    pub actors: Vec<String>,
    pub topics: Vec<String>,
    pub flags: Vec<String>,
    /// Articles in this article's story, itself included (1 when alone or not clustered). Not
    /// part of the JSON shape: the list shows it, `rasd similar` names the members.
    #[serde(skip)]
    pub story_size: i64,
}

/// The MATCH expression that scores relevance: every text term not under a NOT.
fn relevance_match(q: &Query) -> Option<String> {
    fn walk(q: &Query, out: &mut Vec<String>) {
        match q {
            Query::And(v) | Query::Or(v) => v.iter().for_each(|c| walk(c, out)),
            Query::Text(t) => out.push(format!("({})", fts_match(t))),
            _ => {}
        }
    }
    let mut terms = vec![];
    walk(q, &mut terms);
    (!terms.is_empty()).then(|| terms.join(" OR "))
}

impl Store {
    /// Articles matching `q`, at most `limit`.
    pub fn query_articles(
        &self,
        q: &Query,
        sort: Sort,
        limit: Option<usize>,
    ) -> Result<Vec<ArticleRow>> {
        self.select_articles(q, sort, limit, None)
    }

    /// The next page of [`Store::query_articles`] newest first: the articles that sort after
    /// `(published_at, id)` (keyset pagination: reading page 100 costs what page 1 does).
    pub fn articles_after(
        &self,
        q: &Query,
        after: (&str, i64),
        limit: usize,
    ) -> Result<Vec<ArticleRow>> {
        self.select_articles(q, Sort::Newest, Some(limit), Some(after))
    }

    fn select_articles(
        &self,
        q: &Query,
        sort: Sort,
        limit: Option<usize>,
        after: Option<(&str, i64)>,
    ) -> Result<Vec<ArticleRow>> {
        let (clause, mut params) = to_sql(q);
        let rank = match sort {
            Sort::Relevance => relevance_match(q),
            _ => None,
        };
        let mut sql = String::from(
            "SELECT a.id, f.key, f.name, a.title, a.url, a.published_at, a.first_seen_at, a.summary,
               (SELECT json_group_array(actor_key) FROM
                  (SELECT actor_key FROM article_actors WHERE article_id = a.id ORDER BY in_title DESC, mentions DESC, actor_key)),
               (SELECT json_group_array(topic_key) FROM
                  (SELECT topic_key FROM article_topics WHERE article_id = a.id ORDER BY topic_key)),
               (SELECT json_group_array(label) FROM
                  (SELECT label FROM flags WHERE article_id = a.id AND removed_at IS NULL ORDER BY created_at)),
               CASE WHEN a.story_id IS NULL THEN 1 ELSE (SELECT count(*) FROM articles s WHERE s.story_id = a.story_id) END
             FROM articles a JOIN feeds f ON f.id = a.feed_id",
        );
        if let Some(m) = &rank {
            sql.push_str(
                " JOIN (SELECT rowid, bm25(articles_fts, 3.0, 1.0) AS score FROM articles_fts WHERE articles_fts MATCH ?) r ON r.rowid = a.id",
            );
            params.insert(0, Value::Text(m.clone()));
        }
        sql.push_str(" WHERE ");
        sql.push_str(&clause);
        if let Some((published, id)) = after {
            sql.push_str(" AND (a.published_at, a.id) < (?, ?)");
            params.push(Value::Text(published.to_string()));
            params.push(Value::Integer(id));
        }
        sql.push_str(match (&rank, sort) {
            (Some(_), _) => " ORDER BY r.score, a.published_at DESC, a.id DESC",
            (None, Sort::Oldest) => " ORDER BY a.published_at, a.id",
            (None, _) => " ORDER BY a.published_at DESC, a.id DESC",
        });
        if let Some(n) = limit {
            sql.push_str(" LIMIT ?");
            params.push(Value::Integer(n.min(i64::MAX as usize) as i64));
        }
        let mut st = self.conn.prepare(&sql)?;
        let rows = st.query_map(rusqlite::params_from_iter(params), |r| {
            let list = |i: usize| -> rusqlite::Result<Vec<String>> {
                let s: String = r.get(i)?;
                Ok(serde_json::from_str(&s).unwrap_or_default())
            };
            Ok(ArticleRow {
                id: r.get(0)?,
                source: r.get(1)?,
                source_name: r.get(2)?,
                title: r.get(3)?,
                url: r.get(4)?,
                published_at: r.get(5)?,
                fetched_at: r.get(6)?,
                summary: r.get(7)?,
                actors: list(8)?,
                topics: list(9)?,
                flags: list(10)?,
                story_size: r.get(11)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Feed keys and names, for resolving `source:`.
    pub fn sources(&self) -> Result<Vec<(String, String)>> {
        let mut st = self
            .conn
            .prepare("SELECT key, name FROM feeds ORDER BY key")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Store {
    /// Runs one SQL statement and returns its column names and rows as JSON values.
    pub fn run_sql(&self, sql: &str) -> Result<(Vec<String>, Vec<Vec<serde_json::Value>>)> {
        let mut st = self.conn.prepare(sql)?;
        let columns: Vec<String> = st.column_names().map(str::to_string).collect();
        let n = columns.len();
        let rows = st.query_map([], |r| {
            (0..n)
                .map(|i| {
                    Ok(match r.get_ref(i)? {
                        rusqlite::types::ValueRef::Null => serde_json::Value::Null,
                        rusqlite::types::ValueRef::Integer(v) => v.into(),
                        rusqlite::types::ValueRef::Real(v) => v.into(),
                        rusqlite::types::ValueRef::Text(t) => {
                            String::from_utf8_lossy(t).into_owned().into()
                        }
                        rusqlite::types::ValueRef::Blob(b) => format!("<{} bytes>", b.len()).into(),
                    })
                })
                .collect::<rusqlite::Result<Vec<_>>>()
        })?;
        Ok((columns, rows.collect::<rusqlite::Result<_>>()?))
    }

    /// Re-tags the articles matching `q` with `analyzer`, `batch` articles per transaction, so an
    /// interrupted run loses nothing and running it again finishes the job.
    pub fn retag(
        &mut self,
        q: &Query,
        analyzer: &crate::analyze::Analyzer,
        batch: usize,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<usize> {
        let (clause, params) = to_sql(q);
        let ids: Vec<i64> = {
            let mut sql =
                String::from("SELECT a.id FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE ");
            sql.push_str(&clause);
            sql.push_str(" ORDER BY a.id");
            let mut st = self.conn.prepare(&sql)?;
            st.query_map(rusqlite::params_from_iter(params), |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        let total = ids.len();
        let mut done = 0;
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        for chunk in ids.chunks(batch.max(1)) {
            // Read the batch, analyze it on every core, write it in one transaction.
            let rows: Vec<RetagRow> = {
                let mut st = self.conn.prepare_cached(
                    "SELECT a.id, a.title, a.summary, a.body, f.key, f.name, f.country, COALESCE(a.lang, f.lang), a.published_at
                     FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE a.id = ?1",
                )?;
                chunk
                    .iter()
                    .map(|&id| {
                        st.query_row([id], |r| {
                            let summary: String = r.get(2)?;
                            let body: String = r.get(3)?;
                            Ok(RetagRow {
                                id: r.get(0)?,
                                title: r.get(1)?,
                                text: if body.is_empty() {
                                    summary
                                } else {
                                    format!("{summary}\n{body}")
                                },
                                key: r.get(4)?,
                                name: r.get(5)?,
                                country: r.get(6)?,
                                lang: r.get(7)?,
                                published: r.get(8)?,
                            })
                        })
                    })
                    .collect::<rusqlite::Result<_>>()?
            };
            let per = rows.len().div_ceil(threads).max(1);
            let analyses: Vec<crate::analyze::Analysis> = std::thread::scope(|sc| {
                let handles: Vec<_> = rows
                    .chunks(per)
                    .map(|part| {
                        sc.spawn(move || {
                            part.iter().map(|r| r.analyze(analyzer)).collect::<Vec<_>>()
                        })
                    })
                    .collect();
                // A panic in a worker is re-raised here: never write one article's tags onto another.
                handles
                    .into_iter()
                    .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .collect()
            });
            let tx = self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            for (r, a) in rows.iter().zip(&analyses) {
                super::write::write_analysis(&tx, r.id, a, true)?;
            }
            tx.commit()?;
            done += chunk.len();
            progress(done, total);
        }
        Ok(total)
    }
}

/// One stored article as retagging reads it.
struct RetagRow {
    id: i64,
    title: String,
    text: String,
    key: String,
    name: String,
    country: Option<String>,
    lang: Option<String>,
    published: String,
}

impl RetagRow {
    fn analyze(&self, analyzer: &crate::analyze::Analyzer) -> crate::analyze::Analysis {
        analyzer.analyze(&crate::analyze::ArticleFacts {
            title: &self.title,
            text: &self.text,
            source_key: &self.key,
            source_name: &self.name,
            country: self.country.as_deref(),
            lang: self.lang.as_deref(),
            published_at: crate::util::parse_iso(&self.published).unwrap_or_else(chrono::Utc::now),
            fts: None,
        })
    }
}
