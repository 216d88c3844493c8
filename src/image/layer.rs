//! Reproducible image layers: gzipped tars whose bytes depend only on their files.
//!
//! Every layer is a POSIX ustar archive with its entries sorted by path, each owned by 0:0
//! with no user or group name, the build's commit date as its mtime, and an explicit mode
//! (0755 for the binary and directories, 0644 for files); the gzip stream carries no file name
//! and a zero time, and compresses at a fixed level. The same inputs give the same layer
//! digest on any machine, in any directory, at any time.
//!
//! A `scratch` image gets a second layer with what Go programs look for on a Linux system:
//! a CA bundle at `/etc/ssl/certs/ca-certificates.crt` (the Mozilla root program as the
//! `webpki-root-certs` crate ships it: whole DER certificates, which a PEM bundle needs;
//! `webpki-roots` holds only trust anchors, subject and key, and cannot make one), `/etc/passwd`
//! and `/etc/group` entries for root and the image's user, and a world-writable `/tmp`.

use base64::Engine as _;
use flate2::Compression;
use std::io::Write;

/// Where the CA bundle lives in the image: the path Go's crypto/x509 reads first on Linux
/// (and the one Debian, Ubuntu and Alpine use).
pub const CA_BUNDLE_PATH: &str = "etc/ssl/certs/ca-certificates.crt";

/// The media type of a gzipped tar layer.
pub const LAYER_MEDIA_TYPE: &str = "application/vnd.oci.image.layer.v1.tar+gzip";

/// One entry of a layer: a directory or a regular file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Path inside the image, relative (`etc/passwd`); directories end without `/`.
    pub path: String,
    /// Permission bits, e.g. `0o755`.
    pub mode: u32,
    /// The file's bytes; `None` for a directory.
    pub data: Option<Vec<u8>>,
}

impl Entry {
    /// A regular file.
    pub fn file(path: &str, mode: u32, data: Vec<u8>) -> Entry {
        Entry {
            path: path.trim_start_matches('/').to_string(),
            mode,
            data: Some(data),
        }
    }

    /// A directory.
    pub fn dir(path: &str, mode: u32) -> Entry {
        Entry {
            path: path.trim_matches('/').to_string(),
            mode,
            data: None,
        }
    }
}

/// A finished layer: the gzipped bytes with their digest, and the digest of the tar inside
/// (the config's `rootfs.diff_ids`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    /// The gzipped tar.
    pub bytes: Vec<u8>,
    /// `sha256:<hex>` of `bytes`.
    pub digest: String,
    /// `sha256:<hex>` of the uncompressed tar.
    pub diff_id: String,
}

/// `sha256:<hex>` of some bytes: an OCI digest.
pub fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", crate::digest::sha256_hex(bytes))
}

/// Builds a layer from `entries` (sorted here by path; parents are not added) with `mtime`
/// (seconds since 1970) on every entry.
///
/// Errors: a path the tar format cannot hold (longer than ustar's 255 bytes), which a
/// gocross image never has.
pub fn build(mut entries: Vec<Entry>, mtime: u64) -> std::io::Result<Layer> {
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    let mut tar = tar::Builder::new(Vec::new());
    for e in &entries {
        let mut header = tar::Header::new_ustar();
        header.set_uid(0);
        header.set_gid(0);
        header.set_mtime(mtime);
        header.set_mode(e.mode);
        match &e.data {
            Some(data) => {
                header.set_entry_type(tar::EntryType::Regular);
                header.set_size(data.len() as u64);
                tar.append_data(&mut header, &e.path, data.as_slice())?;
            }
            None => {
                header.set_entry_type(tar::EntryType::Directory);
                header.set_size(0);
                tar.append_data(&mut header, format!("{}/", e.path), std::io::empty())?;
            }
        }
    }
    let tar = tar.into_inner()?;
    let diff_id = sha256_digest(&tar);
    let mut gz = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), Compression::new(6));
    gz.write_all(&tar)?;
    let bytes = gz.finish()?;
    Ok(Layer {
        digest: sha256_digest(&bytes),
        bytes,
        diff_id,
    })
}

/// The binary's layer: one file at `path` (e.g. `/hello`), mode 0755.
pub fn binary_layer(path: &str, binary: Vec<u8>, mtime: u64) -> std::io::Result<Layer> {
    build(vec![Entry::file(path, 0o755, binary)], mtime)
}

/// The system layer of a `scratch` image for a process running as `uid:gid`: the CA bundle,
/// `/etc/passwd` and `/etc/group` (root, plus `nonroot` for a non-zero uid or gid), `/tmp`.
pub fn scratch_layer(uid: u32, gid: u32, mtime: u64) -> std::io::Result<Layer> {
    let (passwd, group) = passwd_group(uid, gid);
    build(
        vec![
            Entry::dir("etc", 0o755),
            Entry::file("etc/group", 0o644, group.into_bytes()),
            Entry::file("etc/passwd", 0o644, passwd.into_bytes()),
            Entry::dir("etc/ssl", 0o755),
            Entry::dir("etc/ssl/certs", 0o755),
            Entry::file(CA_BUNDLE_PATH, 0o644, ca_bundle().into_bytes()),
            Entry::dir("tmp", 0o1777),
        ],
        mtime,
    )
}

/// The `/etc/passwd` and `/etc/group` texts for an image that runs as `uid:gid`.
pub fn passwd_group(uid: u32, gid: u32) -> (String, String) {
    let mut passwd = String::from("root:x:0:0:root:/root:/sbin/nologin\n");
    let mut group = String::from("root:x:0:\n");
    if gid != 0 {
        group.push_str(&format!("nonroot:x:{gid}:\n"));
    }
    if uid != 0 {
        passwd.push_str(&format!(
            "nonroot:x:{uid}:{gid}:nonroot:/home/nonroot:/sbin/nologin\n"
        ));
    }
    (passwd, group)
}

/// The PEM bundle of the root certificates in the `webpki-root-certs` crate (Mozilla's
/// root program), one `-----BEGIN CERTIFICATE-----` block per root, 64 base64 characters per
/// line, in the crate's order.
pub fn ca_bundle() -> String {
    let mut pem = String::new();
    for cert in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
        let b64 = base64::engine::general_purpose::STANDARD.encode(cert.as_ref());
        pem.push_str("-----BEGIN CERTIFICATE-----\n");
        for line in b64.as_bytes().chunks(64) {
            pem.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
            pem.push('\n');
        }
        pem.push_str("-----END CERTIFICATE-----\n");
    }
    pem
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn entries(layer: &Layer) -> Vec<(String, u32, u64, u64, u64, Vec<u8>)> {
        let tar = flate2::read::GzDecoder::new(layer.bytes.as_slice());
        let mut archive = tar::Archive::new(tar);
        archive
            .entries()
            .unwrap()
            .map(|e| {
                let mut e = e.unwrap();
                let h = e.header().clone();
                let mut data = Vec::new();
                e.read_to_end(&mut data).unwrap();
                assert_eq!(h.username().unwrap(), Some(""));
                assert_eq!(h.groupname().unwrap(), Some(""));
                (
                    e.path().unwrap().to_string_lossy().into_owned(),
                    h.mode().unwrap(),
                    h.uid().unwrap(),
                    h.gid().unwrap(),
                    h.mtime().unwrap(),
                    data,
                )
            })
            .collect()
    }

    #[test]
    fn layers_are_sorted_owned_by_root_and_reproducible() {
        let a = scratch_layer(65532, 65532, 1_700_000_000).unwrap();
        let b = scratch_layer(65532, 65532, 1_700_000_000).unwrap();
        assert_eq!(a, b, "same inputs, same bytes");
        assert_ne!(a.digest, scratch_layer(65532, 65532, 1).unwrap().digest);
        let list = entries(&a);
        let paths: Vec<&str> = list.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(
            paths,
            [
                "etc/",
                "etc/group",
                "etc/passwd",
                "etc/ssl/",
                "etc/ssl/certs/",
                "etc/ssl/certs/ca-certificates.crt",
                "tmp/"
            ]
        );
        assert!(
            list.iter()
                .all(|e| e.2 == 0 && e.3 == 0 && e.4 == 1_700_000_000)
        );
        assert_eq!(list[6].1, 0o1777);
        assert!(String::from_utf8_lossy(&list[2].5).contains("nonroot:x:65532:65532:"));
        // gzip header: no name flag, zero mtime.
        assert_eq!(&a.bytes[..4], &[0x1f, 0x8b, 8, 0]);
        assert_eq!(&a.bytes[4..8], &[0, 0, 0, 0]);
    }

    #[test]
    fn the_binary_is_executable() {
        let layer = binary_layer("/hello", b"\x7fELF...".to_vec(), 5).unwrap();
        let list = entries(&layer);
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].0, "hello");
        assert_eq!(list[0].1, 0o755);
        assert_eq!(list[0].5, b"\x7fELF...");
        assert!(layer.diff_id.starts_with("sha256:") && layer.diff_id != layer.digest);
    }

    #[test]
    fn the_ca_bundle_holds_whole_certificates() {
        let pem = ca_bundle();
        let count = pem.matches("-----BEGIN CERTIFICATE-----").count();
        assert!(count > 100, "{count} roots");
        assert_eq!(count, webpki_root_certs::TLS_SERVER_ROOT_CERTS.len());
        // Every block decodes to an X.509 certificate (a DER SEQUENCE), not a bare key.
        let first = pem
            .split("-----BEGIN CERTIFICATE-----\n")
            .nth(1)
            .unwrap()
            .split("-----END")
            .next()
            .unwrap()
            .replace('\n', "");
        let der = base64::engine::general_purpose::STANDARD
            .decode(first)
            .unwrap();
        assert_eq!(der[0], 0x30);
        assert!(pem.lines().all(|l| l.len() <= 64));
    }
}
