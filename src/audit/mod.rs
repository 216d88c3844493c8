//! The audit: what a binary is, read from its bytes the way `file`, `readelf` and
//! `go version -m` report it, without running it, for any target on any host.
//!
//! 1. [`audit_file`] maps the file (bounded by [`AuditOptions::max_size`]) and hands the bytes
//!    to [`audit_bytes`], which never fails and never panics: whatever cannot be read is
//!    reported in [`AuditReport::error`] and the rest is still filled in.
//! 2. [`BinaryFormat::sniff`] picks the reader from the magic bytes: `elf`, `pe`,
//!    `macho` (and universal files, one report per slice), `wasm`.
//! 3. Each reader fills [`ObjectFacts`] and says where Go's build info may be;
//!    [`buildinfo`] reads it.
//! 4. [`Policy::check`] compares the facts with gocross.yaml's `audit:` and the build job
//!    ([`policy`]); [`audit_artifact`] does all of it for a build's binary and returns the
//!    report, the manifest's [`ArtifactAudit`] and the problem in one line ([`Audited`]).
//! 5. [`sbom`] turns the build info into a CycloneDX SBOM.
//! 6. `render` says it in words: the one-line description in the manner of `file`, and the
//!    step summary's table ([`summary_markdown`]).
//!
//! Untrusted input: every read is bounded by the input slice, every list by
//! `address_space::MAX_ENTRIES`, and compressed sections are never decompressed.

mod address_space;
pub mod buildinfo;
mod elf;
mod macho;
mod pe;
pub mod policy;
mod render;
pub mod sbom;
mod wasm;

pub use buildinfo::{BlobFormat, GoInfo, Module, Settings};
pub use elf::{AbiTag, ElfInfo};
pub use macho::MachOInfo;
pub use pe::PeInfo;
pub use policy::Policy;
pub use render::summary_markdown;
pub use sbom::write_sbom;
pub use wasm::WasmInfo;

pub use crate::manifest::Linkage;
use crate::manifest::{ArtifactAudit, Violation};
use crate::targets::{Goarch, Goos};
use address_space::AddressSpace;
use serde::Serialize;
use std::fmt;
use std::path::Path;

/// The container format of a file, from its first bytes.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum BinaryFormat {
    /// `\x7fELF`.
    #[serde(rename = "elf")]
    Elf,
    /// `MZ` (a DOS header in front of a PE header).
    #[serde(rename = "pe")]
    Pe,
    /// `feedface`/`feedfacf` in either byte order.
    #[serde(rename = "macho")]
    MachO,
    /// `cafebabe`/`cafebabf` with a small slice count (a universal binary).
    #[serde(rename = "macho-fat")]
    MachOFat,
    /// `\0asm`.
    #[serde(rename = "wasm")]
    Wasm,
    /// Anything else (text, archives, Java classes, ...).
    #[serde(rename = "unknown")]
    Unknown,
}

impl BinaryFormat {
    /// The format of a file whose first bytes are `head` (16 bytes are enough).
    pub fn sniff(head: &[u8]) -> BinaryFormat {
        match head {
            [0x7f, b'E', b'L', b'F', ..] => BinaryFormat::Elf,
            [b'M', b'Z', ..] => BinaryFormat::Pe,
            [0xfe, 0xed, 0xfa, 0xce | 0xcf, ..] | [0xce | 0xcf, 0xfa, 0xed, 0xfe, ..] => {
                BinaryFormat::MachO
            }
            [0xca, 0xfe, 0xba, 0xbe | 0xbf, ..] if macho::is_fat(head) => BinaryFormat::MachOFat,
            [0, b'a', b's', b'm', ..] => BinaryFormat::Wasm,
            _ => BinaryFormat::Unknown,
        }
    }

    /// The name used in JSON (`elf`, `pe`, `macho`, `macho-fat`, `wasm`, `unknown`).
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryFormat::Elf => "elf",
            BinaryFormat::Pe => "pe",
            BinaryFormat::MachO => "macho",
            BinaryFormat::MachOFat => "macho-fat",
            BinaryFormat::Wasm => "wasm",
            BinaryFormat::Unknown => "unknown",
        }
    }
}

impl fmt::Display for BinaryFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Byte order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Endian {
    /// Least significant byte first.
    Little,
    /// Most significant byte first.
    Big,
}

/// What is known about one object: a whole file, or one slice of a universal file. Fields
/// that do not apply to the format are `None` (JSON `null`) or empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ObjectFacts {
    /// 32 or 64.
    pub bits: Option<u8>,
    /// The byte order, when the format says.
    pub endian: Option<Endian>,
    /// The GOOS the binary targets: Go's build info when present, else the container's word
    /// (ELF OS/ABI, ABI tag and interpreter; PE is windows; Mach-O darwin or ios by platform;
    /// wasm by the host module imported).
    pub goos: Option<Goos>,
    /// The GOARCH of the machine code (ELF e_machine with class and byte order, PE machine,
    /// Mach-O cputype); `None` for an architecture Go has no port for.
    pub goarch: Option<Goarch>,
    /// The architecture in the format's own terms: `EM_AARCH64`, `IMAGE_FILE_MACHINE_AMD64`,
    /// `CPU_TYPE_ARM64`, `wasm32`.
    pub machine: Option<String>,
    /// ELF: `exec`, `pie`, `dyn`, `rel`, `core`; PE: `exe`, `dll`; Mach-O: `execute`,
    /// `dylib`, `bundle`, ...; wasm: `module`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// ELF executables and shared objects only.
    pub linkage: Option<Linkage>,
    /// No symbol table (ELF: no SHT_SYMTAB, as `file` says; PE: no COFF symbols; Mach-O: no
    /// local symbols; wasm: no `name` section).
    pub stripped: Option<bool>,
    /// DWARF present (`.debug_info`, `.zdebug_info`, `__debug_info`).
    pub debug_info: Option<bool>,
    /// Shared libraries: DT_NEEDED, imported DLLs, dylibs, wasm host modules.
    pub libraries: Vec<String>,
    /// Highest `GLIBC_x.y` version required (ELF), e.g. `2.34`.
    pub glibc_floor: Option<crate::targets::Version>,
    /// ELF facts, for an ELF file.
    pub elf: Option<ElfInfo>,
    /// PE facts, for a Windows executable.
    pub pe: Option<PeInfo>,
    /// Mach-O facts, for a Mach-O file.
    pub macho: Option<MachOInfo>,
    /// wasm facts, for a wasm module.
    pub wasm: Option<WasmInfo>,
    /// Go build info; `None` for a file that is not a Go binary.
    pub go: Option<GoInfo>,
}

/// One slice of a universal (fat) Mach-O file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Slice {
    /// Byte offset and size of the slice in the file.
    pub offset: u64,
    /// Size in bytes of the slice.
    pub size: u64,
    /// What is known about the slice's object.
    #[serde(flatten)]
    pub facts: ObjectFacts,
}

/// The audit of one file: the element of `gocross audit --json`'s array, and the `report`
/// stored in manifest.json. The shape is stable; fields are only added (README, "Audit").
#[derive(Debug, Clone, Serialize)]
pub struct AuditReport {
    /// The path as given.
    pub path: String,
    /// File size in bytes.
    pub size: u64,
    /// The file's format.
    pub format: BinaryFormat,
    /// One line in the manner of `file`.
    pub summary: String,
    /// What is known about the object (the first slice of a universal file).
    #[serde(flatten)]
    pub facts: ObjectFacts,
    /// The slices of a universal file (empty otherwise). The top-level `go` is the first
    /// slice's, as `go version -m` reads it.
    pub slices: Vec<Slice>,
    /// Why the file could not be read completely: `malformed ELF: ...`, `cannot read ...`,
    /// `larger than ...`. The facts read before the problem are kept.
    pub error: Option<String>,
    /// True when the file was read completely and broke no policy rule.
    pub passed: bool,
    /// The policy rules it breaks; empty when it passed.
    pub violations: Vec<Violation>,
}

/// Limits for reading untrusted files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditOptions {
    /// Largest file audited, in bytes; larger files are reported, not read.
    pub max_size: u64,
}

/// The default [`AuditOptions::max_size`]: 512 MiB.
pub const DEFAULT_MAX_SIZE: u64 = 512 << 20;

impl Default for AuditOptions {
    fn default() -> Self {
        AuditOptions {
            max_size: DEFAULT_MAX_SIZE,
        }
    }
}

/// Where a reader found that Go's build info may be: the address range to search and the
/// file bytes mapped there.
pub(crate) struct GoSearch<'a> {
    pub space: AddressSpace<'a>,
    pub start: u64,
    pub size: u64,
}

/// A reader's result: the facts, and where to look for Go's build info.
pub(crate) struct Parsed<'a> {
    pub facts: ObjectFacts,
    pub go: Option<GoSearch<'a>>,
}

/// Most problems kept in [`AuditReport::error`]; a badly broken file repeats itself.
const MAX_PROBLEMS: usize = 8;

/// Audits the file at `path`, a file gocross does not own (`gocross audit FILE`): its type is
/// checked before it is opened (a FIFO, device or directory is reported, never opened), it is
/// opened without blocking, read into memory (at most `options.max_size` bytes) rather than
/// mapped, and a file that changed while it was read is reported as such. Every problem is
/// reported, never raised (missing, not a regular file, too large, malformed).
pub fn audit_file(path: &Path, options: &AuditOptions) -> AuditReport {
    audit_path(path, options, Access::Read)
}

/// Audits a file gocross owns and nothing else rewrites while it reads (a build output in the
/// dist/ it holds locked): mapped read-only, so a large binary costs little memory. Otherwise
/// as [`audit_file`].
pub fn audit_owned_file(path: &Path, options: &AuditOptions) -> AuditReport {
    audit_path(path, options, Access::Map)
}

/// How [`audit_path`] gets the bytes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Read into memory, checking afterwards that the file did not change.
    Read,
    /// Mapped: only for files gocross owns (a file truncated under a map raises SIGBUS).
    Map,
}

fn audit_path(path: &Path, options: &AuditOptions, access: Access) -> AuditReport {
    let shown = path.display().to_string();
    let unreadable = |size: u64, format: BinaryFormat, error: String| {
        let mut r = audit_bytes(&shown, &[]);
        r.size = size;
        r.format = format;
        r.summary = format!("{format} file, not read");
        r.error = Some(error);
        r.passed = false;
        r
    };
    let not_regular = || {
        unreadable(
            0,
            BinaryFormat::Unknown,
            "not a regular file (a directory, device or pipe)".into(),
        )
    };
    // The type first: opening a FIFO for reading would wait for a writer.
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => return not_regular(),
        Ok(_) => {}
        Err(e) => return unreadable(0, BinaryFormat::Unknown, format!("cannot open: {e}")),
    }
    let mut open = std::fs::OpenOptions::new();
    open.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        open.custom_flags(libc::O_NONBLOCK);
    }
    let file = match open.open(path) {
        Ok(f) => f,
        Err(e) => return unreadable(0, BinaryFormat::Unknown, format!("cannot open: {e}")),
    };
    let meta = match file.metadata() {
        Ok(m) => m,
        Err(e) => return unreadable(0, BinaryFormat::Unknown, format!("cannot read: {e}")),
    };
    if !meta.is_file() {
        return not_regular();
    }
    let size = meta.len();
    if size == 0 {
        return audit_bytes(&shown, &[]);
    }
    if size > options.max_size {
        let mut head = [0u8; 16];
        let n = std::io::Read::read(&mut &file, &mut head).unwrap_or(0);
        return unreadable(
            size,
            BinaryFormat::sniff(&head[..n]),
            format!(
                "{size} bytes, larger than the {} byte limit (raise it with --max-size)",
                options.max_size
            ),
        );
    }
    match access {
        Access::Map => {
            // SAFETY: the map is read-only and every read is bounded by the slice; the file is
            // gocross's own (see `audit_owned_file`), so nothing truncates it meanwhile.
            let map = match unsafe { memmap2::Mmap::map(&file) } {
                Ok(m) => m,
                Err(e) => {
                    return unreadable(size, BinaryFormat::Unknown, format!("cannot map: {e}"));
                }
            };
            audit_bytes(&shown, &map)
        }
        Access::Read => {
            use std::io::Read;
            let mut bytes = Vec::with_capacity(size as usize);
            // One byte past the size found: a file that grew is noticed.
            if let Err(e) = (&file)
                .take(options.max_size.min(size + 1))
                .read_to_end(&mut bytes)
            {
                return unreadable(size, BinaryFormat::Unknown, format!("cannot read: {e}"));
            }
            let after = file.metadata().ok();
            let changed = bytes.len() as u64 != size
                || after
                    .as_ref()
                    .is_none_or(|a| a.len() != size || a.modified().ok() != meta.modified().ok());
            if changed {
                return unreadable(
                    size,
                    BinaryFormat::sniff(&bytes),
                    "changed while it was read: audit it again once nothing writes it".into(),
                );
            }
            audit_bytes(&shown, &bytes)
        }
    }
}

/// Audits bytes already in memory; `path` only names them in the report. Never panics, never
/// allocates more than a small multiple of the facts it reports.
pub fn audit_bytes(path: &str, data: &[u8]) -> AuditReport {
    let format = BinaryFormat::sniff(data);
    let mut problems = Vec::new();
    let mut slices = Vec::new();
    let facts = match format {
        BinaryFormat::Elf => resolve(elf::read(data, &mut problems), &mut problems),
        BinaryFormat::Pe => resolve(pe::read(data, &mut problems), &mut problems),
        BinaryFormat::MachO => resolve(macho::read(data, &mut problems), &mut problems),
        BinaryFormat::Wasm => resolve(
            wasm::read(data, &mut problems).map(|facts| Parsed { facts, go: None }),
            &mut problems,
        ),
        BinaryFormat::MachOFat => {
            match macho::fat_slices(data) {
                Ok(table) => {
                    for (cputype, offset, size) in table {
                        if offset.saturating_add(size) > data.len() as u64 {
                            problems.push(format!(
                                "malformed Mach-O universal file: the slice for cputype {cputype:#x} ends past the end of the file (truncated?)"
                            ));
                        }
                        let bytes = address_space::clamp(data, offset, size);
                        let facts = resolve(macho::read(bytes, &mut problems), &mut problems);
                        slices.push(Slice {
                            offset,
                            size,
                            facts,
                        });
                    }
                }
                Err(e) => problems.push(e),
            }
            ObjectFacts {
                goos: slices.first().and_then(|s| s.facts.goos),
                go: slices.first().and_then(|s| s.facts.go.clone()),
                ..ObjectFacts::default()
            }
        }
        BinaryFormat::Unknown => ObjectFacts::default(),
    };
    problems.dedup();
    let error = match problems.len() {
        0 => None,
        n if n > MAX_PROBLEMS => Some(format!(
            "{} (and {} more)",
            problems[..MAX_PROBLEMS].join("; "),
            n - MAX_PROBLEMS
        )),
        _ => Some(problems.join("; ")),
    };
    let mut report = AuditReport {
        path: path.to_string(),
        size: data.len() as u64,
        format,
        summary: String::new(),
        facts,
        slices,
        passed: error.is_none(),
        error,
        violations: Vec::new(),
    };
    report.summary = render::summary(&report);
    report
}

/// Reads Go's build info where the reader pointed, then lets it name the GOOS; a GOARCH that
/// contradicts the machine code is a problem.
fn resolve(parsed: Option<Parsed<'_>>, problems: &mut Vec<String>) -> ObjectFacts {
    let Some(Parsed { mut facts, go }) = parsed else {
        return ObjectFacts::default();
    };
    if let Some(search) = go {
        match buildinfo::find(&search.space, search.start, search.size) {
            Ok(info) => facts.go = info,
            Err(e) => problems.push(e),
        }
    }
    if let Some(go) = &facts.go {
        if let Some(goos) = go.settings.get("GOOS").and_then(|s| s.parse().ok()) {
            facts.goos = Some(goos);
        }
        let goarch: Option<Goarch> = go.settings.get("GOARCH").and_then(|s| s.parse().ok());
        if let (Some(recorded), Some(machine)) = (goarch, facts.goarch)
            && recorded != machine
        {
            problems.push(format!(
                "inconsistent: the build info says GOARCH={recorded} but the machine code is {machine} ({})",
                facts.machine.as_deref().unwrap_or("?")
            ));
        }
    }
    facts
}

/// One binary audited against its policy ([`audit_artifact`]).
#[derive(Debug, Clone)]
pub struct Audited {
    /// The full report, with the policy's violations and verdict: what an SBOM is written
    /// from, and what [`crate::verify::Request::audit`] takes so that the file is not read
    /// twice.
    pub report: AuditReport,
    /// What manifest.json records: the verdict, the facts a release table shows, and the
    /// report as JSON.
    pub audit: ArtifactAudit,
    /// Why the binary fails, as one line for the build summary (`audit failed (static: found
    /// interpreter /lib/ld-linux-aarch64.so.1, allowed no PT_INTERP, no DT_NEEDED)`); `None`
    /// when it passed.
    pub problem: Option<String>,
}

/// Audits the file at `path`, a build output of gocross's own ([`audit_owned_file`]), against
/// `policy`: the one audit of a build's artifact, used by `gocross build` right after each
/// `go build` and by anything else that checks a binary it built for its build job. A file
/// that cannot be read completely fails (rule `readable`).
pub fn audit_artifact(path: &Path, policy: &Policy) -> Audited {
    let mut report = audit_owned_file(path, &AuditOptions::default());
    policy.apply(&mut report);
    let audit = ArtifactAudit {
        passed: report.passed,
        linkage: report.facts.linkage,
        glibc_floor: report.facts.glibc_floor.map(|v| v.to_string()),
        violations: report.violations.clone(),
        report: serde_json::to_value(&report).expect("an audit report always serializes"),
    };
    let problem = (!audit.passed).then(|| {
        let rules: Vec<String> = audit
            .violations
            .iter()
            .map(|v| format!("{}: found {}, allowed {}", v.rule, v.found, v.allowed))
            .collect();
        let what = match (&report.error, rules.is_empty()) {
            (Some(e), true) => e.clone(),
            _ => rules.join("; "),
        };
        format!("audit failed ({what})")
    });
    Audited {
        report,
        audit,
        problem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_magic_bytes() {
        assert_eq!(BinaryFormat::sniff(b"\x7fELF\x02\x01"), BinaryFormat::Elf);
        assert_eq!(BinaryFormat::sniff(b"MZ\x90\0"), BinaryFormat::Pe);
        assert_eq!(
            BinaryFormat::sniff(&[0xcf, 0xfa, 0xed, 0xfe]),
            BinaryFormat::MachO
        );
        assert_eq!(
            BinaryFormat::sniff(&[0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2]),
            BinaryFormat::MachOFat
        );
        assert_eq!(
            BinaryFormat::sniff(&[0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 61]),
            BinaryFormat::Unknown,
            "a Java class file"
        );
        assert_eq!(BinaryFormat::sniff(b"\0asm\x01\0\0\0"), BinaryFormat::Wasm);
        assert_eq!(BinaryFormat::sniff(b"#!/bin/sh\n"), BinaryFormat::Unknown);
        assert_eq!(BinaryFormat::sniff(b""), BinaryFormat::Unknown);
    }

    #[test]
    fn truncated_headers_are_reported_not_panicked_on() {
        for data in [
            &b"\x7fELF"[..],
            b"\x7fELF\x02\x01\x01",
            b"MZ",
            &[0xcf, 0xfa, 0xed, 0xfe, 7],
            &[0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2, 1],
            b"\0asm",
        ] {
            let r = audit_bytes("x", data);
            assert!(r.error.is_some(), "{data:?}: {r:?}");
            assert!(!r.passed);
        }
        let r = audit_bytes("x", b"hello");
        assert_eq!(
            (r.format, r.error, r.passed),
            (BinaryFormat::Unknown, None, true)
        );
        assert_eq!(r.summary, "data");
    }
}
