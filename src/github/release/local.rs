//! What a release of a dist directory must hold, checked without the network: the assets
//! from the manifest (archives, Linux packages, released binaries, SBOMs), the audit and verify gates, each
//! file's size and SHA-256, the tag and the stamped version, the configured targets,
//! `checksums.txt`, safe and unique names.

use super::ReleaseError;
use crate::config::is_safe_name;
use crate::digest::sha256_read;
use crate::dist::{CHECKSUMS_FILE, SIGNATURE_BUNDLE_FILE, open_in_dist};
use crate::manifest::Manifest;
use crate::targets::Target;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One file the release must hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpectedAsset {
    /// Asset name, equal to the file name in dist/.
    pub name: String,
    /// The file.
    #[serde(skip)]
    pub path: PathBuf,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, lowercase hex.
    pub sha256: String,
    /// The `Content-Type` it is uploaded with ([`content_type`]).
    pub content_type: &'static str,
}

/// The `Content-Type` of an asset, from its name: Windows executables, CycloneDX SBOMs
/// (`.cdx.json`, IANA `application/vnd.cyclonedx+json`), JSON, text, archives; anything else
/// (a Go binary without extension) is `application/octet-stream`.
pub fn content_type(name: &str) -> &'static str {
    let lower = name.to_ascii_lowercase();
    let types = [
        (".exe", "application/vnd.microsoft.portable-executable"),
        (".cdx.json", "application/vnd.cyclonedx+json"),
        (".json", "application/json"),
        (".txt", "text/plain; charset=utf-8"),
        (".tar.gz", "application/gzip"),
        (".tgz", "application/gzip"),
        (".tar.xz", "application/x-xz"),
        (".zip", "application/zip"),
        // IANA's registered type for Debian packages; rpm and apk have none registered.
        (".deb", "application/vnd.debian.binary-package"),
        (".rpm", "application/x-rpm"),
        (".wasm", "application/wasm"),
    ];
    types
        .iter()
        .find(|(ext, _)| lower.ends_with(ext))
        .map_or("application/octet-stream", |(_, t)| t)
}

/// What a release of a dist directory must satisfy besides its own files.
#[derive(Debug, Clone, Copy)]
pub struct Gate<'a> {
    /// Publish `checksums.txt` (`release.checksums`).
    pub checksums: bool,
    /// The tag released; the manifest's version must agree with it ([`version_agrees`]).
    pub tag: &'a str,
    /// Release even when the tag and the manifest's version disagree.
    pub allow_version_mismatch: bool,
    /// The configured targets (`linux/arm/7`), each of which must have an artifact; empty
    /// when there is no gocross.yaml to say.
    pub targets: &'a [Target],
    /// Release the signature bundle of `checksums.txt` too, when dist/ holds one
    /// (`release.sign`, [`signature_bundle`]).
    pub sign: bool,
}

/// The tag to release: `--tag`, else `GITHUB_REF_NAME` when `GITHUB_REF_TYPE` is `tag` (the
/// workflow run of a tag push); `None` when neither says.
pub fn tag_from(
    arg: Option<&str>,
    ref_type: Option<&str>,
    ref_name: Option<&str>,
) -> Option<String> {
    arg.or(ref_name.filter(|_| ref_type == Some("tag")))
        .filter(|t| !t.is_empty())
        .map(String::from)
}

/// Whether a manifest version and a tag name the same release: equal, or equal once a
/// leading `v` is dropped from the tag (`v1.2.3` and `1.2.3` agree).
pub fn version_agrees(version: &str, tag: &str) -> bool {
    version == tag || tag.strip_prefix('v') == Some(version)
}

/// The assets a release of `dist` must hold, in upload order: the archives, the Linux
/// packages (checked as archives are), the binaries
/// marked `released` in manifest order, the SBOMs, then `checksums.txt` (when
/// `gate.checksums`) and its signature bundle (when `gate.sign` and dist/ holds one). An archive is checked like a binary (its recorded size and SHA-256),
/// and so are its contents as the manifest records them: paths that stay inside it, and
/// binaries that are artifacts of its target; a binary neither released nor in an archive
/// is a problem. Checks everything that
/// can be checked without the network and reports every problem at once
/// ([`ReleaseError::NotReady`]): a version that disagrees with the tag, a build of a work
/// tree with uncommitted changes ([`Manifest::dirty`]), a configured target
/// without an artifact (a leg that never uploaded), a failed audit or verification, a file
/// that is missing or changed since the build, a `checksums.txt` that does not match the
/// manifest, an unsafe name ([`is_safe_name`]) or two assets with the same name (compared
/// case-insensitively, since downloads land side by side on case-insensitive file systems).
pub fn expected_assets(
    dist: &Path,
    manifest: &Manifest,
    gate: &Gate<'_>,
) -> Result<Vec<ExpectedAsset>, ReleaseError> {
    let checksums = gate.checksums;
    let mut problems = Vec::new();
    let mut assets = Vec::new();
    if manifest.artifacts.is_empty() {
        problems.push("manifest.json lists no artifacts: run `gocross build` first".to_string());
    }
    if !gate.allow_version_mismatch && !version_agrees(&manifest.version, gate.tag) {
        problems.push(format!(
            "the binaries are stamped {} but the tag is {}: build from the tagged commit (or pass `--version`), or release with --allow-version-mismatch",
            manifest.version, gate.tag
        ));
    }
    if manifest.dirty {
        problems.push(format!(
            "the binaries ({}) were built from a work tree with uncommitted changes: commit them (or build from a clean checkout of the tag), then `gocross build` again",
            manifest.version
        ));
    }
    for target in gate.targets {
        if !manifest.artifacts.iter().any(|a| a.is_for(target)) {
            problems.push(format!(
                "{target} is configured but was not built: its leg failed or uploaded nothing"
            ));
        }
    }
    for a in &manifest.artifacts {
        let label = format!("{} ({})", a.name, a.target);
        for failure in a.failures() {
            problems.push(format!(
                "{label} {failure}: fix the build or the policy in gocross.yaml"
            ));
        }
        if !a.released {
            if !manifest
                .archives
                .iter()
                .any(|x| x.target == a.target && x.binaries.contains(&a.name))
            {
                problems.push(format!(
                    "{label} is neither released nor in an archive: run `gocross build` again (it makes the target's archive)"
                ));
            }
            continue;
        }
        match checked_asset(dist, &a.name, &a.path, a.size, &a.sha256) {
            Ok(asset) => assets.push(asset),
            Err(p) => problems.push(p),
        }
    }
    let mut archives = Vec::new();
    for x in manifest.packed() {
        for entry in x.entries {
            if !crate::contained::safe_relative(entry) {
                problems.push(format!(
                    "{}: holds `{entry}`, a path that leaves the archive's directory: run `gocross build` again",
                    x.name
                ));
            }
        }
        for binary in x.binaries {
            if !manifest
                .artifacts
                .iter()
                .any(|a| &a.name == binary && a.target == x.target)
            {
                problems.push(format!(
                    "{}: holds {binary}, which manifest.json does not list for {}: run `gocross build` again",
                    x.name, x.target
                ));
            }
        }
        match checked_asset(dist, x.name, x.path, x.size, x.sha256) {
            Ok(asset) => archives.push(asset),
            Err(p) => problems.push(p),
        }
    }
    assets.splice(0..0, archives);
    for a in &manifest.artifacts {
        if let Some(sbom) = &a.sbom {
            // A per-leg dist/ holds `<leg>/<binary>.cdx.json`: the asset is the file name.
            let name = sbom.rsplit('/').next().unwrap_or(sbom);
            match (local_asset(dist, name, sbom), &a.sbom_sha256) {
                (Ok(asset), Some(recorded)) if &asset.sha256 == recorded => assets.push(asset),
                (Ok(asset), Some(recorded)) => problems.push(format!(
                    "{sbom}: changed since the build (manifest.json: sha256 {recorded}; file: sha256 {}): run `gocross build` again",
                    asset.sha256
                )),
                (Ok(_), None) => problems.push(format!(
                    "{sbom}: manifest.json records no digest for it: run `gocross build` again"
                )),
                (Err(p), _) => problems.push(p),
            }
        }
    }
    let mut write_checksums = false;
    if checksums {
        let exists = std::fs::symlink_metadata(dist.join(CHECKSUMS_FILE)).is_ok();
        // The release job of the generated workflow downloads every build leg into its own
        // directory: their manifests merge, and the joint checksums file is written once
        // everything else checked out (below).
        write_checksums = !exists;
        if exists {
            match crate::contained::read(dist, CHECKSUMS_FILE, "dist/") {
                Ok(text) if text == manifest.checksums().as_bytes() => {
                    match local_asset(dist, CHECKSUMS_FILE, CHECKSUMS_FILE) {
                        Ok(asset) => assets.push(asset),
                        Err(p) => problems.push(p),
                    }
                }
                Ok(_) => problems.push(format!(
                    "{CHECKSUMS_FILE} does not match manifest.json: run `gocross build` again"
                )),
                Err(e) => problems.push(format!(
                    "{e}: run `gocross build`, or set `release: {{checksums: false}}`"
                )),
            }
        }
    }
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for asset in &assets {
        if !is_safe_name(&asset.name) {
            problems.push(format!(
                "asset name `{}` may hold only letters, digits, `.`, `_` and `-`, and not start with `.`",
                asset.name
            ));
        }
        if let Some(first) = seen.insert(asset.name.to_ascii_lowercase(), &asset.name) {
            problems.push(format!(
                "two assets would be named `{first}` and `{}`: give the targets distinct names",
                asset.name
            ));
        }
    }
    if write_checksums && problems.is_empty() {
        let path = dist.join(CHECKSUMS_FILE);
        match crate::dist::write_atomic(&path, manifest.checksums().as_bytes()) {
            Ok(()) => match local_asset(dist, CHECKSUMS_FILE, CHECKSUMS_FILE) {
                Ok(asset) => assets.push(asset),
                Err(p) => problems.push(p),
            },
            Err(e) => problems.push(e.to_string()),
        }
    }
    // `release.sign`: the bundle the workflow's sign job made of this checksums.txt, when it
    // ran (public repositories only).
    if gate.sign
        && problems.is_empty()
        && let Some(checksums) = assets.iter().find(|a| a.name == CHECKSUMS_FILE).cloned()
    {
        match signature_bundle(dist, &checksums) {
            Ok(bundle) => assets.extend(bundle),
            Err(ReleaseError::NotReady { problems: p, .. }) => problems.extend(p),
            Err(e) => problems.push(e.to_string()),
        }
    }
    if problems.is_empty() {
        Ok(assets)
    } else {
        Err(ReleaseError::NotReady {
            dist: dist.to_path_buf(),
            problems,
        })
    }
}

/// The asset `name` from the file at `rel`, which must still have the size and SHA-256 that
/// manifest.json recorded.
fn checked_asset(
    dist: &Path,
    name: &str,
    rel: &str,
    size: u64,
    sha256: &str,
) -> Result<ExpectedAsset, String> {
    let asset = local_asset(dist, name, rel)?;
    if asset.size != size || asset.sha256 != sha256 {
        return Err(format!(
            "{rel}: changed since the build (manifest.json: {size} bytes, sha256 {sha256}; file: {} bytes, sha256 {}): run `gocross build` again",
            asset.size, asset.sha256
        ));
    }
    Ok(asset)
}

/// The asset `name` from the file at `rel` inside `dist` ([`open_in_dist`]).
fn local_asset(dist: &Path, name: &str, rel: &str) -> Result<ExpectedAsset, String> {
    let (file, path) = open_in_dist(dist, rel)?;
    let (size, sha256) = sha256_read(file).map_err(|e| format!("{rel}: {e}"))?;
    Ok(ExpectedAsset {
        name: name.to_string(),
        path,
        size,
        sha256,
        content_type: content_type(name),
    })
}

/// The signature bundle of the release's `checksums.txt` (the asset `checksums`), when
/// dist/ holds one: a Sigstore bundle (<https://docs.sigstore.dev/about/bundle/>,
/// `mediaType` `application/vnd.dev.sigstore.bundle...`) whose
/// `messageSignature.messageDigest` is the SHA-256 (base64) of exactly that checksums.txt.
/// The signature itself is for `cosign verify-blob` to check; this only makes sure the
/// bundle belongs to the file it is released with. `None` when there is no bundle (a
/// private repository skips signing).
///
/// Errors ([`ReleaseError::NotReady`]): a bundle that cannot be read, is not a Sigstore
/// bundle of a message, or signs other bytes.
pub fn signature_bundle(
    dist: &Path,
    checksums: &ExpectedAsset,
) -> Result<Option<ExpectedAsset>, ReleaseError> {
    use base64::Engine as _;
    if std::fs::symlink_metadata(dist.join(SIGNATURE_BUNDLE_FILE)).is_err() {
        return Ok(None);
    }
    let not_ready = |problem: String| ReleaseError::NotReady {
        dist: dist.to_path_buf(),
        problems: vec![format!(
            "{SIGNATURE_BUNDLE_FILE}: {problem}: sign this checksums.txt again (`{}`), or delete the bundle",
            crate::dist::sign_checksums_command()
        )],
    };
    let text = crate::contained::read(dist, SIGNATURE_BUNDLE_FILE, "dist/")
        .map_err(|e| not_ready(e.to_string()))?;
    let bundle: serde_json::Value =
        serde_json::from_slice(&text).map_err(|e| not_ready(format!("not JSON ({e})")))?;
    let media_type = bundle["mediaType"].as_str().unwrap_or_default();
    if !media_type.starts_with("application/vnd.dev.sigstore.bundle") {
        return Err(not_ready(format!(
            "not a Sigstore bundle (mediaType `{media_type}`)"
        )));
    }
    let digest = &bundle["messageSignature"]["messageDigest"];
    let signed = digest["digest"]
        .as_str()
        .filter(|_| digest["algorithm"] == "SHA2_256")
        .and_then(|d| base64::engine::general_purpose::STANDARD.decode(d).ok())
        .ok_or_else(|| not_ready("holds no SHA-256 message digest".into()))?;
    let signed = crate::digest::hex(&signed);
    if signed != checksums.sha256 {
        return Err(not_ready(format!(
            "signs sha256 {signed}, but checksums.txt is sha256 {}",
            checksums.sha256
        )));
    }
    Ok(Some(ExpectedAsset {
        name: SIGNATURE_BUNDLE_FILE.to_string(),
        path: dist.join(SIGNATURE_BUNDLE_FILE),
        size: text.len() as u64,
        sha256: crate::digest::sha256_hex(&text),
        content_type: content_type(SIGNATURE_BUNDLE_FILE),
    }))
}

/// Whether `tag` can name a release: non-empty, at most 255 characters, no whitespace or
/// control characters.
pub fn check_tag(tag: &str) -> Result<(), ReleaseError> {
    if tag.is_empty() || tag.len() > 255 || tag.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(ReleaseError::BadTag(tag.to_string()));
    }
    Ok(())
}
