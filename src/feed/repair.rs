//! Repairs for the near-XML that real feeds serve, applied once after a failed or empty parse:
//! junk before the document (PHP warnings), bare `&`, numeric references to code points XML
//! forbids (surrogates, NUL), `<rss>` with a missing or unknown version, and RSS documents in a
//! default namespace that makes feed-rs see zero items.

/// Returns the repaired document.
pub fn repair(text: &str) -> String {
    let text = strip_leading_junk(text);
    let text = fix_references(text);
    let text = fix_rss_root(&text);
    fix_rss090(&text)
}

fn strip_leading_junk(text: &str) -> &str {
    ["<?xml", "<rss", "<feed", "<rdf:RDF", "<RDF"]
        .iter()
        .filter_map(|m| text.find(m))
        .min()
        .map_or(text, |i| &text[i..])
}

/// Escapes bare `&` and replaces numeric references to invalid code points with U+FFFD.
fn fix_references(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after.find(';').filter(|&e| e <= 32);
        match end.map(|e| &after[..e]) {
            Some(name) if name.starts_with('#') => {
                let num = &name[1..];
                let cp = if let Some(hex) = num.strip_prefix(['x', 'X']) {
                    u32::from_str_radix(hex, 16).ok()
                } else {
                    num.parse::<u32>().ok()
                };
                match cp.and_then(char::from_u32).filter(|c| is_xml_char(*c)) {
                    Some(_) => {
                        out.push('&');
                        out.push_str(name);
                        out.push(';');
                    }
                    None if cp.is_some() => out.push('\u{FFFD}'),
                    None => out.push_str("&amp;"),
                }
                if cp.is_some() {
                    rest = &after[name.len() + 1..];
                    continue;
                }
                rest = after;
            }
            Some(name) if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()) => {
                out.push('&');
                out.push_str(name);
                out.push(';');
                rest = &after[name.len() + 1..];
            }
            _ => {
                out.push_str("&amp;");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Gives `<rss>` a version feed-rs accepts and drops a default namespace on it.
fn fix_rss_root(text: &str) -> String {
    let Some(start) = text.find("<rss") else {
        return text.to_string();
    };
    let Some(len) = text[start..].find('>') else {
        return text.to_string();
    };
    let tag = &text[start..start + len];
    let mut attrs: Vec<String> = vec![];
    let mut rest = &tag[4..];
    while let Some(eq) = rest.find('=') {
        let name = rest[..eq].trim().to_string();
        let val_part = rest[eq + 1..].trim_start();
        let Some(q) = val_part.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            break;
        };
        let Some(close) = val_part[1..].find(q) else {
            break;
        };
        let value = &val_part[1..1 + close];
        rest = &val_part[close + 2..];
        if name == "version" || name == "xmlns" {
            continue;
        }
        attrs.push(format!("{name}=\"{value}\""));
    }
    let mut new_tag = String::from("<rss version=\"2.0\"");
    for a in attrs {
        new_tag.push(' ');
        new_tag.push_str(&a);
    }
    if tag.ends_with('/') {
        new_tag.push('/');
    }
    format!("{}{}{}", &text[..start], new_tag, &text[start + len..])
}

/// RSS 0.90 documents use a Netscape namespace feed-rs does not read; RSS 1.0's has the same
/// shape.
fn fix_rss090(text: &str) -> String {
    text.replace(
        "http://my.netscape.com/rdf/simple/0.9/",
        "http://purl.org/rss/1.0/",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_ampersands_and_bad_references() {
        assert_eq!(
            fix_references("a & b &amp; &#233; &#0; &#55357; &lol9;"),
            "a &amp; b &amp; &#233; \u{FFFD} \u{FFFD} &lol9;"
        );
    }

    #[test]
    fn junk_and_version() {
        let r = repair("Warning: x\n<rss><channel/></rss>");
        assert!(r.starts_with("<rss version=\"2.0\">"), "{r}");
        let r = repair("<rss version=\"2.00\" xmlns=\"http://x/\" xmlns:dc=\"http://dc/\">");
        assert_eq!(r, "<rss version=\"2.0\" xmlns:dc=\"http://dc/\">");
    }
}
