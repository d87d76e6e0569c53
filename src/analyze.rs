//! The tagging stage of ingest and the vocabulary of the filter language: actors from the
//! gazetteer, topics (each a filter-language query, decided by the in-memory evaluator), and
//! feeds. Built once per process; pure functions of an article's text and metadata.

use crate::query::{self, ArticleView, Prepared, Query, Vocabulary};
use crate::tag::{ActorHit, Candidate, Gazetteer, Tagger};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::path::Path;

const BUILTIN_TOPICS: &str = include_str!("../data/topics.toml");

#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Data { path: String, message: String },
    #[error("{path}: topic '{key}': {error}")]
    Topic {
        path: String,
        key: String,
        error: query::QueryError,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicsFile {
    #[serde(default)]
    topic: Vec<RawTopic>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct RawTopic {
    key: String,
    name_en: String,
    name_ar: String,
    query: String,
}

#[derive(Debug, Clone)]
pub struct Topic {
    pub key: String,
    pub name_en: String,
    pub name_ar: String,
    pub query: Query,
}

/// What tagging found in one article.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Analysis {
    pub actors: Vec<ActorHit>,
    pub candidates: Vec<Candidate>,
    pub topics: Vec<String>,
    /// Watch rules this article matched (only computed at ingest).
    pub rule_hits: Vec<crate::rules::RuleHit>,
}

/// The facts about an article that tagging and topic queries look at.
pub struct ArticleFacts<'a> {
    pub title: &'a str,
    pub text: &'a str,
    pub source_key: &'a str,
    pub source_name: &'a str,
    pub country: Option<&'a str>,
    pub lang: Option<&'a str>,
    pub published_at: DateTime<Utc>,
    /// The index shadows of title and text when already computed (ingest), to reuse them.
    pub fts: Option<(&'a str, &'a str)>,
}

pub struct Analyzer {
    pub tagger: Tagger,
    pub topics: Vec<Topic>,
    raw_topics: Vec<(String, Vec<String>)>,
    sources: Vec<(String, String)>,
}

impl Analyzer {
    /// The built-in gazetteer and topics, or those in `data_dir` (actors.toml, topics.toml)
    /// when given. `sources` are the configured feeds, for `source:` in topic queries.
    pub fn load(
        data_dir: Option<&Path>,
        sources: Vec<(String, String)>,
    ) -> Result<Analyzer, AnalyzeError> {
        let read = |name: &str| -> Result<Option<(String, String)>, AnalyzeError> {
            let Some(dir) = data_dir else { return Ok(None) };
            let p = dir.join(name);
            if !p.exists() {
                return Ok(None);
            }
            std::fs::read_to_string(&p)
                .map(|t| Some((p.display().to_string(), t)))
                .map_err(|source| AnalyzeError::Io {
                    path: p.display().to_string(),
                    source,
                })
        };
        let gazetteer = match read("actors.toml")? {
            Some((path, text)) => Gazetteer::from_toml(&text).map_err(|e| AnalyzeError::Data {
                path,
                message: e.to_string(),
            })?,
            None => Gazetteer::builtin(),
        };
        let (topics_path, topics_text) = read("topics.toml")?
            .unwrap_or_else(|| ("data/topics.toml".into(), BUILTIN_TOPICS.into()));
        let file: TopicsFile = toml::from_str(&topics_text).map_err(|e| AnalyzeError::Data {
            path: topics_path.clone(),
            message: e.to_string(),
        })?;
        let mut a = Analyzer {
            tagger: Tagger::new(&gazetteer),
            topics: vec![],
            raw_topics: file
                .topic
                .iter()
                .map(|t| (t.key.clone(), vec![t.name_en.clone(), t.name_ar.clone()]))
                .collect(),
            sources,
        };
        let now = Utc::now();
        let mut topics = vec![];
        for t in file.topic {
            let q = query::compile(&t.query, &a, now).map_err(|error| AnalyzeError::Topic {
                path: topics_path.clone(),
                key: t.key.clone(),
                error,
            })?;
            topics.push(Topic {
                key: t.key,
                name_en: t.name_en,
                name_ar: t.name_ar,
                query: q,
            });
        }
        a.topics = topics;
        Ok(a)
    }

    /// Actors, candidates and topics of one article.
    pub fn analyze(&self, f: &ArticleFacts<'_>) -> Analysis {
        self.analyze_with_rules(f, &[])
    }

    /// Like [`Analyzer::analyze`], also running watch rules on the tagged article.
    pub fn analyze_with_rules(
        &self,
        f: &ArticleFacts<'_>,
        rules: &[crate::rules::Rule],
    ) -> Analysis {
        let tags = self.tagger.tag(f.title, f.text);
        let actors: Vec<String> = tags.actors.iter().map(|h| h.key.clone()).collect();
        let candidates: Vec<String> = tags
            .candidates
            .iter()
            .map(|c| crate::text::normalize(&c.name))
            .collect();
        let view = ArticleView {
            title: f.title,
            text: f.text,
            source_key: f.source_key,
            source_name: f.source_name,
            country: f.country,
            lang: f.lang,
            actors: &actors,
            topics: &[],
            flags: &[],
            candidates: &candidates,
            published_at: f.published_at,
        };
        let prepared = match f.fts {
            Some((title, text)) => Prepared::from_fts(title, text),
            None => Prepared::new(&view),
        };
        let topics: Vec<String> = self
            .topics
            .iter()
            .filter(|t| query::eval_prepared(&t.query, &view, &prepared))
            .map(|t| t.key.clone())
            .collect();
        let rule_hits = if rules.is_empty() {
            vec![]
        } else {
            let view = ArticleView {
                topics: &topics,
                ..view
            };
            crate::rules::matching(rules, &view, &prepared)
        };
        Analysis {
            actors: tags.actors,
            candidates: tags.candidates,
            topics,
            rule_hits,
        }
    }

    pub fn topic(&self, key: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.key == key)
    }
}

impl Vocabulary for Analyzer {
    fn actor(&self, v: &str) -> Option<String> {
        self.tagger.resolve(v).map(str::to_string)
    }
    fn actor_keys(&self) -> Vec<String> {
        self.tagger.keys().map(str::to_string).collect()
    }
    fn topic(&self, v: &str) -> Option<String> {
        let norm = crate::text::normalize(v.trim());
        self.raw_topics
            .iter()
            .find(|(k, names)| {
                *k == v.trim().to_ascii_lowercase()
                    || names.iter().any(|n| crate::text::normalize(n) == norm)
            })
            .map(|(k, _)| k.clone())
    }
    fn topic_keys(&self) -> Vec<String> {
        self.raw_topics.iter().map(|(k, _)| k.clone()).collect()
    }
    fn sources(&self) -> Vec<(String, String)> {
        self.sources.clone()
    }
}
