//! The SQL examples in docs/schema.md run against a real database built by polling fixture
//! feeds — through rasd's connection and through the system's plain `sqlite3` when present —
//! so the documentation cannot rot.

mod common;

use common::*;

fn sql_blocks() -> Vec<String> {
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schema.md"),
    )
    .expect("schema.md");
    doc.split("```sql")
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .map(|b| b.trim().to_string())
        .collect()
}

fn fixture_db(dir: &std::path::Path) -> std::path::PathBuf {
    let root = fixtures().join("real-feeds");
    let feeds: Vec<(String, String)> = [
        "picturingjordan.com/public/ar/index.xml",
        "miniflux-v2/urdu_UTF8.xml",
        "Feeder/rss_theguardian.xml",
        "feed-rs/rss2/rss_2.0_invalid_1.xml",
    ]
    .iter()
    .enumerate()
    .map(|(i, p)| (format!("f{i}"), root.join(p).display().to_string()))
    .collect();
    let toml = write_feeds(dir, &feeds, "");
    let db = dir.join("rasd.db");
    poll_all(&db, &toml);
    db
}

#[test]
fn every_schema_example_runs_in_rasd() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = fixture_db(dir.path());
    let blocks = sql_blocks();
    assert!(blocks.len() >= 10, "{} examples", blocks.len());
    let store = rasd::store::Store::open(&db).expect("open");
    let mut rows_seen = 0;
    for sql in &blocks {
        let mut st = store
            .conn
            .prepare(sql)
            .unwrap_or_else(|e| panic!("{sql}\n{e}"));
        let n = st.query_map([], |_| Ok(())).expect("query").count();
        rows_seen += usize::from(n > 0);
    }
    assert!(
        rows_seen >= 4,
        "most examples return rows on the fixture database ({rows_seen})"
    );
    // The documented search finds the diacritized Arabic text.
    let search = &blocks[0];
    assert!(search.contains("ar_stem"));
}

#[test]
fn views_and_search_work_in_plain_sqlite3() {
    let Ok(out) = std::process::Command::new("sqlite3")
        .arg("--version")
        .output()
    else {
        eprintln!("sqlite3 not installed; skipped (CI installs it)");
        return;
    };
    assert!(out.status.success());
    let dir = tempfile::tempdir().expect("tmp");
    let db = fixture_db(dir.path());
    for view in [
        "v_articles",
        "v_mentions",
        "v_topics",
        "v_flags",
        "v_feed_health",
        "v_candidates",
    ] {
        let out = std::process::Command::new("sqlite3")
            .arg(&db)
            .arg(format!("SELECT count(*) FROM {view}"))
            .output()
            .expect("sqlite3");
        assert!(
            out.status.success(),
            "{view}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let stem = rasd::text::fts_text("عمّان");
    let out = std::process::Command::new("sqlite3")
        .arg(&db)
        .arg(format!(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH '{stem}'"
        ))
        .output()
        .expect("sqlite3");
    let n: i64 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(-1);
    assert!(
        n > 0,
        "full-text search from plain sqlite3: {} {}",
        n,
        String::from_utf8_lossy(&out.stderr)
    );
}
