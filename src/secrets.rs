//! Secrets: which variables are secret (one rule, [`is_secret`]), keeping them away from every
//! program gocross runs ([`withhold`]), and keeping their values out of everything gocross
//! prints or stores (logs, errors, the output tails of binaries it ran, manifest.json,
//! tests.json, the step summary and check run): one redaction ([`redact`]), used for the
//! GitHub token and for the secrets of the environment alike.
//!
//! A secret is replaced by `***` wherever it appears as itself in any letter case, split by
//! zero-width characters (which are dropped from the text first: U+200B–U+200D, U+2060,
//! U+FEFF, U+00AD, U+180E), or base64-encoded (standard or URL-safe alphabet, at any of the
//! three byte alignments inside a longer encoding, as in an `Authorization: Basic` header).
//! Values shorter than [`MIN_SECRET_LEN`] are not redacted: they would blank out ordinary text.
//!
//! **Which variables.** GitHub passes repository and organization secrets to a step under any
//! name the workflow chooses
//! (<https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions>),
//! so a fixed list cannot know them: a variable is secret when its name holds, in any letter
//! case, one of [`SECRET_WORDS`] (`AWS_SECRET_ACCESS_KEY`, `API_KEY`, `github_token`,
//! `SIGNING_SECRET_B64`, and the runner's OIDC pair `ACTIONS_ID_TOKEN_REQUEST_URL` and
//! `ACTIONS_ID_TOKEN_REQUEST_TOKEN`,
//! <https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect>),
//! or it is one of [`SECRET_VARS`], credentials whose names hold none of the words (the
//! runner's runtime, cache and results service URLs, a GPG passphrase, a database URL).
//! Two kinds of names are not secret although a word matches: `AUTHOR` (`GIT_AUTHOR_NAME`,
//! `XAUTHORITY`) does not count as `AUTH`, and Go's own settings [`GO_SETTINGS`] (`GOAUTH`
//! names *how* the go command finds credentials — `netrc`, `git DIR`, a command — and
//! `GOPRIVATE` lists module paths; both are needed by `go build` and `go test` to fetch
//! private modules, and neither holds a credential:
//! <https://pkg.go.dev/cmd/go#hdr-Environment_variables>). Anything else that matches is
//! secret even when it is not (`KEYCHAIN`, a path, is withheld too): withholding a
//! variable from `go build` costs nothing, while passing a credential can leak it.
//!
//! **Withheld from children.** [`withhold`] runs first in `main`: it reads the secret
//! variables into memory and takes them out of gocross's environment. Removing a variable
//! does not change what `/proc/PID/environ` shows (the environment block the process was
//! started with), which any process of the same user can read, a binary under test reading
//! `/proc/$PPID/environ` included. So on Linux gocross replaces itself (`execve` of
//! `/proc/self/exe`, same pid, same arguments) with an environment that holds no secret,
//! handing the secrets to the new image through an anonymous memory file
//! (`memfd_create(2)`) that it reads and closes before anything else runs. Elsewhere the
//! variables are only removed.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Words that make a variable secret wherever they appear in its name, in any letter case.
pub const SECRET_WORDS: &[&str] = &[
    "TOKEN",
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "KEY",
    "CREDENTIAL",
    "AUTH",
    "PRIVATE",
];

/// Credentials that hold none of [`SECRET_WORDS`]: the GitHub Actions runner's service URLs
/// (they carry or grant access tokens) and common providers' names.
pub const SECRET_VARS: &[&str] = &[
    "ACTIONS_RUNTIME_URL",
    "ACTIONS_RESULTS_URL",
    "ACTIONS_CACHE_URL",
    "ACTIONS_CACHE_SERVICE_V2",
    "GPG_PASSPHRASE",
    "DATABASE_URL",
    "SENTRY_DSN",
    "SLACK_WEBHOOK_URL",
];

/// Go's own environment settings whose names hold a word of [`SECRET_WORDS`] but whose values
/// are not credentials, which the go command reads to fetch private modules.
pub const GO_SETTINGS: &[&str] = &["GOAUTH", "GOPRIVATE"];

/// Whether the variable `name` is secret (see the module docs): withheld from every program
/// gocross runs and redacted from everything it writes.
pub fn is_secret(name: &str) -> bool {
    if GO_SETTINGS.contains(&name) {
        return false;
    }
    let upper = name.to_ascii_uppercase().replace("AUTHOR", "");
    SECRET_VARS.iter().any(|v| *v == upper) || SECRET_WORDS.iter().any(|w| upper.contains(w))
}

/// Secret variables `go build` still gets: the SSH agent's socket, through which `git`
/// fetches private modules over SSH (<https://go.dev/ref/mod#private-module-repo-auth>).
/// `go test` never gets it: a test binary could read it from `go test`'s environment.
pub const GO_BUILD_SECRETS: &[&str] = &["SSH_AUTH_SOCK"];

/// Takes every secret variable of this process's environment out of the environment `cmd`
/// inherits, and sets the ones named in `keep` to the values gocross was started with. Call
/// it before setting `cmd`'s own variables (a config's `env:`), which it leaves alone.
pub fn withhold_from(cmd: &mut std::process::Command, keep: &[&str]) {
    for (name, _) in std::env::vars_os() {
        if is_secret(&name.to_string_lossy()) {
            cmd.env_remove(name);
        }
    }
    for name in keep {
        if let Some(value) = captured().get(*name) {
            cmd.env(name, value);
        }
    }
}

/// The variable that tells the re-executed gocross which descriptor holds its secrets.
const SECRETS_FD_ENV: &str = "GOCROSS_SECRETS_FD";

/// The secret variables gocross was started with, by name.
static CAPTURED: OnceLock<BTreeMap<String, String>> = OnceLock::new();

/// The secret variables of this process's environment.
fn secret_vars() -> BTreeMap<String, String> {
    std::env::vars_os()
        .map(|(k, v)| (k.to_string_lossy().into_owned(), v))
        .filter(|(k, _)| is_secret(k))
        .map(|(k, v)| (k, v.to_string_lossy().into_owned()))
        .collect()
}

/// The secrets gocross was started with: captured by [`withhold`], or read from the
/// environment on first use where `withhold` did not run (the library used on its own).
fn captured() -> &'static BTreeMap<String, String> {
    CAPTURED.get_or_init(secret_vars)
}

/// Keeps the secret variables (see the module docs) away from every program gocross starts:
/// reads them into memory, removes them from the environment and, on Linux, replaces the
/// process with itself started without them, so that its `/proc/PID/environ` holds none.
///
/// Call it first in `main`, while the process has a single thread (it changes the
/// environment). Returns normally in the re-executed image, or when re-executing failed (the
/// variables are removed from the environment then, the only thing left to do).
pub fn withhold() {
    let fd = std::env::var_os(SECRETS_FD_ENV);
    // SAFETY (every change of the environment here): single-threaded start-up, as the
    // contract above says.
    unsafe { std::env::remove_var(SECRETS_FD_ENV) };
    let mut secrets = secret_vars();
    match fd.and_then(|fd| read_handed_over(&fd.to_string_lossy())) {
        // The re-executed image: the secrets came in the memory file.
        Some(handed_over) => secrets.extend(handed_over),
        #[cfg(target_os = "linux")]
        None if !secrets.is_empty() => reexec_without(&secrets),
        None => {}
    }
    remove_from_env(secrets.keys());
    let _ = CAPTURED.set(secrets);
}

fn remove_from_env<'a>(names: impl Iterator<Item = &'a String>) {
    for name in names {
        // SAFETY: single-threaded start-up ([`withhold`]'s contract).
        unsafe { std::env::remove_var(name) };
    }
}

/// Replaces this process with `/proc/self/exe` started with the same arguments and the
/// environment minus `secrets`, which travel in a memory file named by [`SECRETS_FD_ENV`].
/// Returns only when that fails.
#[cfg(target_os = "linux")]
fn reexec_without(secrets: &BTreeMap<String, String>) {
    use std::io::{Seek, Write};
    use std::os::fd::{AsRawFd, FromRawFd};
    use std::os::unix::process::CommandExt;
    // SAFETY: memfd_create(2) with a valid C string; the descriptor it returns is owned by
    // the `File` from here on.
    let fd = unsafe { libc::memfd_create(c"gocross-secrets".as_ptr(), 0) };
    if fd < 0 {
        return;
    }
    // SAFETY: `fd` is a fresh descriptor that nothing else owns.
    let mut file = unsafe { std::fs::File::from_raw_fd(fd) };
    let json = serde_json::to_vec(secrets).expect("a map of strings serializes");
    if file.write_all(&json).is_err() || file.rewind().is_err() {
        return;
    }
    let mut argv = std::env::args_os();
    let Some(arg0) = argv.next() else { return };
    let mut cmd = std::process::Command::new("/proc/self/exe");
    cmd.arg0(arg0).args(argv).env_clear();
    cmd.envs(std::env::vars_os().filter(|(k, _)| !is_secret(&k.to_string_lossy())));
    cmd.env(SECRETS_FD_ENV, file.as_raw_fd().to_string());
    // Returns only on failure; the memory file is closed when `file` drops.
    let _ = cmd.exec();
}

/// The secrets the previous image handed over in the memory file `fd`, which is closed;
/// `None` when `fd` is not such a file (a variable set by hand cannot make gocross take over
/// an unrelated descriptor) or cannot be read.
fn read_handed_over(fd: &str) -> Option<BTreeMap<String, String>> {
    #[cfg(target_os = "linux")]
    {
        use std::io::Read;
        use std::os::fd::FromRawFd;
        let n = fd.parse::<i32>().ok().filter(|n| *n > 2)?;
        let target = std::fs::read_link(format!("/proc/self/fd/{n}")).ok()?;
        if !target
            .to_string_lossy()
            .starts_with("/memfd:gocross-secrets")
        {
            return None;
        }
        // SAFETY: the descriptor is the memory file the previous image left open for this
        // one, checked above; nothing else in this process uses it.
        let mut file = unsafe { std::fs::File::from_raw_fd(n) };
        let mut json = Vec::new();
        file.read_to_end(&mut json).ok()?;
        serde_json::from_slice(&json).ok()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = fd;
        None
    }
}

/// The value of the variable `name` as gocross was started with it: secret variables come
/// from what [`withhold`] kept in memory, others from the environment.
pub fn var(name: &str) -> Option<String> {
    if is_secret(name) {
        captured().get(name).cloned()
    } else {
        std::env::var(name).ok()
    }
}

/// The values of the secret variables gocross was started with that [`redact`] replaces
/// (at least [`MIN_SECRET_LEN`] long, trimmed), longest first, so that a secret holding
/// another is replaced whole.
pub fn values() -> &'static [String] {
    static VALUES: OnceLock<Vec<String>> = OnceLock::new();
    VALUES.get_or_init(|| values_of(captured()))
}

fn values_of(vars: &BTreeMap<String, String>) -> Vec<String> {
    let mut values: Vec<String> = vars
        .values()
        .map(|v| v.trim().to_string())
        .filter(|v| v.len() >= MIN_SECRET_LEN)
        .collect();
    values.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    values.dedup();
    values
}

/// Shortest value redacted; real tokens are far longer.
pub const MIN_SECRET_LEN: usize = 8;

/// Characters that render as nothing, by which a secret could be split to pass a plain search.
const INVISIBLE: &[char] = &[
    '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{00AD}', '\u{180E}',
];

/// The base64 text that encodes `secret` whatever the bytes around it: for each of the three
/// alignments, the characters that depend on the secret's bytes alone.
fn base64_cores(secret: &[u8]) -> Vec<String> {
    let mut cores = Vec::new();
    for lead in 0..3usize {
        let mut bytes = vec![0u8; lead];
        bytes.extend_from_slice(secret);
        for engine in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
            let encoded = engine.encode(&bytes);
            // Characters mixing a lead byte with the secret's first byte, and the last
            // character (which may mix in a following byte), vary with the surroundings.
            let skip = (lead * 4).div_ceil(3);
            let core: String = encoded
                .chars()
                .skip(skip)
                .take(encoded.len().saturating_sub(skip + 1))
                .collect();
            if core.len() >= MIN_SECRET_LEN && !cores.contains(&core) {
                cores.push(core);
            }
        }
    }
    cores
}

/// The pattern that finds every form of every secret, `None` when there is nothing to find.
fn pattern<S: AsRef<str>>(secrets: &[S]) -> Option<Regex> {
    let mut alternatives = Vec::new();
    for secret in secrets {
        let secret = secret.as_ref().trim();
        if secret.len() < MIN_SECRET_LEN {
            continue;
        }
        alternatives.push(format!("(?i:{})", regex::escape(secret)));
        alternatives.extend(
            base64_cores(secret.as_bytes())
                .iter()
                .map(|c| regex::escape(c)),
        );
    }
    // Longest first, so that a secret holding another is replaced whole.
    alternatives.sort_by_key(|a| std::cmp::Reverse(a.len()));
    (!alternatives.is_empty())
        .then(|| Regex::new(&alternatives.join("|")).expect("escaped alternatives compile"))
}

/// `text` with every form of each of `secrets` replaced by `***` (see the module docs).
pub fn redact<S: AsRef<str>>(text: &str, secrets: &[S]) -> String {
    let Some(pattern) = pattern(secrets) else {
        return text.to_string();
    };
    let visible: String = text.chars().filter(|c| !INVISIBLE.contains(c)).collect();
    pattern.replace_all(&visible, "***").into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "ghs_Secret0Token1Value2";

    #[test]
    fn every_form_of_a_secret_is_redacted() {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let cases = [
            format!("token {TOKEN} here"),
            format!("upper {}", TOKEN.to_uppercase()),
            format!(
                "split {}",
                TOKEN
                    .chars()
                    .map(|c| format!("{c}\u{200B}"))
                    .collect::<String>()
            ),
            format!("basic {}", b64(&format!("x-access-token:{TOKEN}"))),
            format!("plain {}", b64(TOKEN)),
            format!("shifted {}", b64(&format!("ab{TOKEN}cd"))),
            format!(
                "url-safe {}",
                base64::engine::general_purpose::URL_SAFE.encode(format!("?>{TOKEN}"))
            ),
        ];
        for text in cases {
            let out = redact(&text, &[TOKEN]);
            assert!(out.contains("***"), "{text} -> {out}");
            for core in base64_cores(TOKEN.as_bytes()) {
                assert!(!out.contains(&core), "{text} -> {out}");
            }
            assert!(!out.to_lowercase().contains(&TOKEN.to_lowercase()), "{out}");
        }
        assert_eq!(redact("short 1234567", &["1234567"]), "short 1234567");
        assert_eq!(redact("nothing here", &[TOKEN]), "nothing here");
    }

    #[test]
    fn secrets_are_known_by_any_name() {
        for name in [
            "GITHUB_TOKEN",
            "github_token",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_ACCESS_KEY_ID",
            "AWS_SESSION_TOKEN",
            "API_KEY",
            "apikey",
            "SIGNING_SECRET_B64",
            "DB_PASSWD",
            "GOOGLE_APPLICATION_CREDENTIALS",
            "AZURE_CLIENT_SECRET",
            "NPM_TOKEN",
            "DOCKER_PASSWORD",
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
            "ACTIONS_RUNTIME_TOKEN",
            "ACTIONS_RUNTIME_URL",
            "ACTIONS_RESULTS_URL",
            "SSH_AUTH_SOCK",
            "NPM_CONFIG__AUTH",
            "MY_PRIVATE_KEY",
            "KEYCHAIN",
            "GOCROSS_REGISTRY_PASSWORD",
        ] {
            assert!(is_secret(name), "{name}");
        }
        for name in [
            "GOFLAGS",
            "GOPATH",
            "GOPROXY",
            "GONOSUMDB",
            "GOAUTH",
            "GOPRIVATE",
            "PATH",
            "HOME",
            "GITHUB_ACTIONS",
            "GITHUB_SHA",
            "GIT_AUTHOR_NAME",
            "XAUTHORITY",
            "CGO_LDFLAGS",
            "GOCROSS_TEST_EXEC",
        ] {
            assert!(!is_secret(name), "{name}");
        }
    }

    #[test]
    fn values_are_redacted_longest_first() {
        let vars = BTreeMap::from(
            [
                ("GITHUB_TOKEN", "ghs_0123456789abcdef"),
                ("NPM_TOKEN", "ghs_0123456789"),
                ("CI_TOKEN", "short"),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string())),
        );
        let values = values_of(&vars);
        assert_eq!(values, ["ghs_0123456789abcdef", "ghs_0123456789"]);
        assert_eq!(
            redact("a ghs_0123456789abcdef b ghs_0123456789 short", &values),
            "a *** b *** short"
        );
    }
}
