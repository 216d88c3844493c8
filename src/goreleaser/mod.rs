//! Importing a GoReleaser config: `gocross ci init` in a module with a `.goreleaser.yaml`
//! (config versions 0, 1 and 2) writes the equivalent gocross.yaml.
//!
//! [`import`] reads the file with serde-saphyr into the types of `schema.rs` and maps, in
//! gocross's terms ([`Imported`]), in the steps of `Mapper::map`:
//! - steps 1-3, **builds** (Go builds only): each build's targets (`targets.rs`: GoReleaser's matrix and
//!   defaults, less `ignore`), binary name, main package, `ldflags`, `flags` (with
//!   `asmflags`, `gcflags` and `buildmode` as the flags GoReleaser passes for them), `tags`,
//!   and `env` (`CGO_ENABLED` becomes `cgo:`). Builds of one binary (GoReleaser's build per
//!   GOOS) are one gocross binary whose targets are their union; builds of several binaries
//!   become `binaries:`. Settings shared by every binary are written once at the top.
//!   Templates become placeholders (`template.rs`).
//!   Config versions 0 and 1 may have one `build:` instead of `builds:`, read as GoReleaser
//!   v1 read it.
//! - step 4, **archives**: the format (`format_overrides` to zip for windows is gocross's default;
//!   other GOOS get an override's `archive_format`), the files, the name template where it
//!   maps, `wrap_in_directory`;
//! - steps 5-7, **checksum** and **release**: `disable`, `draft`; **upx**;
//! - step 8, the channels (`channels.rs`): **nfpms** as `packages:`, **brews**/**homebrew_casks**
//!   as `homebrew:`, **scoops** as `scoop:`, **universal_binaries**, and a cosign **signs**
//!   entry on the checksums file as `release.sign`.
//!
//! Then the names: GoReleaser's archive names (each archive's `name_template` with v1
//! `replacements`, or its default) and checksums name are evaluated for every target
//! (`render.rs`). The first archive's name of each target is kept where a gocross name can
//! follow it: `archives.name` is the one most targets share, the others get an override's
//! `archive_name`. Then each asset whose file name still changes is a [`Rename`], printed
//! old -> new.
//!
//! Every key the mapping cannot carry over (hooks, dockers, a brews entry's own install
//! block, a signs entry on other artifacts, a template
//! with no placeholder, a second archive...) becomes a [`Note`] with its line, found through
//! `Spanned` values and the file's key list (`schema::keys`), never by searching the text.

mod channels;
mod render;
mod schema;
mod targets;
pub mod template;

// gocross's default archive name is also what GoReleaser's default name template gives.
use crate::config::{ConfigError, DEFAULT_ARCHIVE_NAME, GoMod, PLAN_OWNED_ENV, is_safe_name};
use crate::targets::Target;
pub use channels::{Channel, PackageFile, Packages};
use schema::{ArchiveFile, Build, GoReleaserConfig, Key, Scalar, Words, line_of};
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The names GoReleaser looks for, in its order.
pub const FILE_NAMES: &[&str] = &[
    ".goreleaser.yml",
    ".goreleaser.yaml",
    "goreleaser.yml",
    "goreleaser.yaml",
];

/// The GoReleaser config of a module, if it has one: the first of [`FILE_NAMES`] in
/// `module_dir`.
pub fn find(module_dir: &Path) -> Option<PathBuf> {
    FILE_NAMES
        .iter()
        .map(|n| module_dir.join(n))
        .find(|p| p.is_file())
}

/// A GoReleaser config in gocross's terms: the values of the gocross.yaml to write, as
/// `templates/gocross.yaml` takes them (through [`crate::generate::init::InitConfig`], which
/// adds what `gocross ci init` decides besides; a first gocross.yaml without GoReleaser fills
/// the main packages only).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Imported {
    /// `project:`; `None` leaves gocross's default (the module's name).
    pub project: Option<String>,
    /// `main:` when there is one binary (`None`: `.`).
    pub main: Option<String>,
    /// `binaries:`, when the project ships several, or one named other than the project.
    /// Empty: one binary named `project`, built from `main`.
    pub binaries: Vec<Binary>,
    /// `targets:`, in GoReleaser's order (written by [`crate::generate::init::InitConfig`],
    /// which also writes targets that are not imported).
    #[serde(skip)]
    pub targets: Vec<Target>,
    /// `cgo:`, from `CGO_ENABLED` in the builds' `env`.
    pub cgo: bool,
    /// `static: false` for cgo builds, which GoReleaser links dynamically.
    pub static_link: Option<bool>,
    /// Settings of every binary (`None`: each binary has its own).
    pub ldflags: Option<String>,
    /// `flags:`, when every binary has the same.
    pub flags: Option<Vec<String>>,
    /// `tags:`, when every binary has the same.
    pub tags: Vec<String>,
    /// `env:`, when every binary has the same.
    pub env: BTreeMap<String, String>,
    /// `upx:`.
    pub upx: bool,
    /// `overrides:` for targets whose GoReleaser build differs from the first one of the
    /// same binary.
    pub overrides: Vec<Override>,
    /// `archives:`; `None` keeps gocross's defaults.
    pub archives: Option<Archives>,
    /// `release.enabled: false` (`release.disable`).
    pub release_disabled: bool,
    /// `release.draft: true`.
    pub draft: bool,
    /// `release.checksums: false` (`checksum.disable`).
    pub no_checksums: bool,
    /// `packages:` (the first of `nfpms`).
    pub packages: Option<Packages>,
    /// `universal_binaries: true`.
    pub universal_binaries: bool,
    /// `homebrew:` (the first of `brews`, else of `homebrew_casks`).
    pub homebrew: Option<Channel>,
    /// `scoop:` (the first of `scoops`, or `scoop`).
    pub scoop: Option<Channel>,
    /// `release.sign: true` (a cosign `signs` entry on the checksums file).
    pub sign: bool,
    /// What could not be carried over, in file order.
    #[serde(skip)]
    pub notes: Vec<Note>,
    /// The release assets whose names change, in target order.
    #[serde(skip)]
    pub renames: Vec<Rename>,
}

/// One entry of `binaries:`; the settings are set where they differ between binaries.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Binary {
    /// `binaries[].name`.
    pub name: String,
    /// `binaries[].main`.
    pub main: String,
    /// Its `ldflags`, when binaries differ in them.
    pub ldflags: Option<String>,
    /// Its `flags`, when binaries differ in them.
    pub flags: Option<Vec<String>>,
    /// Its `tags`, when binaries differ in them.
    pub tags: Option<Vec<String>>,
    /// Its `env`, when binaries differ in it.
    pub env: BTreeMap<String, String>,
}

/// One entry of `overrides:`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Override {
    /// `overrides[].targets`.
    pub targets: Vec<Target>,
    /// `cgo:` for these targets.
    pub cgo: Option<bool>,
    /// `archive_format` (`format_overrides` of the GOOS).
    pub archive_format: Option<String>,
    /// `archive_name`: GoReleaser's archive name of these targets, where `archives.name`
    /// does not give it.
    pub archive_name: Option<String>,
    /// `ldflags:` for these targets.
    pub ldflags: Option<String>,
    /// `tags:` for these targets.
    pub tags: Option<Vec<String>>,
    /// `env:` for these targets.
    pub env: BTreeMap<String, String>,
}

/// `archives:`; `None` fields keep gocross's defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Archives {
    /// `archives.format`.
    pub format: Option<String>,
    /// `archives.files`.
    pub files: Option<Vec<String>>,
    /// `archives.name`.
    pub name: Option<String>,
    /// `archives.wrap_in_directory`.
    pub wrap_in_directory: Option<bool>,
}

/// A key of the GoReleaser file that is not carried over, and why. Shown as
/// `.goreleaser.yaml:12: brews: gocross publishes no Homebrew formula`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// 1-based line of the key or value.
    pub line: u64,
    /// The key path, `builds[0].hooks`.
    pub key: String,
    /// What was not imported as it was, and why.
    pub message: String,
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

/// A release asset that gocross names differently from GoReleaser, shown as
/// `.goreleaser.yml:52: renamed: archives[0].name_template: linux/amd64:
/// croc_1.2.3_Linux-64bit.tar.gz -> croc_1.2.3_linux_amd64.tar.gz` (both names for the
/// example version `SAMPLE_VERSION`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rename {
    /// 1-based line of the key that names the asset (1 for a default name).
    pub line: u64,
    /// The key that names it (`archives[0].name_template`, `checksum.name_template`).
    pub key: String,
    /// Which asset: a target (`linux/arm/7`), or `checksums`.
    pub asset: String,
    /// GoReleaser's file name.
    pub old: String,
    /// gocross's file name.
    pub new: String,
}

impl fmt::Display for Rename {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {} -> {}",
            self.key, self.asset, self.old, self.new
        )
    }
}

/// Why a GoReleaser file cannot be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file cannot be read.
    #[error("cannot read {}: {cause}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        cause: std::io::Error,
    },
    /// Not YAML, or a carried-over key with a value of the wrong shape.
    #[error(transparent)]
    Yaml(ConfigError),
    /// The config's `version` is not one gocross imports.
    #[error("{}:{line}: version {found}: gocross imports GoReleaser configs of version 0, 1 and 2", path.display())]
    Version {
        /// The file.
        path: PathBuf,
        /// 1-based line of `version`.
        line: u64,
        /// The version found.
        found: String,
    },
    /// Nothing in the config builds a Go program.
    #[error("{}: no Go build to import (every build is skipped or uses another builder); write gocross.yaml with `gocross ci init --force` after removing the GoReleaser file from the way, or by hand", path.display())]
    NoBuild {
        /// The file.
        path: PathBuf,
    },
}

/// Reads and maps the GoReleaser file at `path`; `module` (go.mod) names the project when the
/// file does not.
pub fn import_file(path: &Path, module: Option<&GoMod>) -> Result<Imported, ImportError> {
    let source = std::fs::read_to_string(path).map_err(|cause| ImportError::Read {
        path: path.to_path_buf(),
        cause,
    })?;
    import(&source, path, module)
}

/// Maps a GoReleaser config (its text; `path` only names it in messages).
///
/// Errors: the text is not YAML, a key gocross carries over has a value of the wrong shape,
/// the config version is not 1 or 2, or no build is a Go build.
pub fn import(source: &str, path: &Path, module: Option<&GoMod>) -> Result<Imported, ImportError> {
    let mut key = None;
    let parsed = serde_saphyr::with_deserializer_from_str(source, |yaml| {
        serde_path_to_error::deserialize(yaml).map_err(|e| {
            key = Some(e.path().clone());
            e.into_inner()
        })
    });
    let config: GoReleaserConfig = parsed
        .map_err(|e| ImportError::Yaml(ConfigError::from_yaml(&e, key.as_ref(), path, source)))?;
    let keys = schema::keys(source)
        .map_err(|e| ImportError::Yaml(ConfigError::from_yaml(&e, None, path, source)))?;
    if let Some(v) = &config.version
        && !matches!(v.value.0.as_str(), "0" | "1" | "2")
    {
        return Err(ImportError::Version {
            path: path.to_path_buf(),
            line: line_of(&v.referenced),
            found: v.value.0.clone(),
        });
    }
    let mut mapper = Mapper {
        notes: unmapped_keys(&keys),
        renames: Vec::new(),
        keys: &keys,
        single: false,
    };
    let mut out = mapper.map(&config, module);
    if out.targets.is_empty() {
        return Err(ImportError::NoBuild {
            path: path.to_path_buf(),
        });
    }
    mapper.notes.sort_by_key(|n| n.line);
    out.notes = mapper.notes;
    out.renames = mapper.renames;
    Ok(out)
}

/// The settings of one GoReleaser build, in gocross's terms.
#[derive(Debug, Clone, PartialEq)]
struct Settings {
    ldflags: String,
    flags: Vec<String>,
    tags: Vec<String>,
    env: BTreeMap<String, String>,
    cgo: bool,
}

/// The builds of one binary (same name and main package).
struct Group {
    name: String,
    main: String,
    /// (index in `builds`, its line, its targets, its settings).
    builds: Vec<(usize, u64, Vec<Target>, Settings)>,
}

struct Mapper<'k> {
    notes: Vec<Note>,
    renames: Vec<Rename>,
    keys: &'k [Key],
    /// The build is the singular `build:` of config versions 0 and 1.
    single: bool,
}

impl Mapper<'_> {
    fn note(&mut self, line: u64, key: impl Into<String>, message: impl Into<String>) {
        self.notes.push(Note {
            line,
            key: key.into(),
            message: message.into(),
        });
    }

    /// The key of the `i`th build: `builds[0]`, or `build` for the singular one.
    fn bkey(&self, i: usize) -> String {
        if self.single {
            "build".to_string()
        } else {
            format!("builds[{i}]")
        }
    }

    /// The line of the list entry at `path` (`nfpms[1]`): of its first key, else `fallback`.
    fn entry_line(&self, path: &str, fallback: u64) -> u64 {
        self.keys
            .iter()
            .find(|k| {
                k.path
                    .strip_prefix(path)
                    .is_some_and(|rest| rest.starts_with('.'))
            })
            .map_or(fallback, |k| k.line)
    }

    /// The line of the key at `path` (`builds[0].ldflags`), else of `fallback`.
    fn line(&self, path: &str, fallback: u64) -> u64 {
        self.keys
            .iter()
            .find(|k| k.path == path)
            .map_or(fallback, |k| k.line)
    }

    fn map(&mut self, config: &GoReleaserConfig, module: Option<&GoMod>) -> Imported {
        let mut out = Imported::default();
        let project = self.project_name(config);
        let default_name = project
            .clone()
            .or_else(|| module.map(GoMod::binary_name))
            .unwrap_or_else(|| "app".to_string());
        let groups = self.build_groups(config, &default_name, project.as_deref());
        if groups.is_empty() {
            return out;
        }
        self.map_targets(&groups, &mut out);
        self.map_settings(&groups, project, &mut out);
        self.map_archives(config, &default_name, &mut out);
        self.map_checksum(config, &mut out);
        self.map_release(config, &mut out);
        // After steps 5 and 6: no rename when there is no checksums file.
        let project_name = out.project.clone().unwrap_or_else(|| default_name.clone());
        self.rename_checksums(config, &out, &project_name);
        self.map_upx(config, &mut out);
        self.channels(config, &default_name, &mut out);
        out
    }

    /// `project_name`, when gocross can give files that name.
    fn project_name(&mut self, config: &GoReleaserConfig) -> Option<String> {
        config.project_name.as_ref().and_then(|p| {
            if is_safe_name(&p.value) {
                Some(p.value.clone())
            } else {
                self.note(
                    line_of(&p.referenced),
                    "project_name",
                    format!(
                        "`{}` is not a name gocross can give files (letters, digits, `.`, `_`, `-`); the module's name is used",
                        p.value
                    ),
                );
                None
            }
        })
    }

    /// Step 1: the builds, grouped by binary (name and main package). GoReleaser v1 reads the
    /// singular `build:` when there is no `builds:`; without either, GoReleaser's default is
    /// one build of the project from `.`.
    fn build_groups(
        &mut self,
        config: &GoReleaserConfig,
        default_name: &str,
        project: Option<&str>,
    ) -> Vec<Group> {
        let global_env = self.env_list(&config.env, "env");
        let builds: Vec<&Spanned<Build>> = match (&config.builds[..], &config.build) {
            ([], Some(one)) => {
                self.single = true;
                vec![one]
            }
            (list, other) => {
                if let Some(b) = other {
                    self.note(
                        self.line("build", line_of(&b.referenced)),
                        "build",
                        "GoReleaser ignores `build` when `builds` is set, and so does gocross",
                    );
                }
                list.iter().collect()
            }
        };
        let version_2 = config.version.as_ref().is_some_and(|v| v.value.0 == "2");
        // Only GoReleaser v1.18 and earlier read `replacements`.
        let before_v1_19 = config
            .archives
            .iter()
            .any(|a| a.value.replacements.is_some());
        let mut groups: Vec<Group> = Vec::new();
        for (i, build) in builds.iter().enumerate() {
            let at = line_of(&build.referenced);
            let b = &build.value;
            if let Some(builder) = &b.builder
                && builder.value != "go"
            {
                self.note(
                    line_of(&builder.referenced),
                    format!("{}.builder", self.bkey(i)),
                    format!(
                        "gocross builds Go programs; this `{}` build is not imported",
                        builder.value
                    ),
                );
                continue;
            }
            if let Some(skip) = &b.skip {
                match skip.value.as_bool() {
                    Some(false) => {}
                    Some(true) => continue,
                    None => self.note(
                        line_of(&skip.referenced),
                        format!("{}.skip", self.bkey(i)),
                        format!(
                            "`{}` is a template gocross cannot evaluate; the build is imported",
                            skip.value
                        ),
                    ),
                }
            }
            let name = self.binary_name(i, b, default_name, project);
            let main = self.main_package(i, b);
            let (targets, removed) = targets::build_targets(b, before_v1_19);
            if !removed.is_empty() && !version_2 {
                self.note(
                    self.line(&self.bkey(i), at),
                    self.bkey(i),
                    format!(
                        "GoReleaser v1 built {}, a port Go removed in 1.25 (https://go.dev/doc/go1.25#windows): gocross cannot build it, and GoReleaser v2 skips it",
                        removed.join(", ")
                    ),
                );
            }
            let settings = self.settings(i, b, &global_env);
            match groups.iter_mut().find(|g| g.name == name && g.main == main) {
                Some(g) => g.builds.push((i, at, targets, settings)),
                None => groups.push(Group {
                    name,
                    main,
                    builds: vec![(i, at, targets, settings)],
                }),
            }
        }
        if builds.is_empty() {
            // GoReleaser's default: one build of the project from `.`.
            let b = Build::default();
            groups.push(Group {
                name: default_name.to_string(),
                main: ".".into(),
                builds: vec![(
                    0,
                    1,
                    targets::build_targets(&b, before_v1_19).0,
                    self.settings(0, &b, &global_env),
                )],
            });
        }
        groups
    }

    /// Step 2: the targets. gocross builds every binary for every target: a binary that
    /// GoReleaser built for fewer gets a note.
    fn map_targets(&mut self, groups: &[Group], out: &mut Imported) {
        for g in groups {
            for (_, _, targets, _) in &g.builds {
                for t in targets {
                    if !out.targets.contains(t) {
                        out.targets.push(*t);
                    }
                }
            }
        }
        for g in groups {
            let own: Vec<Target> = g.builds.iter().flat_map(|b| b.2.iter().copied()).collect();
            let more: Vec<String> = out
                .targets
                .iter()
                .filter(|t| !own.contains(t))
                .map(ToString::to_string)
                .collect();
            if !more.is_empty() {
                let (i, at, ..) = g.builds[0];
                self.note(
                    at,
                    format!("builds[{i}]"),
                    format!(
                        "gocross builds every binary for every target: `{}` is also built for {}",
                        g.name,
                        more.join(", ")
                    ),
                );
            }
        }
    }

    /// Step 3: the settings, per target within a binary (overrides), per binary
    /// (`binaries:`), or for all.
    fn map_settings(&mut self, groups: &[Group], project: Option<String>, out: &mut Imported) {
        let several = groups.len() > 1;
        for g in groups {
            let (_, _, _, base) = &g.builds[0];
            for (i, at, targets, s) in &g.builds[1..] {
                if s == base {
                    continue;
                }
                if several || s.flags != base.flags {
                    let (first, ..) = g.builds[0];
                    self.note(
                        *at,
                        format!("builds[{i}]"),
                        format!(
                            "its settings differ from builds[{first}], which builds the same binary; gocross uses builds[{first}]'s{}",
                            if several { "" } else { " (flags cannot differ by target)" }
                        ),
                    );
                    continue;
                }
                out.overrides.push(Override {
                    targets: targets.clone(),
                    cgo: (s.cgo != base.cgo).then_some(s.cgo),
                    ldflags: (s.ldflags != base.ldflags).then(|| s.ldflags.clone()),
                    tags: (s.tags != base.tags).then(|| s.tags.clone()),
                    env: s
                        .env
                        .iter()
                        .filter(|(k, v)| base.env.get(*k) != Some(v))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                    archive_format: None,
                    archive_name: None,
                });
            }
        }
        let bases: Vec<&Settings> = groups.iter().map(|g| &g.builds[0].3).collect();
        let first = bases[0];
        let all_same = |f: &dyn Fn(&Settings) -> bool| bases.iter().all(|s| f(s));
        let same_ldflags = all_same(&|s| s.ldflags == first.ldflags);
        let same_flags = all_same(&|s| s.flags == first.flags);
        let same_tags = all_same(&|s| s.tags == first.tags);
        let same_env = all_same(&|s| s.env == first.env);
        if let Some(g) = groups.iter().find(|g| g.builds[0].3.cgo != first.cgo) {
            let (i, at, ..) = g.builds[0];
            self.note(
                at,
                format!("builds[{i}].env"),
                format!(
                    "CGO_ENABLED differs between binaries; gocross sets cgo per target, and uses {}",
                    if first.cgo { "cgo" } else { "no cgo" }
                ),
            );
        }
        out.cgo = first.cgo;
        out.static_link = out.cgo.then_some(false);
        out.ldflags = same_ldflags.then(|| first.ldflags.clone());
        out.flags = same_flags.then(|| first.flags.clone());
        if same_tags {
            out.tags = first.tags.clone();
        }
        if same_env {
            out.env = first.env.clone();
        }
        let one = groups.len() == 1 && project.as_ref().is_none_or(|p| *p == groups[0].name);
        if one {
            let g = &groups[0];
            out.project = Some(g.name.clone());
            out.main = (g.main != ".").then(|| g.main.clone());
        } else {
            out.project = project;
            out.binaries = groups
                .iter()
                .map(|g| {
                    let s = &g.builds[0].3;
                    Binary {
                        name: g.name.clone(),
                        main: g.main.clone(),
                        ldflags: (!same_ldflags).then(|| s.ldflags.clone()),
                        flags: (!same_flags).then(|| s.flags.clone()),
                        tags: (!same_tags).then(|| s.tags.clone()),
                        env: if same_env {
                            BTreeMap::new()
                        } else {
                            s.env.clone()
                        },
                    }
                })
                .collect();
        }
    }

    /// Step 4: the archives and their names. An archive holds every binary of its target, so
    /// gocross's archive names have no `{{binary}}`; GoReleaser's `.Binary` there is the one
    /// binary's name.
    fn map_archives(&mut self, config: &GoReleaserConfig, default_name: &str, out: &mut Imported) {
        out.archives = self.archives(config, &out.targets.clone(), &mut out.overrides);
        if let Some(a) = &mut out.archives
            && let Some(name) = a.name.as_mut().filter(|n| n.contains("{{binary}}"))
        {
            let one = match out.binaries.as_slice() {
                [] => Some("{{project}}".to_string()),
                [b] => Some(b.name.clone()),
                _ => None,
            };
            match one {
                Some(binary) => *name = name.replace("{{binary}}", &binary),
                None => {
                    let at = config
                        .archives
                        .first()
                        .and_then(|a| a.value.name_template.as_ref())
                        .map_or(0, |n| line_of(&n.referenced));
                    let at = self.line("archives[0].name_template", at);
                    self.note(
                        at,
                        "archives[0].name_template",
                        format!("`.Binary` names one of several binaries; archives get gocross's default names ({DEFAULT_ARCHIVE_NAME})"),
                    );
                    a.name = None;
                }
            }
        }
        let project_name = out
            .project
            .clone()
            .unwrap_or_else(|| default_name.to_string());
        let binary = match out.binaries.as_slice() {
            [one] => one.name.clone(),
            _ => project_name.clone(),
        };
        self.archive_names(config, out, &project_name, &binary);
        self.rename_archives(config, out, &project_name, &binary);
    }

    /// Step 5: `checksum:`: whether there is one; its name and algorithm are gocross's.
    fn map_checksum(&mut self, config: &GoReleaserConfig, out: &mut Imported) {
        if let Some(c) = &config.checksum {
            if let Some(d) = &c.disable {
                match d.value.as_bool() {
                    Some(v) => out.no_checksums = v,
                    None => self.template_note(&d.referenced, "checksum.disable", &d.value),
                }
            }
            if let Some(n) = &c.name_template
                && n.value != "checksums.txt"
            {
                self.note(
                    self.line("checksum.name_template", line_of(&n.referenced)),
                    "checksum.name_template",
                    format!(
                        "gocross names the checksums file checksums.txt, not `{}`",
                        n.value
                    ),
                );
            }
            if let Some(a) = &c.algorithm
                && a.value != "sha256"
            {
                self.note(
                    self.line("checksum.algorithm", line_of(&a.referenced)),
                    "checksum.algorithm",
                    format!("gocross's checksums are sha256, not {}", a.value),
                );
            }
        }
    }

    /// Step 6: `release:`: disabled, or a draft.
    fn map_release(&mut self, config: &GoReleaserConfig, out: &mut Imported) {
        if let Some(r) = &config.release {
            if let Some(d) = &r.disable {
                match d.value.as_bool() {
                    Some(v) => out.release_disabled = v,
                    None => self.template_note(&d.referenced, "release.disable", &d.value),
                }
            }
            if let Some(d) = &r.draft {
                match d.value.as_bool() {
                    Some(v) => out.draft = v,
                    None => self.template_note(&d.referenced, "release.draft", &d.value),
                }
            }
        }
    }

    /// Step 7: `upx:`: gocross packs every port UPX supports or none.
    fn map_upx(&mut self, config: &GoReleaserConfig, out: &mut Imported) {
        for (i, u) in config.upx.iter().enumerate() {
            let enabled = u.value.enabled.as_ref().map(Scalar::as_bool);
            let filtered =
                u.value.ids.is_some() || u.value.goos.is_some() || u.value.goarch.is_some();
            match enabled {
                None | Some(Some(false)) => {}
                Some(Some(true)) if i == 0 && !filtered => out.upx = true,
                _ => self.note(
                    line_of(&u.referenced),
                    format!("upx[{i}]"),
                    "gocross packs the binaries of every port UPX supports (`upx: true`) or none; set it by hand",
                ),
            }
        }
    }

    /// GoReleaser's name of each target's archive (archives[0]'s `name_template` with its
    /// `replacements`, or GoReleaser's default) as gocross names: `archives.name` is the
    /// name that fits the most targets (the mapped template, gocross's default, or a
    /// target's name with its GOOS and GOARCH as `{{goos}}`/`{{goarch}}`; gocross's default
    /// when none fits any), and the targets it does not fit get overrides' `archive_name`,
    /// one per name ([`render::as_gocross`]). A target whose name no gocross name follows
    /// keeps `archives.name` (and its `renamed:` line).
    fn archive_names(
        &mut self,
        config: &GoReleaserConfig,
        out: &mut Imported,
        project: &str,
        binary: &str,
    ) {
        let Some(archives) = out.archives.clone() else {
            return;
        };
        let first = config.archives.first().map(|a| &a.value);
        let template = first
            .and_then(|a| a.name_template.as_ref())
            .map_or(render::DEFAULT_ARCHIVE_TEMPLATE, |n| n.value.as_str());
        // Several binaries: `archives[0].name_template` got its note.
        if out.binaries.len() > 1 && template.contains(".Binary") {
            return;
        }
        let replacements = first.map(replacements).unwrap_or_default();
        let fields = |target| render::Fields {
            project,
            binary,
            target: Some(target),
            replacements: &replacements,
        };
        let parse = |name: &str| {
            crate::template::Template::parse(name, crate::template::Placeholder::ARCHIVE_NAME).ok()
        };
        // Each archived target's name as GoReleaser fills it for the sample release.
        let wanted: Vec<(&Target, Option<String>)> = out
            .targets
            .iter()
            .filter(|t| gocross_format(out, &archives, t) != "binary")
            .map(|t| (t, render::as_gocross(template, &fields(t))))
            .collect();
        let mapped = archives.name.as_deref().unwrap_or(DEFAULT_ARCHIVE_NAME);
        let mut candidates = vec![mapped.to_string(), DEFAULT_ARCHIVE_NAME.to_string()];
        let general = |t: &Target, name: &str| {
            Some(with_target_placeholders(name, t))
                .filter(|n| n.contains("{{goos}}") || n.contains("{{goarch}}"))
        };
        candidates.extend(
            wanted
                .iter()
                .filter_map(|(t, name)| general(t, name.as_deref()?)),
        );
        let fits = |candidate: &crate::template::Template, t: &Target, name: &str| {
            let f = render::Fields {
                project,
                binary,
                target: Some(t),
                replacements: &replacements,
            };
            let filled = fill(candidate, &f);
            filled.is_some() && filled == parse(name).and_then(|n| fill(&n, &f))
        };
        let Some((best, count)) = candidates
            .iter()
            .filter_map(|c| parse(c).map(|p| (c, p)))
            .map(|(c, p)| {
                let n = wanted
                    .iter()
                    .filter(|(t, name)| name.as_deref().is_some_and(|n| fits(&p, t, n)))
                    .count();
                (c, n)
            })
            // The first of the candidates that fit the most.
            .rev()
            .max_by_key(|(_, n)| *n)
        else {
            return;
        };
        let best = if count == 0 {
            DEFAULT_ARCHIVE_NAME.to_string()
        } else {
            best.clone()
        };
        let Some(parsed) = parse(&best) else {
            return;
        };
        // The other targets' names, one override per name: a target's name with its GOOS
        // and GOARCH as placeholders where that is still its name (k9s's
        // `{{project}}_Darwin_{{goarch}}` for both darwin targets).
        let mut overrides: Vec<(Vec<Target>, String)> = Vec::new();
        for (t, name) in &wanted {
            let Some(name) = name.as_deref().filter(|n| !fits(&parsed, t, n)) else {
                continue;
            };
            let name = general(t, name)
                .filter(|g| parse(g).is_some_and(|g| fits(&g, t, name)))
                .unwrap_or_else(|| name.to_string());
            match overrides.iter_mut().find(|(_, n)| *n == name) {
                Some((targets, _)) => targets.push(**t),
                None => overrides.push((vec![**t], name)),
            }
        }
        if wanted.iter().any(|(_, name)| name.is_none())
            && let Some(n) = first.and_then(|a| a.name_template.as_ref())
            && let Err(expr) = template::map(&n.value)
        {
            let at = self.line("archives[0].name_template", line_of(&n.referenced));
            self.note(
                at,
                "archives[0].name_template",
                format!("{expr} has no gocross placeholder; the archives printed renamed are named `{best}`"),
            );
        }
        if let Some(a) = &mut out.archives {
            a.name = (best != DEFAULT_ARCHIVE_NAME).then_some(best);
        }
        for (targets, name) in overrides {
            match out.overrides.iter_mut().find(|o| o.targets == targets) {
                Some(o) => o.archive_name = Some(name),
                None => out.overrides.push(Override {
                    targets,
                    archive_name: Some(name),
                    ..Override::default()
                }),
            }
        }
        // An override of a target without a variant applies to its variants too
        // (`linux/amd64` to `linux/amd64/v3`): a variant it names wrongly gets its own
        // override, last, which wins.
        let archives = out.archives.clone().unwrap_or(archives);
        for (t, name) in &wanted {
            let f = render::Fields {
                project,
                binary,
                target: Some(t),
                replacements: &replacements,
            };
            let Some(name) = name else {
                continue;
            };
            let planned = gocross_name(out, &archives, t).and_then(|n| fill(&n, &f));
            if planned != parse(name).and_then(|n| fill(&n, &f)) {
                out.overrides.push(Override {
                    targets: vec![**t],
                    archive_name: Some(name.clone()),
                    ..Override::default()
                });
            }
        }
    }

    /// One [`Rename`] per target and GoReleaser archive whose file gocross names differently
    /// (name or extension): gocross's one archive per target replaces every archive of
    /// GoReleaser's. A note instead when GoReleaser's names cannot be worked out here.
    fn rename_archives(
        &mut self,
        config: &GoReleaserConfig,
        out: &Imported,
        project: &str,
        binary: &str,
    ) {
        let Some(archives) = &out.archives else {
            return;
        };
        let default = [Spanned {
            value: schema::Archive::default(),
            referenced: serde_saphyr::Location::UNKNOWN,
            defined: serde_saphyr::Location::UNKNOWN,
        }];
        let theirs = if config.archives.is_empty() {
            &default[..]
        } else {
            &config.archives[..]
        };
        for (i, archive) in theirs.iter().enumerate() {
            let a = &archive.value;
            let (key, at) = match &a.name_template {
                Some(n) => {
                    let key = format!("archives[{i}].name_template");
                    let at = self.line(&key, line_of(&n.referenced));
                    (key, at)
                }
                None if config.archives.is_empty() => ("archives".to_string(), 1),
                None => (format!("archives[{i}]"), line_of(&archive.referenced)),
            };
            let template = a
                .name_template
                .as_ref()
                .map_or(render::DEFAULT_ARCHIVE_TEMPLATE, |n| n.value.as_str());
            let replacements = replacements(a);
            // GoReleaser's format of a GOOS: `format_overrides`, else `formats`/`format`.
            let pick = |formats: &Option<Words>, format: &Option<String>| {
                formats
                    .as_ref()
                    .and_then(|f| f.0.first().cloned())
                    .or_else(|| format.clone())
            };
            let format_of = |goos: &str| -> String {
                a.format_overrides
                    .iter()
                    .find(|o| o.value.goos.as_deref() == Some(goos))
                    .and_then(|o| pick(&o.value.formats, &o.value.format))
                    .or_else(|| {
                        pick(
                            &a.formats.as_ref().map(|f| f.value.clone()),
                            &a.format.as_ref().map(|f| f.value.clone()),
                        )
                    })
                    .unwrap_or_else(|| "tar.gz".into())
            };
            for target in &out.targets {
                let old_format = format_of(target.goos().as_str());
                let new_format = gocross_format(out, archives, target);
                if old_format == "binary" || new_format == "binary" {
                    continue;
                }
                let fields = render::Fields {
                    project,
                    binary,
                    target: Some(target),
                    replacements: &replacements,
                };
                let old = match render::render(template, &fields) {
                    Ok(name) => format!("{name}.{old_format}"),
                    Err(e) => {
                        self.note(
                            at,
                            key,
                            format!("GoReleaser's archive names cannot be worked out here ({e}): compare them with gocross's (`gocross plan`)"),
                        );
                        break;
                    }
                };
                let Some(new) = gocross_name(out, archives, target).and_then(|n| fill(&n, &fields))
                else {
                    return;
                };
                let new = format!("{new}.{new_format}");
                if old != new {
                    self.renames.push(Rename {
                        line: at,
                        key: key.clone(),
                        asset: target.to_string(),
                        old,
                        new,
                    });
                }
            }
        }
    }

    /// A [`Rename`] when GoReleaser's checksums file (`checksum.name_template`, by default
    /// `<project>_<version>_checksums.txt`) is not gocross's `checksums.txt`.
    fn rename_checksums(&mut self, config: &GoReleaserConfig, out: &Imported, project: &str) {
        if out.release_disabled || out.no_checksums {
            return;
        }
        let named = config
            .checksum
            .as_ref()
            .and_then(|c| c.name_template.as_ref());
        let (key, at, template) = match named {
            Some(n) => (
                "checksum.name_template",
                self.line("checksum.name_template", line_of(&n.referenced)),
                n.value.as_str(),
            ),
            None => (
                "checksum",
                self.line("checksum", 1),
                render::DEFAULT_CHECKSUM_TEMPLATE,
            ),
        };
        let fields = render::Fields {
            project,
            binary: project,
            target: None,
            replacements: &BTreeMap::new(),
        };
        if let Ok(old) = render::render(template, &fields)
            && old != "checksums.txt"
        {
            self.renames.push(Rename {
                line: at,
                key: key.to_string(),
                asset: "checksums".to_string(),
                old,
                new: "checksums.txt".to_string(),
            });
        }
    }

    fn template_note(&mut self, place: &serde_saphyr::Location, key: &str, value: &Scalar) {
        self.note(
            line_of(place),
            key,
            format!("`{value}` is a template gocross cannot evaluate; left at gocross's default"),
        );
    }

    /// The binary's name: `binary`, else the project's; a template maps only to the project
    /// name, a path (`bin/app`) to its last element.
    fn binary_name(&mut self, i: usize, b: &Build, default: &str, project: Option<&str>) -> String {
        let Some(binary) = &b.binary else {
            return default.to_string();
        };
        let key = format!("{}.binary", self.bkey(i));
        let at = line_of(&binary.referenced);
        let text = match template::map(&binary.value) {
            Ok(t) => t.replace("{{project}}", project.unwrap_or(default)),
            Err(expr) => {
                self.note(
                    at,
                    key,
                    format!("{expr} has no gocross placeholder; the binary is named `{default}`"),
                );
                return default.to_string();
            }
        };
        let name = match text.rsplit_once('/') {
            Some((dir, name)) => {
                self.note(
                    at,
                    key.clone(),
                    format!("gocross puts binaries at the top of archives, not in `{dir}/`"),
                );
                name.to_string()
            }
            None => text,
        };
        if is_safe_name(&name) {
            name
        } else {
            self.note(
                at,
                key,
                format!(
                    "`{name}` is not a name gocross can give files; the binary is named `{default}`"
                ),
            );
            default.to_string()
        }
    }

    /// The main package relative to the module root (`.`, `./cmd/tool`): `dir` joined with
    /// `main`, a file's directory for a `.go` file.
    fn main_package(&mut self, i: usize, b: &Build) -> String {
        let mut main = b.main.as_ref().map_or(".".to_string(), |m| m.value.clone());
        if let Some(dir) = &b.dir
            && !matches!(dir.value.trim_end_matches('/'), "." | "" | "./")
        {
            main = format!("{}/{}", dir.value.trim_end_matches('/'), main);
            self.note(
                line_of(&dir.referenced),
                format!("{}.dir", self.bkey(i)),
                format!(
                    "gocross builds from the module root: the main package is `{}`",
                    normalize(&main)
                ),
            );
        }
        if main.ends_with(".go") {
            let dir = main.rsplit_once('/').map_or(".", |(d, _)| d).to_string();
            if let Some(m) = &b.main {
                self.note(
                    line_of(&m.referenced),
                    format!("{}.main", self.bkey(i)),
                    format!(
                        "gocross builds packages, not files: `{}` is built as the package `{}`",
                        m.value,
                        normalize(&dir)
                    ),
                );
            }
            main = dir;
        }
        normalize(&main)
    }

    fn settings(&mut self, i: usize, b: &Build, global_env: &BTreeMap<String, String>) -> Settings {
        const DEFAULT_LDFLAGS: &str = "-s -w -X main.version={{.Version}} -X main.commit={{.Commit}} -X main.date={{.Date}} -X main.builtBy=goreleaser";
        let mut ldflags = Vec::new();
        match &b.ldflags {
            Some(l) if !l.value.0.is_empty() => {
                let at = self.line(&format!("{}.ldflags", self.bkey(i)), line_of(&l.referenced));
                for entry in &l.value.0 {
                    let m = template::map_flags(entry);
                    for (word, expr) in m.dropped {
                        self.note(
                            at,
                            format!("{}.ldflags", self.bkey(i)),
                            format!("`{word}` is left out: {expr} has no gocross placeholder"),
                        );
                    }
                    if !m.value.is_empty() {
                        ldflags.push(m.value);
                    }
                }
            }
            _ => ldflags.push(template::map(DEFAULT_LDFLAGS).unwrap_or_default()),
        }
        let mut flags = Vec::new();
        let words = |list: &Option<Spanned<Words>>,
                     name: &str,
                     prefix: Option<&str>,
                     this: &mut Self| {
            let Some(l) = list else { return Vec::new() };
            let key = format!("{}.{name}", this.bkey(i));
            let at = this.line(&key, line_of(&l.referenced));
            let mut out = Vec::new();
            for w in &l.value.0 {
                match template::map(w) {
                    Ok(v) if template::is_template(&v) => this.note(at, key.clone(), format!("`{w}` is left out: gocross fills placeholders in ldflags and names only")),
                    Ok(v) => {
                        let v = match prefix {
                            Some(p) => format!("{p}{v}"),
                            None => v,
                        };
                        match crate::config::owned_flag(&v) {
                            Some(instead) => this.note(at, key.clone(), format!("`{w}` is left out: {instead}")),
                            None => out.push(v),
                        }
                    }
                    Err(expr) => this.note(at, key.clone(), format!("`{w}` is left out: {expr} has no gocross placeholder")),
                }
            }
            out
        };
        flags.extend(words(&b.flags, "flags", None, self));
        flags.extend(words(&b.asmflags, "asmflags", Some("-asmflags="), self));
        flags.extend(words(&b.gcflags, "gcflags", Some("-gcflags="), self));
        if let Some(mode) = &b.buildmode
            && !mode.value.is_empty()
        {
            flags.push(format!("-buildmode={}", mode.value));
        }
        let tags: Vec<String> = words(&b.tags, "tags", None, self)
            .iter()
            .flat_map(|t| {
                t.split([',', ' '])
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut env = global_env.clone();
        let key = format!("{}.env", self.bkey(i));
        env.extend(self.env_list(&b.env, &key));
        let cgo = env.remove("CGO_ENABLED").is_some_and(|v| v == "1");
        Settings {
            ldflags: ldflags.join(" "),
            flags,
            tags,
            env,
            cgo,
        }
    }

    /// `KEY=VALUE` entries as a map, `CGO_ENABLED` kept for the caller; variables the plan
    /// sets, values gocross.yaml's `env:` refuses ([`crate::config::build_env_value`]) and
    /// values with templates are left out with a note.
    fn env_list(&mut self, list: &[Spanned<String>], key: &str) -> BTreeMap<String, String> {
        let mut env = BTreeMap::new();
        for (j, entry) in list.iter().enumerate() {
            let at = line_of(&entry.referenced);
            let key = format!("{key}[{j}]");
            let Some((name, value)) = entry.value.split_once('=') else {
                self.note(at, key, format!("`{}` is not KEY=VALUE", entry.value));
                continue;
            };
            if name == "CGO_ENABLED" {
                if matches!(value, "0" | "1") {
                    env.insert(name.to_string(), value.to_string());
                } else {
                    self.note(
                        at,
                        key,
                        format!("`{}`: cgo is on with 1 and off with 0", entry.value),
                    );
                }
                continue;
            }
            if PLAN_OWNED_ENV.contains(&name) {
                self.note(
                    at,
                    key,
                    format!("gocross sets {name} from the target and cgo settings"),
                );
                continue;
            }
            if let Err(why) = crate::config::build_env_value(name, value) {
                self.note(at, key, format!("`{}` is left out: {why}", entry.value));
                continue;
            }
            if template::is_template(value) || value.contains('$') {
                self.note(at, key, format!("`{}` is left out: gocross passes `env:` values as written, without templates or variables", entry.value));
                continue;
            }
            env.insert(name.to_string(), value.to_string());
        }
        env
    }

    /// `archives:`, and the overrides that give some GOOS another format
    /// (`format_overrides`), for `targets`.
    fn archives(
        &mut self,
        config: &GoReleaserConfig,
        targets: &[Target],
        overrides: &mut Vec<Override>,
    ) -> Option<Archives> {
        let Some(first) = config.archives.first() else {
            // GoReleaser's default: tar.gz for every target, Windows included.
            return Some(Archives {
                format: Some("tar.gz".into()),
                ..Archives::default()
            });
        };
        for (i, a) in config.archives.iter().enumerate().skip(1) {
            self.note(
                line_of(&a.referenced),
                format!("archives[{i}]"),
                "gocross makes one archive per target, as archives[0] says; this one is not carried over",
            );
        }
        let a = &first.value;
        let mut out = Archives::default();
        let ids = a.ids.as_ref().or(a.builds.as_ref());
        if let Some(ids) = ids {
            let all: Vec<&str> = config
                .builds
                .iter()
                .filter_map(|b| b.value.id.as_deref())
                .collect();
            if !all.iter().all(|id| ids.iter().any(|x| x == id)) {
                self.note(
                    self.line(
                        "archives[0].ids",
                        self.line("archives[0].builds", line_of(&first.referenced)),
                    ),
                    "archives[0]",
                    "gocross archives hold every binary, not only those of some builds",
                );
            }
        }
        // The format, with Windows's override.
        let (base, base_at) = match (&a.formats, &a.format) {
            (Some(f), _) if !f.value.0.is_empty() => {
                if f.value.0.len() > 1 {
                    self.note(
                        line_of(&f.referenced),
                        "archives[0].formats",
                        format!("gocross makes one archive per target, as {}", f.value.0[0]),
                    );
                }
                (f.value.0[0].clone(), line_of(&f.referenced))
            }
            (_, Some(f)) => (f.value.clone(), line_of(&f.referenced)),
            _ => ("tar.gz".to_string(), line_of(&first.referenced)),
        };
        let base = match archive_format(&base) {
            Some(f) => f,
            None => {
                self.note(base_at, "archives[0].format", format!("gocross makes tar.gz, tar.xz, zip or bare binaries, not {base}; its default is used"));
                "tar.gz"
            }
        };
        // `format_overrides` by GOOS; gocross writes `format` (none when it is its own
        // default, tar.gz with windows as zip) and an override per GOOS whose format differs.
        let mut by_goos: Vec<(String, &'static str)> = Vec::new();
        for (j, o) in a.format_overrides.iter().enumerate() {
            let at = line_of(&o.referenced);
            let format = o
                .value
                .formats
                .as_ref()
                .and_then(|f| f.0.first().cloned())
                .or_else(|| o.value.format.clone());
            match (
                o.value.goos.as_deref(),
                format.as_deref().and_then(archive_format),
            ) {
                (Some(goos), Some(f)) => by_goos.push((goos.to_string(), f)),
                _ => self.note(
                    at,
                    format!("archives[0].format_overrides[{j}]"),
                    format!(
                        "gocross makes tar.gz, tar.xz, zip or bare binaries, not {}; these targets are archived as `format`",
                        format.as_deref().unwrap_or("no format")
                    ),
                ),
            }
        }
        let windows = by_goos
            .iter()
            .find(|(goos, _)| goos == "windows")
            .map(|(_, f)| *f);
        out.format = match (base, windows) {
            ("tar.gz", Some("zip")) => None,
            (b, _) => Some(b.to_string()),
        };
        for (goos, format) in by_goos {
            let gocross = match out.format.as_deref() {
                Some(f) => f,
                None if goos == "windows" => "zip",
                None => "tar.gz",
            };
            let these: Vec<Target> = targets
                .iter()
                .filter(|t| t.goos().as_str() == goos)
                .copied()
                .collect();
            if format != gocross && !these.is_empty() {
                overrides.push(Override {
                    targets: these,
                    archive_format: Some(format.to_string()),
                    ..Override::default()
                });
            }
        }
        if let Some(n) = &a.name_template {
            // Otherwise [`Mapper::archive_names`] names each target, or says why it cannot.
            if let Ok(name) = template::map(&n.value)
                && name != DEFAULT_ARCHIVE_NAME
            {
                out.name = Some(name);
            }
        }
        if let Some(files) = &a.files {
            let mut globs = Vec::new();
            for (j, f) in files.iter().enumerate() {
                let at = line_of(&f.referenced);
                let src = match &f.value {
                    ArchiveFile::Glob(g) => g.clone(),
                    ArchiveFile::Entry {
                        src,
                        dst,
                        strip_parent,
                        info,
                    } => {
                        if dst.is_some() || strip_parent.is_some() || info.is_some() {
                            self.note(at, format!("archives[0].files[{j}]"), format!("gocross packs `{src}` at its path in the module (no dst, strip_parent or info)"));
                        }
                        src.clone()
                    }
                };
                if template::is_template(&src) {
                    self.note(
                        at,
                        format!("archives[0].files[{j}]"),
                        format!("`{src}` is left out: gocross takes globs without templates"),
                    );
                } else {
                    globs.push(src);
                }
            }
            out.files = Some(globs);
        }
        if let Some(w) = &a.wrap_in_directory {
            match w.value.as_bool() {
                Some(v) => out.wrap_in_directory = Some(v),
                None => self.note(
                    line_of(&w.referenced),
                    "archives[0].wrap_in_directory",
                    format!(
                        "gocross wraps in a directory named as the archive (`true`), not `{}`",
                        w.value
                    ),
                ),
            }
        }
        Some(out)
    }
}

/// A v1 archive's `replacements` (`amd64: x86_64`).
fn replacements(a: &schema::Archive) -> BTreeMap<String, String> {
    a.replacements
        .as_ref()
        .map(|r| r.iter().map(|(k, v)| (k.0.clone(), v.0.clone())).collect())
        .unwrap_or_default()
}

/// The archive format gocross gives `target` in `out`: an override's `archive_format`,
/// else `archives.format`, else gocross's default (zip for windows, tar.gz for the others).
fn gocross_format<'a>(out: &'a Imported, archives: &'a Archives, target: &Target) -> &'a str {
    let overridden = out
        .overrides
        .iter()
        .filter(|o| o.targets.contains(target))
        .find_map(|o| o.archive_format.as_deref());
    match (overridden, archives.format.as_deref()) {
        (Some(f), _) | (None, Some(f)) => f,
        (None, None) if target.goos().as_str() == "windows" => "zip",
        (None, None) => "tar.gz",
    }
}

/// The archive name gocross gives `target` in `out` (the last applying override's
/// `archive_name`, as [`crate::config::Config::archive_name_for`] picks it, else
/// `archives.name`), parsed; `None` when it does not parse.
fn gocross_name(
    out: &Imported,
    archives: &Archives,
    target: &Target,
) -> Option<crate::template::Template> {
    let name = out
        .overrides
        .iter()
        .rev()
        .filter(|o| {
            o.targets
                .iter()
                .any(|e| crate::config::override_matches(e, target))
        })
        .find_map(|o| o.archive_name.as_deref())
        .or(archives.name.as_deref())
        .unwrap_or(DEFAULT_ARCHIVE_NAME);
    crate::template::Template::parse(name, crate::template::Placeholder::ARCHIVE_NAME).ok()
}

/// A gocross name filled for the sample release of [`render`] and `fields`' target.
fn fill(name: &crate::template::Template, fields: &render::Fields<'_>) -> Option<String> {
    name.render(&fields.gocross_values(), &|var: &str| {
        Some(render::sample_env(var))
    })
    .ok()
}

/// `name`, one target's archive name, with that target's GOARCH and variant, GOOS and GOARCH
/// written as `{{goarch}}{{variant}}`, `{{goos}}` and `{{goarch}}`: a name for the other
/// targets too when they are named alike (`fzf-{{version}}-linux_amd64` ->
/// `fzf-{{version}}-{{goos}}_{{goarch}}`).
fn with_target_placeholders(name: &str, target: &Target) -> String {
    let goos = target.goos().as_str();
    let goarch = target.goarch().as_str();
    let variant = crate::template::variant_suffix(target);
    let mut out = name.to_string();
    if !variant.is_empty() {
        out = out.replace(&format!("{goarch}{variant}"), "{{goarch}}{{variant}}");
    }
    out.replace(goos, "{{goos}}").replace(goarch, "{{goarch}}")
}

/// `cmd/x` → `./cmd/x`; `./` and `` → `.`.
fn normalize(main: &str) -> String {
    let m = main.trim_end_matches('/');
    let m = m.strip_prefix("./").unwrap_or(m);
    if m.is_empty() || m == "." {
        ".".into()
    } else {
        format!("./{m}")
    }
}

/// A GoReleaser archive format as gocross names it; `None` for formats gocross does not make.
fn archive_format(format: &str) -> Option<&'static str> {
    Some(match format {
        "tar.gz" | "tgz" => "tar.gz",
        "tar.xz" | "txz" => "tar.xz",
        "zip" => "zip",
        "binary" => "binary",
        _ => return None,
    })
}

/// Whether gocross carries over the key at `names` (list indices left out): `Ok` when it
/// does (or reads the value and notes what it cannot use), else the reason.
fn carried(names: &[String]) -> Result<(), &'static str> {
    // Config versions 0 and 1's singular `build:` has the keys of a `builds` entry.
    let n: Vec<&str> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            if i == 0 && n == "build" {
                "builds"
            } else {
                n.as_str()
            }
        })
        .collect();
    const BUILD: &[&str] = &[
        "id",
        "builder",
        "skip",
        "dir",
        "main",
        "binary",
        "goos",
        "goarch",
        "goarm",
        "goamd64",
        "goarm64",
        "go386",
        "gomips",
        "goppc64",
        "goriscv64",
        "targets",
        "ignore",
        "flags",
        "tags",
        "ldflags",
        "asmflags",
        "gcflags",
        "buildmode",
        "env",
    ];
    const ARCHIVE: &[&str] = &[
        "id",
        "ids",
        "builds",
        "format",
        "formats",
        "format_overrides",
        "name_template",
        "files",
        "wrap_in_directory",
        "replacements",
    ];
    match n.as_slice() {
        [
            "version" | "project_name" | "env" | "builds" | "archives" | "checksum" | "release"
            | "upx",
        ] => Ok(()),
        ["builds", k] if BUILD.contains(k) => Ok(()),
        ["builds", "ignore", ..] => Ok(()),
        ["builds", "hooks", ..] => {
            Err("gocross runs no build hooks: put the commands in `ci.steps_before_build`")
        }
        ["builds", "overrides", ..] => {
            Err("per-target settings are gocross's `overrides:`; write them there")
        }
        ["builds", "mod_timestamp"] => Err("gocross sets no file times on binaries"),
        ["builds", "gobinary" | "tool"] => Err("gocross builds with the `go` on PATH"),
        ["builds", _, ..] => Err("gocross has no equivalent build setting"),
        ["archives", k] if ARCHIVE.contains(k) => Ok(()),
        [
            "archives",
            "format_overrides",
            "goos" | "format" | "formats",
        ] => Ok(()),
        ["archives", "files", "src"] => Ok(()),
        ["archives", "replacements", _] => Ok(()),
        ["archives", "files", "dst" | "strip_parent" | "info", ..] => Ok(()),
        ["archives", _, ..] => Err("gocross has no equivalent archive setting"),
        ["checksum", "name_template" | "algorithm" | "disable"] => Ok(()),
        ["checksum", _, ..] => Err("gocross writes one checksums.txt of every uploaded file"),
        ["release", "draft" | "disable"] => Ok(()),
        ["release", "github" | "gitlab" | "gitea", ..] => {
            Err("gocross releases to the repository whose workflow runs it")
        }
        ["release", _, ..] => Err(
            "gocross has no equivalent release setting (its notes list the targets; `gocross release --notes FILE` adds yours)",
        ),
        ["upx", _, ..] => Ok(()),
        ["before" | "after", ..] => {
            Err("gocross runs no hooks: put the commands in `ci.steps_before_build`")
        }
        [
            "nfpms" | "universal_binaries" | "signs" | "brews" | "homebrew_casks" | "scoops"
            | "scoop",
        ] => Ok(()),
        [
            "nfpms",
            "formats" | "package_name" | "maintainer" | "description" | "license" | "homepage"
            | "bindir" | "file_name_template" | "dependencies",
            ..,
        ] => Ok(()),
        ["nfpms", "contents"] => Ok(()),
        ["nfpms", "contents", "src" | "dst" | "type"] => Ok(()),
        ["nfpms", "contents", "file_info"] => Ok(()),
        ["nfpms", "contents", "file_info", "mode"] => Ok(()),
        ["nfpms", "contents", ..] => {
            Err("gocross's package files are root-owned, dated by the commit")
        }
        ["nfpms", "id" | "ids" | "builds"] => {
            Err("gocross packages every binary of every linux target")
        }
        ["nfpms", "vendor", ..] => Err("gocross's packages name no vendor"),
        ["nfpms", "overrides" | "deb" | "rpm" | "apk", ..] => {
            Err("per-format settings: gocross has `packages.depends` per format only")
        }
        ["nfpms", "scripts", ..] => Err("gocross's packages run no install scripts"),
        ["nfpms", _, ..] => Err("gocross has no equivalent package setting"),
        [
            "brews" | "homebrew_casks",
            "repository" | "tap",
            "owner" | "name" | "token",
        ] => Ok(()),
        [
            "scoops" | "scoop",
            "repository" | "bucket",
            "owner" | "name" | "token",
        ] => Ok(()),
        [
            "brews" | "homebrew_casks" | "scoops" | "scoop",
            "repository" | "tap" | "bucket",
        ] => Ok(()),
        [
            "brews" | "homebrew_casks" | "scoops" | "scoop",
            "repository" | "tap" | "bucket",
            ..,
        ] => Err("gocross pushes to the default branch of `owner/name` through the contents API"),
        ["brews" | "homebrew_casks" | "scoops" | "scoop", _, ..] => Err(
            "gocross writes the file itself from the release's own assets (every command, a `--version` test)",
        ),
        ["universal_binaries", "replace"] => Err(
            "gocross releases the universal binary beside the darwin/amd64 and darwin/arm64 ones",
        ),
        ["universal_binaries", _, ..] => {
            Err("gocross makes one universal binary per command, named as a target's")
        }
        ["signs", "cmd" | "artifacts"] => Ok(()),
        ["signs", _, ..] => Err(
            "gocross runs `cosign sign-blob --bundle` keyless on checksums.txt in its workflow, with its own arguments; the release holds checksums.txt.sigstore.json",
        ),
        [
            "brew" | "winget" | "nix" | "aurs" | "aur_sources" | "krews" | "chocolateys" | "npms",
            ..,
        ] => Err("gocross publishes no package-manager manifests besides Homebrew and Scoop"),
        ["dockers" | "docker_manifests" | "dockers_v2" | "kos", ..] => {
            Err("gocross builds the multi-arch image itself: see `image:` in its README")
        }
        [
            "snapcrafts" | "flatpaks" | "appimages" | "msi" | "dmg" | "pkgs" | "app_bundles"
            | "makeselfs",
            ..,
        ] => Err("gocross makes no OS packages or installers besides deb, rpm and apk"),
        ["docker_signs" | "binary_signs" | "notarize", ..] => Err(
            "gocross signs only checksums.txt (`release.sign`); its workflow attests build provenance (`release.attest`)",
        ),
        ["sboms", ..] => Err("`release.sbom: true` writes a CycloneDX SBOM per binary instead"),
        ["changelog", ..] => Err(
            "gocross's release notes list the targets; `gocross release --notes FILE` adds yours",
        ),
        ["snapshot" | "nightly", ..] => {
            Err("gocross stamps `git describe --tags` (or --version) as the version")
        }
        ["gomod", ..] => Err("gocross builds from the checked-out module"),
        ["includes" | "variables" | "template_files", ..] => {
            Err("gocross reads this file alone: write what it includes into gocross.yaml by hand")
        }
        ["dist", ..] => Err("gocross builds into dist/ (`gocross build --dist DIR`)"),
        _ => Err("gocross has no equivalent"),
    }
}

/// One note per key that is not carried over, parents before children (a child of a key
/// that is not carried over is not named again).
fn unmapped_keys(keys: &[Key]) -> Vec<Note> {
    let mut notes = Vec::new();
    let mut dropped: Vec<&str> = Vec::new();
    for key in keys {
        if dropped
            .iter()
            .any(|d| key.path.starts_with(d) && key.path[d.len()..].starts_with(['.', '[']))
        {
            continue;
        }
        if let Err(reason) = carried(&key.names) {
            dropped.push(&key.path);
            notes.push(Note {
                line: key.line,
                key: key.path.clone(),
                message: reason.to_string(),
            });
        }
    }
    notes
}

#[cfg(test)]
mod tests;
