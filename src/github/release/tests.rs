//! Unit tests of the release decisions: what each asset needs, the checks of dist/, the notes.

use super::*;
use crate::digest::sha256_hex;
use crate::dist::{CHECKSUMS_FILE, SIGNATURE_BUNDLE_FILE};
use crate::manifest::{
    Artifact, ArtifactAudit, ArtifactVerify, Manifest, VerifyOutcome, Violation,
};
use std::path::{Path, PathBuf};

fn expected(name: &str, bytes: &[u8]) -> ExpectedAsset {
    ExpectedAsset {
        name: name.into(),
        path: PathBuf::from(name),
        size: bytes.len() as u64,
        sha256: sha256_hex(bytes),
        content_type: content_type(name),
    }
}

fn remote(name: &str, state: &str, bytes: &[u8], digest: bool) -> RemoteAsset {
    RemoteAsset {
        id: 7,
        name: name.into(),
        state: state.into(),
        size: bytes.len() as u64,
        digest: digest.then(|| format!("sha256:{}", sha256_hex(bytes))),
    }
}

const DRAFT: Stage = Stage::Draft;
const PUBLISHED: Stage = Stage::Published { immutable: false };
const IMMUTABLE: Stage = Stage::Published { immutable: true };

#[test]
fn same_assets_are_kept_everywhere() {
    let e = expected("a", b"one");
    for stage in [DRAFT, PUBLISHED, IMMUTABLE] {
        let r = remote("a", "uploaded", b"one", true);
        assert_eq!(decide(&e, Some(&r), stage, false), Decision::Keep);
    }
}

#[test]
fn missing_assets_are_uploaded_unless_immutable() {
    let e = expected("a", b"one");
    assert_eq!(decide(&e, None, DRAFT, false), Decision::Upload);
    assert_eq!(decide(&e, None, PUBLISHED, false), Decision::Upload);
    assert!(matches!(
        decide(&e, None, IMMUTABLE, true),
        Decision::Conflict(m) if m.contains("immutable")
    ));
}

#[test]
fn broken_uploads_are_replaced_even_when_published() {
    let e = expected("a", b"one");
    let r = remote("a", "starter", b"on", false);
    for stage in [DRAFT, PUBLISHED] {
        assert!(matches!(
            decide(&e, Some(&r), stage, false),
            Decision::Replace { id: 7, why } if why.contains("starter")
        ));
    }
    assert!(matches!(
        decide(&e, Some(&r), IMMUTABLE, false),
        Decision::Conflict(_)
    ));
}

#[test]
fn different_assets_are_replaced_on_drafts_and_with_replace_only() {
    let e = expected("a", b"one");
    let r = remote("a", "uploaded", b"two", true);
    assert!(matches!(
        decide(&e, Some(&r), DRAFT, false),
        Decision::Replace { id: 7, .. }
    ));
    assert!(matches!(
        decide(&e, Some(&r), PUBLISHED, false),
        Decision::Conflict(m) if m.contains("--replace")
    ));
    assert!(matches!(
        decide(&e, Some(&r), PUBLISHED, true),
        Decision::Replace { id: 7, .. }
    ));
    assert!(matches!(
        decide(&e, Some(&r), IMMUTABLE, true),
        Decision::Conflict(m) if m.contains("immutable")
    ));
}

#[test]
fn without_a_digest_sizes_decide_or_a_download_does() {
    let e = expected("a", b"one");
    let other_size = remote("a", "uploaded", b"three", false);
    assert!(matches!(
        decide(&e, Some(&other_size), DRAFT, false),
        Decision::Replace { why, .. } if why.contains("5 bytes, dist/ has 3")
    ));
    let same_size = remote("a", "uploaded", b"two", false);
    assert_eq!(
        decide(&e, Some(&same_size), PUBLISHED, false),
        Decision::Compare { id: 7 }
    );
}

#[test]
fn content_types_follow_the_name() {
    assert_eq!(
        content_type("hello_linux_arm64"),
        "application/octet-stream"
    );
    assert_eq!(
        content_type("hello_windows_amd64.EXE"),
        "application/vnd.microsoft.portable-executable"
    );
    assert_eq!(
        content_type("hello_linux_amd64.cdx.json"),
        "application/vnd.cyclonedx+json"
    );
    assert_eq!(content_type("checksums.txt"), "text/plain; charset=utf-8");
    assert_eq!(content_type("hello.tar.gz"), "application/gzip");
}

/// A gate for a manifest with no version (agrees with an empty tag) and no configured targets.
fn gate(checksums: bool) -> Gate<'static> {
    Gate {
        checksums,
        tag: "",
        allow_version_mismatch: false,
        targets: &[],
        sign: false,
    }
}

#[test]
fn the_tag_comes_from_the_flag_or_a_tag_push() {
    assert_eq!(
        tag_from(Some("v1"), Some("branch"), Some("main")).as_deref(),
        Some("v1")
    );
    assert_eq!(
        tag_from(None, Some("tag"), Some("v1.2.3")).as_deref(),
        Some("v1.2.3")
    );
    assert_eq!(tag_from(None, Some("branch"), Some("main")), None);
    assert_eq!(tag_from(None, None, None), None);
    assert!(version_agrees("1.2.3", "v1.2.3") && version_agrees("v1.2.3", "v1.2.3"));
    assert!(!version_agrees("1.2.4", "v1.2.3") && !version_agrees("0.0.0-dev", "v1.2.3"));
}

#[test]
fn a_version_that_disagrees_or_a_missing_target_stops_the_release() {
    let dir = tempfile::tempdir().unwrap();
    let m = Manifest {
        version: "1.2.4".into(),
        artifacts: vec![artifact(dir.path(), "hello_linux_amd64", b"ELF")],
        ..Default::default()
    };
    let targets: [crate::targets::Target; 2] = [
        "linux/amd64".parse().unwrap(),
        "linux/arm64".parse().unwrap(),
    ];
    let mut g = Gate {
        tag: "v1.2.3",
        targets: &targets,
        ..gate(false)
    };
    let Err(ReleaseError::NotReady { problems, .. }) = expected_assets(dir.path(), &m, &g) else {
        panic!("not ready");
    };
    assert!(
        problems[0].contains("stamped 1.2.4 but the tag is v1.2.3"),
        "{problems:?}"
    );
    assert!(
        problems[1].contains("linux/arm64 is configured but was not built"),
        "{problems:?}"
    );
    g.allow_version_mismatch = true;
    g.targets = &targets[..1];
    assert_eq!(expected_assets(dir.path(), &m, &g).unwrap().len(), 1);
}

#[test]
fn sboms_of_a_per_leg_dist_are_named_by_their_file_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("gocross-hello_linux_amd64")).unwrap();
    let mut a = artifact(
        &dir.path().join("gocross-hello_linux_amd64"),
        "hello_linux_amd64",
        b"ELF",
    );
    a.path = "gocross-hello_linux_amd64/hello_linux_amd64".into();
    a.sbom = Some("gocross-hello_linux_amd64/hello_linux_amd64.cdx.json".into());
    a.sbom_sha256 = Some(sha256_hex(b"{}"));
    std::fs::write(dir.path().join(a.sbom.as_ref().unwrap()), b"{}").unwrap();
    let m = Manifest {
        artifacts: vec![a],
        ..Default::default()
    };
    let names: Vec<String> = expected_assets(dir.path(), &m, &gate(false))
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names, ["hello_linux_amd64", "hello_linux_amd64.cdx.json"]);
}

fn artifact(dist: &Path, name: &str, bytes: &[u8]) -> Artifact {
    std::fs::write(dist.join(name), bytes).unwrap();
    Artifact {
        target: "linux/amd64".into(),
        name: name.into(),
        path: name.into(),
        size: bytes.len() as u64,
        sha256: sha256_hex(bytes),
        ..Default::default()
    }
}

#[test]
fn a_good_dist_gives_binaries_sboms_then_checksums() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = artifact(dir.path(), "hello_linux_amd64", b"ELF");
    a.sbom = Some("hello_linux_amd64.cdx.json".into());
    a.sbom_sha256 = Some(sha256_hex(b"{}"));
    std::fs::write(dir.path().join("hello_linux_amd64.cdx.json"), b"{}").unwrap();
    let b = artifact(dir.path(), "hello_windows_amd64.exe", b"MZ");
    let m = Manifest {
        artifacts: vec![a, b],
        ..Default::default()
    };
    std::fs::write(dir.path().join(CHECKSUMS_FILE), m.checksums()).unwrap();
    let names: Vec<String> = expected_assets(dir.path(), &m, &gate(true))
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(
        names,
        [
            "hello_linux_amd64",
            "hello_windows_amd64.exe",
            "hello_linux_amd64.cdx.json",
            "checksums.txt"
        ]
    );
    let without: Vec<String> = expected_assets(dir.path(), &m, &gate(false))
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(without.len(), 3);
}

#[test]
fn every_problem_of_a_dist_is_reported_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut failed = artifact(dir.path(), "hello_linux_arm64", b"ELF");
    failed.audit = Some(ArtifactAudit {
        passed: false,
        violations: vec![Violation {
            rule: "max_glibc".into(),
            found: "2.34".into(),
            allowed: "2.17".into(),
        }],
        ..Default::default()
    });
    let mut unverified = artifact(dir.path(), "hello_linux_riscv64", b"ELF2");
    unverified.verify = Some(ArtifactVerify {
        method: crate::manifest::VerifyKind::Qemu,
        outcome: VerifyOutcome::Failed,
        reason: Some("exit code 2".into()),
        ..Default::default()
    });
    let twin = artifact(dir.path(), "HELLO_linux_arm64", b"ELF3");
    let mut escaping = artifact(dir.path(), "x", b"x");
    escaping.path = "../x".into();
    let mut missing = artifact(dir.path(), "gone", b"x");
    std::fs::remove_file(dir.path().join("gone")).unwrap();
    missing.target = "linux/386".into();
    let m = Manifest {
        artifacts: vec![failed, unverified, twin, escaping, missing],
        ..Default::default()
    };
    let Err(ReleaseError::NotReady { problems, .. }) = expected_assets(dir.path(), &m, &gate(true))
    else {
        panic!("not ready");
    };
    let all = problems.join("\n");
    for want in [
        "hello_linux_arm64 (linux/amd64) failed its audit (max_glibc: found 2.34, allowed 2.17)",
        "hello_linux_riscv64 (linux/amd64) failed verification under qemu: exit code 2",
        "two assets would be named `hello_linux_arm64` and `HELLO_linux_arm64`",
        "`../x` leaves dist/",
        "gone: not found in dist/",
    ] {
        assert!(all.contains(want), "missing `{want}` in:\n{all}");
    }
    assert!(
        !dir.path().join(CHECKSUMS_FILE).exists(),
        "nothing is written for a dist that is not ready"
    );
    assert!(
        matches!(expected_assets(dir.path(), &Manifest::default(), &gate(false)), Err(ReleaseError::NotReady { problems, .. }) if problems[0].contains("no artifacts"))
    );
}

#[test]
fn notes_hold_the_table_then_the_users_notes() {
    let m = Manifest {
        go: "go1.26.0".into(),
        artifacts: vec![Artifact {
            target: "linux/arm64".into(),
            name: "hello_linux_arm64".into(),
            size: 2048,
            sha256: "ab".repeat(32),
            audit: Some(ArtifactAudit {
                passed: true,
                linkage: Some(crate::manifest::Linkage::Dynamic),
                glibc_floor: Some("2.17".into()),
                ..Default::default()
            }),
            verify: Some(ArtifactVerify {
                method: crate::manifest::VerifyKind::Qemu,
                outcome: VerifyOutcome::NotRun,
                reason: Some("no sysroot | skipped".into()),
                ..Default::default()
            }),
            ..Default::default()
        }],
        ..Default::default()
    };
    let notes = release_notes(&m, Some("\n## Changes\n- faster\n"));
    let row = format!(
        "| linux/arm64 | `hello_linux_arm64` | 2.00 KiB | `{}` | dynamic | 2.17 | not run: no sysroot \\| skipped |",
        "ab".repeat(32)
    );
    assert!(notes.contains(&row), "{notes}");
    assert!(notes.contains("Built with go1.26.0 by gocross."), "{notes}");
    assert!(notes.ends_with("\n## Changes\n- faster\n"), "{notes}");
    assert_eq!(notes, release_notes(&m, Some("\n## Changes\n- faster\n")));
}

#[test]
fn tags_are_checked() {
    assert!(check_tag("v1.2.3").is_ok());
    assert!(check_tag("release/2026-11").is_ok());
    for bad in ["", "v1 2", "v1\n", &"x".repeat(256)] {
        assert!(check_tag(bad).is_err(), "{bad:?}");
    }
}

/// A dist of two binaries of linux/amd64 that only their archive ships.
fn archived(dir: &Path) -> Manifest {
    let mut a = artifact(dir, "age_linux_amd64", b"ELF age");
    let mut b = artifact(dir, "age-keygen_linux_amd64", b"ELF keygen");
    for x in [&mut a, &mut b] {
        x.released = false;
        x.binary = x.name.trim_end_matches("_linux_amd64").into();
    }
    let bytes = b"archive bytes";
    std::fs::write(dir.join("age_1.0.0_linux_amd64.tar.gz"), bytes).unwrap();
    let m = Manifest {
        artifacts: vec![b, a],
        archives: vec![crate::manifest::Archive {
            target: "linux/amd64".into(),
            name: "age_1.0.0_linux_amd64.tar.gz".into(),
            path: "age_1.0.0_linux_amd64.tar.gz".into(),
            format: crate::config::ArchiveFormat::TarGz,
            size: bytes.len() as u64,
            sha256: sha256_hex(bytes),
            binaries: vec!["age_linux_amd64".into(), "age-keygen_linux_amd64".into()],
            entries: vec!["LICENSE".into(), "age".into(), "age-keygen".into()],
            inputs: None,
        }],
        ..Default::default()
    };
    std::fs::write(dir.join(CHECKSUMS_FILE), m.checksums()).unwrap();
    m
}

#[test]
fn archives_are_released_instead_of_the_binaries_they_hold() {
    let dir = tempfile::tempdir().unwrap();
    let m = archived(dir.path());
    assert_eq!(
        m.checksums(),
        format!(
            "{}  age_1.0.0_linux_amd64.tar.gz\n",
            sha256_hex(b"archive bytes")
        )
    );
    let names: Vec<String> = expected_assets(dir.path(), &m, &gate(true))
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names, ["age_1.0.0_linux_amd64.tar.gz", "checksums.txt"]);
    let notes = release_notes(&m, None);
    assert!(
        notes.contains("| linux/amd64 | `age_1.0.0_linux_amd64.tar.gz` (`age`, `age-keygen`) |"),
        "{notes}"
    );
    assert!(!notes.contains("| `age_linux_amd64` |"), "{notes}");
}

#[test]
fn an_archive_is_checked_like_a_binary() {
    let dir = tempfile::tempdir().unwrap();
    let mut m = archived(dir.path());
    std::fs::write(
        dir.path().join("age_1.0.0_linux_amd64.tar.gz"),
        b"other bytes",
    )
    .unwrap();
    m.archives[0].entries.push("../../etc/cron.d/x".into());
    m.archives[0].binaries.push("age_linux_arm64".into());
    m.artifacts.push({
        let mut lost = artifact(dir.path(), "tool_linux_amd64", b"ELF");
        lost.released = false;
        lost
    });
    let err = expected_assets(dir.path(), &m, &gate(false))
        .unwrap_err()
        .to_string();
    for problem in [
        "age_1.0.0_linux_amd64.tar.gz: changed since the build",
        "holds `../../etc/cron.d/x`, a path that leaves the archive's directory",
        "holds age_linux_arm64, which manifest.json does not list for linux/amd64",
        "tool_linux_amd64 (linux/amd64) is neither released nor in an archive",
    ] {
        assert!(err.contains(problem), "{problem}: {err}");
    }
}

/// A Sigstore bundle as `cosign sign-blob --bundle` writes it, its message digest that of
/// `signed` (the verification material left out: gocross does not read it).
fn bundle(signed: &[u8]) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let digest = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(signed));
    serde_json::json!({
        "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
        "verificationMaterial": {},
        "messageSignature": {
            "messageDigest": {"algorithm": "SHA2_256", "digest": digest},
            "signature": "MEUCIQ=="
        }
    })
    .to_string()
}

#[test]
fn the_signature_bundle_is_released_only_with_the_checksums_it_signs() {
    let dir = tempfile::tempdir().unwrap();
    let checksums = b"0123  hello_linux_amd64\n";
    std::fs::write(dir.path().join(CHECKSUMS_FILE), checksums).unwrap();
    let asset = expected(CHECKSUMS_FILE, checksums);
    // No bundle: a private repository skipped signing.
    assert!(signature_bundle(dir.path(), &asset).unwrap().is_none());

    let path = dir.path().join(SIGNATURE_BUNDLE_FILE);
    std::fs::write(&path, bundle(checksums)).unwrap();
    let released = signature_bundle(dir.path(), &asset).unwrap().unwrap();
    assert_eq!(released.name, "checksums.txt.sigstore.json");
    assert_eq!(released.content_type, "application/json");

    for (text, problem) in [
        (bundle(b"other checksums"), "signs sha256 "),
        (
            "{\"base64Signature\": \"MEUC\"}".to_string(),
            "not a Sigstore bundle",
        ),
        ("not json".to_string(), "not JSON"),
        (
            bundle(checksums).replace("SHA2_256", "SHA2_384"),
            "holds no SHA-256 message digest",
        ),
    ] {
        std::fs::write(&path, &text).unwrap();
        let e = signature_bundle(dir.path(), &asset)
            .unwrap_err()
            .to_string();
        assert!(e.contains(problem), "{e}");
        assert!(e.contains("cosign sign-blob --yes --bundle"), "{e}");
    }
}
