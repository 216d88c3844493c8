//! WebAssembly modules (GOOS js and wasip1): imports, custom sections and Go's build info.
//!
//! Format facts from the WebAssembly core specification (binary format, version 1): after the
//! 8-byte preamble, sections are `id: u8, size: uleb128, body`; the import section (2) lists
//! `module, name, kind, description`; the data section (11) lists segments with a memory
//! offset expression (`i32.const N; end` for Go's) and bytes. Custom sections (0) are named:
//! `name` holds the function names (the symbol table's analogue; gone when stripped),
//! `.debug_info` the DWARF, and `producers` (tool conventions) the language and its version,
//! where Go writes `language: Go go1.26.8`. The GOOS follows from the host module imported:
//! `wasi_snapshot_preview1` for wasip1, `gojs` for js.

use super::address_space::{MAX_ENTRIES, Region, uleb128};
use super::buildinfo;
use super::{Endian, ObjectFacts};
use crate::targets::{Goarch, Goos};
use serde::Serialize;

/// wasm-specific facts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WasmInfo {
    /// Host modules imported from, in first-use order (`wasi_snapshot_preview1`, `gojs`).
    pub imports: Vec<String>,
    /// The `producers` section's `language` entries, e.g. `Go go1.26.8`.
    pub languages: Vec<String>,
}

/// A cursor over one section's bytes; every read is bounded by them.
struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn uleb(&mut self) -> Option<u64> {
        let (v, n) = uleb128(self.data.get(self.pos..)?)?;
        self.pos += n;
        Some(v)
    }

    fn sleb(&mut self) -> Option<i64> {
        let mut value: i64 = 0;
        let mut shift = 0;
        loop {
            let b = *self.data.get(self.pos)?;
            self.pos += 1;
            if shift >= 64 {
                return None;
            }
            value |= i64::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                if shift < 64 && b & 0x40 != 0 {
                    value |= -1i64 << shift;
                }
                return Some(value);
            }
        }
    }

    fn byte(&mut self) -> Option<u8> {
        let b = *self.data.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(self.uleb()?).ok()?;
        let b = self.data.get(self.pos..self.pos.checked_add(len)?)?;
        self.pos += len;
        Some(b)
    }

    fn name(&mut self) -> Option<String> {
        self.bytes()
            .map(|b| String::from_utf8_lossy(b).into_owned())
    }
}

/// Reads a wasm module. Returns `None` (with a problem) when the preamble is unreadable.
pub(super) fn read(data: &[u8], problems: &mut Vec<String>) -> Option<ObjectFacts> {
    let Some(version) = data.get(4..8) else {
        problems.push("malformed wasm: preamble truncated".into());
        return None;
    };
    let mut facts = ObjectFacts {
        bits: Some(32),
        endian: Some(Endian::Little),
        goarch: Some(Goarch::Wasm),
        machine: Some("wasm32".into()),
        ..ObjectFacts::default()
    };
    if version != [1, 0, 0, 0] {
        facts.kind = Some("component".into());
        return Some(facts);
    }
    facts.kind = Some("module".into());
    let mut info = WasmInfo::default();
    let mut segments = Vec::new();
    let mut has_names = false;
    let mut debug_info = false;
    let mut go_version = None;
    let mut pos = 8;
    let mut sections = 0;
    while pos < data.len() {
        sections += 1;
        if sections > MAX_ENTRIES {
            problems.push("malformed wasm: too many sections".into());
            break;
        }
        let mut head = Cursor { data, pos };
        let (Some(id), Some(size)) = (head.byte(), head.uleb()) else {
            problems.push("malformed wasm: section header truncated".into());
            break;
        };
        let start = head.pos;
        let Some(body) = usize::try_from(size)
            .ok()
            .and_then(|s| data.get(start..start.checked_add(s)?))
        else {
            problems.push(format!(
                "malformed wasm: section {id} runs past the end of the file (truncated?)"
            ));
            break;
        };
        pos = start + body.len();
        let mut c = Cursor { data: body, pos: 0 };
        let ok = match id {
            0 => custom(
                &mut c,
                &mut info,
                &mut go_version,
                &mut has_names,
                &mut debug_info,
            ),
            2 => imports(&mut c, &mut info),
            11 => data_segments(&mut c, &mut segments),
            _ => Some(()),
        };
        if ok.is_none() {
            problems.push(format!("malformed wasm: section {id} is malformed"));
        }
    }
    facts.goos = if info.imports.iter().any(|m| m == "wasi_snapshot_preview1") {
        Some(Goos::Wasip1)
    } else if info.imports.iter().any(|m| m == "gojs") {
        Some(Goos::Js)
    } else {
        None
    };
    facts.stripped = Some(!has_names);
    facts.debug_info = Some(debug_info);
    facts.libraries = info.imports.clone();
    match buildinfo::find_in_wasm(&segments, go_version.as_deref()) {
        Ok(go) => facts.go = go,
        Err(e) => problems.push(e),
    }
    facts.wasm = Some(info);
    Some(facts)
}

fn custom(
    c: &mut Cursor<'_>,
    info: &mut WasmInfo,
    go_version: &mut Option<String>,
    has_names: &mut bool,
    debug_info: &mut bool,
) -> Option<()> {
    let name = c.name()?;
    match name.as_str() {
        "name" => *has_names = true,
        ".debug_info" => *debug_info = true,
        "producers" => {
            let fields = c.uleb()?;
            for _ in 0..fields.min(MAX_ENTRIES as u64) {
                let field = c.name()?;
                let values = c.uleb()?;
                for _ in 0..values.min(MAX_ENTRIES as u64) {
                    let (tool, version) = (c.name()?, c.name()?);
                    if field == "language" {
                        if tool == "Go" && go_version.is_none() {
                            *go_version = Some(version.clone());
                        }
                        info.languages.push(format!("{tool} {version}"));
                    }
                }
            }
        }
        _ => {}
    }
    Some(())
}

fn imports(c: &mut Cursor<'_>, info: &mut WasmInfo) -> Option<()> {
    let count = c.uleb()?;
    for _ in 0..count.min(MAX_ENTRIES as u64 * 16) {
        let module = c.name()?;
        let _field = c.bytes()?;
        let limits = |c: &mut Cursor<'_>| -> Option<()> {
            let flags = c.byte()?;
            c.uleb()?;
            if flags & 1 != 0 {
                c.uleb()?;
            }
            Some(())
        };
        match c.byte()? {
            0 => {
                c.uleb()?;
            }
            1 => {
                c.byte()?;
                limits(c)?;
            }
            2 => limits(c)?,
            3 => {
                c.byte()?;
                c.byte()?;
            }
            4 => {
                c.byte()?;
                c.uleb()?;
            }
            _ => return None,
        }
        if !info.imports.contains(&module) && info.imports.len() < MAX_ENTRIES {
            info.imports.push(module);
        }
    }
    Some(())
}

/// Active data segments with a constant offset, as regions of linear memory. Segments placed
/// by another expression (or passive ones) have no address until run time and are skipped.
fn data_segments<'a>(c: &mut Cursor<'a>, out: &mut Vec<Region<'a>>) -> Option<()> {
    let count = c.uleb()?;
    for _ in 0..count.min(1 << 20) {
        let flags = c.uleb()?;
        let addr = match flags {
            0 | 2 => {
                if flags == 2 {
                    c.uleb()?;
                }
                let addr = match c.byte()? {
                    0x41 => c.sleb().map(|v| u64::from(v as u32)),
                    0x42 => c.sleb().map(|v| v as u64),
                    _ => None,
                };
                // Skip the rest of the expression up to its `end`.
                while c.byte()? != 0x0b {}
                addr
            }
            1 => None,
            _ => return None,
        };
        let bytes = c.bytes()?;
        if let Some(addr) = addr {
            out.push(Region { addr, bytes });
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_leb128() {
        let mut c = Cursor {
            data: &[0x7f, 0x80, 0x7f, 0xe5, 0x8e, 0x26],
            pos: 0,
        };
        assert_eq!(c.sleb(), Some(-1));
        assert_eq!(c.sleb(), Some(-128));
        assert_eq!(c.sleb(), Some(624_485));
        assert_eq!(c.sleb(), None);
    }

    #[test]
    fn reads_imports_producers_and_segments() {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        // Import section: one function import from wasi_snapshot_preview1.
        let mut imp = vec![1, 22];
        imp.extend_from_slice(b"wasi_snapshot_preview1");
        imp.extend([8]);
        imp.extend_from_slice(b"fd_write");
        imp.extend([0, 0]);
        m.push(2);
        m.push(imp.len() as u8);
        m.extend(imp);
        // Custom producers section: language Go go1.26.8.
        let mut p = vec![9];
        p.extend_from_slice(b"producers");
        p.extend([1, 8]);
        p.extend_from_slice(b"language");
        p.extend([1, 2]);
        p.extend_from_slice(b"Go");
        p.extend([8]);
        p.extend_from_slice(b"go1.26.8");
        m.push(0);
        m.push(p.len() as u8);
        m.extend(p);
        // Data section: one active segment at 4096 holding "hi".
        let d = [1, 0, 0x41, 0x80, 0x20, 0x0b, 2, b'h', b'i'];
        m.push(11);
        m.push(d.len() as u8);
        m.extend(d);
        let mut problems = Vec::new();
        let facts = read(&m, &mut problems).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(facts.goos, Some(Goos::Wasip1));
        let info = facts.wasm.unwrap();
        assert_eq!(info.imports, ["wasi_snapshot_preview1"]);
        assert_eq!(info.languages, ["Go go1.26.8"]);
        assert_eq!(facts.stripped, Some(true));
        // Truncate inside the data section: a problem, no panic.
        let mut problems = Vec::new();
        read(&m[..m.len() - 2], &mut problems).unwrap();
        assert_eq!(problems.len(), 1);
    }
}
