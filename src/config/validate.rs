//! The rules gocross.yaml must meet beyond its types, and where a broken one is reported.
//!
//! Every place comes from serde-saphyr; nothing searches the text. There are two kinds of rule:
//! - **A rule about one value** (`version` is 1, a timeout is at least a second, `env:` leaves
//!   the plan's variables alone, a `go test` flag is one gocross allows) runs while that value
//!   is parsed: its field names the rule with `#[serde(deserialize_with)]`. A broken rule is
//!   then a parser error, reported like a type error: at the value (for a list, at the entry;
//!   for an environment, at the variable's name), with its key path
//!   (`overrides[1].verify.timeout`).
//! - **A rule across values** (a target listed twice, an override or `test.targets` naming a
//!   target that is not configured, `ci.go_version` together with `ci.go_versions`) runs
//!   after parsing, in [`validate`], on fields that keep their place (`Spanned`).
//!
//! The rules of the `ci:`, `test:` and `image:` sections live with those sections (`ci.rs`,
//! `gotest.rs`, `image.rs`) and use the helpers here.

use super::error::ConfigError;
use super::{Config, PLAN_OWNED_ENV, TargetList, is_safe_name, override_matches};
use crate::targets::Target;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// `version`: the schema version, 1.
pub(super) fn version<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    checked(d, |v: &u32| {
        if *v == 1 {
            Ok(())
        } else {
            Err(format!(
                "version {v} is not supported: this gocross reads version 1"
            ))
        }
    })
}

/// The JSON Schema requires `version`, which serde reads as 0 when missing so that
/// [`validate`] can say what to write.
pub(super) fn require_version(schema: &mut schemars::Schema) {
    schema.insert("required".into(), serde_json::json!(["version"]));
}

/// `targets` and an override's `targets`: a list. A single target written without brackets
/// (`targets: linux/amd64`) is refused at the value, with the list to write.
pub(super) fn target_lists<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Vec<Spanned<TargetList>>, D::Error> {
    struct TargetsVisitor;
    impl<'de> Visitor<'de> for TargetsVisitor {
        type Value = Vec<Spanned<TargetList>>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list of targets")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut lists = Vec::new();
            while let Some(list) = seq.next_element()? {
                lists.push(list);
            }
            Ok(lists)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Err(E::custom(format!(
                "targets must be a list: write `targets: [{}]`",
                v.trim()
            )))
        }
    }
    d.deserialize_any(TargetsVisitor)
}

/// `targets` at the top: absent, or a list as [`target_lists`] reads it.
pub(super) fn optional_target_lists<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<Spanned<TargetList>>>, D::Error> {
    target_lists(d).map(Some)
}

/// `project`: a name safe in file names and release asset names (empty: taken from `main` or
/// go.mod, and checked then).
pub(super) fn project<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    checked(d, |p: &String| {
        if p.is_empty() || is_safe_name(p) {
            Ok(())
        } else {
            Err(format!(
                "`{p}` must hold only letters, digits, `.`, `_` and `-` (it names files and release assets)"
            ))
        }
    })
}

/// `glibc`, an override's `glibc` and `audit.max_glibc`: a glibc version
/// ([`crate::targets::Version::glibc`]), written as a string.
pub(super) fn glibc<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<crate::targets::Version>, D::Error> {
    let Some(text) = Option::<String>::deserialize(d)? else {
        return Ok(None);
    };
    crate::targets::Version::glibc(&text)
        .map(Some)
        .map_err(de::Error::custom)
}

/// `audit.min_go`: a Go release, written as a string (`"1.24"`).
pub(super) fn go_version<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<crate::targets::Version>, D::Error> {
    let Some(text) = Option::<String>::deserialize(d)? else {
        return Ok(None);
    };
    text.parse().map(Some).map_err(|_| {
        de::Error::custom(format!("`{text}` is not a Go version: write e.g. \"1.24\""))
    })
}

/// `main`: a package path, never something `go build` would read as a flag.
pub(super) fn main_package<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    checked(d, |m: &String| {
        if m.trim().is_empty() {
            Err("is empty: write the main package, e.g. `.` or `./cmd/tool`".into())
        } else if m.starts_with('-') {
            Err(format!(
                "`{m}` starts with `-`, which `go build` reads as a flag: write the main package's path, e.g. `./cmd/tool`"
            ))
        } else {
            Ok(())
        }
    })
}

/// `verify.expect`: a regular expression that compiles ([`expect_regex`]).
pub(super) fn expect<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    optional(d, |e: &String| expect_regex(e).map(|_| ()))
}

/// `verify.expect` and `gocross verify --expect`, compiled: found before anything is built.
///
/// Errors: the regex syntax error, with what to write.
pub fn expect_regex(expect: &str) -> Result<regex::Regex, String> {
    regex::Regex::new(expect).map_err(|e| {
        format!("`{expect}` is not a regular expression: {e}; escape regex characters with `\\`")
    })
}

/// `flags`: extra `go build` flags, none of those gocross owns ([`owned_flag`]).
pub(super) fn go_build_flags<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    list(d, |flag: &String, _| match owned_flag(flag) {
        Some(instead) => Err(format!("`{flag}` is not allowed here: {instead}")),
        None => Ok(()),
    })
}

/// A binary's optional `flags`, as [`go_build_flags`].
pub(super) fn optional_go_build_flags<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<String>>, D::Error> {
    optional_list(d, |flag: &String, _| match owned_flag(flag) {
        Some(instead) => Err(format!("`{flag}` is not allowed here: {instead}")),
        None => Ok(()),
    })
}

/// What to do instead of passing a `go build` flag that gocross owns: `-o` and `-C` (gocross
/// names the outputs and runs in the module root), `-toolexec`, `-exec` and `-overlay` (they
/// run programs or swap in sources outside the build gocross planned). `None` for the others.
pub fn owned_flag(flag: &str) -> Option<&'static str> {
    let name = flag.trim_start_matches('-');
    let name = name.split_once('=').map_or(name, |(n, _)| n);
    match (flag.starts_with('-'), name) {
        (true, "o") => {
            Some("gocross names the binaries: set `project` (and `--dist` for the directory)")
        }
        (true, "C") => Some("gocross builds in the module root: run `gocross -C DIR`"),
        (true, "toolexec" | "exec" | "overlay") => Some(
            "it runs programs or swaps in sources outside the build gocross plans; build hooks belong in `ci.steps_before_build`",
        ),
        _ => None,
    }
}

/// `env` and an override's `env`: the `go build` environment, without the variables the plan
/// derives from the target, `cgo` and `cc` ([`PLAN_OWNED_ENV`]), and with the `GO*`
/// variables that carry flags or settings under the rules of `flags` ([`build_env_value`]).
pub(super) fn build_env<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    entries(
        d,
        |var| {
            if PLAN_OWNED_ENV.contains(&var) {
                return Err(format!(
                    "gocross sets {var} from the target and cgo settings; use `targets`, `cgo` or `cc` instead"
                ));
            }
            Ok(())
        },
        build_env_value,
    )
}

/// Whether `value` may be given to the `go build` variable `var`: `GOFLAGS` is read as
/// `go build` reads it (flags separated by blanks) and holds none of the flags `flags`
/// refuses ([`owned_flag`]: `-toolexec`, `-exec`, `-overlay`, `-o`, `-C`); `GOENV` (a file of
/// further settings, GOFLAGS among them, that gocross cannot check) may only be `off`;
/// `GOROOT` (which chooses the compiler and linker `go build` runs) is refused. Other
/// variables pass. The C toolchain's variables (`CGO_CFLAGS`, `CGO_LDFLAGS`, ...) pass too:
/// with cgo the config chooses the C compiler (`cc:` may be any command), and without it
/// they are not read.
///
/// Errors: what is wrong and what to write instead.
pub fn build_env_value(var: &str, value: &str) -> Result<(), String> {
    match var {
        "GOFLAGS" => {
            for flag in value.split_whitespace() {
                let flag = flag.trim_matches(|c| c == '\'' || c == '"');
                if let Some(instead) = owned_flag(flag) {
                    return Err(format!(
                        "GOFLAGS holds `{flag}`, which is not allowed in `flags` either: {instead}"
                    ));
                }
            }
            Ok(())
        }
        "GOENV" if value != "off" => Err(
            "GOENV names a file of further Go settings (GOFLAGS among them) that gocross cannot check: write them in `env:` itself, or set GOENV to `off`"
                .into(),
        ),
        "GOROOT" => Err(
            "GOROOT chooses the compiler and linker that `go build` runs: gocross builds with the `go` on PATH (the workflow installs `ci.go_version`)"
                .into(),
        ),
        _ => Ok(()),
    }
}

/// `verify.env` and `test.env`: the environment of a run, by valid names.
pub(super) fn run_env<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    keys(d, env_name)
}

/// The longest run gocross waits for, in seconds: six hours, GitHub's job limit
/// ([`super::MAX_TIMEOUT_MINUTES`]). Bounds `verify.timeout`, `test.timeout` and the
/// `--timeout` flags, so that no deadline overflows.
pub const MAX_TIMEOUT_SECONDS: u64 = super::MAX_TIMEOUT_MINUTES as u64 * 60;

/// Whether `s` seconds is a timeout gocross takes: 1 to [`MAX_TIMEOUT_SECONDS`].
pub fn timeout_seconds(s: u64) -> Result<(), String> {
    match s {
        0 => Err("must be at least 1 second".into()),
        s if s > MAX_TIMEOUT_SECONDS => Err(format!(
            "{s} seconds is more than {MAX_TIMEOUT_SECONDS} (six hours, GitHub's job limit)"
        )),
        _ => Ok(()),
    }
}

/// A timeout in seconds (`verify.timeout`, `test.timeout`): [`timeout_seconds`].
pub(super) fn seconds<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    checked(d, |s: &u64| timeout_seconds(*s))
}

/// Whether `name` can be an environment variable name (`[A-Za-z_][A-Za-z0-9_]*`).
pub(super) fn env_name(name: &str) -> Result<(), String> {
    if crate::template::is_env_name(name) {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not an environment variable name (letters, digits, `_`)"
        ))
    }
}

/// The rules across values, on a parsed config: no target twice in `targets` (group members
/// counted), overrides name configured targets (a group names the configured ones among its
/// ports), then the `test:` and `ci:` sections' own. Each error points at the `Spanned` value
/// that broke the rule.
pub(super) fn validate(config: &Config, path: &Path, source: &str) -> Result<(), ConfigError> {
    if config.version == 0 {
        return Err(ConfigError::NoVersion {
            path: path.to_path_buf(),
        });
    }
    let lists = [("targets".to_string(), config.targets.as_deref())]
        .into_iter()
        .chain(config.overrides.iter().enumerate().map(|(i, o)| {
            (
                format!("overrides[{i}].targets"),
                Some(o.targets.as_slice()),
            )
        }))
        .chain(std::iter::once((
            "test.targets".to_string(),
            config.test.as_ref().and_then(|t| t.targets.as_deref()),
        )));
    for (key, list) in lists {
        bad_targets(list.unwrap_or_default(), &key, path, source)?;
    }
    if let Some(lists) = &config.targets {
        let mut seen: BTreeMap<Target, &str> = BTreeMap::new();
        for list in lists {
            for t in &list.value.targets {
                if let Some(first) = seen.insert(*t, &list.value.entry) {
                    let via = if first == list.value.entry {
                        String::new()
                    } else {
                        format!(" (already listed through `{first}`)")
                    };
                    return Err(ConfigError::at(
                        path,
                        source,
                        &list.referenced,
                        format!("key `targets`: {t} is listed twice{via}; remove one"),
                    ));
                }
            }
        }
    }
    let configured = config.targets();
    for (i, o) in config.overrides.iter().enumerate() {
        configured_only(
            &o.targets,
            &configured,
            &format!("overrides[{i}].targets"),
            path,
            source,
        )?;
    }
    super::gotest::validate(config, &configured, path, source)?;
    super::ci::validate(&config.ci, path, source)
}

/// Every entry of the target list at `key` that names no target, in one error at the first
/// of them: its own message for one (`key `targets[1]`: linux/aarch64 is not a Go port; did
/// you mean linux/arm64?`), a line per entry for several.
fn bad_targets(
    lists: &[Spanned<TargetList>],
    key: &str,
    path: &Path,
    source: &str,
) -> Result<(), ConfigError> {
    let bad: Vec<(usize, &Spanned<TargetList>, &str)> = lists
        .iter()
        .enumerate()
        .filter_map(|(i, l)| l.value.problem.as_deref().map(|p| (i, l, p)))
        .collect();
    let message = match bad.as_slice() {
        [] => return Ok(()),
        [(i, _, problem)] => format!("key `{key}[{i}]`: {problem}"),
        many => {
            let mut text = format!("key `{key}`: {} entries name no target:", many.len());
            for (i, l, problem) in many {
                text.push_str(&format!(
                    "\n  {key}[{i}] (line {}, column {}): {problem}",
                    l.referenced.line(),
                    l.referenced.column()
                ));
            }
            text
        }
    };
    Err(ConfigError::at(path, source, &bad[0].1.referenced, message))
}

/// A list of targets that may name only configured ones (an override's `targets`,
/// `test.targets`): a group names the configured targets among its ports, a target without a
/// variant the configured ones with any. The error points at the entry and names `key`.
pub(super) fn configured_only(
    lists: &[Spanned<TargetList>],
    configured: &[Target],
    key: &str,
    path: &Path,
    source: &str,
) -> Result<(), ConfigError> {
    for list in lists.iter().filter(|l| !l.value.group) {
        if let Some(t) = list
            .value
            .targets
            .iter()
            .find(|t| !configured.iter().any(|c| override_matches(t, c)))
        {
            return Err(ConfigError::at(
                path,
                source,
                &list.referenced,
                format!("key `{key}`: {t} is not in `targets`; add it there or remove it here"),
            ));
        }
    }
    Ok(())
}

/// Reads a `T` that must pass `rule`. A failure raised as the value's parse ends is located
/// by the parser at that value.
pub(super) fn checked<'de, D, T>(
    d: D,
    rule: impl Fn(&T) -> Result<(), String>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    let value = T::deserialize(d)?;
    rule(&value).map_err(de::Error::custom)?;
    Ok(value)
}

/// Reads an optional value (absent or `null`: `None`) that must pass `rule`, as [`checked`].
pub(super) fn optional<'de, D, T>(
    d: D,
    rule: impl Fn(&T) -> Result<(), String>,
) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    let value = Option::<T>::deserialize(d)?;
    if let Some(v) = &value {
        rule(v).map_err(de::Error::custom)?;
    }
    Ok(value)
}

/// Reads a list whose every entry must pass `rule`, which also sees the entries before it
/// (to refuse duplicates); a failure is located at that entry and keyed by its index.
pub(super) fn list<'de, D, T>(
    d: D,
    rule: impl Fn(&T, &[T]) -> Result<(), String>,
) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    d.deserialize_seq(ListVisitor { rule: &rule })
}

/// Reads an optional list (absent or `null`: `None`), as [`list`].
pub(super) fn optional_list<'de, D, T>(
    d: D,
    rule: impl Fn(&T, &[T]) -> Result<(), String>,
) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct OptionalList<'r, T>(ListVisitor<'r, T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for OptionalList<'_, T> {
        type Value = Option<Vec<T>>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_seq(self.0).map(Some)
        }
    }
    d.deserialize_option(OptionalList(ListVisitor { rule: &rule }))
}

/// Reads a mapping of strings (an environment, labels) whose every key must pass `rule`; a
/// failure is located at the key and keyed by it (`env.GOOS`).
pub(super) fn keys<'de, D: Deserializer<'de>>(
    d: D,
    rule: impl Fn(&str) -> Result<(), String>,
) -> Result<BTreeMap<String, String>, D::Error> {
    entries(d, rule, |_, _| Ok(()))
}

/// Reads a mapping of strings whose every key must pass `key_rule` (located at the key, as
/// [`keys`]) and every value `value_rule`, given its key (located at the value, keyed by
/// its key: `env.GOFLAGS`).
pub(super) fn entries<'de, D: Deserializer<'de>>(
    d: D,
    key_rule: impl Fn(&str) -> Result<(), String>,
    value_rule: impl Fn(&str, &str) -> Result<(), String>,
) -> Result<BTreeMap<String, String>, D::Error> {
    type ValueRule<'r> = dyn Fn(&str, &str) -> Result<(), String> + 'r;
    struct EntriesVisitor<'r> {
        key: &'r dyn Fn(&str) -> Result<(), String>,
        value: &'r ValueRule<'r>,
    }
    impl<'de> Visitor<'de> for EntriesVisitor<'_> {
        type Value = BTreeMap<String, String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a mapping of strings")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut vars = BTreeMap::new();
            let rule = |name: &String, _: &[String]| (self.key)(name);
            while let Some(name) = map.next_key_seed(Entry {
                rule: &rule,
                before: &[],
            })? {
                let rule = |value: &String, _: &[String]| (self.value)(&name, value);
                let value: String = map.next_value_seed(Entry {
                    rule: &rule,
                    before: &[],
                })?;
                vars.insert(name, value);
            }
            Ok(vars)
        }
    }
    d.deserialize_map(EntriesVisitor {
        key: &key_rule,
        value: &value_rule,
    })
}

/// A rule about one list entry, given the entries before it: `Err` holds the message.
type EntryRule<'r, T> = dyn Fn(&T, &[T]) -> Result<(), String> + 'r;

struct ListVisitor<'r, T> {
    rule: &'r EntryRule<'r, T>,
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<'_, T> {
    type Value = Vec<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Entry {
            rule: self.rule,
            before: &items,
        })? {
            items.push(item);
        }
        Ok(items)
    }
}

/// One entry of a list (or one key of a mapping), checked with `rule` as soon as it is read,
/// so that the parser locates a failure at the entry.
struct Entry<'r, 'b, T> {
    rule: &'r EntryRule<'r, T>,
    before: &'b [T],
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Entry<'_, '_, T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        let value = T::deserialize(d)?;
        (self.rule)(&value, self.before).map_err(de::Error::custom)?;
        Ok(value)
    }
}
