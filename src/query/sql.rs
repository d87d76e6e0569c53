//! [`Query`] → a parameterized SQL `WHERE` clause over `articles a JOIN feeds f`.
//!
//! Only fixed SQL text is written here; every user-derived value, including the FTS5 MATCH
//! expression, travels as a bound `?` parameter. Every condition yields 0 or 1, never NULL, so that
//! `NOT` means the same as in the evaluator (SQL's three-valued logic would otherwise make
//! `NOT (NULL = 'iq')` drop feeds without a country).

use rusqlite::types::Value;

use super::date;
use super::resolve::{Query, TextMatch};

/// The `WHERE` clause for `q` and its parameters, in order.
pub fn to_sql(q: &Query) -> (String, Vec<Value>) {
    let mut sql = String::new();
    let mut params = Vec::new();
    emit(q, &mut sql, &mut params);
    (sql, params)
}

/// A complete statement selecting matching article ids, newest first.
pub fn to_sql_all(q: &Query) -> (String, Vec<Value>) {
    let (w, p) = to_sql(q);
    (
        format!(
            "SELECT a.id FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE {w} \
             ORDER BY a.published_at DESC, a.id DESC"
        ),
        p,
    )
}

/// The FTS5 MATCH expression for one text condition: each token double-quoted (embedded quotes
/// doubled) and joined with `+` so they must be consecutive, `*` on the last for a prefix, and a
/// `{title}` column filter when restricted to the title.
pub fn fts_match(t: &TextMatch) -> String {
    let phrase = t
        .tokens
        .iter()
        .map(|tok| format!("\"{}\"", tok.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" + ");
    let star = if t.prefix { " *" } else { "" };
    if t.title_only {
        format!("{{title}} : {phrase}{star}")
    } else {
        format!("{phrase}{star}")
    }
}

fn join(items: &[Query], op: &str, empty: &str, sql: &mut String, params: &mut Vec<Value>) {
    if items.is_empty() {
        sql.push_str(empty);
        return;
    }
    sql.push('(');
    for (i, q) in items.iter().enumerate() {
        if i > 0 {
            sql.push_str(op);
        }
        emit(q, sql, params);
    }
    sql.push(')');
}

fn emit(q: &Query, sql: &mut String, params: &mut Vec<Value>) {
    let mut bind = |sql: &mut String, text: &str, values: Vec<Value>| {
        sql.push_str(text);
        params.extend(values);
    };
    match q {
        Query::All => sql.push('1'),
        Query::And(v) => join(v, " AND ", "1", sql, params),
        Query::Or(v) => join(v, " OR ", "0", sql, params),
        Query::Not(inner) => {
            sql.push_str("NOT ");
            // Parenthesized even when the inner part already is, so precedence never depends on
            // what the inner part happens to be.
            sql.push('(');
            emit(inner, sql, params);
            sql.push(')');
        }
        Query::Text(t) => bind(
            sql,
            "a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)",
            vec![Value::Text(fts_match(t))],
        ),
        Query::Actor(k) => bind(
            sql,
            "a.id IN (SELECT article_id FROM article_actors WHERE actor_key = ?)",
            vec![Value::Text(k.clone())],
        ),
        Query::Topic(k) => bind(
            sql,
            "a.id IN (SELECT article_id FROM article_topics WHERE topic_key = ?)",
            vec![Value::Text(k.clone())],
        ),
        Query::Sources(keys) => {
            let marks = vec!["?"; keys.len()].join(", ");
            bind(
                sql,
                &format!("f.key IN ({marks})"),
                keys.iter().map(|k| Value::Text(k.clone())).collect(),
            );
        }
        // `IS` rather than `=`: a NULL country is simply "not iq", never unknown.
        Query::Country(c) => bind(sql, "lower(f.country) IS ?", vec![Value::Text(c.clone())]),
        Query::Lang(l) => bind(
            sql,
            "(lower(a.lang) IS ? OR substr(lower(a.lang), 1, ?) IS ?)",
            vec![
                Value::Text(l.clone()),
                Value::Integer(i64::try_from(l.chars().count() + 1).unwrap_or(i64::MAX)),
                Value::Text(format!("{l}-")),
            ],
        ),
        Query::Flag(label) => bind(
            sql,
            "a.id IN (SELECT article_id FROM flags WHERE label = ? AND removed_at IS NULL)",
            vec![Value::Text(label.clone())],
        ),
        Query::Flagged => bind(
            sql,
            "a.id IN (SELECT article_id FROM flags WHERE removed_at IS NULL)",
            vec![],
        ),
        Query::Since(t) => bind(
            sql,
            "a.published_at >= ?",
            vec![Value::Text(date::sql_text(*t))],
        ),
        Query::Until(t) => bind(
            sql,
            "a.published_at < ?",
            vec![Value::Text(date::sql_text(*t))],
        ),
        Query::Candidate {
            name,
            prefix: false,
        } => bind(
            sql,
            "a.id IN (SELECT article_id FROM candidates WHERE name_norm = ?)",
            vec![Value::Text(name.clone())],
        ),
        // substr counts chars, like `str::starts_with` on whole chars; LIKE would add its own
        // case folding and wildcards.
        Query::Candidate { name, prefix: true } => bind(
            sql,
            "a.id IN (SELECT article_id FROM candidates WHERE substr(name_norm, 1, ?) = ?)",
            vec![
                Value::Integer(i64::try_from(name.chars().count()).unwrap_or(i64::MAX)),
                Value::Text(name.clone()),
            ],
        ),
    }
}
