//! Problems found in scenario files, located by file, line and column, and rendered the way
//! rustc renders its errors: the offending line with a caret under it.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// A step in the path to a value in a scenario document.
#[derive(Debug, Clone, PartialEq)]
pub enum Seg {
    Key(String),
    /// The element of an array of tables whose `key` field equals `value` (`[[policy]] id = "x"`).
    Item { key: &'static str, value: String },
    Index(usize),
}

/// Where a value lives: `["policy", id = "h20_licence", "approval"]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocPath(pub Vec<Seg>);

impl DocPath {
    pub fn key(mut self, key: &str) -> DocPath {
        self.0.push(Seg::Key(key.to_string()));
        self
    }
    pub fn item(mut self, key: &'static str, value: &str) -> DocPath {
        self.0.push(Seg::Item { key, value: value.to_string() });
        self
    }
    pub fn index(mut self, index: usize) -> DocPath {
        self.0.push(Seg::Index(index));
        self
    }
}

impl fmt::Display for DocPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for seg in &self.0 {
            match seg {
                Seg::Key(k) if first => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Item { value, .. } => write!(f, "[{value}]")?,
                Seg::Index(i) => write!(f, "[{i}]")?,
            }
            first = false;
        }
        Ok(())
    }
}

/// One source file of a scenario (the scenario itself or a file it extends).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

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
        let start = span.start.min(text.len());
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = text[..start].matches('\n').count() + 1;
        let column = text[line_start..start].chars().count() + 1;
        let end = span.end.clamp(start, line_end);
        Place {
            line,
            column,
            text: text[line_start..line_end].trim_end_matches('\r').to_string(),
            width: text[start..end].chars().count().max(1),
        }
    }
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
        writeln!(f, "{label}: {}", self.message)?;
        match &self.place {
            Some(p) => {
                let gutter = p.line.to_string().len();
                writeln!(f, "{:gutter$}--> {}:{}:{}", "", self.file.display(), p.line, p.column)?;
                writeln!(f, "{:gutter$} |", "")?;
                writeln!(f, "{} | {}", p.line, p.text)?;
                let pad: String = p.text.chars().take(p.column - 1).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
                writeln!(f, "{:gutter$} | {pad}{}", "", "^".repeat(p.width))?;
                if let Some(help) = &self.help {
                    writeln!(f, "{:gutter$} = help: {help}", "")?;
                }
            }
            None => {
                writeln!(f, " --> {}", self.file.display())?;
                if let Some(help) = &self.help {
                    writeln!(f, "  = help: {help}")?;
                }
            }
        }
        Ok(())
    }
}

/// Every problem that stopped a scenario from loading (at least one is an error).
#[derive(Debug, Clone)]
pub struct ScenarioError {
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.diagnostics {
            writeln!(f, "{d}")?;
        }
        let errors = self.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
        write!(f, "the scenario has {errors} error{}", if errors == 1 { "" } else { "s" })
    }
}

impl std::error::Error for ScenarioError {}

/// Finds the byte span of `path` in a TOML text: the value if it is there, else the
/// nearest enclosing table or key that is.
pub fn locate(text: &str, path: &DocPath) -> Option<(Range<usize>, bool)> {
    use toml::de::{DeTable, DeValue};
    let doc = DeTable::parse(text).ok()?;
    let root_span = doc.span();
    let root = DeValue::Table(doc.into_inner());
    let mut current: &DeValue = &root;
    let mut best = root_span;
    for (depth, seg) in path.0.iter().enumerate() {
        let next = match seg {
            Seg::Key(k) => match current {
                DeValue::Table(t) => t.get(k.as_str()),
                _ => None,
            },
            Seg::Index(i) => match current {
                DeValue::Array(a) => a.iter().nth(*i),
                _ => None,
            },
            Seg::Item { key, value } => match current {
                DeValue::Array(a) => a.iter().find(|el| match el.get_ref() {
                    DeValue::Table(t) => {
                        t.get(*key).is_some_and(|v| matches!(v.get_ref(), DeValue::String(s) if s == value))
                    }
                    _ => false,
                }),
                _ => None,
            },
        };
        match next {
            Some(v) => {
                best = v.span();
                // For an array-of-tables element, point at its id rather than the whole table.
                if let (Seg::Item { key, .. }, DeValue::Table(t)) = (seg, v.get_ref()) {
                    if depth + 1 == path.0.len() {
                        if let Some(idv) = t.get(*key) {
                            best = idv.span();
                        }
                    }
                }
                current = v.get_ref();
            }
            None => return (depth > 0).then_some((best, false)),
        }
    }
    Some((best, true))
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_items_and_keys() {
        let text = "[scenario]\nname = \"x\"\n\n[[policy]]\nid = \"a\"\n\n[[policy]]\nid = \"b\"\napproval = 1.5\n";
        let path = DocPath::default().key("policy").item("id", "b").key("approval");
        let (span, exact) = locate(text, &path).unwrap();
        assert!(exact);
        let place = Place::from_span(text, span);
        assert_eq!((place.line, place.column), (9, 12));
        let missing = DocPath::default().key("policy").item("id", "b").key("start");
        let (span, exact) = locate(text, &missing).unwrap();
        assert!(!exact);
        assert_eq!(Place::from_span(text, span).line, 7);
    }

    #[test]
    fn suggests_near_names() {
        assert_eq!(nearest("capacty", ["capacity", "growth", "stock"]), Some("capacity"));
        assert_eq!(nearest("zzz", ["capacity", "growth"]), None);
    }
}
