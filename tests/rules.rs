//! Watch rules end to end: a loopback poll flags a matching new article in the transaction that
//! stores it, the exec hook gets the article as JSON on stdin (a hostile title stays data), and
//! `rasd rules test|apply` work on the archive.

mod common;

use common::*;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const HOSTILE: &str = "\"; touch /tmp/rasd-owned; \" $(id) `id` الناتو يعزز وجوده في العراق";

fn feed(items: &[(&str, &str, &str)]) -> Vec<u8> {
    let items: String = items
        .iter()
        .map(|(g, t, d)| {
            let t = t.replace('&', "&amp;").replace('<', "&lt;");
            format!("<item><guid>{g}</guid><title>{t}</title><link>http://127.0.0.1/{g}</link><description>{d}</description></item>")
        })
        .collect();
    format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>f</title>{items}</channel></rss>").into_bytes()
}

fn rasd(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rasd"))
        .current_dir(dir)
        .env_remove("RASD_DB")
        .env_remove("RASD_FEEDS")
        .args(args)
        .args(["--db", "rasd.db", "--feeds", "feeds.toml"])
        .output()
        .expect("run rasd")
}

#[test]
fn a_rule_flags_new_matches_at_ingest_and_runs_its_hook() {
    let _ = std::fs::remove_file("/tmp/rasd-owned");
    let body = Arc::new(Mutex::new(feed(&[
        (
            "n1",
            HOSTILE,
            "أعلن حلف شمال الأطلسي زيادة قواته في العراق بطلب من الحكومة.",
        ),
        ("n2", "أسعار النفط ترتفع", "ارتفعت أسعار النفط اليوم."),
    ])));
    let b = body.clone();
    let server = Server::start(Arc::new(move |req: &Request| {
        Response::conditional(req, b.lock().expect("body").clone(), "application/rss+xml")
    }));
    let dir = tempfile::tempdir().expect("tmp");
    let hook_out = dir.path().join("hook.json");
    let hook = dir.path().join("hook.sh");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\ncat > {}.part && mv {}.part {}\n",
            hook_out.display(),
            hook_out.display(),
            hook_out.display()
        ),
    )
    .expect("hook");
    Command::new("chmod")
        .arg("+x")
        .arg(&hook)
        .status()
        .expect("chmod");
    std::fs::write(
        dir.path().join("feeds.toml"),
        format!(
            "[[feed]]\nkey = \"wire\"\nurl = \"{}\"\n\n[[rule]]\nname = \"nato-iraq\"\nquery = 'actor:nato actor:iraq'\nflag = \"watch\"\nalert = true\nexec = [\"{}\", \"--from-rasd\"]\n",
            server.url("/rss"),
            hook.display()
        ),
    )
    .expect("feeds.toml");

    let out = rasd(dir.path(), &["poll", "--once"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("1 alerts"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let conn = db(&dir.path().join("rasd.db"));
    let (guid, label, origin, same_write): (String, String, String, bool) = conn
        .query_row(
            "SELECT a.guid, fl.label, fl.origin, fl.created_at = a.first_seen_at FROM flags fl JOIN articles a ON a.id = fl.article_id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("exactly one flag");
    assert_eq!(
        (guid.as_str(), label.as_str(), origin.as_str()),
        ("n1", "watch", "rule:nato-iraq")
    );
    assert!(same_write, "flagged in the write that stored the article");
    assert_eq!(count(&conn, "SELECT count(*) FROM flags"), 1);

    let end = Instant::now() + Duration::from_secs(15);
    while !hook_out.exists() && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(20));
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&hook_out).expect("the hook ran"))
            .expect("JSON on stdin");
    assert_eq!(json["rule"], "nato-iraq");
    assert_eq!(json["title"], HOSTILE);
    assert_eq!(json["source"], "wire");
    assert!(
        !std::path::Path::new("/tmp/rasd-owned").exists(),
        "the title never reached a shell"
    );

    // An already-seen article is not flagged again; a new match is.
    *body.lock().expect("body") = feed(&[
        (
            "n1",
            HOSTILE,
            "أعلن حلف شمال الأطلسي زيادة قواته في العراق بطلب من الحكومة.",
        ),
        (
            "n3",
            "ستولتنبرغ في بغداد",
            "وصل الأمين العام للناتو إلى العراق.",
        ),
    ]);
    let out = rasd(dir.path(), &["poll", "--once", "--all"]);
    assert!(out.status.success());
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM flags WHERE origin = 'rule:nato-iraq'"
        ),
        2
    );

    // The archive: test lists the matches, apply flags what was there before the rule.
    conn.execute("DELETE FROM flags", []).expect("clear");
    let test = rasd(dir.path(), &["rules", "test", "nato-iraq"]);
    assert!(
        String::from_utf8_lossy(&test.stdout).contains("2 articles match rule 'nato-iraq'"),
        "{}",
        String::from_utf8_lossy(&test.stdout)
    );
    let apply = rasd(dir.path(), &["rules", "apply", "nato-iraq"]);
    assert!(
        String::from_utf8_lossy(&apply.stdout).contains("flagged 2 articles as watch"),
        "{}",
        String::from_utf8_lossy(&apply.stdout)
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM flags WHERE origin = 'rule:nato-iraq'"
        ),
        2
    );
}

#[test]
fn a_bad_rule_query_is_a_configuration_error() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("feeds.toml"),
        "[[rule]]\nname = \"broken\"\nquery = 'actr:nato'\n",
    )
    .expect("write");
    let out = rasd(dir.path(), &["poll", "--once"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("feeds.toml: rule 'broken': error at 1:1: unknown field 'actr'"),
        "{err}"
    );
}

#[test]
fn a_hook_that_hangs_is_killed() {
    let started = Instant::now();
    let r = rasd::rules::run_exec("sleep", &["30".to_string()], b"{}");
    assert!(r.is_err(), "{r:?}");
    assert!(started.elapsed() < Duration::from_secs(20));
}
