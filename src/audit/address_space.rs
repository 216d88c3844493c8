//! A binary's address space as its loader would lay out its file bytes, and the bounded byte
//! readers the format readers share.
//!
//! Go's build info is found by virtual address (a section or a data segment), so each format
//! reader describes its loadable parts as [`Region`]s: an address and the bytes of the file
//! that land there. Reads never cross a region and never go past the file, which keeps every
//! reader bounded by the input's size whatever its headers claim.

/// Bytes of the file mapped at a virtual address.
#[derive(Debug, Clone, Copy)]
pub struct Region<'a> {
    pub addr: u64,
    pub bytes: &'a [u8],
}

/// The loadable regions of one binary, in header order (the first match wins, as in Go's
/// `debug/buildinfo`).
#[derive(Debug, Clone, Default)]
pub struct AddressSpace<'a> {
    pub regions: Vec<Region<'a>>,
}

impl<'a> AddressSpace<'a> {
    /// Up to `len` bytes at `addr`, stopping at the end of the region that holds `addr`;
    /// `None` when no region holds it.
    pub fn read(&self, addr: u64, len: u64) -> Option<&'a [u8]> {
        self.regions.iter().find_map(|r| {
            let off = addr.checked_sub(r.addr)?;
            if off >= r.bytes.len() as u64 {
                return None;
            }
            let start = off as usize;
            let end = start.saturating_add(usize::try_from(len).unwrap_or(usize::MAX));
            Some(&r.bytes[start..end.min(r.bytes.len())])
        })
    }
}

/// The bytes `[offset, offset + size)` of `data`, clamped to its end; empty when `offset` is
/// past it.
pub fn clamp(data: &[u8], offset: u64, size: u64) -> &[u8] {
    let Ok(start) = usize::try_from(offset) else {
        return &[];
    };
    if start >= data.len() {
        return &[];
    }
    let end = usize::try_from(offset.saturating_add(size))
        .unwrap_or(usize::MAX)
        .min(data.len());
    &data[start..end]
}

/// A fixed-size read at `offset`, `None` past the end.
fn array<const N: usize>(data: &[u8], offset: usize) -> Option<[u8; N]> {
    data.get(offset..offset.checked_add(N)?)?.try_into().ok()
}

/// A 16-bit integer at `offset` in the given byte order.
pub fn u16_at(data: &[u8], offset: usize, big: bool) -> Option<u16> {
    let b = array::<2>(data, offset)?;
    Some(if big {
        u16::from_be_bytes(b)
    } else {
        u16::from_le_bytes(b)
    })
}

/// A 32-bit integer at `offset` in the given byte order.
pub fn u32_at(data: &[u8], offset: usize, big: bool) -> Option<u32> {
    let b = array::<4>(data, offset)?;
    Some(if big {
        u32::from_be_bytes(b)
    } else {
        u32::from_le_bytes(b)
    })
}

/// A 64-bit integer at `offset` in the given byte order.
pub fn u64_at(data: &[u8], offset: usize, big: bool) -> Option<u64> {
    let b = array::<8>(data, offset)?;
    Some(if big {
        u64::from_be_bytes(b)
    } else {
        u64::from_le_bytes(b)
    })
}

/// The NUL-terminated string at `offset`, at most [`MAX_NAME`] bytes, as text (invalid UTF-8
/// replaced); `None` when `offset` is outside `data`. A string without its NUL ends at the end
/// of `data`.
pub fn c_string(data: &[u8], offset: usize) -> Option<String> {
    let rest = data.get(offset..)?;
    let rest = &rest[..rest.len().min(MAX_NAME)];
    let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
    Some(String::from_utf8_lossy(&rest[..end]).into_owned())
}

/// Longest library, interpreter or version name kept, in bytes.
pub const MAX_NAME: usize = 4096;

/// Most entries kept in any list read from a binary (libraries, versions, load commands,
/// segments); a file that claims more is reported as malformed.
pub const MAX_ENTRIES: usize = 4096;

/// An unsigned LEB128 number (wasm, Go's `uvarint`) at the start of `data`: the value and the
/// number of bytes read; `None` when it is truncated or overflows 64 bits.
pub fn uleb128(data: &[u8]) -> Option<(u64, usize)> {
    let mut value: u64 = 0;
    for (i, &b) in data.iter().enumerate().take(10) {
        let part = u64::from(b & 0x7f);
        if i == 9 && b > 1 {
            return None;
        }
        value |= part << (7 * i);
        if b & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_stop_at_region_and_file_ends() {
        let bytes = [1u8, 2, 3, 4];
        let space = AddressSpace {
            regions: vec![Region {
                addr: 0x1000,
                bytes: &bytes,
            }],
        };
        assert_eq!(space.read(0x1001, 2), Some(&bytes[1..3]));
        assert_eq!(space.read(0x1002, u64::MAX), Some(&bytes[2..]));
        assert_eq!(space.read(0x1004, 1), None);
        assert_eq!(space.read(0xfff, 1), None);
        assert_eq!(clamp(&bytes, 3, 10), &bytes[3..]);
        assert_eq!(clamp(&bytes, u64::MAX, u64::MAX), &[] as &[u8]);
    }

    #[test]
    fn leb128_matches_go_uvarint() {
        assert_eq!(uleb128(&[0x05]), Some((5, 1)));
        assert_eq!(uleb128(&[0xe5, 0x8e, 0x26]), Some((624_485, 3)));
        assert_eq!(uleb128(&[0x80]), None, "truncated");
        let max = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        assert_eq!(uleb128(&max), Some((u64::MAX, 10)));
        let over = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02];
        assert_eq!(uleb128(&over), None, "overflow");
    }
}
