//! The hostile-feed table of RELIABILITY.md, row by row, against a real loopback server and the
//! real `rasd` binary: each ends as a correct parse or a recorded per-feed error, the rest of
//! the poll goes on, memory stays bounded, and nothing stored holds a control character.

mod common;

use common::*;
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

const ARABIC: &str = "الجزيرة نت";

fn rss(items: &str) -> Vec<u8> {
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>t</title>{items}</channel></rss>").into_bytes()
}

fn item(guid: &str, title: &str) -> String {
    format!(
        "<item><guid>{guid}</guid><title>{title}</title><link>http://127.0.0.1/{guid}</link></item>"
    )
}

fn cp1256(s: &str) -> Vec<u8> {
    encoding_rs::WINDOWS_1256.encode(s).0.into_owned()
}

fn with_prolog(prolog: &str, body: &[u8]) -> Vec<u8> {
    let mut v = prolog.as_bytes().to_vec();
    v.extend_from_slice(
        b"<rss version=\"2.0\"><channel><title>c</title><item><guid>1</guid><title>",
    );
    v.extend_from_slice(body);
    v.extend_from_slice(b"</title></item></channel></rss>");
    v
}

fn gzip_bomb() -> &'static Vec<u8> {
    static BOMB: OnceLock<Vec<u8>> = OnceLock::new();
    BOMB.get_or_init(|| {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let zeros = vec![b' '; 1 << 20];
        for _ in 0..64 {
            enc.write_all(&zeros).expect("gzip");
        }
        enc.finish().expect("gzip")
    })
}

/// Every route of the hostile server: (path, response).
fn route(path: &str, req: &Request) -> Response {
    let ok = |b: Vec<u8>| Response::conditional(req, b, "application/rss+xml");
    match path {
        "/r01-escapes" => {
            let mut b = rss(&format!(
                "{}{}",
                item("e1", "&#27;[31mأحمر&#7; &#x1b;]8;;http://evil/&#x7;link&#x9b;2J &#x202E;gnp.exe"),
                item("e2", "raw\u{1b}[2Jbytes\u{7}\u{9b}31m\u{202e}here\u{2066}")
            ));
            b.extend_from_slice(b"<!-- \x01 -->");
            ok(b)
        }
        "/r02-shell" => ok(rss(
            "<item><guid>s1</guid><title>shell</title><link>http://127.0.0.1/x &amp; touch /tmp/rasd-pwned &amp;</link></item>\
             <item><guid>s2</guid><title>subst</title><link>http://127.0.0.1/$(touch /tmp/rasd-pwned)`touch /tmp/rasd-pwned`'</link></item>",
        )),
        "/r03-laughs" => ok(br#"<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
 <!ENTITY xxe SYSTEM "file:///etc/passwd">
 <!ENTITY % ext SYSTEM "http://127.0.0.1:9/evil.dtd"> %ext;
]>
<rss version="2.0"><channel><title>laughs</title>
<item><guid>l1</guid><title>&lol9;</title><description>&xxe;</description></item>
</channel></rss>"#.to_vec()),
        "/r04-refs" => ok(rss(&format!("{}{}", item("n1", "emoji &#55357;&#56832; here"), item("n2", "nul &#0; here")))),
        "/r05-amp" => ok(rss("<item><guid>a1</guid><title>Television & radio</title><category>Arts & culture</category></item>")),
        "/r06-header-only" => Response::new(200, with_prolog("", &cp1256(ARABIC))).header("Content-Type", "text/xml; charset=windows-1256"),
        "/r06-utf8-under-1256" => ok(with_prolog("<?xml version=\"1.0\" encoding=\"windows-1256\"?>", ARABIC.as_bytes())),
        "/r06-1256-under-utf8" => ok(with_prolog("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", &cp1256(ARABIC))),
        "/r06-cp864" => ok(with_prolog("<?xml version=\"1.0\" encoding=\"cp864\"?>", &[0x80, 0xC7])),
        "/r06-iso8859-6" => ok(with_prolog("<?xml version=\"1.0\" encoding=\"ISO-8859-6\"?>", &encoding_rs::ISO_8859_6.encode(ARABIC).0)),
        "/r07-default-ns" => ok(br#"<?xml version="1.0"?><rss version="2.0" xmlns="https://cyber.harvard.edu/rss/rss.html"><channel><title>ns</title><item><title>one</title><link>http://127.0.0.1/ns1</link></item><item><title>two</title><link>http://127.0.0.1/ns2</link></item></channel></rss>"#.to_vec()),
        "/r08-noversion" => ok(b"<rss><channel><title>v</title><item><guid>v1</guid><title>x</title></item></channel></rss>".to_vec()),
        "/r08-v200" => ok(b"<rss version=\"2.00\"><channel><title>v</title><item><guid>v1</guid><title>x</title></item></channel></rss>".to_vec()),
        "/r08-v094" => ok(b"<rss version=\"0.94\"><channel><title>v</title><item><guid>v1</guid><title>x</title></item></channel></rss>".to_vec()),
        "/r09-identity" => ok(rss(
            "<item><title>no guid no link</title></item>\
             <item><guid>dup</guid><title>first</title></item><item><guid>dup</guid><title>second</title></item><item><guid>dup</guid><title>third</title></item>",
        )),
        "/r10-dates" => {
            let dates = [
                "Mon, 01 Jan 0001 00:00:00 +0000", "Thu, 01 Jan 1970 00:00:00 +0000", "Fri, 01 Jan 2100 00:00:00 +0000",
                "Fri, 31 Dec 9999 23:59:59 +0000", "0000-00-00", "الأحد، 07 فبراير 2021 - 10:30 ص", "٧ شباط ٢٠٢١",
                "Sun, 07 Feb 2021 10:00:00 AST", "2018-12-13 00:00:00",
            ];
            let items: String = dates
                .iter()
                .enumerate()
                .map(|(i, d)| format!("<item><guid>d{i}</guid><title>date {i}</title><pubDate>{d}</pubDate></item>"))
                .collect();
            ok(rss(&items))
        }
        "/r11-bomb" => Response::new(200, gzip_bomb().clone()).header("Content-Type", "application/rss+xml").header("Content-Encoding", "gzip"),
        "/r12-drip" => Response::new(200, rss(&item("x", "drip"))).delivery(Delivery::Drip(Duration::from_millis(200))),
        "/r12-stall" => Response::new(200, rss(&item("x", "stall"))).delivery(Delivery::Stall),
        "/r13-loop" => Response::new(302, "").header("Location", "/r13-loop"),
        p if p.starts_with("/r13-chain") => {
            let n: u32 = p.trim_start_matches("/r13-chain").parse().unwrap_or(0);
            Response::new(301, "").header("Location", &format!("/r13-chain{}", n + 1))
        }
        "/r13-moved" => Response::new(301, "").header("Location", "/r13-target"),
        "/r13-temp" => Response::new(302, "").header("Location", "/r13-target"),
        "/r13-target" => ok(rss(&item("t1", "target"))),
        "/r14-truncated" => Response::new(200, rss(&item("tr", "cut"))).delivery(Delivery::Truncate(60)),
        "/r14-empty" => Response::new(200, ""),
        "/r14-challenge" => Response::new(200, "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>").header("Content-Type", "text/html"),
        "/r14-php" => {
            let mut b = b"<br />\n<b>Warning</b>: Undefined variable $x in <b>/var/www/rss.php</b> on line <b>3</b><br />\n".to_vec();
            b.extend(rss(&item("p1", "after the warning")));
            ok(b)
        }
        "/r15-many" => {
            let items: String = (0..100_000).map(|i| format!("<item><guid>m{i}</guid><title>t{i}</title></item>")).collect();
            ok(rss(&items))
        }
        "/r15-bigtitle" => ok(rss(&item("big", &"ب".repeat(3_000_000)))),
        "/r15-deep" => {
            let mut b = rss(&item("deep", "x"));
            let open = "<a>".repeat(200_000);
            let pos = b.len() - "</channel></rss>".len();
            b.splice(pos..pos, open.into_bytes());
            ok(b)
        }
        "/ok" => ok(rss(&item("fine", "خبر عادي"))),
        _ => Response::new(404, "not found"),
    }
}

const ROUTES: &[&str] = &[
    "/r01-escapes",
    "/r02-shell",
    "/r03-laughs",
    "/r04-refs",
    "/r05-amp",
    "/r06-header-only",
    "/r06-utf8-under-1256",
    "/r06-1256-under-utf8",
    "/r06-cp864",
    "/r06-iso8859-6",
    "/r07-default-ns",
    "/r08-noversion",
    "/r08-v200",
    "/r08-v094",
    "/r09-identity",
    "/r10-dates",
    "/r11-bomb",
    "/r12-drip",
    "/r12-stall",
    "/r13-loop",
    "/r13-chain0",
    "/r13-moved",
    "/r13-temp",
    "/r14-truncated",
    "/r14-empty",
    "/r14-challenge",
    "/r14-php",
    "/r15-many",
    "/r15-bigtitle",
    "/r15-deep",
    "/ok",
];

struct Outcome {
    status: String,
    error: Option<String>,
    titles: Vec<String>,
}

fn run_all() -> (tempfile::TempDir, HashMap<String, Outcome>, String, Server) {
    let server = Server::start(Arc::new(|req: &Request| route(req.path.as_str(), req)));
    let dir = tempfile::tempdir().expect("tmp");
    let feeds: Vec<(String, String)> = ROUTES
        .iter()
        .map(|r| (r.trim_start_matches('/').to_string(), server.url(r)))
        .collect();
    let feeds_toml = write_feeds(
        dir.path(),
        &feeds,
        "timeout = \"3s\"\nmax_bytes = \"16MB\"\nconcurrency = 32\nper_host = 32",
    );
    let db_path = dir.path().join("rasd.db");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rasd"))
        .args(["poll", "--once", "--db"])
        .arg(&db_path)
        .arg("--feeds")
        .arg(&feeds_toml)
        .output()
        .expect("run rasd");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "a poll with failing feeds still exits 0: {stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let conn = db(&db_path);
    assert_clean_text(&conn);
    let mut map = HashMap::new();
    let mut st = conn
        .prepare("SELECT f.id, f.key, f.status, f.last_error FROM feeds f")
        .expect("prepare");
    let rows: Vec<(i64, String, String, Option<String>)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("q")
        .map(|r| r.expect("row"))
        .collect();
    for (id, key, status, error) in rows {
        let mut t = conn
            .prepare("SELECT title FROM articles WHERE feed_id = ? ORDER BY id")
            .expect("prepare");
        let titles = t
            .query_map([id], |r| r.get(0))
            .expect("q")
            .map(|r| r.expect("row"))
            .collect();
        map.insert(
            key,
            Outcome {
                status,
                error,
                titles,
            },
        );
    }
    drop(st);
    (dir, map, stdout, server)
}

/// Outcomes by feed key, the binary's stdout, and the server's (path, status) log.
type Run = (HashMap<String, Outcome>, String, Vec<(String, u16)>);

fn all() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| {
        let (_dir, map, stdout, server) = run_all();
        let log = server
            .log
            .lock()
            .expect("log")
            .iter()
            .map(|(r, s)| (r.path.clone(), *s))
            .collect();
        (map, stdout, log)
    })
}

fn feed(key: &str) -> &'static Outcome {
    &all().0[key]
}

fn failed(key: &str, needle: &str) {
    let o = feed(key);
    assert_ne!(o.status, "ok", "{key} should fail");
    let e = o.error.as_deref().unwrap_or("");
    assert!(
        e.to_lowercase().contains(&needle.to_lowercase()),
        "{key}: error {e:?} should mention {needle:?}"
    );
    assert!(o.titles.is_empty(), "{key}");
}

#[test]
fn the_rest_of_the_poll_goes_on_and_memory_stays_bounded() {
    let (_, stdout, _) = all();
    assert_eq!(feed("ok").titles, ["خبر عادي"]);
    let mb: u64 = stdout
        .split("peak memory ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|s| s.parse().ok())
        .expect("summary reports peak memory");
    assert!(mb < 200, "peak memory {mb} MB");
    assert!(
        stdout.contains(&format!("polled {} feeds", ROUTES.len())),
        "{stdout}"
    );
}

#[test]
fn r01_escapes_stripped_at_ingest() {
    let t = &feed("r01-escapes").titles;
    assert_eq!(t.len(), 2);
    assert_eq!(t[0], "[31mأحمر ]8;;http://evil/link2J gnp.exe");
    assert_eq!(t[1], "raw[2Jbytes31mhere");
}

#[test]
fn r02_shell_metacharacters_never_reach_a_shell() {
    let _ = std::fs::remove_file("/tmp/rasd-pwned");
    assert_eq!(feed("r02-shell").titles.len(), 2);
    let dir = tempfile::tempdir().expect("tmp");
    let argv_log = dir.path().join("argv");
    let browser = dir.path().join("browser.sh");
    std::fs::write(
        &browser,
        format!(
            "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\" >> {}; done\n",
            argv_log.display()
        ),
    )
    .expect("script");
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&browser)
        .status()
        .expect("chmod");
    let hostile = "http://127.0.0.1/x & touch /tmp/rasd-pwned &";
    let child =
        rasd::open::open_link_with(hostile, browser.to_str().expect("utf8")).expect("opened");
    let status = rasd::open::wait(child);
    assert!(status);
    let logged = std::fs::read_to_string(&argv_log).expect("browser ran");
    assert_eq!(
        logged.lines().count(),
        1,
        "the URL is one argument: {logged}"
    );
    assert!(rasd::open::open_link_with("javascript:alert(1)", "true").is_err());
    assert!(rasd::open::open_link_with("file:///etc/passwd", "true").is_err());
    assert!(!std::path::Path::new("/tmp/rasd-pwned").exists());
}

#[test]
fn r03_entities_are_not_expanded_and_no_file_is_read() {
    let o = feed("r03-laughs");
    assert_eq!(o.status, "ok", "{:?}", o.error);
    assert_eq!(o.titles, ["&lol9;"]);
    let (_, _, log) = all();
    assert!(!log.iter().any(|(p, _)| p.contains("evil.dtd")));
}

#[test]
fn r04_invalid_references_repaired() {
    let t = &feed("r04-refs").titles;
    assert_eq!(t, &["emoji \u{FFFD}\u{FFFD} here", "nul \u{FFFD} here"]);
}

#[test]
fn r05_bare_ampersand_repaired() {
    assert_eq!(feed("r05-amp").titles, ["Television & radio"]);
}

#[test]
fn r06_every_charset_case_yields_arabic_or_a_clear_error() {
    for k in [
        "r06-header-only",
        "r06-utf8-under-1256",
        "r06-1256-under-utf8",
        "r06-iso8859-6",
    ] {
        assert_eq!(feed(k).titles, [ARABIC], "{k}");
    }
    failed("r06-cp864", "unsupported character encoding 'cp864'");
}

#[test]
fn r07_items_in_a_default_namespace_are_not_lost() {
    assert_eq!(feed("r07-default-ns").titles, ["one", "two"]);
}

#[test]
fn r08_unknown_rss_versions_parse() {
    for k in ["r08-noversion", "r08-v200", "r08-v094"] {
        assert_eq!(feed(k).titles, ["x"], "{k}");
    }
}

#[test]
fn r09_identity_is_ours() {
    assert_eq!(
        feed("r09-identity").titles,
        ["no guid no link", "first", "second", "third"]
    );
}

#[test]
fn r10_absurd_dates_neither_top_nor_sink() {
    let o = feed("r10-dates");
    assert_eq!(o.titles.len(), 9);
}

#[test]
fn r11_decompression_bomb_stops_at_the_cap() {
    failed("r11-bomb", "larger than 16000000 bytes");
}

#[test]
fn r12_drip_and_stall_are_cut_off() {
    failed("r12-drip", "timed out");
    failed("r12-stall", "timed out");
}

#[test]
fn r13_redirects() {
    failed("r13-loop", "too many redirects");
    failed("r13-chain0", "too many redirects");
    assert_eq!(feed("r13-moved").titles, ["target"]);
    assert_eq!(feed("r13-temp").titles, ["target"]);
}

#[test]
fn r14_broken_bodies_fail_php_prefix_is_repaired() {
    failed("r14-truncated", "");
    failed("r14-empty", "empty response");
    failed("r14-challenge", "html page");
    assert_eq!(feed("r14-php").titles, ["after the warning"]);
}

#[test]
fn r15_huge_inputs_are_capped() {
    assert_eq!(feed("r15-many").titles.len(), 2000, "max items per poll");
    let big = &feed("r15-bigtitle").titles;
    assert_eq!(big.len(), 1);
    assert!(big[0].len() <= 1024, "title capped to 1 KiB");
    failed("r15-deep", "");
}

/// A server whose routes can change between polls.
fn switchable() -> (Server, Arc<std::sync::Mutex<HashMap<String, Response>>>) {
    let routes: Arc<std::sync::Mutex<HashMap<String, Response>>> = Default::default();
    let r = routes.clone();
    let server = Server::start(Arc::new(move |req: &Request| {
        r.lock()
            .expect("routes")
            .get(&req.path)
            .cloned()
            .unwrap_or_else(|| Response::new(404, "no"))
    }));
    (server, routes)
}

fn feed_row(
    conn: &rusqlite::Connection,
    key: &str,
) -> (
    String,
    Option<String>,
    i64,
    Option<String>,
    Option<String>,
    i64,
) {
    conn.query_row(
        "SELECT status, last_error, consecutive_failures, next_poll_at, moved_to,
                (SELECT count(*) FROM articles a WHERE a.feed_id = feeds.id) FROM feeds WHERE key = ?",
        [key],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
    )
    .expect("feed row")
}

#[test]
fn failures_keep_stored_items_back_off_and_recover() {
    let (server, routes) = switchable();
    let set = |p: &str, r: Response| routes.lock().expect("routes").insert(p.to_string(), r);
    set(
        "/a",
        Response::new(
            200,
            rss(&format!("{}{}", item("a1", "one"), item("a2", "two"))),
        ),
    );
    set("/b", Response::new(200, rss(&item("b1", "b"))));
    set("/c", Response::new(200, rss(&item("c1", "c"))));
    set("/d", Response::new(301, "").header("Location", "/d-new"));
    set("/d-new", Response::new(200, rss(&item("d1", "d"))));
    let dir = tempfile::tempdir().expect("tmp");
    let keys = ["a", "b", "c", "d"];
    let feeds: Vec<(String, String)> = keys
        .iter()
        .map(|k| (k.to_string(), server.url(&format!("/{k}"))))
        .collect();
    let toml = write_feeds(dir.path(), &feeds, "interval = \"15m\"");
    let db_path = dir.path().join("rasd.db");
    assert_eq!(poll_all(&db_path, &toml).new_articles, 5);
    let conn = db(&db_path);
    assert_eq!(
        feed_row(&conn, "d").4.as_deref(),
        Some(server.url("/d-new").as_str()),
        "a 301 is recorded and offered"
    );

    // a: its items now vanish in a way the parser notices; b: 429 with Retry-After; c: 410.
    set("/a", Response::new(200, b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item><title>x</title></item><item>".to_vec()));
    set(
        "/b",
        Response::new(429, "slow down").header("Retry-After", "7200"),
    );
    set("/c", Response::new(410, "gone"));
    let s = poll_all(&db_path, &toml);
    assert_eq!(s.failed.len(), 3, "{:?}", s.failed);
    let (status, err, fails, _, _, n) = feed_row(&conn, "a");
    assert_ne!(status, "ok");
    assert!(err.is_some());
    assert_eq!((fails, n), (1, 2), "a failure never deletes stored items");
    let (_, err_b, _, next_b, _, _) = feed_row(&conn, "b");
    assert!(err_b.as_deref().is_some_and(|e| e.contains("429")));
    let next_b = rasd::util::parse_iso(&next_b.expect("next poll")).expect("iso");
    assert!(
        next_b - chrono::Utc::now() > chrono::Duration::minutes(110),
        "Retry-After honoured: {next_b}"
    );
    let (status_c, err_c, ..) = feed_row(&conn, "c");
    assert_eq!(status_c, "gone");
    assert!(err_c.as_deref().is_some_and(|e| e.contains("410")));
    let enabled: i64 = conn
        .query_row("SELECT enabled FROM feeds WHERE key = 'c'", [], |r| {
            r.get(0)
        })
        .expect("c");
    assert_eq!(enabled, 0, "410 stops polling");

    // Failures pile up with growing delays, then one success resets everything.
    let s = poll_all(&db_path, &toml);
    assert_eq!(s.feeds, 3, "the gone feed is no longer polled");
    assert_eq!(feed_row(&conn, "a").2, 2);
    set(
        "/a",
        Response::new(
            200,
            rss(&format!("{}{}", item("a1", "one"), item("a3", "three"))),
        ),
    );
    let s = poll_all(&db_path, &toml);
    assert_eq!(s.new_articles, 1);
    let (status, err, fails, ..) = feed_row(&conn, "a");
    assert_eq!((status.as_str(), err, fails), ("ok", None, 0));
    // a failed twice, b (still 429) three times, c once.
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM fetch_log WHERE outcome = 'failed'"
        ),
        6
    );
}

#[test]
fn a_site_url_is_resolved_by_autodiscovery_and_remembered() {
    let (server, routes) = switchable();
    let page = "<!DOCTYPE html><html><head><title>الوقت</title>\
                <link rel=\"alternate\" type=\"application/rss+xml\" title=\"RSS\" href=\"/ar/rss/all\"></head><body>…</body></html>";
    routes.lock().expect("r").insert(
        "/ar/".into(),
        Response::new(200, page).header("Content-Type", "text/html; charset=utf-8"),
    );
    routes.lock().expect("r").insert(
        "/ar/rss/all".into(),
        Response::new(200, rss(&item("w1", "تحليل"))),
    );
    let dir = tempfile::tempdir().expect("tmp");
    let toml = write_feeds(dir.path(), &[("alwaght".into(), server.url("/ar/"))], "");
    let db_path = dir.path().join("rasd.db");
    assert_eq!(poll_all(&db_path, &toml).new_articles, 1);
    let conn = db(&db_path);
    let feed_url: String = conn
        .query_row(
            "SELECT feed_url FROM feeds WHERE key = 'alwaght'",
            [],
            |r| r.get(0),
        )
        .expect("feed_url");
    assert_eq!(feed_url, server.url("/ar/rss/all"));
    server.clear_log();
    poll_all(&db_path, &toml);
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/ar/rss/all"], "the page is not fetched again");
}

#[test]
fn absurd_dates_sort_by_first_seen_and_keep_their_raw_text() {
    let (server, routes) = switchable();
    routes.lock().expect("r").insert(
        "/d".into(),
        route(
            "/r10-dates",
            &Request {
                method: "GET".into(),
                path: "/r10-dates".into(),
                headers: HashMap::new(),
            },
        ),
    );
    let dir = tempfile::tempdir().expect("tmp");
    let toml = write_feeds(dir.path(), &[("d".into(), server.url("/d"))], "");
    let db_path = dir.path().join("rasd.db");
    let before = rasd::util::iso(chrono::Utc::now() - chrono::Duration::seconds(1));
    poll_all(&db_path, &toml);
    let conn = db(&db_path);
    let mut st = conn
        .prepare(
            "SELECT title, published_raw, published_parsed, published_at FROM articles ORDER BY id",
        )
        .expect("q");
    let rows: Vec<(String, Option<String>, Option<String>, String)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("q")
        .map(|r| r.expect("row"))
        .collect();
    let by_title = |t: &str| rows.iter().find(|r| r.0 == t).expect("row").clone();
    for absurd in ["date 0", "date 1", "date 2", "date 3", "date 4"] {
        let (_, raw, _, at) = by_title(absurd);
        assert!(raw.is_some(), "{absurd}: raw date kept");
        assert!(
            at >= before && at <= rasd::util::iso(chrono::Utc::now()),
            "{absurd}: sorts by first seen, got {at}"
        );
    }
    assert_eq!(by_title("date 5").3, "2021-02-07T10:30:00Z");
    assert_eq!(by_title("date 6").3, "2021-02-07T00:00:00Z");
    assert_eq!(by_title("date 7").3, "2021-02-07T07:00:00Z");
    assert_eq!(by_title("date 8").3, "2018-12-13T00:00:00Z");
    assert_eq!(
        by_title("date 0").2.as_deref(),
        Some("0001-01-01T00:00:00Z"),
        "the parsed value is kept as well"
    );
}
