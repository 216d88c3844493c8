//! Go build info: what `go version -m` prints, read from the bytes of a binary without running
//! it.
//!
//! The format, from Go's `src/debug/buildinfo/buildinfo.go` and `src/runtime/debug/mod.go`
//! (Go 1.26), and the linker's `cmd/link/internal/ld/data.go` (`buildinfo`):
//! - a 32-byte header at a 16-byte aligned address in the data the container names (ELF
//!   `.go.buildinfo`, Mach-O `__go_buildinfo`, else the first writable data segment or section):
//!   the 14-byte magic `\xff Go buildinf:`, the pointer size, and a flags byte (bit 0:
//!   big-endian pointers, bit 1: inline strings);
//! - inline format (Go 1.18+): after the header, two uvarint-length-prefixed strings, the Go
//!   version and the module info;
//! - pointer format (Go 1.13 to 1.17): the header holds the addresses of two Go string headers
//!   (pointer, length) for the version and the module info;
//! - the module info is framed by 16 sentinel bytes on each side (`cmd/go/internal/modload`'s
//!   `infoStart` and `infoEnd`) and holds tab-separated lines: `path`, `mod`, `dep`, `=>`
//!   (replacement of the line above) and `build key=value`, keys and values quoted as Go's
//!   `strconv.Quote` does when they hold spaces, tabs, quotes or newlines.
//!
//! wasm binaries carry no header (the linker keeps no `go:buildinfo` symbol there), and
//! `go version -m` cannot read them. gocross reads the module info from the data segments by its
//! sentinels, and the Go version from the `producers` custom section.

use super::address_space::{AddressSpace, Region, uleb128};
use serde::{Serialize, Serializer};
use std::fmt::Write as _;

/// The magic that starts the build info header.
const MAGIC: &[u8; 14] = b"\xff Go buildinf:";
/// The header's size and alignment in bytes.
const HEADER_SIZE: u64 = 32;
const ALIGN: u64 = 16;
/// The sentinels around the module info (`cmd/go/internal/modload/build.go`).
const INFO_START: [u8; 16] = [
    0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6,
];
const INFO_END: [u8; 16] = [
    0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72, 0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2,
];

/// The build info of a Go binary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GoInfo {
    /// The toolchain that built it, e.g. `go1.26.8` (may carry experiments:
    /// `go1.26.8 X:nodwarf5`); `unknown` for a wasm binary whose `producers` section is gone.
    pub version: String,
    /// The main package's import path (`path` line), e.g. `example.com/hello/cmd/hello`.
    pub path: Option<String>,
    /// The main module (`mod` line); its version is `(devel)` for a build from a checkout.
    pub main: Option<Module>,
    /// The dependency modules (`dep` lines), in the order Go wrote them.
    pub deps: Vec<Module>,
    /// The `build` lines in order: `-buildmode`, `-compiler`, `-ldflags`, `-tags`, `-trimpath`,
    /// `CGO_ENABLED`, `GOOS`, `GOARCH`, `GOAMD64`/`GOARM`/..., `vcs.revision`, `vcs.time`,
    /// `vcs.modified`. Serialized as a JSON object.
    pub settings: Settings,
    /// Where the info came from: `inline` (Go 1.18+), `pointer` (Go 1.13–1.17) or `wasm`.
    pub format: BlobFormat,
}

/// A module as the build info records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Module {
    /// The module path, e.g. `golang.org/x/sys`.
    pub path: String,
    /// The module version, e.g. `v0.30.0`, or `(devel)`.
    pub version: String,
    /// The go.sum hash, `h1:` and base64 SHA-256; `None` for the main module and for local
    /// replacements.
    pub sum: Option<String>,
    /// The module that replaced this one (a `=>` line).
    pub replace: Option<Box<Module>>,
}

/// The build settings in the order the binary lists them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings(pub Vec<(String, String)>);

impl Settings {
    /// The value of the first setting named `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

impl Serialize for Settings {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// How the build info was stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BlobFormat {
    /// Go 1.18 and later: the strings are inline in the blob.
    Inline,
    /// Before Go 1.18: the blob holds pointers to the strings.
    Pointer,
    /// A wasm module's data segment.
    Wasm,
}

impl GoInfo {
    /// The setting `CGO_ENABLED` as a boolean, `None` when the binary does not record it.
    pub fn cgo(&self) -> Option<bool> {
        match self.settings.get("CGO_ENABLED")? {
            "1" => Some(true),
            "0" => Some(false),
            _ => None,
        }
    }

    /// The lines `go version -m FILE` prints after `FILE: <version>`: Go's
    /// `runtime/debug.BuildInfo.String` (its quoting, and the empty line it leaves after each
    /// replacement) with every line indented by a tab, as `cmd/go` prints it.
    pub fn version_m(&self) -> String {
        let mut text = String::new();
        if let Some(p) = &self.path {
            let _ = writeln!(text, "path\t{p}");
        }
        fn module(out: &mut String, word: &str, m: &Module) {
            let _ = write!(out, "{word}\t{}\t{}", m.path, m.version);
            match &m.replace {
                None => {
                    let _ = write!(out, "\t{}", m.sum.as_deref().unwrap_or(""));
                }
                Some(r) => {
                    out.push('\n');
                    module(out, "=>", r);
                }
            }
            out.push('\n');
        }
        if let Some(m) = &self.main {
            module(&mut text, "mod", m);
        }
        for d in &self.deps {
            module(&mut text, "dep", d);
        }
        for (k, v) in &self.settings.0 {
            let key = if k.is_empty() || k.contains(['=', ' ', '\t', '\r', '\n', '"', '`']) {
                go_quote(k)
            } else {
                k.clone()
            };
            let value = if v.contains([' ', '\t', '\r', '\n', '"', '`']) {
                go_quote(v)
            } else {
                v.clone()
            };
            let _ = writeln!(text, "build\t{key}={value}");
        }
        match text.strip_suffix('\n') {
            Some(body) => format!("\t{}\n", body.replace('\n', "\n\t")),
            None => text,
        }
    }
}

/// Why a binary that has a build info header could not be read.
pub type BuildInfoError = String;

/// Finds and decodes the build info in `space`, searching `[start, start + size)` the way
/// Go's `debug/buildinfo` does. `Ok(None)` means "not a Go binary" (no magic, or a header
/// whose strings cannot be read, as Go decides); `Err` means the module info is malformed.
pub fn find(
    space: &AddressSpace<'_>,
    start: u64,
    size: u64,
) -> Result<Option<GoInfo>, BuildInfoError> {
    let Some(addr) = search_magic(space, start, size) else {
        return Ok(None);
    };
    let Some(header) = space.read(addr, HEADER_SIZE) else {
        return Ok(None);
    };
    if (header.len() as u64) < HEADER_SIZE {
        return Ok(None);
    }
    let flags = header[15];
    let (version, modinfo, format) = if flags & 2 != 0 {
        let Some((version, next)) = decode_string(space, addr + HEADER_SIZE) else {
            return Ok(None);
        };
        let Some((modinfo, _)) = decode_string(space, next) else {
            return Ok(None);
        };
        (version, modinfo, BlobFormat::Inline)
    } else {
        let big = flags & 1 != 0;
        let ptr_size = usize::from(header[14]);
        if ptr_size != 4 && ptr_size != 8 {
            return Ok(None);
        }
        let ptr = |b: &[u8]| -> Option<u64> {
            let b = b.get(..ptr_size)?;
            Some(if ptr_size == 4 {
                u64::from(super::address_space::u32_at(b, 0, big)?)
            } else {
                super::address_space::u64_at(b, 0, big)?
            })
        };
        let string_at = |at: Option<u64>| -> &[u8] {
            let Some(at) = at else { return &[] };
            let Some(h) = space.read(at, 2 * ptr_size as u64) else {
                return &[];
            };
            let (Some(data), Some(len)) = (ptr(h), h.get(ptr_size..).and_then(ptr)) else {
                return &[];
            };
            match space.read(data, len) {
                Some(b) if b.len() as u64 == len => b,
                _ => &[],
            }
        };
        let version = string_at(ptr(&header[16..]));
        let modinfo = string_at(ptr(&header[16 + ptr_size..]));
        (version, modinfo, BlobFormat::Pointer)
    };
    if version.is_empty() {
        return Ok(None);
    }
    let modinfo = unframe(modinfo);
    decode(text(version), modinfo.map(text).unwrap_or_default(), format).map(Some)
}

/// Finds the build info of a wasm binary: the module info framed by its sentinels in a data
/// segment, the Go version from the `producers` section (`None` when it is missing).
pub fn find_in_wasm(
    segments: &[Region<'_>],
    version: Option<&str>,
) -> Result<Option<GoInfo>, BuildInfoError> {
    for seg in segments {
        let Some(start) = find_bytes(seg.bytes, &INFO_START) else {
            continue;
        };
        let body = &seg.bytes[start..];
        let Some(end) = find_bytes(&body[16..], &INFO_END) else {
            continue;
        };
        let framed = &body[..16 + end + 16];
        let Some(modinfo) = unframe(framed) else {
            continue;
        };
        let version = version.unwrap_or("unknown").to_string();
        return decode(version, text(modinfo), BlobFormat::Wasm).map(Some);
    }
    Ok(None)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The module info inside its sentinels, as Go strips them: present only when the text is at
/// least 33 bytes long and the byte before the end sentinel is a newline.
fn unframe(modinfo: &[u8]) -> Option<&[u8]> {
    let n = modinfo.len();
    (n >= 33 && modinfo[n - 17] == b'\n').then(|| &modinfo[16..n - 16])
}

/// The first 16-byte aligned address in `[start, start + size)` that holds the magic with room
/// for the header after it.
fn search_magic(space: &AddressSpace<'_>, start: u64, size: u64) -> Option<u64> {
    let end = start.checked_add(size)?;
    let mut at = start.checked_add(ALIGN - 1)? & !(ALIGN - 1);
    while at < end {
        let data = space.read(at, end - at)?;
        let mut found = None;
        for (i, chunk) in data.chunks(ALIGN as usize).enumerate() {
            if chunk.starts_with(MAGIC) {
                found = Some(i as u64 * ALIGN);
                break;
            }
        }
        if let Some(i) = found {
            if end - at - i < HEADER_SIZE {
                return None;
            }
            return Some(at + i);
        }
        // The region ended before `end`: go on in the next one, if any maps the rest.
        at = (at + data.len() as u64).checked_add(ALIGN - 1)? & !(ALIGN - 1);
    }
    None
}

/// A uvarint-length-prefixed string at `addr` and the address after it; `None` when the
/// length is malformed or the string runs past its region.
fn decode_string<'a>(space: &AddressSpace<'a>, addr: u64) -> Option<(&'a [u8], u64)> {
    let prefix = space.read(addr, 10)?;
    let (len, n) = uleb128(prefix)?;
    let at = addr.checked_add(n as u64)?;
    let bytes = if len == 0 {
        &[][..]
    } else {
        space.read(at, len)?
    };
    if (bytes.len() as u64) < len {
        return None;
    }
    Some((bytes, at.checked_add(len)?))
}

/// Parses the module info lines as Go's `runtime/debug.ParseBuildInfo` does: unknown lines
/// are ignored, a last line without a newline is dropped, and malformed `mod`, `dep`, `=>` or
/// `build` lines are errors naming the line.
fn decode(version: String, modinfo: String, format: BlobFormat) -> Result<GoInfo, BuildInfoError> {
    let mut info = GoInfo {
        version,
        path: None,
        main: None,
        deps: Vec::new(),
        settings: Settings::default(),
        format,
    };
    // Which module a `=>` line replaces: the main module, a dependency, or none.
    enum Last {
        None,
        Main,
        Dep,
    }
    let mut last = Last::None;
    let mut rest = modinfo.as_str();
    let mut line_no = 1;
    let err = |line: usize, msg: String| format!("malformed Go build info: line {line}: {msg}");
    while let Some((line, tail)) = rest.split_once('\n') {
        rest = tail;
        if let Some(p) = line.strip_prefix("path\t") {
            info.path = Some(p.to_string());
        } else if let Some(m) = line.strip_prefix("mod\t") {
            info.main = Some(module_line(m).map_err(|e| err(line_no, e))?);
            last = Last::Main;
        } else if let Some(d) = line.strip_prefix("dep\t") {
            info.deps.push(module_line(d).map_err(|e| err(line_no, e))?);
            last = Last::Dep;
        } else if let Some(r) = line.strip_prefix("=>\t") {
            let cols: Vec<&str> = r.split('\t').collect();
            let [path, version, sum] = cols.as_slice() else {
                return Err(err(
                    line_no,
                    format!("expected 3 columns for replacement; got {}", cols.len()),
                ));
            };
            let target = match last {
                Last::Main => info.main.as_mut(),
                Last::Dep => info.deps.last_mut(),
                Last::None => None,
            };
            let Some(target) = target else {
                return Err(err(
                    line_no,
                    "replacement with no module on previous line".into(),
                ));
            };
            target.replace = Some(Box::new(Module {
                path: path.to_string(),
                version: version.to_string(),
                sum: (!sum.is_empty()).then(|| sum.to_string()),
                replace: None,
            }));
            last = Last::None;
        } else if let Some(kv) = line.strip_prefix("build\t") {
            info.settings
                .0
                .push(build_line(kv).map_err(|e| err(line_no, e))?);
        }
        line_no += 1;
    }
    Ok(info)
}

fn module_line(line: &str) -> Result<Module, String> {
    let cols: Vec<&str> = line.split('\t').collect();
    if cols.len() != 2 && cols.len() != 3 {
        return Err(format!("expected 2 or 3 columns; got {}", cols.len()));
    }
    Ok(Module {
        path: cols[0].to_string(),
        version: cols[1].to_string(),
        sum: cols.get(2).filter(|s| !s.is_empty()).map(|s| s.to_string()),
        replace: None,
    })
}

/// One `build key=value` line, keys and values unquoted as Go writes them.
fn build_line(kv: &str) -> Result<(String, String), String> {
    let (key, raw) = match kv.as_bytes().first() {
        None => return Err("build line missing '='".into()),
        Some(b'=') => return Err("build line with missing key".into()),
        Some(b'"' | b'`') => {
            let (key, len) = go_unquote_prefix(kv).ok_or("invalid quoted key in build line")?;
            match kv.as_bytes().get(len) {
                None => return Err("build line missing '=' after quoted key".into()),
                Some(b'=') => (key, &kv[len + 1..]),
                Some(c) => {
                    return Err(format!(
                        "unexpected character after quoted key: {:?}",
                        char::from(*c)
                    ));
                }
            }
        }
        Some(_) => {
            let (key, raw) = kv
                .split_once('=')
                .ok_or("build line missing '=' after key")?;
            if key.contains([' ', '\t', '\r', '\n', '"', '`']) {
                return Err(format!("unquoted key {key:?} must be quoted"));
            }
            (key.to_string(), raw)
        }
    };
    let value = match raw.as_bytes().first() {
        Some(b'"' | b'`') => match go_unquote_prefix(raw) {
            Some((v, len)) if len == raw.len() => v,
            _ => return Err("invalid quoted value in build line".into()),
        },
        _ if raw.contains([' ', '\t', '\r', '\n', '"', '`']) => {
            return Err(format!("unquoted value {raw:?} must be quoted"));
        }
        _ => raw.to_string(),
    };
    Ok((key, value))
}

/// Unquotes the Go string literal (`"..."` with escapes, or `` `...` ``) at the start of `s`:
/// the value and the literal's length in bytes. Follows `strconv.Unquote`: raw strings drop
/// `\r`; interpreted strings take `\a \b \f \n \r \t \v \\ \"`, `\xHH`, `\OOO`, `\uHHHH` and
/// `\UHHHHHHHH`, and no raw newline.
fn go_unquote_prefix(s: &str) -> Option<(String, usize)> {
    let b = s.as_bytes();
    match *b.first()? {
        b'`' => {
            let end = s[1..].find('`')? + 1;
            Some((s[1..end].replace('\r', ""), end + 1))
        }
        b'"' => {
            let mut out: Vec<u8> = Vec::new();
            let mut i = 1;
            loop {
                let c = *b.get(i)?;
                match c {
                    b'"' => {
                        let text = String::from_utf8(out)
                            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into());
                        return Some((text, i + 1));
                    }
                    b'\n' => return None,
                    b'\\' => {
                        let e = *b.get(i + 1)?;
                        i += 2;
                        let simple = match e {
                            b'a' => Some(7),
                            b'b' => Some(8),
                            b'f' => Some(12),
                            b'n' => Some(b'\n'),
                            b'r' => Some(b'\r'),
                            b't' => Some(b'\t'),
                            b'v' => Some(11),
                            b'\\' => Some(b'\\'),
                            b'"' => Some(b'"'),
                            _ => None,
                        };
                        if let Some(v) = simple {
                            out.push(v);
                            continue;
                        }
                        let hex = |n: usize, i: usize| -> Option<u32> {
                            let digits = s.get(i..i + n)?;
                            if !digits.bytes().all(|d| d.is_ascii_hexdigit()) {
                                return None;
                            }
                            u32::from_str_radix(digits, 16).ok()
                        };
                        match e {
                            b'x' => {
                                out.push(hex(2, i)? as u8);
                                i += 2;
                            }
                            b'0'..=b'7' => {
                                let digits = s.get(i - 1..i + 2)?;
                                if !digits.bytes().all(|d| (b'0'..=b'7').contains(&d)) {
                                    return None;
                                }
                                let v = u32::from_str_radix(digits, 8).ok()?;
                                out.push(u8::try_from(v).ok()?);
                                i += 2;
                            }
                            b'u' | b'U' => {
                                let n = if e == b'u' { 4 } else { 8 };
                                let ch = char::from_u32(hex(n, i)?)?;
                                let mut buf = [0u8; 4];
                                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                                i += n;
                            }
                            _ => return None,
                        }
                    }
                    _ => {
                        out.push(c);
                        i += 1;
                    }
                }
            }
        }
        _ => None,
    }
}

/// Quotes a string as Go's `strconv.Quote` does for the characters build settings hold:
/// printable characters stay, `\a \b \f \n \r \t \v \\ \"` are escaped, other control
/// characters become `\xHH` (below U+0080) or `\uHHHH`.
fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A build info blob in the inline format, as the Go linker writes it.
    fn inline_blob_bytes(version: &[u8], modinfo: &[u8]) -> Vec<u8> {
        let mut b = MAGIC.to_vec();
        b.push(8);
        b.push(2);
        b.resize(32, 0);
        for s in [version, modinfo] {
            let mut n = s.len() as u64;
            loop {
                let byte = (n & 0x7f) as u8;
                n >>= 7;
                if n == 0 {
                    b.push(byte);
                    break;
                }
                b.push(byte | 0x80);
            }
            b.extend_from_slice(s);
        }
        b
    }

    fn framed_bytes(lines: &str) -> Vec<u8> {
        let mut v = INFO_START.to_vec();
        v.extend_from_slice(lines.as_bytes());
        v.extend_from_slice(&INFO_END);
        v
    }

    #[test]
    fn inline_format_round_trips_through_version_m() {
        let lines = "path\texample.com/hello\nmod\texample.com/hello\t(devel)\t\ndep\tgolang.org/x/sync\tv0.20.0\th1:abc=\ndep\tgolang.org/x/sys\tv0.42.0\n=>\t../sys\t\t\nbuild\t-ldflags=\"-s -w\"\nbuild\tCGO_ENABLED=0\nbuild\tGOOS=linux\n";
        let mut data = vec![0u8; 48];
        data.extend(inline_blob_bytes(b"go1.26.8", &framed_bytes(lines)));
        let space = AddressSpace {
            regions: vec![Region {
                addr: 0x1000,
                bytes: &data,
            }],
        };
        let info = find(&space, 0x1000, data.len() as u64).unwrap().unwrap();
        assert_eq!(info.version, "go1.26.8");
        assert_eq!(info.format, BlobFormat::Inline);
        assert_eq!(info.path.as_deref(), Some("example.com/hello"));
        assert_eq!(info.settings.get("-ldflags"), Some("-s -w"));
        assert_eq!(info.cgo(), Some(false));
        assert_eq!(info.deps[0].sum.as_deref(), Some("h1:abc="));
        assert_eq!(info.deps[1].replace.as_ref().unwrap().path, "../sys");
        // As Go prints it: a tab before every line, and an empty line after a replacement.
        let expected: String = lines
            .lines()
            .map(|l| format!("\t{l}\n"))
            .collect::<String>()
            .replace("../sys\t\t\n", "../sys\t\t\n\t\n");
        assert_eq!(info.version_m(), expected);
    }

    #[test]
    fn misaligned_or_missing_magic_is_not_go() {
        let mut data = vec![0u8; 8];
        data.extend(inline_blob_bytes(b"go1.26.8", b""));
        let space = AddressSpace {
            regions: vec![Region {
                addr: 0,
                bytes: &data,
            }],
        };
        assert_eq!(find(&space, 0, data.len() as u64).unwrap(), None);
        assert_eq!(find(&AddressSpace::default(), 0, 1 << 40).unwrap(), None);
    }

    #[test]
    fn pointer_format_follows_string_headers() {
        // Header at 0x100, version string header at 0x200 -> "go1.16", modinfo empty.
        let mut data = vec![0u8; 0x300];
        data[0x100..0x10e].copy_from_slice(MAGIC);
        data[0x10e] = 8;
        data[0x10f] = 0;
        data[0x110..0x118].copy_from_slice(&0x200u64.to_le_bytes());
        data[0x118..0x120].copy_from_slice(&0x220u64.to_le_bytes());
        data[0x200..0x208].copy_from_slice(&0x280u64.to_le_bytes());
        data[0x208..0x210].copy_from_slice(&6u64.to_le_bytes());
        data[0x280..0x286].copy_from_slice(b"go1.16");
        let space = AddressSpace {
            regions: vec![Region {
                addr: 0,
                bytes: &data,
            }],
        };
        let info = find(&space, 0, 0x300).unwrap().unwrap();
        assert_eq!(info.version, "go1.16");
        assert_eq!(info.format, BlobFormat::Pointer);
        assert!(info.main.is_none() && info.deps.is_empty());
    }

    #[test]
    fn malformed_lines_are_errors_like_go() {
        let bad = |lines: &str| {
            let mut data = inline_blob_bytes(b"go1.26.8", &framed_bytes(lines));
            data.resize(data.len() + 64, 0);
            let space = AddressSpace {
                regions: vec![Region {
                    addr: 0,
                    bytes: &data,
                }],
            };
            find(&space, 0, data.len() as u64).unwrap_err()
        };
        assert_eq!(
            bad("mod\ta\n"),
            "malformed Go build info: line 1: expected 2 or 3 columns; got 1"
        );
        assert_eq!(
            bad("path\tp\n=>\tx\tv1\t\n"),
            "malformed Go build info: line 2: replacement with no module on previous line"
        );
        assert!(bad("build\tk=a b\n").contains("must be quoted"));
        assert!(bad("build\t=v\n").contains("missing key"));
    }

    #[test]
    fn go_string_literals_unquote_and_quote() {
        assert_eq!(
            go_unquote_prefix(r#""a\tb\x41\101\u00e9\"" rest"#),
            Some(("a\tbAAé\"".to_string(), 22))
        );
        assert_eq!(
            go_unquote_prefix("`raw\r\\n`"),
            Some(("raw\\n".to_string(), 8))
        );
        assert_eq!(go_unquote_prefix(r#""\q""#), None);
        assert_eq!(go_unquote_prefix("\"open"), None);
        assert_eq!(go_quote("-s -w \"x\"\n"), r#""-s -w \"x\"\n""#);
        let (k, v) = build_line(r#""odd key"="v 1""#).unwrap();
        assert_eq!((k.as_str(), v.as_str()), ("odd key", "v 1"));
    }

    #[test]
    fn wasm_module_info_is_found_by_its_sentinels() {
        let mut seg = b"padding".to_vec();
        seg.extend(framed_bytes("path\tex.com/w\nbuild\tGOOS=wasip1\n"));
        let regions = [Region {
            addr: 64,
            bytes: &seg,
        }];
        let info = find_in_wasm(&regions, Some("go1.26.8")).unwrap().unwrap();
        assert_eq!(info.format, BlobFormat::Wasm);
        assert_eq!(info.settings.get("GOOS"), Some("wasip1"));
        assert_eq!(find_in_wasm(&regions[..0], None).unwrap(), None);
    }
}
