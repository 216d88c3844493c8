//! Config errors that point at a place in the file: `gocross.yaml:4:5: message`, followed by
//! the offending line and a caret under the column, like a compiler.
//!
//! Every place comes from serde-saphyr, never from searching the text: the parser's location
//! of the value that failed (a YAML, type or one-value rule error), or the `Spanned` location
//! of a value that a rule across values refused after parsing. The key is the path
//! serde_path_to_error recorded on the way to the failure (`overrides[1].verify.timeout`),
//! and annotate-snippets renders the line and the caret.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde_path_to_error::Segment;
use serde_saphyr::Location;
use std::path::{Path, PathBuf};

/// Everything that can be wrong with a config file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {}: {cause}; run `gocross ci init` to create one", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        cause: std::io::Error,
    },
    /// A YAML, schema or validation error at a place in the file. `line` and `column` are
    /// 1-based (the column counts characters); `snippet` is the line with a caret under the
    /// column.
    #[error("{}:{line}:{column}: {message}\n{snippet}", path.display())]
    At {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// 1-based column, in characters.
        column: u64,
        /// What is wrong, and the fix.
        message: String,
        /// The line with a caret under the column.
        snippet: String,
    },
    /// gocross runs in a directory below a Go module's root (no go.mod there, one above).
    #[error("{} is inside the Go module at {}, below its root: run gocross at the root, or pass `-C {}`", shown_dir(dir), root.display(), root.display())]
    BelowModuleRoot {
        /// Where gocross runs.
        dir: PathBuf,
        /// The module's root.
        root: PathBuf,
    },
    /// The file does not say `version: 1`.
    #[error("{}: add `version: 1` as the first line", path.display())]
    NoVersion {
        /// The file.
        path: PathBuf,
    },
    /// Neither `project` nor a go.mod to take the name from.
    #[error("{}: cannot choose a binary name: set `project:` or run gocross in a Go module (no go.mod found)", path.display())]
    NoProject {
        /// The file.
        path: PathBuf,
    },
    /// The binary name taken from `main` or go.mod's module path does not fit in file names.
    #[error("{}: the binary name `{name}`, taken from `main` or go.mod, must hold only letters, digits, `.`, `_` and `-` (it names files and release assets): set `project:`", path.display())]
    UnsafeProject {
        /// The file.
        path: PathBuf,
        /// The name that does not fit.
        name: String,
    },
}

/// A directory in a message: `this directory` for `.`.
fn shown_dir(dir: &Path) -> String {
    if dir == Path::new(".") {
        "this directory".into()
    } else {
        dir.display().to_string()
    }
}

impl ConfigError {
    /// An error at `place` of `source`: where serde-saphyr found the value (`Spanned`).
    pub(crate) fn at(path: &Path, source: &str, place: &Location, message: String) -> Self {
        ConfigError::at_line_column(path, source, place.line(), place.column(), message)
    }

    fn at_line_column(path: &Path, source: &str, line: u64, column: u64, message: String) -> Self {
        ConfigError::At {
            path: path.to_path_buf(),
            line,
            column,
            message,
            snippet: snippet(source, line, column),
        }
    }

    /// Converts a serde-saphyr error, naming the key at `key` (the path to the value that
    /// failed, as serde_path_to_error recorded it) when the parser's message does not.
    pub(crate) fn from_yaml(
        err: &serde_saphyr::Error,
        key: Option<&serde_path_to_error::Path>,
        path: &Path,
        source: &str,
    ) -> Self {
        let mut options = serde_saphyr::RenderOptions::default();
        options.snippets = serde_saphyr::SnippetMode::Off;
        let rendered = err.without_snippet().render_with_options(options);
        let Some(loc) = err.location() else {
            return ConfigError::at_line_column(path, source, 1, 1, rendered);
        };
        let (line, column) = (loc.line(), loc.column());
        let suffix = format!(" at line {line}, column {column}");
        let mut bare = rendered
            .strip_suffix(&suffix)
            .unwrap_or(&rendered)
            .to_string();
        if bare == "invalid boolean" {
            bare.push_str(": write true or false");
        }
        // The parser's advice for a key written twice is for programs that embed it.
        if let Some(key) = bare.strip_suffix(", set DuplicateKeyPolicy in Options if acceptable") {
            bare = format!("{key}; remove one");
        }
        let message = match key.and_then(key_name) {
            Some(key) if !bare.contains("unknown field") => format!("key `{key}`: {bare}"),
            _ => bare,
        };
        ConfigError::at_line_column(path, source, line, column, message)
    }

    /// The 1-based line and column, for errors that have them.
    pub fn location(&self) -> Option<(u64, u64)> {
        match self {
            ConfigError::At { line, column, .. } => Some((*line, *column)),
            _ => None,
        }
    }
}

/// The key path as gocross.yaml spells it (`overrides[0].verify.timeout`, `targets[1]`):
/// `None` at the root, and the path up to a segment serde could not name (a duplicate key is
/// reported on its mapping), an empty key left out. A `Spanned` value is read through a
/// synthetic `value` key, which is left out too; the one place a real `value` key could be
/// dropped with it is a mapping of names (an environment, labels), which is still named.
fn key_name(path: &serde_path_to_error::Path) -> Option<String> {
    let mut name = String::new();
    for segment in path {
        match segment {
            Segment::Seq { index } => name.push_str(&format!("[{index}]")),
            Segment::Map { key } if key == "value" || key.is_empty() => {}
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !name.is_empty() {
                    name.push('.');
                }
                name.push_str(key);
            }
            Segment::Unknown => break,
        }
    }
    (!name.is_empty()).then_some(name)
}

/// The line of `source` with a caret under `column` (annotate-snippets, without colour).
fn snippet(source: &str, line: u64, column: u64) -> String {
    let at = byte_offset(source, line, column);
    let end = source[at..]
        .chars()
        .next()
        .filter(|c| *c != '\n' && *c != '\r')
        .map_or(at, |c| at + c.len_utf8());
    let group = Group::with_level(Level::ERROR).element(
        Snippet::source(source)
            .line_start(1)
            .annotation(AnnotationKind::Primary.span(at..end)),
    );
    Renderer::plain().render(&[group])
}

/// The byte offset of a 1-based line and character column, clamped to the line's end (and
/// to the end of `source` for a line past it).
fn byte_offset(source: &str, line: u64, column: u64) -> usize {
    let mut start = 0;
    for (i, text) in source.split_inclusive('\n').enumerate() {
        if i as u64 + 1 == line {
            let content = text.trim_end_matches(['\n', '\r']);
            let within = content
                .char_indices()
                .nth(column.saturating_sub(1) as usize)
                .map_or(content.len(), |(offset, _)| offset);
            return start + within;
        }
        start += text.len();
    }
    source.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_shows_the_line_and_a_caret_under_the_column() {
        let src = "version: 1\noverrides:\n  - targets: [linux/arm64]\n    staticc: false\n";
        assert_eq!(snippet(src, 4, 5), "  |\n4 |     staticc: false\n  |     ^");
        // Columns count characters, not bytes.
        let src = "project: \"é\"\nversion: x\n";
        assert_eq!(
            snippet(src, 1, 11),
            "  |\n1 | project: \"é\"\n  |           ^"
        );
        // A place at the end of a line or of the file has a caret after the text.
        assert_eq!(snippet(src, 2, 11), "  |\n2 | version: x\n  |           ^");
        assert!(snippet(src, 9, 1).contains('^'), "{}", snippet(src, 9, 1));
    }
}
