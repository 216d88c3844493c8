//! The foundation through the real binary: the port table against the installed Go, the plan of
//! the example module, the config schema, and every example in the README.

use crate::common;

use common::{example, gocross, run, run_ok};
use gocross::config::{Config, GoMod};
use serde_json::Value;
use std::path::Path;

#[test]
fn port_table_matches_installed_go() {
    if !common::require_tool("go", "install Go from https://go.dev/dl/") {
        return;
    }
    let stdout = run_ok(gocross().args(["targets", "--check"]));
    assert!(
        stdout.starts_with("the port table matches `go tool dist list` of go1."),
        "{stdout}"
    );
}

#[test]
fn targets_json_lists_every_port() {
    let stdout = run_ok(gocross().args(["targets", "--json"]));
    let ports: Vec<Value> = serde_json::from_str(&stdout).unwrap();
    assert_eq!(ports.len(), gocross::targets::PORTS.len());
    let arm64 = ports
        .iter()
        .find(|p| p["goos"] == "linux" && p["goarch"] == "arm64")
        .unwrap();
    assert_eq!(arm64["first_class"], true);
    assert_eq!(arm64["cgo_supported"], true);
    assert_eq!(arm64["qemu"], "aarch64");
    assert_eq!(arm64["cross_gcc"]["package"], "gcc-aarch64-linux-gnu");
    assert_eq!(arm64["native_runner"], "ubuntu-24.04-arm");
    let wasm = ports.iter().find(|p| p["goos"] == "wasip1").unwrap();
    assert_eq!(wasm["cgo_supported"], false);
    let removed = ports.iter().find(|p| p["target"] == "windows/arm").unwrap();
    assert_eq!(removed["status"]["state"], "removed");
}

#[test]
fn plan_json_of_example_has_one_job_per_target() {
    let dir = example("hello");
    let stdout = run_ok(gocross().arg("-C").arg(&dir).args(["plan", "--json"]));
    let plan: Value = serde_json::from_str(&stdout).unwrap();
    let config = Config::load_from(&dir.join("gocross.yaml"), &dir).unwrap();
    let jobs = plan["jobs"].as_array().unwrap();
    assert_eq!(jobs.len(), config.targets().len());
    for (job, target) in jobs.iter().zip(config.targets()) {
        assert_eq!(job["target"], target.to_string());
        let env = &job["env"];
        assert_eq!(env["GOOS"], target.goos().as_str());
        assert_eq!(env["GOARCH"], target.goarch().as_str());
        assert_eq!(env["CGO_ENABLED"], "0");
        let exe = if target.goos().as_str() == "windows" {
            ".exe"
        } else {
            ""
        };
        let variant = target.variant.map(|v| format!("_{v}")).unwrap_or_default();
        let binary = &job["binaries"][0];
        assert_eq!(binary["name"], "hello");
        assert_eq!(binary["package"], ".");
        assert_eq!(
            binary["output"],
            format!("hello_{}_{}{variant}{exe}", target.goos(), target.goarch())
        );
        assert_eq!(
            binary["env"], job["env"],
            "one binary: the target's settings"
        );
    }
    let arm = jobs.iter().find(|j| j["target"] == "linux/arm/7").unwrap();
    assert_eq!(arm["env"]["GOARM"], "7");
    assert_eq!(arm["static"], true);
    assert_eq!(arm["tags"], serde_json::json!(["netgo", "osusergo"]));
}

#[test]
fn plan_for_one_target_and_for_an_unconfigured_one() {
    let dir = example("hello");
    let stdout =
        run_ok(
            gocross()
                .arg("-C")
                .arg(&dir)
                .args(["plan", "--json", "--target", "windows/amd64"]),
        );
    let plan: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(plan["jobs"].as_array().unwrap().len(), 1);
    let (out, _, stderr) =
        run(gocross()
            .arg("-C")
            .arg(&dir)
            .args(["plan", "--target", "linux/s390x"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("linux/s390x is not in gocross.yaml's targets"),
        "{stderr}"
    );
}

#[test]
fn schema_validates_the_example_configs() {
    let stdout = run_ok(gocross().arg("schema"));
    let schema: Value = serde_json::from_str(&stdout).unwrap();
    for key in [
        "version",
        "targets",
        "overrides",
        "audit",
        "release",
        "ci",
        "verify",
    ] {
        assert!(schema["properties"][key].is_object(), "schema lacks {key}");
    }
    if !common::require_tool("check-jsonschema", "pip install check-jsonschema") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let schema_path = dir.path().join("gocross.schema.json");
    std::fs::write(&schema_path, &stdout).unwrap();
    for module in ["hello", "cgo-hello"] {
        let config = example(module).join("gocross.yaml");
        run_ok(
            std::process::Command::new("check-jsonschema")
                .arg("--schemafile")
                .arg(&schema_path)
                .arg(&config),
        );
    }
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "version: 1\ncgo: 3\n").unwrap();
    let (out, _, _) = run(std::process::Command::new("check-jsonschema")
        .arg("--schemafile")
        .arg(&schema_path)
        .arg(&bad));
    assert!(!out.status.success(), "the schema refuses a wrong type");
}

/// The fenced blocks of README.md as (info string, text).
fn readme_blocks() -> Vec<(String, String)> {
    let readme = std::fs::read_to_string(common::repo().join("README.md")).unwrap();
    let mut blocks = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in readme.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) => current = Some((info.trim().to_string(), String::new())),
            (Some(_), Some("")) => blocks.push(current.take().unwrap()),
            (Some((_, text)), _) => {
                text.push_str(line);
                text.push('\n');
            }
            (None, None) => {}
        }
    }
    blocks
}

#[test]
fn readme_config_examples_parse() {
    let module = GoMod::parse("module example.com/hello\n").unwrap();
    let configs: Vec<String> = readme_blocks()
        .into_iter()
        .filter(|(info, text)| info == "yaml" && text.starts_with("# gocross.yaml\n"))
        .map(|(_, text)| text)
        .collect();
    assert!(configs.len() >= 3, "the README shows its config examples");
    for text in configs {
        if let Err(e) = Config::parse(&text, Path::new("README.md"), Some(&module)) {
            panic!("README example does not parse: {e}\n{text}");
        }
    }
}

#[test]
fn readme_error_examples_are_what_gocross_prints() {
    let blocks = readme_blocks();
    let broken = blocks
        .iter()
        .find(|(info, text)| info == "yaml" && text.starts_with("# gocross.yaml (broken)\n"))
        .map(|(_, text)| text.clone())
        .expect("the README shows a broken config");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("go.mod"),
        "module example.com/hello\n\ngo 1.22\n",
    )
    .unwrap();
    // The comment line is the block's title, not part of the file shown with line numbers.
    let body = broken.split_once('\n').unwrap().1;
    std::fs::write(dir.path().join("gocross.yaml"), body).unwrap();
    // The console blocks that show an error message (the others show outputs of real runs).
    let consoles: Vec<&String> = blocks
        .iter()
        .filter(|(info, text)| {
            info == "console"
                && text
                    .lines()
                    .nth(1)
                    .is_some_and(|l| l.starts_with("error: "))
        })
        .map(|(_, t)| t)
        .collect();
    assert!(consoles.len() >= 2);
    for console in consoles {
        let (command, expected) = console.split_once('\n').unwrap();
        let args: Vec<&str> = command
            .strip_prefix("$ gocross ")
            .expect("a gocross command")
            .split(' ')
            .collect();
        let (out, _, stderr) = run(gocross().current_dir(dir.path()).args(&args));
        assert!(!out.status.success());
        let expected_first = expected.lines().next().unwrap();
        let printed_first = stderr.lines().next().unwrap_or_default();
        assert_eq!(
            printed_first, expected_first,
            "README shows what `{command}` prints"
        );
        for line in expected.lines() {
            assert!(
                stderr.contains(line),
                "`{command}` printed:\n{stderr}\nREADME shows:\n{expected}"
            );
        }
    }
}
