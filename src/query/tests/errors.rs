//! Malformed queries and the exact positioned message each one gets: syntax errors from `parse`,
//! unknown names and out-of-range dates from `resolve`.

use super::*;
use crate::query::{QueryError, compile, parse};

/// (query, Display of its error). Parse-time and resolve-time errors alike.
const CASES: &[(&str, &str)] = &[
    (
        "actr:nato",
        "error at 1:1: unknown field 'actr' (did you mean 'actor'?)",
    ),
    ("actor:nato \"قوات", "error at 1:12: unclosed quote"),
    ("\"", "error at 1:1: unclosed quote"),
    ("a \"b c", "error at 1:3: unclosed quote"),
    (
        "(a b",
        "error at 1:1: unbalanced parentheses: '(' is never closed (add a ')')",
    ),
    (
        "((a) b",
        "error at 1:1: unbalanced parentheses: '(' is never closed (add a ')')",
    ),
    ("a)", "error at 1:2: unexpected ')' (no '(' opens it)"),
    (")", "error at 1:1: unexpected ')' (no '(' opens it)"),
    ("a b))", "error at 1:4: unexpected ')' (no '(' opens it)"),
    ("()", "error at 1:1: empty parentheses"),
    (
        "a OR",
        "error at 1:3: dangling operator 'OR' (nothing follows it)",
    ),
    (
        "a AND",
        "error at 1:3: dangling operator 'AND' (nothing follows it)",
    ),
    (
        "NOT",
        "error at 1:1: dangling operator 'NOT' (nothing follows it)",
    ),
    (
        "a NOT",
        "error at 1:3: dangling operator 'NOT' (nothing follows it)",
    ),
    (
        "-",
        "error at 1:1: dangling operator '-' (put what to exclude right after it, as in -source:rt)",
    ),
    (
        "a -",
        "error at 1:3: dangling operator '-' (put what to exclude right after it, as in -source:rt)",
    ),
    (
        "(-)",
        "error at 1:2: dangling operator '-' (put what to exclude right after it, as in -source:rt)",
    ),
    (
        "OR a",
        "error at 1:1: dangling operator 'OR' (nothing on its left)",
    ),
    (
        "AND a",
        "error at 1:1: dangling operator 'AND' (nothing on its left)",
    ),
    (
        "a OR OR b",
        "error at 1:3: dangling operator 'OR' ('OR' follows it)",
    ),
    (
        "a AND OR b",
        "error at 1:3: dangling operator 'AND' ('OR' follows it)",
    ),
    (
        "(OR a)",
        "error at 1:2: dangling operator 'OR' (nothing on its left)",
    ),
    (
        "(a OR)",
        "error at 1:4: dangling operator 'OR' (')' follows it)",
    ),
    (
        "NOT )",
        "error at 1:1: dangling operator 'NOT' (')' follows it)",
    ),
    (
        "actor:",
        "error at 1:1: empty value for 'actor:' (write the value right after the colon, as in actor:x)",
    ),
    (
        "actor: nato",
        "error at 1:1: empty value for 'actor:' (write the value right after the colon, as in actor:x)",
    ),
    (
        "title:",
        "error at 1:1: empty value for 'title:' (write the value right after the colon, as in title:x)",
    ),
    (
        "since:yesterdayy",
        "error at 1:7: bad date 'yesterdayy' (did you mean 'yesterday'?)",
    ),
    (
        "since:7x",
        "error at 1:7: bad date '7x' (use 7d, 24h, 2w, YYYY-MM-DD, today or yesterday)",
    ),
    (
        "until:2021-13-01",
        "error at 1:7: bad date '2021-13-01' (use 7d, 24h, 2w, YYYY-MM-DD, today or yesterday)",
    ),
    (
        "since:2021-2-1",
        "error at 1:7: bad date '2021-2-1' (use 7d, 24h, 2w, YYYY-MM-DD, today or yesterday)",
    ),
    (
        "since:",
        "error at 1:1: empty value for 'since:' (write the value right after the colon, as in since:x)",
    ),
    (
        "since:99999999999999999999d",
        "error at 1:7: date '99999999999999999999d' is out of range",
    ),
    (
        "since:9999999999999d",
        "error at 1:7: date '9999999999999d' is out of range",
    ),
    (
        "*",
        "error at 1:1: a prefix needs at least one letter before '*'",
    ),
    (
        "a ***",
        "error at 1:3: a prefix needs at least one letter before '*'",
    ),
    (
        "actor:nato*",
        "error at 1:7: '*' is not allowed in 'actor:' values",
    ),
    (
        "country:i*",
        "error at 1:9: '*' is not allowed in 'country:' values",
    ),
    (
        "since:7d*",
        "error at 1:7: '*' is not allowed in 'since:' values",
    ),
    (
        "soruce:rt",
        "error at 1:1: unknown field 'soruce' (did you mean 'source'?)",
    ),
    (
        "titel:x",
        "error at 1:1: unknown field 'titel' (did you mean 'title'?)",
    ),
    (
        "foo:bar",
        "error at 1:1: unknown field 'foo' (to search for the text itself, put it in quotes)",
    ),
    (
        "http://example.com",
        "error at 1:1: unknown field 'http' (to search for the text itself, put it in quotes)",
    ),
    (
        "a\n  tpic:x",
        "error at 2:3: unknown field 'tpic' (did you mean 'topic'?)",
    ),
    (
        "actor:natoo",
        "error at 1:7: unknown actor 'natoo' (did you mean 'nato'?)",
    ),
    (
        "actor:\"Joe Bidden\"",
        "error at 1:7: unknown actor 'Joe Bidden'",
    ),
    (
        "topic:electons",
        "error at 1:7: unknown topic 'electons' (did you mean 'elections'?)",
    ),
    (
        "source:bbc-arr",
        "error at 1:8: unknown source 'bbc-arr' (did you mean 'bbc-ar'?)",
    ),
    ("source:xyz*", "error at 1:8: unknown source 'xyz*'"),
    (
        "source:\"BBC Arabc\"",
        "error at 1:8: unknown source 'BBC Arabc' (did you mean 'BBC Arabic'?)",
    ),
    (
        "title:\"،\"",
        "error at 1:7: '،' contains no searchable word",
    ),
    ("!!!", "error at 1:1: '!!!' contains no searchable word"),
    (
        "candidate:\"  \"",
        "error at 1:1: empty value for 'candidate:'",
    ),
    (
        "Actor:nato OR flagged:yes",
        "error at 1:15: unknown field 'flagged' ('flagged' takes no value; for one label write flag:yes)",
    ),
];

#[test]
fn malformed_queries_get_positioned_messages() {
    assert!(CASES.len() >= 40);
    for (src, expected) in CASES {
        let e = compile(src, &TestVocab, now()).expect_err(src);
        assert_eq!(e.to_string(), *expected, "for {src:?}");
    }
}

#[test]
fn spec_error_examples() {
    let e = parse("actr:nato").expect_err("unknown field");
    assert_eq!(
        e,
        QueryError {
            line: 1,
            col: 1,
            message: "unknown field 'actr'".into(),
            hint: Some("did you mean 'actor'?".into()),
        }
    );
    // 13 chars before the quote, so it sits at column 14.
    let e = parse("actor:nato a \"قوات").expect_err("unclosed");
    assert_eq!(e.to_string(), "error at 1:14: unclosed quote");
    let e = parse("title:قوات  \"x").expect_err("unclosed");
    assert_eq!(e.to_string(), "error at 1:13: unclosed quote");
}

#[test]
fn columns_count_chars_not_bytes() {
    // Arabic letters are two bytes each; the ')' is still the 6th column.
    let e = parse("قوات ) x").expect_err("stray paren");
    assert_eq!((e.line, e.col), (1, 6));
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("{}a{}", "(".repeat(10_000), ")".repeat(10_000));
    let e = parse(&deep).expect_err("too deep");
    assert_eq!(e.message, "query is nested too deeply");
    let nots = format!("{}a", "NOT ".repeat(10_000));
    assert!(parse(&nots).is_err());
    let minus = format!("{}a", "-".repeat(10_000));
    assert!(parse(&minus).is_err());
    // Long flat queries are fine: AND/OR lists do not recurse.
    let flat = vec!["a"; 10_000].join(" OR ");
    assert!(parse(&flat).is_ok());
}

#[test]
fn every_resolution_error_at_once() {
    let errs = crate::query::compile_all(
        "actor:natoo OR topic:electons source:bbc-arr title:\"!!\"",
        &TestVocab,
        now(),
    )
    .expect_err("four errors");
    let shown: Vec<String> = errs.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "error at 1:7: unknown actor 'natoo' (did you mean 'nato'?)",
            "error at 1:22: unknown topic 'electons' (did you mean 'elections'?)",
            "error at 1:38: unknown source 'bbc-arr' (did you mean 'bbc-ar'?)",
            "error at 1:52: '!!' contains no searchable word",
        ]
    );
}
