//! `gocross ci init`: what it reads from a module before it writes a first gocross.yaml (the
//! main packages, directories whose Go files say `package main`, and the repository's default
//! branch), the gocross.yaml text itself (`templates/gocross.yaml`), and [`init`], which
//! decides what is written and refuses what must not be overwritten.

use super::render::{self, CONFIG};
use super::{GenerateError, Workflow, repository_root};
use crate::config::{self, Config, GoMod};
use crate::targets;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// What `gocross ci init` is asked for.
#[derive(Debug, Clone)]
pub struct InitRequest {
    /// The Go module root.
    pub module_dir: PathBuf,
    /// Where gocross.yaml is, or goes.
    pub config_path: PathBuf,
    /// Targets and groups of a new gocross.yaml (`--targets`); empty: [`config::DEFAULT_TARGETS`].
    pub targets: Vec<String>,
    /// The main package of a new gocross.yaml (`--main`, `.` or `./cmd/tool`); `None`: the
    /// module's only one, or the one `pick` chooses.
    pub main: Option<String>,
    /// Replace gocross.yaml and the workflow when they exist (`--force`).
    pub force: bool,
}

/// What `gocross ci init` writes.
#[derive(Debug, Clone)]
pub struct Init {
    /// The text of a new gocross.yaml at the request's `config_path`; `None` keeps the one
    /// there.
    pub config: Option<String>,
    /// The workflow rendered from that config.
    pub workflow: Workflow,
}

/// Decides what `gocross ci init` writes: a new gocross.yaml when there is none (or with
/// `force`), with the default targets or the requested ones, the main package and the
/// repository's default branch, else the config that is there; and the workflow from it.
/// `pick` chooses among several main packages when none was requested: it gets them and
/// returns the index of the one to build, or `None` when nobody can choose (no terminal).
///
/// Errors: no go.mod; a requested main package the module does not have, no main package, or
/// several and no choice; a requested target that is not a Go port; targets or a main package
/// requested for a config that is kept; a workflow that exists (without `force`); and the
/// errors of reading the config and rendering the workflow.
pub fn init(
    req: &InitRequest,
    pick: impl FnOnce(&[String]) -> Option<usize>,
) -> Result<Init, GenerateError> {
    let dir = &req.module_dir;
    let gomod = GoMod::read(dir).map_err(|e| {
        GenerateError::Module(format!(
            "no Go module in {}: run `gocross ci init` in a module root (or create one with `go mod init`): {e}",
            dir.display()
        ))
    })?;
    let (config, text) = if req.force || !req.config_path.exists() {
        let main = choose_main(dir, req.main.as_deref(), pick)?;
        let targets = if req.targets.is_empty() {
            config::DEFAULT_TARGETS
                .iter()
                .map(|t| t.to_string())
                .collect()
        } else {
            req.targets.clone()
        };
        for t in &targets {
            targets::expand(t).map_err(|e| GenerateError::Module(format!("--targets: {e}")))?;
        }
        let branch = default_branch(&repository_root(dir));
        let text = InitConfig::new(&gomod, &main, targets, branch).render()?;
        let config = Config::parse(&text, &req.config_path, Some(&gomod))?;
        (config, Some(text))
    } else {
        if !req.targets.is_empty() || req.main.is_some() {
            return Err(GenerateError::Exists {
                path: req.config_path.clone(),
                hint: " (--targets and --main only shape a new gocross.yaml; or edit it)",
            });
        }
        (Config::load_from(&req.config_path, dir)?, None)
    };
    let workflow = Workflow::render(dir, &req.config_path, &config)?;
    if workflow.path.exists() && !req.force {
        return Err(GenerateError::Exists {
            path: workflow.path,
            hint: ", or run `gocross ci generate` to write it from gocross.yaml",
        });
    }
    Ok(Init {
        config: text,
        workflow,
    })
}

/// The main package: `wanted` (checked against the module's main packages), the only one, or
/// the one `pick` chooses among several.
fn choose_main(
    dir: &Path,
    wanted: Option<&str>,
    pick: impl FnOnce(&[String]) -> Option<usize>,
) -> Result<String, GenerateError> {
    let found = main_packages(dir)?;
    let list = || found.join(", ");
    if let Some(w) = wanted {
        let w = w.trim_end_matches('/');
        let normalized = if w == "." || w.starts_with("./") {
            w.to_string()
        } else {
            format!("./{w}")
        };
        if !found.contains(&normalized) {
            return Err(GenerateError::Module(format!(
                "--main {w}: not a main package of this module (main packages: {})",
                if found.is_empty() {
                    "none".into()
                } else {
                    list()
                }
            )));
        }
        return Ok(normalized);
    }
    match found.len() {
        0 => Err(GenerateError::Module(format!(
            "no main package in {}: gocross builds commands; add one (`package main` with `func main`) or pass --main",
            dir.display()
        ))),
        1 => Ok(found[0].clone()),
        n => match pick(&found).and_then(|i| found.get(i)) {
            Some(main) => Ok(main.clone()),
            None => Err(GenerateError::Module(format!(
                "this module has {n} main packages ({}): pass --main with the one to build",
                list()
            ))),
        },
    }
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
pub fn main_packages(module_dir: &Path) -> Result<Vec<String>, GenerateError> {
    let mut found = Vec::new();
    walk(module_dir, module_dir, &mut found)?;
    found.sort();
    Ok(found)
}

fn walk(root: &Path, dir: &Path, found: &mut Vec<String>) -> Result<(), GenerateError> {
    let io = |source| GenerateError::Io {
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
            let text = std::fs::read_to_string(&path).map_err(|source| GenerateError::Io {
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

/// The repository's default branch, read from `.git` without running git: the remote's
/// `origin/HEAD` when recorded, else the branch checked out. `None` without a repository, on
/// a detached HEAD or when `.git` cannot be read.
pub fn default_branch(repo_root: &Path) -> Option<String> {
    let git = repo_root.join(".git");
    let git_dir = if git.is_file() {
        let text = std::fs::read_to_string(&git).ok()?;
        let dir = text.trim().strip_prefix("gitdir:")?.trim().to_string();
        repo_root.join(dir)
    } else {
        git
    };
    let read_ref = |file: &Path, prefix: &str| -> Option<String> {
        let text = std::fs::read_to_string(file).ok()?;
        text.trim()
            .strip_prefix("ref:")?
            .trim()
            .strip_prefix(prefix)
            .map(String::from)
    };
    read_ref(
        &git_dir.join("refs/remotes/origin/HEAD"),
        "refs/remotes/origin/",
    )
    .or_else(|| read_ref(&git_dir.join("HEAD"), "refs/heads/"))
}

/// The values of a first gocross.yaml.
#[derive(Debug, Clone, Serialize)]
pub struct InitConfig {
    /// The module path, for the header comment.
    pub module: String,
    /// The main package, `None` for the default `.`.
    pub main: Option<String>,
    /// The targets to write, as given.
    pub targets: Vec<String>,
    /// Push branches, empty for the default `[main]`.
    pub branches: Vec<String>,
}

impl InitConfig {
    /// The config for a module: `main` is left out when it is `.`, and `branches` when the
    /// default branch is `main` or unknown.
    pub fn new(
        module: &GoMod,
        main: &str,
        targets: Vec<String>,
        default_branch: Option<String>,
    ) -> InitConfig {
        InitConfig {
            module: module.module.clone(),
            main: (main != ".").then(|| main.to_string()),
            targets,
            branches: default_branch.filter(|b| b != "main").into_iter().collect(),
        }
    }

    /// The gocross.yaml text.
    pub fn render(&self) -> Result<String, GenerateError> {
        render::render(CONFIG, self)
    }
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
