//! gocross.yaml's distribution channels beyond the GitHub release: `packages:` (deb, rpm and
//! apk of the Linux binaries), `universal_binaries:` (one Mach-O fat binary per command),
//! `homebrew:` and `scoop:` (a formula and a manifest pushed to a tap and a bucket
//! repository), with their rules.
//!
//! Rules about one value run while it is parsed (see `validate.rs`), so they are reported at
//! that value: a package name Debian, Fedora and Alpine all accept, a repository written
//! `owner/name`, a token variable whose name marks it secret (so that gocross withholds it
//! from everything it runs, [`crate::secrets::is_secret`]), contents that stay inside the
//! module. The rules that need the configured targets are [`validate`]: packages need a
//! linux target, a universal binary needs darwin/amd64 and darwin/arm64, a Scoop manifest
//! a windows target.

use super::error::ConfigError;
use super::validate;
use crate::targets::{Goarch, Goos, Target, Variant};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// The variable that holds the token `gocross release` pushes the Homebrew formula with, by
/// default.
pub const DEFAULT_HOMEBREW_TOKEN_ENV: &str = "HOMEBREW_TAP_GITHUB_TOKEN";

/// The variable that holds the token `gocross release` pushes the Scoop manifest with, by
/// default.
pub const DEFAULT_SCOOP_TOKEN_ENV: &str = "SCOOP_BUCKET_GITHUB_TOKEN";

/// A Linux package format.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum PackageFormat {
    /// Debian and Ubuntu (`dpkg -i`, `apt install ./NAME.deb`).
    Deb,
    /// Fedora, RHEL, openSUSE (`dnf install`, `rpm -i`).
    Rpm,
    /// Alpine (`apk add --allow-untrusted`).
    Apk,
}

impl PackageFormat {
    /// The architecture name this format gives `target` (a linux target), or `None` when the
    /// distribution has none for it. GOARM 7 (the default Go cross-compiles for) is Debian's
    /// `armhf`, rpm's `armv7hl` and Alpine's `armv7`; GOARM 5 and 6 are Debian's `armel`;
    /// GOARM 6 is Alpine's `armhf` (Raspberry Pi 1). Sources:
    /// <https://wiki.debian.org/SupportedArchitectures>,
    /// <https://wiki.alpinelinux.org/wiki/Architecture>,
    /// <https://docs.fedoraproject.org/en-US/packaging-guidelines/#_architecture_support>.
    pub fn arch(self, target: &Target) -> Option<&'static str> {
        if target.goos() != Goos::Linux {
            return None;
        }
        let arm = match target.variant {
            Some(Variant::Goarm(goarm)) => goarm.version,
            _ => 7,
        };
        use Goarch::*;
        use PackageFormat::*;
        Some(match (self, target.goarch()) {
            (Deb, Amd64) => "amd64",
            (Deb, Arm64) => "arm64",
            (Deb, Arm) if arm == 7 => "armhf",
            (Deb, Arm) => "armel",
            (Deb, I386) => "i386",
            (Deb, Ppc64le) => "ppc64el",
            (Deb, Ppc64) => "ppc64",
            (Deb, S390x) => "s390x",
            (Deb, Riscv64) => "riscv64",
            (Deb, Loong64) => "loong64",
            (Deb, Mips64le) => "mips64el",
            (Deb, Mipsle) => "mipsel",
            (Deb, Mips) => "mips",
            (Deb, Mips64) => "mips64",
            (Rpm, Amd64) => "x86_64",
            (Rpm, Arm64) => "aarch64",
            (Rpm, Arm) if arm == 7 => "armv7hl",
            (Rpm, Arm) if arm == 6 => "armv6hl",
            (Rpm, Arm) => "armv5tel",
            (Rpm, I386) => "i686",
            (Rpm, Ppc64le) => "ppc64le",
            (Rpm, Ppc64) => "ppc64",
            (Rpm, S390x) => "s390x",
            (Rpm, Riscv64) => "riscv64",
            (Rpm, Loong64) => "loongarch64",
            (Rpm, Mips64le) => "mips64el",
            (Rpm, Mipsle) => "mipsel",
            (Rpm, Mips) => "mips",
            (Rpm, Mips64) => "mips64",
            (Apk, Amd64) => "x86_64",
            (Apk, Arm64) => "aarch64",
            (Apk, Arm) if arm == 7 => "armv7",
            (Apk, Arm) if arm == 6 => "armhf",
            (Apk, I386) => "x86",
            (Apk, Ppc64le) => "ppc64le",
            (Apk, S390x) => "s390x",
            (Apk, Riscv64) => "riscv64",
            (Apk, Loong64) => "loongarch64",
            _ => return None,
        })
    }

    /// As gocross.yaml writes it, and the file extension without its dot.
    pub fn as_str(self) -> &'static str {
        match self {
            PackageFormat::Deb => "deb",
            PackageFormat::Rpm => "rpm",
            PackageFormat::Apk => "apk",
        }
    }
}

impl fmt::Display for PackageFormat {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `packages:` section: Linux packages of every linux target's binaries, installed to
/// `/usr/bin`. Absent: no packages.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackagesConfig {
    /// The formats to write, e.g. `[deb, rpm, apk]`.
    #[serde(deserialize_with = "formats")]
    pub formats: Vec<PackageFormat>,
    /// The package's name. Default: `project`, which must then be a valid package name
    /// (lowercase letters, digits, `+`, `-`, `.`; starting with a letter or digit).
    #[serde(default, deserialize_with = "package_name")]
    pub name: Option<String>,
    /// `Name <email>`, as Debian's `Maintainer` and RPM's `Packager` fields write it.
    #[serde(deserialize_with = "maintainer")]
    pub maintainer: String,
    /// One line that says what the program does (the package's summary); required.
    #[serde(deserialize_with = "description")]
    pub description: String,
    /// The license, as an SPDX identifier (`MIT`, `Apache-2.0`).
    #[serde(default, deserialize_with = "optional_line")]
    pub license: Option<String>,
    /// The project's home page URL.
    #[serde(default, deserialize_with = "optional_line")]
    pub homepage: Option<String>,
    /// Extra files of the package, besides the binaries.
    #[serde(default)]
    pub contents: Vec<PackageFile>,
    /// Package dependencies per format, e.g. `{deb: [ca-certificates]}`, each as the
    /// format writes one: deb `name (>= 1.2)` (Debian's `Depends`), rpm `name >= 1.2` (a
    /// spec file's `Requires`), apk `name>=1.2` (`.PKGINFO`'s `depend`).
    #[serde(default, deserialize_with = "depends")]
    pub depends: BTreeMap<PackageFormat, Vec<String>>,
}

impl PackagesConfig {
    /// The packages' name: `name`, else `project` (which the config's rules checked is a
    /// package name then).
    pub fn name_or<'a>(&'a self, project: &'a str) -> &'a str {
        self.name.as_deref().unwrap_or(project)
    }
}

/// One extra file of a package (`packages.contents` entries).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackageFile {
    /// The file, relative to the module root.
    #[serde(deserialize_with = "content_src")]
    pub src: String,
    /// Where the package installs it: an absolute path (`/usr/share/doc/NAME/copyright`).
    #[serde(deserialize_with = "content_dst")]
    pub dst: String,
    /// Permission bits, in octal as a string (`"0644"`, the default; `"0755"`).
    #[serde(default = "default_mode", deserialize_with = "mode")]
    #[schemars(with = "Option<String>")]
    pub mode: u32,
}

fn default_mode() -> u32 {
    0o644
}

/// A repository a release pushes a file to, with the token it pushes with: the `homebrew:`
/// and `scoop:` sections.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelRepository {
    /// The tap or bucket repository, `owner/name` (`acme/homebrew-tap`).
    #[serde(deserialize_with = "repository")]
    pub repository: String,
    /// The environment variable that holds a token allowed to write to `repository` (the
    /// workflow's `GITHUB_TOKEN` cannot write to another repository). Its name must mark it
    /// secret (hold TOKEN, for example). Default `HOMEBREW_TAP_GITHUB_TOKEN` for
    /// `homebrew:`, `SCOOP_BUCKET_GITHUB_TOKEN` for `scoop:`.
    #[serde(default, deserialize_with = "token_env")]
    pub token_env: Option<String>,
}

impl ChannelRepository {
    /// The token variable, or `default` (one of [`DEFAULT_HOMEBREW_TOKEN_ENV`],
    /// [`DEFAULT_SCOOP_TOKEN_ENV`]).
    pub fn token_env_or<'a>(&'a self, default: &'a str) -> &'a str {
        self.token_env.as_deref().unwrap_or(default)
    }

    /// The owner and the name of `repository`.
    pub fn owner_and_name(&self) -> (&str, &str) {
        self.repository
            .split_once('/')
            .expect("repository is owner/name (checked at parse)")
    }
}

fn formats<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<PackageFormat>, D::Error> {
    let formats = validate::list(d, |f: &PackageFormat, before: &[PackageFormat]| {
        if before.contains(f) {
            Err(format!("`{f}` is listed twice: list each format once"))
        } else {
            Ok(())
        }
    })?;
    if formats.is_empty() {
        return Err(serde::de::Error::custom(
            "no format is listed: write `formats: [deb, rpm, apk]` or a part of it",
        ));
    }
    Ok(formats)
}

/// Whether `name` is a package name every format accepts: Debian's rule (lowercase letters,
/// digits, `+`, `-`, `.`, at least two characters, starting with a letter or digit,
/// <https://www.debian.org/doc/debian-policy/ch-controlfields.html#source>), which RPM and
/// apk accept too.
pub fn is_package_name(name: &str) -> bool {
    name.len() >= 2
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '+' | '-' | '.'))
}

fn package_name_rule(name: &String) -> Result<(), String> {
    if is_package_name(name) {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a package name: use lowercase letters, digits, `+`, `-` and `.`, starting with a letter or digit (`{}`)",
            suggest_package_name(name)
        ))
    }
}

/// `name` lowercased with every other character as `-`: the `packages.name` an error
/// suggests, and the GoReleaser import writes, for a project that is no package name.
pub fn suggest_package_name(name: &str) -> String {
    name.chars()
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9' | '+' | '-' | '.') => c,
            _ => '-',
        })
        .collect()
}

fn package_name<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    validate::optional(d, package_name_rule)
}

/// A value a package writes into a line of its metadata (a deb's control file, an apk's
/// `.PKGINFO`), where a line break would start another field: one line, no control
/// characters.
fn one_line(s: &str) -> Result<(), String> {
    if s.chars().any(char::is_control) {
        Err(format!(
            "`{}` holds a line break or a control character: write it on one line",
            s.escape_debug()
        ))
    } else {
        Ok(())
    }
}

fn optional_line<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    validate::optional(d, |s: &String| one_line(s))
}

fn depends<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<PackageFormat, Vec<String>>, D::Error> {
    validate::checked(d, |depends: &BTreeMap<PackageFormat, Vec<String>>| {
        for (format, entries) in depends {
            for entry in entries {
                if entry.trim().is_empty() {
                    return Err(format!(
                        "`{format}` lists an empty dependency: name a package"
                    ));
                }
                one_line(entry)?;
            }
        }
        Ok(())
    })
}

/// Whether `m` is a package maintainer as Debian's `Maintainer` field writes it:
/// `Name <email>` (<https://www.debian.org/doc/debian-policy/ch-controlfields.html#maintainer>).
pub fn is_maintainer(m: &str) -> bool {
    m.trim().split_once(" <").is_some_and(|(name, rest)| {
        !name.trim().is_empty() && rest.ends_with('>') && rest.contains('@')
    })
}

fn maintainer<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    validate::checked(d, |m: &String| {
        one_line(m)?;
        if is_maintainer(m) {
            Ok(())
        } else {
            Err(format!(
                "`{}` is not `Name <email>`: write the maintainer as `Jane Doe <jane@example.org>`",
                m.trim()
            ))
        }
    })
}

fn description<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    validate::checked(d, |s: &String| {
        if s.trim().is_empty() {
            Err("the description is empty: write one line that says what the program does".into())
        } else if s.contains('\n') {
            Err("the description holds a line break: write one line (the package's summary)".into())
        } else {
            Ok(())
        }
    })
}

/// Whether `src` of `packages.contents` names a file inside the module: relative,
/// `/`-separated, no `..`.
pub fn is_content_src(src: &str) -> bool {
    !(src.trim().is_empty()
        || src.starts_with('/')
        || src.contains('\\')
        || Path::new(src).is_absolute()
        || src.split('/').any(|p| p == ".."))
}

/// Whether `dst` of `packages.contents` is an absolute file path: starts with `/`, does not
/// end with one, no `..`.
pub fn is_content_dst(dst: &str) -> bool {
    dst.starts_with('/') && !dst.ends_with('/') && !dst.split('/').any(|p| p == "..")
}

fn content_src<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    validate::checked(d, |src: &String| {
        if src.trim().is_empty() {
            Err("`src` is empty: name a file relative to the module root, such as LICENSE".into())
        } else if !is_content_src(src) {
            Err(format!(
                "`{src}` leaves the module: name a file relative to the module root, such as LICENSE"
            ))
        } else {
            Ok(())
        }
    })
}

fn content_dst<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    validate::checked(d, |dst: &String| {
        if !is_content_dst(dst) {
            Err(format!(
                "`{dst}` is not an absolute file path: write where the file is installed, such as /usr/share/doc/NAME/copyright"
            ))
        } else {
            Ok(())
        }
    })
}

/// A file mode written in octal (`0644`, `0o755`), at most `0o7777`.
pub fn parse_mode(text: &str) -> Option<u32> {
    let digits = text.strip_prefix("0o").unwrap_or(text);
    u32::from_str_radix(digits, 8)
        .ok()
        .filter(|mode| *mode <= 0o7777)
}

/// A mode as written: quoted octal. A bare number is refused rather than guessed: YAML 1.1
/// reads `0644` as octal, YAML 1.2 as decimal.
fn mode<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    struct Mode;
    impl serde::de::Visitor<'_> for Mode {
        type Value = u32;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a file mode in octal, quoted")
        }
        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<u32, E> {
            match parse_mode(text) {
                Some(mode) => Ok(mode),
                None => Err(E::custom(format!(
                    "`{text}` is not a file mode: write it in octal, quoted, such as \"0644\" or \"0755\""
                ))),
            }
        }
        fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<u32, E> {
            self.visit_f64(n as f64)
        }
        fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<u32, E> {
            self.visit_f64(n as f64)
        }
        fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<u32, E> {
            Err(E::custom(format!(
                "`{n}` is a bare number, which YAML readers disagree on (octal or decimal): quote the mode in octal, such as \"0644\""
            )))
        }
    }
    d.deserialize_any(Mode)
}

/// Whether `s` is a GitHub repository written `owner/name`.
pub fn is_repository(s: &str) -> bool {
    let part = |p: &str| {
        !p.is_empty()
            && p != "."
            && p != ".."
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    s.split_once('/')
        .is_some_and(|(owner, name)| part(owner) && part(name))
}

fn repository<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    validate::checked(d, |r: &String| {
        if is_repository(r) {
            Ok(())
        } else {
            Err(format!(
                "`{r}` is not a repository: write it `owner/name`, such as acme/homebrew-tap"
            ))
        }
    })
}

fn token_env<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    validate::optional(d, |name: &String| {
        validate::env_name(name)?;
        if crate::secrets::is_secret(name) {
            Ok(())
        } else {
            Err(format!(
                "`{name}` does not name a secret, so gocross would not withhold it from the programs it runs: use a name with TOKEN in it, such as {DEFAULT_HOMEBREW_TOKEN_ENV}"
            ))
        }
    })
}

impl super::Config {
    /// The variable `gocross release` reads the Homebrew tap's token from (`homebrew.token_env`,
    /// else [`DEFAULT_HOMEBREW_TOKEN_ENV`]), and the workflow passes to its release step;
    /// `None` without `homebrew:`.
    pub fn homebrew_token_env(&self) -> Option<&str> {
        let h = &self.homebrew.as_ref()?.value;
        Some(h.token_env_or(DEFAULT_HOMEBREW_TOKEN_ENV))
    }

    /// The same for the Scoop bucket (`scoop.token_env`, else [`DEFAULT_SCOOP_TOKEN_ENV`]).
    pub fn scoop_token_env(&self) -> Option<&str> {
        let s = &self.scoop.as_ref()?.value;
        Some(s.token_env_or(DEFAULT_SCOOP_TOKEN_ENV))
    }
}

/// The GOARCHes whose darwin builds a universal binary joins, in the order of its slices.
pub const UNIVERSAL_SLICES: [Goarch; 2] = [Goarch::Amd64, Goarch::Arm64];

/// What the configured targets allow of the channel sections: the rules across values, which
/// `Config::parse` enforces and the GoReleaser import follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetsAllow {
    /// `packages`: a linux target is configured.
    pub packages: bool,
    /// `universal_binaries`: darwin/amd64 and darwin/arm64 ([`UNIVERSAL_SLICES`]) are.
    pub universal: bool,
    /// `homebrew`: a darwin or a linux target is.
    pub homebrew: bool,
    /// `scoop`: a windows target is.
    pub scoop: bool,
}

impl TargetsAllow {
    /// What `targets` (the configured ones) allow.
    pub fn of(targets: &[Target]) -> TargetsAllow {
        let has = |goos: Goos| targets.iter().any(|t| t.goos() == goos);
        TargetsAllow {
            packages: has(Goos::Linux),
            universal: UNIVERSAL_SLICES.iter().all(|arch| {
                targets
                    .iter()
                    .any(|t| t.goos() == Goos::Darwin && t.goarch() == *arch)
            }),
            homebrew: has(Goos::Darwin) || has(Goos::Linux),
            scoop: has(Goos::Windows),
        }
    }
}

/// Whether `format` has an architecture for one of `targets` at least (a format is made for
/// those it has one for, [`PackageFormat::arch`]).
pub fn packages_any(format: PackageFormat, targets: &[Target]) -> bool {
    targets.iter().any(|t| format.arch(t).is_some())
}

/// The rules across values ([`TargetsAllow`], formats with an architecture for a linux
/// target, a package name when the project is none). Each error points at the section that broke the rule.
pub(super) fn validate(
    config: &super::Config,
    path: &Path,
    source: &str,
) -> Result<(), ConfigError> {
    let at = |place: &serde_saphyr::Location, message: String| {
        ConfigError::at(path, source, place, message)
    };
    let targets = config.targets();
    let allow = TargetsAllow::of(&targets);
    if let Some(packages) = &config.packages {
        if !allow.packages {
            return Err(at(
                &packages.referenced,
                "key `packages`: no linux target is configured, so there is nothing to package: add one (linux/amd64), or remove this".to_string(),
            ));
        }
        // A format is made for the linux targets its distribution has an architecture for
        // (as GoReleaser's import brings apk with linux/ppc64); one that covers none of them
        // would make nothing.
        let linux: Vec<String> = targets
            .iter()
            .filter(|t| t.goos() == Goos::Linux)
            .map(|t| t.to_string())
            .collect();
        for format in &packages.value.formats {
            if !packages_any(*format, &targets) {
                return Err(at(
                    &packages.referenced,
                    format!(
                        "key `packages.formats`: {format} has an architecture for none of the linux targets ({}): remove {format}, or add a target it has (linux/amd64)",
                        linux.join(", ")
                    ),
                ));
            }
        }
        if packages.value.name.is_none() && !is_package_name(&config.project) {
            return Err(at(
                &packages.referenced,
                format!(
                    "key `packages.name`: the project `{}` is not a package name: set `name: {}`",
                    config.project,
                    suggest_package_name(&config.project)
                ),
            ));
        }
    }
    if let Some(universal) = &config.universal_binaries
        && universal.value
        && !allow.universal
    {
        return Err(at(
            &universal.referenced,
            "key `universal_binaries`: a universal binary joins darwin/amd64 and darwin/arm64: configure both targets, or remove this".to_string(),
        ));
    }
    if let Some(scoop) = &config.scoop
        && !allow.scoop
    {
        return Err(at(
            &scoop.referenced,
            "key `scoop`: no windows target is configured, so Scoop has nothing to install: add windows/amd64, or remove this".to_string(),
        ));
    }
    if let Some(homebrew) = &config.homebrew
        && !allow.homebrew
    {
        return Err(at(
            &homebrew.referenced,
            "key `homebrew`: no darwin or linux target is configured, so Homebrew has nothing to install: add darwin/arm64, or remove this".to_string(),
        ));
    }
    Ok(())
}
