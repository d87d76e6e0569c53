//! Query text → tokens with positions. Owns quoting, escapes, the trailing `*`, the `-` operator
//! and the split of `field:value`; it does not know which fields exist (the parser does) nor what
//! a value means (the resolver does).

use super::error::{Pos, QueryError};

/// A value as written: bare word or quoted phrase, star removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawValue {
    pub text: String,
    pub quoted: bool,
    pub prefix: bool,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokKind {
    LParen,
    RParen,
    /// `-` directly in front of something to exclude.
    Minus,
    And,
    Or,
    Not,
    /// A bare word or phrase.
    Value(RawValue),
    /// `name:value`; the name is not yet checked against the known fields.
    Field {
        name: String,
        value: RawValue,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: TokKind,
    pub pos: Pos,
}

/// Chars that end a bare word.
fn is_break(c: char) -> bool {
    c.is_whitespace() || c == '(' || c == ')' || c == '"'
}

struct Lexer {
    chars: Vec<char>,
    pos: Vec<Pos>,
    i: usize,
}

impl Lexer {
    fn new(src: &str) -> Self {
        let chars: Vec<char> = src.chars().collect();
        let mut pos = Vec::with_capacity(chars.len() + 1);
        let (mut line, mut col) = (1, 1);
        for &c in &chars {
            pos.push(Pos::new(line, col));
            if c == '\n' {
                line += 1;
                col = 1;
            } else {
                col += 1;
            }
        }
        // One past the end, so errors about a missing value can point after the text.
        pos.push(Pos::new(line, col));
        Lexer { chars, pos, i: 0 }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    fn here(&self) -> Pos {
        self.pos
            .get(self.i)
            .or(self.pos.last())
            .copied()
            .unwrap_or_default()
    }

    /// Consume any run of `*`; true if there was one.
    fn stars(&mut self) -> bool {
        let mut any = false;
        while self.peek() == Some('*') {
            self.i += 1;
            any = true;
        }
        any
    }

    /// A quoted phrase; the cursor is on the opening quote.
    fn phrase(&mut self) -> Result<RawValue, QueryError> {
        let start = self.here();
        self.i += 1;
        let mut text = String::new();
        loop {
            match self.peek() {
                None => return Err(QueryError::new(start, "unclosed quote")),
                Some('"') => {
                    self.i += 1;
                    break;
                }
                // `\"` and `\\` let a phrase contain a quote; any other backslash is literal.
                Some('\\') if matches!(self.chars.get(self.i + 1), Some('"' | '\\')) => {
                    if let Some(&c) = self.chars.get(self.i + 1) {
                        text.push(c);
                    }
                    self.i += 2;
                }
                Some(c) => {
                    text.push(c);
                    self.i += 1;
                }
            }
        }
        let prefix = self.stars();
        Ok(RawValue {
            text,
            quoted: true,
            prefix,
            pos: start,
        })
    }

    /// A bare word up to the next break; the trailing stars become the prefix flag.
    fn word(&mut self) -> (String, Pos) {
        let start = self.here();
        let mut text = String::new();
        while let Some(c) = self.peek() {
            if is_break(c) {
                break;
            }
            text.push(c);
            self.i += 1;
        }
        (text, start)
    }

    fn next(&mut self) -> Result<Option<Token>, QueryError> {
        while self.peek().is_some_and(char::is_whitespace) {
            self.i += 1;
        }
        let pos = self.here();
        let Some(c) = self.peek() else {
            return Ok(None);
        };
        let kind =
            match c {
                '(' => {
                    self.i += 1;
                    TokKind::LParen
                }
                ')' => {
                    self.i += 1;
                    TokKind::RParen
                }
                '"' => TokKind::Value(self.phrase()?),
                '-' => {
                    self.i += 1;
                    match self.peek() {
                        Some(n) if !n.is_whitespace() && n != ')' => TokKind::Minus,
                        _ => {
                            return Err(QueryError::new(pos, "dangling operator '-'").with_hint(
                                Some("put what to exclude right after it, as in -source:rt".into()),
                            ));
                        }
                    }
                }
                _ => self.word_token(pos)?,
            };
        Ok(Some(Token { kind, pos }))
    }

    fn word_token(&mut self, pos: Pos) -> Result<TokKind, QueryError> {
        let (word, start) = self.word();
        match word.as_str() {
            "AND" => return Ok(TokKind::And),
            "OR" => return Ok(TokKind::Or),
            "NOT" => return Ok(TokKind::Not),
            _ => {}
        }
        // `name:` is a field only when the name is a plain ASCII identifier, so Arabic text with
        // a colon or a clock time like 10:30 stays ordinary text.
        if let Some(colon) = word.find(':') {
            let name = &word[..colon];
            if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphabetic() || c == '_') {
                let rest = &word[colon + 1..];
                let value_pos = Pos::new(start.line, start.col + name.chars().count() + 1);
                let value = if rest.is_empty() {
                    if self.peek() == Some('"') {
                        self.phrase()?
                    } else {
                        RawValue {
                            text: String::new(),
                            quoted: false,
                            prefix: false,
                            pos: value_pos,
                        }
                    }
                } else {
                    let (text, prefix) = strip_stars(rest);
                    RawValue {
                        text,
                        quoted: false,
                        prefix,
                        pos: value_pos,
                    }
                };
                return Ok(TokKind::Field {
                    name: name.to_string(),
                    value,
                });
            }
        }
        let (text, prefix) = strip_stars(&word);
        if text.is_empty() {
            return Err(QueryError::new(
                pos,
                "a prefix needs at least one letter before '*'",
            ));
        }
        Ok(TokKind::Value(RawValue {
            text,
            quoted: false,
            prefix,
            pos: start,
        }))
    }
}

fn strip_stars(w: &str) -> (String, bool) {
    let t = w.trim_end_matches('*');
    (t.to_string(), t.len() != w.len())
}

/// Split query text into tokens, or the first lexical error (unclosed quote, lone `-`, lone `*`).
pub fn tokenize(src: &str) -> Result<Vec<Token>, QueryError> {
    let mut lx = Lexer::new(src);
    let mut out = Vec::new();
    while let Some(t) = lx.next()? {
        out.push(t);
    }
    Ok(out)
}
