use super::*;
use crate::generate::init::InitConfig;
use channels::PackageFile;

fn module() -> GoMod {
    GoMod::parse("module example.com/tool/v2\n").unwrap()
}

fn imported(yaml: &str) -> Imported {
    import(yaml, Path::new(".goreleaser.yaml"), Some(&module())).unwrap()
}

fn targets(i: &Imported) -> Vec<String> {
    i.targets.iter().map(ToString::to_string).collect()
}

/// The notes as `line: key: message` lines.
fn notes(i: &Imported) -> Vec<String> {
    i.notes
        .iter()
        .map(|n| format!("{}: {}", n.line, n))
        .collect()
}

#[test]
fn an_empty_config_is_goreleasers_defaults() {
    let i = imported("version: 2\n");
    assert_eq!(i.project.as_deref(), Some("tool"));
    assert_eq!(
        targets(&i),
        [
            "linux/amd64",
            "linux/arm64",
            "linux/386",
            "darwin/amd64",
            "darwin/arm64",
            "windows/amd64",
            "windows/arm64",
            "windows/386"
        ]
    );
    assert_eq!(
        i.ldflags.as_deref(),
        Some(
            "-s -w -X main.version={{version}} -X main.commit={{commit}} -X main.date={{date}} -X main.builtBy=goreleaser"
        )
    );
    assert_eq!(
        i.flags,
        Some(vec![]),
        "GoReleaser passes no -trimpath unless told"
    );
    assert_eq!(
        i.archives.as_ref().and_then(|a| a.format.as_deref()),
        Some("tar.gz"),
        "GoReleaser's default archive is tar.gz on windows too"
    );
    assert!(i.notes.is_empty(), "{:?}", notes(&i));
}

#[test]
fn one_binary_built_per_goos_is_one_binary_with_overrides_where_builds_differ() {
    let i = imported(
        "version: 2\nproject_name: tool\nbuilds:\n  - id: linux\n    goos: [linux]\n    goarch: [amd64, arm64]\n    env: [CGO_ENABLED=0]\n    flags: [-trimpath]\n    ldflags: -s -w -X main.version={{.Version}}\n  - id: windows\n    goos: [windows]\n    goarch: [amd64]\n    env: [CGO_ENABLED=0]\n    flags: [-trimpath]\n    ldflags: -s -w -X main.version={{.Version}} -H windowsgui\n",
    );
    assert_eq!(targets(&i), ["linux/amd64", "linux/arm64", "windows/amd64"]);
    assert!(i.binaries.is_empty());
    assert_eq!(
        i.ldflags.as_deref(),
        Some("-s -w -X main.version={{version}}")
    );
    assert_eq!(
        i.overrides,
        [Override {
            targets: vec!["windows/amd64".parse().unwrap()],
            ldflags: Some("-s -w -X main.version={{version}} -H windowsgui".into()),
            ..Override::default()
        }]
    );
    assert!(!i.cgo);
}

#[test]
fn several_binaries_share_what_they_have_in_common() {
    let i = imported(
        "version: 2\nproject_name: age\nenv: [CGO_ENABLED=1]\nbuilds:\n  - id: age\n    main: ./cmd/age\n    binary: age\n    goos: [linux, darwin]\n    goarch: [amd64]\n    flags: [-trimpath]\n    ldflags: [-s -w, '-X main.Version={{ .Version }}']\n  - id: keygen\n    main: cmd/age-keygen/main.go\n    binary: age-keygen\n    goos: [linux]\n    goarch: [amd64]\n    flags: [-trimpath]\n    ldflags: -s -w\n    tags: [netgo]\n",
    );
    assert_eq!(i.project.as_deref(), Some("age"));
    assert_eq!(targets(&i), ["linux/amd64", "darwin/amd64"]);
    assert_eq!(i.flags, Some(vec!["-trimpath".to_string()]));
    assert_eq!(i.ldflags, None, "the binaries' ldflags differ");
    assert!(i.cgo, "CGO_ENABLED=1 for every build");
    assert_eq!(
        i.static_link,
        Some(false),
        "GoReleaser links cgo dynamically"
    );
    let names: Vec<(&str, &str)> = i
        .binaries
        .iter()
        .map(|b| (b.name.as_str(), b.main.as_str()))
        .collect();
    assert_eq!(
        names,
        [("age", "./cmd/age"), ("age-keygen", "./cmd/age-keygen")]
    );
    assert_eq!(
        i.binaries[0].ldflags.as_deref(),
        Some("-s -w -X main.Version={{version}}")
    );
    assert_eq!(i.binaries[1].tags, Some(vec!["netgo".to_string()]));
    assert_eq!(
        notes(&i),
        [
            "12: builds[1]: gocross builds every binary for every target: `age-keygen` is also built for darwin/amd64",
            "13: builds[1].main: gocross builds packages, not files: `cmd/age-keygen/main.go` is built as the package `./cmd/age-keygen`",
        ]
    );
}

#[test]
fn flags_that_would_run_a_program_are_left_out_with_a_note() {
    let i = imported(
        "version: 2\nbuilds:\n  - env:\n      - GOFLAGS=-mod=mod -toolexec=/tmp/x\n      - GOROOT=/tmp/go\n      - GOEXPERIMENT=boringcrypto\n    flags: [-trimpath, -exec=/tmp/x]\n    goos: [linux]\n    goarch: [amd64]\n",
    );
    assert_eq!(
        notes(&i),
        [
            "4: builds[0].env[0]: `GOFLAGS=-mod=mod -toolexec=/tmp/x` is left out: GOFLAGS holds `-toolexec=/tmp/x`, which is not allowed in `flags` either: it runs programs or swaps in sources outside the build gocross plans; build hooks belong in `ci.steps_before_build`",
            "5: builds[0].env[1]: `GOROOT=/tmp/go` is left out: GOROOT chooses the compiler and linker that `go build` runs: gocross builds with the `go` on PATH (the workflow installs `ci.go_version`)",
            "7: builds[0].flags: `-exec=/tmp/x` is left out: it runs programs or swaps in sources outside the build gocross plans; build hooks belong in `ci.steps_before_build`",
        ]
    );
    assert_eq!(i.flags, Some(vec!["-trimpath".to_string()]));
    assert_eq!(
        i.env.iter().collect::<Vec<_>>(),
        [(&"GOEXPERIMENT".to_string(), &"boringcrypto".to_string())]
    );
}

#[test]
fn every_key_not_carried_over_is_named_once_with_its_line() {
    let i = imported(
        "version: 2\nbefore:\n  hooks:\n    - go mod tidy\nbuilds:\n  - env:\n      - CGO_ENABLED=0\n      - GOARCH=arm64\n      - VERSION={{ .Version }}\n    hooks:\n      post: upx\n    goos: [linux]\n    goarch: [amd64]\n    ldflags:\n      - -s -w -X main.dirty={{ .IsGitDirty }} -X main.version={{ .Tag }}\nbrews:\n  - name: tool\n    repository: {owner: o, name: n}\ndockers:\n  - image_templates: [x]\nchecksum:\n  name_template: '{{ .ProjectName }}_checksums.txt'\n  algorithm: sha512\nrelease:\n  draft: true\n  github: {owner: o, name: n}\n",
    );
    assert_eq!(
        notes(&i),
        [
            "2: before: gocross runs no hooks: put the commands in `ci.steps_before_build`",
            "8: builds[0].env[1]: gocross sets GOARCH from the target and cgo settings",
            "9: builds[0].env[2]: `VERSION={{ .Version }}` is left out: gocross passes `env:` values as written, without templates or variables",
            "10: builds[0].hooks: gocross runs no build hooks: put the commands in `ci.steps_before_build`",
            "14: builds[0].ldflags: `-X main.dirty={{ .IsGitDirty }}` is left out: {{ .IsGitDirty }} has no gocross placeholder",
            "17: brews[0].name: gocross writes the file itself from the release's own assets (every command, a `--version` test)",
            "19: dockers: gocross builds the multi-arch image itself: see `image:` in its README",
            "22: checksum.name_template: gocross names the checksums file checksums.txt, not `{{ .ProjectName }}_checksums.txt`",
            "23: checksum.algorithm: gocross's checksums are sha256, not sha512",
            "26: release.github: gocross releases to the repository whose workflow runs it",
        ]
    );
    assert_eq!(i.ldflags.as_deref(), Some("-s -w -X main.version={{tag}}"));
    assert!(i.env.is_empty());
    assert!(i.draft);
}

#[test]
fn archives_keep_what_maps() {
    let i = imported(
        "version: 2\narchives:\n  - formats: [tar.xz]\n    format_overrides:\n      - goos: windows\n        formats: [zip]\n      - goos: darwin\n        format: zip\n    name_template: '{{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}{{ with .Arm }}v{{ . }}{{ end }}'\n    wrap_in_directory: true\n    files:\n      - LICENSE\n      - src: docs/*.md\n        dst: docs\n  - id: other\n    format: zip\n",
    );
    let a = i.archives.clone().unwrap();
    assert_eq!(a.format.as_deref(), Some("tar.xz"));
    assert_eq!(a.name, None, "the name is gocross's default");
    assert_eq!(a.wrap_in_directory, Some(true));
    assert_eq!(
        a.files,
        Some(vec!["LICENSE".to_string(), "docs/*.md".to_string()])
    );
    // `format_overrides` are overrides of the GOOS's targets.
    let overridden: Vec<(Vec<String>, Option<&str>)> = i
        .overrides
        .iter()
        .map(|o| {
            (
                o.targets.iter().map(ToString::to_string).collect(),
                o.archive_format.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        overridden,
        [
            (
                vec![
                    "windows/amd64".to_string(),
                    "windows/arm64".to_string(),
                    "windows/386".to_string()
                ],
                Some("zip")
            ),
            (
                vec!["darwin/amd64".to_string(), "darwin/arm64".to_string()],
                Some("zip")
            ),
        ]
    );
    let text = InitConfig::imported(&module(), &i, None).render().unwrap();
    assert!(
        text.contains(
            "  - targets: [\"darwin/amd64\", \"darwin/arm64\"]\n    archive_format: zip\n"
        ),
        "{text}"
    );
    let config =
        crate::config::Config::parse(&text, Path::new("gocross.yaml"), Some(&module())).unwrap();
    assert_eq!(config.overrides.len(), 2);
    assert!(
        !i.renames.iter().any(|r| r.key.starts_with("archives[0]")),
        "the first archive keeps its names: {:?}",
        i.renames
    );
    assert_eq!(
        notes(&i),
        [
            "13: archives[0].files[1]: gocross packs `docs/*.md` at its path in the module (no dst, strip_parent or info)",
            "15: archives[1]: gocross makes one archive per target, as archives[0] says; this one is not carried over",
        ]
    );
    let i = imported(
        "version: 1\narchives:\n  - format: tar.gz\n    format_overrides: [{goos: windows, format: zip}]\n",
    );
    assert_eq!(i.archives, Some(Archives::default()), "gocross's defaults");
    let i = imported("archives:\n  - format: binary\n");
    assert_eq!(
        i.archives.and_then(|a| a.format),
        Some("binary".to_string())
    );
}

#[test]
fn skipped_and_other_builders_are_not_imported() {
    let i = imported(
        "version: 2\nbuilds:\n  - id: rs\n    builder: rust\n  - id: off\n    skip: true\n  - id: go\n    goos: [linux]\n    goarch: [arm64]\n",
    );
    assert_eq!(targets(&i), ["linux/arm64"]);
    assert_eq!(
        notes(&i),
        ["4: builds[0].builder: gocross builds Go programs; this `rust` build is not imported"]
    );
    let err = import(
        "version: 2\nbuilds:\n  - builder: zig\n",
        Path::new(".goreleaser.yaml"),
        Some(&module()),
    )
    .unwrap_err();
    assert!(matches!(err, ImportError::NoBuild { .. }), "{err}");
}

#[test]
fn only_config_versions_1_and_2_are_read() {
    let err = import("version: 3\n", Path::new(".goreleaser.yml"), None).unwrap_err();
    assert_eq!(
        err.to_string(),
        ".goreleaser.yml:1: version 3: gocross imports GoReleaser configs of version 0, 1 and 2"
    );
    let err = import(
        "builds:\n  - goos: [linux]\n    goarch: {x: y}\n",
        Path::new(".goreleaser.yml"),
        None,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with(".goreleaser.yml:3:13: key `builds[0].goarch`"),
        "{err}"
    );
}

#[test]
fn the_written_config_is_gocross_yaml() {
    let i = imported(
        "version: 2\nproject_name: tool\nbuilds:\n  - main: ./cmd/tool\n    goos: [linux, windows]\n    goarch: [amd64, arm]\n    goarm: ['7']\n    env: [CGO_ENABLED=0, GOFLAGS=-mod=vendor]\n    flags: [-trimpath]\n    tags: [osusergo]\n    ldflags: -s -w -X main.version={{.Version}} -X main.commit={{.ShortCommit}}\narchives:\n  - formats: [tar.gz]\n    format_overrides: [{goos: windows, formats: [zip]}]\nrelease:\n  disable: true\nchecksum:\n  disable: true\n",
    );
    let text = InitConfig::imported(&module(), &i, Some("trunk".into()))
        .render()
        .unwrap();
    assert_eq!(
        text,
        "# gocross.yaml for example.com/tool/v2: how gocross cross-compiles it, locally and in the
# workflow it generates. Every key: `gocross schema`. After a change, run `gocross ci generate`.
version: 1
project: tool
main: ./cmd/tool
targets:
  - linux/amd64
  - linux/arm/7
  - windows/amd64
ldflags: '-s -w -X main.version={{version}} -X main.commit={{short_commit}}'
flags: [\"-trimpath\"]
tags: [\"osusergo\"]
env:
  GOFLAGS: '-mod=vendor'
archives: {}
release:
  enabled: false
  checksums: false
ci:
  branches:
    - trunk
"
    );
    // Nothing in it needs more than gocross.yaml's version 1 as this gocross reads it.
    let config =
        crate::config::Config::parse(&text, Path::new("gocross.yaml"), Some(&module())).unwrap();
    let t: Vec<String> = config.targets().iter().map(ToString::to_string).collect();
    assert_eq!(t, targets(&i));
    assert_eq!(config.ldflags, i.ldflags.unwrap());
    assert_eq!(config.env["GOFLAGS"], "-mod=vendor");
    assert!(!config.release.enabled && !config.release.checksums);
}

#[test]
fn binary_in_an_archive_name_is_the_one_binarys_name() {
    let name = |yaml: &str| {
        let i = imported(yaml);
        let notes = notes(&i);
        (i.archives.unwrap().name, notes)
    };
    let one = name(
        "version: 2\nbuilds:\n  - binary: tool\narchives:\n  - name_template: '{{ .Binary }}_{{ .Os }}_{{ .Arch }}'\n",
    );
    assert_eq!(one.0.as_deref(), Some("{{project}}_{{goos}}_{{goarch}}"));
    assert!(one.1.is_empty(), "{:?}", one.1);
    let renamed = name(
        "version: 2\nproject_name: suite\nbuilds:\n  - binary: tool\narchives:\n  - name_template: '{{ .Binary }}_{{ .Os }}_{{ .Arch }}'\n",
    );
    assert_eq!(renamed.0.as_deref(), Some("tool_{{goos}}_{{goarch}}"));
    let several = name(
        "version: 2\nbuilds:\n  - id: a\n    binary: a\n    main: ./cmd/a\n  - id: b\n    binary: b\n    main: ./cmd/b\narchives:\n  - name_template: '{{ .Binary }}_{{ .Os }}'\n",
    );
    assert_eq!(several.0, None);
    assert!(
        several
            .1
            .iter()
            .any(|n| n.contains("`.Binary` names one of several binaries")),
        "{:?}",
        several.1
    );
}

#[test]
fn version_0_singular_build_and_replacements_print_each_renamed_asset() {
    let i = imported(
        "project_name: croc\nbuild:\n  main: main.go\n  ldflags: -s -w -X main.Version=v{{.Version}}\n  hooks:\n    post: upx dist/*\n  goos: [linux, windows, darwin]\n  goarch: [amd64, arm]\n  goarm: [7]\n  ignore:\n    - goos: darwin\n      goarch: arm\narchives:\n  - format_overrides:\n      - goos: windows\n        format: zip\n    name_template: '{{.ProjectName}}_{{.Version}}_{{.Os}}-{{.Arch}}'\n    replacements:\n      amd64: 64bit\n      arm: ARM\n      linux: Linux\n",
    );
    assert_eq!(
        targets(&i),
        [
            "linux/amd64",
            "linux/arm/7",
            "windows/amd64",
            "darwin/amd64"
        ],
        "windows/arm is no Go port any more; darwin/arm is ignored"
    );
    assert_eq!(
        i.ldflags.as_deref(),
        Some("-s -w -X main.Version=v{{version}}")
    );
    assert_eq!(i.main, None, "main.go is the package `.`");
    // GoReleaser's names, `replacements` applied: the name most targets share, and the
    // others' own.
    assert_eq!(
        i.archives.as_ref().and_then(|a| a.name.as_deref()),
        Some("{{project}}_{{version}}_{{goos}}-64bit")
    );
    let names: Vec<String> = i
        .overrides
        .iter()
        .filter_map(|o| Some(format!("{}: {}", o.targets[0], o.archive_name.as_ref()?)))
        .collect();
    assert_eq!(
        names,
        [
            "linux/amd64: {{project}}_{{version}}_Linux-64bit",
            "linux/arm/7: {{project}}_{{version}}_Linux-ARM",
        ]
    );
    assert_eq!(
        notes(&i),
        [
            "2: build: GoReleaser v1 built windows/arm/7, a port Go removed in 1.25 (https://go.dev/doc/go1.25#windows): gocross cannot build it, and GoReleaser v2 skips it",
            "3: build.main: gocross builds packages, not files: `main.go` is built as the package `.`",
            "5: build.hooks: gocross runs no build hooks: put the commands in `ci.steps_before_build`",
        ]
    );
    let renames: Vec<String> = i
        .renames
        .iter()
        .map(|r| format!("{}: {r}", r.line))
        .collect();
    assert_eq!(
        renames,
        ["1: checksum: checksums: croc_1.2.3_checksums.txt -> checksums.txt"],
        "every archive keeps GoReleaser's name"
    );
    // `builds` wins over `build`, as in GoReleaser v1.
    let i = imported(
        "version: 1\nbuild:\n  goos: [plan9]\nbuilds:\n  - goos: [linux]\n    goarch: [arm64]\n",
    );
    assert_eq!(targets(&i), ["linux/arm64"]);
    assert!(
        notes(&i).contains(
            &"2: build: GoReleaser ignores `build` when `builds` is set, and so does gocross"
                .to_string()
        ),
        "{:?}",
        notes(&i)
    );
}

#[test]
fn names_that_stay_are_not_listed() {
    let i = imported(
        "version: 2\nbuilds:\n  - goos: [linux]\n    goarch: [amd64, arm64]\narchives:\n  - name_template: '{{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}'\nchecksum:\n  name_template: checksums.txt\n",
    );
    assert!(i.renames.is_empty(), "{:?}", i.renames);
}

#[test]
fn per_target_names_written_and_planned_are_goreleasers() {
    // k9s's `title .Os`, and amd64 named by its level: linux/amd64's override must not
    // name linux/amd64/v3's archive too.
    let i = imported(
        "version: 2\nbuilds:\n  - goos: [linux, windows, darwin]\n    goarch: [amd64, arm64]\n    goamd64: [v1, v3]\narchives:\n  - name_template: '{{ .ProjectName }}_{{ title .Os }}_{{ if eq .Arch \"amd64\" }}{{ if eq .Amd64 \"v1\" }}x86_64{{ else }}amd64{{ .Amd64 }}{{ end }}{{ else }}{{ .Arch }}{{ end }}_{{ .Version }}'\n    formats: [tar.gz]\n",
    );
    assert!(
        i.renames.iter().all(|r| r.asset == "checksums"),
        "{:?}",
        i.renames
    );
    let text = InitConfig::imported(&module(), &i, None).render().unwrap();
    let config =
        crate::config::Config::parse(&text, Path::new("gocross.yaml"), Some(&module())).unwrap();
    let names: Vec<String> = config
        .targets()
        .iter()
        .map(|t| {
            let (_, name) = config.archive_name_for(t).unwrap();
            let name = crate::template::Template::parse(
                &name.value,
                crate::template::Placeholder::ARCHIVE_NAME,
            )
            .unwrap();
            let values = crate::template::Values {
                version: "1.2.3",
                tag: "v1.2.3",
                commit: "0123456789abcdef0123456789abcdef01234567",
                date: "2026-01-02T03:04:05Z",
                project: &config.project,
                binary: None,
                target: Some(t),
            };
            format!("{t}: {}", name.render(&values, &|_| None).unwrap())
        })
        .collect();
    assert_eq!(
        names,
        [
            "linux/amd64: tool_Linux_x86_64_1.2.3",
            "linux/amd64/v3: tool_Linux_amd64v3_1.2.3",
            "linux/arm64: tool_Linux_arm64_1.2.3",
            "windows/amd64: tool_Windows_x86_64_1.2.3",
            "windows/amd64/v3: tool_Windows_amd64v3_1.2.3",
            "windows/arm64: tool_Windows_arm64_1.2.3",
            "darwin/amd64: tool_Darwin_x86_64_1.2.3",
            "darwin/amd64/v3: tool_Darwin_amd64v3_1.2.3",
            "darwin/arm64: tool_Darwin_arm64_1.2.3",
        ]
    );
}

const CHANNELS: &str = r#"version: 2
builds:
  - goos: [linux, darwin, windows]
    goarch: [amd64, arm64]
nfpms:
  - package_name: tool
    vendor: Acme
    maintainer: Jane Doe <jane@example.org>
    description: Does things
    license: MIT
    homepage: https://example.org/tool
    formats: [deb, rpm, apk, archlinux]
    bindir: /usr/local/bin
    dependencies: [git]
    file_name_template: "{{ .ConventionalFileName }}"
    contents:
      - src: ./LICENSE
        dst: /usr/share/doc/tool/copyright
        file_info:
          mode: 0644
          owner: root
      - src: completions/*
        dst: /usr/share/tool/
      - dst: /etc/tool
        type: dir
  - id: second
    formats: [deb]
brews:
  - name: tool
    repository:
      owner: acme
      name: homebrew-tap
      token: "{{ .Env.TAP_GITHUB_TOKEN }}"
      branch: main
    directory: Formula
homebrew_casks:
  - repository: {owner: acme, name: homebrew-tap}
scoops:
  - repository:
      owner: acme
      name: scoop-bucket
      token: "{{ .Env.SCOOP_PAT }}"
    license: MIT
universal_binaries:
  - replace: true
signs:
  - cmd: cosign
    artifacts: checksum
    certificate: "${artifact}.pem"
    args: [sign-blob, "--output-signature=${signature}", "${artifact}", --yes]
  - artifacts: all
"#;

#[test]
fn channels_map_onto_packages_homebrew_scoop_universal_and_sign() {
    let i = imported(CHANNELS);
    let p = i.packages.clone().unwrap();
    assert_eq!(p.formats, ["deb", "rpm", "apk"]);
    assert_eq!(p.name.as_deref(), Some("tool"));
    assert_eq!(p.maintainer, "Jane Doe <jane@example.org>");
    assert_eq!(p.description, "Does things");
    assert_eq!(p.license.as_deref(), Some("MIT"));
    assert_eq!(p.homepage.as_deref(), Some("https://example.org/tool"));
    assert_eq!(
        p.contents,
        [PackageFile {
            src: "LICENSE".into(),
            dst: "/usr/share/doc/tool/copyright".into(),
            mode: Some("0644".into()),
        }]
    );
    assert_eq!(p.depends.len(), 3);
    assert_eq!(p.depends["rpm"], ["git"]);
    let homebrew = i.homebrew.clone().unwrap();
    assert_eq!(homebrew.repository, "acme/homebrew-tap");
    assert_eq!(homebrew.token_env.as_deref(), Some("TAP_GITHUB_TOKEN"));
    let scoop = i.scoop.clone().unwrap();
    assert_eq!(scoop.repository, "acme/scoop-bucket");
    assert_eq!(scoop.token_env, None, "SCOOP_PAT does not mark a secret");
    assert!(i.universal_binaries);
    assert!(i.sign);
    assert_eq!(
        notes(&i),
        [
            "7: nfpms[0].vendor: gocross's packages name no vendor",
            "12: nfpms[0].formats[3]: gocross writes deb, rpm and apk packages, not archlinux",
            "13: nfpms[0].bindir: gocross installs the binaries to /usr/bin, not /usr/local/bin",
            "21: nfpms[0].contents[0].file_info.owner: gocross's package files are root-owned, dated by the commit",
            "22: nfpms[0].contents[1]: gocross packages one file of the module at an absolute path: `completions/*` -> `/usr/share/tool/` is left out; add it to `packages.contents` by hand",
            "24: nfpms[0].contents[2].type: gocross packages plain files, not a `dir` entry; the entry is left out",
            "26: nfpms[1].id: gocross packages every binary of every linux target",
            "26: nfpms[1]: gocross.yaml has one `packages:` section, from the first entry",
            "29: brews[0].name: gocross writes the file itself from the release's own assets (every command, a `--version` test)",
            "34: brews[0].repository.branch: gocross pushes to the default branch of `owner/name` through the contents API",
            "35: brews[0].directory: gocross writes the file itself from the release's own assets (every command, a `--version` test)",
            "36: homebrew_casks: gocross pushes one Homebrew file, from `brews[0]`",
            "42: scoops[0].repository.token: `{{ .Env.SCOOP_PAT }}` is not `{{ .Env.NAME }}` with a NAME that marks a secret (TOKEN in it); gocross's default variable is used",
            "43: scoops[0].license: gocross writes the file itself from the release's own assets (every command, a `--version` test)",
            "45: universal_binaries[0].replace: gocross releases the universal binary beside the darwin/amd64 and darwin/arm64 ones",
            "49: signs[0].certificate: gocross runs `cosign sign-blob --bundle` keyless on checksums.txt in its workflow, with its own arguments; the release holds checksums.txt.sigstore.json",
            "50: signs[0].args: gocross runs `cosign sign-blob --bundle` keyless on checksums.txt in its workflow, with its own arguments; the release holds checksums.txt.sigstore.json",
            "51: signs[1]: gocross signs checksums.txt with cosign keyless (`release.sign: true`) and nothing else",
        ]
    );

    // The gocross.yaml it writes loads, with every section.
    let text = InitConfig::imported(&module(), &i, None).render().unwrap();
    let c = crate::config::Config::parse(&text, Path::new("gocross.yaml"), Some(&module()))
        .unwrap_or_else(|e| panic!("{e}\n{text}"));
    let packages = &c.packages.as_ref().unwrap().value;
    assert_eq!(packages.contents[0].mode, 0o644);
    assert_eq!(packages.depends.len(), 3);
    assert_eq!(
        c.homebrew.as_ref().unwrap().value.token_env.as_deref(),
        Some("TAP_GITHUB_TOKEN")
    );
    assert_eq!(
        c.scoop
            .as_ref()
            .unwrap()
            .value
            .token_env_or(crate::config::DEFAULT_SCOOP_TOKEN_ENV),
        "SCOOP_BUCKET_GITHUB_TOKEN"
    );
    assert!(c.universal_binaries.as_ref().unwrap().value);
    assert!(c.release.signs());
}

#[test]
fn channels_that_gocross_yaml_would_refuse_are_notes() {
    // No email in the maintainer (as dive's and k9s's), no windows target for Scoop, one
    // darwin port only, a repository written as a template, gpg signatures.
    let i = imported(
        "version: 2\nbuilds:\n  - goos: [linux, darwin]\n    goarch: [arm64]\nnfpms:\n  - maintainer: Alex Goodman\n    description: Explores layers\n    formats: [deb]\nbrews:\n  - repository:\n      owner: '{{ .Env.OWNER }}'\n      name: tap\nscoops:\n  - repository: {owner: a, name: b}\nuniversal_binaries:\n  - id: x\nsigns:\n  - artifacts: checksum\n",
    );
    assert_eq!(i.packages, None);
    assert_eq!(i.homebrew, None);
    assert_eq!(i.scoop, None);
    assert!(!i.universal_binaries && !i.sign);
    assert_eq!(
        notes(&i),
        [
            "6: nfpms[0].maintainer: gocross needs the packages' maintainer as `Name <email>` (now `Alex Goodman`): packages are not imported; add `packages:` with `maintainer: Jane Doe <jane@example.org>` by hand",
            "10: brews[0].repository: `{{ .Env.OWNER }}/tap` is not a repository gocross can push to (`owner/name`, no template): add it by hand",
            "14: scoops[0]: no windows target is built, so there is nothing to install",
            "16: universal_binaries[0].id: gocross makes one universal binary per command, named as a target's",
            "16: universal_binaries: a universal binary joins darwin/amd64 and darwin/arm64, which the builds do not both have",
            "18: signs[0]: gocross signs checksums.txt with cosign keyless (`release.sign: true`) and nothing else",
        ]
    );
    let text = InitConfig::imported(&module(), &i, None).render().unwrap();
    crate::config::Config::parse(&text, Path::new("gocross.yaml"), Some(&module()))
        .unwrap_or_else(|e| panic!("{e}\n{text}"));
}

#[test]
fn channels_are_fitted_to_the_rules_across_values_of_gocross_yaml() {
    // A project that is no package name, apk with linux/ppc64 alone, a content path with a
    // backslash, and a checksum signature with the checksums disabled: each would make
    // gocross.yaml fail to load, so the import fits or drops it, with a note.
    let i = imported(
        "version: 2\nproject_name: My_Tool\nbuilds:\n  - goos: [linux]\n    goarch: [ppc64, amd64]\nnfpms:\n  - maintainer: Jane Doe <jane@example.org>\n    description: Does things\n    formats: [deb, apk]\n    contents:\n      - src: docs\\LICENSE\n        dst: /usr/share/doc/tool/copyright\nchecksum:\n  disable: true\nsigns:\n  - cmd: cosign\n    artifacts: checksum\n",
    );
    let p = i.packages.as_ref().unwrap();
    assert_eq!(p.formats, ["deb", "apk"], "apk has linux/amd64");
    assert_eq!(p.name.as_deref(), Some("my-tool"));
    assert!(p.contents.is_empty());
    assert!(!i.sign);
    let said = notes(&i);
    for expected in [
        "nfpms[0].package_name: the project `My_Tool` is not a package name; the packages are named `my-tool`",
        "nfpms[0].contents[0]: gocross packages one file of the module at an absolute path: `docs\\LICENSE` -> `/usr/share/doc/tool/copyright` is left out",
        "signs[0]: the checksums are disabled, or the release is: there is no checksums.txt to sign",
    ] {
        assert!(
            said.iter().any(|n| n.contains(expected)),
            "{expected}:\n{said:#?}"
        );
    }
    let text = InitConfig::imported(&module(), &i, None).render().unwrap();
    crate::config::Config::parse(&text, Path::new("gocross.yaml"), Some(&module()))
        .unwrap_or_else(|e| panic!("{e}\n{text}"));

    // With linux/ppc64 alone, apk has no architecture: it is left out.
    let i = imported(
        "version: 2\nbuilds:\n  - goos: [linux]\n    goarch: [ppc64]\nnfpms:\n  - maintainer: Jane Doe <jane@example.org>\n    description: Does things\n    formats: [deb, apk]\n",
    );
    assert_eq!(i.packages.as_ref().unwrap().formats, ["deb"]);
    assert!(
        notes(&i)
            .iter()
            .any(|n| n.ends_with("nfpms[0].formats: apk has an architecture for none of the linux targets; it is left out")),
        "{:#?}",
        notes(&i)
    );
    let text = InitConfig::imported(&module(), &i, None).render().unwrap();
    crate::config::Config::parse(&text, Path::new("gocross.yaml"), Some(&module()))
        .unwrap_or_else(|e| panic!("{e}\n{text}"));
}
