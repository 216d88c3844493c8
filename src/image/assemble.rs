//! One image per platform and the image index over them, as blobs of an OCI image layout.
//!
//! Each platform's image: the base's layers (or, on `scratch`, the system layer from
//! [`super::layer::scratch_layer`]), then the binary's layer; a config whose `created` is the
//! build's date, with the platform's `os`/`architecture`/`variant`, the user, the entrypoint,
//! no `Cmd`, and the labels; a manifest. The index lists the platform manifests in the order
//! of the image's targets. Each binary's CycloneDX SBOM becomes an artifact manifest
//! (`artifactType: application/vnd.cyclonedx+json`) whose `subject` is its platform manifest.
//! Nothing here reads the clock or the file system's order, so the same inputs give the same
//! index digest.

use super::ImageError;
use super::base::BaseImage;
use super::labels::SourceFacts;
use super::layer::{self, LAYER_MEDIA_TYPE};
use super::layout::{Blobs, REF_NAME};
use super::select::Selected;
use crate::targets::{OciPlatform, Target};
use oci_spec::image::{
    ANNOTATION_BASE_IMAGE_DIGEST, ANNOTATION_BASE_IMAGE_NAME, ANNOTATION_CREATED, ANNOTATION_TITLE,
    Arch, ConfigBuilder, Descriptor, HistoryBuilder, ImageConfiguration, ImageConfigurationBuilder,
    ImageIndex, ImageIndexBuilder, ImageManifestBuilder, MediaType, Os, Platform, PlatformBuilder,
    RootFsBuilder,
};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// The media type and artifact type of a CycloneDX JSON SBOM (IANA).
pub const SBOM_MEDIA_TYPE: &str = "application/vnd.cyclonedx+json";

/// `PATH` of the image's processes: the Debian default, as distroless sets it.
pub const DEFAULT_PATH: &str = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The empty JSON object `{}`: the config of an artifact manifest (image-spec 1.1).
pub const EMPTY_JSON: &[u8] = b"{}";

/// What the image is, beyond the binaries.
#[derive(Debug, Clone)]
pub struct ImageSpec {
    /// The binary's path in the image, e.g. `/hello`.
    pub binary_path: String,
    pub entrypoint: Vec<String>,
    /// `UID:GID`.
    pub user: (u32, u32),
    /// Labels beyond the `org.opencontainers.image.*` ones.
    pub labels: BTreeMap<String, String>,
}

/// One platform's image in the layout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlatformImage {
    pub target: Target,
    /// `linux/arm/v7`.
    #[serde(serialize_with = "display")]
    pub platform: OciPlatform,
    /// `sha256:<hex>` of the platform manifest.
    pub digest: String,
    /// Bytes of the manifest, its config and its layers (compressed), as pulled.
    pub size: u64,
    /// `sha256:<hex>` of the SBOM artifact manifest that refers to this image.
    pub sbom: String,
}

fn display<S: serde::Serializer>(p: &OciPlatform, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(p)
}

/// What [`assemble`] made.
#[derive(Debug, Clone)]
pub struct Assembled {
    pub blobs: Blobs,
    /// The layout's index.json.
    pub layout_index: ImageIndex,
    /// `sha256:<hex>` of the multi-arch image index.
    pub index_digest: String,
    pub index_size: u64,
    pub platforms: Vec<PlatformImage>,
}

/// Builds every platform's image, its SBOM artifact and the index. `dist` is where the
/// binaries' SBOM files are (when the build wrote them); otherwise the SBOM is made here from
/// the binary's bytes.
pub fn assemble(
    selected: &[Selected],
    spec: &ImageSpec,
    facts: &SourceFacts,
    base: Option<&BaseImage>,
    dist: &Path,
) -> Result<Assembled, ImageError> {
    let io = |what: &str| {
        let what = what.to_string();
        move |e: std::io::Error| ImageError::Io {
            path: what.clone().into(),
            source: e,
        }
    };
    let mut blobs = Blobs::default();
    let labels = facts.labels(&spec.labels);
    // Compressing the layers is the work: one thread per layer.
    let (scratch, binaries) = std::thread::scope(|scope| {
        let scratch = base
            .is_none()
            .then(|| scope.spawn(|| layer::scratch_layer(spec.user.0, spec.user.1, facts.epoch)));
        let binaries: Vec<_> = selected
            .iter()
            .map(|s| {
                scope.spawn(|| layer::binary_layer(&spec.binary_path, s.bytes.clone(), facts.epoch))
            })
            .collect();
        let join = |h: std::thread::ScopedJoinHandle<'_, std::io::Result<layer::Layer>>| {
            h.join().expect("layer threads do not panic")
        };
        (
            scratch.map(join),
            binaries.into_iter().map(join).collect::<Vec<_>>(),
        )
    });
    let scratch = scratch.transpose().map_err(io("the scratch layer"))?;
    let empty = blobs.put(MediaType::EmptyJSON, EMPTY_JSON.to_vec());
    let mut entries = Vec::new();
    let mut platforms = Vec::new();
    let mut referrers = Vec::new();
    for (s, binary) in selected.iter().zip(binaries) {
        let binary = binary.map_err(io(&s.artifact.name))?;
        let mut layers: Vec<Descriptor> = Vec::new();
        let mut diff_ids: Vec<String> = Vec::new();
        let mut history = Vec::new();
        let created_by = |what: &str| {
            HistoryBuilder::default()
                .created(facts.created.clone())
                .created_by(format!("gocross image build: {what}"))
                .build()
                .expect("history fields are set")
        };
        let mut config_base: Option<ImageConfiguration> = None;
        let mut annotations = HashMap::new();
        match (base, &scratch) {
            (Some(base), _) => {
                let bp = base.platform(&s.platform).ok_or_else(|| ImageError::Base {
                    base: base.reference.clone(),
                    why: format!("it has no image for {}", s.platform),
                })?;
                for (desc, bytes) in &bp.layers {
                    blobs.put(desc.media_type().clone(), bytes.clone());
                    layers.push(desc.clone());
                }
                diff_ids.extend(bp.config.rootfs().diff_ids().iter().cloned());
                history.extend(bp.config.history().clone().unwrap_or_default());
                config_base = Some(bp.config.clone());
                annotations.insert(ANNOTATION_BASE_IMAGE_NAME.to_string(), base.name.clone());
                annotations.insert(
                    ANNOTATION_BASE_IMAGE_DIGEST.to_string(),
                    bp.manifest_digest.clone(),
                );
            }
            (None, Some(sys)) => {
                layers
                    .push(blobs.put(MediaType::Other(LAYER_MEDIA_TYPE.into()), sys.bytes.clone()));
                diff_ids.push(sys.diff_id.clone());
                history.push(created_by("CA bundle, /etc/passwd, /etc/group, /tmp"));
            }
            (None, None) => unreachable!("scratch is built when there is no base"),
        }
        layers.push(blobs.put(
            MediaType::Other(LAYER_MEDIA_TYPE.into()),
            binary.bytes.clone(),
        ));
        diff_ids.push(binary.diff_id.clone());
        history.push(created_by(&format!(
            "{} from {} (sha256 {})",
            spec.binary_path, s.artifact.name, s.artifact.sha256
        )));
        let mut platform_labels = labels.clone();
        if let Some(why) = &s.unverified {
            platform_labels.insert(super::labels::UNVERIFIED_LABEL.to_string(), why.clone());
        }
        let config = image_config(
            config_base,
            &s.platform,
            spec,
            &platform_labels,
            &facts.created,
            diff_ids,
            history,
        );
        let config_desc = blobs.put_json(MediaType::ImageConfig, &config);
        let layer_bytes: u64 = layers.iter().map(|l| l.size()).sum();
        let mut manifest = ImageManifestBuilder::default()
            .schema_version(2u32)
            .media_type(MediaType::ImageManifest)
            .config(config_desc.clone())
            .layers(layers)
            .build()
            .expect("manifest fields are set");
        if !annotations.is_empty() {
            manifest.set_annotations(Some(annotations));
        }
        let mut manifest_desc = blobs.put_json(MediaType::ImageManifest, &manifest);
        manifest_desc.set_platform(Some(oci_platform(&s.platform)));
        let sbom_bytes = sbom_of(s, dist)?;
        let sbom_layer = {
            let mut d = blobs.put(MediaType::Other(SBOM_MEDIA_TYPE.into()), sbom_bytes);
            d.set_annotations(Some(HashMap::from([(
                ANNOTATION_TITLE.to_string(),
                crate::build::sbom_name(&s.artifact.name),
            )])));
            d
        };
        let mut subject = manifest_desc.clone();
        subject.set_platform(None);
        let sbom_manifest = ImageManifestBuilder::default()
            .schema_version(2u32)
            .media_type(MediaType::ImageManifest)
            .artifact_type(MediaType::Other(SBOM_MEDIA_TYPE.into()))
            .config(empty.clone())
            .layers(vec![sbom_layer])
            .subject(subject)
            .annotations(HashMap::from([(
                ANNOTATION_CREATED.to_string(),
                facts.created.clone(),
            )]))
            .build()
            .expect("manifest fields are set");
        let mut sbom_desc = blobs.put_json(MediaType::ImageManifest, &sbom_manifest);
        sbom_desc.set_artifact_type(Some(MediaType::Other(SBOM_MEDIA_TYPE.into())));
        platforms.push(PlatformImage {
            target: s.target,
            platform: s.platform,
            digest: manifest_desc.digest().to_string(),
            size: manifest_desc.size() + config_desc.size() + layer_bytes,
            sbom: sbom_desc.digest().to_string(),
        });
        entries.push(manifest_desc);
        referrers.push(sbom_desc);
    }
    let mut index_annotations: HashMap<String, String> = labels
        .iter()
        .filter(|(k, _)| k.starts_with(super::labels::OCI_PREFIX))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if let Some(base) = base {
        index_annotations.insert(ANNOTATION_BASE_IMAGE_NAME.into(), base.name.clone());
        index_annotations.insert(
            ANNOTATION_BASE_IMAGE_DIGEST.into(),
            base.index_digest.clone(),
        );
    }
    let index = ImageIndexBuilder::default()
        .schema_version(2u32)
        .media_type(MediaType::ImageIndex)
        .manifests(entries)
        .annotations(index_annotations)
        .build()
        .expect("index fields are set");
    let mut index_desc = blobs.put_json(MediaType::ImageIndex, &index);
    index_desc.set_annotations(Some(HashMap::from([(
        REF_NAME.to_string(),
        facts.version.clone(),
    )])));
    let index_digest = index_desc.digest().to_string();
    let index_size = index_desc.size();
    let mut listed = vec![index_desc];
    listed.extend(referrers);
    let layout_index = ImageIndexBuilder::default()
        .schema_version(2u32)
        .media_type(MediaType::ImageIndex)
        .manifests(listed)
        .build()
        .expect("index fields are set");
    Ok(Assembled {
        blobs,
        layout_index,
        index_digest,
        index_size,
        platforms,
    })
}

/// An `oci-spec` platform from ours.
pub fn oci_platform(p: &OciPlatform) -> Platform {
    let mut b = PlatformBuilder::default()
        .architecture(Arch::from(p.architecture))
        .os(Os::from(p.os));
    if let Some(v) = p.variant {
        b = b.variant(v.to_string());
    }
    b.build().expect("platform fields are set")
}

/// The image config: the base's (its environment, working directory and the rest kept; `Cmd`
/// removed, since it would become the entrypoint's arguments), or a new one for `scratch`.
fn image_config(
    base: Option<ImageConfiguration>,
    platform: &OciPlatform,
    spec: &ImageSpec,
    labels: &BTreeMap<String, String>,
    created: &str,
    diff_ids: Vec<String>,
    history: Vec<oci_spec::image::History>,
) -> ImageConfiguration {
    let mut run = base
        .as_ref()
        .and_then(|b| b.config().clone())
        .unwrap_or_else(|| {
            ConfigBuilder::default()
                .env(vec![
                    DEFAULT_PATH.to_string(),
                    format!("SSL_CERT_FILE=/{}", layer::CA_BUNDLE_PATH),
                ])
                .build()
                .expect("config fields are set")
        });
    run.set_user(Some(format!("{}:{}", spec.user.0, spec.user.1)));
    run.set_entrypoint(Some(spec.entrypoint.clone()));
    run.set_cmd(None);
    let mut all_labels: HashMap<String, String> = run.labels().clone().unwrap_or_default();
    all_labels.extend(labels.iter().map(|(k, v)| (k.clone(), v.clone())));
    run.set_labels(Some(all_labels));
    let mut config = ImageConfigurationBuilder::default()
        .created(created.to_string())
        .architecture(Arch::from(platform.architecture))
        .os(Os::from(platform.os))
        .config(run)
        .rootfs(
            RootFsBuilder::default()
                .typ("layers")
                .diff_ids(diff_ids)
                .build()
                .expect("rootfs fields are set"),
        )
        .history(history)
        .build()
        .expect("config fields are set");
    config.set_variant(platform.variant.map(str::to_string));
    config
}

/// The SBOM of a selected binary: the file the build wrote beside it (contained in dist/),
/// else one made now from the binary's bytes by the audit's SBOM writer.
fn sbom_of(s: &Selected, dist: &Path) -> Result<Vec<u8>, ImageError> {
    if let Some(name) = &s.artifact.sbom {
        let rel = Path::new(name);
        if rel.is_relative()
            && rel
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)))
            && let Ok(bytes) = std::fs::read(dist.join(rel))
        {
            return Ok(bytes);
        }
    }
    let path = std::path::absolute(dist.join(&s.artifact.path)).unwrap_or_default();
    let report = crate::audit::audit_bytes(&path.to_string_lossy(), &s.bytes);
    crate::audit::sbom::render(&report)
        .map(String::into_bytes)
        .map_err(|e| ImageError::NotReady {
            dist: dist.to_path_buf(),
            problems: vec![format!("{}: {e}", s.artifact.name)],
        })
}
