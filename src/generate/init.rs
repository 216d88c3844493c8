//! `gocross ci init`: what it reads from a module before it writes a first gocross.yaml (the
//! main packages, directories whose Go files say `package main`, whether a main package
//! defines a version flag, the repository's default branch, and a GoReleaser config to
//! import), the gocross.yaml text itself (`templates/gocross.yaml`), and [`init`], which
//! decides what is written and refuses what must not be overwritten.

use super::render::{self, CONFIG};
use super::{GenerateError, Workflow, repository_root};
use crate::config::{self, Config, GoMod};
use crate::goreleaser::{self, Imported, Note, Rename};
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
    /// module's only one, or, when it has several, those `pick` chooses (all of them by
    /// default), as `binaries`.
    pub main: Option<String>,
    /// Replace gocross.yaml and the workflow when they exist (`--force`).
    pub force: bool,
    /// `ci.action` of a new gocross.yaml (`--action`, `OWNER/REPO@<40-hex commit>`): the
    /// gocross action the workflow runs; `None` pins the commit this gocross was built from.
    pub action: Option<String>,
}

/// What `gocross ci init` writes.
#[derive(Debug, Clone)]
pub struct Init {
    /// The text of a new gocross.yaml at the request's `config_path`; `None` keeps the one
    /// there.
    pub config: Option<String>,
    /// The workflow rendered from that config.
    pub workflow: Workflow,
    /// The GoReleaser file the new gocross.yaml was imported from, if any.
    pub imported_from: Option<PathBuf>,
    /// What of that file was not carried over, each with its line.
    pub notes: Vec<Note>,
    /// The release assets gocross names differently from that file.
    pub renames: Vec<Rename>,
}

/// Decides what `gocross ci init` writes: a new gocross.yaml when there is none (or with
/// `force`) — imported from the module's GoReleaser config when it has one and no targets or
/// main package are requested, else with the default targets or the requested ones and the
/// main package — with a `verify:` section every Go CLI passes ([`verify_for`]) and the
/// repository's default branch; else the config that is there; and the workflow from it.
/// `pick` chooses among several main packages when none was requested: it gets them and
/// returns the indexes of those to build, or `None` when nobody can choose (no terminal, or
/// `--yes`): then every one is built. Several become `binaries`, each named after its
/// directory (`./cmd/age` → `age`; `.` after the module).
///
/// Errors: no go.mod; a requested main package the module does not have, no main package, or
/// two chosen ones of the same name; a requested target that is not a Go port; targets or a main package
/// requested for a config that is kept; a workflow that exists (without `force`); and the
/// errors of reading the config and rendering the workflow, and a workflow path through a
/// symbolic link ([`refuse_links`]).
pub fn init(
    req: &InitRequest,
    pick: impl FnOnce(&[String]) -> Option<Vec<usize>>,
) -> Result<Init, GenerateError> {
    let dir = &req.module_dir;
    let gomod = GoMod::read(dir).map_err(|e| {
        GenerateError::Module(format!(
            "no Go module in {}: run `gocross ci init` in a module root (or create one with `go mod init`): {e}",
            dir.display()
        ))
    })?;
    let branch = default_branch(&repository_root(dir));
    let goreleaser = goreleaser::find(dir).filter(|_| req.targets.is_empty() && req.main.is_none());
    let mut notes = Vec::new();
    let mut renames = Vec::new();
    let (config, text) = if (req.force || !req.config_path.exists())
        && let Some(file) = &goreleaser
    {
        let imported = goreleaser::import_file(file, Some(&gomod))
            .map_err(|e| GenerateError::Module(e.to_string()))?;
        let mut init = InitConfig::imported(&gomod, &imported, branch);
        init.action = req.action.clone();
        init.imported_from = file.file_name().map(|n| n.to_string_lossy().into_owned());
        let mains: Vec<&str> = if imported.binaries.is_empty() {
            vec![imported.main.as_deref().unwrap_or(".")]
        } else {
            imported.binaries.iter().map(|b| b.main.as_str()).collect()
        };
        init.verify = Some(verify_for(dir, &mains));
        notes = imported.notes;
        renames = imported.renames;
        let text = init.render()?;
        let config = Config::parse(&text, &req.config_path, Some(&gomod))?;
        (config, Some(text))
    } else if req.force || !req.config_path.exists() {
        let mains = choose_mains(dir, req.main.as_deref(), pick)?;
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
        let mut init = InitConfig::new(&gomod, &mains, targets, branch)?;
        init.action = req.action.clone();
        let mains: Vec<&str> = mains.iter().map(String::as_str).collect();
        init.verify = Some(verify_for(dir, &mains));
        let text = init.render()?;
        let config = Config::parse(&text, &req.config_path, Some(&gomod))?;
        (config, Some(text))
    } else {
        if !req.targets.is_empty() || req.main.is_some() || req.action.is_some() {
            return Err(GenerateError::Exists {
                path: req.config_path.clone(),
                hint: " (--targets, --main and --action only shape a new gocross.yaml; or edit it)",
            });
        }
        (Config::load_from(&req.config_path, dir)?, None)
    };
    let workflow = Workflow::render(dir, &req.config_path, &config)?;
    refuse_links(&workflow)?;
    if workflow.path.exists() && !req.force {
        return Err(GenerateError::Exists {
            path: workflow.path,
            hint: ", or run `gocross ci generate` to write it from gocross.yaml",
        });
    }
    Ok(Init {
        imported_from: goreleaser.filter(|_| text.is_some()),
        config: text,
        workflow,
        notes,
        renames,
    })
}

/// Refuses to write `workflow` through a symbolic link: no component of its path under the
/// repository root (`.github`, `.github/workflows`, the file) may be one, so that the
/// workflow lands inside the repository ([`crate::contained::walk`]). `ci init` and `ci
/// generate` check this before they write anything.
///
/// Errors: [`GenerateError::Io`] naming the link.
pub fn refuse_links(workflow: &Workflow) -> Result<(), GenerateError> {
    let rel = workflow
        .path
        .strip_prefix(&workflow.repo_root)
        .unwrap_or(&workflow.path);
    let rel: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    crate::contained::walk(&workflow.repo_root, &rel.join("/"), "the repository")
        .map(|_| ())
        .map_err(|why| GenerateError::Io {
            path: workflow.path.clone(),
            source: std::io::Error::other(format!(
                "{why}: replace the link with a directory of the repository"
            )),
        })
}

/// The `verify:` section of a new gocross.yaml, one that any Go CLI passes: `--version` when
/// every main package in `mains` defines a version flag ([`defines_version_flag`]), else
/// `--help`, which exits 0, or 2 with the standard `flag` package.
pub fn verify_for(module_dir: &Path, mains: &[&str]) -> InitVerify {
    if !mains.is_empty()
        && mains
            .iter()
            .all(|m| defines_version_flag(&module_dir.join(m)))
    {
        InitVerify {
            args: vec!["--version".into()],
            exit_codes: vec![0],
        }
    } else {
        InitVerify {
            args: vec!["--help".into()],
            exit_codes: vec![0, 2],
        }
    }
}

/// Whether the Go files of the package in `dir` (tests left out) define a `version` flag: a
/// flag named "version" (`flag.Bool("version", ...)`, pflag's `BoolP("version", ...)`,
/// `BoolVar(&v, "version", ...)`), a cobra or urfave/cli command with a `Version:` (both add
/// `--version`), kingpin's `.Version(...)`, or kong's `VersionFlag`.
pub fn defines_version_flag(dir: &Path) -> bool {
    static FLAG: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r#"(?x)
            \.(Bool|BoolP|BoolVar|BoolVarP|String|Func|BoolFunc)\([^)]*?"version"
            | (cobra|cli)\.(Command|App)\{[^}]*?Version:
            | \.Version\s*=
            | kingpin\.Version\(|\.Version\(\s*[A-Za-z"]
            | kong\.VersionFlag
            "#,
        )
        .expect("a valid regular expression")
    });
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.filter_map(Result::ok).any(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        name.ends_with(".go")
            && !name.ends_with("_test.go")
            && std::fs::read_to_string(e.path()).is_ok_and(|text| FLAG.is_match(&text))
    })
}

/// The main packages: `wanted` (checked against the module's main packages), the only one,
/// or those `pick` chooses among several (all of them when it does not choose).
fn choose_mains(
    dir: &Path,
    wanted: Option<&str>,
    pick: impl FnOnce(&[String]) -> Option<Vec<usize>>,
) -> Result<Vec<String>, GenerateError> {
    let found = crate::gosource::main_packages(dir).map_err(|e| GenerateError::Io {
        path: e.path,
        source: e.source,
    })?;
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
        return Ok(vec![normalized]);
    }
    match found.len() {
        0 => Err(GenerateError::Module(format!(
            "no main package in {}: gocross builds commands; add one (`package main` with `func main`) or pass --main",
            dir.display()
        ))),
        1 => Ok(found),
        _ => {
            let chosen: Vec<String> = pick(&found)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|i| found.get(i).cloned())
                .collect();
            Ok(if chosen.is_empty() { found } else { chosen })
        }
    }
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

/// The values of a first gocross.yaml, as `templates/gocross.yaml` renders them. `None` and
/// empty values are left out of the file (gocross's defaults).
#[derive(Debug, Clone, Default, Serialize)]
pub struct InitConfig {
    /// The module path, for the header comment.
    pub module: String,
    /// The GoReleaser file it was imported from, for the header comment.
    pub imported_from: Option<String>,
    /// The build and release settings: imported from a GoReleaser file, or, for a new
    /// config, only `main` (`None` for the default `.`) or `binaries`.
    #[serde(flatten)]
    pub values: Imported,
    /// The targets to write, as given (groups included).
    pub targets: Vec<String>,
    pub verify: Option<InitVerify>,
    /// Push branches, empty for the default `[main]`.
    pub branches: Vec<String>,
    /// `ci.action`, `None` for the action at the commit of this gocross.
    pub action: Option<String>,
}

/// `verify:` of a first gocross.yaml.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InitVerify {
    pub args: Vec<String>,
    /// One code, or the codes that pass.
    pub exit_codes: Vec<i32>,
}

impl InitConfig {
    /// The config for a module: one main package as `main` (left out when it is `.`),
    /// several as `binaries` named after their directories; `branches` left out when the
    /// default branch is `main` or unknown.
    ///
    /// Errors: two main packages whose directories have the same name.
    pub fn new(
        module: &GoMod,
        mains: &[String],
        targets: Vec<String>,
        default_branch: Option<String>,
    ) -> Result<InitConfig, GenerateError> {
        let mut binaries: Vec<goreleaser::Binary> = Vec::new();
        if mains.len() > 1 {
            for main in mains {
                let name = match main.trim_end_matches('/').rsplit('/').next() {
                    Some(last) if last != "." && !last.is_empty() => last.to_string(),
                    _ => module.binary_name(),
                };
                if let Some(twin) = binaries.iter().find(|b| b.name == name) {
                    return Err(GenerateError::Module(format!(
                        "the main packages {} and {main} would both build a binary named `{name}`: pass --main with one, then list the others under `binaries:` with their own names",
                        twin.main
                    )));
                }
                binaries.push(goreleaser::Binary {
                    name,
                    main: main.clone(),
                    ..goreleaser::Binary::default()
                });
            }
        }
        Ok(InitConfig {
            module: module.module.clone(),
            values: Imported {
                main: match mains {
                    [one] if one != "." => Some(one.clone()),
                    _ => None,
                },
                binaries,
                ..Imported::default()
            },
            targets,
            branches: default_branch.filter(|b| b != "main").into_iter().collect(),
            ..InitConfig::default()
        })
    }

    /// The config imported from a GoReleaser file (without `verify:`, which the caller
    /// decides).
    pub fn imported(
        module: &GoMod,
        imported: &Imported,
        default_branch: Option<String>,
    ) -> InitConfig {
        InitConfig {
            module: module.module.clone(),
            values: imported.clone(),
            targets: imported.targets.iter().map(ToString::to_string).collect(),
            branches: default_branch.filter(|b| b != "main").into_iter().collect(),
            ..InitConfig::default()
        }
    }

    /// The gocross.yaml text.
    pub fn render(&self) -> Result<String, GenerateError> {
        render::render(CONFIG, self)
    }
}
