//! gocross.yaml's `test:` section: which packages `gocross test` runs on which targets, with
//! which `go test` flags, environment and timeout; and its validation.
//!
//! Flags that gocross sets itself (`-exec`, `-json`, `-timeout`) or that would change what
//! `go test` does with the package list (`-c`, `-o`, `-args`) are refused here, with the key
//! to use instead, so that a bad value never reaches a CI leg.

use super::error::ConfigError;
use super::{TargetList, validate};
use crate::targets::Target;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};
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
    #[serde(default = "default_packages", deserialize_with = "packages")]
    pub packages: Vec<String>,
    /// Extra `go test` flags for every target (`-short`, `-run`, `-count=1`, `-v`).
    #[serde(default, deserialize_with = "go_test_flags")]
    pub args: Vec<String>,
    /// Seconds one target's `go test` run may take, compilation included; then it is killed
    /// with its process group and the tests still running are reported by name. Default 600.
    #[serde(default = "default_timeout", deserialize_with = "validate::seconds")]
    pub timeout: u64,
    /// The targets `gocross test` runs when `--target` names none. Default: every configured
    /// target that this machine can run (natively, QEMU user mode, wine, a wasm runtime).
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub targets: Option<Vec<Spanned<TargetList>>>,
    /// Environment of the test binaries, besides PATH, HOME, TMPDIR and the locale, which
    /// are all they get from the caller.
    #[serde(default, deserialize_with = "validate::run_env")]
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

/// `test.packages`: at least one package pattern, none empty or a flag.
fn packages<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let packages = validate::list(d, |p: &String, _: &[String]| {
        if p.trim().is_empty() || p.starts_with('-') {
            Err(format!(
                "`{p}` is not a package pattern: write `./...` or `./cmd/tool`; flags go in `test.args`"
            ))
        } else {
            Ok(())
        }
    })?;
    if packages.is_empty() {
        return Err(serde::de::Error::custom(
            "lists no package: remove the key to test `./...`",
        ));
    }
    Ok(packages)
}

/// `test.args`: `go test` flags that gocross allows ([`refused_flag`]).
fn go_test_flags<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    validate::list(d, |arg: &String, _: &[String]| go_test_flag(arg))
}

/// An override's `test_args`, as `test.args`.
pub(super) fn optional_go_test_flags<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<String>>, D::Error> {
    validate::optional_list(d, |arg: &String, _: &[String]| go_test_flag(arg))
}

fn go_test_flag(arg: &str) -> Result<(), String> {
    refused_flag(arg).map_or(Ok(()), Err)
}

/// The rule of the `test:` section across values: `test.targets` names configured targets (a
/// group names the configured ones among its ports). The error points at the entry.
pub(super) fn validate(
    config: &super::Config,
    configured: &[Target],
    path: &Path,
    source: &str,
) -> Result<(), ConfigError> {
    let Some(test) = &config.test else {
        return Ok(());
    };
    let lists = test.targets.as_deref().unwrap_or_default();
    validate::configured_only(lists, configured, "test.targets", path, source)
}
