//! Outcome expressions: one small language for every scalar a study, a target or a
//! calibration asks of a run, such as `compute_share[vendor=nvidia]@2027` or
//! `units[buyer=bytedance,chip=ascend_910b]@..2024Q2`. The language is documented, with
//! examples, in `docs/outcomes.md`.
//!
//! [`Outcome::parse`] reads the text ([`syntax`]), checks every name against the scenario
//! and compiles the expression into index lists over a run's [`Record`] ([`compile`]);
//! [`Outcome::evaluate`] is then a few sums per run and cannot fail. Errors point at the
//! offending word and list the valid names.

pub mod compile;
pub mod metric;
pub mod syntax;
#[cfg(test)]
mod tests;

use crate::engine::Record;
use crate::model::Scenario;
use std::fmt;
use std::ops::Range;

/// A checked outcome expression, ready to evaluate on any run of its scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    text: String,
    node: compile::Node,
}

impl Outcome {
    /// Parses `text` and checks it against `scenario`'s metrics, ids and horizon.
    pub fn parse(text: &str, scenario: &Scenario) -> Result<Outcome, OutcomeError> {
        let expr = syntax::parse(text)?;
        let node = compile::Compiler { text, scenario }.compile(&expr)?;
        Ok(Outcome {
            text: text.trim().to_string(),
            node,
        })
    }

    /// The expression as written (trimmed).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The outcome's value in one run. A ratio whose denominator is 0 is 0.
    pub fn evaluate(&self, record: &Record) -> f64 {
        self.node.evaluate(record)
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Why an outcome expression was refused: a message, the span of the text it is about and
/// an optional help line (which usually lists the valid names).
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeError {
    pub text: String,
    pub span: Range<usize>,
    pub message: String,
    pub help: Option<String>,
}

impl OutcomeError {
    pub fn new(text: &str, span: Range<usize>, message: impl Into<String>) -> OutcomeError {
        OutcomeError {
            text: text.to_string(),
            span,
            message: message.into(),
            help: None,
        }
    }

    pub fn with_help(self, help: impl Into<String>) -> OutcomeError {
        OutcomeError {
            help: Some(help.into()),
            ..self
        }
    }

    pub fn with_help_opt(self, help: Option<String>) -> OutcomeError {
        OutcomeError { help, ..self }
    }
}

/// Renders as the text with a caret line under the span:
///
/// ```text
/// error: no vendor `nvidai` in this scenario
///   | compute_share[vendor=nvidai]@2027
///   |                      ^^^^^^
///   = help: did you mean `nvidia`? vendors in this scenario: nvidia, huawei
/// ```
impl fmt::Display for OutcomeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let start = self.span.start.min(self.text.len());
        let end = self.span.end.clamp(start, self.text.len());
        let pad = self.text[..start].chars().count();
        let width = self.text[start..end].chars().count().max(1);
        writeln!(f, "error: {}", self.message)?;
        writeln!(f, "  | {}", self.text)?;
        write!(f, "  | {}{}", " ".repeat(pad), "^".repeat(width))?;
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for OutcomeError {}
