//! Linux packages of examples/ship (two commands, a LICENSE): `gocross build` of a tagged
//! checkout writes a deb, an rpm and an apk per linux target, which the distributions' own
//! tools read and install: `dpkg-deb -I/-c`, `dpkg --root` into a scratch root, `lintian`,
//! `rpm -qip`, `rpm -K`, `rpm2cpio | cpio`, and the apk's `.PKGINFO` and `datahash` (read
//! with `tar`); the installed commands run. A second checkout of the same commit elsewhere
//! gives the same bytes, a rebuild keeps them, and `gocross release` uploads them to the GitHub stand-in. Bad `packages:` sections stop the build at their place.

use crate::common;
use crate::fake_github::{FakeGitHub, OWNER, REPO};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

const TOKEN: &str = "ghs_Fake0Token1For2Package3Tests4";
/// The commit date of both checkouts: 2026-03-01 12:00:00 UTC.
const COMMIT_DATE: &str = "2026-03-01T12:00:00Z";

/// examples/ship's config with two linux targets and every package format.
const CONFIG: &str = r#"version: 1
project: ship
targets: [linux/amd64, linux/arm/7]
ldflags: -s -w -X main.version={{version}} -X main.commit={{short_commit}}
binaries:
  - name: ship
    main: ./cmd/ship
  - name: ship-keygen
    main: ./cmd/ship-keygen
    ldflags: -s -w -X main.version={{version}} -X main.binary={{binary}}
verify:
  args: [--version]
  expect: "^ship(-keygen)? "
packages:
  formats: [deb, rpm, apk]
  maintainer: "Jane Doe <jane@example.org>"
  description: Ships files from one place to another
  license: MIT
  homepage: https://example.org/ship
  contents:
    - {src: README.md, dst: /usr/share/doc/ship/README.md}
  depends:
    deb: [ca-certificates]
    rpm: [ca-certificates, "glibc >= 2.17"]
    apk: [ca-certificates]
"#;

/// The packages, by target.
const PACKAGES: [&str; 6] = [
    "ship-1.2.3-1.armv7hl.rpm",
    "ship-1.2.3-1.x86_64.rpm",
    "ship_1.2.3-r0_armv7.apk",
    "ship_1.2.3-r0_x86_64.apk",
    "ship_1.2.3_amd64.deb",
    "ship_1.2.3_armhf.deb",
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

/// examples/ship with `config` as a git checkout at tag v1.2.3 in `dir/<name>`.
fn checkout(dir: &Path, name: &str, config: &str) -> PathBuf {
    let module = dir.join(name);
    common::copy_module_to(&common::example("ship"), &module);
    std::fs::write(module.join("gocross.yaml"), config).unwrap();
    git(&module, &["init", "-q", "-b", "main"]);
    git(&module, &["add", "-A"]);
    git(&module, &["commit", "-q", "-m", "ship"]);
    git(&module, &["tag", "v1.2.3"]);
    module
}

fn build(module: &Path) -> String {
    common::run_ok(
        common::gocross()
            .arg("-C")
            .arg(module)
            .arg("build")
            .env_remove("SOURCE_DATE_EPOCH"),
    )
}

fn sha256(path: &Path) -> String {
    gocross::digest::hex(&Sha256::digest(std::fs::read(path).unwrap()))
}

#[tokio::test]
async fn ship_packages_are_read_installed_reproducible_and_released() {
    for (tool, install) in [
        ("go", "install Go from https://go.dev/dl"),
        ("git", "apt-get install git"),
        ("qemu-arm-static", "apt-get install qemu-user-static"),
        ("dpkg", "apt-get install dpkg"),
        ("dpkg-deb", "apt-get install dpkg"),
        ("lintian", "apt-get install lintian"),
        ("rpm", "apt-get install rpm"),
        ("rpm2cpio", "apt-get install rpm"),
        ("cpio", "apt-get install cpio"),
        ("tar", "apt-get install tar"),
        ("sha256sum", "apt-get install coreutils"),
    ] {
        if !common::require_tool(tool, install) {
            return;
        }
    }
    let scratch = tempfile::tempdir().unwrap();
    let first = checkout(scratch.path(), "first", CONFIG);
    let out = build(&first);
    assert!(
        out.contains(&format!("packages: {}", PACKAGES.join(", "))),
        "{out}"
    );
    let dist = first.join("dist");

    // Listed in manifest.json and checksums.txt, which `sha256sum -c` accepts.
    let manifest = gocross::manifest::Manifest::read(&dist).unwrap();
    let names: Vec<&str> = manifest.packages.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, PACKAGES);
    let deb = &manifest.packages[4];
    assert_eq!(
        (deb.target.as_str(), deb.format.as_str()),
        ("linux/amd64", "deb")
    );
    assert_eq!(
        deb.entries,
        [
            "usr/bin/ship",
            "usr/bin/ship-keygen",
            "usr/share/doc/ship/README.md",
            "usr/share/doc/ship/changelog.gz",
            "usr/share/doc/ship/copyright",
        ]
    );
    let checksums = std::fs::read_to_string(dist.join("checksums.txt")).unwrap();
    for p in &manifest.packages {
        assert!(
            checksums.contains(&format!("{}  {}\n", p.sha256, p.name)),
            "{checksums}"
        );
    }
    common::run_ok(
        Command::new("sha256sum")
            .current_dir(&dist)
            .args(["-c", "checksums.txt"]),
    );

    // deb: the control fields, the files with their modes and owner.
    let deb = dist.join("ship_1.2.3_amd64.deb");
    let info = common::run_ok(Command::new("dpkg-deb").arg("-I").arg(&deb));
    for field in [
        "Package: ship",
        "Version: 1.2.3",
        "Architecture: amd64",
        "Maintainer: Jane Doe <jane@example.org>",
        "Section: utils",
        "Priority: optional",
        "Homepage: https://example.org/ship",
        "Description: Ships files from one place to another",
        "Depends: ca-certificates",
        "This package installs the commands ship, ship-keygen in /usr/bin.",
    ] {
        assert!(info.contains(field), "{field}:\n{info}");
    }
    let listing = common::run_ok(
        Command::new("dpkg-deb")
            .arg("-c")
            .arg(&deb)
            .env("TZ", "UTC"),
    );
    for line in [
        "-rwxr-xr-x root/root",
        "2026-03-01 12:00 usr/bin/ship\n",
        "2026-03-01 12:00 usr/bin/ship-keygen\n",
        "2026-03-01 12:00 usr/share/doc/ship/copyright\n",
        "2026-03-01 12:00 usr/share/doc/ship/changelog.gz\n",
    ] {
        assert!(listing.contains(line), "{line}:\n{listing}");
    }
    assert_eq!(
        common::run_ok(
            Command::new("dpkg-deb")
                .arg("-f")
                .arg(dist.join("ship_1.2.3_armhf.deb"))
                .arg("Architecture")
        ),
        "armhf\n"
    );

    // Installed by dpkg into a scratch root (its own database), the commands run.
    let root = scratch.path().join("debroot");
    std::fs::create_dir_all(root.join("var/lib/dpkg/updates")).unwrap();
    std::fs::create_dir_all(root.join("var/lib/dpkg/info")).unwrap();
    std::fs::write(root.join("var/lib/dpkg/status"), "").unwrap();
    common::run_ok(
        Command::new("dpkg")
            .arg("--root")
            .arg(&root)
            // The scratch root has no packages: ca-certificates is not there.
            .args([
                "--force-not-root",
                "--force-depends",
                "--log=/dev/null",
                "-i",
            ])
            .arg(&deb),
    );
    let version = common::run_ok(Command::new(root.join("usr/bin/ship")).arg("--version"));
    assert!(version.starts_with("ship 1.2.3 "), "{version}");
    let copyright = std::fs::read(root.join("usr/share/doc/ship/copyright")).unwrap();
    assert_eq!(copyright, std::fs::read(first.join("LICENSE")).unwrap());

    // lintian: no error but the static Go binaries.
    let (_, stdout, stderr) = common::run(Command::new("lintian").arg(&deb));
    let errors: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("E:") && !l.contains("statically-linked-binary"))
        .collect();
    assert!(errors.is_empty(), "lintian:\n{stdout}{stderr}");
    assert!(
        stdout.contains("statically-linked-binary"),
        "lintian ran:\n{stdout}{stderr}"
    );

    // rpm: the header, the digests, the payload unpacked by rpm2cpio and cpio.
    let rpm = dist.join("ship-1.2.3-1.x86_64.rpm");
    let info = common::run_ok(Command::new("rpm").arg("-qip").arg(&rpm));
    for field in [
        "Name        : ship",
        "Version     : 1.2.3",
        "Release     : 1",
        "Architecture: x86_64",
        "License     : MIT",
        "Packager    : Jane Doe <jane@example.org>",
        "URL         : https://example.org/ship",
        "Summary     : Ships files from one place to another",
    ] {
        assert!(info.contains(field), "{field}:\n{info}");
    }
    let requires = common::run_ok(Command::new("rpm").arg("-qRp").arg(&rpm));
    for dep in ["ca-certificates", "glibc >= 2.17"] {
        assert!(requires.lines().any(|l| l == dep), "{dep}:\n{requires}");
    }
    let checked = common::run_ok(Command::new("rpm").arg("-K").arg(&rpm));
    assert!(checked.trim_end().ends_with("digests OK"), "{checked}");
    let files = common::run_ok(Command::new("rpm").arg("-qlvp").arg(&rpm));
    assert!(
        files.lines().any(|l| l.starts_with("-rwxr-xr-x")
            && l.contains(" root ")
            && l.ends_with("/usr/bin/ship-keygen")),
        "{files}"
    );
    let unpacked = scratch.path().join("rpmroot");
    std::fs::create_dir_all(&unpacked).unwrap();
    common::run_ok(
        Command::new("sh")
            .current_dir(&unpacked)
            .arg("-c")
            .arg(format!("rpm2cpio '{}' | cpio -idm", rpm.display())),
    );
    let version =
        common::run_ok(Command::new(unpacked.join("usr/bin/ship-keygen")).arg("--version"));
    assert!(version.starts_with("ship-keygen 1.2.3 "), "{version}");

    // apk: .PKGINFO, and its datahash is the SHA-256 of the second gzip stream.
    let apk = dist.join("ship_1.2.3-r0_x86_64.apk");
    let apkroot = scratch.path().join("apkroot");
    std::fs::create_dir_all(&apkroot).unwrap();
    common::run_ok(
        Command::new("tar")
            .arg("-xzf")
            .arg(&apk)
            .arg("-C")
            .arg(&apkroot),
    );
    let pkginfo = std::fs::read_to_string(apkroot.join(".PKGINFO")).unwrap();
    for line in [
        "pkgname = ship",
        "pkgver = 1.2.3-r0",
        "arch = x86_64",
        "pkgdesc = Ships files from one place to another",
        "url = https://example.org/ship",
        "license = MIT",
        "maintainer = Jane Doe <jane@example.org>",
        "depend = ca-certificates",
        "builddate = 1772366400",
    ] {
        assert!(pkginfo.lines().any(|l| l == line), "{line}:\n{pkginfo}");
    }
    let bytes = std::fs::read(&apk).unwrap();
    let mut control = flate2::bufread::GzDecoder::new(bytes.as_slice());
    std::io::copy(&mut control, &mut std::io::sink()).unwrap();
    let data = control.into_inner();
    let datahash = gocross::digest::hex(&Sha256::digest(data));
    assert!(
        pkginfo.contains(&format!("datahash = {datahash}\n")),
        "{pkginfo}"
    );
    let mut data_tar = Vec::new();
    flate2::read::GzDecoder::new(data)
        .read_to_end(&mut data_tar)
        .unwrap();
    let size: usize = [
        "usr/bin/ship",
        "usr/bin/ship-keygen",
        "usr/share/doc/ship/README.md",
    ]
    .iter()
    .map(|p| std::fs::metadata(apkroot.join(p)).unwrap().len() as usize)
    .sum();
    assert!(pkginfo.contains(&format!("size = {size}\n")), "{pkginfo}");
    let version = common::run_ok(Command::new(apkroot.join("usr/bin/ship")).arg("--version"));
    assert!(version.starts_with("ship 1.2.3 "), "{version}");

    // Another checkout of the commit, elsewhere: the same bytes.
    let second = checkout(&scratch.path().join("elsewhere"), "ship", CONFIG);
    build(&second);
    for name in PACKAGES {
        assert_eq!(
            sha256(&dist.join(name)),
            sha256(&second.join("dist").join(name)),
            "{name} is reproducible"
        );
    }

    // Built again in place: each package is kept (the same file), and one that no longer
    // has its recorded SHA-256 is written again, as it was.
    use std::os::unix::fs::MetadataExt;
    let inode = |name: &str| std::fs::metadata(dist.join(name)).unwrap().ino();
    let before: Vec<u64> = PACKAGES.iter().map(|n| inode(n)).collect();
    let rpm_sha256 = sha256(&rpm);
    std::fs::write(&rpm, b"tampered").unwrap();
    build(&first);
    for (name, ino) in PACKAGES.iter().zip(before) {
        if dist.join(name) != rpm {
            assert_eq!(inode(name), ino, "{name} is kept");
        }
    }
    assert_eq!(
        sha256(&rpm),
        rpm_sha256,
        "the tampered rpm is written again"
    );

    // Released with the binaries, each package with its bytes and its type.
    let fake = FakeGitHub::start(TOKEN).await;
    let out = common::run_ok(
        common::gocross()
            .current_dir(&first)
            .args(["release", "--tag", "v1.2.3"])
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
    for name in PACKAGES {
        let asset = release
            .assets
            .iter()
            .find(|a| a.name == name)
            .unwrap_or_else(|| panic!("{name} is released: {out}"));
        assert!(
            asset.bytes == std::fs::read(dist.join(name)).unwrap(),
            "{name}"
        );
        let want = match name.rsplit('.').next() {
            Some("deb") => "application/vnd.debian.binary-package",
            Some("rpm") => "application/x-rpm",
            _ => "application/octet-stream",
        };
        assert_eq!(asset.content_type, want, "{name}");
        assert!(
            release
                .body
                .contains(&format!("`{name}` (`ship`, `ship-keygen`)")),
            "{name} in the notes: {}",
            release.body
        );
    }
}

#[test]
fn bad_packages_sections_stop_the_build_at_their_place() {
    if !common::require_tool("go", "install Go from https://go.dev/dl") {
        return;
    }
    let cases = [
        (
            "version: 1\nproject: ship\ntargets: [linux/amd64]\npackages:\n  formats: [deb]\n  description: Ships files\n",
            "missing field `maintainer`",
        ),
        (
            "version: 1\nproject: ship\ntargets: [windows/amd64]\npackages:\n  formats: [deb]\n  maintainer: Jane Doe <jane@example.org>\n  description: Ships files\n",
            "key `packages`: no linux target is configured, so there is nothing to package: add one (linux/amd64), or remove this",
        ),
        (
            "version: 1\nproject: ship\ntargets: [linux/arm/5]\npackages:\n  formats: [deb, apk]\n  maintainer: Jane Doe <jane@example.org>\n  description: Ships files\n",
            "key `packages.formats`: apk has no architecture for linux/arm/5: remove apk, or the target",
        ),
        (
            "version: 1\nproject: ship\ntargets: [linux/amd64]\npackages:\n  formats: [deb]\n  maintainer: Jane Doe <jane@example.org>\n  description: Ships files\n  homepage: \"https://example.org\\nEssential: yes\"\n",
            "`https://example.org\\nEssential: yes` holds a line break or a control character: write it on one line",
        ),
    ];
    for (config, error) in cases {
        let module = common::copy_module(&common::example("ship"));
        std::fs::write(module.path().join("gocross.yaml"), config).unwrap();
        let (out, stdout, stderr) =
            common::run(common::gocross().arg("-C").arg(module.path()).arg("build"));
        assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
        assert!(stderr.contains(error), "{error}:\n{stderr}");
        assert!(stderr.contains("gocross.yaml:"), "positioned:\n{stderr}");
        assert!(!module.path().join("dist").exists(), "nothing was built");
    }
}
