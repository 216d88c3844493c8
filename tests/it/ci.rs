//! `gocross ci init|generate|check` on real modules: the generated workflow for a range of
//! configs (snapshots), checked by zizmor (pedantic), actionlint and GitHub's workflow JSON
//! Schema; the matrix compared with `gocross plan --ci --json`; and the drift check's life
//! cycle.

use crate::common;

use common::{gocross, require_tool, run, run_ok};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const MAIN_GO: &str = "package main\n\nfunc main() {}\n";

/// The configs whose workflows are snapshot and validated: (name, module directory inside
/// the repository, gocross.yaml).
const CASES: &[(&str, &str, &str)] = &[
    ("minimal", ".", "version: 1\n"),
    ("first_class", ".", "version: 1\ntargets: [first-class]\n"),
    (
        "many_targets",
        ".",
        "version: 1\ntargets: [linux, windows, darwin, freebsd/amd64, linux/amd64/v3, linux/arm/6, linux/arm/7, linux/arm64/v8.2, 'linux/arm/5,softfloat']\n",
    ),
    (
        "cgo_zig_glibc",
        ".",
        "version: 1\ncgo: true\nstatic: false\nglibc: '2.17'\ntargets: [linux/amd64, linux/arm64, linux/arm/7, windows/amd64, darwin/arm64]\n",
    ),
    (
        "static_musl",
        ".",
        "version: 1\ncgo: true\ntargets: [linux/amd64, linux/arm64, linux/riscv64]\noverrides:\n  - targets: [linux/amd64]\n    cc: musl\n",
    ),
    (
        "release_off",
        ".",
        "version: 1\ntargets: [linux/amd64, darwin/arm64]\nrelease:\n  enabled: false\n",
    ),
    (
        "runner_overrides",
        ".",
        "version: 1\ntargets: [linux/amd64, linux/arm64, windows/amd64, darwin/arm64]\noverrides:\n  - targets: [windows/amd64]\n    runner: windows-2022\nci:\n  runners:\n    linux/arm64: ubuntu-24.04\n    darwin/arm64: macos-14\n",
    ),
    (
        "extra_steps",
        "tools/hello",
        "version: 1\ntargets: [linux/amd64, windows/amd64]\nci:\n  branches: [master, 'release/**']\n  tags: ['v[0-9]*']\n  timeout_minutes: 45\n  env:\n    GOPRIVATE: example.com/private/*\n    GOFLAGS: -mod=mod\n  steps_before_build:\n    - name: Generate code\n      shell: bash\n      env:\n        REF: ${{ github.ref_name }}\n      run: |\n        echo \"building $REF\"\n        go generate ./...\n  steps_after_build:\n    - name: Keep the build log\n      uses: actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02 # v4.6.2\n      with:\n        name: log-${{ matrix.artifact }}\n        path: tools/hello/build.log\n        if-no-files-found: ignore\n",
    ),
    (
        "go_axis",
        ".",
        "version: 1\ntargets: [linux/amd64, linux/arm64, windows/amd64]\nci:\n  go_versions: ['1.25', '1.26']\n",
    ),
    (
        "pinned_action",
        ".",
        "version: 1\ntargets: [linux/amd64]\nci:\n  action: acme/gocross-fork@fedcba9876543210fedcba9876543210fedcba98\n",
    ),
    (
        "comment_no_attest_go",
        ".",
        "version: 1\ntargets: [linux/amd64, linux/riscv64]\nrelease:\n  attest: false\n  sbom: true\nci:\n  go_version: '1.26.8'\n  pr_comment: true\n",
    ),
    (
        "tests_on_every_leg",
        ".",
        "version: 1\ntargets: [linux/amd64, linux/s390x, windows/amd64, darwin/arm64]\ntest:\n  timeout: 300\noverrides:\n  - targets: [darwin/arm64]\n    test: false\n",
    ),
    (
        "container_image",
        ".",
        "version: 1\ntargets: [linux/amd64, linux/arm64, linux/arm/7, darwin/arm64]\nimage:\n  repository: ghcr.io/acme/hello\n  push_branch: true\n",
    ),
    (
        "image_unsigned_without_release",
        ".",
        "version: 1\ntargets: [linux/amd64, linux/arm64]\nrelease:\n  enabled: false\n  attest: false\nimage:\n  repository: registry.example.com/acme/hello\n",
    ),
    (
        "gnu_cross",
        ".",
        "version: 1\ncgo: true\nstatic: false\ntargets: [linux/riscv64, linux/s390x]\noverrides:\n  - targets: [linux/riscv64]\n    cc: gnu\nrelease:\n  attest: true\n",
    ),
    (
        "channels_signed",
        ".",
        "version: 1\ntargets: [linux/amd64, linux/arm64, darwin/amd64, darwin/arm64, windows/amd64]\npackages:\n  formats: [deb, rpm, apk]\n  maintainer: Jane Doe <jane@example.org>\n  description: Says hello\nuniversal_binaries: true\nhomebrew:\n  repository: acme/homebrew-tap\nscoop:\n  repository: acme/scoop-bucket\n  token_env: ACME_SCOOP_TOKEN\nrelease:\n  sign: true\n",
    ),
];

/// A repository (a `.git` directory) holding a Go module at `module` with this gocross.yaml,
/// its action pinned ([`common::pin_action`]).
fn repository(module: &str, config: &str) -> (tempfile::TempDir, PathBuf) {
    let repo = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(repo.path().join(".git")).unwrap();
    let dir = repo.path().join(module);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("go.mod"), "module example.com/hello\n\ngo 1.25\n").unwrap();
    std::fs::write(dir.join("main.go"), MAIN_GO).unwrap();
    std::fs::write(dir.join("gocross.yaml"), common::pin_action(config)).unwrap();
    (repo, dir)
}

fn workflow_path(repo: &Path) -> PathBuf {
    repo.join(".github/workflows/gocross.yml")
}

/// The gocross version changes with every release; nothing else in the file should churn (the
/// configs pin the action, [`common::pin_action`]).
fn snapshot(name: &str, text: &str) {
    insta::with_settings!({filters => vec![
        (r"gocross \d+\.\d+\.\d+\S*", "gocross [VERSION]"),
        (r"version: '\d+\.\d+\.\d+[^']*'", "version: '[VERSION]'"),
    ]}, {
        insta::assert_snapshot!(name, text);
    });
}

fn legs(workflow: &Value) -> Vec<(String, String)> {
    workflow["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["target"].as_str().unwrap().to_string(),
                l["runner"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn generated_workflows_match_snapshots_the_plan_and_the_validators() {
    let out = tempfile::tempdir().unwrap();
    let workflows = out.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    let mut files = Vec::new();
    for (name, module, config) in CASES {
        let (repo, dir) = repository(module, config);
        run_ok(gocross().arg("-C").arg(&dir).args(["ci", "generate"]));
        let text = std::fs::read_to_string(workflow_path(repo.path())).unwrap();
        snapshot(&format!("workflow_{name}"), &text);

        // One leg per plan job (and Go release), on the runner the plan chose.
        let workflow: Value = serde_saphyr::from_str(&text).unwrap();
        let plan: Value = serde_json::from_str(&run_ok(
            gocross()
                .arg("-C")
                .arg(&dir)
                .args(["plan", "--ci", "--json"]),
        ))
        .unwrap();
        let first_leg = &workflow["jobs"]["build"]["strategy"]["matrix"]["include"][0];
        let go_versions = first_leg.get("go").map_or(1, |_| 2);

        // The Go the build legs set up is the Go the plan was made with: `go_release` as
        // written, and for a numbered release the plan's `go` is its minor release.
        let set_up = workflow["jobs"]["build"]["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find_map(|s| s["with"]["go-version"].as_str())
            .unwrap_or_else(|| panic!("{name}: no build step sets up Go"));
        let set_up = match set_up {
            "${{ matrix.go }}" => first_leg["go"].as_str().unwrap(),
            literal => literal,
        };
        assert_eq!(
            plan["go_release"], set_up,
            "{name}: plan --ci --json's Go release"
        );
        let go = plan["go"].as_str().unwrap();
        if set_up.starts_with(|c: char| c.is_ascii_digit()) {
            assert!(
                set_up == go || set_up.starts_with(&format!("{go}.")),
                "{name}: the workflow sets up Go {set_up}, the plan is for Go {go}"
            );
        }
        let expected: Vec<(String, String)> = plan["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|j| {
                let leg = (
                    j["target"].as_str().unwrap().to_string(),
                    j["runner"]["label"].as_str().unwrap().to_string(),
                );
                std::iter::repeat_n(leg, go_versions)
            })
            .collect();
        assert_eq!(
            legs(&workflow),
            expected,
            "{name}: matrix differs from the plan"
        );

        let file = workflows.join(format!("{name}.yml"));
        std::fs::write(&file, &text).unwrap();
        files.push(file);
    }

    // Zero findings and no finding silenced: the gallery holds no ignore comment.
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        assert!(!text.contains("zizmor: ignore"), "{}", file.display());
    }
    if require_tool("zizmor", "pip install zizmor") {
        let (o, stdout, stderr) = run(Command::new("zizmor")
            .args(["--offline", "--persona=pedantic", "--no-progress"])
            .args(&files));
        assert!(
            o.status.success() && stdout.contains("No findings") && !stdout.contains("ignored"),
            "zizmor:\n{stdout}\n{stderr}"
        );
    }
    if require_tool(
        "actionlint",
        "go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12",
    ) {
        let (o, stdout, stderr) = run(Command::new("actionlint").args(&files));
        assert!(o.status.success(), "actionlint:\n{stdout}\n{stderr}");
    }
    if require_tool("check-jsonschema", "pip install check-jsonschema") {
        let (o, stdout, stderr) = run(Command::new("check-jsonschema")
            .args(["--builtin-schema", "vendor.github-workflows"])
            .args(&files));
        assert!(o.status.success(), "check-jsonschema:\n{stdout}\n{stderr}");
    }
}

/// The Go release the workflow's build legs set up: the first leg's `go` (the release a tag
/// releases, with `ci.go_versions`), else the build job's actions/setup-go `go-version`.
fn workflow_go(workflow: &Value) -> String {
    let build = &workflow["jobs"]["build"];
    if let Some(go) = build["strategy"]["matrix"]["include"][0]["go"].as_str() {
        return go.to_string();
    }
    build["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/setup-go@"))
        })
        .and_then(|s| s["with"]["go-version"].as_str())
        .expect("the build job sets up Go")
        .to_string()
}

/// `gocross plan --ci --json` plans with the Go the generated workflow sets up, for every
/// config of the gallery, the example modules, and a go.mod whose `toolchain` line names a
/// newer Go than its `go` line: a release plans as itself, `stable` as the newest release
/// gocross knows.
#[test]
fn plan_ci_plans_with_the_go_the_workflow_sets_up() {
    let mut modules: Vec<(String, tempfile::TempDir, PathBuf)> = CASES
        .iter()
        .map(|(name, module, config)| {
            let (repo, dir) = repository(module, config);
            (name.to_string(), repo, dir)
        })
        .collect();
    for example in ["hello", "cgo-hello", "ship"] {
        let repo = common::copy_module(&common::example(example));
        std::fs::create_dir_all(repo.path().join(".git")).unwrap();
        let config = repo.path().join("gocross.yaml");
        let text = std::fs::read_to_string(&config).unwrap();
        std::fs::write(&config, common::pin_action(&text)).unwrap();
        let dir = repo.path().to_path_buf();
        modules.push((format!("examples/{example}"), repo, dir));
    }
    let (repo, dir) = repository(".", "version: 1\ntargets: [linux/amd64]\n");
    std::fs::write(
        dir.join("go.mod"),
        "module example.com/hello\n\ngo 1.22\n\ntoolchain go1.25.4\n",
    )
    .unwrap();
    modules.push(("toolchain_line".into(), repo, dir));

    for (name, repo, dir) in &modules {
        run_ok(gocross().arg("-C").arg(dir).args(["ci", "generate"]));
        let text = std::fs::read_to_string(workflow_path(repo.path())).unwrap();
        let workflow: Value = serde_saphyr::from_str(&text).unwrap();
        let release = workflow_go(&workflow);
        let plan: Value = serde_json::from_str(&run_ok(
            gocross()
                .arg("-C")
                .arg(dir)
                .args(["plan", "--ci", "--json"]),
        ))
        .unwrap();
        let expected = if release.starts_with(|c: char| c.is_ascii_digit()) {
            release.clone()
        } else {
            gocross::targets::GoVersion::LATEST_KNOWN.to_string()
        };
        assert_eq!(
            plan["go"], expected,
            "{name}: the workflow sets up Go {release}"
        );
    }
}

#[test]
fn check_passes_after_init_fails_on_drift_and_passes_after_generate() {
    let repo = common::copy_module(&common::example("hello"));
    std::fs::create_dir_all(repo.path().join(".git")).unwrap();
    let dir = repo.path();
    let config = dir.join("gocross.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, common::pin_action(&text)).unwrap();
    let ci = |args: &[&str]| {
        let mut cmd = gocross();
        cmd.arg("-C").arg(dir).arg("ci").args(args);
        cmd
    };

    let stdout = run_ok(&mut ci(&["init"]));
    assert!(stdout.contains("kept"), "{stdout}");
    assert!(
        stdout.contains("wrote .github/workflows/gocross.yml (8 build legs)"),
        "{stdout}"
    );
    run_ok(&mut ci(&["check"]));

    // A second init refuses to overwrite.
    let (o, _, stderr) = run(&mut ci(&["init"]));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr.contains("exists; pass --force"), "{stderr}");

    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace(
            "  - windows/arm64\n",
            "  - windows/arm64\n  - linux/riscv64\n",
        ),
    )
    .unwrap();
    let (o, stdout, _) = run(&mut ci(&["check"]));
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("--- .github/workflows/gocross.yml (committed)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("+          - target: linux/riscv64"),
        "{stdout}"
    );
    assert!(stdout.contains("run `gocross ci generate`"), "{stdout}");

    run_ok(&mut ci(&["generate"]));
    run_ok(&mut ci(&["check"]));

    // `release.sign` adds the checksums and sign jobs: turned on, then off again, without
    // regenerating, the committed workflow has drifted each time.
    let unsigned = std::fs::read_to_string(&config).unwrap();
    assert!(!unsigned.contains("\nrelease:"), "{unsigned}");
    let signed = format!("{unsigned}release:\n  sign: true\n");
    std::fs::write(&config, &signed).unwrap();
    let (o, stdout, _) = run(&mut ci(&["check"]));
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("+  sign:"), "{stdout}");
    assert!(
        stdout.contains("+        run: cosign sign-blob --yes --bundle checksums.txt.sigstore.json checksums.txt"),
        "{stdout}"
    );
    run_ok(&mut ci(&["generate"]));
    run_ok(&mut ci(&["check"]));
    std::fs::write(&config, &unsigned).unwrap();
    let (o, stdout, _) = run(&mut ci(&["check"]));
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("-  sign:"), "{stdout}");
    run_ok(&mut ci(&["generate"]));

    // A missing workflow counts as empty.
    std::fs::remove_file(workflow_path(dir)).unwrap();
    let (o, stdout, _) = run(&mut ci(&["check"]));
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout.contains("+name: gocross"), "{stdout}");
}

#[test]
fn init_writes_a_config_for_the_chosen_main_package() {
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    std::fs::write(dir.join(".git/HEAD"), "ref: refs/heads/master\n").unwrap();
    std::fs::write(dir.join("go.mod"), "module example.com/tools\n\ngo 1.25\n").unwrap();
    for (pkg, source) in [
        ("cmd/alpha", MAIN_GO),
        ("cmd/beta", MAIN_GO),
        ("internal/lib", "package lib\n"),
        ("tools", "//go:build ignore\n\npackage main\n"),
        ("testdata/x", MAIN_GO),
    ] {
        std::fs::create_dir_all(dir.join(pkg)).unwrap();
        std::fs::write(dir.join(pkg).join("main.go"), source).unwrap();
    }
    let init = |args: &[&str]| {
        let mut cmd = gocross();
        cmd.args(["ci", "init", "--action", common::PINNED_ACTION, "--dir"])
            .arg(dir)
            .args(args);
        cmd.stdin(std::process::Stdio::null());
        cmd
    };

    // Two main packages, no terminal, no --main: both, as `binaries`, one leg per target.
    run_ok(&mut init(&["--targets", "linux/amd64,windows/amd64"]));
    let config = std::fs::read_to_string(dir.join("gocross.yaml")).unwrap();
    assert!(
        config.contains(
            "binaries:\n  - name: alpha\n    main: ./cmd/alpha\n  - name: beta\n    main: ./cmd/beta\n"
        ),
        "{config}"
    );
    assert!(!config.contains("\nmain:"), "{config}");
    let plan: Value = serde_json::from_str(&run_ok(
        gocross().arg("-C").arg(dir).args(["plan", "--json"]),
    ))
    .unwrap();
    let outputs: Vec<&str> = plan["jobs"][1]["binaries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["output"].as_str().unwrap())
        .collect();
    assert_eq!(
        outputs,
        ["alpha_windows_amd64.exe", "beta_windows_amd64.exe"]
    );
    assert_eq!(
        legs(
            &serde_saphyr::from_str(&std::fs::read_to_string(workflow_path(dir)).unwrap()).unwrap()
        )
        .len(),
        2
    );
    std::fs::remove_file(dir.join("gocross.yaml")).unwrap();
    std::fs::remove_file(workflow_path(dir)).unwrap();

    let (o, _, stderr) = run(&mut init(&["--main", "internal/lib"]));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr.contains("not a main package"), "{stderr}");

    let (o, _, stderr) = run(&mut init(&[
        "--main",
        "cmd/beta",
        "--targets",
        "linux/amd64,linux/sparc",
    ]));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr.contains("--targets"), "{stderr}");

    run_ok(&mut init(&[
        "--main",
        "cmd/beta",
        "--targets",
        "linux/amd64,linux/arm/7",
        "--yes",
    ]));
    let config = std::fs::read_to_string(dir.join("gocross.yaml")).unwrap();
    snapshot("init_config", &config);
    let workflow: Value =
        serde_saphyr::from_str(&std::fs::read_to_string(workflow_path(dir)).unwrap()).unwrap();
    assert_eq!(workflow["on"]["push"]["branches"][0], "master");
    let artifacts: Vec<&str> = workflow["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["artifact"].as_str().unwrap())
        .collect();
    assert_eq!(
        artifacts,
        ["gocross-beta_linux_amd64", "gocross-beta_linux_arm_7"]
    );
    run_ok(gocross().arg("-C").arg(dir).args(["ci", "check"]));

    // --force replaces both files.
    run_ok(&mut init(&["--main", "cmd/alpha", "--force"]));
    let config = std::fs::read_to_string(dir.join("gocross.yaml")).unwrap();
    assert!(config.contains("main: ./cmd/alpha"), "{config}");
}

/// Without `ci.action`, the workflow runs the gocross action at the commit this gocross was
/// built from; a gocross that does not know its commit (built from a tree with uncommitted
/// changes) refuses and says to set `ci.action`. Both ways are checked, whichever build runs.
#[test]
fn without_ci_action_the_workflow_pins_the_commit_of_this_gocross() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(repo.path().join(".git")).unwrap();
    let dir = repo.path();
    std::fs::write(dir.join("go.mod"), "module example.com/hello\n\ngo 1.25\n").unwrap();
    std::fs::write(dir.join("main.go"), MAIN_GO).unwrap();
    std::fs::write(dir.join("gocross.yaml"), "version: 1\n").unwrap();
    let (o, _, stderr) = run(gocross().arg("-C").arg(dir).args(["ci", "generate"]));
    match common::build_commit() {
        Some(commit) => {
            assert!(o.status.success(), "{stderr}");
            let text = std::fs::read_to_string(workflow_path(dir)).unwrap();
            let pinned = format!(
                "uses: gocross/gocross@{commit} # v{}",
                env!("CARGO_PKG_VERSION")
            );
            assert!(text.contains(&pinned), "{pinned} missing:\n{text}");
        }
        None => {
            assert_eq!(o.status.code(), Some(1), "{stderr}");
            assert!(
                stderr.contains("uncommitted changes")
                    && stderr.contains("set `ci.action: gocross/gocross@<40-hex commit>`"),
                "{stderr}"
            );
            assert!(!workflow_path(dir).exists());
        }
    }
}

#[test]
fn help_lists_the_ci_commands() {
    snapshot("help", &run_ok(gocross().arg("--help")));
    snapshot("ci_help", &run_ok(gocross().args(["ci", "--help"])));
}

/// The runner labels a job runs on: its `runs-on`, or each matrix leg's `runner`.
fn job_runners(job: &Value) -> Vec<String> {
    match job["runs-on"].as_str().unwrap() {
        "${{ matrix.runner }}" => job["strategy"]["matrix"]["include"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["runner"].as_str().unwrap().to_string())
            .collect(),
        label => vec![label.to_string()],
    }
}

#[test]
fn the_default_config_builds_on_linux_verifies_natively_and_caches_nothing_on_tags() {
    let (repo, dir) = repository(".", "version: 1\n");
    run_ok(gocross().arg("-C").arg(&dir).args(["ci", "generate"]));
    let text = std::fs::read_to_string(workflow_path(repo.path())).unwrap();
    let workflow: Value = serde_saphyr::from_str(&text).unwrap();
    let jobs = workflow["jobs"].as_object().unwrap();

    // Every default target is pure Go: every one builds on Linux.
    for (target, runner) in legs(&workflow) {
        assert!(runner.starts_with("ubuntu-"), "{target} builds on {runner}");
    }
    // No macOS or Windows job sets up Go or builds anything.
    let mut native = Vec::new();
    for (name, job) in jobs {
        for runner in job_runners(job) {
            if runner.starts_with("ubuntu-") {
                continue;
            }
            native.push(format!("{name} on {runner}"));
            for step in job["steps"].as_array().unwrap() {
                let uses = step["uses"].as_str().unwrap_or_default();
                assert!(
                    !uses.starts_with("actions/setup-go") && !uses.starts_with("actions/cache"),
                    "{name} on {runner}: {step}"
                );
                // The action's `command` defaults to `build`: it must say `verify`.
                if uses.starts_with("gocross/gocross@") {
                    assert_eq!(
                        step["with"]["command"], "verify",
                        "{name} on {runner}: {step}"
                    );
                }
                let script = step["run"].as_str().unwrap_or_default();
                assert!(
                    !script.split_whitespace().any(|w| w == "go"),
                    "{name} on {runner} runs go: {step}"
                );
            }
        }
    }
    assert_eq!(
        native,
        [
            "verify on macos-15-intel",
            "verify on macos-15",
            "verify on windows-11-arm"
        ]
    );
    // Each verify leg runs the binary of the build leg of its target, with gocross verify.
    let verify = &jobs["verify"];
    let legs: Vec<(&str, &str, &str)> = verify["strategy"]["matrix"]["include"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["target"].as_str().unwrap(),
                l["artifact"].as_str().unwrap(),
                l["files"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        legs,
        [
            (
                "darwin/amd64",
                "gocross-hello_darwin_amd64",
                "dist/hello_darwin_amd64"
            ),
            (
                "darwin/arm64",
                "gocross-hello_darwin_arm64",
                "dist/hello_darwin_arm64"
            ),
            (
                "windows/arm64",
                "gocross-hello_windows_arm64",
                "dist/hello_windows_arm64.exe"
            ),
        ]
    );
    let commands: Vec<&str> = verify["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["with"]["command"].as_str())
        .collect();
    assert_eq!(commands, ["verify"]);
    assert!(
        jobs["release"]["needs"]
            .as_array()
            .unwrap()
            .contains(&Value::from("verify")),
        "the release waits for the native runs"
    );

    // A tag run neither restores nor saves a cache, and setup-go caches nothing anywhere.
    let mut cache_steps = 0;
    for (name, job) in jobs {
        for step in job["steps"].as_array().unwrap() {
            let uses = step["uses"].as_str().unwrap_or_default();
            if uses.starts_with("actions/setup-go@") {
                assert_eq!(step["with"]["cache"], false, "{name}: {step}");
            }
            if uses.starts_with("actions/cache") {
                cache_steps += 1;
                let condition = step["if"].as_str().unwrap_or_default();
                assert!(
                    condition == "github.ref_type != 'tag'"
                        || condition.starts_with("github.ref_type != 'tag' && "),
                    "{name}: {step}"
                );
            }
        }
    }
    assert_eq!(cache_steps, 2, "restore and save in the build legs");
    // The report reads the manifest artifacts only.
    let report_downloads: Vec<&str> = jobs["report"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["with"]["pattern"].as_str())
        .collect();
    assert_eq!(report_downloads, ["manifest-gocross-*"]);

    // What a run costs, before it is pushed.
    let plan = run_ok(gocross().arg("-C").arg(&dir).args(["plan", "--ci"]));
    let rows: Vec<Vec<&str>> = plan
        .lines()
        .skip_while(|l| !l.contains("RUNNER OS"))
        .skip(1)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        rows,
        [
            vec!["Linux", "8", "0", "1x", "a", "Linux", "minute"],
            vec!["Windows", "0", "1", "2x", "a", "Linux", "minute"],
            vec!["macOS", "0", "2", "10x", "a", "Linux", "minute"],
        ],
        "{plan}"
    );
}
