//! What a program gocross runs on a target sees of the caller's environment, and what of the
//! caller's secrets may appear in what gocross stores or prints.
//!
//! A binary under verification and a test binary are code gocross did not write. Both start
//! from an empty environment plus an allow-list ([`PASSED_ENV`] and the locale's `LC_*`), then
//! the config's `env:`, then what the runner itself sets (QEMU's `-L`, wine's `WINEPREFIX`).
//! A CI job's tokens (`GITHUB_TOKEN`, `ACTIONS_RUNTIME_TOKEN`, ...) are never among them, and
//! their values are replaced by `***` in every captured output gocross keeps ([`redact`]).
//!
//! The allow-list cannot hide what any process of the same user may read (another process's
//! `/proc/PID/environ`): a step that runs untrusted tests should not be given secrets at all.

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Variables passed from the caller to every program run on a target: where programs and the
/// home and temporary directories are, the locale and time zone, and the two QEMU settings a
/// user may need (`QEMU_LD_PREFIX` for a sysroot, `QEMU_CPU` for a CPU model). `LC_*` passes
/// too.
pub const PASSED_ENV: &[&str] = &[
    "PATH",
    "HOME",
    "USER",
    "TMPDIR",
    "TMP",
    "TEMP",
    "LANG",
    "LANGUAGE",
    "TZ",
    "QEMU_LD_PREFIX",
    "QEMU_CPU",
];

/// Variables whose values are secrets in a GitHub Actions job or a developer's shell. Names
/// ending in [`SECRET_SUFFIXES`] count as well.
pub const SECRET_ENV: &[&str] = &[
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "GH_ENTERPRISE_TOKEN",
    "GITHUB_ENTERPRISE_TOKEN",
    "ACTIONS_RUNTIME_TOKEN",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    "ACTIONS_ID_TOKEN_REQUEST_URL",
    "ACTIONS_RUNTIME_URL",
    "ACTIONS_RESULTS_URL",
    "ACTIONS_CACHE_URL",
];

/// Name endings that mark a variable as a secret (`NPM_TOKEN`, `AWS_SECRET`, `DB_PASSWORD`).
pub const SECRET_SUFFIXES: &[&str] = &["_TOKEN", "_SECRET", "_PASSWORD"];

/// Shortest value [`redact`] replaces ([`crate::secrets::MIN_SECRET_LEN`]).
pub use crate::secrets::MIN_SECRET_LEN;

/// Whether a variable name is one of the secrets gocross knows.
pub fn is_secret(name: &str) -> bool {
    SECRET_ENV.contains(&name) || SECRET_SUFFIXES.iter().any(|s| name.ends_with(s))
}

/// Whether a caller's variable is passed to programs run on a target.
pub fn is_passed(name: &str) -> bool {
    (PASSED_ENV.contains(&name) || name.starts_with("LC_")) && !is_secret(name)
}

/// The complete environment of a program run on a target: the allow-listed variables of this
/// process, then `extra` (the config's `env:`), which wins.
pub fn run_env(extra: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut env: BTreeMap<String, String> = std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .filter(|(k, _)| is_passed(k))
        .collect();
    env.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
    env
}

/// Replaces the values of the secrets set in this process's environment with `***`.
pub fn redact(text: &str) -> String {
    static SECRETS: OnceLock<Vec<String>> = OnceLock::new();
    let secrets = SECRETS.get_or_init(|| {
        secrets_of(
            std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))),
        )
    });
    redact_with(text, secrets)
}

/// The secret values among `vars`, longest first (so that a secret containing another is
/// replaced whole).
fn secrets_of(vars: impl Iterator<Item = (String, String)>) -> Vec<String> {
    let mut values: Vec<String> = vars
        .filter(|(k, v)| is_secret(k) && v.trim().len() >= MIN_SECRET_LEN)
        .map(|(_, v)| v.trim().to_string())
        .collect();
    values.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    values.dedup();
    values
}

fn redact_with(text: &str, secrets: &[String]) -> String {
    crate::secrets::redact(text, secrets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_allow_list_passes() {
        for name in [
            "PATH",
            "HOME",
            "TMPDIR",
            "LANG",
            "LC_ALL",
            "LC_CTYPE",
            "QEMU_LD_PREFIX",
        ] {
            assert!(is_passed(name), "{name}");
        }
        for name in [
            "GITHUB_TOKEN",
            "ACTIONS_RUNTIME_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "GOFLAGS",
            "GITHUB_ACTIONS",
            "SSH_AUTH_SOCK",
            "LD_PRELOAD",
            "LC_TOKEN",
        ] {
            assert!(!is_passed(name), "{name}");
        }
    }

    #[test]
    fn run_env_adds_the_config_env_last() {
        let extra = BTreeMap::from([("PATH".to_string(), "/opt/bin".to_string())]);
        let env = run_env(&extra);
        assert_eq!(env["PATH"], "/opt/bin");
        assert!(env.keys().all(|k| is_passed(k) || k == "PATH"));
    }

    #[test]
    fn secrets_are_redacted_longest_first() {
        let vars = [
            ("GITHUB_TOKEN", "ghs_0123456789abcdef"),
            ("NPM_TOKEN", "ghs_0123456789"),
            ("CI_TOKEN", "short"),
            ("HOME", "/home/runner/secretive"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()));
        let secrets = secrets_of(vars.into_iter());
        assert_eq!(secrets, ["ghs_0123456789abcdef", "ghs_0123456789"]);
        assert_eq!(
            redact_with("a ghs_0123456789abcdef b ghs_0123456789 short", &secrets),
            "a *** b *** short"
        );
    }
}
