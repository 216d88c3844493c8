//! The workflow context: every value the workflow template prints, decided here from the
//! config and the [`BuildPlan`] so that the template only loops and branches.
//!
//! Decisions made here, one place each:
//! - one matrix leg per plan job (times each of `ci.go_versions`), with the runner and verify
//!   method the plan chose;
//! - what a leg installs: the Debian/Ubuntu packages of its C toolchain (`CToolchain::Gnu`,
//!   musl-tools) and of its verify method (qemu-user-static, the cross gcc that ships the
//!   QEMU sysroot of a dynamic binary, wine64) on Linux runners, and zig from PyPI for zig
//!   toolchains;
//! - artifact names (unique per leg) and the download pattern of the release and report jobs;
//! - pinned action references ([`super::pins`]) and the gocross action reference.

use super::GenerateError;
use super::pins::{self, Pin};
use crate::config::{self, Config};
use crate::plan::{self, BuildJob, BuildPlan, VerifyMethod};
use crate::targets::Goos;
use crate::toolchain::CToolchain;
use serde::Serialize;
use std::collections::BTreeMap;

/// GitHub runs at most 256 jobs from one matrix.
pub const MAX_MATRIX_LEGS: usize = 256;

/// Prefix of every artifact the build legs upload; the release and report jobs download
/// `gocross-*`.
pub const ARTIFACT_PREFIX: &str = "gocross-";

/// Where the module sits in the repository, as the workflow sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The module root relative to the repository root, with `/` separators: `.` or
    /// `tools/mycli`.
    pub working_directory: String,
    /// The config file relative to the module root (`gocross.yaml`).
    pub config: String,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            working_directory: ".".into(),
            config: config::FILE_NAME.into(),
        }
    }
}

impl Layout {
    /// A path relative to the module root, as seen from the repository root.
    fn in_module(&self, path: &str) -> String {
        if self.working_directory == "." {
            path.to_string()
        } else {
            format!("{}/{path}", self.working_directory)
        }
    }
}

/// Everything the workflow template prints.
#[derive(Debug, Clone, Serialize)]
pub struct WorkflowContext {
    /// `gocross 0.1.0`, for the header comment.
    pub generator: String,
    /// The gocross release every action step installs (the one that rendered the file, so
    /// that the drift check in CI renders the same text).
    pub gocross_version: String,
    /// The workflow's `name:`.
    pub name: String,
    /// Branches whose pushes run the workflow.
    pub branches: Vec<String>,
    /// Tag patterns whose pushes run the workflow and release.
    pub tags: Vec<String>,
    /// The module root relative to the repository root.
    pub working_directory: String,
    /// The config file relative to the module root.
    pub config: String,
    /// `go-version-file` of actions/setup-go, relative to the repository root.
    pub go_version_file: String,
    /// The gocross action.
    pub action: ActionRef,
    /// The pinned third-party actions.
    pub pins: Pins,
    /// Runner, timeout and permissions of each job.
    pub jobs: Jobs,
    pub build: BuildContext,
    /// The release job; `None` when `release.enabled` is false.
    pub release: Option<ReleaseContext>,
    pub report: ReportContext,
}

/// A `uses:` value and the comment written after it.
#[derive(Debug, Clone, Serialize)]
pub struct ActionRef {
    pub uses: String,
    /// The comment after the reference: the tag of a pinned action (`v5.0.0`); for the
    /// gocross action, where its pin comes from, or a zizmor ignore when it is a tag.
    pub comment: String,
    /// Whether `uses` is pinned to a commit SHA.
    pub pinned: bool,
}

impl From<Pin> for ActionRef {
    fn from(pin: Pin) -> Self {
        ActionRef {
            uses: pin.uses(),
            comment: pin.version.to_string(),
            pinned: true,
        }
    }
}

/// The third-party actions of the workflow.
#[derive(Debug, Clone, Serialize)]
pub struct Pins {
    pub checkout: ActionRef,
    pub setup_go: ActionRef,
    pub cache: ActionRef,
    pub upload_artifact: ActionRef,
    pub download_artifact: ActionRef,
    pub attest_build_provenance: ActionRef,
}

/// The settings every job has.
#[derive(Debug, Clone, Serialize)]
pub struct JobSettings {
    /// The runner label; the build job's legs take theirs from the matrix instead.
    pub runner: &'static str,
    pub timeout_minutes: u32,
    /// The job's `permissions:`, the least it needs (the workflow grants none).
    pub permissions: Vec<Permission>,
}

/// One `permissions:` entry and why the job needs it (written as a comment beside it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Permission {
    /// `contents`, `id-token`, ...
    pub scope: &'static str,
    /// `read` or `write`.
    pub access: &'static str,
    pub why: &'static str,
}

/// Runner, timeout and permissions of the four jobs.
#[derive(Debug, Clone, Serialize)]
pub struct Jobs {
    pub check: JobSettings,
    pub build: JobSettings,
    pub release: JobSettings,
    pub report: JobSettings,
}

/// The runner of the jobs that only run gocross on collected files (check, release, report).
pub const SERVICE_RUNNER: &str = "ubuntu-24.04";

const READ_CONTENTS: Permission = Permission {
    scope: "contents",
    access: "read",
    why: "check out the repository",
};

impl Jobs {
    /// The jobs' settings; `build_timeout` comes from `ci.timeout_minutes`.
    fn new(build_timeout: u32) -> Jobs {
        let job = |timeout_minutes, permissions| JobSettings {
            runner: SERVICE_RUNNER,
            timeout_minutes,
            permissions,
        };
        Jobs {
            check: job(10, vec![READ_CONTENTS]),
            build: job(build_timeout, vec![READ_CONTENTS]),
            release: job(
                20,
                vec![
                    Permission {
                        scope: "contents",
                        access: "write",
                        why: "create the release and upload its assets",
                    },
                    Permission {
                        scope: "id-token",
                        access: "write",
                        why: "sign the build provenance attestation",
                    },
                    Permission {
                        scope: "attestations",
                        access: "write",
                        why: "store the build provenance attestation",
                    },
                ],
            ),
            report: job(
                10,
                vec![
                    READ_CONTENTS,
                    Permission {
                        scope: "checks",
                        access: "write",
                        why: "post the summary as a check run",
                    },
                    Permission {
                        scope: "pull-requests",
                        access: "write",
                        why: "comment the summary on the pull request",
                    },
                ],
            ),
        }
    }
}

/// The build job.
#[derive(Debug, Clone, Serialize)]
pub struct BuildContext {
    /// The matrix, one leg per plan job and Go release.
    pub legs: Vec<Leg>,
    /// Go releases of the matrix axis; empty when setup-go reads `go_version_file`.
    pub go_versions: Vec<String>,
    /// Some leg installs Debian/Ubuntu packages (the legs carry an `apt` key).
    pub apt: bool,
    /// Some leg installs zig (the legs carry a `zig` key).
    pub zig: bool,
    /// The ziglang release installed from PyPI.
    pub ziglang: String,
    /// The key of a leg's Go caches: runner OS and architecture, artifact name (target and
    /// Go release), and the hash of go.mod and go.sum.
    pub cache_key: String,
    /// The prefix a leg falls back to when go.sum changed.
    pub cache_restore_key: String,
    /// The module's dist directory, relative to the repository root.
    pub dist: String,
    /// Extra environment of every leg.
    pub env: BTreeMap<String, String>,
    /// Extra steps before and after the build step, as written in gocross.yaml.
    pub steps_before: Vec<serde_json::Value>,
    pub steps_after: Vec<serde_json::Value>,
}

/// One matrix leg.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Leg {
    /// `linux/arm/7`.
    pub target: String,
    /// The runner label the plan chose.
    pub runner: String,
    /// The plan's verify method: `native`, `qemu`, `wine`, `wasm` or `none`.
    pub verify: String,
    /// The artifact name, unique in the run.
    pub artifact: String,
    /// Debian/Ubuntu packages to install, space-separated; empty for none.
    pub apt: String,
    /// Whether the leg installs zig.
    pub zig: bool,
    /// The Go release of this leg, when the matrix has a Go axis.
    pub go: Option<String>,
}

/// The release job.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseContext {
    /// The artifacts it downloads (`gocross-*`, or the first Go release's legs).
    pub pattern: String,
    /// The files attested, relative to the repository root (`dist/*/hello_*`).
    pub subjects: String,
}

/// The pull-request report job.
#[derive(Debug, Clone, Serialize)]
pub struct ReportContext {
    pub pattern: String,
}

impl WorkflowContext {
    /// Builds the context from a validated config and its plan for [`plan::Host::Runners`].
    ///
    /// Errors: a job whose C toolchain is missing even on a runner (the hint says what to
    /// change in gocross.yaml), or more than [`MAX_MATRIX_LEGS`] legs.
    pub fn new(
        config: &Config,
        plan: &BuildPlan,
        layout: &Layout,
    ) -> Result<WorkflowContext, GenerateError> {
        let version = env!("CARGO_PKG_VERSION");
        let go_versions = config.ci.go_versions.clone();
        let axis: Vec<Option<&String>> = if go_versions.is_empty() {
            vec![None]
        } else {
            go_versions.iter().map(Some).collect()
        };
        let mut legs = Vec::new();
        for job in &plan.jobs {
            if let Some(CToolchain::Missing { hint }) = &job.toolchain {
                return Err(GenerateError::Toolchain {
                    target: job.target.to_string(),
                    hint: hint.clone(),
                });
            }
            for go in &axis {
                legs.push(leg(job, go.map(String::as_str)));
            }
        }
        if legs.len() > MAX_MATRIX_LEGS {
            return Err(GenerateError::TooManyLegs { legs: legs.len() });
        }
        let dist = layout.in_module("dist");
        let release = config.release.enabled.then(|| ReleaseContext {
            pattern: match go_versions.first() {
                Some(go) => format!("{ARTIFACT_PREFIX}go{go}-*"),
                None => format!("{ARTIFACT_PREFIX}*"),
            },
            subjects: format!("{dist}/*/{}_*", plan.project),
        });
        let action_pinned = config::is_pinned(&config.ci.action);
        let restore_key =
            "gocross-${{ runner.os }}-${{ runner.arch }}-${{ matrix.artifact }}-".to_string();
        Ok(WorkflowContext {
            generator: format!("gocross {version}"),
            gocross_version: version.to_string(),
            name: "gocross".into(),
            branches: config.ci.branches.clone(),
            tags: config.ci.tags.clone(),
            working_directory: layout.working_directory.clone(),
            config: layout.config.clone(),
            go_version_file: layout.in_module(&config.ci.go_version_file),
            action: ActionRef {
                uses: config.ci.action.clone(),
                comment: if action_pinned {
                    "pinned by ci.action in gocross.yaml".into()
                } else {
                    "zizmor: ignore[unpinned-uses] -- a tag: pin a commit with ci.action in gocross.yaml"
                        .into()
                },
                pinned: action_pinned,
            },
            pins: Pins {
                checkout: pins::CHECKOUT.into(),
                setup_go: pins::SETUP_GO.into(),
                cache: pins::CACHE.into(),
                upload_artifact: pins::UPLOAD_ARTIFACT.into(),
                download_artifact: pins::DOWNLOAD_ARTIFACT.into(),
                attest_build_provenance: pins::ATTEST_BUILD_PROVENANCE.into(),
            },
            jobs: Jobs::new(config.ci.timeout_minutes),
            build: BuildContext {
                apt: legs.iter().any(|l| !l.apt.is_empty()),
                zig: legs.iter().any(|l| l.zig),
                legs,
                go_versions,
                ziglang: pins::ZIGLANG.into(),
                cache_key: format!(
                    "{restore_key}${{{{ hashFiles({}, {}) }}}}",
                    expression_string(&layout.in_module("go.mod")),
                    expression_string(&layout.in_module("go.sum"))
                ),
                cache_restore_key: restore_key,
                dist,
                env: config.ci.env.clone(),
                steps_before: config.ci.steps_before_build.clone(),
                steps_after: config.ci.steps_after_build.clone(),
            },
            release,
            report: ReportContext {
                pattern: format!("{ARTIFACT_PREFIX}*"),
            },
        })
    }
}

/// A string literal of GitHub's expression language: single quotes, doubled inside.
fn expression_string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The matrix leg of one job (and Go release).
fn leg(job: &BuildJob, go: Option<&str>) -> Leg {
    let linux_runner = plan::runner_platform(&job.runner).is_some_and(|p| p.goos == Goos::Linux);
    let mut apt: Vec<&str> = Vec::new();
    if linux_runner {
        match &job.toolchain {
            Some(CToolchain::Gnu(gcc)) => apt.push(gcc.package),
            Some(CToolchain::Musl) => apt.push("musl-tools"),
            _ => {}
        }
        match &job.verify.method {
            VerifyMethod::Qemu { sysroot, .. } => {
                apt.push("qemu-user-static");
                // A dynamic binary runs with the target's loader and libc from the sysroot,
                // which Debian ships with the cross gcc.
                if let Some(gcc) = job.target.port().cross_gcc()
                    && sysroot.is_some()
                    && gcc.sysroot == sysroot.as_deref()
                    && !apt.contains(&gcc.package)
                {
                    apt.push(gcc.package);
                }
            }
            VerifyMethod::Wine => apt.push("wine64"),
            _ => {}
        }
    }
    let stem = job
        .output
        .strip_suffix(job.target.goos().exe_suffix())
        .unwrap_or(&job.output);
    let artifact = match go {
        Some(go) => format!("{ARTIFACT_PREFIX}go{go}-{stem}"),
        None => format!("{ARTIFACT_PREFIX}{stem}"),
    };
    Leg {
        target: job.target.to_string(),
        runner: job.runner.clone(),
        verify: job.verify.method.name().to_string(),
        artifact,
        apt: apt.join(" "),
        zig: matches!(job.toolchain, Some(CToolchain::Zig { .. })),
        go: go.map(String::from),
    }
}
