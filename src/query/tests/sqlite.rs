//! Both back ends against a real SQLite file: hand-picked cases, QUERY.md examples and
//! injection-looking values, which must be inert because every value is bound.

use super::*;
use crate::query::{compile, to_sql};

fn db(articles: &[TestArticle]) -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().expect("tempdir");
    let c = make_db(&dir.path().join("t.db"), articles).expect("db");
    (dir, c)
}

/// Both back ends agree on `src` and return `expected` (1-based article ids).
fn both(c: &Connection, articles: &[TestArticle], src: &str, expected: &[i64]) {
    let q = compile(src, &TestVocab, now()).unwrap_or_else(|e| panic!("{src}: {e}"));
    let s = sql_ids(c, &q).unwrap_or_else(|e| panic!("{src}: {e}"));
    let e = eval_ids(articles, &q);
    assert_eq!(s, e, "sql vs eval for {src}: {q:?}");
    assert_eq!(s, expected, "results for {src}");
}

fn corpus() -> Vec<TestArticle> {
    let mut a1 = TestArticle::new("قُوَّاتِ الناتو في بغداد", "انسحاب القوات الأجنبية من العراق");
    a1.actors = vec!["nato".into(), "iraq".into()];
    a1.topics = vec!["foreign-military-presence".into()];
    a1.flags = vec![("narrative".into(), false)];
    a1.published_at = now() - chrono::Duration::days(3);
    let mut a2 = TestArticle::new("Biden meets China", "the elections الانتخابات");
    a2.feed = 3; // rt
    a2.actors = vec!["biden".into(), "china".into()];
    a2.topics = vec!["elections".into()];
    a2.lang = Some("en".into());
    a2.flags = vec![("narrative".into(), true)];
    a2.published_at = now() - chrono::Duration::days(40);
    let mut a3 = TestArticle::new("الكاظمي يستقبل", "لقوات النـاتو وجود");
    a3.feed = 2; // bbc-en, country NULL
    a3.actors = vec!["kadhimi".into()];
    a3.candidates = vec!["جون مينزا".into()];
    a3.lang = Some("AR-iq".into());
    a3.published_at = Utc
        .with_ymd_and_hms(2021, 2, 10, 0, 0, 0)
        .single()
        .expect("date");
    let mut a4 = TestArticle::new("trump and china", "القوات الأجنبية");
    a4.feed = 1; // bbc-ar
    a4.actors = vec!["trump".into(), "china".into()];
    a4.flags = vec![("follow-up".into(), false)];
    a4.lang = None;
    a4.published_at = now() - chrono::Duration::hours(2);
    vec![a1, a2, a3, a4]
}

#[test]
fn hand_picked_queries() {
    let arts = corpus();
    let (_d, c) = db(&arts);
    let cases: &[(&str, &[i64])] = &[
        ("", &[1, 2, 3, 4]),
        ("actor:nato actor:iraq since:30d", &[1]),
        ("topic:foreign-military-presence -source:rt", &[1]),
        ("(actor:biden OR actor:trump) actor:china", &[2, 4]),
        ("\"القوات الأجنبية\" flagged", &[1, 4]),
        ("\"قوات الناتو\"", &[1, 3]), // QUERY.md: matches لقوات النـاتو
        ("الناتو", &[1, 3]),
        ("title:الناتو", &[1]),
        ("-title:الناتو", &[2, 3, 4]),
        ("انسح*", &[1]),
        ("title:\"meets chi\"*", &[2]),
        ("country:iq", &[]),
        ("country:IR", &[1]),
        ("-country:gb", &[1, 2, 3]),
        ("lang:ar", &[1, 3]),
        ("-lang:ar", &[2, 4]),
        ("lang:AR", &[1, 3]),
        ("flag:narrative", &[1]),
        ("-flagged", &[2, 3]),
        ("since:2021-02-10 until:2021-02-11", &[3]),
        ("until:2021-02-10", &[2]),
        ("since:24h", &[4]),
        ("since:today", &[4]),
        ("candidate:\"جون مينزا\"", &[3]),
        ("candidate:جون*", &[3]),
        ("candidate:جون", &[]),
        ("source:bbc*", &[3, 4]),
        ("source:\"BBC News\"", &[3]),
        ("actor:الكاظمي OR actor:\"Mustafa al-Kadhimi\"", &[3]),
        ("china or", &[]),
        ("NOT china", &[1, 3]),
        ("NOT NOT china", &[2, 4]),
        // Far-past bounds format as negative years; string order still agrees.
        ("since:9999999d", &[1, 2, 3, 4]),
        ("until:9999999d", &[]),
    ];
    for (src, expected) in cases {
        both(&c, &arts, src, expected);
    }
}

#[test]
fn injection_looking_values_are_inert() {
    let arts = corpus();
    let (_d, c) = db(&arts);
    let hostile = [
        r#"title:"x'); DROP TABLE articles;--""#,
        r#""a\" OR 1=1""#,
        r#"candidate:"x' OR '1'='1""#,
        r#"flag:"'; DELETE FROM flags; --""#,
        r#"country:"x' OR 1=1 --""#,
        r#"lang:"') OR 1=1 --""#,
        r#""\"\"\" NEAR(a b) * {title} : x""#,
        "title:\"a OR b\"",
        "\"1=1\" OR \"title : x\"",
    ];
    for src in hostile {
        let q = compile(src, &TestVocab, now()).unwrap_or_else(|e| panic!("{src}: {e}"));
        let (sql, _) = to_sql(&q);
        assert!(
            !sql.contains("DROP") && !sql.contains('\''),
            "user text in SQL: {sql}"
        );
        let got = sql_ids(&c, &q).unwrap_or_else(|e| panic!("{src}: {e}"));
        assert_eq!(got, eval_ids(&arts, &q), "{src}");
        assert!(got.is_empty(), "{src} matched {got:?}");
    }
    let n: i64 = c
        .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))
        .expect("articles table still there");
    assert_eq!(n, 4);
    // An actor value that looks like SQL is simply an unknown actor.
    let e = compile(r#"actor:"x'); DROP TABLE articles;--""#, &TestVocab, now())
        .expect_err("unknown actor");
    assert_eq!(e.message, "unknown actor 'x'); DROP TABLE articles;--'");
}

#[test]
fn fts_match_strings() {
    use crate::query::{TextMatch, fts_match};
    let t = TextMatch {
        title_only: true,
        tokens: vec!["a\"b".into(), "c".into()],
        prefix: true,
    };
    assert_eq!(fts_match(&t), r#"{title} : "a""b" + "c" *"#);
}

/// The evaluator compares `fts_text` tokens exactly, while SQLite re-tokenizes them with
/// the index's tokenizer (case folding, diacritic removal, splitting on marks). The back ends agree only if
/// every token `fts_text` emits is a the index's tokenizer fixed point; this checks it on `samples`.
fn assert_index_fixed_points(samples: &[&str]) {
    let c = Connection::open_in_memory().expect("db");
    c.execute_batch(
        "CREATE VIRTUAL TABLE t USING fts5(x, content='', contentless_delete=1, tokenize='ascii');
         CREATE VIRTUAL TABLE v USING fts5vocab(t, row);",
    )
    .expect("schema");
    for (i, s) in samples.iter().enumerate() {
        let toks = crate::text::fts_text(s);
        c.execute_batch("DELETE FROM t").expect("clear");
        c.execute(
            "INSERT INTO t(rowid, x) VALUES (?, ?)",
            params![i as i64 + 1, toks],
        )
        .expect("insert");
        let mut st = c
            .prepare("SELECT term FROM v ORDER BY term")
            .expect("vocab");
        let indexed: Vec<String> = st
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("rows");
        let mut ours: Vec<String> = toks
            .split(' ')
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect();
        ours.sort();
        ours.dedup();
        assert_eq!(indexed, ours, "fts_text({s:?}) = {toks:?}");
    }
}

#[test]
fn fts_text_tokens_survive_the_index() {
    assert_index_fixed_points(&[
        "قُوَّاتِ الناتو في بغداد، والانسحاب الأمريكي من العراق.",
        "إعلان آخر: مستشفى المدينة ـ الطبية",
        "Biden, NATO & China: 2021-03-01 news",
        "١٢٣ ٤٥٦ arabic-indic digits",
    ]);
}

/// Known gap of the stand-in `text` module (see the report): Latin diacritics and Arabic marks
/// outside U+064B–U+065F. Run with `--ignored` once the real `text` module is in place.
#[test]
fn fts_text_tokens_survive_the_index_hard_cases() {
    assert_index_fixed_points(&["café Ségolène", "الرَّحْمٰن", "ٱلقرآن ۖ"]);
}

#[test]
fn sql_shape_and_parameters() {
    use rusqlite::types::Value;
    let q = compile(
        "actor:nato -source:bbc* title:\"قوات الناتو\"",
        &TestVocab,
        now(),
    )
    .expect("compile");
    let (sql, params) = to_sql(&q);
    let stems: Vec<String> = crate::text::fts_text("قوات الناتو")
        .split(' ')
        .map(String::from)
        .collect();
    assert_eq!(
        sql,
        "(a.id IN (SELECT article_id FROM article_actors WHERE actor_key = ?) \
         AND NOT (f.key IN (?, ?)) \
         AND a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?))"
    );
    assert_eq!(
        params,
        vec![
            Value::Text("nato".into()),
            Value::Text("bbc-ar".into()),
            Value::Text("bbc-en".into()),
            Value::Text(format!("{{title}} : \"{}\" + \"{}\"", stems[0], stems[1])),
        ]
    );
}
