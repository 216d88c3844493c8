//! The OCI image layout on disk (`oci-layout`, `index.json`, `blobs/sha256/<hex>`): written
//! whole or not at all, and read back with every blob checked against its digest.
//!
//! Facts: the OCI image spec's image-layout.md (the `imageLayoutVersion` `1.0.0`; the
//! `org.opencontainers.image.ref.name` annotation names an entry of index.json). gocross's
//! index.json lists the multi-arch image index (named by the version) and, after it, the SBOM
//! artifacts whose `subject` is a platform manifest, so that `gocross image push` finds
//! them without a walk of the blobs.
//!
//! JSON documents are written canonically (keys sorted, no whitespace), so their digests
//! depend only on their content: `oci-spec` keeps annotations and labels in hash maps.

use super::ImageError;
use crate::image::layer::sha256_digest;
use oci_spec::image::{Descriptor, ImageIndex, MediaType, OciLayoutBuilder};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The annotation that names an entry of index.json.
pub use oci_spec::image::ANNOTATION_REF_NAME as REF_NAME;

/// The bytes of `value` as canonical JSON: object keys sorted at every level, no insignificant
/// whitespace.
pub fn canonical_json<T: Serialize>(value: &T) -> Vec<u8> {
    fn sorted(v: Value) -> Value {
        match v {
            Value::Object(map) => {
                let mut entries: Vec<(String, Value)> = map.into_iter().collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
            }
            Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
            other => other,
        }
    }
    let value = serde_json::to_value(value).expect("OCI documents always serialize");
    serde_json::to_vec(&sorted(value)).expect("JSON values always serialize")
}

/// Content-addressed blobs, in memory until the layout is written.
#[derive(Debug, Default, Clone)]
pub struct Blobs {
    blobs: BTreeMap<String, Vec<u8>>,
}

impl Blobs {
    /// Stores `bytes` and returns their descriptor.
    pub fn put(&mut self, media_type: MediaType, bytes: Vec<u8>) -> Descriptor {
        let digest = sha256_digest(&bytes);
        let desc = Descriptor::new(
            media_type,
            bytes.len() as u64,
            oci_spec::image::Digest::try_from(digest.as_str()).expect("a sha256 digest"),
        );
        self.blobs.insert(digest, bytes);
        desc
    }

    /// Stores a document as canonical JSON and returns its descriptor.
    pub fn put_json<T: Serialize>(&mut self, media_type: MediaType, doc: &T) -> Descriptor {
        self.put(media_type, canonical_json(doc))
    }

    /// The bytes of a stored blob.
    pub fn get(&self, digest: &str) -> Option<&[u8]> {
        self.blobs.get(digest).map(Vec::as_slice)
    }

    /// Every stored digest, sorted.
    pub fn digests(&self) -> impl Iterator<Item = &str> {
        self.blobs.keys().map(String::as_str)
    }
}

/// Writes the layout to `out` as a whole: into a hidden directory beside it, then renamed
/// over `out` (an older layout there is replaced only once the new one is complete).
pub fn write(out: &Path, blobs: &Blobs, index: &ImageIndex) -> Result<(), ImageError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ImageError::Io { path, source }
    };
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io(parent))?;
    let staging = tempfile::Builder::new()
        .prefix(".gocross-image-")
        .tempdir_in(parent)
        .map_err(io(parent))?;
    let root = staging.path();
    let blob_dir = root.join("blobs").join("sha256");
    std::fs::create_dir_all(&blob_dir).map_err(io(&blob_dir))?;
    for (digest, bytes) in &blobs.blobs {
        let hex = digest.trim_start_matches("sha256:");
        let path = blob_dir.join(hex);
        std::fs::write(&path, bytes).map_err(io(&path))?;
    }
    let layout = OciLayoutBuilder::default()
        .image_layout_version("1.0.0")
        .build()
        .expect("the layout version is set");
    let path = root.join("oci-layout");
    std::fs::write(&path, canonical_json(&layout)).map_err(io(&path))?;
    let path = root.join("index.json");
    std::fs::write(&path, canonical_json(index)).map_err(io(&path))?;
    // Readable like any build output (temporary directories are created private).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755));
    }
    let staged = staging.keep();
    if out.exists() {
        let old = tempfile::Builder::new()
            .prefix(".gocross-image-old-")
            .tempdir_in(parent)
            .map_err(io(parent))?;
        let aside = old.path().join("layout");
        std::fs::rename(out, &aside).map_err(io(out))?;
        if let Err(source) = std::fs::rename(&staged, out) {
            let _ = std::fs::rename(&aside, out);
            let _ = std::fs::remove_dir_all(&staged);
            return Err(ImageError::Io {
                path: out.to_path_buf(),
                source,
            });
        }
        drop(old);
    } else if let Err(source) = std::fs::rename(&staged, out) {
        let _ = std::fs::remove_dir_all(&staged);
        return Err(ImageError::Io {
            path: out.to_path_buf(),
            source,
        });
    }
    Ok(())
}

/// An image layout read from disk.
#[derive(Debug, Clone)]
pub struct Layout {
    pub dir: PathBuf,
    /// index.json.
    pub index: ImageIndex,
}

impl Layout {
    /// Opens the layout in `dir`: `oci-layout` must say `1.0.0` and `index.json` must parse.
    pub fn open(dir: &Path) -> Result<Layout, ImageError> {
        let bad = |why: String| ImageError::Layout {
            dir: dir.to_path_buf(),
            why,
        };
        let version =
            std::fs::read(dir.join("oci-layout")).map_err(|e| bad(format!("oci-layout: {e}")))?;
        let version: Value =
            serde_json::from_slice(&version).map_err(|e| bad(format!("oci-layout: {e}")))?;
        if version.get("imageLayoutVersion").and_then(Value::as_str) != Some("1.0.0") {
            return Err(bad(
                "oci-layout does not say imageLayoutVersion 1.0.0".into()
            ));
        }
        let text =
            std::fs::read(dir.join("index.json")).map_err(|e| bad(format!("index.json: {e}")))?;
        let index: ImageIndex =
            serde_json::from_slice(&text).map_err(|e| bad(format!("index.json: {e}")))?;
        Ok(Layout {
            dir: dir.to_path_buf(),
            index,
        })
    }

    /// The bytes of the blob `digest` (`sha256:<hex>`), checked against it (and `size` when
    /// given).
    pub fn blob(&self, digest: &str, size: Option<u64>) -> Result<Vec<u8>, ImageError> {
        let bad = |why: String| ImageError::Layout {
            dir: self.dir.clone(),
            why,
        };
        let hex = digest
            .strip_prefix("sha256:")
            .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| bad(format!("`{digest}` is not a sha256 digest")))?;
        let path = self.dir.join("blobs").join("sha256").join(hex);
        let bytes = std::fs::read(&path).map_err(|e| bad(format!("blob {digest}: {e}")))?;
        if sha256_digest(&bytes) != digest || size.is_some_and(|s| s != bytes.len() as u64) {
            return Err(bad(format!(
                "blob {digest} does not match its digest or size: run `gocross image build` again"
            )));
        }
        Ok(bytes)
    }

    /// The descriptor of the multi-arch image index: the first image-index entry of
    /// index.json.
    pub fn image_index(&self) -> Result<&Descriptor, ImageError> {
        self.index
            .manifests()
            .iter()
            .find(|d| *d.media_type() == MediaType::ImageIndex)
            .ok_or_else(|| ImageError::Layout {
                dir: self.dir.clone(),
                why: "index.json lists no image index: run `gocross image build`".into(),
            })
    }

    /// The entries of index.json that are artifacts about another manifest (the SBOMs).
    pub fn referrers(&self) -> impl Iterator<Item = &Descriptor> {
        self.index
            .manifests()
            .iter()
            .filter(|d| d.artifact_type().is_some())
    }
}
