//! Running a built binary on its target before it ships: natively, under QEMU user mode, under
//! wine or a wasm runtime, with a timeout, an expected exit code and an expected-output regex.
//!
//! The method comes from the plan ([`crate::plan::VerifyMethod`]); this module finds the
//! emulator on PATH, runs the binary, and turns what happened into an
//! [`ArtifactVerify`]: `verified`, `failed` with the reason, or `not_run` with the reason
//! (never counted as passed).

mod process;
pub mod wine;

use crate::audit::{self, AuditOptions, AuditReport, Policy};
use crate::config::VerifyConfig;
use crate::manifest::{ArtifactVerify, VerifyOutcome};
use crate::plan::VerifyMethod;
use crate::targets::{Goos, QEMU_PACKAGE, Target};
use process::{Exit, Run};
use regex::Regex;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Bytes of stdout and stderr kept in the manifest.
pub const TAIL_BYTES: usize = 4096;

/// What to run and what to expect.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub binary: &'a Path,
    /// The target the binary claims to be for.
    pub target: &'a Target,
    pub method: &'a VerifyMethod,
    pub settings: &'a VerifyConfig,
    /// The audit of `binary` when the caller already holds one (`gocross build` audits each
    /// binary right before; see [`crate::audit::audit_artifact`]); `None` reads the file
    /// first. Only its facts are used: the policy it was checked against does not matter.
    pub audit: Option<&'a AuditReport>,
}

/// Runs the binary as the request says, after the audit confirmed that the file is for the
/// claimed target (a mismatch fails without running anything); the audit is
/// [`Request::audit`], else this function reads the file. Never fails: every problem (no
/// emulator, a crash, a timeout, wrong output) is a `failed` or `not_run` result with a
/// reason.
pub fn verify(req: &Request<'_>) -> ArtifactVerify {
    let method = req.method.name().to_string();
    let not_run = |reason: String| ArtifactVerify {
        method: method.clone(),
        outcome: VerifyOutcome::NotRun,
        reason: Some(reason),
        ..Default::default()
    };
    // The file must be what it claims before anything runs it.
    let claim = Policy {
        target: Some(*req.target),
        ..Policy::default()
    };
    let read;
    let report = match req.audit {
        Some(report) => report,
        None => {
            read = audit::audit_file(req.binary, &AuditOptions::default());
            &read
        }
    };
    if let Some(v) = claim.check(report).first() {
        return ArtifactVerify {
            method,
            outcome: VerifyOutcome::Failed,
            reason: Some(format!(
                "not run: the audit found {} {}, where {} was expected",
                v.rule, v.found, v.allowed
            )),
            ..Default::default()
        };
    }
    let (mut cmd, runner) = match command_for(req) {
        Ok(c) => c,
        Err(Unavailable(reason)) => return not_run(reason),
    };
    cmd.args(&req.settings.args);
    let timeout = Duration::from_secs(req.settings.timeout);
    let run = match process::run(cmd, timeout) {
        Ok(run) => run,
        Err(e) => return not_run(format!("could not start {}: {e}", runner.display())),
    };
    judge(req, &method, &runner, run)
}

/// Why a method cannot be used on this machine.
#[derive(Debug)]
struct Unavailable(String);

/// The command that runs the binary, and the program that actually starts (the binary itself,
/// QEMU, wine, a wasm runtime).
fn command_for(req: &Request<'_>) -> Result<(Command, PathBuf), Unavailable> {
    let binary = absolute(req.binary);
    match req.method {
        VerifyMethod::Native => Ok((Command::new(&binary), binary)),
        VerifyMethod::Qemu { qemu, sysroot } => {
            let names = qemu.binaries();
            let found = names.iter().find_map(|n| which(n)).ok_or_else(|| {
                Unavailable(format!(
                    "{} is not installed: `apt-get install {QEMU_PACKAGE}` to run {} binaries here",
                    names[0], req.target
                ))
            })?;
            let mut cmd = Command::new(&found);
            if let Some(root) = sysroot {
                if !Path::new(&root.path).is_dir() {
                    let fix = match root.package {
                        Some(package) => format!("`apt-get install {package}`"),
                        None => "fix `verify.sysroot` in gocross.yaml".to_string(),
                    };
                    return Err(Unavailable(format!(
                        "{} is dynamically linked and its sysroot {} is missing: {fix}",
                        req.target, root.path
                    )));
                }
                cmd.arg("-L").arg(&root.path);
            }
            cmd.arg(&binary);
            Ok((cmd, found))
        }
        VerifyMethod::Wine => {
            let wine = wine::Wine::find(req.target.goarch()).map_err(Unavailable)?;
            let cmd = wine.command(&binary).map_err(Unavailable)?;
            Ok((cmd, wine.program))
        }
        VerifyMethod::Wasm => wasm_command(req.target, &binary),
        VerifyMethod::None { reason } => Err(Unavailable(reason.clone())),
    }
}

/// wasip1: wazero, wasmtime or wasmer on PATH. js/wasm: node with Go's `wasm_exec_node.js`.
fn wasm_command(target: &Target, binary: &Path) -> Result<(Command, PathBuf), Unavailable> {
    match target.goos() {
        Goos::Js => {
            let node = which("node").ok_or_else(|| {
                Unavailable(
                    "js/wasm runs under Node.js, which is not installed: `apt-get install nodejs`"
                        .into(),
                )
            })?;
            let goroot = crate::gotool::goroot().map_err(|e| Unavailable(e.to_string()))?;
            let exec = goroot.join("lib/wasm/wasm_exec_node.js");
            if !exec.is_file() {
                return Err(Unavailable(format!(
                    "{} is missing from the Go installation",
                    exec.display()
                )));
            }
            let mut cmd = Command::new(&node);
            cmd.arg(exec).arg(binary);
            Ok((cmd, node))
        }
        _ => {
            for (runtime, args) in [
                ("wazero", &["run"][..]),
                ("wasmtime", &["run", "--"][..]),
                ("wasmer", &["run"][..]),
            ] {
                if let Some(path) = which(runtime) {
                    let mut cmd = Command::new(&path);
                    cmd.args(args).arg(binary);
                    return Ok((cmd, path));
                }
            }
            Err(Unavailable(
                "no wasm runtime on PATH for wasip1/wasm: `go install github.com/tetratelabs/wazero/cmd/wazero@latest`".into(),
            ))
        }
    }
}

/// Compares a finished run with the expectations.
fn judge(req: &Request<'_>, method: &str, runner: &Path, run: Run) -> ArtifactVerify {
    let s = req.settings;
    let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
    let failure = match run.exit {
        Exit::TimedOut => Some(format!(
            "did not finish within {} s and was killed",
            s.timeout
        )),
        Exit::Signal(sig) => Some(signal_message(sig, req.method, runner)),
        Exit::Code(code) if code != s.exit_code => Some(format!(
            "exited with {code}, expected {}{}",
            s.exit_code,
            first_line_hint(&run.stderr)
        )),
        Exit::Code(_) => match s.expect.as_deref().map(Regex::new) {
            None => None,
            Some(Err(e)) => Some(format!("`expect` is not a valid regular expression: {e}")),
            Some(Ok(re)) if re.is_match(&stdout) => None,
            Some(Ok(re)) => Some(format!(
                "stdout does not match /{}/: it was {:?}",
                re.as_str(),
                stdout.lines().next().unwrap_or("")
            )),
        },
    };
    ArtifactVerify {
        method: method.to_string(),
        outcome: if failure.is_some() {
            VerifyOutcome::Failed
        } else {
            VerifyOutcome::Verified
        },
        reason: failure,
        duration_ms: run.duration.as_millis() as u64,
        exit_code: match run.exit {
            Exit::Code(c) => Some(c),
            _ => None,
        },
        stdout_tail: tail(&run.stdout),
        stderr_tail: tail(&run.stderr),
    }
}

fn first_line_hint(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    match text.lines().find(|l| !l.trim().is_empty()) {
        Some(line) => format!(" (stderr: {line})"),
        None => String::new(),
    }
}

/// A crash message that names the signal and, under QEMU, the QEMU version (QEMU before 7.1
/// has known problems with Go binaries; linux/386 crashes under Debian 12's qemu-i386 7.2).
fn signal_message(sig: i32, method: &VerifyMethod, runner: &Path) -> String {
    let name = match sig {
        4 => " (SIGILL)",
        6 => " (SIGABRT)",
        7 => " (SIGBUS)",
        9 => " (SIGKILL)",
        11 => " (SIGSEGV)",
        _ => "",
    };
    match method {
        VerifyMethod::Qemu { .. } => {
            let version = Command::new(runner)
                .arg("--version")
                .output()
                .ok()
                .and_then(|o| {
                    String::from_utf8_lossy(&o.stdout)
                        .lines()
                        .next()
                        .map(str::to_string)
                })
                .unwrap_or_else(|| "version unknown".to_string());
            format!("killed by signal {sig}{name} under {version}")
        }
        _ => format!("killed by signal {sig}{name}"),
    }
}

/// The last [`TAIL_BYTES`] of an output, as text.
fn tail(bytes: &[u8]) -> String {
    let start = bytes.len().saturating_sub(TAIL_BYTES);
    String::from_utf8_lossy(&bytes[start..]).into_owned()
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// The full path of a program on PATH.
pub(crate) fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}
