use super::*;

fn parse(src: &str) -> Result<Config, ConfigError> {
    let module = GoMod::parse("module example.com/hello\ngo 1.22\n").unwrap();
    Config::parse(src, Path::new("gocross.yaml"), Some(&module))
}

fn error(src: &str) -> (u64, u64, String) {
    let err = parse(src).expect_err("config should be refused");
    let (line, column) = err
        .location()
        .unwrap_or_else(|| panic!("no location: {err}"));
    (line, column, err.to_string())
}

#[test]
fn minimal_config_gets_defaults() {
    let c = parse("version: 1\n").unwrap();
    assert_eq!(c.project, "hello");
    assert_eq!(c.main, ".");
    assert_eq!(c.ldflags, "-s -w");
    assert_eq!(c.flags, ["-trimpath"]);
    assert!(c.static_link && !c.cgo);
    let targets: Vec<String> = c.targets().iter().map(ToString::to_string).collect();
    assert_eq!(targets, DEFAULT_TARGETS);
    assert_eq!(c.ci.workflow, DEFAULT_WORKFLOW);
    assert!(c.release.checksums);
}

#[test]
fn project_defaults_to_main_package_name() {
    let module = GoMod::parse("module mvdan.cc/sh/v3\n").unwrap();
    let c = Config::parse(
        "version: 1\nmain: ./cmd/shfmt\n",
        Path::new("g.yaml"),
        Some(&module),
    )
    .unwrap();
    assert_eq!(c.project, "shfmt");
    let c = Config::parse("version: 1\n", Path::new("g.yaml"), Some(&module)).unwrap();
    assert_eq!(c.project, "sh");
    let err = Config::parse("version: 1\n", Path::new("g.yaml"), None).unwrap_err();
    assert!(matches!(err, ConfigError::NoProject { .. }));
}

#[test]
fn unknown_key_is_located() {
    let (line, column, msg) = error("version: 1\ntagz: [netgo]\n");
    assert_eq!((line, column), (2, 1));
    assert!(
        msg.starts_with("gocross.yaml:2:1: unknown field `tagz`"),
        "{msg}"
    );
    assert!(msg.contains("tags"), "lists the known keys: {msg}");
}

#[test]
fn unknown_nested_key_is_located() {
    let (line, column, msg) =
        error("version: 1\noverrides:\n  - targets: [linux/amd64]\n    runer: x\n");
    assert_eq!((line, column), (4, 5));
    assert!(msg.contains("unknown field `runer`"), "{msg}");
}

#[test]
fn wrong_type_names_the_key() {
    let (line, column, msg) = error("version: 1\ncgo: maybe\n");
    assert_eq!((line, column), (2, 6));
    assert!(
        msg.contains("key `cgo`: invalid boolean: write true or false"),
        "{msg}"
    );
    let (line, _, msg) = error("version: 1\nverify:\n  timeout: soon\n");
    assert_eq!(line, 3);
    assert!(msg.contains("key `verify.timeout`"), "{msg}");
}

#[test]
fn unknown_target_has_suggestion_and_location() {
    let (line, column, msg) = error("version: 1\ntargets:\n  - linux/amd64\n  - linux/aarch64\n");
    assert_eq!((line, column), (4, 5));
    assert!(
        msg.contains("linux/aarch64 is not a Go port; did you mean linux/arm64?"),
        "{msg}"
    );
    assert!(
        msg.contains("4 |   - linux/aarch64"),
        "shows the line: {msg}"
    );
}

#[test]
fn duplicate_target_is_located() {
    let (line, column, msg) =
        error("version: 1\ntargets: [linux/amd64, windows/amd64, linux/amd64]\n");
    assert_eq!((line, column), (2, 39));
    assert!(msg.contains("linux/amd64 is listed twice"), "{msg}");
    let (line, _, msg) = error("version: 1\ntargets:\n  - windows\n  - windows/arm64\n");
    assert_eq!(line, 4);
    assert!(msg.contains("already listed through `windows`"), "{msg}");
}

#[test]
fn override_of_unconfigured_target_is_refused() {
    let (line, _, msg) = error(
        "version: 1\ntargets: [linux/amd64]\noverrides:\n  - targets:\n      - linux/riscv64\n    cgo: true\n",
    );
    assert_eq!(line, 5);
    assert!(msg.contains("linux/riscv64 is not in `targets`"), "{msg}");
}

#[test]
fn bad_glibc_and_version_and_yaml() {
    let (line, _, msg) = error("version: 1\nglibc: two\n");
    assert_eq!(line, 2);
    assert!(msg.contains("not a glibc version"), "{msg}");
    let (line, _, msg) = error("version: 2\n");
    assert_eq!(line, 1);
    assert!(msg.contains("version 2 is not supported"), "{msg}");
    let (line, _, _) = error("version: 1\ntargets: [linux/amd64\n");
    assert!(line >= 2);
    let (line, _, msg) = error("version: 1\ncgo: true\ncgo: false\n");
    assert_eq!(line, 3);
    assert!(msg.contains("duplicate"), "{msg}");
    let (_, _, msg) = error("version: 1\nproject: 'my app'\n");
    assert!(msg.contains("key `project`"), "{msg}");
}

#[test]
fn glibc_keeps_trailing_zero() {
    let c = parse("version: 1\nglibc: 2.30\n").unwrap();
    assert_eq!(c.glibc.unwrap().to_string(), "2.30");
    assert!(c.glibc.unwrap() > "2.4".parse().unwrap());
}

#[test]
fn overrides_match_variants_and_groups() {
    let c = parse(
        "version: 1\ntargets: [linux/arm/7, linux/arm64, windows]\noverrides:\n  - targets: [linux/arm]\n    cgo: true\n  - targets: [windows]\n    static: false\n",
    )
    .unwrap();
    let arm7: Target = "linux/arm/7".parse().unwrap();
    assert_eq!(c.overrides_for(&arm7).count(), 1);
    let win: Target = "windows/arm64".parse().unwrap();
    assert_eq!(c.overrides_for(&win).count(), 1);
    let arm64: Target = "linux/arm64".parse().unwrap();
    assert_eq!(c.overrides_for(&arm64).count(), 0);
}

#[test]
fn ci_runner_keys_are_targets() {
    let (line, _, msg) = error("version: 1\nci:\n  runners:\n    linux/arm46: ubuntu-24.04\n");
    assert_eq!(line, 4);
    assert!(msg.contains("linux/arm46 is not a Go port"), "{msg}");
}

#[test]
fn env_may_not_set_what_the_plan_owns() {
    let (line, _, msg) = error("version: 1\nenv:\n  GOFLAGS: -mod=mod\n  GOARCH: arm64\n");
    assert_eq!(line, 4);
    assert!(msg.contains("key `env.GOARCH`"), "{msg}");
}

#[test]
fn ci_settings_have_defaults_and_extension_points() {
    let c = parse("version: 1\n").unwrap();
    assert_eq!(c.ci.branches, ["main"]);
    assert_eq!(c.ci.tags, ["v*"]);
    assert_eq!(c.ci.timeout_minutes, 30);
    assert!(c.ci.go_versions.is_empty() && c.ci.env.is_empty());
    assert!(c.release.enabled);
    let c = parse(
        "version: 1\nrelease:\n  enabled: false\nci:\n  branches: [master, 'release/*']\n  tags: ['[0-9]*']\n  go_versions: ['1.25', '1.26']\n  env:\n    GOPRIVATE: example.com/*\n  timeout_minutes: 45\n  steps_before_build:\n    - name: Generate\n      run: go generate ./...\n    - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8\n",
    )
    .unwrap();
    assert!(!c.release.enabled);
    assert_eq!(c.ci.branches, ["master", "release/*"]);
    assert_eq!(c.ci.go_versions, ["1.25", "1.26"]);
    assert_eq!(c.ci.env["GOPRIVATE"], "example.com/*");
    assert_eq!(c.ci.timeout_minutes, 45);
    assert_eq!(c.ci.steps_before_build.len(), 2);
}

#[test]
fn ci_settings_are_validated() {
    let (line, _, msg) = error("version: 1\nci:\n  workflow: ci/gocross.yml\n");
    assert_eq!(line, 3);
    assert!(msg.contains(".github/workflows/<name>.yml"), "{msg}");
    let (_, _, msg) = error("version: 1\nci:\n  go_versions: ['1.26', '1.26']\n");
    assert!(msg.contains("listed twice"), "{msg}");
    let (_, _, msg) = error("version: 1\nci:\n  go_versions: [latest]\n");
    assert!(msg.contains("not a Go release"), "{msg}");
    let (_, _, msg) = error("version: 1\nci:\n  go_version: go1.26\n");
    assert!(
        msg.contains("write stable, oldstable, 1.26 or 1.26.8"),
        "{msg}"
    );
    let (_, _, msg) = error("version: 1\nci:\n  go_version: '1.26'\n  go_versions: ['1.25']\n");
    assert!(msg.contains("not both"), "{msg}");
    let (_, _, msg) = error("version: 1\nci:\n  action: gocross\n");
    assert!(msg.contains("OWNER/REPO@<40-hex commit>"), "{msg}");
    let (_, _, msg) = error("version: 1\nci:\n  action: gocross/gocross@v1\n");
    assert!(msg.contains("not an action pinned to a commit"), "{msg}");
    let c = parse("version: 1\nrelease:\n  attest: auto\n").unwrap();
    assert_eq!(c.release.attest, Attest::Auto);
    let c = parse("version: 1\nrelease:\n  attest: false\n").unwrap();
    assert_eq!(c.release.attest, Attest::Never);
    let (_, _, msg) = error("version: 1\nrelease:\n  attest: sometimes\n");
    assert!(msg.contains("write auto, true or false"), "{msg}");
    let (_, _, msg) = error("version: 1\nci:\n  env:\n    GOOS: linux\n");
    assert!(
        msg.contains("`GOOS` is set by GitHub or by gocross"),
        "{msg}"
    );
    let (_, _, msg) = error("version: 1\nci:\n  env:\n    1X: y\n");
    assert!(msg.contains("not an environment variable name"), "{msg}");
    let (_, _, msg) = error("version: 1\nci:\n  timeout_minutes: 0\n");
    assert!(msg.contains("between 1 and 360"), "{msg}");
    let (line, _, msg) =
        error("version: 1\nci:\n  steps_after_build:\n    - uses: actions/cache@v4\n");
    assert_eq!(line, 3);
    assert!(
        msg.contains("step 1: `uses: actions/cache@v4` is not pinned"),
        "{msg}"
    );
    let (_, _, msg) =
        error("version: 1\nci:\n  steps_before_build:\n    - run: echo ${{ github.head_ref }}\n");
    assert!(msg.contains("template injection"), "{msg}");
    let (_, _, msg) = error("version: 1\nci:\n  steps_before_build:\n    - name: nothing\n");
    assert!(msg.contains("needs `uses:` or `run:`"), "{msg}");
}

#[test]
fn audit_section_takes_min_go_and_cgo() {
    let c = parse("version: 1\naudit:\n  min_go: \"1.24\"\n  cgo: false\n  max_glibc: \"2.17\"\n")
        .unwrap();
    assert_eq!(c.audit.min_go, Some(GoVersion::new(1, 24)));
    assert_eq!(c.audit.cgo, Some(false));
    assert_eq!(c.audit.max_glibc.unwrap().to_string(), "2.17");
    let (_, _, msg) = error("version: 1\naudit:\n  min_go: \"one\"\n");
    assert!(msg.contains("is not a Go version"), "{msg}");
}

#[test]
fn test_section_has_defaults_and_overrides() {
    let c = parse("version: 1\n").unwrap();
    assert!(c.test.is_none(), "no `test:`, no tests in the workflow");
    let c = parse(
        "version: 1\ntargets: [linux/amd64, linux/s390x, linux/arm/7]\ntest:\n  args: [-short]\n  targets: [linux/s390x, linux/arm]\n  env: {TZ: UTC}\noverrides:\n  - targets: [linux/arm/7]\n    test: false\n  - targets: [linux/s390x]\n    test_args: [-run, TestByteOrder]\nverify:\n  env: {LANG: C}\n",
    )
    .unwrap();
    let t = c.test.as_ref().unwrap();
    assert_eq!(t.packages, ["./..."]);
    assert_eq!(t.timeout, DEFAULT_TEST_TIMEOUT);
    assert_eq!(t.args, ["-short"]);
    assert_eq!(t.env["TZ"], "UTC");
    let listed: Vec<String> = t
        .targets()
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(listed, ["linux/s390x", "linux/arm"]);
    assert_eq!(c.overrides[0].test, Some(false));
    assert_eq!(
        c.overrides[1].test_args.as_deref(),
        Some(&["-run".to_string(), "TestByteOrder".to_string()][..])
    );
    assert_eq!(c.verify.unwrap().env["LANG"], "C");
}

#[test]
fn test_section_is_validated_with_positions() {
    let (line, _, msg) = error("version: 1\nverify:\n  timeout: 5\ntest:\n  timeout: 0\n");
    assert_eq!(line, 5, "the test section's timeout, not verify's");
    assert!(
        msg.contains("key `test.timeout`: must be at least 1 second"),
        "{msg}"
    );
    let (line, _, msg) = error("version: 1\ntest:\n  args:\n    - -short\n    - -json\n");
    assert_eq!(line, 3);
    assert!(msg.contains("`-json` is not allowed"), "{msg}");
    let (_, _, msg) = error("version: 1\ntest:\n  args: [-timeout=5s]\n");
    assert!(msg.contains("use `test.timeout`"), "{msg}");
    let (_, _, msg) = error("version: 1\ntest:\n  packages: []\n");
    assert!(msg.contains("lists no package"), "{msg}");
    let (_, _, msg) = error("version: 1\ntest:\n  packages: [-v]\n");
    assert!(msg.contains("flags go in `test.args`"), "{msg}");
    let (line, column, msg) =
        error("version: 1\ntargets: [linux/amd64]\ntest:\n  targets:\n    - linux/s390x\n");
    assert_eq!((line, column), (5, 7));
    assert!(
        msg.contains("key `test.targets`: linux/s390x is not in `targets`"),
        "{msg}"
    );
    let (line, _, msg) = error(
        "version: 1\ntargets: [linux/amd64]\noverrides:\n  - targets: [linux/amd64]\n    test_args: [--exec=x]\n",
    );
    assert_eq!(line, 5);
    assert!(
        msg.contains("key `overrides[0].test_args`: `-exec` is not allowed"),
        "{msg}"
    );
    let (line, _, msg) = error("version: 1\nverify:\n  env:\n    1BAD: x\n");
    assert_eq!(line, 3);
    assert!(
        msg.contains("`1BAD` is not an environment variable name"),
        "{msg}"
    );
    let (_, _, msg) = error("version: 1\ntest:\n  timeout: soon\n");
    assert!(msg.contains("key `test.timeout`"), "{msg}");
    let (_, _, msg) = error("version: 1\ntest:\n  paralel: 2\n");
    assert!(msg.contains("unknown field `paralel`"), "{msg}");
}
