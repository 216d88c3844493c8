//! `gocross build`: every plan job's `go build`, in parallel, into a flat dist/ directory
//! with `manifest.json` and `checksums.txt`.
//!
//! The steps of [`build`], after the caller asked `go env GOVERSION` (no Go on PATH is an
//! error before anything is written); steps 2 to 5 follow the manifest's
//! [commit order](crate::manifest#commit-order):
//! 1. fill the placeholders of each binary's `-ldflags` and each archive's name
//!    ([`Stamp`], [`crate::template`]); an unset `{{env.NAME}}` stops the build before it
//!    starts;
//! 2. make sure dist/ is a writable directory and take its lock (`lock`: one build at a time;
//!    when another one holds it, wait for it or fail at once, as [`BuildOptions::when_busy`]
//!    says); with `--clean` ([`BuildOptions::clean`]) empty it; remove the temporary files a
//!    killed run left there; check that a manifest already there is gocross's, and retract
//!    its entries of binaries gocross.yaml no longer configures ([`Configured`]), then
//!    remove their files;
//! 3. retract from `manifest.json` and `checksums.txt` the entries of the targets about to be
//!    built (their binaries and archives), so that neither names a file while it is replaced;
//! 4. run one `go build` per target and binary, at most `jobs` at a time, sharing Go's build
//!    cache; each writes its staging file in `dist/.gocross/`, where Go finds it up to date
//!    and skips the link when nothing changed (`staging`), and a copy of it goes to a
//!    temporary file inside dist/ that is synced and renamed once complete (`gobuild`); a
//!    failing build does not stop the others, and SIGINT stops them all ([`crate::interrupt`]);
//! 5. merge the results into the manifest already in dist/ (a CI leg builds one target and
//!    keeps the other targets' entries), pack each target whose binaries all passed into its
//!    archive ([`crate::archive`], from the manifest's entries and digests; up to `jobs` at a
//!    time; an earlier archive whose inputs are unchanged is kept), and each linux target's
//!    Linux packages ([`crate::package`], `packages:`), then write `manifest.json`, then
//!    `checksums.txt`, atomically.

mod actions_report;
mod checks;
mod gobuild;
mod local_jobs;
mod progress;
mod staging;
mod stamp;
mod summary;

pub use crate::interrupt::{Orphans, adopt_orphans};
pub use actions_report::report_to_actions;
pub use checks::{Checks, sbom_name};
pub use gobuild::{CALLER_ENV, hash_file};
pub use local_jobs::{Skipped, select_local};
pub use progress::{PlainProgress, Progress, TerminalProgress};
pub use stamp::{DEV_VERSION, NO_COMMIT, NO_DATE, Stamp, StampError};
pub use summary::{FailureGroup, NotRun, NotRunGroup, Summary, failures, not_run, results_table};

use crate::archive::{self, ArchiveJob};
use crate::config::{PackageFormat, PackagesConfig};
use crate::dist::{self, DistError, DistLock, LOCK_FILE, LockError, STAGING_DIR, WhenBusy};
use crate::interrupt;
use crate::manifest::{self, Artifact, Manifest, ManifestError};
use crate::package::{self, PackageJob};
use crate::plan::{BinaryBuild, BuildJob, BuildPlan};
use crate::targets::Target;
use crate::template::{Placeholder, Template};
use crate::universal;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How to build, besides the plan.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The Go release that builds, as `go env GOVERSION` prints it (`go1.26.8`,
    /// [`crate::gotool::version_string`]); recorded in the manifest.
    pub go: String,
    /// The Go module root (where `go build` runs).
    pub module_dir: PathBuf,
    /// The output directory, as the user named it (relative paths are relative to the
    /// current directory of gocross, not to `module_dir`).
    pub dist: PathBuf,
    /// Jobs run at the same time (at least 1).
    pub jobs: usize,
    /// The version, commit and date stamped into the binaries and names.
    pub stamp: Stamp,
    /// The audit, SBOM and verification of each binary after its build.
    pub checks: Checks,
    /// When another gocross build holds dist/'s lock: wait for it (announced once through
    /// [`Progress::waiting`]), or fail at once with [`BuildError::Busy`].
    pub when_busy: WhenBusy,
    /// What gocross.yaml configures: an earlier build's entries for anything else are
    /// retracted and their files removed. `None` keeps them.
    pub configured: Option<Configured>,
    /// Start dist/ afresh (`--clean`): remove everything in it but its lock first.
    pub clean: bool,
    /// `universal_binaries: true`: join each binary's darwin/amd64 and darwin/arm64 builds
    /// into a universal binary ([`crate::universal`]) whenever this build makes either.
    pub universal: bool,
    /// The Linux packages to make of each linux target (`packages:`); `None`: none.
    pub packages: Option<PackagesConfig>,
}

/// What gocross.yaml configures, from the whole plan (before `--target` and `local: false`
/// chose the jobs to build): an earlier build's entries for anything else are stale.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Configured {
    /// The output file name of every binary of every target.
    pub outputs: BTreeSet<String>,
    /// The targets that have an archive (`linux/arm/7`).
    pub archives: BTreeSet<String>,
    /// The packages: each target that has them with a format (`linux/amd64`, `deb`).
    pub packages: BTreeSet<(String, PackageFormat)>,
}

impl Configured {
    /// What `plan` (the whole plan of gocross.yaml) builds, with the universal binaries of
    /// its darwin/amd64 and darwin/arm64 binaries when `universal` (`universal_binaries`), and
    /// `packages` (`packages:`).
    pub fn of(plan: &BuildPlan, universal: bool, packages: Option<&PackagesConfig>) -> Configured {
        let mut configured = Configured {
            packages: package_jobs(plan, packages)
                .into_iter()
                .map(|j| (j.target.to_string(), j.format))
                .collect(),
            outputs: plan
                .jobs
                .iter()
                .flat_map(|j| j.binaries.iter().map(|b| b.output.clone()))
                .collect(),
            archives: plan
                .jobs
                .iter()
                .filter(|j| j.archive.is_some())
                .map(|j| j.target.to_string())
                .collect(),
        };
        if universal {
            for job in plan
                .jobs
                .iter()
                .filter(|j| crate::universal::is_slice(&j.target))
            {
                configured.outputs.extend(
                    job.binaries
                        .iter()
                        .map(|b| crate::universal::output_name(&b.name)),
                );
                if job.archive.is_some() {
                    configured
                        .archives
                        .insert(crate::universal::TARGET.to_string());
                }
            }
        }
        configured
    }
}

/// How one target ended.
#[derive(Debug, Clone)]
pub enum TargetOutcome {
    /// The binary is in dist/ and passed its checks.
    Built(Box<Artifact>),
    /// The binary is in dist/ (and manifest.json, out of checksums.txt) but failed its audit
    /// or its verification; `reason` says how.
    Rejected {
        /// The binary, as the manifest records it.
        artifact: Box<Artifact>,
        /// The check that refused it.
        reason: String,
    },
    /// The message says why (the compiler output is in [`TargetResult::log`]).
    Failed(String),
    /// Stopped by SIGINT/SIGTERM, or never started because of one.
    Interrupted,
}

/// One binary's build for one target.
#[derive(Debug, Clone)]
pub struct TargetResult {
    /// The job's target.
    pub target: Target,
    /// The binary (`binaries[].name`, else `project`).
    pub binary: String,
    /// The output file name.
    pub name: String,
    /// How its build ended.
    pub outcome: TargetOutcome,
    /// The equivalent shell command; `None` when `go build` was not started.
    pub command: Option<String>,
    /// The compiler output (stderr, then stdout), in full.
    pub log: String,
    /// Wall time of `go build`.
    pub duration: Duration,
}

/// What a build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// The output directory, as the user named it.
    pub dist: PathBuf,
    /// The manifest as written to dist/ (with the entries of earlier builds it kept).
    pub manifest: Manifest,
    /// One per plan job and binary, in plan order.
    pub results: Vec<TargetResult>,
    /// The targets whose archive could not be made, and why (their binaries are built).
    pub archive_failures: Vec<(String, String)>,
    /// The packages that could not be made (target, format), and why.
    pub package_failures: Vec<(Target, PackageFormat, String)>,
    /// SIGINT or SIGTERM arrived during the build.
    pub interrupted: bool,
}

impl BuildReport {
    /// Whether every target was built.
    pub fn success(&self) -> bool {
        !self.interrupted
            && self.archive_failures.is_empty()
            && self.package_failures.is_empty()
            && self
                .results
                .iter()
                .all(|r| matches!(r.outcome, TargetOutcome::Built(_)))
    }
}

/// Errors that stop a build before it starts or after it ran (a failing target is not one:
/// it is a [`TargetOutcome::Failed`]).
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The stamp (version, date) is not valid.
    #[error(transparent)]
    Stamp(#[from] StampError),
    /// An `-ldflags` or archive-name template cannot be filled.
    #[error("{0}")]
    Template(#[from] crate::template::TemplateError),
    /// dist/ cannot be used.
    #[error(
        "cannot write to the output directory {}: {reason}; choose another with --dist",
        path.display()
    )]
    Dist {
        /// dist/, as the user named it.
        path: PathBuf,
        /// Why it cannot be used.
        reason: String,
    },
    /// dist/manifest.json is not a gocross manifest.
    #[error("{0}; remove it, or build into another directory with --dist")]
    ForeignManifest(ManifestError),
    /// Another process holds dist/'s lock (`--no-wait`).
    #[error(
        "another gocross build{} is writing {}; wait for it to finish, or build into another directory with --dist",
        pid.map(|p| format!(" (pid {p})")).unwrap_or_default(),
        path.display()
    )]
    Busy {
        /// dist/, as the user named it.
        path: PathBuf,
        /// The holder's pid, when it wrote one.
        pid: Option<u32>,
    },
    /// SIGINT or SIGTERM arrived while waiting for dist/'s lock; nothing was written.
    #[error("interrupted while waiting for another gocross build to finish writing {}", path.display())]
    Interrupted {
        /// dist/, as the user named it.
        path: PathBuf,
    },
    /// The manifest cannot be read or written.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
}

/// Builds every job of `plan` into `opts.dist`, reporting to `progress`. Returns `Ok` when the
/// build ran, even if targets failed (see [`BuildReport::success`]).
pub fn build(
    plan: &BuildPlan,
    opts: &BuildOptions,
    progress: &dyn Progress,
) -> Result<BuildReport, BuildError> {
    // 1. Stamps.
    let units = stamped_builds(plan, opts)?;
    let mut archive_jobs = archive_jobs(plan, opts)?;
    let universal_rebuilt =
        opts.universal && plan.jobs.iter().any(|j| universal::is_slice(&j.target));
    let universal_archive = if universal_rebuilt {
        universal_archive_job(plan, opts)?
    } else {
        None
    };
    let package_jobs = package_jobs(plan, opts.packages.as_ref());
    // 2. dist/, its lock (held until the build returns), and what a killed run left.
    let (dist_abs, _lock, staging, previous) = open_dist(opts, progress)?;

    // 3. Retraction: nothing on disk names a file this build may replace.
    let targets: BTreeSet<String> = plan.jobs.iter().map(|j| j.target.to_string()).collect();
    let outputs: BTreeSet<&str> = plan
        .jobs
        .iter()
        .flat_map(|j| j.binaries.iter().map(|b| b.output.as_str()))
        .collect();
    let rebuilt = |a: &Artifact| {
        targets.contains(&a.target)
            || outputs.contains(a.name.as_str())
            || (universal_rebuilt && a.target == universal::TARGET)
    };
    retract(previous.as_ref(), &rebuilt, &dist_abs)?;

    // 4. Jobs.
    interrupt::install();
    let inputs: Vec<gobuild::JobInput> = units
        .into_iter()
        .map(|(job, binary, ldflags)| gobuild::JobInput {
            job,
            binary,
            ldflags,
            module_dir: &opts.module_dir,
            dist: &dist_abs,
            dist_display: &opts.dist,
            staging: &staging,
        })
        .collect();
    let results = run_jobs(&inputs, opts.jobs, &opts.checks, progress);
    progress.done();
    let interrupted = interrupt::interrupted();

    // 5. Commit: the new manifest, then the universal binaries, the archives and the
    // packages from it, then manifest.json and checksums.txt.
    let (mut manifest, earlier) =
        merged_manifest(plan, opts, previous, &results, &dist_abs, universal_rebuilt);
    let mut archive_failures = Vec::new();
    let mut package_failures = Vec::new();
    if !interrupted {
        if universal_rebuilt {
            archive_jobs.extend(join_universal(
                plan,
                &mut manifest,
                &dist_abs,
                universal_archive,
                &mut archive_failures,
            ));
        }
        archive_failures.extend(pack_archives(
            &archive_jobs,
            &results,
            &mut manifest,
            &earlier.archives,
            opts,
            &dist_abs,
        ));
        if let Some(config) = &opts.packages {
            package_failures = make_packages(
                &package_jobs,
                config,
                plan,
                &results,
                &mut manifest,
                &earlier.packages,
                opts,
                &dist_abs,
            );
        }
    }
    earlier.remove_replaced(&manifest, &dist_abs);
    manifest.commit(&dist_abs)?;
    Ok(BuildReport {
        dist: opts.dist.clone(),
        manifest,
        results,
        archive_failures,
        package_failures,
        interrupted,
    })
}

/// Step 1: each job's binaries with their stamped `-ldflags`, in plan order.
fn stamped_builds<'p>(
    plan: &'p BuildPlan,
    opts: &BuildOptions,
) -> Result<Vec<(&'p BuildJob, &'p BinaryBuild, String)>, BuildError> {
    let env = |var: &str| std::env::var(var).ok();
    let mut units = Vec::new();
    for job in &plan.jobs {
        for binary in &job.binaries {
            let values = opts
                .stamp
                .values(&plan.project, Some(&binary.name), Some(&job.target));
            let ldflags =
                Template::parse(&binary.ldflags, Placeholder::LDFLAGS)?.render(&values, &env)?;
            units.push((job, binary, ldflags));
        }
    }
    Ok(units)
}

/// Step 1: each job's archive with its stamped name, in plan order.
fn archive_jobs(plan: &BuildPlan, opts: &BuildOptions) -> Result<Vec<ArchiveJob>, BuildError> {
    let env = |var: &str| std::env::var(var).ok();
    let mut archive_jobs = Vec::new();
    for job in &plan.jobs {
        if let Some(a) = &job.archive {
            let values = opts.stamp.values(&plan.project, None, Some(&job.target));
            let name =
                Template::parse(&a.name, Placeholder::ARCHIVE_NAME)?.render(&values, &env)?;
            archive_jobs.push(ArchiveJob {
                target: job.target.to_string(),
                goos: job.target.goos(),
                name,
                plan: a.clone(),
                binaries: job.binaries.iter().map(|b| b.output.clone()).collect(),
            });
        }
    }
    Ok(archive_jobs)
}

/// Step 1: the universal binaries' archive, named like the darwin archives with
/// `{{goarch}}` as `all`, holding every binary in plan order (those the join makes are
/// kept, [`join_universal`]); `None` when the darwin jobs have no archive.
fn universal_archive_job(
    plan: &BuildPlan,
    opts: &BuildOptions,
) -> Result<Option<ArchiveJob>, BuildError> {
    match plan.jobs.iter().find(|j| universal::is_slice(&j.target)) {
        Some(job) => Ok(universal::archive_job(
            job,
            &plan.project,
            &opts.stamp,
            job.binaries
                .iter()
                .map(|b| universal::output_name(&b.name))
                .collect(),
        )?),
        None => Ok(None),
    }
}
/// Step 2: creates dist/ and takes its lock (the caller holds the returned lock until the
/// build is committed: one build at a time per dist/, from reading its manifest to writing
/// the new one), cleans it when asked, removes what a killed run left, opens the staging
/// directory, and reads the earlier build's manifest (without its stale entries).
fn open_dist(
    opts: &BuildOptions,
    progress: &dyn Progress,
) -> Result<(PathBuf, DistLock, staging::Staging, Option<Manifest>), BuildError> {
    let dist_abs = prepare_dist(&opts.dist)?;
    let lock = DistLock::take(&dist_abs, opts.when_busy, &mut |pid| {
        progress.waiting(&opts.dist, pid)
    })
    .map_err(|e| match e {
        LockError::Busy { pid, .. } => BuildError::Busy {
            path: opts.dist.clone(),
            pid,
        },
        LockError::Interrupted(_) => BuildError::Interrupted {
            path: opts.dist.clone(),
        },
        LockError::Io { cause, .. } => BuildError::Dist {
            path: opts.dist.clone(),
            reason: format!("cannot lock it ({LOCK_FILE}): {cause}"),
        },
    })?;
    if opts.clean {
        clean(&dist_abs, &opts.module_dir).map_err(|reason| BuildError::Dist {
            path: opts.dist.clone(),
            reason,
        })?;
    }
    dist::remove_leftovers(&dist_abs).map_err(|e| BuildError::Dist {
        path: opts.dist.clone(),
        reason: format!("cannot remove the temporary files of an earlier build: {e}"),
    })?;
    let staging = staging::Staging::open(&dist_abs).map_err(|e| BuildError::Dist {
        path: opts.dist.clone(),
        reason: format!("cannot create {STAGING_DIR}/ in it: {e}"),
    })?;
    // Only dist/manifest.json itself: manifests of downloaded legs in subdirectories are the
    // release's business, not an earlier build of this directory.
    let previous = if dist_abs.join(dist::MANIFEST_FILE).is_file() {
        match Manifest::read(&dist_abs) {
            Ok(m) => Some(m),
            Err(e @ ManifestError::Parse { .. }) => return Err(BuildError::ForeignManifest(e)),
            Err(e) => return Err(e.into()),
        }
    } else {
        None
    };
    let previous = match (previous, &opts.configured) {
        (Some(prev), Some(configured)) => Some(drop_stale(prev, configured, &dist_abs)?),
        (previous, _) => previous,
    };

    Ok((dist_abs, lock, staging, previous))
}

/// What the earlier build made for the targets this build makes again: each is kept by a
/// step of the commit when its inputs are unchanged, else removed
/// ([`Earlier::remove_replaced`]).
struct Earlier {
    /// Its archives of the rebuilt targets.
    archives: Vec<manifest::Archive>,
    /// Its universal binaries' paths, made again from the darwin binaries.
    universal: Vec<String>,
    /// Its packages of the rebuilt targets.
    packages: Vec<manifest::Package>,
}

impl Earlier {
    /// Step 5: removes an earlier archive, universal binary or package of a rebuilt target
    /// that was neither kept nor rewritten in place: it is not this source's.
    fn remove_replaced(&self, manifest: &Manifest, dist_abs: &Path) {
        let gone = |path: &str, kept: bool| {
            if crate::contained::safe_relative(path) && !kept {
                let _ = std::fs::remove_file(dist_abs.join(path));
            }
        };
        for a in &self.archives {
            gone(&a.path, manifest.archives.iter().any(|x| x.path == a.path));
        }
        for path in &self.universal {
            gone(path, manifest.artifacts.iter().any(|a| &a.path == path));
        }
        for a in &self.packages {
            gone(&a.path, manifest.packages.iter().any(|x| x.path == a.path));
        }
    }
}

/// Step 5: the manifest of this build merged with the earlier one's entries it did not
/// replace, and what the earlier build made for the rebuilt targets ([`Earlier`]). A binary
/// whose build failed is removed: the file of an earlier build is not this source's.
fn merged_manifest(
    plan: &BuildPlan,
    opts: &BuildOptions,
    previous: Option<Manifest>,
    results: &[TargetResult],
    dist_abs: &Path,
    universal_rebuilt: bool,
) -> (Manifest, Earlier) {
    // `replaced` holds targets and file names (a file name holds no `/`).
    let mut replaced = BTreeSet::new();
    let mut built = Vec::new();
    for r in results {
        match &r.outcome {
            TargetOutcome::Built(a) | TargetOutcome::Rejected { artifact: a, .. } => {
                replaced.insert(r.target.to_string());
                replaced.insert(r.name.clone());
                built.push((**a).clone());
            }
            TargetOutcome::Failed(_) => {
                // The binary of an earlier build is not this source's: remove it.
                replaced.insert(r.target.to_string());
                replaced.insert(r.name.clone());
                let _ = std::fs::remove_file(dist_abs.join(&r.name));
            }
            // Never renamed into place: the file of an earlier build, if any, is untouched.
            TargetOutcome::Interrupted => {}
        }
    }
    if universal_rebuilt {
        replaced.insert(universal::TARGET.to_string());
    }
    let earlier = Earlier {
        archives: previous
            .iter()
            .flat_map(|p| &p.archives)
            .filter(|a| replaced.contains(&a.target))
            .cloned()
            .collect(),
        universal: previous
            .iter()
            .flat_map(|p| &p.artifacts)
            .filter(|a| universal_rebuilt && a.target == universal::TARGET)
            .map(|a| a.path.clone())
            .collect(),
        packages: previous
            .iter()
            .flat_map(|p| &p.packages)
            .filter(|a| replaced.contains(&a.target))
            .cloned()
            .collect(),
    };
    let current = Manifest {
        version: opts.stamp.version.clone(),
        go: opts.go.clone(),
        project: plan.project.clone(),
        commit: opts.stamp.commit.clone(),
        date: opts.stamp.date.clone(),
        dirty: opts.stamp.dirty,
        artifacts: built,
        ..Default::default()
    };
    let manifest = merge(previous, current, &replaced, dist_abs);
    (manifest, earlier)
}

/// Step 5: the universal binaries, joined from the darwin binaries the manifest now lists
/// and added to it; returns the universal archive to make, holding those that were joined
/// (`None` when one could not be joined, recorded in `failures`, or none was).
fn join_universal(
    plan: &BuildPlan,
    manifest: &mut Manifest,
    dist_abs: &Path,
    archive: Option<ArchiveJob>,
    failures: &mut Vec<(String, String)>,
) -> Option<ArchiveJob> {
    // The policy of the darwin jobs (one that this build ran).
    let policy = plan
        .jobs
        .iter()
        .find(|j| universal::is_slice(&j.target))
        .map(|j| j.policy.clone())
        .unwrap_or_default();
    let joined: Vec<_> = universal::pairs(manifest)
        .into_iter()
        .map(|pair| universal::join(pair, dist_abs, dist_abs, &policy))
        .collect();
    let mut archive = archive;
    for j in joined {
        match j {
            Ok(a) => manifest.artifacts.push(a),
            Err(e) => {
                failures.push((
                    universal::TARGET.to_string(),
                    format!("the universal binary could not be made: {e}"),
                ));
                archive = None;
            }
        }
    }
    manifest.artifacts.sort_by(|a, b| a.name.cmp(&b.name));
    let mut job = archive?;
    job.binaries.retain(|name| {
        manifest
            .artifacts
            .iter()
            .any(|a| &a.name == name && a.target == universal::TARGET)
    });
    (!job.binaries.is_empty()).then_some(job)
}

/// Step 5: the archives of the targets whose every binary was built, from the manifest, on
/// the build's workers, recorded in plan order; returns the targets (as manifest.json names
/// them) whose archive failed, with why.
fn pack_archives(
    archive_jobs: &[ArchiveJob],
    results: &[TargetResult],
    manifest: &mut Manifest,
    earlier_archives: &[manifest::Archive],
    opts: &BuildOptions,
    dist_abs: &Path,
) -> Vec<(String, String)> {
    let mut archive_failures = Vec::new();
    let ready: Vec<&ArchiveJob> = archive_jobs
        .iter()
        .filter(|job| {
            results
                .iter()
                .filter(|r| r.target.to_string() == job.target)
                .all(|r| matches!(r.outcome, TargetOutcome::Built(_)))
        })
        .collect();
    let packed = archive::pack_all(
        &ready,
        manifest,
        earlier_archives,
        dist_abs,
        &opts.module_dir,
        &opts.stamp.date,
        opts.jobs,
    );
    for (job, packed) in ready.iter().zip(packed) {
        match packed {
            Ok(a) => archive::record(manifest, a),
            Err(e) => archive_failures.push((job.target.clone(), e.to_string())),
        }
    }
    archive_failures
}

/// Step 5: the packages of the linux targets whose binaries all passed, made like archives
/// (an earlier package whose inputs are unchanged is kept) and recorded; returns those that
/// failed, with why.
#[allow(clippy::too_many_arguments)]
fn make_packages(
    package_jobs: &[PackageJob],
    config: &PackagesConfig,
    plan: &BuildPlan,
    results: &[TargetResult],
    manifest: &mut Manifest,
    earlier_packages: &[manifest::Package],
    opts: &BuildOptions,
    dist_abs: &Path,
) -> Vec<(Target, PackageFormat, String)> {
    let ready: Vec<&PackageJob> = package_jobs
        .iter()
        .filter(|job| {
            results
                .iter()
                .filter(|r| r.target == job.target)
                .all(|r| matches!(r.outcome, TargetOutcome::Built(_)))
        })
        .collect();
    let made = package::make_all(
        &ready,
        config,
        config.name_or(&plan.project),
        manifest,
        earlier_packages,
        dist_abs,
        &opts.module_dir,
        &opts.stamp.date,
        opts.jobs,
    );
    let mut failures = Vec::new();
    for (job, made) in ready.iter().zip(made) {
        match made {
            Ok(p) => package::record(manifest, p),
            Err(e) => failures.push((job.target, job.format, e.to_string())),
        }
    }
    failures
}

/// The packages to make of `plan`'s linux targets: one per target and format of
/// `packages` that has an architecture for the target ([`PackageFormat::arch`]), holding every
/// binary of the target.
fn package_jobs(plan: &BuildPlan, packages: Option<&PackagesConfig>) -> Vec<PackageJob> {
    let Some(packages) = packages else {
        return Vec::new();
    };
    plan.jobs
        .iter()
        .filter(|j| j.target.goos() == crate::targets::Goos::Linux)
        .flat_map(|j| {
            packages
                .formats
                .iter()
                .filter(|&&format| format.arch(&j.target).is_some())
                .map(|&format| PackageJob {
                    target: j.target,
                    format,
                    binaries: j.binaries.iter().map(|b| b.output.clone()).collect(),
                })
        })
        .collect()
}

/// Runs the builds (one per job and binary) on `workers` threads, in plan order, each
/// followed by its checks; results in plan order.
fn run_jobs(
    inputs: &[gobuild::JobInput],
    workers: usize,
    checks: &Checks,
    progress: &dyn Progress,
) -> Vec<TargetResult> {
    let mut jobs: Vec<crate::plan::BuildJob> = Vec::new();
    for i in inputs {
        if !jobs.iter().any(|j| j.target == i.job.target) {
            jobs.push(i.job.clone());
        }
    }
    progress.queued(&jobs);
    crate::pool::in_order(inputs, workers, |input| {
        let result = if interrupt::interrupted() {
            TargetResult {
                target: input.job.target,
                binary: input.binary.name.clone(),
                name: input.binary.output.clone(),
                outcome: TargetOutcome::Interrupted,
                command: None,
                log: String::new(),
                duration: Duration::ZERO,
            }
        } else {
            progress.started(&input.job.target, &input.binary.name);
            let mut result = input.run();
            if let TargetOutcome::Built(artifact) = &mut result.outcome
                && let Some(reason) = checks.run(input.job, artifact, input.dist)
            {
                let artifact = std::mem::take(artifact);
                result.outcome = TargetOutcome::Rejected { artifact, reason };
            }
            result
        };
        progress.finished(&result);
        result
    })
}

/// Creates dist/ and checks that a file can be created in it; returns its absolute path.
fn prepare_dist(dist: &Path) -> Result<PathBuf, BuildError> {
    let fail = |reason: String| BuildError::Dist {
        path: dist.to_path_buf(),
        reason,
    };
    if dist.exists() && !dist.is_dir() {
        return Err(fail("it exists and is not a directory".into()));
    }
    std::fs::create_dir_all(dist).map_err(|e| fail(e.to_string()))?;
    let abs = std::path::absolute(dist).map_err(|e| fail(e.to_string()))?;
    tempfile::Builder::new()
        .prefix(crate::dist::TEMP_PREFIX)
        .suffix(crate::dist::TEMP_SUFFIX)
        .tempfile_in(&abs)
        .map_err(|e| fail(e.to_string()))?;
    Ok(abs)
}

/// `--clean`: removes everything in `dist` but its lock (which this build holds). Refuses a
/// dist/ that holds the module (`module_dir` inside it), a `go.mod` or a `.git`: that is a
/// source tree, not a build's output.
fn clean(dist: &Path, module_dir: &Path) -> Result<(), String> {
    let module = std::path::absolute(module_dir).map_err(|e| e.to_string())?;
    if module.starts_with(dist) || dist.join("go.mod").exists() || dist.join(".git").exists() {
        return Err(
            "--clean removes everything in it, and it holds source (the module, a go.mod or a .git): build into a directory of its own".into(),
        );
    }
    let entries = std::fs::read_dir(dist).map_err(|e| e.to_string())?;
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        if entry.file_name() == LOCK_FILE {
            continue;
        }
        let path = entry.path();
        let removed = if entry.file_type().map_err(|e| e.to_string())?.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed.map_err(|e| format!("--clean cannot remove {}: {e}", path.display()))?;
    }
    Ok(())
}

/// `previous` without the entries gocross.yaml no longer configures: binaries whose file
/// name no configured binary has (a target or binary removed from the config, a renamed
/// project), and archives of targets without an archive now or that hold such a binary.
/// When there are any, the manifest and checksums without them are committed first, then
/// their files (binaries, SBOMs, archives) are removed, in the commit order.
fn drop_stale(
    previous: Manifest,
    configured: &Configured,
    dist: &Path,
) -> Result<Manifest, BuildError> {
    let stale = |a: &Artifact| !configured.outputs.contains(&a.name);
    let mut kept = previous.without(stale);
    kept.archives
        .retain(|x| configured.archives.contains(&x.target));
    kept.packages
        .retain(|x| configured.packages.contains(&(x.target.clone(), x.format)));
    if kept == previous {
        return Ok(previous);
    }
    kept.commit(dist)?;
    let files = previous
        .artifacts
        .iter()
        .filter(|a| stale(a))
        .flat_map(|a| std::iter::once(a.path.as_str()).chain(a.sbom.as_deref()))
        .chain(
            previous
                .archives
                .iter()
                .filter(|x| !kept.archives.contains(x))
                .map(|x| x.path.as_str()),
        )
        .chain(
            previous
                .packages
                .iter()
                .filter(|x| !kept.packages.contains(x))
                .map(|x| x.path.as_str()),
        );
    for path in files.filter(|p| crate::contained::safe_relative(p)) {
        let _ = std::fs::remove_file(dist.join(path));
    }
    Ok(kept)
}

/// Step 3: rewrites manifest.json and then checksums.txt without the entries of `previous`
/// for which `rebuilt` is true, when it has any. With no manifest, a checksums.txt left
/// without one is removed (nothing vouches for it).
fn retract(
    previous: Option<&Manifest>,
    rebuilt: &dyn Fn(&Artifact) -> bool,
    dist: &Path,
) -> Result<(), BuildError> {
    match previous {
        Some(prev) if prev.artifacts.iter().any(rebuilt) => {
            Ok(prev.without(rebuilt).commit(dist)?)
        }
        Some(_) => Ok(()),
        None => match std::fs::remove_file(dist.join(dist::CHECKSUMS_FILE)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(BuildError::Manifest(
                DistError::Write {
                    path: dist.join(dist::CHECKSUMS_FILE),
                    cause: e,
                }
                .into(),
            )),
            _ => Ok(()),
        },
    }
}

/// The manifest to write: `current`'s artifacts, plus those of `previous` that belong to the
/// same project and version, were not rebuilt or failed now (`replaced` holds those targets
/// and file names) and whose file is still in `dist`, and likewise `previous`'s archives of
/// the other targets. Sorted by file name.
fn merge(
    previous: Option<Manifest>,
    mut current: Manifest,
    replaced: &BTreeSet<String>,
    dist: &Path,
) -> Manifest {
    if let Some(prev) =
        previous.filter(|p| p.project == current.project && p.version == current.version)
    {
        current
            .artifacts
            .extend(prev.artifacts.into_iter().filter(|a| {
                !replaced.contains(&a.target)
                    && !replaced.contains(&a.name)
                    && dist.join(&a.path).is_file()
            }));
        current.archives.extend(
            prev.archives
                .into_iter()
                .filter(|a| !replaced.contains(&a.target) && dist.join(&a.path).is_file()),
        );
        current.packages.extend(
            prev.packages
                .into_iter()
                .filter(|a| !replaced.contains(&a.target) && dist.join(&a.path).is_file()),
        );
    }
    current.artifacts.sort_by(|a, b| a.name.cmp(&b.name));
    current.archives.sort_by(|a, b| a.name.cmp(&b.name));
    current.packages.sort_by(|a, b| a.name.cmp(&b.name));
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    fn artifact(target: &str, name: &str) -> Artifact {
        Artifact {
            target: target.into(),
            name: name.into(),
            path: name.into(),
            ..Artifact::default()
        }
    }

    #[test]
    fn entries_no_longer_configured_are_retracted_then_removed() {
        let dist = tempfile::tempdir().unwrap();
        for f in [
            "x_linux_amd64",
            "x_linux_386",
            "x_linux_386.cdx.json",
            "x_1_linux_386.tar.gz",
            "x_1_amd64.deb",
            "x-1-1.x86_64.rpm",
        ] {
            std::fs::write(dist.path().join(f), b"x").unwrap();
        }
        // A package of a format still configured, and one of a format no longer configured.
        let package = |name: &str, format: PackageFormat| manifest::Package {
            target: "linux/amd64".into(),
            name: name.into(),
            path: name.into(),
            format,
            size: 0,
            sha256: String::new(),
            binaries: Vec::new(),
            entries: Vec::new(),
            inputs: None,
        };
        let mut gone = artifact("linux/386", "x_linux_386");
        gone.sbom = Some("x_linux_386.cdx.json".into());
        let previous = Manifest {
            project: "x".into(),
            artifacts: vec![artifact("linux/amd64", "x_linux_amd64"), gone],
            archives: vec![manifest::Archive {
                target: "linux/386".into(),
                name: "x_1_linux_386.tar.gz".into(),
                path: "x_1_linux_386.tar.gz".into(),
                ..Default::default()
            }],
            packages: vec![
                package("x-1-1.x86_64.rpm", PackageFormat::Rpm),
                package("x_1_amd64.deb", PackageFormat::Deb),
            ],
            ..Manifest::default()
        };
        let configured = Configured {
            outputs: BTreeSet::from(["x_linux_amd64".to_string()]),
            archives: BTreeSet::new(),
            packages: BTreeSet::from([("linux/amd64".to_string(), PackageFormat::Deb)]),
        };
        let kept = drop_stale(previous, &configured, dist.path()).unwrap();
        assert_eq!(kept.artifacts.len(), 1);
        assert!(kept.archives.is_empty());
        assert_eq!(
            kept.packages,
            [package("x_1_amd64.deb", PackageFormat::Deb)]
        );
        assert_eq!(
            Manifest::read(dist.path()).unwrap(),
            kept,
            "committed first"
        );
        let mut left: Vec<String> = std::fs::read_dir(dist.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "checksums.txt",
                "manifest.json",
                "x_1_amd64.deb",
                "x_linux_amd64"
            ]
        );
    }

    #[test]
    fn merge_keeps_other_targets_of_the_same_version() {
        let dist = tempfile::tempdir().unwrap();
        for f in ["x_linux_amd64", "x_linux_arm64"] {
            std::fs::write(dist.path().join(f), b"bin").unwrap();
        }
        let previous = Manifest {
            version: "1.0.0".into(),
            project: "x".into(),
            artifacts: vec![
                artifact("linux/amd64", "x_linux_amd64"),
                artifact("linux/arm64", "x_linux_arm64"),
                artifact("linux/386", "x_linux_386"), // file gone
                artifact("windows/amd64", "x_windows_amd64.exe"),
            ],
            ..Manifest::default()
        };
        let current = Manifest {
            version: "1.0.0".into(),
            project: "x".into(),
            artifacts: vec![artifact("linux/amd64", "x_linux_amd64")],
            ..Manifest::default()
        };
        let replaced = BTreeSet::from(["linux/amd64".to_string()]);
        let merged = merge(
            Some(previous.clone()),
            current.clone(),
            &replaced,
            dist.path(),
        );
        let names: Vec<&str> = merged.artifacts.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["x_linux_amd64", "x_linux_arm64"]);

        let other_version = Manifest {
            version: "0.9.0".into(),
            ..previous
        };
        let merged = merge(Some(other_version), current, &replaced, dist.path());
        assert_eq!(merged.artifacts.len(), 1, "another version's entries go");
    }
}
