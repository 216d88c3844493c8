//! What a program gocross runs on a target sees of the caller's environment, and what of the
//! caller's secrets may appear in what gocross stores or prints.
//!
//! A binary under verification and a test binary are code gocross did not write. Both start
//! from an empty environment plus an allow-list ([`PASSED_ENV`] and the locale's `LC_*`), then
//! the config's `env:`, then what the runner itself sets (QEMU's `-L`, wine's `WINEPREFIX`).
//! No secret variable ([`is_secret`]) is ever among them, and their values are replaced by
//! `***` in every captured output gocross keeps ([`redact`]). gocross's own environment
//! block holds no secret either ([`crate::secrets::withhold`]), so a program cannot read them
//! from `/proc/$PPID/environ`.

use std::collections::BTreeMap;

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

/// Shortest value [`redact`] replaces ([`crate::secrets::MIN_SECRET_LEN`]).
pub use crate::secrets::MIN_SECRET_LEN;

/// Whether a variable name is secret: the one rule, [`crate::secrets::is_secret`].
pub use crate::secrets::is_secret;

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

/// Replaces the values of the secrets gocross was started with ([`crate::secrets::values`])
/// with `***`.
pub fn redact(text: &str) -> String {
    crate::secrets::redact(text, crate::secrets::values())
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
}
