//! gocross probed as an attacker and an unlucky user would probe it: one test per property
//! that must hold, each running the real binary. dist/ trees and manifests are hostile input
//! to the release (a leg uploaded them); the GitHub API is the test's stand-in.

use crate::common;
use crate::fake_github;

use fake_github::{FakeGitHub, OWNER, REPO};
use gocross::manifest::{CHECKSUMS_FILE, Manifest};
use std::path::Path;
use std::process::Command;

const TOKEN: &str = "ghs_Hardening0Token1Never2Leaves3";

/// A copy of a module whose dist/ `gocross build --version 1.0.0` wrote for linux/amd64 and
/// linux/arm64 with SBOMs (built once per test run in target/test-builds).
fn built() -> Option<tempfile::TempDir> {
    if !common::require_tool("go", "install Go") {
        return None;
    }
    Some(common::built_copy(
        "hardening-dist",
        "hello",
        Some(
            "version: 1\nproject: hello\ntargets: [linux/amd64, linux/arm64]\nrelease:\n  sbom: true\n",
        ),
        &["--version", "1.0.0", "--no-verify"],
    ))
}

/// `gocross release --tag v1.0.0` in `dir` against the fake; (success, all output).
fn release(fake: &FakeGitHub, dir: &Path) -> (bool, String) {
    let (out, stdout, stderr) = common::run(
        common::gocross()
            .current_dir(dir)
            .args(["release", "--tag", "v1.0.0"])
            .env("GITHUB_TOKEN", TOKEN)
            .env("GITHUB_REPOSITORY", format!("{OWNER}/{REPO}"))
            .env("GITHUB_API_URL", fake.url())
            .env("GOCROSS_MAX_SLEEP", "0"),
    );
    let all = format!("{stdout}{stderr}");
    assert!(!all.contains(TOKEN), "the token leaked:\n{all}");
    (out.status.success(), all)
}

/// Rewrites dist/manifest.json (and checksums.txt to match it, as an attacker who controls
/// the leg's upload would).
fn tamper(dist: &Path, change: impl FnOnce(&mut Manifest)) {
    let mut m = Manifest::read(dist).unwrap();
    change(&mut m);
    m.write(dist).unwrap();
    std::fs::write(dist.join(CHECKSUMS_FILE), m.checksums()).unwrap();
}

fn sha256_of(path: &Path) -> (u64, String) {
    gocross::digest::sha256_file(path).unwrap()
}

/// Item 1: every file the release reads resolves inside dist/ without following symlinks,
/// and anything else is refused before the first request.
#[tokio::test]
async fn the_release_reads_only_files_inside_dist() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret");
    std::fs::write(&secret, "a file outside dist/\n").unwrap();
    let (size, sha) = sha256_of(&secret);
    type Attack = fn(&Path, &Path) -> String;
    let attacks: [(&str, Attack, &str); 3] = [
        (
            "an absolute path",
            |_, secret| secret.display().to_string(),
            "is not a path inside dist/",
        ),
        (
            "a symlinked directory",
            |dist, secret| {
                std::os::unix::fs::symlink(secret.parent().unwrap(), dist.join("leg")).unwrap();
                "leg/secret".into()
            },
            "a directory on its path is a symbolic link",
        ),
        (
            "a symlinked binary",
            |dist, secret| {
                std::fs::remove_file(dist.join("hello_linux_amd64")).unwrap();
                std::os::unix::fs::symlink(secret, dist.join("hello_linux_amd64")).unwrap();
                "hello_linux_amd64".into()
            },
            "the file is a symbolic link",
        ),
    ];
    for (what, attack, refusal) in attacks {
        let Some(dir) = built() else { return };
        let dist = dir.path().join("dist");
        let path = attack(&dist, &secret);
        tamper(&dist, |m| {
            let a = m
                .artifacts
                .iter_mut()
                .find(|a| a.name == "hello_linux_amd64")
                .unwrap();
            (a.path, a.size, a.sha256) = (path, size, sha.clone());
        });
        let fake = FakeGitHub::start(TOKEN).await;
        let (ok, out) = release(&fake, dir.path());
        assert!(!ok, "{what}: released\n{out}");
        assert!(out.contains(refusal), "{what}:\n{out}");
        assert!(
            fake.requests().await.is_empty(),
            "{what}: a request was sent"
        );
    }
}

/// Item 2: an SBOM carries a recorded digest and the same checks as a binary.
#[tokio::test]
async fn sboms_are_checked_like_binaries() {
    // Edited after the build.
    let Some(dir) = built() else { return };
    let sbom = dir.path().join("dist/hello_linux_amd64.cdx.json");
    let mut text = std::fs::read_to_string(&sbom).unwrap();
    text.push(' ');
    std::fs::write(&sbom, text).unwrap();
    let fake = FakeGitHub::start(TOKEN).await;
    let (ok, out) = release(&fake, dir.path());
    assert!(
        !ok && out.contains("hello_linux_amd64.cdx.json: changed since the build"),
        "{out}"
    );
    assert!(fake.requests().await.is_empty());

    // Replaced by a link to gocross's own environment, which holds the token.
    let Some(dir) = built() else { return };
    let sbom = dir.path().join("dist/hello_linux_amd64.cdx.json");
    std::fs::remove_file(&sbom).unwrap();
    std::os::unix::fs::symlink("/proc/self/environ", &sbom).unwrap();
    let fake = FakeGitHub::start(TOKEN).await;
    let (ok, out) = release(&fake, dir.path());
    assert!(!ok && out.contains("the file is a symbolic link"), "{out}");
    assert!(fake.requests().await.is_empty());
    assert!(fake.state().releases.is_empty());

    // Untouched, the SBOMs are released and listed in checksums.txt.
    let Some(dir) = built() else { return };
    let fake = FakeGitHub::start(TOKEN).await;
    let (ok, out) = release(&fake, dir.path());
    assert!(ok, "{out}");
    let checksums = std::fs::read_to_string(dir.path().join("dist").join(CHECKSUMS_FILE)).unwrap();
    assert!(
        checksums.contains("  hello_linux_amd64.cdx.json\n"),
        "{checksums}"
    );
    let s = fake.state();
    let names: Vec<&str> = s.releases[0]
        .assets
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert!(names.contains(&"hello_linux_arm64.cdx.json"), "{names:?}");
}

/// Item 6: an API answer that echoes the token in another form (upper case, base64 as in a
/// Basic header, split by zero-width characters) never reaches the output.
#[tokio::test]
async fn the_token_stays_secret_in_every_form() {
    use base64::Engine as _;
    let Some(dir) = built() else { return };
    let b64 = base64::engine::general_purpose::STANDARD;
    let split: String = TOKEN.chars().map(|c| format!("{c}\u{200B}")).collect();
    let forms = [
        TOKEN.to_uppercase(),
        b64.encode(format!("x-access-token:{TOKEN}")),
        b64.encode(TOKEN),
        split,
    ];
    let fake = FakeGitHub::start(TOKEN).await;
    fake.fault(
        "GET",
        &format!("/repos/{OWNER}/{REPO}"),
        1,
        fake_github::FaultKind::Status {
            status: 404,
            headers: vec![],
            body: serde_json::json!({"message": format!("Not Found: {}", forms.join(" | "))}),
        },
    );
    let (ok, out) = release(&fake, dir.path());
    assert!(!ok, "{out}");
    assert!(out.contains("Not Found: ***"), "{out}");
    let visible: String = out.chars().filter(|c| *c != '\u{200B}').collect();
    assert!(
        !visible.to_lowercase().contains(&TOKEN.to_lowercase()),
        "{out}"
    );
    for form in &forms[1..3] {
        // The characters that encode the token's bytes alone (the padding may differ).
        let core = &form[form.len() / 4..form.len() * 3 / 4];
        assert!(!out.contains(core), "a base64 form leaked:\n{out}");
    }
}

/// Item 11: a line break in an action input is refused, never cut; a value from a hostile
/// manifest cannot start a workflow command in the job log.
#[tokio::test]
async fn output_cannot_smuggle_workflow_commands() {
    // The action's run step, with a gocross on PATH that records that it ran.
    let scratch = tempfile::tempdir().unwrap();
    let ran = scratch.path().join("ran");
    let fake_gocross = scratch.path().join("gocross");
    std::fs::write(
        &fake_gocross,
        format!("#!/bin/sh\n: > '{}'\n", ran.display()),
    )
    .unwrap();
    common::run_ok(Command::new("chmod").arg("+x").arg(&fake_gocross));
    for input in [
        "INPUT_ARGS",
        "INPUT_TARGET",
        "INPUT_COMMAND",
        "INPUT_CONFIG",
    ] {
        let (out, stdout, _) = common::run(
            Command::new("bash")
                .arg(common::repo().join("action/run.sh"))
                .env(
                    "PATH",
                    format!("{}:/usr/bin:/bin", scratch.path().display()),
                )
                .env(input, "build\n::warning::smuggled"),
        );
        assert_eq!(out.status.code(), Some(1), "{input}: {stdout}");
        assert!(stdout.contains("input holds a line break"), "{stdout}");
        assert!(
            !stdout.lines().any(|l| l.starts_with("::warning")),
            "{stdout}"
        );
        assert!(!ran.exists(), "{input}: gocross ran with a cut input");
    }

    // A manifest whose names carry a line break and a command, released under Actions.
    let Some(dir) = built() else { return };
    let dist = dir.path().join("dist");
    tamper(&dist, |m| {
        m.artifacts[0].target = "linux/amd64\n::warning::smuggled".into();
        m.artifacts[0].name = "x\n::error::smuggled".into();
    });
    let fake = FakeGitHub::start(TOKEN).await;
    let (out, stdout, stderr) = common::run(
        common::gocross()
            .current_dir(dir.path())
            .args(["release", "--tag", "v1.0.0"])
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_TOKEN", TOKEN)
            .env("GITHUB_REPOSITORY", format!("{OWNER}/{REPO}"))
            .env("GITHUB_API_URL", fake.url()),
    );
    assert!(!out.status.success());
    assert!(stderr.contains("smuggled"), "the value is shown: {stderr}");
    for line in stdout.lines().chain(stderr.lines()) {
        let line = line.trim_start();
        assert!(
            !(line.starts_with("::warning") || line.starts_with("::error::smuggled")),
            "a smuggled command: {line}"
        );
    }
}

/// Item 13: `ci generate` never replaces a workflow that gocross did not write, unless
/// `--force`.
#[test]
fn ci_generate_keeps_a_hand_written_workflow() {
    let repo = common::copy_module(&common::example("hello"));
    std::fs::create_dir_all(repo.path().join(".git")).unwrap();
    let workflow = repo.path().join(".github/workflows/release.yml");
    std::fs::create_dir_all(workflow.parent().unwrap()).unwrap();
    let hand_written = "name: release\non: push\njobs: {}\n";
    std::fs::write(&workflow, hand_written).unwrap();
    let mut config = std::fs::read_to_string(repo.path().join("gocross.yaml")).unwrap();
    config.push_str("ci:\n  workflow: .github/workflows/release.yml\n");
    std::fs::write(
        repo.path().join("gocross.yaml"),
        common::pin_action(&config),
    )
    .unwrap();
    let generate = |extra: &[&str]| {
        common::run(
            common::gocross()
                .arg("-C")
                .arg(repo.path())
                .args(["ci", "generate"])
                .args(extra),
        )
    };
    let (out, _, stderr) = generate(&[]);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("was not written by gocross"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&workflow).unwrap(), hand_written);
    let (out, _, stderr) = generate(&["--force"]);
    assert!(out.status.success(), "{stderr}");
    assert!(
        std::fs::read_to_string(&workflow)
            .unwrap()
            .starts_with("# Generated by gocross")
    );
    // A file gocross wrote is simply written again.
    let (out, _, stderr) = generate(&[]);
    assert!(out.status.success(), "{stderr}");
}

/// A copy of examples/hello with this gocross.yaml, in a repository.
fn module_with(config: &str) -> tempfile::TempDir {
    let dir = common::copy_module(&common::example("hello"));
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join("gocross.yaml"), config).unwrap();
    dir
}

/// Item 7: durations from a config or a flag are bounded; none panics gocross.
#[test]
fn huge_timeouts_are_refused_not_panicked_on() {
    let binary = common::go_fixture(&common::example("hello"), &[], &[], "hello");
    let (out, _, stderr) = common::run(
        common::gocross()
            .args([
                "verify",
                "--target",
                "linux/amd64",
                "--timeout",
                "18446744073709551615",
            ])
            .arg(&binary),
    );
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("more than 21600"), "{stderr}");
    let dir = module_with("version: 1\nverify:\n  timeout: 18446744073709551615\n");
    let (out, _, stderr) = common::run(common::gocross().arg("-C").arg(dir.path()).arg("plan"));
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("gocross.yaml:3:12: key `verify.timeout`"),
        "{stderr}"
    );
}

/// Item 9: `main:` and `flags:` cannot make `go build` run a program or write outside dist/.
#[test]
fn main_and_flags_cannot_run_or_write_anything() {
    let scratch = tempfile::tempdir().unwrap();
    let marker = scratch.path().join("ran");
    let script = scratch.path().join("x.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\n: > '{}'\nexec \"$@\"\n", marker.display()),
    )
    .unwrap();
    common::run_ok(Command::new("chmod").arg("+x").arg(&script));
    let outside = scratch.path().join("written");
    for config in [
        format!(
            "version: 1\nproject: hello\nmain: \"-toolexec={}\"\n",
            script.display()
        ),
        format!("version: 1\nflags: [-o, \"{}\"]\n", outside.display()),
        format!("version: 1\nflags: [\"-toolexec={}\"]\n", script.display()),
        "version: 1\nflags: [-C, /]\n".to_string(),
    ] {
        let dir = module_with(&config);
        let (out, _, stderr) = common::run(common::gocross().arg("-C").arg(dir.path()).args([
            "build",
            "--target",
            "linux/amd64",
            "--no-verify",
        ]));
        assert_eq!(out.status.code(), Some(1), "{config}\n{stderr}");
        assert!(
            stderr.contains("gocross.yaml:"),
            "a positioned refusal: {stderr}"
        );
        assert!(!marker.exists(), "{config}: the script ran");
        assert!(!outside.exists(), "{config}: go build wrote outside dist/");
    }
}

/// Item 10: hostile step and name values are refused with their place; what gocross accepts
/// renders a workflow that zizmor (pedantic) and actionlint pass.
#[test]
fn hostile_ci_values_are_refused_and_accepted_ones_pass_the_checkers() {
    let pin = "0123456789abcdef0123456789abcdef01234567";
    let hostile = [
        format!(
            "ci:\n  steps_after_build:\n    - uses: actions/github-script@{pin}\n      with:\n        script: console.log('${{{{ github.event.pull_request.title }}}}')\n"
        ),
        format!(
            "ci:\n  steps_after_build:\n    - uses: docker://alpine@sha256:{pin}\n      with:\n        args: ${{{{ github.head_ref }}}}\n"
        ),
        "ci:\n  steps_after_build:\n    - run: make\n      shell: ${{ github.head_ref }}\n"
            .to_string(),
        "ci:\n  steps_after_build:\n    - Run: make\n".to_string(),
        "ci:\n  steps_after_build:\n    - {run: make, '<<': {shell: bash}}\n".to_string(),
        "ci:\n  steps_after_build:\n    - {run: make, \"k\\ney\": x}\n".to_string(),
        "ci:\n  branches: ['main branch']\n".to_string(),
        "ci:\n  tags: [\"v*\\n  - other\"]\n".to_string(),
        "ci:\n  runners:\n    linux/amd64: 'ubuntu-24.04\\nx'\n".to_string(),
        format!("ci:\n  action: ${{{{ vars.X }}}}/gocross@{pin}\n"),
    ];
    for section in &hostile {
        let dir = module_with(&format!("version: 1\ntargets: [linux/amd64]\n{section}"));
        let (out, _, stderr) = common::run(
            common::gocross()
                .arg("-C")
                .arg(dir.path())
                .args(["ci", "generate"]),
        );
        assert_eq!(out.status.code(), Some(1), "accepted:\n{section}");
        assert!(
            stderr.starts_with("error: ") && stderr.contains("gocross.yaml:"),
            "{section}\n{stderr}"
        );
    }
    // Expressions where GitHub does not paste them into code are fine.
    let accepted = "ci:\n  steps_after_build:\n    - name: Tell\n      if: ${{ github.event_name == 'push' }}\n      shell: bash\n      env:\n        TITLE: ${{ github.event.pull_request.title }}\n      run: echo \"$TITLE\"\n  env:\n    GOPRIVATE: ${{ vars.GOPRIVATE }}\n";
    let dir = module_with(&common::pin_action(&format!(
        "version: 1\ntargets: [linux/amd64]\n{accepted}"
    )));
    common::run_ok(
        common::gocross()
            .arg("-C")
            .arg(dir.path())
            .args(["ci", "generate"]),
    );
    let workflow = dir.path().join(".github/workflows/gocross.yml");
    if common::require_tool("zizmor", "pip install zizmor") {
        let (out, stdout, stderr) = common::run(
            Command::new("zizmor")
                .args(["--offline", "--persona=pedantic", "--no-progress"])
                .arg(&workflow),
        );
        assert!(
            out.status.success() && stdout.contains("No findings"),
            "{stdout}{stderr}"
        );
    }
    if common::require_tool(
        "actionlint",
        "go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12",
    ) {
        common::run_ok(Command::new("actionlint").arg(&workflow));
    }
}

/// Item 12: any character a config value holds reads back the same from the workflow (DEL,
/// NEL, U+2028 and U+2029 escaped), or is refused with its place.
#[test]
fn control_characters_read_back_unchanged() {
    let value = "a\u{7F}b\u{85}c\u{2028}d\u{2029}e\u{FEFF}f";
    let escaped = "a\\x7Fb\\Nc\\Ld\\Pe\\uFEFFf";
    let dir = module_with(&common::pin_action(&format!(
        "version: 1\ntargets: [linux/amd64]\nci:\n  env:\n    ODD: \"{escaped}\"\n"
    )));
    common::run_ok(
        common::gocross()
            .arg("-C")
            .arg(dir.path())
            .args(["ci", "generate"]),
    );
    let text = std::fs::read_to_string(dir.path().join(".github/workflows/gocross.yml")).unwrap();
    let workflow: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    assert_eq!(workflow["jobs"]["build"]["env"]["ODD"], value);
    // In a step's name, where GitHub shows it, a control character is refused at its step.
    let dir = module_with(
        "version: 1\ntargets: [linux/amd64]\nci:\n  steps_after_build:\n    - name: \"x\\x7Fy\"\n      run: make\n",
    );
    let (out, _, stderr) = common::run(
        common::gocross()
            .arg("-C")
            .arg(dir.path())
            .args(["ci", "generate"]),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("gocross.yaml:5:7: key `ci.steps_after_build[0]`"),
        "{stderr}"
    );
}

/// Item 14: mistakes that used to show only after compiling are errors of `gocross plan`, and
/// of `gocross build` before any `go build` starts.
#[test]
fn mistakes_are_found_before_compiling() {
    for (config, says) in [
        (
            "version: 1\nverify:\n  expect: '^hello ('\n",
            "key `verify.expect`",
        ),
        ("version: 1\nproject: -hello\n", "key `project`"),
        (
            "version: 1\nldflags: -X main.version={{vesion}}\n",
            "key `ldflags`: unknown placeholder `{{vesion}}`",
        ),
        (
            "version: 1\nbinaries:\n  - name: hello\n    ldflags: -X main.v={{Version}}\n",
            "key `binaries[0].ldflags`: unknown placeholder `{{Version}}`",
        ),
    ] {
        let dir = module_with(config);
        for command in [&["plan"][..], &["build", "--target", "linux/amd64"][..]] {
            let (out, _, stderr) =
                common::run(common::gocross().arg("-C").arg(dir.path()).args(command));
            assert_eq!(out.status.code(), Some(1), "{config}\n{stderr}");
            assert!(stderr.contains(says), "{stderr}");
            assert!(
                !dir.path().join("dist").exists(),
                "{command:?} started building"
            );
        }
    }
}

/// Item 8: `gocross audit` of a FIFO reports it without waiting for a writer, and a file
/// rewritten while it is read is reported as changed (never a SIGBUS), while the other files
/// are still audited.
#[test]
fn odd_files_are_reported_and_the_others_audited() {
    let scratch = tempfile::tempdir().unwrap();
    let fifo = scratch.path().join("fifo");
    common::run_ok(Command::new("mkfifo").arg(&fifo));
    let binary = common::go_fixture(&common::example("hello"), &[], &[], "hello");
    let started = std::time::Instant::now();
    let (out, stdout, stderr) = common::run(
        common::gocross()
            .args(["audit", "--json"])
            .arg(&fifo)
            .arg(&binary),
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "blocked on the FIFO"
    );
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let reports: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(
        reports[0]["error"]
            .as_str()
            .unwrap()
            .contains("not a regular file")
    );
    assert_eq!(
        reports[1]["passed"], true,
        "the other file is still audited"
    );

    // A file rewritten over and over while gocross reads it.
    let churn = scratch.path().join("churn");
    let big = std::fs::read(&binary).unwrap().repeat(8);
    std::fs::write(&churn, &big).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (stop, churn, big) = (stop.clone(), churn.clone(), big.clone());
        std::thread::spawn(move || {
            let mut n = 0usize;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                n += 1;
                let len = if n.is_multiple_of(2) {
                    big.len()
                } else {
                    big.len() / 3
                };
                let _ = std::fs::write(&churn, &big[..len]);
            }
        })
    };
    let mut changed = 0;
    for _ in 0..20 {
        let (out, stdout, stderr) = common::run(
            common::gocross()
                .args(["audit", "--json"])
                .arg(&churn)
                .arg(&binary),
        );
        assert!(out.status.code().is_some(), "killed by a signal: {stderr}");
        let reports: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        if reports[0]["error"]
            .as_str()
            .is_some_and(|e| e.contains("changed while it was read"))
        {
            changed += 1;
        }
        assert_eq!(reports[1]["passed"], true);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().unwrap();
    assert!(changed > 0, "no read noticed the rewrites");
}

/// The pids of the running processes whose command line mentions `marker`.
fn pids_naming(marker: &str) -> Vec<i32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| {
            let e = e.ok()?;
            let pid: i32 = e.file_name().to_str()?.parse().ok()?;
            let cmdline = std::fs::read(e.path().join("cmdline")).ok()?;
            String::from_utf8_lossy(&cmdline)
                .contains(marker)
                .then_some(pid)
        })
        .collect()
}

#[test]
fn a_killed_gocross_leaves_no_binary_under_test_running() {
    if !common::require_tool("go", "install Go")
        || !common::require_tool("qemu-aarch64-static", "apt-get install qemu-user-static")
    {
        return;
    }
    // `misbehave hang` sleeps for an hour; its own copy names it uniquely among processes.
    let built = common::go_fixture(
        &common::repo().join("tests/fixtures/misbehave"),
        &[("GOOS", "linux"), ("GOARCH", "arm64"), ("CGO_ENABLED", "0")],
        &[],
        "misbehave",
    );
    let dir = tempfile::tempdir().unwrap();
    let binary = dir.path().join("misbehave-under-test");
    std::fs::copy(&built, &binary).unwrap();
    let marker = binary.display().to_string();
    let mut gocross = common::gocross()
        .current_dir(dir.path())
        .args(["verify", "--target", "linux/arm64", "--timeout", "3600"])
        .arg(&binary)
        .args(["--", "hang"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    // gocross's own command line names the binary too: wait for another process.
    let own = i32::try_from(gocross.id()).unwrap();
    while pids_naming(&marker).iter().all(|pid| *pid == own) {
        assert!(
            std::time::Instant::now() < deadline,
            "QEMU never started the binary"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    gocross.kill().unwrap();
    gocross.wait().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let left = pids_naming(&marker);
        if left.is_empty() {
            break;
        }
        if std::time::Instant::now() >= deadline {
            for pid in &left {
                // SAFETY: kill(2) on the orphans of this test, so that they do not outlive it.
                unsafe {
                    libc::kill(*pid, libc::SIGKILL);
                }
            }
            panic!("the binary under test outlived gocross: pids {left:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// `{{env.NAME}}` of a secret-named variable is refused where the config names it, set or
/// not, in every setting that fills placeholders; the GoReleaser import does not carry
/// `{{ .Env.SECRET }}` over and says so at the line.
#[test]
fn secret_variables_never_fill_a_placeholder() {
    for (config, at, var) in [
        (
            "version: 1\nproject: hello\nldflags: \"-s -X main.key={{env.API_KEY}}\"\n",
            "gocross.yaml:3:",
            "API_KEY",
        ),
        (
            "version: 1\nproject: hello\narchives:\n  name: \"hello_{{ env.github_token }}\"\n",
            "gocross.yaml:4:",
            "github_token",
        ),
        (
            "version: 1\nproject: hello\nimage:\n  repository: ghcr.io/o/hello\n  tags: [latest, \"{{env.AWS_SECRET_ACCESS_KEY}}\"]\n",
            "gocross.yaml:5:",
            "AWS_SECRET_ACCESS_KEY",
        ),
    ] {
        let dir = module_with(config);
        let (out, _, stderr) = common::run(
            common::gocross()
                .arg("-C")
                .arg(dir.path())
                .arg("plan")
                .env(var, "a-value-that-is-set"),
        );
        assert_eq!(out.status.code(), Some(1), "{config}\n{stderr}");
        assert!(stderr.contains(at), "{config}: positioned: {stderr}");
        assert!(
            stderr.contains(&format!("{var} is a secret's name")),
            "{config}: {stderr}"
        );
        assert!(!stderr.contains("a-value-that-is-set"), "{stderr}");
    }

    let dir = common::copy_module(&common::example("hello"));
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    let _ = std::fs::remove_file(dir.path().join("gocross.yaml"));
    std::fs::write(
        dir.path().join(".goreleaser.yaml"),
        "version: 2\nbuilds:\n  - main: .\n    ldflags:\n      - -s -w -X main.version={{.Version}} -X main.token={{ .Env.GITHUB_TOKEN }}\n    goos: [linux]\n    goarch: [amd64]\narchives:\n  - name_template: \"{{ .ProjectName }}_{{ .Env.NPM_TOKEN }}\"\n",
    )
    .unwrap();
    let (out, stdout, stderr) = common::run(common::gocross().arg("-C").arg(dir.path()).args([
        "ci",
        "init",
        "--yes",
        "--action",
        common::PINNED_ACTION,
    ]));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let written = std::fs::read_to_string(dir.path().join("gocross.yaml")).unwrap();
    assert!(
        !written.contains("GITHUB_TOKEN") && !written.contains("NPM_TOKEN"),
        "{written}"
    );
    assert!(written.contains("main.version={{version}}"), "{written}");
    for line in [
        ".goreleaser.yaml:4: not carried over: builds[0].ldflags: `-X main.token={{ .Env.GITHUB_TOKEN }}` is left out: {{ .Env.GITHUB_TOKEN }} (a secret variable, which gocross never publishes)",
        ".goreleaser.yaml:9: not carried over: archives[0].name_template: {{ .Env.NPM_TOKEN }} (a secret variable, which gocross never publishes)",
    ] {
        assert!(stdout.contains(line), "{line}\n{stdout}");
    }
}
