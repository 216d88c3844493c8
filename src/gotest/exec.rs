//! gocross as `go test`'s `-exec` program: `go test` calls `gocross __test-exec BINARY
//! ARGS...` for every package's test binary, in the package's directory; the wrapper starts
//! it the way verification would ([`crate::verify::Runner`]: natively, under QEMU with the
//! sysroot, wine, a wasm runtime) with exactly the allow-listed environment.
//!
//! What to do comes from `gocross test` through one variable, [`SPEC_ENV`] (JSON: target,
//! method, sysroot, environment), so the wrapper makes no decision of its own. Where it can,
//! it replaces itself with the runner (`exec`), so signals, exit codes and output pass
//! through untouched; wine, whose server may keep output pipes open after the program
//! exited, is run as a child whose output is forwarded until it exits.

use crate::manifest::VerifyKind;
use crate::plan::{BuildJob, QemuSysroot, VerifyMethod};
use crate::targets::Target;
use crate::verify::Runner;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The hidden subcommand `go test -exec` calls.
pub const EXEC_SUBCOMMAND: &str = "__test-exec";

/// The variable that carries the `ExecSpec` from `gocross test` to the wrapper.
pub const SPEC_ENV: &str = "GOCROSS_TEST_EXEC";

/// How long the wrapper forwards output after a child run through wine exited.
const DRAIN_GRACE: Duration = Duration::from_millis(500);

/// How long before the target's deadline Go's own `-timeout` alarm is set to fire, so that
/// a hung test panics with its name and stack (file and line) before gocross kills the run.
const ALARM_MARGIN: Duration = Duration::from_secs(3);

/// What the wrapper needs to start a test binary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct ExecSpec {
    /// `linux/arm64`.
    target: Target,
    /// [`VerifyMethod::kind`]: `native`, `qemu`, `wine`, `wasm`.
    method: VerifyKind,
    /// QEMU's `-L` for dynamic binaries.
    sysroot: Option<String>,
    /// The test binary's whole environment.
    env: BTreeMap<String, String>,
    /// When gocross kills the target's run, in milliseconds since the Unix epoch.
    deadline_ms: Option<u64>,
}

impl ExecSpec {
    /// The spec of a job's test run, with the binary's environment `env` and the run's
    /// deadline.
    pub fn new(
        job: &BuildJob,
        env: BTreeMap<String, String>,
        deadline: std::time::SystemTime,
    ) -> ExecSpec {
        let sysroot = match &job.test.method {
            VerifyMethod::Qemu { sysroot, .. } => sysroot.as_ref().map(|s| s.path.clone()),
            _ => None,
        };
        ExecSpec {
            target: job.target,
            method: job.test.method.kind(),
            sysroot,
            env,
            deadline_ms: deadline
                .duration_since(std::time::UNIX_EPOCH)
                .ok()
                .and_then(|d| u64::try_from(d.as_millis()).ok()),
        }
    }

    /// The test binary's arguments with `-test.timeout` shortened to end [`ALARM_MARGIN`]
    /// before the deadline, when that is sooner than what `go test` passed.
    fn arguments(&self, args: &[OsString]) -> Vec<OsString> {
        let Some(deadline) = self.deadline_ms else {
            return args.to_vec();
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        let left = deadline.saturating_sub(now + ALARM_MARGIN.as_millis() as u64);
        if left < 1000 {
            return args.to_vec();
        }
        args.iter()
            .map(|a| match a.to_str() {
                Some(s) if s.starts_with("-test.timeout=") => {
                    format!("-test.timeout={left}ms").into()
                }
                _ => a.clone(),
            })
            .collect()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a spec always serializes")
    }

    /// The target and the method, rebuilt from the port table.
    fn resolve(&self) -> Result<(Target, VerifyMethod), String> {
        let target = self.target;
        let method = match self.method {
            VerifyKind::Native => VerifyMethod::Native,
            VerifyKind::Qemu => VerifyMethod::Qemu {
                qemu: target
                    .port()
                    .qemu()
                    .ok_or_else(|| format!("QEMU user mode has no emulator for {target}"))?,
                sysroot: self.sysroot.clone().map(|path| QemuSysroot {
                    path,
                    package: None,
                }),
            },
            VerifyKind::Wine => VerifyMethod::Wine,
            VerifyKind::Wasm => VerifyMethod::Wasm,
            VerifyKind::None => return Err(format!("{target} cannot be run here (none)")),
        };
        Ok((target, method))
    }
}

/// Runs the test binary `argv[0]` with the arguments `argv[1..]` as [`SPEC_ENV`] says, and
/// returns the exit code to exit with (on Unix a successful start never returns: the wrapper
/// becomes the runner). Problems are printed on stderr, which `go test` shows as the
/// package's output, and give exit code 2.
pub fn exec_wrapper(argv: &[OsString]) -> i32 {
    match wrap(argv) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("gocross {EXEC_SUBCOMMAND}: {message}");
            2
        }
    }
}

fn wrap(argv: &[OsString]) -> Result<i32, String> {
    let spec = std::env::var(SPEC_ENV).map_err(|_| {
        format!("{SPEC_ENV} is not set: this subcommand runs test binaries for `gocross test` and is not meant to be called directly")
    })?;
    let spec: ExecSpec =
        serde_json::from_str(&spec).map_err(|e| format!("{SPEC_ENV} is not readable: {e}"))?;
    let (binary, args) = argv
        .split_first()
        .ok_or("no test binary given (go test passes its path first)")?;
    let (target, method) = spec.resolve()?;
    let runner = Runner::find(&target, &method)?;
    let mut cmd = runner.command(Path::new(binary), &spec.env);
    cmd.args(spec.arguments(args));
    if runner.leaves_daemons() {
        return forward(cmd);
    }
    replace_with(cmd)
}

#[cfg(unix)]
fn replace_with(mut cmd: Command) -> Result<i32, String> {
    use std::os::unix::process::CommandExt;
    let err = cmd.exec();
    Err(format!("cannot start {:?}: {err}", cmd.get_program()))
}

#[cfg(not(unix))]
fn replace_with(cmd: Command) -> Result<i32, String> {
    forward(cmd)
}

/// Runs `cmd` as a child, copies its output to the wrapper's own, and returns its exit code
/// (128 + the signal when a signal ended it) once it exited and its output was drained or
/// [`DRAIN_GRACE`] passed.
fn forward(mut cmd: Command) -> Result<i32, String> {
    crate::interrupt::die_with_gocross(&mut cmd);
    cmd.stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {:?}: {e}", cmd.get_program()))?;
    let copy = |stream: Option<Box<dyn Read + Send>>, to_stdout: bool| {
        stream.map(|mut s| {
            std::thread::spawn(move || {
                let mut chunk = [0u8; 8192];
                while let Ok(n) = s.read(&mut chunk) {
                    if n == 0 {
                        break;
                    }
                    let written = if to_stdout {
                        let mut out = std::io::stdout().lock();
                        out.write_all(&chunk[..n]).and_then(|()| out.flush())
                    } else {
                        std::io::stderr().lock().write_all(&chunk[..n])
                    };
                    if written.is_err() {
                        break;
                    }
                }
            })
        })
    };
    let out = copy(
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
        true,
    );
    let err = copy(
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
        false,
    );
    let status = child
        .wait()
        .map_err(|e| format!("cannot wait for the test binary: {e}"))?;
    let until = Instant::now() + DRAIN_GRACE;
    while [&out, &err]
        .iter()
        .any(|t| t.as_ref().is_some_and(|h| !h.is_finished()))
        && Instant::now() < until
    {
        std::thread::sleep(Duration::from_millis(5));
    }
    let _ = std::io::stdout().flush();
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return Ok(128 + sig);
        }
    }
    Ok(status.code().unwrap_or(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_round_trip_and_resolve() {
        let spec = ExecSpec {
            target: "linux/arm64".parse().unwrap(),
            method: crate::manifest::VerifyKind::Qemu,
            sysroot: Some("/usr/aarch64-linux-gnu".into()),
            env: BTreeMap::from([("HOME".into(), "/home/x".into())]),
            deadline_ms: None,
        };
        let back: ExecSpec = serde_json::from_str(&spec.to_json()).unwrap();
        assert_eq!(back, spec);
        let (target, method) = back.resolve().unwrap();
        assert_eq!(target.to_string(), "linux/arm64");
        assert!(matches!(
            method,
            VerifyMethod::Qemu {
                sysroot: Some(_),
                ..
            }
        ));
        let none = ExecSpec {
            method: crate::manifest::VerifyKind::None,
            ..spec.clone()
        };
        assert!(none.resolve().is_err());
    }

    #[test]
    fn go_timeout_is_moved_before_the_deadline() {
        let now = std::time::SystemTime::now();
        let spec = ExecSpec {
            target: "linux/amd64".parse().unwrap(),
            method: crate::manifest::VerifyKind::Native,
            sysroot: None,
            env: BTreeMap::new(),
            deadline_ms: Some(
                (now + Duration::from_secs(60))
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_millis() as u64,
            ),
        };
        let args = spec.arguments(&["-test.paniconexit0".into(), "-test.timeout=600s".into()]);
        let timeout = args[1].to_str().unwrap();
        let ms: u64 = timeout
            .strip_prefix("-test.timeout=")
            .and_then(|t| t.strip_suffix("ms"))
            .unwrap()
            .parse()
            .unwrap();
        assert!((50_000..=57_000).contains(&ms), "{timeout}");
        let late = ExecSpec {
            deadline_ms: Some(0),
            ..spec
        };
        assert_eq!(
            late.arguments(&["-test.timeout=600s".into()])[0],
            "-test.timeout=600s"
        );
    }

    #[test]
    fn a_missing_spec_is_explained() {
        // The variable is never set in the unit tests' environment.
        if std::env::var_os(SPEC_ENV).is_none() {
            let err = wrap(&["x.test".into()]).unwrap_err();
            assert!(err.contains("not meant to be called directly"), "{err}");
        }
    }
}
