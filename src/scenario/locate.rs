//! Where a value lives in a scenario file: document paths such as
//! `policy[h20_licence].approval`, and the byte span of such a path in a file's text.
//!
//! Each source file is parsed for spans once (lazily, on the first problem placed in it), so
//! placing thousands of problems costs one parse, not one per problem.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use toml::de::{DeTable, DeValue};

/// A step in the path to a value in a scenario document.
#[derive(Debug, Clone, PartialEq)]
pub enum Seg {
    Key(String),
    /// The element of an array of tables whose `key` field equals `value` (`[[policy]] id = "x"`).
    Item {
        key: &'static str,
        value: String,
    },
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
        self.0.push(Seg::Item {
            key,
            value: value.to_string(),
        });
        self
    }
    pub fn index(mut self, index: usize) -> DocPath {
        self.0.push(Seg::Index(index));
        self
    }
}

impl fmt::Display for DocPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Item { value, .. } => write!(f, "[{value}]")?,
                Seg::Index(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}

/// One source file of a scenario (the scenario itself or a file it extends).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    spans: OnceLock<Option<Node>>,
}

impl SourceFile {
    pub fn new(path: &Path, text: String) -> SourceFile {
        SourceFile {
            path: path.to_path_buf(),
            text,
            spans: OnceLock::new(),
        }
    }

    /// The byte span of `path` in this file: the value if it is there (`true`), else the
    /// nearest enclosing table or key that is (`false`); `None` if nothing on the path is.
    pub fn locate(&self, path: &DocPath) -> Option<(Range<usize>, bool)> {
        let root = self.spans.get_or_init(|| {
            DeTable::parse(&self.text)
                .ok()
                .map(|t| Node::of_table(t.span(), t.get_ref()))
        });
        root.as_ref().and_then(|r| r.locate(path))
    }
}

/// Finds the byte span of `path` in a TOML text (see [`SourceFile::locate`]).
pub fn locate(text: &str, path: &DocPath) -> Option<(Range<usize>, bool)> {
    SourceFile::new(Path::new(""), text.to_string()).locate(path)
}

/// The shape of a parsed document with the span of every value: just enough to place paths.
#[derive(Debug, Clone)]
struct Node {
    span: Range<usize>,
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    Table(Vec<(String, Node)>),
    Array(Vec<Node>),
    Str(String),
    Other,
}

impl Node {
    fn of_table(span: Range<usize>, table: &DeTable<'_>) -> Node {
        let entries = table
            .iter()
            .map(|(k, v)| (k.get_ref().to_string(), Node::of(v.span(), v.get_ref())))
            .collect();
        Node {
            span,
            kind: Kind::Table(entries),
        }
    }

    fn of(span: Range<usize>, value: &DeValue<'_>) -> Node {
        let kind = match value {
            DeValue::Table(t) => return Node::of_table(span, t),
            DeValue::Array(a) => {
                Kind::Array(a.iter().map(|v| Node::of(v.span(), v.get_ref())).collect())
            }
            DeValue::String(s) => Kind::Str(s.to_string()),
            _ => Kind::Other,
        };
        Node { span, kind }
    }

    fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            Kind::Table(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn step(&self, seg: &Seg) -> Option<&Node> {
        match (seg, &self.kind) {
            (Seg::Key(k), _) => self.get(k),
            (Seg::Index(i), Kind::Array(items)) => items.get(*i),
            (Seg::Item { key, value }, Kind::Array(items)) => items.iter().find(
                |el| matches!(el.get(key), Some(Node { kind: Kind::Str(s), .. }) if s == value),
            ),
            _ => None,
        }
    }

    fn locate(&self, path: &DocPath) -> Option<(Range<usize>, bool)> {
        let mut current = self;
        let mut best = self.span.clone();
        for (depth, seg) in path.0.iter().enumerate() {
            let Some(next) = current.step(seg) else {
                return (depth > 0).then_some((best, false));
            };
            best = next.span.clone();
            // An array-of-tables element is pointed at by its id rather than its header, both
            // for itself and for a field it lacks.
            if let Seg::Item { key, .. } = seg {
                if let Some(id) = next.get(key) {
                    best = id.span.clone();
                }
            }
            current = next;
        }
        Some((best, true))
    }
}
