//! Validation of gocross.yaml's `ci:` section: the settings of the generated workflow.
//!
//! What passes here renders into a workflow that GitHub accepts and a security review does not
//! flag: the workflow path is one GitHub runs, extra steps pin their actions to a commit SHA
//! and keep `${{ }}` out of their scripts, environment names are valid and leave the plan's
//! variables alone, and timeouts stay within GitHub's six-hour job limit.

use super::located::{ConfigError, line_of_key};
use super::{CiConfig, PLAN_OWNED_ENV};
use std::path::Path;

/// GitHub cancels a job on a hosted runner after six hours.
pub const MAX_TIMEOUT_MINUTES: u32 = 360;

/// Whether a `uses:` reference is pinned to content that cannot move: a full 40-hex commit
/// SHA (`owner/repo@<sha>`), a Docker image by digest (`docker://image@sha256:...`), or an
/// action in the same repository (`./path`).
pub fn is_pinned(uses: &str) -> bool {
    if uses.starts_with("./") {
        return true;
    }
    if let Some(image) = uses.strip_prefix("docker://") {
        return image.contains("@sha256:");
    }
    uses.rsplit_once('@').is_some_and(|(_, r)| {
        r.len() == 40
            && r.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    })
}

/// Whether `uses` has the shape `OWNER/REPO[/PATH]@REF`.
fn is_action_ref(uses: &str) -> bool {
    let Some((path, r)) = uses.split_once('@') else {
        return false;
    };
    let parts: Vec<&str> = path.split('/').collect();
    parts.len() >= 2
        && parts.iter().all(|p| !p.is_empty())
        && !r.is_empty()
        && !uses.contains(char::is_whitespace)
}

/// What actions/setup-go takes as `go-version` and gocross accepts: `stable`, `oldstable`, or
/// a release `1.N` / `1.N.P`.
pub fn is_go_release(s: &str) -> bool {
    if matches!(s, "stable" | "oldstable") {
        return true;
    }
    let parts: Vec<&str> = s.split('.').collect();
    (2..=3).contains(&parts.len())
        && parts[0] == "1"
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether `name` can be an environment variable name (`[A-Za-z_][A-Za-z0-9_]*`).
pub(super) fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Checks the `ci:` section. Errors point at the line of the offending key.
pub(super) fn validate(ci: &CiConfig, path: &Path, source: &str) -> Result<(), ConfigError> {
    let fail = |key: &str, message: String| {
        let line = line_of_key(source, key).unwrap_or(1);
        Err(ConfigError::at(
            path,
            source,
            line,
            1,
            format!("key `ci.{key}`: {message}"),
        ))
    };
    let workflow = Path::new(&ci.workflow);
    let in_workflows = workflow.parent() == Some(Path::new(".github/workflows"));
    let yaml = matches!(
        workflow.extension().and_then(|e| e.to_str()),
        Some("yml" | "yaml")
    );
    if !in_workflows || !yaml {
        return fail(
            "workflow",
            format!(
                "`{}` is not a file GitHub runs: write `.github/workflows/<name>.yml`",
                ci.workflow
            ),
        );
    }
    for (i, v) in ci.go_versions.iter().enumerate() {
        if !is_go_release(v) {
            return fail(
                "go_versions",
                format!("`{v}` is not a Go release: write stable, oldstable, 1.26 or 1.26.8"),
            );
        }
        if ci.go_versions[..i].contains(v) {
            return fail("go_versions", format!("Go {v} is listed twice"));
        }
    }
    if ci.go_version.is_some() && !ci.go_versions.is_empty() {
        return fail(
            "go_versions",
            "set `go_version` (one Go) or `go_versions` (a Go axis), not both".into(),
        );
    }
    if let Some(go) = &ci.go_version
        && !is_go_release(go)
    {
        return fail(
            "go_version",
            format!("`{go}` is not a Go release: write stable, oldstable, 1.26 or 1.26.8"),
        );
    }
    if let Some(action) = &ci.action
        && !(is_action_ref(action) && is_pinned(action))
    {
        return fail(
            "action",
            format!(
                "`{action}` is not an action pinned to a commit: write OWNER/REPO@<40-hex commit> (a tag or branch can move), e.g. {}@<commit>",
                crate::origin::action_repository()
            ),
        );
    }
    for (key, list) in [("branches", &ci.branches), ("tags", &ci.tags)] {
        if list.iter().any(|b| b.trim().is_empty()) {
            return fail(key, "an entry is empty; write a name or a pattern".into());
        }
    }
    for name in ci.env.keys() {
        if !is_env_name(name) {
            return fail(
                "env",
                format!("`{name}` is not an environment variable name (letters, digits, `_`)"),
            );
        }
        if name.starts_with("GITHUB_") || PLAN_OWNED_ENV.contains(&name.as_str()) {
            return fail(
                "env",
                format!("`{name}` is set by GitHub or by gocross's plan; it cannot be set here"),
            );
        }
    }
    if !(1..=MAX_TIMEOUT_MINUTES).contains(&ci.timeout_minutes) {
        return fail(
            "timeout_minutes",
            format!("must be between 1 and {MAX_TIMEOUT_MINUTES} (GitHub's job limit)"),
        );
    }
    for (key, steps) in [
        ("steps_before_build", &ci.steps_before_build),
        ("steps_after_build", &ci.steps_after_build),
    ] {
        for (i, step) in steps.iter().enumerate() {
            if let Err(message) = check_step(step) {
                return fail(key, format!("step {}: {message}", i + 1));
            }
        }
    }
    Ok(())
}

/// One extra step: a mapping with `uses:` (pinned) or `run:` (no expressions).
fn check_step(step: &serde_json::Value) -> Result<(), String> {
    let Some(map) = step.as_object() else {
        return Err("a step is a mapping with `uses:` or `run:`".into());
    };
    match (map.get("uses"), map.get("run")) {
        (Some(serde_json::Value::String(uses)), None) => {
            if !is_pinned(uses) {
                return Err(format!(
                    "`uses: {uses}` is not pinned: write OWNER/REPO@<full 40-hex commit SHA> (a tag or branch can move)"
                ));
            }
        }
        (None, Some(serde_json::Value::String(run))) => {
            if run.contains("${{") {
                return Err(
                    "`run:` holds `${{ }}`, which GitHub pastes into the script (template injection): set the value under the step's `env:` and use $NAME in the script".into(),
                );
            }
        }
        (Some(_), Some(_)) => return Err("a step has either `uses:` or `run:`, not both".into()),
        _ => return Err("a step needs `uses:` or `run:` (a string)".into()),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinned_references() {
        assert!(is_pinned(
            "actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8"
        ));
        assert!(is_pinned("./.github/actions/setup"));
        assert!(is_pinned("docker://alpine@sha256:0123"));
        assert!(!is_pinned("actions/checkout@v5"));
        assert!(!is_pinned("docker://alpine:3"));
        assert!(!is_pinned(
            "actions/checkout@08C6903CD8C0FDE910A37F88322EDCFB5DD907A8"
        ));
        assert!(is_action_ref("gocross/gocross@v1"));
        assert!(is_go_release("stable") && is_go_release("1.26") && is_go_release("1.26.8"));
        assert!(!is_go_release("go1.26") && !is_go_release("1") && !is_go_release("1.x"));
        assert!(is_action_ref("o/r/sub/dir@main"));
        assert!(!is_action_ref("gocross-action@v1"));
        assert!(!is_action_ref("o/r"));
    }
}
