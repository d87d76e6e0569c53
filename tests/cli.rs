//! The binary as a user runs it: configuration errors, exit codes, feeds listing, OPML.

mod common;

use common::*;
use std::process::Command;

fn rasd(dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rasd"));
    c.current_dir(dir)
        .env_remove("RASD_DB")
        .env_remove("RASD_FEEDS")
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir.join("data"));
    c
}

#[test]
fn a_broken_feeds_toml_names_file_line_and_column_and_exits_2() {
    let dir = tempfile::tempdir().expect("tmp");
    let cases = [
        (
            "[[feed]]\nkey = \"a\"\nurl = \"http://127.0.0.1/\"\ncolour = \"red\"\n",
            "feeds.toml:4:1: ",
            "colour",
        ),
        (
            "[settings]\ninterval = \"often\"\n",
            "feeds.toml:2:12: ",
            "'often'",
        ),
        (
            "[[feed]]\nkey = \"a\"\nurl = \"gopher://x\"\n",
            "feeds.toml:3:7: ",
            "gopher",
        ),
        ("[[feed]\nkey = 1\n", "feeds.toml:1:", "array"),
    ];
    for (text, prefix, needle) in cases {
        std::fs::write(dir.path().join("feeds.toml"), text).expect("write");
        let out = rasd(dir.path())
            .args(["poll", "--once", "--feeds", "feeds.toml"])
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.starts_with(prefix),
            "{err:?} should start with {prefix:?}"
        );
        assert!(
            err.to_lowercase().contains(needle),
            "{err:?} should mention {needle:?}"
        );
    }
    assert!(
        !dir.path().join("data/rasd/rasd.db").exists(),
        "nothing written on a config error"
    );
}

#[test]
fn the_shipped_feeds_toml_is_valid_and_broad() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = rasd::config::Config::load(&root.join("feeds.toml")).expect("feeds.toml parses");
    assert!(config.feeds.len() >= 40, "{} outlets", config.feeds.len());
    let iraq = config
        .feeds
        .iter()
        .filter(|f| f.country.as_deref() == Some("IQ"))
        .count();
    assert!(iraq >= 6, "{iraq} Iraqi outlets");
    assert!(config.feed("alwaght").is_some());
    for c in [
        "QA", "SA", "AE", "LB", "SY", "JO", "EG", "MA", "DZ", "YE", "IR", "TR", "RU", "GB", "DE",
        "FR", "US",
    ] {
        assert!(
            config.feeds.iter().any(|f| f.country.as_deref() == Some(c)),
            "an outlet from {c}"
        );
    }
}

#[test]
fn feeds_list_json_has_the_documented_shape() {
    let server = Server::start(std::sync::Arc::new(|req: &Request| {
        if req.path == "/good" {
            Response::conditional(req, b"<rss version=\"2.0\"><channel><title>t</title><item><guid>1</guid><title>x</title></item></channel></rss>".to_vec(), "text/xml")
        } else {
            Response::new(500, "boom")
        }
    }));
    let dir = tempfile::tempdir().expect("tmp");
    write_feeds(
        dir.path(),
        &[
            ("good".into(), server.url("/good")),
            ("bad".into(), server.url("/bad")),
        ],
        "",
    );
    let out = rasd(dir.path())
        .args(["feeds", "check", "--format", "json", "--db", "t.db"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let rows = v.as_array().expect("array");
    assert_eq!(rows.len(), 2);
    for key in [
        "key",
        "name",
        "url",
        "status",
        "last_error",
        "consecutive_failures",
        "last_polled_at",
        "next_poll_at",
        "articles",
        "encoding",
    ] {
        assert!(rows[0].get(key).is_some(), "field {key}");
    }
    let bad = rows.iter().find(|r| r["key"] == "bad").expect("bad");
    assert_eq!(bad["consecutive_failures"], 1);
    assert!(
        bad["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("500"))
    );
    let good = rows.iter().find(|r| r["key"] == "good").expect("good");
    assert_eq!(good["articles"], 1);
    assert!(good["last_error"].is_null());
    assert_eq!(good["encoding"], "UTF-8");

    let table = rasd(dir.path())
        .args(["feeds", "list", "--format", "table", "--db", "t.db"])
        .output()
        .expect("run");
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.contains("HTTP 500"), "{table}");
    assert!(table.contains("2 feeds, 1 failing"), "{table}");
}

#[test]
fn opml_import_keeps_comments_and_export_round_trips() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("feeds.toml"), "# my outlets\n[[feed]]\nkey = \"bbc\" # the BBC\nurl = \"https://feeds.bbci.co.uk/arabic/rss.xml\"\n").expect("w");
    std::fs::write(
        dir.path().join("in.opml"),
        r#"<?xml version="1.0"?><opml version="2.0"><body><outline text="news">
        <outline text="BBC" xmlUrl="https://feeds.bbci.co.uk/arabic/rss.xml"/>
        <outline text="روسيا اليوم" title="روسيا اليوم" xmlUrl="https://arabic.rt.com/rss/"/>
        </outline></body></opml>"#,
    )
    .expect("w");
    let out = rasd(dir.path())
        .args(["feeds", "import", "in.opml"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("added 1 feeds"));
    let text = std::fs::read_to_string(dir.path().join("feeds.toml")).expect("r");
    assert!(
        text.starts_with("# my outlets\n") && text.contains("# the BBC"),
        "{text}"
    );
    let config =
        rasd::config::Config::load(&dir.path().join("feeds.toml")).expect("valid after import");
    assert_eq!(config.feeds.len(), 2);
    assert_eq!(config.feeds[1].name, "روسيا اليوم");
    let exported = rasd(dir.path())
        .args(["feeds", "export"])
        .output()
        .expect("run");
    let opml = String::from_utf8_lossy(&exported.stdout);
    assert_eq!(rasd::feeds_cmd::opml::parse(&opml).expect("parse").len(), 2);
}

#[test]
fn completions_and_man_page_are_generated_from_the_cli() {
    let dir = tempfile::tempdir().expect("tmp");
    let bash = rasd(dir.path())
        .args(["completions", "bash"])
        .output()
        .expect("run");
    assert!(bash.status.success());
    let script = String::from_utf8_lossy(&bash.stdout);
    assert!(
        script.contains("_rasd()") && script.contains("query") && script.contains("--feeds"),
        "bash completion"
    );
    let man = rasd(dir.path()).arg("man").output().expect("run");
    let page = String::from_utf8_lossy(&man.stdout);
    assert!(
        page.starts_with(".ie") || page.contains(".TH rasd"),
        "{}",
        &page[..page.len().min(200)]
    );
    assert!(page.contains("poll") && page.contains("export"));
}

#[test]
fn a_first_run_elsewhere_creates_config_and_database() {
    let home = tempfile::tempdir().expect("tmp");
    let out = Command::new(env!("CARGO_BIN_EXE_rasd"))
        .current_dir(home.path())
        .env_remove("RASD_DB")
        .env_remove("RASD_FEEDS")
        .env("HOME", home.path())
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("XDG_DATA_HOME")
        .args(["feeds", "list", "--format", "json"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("created"));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(v.as_array().is_some_and(|a| a.len() >= 40));
    assert!(home.path().join(".config/rasd/feeds.toml").exists());
    assert!(home.path().join(".local/share/rasd/rasd.db").exists());
}
