//! `gocross doctor`: whether this machine can build (and run) the configured targets, and the
//! command that installs whatever is missing; `gocross doctor --ci`: what the workflow's
//! check job can check on a bare runner.
//!
//! [`diagnose`] checks Go (`go env`), and the caller's Go variables that `gocross build`
//! ignores; for each planned job its C toolchain (cgo only) as [`crate::toolchain::choose`]
//! picked it, zig when a job uses it, and what its verify method runs with (QEMU user mode and
//! the sysroot of a dynamic binary, wine, a wasm runtime), found the way verification finds
//! them ([`crate::verify::locate`]); and which targets cannot be verified here at all, and
//! why. The fixes name the packages of the jobs'
//! [`Requirements`](crate::plan::Requirements), the list the workflow installs too; [`fixes`]
//! gives one line per fix, for every check it fixes. A missing Go or C toolchain means the
//! target cannot be built here ([`Status::Missing`]), unless an override marks it `local:
//! false`; a missing emulator only means the binary cannot be run here ([`Status::Warning`]).
//!
//! [`diagnose_ci`] checks only what needs no C toolchain: Go, gocross.yaml, the plan for
//! GitHub's runners (every leg has a toolchain it can install) and the committed workflow.
//! Each leg checks its toolchain itself, after its installs: its build fails with the fix.

use crate::config::{Config, PLAN_OWNED_ENV};
use crate::generate::{GenerateError, Workflow};
use crate::gotool::GoToolError;
use crate::plan::{BuildJob, BuildPlan, VerifyMethod};
use crate::targets::GoVersion;
use crate::toolchain::{CToolchain, ZIGLANG};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Works.
    Ok,
    /// Works, with a caveat, or something only verification needs is missing.
    Warning,
    /// A configured target cannot be built here.
    Missing,
}

/// One line of the report.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// What was checked: `go`, `environment`, `linux/arm64`, `zig`, `qemu-aarch64`, `wine`.
    pub name: String,
    /// The verdict.
    pub status: Status,
    /// What was found, and the fix when something is missing.
    pub detail: String,
    /// The command or config line that fixes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Check {
    fn new(name: impl Into<String>, status: Status, detail: impl Into<String>) -> Check {
        Check {
            name: name.into(),
            status,
            detail: detail.into(),
            fix: None,
        }
    }

    fn fix(mut self, fix: impl Into<String>) -> Check {
        self.fix = Some(fix.into());
        self
    }
}

/// Whether every configured target can be built here (no [`Status::Missing`]).
pub fn can_build(checks: &[Check]) -> bool {
    checks.iter().all(|c| c.status != Status::Missing)
}

/// The fixes of `checks`, each once with the names of the checks it fixes, in the order they
/// first appear: one line per package to install.
pub fn fixes(checks: &[Check]) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for c in checks {
        let Some(fix) = &c.fix else { continue };
        match out.iter_mut().find(|(f, _)| f == fix) {
            Some((_, names)) => names.push(c.name.clone()),
            None => out.push((fix.clone(), vec![c.name.clone()])),
        }
    }
    out
}

/// The `go env` settings the report shows.
pub const GO_ENV: &[&str] = &[
    "GOVERSION",
    "GOROOT",
    "GOCACHE",
    "GOMODCACHE",
    "GOTOOLCHAIN",
];

/// Runs the checks for `plan`. `go_env` is [`crate::gotool::env`] of [`GO_ENV`];
/// `module_go` is go.mod's `go` line.
pub fn diagnose(
    plan: &BuildPlan,
    go_env: &Result<BTreeMap<String, String>, GoToolError>,
    module_go: Option<GoVersion>,
) -> Vec<Check> {
    let mut checks = vec![go_check(go_env, module_go)];
    let ignored: Vec<String> = PLAN_OWNED_ENV
        .iter()
        .chain(crate::build::CALLER_ENV)
        .filter(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()))
        .map(|v| v.to_string())
        .collect();
    if !ignored.is_empty() {
        checks.push(
            Check::new(
                "environment",
                Status::Warning,
                format!(
                    "{} set in this shell; `gocross build` ignores them and uses the plan's values",
                    ignored.join(", ")
                ),
            )
            .fix("set them per target in gocross.yaml (`targets`, `cgo`, `cc`, `env:`)"),
        );
    }
    let mut zig_users = Vec::new();
    let mut emulators: BTreeMap<String, (VerifyMethod, Vec<&BuildJob>)> = BTreeMap::new();
    let mut unverifiable = Vec::new();
    for job in &plan.jobs {
        let target = job.target.to_string();
        checks.push(match &job.toolchain {
            None => Check::new(&target, Status::Ok, "pure Go (CGO_ENABLED=0)"),
            Some(CToolchain::Missing { hint }) if !job.local => Check::new(
                &target,
                Status::Ok,
                format!(
                    "`local: false`: built by the workflow on {}, not here ({hint})",
                    job.runner.label
                ),
            ),
            Some(CToolchain::Missing { hint }) => {
                Check::new(&target, Status::Missing, "no C toolchain for cgo").fix(hint.clone())
            }
            Some(tc) => {
                if let CToolchain::Zig { zig, .. } = tc {
                    zig_users.push((zig.clone(), target.clone()));
                }
                Check::new(
                    &target,
                    Status::Ok,
                    format!("cgo, CC={}", tc.cc().unwrap_or_default()),
                )
            }
        });
        match &job.verify.method {
            VerifyMethod::Qemu { qemu, sysroot } => {
                let bare = VerifyMethod::Qemu {
                    qemu: *qemu,
                    sysroot: None,
                };
                emulators
                    .entry(format!("qemu-{}", qemu.0))
                    .or_insert_with(|| (bare, Vec::new()))
                    .1
                    .push(job);
                if let Some(s) = sysroot {
                    checks.push(sysroot_check(&target, &s.path, s.package));
                }
            }
            VerifyMethod::Wine => emulators
                .entry(format!("wine ({})", job.target.goarch()))
                .or_insert_with(|| (VerifyMethod::Wine, Vec::new()))
                .1
                .push(job),
            VerifyMethod::Wasm => emulators
                .entry(format!("wasm ({})", job.target.goos()))
                .or_insert_with(|| (VerifyMethod::Wasm, Vec::new()))
                .1
                .push(job),
            VerifyMethod::None { reason } => unverifiable.push((job, reason)),
            VerifyMethod::Native => {}
        }
    }
    if let Some((zig, _)) = zig_users.first() {
        checks.push(zig_check(zig, &zig_users));
    }
    for (name, (method, jobs)) in emulators {
        checks.push(emulator_check(&name, &method, &jobs));
    }
    for (job, reason) in unverifiable {
        let skipped = job
            .verify
            .settings
            .as_ref()
            .is_some_and(|s| s.skip.is_some());
        let check = Check::new(
            format!("verify {}", job.target),
            Status::Warning,
            format!("cannot be verified here: {reason}"),
        );
        checks.push(if skipped {
            check
        } else if let Some(native) = job.native_runner() {
            check.fix(format!(
                "the workflow (`gocross ci init`) verifies it on its {} runner",
                native.label
            ))
        } else {
            check.fix(format!(
                "no runner gocross knows runs {} binaries; record that with `verify: {{skip: <why>}}` for it in gocross.yaml's overrides",
                job.target.platform
            ))
        });
    }
    checks
}

/// The checks of the workflow's check job, on a bare runner: Go (and that it is the release
/// the workflow sets up, when that is a fixed release), gocross.yaml, the plan for GitHub's
/// runners, and the committed workflow against what gocross.yaml says. No C toolchain,
/// emulator or zig is looked for.
pub fn diagnose_ci(
    module_dir: &Path,
    config_path: &Path,
    config: &Config,
    go_env: &Result<BTreeMap<String, String>, GoToolError>,
) -> Vec<Check> {
    let gomod = crate::config::GoMod::read(module_dir).ok();
    let mut checks = vec![go_check(go_env, gomod.as_ref().and_then(|m| m.go))];
    let wanted = crate::generate::go_release(config, gomod.as_ref());
    if let Ok(env) = go_env
        && let Some(have) = env.get("GOVERSION")
        && wanted.starts_with(|c: char| c.is_ascii_digit())
        && !matches_release(have, &wanted)
    {
        checks.push(
            Check::new(
                "go release",
                Status::Missing,
                format!("{have} is set up, but the workflow builds with Go {wanted}"),
            )
            .fix("set up the Go the workflow names (actions/setup-go `go-version`)"),
        );
    }
    checks.push(Check::new(
        "config",
        Status::Ok,
        format!(
            "{}: {} targets",
            config_path.display(),
            config.targets().len()
        ),
    ));
    match Workflow::render(module_dir, config_path, config) {
        Ok(workflow) => {
            checks.push(Check::new(
                "plan",
                Status::Ok,
                format!(
                    "{} build legs, each with a C toolchain its runner installs",
                    workflow.legs
                ),
            ));
            checks.push(match workflow.check() {
                Ok(()) => Check::new(
                    "workflow",
                    Status::Ok,
                    format!("{} matches {}", workflow.shown(), crate::config::FILE_NAME),
                ),
                Err(GenerateError::Drift { name, diff }) => Check::new(
                    "workflow",
                    Status::Missing,
                    format!("{name} is out of date with gocross.yaml:\n{diff}"),
                )
                .fix("run `gocross ci generate` and commit the result"),
                Err(e) => Check::new("workflow", Status::Missing, e.to_string()),
            });
        }
        Err(e) => checks.push(Check::new("plan", Status::Missing, e.to_string())),
    }
    checks
}

/// Whether `go env GOVERSION` (`go1.26.8`) is the release `1.26` or `1.26.8`.
fn matches_release(goversion: &str, release: &str) -> bool {
    let have = goversion.trim_start_matches("go");
    have == release || have.starts_with(&format!("{release}."))
}

fn go_check(
    go_env: &Result<BTreeMap<String, String>, GoToolError>,
    module_go: Option<GoVersion>,
) -> Check {
    let env = match go_env {
        Ok(env) => env,
        Err(e @ GoToolError::NotFound(_)) => {
            return Check::new("go", Status::Missing, e.to_string())
                .fix("install Go from https://go.dev/dl/ and put its bin/ on PATH");
        }
        Err(e) => return Check::new("go", Status::Missing, e.to_string()),
    };
    let get = |k: &str| env.get(k).map(String::as_str).unwrap_or("");
    let version = get("GOVERSION");
    let detail = format!(
        "{version} (GOROOT {}, GOCACHE {}, GOMODCACHE {})",
        get("GOROOT"),
        get("GOCACHE"),
        get("GOMODCACHE")
    );
    let installed = version.parse::<GoVersion>().ok();
    match (installed, module_go) {
        (Some(have), Some(want)) if have < want => Check::new(
            "go",
            Status::Warning,
            format!(
                "{detail}; go.mod asks for Go {want}, so go downloads that toolchain (GOTOOLCHAIN={})",
                get("GOTOOLCHAIN")
            ),
        )
        .fix(format!("install Go {want} or newer")),
        _ => Check::new("go", Status::Ok, detail),
    }
}

fn zig_check(zig: &[String], users: &[(Vec<String>, String)]) -> Check {
    let targets: BTreeSet<&str> = users.iter().map(|(_, t)| t.as_str()).collect();
    let targets = targets.into_iter().collect::<Vec<_>>().join(", ");
    let version = Command::new(&zig[0])
        .args(&zig[1..])
        .arg("version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    match version {
        Some(v) => Check::new(
            "zig",
            Status::Ok,
            format!("zig {v} ({}), for {targets}", zig.join(" ")),
        ),
        None => Check::new(
            "zig",
            Status::Missing,
            format!("`{} version` failed; needed for {targets}", zig.join(" ")),
        )
        .fix(format!("pip install ziglang=={ZIGLANG}")),
    }
}

/// QEMU user mode, wine or a wasm runtime, found the way verification finds them
/// ([`crate::verify::locate`], for the first of `jobs`: they share the method).
fn emulator_check(name: &str, method: &VerifyMethod, jobs: &[&BuildJob]) -> Check {
    let targets = jobs
        .iter()
        .map(|j| j.target.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    match crate::verify::locate(&jobs[0].target, method) {
        Ok(program) => Check::new(
            name,
            Status::Ok,
            format!(
                "{} runs {targets}",
                program.map_or_else(|| "natively".into(), |p| p.display().to_string())
            ),
        ),
        Err(not_here) => {
            let check = Check::new(
                name,
                Status::Warning,
                format!(
                    "{}: {targets} build here but cannot be run to verify them",
                    not_here.reason
                ),
            );
            match not_here.fix {
                Some(fix) => check.fix(fix),
                None => check,
            }
        }
    }
}

/// The loader and libc QEMU user mode runs a dynamic binary with.
fn sysroot_check(target: &str, path: &str, package: Option<&str>) -> Check {
    let name = format!("{target} sysroot");
    if Path::new(path).is_dir() {
        return Check::new(name, Status::Ok, format!("{path} (QEMU -L)"));
    }
    let check = Check::new(
        name,
        Status::Warning,
        format!("{path} is missing: the dynamic {target} binary cannot be run under QEMU"),
    );
    match package {
        Some(p) => check.fix(format!("apt-get install {p}")),
        None => check.fix("fix `verify.sysroot` in gocross.yaml"),
    }
}
