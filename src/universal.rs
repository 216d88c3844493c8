//! Universal macOS binaries (`universal_binaries: true`): each command's verified
//! darwin/amd64 and darwin/arm64 binaries joined into one Mach-O fat file, which macOS runs
//! natively on Intel and Apple silicon.
//!
//! The file is what Apple's `lipo -create` writes (`<mach-o/fat.h>`,
//! <https://github.com/apple-oss-distributions/cctools/blob/main/include/mach-o/fat.h>, and
//! the `lipo(1)` man page): a big-endian header `FAT_MAGIC` (0xcafebabe) and the number of
//! slices, one 20-byte `fat_arch` per slice (cputype, cpusubtype, offset, size, and the
//! alignment as a power of two), then each slice's bytes unchanged at an offset aligned to
//! 2^14 (16 KiB, the arm64 page size), zero-filled between. lipo derives each slice's
//! alignment from its segments (often 2^12 for x86_64); 2^14 is a multiple of both, so one
//! alignment serves every slice. Slices are in the order amd64, arm64.
//!
//! It is named and archived like a target `darwin/all` would be (GoReleaser's name for it
//! too): `<binary>_darwin_all`, in an archive whose `{{goarch}}` is `all`. It is audited like
//! every artifact (both slices, against the darwin job's policy) and stands in manifest.json
//! and checksums.txt under the target [`TARGET`]. Its slices were verified as the darwin
//! binaries; the fat file itself is not run again.
//!
//! **Where it is made.** A build that has both darwin binaries in its dist/ makes it
//! (`gocross build`, [`join`]). The generated workflow builds each target in its own leg, so
//! no leg has both: there `gocross release`, whose job downloads every leg into
//! `dist/<leg>/`, makes it first from the legs' verified binaries ([`release_leg`]) into a
//! leg of its own, `dist/`[`LEG_DIR`]`/` (binaries, archive, manifest.json, checksums.txt),
//! which the release then reads like any other leg.

use crate::archive::{self, ArchiveError, ArchiveJob};
use crate::audit::{self, Policy};
use crate::build::Stamp;
use crate::digest::sha256_hex;
use crate::dist::{self, DistError};
use crate::manifest::{self, Artifact, Manifest};
use crate::plan::BuildPlan;
use crate::targets::{Goarch, Goos, Target};
use crate::template::{Placeholder, Template, TemplateError};
use object::Endianness;
use object::macho::MachHeader64;
use object::read::macho::MachHeader;
use std::path::Path;

/// The target manifest.json records for a universal binary and its archive.
pub const TARGET: &str = "darwin/all";

/// What `{{goarch}}` stands for in a universal binary's archive name.
pub const GOARCH: &str = "all";

/// The directory of dist/ that `gocross release` makes the universal binaries in when dist/
/// holds one directory per build leg.
pub const LEG_DIR: &str = "universal-darwin-all";

/// The slices' alignment as a power of two: 2^14 bytes.
pub const ALIGN_LOG2: u32 = 14;

const FAT_MAGIC: u32 = 0xcafe_babe;

/// The architectures a universal binary joins, in the order of its slices.
pub const SLICES: [Goarch; 2] = crate::config::UNIVERSAL_SLICES;

/// The file name of `binary`'s universal binary: `<binary>_darwin_all`.
pub fn output_name(binary: &str) -> String {
    format!("{binary}_{}_{GOARCH}", Goos::Darwin)
}

/// Whether `target` is one of the builds a universal binary joins (darwin/amd64, darwin/arm64
/// with any variant).
pub fn is_slice(target: &Target) -> bool {
    target.goos() == Goos::Darwin && SLICES.contains(&target.goarch())
}

/// Why a universal binary could not be made.
#[derive(Debug, thiserror::Error)]
pub enum UniversalError {
    /// A slice is not a thin 64-bit Mach-O executable.
    #[error("{name} is not a 64-bit Mach-O executable ({why}): build it again")]
    NotMachO {
        /// The slice's file name.
        name: String,
        /// What its header says instead.
        why: String,
    },
    /// A slice's bytes (its path, the argument) no longer match the manifest's SHA-256.
    #[error("{0}: changed since the build (its SHA-256 differs from manifest.json's)")]
    Changed(String),
    /// The fat file (its size in bytes, the argument) would not fit 32-bit offsets.
    #[error("the universal binary would be {0} bytes, beyond the 4 GiB a fat_arch offset can hold")]
    TooLarge(u64),
    /// The universal binary's audit failed.
    #[error("{name}: {why}")]
    Audit {
        /// Its file name.
        name: String,
        /// The failed rule or what the audit could not read.
        why: String,
    },
    /// A manifest could not be read or written.
    #[error(transparent)]
    Manifest(#[from] manifest::ManifestError),
    /// A file of dist/ could not be read or written.
    #[error(transparent)]
    File(#[from] DistError),
    /// The universal binaries' archive could not be made.
    #[error("the universal binaries' archive: {0}")]
    Archive(#[from] ArchiveError),
    /// The archive name's template failed.
    #[error(transparent)]
    Template(#[from] TemplateError),
}

/// A universal binary of `slices` (thin 64-bit Mach-O files, in slice order): the fat
/// header, one `fat_arch` per slice, then the slices at 2^[`ALIGN_LOG2`]-aligned offsets.
///
/// Errors: a slice that is not a 64-bit Mach-O file (`name` names it), a result past 4 GiB.
pub fn fat(slices: &[(&str, &[u8])]) -> Result<Vec<u8>, UniversalError> {
    let align = 1u64 << ALIGN_LOG2;
    let round = |n: u64| n.div_ceil(align) * align;
    let mut offset = round(8 + 20 * slices.len() as u64);
    let mut header = Vec::with_capacity(offset as usize);
    header.extend(FAT_MAGIC.to_be_bytes());
    header.extend((slices.len() as u32).to_be_bytes());
    let mut placed = Vec::new();
    for (name, bytes) in slices {
        let not_macho = |why: String| UniversalError::NotMachO {
            name: name.to_string(),
            why,
        };
        let mach =
            MachHeader64::<Endianness>::parse(*bytes, 0).map_err(|e| not_macho(e.to_string()))?;
        let endian = mach.endian().map_err(|e| not_macho(e.to_string()))?;
        let size = bytes.len() as u64;
        let end = offset + size;
        let (Ok(at), Ok(len)) = (u32::try_from(offset), u32::try_from(size)) else {
            return Err(UniversalError::TooLarge(end));
        };
        for word in [
            mach.cputype(endian).0,
            mach.cpusubtype(endian).0,
            at,
            len,
            ALIGN_LOG2,
        ] {
            header.extend(word.to_be_bytes());
        }
        placed.push((offset, *bytes));
        offset = round(end);
    }
    let mut out = header;
    for (at, bytes) in placed {
        out.resize(at as usize, 0);
        out.extend_from_slice(bytes);
    }
    Ok(out)
}

/// The universal binaries `manifest` allows: for each binary whose darwin/amd64 and
/// darwin/arm64 artifacts both passed their checks, the two artifacts in slice order.
pub fn pairs(manifest: &Manifest) -> Vec<[&Artifact; 2]> {
    let slice = |a: &Artifact, arch: Goarch| {
        a.passed()
            && a.target
                .parse::<Target>()
                .is_ok_and(|t| t.goos() == Goos::Darwin && t.goarch() == arch)
    };
    manifest
        .artifacts
        .iter()
        .filter(|a| slice(a, SLICES[0]))
        .filter_map(|amd64| {
            let arm64 = manifest
                .artifacts
                .iter()
                .find(|a| a.binary == amd64.binary && slice(a, SLICES[1]))?;
            Some([amd64, arm64])
        })
        .collect()
}

/// Joins one pair of [`pairs`]: reads both binaries from `from` (the directory their paths are
/// relative to, read as the release reads dist/), checks them against the SHA-256 manifest.json
/// recorded, writes the universal binary into `into` (atomically) and audits it against
/// `policy` (its target rule aside: each slice is checked for its own architecture here).
/// Returns its artifact, path relative to `into`.
///
/// Errors: a binary that cannot be read, changed since the build or is not a Mach-O file, a
/// write error, an audit that does not find both slices or fails the policy.
pub fn join(
    pair: [&Artifact; 2],
    from: &Path,
    into: &Path,
    policy: &Policy,
) -> Result<Artifact, UniversalError> {
    let mut slices = Vec::new();
    for a in pair {
        let bytes = dist::read_in_dist(from, &a.path)?;
        if sha256_hex(&bytes) != a.sha256 {
            return Err(UniversalError::Changed(a.path.clone()));
        }
        slices.push((a.name.as_str(), bytes));
    }
    let borrowed: Vec<(&str, &[u8])> = slices.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let bytes = fat(&borrowed)?;
    let name = output_name(&pair[0].binary);
    let path = into.join(&name);
    dist::write_atomic(&path, &bytes)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).map_err(
            |cause| DistError::Write {
                path: path.clone(),
                cause,
            },
        )?;
    }
    let policy = Policy {
        target: None,
        ..policy.clone()
    };
    let audited = audit::audit_artifact(&path, &policy);
    let arches: Vec<Option<Goarch>> = audited
        .report
        .slices
        .iter()
        .map(|s| s.facts.goarch)
        .collect();
    let audit_failure = if arches != SLICES.map(Some) {
        Some(format!(
            "the audit reads the slices {arches:?}, not darwin/amd64 and darwin/arm64"
        ))
    } else {
        audited.problem
    };
    if let Some(why) = audit_failure {
        let _ = std::fs::remove_file(&path);
        return Err(UniversalError::Audit { name, why });
    }
    Ok(Artifact {
        target: TARGET.to_string(),
        binary: pair[0].binary.clone(),
        released: pair[0].released,
        name: name.clone(),
        path: name,
        size: bytes.len() as u64,
        sha256: sha256_hex(&bytes),
        audit: Some(audited.audit),
        ..Artifact::default()
    })
}

/// The archive of the universal binaries `binaries` (their artifact names), named like
/// `job`'s archive with `{{goarch}}` as [`GOARCH`]; `None` when `job` has no archive.
///
/// Errors: an archive name that cannot be filled.
pub fn archive_job(
    job: &crate::plan::BuildJob,
    project: &str,
    stamp: &Stamp,
    binaries: Vec<String>,
) -> Result<Option<ArchiveJob>, TemplateError> {
    let Some(plan) = &job.archive else {
        return Ok(None);
    };
    let values = stamp.values(project, None, Some(&job.target));
    let env = |var: &str| std::env::var(var).ok();
    let name = Template::parse(&plan.name, Placeholder::ARCHIVE_NAME)?
        .with_goarch(GOARCH)
        .render(&values, &env)?;
    Ok(Some(ArchiveJob {
        target: TARGET.to_string(),
        goos: job.target.goos(),
        name,
        plan: plan.clone(),
        binaries,
    }))
}

/// The release job's half (see the module docs): when `dist` holds one directory per build
/// leg, their merged manifest has darwin/amd64 and darwin/arm64 binaries of a command and no
/// universal binary yet, joins them into `dist/`[`LEG_DIR`]`/` with their archive (files from
/// `module_dir`, named for `tag`) and that leg's manifest.json and checksums.txt. `plan` is
/// the plan of gocross.yaml's darwin targets (their policy and archive settings). Returns
/// whether it made the leg.
///
/// Errors: those of [`join`] and of the archive, a manifest that cannot be read or written.
pub fn release_leg(
    dist: &Path,
    module_dir: &Path,
    plan: &BuildPlan,
    tag: &str,
) -> Result<bool, UniversalError> {
    if dist::leg_files(dist, dist::MANIFEST_FILE)?.len() < 2 {
        return Ok(false);
    }
    let merged = Manifest::read(dist)?;
    let pairs = pairs(&merged);
    if pairs.is_empty() || merged.artifacts.iter().any(|a| a.target == TARGET) {
        return Ok(false);
    }
    let Some(job) = plan.jobs.iter().find(|j| is_slice(&j.target)) else {
        return Ok(false);
    };
    let leg = dist.join(LEG_DIR);
    std::fs::create_dir_all(&leg).map_err(|cause| DistError::Write {
        path: leg.clone(),
        cause,
    })?;
    let mut made = Manifest {
        artifacts: Vec::new(),
        archives: Vec::new(),
        ..merged.clone()
    };
    for pair in pairs {
        made.artifacts.push(join(pair, dist, &leg, &job.policy)?);
    }
    made.artifacts.sort_by(|a, b| a.name.cmp(&b.name));
    let stamp = Stamp {
        version: merged.version.clone(),
        tag: tag.to_string(),
        commit: merged.commit.clone(),
        date: merged.date.clone(),
        dirty: merged.dirty,
    };
    let binaries = job
        .binaries
        .iter()
        .map(|b| output_name(&b.name))
        .filter(|name| made.artifacts.iter().any(|a| &a.name == name))
        .collect();
    if let Some(archive_job) = archive_job(job, &plan.project, &stamp, binaries)? {
        let packed = archive::pack_all(
            &[&archive_job],
            &made,
            &[],
            &leg,
            module_dir,
            &merged.date,
            1,
        );
        for a in packed {
            archive::record(&mut made, a?);
        }
    }
    made.commit(&leg)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal thin 64-bit little-endian Mach-O header of `cputype`, no load commands.
    fn thin(cputype: u32, len: usize) -> Vec<u8> {
        let mut b = Vec::new();
        for word in [0xfeed_facf_u32, cputype, 3, 2, 0, 0, 0, 0] {
            b.extend(word.to_le_bytes());
        }
        b.resize(len, 0xaa);
        b
    }

    #[test]
    fn a_slice_changed_since_the_build_is_refused_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut pair = Vec::new();
        for (arch, cpu) in [("amd64", 0x0100_0007), ("arm64", 0x0100_000c)] {
            let name = format!("hello_darwin_{arch}");
            let bytes = thin(cpu, 64);
            std::fs::write(dir.path().join(&name), &bytes).unwrap();
            pair.push(Artifact {
                target: format!("darwin/{arch}"),
                binary: "hello".into(),
                name: name.clone(),
                path: name,
                sha256: sha256_hex(&bytes),
                ..Artifact::default()
            });
        }
        std::fs::write(dir.path().join("hello_darwin_arm64"), thin(0x0100_000c, 65)).unwrap();
        let err = join(
            [&pair[0], &pair[1]],
            dir.path(),
            dir.path(),
            &Policy::default(),
        );
        assert!(
            matches!(&err, Err(UniversalError::Changed(p)) if p == "hello_darwin_arm64"),
            "{err:?}"
        );
        assert!(!dir.path().join("hello_darwin_all").exists());
    }

    #[test]
    fn fat_header_and_aligned_slices() {
        let x86 = thin(0x0100_0007, 100);
        let arm = thin(0x0100_000c, 20_000);
        let out = fat(&[("a", &x86), ("b", &arm)]).unwrap();
        let be = |at: usize| u32::from_be_bytes(out[at..at + 4].try_into().unwrap());
        assert_eq!((be(0), be(4)), (FAT_MAGIC, 2));
        assert_eq!(
            [be(8), be(12), be(16), be(20), be(24)],
            [0x0100_0007, 3, 16384, 100, 14]
        );
        assert_eq!(
            [be(28), be(32), be(36), be(40), be(44)],
            [0x0100_000c, 3, 32768, 20_000, 14]
        );
        assert_eq!(&out[16384..16484], &x86[..]);
        assert_eq!(&out[32768..], &arm[..]);
        assert!(matches!(
            fat(&[(
                "elf",
                b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
            )]),
            Err(UniversalError::NotMachO { .. })
        ));
    }
}
