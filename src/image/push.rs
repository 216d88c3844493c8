//! `gocross image push`: the layout that `gocross image build` wrote, into a registry, in an
//! order that never leaves a tag pointing at something incomplete.
//!
//! 1. Log in (a refused credential stops here, before anything is written).
//! 2. Every blob of every platform image, four at a time: skipped when the repository has it
//!    (`HEAD`), mounted from the base's repository when the base lives on the same registry,
//!    else uploaded from the layout (each blob checked against its digest first).
//! 3. The platform manifests, by digest.
//! 4. Each SBOM artifact (its blobs, then its manifest by digest), then its listing: a
//!    registry with the referrers API says so (`OCI-Subject` in its answer) and lists it;
//!    otherwise the referrers tag schema's index (`sha256-<hex of the subject>`) gets it
//!    added, unless it lists it already.
//! 5. The image index by digest, then under every tag.
//!
//! A run against a registry that already holds the image uploads no blob.

use super::ImageError;
use super::layout::Layout;
use super::registry::{Registry, RegistryOperation, parse_reference};
use futures_util::StreamExt as _;
use oci_spec::distribution::Reference;
use oci_spec::image::{
    Descriptor, ImageIndex, ImageIndexBuilder, ImageManifest, MediaType, Platform,
};
use serde::Serialize;
use std::collections::BTreeSet;

/// Blobs sent at the same time.
const BLOBS_AT_ONCE: usize = 4;

/// What happened to one blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlobAction {
    /// The repository had it.
    Existed,
    /// Mounted from the base's repository.
    Mounted,
    /// Uploaded by this push.
    Uploaded,
}

/// How an SBOM artifact was made findable from its subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferrerListing {
    /// The referrers API (or an earlier tag-schema index) lists it.
    Listed,
    /// Added to the referrers tag schema's index.
    TagSchema,
}

/// One pushed platform image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PushedPlatform {
    /// `linux/arm/v7`.
    pub platform: String,
    /// `sha256:<hex>` of its manifest.
    pub digest: String,
    /// Bytes of its manifest, config and layers.
    pub size: u64,
    /// `sha256:<hex>` of its SBOM artifact, and how it is listed.
    pub sbom: Option<String>,
    /// How the SBOM referrer is listed, when it was pushed.
    pub sbom_listing: Option<ReferrerListing>,
}

/// What a push did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PushReport {
    /// `REPOSITORY@sha256:...` of the index.
    pub image: String,
    /// `sha256:<hex>` of the image index.
    pub digest: String,
    /// The repository pushed to.
    pub repository: String,
    /// The tags set, in order.
    pub tags: Vec<String>,
    /// One entry per platform.
    pub platforms: Vec<PushedPlatform>,
    /// Blobs uploaded, and their bytes.
    pub uploaded: usize,
    /// Bytes uploaded.
    pub uploaded_bytes: u64,
    /// Blobs the repository already had, and blobs mounted from the base's repository.
    pub existed: usize,
    /// Blobs mounted from another repository instead of uploaded.
    pub mounted: usize,
}

fn platform_text(p: &Option<Platform>) -> String {
    match p {
        Some(p) => {
            let mut s = format!("{}/{}", p.os(), p.architecture());
            if let Some(v) = p.variant() {
                s.push('/');
                s.push_str(v);
            }
            s
        }
        None => "unknown".into(),
    }
}

/// Pushes `layout` to `repository` (e.g. `ghcr.io/acme/age`) under `tags`, reporting
/// progress through the registry's callback.
///
/// Errors: a layout that does not check out, a refused login or push, a registry failure
/// after the retries. Tags are put last, so a failure leaves no tag behind.
pub async fn push(
    layout: &Layout,
    registry: &Registry,
    repository: &str,
    tags: &[String],
    progress: &dyn Fn(&str),
) -> Result<PushReport, ImageError> {
    let repo = parse_reference(repository)?;
    let at = |digest: &str| {
        Reference::with_digest(
            repo.resolve_registry().to_string(),
            repo.repository().to_string(),
            digest.to_string(),
        )
    };
    // Read everything first: nothing is sent from a layout that does not check out.
    let read = read_layout(layout)?;
    let index_digest = read.index_digest.clone();

    // 1. Log in.
    let any = at(&index_digest);
    registry.login(&any, RegistryOperation::Push).await?;
    progress(&format!(
        "pushing to {repository} as {}",
        registry.credential_source()
    ));

    // 2. Blobs.
    let mut report = PushReport {
        image: format!("{repository}@{index_digest}"),
        digest: index_digest.clone(),
        repository: repository.to_string(),
        tags: tags.to_vec(),
        platforms: Vec::new(),
        uploaded: 0,
        uploaded_bytes: 0,
        existed: 0,
        mounted: 0,
    };
    let work = blob_work(&read, &repo);
    push_blobs(&work, registry, layout, &at, &mut report, progress).await?;

    // 3. Platform manifests.
    push_platform_manifests(&read.images, registry, &at, &mut report).await?;

    // 4. SBOM artifacts and their listing.
    push_referrers(&read.referrers, registry, &at, &mut report).await?;
    // 5. The index, by digest, then its tags.
    registry
        .put_manifest(
            &at(&index_digest),
            &read.index_bytes,
            MediaType::ImageIndex.as_ref(),
        )
        .await?;
    for tag in tags {
        let reference = Reference::with_tag(
            repo.resolve_registry().to_string(),
            repo.repository().to_string(),
            tag.clone(),
        );
        registry
            .put_manifest(
                &reference,
                &read.index_bytes,
                MediaType::ImageIndex.as_ref(),
            )
            .await?;
        progress(&format!("tagged {repository}:{tag}"));
    }
    Ok(report)
}

/// A manifest of the layout: its descriptor, its bytes and what they parse to.
type Stored = (Descriptor, Vec<u8>, ImageManifest);

/// What a push sends, read and checked before anything is sent.
struct LayoutContents {
    /// The image index's digest and bytes.
    index_digest: String,
    index_bytes: Vec<u8>,
    /// The platforms' manifests, in the index's order.
    images: Vec<Stored>,
    /// The SBOM artifacts, each with a subject.
    referrers: Vec<Stored>,
}

/// Reads the image index, the platforms' manifests and the referrers of `layout`.
///
/// Errors: a blob that is missing or has the wrong digest, or a manifest that does not
/// parse; an artifact without a subject.
fn read_layout(layout: &Layout) -> Result<LayoutContents, ImageError> {
    let bad = |why: String| ImageError::Layout {
        dir: layout.dir.clone(),
        why,
    };
    let index_desc = layout.image_index()?.clone();
    let index_digest = index_desc.digest().to_string();
    let index_bytes = layout.blob(&index_digest, Some(index_desc.size()))?;
    let index: ImageIndex = serde_json::from_slice(&index_bytes)
        .map_err(|e| bad(format!("the image index does not parse: {e}")))?;
    let mut images: Vec<Stored> = Vec::new();
    for d in index.manifests() {
        let bytes = layout.blob(d.digest().as_ref(), Some(d.size()))?;
        let m: ImageManifest = serde_json::from_slice(&bytes)
            .map_err(|e| bad(format!("manifest {} does not parse: {e}", d.digest())))?;
        images.push((d.clone(), bytes, m));
    }
    let mut referrers: Vec<Stored> = Vec::new();
    for d in layout.referrers() {
        let bytes = layout.blob(d.digest().as_ref(), Some(d.size()))?;
        let m: ImageManifest = serde_json::from_slice(&bytes)
            .map_err(|e| bad(format!("artifact {} does not parse: {e}", d.digest())))?;
        if m.subject().is_none() {
            return Err(bad(format!("artifact {} has no subject", d.digest())));
        }
        referrers.push((d.clone(), bytes, m));
    }

    Ok(LayoutContents {
        index_digest,
        index_bytes,
        images,
        referrers,
    })
}

/// Each blob of the manifests once, with what it is (for progress lines) and where it may
/// be mounted from (the base image, when it is in another repository of the same registry).
fn blob_work<'a>(
    read: &'a LayoutContents,
    repo: &Reference,
) -> Vec<(String, &'a Descriptor, Option<Reference>)> {
    let (images, referrers) = (&read.images, &read.referrers);
    let mut done: BTreeSet<String> = BTreeSet::new();
    let labelled = images
        .iter()
        .map(|(d, _, m)| (platform_text(d.platform()), m))
        .chain(referrers.iter().map(|(_, _, m)| {
            let subject = m.subject().as_ref().map(|s| s.digest().to_string());
            let of = images
                .iter()
                .find(|(d, _, _)| Some(d.digest().to_string()) == subject)
                .map(|(d, _, _)| platform_text(d.platform()))
                .unwrap_or_default();
            (format!("{of} SBOM artifact"), m)
        }));
    let mut work: Vec<(String, &Descriptor, Option<Reference>)> = Vec::new();
    for (owner, m) in labelled {
        let base = m
            .annotations()
            .as_ref()
            .and_then(|a| a.get(oci_spec::image::ANNOTATION_BASE_IMAGE_NAME))
            .and_then(|n| parse_reference(n).ok())
            .filter(|b| {
                b.resolve_registry() == repo.resolve_registry()
                    && b.repository() != repo.repository()
            });
        let count = m.layers().len();
        for (i, blob) in std::iter::once(m.config())
            .chain(m.layers().iter())
            .enumerate()
        {
            if !done.insert(blob.digest().to_string()) {
                continue;
            }
            let role = if i == 0 {
                format!("{owner} config")
            } else {
                format!("{owner} layer {i}/{count}")
            };
            work.push((role, blob, base.clone()));
        }
    }
    work
}

/// Pushes the blobs, a few at a time (as registries and clients usually do), counting them
/// in `report`.
async fn push_blobs(
    work: &[(String, &Descriptor, Option<Reference>)],
    registry: &Registry,
    layout: &Layout,
    at: &dyn Fn(&str) -> Reference,
    report: &mut PushReport,
    progress: &dyn Fn(&str),
) -> Result<(), ImageError> {
    let mut uploads =
        futures_util::stream::iter(work.iter().map(|(role, blob, base)| async move {
            let digest = blob.digest().to_string();
            push_blob(registry, layout, &at(&digest), blob, base.as_ref())
                .await
                .map(|action| (role, *blob, action))
        }))
        .buffer_unordered(BLOBS_AT_ONCE);
    while let Some(done) = uploads.next().await {
        let (role, blob, action) = done?;
        match action {
            BlobAction::Existed => report.existed += 1,
            BlobAction::Mounted => report.mounted += 1,
            BlobAction::Uploaded => {
                report.uploaded += 1;
                report.uploaded_bytes += blob.size();
            }
        }
        if action != BlobAction::Existed {
            progress(&format!(
                "{} {role}: {} ({})",
                if action == BlobAction::Mounted {
                    "mounted"
                } else {
                    "uploaded"
                },
                blob.digest(),
                indicatif::HumanBytes(blob.size())
            ));
        }
    }
    Ok(())
}

/// Puts each platform's manifest (unless the registry has it) and records the platform in
/// `report`.
async fn push_platform_manifests(
    images: &[Stored],
    registry: &Registry,
    at: &dyn Fn(&str) -> Reference,
    report: &mut PushReport,
) -> Result<(), ImageError> {
    for (d, bytes, m) in images {
        let reference = at(d.digest().as_ref());
        if !registry.manifest_exists(&reference).await? {
            registry
                .put_manifest(&reference, bytes, d.media_type().as_ref())
                .await?;
        }
        let size = d.size() + m.config().size() + m.layers().iter().map(|l| l.size()).sum::<u64>();
        report.platforms.push(PushedPlatform {
            platform: platform_text(d.platform()),
            digest: d.digest().to_string(),
            size,
            sbom: None,
            sbom_listing: None,
        });
    }
    Ok(())
}

/// Puts each SBOM artifact and lists it as a referrer of its platform's manifest (by the
/// registry's referrers API, else the tag fallback), recorded in `report`.
async fn push_referrers(
    referrers: &[Stored],
    registry: &Registry,
    at: &dyn Fn(&str) -> Reference,
    report: &mut PushReport,
) -> Result<(), ImageError> {
    for (d, bytes, m) in referrers {
        let subject = m
            .subject()
            .as_ref()
            .expect("read_layout refuses an artifact without a subject");
        let reference = at(d.digest().as_ref());
        let by_api = !registry.manifest_exists(&reference).await?
            && registry
                .put_manifest(&reference, bytes, d.media_type().as_ref())
                .await?;
        let listing = if by_api {
            ReferrerListing::Listed
        } else {
            list_referrer(registry, &at(subject.digest().as_ref()), d, m, &at).await?
        };
        if let Some(p) = report
            .platforms
            .iter_mut()
            .find(|p| p.digest == subject.digest().to_string())
        {
            p.sbom = Some(d.digest().to_string());
            p.sbom_listing = Some(listing);
        }
    }
    Ok(())
}

async fn push_blob(
    registry: &Registry,
    layout: &Layout,
    reference: &Reference,
    blob: &Descriptor,
    base: Option<&Reference>,
) -> Result<BlobAction, ImageError> {
    let digest = blob.digest().to_string();
    if registry.blob_exists(reference, &digest).await? {
        return Ok(BlobAction::Existed);
    }
    if let Some(base) = base
        && registry.mount_blob(reference, base, &digest).await
        && registry.blob_exists(reference, &digest).await?
    {
        return Ok(BlobAction::Mounted);
    }
    let bytes = layout.blob(&digest, Some(blob.size()))?;
    registry.push_blob(reference, &bytes, &digest).await?;
    Ok(BlobAction::Uploaded)
}

/// Makes the artifact `d` findable from its subject: listed already (referrers API, or an
/// earlier tag-schema index), or added to the referrers tag schema's index.
async fn list_referrer(
    registry: &Registry,
    subject: &Reference,
    d: &Descriptor,
    m: &ImageManifest,
    at: &dyn Fn(&str) -> Reference,
) -> Result<ReferrerListing, ImageError> {
    let listed = registry.referrers(subject).await?;
    let entries: Vec<serde_json::Value> = listed
        .get("manifests")
        .and_then(|v| v.as_array())
        .cloned()
        .unwrap_or_default();
    let digest = d.digest().to_string();
    if entries
        .iter()
        .any(|e| e.get("digest").and_then(|v| v.as_str()) == Some(digest.as_str()))
    {
        return Ok(ReferrerListing::Listed);
    }
    // The tag schema: the existing entries plus this one (descriptor with its artifactType
    // and annotations, as the referrers API would list it).
    let mut manifests: Vec<Descriptor> = entries
        .into_iter()
        .filter_map(|e| serde_json::from_value(e).ok())
        .collect();
    let mut entry = Descriptor::new(d.media_type().clone(), d.size(), d.digest().clone());
    entry.set_artifact_type(m.artifact_type().clone());
    entry.set_annotations(m.annotations().clone());
    manifests.push(entry);
    manifests.sort_by_key(|x| x.digest().to_string());
    let index = ImageIndexBuilder::default()
        .schema_version(2u32)
        .media_type(MediaType::ImageIndex)
        .manifests(manifests)
        .build()
        .expect("index fields are set");
    let bytes = super::layout::canonical_json(&index);
    let subject_digest = subject.digest().unwrap_or_default().to_string();
    let tag_ref = at(&subject_digest);
    let tag = Reference::with_tag(
        tag_ref.resolve_registry().to_string(),
        tag_ref.repository().to_string(),
        subject_digest.replace(':', "-"),
    );
    registry
        .put_manifest(&tag, &bytes, MediaType::ImageIndex.as_ref())
        .await?;
    Ok(ReferrerListing::TagSchema)
}
