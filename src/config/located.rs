//! Config errors that point at a place in the file: `gocross.yaml:4:5: message`, followed by
//! the offending line and a caret, like a compiler.

use std::path::{Path, PathBuf};

/// Everything that can be wrong with a config file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {}: {cause}; run `gocross ci init` to create one", path.display())]
    Read {
        path: PathBuf,
        cause: std::io::Error,
    },
    /// A YAML, schema or validation error at a place in the file. `line` and `column` are
    /// 1-based; `snippet` is the line with a caret under the column.
    #[error("{}:{line}:{column}: {message}\n{snippet}", path.display())]
    At {
        path: PathBuf,
        line: u64,
        column: u64,
        message: String,
        snippet: String,
    },
    /// Neither `project` nor a go.mod to take the name from.
    #[error("{}: cannot choose a binary name: set `project:` or run gocross in a Go module (no go.mod found)", path.display())]
    NoProject { path: PathBuf },
}

impl ConfigError {
    /// An error at `line:column` of `source`.
    pub(crate) fn at(path: &Path, source: &str, line: u64, column: u64, message: String) -> Self {
        ConfigError::At {
            path: path.to_path_buf(),
            line,
            column,
            message,
            snippet: snippet(source, line, column),
        }
    }

    /// Converts a serde-saphyr error, naming the key at its location when the parser's
    /// message does not.
    pub(crate) fn from_yaml(err: &serde_saphyr::Error, path: &Path, source: &str) -> Self {
        let mut options = serde_saphyr::RenderOptions::default();
        options.snippets = serde_saphyr::SnippetMode::Off;
        let rendered = err.without_snippet().render_with_options(options);
        let Some(loc) = err.location() else {
            return ConfigError::at(path, source, 1, 1, rendered);
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
        let message = match key_path_at(source, line) {
            Some(key) if !bare.contains("unknown field") => format!("key `{key}`: {bare}"),
            _ => bare,
        };
        ConfigError::at(path, source, line, column, message)
    }

    /// The 1-based line and column, for errors that have them.
    pub fn location(&self) -> Option<(u64, u64)> {
        match self {
            ConfigError::At { line, column, .. } => Some((*line, *column)),
            _ => None,
        }
    }
}

fn snippet(source: &str, line: u64, column: u64) -> String {
    let Some(text) = source.lines().nth(line.saturating_sub(1) as usize) else {
        return String::new();
    };
    let width = line.to_string().len();
    let pad = " ".repeat(column.saturating_sub(1) as usize);
    format!("{:width$} |\n{line} | {text}\n{:width$} | {pad}^", "", "")
}

/// The dotted path of the key that the given 1-based line belongs to, for block-style YAML:
/// `overrides[0].cgo`, `targets[1]`. Walks the lines above, keeping the chain of keys and list
/// items with smaller indentation. `None` when the line is outside any mapping.
fn key_path_at(source: &str, line: u64) -> Option<String> {
    // Each frame: (indent, segment).
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut list_counters: Vec<(usize, usize)> = Vec::new();
    for (i, raw) in source.lines().enumerate() {
        if i as u64 >= line {
            break;
        }
        let trimmed = raw.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let mut indent = raw.len() - trimmed.len();
        let mut rest = trimmed;
        while let Some(after) =
            rest.strip_prefix("- ")
                .or(if rest == "-" { Some("") } else { None })
        {
            stack.retain(|(d, _)| *d < indent);
            list_counters.retain(|(d, _)| *d <= indent);
            let index = match list_counters.iter_mut().find(|(d, _)| *d == indent) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    list_counters.push((indent, 0));
                    0
                }
            };
            stack.push((indent, format!("[{index}]")));
            let skipped = rest.len() - after.len();
            indent += skipped;
            rest = after.trim_start();
            indent += after.len() - rest.len();
        }
        if let Some((key, _)) = rest.split_once(':') {
            let key = key.trim().trim_matches(['"', '\'']);
            if !key.is_empty() && !key.contains([' ', '{', '[']) {
                stack.retain(|(d, _)| *d < indent);
                list_counters.retain(|(d, _)| *d <= indent);
                stack.push((indent, key.to_string()));
            }
        }
    }
    let mut path = String::new();
    for (_, seg) in &stack {
        if !seg.starts_with('[') && !path.is_empty() {
            path.push('.');
        }
        path.push_str(seg);
    }
    (!path.is_empty()).then_some(path)
}

/// The 1-based line of the key at a dotted path (`test.timeout`, `overrides[1].test_args`)
/// in block-style YAML: the first line that belongs to it. `None` when the file does not
/// spell the key out.
pub(crate) fn line_of_path(source: &str, path: &str) -> Option<u64> {
    (1..=source.lines().count() as u64).find(|&line| {
        key_path_at(source, line).is_some_and(|p| {
            p == path
                || p.strip_prefix(path)
                    .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
        })
    })
}

/// The 1-based line of the first top-level or nested `key:` in the file.
pub(crate) fn line_of_key(source: &str, key: &str) -> Option<u64> {
    let prefix = format!("{key}:");
    source
        .lines()
        .position(|l| l.trim_start().trim_start_matches("- ").starts_with(&prefix))
        .map(|i| i as u64 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_paths_follow_indentation() {
        let src = "version: 1\ncgo: maybe\noverrides:\n  - targets: [linux/arm64]\n    cgo: x\n  - targets:\n      - linux/amd64\n    static: y\nverify:\n  timeout: z\n";
        assert_eq!(key_path_at(src, 2).as_deref(), Some("cgo"));
        assert_eq!(key_path_at(src, 5).as_deref(), Some("overrides[0].cgo"));
        assert_eq!(
            key_path_at(src, 7).as_deref(),
            Some("overrides[1].targets[0]")
        );
        assert_eq!(key_path_at(src, 8).as_deref(), Some("overrides[1].static"));
        assert_eq!(key_path_at(src, 10).as_deref(), Some("verify.timeout"));
        assert_eq!(line_of_path(src, "verify.timeout"), Some(10));
        assert_eq!(line_of_path(src, "overrides[1].targets"), Some(6));
        assert_eq!(line_of_path(src, "overrides[1].static"), Some(8));
        assert_eq!(line_of_path(src, "test.timeout"), None);
    }
}
