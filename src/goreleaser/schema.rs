//! The parts of a GoReleaser config (`.goreleaser.yaml`, config versions 0, 1 and 2) that gocross
//! can carry over, as serde types of gocross's own, and every key of the file with its place.
//!
//! Unknown keys are not errors here: a GoReleaser file holds far more than gocross builds.
//! [`keys`] walks the whole file and lists every mapping key with its line, so that the import
//! can name each key it does not carry over. Values that may be written several ways in
//! GoReleaser (`goarm: 7` or `"7"`, `ldflags` as a string or a list, `skip` as a boolean or a
//! template) have types that take each way. Field names are GoReleaser's.

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Location, Spanned};
use std::collections::BTreeMap;
use std::fmt;

/// A GoReleaser config, as far as gocross reads it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GoReleaserConfig {
    /// `version: 2` for GoReleaser v2 configs; absent or 1 for v1.
    pub version: Option<Spanned<Scalar>>,
    pub project_name: Option<Spanned<String>>,
    /// `KEY=VALUE` entries for every build.
    pub env: Vec<Spanned<String>>,
    /// Config versions 0 and 1: the one build, when `builds` is absent.
    pub build: Option<Spanned<Build>>,
    pub builds: Vec<Spanned<Build>>,
    pub archives: Vec<Spanned<Archive>>,
    pub checksum: Option<Checksum>,
    pub release: Option<Release>,
    pub upx: Vec<Spanned<Upx>>,
    pub nfpms: Vec<Spanned<Nfpm>>,
    pub brews: Vec<Spanned<Publisher>>,
    pub homebrew_casks: Vec<Spanned<Publisher>>,
    pub scoops: Vec<Spanned<Publisher>>,
    /// Config versions 0 and 1: the one Scoop manifest, before `scoops`.
    pub scoop: Option<Spanned<Publisher>>,
    pub universal_binaries: Vec<Spanned<serde::de::IgnoredAny>>,
    pub signs: Vec<Spanned<Sign>>,
}

/// One entry of `nfpms`: the values gocross's `packages:` takes; [`super::carried`] names
/// every other key.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Nfpm {
    /// `deb`, `rpm`, `apk`, `archlinux`, `ipk`, `termux.deb`.
    pub formats: Vec<Spanned<String>>,
    pub package_name: Option<Spanned<String>>,
    pub maintainer: Option<Spanned<String>>,
    pub description: Option<Spanned<String>>,
    pub license: Option<Spanned<String>>,
    pub homepage: Option<Spanned<String>>,
    /// Default `/usr/bin`, where gocross installs the binaries too.
    pub bindir: Option<Spanned<String>>,
    /// Default `{{ .ConventionalFileName }}`, gocross's naming.
    pub file_name_template: Option<Spanned<String>>,
    /// Dependencies of every format.
    pub dependencies: Vec<String>,
    pub contents: Vec<Spanned<NfpmContent>>,
}

/// One entry of an nfpm's `contents`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NfpmContent {
    pub src: Option<String>,
    pub dst: Option<String>,
    /// `config`, `symlink`, `dir`, ...; absent for a plain file.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub file_info: Option<FileInfo>,
}

/// An nfpm content's `file_info`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct FileInfo {
    pub mode: Option<Spanned<Scalar>>,
}

/// One entry of `brews`, `homebrew_casks`, `scoops` (or the `scoop` of config version 1):
/// the repository it is pushed to.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Publisher {
    pub repository: Option<Spanned<Repository>>,
    /// Config version 1's name of `repository` in `brews`.
    pub tap: Option<Spanned<Repository>>,
    /// Config version 1's name of `repository` in `scoop`.
    pub bucket: Option<Spanned<Repository>>,
}

/// A repository a GoReleaser publisher pushes to.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Repository {
    pub owner: Option<String>,
    pub name: Option<String>,
    /// The token, usually `{{ .Env.NAME }}`.
    pub token: Option<Spanned<String>>,
}

/// One entry of `signs`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Sign {
    /// Default `gpg`.
    pub cmd: Option<String>,
    /// Default `none`; `checksum` signs the checksums file.
    pub artifacts: Option<String>,
}

/// One entry of `builds`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Build {
    pub id: Option<String>,
    /// `go` (the default), `rust`, `zig`, `bun`, `deno`, `uv`, `poetry`, `prebuilt`.
    pub builder: Option<Spanned<String>>,
    /// `true` (or a template) builds nothing.
    pub skip: Option<Spanned<Scalar>>,
    /// The directory `go build` runs in. Default `.`.
    pub dir: Option<Spanned<String>>,
    /// The main package or file. Default `.`.
    pub main: Option<Spanned<String>>,
    /// The binary name. Default: the project name.
    pub binary: Option<Spanned<String>>,
    pub goos: Option<Vec<Scalar>>,
    pub goarch: Option<Vec<Scalar>>,
    pub goarm: Option<Vec<Scalar>>,
    pub goamd64: Option<Vec<Scalar>>,
    pub goarm64: Option<Vec<Scalar>>,
    pub go386: Option<Vec<Scalar>>,
    pub gomips: Option<Vec<Scalar>>,
    pub goppc64: Option<Vec<Scalar>>,
    pub goriscv64: Option<Vec<Scalar>>,
    /// Explicit targets (`linux_amd64_v1`, `go_first_class`) instead of the matrix.
    pub targets: Option<Spanned<Vec<String>>>,
    pub ignore: Vec<Ignore>,
    pub flags: Option<Spanned<Words>>,
    pub tags: Option<Spanned<Words>>,
    pub ldflags: Option<Spanned<Words>>,
    pub asmflags: Option<Spanned<Words>>,
    pub gcflags: Option<Spanned<Words>>,
    pub buildmode: Option<Spanned<String>>,
    /// `KEY=VALUE` entries.
    pub env: Vec<Spanned<String>>,
}

/// One entry of a build's `ignore`: every field that is set must match.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Ignore {
    pub goos: Option<Scalar>,
    pub goarch: Option<Scalar>,
    pub goarm: Option<Scalar>,
    pub goamd64: Option<Scalar>,
    pub goarm64: Option<Scalar>,
    pub go386: Option<Scalar>,
    pub gomips: Option<Scalar>,
    pub goppc64: Option<Scalar>,
    pub goriscv64: Option<Scalar>,
}

/// One entry of `archives`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Archive {
    pub id: Option<String>,
    /// The build ids it packs (`builds` in v1, `ids` in v2). Default: every build.
    pub builds: Option<Vec<String>>,
    pub ids: Option<Vec<String>>,
    /// `tar.gz` (the default), `tgz`, `tar.xz`, `txz`, `tar.zst`, `tar`, `gz`, `zip`, `binary`.
    pub format: Option<Spanned<String>>,
    /// The v2.6+ spelling of `format`, as a list.
    pub formats: Option<Spanned<Words>>,
    pub format_overrides: Vec<Spanned<FormatOverride>>,
    pub name_template: Option<Spanned<String>>,
    pub files: Option<Vec<Spanned<ArchiveFile>>>,
    /// `true`, `false`, or a directory name.
    pub wrap_in_directory: Option<Spanned<Scalar>>,
    /// Config versions 0 and 1 (removed in GoReleaser v1.19): values of `.Os`, `.Arch`,
    /// `.Arm`, `.Mips` and `.Amd64` replaced in the name (`amd64: x86_64`).
    pub replacements: Option<BTreeMap<Scalar, Scalar>>,
}

/// One entry of an archive's `format_overrides`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct FormatOverride {
    pub goos: Option<String>,
    pub format: Option<String>,
    pub formats: Option<Words>,
}

/// One entry of an archive's `files`: a glob, or a mapping with `src` and more.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ArchiveFile {
    Glob(String),
    Entry {
        src: String,
        #[serde(default)]
        dst: Option<String>,
        #[serde(default)]
        strip_parent: Option<bool>,
        #[serde(default)]
        info: Option<serde::de::IgnoredAny>,
    },
}

/// `checksum`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Checksum {
    pub name_template: Option<Spanned<String>>,
    pub algorithm: Option<Spanned<String>>,
    pub disable: Option<Spanned<Scalar>>,
}

/// `release`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Release {
    pub draft: Option<Spanned<Scalar>>,
    pub disable: Option<Spanned<Scalar>>,
}

/// One entry of `upx`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Upx {
    pub enabled: Option<Scalar>,
    pub ids: Option<Vec<String>>,
    pub goos: Option<Vec<String>>,
    pub goarch: Option<Vec<String>>,
}

/// A YAML scalar as its text: `7`, `"7"`, `v1`, `true` and `'{{ .IsSnapshot }}'` alike.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Scalar(pub String);

impl Scalar {
    /// `Some(true)` for `true`, `Some(false)` for `false`; `None` for anything else (a
    /// template).
    pub fn as_bool(&self) -> Option<bool> {
        match self.0.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }
}

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, number or boolean")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A string or a list of strings (`ldflags: -s -w` or `ldflags: [-s -w, -X a=b]`), as the
/// list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Words(pub Vec<String>);

impl<'de> Deserialize<'de> for Words {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Words;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Words, E> {
                Ok(Words(vec![v.to_string()]))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Words, E> {
                Ok(Words::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<Words, E> {
                Ok(Words::default())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Words, A::Error> {
                let mut out = Vec::new();
                while let Some(Scalar(s)) = seq.next_element()? {
                    out.push(s);
                }
                Ok(Words(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// A mapping key of the file: its path with list indices (`builds[0].hooks`), the path's
/// names alone (`builds.hooks`, for deciding what a key is), and its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub path: String,
    pub names: Vec<String>,
    pub line: u64,
    pub column: u64,
}

/// Every mapping key of a YAML document, in file order, with its place (from serde-saphyr's
/// `Spanned` keys; nothing searches the text).
pub fn keys(source: &str) -> Result<Vec<Key>, serde_saphyr::Error> {
    let mut found = Vec::new();
    serde_saphyr::with_deserializer_from_str(source, |d| {
        Walk {
            path: String::new(),
            names: Vec::new(),
            out: &mut found,
        }
        .deserialize(d)
    })?;
    Ok(found)
}

/// Records the keys of one node and everything below it.
struct Walk<'a> {
    path: String,
    names: Vec<String>,
    out: &'a mut Vec<Key>,
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Spanned<Scalar>>()? {
            let name = key.value.0;
            let path = if self.path.is_empty() {
                name.clone()
            } else {
                format!("{}.{name}", self.path)
            };
            let mut names = self.names.clone();
            names.push(name);
            self.out.push(Key {
                path: path.clone(),
                names: names.clone(),
                line: line_of(&key.referenced),
                column: key.referenced.column(),
            });
            map.next_value_seed(Walk {
                path,
                names,
                out: self.out,
            })?;
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        while seq
            .next_element_seed(Walk {
                path: format!("{}[{i}]", self.path),
                names: self.names.clone(),
                out: self.out,
            })?
            .is_some()
        {
            i += 1;
        }
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

/// The 1-based line of a place.
pub fn line_of(place: &Location) -> u64 {
    place.line()
}
