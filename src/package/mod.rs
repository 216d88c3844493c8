//! Linux packages of the verified binaries (`packages:` in gocross.yaml): one `.deb`, `.rpm`
//! and `.apk` (one submodule each) per linux target and configured format, written into
//! dist/ after the archives and recorded in manifest.json's `packages`.
//!
//! A package starts from the manifest, as an archive does ([`crate::archive`]): it holds the
//! binaries the manifest lists for its target that passed their checks, each read through
//! [`open_in_dist`](crate::dist::open_in_dist) and checked against its recorded SHA-256
//! ([`crate::archive::read_binary`]), installed at `/usr/bin/NAME` (mode 0755, owned by
//! root), and the `contents` files from the module root.
//!
//! Names follow each distribution's convention, with its architecture names ([`PackageFormat::arch`]):
//! - deb: `NAME_VERSION_ARCH.deb` (Debian's `dpkg-name` form,
//!   <https://manpages.debian.org/dpkg-name>);
//! - rpm: `NAME-VERSION-1.ARCH.rpm` (rpm's `%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}.rpm`);
//! - apk: `NAME_VERSION-r0_ARCH.apk`. Alpine names a package `NAME-VERSION-r0.apk` inside a
//!   directory per architecture; a flat dist/ holds every architecture side by side, so the
//!   architecture is part of the name, joined with `_` as in the deb's name.
//!
//! The file names carry the build's version as stamped (`1.2.0-rc.1`), like the archives';
//! the packages' own version fields carry it as each format orders it ([`version`]).
//!
//! A package whose inputs are those of the earlier build's package of the same name
//! ([`Archive::inputs`]: the gocross version, the format, the metadata, the date, and each
//! file's path, mode and SHA-256) and whose file still has its recorded SHA-256 is kept as it
//! is: nothing is compressed or written.
//!
//! Reproducible: every mtime is the build's date (`SOURCE_DATE_EPOCH`, else the commit date:
//! the [`Stamp`](crate::build::Stamp)'s), entries are sorted, owned by uid and gid 0, and
//! compressed without a name or time; two builds of a commit give the same bytes.

mod apk;
mod deb;
mod rpm;

use crate::archive::{ArchiveError, read_binary};
use crate::config::{PackageFormat, PackagesConfig, is_safe_name};
use crate::digest::sha256_read;
use crate::manifest::{self, Archive, Manifest};
use crate::targets::Target;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Mode of the directories a package creates.
const DIR_MODE: u32 = 0o755;

/// One package to make: a linux target's binaries in one format.
#[derive(Debug, Clone)]
pub struct PackageJob {
    /// The linux target whose binaries it holds.
    pub target: Target,
    /// Its format.
    pub format: PackageFormat,
    /// The binaries' file names in dist/ (the manifest's artifact names), in plan order.
    pub binaries: Vec<String>,
}

/// Why a package could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    /// A binary it holds cannot be read, or changed since the build.
    #[error(transparent)]
    Binary(#[from] ArchiveError),
    /// The format has no architecture name for the target.
    #[error(
        "{format} has no architecture for {target}: remove {format} from `packages.formats`, or the target"
    )]
    Arch {
        /// The package format.
        format: PackageFormat,
        /// The target.
        target: Target,
    },
    /// The build's version cannot be spelled in the format's version syntax.
    #[error(
        "the version `{version}` cannot be a {format} version: {why}; build with `--version 1.2.3` (or tag the commit v1.2.3)"
    )]
    Version {
        /// The package format.
        format: PackageFormat,
        /// The build's version.
        version: String,
        /// What the format refuses in it.
        why: &'static str,
    },
    /// The package's file name is not a safe file name.
    #[error(
        "the package name `{0}` may hold only letters, digits, `.`, `_` and `-`: build with another `--version`"
    )]
    Name(String),
    /// A file of `packages.contents` cannot be packaged.
    #[error("`packages.contents`: {src}: {why}")]
    Content {
        /// Its `src`, relative to the module.
        src: String,
        /// Why.
        why: String,
    },
    /// Two files would be installed at the same path (the argument).
    #[error("two files of the package would be installed at {0}: change `packages.contents`")]
    Duplicate(String),
    /// The build date (the argument) is not RFC 3339.
    #[error("the build date `{0}` is not an RFC 3339 time")]
    Date(String),
    /// The rpm writer refused the package.
    #[error("cannot write the rpm {name}: {why}")]
    Rpm {
        /// The package's file name.
        name: String,
        /// The writer's error.
        why: String,
    },
    /// The package could not be written to dist/.
    #[error("cannot write {}: {cause}", path.display())]
    Write {
        /// The file written.
        path: PathBuf,
        /// What went wrong.
        cause: std::io::Error,
    },
}

/// The build's `version` (`1.2.3`, `1.2.0-rc.1`, `1.2.3-4-gdeadbee`) as `format` writes and
/// orders it:
/// - deb and rpm: each `-` becomes `~`, which sorts before the release it precedes
///   (`1.2.0~rc.1` < `1.2.0`): Debian policy 5.6.12
///   (<https://www.debian.org/doc/debian-policy/ch-controlfields.html#version>, where a `-`
///   would start a Debian revision) and rpm's version rules
///   (<https://rpm-software-management.github.io/rpm/manual/dependencies.html#versioning>,
///   where `-` is not allowed);
/// - apk (<https://wiki.alpinelinux.org/wiki/APKBUILD_Reference#pkgver>): the numeric part,
///   then a pre-release `alpha`, `beta`, `pre` or `rc` with its number as `_rc1`, anything
///   else after a `-` (a `git describe` suffix) as `_git` with its first number, which
///   sorts after the release (`1.2.3_git4`).
///
/// Errors: a version that does not start with a digit, or holds characters the format
/// refuses.
pub fn version(format: PackageFormat, version: &str) -> Result<String, PackageError> {
    let fail = |why| PackageError::Version {
        format,
        version: version.to_string(),
        why,
    };
    if !version.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(fail("it must start with a digit"));
    }
    match format {
        PackageFormat::Deb | PackageFormat::Rpm => {
            let v = version.replace('-', "~");
            let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '~');
            if v.chars().all(allowed) {
                Ok(v)
            } else {
                Err(fail(
                    "only letters, digits, `.`, `+`, `-` and `~` are allowed",
                ))
            }
        }
        PackageFormat::Apk => {
            let (core, pre) = version
                .split_once('-')
                .map_or((version, None), |(c, p)| (c, Some(p)));
            let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            if !core.split('.').all(numeric) {
                return Err(fail("apk needs numbers separated by dots before any `-`"));
            }
            let Some(pre) = pre else {
                return Ok(core.to_string());
            };
            let word = pre.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
            let number: String = pre[word.len()..]
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            if matches!(word, "alpha" | "beta" | "pre" | "rc") {
                return Ok(format!("{core}_{word}{number}"));
            }
            let first: String = pre
                .chars()
                .skip_while(|c| !c.is_ascii_digit())
                .take_while(char::is_ascii_digit)
                .collect();
            Ok(format!("{core}_git{first}"))
        }
    }
}

/// The file name of `job`'s package of `name` at the build's `version` ([module docs](self)).
///
/// Errors: a target the format has no architecture for, an unsafe name.
pub fn file_name(job: &PackageJob, name: &str, version: &str) -> Result<String, PackageError> {
    let arch = job.format.arch(&job.target).ok_or(PackageError::Arch {
        format: job.format,
        target: job.target,
    })?;
    let version = match job.format {
        PackageFormat::Apk => self::version(PackageFormat::Apk, version)?,
        _ => version.to_string(),
    };
    let file = spelled(job.format, name, &version, arch);
    if is_safe_name(&file) {
        Ok(file)
    } else {
        Err(PackageError::Name(file))
    }
}

/// The glob of every version's file name of `name`'s package for `target` in `format`
/// (`ship_*_amd64.deb`): what the workflow attests; `None` when the format has no
/// architecture for the target.
pub fn file_glob(format: PackageFormat, name: &str, target: &Target) -> Option<String> {
    format
        .arch(target)
        .map(|arch| spelled(format, name, "*", arch))
}

/// A package's file name, each distribution's convention, with `version` as given.
fn spelled(format: PackageFormat, name: &str, version: &str, arch: &str) -> String {
    match format {
        PackageFormat::Deb => format!("{name}_{version}_{arch}.deb"),
        PackageFormat::Rpm => format!("{name}-{version}-1.{arch}.rpm"),
        PackageFormat::Apk => format!("{name}_{version}-r0_{arch}.apk"),
    }
}

/// One file a package installs.
struct File {
    /// Absolute (`/usr/bin/ship`).
    path: String,
    mode: u32,
    bytes: Vec<u8>,
}

/// Everything a package writer needs: the metadata and the files, sorted by path.
struct Package<'a> {
    name: &'a str,
    /// The version as the format writes it ([`version`]).
    version: String,
    arch: &'static str,
    config: &'a PackagesConfig,
    depends: &'a [String],
    files: Vec<File>,
    /// The build's date, seconds since the Unix epoch, and as written (RFC 3339).
    mtime: u64,
    date: &'a str,
}

impl Package<'_> {
    /// [`Archive::inputs`] of the package in `format` named `file_name`: the SHA-256
    /// (lowercase hex) of this gocross's version, the format and file name, every value
    /// written into the package's metadata, the date, and each file's path, mode and
    /// SHA-256, as length-prefixed fields (so that no two different inputs hash alike).
    fn inputs(&self, format: PackageFormat, file_name: &str) -> String {
        use sha2::Digest;
        let mut hasher = sha2::Sha256::new();
        let mut field = |bytes: &[u8]| {
            hasher.update((bytes.len() as u64).to_le_bytes());
            hasher.update(bytes);
        };
        let config = self.config;
        field(env!("CARGO_PKG_VERSION").as_bytes());
        field(format.as_str().as_bytes());
        field(file_name.as_bytes());
        for value in [
            self.name,
            &self.version,
            self.arch,
            &config.maintainer,
            &config.description,
            config.license.as_deref().unwrap_or_default(),
            config.homepage.as_deref().unwrap_or_default(),
            self.date,
        ] {
            field(value.as_bytes());
        }
        field(&(self.depends.len() as u64).to_le_bytes());
        for d in self.depends {
            field(d.as_bytes());
        }
        for f in &self.files {
            field(f.path.as_bytes());
            field(&f.mode.to_le_bytes());
            field(crate::digest::sha256_hex(&f.bytes).as_bytes());
        }
        crate::digest::hex(&hasher.finalize())
    }

    /// The installed size in bytes: the files' sizes.
    fn installed_size(&self) -> u64 {
        self.files.iter().map(|f| f.bytes.len() as u64).sum()
    }

    /// Every directory the files need, parents first, without `/`: `usr`, `usr/bin`, ...
    fn dirs(&self) -> Vec<String> {
        let mut dirs: Vec<String> = self
            .files
            .iter()
            .flat_map(|f| {
                let parts: Vec<&str> = f.path.trim_start_matches('/').split('/').collect();
                (1..parts.len())
                    .map(|n| parts[..n].join("/"))
                    .collect::<Vec<_>>()
            })
            .collect();
        dirs.sort();
        dirs.dedup();
        dirs
    }
}

/// Makes the package of each of `jobs` in `dist`, on at most `workers` threads, named
/// `name`, from the binaries `manifest` lists (which must have passed their checks), the
/// `config`'s contents under `module_dir`, and the build's `version` and `date` (RFC 3339);
/// a package whose file name and inputs equal those of one in `previous` (the earlier
/// build's packages) is kept when its file is intact. Returns each job's manifest record
/// (the earlier one when kept), in the order of `jobs`; record them with [`record`].
#[allow(clippy::too_many_arguments)]
pub fn make_all(
    jobs: &[&PackageJob],
    config: &PackagesConfig,
    name: &str,
    manifest: &Manifest,
    previous: &[manifest::Package],
    dist: &Path,
    module_dir: &Path,
    date: &str,
    workers: usize,
) -> Vec<Result<manifest::Package, PackageError>> {
    crate::pool::in_order(jobs, workers, |job| {
        make(
            job, config, name, manifest, previous, dist, module_dir, date,
        )
    })
}

/// Records `package` in `manifest`, replacing an earlier package of its target and format;
/// packages stay sorted by name.
pub fn record(manifest: &mut Manifest, package: manifest::Package) {
    manifest
        .packages
        .retain(|p| !(p.target == package.target && p.format == package.format));
    manifest.packages.push(package);
    manifest.packages.sort_by(|a, b| a.name.cmp(&b.name));
}

#[allow(clippy::too_many_arguments)]
fn make(
    job: &PackageJob,
    config: &PackagesConfig,
    name: &str,
    manifest: &Manifest,
    previous: &[manifest::Package],
    dist: &Path,
    module_dir: &Path,
    date: &str,
) -> Result<manifest::Package, PackageError> {
    let file_name = file_name(job, name, &manifest.version)?;
    let arch = job
        .format
        .arch(&job.target)
        .expect("file_name checked the architecture");
    let mtime = humantime::parse_rfc3339(date)
        .map_err(|_| PackageError::Date(date.to_string()))?
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut files = Vec::new();
    for output in &job.binaries {
        let artifact = manifest
            .artifacts
            .iter()
            .find(|a| &a.name == output && a.target == job.target.to_string() && a.passed())
            .ok_or_else(|| ArchiveError::NotBuilt {
                binary: output.clone(),
                target: job.target.to_string(),
            })?;
        let binary = if artifact.binary.is_empty() {
            &manifest.project
        } else {
            &artifact.binary
        };
        files.push(File {
            path: format!("/usr/bin/{binary}"),
            mode: crate::archive::BINARY_MODE,
            bytes: read_binary(dist, &artifact.path, &artifact.sha256)?,
        });
    }
    for c in &config.contents {
        let bytes = crate::contained::read(module_dir, &c.src, "the module").map_err(|why| {
            PackageError::Content {
                src: c.src.clone(),
                why,
            }
        })?;
        files.push(File {
            path: c.dst.clone(),
            mode: c.mode,
            bytes,
        });
    }
    let mut package = Package {
        name,
        version: version(job.format, &manifest.version)?,
        arch,
        config,
        depends: config
            .depends
            .get(&job.format)
            .map_or(&[][..], Vec::as_slice),
        files,
        mtime,
        date,
    };
    if job.format == PackageFormat::Deb {
        deb::add_docs(&mut package, module_dir, &manifest.version)?;
    }
    package.files.sort_by(|a, b| a.path.cmp(&b.path));
    if let Some(w) = package.files.windows(2).find(|w| w[0].path == w[1].path) {
        return Err(PackageError::Duplicate(w[0].path.clone()));
    }
    let inputs = package.inputs(job.format, &file_name);
    if let Some(before) = previous.iter().find(|p| {
        p.name == file_name
            && p.path == file_name
            && p.inputs.as_deref() == Some(inputs.as_str())
            && crate::archive::intact(dist, p)
    }) {
        return Ok(before.clone());
    }
    let dest = dist.join(&file_name);
    let err = |cause: std::io::Error| PackageError::Write {
        path: dest.clone(),
        cause,
    };
    let bytes = match job.format {
        PackageFormat::Deb => deb::write(&package).map_err(err)?,
        PackageFormat::Rpm => rpm::write(&package).map_err(|why| PackageError::Rpm {
            name: file_name.clone(),
            why,
        })?,
        PackageFormat::Apk => apk::write(&package).map_err(err)?,
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(crate::dist::TEMP_PREFIX)
        .suffix(crate::dist::TEMP_SUFFIX)
        .tempfile_in(dist)
        .map_err(err)?;
    tmp.write_all(&bytes).map_err(err)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(err)?;
    }
    tmp.as_file().sync_all().map_err(err)?;
    let (size, sha256) = sha256_read(bytes.as_slice()).map_err(err)?;
    tmp.persist(&dest).map_err(|e| err(e.error))?;
    Ok(Archive {
        target: job.target.to_string(),
        name: file_name.clone(),
        path: file_name,
        format: job.format,
        size,
        sha256,
        binaries: job.binaries.clone(),
        entries: package
            .files
            .into_iter()
            .map(|f| f.path.trim_start_matches('/').to_string())
            .collect(),
        inputs: Some(inputs),
    })
}

/// One entry of a tar stream: a directory (no bytes) or a regular file.
struct TarEntry<'a> {
    path: String,
    mode: u32,
    /// `None` for a directory.
    bytes: Option<&'a [u8]>,
}

/// A tar stream (GNU format) of `entries`, each dated `mtime` and owned by root (uid and gid
/// 0, named `root`), ending with the end-of-archive blocks.
fn tar(entries: &[TarEntry], mtime: u64) -> std::io::Result<Vec<u8>> {
    let mut builder = tar::Builder::new(Vec::new());
    for e in entries {
        let mut header = tar::Header::new_gnu();
        match e.bytes {
            None => {
                header.set_entry_type(tar::EntryType::Directory);
                header.set_size(0);
            }
            Some(bytes) => {
                header.set_entry_type(tar::EntryType::Regular);
                header.set_size(bytes.len() as u64);
            }
        }
        header.set_mode(e.mode);
        header.set_mtime(mtime);
        header.set_uid(0);
        header.set_gid(0);
        header.set_username("root")?;
        header.set_groupname("root")?;
        builder.append_data(&mut header, &e.path, e.bytes.unwrap_or_default())?;
    }
    builder.into_inner()
}

/// `bytes` compressed with gzip at level 9, with no file name and no time (so the same
/// bytes give the same stream).
fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut gz = flate2::GzBuilder::new().write(Vec::new(), flate2::Compression::best());
    gz.write_all(bytes)?;
    gz.finish()
}

/// The tar entries of a package's files, relative to `/`: every directory they need, then
/// the files, in path order.
fn data_entries<'a>(package: &'a Package) -> Vec<TarEntry<'a>> {
    let mut entries: Vec<TarEntry> = package
        .dirs()
        .into_iter()
        .map(|d| TarEntry {
            path: format!("{d}/"),
            mode: DIR_MODE,
            bytes: None,
        })
        .chain(package.files.iter().map(|f| TarEntry {
            path: f.path.trim_start_matches('/').to_string(),
            mode: f.mode,
            bytes: Some(&f.bytes),
        }))
        .collect();
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_as_each_format_orders_them() {
        use PackageFormat::*;
        let v = |f, s| version(f, s).unwrap();
        assert_eq!(v(Deb, "1.2.3"), "1.2.3");
        assert_eq!(v(Deb, "1.2.0-rc.1"), "1.2.0~rc.1");
        assert_eq!(v(Rpm, "1.2.3-4-gdeadbee"), "1.2.3~4~gdeadbee");
        assert_eq!(v(Apk, "1.2.3"), "1.2.3");
        assert_eq!(v(Apk, "1.2.0-rc.1"), "1.2.0_rc1");
        assert_eq!(v(Apk, "1.2.0-beta2"), "1.2.0_beta2");
        assert_eq!(v(Apk, "1.2.3-4-gdeadbee"), "1.2.3_git4");
        assert_eq!(v(Apk, "0.0.0-dev"), "0.0.0_git");
        assert!(version(Deb, "v1.2.3").is_err());
        assert!(version(Apk, "1.2a-rc1").is_err());
    }

    #[test]
    fn architectures_by_distribution() {
        let t = |s: &str| s.parse::<Target>().unwrap();
        use PackageFormat::*;
        assert_eq!(Deb.arch(&t("linux/arm/7")), Some("armhf"));
        assert_eq!(Deb.arch(&t("linux/arm/6")), Some("armel"));
        assert_eq!(Deb.arch(&t("linux/ppc64le")), Some("ppc64el"));
        assert_eq!(Rpm.arch(&t("linux/386")), Some("i686"));
        assert_eq!(Apk.arch(&t("linux/arm/6")), Some("armhf"));
        assert_eq!(Apk.arch(&t("linux/arm/5")), None);
        assert_eq!(Deb.arch(&t("darwin/arm64")), None);
    }
}
