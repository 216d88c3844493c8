//! Mach-O (macOS, iOS) and universal ("fat") files: CPU type, linked dylibs, platform and
//! minimum OS, symbols, and where Go keeps its build info.
//!
//! The header and the load command list come from the `object` crate; each command's fields
//! are read at their offsets from Apple's `<mach-o/loader.h>`: LC_LOAD_DYLIB and its weak,
//! re-export, lazy and upward forms name a dylib (an `lc_str` offset at byte 8); LC_RPATH and
//! LC_LOAD_DYLINKER hold a path the same way; LC_BUILD_VERSION holds platform, minos and sdk
//! (versions packed as `xxxx.yy.zz` nibbles); LC_VERSION_MIN_* hold version and sdk and name
//! the platform by their command number. A file counts as stripped when LC_DYSYMTAB lists no
//! local symbols (or there is no symbol table), which is what `strip` removes. Go's build info
//! is in the `__go_buildinfo` section, else the first segment mapped read-write (initial and
//! maximum protection both 3) with file bytes, as Go's `debug/buildinfo` searches it.

use super::address_space::{AddressSpace, MAX_ENTRIES, MAX_NAME, Region, clamp, u32_at, u64_at};
use super::{Endian, GoSearch, ObjectFacts, Parsed};
use crate::targets::{Goarch, Goos};
use object::Endianness;
use object::macho;
use object::read::macho::MachHeader;
use serde::Serialize;

/// Mach-O-specific facts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MachOInfo {
    /// `CPU_TYPE_ARM64`, `CPU_TYPE_X86_64`, ... or the number.
    pub cputype: String,
    /// The raw cpusubtype (capability bits included).
    pub cpusubtype: u32,
    /// `execute`, `dylib`, `bundle`, `object`, ... or the number.
    pub filetype: String,
    /// Linked dylibs (LC_LOAD_DYLIB and its weak, re-export, lazy and upward forms), in order.
    pub dylibs: Vec<String>,
    /// LC_RPATH entries.
    pub rpaths: Vec<String>,
    /// LC_LOAD_DYLINKER, normally `/usr/lib/dyld`.
    pub dylinker: Option<String>,
    /// `macos`, `ios`, `tvos`, `watchos`, `maccatalyst`, `ios-simulator`, ... from
    /// LC_BUILD_VERSION or LC_VERSION_MIN_*.
    pub platform: Option<String>,
    /// Minimum OS version, e.g. `12.0`.
    pub min_os: Option<String>,
    /// SDK version it was built against.
    pub sdk: Option<String>,
}

// Load command numbers from <mach-o/loader.h>.
const LC_REQ_DYLD: u32 = 0x8000_0000;
const LC_SEGMENT: u32 = 0x1;
const LC_SYMTAB: u32 = 0x2;
const LC_DYSYMTAB: u32 = 0xb;
const LC_LOAD_DYLIB: u32 = 0xc;
const LC_LOAD_DYLINKER: u32 = 0xe;
const LC_LOAD_WEAK_DYLIB: u32 = 0x18 | LC_REQ_DYLD;
const LC_SEGMENT_64: u32 = 0x19;
const LC_RPATH: u32 = 0x1c | LC_REQ_DYLD;
const LC_REEXPORT_DYLIB: u32 = 0x1f | LC_REQ_DYLD;
const LC_LAZY_LOAD_DYLIB: u32 = 0x20;
const LC_LOAD_UPWARD_DYLIB: u32 = 0x23 | LC_REQ_DYLD;
const LC_VERSION_MIN_MACOSX: u32 = 0x24;
const LC_VERSION_MIN_IPHONEOS: u32 = 0x25;
const LC_VERSION_MIN_TVOS: u32 = 0x2f;
const LC_VERSION_MIN_WATCHOS: u32 = 0x30;
const LC_BUILD_VERSION: u32 = 0x32;

/// Reads one Mach-O file (or one slice of a universal file).
pub(super) fn read<'a>(data: &'a [u8], problems: &mut Vec<String>) -> Option<Parsed<'a>> {
    match data.get(..4) {
        Some([0xfe, 0xed, 0xfa, 0xcf] | [0xcf, 0xfa, 0xed, 0xfe]) => {
            read_kind::<macho::MachHeader64<Endianness>>(data, problems)
        }
        _ => read_kind::<macho::MachHeader32<Endianness>>(data, problems),
    }
}

fn read_kind<'a, Mach: MachHeader<Endian = Endianness>>(
    data: &'a [u8],
    problems: &mut Vec<String>,
) -> Option<Parsed<'a>> {
    let bad = |e: object::read::Error| format!("malformed Mach-O: {e}");
    let header = match Mach::parse(data, 0) {
        Ok(h) => h,
        Err(e) => {
            problems.push(bad(e));
            return None;
        }
    };
    let endian = match header.endian() {
        Ok(e) => e,
        Err(e) => {
            problems.push(bad(e));
            return None;
        }
    };
    let big = header.is_big_endian();
    let mut commands = match header.load_commands(endian, data, 0) {
        Ok(c) => c,
        Err(e) => {
            problems.push(bad(e));
            return None;
        }
    };
    let cputype = header.cputype(endian).0;
    let mut info = MachOInfo {
        cputype: cputype_name(cputype),
        cpusubtype: header.cpusubtype(endian).0,
        filetype: filetype_name(header.filetype(endian).0),
        ..MachOInfo::default()
    };
    let mut space = AddressSpace::default();
    let mut buildinfo_section = None;
    let mut rw_segment = None;
    let mut debug_info = false;
    let mut has_symtab = false;
    let mut local_symbols = None;
    for _ in 0..MAX_ENTRIES {
        let cmd = match commands.next() {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(e) => {
                problems.push(bad(e));
                break;
            }
        };
        let raw = cmd.raw_data();
        let word = |at: usize| u32_at(raw, at, big);
        let lc_str = |problems: &mut Vec<String>| -> Option<String> {
            let s = word(8)
                .and_then(|o| raw.get(o as usize..))
                .map(|rest| &rest[..rest.len().min(MAX_NAME)])
                .map(|rest| {
                    let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
                    String::from_utf8_lossy(&rest[..end]).into_owned()
                });
            if s.is_none() {
                problems
                    .push("malformed Mach-O: a load command string is outside its command".into());
            }
            s
        };
        match cmd.cmd().0 {
            LC_LOAD_DYLIB | LC_LOAD_WEAK_DYLIB | LC_REEXPORT_DYLIB | LC_LAZY_LOAD_DYLIB
            | LC_LOAD_UPWARD_DYLIB => info.dylibs.extend(lc_str(problems)),
            LC_RPATH => info.rpaths.extend(lc_str(problems)),
            LC_LOAD_DYLINKER => info.dylinker = lc_str(problems),
            LC_BUILD_VERSION => {
                info.platform = word(8).map(platform_name);
                info.min_os = word(12).map(version);
                info.sdk = word(16).map(version);
            }
            c @ (LC_VERSION_MIN_MACOSX
            | LC_VERSION_MIN_IPHONEOS
            | LC_VERSION_MIN_TVOS
            | LC_VERSION_MIN_WATCHOS)
                if info.platform.is_none() =>
            {
                let platform = match c {
                    LC_VERSION_MIN_MACOSX => "macos",
                    LC_VERSION_MIN_IPHONEOS => "ios",
                    LC_VERSION_MIN_TVOS => "tvos",
                    _ => "watchos",
                };
                info.platform = Some(platform.into());
                info.min_os = word(8).map(version);
                info.sdk = word(12).map(version);
            }
            LC_SYMTAB => has_symtab = word(12).is_some_and(|nsyms| nsyms > 0),
            LC_DYSYMTAB => local_symbols = word(12),
            c @ (LC_SEGMENT | LC_SEGMENT_64) => {
                let wide = c == LC_SEGMENT_64;
                let Some(seg) = Segment::parse(raw, wide, big) else {
                    problems.push("malformed Mach-O: segment command too short".into());
                    continue;
                };
                if seg.fileoff.saturating_add(seg.filesize) > data.len() as u64 {
                    problems.push(format!(
                        "malformed Mach-O: segment {} ends past the end of the file (truncated?)",
                        seg.name
                    ));
                }
                if seg.name != "__PAGEZERO" {
                    space.regions.push(Region {
                        addr: seg.vmaddr,
                        bytes: clamp(data, seg.fileoff, seg.filesize),
                    });
                }
                if rw_segment.is_none()
                    && seg.vmaddr != 0
                    && seg.filesize != 0
                    && seg.initprot == 3
                    && seg.maxprot == 3
                {
                    rw_segment = Some((seg.vmaddr, seg.vmsize));
                }
                for s in seg.sections(raw, wide, big).take(MAX_ENTRIES) {
                    match s.name.as_str() {
                        "__debug_info" | "__zdebug_info" => debug_info = true,
                        "__go_buildinfo" if buildinfo_section.is_none() => {
                            buildinfo_section = Some((s.addr, s.size));
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    let goos = match info.platform.as_deref() {
        Some("ios" | "ios-simulator" | "maccatalyst") => Goos::Ios,
        _ => Goos::Darwin,
    };
    let stripped = !has_symtab || local_symbols == Some(0);
    let go_search = buildinfo_section.or(rw_segment);
    Some(Parsed {
        facts: ObjectFacts {
            bits: Some(if header.is_type_64() { 64 } else { 32 }),
            endian: Some(if big { Endian::Big } else { Endian::Little }),
            goos: Some(goos),
            goarch: macho_goarch(cputype),
            machine: Some(info.cputype.clone()),
            kind: Some(info.filetype.clone()),
            stripped: Some(stripped),
            debug_info: Some(debug_info),
            libraries: info.dylibs.clone(),
            macho: Some(info),
            ..ObjectFacts::default()
        },
        go: go_search.map(|(start, size)| GoSearch { space, start, size }),
    })
}

/// The fields of LC_SEGMENT / LC_SEGMENT_64 gocross uses.
struct Segment {
    name: String,
    vmaddr: u64,
    vmsize: u64,
    fileoff: u64,
    filesize: u64,
    maxprot: u32,
    initprot: u32,
    nsects: u32,
}

/// One section header of a segment.
struct Section {
    name: String,
    addr: u64,
    size: u64,
}

fn name16(raw: &[u8], at: usize) -> Option<String> {
    let b = raw.get(at..at + 16)?;
    let end = b.iter().position(|&c| c == 0).unwrap_or(16);
    Some(String::from_utf8_lossy(&b[..end]).into_owned())
}

impl Segment {
    fn parse(raw: &[u8], wide: bool, big: bool) -> Option<Segment> {
        let w = |at| u32_at(raw, at, big);
        let word = |at: usize| -> Option<u64> {
            if wide {
                u64_at(raw, at, big)
            } else {
                w(at).map(u64::from)
            }
        };
        let n = if wide { 8 } else { 4 };
        let after = 24 + 4 * n;
        Some(Segment {
            name: name16(raw, 8)?,
            vmaddr: word(24)?,
            vmsize: word(24 + n)?,
            fileoff: word(24 + 2 * n)?,
            filesize: word(24 + 3 * n)?,
            maxprot: w(after)?,
            initprot: w(after + 4)?,
            nsects: w(after + 8)?,
        })
    }

    /// The section headers that follow the command's fixed part (68 or 80 bytes each), as
    /// many as both `nsects` and the command's size allow.
    fn sections<'a>(
        &self,
        raw: &'a [u8],
        wide: bool,
        big: bool,
    ) -> impl Iterator<Item = Section> + 'a {
        let (start, size) = if wide { (72, 80) } else { (56, 68) };
        (0..self.nsects as usize).map_while(move |i| {
            let at = start + i * size;
            let addr = if wide {
                u64_at(raw, at + 32, big)?
            } else {
                u64::from(u32_at(raw, at + 32, big)?)
            };
            let size = if wide {
                u64_at(raw, at + 40, big)?
            } else {
                u64::from(u32_at(raw, at + 36, big)?)
            };
            Some(Section {
                name: name16(raw, at)?,
                addr,
                size,
            })
        })
    }
}

/// `xxxx.yy.zz` nibble-packed version as `X.Y` or `X.Y.Z` (the patch only when non-zero).
fn version(v: u32) -> String {
    let (x, y, z) = (v >> 16, (v >> 8) & 0xff, v & 0xff);
    if z == 0 {
        format!("{x}.{y}")
    } else {
        format!("{x}.{y}.{z}")
    }
}

fn platform_name(p: u32) -> String {
    let name = match p {
        1 => "macos",
        2 => "ios",
        3 => "tvos",
        4 => "watchos",
        5 => "bridgeos",
        6 => "maccatalyst",
        7 => "ios-simulator",
        8 => "tvos-simulator",
        9 => "watchos-simulator",
        10 => "driverkit",
        11 => "visionos",
        12 => "visionos-simulator",
        n => return n.to_string(),
    };
    name.to_string()
}

const CPU_ARCH_ABI64: u32 = 0x0100_0000;

fn macho_goarch(cputype: u32) -> Option<Goarch> {
    Some(match cputype {
        7 => Goarch::I386,
        c if c == 7 | CPU_ARCH_ABI64 => Goarch::Amd64,
        12 => Goarch::Arm,
        c if c == 12 | CPU_ARCH_ABI64 => Goarch::Arm64,
        c if c == 18 | CPU_ARCH_ABI64 => Goarch::Ppc64,
        _ => return None,
    })
}

fn cputype_name(cputype: u32) -> String {
    let name = match cputype {
        7 => "CPU_TYPE_X86",
        c if c == 7 | CPU_ARCH_ABI64 => "CPU_TYPE_X86_64",
        12 => "CPU_TYPE_ARM",
        c if c == 12 | CPU_ARCH_ABI64 => "CPU_TYPE_ARM64",
        c if c == 12 | 0x0200_0000 => "CPU_TYPE_ARM64_32",
        18 => "CPU_TYPE_POWERPC",
        c if c == 18 | CPU_ARCH_ABI64 => "CPU_TYPE_POWERPC64",
        n => return format!("CPU_TYPE_{n:#x}"),
    };
    name.to_string()
}

fn filetype_name(filetype: u32) -> String {
    let name = match filetype {
        1 => "object",
        2 => "execute",
        3 => "fvmlib",
        4 => "core",
        5 => "preload",
        6 => "dylib",
        7 => "dylinker",
        8 => "bundle",
        9 => "dylib_stub",
        10 => "dsym",
        11 => "kext_bundle",
        12 => "fileset",
        n => return n.to_string(),
    };
    name.to_string()
}

/// The slices of a universal file: (cputype, offset, size) per `fat_arch` (20 bytes, or 32 for
/// `fat_arch_64`), big-endian, at most `MAX_SLICES`.
pub(super) fn fat_slices(data: &[u8]) -> Result<Vec<(u32, u64, u64)>, String> {
    let wide = data.get(..4) == Some(&[0xca, 0xfe, 0xba, 0xbf]);
    let n = u32_at(data, 4, true).ok_or("malformed Mach-O universal file: header truncated")?;
    if n as usize > MAX_SLICES {
        return Err(format!(
            "malformed Mach-O universal file: {n} slices, more than the {MAX_SLICES} gocross reads"
        ));
    }
    let size = if wide { 32 } else { 20 };
    (0..n as usize)
        .map(|i| {
            let at = 8 + i * size;
            let truncated = || "malformed Mach-O universal file: slice table truncated".to_string();
            let cputype = u32_at(data, at, true).ok_or_else(truncated)?;
            let (offset, len) = if wide {
                (
                    u64_at(data, at + 8, true).ok_or_else(truncated)?,
                    u64_at(data, at + 16, true).ok_or_else(truncated)?,
                )
            } else {
                (
                    u64::from(u32_at(data, at + 8, true).ok_or_else(truncated)?),
                    u64::from(u32_at(data, at + 12, true).ok_or_else(truncated)?),
                )
            };
            Ok((cputype, offset, len))
        })
        .collect()
}

/// Most slices a universal file may hold (real ones hold two or three); like `file`, a
/// `0xcafebabe` file with more is taken for a Java class file.
pub(super) const MAX_SLICES: usize = 30;

/// Whether a `0xcafebabe` file is a universal binary rather than a Java class file: a Java
/// class file's second word is its version, at least 45; a universal file's is its slice
/// count.
pub(super) fn is_fat(data: &[u8]) -> bool {
    u32_at(data, 4, true).is_some_and(|n| (1..=MAX_SLICES as u32).contains(&n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_unpack_nibbles() {
        assert_eq!(version(0x000c_0000), "12.0");
        assert_eq!(version(0x000a_0f01), "10.15.1");
    }

    #[test]
    fn universal_header_or_java_class() {
        let mut fat = vec![0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2];
        assert!(is_fat(&fat));
        assert!(fat_slices(&fat).is_err(), "table truncated");
        fat.extend([0u8; 40]);
        assert_eq!(fat_slices(&fat).unwrap().len(), 2);
        let java = [0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 45];
        assert!(!is_fat(&java));
    }
}
