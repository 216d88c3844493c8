//! Compare the port table with `go tool dist list -json -broken` of the Go on PATH.

use super::{Goarch, Goos, PORTS, Platform, PortStatus};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::process::Command;

/// One object of `go tool dist list -json` output.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DistPort {
    #[serde(rename = "GOOS")]
    goos: String,
    #[serde(rename = "GOARCH")]
    goarch: String,
    cgo_supported: bool,
    first_class: bool,
    #[serde(default)]
    broken: bool,
}

/// Errors from running or reading `go tool dist list`.
#[derive(Debug, thiserror::Error)]
pub enum DistError {
    /// `go tool dist list` did not start.
    #[error(
        "could not run `go tool dist list`: {0}; install Go (https://go.dev/dl/) and put `go` on PATH"
    )]
    Spawn(std::io::Error),
    /// It failed (its stderr).
    #[error("`go tool dist list -json -broken` failed: {0}")]
    Failed(String),
    /// Its JSON does not parse.
    #[error("`go tool dist list -json -broken` printed something that is not its JSON: {0}")]
    Parse(serde_json::Error),
}

/// Runs `go tool dist list -json -broken` and compares it with [`PORTS`]. Returns one line per
/// difference (empty when the table agrees). Ports the table records as removed are expected to
/// be missing.
pub fn check_against_go() -> Result<Vec<String>, DistError> {
    let out = Command::new("go")
        .args(["tool", "dist", "list", "-json", "-broken"])
        .output()
        .map_err(DistError::Spawn)?;
    if !out.status.success() {
        return Err(DistError::Failed(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ));
    }
    let listed: Vec<DistPort> = serde_json::from_slice(&out.stdout).map_err(DistError::Parse)?;
    Ok(compare(&listed))
}

fn compare(listed: &[DistPort]) -> Vec<String> {
    let mut diffs = Vec::new();
    let mut seen = BTreeMap::new();
    for d in listed {
        let name = format!("{}/{}", d.goos, d.goarch);
        let platform = match (d.goos.parse::<Goos>(), d.goarch.parse::<Goarch>()) {
            (Ok(goos), Ok(goarch)) => Platform::new(goos, goarch),
            _ => {
                diffs.push(format!("{name}: listed by go, unknown to gocross"));
                continue;
            }
        };
        seen.insert(platform, ());
        let Some(port) = platform.port() else {
            diffs.push(format!("{name}: listed by go, missing from the port table"));
            continue;
        };
        if port.first_class != d.first_class {
            diffs.push(format!(
                "{name}: first class is {} in go, {} in gocross",
                d.first_class, port.first_class
            ));
        }
        if port.cgo_supported != d.cgo_supported {
            diffs.push(format!(
                "{name}: cgo supported is {} in go, {} in gocross",
                d.cgo_supported, port.cgo_supported
            ));
        }
        let broken = port.status == PortStatus::Broken;
        if broken != d.broken {
            diffs.push(format!(
                "{name}: broken is {} in go, {} in gocross",
                d.broken, broken
            ));
        }
        if let PortStatus::Removed(v) = port.status {
            diffs.push(format!(
                "{name}: listed by go, but gocross records it as removed in Go {v}"
            ));
        }
    }
    for port in PORTS {
        let removed = matches!(port.status, PortStatus::Removed(_));
        if !seen.contains_key(&port.platform) && !removed {
            diffs.push(format!(
                "{}: in the port table, not listed by go",
                port.platform
            ));
        }
    }
    diffs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_each_kind_of_difference() {
        let json = r#"[
            {"GOOS":"linux","GOARCH":"amd64","CgoSupported":true,"FirstClass":false},
            {"GOOS":"linux","GOARCH":"arm64","CgoSupported":false,"FirstClass":true,"Broken":true},
            {"GOOS":"haiku","GOARCH":"amd64","CgoSupported":true,"FirstClass":false},
            {"GOOS":"windows","GOARCH":"arm","CgoSupported":false,"FirstClass":false}
        ]"#;
        let listed: Vec<DistPort> = serde_json::from_str(json).unwrap();
        let diffs = compare(&listed);
        assert!(
            diffs.contains(&"linux/amd64: first class is false in go, true in gocross".to_string())
        );
        assert!(
            diffs.contains(
                &"linux/arm64: cgo supported is false in go, true in gocross".to_string()
            )
        );
        assert!(diffs.contains(&"linux/arm64: broken is true in go, false in gocross".to_string()));
        assert!(diffs.contains(&"haiku/amd64: listed by go, unknown to gocross".to_string()));
        assert!(diffs.contains(
            &"windows/arm: listed by go, but gocross records it as removed in Go 1.26".to_string()
        ));
        assert!(diffs.contains(&"darwin/arm64: in the port table, not listed by go".to_string()));
    }
}
