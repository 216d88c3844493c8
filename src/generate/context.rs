//! The workflow context: every value the workflow template prints, decided here from the
//! config and the [`BuildPlan`] so that the template only loops and branches.
//!
//! Decisions made here, one place each:
//! - the jobs: `check` (config, plan and workflow drift, on a bare runner), `build` (one matrix
//!   leg per plan job, times each of `ci.go_versions`; with `test:`, the leg runs the module's
//!   Go tests for its target first), `verify` (the binaries of legs whose runner cannot run
//!   them, on the target's native runner), `attest` (tags; `release.attest`), `checksums`
//!   and `sign` (tags in public repositories; `release.sign`: the joint checksums.txt, then
//!   its cosign keyless bundle, with no gocross where the OIDC token is),
//!   `release` (tags; after check, build, verify and the signature; the only job that gets
//!   the `homebrew:`/`scoop:` tokens), `report` (pull requests, from the
//!   legs' manifest artifacts), and with `image:` `image` (after check,
//!   build and, on a tag, the release) and `sign-image` (`release.attest`), each with the
//!   least permissions it needs;
//! - what a leg installs: its job's [`Requirements`](crate::plan::Requirements), read from
//!   the plan, never listed here;
//! - the Go that builds ([`go_release`]) and `GOTOOLCHAIN=local`, so that it is the Go that
//!   was set up;
//! - artifact names (unique per leg), what each leg uploads and at which compression, how
//!   long artifacts are kept, and the download pattern of the later jobs;
//! - the Go cache key of a leg (restored and saved only where the run is not a tag);
//! - pinned action references ([`super::pins`]) and the gocross action reference
//!   ([`crate::origin`]).

use super::GenerateError;
use super::pins::{self, Pin};
use crate::config::{self, Attest, Config, GoMod, PackagesConfig};
use crate::dist::CHECKSUMS_FILE;
use crate::dist::SIGNATURE_BUNDLE_FILE;
use crate::origin;
use crate::plan::{BuildJob, BuildPlan};
use crate::targets::{GoVersion, runners};
use crate::template::{Placeholder, Template, Values};
use serde::Serialize;
use std::collections::BTreeMap;

/// GitHub runs at most 256 jobs from one matrix.
pub const MAX_MATRIX_LEGS: usize = 256;

/// Prefix of every artifact the build legs upload; the later jobs download `gocross-*`.
pub const ARTIFACT_PREFIX: &str = "gocross-";

/// upload-artifact's default `compression-level` (zlib level 6,
/// <https://github.com/actions/upload-artifact/blob/main/action.yml>).
const DEFAULT_COMPRESSION: u8 = 6;

/// Prefix of each leg's second artifact, its manifest (and test results) alone: the report
/// job downloads `manifest-gocross-*`, never the binaries.
pub const MANIFEST_PREFIX: &str = "manifest-";

/// Days GitHub keeps the legs' artifacts: the later jobs of the run, and a re-run of them,
/// read them within hours; the release keeps what ships (GitHub's default is 90 days,
/// <https://docs.github.com/en/actions/how-tos/manage-workflow-runs/remove-workflow-artifacts>).
pub const ARTIFACT_RETENTION_DAYS: u32 = 7;

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

/// The Go release the workflow sets up, as actions/setup-go takes it: `ci.go_versions`' first
/// entry (the one a tag releases), else `ci.go_version`, else go.mod's `toolchain` directive,
/// else `stable`. go.mod's `go` line is a minimum, never the choice.
pub fn go_release(config: &Config, gomod: Option<&GoMod>) -> String {
    config
        .ci
        .go_versions
        .first()
        .or(config.ci.go_version.as_ref().map(|go| &go.value))
        .cloned()
        .or_else(|| gomod.and_then(|m| m.toolchain.clone()))
        .unwrap_or_else(|| "stable".into())
}

/// The Go version a release string plans for: `1.26.8` → 1.26; `stable` and `oldstable` →
/// the newest release gocross knows.
pub fn planned_go(release: &str) -> GoVersion {
    release.parse().unwrap_or(GoVersion::LATEST_KNOWN)
}

/// The condition `release.attest: auto` adds: attestations (and keyless cosign signatures)
/// only in public repositories. On GitHub Free, Pro and Team, attestations are for public
/// repositories only
/// (https://docs.github.com/en/actions/how-tos/secure-your-work/use-artifact-attestations/use-artifact-attestations),
/// and keyless cosign records the signing identity, the repository's name, in Sigstore's
/// public transparency log.
const PUBLIC_REPOSITORY: &str = "!github.event.repository.private";

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
    /// The Go release of the check job, and of the build legs without a Go axis.
    pub go: String,
    /// The gocross action.
    pub action: ActionRef,
    /// The pinned third-party actions.
    pub pins: Pins,
    /// Runner, timeout and permissions of each job.
    pub jobs: Jobs,
    /// The build job.
    pub build: BuildContext,
    /// The attestation job; `None` when `release.attest` is false or there is no release.
    pub attest: Option<AttestContext>,
    /// The release job; `None` when `release.enabled` is false.
    pub release: Option<ReleaseContext>,
    /// The report job.
    pub report: ReportContext,
    /// The verify job: the binaries of legs built on a runner that cannot run them, run on
    /// their own OS; `None` when every leg verifies its binaries itself.
    pub verify: Option<VerifyContext>,
    /// The image jobs; `None` without `image:` in gocross.yaml.
    pub image: Option<ImageContext>,
}

/// A `uses:` value and the comment written after it.
#[derive(Debug, Clone, Serialize)]
pub struct ActionRef {
    /// The `uses:` value: `owner/repo@<sha>`.
    pub uses: String,
    /// The comment after the reference: the release tag of a pinned action (`v7.0.1`), or
    /// where a configured gocross action pin comes from.
    pub comment: String,
}

impl From<Pin> for ActionRef {
    fn from(pin: Pin) -> Self {
        ActionRef {
            uses: pin.uses(),
            comment: pin.version.to_string(),
        }
    }
}

/// The action in directory `path` of a pinned repository (`actions/cache/restore@<sha>`).
fn sub_action(pin: Pin, path: &str) -> ActionRef {
    ActionRef {
        uses: format!("{}/{path}@{}", pin.action, pin.sha),
        comment: pin.version.to_string(),
    }
}

/// The third-party actions of the workflow.
#[derive(Debug, Clone, Serialize)]
pub struct Pins {
    /// actions/checkout.
    pub checkout: ActionRef,
    /// actions/setup-go.
    pub setup_go: ActionRef,
    /// actions/upload-artifact.
    pub upload_artifact: ActionRef,
    /// actions/download-artifact.
    pub download_artifact: ActionRef,
    /// actions/attest-build-provenance.
    pub attest_build_provenance: ActionRef,
    /// actions/attest.
    pub attest: ActionRef,
    /// sigstore/cosign-installer.
    pub cosign_installer: ActionRef,
    /// actions/cache's restore and save actions: restored before the build, saved after it,
    /// each only where the run is not a tag.
    pub cache_restore: ActionRef,
    /// actions/cache/save.
    pub cache_save: ActionRef,
}

/// The settings every job has.
#[derive(Debug, Clone, Serialize)]
pub struct JobSettings {
    /// The runner label; the build job's legs take theirs from the matrix instead.
    pub runner: &'static str,
    /// The job's `timeout-minutes`.
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
    /// Why the job needs it, written beside it as a comment.
    pub why: &'static str,
}

/// Runner, timeout and permissions of the jobs.
#[derive(Debug, Clone, Serialize)]
pub struct Jobs {
    /// The `check` job (`gocross ci check`).
    pub check: JobSettings,
    /// The build matrix.
    pub build: JobSettings,
    /// The attestation job.
    pub attest: JobSettings,
    /// The release job.
    pub release: JobSettings,
    /// The pull-request report job.
    pub report: JobSettings,
    /// The image job.
    pub image: JobSettings,
    /// The image signing job.
    pub sign_image: JobSettings,
    /// The checksums job of `release.sign`: the legs' joint checksums.txt.
    pub checksums: JobSettings,
    /// The sign job of `release.sign`: `cosign sign-blob` of that checksums.txt.
    pub sign: JobSettings,
    /// The verify job; its legs take their runner from the matrix.
    pub verify: JobSettings,
}

const fn permission(scope: &'static str, access: &'static str, why: &'static str) -> Permission {
    Permission { scope, access, why }
}

const READ_CONTENTS: Permission = permission("contents", "read", "check out the repository");

impl Jobs {
    /// The jobs' settings; `build_timeout` comes from `ci.timeout_minutes`. The jobs that
    /// only run gocross on collected files run on Ubuntu 24.04 on x64.
    fn new(build_timeout: u32, pr_comment: bool) -> Jobs {
        let job = |timeout_minutes, permissions| JobSettings {
            runner: runners::UBUNTU_24_04.label,
            timeout_minutes,
            permissions,
        };
        let mut report = vec![
            READ_CONTENTS,
            permission("checks", "write", "post the results as a check run"),
        ];
        if pr_comment {
            report.push(permission(
                "pull-requests",
                "write",
                "keep the results comment on the pull request",
            ));
        }
        Jobs {
            check: job(10, vec![READ_CONTENTS]),
            build: job(build_timeout, vec![READ_CONTENTS]),
            attest: job(
                10,
                vec![
                    permission("contents", "read", "read the repository (actions/attest)"),
                    permission("id-token", "write", "sign the attestation (Sigstore)"),
                    permission("attestations", "write", "store the attestation"),
                ],
            ),
            release: job(
                20,
                vec![permission(
                    "contents",
                    "write",
                    "create the release and upload its assets",
                )],
            ),
            report: job(10, report),
            verify: job(15, vec![READ_CONTENTS]),
            image: job(
                20,
                vec![
                    READ_CONTENTS,
                    permission("packages", "write", "push the image"),
                ],
            ),
            checksums: job(10, vec![READ_CONTENTS]),
            sign: job(
                10,
                vec![permission(
                    "id-token",
                    "write",
                    "sign checksums.txt keyless (Sigstore)",
                )],
            ),
            sign_image: job(
                10,
                vec![
                    permission(
                        "packages",
                        "write",
                        "push the signature and the attestation",
                    ),
                    permission("id-token", "write", "sign keyless (Sigstore)"),
                    permission("attestations", "write", "store the attestation"),
                    permission(
                        "artifact-metadata",
                        "write",
                        "record where the attestation was pushed (push-to-registry)",
                    ),
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
    /// Go releases of the matrix axis; empty when every leg builds with [`WorkflowContext::go`].
    pub go_versions: Vec<String>,
    /// Some leg installs Debian/Ubuntu packages (the legs carry an `apt` key).
    pub apt: bool,
    /// Some leg installs zig (the legs carry a `zig` key).
    pub zig: bool,
    /// Some leg runs the module's Go tests first (gocross.yaml has `test:`; the legs carry a
    /// `test` key).
    pub test: bool,
    /// The module's dist directory, relative to the repository root.
    pub dist: String,
    /// The key of a leg's Go build and module caches: per target, Go release and runner,
    /// and go.sum's hash; [`BuildContext::cache_restore_key`] without the hash restores the
    /// newest cache of an older go.sum.
    pub cache_key: String,
    /// The prefix of the Go cache key that restores an older cache.
    pub cache_restore_key: String,
    /// Days the legs' artifacts are kept.
    pub retention_days: u32,
    /// Extra environment of every leg (`ci.env`).
    pub env: BTreeMap<String, String>,
    /// Extra steps before and after the build step, as written in gocross.yaml.
    pub steps_before: Vec<serde_json::Value>,
    /// Steps run after the build in each leg.
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
    /// The name of the leg's manifest artifact ([`MANIFEST_PREFIX`] and `artifact`).
    pub manifest: String,
    /// What the leg uploads, one path a line: the dist directory, without (`!`) the bare
    /// binaries only its archive ships.
    pub upload: String,
    /// upload-artifact's `compression-level`: 0 when the artifact holds archives and JSON
    /// only (compressing a compressed file again costs time and saves nothing), else the
    /// action's default.
    pub compression: u8,
    /// Debian/Ubuntu packages to install, space-separated; empty for none.
    pub apt: String,
    /// The PyPI ziglang release to install; empty for none.
    pub zig: String,
    /// The Go release of this leg, when the matrix has a Go axis.
    pub go: Option<String>,
    /// Whether the leg runs `gocross test` for its target before the build.
    pub test: bool,
}

/// The verify job: one leg per build leg whose plan job has a
/// [`verify_runner`](crate::plan::BuildJob::verify_runner). It downloads that leg's artifact
/// and runs `gocross verify` on its binaries: no Go, no module download, no build.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyContext {
    /// One leg per target verified on its own runner.
    pub legs: Vec<VerifyLeg>,
}

/// One leg of the verify job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyLeg {
    /// `darwin/arm64`.
    pub target: String,
    /// The target's native runner label.
    pub runner: String,
    /// The build leg's artifact.
    pub artifact: String,
    /// The binaries, relative to the module root (`dist/hello_darwin_arm64`), space-separated.
    pub files: String,
    /// The Go release of the build leg, when the matrix has a Go axis.
    pub go: Option<String>,
}

/// The attestation job.
#[derive(Debug, Clone, Serialize)]
pub struct AttestContext {
    /// The job's `if:` condition.
    pub condition: String,
    /// The files attested: one glob per binary, relative to the repository root
    /// (`dist/**/hello_linux_amd64`), matching both download layouts.
    pub subjects: String,
}

/// The release job.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseContext {
    /// The artifacts it downloads (`gocross-*`, or the first Go release's legs).
    pub pattern: String,
    /// The jobs it needs.
    pub needs: Vec<&'static str>,
    /// The job's `if:` condition.
    pub condition: String,
    /// The signature of checksums.txt (`release.sign`); `None` without it.
    pub sign: Option<SignChecksumsContext>,
    /// The tokens of the tap and bucket repositories (`homebrew:`, `scoop:`), passed to the
    /// publish step only, each from the repository secret of its name; sorted, each once.
    pub secrets: Vec<SecretEnv>,
}

/// One variable of a step's `env:` set from a repository secret.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct SecretEnv {
    /// The variable's name, also the secret's (`HOMEBREW_TAP_GITHUB_TOKEN`).
    pub name: String,
    /// `${{ secrets.NAME }}`.
    pub value: String,
}

/// The two jobs of `release.sign`, between the legs and the release: `checksums` runs
/// `gocross release --prepare` (the joint checksums.txt of every leg, checked like a
/// release, no request to GitHub) and uploads it; `sign` signs it with cosign keyless, with
/// the one OIDC token of the run and no gocross code, and uploads it with its bundle, which
/// the release job downloads into dist/ so that `gocross release` publishes all or nothing.
#[derive(Debug, Clone, Serialize)]
pub struct SignChecksumsContext {
    /// The `if:` condition of both jobs: tags, in public repositories (Sigstore's
    /// transparency log is public).
    pub condition: String,
    /// The jobs the checksums job needs: `check`, `build`, and `verify` when there is one.
    pub needs: Vec<&'static str>,
    /// The artifact of the checksums job (checksums.txt).
    pub unsigned: &'static str,
    /// The artifact of the sign job (checksums.txt and its bundle).
    pub signed: &'static str,
    /// The sign step's command, run in the dist directory.
    pub command: String,
    /// What the checksums job uploads (checksums.txt), relative to the repository root.
    pub unsigned_path: String,
    /// What the sign job uploads: checksums.txt and the bundle, one path a line.
    pub signed_paths: String,
}

/// The container image jobs: `image` builds and pushes it with gocross; `sign_image` signs
/// the pushed index keyless with cosign and attests it, with the job's OIDC token, where
/// gocross never runs.
#[derive(Debug, Clone, Serialize)]
pub struct ImageContext {
    /// The image job's `if:` condition: tag pushes, and pushes to the default branch with
    /// `image.push_branch`; only after the check job and every leg passed, and on a tag only
    /// after the release job published (as the release waits for check and build).
    pub condition: String,
    /// The jobs the image job needs: `check`, `build`, and `release` when there is one.
    pub needs: Vec<&'static str>,
    /// The signing job; `None` when `release.attest` is false.
    pub sign: Option<SignContext>,
    /// The registry host of `image.repository` (`ghcr.io`).
    pub registry: String,
    /// The registry is ghcr.io: the job's own token logs in; elsewhere the repository
    /// secrets GOCROSS_REGISTRY_USERNAME and GOCROSS_REGISTRY_PASSWORD.
    pub ghcr: bool,
    /// The artifacts it downloads: the legs a tag releases.
    pub pattern: String,
}

/// The job that signs and attests the pushed image.
#[derive(Debug, Clone, Serialize)]
pub struct SignContext {
    /// Its `if:` condition beyond the image job's success: public repositories only with
    /// `release.attest: auto` (as the binaries' attest job); `None` with `attest: true`.
    pub condition: Option<&'static str>,
}

/// The pull-request report job.
#[derive(Debug, Clone, Serialize)]
pub struct ReportContext {
    /// The artifacts it downloads: the manifest artifact of every leg of every Go release.
    pub pattern: String,
    /// Extra arguments of `gocross report` (`--comment`).
    pub args: String,
}

impl WorkflowContext {
    /// Builds the context from a validated config, its plan for
    /// [`crate::plan::Host::Runners`], and the Go release the workflow sets up
    /// ([`go_release`]).
    ///
    /// Errors: a job whose C toolchain is missing even on a runner (the hint says what to
    /// change in gocross.yaml), more than [`MAX_MATRIX_LEGS`] legs, or no gocross action
    /// reference (`ci.action` unset and this binary does not know its commit).
    pub fn new(
        config: &Config,
        plan: &BuildPlan,
        layout: &Layout,
        go: &str,
    ) -> Result<WorkflowContext, GenerateError> {
        let go_versions = config.ci.go_versions.clone();
        let go_versions_axis = !go_versions.is_empty();
        let axis: Vec<Option<&String>> = if go_versions.is_empty() {
            vec![None]
        } else {
            go_versions.iter().map(Some).collect()
        };
        let dist = layout.in_module(crate::dist::DIST_DIR);
        let mut legs = Vec::new();
        let mut verify_legs = Vec::new();
        for job in &plan.jobs {
            if let Some(hint) = job.missing_toolchain() {
                return Err(GenerateError::Toolchain {
                    target: job.target.to_string(),
                    hint: hint.to_string(),
                });
            }
            // A binary that only its archive ships stays out of the artifact, unless a
            // verify leg or the image job needs it; what is left is compressed already.
            let bare = job.archive.as_ref().is_none_or(|a| a.binaries_released)
                || job.verify_runner.is_some()
                || config.image.is_some();
            let (upload, compression) = if bare {
                (dist.clone(), DEFAULT_COMPRESSION)
            } else {
                let excluded: String = job
                    .binaries
                    .iter()
                    .map(|b| format!("!{dist}/{}\n", b.output))
                    .collect();
                (format!("{dist}\n{excluded}"), 0)
            };
            for go in &axis {
                let mut leg = leg(&plan.project, job, go.map(String::as_str));
                leg.upload = upload.clone();
                leg.compression = compression;
                leg.test = config.test.is_some() && job.test.skip.is_none() && job.test.selected;
                if let Some(runner) = &job.verify_runner {
                    verify_legs.push(VerifyLeg {
                        target: leg.target.clone(),
                        runner: runner.label.clone(),
                        artifact: leg.artifact.clone(),
                        files: job
                            .binaries
                            .iter()
                            .map(|b| format!("{}/{}", crate::dist::DIST_DIR, b.output))
                            .collect::<Vec<_>>()
                            .join(" "),
                        go: leg.go.clone(),
                    });
                }
                legs.push(leg);
            }
        }
        if legs.len() > MAX_MATRIX_LEGS {
            return Err(GenerateError::TooManyLegs { legs: legs.len() });
        }
        let action = match &config.ci.action {
            Some(uses) => ActionRef {
                uses: uses.clone(),
                comment: "pinned by ci.action in gocross.yaml".into(),
            },
            None => ActionRef {
                uses: origin::pinned_action().map_err(GenerateError::Action)?,
                comment: format!("v{}", origin::VERSION),
            },
        };
        let release_pattern = match go_versions.first() {
            Some(go) => format!("{ARTIFACT_PREFIX}go{go}-*"),
            None => format!("{ARTIFACT_PREFIX}*"),
        };
        let release = config.release.enabled;
        let attest = (release && config.release.attest != Attest::Never).then(|| AttestContext {
            condition: match config.release.attest {
                Attest::Auto => format!("github.ref_type == 'tag' && {PUBLIC_REPOSITORY}"),
                _ => "github.ref_type == 'tag'".into(),
            },
            subjects: plan
                .jobs
                .iter()
                .flat_map(|j| {
                    release_globs(&plan.project, config.packages.as_ref().map(|p| &p.value), j)
                })
                .map(|glob| format!("{dist}/**/{glob}\n"))
                .collect(),
        });
        let verify = (!verify_legs.is_empty()).then_some(VerifyContext { legs: verify_legs });
        let release = release.then(|| {
            let mut needs = vec!["check", "build"];
            let mut gates = vec![
                "needs.check.result == 'success'",
                "needs.build.result == 'success'",
            ];
            if verify.is_some() {
                needs.push("verify");
                gates.push("needs.verify.result == 'success'");
            }
            let sign = config.release.signs().then(|| SignChecksumsContext {
                condition: format!("github.ref_type == 'tag' && {PUBLIC_REPOSITORY}"),
                needs: needs.clone(),
                unsigned: "checksums",
                signed: "signed-checksums",
                command: crate::dist::sign_checksums_command(),
                unsigned_path: format!("{dist}/{CHECKSUMS_FILE}"),
                signed_paths: format!("{dist}/{CHECKSUMS_FILE}\n{dist}/{SIGNATURE_BUNDLE_FILE}\n"),
            });
            if attest.is_some() {
                // The attestation job is skipped on private repositories with `attest:
                // auto`; the release still runs then, and never after a failed or
                // cancelled one.
                needs.push("attest");
                gates.push("(needs.attest.result == 'success' || needs.attest.result == 'skipped')");
            }
            if sign.is_some() {
                // Both jobs are skipped in private repositories; in a public one the release
                // waits for the signature and never publishes without it.
                needs.extend(["checksums", "sign"]);
                gates.push("(needs.sign.result == 'success' || (needs.checksums.result == 'skipped' && needs.sign.result == 'skipped'))");
            }
            let secrets = [config.homebrew_token_env(), config.scoop_token_env()]
            .into_iter()
            .flatten()
            .map(|name| SecretEnv {
                name: name.to_string(),
                value: format!("${{{{ secrets.{name} }}}}"),
            })
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
            ReleaseContext {
                pattern: release_pattern.clone(),
                needs,
                condition: if attest.is_some() || sign.is_some() {
                    format!(
                        "${{{{ !cancelled() && github.ref_type == 'tag' && {} }}}}",
                        gates.join(" && ")
                    )
                } else {
                    "github.ref_type == 'tag'".into()
                },
                sign,
                secrets,
            }
        });
        let image = image_context(config, &release_pattern, release.is_some())?;
        Ok(WorkflowContext {
            generator: format!("gocross {}", origin::VERSION),
            gocross_version: origin::VERSION.to_string(),
            name: "gocross".into(),
            branches: config.ci.branches.clone(),
            tags: config.ci.tags.clone(),
            working_directory: layout.working_directory.clone(),
            config: layout.config.clone(),
            go: go.to_string(),
            action,
            pins: Pins {
                checkout: pins::CHECKOUT.into(),
                setup_go: pins::SETUP_GO.into(),
                upload_artifact: pins::UPLOAD_ARTIFACT.into(),
                download_artifact: pins::DOWNLOAD_ARTIFACT.into(),
                attest_build_provenance: pins::ATTEST_BUILD_PROVENANCE.into(),
                attest: pins::ATTEST.into(),
                cosign_installer: pins::COSIGN_INSTALLER.into(),
                cache_restore: sub_action(pins::CACHE, "restore"),
                cache_save: sub_action(pins::CACHE, "save"),
            },
            jobs: Jobs::new(config.ci.timeout_minutes, config.ci.pr_comment),
            build: BuildContext {
                apt: legs.iter().any(|l| !l.apt.is_empty()),
                zig: legs.iter().any(|l| !l.zig.is_empty()),
                test: legs.iter().any(|l| l.test),
                legs,
                go_versions,
                cache_restore_key: cache_prefix(go_versions_axis, go),
                cache_key: format!(
                    "{}${{{{ hashFiles('{}') }}}}",
                    cache_prefix(go_versions_axis, go),
                    layout.in_module("go.sum").replace('\'', "''")
                ),
                retention_days: ARTIFACT_RETENTION_DAYS,
                dist,
                env: config.ci.env.clone(),
                steps_before: config.ci.steps_before_build.clone(),
                steps_after: config.ci.steps_after_build.clone(),
            },
            attest,
            release,
            image,
            verify,
            report: ReportContext {
                pattern: format!("{MANIFEST_PREFIX}{ARTIFACT_PREFIX}*"),
                args: if config.ci.pr_comment {
                    "--comment".into()
                } else {
                    String::new()
                },
            },
        })
    }
}

/// The start of a leg's Go cache key: `gocross-go-<target>-<Go release>-<runner OS>-<arch>-`,
/// the Go release from the matrix when it has a Go axis (`axis`), else `go`.
fn cache_prefix(axis: bool, go: &str) -> String {
    let go = if axis { "${{ matrix.go }}" } else { go };
    format!("gocross-go-${{{{ matrix.target }}}}-{go}-${{{{ runner.os }}}}-${{{{ runner.arch }}}}-")
}

/// The image jobs of `image:`, when there is one; `release`: the workflow has a release job.
///
/// Errors: `image.repository` is unset or names no registry host.
fn image_context(
    config: &Config,
    pattern: &str,
    release: bool,
) -> Result<Option<ImageContext>, GenerateError> {
    let Some(image) = config.image.as_ref().map(|image| &image.value) else {
        return Ok(None);
    };
    let repository = image.repository.as_deref().unwrap_or_default();
    let host = repository.split('/').next().unwrap_or_default();
    if !repository.contains('/')
        || !(host.contains('.') || host.contains(':'))
        || host.contains("{{")
    {
        return Err(GenerateError::Image(format!(
            "the workflow pushes the image to `image.repository`, which must name its registry host: write e.g. `ghcr.io/OWNER/NAME` (now `{repository}`)"
        )));
    }
    let push = if image.push_branch {
        "github.event_name == 'push' && (github.ref_type == 'tag' || github.ref == format('refs/heads/{0}', github.event.repository.default_branch))"
    } else {
        "github.event_name == 'push' && github.ref_type == 'tag'"
    };
    let (needs, condition) = if release {
        // The release job runs on tags only: a branch push finds it skipped, a tag waits for
        // it to publish. `!cancelled()` lets a skipped release through on branches; the
        // results of check and build are then asked for explicitly.
        (
            vec!["check", "build", "release"],
            format!(
                "${{{{ !cancelled() && {push} && needs.check.result == 'success' && needs.build.result == 'success' && (github.ref_type != 'tag' || needs.release.result == 'success') }}}}"
            ),
        )
    } else {
        // Without `!cancelled()` and the like, GitHub runs the job only when every job it
        // needs succeeded.
        (vec!["check", "build"], push.to_string())
    };
    let sign = match config.release.attest {
        Attest::Never => None,
        Attest::Auto => Some(SignContext {
            condition: Some(PUBLIC_REPOSITORY),
        }),
        Attest::Always => Some(SignContext { condition: None }),
    };
    Ok(Some(ImageContext {
        condition,
        needs,
        sign,
        pattern: pattern.to_string(),
        registry: host.to_string(),
        ghcr: host == "ghcr.io",
    }))
}

/// The files of a job that a tag releases, as globs: its Linux packages, its archive (the
/// build's values, such as the version, as `*`), and its bare binaries unless only the
/// archive ships them.
fn release_globs(project: &str, packages: Option<&PackagesConfig>, job: &BuildJob) -> Vec<String> {
    let mut globs = Vec::new();
    if let Some(p) = packages {
        let name = p.name_or(project);
        globs.extend(
            p.formats
                .iter()
                .filter_map(|&format| crate::package::file_glob(format, name, &job.target)),
        );
    }
    if let Some(a) = &job.archive {
        let values = Values {
            version: "",
            tag: "",
            commit: "",
            date: "",
            project,
            binary: None,
            target: Some(&job.target),
        };
        match Template::parse(&a.name, Placeholder::ARCHIVE_NAME) {
            Ok(t) => globs.push(format!("{}{}", t.glob(&values), a.format.extension())),
            Err(_) => globs.push(format!("*{}", a.format.extension())),
        }
    }
    if job.archive.as_ref().is_none_or(|a| a.binaries_released) {
        globs.extend(job.binaries.iter().map(|b| b.output.clone()));
    }
    globs
}

/// The matrix leg of one job (and Go release): the plan's runner and requirements; the
/// artifact is named after the project and the target (`gocross-hello_linux_arm_7`).
fn leg(project: &str, job: &BuildJob, go: Option<&str>) -> Leg {
    let output = crate::plan::output_name(project, &job.target);
    let stem = output
        .strip_suffix(job.target.goos().exe_suffix())
        .unwrap_or(&output);
    let artifact = match go {
        Some(go) => format!("{ARTIFACT_PREFIX}go{go}-{stem}"),
        None => format!("{ARTIFACT_PREFIX}{stem}"),
    };
    Leg {
        target: job.target.to_string(),
        runner: job.runner.label.clone(),
        verify: job.verify.method.name().to_string(),
        manifest: format!("{MANIFEST_PREFIX}{artifact}"),
        artifact,
        upload: String::new(),
        compression: DEFAULT_COMPRESSION,
        apt: job.requirements.packages.join(" "),
        zig: job.requirements.zig.unwrap_or_default().to_string(),
        go: go.map(String::from),
        test: false,
    }
}
