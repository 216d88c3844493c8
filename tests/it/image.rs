//! `gocross image` against real registries on localhost (`crane registry serve`, and the
//! CNCF distribution registry with htpasswd auth), with examples/hello built by the real
//! `gocross build` for linux/amd64, linux/arm64, linux/arm/7 and linux/riscv64 from two git
//! checkouts, checked from the outside with crane, QEMU and cosign.

use crate::common;

use common::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const TARGETS: [&str; 4] = ["linux/amd64", "linux/arm64", "linux/arm/7", "linux/riscv64"];
/// (platform, GOARCH, QEMU binary or None for native).
const PLATFORMS: [(&str, &str, Option<&str>); 4] = [
    ("linux/amd64", "amd64", None),
    ("linux/arm64/v8", "arm64", Some("qemu-aarch64-static")),
    ("linux/arm/v7", "arm", Some("qemu-arm-static")),
    ("linux/riscv64", "riscv64", Some("qemu-riscv64-static")),
];
const COMMIT_DATE: &str = "2026-01-02T03:04:05Z";
const ORIGIN: &str = "https://github.com/example/hello.git";

const MIT: &str = "MIT License\n\nCopyright (c) 2026 Example\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\nof this software and associated documentation files (the \"Software\"), to deal\nin the Software without restriction.\n\nThe above copyright notice and this permission notice shall be included in all\ncopies or substantial portions of the Software.\n";

fn tools() -> bool {
    let go_bin = "go install github.com/google/go-containerregistry/cmd/crane@v0.22.1";
    require_tool("go", "install Go")
        && require_tool("git", "apt-get install git")
        && require_tool("crane", go_bin)
        && require_tool("qemu-aarch64-static", "apt-get install qemu-user-static")
}

fn git(dir: &Path, args: &[&str]) -> String {
    run_ok(
        Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .env("GIT_AUTHOR_DATE", COMMIT_DATE)
            .env("GIT_COMMITTER_DATE", COMMIT_DATE)
            .env("GIT_AUTHOR_NAME", "Example")
            .env("GIT_AUTHOR_EMAIL", "dev@example.com")
            .env("GIT_COMMITTER_NAME", "Example")
            .env("GIT_COMMITTER_EMAIL", "dev@example.com"),
    )
    .trim()
    .to_string()
}

/// A `gocross -C dir` command without the caller's Actions or date settings.
fn gx(dir: &Path) -> Command {
    let mut cmd = gocross();
    cmd.arg("-C").arg(dir);
    for var in [
        "SOURCE_DATE_EPOCH",
        "GITHUB_REPOSITORY",
        "GITHUB_SERVER_URL",
        "GOCROSS_REGISTRY_USERNAME",
        "GOCROSS_REGISTRY_PASSWORD",
        "DOCKER_CONFIG",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("GOCROSS_MAX_SLEEP", "0");
    cmd
}

/// The index digest `gocross image build` printed (its last line).
fn build_image(dir: &Path) -> String {
    build_image_with(dir, &[])
}

fn build_image_with(dir: &Path, extra: &[&str]) -> String {
    let out = run_ok(gx(dir).args(["image", "build"]).args(extra));
    let digest = out.lines().last().unwrap_or_default().trim().to_string();
    assert!(digest.starts_with("sha256:"), "no digest in:\n{out}");
    digest
}

struct Checkouts {
    a: PathBuf,
    b: PathBuf,
    digest_a: String,
    digest_b: String,
}

/// examples/hello as a git repository (tag v1.2.3, a fixed commit date, an origin, an MIT
/// LICENSE) built for the four targets and made into an image; then a clone of it in a
/// deeper directory, built the same way.
fn checkouts() -> &'static Checkouts {
    static C: OnceLock<Checkouts> = OnceLock::new();
    C.get_or_init(|| {
        let root = build_dir("image");
        let a = root.join("a/hello");
        copy_module_to(&example("hello"), &a);
        std::fs::write(
            a.join("gocross.yaml"),
            format!(
                "version: 1\nproject: hello\ntargets: [{}]\nldflags: -s -w -X main.version={{{{version}}}}\nverify:\n  expect: \"^hello 1.2.3 \"\nimage:\n  repository: \"{{{{env.TEST_REGISTRY}}}}/hello\"\n  labels:\n    com.example.team: core\n",
                TARGETS.join(", ")
            ),
        )
        .unwrap();
        std::fs::write(a.join("LICENSE"), MIT).unwrap();
        git(&a, &["init", "-q", "-b", "main"]);
        git(&a, &["add", "."]);
        git(&a, &["commit", "-q", "-m", "hello"]);
        git(&a, &["tag", "v1.2.3"]);
        git(&a, &["remote", "add", "origin", ORIGIN]);
        let b = root.join("b/some/deeper/path/hello");
        std::fs::create_dir_all(b.parent().unwrap()).unwrap();
        run_ok(Command::new("git").args(["clone", "-q"]).arg(&a).arg(&b));
        git(&b, &["remote", "set-url", "origin", ORIGIN]);
        let mut digests = Vec::new();
        for dir in [&a, &b] {
            let (out, stdout, stderr) = run(gx(dir).arg("build"));
            assert!(out.status.success(), "build failed:\n{stdout}\n{stderr}");
            digests.push(build_image(dir));
        }
        Checkouts {
            digest_b: digests.pop().unwrap(),
            digest_a: digests.pop().unwrap(),
            a,
            b,
        }
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A registry process on 127.0.0.1, killed when dropped; its log in a file.
struct Registry {
    child: Child,
    addr: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Registry {
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn wait_ready(self) -> Registry {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(20) {
            if std::net::TcpStream::connect(&self.addr).is_ok() {
                return self;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("registry on {} did not start:\n{}", self.addr, self.log());
    }

    /// `crane registry serve`: no auth, no referrers API, one log line per request.
    fn crane() -> Registry {
        let dir = tempfile::tempdir().unwrap();
        let addr = format!("127.0.0.1:{}", free_port());
        let log = dir.path().join("log");
        let child = Command::new("crane")
            .args(["registry", "serve", "--address", &addr])
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(std::fs::File::options().append(true).open(&log).unwrap())
            .spawn()
            .unwrap();
        Registry {
            child,
            addr,
            log,
            _dir: dir,
        }
        .wait_ready()
    }

    /// The CNCF distribution registry with one htpasswd user.
    fn distribution(user: &str, password: &str) -> Registry {
        let dir = tempfile::tempdir().unwrap();
        let addr = format!("127.0.0.1:{}", free_port());
        let htpasswd = dir.path().join("htpasswd");
        run_ok(
            Command::new("htpasswd")
                .args(["-Bbc"])
                .arg(&htpasswd)
                .args([user, password]),
        );
        let config = dir.path().join("config.yml");
        std::fs::write(
            &config,
            format!(
                "version: 0.1\nlog:\n  level: info\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: {addr}\nauth:\n  htpasswd:\n    realm: gocross-test\n    path: {}\n",
                dir.path().join("data").display(),
                htpasswd.display()
            ),
        )
        .unwrap();
        let log = dir.path().join("log");
        let child = Command::new("registry")
            .arg("serve")
            .arg(&config)
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(std::fs::File::options().append(true).open(&log).unwrap())
            .spawn()
            .unwrap();
        Registry {
            child,
            addr,
            log,
            _dir: dir,
        }
        .wait_ready()
    }
}

fn crane(args: &[&str]) -> String {
    run_ok(Command::new("crane").arg("--insecure").args(args))
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

fn platform_of(entry: &Value) -> String {
    let p = &entry["platform"];
    let mut s = format!(
        "{}/{}",
        p["os"].as_str().unwrap(),
        p["architecture"].as_str().unwrap()
    );
    if let Some(v) = p["variant"].as_str() {
        s.push('/');
        s.push_str(v);
    }
    s
}

/// Blob uploads the registry log shows (`POST /v2/<name>/blobs/uploads/`).
fn uploads(log: &str) -> usize {
    log.lines()
        .filter(|l| l.contains("POST /v2/") && l.contains("/blobs/uploads"))
        .count()
}

fn push(dir: &Path, registry: &Registry, extra: &[&str]) -> (bool, String, String) {
    let (out, stdout, stderr) = run(gx(dir)
        .args(["image", "push"])
        .args(extra)
        .env("TEST_REGISTRY", &registry.addr));
    (out.status.success(), stdout, stderr)
}

#[test]
fn image_is_built_pushed_reproducible_idempotent_with_sboms_and_signable() {
    if !tools() {
        return;
    }
    let c = checkouts();
    // Reproducible: two checkouts in different directories, the same index, byte for byte.
    assert_eq!(
        c.digest_a, c.digest_b,
        "two checkouts gave different images"
    );
    assert_eq!(
        std::fs::read(c.a.join("dist/image/index.json")).unwrap(),
        std::fs::read(c.b.join("dist/image/index.json")).unwrap()
    );

    let registry = Registry::crane();
    let repo = format!("{}/hello", registry.addr);
    let (ok, stdout, stderr) = push(&c.a, &registry, &[]);
    assert!(ok, "push failed:\n{stdout}\n{stderr}");
    assert!(
        stdout
            .trim_end()
            .ends_with(&format!("{repo}@{}", c.digest_a)),
        "the index digest is printed:\n{stdout}"
    );
    assert!(
        stderr.contains("tagged") && stderr.contains(":latest"),
        "{stderr}"
    );

    // The index, from the outside.
    assert_eq!(
        crane(&["digest", &format!("{repo}:1.2.3")]).trim(),
        c.digest_a
    );
    assert_eq!(
        crane(&["digest", &format!("{repo}:latest")]).trim(),
        c.digest_a
    );
    let index = json(&crane(&["manifest", &format!("{repo}:1.2.3")]));
    assert_eq!(
        index["mediaType"],
        "application/vnd.oci.image.index.v1+json"
    );
    let listed: BTreeSet<String> = index["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .map(platform_of)
        .collect();
    let expected: BTreeSet<String> = PLATFORMS.iter().map(|p| p.0.to_string()).collect();
    assert_eq!(listed, expected);

    let revision = git(&c.a, &["rev-parse", "HEAD"]);
    let manifest = json(&std::fs::read_to_string(c.a.join("dist/manifest.json")).unwrap());
    let work = tempfile::tempdir().unwrap();
    for (platform, goarch, qemu) in PLATFORMS {
        // Config: os, architecture, variant, user, entrypoint, labels.
        let config = json(&crane(&[
            "config",
            "--platform",
            platform,
            &format!("{repo}:1.2.3"),
        ]));
        let parts: Vec<&str> = platform.split('/').collect();
        assert_eq!(config["os"], parts[0], "{platform}");
        assert_eq!(config["architecture"], parts[1], "{platform}");
        assert_eq!(
            config["variant"].as_str(),
            parts.get(2).copied(),
            "{platform}"
        );
        assert_eq!(config["created"], COMMIT_DATE);
        assert_eq!(config["config"]["User"], "65532:65532");
        assert_eq!(
            config["config"]["Entrypoint"],
            serde_json::json!(["/hello"])
        );
        assert!(config["config"]["Cmd"].is_null());
        let labels = &config["config"]["Labels"];
        for (key, value) in [
            (
                "org.opencontainers.image.source",
                "https://github.com/example/hello",
            ),
            ("org.opencontainers.image.revision", revision.as_str()),
            ("org.opencontainers.image.version", "1.2.3"),
            ("org.opencontainers.image.created", COMMIT_DATE),
            ("org.opencontainers.image.title", "hello"),
            ("org.opencontainers.image.licenses", "MIT"),
            ("com.example.team", "core"),
        ] {
            assert_eq!(labels[key], value, "{platform} label {key}");
        }

        // The filesystem: crane export, then run the binary natively or under QEMU.
        let tar_path = work.path().join(format!("{goarch}.tar"));
        crane(&[
            "export",
            "--platform",
            platform,
            &format!("{repo}:1.2.3"),
            tar_path.to_str().unwrap(),
        ]);
        let mut archive = tar::Archive::new(std::fs::File::open(&tar_path).unwrap());
        let mut files = BTreeSet::new();
        let bin = work.path().join(format!("hello-{goarch}"));
        for entry in archive.entries().unwrap() {
            let mut entry = entry.unwrap();
            let path = entry
                .path()
                .unwrap()
                .to_string_lossy()
                .trim_start_matches("./")
                .to_string();
            if path == "hello" {
                assert_eq!(entry.header().mode().unwrap() & 0o777, 0o755);
                assert_eq!(entry.header().uid().unwrap(), 0);
                let mut bytes = Vec::new();
                entry.read_to_end(&mut bytes).unwrap();
                std::fs::write(&bin, bytes).unwrap();
            }
            files.insert(path);
        }
        for f in [
            "hello",
            "etc/passwd",
            "etc/group",
            "etc/ssl/certs/ca-certificates.crt",
        ] {
            assert!(files.contains(f), "{platform}: {f} missing from {files:?}");
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let mut cmd = match qemu {
            None => Command::new(&bin),
            Some(q) => {
                if !require_tool(q, "apt-get install qemu-user-static") {
                    continue;
                }
                let mut cmd = Command::new(q);
                cmd.arg(&bin);
                cmd
            }
        };
        let out = run_ok(cmd.arg("--version"));
        assert!(
            out.starts_with(&format!("hello 1.2.3 linux/{goarch} go")),
            "{platform}: {out}"
        );

        // The SBOM referrer of this platform's manifest (crane's registry has no referrers
        // API, so the referrers tag schema lists it).
        let digest = index["manifests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| platform_of(m) == platform)
            .unwrap()["digest"]
            .as_str()
            .unwrap()
            .to_string();
        let referrers = json(&crane(&[
            "manifest",
            &format!("{repo}:{}", digest.replace(':', "-")),
        ]));
        let sboms: Vec<&Value> = referrers["manifests"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["artifactType"] == "application/vnd.cyclonedx+json")
            .collect();
        assert_eq!(sboms.len(), 1, "{platform}: {referrers}");
        let artifact = json(&crane(&[
            "manifest",
            &format!("{repo}@{}", sboms[0]["digest"].as_str().unwrap()),
        ]));
        assert_eq!(artifact["subject"]["digest"], digest.as_str());
        let sbom = json(&crane(&[
            "blob",
            &format!(
                "{repo}@{}",
                artifact["layers"][0]["digest"].as_str().unwrap()
            ),
        ]));
        assert_eq!(sbom["bomFormat"], "CycloneDX");
        let target = TARGETS[PLATFORMS.iter().position(|p| p.0 == platform).unwrap()];
        let sha = manifest["artifacts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["target"] == target)
            .unwrap()["sha256"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            sbom.to_string().contains(&sha),
            "{platform}: the SBOM names the binary's sha256"
        );
    }

    // Idempotent: a second push uploads no blob.
    let before = uploads(&registry.log());
    assert!(
        before >= 5,
        "the first push uploaded blobs:\n{}",
        registry.log()
    );
    // It runs as a workflow step would: outputs and a step summary.
    let actions = tempfile::tempdir().unwrap();
    let (output, summary) = (
        actions.path().join("output"),
        actions.path().join("summary"),
    );
    let (out, stdout, stderr) = run(gx(&c.a)
        .args(["image", "push"])
        .env("TEST_REGISTRY", &registry.addr)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary));
    let ok = out.status.success();
    assert!(ok, "{stdout}\n{stderr}");
    let outputs = std::fs::read_to_string(&output).unwrap();
    assert!(
        outputs.contains(&format!("image-digest={}\n", c.digest_a))
            && outputs.contains(&format!("image={repo}@{}\n", c.digest_a))
            && outputs.contains(&format!("image-name={repo}\n")),
        "{outputs}"
    );
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(
        summary.contains("| Platform | Digest | Size |")
            && summary.contains("| linux/arm/v7 | `sha256:"),
        "{summary}"
    );
    assert_eq!(
        uploads(&registry.log()),
        before,
        "the second push uploaded:\n{stderr}"
    );
    assert!(stderr.contains("0 blobs uploaded"), "{stderr}");

    // cosign signs and verifies the pushed index with a generated key pair, offline.
    if require_tool(
        "cosign",
        "go install github.com/sigstore/cosign/v2/cmd/cosign@v2.6.5",
    ) {
        let keys = tempfile::tempdir().unwrap();
        let cosign = |args: &[&str]| {
            let mut cmd = Command::new("cosign");
            cmd.current_dir(keys.path())
                .args(args)
                .env("COSIGN_PASSWORD", "")
                .env("TUF_ROOT", keys.path().join("tuf"))
                .env("HOME", keys.path())
                .stdin(Stdio::null());
            run_ok(&mut cmd)
        };
        cosign(&["generate-key-pair"]);
        let image = format!("{repo}@{}", c.digest_a);
        cosign(&[
            "sign",
            "--key",
            "cosign.key",
            "--tlog-upload=false",
            "--allow-http-registry",
            "--allow-insecure-registry",
            "--yes",
            &image,
        ]);
        let verified = cosign(&[
            "verify",
            "--key",
            "cosign.pub",
            "--insecure-ignore-tlog=true",
            "--allow-http-registry",
            "--allow-insecure-registry",
            &image,
        ]);
        assert!(verified.contains(&c.digest_a), "{verified}");
    }

    // A base that lacks some platforms is refused, naming them; nothing is written.
    let two = format!("{}/base:two", registry.addr);
    crane(&[
        "index",
        "filter",
        &format!("{repo}:1.2.3"),
        "--platform",
        "linux/amd64",
        "--platform",
        "linux/arm64",
        "-t",
        &two,
    ]);
    let two_digest = crane(&["digest", &two]).trim().to_string();
    let module = c.a.parent().unwrap().join("on-base");
    let _ = std::fs::remove_dir_all(&module);
    copy_module_to(&c.a, &module);
    let config = std::fs::read_to_string(c.a.join("gocross.yaml")).unwrap();
    let with_base = |base: &str| {
        std::fs::write(
            module.join("gocross.yaml"),
            format!("{config}  base: {base}\n"),
        )
        .unwrap();
    };
    // The module's dist/ is the first checkout's; the layout goes into the module.
    let dist = c.a.join("dist");
    let layout = module.join("image");
    let where_ = [
        "--dist",
        dist.to_str().unwrap(),
        "--out",
        layout.to_str().unwrap(),
    ];
    with_base(&format!("{}/base@{two_digest}", registry.addr));
    let (out, stdout, stderr) = run(gx(&module).args(["image", "build"]).args(where_));
    assert!(!out.status.success(), "{stdout}");
    assert!(
        stderr.contains("has no image for linux/arm/v7, linux/riscv64"),
        "{stderr}"
    );
    assert!(!layout.exists(), "no layout on a refusal");

    // A base with every platform: its layers come first, the binary's layer is appended,
    // and the push mounts the base's blobs from its repository.
    with_base(&format!("{repo}@{}", c.digest_a));
    let digest = build_image_with(&module, &where_);
    assert_ne!(digest, c.digest_a);
    let (ok, stdout, stderr) = push(
        &module,
        &registry,
        &[
            "--layout",
            layout.to_str().unwrap(),
            "--repository",
            &format!("{}/on-base", registry.addr),
            "--tag",
            "v1",
        ],
    );
    assert!(ok, "{stdout}\n{stderr}");
    assert!(stderr.contains("mounted"), "{stderr}");
    let m = json(&crane(&[
        "manifest",
        "--platform",
        "linux/arm/v7",
        &format!("{}/on-base:v1", registry.addr),
    ]));
    assert_eq!(m["layers"].as_array().unwrap().len(), 3, "{m}");
    assert_eq!(
        m["annotations"]["org.opencontainers.image.base.name"],
        repo.as_str()
    );
}

#[test]
fn the_build_legs_of_the_workflow_give_the_same_image() {
    if !tools() {
        return;
    }
    let c = checkouts();
    // As the workflow's later jobs download them: one directory per build leg, each with its
    // binary and a manifest of that leg alone.
    let legs = tempfile::tempdir().unwrap();
    let dist = c.a.join("dist");
    let manifest: Value = json(&std::fs::read_to_string(dist.join("manifest.json")).unwrap());
    for artifact in manifest["artifacts"].as_array().unwrap() {
        let name = artifact["name"].as_str().unwrap();
        let leg = legs.path().join(format!("gocross-{name}"));
        std::fs::create_dir_all(&leg).unwrap();
        std::fs::copy(dist.join(name), leg.join(name)).unwrap();
        let mut one = manifest.clone();
        one["artifacts"] = serde_json::json!([artifact]);
        std::fs::write(leg.join("manifest.json"), one.to_string()).unwrap();
    }
    let out = legs.path().join("image");
    let digest = build_image_with(
        &c.a,
        &[
            "--dist",
            legs.path().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(
        digest, c.digest_a,
        "the legs make the same image as one dist/"
    );

    // A leg whose binary changed after its build is refused, naming the file.
    let amd64 = legs
        .path()
        .join("gocross-hello_linux_amd64/hello_linux_amd64");
    let mut bytes = std::fs::read(&amd64).unwrap();
    bytes.push(0);
    std::fs::write(&amd64, bytes).unwrap();
    let (out, _, stderr) = run(gx(&c.a).args([
        "image",
        "build",
        "--dist",
        legs.path().to_str().unwrap(),
        "--out",
        legs.path().join("image2").to_str().unwrap(),
    ]));
    assert!(!out.status.success());
    assert!(
        stderr.contains("gocross-hello_linux_amd64/hello_linux_amd64: changed since the build"),
        "{stderr}"
    );
}

#[test]
fn a_wrong_password_is_refused_and_leaves_no_tag() {
    if !tools()
        || !require_tool(
            "registry",
            "go install github.com/distribution/distribution/v3/cmd/registry@v3.1.2",
        )
        || !require_tool("htpasswd", "apt-get install apache2-utils")
    {
        return;
    }
    let c = checkouts();
    let secret = "right-Secret-4711";
    let wrong = "wrong-Secret-0815";
    let registry = Registry::distribution("gocross", secret);
    let with = |password: &str| {
        let mut cmd = gx(&c.a);
        cmd.args(["image", "push"])
            .env("TEST_REGISTRY", &registry.addr)
            .env("GOCROSS_REGISTRY_USERNAME", "gocross")
            .env("GOCROSS_REGISTRY_PASSWORD", password);
        run(&mut cmd)
    };
    let (out, stdout, stderr) = with(wrong);
    assert!(!out.status.success(), "{stdout}\n{stderr}");
    assert!(stderr.contains("refused"), "{stderr}");
    assert!(stderr.contains("nothing was tagged"), "{stderr}");
    assert!(
        !stdout.contains(wrong) && !stderr.contains(wrong),
        "the password leaked"
    );
    let log = registry.log();
    assert!(!log.contains("\"PUT "), "something was written:\n{log}");
    let tags = run_ok(Command::new("curl").args([
        "-s",
        "-u",
        &format!("gocross:{secret}"),
        &format!("http://{}/v2/hello/tags/list", registry.addr),
    ]));
    assert!(
        !tags.contains("1.2.3") && !tags.contains("latest"),
        "{tags}"
    );

    // The right password pushes everything, the SBOMs through the referrers tag schema
    // (this registry has no referrers API).
    let (out, stdout, stderr) = with(secret);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("referrer (tag schema)"), "{stdout}");
    assert!(!stdout.contains(secret) && !stderr.contains(secret));
    let tags = run_ok(Command::new("curl").args([
        "-s",
        "-u",
        &format!("gocross:{secret}"),
        &format!("http://{}/v2/hello/tags/list", registry.addr),
    ]));
    assert!(tags.contains("1.2.3") && tags.contains("latest"), "{tags}");

    // Docker's config.json naming a credential helper for the registry: gocross runs
    // `docker-credential-<name> get`, as docker does.
    let docker = tempfile::tempdir().unwrap();
    let helper = docker.path().join("docker-credential-gocrosstest");
    std::fs::write(
        &helper,
        format!(
            "#!/bin/sh\n[ \"$1\" = get ] || exit 1\nread server\n[ \"$server\" = \"{}\" ] || exit 1\necho '{{\"ServerURL\": \"'\"$server\"'\", \"Username\": \"gocross\", \"Secret\": \"{secret}\"}}'\n",
            registry.addr
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::write(
        docker.path().join("config.json"),
        format!(
            "{{\"credHelpers\": {{\"{}\": \"gocrosstest\"}}}}",
            registry.addr
        ),
    )
    .unwrap();
    let path = format!(
        "{}:{}",
        docker.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let (out, stdout, stderr) = run(gx(&c.a)
        .args(["image", "push", "--tag", "helper"])
        .env("TEST_REGISTRY", &registry.addr)
        .env("DOCKER_CONFIG", docker.path())
        .env("PATH", path));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("as gocross from docker-credential-gocrosstest"),
        "{stderr}"
    );
    assert!(!stdout.contains(secret) && !stderr.contains(secret));
}

#[test]
fn a_dynamic_binary_is_refused_on_scratch() {
    if !tools() || !require_tool("cc", "apt-get install gcc") {
        return;
    }
    let dir = build_dir("image-dynamic");
    copy_module_to(&example("hello"), &dir);
    std::fs::write(
        dir.join("gocross.yaml"),
        "version: 1\nproject: hello\ntargets: [linux/amd64]\ncgo: true\nstatic: false\nimage:\n  repository: 127.0.0.1:1/hello\n",
    )
    .unwrap();
    let (out, stdout, stderr) = run(gx(&dir).arg("build"));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let (out, stdout, stderr) = run(gx(&dir).args(["image", "build"]));
    assert!(!out.status.success(), "{stdout}");
    assert!(
        stderr.contains("is dynamically linked, and a `scratch` image has no C library"),
        "{stderr}"
    );
    assert!(
        stderr.contains("static: true"),
        "the fix is named: {stderr}"
    );
    assert!(!dir.join("dist/image").exists());
    let (out, _, stderr) = run(gx(&dir).args(["image", "push"]));
    assert!(!out.status.success());
    assert!(
        stderr.contains("run `gocross image build` first"),
        "{stderr}"
    );
}

#[test]
fn the_dockerfile_copies_each_platforms_binary_from_dist() {
    if !tools() {
        return;
    }
    let c = checkouts();
    let text = run_ok(gx(&c.a).args(["image", "dockerfile"]));
    assert!(
        text.contains("ARG TARGETOS TARGETARCH TARGETVARIANT"),
        "{text}"
    );
    assert!(text.contains("FROM binary-${TARGETOS}-${TARGETARCH}${TARGETVARIANT} AS binary"));
    for (stage, file) in [
        ("binary-linux-amd64", "hello_linux_amd64"),
        ("binary-linux-arm64v8", "hello_linux_arm64"),
        ("binary-linux-arm64", "hello_linux_arm64"),
        ("binary-linux-armv7", "hello_linux_arm_7"),
        ("binary-linux-riscv64", "hello_linux_riscv64"),
    ] {
        assert!(
            text.contains(&format!(
                "FROM scratch AS {stage}\nCOPY --chmod=0755 dist/{file} /hello\n"
            )),
            "{stage}:\n{text}"
        );
        assert!(c.a.join("dist").join(file).is_file());
    }
    assert!(text.contains("ENTRYPOINT [\"/hello\"]"));
    assert!(text.contains("USER 65532:65532"));
}
