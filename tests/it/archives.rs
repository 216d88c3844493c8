//! Release archives of examples/ship, a module with two commands and a LICENSE and README:
//! `gocross build` from two git checkouts of the same commit in different directories gives
//! byte-identical archives named the GoReleaser way, whose contents `tar tvf`, `unzip -l` and
//! `zipinfo` list with the expected paths, modes, owners and dates; `sha256sum -c` accepts
//! checksums.txt; and `gocross release` puts exactly the archives and checksums.txt on the
//! GitHub stand-in (tests/it/fake_github), with GitHub's generated notes first.

use crate::common;
use crate::fake_github;

use fake_github::{FakeGitHub, OWNER, REPO};
use std::path::{Path, PathBuf};
use std::process::Command;

const TOKEN: &str = "ghs_Fake0Token1For2Archive3Tests4";
/// The commit date of both checkouts: 2026-03-01 12:00:00 UTC.
const COMMIT_DATE: &str = "2026-03-01T12:00:00Z";

/// The four archives, by target, and the binaries' names inside them.
const ARCHIVES: [(&str, &str, &str); 4] = [
    ("darwin/arm64", "ship_1.2.3_darwin_arm64.tar.gz", ""),
    ("linux/amd64", "ship_1.2.3_linux_amd64.tar.gz", ""),
    ("linux/arm/7", "ship_1.2.3_linux_armv7.tar.gz", ""),
    ("windows/amd64", "ship_1.2.3_windows_amd64.zip", ".exe"),
];

fn git(dir: &Path, args: &[&str]) {
    common::run_ok(
        Command::new("git")
            .current_dir(dir)
            .args(args)
            .env("GIT_AUTHOR_NAME", "gocross")
            .env("GIT_AUTHOR_EMAIL", "gocross@example.com")
            .env("GIT_COMMITTER_NAME", "gocross")
            .env("GIT_COMMITTER_EMAIL", "gocross@example.com")
            .env("GIT_AUTHOR_DATE", COMMIT_DATE)
            .env("GIT_COMMITTER_DATE", COMMIT_DATE)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1"),
    );
}

/// examples/ship as a git checkout at tag v1.2.3 in `dir/<name>`.
fn checkout(dir: &Path, name: &str) -> PathBuf {
    let module = dir.join(name);
    common::copy_module_to(&common::example("ship"), &module);
    git(&module, &["init", "-q", "-b", "main"]);
    git(&module, &["add", "-A"]);
    git(&module, &["commit", "-q", "-m", "ship"]);
    git(&module, &["tag", "v1.2.3"]);
    module
}

fn build(module: &Path, extra: &[&str]) -> String {
    common::run_ok(
        common::gocross()
            .arg("-C")
            .arg(module)
            .arg("build")
            .args(extra)
            .env_remove("SOURCE_DATE_EPOCH"),
    )
}

fn lines(cmd: &mut Command) -> Vec<String> {
    common::run_ok(cmd.env("TZ", "UTC"))
        .lines()
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn ship_is_archived_reproducibly_checked_and_released() {
    for (tool, install) in [
        ("go", "install Go from https://go.dev/dl"),
        ("git", "apt-get install git"),
        ("tar", "apt-get install tar"),
        ("unzip", "apt-get install unzip"),
        ("zipinfo", "apt-get install unzip"),
        ("sha256sum", "apt-get install coreutils"),
        ("qemu-arm-static", "apt-get install qemu-user-static"),
        ("wine", "apt-get install wine64"),
    ] {
        if !common::require_tool(tool, install) {
            return;
        }
    }
    let scratch = tempfile::tempdir().unwrap();
    let first = checkout(scratch.path(), "first");
    let second = checkout(&scratch.path().join("elsewhere"), "ship");

    // Built, audited and verified (both commands run on linux/amd64, under QEMU and wine).
    let out = build(&first, &[]);
    assert!(
        out.contains("ship 1.2.3 (")
            && out.contains(
                ": 8 built, 0 failed to build; 6 verified, 0 failed verification, 2 not run"
            ),
        "{out}"
    );
    let dist = first.join("dist");

    // Names: exactly the archives in checksums.txt, which `sha256sum -c` accepts.
    let checksums = std::fs::read_to_string(dist.join("checksums.txt")).unwrap();
    let listed: Vec<&str> = checksums
        .lines()
        .map(|l| l.split_once("  ").unwrap().1)
        .collect();
    let names: Vec<&str> = ARCHIVES.iter().map(|a| a.1).collect();
    assert_eq!(listed, names, "{checksums}");
    let checked = lines(
        Command::new("sha256sum")
            .current_dir(&dist)
            .args(["-c", "checksums.txt"]),
    );
    assert_eq!(
        checked,
        names.iter().map(|n| format!("{n}: OK")).collect::<Vec<_>>()
    );

    // Contents: both binaries at 0755 and the files at 0644, owned by 0/0 with no names,
    // dated at the commit.
    for (target, name, exe) in ARCHIVES {
        let path = dist.join(name);
        let entries: Vec<(String, String, String, String)> = if name.ends_with(".zip") {
            let listed = lines(Command::new("unzip").arg("-l").arg(&path));
            assert!(
                listed
                    .iter()
                    .any(|l| l.contains("2026-03-01 12:00   LICENSE")),
                "{listed:?}"
            );
            lines(Command::new("zipinfo").arg(&path))
                .iter()
                .filter(|l| l.starts_with('-'))
                .map(|l| {
                    let f: Vec<&str> = l.split_whitespace().collect();
                    // -rwxr-xr-x  2.0 unx  1760256 b- defN 26-Mar-01 12:00 ship.exe
                    assert_eq!(f[2], "unx", "{l}");
                    (
                        f[0].to_string(),
                        "0/0".to_string(),
                        format!("{} {}", f[6], f[7]),
                        f[8].to_string(),
                    )
                })
                .collect()
        } else {
            lines(Command::new("tar").arg("tvf").arg(&path))
                .iter()
                .map(|l| {
                    // -rwxr-xr-x 0/0 1704098 2026-03-01 12:00 ship
                    let f: Vec<&str> = l.split_whitespace().collect();
                    (
                        f[0].to_string(),
                        f[1].to_string(),
                        format!("{} {}", f[3], f[4]),
                        f[5].to_string(),
                    )
                })
                .collect()
        };
        let date = if name.ends_with(".zip") {
            "26-Mar-01 12:00"
        } else {
            "2026-03-01 12:00"
        };
        // Sorted by path, byte by byte (`ship-keygen.exe` before `ship.exe`).
        let mut want: Vec<(String, String, String, String)> = [
            ("-rw-r--r--", "LICENSE".to_string()),
            ("-rw-r--r--", "README.md".to_string()),
            ("-rwxr-xr-x", format!("ship{exe}")),
            ("-rwxr-xr-x", format!("ship-keygen{exe}")),
        ]
        .into_iter()
        .map(|(mode, file)| (mode.into(), "0/0".into(), date.into(), file))
        .collect();
        want.sort_by(|a, b| a.3.cmp(&b.3));
        assert_eq!(entries, want, "{target}: {name}");
    }

    // What is inside runs: ship from the linux/amd64 archive.
    let unpacked = scratch.path().join("unpacked");
    std::fs::create_dir_all(&unpacked).unwrap();
    common::run_ok(
        Command::new("tar")
            .arg("xzf")
            .arg(dist.join("ship_1.2.3_linux_amd64.tar.gz"))
            .arg("-C")
            .arg(&unpacked),
    );
    let version = common::run_ok(Command::new(unpacked.join("ship")).arg("--version"));
    assert!(version.starts_with("ship 1.2.3 ("), "{version}");
    let keygen = common::run_ok(Command::new(unpacked.join("ship-keygen")).arg("--version"));
    assert!(
        keygen.starts_with("ship-keygen 1.2.3 linux/amd64"),
        "{keygen}"
    );

    // Reproducible: the other checkout, in another directory, gives the same bytes.
    build(&second, &["--no-verify"]);
    for file in names.iter().copied().chain(["checksums.txt"]) {
        let a = std::fs::read(dist.join(file)).unwrap();
        let b = std::fs::read(second.join("dist").join(file)).unwrap();
        assert!(a == b, "{file} differs between the two checkouts");
    }

    // Released: exactly the archives and checksums.txt, GitHub's notes, the table, the
    // user's notes.
    let fake = FakeGitHub::start(TOKEN).await;
    let config = std::fs::read_to_string(first.join("gocross.yaml")).unwrap();
    std::fs::write(
        first.join("gocross.yaml"),
        format!("{config}release:\n  generate_notes: true\n"),
    )
    .unwrap();
    std::fs::write(first.join("NOTES.md"), "Two commands, one archive.\n").unwrap();
    let out = common::run_ok(
        common::gocross()
            .current_dir(&first)
            .args(["release", "--tag", "v1.2.3", "--notes", "NOTES.md"])
            .env("GITHUB_TOKEN", TOKEN)
            .env("GITHUB_REPOSITORY", format!("{OWNER}/{REPO}"))
            .env("GITHUB_API_URL", fake.url())
            .env("GOCROSS_MAX_SLEEP", "0")
            .env_remove("GOCROSS_UPLOAD_URL")
            .env_remove("GITHUB_SHA")
            .env_remove("GITHUB_EVENT_PATH"),
    );
    assert!(out.contains("release v1.2.3: published"), "{out}");
    let state = fake.state();
    let release = &state.releases[0];
    let mut held: Vec<(&str, &[u8])> = release
        .assets
        .iter()
        .map(|a| (a.name.as_str(), a.bytes.as_slice()))
        .collect();
    held.sort();
    let mut want: Vec<String> = names
        .iter()
        .copied()
        .chain(["checksums.txt"])
        .map(String::from)
        .collect();
    want.sort();
    assert_eq!(held.iter().map(|a| a.0).collect::<Vec<_>>(), want);
    for (name, bytes) in held {
        assert!(
            bytes == std::fs::read(dist.join(name)).unwrap().as_slice(),
            "{name} holds the dist file's bytes"
        );
    }
    let body = &release.body;
    let generated = body.find("## What's Changed").expect("generated notes");
    let table = body.find("| Target | File |").expect("the table");
    let notes = body
        .find("Two commands, one archive.")
        .expect("the user's notes");
    assert!(generated < table && table < notes, "{body}");
    for (target, name, exe) in ARCHIVES {
        assert!(
            body.contains(&format!("| {target} | `{name}` (`ship`, `ship-keygen`) |")),
            "{target} {exe}: {body}"
        );
    }
    assert!(
        !body.contains("| `ship_linux_amd64` |"),
        "no bare binary: {body}"
    );
}

/// examples/ship copied to `dir/<name>` (no git: the version and date come from the build's
/// arguments and `SOURCE_DATE_EPOCH`).
fn copy(dir: &Path, name: &str) -> PathBuf {
    let module = dir.join(name);
    common::copy_module_to(&common::example("ship"), &module);
    let _ = std::fs::remove_dir_all(module.join("dist"));
    module
}

/// `gocross build` of a copy made by [`copy`], unverified, on `jobs` workers.
fn build_copy(module: &Path, jobs: &str) -> String {
    common::run_ok(
        common::gocross()
            .arg("-C")
            .arg(module)
            .args(["build", "--no-verify", "--version", "1.2.3", "--jobs", jobs])
            .env("SOURCE_DATE_EPOCH", "1772366400"),
    )
}

/// Each archive's file name, inode and modification time (ns), and manifest.json's record.
fn archive_files(module: &Path) -> Vec<(String, u64, i128, serde_json::Value)> {
    use std::os::unix::fs::MetadataExt;
    let dist = module.join("dist");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dist.join("manifest.json")).unwrap()).unwrap();
    let archives = manifest["archives"].as_array().unwrap();
    assert_eq!(archives.len(), ARCHIVES.len(), "{manifest}");
    archives
        .iter()
        .map(|a| {
            let name = a["name"].as_str().unwrap().to_string();
            let meta = std::fs::metadata(dist.join(&name)).unwrap();
            let mtime = i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec());
            (name, meta.ino(), mtime, a.clone())
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn an_unchanged_rebuild_keeps_every_archive_and_a_change_rewrites_its_archives() {
    if !common::require_tool("go", "install Go from https://go.dev/dl") {
        return;
    }
    let scratch = tempfile::tempdir().unwrap();
    let module = copy(scratch.path(), "ship");
    build_copy(&module, "2");
    let first = archive_files(&module);

    // Unchanged: every archive file untouched (same inode and time), the same records.
    build_copy(&module, "2");
    assert_eq!(archive_files(&module), first);

    // A source file only windows builds: only the windows archive is written again.
    std::fs::write(
        module.join("cmd/ship/note_windows.go"),
        "package main\n\nimport \"os\"\n\nfunc init() { os.Setenv(\"SHIP_NOTE\", \"windows\") }\n",
    )
    .unwrap();
    build_copy(&module, "2");
    let second = archive_files(&module);
    for (before, after) in first.iter().zip(&second) {
        assert_eq!(before.0, after.0);
        if before.0.ends_with("_windows_amd64.zip") {
            assert_ne!(before.1, after.1, "{}: written again", before.0);
            assert_ne!(before.3["sha256"], after.3["sha256"], "{}", before.0);
            assert_ne!(before.3["inputs"], after.3["inputs"], "{}", before.0);
        } else {
            assert_eq!(before, after, "{}: kept", before.0);
        }
    }

    // A file of `archives.files` that every archive holds: every archive is written again,
    // holding the new text.
    std::fs::write(module.join("README.md"), "ship, changed\n").unwrap();
    build_copy(&module, "2");
    let third = archive_files(&module);
    for (before, after) in second.iter().zip(&third) {
        assert_ne!(before.1, after.1, "{}: written again", before.0);
        assert_ne!(before.3["sha256"], after.3["sha256"], "{}", before.0);
    }
    let readme = common::run_ok(
        Command::new("tar")
            .arg("xzOf")
            .arg(module.join("dist/ship_1.2.3_linux_amd64.tar.gz"))
            .arg("README.md"),
    );
    assert_eq!(readme, "ship, changed\n");
}

#[cfg(unix)]
#[test]
fn archives_are_written_concurrently_and_match_a_one_worker_build() {
    if !common::require_tool("go", "install Go from https://go.dev/dl") {
        return;
    }
    let scratch = tempfile::tempdir().unwrap();
    let (one, two) = (copy(scratch.path(), "one"), copy(scratch.path(), "two"));
    // 24 MiB that do not compress (`README*` is in `archives.files`), so that writing each
    // archive takes long enough to be seen.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let noise: Vec<u8> = (0..24 << 20)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    for m in [&one, &two] {
        std::fs::write(m.join("README.bin"), &noise).unwrap();
    }
    build_copy(&one, "1");

    // While the two-worker build runs, count the temporary files in dist/ larger than any
    // binary: archives being written.
    let dist = two.join("dist");
    let done = std::sync::atomic::AtomicBool::new(false);
    let most = std::thread::scope(|scope| {
        let watcher = scope.spawn(|| {
            let mut most = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let writing = std::fs::read_dir(&dist)
                    .into_iter()
                    .flatten()
                    .filter_map(Result::ok)
                    .filter(|e| {
                        e.file_name().to_string_lossy().starts_with(".gocross-")
                            && e.metadata().is_ok_and(|m| m.len() > 4 << 20)
                    })
                    .count();
                most = most.max(writing);
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            most
        });
        build_copy(&two, "2");
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        watcher.join().unwrap()
    });
    assert_eq!(most, 2, "two archives are written at once with --jobs 2");

    let (a, b) = (archive_files(&one), archive_files(&two));
    for (x, y) in a.iter().zip(&b) {
        assert_eq!((&x.0, &x.3), (&y.0, &y.3));
        assert!(
            std::fs::read(one.join("dist").join(&x.0)).unwrap()
                == std::fs::read(two.join("dist").join(&y.0)).unwrap(),
            "{} differs between --jobs 1 and --jobs 2",
            x.0
        );
    }
}
