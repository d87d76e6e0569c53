use super::*;

fn rss(items: &str) -> Vec<u8> {
    format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>{items}</channel></rss>").into_bytes()
}

fn keys(bytes: &[u8]) -> Vec<String> {
    parse(bytes, None, None, 100)
        .expect("parse")
        .items
        .into_iter()
        .map(|i| i.key)
        .collect()
}

#[test]
fn identity_never_uses_feed_rs_invented_ids() {
    let no_guid = rss("<item><title>بلا معرّف</title><description>x</description></item>");
    assert_eq!(keys(&no_guid), keys(&no_guid), "stable across parses");
    assert!(keys(&no_guid)[0].starts_with("h:"));
    let link =
        rss("<item><title>a</title><link>https://x.example/a?utm_source=rss#top</link></item>");
    assert_eq!(keys(&link), ["u:https://x.example/a"]);
}

#[test]
fn duplicate_guids_are_separate_articles_first_one_stable() {
    let three = rss(
        "<item><guid>same</guid><title>one</title></item><item><guid>same</guid><title>two</title></item><item><guid>same</guid><title>three</title></item>",
    );
    let k = keys(&three);
    assert_eq!(k.len(), 3);
    assert_eq!(k[0], "g:same");
    assert!(k[1] != k[2] && k[1].starts_with("g:same#"));
}

#[test]
fn raw_dates_kept_and_arabic_dates_parsed() {
    let f = rss(
        "<item><guid>1</guid><title>t</title><pubDate>الأحد، 07 فبراير 2021 - 10:30 ص</pubDate></item><item><guid>2</guid><title>u</title><pubDate>0000-00-00</pubDate></item>",
    );
    let p = parse(&f, None, None, 10).expect("parse");
    assert_eq!(
        p.items[0].published.map(crate::util::iso).as_deref(),
        Some("2021-02-07T10:30:00Z")
    );
    assert_eq!(p.items[1].published_raw.as_deref(), Some("0000-00-00"));
    assert_eq!(p.items[1].published, None);
}

#[test]
fn items_that_vanish_are_an_error_not_silence() {
    let f = b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item><title>a</title></item>"
        .to_vec();
    assert!(parse(&f, None, None, 10).is_err());
    let html = b"<!DOCTYPE html><html><head><title>x</title></head><body>hi</body></html>".to_vec();
    assert!(matches!(
        parse(&html, None, None, 10),
        Err(FeedError::NotAFeed(_))
    ));
}

#[test]
fn hostile_titles_are_cleaned() {
    let f =
        rss("<item><guid>1</guid><title>&#27;[31mRed&#7; &#x202E;txt.exe \u{9b}2J</title></item>");
    let p = parse(&f, None, None, 10).expect("parse");
    assert_eq!(p.items[0].title, "[31mRed txt.exe 2J");
}
