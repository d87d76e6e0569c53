//! Tokens → [`Expr`], by recursive descent over the QUERY.md grammar
//! (`or := and ("OR" and)*`, `and := unary (["AND"] unary)*`, `unary := ("-"|"NOT") unary | atom`).
//! Owns precedence, field-name checking and date syntax; it never consults the vocabulary.

use super::ast::{Atom, Expr, FIELD_NAMES, Field};
use super::date;
use super::error::{Pos, QueryError, did_you_mean};
use super::lexer::{RawValue, TokKind, Token, tokenize};

/// Deeper nesting than this is refused: recursion must stay bounded on hostile input.
const MAX_DEPTH: usize = 64;

/// Parse a query. The empty (or all-blank) query is [`Expr::All`].
pub fn parse(src: &str) -> Result<Expr, QueryError> {
    let tokens = tokenize(src)?;
    let mut p = Parser {
        toks: tokens,
        i: 0,
        depth: 0,
    };
    if p.toks.is_empty() {
        return Ok(Expr::All);
    }
    let e = p.or()?;
    if let Some(t) = p.peek() {
        // `or()` stops only at `)` or the end, so this is a `)` without its `(`.
        return Err(
            QueryError::new(t.pos, "unexpected ')'").with_hint(Some("no '(' opens it".into()))
        );
    }
    Ok(e)
}

struct Parser {
    toks: Vec<Token>,
    i: usize,
    depth: usize,
}

fn op_name(k: &TokKind) -> &'static str {
    match k {
        TokKind::And => "AND",
        TokKind::Or => "OR",
        TokKind::Not => "NOT",
        TokKind::Minus => "-",
        _ => "?",
    }
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.i)
    }

    fn peek_kind(&self) -> Option<&TokKind> {
        self.peek().map(|t| &t.kind)
    }

    /// True when the next token can start an operand.
    fn operand_follows(&self) -> bool {
        matches!(
            self.peek_kind(),
            Some(
                TokKind::LParen
                    | TokKind::Minus
                    | TokKind::Not
                    | TokKind::Value(_)
                    | TokKind::Field { .. }
            )
        )
    }

    /// After a binary or unary operator at `op`, make sure something it can apply to follows.
    fn need_operand(&self, op: &Token) -> Result<(), QueryError> {
        if self.operand_follows() {
            return Ok(());
        }
        let hint = match self.peek_kind() {
            None => "nothing follows it".to_string(),
            Some(TokKind::RParen) => "')' follows it".to_string(),
            Some(k) => format!("'{}' follows it", op_name(k)),
        };
        Err(
            QueryError::new(op.pos, format!("dangling operator '{}'", op_name(&op.kind)))
                .with_hint(Some(hint)),
        )
    }

    fn enter(&mut self, pos: Pos) -> Result<(), QueryError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(QueryError::new(pos, "query is nested too deeply")
                .with_hint(Some(format!("at most {MAX_DEPTH} levels"))));
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Expr, QueryError> {
        let mut items = vec![self.and()?];
        while let Some(t) = self.peek().filter(|t| t.kind == TokKind::Or).cloned() {
            self.i += 1;
            self.need_operand(&t)?;
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap_or(Expr::All)
        } else {
            Expr::Or(items)
        })
    }

    fn and(&mut self) -> Result<Expr, QueryError> {
        let mut items = vec![self.unary()?];
        loop {
            if let Some(t) = self.peek().filter(|t| t.kind == TokKind::And).cloned() {
                self.i += 1;
                self.need_operand(&t)?;
            } else if !self.operand_follows() {
                break;
            }
            items.push(self.unary()?);
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap_or(Expr::All)
        } else {
            Expr::And(items)
        })
    }

    fn unary(&mut self) -> Result<Expr, QueryError> {
        let Some(t) = self.peek().cloned() else {
            // Callers check for an operand first; reaching here means the query simply ended.
            let end = self.toks.last().map(|t| t.pos).unwrap_or(Pos::new(1, 1));
            return Err(QueryError::new(end, "unexpected end of query"));
        };
        match t.kind {
            TokKind::Not | TokKind::Minus => {
                self.i += 1;
                self.need_operand(&t)?;
                self.enter(t.pos)?;
                let inner = self.unary()?;
                self.depth -= 1;
                Ok(Expr::Not(Box::new(inner)))
            }
            _ => self.atom(),
        }
    }

    fn atom(&mut self) -> Result<Expr, QueryError> {
        let Some(t) = self.peek().cloned() else {
            let end = self.toks.last().map(|t| t.pos).unwrap_or(Pos::new(1, 1));
            return Err(QueryError::new(end, "unexpected end of query"));
        };
        self.i += 1;
        match t.kind {
            TokKind::LParen => {
                if self.peek_kind() == Some(&TokKind::RParen) {
                    return Err(QueryError::new(t.pos, "empty parentheses"));
                }
                self.enter(t.pos)?;
                if !self.operand_follows() {
                    // `(OR a)` or `( AND`: the operator has nothing on its left.
                    return Err(self.leading_operator(t.pos));
                }
                let e = self.or()?;
                self.depth -= 1;
                match self.peek_kind() {
                    Some(TokKind::RParen) => {
                        self.i += 1;
                        Ok(e)
                    }
                    _ => Err(
                        QueryError::new(t.pos, "unbalanced parentheses: '(' is never closed")
                            .with_hint(Some("add a ')'".into())),
                    ),
                }
            }
            TokKind::RParen => {
                Err(QueryError::new(t.pos, "unexpected ')'")
                    .with_hint(Some("no '(' opens it".into())))
            }
            TokKind::And | TokKind::Or => Err(QueryError::new(
                t.pos,
                format!("dangling operator '{}'", op_name(&t.kind)),
            )
            .with_hint(Some("nothing on its left".into()))),
            TokKind::Not | TokKind::Minus => {
                self.i -= 1;
                self.unary()
            }
            TokKind::Value(v) => Ok(Expr::Atom(bare(v, t.pos))),
            TokKind::Field { name, value } => field_atom(&name, value, t.pos),
        }
    }

    fn leading_operator(&self, open: Pos) -> QueryError {
        match self.peek() {
            Some(t) => QueryError::new(t.pos, format!("dangling operator '{}'", op_name(&t.kind)))
                .with_hint(Some("nothing on its left".into())),
            None => QueryError::new(open, "unbalanced parentheses: '(' is never closed")
                .with_hint(Some("add a ')'".into())),
        }
    }
}

/// A bare word or phrase; the unquoted word `flagged` is the any-flag filter.
fn bare(v: RawValue, pos: Pos) -> Atom {
    let flagged = !v.quoted && !v.prefix && v.text == "flagged";
    Atom {
        field: if flagged { Field::Flagged } else { Field::Text },
        value: if flagged { String::new() } else { v.text },
        quoted: v.quoted,
        prefix: v.prefix,
        pos,
        value_pos: v.pos,
    }
}

fn field_atom(name: &str, v: RawValue, pos: Pos) -> Result<Expr, QueryError> {
    let Some(field) = Field::from_name(name) else {
        let names = FIELD_NAMES.iter().map(|(n, _)| *n);
        let hint = if name.eq_ignore_ascii_case("flagged") {
            // A natural slip: `flagged` is a bare word; labels go through `flag:`.
            Some(format!(
                "'flagged' takes no value; for one label write flag:{}",
                v.text
            ))
        } else {
            did_you_mean(name, names)
                .or_else(|| Some("to search for the text itself, put it in quotes".into()))
        };
        return Err(QueryError::new(pos, format!("unknown field '{name}'")).with_hint(hint));
    };
    let fname = field.name();
    if v.text.trim().is_empty() {
        let hint =
            (!v.quoted).then(|| format!("write the value right after the colon, as in {fname}:x"));
        return Err(QueryError::new(pos, format!("empty value for '{fname}:'")).with_hint(hint));
    }
    if v.prefix && !field.allows_prefix() {
        return Err(QueryError::new(
            v.pos,
            format!("'*' is not allowed in '{fname}:' values"),
        ));
    }
    if matches!(field, Field::Since | Field::Until) {
        date::parse_spec(&v.text).map_err(|(m, h)| QueryError::new(v.pos, m).with_hint(h))?;
    }
    Ok(Expr::Atom(Atom {
        field,
        value: v.text,
        quoted: v.quoted,
        prefix: v.prefix,
        pos,
        value_pos: v.pos,
    }))
}
