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

// ---- spike rules ----

/// A database with feed `wire` and, for each of the `days` days before `today`, `per_day(i)`
/// articles naming NATO and Iraq and two naming only Iraq, each first seen when published (a
/// database that has been polling for weeks).
fn history(
    conn: &rusqlite::Connection,
    today: chrono::NaiveDate,
    days: u64,
    per_day: impl Fn(u64) -> u64,
) {
    conn.execute(
        "INSERT OR IGNORE INTO feeds (key, name, url) VALUES ('wire', 'wire', 'http://127.0.0.1:9/rss')",
        [],
    )
    .expect("feed");
    for i in 1..=days {
        let day = today - chrono::Days::new(i);
        for n in 0..per_day(i) + 2 {
            let at = format!("{}T{:02}:00:00Z", day.format("%Y-%m-%d"), 6 + n % 12);
            let both = n >= 2;
            add_article(conn, &format!("h-{i}-{n}"), &at, both);
        }
    }
}

fn add_article(conn: &rusqlite::Connection, key: &str, at: &str, nato: bool) {
    conn.execute(
        "INSERT INTO articles (feed_id, item_key, title, published_at, first_seen_at, content_hash)
         VALUES ((SELECT id FROM feeds WHERE key = 'wire'), ?1, ?1, ?2, ?2, ?1)",
        rusqlite::params![key, at],
    )
    .expect("article");
    let id = conn.last_insert_rowid();
    let actors: &[&str] = if nato { &["nato", "iraq"] } else { &["iraq"] };
    for a in actors {
        conn.execute(
            "INSERT INTO article_actors (article_id, actor_key, mentions, in_title) VALUES (?1, ?2, 1, 0)",
            rusqlite::params![id, a],
        )
        .expect("actor");
    }
}

fn spike_rules(analyzer: &rasd::analyze::Analyzer) -> Vec<rasd::rules::Rule> {
    let config = rasd::config::RuleConfig {
        name: "nato-iraq-volume".into(),
        query: None,
        spike: Some("actor:nato actor:iraq".into()),
        flag: None,
        alert: true,
        exec: vec![],
        multiple: 3.0,
        min_count: 5,
    };
    rasd::rules::compile(&[config], analyzer).expect("compile")
}

fn at(day: chrono::NaiveDate, hms: &str) -> chrono::DateTime<chrono::Utc> {
    format!("{}T{hms}Z", day.format("%Y-%m-%d"))
        .parse()
        .expect("instant")
}

#[test]
fn a_spike_rule_fires_on_the_day_volume_jumps_once_and_never_on_ordinary_days() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("rasd.db");
    let mut store = rasd::store::Store::open(&path).expect("open");
    let analyzer = rasd::analyze::Analyzer::load(None, vec![]).expect("analyzer");
    let rules = spike_rules(&analyzer);
    let jump = chrono::NaiveDate::from_ymd_opt(2026, 3, 20).expect("date");
    // Thirty ordinary days of 4 to 8 matching articles.
    history(&store.conn, jump, 30, |i| 4 + (i * 7) % 5);

    for i in (1..30).rev() {
        let day = jump - chrono::Days::new(i);
        let fired =
            rasd::rules::spike::check(&mut store, &rules, at(day, "23:00:00")).expect("check");
        assert!(fired.is_empty(), "ordinary day {day} fired: {fired:?}");
    }

    // The jump day: 6 by morning (ordinary), 25 by noon.
    for n in 0..6 {
        add_article(&store.conn, &format!("j-{n}"), "2026-03-20T07:00:00Z", true);
    }
    let fired = rasd::rules::spike::check(&mut store, &rules, at(jump, "08:00:00")).expect("check");
    assert!(fired.is_empty(), "{fired:?}");
    for n in 6..25 {
        add_article(&store.conn, &format!("j-{n}"), "2026-03-20T11:00:00Z", true);
    }
    let fired = rasd::rules::spike::check(&mut store, &rules, at(jump, "12:00:00")).expect("check");
    assert_eq!(fired.len(), 1, "{fired:?}");
    let s = &fired[0];
    assert_eq!(
        (s.rule.as_str(), s.day.as_str(), s.count),
        ("nato-iraq-volume", "2026-03-20", 25)
    );
    assert!(s.baseline > 4.0 && s.baseline < 8.0, "{}", s.baseline);
    assert_eq!(s.articles.len(), rasd::rules::spike::ALERT_ARTICLES);
    assert_eq!(s.query, "actor:nato actor:iraq");

    // Later the same day, and from another connection (another process): recorded, quiet.
    for n in 25..40 {
        add_article(&store.conn, &format!("j-{n}"), "2026-03-20T15:00:00Z", true);
    }
    let mut other = rasd::store::Store::open(&path).expect("reopen");
    let again = rasd::rules::spike::check(&mut other, &rules, at(jump, "16:00:00")).expect("check");
    assert!(again.is_empty(), "{again:?}");
    assert_eq!(count(&store.conn, "SELECT count(*) FROM rule_spikes"), 1);
    assert_eq!(
        count(
            &store.conn,
            "SELECT count FROM v_rule_spikes WHERE day = '2026-03-20'"
        ),
        25
    );

    // The history lists the jump day and no other.
    let days = rasd::rules::spike::history(
        &store,
        &rules[0].query,
        rules[0].spike.expect("spike"),
        40,
        at(jump, "23:00:00"),
    )
    .expect("history");
    let listed: Vec<String> = days.iter().map(|d| d.day.to_string()).collect();
    assert_eq!(listed, vec!["2026-03-20"]);
}

#[test]
fn a_spike_arriving_by_poll_alerts_once_through_the_hook() {
    let dir = tempfile::tempdir().expect("tmp");
    let today = chrono::Utc::now().date_naive();
    {
        let store = rasd::store::Store::open(&dir.path().join("rasd.db")).expect("open");
        history(&store.conn, today, 14, |_| 2);
    }
    let items = |n: usize| -> Vec<u8> {
        let v: Vec<(String, String, String)> = (0..n)
            .map(|i| {
                (
                    format!("s{i}"),
                    format!("الناتو في العراق: تقرير رقم {i}"),
                    "أعلن حلف شمال الأطلسي زيادة قواته في العراق بطلب من الحكومة.".to_string(),
                )
            })
            .collect();
        let refs: Vec<(&str, &str, &str)> = v
            .iter()
            .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
            .collect();
        feed(&refs)
    };
    let body = Arc::new(Mutex::new(items(8)));
    let b = body.clone();
    let server = Server::start(Arc::new(move |req: &Request| {
        Response::conditional(req, b.lock().expect("body").clone(), "application/rss+xml")
    }));
    let hook_out = dir.path().join("spike.json");
    let hook = dir.path().join("hook.sh");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\ncat > {0}.part && mv {0}.part {0}\n",
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
            "[[feed]]\nkey = \"wire\"\nurl = \"{}\"\n\n[[rule]]\nname = \"nato-iraq-volume\"\nspike = 'actor:nato actor:iraq'\nmin_count = 5\nexec = [\"{}\"]\n",
            server.url("/rss"),
            hook.display()
        ),
    )
    .expect("feeds.toml");

    let out = rasd(dir.path(), &["poll", "--once"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("8 new articles") && stdout.contains("1 alerts"),
        "{stdout}"
    );

    let end = Instant::now() + Duration::from_secs(15);
    while !hook_out.exists() && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(20));
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&hook_out).expect("the hook ran"))
            .expect("JSON on stdin");
    assert_eq!(json["kind"], "spike");
    assert_eq!(json["rule"], "nato-iraq-volume");
    assert_eq!(json["count"], 8);
    assert_eq!(json["baseline"], 2.0);
    assert_eq!(json["day"], today.format("%Y-%m-%d").to_string());
    assert_eq!(json["articles"].as_array().map(Vec::len), Some(8));

    // More articles the same day: stored, counted, not announced again.
    *body.lock().expect("body") = items(12);
    let out = rasd(dir.path(), &["poll", "--once", "--all"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("4 new articles") && !stdout.contains("alerts"),
        "{stdout}"
    );
    let conn = db(&dir.path().join("rasd.db"));
    assert_eq!(count(&conn, "SELECT count(*) FROM rule_spikes"), 1);

    // `rules test` lists the day, marked as fired.
    let test = rasd(dir.path(), &["rules", "test", "nato-iraq-volume"]);
    let text = String::from_utf8_lossy(&test.stdout);
    assert!(
        text.contains(&today.format("%Y-%m-%d").to_string()) && text.contains("fired"),
        "{text}"
    );
    assert!(text.contains("would have fired on 1 days"), "{text}");
}

// ---- proposed rules ----

const COMMENTED: &str = r#"# rasd feeds — the analyst's copy
# (kept by hand; do not reformat)

[settings]   # global
interval = "30m"   # slow down
bell = true

# Iraqi outlets
[[feed]]
key = "shafaq"   # the key
url = "http://127.0.0.1:9/shafaq.xml"
tags = ["iraq",   # inline array comment
        "kurdish"]

[[rule]]
name = "nato-iraq"
query = 'actor:nato actor:iraq'   # the old one
flag = "watch"

[labels]
"1" = "narrative"   # key 1

# [[rule]]            a rule kept for later
# name = "spare"
"#;

#[test]
fn a_saved_rule_is_appended_and_nothing_else_changes() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("feeds.toml");
    for original in [
        COMMENTED.to_string(),
        COMMENTED.trim_end().to_string(),
        String::new(),
        include_str!("../feeds.toml").to_string(),
    ] {
        std::fs::write(&path, &original).expect("write");
        rasd::rules::propose::save(
            &path,
            "like-7",
            "actor:nato (\"تصويت البرلمان\" OR تدريب)",
            "follow-up",
            true,
        )
        .expect("save");
        let text = std::fs::read_to_string(&path).expect("read");
        let added = text
            .strip_prefix(original.as_str())
            .expect("the original file is kept byte for byte");
        assert_eq!(
            added.trim_start_matches('\n'),
            "[[rule]]\nname = \"like-7\"\nquery = 'actor:nato (\"تصويت البرلمان\" OR تدريب)'\nflag = \"follow-up\"\nalert = true\n"
        );
        let config = rasd::config::Config::load(&path).expect("still a configuration");
        let rule = config.rules.last().expect("a rule");
        assert_eq!(rule.name, "like-7");
        assert_eq!(
            rule.query.as_deref(),
            Some("actor:nato (\"تصويت البرلمان\" OR تدريب)")
        );
        assert_eq!(rule.flag.as_deref(), Some("follow-up"));
        assert!(rule.alert);

        // The same name twice is refused, and the file is left alone.
        let before = std::fs::read_to_string(&path).expect("read");
        assert!(rasd::rules::propose::save(&path, "like-7", "actor:nato", "watch", true).is_err());
        assert_eq!(std::fs::read_to_string(&path).expect("read"), before);
    }
}

#[test]
fn a_proposed_rule_matches_its_article_and_a_related_one_and_watches_after_saving() {
    let articles: &[(&str, &str, &str)] = &[
        (
            "a",
            "توسيع بعثة الناتو في العراق يتجاوز تصويت البرلمان",
            "قرر حلف شمال الأطلسي رفع عدد أفراد بعثته التدريبية في العراق من 500 إلى 4000 عنصر، رغم تصويت البرلمان على إخراج القوات الأجنبية. ويرى منتقدون أن البعثة التدريبية غطاء لبقاء القوات الأجنبية وأن تصويت البرلمان صار بلا أثر.",
        ),
        (
            "b",
            "نواب عراقيون: زيادة البعثة التدريبية للناتو التفاف على تصويت البرلمان",
            "انتقد نواب قرار حلف شمال الأطلسي زيادة بعثته التدريبية في العراق، معتبرين أنه التفاف على تصويت البرلمان بإخراج القوات الأجنبية.",
        ),
        (
            "c",
            "الناتو يعزي العراق بضحايا الفيضانات",
            "أرسل حلف شمال الأطلسي برقية تعزية إلى العراق بعد الفيضانات التي ضربت المحافظات الجنوبية وأودت بحياة العشرات.",
        ),
        (
            "d",
            "الناتو يجري مناورات في بحر البلطيق",
            "بدأ حلف شمال الأطلسي مناورات عسكرية في بحر البلطيق بمشاركة عشرين دولة وتستمر أسبوعين.",
        ),
        (
            "e",
            "أسعار النفط ترتفع",
            "ارتفعت أسعار النفط اليوم في الأسواق العالمية بعد قرار أوبك.",
        ),
        (
            "f",
            "العراق يفتتح معرض بغداد الدولي للكتاب",
            "افتتح العراق معرض بغداد الدولي للكتاب بمشاركة مئات دور النشر العربية.",
        ),
    ];
    let body = Arc::new(Mutex::new(feed(articles)));
    let b = body.clone();
    let server = Server::start(Arc::new(move |req: &Request| {
        Response::conditional(req, b.lock().expect("body").clone(), "application/rss+xml")
    }));
    let dir = tempfile::tempdir().expect("tmp");
    let feeds = format!(
        "# my feeds\n[[feed]]\nkey = \"wire\"   # loopback\nurl = \"{}\"\n\n# labels\n[labels]\n\"2\" = \"follow-up\"\n",
        server.url("/rss")
    );
    std::fs::write(dir.path().join("feeds.toml"), &feeds).expect("feeds.toml");
    let out = rasd(dir.path(), &["poll", "--once"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let conn = db(&dir.path().join("rasd.db"));
    let id_of = |guid: &str| -> i64 {
        conn.query_row("SELECT id FROM articles WHERE guid = ?1", [guid], |r| {
            r.get(0)
        })
        .expect(guid)
    };
    let a = id_of("a");
    let flagged = rasd(
        dir.path(),
        &["flag", &a.to_string(), "--label", "narrative"],
    );
    assert!(flagged.status.success());

    let out = rasd(
        dir.path(),
        &["rules", "propose", &a.to_string(), "--format", "json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let p: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let query = p["query"].as_str().expect("query").to_string();
    let matched: Vec<i64> = p["matches"]
        .as_array()
        .expect("matches")
        .iter()
        .filter_map(|m| m["id"].as_i64())
        .collect();
    assert!(
        matched.contains(&a),
        "{query} misses its own article: {matched:?}"
    );
    assert!(
        matched.contains(&id_of("b")),
        "{query} misses the related article"
    );
    for other in ["c", "d", "e", "f"] {
        assert!(
            !matched.contains(&id_of(other)),
            "{query} matches unrelated {other}"
        );
    }
    assert!(query.contains("actor:nato"), "{query}");
    let terms: Vec<&str> = p["terms"]
        .as_array()
        .expect("terms")
        .iter()
        .filter_map(|t| t["word"].as_str())
        .collect();
    assert!(!terms.is_empty(), "{p}");
    for t in &terms {
        assert!(
            !["الناتو", "العراق", "حلف", "الأطلسي"].contains(t),
            "{t} is a gazetteer name"
        );
    }

    // Saved under a name: the file keeps its text, and the next poll watches for more.
    let out = rasd(
        dir.path(),
        &[
            "rules",
            "propose",
            &a.to_string(),
            "--save",
            "like-a",
            "--label",
            "follow-up",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(dir.path().join("feeds.toml")).expect("read");
    assert!(text.starts_with(&feeds), "{text}");
    let mut more = articles.to_vec();
    more.push((
        "g",
        "البرلمان يطالب بسحب البعثة التدريبية للناتو من العراق",
        "طالب نواب في البرلمان بسحب بعثة حلف شمال الأطلسي التدريبية من العراق تنفيذا لتصويت البرلمان على إخراج القوات الأجنبية.",
    ));
    *body.lock().expect("body") = feed(&more);
    let out = rasd(dir.path(), &["poll", "--once", "--all"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let origin: String = conn
        .query_row(
            "SELECT origin FROM flags WHERE article_id = ?1 AND label = 'follow-up'",
            [id_of("g")],
            |r| r.get(0),
        )
        .expect("the new article is flagged by the saved rule");
    assert_eq!(origin, "rule:like-a");
}
