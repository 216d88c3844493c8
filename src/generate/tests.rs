use super::*;
use crate::config::GoMod;
use crate::plan::{PlanContext, plan};
use crate::targets::GoVersion;
use serde_json::Value;

/// The gocross action of these tests; the default one depends on how the test binary was
/// built (`crate::origin`), and the integration tests cover it.
const ACTION: &str = "gocross/gocross@0123456789abcdef0123456789abcdef01234567";

fn config(yaml: &str) -> Config {
    let module = GoMod::parse("module example.com/hello\ngo 1.25\n").unwrap();
    let mut c = Config::parse(yaml, Path::new("gocross.yaml"), Some(&module)).unwrap();
    c.ci.action.get_or_insert_with(|| ACTION.into());
    c
}

fn rendered(yaml: &str, layout: &Layout) -> (BuildPlan, Value) {
    let c = config(yaml);
    let p = plan(&c, &PlanContext::runners(GoVersion::new(1, 25)), &[]).unwrap();
    let text = render(&c, &p, layout, "stable").unwrap().text;
    assert!(!text.contains("{{{") && !text.contains("{{%"), "{text}");
    (p, serde_saphyr::from_str(&text).unwrap())
}

fn legs(workflow: &Value) -> &Vec<Value> {
    workflow["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_array()
        .unwrap()
}

fn steps<'a>(workflow: &'a Value, job: &str) -> &'a Vec<Value> {
    workflow["jobs"][job]["steps"].as_array().unwrap()
}

#[test]
fn one_leg_per_plan_job_with_the_plans_runner() {
    let (p, w) = rendered(
        "version: 1\ntargets: [first-class, linux/riscv64, windows/arm64]\n",
        &Layout::default(),
    );
    let legs = legs(&w);
    assert_eq!(legs.len(), p.jobs.len());
    for (leg, job) in legs.iter().zip(&p.jobs) {
        assert_eq!(leg["target"], job.target.to_string());
        assert_eq!(leg["runner"], job.runner.label.as_str());
        assert_eq!(leg["verify"], job.verify.method.name());
    }
    let riscv = legs
        .iter()
        .find(|l| l["target"] == "linux/riscv64")
        .unwrap();
    assert_eq!(riscv["apt"], "qemu-user-static");
    assert_eq!(riscv["runner"], "ubuntu-24.04");
    let names: std::collections::BTreeSet<_> =
        legs.iter().map(|l| l["artifact"].to_string()).collect();
    assert_eq!(names.len(), legs.len(), "artifact names are unique");
}

#[test]
fn security_shape() {
    let (_, w) = rendered("version: 1\n", &Layout::default());
    assert_eq!(w["permissions"], serde_json::json!({}));
    let on = w["on"].as_object().unwrap();
    assert!(on.contains_key("pull_request") && on.contains_key("workflow_dispatch"));
    assert!(!on.contains_key("pull_request_target") && !on.contains_key("workflow_run"));
    for (name, job) in w["jobs"].as_object().unwrap() {
        assert!(job["timeout-minutes"].is_u64(), "{name} has no timeout");
        assert!(job["permissions"].is_object(), "{name} has no permissions");
        for step in job["steps"].as_array().unwrap() {
            if let Some(run) = step["run"].as_str() {
                assert!(!run.contains("${{"), "{name}: expression in run: {run}");
            }
            if step["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/checkout@"))
            {
                assert_eq!(step["with"]["persist-credentials"], false);
            }
        }
    }
    assert_eq!(
        w["jobs"]["release"]["permissions"],
        serde_json::json!({"contents": "write"})
    );
    assert_eq!(w["jobs"]["attest"]["permissions"]["id-token"], "write");
    for step in steps(&w, "attest") {
        let uses = step["uses"].as_str().unwrap_or_default();
        assert!(
            uses.starts_with("actions/"),
            "only actions/* where the OIDC token is: {step}"
        );
    }
    assert!(
        w["jobs"]["report"]["permissions"]
            .get("pull-requests")
            .is_none(),
        "no comment, no pull-requests permission"
    );
    for job in ["check", "build"] {
        assert_eq!(
            w["jobs"][job]["permissions"],
            serde_json::json!({"contents": "read"}),
            "{job} is read-only"
        );
    }
}

#[test]
fn cgo_legs_install_their_toolchain() {
    let (p, w) = rendered(
        "version: 1\ncgo: true\ntargets: [linux/amd64, linux/arm64, linux/riscv64]\noverrides:\n  - targets: [linux/riscv64]\n    cc: gnu\n    static: false\n",
        &Layout::default(),
    );
    let legs = legs(&w);
    assert_eq!(legs[0]["zig"], crate::toolchain::ZIGLANG);
    assert_eq!(legs[0]["apt"], "");
    assert_eq!(legs[2]["zig"], "");
    assert_eq!(
        legs[2]["apt"],
        "gcc-riscv64-linux-gnu libc6-dev-riscv64-cross qemu-user-static libc6-riscv64-cross",
        "the cross gcc with its libc headers, QEMU with the sysroot's libc"
    );
    for (leg, job) in legs.iter().zip(&p.jobs) {
        assert_eq!(leg["apt"], job.requirements.packages.join(" "));
    }
    assert!(p.jobs[2].env["CC"].contains("riscv64-linux-gnu-gcc"));
    let zig = steps(&w, "build")
        .iter()
        .find(|s| s["name"] == "Install zig")
        .unwrap();
    assert_eq!(zig["env"]["ZIGLANG"], "${{ matrix.zig }}");
}

#[test]
fn a_leg_without_a_toolchain_is_refused() {
    let c = config(
        "version: 1\ncgo: true\ntargets: [darwin/arm64]\nci:\n  runners:\n    darwin/arm64: ubuntu-24.04\n",
    );
    let p = plan(&c, &PlanContext::runners(GoVersion::new(1, 25)), &[]).unwrap();
    let err = render(&c, &p, &Layout::default(), "stable").unwrap_err();
    assert!(
        err.to_string()
            .contains("darwin/arm64: cgo for darwin/arm64 needs Apple's toolchain"),
        "{err}"
    );
}

#[test]
fn go_axis_multiplies_legs_and_releases_the_first() {
    let (p, w) = rendered(
        "version: 1\ntargets: [linux/amd64, windows/amd64]\nci:\n  go_versions: ['1.25', '1.26']\n",
        &Layout::default(),
    );
    let legs = legs(&w);
    assert_eq!(legs.len(), p.jobs.len() * 2);
    assert_eq!(legs[1]["go"], "1.26");
    assert_eq!(legs[1]["artifact"], "gocross-go1.26-hello_linux_amd64");
    let setup = &steps(&w, "build")[1];
    assert_eq!(setup["with"]["go-version"], "${{ matrix.go }}");
    let download = &steps(&w, "release")[1];
    assert_eq!(download["with"]["pattern"], "gocross-go1.25-*");
    let report = &steps(&w, "report")[1];
    assert_eq!(
        report["with"]["pattern"], "manifest-gocross-*",
        "the report shows every Go, from the manifest artifacts alone"
    );
}

#[test]
fn a_go_axis_verifies_each_releases_build_on_its_own_runner() {
    let (_, w) = rendered(
        "version: 1\ntargets: [linux/amd64, darwin/arm64]\nci:\n  go_versions: ['1.25', '1.26']\n",
        &Layout::default(),
    );
    let verify = &w["jobs"]["verify"];
    assert_eq!(
        verify["name"],
        "Verify ${{ matrix.target }} built with Go ${{ matrix.go }} on ${{ matrix.runner }}"
    );
    let legs: Vec<(&str, &str, &str)> = verify["strategy"]["matrix"]["include"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["go"].as_str().unwrap(),
                l["artifact"].as_str().unwrap(),
                l["runner"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        legs,
        [
            ("1.25", "gocross-go1.25-hello_darwin_arm64", "macos-15"),
            ("1.26", "gocross-go1.26-hello_darwin_arm64", "macos-15"),
        ]
    );
}

#[test]
fn release_off_and_subdirectory_module() {
    let layout = Layout {
        working_directory: "tools/hello".into(),
        config: "gocross.yaml".into(),
    };
    let (_, w) = rendered("version: 1\nrelease:\n  enabled: false\n", &layout);
    assert!(w["jobs"].get("release").is_none());
    let build = steps(&w, "build");
    assert_eq!(build[1]["with"]["go-version"], "stable");
    let upload = build
        .iter()
        .find(|s| s["name"] == "Upload ${{ matrix.target }}")
        .unwrap();
    assert_eq!(upload["with"]["path"], "${{ matrix.upload }}");
    assert!(legs(&w).iter().all(|l| l["upload"] == "tools/hello/dist"));
    let manifests = build.last().unwrap();
    assert_eq!(
        manifests["with"]["path"],
        "tools/hello/dist/manifest.json\ntools/hello/dist/tests.json\n"
    );
    let restore = build
        .iter()
        .find(|s| s["id"] == "go-cache-restore")
        .unwrap();
    assert_eq!(
        restore["with"]["key"],
        "gocross-go-${{ matrix.target }}-stable-${{ runner.os }}-${{ runner.arch }}-${{ hashFiles('tools/hello/go.sum') }}"
    );
    let gocross = build.iter().find(|s| s["id"] == "gocross").unwrap();
    assert_eq!(gocross["with"]["working-directory"], "tools/hello");
}

#[test]
fn extra_steps_and_env_keep_their_values() {
    let (_, w) = rendered(
        "version: 1\nci:\n  env:\n    GOPRIVATE: 'example.com/*'\n    GOFLAGS: '-mod=mod'\n  steps_before_build:\n    - name: 'Generate: code'\n      run: |\n        go generate ./...\n        echo \"done # really\"\n  steps_after_build:\n    - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8\n      with:\n        fetch-depth: 0\n        ref: '1.20'\n",
        &Layout::default(),
    );
    assert_eq!(w["jobs"]["build"]["env"]["GOPRIVATE"], "example.com/*");
    assert_eq!(w["jobs"]["build"]["env"]["GOFLAGS"], "-mod=mod");
    let build = steps(&w, "build");
    let at = |name: &str| {
        build
            .iter()
            .position(|s| s["name"] == name || s["id"] == name)
    };
    let generate = at("Generate: code").unwrap();
    assert_eq!(
        build[generate]["run"],
        "go generate ./...\necho \"done # really\"\n"
    );
    let gocross = at("gocross").unwrap();
    assert!(generate < gocross);
    // After the build and the cache's save step.
    assert_eq!(build[gocross + 1]["name"], "Save the Go caches");
    assert_eq!(build[gocross + 2]["with"]["ref"], "1.20");
    assert_eq!(build[gocross + 2]["with"]["fetch-depth"], 0);
}

#[test]
fn check_reports_a_diff_and_a_missing_file_as_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".github/workflows/gocross.yml");
    let err = check(&path, "gocross.yml", "name: x\n").unwrap_err();
    let GenerateError::Drift { diff, .. } = &err else {
        panic!("{err}")
    };
    assert!(diff.contains("+name: x"), "{diff}");
    assert!(err.to_string().contains("run `gocross ci generate`"));
    write(&path, "name: x\n").unwrap();
    check(&path, "gocross.yml", "name: x\n").unwrap();
    let err = check(&path, "gocross.yml", "name: y\n").unwrap_err();
    assert!(err.to_string().contains("-name: x\n+name: y"), "{err}");
}

#[test]
fn layout_of_a_module_in_a_subdirectory() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(repo.path().join(".git")).unwrap();
    let module = repo.path().join("tools/hello");
    std::fs::create_dir_all(&module).unwrap();
    assert_eq!(
        repository_root(&module),
        std::fs::canonicalize(repo.path()).unwrap()
    );
    let l = layout(
        &repository_root(&module),
        &module,
        &module.join("gocross.yaml"),
    )
    .unwrap();
    assert_eq!(l.working_directory, "tools/hello");
    assert_eq!(l.config, "gocross.yaml");
    let err = layout(repo.path(), &module, &repo.path().join("gocross.yaml")).unwrap_err();
    assert!(err.to_string().contains("outside the module"), "{err}");
}

#[test]
fn a_leg_per_target_builds_every_binary_and_archives_are_attested() {
    let (p, w) = rendered(
        "version: 1\nproject: age\ntargets: [linux/arm/7, windows/amd64, darwin/arm64]\nbinaries:\n  - {name: age, main: ./cmd/age}\n  - {name: age-keygen, main: ./cmd/age-keygen}\narchives: {}\noverrides:\n  - targets: [darwin/arm64]\n    archive_format: binary\n",
        &Layout::default(),
    );
    let legs = legs(&w);
    assert_eq!(
        legs.len(),
        p.jobs.len(),
        "one leg per target, not per binary"
    );
    let artifacts: Vec<&str> = legs
        .iter()
        .map(|l| l["artifact"].as_str().unwrap())
        .collect();
    assert_eq!(
        artifacts,
        [
            "gocross-age_linux_arm_7",
            "gocross-age_windows_amd64",
            "gocross-age_darwin_arm64"
        ]
    );
    let subjects = steps(&w, "attest")
        .iter()
        .find_map(|s| s["with"]["subject-path"].as_str())
        .unwrap();
    assert_eq!(
        subjects,
        "dist/**/age_*_linux_armv7.tar.gz\ndist/**/age_*_windows_amd64.zip\ndist/**/age_darwin_arm64\ndist/**/age-keygen_darwin_arm64\n"
    );
    // An archived leg uploads its archive without the bare binaries, uncompressed; the bare
    // binaries darwin releases (and its verify job runs) are uploaded, compressed.
    let uploads: Vec<(&str, &Value)> = legs
        .iter()
        .map(|l| (l["upload"].as_str().unwrap(), &l["compression"]))
        .collect();
    assert_eq!(
        uploads,
        [
            (
                "dist\n!dist/age_linux_arm_7\n!dist/age-keygen_linux_arm_7\n",
                &Value::from(0)
            ),
            (
                "dist\n!dist/age_windows_amd64.exe\n!dist/age-keygen_windows_amd64.exe\n",
                &Value::from(0)
            ),
            ("dist", &Value::from(6)),
        ]
    );
    // With `release.binaries: true`, every bare binary is uploaded.
    let (_, w) = rendered(
        "version: 1\nproject: age\ntargets: [linux/arm/7]\narchives: {}\nrelease:\n  binaries: true\n",
        &Layout::default(),
    );
    let released = &w["jobs"]["build"]["strategy"]["matrix"]["include"][0];
    assert_eq!(released["upload"], "dist");
    assert_eq!(released["compression"], 6);
}

const IMAGE: &str =
    "version: 1\ntargets: [linux/amd64, linux/arm64]\nimage:\n  repository: ghcr.io/acme/hello\n";

#[test]
fn sign_image_follows_release_attest_like_the_binaries() {
    // auto: public repositories only, the very condition of the binaries' attest job.
    let (_, w) = rendered(IMAGE, &Layout::default());
    let sign = &w["jobs"]["sign-image"];
    assert_eq!(sign["if"], "!github.event.repository.private");
    let attest = w["jobs"]["attest"]["if"].as_str().unwrap();
    assert!(
        attest.ends_with(" && !github.event.repository.private"),
        "{attest}"
    );
    assert_eq!(sign["needs"], "image");
    // true: everywhere; false: no signature, no attestation, no OIDC token.
    let (_, w) = rendered(
        &format!("{IMAGE}release:\n  attest: true\n"),
        &Layout::default(),
    );
    assert!(w["jobs"]["sign-image"].is_object());
    assert!(w["jobs"]["sign-image"].get("if").is_none());
    let (_, w) = rendered(
        &format!("{IMAGE}release:\n  attest: false\n"),
        &Layout::default(),
    );
    assert!(w["jobs"].get("sign-image").is_none(), "{}", w["jobs"]);
    assert!(w["jobs"]["image"].is_object());
    for (name, job) in w["jobs"].as_object().unwrap() {
        assert!(
            job["permissions"].get("id-token").is_none(),
            "{name} can mint an OIDC token with attest: false"
        );
    }
}

#[test]
fn the_image_waits_for_check_build_and_on_a_tag_the_release() {
    let (_, w) = rendered(&format!("{IMAGE}  push_branch: true\n"), &Layout::default());
    let image = &w["jobs"]["image"];
    assert_eq!(
        image["needs"],
        serde_json::json!(["check", "build", "release"])
    );
    assert_eq!(
        image["if"],
        "${{ !cancelled() && github.event_name == 'push' && (github.ref_type == 'tag' || github.ref == format('refs/heads/{0}', github.event.repository.default_branch)) && needs.check.result == 'success' && needs.build.result == 'success' && (github.ref_type != 'tag' || needs.release.result == 'success') }}"
    );
    // Without a release job, GitHub's default: every needed job succeeded.
    let (_, w) = rendered(
        &format!("{IMAGE}release:\n  enabled: false\n"),
        &Layout::default(),
    );
    let image = &w["jobs"]["image"];
    assert_eq!(image["needs"], serde_json::json!(["check", "build"]));
    assert_eq!(
        image["if"],
        "github.event_name == 'push' && github.ref_type == 'tag'"
    );
}

#[test]
fn the_image_attestation_may_record_its_storage() {
    let (_, w) = rendered(IMAGE, &Layout::default());
    let sign = &w["jobs"]["sign-image"];
    let attest = steps(&w, "sign-image")
        .iter()
        .find(|s| s["with"]["push-to-registry"] == true)
        .unwrap();
    assert!(
        attest["uses"]
            .as_str()
            .unwrap()
            .starts_with("actions/attest@")
    );
    assert_eq!(sign["permissions"]["artifact-metadata"], "write");
    assert_eq!(sign["permissions"]["attestations"], "write");
}

#[test]
fn build_legs_check_out_the_history_for_git_describe() {
    let (_, w) = rendered(IMAGE, &Layout::default());
    for (name, job) in w["jobs"].as_object().unwrap() {
        let checkout = job["steps"].as_array().unwrap().iter().find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/checkout@"))
        });
        let Some(checkout) = checkout else { continue };
        // Only the legs stamp {{version}} from git; the others read the legs' manifests.
        let depth = &checkout["with"]["fetch-depth"];
        if name == "build" {
            assert_eq!(*depth, 0, "{name}");
        } else {
            assert!(depth.is_null(), "{name}: {depth}");
        }
    }
}

#[test]
fn every_upload_may_replace_its_artifact_on_a_rerun() {
    let (_, w) = rendered(IMAGE, &Layout::default());
    let mut uploads = 0;
    for (name, job) in w["jobs"].as_object().unwrap() {
        for step in job["steps"].as_array().unwrap() {
            if step["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-artifact@"))
            {
                assert_eq!(step["with"]["overwrite"], true, "{name}: {step}");
                uploads += 1;
            }
        }
    }
    assert_eq!(uploads, 2, "the leg's dist/ and its manifest artifact");
    // The action's own upload step too.
    let action: Value = serde_saphyr::from_str(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml")).unwrap(),
    )
    .unwrap();
    let upload = action["runs"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-artifact@"))
        })
        .unwrap();
    assert_eq!(upload["with"]["overwrite"], true);
}

#[test]
fn the_concurrency_comment_says_what_github_does_with_a_pending_run() {
    let c = config("version: 1\n");
    let p = plan(&c, &PlanContext::runners(GoVersion::new(1, 25)), &[]).unwrap();
    let text = render(&c, &p, &Layout::default(), "stable").unwrap().text;
    let comment: String = text
        .lines()
        .skip_while(|l| !l.starts_with("# A new push to a pull request"))
        .take_while(|l| l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(!comment.contains("queued"), "{comment}");
    assert!(
        comment.contains("cancels the one still waiting, never the running one"),
        "{comment}"
    );
    let w: Value = serde_saphyr::from_str(&text).unwrap();
    assert_eq!(
        w["concurrency"]["cancel-in-progress"],
        "${{ github.event_name == 'pull_request' }}"
    );
}

const CHANNELS: &str = "version: 1\ntargets: [linux/amd64, darwin/arm64, windows/amd64]\nhomebrew:\n  repository: acme/homebrew-tap\nscoop:\n  repository: acme/scoop-bucket\n  token_env: ACME_SCOOP_TOKEN\n";

#[test]
fn signing_checksums_runs_cosign_alone_before_the_release() {
    let (_, w) = rendered(
        &format!("{CHANNELS}release:\n  sign: true\n"),
        &Layout::default(),
    );
    let jobs = &w["jobs"];
    let public = "github.ref_type == 'tag' && !github.event.repository.private";
    assert_eq!(jobs["checksums"]["if"], public);
    assert_eq!(jobs["sign"]["if"], public);
    assert_eq!(
        jobs["checksums"]["needs"],
        serde_json::json!(["check", "build", "verify"])
    );
    assert_eq!(jobs["sign"]["needs"], "checksums");
    let prepare = steps(&w, "checksums")
        .iter()
        .find(|s| s["with"]["command"] == "release")
        .unwrap();
    assert_eq!(
        prepare["with"]["args"],
        "--prepare --tag ${{ github.ref_name }}"
    );
    // The OIDC token's job: nothing but id-token, and no gocross (nor any action but the
    // pinned artifact actions and cosign's installer).
    assert_eq!(
        jobs["sign"]["permissions"],
        serde_json::json!({"id-token": "write"})
    );
    let mut signed = false;
    for step in steps(&w, "sign") {
        if let Some(uses) = step["uses"].as_str() {
            assert!(
                [
                    pins::DOWNLOAD_ARTIFACT,
                    pins::UPLOAD_ARTIFACT,
                    pins::COSIGN_INSTALLER
                ]
                .iter()
                .any(|p| p.uses() == uses),
                "{uses} runs where the OIDC token is"
            );
        }
        if let Some(run) = step["run"].as_str() {
            assert_eq!(
                run,
                "cosign sign-blob --yes --bundle checksums.txt.sigstore.json checksums.txt"
            );
            assert_eq!(step["working-directory"], "dist");
            signed = true;
        }
    }
    assert!(signed);
    // The release waits for the signature and publishes the bundle with everything else.
    let release = &jobs["release"];
    assert_eq!(
        release["needs"],
        serde_json::json!(["check", "build", "verify", "attest", "checksums", "sign"])
    );
    let condition = release["if"].as_str().unwrap();
    assert!(
        condition.contains("&& (needs.sign.result == 'success' || (needs.checksums.result == 'skipped' && needs.sign.result == 'skipped')) }}"),
        "{condition}"
    );
    let download = steps(&w, "release")
        .iter()
        .find(|s| s["with"]["name"] == "signed-checksums")
        .unwrap();
    assert_eq!(download["if"], "needs.sign.result == 'success'");
    assert_eq!(download["with"]["path"], "dist");

    let (_, w) = rendered(CHANNELS, &Layout::default());
    assert!(w["jobs"].get("checksums").is_none() && w["jobs"].get("sign").is_none());
    assert!(!w["jobs"]["release"]["needs"].to_string().contains("sign"));
}

#[test]
fn only_the_release_step_gets_the_tap_and_bucket_tokens() {
    let (_, w) = rendered(CHANNELS, &Layout::default());
    let publish = steps(&w, "release")
        .iter()
        .find(|s| s["with"]["command"] == "release")
        .unwrap();
    assert_eq!(
        publish["env"],
        serde_json::json!({
            "GITHUB_TOKEN": "${{ github.token }}",
            "ACME_SCOOP_TOKEN": "${{ secrets.ACME_SCOOP_TOKEN }}",
            "HOMEBREW_TAP_GITHUB_TOKEN": "${{ secrets.HOMEBREW_TAP_GITHUB_TOKEN }}",
        })
    );
    let text = serde_json::to_string(&w).unwrap();
    assert_eq!(text.matches("secrets.").count(), 2, "{text}");

    // One name for both: one variable. Neither section: no secret at all.
    let (_, w) = rendered(
        &CHANNELS.replace("ACME_SCOOP_TOKEN", "HOMEBREW_TAP_GITHUB_TOKEN"),
        &Layout::default(),
    );
    let text = serde_json::to_string(&w).unwrap();
    assert_eq!(text.matches("secrets.").count(), 1, "{text}");
    let (_, w) = rendered(
        "version: 1\ntargets: [linux/amd64, darwin/arm64, windows/amd64]\n",
        &Layout::default(),
    );
    assert!(!serde_json::to_string(&w).unwrap().contains("secrets."));
}
