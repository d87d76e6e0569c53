//! What spike rules and rule proposals cost on a large archive: 60 days × 1,000 articles
//! (60,000, texts cycled from `articles.txt`, tagged with the built-in gazetteer and indexed as at
//! ingest). `spike::check` runs after every poll that stored something; `rules test` on a spike
//! rule and `rules propose` run on demand. `cargo bench --bench spike`.

use criterion::{Criterion, criterion_group, criterion_main};
use rasd::analyze::{Analyzer, ArticleFacts};
use rasd::store::Store;

const DAYS: i64 = 60;
const PER_DAY: i64 = 1000;

fn build(dir: &std::path::Path, analyzer: &Analyzer) -> Store {
    let store = Store::open(&dir.join("bench.db")).expect("open");
    let texts: Vec<(String, String)> = include_str!("articles.txt")
        .split("\n\n\n")
        .filter_map(|a| a.trim().split_once('\n'))
        .map(|(t, b)| (t.to_string(), b.to_string()))
        .collect();
    let now = chrono::Utc::now();
    let tagged: Vec<Vec<(String, u32, bool)>> = texts
        .iter()
        .map(|(t, b)| {
            let a = analyzer.analyze(&ArticleFacts {
                title: t,
                text: b,
                source_key: "bench",
                source_name: "bench",
                country: None,
                lang: Some("ar"),
                published_at: now,
                fts: None,
            });
            a.actors
                .iter()
                .map(|h| (h.key.clone(), h.mentions, h.in_title))
                .collect()
        })
        .collect();
    let shadows: Vec<(String, String)> = texts
        .iter()
        .map(|(t, b)| (rasd::text::fts_text(t), rasd::text::fts_text(b)))
        .collect();
    let c = &store.conn;
    c.execute_batch(
        "BEGIN; INSERT INTO feeds (key, name, url) VALUES ('wire', 'wire', 'http://127.0.0.1:9/');",
    )
    .expect("feed");
    let today = now.date_naive();
    for d in 0..DAYS {
        let day = today - chrono::Days::new(d as u64 + 1);
        for n in 0..PER_DAY {
            let i = ((d * PER_DAY + n) as usize) % texts.len();
            let at = format!("{}T{:02}:{:02}:00Z", day.format("%Y-%m-%d"), n % 24, n % 60);
            c.execute(
                "INSERT INTO articles (feed_id, item_key, title, summary, published_at, first_seen_at, content_hash)
                 VALUES (1, ?1, ?2, ?3, ?4, ?4, ?1)",
                rusqlite::params![format!("{d}-{n}"), texts[i].0, texts[i].1, at],
            )
            .expect("article");
            let id = c.last_insert_rowid();
            c.execute(
                "INSERT INTO articles_fts (rowid, title, body) VALUES (?1, ?2, ?3)",
                rusqlite::params![id, shadows[i].0, shadows[i].1],
            )
            .expect("fts");
            for (k, m, t) in &tagged[i] {
                c.execute(
                    "INSERT INTO article_actors (article_id, actor_key, mentions, in_title) VALUES (?1, ?2, ?3, ?4)",
                    rusqlite::params![id, k, m, t],
                )
                .expect("actor");
            }
        }
    }
    c.execute_batch("COMMIT; ANALYZE;").expect("commit");
    store
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tmp");
    let analyzer = Analyzer::load(None, vec![("wire".into(), "wire".into())]).expect("analyzer");
    let mut store = build(dir.path(), &analyzer);
    let rules = rasd::rules::compile(
        &[rasd::config::RuleConfig {
            name: "volume".into(),
            query: None,
            spike: Some("actor:nato actor:iraq".into()),
            flag: None,
            alert: true,
            exec: vec![],
            multiple: 3.0,
            min_count: 5,
        }],
        &analyzer,
    )
    .expect("rules");
    let matching: i64 = store
        .conn
        .query_row(
            "SELECT count(*) FROM article_actors x JOIN article_actors y USING (article_id)
             WHERE x.actor_key = 'nato' AND y.actor_key = 'iraq'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    eprintln!(
        "archive: {} articles, {matching} match the spike query",
        DAYS * PER_DAY
    );
    let now = chrono::Utc::now();
    c.bench_function("spike check after a poll (60k articles)", |b| {
        b.iter(|| rasd::rules::spike::check(&mut store, &rules, now).expect("check"))
    });
    let t = rules[0].spike.expect("spike");
    c.bench_function("spike history, 60 days (rules test)", |b| {
        b.iter(|| {
            rasd::rules::spike::history(&store, &rules[0].query, t, 60, now).expect("history")
        })
    });
    let id: i64 = store
        .conn
        .query_row(
            "SELECT article_id FROM article_actors WHERE actor_key = 'nato' ORDER BY article_id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("a NATO article");
    let mut g = c.benchmark_group("propose");
    g.sample_size(10);
    g.bench_function("rules propose (60k articles)", |b| {
        b.iter(|| rasd::rules::propose::propose(&store, &analyzer, id).expect("propose"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
