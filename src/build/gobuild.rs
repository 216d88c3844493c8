//! One binary's `go build` for one plan job: the command with exactly the plan's environment,
//! run into the binary's staging file (`dist/.gocross/<output>`, see `staging`: Go skips the
//! link when it is up to date), then copied to a temporary file inside dist/, packed with UPX
//! when asked, synced, hashed and renamed to its final name.
//!
//! The caller's own Go and C settings are removed first ([`CALLER_ENV`]), so a `GOARCH` or
//! `GOFLAGS` exported in the shell cannot change what a target's binary is; the job's `env`
//! (which already holds the config's `env:`) is the whole story. No secret variable reaches
//! `go build` but the SSH agent's socket ([`crate::secrets::GO_BUILD_SECRETS`]).

use super::staging::Staging;
use super::{TargetOutcome, TargetResult};
use crate::config::PLAN_OWNED_ENV;
use crate::interrupt;
use crate::manifest::Artifact;
use crate::plan::{BinaryBuild, BuildJob};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// Variables removed from the caller's environment besides [`PLAN_OWNED_ENV`]: flags that
/// would change every build (`GOFLAGS`) and the host's C flags, which do not fit a cross
/// compiler. gocross.yaml's `env:` sets them when a build needs them.
pub const CALLER_ENV: &[&str] = &[
    "GOFLAGS",
    "CGO_CFLAGS",
    "CGO_CPPFLAGS",
    "CGO_CXXFLAGS",
    "CGO_FFLAGS",
    "CGO_LDFLAGS",
];

/// What one binary's build needs besides the plan: where to build and the expanded
/// `-ldflags`.
pub(super) struct JobInput<'a> {
    pub job: &'a BuildJob,
    /// The binary of `job` this build makes.
    pub binary: &'a BinaryBuild,
    pub ldflags: String,
    pub module_dir: &'a Path,
    /// The dist directory, absolute.
    pub dist: &'a Path,
    /// The dist directory as the user wrote it, for messages.
    pub dist_display: &'a Path,
    /// Where `go build` writes (`dist/.gocross/`).
    pub staging: &'a Staging,
}

/// The temporary name a job's binary is written to inside dist/: hidden, one of
/// [`crate::dist::is_temp_name`]'s (so the next build removes it when this one is killed), and
/// marked with the process id.
fn temp_name(output: &str) -> String {
    format!(
        "{}{output}.{}{}",
        crate::dist::TEMP_PREFIX,
        std::process::id(),
        crate::dist::TEMP_SUFFIX
    )
}

impl JobInput<'_> {
    /// The `go build` command, with the output `out`.
    fn command(&self, out: &Path) -> Command {
        let mut cmd = Command::new("go");
        cmd.current_dir(self.module_dir)
            .args(self.args(out))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for var in PLAN_OWNED_ENV.iter().chain(CALLER_ENV) {
            cmd.env_remove(var);
        }
        crate::secrets::withhold_from(&mut cmd, crate::secrets::GO_BUILD_SECRETS);
        cmd.envs(&self.binary.env);
        cmd
    }

    fn args(&self, out: &Path) -> Vec<String> {
        let job = self.binary;
        let mut args = vec![
            "build".to_string(),
            "-o".to_string(),
            out.display().to_string(),
        ];
        args.extend(job.flags.iter().cloned());
        if !job.tags.is_empty() {
            args.push("-tags".into());
            args.push(job.tags.join(","));
        }
        if !self.ldflags.is_empty() {
            args.push("-ldflags".into());
            args.push(self.ldflags.clone());
        }
        // `--` ends the flags: the package is never read as one.
        args.push("--".into());
        args.push(job.package.clone());
        args
    }

    /// The equivalent shell command (writing straight to the final name), for logs.
    fn display(&self) -> String {
        let env = self
            .binary
            .env
            .iter()
            .map(|(k, v)| format!("{k}={}", shell_words::quote(v)));
        let out = self.dist_display.join(&self.binary.output);
        let args = self.args(&out);
        env.chain(std::iter::once("go".to_string()))
            .chain(args.iter().map(|a| shell_words::quote(a).into_owned()))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Runs the build. Never panics and never leaves the temporary file behind; the staging
    /// file stays, sealed only when `go build` succeeded.
    pub fn run(&self) -> TargetResult {
        let job = self.job;
        let binary = self.binary;
        let mut result = TargetResult {
            target: job.target,
            binary: binary.name.clone(),
            name: binary.output.clone(),
            outcome: TargetOutcome::Interrupted,
            command: None,
            log: String::new(),
            duration: std::time::Duration::ZERO,
        };
        if let Some(hint) = job.missing_toolchain() {
            result.outcome = TargetOutcome::Failed(hint.to_string());
            return result;
        }
        result.command = Some(self.display());
        let staged = self.staging.output(&binary.output);
        if let Err(e) = self.staging.prepare(&binary.output) {
            result.outcome = TargetOutcome::Failed(format!(
                "cannot prepare {}: {e}",
                self.dist_display
                    .join(crate::dist::STAGING_DIR)
                    .join(&binary.output)
                    .display()
            ));
            return result;
        }
        let started = Instant::now();
        let output = match interrupt::spawn(&mut self.command(&staged)) {
            Ok(None) => return result,
            Ok(Some((child, registration))) => {
                let out = child.wait_with_output();
                drop(registration);
                out
            }
            Err(e) => Err(e),
        };
        result.duration = started.elapsed();
        let output = match output {
            Ok(o) => o,
            Err(e) => {
                result.outcome =
                    TargetOutcome::Failed(format!("cannot run `go build`: {e}; is Go on PATH?"));
                return result;
            }
        };
        let mut log = String::from_utf8_lossy(&output.stderr).into_owned();
        log.push_str(&String::from_utf8_lossy(&output.stdout));
        result.log = log;
        if interrupt::interrupted() {
            return result;
        }
        if !output.status.success() {
            result.outcome = TargetOutcome::Failed(format!(
                "`go build` failed for {} ({})",
                job.target, output.status
            ));
            return result;
        }
        // Not sealed, the next build relinks this target; nothing worse.
        let _ = self.staging.seal(&binary.output);
        let tmp = self.dist.join(temp_name(&binary.output));
        if let Err(e) = std::fs::copy(&staged, &tmp) {
            remove_quietly(&tmp);
            result.outcome = TargetOutcome::Failed(format!(
                "cannot copy the built binary into {}: {e}",
                self.dist_display.display()
            ));
            return result;
        }
        let unpacked_size = if job.upx {
            match pack(&tmp, &binary.output, &mut result.log) {
                Ok(size) => Some(size),
                Err(outcome) => {
                    remove_quietly(&tmp);
                    result.outcome = outcome;
                    return result;
                }
            }
        } else {
            None
        };
        result.duration = started.elapsed();
        result.outcome = match self.finish(&tmp, result.duration, unpacked_size) {
            Ok(artifact) => TargetOutcome::Built(Box::new(artifact)),
            Err(e) => {
                remove_quietly(&tmp);
                TargetOutcome::Failed(format!(
                    "cannot store {}: {e}",
                    self.dist_display.join(&binary.output).display()
                ))
            }
        };
        result
    }

    /// Syncs and hashes the temporary file, then renames it to its final name. The rename
    /// makes the file appear complete or not at all to every other process, and the sync
    /// puts its bytes on disk before a manifest can name them (the
    /// [commit order](crate::manifest#commit-order)).
    fn finish(
        &self,
        tmp: &Path,
        duration: std::time::Duration,
        unpacked_size: Option<u64>,
    ) -> std::io::Result<Artifact> {
        let (job, binary) = (self.job, self.binary);
        std::fs::OpenOptions::new()
            .write(true)
            .open(tmp)?
            .sync_all()?;
        let (size, sha256) = hash_file(tmp)?;
        let dest: PathBuf = self.dist.join(&binary.output);
        std::fs::rename(tmp, &dest)?;
        Ok(Artifact {
            target: job.target.to_string(),
            binary: binary.name.clone(),
            released: job.archive.as_ref().is_none_or(|a| a.binaries_released),
            name: binary.output.clone(),
            path: binary.output.clone(),
            size,
            sha256,
            env: binary.env.clone(),
            duration_ms: u64::try_from(duration.as_millis()).unwrap_or(u64::MAX),
            unpacked_size,
            ..Artifact::default()
        })
    }
}

/// Packs the binary at `tmp` with UPX, in place (through a second temporary file, so an
/// interrupted UPX leaves nothing that looks complete); UPX's report line goes to `log`.
/// Returns the size before packing.
fn pack(tmp: &Path, output: &str, log: &mut String) -> Result<u64, TargetOutcome> {
    let failed = |m: String| TargetOutcome::Failed(m);
    let unpacked = std::fs::metadata(tmp)
        .map_err(|e| failed(format!("cannot read the built binary: {e}")))?
        .len();
    let packed = tmp.with_file_name(temp_name(&format!("{output}.upx")));
    let mut cmd = Command::new("upx");
    cmd.arg("-q")
        .arg("-o")
        .arg(&packed)
        .arg(tmp)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let out = match interrupt::spawn(&mut cmd) {
        Ok(None) => return Err(TargetOutcome::Interrupted),
        Ok(Some((child, registration))) => {
            let out = child.wait_with_output();
            drop(registration);
            out
        }
        Err(e) => Err(e),
    };
    let out = match out {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(failed(
                "`upx: true` in gocross.yaml, but `upx` is not on PATH: install UPX (`apt-get install upx-ucl` on Ubuntu, `brew install upx`), or set `upx: false`".into(),
            ));
        }
        Err(e) => return Err(failed(format!("cannot run upx: {e}"))),
    };
    log.push_str(&String::from_utf8_lossy(&out.stdout));
    log.push_str(&String::from_utf8_lossy(&out.stderr));
    if interrupt::interrupted() {
        remove_quietly(&packed);
        return Err(TargetOutcome::Interrupted);
    }
    if !out.status.success() {
        remove_quietly(&packed);
        return Err(failed(format!(
            "UPX could not pack {output} ({})",
            out.status
        )));
    }
    std::fs::rename(&packed, tmp).map_err(|e| {
        remove_quietly(&packed);
        failed(format!(
            "cannot replace the binary with the packed one: {e}"
        ))
    })?;
    Ok(unpacked)
}

/// Size in bytes and lowercase hex SHA-256 of a file.
pub fn hash_file(path: &Path) -> std::io::Result<(u64, String)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let size = std::io::copy(&mut file, &mut hasher)?;
    let digest = hasher.finalize();
    Ok((size, digest.iter().map(|b| format!("{b:02x}")).collect()))
}

fn remove_quietly(path: &Path) {
    let _ = std::fs::remove_file(path);
}
