//! `rasd --demo`: the whole application over bundled snapshot feeds (data/demo, original texts
//! written in the style of eight outlets) in a temporary database — actors, topics, stories, a
//! watch rule and flags to try, with no network. The files are compiled into the binary, so the
//! demo works from any directory.

use crate::analyze::Analyzer;
use crate::config::Config;
use crate::poll::Poller;
use crate::store::Store;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// (key, name, country, file, contents)
const FEEDS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "aljazeera",
        "الجزيرة نت",
        "QA",
        "aljazeera.xml",
        include_str!("../data/demo/aljazeera.xml"),
    ),
    (
        "alarabiya",
        "العربية نت",
        "SA",
        "alarabiya.xml",
        include_str!("../data/demo/alarabiya.xml"),
    ),
    (
        "shafaq",
        "شفق نيوز",
        "IQ",
        "shafaq.xml",
        include_str!("../data/demo/shafaq.xml"),
    ),
    (
        "alsumaria",
        "السومرية نيوز",
        "IQ",
        "alsumaria.xml",
        include_str!("../data/demo/alsumaria.xml"),
    ),
    (
        "alwaght",
        "الوقت",
        "IR",
        "alwaght.xml",
        include_str!("../data/demo/alwaght.xml"),
    ),
    (
        "rt",
        "آر تي عربي",
        "RU",
        "rt-arabic.xml",
        include_str!("../data/demo/rt-arabic.xml"),
    ),
    (
        "bbc",
        "بي بي سي عربي",
        "GB",
        "bbc-arabic.xml",
        include_str!("../data/demo/bbc-arabic.xml"),
    ),
    (
        "youm7",
        "اليوم السابع",
        "EG",
        "youm7.xml",
        include_str!("../data/demo/youm7.xml"),
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("cannot write the demo files in {0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error("demo setup: {0}")]
    Setup(String),
}

/// A prepared demo: its folder (removed on drop), database and feeds file.
pub struct Demo {
    pub dir: PathBuf,
    pub db: PathBuf,
    pub feeds: PathBuf,
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn feeds_toml(dir: &Path) -> String {
    let mut s = String::from(
        "# The rasd demo: bundled snapshot feeds, written in the style of these outlets.\n\n\
         [labels]\n\"1\" = \"narrative\"\n\"2\" = \"follow-up\"\n\"3\" = \"disinformation\"\n\"4\" = \"report\"\n\n\
         [[rule]]\nname = \"nato-iraq\"\nquery = 'actor:nato actor:iraq'\nflag = \"watch\"\nalert = true\n",
    );
    for (key, name, country, file, _) in FEEDS {
        s.push_str(&format!(
            "\n[[feed]]\nkey = \"{key}\"\nname = \"{name}\"\nurl = \"{}\"\ncountry = \"{country}\"\nlang = \"ar\"\n",
            dir.join("feeds").join(file).display()
        ));
    }
    s
}

/// Writes the demo feeds to a fresh temporary folder, polls them into a new database (tagging,
/// stories and the watch rule included) and flags two articles as an analyst would.
pub fn prepare(data_dir: Option<&Path>) -> Result<Demo, DemoError> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let dir = std::env::temp_dir().join(format!("rasd-demo-{}-{nanos}", std::process::id()));
    let io = |e| DemoError::Io(dir.clone(), e);
    std::fs::create_dir_all(dir.join("feeds")).map_err(io)?;
    let demo = Demo {
        db: dir.join("rasd.db"),
        feeds: dir.join("feeds.toml"),
        dir: dir.clone(),
    };
    for (_, _, _, file, body) in FEEDS {
        std::fs::write(dir.join("feeds").join(file), body).map_err(io)?;
    }
    std::fs::write(&demo.feeds, feeds_toml(&dir)).map_err(io)?;

    let setup = |e: &dyn std::fmt::Display| DemoError::Setup(e.to_string());
    let config = Config::load(&demo.feeds).map_err(|e| setup(&e))?;
    let sources = config
        .feeds
        .iter()
        .map(|f| (f.key.clone(), f.name.clone()))
        .collect();
    let analyzer = Analyzer::load(data_dir, sources).map_err(|e| setup(&e))?;
    let rules = crate::rules::compile(&config.rules, &analyzer).map_err(|e| {
        setup(
            &e.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    let poller = Poller::new(&demo.db, config)
        .map_err(|e| setup(&e))?
        .with_analyzer(Arc::new(analyzer))
        .with_rules(rules);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| setup(&e))?;
    rt.block_on(poller.poll_once(true, None))
        .map_err(|e| setup(&e))?;

    let mut store = Store::open(&demo.db).map_err(|e| setup(&e))?;
    let pick = |store: &Store, sql: &str| -> Option<i64> {
        store.conn.query_row(sql, [], |r| r.get(0)).ok()
    };
    if let Some(id) = pick(
        &store,
        "SELECT a.id FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE f.key = 'alwaght' AND a.id IN (SELECT article_id FROM article_actors WHERE actor_key = 'nato') LIMIT 1",
    ) {
        store
            .flag(
                id,
                "narrative",
                Some("frames the troop increase as a way around the Iraqi parliament's vote"),
                "user",
                Some("demo"),
            )
            .map_err(|e| setup(&e))?;
    }
    if let Some(id) = pick(
        &store,
        "SELECT article_id FROM article_topics WHERE topic_key = 'elections' LIMIT 1",
    ) {
        store
            .flag(
                id,
                "follow-up",
                Some("check the date against the commission's statement"),
                "user",
                Some("demo"),
            )
            .map_err(|e| setup(&e))?;
    }
    Ok(demo)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_has_everything_to_try() {
        let demo = super::prepare(None).expect("demo");
        let store = crate::store::Store::open(&demo.db).expect("db");
        let n = |sql: &str| -> i64 { store.conn.query_row(sql, [], |r| r.get(0)).expect(sql) };
        assert_eq!(n("SELECT count(*) FROM feeds"), 8);
        assert_eq!(n("SELECT count(*) FROM articles"), 80);
        assert!(n("SELECT count(DISTINCT actor_key) FROM article_actors") >= 30);
        assert!(n("SELECT count(DISTINCT topic_key) FROM article_topics") >= 8);
        assert!(
            n("SELECT count(*) FROM v_stories WHERE outlets >= 2") >= 1,
            "a story told by several outlets"
        );
        assert!(
            n("SELECT count(*) FROM flags WHERE origin = 'rule:nato-iraq'") >= 3,
            "the watch rule flagged"
        );
        assert!(n("SELECT count(*) FROM flags WHERE origin = 'user'") >= 2);
        assert!(n("SELECT count(*) FROM candidates") >= 2);
        eprintln!(
            "demo: {} actors, {} topics, {} multi-outlet stories, {} rule flags",
            n("SELECT count(DISTINCT actor_key) FROM article_actors"),
            n("SELECT count(DISTINCT topic_key) FROM article_topics"),
            n("SELECT count(*) FROM v_stories WHERE outlets >= 2"),
            n("SELECT count(*) FROM flags WHERE origin = 'rule:nato-iraq'")
        );
        let dir = demo.dir.clone();
        drop(demo);
        assert!(!dir.exists(), "the demo cleans up after itself");
    }
}
