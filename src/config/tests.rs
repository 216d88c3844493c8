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
fn audit_section_takes_min_go_and_cgo() {
    let c = parse("version: 1\naudit:\n  min_go: \"1.24\"\n  cgo: false\n  max_glibc: \"2.17\"\n")
        .unwrap();
    assert_eq!(c.audit.min_go, Some(GoVersion::new(1, 24)));
    assert_eq!(c.audit.cgo, Some(false));
    assert_eq!(c.audit.max_glibc.unwrap().to_string(), "2.17");
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
fn binaries_and_archives_have_defaults() {
    let c = parse("version: 1\n").unwrap();
    assert!(c.binaries.is_empty() && c.archives.is_none());
    assert_eq!(c.binary_names(), ["hello"]);
    assert!(c.release.binaries.is_none() && !c.release.generate_notes);
    let c = parse(
        "version: 1\nbinaries:\n  - name: age\n    main: ./cmd/age\n  - name: age-keygen\n    main: ./cmd/age-keygen\n    ldflags: -s -w -X main.Version={{version}}-{{short_commit}}\n    tags: [nokeyring]\narchives: {}\nrelease:\n  binaries: true\n  generate_notes: true\n",
    )
    .unwrap();
    assert_eq!(c.binary_names(), ["age", "age-keygen"]);
    assert_eq!(c.binaries[1].main, "./cmd/age-keygen");
    assert_eq!(
        c.binaries[1].tags.as_deref(),
        Some(&["nokeyring".to_string()][..])
    );
    let a = &c.archives.as_ref().unwrap().value;
    assert_eq!(a.format, None);
    assert_eq!(a.name.value, DEFAULT_ARCHIVE_NAME);
    assert_eq!(a.files, DEFAULT_ARCHIVE_FILES);
    assert!(!a.wrap_in_directory);
    assert!(c.release.binaries.as_ref().unwrap().value && c.release.generate_notes);
}

#[test]
fn a_missing_version_says_what_to_write() {
    for src in ["targets: [linux/amd64]\n", "", "# nothing yet\n"] {
        let err = parse(src).unwrap_err();
        assert_eq!(
            err.to_string(),
            "gocross.yaml: add `version: 1` as the first line",
            "{src:?}"
        );
    }
}

#[test]
fn verify_exit_code_takes_one_code_or_several() {
    let c = parse("version: 1\nverify:\n  args: [--help]\n  exit_code: [0, 2]\n").unwrap();
    let codes = c.verify.unwrap().exit_code;
    assert!(codes.accepts(0) && codes.accepts(2) && !codes.accepts(1));
    assert_eq!(codes.to_string(), "0 or 2");
    let c = parse("version: 1\nverify:\n  exit_code: 3\n").unwrap();
    assert_eq!(c.verify.unwrap().exit_code.codes(), [3]);
    assert_eq!(VerifyConfig::default().exit_code.codes(), [0]);
}

#[test]
fn attest_is_auto_true_or_false() {
    assert_eq!(parse("version: 1\n").unwrap().release.attest, Attest::Auto);
    let c = parse("version: 1\nrelease:\n  attest: auto\n").unwrap();
    assert_eq!(c.release.attest, Attest::Auto);
    let c = parse("version: 1\nrelease:\n  attest: true\n").unwrap();
    assert_eq!(c.release.attest, Attest::Always);
    let c = parse("version: 1\nrelease:\n  attest: false\n").unwrap();
    assert_eq!(c.release.attest, Attest::Never);
}

#[test]
fn a_default_project_name_must_be_safe_too() {
    let err = parse("version: 1\nmain: ./cmd/my~tool\n").unwrap_err();
    assert!(matches!(err, ConfigError::UnsafeProject { ref name, .. } if name == "my~tool"));
    assert!(err.to_string().contains("set `project:`"), "{err}");
}

#[test]
fn the_error_shows_the_place_in_the_file() {
    let src = "version: 1\ntargets: [linux/amd64, linux/arm64]\nverify:\n  timeout: 30\noverrides:\n  - targets: [linux/amd64]\n    verify: {timeout: 5}\n  - targets: [linux/arm64]\n    verify: {timeout: 0}\n";
    assert_eq!(
        parse(src).unwrap_err().to_string(),
        "gocross.yaml:9:23: key `overrides[1].verify.timeout`: must be at least 1 second\n  |\n9 |     verify: {timeout: 0}\n  |                       ^"
    );
}

#[test]
fn a_yaml_syntax_error_is_located() {
    let (line, column, msg) = error("version: 1\ntargets: [linux/amd64\n");
    assert_eq!((line, column), (2, 10), "{msg}");
    assert!(msg.contains("key `targets`: unclosed bracket"), "{msg}");
}

/// One test per rule: the config is refused at `line:column` (1-based, characters) with a
/// message that holds `says`, which names the key.
macro_rules! refused_at {
    ($($name:ident: $yaml:expr => ($line:literal, $column:literal), $says:expr;)+) => {$(
        #[test]
        fn $name() {
            let (line, column, msg) = error($yaml);
            assert!(msg.contains($says), "expected {:?} in:\n{msg}", $says);
            assert_eq!((line, column), ($line, $column), "{msg}");
            assert!(
                msg.starts_with(&format!("gocross.yaml:{line}:{column}: ")),
                "{msg}"
            );
            let shown = $yaml.lines().nth(line as usize - 1).unwrap();
            assert!(msg.contains(&format!("{line} | {shown}")), "shows the line: {msg}");
        }
    )+};
}

refused_at! {
    version_is_1:
        "version: 2\n"
        => (1, 10), "key `version`: version 2 is not supported: this gocross reads version 1";
    version_is_a_number:
        "version: one\n"
        => (1, 10), "key `version`: invalid";
    unknown_key:
        "version: 1\ntagz: [netgo]\n"
        => (2, 1), "unknown field `tagz`, expected one of version, project, main, binaries, targets, cgo, static, glibc, ldflags, flags, tags";
    unknown_key_in_an_override:
        "version: 1\noverrides:\n  - targets: [linux/amd64]\n    runer: x\n"
        => (4, 5), "unknown field `runer`";
    duplicate_key:
        "version: 1\ncgo: true\ncgo: false\n"
        => (3, 1), "duplicate mapping key: cgo; remove one";
    wrong_type:
        "version: 1\ncgo: maybe\n"
        => (2, 6), "key `cgo`: invalid boolean: write true or false";
    wrong_type_of_a_nested_key:
        "version: 1\nverify:\n  timeout: soon\n"
        => (3, 12), "key `verify.timeout`: invalid";
    project_is_a_safe_name:
        "version: 1\nproject: 'my app'\n"
        => (2, 10), "key `project`: `my app` must hold only letters, digits, `.`, `_` and `-`";
    targets_are_go_ports:
        "version: 1\ntargets:\n  - linux/amd64\n  - linux/aarch64\n"
        => (4, 5), "key `targets[1]`: linux/aarch64 is not a Go port; did you mean linux/arm64?";
    every_bad_target_of_a_list_is_named:
        "version: 1\ntargets: [linux/amd64, linux/aarch64, windows/x86]\n"
        => (2, 24), "key `targets`: 2 entries name no target:\n  targets[1] (line 2, column 24): linux/aarch64 is not a Go port; did you mean linux/arm64?\n  targets[2] (line 2, column 39): windows/x86 is not a Go port";
    every_bad_target_of_an_override_is_named:
        "version: 1\ntargets: [linux/amd64]\noverrides:\n  - targets: [linux/amd46, linux/arm46]\n    cgo: true\n"
        => (4, 15), "key `overrides[0].targets`: 2 entries name no target:";
    ldflags_in_a_list_are_placeholder_checked:
        "version: 1\nldflags: [-s -w, '-X main.v={{vesion}}']\n"
        => (2, 10), "key `ldflags`: unknown placeholder `{{vesion}}`";
    targets_are_listed_once:
        "version: 1\ntargets: [linux/amd64, windows/amd64, linux/amd64]\n"
        => (2, 39), "key `targets`: linux/amd64 is listed twice; remove one";
    targets_are_listed_once_counting_groups:
        "version: 1\ntargets:\n  - windows\n  - windows/arm64\n"
        => (4, 5), "key `targets`: windows/arm64 is listed twice (already listed through `windows`)";
    overrides_name_configured_targets:
        "version: 1\ntargets: [linux/amd64]\noverrides:\n  - targets:\n      - linux/riscv64\n    cgo: true\n"
        => (5, 9), "key `overrides[0].targets`: linux/riscv64 is not in `targets`; add it there or remove it here";
    overrides_name_configured_targets_in_the_second_override:
        "version: 1\ntargets: [linux/amd64, linux/arm64]\noverrides:\n  - targets: [linux/amd64]\n    cgo: true\n  - targets: [linux/arm64, linux/riscv64]\n"
        => (6, 28), "key `overrides[1].targets`: linux/riscv64 is not in `targets`";
    verify_timeout_is_a_second_or_more:
        "version: 1\nverify:\n  timeout: 0\n"
        => (3, 12), "key `verify.timeout`: must be at least 1 second";
    an_overrides_verify_timeout_is_reported_there:
        "version: 1\ntargets: [linux/amd64, linux/arm64]\nverify:\n  timeout: 30\noverrides:\n  - targets: [linux/amd64]\n    verify: {timeout: 5}\n  - targets: [linux/arm64]\n    verify: {timeout: 0}\n"
        => (9, 23), "key `overrides[1].verify.timeout`: must be at least 1 second";
    env_leaves_the_plans_variables_alone:
        "version: 1\nenv:\n  GOFLAGS: -mod=mod\n  GOARCH: arm64\n"
        => (4, 3), "key `env.GOARCH`: gocross sets GOARCH from the target and cgo settings; use `targets`, `cgo` or `cc` instead";
    an_overrides_env_leaves_the_plans_variables_alone:
        "version: 1\ntargets: [linux/amd64]\noverrides:\n  - targets: [linux/amd64]\n    env: {CGO_ENABLED: '1'}\n"
        => (5, 11), "key `overrides[0].env.CGO_ENABLED`: gocross sets CGO_ENABLED";
    verify_env_names_are_names:
        "version: 1\nverify:\n  env:\n    1BAD: x\n"
        => (4, 5), "key `verify.env.1BAD`: `1BAD` is not an environment variable name";
    an_overrides_verify_env_names_are_names:
        "version: 1\ntargets: [linux/amd64]\noverrides:\n  - targets: [linux/amd64]\n    verify:\n      env: {A-B: x}\n"
        => (6, 13), "key `overrides[0].verify.env.A-B`: `A-B` is not an environment variable name";
    glibc_is_a_version:
        "version: 1\nglibc: two\n"
        => (2, 8), "key `glibc`: `two` is not a glibc version: write it as \"2.17\"";
    max_glibc_is_a_glibc_2_version:
        "version: 1\naudit:\n  max_glibc: '3.1'\n"
        => (3, 14), "key `audit.max_glibc`: `3.1` is not a glibc 2.x version";
    min_go_is_a_go_version:
        "version: 1\naudit:\n  min_go: \"one\"\n"
        => (3, 11), "key `audit.min_go`: `one` is not a Go version";
    cc_is_not_empty:
        "version: 1\ntargets: [linux/amd64]\noverrides:\n  - targets: [linux/amd64]\n    cc: ''\n"
        => (5, 9), "key `overrides[0].cc`: `cc` is empty: write zig, gnu, musl, mingw or a command";
    test_timeout_is_a_second_or_more:
        "version: 1\nverify:\n  timeout: 5\ntest:\n  timeout: 0\n"
        => (5, 12), "key `test.timeout`: must be at least 1 second";
    test_packages_are_not_empty:
        "version: 1\ntest:\n  packages: []\n"
        => (3, 13), "key `test.packages`: lists no package: remove the key to test `./...`";
    test_packages_are_patterns:
        "version: 1\ntest:\n  packages: [./..., -v]\n"
        => (3, 21), "key `test.packages[1]`: `-v` is not a package pattern: write `./...` or `./cmd/tool`; flags go in `test.args`";
    test_args_are_allowed_flags:
        "version: 1\ntest:\n  args:\n    - -short\n    - -json\n"
        => (5, 7), "key `test.args[1]`: `-json` is not allowed: gocross reads `go test -json` itself";
    test_args_leave_the_timeout_to_test_timeout:
        "version: 1\ntest:\n  args: [-timeout=5s]\n"
        => (3, 10), "key `test.args[0]`: `-timeout` is not allowed: use `test.timeout`";
    test_env_names_are_names:
        "version: 1\ntest:\n  env: {TZ: UTC, 9LIVES: x}\n"
        => (3, 18), "key `test.env.9LIVES`: `9LIVES` is not an environment variable name";
    test_targets_are_configured:
        "version: 1\ntargets: [linux/amd64]\ntest:\n  targets:\n    - linux/s390x\n"
        => (5, 7), "key `test.targets`: linux/s390x is not in `targets`; add it there or remove it here";
    an_overrides_test_args_are_allowed_flags:
        "version: 1\ntargets: [linux/amd64]\noverrides:\n  - targets: [linux/amd64]\n    test_args: [--exec=x]\n"
        => (5, 17), "key `overrides[0].test_args[0]`: `-exec` is not allowed";
    test_section_keys_are_known:
        "version: 1\ntest:\n  paralel: 2\n"
        => (3, 3), "unknown field `paralel`";
    ci_workflow_is_a_file_github_runs:
        "version: 1\nci:\n  workflow: ci/gocross.yml\n"
        => (3, 13), "key `ci.workflow`: `ci/gocross.yml` is not a file GitHub runs: write `.github/workflows/<name>.yml`";
    ci_go_version_is_a_go_release:
        "version: 1\nci:\n  go_version: go1.26\n"
        => (3, 15), "key `ci.go_version`: `go1.26` is not a Go release: write stable, oldstable, 1.26 or 1.26.8";
    ci_go_version_or_go_versions:
        "version: 1\nci:\n  go_versions: ['1.25']\n  go_version: '1.26'\n"
        => (4, 15), "key `ci.go_version`: set `go_version` (one Go) or `go_versions` (a Go axis), not both";
    ci_go_versions_are_go_releases:
        "version: 1\nci:\n  go_versions: ['1.26', latest]\n"
        => (3, 25), "key `ci.go_versions[1]`: `latest` is not a Go release";
    ci_go_versions_are_listed_once:
        "version: 1\nci:\n  go_versions: ['1.26', '1.26']\n"
        => (3, 25), "key `ci.go_versions[1]`: Go 1.26 is listed twice";
    ci_action_is_an_action:
        "version: 1\nci:\n  action: gocross\n"
        => (3, 11), "key `ci.action`: `gocross` is not an action pinned to a commit: write OWNER/REPO@<40-hex commit>";
    ci_action_is_pinned_to_a_commit:
        "version: 1\nci:\n  action: gocross/gocross@v1\n"
        => (3, 11), "key `ci.action`: `gocross/gocross@v1` is not an action pinned to a commit";
    ci_branches_are_not_empty:
        "version: 1\nci:\n  branches: [main, '']\n"
        => (3, 20), "key `ci.branches[1]`: an entry is empty; write a name or a pattern";
    ci_tags_are_not_empty:
        "version: 1\nci:\n  tags:\n    - 'v*'\n    - ' '\n"
        => (5, 7), "key `ci.tags[1]`: an entry is empty";
    ci_env_names_are_names:
        "version: 1\nci:\n  env:\n    1X: y\n"
        => (4, 5), "key `ci.env.1X`: `1X` is not an environment variable name";
    ci_env_leaves_github_and_the_plan_alone:
        "version: 1\nci:\n  env:\n    GOPRIVATE: x\n    GITHUB_TOKEN: y\n"
        => (5, 5), "key `ci.env.GITHUB_TOKEN`: `GITHUB_TOKEN` is set by GitHub or by gocross's plan; it cannot be set here";
    ci_env_leaves_the_plans_variables_alone:
        "version: 1\nci:\n  env: {GOOS: linux}\n"
        => (3, 9), "key `ci.env.GOOS`: `GOOS` is set by GitHub or by gocross's plan";
    ci_timeout_minutes_fit_githubs_job_limit:
        "version: 1\nci:\n  timeout_minutes: 0\n"
        => (3, 20), "key `ci.timeout_minutes`: must be between 1 and 360 (GitHub's job limit)";
    ci_steps_pin_their_actions:
        "version: 1\nci:\n  steps_after_build:\n    - run: make\n    - uses: actions/cache@v4\n"
        => (5, 7), "key `ci.steps_after_build[1]`: `uses: actions/cache@v4` is not pinned";
    ci_steps_keep_expressions_out_of_scripts:
        "version: 1\nci:\n  steps_before_build:\n    - name: x\n      run: echo ${{ github.head_ref }}\n"
        => (4, 7), "key `ci.steps_before_build[0]`: `run` holds `${{ }}`, which GitHub pastes into code there (template injection)";
    ci_steps_keep_expressions_out_of_with:
        "version: 1\nci:\n  steps_after_build:\n    - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea\n      with:\n        script: console.log('${{ github.event.pull_request.title }}')\n"
        => (4, 7), "key `ci.steps_after_build[0]`: `with.script` holds `${{ }}`";
    ci_steps_keep_expressions_out_of_shell:
        "version: 1\nci:\n  steps_after_build:\n    - run: make\n      shell: ${{ github.head_ref }}\n"
        => (4, 7), "`shell` holds `${{ }}`";
    ci_steps_name_actions_as_github_does:
        "version: 1\nci:\n  steps_after_build:\n    - uses: actions?upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f\n"
        => (4, 7), "key `ci.steps_after_build[0]`: `uses: actions?upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f` is not an action reference";
    ci_run_steps_take_no_with:
        "version: 1\nci:\n  steps_after_build:\n    - run: make\n      with: {a: b}\n"
        => (4, 7), "key `ci.steps_after_build[0]`: `with` has no meaning in a `run:` step";
    ci_uses_steps_take_no_shell:
        "version: 1\nci:\n  steps_after_build:\n    - uses: ./.github/actions/x\n      shell: bash\n"
        => (4, 7), "key `ci.steps_after_build[0]`: `shell` has no meaning in a `uses:` step";
    ci_steps_name_a_shell_github_knows:
        "version: 1\nci:\n  steps_after_build:\n    - run: make\n      shell: /usr/bin/bash\n"
        => (4, 7), "`shell: /usr/bin/bash` is not a shell GitHub knows";
    ci_tags_are_filter_patterns:
        "version: 1\nci:\n  tags: ['v[9-0]*']\n"
        => (3, 10), "key `ci.tags[0]`: `v[9-0]*`: the range `9-0` runs backwards";
    ci_steps_keep_expressions_out_of_docker_args:
        "version: 1\nci:\n  steps_after_build:\n    - uses: docker://alpine@sha256:0123\n      with:\n        args: ${{ github.head_ref }}\n"
        => (4, 7), "`with.args` holds `${{ }}`";
    ci_steps_have_known_keys:
        "version: 1\nci:\n  steps_after_build:\n    - Run: make\n"
        => (4, 7), "`Run` is not a key of a workflow step";
    ci_steps_have_no_merge_keys:
        "version: 1\nci:\n  steps_after_build:\n    - {run: make, '<<': {shell: bash}}\n"
        => (4, 7), "`<<` is not a key of a workflow step";
    ci_steps_keys_have_no_line_breaks:
        "version: 1\nci:\n  steps_after_build:\n    - {run: make, \"a\\nb\": x}\n"
        => (4, 7), "`a\\nb` is not a key of a workflow step";
    ci_steps_hold_no_control_characters:
        "version: 1\nci:\n  steps_after_build:\n    - {run: make, name: \"a\\x7Fb\"}\n"
        => (4, 7), "`name` holds a control character";
    ci_runners_typos_get_a_suggestion:
        "version: 1\nci:\n  runners:\n    linux/amd64: window2022-s\n"
        => (4, 5), "`window2022-s` is not a GitHub-hosted runner label; did you mean windows-2022?";
    ci_steps_env_is_a_mapping:
        "version: 1\nci:\n  steps_after_build:\n    - run: make\n      env: RE ${{ github.ref_name }}\n"
        => (4, 7), "`env` must be a mapping of strings, numbers or booleans";
    ci_branches_hold_no_blanks:
        "version: 1\nci:\n  branches: ['main', 'my branch']\n"
        => (3, 22), "key `ci.branches[1]`: `my branch` holds a blank, line break or control character";
    ci_tags_hold_no_line_breaks:
        "version: 1\nci:\n  tags: [\"v*\\n\"]\n"
        => (3, 10), "key `ci.tags[0]`: `v*\\n` holds a blank, line break or control character";
    ci_runners_are_labels:
        "version: 1\nci:\n  runners:\n    linux/amd64: 'ubuntu 24.04'\n"
        => (4, 5), "key `ci.runners`: `ubuntu 24.04` is not a runner label";
    an_overrides_runner_is_a_label:
        "version: 1\ntargets: [linux/amd64]\noverrides:\n  - targets: [linux/amd64]\n    runner: \"ubuntu-24.04\\nx\"\n"
        => (5, 13), "key `overrides[0].runner`: `ubuntu-24.04\\nx` is not a runner label";
    ci_action_holds_no_expression:
        "version: 1\nci:\n  action: ${{ vars.OWNER }}/gocross@0123456789abcdef0123456789abcdef01234567\n"
        => (3, 11), "key `ci.action`: `${{ vars.OWNER }}/gocross@0123456789abcdef0123456789abcdef01234567` is not an action pinned to a commit";
    main_is_not_a_flag:
        "version: 1\nmain: -toolexec=/tmp/x.sh\n"
        => (2, 7), "key `main`: `-toolexec=/tmp/x.sh` starts with `-`, which `go build` reads as a flag";
    flags_gocross_owns_are_refused:
        "version: 1\nflags: [-trimpath, -o, /tmp/x]\n"
        => (2, 20), "key `flags[1]`: `-o` is not allowed here: gocross names the binaries";
    flags_that_run_programs_are_refused:
        "version: 1\nflags:\n  - -toolexec=/tmp/x.sh\n"
        => (3, 5), "key `flags[0]`: `-toolexec=/tmp/x.sh` is not allowed here";
    project_does_not_start_with_a_dash:
        "version: 1\nproject: -rf\n"
        => (2, 10), "key `project`: `-rf` must hold only letters";
    verify_expect_is_a_regex:
        "version: 1\nverify:\n  expect: '^hello ('\n"
        => (3, 11), "key `verify.expect`: `^hello (` is not a regular expression";
    verify_timeout_is_bounded:
        "version: 1\nverify:\n  timeout: 18446744073709551615\n"
        => (3, 12), "key `verify.timeout`: 18446744073709551615 seconds is more than 21600";
    ci_steps_run_or_use_something:
        "version: 1\nci:\n  steps_before_build:\n    - name: nothing\n"
        => (4, 7), "key `ci.steps_before_build[0]`: a step needs `uses:` or `run:` (a string)";
    ci_steps_run_or_use_not_both:
        "version: 1\nci:\n  steps_before_build:\n    - {uses: ./x, run: make}\n"
        => (4, 7), "key `ci.steps_before_build[0]`: a step has either `uses:` or `run:`, not both";
    ci_steps_are_mappings:
        "version: 1\nci:\n  steps_before_build:\n    - make\n"
        => (4, 7), "key `ci.steps_before_build[0]`: a step is a mapping with `uses:` or `run:`";
    ci_runners_are_keyed_by_target:
        "version: 1\nci:\n  runners:\n    linux/arm46: ubuntu-24.04\n"
        => (4, 5), "linux/arm46 is not a Go port";
    ldflags_placeholders_are_known:
        "version: 1\nldflags: -s -w -X main.version={{vesion}}\n"
        => (2, 10), "key `ldflags`: unknown placeholder `{{vesion}}` in `-s -w -X main.version={{vesion}}`: write {{version}}, {{tag}}, {{commit}}";
    ldflags_placeholders_are_closed:
        "version: 1\nldflags: -X main.version={{version\n"
        => (2, 10), "key `ldflags`: unclosed `{{`";
    ldflags_env_placeholders_name_a_variable:
        "version: 1\nldflags: -X main.key={{env.1KEY}}\n"
        => (2, 10), "key `ldflags`: unknown placeholder `{{env.1KEY}}`";
    an_overrides_ldflags_placeholders_are_known:
        "version: 1\ntargets: [linux/amd64]\noverrides:\n  - targets: [linux/amd64]\n    ldflags: '-X main.os={{os}}'\n"
        => (5, 14), "key `overrides[0].ldflags`: unknown placeholder `{{os}}`";
    binaries_have_safe_names:
        "version: 1\nbinaries:\n  - name: 'age keygen'\n    main: ./cmd/age-keygen\n"
        => (3, 11), "key `binaries[0].name`: `age keygen` must hold only letters, digits, `.`, `_` and `-`";
    binaries_are_named_once:
        "version: 1\nbinaries:\n  - name: age\n    main: ./cmd/age\n  - name: age\n    main: ./cmd/age-keygen\n"
        => (5, 11), "key `binaries[1].name`: `age` is already the name of binaries[0]; give each binary its own";
    binaries_name_their_own_main:
        "version: 1\nmain: ./cmd/age\nbinaries:\n  - name: age\n    main: ./cmd/age\n"
        => (4, 11), "key `binaries`: `main: ./cmd/age` is set too; with `binaries`, each binary names its own `main`";
    binaries_keys_are_known:
        "version: 1\nbinaries:\n  - name: age\n    mian: ./cmd/age\n"
        => (4, 5), "unknown field `mian`, expected one of name, main, ldflags, flags, tags, env";
    a_binarys_ldflags_placeholders_are_known:
        "version: 1\nbinaries:\n  - name: age\n    main: ./cmd/age\n    ldflags: -X main.v={{Version}}\n"
        => (5, 14), "key `binaries[0].ldflags`: unknown placeholder `{{Version}}`";
    a_binarys_env_leaves_the_plans_variables_alone:
        "version: 1\nbinaries:\n  - name: age\n    env: {GOOS: linux}\n"
        => (4, 11), "key `binaries[0].env.GOOS`: gocross sets GOOS";
    a_binarys_main_is_a_package:
        "version: 1\nbinaries:\n  - name: age\n    main: -toolexec=x\n"
        => (4, 11), "key `binaries[0].main`: `-toolexec=x` starts with `-`";
    a_binarys_flags_leave_gocrosss_own_alone:
        "version: 1\nbinaries:\n  - name: age\n    flags: [-trimpath, -o=x]\n"
        => (4, 24), "key `binaries[0].flags[1]`: `-o=x` is not allowed here";
    archive_formats_are_known:
        "version: 1\narchives:\n  format: rar\n"
        => (3, 11), "key `archives.format`: `rar` is not an archive format: write tar.gz, tar.xz, zip or binary";
    an_overrides_archive_format_is_known:
        "version: 1\ntargets: [windows/amd64]\narchives: {}\noverrides:\n  - targets: [windows]\n    archive_format: 7z\n"
        => (6, 21), "key `overrides[0].archive_format`: `7z` is not an archive format";
    archive_files_stay_in_the_module:
        "version: 1\narchives:\n  files: [LICENSE, ../secrets/*]\n"
        => (3, 20), "key `archives.files[1]`: `../secrets/*` leaves the module";
    archive_files_are_globs:
        "version: 1\narchives:\n  files: ['docs/[a']\n"
        => (3, 11), "key `archives.files[0]`: `docs/[a` is not a glob";
    archive_names_hold_no_binary:
        "version: 1\narchives:\n  name: '{{binary}}_{{goos}}_{{goarch}}'\n"
        => (3, 9), "key `archives.name`: `{{binary}}` has no value in `{{binary}}_{{goos}}_{{goarch}}`: an archive holds every binary of its target";
    archive_names_tell_the_targets_apart:
        "version: 1\ntargets: [linux/amd64, linux/arm64]\narchives:\n  name: '{{project}}_{{version}}_{{goos}}'\n"
        => (4, 9), "key `archives.name`: linux/amd64 and linux/arm64 would both be archived as `hello_1.0.0_linux`";
    archive_names_are_safe_asset_names:
        "version: 1\narchives:\n  name: '{{project}} {{goos}}_{{goarch}}{{variant}}'\n"
        => (3, 9), "key `archives.name`: `hello linux_amd64` (for linux/amd64) is not a safe asset name";
    default_archive_names_tell_the_targets_apart_too:
        "version: 1\ntargets: [linux/amd64, linux/amd64/v1]\narchives:\n  format: tar.xz\n"
        => (4, 3), "key `archives.name`: linux/amd64 and linux/amd64/v1 would both be archived as `hello_1.0.0_linux_amd64`";
    an_overrides_archive_name_has_archive_placeholders:
        "version: 1\ntargets: [linux/amd64]\narchives: {}\noverrides:\n  - targets: [linux]\n    archive_name: '{{binary}}_Linux'\n"
        => (6, 19), "key `overrides[0].archive_name`: `{{binary}}` has no value in `{{binary}}_Linux`";
    an_overrides_archive_name_is_a_safe_asset_name:
        "version: 1\ntargets: [linux/amd64, darwin/arm64]\narchives: {}\noverrides:\n  - targets: [linux/amd64]\n    archive_name: '{{project}} Linux'\n"
        => (6, 19), "key `overrides[0].archive_name`: `hello Linux` (for linux/amd64) is not a safe asset name";
    an_overrides_archive_name_tells_the_targets_apart:
        "version: 1\ntargets: [linux/amd64, darwin/arm64]\narchives:\n  name: '{{project}}_{{goos}}'\noverrides:\n  - targets: [darwin/arm64]\n    archive_name: '{{project}}_linux'\n"
        => (7, 19), "key `overrides[0].archive_name`: linux/amd64 and darwin/arm64 would both be archived as `hello_linux`";
    an_overrides_archive_name_needs_archives:
        "version: 1\ntargets: [linux/amd64]\noverrides:\n  - targets: [linux/amd64]\n    archive_name: hello_Linux\n"
        => (5, 19), "key `overrides[0].archive_name`: there is no `archives:` section";
    release_binaries_need_archives_to_be_off:
        "version: 1\nrelease:\n  binaries: false\n"
        => (3, 13), "key `release.binaries`: without archives, the binaries are what the release uploads";
    verify_exit_code_is_a_code_or_a_list:
        "version: 1\nverify:\n  exit_code: maybe\n"
        => (3, 14), "key `verify.exit_code`: must be an exit code (0) or a list of them ([0, 2])";
    verify_exit_codes_are_not_empty:
        "version: 1\nverify:\n  exit_code: []\n"
        => (3, 14), "key `verify.exit_code`: lists no exit code";
    targets_is_a_list:
        "version: 1\ntargets: linux/amd64\n"
        => (2, 10), "key `targets`: targets must be a list: write `targets: [linux/amd64]`";
    override_targets_is_a_list:
        "version: 1\noverrides:\n  - targets: linux/amd64\n    cgo: true\n"
        => (3, 14), "key `overrides[0].targets`: targets must be a list: write `targets: [linux/amd64]`";
    release_sign_needs_the_checksums:
        "version: 1\nrelease:\n  checksums: false\n  sign: true\n"
        => (4, 9), "key `release.sign`: it signs the release's checksums.txt, which `release.enabled: false` or `release.checksums: false` leaves out";
    release_attest_is_auto_true_or_false:
        "version: 1\nrelease:\n  attest: sometimes\n"
        => (3, 11), "key `release.attest`: `sometimes` is not a value of `attest`: write auto, true or false";
}

const PACKAGES: &str = "packages:\n  formats: [deb, rpm]\n  maintainer: Jane Doe <jane@example.org>\n  description: Says hello\n";

#[test]
fn channels_take_packages_homebrew_scoop_and_universal_binaries() {
    let c = parse(&format!(
        "version: 1\n{PACKAGES}  contents:\n    - {{src: LICENSE, dst: /usr/share/doc/hello/copyright, mode: \"0600\"}}\n  depends: {{deb: [ca-certificates]}}\nuniversal_binaries: true\nhomebrew:\n  repository: acme/homebrew-tap\nscoop:\n  repository: acme/scoop-bucket\n  token_env: BUCKET_TOKEN\nrelease:\n  sign: true\n"
    ))
    .unwrap();
    let packages = &c.packages.as_ref().unwrap().value;
    assert_eq!(packages.formats, [PackageFormat::Deb, PackageFormat::Rpm]);
    assert_eq!(packages.contents[0].mode, 0o600);
    assert_eq!(packages.depends[&PackageFormat::Deb], ["ca-certificates"]);
    assert!(c.universal_binaries.as_ref().unwrap().value);
    let brew = &c.homebrew.as_ref().unwrap().value;
    assert_eq!(brew.owner_and_name(), ("acme", "homebrew-tap"));
    assert_eq!(
        brew.token_env_or(DEFAULT_HOMEBREW_TOKEN_ENV),
        DEFAULT_HOMEBREW_TOKEN_ENV
    );
    let scoop = &c.scoop.as_ref().unwrap().value;
    assert_eq!(scoop.token_env_or(DEFAULT_SCOOP_TOKEN_ENV), "BUCKET_TOKEN");
    assert!(c.release.signs());
}

#[test]
fn channels_refuse_what_cannot_ship_with_the_fix() {
    let cases: &[(&str, (u64, u64), &str)] = &[
        (
            "packages:\n  formats: [deb]\n  description: Says hello\n",
            (4, 3),
            "missing field `maintainer`",
        ),
        (
            "packages:\n  formats: [deb]\n  maintainer: jane\n  description: x\n",
            (4, 15),
            "is not `Name <email>`",
        ),
        (
            &format!("targets: [darwin/arm64]\n{PACKAGES}"),
            (4, 3),
            "no linux target is configured",
        ),
        (
            &format!("{PACKAGES}  contents:\n    - {{src: LICENSE, dst: /x, mode: 0644}}\n"),
            (7, 37),
            "quote the mode in octal",
        ),
        (
            "targets: [darwin/arm64]\nuniversal_binaries: true\n",
            (3, 21),
            "configure both targets",
        ),
        (
            "homebrew:\n  repository: homebrew-tap\n",
            (3, 15),
            "write it `owner/name`",
        ),
        (
            "homebrew:\n  repository: a/b\n  token_env: TAP_PUSH\n",
            (4, 14),
            "does not name a secret",
        ),
        (
            "targets: [linux/amd64]\nscoop:\n  repository: a/b\n",
            (4, 3),
            "no windows target",
        ),
    ];
    for (body, at, says) in cases {
        let (line, column, message) = error(&format!("version: 1\n{body}"));
        assert!(message.contains(says), "{body}: {message}");
        assert_eq!((line, column), *at, "{body}: {message}");
    }
    let (_, _, message) = error(&format!("version: 1\nproject: Hello_World\n{PACKAGES}"));
    assert!(message.contains("set `name: hello-world`"), "{message}");
}

#[test]
fn the_plan_owns_every_variable_it_derives_from_the_target() {
    let mut owned: Vec<&str> = PLAN_OWNED_ENV.to_vec();
    owned.sort_unstable();
    assert_eq!(
        owned,
        [
            "CC",
            "CGO_ENABLED",
            "CXX",
            "GO386",
            "GOAMD64",
            "GOARCH",
            "GOARM",
            "GOARM64",
            "GOMIPS",
            "GOMIPS64",
            "GOOS",
            "GOPPC64",
            "GORISCV64",
        ]
    );
}
