//! `gocross.yaml`: its schema, defaults and validation, and which file a command reads.
//!
//! The file sits at the Go module root. Parsing uses serde-saphyr (a maintained serde YAML
//! crate); every struct rejects unknown keys, and every error, from the parser or from a rule
//! (`validate.rs`, with the `ci:`, `test:` and `image:` sections' own rules next to them), is
//! a [`ConfigError`] that names the file, line, column and key, and says what to write
//! instead. [`Config::parse`] fills the defaults that need the module (the project name from
//! go.mod); [`load`] and [`load_optional`] find the file a command reads and say what its
//! absence means.

mod binaries_and_archives;
mod channels;
mod ci;
mod error;
mod exit_codes;
mod gomod;
mod gotest;
pub mod image;
mod load;
mod validate;

pub use binaries_and_archives::{
    ArchiveFormat, ArchivesConfig, BinaryConfig, DEFAULT_ARCHIVE_FILES, DEFAULT_ARCHIVE_NAME,
};
pub use channels::{
    ChannelRepository, DEFAULT_HOMEBREW_TOKEN_ENV, DEFAULT_SCOOP_TOKEN_ENV, PackageFile,
    PackageFormat, PackagesConfig, TargetsAllow, UNIVERSAL_SLICES, is_content_dst, is_content_src,
    is_maintainer, is_package_name, is_repository, packages_any, parse_mode, suggest_package_name,
};
pub use ci::{MAX_TIMEOUT_MINUTES, STEP_KEYS, is_pinned};
pub use error::ConfigError;
pub use exit_codes::ExitCodes;
pub use gomod::GoMod;
pub use gotest::{DEFAULT_TEST_TIMEOUT, TestConfig, refused_flag};
pub use image::ImageConfig;
pub use load::{file_path, load, load_optional, load_or_default};
pub use validate::{
    MAX_TIMEOUT_SECONDS, build_env_value, expect_regex, owned_flag, timeout_seconds,
};

use crate::targets::{self, GoVersion, Target, Version};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The config file's name, at the Go module root.
pub const FILE_NAME: &str = "gocross.yaml";

/// The workflow file `gocross ci` writes, relative to the repository root.
pub const DEFAULT_WORKFLOW: &str = ".github/workflows/gocross.yml";

/// The targets built when `targets:` is absent: the first-class ports a Go CLI usually ships
/// for, plus windows/arm64, with 32-bit ARM pinned to ARMv7.
pub const DEFAULT_TARGETS: &[&str] = &[
    "linux/amd64",
    "linux/arm64",
    "linux/arm/7",
    "linux/386",
    "darwin/amd64",
    "darwin/arm64",
    "windows/amd64",
    "windows/arm64",
];

/// Environment variables the plan derives from the target, `cgo` and `cc`; `env:` may not set
/// them: GOOS, GOARCH, every sub-architecture variable of [`targets::ARCHES`] (GOARM,
/// GOAMD64, ...), CGO_ENABLED, CC and CXX.
pub static PLAN_OWNED_ENV: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| {
        let mut vars = vec!["GOOS", "GOARCH"];
        for var in targets::ARCHES.iter().filter_map(|a| a.variant_var) {
            if !vars.contains(&var) {
                vars.push(var);
            }
        }
        vars.extend(["CGO_ENABLED", "CC", "CXX"]);
        vars
    });

/// The whole of `gocross.yaml`. Field docs are the reference (they also become the JSON
/// Schema's descriptions, printed by `gocross schema`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = validate::require_version)]
pub struct Config {
    /// Schema version; must be 1 (a missing `version` is an error of its own, read as 0).
    #[serde(default, deserialize_with = "validate::version")]
    pub version: u32,
    /// Base name of the binaries. Default: the last element of `main` when it is not `.`,
    /// else of the module path in go.mod (a `/vN` suffix skipped), as `go build` names it.
    #[serde(default, deserialize_with = "validate::project")]
    pub project: String,
    /// The main package to build, relative to the module root. Default `.`. With
    /// `binaries`, each binary names its own.
    #[serde(default = "default_main", deserialize_with = "validate::main_package")]
    pub main: String,
    /// The module's commands, when it ships more than one: every target builds each of them.
    /// Default: one binary named `project`, built from `main`.
    #[serde(default)]
    pub binaries: Vec<BinaryConfig>,
    /// Targets (`linux/arm64`, `linux/arm/7`) and groups (`first-class`, `all`, a GOOS such
    /// as `linux`). Default: linux/amd64, linux/arm64, linux/arm/7, linux/386, darwin/amd64,
    /// darwin/arm64, windows/amd64, windows/arm64.
    #[serde(default, deserialize_with = "validate::optional_target_lists")]
    #[schemars(with = "Option<Vec<String>>")]
    pub targets: Option<Vec<Spanned<TargetList>>>,
    /// Build with cgo (CGO_ENABLED=1) and a C toolchain for each target. Default false.
    #[serde(default)]
    pub cgo: bool,
    /// Link Linux, FreeBSD and NetBSD binaries statically (no PT_INTERP, no DT_NEEDED); adds
    /// the `netgo,osusergo` tags, and for cgo links against musl. Default true.
    #[serde(default = "yes", rename = "static")]
    pub static_link: bool,
    /// The glibc floor of dynamic cgo Linux builds, e.g. "2.17": the binary requires no
    /// GLIBC_x.y symbol version above it (zig links against that glibc's stubs).
    #[serde(default, deserialize_with = "validate::glibc")]
    pub glibc: Option<GlibcVersion>,
    /// `-ldflags`, with placeholders (`{{version}}`, `{{tag}}`, `{{commit}}`,
    /// `{{short_commit}}`, `{{date}}`, `{{project}}`, `{{binary}}`, `{{goos}}`, `{{goarch}}`,
    /// `{{variant}}`, `{{env.NAME}}`) filled at build time. Default `-s -w`.
    #[serde(
        default = "default_ldflags",
        deserialize_with = "binaries_and_archives::ldflags"
    )]
    #[schemars(with = "binaries_and_archives::Ldflags")]
    pub ldflags: String,
    /// Extra `go build` flags. Default `[-trimpath]`. The flags gocross sets itself (`-o`,
    /// `-C`) or that would run or swap in anything outside the planned build (`-toolexec`,
    /// `-exec`, `-overlay`) are refused.
    #[serde(
        default = "default_flags",
        deserialize_with = "validate::go_build_flags"
    )]
    pub flags: Vec<String>,
    /// Build tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Extra environment for `go build` (e.g. GOEXPERIMENT, GOFLAGS). GOFLAGS holds none of
    /// the flags `flags` refuses; GOROOT is refused and GOENV may only be `off`.
    #[serde(default, deserialize_with = "validate::build_env")]
    pub env: BTreeMap<String, String>,
    /// Pack binaries with UPX after the build, for the targets UPX supports (Linux amd64,
    /// 386, arm64, arm; Windows amd64, 386; others are left as built). Default false.
    #[serde(default)]
    pub upx: bool,
    /// Settings for some targets only, applied in order after the top-level ones.
    #[serde(default)]
    pub overrides: Vec<Override>,
    /// Run each binary on its target after the build (natively, QEMU user mode, wine).
    #[serde(default)]
    pub verify: Option<VerifyConfig>,
    /// Run the module's Go tests on each target (`gocross test`); with this section the
    /// generated workflow runs them in every build leg before the build.
    #[serde(default)]
    pub test: Option<TestConfig>,
    /// One archive per target holding its binaries and `files`, released instead of the bare
    /// binaries. Absent: no archives.
    #[serde(default)]
    #[schemars(with = "Option<ArchivesConfig>")]
    pub archives: Option<Spanned<ArchivesConfig>>,
    /// Policy every binary must meet.
    #[serde(default)]
    pub audit: AuditConfig,
    /// GitHub release settings.
    #[serde(default)]
    pub release: ReleaseConfig,
    /// Generated workflow settings.
    #[serde(default)]
    pub ci: CiConfig,
    /// The multi-arch container image of the Linux binaries (`gocross image`). Absent: no
    /// image.
    #[serde(default)]
    #[schemars(with = "Option<ImageConfig>")]
    pub image: Option<Spanned<ImageConfig>>,
    /// Linux packages (deb, rpm, apk) of every linux target's binaries, written into dist/
    /// and released with the archives. Absent: no packages.
    #[serde(default)]
    #[schemars(with = "Option<PackagesConfig>")]
    pub packages: Option<Spanned<PackagesConfig>>,
    /// Also join each command's darwin/amd64 and darwin/arm64 binaries into one Mach-O
    /// universal binary, audited and archived like a target. Default false.
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub universal_binaries: Option<Spanned<bool>>,
    /// A Homebrew formula of the release, pushed to a tap repository on a tag release.
    /// Absent: none.
    #[serde(default)]
    #[schemars(with = "Option<ChannelRepository>")]
    pub homebrew: Option<Spanned<ChannelRepository>>,
    /// A Scoop manifest of the release's windows binaries, pushed to a bucket repository on a
    /// tag release. Absent: none.
    #[serde(default)]
    #[schemars(with = "Option<ChannelRepository>")]
    pub scoop: Option<Spanned<ChannelRepository>>,
}

/// Settings applied to the targets named in `targets` (a target without a variant also
/// matches the configured targets with one: `linux/arm` matches `linux/arm/7`). Unset keys
/// keep the values from above; `env` is merged.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// Targets or groups this override applies to.
    #[serde(deserialize_with = "validate::target_lists")]
    #[schemars(with = "Vec<String>")]
    pub targets: Vec<Spanned<TargetList>>,
    /// `cgo:` for these targets.
    pub cgo: Option<bool>,
    /// C toolchain: `zig`, `gnu` (Debian cross gcc), `musl` (musl-gcc), `mingw`, or a command.
    pub cc: Option<CcSpec>,
    /// `static:` for these targets.
    #[serde(rename = "static")]
    pub static_link: Option<bool>,
    /// `glibc:`, the glibc floor for these targets.
    #[serde(default, deserialize_with = "validate::glibc")]
    pub glibc: Option<GlibcVersion>,
    /// `ldflags:` replacing the top-level ones.
    #[serde(default, deserialize_with = "binaries_and_archives::optional_ldflags")]
    #[schemars(with = "Option<binaries_and_archives::Ldflags>")]
    pub ldflags: Option<String>,
    /// `tags:` replacing the top-level ones.
    pub tags: Option<Vec<String>>,
    /// `env:` added to the top-level environment.
    #[serde(default, deserialize_with = "validate::build_env")]
    pub env: BTreeMap<String, String>,
    /// `upx:` for these targets.
    pub upx: Option<bool>,
    /// GitHub runner label for these targets (wins over `ci.runners`).
    #[serde(default, deserialize_with = "ci::runner")]
    pub runner: Option<String>,
    /// The archive format of these targets (`archives.format` for the others).
    pub archive_format: Option<ArchiveFormat>,
    /// The archive name of these targets without its extension (`archives.name` for the
    /// others), with the same placeholders: a project whose release names some targets
    /// unlike the others (`croc_{{version}}_Linux-64bit`).
    #[serde(
        default,
        deserialize_with = "binaries_and_archives::optional_archive_name"
    )]
    #[schemars(with = "Option<String>")]
    pub archive_name: Option<Spanned<String>>,
    /// Verification settings for these targets, replacing the top-level ones.
    pub verify: Option<VerifyConfig>,
    /// `false`: `gocross test` does not run these targets' tests (reported as not run).
    pub test: Option<bool>,
    /// `go test` flags for these targets, after `test.args` (`[-short]` for the emulated
    /// ones, `[-run, '^TestFast']`).
    #[serde(default, deserialize_with = "gotest::optional_go_test_flags")]
    pub test_args: Option<Vec<String>>,
    /// `false`: a local `gocross build` leaves these targets out (they build in the
    /// workflow, on their runner, or with `--target`): cgo darwin and ios targets, which
    /// need Apple's toolchain. Default true.
    pub local: Option<bool>,
}

/// How to run a binary to verify it.
#[derive(Debug, Clone, Deserialize, serde::Serialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct VerifyConfig {
    /// Arguments. Default `[--version]`.
    #[serde(default = "default_verify_args")]
    pub args: Vec<String>,
    /// Regular expression that stdout must match (Rust's `regex` syntax).
    #[serde(default, deserialize_with = "validate::expect")]
    pub expect: Option<String>,
    /// Expected exit code, or a list of the codes that pass (`[0, 2]`). Default 0.
    #[serde(default)]
    pub exit_code: ExitCodes,
    /// Seconds before the run is killed and counted as failed. Default 60.
    #[serde(default = "default_timeout", deserialize_with = "validate::seconds")]
    pub timeout: u64,
    /// Sysroot for QEMU user mode (`-L`), for dynamic binaries. Default: the cross
    /// toolchain's (e.g. /usr/aarch64-linux-gnu).
    #[serde(default)]
    pub sysroot: Option<String>,
    /// Do not run these binaries, for the reason given (reported as `not run`).
    #[serde(default)]
    pub skip: Option<String>,
    /// Whether a binary that cannot be run here (`not run`) still lets the build succeed.
    /// Default true; `not run` is never counted as verified either way.
    #[serde(default = "yes")]
    pub allow_not_run: bool,
    /// Environment of the binary, besides PATH, HOME, TMPDIR and the locale, which are all
    /// it gets from the caller.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "validate::run_env"
    )]
    pub env: BTreeMap<String, String>,
}

impl Default for VerifyConfig {
    fn default() -> Self {
        VerifyConfig {
            args: default_verify_args(),
            expect: None,
            exit_code: ExitCodes::default(),
            timeout: default_timeout(),
            sysroot: None,
            skip: None,
            allow_not_run: true,
            env: BTreeMap::new(),
        }
    }
}

/// Policy checked on every binary by the audit.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditConfig {
    /// Require static linking (no PT_INTERP, no DT_NEEDED). Default: the top-level `static`,
    /// for the GOOS values that link statically.
    #[serde(default, rename = "static")]
    pub static_link: Option<bool>,
    /// Highest GLIBC_x.y symbol version a binary may require.
    #[serde(default, deserialize_with = "validate::glibc")]
    pub max_glibc: Option<GlibcVersion>,
    /// When set, the only shared libraries (DT_NEEDED, DLL imports, dylibs) allowed.
    #[serde(default)]
    pub allowed_libs: Option<Vec<String>>,
    /// Shared libraries that must not be linked.
    #[serde(default)]
    pub forbidden_libs: Vec<String>,
    /// Require binaries without a symbol table.
    #[serde(default)]
    pub stripped: Option<bool>,
    /// The oldest Go release allowed to have built a binary, e.g. "1.24" (from its build
    /// info).
    #[serde(default, deserialize_with = "validate::go_version")]
    #[schemars(with = "Option<String>")]
    pub min_go: Option<GoVersion>,
    /// Require cgo on (true) or off (false), as the build info's CGO_ENABLED records it.
    #[serde(default)]
    pub cgo: Option<bool>,
}

/// GitHub release settings.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleaseConfig {
    /// Publish a GitHub release when a tag matching `ci.tags` is pushed. Default true; with
    /// false the generated workflow has no release job (tag pushes still build, audit and
    /// verify every target).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Publish checksums.txt. Default true.
    #[serde(default = "yes")]
    pub checksums: bool,
    /// Also upload the bare binaries. Default: true for the targets without an archive
    /// (no `archives:`, or `format: binary`), false for those with one.
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub binaries: Option<Spanned<bool>>,
    /// Ask GitHub to write the release notes (the changes since the previous tag); the
    /// table of targets follows them, then `--notes FILE`. Default false.
    #[serde(default)]
    pub generate_notes: bool,
    /// Leave the release as a draft. Default false.
    #[serde(default)]
    pub draft: bool,
    /// Write and publish a CycloneDX SBOM per binary. Default false.
    #[serde(default)]
    pub sbom: bool,
    /// Attest the build provenance of the released binaries (actions/attest-build-provenance,
    /// in a job of its own): `auto` (the default) attests in public repositories only, since
    /// attestations in private and internal ones need GitHub Enterprise Cloud; `true` always;
    /// `false` never.
    #[serde(default)]
    pub attest: Attest,
    /// Sign checksums.txt with cosign keyless (`cosign sign-blob --bundle`) in a job of the
    /// generated workflow, and release the bundle (`checksums.txt.sigstore.json`). Signing
    /// writes to Sigstore's public transparency log, so, as `attest: auto`, it is done in
    /// public repositories only. Default false.
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub sign: Option<Spanned<bool>>,
}

impl ReleaseConfig {
    /// `sign: true`.
    pub fn signs(&self) -> bool {
        self.sign.as_ref().is_some_and(|s| s.value)
    }
}

impl Default for ReleaseConfig {
    fn default() -> Self {
        ReleaseConfig {
            enabled: true,
            checksums: true,
            binaries: None,
            generate_notes: false,
            draft: false,
            sbom: false,
            attest: Attest::Auto,
            sign: None,
        }
    }
}

/// When the release job's binaries get a build provenance attestation: gocross.yaml writes
/// `auto`, `true` or `false`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Attest {
    /// In public repositories (`github.event.repository.private` is false).
    #[default]
    Auto,
    /// `true`.
    Always,
    /// `false`.
    Never,
}

impl JsonSchema for Attest {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Attest".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"oneOf": [{"type": "boolean"}, {"const": "auto"}]})
    }
}

impl<'de> Deserialize<'de> for Attest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Bool(bool),
            Word(String),
        }
        match Raw::deserialize(d)? {
            Raw::Bool(true) => Ok(Attest::Always),
            Raw::Bool(false) => Ok(Attest::Never),
            Raw::Word(w) if w == "auto" => Ok(Attest::Auto),
            Raw::Word(w) => Err(serde::de::Error::custom(format!(
                "`{w}` is not a value of `attest`: write auto, true or false"
            ))),
        }
    }
}

/// Settings of the generated workflow. Everything a project needs to change in it is here, so
/// that the generated file is never edited by hand (`gocross ci check` fails when it is).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CiConfig {
    /// Path of the workflow file, relative to the repository root. Default
    /// `.github/workflows/gocross.yml`.
    #[serde(default = "default_workflow", deserialize_with = "ci::workflow")]
    pub workflow: String,
    /// The Go release that builds, as actions/setup-go takes it: `stable`, `oldstable`, or a
    /// release such as `1.26` or `1.26.8`. Default: go.mod's `toolchain` directive when there
    /// is one (go.mod's `go` line is a minimum, not a choice), else `stable`. Every leg sets
    /// `GOTOOLCHAIN=local`, so the Go that was set up is the Go that builds.
    #[serde(default, deserialize_with = "ci::go_version")]
    #[schemars(with = "Option<String>")]
    pub go_version: Option<Spanned<String>>,
    /// Build every target with each of these Go releases (`["1.25", "1.26"]`): one matrix leg
    /// per target and release, instead of `go_version`. The first release listed is the one a
    /// tag publishes.
    #[serde(default, deserialize_with = "ci::go_versions")]
    pub go_versions: Vec<String>,
    /// Runner label per target, e.g. `linux/arm64: ubuntu-24.04` (QEMU instead of an arm
    /// runner).
    #[serde(default, deserialize_with = "ci::runners")]
    #[schemars(with = "BTreeMap<String, String>")]
    pub runners: BTreeMap<Target, String>,
    /// The gocross action, `OWNER/REPO@<40-hex commit>`. Default: this repository's action at
    /// the commit the running gocross was built from (`gocross --version` shows it); a gocross
    /// built from a tree with uncommitted changes needs this set.
    #[serde(default, deserialize_with = "ci::action")]
    pub action: Option<String>,
    /// Branches whose pushes run the workflow. Default `[main]` (`gocross ci init` writes the
    /// repository's default branch when it is another).
    #[serde(default = "default_branches", deserialize_with = "ci::names")]
    pub branches: Vec<String>,
    /// Tag patterns whose pushes run the workflow and publish a release. Default `["v*"]`.
    #[serde(default = "default_tags", deserialize_with = "ci::names")]
    pub tags: Vec<String>,
    /// Extra environment of every build leg (`GOPRIVATE`, `GOFLAGS`, ...), as literal
    /// strings. GitHub evaluates `${{ }}` expressions in the values, so `${{ vars.X }}` works.
    #[serde(default, deserialize_with = "ci::env")]
    pub env: BTreeMap<String, String>,
    /// Minutes before a build leg is cancelled. Default 30.
    #[serde(
        default = "default_timeout_minutes",
        deserialize_with = "ci::timeout_minutes"
    )]
    pub timeout_minutes: u32,
    /// GitHub Actions steps to run before the build step in each build job. `uses:` must be
    /// pinned to a full commit SHA, and `run:` may not hold `${{ }}` (pass values through
    /// `env:`).
    #[serde(default, deserialize_with = "ci::steps")]
    pub steps_before_build: Vec<serde_json::Value>,
    /// GitHub Actions steps to run after the build step in each build job, with the same
    /// rules as `steps_before_build`.
    #[serde(default, deserialize_with = "ci::steps")]
    pub steps_after_build: Vec<serde_json::Value>,
    /// The pull-request report also keeps one comment on the pull request up to date
    /// (`gocross report --comment`; the report job then holds `pull-requests: write`).
    /// Default false: the check run alone.
    #[serde(default)]
    pub pr_comment: bool,
}

impl Default for CiConfig {
    fn default() -> Self {
        CiConfig {
            workflow: default_workflow(),
            go_version: None,
            go_versions: Vec::new(),
            runners: BTreeMap::new(),
            action: None,
            branches: default_branches(),
            tags: default_tags(),
            env: BTreeMap::new(),
            timeout_minutes: default_timeout_minutes(),
            steps_before_build: Vec::new(),
            steps_after_build: Vec::new(),
            pr_comment: false,
        }
    }
}

fn yes() -> bool {
    true
}
pub(crate) fn default_main() -> String {
    ".".into()
}
fn default_ldflags() -> String {
    "-s -w".into()
}
fn default_flags() -> Vec<String> {
    vec!["-trimpath".into()]
}
fn default_verify_args() -> Vec<String> {
    vec!["--version".into()]
}
fn default_timeout() -> u64 {
    60
}
fn default_workflow() -> String {
    DEFAULT_WORKFLOW.into()
}
fn default_branches() -> Vec<String> {
    vec!["main".into()]
}
fn default_tags() -> Vec<String> {
    vec!["v*".into()]
}
fn default_timeout_minutes() -> u32 {
    30
}

/// One entry of a target list, expanded: a single target, or the ports of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetList {
    /// What the file says (`linux/arm64`, `first-class`).
    pub entry: String,
    /// The targets, groups expanded, in the order written.
    pub targets: Vec<Target>,
    /// The entry is a group: in `overrides`, it names the configured targets among its ports.
    pub group: bool,
    /// Why the entry names no target (`linux/aarch64 is not a Go port; did you mean
    /// linux/arm64?`): read leniently, so that validation lists every bad entry of a list at
    /// once, then refuses the file.
    pub problem: Option<String>,
}

impl fmt::Display for TargetList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.entry)
    }
}

impl<'de> Deserialize<'de> for TargetList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let entry = String::deserialize(d)?;
        let (targets, problem) = match targets::expand(&entry) {
            Ok(targets) => (targets, None),
            Err(e) => (Vec::new(), Some(e.to_string())),
        };
        let group = !entry.contains('/');
        Ok(TargetList {
            entry,
            targets,
            group,
            problem,
        })
    }
}

impl<'de> Deserialize<'de> for Target {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// A glibc version such as `2.17`, written as a string in YAML: the one dotted [`Version`]
/// type, read by [`Version::glibc`].
pub type GlibcVersion = Version;

/// The C toolchain for cgo builds, as named in gocross.yaml (`cc:`).
#[derive(Debug, Clone, PartialEq, Eq, JsonSchema, serde::Serialize)]
#[schemars(with = "String")]
#[serde(rename_all = "snake_case")]
pub enum CcSpec {
    /// `zig cc -target <triple>` (zig from PyPI's `ziglang` works too).
    Zig,
    /// The Debian gcc cross compiler for the target (`aarch64-linux-gnu-gcc`).
    Gnu,
    /// `musl-gcc`, host architecture only, for static builds.
    Musl,
    /// mingw-w64 for windows/386 and windows/amd64.
    Mingw,
    /// Any other command, used as `CC` verbatim (it may hold arguments).
    Command(String),
}

impl<'de> Deserialize<'de> for CcSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(match s.as_str() {
            "zig" => CcSpec::Zig,
            "gnu" => CcSpec::Gnu,
            "musl" => CcSpec::Musl,
            "mingw" => CcSpec::Mingw,
            "" => {
                return Err(serde::de::Error::custom(
                    "`cc` is empty: write zig, gnu, musl, mingw or a command",
                ));
            }
            _ => CcSpec::Command(s),
        })
    }
}

impl Config {
    /// Reads the config at `path` and `<module_dir>/go.mod`, validates, and fills the project
    /// name.
    ///
    /// Errors: the file cannot be read (with the command that creates it), YAML or schema
    /// errors, and validation errors, each with file, line and column.
    pub fn load_from(path: &Path, module_dir: &Path) -> Result<Config, ConfigError> {
        let source = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: path.to_path_buf(),
            cause: e,
        })?;
        let module = GoMod::read(module_dir).ok();
        Config::parse(&source, path, module.as_ref())
    }

    /// Parses and validates a config from text; `path` is only used in messages. Without a
    /// go.mod, a config that leaves `project` empty with `main: .` is an error.
    pub fn parse(source: &str, path: &Path, module: Option<&GoMod>) -> Result<Config, ConfigError> {
        let mut key = None;
        let parsed = serde_saphyr::with_deserializer_from_str(source, |yaml| {
            serde_path_to_error::deserialize(yaml).map_err(|e| {
                key = Some(e.path().clone());
                e.into_inner()
            })
        });
        let mut config: Config =
            parsed.map_err(|e| ConfigError::from_yaml(&e, key.as_ref(), path, source))?;
        validate::validate(&config, path, source)?;
        if config.project.is_empty() {
            let name =
                default_project(&config.main, module).ok_or_else(|| ConfigError::NoProject {
                    path: path.to_path_buf(),
                })?;
            if !is_safe_name(&name) {
                return Err(ConfigError::UnsafeProject {
                    path: path.to_path_buf(),
                    name,
                });
            }
            config.project = name;
        }
        binaries_and_archives::validate(&config, path, source)?;
        channels::validate(&config, path, source)?;
        if let Some(image) = &config.image {
            image::validate(
                image,
                &config.targets(),
                &config.binary_names(),
                path,
                source,
            )?;
        }
        Ok(config)
    }

    /// The configured targets, groups expanded, in file order (the default list when
    /// `targets:` is absent).
    pub fn targets(&self) -> Vec<Target> {
        match &self.targets {
            Some(lists) => lists
                .iter()
                .flat_map(|l| l.value.targets.iter().copied())
                .collect(),
            None => DEFAULT_TARGETS
                .iter()
                .map(|t| t.parse().expect("default targets are valid"))
                .collect(),
        }
    }

    /// The names of the binaries every target builds: `binaries[].name`, else `project`.
    pub fn binary_names(&self) -> Vec<String> {
        if self.binaries.is_empty() {
            vec![self.project.clone()]
        } else {
            self.binaries.iter().map(|b| b.name.value.clone()).collect()
        }
    }

    /// Whether any target may build with cgo (`cgo: true` at the top or in an override), so
    /// that C toolchains matter at all.
    pub fn uses_cgo(&self) -> bool {
        self.cgo || self.overrides.iter().any(|o| o.cgo == Some(true))
    }

    /// The archive name of `target` (without its extension) and the key it comes from: the
    /// last applying override's `archive_name` (`Some(i)`: `overrides[i]`), else
    /// `archives.name` (`None`); `None` without `archives:`.
    pub fn archive_name_for(&self, target: &Target) -> Option<(Option<usize>, &Spanned<String>)> {
        let archives = self.archives.as_ref()?;
        let overridden = self.overrides.iter().enumerate().rev().find_map(|(i, o)| {
            let applies = o
                .targets
                .iter()
                .any(|l| l.value.targets.iter().any(|t| override_matches(t, target)));
            o.archive_name
                .as_ref()
                .filter(|_| applies)
                .map(|n| (Some(i), n))
        });
        Some(overridden.unwrap_or((None, &archives.value.name)))
    }

    /// The overrides that apply to `target`, in file order.
    pub fn overrides_for<'a>(
        &'a self,
        target: &'a Target,
    ) -> impl Iterator<Item = &'a Override> + 'a {
        self.overrides.iter().filter(move |o| {
            o.targets
                .iter()
                .any(|l| l.value.targets.iter().any(|t| override_matches(t, target)))
        })
    }
}

/// Whether an override entry applies to a configured target: the same target, or the same
/// GOOS/GOARCH when the entry names no variant.
pub fn override_matches(entry: &Target, configured: &Target) -> bool {
    entry == configured || (entry.variant.is_none() && entry.platform == configured.platform)
}

/// Only characters that are safe in file names and GitHub release asset names.
pub fn is_safe_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(['.', '-'])
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// The binary name `go build` would choose: the last element of the main package path, or for
/// `.` the module path's last element, skipping a major-version suffix (`/v3`).
fn default_project(main: &str, module: Option<&GoMod>) -> Option<String> {
    let trimmed = main.trim_end_matches('/');
    if trimmed != "." && !trimmed.is_empty() {
        let last = trimmed.rsplit('/').next()?;
        if last != "." && last != ".." {
            return Some(last.to_string());
        }
    }
    module.map(GoMod::binary_name)
}

/// Where a config file lives: `<dir>/gocross.yaml`.
pub fn path_in(dir: &Path) -> PathBuf {
    dir.join(FILE_NAME)
}

#[cfg(test)]
mod tests;
