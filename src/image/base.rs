//! A base image other than `scratch`: its index pulled by the digest gocross.yaml pins, and
//! for each platform of the image, the base's manifest, config and layers, every one checked
//! against its digest.
//!
//! A base index entry matches a platform when its `os` and `architecture` are the platform's
//! and its `variant` is the platform's, where an absent variant counts as `v8` for arm64 (as
//! containerd matches them). A base that is a single-platform manifest rather than an index
//! serves only the platform its config names. A platform the base lacks is an error naming
//! every missing one.

use super::ImageError;
use super::layer::sha256_digest;
use super::registry::{Registry, parse_reference};
use crate::targets::OciPlatform;
use oci_spec::image::{Descriptor, ImageConfiguration, ImageIndex, ImageManifest};

/// One platform's image of the base.
#[derive(Debug, Clone)]
pub struct BasePlatform {
    /// Its OCI platform.
    pub platform: OciPlatform,
    /// `sha256:<hex>` of the base's manifest for this platform.
    pub manifest_digest: String,
    /// Its image configuration.
    pub config: ImageConfiguration,
    /// Each layer's descriptor (as the base's manifest has it) and its bytes.
    pub layers: Vec<(Descriptor, Vec<u8>)>,
}

/// The pulled base.
#[derive(Debug, Clone)]
pub struct BaseImage {
    /// As gocross.yaml writes it, `NAME@sha256:...`.
    pub reference: String,
    /// The repository without the digest, e.g. `gcr.io/distroless/static-debian12`.
    pub name: String,
    /// The pinned digest.
    pub index_digest: String,
    /// One entry per platform of the base.
    pub platforms: Vec<BasePlatform>,
}

impl BaseImage {
    /// The base's image for `platform`.
    pub fn platform(&self, platform: &OciPlatform) -> Option<&BasePlatform> {
        self.platforms.iter().find(|p| p.platform == *platform)
    }
}

/// Whether a base index entry's platform serves `wanted`.
fn matches(wanted: &OciPlatform, os: &str, arch: &str, variant: Option<&str>) -> bool {
    let norm = |arch: &str, v: Option<&str>| -> Option<String> {
        match (arch, v) {
            ("arm64", None | Some("v8" | "8")) => Some("v8".into()),
            ("amd64", Some("v1")) => None,
            (_, v) => v.map(str::to_string),
        }
    };
    wanted.os == os
        && wanted.architecture == arch
        && norm(arch, wanted.variant) == norm(arch, variant)
}

/// Pulls `reference` (pinned by digest) for every platform in `wanted`.
///
/// Errors: the reference is not pinned or does not parse; the registry refuses or fails; the
/// bytes do not match the pinned digest; the base lacks some of the platforms (all named).
pub async fn pull(
    registry: &Registry,
    reference: &str,
    wanted: &[OciPlatform],
) -> Result<BaseImage, ImageError> {
    let bad = |why: String| ImageError::Base {
        base: reference.to_string(),
        why,
    };
    let parsed = parse_reference(reference)?;
    let Some(pinned) = parsed.digest().map(str::to_string) else {
        return Err(bad(
            "it is not pinned by digest: write NAME@sha256:<digest>".into(),
        ));
    };
    let name = reference
        .rsplit_once('@')
        .map_or(reference, |(n, _)| n)
        .to_string();
    let (bytes, _) = registry.get_manifest(&parsed).await?;
    if sha256_digest(&bytes) != pinned {
        return Err(bad(format!(
            "the registry answered a document whose digest is {}, not the pinned {pinned}",
            sha256_digest(&bytes)
        )));
    }
    let doc: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| bad(format!("its manifest is not JSON: {e}")))?;
    let is_index = doc.get("manifests").is_some();
    let mut found: Vec<(OciPlatform, String)> = Vec::new();
    let mut missing = Vec::new();
    if is_index {
        let index: ImageIndex = serde_json::from_slice(&bytes)
            .map_err(|e| bad(format!("its index does not parse: {e}")))?;
        for w in wanted {
            let entry = index.manifests().iter().find(|d| {
                d.platform().as_ref().is_some_and(|p| {
                    matches(
                        w,
                        &p.os().to_string(),
                        &p.architecture().to_string(),
                        p.variant().as_deref(),
                    )
                })
            });
            match entry {
                Some(d) => found.push((*w, d.digest().to_string())),
                None => missing.push(w.to_string()),
            }
        }
    } else {
        // A single image: it serves the platform its config names.
        found = wanted.iter().map(|w| (*w, pinned.clone())).collect();
    }
    if !missing.is_empty() {
        let offered = if is_index {
            let index: ImageIndex = serde_json::from_slice(&bytes).unwrap_or_else(|_| {
                oci_spec::image::ImageIndexBuilder::default()
                    .schema_version(2u32)
                    .manifests(vec![])
                    .build()
                    .expect("empty index")
            });
            index
                .manifests()
                .iter()
                .filter_map(|d| d.platform().as_ref())
                .map(|p| {
                    let mut s = format!("{}/{}", p.os(), p.architecture());
                    if let Some(v) = p.variant() {
                        s.push('/');
                        s.push_str(v);
                    }
                    s
                })
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            String::new()
        };
        return Err(bad(format!(
            "it has no image for {} (it has {offered}): pick a base that has every platform, or remove {} from `image.platforms`",
            missing.join(", "),
            if missing.len() == 1 { "it" } else { "them" }
        )));
    }
    let mut platforms = Vec::new();
    for (platform, digest) in found {
        let by_digest = parse_reference(&format!("{name}@{digest}"))?;
        let (mbytes, _) = registry.get_manifest(&by_digest).await?;
        if sha256_digest(&mbytes) != digest {
            return Err(bad(format!(
                "its manifest {digest} does not match its digest"
            )));
        }
        let manifest: ImageManifest = serde_json::from_slice(&mbytes)
            .map_err(|e| bad(format!("manifest {digest} does not parse: {e}")))?;
        let cdigest = manifest.config().digest().to_string();
        let cbytes = registry
            .get_blob(&by_digest, &cdigest, manifest.config().size())
            .await?;
        if sha256_digest(&cbytes) != cdigest {
            return Err(bad(format!("config {cdigest} does not match its digest")));
        }
        let config: ImageConfiguration = serde_json::from_slice(&cbytes)
            .map_err(|e| bad(format!("config {cdigest} does not parse: {e}")))?;
        if !is_index {
            let p = (
                config.os().to_string(),
                config.architecture().to_string(),
                config.variant().clone(),
            );
            if !matches(&platform, &p.0, &p.1, p.2.as_deref()) {
                return Err(bad(format!(
                    "it is a single image for {}/{}, with no image for {platform}: pick a multi-platform base",
                    p.0, p.1
                )));
            }
        }
        if config.rootfs().diff_ids().len() != manifest.layers().len() {
            return Err(bad(format!(
                "manifest {digest} has {} layers and its config {} diff_ids",
                manifest.layers().len(),
                config.rootfs().diff_ids().len()
            )));
        }
        let mut layers = Vec::new();
        for layer in manifest.layers() {
            let ldigest = layer.digest().to_string();
            let lbytes = registry
                .get_blob(&by_digest, &ldigest, layer.size())
                .await?;
            if sha256_digest(&lbytes) != ldigest || lbytes.len() as u64 != layer.size() {
                return Err(bad(format!(
                    "layer {ldigest} does not match its digest or size"
                )));
            }
            layers.push((layer.clone(), lbytes));
        }
        platforms.push(BasePlatform {
            platform,
            manifest_digest: digest,
            config,
            layers,
        });
    }
    Ok(BaseImage {
        reference: reference.to_string(),
        name,
        index_digest: pinned,
        platforms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arm64_without_a_variant_is_v8() {
        let arm64 = OciPlatform {
            os: "linux",
            architecture: "arm64",
            variant: Some("v8"),
        };
        assert!(matches(&arm64, "linux", "arm64", None));
        assert!(matches(&arm64, "linux", "arm64", Some("v8")));
        assert!(!matches(&arm64, "linux", "arm64", Some("v9")));
        let v7 = OciPlatform {
            os: "linux",
            architecture: "arm",
            variant: Some("v7"),
        };
        assert!(!matches(&v7, "linux", "arm", Some("v6")));
        assert!(!matches(&v7, "linux", "arm", None));
    }
}
