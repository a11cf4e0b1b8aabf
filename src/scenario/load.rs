//! Reading scenario files: TOML syntax and types per file, then `extends` chains merged into
//! one resolved document.

use super::diagnostic::{Diagnostic, DocPath, ScenarioError, SourceFile};
use super::raw::RawFile;
use super::types;
use crate::display::nearest;
use std::path::{Path, PathBuf};
use toml::de::DeTable;
use toml::{Table, Value};

/// How many files an `extends` chain may hold, the scenario itself included.
pub const MAX_EXTENDS_DEPTH: usize = 8;
/// Largest scenario file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// Most syntax errors reported for one file (later ones are often echoes of the first).
const MAX_SYNTAX_ERRORS: usize = 10;

/// A scenario's resolved document with the files it came from (child first).
#[derive(Debug, Clone)]
pub struct Resolved {
    pub table: Table,
    pub raw: RawFile,
    pub sources: Vec<SourceFile>,
}

impl Resolved {
    /// Places a problem found at `path` in the file that last set it (the child wins).
    pub fn diagnostic(&self, path: &DocPath, message: impl Into<String>) -> Diagnostic {
        let message = message.into();
        let mut fallback = None;
        for source in &self.sources {
            if let Some((span, exact)) = source.locate(path) {
                if exact {
                    return Diagnostic::error(&source.path, message).at(source, Some(span));
                }
                fallback.get_or_insert((source, span));
            }
        }
        match fallback {
            Some((source, span)) => Diagnostic::error(&source.path, message).at(source, Some(span)),
            None => Diagnostic::error(&self.sources[0].path, message),
        }
    }
}

/// Reads `path` and everything it extends, checking syntax and field types in each file.
pub fn resolve(path: &Path) -> Result<Resolved, ScenarioError> {
    resolve_source(read(path)?)
}

/// As [`resolve`], with the scenario's own text given (files it extends are read from disk,
/// relative to `path`).
pub fn resolve_text(path: &Path, text: &str) -> Result<Resolved, ScenarioError> {
    let source = SourceFile::new(path, text.to_string());
    match control_character(&source) {
        Some(d) => Err(ScenarioError::one(d)),
        None => resolve_source(source),
    }
}

fn resolve_source(source: SourceFile) -> Result<Resolved, ScenarioError> {
    let path = source.path.clone();
    let mut sources = Vec::new();
    let table = load_chain(source, &mut Vec::new(), &mut sources)?;
    let raw: RawFile = Value::Table(table.clone())
        .try_into()
        .map_err(|e: toml::de::Error| {
            ScenarioError::one(Diagnostic::error(
                &path,
                format!("after merging `extends`: {}", plain(e.message())),
            ))
        })?;
    Ok(Resolved {
        table,
        raw,
        sources,
    })
}

fn load_chain(
    source: SourceFile,
    stack: &mut Vec<PathBuf>,
    sources: &mut Vec<SourceFile>,
) -> Result<Table, ScenarioError> {
    let mut table = check(&source)?;
    let extends = table
        .get_mut("scenario")
        .and_then(Value::as_table_mut)
        .and_then(|t| t.remove("extends"))
        .and_then(|v| v.as_str().map(str::to_string));
    stack.push(canonical(&source.path));
    let index = sources.len();
    sources.push(source);
    let Some(parent) = extends else {
        return Ok(table);
    };
    let src = &sources[index];
    let parent_path = src.path.parent().unwrap_or(Path::new(".")).join(&parent);
    let here = DocPath::default().key("scenario").key("extends");
    let located = |message: String, help: &str| {
        let span = src.locate(&here).map(|(s, _)| s);
        ScenarioError::one(
            Diagnostic::error(&src.path, message)
                .at(src, span)
                .with_help(Some(help.to_string())),
        )
    };
    if stack.len() >= MAX_EXTENDS_DEPTH {
        return Err(located(
            format!("`extends` chain is longer than {MAX_EXTENDS_DEPTH} files"),
            "flatten the chain: extend the base scenario directly",
        ));
    }
    if stack.contains(&canonical(&parent_path)) {
        let chain: Vec<String> = sources
            .iter()
            .map(|s| s.path.display().to_string())
            .collect();
        return Err(located(
            format!(
                "`extends` makes a cycle: {} -> {}",
                chain.join(" -> "),
                parent_path.display()
            ),
            "a scenario cannot extend itself or a file that extends it",
        ));
    }
    let parent_source = read(&parent_path).map_err(|e| {
        let why = e
            .diagnostics
            .first()
            .map_or(String::new(), |d| d.message.clone());
        located(
            format!("`extends` names `{}`: {why}", parent_path.display()),
            "the path is relative to the file that extends it",
        )
    })?;
    let base = load_chain(parent_source, stack, sources)?;
    Ok(merge(base, table))
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// Reads a scenario file: a regular file, at most [`MAX_FILE_BYTES`], UTF-8 text.
fn read(path: &Path) -> Result<SourceFile, ScenarioError> {
    let fail = |m: String| ScenarioError::one(Diagnostic::error(path, m));
    let meta = std::fs::metadata(path)
        .map_err(|e| fail(format!("cannot read the scenario file: {}", io_reason(&e))))?;
    if meta.is_dir() {
        return Err(fail("is a directory, not a scenario file".into()));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(fail(format!(
            "the file is {} bytes; a scenario file is at most {MAX_FILE_BYTES} bytes (4 MiB)",
            meta.len()
        )));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| fail(format!("cannot read the scenario file: {}", io_reason(&e))))?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            return Err(ScenarioError::one(not_utf8(
                path,
                e.as_bytes(),
                e.utf8_error().valid_up_to(),
            )));
        }
    };
    let source = SourceFile::new(path, text);
    match control_character(&source) {
        Some(d) => Err(ScenarioError::one(d)),
        None => Ok(source),
    }
}

/// TOML allows no control characters but tab and line ends, not even in comments.
fn control_character(source: &SourceFile) -> Option<Diagnostic> {
    let (at, c) = source
        .text
        .char_indices()
        .find(|(_, c)| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))?;
    let message = format!(
        "the file holds a control character (U+{:04X}), which TOML does not allow",
        u32::from(c)
    );
    let help = "a scenario is a TOML text file; remove the character, or check that this is the right file";
    Some(
        Diagnostic::error(&source.path, message)
            .at(source, Some(at..at + c.len_utf8()))
            .with_help(Some(help.into())),
    )
}

/// The I/O error without Rust's "(os error N)" suffix.
fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Places the first invalid byte of a file that is not UTF-8.
fn not_utf8(path: &Path, bytes: &[u8], valid: usize) -> Diagnostic {
    let line_end = bytes[valid..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| valid + i);
    let text = String::from_utf8_lossy(&bytes[..line_end]).into_owned();
    let shown = SourceFile::new(path, text);
    let at = shown.text[..].len().min(valid);
    Diagnostic::error(
        path,
        format!(
            "the file is not UTF-8 text: invalid byte 0x{:02x} at offset {valid}",
            bytes[valid]
        ),
    )
    .at(&shown, Some(at..at + 1))
    .with_help(Some(
        "a scenario is a TOML text file; is this the right file?".into(),
    ))
}

/// Checks one file's TOML syntax, then its field names and types, reporting every problem.
fn check(source: &SourceFile) -> Result<Table, ScenarioError> {
    let (doc, syntax) = DeTable::parse_recoverable(&source.text);
    let errors = if syntax.is_empty() {
        types::check(&doc)
    } else {
        syntax.into_iter().take(MAX_SYNTAX_ERRORS).collect()
    };
    if !errors.is_empty() {
        let mut diagnostics: Vec<Diagnostic> = Vec::new();
        for d in errors.iter().map(|e| toml_error(source, e)) {
            // One problem per place: the parser's later errors at a place echo its first.
            let same = |x: &Diagnostic| {
                x.place.as_ref().map(|p| (p.line, p.column))
                    == d.place.as_ref().map(|p| (p.line, p.column))
            };
            if !diagnostics.iter().any(same) {
                diagnostics.push(d);
            }
        }
        return Err(ScenarioError { diagnostics });
    }
    source
        .text
        .parse::<Table>()
        .map_err(|e| ScenarioError::one(toml_error(source, &e)))
}

/// Turns a toml parse or type error into a located diagnostic, suggesting near field names.
fn toml_error(source: &SourceFile, e: &toml::de::Error) -> Diagnostic {
    let message = e.message().trim();
    let help = unknown_field_help(message).or_else(|| type_help(message));
    let first = message.lines().next().unwrap_or("invalid TOML");
    // toml hands a date to serde as a table; say what the file holds.
    let date = e
        .span()
        .and_then(|r| source.text.get(r))
        .is_some_and(|t| t.starts_with(|c: char| c.is_ascii_digit()));
    if date && first.starts_with("invalid type: table") {
        let help = Some("quarters are strings like \"2024Q3\"; dates are not used".to_string());
        let first = first.replace("invalid type: table", "invalid type: date");
        return Diagnostic::error(&source.path, plain(&first))
            .at(source, e.span())
            .with_help(help);
    }
    // The list of valid fields goes to the help line (as a suggestion, or in full).
    let first = first
        .split_once(", expected one of")
        .map_or(first, |(head, _)| head);
    Diagnostic::error(&source.path, plain(first))
        .at(source, e.span())
        .with_help(help)
}

/// serde's names for types, in the words of the scenario format.
fn plain(message: &str) -> String {
    let mut out = message.to_string();
    for (from, to) in [
        ("expected struct RawHeader", "expected the [scenario] table"),
        ("expected struct RawModel", "expected the [model] table"),
        (
            "expected struct RawStep",
            "expected a table like { from = \"2025Q1\", capacity = 1000 }",
        ),
        (
            "expected struct RawClause",
            "expected a table of thresholds like { tpp_min = 4800 }",
        ),
        ("expected struct RawDist", "expected a distribution table"),
        ("expected struct Raw", "expected a table like [["),
        ("expected a sequence", "expected an array"),
        ("expected u64", "expected a whole number, 0 or more"),
        ("expected u32", "expected a whole number, 0 or more"),
        ("expected f64", "expected a number"),
    ] {
        out = out.replace(from, to);
    }
    if out.contains("expected a table like [[") {
        out = out.replace("expected a table like [[", "expected a table");
    }
    shorten_quoted(
        &out.replace("invalid type: sequence", "invalid type: array")
            .replace("invalid type: map", "invalid type: table"),
    )
}

/// Cuts a long `quoted` name in a message (a 5000-character key need not be echoed whole).
fn shorten_quoted(message: &str) -> String {
    let parts: Vec<&str> = message.split('`').collect();
    let parts: Vec<String> = parts
        .iter()
        .enumerate()
        .map(|(i, p)| match (i % 2 == 1, p.chars().count()) {
            (true, n) if n > 40 => format!(
                "{}... ({n} characters)",
                p.chars().take(24).collect::<String>()
            ),
            _ => p.to_string(),
        })
        .collect();
    parts.join("`")
}

/// serde says "unknown field `x`, expected one of `a`, `b`"; suggest the nearest.
fn unknown_field_help(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, expected) = rest.split_once('`')?;
    let names: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    match nearest(field, names.iter().copied()) {
        Some(n) => Some(format!("did you mean `{n}`?")),
        None => Some(format!("valid fields here: {}", names.join(", "))),
    }
}

/// A hint for the commonest type mistakes.
fn type_help(message: &str) -> Option<String> {
    if message.contains("expected a number or a distribution table") {
        return Some("write a number such as 1500, or a table such as { dist = \"uniform\", min = 1, max = 2 }".into());
    }
    if message.contains("invalid type: integer") && message.contains("expected a string") {
        return Some("quote it: ids and quarters are strings, e.g. \"2024Q3\"".into());
    }
    if message.contains(" as i128") {
        return Some(format!("TOML integers are at most {}", i64::MAX));
    }
    if message.contains("invalid value: integer `-") {
        return Some("this field cannot be negative".into());
    }
    None
}

/// Merges a child document over its parent: `[scenario]` and `[model]` field by field,
/// entity arrays by id, anything else replaced.
pub fn merge(mut base: Table, child: Table) -> Table {
    for (key, value) in child {
        let id_key = match key.as_str() {
            "chip" | "buyer" | "policy" => Some("id"),
            "supply" => Some("chip"),
            _ => None,
        };
        match (base.get_mut(&key), value, id_key) {
            (Some(Value::Table(b)), Value::Table(c), _) => {
                for (k, v) in c {
                    b.insert(k, v);
                }
            }
            (Some(Value::Array(b)), Value::Array(c), Some(id_key)) => {
                for item in c {
                    let id = item.get(id_key).cloned();
                    let existing = id
                        .as_ref()
                        .and_then(|id| b.iter_mut().find(|x| x.get(id_key) == Some(id)));
                    match (existing, item) {
                        (Some(Value::Table(e)), Value::Table(i)) => {
                            for (k, v) in i {
                                e.insert(k, v);
                            }
                        }
                        (_, item) => b.push(item),
                    }
                }
            }
            (_, value, _) => {
                base.insert(key, value);
            }
        }
    }
    base
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_entities_by_id() {
        let base: Table = "[scenario]\nname='a'\nruns=5\n[[chip]]\nid='x'\nprice_usd=1\nvendor='v'\n[[chip]]\nid='y'".parse().unwrap();
        let child: Table = "[scenario]\nname='b'\n[[chip]]\nid='x'\nprice_usd=2\n[[chip]]\nid='z'"
            .parse()
            .unwrap();
        let m = merge(base, child);
        assert_eq!(m["scenario"]["name"].as_str(), Some("b"));
        assert_eq!(m["scenario"]["runs"].as_integer(), Some(5));
        let chips = m["chip"].as_array().unwrap();
        assert_eq!(chips.len(), 3);
        assert_eq!(chips[0]["price_usd"].as_integer(), Some(2));
        assert_eq!(chips[0]["vendor"].as_str(), Some("v"));
    }

    #[test]
    fn reads_only_utf8_text() {
        let d = not_utf8(Path::new("x.toml"), b"[scenario]\nname = \"a\xff\"\n", 20);
        assert!(
            d.message.contains("invalid byte 0xff at offset 20"),
            "{}",
            d.message
        );
        let p = d.place.unwrap();
        assert_eq!((p.line, p.column), (2, 10));
    }

    #[test]
    fn unknown_fields_get_a_suggestion() {
        let m = "unknown field `capacty`, expected one of `chip`, `capacity`, `growth`";
        assert_eq!(
            unknown_field_help(m).as_deref(),
            Some("did you mean `capacity`?")
        );
    }
}
