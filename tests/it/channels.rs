//! Universal macOS binaries, the Homebrew formula and the Scoop manifest, on the real build
//! of examples/ship (two commands): the fat binary checked with `file` and `gocross audit`,
//! the formula evaluated by Ruby against a stub of Homebrew's DSL, the manifest checked
//! against Scoop's schema, and both pushed to the GitHub stand-in's contents API: created,
//! updated in place, and left alone by a re-run.

use crate::common;
use crate::fake_github;

use fake_github::{FakeGitHub, OWNER, REPO};
use gocross::dist::CHECKSUMS_FILE;
use gocross::manifest::Manifest;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

const TOKEN: &str = "ghs_Fake0Token1For2Channel3Tests4";
const TAP_TOKEN: &str = "ghp_Tap0Token1Of2The3Tap4Owner5";
const TAG: &str = "v1.2.3";
const TAP: &str = "octo-org/homebrew-tap";
const BUCKET: &str = "octo-org/scoop-bucket";

const CONFIG: &str = r#"version: 1
project: ship
targets: [darwin/amd64, darwin/arm64, linux/amd64, linux/arm64, windows/amd64, windows/arm64]
ldflags: -s -w -X main.version={{version}}
binaries:
  - name: ship
    main: ./cmd/ship
  - name: ship-keygen
    main: ./cmd/ship-keygen
archives:
  files: [LICENSE*, README*]
universal_binaries: true
homebrew:
  repository: octo-org/homebrew-tap
scoop:
  repository: octo-org/scoop-bucket
  token_env: SCOOP_BUCKET_TOKEN
"#;

/// examples/ship built with [`CONFIG`] at version 1.2.3 (once per run), copied.
fn built() -> Option<tempfile::TempDir> {
    if !common::require_tool("go", "install Go from https://go.dev/dl") {
        return None;
    }
    Some(common::built_copy(
        "channels",
        "ship",
        Some(CONFIG),
        &["--version", "1.2.3"],
    ))
}

/// `gocross release --tag v1.2.3` against the fake, with both channel tokens set (the tap
/// and the bucket take `TAP_TOKEN`, the release `TOKEN`).
fn release(fake: &FakeGitHub, dir: &Path) -> Command {
    let mut cmd = common::gocross();
    cmd.current_dir(dir)
        .args(["release", "--tag", TAG])
        .env("GITHUB_TOKEN", TOKEN)
        .env("HOMEBREW_TAP_GITHUB_TOKEN", TAP_TOKEN)
        .env("SCOOP_BUCKET_TOKEN", TAP_TOKEN)
        .env("GITHUB_REPOSITORY", format!("{OWNER}/{REPO}"))
        .env("GITHUB_API_URL", fake.url())
        .env("GITHUB_SERVER_URL", "https://github.com")
        .env("GOCROSS_MAX_SLEEP", "0")
        .env_remove("GOCROSS_UPLOAD_URL")
        .env_remove("GITHUB_SHA")
        .env_remove("GITHUB_EVENT_PATH");
    cmd
}

/// Runs it; (success, stdout + stderr), after checking that no token is in the output.
fn run(cmd: &mut Command) -> (bool, String) {
    let (out, stdout, stderr) = common::run(cmd);
    let all = format!("{stdout}{stderr}");
    for token in [TOKEN, TAP_TOKEN] {
        assert!(!all.contains(token), "a token leaked:\n{all}");
    }
    (out.status.success(), all)
}

/// checksums.txt of dist/ as name → SHA-256.
fn checksums(dist: &Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(dist.join(CHECKSUMS_FILE))
        .unwrap()
        .lines()
        .map(|l| {
            let (sha, name) = l.split_once("  ").unwrap();
            (name.to_string(), sha.to_string())
        })
        .collect()
}

/// A stub of Homebrew's formula DSL: loads the formula, prints one `url OS CPU URL SHA256`
/// line per pair, then `install` with what `def install` puts in bin, then `test` with
/// whether a test block exists.
const DSL_STUB: &str = r##"
$pairs = []
class Bin
  attr_reader :got
  def initialize; @got = []; end
  def install(*args); args.each { |a| @got << (a.is_a?(Hash) ? a.map { |k, v| "#{k}=>#{v}" }.join : a.to_s) }; end
end
class Formula
  class << self
    attr_reader :test_block
    def inherited(k); $klass = k; end
    def desc(_); end
    def homepage(h); @homepage = h; end
    def version(v); @version = v; end
    def license(_); end
    def on_macos; @os = "macos"; yield; @os = nil; end
    def on_linux; @os = "linux"; yield; @os = nil; end
    def on_intel; @cpu = "intel"; yield; @cpu = nil; end
    def on_arm; @cpu = "arm"; yield; @cpu = nil; end
    def url(u); raise "url outside on_OS/on_CPU" unless @os && @cpu; @url = u; end
    def sha256(s); $pairs << [@os, @cpu, @url, s]; end
    def test(&block); @test_block = block; end
  end
  def bin; @bin ||= Bin.new; end
end
load ARGV[0]
$pairs.each { |p| puts "url #{p.join(' ')}" }
f = $klass.new
f.install
puts "install #{f.bin.got.join(' ')}"
puts "class #{$klass.name} version #{$klass.instance_variable_get(:@version)}"
puts "test #{!$klass.test_block.nil?}"
"##;
/// `formula` evaluated by Ruby under [`DSL_STUB`] (written to `scratch`): its printed lines.
pub(crate) fn evaluate_formula(formula: &Path, scratch: &Path) -> String {
    let stub = scratch.join("stub.rb");
    std::fs::write(&stub, DSL_STUB).unwrap();
    common::run_ok(Command::new("ruby").arg(&stub).arg(formula))
}

#[test]
fn the_universal_binary_is_fat_audited_archived_and_listed() {
    let Some(dir) = built() else { return };
    if !common::require_tool("file", "apt-get install file") {
        return;
    }
    let dist = dir.path().join("dist");
    let manifest = Manifest::read(&dist).unwrap();
    for binary in ["ship", "ship-keygen"] {
        let name = format!("{binary}_darwin_all");
        let out = common::run_ok(Command::new("file").arg(dist.join(&name)));
        assert!(
            out.contains("Mach-O universal binary with 2 architectures"),
            "{out}"
        );
        assert!(out.contains("x86_64") && out.contains("arm64"), "{out}");
        let json = common::run_ok(
            common::gocross()
                .args(["audit", "--json"])
                .arg(dist.join(&name)),
        );
        let report: serde_json::Value = serde_json::from_str(&json).unwrap();
        let report = &report[0];
        assert_eq!(report["format"], "macho-fat", "{report}");
        assert_eq!(report["passed"], true, "{report}");
        let slices: Vec<(&str, &str)> = report["slices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["goarch"].as_str().unwrap(),
                    s["machine"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            slices,
            [("amd64", "CPU_TYPE_X86_64"), ("arm64", "CPU_TYPE_ARM64")]
        );
        // Each slice is the darwin binary, byte for byte, at a 2^14-aligned offset.
        let fat = std::fs::read(dist.join(&name)).unwrap();
        for (slice, arch) in report["slices"]
            .as_array()
            .unwrap()
            .iter()
            .zip(["amd64", "arm64"])
        {
            let offset = slice["offset"].as_u64().unwrap() as usize;
            let size = slice["size"].as_u64().unwrap() as usize;
            assert_eq!(offset % (1 << 14), 0);
            let thin = std::fs::read(dist.join(format!("{binary}_darwin_{arch}"))).unwrap();
            assert!(
                fat[offset..offset + size] == thin[..],
                "{name}: the {arch} slice"
            );
        }
        let artifact = manifest
            .artifacts
            .iter()
            .find(|a| a.name == name)
            .unwrap_or_else(|| panic!("{name} is not in manifest.json"));
        assert_eq!(artifact.target, "darwin/all");
        assert!(artifact.passed());
    }
    let archive = manifest
        .archives
        .iter()
        .find(|a| a.target == "darwin/all")
        .expect("the universal binaries' archive");
    assert_eq!(archive.name, "ship_1.2.3_darwin_all.tar.gz");
    assert_eq!(
        archive.binaries,
        ["ship_darwin_all", "ship-keygen_darwin_all"]
    );
    assert!(checksums(&dist).contains_key(&archive.name));
    let listing = common::run_ok(Command::new("tar").arg("tzf").arg(dist.join(&archive.name)));
    for entry in ["ship", "ship-keygen", "LICENSE"] {
        assert!(
            listing.lines().any(|l| l == entry),
            "{entry} in:\n{listing}"
        );
    }
    // A second build makes them again: they are configured outputs, not stale files.
    common::run_ok(common::gocross().arg("-C").arg(dir.path()).args([
        "build",
        "--version",
        "1.2.3",
    ]));
    let again = Manifest::read(&dist).unwrap();
    let universal: Vec<&str> = again
        .artifacts
        .iter()
        .filter(|a| a.target == "darwin/all")
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(universal, ["ship-keygen_darwin_all", "ship_darwin_all"]);
    let sums = checksums(&dist);
    assert!(
        sums.contains_key("ship_1.2.3_darwin_all.tar.gz"),
        "{sums:?}"
    );
}

#[tokio::test]
async fn the_formula_and_the_manifest_are_pushed_created_updated_and_converge() {
    let Some(dir) = built() else { return };
    if !common::require_tool("ruby", "apt-get install ruby")
        || !common::require_tool("check-jsonschema", "pip install check-jsonschema")
    {
        return;
    }
    let fake = FakeGitHub::start(TOKEN).await;
    fake.state().contents_token = Some(TAP_TOKEN.to_string());
    let (ok, out) = run(&mut release(&fake, dir.path()));
    assert!(ok, "{out}");
    assert!(
        out.contains("homebrew: Formula/ship.rb in octo-org/homebrew-tap: created"),
        "{out}"
    );
    assert!(
        out.contains("scoop: bucket/ship.json in octo-org/scoop-bucket: created"),
        "{out}"
    );
    let dist = dir.path().join("dist");
    let sums = checksums(&dist);
    let assets: Vec<String> = fake.state().releases[0]
        .assets
        .iter()
        .map(|a| a.name.clone())
        .collect();
    let download = format!("https://github.com/{OWNER}/{REPO}/releases/download/{TAG}/");
    let asset_of = |url: &str| -> String {
        let name = url
            .strip_prefix(&download)
            .unwrap_or_else(|| panic!("{url}"));
        let name = name.split('#').next().unwrap().to_string();
        assert!(
            assets.contains(&name),
            "{name} is not an asset of the release"
        );
        name
    };

    // The formula: valid Ruby, and the DSL gets one url/sha256 pair per platform, each a
    // release asset with its checksum.
    let formula = dist.join("homebrew/ship.rb");
    let syntax = common::run_ok(Command::new("ruby").arg("-c").arg(&formula));
    assert!(syntax.contains("Syntax OK"), "{syntax}");
    let evaluated = evaluate_formula(&formula, dir.path());
    let mut platforms = Vec::new();
    for line in evaluated.lines().filter_map(|l| l.strip_prefix("url ")) {
        let [os, cpu, url, sha]: [&str; 4] =
            line.split(' ').collect::<Vec<_>>().try_into().unwrap();
        let name = asset_of(url);
        assert_eq!(sums.get(&name).map(String::as_str), Some(sha), "{name}");
        platforms.push(format!("{os}/{cpu} {name}"));
    }
    assert_eq!(
        platforms,
        [
            "macos/intel ship_1.2.3_darwin_amd64.tar.gz",
            "macos/arm ship_1.2.3_darwin_arm64.tar.gz",
            "linux/intel ship_1.2.3_linux_amd64.tar.gz",
            "linux/arm ship_1.2.3_linux_arm64.tar.gz",
        ]
    );
    assert!(
        evaluated.contains("install ship ship-keygen\n"),
        "{evaluated}"
    );
    assert!(
        evaluated.contains("class Ship version 1.2.3\n"),
        "{evaluated}"
    );
    assert!(evaluated.contains("test true\n"), "{evaluated}");

    // The Scoop manifest: Scoop's schema, and its hashes are the assets' checksums.
    let manifest = dist.join("scoop/ship.json");
    common::run_ok(
        Command::new("check-jsonschema")
            .arg("--schemafile")
            .arg(common::repo().join("tests/fixtures/scoop/schema.json"))
            .arg(&manifest),
    );
    let scoop: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
    assert_eq!(scoop["version"], "1.2.3");
    assert_eq!(
        scoop["bin"],
        serde_json::json!(["ship.exe", "ship-keygen.exe"])
    );
    for (arch, goarch) in [("64bit", "amd64"), ("arm64", "arm64")] {
        let entry = &scoop["architecture"][arch];
        let name = asset_of(entry["url"].as_str().unwrap());
        assert_eq!(name, format!("ship_1.2.3_windows_{goarch}.zip"));
        assert_eq!(entry["hash"].as_str(), sums.get(&name).map(String::as_str));
        assert_eq!(
            scoop["autoupdate"]["architecture"][arch]["url"],
            format!(
                "https://github.com/{OWNER}/{REPO}/releases/download/v$version/ship_$version_windows_{goarch}.zip"
            )
        );
    }

    // The repositories hold exactly the files of dist/.
    let stored = |key: &str| fake.state().contents.get(key).map(|(_, b)| b.clone());
    let tap_file = format!("{TAP}/Formula/ship.rb");
    let bucket_file = format!("{BUCKET}/bucket/ship.json");
    assert_eq!(stored(&tap_file), Some(std::fs::read(&formula).unwrap()));
    assert_eq!(
        stored(&bucket_file),
        Some(std::fs::read(&manifest).unwrap())
    );

    // A re-run reads both files and writes nothing.
    let n = fake.requests().await.len();
    let (ok, out) = run(&mut release(&fake, dir.path()));
    assert!(ok, "{out}");
    let again = fake.requests_since(n).await;
    assert!(
        again
            .iter()
            .any(|r| r == "GET /repos/octo-org/homebrew-tap/contents/Formula/ship.rb"),
        "{again:?}"
    );
    assert!(!again.iter().any(|r| r.starts_with("PUT ")), "{again:?}");
    assert!(
        out.contains("Formula/ship.rb in octo-org/homebrew-tap: unchanged"),
        "{out}"
    );

    // An older formula in the tap is replaced in place, with its sha.
    let old_sha = {
        let mut s = fake.state();
        let entry = s.contents.get_mut(&tap_file).unwrap();
        entry.0 = "0123456789abcdef0123456789abcdef01234567".into();
        entry.1 = b"class Ship < Formula\nend\n".to_vec();
        entry.0.clone()
    };
    let n = fake.requests().await.len();
    let (ok, out) = run(release(&fake, dir.path()).arg("--json"));
    assert!(ok, "{out}");
    assert!(
        out.contains("Formula/ship.rb in octo-org/homebrew-tap: updated"),
        "{out}"
    );
    // `--json` reports each file with what became of it, on stdout (`run` puts stdout first,
    // the progress lines after it).
    let printed: serde_json::Value = serde_json::Deserializer::from_str(&out)
        .into_iter()
        .next()
        .expect("a JSON report first")
        .unwrap();
    assert_eq!(
        printed["channels"],
        serde_json::json!([
            {"section": "homebrew", "repository": "octo-org/homebrew-tap", "path": "Formula/ship.rb", "outcome": "updated"},
            {"section": "scoop", "repository": "octo-org/scoop-bucket", "path": "bucket/ship.json", "outcome": "unchanged"},
        ])
    );
    assert!(
        out.contains("bucket/ship.json in octo-org/scoop-bucket: unchanged"),
        "{out}"
    );
    let puts: Vec<wiremock::Request> = fake
        .raw_requests()
        .await
        .into_iter()
        .skip(n)
        .filter(|r| r.method.as_str() == "PUT")
        .collect();
    assert_eq!(puts.len(), 1, "one PUT, of the formula");
    let body: serde_json::Value = serde_json::from_slice(&puts[0].body).unwrap();
    assert_eq!(body["sha"], old_sha.as_str());
    assert_eq!(body["message"], "ship v1.2.3");
    assert_eq!(
        puts[0].headers.get("authorization").unwrap(),
        &format!("Bearer {TAP_TOKEN}")
    );
    assert_eq!(stored(&tap_file), Some(std::fs::read(&formula).unwrap()));
}

#[tokio::test]
async fn an_unset_token_variable_stops_the_release_before_its_first_request() {
    let Some(dir) = built() else { return };
    let fake = FakeGitHub::start(TOKEN).await;
    let (ok, out) = run(release(&fake, dir.path()).env_remove("SCOOP_BUCKET_TOKEN"));
    assert!(!ok, "{out}");
    assert!(
        out.contains("SCOOP_BUCKET_TOKEN, which is not set")
            && out.contains("env: SCOOP_BUCKET_TOKEN: ${{ secrets.SCOOP_BUCKET_TOKEN }}"),
        "{out}"
    );
    assert_eq!(
        fake.requests().await,
        Vec::<String>::new(),
        "no request was sent"
    );
}

#[tokio::test]
async fn a_tap_that_is_not_owner_slash_name_stops_the_release_before_its_first_request() {
    let Some(dir) = built() else { return };
    let config = dir.path().join("gocross.yaml");
    let text = std::fs::read_to_string(&config).unwrap().replace(
        "repository: octo-org/homebrew-tap",
        "repository: homebrew-tap",
    );
    std::fs::write(&config, text).unwrap();
    let fake = FakeGitHub::start(TOKEN).await;
    let (ok, out) = run(&mut release(&fake, dir.path()));
    assert!(!ok, "{out}");
    assert!(
        out.contains("gocross.yaml:14:15")
            && out.contains("`homebrew-tap` is not a repository: write it `owner/name`"),
        "{out}"
    );
    assert_eq!(
        fake.requests().await,
        Vec::<String>::new(),
        "no request was sent"
    );
}

#[tokio::test]
async fn the_release_job_joins_the_darwin_legs_into_a_universal_binary() {
    if !common::require_tool("go", "install Go from https://go.dev/dl")
        || !common::require_tool("file", "apt-get install file")
    {
        return;
    }
    let module = common::copy_module(&common::example("ship"));
    let config = CONFIG
        .replace(
            "targets: [darwin/amd64, darwin/arm64, linux/amd64, linux/arm64, windows/amd64, windows/arm64]",
            "targets: [darwin/amd64, darwin/arm64]",
        )
        .split("homebrew:")
        .next()
        .unwrap()
        .to_string();
    std::fs::write(module.path().join("gocross.yaml"), config).unwrap();
    // One leg per target, downloaded side by side, as the workflow's release job sees them.
    for arch in ["amd64", "arm64"] {
        common::run_ok(common::gocross().arg("-C").arg(module.path()).args([
            "build",
            "--version",
            "1.2.3",
            "--target",
            &format!("darwin/{arch}"),
            "--dist",
            &format!("legs/gocross-darwin-{arch}"),
        ]));
    }
    let legs = module.path().join("legs");
    assert!(!legs.join("gocross-darwin-amd64/ship_darwin_all").exists());
    let fake = FakeGitHub::start(TOKEN).await;
    let (ok, out) = run(release(&fake, module.path()).args(["--dist", "legs"]));
    assert!(ok, "{out}");
    let fat = legs.join("universal-darwin-all/ship_darwin_all");
    let described = common::run_ok(Command::new("file").arg(&fat));
    assert!(
        described.contains("Mach-O universal binary with 2 architectures"),
        "{described}"
    );
    let sums = checksums(&legs);
    let archive = "ship_1.2.3_darwin_all.tar.gz";
    let s = fake.state();
    let asset = s.releases[0]
        .assets
        .iter()
        .find(|a| a.name == archive)
        .unwrap_or_else(|| panic!("{archive} is not an asset of the release"));
    let sha = sums.get(archive).expect("listed in checksums.txt");
    assert_eq!(&gocross::digest::sha256_hex(&asset.bytes), sha);
}

#[tokio::test]
async fn a_formula_changed_meanwhile_is_an_error_that_a_rerun_resolves() {
    let Some(dir) = built() else { return };
    let fake = FakeGitHub::start(TOKEN).await;
    fake.state().contents_token = Some(TAP_TOKEN.to_string());
    // Another writer moved the file on between gocross's read and its write.
    fake.fault(
        "PUT",
        "/contents/Formula/ship.rb",
        1,
        fake_github::FaultKind::Status {
            status: 409,
            headers: Vec::new(),
            body: serde_json::json!({"message": "Formula/ship.rb does not match"}),
        },
    );
    let (ok, out) = run(&mut release(&fake, dir.path()));
    assert!(!ok, "{out}");
    assert!(
        out.contains("the release is published, but Formula/ship.rb in octo-org/homebrew-tap is not updated; run this again")
            && out.contains("changed while gocross updated it (HTTP 409, a stale sha)"),
        "{out}"
    );
    let (ok, out) = run(&mut release(&fake, dir.path()));
    assert!(ok, "{out}");
    assert!(
        out.contains("Formula/ship.rb in octo-org/homebrew-tap: created"),
        "{out}"
    );
    assert!(
        out.contains("bucket/ship.json in octo-org/scoop-bucket: created"),
        "{out}"
    );
}
