//! The build plan: gocross.yaml and the port facts turned into one [`BuildJob`] per target,
//! which builds every binary of the module ([`BinaryBuild`]) and, with `archives:`, packs
//! them into one archive ([`ArchivePlan`]).
//!
//! The same [`BuildPlan`] feeds the workflow generator (one matrix leg per job) and the builder
//! (`gocross build --target T` inside each leg), so the two cannot disagree. Planning is pure:
//! what the machine has comes in as a [`PlanContext`] (host platform, Go release, C
//! toolchains), and nothing here starts a process or touches the network, but [`preflight`],
//! which asks `go list` whether each `main` is a main package.
//!
//! For each configured target, in file order:
//! 1. merge the top-level settings with every override that names the target (for each
//!    binary: the top-level settings, then the binary's own, then the overrides);
//! 2. decide linking: static applies to GOOS values that can link statically (linux, freebsd,
//!    netbsd), and adds the `netgo,osusergo` tags; static cgo adds
//!    `-linkmode external -extldflags -static`;
//! 3. choose the C toolchain for cgo ([`crate::toolchain::choose`]);
//! 4. write the complete environment (GOOS, GOARCH, the variant variable, CGO_ENABLED, CC/CXX
//!    and what the toolchain needs besides, then the config's `env`);
//! 5. pick the GitHub runner, then the verify method for where the job runs;
//! 6. settle how `gocross test` compiles and runs the module's tests for the target (the
//!    same environment and tags, the linking flags without stamps, the same runner);
//! 7. list what the job needs where it runs ([`Requirements`]: Debian packages, zig; the
//!    tests' runner too when gocross.yaml has `test:`) and the audit [`Policy`] its binaries
//!    must meet;
//! 8. settle the target's archive (format, name, files) and whether the bare binaries are
//!    released too.
//!
//! Everything a later stage needs about a job is here: the workflow installs the job's
//! requirements on its runner, `gocross doctor` checks them on this machine, the build runs
//! the environment, the tests run like the binary, and the audit and verify read the policy
//! and the verify method. None of them opens the config again for a job's facts. A binary
//! that no build handed over (`gocross audit FILE`) takes its job's policy through
//! [`AuditPolicies`].

mod audit_policy;

pub use audit_policy::AuditPolicies;

use crate::audit::Policy;
use crate::config::{ArchiveFormat, BinaryConfig, CcSpec, Config, GlibcVersion, VerifyConfig};
use crate::manifest::VerifyKind;
use crate::targets::{
    GoVersion, Goarch, Goos, Platform, QEMU_PACKAGE, QemuArch, RunnerImage, Target, TargetError,
    runner_image, runners,
};
use crate::toolchain::{self, CToolchain, CgoNeeds, Toolbox};
use serde::Serialize;
use std::collections::BTreeMap;

/// Where the jobs of a plan run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// All jobs run on this machine (`gocross build`, `gocross plan`); `None` for a host Go
    /// does not name.
    Machine(Option<Platform>),
    /// Each job runs on its own GitHub runner (the generated workflow).
    Runners,
}

/// Everything about the environment that planning depends on.
#[derive(Debug, Clone)]
pub struct PlanContext {
    /// Where the jobs are built: this machine, or GitHub's runners.
    pub host: Host,
    /// The Go release that builds (`go env GOVERSION`, else go.mod's `go` line).
    pub go: GoVersion,
    /// The C toolchains found on this machine.
    pub tools: Toolbox,
}

impl PlanContext {
    /// The context of this machine (`gocross plan`, `build`, `doctor`, `test`): all jobs on
    /// this host; the Go release `go` (`go env GOVERSION` of the `go` on PATH), else go.mod's
    /// `go` line (`module_go`), else the newest release gocross knows; and, when the config
    /// uses cgo, the C toolchains on PATH (probing them starts `python3` to look for zig).
    pub fn machine(
        config: &Config,
        go: Option<GoVersion>,
        module_go: Option<GoVersion>,
    ) -> PlanContext {
        PlanContext {
            host: Host::Machine(Platform::host()),
            go: go.or(module_go).unwrap_or(GoVersion::LATEST_KNOWN),
            tools: if config.uses_cgo() {
                Toolbox::probe()
            } else {
                Toolbox::default()
            },
        }
    }

    /// The context of the generated workflow: each job on its own GitHub runner, which
    /// installs whatever C toolchain the plan picks (zig from PyPI first).
    pub fn runners(go: GoVersion) -> PlanContext {
        PlanContext {
            host: Host::Runners,
            go,
            tools: Toolbox::ci(),
        }
    }
}

/// The whole plan.
#[derive(Debug, Clone, Serialize)]
pub struct BuildPlan {
    /// The project (binary base name).
    pub project: String,
    /// The Go release the plan is for.
    pub go: GoVersion,
    /// One job per target, in the config's order.
    pub jobs: Vec<BuildJob>,
}

impl BuildPlan {
    /// Checks that no job is [refused](BuildJob::refused) (the workflow generator checks it
    /// too: it never schedules a leg that cannot build).
    ///
    /// Errors: [`PlanError::Refused`] listing every refused job with its reason and fix.
    pub fn buildable(&self) -> Result<(), PlanError> {
        let refused: Vec<(Target, String)> = self
            .jobs
            .iter()
            .filter_map(|j| j.refused.clone().map(|why| (j.target, why)))
            .collect();
        if refused.is_empty() {
            Ok(())
        } else {
            Err(PlanError::Refused(refused))
        }
    }
}

/// One target's build: everything `go build` needs for each binary, and where and how the
/// results are run.
#[derive(Debug, Clone, Serialize)]
pub struct BuildJob {
    /// The target.
    pub target: Target,
    /// The target's complete `go build` environment without any binary's own `env` (what
    /// `gocross test` compiles the tests with); nothing else from the caller's GOOS, GOARCH,
    /// GOARM, CGO_ENABLED, CC or GOFLAGS is passed on.
    pub env: BTreeMap<String, String>,
    /// The target's extra `go build` flags (`-trimpath`), without any binary's own.
    pub flags: Vec<String>,
    /// The target's `-ldflags`, placeholders still to fill, without any binary's own.
    pub ldflags: String,
    /// The target's build tags, without any binary's own.
    pub tags: Vec<String>,
    /// The binaries the target builds, in gocross.yaml's order: `binaries`, else one named
    /// `project` built from `main`.
    pub binaries: Vec<BinaryBuild>,
    /// The target's archive; `None` without `archives:` or with the `binary` format (then
    /// the bare binaries are the release's assets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive: Option<ArchivePlan>,
    /// Whether cgo is on (`CGO_ENABLED=1`).
    pub cgo: bool,
    /// Whether the binary is linked statically (only ever true where the GOOS allows it).
    #[serde(rename = "static")]
    pub static_link: bool,
    /// The glibc floor of a dynamic cgo Linux build.
    pub glibc: Option<GlibcVersion>,
    /// The C toolchain, for cgo jobs.
    pub toolchain: Option<CToolchain>,
    /// Pack the binary with UPX after the build (`upx: true`, for ports UPX supports).
    pub upx: bool,
    /// The GitHub runner of the workflow leg.
    pub runner: Runner,
    /// The GitHub runner of the workflow's verify job for this target: the target's native
    /// runner, when the leg builds on another platform whose runner cannot run the binary
    /// (darwin, windows/arm64 built on Linux). `None` when the leg verifies itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verify_runner: Option<Runner>,
    /// How its binaries are verified.
    pub verify: VerifyPlan,
    /// What must be installed where the job runs.
    pub requirements: Requirements,
    /// The audit policy the binary must meet.
    pub policy: Policy,
    /// How `gocross test` runs the module's tests for this target.
    pub test: TestPlan,
    /// Whether a local `gocross build` builds it without `--target` (`local: false` in an
    /// override leaves it to the workflow).
    pub local: bool,
    /// Why the job cannot be built where it is built, with the fix: a port that needs a
    /// platform SDK (ios, android) without what it needs ([`sdk_refusal`]). [`preflight`]
    /// refuses a plan with such a job.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
}

impl BuildJob {
    /// What to install when the C toolchain this job needs is not there
    /// ([`CToolchain::Missing`]): the job cannot build (`--skip-unbuildable` leaves it out
    /// locally; the workflow refuses such a leg); `None` when it can.
    pub fn missing_toolchain(&self) -> Option<&str> {
        match &self.toolchain {
            Some(CToolchain::Missing { hint }) => Some(hint),
            _ => None,
        }
    }

    /// The runner on which the workflow runs this job's binaries on their own platform: the
    /// verify job's, else the leg's when it is that platform; `None` when no runner gocross
    /// knows does (freebsd, a self-hosted label).
    pub fn native_runner(&self) -> Option<&Runner> {
        self.verify_runner
            .as_ref()
            .or((self.runner.platform == Some(self.target.platform)).then_some(&self.runner))
    }
}

/// One binary of a job, with its complete `go build` settings.
#[derive(Debug, Clone, Serialize)]
pub struct BinaryBuild {
    /// `binaries[].name`, else `project`.
    pub name: String,
    /// The main package, relative to the module root (`.`, `./cmd/tool`).
    pub package: String,
    /// File name in dist/: `<binary>_<goos>_<goarch>[_<variant>][.exe]`.
    pub output: String,
    /// The complete environment of its `go build`.
    pub env: BTreeMap<String, String>,
    /// Extra `go build` flags.
    pub flags: Vec<String>,
    /// `-ldflags`, placeholders still to fill ([`crate::template`]).
    pub ldflags: String,
    /// `-tags`.
    pub tags: Vec<String>,
}

/// A target's release archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArchivePlan {
    /// `tar.gz`, `tar.xz` or `zip` (never `binary`).
    pub format: ArchiveFormat,
    /// The name without extension, placeholders still to fill (`archives.name`).
    pub name: String,
    /// Globs of the files added besides the binaries, relative to the module root.
    pub files: Vec<String>,
    /// Everything sits in a directory named like the archive.
    pub wrap_in_directory: bool,
    /// The bare binaries are release assets too (`release.binaries: true`).
    pub binaries_released: bool,
}

/// The GitHub runner of a job: its label and, for labels in the runner table
/// ([`crate::targets::runners`]), the platform it runs on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Runner {
    /// The `runs-on:` label, e.g. `ubuntu-24.04-arm`.
    pub label: String,
    /// `None` for labels gocross does not know (self-hosted runners): nothing is installed
    /// or run there on gocross's word.
    pub platform: Option<Platform>,
    /// `apt-get` installs Debian/Ubuntu packages there.
    pub apt: bool,
}

impl Runner {
    fn new(label: String) -> Runner {
        let image = runner_image(&label);
        Runner {
            platform: image.map(|i| i.platform),
            apt: image.is_some_and(|i| i.apt),
            label,
        }
    }
}

impl From<&RunnerImage> for Runner {
    fn from(image: &RunnerImage) -> Runner {
        Runner::new(image.label.to_string())
    }
}

/// What a job needs installed where it runs, beyond Go: the one list the workflow installs on
/// the job's runner and `gocross doctor` checks on this machine.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Requirements {
    /// Debian/Ubuntu packages, in install order: the cross gcc with the target's libc headers
    /// (or musl-tools), qemu-user-static and the sysroot's libc for QEMU runs, wine. Empty
    /// for a runner without `apt-get`.
    pub packages: Vec<&'static str>,
    /// The PyPI `ziglang` release to install, when the C toolchain is zig.
    pub zig: Option<&'static str>,
}

impl Requirements {
    /// What `toolchain` and `methods` (the verification's, and the tests' when they run in
    /// the leg) need; `apt` says whether Debian packages apply where the job runs.
    fn new(toolchain: Option<&CToolchain>, methods: &[&VerifyMethod], apt: bool) -> Requirements {
        let mut packages: Vec<&'static str> = Vec::new();
        let mut add = |p: &'static str| {
            if !packages.contains(&p) {
                packages.push(p);
            }
        };
        match toolchain {
            Some(CToolchain::Gnu(gcc)) => gcc.packages().into_iter().for_each(&mut add),
            Some(CToolchain::Musl) => toolchain::MUSL_PACKAGES.iter().for_each(|p| add(p)),
            Some(CToolchain::Host { .. }) => add(toolchain::HOST_CC_PACKAGE),
            _ => {}
        }
        for method in methods {
            match method {
                VerifyMethod::Qemu { sysroot, .. } => {
                    add(QEMU_PACKAGE);
                    if let Some(package) = sysroot.as_ref().and_then(|s| s.package) {
                        add(package);
                    }
                }
                VerifyMethod::Wine => toolchain::WINE_PACKAGES.iter().for_each(|p| add(p)),
                VerifyMethod::Native | VerifyMethod::Wasm | VerifyMethod::None { .. } => {}
            }
        }
        Requirements {
            packages: if apt { packages } else { Vec::new() },
            zig: matches!(toolchain, Some(CToolchain::Zig { .. })).then_some(toolchain::ZIGLANG),
        }
    }
}

/// One target's `go test` run: compiled with the job's environment, tags and flags, run
/// where and how the job's binary would be.
#[derive(Debug, Clone, Serialize)]
pub struct TestPlan {
    /// Why the target's tests are not run (`test: false` in an override), if they are not.
    pub skip: Option<String>,
    /// Whether `gocross test` without `--target` includes the target: it is in
    /// `test.targets`, or that key is absent (then every target that can run here counts).
    pub selected: bool,
    /// Package patterns (`test.packages`).
    pub packages: Vec<String>,
    /// `go test` flags: `test.args`, then the overrides' `test_args`.
    pub args: Vec<String>,
    /// `-ldflags` of the test binaries: only the linking the build needs
    /// (`-linkmode external -extldflags -static` for static cgo); no stamps, no stripping.
    pub ldflags: String,
    /// Seconds the target's whole `go test` run may take.
    pub timeout: u64,
    /// Environment of the test binaries (`test.env`), besides the allow-listed variables.
    pub env: BTreeMap<String, String>,
    /// How the test binaries run here: the verify method without `verify.skip` (which is
    /// about the shipped binary, not its tests).
    #[serde(flatten)]
    pub method: VerifyMethod,
}

/// How a job's binary is run after the build.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyPlan {
    /// How the binary runs where the job runs.
    #[serde(flatten)]
    pub method: VerifyMethod,
    /// Arguments, expectations and timeout; `None` when gocross.yaml has no `verify:`.
    pub settings: Option<VerifyConfig>,
}

/// The way a binary can be run where its job runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum VerifyMethod {
    /// Directly (same GOOS/GOARCH, or linux/386 on linux/amd64).
    Native,
    /// Under QEMU user mode; dynamic binaries get `-L` with the sysroot's path.
    Qemu {
        /// The emulator.
        qemu: QemuArch,
        /// The loader and libc of a dynamic binary.
        sysroot: Option<QemuSysroot>,
    },
    /// Under wine (windows/amd64 and windows/386 on Linux).
    Wine,
    /// Under a wasm runtime found on PATH (wasmtime, wazero, node for js/wasm).
    Wasm,
    /// Cannot run there, and why. Never counted as passed.
    None {
        /// Why.
        reason: String,
    },
}

/// The directory QEMU user mode takes with `-L` for a dynamic binary, and the Debian package
/// that ships it (`None` for a directory named in gocross.yaml's `verify.sysroot`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QemuSysroot {
    /// The directory.
    pub path: String,
    /// The Debian package that ships it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<&'static str>,
}

impl VerifyMethod {
    /// The kind of method, as the manifest records it.
    pub fn kind(&self) -> VerifyKind {
        match self {
            VerifyMethod::Native => VerifyKind::Native,
            VerifyMethod::Qemu { .. } => VerifyKind::Qemu,
            VerifyMethod::Wine => VerifyKind::Wine,
            VerifyMethod::Wasm => VerifyKind::Wasm,
            VerifyMethod::None { .. } => VerifyKind::None,
        }
    }

    /// `native`, `qemu`, `wine`, `wasm` or `none`.
    pub fn name(&self) -> &'static str {
        self.kind().as_str()
    }
}

/// Errors from planning.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// A target does not parse.
    #[error("{0}")]
    Target(#[from] TargetError),
    /// A target named on the command line is not configured.
    #[error("{target} is not in gocross.yaml's targets ({configured}); add it there first")]
    NotConfigured {
        /// The target.
        target: Target,
        /// The configured targets.
        configured: String,
    },
    /// Jobs that cannot be built where they are built ([`BuildJob::refused`]), each with its
    /// reason and fix.
    #[error("{}", list("targets", "cannot be built as configured", .0))]
    Refused(Vec<(Target, String)>),
    /// Binaries whose `main` is not a main package of the module, each with the reason and
    /// the module's main packages.
    #[error("{}", list("binaries", "have no main package to build", .0))]
    NoMain(Vec<(String, String)>),
}

/// `<name>: <why>` for one entry, else `<count> <noun> <what>:` and a line per entry.
fn list<T: std::fmt::Display>(noun: &str, what: &str, entries: &[(T, String)]) -> String {
    match entries {
        [(name, why)] => format!("{name}: {why}"),
        many => {
            let mut text = format!("{} {noun} {what}:", many.len());
            for (name, why) in many {
                text.push_str(&format!("\n  {name}: {why}"));
            }
            text
        }
    }
}

/// The checks `gocross plan`, `doctor` and `build` all run on a plan before anything else,
/// so that they fail alike, with the same message: no job is [refused](BuildJob::refused),
/// and each binary's `main` is a main package of the module in `module_dir`
/// ([`crate::gotool::package_name`], i.e. `go list`), else the error names the module's main
/// packages. Without a `go` command to ask, the packages are left to the build.
///
/// Errors: [`PlanError::Refused`] listing every refused job, then [`PlanError::NoMain`]
/// listing every binary without its main package.
pub fn preflight(plan: &BuildPlan, module_dir: &std::path::Path) -> Result<(), PlanError> {
    plan.buildable()?;
    let mut checked: Vec<&str> = Vec::new();
    let mut missing = Vec::new();
    for job in &plan.jobs {
        for binary in &job.binaries {
            if checked.contains(&binary.package.as_str()) {
                continue;
            }
            checked.push(&binary.package);
            let name = match crate::gotool::package_name(module_dir, &binary.package, &binary.env) {
                Ok(name) => name,
                Err(crate::gotool::GoToolError::NotFound(_)) => return Ok(()),
                Err(crate::gotool::GoToolError::Failed(why)) => Err(why),
            };
            let why = match name {
                Ok(name) if name == "main" => continue,
                Ok(name) => format!("`{}` is package {name}, not a main package", binary.package),
                Err(why) => format!("`{}`: {why}", binary.package),
            };
            let mains = crate::gosource::main_packages(module_dir).unwrap_or_default();
            let has = if mains.is_empty() {
                "the module has no main package".to_string()
            } else {
                format!("the module's main packages: {}", mains.join(", "))
            };
            missing.push((
                format!("binary {}", binary.name),
                format!("{why}; {has} (point its `main` in gocross.yaml at one of them, or create the package)"),
            ));
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(PlanError::NoMain(missing))
    }
}

/// Plans every configured target, or only those matching `only` (a target without a variant
/// matches the configured ones with any variant).
pub fn plan(config: &Config, ctx: &PlanContext, only: &[Target]) -> Result<BuildPlan, PlanError> {
    let configured = config.targets();
    for wanted in only {
        if !configured.iter().any(|c| selects(wanted, c)) {
            return Err(PlanError::NotConfigured {
                target: *wanted,
                configured: configured
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    }
    let jobs = configured
        .iter()
        .filter(|t| only.is_empty() || only.iter().any(|w| selects(w, t)))
        .map(|t| plan_job(config, ctx, t))
        .collect();
    Ok(BuildPlan {
        project: config.project.clone(),
        go: ctx.go,
        jobs,
    })
}

fn selects(wanted: &Target, configured: &Target) -> bool {
    wanted == configured || (wanted.variant.is_none() && wanted.platform == configured.platform)
}

/// The `verify:` settings of `target`'s job: the top-level `verify:`, replaced by the `verify:`
/// of each override that names the target, the last one winning; `None` when neither has
/// one. `gocross build` ([`VerifyPlan::settings`]) and `gocross verify` both take this.
pub fn verify_settings(config: &Config, target: &Target) -> Option<VerifyConfig> {
    config
        .overrides_for(target)
        .fold(config.verify.clone(), |verify, o| {
            o.verify.clone().or(verify)
        })
}

/// The job of one target, step by step: the settings merged with the target's overrides
/// ([`merged_settings`]), the runner and the host the build runs on ([`job_runner`]), the C
/// toolchain ([`c_toolchain`]), the binaries' environment and flags ([`binary_builds`]),
/// the verify method ([`verify_plan`]), the tests ([`test_plan`]), what the leg installs and
/// the audit policy, and the archive ([`archive_plan`]).
fn plan_job(config: &Config, ctx: &PlanContext, target: &Target) -> BuildJob {
    let m = merged_settings(config, target);
    let runner = job_runner(config, target, &m);
    let host = match ctx.host {
        Host::Machine(p) => p,
        Host::Runners => runner.platform,
    };
    let toolchain = c_toolchain(ctx, target, &m, &runner, host);
    let (own, binaries) = binary_builds(config, target, &m, toolchain.as_ref());
    let refused = sdk_refusal(target, m.cgo, toolchain.as_ref(), m.local, ctx.host);
    let (verify, verify_runner, runs) = verify_plan(ctx, target, &m, host, &runner);
    let test = test_plan(config, target, &m, runs);

    // What the leg installs, and the audit policy. The leg runs the tests too when
    // gocross.yaml has `test:`.
    let apt = match ctx.host {
        Host::Machine(_) => true,
        Host::Runners => runner.apt,
    };
    let mut methods = vec![&verify.method];
    if config.test.is_some() && test.skip.is_none() {
        methods.push(&test.method);
    }
    let requirements = Requirements::new(toolchain.as_ref(), &methods, apt);
    let policy = Policy::for_build(config, target, m.static_link, m.glibc);

    BuildJob {
        target: *target,
        env: own.env,
        flags: own.flags,
        ldflags: own.ldflags,
        tags: own.tags,
        binaries,
        archive: archive_plan(config, target, m.archive_format),
        cgo: m.cgo,
        static_link: m.static_link,
        glibc: m.glibc,
        toolchain,
        upx: m.upx,
        runner,
        verify_runner,
        verify,
        requirements,
        policy,
        test,
        local: m.local,
        refused,
    }
}

/// The top-level settings of gocross.yaml with every override for one target applied (later
/// overrides win), and the linking they imply.
struct Merged<'a> {
    cgo: bool,
    cc: Option<&'a CcSpec>,
    static_link: bool,
    glibc: Option<GlibcVersion>,
    /// `runner:` of an override, when one names it.
    runner: Option<String>,
    archive_format: Option<ArchiveFormat>,
    verify: Option<VerifyConfig>,
    upx: bool,
    test_enabled: bool,
    test_args: Vec<String>,
    local: bool,
    /// `-linkmode external -extldflags -static` for a static cgo build, else empty.
    link_flags: String,
    /// The build's tests run in its leg (gocross.yaml's `test:` selects the target).
    tests_in_leg: bool,
}

/// Step 1: merges the settings and the target's overrides; keeps cgo, UPX, static linking
/// and the glibc floor only where the port supports them.
fn merged_settings<'a>(config: &'a Config, target: &'a Target) -> Merged<'a> {
    let mut cgo = config.cgo;
    let mut cc = None;
    let mut static_link = config.static_link;
    let mut glibc = config.glibc;
    let mut runner = None;
    let mut archive_format = None;
    let verify = verify_settings(config, target);
    let mut upx = config.upx;
    let mut test_enabled = true;
    let mut test_args = Vec::new();
    let mut local = true;
    for o in config.overrides_for(target) {
        local = o.local.unwrap_or(local);
        test_enabled = o.test.unwrap_or(test_enabled);
        test_args.extend(o.test_args.iter().flatten().cloned());
        upx = o.upx.unwrap_or(upx);
        cgo = o.cgo.unwrap_or(cgo);
        cc = o.cc.as_ref().or(cc);
        static_link = o.static_link.unwrap_or(static_link);
        glibc = o.glibc.or(glibc);
        runner = o.runner.clone().or(runner);
        archive_format = o.archive_format.or(archive_format);
    }
    let cgo = cgo && target.port().cgo_supported;
    let upx = upx && target.port().upx;
    let static_link = static_link && target.goos().links_statically();
    let link_flags = if static_link && cgo {
        "-linkmode external -extldflags -static".to_string()
    } else {
        String::new()
    };
    let glibc = glibc.filter(|_| cgo && !static_link && target.goos() == Goos::Linux);
    let tests_in_leg = config.test.is_some()
        && test_enabled
        && config
            .test
            .as_ref()
            .and_then(|t| t.targets())
            .is_none_or(|listed| listed.iter().any(|t| selects(t, target)));
    Merged {
        cgo,
        cc,
        static_link,
        glibc,
        runner,
        archive_format,
        verify,
        upx,
        test_enabled,
        test_args,
        local,
        link_flags,
        tests_in_leg,
    }
}

/// Step 2: the runner, first, since for workflow plans the job's host is its runner. A leg
/// that would only need its own OS to run the binary builds on Linux instead (see
/// `build_runner`).
fn job_runner(config: &Config, target: &Target, m: &Merged) -> Runner {
    match m.runner.clone().or_else(|| runner_override(config, target)) {
        Some(label) => Runner::new(label),
        None => Runner::from(build_runner(
            target,
            CgoNeeds {
                target,
                static_link: m.static_link,
                glibc: m.glibc,
                build_glibc: runners::UBUNTU_24_04.glibc,
                host: Some(runners::UBUNTU_24_04.platform),
                configured: m.cc,
            },
            m.cgo,
            m.tests_in_leg || m.verify.as_ref().is_some_and(|v| !v.allow_not_run),
        )),
    }
}

/// Step 3: the C toolchain of a cgo job, for the host the build runs on.
fn c_toolchain(
    ctx: &PlanContext,
    target: &Target,
    m: &Merged,
    runner: &Runner,
    host: Option<Platform>,
) -> Option<CToolchain> {
    m.cgo.then(|| {
        toolchain::choose(
            CgoNeeds {
                target,
                static_link: m.static_link,
                glibc: m.glibc,
                build_glibc: match ctx.host {
                    Host::Machine(_) => Some(toolchain::DEBIAN_GLIBC),
                    Host::Runners => runner_image(&runner.label).and_then(|r| r.glibc),
                },
                host,
                configured: m.cc,
            },
            &ctx.tools,
        )
    })
}

/// Step 4: environment, flags, ldflags and tags: the target's own (the first value), then
/// each binary's (`binaries:`, else the project alone).
fn binary_builds(
    config: &Config,
    target: &Target,
    m: &Merged,
    toolchain: Option<&CToolchain>,
) -> (Settings, Vec<BinaryBuild>) {
    let settings = |binary: Option<&BinaryConfig>| {
        let mut s = merge(config, target, binary);
        if m.static_link {
            for tag in ["netgo", "osusergo"] {
                if !s.tags.iter().any(|t| t == tag) {
                    s.tags.push(tag.to_string());
                }
            }
        }
        if !m.link_flags.is_empty() {
            s.ldflags = format!("{} {}", s.ldflags, m.link_flags).trim().to_string();
        }
        let mut env = BTreeMap::new();
        env.insert("GOOS".to_string(), target.goos().to_string());
        env.insert("GOARCH".to_string(), target.goarch().to_string());
        if let Some((var, value)) = target.variant_env() {
            env.insert(var.to_string(), value);
        }
        env.insert(
            "CGO_ENABLED".to_string(),
            if m.cgo { "1" } else { "0" }.to_string(),
        );
        if let Some(tc) = toolchain {
            if let Some(c) = tc.cc() {
                env.insert("CC".to_string(), c);
            }
            if let Some(c) = tc.cxx() {
                env.insert("CXX".to_string(), c);
            }
            let strip = s.ldflags.split_whitespace().any(|w| w == "-s");
            for (var, value) in tc.extra_env(strip) {
                env.insert(var.to_string(), value.to_string());
            }
        }
        env.extend(std::mem::take(&mut s.env));
        s.env = env;
        s
    };
    let own = settings(None);
    let binaries: Vec<BinaryBuild> = if config.binaries.is_empty() {
        vec![BinaryBuild {
            name: config.project.clone(),
            package: config.main.clone(),
            output: output_name(&config.project, target),
            env: own.env.clone(),
            flags: own.flags.clone(),
            ldflags: own.ldflags.clone(),
            tags: own.tags.clone(),
        }]
    } else {
        config
            .binaries
            .iter()
            .map(|b| {
                let s = settings(Some(b));
                BinaryBuild {
                    name: b.name.value.clone(),
                    package: b.main.clone(),
                    output: output_name(&b.name.value, target),
                    env: s.env,
                    flags: s.flags,
                    ldflags: s.ldflags,
                    tags: s.tags,
                }
            })
            .collect()
    };
    (own, binaries)
}

/// Step 5: the verify method where the job runs, the runner of the workflow's verify job
/// when the build leg cannot run the binary, and how a binary runs on the host (the tests'
/// method). A dynamic cgo binary needs the target's loader and libc under QEMU: the
/// configured sysroot, else the Debian cross sysroot.
fn verify_plan(
    ctx: &PlanContext,
    target: &Target,
    m: &Merged,
    host: Option<Platform>,
    runner: &Runner,
) -> (VerifyPlan, Option<Runner>, VerifyMethod) {
    let sysroot = (m.cgo && !m.static_link)
        .then(|| qemu_sysroot(target, m.verify.as_ref()))
        .flatten();
    let runs = verify_method(target.platform, host, sysroot.clone());
    // The workflow runs what its build leg cannot on the target's own runner.
    let verify_runner = target
        .port()
        .native_runner
        .filter(|native| {
            m.verify.as_ref().is_none_or(|v| v.skip.is_none())
                && Some(native.platform) != runner.platform
                && matches!(
                    verify_method(target.platform, runner.platform, sysroot),
                    VerifyMethod::None { .. }
                )
        })
        .map(Runner::from);
    let method = match (
        m.verify.as_ref().and_then(|v| v.skip.clone()),
        &verify_runner,
    ) {
        (Some(reason), _) => VerifyMethod::None { reason },
        (None, Some(native)) if ctx.host == Host::Runners => VerifyMethod::None {
            reason: format!(
                "{target} binaries run in the verify job on {}, after this leg",
                native.label
            ),
        },
        (None, _) => runs.clone(),
    };
    let verify = VerifyPlan {
        method,
        settings: m.verify.clone(),
    };
    (verify, verify_runner, runs)
}

/// Step 6: the tests of the target, run the way a binary runs on the host (`runs`).
fn test_plan(config: &Config, target: &Target, m: &Merged, runs: VerifyMethod) -> TestPlan {
    let settings = config.test.clone().unwrap_or_default();
    TestPlan {
        skip: (!m.test_enabled)
            .then(|| "`test: false` for this target in gocross.yaml's overrides".to_string()),
        selected: settings
            .targets()
            .is_none_or(|listed| listed.iter().any(|t| selects(t, target))),
        packages: settings.packages.clone(),
        args: settings
            .args
            .iter()
            .cloned()
            .chain(m.test_args.iter().cloned())
            .collect(),
        ldflags: m.link_flags.clone(),
        timeout: settings.timeout,
        env: settings.env.clone(),
        method: runs,
    }
}

/// Step 7: the target's archive (`archives:`), unless its format is `binary`.
fn archive_plan(
    config: &Config,
    target: &Target,
    archive_format: Option<ArchiveFormat>,
) -> Option<ArchivePlan> {
    config.archives.as_ref().and_then(|a| {
        let a = &a.value;
        let format = archive_format.or(a.format).unwrap_or(match target.goos() {
            Goos::Windows => ArchiveFormat::Zip,
            _ => ArchiveFormat::TarGz,
        });
        (format != ArchiveFormat::Binary).then(|| ArchivePlan {
            format,
            name: config
                .archive_name_for(target)
                .map_or_else(|| a.name.value.clone(), |(_, n)| n.value.clone()),
            files: a.files.clone(),
            wrap_in_directory: a.wrap_in_directory,
            binaries_released: config.release.binaries.as_ref().is_some_and(|b| b.value),
        })
    })
}

/// Why a job for a port that needs a platform SDK (ios: Xcode; android: the NDK) cannot be
/// built where it is built, with the fix; `None` when it can. Go links those ports only
/// externally ([`crate::targets::Port::links_without_cgo`]; android/arm64 excepted), so they
/// need cgo and the SDK's C compiler: ios gets Xcode's clang on a macOS host (the workflow's
/// runner), android a `cc:` naming the NDK's clang. On this machine a cgo job that an
/// override marks `local: false` is left to the workflow, whose plan judges it.
pub fn sdk_refusal(
    target: &Target,
    cgo: bool,
    toolchain: Option<&CToolchain>,
    local: bool,
    host: Host,
) -> Option<String> {
    let port = target.port();
    if !port.needs_sdk() || (!cgo && port.links_without_cgo()) {
        return None;
    }
    let fix = match target.goos() {
        Goos::Ios => format!(
            "set `cgo: true` and `local: false` for {target} in gocross.yaml's overrides: the workflow builds it on its {} runner with Xcode's clang, and a local build leaves it out (on a Mac, `cc:` may name Xcode's clang instead)",
            default_runner(target).label
        ),
        _ => format!(
            "set `cgo: true` and `cc:` for {target} in gocross.yaml's overrides, naming the NDK's clang{}",
            if port.links_without_cgo() {
                ""
            } else {
                " (or leave the target out)"
            }
        ),
    };
    if !cgo {
        return Some(format!(
            "Go links {target} binaries only externally, with the platform SDK's C compiler (`go build` stops with \"requires external (cgo) linking\"): {fix}"
        ));
    }
    match toolchain {
        // The android hint names the `cc:` to set already.
        Some(CToolchain::Missing { hint }) if local || host == Host::Runners => {
            Some(match target.goos() {
                Goos::Android => hint.clone(),
                _ => format!("{hint}; {fix}"),
            })
        }
        _ => None,
    }
}

/// The `go build` settings of a target (and binary) before the plan adds linking and the
/// target's environment.
struct Settings {
    env: BTreeMap<String, String>,
    flags: Vec<String>,
    ldflags: String,
    tags: Vec<String>,
}

/// The settings of `target`: the top-level ones, then `binary`'s own (which replace them;
/// `env` is merged), then every override of the target in file order.
fn merge(config: &Config, target: &Target, binary: Option<&BinaryConfig>) -> Settings {
    let mut s = Settings {
        env: config.env.clone(),
        flags: config.flags.clone(),
        ldflags: config.ldflags.clone(),
        tags: config.tags.clone(),
    };
    if let Some(b) = binary {
        s.env.extend(b.env.clone());
        s.flags = b.flags.clone().unwrap_or(s.flags);
        s.ldflags = b.ldflags.clone().unwrap_or(s.ldflags);
        s.tags = b.tags.clone().unwrap_or(s.tags);
    }
    for o in config.overrides_for(target) {
        s.ldflags = o.ldflags.clone().unwrap_or(s.ldflags);
        s.tags = o.tags.clone().unwrap_or(s.tags);
        s.env.extend(o.env.clone());
    }
    s
}

/// The sysroot QEMU user mode runs a dynamic binary of `target` with: `verify.sysroot` when
/// set, else the Debian cross sysroot of the port (whichever C toolchain linked the binary:
/// zig's glibc stubs and the gnu cross gcc expect the same loader and libc).
pub fn qemu_sysroot(target: &Target, verify: Option<&VerifyConfig>) -> Option<QemuSysroot> {
    match verify.and_then(|v| v.sysroot.clone()) {
        Some(path) => Some(QemuSysroot {
            path,
            package: None,
        }),
        None => target.port().sysroot().map(|s| QemuSysroot {
            path: s.path.to_string(),
            package: Some(s.package),
        }),
    }
}

/// `<binary>_<goos>_<goarch>[_<variant>][.exe]`; a variant's commas become dashes
/// (`hello_linux_arm64_v8.2-lse`), so the name stays a safe release asset name.
pub fn output_name(binary: &str, target: &Target) -> String {
    let mut name = format!("{binary}_{}_{}", target.goos(), target.goarch());
    if let Some(v) = &target.variant {
        name.push('_');
        name.push_str(&v.to_string().replace(',', "-"));
    }
    name.push_str(target.goos().exe_suffix());
    name
}

fn runner_override(config: &Config, target: &Target) -> Option<String> {
    config
        .ci
        .runners
        .iter()
        .find(|(t, _)| *t == target)
        .or_else(|| config.ci.runners.iter().find(|(t, _)| selects(t, target)))
        .map(|(_, label)| label.clone())
}

/// The runner a target's leg uses without overrides: the native GitHub-hosted runner where
/// one exists, else Ubuntu 24.04 on x64 (Linux under QEMU; other GOOS values build there and
/// are audited, not run).
pub fn default_runner(target: &Target) -> &'static RunnerImage {
    target
        .port()
        .native_runner
        .unwrap_or(&runners::UBUNTU_24_04)
}

/// The runner of a target's leg without overrides. Go builds every pure-Go target on any
/// platform, so a target whose native runner is not Linux (macOS, Windows) builds on Ubuntu
/// 24.04 on x64, where GitHub bills a minute at a tenth of macOS's and half of Windows's
/// (https://docs.github.com/en/billing/managing-billing-for-your-products/managing-billing-for-github-actions/about-billing-for-github-actions),
/// and its binaries run in a verify job on the native runner. A cgo target builds there too
/// when a runner's C toolchain (zig, a Debian cross gcc) can build it from Linux (`cgo` and
/// `needs` are its build); `native_only` (its Go tests run in the leg, or
/// `verify.allow_not_run: false` wants the leg itself to run the binary) and a configured
/// `cc` keep the native leg. Otherwise [`default_runner`].
fn build_runner(
    target: &Target,
    needs: CgoNeeds<'_>,
    cgo: bool,
    native_only: bool,
) -> &'static RunnerImage {
    let native = default_runner(target);
    if native.platform.goos == Goos::Linux || native_only || needs.configured.is_some() {
        return native;
    }
    let builds_on_linux = !cgo
        || !matches!(
            toolchain::choose(needs, &Toolbox::ci()),
            CToolchain::Missing { .. }
        );
    if builds_on_linux {
        &runners::UBUNTU_24_04
    } else {
        native
    }
}

/// How a binary for `target` runs on `host`. `sysroot` is passed to QEMU for dynamic binaries.
pub fn verify_method(
    target: Platform,
    host: Option<Platform>,
    sysroot: Option<QemuSysroot>,
) -> VerifyMethod {
    let none = |reason: String| VerifyMethod::None { reason };
    let Some(host) = host else {
        return none(format!(
            "the host is not a platform gocross knows, so {target} is not run"
        ));
    };
    let amd64_linux = Platform::new(Goos::Linux, Goarch::Amd64);
    let amd64_windows = Platform::new(Goos::Windows, Goarch::Amd64);
    if target == host
        || (host == amd64_linux && target == Platform::new(Goos::Linux, Goarch::I386))
        || (host == amd64_windows && target == Platform::new(Goos::Windows, Goarch::I386))
    {
        return VerifyMethod::Native;
    }
    match (host.goos, target.goos) {
        (_, Goos::Js | Goos::Wasip1) => VerifyMethod::Wasm,
        (Goos::Linux, Goos::Linux) => match target.port().and_then(|p| p.qemu()) {
            Some(qemu) => VerifyMethod::Qemu { qemu, sysroot },
            None => none(format!("QEMU user mode has no emulator for {target}")),
        },
        (Goos::Linux, Goos::Windows) if target.port().is_some_and(|p| p.wine) => VerifyMethod::Wine,
        (_, Goos::Darwin | Goos::Ios) => none(format!(
            "{target} binaries run only on macOS; verified on a macOS runner, audited here"
        )),
        _ => none(format!("{target} binaries cannot run on {host}")),
    }
}

#[cfg(test)]
mod tests;
