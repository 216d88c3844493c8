//! The distribution channels a tag release feeds besides its GitHub release: a Homebrew
//! formula (`homebrew:`, [`homebrew`]) and a Scoop manifest (`scoop:`, [`scoop`]), each
//! pointing at the release's own assets by URL and SHA-256, and pushed to a tap or bucket
//! repository through GitHub's contents API ([`contents`]).
//!
//! `gocross release` runs them in two halves, so that nothing is sent before everything is
//! known to work:
//! 1. [`prepare`], before the release's first request: each channel's token variable is read
//!    (unset: an error naming it and how a workflow passes it), its file rendered from the
//!    checked assets and written to `dist/homebrew/NAME.rb` or `dist/scoop/NAME.json`, where
//!    a user can read it before anything is pushed;
//! 2. [`push`], once the release is published: each file goes to its repository, created or
//!    updated in place, and not sent at all when the repository already holds it (a re-run
//!    converges).
//!
//! A platform's download is its archive when the target has one, else its bare binary (a
//! project of one command; several commands need `archives:`, since Homebrew and Scoop fetch
//! one file per platform).

pub mod contents;
pub mod homebrew;
pub mod scoop;

use crate::config::{ChannelRepository, Config};
use crate::dist::{self, DistError};
use crate::github::client::{ClientError, Repo};
use crate::github::release::ExpectedAsset;
use crate::manifest::Manifest;
use crate::targets::{Goarch, Goos, Target};
use std::path::{Path, PathBuf};

/// Why a channel cannot be fed.
#[derive(Debug, thiserror::Error)]
pub enum ChannelError {
    /// The section's token variable is unset or empty (checked before the first request).
    #[error(
        "`{section}` pushes with the token in {var}, which is not set: in the workflow's release step, add `env: {var}: ${{{{ secrets.{var} }}}}` (a repository secret holding a token that can write to {repository}); locally, export it"
    )]
    NoToken {
        /// `homebrew` or `scoop`.
        section: &'static str,
        /// The variable `token_env` names.
        var: String,
        /// The tap or bucket, `owner/name`.
        repository: String,
    },
    /// The release lacks an asset the formula or manifest needs (an archive of a target it
    /// installs on, or checksums.txt).
    #[error("`{section}`: {why}")]
    Assets {
        /// `homebrew` or `scoop`.
        section: &'static str,
        /// What is missing, with the fix.
        why: String,
    },
    /// The formula or manifest could not be rendered.
    #[error("cannot render the {what}: {why}")]
    Render {
        /// `Homebrew formula` or `Scoop manifest`.
        what: &'static str,
        /// The renderer's error.
        why: String,
    },
    /// Its copy in dist/ could not be written.
    #[error(transparent)]
    Write(#[from] DistError),
    /// The file changed in the repository between gocross's read and its write.
    #[error(
        "{path} in {repository} changed while gocross updated it (HTTP 409, a stale sha): run the release again"
    )]
    Stale {
        /// The tap or bucket, `owner/name`.
        repository: String,
        /// The file's path in it.
        path: String,
    },
    /// The contents API refused or failed.
    #[error(transparent)]
    Api(#[from] ClientError),
}

/// One file for one repository, rendered and written to dist/, waiting to be pushed.
#[derive(Debug)]
pub struct Prepared {
    /// `homebrew` or `scoop`: the gocross.yaml section.
    pub section: &'static str,
    /// The tap or bucket repository.
    pub repository: Repo,
    /// The token read from the section's `token_env` ([`crate::secrets::var`]).
    pub token: String,
    /// The file's path in the repository: `Formula/NAME.rb`, `bucket/NAME.json`.
    pub path: String,
    /// The copy in dist/.
    pub local: PathBuf,
    /// The file's bytes, as written to `local`.
    pub content: Vec<u8>,
    /// The commit message: `NAME TAG`.
    pub message: String,
}

/// What the release published, as the channels' files point at it.
#[derive(Debug, Clone)]
pub struct Release<'a> {
    /// The merged manifest of dist/.
    pub manifest: &'a Manifest,
    /// The release's assets, as [`crate::github::release::expected_assets`] checked them.
    pub assets: &'a [ExpectedAsset],
    /// The tag, e.g. `v1.2.3`.
    pub tag: &'a str,
    /// The repository the release belongs to.
    pub repository: &'a Repo,
    /// The web server's URL, `https://github.com` (`GITHUB_SERVER_URL` in a workflow).
    pub server: &'a str,
}

impl Release<'_> {
    /// `https://github.com/OWNER/NAME`.
    pub fn homepage(&self) -> String {
        format!(
            "{}/{}/{}",
            self.server.trim_end_matches('/'),
            self.repository.owner,
            self.repository.name
        )
    }

    /// The download URL of the asset `name`:
    /// `https://github.com/OWNER/NAME/releases/download/TAG/ASSET`.
    pub fn url(&self, name: &str) -> String {
        format!("{}/releases/download/{}/{name}", self.homepage(), self.tag)
    }

    /// The download of the target `goos`/`goarch` (the one without a variant first): its
    /// archive, or its one released binary. `None` when no such target was built.
    ///
    /// Errors: a target of several commands without an archive, an asset the release does not
    /// upload.
    pub fn download(
        &self,
        section: &'static str,
        goos: Goos,
        goarch: Goarch,
    ) -> Result<Option<Download>, ChannelError> {
        let mut targets: Vec<Target> = self
            .manifest
            .artifacts
            .iter()
            .filter_map(|a| a.target.parse::<Target>().ok())
            .filter(|t| t.goos() == goos && t.goarch() == goarch)
            .collect();
        targets.sort_by_key(|t| (t.variant.is_some(), t.to_string()));
        let Some(target) = targets.first().map(Target::to_string) else {
            return Ok(None);
        };
        let fail = |why: String| ChannelError::Assets { section, why };
        let (name, file, binaries) = match self
            .manifest
            .archives
            .iter()
            .find(|x| x.target == target)
        {
            Some(archive) => {
                let binaries = archive
                    .binaries
                    .iter()
                    .map(|output| self.binary_of(output))
                    .collect();
                (archive.name.clone(), None, binaries)
            }
            None => {
                let released: Vec<_> = self
                    .manifest
                    .artifacts
                    .iter()
                    .filter(|a| a.target == target && a.released)
                    .collect();
                match released.as_slice() {
                    [one] => (
                        one.name.clone(),
                        Some(one.name.clone()),
                        vec![self.binary_of(&one.name)],
                    ),
                    _ => {
                        return Err(fail(format!(
                            "{target} has {} released binaries and no archive, but a package manager downloads one file per platform: configure `archives:`",
                            released.len()
                        )));
                    }
                }
            }
        };
        let asset = self.assets.iter().find(|a| a.name == name).ok_or_else(|| {
            fail(format!(
                "{name} is not among the release's assets: run `gocross build` again"
            ))
        })?;
        Ok(Some(Download {
            url: self.url(&asset.name),
            sha256: asset.sha256.clone(),
            asset: asset.name.clone(),
            bare: file,
            binaries,
        }))
    }

    /// The command name of the artifact file `output` (`binaries[].name`, else the project).
    fn binary_of(&self, output: &str) -> String {
        self.manifest
            .artifacts
            .iter()
            .find(|a| a.name == output)
            .map(|a| a.binary.clone())
            .filter(|b| !b.is_empty())
            .unwrap_or_else(|| self.manifest.project.clone())
    }
}

/// One platform's file, as a package manager fetches it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    /// The asset's download URL.
    pub url: String,
    /// Its SHA-256, lowercase hex.
    pub sha256: String,
    /// The asset's name.
    pub asset: String,
    /// `Some(asset name)` when the download is a bare binary rather than an archive.
    pub bare: Option<String>,
    /// The commands it holds (archives hold them by these names).
    pub binaries: Vec<String>,
}

/// The description, home page and license the channels show: `packages:`' when set, else
/// the release repository's page and no description or license.
#[derive(Debug, Clone)]
pub struct About {
    /// The formula's and manifest's name: `packages.name`, else the project.
    pub name: String,
    /// `packages.description`'s first line.
    pub description: Option<String>,
    /// `packages.homepage`, else `<server>/<owner>/<repo>`.
    pub homepage: String,
    /// `packages.license` (an SPDX id).
    pub license: Option<String>,
}

impl About {
    /// From gocross.yaml and the release.
    pub fn of(config: &Config, release: &Release<'_>) -> About {
        let packages = config.packages.as_ref().map(|p| &p.value);
        About {
            name: config.project.to_ascii_lowercase(),
            description: packages.map(|p| p.description.trim().to_string()),
            homepage: packages
                .and_then(|p| p.homepage.clone())
                .unwrap_or_else(|| release.homepage()),
            license: packages.and_then(|p| p.license.clone()),
        }
    }
}

/// The token of a channel section, read as gocross was started with it.
fn token(
    section: &'static str,
    channel: &ChannelRepository,
    var: &str,
) -> Result<String, ChannelError> {
    crate::secrets::var(var)
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| ChannelError::NoToken {
            section,
            var: var.to_string(),
            repository: channel.repository.clone(),
        })
}

/// Step 1 (see the module docs): for each configured channel, its token, and its file
/// rendered from `release` and written under `dist` (`homebrew/NAME.rb`, `scoop/NAME.json`).
/// Sends nothing.
///
/// Errors: an unset token variable, a platform without a single download, a write error.
pub fn prepare(
    config: &Config,
    release: &Release<'_>,
    dist: &Path,
) -> Result<Vec<Prepared>, ChannelError> {
    let about = About::of(config, release);
    let mut out = Vec::new();
    let message = format!("{} {}", about.name, release.tag);
    if let (Some(channel), Some(var)) = (&config.homebrew, config.homebrew_token_env()) {
        let token = token("homebrew", &channel.value, var)?;
        let content = homebrew::formula(&about, release)?;
        let file = format!("{}.rb", about.name);
        out.push(Prepared {
            section: "homebrew",
            repository: repo(&channel.value),
            token,
            path: format!("Formula/{file}"),
            local: write(dist, "homebrew", &file, content.as_bytes())?,
            content: content.into_bytes(),
            message: message.clone(),
        });
    }
    if let (Some(channel), Some(var)) = (&config.scoop, config.scoop_token_env()) {
        let token = token("scoop", &channel.value, var)?;
        let content = scoop::manifest(&about, release, config.release.checksums)?;
        let file = format!("{}.json", about.name);
        out.push(Prepared {
            section: "scoop",
            repository: repo(&channel.value),
            token,
            path: format!("bucket/{file}"),
            local: write(dist, "scoop", &file, content.as_bytes())?,
            content: content.into_bytes(),
            message,
        });
    }
    Ok(out)
}

fn repo(channel: &ChannelRepository) -> Repo {
    let (owner, name) = channel.owner_and_name();
    Repo {
        owner: owner.to_string(),
        name: name.to_string(),
    }
}

/// Writes `dist/<dir>/<file>` atomically; returns its path.
fn write(dist: &Path, dir: &str, file: &str, bytes: &[u8]) -> Result<PathBuf, ChannelError> {
    let path = dist.join(dir).join(file);
    std::fs::create_dir_all(dist.join(dir)).map_err(|cause| DistError::Write {
        path: dist.join(dir),
        cause,
    })?;
    dist::write_atomic(&path, bytes)?;
    Ok(path)
}

/// Step 2 (see the module docs): pushes `prepared` to its repository with its own token.
/// Must run inside a tokio runtime.
///
/// Errors: those of [`contents::put_file`].
pub async fn push(
    prepared: &Prepared,
    endpoints: crate::github::client::Endpoints,
    retry: crate::github::client::RetryPolicy,
    progress: std::sync::Arc<crate::github::client::Progress>,
) -> Result<contents::Outcome, ChannelError> {
    let settings = crate::github::client::Settings {
        token: crate::github::client::Token::new(&prepared.token)?,
        repo: prepared.repository.clone(),
        endpoints,
        retry,
    };
    let client = crate::github::client::Client::new(settings, progress)?;
    contents::put_file(
        &client,
        &prepared.path,
        &prepared.content,
        &prepared.message,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::Artifact;
    use std::path::PathBuf;

    fn artifact(target: &str, binary: &str, name: &str) -> Artifact {
        Artifact {
            target: target.into(),
            binary: binary.into(),
            released: true,
            name: name.into(),
            path: name.into(),
            sha256: format!("{:0>64}", name.len()),
            ..Artifact::default()
        }
    }

    fn assets(manifest: &Manifest) -> Vec<ExpectedAsset> {
        manifest
            .artifacts
            .iter()
            .map(|a| ExpectedAsset {
                name: a.name.clone(),
                path: PathBuf::from(&a.name),
                size: 1,
                sha256: a.sha256.clone(),
                content_type: "application/octet-stream",
            })
            .collect()
    }

    fn about() -> About {
        About {
            name: "hello".into(),
            description: Some("Says \"hi\" to #{you}".into()),
            homepage: "https://github.com/o/r".into(),
            license: Some("MIT".into()),
        }
    }

    #[test]
    fn bare_binaries_of_one_command_are_installed_by_glob_and_renamed_for_scoop() {
        let manifest = Manifest {
            project: "hello".into(),
            version: "1.0.0".into(),
            artifacts: vec![
                artifact("darwin/arm64", "hello", "hello_darwin_arm64"),
                artifact("linux/amd64", "hello", "hello_linux_amd64"),
                artifact("windows/amd64", "hello", "hello_windows_amd64.exe"),
            ],
            ..Manifest::default()
        };
        let assets = assets(&manifest);
        let repo: Repo = "o/r".parse().unwrap();
        let release = Release {
            manifest: &manifest,
            assets: &assets,
            tag: "v1.0.0",
            repository: &repo,
            server: "https://github.com",
        };
        let formula = homebrew::formula(&about(), &release).unwrap();
        assert!(
            formula.contains(r#"desc "Says \"hi\" to \#{you}""#),
            "{formula}"
        );
        assert!(
            formula.contains(r#"bin.install Dir["hello_*"].first => "hello""#),
            "{formula}"
        );
        assert!(formula.contains("/releases/download/v1.0.0/hello_darwin_arm64\""));
        // No darwin/amd64 build: macOS has only its `on_arm` block.
        assert_eq!(formula.matches("on_intel do").count(), 1, "{formula}");
        let scoop: serde_json::Value =
            serde_json::from_str(&scoop::manifest(&about(), &release, true).unwrap()).unwrap();
        assert_eq!(
            scoop["architecture"]["64bit"]["url"],
            "https://github.com/o/r/releases/download/v1.0.0/hello_windows_amd64.exe#/hello.exe"
        );
        assert_eq!(scoop["bin"], serde_json::json!(["hello.exe"]));
        assert_eq!(scoop["license"], "MIT");
    }

    #[test]
    fn several_bare_commands_need_archives() {
        let manifest = Manifest {
            project: "ship".into(),
            version: "1.0.0".into(),
            artifacts: vec![
                artifact("linux/amd64", "ship", "ship_linux_amd64"),
                artifact("linux/amd64", "ship-keygen", "ship-keygen_linux_amd64"),
            ],
            ..Manifest::default()
        };
        let assets = assets(&manifest);
        let repo: Repo = "o/r".parse().unwrap();
        let release = Release {
            manifest: &manifest,
            assets: &assets,
            tag: "v1.0.0",
            repository: &repo,
            server: "https://github.com",
        };
        let err = homebrew::formula(&about(), &release)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("linux/amd64 has 2 released binaries and no archive")
                && err.contains("configure `archives:`"),
            "{err}"
        );
        let err = scoop::manifest(&about(), &release, true)
            .unwrap_err()
            .to_string();
        assert!(err.contains("add windows/amd64 to `targets`"), "{err}");
    }
}
