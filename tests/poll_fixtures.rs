//! Every real fixture feed, served over loopback HTTP, polled through the whole pipeline.

mod common;

use common::*;
use std::collections::HashMap;
use std::sync::Arc;

fn expected() -> Vec<(String, Option<i64>)> {
    let text =
        std::fs::read_to_string(fixtures().join("real-feeds/EXPECTED.tsv")).expect("manifest");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (path, n) = l.split_once('\t').expect("tab");
            (path.to_string(), n.parse().ok())
        })
        .collect()
}

/// Serves the fixtures; the Latin-1 file without a declaration gets its charset from the
/// header only, as in the wild.
fn fixture_server() -> Server {
    let root = fixtures().join("real-feeds");
    Server::start(Arc::new(move |req: &Request| {
        let rel = req.path.trim_start_matches('/').to_string();
        let Ok(bytes) = std::fs::read(root.join(&rel)) else {
            return Response::new(404, "nope");
        };
        let ct = if rel.ends_with("no_encoding_ISO-8859-1.xml") {
            "text/xml; charset=ISO-8859-1"
        } else {
            "application/xml"
        };
        Response::conditional(req, bytes, ct)
    }))
}

fn key(i: usize) -> String {
    format!("f{i:03}")
}

#[test]
fn every_fixture_stored_then_second_poll_is_all_304() {
    let expected = expected();
    assert!(expected.len() >= 77, "manifest covers every fixture");
    let server = fixture_server();
    let dir = tempfile::tempdir().expect("tmp");
    let feeds: Vec<(String, String)> = expected
        .iter()
        .enumerate()
        .map(|(i, (p, _))| (key(i), server.url(p)))
        .collect();
    let feeds_toml = write_feeds(dir.path(), &feeds, "");
    let db_path = dir.path().join("rasd.db");

    let summary = poll_all(&db_path, &feeds_toml);
    let conn = db(&db_path);
    let mut counts: HashMap<String, (i64, String, Option<String>)> = HashMap::new();
    {
        let mut st = conn
            .prepare("SELECT f.key, (SELECT count(*) FROM articles a WHERE a.feed_id = f.id), f.status, f.last_error FROM feeds f")
            .expect("prepare");
        for row in st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .expect("query")
        {
            let (k, n, status, err): (String, i64, String, Option<String>) = row.expect("row");
            counts.insert(k, (n, status, err));
        }
    }
    let mut ok_feeds = 0;
    for (i, (path, want)) in expected.iter().enumerate() {
        let (n, status, err) = &counts[&key(i)];
        match want {
            Some(want) => {
                assert_eq!(n, want, "{path}: stored items");
                assert_eq!(status, "ok", "{path}: {err:?}");
                ok_feeds += 1;
            }
            None => {
                assert_eq!(*n, 0, "{path}");
                assert!(
                    err.as_deref().is_some_and(|e| !e.is_empty()),
                    "{path}: error recorded"
                );
            }
        }
    }
    let total: i64 = expected.iter().filter_map(|(_, n)| *n).sum();
    assert_eq!(summary.new_articles as i64, total);
    assert_eq!(count(&conn, "SELECT count(*) FROM articles"), total);
    assert_clean_text(&conn);

    // The Arabic real feed is searchable through its normalized shadow, diacritics and all.
    let arabic_hits: i64 = conn
        .query_row(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?",
            [rasd::text::fts_text("عمّان")],
            |r| r.get(0),
        )
        .expect("fts");
    assert!(arabic_hits > 0, "normalized search finds عمّان");
    // The Latin-1 feed that declares nothing was decoded through the HTTP charset.
    let latin = count(
        &conn,
        "SELECT count(*) FROM articles WHERE title LIKE '%ü%' OR title LIKE '%ö%' OR title LIKE '%ä%' OR summary LIKE '%ü%'",
    );
    assert!(latin > 0, "ISO-8859-1 decoded");

    server.clear_log();
    let second = poll_all(&db_path, &feeds_toml);
    assert_eq!(second.new_articles, 0);
    assert_eq!(second.updated_articles, 0);
    assert_eq!(count(&conn, "SELECT count(*) FROM articles"), total);
    let reqs = server.log.lock().expect("log").clone();
    let not_modified = reqs
        .iter()
        .filter(|(r, s)| *s == 304 && r.header("if-none-match").is_some())
        .count();
    assert_eq!(
        not_modified, ok_feeds,
        "every feed that succeeded is answered 304"
    );
    assert_eq!(second.not_modified, ok_feeds);
}

#[test]
fn picturingjordan_history_adds_exactly_the_new_items() {
    use std::sync::Mutex;
    let versions = ["f4d132f9", "4afc6e27", "29e00f9c", "e39ebe83", "fdd31782"];
    let current = Arc::new(Mutex::new(String::new()));
    let root = fixtures().join("real-feeds/picturingjordan.com/history");
    let cur = current.clone();
    let server = Server::start(Arc::new(move |req: &Request| {
        let v = cur.lock().expect("version").clone();
        let bytes = std::fs::read(root.join(&v).join("public/ar/index.xml")).expect("fixture");
        Response::conditional(req, bytes, "application/rss+xml")
    }));
    let dir = tempfile::tempdir().expect("tmp");
    let feeds_toml = write_feeds(
        dir.path(),
        &[("pj".into(), server.url("/ar/index.xml"))],
        "",
    );
    let db_path = dir.path().join("rasd.db");

    let guids = |v: &str| -> Vec<String> {
        let text = std::fs::read_to_string(
            fixtures()
                .join("real-feeds/picturingjordan.com/history")
                .join(v)
                .join("public/ar/index.xml"),
        )
        .expect("fixture");
        text.split("<guid>")
            .skip(1)
            .filter_map(|s| s.split("</guid>").next())
            .map(str::to_string)
            .collect()
    };
    let mut seen: std::collections::HashSet<String> = Default::default();
    let mut new_per_version = vec![];
    for v in versions {
        *current.lock().expect("version") = v.to_string();
        let s = poll_all(&db_path, &feeds_toml);
        let fresh = guids(v)
            .into_iter()
            .filter(|g| seen.insert(g.clone()))
            .count();
        assert_eq!(s.new_articles, fresh, "version {v}");
        new_per_version.push(s.new_articles);
        if v == "fdd31782" {
            assert_eq!(
                s.new_articles, 0,
                "same GUIDs, rewritten markup: no new rows"
            );
        }
    }
    assert_eq!(
        new_per_version[2], 2,
        "29e00f9c brings exactly 2 new GUIDs (SOURCES.md)"
    );
    let conn = db(&db_path);
    assert_eq!(count(&conn, "SELECT count(*) FROM articles"), 20);
    // The year-0001 About page neither tops nor sinks: it sorts by when it was first seen.
    let about: String = conn
        .query_row("SELECT published_at || '|' || published_raw FROM articles WHERE guid LIKE '%/ar/about/'", [], |r| r.get(0))
        .expect("about");
    assert!(!about.starts_with("0001"), "{about}");
    assert!(about.contains("0001"), "raw date kept: {about}");
}

#[test]
fn an_edited_item_updates_in_place_and_in_the_index() {
    use std::sync::Mutex;
    let feed = |title: &str| {
        format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>\
             <item><guid>g1</guid><title>{title}</title><link>http://127.0.0.1/a1</link></item>\
             <item><guid>g2</guid><title>ثابت</title><link>http://127.0.0.1/a2</link></item>\
             </channel></rss>"
        )
    };
    let body = Arc::new(Mutex::new(feed("الكاظمي يلتقي ستولتنبرغ")));
    let b = body.clone();
    let server = Server::start(Arc::new(move |req: &Request| {
        Response::conditional(
            req,
            b.lock().expect("body").clone().into_bytes(),
            "application/rss+xml",
        )
    }));
    let dir = tempfile::tempdir().expect("tmp");
    let feeds_toml = write_feeds(dir.path(), &[("e".into(), server.url("/rss"))], "");
    let db_path = dir.path().join("rasd.db");
    assert_eq!(poll_all(&db_path, &feeds_toml).new_articles, 2);
    *body.lock().expect("body") = feed("السوداني يلتقي ستولتنبرغ");
    let s = poll_all(&db_path, &feeds_toml);
    assert_eq!((s.new_articles, s.updated_articles), (0, 1));
    let conn = db(&db_path);
    let hits = |w: &str| -> i64 {
        conn.query_row(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?",
            [rasd::text::fts_text(w)],
            |r| r.get(0),
        )
        .expect("fts")
    };
    assert_eq!(hits("السوداني"), 1);
    assert_eq!(hits("الكاظمي"), 0, "the old title left the index");
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM articles WHERE updated_at IS NOT NULL"
        ),
        1
    );
    assert_eq!(count(&conn, "SELECT count(*) FROM articles"), 2);
}
