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

use crate::common;

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
            // No note for `archives[0].name_template` (`title .Os`): each target keeps
            // GoReleaser's name.
            (
                "checksum.name_template",
                "  name_template: \"checksums.sha256\"",
            ),
            ("brews[0].name", "  - name: k9s"),
            ("nfpms[0].maintainer", "    maintainer: Fernand Galiana"),
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
            ("nfpms[0].vendor", "  - vendor: Task"),
            ("nfpms[0].file_name_template", "    file_name_template:"),
            ("homebrew_casks[0].name", "  - name: go-task"),
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
            ("universal_binaries[0].replace", "  - replace: false"),
            ("dockers", "dockers:"),
            ("brews[0].goarm", "    goarm: \"7\""),
            ("nfpms[0].description", "    description: |-"),
            ("nfpms[0].formats[3]", "      - archlinux"),
            (
                "signs[0].certificate",
                "    certificate: \"${artifact}.pem\"",
            ),
        ],
    },
];

/// A recorded project's fixture directory, its recording (`goreleaser.json`) and its
/// module's directory in the module cache.
fn recorded(name: &str) -> (PathBuf, serde_json::Value, PathBuf) {
    let fixture = common::repo().join("tests/fixtures/goreleaser").join(name);
    let recorded: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture.join("goreleaser.json")).unwrap())
            .unwrap();
    let src = download(recorded["module"].as_str().unwrap());
    (fixture, recorded, src)
}

/// The directory of `module` (`path@version`) in the module cache (`go mod download`).
fn download(module: &str) -> PathBuf {
    let out = run_ok(
        Command::new("go")
            .args(["mod", "download", "-json", module])
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
        let dir = download(&format!("{}@{}", case.module, case.version));
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
    if !common::require_tool("go", "install Go from https://go.dev/dl/") {
        return;
    }
    for case in CASES {
        let src = download(&format!("{}@{}", case.module, case.version));
        let dir = module_copy(case, &src);
        let text = std::fs::read_to_string(src.join(case.file)).unwrap();
        let (out, stdout, stderr) = run(gocross().arg("-C").arg(dir.path()).args([
            "ci",
            "init",
            "--yes",
            "--action",
            common::PINNED_ACTION,
        ]));
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
    let dir = download(&format!("{}@{}", case.module, case.version));
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

/// The real projects whose GoReleaser output is recorded under
/// tests/fixtures/goreleaser/<name>/goreleaser.json (see record.sh there): the project's
/// folder, and the GoReleaser file the module ships.
const RECORDED: &[(&str, &str)] = &[
    ("croc", ".goreleaser.yml"),
    ("kubectx", ".goreleaser.yml"),
    ("dive", ".goreleaser.yaml"),
    ("fzf", ".goreleaser.yml"),
    ("k9s", ".goreleaser.yml"),
];

/// A gocross target from the GOOS, GOARCH and sub-architecture GoReleaser built: the
/// variant written for arm always, for the others only when it is not GoReleaser's (and
/// Go's) default.
fn target_of(field: &dyn Fn(&str) -> Option<String>) -> String {
    let goos = field("goos").unwrap();
    let goarch = field("goarch").unwrap();
    let (var, default) = match goarch.as_str() {
        "arm" => ("goarm", ""),
        "amd64" => ("goamd64", "v1"),
        "386" => ("go386", "sse2"),
        "arm64" => ("goarm64", "v8.0"),
        "mips" | "mipsle" | "mips64" | "mips64le" => ("gomips", "hardfloat"),
        "ppc64" | "ppc64le" => ("goppc64", "power8"),
        "riscv64" => ("goriscv64", "rva20u64"),
        _ => ("", ""),
    };
    match field(var).filter(|v| !v.is_empty() && v != default) {
        Some(v) => format!("{goos}/{goarch}/{v}"),
        None => format!("{goos}/{goarch}"),
    }
}

/// `gocross ci init` on a real project's own GoReleaser file gives the plan GoReleaser
/// builds: the same targets, the same -ldflags (gocross's placeholders filled with the
/// values GoReleaser's run had), every target's archive named as GoReleaser named it, and
/// for each other archive (of a second binary) and the checksums file either GoReleaser's
/// name or a printed `renamed: ... old -> new` line that gives both names.
#[test]
fn imports_plan_what_goreleaser_itself_made() {
    if !common::require_tool("go", "install Go from https://go.dev/dl/") {
        return;
    }
    use gocross::template::{Placeholder, Template, Values};
    let sample = "1.2.3";
    let ports = run_ok(Command::new("go").args(["tool", "dist", "list"]));
    let is_port = |ports: &str, target: &str| {
        let platform: Vec<&str> = target.splitn(3, '/').take(2).collect();
        ports.lines().any(|l| l == platform.join("/"))
    };
    for (name, file) in RECORDED {
        let (fixture, recorded, src) = recorded(name);
        // The file the test imports is the one committed beside the recording.
        assert_eq!(
            std::fs::read_to_string(src.join(file)).unwrap(),
            std::fs::read_to_string(fixture.join(file)).unwrap(),
            "{name}: the committed config is the module's"
        );
        let dir = common::copy_module(&src);
        let (status, stdout, stderr) = run(gocross().arg("-C").arg(dir.path()).args([
            "ci",
            "init",
            "--yes",
            "--action",
            common::PINNED_ACTION,
        ]));
        assert!(status.status.success(), "{name}: {stdout}\n{stderr}");
        let plan: serde_json::Value = serde_json::from_str(&run_ok(
            gocross().arg("-C").arg(dir.path()).args(["plan", "--json"]),
        ))
        .unwrap();
        let jobs = plan["jobs"].as_array().unwrap();

        // Targets.
        let mut planned: Vec<String> = jobs
            .iter()
            .map(|j| j["target"].as_str().unwrap().to_string())
            .collect();
        let mut built: Vec<String> = recorded["binaries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| target_of(&|k| b[k].as_str().map(String::from)))
            .collect();
        planned.sort();
        built.sort();
        built.dedup();
        // GoReleaser v1 built ports that Go has since removed (windows/arm, gone in Go 1.26);
        // GoReleaser v2 skips what `go tool dist list` does not have, and so does gocross.
        let (gone, built): (Vec<String>, Vec<String>) =
            built.into_iter().partition(|t| !is_port(&ports, t));
        // ... and says so.
        for t in &gone {
            assert!(
                stdout.lines().any(|l| l.contains("not carried over")
                    && l.contains("GoReleaser v1 built")
                    && l.contains(t.as_str())),
                "{name}: {t} is dropped without a word:\n{stdout}"
            );
        }
        assert_eq!(planned, built, "{name}: targets");

        // -ldflags, filled as GoReleaser's run filled its templates.
        let meta = &recorded["metadata"];
        let date = meta["date"].as_str().unwrap();
        let date = format!("{}Z", &date[..19]);
        let version = meta["version"].as_str().unwrap();
        let tag = meta["tag"].as_str().unwrap();
        let project = plan["project"].as_str().unwrap();
        for b in recorded["builds"].as_array().unwrap() {
            let target = target_of(&|k| b["env"][k.to_uppercase()].as_str().map(String::from));
            if !is_port(&ports, &target) {
                continue;
            }
            let job = jobs
                .iter()
                .find(|j| j["target"] == target)
                .unwrap_or_else(|| panic!("{name}: no job for {target}"));
            let binary = b["binary"].as_str().unwrap();
            let bin = job["binaries"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["name"] == binary)
                .unwrap_or_else(|| panic!("{name}: {target} builds no {binary}"));
            let t: gocross::targets::Target = target.parse().unwrap();
            let values = Values {
                version,
                tag,
                commit: meta["commit"].as_str().unwrap(),
                date: &date,
                project,
                binary: Some(binary),
                target: Some(&t),
            };
            let ldflags = Template::parse(bin["ldflags"].as_str().unwrap(), Placeholder::LDFLAGS)
                .unwrap()
                .render(&values, &|_| None)
                .unwrap();
            let theirs: Vec<&str> = b["ldflags"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l.as_str().unwrap())
                .collect();
            assert_eq!(
                ldflags,
                theirs.join(" "),
                "{name}: {target} {binary} ldflags"
            );
        }

        // Archive names: GoReleaser's, or a `renamed:` line that gives both.
        let renamed: Vec<&str> = stdout
            .lines()
            .filter(|l| l.contains(": renamed: "))
            .collect();
        let from_sample = |s: &str| {
            s.replace(&format!("v{sample}"), tag)
                .replace(sample, version)
        };
        // gocross's archive name of a job, filled for a release.
        let ours = |job: &serde_json::Value, version: &str, tag: &str| {
            let t: gocross::targets::Target = job["target"].as_str().unwrap().parse().unwrap();
            let archive = &job["archive"];
            let base =
                Template::parse(archive["name"].as_str().unwrap(), Placeholder::ARCHIVE_NAME)
                    .unwrap()
                    .render(
                        &Values {
                            version,
                            tag,
                            commit: "none",
                            date: &date,
                            project,
                            binary: None,
                            target: Some(&t),
                        },
                        &|_| None,
                    )
                    .unwrap();
            format!("{base}.{}", archive["format"].as_str().unwrap())
        };
        let theirs: Vec<&str> = recorded["archives"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap())
            .collect();
        // Every target's archive is one GoReleaser made: archives[0]'s (or GoReleaser's
        // default archive's) names are all kept; only a further archive (kubectx's of
        // kubens) is renamed.
        let mut archived = 0;
        for job in jobs.iter().filter(|j| !j["archive"].is_null()) {
            let archive = ours(job, version, tag);
            assert!(
                theirs.contains(&archive.as_str()),
                "{name}: {}: {archive} is no archive GoReleaser made: {theirs:#?}\n{stdout}",
                job["target"].as_str().unwrap()
            );
            archived += 1;
        }
        assert!(archived >= 3, "{name}: {archived} archives");
        assert!(
            !renamed
                .iter()
                .any(|l| [": archives[0].", ": archives[0]: ", ": archives: "]
                    .iter()
                    .any(|k| l.contains(k))),
            "{name}: {renamed:#?}"
        );
        let mut same = 0;
        for a in recorded["archives"].as_array().unwrap() {
            let target = target_of(&|k| a[k].as_str().map(String::from));
            if !is_port(&ports, &target) {
                continue;
            }
            let theirs = a["name"].as_str().unwrap();
            let job = jobs.iter().find(|j| j["target"] == target).unwrap();
            let ours = |version: &str, tag: &str| ours(job, version, tag);
            // The `renamed:` line of this target whose old name is this archive's.
            let renamed_line = renamed
                .iter()
                .filter(|l| l.contains(": archives") && l.contains(&format!(": {target}: ")))
                .find(|l| {
                    let old = l.rsplit_once(": ").unwrap().1.split_once(" -> ").unwrap().0;
                    from_sample(old) == theirs
                });
            if ours(version, tag) == theirs {
                same += 1;
                assert!(
                    renamed_line.is_none(),
                    "{name}: {target} keeps its name: {renamed:#?}"
                );
                continue;
            }
            let line = renamed_line.unwrap_or_else(|| {
                panic!(
                    "{name}: {target}: {theirs} becomes {} without a word:\n{stdout}",
                    ours(version, tag)
                )
            });
            let new = line.rsplit_once(" -> ").unwrap().1;
            assert_eq!(new, ours(sample, &format!("v{sample}")), "{name}: {line}");
        }
        eprintln!(
            "{name}: {same} of {} archive names are GoReleaser's",
            recorded["archives"].as_array().unwrap().len()
        );

        // The checksums file.
        for theirs in recorded["checksums"].as_array().unwrap() {
            let theirs = theirs.as_str().unwrap();
            if theirs == "checksums.txt" {
                continue;
            }
            let line = renamed
                .iter()
                .find(|l| l.contains(": checksums: "))
                .unwrap_or_else(|| {
                    panic!("{name}: {theirs} becomes checksums.txt without a word:\n{stdout}")
                });
            assert!(
                line.ends_with(" -> checksums.txt")
                    && from_sample(line).contains(&format!(": {theirs} -> ")),
                "{name}: {line}"
            );
        }
    }
}

/// `gocross ci init` on the recorded projects' own files carries their packages, Homebrew
/// tap and Scoop bucket over to gocross.yaml's keys, and what it cannot carry is named at
/// its line; the file it writes loads with them.
#[test]
fn imported_channels_load_with_the_new_keys() {
    if !common::require_tool("go", "install Go from https://go.dev/dl/") {
        return;
    }
    // (fixture, packages' formats and maintainer, Homebrew tap and token variable, Scoop
    // bucket, notes as (key, start of its line)).
    type Expected = (
        &'static str,
        Option<(&'static [&'static str], &'static str)>,
        Option<(&'static str, Option<&'static str>)>,
        Option<&'static str>,
        &'static [(&'static str, &'static str)],
    );
    const EXPECTED: &[Expected] = &[
        (
            "croc",
            Some((&["deb"], "Zack Scholl <zack.scholl@gmail.com>")),
            Some(("schollz/homebrew-tap", None)),
            Some("schollz/scoop-bucket"),
            &[
                ("nfpms[0].vendor", "    vendor: \"schollz.com\""),
                ("nfpms[0].file_name_template", "    file_name_template:"),
                ("nfpms[0].replacements", "    replacements:"),
                ("brews[0].folder", "    folder: Formula"),
                ("scoop.homepage", "  homepage:"),
            ],
        ),
        (
            "dive",
            None,
            Some(("wagoodman/homebrew-dive", Some("TAP_GITHUB_TOKEN"))),
            None,
            &[("nfpms[0].maintainer", "    maintainer: Alex Goodman")],
        ),
        (
            "k9s",
            None,
            Some(("derailed/homebrew-k9s", None)),
            None,
            &[
                ("brews[0].commit_author", "    commit_author:"),
                ("nfpms[0].maintainer", "    maintainer: Fernand Galiana"),
            ],
        ),
    ];
    for (name, packages, homebrew, scoop, notes) in EXPECTED {
        let file = RECORDED.iter().find(|(n, _)| n == name).unwrap().1;
        let (fixture, _, src) = recorded(name);
        let dir = common::copy_module(&src);
        let stdout = run_ok(gocross().arg("-C").arg(dir.path()).args([
            "ci",
            "init",
            "--yes",
            "--action",
            common::PINNED_ACTION,
        ]));
        let text = std::fs::read_to_string(fixture.join(file)).unwrap();
        for (key, start) in *notes {
            let expected = format!(
                "{}:{}: not carried over: {key}: ",
                dir.path().join(file).display(),
                line_of(&text, start)
            );
            assert!(stdout.contains(&expected), "{name}: {expected}\n{stdout}");
        }
        let written = std::fs::read_to_string(dir.path().join("gocross.yaml")).unwrap();
        let config = gocross::config::Config::parse(
            &written,
            &dir.path().join("gocross.yaml"),
            Some(&GoMod::read(dir.path()).unwrap()),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}\n{written}"));
        match (packages, &config.packages) {
            (Some((formats, maintainer)), Some(p)) => {
                let got: Vec<&str> = p.value.formats.iter().map(|f| f.as_str()).collect();
                assert_eq!(&got, formats, "{name}");
                assert_eq!(&p.value.maintainer, maintainer, "{name}");
                assert!(!p.value.description.is_empty());
            }
            (None, None) => {}
            (want, got) => panic!("{name}: packages {want:?}, got {got:?}\n{written}"),
        }
        let tap = config
            .homebrew
            .as_ref()
            .map(|h| (h.value.repository.as_str(), h.value.token_env.as_deref()));
        assert_eq!(tap, *homebrew, "{name}\n{written}");
        let bucket = config.scoop.as_ref().map(|s| s.value.repository.as_str());
        assert_eq!(bucket, *scoop, "{name}\n{written}");
    }
}
