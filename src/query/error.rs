//! The one error type of the filter language: a message anchored at a line and column of the
//! query text, with an optional hint. It owns formatting only; it never decides what is an error.

use std::fmt;

/// A position in the query text: 1-based line and column, columns counted in chars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl Pos {
    pub fn new(line: usize, col: usize) -> Self {
        Pos { line, col }
    }
}

/// A bad query, positioned. Displays as `error at 1:14: unclosed quote` or
/// `error at 1:1: unknown field 'actr' (did you mean 'actor'?)`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct QueryError {
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl QueryError {
    pub fn new(pos: Pos, message: impl Into<String>) -> Self {
        QueryError {
            line: pos.line,
            col: pos.col,
            message: message.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }

    pub fn pos(&self) -> Pos {
        Pos::new(self.line, self.col)
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error at {}:{}: {}", self.line, self.col, self.message)?;
        if let Some(h) = &self.hint {
            write!(f, " ({h})")?;
        }
        Ok(())
    }
}

/// The closest candidate to `word`, if it is close enough to be a plausible typo.
///
/// Distance is counted in chars (Arabic letters are two bytes) and the allowance grows with the
/// word so that `natoo`→`nato` and `yesterdayy`→`yesterday` are offered but `x`→`rt` is not.
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let word = word.to_lowercase();
    let len = word.chars().count();
    let allowed = (len / 3).clamp(1, 3);
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&word, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= allowed)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| format!("did you mean '{c}'?"))
}
