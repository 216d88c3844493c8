//! The Homebrew formula of a release (`templates/homebrew.rb`).
//!
//! A formula rather than a cask: casks install macOS applications only, while the release's
//! Linux x86_64 and arm64 downloads belong in the same file (`on_linux`), which only a formula
//! can hold (<https://docs.brew.sh/Formula-Cookbook>, <https://docs.brew.sh/Cask-Cookbook>).
//! Its `url`/`sha256` pairs sit in `on_macos`/`on_linux` blocks, each split by `on_intel`
//! and `on_arm`: darwin/amd64, darwin/arm64, linux/amd64, linux/arm64, those the release
//! has. `install` puts every command in `bin` (from an archive by its name; Homebrew enters
//! an archive's single top directory by itself; a bare binary by its file name's glob), and
//! `test do` runs the first command with `--version`.
//!
//! Every string is written as a Ruby double-quoted literal ([`ruby_string`]): `\`, `"` and
//! `#` (which would start `#{}` interpolation) are escaped, control characters written as
//! `\u{..}` escapes.

use super::{About, ChannelError, Release};
use crate::targets::{Goarch, Goos};
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;

const TEMPLATE: &str = include_str!("../../templates/homebrew.rb");

#[derive(Serialize)]
struct Cpu {
    name: &'static str,
    url: String,
    sha256: String,
}

#[derive(Serialize)]
struct Platform {
    name: &'static str,
    cpus: Vec<Cpu>,
}

#[derive(Serialize)]
struct Binary {
    name: String,
    /// For a bare binary: the glob that finds the downloaded file.
    glob: Option<String>,
}

#[derive(Serialize)]
struct Context<'a> {
    name: &'a str,
    class: String,
    description: Option<&'a str>,
    homepage: &'a str,
    version: &'a str,
    license: Option<&'a str>,
    platforms: Vec<Platform>,
    binaries: Vec<Binary>,
}

/// `s` as a Ruby double-quoted string literal.
pub fn ruby_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '#' => out.push_str("\\#"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The class name Homebrew expects for the formula `name`: `hello-world` is `HelloWorld`,
/// `+` becomes `x` (Homebrew's `Formulary.class_s`).
pub fn class_name(name: &str) -> String {
    name.replace('+', "x")
        .split(['-', '_', '.'])
        .filter(|p| !p.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The formula of `release`.
///
/// Errors: no darwin or linux download of amd64 or arm64; a platform of several commands
/// without an archive; a template error.
pub fn formula(about: &About, release: &Release<'_>) -> Result<String, ChannelError> {
    let mut platforms = Vec::new();
    let mut binaries: Option<Vec<Binary>> = None;
    for (goos, os) in [(Goos::Darwin, "macos"), (Goos::Linux, "linux")] {
        let mut cpus = Vec::new();
        for (goarch, cpu) in [(Goarch::Amd64, "intel"), (Goarch::Arm64, "arm")] {
            let Some(d) = release.download("homebrew", goos, goarch)? else {
                continue;
            };
            if binaries.is_none() {
                binaries = Some(
                    d.binaries
                        .iter()
                        .map(|b| Binary {
                            name: b.clone(),
                            glob: d.bare.as_ref().map(|_| format!("{b}_*")),
                        })
                        .collect(),
                );
            }
            cpus.push(Cpu {
                name: cpu,
                url: d.url,
                sha256: d.sha256,
            });
        }
        if !cpus.is_empty() {
            platforms.push(Platform { name: os, cpus });
        }
    }
    let Some(binaries) = binaries.filter(|b| !b.is_empty()) else {
        return Err(ChannelError::Assets {
            section: "homebrew",
            why: "the release has no darwin or linux binary of amd64 or arm64, which Homebrew installs: add darwin/arm64 or linux/amd64 to `targets`".into(),
        });
    };
    let context = Context {
        name: &about.name,
        class: class_name(&about.name),
        description: about.description.as_deref(),
        homepage: &about.homepage,
        version: &release.manifest.version,
        license: about.license.as_deref(),
        platforms,
        binaries,
    };
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .map_err(|e| ChannelError::Render {
                what: "Homebrew formula",
                why: e.to_string(),
            })?,
    );
    env.add_filter("rb", |s: String| ruby_string(&s));
    env.render_str(TEMPLATE, minijinja::value::Serde(&context))
        .map(|mut text| {
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text
        })
        .map_err(|e| ChannelError::Render {
            what: "Homebrew formula",
            why: e.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ruby_strings_and_class_names() {
        assert_eq!(ruby_string(r#"a "b" \ #{x}"#), r#""a \"b\" \\ \#{x}""#);
        assert_eq!(ruby_string("a\u{1}"), "\"a\\u{1}\"");
        assert_eq!(class_name("hello-world"), "HelloWorld");
        assert_eq!(class_name("foo_bar.baz"), "FooBarBaz");
        assert_eq!(class_name("c++"), "Cxx");
    }
}
