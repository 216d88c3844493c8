//! The composite action's install step, `action/install.sh`, run for real by bash the way a
//! runner runs it (GITHUB_ACTION_PATH, RUNNER_OS, RUNNER_ARCH, RUNNER_TOOL_CACHE, GITHUB_PATH),
//! with a wiremock stand-in for the release download server (GOCROSS_DOWNLOAD_URL) and a PATH
//! that holds only the tools the script needs: no gocross, no cargo. The action is a copy of this
//! repository's action files whose `action/digests.txt` pins what each test says; the release
//! assets are small shell scripts that print `gocross <version>` and, if they are ever run,
//! create a marker file.

#![cfg(unix)]

use crate::common;

use common::{repo, require_tool, run, which};
use sha2::{Digest, Sha256};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The action's own version: what install.sh installs when the `version` input is empty.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What install.sh runs besides bash builtins, with sha256sum (Linux, Windows' Git Bash).
const TOOLS: &[&str] = &[
    "curl",
    "sed",
    "head",
    "awk",
    "cut",
    "mktemp",
    "rm",
    "mkdir",
    "chmod",
    "mv",
    "sha256sum",
];

/// The same with shasum in place of sha256sum, as on macOS.
const TOOLS_SHASUM: &[&str] = &[
    "curl", "sed", "head", "awk", "cut", "mktemp", "rm", "mkdir", "chmod", "mv", "shasum",
];

/// GitHub's RUNNER_OS and RUNNER_ARCH, and the release asset's os, arch and suffix for them.
const PLATFORMS: &[(&str, &str, &str, &str, &str)] = &[
    ("Linux", "X64", "linux", "amd64", ""),
    ("Linux", "ARM64", "linux", "arm64", ""),
    ("macOS", "X64", "darwin", "amd64", ""),
    ("macOS", "ARM64", "darwin", "arm64", ""),
    ("Windows", "X64", "windows", "amd64", ".exe"),
    ("Windows", "ARM64", "windows", "arm64", ".exe"),
];

/// One runner: a temporary directory with the tools directory that is PATH, HOME, TMPDIR, the
/// tool cache, the GITHUB_PATH file, the marker a fake gocross creates when it is run, and the
/// checked-out action (`action/`).
struct Runner {
    dir: TempDir,
    bash: PathBuf,
}

/// What one run of install.sh left.
struct Outcome {
    success: bool,
    stdout: String,
    stderr: String,
    /// The lines install.sh appended to GITHUB_PATH.
    github_path: Vec<String>,
}

impl Outcome {
    /// The `::error` workflow command lines on stdout.
    fn errors(&self) -> Vec<&str> {
        self.stdout
            .lines()
            .filter(|l| l.starts_with("::error"))
            .collect()
    }
}

impl Runner {
    /// A runner whose PATH holds links to `tools` and nothing else; None (outside CI) when one
    /// of them is not installed here.
    fn new(tools: &[&str]) -> Option<Runner> {
        if !require_tool("bash", "apt-get install bash")
            || !tools
                .iter()
                .all(|t| require_tool(t, &format!("apt-get install {}", package_of(t))))
        {
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        for sub in ["tools", "home", "tmp", "toolcache"] {
            std::fs::create_dir(dir.path().join(sub)).unwrap();
        }
        for tool in tools {
            std::os::unix::fs::symlink(which(tool).unwrap(), dir.path().join("tools").join(tool))
                .unwrap();
        }
        copy_action(&dir.path().join("action"));
        let bash = which("bash").unwrap();
        Some(Runner { dir, bash })
    }

    /// The action install.sh runs as.
    fn action(&self) -> PathBuf {
        self.path("action")
    }

    /// Pins the sha256 of `assets` in the runner's action, as the release workflow adds them.
    fn pin(&self, assets: &[(String, Vec<u8>)]) {
        pin(&self.action(), assets);
    }

    fn path(&self, sub: &str) -> PathBuf {
        self.dir.path().join(sub)
    }

    fn tool_cache(&self) -> PathBuf {
        self.path("toolcache")
    }

    fn marker(&self) -> PathBuf {
        self.path("gocross-was-run")
    }

    /// Runs `bash action/install.sh` with the `version` input, on RUNNER_OS/RUNNER_ARCH, with
    /// `extra_path` (a directory with a fake gocross) before the tools on PATH. GITHUB_PATH
    /// starts empty, as it does for every step.
    fn install(
        &self,
        server: &MockServer,
        runner_os: &str,
        runner_arch: &str,
        version: &str,
        extra_path: Option<&Path>,
    ) -> Outcome {
        self.install_from(&server.uri(), runner_os, runner_arch, version, extra_path)
    }

    /// [`Runner::install`] with GOCROSS_DOWNLOAD_URL set to `base`.
    fn install_from(
        &self,
        base: &str,
        runner_os: &str,
        runner_arch: &str,
        version: &str,
        extra_path: Option<&Path>,
    ) -> Outcome {
        self.run_install(
            &self.action(),
            &[("GOCROSS_DOWNLOAD_URL", base)],
            (runner_os, runner_arch),
            version,
            extra_path,
        )
    }

    /// Runs install.sh as the action checked out at `action_path`, with `env` added.
    fn run_install(
        &self,
        action_path: &Path,
        env: &[(&str, &str)],
        (runner_os, runner_arch): (&str, &str),
        version: &str,
        extra_path: Option<&Path>,
    ) -> Outcome {
        let github_path = self.path("github_path");
        std::fs::write(&github_path, "").unwrap();
        let mut path = std::ffi::OsString::new();
        if let Some(extra) = extra_path {
            path.push(extra);
            path.push(":");
        }
        path.push(self.path("tools"));
        let (out, stdout, stderr) = run(Command::new(&self.bash)
            .arg(action_path.join("action/install.sh"))
            .env_clear()
            .env("PATH", path)
            .env("HOME", self.path("home"))
            .env("TMPDIR", self.path("tmp"))
            .env("GITHUB_ACTION_PATH", action_path)
            .env("GITHUB_PATH", &github_path)
            .env("RUNNER_OS", runner_os)
            .env("RUNNER_ARCH", runner_arch)
            .env("RUNNER_TOOL_CACHE", self.tool_cache())
            .env("GOCROSS_RETRY_DELAY", "0")
            .env("INPUT_VERSION", version)
            .envs(env.iter().copied()));
        let github_path = std::fs::read_to_string(&github_path).unwrap();
        Outcome {
            success: out.status.success(),
            stdout,
            stderr,
            github_path: github_path.lines().map(str::to_string).collect(),
        }
    }

    /// Every file under the tool cache, relative to it.
    fn cached_files(&self) -> Vec<String> {
        let mut files = Vec::new();
        let mut dirs = vec![self.tool_cache()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let p = entry.unwrap().path();
                if p.is_dir() {
                    dirs.push(p);
                } else {
                    let rel = p.strip_prefix(self.tool_cache()).unwrap();
                    files.push(rel.display().to_string());
                }
            }
        }
        files.sort();
        files
    }

    /// Asserts that nothing was installed, nothing was run and no download was left behind.
    fn assert_untouched(&self, outcome: &Outcome) {
        assert_eq!(self.cached_files(), Vec::<String>::new(), "tool cache");
        assert!(outcome.github_path.is_empty(), "{:?}", outcome.github_path);
        assert!(!self.marker().exists(), "a downloaded gocross was run");
        assert_eq!(
            std::fs::read_dir(self.path("tmp")).unwrap().count(),
            0,
            "install.sh left its download directory behind"
        );
    }

    /// A fake gocross release asset: prints `gocross <version>`, creates the marker when run,
    /// and names its asset so that every asset's bytes differ.
    fn fake_gocross(&self, version: &str, asset: &str) -> Vec<u8> {
        format!(
            "#!/bin/sh\n# {asset}\n: > '{}'\necho 'gocross {version}'\n",
            self.marker().display()
        )
        .into_bytes()
    }

    /// A directory holding a fake `cargo` for PATH: it writes its arguments, one a line, to
    /// [`Runner::cargo_args`] and `cargo install --root <root>` leaves a fake gocross in
    /// `<root>/bin`, as the real one does (in minutes).
    fn cargo_on_path(&self) -> PathBuf {
        let dir = self.path("bin-cargo");
        std::fs::create_dir(&dir).unwrap();
        let gocross = String::from_utf8(self.fake_gocross(VERSION, "built from source")).unwrap();
        let script = format!(
            "#!/bin/sh\n\
             for a in \"$@\"; do echo \"$a\"; done > '{args}'\n\
             echo \"GOCROSS_SOURCE_COMMIT=${{GOCROSS_SOURCE_COMMIT:-}}\" >> '{args}'\n\
             while [ $# -gt 0 ]; do [ \"$1\" = --root ] && root=$2; shift; done\n\
             mkdir -p \"$root/bin\"\n\
             cat > \"$root/bin/gocross\" <<'EOF'\n{gocross}EOF\n\
             chmod +x \"$root/bin/gocross\"\n",
            args = self.cargo_args().display(),
        );
        let exe = dir.join("cargo");
        std::fs::write(&exe, script).unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        dir
    }

    /// Where the fake `cargo` writes its arguments.
    fn cargo_args(&self) -> PathBuf {
        self.path("cargo-args")
    }

    /// A directory holding a fake `gocross` for PATH that prints `gocross <version>`.
    fn gocross_on_path(&self, version: &str) -> PathBuf {
        let dir = self.path(&format!("bin-{version}"));
        std::fs::create_dir(&dir).unwrap();
        let exe = dir.join("gocross");
        std::fs::write(&exe, self.fake_gocross(version, "gocross")).unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        dir
    }
}

/// What the `gh` stand-in answers to `gh attestation verify`, as the real gh 2.x does.
#[derive(Clone, Copy)]
enum Verdict {
    /// Exit 0: an attestation matches the policy.
    Verified,
    /// Exit 1: attestations exist, none matches the policy (another commit, workflow or runner).
    Fails,
    /// Exit 1: the API holds no attestation for the file's digest.
    NoAttestation,
}

impl Runner {
    /// Writes a `gh` stand-in into `dir` (a PATH directory): it records its arguments, one a
    /// line, then `GH_TOKEN=<token>` and `sha256=<digest of the file it was asked about>` in
    /// [`Runner::gh_calls`] (one block per call), and answers with `verdict`.
    fn gh_in(&self, dir: &Path, verdict: Verdict) {
        std::fs::create_dir_all(dir).unwrap();
        let answer = match verdict {
            Verdict::Verified => {
                "echo 'Loaded 1 attestation from GitHub API' >&2\n\
                                  echo '✓ Verification succeeded!' >&2\nexit 0"
            }
            Verdict::Fails => {
                "echo 'Loaded 1 attestation from GitHub API' >&2\n\
                               echo '✗ Verification failed' >&2\n\
                               echo 'Error: verifying with issuer \"sigstore.dev\": expected SourceRepositoryDigest to be 0123, got 4567' >&2\n\
                               exit 1"
            }
            Verdict::NoAttestation => {
                "echo \"✗ No attestations found for subject sha256:$digest\" >&2\n\
                                       echo 'Error: no attestations found' >&2\nexit 1"
            }
        };
        let script = format!(
            "#!/bin/sh\n\
             digest=$(sha256sum \"$3\" | cut -d ' ' -f 1)\n\
             {{ for a in \"$@\"; do echo \"$a\"; done; echo \"GH_TOKEN=$GH_TOKEN\"; echo \"sha256=$digest\"; echo; }} >> '{calls}'\n\
             {answer}\n",
            calls = self.gh_calls().display(),
        );
        let exe = dir.join("gh");
        std::fs::write(&exe, script).unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    /// Where the `gh` stand-in records its calls.
    fn gh_calls(&self) -> PathBuf {
        self.path("gh-calls")
    }

    /// The calls the `gh` stand-in recorded, each as its lines.
    fn gh_calls_made(&self) -> Vec<Vec<String>> {
        let Ok(text) = std::fs::read_to_string(self.gh_calls()) else {
            return Vec::new();
        };
        text.split("\n\n")
            .filter(|call| !call.is_empty())
            .map(|call| call.lines().map(str::to_string).collect())
            .collect()
    }
}

fn package_of(tool: &str) -> &str {
    match tool {
        "shasum" => "perl",
        "curl" => "curl",
        "awk" => "mawk",
        "sed" => "sed",
        _ => "coreutils",
    }
}

fn asset_name(version: &str, os: &str, arch: &str, exe: &str) -> String {
    format!("gocross_{version}_{os}_{arch}{exe}")
}

fn checksums_name(version: &str) -> String {
    format!("gocross_{version}_checksums.txt")
}

fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// The action's files, as the runner checks them out (no `.git`), copied to `dir`.
fn copy_action(dir: &Path) {
    std::fs::create_dir_all(dir.join("action")).unwrap();
    for file in [
        "action.yml",
        "Cargo.toml",
        "action/install.sh",
        "action/run.sh",
        "action/digests.txt",
    ] {
        std::fs::copy(repo().join(file), dir.join(file)).unwrap();
    }
}

/// Appends the sha256 of `assets` to the action's `action/digests.txt`.
fn pin(action: &Path, assets: &[(String, Vec<u8>)]) {
    let file = action.join("action/digests.txt");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str(&checksums(assets));
    std::fs::write(&file, text).unwrap();
}

/// `<sha256>  <name>` lines sorted by name: a release's checksums file, and the lines of
/// `action/digests.txt`.
fn checksums(assets: &[(String, Vec<u8>)]) -> String {
    let mut lines: Vec<String> = assets
        .iter()
        .map(|(name, bytes)| format!("{}  {name}\n", sha256_hex(bytes)))
        .collect();
    lines.sort_by(|a, b| a[66..].cmp(&b[66..]));
    lines.concat()
}

/// Serves `body` with 200 at `/v<version>/<name>`.
async fn serve(server: &MockServer, version: &str, name: &str, body: impl Into<Vec<u8>>) {
    Mock::given(method("GET"))
        .and(path(format!("/v{version}/{name}")))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(body.into()))
        .mount(server)
        .await;
}

/// Serves a release: its checksums file and the assets; any other path is a 404, as on GitHub.
async fn serve_release(server: &MockServer, version: &str, assets: &[(String, Vec<u8>)]) {
    serve(server, version, &checksums_name(version), checksums(assets)).await;
    for (name, bytes) in assets {
        serve(server, version, name, bytes.clone()).await;
    }
}

/// The requests the mock saw, as `GET /path`, oldest first.
async fn requests(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect()
}

fn get(version: &str, name: &str) -> String {
    format!("GET /v{version}/{name}")
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode()
}

#[tokio::test]
async fn each_runner_os_and_arch_gets_its_own_release_asset() {
    let Some(probe) = Runner::new(TOOLS) else {
        return;
    };
    if !require_tool("shasum", "apt-get install perl") {
        return;
    }
    // One release with every asset, as the release workflow publishes it.
    let assets: Vec<(String, Vec<u8>)> = PLATFORMS
        .iter()
        .map(|(_, _, os, arch, exe)| {
            let name = asset_name(VERSION, os, arch, exe);
            let bytes = probe.fake_gocross(VERSION, &name);
            (name, bytes)
        })
        .collect();
    let server = MockServer::start().await;
    serve_release(&server, VERSION, &assets).await;

    for (i, (runner_os, runner_arch, os, arch, exe)) in PLATFORMS.iter().enumerate() {
        // macOS runners hash with shasum; the others with sha256sum.
        let tools = if *runner_os == "macOS" {
            TOOLS_SHASUM
        } else {
            TOOLS
        };
        let runner = Runner::new(tools).unwrap();
        runner.pin(&assets);
        let before = requests(&server).await.len();
        // The empty `version` input: the action's own version, from its Cargo.toml.
        let outcome = runner.install(&server, runner_os, runner_arch, "", None);
        let what = format!(
            "{runner_os}/{runner_arch}:\n{}\n{}",
            outcome.stdout, outcome.stderr
        );
        assert!(outcome.success, "{what}");

        let name = &assets[i].0;
        assert_eq!(
            requests(&server).await[before..],
            [get(VERSION, name)],
            "{what}: only the asset, never the release's checksums file"
        );
        let bin_dir = runner
            .tool_cache()
            .join(format!("gocross/{VERSION}/{os}-{arch}/bin"));
        let bin = bin_dir.join(format!("gocross{exe}"));
        assert_eq!(
            runner.cached_files(),
            [format!("gocross/{VERSION}/{os}-{arch}/bin/gocross{exe}")],
            "{what}"
        );
        assert_eq!(std::fs::read(&bin).unwrap(), assets[i].1, "{what}");
        assert_eq!(mode(&bin) & 0o111, 0o111, "{what}: not executable");
        assert_eq!(
            outcome.github_path,
            [bin_dir.display().to_string()],
            "{what}"
        );
        assert!(
            outcome
                .stdout
                .contains(&format!("installed {}", bin.display())),
            "{what}"
        );
        // Installing never runs the download (the assets' marker is the probe's); the
        // installed file is the served one, and runs.
        assert!(!probe.marker().exists(), "{what}");
        let version = common::run_ok(Command::new(&bin).arg("--version"));
        assert_eq!(version.trim(), format!("gocross {VERSION}"));
        std::fs::remove_file(probe.marker()).expect("the installed gocross ran");
        assert_eq!(std::fs::read_dir(runner.path("tmp")).unwrap().count(), 0);
    }
}

#[tokio::test]
async fn a_503_is_retried_until_the_asset_arrives() {
    let Some(runner) = Runner::new(TOOLS) else {
        return;
    };
    let version = "1.2.3";
    let name = asset_name(version, "linux", "amd64", "");
    let assets = vec![(name.clone(), runner.fake_gocross(version, &name))];
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v{version}/{name}")))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    serve_release(&server, version, &assets).await;
    runner.pin(&assets);

    // A `v` before the version is allowed.
    let outcome = runner.install(&server, "Linux", "X64", "v1.2.3", None);
    assert!(outcome.success, "{}\n{}", outcome.stdout, outcome.stderr);
    assert_eq!(
        requests(&server).await,
        [
            get(version, &name),
            get(version, &name),
            get(version, &name)
        ]
    );
    let bin = runner
        .tool_cache()
        .join(format!("gocross/{version}/linux-amd64/bin/gocross"));
    assert_eq!(std::fs::read(&bin).unwrap(), assets[0].1);
    assert_eq!(
        outcome.github_path,
        [bin.parent().unwrap().display().to_string()]
    );
}

#[tokio::test]
async fn a_download_unlike_the_pinned_digest_is_deleted_without_running_it() {
    let Some(runner) = Runner::new(TOOLS) else {
        return;
    };
    let name = asset_name(VERSION, "linux", "amd64", "");
    let published = runner.fake_gocross(VERSION, &name);
    let mut tampered = published.clone();
    tampered.extend_from_slice(b"echo tampered\n");
    runner.pin(&[(name.clone(), published.clone())]);
    // The release was replaced, its checksums file with it: the file vouches for the new
    // bytes, the action for the old ones.
    let server = MockServer::start().await;
    serve_release(&server, VERSION, &[(name.clone(), tampered.clone())]).await;

    let outcome = runner.install(&server, "Linux", "X64", "", None);
    assert!(!outcome.success, "{}", outcome.stdout);
    assert_eq!(
        outcome.errors(),
        [format!(
            "::error title=gocross install::digest mismatch for {name}: this action pins {}, the download is {}; the download was deleted and not run",
            sha256_hex(&published),
            sha256_hex(&tampered)
        )]
    );
    assert_eq!(
        requests(&server).await,
        [get(VERSION, &name)],
        "the release's checksums file is never asked"
    );
    runner.assert_untouched(&outcome);
}

#[tokio::test]
async fn a_version_without_a_pinned_digest_is_built_from_source_or_refused() {
    let Some(runner) = Runner::new(TOOLS) else {
        return;
    };
    let cargo = runner.cargo_on_path();
    // A release this action pins nothing for: its own (the release commit cannot list the
    // binaries built from it), or a later one.
    let name = asset_name(VERSION, "linux", "amd64", "");
    let assets = vec![(name.clone(), runner.fake_gocross(VERSION, &name))];
    let server = MockServer::start().await;
    serve_release(&server, VERSION, &assets).await;

    let outcome = runner.install(&server, "Linux", "X64", "", Some(&cargo));
    assert!(outcome.success, "{}\n{}", outcome.stdout, outcome.stderr);
    assert!(
        outcome.stdout.contains(&format!(
            "::notice title=gocross install::this action pins no digest for {name} (action/digests.txt); building it from source"
        )),
        "{}",
        outcome.stdout
    );
    assert_eq!(requests(&server).await, Vec::<String>::new(), "downloaded");
    let args = std::fs::read_to_string(runner.cargo_args()).unwrap();
    assert!(
        args.starts_with(&format!(
            "install\n--locked\n--path\n{}\n",
            runner.action().display()
        )),
        "{args}"
    );
    assert!(!runner.marker().exists(), "the served asset was run");

    // Another version: never built from this source, never downloaded.
    std::fs::remove_file(runner.cargo_args()).unwrap();
    let outcome = runner.install(&server, "Linux", "X64", "9.9.9", Some(&cargo));
    assert!(!outcome.success, "{}", outcome.stdout);
    assert_eq!(
        outcome.errors(),
        [format!(
            "::error title=gocross install::no prebuilt gocross 9.9.9 with a digest pinned in this action for Linux/X64, and this action's source is gocross {VERSION}: set version to {VERSION}, or use the action at a commit after the v9.9.9 release (its action/digests.txt pins that release)"
        )]
    );
    assert_eq!(requests(&server).await, Vec::<String>::new(), "downloaded");
    assert!(!runner.cargo_args().exists(), "built from source");
}

#[tokio::test]
async fn a_version_input_that_is_not_a_version_is_refused_and_not_echoed() {
    let Some(runner) = Runner::new(TOOLS) else {
        return;
    };
    let cargo = runner.cargo_on_path();
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("#!/bin/sh\n"))
        .mount(&server)
        .await;
    for bad in [
        "1.2.3/../../../evil",
        "1.2.3?x=1",
        "1.2.3\n::warning::smuggled",
        "latest",
        "1.2",
        "1.2.3-",
        "v",
        "1.2.3 ",
    ] {
        let outcome = runner.install(&server, "Linux", "X64", bad, Some(&cargo));
        assert!(!outcome.success, "{bad:?}: {}", outcome.stdout);
        assert_eq!(
            outcome.errors(),
            [format!(
                "::error title=gocross install::the 'version' input is not a gocross version: write one such as {VERSION} or v{VERSION}, 'local' for the gocross on PATH, or nothing for this action's own version"
            )],
            "{bad:?}"
        );
        assert!(!outcome.stdout.contains("smuggled"), "{}", outcome.stdout);
        runner.assert_untouched(&outcome);
    }
    assert_eq!(requests(&server).await, Vec::<String>::new());
    assert!(!runner.cargo_args().exists(), "built from source");
}

#[tokio::test]
async fn a_second_run_uses_the_tool_cache_and_downloads_nothing() {
    let Some(runner) = Runner::new(TOOLS) else {
        return;
    };
    let name = asset_name(VERSION, "linux", "arm64", "");
    let assets = vec![(name.clone(), runner.fake_gocross(VERSION, &name))];
    let server = MockServer::start().await;
    serve_release(&server, VERSION, &assets).await;
    runner.pin(&assets);

    let first = runner.install(&server, "Linux", "ARM64", "", None);
    assert!(first.success, "{}\n{}", first.stdout, first.stderr);
    assert_eq!(requests(&server).await.len(), 1);

    let second = runner.install(&server, "Linux", "ARM64", "", None);
    assert!(second.success, "{}\n{}", second.stdout, second.stderr);
    assert!(
        second
            .stdout
            .contains(&format!("gocross {VERSION} found in the tool cache")),
        "{}",
        second.stdout
    );
    assert_eq!(
        requests(&server).await.len(),
        1,
        "the second run downloaded"
    );
    assert_eq!(second.github_path, first.github_path);
    assert_eq!(
        runner.cached_files(),
        [format!("gocross/{VERSION}/linux-arm64/bin/gocross")]
    );
    assert!(!runner.marker().exists());
}

#[tokio::test]
async fn version_local_uses_the_gocross_on_path_or_fails_without_one() {
    let Some(runner) = Runner::new(TOOLS) else {
        return;
    };
    let server = MockServer::start().await;
    let local = runner.gocross_on_path("0.0.0-dev");

    let outcome = runner.install(&server, "Linux", "X64", "local", Some(&local));
    assert!(outcome.success, "{}\n{}", outcome.stdout, outcome.stderr);
    assert!(
        outcome.stdout.contains(&format!(
            "using {} (gocross 0.0.0-dev)",
            local.join("gocross").display()
        )),
        "{}",
        outcome.stdout
    );
    std::fs::remove_file(runner.marker()).expect("the gocross on PATH was asked its version");
    runner.assert_untouched(&outcome);

    let outcome = runner.install(&server, "Linux", "X64", "local", None);
    assert!(!outcome.success, "{}", outcome.stdout);
    assert_eq!(
        outcome.errors(),
        ["::error title=gocross install::version is 'local', but there is no gocross on PATH"]
    );
    runner.assert_untouched(&outcome);
    assert_eq!(requests(&server).await, Vec::<String>::new());
}

#[tokio::test]
async fn a_gocross_of_the_wanted_version_on_path_is_used_and_another_is_not() {
    let Some(runner) = Runner::new(TOOLS) else {
        return;
    };
    let name = asset_name(VERSION, "linux", "amd64", "");
    let assets = vec![(name.clone(), runner.fake_gocross(VERSION, &name))];
    let server = MockServer::start().await;
    serve_release(&server, VERSION, &assets).await;
    runner.pin(&assets);

    let same = runner.gocross_on_path(VERSION);
    let outcome = runner.install(&server, "Linux", "X64", "", Some(&same));
    assert!(outcome.success, "{}\n{}", outcome.stdout, outcome.stderr);
    assert!(
        outcome.stdout.contains(&format!(
            "using {} (gocross {VERSION})",
            same.join("gocross").display()
        )),
        "{}",
        outcome.stdout
    );
    std::fs::remove_file(runner.marker()).expect("the gocross on PATH was asked its version");
    runner.assert_untouched(&outcome);
    assert_eq!(requests(&server).await, Vec::<String>::new());

    let older = runner.gocross_on_path("0.0.1");
    let outcome = runner.install(&server, "Linux", "X64", "", Some(&older));
    assert!(outcome.success, "{}\n{}", outcome.stdout, outcome.stderr);
    assert_eq!(requests(&server).await, [get(VERSION, &name)]);
    assert_eq!(
        runner.cached_files(),
        [format!("gocross/{VERSION}/linux-amd64/bin/gocross")]
    );
}

#[tokio::test]
async fn without_a_prebuilt_asset_or_cargo_the_install_asks_for_rust() {
    let Some(runner) = Runner::new(TOOLS) else {
        return;
    };
    // The action pins a linux/arm64 asset the release does not have: the mock answers 404.
    let name = asset_name(VERSION, "linux", "amd64", "");
    let assets = vec![(name.clone(), runner.fake_gocross(VERSION, &name))];
    let server = MockServer::start().await;
    serve_release(&server, VERSION, &assets).await;
    let arm64 = asset_name(VERSION, "linux", "arm64", "");
    runner.pin(&[(arm64.clone(), b"never published".to_vec())]);

    let outcome = runner.install(&server, "Linux", "ARM64", "", None);
    assert!(!outcome.success, "{}", outcome.stdout);
    assert!(
        outcome.stdout.contains(&format!(
            "::notice title=gocross install::no prebuilt gocross {VERSION} for linux/arm64 at {}/v{VERSION}; building it from source",
            server.uri()
        )),
        "{}",
        outcome.stdout
    );
    assert_eq!(
        outcome.errors(),
        [format!(
            "::error title=gocross install::no prebuilt gocross {VERSION} for Linux/ARM64 and no cargo to build it: install Rust (rustup) first"
        )]
    );
    // A 404 is an answer, not a transient error: asked once.
    assert_eq!(requests(&server).await, [get(VERSION, &arm64)]);
    runner.assert_untouched(&outcome);

    // A runner the release does not cover (32-bit x86) goes to the source build directly.
    let outcome = runner.install(&server, "Linux", "X86", "", None);
    assert!(!outcome.success, "{}", outcome.stdout);
    assert_eq!(
        outcome.errors(),
        [format!(
            "::error title=gocross install::no prebuilt gocross {VERSION} for Linux/X86 and no cargo to build it: install Rust (rustup) first"
        )]
    );
    assert_eq!(requests(&server).await.len(), 1, "nothing to download");
    runner.assert_untouched(&outcome);
}

#[tokio::test]
async fn without_a_prebuilt_asset_cargo_installs_the_actions_own_source() {
    let Some(runner) = Runner::new(TOOLS) else {
        return;
    };
    // The release has no windows/arm64 asset: the mock answers 404 for it.
    let name = asset_name(VERSION, "linux", "amd64", "");
    let assets = vec![(name.clone(), runner.fake_gocross(VERSION, &name))];
    let server = MockServer::start().await;
    serve_release(&server, VERSION, &assets).await;
    let windows = asset_name(VERSION, "windows", "arm64", ".exe");
    runner.pin(&[(windows, b"never published".to_vec())]);
    let cargo = runner.cargo_on_path();

    let outcome = runner.install(&server, "Windows", "ARM64", "", Some(&cargo));
    assert!(outcome.success, "{}\n{}", outcome.stdout, outcome.stderr);
    let root = runner
        .tool_cache()
        .join(format!("gocross/{VERSION}/windows-arm64"));
    assert_eq!(
        std::fs::read_to_string(runner.cargo_args()).unwrap(),
        format!(
            "install\n--locked\n--path\n{}\n--root\n{}\nGOCROSS_SOURCE_COMMIT=\n",
            runner.action().display(),
            root.display()
        )
    );
    assert_eq!(
        outcome.github_path,
        [root.join("bin").display().to_string()]
    );
    assert!(
        outcome
            .stdout
            .contains(&format!("no prebuilt gocross {VERSION} for windows/arm64")),
        "{}",
        outcome.stdout
    );
    // A Windows build from source is gocross.exe; the fake cargo wrote gocross.
    assert_eq!(
        runner.cached_files(),
        [format!("gocross/{VERSION}/windows-arm64/bin/gocross")]
    );
}

#[tokio::test]
async fn a_download_failure_other_than_404_stops_without_building_from_source() {
    let Some(runner) = Runner::new(TOOLS) else {
        return;
    };
    let cargo = runner.cargo_on_path();
    let name = asset_name(VERSION, "linux", "amd64", "");
    runner.pin(&[(name.clone(), runner.fake_gocross(VERSION, &name))]);
    let server = MockServer::start().await;
    let asset_url = format!("{}/v{VERSION}/{name}", server.uri());
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(403))
        .mount(&server)
        .await;

    // 403 (forbidden, rate limited) is not transient for curl: asked once.
    let outcome = runner.install(&server, "Linux", "X64", "", Some(&cargo));
    assert!(!outcome.success, "{}", outcome.stdout);
    assert_eq!(
        outcome.errors(),
        [format!(
            "::error title=gocross install::cannot download {asset_url} (HTTP 403): re-run the job, or set GOCROSS_DOWNLOAD_URL to a reachable mirror"
        )]
    );
    assert!(outcome.stderr.contains("403"), "{}", outcome.stderr);
    assert_eq!(requests(&server).await, [get(VERSION, &name)]);
    assert!(!runner.cargo_args().exists(), "built from source");
    runner.assert_untouched(&outcome);

    // Nothing listening at all.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let outcome = runner.install_from(&base, "Linux", "X64", "", Some(&cargo));
    assert!(!outcome.success, "{}", outcome.stdout);
    assert_eq!(
        outcome.errors(),
        [format!(
            "::error title=gocross install::cannot download {base}/v{VERSION}/{name} (no answer from the server): re-run the job, or set GOCROSS_DOWNLOAD_URL to a reachable mirror"
        )]
    );
    assert!(!runner.cargo_args().exists(), "built from source");
    runner.assert_untouched(&outcome);
}

/// The action as the runner checks it out for `uses: gocross/gocross@<commit>`: its files
/// (no `.git`) under `_actions/<owner>/<repo>/<commit>/`.
fn checked_out_action(runner: &Runner, commit: &str) -> PathBuf {
    let dir = runner.path("_actions/gocross/gocross").join(commit);
    copy_action(&dir);
    dir
}

#[tokio::test]
async fn the_action_finds_its_repository_version_and_commit_in_its_own_files() {
    let Some(runner) = Runner::new(TOOLS) else {
        return;
    };
    let commit = "0123456789abcdef0123456789abcdef01234567";
    let action = checked_out_action(&runner, commit);
    let name = asset_name(VERSION, "linux", "amd64", "");
    pin(&action, &[(name.clone(), b"never published".to_vec())]);
    let cargo = runner.cargo_on_path();
    // Downloads go to the repository named in Cargo.toml, on the runner's GitHub server.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let outcome = runner.run_install(
        &action,
        &[("GITHUB_SERVER_URL", &server.uri())],
        ("Linux", "X64"),
        "",
        Some(&cargo),
    );
    assert!(outcome.success, "{}\n{}", outcome.stdout, outcome.stderr);
    let asked: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.path().to_string())
        .collect();
    assert_eq!(
        asked,
        [format!(
            "/gocross/gocross/releases/download/v{VERSION}/{name}"
        )]
    );
    // No asset: built from the action's own source, which names its commit to the build.
    let args = std::fs::read_to_string(runner.cargo_args()).unwrap();
    assert!(
        args.contains(&format!("--path\n{}\n", action.display())),
        "{args}"
    );
    assert!(
        args.ends_with(&format!("GOCROSS_SOURCE_COMMIT={commit}\n")),
        "{args}"
    );

    // Another version than the source's: never built from this source.
    std::fs::remove_file(runner.cargo_args()).unwrap();
    let outcome = runner.run_install(
        &action,
        &[("GITHUB_SERVER_URL", &server.uri())],
        ("Linux", "ARM64"),
        "9.9.9",
        Some(&cargo),
    );
    assert!(!outcome.success, "{}", outcome.stdout);
    assert_eq!(
        outcome.errors(),
        [format!(
            "::error title=gocross install::no prebuilt gocross 9.9.9 with a digest pinned in this action for Linux/ARM64, and this action's source is gocross {VERSION}: set version to {VERSION}, or use the action at a commit after the v9.9.9 release (its action/digests.txt pins that release)"
        )]
    );
    assert!(!runner.cargo_args().exists(), "built from source");
}

const COMMIT: &str = "89abcdef0123456789abcdef0123456789abcdef";
const GH_TOKEN: &str = "ghs_installtoken";

/// The arguments install.sh must give `gh` for a download without a pinned digest: the
/// release workflow of the action's repository built it from the action's own commit, on a
/// GitHub-hosted runner; then the token and the digest of the file gh was asked about.
fn strict_gh_call(file: &str, bytes: &[u8]) -> Vec<String> {
    [
        "attestation",
        "verify",
        file,
        "--repo",
        "gocross/gocross",
        "--source-digest",
        COMMIT,
        "--signer-workflow",
        "gocross/gocross/.github/workflows/release.yml",
        "--deny-self-hosted-runners",
    ]
    .iter()
    .map(|a| a.to_string())
    .chain([
        format!("GH_TOKEN={GH_TOKEN}"),
        format!("sha256={}", sha256_hex(bytes)),
    ])
    .collect()
}

/// Runs install.sh as the action checked out at [`COMMIT`], downloading from `server`, with
/// the token action.yml passes and `path` before the tools.
fn install_at_commit(
    runner: &Runner,
    action: &Path,
    server: &MockServer,
    version: &str,
    inputs: &[(&str, &str)],
    path: Option<&Path>,
) -> Outcome {
    let uri = server.uri();
    let mut env = vec![
        ("GOCROSS_DOWNLOAD_URL", uri.as_str()),
        ("GH_TOKEN", GH_TOKEN),
    ];
    env.extend_from_slice(inputs);
    runner.run_install(action, &env, ("Linux", "X64"), version, path)
}

/// The action checked out at [`COMMIT`] with no digest pinned, the release of [`VERSION`]
/// served by `server`, and a `bin` directory holding a `gh` that answers with its verdict and
/// the only `cargo`.
struct Unpinned {
    runner: Runner,
    action: PathBuf,
    name: String,
    bytes: Vec<u8>,
    server: MockServer,
    bin: PathBuf,
}

/// Sets up an [`Unpinned`] install whose `gh` answers `verdict`; `None` where the tools are
/// missing outside CI (as [`Runner::new`]).
async fn unpinned_release(verdict: Verdict) -> Option<Unpinned> {
    let runner = Runner::new(TOOLS)?;
    let action = checked_out_action(&runner, COMMIT);
    let name = asset_name(VERSION, "linux", "amd64", "");
    let bytes = runner.fake_gocross(VERSION, &name);
    let server = MockServer::start().await;
    serve_release(&server, VERSION, &[(name.clone(), bytes.clone())]).await;
    let bin = runner.path("bin");
    runner.gh_in(&bin, verdict);
    let cargo = runner.cargo_on_path();
    std::fs::rename(cargo.join("cargo"), bin.join("cargo")).unwrap();
    Some(Unpinned {
        runner,
        action,
        name,
        bytes,
        server,
        bin,
    })
}

#[tokio::test]
async fn an_unpinned_release_of_the_actions_commit_is_installed_when_gh_verifies_its_provenance() {
    let Some(Unpinned {
        runner,
        action,
        name,
        bytes,
        server,
        bin,
    }) = unpinned_release(Verdict::Verified).await
    else {
        return;
    };

    let outcome = install_at_commit(&runner, &action, &server, "", &[], Some(&bin));
    assert!(outcome.success, "{}\n{}", outcome.stdout, outcome.stderr);
    let calls = runner.gh_calls_made();
    assert_eq!(calls.len(), 1, "{calls:?}");
    let file = &calls[0][2];
    assert!(
        file.starts_with(&runner.path("tmp").display().to_string()) && file.ends_with(&name),
        "{file}"
    );
    assert_eq!(calls[0], strict_gh_call(file, &bytes));
    assert_eq!(requests(&server).await, [get(VERSION, &name)]);
    let bin_dir = runner
        .tool_cache()
        .join(format!("gocross/{VERSION}/linux-amd64/bin"));
    assert_eq!(std::fs::read(bin_dir.join("gocross")).unwrap(), bytes);
    assert_eq!(outcome.github_path, [bin_dir.display().to_string()]);
    assert!(!runner.cargo_args().exists(), "built from source");
    assert!(!runner.marker().exists(), "run before it was installed");
    assert_eq!(std::fs::read_dir(runner.path("tmp")).unwrap().count(), 0);
}

#[tokio::test]
async fn a_download_gh_rejects_is_deleted_never_run_and_never_replaced_by_a_source_build() {
    let Some(Unpinned {
        runner,
        action,
        name,
        bytes,
        server,
        bin,
    }) = unpinned_release(Verdict::Fails).await
    else {
        return;
    };

    let outcome = install_at_commit(&runner, &action, &server, "", &[], Some(&bin));
    assert!(!outcome.success, "{}", outcome.stdout);
    assert_eq!(
        outcome.errors(),
        [format!(
            "::error title=gocross install::{name} has no valid build provenance attestation that gocross/gocross/.github/workflows/release.yml built it from gocross/gocross@{COMMIT} on a GitHub-hosted runner; the download was deleted and not run"
        )]
    );
    // gh's own reason is in the log.
    assert!(
        outcome.stdout.contains("expected SourceRepositoryDigest"),
        "{}",
        outcome.stdout
    );
    let calls = runner.gh_calls_made();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0], strict_gh_call(&calls[0][2], &bytes));
    assert!(!Path::new(&calls[0][2]).exists(), "the download was kept");
    assert!(!runner.cargo_args().exists(), "built from source");
    runner.assert_untouched(&outcome);
}

#[tokio::test]
async fn without_gh_or_an_attestation_the_actions_own_source_is_built() {
    let Some(runner) = Runner::new(TOOLS) else {
        return;
    };
    let action = checked_out_action(&runner, COMMIT);
    let name = asset_name(VERSION, "linux", "amd64", "");
    let bytes = runner.fake_gocross(VERSION, &name);
    let server = MockServer::start().await;
    serve_release(&server, VERSION, &[(name.clone(), bytes.clone())]).await;
    let cargo = runner.cargo_on_path();
    let source_build = format!(
        "install\n--locked\n--path\n{}\n--root\n{}\nGOCROSS_SOURCE_COMMIT={COMMIT}\n",
        action.display(),
        runner
            .tool_cache()
            .join(format!("gocross/{VERSION}/linux-amd64"))
            .display()
    );

    // No gh: nothing is downloaded that could not be checked.
    let outcome = install_at_commit(&runner, &action, &server, "", &[], Some(&cargo));
    assert!(outcome.success, "{}\n{}", outcome.stdout, outcome.stderr);
    assert!(
        outcome.stdout.contains(&format!(
            "::notice title=gocross install::this action pins no digest for {name} (action/digests.txt) and there is no gh (GitHub CLI) on PATH to check its build provenance; building it from source"
        )),
        "{}",
        outcome.stdout
    );
    assert_eq!(requests(&server).await, Vec::<String>::new());
    assert_eq!(
        std::fs::read_to_string(runner.cargo_args()).unwrap(),
        source_build
    );

    // gh finds no attestation for the download (a release made elsewhere): the download is
    // deleted unrun and the source is built.
    std::fs::remove_dir_all(runner.tool_cache().join("gocross")).unwrap();
    std::fs::remove_file(runner.cargo_args()).unwrap();
    runner.gh_in(&cargo, Verdict::NoAttestation);
    let outcome = install_at_commit(&runner, &action, &server, "", &[], Some(&cargo));
    assert!(outcome.success, "{}\n{}", outcome.stdout, outcome.stderr);
    assert!(
        outcome.stdout.contains(&format!(
            "::notice title=gocross install::{name} has no build provenance attestation in gocross/gocross; building it from source"
        )),
        "{}",
        outcome.stdout
    );
    let calls = runner.gh_calls_made();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0], strict_gh_call(&calls[0][2], &bytes));
    assert!(!Path::new(&calls[0][2]).exists(), "the download was kept");
    assert_eq!(requests(&server).await, [get(VERSION, &name)]);
    assert_eq!(
        std::fs::read_to_string(runner.cargo_args()).unwrap(),
        source_build
    );
    // The tool cache holds the source build (the fake cargo's), never the download.
    let installed = runner
        .tool_cache()
        .join(format!("gocross/{VERSION}/linux-amd64/bin/gocross"));
    assert_ne!(std::fs::read(&installed).unwrap(), bytes);
    assert!(!runner.marker().exists(), "a gocross was run");
    assert_eq!(std::fs::read_dir(runner.path("tmp")).unwrap().count(), 0);

    // Another version than the action's source: its attestation could not name this commit,
    // so gh is not asked and nothing is downloaded or built.
    std::fs::remove_file(runner.cargo_args()).unwrap();
    std::fs::remove_file(runner.gh_calls()).unwrap();
    let outcome = install_at_commit(&runner, &action, &server, "9.9.9", &[], Some(&cargo));
    assert!(!outcome.success, "{}", outcome.stdout);
    assert_eq!(outcome.errors().len(), 1, "{}", outcome.stdout);
    assert!(
        outcome.errors()[0].contains("this action's source is gocross"),
        "{}",
        outcome.stdout
    );
    assert_eq!(runner.gh_calls_made(), Vec::<Vec<String>>::new());
    assert_eq!(requests(&server).await, [get(VERSION, &name)]);
    assert!(!runner.cargo_args().exists(), "built from source");
}

#[tokio::test]
async fn a_pinned_digest_wins_without_asking_gh_unless_verify_attestation_is_set() {
    let Some(runner) = Runner::new(TOOLS) else {
        return;
    };
    let action = checked_out_action(&runner, COMMIT);
    let name = asset_name(VERSION, "linux", "amd64", "");
    let bytes = runner.fake_gocross(VERSION, &name);
    let assets = vec![(name.clone(), bytes.clone())];
    pin(&action, &assets);
    let server = MockServer::start().await;
    serve_release(&server, VERSION, &assets).await;
    let bin = runner.path("bin");
    runner.gh_in(&bin, Verdict::Fails);

    let outcome = install_at_commit(&runner, &action, &server, "", &[], Some(&bin));
    assert!(outcome.success, "{}\n{}", outcome.stdout, outcome.stderr);
    assert_eq!(runner.gh_calls_made(), Vec::<Vec<String>>::new());
    let installed = runner
        .tool_cache()
        .join(format!("gocross/{VERSION}/linux-amd64/bin/gocross"));
    assert_eq!(std::fs::read(&installed).unwrap(), bytes);

    // verify-attestation: true asks gh on top of the digest, for the release workflow and a
    // GitHub-hosted runner; the release commit is not this one, so no source digest.
    std::fs::remove_dir_all(runner.tool_cache().join("gocross")).unwrap();
    let verify = [("INPUT_VERIFY_ATTESTATION", "true")];
    let outcome = install_at_commit(&runner, &action, &server, "", &verify, Some(&bin));
    assert!(!outcome.success, "{}", outcome.stdout);
    assert_eq!(
        outcome.errors(),
        [format!(
            "::error title=gocross install::{name} has no valid build provenance attestation from gocross/gocross/.github/workflows/release.yml; the download was deleted and not run"
        )]
    );
    let calls = runner.gh_calls_made();
    assert_eq!(calls.len(), 1, "{calls:?}");
    let file = calls[0][2].clone();
    assert_eq!(
        calls[0],
        [
            "attestation",
            "verify",
            &file,
            "--repo",
            "gocross/gocross",
            "--signer-workflow",
            "gocross/gocross/.github/workflows/release.yml",
            "--deny-self-hosted-runners",
            &format!("GH_TOKEN={GH_TOKEN}"),
            &format!("sha256={}", sha256_hex(&bytes)),
        ]
    );
    runner.assert_untouched(&outcome);
}
