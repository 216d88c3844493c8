//! Multi-arch container images from the verified binaries, with no Docker daemon.
//!
//! The steps of `gocross image build`, each in its module:
//! 1. [`checked_binaries`]: the image's targets (`image.platforms`, else every configured linux target)
//!    looked up in dist/manifest.json — the contract with the build, never a walk of dist/ —
//!    and refused, each with its fix, when a binary failed its audit or verification, changed
//!    since the build, is dynamically linked on `scratch`, or has no container-image platform
//!    ([`crate::targets::Target::oci_platform`], the one table of that mapping);
//! 2. [`base`] (only for a base other than `scratch`): the base's index pulled by the pinned
//!    digest, and its image for each platform; a missing platform is named;
//! 3. [`assemble`](mod@assemble): per platform, the layers ([`layer`]: reproducible tars, gzipped without a
//!    name or time), the config (the labels from [`labels`]), the manifest and the SBOM
//!    artifact that refers to it; then the image index;
//! 4. [`layout`]: the OCI image layout written to dist/image/ as a whole.
//!
//! `gocross image push` ([`push`]) sends the layout through [`registry`] (gocross's own
//! distribution requests, with its credentials, transport, retry and body-size rules); `gocross
//! image dockerfile` ([`dockerfile`]) writes a Dockerfile for `docker buildx` that copies the
//! same binaries. JSON documents use the `oci-spec` types.

pub mod assemble;
pub mod base;
pub mod binaries;
pub mod dockerfile;
pub mod labels;
pub mod layer;
pub mod layout;
pub mod push;
pub mod registry;

pub use assemble::{Assembled, ImageSpec, PlatformImage, assemble};
pub use binaries::{Selected, checked_binaries};
pub use labels::SourceFacts;
pub use layout::Layout;
pub use push::PushReport;

use crate::config::{Config, ImageConfig, image as image_config};
use crate::manifest::Manifest;
use crate::table::{Align, Cell, Output, Table};
use crate::targets::Target;
use std::path::PathBuf;

/// The layout's directory inside dist/.
pub const LAYOUT_DIR: &str = "image";

/// Everything that can stop an image build or push. Messages say what to do.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// gocross.yaml has no `image:`.
    #[error(
        "gocross.yaml has no `image:` section: add one (`image: {{repository: ghcr.io/OWNER/NAME}}` is enough)"
    )]
    NotConfigured,
    /// dist/ cannot become an image; each line says what and how to fix it.
    #[error("{} cannot become an image:\n{}", dist.display(), problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    NotReady {
        /// dist/.
        dist: PathBuf,
        /// Each problem, with its fix.
        problems: Vec<String>,
    },
    /// The base image cannot be used.
    #[error("base image {base}: {why}")]
    Base {
        /// The base's reference.
        base: String,
        /// Why.
        why: String,
    },
    /// A reference does not parse.
    #[error("`{reference}` is not an image reference: {why}")]
    Reference {
        /// The reference.
        reference: String,
        /// Why.
        why: String,
    },
    /// The image layout cannot be read.
    #[error("{} is not an image layout gocross can push: {why}", dir.display())]
    Layout {
        /// Its directory.
        dir: PathBuf,
        /// Why.
        why: String,
    },
    /// The registry refused the credentials.
    #[error(
        "{host} refused {what} with the credentials ({credentials}): {why}; check GOCROSS_REGISTRY_USERNAME/_PASSWORD (or GITHUB_TOKEN and `permissions: packages: write` for ghcr.io); nothing was tagged"
    )]
    Denied {
        /// The registry.
        host: String,
        /// What was refused.
        what: String,
        /// Where the credentials came from (never their value).
        credentials: String,
        /// The registry's answer.
        why: String,
    },
    /// A registry request failed.
    #[error("{what}: {why}; nothing was tagged, run the push again")]
    Registry {
        /// The request.
        what: String,
        /// The failure.
        why: String,
    },
    /// No repository to push to.
    #[error(
        "no repository to push to: set `image.repository` in gocross.yaml or pass --repository"
    )]
    NoRepository,
    /// A tag template cannot be filled (the reason).
    #[error("{0}")]
    Placeholder(String),
    /// A file cannot be written.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
}

/// The `image:` section, or [`ImageError::NotConfigured`].
pub fn image_config(config: &Config) -> Result<&ImageConfig, ImageError> {
    config
        .image
        .as_ref()
        .map(|image| &image.value)
        .ok_or(ImageError::NotConfigured)
}

/// The image's targets in order: `image.platforms`, else every configured linux target.
pub fn targets(config: &Config, image: &ImageConfig) -> Vec<Target> {
    image.targets(&config.targets())
}

/// The binary the image runs: `image.binary`, else the first of gocross.yaml's binaries
/// (the project without `binaries:`).
pub fn binary(config: &Config, image: &ImageConfig) -> String {
    image
        .binary
        .as_ref()
        .map(|b| b.value.clone())
        .unwrap_or_else(|| config.binary_names().swap_remove(0))
}

/// `manifest` with only the artifacts of `binary` (an artifact of an older manifest, which
/// names no binary, is the project's), for [`checked_binaries`].
pub fn only_binary(manifest: &Manifest, binary: &str) -> Manifest {
    let mut m = manifest.clone();
    m.artifacts
        .retain(|a| a.binary == binary || (a.binary.is_empty() && manifest.project == binary));
    m
}

/// The spec of the image from gocross.yaml: the binary ([`binary`]) at `/<binary>`, the
/// entrypoint (default that path), the user and the extra labels.
pub fn spec(config: &Config, image: &ImageConfig) -> ImageSpec {
    let binary_path = format!("/{}", binary(config, image));
    ImageSpec {
        entrypoint: image
            .entrypoint
            .clone()
            .unwrap_or_else(|| vec![binary_path.clone()]),
        binary_path,
        user: image.uid_gid(),
        labels: image.labels.clone(),
    }
}

/// Whether a version is a prerelease: SemVer's `-` suffix (`1.2.0-rc.1`), which also marks a
/// `git describe` between tags (`1.2.0-3-gabcdef0`) and `0.0.0-dev`.
pub fn is_prerelease(version: &str) -> bool {
    version.contains('-')
}

/// The repository to push to: `cli` (`--repository`), else `image.repository`, with
/// `{{version}}`, `{{commit}}` and `{{env.NAME}}` filled; the path is lowercased (registries
/// take only lowercase, and `GITHUB_REPOSITORY` may not be).
pub fn repository(
    image: &ImageConfig,
    cli: Option<&str>,
    values: image_config::Placeholders<'_>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<String, ImageError> {
    let template = cli
        .map(str::to_string)
        .or_else(|| image.repository.clone())
        .ok_or(ImageError::NoRepository)?;
    let expanded = image_config::expand(&template, values, env).map_err(ImageError::Placeholder)?;
    let expanded = match expanded.split_once('/') {
        Some((host, path)) if host.contains(['.', ':']) || host == "localhost" => {
            format!("{host}/{}", path.to_ascii_lowercase())
        }
        _ => expanded.to_ascii_lowercase(),
    };
    if !image_config::is_repository(&expanded) {
        return Err(ImageError::Placeholder(format!(
            "`{expanded}` is not a repository: write [HOST[:PORT]/]PATH, e.g. ghcr.io/acme/hello"
        )));
    }
    Ok(expanded)
}

/// The tags to push: `cli` (`--tag`) when given, else `image.tags`, filled; `latest` dropped
/// for a prerelease version unless `image.prerelease_latest` (a `--tag latest` is kept);
/// duplicates removed, order kept.
pub fn tags(
    image: &ImageConfig,
    cli: &[String],
    values: image_config::Placeholders<'_>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<String>, ImageError> {
    let from_config = cli.is_empty();
    let templates = if from_config {
        image.tags.clone()
    } else {
        cli.to_vec()
    };
    let mut out: Vec<String> = Vec::new();
    for t in templates {
        let tag = image_config::expand(&t, values, env).map_err(ImageError::Placeholder)?;
        if !image_config::is_tag(&tag) {
            return Err(ImageError::Placeholder(format!(
                "`{tag}` is not a tag: letters, digits, `_`, `.` and `-`, at most 128, not starting with `.` or `-`"
            )));
        }
        if from_config
            && tag == "latest"
            && is_prerelease(values.version)
            && !image.prerelease_latest
        {
            continue;
        }
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    Ok(out)
}

/// The platforms of a push, one row each. Markdown: Platform, Digest, Size. Terminal:
/// PLATFORM, DIGEST, SIZE, SBOM (`referrer`, `referrer (tag schema)`, `-`).
pub fn platforms_table(report: &PushReport, output: Output) -> Table {
    let mut table = match output {
        Output::Markdown => Table::new(["Platform", "Digest", "Size"]).align(2, Align::Right),
        Output::Terminal => Table::new(["PLATFORM", "DIGEST", "SIZE", "SBOM"]),
    };
    for p in &report.platforms {
        let mut row = vec![
            Cell::text(&p.platform),
            Cell::code(&p.digest),
            Cell::text(indicatif::HumanBytes(p.size).to_string()),
        ];
        if output == Output::Terminal {
            row.push(Cell::text(match p.sbom_listing {
                Some(push::ReferrerListing::Listed) => "referrer",
                Some(push::ReferrerListing::TagSchema) => "referrer (tag schema)",
                None => "-",
            }));
        }
        table.push(row);
    }
    table
}

/// The step-summary Markdown of a push: the image, then one row per platform
/// ([`platforms_table`]).
pub fn summary_markdown(report: &PushReport) -> String {
    format!(
        "### Container image\n\n`{}`\n\ntags: {}\n\n{}",
        report.image,
        if report.tags.is_empty() {
            "none".to_string()
        } else {
            report
                .tags
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", ")
        },
        platforms_table(report, Output::Markdown).render(Output::Markdown)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_is_for_releases_only() {
        let image = ImageConfig::default();
        let none = |_: &str| None;
        let v = |version| image_config::Placeholders {
            version,
            commit: "abc",
            project: "hello",
        };
        assert_eq!(
            tags(&image, &[], v("1.2.3"), &none).unwrap(),
            ["1.2.3", "latest"]
        );
        assert_eq!(
            tags(&image, &[], v("1.3.0-rc.1"), &none).unwrap(),
            ["1.3.0-rc.1"]
        );
        let eager = ImageConfig {
            prerelease_latest: true,
            ..ImageConfig::default()
        };
        assert_eq!(
            tags(&eager, &[], v("0.0.0-dev"), &none).unwrap(),
            ["0.0.0-dev", "latest"]
        );
        assert_eq!(
            tags(
                &image,
                &["latest".into(), "edge".into()],
                v("1.0.0-1-gabc"),
                &none
            )
            .unwrap(),
            ["latest", "edge"]
        );
        assert!(tags(&image, &["bad tag".into()], v("1.0.0"), &none).is_err());
    }

    #[test]
    fn repositories_are_filled_and_lowercased() {
        let image = ImageConfig {
            repository: Some("ghcr.io/{{env.GITHUB_REPOSITORY}}".into()),
            ..ImageConfig::default()
        };
        let env = |k: &str| (k == "GITHUB_REPOSITORY").then(|| "Acme/Age".to_string());
        let v = image_config::Placeholders {
            version: "1.0.0",
            commit: "abc",
            project: "hello",
        };
        assert_eq!(
            repository(&image, None, v, &env).unwrap(),
            "ghcr.io/acme/age"
        );
        assert_eq!(
            repository(&image, Some("localhost:5000/x"), v, &env).unwrap(),
            "localhost:5000/x"
        );
        assert!(matches!(
            repository(&ImageConfig::default(), None, v, &env),
            Err(ImageError::NoRepository)
        ));
    }
}
