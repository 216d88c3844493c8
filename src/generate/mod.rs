//! The generated GitHub Actions workflow: `gocross ci init`, `ci generate` and `ci check`.
//!
//! 1. [`Workflow::render`] picks the Go release ([`context::go_release`]) and plans for
//!    GitHub's runners ([`crate::plan::PlanContext::runners`]);
//!    [`context::WorkflowContext::new`] turns the config and that [`BuildPlan`] into every
//!    value the workflow prints: one matrix leg per plan job, pinned actions, what each leg
//!    installs.
//! 2. [`render`] fills `templates/workflow.yml` with it and parses the text back as YAML.
//! 3. [`write()`] replaces the file atomically; [`check`] compares it with the committed file
//!    and fails with a unified diff and the command that fixes it (a missing file counts as
//!    empty).
//!
//! [`init`] finds the module's main packages and writes a first gocross.yaml. Nothing here
//! knows Go beyond what the plan says; nothing starts a process.

pub mod context;
pub mod init;
pub mod pins;
mod render;

pub use context::{Layout, WorkflowContext, go_release};

use crate::config::{self, Config, GoMod};
use crate::manifest;
use crate::plan::{self, BuildPlan, PlanContext, PlanError};
use std::path::{Path, PathBuf};

/// Errors from generating, writing or checking the workflow.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// A template failed to render: a bug in gocross.
    #[error("internal error: the workflow template failed to render: {0:#}")]
    Template(minijinja::Error),
    /// The rendered text is not YAML: a bug in gocross.
    #[error("internal error: the rendered {template} is not valid YAML: {message}")]
    InvalidYaml { template: String, message: String },
    /// A leg would have no C toolchain even on its runner.
    #[error("cannot generate the workflow: {target}: {hint}")]
    Toolchain { target: String, hint: String },
    /// No gocross action reference: `ci.action` is unset and this binary does not know the
    /// commit it was built from.
    #[error("cannot generate the workflow: {0}")]
    Action(String),
    /// A Go release of the workflow is older than go.mod's `go` line; with
    /// `GOTOOLCHAIN=local` its legs could not build.
    #[error(
        "Go {release} in gocross.yaml's `ci` is older than go.mod's `go {minimum}`, which that Go cannot build (the workflow sets GOTOOLCHAIN=local): raise it or drop it"
    )]
    GoTooOld { release: String, minimum: String },
    /// `image:` cannot be pushed by the workflow as it is.
    #[error("cannot generate the workflow: {0}")]
    Image(String),
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// More legs than one GitHub matrix runs.
    #[error(
        "the build matrix would have {legs} legs, more than GitHub's limit of {}: list fewer targets or Go versions",
        context::MAX_MATRIX_LEGS
    )]
    TooManyLegs { legs: usize },
    /// The workflow differs from what gocross.yaml says.
    #[error(
        "{name} is out of date with gocross.yaml:\n{diff}\nrun `gocross ci generate` and commit the result"
    )]
    Drift { name: String, diff: String },
    /// A file would be overwritten without `--force`.
    #[error("{} exists; pass --force to replace it{hint}", path.display())]
    Exists { path: PathBuf, hint: &'static str },
    /// A file cannot be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The module layout does not fit (no main package, several without a choice, a config
    /// outside the module).
    #[error("{0}")]
    Module(String),
}

/// A rendered workflow.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The file's text, parsed back as YAML already.
    pub text: String,
    /// Legs of the build matrix.
    pub legs: usize,
}

/// Renders the workflow for a config and its plan for GitHub's runners, with `go` the Go
/// release it sets up ([`go_release`]).
pub fn render(
    config: &Config,
    plan: &BuildPlan,
    layout: &Layout,
    go: &str,
) -> Result<Rendered, GenerateError> {
    let ctx = WorkflowContext::new(config, plan, layout, go)?;
    Ok(Rendered {
        text: render::render(render::WORKFLOW, &ctx)?,
        legs: ctx.build.legs.len(),
    })
}

/// The workflow of a module, rendered, and where it goes: what `gocross ci generate` writes,
/// `gocross ci check` and `gocross doctor --ci` compare, and `gocross ci init` writes first.
#[derive(Debug, Clone)]
pub struct Workflow {
    /// The workflow file (`<repository root>/<ci.workflow>`).
    pub path: PathBuf,
    /// The repository root ([`repository_root`]).
    pub repo_root: PathBuf,
    pub text: String,
    /// Legs of the build matrix.
    pub legs: usize,
}

impl Workflow {
    /// Renders the workflow of the module in `module_dir` with `config` (read from
    /// `config_path`): the Go release from the config or go.mod, the plan for GitHub's runners,
    /// the layout in the repository.
    ///
    /// Errors: a Go release older than go.mod's `go` line, a plan or layout that does not
    /// fit, and the errors of [`render`].
    pub fn render(
        module_dir: &Path,
        config_path: &Path,
        config: &Config,
    ) -> Result<Workflow, GenerateError> {
        let gomod = GoMod::read(module_dir).ok();
        let go = go_release(config, gomod.as_ref());
        if let Some(minimum) = gomod.as_ref().and_then(|m| m.go) {
            let releases = std::iter::once(&go).chain(&config.ci.go_versions);
            for release in releases {
                if release
                    .parse::<crate::targets::GoVersion>()
                    .is_ok_and(|v| v < minimum)
                {
                    return Err(GenerateError::GoTooOld {
                        release: release.clone(),
                        minimum: minimum.to_string(),
                    });
                }
            }
        }
        let ctx = PlanContext::runners(context::planned_go(&go));
        let plan = plan::plan(config, &ctx, &[])?;
        let repo_root = repository_root(module_dir);
        let layout = layout(&repo_root, module_dir, config_path)?;
        let rendered = render(config, &plan, &layout, &go)?;
        Ok(Workflow {
            path: repo_root.join(&config.ci.workflow),
            repo_root,
            text: rendered.text,
            legs: rendered.legs,
        })
    }

    /// The path relative to the repository root, for messages.
    pub fn shown(&self) -> String {
        self.path
            .strip_prefix(&self.repo_root)
            .unwrap_or(&self.path)
            .display()
            .to_string()
    }

    /// Compares the committed file with the rendered text ([`check`]).
    pub fn check(&self) -> Result<(), GenerateError> {
        check(&self.path, &self.shown(), &self.text)
    }
}

/// The repository root of a module: the nearest directory at or above it that holds `.git`
/// (a directory, or a file for worktrees), else the module directory itself.
pub fn repository_root(module_dir: &Path) -> PathBuf {
    let start = std::fs::canonicalize(module_dir).unwrap_or_else(|_| module_dir.to_path_buf());
    start
        .ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
        .unwrap_or(start)
}

/// Where the module and its config sit relative to the repository root.
///
/// Errors: the config file is outside the module directory.
pub fn layout(repo_root: &Path, module_dir: &Path, config: &Path) -> Result<Layout, GenerateError> {
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let module = canon(module_dir);
    let slashed = |p: &Path| {
        p.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/")
    };
    let working_directory = match module.strip_prefix(canon(repo_root)) {
        Ok(rel) if rel.as_os_str().is_empty() => ".".to_string(),
        Ok(rel) => slashed(rel),
        Err(_) => ".".to_string(),
    };
    // Relative to the current directory, like every path on the command line.
    let parent = config
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let config_abs = canon(parent).join(config.file_name().unwrap_or_default());
    let config = config_abs.strip_prefix(&module).map_err(|_| {
        GenerateError::Module(format!(
            "{} is outside the module {}: the workflow runs gocross in the module, so keep the config there",
            config.display(),
            module.display()
        ))
    })?;
    Ok(Layout {
        working_directory,
        config: slashed(config),
    })
}

/// Writes the workflow (creating `.github/workflows/`), atomically.
pub fn write(path: &Path, text: &str) -> Result<(), GenerateError> {
    let io = |source| GenerateError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    manifest::write_atomic(path, text.as_bytes()).map_err(|e| match e {
        manifest::ManifestError::Write { cause, .. } => io(cause),
        other => io(std::io::Error::other(other.to_string())),
    })
}

/// Compares the file at `path` with the rendered text. A missing file counts as empty.
/// `name` is how messages show the file (`.github/workflows/gocross.yml`).
///
/// Errors: [`GenerateError::Drift`] with a unified diff (`--- <name> (committed)`, `+++
/// <name> (from gocross.yaml)`), or an I/O error other than "not found".
pub fn check(path: &Path, name: &str, expected: &str) -> Result<(), GenerateError> {
    let current = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(source) => {
            return Err(GenerateError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    if current == expected {
        return Ok(());
    }
    Err(GenerateError::Drift {
        name: name.to_string(),
        diff: diff(name, &current, expected),
    })
}

/// A unified diff from the committed text to the rendered one, with three lines of context.
pub fn diff(name: &str, current: &str, expected: &str) -> String {
    similar::TextDiff::from_lines(current, expected)
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("{name} (committed)"),
            &format!("{name} (from gocross.yaml)"),
        )
        .to_string()
}

#[cfg(test)]
mod tests;
