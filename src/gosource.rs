//! The Go module's source tree as the go command sees it, read without running go: which
//! directories hold a main package (`package main` in a non-test file that no
//! `//go:build ignore` excludes). `gocross ci init` offers them as binaries, and the plan names
//! them when a configured `main` is no main package.
//!
//! The rules follow `go help packages` (<https://pkg.go.dev/cmd/go#hdr-Package_lists_and_patterns>):
//! `./...` skips `vendor`, `testdata` and directories whose names start with `.` or `_`, and
//! does not descend into a nested module (a directory with its own go.mod).

use std::path::{Path, PathBuf};

/// A directory or file of the module that cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", path.display())]
pub struct SourceError {
    /// The directory or file.
    pub path: PathBuf,
    /// Why it cannot be read.
    pub source: std::io::Error,
}

/// Directories `go build ./...` skips, plus version control and hidden ones.
fn skipped(name: &str) -> bool {
    name.starts_with('.') || name.starts_with('_') || name == "testdata" || name == "vendor"
}

/// The main packages of the module at `module_dir`, as `go build` arguments relative to it:
/// `.` and `./cmd/tool`, sorted. Skips what the go command skips (`vendor`, `testdata`,
/// directories starting with `.` or `_`), nested modules (directories with their own go.mod),
/// test files, and files excluded with `//go:build ignore`.
///
/// Errors: a directory that cannot be read.
pub fn main_packages(module_dir: &Path) -> Result<Vec<String>, SourceError> {
    let mut found = Vec::new();
    walk(module_dir, module_dir, &mut found)?;
    found.sort();
    Ok(found)
}

fn walk(root: &Path, dir: &Path, found: &mut Vec<String>) -> Result<(), SourceError> {
    let io = |source| SourceError {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort_by_key(|e| e.file_name());
    let mut is_main = false;
    for entry in &entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let kind = entry.file_type().map_err(io)?;
        if kind.is_dir() {
            if !skipped(&name) && !path.join("go.mod").exists() {
                walk(root, &path, found)?;
            }
        } else if name.ends_with(".go") && !name.ends_with("_test.go") && !is_main {
            let text = std::fs::read_to_string(&path).map_err(|source| SourceError {
                path: path.clone(),
                source,
            })?;
            is_main = package_clause(&text) == Some("main");
        }
    }
    if is_main {
        let rel = dir.strip_prefix(root).unwrap_or(dir);
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        found.push(if parts.is_empty() {
            ".".to_string()
        } else {
            format!("./{}", parts.join("/"))
        });
    }
    Ok(())
}

/// The package name of a Go file, `None` when the file is excluded by `//go:build ignore`
/// or has no package clause before other code.
fn package_clause(text: &str) -> Option<&str> {
    let mut in_block = false;
    for line in text.lines() {
        let mut line = line.trim();
        if in_block {
            match line.find("*/") {
                Some(end) => {
                    in_block = false;
                    line = line[end + 2..].trim();
                }
                None => continue,
            }
        }
        if let Some(constraint) = line.strip_prefix("//go:build") {
            if constraint
                .split(|c: char| !c.is_alphanumeric() && c != '_' && c != '!')
                .any(|w| w == "ignore")
            {
                return None;
            }
            continue;
        }
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        if let Some(rest) = line.strip_prefix("/*") {
            if !rest.contains("*/") {
                in_block = true;
            }
            continue;
        }
        let name = line.strip_prefix("package")?;
        return name
            .split_whitespace()
            .next()
            .map(|n| n.trim_end_matches(';'));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_clauses() {
        assert_eq!(
            package_clause("// Copyright\n\n/* a\n b */\npackage main\n"),
            Some("main")
        );
        assert_eq!(package_clause("package lib // x\n"), Some("lib"));
        assert_eq!(package_clause("//go:build ignore\n\npackage main\n"), None);
        assert_eq!(
            package_clause("//go:build linux && !ignore_x\npackage main\n"),
            Some("main")
        );
        assert_eq!(package_clause("/* c */ \nfunc f() {}\n"), None);
    }
}
