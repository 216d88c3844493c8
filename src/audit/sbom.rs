//! CycloneDX 1.5 SBOMs from a Go binary's build info: the main module as the described
//! component, each dependency module (or what replaced it) with its version and go.sum hash,
//! the Go standard library of the toolchain that built it, and the build settings as
//! properties.
//!
//! Facts: the CycloneDX 1.5 JSON schema (`bomFormat`, `specVersion`, `version`, `metadata`,
//! `components`, `dependencies`; hashes as `{"alg": "SHA-256", "content": <hex>}`); the purl
//! spec's `golang` type (`pkg:golang/<module path>@<version>`, segments percent-encoded); a
//! go.sum `h1:` hash is the base64 of a SHA-256 (Go's `golang.org/x/mod/sumdb/dirhash`), so it
//! becomes a hex SHA-256. The SBOM has no timestamp or serial number, so the same binary
//! always gives the same bytes.

use super::{AuditReport, GoInfo, Module};
use crate::dist::{DistError, write_atomic};
use base64::Engine as _;
use serde_json::{Value, json};
use std::path::Path;

/// Errors writing an SBOM.
#[derive(Debug, thiserror::Error)]
pub enum SbomError {
    /// The binary has no Go build info.
    #[error(
        "{path} has no Go build info, so there is nothing to describe: build it with a Go toolchain (1.13 or later) in module mode"
    )]
    NotGo {
        /// The binary.
        path: String,
    },
    /// The SBOM cannot be written.
    #[error("{0}")]
    Write(#[from] DistError),
}

/// The SBOM of `report`'s binary as pretty JSON with a final newline. Reads the binary at
/// `report.path` once more to hash it (the hash is left out when it cannot be read).
pub fn render(report: &AuditReport) -> Result<String, SbomError> {
    let go = report.facts.go.as_ref().ok_or_else(|| SbomError::NotGo {
        path: report.path.clone(),
    })?;
    let sha256 = crate::digest::sha256_file(Path::new(&report.path))
        .ok()
        .map(|(_, sha)| sha);
    let bom = cyclonedx(report, go, sha256.as_deref());
    let mut text = serde_json::to_string_pretty(&bom).expect("JSON values always serialize");
    text.push('\n');
    Ok(text)
}

/// Writes the SBOM of `report`'s binary to `path` atomically (temporary file, then rename);
/// used by `gocross build` for `release.sbom`.
///
/// Errors: the binary has no Go build info; the file cannot be written.
pub fn write_sbom(report: &AuditReport, path: &Path) -> Result<(), SbomError> {
    let text = render(report)?;
    write_atomic(path, text.as_bytes())?;
    Ok(())
}

/// The CycloneDX 1.5 document.
fn cyclonedx(report: &AuditReport, go: &GoInfo, binary_sha256: Option<&str>) -> Value {
    let toolchain = go.version.split_whitespace().next().unwrap_or("unknown");
    let main_path = go
        .main
        .as_ref()
        .map(|m| m.path.as_str())
        .or(go.path.as_deref())
        .unwrap_or("unknown");
    let main_version = go
        .main
        .as_ref()
        .map(|m| m.version.as_str())
        .filter(|v| !v.is_empty());
    let main_ref = purl(main_path, main_version.filter(|v| *v != "(devel)"));

    let mut properties = vec![
        property("gocross:go:version", &go.version),
        property("gocross:go:path", go.path.as_deref().unwrap_or("")),
        property("gocross:binary", file_name(&report.path)),
    ];
    for (k, v) in &go.settings.0 {
        properties.push(property(&format!("gocross:build:{k}"), v));
    }
    let mut main = json!({
        "type": "application",
        "bom-ref": main_ref,
        "name": go.path.as_deref().unwrap_or(main_path),
        "purl": main_ref,
        "properties": properties,
    });
    if let Some(v) = main_version {
        main["version"] = json!(v);
    }
    if let Some(sha) = binary_sha256 {
        main["hashes"] = json!([{"alg": "SHA-256", "content": sha}]);
    }

    let std_ref = purl("std", Some(toolchain));
    let mut components = vec![json!({
        "type": "library",
        "bom-ref": std_ref,
        "name": "std",
        "version": toolchain,
        "description": format!("Go standard library and runtime of the {toolchain} toolchain that built the binary"),
        "purl": std_ref,
    })];
    let mut refs = vec![std_ref.clone()];
    for dep in &go.deps {
        let c = component(dep);
        refs.push(c["bom-ref"].as_str().unwrap_or_default().to_string());
        components.push(c);
    }
    json!({
        "$schema": "http://cyclonedx.org/schema/bom-1.5.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "metadata": {
            "tools": {
                "components": [{
                    "type": "application",
                    "name": "gocross",
                    "version": env!("CARGO_PKG_VERSION"),
                }],
            },
            "component": main,
        },
        "components": components,
        "dependencies": [{"ref": main_ref, "dependsOn": refs}],
    })
}

/// A dependency as a component: the module that was built, so a replaced module is described
/// by its replacement (with a property naming what it replaced); a replacement by a local
/// directory keeps the original's name and version and says so.
fn component(dep: &Module) -> Value {
    match dep.replace.as_deref() {
        Some(r) if !is_directory(&r.path) => {
            let mut c = library(r);
            c["properties"] = json!([property(
                "gocross:replaces",
                &format!("{}@{}", dep.path, dep.version)
            )]);
            c
        }
        Some(r) => {
            let mut c = library(dep);
            c["description"] = json!(format!("replaced by the local directory {}", r.path));
            c["properties"] = json!([property("gocross:replaced_by", &r.path)]);
            c.as_object_mut().map(|o| o.remove("hashes"));
            c
        }
        None => library(dep),
    }
}

/// Whether a replacement names a directory rather than a module: as go.mod's `replace`
/// decides it, a path that starts with `./`, `../` or `/` (or a Windows drive or `\\`).
fn is_directory(path: &str) -> bool {
    path.starts_with("./")
        || path.starts_with("../")
        || path.starts_with('/')
        || path.starts_with(".\\")
        || path.starts_with("..\\")
        || path.as_bytes().get(1) == Some(&b':')
        || path == "."
        || path == ".."
}

fn library(m: &Module) -> Value {
    let version = Some(m.version.as_str()).filter(|v| !v.is_empty());
    let r = purl(&m.path, version);
    let mut c = json!({
        "type": "library",
        "bom-ref": r,
        "name": m.path,
        "purl": r,
    });
    if let Some(v) = version {
        c["version"] = json!(v);
    }
    if let Some(sha) = m.sum.as_deref().and_then(h1_to_sha256) {
        c["hashes"] = json!([{"alg": "SHA-256", "content": sha}]);
    }
    c
}

/// A go.sum `h1:` hash as hex SHA-256; `None` for other hash kinds or bad base64.
fn h1_to_sha256(sum: &str) -> Option<String> {
    let b64 = sum.strip_prefix("h1:")?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    (bytes.len() == 32).then(|| crate::digest::hex(&bytes))
}

/// `pkg:golang/<path>[@<version>]`, each path segment and the version percent-encoded.
fn purl(path: &str, version: Option<&str>) -> String {
    let segments: Vec<String> = path.split('/').map(percent).collect();
    let mut p = format!("pkg:golang/{}", segments.join("/"));
    if let Some(v) = version {
        p.push('@');
        p.push_str(&percent(v));
    }
    p
}

fn percent(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn property(name: &str, value: &str) -> Value {
    json!({"name": name, "value": value})
}

fn file_name(path: &str) -> &str {
    Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls_and_hashes() {
        assert_eq!(
            purl("github.com/mattn/go-isatty", Some("v0.0.20")),
            "pkg:golang/github.com/mattn/go-isatty@v0.0.20"
        );
        assert_eq!(
            purl("example.com/x", Some("v2.0.0+incompatible")),
            "pkg:golang/example.com/x@v2.0.0%2Bincompatible"
        );
        assert_eq!(
            h1_to_sha256("h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=").as_deref(),
            Some("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        );
        assert_eq!(h1_to_sha256("h2:abc"), None);
    }
}
