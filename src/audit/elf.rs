//! ELF: what `file`, `readelf -d` and `readelf -V` report, read the way the dynamic loader sees
//! the file.
//!
//! The headers, program headers, section headers and notes come from the `object` crate; the
//! dynamic table, its strings and the version needs are followed by virtual address through
//! the PT_LOAD segments, as `ld.so` does (so a file whose section headers were removed still
//! reads). Facts (ELF gABI, the LSB, FreeBSD's and NetBSD's note formats):
//! - an executable's linkage is static when there is neither a PT_INTERP nor a DT_NEEDED
//!   entry (a static PIE included), and unknown when the PT_DYNAMIC segment has no bytes in
//!   the file (a separate debug file); a shared object is always dynamic (as `file` says);
//! - an ET_DYN file is a PIE when DT_FLAGS_1 has DF_1_PIE (as `file` 5.x decides);
//! - stripped means there is no SHT_SYMTAB section (`file`'s meaning);
//! - the glibc floor is the highest `GLIBC_x.y[.z]` version in the version needs;
//! - the ABI tag is the `GNU` note type 1 (OS, kernel major, minor, patch) or the `FreeBSD`,
//!   `NetBSD` and `OpenBSD` notes type 1;
//! - Go build info is in `.go.buildinfo`; in a file without section headers, in the first
//!   writable, non-executable PT_LOAD.
//!
//! Compressed debug sections are never decompressed: only their names are read.

use super::address_space::{AddressSpace, MAX_ENTRIES, Region, c_string, clamp, u16_at, u32_at};
use super::{Endian, GoSearch, Linkage, ObjectFacts, Parsed};
use crate::targets::Version;
use crate::targets::{Goarch, Goos};
use object::Endianness;
use object::elf;
use object::read::elf::{Dyn as _, FileHeader, ProgramHeader, SectionHeader};
use serde::Serialize;
use std::collections::BTreeMap;

/// ELF-specific facts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ElfInfo {
    /// EI_OSABI: `sysv`, `gnu`, `freebsd`, `netbsd`, `openbsd`, `solaris`, ... or the number.
    pub osabi: String,
    /// The dynamic loader (PT_INTERP), e.g. `/lib64/ld-linux-x86-64.so.2`.
    pub interpreter: Option<String>,
    /// DT_NEEDED entries, in order.
    pub needed: Vec<String>,
    /// DT_SONAME of a shared library.
    pub soname: Option<String>,
    /// DT_RPATH as stored (colon-separated); several entries are joined with `:`.
    pub rpath: Option<String>,
    /// DT_RUNPATH as stored.
    pub runpath: Option<String>,
    /// Symbol versions required per library (DT_VERNEED / `.gnu.version_r`), e.g.
    /// `{"libc.so.6": ["GLIBC_2.34", "GLIBC_2.2.5"]}`.
    pub version_needs: BTreeMap<String, Vec<String>>,
    /// The ABI tag note: the minimum kernel the binary was built for.
    pub abi_tag: Option<AbiTag>,
}

/// An ABI tag note: the OS and the minimum kernel version (`for GNU/Linux 3.2.0` in `file`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AbiTag {
    /// `linux`, `hurd`, `solaris`, `freebsd`, `netbsd` or `openbsd`.
    pub os: String,
    /// `3.2.0` (GNU), `12.3` (FreeBSD), `10.0` (NetBSD); `None` when the note holds none.
    pub version: Option<String>,
}

/// Reads an ELF file. Returns `None` (with a problem) when the header itself is unreadable.
pub(super) fn read<'a>(data: &'a [u8], problems: &mut Vec<String>) -> Option<Parsed<'a>> {
    match data.get(4) {
        Some(1) => read_class::<elf::FileHeader32<Endianness>>(data, problems),
        Some(2) => read_class::<elf::FileHeader64<Endianness>>(data, problems),
        _ => {
            problems.push("malformed ELF: unknown class (EI_CLASS)".into());
            None
        }
    }
}

/// Keeps the first `MAX_ENTRIES` items, noting a problem when there were more.
fn capped<T>(items: &[T], what: &str, problems: &mut Vec<String>) -> usize {
    if items.len() > MAX_ENTRIES {
        problems.push(format!(
            "malformed ELF: {} {what}, more than the {MAX_ENTRIES} gocross reads",
            items.len()
        ));
    }
    items.len().min(MAX_ENTRIES)
}

/// Reads an ELF file of one class (`FileHeader32` or `FileHeader64`): the headers, then each
/// part in the order the problems are reported: the PT_LOAD address space, PT_INTERP, the
/// section facts, the dynamic table and its strings, the version needs, the ABI tag note.
fn read_class<'a, Elf: FileHeader<Endian = Endianness>>(
    data: &'a [u8],
    problems: &mut Vec<String>,
) -> Option<Parsed<'a>> {
    let header = match Elf::parse(data) {
        Ok(h) => h,
        Err(e) => {
            problems.push(bad("header", e));
            return None;
        }
    };
    let endian = match header.endian() {
        Ok(e) => e,
        Err(e) => {
            problems.push(bad("header", e));
            return None;
        }
    };
    let big = endian == Endianness::Big;
    let bits = if header.is_type_64() { 64 } else { 32 };
    let phdrs = header.program_headers(endian, data).unwrap_or_else(|e| {
        problems.push(bad("program headers", e));
        &[]
    });
    let phdrs = &phdrs[..capped(phdrs, "program headers", problems)];
    let sections = header.sections(endian, data).unwrap_or_else(|e| {
        problems.push(bad("section headers", e));
        Default::default()
    });

    let space = load_segments::<Elf>(phdrs, endian, data, problems);
    let mut info = ElfInfo {
        osabi: osabi_name(header.e_ident().os_abi.0),
        interpreter: interpreter::<Elf>(phdrs, endian, data, problems),
        ..ElfInfo::default()
    };
    let shdrs = sections.iter().as_slice();
    let found = section_facts(&sections, endian, data, problems);
    let dynamic = dynamic_table::<Elf>(phdrs, endian, data, problems);
    let dynstr = dynamic
        .strtab
        .and_then(|addr| space.read(addr, dynamic.strsz.unwrap_or(0)))
        .filter(|s| !s.is_empty())
        .unwrap_or(found.dynstr);
    dynamic_strings(&mut info, &dynamic, dynstr, problems);
    info.version_needs =
        glibc_version_needs(&dynamic, &space, found.verneed, big, dynstr, problems);
    info.abi_tag = abi_tag_note::<Elf>(phdrs, shdrs, endian, data, big, problems);

    let machine = header.e_machine(endian).0;
    let (kind, linkage) = kind_and_linkage(header.e_type(endian).0, &dynamic, &info);
    let glibc_floor = glibc_floor(&info.version_needs);
    let go_search = go_search::<Elf>(found.buildinfo, shdrs, phdrs, endian);
    let goos = elf_goos(&info);
    Some(Parsed {
        facts: ObjectFacts {
            bits: Some(bits),
            endian: Some(if big { Endian::Big } else { Endian::Little }),
            goos,
            goarch: elf_goarch(machine, bits, big),
            machine: Some(machine_name(machine)),
            kind: Some(kind),
            linkage,
            stripped: Some(!found.has_symtab),
            debug_info: Some(found.debug_info),
            libraries: info.needed.clone(),
            glibc_floor,
            elf: Some(info),
            ..ObjectFacts::default()
        },
        go: go_search.map(|(start, size)| GoSearch { space, start, size }),
    })
}

/// A problem of the `object` crate's reading, said as gocross says them.
fn bad(what: &str, e: object::read::Error) -> String {
    format!("malformed ELF: {what}: {e}")
}

/// The PT_LOAD segments as an address space: where the dynamic table, the version needs and
/// the build info are found by virtual address. A segment that ends past the file is a
/// problem (a truncated file) and keeps the bytes the file has.
fn load_segments<'a, Elf: FileHeader<Endian = Endianness>>(
    phdrs: &[Elf::ProgramHeader],
    endian: Endianness,
    data: &'a [u8],
    problems: &mut Vec<String>,
) -> AddressSpace<'a> {
    let mut space = AddressSpace::default();
    for ph in phdrs {
        if ph.p_type(endian) != elf::PT_LOAD {
            continue;
        }
        let (offset, filesz) = (ph.p_offset(endian).into(), ph.p_filesz(endian).into());
        if offset.saturating_add(filesz) > data.len() as u64 {
            problems.push(format!(
                "malformed ELF: a PT_LOAD segment ends at byte {}, past the end of the {}-byte file (truncated?)",
                offset.saturating_add(filesz),
                data.len()
            ));
        }
        space.regions.push(Region {
            addr: ph.p_vaddr(endian).into(),
            bytes: clamp(data, offset, filesz),
        });
    }
    space
}

/// The dynamic loader named by PT_INTERP (the last one, should there be several).
fn interpreter<Elf: FileHeader<Endian = Endianness>>(
    phdrs: &[Elf::ProgramHeader],
    endian: Endianness,
    data: &[u8],
    problems: &mut Vec<String>,
) -> Option<String> {
    let mut interpreter = None;
    for ph in phdrs.iter().filter(|p| p.p_type(endian) == elf::PT_INTERP) {
        let (offset, size) = (ph.p_offset(endian).into(), ph.p_filesz(endian).into());
        match c_string(clamp(data, offset, size), 0) {
            Some(s) => interpreter = Some(s),
            None => problems.push("malformed ELF: PT_INTERP is outside the file".into()),
        }
    }
    interpreter
}

/// What the section headers say.
struct SectionFacts<'a> {
    /// An SHT_SYMTAB is present (not stripped).
    has_symtab: bool,
    /// `.debug_info` or `.zdebug_info` is present.
    debug_info: bool,
    /// `.go.buildinfo`: its address and size.
    buildinfo: Option<(u64, u64)>,
    /// `.dynstr`, for a file whose DT_STRTAB cannot be followed.
    dynstr: &'a [u8],
    /// SHT_GNU_VERNEED (`.gnu.version_r`) and its entry count, for a file without DT_VERNEED.
    verneed: Option<(&'a [u8], u32)>,
}

/// Walks the section headers (at most `MAX_ENTRIES`): symbol table, debug info, the build
/// info section and the fallback string and version-need tables. A section that ends past
/// the file is a problem.
fn section_facts<'a, Elf: FileHeader<Endian = Endianness>>(
    sections: &object::read::elf::SectionTable<'a, Elf>,
    endian: Endianness,
    data: &'a [u8],
    problems: &mut Vec<String>,
) -> SectionFacts<'a> {
    let mut found = SectionFacts {
        has_symtab: false,
        debug_info: false,
        buildinfo: None,
        dynstr: &[],
        verneed: None,
    };
    let shdrs = sections.iter().as_slice();
    for sh in &shdrs[..capped(shdrs, "sections", problems)] {
        let name = sections.section_name(endian, sh).unwrap_or_default();
        let sh_type = sh.sh_type(endian);
        let (offset, size): (u64, u64) = (sh.sh_offset(endian).into(), sh.sh_size(endian).into());
        if sh_type != elf::SHT_NOBITS
            && sh_type != elf::SHT_NULL
            && offset.saturating_add(size) > data.len() as u64
        {
            problems.push(format!(
                "malformed ELF: section {} ends past the end of the file (truncated?)",
                String::from_utf8_lossy(name)
            ));
        }
        match sh_type {
            elf::SHT_SYMTAB => found.has_symtab = true,
            elf::SHT_GNU_VERNEED => {
                found.verneed = Some((clamp(data, offset, size), sh.sh_info(endian)));
            }
            _ => {}
        }
        match name {
            b".debug_info" | b".zdebug_info" => found.debug_info = true,
            b".go.buildinfo" => found.buildinfo = Some((sh.sh_addr(endian).into(), size)),
            b".dynstr" => found.dynstr = clamp(data, offset, size),
            _ => {}
        }
    }
    found
}

/// The dynamic table, read through the PT_DYNAMIC segment up to DT_NULL (at most
/// `MAX_ENTRIES` entries).
fn dynamic_table<Elf: FileHeader<Endian = Endianness>>(
    phdrs: &[Elf::ProgramHeader],
    endian: Endianness,
    data: &[u8],
    problems: &mut Vec<String>,
) -> Dynamic {
    let mut dynamic = Dynamic::default();
    for ph in phdrs {
        if ph.p_type(endian) == elf::PT_DYNAMIC && ph.p_filesz(endian).into() == 0 {
            dynamic.absent = true;
        }
        match ph.dynamic(endian, data) {
            Ok(Some(entries)) => {
                let n = capped(entries, "dynamic entries", problems);
                for d in &entries[..n] {
                    let tag = d.d_tag(endian);
                    if tag == elf::DT_NULL {
                        break;
                    }
                    dynamic.add(tag, d.d_val(endian).into());
                }
            }
            Ok(None) => {}
            Err(e) => problems.push(bad("PT_DYNAMIC", e)),
        }
    }
    dynamic
}

/// DT_NEEDED, DT_SONAME, DT_RPATH and DT_RUNPATH as strings of `dynstr` (several RPATH or
/// RUNPATH entries joined with `:`); an offset outside the table is a problem.
fn dynamic_strings(
    info: &mut ElfInfo,
    dynamic: &Dynamic,
    dynstr: &[u8],
    problems: &mut Vec<String>,
) {
    let string = |off: u64, problems: &mut Vec<String>| -> Option<String> {
        let s = usize::try_from(off).ok().and_then(|o| c_string(dynstr, o));
        if s.is_none() {
            problems.push(format!(
                "malformed ELF: dynamic string offset {off} is outside the string table"
            ));
        }
        s
    };
    info.needed = dynamic
        .needed
        .iter()
        .filter_map(|&o| string(o, problems))
        .collect();
    info.soname = dynamic.soname.and_then(|o| string(o, problems));
    let join = |offs: &[u64], problems: &mut Vec<String>| -> Option<String> {
        let parts: Vec<String> = offs.iter().filter_map(|&o| string(o, problems)).collect();
        (!parts.is_empty()).then(|| parts.join(":"))
    };
    info.rpath = join(&dynamic.rpath, problems);
    info.runpath = join(&dynamic.runpath, problems);
}

/// The version needs (from which the glibc floor is taken): DT_VERNEED followed through the
/// segments, else the SHT_GNU_VERNEED section; empty when there are neither.
fn glibc_version_needs(
    dynamic: &Dynamic,
    space: &AddressSpace<'_>,
    section: Option<(&[u8], u32)>,
    big: bool,
    dynstr: &[u8],
    problems: &mut Vec<String>,
) -> BTreeMap<String, Vec<String>> {
    let verneed = match dynamic.verneed {
        Some(addr) => space
            .read(addr, u64::MAX)
            .map(|b| (b, dynamic.verneednum.unwrap_or(0))),
        None => section.map(|(b, n)| (b, u64::from(n))),
    };
    match verneed {
        Some((bytes, count)) => version_needs(bytes, count, big, dynstr, problems),
        None => BTreeMap::new(),
    }
}

/// The ABI tag: the last readable `NT_GNU_ABI_TAG` note of the PT_NOTE segments, or of the
/// note sections when the file has no program headers (at most `MAX_ENTRIES` notes each).
fn abi_tag_note<Elf: FileHeader<Endian = Endianness>>(
    phdrs: &[Elf::ProgramHeader],
    shdrs: &[Elf::SectionHeader],
    endian: Endianness,
    data: &[u8],
    big: bool,
    problems: &mut Vec<String>,
) -> Option<AbiTag> {
    let mut found = None;
    let from_segments = phdrs
        .iter()
        .filter_map(|ph| ph.notes(endian, data).transpose());
    let from_sections: Vec<_> = if phdrs.is_empty() {
        shdrs
            .iter()
            .take(MAX_ENTRIES)
            .filter_map(|sh| sh.notes(endian, data).transpose())
            .collect()
    } else {
        Vec::new()
    };
    for notes in from_segments.chain(from_sections) {
        let mut notes = match notes {
            Ok(n) => n,
            Err(e) => {
                problems.push(bad("note", e));
                continue;
            }
        };
        for _ in 0..MAX_ENTRIES {
            match notes.next() {
                Ok(Some(note)) => {
                    if note.n_type(endian) == elf::NT_GNU_ABI_TAG
                        && let Some(tag) = abi_tag(note.name(), note.desc(), big)
                    {
                        found = Some(tag);
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    problems.push(bad("note", e));
                    break;
                }
            }
        }
    }
    found
}

/// The file's kind as `readelf` names e_type (`pie` for an ET_DYN with DF_1_PIE) and its
/// linkage by the rules of this module's header.
fn kind_and_linkage(e_type: u16, dynamic: &Dynamic, info: &ElfInfo) -> (String, Option<Linkage>) {
    let pie = dynamic.flags_1 & elf::DF_1_PIE.0 != 0;
    let kind = match e_type {
        1 => "rel".to_string(),
        2 => "exec".to_string(),
        3 if pie => "pie".to_string(),
        3 => "dyn".to_string(),
        4 => "core".to_string(),
        n => format!("unknown ({n})"),
    };
    let linkage = match (e_type, &info.interpreter, info.needed.is_empty()) {
        (3, _, _) if !pie => Some(Linkage::Dynamic),
        (2 | 3, None, true) if dynamic.absent => None,
        (2 | 3, None, true) => Some(Linkage::Static),
        (2 | 3, _, _) => Some(Linkage::Dynamic),
        _ => None,
    };
    (kind, linkage)
}

/// Where Go's build info is searched: `.go.buildinfo` (address, size). Go's linker has
/// written that section since the build info exists (Go 1.13), and external linkers keep
/// it; so a file with a section table but without that section is not searched (Go's
/// reader would scan its whole data segment in vain). Without a section table, the first
/// writable, non-executable PT_LOAD is searched, as Go does.
fn go_search<Elf: FileHeader<Endian = Endianness>>(
    buildinfo_section: Option<(u64, u64)>,
    shdrs: &[Elf::SectionHeader],
    phdrs: &[Elf::ProgramHeader],
    endian: Endianness,
) -> Option<(u64, u64)> {
    match buildinfo_section {
        Some((addr, size)) => Some((addr, size)),
        None if !shdrs.is_empty() => None,
        None => phdrs
            .iter()
            .find(|p| {
                p.p_type(endian) == elf::PT_LOAD
                    && p.p_flags(endian).0 & (elf::PF_X.0 | elf::PF_W.0) == elf::PF_W.0
            })
            .map(|p| (p.p_vaddr(endian).into(), p.p_memsz(endian).into())),
    }
}

/// The dynamic entries gocross reads.
#[derive(Default)]
struct Dynamic {
    needed: Vec<u64>,
    rpath: Vec<u64>,
    runpath: Vec<u64>,
    soname: Option<u64>,
    strtab: Option<u64>,
    strsz: Option<u64>,
    flags_1: u64,
    verneed: Option<u64>,
    verneednum: Option<u64>,
    /// A PT_DYNAMIC without file bytes (a separate debug file, whose contents are NOBITS):
    /// the linkage is unknown.
    absent: bool,
}

impl Dynamic {
    fn add(&mut self, tag: elf::DynamicTag, val: u64) {
        match tag {
            elf::DT_NEEDED => self.needed.push(val),
            elf::DT_RPATH => self.rpath.push(val),
            elf::DT_RUNPATH => self.runpath.push(val),
            elf::DT_SONAME => self.soname = Some(val),
            elf::DT_STRTAB => self.strtab = Some(val),
            elf::DT_STRSZ => self.strsz = Some(val),
            elf::DT_FLAGS_1 => self.flags_1 = val,
            elf::DT_VERNEED => self.verneed = Some(val),
            elf::DT_VERNEEDNUM => self.verneednum = Some(val),
            _ => {}
        }
    }
}

/// Most version-need entries (files and versions together) read from one binary.
const MAX_VERSION_ENTRIES: usize = 1 << 16;

/// Walks `Elf_Verneed` records (16 bytes: version, count, file, aux, next) and their
/// `Elf_Vernaux` records (16 bytes: hash, flags, other, name, next).
fn version_needs(
    bytes: &[u8],
    count: u64,
    big: bool,
    dynstr: &[u8],
    problems: &mut Vec<String>,
) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut budget = MAX_VERSION_ENTRIES;
    let mut off = 0usize;
    let malformed = |problems: &mut Vec<String>| {
        problems.push("malformed ELF: version needs (.gnu.version_r) run past their data".into())
    };
    for _ in 0..count.min(MAX_ENTRIES as u64) {
        let (Some(cnt), Some(file), Some(aux), Some(next)) = (
            u16_at(bytes, off + 2, big),
            u32_at(bytes, off + 4, big),
            u32_at(bytes, off + 8, big),
            u32_at(bytes, off + 12, big),
        ) else {
            malformed(problems);
            break;
        };
        let Some(file) = c_string(dynstr, file as usize) else {
            malformed(problems);
            break;
        };
        let versions = out.entry(file).or_default();
        let mut a = off.saturating_add(aux as usize);
        for _ in 0..cnt {
            if budget == 0 {
                problems.push("malformed ELF: too many version needs".into());
                return out;
            }
            budget -= 1;
            let (Some(name), Some(next)) = (u32_at(bytes, a + 8, big), u32_at(bytes, a + 12, big))
            else {
                malformed(problems);
                break;
            };
            match c_string(dynstr, name as usize) {
                Some(n) => versions.push(n),
                None => malformed(problems),
            }
            if next == 0 {
                break;
            }
            a = a.saturating_add(next as usize);
        }
        if next == 0 {
            break;
        }
        off = off.saturating_add(next as usize);
    }
    out
}

/// The highest `GLIBC_x.y[.z]` among the version needs, as written after `GLIBC_`
/// (`GLIBC_PRIVATE` and other names are not versions and are skipped).
fn glibc_floor(needs: &BTreeMap<String, Vec<String>>) -> Option<Version> {
    needs
        .values()
        .flatten()
        .filter_map(|v| v.strip_prefix("GLIBC_")?.parse::<Version>().ok())
        .max()
}

/// The ABI tag of a note of type 1, by the note's name.
fn abi_tag(name: &[u8], desc: &[u8], big: bool) -> Option<AbiTag> {
    let word = |i: usize| u32_at(desc, i * 4, big);
    let tag = |os: &str, version: Option<String>| {
        Some(AbiTag {
            os: os.into(),
            version,
        })
    };
    match name {
        b"GNU" => {
            let os = match word(0)? {
                0 => "linux",
                1 => "hurd",
                2 => "solaris",
                3 => "freebsd",
                _ => "unknown",
            };
            tag(os, Some(format!("{}.{}.{}", word(1)?, word(2)?, word(3)?)))
        }
        b"FreeBSD" => {
            let v = word(0)?;
            tag(
                "freebsd",
                Some(format!("{}.{}", v / 100_000, v / 1000 % 100)),
            )
        }
        b"NetBSD" => {
            let v = word(0)?;
            tag(
                "netbsd",
                Some(format!("{}.{}", v / 100_000_000, v / 1_000_000 % 100)),
            )
        }
        b"OpenBSD" => tag("openbsd", None),
        _ => None,
    }
}

fn osabi_name(osabi: u8) -> String {
    match osabi {
        0 => "sysv",
        1 => "hpux",
        2 => "netbsd",
        3 => "gnu",
        4 => "hurd",
        6 => "solaris",
        7 => "aix",
        8 => "irix",
        9 => "freebsd",
        12 => "openbsd",
        97 => "arm",
        255 => "standalone",
        n => return n.to_string(),
    }
    .to_string()
}

/// The GOOS an ELF file is for: the OS/ABI byte, then the ABI tag, then the interpreter
/// (`/system/bin/linker64` is Android's); Linux otherwise. Go's build info, when present,
/// is the truth and replaces this guess.
fn elf_goos(info: &ElfInfo) -> Option<Goos> {
    let by_tag = info.abi_tag.as_ref().and_then(|t| t.os.parse().ok());
    Some(match info.osabi.as_str() {
        "freebsd" => Goos::Freebsd,
        "netbsd" => Goos::Netbsd,
        "openbsd" => Goos::Openbsd,
        "solaris" => Goos::Solaris,
        "aix" => Goos::Aix,
        "sysv" | "gnu" => match by_tag {
            Some(goos) => goos,
            None if info
                .interpreter
                .as_deref()
                .is_some_and(|i| i.starts_with("/system/bin/linker")) =>
            {
                Goos::Android
            }
            None => Goos::Linux,
        },
        _ => return None,
    })
}

/// The GOARCH of an e_machine value, by class and byte order.
fn elf_goarch(machine: u16, bits: u8, big: bool) -> Option<Goarch> {
    Some(match (machine, bits, big) {
        (3, 32, false) => Goarch::I386,
        (62, 64, false) => Goarch::Amd64,
        (40, 32, false) => Goarch::Arm,
        (183, 64, false) => Goarch::Arm64,
        (243, 64, false) => Goarch::Riscv64,
        (21, 64, false) => Goarch::Ppc64le,
        (21, 64, true) => Goarch::Ppc64,
        (22, 64, true) => Goarch::S390x,
        (8, 64, false) => Goarch::Mips64le,
        (8, 64, true) => Goarch::Mips64,
        (8, 32, false) => Goarch::Mipsle,
        (8, 32, true) => Goarch::Mips,
        (258, 64, false) => Goarch::Loong64,
        (43, 64, true) => Goarch::Sparc64,
        _ => return None,
    })
}

/// The e_machine constant's name (`EM_X86_64`), or `EM_<n>` for others.
fn machine_name(machine: u16) -> String {
    let name = match machine {
        2 => "EM_SPARC",
        3 => "EM_386",
        8 => "EM_MIPS",
        20 => "EM_PPC",
        21 => "EM_PPC64",
        22 => "EM_S390",
        40 => "EM_ARM",
        43 => "EM_SPARCV9",
        62 => "EM_X86_64",
        183 => "EM_AARCH64",
        243 => "EM_RISCV",
        258 => "EM_LOONGARCH",
        n => return format!("EM_{n}"),
    };
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glibc_floor_compares_numerically() {
        let mut needs = BTreeMap::new();
        needs.insert(
            "libc.so.6".to_string(),
            vec![
                "GLIBC_2.9".to_string(),
                "GLIBC_2.34".to_string(),
                "GLIBC_PRIVATE".to_string(),
                "GLIBC_2.3.4".to_string(),
            ],
        );
        needs.insert("libm.so.6".to_string(), vec!["GLIBC_2.29".to_string()]);
        assert_eq!(
            glibc_floor(&needs).map(|v| v.to_string()).as_deref(),
            Some("2.34")
        );
        assert_eq!(glibc_floor(&BTreeMap::new()), None);
    }

    #[test]
    fn abi_tags_read_like_file() {
        let gnu: Vec<u8> = [0u32, 3, 2, 0]
            .iter()
            .flat_map(|w| w.to_le_bytes())
            .collect();
        assert_eq!(
            abi_tag(b"GNU", &gnu, false),
            Some(AbiTag {
                os: "linux".into(),
                version: Some("3.2.0".into())
            })
        );
        let fbsd = 1_203_000u32.to_le_bytes();
        assert_eq!(
            abi_tag(b"FreeBSD", &fbsd, false)
                .unwrap()
                .version
                .as_deref(),
            Some("12.3")
        );
        assert_eq!(abi_tag(b"GNU", &[0; 8], false), None, "short desc");
    }

    #[test]
    fn version_needs_walk_is_bounded() {
        // One Verneed (libc at string 12) with one Vernaux (GLIBC_2.17 at string 1).
        let mut b = vec![0u8; 32];
        b[2..4].copy_from_slice(&1u16.to_le_bytes());
        b[4..8].copy_from_slice(&12u32.to_le_bytes());
        b[8..12].copy_from_slice(&16u32.to_le_bytes());
        b[24..28].copy_from_slice(&1u32.to_le_bytes());
        let dynstr = b"\0GLIBC_2.17\0libc.so.6\0";
        let mut problems = Vec::new();
        let needs = version_needs(&b, 1, false, dynstr, &mut problems);
        assert_eq!(needs["libc.so.6"], ["GLIBC_2.17"]);
        assert!(problems.is_empty(), "{problems:?}");
        // A count of 2^40 records over 32 bytes, each pointing 1 byte further: ends at the
        // data's end with a problem, not after 2^40 steps.
        b[12..16].copy_from_slice(&1u32.to_le_bytes());
        b[2..4].copy_from_slice(&u16::MAX.to_le_bytes());
        let _ = version_needs(&b, 1 << 40, false, dynstr, &mut problems);
        assert!(!problems.is_empty());
    }
}
