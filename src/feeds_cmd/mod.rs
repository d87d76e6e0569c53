//! `rasd feeds`: the health table, and OPML import into feeds.toml without disturbing its
//! comments or layout.

pub mod opml;

use crate::config::key_from_url;
use crate::store::read::FeedHealth;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {0}: {1}")]
    Read(String, std::io::Error),
    #[error("{0}: {1}")]
    Opml(String, String),
    #[error("{0} is not valid TOML: {1}")]
    Toml(String, String),
    #[error("cannot write {0}: {1}")]
    Write(String, std::io::Error),
}

/// Appends the OPML file's feeds that are not already configured (by URL) to `target`.
pub fn import_opml(opml_path: &Path, target: &Path) -> Result<usize, ImportError> {
    let opml_text = std::fs::read_to_string(opml_path)
        .map_err(|e| ImportError::Read(opml_path.display().to_string(), e))?;
    let entries = opml::parse(&opml_text)
        .map_err(|m| ImportError::Opml(opml_path.display().to_string(), m))?;
    let existing = match std::fs::read_to_string(target) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(ImportError::Read(target.display().to_string(), e)),
    };
    let mut doc: toml_edit::DocumentMut = existing.parse().map_err(|e: toml_edit::TomlError| {
        ImportError::Toml(target.display().to_string(), e.to_string())
    })?;
    let feeds = doc
        .entry("feed")
        .or_insert(toml_edit::Item::ArrayOfTables(Default::default()));
    let Some(feeds) = feeds.as_array_of_tables_mut() else {
        return Err(ImportError::Toml(
            target.display().to_string(),
            "'feed' is not an array of tables".into(),
        ));
    };
    let mut keys: std::collections::HashSet<String> = feeds
        .iter()
        .filter_map(|t| t.get("key").and_then(|k| k.as_str()).map(str::to_string))
        .collect();
    let urls: std::collections::HashSet<String> = feeds
        .iter()
        .filter_map(|t| t.get("url").and_then(|k| k.as_str()).map(str::to_string))
        .collect();
    let mut added = 0;
    for (name, url) in entries {
        if urls.contains(&url) {
            continue;
        }
        let stem = key_from_url(&url);
        let mut key = stem.clone();
        let mut n = 2;
        while !keys.insert(key.clone()) {
            key = format!("{stem}-{n}");
            n += 1;
        }
        let mut t = toml_edit::Table::new();
        t["key"] = toml_edit::value(key);
        if !name.is_empty() {
            t["name"] = toml_edit::value(name);
        }
        t["url"] = toml_edit::value(url);
        feeds.push(t);
        added += 1;
    }
    std::fs::write(target, doc.to_string())
        .map_err(|e| ImportError::Write(target.display().to_string(), e))?;
    Ok(added)
}

/// A fixed-width table of feed health for a terminal.
pub fn health_table(rows: &[FeedHealth]) -> String {
    let headers = [
        "FEED",
        "STATUS",
        "ARTICLES",
        "FAILS",
        "LAST POLL",
        "LAST ERROR",
    ];
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.key.clone(),
                r.status.clone(),
                r.articles.to_string(),
                r.consecutive_failures.to_string(),
                r.last_polled_at.clone().unwrap_or_else(|| "never".into()),
                r.last_error
                    .clone()
                    .unwrap_or_default()
                    .chars()
                    .take(70)
                    .collect(),
            ]
        })
        .collect();
    let failing = rows.iter().filter(|r| r.consecutive_failures > 0).count();
    format!(
        "{}{} feeds, {} failing\n",
        crate::output::text_table(&headers, &cells),
        rows.len(),
        failing
    )
}
