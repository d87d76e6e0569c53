//! Cleaning untrusted item fields: HTML to readable text (paragraphs kept, entities decoded
//! exactly once by the HTML parser), control characters and bidi overrides removed, whitespace
//! tidied, links resolved and stripped of tracking parameters, lengths capped.

use crate::text::sanitize;
use ego_tree::NodeRef;
use scraper::{Html, Node};
use url::Url;

pub const MAX_TITLE: usize = 1024;
pub const MAX_SUMMARY: usize = 64 * 1024;

/// Query parameters that identify a campaign or a click, not a page.
const TRACKING: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "yclid",
    "msclkid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "igshid",
    "ocid",
    "cmpid",
    "ref_src",
    "xtor",
    "at_medium",
    "at_campaign",
    "ito",
    "ns_mchannel",
    "ns_source",
    "ns_campaign",
    "ns_linkname",
    "ns_fee",
];

/// Plain text from a fragment that may be HTML. Text without markup or entities is only tidied,
/// so a literal `&lol9;` left by the XML parser is never expanded a second time.
pub fn html_to_text(s: &str) -> String {
    if !s.contains('<') && !s.contains('&') {
        return tidy(&sanitize(s));
    }
    let html = Html::parse_fragment(s);
    let mut out = String::with_capacity(s.len());
    walk(html.tree.root(), &mut out);
    tidy(&sanitize(&out))
}

fn walk(node: NodeRef<'_, Node>, out: &mut String) {
    for child in node.children() {
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => {
                let name = e.name();
                if matches!(
                    name,
                    "script" | "style" | "noscript" | "iframe" | "template" | "svg" | "head"
                ) {
                    continue;
                }
                let block = matches!(
                    name,
                    "p" | "div"
                        | "br"
                        | "li"
                        | "ul"
                        | "ol"
                        | "h1"
                        | "h2"
                        | "h3"
                        | "h4"
                        | "h5"
                        | "h6"
                        | "tr"
                        | "table"
                        | "blockquote"
                        | "section"
                        | "article"
                        | "figure"
                        | "figcaption"
                        | "pre"
                        | "hr"
                        | "header"
                        | "footer"
                        | "dd"
                        | "dt"
                );
                if block {
                    out.push('\n');
                }
                walk(child, out);
                if block {
                    out.push('\n');
                }
            }
            _ => walk(child, out),
        }
    }
}

/// Collapses runs of spaces within lines and keeps at most one blank line between paragraphs.
pub fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank_run = 0;
    for line in s.lines() {
        let mut words = line.split_whitespace().peekable();
        if words.peek().is_none() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
        }
        blank_run = 0;
        let mut first = true;
        for w in words {
            if !first {
                out.push(' ');
            }
            out.push_str(w);
            first = false;
        }
    }
    out
}

/// A one-line field (a title): HTML-aware when it carries markup, newlines folded to spaces.
pub fn one_line(s: &str, html: bool) -> String {
    let t = if html {
        html_to_text(s)
    } else {
        tidy(&sanitize(s))
    };
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Resolves a link against the feed URL; only http(s) links survive.
pub fn resolve_link(href: &str, base: Option<&Url>) -> Option<Url> {
    let href = sanitize(href.trim());
    let u = match Url::parse(&href) {
        Ok(u) => u,
        Err(url::ParseError::RelativeUrlWithoutBase) => base?.join(&href).ok()?,
        Err(_) => return None,
    };
    matches!(u.scheme(), "http" | "https").then_some(u)
}

/// The URL an article is identified by: no fragment, no tracking parameters.
pub fn canonical_url(u: &Url) -> String {
    let mut u = u.clone();
    u.set_fragment(None);
    let kept: Vec<(String, String)> = u
        .query_pairs()
        .filter(|(k, _)| {
            let k = k.to_ascii_lowercase();
            !k.starts_with("utm_") && !TRACKING.contains(&k.as_str())
        })
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        u.set_query(None);
    } else {
        u.query_pairs_mut().clear().extend_pairs(kept);
    }
    u.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_paragraphs_and_entities_once() {
        let t = html_to_text(
            "<p>الفقرة&nbsp;الأولى</p><p>second &amp;ldquo;x</p><script>evil()</script>",
        );
        assert_eq!(t, "الفقرة الأولى\n\nsecond &ldquo;x");
        assert_eq!(html_to_text("plain &lol9; text"), "plain &lol9; text");
        assert_eq!(
            html_to_text("no markup\u{1b}[31m here"),
            "no markup[31m here"
        );
    }

    #[test]
    fn canonical_urls_drop_tracking() {
        let u = Url::parse("https://Example.com/a?id=3&utm_source=x&fbclid=y#frag").expect("url");
        assert_eq!(canonical_url(&u), "https://example.com/a?id=3");
        let base = Url::parse("https://site.example/feed/rss.xml").expect("url");
        assert_eq!(
            resolve_link("/news/1", Some(&base))
                .map(|u| u.to_string())
                .as_deref(),
            Some("https://site.example/news/1")
        );
        assert!(resolve_link("javascript:alert(1)", Some(&base)).is_none());
    }
}
