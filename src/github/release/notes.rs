//! The release body: a table of the released files from the manifest (archives and Linux
//! packages with their targets, then bare binaries), the Go that built them, then the user's notes.

use crate::manifest::{Artifact, CHECKSUMS_FILE, Manifest, VerifyOutcome};
use crate::table::{Align, Cell, Output, Table};
use indicatif::HumanBytes;

/// The release notes: a table of what the release holds — each archive with its target and
/// binaries, each released binary — with size, SHA-256, linkage, glibc floor and verify
/// result, all from the manifest; then the user's notes. Deterministic, so that a re-run
/// with the same inputs finds the notes unchanged.
pub fn release_notes(manifest: &Manifest, user_notes: Option<&str>) -> String {
    let mut table = Table::new([
        "Target",
        "File",
        "Size",
        "SHA-256",
        "Linkage",
        "glibc floor",
        "Verified",
    ])
    .align(2, Align::Right);
    for x in manifest.archives.iter().chain(&manifest.packages) {
        let held: Vec<&Artifact> = x
            .binaries
            .iter()
            .filter_map(|b| manifest.artifacts.iter().find(|a| &a.name == b))
            .collect();
        let column = |f: &dyn Fn(&Artifact) -> String| {
            let mut values: Vec<String> = held.iter().map(|a| f(a)).collect();
            values.dedup();
            Cell::text(values.join(", "))
        };
        let mut file = Cell::code(&x.name).then(Cell::text(" ("));
        for (i, a) in held.iter().enumerate() {
            if i > 0 {
                file = file.then(Cell::text(", "));
            }
            file = file.then(Cell::code(if a.binary.is_empty() {
                &a.name
            } else {
                &a.binary
            }));
        }
        table.push([
            Cell::text(&x.target),
            file.then(Cell::text(")")),
            Cell::text(HumanBytes(x.size).to_string()),
            Cell::code(&x.sha256),
            column(&|a| a.linkage().unwrap_or("—").to_string()),
            column(&|a| a.glibc_floor().unwrap_or("—").to_string()),
            column(&verified),
        ]);
    }
    for a in manifest.artifacts.iter().filter(|a| a.released) {
        table.push([
            Cell::text(&a.target),
            Cell::code(&a.name),
            Cell::text(HumanBytes(a.size).to_string()),
            Cell::code(&a.sha256),
            Cell::text(a.linkage().unwrap_or("—")),
            Cell::text(a.glibc_floor().unwrap_or("—")),
            Cell::text(verified(a)),
        ]);
    }
    let mut md = table.render(Output::Markdown);
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
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default()
            ),
        },
    }
}
