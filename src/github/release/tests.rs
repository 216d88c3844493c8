//! Unit tests of the release decisions: what each asset needs, the checks of dist/, the notes.

use super::*;
use crate::manifest::{Artifact, ArtifactAudit, ArtifactVerify, Violation};

fn expected(name: &str, bytes: &[u8]) -> ExpectedAsset {
    ExpectedAsset {
        name: name.into(),
        path: PathBuf::from(name),
        size: bytes.len() as u64,
        sha256: hex(&Sha256::digest(bytes)),
        content_type: content_type(name),
    }
}

fn remote(name: &str, state: &str, bytes: &[u8], digest: bool) -> RemoteAsset {
    RemoteAsset {
        id: 7,
        name: name.into(),
        state: state.into(),
        size: bytes.len() as u64,
        digest: digest.then(|| format!("sha256:{}", hex(&Sha256::digest(bytes)))),
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

#[test]
fn sizes_are_human() {
    assert_eq!(human_size(343), "343 B");
    assert_eq!(human_size(2 * 1024 * 1024 + 300 * 1024), "2.3 MiB");
    assert_eq!(human_size(1024), "1.0 KiB");
}

fn artifact(dist: &Path, name: &str, bytes: &[u8]) -> Artifact {
    std::fs::write(dist.join(name), bytes).unwrap();
    Artifact {
        target: "linux/amd64".into(),
        name: name.into(),
        path: name.into(),
        size: bytes.len() as u64,
        sha256: hex(&Sha256::digest(bytes)),
        ..Default::default()
    }
}

#[test]
fn a_good_dist_gives_binaries_sboms_then_checksums() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = artifact(dir.path(), "hello_linux_amd64", b"ELF");
    a.sbom = Some("hello_linux_amd64.cdx.json".into());
    std::fs::write(dir.path().join("hello_linux_amd64.cdx.json"), b"{}").unwrap();
    let b = artifact(dir.path(), "hello_windows_amd64.exe", b"MZ");
    let m = Manifest {
        artifacts: vec![a, b],
        ..Default::default()
    };
    std::fs::write(dir.path().join(CHECKSUMS_FILE), m.checksums()).unwrap();
    let names: Vec<String> = expected_assets(dir.path(), &m, true)
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
    let without: Vec<String> = expected_assets(dir.path(), &m, false)
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
        method: "qemu".into(),
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
    let Err(ReleaseError::NotReady { problems, .. }) = expected_assets(dir.path(), &m, true) else {
        panic!("not ready");
    };
    let all = problems.join("\n");
    for want in [
        "hello_linux_arm64 (linux/amd64) failed its audit (max_glibc: found 2.34, allowed 2.17)",
        "hello_linux_riscv64 (linux/amd64) failed verification under qemu: exit code 2",
        "two assets would be named `hello_linux_arm64` and `HELLO_linux_arm64`",
        "path `../x` leaves dist/",
        "gone: No such file",
    ] {
        assert!(all.contains(want), "missing `{want}` in:\n{all}");
    }
    assert!(
        !dir.path().join(CHECKSUMS_FILE).exists(),
        "nothing is written for a dist that is not ready"
    );
    assert!(
        matches!(expected_assets(dir.path(), &Manifest::default(), false), Err(ReleaseError::NotReady { problems, .. }) if problems[0].contains("no artifacts"))
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
                linkage: Some("dynamic".into()),
                glibc_floor: Some("2.17".into()),
                ..Default::default()
            }),
            verify: Some(ArtifactVerify {
                method: "qemu".into(),
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
        "| linux/arm64 | `hello_linux_arm64` | 2.0 KiB | `{}` | dynamic | 2.17 | not run: no sysroot \\| skipped |",
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
