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
use serde_json::{Map, Value, json};

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
    let mut architecture = Map::new();
    let mut autoupdate = Map::new();
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
        let mut arch = Map::new();
        arch.insert("url".into(), url.clone().into());
        arch.insert("hash".into(), d.sha256.clone().into());
        let mut update = Map::new();
        update.insert("url".into(), templated(&url, version).into());
        if let Some(dir) = extract_dir(release, &d) {
            arch.insert("extract_dir".into(), dir.clone().into());
            update.insert("extract_dir".into(), templated(&dir, version).into());
        }
        if checksums {
            update.insert(
                "hash".into(),
                json!({
                    "url": templated(&release.url(crate::manifest::CHECKSUMS_FILE), version),
                    "regex": format!("$sha256\\s+{}", regex_escape(&templated(&d.asset, version))),
                }),
            );
        }
        architecture.insert(key.into(), Value::Object(arch));
        autoupdate.insert(key.into(), Value::Object(update));
    }
    let Some(commands) = commands else {
        return Err(ChannelError::Assets {
            section: "scoop",
            why: "the release has no windows binary, which Scoop installs: add windows/amd64 to `targets`".into(),
        });
    };
    let mut out = Map::new();
    out.insert("version".into(), version.clone().into());
    if let Some(d) = &about.description {
        out.insert("description".into(), d.clone().into());
    }
    out.insert("homepage".into(), about.homepage.clone().into());
    out.insert(
        "license".into(),
        about
            .license
            .clone()
            .unwrap_or_else(|| "Unknown".into())
            .into(),
    );
    out.insert("architecture".into(), Value::Object(architecture));
    out.insert("bin".into(), commands.into());
    out.insert("checkver".into(), json!({ "github": release.homepage() }));
    out.insert(
        "autoupdate".into(),
        json!({ "architecture": Value::Object(autoupdate) }),
    );
    let mut text =
        serde_json::to_string_pretty(&Value::Object(out)).map_err(|e| ChannelError::Render {
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
