//! `gocross image push` against a hostile registry: a stand-in on 127.0.0.1 (a plain
//! `TcpListener` speaking HTTP/1.1) that answers a blob upload with a relative `Location`, a
//! 256 MiB error body, or an error (an OCI envelope, or raw text) smuggling workflow commands
//! and terminal escapes.
//! The image is examples/hello built by the real `gocross build` and `gocross image build`.

use crate::common;

use common::{gocross, run_ok};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// How the stand-in answers the `POST` that starts a blob upload.
#[derive(Clone, Copy)]
enum Upload {
    /// 202 with `Location: upload-1` (relative to the POST's URL), then takes the `PUT`.
    Relative,
    /// 500 with a body of [`HUGE`] bytes that is not an OCI error envelope.
    Huge,
    /// 500 with an OCI error envelope whose message carries a CR-smuggled `::warning::`,
    /// a `::error::` line, and ANSI and OSC escapes.
    Smuggling,
    /// 500 with a plain-text body of raw carriage returns, workflow commands and escapes.
    RawSmuggling,
}

/// The size of [`Upload::Huge`]'s error body.
const HUGE: usize = 256 << 20;
/// What [`Upload::Huge`]'s body is made of.
const FILLER: &[u8] = b"filler-of-a-huge-error-body ";

/// A registry stand-in; `requests` holds `METHOD path?query` of every request.
struct Hostile {
    addr: String,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Hostile {
    fn start(upload: Upload) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().filter_map(Result::ok) {
                let seen = seen.clone();
                std::thread::spawn(move || serve(stream, upload, &seen));
            }
        });
        Hostile { addr, requests }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

/// Answers the requests of one connection until it closes.
fn serve(stream: TcpStream, upload: Upload, seen: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut out = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let (method, target) = (
            parts.next().unwrap_or_default().to_string(),
            parts.next().unwrap_or_default().to_string(),
        );
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            if header.trim().is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        seen.lock().unwrap().push(format!("{method} {target}"));
        let path = target.split('?').next().unwrap_or_default();
        let answer = |out: &mut TcpStream, status: &str, headers: &str, body: &[u8]| {
            let head = format!(
                "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\n\r\n",
                body.len()
            );
            out.write_all(head.as_bytes())
                .and_then(|_| out.write_all(if method == "HEAD" { b"" } else { body }))
        };
        let sent = match (method.as_str(), path) {
            ("GET", "/v2/") => answer(&mut out, "200 OK", "", b"{}"),
            ("POST", "/v2/hello/blobs/uploads/") => match upload {
                Upload::Relative => answer(&mut out, "202 Accepted", "Location: upload-1\r\n", b""),
                Upload::Huge => {
                    let head = format!(
                        "HTTP/1.1 500 Internal Server Error\r\nContent-Length: {HUGE}\r\n\r\n"
                    );
                    let chunk: Vec<u8> = FILLER.iter().copied().cycle().take(64 << 10).collect();
                    let mut sent = out.write_all(head.as_bytes());
                    let mut left = HUGE;
                    while sent.is_ok() && left > 0 {
                        let n = left.min(chunk.len());
                        sent = out.write_all(&chunk[..n]);
                        left -= n;
                    }
                    sent
                }
                Upload::Smuggling => answer(
                    &mut out,
                    "500 Internal Server Error",
                    "Content-Type: application/json\r\n",
                    br#"{"errors": [{"code": "BLOB_UPLOAD_INVALID", "message": "retry later\r::warning::smuggled by the registry\n::error title=pwned::owned \u001b]0;window title\u0007 \u001b[31mred\u001b[0m \u009b2J"}]}"#,
                ),
                Upload::RawSmuggling => answer(
                    &mut out,
                    "500 Internal Server Error",
                    "Content-Type: text/plain\r\n",
                    b"busy\r::warning::smuggled raw\n::error::raw line\n\x1b]0;title\x07\x1b[31mred\n",
                ),
            },
            ("PUT", "/v2/hello/blobs/uploads/upload-1") => {
                answer(&mut out, "201 Created", "", b"")
            }
            ("PUT", p) if p.starts_with("/v2/hello/manifests/") => {
                answer(&mut out, "201 Created", "", b"")
            }
            _ => answer(&mut out, "404 Not Found", "", b""),
        };
        if sent.is_err() {
            return;
        }
    }
}

/// The start of `text`, for assertion messages: a failing run may have printed gigabytes.
fn cut(text: &str) -> String {
    text.chars().take(4000).collect()
}

/// A copy of examples/hello built for linux/amd64 and made into an OCI layout by the real
/// `gocross image build`.
fn image() -> Option<tempfile::TempDir> {
    if !common::require_tool("go", "install Go") {
        return None;
    }
    let dir = common::built_copy(
        "hostile-registry",
        "hello",
        Some(
            "version: 1\nproject: hello\ntargets: [linux/amd64]\nimage:\n  repository: 127.0.0.1:5000/hello\n",
        ),
        &["--version", "1.0.0", "--no-verify"],
    );
    // The registry is under test here, not verification: the binary built with --no-verify
    // goes in as unverified.
    run_ok(
        gocross()
            .arg("-C")
            .arg(dir.path())
            .args(["image", "build", "--allow-unverified"]),
    );
    Some(dir)
}

/// `gocross image push` to `registry`, run under `/usr/bin/time -v` so that its peak RSS is
/// known; (exit code, stdout, stderr without time's report, peak RSS in KiB).
fn push(dir: &Path, registry: &Hostile, actions: bool) -> (Option<i32>, String, String, u64) {
    let bin = env!("CARGO_BIN_EXE_gocross");
    let mut cmd = std::process::Command::new("/usr/bin/time");
    cmd.arg("-v")
        .arg(bin)
        .arg("-C")
        .arg(dir)
        .args(["image", "push", "--repository"])
        .arg(format!("{}/hello", registry.addr))
        .args(["--tag", "1.0.0"])
        .env("GOCROSS_MAX_SLEEP", "0")
        .env_remove("GOCROSS_REGISTRY_USERNAME")
        .env_remove("GOCROSS_REGISTRY_PASSWORD")
        .env_remove("DOCKER_CONFIG")
        .env_remove("GITHUB_OUTPUT")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_TOKEN");
    if actions {
        cmd.env("GITHUB_ACTIONS", "true");
    } else {
        cmd.env_remove("GITHUB_ACTIONS");
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let (ours, time) = stderr
        .rsplit_once("\tCommand being timed:")
        .unwrap_or((&stderr, ""));
    let rss = time
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.trim().parse().ok())
        .expect("/usr/bin/time -v reports the peak RSS");
    let code = time
        .lines()
        .find_map(|l| l.trim().strip_prefix("Exit status: "))
        .and_then(|v| v.trim().parse().ok());
    (code, stdout, ours.to_string(), rss)
}

/// A relative `Location` (the distribution spec allows one) is resolved against the upload's
/// URL; the push completes.
#[test]
fn a_relative_upload_location_is_resolved() {
    if !common::require_tool("/usr/bin/time", "apt-get install time") {
        return;
    }
    let Some(dir) = image() else { return };
    let registry = Hostile::start(Upload::Relative);
    let (code, stdout, stderr, _) = push(dir.path(), &registry, false);
    assert_eq!(code, Some(0), "{}", cut(&format!("{stdout}{stderr}")));
    let requests = registry.requests();
    let puts: Vec<&String> = requests
        .iter()
        .filter(|r| r.starts_with("PUT /v2/hello/blobs/uploads/upload-1?digest=sha256%3A"))
        .collect();
    assert!(!puts.is_empty(), "{requests:#?}");
    assert!(
        requests
            .iter()
            .any(|r| r == "PUT /v2/hello/manifests/1.0.0"),
        "{requests:#?}"
    );
}

/// A 256 MiB error body, answered to every attempt: gocross reads a bounded prefix of it,
/// shows none of it (it is no OCI error envelope), and stays small.
#[test]
fn a_huge_error_body_is_not_read() {
    if !common::require_tool("/usr/bin/time", "apt-get install time") {
        return;
    }
    let Some(dir) = image() else { return };
    let registry = Hostile::start(Upload::Huge);
    let (code, stdout, stderr, rss_kib) = push(dir.path(), &registry, false);
    let printed = stdout.len() + stderr.len();
    eprintln!("peak RSS {rss_kib} KiB, {printed} bytes of output");
    assert!(
        rss_kib < 128 << 10,
        "peak RSS {rss_kib} KiB for a {HUGE}-byte error body"
    );
    assert!(
        printed < 16 << 10,
        "{printed} bytes of output:\n{}",
        cut(&stderr)
    );
    assert!(
        !stderr.contains(std::str::from_utf8(FILLER).unwrap()),
        "the raw body was shown:\n{}",
        cut(&stderr)
    );
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(stderr.contains("HTTP 500"), "{stderr}");
    assert!(stderr.contains("nothing was tagged"), "{stderr}");
    let attempts = registry
        .requests()
        .iter()
        .filter(|r| r.starts_with("POST /v2/hello/blobs/uploads/"))
        .count();
    assert!(attempts > 1, "the upload was not tried again");
}

/// Under Actions, what a registry says reaches the log without a carriage return, an escape
/// sequence or a line that starts a workflow command: the message of an OCI error envelope
/// through the log guard, a body that is no envelope not at all.
#[test]
fn a_registry_error_cannot_command_the_log() {
    if !common::require_tool("/usr/bin/time", "apt-get install time") {
        return;
    }
    let Some(dir) = image() else { return };
    for upload in [Upload::RawSmuggling, Upload::Smuggling] {
        let registry = Hostile::start(upload);
        let (code, stdout, stderr, _) = push(dir.path(), &registry, true);
        let all = format!("{stdout}{stderr}");
        for c in ['\r', '\u{1b}', '\u{7}', '\u{9b}'] {
            assert!(!all.contains(c), "{c:?} reached the log:\n{:?}", cut(&all));
        }
        for line in all.lines() {
            let line = line.trim_start();
            assert!(
                !line.starts_with("::"),
                "a workflow command reached the log: {line:?}"
            );
        }
        assert_eq!(code, Some(1), "{}", cut(&all));
        assert!(!all.contains("smuggled raw"), "{}", cut(&all));
        if matches!(upload, Upload::Smuggling) {
            assert!(all.contains("BLOB_UPLOAD_INVALID: retry later"), "{all}");
            assert!(all.contains("smuggled by the registry"), "{all}");
        }
    }
}
