//! Feed autodiscovery: when a configured URL serves an HTML page, the page's
//! `<link rel="alternate" type="application/rss+xml|atom+xml" href=…>` names the feed.

use scraper::{Html, Selector};
use url::Url;

/// Feed URLs an HTML page advertises, best first (RSS before Atom, document order otherwise).
pub fn feed_links(html: &str, base: &Url) -> Vec<Url> {
    let doc = Html::parse_document(html);
    let Ok(sel) = Selector::parse("link[rel~=alternate][href], link[rel~=ALTERNATE][href]") else {
        return vec![];
    };
    let mut found: Vec<(u8, Url)> = vec![];
    for el in doc.select(&sel) {
        let ty = el.value().attr("type").unwrap_or("").to_ascii_lowercase();
        let rank = match ty.as_str() {
            "application/rss+xml" => 0,
            "application/atom+xml" => 1,
            "application/feed+json" | "application/json" => continue,
            t if t.contains("xml") => 2,
            _ => continue,
        };
        if let Some(u) = el
            .value()
            .attr("href")
            .and_then(|h| super::clean::resolve_link(h, Some(base)))
            && !found.iter().any(|(_, f)| *f == u)
        {
            found.push((rank, u));
        }
    }
    found.sort_by_key(|(r, _)| *r);
    found.into_iter().map(|(_, u)| u).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_rss_then_atom() {
        let base = Url::parse("https://alwaght.example/ar/").expect("url");
        let html = r#"<html><head>
            <link rel="alternate" type="application/atom+xml" href="/atom.xml">
            <link rel="stylesheet" href="/s.css">
            <link rel="alternate" type="application/rss+xml" title="RSS" href="rss">
            </head><body></body></html>"#;
        let links: Vec<String> = feed_links(html, &base).iter().map(Url::to_string).collect();
        assert_eq!(
            links,
            [
                "https://alwaght.example/ar/rss",
                "https://alwaght.example/atom.xml"
            ]
        );
    }
}
