use super::*;
use crate::config::GoMod;
use std::path::Path;

fn config(yaml: &str) -> Config {
    let module = GoMod::parse("module example.com/hello\n").unwrap();
    Config::parse(yaml, Path::new("gocross.yaml"), Some(&module)).unwrap()
}

fn linux_amd64() -> PlanContext {
    PlanContext {
        host: Host::Machine(Some(Platform::new(Goos::Linux, Goarch::Amd64))),
        go: GoVersion::new(1, 26),
        tools: Toolbox {
            commands: [
                "cc",
                "musl-gcc",
                "aarch64-linux-gnu-gcc",
                "x86_64-w64-mingw32-gcc",
            ]
            .map(String::from)
            .into(),
            zig: None,
            without_libc: Default::default(),
            assume_all: false,
        },
    }
}

fn job<'a>(plan: &'a BuildPlan, target: &str) -> &'a BuildJob {
    plan.jobs
        .iter()
        .find(|j| j.target.to_string() == target)
        .unwrap_or_else(|| panic!("no job for {target}"))
}

#[test]
fn default_plan_has_one_job_per_default_target() {
    let plan = plan(&config("version: 1\n"), &linux_amd64(), &[]).unwrap();
    let targets: Vec<String> = plan.jobs.iter().map(|j| j.target.to_string()).collect();
    assert_eq!(targets, crate::config::DEFAULT_TARGETS);
    let arm = job(&plan, "linux/arm/7");
    assert_eq!(arm.binaries[0].output, "hello_linux_arm_7");
    assert_eq!(arm.env.get("GOARM").map(String::as_str), Some("7"));
    assert_eq!(arm.env["CGO_ENABLED"], "0");
    assert!(arm.static_link);
    assert_eq!(arm.tags, ["netgo", "osusergo"]);
    assert_eq!(arm.ldflags, "-s -w");
    assert_eq!(arm.flags, ["-trimpath"]);
    let win = job(&plan, "windows/amd64");
    assert_eq!(win.binaries[0].output, "hello_windows_amd64.exe");
    assert!(!win.static_link, "static linking does not apply to windows");
    assert!(win.tags.is_empty());
    assert_eq!(win.runner.label, "ubuntu-24.04", "pure Go builds on Linux");
    assert_eq!(win.verify_runner, None, "wine runs it in the leg");
    let mac = job(&plan, "darwin/arm64");
    assert_eq!(mac.runner.label, "ubuntu-24.04");
    assert_eq!(
        mac.verify_runner.as_ref().map(|r| r.label.as_str()),
        Some("macos-15")
    );
}

#[test]
fn variants_set_their_variable_and_name() {
    let plan = plan(
        &config("version: 1\ntargets: [linux/amd64/v3, linux/arm64/v8.2, linux/386/softfloat, linux/mips/softfloat, 'linux/arm/6,softfloat']\n"),
        &linux_amd64(),
        &[],
    )
    .unwrap();
    assert_eq!(job(&plan, "linux/amd64/v3").env["GOAMD64"], "v3");
    assert_eq!(
        job(&plan, "linux/amd64/v3").binaries[0].output,
        "hello_linux_amd64_v3"
    );
    assert_eq!(job(&plan, "linux/arm64/v8.2").env["GOARM64"], "v8.2");
    assert_eq!(job(&plan, "linux/386/softfloat").env["GO386"], "softfloat");
    assert_eq!(
        job(&plan, "linux/mips/softfloat").env["GOMIPS"],
        "softfloat"
    );
    assert_eq!(
        job(&plan, "linux/arm/6,softfloat").binaries[0].output,
        "hello_linux_arm_6-softfloat"
    );
}

#[test]
fn verify_methods_follow_the_host() {
    let plan = plan(
        &config("version: 1\ntargets: [linux/amd64, linux/386, linux/riscv64, windows/amd64, darwin/arm64, wasip1/wasm, freebsd/amd64]\nverify: {}\n"),
        &linux_amd64(),
        &[],
    )
    .unwrap();
    let method = |t| job(&plan, t).verify.method.name();
    assert_eq!(method("linux/amd64"), "native");
    assert_eq!(method("linux/386"), "native");
    assert_eq!(method("linux/riscv64"), "qemu");
    assert_eq!(method("windows/amd64"), "wine");
    assert_eq!(method("darwin/arm64"), "none");
    assert_eq!(method("wasip1/wasm"), "wasm");
    assert_eq!(method("freebsd/amd64"), "none");
    assert_eq!(
        job(&plan, "linux/amd64")
            .verify
            .settings
            .as_ref()
            .unwrap()
            .args,
        ["--version"]
    );
}

#[test]
fn runners_follow_the_port_table_and_overrides() {
    let yaml = "version: 1\ntargets: [linux/amd64, linux/arm64, linux/riscv64, darwin/amd64, darwin/arm64, windows/arm64, windows/386]\nci:\n  runners:\n    linux/arm64: ubuntu-24.04\n";
    let ctx = PlanContext {
        host: Host::Runners,
        ..linux_amd64()
    };
    let plan = plan(&config(yaml), &ctx, &[]).unwrap();
    let runner = |t| job(&plan, t).runner.label.as_str();
    assert_eq!(runner("linux/amd64"), "ubuntu-24.04");
    assert_eq!(
        runner("linux/arm64"),
        "ubuntu-24.04",
        "ci.runners falls back to QEMU"
    );
    assert_eq!(job(&plan, "linux/arm64").verify.method.name(), "qemu");
    assert_eq!(runner("linux/riscv64"), "ubuntu-24.04");
    // Pure Go builds on Linux; what Linux cannot run runs in a verify job on its own OS.
    let verify_runner = |t| {
        job(&plan, t)
            .verify_runner
            .as_ref()
            .map(|r| r.label.as_str())
    };
    for (target, native) in [
        ("darwin/amd64", "macos-15-intel"),
        ("darwin/arm64", "macos-15"),
        ("windows/arm64", "windows-11-arm"),
    ] {
        assert_eq!(runner(target), "ubuntu-24.04", "{target}");
        assert_eq!(verify_runner(target), Some(native), "{target}");
        assert_eq!(
            job(&plan, target).verify.method,
            VerifyMethod::None {
                reason: format!(
                    "{target} binaries run in the verify job on {native}, after this leg"
                )
            }
        );
    }
    assert_eq!(runner("windows/386"), "ubuntu-24.04");
    assert_eq!(job(&plan, "windows/386").verify.method.name(), "wine");
    for target in ["linux/amd64", "linux/arm64", "linux/riscv64", "windows/386"] {
        assert_eq!(verify_runner(target), None, "{target}");
    }
}

#[test]
fn a_leg_stays_native_when_only_its_own_os_builds_or_tests_it() {
    let ctx = PlanContext {
        host: Host::Runners,
        ..linux_amd64()
    };
    let native = |yaml: &str, target: &str| {
        let plan = plan(&config(yaml), &ctx, &[]).unwrap();
        let job = job(&plan, target);
        (
            job.runner.label.clone(),
            job.verify_runner.clone(),
            job.verify.method.name(),
        )
    };
    let on_mac = ("macos-15".to_string(), None, "native");
    // cgo for macOS needs Apple's toolchain.
    assert_eq!(
        native(
            "version: 1\ntargets: [darwin/arm64]\ncgo: true\n",
            "darwin/arm64"
        ),
        on_mac
    );
    // Its Go tests run in the leg, on macOS.
    assert_eq!(
        native(
            "version: 1\ntargets: [darwin/arm64]\ntest: {}\n",
            "darwin/arm64"
        ),
        on_mac
    );
    // The leg itself must run the binary.
    assert_eq!(
        native(
            "version: 1\ntargets: [darwin/arm64]\nverify:\n  allow_not_run: false\n",
            "darwin/arm64"
        ),
        on_mac
    );
    // A runner named in gocross.yaml is the leg's.
    assert_eq!(
        native(
            "version: 1\ntargets: [darwin/arm64]\nci:\n  runners:\n    darwin/arm64: macos-15\n",
            "darwin/arm64"
        ),
        on_mac
    );
    // Tests only for other targets, and a test-free override, leave it on Linux.
    let (runner, verify_runner, _) = native(
        "version: 1\ntargets: [linux/amd64, darwin/arm64]\ntest:\n  targets: [linux/amd64]\n",
        "darwin/arm64",
    );
    assert_eq!(runner, "ubuntu-24.04");
    assert_eq!(verify_runner.map(|r| r.label), Some("macos-15".to_string()));
    // cgo for windows/arm64 with zig builds on Linux and runs on Windows on Arm.
    let mut zig = ctx.clone();
    zig.tools.zig = Some(vec!["zig".into()]);
    let plan = plan(
        &config("version: 1\ntargets: [windows/arm64]\ncgo: true\n"),
        &zig,
        &[],
    )
    .unwrap();
    let arm = job(&plan, "windows/arm64");
    assert_eq!(arm.runner.label, "ubuntu-24.04");
    assert!(
        matches!(
            arm.toolchain,
            Some(crate::toolchain::CToolchain::Zig { .. })
        ),
        "{:?}",
        arm.toolchain
    );
    assert_eq!(
        arm.verify_runner.as_ref().map(|r| r.label.as_str()),
        Some("windows-11-arm")
    );
    // `verify.skip` runs nothing anywhere.
    let (_, verify_runner, method) = native(
        "version: 1\ntargets: [darwin/arm64]\nverify:\n  skip: no display\n",
        "darwin/arm64",
    );
    assert_eq!((verify_runner, method), (None, "none"));
}

#[test]
fn overrides_apply_in_order() {
    let yaml = "version: 1\ntargets: [linux/amd64, linux/arm64, windows/amd64]\ncgo: true\nglibc: \"2.17\"\nenv: {GOFLAGS: -mod=mod}\noverrides:\n  - targets: [linux/arm64]\n    static: false\n    env: {GOEXPERIMENT: boringcrypto}\n    runner: my-arm-runner\n  - targets: [linux]\n    ldflags: -s\n    tags: [prod]\n  - targets: [windows/amd64]\n    cgo: false\n";
    let mut ctx = linux_amd64();
    ctx.tools.zig = Some(vec!["zig".into()]);
    let plan = plan(&config(yaml), &ctx, &[]).unwrap();
    let arm = job(&plan, "linux/arm64");
    assert!(!arm.static_link && arm.cgo);
    assert_eq!(arm.glibc.unwrap().to_string(), "2.17");
    assert_eq!(arm.env["CC"], "zig cc -target aarch64-linux-gnu.2.17");
    assert_eq!(arm.env["CXX"], "zig c++ -target aarch64-linux-gnu.2.17");
    let VerifyMethod::Qemu { sysroot, .. } = &arm.verify.method else {
        panic!("{:?}", arm.verify.method)
    };
    assert_eq!(
        sysroot.as_ref().map(|s| s.path.as_str()),
        Some("/usr/aarch64-linux-gnu"),
        "a zig-linked dynamic binary runs with the Debian sysroot"
    );
    assert_eq!(
        arm.requirements.packages,
        ["qemu-user-static", "libc6-arm64-cross"],
        "zig links; QEMU runs it with the sysroot's libc"
    );
    assert_eq!(arm.requirements.zig, Some(crate::toolchain::ZIGLANG));
    assert_eq!(arm.env["GOFLAGS"], "-mod=mod");
    assert_eq!(arm.env["GOEXPERIMENT"], "boringcrypto");
    assert_eq!(arm.runner.label, "my-arm-runner");
    assert_eq!(
        arm.runner.platform, None,
        "a self-hosted label has no known platform"
    );
    assert_eq!(arm.ldflags, "-s");
    assert_eq!(arm.tags, ["prod"]);
    let amd = job(&plan, "linux/amd64");
    assert!(amd.static_link);
    assert_eq!(amd.glibc, None, "a static build has no glibc floor");
    assert_eq!(amd.env["CC"], "zig cc -target x86_64-linux-musl");
    assert_eq!(
        amd.env["CGO_LDFLAGS"], "-O2",
        "zig keeps a stripped link stripped"
    );
    assert_eq!(arm.env["CGO_LDFLAGS"], "-O2");
    assert_eq!(amd.ldflags, "-s -linkmode external -extldflags -static");
    assert_eq!(amd.tags, ["prod", "netgo", "osusergo"]);
    let win = job(&plan, "windows/amd64");
    assert!(!win.cgo);
    assert_eq!(win.env["CGO_ENABLED"], "0");
    assert!(!win.env.contains_key("CC"));
}

#[test]
fn missing_toolchain_is_planned_not_fatal() {
    let yaml = "version: 1\ntargets: [linux/riscv64, darwin/arm64]\ncgo: true\nstatic: false\n";
    let plan = plan(&config(yaml), &linux_amd64(), &[]).unwrap();
    let riscv = job(&plan, "linux/riscv64");
    let Some(CToolchain::Missing { hint }) = &riscv.toolchain else {
        panic!("{:?}", riscv.toolchain)
    };
    assert!(hint.contains("gcc-riscv64-linux-gnu"), "{hint}");
    assert!(!riscv.env.contains_key("CC"));
    let Some(CToolchain::Missing { hint }) = &job(&plan, "darwin/arm64").toolchain else {
        panic!()
    };
    assert!(hint.contains("macOS runner"), "{hint}");
}

#[test]
fn target_filter_selects_and_refuses() {
    let c = config("version: 1\n");
    let arm: Target = "linux/arm".parse().unwrap();
    let p = plan(&c, &linux_amd64(), &[arm]).unwrap();
    assert_eq!(p.jobs.len(), 1);
    assert_eq!(p.jobs[0].target.to_string(), "linux/arm/7");
    let riscv: Target = "linux/riscv64".parse().unwrap();
    let err = plan(&c, &linux_amd64(), &[riscv]).unwrap_err().to_string();
    assert!(
        err.starts_with("linux/riscv64 is not in gocross.yaml's targets (linux/amd64, "),
        "{err}"
    );
}

#[test]
fn runner_labels_map_to_platforms_through_the_runner_table() {
    let platform = |label: &str| Runner::new(label.into()).platform;
    assert_eq!(
        platform("ubuntu-24.04-arm"),
        Some(Platform::new(Goos::Linux, Goarch::Arm64))
    );
    assert_eq!(
        platform("ubuntu-22.04"),
        Some(Platform::new(Goos::Linux, Goarch::Amd64))
    );
    assert_eq!(
        platform("windows-11-arm"),
        Some(Platform::new(Goos::Windows, Goarch::Arm64))
    );
    assert_eq!(
        platform("macos-15-intel"),
        Some(Platform::new(Goos::Darwin, Goarch::Amd64))
    );
    assert_eq!(
        platform("macos-26"),
        Some(Platform::new(Goos::Darwin, Goarch::Arm64))
    );
    assert_eq!(platform("self-hosted"), None);
    assert!(Runner::new("ubuntu-24.04".into()).apt && !Runner::new("macos-15".into()).apt);
}

#[test]
fn requirements_name_what_the_leg_installs() {
    let yaml = "version: 1
targets: [linux/amd64, linux/riscv64, windows/amd64, darwin/arm64]
cgo: true
overrides:
  - targets: [linux/riscv64]
    cc: gnu
    static: false
  - targets: [linux/amd64]
    cc: musl
";
    let ctx = PlanContext::runners(GoVersion::new(1, 26));
    let plan = plan(&config(yaml), &ctx, &[]).unwrap();
    let packages = |t| job(&plan, t).requirements.packages.clone();
    assert_eq!(packages("linux/amd64"), ["musl-tools", "gcc"]);
    assert_eq!(
        packages("linux/riscv64"),
        [
            "gcc-riscv64-linux-gnu",
            "libc6-dev-riscv64-cross",
            "qemu-user-static",
            "libc6-riscv64-cross"
        ]
    );
    let windows = job(&plan, "windows/amd64");
    assert_eq!(
        windows.runner.label, "ubuntu-24.04",
        "zig builds it on Linux"
    );
    assert_eq!(
        windows.requirements.packages,
        crate::toolchain::WINE_PACKAGES,
        "wine runs it there"
    );
    assert_eq!(windows.requirements.zig, Some(crate::toolchain::ZIGLANG));
    let mac = job(&plan, "darwin/arm64");
    assert_eq!(mac.requirements, Requirements::default(), "Xcode is there");
    assert_eq!(
        job(&plan, "linux/riscv64").policy.target,
        Some("linux/riscv64".parse().unwrap())
    );
}

#[test]
fn upx_applies_to_the_ports_it_supports() {
    let yaml = "version: 1\ntargets: [linux/amd64, linux/riscv64, windows/amd64, darwin/arm64, linux/arm64]\nupx: true\noverrides:\n  - targets: [linux/arm64]\n    upx: false\n";
    let packed = plan(&config(yaml), &linux_amd64(), &[]).unwrap();
    let upx = |t| job(&packed, t).upx;
    assert!(upx("linux/amd64") && upx("windows/amd64"));
    assert!(
        !upx("linux/riscv64") && !upx("darwin/arm64"),
        "UPX cannot pack these"
    );
    assert!(!upx("linux/arm64"), "an override turns it off");
    let plain = plan(&config("version: 1\n"), &linux_amd64(), &[]).unwrap();
    assert!(plain.jobs.iter().all(|j| !j.upx), "off by default");
}

#[test]
fn test_plans_follow_the_build_and_the_test_section() {
    let c = config(
        "version: 1\ntargets: [linux/amd64, linux/arm64, linux/s390x, darwin/arm64]\ncgo: true\nverify:\n  skip: not here\noverrides:\n  - targets: [linux/arm64]\n    static: false\n    cc: gnu\n  - targets: [linux/s390x]\n    test: false\n  - targets: [linux/amd64]\n    test_args: [-short]\ntest:\n  args: [-count=1]\n  timeout: 120\n  targets: [linux/amd64, linux/arm64]\n  env: {TZ: UTC}\n",
    );
    let plan = plan(&c, &linux_amd64(), &[]).unwrap();
    let amd64 = job(&plan, "linux/amd64");
    assert!(amd64.test.selected && amd64.test.skip.is_none());
    assert_eq!(amd64.test.args, ["-count=1", "-short"]);
    assert_eq!(amd64.test.timeout, 120);
    assert_eq!(amd64.test.env["TZ"], "UTC");
    // Static cgo links the test binaries the same way, without stamps or stripping.
    assert_eq!(amd64.test.ldflags, "-linkmode external -extldflags -static");
    assert_eq!(amd64.test.method, VerifyMethod::Native);
    // `verify.skip` is about the shipped binary: the tests still run.
    assert!(matches!(amd64.verify.method, VerifyMethod::None { .. }));
    let arm64 = job(&plan, "linux/arm64");
    assert_eq!(arm64.test.ldflags, "");
    assert_eq!(
        arm64.test.method,
        VerifyMethod::Qemu {
            qemu: arm64.target.port().qemu().unwrap(),
            sysroot: Some(QemuSysroot {
                path: "/usr/aarch64-linux-gnu".into(),
                package: Some("libc6-arm64-cross"),
            })
        }
    );
    // The leg runs the tests under QEMU even though verification is skipped.
    assert!(arm64.requirements.packages.contains(&QEMU_PACKAGE));
    assert!(arm64.requirements.packages.contains(&"libc6-arm64-cross"));
    let s390x = job(&plan, "linux/s390x");
    assert!(!s390x.test.selected, "not in test.targets");
    assert!(
        !s390x.requirements.packages.contains(&QEMU_PACKAGE),
        "`test: false` and no verification: nothing runs there"
    );
    assert!(
        s390x
            .test
            .skip
            .as_deref()
            .unwrap()
            .contains("`test: false`")
    );
    let darwin = job(&plan, "darwin/arm64");
    assert!(matches!(darwin.test.method, VerifyMethod::None { .. }));
    assert_eq!(darwin.test.packages, ["./..."]);
}

#[test]
fn every_target_builds_every_binary_with_its_own_settings() {
    let c = config(
        "version: 1\ntargets: [linux/amd64, windows/amd64, linux/arm/7]\nenv: {GOEXPERIMENT: loopvar}\nbinaries:\n  - name: age\n    main: ./cmd/age\n  - name: age-keygen\n    main: ./cmd/age-keygen\n    ldflags: -X main.v={{version}}\n    tags: [nokeyring]\n    env: {GOFLAGS: -mod=mod}\noverrides:\n  - targets: [windows]\n    ldflags: -H windowsgui\n",
    );
    let p = plan(&c, &linux_amd64(), &[]).unwrap();
    assert_eq!(p.jobs.len(), 3, "one job per target");
    let amd = job(&p, "linux/amd64");
    let names: Vec<(&str, &str, &str)> = amd
        .binaries
        .iter()
        .map(|b| (b.name.as_str(), b.package.as_str(), b.output.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("age", "./cmd/age", "age_linux_amd64"),
            ("age-keygen", "./cmd/age-keygen", "age-keygen_linux_amd64")
        ]
    );
    let keygen = &amd.binaries[1];
    assert_eq!(keygen.ldflags, "-X main.v={{version}}");
    assert_eq!(keygen.tags, ["nokeyring", "netgo", "osusergo"]);
    assert_eq!(keygen.env["GOFLAGS"], "-mod=mod");
    assert_eq!(keygen.env["GOEXPERIMENT"], "loopvar");
    assert_eq!(keygen.env["GOOS"], "linux");
    assert!(
        !amd.env.contains_key("GOFLAGS"),
        "the target's env has no binary's own"
    );
    assert_eq!(amd.binaries[0].ldflags, "-s -w");
    // An override is the most specific: it wins over a binary's own.
    let win = job(&p, "windows/amd64");
    assert_eq!(win.binaries[1].ldflags, "-H windowsgui");
    assert_eq!(win.binaries[1].output, "age-keygen_windows_amd64.exe");
    assert!(amd.archive.is_none(), "no `archives:`, no archive");
}

#[test]
fn an_overrides_archive_name_names_its_targets_archives() {
    let c = config(
        "version: 1\ntargets: [linux/amd64, linux/arm/7, darwin/arm64]\narchives:\n  name: '{{project}}_{{version}}_{{goos}}-{{goarch}}'\noverrides:\n  - targets: [linux/amd64]\n    archive_name: '{{project}}_{{version}}_Linux-64bit'\n  - targets: [linux]\n    tags: [netgo]\n",
    );
    let p = plan(&c, &linux_amd64(), &[]).unwrap();
    let name = |t: &str| job(&p, t).archive.as_ref().unwrap().name.clone();
    assert_eq!(name("linux/amd64"), "{{project}}_{{version}}_Linux-64bit");
    assert_eq!(
        name("linux/arm/7"),
        "{{project}}_{{version}}_{{goos}}-{{goarch}}"
    );
    assert_eq!(
        name("darwin/arm64"),
        "{{project}}_{{version}}_{{goos}}-{{goarch}}"
    );
}

#[test]
fn archives_default_to_tar_gz_and_zip_for_windows() {
    let c = config(
        "version: 1\ntargets: [linux/amd64, windows/amd64, darwin/arm64]\narchives:\n  files: [LICENSE]\noverrides:\n  - targets: [darwin/arm64]\n    archive_format: binary\n",
    );
    let p = plan(&c, &linux_amd64(), &[]).unwrap();
    let amd = job(&p, "linux/amd64").archive.as_ref().unwrap();
    assert_eq!(amd.format, ArchiveFormat::TarGz);
    assert_eq!(amd.name, crate::config::DEFAULT_ARCHIVE_NAME);
    assert_eq!(amd.files, ["LICENSE"]);
    assert!(!amd.binaries_released);
    let win = job(&p, "windows/amd64").archive.as_ref().unwrap();
    assert_eq!(win.format, ArchiveFormat::Zip);
    assert!(
        job(&p, "darwin/arm64").archive.is_none(),
        "`binary`: no archive"
    );
    let c = config("version: 1\narchives:\n  format: tar.xz\nrelease:\n  binaries: true\n");
    let p = plan(&c, &linux_amd64(), &[]).unwrap();
    let win = job(&p, "windows/amd64").archive.as_ref().unwrap();
    assert_eq!(
        win.format,
        ArchiveFormat::TarXz,
        "an explicit format is for every target"
    );
    assert!(win.binaries_released);
}

#[test]
fn ports_that_need_a_platform_sdk_are_refused_unless_configured_to_build() {
    let refused = |yaml: &str, ctx: &PlanContext| -> Vec<String> {
        plan(&config(yaml), ctx, &[])
            .unwrap()
            .jobs
            .iter()
            .filter(|j| j.refused.is_some())
            .map(|j| j.target.to_string())
            .collect()
    };
    let runners = PlanContext::runners(GoVersion::new(1, 26));
    let bare = "version: 1\ntargets: [android/arm64, android/amd64, ios/arm64, ios/amd64]\n";
    // android/arm64 links without cgo; the others only externally.
    assert_eq!(
        refused(bare, &linux_amd64()),
        ["android/amd64", "ios/arm64", "ios/amd64"]
    );
    assert_eq!(
        refused(bare, &runners),
        ["android/amd64", "ios/arm64", "ios/amd64"]
    );
    let fixed = "version: 1\ntargets: [android/amd64, ios/arm64, ios/amd64]\noverrides:\n  - targets: [ios/arm64, ios/amd64]\n    cgo: true\n    local: false\n  - targets: [android/amd64]\n    cgo: true\n    cc: x86_64-linux-android21-clang\n";
    assert_eq!(refused(fixed, &linux_amd64()), Vec::<String>::new());
    assert!(refused(fixed, &runners).is_empty());
    let p = plan(&config(fixed), &runners, &[]).unwrap();
    assert_eq!(
        job(&p, "ios/amd64").env["CC"],
        "xcrun --sdk iphonesimulator clang -arch x86_64"
    );
    assert_eq!(job(&p, "ios/arm64").runner.label, "macos-15");
    // Built here (local), ios has no Xcode on Linux: refused with the fix.
    let local = "version: 1\ntargets: [ios/arm64]\ncgo: true\n";
    let p = plan(&config(local), &linux_amd64(), &[]).unwrap();
    let why = job(&p, "ios/arm64").refused.clone().unwrap();
    assert!(
        why.contains("needs Xcode's clang") && why.contains("`local: false`"),
        "{why}"
    );
    assert!(matches!(p.buildable(), Err(PlanError::Refused(r)) if r.len() == 1));
}
