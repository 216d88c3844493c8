//! `dist/manifest.json` and `dist/checksums.txt`: what a build produced, and the contract
//! between the build, the audit, the verifier, the release and the report.
//!
//! The manifest is written by `gocross build` (one per dist directory) and read by
//! `gocross release`, `gocross report` and `gocross image`.
//!
//! Compatibility: the manifest carries its `format` ([`FORMAT`], 1 today; a manifest without
//! the field is format 1). Within a format, fields are only added, with defaults, so an older
//! gocross reads a newer manifest of the same format and ignores what it does not know. A
//! change that removes, renames or re-means a field raises the format; a gocross refuses a
//! manifest of a format above its own, and says to upgrade. Added within format 1: each
//! archive's optional `inputs` ([`Archive::inputs`]; without it, the next build writes the
//! archive again); `packages` ([`Manifest::packages`], the Linux packages, absent when none).
//!
//! # Commit order
//!
//! A build changes files in dist/ in this order, so that at every instant, a SIGKILL
//! included, each line of manifest.json and checksums.txt names a file that is on disk with
//! exactly the size and SHA-256 it records (`sha256sum -c checksums.txt` passes):
//!
//! 1. take dist/'s lock (`build::lock`), so that no other gocross writes there meanwhile,
//!    and remove what a killed run left: hidden temporary files ([`is_temp_name`]; with the
//!    lock held, none belongs to a live process) and unsealed staging files (`build::staging`);
//! 2. **retract**: write manifest.json, then checksums.txt, without the entries of the
//!    targets this build makes ([`Manifest::without`]), each atomically ([`write_atomic`]:
//!    a hidden temporary file, synced, renamed over the old one). Nothing it names is touched
//!    by what follows;
//! 3. each binary is written to a hidden temporary file, synced, hashed, and renamed to its
//!    name (a rename replaces the old file in one step); its SBOM is written atomically
//!    beside it. Neither file is named by the manifest or checksums on disk at that point;
//! 4. **commit**: write manifest.json, then checksums.txt ([`Manifest::commit`]), atomically,
//!    naming the new files and keeping the old entries that were not rebuilt. Between the two
//!    renames the manifest is the new one and checksums.txt the retracted one: both true.
//!
//! A run killed before step 4 leaves a dist/ whose manifest lacks the targets it was
//! rebuilding (their files may be old or new: nothing claims them); the next build of those
//! targets puts them back. A binary whose build failed is removed after step 2.
//!
//! ```json
//! {"format": 1, "version": "1.2.3", "go": "go1.26.8", "project": "hello",
//!  "commit": "3f1c…", "date": "2026-03-01T12:00:00Z",
//!  "artifacts": [{"target": "linux/arm64", "binary": "hello", "released": true,
//!                 "name": "hello_linux_arm64", "path": "hello_linux_arm64",
//!                 "size": 1843200, "sha256": "…", "env": {"GOOS": "linux", …}, "duration_ms": 5120,
//!                 "audit": {"passed": true, "linkage": "static", "glibc_floor": null, "violations": []},
//!                 "verify": {"method": "qemu", "outcome": "verified", "duration_ms": 40}}],
//!  "archives": [{"target": "linux/arm64", "name": "hello_1.2.3_linux_arm64.tar.gz",
//!                "path": "hello_1.2.3_linux_arm64.tar.gz", "format": "tar.gz", "size": 901234,
//!                "sha256": "…", "binaries": ["hello_linux_arm64"],
//!                "entries": ["LICENSE", "README.md", "hello"], "inputs": "…"}]}
//! ```
//!
//! The release uploads exactly what [`Manifest::checksums`] lists: the archives, the Linux
//! packages, the binaries marked `released` that passed their audit, and their SBOMs.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The manifest's file name inside a dist directory.
pub const MANIFEST_FILE: &str = "manifest.json";
/// The checksums file's name inside a dist directory.
pub const CHECKSUMS_FILE: &str = "checksums.txt";

/// The start of the name of every temporary file gocross writes in dist/ (hidden, so that
/// `dist/*` globs and actions/upload-artifact leave it out); see [`is_temp_name`].
pub const TEMP_PREFIX: &str = ".gocross-";
/// The end of the name of every temporary file gocross writes in dist/.
pub const TEMP_SUFFIX: &str = ".tmp";

/// Whether `name` is one of gocross's temporary file names in dist/
/// (`.gocross-<anything>.tmp`): a file with such a name that outlives its writer is a
/// leftover of a killed run.
pub fn is_temp_name(name: &str) -> bool {
    name.len() > TEMP_PREFIX.len() + TEMP_SUFFIX.len()
        && name.starts_with(TEMP_PREFIX)
        && name.ends_with(TEMP_SUFFIX)
}

/// Removes the temporary files ([`is_temp_name`]) that killed runs left directly in `dist`;
/// returns their names, sorted. The caller holds dist/'s lock, so no live process is writing
/// them. Only regular files are removed.
///
/// Errors: dist/ cannot be listed, or a leftover cannot be removed.
pub fn remove_leftovers(dist: &Path) -> std::io::Result<Vec<String>> {
    let mut removed = Vec::new();
    for entry in std::fs::read_dir(dist)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_temp_name(&name) && entry.file_type()?.is_file() {
            match std::fs::remove_file(entry.path()) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => removed.push(name),
            }
        }
    }
    removed.sort();
    Ok(removed)
}

/// The manifest format this gocross writes and the newest it reads.
pub const FORMAT: u32 = 1;

/// Everything one `gocross build` produced.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    /// The format of this manifest ([`FORMAT`]; see the module docs for the rule).
    #[serde(default = "format_one")]
    pub format: u32,
    /// The version stamped into the binaries (`--version`, `git describe --tags`, or
    /// `0.0.0-dev`).
    pub version: String,
    /// `go env GOVERSION` of the toolchain that built them, e.g. `go1.26.8`.
    pub go: String,
    /// The project (binary base name).
    #[serde(default)]
    pub project: String,
    /// The commit the binaries were built from (`git rev-parse HEAD`, or `none`); empty in
    /// manifests of older gocross releases.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub commit: String,
    /// The build's date, RFC 3339 UTC: `SOURCE_DATE_EPOCH`, else the commit date (never the
    /// clock, so it is the same for every rebuild of a commit); empty in older manifests.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub date: String,
    /// The binaries were built from a work tree with uncommitted changes (a snapshot, whose
    /// version ends in `-dirty`): `gocross release` refuses them. Absent when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub dirty: bool,
    pub artifacts: Vec<Artifact>,
    /// One archive per target that has one (`archives:` in gocross.yaml); absent in
    /// manifests of builds without archives.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub archives: Vec<Archive>,
    /// The Linux packages (`packages:` in gocross.yaml, [`crate::package`]): one per linux
    /// target and format, each recorded like an archive, its `format` `deb`, `rpm` or `apk`
    /// and its `entries` the paths it installs, relative to `/` (`usr/bin/hello`). Added within format 1; absent when
    /// there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub packages: Vec<Archive>,
}

impl Default for Manifest {
    fn default() -> Self {
        Manifest {
            format: FORMAT,
            version: String::new(),
            go: String::new(),
            project: String::new(),
            commit: String::new(),
            date: String::new(),
            dirty: false,
            artifacts: Vec::new(),
            archives: Vec::new(),
            packages: Vec::new(),
        }
    }
}

/// Manifests written before the `format` field are format 1.
fn format_one() -> u32 {
    1
}

/// One built binary and what is known about it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Artifact {
    /// The target as written in gocross.yaml, e.g. `linux/arm/7`.
    pub target: String,
    /// The binary (`binaries[].name` in gocross.yaml, else the project); empty in manifests
    /// of older gocross releases, which built only the project.
    #[serde(default)]
    pub binary: String,
    /// Whether the release uploads the bare binary. Default true (older manifests released
    /// every binary); false when only its target's archive ships it.
    #[serde(default = "yes")]
    pub released: bool,
    /// File name, also the release asset name, e.g. `hello_linux_arm_7`.
    pub name: String,
    /// Path relative to the dist directory (equal to `name` for a flat dist/).
    pub path: String,
    /// Size in bytes of the file as shipped (after UPX when used).
    pub size: u64,
    /// SHA-256 of the file, lowercase hex.
    pub sha256: String,
    /// The complete environment `go build` ran with (GOOS, GOARCH, CGO_ENABLED, CC, ...).
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Wall time of the build in milliseconds.
    #[serde(default)]
    pub duration_ms: u64,
    /// Size in bytes before UPX packing, when the binary was packed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unpacked_size: Option<u64>,
    /// The audit of the file, when it was audited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit: Option<ArtifactAudit>,
    /// The verification run, when verification was on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify: Option<ArtifactVerify>,
    /// Path of the CycloneDX SBOM relative to the dist directory (beside the binary, so its
    /// file name for a flat dist/), when written. Its release asset name is its file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sbom: Option<String>,
    /// SHA-256 of the SBOM file, lowercase hex, recorded when it was written: the release
    /// checks the SBOM as it checks the binary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sbom_sha256: Option<String>,
}

impl Default for Artifact {
    fn default() -> Self {
        Artifact {
            target: String::new(),
            binary: String::new(),
            released: true,
            name: String::new(),
            path: String::new(),
            size: 0,
            sha256: String::new(),
            env: BTreeMap::new(),
            duration_ms: 0,
            unpacked_size: None,
            audit: None,
            verify: None,
            sbom: None,
            sbom_sha256: None,
        }
    }
}

fn yes() -> bool {
    true
}

/// One target's release archive: its binaries and files, packed reproducibly.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Archive {
    /// The target, as the artifacts write it.
    pub target: String,
    /// File name, also the release asset name, e.g. `age_1.3.2_linux_armv7.tar.gz`.
    pub name: String,
    /// Path relative to the dist directory.
    pub path: String,
    /// `tar.gz`, `tar.xz` or `zip`.
    pub format: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the file, lowercase hex.
    pub sha256: String,
    /// The artifacts it holds, by `name` (each with the digest the manifest records).
    pub binaries: Vec<String>,
    /// Every path inside it, sorted (`age-keygen`, `LICENSE`, or `<dir>/age` when wrapped).
    pub entries: Vec<String>,
    /// SHA-256 (lowercase hex) of everything that determines its bytes: the gocross version,
    /// the file name, format, date and `wrap_in_directory`, and each entry's path, mode and
    /// SHA-256 ([`crate::archive`]). A rebuild whose inputs digest the same keeps the file.
    /// Added within format 1: absent in older manifests (and then the archive is rewritten).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs: Option<String>,
}

impl Artifact {
    /// The audit's `static` or `dynamic`; `None` when not audited or not ELF.
    pub fn linkage(&self) -> Option<&str> {
        self.audit.as_ref().and_then(|x| x.linkage.as_deref())
    }

    /// The audit's glibc floor, e.g. `2.17`; `None` when not audited or no glibc is needed.
    pub fn glibc_floor(&self) -> Option<&str> {
        self.audit.as_ref().and_then(|x| x.glibc_floor.as_deref())
    }

    /// Why this artifact may not be shipped, one line each, the fix left to the caller:
    /// `failed its audit (static: found dynamic, allowed static)`, `failed verification under
    /// qemu: exit code 2`. Empty when it passed (an artifact without an audit or verification
    /// has nothing that failed).
    pub fn failures(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(audit) = self.audit.as_ref().filter(|a| !a.passed) {
            let rules: Vec<String> = audit
                .violations
                .iter()
                .map(|v| format!("{}: found {}, allowed {}", v.rule, v.found, v.allowed))
                .collect();
            out.push(format!(
                "failed its audit ({})",
                if rules.is_empty() {
                    "see `gocross audit`".to_string()
                } else {
                    rules.join("; ")
                }
            ));
        }
        if let Some(v) = self
            .verify
            .as_ref()
            .filter(|v| v.outcome == VerifyOutcome::Failed)
        {
            out.push(format!(
                "failed verification under {}{}",
                v.method,
                v.reason
                    .as_deref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default()
            ));
        }
        out
    }

    /// Whether nothing failed ([`Artifact::failures`] is empty): an artifact without an audit
    /// counts as passed.
    pub fn passed(&self) -> bool {
        self.failures().is_empty()
    }
}

/// The audit of one artifact: the verdict, the facts a release table shows, and the full
/// report as `gocross audit --json` prints it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ArtifactAudit {
    /// True when no policy rule was violated.
    pub passed: bool,
    /// `static` or `dynamic` (ELF), `null` where it does not apply.
    #[serde(default)]
    pub linkage: Option<String>,
    /// Highest GLIBC_x.y the binary requires, e.g. `2.17`.
    #[serde(default)]
    pub glibc_floor: Option<String>,
    #[serde(default)]
    pub violations: Vec<Violation>,
    /// The full audit report (one element of `gocross audit --json`).
    #[serde(default)]
    pub report: serde_json::Value,
}

/// One broken policy rule.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Violation {
    /// Rule name as in gocross.yaml's `audit:` (`static`, `max_glibc`, `target`, ...).
    pub rule: String,
    /// The value found in the binary.
    pub found: String,
    /// The value the policy allows.
    pub allowed: String,
}

/// How a verification run ended.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum VerifyOutcome {
    /// Ran and met every expectation.
    Verified,
    /// Ran (or was refused by the audit) and did not meet an expectation.
    Failed,
    /// Could not run here; never counted as passed.
    #[default]
    NotRun,
}

/// One verification run of an artifact.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ArtifactVerify {
    /// `native`, `qemu`, `wine`, `wasm` or `none`.
    pub method: String,
    pub outcome: VerifyOutcome,
    /// Why it failed or was not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default)]
    pub duration_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    /// The last 4 KiB of stdout and stderr.
    #[serde(default)]
    pub stdout_tail: String,
    #[serde(default)]
    pub stderr_tail: String,
}

/// Errors reading or writing dist files.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("the build legs' manifests disagree: {0}")]
    Inconsistent(String),
    #[error("cannot read {}: {cause}; run `gocross build` first", path.display())]
    Read {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("{} is not a gocross manifest: {cause}", path.display())]
    Parse {
        path: PathBuf,
        cause: serde_json::Error,
    },
    #[error(
        "{} has manifest format {format}, newer than this gocross reads ({FORMAT}): upgrade gocross to the release that built it",
        path.display()
    )]
    Newer { path: PathBuf, format: u32 },
    #[error("cannot write {}: {cause}", path.display())]
    Write {
        path: PathBuf,
        cause: std::io::Error,
    },
}

impl Manifest {
    /// Reads `<dist>/manifest.json`, or merges the legs of [`Manifest::read_legs`] into one
    /// manifest when dist/ holds one directory per build leg.
    ///
    /// Errors: those of [`Manifest::read_legs`], legs that stamped different versions,
    /// projects or Go releases, and two legs that built the same file name.
    pub fn read(dist: &Path) -> Result<Manifest, ManifestError> {
        let legs = Self::read_legs(dist)?;
        let several = legs.len() > 1;
        let mut legs = legs.into_iter();
        let mut merged = legs
            .next()
            .expect("read_legs returns at least one manifest");
        for m in legs {
            let dir = m
                .artifacts
                .first()
                .and_then(|a| a.path.split('/').next())
                .unwrap_or("a leg")
                .to_string();
            let differs = |a: &str, b: &str| !a.is_empty() && !b.is_empty() && a != b;
            if merged.version != m.version
                || merged.project != m.project
                || merged.go != m.go
                || differs(&merged.commit, &m.commit)
            {
                return Err(ManifestError::Inconsistent(format!(
                    "{dir} holds {} {} built with {}, the legs before it {} {} built with {}; build every leg from the same commit, version and Go",
                    m.project, m.version, m.go, merged.project, merged.version, merged.go
                )));
            }
            if merged.commit.is_empty() {
                merged.commit = m.commit;
                merged.date = m.date;
            }
            merged.dirty |= m.dirty;
            for a in m.artifacts {
                if let Some(twin) = merged.artifacts.iter().find(|b| b.name == a.name) {
                    return Err(ManifestError::Inconsistent(format!(
                        "{} was built twice ({} and {}); give each leg its own target",
                        a.name, twin.path, a.path
                    )));
                }
                merged.artifacts.push(a);
            }
            for a in m.archives {
                if let Some(twin) = merged.archives.iter().find(|b| b.name == a.name) {
                    return Err(ManifestError::Inconsistent(format!(
                        "{} was made twice ({} and {}); give each leg its own target",
                        a.name, twin.path, a.path
                    )));
                }
                merged.archives.push(a);
            }
            for p in m.packages {
                if let Some(twin) = merged.packages.iter().find(|b| b.name == p.name) {
                    return Err(ManifestError::Inconsistent(format!(
                        "{} was made twice ({} and {}); give each leg its own target",
                        p.name, twin.path, p.path
                    )));
                }
                merged.packages.push(p);
            }
        }
        if several {
            merged.artifacts.sort_by(|a, b| a.name.cmp(&b.name));
            merged.archives.sort_by(|a, b| a.name.cmp(&b.name));
            merged.packages.sort_by(|a, b| a.name.cmp(&b.name));
        }
        Ok(merged)
    }

    /// Reads the manifests of a dist directory as the workflow's later jobs download it:
    /// `<dist>/manifest.json` when there is one (a local build, or download-artifact
    /// extracting the only matching leg straight into `path/`), else one manifest per
    /// subdirectory (`<dist>/<artifact>/manifest.json`, one per build leg), sorted by
    /// directory, with each artifact's `path` and `sbom` made relative to `dist`.
    ///
    /// Errors: no manifest at all, or one that does not parse.
    pub fn read_legs(dist: &Path) -> Result<Vec<Manifest>, ManifestError> {
        let legs = leg_files(dist, MANIFEST_FILE)?;
        if legs.is_empty() {
            return Ok(vec![Self::read_file(dist, MANIFEST_FILE)?]);
        }
        legs.iter()
            .map(|rel| {
                let mut m = Self::read_file(dist, rel)?;
                let Some((dir, _)) = rel.split_once('/') else {
                    return Ok(m);
                };
                for a in &mut m.artifacts {
                    a.path = format!("{dir}/{}", a.path);
                    if let Some(sbom) = &mut a.sbom {
                        *sbom = format!("{dir}/{sbom}");
                    }
                }
                for a in m.archives.iter_mut().chain(&mut m.packages) {
                    a.path = format!("{dir}/{}", a.path);
                }
                Ok(m)
            })
            .collect()
    }

    fn read_file(dist: &Path, rel: &str) -> Result<Manifest, ManifestError> {
        let path = dist.join(rel);
        let text = read_in_dist(dist, rel)?;
        let manifest: Manifest =
            serde_json::from_slice(&text).map_err(|cause| ManifestError::Parse {
                path: path.clone(),
                cause,
            })?;
        if manifest.format > FORMAT {
            return Err(ManifestError::Newer {
                path,
                format: manifest.format,
            });
        }
        Ok(manifest)
    }

    /// Writes `<dist>/manifest.json` atomically (temp file, then rename).
    pub fn write(&self, dist: &Path) -> Result<(), ManifestError> {
        let mut text = serde_json::to_vec_pretty(self).expect("a manifest always serializes");
        text.push(b'\n');
        write_atomic(&dist.join(MANIFEST_FILE), &text)
    }

    /// This manifest without the artifacts for which `gone` is true and without the archives
    /// and packages of their targets (each holds every binary of its target): the retraction of the
    /// [commit order](crate::manifest#commit-order).
    pub fn without(&self, gone: impl Fn(&Artifact) -> bool) -> Manifest {
        let (gone, kept): (Vec<&Artifact>, Vec<&Artifact>) =
            self.artifacts.iter().partition(|a| gone(a));
        Manifest {
            artifacts: kept.into_iter().cloned().collect(),
            archives: self
                .archives
                .iter()
                .filter(|x| !gone.iter().any(|a| a.target == x.target))
                .cloned()
                .collect(),
            packages: self
                .packages
                .iter()
                .filter(|x| !gone.iter().any(|a| a.target == x.target))
                .cloned()
                .collect(),
            ..self.clone()
        }
    }

    /// Writes `<dist>/manifest.json`, then `<dist>/checksums.txt` from it, each atomically:
    /// the order of the [commit order](crate::manifest#commit-order), in which the manifest never names
    /// more than checksums.txt did before and does after.
    pub fn commit(&self, dist: &Path) -> Result<(), ManifestError> {
        self.write(dist)?;
        write_atomic(&dist.join(CHECKSUMS_FILE), self.checksums().as_bytes())
    }

    /// The checksums file of every file the release uploads besides itself: the archives,
    /// the packages, the binaries marked `released` that passed their audit (an artifact without an audit
    /// counts as passed), and the SBOMs of the binaries that passed. `<sha256>  <name>\n`
    /// per file, sorted by name, as `sha256sum -c` reads it.
    pub fn checksums(&self) -> String {
        let mut lines: Vec<(&str, &str)> = self
            .artifacts
            .iter()
            .filter(|a| a.audit.as_ref().is_none_or(|audit| audit.passed))
            .flat_map(|a| {
                let sbom = a
                    .sbom
                    .as_deref()
                    .zip(a.sbom_sha256.as_deref())
                    .map(|(path, sha)| (path.rsplit('/').next().unwrap_or(path), sha));
                a.released
                    .then_some((a.name.as_str(), a.sha256.as_str()))
                    .into_iter()
                    .chain(sbom)
            })
            .chain(
                self.archives
                    .iter()
                    .chain(&self.packages)
                    .map(|a| (a.name.as_str(), a.sha256.as_str())),
            )
            .collect();
        lines.sort();
        lines
            .iter()
            .map(|(name, sha)| format!("{sha}  {name}\n"))
            .collect()
    }
}

pub use crate::contained::safe_relative;

/// Opens the file at `rel` inside `dist` for reading, the only way gocross reads dist/
/// ([`crate::contained::open`]): `rel` is relative (`/`-separated, as manifest.json writes
/// paths), no component of it may be `..`, empty, or a symbolic link, and the file must be a
/// regular file. Returns the handle and the full path.
///
/// Errors: a message naming `rel` and what is wrong, for the release's list of problems.
pub fn open_in_dist(dist: &Path, rel: &str) -> Result<(std::fs::File, PathBuf), String> {
    crate::contained::open(dist, rel, "dist/")
}

/// Where a dist directory keeps its `name` file (manifest.json, tests.json), as the
/// workflow's later jobs download it: `[name]` when `<dist>/<name>` exists, else
/// `<leg>/<name>` for each subdirectory that holds one, sorted (one per build leg); empty
/// when there is none. Nothing is followed through a symbolic link ([`crate::contained`]): a
/// linked leg directory is passed over.
///
/// Errors: `<dist>/<name>` or a leg's file is a symbolic link, or a special file.
pub fn leg_files(dist: &Path, name: &str) -> Result<Vec<String>, ManifestError> {
    let found = |rel: &str| match crate::contained::walk(dist, rel, "dist/") {
        Ok(None) => Ok(false),
        Ok(Some((_, meta))) if meta.is_file() => Ok(true),
        Ok(Some(_)) => Err(read_error(dist, rel, "not a regular file".into())),
        Err(e) => Err(read_error(dist, rel, e)),
    };
    if found(name)? {
        return Ok(vec![name.to_string()]);
    }
    let Ok(entries) = std::fs::read_dir(dist) else {
        return Ok(Vec::new());
    };
    let mut legs = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        let Some(dir) = entry.file_name().to_str().map(String::from) else {
            continue;
        };
        let rel = format!("{dir}/{name}");
        if is_dir && found(&rel)? {
            legs.push(rel);
        }
    }
    legs.sort();
    Ok(legs)
}

/// The bytes of `rel` inside `dist`, read as the release reads dist/ ([`open_in_dist`]).
///
/// Errors: [`ManifestError::Read`].
pub fn read_in_dist(dist: &Path, rel: &str) -> Result<Vec<u8>, ManifestError> {
    crate::contained::read(dist, rel, "dist/").map_err(|e| read_error(dist, rel, e))
}

fn read_error(dist: &Path, rel: &str, why: String) -> ManifestError {
    ManifestError::Read {
        path: dist.join(rel),
        cause: std::io::Error::other(why),
    }
}

/// Writes a file so that it is either absent or complete: the bytes go to a temporary file in
/// the same directory, which is synced and then renamed over `path` (mode 0644 on Unix).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ManifestError> {
    let err = |cause| ManifestError::Write {
        path: path.to_path_buf(),
        cause,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    // Temporary files are created private (0600); the result is an ordinary readable file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(err)?;
    }
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_are_sorted_and_skip_failed_audits() {
        let artifact = |name: &str, sha: &str, passed: Option<bool>| Artifact {
            name: name.into(),
            path: name.into(),
            sha256: sha.into(),
            audit: passed.map(|passed| ArtifactAudit {
                passed,
                ..Default::default()
            }),
            ..Default::default()
        };
        let m = Manifest {
            artifacts: vec![
                artifact("b_linux_amd64", "bb", Some(true)),
                artifact("a_windows_amd64.exe", "aa", None),
                artifact("c_linux_arm64", "cc", Some(false)),
            ],
            ..Default::default()
        };
        assert_eq!(
            m.checksums(),
            "aa  a_windows_amd64.exe\nbb  b_linux_amd64\n"
        );
    }

    #[test]
    fn archives_merge_across_legs_with_their_paths() {
        let dist = tempfile::tempdir().unwrap();
        for (dir, name) in [
            ("gocross-a_linux_amd64", "a_1_linux_amd64.tar.gz"),
            ("gocross-a_windows_amd64", "a_1_windows_amd64.zip"),
        ] {
            let m = Manifest {
                version: "1".into(),
                project: "a".into(),
                archives: vec![Archive {
                    name: name.into(),
                    path: name.into(),
                    ..Default::default()
                }],
                ..Default::default()
            };
            std::fs::create_dir_all(dist.path().join(dir)).unwrap();
            m.write(&dist.path().join(dir)).unwrap();
        }
        let m = Manifest::read(dist.path()).unwrap();
        let paths: Vec<&str> = m.archives.iter().map(|a| a.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "gocross-a_linux_amd64/a_1_linux_amd64.tar.gz",
                "gocross-a_windows_amd64/a_1_windows_amd64.zip"
            ]
        );
        // An older manifest's binaries are the project's and released.
        let old: Artifact = serde_json::from_str(
            r#"{"target": "linux/amd64", "name": "a", "path": "a", "size": 1, "sha256": "00"}"#,
        )
        .unwrap();
        assert!(old.released && old.binary.is_empty());
        assert!(safe_relative("a/b") && !safe_relative("../a") && !safe_relative("/a"));
        assert!(!safe_relative("a//b") && !safe_relative("a\\b") && !safe_relative("./a"));
    }

    #[test]
    fn merges_the_manifests_of_downloaded_legs() {
        let dist = tempfile::tempdir().unwrap();
        let leg = |dir: &str, name: &str, version: &str| {
            let m = Manifest {
                version: version.into(),
                go: "go1.26.8".into(),
                project: "hello".into(),
                commit: "abc".into(),
                date: "2026-01-02T03:04:05Z".into(),
                artifacts: vec![Artifact {
                    name: name.into(),
                    path: name.into(),
                    sbom: Some(format!("{name}.cdx.json")),
                    ..Default::default()
                }],
                ..Default::default()
            };
            std::fs::create_dir_all(dist.path().join(dir)).unwrap();
            m.write(&dist.path().join(dir)).unwrap();
        };
        leg("gocross-hello_linux_arm64", "hello_linux_arm64", "1.0.0");
        leg("gocross-hello_darwin_arm64", "hello_darwin_arm64", "1.0.0");
        let m = Manifest::read(dist.path()).unwrap();
        let paths: Vec<&str> = m.artifacts.iter().map(|a| a.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "gocross-hello_darwin_arm64/hello_darwin_arm64",
                "gocross-hello_linux_arm64/hello_linux_arm64"
            ]
        );
        assert_eq!(
            m.artifacts[0].sbom.as_deref(),
            Some("gocross-hello_darwin_arm64/hello_darwin_arm64.cdx.json")
        );
        leg("gocross-other", "hello_linux_arm64", "1.0.0");
        let err = Manifest::read(dist.path()).unwrap_err().to_string();
        assert!(err.contains("hello_linux_arm64 was built twice"), "{err}");
        std::fs::remove_dir_all(dist.path().join("gocross-other")).unwrap();
        leg("gocross-newer", "hello_windows_amd64.exe", "1.0.1");
        let err = Manifest::read(dist.path()).unwrap_err().to_string();
        assert!(
            err.contains("build every leg from the same commit"),
            "{err}"
        );
        assert_eq!(Manifest::read_legs(dist.path()).unwrap().len(), 3);
    }

    #[test]
    fn leftovers_are_gocross_temporary_files_only() {
        let dist = tempfile::tempdir().unwrap();
        for name in [
            ".gocross-hello_linux_amd64.4242.tmp",
            ".gocross-Ab12Cd.tmp",
            "manifest.json",
            ".gocross.lock",
            ".gocross-.tmp",
            "hello.tmp",
        ] {
            std::fs::write(dist.path().join(name), b"x").unwrap();
        }
        std::fs::create_dir(dist.path().join(".gocross-dir.tmp")).unwrap();
        assert_eq!(
            remove_leftovers(dist.path()).unwrap(),
            [".gocross-Ab12Cd.tmp", ".gocross-hello_linux_amd64.4242.tmp"]
        );
        let mut left: Vec<String> = std::fs::read_dir(dist.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                ".gocross-.tmp",
                ".gocross-dir.tmp",
                ".gocross.lock",
                "hello.tmp",
                "manifest.json"
            ]
        );
    }

    #[test]
    fn round_trips_through_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        let m = Manifest {
            version: "1.0.0".into(),
            go: "go1.26.8".into(),
            project: "x".into(),
            commit: "0123abc".into(),
            date: "2026-01-02T03:04:05Z".into(),
            ..Default::default()
        };
        m.write(dir.path()).unwrap();
        assert_eq!(Manifest::read(dir.path()).unwrap(), m);
        // Written before the field: format 1. A newer format is refused with the fix.
        std::fs::write(
            dir.path().join(MANIFEST_FILE),
            r#"{"version": "1.0.0", "go": "go1.26.8", "artifacts": []}"#,
        )
        .unwrap();
        assert_eq!(Manifest::read(dir.path()).unwrap().format, 1);
        std::fs::write(
            dir.path().join(MANIFEST_FILE),
            r#"{"format": 2, "version": "1.0.0", "go": "go1.26.8", "artifacts": []}"#,
        )
        .unwrap();
        let err = Manifest::read(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("manifest format 2, newer than this gocross reads (1)"),
            "{err}"
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temp file left behind");
    }
}
