//! Placeholders in gocross.yaml's strings (`-ldflags`, archive names, image tags): the one
//! place that parses `{{name}}`, knows which names exist, and fills them.
//!
//! A [`Template`] is parsed once, when the config is read, so that an unknown placeholder or
//! an unclosed `{{` is an error of `gocross plan` at the value that holds it, before any
//! compile; each setting names the placeholders it may use ([`Placeholder::LDFLAGS`],
//! [`Placeholder::ARCHIVE_NAME`], [`Placeholder::IMAGE`]). Filling happens where the values
//! are known: the build's [`Stamp`](crate::build::Stamp) (version, tag, commit, date), the
//! plan (project, binary, target), and the environment for `{{env.NAME}}`, whose absence is
//! an error, never an empty string.
//!
//! The names, as GoReleaser's templates have them (`.Version`, `.Tag`, `.Commit`,
//! `.ShortCommit`, `.Date`, `.ProjectName`, `.Binary`, `.Os`, `.Arch`, `.Env.NAME`):
//! `{{version}}`, `{{tag}}`, `{{commit}}`, `{{short_commit}}`, `{{date}}`, `{{project}}`,
//! `{{binary}}`, `{{goos}}`, `{{goarch}}`, `{{variant}}` and `{{env.NAME}}`. Spaces inside
//! the braces are allowed (`{{ version }}`). `{{env.NAME}}` of a secret variable
//! ([`crate::secrets::is_secret`]) is refused when the config is read: its value would end up
//! in a public asset name, an image tag or a binary.

use crate::targets::{Goarch, Target};
use std::fmt;

/// One placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placeholder {
    /// The version without a leading `v` (`1.2.3`).
    Version,
    /// The tag the version comes from (`v1.2.3`).
    Tag,
    /// The full commit hash.
    Commit,
    /// The commit's first 7 hex digits.
    ShortCommit,
    /// The build date, RFC 3339 UTC.
    Date,
    /// `project`.
    Project,
    /// The binary's name (`binaries[].name`, else `project`).
    Binary,
    /// `{{goos}}`: the target's GOOS.
    Goos,
    /// `{{goarch}}`: the target's GOARCH.
    Goarch,
    /// The sub-architecture as release names spell it ([`variant_suffix`]).
    Variant,
    /// `{{env.NAME}}`: the variable's value at build time. In the lists of what a setting
    /// allows ([`Placeholder::LDFLAGS`]...), `Env` with an empty name stands for any variable.
    Env(String),
}

impl Placeholder {
    /// Every placeholder: `-ldflags` (top level, overrides, binaries) may use them all.
    pub const LDFLAGS: &'static [Placeholder] = &[
        Placeholder::Version,
        Placeholder::Tag,
        Placeholder::Commit,
        Placeholder::ShortCommit,
        Placeholder::Date,
        Placeholder::Project,
        Placeholder::Binary,
        Placeholder::Goos,
        Placeholder::Goarch,
        Placeholder::Variant,
        Placeholder::Env(String::new()),
    ];
    /// `archives.name`: all but `{{binary}}` (an archive holds every binary of its target).
    pub const ARCHIVE_NAME: &'static [Placeholder] = &[
        Placeholder::Version,
        Placeholder::Tag,
        Placeholder::Commit,
        Placeholder::ShortCommit,
        Placeholder::Date,
        Placeholder::Project,
        Placeholder::Goos,
        Placeholder::Goarch,
        Placeholder::Variant,
        Placeholder::Env(String::new()),
    ];
    /// `image.repository` and `image.tags`: an image spans targets and binaries.
    pub const IMAGE: &'static [Placeholder] = &[
        Placeholder::Version,
        Placeholder::Commit,
        Placeholder::ShortCommit,
        Placeholder::Project,
        Placeholder::Env(String::new()),
    ];

    /// How a template writes it.
    pub fn spelling(&self) -> &'static str {
        match self {
            Placeholder::Version => "{{version}}",
            Placeholder::Tag => "{{tag}}",
            Placeholder::Commit => "{{commit}}",
            Placeholder::ShortCommit => "{{short_commit}}",
            Placeholder::Date => "{{date}}",
            Placeholder::Project => "{{project}}",
            Placeholder::Binary => "{{binary}}",
            Placeholder::Goos => "{{goos}}",
            Placeholder::Goarch => "{{goarch}}",
            Placeholder::Variant => "{{variant}}",
            Placeholder::Env(_) => "{{env.NAME}}",
        }
    }

    /// Whether both are the same placeholder, whatever variable an `{{env.NAME}}` names:
    /// what a setting's list of allowed placeholders is checked with.
    fn same_kind(&self, other: &Placeholder) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }

    fn parse(name: &str) -> Option<Placeholder> {
        Some(match name {
            "version" => Placeholder::Version,
            "tag" => Placeholder::Tag,
            "commit" => Placeholder::Commit,
            "short_commit" => Placeholder::ShortCommit,
            "date" => Placeholder::Date,
            "project" => Placeholder::Project,
            "binary" => Placeholder::Binary,
            "goos" => Placeholder::Goos,
            "goarch" => Placeholder::Goarch,
            "variant" => Placeholder::Variant,
            _ => {
                let var = name.strip_prefix("env.")?;
                return is_env_name(var).then(|| Placeholder::Env(var.to_string()));
            }
        })
    }
}

/// A template's pieces.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Value(Placeholder),
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    source: String,
    pieces: Vec<Piece>,
}

/// What is wrong with a template, or with filling it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// No placeholder of that name.
    #[error("unknown placeholder `{{{{{name}}}}}` in `{template}`: write {known}")]
    Unknown {
        /// The name written.
        name: String,
        /// The template.
        template: String,
        /// The placeholders the setting allows, spelt out.
        known: String,
    },
    /// The placeholder exists but not in this setting.
    #[error("`{placeholder}` has no value in `{template}`: {why}")]
    NotHere {
        /// The placeholder.
        placeholder: &'static str,
        /// The template.
        template: String,
        /// Why it does not fit here.
        why: String,
    },
    /// A `{{` without its `}}`.
    #[error("unclosed `{{{{` in `{template}`: close it with `}}}}`")]
    Unclosed {
        /// The template.
        template: String,
    },
    /// `{{env.VAR}}` names an unset variable.
    #[error("`{template}` uses {{{{env.{var}}}}}, and {var} is not set: export it")]
    EnvUnset {
        /// The variable.
        var: String,
        /// The template.
        template: String,
    },
    /// `{{env.VAR}}` names a secret, which would end up in a binary or a name.
    #[error(
        "`{template}` uses {{{{env.{var}}}}}, and {var} is a secret's name (it holds TOKEN, SECRET, PASSWORD, PASSWD, KEY, CREDENTIAL, AUTH or PRIVATE, or names a provider's credential): its value would be published; use a variable that is not secret"
    )]
    SecretEnv {
        /// The variable.
        var: String,
        /// The template.
        template: String,
    },
}

/// The values a template is filled with. `binary` and `target` are `None` where a setting
/// has none (an image; `{{binary}}` in an archive name).
#[derive(Debug, Clone, Copy)]
pub struct Values<'a> {
    /// `{{version}}`.
    pub version: &'a str,
    /// `{{tag}}`.
    pub tag: &'a str,
    /// `{{commit}}`.
    pub commit: &'a str,
    /// `{{date}}`.
    pub date: &'a str,
    /// `{{project}}`.
    pub project: &'a str,
    /// `{{binary}}`, where there is one binary.
    pub binary: Option<&'a str>,
    /// The target of `{{goos}}`, `{{goarch}}` and `{{variant}}`.
    pub target: Option<&'a Target>,
}

impl Template {
    /// Parses `source`, allowing the placeholders in `allowed`.
    ///
    /// Errors: an unclosed `{{`, a name gocross does not fill, or one the setting does not
    /// allow (the message lists what may be written); `{{env.NAME}}` of a secret variable
    /// ([`crate::secrets::is_secret`]), whose value would end up in a public name or binary.
    pub fn parse(source: &str, allowed: &[Placeholder]) -> Result<Template, TemplateError> {
        let mut pieces = Vec::new();
        let mut rest = source;
        while let Some(start) = rest.find("{{") {
            if start > 0 {
                pieces.push(Piece::Text(rest[..start].to_string()));
            }
            let after = &rest[start + 2..];
            let end = after.find("}}").ok_or_else(|| TemplateError::Unclosed {
                template: source.to_string(),
            })?;
            let name = after[..end].trim();
            let known = || {
                let spelt: Vec<&str> = allowed.iter().map(|k| k.spelling()).collect();
                match spelt.split_last() {
                    Some((last, [])) => last.to_string(),
                    Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
                    None => "no placeholder here".to_string(),
                }
            };
            let placeholder = Placeholder::parse(name).ok_or_else(|| TemplateError::Unknown {
                name: name.to_string(),
                template: source.to_string(),
                known: known(),
            })?;
            if !allowed.iter().any(|a| a.same_kind(&placeholder)) {
                return Err(TemplateError::NotHere {
                    placeholder: placeholder.spelling(),
                    template: source.to_string(),
                    why: match placeholder {
                        Placeholder::Binary => {
                            "an archive holds every binary of its target; write {{project}}"
                                .to_string()
                        }
                        _ => format!("write {}", known()),
                    },
                });
            }
            if let Placeholder::Env(var) = &placeholder
                && crate::secrets::is_secret(var)
            {
                return Err(TemplateError::SecretEnv {
                    var: var.clone(),
                    template: source.to_string(),
                });
            }
            pieces.push(Piece::Value(placeholder));
            rest = &after[end + 2..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_string()));
        }
        Ok(Template {
            source: source.to_string(),
            pieces,
        })
    }

    /// The template as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether it uses `placeholder` (any `{{env.NAME}}` for an `Env`).
    pub fn uses(&self, placeholder: &Placeholder) -> bool {
        self.pieces
            .iter()
            .any(|p| matches!(p, Piece::Value(v) if v.same_kind(placeholder)))
    }

    /// Fills the template; `env` looks a variable up.
    ///
    /// Errors: `{{env.NAME}}` of a variable that is unset or empty; `{{binary}}`, `{{goos}}`,
    /// `{{goarch}}` or `{{variant}}` where `values` has no binary or target.
    pub fn render(
        &self,
        values: &Values<'_>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<String, TemplateError> {
        let mut out = String::with_capacity(self.source.len());
        let missing = |p: &Placeholder| TemplateError::NotHere {
            placeholder: p.spelling(),
            template: self.source.clone(),
            why: "it names a binary or a target, and this setting has none".to_string(),
        };
        for piece in &self.pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Value(p) => match p {
                    Placeholder::Version => out.push_str(values.version),
                    Placeholder::Tag => out.push_str(values.tag),
                    Placeholder::Commit => out.push_str(values.commit),
                    Placeholder::ShortCommit => out.push_str(short_commit(values.commit)),
                    Placeholder::Date => out.push_str(values.date),
                    Placeholder::Project => out.push_str(values.project),
                    Placeholder::Binary => out.push_str(values.binary.ok_or_else(|| missing(p))?),
                    Placeholder::Goos => {
                        out.push_str(values.target.ok_or_else(|| missing(p))?.goos().as_str())
                    }
                    Placeholder::Goarch => {
                        out.push_str(values.target.ok_or_else(|| missing(p))?.goarch().as_str())
                    }
                    Placeholder::Variant => {
                        out.push_str(&variant_suffix(values.target.ok_or_else(|| missing(p))?))
                    }
                    Placeholder::Env(var) => match env(var).filter(|v| !v.is_empty()) {
                        Some(value) => out.push_str(&value),
                        None => {
                            return Err(TemplateError::EnvUnset {
                                var: var.clone(),
                                template: self.source.clone(),
                            });
                        }
                    },
                },
            }
        }
        Ok(out)
    }

    /// The template with `{{goarch}}` written as `goarch` and `{{variant}}` as nothing: the
    /// name of something that spans architectures, such as a universal binary's archive
    /// (`darwin_all`).
    pub fn with_goarch(&self, goarch: &str) -> Template {
        let pieces = self
            .pieces
            .iter()
            .map(|piece| match piece {
                Piece::Value(Placeholder::Goarch) => Piece::Text(goarch.to_string()),
                Piece::Value(Placeholder::Variant) => Piece::Text(String::new()),
                other => other.clone(),
            })
            .collect();
        Template {
            source: self.source.clone(),
            pieces,
        }
    }

    /// The template with every placeholder that only the build knows (version, tag, commit,
    /// date, the environment) as `*`, and the others filled: a glob that matches every
    /// rendering for `values`' project, binary and target (the workflow's attestation
    /// subjects).
    pub fn glob(&self, values: &Values<'_>) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Value(p) => match p {
                    Placeholder::Project => out.push_str(values.project),
                    Placeholder::Binary => out.push_str(values.binary.unwrap_or("*")),
                    Placeholder::Goos => {
                        out.push_str(values.target.map_or("*", |t| t.goos().as_str()))
                    }
                    Placeholder::Goarch => {
                        out.push_str(values.target.map_or("*", |t| t.goarch().as_str()))
                    }
                    Placeholder::Variant => match values.target {
                        Some(t) => out.push_str(&variant_suffix(t)),
                        None => out.push('*'),
                    },
                    _ => {
                        if !out.ends_with('*') {
                            out.push('*');
                        }
                    }
                },
            }
        }
        out
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

/// The first 7 hex digits of a commit hash (the whole value when shorter, such as `none`).
pub fn short_commit(commit: &str) -> &str {
    if commit.len() > 7 && commit.bytes().all(|b| b.is_ascii_hexdigit()) {
        &commit[..7]
    } else {
        commit
    }
}

/// `{{variant}}`: the sub-architecture as GoReleaser-built release names spell it, so that
/// the default archive names are the ones Homebrew formulas, aqua, mise and install scripts
/// expect: `v7` for linux/arm/7 (`armv7`), `v3` for amd64/v3 and nothing for v1 (`amd64v3`,
/// `amd64`), `_softfloat` for mips (`mips_softfloat`); other ports' variants as
/// `_<variant>` with commas as dashes (`arm64_v8.2-lse`); nothing without a variant.
pub fn variant_suffix(target: &Target) -> String {
    let Some(v) = &target.variant else {
        return String::new();
    };
    let v = v.to_string().replace(',', "-");
    match target.goarch() {
        Goarch::Arm => format!("v{v}"),
        Goarch::Amd64 if v == "v1" => String::new(),
        Goarch::Amd64 => v,
        _ => format!("_{v}"),
    }
}

/// Whether `name` can be an environment variable name (`[A-Za-z_][A-Za-z0-9_]*`, POSIX's
/// portable names: <https://pubs.opengroup.org/onlinepubs/9799919799/basedefs/V1_chap08.html>).
pub fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values<'a>(target: Option<&'a Target>) -> Values<'a> {
        Values {
            version: "1.3.2",
            tag: "v1.3.2",
            commit: "0123456789abcdef0123456789abcdef01234567",
            date: "2026-03-01T12:00:00Z",
            project: "age",
            binary: Some("age-keygen"),
            target,
        }
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn every_placeholder_fills() {
        let t: Target = "linux/arm/7".parse().unwrap();
        let tpl = Template::parse(
            "{{version}} {{ tag }} {{commit}} {{short_commit}} {{date}} {{project}} {{binary}} {{goos}}/{{goarch}}{{variant}} {{env.HOME_X}}",
            Placeholder::LDFLAGS,
        )
        .unwrap();
        let env = |v: &str| (v == "HOME_X").then(|| "x".to_string());
        assert_eq!(
            tpl.render(&values(Some(&t)), &env).unwrap(),
            "1.3.2 v1.3.2 0123456789abcdef0123456789abcdef01234567 0123456 2026-03-01T12:00:00Z age age-keygen linux/armv7 x"
        );
        assert_eq!(
            tpl.render(&values(Some(&t)), &no_env)
                .unwrap_err()
                .to_string(),
            format!(
                "`{}` uses {{{{env.HOME_X}}}}, and HOME_X is not set: export it",
                tpl.source()
            )
        );
    }

    #[test]
    fn variants_are_spelt_as_release_names_spell_them() {
        let name = |t: &str| {
            let t: Target = t.parse().unwrap();
            Template::parse("{{goos}}_{{goarch}}{{variant}}", Placeholder::ARCHIVE_NAME)
                .unwrap()
                .render(&values(Some(&t)), &no_env)
                .unwrap()
        };
        assert_eq!(name("linux/arm/7"), "linux_armv7");
        assert_eq!(name("linux/arm/6"), "linux_armv6");
        assert_eq!(name("linux/amd64"), "linux_amd64");
        assert_eq!(name("linux/amd64/v1"), "linux_amd64");
        assert_eq!(name("linux/amd64/v3"), "linux_amd64v3");
        assert_eq!(name("linux/mips/softfloat"), "linux_mips_softfloat");
        assert_eq!(name("linux/arm64/v8.2,lse"), "linux_arm64_v8.2-lse");
        assert_eq!(name("windows/amd64"), "windows_amd64");
    }

    #[test]
    fn unknown_misplaced_and_unclosed_placeholders_are_errors() {
        let err = Template::parse("-X main.v={{vesion}}", Placeholder::LDFLAGS).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown placeholder `{{vesion}}` in `-X main.v={{vesion}}`: write {{version}}, {{tag}}, {{commit}}, {{short_commit}}, {{date}}, {{project}}, {{binary}}, {{goos}}, {{goarch}}, {{variant}} or {{env.NAME}}"
        );
        let err = Template::parse("{{env.1X}}", Placeholder::LDFLAGS).unwrap_err();
        assert!(matches!(err, TemplateError::Unknown { .. }), "{err}");
        let err = Template::parse("{{binary}}_{{goos}}", Placeholder::ARCHIVE_NAME).unwrap_err();
        assert!(
            err.to_string()
                .contains("an archive holds every binary of its target"),
            "{err}"
        );
        let err = Template::parse("{{goos}}", Placeholder::IMAGE).unwrap_err();
        assert!(
            err.to_string().starts_with("`{{goos}}` has no value"),
            "{err}"
        );
        let err = Template::parse("-X a={{version", Placeholder::LDFLAGS).unwrap_err();
        assert_eq!(
            err,
            TemplateError::Unclosed {
                template: "-X a={{version".into()
            }
        );
        assert_eq!(
            Template::parse("-s -w", Placeholder::LDFLAGS)
                .unwrap()
                .render(&values(None), &no_env)
                .unwrap(),
            "-s -w"
        );
    }

    #[test]
    fn a_glob_matches_every_version() {
        let t: Target = "windows/amd64".parse().unwrap();
        let tpl = Template::parse(
            "{{project}}_{{version}}_{{goos}}_{{goarch}}{{variant}}",
            Placeholder::ARCHIVE_NAME,
        )
        .unwrap();
        assert_eq!(tpl.glob(&values(Some(&t))), "age_*_windows_amd64");
        assert!(tpl.uses(&Placeholder::Version) && !tpl.uses(&Placeholder::Binary));
    }

    #[test]
    fn short_commits_are_seven_digits() {
        assert_eq!(short_commit("0123456789abcdef"), "0123456");
        assert_eq!(short_commit("none"), "none");
    }
}
