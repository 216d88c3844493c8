//! Running a built binary on its target before it ships: natively, under QEMU user mode, under
//! wine or a wasm runtime, with a timeout, an expected exit code and an expected-output regex.
//!
//! The method comes from the plan ([`crate::plan::VerifyMethod`]); this module finds the
//! emulator on PATH, runs the binary, and turns what happened into an
//! [`ArtifactVerify`]: `verified`, `failed` with the reason, or `not_run` with the reason
//! (never counted as passed).

pub mod env;
mod locate;
mod process;
pub mod wine;

pub use locate::{NotHere, locate};

use crate::audit::{self, AuditOptions, AuditReport, Policy};
use crate::config::VerifyConfig;
use crate::manifest::{ArtifactVerify, VerifyKind, VerifyOutcome};
use crate::plan::VerifyMethod;
use crate::targets::{Goos, Target};
use process::{Exit, Run};
use regex::Regex;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Bytes of stdout and stderr kept in the manifest.
pub const TAIL_BYTES: usize = 4096;

/// What to run and what to expect.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The binary.
    pub binary: &'a Path,
    /// The target the binary claims to be for.
    pub target: &'a Target,
    /// How to run it.
    pub method: &'a VerifyMethod,
    /// Arguments, expectations and timeout.
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
/// reason. The binary sees only [`env::run_env`] of the settings' `env`; secrets in what it
/// prints are redacted.
pub fn verify(req: &Request<'_>) -> ArtifactVerify {
    let method = req.method.kind();
    let not_run = |reason: String| ArtifactVerify {
        method,
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
                "the file is not a {} binary: the audit found {} {}, where {} was expected",
                req.target, v.rule, v.found, v.allowed
            )),
            ..Default::default()
        };
    }
    let runner = match Runner::find(req.target, req.method) {
        Ok(r) => r,
        Err(reason) => return not_run(reason),
    };
    let mut cmd = runner.command(req.binary, &env::run_env(&req.settings.env));
    cmd.args(&req.settings.args);
    let timeout = Duration::from_secs(req.settings.timeout);
    let run = match process::run(cmd, timeout) {
        Ok(run) => run,
        Err(e) => {
            return not_run(format!(
                "could not start {}: {e}",
                runner.program().display()
            ));
        }
    };
    judge(req, method, runner.program(), run)
}

/// How to verify a binary that no build job describes (`gocross verify FILE`), from its audit
/// (the same report then goes to [`Request::audit`], so the file is read once): the plan's
/// method for `target` on this machine ([`crate::plan::verify_method`]), with a QEMU sysroot
/// when the binary links dynamically (its loader and libc): `settings.sysroot`, else the
/// target's Debian cross sysroot ([`crate::plan::qemu_sysroot`]).
pub fn method_for(report: &AuditReport, target: &Target, settings: &VerifyConfig) -> VerifyMethod {
    let dynamic = report.facts.linkage == Some(audit::Linkage::Dynamic);
    let sysroot = dynamic
        .then(|| crate::plan::qemu_sysroot(target, Some(settings)))
        .flatten();
    crate::plan::verify_method(target.platform, crate::targets::Platform::host(), sysroot)
}

/// A way to start binaries of one target on this machine: directly, under QEMU user mode,
/// wine or a wasm runtime, as the plan's [`VerifyMethod`] says. Verification and the test
/// runner (`gocross test`, through its `-exec` wrapper) both start programs only through it.
pub struct Runner {
    kind: RunnerKind,
    /// The program that actually starts (the binary itself for native runs).
    program: Option<PathBuf>,
}

enum RunnerKind {
    Native,
    Qemu {
        sysroot: Option<String>,
    },
    Wine(wine::Wine),
    /// A wasm runtime: its arguments before the binary (`run`, `wasm_exec_node.js`).
    Wasm {
        args: Vec<std::ffi::OsString>,
    },
}

impl Runner {
    /// Finds what runs `target`'s binaries by `method`: the QEMU binary on PATH, a wine
    /// prefix ready for use, a wasm runtime. Errors say why it cannot run here and what to
    /// install (reported as `not run`, never as passed).
    pub fn find(target: &Target, method: &VerifyMethod) -> Result<Runner, String> {
        let (kind, program) = match method {
            VerifyMethod::Native => (RunnerKind::Native, None),
            VerifyMethod::Qemu { sysroot, .. } => {
                let found = locate(target, method).map_err(|e| e.to_string())?;
                (
                    RunnerKind::Qemu {
                        sysroot: sysroot.as_ref().map(|r| r.path.clone()),
                    },
                    found,
                )
            }
            VerifyMethod::Wine => {
                let wine = wine::Wine::find(target.goarch())?;
                wine.prepare()?;
                let program = wine.program.clone();
                (RunnerKind::Wine(wine), Some(program))
            }
            VerifyMethod::Wasm => {
                let (program, args) = wasm_runtime(target)?;
                (RunnerKind::Wasm { args }, Some(program))
            }
            VerifyMethod::None { reason } => return Err(reason.clone()),
        };
        Ok(Runner { kind, program })
    }

    /// The command that runs `binary` with exactly the environment `env` (see
    /// [`env::run_env`]) plus what the runner needs (wine's prefix settings). Arguments for
    /// the binary are added by the caller.
    pub fn command(&self, binary: &Path, env: &BTreeMap<String, String>) -> Command {
        let binary = absolute(binary);
        let mut cmd = match &self.program {
            Some(program) => Command::new(program),
            None => Command::new(&binary),
        };
        cmd.env_clear().envs(env);
        match &self.kind {
            RunnerKind::Native => {}
            RunnerKind::Qemu { sysroot } => {
                if let Some(root) = sysroot {
                    cmd.arg("-L").arg(root);
                }
                cmd.arg(&binary);
            }
            RunnerKind::Wine(wine) => {
                wine.configure(&mut cmd);
                cmd.arg(&binary);
            }
            RunnerKind::Wasm { args } => {
                cmd.args(args).arg(&binary);
            }
        }
        cmd
    }

    /// The program that starts: QEMU, wine, the wasm runtime, or (native) the word `native`.
    pub fn program(&self) -> &Path {
        self.program
            .as_deref()
            .unwrap_or_else(|| Path::new("native"))
    }

    /// The runner as a shell command prefix, for logs (`qemu-aarch64-static -L
    /// /usr/aarch64-linux-gnu`, `wine`); empty for native runs.
    pub fn describe(&self) -> String {
        let Some(program) = &self.program else {
            return String::new();
        };
        let name = program.file_name().map_or_else(
            || program.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let mut words = vec![name];
        match &self.kind {
            RunnerKind::Qemu {
                sysroot: Some(root),
            } => {
                words.push("-L".into());
                words.push(root.clone());
            }
            RunnerKind::Wasm { args } => {
                words.extend(args.iter().map(|a| a.to_string_lossy().into_owned()));
            }
            _ => {}
        }
        words.join(" ")
    }

    /// Whether programs started through wine may leave a server behind that holds their
    /// output pipes open (`wineserver`): the caller should not wait for end of file.
    pub fn leaves_daemons(&self) -> bool {
        matches!(self.kind, RunnerKind::Wine(_))
    }
}

/// wasip1: wazero, wasmtime or wasmer on PATH. js/wasm: node with Go's `wasm_exec_node.js`.
/// Returns the program and its arguments before the binary.
fn wasm_runtime(target: &Target) -> Result<(PathBuf, Vec<std::ffi::OsString>), String> {
    match target.goos() {
        Goos::Js => {
            let node = which::which("node").ok().ok_or_else(|| {
                "js/wasm runs under Node.js, which is not installed: `apt-get install nodejs`"
                    .to_string()
            })?;
            let goroot = crate::gotool::goroot().map_err(|e| e.to_string())?;
            let exec = goroot.join("lib/wasm/wasm_exec_node.js");
            if !exec.is_file() {
                return Err(format!(
                    "{} is missing from the Go installation",
                    exec.display()
                ));
            }
            Ok((node, vec![exec.into_os_string()]))
        }
        _ => {
            for (runtime, args) in [
                ("wazero", &["run"][..]),
                ("wasmtime", &["run", "--"][..]),
                ("wasmer", &["run"][..]),
            ] {
                if let Ok(path) = which::which(runtime) {
                    return Ok((path, args.iter().map(Into::into).collect()));
                }
            }
            Err(
                "no wasm runtime on PATH for wasip1/wasm: `go install github.com/tetratelabs/wazero/cmd/wazero@latest`".into(),
            )
        }
    }
}

/// Compares a finished run with the expectations.
fn judge(req: &Request<'_>, method: VerifyKind, runner: &Path, run: Run) -> ArtifactVerify {
    let s = req.settings;
    let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
    let failure = match run.exit {
        Exit::TimedOut => Some(format!(
            "did not finish within {} s and was killed",
            s.timeout
        )),
        Exit::Signal(sig) => Some(signal_message(sig, req.method, runner)),
        Exit::Code(code) if !s.exit_code.accepts(code) => Some(format!(
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
        method,
        outcome: if failure.is_some() {
            VerifyOutcome::Failed
        } else {
            VerifyOutcome::Verified
        },
        reason: failure.map(|f| env::redact(&f)),
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

/// The last [`TAIL_BYTES`] of an output, as text, with secrets redacted.
fn tail(bytes: &[u8]) -> String {
    let start = bytes.len().saturating_sub(TAIL_BYTES);
    env::redact(&String::from_utf8_lossy(&bytes[start..]))
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}
