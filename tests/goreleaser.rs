//! `gocross ci init` in a module that ships with GoReleaser: the import of real
//! `.goreleaser.yaml` files, read from the modules' zips on the Go module proxy at pinned
//! releases (GoReleaser config versions 1 and 2).
//!
//! Each case lists what GoReleaser builds from its file, worked out from GoReleaser's rules
//! (the `goos` × `goarch` × sub-architecture matrix with its defaults, less `ignore`, less
//! what is not a Go port; `ldflags` entries joined with spaces): the targets, and the
//! `-ldflags` with GoReleaser's template fields as gocross's placeholders. The import must
//! give exactly those, and name each key it leaves out at its line.
//!
//! `imported_configs_plan_what_goreleaser_builds` runs the real `gocross ci init` and `gocross
//! plan`: the gocross.yaml it writes uses `binaries:` and `archives:`, so it needs the config
//! schema that has them.

mod common;

use common::{gocross, run, run_ok};
use gocross::config::GoMod;
use gocross::generate::init::InitConfig;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A real project's GoReleaser config and what GoReleaser builds from it.
struct Case {
    module: &'static str,
    version: &'static str,
    file: &'static str,
    /// GoReleaser's config version (`version:` in the file; absent is 1).
    config_version: u32,
    /// The main package directory, relative to the module root.
    main: &'static str,
    targets: &'static [&'static str],
    ldflags: &'static str,
    /// Keys that are not carried over, each with the text that starts its line in the file.
    notes: &'static [(&'static str, &'static str)],
}

const CASES: &[Case] = &[
    Case {
        module: "github.com/junegunn/fzf",
        version: "v0.65.2",
        file: ".goreleaser.yml",
        config_version: 2,
        main: ".",
        // darwin, linux, windows, freebsd, openbsd, android × amd64, arm (5, 6, 7), arm64,
        // loong64, ppc64le, s390x; less the ignored freebsd/openbsd arm and arm64 and
        // android amd64 and arm; less what is no port (darwin/s390x, ...) and windows/arm,
        // removed from Go.
        targets: &[
            "darwin/amd64",
            "darwin/arm64",
            "linux/amd64",
            "linux/arm/5",
            "linux/arm/6",
            "linux/arm/7",
            "linux/arm64",
            "linux/loong64",
            "linux/ppc64le",
            "linux/s390x",
            "windows/amd64",
            "windows/arm64",
            "freebsd/amd64",
            "openbsd/amd64",
            "android/arm64",
        ],
        ldflags: "-s -w -X main.version={{version}} -X main.revision={{short_commit}}",
        notes: &[
            ("before", "before:"),
            ("notarize", "notarize:"),
            ("release.github", "  github:"),
            ("changelog", "changelog:"),
        ],
    },
    Case {
        module: "github.com/derailed/k9s",
        version: "v0.50.16",
        file: ".goreleaser.yml",
        config_version: 2,
        main: ".",
        // One build per GOOS of one binary: linux (amd64, arm64, arm 7, ppc64le, s390x),
        // freebsd (amd64, arm64), darwin and windows (amd64, arm64).
        targets: &[
            "linux/amd64",
            "linux/arm64",
            "linux/arm/7",
            "linux/ppc64le",
            "linux/s390x",
            "freebsd/amd64",
            "freebsd/arm64",
            "darwin/amd64",
            "darwin/arm64",
            "windows/amd64",
            "windows/arm64",
        ],
        ldflags: "-s -w -X github.com/derailed/k9s/cmd.version=v{{version}} -s -w -X github.com/derailed/k9s/cmd.commit={{commit}} -s -w -X github.com/derailed/k9s/cmd.date={{date}}",
        notes: &[
            ("before", "before:"),
            ("archives[0].name_template", "  - name_template:"),
            (
                "checksum.name_template",
                "  name_template: \"checksums.sha256\"",
            ),
            ("brews", "brews:"),
            ("nfpms", "nfpms:"),
            ("sboms", "sboms:"),
        ],
    },
    Case {
        module: "github.com/go-task/task/v3",
        version: "v3.54.0",
        file: ".goreleaser.yml",
        config_version: 2,
        main: "cmd/task",
        // windows, darwin, linux, freebsd × 386, amd64, arm (6), arm64, riscv64; less the
        // ignored darwin/386, darwin/riscv64, windows/arm, windows/riscv64; less darwin/arm
        // (no port) and freebsd/riscv64 (broken in Go 1.26).
        targets: &[
            "windows/386",
            "windows/amd64",
            "windows/arm64",
            "darwin/amd64",
            "darwin/arm64",
            "linux/386",
            "linux/amd64",
            "linux/arm/6",
            "linux/arm64",
            "linux/riscv64",
            "freebsd/386",
            "freebsd/amd64",
            "freebsd/arm/6",
            "freebsd/arm64",
        ],
        // `{{if .IsNightly}}...{{end}}` renders empty for a release.
        ldflags: "-s -w",
        notes: &[
            ("builds[0].mod_timestamp", "    mod_timestamp:"),
            ("builds[0].ldflags", "    ldflags:"),
            ("nfpms", "nfpms:"),
            ("homebrew_casks", "homebrew_casks:"),
            ("winget", "winget:"),
            ("npms", "npms:"),
        ],
    },
    Case {
        module: "github.com/goreleaser/goreleaser",
        version: "v1.26.2",
        file: ".goreleaser.yaml",
        config_version: 1,
        main: ".",
        // linux, darwin, windows × 386, amd64, arm (7), arm64, ppc64; less the ignored
        // windows/arm, and darwin/386, darwin/arm, darwin/ppc64, windows/ppc64 (no ports).
        targets: &[
            "linux/386",
            "linux/amd64",
            "linux/arm/7",
            "linux/arm64",
            "linux/ppc64",
            "darwin/amd64",
            "darwin/arm64",
            "windows/386",
            "windows/amd64",
            "windows/arm64",
        ],
        // `-X main.treeState={{ .IsGitDirty }}` has no placeholder: left out, and named.
        ldflags: "-s -w -X main.version={{version}} -X main.commit={{commit}} -X main.date={{date}} -X main.builtBy=goreleaser",
        notes: &[
            ("before", "before:"),
            ("builds[0].ldflags", "    ldflags:"),
            ("universal_binaries", "universal_binaries:"),
            ("dockers", "dockers:"),
            ("brews", "brews:"),
            ("signs", "signs:"),
        ],
    },
];

/// The module's directory in the module cache (`go mod download`).
fn download(case: &Case) -> PathBuf {
    let out = run_ok(
        Command::new("go")
            .args(["mod", "download", "-json"])
            .arg(format!("{}@{}", case.module, case.version))
            .env("GOFLAGS", "-mod=mod")
            .current_dir(std::env::temp_dir()),
    );
    let info: serde_json::Value = serde_json::from_str(&out).unwrap();
    PathBuf::from(
        info["Dir"]
            .as_str()
            .expect("go mod download -json gives Dir"),
    )
}

/// The 1-based line of the first line of `text` that starts with `start`.
fn line_of(text: &str, start: &str) -> u64 {
    text.lines()
        .position(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no line starts with {start:?}")) as u64
        + 1
}

#[test]
fn real_goreleaser_configs_import_what_goreleaser_builds() {
    if !common::require_tool("go", "install Go from https://go.dev/dl/") {
        return;
    }
    for case in CASES {
        let dir = download(case);
        let path = dir.join(case.file);
        let text = std::fs::read_to_string(&path).unwrap();
        let declared = text
            .lines()
            .find_map(|l| l.strip_prefix("version: "))
            .map_or(1, |v| v.trim().parse().unwrap());
        assert_eq!(declared, case.config_version, "{}", case.module);
        assert_eq!(gocross::goreleaser::find(&dir), Some(path.clone()));
        let module = GoMod::read(&dir).unwrap();
        let imported = gocross::goreleaser::import_file(&path, Some(&module))
            .unwrap_or_else(|e| panic!("{}: {e}", case.module));

        let targets: Vec<String> = imported.targets.iter().map(ToString::to_string).collect();
        assert_eq!(targets, case.targets, "{}: targets", case.module);
        assert_eq!(
            imported.ldflags.as_deref(),
            Some(case.ldflags),
            "{}: ldflags",
            case.module
        );
        assert!(imported.binaries.is_empty(), "{}: one binary", case.module);
        let main = if case.main == "." {
            None
        } else {
            Some(format!("./{}", case.main))
        };
        assert_eq!(imported.main, main, "{}", case.module);
        assert_eq!(imported.flags, Some(vec!["-trimpath".to_string()]));
        assert!(!imported.cgo);

        // Every note names a key at its line; the ones listed are among them.
        for (key, start) in case.notes {
            let line = line_of(&text, start);
            assert!(
                imported
                    .notes
                    .iter()
                    .any(|n| n.key == *key && n.line == line),
                "{}: no note for `{key}` at line {line}: {:#?}",
                case.module,
                imported.notes
            );
        }
        for n in &imported.notes {
            let shown = text.lines().nth(n.line as usize - 1).unwrap_or_default();
            let last = n
                .key
                .rsplit(['.', '['])
                .next()
                .unwrap()
                .trim_end_matches(']');
            assert!(
                shown.contains(last) || n.key.ends_with(']') || n.key.starts_with("builds["),
                "{}: note {n} is at line {}: {shown:?}",
                case.module,
                n.line
            );
        }
        let mut lines: Vec<u64> = imported.notes.iter().map(|n| n.line).collect();
        let sorted = {
            let mut s = lines.clone();
            s.sort();
            s
        };
        assert_eq!(lines, sorted, "{}: notes in file order", case.module);
        lines.dedup();

        // The text written: version 1, the targets in GoReleaser's order, the ldflags.
        let written = InitConfig::imported(&module, &imported, None)
            .render()
            .unwrap();
        let yaml: serde_json::Value = serde_saphyr::from_str(&written).unwrap();
        assert_eq!(yaml["version"], 1);
        assert_eq!(yaml["targets"], serde_json::json!(case.targets));
        assert_eq!(yaml["ldflags"], case.ldflags);
        assert_eq!(yaml["flags"], serde_json::json!(["-trimpath"]));
    }
}

/// Copies what `ci init` reads from a module: go.mod, the GoReleaser file and the main
/// package's Go files (the module cache's copy is read-only).
fn module_copy(case: &Case, src: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for file in ["go.mod", case.file] {
        std::fs::copy(src.join(file), dir.path().join(file)).unwrap();
    }
    let main = dir.path().join(case.main);
    std::fs::create_dir_all(&main).unwrap();
    for entry in std::fs::read_dir(src.join(case.main)).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "go") {
            std::fs::copy(&path, main.join(path.file_name().unwrap())).unwrap();
        }
    }
    run_ok(Command::new("chmod").args(["-R", "u+w"]).arg(dir.path()));
    dir
}

/// Needs the `binaries:` and `archives:` keys of gocross.yaml, which the import writes.
#[test]
fn imported_configs_plan_what_goreleaser_builds() {
    if !common::require_tool("go", "install Go from https://go.dev/dl/")
        || !common::require_pinned_build()
    {
        return;
    }
    for case in CASES {
        let src = download(case);
        let dir = module_copy(case, &src);
        let text = std::fs::read_to_string(src.join(case.file)).unwrap();
        let (out, stdout, stderr) = run(gocross()
            .arg("-C")
            .arg(dir.path())
            .args(["ci", "init", "--yes"]));
        assert!(out.status.success(), "{}: {stdout}\n{stderr}", case.module);
        let file = dir.path().join(case.file);
        assert!(
            stdout.contains(&format!("(imported from {})", file.display())),
            "{stdout}"
        );
        for (key, start) in case.notes {
            let expected = format!(
                "{}:{}: not carried over: {key}: ",
                file.display(),
                line_of(&text, start)
            );
            assert!(
                stdout.contains(&expected),
                "{}: {expected}\n{stdout}",
                case.module
            );
        }
        let plan: serde_json::Value = serde_json::from_str(&run_ok(
            gocross().arg("-C").arg(dir.path()).args(["plan", "--json"]),
        ))
        .unwrap();
        let jobs = plan["jobs"].as_array().unwrap();
        let targets: Vec<&str> = jobs.iter().map(|j| j["target"].as_str().unwrap()).collect();
        assert_eq!(targets, case.targets, "{}", case.module);
        for job in jobs {
            assert_eq!(
                job["ldflags"], case.ldflags,
                "{}: {}",
                case.module, job["target"]
            );
        }
    }
}

#[test]
fn the_readme_shows_the_gocross_yaml_imported_for_fzf() {
    if !common::require_tool("go", "install Go from https://go.dev/dl/") {
        return;
    }
    let case = &CASES[0];
    let dir = download(case);
    let module = GoMod::read(&dir).unwrap();
    let imported = gocross::goreleaser::import_file(&dir.join(case.file), Some(&module)).unwrap();
    let mut init = InitConfig::imported(&module, &imported, None);
    init.imported_from = Some(case.file.into());
    init.verify = Some(gocross::generate::init::verify_for(&dir, &["."]));
    let readme = std::fs::read_to_string(common::repo().join("README.md")).unwrap();
    let start = readme
        .find("# gocross.yaml for github.com/junegunn/fzf:")
        .expect("the README shows fzf's import");
    let shown = &readme[start..start + readme[start..].find("```").unwrap()];
    assert_eq!(shown, init.render().unwrap());
}
