//! Mutation test of the audit on untrusted input: real binaries of every container format
//! with bits flipped, tails cut off and header fields overwritten (6,300 cases from a fixed
//! seed, so a failure names a case that reproduces) must each produce a report: no panic, a
//! bounded report, and bounded memory for the whole run.

use crate::common;

use base64::Engine as _;
use common::*;
use gocross::audit::audit_bytes;
use std::process::Command;

/// xorshift64*: small, fast and deterministic; the seed is part of the test's contract.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SEED: u64 = 0x9e37_79b9_7f4a_7c15;
const CASES_PER_INPUT: usize = 700;

/// The inputs: Go binaries for each container and byte order, a glibc-linked system binary,
/// Go's universal Mach-O sample and its Go 1.17 pointer-format binary.
fn inputs() -> Vec<(String, Vec<u8>)> {
    let hello = |os: &str, arch: &str, args: &[&str], name: &str| {
        let p = go_fixture(
            &example("hello"),
            &[("GOOS", os), ("GOARCH", arch), ("CGO_ENABLED", "0")],
            args,
            name,
        );
        (name.to_string(), std::fs::read(p).unwrap())
    };
    let strip = &["-trimpath", "-ldflags=-s -w"][..];
    let mut out = vec![
        hello("linux", "amd64", strip, "hello_linux_amd64_stripped"),
        hello("linux", "s390x", strip, "hello_linux_s390x_stripped"),
        hello("linux", "arm", strip, "hello_linux_arm_stripped"),
        hello("windows", "386", strip, "hello_windows_386_stripped"),
        hello("darwin", "arm64", strip, "hello_darwin_arm64_stripped"),
        hello("wasip1", "wasm", strip, "hello_wasip1_wasm_stripped"),
        ("ls".to_string(), std::fs::read("/usr/bin/ls").unwrap()),
    ];
    let goroot = run_ok(Command::new("go").args(["env", "GOROOT"]));
    let debug = std::path::Path::new(goroot.trim()).join("src/debug");
    for (name, file) in [
        ("fat", "macho/testdata/fat-gcc-386-amd64-darwin-exec.base64"),
        ("go117", "buildinfo/testdata/go117/go117.base64"),
    ] {
        let text: String = std::fs::read_to_string(debug.join(file))
            .unwrap()
            .split_whitespace()
            .collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text)
            .unwrap();
        out.push((name.to_string(), bytes));
    }
    out
}

/// Offsets worth hitting: the headers, the end (ELF section headers), and the Go build info.
fn hot_offset(rng: &mut Rng, len: usize, buildinfo: Option<usize>) -> usize {
    match rng.below(4) {
        0 => rng.below(len.min(4096)),
        1 => len - 1 - rng.below(len.min(8192)),
        2 => match buildinfo {
            Some(b) => (b + rng.below(256)).min(len - 1),
            None => rng.below(len),
        },
        _ => rng.below(len),
    }
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

#[test]
fn mutated_binaries_never_panic_and_stay_bounded() {
    if !require_tool("go", "install Go") {
        return;
    }
    let inputs = inputs();
    let mut rng = Rng(SEED);
    let mut cases = 0;
    let mut with_errors = 0;
    let mut largest_report = 0;
    for (name, original) in &inputs {
        let len = original.len();
        let buildinfo = original.windows(14).position(|w| w == b"\xff Go buildinf:");
        let mut work = original.clone();
        for case in 0..CASES_PER_INPUT {
            // One of: up to 8 bit flips, a truncation, or an overwritten field.
            let mut end = len;
            let mut touched: Vec<usize> = Vec::new();
            match rng.below(3) {
                0 => {
                    for _ in 0..1 + rng.below(8) {
                        let at = hot_offset(&mut rng, len, buildinfo);
                        work[at] ^= 1 << rng.below(8);
                        touched.push(at);
                    }
                }
                1 => {
                    end = if rng.below(2) == 0 {
                        rng.below(len.min(8192))
                    } else {
                        rng.below(len)
                    };
                }
                _ => {
                    let width = [1, 2, 4, 8][rng.below(4)];
                    let at = hot_offset(&mut rng, len, buildinfo) & !(width - 1);
                    let value: u64 = match rng.below(6) {
                        0 => 0,
                        1 => u64::MAX,
                        2 => (len as u64).wrapping_add(rng.below(64) as u64),
                        3 => 0x7fff_ffff,
                        4 => 1 << rng.below(63),
                        _ => rng.next(),
                    };
                    for (i, b) in value.to_le_bytes()[..width].iter().enumerate() {
                        if at + i < len {
                            work[at + i] = *b;
                            touched.push(at + i);
                        }
                    }
                }
            }
            let label = format!("{name} case {case} (seed {SEED:#x})");
            let report = std::panic::catch_unwind(|| audit_bytes(&label, &work[..end]))
                .unwrap_or_else(|_| panic!("panic on {label}"));
            let json = serde_json::to_string(&report).unwrap();
            largest_report = largest_report.max(json.len());
            assert!(
                json.len() < 4 << 20,
                "{label}: report of {} bytes",
                json.len()
            );
            with_errors += usize::from(report.error.is_some());
            cases += 1;
            for at in touched {
                work[at] = original[at];
            }
        }
    }
    let peak = peak_rss_kib();
    eprintln!(
        "{cases} cases over {} inputs: {with_errors} reported malformed, largest report {largest_report} bytes, peak RSS {peak} KiB",
        inputs.len()
    );
    assert!(cases >= 5000);
    assert!(
        with_errors > cases / 10,
        "the mutations should break many files"
    );
    assert!(peak < 512 * 1024, "peak RSS {peak} KiB");
}
