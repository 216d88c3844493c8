//! Release archives: one per target, holding every binary of the target and the `files` of
//! `archives:`, written reproducibly from the manifest.
//!
//! An archive starts from the manifest (the contract), never from a walk of dist/: only the
//! binaries the manifest lists for the target and that passed their checks go in, each read
//! through [`open_in_dist`] and checked against the SHA-256 the manifest recorded. The files
//! come from the module root, by glob ([`glob`]); a glob that matches nothing is fine, a
//! symbolic link at any level (a linked directory too) is refused ([`contained`]), and
//! nothing under dist/ is taken.
//!
//! Two builds of the same commit give byte-identical archives, from any directory:
//! - entries sorted by path, binaries as `<binary>[.exe]` and files at their path from the
//!   module root (under `<name>/` with `wrap_in_directory`);
//! - every entry's modification time is the build's date (`SOURCE_DATE_EPOCH`, else the
//!   commit date: the [`Stamp`](crate::build::Stamp)'s), uid and gid 0, no user or group
//!   name, mode 0755 for binaries and 0644 for the rest;
//! - tar entries in GNU format ([`tar`]); gzip ([`flate2`]) without a file name or time,
//!   level 9; xz ([`lzma_rust2`], preset 6, CRC64); zip ([`zip`]) deflated at level 9, Unix
//!   permissions, the date in DOS form (which starts in 1980: earlier dates are 1980-01-01).
//!
//! The archive is written to a hidden temporary file in dist/, renamed when complete, and
//! then recorded in the manifest ([`Archive`]). A build's archives are made on its worker
//! threads (`--jobs`, [`pack_all`]) and recorded in plan order. An archive whose inputs are
//! those of the earlier build's archive of the target (same file name and
//! [`Archive::inputs`] digest) and whose file still has its recorded SHA-256 is kept as it
//! is: nothing is written.

use crate::config::{ArchiveFormat, is_safe_name};
use crate::contained;
use crate::digest::sha256_read;
use crate::manifest::{Archive, Manifest, open_in_dist};
use crate::plan::ArchivePlan;
use crate::targets::Goos;
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Mode of the binaries in an archive.
pub const BINARY_MODE: u32 = 0o755;
/// Mode of every other file in an archive.
pub const FILE_MODE: u32 = 0o644;

/// One target's archive to make.
#[derive(Debug, Clone)]
pub struct ArchiveJob {
    /// The target as manifest.json names it (`linux/arm/7`, or `darwin/all` for the universal
    /// binaries, [`crate::universal::TARGET`]).
    pub target: String,
    /// The GOOS of its binaries (whether they end in `.exe`).
    pub goos: Goos,
    /// The name without extension, placeholders filled.
    pub name: String,
    pub plan: ArchivePlan,
    /// The binaries' file names in dist/ (the manifest's artifact names), in plan order.
    pub binaries: Vec<String>,
}

impl ArchiveJob {
    /// The archive's file name: `name` and the format's extension.
    pub fn file_name(&self) -> String {
        format!("{}{}", self.name, self.plan.format.extension())
    }
}

/// Why an archive could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error(
        "the archive name `{0}` may hold only letters, digits, `.`, `_` and `-`: change `archives.name`"
    )]
    Name(String),
    #[error("{binary} is not in manifest.json as a binary of {target} that passed its checks")]
    NotBuilt { binary: String, target: String },
    #[error("{0}: changed since the build (its SHA-256 differs from manifest.json's)")]
    Changed(String),
    #[error("{0}")]
    Dist(String),
    #[error("`{glob}` in `archives.files` matches {path}, {why}")]
    File {
        glob: String,
        path: String,
        why: String,
    },
    #[error("two entries of the archive would be `{0}`: rename the file or the binary")]
    Duplicate(String),
    #[error("the build date `{0}` is not an RFC 3339 time")]
    Date(String),
    #[error("cannot write {}: {cause}", path.display())]
    Write {
        path: PathBuf,
        cause: std::io::Error,
    },
}

/// One file of an archive.
struct Entry {
    path: String,
    mode: u32,
    /// SHA-256 of the content, lowercase hex.
    sha256: String,
    /// A binary's path in dist/, read (and checked against `sha256`) only when the archive
    /// is written; `None` for a file, whose content is in `bytes`.
    binary: Option<String>,
    bytes: Vec<u8>,
}

/// One target's archive with its inputs read and checked ([`prepare`]): everything that
/// determines its bytes, and their digest.
struct Prepared<'a> {
    job: &'a ArchiveJob,
    file_name: String,
    /// The entries, sorted by path, each path unique.
    entries: Vec<Entry>,
    /// The build date in seconds since the Unix epoch (tar) and as given (zip).
    mtime: u64,
    date: &'a str,
    /// [`Archive::inputs`]: SHA-256 (lowercase hex) of this gocross's version, the file name,
    /// the format, the date, `wrap_in_directory`, the binaries' artifact names, and each
    /// entry's path, mode and SHA-256.
    inputs: String,
}

/// Makes the archive of each of `jobs` in `dist`, on at most `workers` threads, from the
/// binaries `manifest` lists, the files under `module_dir`, and the build's `date` (RFC 3339);
/// an archive whose inputs ([`Archive::inputs`]) and file name equal those of the target's
/// archive in `previous` (the manifest of the earlier build in `dist`) is kept, not
/// rewritten, when its file still has the recorded SHA-256. Returns each job's manifest
/// record (the earlier one when kept), in the order of `jobs`; record them with [`record`].
///
/// Errors, per job: an unsafe name, a binary missing from the manifest, failed, or changed
/// since, a file that is a symbolic link or cannot be read, two entries with one path, a
/// write error.
pub fn pack_all(
    jobs: &[&ArchiveJob],
    manifest: &Manifest,
    previous: &[Archive],
    dist: &Path,
    module_dir: &Path,
    date: &str,
    workers: usize,
) -> Vec<Result<Archive, ArchiveError>> {
    crate::pool::in_order(jobs, workers, |job| {
        let p = prepare(job, manifest, dist, module_dir, date)?;
        let before = previous.iter().find(|a| a.target == job.target);
        match before.filter(|a| p.unchanged(a, dist)) {
            Some(a) => Ok(a.clone()),
            None => p.write(dist),
        }
    })
}

/// Records `archive` in `manifest`, replacing its target's earlier archive; archives stay
/// sorted by name.
pub fn record(manifest: &mut Manifest, archive: Archive) {
    manifest.archives.retain(|a| a.target != archive.target);
    manifest.archives.push(archive);
    manifest.archives.sort_by(|a, b| a.name.cmp(&b.name));
}

/// Reads and checks `job`'s inputs: its binaries as `manifest` lists them (by their recorded
/// SHA-256; read when written), the files under `module_dir`; and digests them with `date`
/// (RFC 3339).
fn prepare<'a>(
    job: &'a ArchiveJob,
    manifest: &Manifest,
    dist: &Path,
    module_dir: &Path,
    date: &'a str,
) -> Result<Prepared<'a>, ArchiveError> {
    let file_name = job.file_name();
    if !is_safe_name(&file_name) {
        return Err(ArchiveError::Name(file_name));
    }
    let mtime = humantime::parse_rfc3339(date)
        .map_err(|_| ArchiveError::Date(date.to_string()))?
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut entries = Vec::new();
    for output in &job.binaries {
        let artifact = manifest
            .artifacts
            .iter()
            .find(|a| &a.name == output && a.target == job.target && a.passed())
            .ok_or_else(|| ArchiveError::NotBuilt {
                binary: output.clone(),
                target: job.target.clone(),
            })?;
        let binary = if artifact.binary.is_empty() {
            &manifest.project
        } else {
            &artifact.binary
        };
        entries.push(Entry {
            path: format!("{binary}{}", job.goos.exe_suffix()),
            mode: BINARY_MODE,
            sha256: artifact.sha256.clone(),
            binary: Some(artifact.path.clone()),
            bytes: Vec::new(),
        });
    }
    entries.extend(files(&job.plan.files, module_dir, dist)?);
    if job.plan.wrap_in_directory {
        for e in &mut entries {
            e.path = format!("{}/{}", job.name, e.path);
        }
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    if let Some(w) = entries.windows(2).find(|w| w[0].path == w[1].path) {
        return Err(ArchiveError::Duplicate(w[0].path.clone()));
    }
    // Length-prefixed fields, so that no two different inputs hash alike.
    let mut hasher = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    field(env!("CARGO_PKG_VERSION").as_bytes());
    field(file_name.as_bytes());
    field(job.plan.format.to_string().as_bytes());
    field(date.as_bytes());
    field(&[u8::from(job.plan.wrap_in_directory)]);
    for b in &job.binaries {
        field(b.as_bytes());
    }
    for e in &entries {
        field(e.path.as_bytes());
        field(&e.mode.to_le_bytes());
        field(e.sha256.as_bytes());
    }
    let inputs = hex(&hasher.finalize());
    Ok(Prepared {
        job,
        file_name,
        entries,
        mtime,
        date,
        inputs,
    })
}

impl Prepared<'_> {
    /// Whether `before` (the earlier build's archive of the target) is this archive: the same
    /// file name and inputs, and its file in `dist` (opened through [`open_in_dist`]) still
    /// has the recorded size and SHA-256.
    fn unchanged(&self, before: &Archive, dist: &Path) -> bool {
        before.name == self.file_name
            && before.path == self.file_name
            && before.inputs.as_deref() == Some(self.inputs.as_str())
            && intact(dist, before)
    }

    /// Reads the binaries through [`open_in_dist`], each checked against its recorded
    /// SHA-256, and writes the archive to a hidden temporary file in `dist`, renamed to its
    /// name once complete; returns its manifest record.
    fn write(self, dist: &Path) -> Result<Archive, ArchiveError> {
        let Prepared {
            job,
            file_name,
            mut entries,
            mtime,
            date,
            inputs,
        } = self;
        for e in &mut entries {
            let Some(path) = &e.binary else { continue };
            e.bytes = read_binary(dist, path, &e.sha256)?;
        }
        let dest = dist.join(&file_name);
        let err = |cause: std::io::Error| ArchiveError::Write {
            path: dest.clone(),
            cause,
        };
        let tmp = tempfile::Builder::new()
            .prefix(".gocross-")
            .suffix(".tmp")
            .tempfile_in(dist)
            .map_err(err)?;
        let file = tmp.as_file().try_clone().map_err(err)?;
        match job.plan.format {
            ArchiveFormat::TarGz => {
                let gz = flate2::GzBuilder::new().write(file, flate2::Compression::best());
                tar(gz, &entries, mtime)
                    .map_err(err)?
                    .finish()
                    .map_err(err)?;
            }
            ArchiveFormat::TarXz => {
                let xz = lzma_rust2::XzWriter::new(file, lzma_rust2::XzOptions::with_preset(6))
                    .map_err(err)?;
                tar(xz, &entries, mtime)
                    .map_err(err)?
                    .finish()
                    .map_err(err)?;
            }
            ArchiveFormat::Zip => zip(file, &entries, date).map_err(err)?,
            ArchiveFormat::Binary => {
                unreachable!("the plan makes no archive of the binary format")
            }
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644))
                .map_err(err)?;
        }
        tmp.as_file().sync_all().map_err(err)?;
        let (size, sha256) = sha256_read(tmp.reopen().map_err(err)?).map_err(err)?;
        tmp.persist(&dest).map_err(|e| err(e.error))?;
        Ok(Archive {
            target: job.target.clone(),
            name: file_name.clone(),
            path: file_name,
            format: job.plan.format.to_string(),
            size,
            sha256,
            binaries: job.binaries.clone(),
            entries: entries.into_iter().map(|e| e.path).collect(),
            inputs: Some(inputs),
        })
    }
}

/// Whether the file of `record` (an archive or a package) in `dist`, opened through
/// [`open_in_dist`], still has the size and SHA-256 the manifest records.
pub fn intact(dist: &Path, record: &Archive) -> bool {
    open_in_dist(dist, &record.path)
        .ok()
        .and_then(|(file, _)| sha256_read(file).ok())
        .is_some_and(|(size, sha256)| size == record.size && sha256 == record.sha256)
}

/// The bytes of the binary at `path` in `dist` (read through [`open_in_dist`]), which must
/// still have the SHA-256 (lowercase hex) manifest.json records for it: what an archive or a
/// package ([`crate::package`]) holds.
///
/// Errors: the file cannot be opened or read, or its SHA-256 differs.
pub fn read_binary(dist: &Path, path: &str, sha256: &str) -> Result<Vec<u8>, ArchiveError> {
    let (mut file, _) = open_in_dist(dist, path).map_err(ArchiveError::Dist)?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(|err| ArchiveError::Dist(format!("{path}: {err}")))?;
    if hex(&Sha256::digest(&bytes)) != sha256 {
        return Err(ArchiveError::Changed(path.to_string()));
    }
    Ok(bytes)
}

/// The files `globs` match under `module_dir`, directories expanded, anything under `dist`
/// left out; paths relative to the module root with `/`. Every file is reached and read
/// inside the module without following a symbolic link at any level ([`contained`]).
fn files(globs: &[String], module_dir: &Path, dist: &Path) -> Result<Vec<Entry>, ArchiveError> {
    let root = std::fs::canonicalize(module_dir).unwrap_or_else(|_| module_dir.to_path_buf());
    let dist = std::fs::canonicalize(dist).unwrap_or_else(|_| dist.to_path_buf());
    let options = glob::MatchOptions {
        case_sensitive: true,
        require_literal_separator: true,
        require_literal_leading_dot: true,
    };
    let mut found: Vec<String> = Vec::new();
    for g in globs {
        let pattern = format!("{}/{g}", glob::Pattern::escape(&root.display().to_string()));
        let fail = |path: &Path, why: String| ArchiveError::File {
            glob: g.clone(),
            path: path.display().to_string(),
            why,
        };
        let paths = glob::glob_with(&pattern, options).map_err(|e| fail(&root, e.to_string()))?;
        for path in paths {
            let path = path.map_err(|e| fail(e.path(), e.error().to_string()))?;
            let rel = path
                .strip_prefix(&root)
                .map_err(|_| fail(&path, "outside the module".into()))?;
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            collect(&rel.join("/"), &root, &dist, &mut found)
                .map_err(|(p, why)| fail(&root.join(p), why))?;
        }
    }
    found.sort();
    found.dedup();
    found
        .into_iter()
        .map(|rel| {
            let bytes =
                contained::read(&root, &rel, "the module").map_err(|e| ArchiveError::File {
                    glob: rel.clone(),
                    path: root.join(&rel).display().to_string(),
                    why: format!("which cannot be read: {e}"),
                })?;
            Ok(Entry {
                path: rel,
                mode: FILE_MODE,
                sha256: hex(&Sha256::digest(&bytes)),
                binary: None,
                bytes,
            })
        })
        .collect()
}

/// Adds `rel` (a regular file, or a directory's regular files, sorted), a path relative to
/// `root`, to `found` ([`contained::walk`]); skips `dist`.
/// Errors: a symbolic link at any level, a special file.
fn collect(
    rel: &str,
    root: &Path,
    dist: &Path,
    found: &mut Vec<String>,
) -> Result<(), (String, String)> {
    let path = root.join(rel);
    if path.starts_with(dist) {
        return Ok(());
    }
    let fail = |why: String| (rel.to_string(), why);
    let (path, meta) = contained::walk(root, rel, "the module")
        .map_err(|e| fail(format!("which is refused: {e}; archives hold regular files of the module, list the files themselves")))?
        .ok_or_else(|| fail("which is gone".into()))?;
    if meta.is_dir() {
        let mut children: Vec<String> = std::fs::read_dir(&path)
            .map_err(|e| fail(e.to_string()))?
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect();
        children.sort();
        for child in children {
            collect(&format!("{rel}/{child}"), root, dist, found)?;
        }
        return Ok(());
    }
    if !meta.is_file() {
        return Err(fail("not a regular file".into()));
    }
    found.push(rel.to_string());
    Ok(())
}

/// Writes `entries` as a tar stream into `out`; returns `out` for the compressor to finish.
fn tar<W: Write>(out: W, entries: &[Entry], mtime: u64) -> std::io::Result<W> {
    let mut builder = tar::Builder::new(out);
    for e in entries {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_size(e.bytes.len() as u64);
        header.set_mode(e.mode);
        header.set_mtime(mtime);
        header.set_uid(0);
        header.set_gid(0);
        builder.append_data(&mut header, &e.path, e.bytes.as_slice())?;
    }
    builder.into_inner()
}

/// Writes `entries` as a zip archive into `file`, each dated `date` (RFC 3339).
fn zip(file: std::fs::File, entries: &[Entry], date: &str) -> std::io::Result<()> {
    let io = |e: zip::result::ZipError| std::io::Error::other(e.to_string());
    let when = dos_time(date);
    let mut zip = zip::ZipWriter::new(file);
    for e in entries {
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(9))
            .last_modified_time(when)
            .unix_permissions(e.mode)
            .large_file(false);
        zip.start_file(e.path.as_str(), options).map_err(io)?;
        zip.write_all(&e.bytes)?;
    }
    zip.finish().map_err(io)?;
    Ok(())
}

/// The DOS date and time of an RFC 3339 UTC date (`2026-03-01T12:00:00Z`), clamped to the
/// range zip can hold (1980 to 2107).
fn dos_time(date: &str) -> zip::DateTime {
    let num = |range: std::ops::Range<usize>| date.get(range).and_then(|s| s.parse::<u16>().ok());
    let parts = (
        num(0..4),
        num(5..7),
        num(8..10),
        num(11..13),
        num(14..16),
        num(17..19),
    );
    if let (Some(y), Some(mo), Some(d), Some(h), Some(mi), Some(s)) = parts
        && (1980..=2107).contains(&y)
        && let Ok(t) =
            zip::DateTime::from_date_and_time(y, mo as u8, d as u8, h as u8, mi as u8, s as u8)
    {
        return t;
    }
    zip::DateTime::default()
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::Artifact;
    use crate::targets::Target;

    fn setup(format: ArchiveFormat) -> (tempfile::TempDir, Manifest, ArchiveJob) {
        let dir = tempfile::tempdir().unwrap();
        let dist = dir.path().join("dist");
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(dir.path().join("LICENSE"), "license\n").unwrap();
        std::fs::create_dir_all(dir.path().join("docs")).unwrap();
        std::fs::write(dir.path().join("docs/b.md"), "b\n").unwrap();
        std::fs::write(dir.path().join("docs/a.md"), "a\n").unwrap();
        std::fs::write(dist.join("old_tool"), "stale").unwrap();
        let target: Target = "windows/amd64".parse().unwrap();
        let mut manifest = Manifest {
            project: "tool".into(),
            ..Manifest::default()
        };
        for (binary, body) in [("tool", "MZ tool"), ("tool-keygen", "MZ keygen")] {
            let name = format!("{binary}_windows_amd64.exe");
            std::fs::write(dist.join(&name), body).unwrap();
            manifest.artifacts.push(Artifact {
                target: target.to_string(),
                binary: binary.into(),
                released: false,
                name: name.clone(),
                path: name,
                sha256: hex(&Sha256::digest(body.as_bytes())),
                ..Artifact::default()
            });
        }
        let job = ArchiveJob {
            target: target.to_string(),
            goos: target.goos(),
            name: "tool_1.0.0_windows_amd64".into(),
            plan: ArchivePlan {
                format,
                name: String::new(),
                files: vec![
                    "LICENSE*".into(),
                    "docs".into(),
                    "CHANGELOG*".into(),
                    "dist".into(),
                ],
                wrap_in_directory: false,
                binaries_released: false,
            },
            binaries: vec![
                "tool_windows_amd64.exe".into(),
                "tool-keygen_windows_amd64.exe".into(),
            ],
        };
        (dir, manifest, job)
    }

    /// Packs `job` alone with no earlier archive, and records it.
    fn pack(
        job: &ArchiveJob,
        manifest: &mut Manifest,
        dist: &Path,
        module_dir: &Path,
        date: &str,
    ) -> Result<(), ArchiveError> {
        let packed = pack_all(&[job], manifest, &[], dist, module_dir, date, 1)
            .pop()
            .unwrap()?;
        record(manifest, packed);
        Ok(())
    }

    #[test]
    fn archives_hold_binaries_and_files_in_order_and_are_recorded() {
        for format in [
            ArchiveFormat::TarGz,
            ArchiveFormat::TarXz,
            ArchiveFormat::Zip,
        ] {
            let (dir, mut manifest, job) = setup(format);
            let dist = dir.path().join("dist");
            pack(
                &job,
                &mut manifest,
                &dist,
                dir.path(),
                "2026-03-01T12:00:00Z",
            )
            .unwrap();
            let a = manifest.archives[0].clone();
            assert_eq!(
                a.name,
                format!("tool_1.0.0_windows_amd64{}", format.extension())
            );
            assert_eq!(
                a.entries,
                [
                    "LICENSE",
                    "docs/a.md",
                    "docs/b.md",
                    "tool-keygen.exe",
                    "tool.exe"
                ]
            );
            let bytes = std::fs::read(dist.join(&a.name)).unwrap();
            assert_eq!(hex(&Sha256::digest(&bytes)), a.sha256);
            assert_eq!(bytes.len() as u64, a.size);
            // Again from the same inputs: the same bytes.
            pack(
                &job,
                &mut manifest,
                &dist,
                dir.path(),
                "2026-03-01T12:00:00Z",
            )
            .unwrap();
            assert_eq!(std::fs::read(dist.join(&a.name)).unwrap(), bytes);
            assert_eq!(manifest.archives.len(), 1);
            let left: Vec<_> = std::fs::read_dir(&dist)
                .unwrap()
                .filter_map(|e| e.ok())
                .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
                .collect();
            assert!(left.is_empty(), "no temporary file is left");
        }
    }

    #[cfg(unix)]
    #[test]
    fn an_archive_is_kept_only_while_its_inputs_and_file_are_unchanged() {
        use std::os::unix::fs::MetadataExt;
        let (dir, mut manifest, job) = setup(ArchiveFormat::TarGz);
        let dist = dir.path().join("dist");
        let date = "2026-03-01T12:00:00Z";
        pack(&job, &mut manifest, &dist, dir.path(), date).unwrap();
        let before = manifest.archives.clone();
        let path = dist.join(&before[0].name);
        let bytes = std::fs::read(&path).unwrap();
        let inode = std::fs::metadata(&path).unwrap().ino();
        let again = |manifest: &Manifest, date: &str| {
            pack_all(&[&job], manifest, &before, &dist, dir.path(), date, 2)
                .pop()
                .unwrap()
                .unwrap()
        };
        // Unchanged: the same record, the file untouched.
        assert_eq!(again(&manifest, date), before[0]);
        assert_eq!(std::fs::metadata(&path).unwrap().ino(), inode);
        // The file no longer has its SHA-256: written again, as it was.
        std::fs::write(&path, b"tampered").unwrap();
        assert_eq!(again(&manifest, date), before[0]);
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
        // Another date: other inputs, written again.
        let other = again(&manifest, "2026-03-02T12:00:00Z");
        assert_ne!(other.inputs, before[0].inputs);
        assert_ne!(other.sha256, before[0].sha256);
    }

    #[test]
    fn a_changed_or_failed_binary_is_refused() {
        let (dir, mut manifest, job) = setup(ArchiveFormat::Zip);
        let dist = dir.path().join("dist");
        std::fs::write(dist.join("tool_windows_amd64.exe"), "MZ other").unwrap();
        let err = pack(
            &job,
            &mut manifest,
            &dist,
            dir.path(),
            "2026-03-01T12:00:00Z",
        );
        assert!(matches!(err, Err(ArchiveError::Changed(_))), "{err:?}");
        manifest.artifacts[0].audit = Some(crate::manifest::ArtifactAudit::default());
        let err = pack(
            &job,
            &mut manifest,
            &dist,
            dir.path(),
            "2026-03-01T12:00:00Z",
        );
        assert!(matches!(err, Err(ArchiveError::NotBuilt { .. })), "{err:?}");
        assert!(manifest.archives.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_in_files_is_refused() {
        let (dir, mut manifest, job) = setup(ArchiveFormat::TarGz);
        std::os::unix::fs::symlink("/etc/passwd", dir.path().join("LICENSE.link")).unwrap();
        let err = pack(
            &job,
            &mut manifest,
            &dir.path().join("dist"),
            dir.path(),
            "2026-03-01T12:00:00Z",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("a symbolic link"), "{err}");
    }

    #[test]
    fn zip_dates_start_in_1980() {
        let t = dos_time("2026-03-01T12:00:31Z");
        assert_eq!(
            (t.year(), t.month(), t.day(), t.hour(), t.second()),
            (2026, 3, 1, 12, 30)
        );
        assert_eq!(dos_time("1970-01-01T00:00:00Z").year(), 1980);
    }
}
