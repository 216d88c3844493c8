//! Validation of gocross.yaml's `ci:` section: the settings of the generated workflow.
//!
//! What passes here renders into a workflow that GitHub accepts and a security review does not
//! flag, for any config: the workflow path is one GitHub runs; extra steps are checked
//! structurally (known keys only, a pinned `uses:`, no `${{ }}` expression anywhere but in
//! `if:` and in `env:` values, where GitHub evaluates them without pasting them into code);
//! branch and tag patterns, runner labels and the action reference hold no blanks, line breaks
//! or control characters; environment names are valid and leave the plan's variables alone;
//! and timeouts stay within GitHub's six-hour job limit. Each rule about one
//! value is a parse function that its field names (see `validate.rs`), so it is reported at
//! that value; the one rule across values is [`validate`].

use super::error::ConfigError;
use super::{CiConfig, PLAN_OWNED_ENV, validate};
use serde::Deserializer;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
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

/// Whether `uses` has the shape `OWNER/REPO[/PATH]@REF`, in the characters GitHub allows in
/// owner, repository and path names (letters, digits, `-`, `_`, `.`).
fn is_action_ref(uses: &str) -> bool {
    let Some((path, r)) = uses.split_once('@') else {
        return false;
    };
    let name_char = |c: char| c.is_ascii_alphanumeric() || "-_.".contains(c);
    let parts: Vec<&str> = path.split('/').collect();
    parts.len() >= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(name_char))
        && !r.is_empty()
        && r.chars().all(|c| name_char(c) || c == '/')
}

/// Characters that have no place in a name GitHub reads (a branch pattern, a label): blanks,
/// line breaks and other control or format characters.
fn bad_name_char(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}')
}

/// A runner label: GitHub's labels are letters, digits, `-`, `_` and `.`. A label within two
/// edits of a GitHub-hosted one it is not ([`crate::targets::RUNNERS`]), or with the same
/// letters and digits in another order, is taken for a typo; others are self-hosted runners'
/// labels, taken as they are.
fn runner_label(label: &str) -> Result<(), String> {
    if label.is_empty()
        || !label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        return Err(format!(
            "`{}` is not a runner label: letters, digits, `-`, `_` and `.`, e.g. ubuntu-24.04-arm",
            label.escape_debug()
        ));
    }
    let letters = |l: &str| {
        let mut chars: Vec<char> = l.chars().filter(char::is_ascii_alphanumeric).collect();
        chars.sort_unstable();
        chars
    };
    let hosted = crate::targets::RUNNERS.iter().map(|r| r.label);
    if crate::targets::runner_image(label).is_none()
        && let Some(near) = hosted
            .map(|h| (strsim::damerau_levenshtein(label, h), h))
            .filter(|(d, h)| *d <= 2 || letters(h) == letters(label))
            .min()
    {
        return Err(format!(
            "`{label}` is not a GitHub-hosted runner label; did you mean {}? (a self-hosted runner's own label is taken as it is)",
            near.1
        ));
    }
    Ok(())
}

/// `overrides[].runner`: a runner label ([`runner_label`]).
pub(super) fn runner<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    validate::optional(d, |label: &String| runner_label(label))
}

/// `ci.runners`: a runner label ([`runner_label`]) per target.
pub(super) fn runners<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<crate::targets::Target, String>, D::Error> {
    validate::checked(d, |runners: &BTreeMap<crate::targets::Target, String>| {
        runners.values().try_for_each(|label| runner_label(label))
    })
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

/// `ci.workflow`: a file GitHub runs, `.github/workflows/<name>.yml`.
pub(super) fn workflow<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    validate::checked(d, |workflow: &String| {
        let file = Path::new(workflow);
        let in_workflows = file.parent() == Some(Path::new(".github/workflows"));
        let yaml = matches!(
            file.extension().and_then(|e| e.to_str()),
            Some("yml" | "yaml")
        );
        if in_workflows && yaml {
            Ok(())
        } else {
            Err(format!(
                "`{workflow}` is not a file GitHub runs: write `.github/workflows/<name>.yml`"
            ))
        }
    })
}

/// `ci.go_version`: a Go release actions/setup-go takes ([`is_go_release`]); it keeps its place
/// for the rule against `go_versions` in [`validate`].
pub(super) fn go_version<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Spanned<String>>, D::Error> {
    validate::optional(d, |go: &Spanned<String>| go_release(&go.value))
}

/// `ci.go_versions`: Go releases, each listed once.
pub(super) fn go_versions<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    validate::list(d, |go: &String, before: &[String]| {
        go_release(go)?;
        if before.contains(go) {
            return Err(format!("Go {go} is listed twice"));
        }
        Ok(())
    })
}

fn go_release(go: &str) -> Result<(), String> {
    if is_go_release(go) {
        Ok(())
    } else {
        Err(format!(
            "`{go}` is not a Go release: write stable, oldstable, 1.26 or 1.26.8"
        ))
    }
}

/// `ci.action`: `OWNER/REPO@<40-hex commit>`.
pub(super) fn action<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    validate::optional(d, |action: &String| {
        if is_action_ref(action) && is_pinned(action) {
            Ok(())
        } else {
            Err(format!(
                "`{action}` is not an action pinned to a commit: write OWNER/REPO@<40-hex commit> (a tag or branch can move), e.g. {}@<commit>",
                crate::origin::action_repository()
            ))
        }
    })
}

/// `ci.branches` and `ci.tags`: names or filter patterns ([`filter_pattern`]), none empty,
/// without blanks or control characters (git refuses them in ref names).
pub(super) fn names<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    validate::list(d, |name: &String, _: &[String]| {
        if name.trim().is_empty() {
            Err("an entry is empty; write a name or a pattern".into())
        } else if name.contains(bad_name_char) {
            Err(format!(
                "`{}` holds a blank, line break or control character, which no branch or tag name has",
                name.escape_debug()
            ))
        } else {
            filter_pattern(name)
        }
    })
}

/// `ci.env`: valid names, none that GitHub (`GITHUB_*`) or the plan ([`PLAN_OWNED_ENV`]) sets.
pub(super) fn env<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    validate::keys(d, |name| {
        validate::env_name(name)?;
        if name.starts_with("GITHUB_") || PLAN_OWNED_ENV.contains(&name) {
            return Err(format!(
                "`{name}` is set by GitHub or by gocross's plan; it cannot be set here"
            ));
        }
        Ok(())
    })
}

/// `ci.timeout_minutes`: 1 to [`MAX_TIMEOUT_MINUTES`].
pub(super) fn timeout_minutes<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    validate::checked(d, |minutes: &u32| {
        if (1..=MAX_TIMEOUT_MINUTES).contains(minutes) {
            Ok(())
        } else {
            Err(format!(
                "must be between 1 and {MAX_TIMEOUT_MINUTES} (GitHub's job limit)"
            ))
        }
    })
}

/// `ci.steps_before_build` and `ci.steps_after_build`: each step a mapping with a pinned
/// `uses:` or a `run:` without expressions.
pub(super) fn steps<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<serde_json::Value>, D::Error> {
    validate::list(d, |step: &serde_json::Value, _: &[serde_json::Value]| {
        check_step(step)
    })
}

/// The rule of the `ci:` section across values: one Go (`go_version`) or a Go axis
/// (`go_versions`), not both. The error points at `go_version`.
pub(super) fn validate(ci: &CiConfig, path: &Path, source: &str) -> Result<(), ConfigError> {
    if let Some(go) = &ci.go_version
        && !ci.go_versions.is_empty()
    {
        return Err(ConfigError::at(
            path,
            source,
            &go.referenced,
            "key `ci.go_version`: set `go_version` (one Go) or `go_versions` (a Go axis), not both"
                .into(),
        ));
    }
    Ok(())
}

/// The keys a workflow step may have, as GitHub spells them, in the order the generated
/// workflow writes them.
pub const STEP_KEYS: &[&str] = &[
    "name",
    "id",
    "if",
    "uses",
    "with",
    "shell",
    "working-directory",
    "run",
    "env",
    "continue-on-error",
    "timeout-minutes",
];

/// The type GitHub's workflow schema gives each step key: `with` and `env` are mappings of
/// scalars, `continue-on-error` a boolean, `timeout-minutes` a number, `if` a string or a
/// boolean, the others strings.
fn step_value_type(key: &str, value: &serde_json::Value) -> Result<(), String> {
    use serde_json::Value;
    let scalar = |v: &Value| matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_));
    let ok = match key {
        "with" | "env" => value.as_object().is_some_and(|m| m.values().all(scalar)),
        "continue-on-error" => value.is_boolean(),
        "timeout-minutes" => value.as_u64().is_some_and(|m| m >= 1),
        "if" => value.is_string() || value.is_boolean(),
        _ => value.is_string(),
    };
    if ok {
        return Ok(());
    }
    let want = match key {
        "with" | "env" => "a mapping of strings, numbers or booleans",
        "continue-on-error" => "true or false",
        "timeout-minutes" => "a whole number of minutes",
        "if" => "a condition",
        _ => "a string",
    };
    Err(format!("`{key}` must be {want}"))
}

/// Whether a string holds a GitHub expression (`${{`).
fn has_expression(s: &str) -> bool {
    s.contains("${{")
}

/// Every string in `value` (mapping keys included), with where it is.
fn strings<'v>(value: &'v serde_json::Value, at: &str, out: &mut Vec<(String, &'v str)>) {
    match value {
        serde_json::Value::String(s) => out.push((at.to_string(), s)),
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                strings(v, &format!("{at}[{i}]"), out);
            }
        }
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                out.push((format!("{at} (a key)"), k));
                strings(v, &format!("{at}.{k}"), out);
            }
        }
        _ => {}
    }
}

/// The `with:` inputs that run as code: actions/github-script's `script`, and a `docker://`
/// step's `args` and `entrypoint`. Other inputs reach the action as values.
const CODE_INPUTS: [&str; 3] = ["with.script", "with.args", "with.entrypoint"];

/// The keys only a `run:` step has, and those only a `uses:` step has.
const RUN_KEYS: [&str; 3] = ["run", "shell", "working-directory"];
const USES_KEYS: [&str; 2] = ["uses", "with"];

/// The shells GitHub's runners know by name; any other `shell:` is a command template that
/// holds `{0}` (the script's path), such as `perl {0}`.
const SHELLS: [&str; 6] = ["bash", "sh", "pwsh", "python", "cmd", "powershell"];

/// One extra step, checked as a whole: a mapping of [`STEP_KEYS`] with a pinned `uses:` or a
/// `run:`, and only the keys of its kind ([`RUN_KEYS`], [`USES_KEYS`]); a `shell:` GitHub
/// knows ([`SHELLS`] or a `{0}` template); `${{ }}` only in `if:`, in `env:` values and in
/// `with:` values other than [`CODE_INPUTS`]; no control characters but tabs and line breaks
/// in values.
fn check_step(step: &serde_json::Value) -> Result<(), String> {
    let Some(map) = step.as_object() else {
        return Err("a step is a mapping with `uses:` or `run:`".into());
    };
    if let Some(key) = map.keys().find(|k| !STEP_KEYS.contains(&k.as_str())) {
        return Err(format!(
            "`{}` is not a key of a workflow step: write {}",
            key.escape_debug(),
            STEP_KEYS.join(", ")
        ));
    }
    for (key, value) in map {
        let mut found = Vec::new();
        strings(value, key, &mut found);
        for (at, s) in found {
            let value_of = |k: &str| key == k && !at.ends_with("(a key)");
            let expression_allowed = key == "if"
                || value_of("env")
                || (value_of("with") && !CODE_INPUTS.contains(&at.as_str()));
            if has_expression(s) && !expression_allowed {
                return Err(format!(
                    "`{at}` holds `${{{{ }}}}`, which GitHub pastes into code there (template injection): pass the value through the step's `env:` and read it as $NAME"
                ));
            }
            if s.chars()
                .any(|c| bad_name_char(c) && !matches!(c, ' ' | '\t' | '\n' | '\r'))
            {
                return Err(format!("`{at}` holds a control character: remove it"));
            }
        }
    }
    for (key, value) in map {
        step_value_type(key, value)?;
    }
    if let Some(serde_json::Value::Object(env)) = map.get("env")
        && let Some(name) = env.keys().find(|n| validate::env_name(n).is_err())
    {
        return Err(format!(
            "`env.{}` is not an environment variable name (letters, digits, `_`)",
            name.escape_debug()
        ));
    }
    match (map.get("uses"), map.get("run")) {
        (Some(serde_json::Value::String(uses)), None) => {
            if !uses.starts_with("./") && !uses.starts_with("docker://") && !is_action_ref(uses) {
                return Err(format!(
                    "`uses: {}` is not an action reference: write OWNER/REPO[/PATH]@<full 40-hex commit SHA>, ./PATH or docker://IMAGE@sha256:<digest>",
                    uses.escape_debug()
                ));
            }
            if !is_pinned(uses) {
                return Err(format!(
                    "`uses: {uses}` is not pinned: write OWNER/REPO@<full 40-hex commit SHA> (a tag or branch can move)"
                ));
            }
        }
        (None, Some(serde_json::Value::String(_))) => {}
        (Some(_), Some(_)) => return Err("a step has either `uses:` or `run:`, not both".into()),
        _ => return Err("a step needs `uses:` or `run:` (a string)".into()),
    }
    let (kind, other_kind) = if map.contains_key("run") {
        ("run", USES_KEYS.as_slice())
    } else {
        ("uses", RUN_KEYS.as_slice())
    };
    if let Some(key) = other_kind.iter().find(|k| map.contains_key(**k)) {
        return Err(format!(
            "`{key}` has no meaning in a `{kind}:` step: remove it, or make the step a `{}:` step",
            if kind == "run" { "uses" } else { "run" }
        ));
    }
    if let Some(serde_json::Value::String(shell)) = map.get("shell")
        && !SHELLS.contains(&shell.as_str())
        && !shell.contains("{0}")
    {
        return Err(format!(
            "`shell: {}` is not a shell GitHub knows: write one of {}, or a command with {{0}} for the script (`perl {{0}}`)",
            shell.escape_debug(),
            SHELLS.join(", ")
        ));
    }
    Ok(())
}

/// A branch or tag filter pattern as GitHub reads it: `*`, `**`, `?`, `+`, a leading `!`, and
/// character classes (`[0-9]`, `[ab]`) of two or more characters or ascending ranges.
/// Characters git refuses in ref names (`~`, `^`, `:`, `\`) are refused, so is a class that
/// is empty, unclosed or a single character.
fn filter_pattern(pattern: &str) -> Result<(), String> {
    let shown = pattern.escape_debug();
    let mut chars = pattern.strip_prefix('!').unwrap_or(pattern).chars();
    while let Some(c) = chars.next() {
        match c {
            '~' | '^' | ':' | '\\' => {
                return Err(format!(
                    "`{shown}` holds `{c}`, which no branch or tag name has"
                ));
            }
            '[' => {
                let mut class = Vec::new();
                loop {
                    match chars.next() {
                        Some(']') => break,
                        Some(x) => class.push(x),
                        None => return Err(format!("`{shown}`: a `[` is not closed by `]`")),
                    }
                }
                let mut members = 0;
                let mut i = 0;
                while i < class.len() {
                    if i + 2 < class.len() && class[i + 1] == '-' {
                        if class[i] > class[i + 2] {
                            return Err(format!(
                                "`{shown}`: the range `{}-{}` runs backwards",
                                class[i],
                                class[i + 2]
                            ));
                        }
                        members += 2;
                        i += 3;
                    } else {
                        members += 1;
                        i += 1;
                    }
                }
                match (members, class.first()) {
                    (0, _) => return Err(format!("`{shown}`: `[]` matches nothing")),
                    (1, Some(x)) => {
                        return Err(format!("`{shown}`: write `{x}` instead of `[{x}]`"));
                    }
                    _ => {}
                }
            }
            _ => {}
        }
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

    #[test]
    fn filter_patterns() {
        for ok in [
            "main",
            "release/**",
            "v[0-9]*",
            "!main",
            "v[0-9]+.[0-9]+",
            "[ab]c",
            "a+b",
        ] {
            assert_eq!(filter_pattern(ok), Ok(()), "{ok}");
        }
        for (bad, says) in [
            ("a:b", "holds `:`"),
            ("x\\*y", "holds `\\`"),
            ("v[9-0]", "the range `9-0` runs backwards"),
            ("v[x]", "write `x` instead of `[x]`"),
            ("v[]", "`[]` matches nothing"),
            ("v[0-9", "is not closed"),
        ] {
            let err = filter_pattern(bad).unwrap_err();
            assert!(err.contains(says), "{bad}: {err}");
        }
    }
}
