//! Bytes → items: decode the charset, parse with feed-rs (repairing and retrying once on the
//! known near-XML failures), then clean every field and give each item rasd's own identity.
//!
//! feed-rs invents ids for items without a GUID; those never become keys here. An item is
//! identified by its GUID, else its canonical URL, else a hash of its title and raw date.

pub mod clean;
pub mod dates;
pub mod decode;
pub mod discover;
mod repair;

use chrono::{DateTime, Utc};
use feed_rs::model::{Entry, Feed};
use std::collections::HashSet;
use url::Url;

/// Marks an id feed-rs had to invent because the item carried none.
const NO_ID: &str = "\u{0}rasd:no-id";

/// One cleaned item, ready to store.
#[derive(Debug, Clone)]
pub struct Item {
    pub key: String,
    pub guid: Option<String>,
    pub url: Option<String>,
    pub title: String,
    pub summary: String,
    pub author: Option<String>,
    pub lang: Option<String>,
    pub published_raw: Option<String>,
    pub published: Option<DateTime<Utc>>,
    /// Changes when any stored field changes: an edit updates the row in place.
    pub hash: String,
    /// Normalized, stemmed shadows for the full-text index.
    pub fts_title: String,
    pub fts_body: String,
    /// Story fingerprint (`None` for very short items, and when `[settings] stories = false`);
    /// computed by the poller after parsing.
    pub signature: Option<crate::story::Fingerprint>,
    /// Actors, candidates and topics, filled in by the tagging stage after parsing.
    pub analysis: crate::analyze::Analysis,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FeedError {
    #[error("not a feed: {0}")]
    NotAFeed(String),
    #[error("parse error: {0}")]
    Parse(String),
    #[error("{0}")]
    Encoding(String),
    #[error("the document has items but none could be read ({0} found in the bytes)")]
    Empty(usize),
}

#[derive(Debug)]
pub struct Parsed {
    pub title: Option<String>,
    pub items: Vec<Item>,
    pub encoding: &'static str,
    pub repaired: bool,
}

/// Parses feed bytes fetched from `base` (used to resolve relative links).
pub fn parse(
    bytes: &[u8],
    http_charset: Option<&str>,
    base: Option<&Url>,
    max_items: usize,
) -> Result<Parsed, FeedError> {
    let decoded = decode::decode_checked(bytes, http_charset)
        .map_err(|e| FeedError::Encoding(e.to_string()))?;
    let text = decoded.text;
    let markers = count_item_markers(&text);
    let (feed, repaired, doc) = match parse_text(&text, base) {
        Ok(f) if !f.entries.is_empty() || markers == 0 => (f, false, text),
        first => {
            let fixed = repair::repair(&text);
            match parse_text(&fixed, base) {
                Ok(f) if !f.entries.is_empty() || markers == 0 => (f, true, fixed),
                Ok(_) => return Err(FeedError::Empty(markers)),
                Err(e) => {
                    if looks_like_html(&text) {
                        return Err(FeedError::NotAFeed("the server sent an HTML page".into()));
                    }
                    match root_element(&fixed) {
                        // An RSS or Atom document with nothing in it is an empty feed, not an error.
                        Some(root)
                            if markers == 0
                                && is_feed_root(&root)
                                && closes_root(&fixed, &root) =>
                        {
                            return Ok(Parsed {
                                title: None,
                                items: vec![],
                                encoding: decoded.encoding,
                                repaired: true,
                            });
                        }
                        Some(root) if !is_feed_root(&root) => {
                            return Err(FeedError::NotAFeed(format!(
                                "the document is XML but not RSS or Atom (root element <{root}>)"
                            )));
                        }
                        None if text.trim().is_empty() => {
                            return Err(FeedError::NotAFeed("empty response".into()));
                        }
                        _ => {}
                    }
                    let msg = first.err().unwrap_or(e);
                    return Err(FeedError::Parse(msg));
                }
            }
        }
    };
    let raw_dates = raw_item_dates(&doc);
    let raw_dates = (raw_dates.len() == feed.entries.len()).then_some(raw_dates);
    let feed_lang = feed.language.clone();
    let mut seen = HashSet::new();
    let items = feed
        .entries
        .into_iter()
        .take(max_items)
        .enumerate()
        .map(|(i, e)| {
            let raw = raw_dates.as_ref().and_then(|d| d[i].clone());
            clean_entry(e, raw, base, feed_lang.as_deref(), &mut seen)
        })
        .collect();
    let title = feed.title.map(|t| clean::one_line(&t.content, true));
    Ok(Parsed {
        title,
        items,
        encoding: decoded.encoding,
        repaired,
    })
}

fn parse_text(text: &str, base: Option<&Url>) -> Result<Feed, String> {
    let parser = feed_rs::parser::Builder::new()
        .base_uri(base.map(Url::as_str))
        .id_generator(|_, _, _| NO_ID.to_string())
        .timestamp_parser(dates::parse)
        .sanitize_content(false)
        .build();
    parser.parse(text.as_bytes()).map_err(|e| e.to_string())
}

/// The name of the first element, skipping the declaration, comments, DOCTYPE and PIs.
fn root_element(text: &str) -> Option<String> {
    let mut rest = text;
    loop {
        let i = rest.find('<')?;
        rest = &rest[i..];
        if let Some(r) = rest.strip_prefix("<!--") {
            rest = &r[r.find("-->")? + 3..];
        } else if rest.starts_with("<?") || rest.starts_with("<!") {
            rest = &rest[rest.find('>')? + 1..];
        } else {
            let name: String = rest[1..]
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
                .collect();
            return (!name.is_empty()).then_some(name);
        }
    }
}

/// A truncated download must fail, so an empty feed counts only when its root is closed.
fn closes_root(text: &str, root: &str) -> bool {
    text.trim_end().ends_with(&format!("</{root}>"))
}

fn is_feed_root(name: &str) -> bool {
    matches!(
        name.rsplit(':').next().unwrap_or(name),
        "rss" | "feed" | "RDF" | "rdf"
    )
}

fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .chars()
        .take(2048)
        .collect::<String>()
        .to_ascii_lowercase();
    head.contains("<html") || head.contains("<!doctype html")
}

/// How many items the raw text appears to hold, to tell "no news" from "could not read".
fn count_item_markers(text: &str) -> usize {
    item_starts(text).len()
}

fn item_starts(text: &str) -> Vec<usize> {
    let mut v = vec![];
    for tag in ["<item", "<entry"] {
        let mut from = 0;
        while let Some(i) = text[from..].find(tag).map(|i| i + from) {
            let next = text[i + tag.len()..].chars().next();
            if matches!(next, Some('>' | ' ' | '\n' | '\r' | '\t' | '/')) {
                v.push(i);
            }
            from = i + tag.len();
        }
    }
    v.sort_unstable();
    v
}

/// The raw date text of each item, in document order, so the store keeps what the feed said
/// even when no parser could read it.
fn raw_item_dates(text: &str) -> Vec<Option<String>> {
    let starts = item_starts(text);
    starts
        .iter()
        .enumerate()
        .map(|(n, &s)| {
            let end = starts.get(n + 1).copied().unwrap_or(text.len());
            let chunk = &text[s..end];
            [
                "pubDate",
                "published",
                "dc:date",
                "updated",
                "issued",
                "modified",
            ]
            .iter()
            .find_map(|t| element_text(chunk, t))
        })
        .collect()
}

fn element_text(chunk: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}");
    let i = chunk.find(&open)?;
    let after = &chunk[i + open.len()..];
    if !after.starts_with(['>', ' ']) {
        return None;
    }
    let gt = after.find('>')?;
    let body = &after[gt + 1..];
    let close = body.find("</")?;
    let raw = body[..close].trim();
    let raw = raw
        .strip_prefix("<![CDATA[")
        .and_then(|r| r.strip_suffix("]]>"))
        .unwrap_or(raw);
    let raw = crate::text::sanitize(raw.trim());
    (!raw.is_empty()).then(|| raw.chars().take(100).collect())
}

fn is_arabic_script(s: &str) -> bool {
    let mut arabic = 0;
    let mut latin = 0;
    for c in s.chars().take(400) {
        if ('\u{0600}'..='\u{06FF}').contains(&c) {
            arabic += 1;
        } else if c.is_ascii_alphabetic() {
            latin += 1;
        }
    }
    arabic > latin
}

fn clean_entry(
    e: Entry,
    published_raw: Option<String>,
    base: Option<&Url>,
    feed_lang: Option<&str>,
    seen: &mut HashSet<String>,
) -> Item {
    let title = e
        .title
        .as_ref()
        .map(|t| {
            clean::one_line(
                &t.content,
                t.content_type.essence().to_string() != "text/plain" || t.content.contains('<'),
            )
        })
        .unwrap_or_default();
    let mut title = title;
    crate::util::truncate_bytes(&mut title, clean::MAX_TITLE);

    let summary_src = e.summary.as_ref().map(|t| t.content.as_str()).unwrap_or("");
    let content_src = e
        .content
        .as_ref()
        .and_then(|c| c.body.as_deref())
        .unwrap_or("");
    let body_src = if content_src.len() > summary_src.len() {
        content_src
    } else {
        summary_src
    };
    let mut summary = clean::html_to_text(body_src);
    crate::util::truncate_bytes(&mut summary, clean::MAX_SUMMARY);

    let link = e
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or(e.links.first())
        .and_then(|l| clean::resolve_link(&l.href, base));
    let url = link.as_ref().map(clean::canonical_url);
    let guid = (e.id != NO_ID && !e.id.trim().is_empty()).then(|| {
        let mut g = crate::text::sanitize(e.id.trim());
        crate::util::truncate_bytes(&mut g, 2048);
        g
    });
    let published = e.published.or(e.updated);
    let published_raw = published_raw.or_else(|| published.map(crate::util::iso));
    let author = e
        .authors
        .first()
        .and_then(|a| a.name.as_deref())
        .map(|n| clean::one_line(n, false))
        .filter(|a| !a.is_empty());

    let lang = if is_arabic_script(&format!("{title} {summary}")) {
        match feed_lang.map(str::to_ascii_lowercase) {
            Some(l) if l.starts_with("fa") || l.starts_with("ur") => Some(l[..2].to_string()),
            _ => Some("ar".to_string()),
        }
    } else {
        feed_lang.map(|l| l.split(['-', '_']).next().unwrap_or(l).to_ascii_lowercase())
    };

    let mut h = sha1_smol::Sha1::new();
    for part in [
        &title,
        &summary,
        url.as_deref().unwrap_or(""),
        published_raw.as_deref().unwrap_or(""),
    ] {
        h.update(part.as_bytes());
        h.update(&[0]);
    }
    let hash = h.digest().to_string();

    let base_key = match (&guid, &url) {
        (Some(g), _) => format!("g:{g}"),
        (None, Some(u)) => format!("u:{u}"),
        (None, None) => {
            let mut k = sha1_smol::Sha1::new();
            k.update(title.as_bytes());
            k.update(&[0]);
            k.update(published_raw.as_deref().unwrap_or("").as_bytes());
            format!("h:{}", k.digest())
        }
    };
    // Several items sharing one GUID are several articles: the first keeps the plain key, so it
    // stays stable when the others change.
    let key = if seen.insert(base_key.clone()) {
        base_key
    } else {
        let k = format!("{base_key}#{}", &hash[..12]);
        seen.insert(k.clone());
        k
    };

    let fts_title = crate::text::fts_text(&title);
    let fts_body = crate::text::fts_text(&summary);
    Item {
        fts_title,
        fts_body,
        signature: None,
        key,
        guid,
        url,
        title,
        summary,
        author,
        lang,
        published_raw,
        published,
        hash,
        analysis: Default::default(),
    }
}

#[cfg(test)]
mod tests;
