//! `gocross doctor`: whether this machine can build (and run) the configured targets, and the
//! command that installs whatever is missing.
//!
//! Checked: Go (`go env`), and the caller's Go variables that `gocross build` ignores; for each
//! planned job its C toolchain (cgo only) as [`crate::toolchain::choose`] picked it, zig when
//! a job uses it, and the runner of its verify method (QEMU user mode, wine). A missing Go or C
//! toolchain means the target cannot be built here ([`Status::Missing`]); a missing emulator
//! only means the binary cannot be run here ([`Status::Warning`]).

use crate::config::PLAN_OWNED_ENV;
use crate::gotool::GoToolError;
use crate::plan::{BuildPlan, VerifyMethod};
use crate::targets::GoVersion;
use crate::toolchain::{CToolchain, which};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
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
    pub status: Status,
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
        .chain(super::CALLER_ENV)
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
    let mut emulators: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for job in &plan.jobs {
        let target = job.target.to_string();
        checks.push(match &job.toolchain {
            None => Check::new(&target, Status::Ok, "pure Go (CGO_ENABLED=0)"),
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
            VerifyMethod::Qemu { qemu, .. } => emulators
                .entry(format!("qemu-{}", qemu.0))
                .or_default()
                .push(target),
            VerifyMethod::Wine => emulators.entry("wine".into()).or_default().push(target),
            _ => {}
        }
    }
    if let Some((zig, _)) = zig_users.first() {
        checks.push(zig_check(zig, &zig_users));
    }
    for (name, targets) in emulators {
        checks.push(emulator_check(&name, &targets));
    }
    checks
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
        .fix("pip install ziglang"),
    }
}

fn emulator_check(name: &str, targets: &[String]) -> Check {
    let targets = targets.join(", ");
    let (candidates, fix): (Vec<String>, &str) = if name == "wine" {
        (
            vec!["wine64".into(), "wine".into()],
            "apt-get install wine64",
        )
    } else {
        (
            vec![format!("{name}-static"), name.to_string()],
            "apt-get install qemu-user-static",
        )
    };
    match candidates.iter().find_map(|c| which(c)) {
        Some(path) => Check::new(
            name,
            Status::Ok,
            format!("{} runs {targets}", path.display()),
        ),
        None => Check::new(
            name,
            Status::Warning,
            format!("not found: {targets} build here but cannot be run to verify them"),
        )
        .fix(fix),
    }
}
