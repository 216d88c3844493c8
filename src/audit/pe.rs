//! PE (Windows): machine, subsystem, imported DLLs, symbol table and debug info, and where Go
//! keeps its build info.
//!
//! Headers, sections and the import directory come from the `object` crate. Facts (Microsoft's
//! PE format reference): IMAGE_FILE_DLL marks a DLL; the subsystem is 2 for GUI and 3 for
//! console programs; a file is stripped when its COFF header points to no symbol table. Go's
//! build info is in the first section whose characteristics are exactly initialized data, read
//! and write (alignment bits aside), as Go's `debug/buildinfo` searches it.

use super::address_space::{AddressSpace, MAX_ENTRIES, Region, clamp};
use super::{Endian, GoSearch, ObjectFacts, Parsed};
use crate::targets::{Goarch, Goos};
use object::pe;
use object::read::pe::{ImageNtHeaders, ImageOptionalHeader, PeFile};
use object::{Object, ObjectSection};
use serde::Serialize;

/// PE-specific facts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PeInfo {
    /// `console`, `gui`, `native`, `efi_application`, ... or the number.
    pub subsystem: String,
    /// DLLs named in the import directory, in order (delay-loaded ones are in `delay_dlls`).
    pub dlls: Vec<String>,
    /// DLLs named in the delay-load import directory.
    pub delay_dlls: Vec<String>,
    /// ImageBase from the optional header.
    pub image_base: u64,
}

/// Reads a PE file. Returns `None` (with a problem) when its headers are unreadable.
pub(super) fn read<'a>(data: &'a [u8], problems: &mut Vec<String>) -> Option<Parsed<'a>> {
    match object::read::pe::optional_header_magic(data) {
        Ok(pe::IMAGE_NT_OPTIONAL_HDR64_MAGIC) => read_kind::<pe::ImageNtHeaders64>(data, problems),
        Ok(pe::IMAGE_NT_OPTIONAL_HDR32_MAGIC) => read_kind::<pe::ImageNtHeaders32>(data, problems),
        Ok(m) => {
            problems.push(format!(
                "malformed PE: unknown optional header magic {m:#x}"
            ));
            None
        }
        Err(e) => {
            problems.push(format!("malformed PE: {e}"));
            None
        }
    }
}

fn read_kind<'a, Pe: ImageNtHeaders>(
    data: &'a [u8],
    problems: &mut Vec<String>,
) -> Option<Parsed<'a>> {
    let file = match PeFile::<Pe>::parse(data) {
        Ok(f) => f,
        Err(e) => {
            problems.push(format!("malformed PE: {e}"));
            return None;
        }
    };
    let nt = file.nt_headers();
    let header = nt.file_header();
    let optional = nt.optional_header();
    let machine = header.machine.get(object::LittleEndian);
    let characteristics = header.characteristics.get(object::LittleEndian);
    let image_base = optional.image_base();

    let mut space = AddressSpace::default();
    let mut debug_info = false;
    let mut go_search = None;
    for (i, section) in file.sections().enumerate() {
        if i >= MAX_ENTRIES {
            problems.push("malformed PE: too many sections".into());
            break;
        }
        let raw = section.pe_section();
        let va = u64::from(raw.virtual_address.get(object::LittleEndian));
        let raw_size = u64::from(raw.size_of_raw_data.get(object::LittleEndian));
        let raw_offset = u64::from(raw.pointer_to_raw_data.get(object::LittleEndian));
        let virtual_size = u64::from(raw.virtual_size.get(object::LittleEndian));
        let flags = raw.characteristics.get(object::LittleEndian);
        if raw_offset.saturating_add(raw_size) > data.len() as u64 {
            problems.push(format!(
                "malformed PE: section {} ends past the end of the file (truncated?)",
                section.name().unwrap_or("?")
            ));
        }
        space.regions.push(Region {
            addr: image_base.wrapping_add(va),
            bytes: clamp(data, raw_offset, raw_size),
        });
        if matches!(section.name(), Ok(".debug_info" | ".zdebug_info")) {
            debug_info = true;
        }
        const DATA_RW: u32 = pe::IMAGE_SCN_CNT_INITIALIZED_DATA.0
            | pe::IMAGE_SCN_MEM_READ.0
            | pe::IMAGE_SCN_MEM_WRITE.0;
        if go_search.is_none()
            && va != 0
            && raw_size != 0
            && flags.0 & !pe::IMAGE_SCN_ALIGN_32BYTES.0 == DATA_RW
        {
            go_search = Some((image_base.wrapping_add(va), virtual_size));
        }
    }

    let dlls = match file.import_table() {
        Ok(Some(table)) => match table.descriptors() {
            Ok(mut descriptors) => dll_names(&IMPORTS, problems, || {
                Ok(descriptors
                    .next()?
                    .map(|d| table.name(d.name.get(object::LittleEndian))))
            }),
            Err(e) => IMPORTS.broken(problems, e),
        },
        Ok(None) => Vec::new(),
        Err(e) => IMPORTS.broken(problems, e),
    };
    let delay_dlls = match file.delay_load_import_table() {
        Ok(Some(table)) => match table.descriptors() {
            Ok(mut descriptors) => dll_names(&DELAY_IMPORTS, problems, || {
                Ok(descriptors
                    .next()?
                    .map(|d| table.name(d.dll_name_rva.get(object::LittleEndian))))
            }),
            Err(e) => DELAY_IMPORTS.broken(problems, e),
        },
        Ok(None) => Vec::new(),
        Err(e) => DELAY_IMPORTS.broken(problems, e),
    };

    let symbols = header.pointer_to_symbol_table.get(object::LittleEndian) != 0
        && header.number_of_symbols.get(object::LittleEndian) != 0;
    let kind = if characteristics.0 & pe::IMAGE_FILE_DLL.0 != 0 {
        "dll"
    } else if characteristics.0 & pe::IMAGE_FILE_EXECUTABLE_IMAGE.0 != 0 {
        "exe"
    } else {
        "object"
    };
    let libraries = dlls.iter().chain(&delay_dlls).cloned().collect();
    Some(Parsed {
        facts: ObjectFacts {
            bits: Some(if nt.is_type_64() { 64 } else { 32 }),
            endian: Some(Endian::Little),
            goos: Some(Goos::Windows),
            goarch: pe_goarch(machine),
            machine: Some(machine_name(machine)),
            kind: Some(kind.into()),
            stripped: Some(!symbols),
            debug_info: Some(debug_info),
            libraries,
            pe: Some(PeInfo {
                subsystem: subsystem_name(optional.subsystem()),
                dlls,
                delay_dlls,
                image_base,
            }),
            ..ObjectFacts::default()
        },
        go: go_search.map(|(start, size)| GoSearch { space, start, size }),
    })
}

fn pe_goarch(machine: pe::Machine) -> Option<Goarch> {
    Some(match machine {
        pe::IMAGE_FILE_MACHINE_I386 => Goarch::I386,
        pe::IMAGE_FILE_MACHINE_AMD64 => Goarch::Amd64,
        pe::IMAGE_FILE_MACHINE_ARM64 => Goarch::Arm64,
        pe::IMAGE_FILE_MACHINE_ARMNT | pe::IMAGE_FILE_MACHINE_ARM => Goarch::Arm,
        _ => return None,
    })
}

fn machine_name(machine: pe::Machine) -> String {
    let name = match machine {
        pe::IMAGE_FILE_MACHINE_I386 => "IMAGE_FILE_MACHINE_I386",
        pe::IMAGE_FILE_MACHINE_AMD64 => "IMAGE_FILE_MACHINE_AMD64",
        pe::IMAGE_FILE_MACHINE_ARM64 => "IMAGE_FILE_MACHINE_ARM64",
        pe::IMAGE_FILE_MACHINE_ARMNT => "IMAGE_FILE_MACHINE_ARMNT",
        pe::IMAGE_FILE_MACHINE_ARM => "IMAGE_FILE_MACHINE_ARM",
        n => return format!("IMAGE_FILE_MACHINE_{:#06x}", n.0),
    };
    name.to_string()
}

fn subsystem_name(subsystem: pe::Subsystem) -> String {
    let name = match subsystem {
        pe::IMAGE_SUBSYSTEM_NATIVE => "native",
        pe::IMAGE_SUBSYSTEM_WINDOWS_GUI => "gui",
        pe::IMAGE_SUBSYSTEM_WINDOWS_CUI => "console",
        pe::IMAGE_SUBSYSTEM_EFI_APPLICATION => "efi_application",
        pe::IMAGE_SUBSYSTEM_EFI_BOOT_SERVICE_DRIVER => "efi_boot_service_driver",
        pe::IMAGE_SUBSYSTEM_EFI_RUNTIME_DRIVER => "efi_runtime_driver",
        pe::IMAGE_SUBSYSTEM_WINDOWS_CE_GUI => "windows_ce_gui",
        n => return n.0.to_string(),
    };
    name.to_string()
}

/// The words of the problems one import directory can have.
struct ImportKind {
    /// `imported DLLs`, `delay-loaded DLLs`.
    what: &'static str,
    /// The directory, in messages: `import directory`.
    directory: &'static str,
    /// A name that cannot be read: `import name`.
    name: &'static str,
}

const IMPORTS: ImportKind = ImportKind {
    what: "imported DLLs",
    directory: "import directory",
    name: "import name",
};

const DELAY_IMPORTS: ImportKind = ImportKind {
    what: "delay-loaded DLLs",
    directory: "delay import directory",
    name: "delay import",
};

impl ImportKind {
    /// Records an unreadable directory; no names come from it.
    fn broken(&self, problems: &mut Vec<String>, e: object::Error) -> Vec<String> {
        problems.push(format!("malformed PE: {}: {e}", self.directory));
        Vec::new()
    }
}

/// Walks an import directory: `next` gives the next descriptor's DLL name, `None` at the end.
/// At most [`MAX_ENTRIES`] names are read; every problem is recorded and ends nothing else.
fn dll_names<'a>(
    kind: &ImportKind,
    problems: &mut Vec<String>,
    mut next: impl FnMut() -> object::Result<Option<object::Result<&'a [u8]>>>,
) -> Vec<String> {
    let mut dlls = Vec::new();
    loop {
        match next() {
            Ok(Some(name)) => {
                if dlls.len() >= MAX_ENTRIES {
                    problems.push(format!("malformed PE: too many {}", kind.what));
                    break;
                }
                match name {
                    Ok(n) => dlls.push(String::from_utf8_lossy(n).into_owned()),
                    Err(e) => problems.push(format!("malformed PE: {}: {e}", kind.name)),
                }
            }
            Ok(None) => break,
            Err(e) => {
                problems.push(format!("malformed PE: {}: {e}", kind.directory));
                break;
            }
        }
    }
    dlls
}
