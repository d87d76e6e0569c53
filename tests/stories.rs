//! Stories and "more like this" on a loopback poll: rewrites of one event by several outlets
//! share a story; unrelated news does not; `rasd similar` lists the story first.

mod common;

use common::*;
use std::process::Command;
use std::sync::Arc;

fn feed(items: &[(&str, &str, &str)]) -> Vec<u8> {
    let now = chrono::Utc::now().to_rfc2822();
    let items: String = items
        .iter()
        .map(|(g, t, d)| format!("<item><guid>{g}</guid><title>{t}</title><link>http://127.0.0.1/{g}</link><pubDate>{now}</pubDate><description>{d}</description></item>"))
        .collect();
    format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>f</title>{items}</channel></rss>").into_bytes()
}

fn route(path: &str) -> Vec<u8> {
    match path {
        "/wire" => feed(&[
            (
                "w1",
                "الناتو يرفع عدد قواته في العراق إلى 4000",
                "أعلن الأمين العام لحلف شمال الأطلسي ينس ستولتنبرغ رفع عدد قوات بعثة الحلف في العراق من 500 إلى 4000 عنصر لتدريب القوات العراقية ومساعدتها في مواجهة تنظيم داعش.",
            ),
            (
                "w2",
                "أوبك بلس تمدد خفض الإنتاج",
                "قررت مجموعة أوبك بلس تمديد خفض إنتاج النفط حتى نهاية الربع الأول من العام المقبل لدعم الأسعار في الأسواق العالمية.",
            ),
        ]),
        "/gulf" => feed(&[
            (
                "g1",
                "حلف الأطلسي يزيد قواته في العراق من 500 إلى 4000 عنصر",
                "قرر حلف شمال الأطلسي رفع عدد أفراد بعثته في العراق إلى 4000 عنصر بعد أن كانوا 500، وفق ما أعلن أمينه العام ستولتنبرغ، بهدف تدريب القوات العراقية ومواجهة فلول داعش.",
            ),
            (
                "g2",
                "افتتاح معرض الرياض الدولي للكتاب",
                "افتتح معرض الرياض الدولي للكتاب أبوابه أمام الزوار بمشاركة أكثر من ألف دار نشر من ثلاثين دولة.",
            ),
        ]),
        "/iraq" => feed(&[
            (
                "i1",
                "ستولتنبرغ: قوات الناتو في العراق سترتفع إلى 4000",
                "قال ستولتنبرغ إن عدد قوات بعثة حلف شمال الأطلسي في العراق سيرتفع من 500 إلى 4000 عنصر لتدريب القوات العراقية، فيما انتقد نواب عراقيون الخطوة.",
            ),
            (
                "i2",
                "أمطار غزيرة تغرق شوارع البصرة",
                "غرقت شوارع مدينة البصرة بمياه الأمطار الغزيرة التي هطلت منذ الصباح وسط شكاوى من ضعف شبكات تصريف المياه.",
            ),
        ]),
        _ => vec![],
    }
}

#[test]
fn rewrites_across_outlets_form_one_story() {
    let server = Server::start(Arc::new(|req: &Request| {
        Response::conditional(req, route(&req.path), "application/rss+xml")
    }));
    let dir = tempfile::tempdir().expect("tmp");
    let feeds: Vec<(String, String)> = ["wire", "gulf", "iraq"]
        .iter()
        .map(|k| (k.to_string(), server.url(&format!("/{k}"))))
        .collect();
    let toml = write_feeds(dir.path(), &feeds, "");
    let out = Command::new(env!("CARGO_BIN_EXE_rasd"))
        .args(["poll", "--once", "--db"])
        .arg(dir.path().join("rasd.db"))
        .arg("--feeds")
        .arg(&toml)
        .output()
        .expect("poll");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let conn = db(&dir.path().join("rasd.db"));
    let story = |g: &str| -> i64 {
        conn.query_row("SELECT story_id FROM articles WHERE guid = ?1", [g], |r| {
            r.get(0)
        })
        .expect(g)
    };
    assert_eq!(story("w1"), story("g1"), "wire and Gulf rewrite");
    assert_eq!(story("w1"), story("i1"), "wire and Iraqi rewrite");
    for other in ["w2", "g2", "i2"] {
        assert_ne!(story(other), story("w1"), "{other} is another story");
    }
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM v_stories WHERE articles = 3 AND outlets = 3"
        ),
        1
    );

    let id: i64 = conn
        .query_row("SELECT id FROM articles WHERE guid = 'w1'", [], |r| {
            r.get(0)
        })
        .expect("w1");
    let out = Command::new(env!("CARGO_BIN_EXE_rasd"))
        .args(["similar", &id.to_string(), "--format", "json", "--db"])
        .arg(dir.path().join("rasd.db"))
        .output()
        .expect("similar");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let rows = v.as_array().expect("array");
    assert!(rows.len() >= 2);
    let firsts: Vec<&str> = rows[..2]
        .iter()
        .map(|r| {
            r["url"]
                .as_str()
                .expect("url")
                .rsplit('/')
                .next()
                .expect("guid")
        })
        .collect();
    assert!(
        firsts.contains(&"g1") && firsts.contains(&"i1"),
        "{firsts:?}"
    );
    assert!(rows[0]["same_story"].as_bool().expect("bool"));
    for key in [
        "id",
        "url",
        "title",
        "source",
        "published_at",
        "score",
        "same_story",
    ] {
        assert!(rows[0].get(key).is_some(), "{key}");
    }
}

/// The answer key of tests/fixtures/stories: guid → story ("-" = an event told once).
fn labels() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(fixtures().join("stories/labels.tsv")).expect("labels");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (g, s) = l.split_once('\t').expect("guid<TAB>story");
            (g.to_string(), s.to_string())
        })
        .collect()
}

/// Polls the five fixture outlets over loopback into a fresh database.
fn poll_story_fixture(dir: &std::path::Path, settings: &str) -> (Server, std::path::PathBuf) {
    let server = Server::files(&fixtures().join("stories"));
    let feeds: Vec<(String, String)> = ["wire", "gulf", "iraq", "iran", "levant"]
        .iter()
        .map(|k| (k.to_string(), server.url(&format!("/{k}.xml"))))
        .collect();
    let toml = write_feeds(dir, &feeds, settings);
    let db_path = dir.join("rasd.db");
    let summary = poll_all(&db_path, &toml);
    assert_eq!(summary.new_articles, 35, "{summary:?}");
    (server, db_path)
}

/// Precision and recall over pairs of articles: a pair is "same story" in the key when both carry
/// the same story label, and in the database when both got the same story id.
#[test]
fn story_fixture_pairs_precision_recall() {
    let dir = tempfile::tempdir().expect("tmp");
    let (_server, db_path) = poll_story_fixture(dir.path(), "");
    let conn = db(&db_path);
    let key = labels();
    assert_eq!(key.len(), 35);
    let story: Vec<i64> = key
        .iter()
        .map(|(g, _)| {
            conn.query_row("SELECT story_id FROM articles WHERE guid = ?1", [g], |r| {
                r.get(0)
            })
            .expect(g)
        })
        .collect();
    let (mut tp, mut fp, mut fn_) = (0u32, 0u32, 0u32);
    let mut mistakes = vec![];
    for i in 0..key.len() {
        for j in i + 1..key.len() {
            let truth = key[i].1 != "-" && key[i].1 == key[j].1;
            let got = story[i] == story[j];
            match (truth, got) {
                (true, true) => tp += 1,
                (false, true) => {
                    fp += 1;
                    mistakes.push(format!("joined {} + {}", key[i].0, key[j].0));
                }
                (true, false) => {
                    fn_ += 1;
                    mistakes.push(format!("split {} / {}", key[i].0, key[j].0));
                }
                (false, false) => {}
            }
        }
    }
    assert_eq!(tp + fn_, 30, "three stories of five outlets: 3 × 10 pairs");
    let precision = f64::from(tp) / f64::from((tp + fp).max(1));
    let recall = f64::from(tp) / f64::from(tp + fn_);
    println!(
        "story pairs: precision {precision:.3} ({tp} of {} predicted), recall {recall:.3} ({tp} of {})",
        tp + fp,
        tp + fn_
    );
    for m in &mistakes {
        println!("  {m}");
    }
    assert!(
        precision >= 0.9 && recall >= 0.9,
        "precision {precision:.3}, recall {recall:.3}: {mistakes:?}"
    );

    // `rasd similar` on any member lists the other four outlets' versions first, then related
    // articles (the same actors) that are not the story.
    for (g, label) in key.iter().filter(|(_, l)| l != "-") {
        let id: i64 = conn
            .query_row("SELECT id FROM articles WHERE guid = ?1", [g], |r| r.get(0))
            .expect(g);
        let out = Command::new(env!("CARGO_BIN_EXE_rasd"))
            .args(["similar", &id.to_string(), "--format", "json", "--db"])
            .arg(&db_path)
            .output()
            .expect("similar");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let rows = v.as_array().expect("array");
        let guid_of = |r: &serde_json::Value| -> String {
            r["url"]
                .as_str()
                .expect("url")
                .rsplit('/')
                .next()
                .expect("guid")
                .to_string()
        };
        let mut first: Vec<String> = rows.iter().take(4).map(guid_of).collect();
        first.sort();
        let mut want: Vec<String> = key
            .iter()
            .filter(|(o, l)| l == label && o != g)
            .map(|(o, _)| o.clone())
            .collect();
        want.sort();
        assert_eq!(first, want, "similar {g}: the story first");
        assert!(rows[..4].iter().all(|r| r["same_story"] == true), "{g}");
        assert!(rows.len() > 4, "{g}: related articles follow the story");
        assert!(rows[4..].iter().all(|r| r["same_story"] == false), "{g}");
    }
}

/// `[settings] stories = false`: articles are stored and tagged, but neither fingerprinted nor
/// clustered, and `rasd similar` still answers with related articles.
#[test]
fn stories_can_be_turned_off() {
    let dir = tempfile::tempdir().expect("tmp");
    let (_server, db_path) = poll_story_fixture(dir.path(), "stories = false");
    let conn = db(&db_path);
    assert_eq!(count(&conn, "SELECT count(*) FROM articles"), 35);
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM articles WHERE story_id IS NOT NULL"
        ),
        0
    );
    assert_eq!(count(&conn, "SELECT count(*) FROM article_minhash"), 0);
    assert_eq!(count(&conn, "SELECT count(*) FROM minhash_bands"), 0);
    let id: i64 = conn
        .query_row("SELECT id FROM articles WHERE guid = 'wire-103'", [], |r| {
            r.get(0)
        })
        .expect("wire-103");
    let out = Command::new(env!("CARGO_BIN_EXE_rasd"))
        .args(["similar", &id.to_string(), "--format", "json", "--db"])
        .arg(&db_path)
        .output()
        .expect("similar");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let rows = v.as_array().expect("array");
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["same_story"] == false));
}
