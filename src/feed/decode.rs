//! Bytes → UTF-8 text. feed-rs ignores the HTTP charset, fails on windows-1256 without a prolog
//! and silently garbles UTF-8 under a windows-1256 prolog, so we decide the encoding ourselves:
//! BOM → valid UTF-8 → XML prolog label → HTTP charset → windows-1256, then hand feed-rs UTF-8
//! with the prolog rewritten to say so.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1256};
use std::borrow::Cow;

/// Decoded text and the name of the encoding it came in.
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

/// Labels of code pages no maintained decoder covers. Guessing would store silent mojibake, so
/// such a feed fails with a clear message instead.
const UNSUPPORTED: &[&str] = &["cp864", "ibm864", "864", "csibm864", "asmo-708", "asmo708"];

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "unsupported character encoding '{0}' (declared by the feed); rasd reads UTF-8, UTF-16, windows-1256, ISO-8859-6 and the other WHATWG encodings"
)]
pub struct UnsupportedEncoding(pub String);

/// Decodes feed bytes. `http_charset` is the `charset=` of the Content-Type header, if any.
pub fn decode_checked(
    bytes: &[u8],
    http_charset: Option<&str>,
) -> Result<Decoded, UnsupportedEncoding> {
    if Encoding::for_bom(bytes).is_none() && std::str::from_utf8(bytes).is_err() {
        for label in [prolog_label(bytes), http_charset.map(str::to_string)]
            .into_iter()
            .flatten()
        {
            let l = label.trim().to_ascii_lowercase();
            if UNSUPPORTED.contains(&l.as_str()) {
                return Err(UnsupportedEncoding(label));
            }
        }
    }
    Ok(decode(bytes, http_charset))
}

/// Decodes feed bytes, never failing: unknown labels fall back to windows-1256.
pub fn decode(bytes: &[u8], http_charset: Option<&str>) -> Decoded {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return finish(text, enc);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return finish(Cow::Borrowed(s), UTF_8);
    }
    let enc = prolog_label(bytes)
        .and_then(|l| label_to_encoding(&l))
        .or_else(|| http_charset.and_then(label_to_encoding))
        .filter(|e| *e != UTF_8)
        .unwrap_or(WINDOWS_1256);
    let (text, _, _) = enc.decode(bytes);
    finish(text, enc)
}

/// WHATWG labels, plus spellings of windows-1256 that feeds use and WHATWG does not list.
fn label_to_encoding(label: &str) -> Option<&'static Encoding> {
    let l = label.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    Encoding::for_label(l.as_bytes()).or(match l.as_str() {
        "cp1256" | "windows1256" | "arabic" => Some(WINDOWS_1256),
        _ => None,
    })
}

fn finish(text: Cow<'_, str>, enc: &'static Encoding) -> Decoded {
    Decoded {
        text: rewrite_prolog(&text),
        encoding: enc.name(),
    }
}

/// The `encoding="…"` label of an XML declaration at the start of the bytes.
fn prolog_label(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(512)];
    let head = String::from_utf8_lossy(head);
    let decl_end = head.find("?>")?;
    let decl = &head[head.find("<?xml")?..decl_end];
    let i = decl.find("encoding")?;
    let rest = decl[i + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let rest = &rest[1..];
    Some(rest[..rest.find(quote)?].to_string())
}

/// Replaces the XML declaration (if any) with one that says UTF-8, which the text now is.
fn rewrite_prolog(text: &str) -> String {
    let trimmed = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if let Some(rest) = trimmed.strip_prefix("<?xml")
        && let Some(end) = rest.find("?>")
    {
        let mut out = String::with_capacity(text.len());
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        out.push_str(&rest[end + 2..]);
        return out;
    }
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARABIC: &str = "الجزيرة نت";

    fn cp1256(s: &str) -> Vec<u8> {
        WINDOWS_1256.encode(s).0.into_owned()
    }

    #[test]
    fn five_charset_cases_yield_arabic() {
        let body = |title: &[u8], prolog: &str| {
            let mut v = prolog.as_bytes().to_vec();
            v.extend_from_slice(b"<rss version=\"2.0\"><channel><title>");
            v.extend_from_slice(title);
            v.extend_from_slice(b"</title></channel></rss>");
            v
        };
        let cases = [
            (body(&cp1256(ARABIC), ""), Some("windows-1256")),
            (
                body(
                    ARABIC.as_bytes(),
                    "<?xml version=\"1.0\" encoding=\"windows-1256\"?>",
                ),
                None,
            ),
            (
                body(
                    &cp1256(ARABIC),
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                ),
                None,
            ),
            (
                body(
                    &cp1256(ARABIC),
                    "<?xml version=\"1.0\" encoding=\"cp864\"?>",
                ),
                None,
            ),
            (
                body(
                    &encoding_rs::ISO_8859_6.encode(ARABIC).0,
                    "<?xml version='1.0' encoding='ISO-8859-6'?>",
                ),
                None,
            ),
        ];
        for (bytes, charset) in cases {
            let d = decode(&bytes, charset);
            assert!(d.text.contains(ARABIC), "{} via {}", d.text, d.encoding);
            assert!(
                !d.text.contains("1256") && !d.text.contains("8859"),
                "prolog rewritten: {}",
                d.text
            );
        }
    }

    #[test]
    fn cp864_is_an_explicit_error() {
        let bytes = b"<?xml version=\"1.0\" encoding=\"cp864\"?><rss><channel><title>\x80</title></channel></rss>";
        assert_eq!(
            decode_checked(bytes, None).err(),
            Some(UnsupportedEncoding("cp864".into()))
        );
    }

    #[test]
    fn bom_wins() {
        let mut v = vec![0xFF, 0xFE];
        for u in "<rss/>".encode_utf16() {
            v.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&v, None).text, "<rss/>");
    }
}
