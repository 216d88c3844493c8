//! The Scoop manifest of a release (`bucket/NAME.json`), as Scoop's app manifest reference
//! describes it (<https://github.com/ScoopInstaller/Scoop/wiki/App-Manifests>, schema:
//! <https://github.com/ScoopInstaller/Scoop/blob/master/schema.json>).
//!
//! `architecture.64bit` is windows/amd64, `arm64` windows/arm64, `32bit` windows/386, each
//! with the release asset's `url` and `hash` (SHA-256): an archive (with `extract_dir` when
//! its entries sit in a directory), or a bare binary renamed by the URL's `#/NAME.exe`
//! fragment. `bin` lists the commands. `checkver` follows the repository's latest GitHub
//! release, and `autoupdate` writes the same URLs with `$version` in place of the version,
//! taking each hash from the release's checksums.txt when it has one. Scoop requires a
//! `license`: `packages.license` when set, else `Unknown`, Scoop's word for an unknown one.

use super::{About, ChannelError, Download, Release};
use crate::targets::{Goarch, Goos};
use serde::Serialize;
use std::collections::BTreeMap;

/// A Scoop app manifest, its keys in the order Scoop's own manifests write them.
#[derive(Serialize)]
struct Manifest<'a> {
    version: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    homepage: &'a str,
    license: &'a str,
    /// `64bit`, `arm64`, `32bit`.
    architecture: BTreeMap<&'static str, Arch>,
    bin: Vec<String>,
    checkver: CheckVer,
    autoupdate: AutoUpdate,
}

/// One architecture's download, or its `autoupdate` template.
#[derive(Serialize)]
struct Arch {
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    hash: Option<Hash>,
    #[serde(skip_serializing_if = "Option::is_none")]
    extract_dir: Option<String>,
}

/// A SHA-256, or where `autoupdate` finds it.
#[derive(Serialize)]
#[serde(untagged)]
enum Hash {
    Sha256(String),
    Extract { url: String, regex: String },
}

#[derive(Serialize)]
struct CheckVer {
    github: String,
}

#[derive(Serialize)]
struct AutoUpdate {
    architecture: BTreeMap<&'static str, Arch>,
}

/// The manifest of `release`, pretty-printed JSON ending in a newline. With `checksums`
/// (`release.checksums`), `autoupdate` reads the hashes from the release's checksums.txt.
///
/// Errors: no windows download; a platform of several commands without an archive.
pub fn manifest(
    about: &About,
    release: &Release<'_>,
    checksums: bool,
) -> Result<String, ChannelError> {
    let version = &release.manifest.version;
    let mut architecture = BTreeMap::new();
    let mut autoupdate = BTreeMap::new();
    let mut commands: Option<Vec<String>> = None;
    for (goarch, key) in [
        (Goarch::Amd64, "64bit"),
        (Goarch::Arm64, "arm64"),
        (Goarch::I386, "32bit"),
    ] {
        let Some(d) = release.download("scoop", Goos::Windows, goarch)? else {
            continue;
        };
        commands.get_or_insert_with(|| d.binaries.iter().map(|b| format!("{b}.exe")).collect());
        let url = url_of(&d);
        let dir = extract_dir(release, &d);
        let hash = checksums.then(|| Hash::Extract {
            url: templated(&release.url(crate::manifest::CHECKSUMS_FILE), version),
            regex: format!("$sha256\\s+{}", regex_escape(&templated(&d.asset, version))),
        });
        autoupdate.insert(
            key,
            Arch {
                url: templated(&url, version),
                hash,
                extract_dir: dir.as_deref().map(|d| templated(d, version)),
            },
        );
        architecture.insert(
            key,
            Arch {
                url,
                hash: Some(Hash::Sha256(d.sha256.clone())),
                extract_dir: dir,
            },
        );
    }
    let Some(bin) = commands else {
        return Err(ChannelError::Assets {
            section: "scoop",
            why: "the release has no windows binary, which Scoop installs: add windows/amd64 to `targets`".into(),
        });
    };
    let manifest = Manifest {
        version,
        description: about.description.as_deref(),
        homepage: &about.homepage,
        license: about.license.as_deref().unwrap_or("Unknown"),
        architecture,
        bin,
        checkver: CheckVer {
            github: release.homepage(),
        },
        autoupdate: AutoUpdate {
            architecture: autoupdate,
        },
    };
    let mut text = serde_json::to_string_pretty(&manifest).map_err(|e| ChannelError::Render {
        what: "Scoop manifest",
        why: e.to_string(),
    })?;
    text.push('\n');
    Ok(text)
}

/// The URL Scoop fetches: a bare binary is renamed to its command by the `#/NAME.exe`
/// fragment.
fn url_of(d: &Download) -> String {
    match (&d.bare, d.binaries.first()) {
        (Some(_), Some(command)) => format!("{}#/{command}.exe", d.url),
        _ => d.url.clone(),
    }
}

/// The directory an archive's entries sit in (`archives.wrap_in_directory`): the first
/// component they share, when they all have one.
fn extract_dir(release: &Release<'_>, d: &Download) -> Option<String> {
    let archive = release
        .manifest
        .archives
        .iter()
        .find(|x| x.name == d.asset)?;
    let first = archive.entries.first()?.split_once('/')?.0;
    archive
        .entries
        .iter()
        .all(|e| e.split_once('/').is_some_and(|(dir, _)| dir == first))
        .then(|| first.to_string())
}

/// `text` with the version written as Scoop's `$version`.
fn templated(text: &str, version: &str) -> String {
    if version.is_empty() {
        text.to_string()
    } else {
        text.replace(version, "$version")
    }
}

/// `text` with the characters a regular expression treats specially escaped (`$version`
/// stays a Scoop variable).
fn regex_escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if ".+*?()[]{}|^\\".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
