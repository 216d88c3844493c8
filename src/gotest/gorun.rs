//! One target's `go test -json` run: the command (the job's environment, tags and flags, and
//! gocross as the `-exec` wrapper), its process group, its deadline, and the event stream.
//!
//! `go test` runs in a process group of its own ([`crate::interrupt::spawn`]), so the
//! compilers, the wrapper, QEMU or wine and the test binaries all belong to it: at the
//! target's deadline the whole group is killed at once, and Ctrl-C reaches every target's
//! run. The caller's own Go and C settings (GOOS, GOFLAGS, CC, ...) and its secrets are
//! removed from `go test`'s environment, as `go build`'s.

use super::TestOptions;
use super::collect::Collector;
use super::event::Event;
use super::exec::ExecSpec;
use crate::build::CALLER_ENV;
use crate::config::PLAN_OWNED_ENV;
use crate::interrupt;
use crate::plan::BuildJob;
use crate::test_results::{FailureKind, TargetTests, TestOutcome};
use crate::verify::{Runner, env};
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long the output streams may stay open after `go test` exited (a daemon it started may
/// hold them) before its process group is killed and the rest is dropped.
const DRAIN_GRACE: Duration = Duration::from_secs(2);

/// Bytes of `go test`'s own stderr kept for the reason of a failed run.
const STDERR_LIMIT: usize = 64 * 1024;

/// Runs `job`'s tests. Never fails: every problem is the result's outcome and reason.
pub(super) fn run_target(job: &BuildJob, opts: &TestOptions) -> TargetTests {
    let method = job.test.method.kind();
    let not_run = |reason: String| TargetTests::not_run(&job.target, method, reason);
    if let Some(reason) = &job.test.skip {
        return not_run(reason.clone());
    }
    if interrupt::interrupted() {
        return not_run("interrupted".into());
    }
    let runner = match Runner::find(&job.target, &job.test.method) {
        Ok(r) => r,
        Err(reason) => return not_run(reason),
    };
    let mut result = TargetTests::not_run(&job.target, method, String::new());
    result.reason = None;
    let fail = |mut result: TargetTests, reason: String| {
        result.outcome = TestOutcome::Failed;
        result.reason = Some(env::redact(&reason));
        result
    };
    if let Some(hint) = job.missing_toolchain() {
        return fail(result, hint.to_string());
    }
    let timeout = opts.timeout.unwrap_or(job.test.timeout).max(1);
    let exec = match exec_flag(opts) {
        Ok(e) => e,
        Err(reason) => return fail(result, reason),
    };
    let packages = opts.packages.as_ref().unwrap_or(&job.test.packages);
    let args = go_test_args(job, opts, &exec, timeout, packages);
    result.command = Some(display(job, &runner, &args, &exec));

    let mut cmd = Command::new("go");
    cmd.current_dir(&opts.module.dir)
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for var in PLAN_OWNED_ENV.iter().chain(CALLER_ENV) {
        cmd.env_remove(var);
    }
    crate::secrets::withhold_from(&mut cmd, &[]);
    cmd.envs(&job.env);

    let started = Instant::now();
    let deadline = started + Duration::from_secs(timeout);
    let spec = ExecSpec::new(
        job,
        env::run_env(&job.test.env),
        std::time::SystemTime::now() + Duration::from_secs(timeout),
    );
    cmd.env(super::SPEC_ENV, spec.to_json());
    let (mut child, registration) = match interrupt::spawn(&mut cmd) {
        Ok(Some(c)) => c,
        Ok(None) => return not_run("interrupted".into()),
        Err(e) => return fail(result, format!("cannot run `go test`: {e}; is Go on PATH?")),
    };
    let pid = child.id();
    let collector = Arc::new(Mutex::new(Collector::default()));
    let stray = Arc::new(Mutex::new(String::new()));
    let stdout = child.stdout.take().map(|out| {
        let (collector, stray) = (Arc::clone(&collector), Arc::clone(&stray));
        std::thread::spawn(move || read_events(out, &collector, &stray))
    });
    let stderr = child.stderr.take().map(|err| {
        let stray = Arc::clone(&stray);
        std::thread::spawn(move || read_capped(err, &stray))
    });
    let mut killed = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) => {}
            Err(_) => break None,
        }
        if Instant::now() >= deadline {
            interrupt::kill_group(pid);
            killed = true;
            break child.wait().ok();
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    // A test binary's daemon may hold the pipes open: give the readers a moment, then stop
    // whatever is left of the group.
    let drained = wait_for([&stdout, &stderr], DRAIN_GRACE);
    if !drained {
        interrupt::kill_group(pid);
        wait_for([&stdout, &stderr], DRAIN_GRACE);
    }
    drop(registration);
    result.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    if interrupt::interrupted() {
        result.outcome = TestOutcome::NotRun;
        result.reason = Some("interrupted".into());
        return result;
    }

    let events = std::mem::take(&mut *collector.lock().unwrap_or_else(|e| e.into_inner()));
    let collected = events.finish(&opts.module, killed, timeout);
    result.packages = collected.packages;
    result.tests = collected.tests;
    result.passed_tests = collected.passed;
    result.failures = collected
        .failures
        .into_iter()
        .map(|mut f| {
            f.output = env::redact(&f.output);
            f
        })
        .collect();
    result.package_results = collected
        .package_results
        .into_iter()
        .map(|mut p| {
            p.output = env::redact(&p.output);
            p
        })
        .collect();
    let go_stderr = std::mem::take(&mut *stray.lock().unwrap_or_else(|e| e.into_inner()));
    let reason = if killed {
        let running: Vec<String> = result
            .failures
            .iter()
            .filter(|f| f.kind == FailureKind::TimedOut)
            .map(|f| match &f.test {
                Some(t) => format!("{t} ({})", f.package),
                None => f.package.clone(),
            })
            .collect();
        Some(format!(
            "timed out: `go test` was killed with its process group after {timeout} s{}",
            if running.is_empty() {
                String::new()
            } else {
                format!("; still running: {}", running.join(", "))
            }
        ))
    } else if !result.failures.is_empty() {
        Some(summarize(&result))
    } else if !status.is_some_and(|s| s.success()) {
        let text = go_stderr.trim();
        let lines: Vec<&str> = text.lines().take(5).collect();
        Some(format!(
            "`go test` failed ({}){}",
            status.map_or("no exit status".to_string(), |s| s.to_string()),
            if lines.is_empty() {
                String::new()
            } else {
                format!(": {}", lines.join(" / "))
            }
        ))
    } else {
        None
    };
    match reason {
        Some(reason) => fail(result, reason),
        None => {
            result.outcome = TestOutcome::Passed;
            result
        }
    }
}

/// One line about the failures: `2 tests failed, 1 crashed; 1 package did not compile`.
fn summarize(result: &TargetTests) -> String {
    let count = |kind: FailureKind, test: bool| {
        result
            .failures
            .iter()
            .filter(|f| f.kind == kind && f.test.is_some() == test)
            .count()
    };
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let mut parts = Vec::new();
    for (kind, verb) in [
        (FailureKind::Failed, "failed"),
        (FailureKind::Crashed, "crashed"),
        (FailureKind::TimedOut, "timed out"),
    ] {
        let n = count(kind, true);
        if n > 0 {
            parts.push(format!("{} {verb}", plural(n, "test", "tests")));
        }
    }
    let build = count(FailureKind::Build, false);
    if build > 0 {
        parts.push(format!(
            "{} not compile",
            plural(build, "package did", "packages did")
        ));
    }
    let other = result.failures.iter().filter(|f| f.test.is_none()).count() - build;
    if other > 0 {
        parts.push(format!(
            "{} outside a test",
            plural(other, "package failed", "packages failed")
        ));
    }
    parts.join(", ")
}

/// The `-exec` value: this gocross binary and the wrapper subcommand, quoted the way `go`
/// splits it (single or double quotes, no escapes).
fn exec_flag(opts: &TestOptions) -> Result<String, String> {
    let path = opts.wrapper.to_str().ok_or_else(|| {
        format!(
            "the path of gocross ({}) is not UTF-8, so `go test -exec` cannot name it",
            opts.wrapper.display()
        )
    })?;
    let quoted = if !path.contains(|c: char| c.is_whitespace() || c == '\'' || c == '"') {
        path.to_string()
    } else if !path.contains('\'') {
        format!("'{path}'")
    } else if !path.contains('"') {
        format!("\"{path}\"")
    } else {
        return Err(format!(
            "the path of gocross ({path}) holds both kinds of quotes, so `go test -exec` cannot name it: install gocross elsewhere"
        ));
    };
    Ok(format!("{quoted} {}", super::EXEC_SUBCOMMAND))
}

/// `go test`'s arguments: `-json -exec`, the job's flags, tags and linking flags, the
/// timeout, `test.args`, the overrides' `test_args`, the command line's, then the packages.
fn go_test_args(
    job: &BuildJob,
    opts: &TestOptions,
    exec: &str,
    timeout: u64,
    packages: &[String],
) -> Vec<String> {
    let mut args = vec![
        "test".to_string(),
        "-json".to_string(),
        "-exec".to_string(),
        exec.to_string(),
    ];
    args.extend(job.flags.iter().cloned());
    if !job.tags.is_empty() {
        args.push("-tags".into());
        args.push(job.tags.join(","));
    }
    if !job.test.ldflags.is_empty() {
        args.push("-ldflags".into());
        args.push(job.test.ldflags.clone());
    }
    args.push(format!("-timeout={timeout}s"));
    args.extend(job.test.args.iter().cloned());
    args.extend(opts.args.iter().cloned());
    args.extend(packages.iter().cloned());
    args
}

/// The equivalent shell command, with the runner (QEMU, wine) in place of the wrapper, for
/// logs: `GOOS=linux GOARCH=s390x ... go test -json -exec qemu-s390x-static ... ./...`.
fn display(job: &BuildJob, runner: &Runner, args: &[String], exec: &str) -> String {
    let env = job
        .env
        .iter()
        .map(|(k, v)| format!("{k}={}", shell_words::quote(v)));
    let runner = runner.describe();
    let mut shown = Vec::new();
    let mut skip = false;
    for (i, a) in args.iter().enumerate() {
        if skip {
            skip = false;
            continue;
        }
        if a == "-exec" && args.get(i + 1).map(String::as_str) == Some(exec) {
            skip = true;
            if !runner.is_empty() {
                shown.push("-exec".to_string());
                shown.push(shell_words::quote(&runner).into_owned());
            }
            continue;
        }
        shown.push(shell_words::quote(a).into_owned());
    }
    env.chain(std::iter::once("go".to_string()))
        .chain(shown)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads `go test -json` lines into the collector; other lines go to `stray`.
fn read_events(out: impl Read, collector: &Mutex<Collector>, stray: &Mutex<String>) {
    let mut reader = BufReader::new(out);
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        let text = String::from_utf8_lossy(&line);
        match Event::parse(&text) {
            Some(e) => collector.lock().unwrap_or_else(|e| e.into_inner()).push(e),
            None => {
                let mut s = stray.lock().unwrap_or_else(|e| e.into_inner());
                if s.len() < STDERR_LIMIT {
                    s.push_str(&text);
                }
            }
        }
    }
}

fn read_capped(mut err: impl Read, into: &Mutex<String>) {
    let mut chunk = [0u8; 8192];
    while let Ok(n) = err.read(&mut chunk) {
        if n == 0 {
            break;
        }
        let mut s = into.lock().unwrap_or_else(|e| e.into_inner());
        if s.len() < STDERR_LIMIT {
            s.push_str(&String::from_utf8_lossy(&chunk[..n]));
        }
    }
}

/// Waits until the reader threads end, at most `grace`; whether they did.
fn wait_for(threads: [&Option<std::thread::JoinHandle<()>>; 2], grace: Duration) -> bool {
    let until = Instant::now() + grace;
    loop {
        if threads
            .iter()
            .all(|t| t.as_ref().is_none_or(|h| h.is_finished()))
        {
            return true;
        }
        if Instant::now() >= until {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}
