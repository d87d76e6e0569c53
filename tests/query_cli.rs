//! The filter language through `rasd query`, on a database built by polling Arabic feeds over
//! loopback: every example of QUERY.md returns what it says, bad queries exit 2 with a position.

mod common;

use chrono::{Duration, Utc};
use common::*;
use std::collections::BTreeSet;
use std::process::Command;
use std::sync::Arc;

/// (feed, guid, published, title, body) — written the way these outlets write.
fn articles() -> Vec<(
    &'static str,
    &'static str,
    String,
    &'static str,
    &'static str,
)> {
    let ago = |d: i64| (Utc::now() - Duration::hours(d)).to_rfc2822();
    vec![
        (
            "alwaght",
            "a1",
            ago(48),
            "الناتو يرفع عدد قواته في العراق إلى 4000 جندي",
            "قال الأمين العام لحلف شمال الأطلسي ينس ستولتنبرغ إن الحلف سيرفع عدد قواته في العراق من 500 إلى 4000 عنصر، في خطوة يرى مراقبون أنها التفاف على قرار البرلمان العراقي بإخراج القوات الأجنبية. وأكد رئيس الوزراء مصطفى الكاظمي أن المهمة استشارية.",
        ),
        (
            "alwaght",
            "a2",
            ago(24 * 40),
            "الناتو والعراق: تعاون تدريبي",
            "بحث مسؤولون في حلف الناتو مع نظرائهم في العراق برامج التدريب.",
        ),
        (
            "rt",
            "r1",
            // Well past the `since:24h` boundary: the poll and the query can fall in one second.
            ago(30),
            "بايدن يحذر الصين من دعم روسيا",
            "حذر الرئيس الأمريكي جو بايدن نظيره الصيني من تقديم أي دعم عسكري لموسكو.",
        ),
        (
            "rt",
            "r2",
            ago(72),
            "انسحاب القوات الأمريكية من العراق يثير الجدل",
            "تتواصل النقاشات في بغداد حول جدولة انسحاب القوات الأمريكية من العراق.",
        ),
        (
            "bbc-arabic",
            "b1",
            ago(5),
            "ترامب: الصين تستغل التجارة",
            "قال الرئيس الأمريكي السابق دونالد ترامب إن الصين تستغل الاتفاقات التجارية.",
        ),
        (
            "bbc-arabic",
            "b2",
            ago(24 * 10),
            "المفوضية تحدد موعد الانتخابات العراقية المبكرة",
            "حددت المفوضية العليا المستقلة للانتخابات في العراق موعد الاقتراع. وقال النائب جون مينزا إن الانتخابات المبكرة ستجري في موعدها.",
        ),
        (
            "shafaq",
            "s1",
            "Wed, 10 Feb 2021 09:00:00 +0300".into(),
            "الكاظمي يستقبل وفداً من حلف شمال الأطلسي في بغداد",
            "استقبل رئيس مجلس الوزراء مصطفى الكاظمي وفداً رفيعاً من حلف شمال الأطلسي.",
        ),
        (
            "misc",
            "m1",
            ago(24 * 400),
            "=HYPERLINK(\"http://127.0.0.1/x\") [click](http://127.0.0.1/y)",
            "نص عادي",
        ),
        (
            "shafaq",
            "s2",
            "Fri, 05 Mar 2021 09:00:00 +0300".into(),
            "احتجاجات في البصرة للمطالبة بالكهرباء",
            "خرج المئات في محافظة البصرة للمطالبة بتحسين الخدمات.",
        ),
    ]
}

fn feeds_xml(feed: &str) -> Vec<u8> {
    let items: String = articles()
        .into_iter()
        .filter(|a| a.0 == feed)
        .map(|(_, guid, date, title, body)| {
            format!("<item><guid>{guid}</guid><title>{title}</title><link>http://127.0.0.1/{guid}</link><pubDate>{date}</pubDate><description>{body}</description></item>")
        })
        .collect();
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>{feed}</title>{items}</channel></rss>").into_bytes()
}

struct Env {
    _server: Server,
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        let server = Server::start(Arc::new(|req: &Request| {
            Response::conditional(
                req,
                feeds_xml(req.path.trim_start_matches('/')),
                "application/rss+xml",
            )
        }));
        let dir = tempfile::tempdir().expect("tmp");
        let toml = format!(
            "[[feed]]\nkey = \"alwaght\"\nname = \"الوقت\"\nurl = \"{}\"\ncountry = \"IR\"\n\n\
             [[feed]]\nkey = \"rt\"\nname = \"روسيا اليوم\"\nurl = \"{}\"\ncountry = \"RU\"\n\n\
             [[feed]]\nkey = \"bbc-arabic\"\nname = \"بي بي سي عربي\"\nurl = \"{}\"\ncountry = \"GB\"\n\n\
             [[feed]]\nkey = \"shafaq\"\nname = \"شفق نيوز\"\nurl = \"{}\"\ncountry = \"IQ\"\n\n\
             [[feed]]\nkey = \"misc\"\nurl = \"{}\"\n",
            server.url("/alwaght"),
            server.url("/rt"),
            server.url("/bbc-arabic"),
            server.url("/shafaq"),
            server.url("/misc")
        );
        std::fs::write(dir.path().join("feeds.toml"), toml).expect("write");
        let env = Env {
            _server: server,
            dir,
        };
        let out = env.rasd(&["poll", "--once"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let c = db(&env.dir.path().join("rasd.db"));
        let id: i64 = c
            .query_row("SELECT id FROM articles WHERE guid = 'a1'", [], |r| {
                r.get(0)
            })
            .expect("a1");
        let out = env.rasd(&[
            "flag",
            &id.to_string(),
            "--label",
            "narrative",
            "--note",
            "framing the troop increase",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        env
    }

    fn rasd(&self, args: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_rasd"))
            .current_dir(self.dir.path())
            .env_remove("RASD_DB")
            .env_remove("RASD_FEEDS")
            .args(args)
            .args(["--db", "rasd.db", "--feeds", "feeds.toml"])
            .output()
            .expect("run rasd")
    }

    fn guids(&self, query: &str) -> BTreeSet<String> {
        let out = self.rasd(&["query", "--format", "json", query]);
        assert!(
            out.status.success(),
            "{query}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        v.as_array()
            .expect("array")
            .iter()
            .map(|a| {
                a["url"]
                    .as_str()
                    .expect("url")
                    .rsplit('/')
                    .next()
                    .expect("guid")
                    .to_string()
            })
            .collect()
    }
}

fn set(v: &[&str]) -> BTreeSet<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn query_md_examples_return_what_they_say() {
    let env = Env::new();
    let cases: &[(&str, &[&str])] = &[
        // The four examples of QUERY.md.
        ("actor:nato actor:iraq since:30d", &["a1"]),
        ("topic:foreign-military-presence -source:rt", &["a1"]),
        ("(actor:biden OR actor:trump) actor:china", &["r1", "b1"]),
        ("\"القوات الأجنبية\" flagged", &["a1"]),
        // The fields table.
        ("الانتخابات", &["b2"]),
        // a1 writes لحلف: a one-letter proclitic comes off only words of five letters or more
        // (لجنة must not become جن), so the full phrase finds s1 and the shorter one both.
        ("\"حلف شمال الأطلسي\"", &["s1"]),
        ("\"شمال الأطلسي\"", &["a1", "s1"]),
        ("انسحاب*", &["r2"]),
        ("title:الكاظمي", &["s1"]),
        ("actor:nato", &["a1", "a2", "s1"]),
        ("actor:الكاظمي", &["a1", "s1"]),
        ("actor:\"Mustafa al-Kadhimi\"", &["a1", "s1"]),
        ("topic:elections", &["b2"]),
        ("source:alwaght", &["a1", "a2"]),
        ("source:bbc*", &["b1", "b2"]),
        ("source:\"شفق نيوز\"", &["s1", "s2"]),
        ("country:iq", &["s1", "s2"]),
        ("lang:ar actor:china", &["r1", "b1"]),
        ("flag:narrative", &["a1"]),
        ("-flagged source:rt", &["r1", "r2"]),
        ("since:7d -source:alwaght", &["r1", "r2", "b1"]),
        ("since:24h", &["b1"]),
        ("since:2021-02-01 until:2021-03-01", &["s1"]),
        ("candidate:\"جون مينزا\"", &["b2"]),
    ];
    let mut failures = vec![];
    for (q, want) in cases {
        let got = env.guids(q);
        if got != set(want) {
            failures.push(format!("{q}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn bad_queries_exit_2_with_the_position() {
    let env = Env::new();
    for (q, want) in [
        (
            "actr:nato",
            "error at 1:1: unknown field 'actr' (did you mean 'actor'?)",
        ),
        ("actor:nato \"قوات", "error at 1:12: unclosed quote"),
        (
            "actor:natoo",
            "error at 1:7: unknown actor 'natoo' (did you mean 'nato'?)",
        ),
        ("(actor:nato", "error at 1:1"),
        ("actor:nato OR", "error at 1:"),
        ("since:yesterdayy", "error at 1:7"),
    ] {
        let out = env.rasd(&["query", q]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{q}: {err}");
        assert!(err.starts_with(want), "{q}: {err:?}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn formats_and_sorting() {
    let env = Env::new();
    let out = env.rasd(&[
        "query",
        "--format",
        "ndjson",
        "--sort",
        "oldest",
        "actor:iraq",
    ]);
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("ndjson"))
        .collect();
    assert!(lines.len() >= 3);
    let dates: Vec<&str> = lines
        .iter()
        .map(|l| l["published_at"].as_str().expect("date"))
        .collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
    for key in [
        "id",
        "source",
        "source_name",
        "title",
        "url",
        "published_at",
        "fetched_at",
        "summary",
        "actors",
        "topics",
        "flags",
    ] {
        assert!(lines[0].get(key).is_some(), "{key}");
    }
    let csv = env.rasd(&["query", "--format", "csv", "--limit", "2"]);
    let text = String::from_utf8_lossy(&csv.stdout);
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(text.starts_with("id,source,source_name,published_at,title,url"));
    let rel = env.rasd(&[
        "query",
        "--format",
        "json",
        "--sort",
        "relevance",
        "الناتو OR العراق",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&rel.stdout).expect("json");
    assert!(v.as_array().is_some_and(|a| a.len() >= 3));
}

#[test]
fn export_reports_flagged_articles_safely() {
    let env = Env::new();
    let out = env.rasd(&["export", "--format", "md"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        md.contains("الناتو يرفع عدد قواته في العراق إلى 4000 جندي"),
        "{md}"
    );
    assert!(md.contains("### الوقت (alwaght)"), "{md}");
    assert!(
        md.contains("narrative** — framing the troop increase"),
        "{md}"
    );
    assert!(md.contains("NATO"), "{md}");
    assert!(md.contains("1 articles"), "{md}");

    let dir = tempfile::tempdir().expect("tmp");
    let csv_path = dir.path().join("report.csv");
    let out = env.rasd(&[
        "export",
        "source:misc",
        "--format",
        "csv",
        "-o",
        csv_path.to_str().expect("utf8"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = std::fs::read_to_string(&csv_path).expect("csv written");
    assert!(csv.contains("'=HYPERLINK"), "formula defused: {csv}");
    let md = String::from_utf8_lossy(&env.rasd(&["export", "source:misc"]).stdout).to_string();
    assert!(
        md.contains("\\[click\\](http"),
        "no live link from a title: {md}"
    );
}

#[test]
fn retag_after_the_gazetteer_grows() {
    let env = Env::new();
    let before = env.rasd(&["query", "actor:john-minza"]);
    assert_eq!(before.status.code(), Some(2), "not an actor yet");
    let data = env.dir.path().join("data");
    std::fs::create_dir_all(&data).expect("mkdir");
    let mut actors = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/actors.toml"),
    )
    .expect("actors");
    actors.push_str("\n[[actor]]\nkey = \"john-minza\"\nkind = \"person\"\nname_en = \"John Minza\"\nname_ar = \"جون مينزا\"\naliases_ar = [\"مينزا\"]\ncountry = \"iq\"\n");
    std::fs::write(data.join("actors.toml"), actors).expect("write");
    let out = env.rasd(&["retag", "--data", "data"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("retagged 9 articles"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = env.rasd(&[
        "query",
        "--data",
        "data",
        "--format",
        "json",
        "actor:john-minza",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v.as_array().map(Vec::len), Some(1), "{v}");
    // Tags the old gazetteer found are still there.
    assert_eq!(env.guids("actor:nato"), set(&["a1", "a2", "s1"]));
}

#[test]
fn thirty_malformed_queries_through_the_binary() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("feeds.toml"),
        "[[feed]]\nkey = \"alwaght\"\nurl = \"http://127.0.0.1:9/\"\n",
    )
    .expect("w");
    let malformed = [
        "actr:nato",
        "actor:nato \"قوات",
        "\"",
        "a \"b c",
        "(a b",
        "((a) b",
        "a)",
        ")",
        "a b))",
        "()",
        "a OR",
        "a AND",
        "NOT",
        "OR a",
        "AND b",
        "a OR OR b",
        "actor:",
        "topic:",
        "source:",
        "since:",
        "since:yesterdayy",
        "until:2021-13-45",
        "since:5x",
        "actor:natoo",
        "topic:electionz",
        "source:nowhere",
        "country:",
        "flag:",
        "actor:nato*",
        "!!!",
        "-",
        "a - b",
        "title:",
        "candidate:",
        "lang:",
    ];
    assert!(malformed.len() >= 30);
    for q in malformed {
        let out = Command::new(env!("CARGO_BIN_EXE_rasd"))
            .current_dir(dir.path())
            .env_remove("RASD_DB")
            .args(["query", "--db", "rasd.db", "--feeds", "feeds.toml", "--", q])
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{q:?}: {err}");
        assert!(err.starts_with("error at 1:"), "{q:?}: {err}");
        assert!(
            err.lines()
                .nth(2)
                .is_some_and(|l| l.trim_end().ends_with('^')),
            "{q:?}: a caret under the spot: {err}"
        );
        assert!(out.stdout.is_empty(), "{q:?}");
    }
}
