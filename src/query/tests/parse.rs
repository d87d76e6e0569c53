//! Grammar, precedence and resolution, checked on the parsed tree's canonical form.

use super::*;
use crate::query::{Expr, Field, TextMatch, compile, parse, resolve};

/// The fully parenthesized canonical form of `src`.
fn tree(src: &str) -> String {
    parse(src)
        .unwrap_or_else(|e| panic!("{src}: {e}"))
        .to_string()
}

#[test]
fn precedence() {
    assert_eq!(tree("a b OR c"), tree("(a AND b) OR c"));
    assert_eq!(tree("a b OR c"), "((a AND b) OR c)");
    assert_eq!(tree("a OR b c"), "(a OR (b AND c))");
    assert_eq!(tree("NOT a b"), "(NOT a AND b)");
    assert_eq!(tree("NOT a b"), tree("(NOT a) AND b"));
    assert_eq!(tree("-a b"), "(NOT a AND b)");
    assert_eq!(tree("NOT (a b)"), "NOT (a AND b)");
    assert_eq!(tree("a AND b OR c AND d"), "((a AND b) OR (c AND d))");
    assert_eq!(tree("a OR b OR c"), "(a OR b OR c)");
    assert_eq!(tree("NOT NOT a"), "NOT NOT a");
    assert_eq!(tree("--a"), "NOT NOT a");
    assert_eq!(tree("((a))"), "a");
    assert_eq!(tree("a (b OR c) d"), "(a AND (b OR c) AND d)");
}

#[test]
fn keywords_are_upper_case_only() {
    assert_eq!(tree("a or b"), "(a AND or AND b)");
    assert_eq!(tree("a and b"), "(a AND and AND b)");
    assert_eq!(tree("not a"), "(not AND a)");
    assert_eq!(tree("Or a"), "(Or AND a)");
    // Quoted or starred, a keyword is a word.
    assert_eq!(tree("\"OR\" a"), "(\"OR\" AND a)");
    assert_eq!(tree("OR* a"), "(OR* AND a)");
}

#[test]
fn atoms() {
    assert_eq!(tree(""), "<all>");
    assert_eq!(tree("   \n "), "<all>");
    assert_eq!(tree("actor:nato"), "actor:nato");
    assert_eq!(tree("Actor:nato"), "actor:nato");
    assert_eq!(
        tree("actor:\"Mustafa al-Kadhimi\""),
        "actor:\"Mustafa al-Kadhimi\""
    );
    assert_eq!(tree("title:\"قوات الناتو\"*"), "title:\"قوات الناتو\"*");
    assert_eq!(tree("انسحاب*"), "انسحاب*");
    assert_eq!(tree("flagged"), "flagged");
    assert_eq!(tree("-flagged"), "NOT flagged");
    assert_eq!(tree("\"flagged\""), "\"flagged\"");
    assert_eq!(tree("a-b"), "a-b");
    assert_eq!(tree("10:30"), "10:30");
    assert_eq!(tree("قال:"), "قال:");
    assert_eq!(tree("source:a:b"), "source:a:b");
    assert_eq!(tree("x\"y z\""), "(x AND \"y z\")");
    assert_eq!(tree(r#""a\" OR 1=1""#), r#""a\" OR 1=1""#);
    assert_eq!(tree(r#""back\\slash \n""#), r#""back\\slash \\n""#);
    let Ok(Expr::Atom(a)) = parse("  since:7d") else {
        panic!("atom expected");
    };
    assert_eq!((a.field, a.pos.col, a.value_pos.col), (Field::Since, 3, 9));
}

#[test]
fn canonical_form_reparses_to_itself() {
    for src in [
        "a b OR c",
        "NOT (a OR \"b c\") title:x* -source:rt",
        r#""a\" OR 1=1" candidate:"جون مينزا""#,
        "(actor:biden OR actor:trump) actor:china",
    ] {
        let once = tree(src);
        assert_eq!(tree(&once), once, "{src}");
    }
}

#[test]
fn query_md_examples_parse_and_resolve() {
    for src in [
        "actor:nato actor:iraq since:30d",
        "topic:foreign-military-presence -source:rt",
        "(actor:biden OR actor:trump) actor:china",
        "\"القوات الأجنبية\" flagged",
        "الانتخابات",
        "\"حلف شمال الأطلسي\"",
        "انسحاب*",
        "title:الكاظمي",
        "actor:nato",
        "actor:الكاظمي",
        "actor:\"Mustafa al-Kadhimi\"",
        "topic:elections",
        "source:alwaght",
        "source:bbc*",
        "country:iq",
        "lang:ar",
        "flag:narrative",
        "-flagged",
        "since:7d",
        "since:24h",
        "since:2021-02-01",
        "until:2021-03-01",
        "candidate:\"جون مينزا\"",
        "\"قوات الناتو\"",
    ] {
        compile(src, &TestVocab, now()).unwrap_or_else(|e| panic!("{src}: {e}"));
    }
}

#[test]
fn resolution() {
    let r = |s: &str| compile(s, &TestVocab, now()).unwrap_or_else(|e| panic!("{s}: {e}"));
    let at = |s: &str| {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|e| panic!("{s}: {e}"))
    };
    assert_eq!(r("actor:الكاظمي"), Query::Actor("kadhimi".into()));
    assert_eq!(r("actor:\"حلف شمال الأطلسي\""), Query::Actor("nato".into()));
    assert_eq!(r("actor:NATO"), Query::Actor("nato".into()));
    assert_eq!(r("topic:Elections"), Query::Topic("elections".into()));
    assert_eq!(
        r("source:bbc*"),
        Query::Sources(vec!["bbc-ar".into(), "bbc-en".into()])
    );
    assert_eq!(r("source:الوقت"), Query::Sources(vec!["alwaght".into()]));
    assert_eq!(r("source:RT"), Query::Sources(vec!["rt".into()]));
    assert_eq!(r("country:IQ"), Query::Country("iq".into()));
    assert_eq!(r("since:7d"), Query::Since(at("2021-03-08T12:30:45Z")));
    assert_eq!(r("since:24h"), Query::Since(at("2021-03-14T12:30:45Z")));
    assert_eq!(r("since:2w"), Query::Since(at("2021-03-01T12:30:45Z")));
    assert_eq!(
        r("since:2021-02-01"),
        Query::Since(at("2021-02-01T00:00:00Z"))
    );
    assert_eq!(r("until:today"), Query::Until(at("2021-03-15T00:00:00Z")));
    assert_eq!(
        r("since:yesterday"),
        Query::Since(at("2021-03-14T00:00:00Z"))
    );
    assert_eq!(
        r("until:2021-03-01T10:00:00.9+02:00"),
        Query::Until(at("2021-03-01T08:00:00Z"))
    );
    assert_eq!(
        r("candidate:\"جُون   مينزا\""),
        Query::Candidate {
            name: "جون مينزا".into(),
            prefix: false
        }
    );
    assert_eq!(
        r("\"قُوَّاتِ النـاتو\""),
        Query::Text(TextMatch {
            title_only: false,
            // The stems of the undiacritized words, whatever the stemmer makes of them.
            tokens: crate::text::fts_text("قوات الناتو")
                .split(' ')
                .map(String::from)
                .collect(),
            prefix: false
        })
    );
    // A term that normalizes to several tokens is a phrase of them.
    assert_eq!(
        r("title:al-Kadhimi*"),
        Query::Text(TextMatch {
            title_only: true,
            tokens: vec!["al".into(), "kadhimi".into()],
            prefix: true
        })
    );
    assert_eq!(r(""), Query::All);
    // resolve takes the parsed tree too.
    let e = parse("NOT lang:AR").expect("parse");
    assert_eq!(
        resolve(e, &TestVocab, now()).expect("resolve"),
        Query::Not(Box::new(Query::Lang("ar".into())))
    );
}

#[test]
fn check_accepts_and_rejects() {
    assert!(crate::query::check("a b OR c").is_ok());
    assert!(crate::query::check("actor:nato").is_err()); // empty vocabulary
    assert!(crate::query::check("(").is_err());
}
