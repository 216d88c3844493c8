//! gocross.yaml's `test:` section: which packages `gocross test` runs on which targets, with
//! which `go test` flags, environment and timeout; and its validation.
//!
//! Flags that gocross sets itself (`-exec`, `-json`, `-timeout`) or that would change what
//! `go test` does with the package list (`-c`, `-o`, `-args`) are refused here, with the key
//! to use instead, so that a bad value never reaches a CI leg.

use super::ci::is_env_name;
use super::located::{ConfigError, line_of_path};
use super::{TargetList, override_matches};
use crate::targets::Target;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::path::Path;

/// Seconds a target's whole `go test` run may take when `test.timeout` is not set (Go's own
/// default per test binary).
pub const DEFAULT_TEST_TIMEOUT: u64 = 600;

/// How `gocross test` runs the module's own Go tests on each target.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TestConfig {
    /// Package patterns, relative to the module root. Default `["./..."]`.
    #[serde(default = "default_packages")]
    pub packages: Vec<String>,
    /// Extra `go test` flags for every target (`-short`, `-run`, `-count=1`, `-v`).
    #[serde(default)]
    pub args: Vec<String>,
    /// Seconds one target's `go test` run may take, compilation included; then it is killed
    /// with its process group and the tests still running are reported by name. Default 600.
    #[serde(default = "default_timeout")]
    pub timeout: u64,
    /// The targets `gocross test` runs when `--target` names none. Default: every configured
    /// target that this machine can run (natively, QEMU user mode, wine, a wasm runtime).
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub targets: Option<Vec<Spanned<TargetList>>>,
    /// Environment of the test binaries, besides PATH, HOME, TMPDIR and the locale, which
    /// are all they get from the caller.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
}

impl Default for TestConfig {
    fn default() -> Self {
        TestConfig {
            packages: default_packages(),
            args: Vec::new(),
            timeout: DEFAULT_TEST_TIMEOUT,
            targets: None,
            env: BTreeMap::new(),
        }
    }
}

impl TestConfig {
    /// The targets of `test.targets`, groups expanded; `None` when the key is absent.
    pub fn targets(&self) -> Option<Vec<Target>> {
        self.targets.as_ref().map(|lists| {
            lists
                .iter()
                .flat_map(|l| l.value.targets.iter().copied())
                .collect()
        })
    }
}

fn default_packages() -> Vec<String> {
    vec!["./...".into()]
}

fn default_timeout() -> u64 {
    DEFAULT_TEST_TIMEOUT
}

/// `go test` flags that gocross sets itself or that break the package list, and what to do
/// instead.
const REFUSED_FLAGS: &[(&str, &str)] = &[
    (
        "exec",
        "gocross runs the test binaries itself (natively, QEMU, wine)",
    ),
    (
        "json",
        "gocross reads `go test -json` itself; use `gocross test --json`",
    ),
    (
        "timeout",
        "use `test.timeout` (seconds per target) or `gocross test --timeout`",
    ),
    (
        "c",
        "gocross runs the tests; build test binaries with `go test -c` directly",
    ),
    (
        "o",
        "gocross runs the tests; build test binaries with `go test -c -o` directly",
    ),
    (
        "args",
        "flags for the test binary go before the package list; write them as `-test.<flag>`, or use `-run`/`-short`",
    ),
];

/// Why a `go test` flag cannot be given to `gocross test`, if it cannot: `-exec`, `-json`,
/// `-timeout`, `-c`, `-o` and `-args`, in any spelling (`-json`, `--json`, `-timeout=5s`).
pub fn refused_flag(arg: &str) -> Option<String> {
    let name = arg.strip_prefix("--").or_else(|| arg.strip_prefix('-'))?;
    let name = name.split_once('=').map_or(name, |(n, _)| n);
    REFUSED_FLAGS
        .iter()
        .find(|(flag, _)| *flag == name)
        .map(|(flag, why)| format!("`-{flag}` is not allowed: {why}"))
}

/// Checks the `test:` section and the overrides' `test_args` against `configured`. Errors
/// point at the offending key.
pub(super) fn validate(
    config: &super::Config,
    configured: &[Target],
    path: &Path,
    source: &str,
) -> Result<(), ConfigError> {
    let fail = |key: &str, message: String| {
        let line = line_of_path(source, key).unwrap_or(1);
        Err(ConfigError::at(
            path,
            source,
            line,
            1,
            format!("key `{key}`: {message}"),
        ))
    };
    for (i, o) in config.overrides.iter().enumerate() {
        for arg in o.test_args.iter().flatten() {
            if let Some(why) = refused_flag(arg) {
                return fail(&format!("overrides[{i}].test_args"), why);
            }
        }
    }
    let Some(test) = &config.test else {
        return Ok(());
    };
    if test.timeout == 0 {
        return fail("test.timeout", "must be at least 1 second".into());
    }
    if test.packages.is_empty() {
        return fail(
            "test.packages",
            "lists no package: remove the key to test `./...`".into(),
        );
    }
    if let Some(p) = test
        .packages
        .iter()
        .find(|p| p.trim().is_empty() || p.starts_with('-'))
    {
        return fail(
            "test.packages",
            format!(
                "`{p}` is not a package pattern: write `./...` or `./cmd/tool`; flags go in `test.args`"
            ),
        );
    }
    for arg in &test.args {
        if let Some(why) = refused_flag(arg) {
            return fail("test.args", why);
        }
    }
    if let Some(var) = test.env.keys().find(|k| !is_env_name(k)) {
        return fail(
            "test.env",
            format!("`{var}` is not an environment variable name"),
        );
    }
    for list in test.targets.iter().flatten() {
        for t in &list.value.targets {
            if !configured.iter().any(|c| override_matches(t, c)) {
                if list.value.group {
                    continue;
                }
                return Err(ConfigError::at(
                    path,
                    source,
                    list.referenced.line(),
                    list.referenced.column(),
                    format!(
                        "key `test.targets`: {t} is not in `targets`; add it there or remove it here"
                    ),
                ));
            }
        }
    }
    Ok(())
}
