//! The parsed, not yet resolved, query: what the user wrote, with positions kept so that the
//! resolver can point at a bad actor or source. It knows nothing about the database or vocabulary.

use std::fmt;

use super::error::Pos;

/// A field a value can be searched in. `Text` is a bare word or phrase (title or text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Text,
    Title,
    Actor,
    Topic,
    Source,
    Country,
    Lang,
    Flag,
    /// The bare word `flagged`: any active flag. Its atom carries an empty value.
    Flagged,
    Since,
    Until,
    Candidate,
}

/// Field names as written before the colon, in the order did-you-mean prefers on ties.
pub const FIELD_NAMES: &[(&str, Field)] = &[
    ("title", Field::Title),
    ("actor", Field::Actor),
    ("topic", Field::Topic),
    ("source", Field::Source),
    ("country", Field::Country),
    ("lang", Field::Lang),
    ("flag", Field::Flag),
    ("since", Field::Since),
    ("until", Field::Until),
    ("candidate", Field::Candidate),
];

impl Field {
    pub fn from_name(name: &str) -> Option<Field> {
        let lower = name.to_ascii_lowercase();
        FIELD_NAMES
            .iter()
            .find(|(n, _)| *n == lower)
            .map(|(_, f)| *f)
    }

    pub fn name(self) -> &'static str {
        match self {
            Field::Text => "text",
            Field::Flagged => "flagged",
            other => FIELD_NAMES
                .iter()
                .find(|(_, f)| *f == other)
                .map_or("?", |(n, _)| n),
        }
    }

    /// Whether a trailing `*` means something for this field. Keys, codes and dates are exact, so
    /// a star there is almost certainly a mistake and is reported rather than silently dropped.
    pub fn allows_prefix(self) -> bool {
        matches!(
            self,
            Field::Text | Field::Title | Field::Source | Field::Candidate
        )
    }
}

/// One `field:value`, bare word, phrase or `flagged`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Atom {
    pub field: Field,
    /// The value with quotes, escapes and a trailing `*` removed.
    pub value: String,
    /// Written as a `"phrase"`.
    pub quoted: bool,
    /// Ended in `*`: the last token is a prefix.
    pub prefix: bool,
    /// Where the atom starts (the field name, or the value for bare words).
    pub pos: Pos,
    /// Where the value starts.
    pub value_pos: Pos,
}

/// A parsed query. `And`/`Or` are n-ary and never empty; `All` is the empty query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    All,
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Atom(Atom),
}

impl fmt::Display for Atom {
    /// Canonical, re-parseable form, e.g. `actor:nato`, `"قوات الناتو"`, `title:انسحاب*`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.field {
            Field::Flagged => return f.write_str("flagged"),
            Field::Text => {}
            other => write!(f, "{}:", other.name())?,
        }
        if self.quoted {
            f.write_str("\"")?;
            for c in self.value.chars() {
                if c == '"' || c == '\\' {
                    f.write_str("\\")?;
                }
                write!(f, "{c}")?;
            }
            f.write_str("\"")?;
        } else {
            f.write_str(&self.value)?;
        }
        if self.prefix {
            f.write_str("*")?;
        }
        Ok(())
    }
}

impl fmt::Display for Expr {
    /// Fully parenthesized so precedence is visible in tests: `((a AND b) OR c)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::All => f.write_str("<all>"),
            Expr::Atom(a) => write!(f, "{a}"),
            Expr::Not(e) => write!(f, "NOT {e}"),
            Expr::And(v) | Expr::Or(v) => {
                let op = if matches!(self, Expr::And(_)) {
                    " AND "
                } else {
                    " OR "
                };
                f.write_str("(")?;
                for (i, e) in v.iter().enumerate() {
                    if i > 0 {
                        f.write_str(op)?;
                    }
                    write!(f, "{e}")?;
                }
                f.write_str(")")
            }
        }
    }
}
