//! Where every command that plans starts: a module directory and its config path become the
//! loaded gocross.yaml, go.mod and the [`PlanContext`] the plan is made with ([`open`]), the
//! same way for `gocross build`, `test`, `plan` and `doctor`.
//!
//! The context depends on where the jobs run ([`Mode`]): on this machine, the Go on PATH and
//! its C toolchains; in the generated workflow, each job on its GitHub runner with the Go
//! release the workflow sets up ([`generate::workflow_context`], which the workflow generator
//! plans with), so that `gocross plan --ci` and `gocross doctor --ci` plan with the Go
//! the workflow builds with.

use crate::config::{self, Config, ConfigError, GoMod};
use crate::generate;
use crate::gotool::{self, GoToolError};
use crate::plan::PlanContext;
use std::path::Path;

/// Where the plan's jobs run, and so which Go and which C toolchains plan them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// This machine (`gocross build`, `test`, `plan`, `doctor`): the Go on PATH (`go env
    /// GOVERSION`), else go.mod's `go` line; the C toolchains on PATH.
    Local,
    /// The generated workflow (`plan --ci`, `doctor --ci`): each job on its own GitHub runner,
    /// which installs the C toolchain the plan picks, built with the Go release the workflow
    /// sets up ([`generate::workflow_context`]).
    Workflow,
}

/// What [`open`] does when no config file is named and the module root holds no gocross.yaml.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// An error that says to write one (`gocross plan`, `test`, `doctor --ci`).
    Fail,
    /// gocross's defaults (`gocross build`, `doctor`), see [`config::load_or_default`].
    Defaults,
}

/// A module opened for planning: what [`open`] read and the context it plans with.
#[derive(Debug)]
pub struct Project {
    /// The validated gocross.yaml, or the defaults.
    pub config: Config,
    /// No gocross.yaml was there and the defaults were taken ([`Missing::Defaults`]).
    pub defaulted: bool,
    /// The module's go.mod, or why it cannot be read.
    pub gomod: std::io::Result<GoMod>,
    /// The Go that builds, as text. [`Mode::Local`]: `go env GOVERSION` of the `go` on PATH
    /// (`go1.26.8`), or why it could not be asked; [`Mode::Workflow`]: the release the
    /// workflow sets up (`1.26.8`, `1.26`, `stable`).
    pub go: Result<String, GoToolError>,
    /// The context the plan is made with.
    pub ctx: PlanContext,
}

impl Project {
    /// go.mod's `go` line, when go.mod was read and has one.
    pub fn module_go(&self) -> Option<crate::targets::GoVersion> {
        self.gomod.as_ref().ok().and_then(|m| m.go)
    }
}

/// Opens the module in `module_dir` with the config at `config_path` (`None`: gocross.yaml in
/// the module root) for planning in `mode`: loads the config, reads go.mod, asks the Go on
/// PATH its release ([`Mode::Local`] only; its absence is recorded in [`Project::go`], not an
/// error) and makes the plan context.
///
/// Errors: the config's errors ([`config::load`]), and with [`Missing::Fail`] a missing
/// gocross.yaml.
pub fn open(
    module_dir: &Path,
    config_path: Option<&Path>,
    mode: Mode,
    missing: Missing,
) -> Result<Project, ConfigError> {
    let (config, defaulted) = match missing {
        Missing::Fail => (config::load(config_path, module_dir)?, false),
        Missing::Defaults => config::load_or_default(config_path, module_dir)?,
    };
    let gomod = GoMod::read(module_dir);
    let module_go = gomod.as_ref().ok().and_then(|m| m.go);
    let (go, ctx) = match mode {
        Mode::Local => {
            let go = gotool::version_string();
            let installed = go.as_ref().ok().and_then(|v| v.parse().ok());
            let ctx = PlanContext::machine(&config, installed, module_go);
            (go, ctx)
        }
        Mode::Workflow => {
            let (release, ctx) = generate::workflow_context(&config, gomod.as_ref().ok());
            (Ok(release), ctx)
        }
    };
    Ok(Project {
        config,
        defaulted,
        gomod,
        go,
        ctx,
    })
}
