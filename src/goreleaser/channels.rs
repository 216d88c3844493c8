//! The distribution channels of a GoReleaser config in gocross's terms: the first of `nfpms`
//! as `packages:`, the first of `brews`/`homebrew_casks` as `homebrew:`, the first of
//! `scoops` (or config version 1's `scoop`) as `scoop:`, `universal_binaries` as
//! `universal_binaries: true`, and a cosign `signs` entry on the checksums file as
//! `release.sign: true`. Each value that cannot be carried over becomes a [`Note`] with its
//! line; the sub-keys gocross has no equivalent for are named by [`super::carried`].
//!
//! A section is written only when gocross.yaml would load with it, by config's own rules
//! ([`crate::config::TargetsAllow`], [`crate::config::is_maintainer`], ...): a maintainer
//! written `Name <email>`, a repository `owner/name`, a linux target for packages (and one
//! each format has an architecture for), a windows one for Scoop, both darwin ports for a
//! universal binary, checksums and a release for a signature; otherwise the note says what to
//! add.

use super::schema::{GoReleaserConfig, Publisher, Scalar, line_of};
use super::{Imported, Mapper, template};
use crate::config::{
    PackageFormat, TargetsAllow, is_content_dst, is_content_src, is_maintainer, is_package_name,
    is_repository, packages_any, parse_mode, suggest_package_name,
};
use serde::Serialize;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

/// `packages:` of an imported gocross.yaml.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Packages {
    /// `formats` (`deb`, `rpm`, `apk`: nfpm's formats gocross makes).
    pub formats: Vec<String>,
    /// `package_name`, when set.
    pub name: Option<String>,
    /// `maintainer`.
    pub maintainer: String,
    /// `description`'s first line.
    pub description: String,
    /// `license`, when set.
    pub license: Option<String>,
    /// `homepage`, when set.
    pub homepage: Option<String>,
    /// `contents` of plain files.
    pub contents: Vec<PackageFile>,
    /// Per format, as `packages.depends` writes it.
    pub depends: BTreeMap<String, Vec<String>>,
}

/// One entry of `packages.contents`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackageFile {
    /// The file in the module.
    pub src: String,
    /// Where the package installs it.
    pub dst: String,
    /// Octal, as gocross.yaml quotes it (`0644`); `None` for the default.
    pub mode: Option<String>,
}

/// `homebrew:` or `scoop:` of an imported gocross.yaml.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Channel {
    /// `owner/name`.
    pub repository: String,
    /// The variable of `{{ .Env.NAME }}` in GoReleaser's `token`; `None` for gocross's
    /// default.
    pub token_env: Option<String>,
}

/// nfpm's default file name, which is each format's own convention, as gocross names its
/// packages (<https://goreleaser.com/customization/nfpm/>).
const CONVENTIONAL_FILE_NAME: &str = "{{ .ConventionalFileName }}";

impl Mapper<'_> {
    /// Step 8: the channels, onto `out` (whose targets and release settings are known);
    /// `project` is the project gocross.yaml will have.
    pub(super) fn channels(
        &mut self,
        config: &GoReleaserConfig,
        project: &str,
        out: &mut Imported,
    ) {
        let allow = TargetsAllow::of(&out.targets);
        if let Some(first) = config.nfpms.first() {
            self.others("nfpms", config.nfpms.len(), "packages");
            out.packages = self.packages(&first.value, line_of(&first.referenced), allow.packages);
            if let Some(p) = &mut out.packages {
                self.fit_packages(p, &out.targets, project, line_of(&first.referenced));
            }
            out.packages = out.packages.take().filter(|p| !p.formats.is_empty());
        }
        let homebrew_target = allow.homebrew;
        if let Some(first) = config.brews.first() {
            self.others("brews", config.brews.len(), "homebrew");
            if !config.homebrew_casks.is_empty() {
                self.note(
                    self.line("homebrew_casks", 1),
                    "homebrew_casks",
                    "gocross pushes one Homebrew file, from `brews[0]`",
                );
            }
            out.homebrew = self.channel("brews[0]", first, homebrew_target, "darwin or linux");
        } else if let Some(first) = config.homebrew_casks.first() {
            self.others("homebrew_casks", config.homebrew_casks.len(), "homebrew");
            out.homebrew = self.channel(
                "homebrew_casks[0]",
                first,
                homebrew_target,
                "darwin or linux",
            );
        }
        let scoop = match (&config.scoops[..], &config.scoop) {
            ([first, ..], _) => Some(("scoops[0]", first)),
            ([], Some(one)) => Some(("scoop", one)),
            ([], None) => None,
        };
        if let Some((key, first)) = scoop {
            self.others("scoops", config.scoops.len(), "scoop");
            out.scoop = self.channel(key, first, allow.scoop, "windows");
        }
        if let Some(first) = config.universal_binaries.first() {
            if allow.universal {
                out.universal_binaries = true;
            } else {
                self.note(
                    line_of(&first.referenced),
                    "universal_binaries",
                    "a universal binary joins darwin/amd64 and darwin/arm64, which the builds do not both have",
                );
            }
        }
        for (i, sign) in config.signs.iter().enumerate() {
            let s = &sign.value;
            let cosign = s.cmd.as_deref() == Some("cosign");
            let checksum = s.artifacts.as_deref() == Some("checksum");
            let signed = !(out.release_disabled || out.no_checksums);
            if cosign && checksum && !out.sign && signed {
                out.sign = true;
            } else if cosign && checksum && !signed {
                self.note(
                    line_of(&sign.referenced),
                    format!("signs[{i}]"),
                    "the checksums are disabled, or the release is: there is no checksums.txt to sign",
                );
            } else {
                self.note(
                    line_of(&sign.referenced),
                    format!("signs[{i}]"),
                    "gocross signs checksums.txt with cosign keyless (`release.sign: true`) and nothing else",
                );
            }
        }
    }

    /// A note for each entry of `key` after the first (`len` entries).
    fn others(&mut self, key: &str, len: usize, section: &str) {
        for i in 1..len {
            let path = format!("{key}[{i}]");
            let at = self.entry_line(&path, self.line(key, 1));
            self.note(
                at,
                path,
                format!("gocross.yaml has one `{section}:` section, from the first entry"),
            );
        }
    }

    /// `packages:` from one nfpm, when gocross.yaml can take it (`linux`: a linux target
    /// is configured).
    fn packages(&mut self, n: &super::schema::Nfpm, at: u64, linux: bool) -> Option<Packages> {
        let entry = self.entry_line("nfpms[0]", at);
        if !linux {
            self.note(
                entry,
                "nfpms[0]",
                "no linux target is built, so gocross has nothing to package",
            );
            return None;
        }
        let mut formats = Vec::new();
        for (i, f) in n.formats.iter().enumerate() {
            match f.value.as_str() {
                "deb" | "rpm" | "apk" if !formats.contains(&f.value) => {
                    formats.push(f.value.clone())
                }
                "deb" | "rpm" | "apk" => {}
                other => self.note(
                    line_of(&f.referenced),
                    format!("nfpms[0].formats[{i}]"),
                    format!("gocross writes deb, rpm and apk packages, not {other}"),
                ),
            }
        }
        if n.formats.is_empty() {
            self.note(
                entry,
                "nfpms[0].formats",
                "no format is listed: gocross.yaml gets none, add `packages:` with `formats: [deb, rpm, apk]` by hand",
            );
        }
        let maintainer = n.maintainer.as_ref().map(|m| m.value.trim().to_string());
        let well_formed = maintainer.as_deref().is_some_and(is_maintainer);
        if !well_formed {
            let line = n.maintainer.as_ref().map_or(entry, |m| {
                self.line("nfpms[0].maintainer", line_of(&m.referenced))
            });
            self.note(
                line,
                "nfpms[0].maintainer",
                format!(
                    "gocross needs the packages' maintainer as `Name <email>` (now `{}`): packages are not imported; add `packages:` with `maintainer: Jane Doe <jane@example.org>` by hand",
                    maintainer.as_deref().unwrap_or_default()
                ),
            );
        }
        // The package's summary is one line: the first of a longer text.
        let description = n.description.as_ref().and_then(|d| {
            let mut lines = d.value.trim().lines();
            let first = lines.next().map(str::trim).filter(|l| !l.is_empty())?;
            if lines.next().is_some() {
                self.note(
                    self.line("nfpms[0].description", line_of(&d.referenced)),
                    "nfpms[0].description",
                    "gocross's package description is one line (the summary): the first line is kept",
                );
            }
            Some(first.to_string())
        });
        if description.is_none() {
            let line = n.description.as_ref().map_or(entry, |d| {
                self.line("nfpms[0].description", line_of(&d.referenced))
            });
            self.note(
                line,
                "nfpms[0].description",
                "gocross needs the packages' description: packages are not imported; add `packages:` with `description:` by hand",
            );
        }
        let name = n.package_name.as_ref().and_then(|p| {
            if is_package_name(&p.value) {
                Some(p.value.clone())
            } else {
                self.note(
                    line_of(&p.referenced),
                    "nfpms[0].package_name",
                    format!("`{}` is not a package name Debian, Fedora and Alpine all accept; the project name is used", p.value),
                );
                None
            }
        });
        if let Some(b) = &n.bindir
            && b.value.trim_end_matches('/') != "/usr/bin"
        {
            self.note(
                line_of(&b.referenced),
                "nfpms[0].bindir",
                format!("gocross installs the binaries to /usr/bin, not {}", b.value),
            );
        }
        if let Some(t) = &n.file_name_template
            && t.value.trim() != CONVENTIONAL_FILE_NAME
            && t.value.replace(' ', "") != CONVENTIONAL_FILE_NAME.replace(' ', "")
        {
            self.note(
                line_of(&t.referenced),
                "nfpms[0].file_name_template",
                "gocross names each package by its distribution's convention (NAME_VERSION_ARCH.deb, NAME-VERSION-1.ARCH.rpm, NAME_VERSION-r0_ARCH.apk)",
            );
        }
        let contents = n
            .contents
            .iter()
            .enumerate()
            .filter_map(|(i, c)| self.content(i, c))
            .collect();
        let depends = if n.dependencies.is_empty() {
            BTreeMap::new()
        } else {
            formats
                .iter()
                .map(|f| (f.clone(), n.dependencies.clone()))
                .collect()
        };
        let (Some(maintainer), Some(description)) =
            (maintainer.filter(|_| well_formed), description)
        else {
            return None;
        };
        if formats.is_empty() {
            return None;
        }
        Some(Packages {
            formats,
            name,
            maintainer,
            description,
            license: n.license.as_ref().map(|l| l.value.clone()),
            homepage: n.homepage.as_ref().map(|h| h.value.clone()),
            contents,
            depends,
        })
    }

    /// `packages` fitted to the rules across values: a format with an architecture for none
    /// of `targets` is left out, and a `project` that is no package name gets a
    /// `packages.name` (a note says each).
    fn fit_packages(
        &mut self,
        packages: &mut Packages,
        targets: &[crate::targets::Target],
        project: &str,
        at: u64,
    ) {
        let line = self.entry_line("nfpms[0]", at);
        let mut kept = Vec::new();
        for f in std::mem::take(&mut packages.formats) {
            let format = [PackageFormat::Deb, PackageFormat::Rpm, PackageFormat::Apk]
                .into_iter()
                .find(|p| p.as_str() == f);
            if format.is_some_and(|format| packages_any(format, targets)) {
                kept.push(f);
            } else {
                self.note(
                    line,
                    "nfpms[0].formats",
                    format!(
                        "{f} has an architecture for none of the linux targets; it is left out"
                    ),
                );
                packages.depends.remove(&f);
            }
        }
        packages.formats = kept;
        if packages.name.is_none() && !is_package_name(project) {
            let name = suggest_package_name(project);
            if is_package_name(&name) {
                self.note(
                    line,
                    "nfpms[0].package_name",
                    format!("the project `{project}` is not a package name; the packages are named `{name}`"),
                );
                packages.name = Some(name);
            } else {
                self.note(
                    line,
                    "nfpms[0].package_name",
                    format!("the project `{project}` is not a package name: packages are not imported; add `packages:` with `name:` by hand"),
                );
                packages.formats.clear();
            }
        }
    }

    /// One `contents` entry as gocross takes it: a plain file of the module, installed at an
    /// absolute path, with an octal mode.
    fn content(
        &mut self,
        i: usize,
        c: &Spanned<super::schema::NfpmContent>,
    ) -> Option<PackageFile> {
        let key = format!("nfpms[0].contents[{i}]");
        let at = line_of(&c.referenced);
        let v = &c.value;
        if let Some(kind) = &v.kind {
            self.note(
                at,
                format!("{key}.type"),
                format!(
                    "gocross packages plain files, not a `{kind}` entry; the entry is left out"
                ),
            );
            return None;
        }
        let src = v.src.as_deref().unwrap_or_default();
        let src = src.strip_prefix("./").unwrap_or(src);
        let dst = v.dst.as_deref().unwrap_or_default();
        // One file, named as gocross.yaml takes it: no template, no glob.
        let plain = |p: &str| !template::is_template(p) && !p.contains(['*', '?', '[']);
        if !(plain(src) && is_content_src(src) && plain(dst) && is_content_dst(dst)) {
            self.note(
                at,
                key,
                format!("gocross packages one file of the module at an absolute path: `{src}` -> `{dst}` is left out; add it to `packages.contents` by hand"),
            );
            return None;
        }
        let mode = v
            .file_info
            .as_ref()
            .and_then(|f| f.mode.as_ref())
            .and_then(|m| match octal(&m.value) {
                Some(mode) => Some(mode),
                None => {
                    self.note(
                        line_of(&m.referenced),
                        format!("{key}.file_info.mode"),
                        format!(
                            "`{}` is not a file mode gocross reads; the default 0644 is used",
                            m.value
                        ),
                    );
                    None
                }
            });
        Some(PackageFile {
            src: src.to_string(),
            dst: dst.to_string(),
            mode,
        })
    }

    /// `homebrew:` or `scoop:` from the publisher at `key` (`brews[0]`), when gocross.yaml
    /// can take it (`target`: a target it installs is built; `needs` names its GOOS).
    fn channel(
        &mut self,
        key: &str,
        p: &Spanned<Publisher>,
        target: bool,
        needs: &str,
    ) -> Option<Channel> {
        let at = self.entry_line(key, line_of(&p.referenced));
        if !target {
            self.note(
                at,
                key,
                format!("no {needs} target is built, so there is nothing to install"),
            );
            return None;
        }
        let Some((field, repo)) = [
            ("repository", &p.value.repository),
            ("tap", &p.value.tap),
            ("bucket", &p.value.bucket),
        ]
        .into_iter()
        .find_map(|(f, r)| r.as_ref().map(|r| (f, r))) else {
            self.note(
                at,
                key,
                "names no repository to push to: add one as `owner/name` by hand",
            );
            return None;
        };
        let r = &repo.value;
        let repository = format!(
            "{}/{}",
            r.owner.as_deref().unwrap_or_default(),
            r.name.as_deref().unwrap_or_default()
        );
        if !is_repository(&repository) {
            let path = format!("{key}.{field}");
            self.note(
                self.line(&path, line_of(&repo.referenced)),
                path,
                format!("`{repository}` is not a repository gocross can push to (`owner/name`, no template): add it by hand"),
            );
            return None;
        }
        let token_env = r.token.as_ref().and_then(|t| {
            let name = template::env_variable(&t.value).filter(|n| crate::secrets::is_secret(n));
            if name.is_none() {
                self.note(
                    line_of(&t.referenced),
                    format!("{key}.{field}.token"),
                    format!("`{}` is not `{{{{ .Env.NAME }}}}` with a NAME that marks a secret (TOKEN in it); gocross's default variable is used", t.value),
                );
            }
            name
        });
        Some(Channel {
            repository,
            token_env,
        })
    }
}

/// A mode as GoReleaser's YAML reader takes it, as gocross.yaml's quoted octal: `0644` (an
/// octal number to YAML 1.1) or a string of octal digits.
fn octal(mode: &Scalar) -> Option<String> {
    parse_mode(&mode.0).map(|value| format!("{value:04o}"))
}
