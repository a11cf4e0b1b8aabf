//! Problems found in scenario files, located by file, line and column, and rendered the way
//! rustc renders its errors: the offending line with a caret under it.

pub use super::locate::{DocPath, Seg, SourceFile, locate};

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Longest stretch of a source line shown under an error; longer lines are cut around the caret.
const SHOWN_LINE_CHARS: usize = 100;
/// Most problems printed for one scenario; the rest are counted.
pub const SHOWN_DIAGNOSTICS: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, placed in its file.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub file: PathBuf,
    /// Line and column (1-based), the line's text and the caret's width.
    pub place: Option<Place>,
    pub help: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Place {
    pub line: usize,
    pub column: usize,
    pub text: String,
    pub width: usize,
}

impl Place {
    pub fn from_span(text: &str, span: Range<usize>) -> Place {
        let start = floor_boundary(text, span.start);
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = text[..start].matches('\n').count() + 1;
        let column = text[line_start..start].chars().count() + 1;
        let end = floor_boundary(text, span.end.clamp(start, line_end));
        Place {
            line,
            column,
            text: text[line_start..line_end]
                .trim_end_matches('\r')
                .to_string(),
            width: text[start..end].chars().count().max(1),
        }
    }

    /// The line as shown: control characters replaced, and a long line cut to a window
    /// around the caret. Returns the shown text and the caret's column in it (0-based).
    fn shown(&self) -> (String, usize) {
        let chars: Vec<char> = self
            .text
            .chars()
            .map(|c| {
                if c.is_control() && c != '\t' {
                    '\u{fffd}'
                } else {
                    c
                }
            })
            .collect();
        let caret = (self.column - 1).min(chars.len());
        if chars.len() <= SHOWN_LINE_CHARS {
            return (chars.into_iter().collect(), caret);
        }
        let from = caret
            .saturating_sub(SHOWN_LINE_CHARS / 2)
            .min(chars.len().saturating_sub(SHOWN_LINE_CHARS));
        let to = (from + SHOWN_LINE_CHARS).min(chars.len());
        let mut shown: String = if from > 0 {
            "...".into()
        } else {
            String::new()
        };
        let caret = caret - from + shown.len();
        shown.extend(&chars[from..to]);
        if to < chars.len() {
            shown.push_str("...");
        }
        (shown, caret)
    }
}

fn floor_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl Diagnostic {
    pub fn error(file: &Path, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            file: file.to_path_buf(),
            place: None,
            help: None,
        }
    }

    pub fn warning(file: &Path, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }

    pub fn at(mut self, source: &SourceFile, span: Option<Range<usize>>) -> Diagnostic {
        self.place = span.map(|s| Place::from_span(&source.text, s));
        self
    }

    pub fn with_help(mut self, help: Option<String>) -> Diagnostic {
        self.help = help;
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let Some(p) = &self.place else {
            // Not placed in a line (an unreadable file, a missing path): one line.
            writeln!(f, "{label}: {}: {}", self.file.display(), self.message)?;
            if let Some(help) = &self.help {
                writeln!(f, "  = help: {help}")?;
            }
            return Ok(());
        };
        writeln!(f, "{label}: {}", self.message)?;
        let gutter = p.line.to_string().len();
        let (text, caret) = p.shown();
        writeln!(
            f,
            "{:gutter$}--> {}:{}:{}",
            "",
            self.file.display(),
            p.line,
            p.column
        )?;
        writeln!(f, "{:gutter$} |", "")?;
        writeln!(f, "{} | {text}", p.line)?;
        let pad: String = text
            .chars()
            .take(caret)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let width = p
            .width
            .min(text.chars().count().saturating_sub(caret).max(1));
        writeln!(f, "{:gutter$} | {pad}{}", "", "^".repeat(width))?;
        if let Some(help) = &self.help {
            writeln!(f, "{:gutter$} = help: {help}", "")?;
        }
        Ok(())
    }
}

/// Every problem that stopped a scenario from loading (at least one is an error).
#[derive(Debug, Clone)]
pub struct ScenarioError {
    pub diagnostics: Vec<Diagnostic>,
}

impl ScenarioError {
    pub fn one(d: Diagnostic) -> ScenarioError {
        ScenarioError {
            diagnostics: vec![d],
        }
    }

    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        let mut out = String::new();
        for (i, d) in self.diagnostics.iter().take(SHOWN_DIAGNOSTICS).enumerate() {
            if i > 0 && d.place.is_some() {
                out.push('\n');
            }
            write!(out, "{d}")?;
        }
        if self.diagnostics.len() > SHOWN_DIAGNOSTICS {
            write!(
                out,
                "\n... and {} more problems not shown\n",
                self.diagnostics.len() - SHOWN_DIAGNOSTICS
            )?;
        }
        let errors = self.errors();
        if errors > 1 {
            write!(out, "\nthe scenario has {errors} errors")?;
        }
        f.write_str(out.trim_end())
    }
}

impl std::error::Error for ScenarioError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_items_and_keys() {
        let text = "[scenario]\nname = \"x\"\n\n[[policy]]\nid = \"a\"\n\n[[policy]]\nid = \"b\"\napproval = 1.5\n";
        let path = DocPath::default()
            .key("policy")
            .item("id", "b")
            .key("approval");
        let (span, exact) = locate(text, &path).unwrap();
        assert!(exact);
        let place = Place::from_span(text, span);
        assert_eq!((place.line, place.column), (9, 12));
        let missing = DocPath::default()
            .key("policy")
            .item("id", "b")
            .key("start");
        let (span, exact) = locate(text, &missing).unwrap();
        assert!(!exact);
        assert_eq!(
            Place::from_span(text, span).line,
            8,
            "a missing field points at its table's id"
        );
    }
}
