//! Reading scenario files: TOML syntax and types per file, then `extends` chains merged into
//! one resolved document.

use super::diagnostic::{Diagnostic, DocPath, ScenarioError, SourceFile, locate, nearest};
use super::raw::RawFile;
use std::path::{Path, PathBuf};
use toml::{Table, Value};

/// How deep `extends` chains may go.
pub const MAX_EXTENDS_DEPTH: usize = 8;
/// Largest scenario file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

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
            if let Some((span, exact)) = locate(&source.text, path) {
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
    let mut sources = Vec::new();
    let table = load_chain(path, &mut Vec::new(), &mut sources)?;
    let raw: RawFile = Value::Table(table.clone()).try_into().map_err(|e: toml::de::Error| ScenarioError {
        diagnostics: vec![Diagnostic::error(path, format!("after merging `extends`: {}", e.message()))],
    })?;
    Ok(Resolved { table, raw, sources })
}

fn one(d: Diagnostic) -> ScenarioError {
    ScenarioError { diagnostics: vec![d] }
}

fn load_chain(path: &Path, stack: &mut Vec<PathBuf>, sources: &mut Vec<SourceFile>) -> Result<Table, ScenarioError> {
    let source = read(path)?;
    let mut table: Table = source.text.parse().map_err(|e: toml::de::Error| one(toml_error(&source, &e)))?;
    if let Err(e) = toml::from_str::<RawFile>(&source.text) {
        return Err(one(toml_error(&source, &e)));
    }
    let extends = table
        .get_mut("scenario")
        .and_then(Value::as_table_mut)
        .and_then(|t| t.remove("extends"))
        .and_then(|v| v.as_str().map(str::to_string));
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    stack.push(canonical);
    let index = sources.len();
    sources.push(source);
    let Some(parent) = extends else {
        return Ok(table);
    };
    let here = DocPath::default().key("scenario").key("extends");
    let parent_path = path.parent().unwrap_or(Path::new(".")).join(&parent);
    let located = |message: String, help: Option<String>| {
        let src = &sources[index];
        let span = locate(&src.text, &here).map(|(s, _)| s);
        one(Diagnostic::error(&src.path, message).at(src, span).with_help(help))
    };
    if stack.len() > MAX_EXTENDS_DEPTH {
        return Err(located(
            format!("`extends` chain is deeper than {MAX_EXTENDS_DEPTH} files"),
            Some("flatten the chain: extend the base scenario directly".into()),
        ));
    }
    if !parent_path.is_file() {
        return Err(located(
            format!("`extends` names `{}`, which is not a readable file", parent_path.display()),
            Some("the path is relative to the file that extends it".into()),
        ));
    }
    let parent_canonical = parent_path.canonicalize().unwrap_or_else(|_| parent_path.clone());
    if stack.contains(&parent_canonical) {
        let chain: Vec<String> = stack.iter().map(|p| p.display().to_string()).collect();
        return Err(located(
            format!("`extends` makes a cycle: {} -> {}", chain.join(" -> "), parent_canonical.display()),
            None,
        ));
    }
    let base = load_chain(&parent_path, stack, sources)?;
    Ok(merge(base, table))
}

fn read(path: &Path) -> Result<SourceFile, ScenarioError> {
    let fail = |m: String| one(Diagnostic::error(path, m));
    let meta = std::fs::metadata(path).map_err(|e| fail(format!("cannot read the scenario file: {e}")))?;
    if !meta.is_file() {
        return Err(fail("the scenario path is not a file".into()));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(fail(format!(
            "the file is {} bytes; scenario files are at most {MAX_FILE_BYTES} bytes",
            meta.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read the scenario file: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        fail(format!("the file is not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to()))
    })?;
    Ok(SourceFile { path: path.to_path_buf(), text })
}

/// Turns a toml parse or type error into a located diagnostic, suggesting near field names.
fn toml_error(source: &SourceFile, e: &toml::de::Error) -> Diagnostic {
    let message = e.message().trim().to_string();
    let help = unknown_field_help(&message);
    let message = message.lines().next().unwrap_or("invalid TOML").to_string();
    Diagnostic::error(&source.path, message).at(source, e.span()).with_help(help)
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
                    let existing = id.as_ref().and_then(|id| b.iter_mut().find(|x| x.get(id_key) == Some(id)));
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
        let child: Table = "[scenario]\nname='b'\n[[chip]]\nid='x'\nprice_usd=2\n[[chip]]\nid='z'".parse().unwrap();
        let m = merge(base, child);
        assert_eq!(m["scenario"]["name"].as_str(), Some("b"));
        assert_eq!(m["scenario"]["runs"].as_integer(), Some(5));
        let chips = m["chip"].as_array().unwrap();
        assert_eq!(chips.len(), 3);
        assert_eq!(chips[0]["price_usd"].as_integer(), Some(2));
        assert_eq!(chips[0]["vendor"].as_str(), Some("v"));
    }

    #[test]
    fn unknown_fields_get_a_suggestion() {
        let m = "unknown field `capacty`, expected one of `chip`, `capacity`, `growth`";
        assert_eq!(unknown_field_help(m).as_deref(), Some("did you mean `capacity`?"));
    }
}
