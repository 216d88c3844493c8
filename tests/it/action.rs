//! The composite action and this project's own workflows, through the real validators:
//! check-jsonschema (GitHub's action and workflow schemas), zizmor (pedantic, offline),
//! actionlint (which also runs shellcheck on every `run:`), and shellcheck on the scripts.

use crate::common;

use common::{repo, require_tool, run};
use std::process::Command;

fn workflows() -> Vec<String> {
    let dir = repo().join(".github/workflows");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .filter(|p| p.ends_with(".yml"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "ci, action and release workflows");
    files
}

fn passes(cmd: &mut Command) {
    let (out, stdout, stderr) = run(cmd.current_dir(repo()));
    assert!(out.status.success(), "{cmd:?}:\n{stdout}\n{stderr}");
}

#[test]
fn action_metadata_matches_githubs_schema() {
    if !require_tool("check-jsonschema", "pip install check-jsonschema") {
        return;
    }
    passes(Command::new("check-jsonschema").args([
        "--builtin-schema",
        "vendor.github-actions",
        "action.yml",
    ]));
    passes(
        Command::new("check-jsonschema")
            .args(["--builtin-schema", "vendor.github-workflows"])
            .args(workflows()),
    );
}

#[test]
fn zizmor_pedantic_finds_nothing() {
    if !require_tool("zizmor", "pip install zizmor") {
        return;
    }
    let (out, stdout, stderr) = run(Command::new("zizmor")
        .args([
            "--offline",
            "--persona=pedantic",
            "action.yml",
            ".github/workflows",
        ])
        .current_dir(repo()));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("No findings to report"), "{stdout}");
}

#[test]
fn actionlint_and_shellcheck_find_nothing() {
    if !require_tool("shellcheck", "apt-get install shellcheck")
        || !require_tool(
            "actionlint",
            "go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12",
        )
    {
        return;
    }
    passes(Command::new("actionlint").args(workflows()));
    passes(Command::new("shellcheck").args([
        "action/install.sh",
        "action/run.sh",
        "scripts/test",
        ".ci/run",
        "tests/act/bin/apt-get",
        "tests/act/bin/sudo",
    ]));
}

/// action.yml and this repository's workflows use the generator's pins (one table, in
/// src/generate/pins.rs), each with its release tag beside it.
#[test]
fn every_pin_of_this_repository_is_the_generators() {
    let mut files = workflows();
    files.push(repo().join("action.yml").display().to_string());
    let mut seen = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for line in text.lines() {
            let Some(reference) = line.trim().strip_prefix("uses: actions/") else {
                continue;
            };
            let (action, rest) = reference.split_once('@').unwrap();
            let (sha, tag) = rest.split_once(" # ").unwrap_or((rest, ""));
            let pin = gocross::generate::pins::ALL
                .iter()
                .find(|p| p.action == format!("actions/{action}"))
                .unwrap_or_else(|| panic!("{file}: actions/{action} is not in the pin table"));
            assert_eq!(
                (sha, tag),
                (pin.sha, pin.version),
                "{file}: actions/{action}"
            );
            seen += 1;
        }
    }
    assert!(seen >= 10, "{seen} pins checked");
}

/// The zig that scripts/test installs for the tests is the release the generated workflow
/// installs on a runner.
#[test]
fn the_tests_use_the_workflows_zig() {
    let script = std::fs::read_to_string(repo().join("scripts/test")).unwrap();
    assert!(
        script.contains(&format!("ziglang=={}", gocross::toolchain::ZIGLANG)),
        "scripts/test pins another ziglang than toolchain::ZIGLANG"
    );
}
