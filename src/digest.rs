//! SHA-256 digests as gocross writes them everywhere (manifest.json, checksums.txt, release
//! assets, SBOMs, outputs): lowercase hex. One way to hash a file, one hex encoding.

use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The SHA-256 of `bytes`, lowercase hex (64 characters).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The size in bytes and SHA-256 (lowercase hex) of a file, read in 64 KiB blocks.
///
/// Errors: the file cannot be opened or read.
pub fn sha256_file(path: &Path) -> std::io::Result<(u64, String)> {
    sha256_read(std::fs::File::open(path)?)
}

/// The size in bytes and SHA-256 (lowercase hex) of everything `reader` yields.
///
/// Errors: a read error.
pub fn sha256_read(mut reader: impl Read) -> std::io::Result<(u64, String)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((size, hex(&hasher.finalize())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_lowercase_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        std::fs::write(&file, b"abc").unwrap();
        assert_eq!(sha256_file(&file).unwrap(), (3, sha256_hex(b"abc")));
        assert_eq!(hex(&[0, 255]), "00ff");
    }
}
