//! The `go` command on PATH: which release it is, and its settings (`go env`).

use crate::targets::GoVersion;
use std::process::Command;

/// Errors from asking `go` about itself.
#[derive(Debug, thiserror::Error)]
pub enum GoToolError {
    /// `go` is not on PATH.
    #[error("`go` was not found on PATH: install Go (https://go.dev/dl/) or put it on PATH ({0})")]
    NotFound(std::io::Error),
    /// `go` failed (its message).
    #[error("`go env` failed: {0}")]
    Failed(String),
}

/// `go env GOVERSION`, e.g. `go1.26.8`.
pub fn version_string() -> Result<String, GoToolError> {
    let out = Command::new("go")
        .args(["env", "GOVERSION"])
        .output()
        .map_err(GoToolError::NotFound)?;
    if !out.status.success() {
        return Err(GoToolError::Failed(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The release of the `go` on PATH, `None` when there is none or it is a development build.
pub fn version() -> Option<GoVersion> {
    version_string().ok()?.parse().ok()
}

/// `go env GOROOT`: the Go installation's root directory.
pub fn goroot() -> Result<std::path::PathBuf, GoToolError> {
    let out = Command::new("go")
        .args(["env", "GOROOT"])
        .output()
        .map_err(GoToolError::NotFound)?;
    if !out.status.success() {
        return Err(GoToolError::Failed(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().into())
}

/// `go env -json VAR...`: the named settings of the `go` on PATH, e.g. `GOROOT`, `GOCACHE`.
pub fn env(vars: &[&str]) -> Result<std::collections::BTreeMap<String, String>, GoToolError> {
    let out = Command::new("go")
        .args(["env", "-json"])
        .args(vars)
        .output()
        .map_err(GoToolError::NotFound)?;
    if !out.status.success() {
        return Err(GoToolError::Failed(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ));
    }
    serde_json::from_slice(&out.stdout)
        .map_err(|e| GoToolError::Failed(format!("unreadable `go env -json` output: {e}")))
}

/// The package name of `package` (a `go build` argument relative to `dir`: `.`,
/// `./cmd/tool`, `./main.go`) as `go list -e -find -f '{{.Name}}'` run in `dir` with `env`
/// (the build's GOOS, GOARCH and the rest, which decide the files that count) reports it:
/// `Ok(Ok("main"))`, or `Ok(Err(why))` when go cannot tell its name (a directory that does
/// not exist, no Go files), in go's words; other errors of a package with a name (an
/// `//go:embed` pattern matching nothing) are the build's to report. `-find` resolves no
/// imports, so nothing is downloaded.
///
/// Errors: no `go` on PATH ([`GoToolError::NotFound`]), or `go list` failing as a whole.
pub fn package_name(
    dir: &std::path::Path,
    package: &str,
    env: &std::collections::BTreeMap<String, String>,
) -> Result<Result<String, String>, GoToolError> {
    let out = Command::new("go")
        .args([
            "list",
            "-e",
            "-find",
            "-f",
            "{{.Name}}\t{{if .Error}}{{.Error}}{{end}}",
        ])
        .arg(package)
        .current_dir(dir)
        .envs(env)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(GoToolError::NotFound)?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Ok(Err(stderr.trim().to_string()));
    }
    let (name, error) = stdout
        .trim_end()
        .split_once('\t')
        .unwrap_or((stdout.trim(), ""));
    Ok(match (name, error.trim()) {
        ("", "") => Err("go list names no package".to_string()),
        ("", why) => Err(why.to_string()),
        (name, _) => Ok(name.to_string()),
    })
}
