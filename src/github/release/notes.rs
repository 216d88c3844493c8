//! The release body: a table of the targets from the manifest, the Go that built them, then
//! the user's notes.

use crate::manifest::{CHECKSUMS_FILE, Manifest, VerifyOutcome};
use indicatif::HumanBytes;

/// The release notes: a table of the targets (size, SHA-256, linkage, glibc floor, verify
/// result, all from the manifest), then the user's notes. Deterministic, so that a re-run
/// with the same inputs finds the notes unchanged.
pub fn release_notes(manifest: &Manifest, user_notes: Option<&str>) -> String {
    let mut md = String::from(
        "| Target | File | Size | SHA-256 | Linkage | glibc floor | Verified |\n|---|---|--:|---|---|---|---|\n",
    );
    for a in &manifest.artifacts {
        let audit = a.audit.as_ref();
        let linkage = audit.and_then(|x| x.linkage.as_deref()).unwrap_or("—");
        let glibc = audit.and_then(|x| x.glibc_floor.as_deref()).unwrap_or("—");
        let verify = match &a.verify {
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
        };
        md.push_str(&format!(
            "| {} | `{}` | {} | `{}` | {linkage} | {glibc} | {verify} |\n",
            a.target,
            a.name,
            HumanBytes(a.size),
            a.sha256
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
