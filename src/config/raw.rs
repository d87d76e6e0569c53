//! The shape of `feeds.toml` exactly as written: unknown keys are errors, and values that need a
//! position in error messages keep their span.

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub settings: Option<RawSettings>,
    #[serde(default)]
    pub feed: Vec<RawFeed>,
    #[serde(default)]
    pub labels: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    pub rule: Vec<RawRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSettings {
    pub interval: Option<Spanned<String>>,
    pub concurrency: Option<Spanned<i64>>,
    pub per_host: Option<Spanned<i64>>,
    pub max_items: Option<Spanned<i64>>,
    pub timeout: Option<Spanned<String>>,
    pub max_bytes: Option<Spanned<String>>,
    pub fulltext: Option<bool>,
    pub stories: Option<bool>,
    pub user_agent: Option<String>,
    /// Read by the terminal UI; accepted here so one file configures everything.
    pub rtl: Option<Spanned<String>>,
    pub bell: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFeed {
    pub key: Spanned<String>,
    pub name: Option<String>,
    pub url: Spanned<String>,
    pub country: Option<Spanned<String>>,
    pub lang: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub interval: Option<Spanned<String>>,
    pub fulltext: Option<bool>,
    pub enabled: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub name: Spanned<String>,
    pub query: Option<Spanned<String>>,
    pub spike: Option<Spanned<String>>,
    pub flag: Option<String>,
    pub alert: Option<bool>,
    pub exec: Option<Spanned<Vec<String>>>,
    pub multiple: Option<f64>,
    pub min_count: Option<i64>,
}
