//! The release body: a table of the released files from the manifest (archives with their
//! targets, then bare binaries), the Go that built them, then the user's notes.

use crate::manifest::{Artifact, CHECKSUMS_FILE, Manifest, VerifyOutcome};
use indicatif::HumanBytes;

/// The release notes: a table of what the release holds — each archive with its target and
/// binaries, each released binary — with size, SHA-256, linkage, glibc floor and verify
/// result, all from the manifest; then the user's notes. Deterministic, so that a re-run
/// with the same inputs finds the notes unchanged.
pub fn release_notes(manifest: &Manifest, user_notes: Option<&str>) -> String {
    let mut md = String::from(
        "| Target | File | Size | SHA-256 | Linkage | glibc floor | Verified |\n|---|---|--:|---|---|---|---|\n",
    );
    for x in &manifest.archives {
        let held: Vec<&Artifact> = x
            .binaries
            .iter()
            .filter_map(|b| manifest.artifacts.iter().find(|a| &a.name == b))
            .collect();
        let column = |f: &dyn Fn(&Artifact) -> String| {
            let mut values: Vec<String> = held.iter().map(|a| f(a)).collect();
            values.dedup();
            values.join(", ")
        };
        let binaries: Vec<String> = held
            .iter()
            .map(|a| {
                format!(
                    "`{}`",
                    if a.binary.is_empty() {
                        &a.name
                    } else {
                        &a.binary
                    }
                )
            })
            .collect();
        md.push_str(&format!(
            "| {} | `{}` ({}) | {} | `{}` | {} | {} | {} |\n",
            x.target,
            x.name,
            binaries.join(", "),
            HumanBytes(x.size),
            x.sha256,
            column(&linkage),
            column(&glibc),
            column(&verified),
        ));
    }
    for a in manifest.artifacts.iter().filter(|a| a.released) {
        md.push_str(&format!(
            "| {} | `{}` | {} | `{}` | {} | {} | {} |\n",
            a.target,
            a.name,
            HumanBytes(a.size),
            a.sha256,
            linkage(a),
            glibc(a),
            verified(a),
        ));
    }
    md.push_str(&format!(
        "\nBuilt with {} by gocross. Check downloads with `sha256sum -c {CHECKSUMS_FILE}`.\n",
        if manifest.go.is_empty() {
            "Go"
        } else {
            &manifest.go
        }
    ));
    if let Some(notes) = user_notes.map(str::trim).filter(|n| !n.is_empty()) {
        md.push('\n');
        md.push_str(notes);
        md.push('\n');
    }
    md
}

fn linkage(a: &Artifact) -> String {
    a.audit
        .as_ref()
        .and_then(|x| x.linkage.clone())
        .unwrap_or_else(|| "—".into())
}

fn glibc(a: &Artifact) -> String {
    a.audit
        .as_ref()
        .and_then(|x| x.glibc_floor.clone())
        .unwrap_or_else(|| "—".into())
}

fn verified(a: &Artifact) -> String {
    match &a.verify {
        None => "—".to_string(),
        Some(v) => match v.outcome {
            VerifyOutcome::Verified => format!("yes ({})", v.method),
            VerifyOutcome::Failed => format!("failed ({})", v.method),
            VerifyOutcome::NotRun => format!(
                "not run{}",
                v.reason
                    .as_deref()
                    .map(|r| format!(": {}", r.replace('|', "\\|")))
                    .unwrap_or_default()
            ),
        },
    }
}
