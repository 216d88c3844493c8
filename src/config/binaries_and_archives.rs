//! What a release ships: gocross.yaml's `binaries:` (the module's commands) and `archives:`
//! (one archive per target holding them), with their rules.
//!
//! Rules about one value run while it is parsed (see `validate.rs`): a binary's name is safe
//! in file names, a `files` glob stays inside the module, templates use only the
//! placeholders their setting has ([`crate::template`]). The rules across values run in
//! [`validate`]: names listed once, `main` and `binaries` not both, an archive name that
//! tells the targets apart, a release that uploads something, and a `release.sign` with a
//! checksums.txt to sign.

use super::error::ConfigError;
use super::validate;
use super::{Config, is_safe_name};
use crate::template::{Placeholder, Template, Values};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// GoReleaser's default archive name, which Homebrew formulas, aqua, mise, eget and install
/// scripts expect: `age_1.3.2_linux_amd64`, `age_1.3.2_linux_armv7`.
pub const DEFAULT_ARCHIVE_NAME: &str = "{{project}}_{{version}}_{{goos}}_{{goarch}}{{variant}}";

/// The files every archive holds besides the binaries, by default.
pub const DEFAULT_ARCHIVE_FILES: &[&str] = &["LICENSE*", "README*", "CHANGELOG*"];

/// One command of the module: `binaries:` entries.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BinaryConfig {
    /// The binary's name: its file is `<name>_<goos>_<goarch>[_<variant>][.exe]` in dist/,
    /// and `<name>[.exe]` in an archive.
    #[serde(deserialize_with = "binary_name")]
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// The main package, relative to the module root. Default `.`.
    #[serde(
        default = "super::default_main",
        deserialize_with = "validate::main_package"
    )]
    pub main: String,
    /// `-ldflags` of this binary, instead of the top-level `ldflags` (an override's still
    /// win for its targets).
    #[serde(default, deserialize_with = "optional_ldflags")]
    #[schemars(with = "Option<Ldflags>")]
    pub ldflags: Option<String>,
    /// `go build` flags of this binary, instead of the top-level `flags` (the same flags are
    /// refused).
    #[serde(default, deserialize_with = "validate::optional_go_build_flags")]
    pub flags: Option<Vec<String>>,
    /// Build tags of this binary, instead of the top-level `tags`.
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    /// Extra `go build` environment, merged over the top-level `env`.
    #[serde(default, deserialize_with = "validate::build_env")]
    pub env: BTreeMap<String, String>,
}

/// The `archives:` section. Absent: no archives (the bare binaries are released).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArchivesConfig {
    /// `tar.gz`, `tar.xz`, `zip` or `binary` (no archive: the bare binaries). Default
    /// `tar.gz`, and `zip` for windows; an override's `archive_format` wins for its targets.
    #[serde(default)]
    pub format: Option<ArchiveFormat>,
    /// Files added to every archive besides the binaries: globs relative to the module root
    /// (a glob that matches nothing is fine; a directory brings its files). Default
    /// `[LICENSE*, README*, CHANGELOG*]`.
    #[serde(default = "default_files", deserialize_with = "files")]
    pub files: Vec<String>,
    /// The archive's name without its extension. Default
    /// `{{project}}_{{version}}_{{goos}}_{{goarch}}{{variant}}`.
    #[serde(default = "default_name", deserialize_with = "archive_name")]
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// Put everything in a directory named like the archive. Default false.
    #[serde(default)]
    pub wrap_in_directory: bool,
}

impl Default for ArchivesConfig {
    fn default() -> Self {
        ArchivesConfig {
            format: None,
            files: default_files(),
            name: default_name(),
            wrap_in_directory: false,
        }
    }
}

fn default_files() -> Vec<String> {
    DEFAULT_ARCHIVE_FILES
        .iter()
        .map(|s| s.to_string())
        .collect()
}

fn default_name() -> Spanned<String> {
    Spanned {
        value: DEFAULT_ARCHIVE_NAME.to_string(),
        referenced: serde_saphyr::Location::UNKNOWN,
        defined: serde_saphyr::Location::UNKNOWN,
    }
}

/// How a target's binaries are packed for the release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, JsonSchema, serde::Serialize)]
pub enum ArchiveFormat {
    /// A gzip-compressed tar archive (`tar.gz`, also written `tgz`).
    #[serde(rename = "tar.gz")]
    #[schemars(rename = "tar.gz")]
    TarGz,
    /// An xz-compressed tar archive (`tar.xz`, also written `txz`).
    #[serde(rename = "tar.xz")]
    #[schemars(rename = "tar.xz")]
    TarXz,
    /// A zip archive (`zip`), the default for Windows.
    #[serde(rename = "zip")]
    #[schemars(rename = "zip")]
    Zip,
    /// No archive: the bare binaries are the release assets.
    #[serde(rename = "binary")]
    #[schemars(rename = "binary")]
    Binary,
}

impl ArchiveFormat {
    /// The file extension with its dot (`.tar.gz`); empty for `binary`.
    pub fn extension(self) -> &'static str {
        match self {
            ArchiveFormat::TarGz => ".tar.gz",
            ArchiveFormat::TarXz => ".tar.xz",
            ArchiveFormat::Zip => ".zip",
            ArchiveFormat::Binary => "",
        }
    }

    /// As gocross.yaml writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ArchiveFormat::TarGz => "tar.gz",
            ArchiveFormat::TarXz => "tar.xz",
            ArchiveFormat::Zip => "zip",
            ArchiveFormat::Binary => "binary",
        }
    }
}

impl fmt::Display for ArchiveFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ArchiveFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "tar.gz" | "tgz" => Ok(ArchiveFormat::TarGz),
            "tar.xz" | "txz" => Ok(ArchiveFormat::TarXz),
            "zip" => Ok(ArchiveFormat::Zip),
            "binary" => Ok(ArchiveFormat::Binary),
            _ => Err(format!(
                "`{s}` is not an archive format: write tar.gz, tar.xz, zip or binary"
            )),
        }
    }
}

impl<'de> Deserialize<'de> for ArchiveFormat {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// `ldflags` (top level, overrides, binaries): the placeholders of [`Placeholder::LDFLAGS`].
pub(super) fn ldflags<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    validate::checked(d, |s: &Ldflags| ldflags_rule(&s.0)).map(|s| s.0)
}

/// An optional `ldflags`, as [`ldflags`].
pub(super) fn optional_ldflags<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    validate::optional(d, |s: &Ldflags| ldflags_rule(&s.0)).map(|s| s.map(|s| s.0))
}

/// `ldflags` as written: a string, or a list of strings joined with spaces (GoReleaser's
/// style: `ldflags: [-s -w, "-X main.version={{version}}"]`).
pub(super) struct Ldflags(String);

impl<'de> Deserialize<'de> for Ldflags {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct StringOrList;
        impl<'de> serde::de::Visitor<'de> for StringOrList {
            type Value = String;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<String, A::Error> {
                let mut parts: Vec<String> = Vec::new();
                while let Some(part) = seq.next_element::<String>()? {
                    parts.push(part);
                }
                Ok(parts.join(" "))
            }
        }
        d.deserialize_any(StringOrList).map(Ldflags)
    }
}

impl JsonSchema for Ldflags {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Ldflags".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"oneOf": [
            {"type": "string"},
            {"type": "array", "items": {"type": "string"}}
        ]})
    }
}

fn ldflags_rule(s: &str) -> Result<(), String> {
    Template::parse(s, Placeholder::LDFLAGS)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// `binaries[].name`: safe in file and asset names.
fn binary_name<'de, D: Deserializer<'de>>(d: D) -> Result<Spanned<String>, D::Error> {
    validate::checked(d, |name: &Spanned<String>| {
        if is_safe_name(&name.value) {
            Ok(())
        } else {
            Err(format!(
                "`{}` must hold only letters, digits, `.`, `_` and `-` (it names files and release assets)",
                name.value
            ))
        }
    })
}

/// `archives.files`: globs relative to the module root that cannot leave it.
fn files<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    validate::list(d, |glob: &String, _: &[String]| {
        let leaves = glob.starts_with('/')
            || glob.contains('\\')
            || Path::new(glob).is_absolute()
            || glob.split('/').any(|p| p == "..");
        if glob.trim().is_empty() {
            return Err("an entry is empty: write a glob such as LICENSE*".into());
        }
        if leaves {
            return Err(format!(
                "`{glob}` leaves the module: write a glob relative to the module root, such as docs/*.md"
            ));
        }
        glob::Pattern::new(glob)
            .map(|_| ())
            .map_err(|e| format!("`{glob}` is not a glob: {e}"))
    })
}

/// `archives.name`: the placeholders of [`Placeholder::ARCHIVE_NAME`].
fn archive_name<'de, D: Deserializer<'de>>(d: D) -> Result<Spanned<String>, D::Error> {
    validate::checked(d, archive_name_rule)
}

/// An override's `archive_name`: the placeholders of `archives.name`.
pub(super) fn optional_archive_name<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Spanned<String>>, D::Error> {
    validate::optional(d, archive_name_rule)
}

fn archive_name_rule(name: &Spanned<String>) -> Result<(), String> {
    Template::parse(&name.value, Placeholder::ARCHIVE_NAME)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// The rules across values: binary names listed once, `main` left to the binaries, image of
/// a configured binary, archive names that tell the targets apart and are safe asset names,
/// and a release that uploads the binaries where no archive holds them.
pub(super) fn validate(config: &Config, path: &Path, source: &str) -> Result<(), ConfigError> {
    let at = |place: &serde_saphyr::Location, message: String| {
        ConfigError::at(path, source, place, message)
    };
    for (i, b) in config.binaries.iter().enumerate() {
        if let Some(first) = config.binaries[..i]
            .iter()
            .position(|o| o.name.value == b.name.value)
        {
            return Err(at(
                &b.name.referenced,
                format!(
                    "key `binaries[{i}].name`: `{}` is already the name of binaries[{first}]; give each binary its own",
                    b.name.value
                ),
            ));
        }
        if i == 0 && config.main != super::default_main() {
            return Err(at(
                &b.name.referenced,
                format!(
                    "key `binaries`: `main: {}` is set too; with `binaries`, each binary names its own `main`: move it there",
                    config.main
                ),
            ));
        }
    }
    if config.archives.is_none()
        && let Some((i, name)) = config
            .overrides
            .iter()
            .enumerate()
            .find_map(|(i, o)| o.archive_name.as_ref().map(|n| (i, n)))
    {
        return Err(at(
            &name.referenced,
            format!(
                "key `overrides[{i}].archive_name`: there is no `archives:` section, so no archive to name: add one, or remove this"
            ),
        ));
    }
    if let Some(spanned) = &config.archives {
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for t in config.targets() {
            let Some((from, name)) = config.archive_name_for(&t) else {
                break;
            };
            // The default name has no place in the file: point at the section.
            let name_at = if name.referenced == serde_saphyr::Location::UNKNOWN {
                &spanned.referenced
            } else {
                &name.referenced
            };
            let key = match from {
                Some(i) => format!("overrides[{i}].archive_name"),
                None => "archives.name".to_string(),
            };
            let template = Template::parse(&name.value, Placeholder::ARCHIVE_NAME)
                .map_err(|e| at(name_at, format!("key `{key}`: {e}")))?;
            let sample = template
                .render(
                    &Values {
                        version: "1.0.0",
                        tag: "v1.0.0",
                        commit: "0123456789abcdef0123456789abcdef01234567",
                        date: "2026-01-01T00:00:00Z",
                        project: &config.project,
                        binary: None,
                        target: Some(&t),
                    },
                    &|_| Some("x".to_string()),
                )
                .unwrap_or_default();
            if !is_safe_name(&sample) {
                return Err(at(
                    name_at,
                    format!(
                        "key `{key}`: `{sample}` (for {t}) is not a safe asset name: use only letters, digits, `.`, `_` and `-`"
                    ),
                ));
            }
            if let Some(first) = seen.insert(sample.clone(), t.to_string()) {
                return Err(at(
                    name_at,
                    format!(
                        "key `{key}`: {first} and {t} would both be archived as `{sample}`: add {{{{goos}}}}, {{{{goarch}}}} and {{{{variant}}}}"
                    ),
                ));
            }
        }
    }
    if let Some(released) = &config.release.binaries
        && !released.value
        && config
            .archives
            .as_ref()
            .is_none_or(|a| a.value.format == Some(ArchiveFormat::Binary))
    {
        return Err(at(
            &released.referenced,
            "key `release.binaries`: without archives, the binaries are what the release uploads: add an `archives:` section, or remove this".to_string(),
        ));
    }
    if let Some(sign) = &config.release.sign
        && sign.value
        && !(config.release.enabled && config.release.checksums)
    {
        return Err(at(
            &sign.referenced,
            "key `release.sign`: it signs the release's checksums.txt, which `release.enabled: false` or `release.checksums: false` leaves out: remove one of them".to_string(),
        ));
    }
    Ok(())
}
