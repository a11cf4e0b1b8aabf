//! The grammar of outcome expressions, parsed into an [`Expr`] whose every name keeps its
//! byte span in the text, so later checks can point at the offending word.
//!
//! ```text
//! expr    := term (('+' | '-') term)*
//! term    := unary (('*' | '/') unary)*
//! unary   := '-' unary | atom
//! atom    := NUMBER | '(' expr ')' | query
//! query   := METRIC ('[' filter (',' filter)* ']')? '@' period
//! filter  := KEY '=' VALUE ('|' VALUE)*
//! period  := bound | '..' bound | bound '..' bound?
//! bound   := YEAR | YEAR 'Q' DIGIT              (2027, 2027Q3)
//! ```

use super::OutcomeError;
use crate::model::Quarter;
use std::ops::Range;

/// A word of the text with its byte span.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Number(f64),
    Query(Query),
    Neg(Box<Expr>),
    Binary(Op, Box<Expr>, Box<Expr>),
}

/// `metric[key=value|value, ...]@period`.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub metric: Spanned<String>,
    pub filters: Vec<Filter>,
    pub period: Period,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub key: Spanned<String>,
    pub values: Vec<Spanned<String>>,
}

/// A calendar year or a quarter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    Year(i32),
    Quarter(Quarter),
}

/// `@2027` has `from` and `to` equal; `@..2027` has no `from`; `@2027..` has no `to`.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    pub from: Option<Spanned<Bound>>,
    pub to: Option<Spanned<Bound>>,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Sym(char),
    DotDot,
    End,
}

/// Splits the text into words, symbols and `..`. Inside `[...]` a word may hold `-`, so
/// ids like `kunlun-p800` need no quoting; outside, `-` is subtraction.
fn lex(text: &str) -> Result<Vec<(Tok, Range<usize>)>, OutcomeError> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut depth) = (0, 0usize);
    let word_byte =
        |b: u8, depth: usize| b.is_ascii_alphanumeric() || b == b'_' || (depth > 0 && b == b'-');
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            i += 1;
        } else if bytes[i..].starts_with(b"..") {
            out.push((Tok::DotDot, i..i + 2));
            i += 2;
        } else if word_byte(b, depth)
            || (b == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            let start = i;
            i = scan_word(bytes, i, depth > 0);
            out.push((Tok::Word(text[start..i].to_string()), start..i));
        } else if "[],=|@()+-*/".contains(b as char) {
            depth = match b {
                b'[' => depth + 1,
                b']' => depth.saturating_sub(1),
                _ => depth,
            };
            out.push((Tok::Sym(b as char), i..i + 1));
            i += 1;
        } else {
            let c = text[i..].chars().next().unwrap_or('?');
            return Err(OutcomeError::new(
                text,
                i..i + c.len_utf8(),
                format!("unexpected character `{c}`"),
            ));
        }
    }
    out.push((Tok::End, text.len()..text.len()));
    Ok(out)
}

/// The end of a word starting at `i`: letters, digits and `_` (and `-` in brackets); a
/// number's fraction and exponent (`1.5`, `2e9`) belong to it, but `2024..` stops at `..`.
fn scan_word(bytes: &[u8], mut i: usize, dashes: bool) -> usize {
    let numeric = bytes[i].is_ascii_digit() || bytes[i] == b'.';
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || (dashes && b == b'-');
    while i < bytes.len() {
        let b = bytes[i];
        let next_digit = bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
        let exponent_sign = numeric
            && (b == b'+' || b == b'-')
            && matches!(bytes[i - 1], b'e' | b'E')
            && next_digit;
        if is_word(b) || exponent_sign || (numeric && b == b'.' && next_digit) {
            i += 1;
        } else {
            break;
        }
    }
    i
}

struct Parser<'a> {
    text: &'a str,
    toks: Vec<(Tok, Range<usize>)>,
    at: usize,
}

/// Parses an outcome expression; names are not checked against any scenario here.
pub fn parse(text: &str) -> Result<Expr, OutcomeError> {
    let mut p = Parser {
        text,
        toks: lex(text)?,
        at: 0,
    };
    if p.peek() == &Tok::End {
        return Err(
            p.error_here("the outcome is empty: write e.g. `compute_share[vendor=nvidia]@2027`")
        );
    }
    let expr = p.expr()?;
    match p.peek() {
        Tok::End => Ok(expr),
        _ => Err(p.error_here("expected an operator (+ - * /) or the end of the outcome here")),
    }
}

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        &self.toks[self.at].0
    }

    fn span(&self) -> Range<usize> {
        self.toks[self.at].1.clone()
    }

    fn bump(&mut self) -> (Tok, Range<usize>) {
        let t = self.toks[self.at].clone();
        if t.0 != Tok::End {
            self.at += 1;
        }
        t
    }

    fn error_here(&self, message: impl Into<String>) -> OutcomeError {
        OutcomeError::new(self.text, self.span(), message)
    }

    fn eat(&mut self, c: char) -> bool {
        let hit = self.peek() == &Tok::Sym(c);
        if hit {
            self.at += 1;
        }
        hit
    }

    fn expect(&mut self, c: char, what: &str) -> Result<Range<usize>, OutcomeError> {
        if self.peek() == &Tok::Sym(c) {
            Ok(self.bump().1)
        } else {
            Err(self.error_here(format!("expected `{c}` {what}")))
        }
    }

    fn expr(&mut self) -> Result<Expr, OutcomeError> {
        let mut left = self.term()?;
        loop {
            let op = if self.eat('+') {
                Op::Add
            } else if self.eat('-') {
                Op::Sub
            } else {
                return Ok(left);
            };
            left = Expr::Binary(op, Box::new(left), Box::new(self.term()?));
        }
    }

    fn term(&mut self) -> Result<Expr, OutcomeError> {
        let mut left = self.unary()?;
        loop {
            let op = if self.eat('*') {
                Op::Mul
            } else if self.eat('/') {
                Op::Div
            } else {
                return Ok(left);
            };
            left = Expr::Binary(op, Box::new(left), Box::new(self.unary()?));
        }
    }

    fn unary(&mut self) -> Result<Expr, OutcomeError> {
        if self.eat('-') {
            Ok(Expr::Neg(Box::new(self.unary()?)))
        } else {
            self.atom()
        }
    }

    fn atom(&mut self) -> Result<Expr, OutcomeError> {
        if self.eat('(') {
            let inner = self.expr()?;
            self.expect(')', "to close the parenthesis")?;
            return Ok(inner);
        }
        match self.bump() {
            (Tok::Word(w), span) if w.starts_with(|c: char| c.is_ascii_digit() || c == '.') => w
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .map(Expr::Number)
                .ok_or_else(|| {
                    OutcomeError::new(self.text, span, format!("`{w}` is not a number"))
                }),
            (Tok::Word(w), span) => self.query(Spanned { value: w, span }).map(Expr::Query),
            (_, span) => Err(OutcomeError::new(
                self.text,
                span,
                "expected a metric such as `units[chip=h20]@2024`, a number or `(`",
            )),
        }
    }

    fn query(&mut self, metric: Spanned<String>) -> Result<Query, OutcomeError> {
        let mut filters = Vec::new();
        if self.eat('[') {
            loop {
                filters.push(self.filter()?);
                if self.eat(']') {
                    break;
                }
                self.expect(',', "between filters, or `]` to end them")?;
            }
        }
        if self.peek() != &Tok::Sym('@') {
            let help = format!(
                "add a period: `{0}@2027` (a year), `{0}@2027Q3` (a quarter) or `{0}@..2027Q3` (up to a quarter)",
                metric.value
            );
            return Err(self
                .error_here(format!("`{}` needs a period after `@`", metric.value))
                .with_help(help));
        }
        self.bump();
        let period = self.period()?;
        Ok(Query {
            metric,
            filters,
            period,
        })
    }

    fn word(&mut self, what: &str) -> Result<Spanned<String>, OutcomeError> {
        match self.bump() {
            (Tok::Word(w), span) => Ok(Spanned { value: w, span }),
            (_, span) => Err(OutcomeError::new(
                self.text,
                span,
                format!("expected {what}"),
            )),
        }
    }

    fn filter(&mut self) -> Result<Filter, OutcomeError> {
        let key = self.word("a filter such as `vendor=nvidia`")?;
        self.expect(
            '=',
            &format!("after `{}`, as in `{}=...`", key.value, key.value),
        )?;
        let mut values = vec![self.word(&format!("a value for `{}`", key.value))?];
        while self.eat('|') {
            values.push(self.word(&format!("another value for `{}` after `|`", key.value))?);
        }
        Ok(Filter { key, values })
    }

    fn period(&mut self) -> Result<Period, OutcomeError> {
        let start = self.span().start;
        let from = if self.peek() == &Tok::DotDot {
            None
        } else {
            Some(self.bound()?)
        };
        let to = if self.peek() == &Tok::DotDot {
            self.bump();
            match self.peek() {
                Tok::Word(_) => Some(self.bound()?),
                _ if from.is_none() => {
                    return Err(self.error_here("expected a year or quarter after `..`"));
                }
                _ => None,
            }
        } else {
            from.clone()
        };
        let end = self.toks[self.at.saturating_sub(1)].1.end;
        Ok(Period {
            from,
            to,
            span: start..end,
        })
    }

    fn bound(&mut self) -> Result<Spanned<Bound>, OutcomeError> {
        let w = self.word("a year (2027) or a quarter (2027Q3)")?;
        let bad = || {
            OutcomeError::new(
                self.text,
                w.span.clone(),
                format!(
                    "`{}` is not a year or a quarter: write 2027 or 2027Q3",
                    w.value
                ),
            )
        };
        let value = if w.value.contains(['Q', 'q']) {
            Bound::Quarter(w.value.parse::<Quarter>().map_err(|_| bad())?)
        } else if w.value.len() == 4 && w.value.bytes().all(|b| b.is_ascii_digit()) {
            Bound::Year(w.value.parse().map_err(|_| bad())?)
        } else {
            return Err(bad());
        };
        Ok(Spanned {
            value,
            span: w.span,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(text: &str) -> Query {
        match parse(text).unwrap() {
            Expr::Query(q) => q,
            other => panic!("not a query: {other:?}"),
        }
    }

    #[test]
    fn parses_queries_with_filters_and_periods() {
        let q = query("units[buyer=bytedance, chip=ascend_910b|h20]@..2024Q2");
        assert_eq!(q.metric.value, "units");
        assert_eq!(q.filters.len(), 2);
        assert_eq!(
            q.filters[1]
                .values
                .iter()
                .map(|v| v.value.as_str())
                .collect::<Vec<_>>(),
            ["ascend_910b", "h20"]
        );
        assert!(q.period.from.is_none());
        assert_eq!(
            q.period.to.unwrap().value,
            Bound::Quarter("2024Q2".parse().unwrap())
        );
        let q = query("compute_share[vendor=nvidia]@2027");
        assert_eq!(q.period.from.clone().unwrap().value, Bound::Year(2027));
        assert_eq!(q.period.to.unwrap().value, Bound::Year(2027));
        let q = query("units@2024..2025Q2");
        assert_eq!(q.period.from.unwrap().value, Bound::Year(2024));
        let q = query("units[chip=kunlun-p800]@2025..");
        assert_eq!(q.filters[0].values[0].value, "kunlun-p800");
        assert!(q.period.to.is_none());
    }

    #[test]
    fn arithmetic_has_the_usual_precedence() {
        let e = parse("1 - units@2024 / 2 * 3").unwrap();
        let Expr::Binary(Op::Sub, one, rest) = e else {
            panic!()
        };
        assert_eq!(*one, Expr::Number(1.0));
        assert!(matches!(*rest, Expr::Binary(Op::Mul, _, _)));
        assert!(matches!(
            parse("-(units@2024 - units@2023)").unwrap(),
            Expr::Neg(_)
        ));
        assert_eq!(parse("2.5e3").unwrap(), Expr::Number(2500.0));
    }

    #[test]
    fn errors_point_at_the_problem() {
        let e = parse("units[chip=h20]").unwrap_err();
        assert!(e.message.contains("needs a period"), "{e}");
        assert_eq!(e.span, 15..15);
        let e = parse("units[chip h20]@2024").unwrap_err();
        assert_eq!(&"units[chip h20]@2024"[e.span.clone()], "h20");
        let e = parse("units@2024Q5").unwrap_err();
        assert_eq!(e.span, 6..12);
        assert!(parse("units@2024 units@2025").is_err());
        assert!(parse("units@2024 $").is_err());
        assert!(parse("").is_err());
        assert!(parse("(units@2024").unwrap_err().message.contains("close"));
    }
}
