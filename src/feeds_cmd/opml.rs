//! OPML in and out. Reading goes through an HTML5 parser, which tolerates the malformed OPML
//! that feed readers export.

use crate::config::Config;
use scraper::{Html, Selector};

/// `(title, url)` of every outline that has an `xmlUrl`.
pub fn parse(text: &str) -> Result<Vec<(String, String)>, String> {
    let doc = Html::parse_document(text);
    let sel = Selector::parse("outline[xmlurl]").map_err(|e| e.to_string())?;
    let v: Vec<(String, String)> = doc
        .select(&sel)
        .filter_map(|o| {
            let url = o.value().attr("xmlurl")?.trim().to_string();
            let name = o
                .value()
                .attr("title")
                .or(o.value().attr("text"))
                .unwrap_or("")
                .trim();
            Some((crate::text::sanitize(name), url))
        })
        .collect();
    if v.is_empty() {
        return Err("no <outline xmlUrl=…> entries found".into());
    }
    Ok(v)
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub fn export(config: &Config) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head><title>rasd feeds</title></head>\n  <body>\n",
    );
    for f in &config.feeds {
        out.push_str(&format!(
            "    <outline type=\"rss\" text=\"{}\" title=\"{}\" xmlUrl=\"{}\"/>\n",
            esc(&f.name),
            esc(&f.name),
            esc(&f.source.to_string())
        ));
    }
    out.push_str("  </body>\n</opml>\n");
    out
}
