//! gocross.yaml's `image:` section: the multi-arch container image made from the verified
//! binaries (`gocross image build`, `gocross image push`), and its validation.
//!
//! What passes here names a repository and tags a registry accepts once the placeholders are
//! filled, a base that is `scratch` or pinned by digest, a numeric user, and platforms that
//! are configured Linux targets with a container-image platform
//! ([`crate::targets::Target::oci_platform`]). Each rule about one value is a parse function
//! that its field names (see `validate.rs`), so it is reported at that value; the rules that
//! need the configured targets or the project are `validate`, at the `Spanned` value.

use super::error::ConfigError;
use super::validate;
use crate::targets::Target;
use crate::template::{Placeholder, Template, Values};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::path::Path;

/// The base image written as `base: scratch`: nothing but the image's own layers.
pub const SCRATCH: &str = "scratch";

/// The user the image runs as by default: distroless's `nonroot`.
pub const DEFAULT_USER: &str = "65532:65532";

/// The `image:` section. Absent: no image.
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ImageConfig {
    /// Where `gocross image push` goes, e.g. `ghcr.io/acme/age`; `{{env.NAME}}` is filled from
    /// the environment (`ghcr.io/{{env.GITHUB_REPOSITORY}}`). `--repository` wins.
    #[serde(default, deserialize_with = "repository")]
    pub repository: Option<String>,
    /// Tags of the pushed index; `{{version}}`, `{{commit}}` and `{{env.NAME}}` are filled.
    /// `latest` is left out for a prerelease version (one with a `-`, such as `1.2.0-rc.1`
    /// or a `git describe` between tags) unless `prerelease_latest` is true. Default
    /// `["{{version}}", "latest"]`.
    #[serde(default = "default_tags", deserialize_with = "tags")]
    pub tags: Vec<String>,
    /// Also tag prerelease versions `latest`. Default false.
    #[serde(default)]
    pub prerelease_latest: bool,
    /// `scratch` (default) or an image index pinned by digest, e.g.
    /// `gcr.io/distroless/static-debian12@sha256:<64 hex>`: each platform's image of it gets
    /// the binary layer appended.
    #[serde(default = "default_base", deserialize_with = "base")]
    pub base: String,
    /// The binary that is the entrypoint: one of `binaries`, else `project`. Default: the
    /// first binary (`project` without `binaries`).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub binary: Option<Spanned<String>>,
    /// The entrypoint. Default `["/<binary>"]`.
    #[serde(default, deserialize_with = "entrypoint")]
    pub entrypoint: Option<Vec<String>>,
    /// `UID[:GID]`, numeric, the image runs as. Default `65532:65532` (nonroot).
    #[serde(default = "default_user", deserialize_with = "user")]
    pub user: String,
    /// Labels added to the `org.opencontainers.image.*` ones gocross fills (a key set here
    /// wins).
    #[serde(default, deserialize_with = "labels")]
    pub labels: BTreeMap<String, String>,
    /// Targets in the image. Default: every configured linux target.
    #[serde(default, deserialize_with = "platforms")]
    #[schemars(with = "Vec<String>")]
    pub platforms: Vec<Spanned<Target>>,
    /// The generated workflow pushes the image on pushes to the default branch too, not only
    /// on tags. Default false.
    #[serde(default)]
    pub push_branch: bool,
    /// Take binaries that were not verified (not run on their target, or built without
    /// `verify:`), each said on the terminal and marked with the
    /// `dev.gocross.image.unverified` label. Default false: only verified binaries.
    #[serde(default)]
    pub allow_unverified: bool,
}

impl Default for ImageConfig {
    fn default() -> Self {
        ImageConfig {
            repository: None,
            tags: default_tags(),
            prerelease_latest: false,
            base: default_base(),
            binary: None,
            entrypoint: None,
            user: default_user(),
            labels: BTreeMap::new(),
            platforms: Vec::new(),
            push_branch: false,
            allow_unverified: false,
        }
    }
}

fn default_tags() -> Vec<String> {
    vec!["{{version}}".into(), "latest".into()]
}
fn default_base() -> String {
    SCRATCH.into()
}
fn default_user() -> String {
    DEFAULT_USER.into()
}

impl ImageConfig {
    /// Whether the base is `scratch`.
    pub fn is_scratch(&self) -> bool {
        self.base == SCRATCH
    }

    /// The user as (uid, gid); the gid is the uid when not written.
    pub fn uid_gid(&self) -> (u32, u32) {
        parse_user(&self.user).unwrap_or((65532, 65532))
    }

    /// The image's targets: `platforms`, else every configured linux target.
    pub fn targets(&self, configured: &[Target]) -> Vec<Target> {
        if self.platforms.is_empty() {
            configured
                .iter()
                .filter(|t| t.goos() == crate::targets::Goos::Linux)
                .copied()
                .collect()
        } else {
            self.platforms.iter().map(|p| p.value).collect()
        }
    }
}

/// `UID[:GID]` as numbers.
fn parse_user(user: &str) -> Option<(u32, u32)> {
    let (uid, gid) = match user.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (user, None),
    };
    let uid: u32 = uid.parse().ok()?;
    let gid: u32 = match gid {
        Some(g) => g.parse().ok()?,
        None => uid,
    };
    Some((uid, gid))
}

/// The placeholders `repository` and `tags` may hold, filled by [`expand`].
#[derive(Debug, Clone, Copy)]
pub struct Placeholders<'a> {
    /// `{{version}}`.
    pub version: &'a str,
    /// `{{commit}}`.
    pub commit: &'a str,
    /// `{{project}}`.
    pub project: &'a str,
}

/// Fills the placeholders of [`Placeholder::IMAGE`] (`{{version}}`, `{{commit}}`,
/// `{{short_commit}}`, `{{project}}`, `{{env.NAME}}`) in `template`, through
/// [`crate::template`]; `env` looks a variable up.
/// Errors: an unknown placeholder, an unclosed `{{`, an unset or empty variable.
pub fn expand(
    template: &str,
    values: Placeholders<'_>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<String, String> {
    let parsed = Template::parse(template, Placeholder::IMAGE).map_err(|e| e.to_string())?;
    parsed
        .render(
            &Values {
                version: values.version,
                tag: "",
                commit: values.commit,
                date: "",
                project: values.project,
                binary: None,
                target: None,
            },
            env,
        )
        .map_err(|e| e.to_string())
}

/// Whether `tag` is an OCI distribution-spec tag: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`.
pub fn is_tag(tag: &str) -> bool {
    let mut chars = tag.chars();
    tag.len() <= 128
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// Whether `repository` is `[HOST[:PORT]/]PATH` with the distribution spec's lowercase path
/// components (`[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`).
pub fn is_repository(repository: &str) -> bool {
    let mut parts: Vec<&str> = repository.split('/').collect();
    let first = parts[0];
    if parts.len() > 1 && (first.contains(['.', ':']) || first == "localhost") {
        let host_ok = first
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
            && !first.is_empty();
        if !host_ok {
            return false;
        }
        parts.remove(0);
    }
    !parts.is_empty() && parts.iter().all(|p| is_path_component(p))
}

fn is_path_component(p: &str) -> bool {
    let bytes = p.as_bytes();
    if bytes.is_empty()
        || !bytes[0].is_ascii_alphanumeric()
        || !bytes[bytes.len() - 1].is_ascii_alphanumeric()
    {
        return false;
    }
    p.chars()
        .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase() || matches!(c, '.' | '_' | '-'))
        && !p.contains("..")
        && !p.contains("___")
        && !p.contains("._")
        && !p.contains("_.")
}

/// Whether `base` is pinned by digest: `NAME@sha256:<64 lowercase hex>`.
pub fn is_pinned_image(base: &str) -> bool {
    base.rsplit_once("@sha256:").is_some_and(|(name, hex)| {
        !name.is_empty()
            && hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// The stand-in values placeholders are checked with; the real ones come at push time.
fn sample(template: &str) -> Result<String, String> {
    let values = Placeholders {
        version: "1.0.0",
        commit: "0123456789abcdef0123456789abcdef01234567",
        project: "project",
    };
    expand(template, values, &|_: &str| Some("env".to_string()))
}

/// `image.repository`: `[HOST[:PORT]/]PATH` once its placeholders are filled.
fn repository<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    validate::optional(d, |repo: &String| {
        if is_repository(&sample(repo)?) {
            Ok(())
        } else {
            Err(format!(
                "`{repo}` is not a repository: write [HOST[:PORT]/]PATH in lowercase, e.g. ghcr.io/acme/hello"
            ))
        }
    })
}

/// `image.tags`: at least one, each a tag once its placeholders are filled.
fn tags<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let tags = validate::list(d, |tag: &String, _: &[String]| {
        if is_tag(&sample(tag)?) {
            Ok(())
        } else {
            Err(format!(
                "`{tag}` is not a tag: letters, digits, `_`, `.` and `-`, at most 128, not starting with `.` or `-`"
            ))
        }
    })?;
    if tags.is_empty() {
        return Err(serde::de::Error::custom(
            "list at least one tag, e.g. [\"{{version}}\"]",
        ));
    }
    Ok(tags)
}

/// `image.base`: `scratch` or pinned by digest.
fn base<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    validate::checked(d, |base: &String| {
        if base == SCRATCH || is_pinned_image(base) {
            Ok(())
        } else {
            Err(format!(
                "`{base}` is not pinned: write `scratch` or NAME@sha256:<digest of its index> (`crane digest NAME:TAG` prints it), so that the same source gives the same image"
            ))
        }
    })
}

/// `image.entrypoint`: a program first.
fn entrypoint<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    validate::optional(d, |entrypoint: &Vec<String>| {
        if entrypoint.first().is_none_or(|e| e.trim().is_empty()) {
            Err("the first element is the program to run, e.g. [\"/hello\"]".into())
        } else {
            Ok(())
        }
    })
}

/// `image.user`: `UID[:GID]` in numbers.
fn user<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    validate::checked(d, |user: &String| match parse_user(user) {
        Some(_) => Ok(()),
        None => Err(format!(
            "`{user}` is not UID[:GID] in numbers, e.g. \"65532:65532\" (a scratch image has no user names to look up)"
        )),
    })
}

/// `image.labels`: no empty key.
fn labels<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    validate::keys(d, |key| {
        if key.trim().is_empty() {
            Err("a label key is empty".into())
        } else {
            Ok(())
        }
    })
}

/// `image.platforms`: each listed once, each with a container-image platform (a plain
/// linux/arm is resolved from the binary's build info at image time).
fn platforms<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Spanned<Target>>, D::Error> {
    validate::list(d, |t: &Spanned<Target>, before: &[Spanned<Target>]| {
        if before.iter().any(|b| b.value == t.value) {
            return Err(format!("{} is listed twice", t.value));
        }
        oci_platform(&t.value)
    })
}

/// The target's container-image platform, if it needs one now: a plain linux/arm is resolved
/// from the binary's build info at image time.
fn oci_platform(t: &Target) -> Result<(), String> {
    if t.goarch() == crate::targets::Goarch::Arm && t.variant.is_none() {
        return Ok(());
    }
    t.oci_platform().map(|_| ()).map_err(|e| e.to_string())
}

/// The rules of the `image:` section that need the configured targets and the project:
/// `platforms` lists configured targets, the image has at least one, each of the configured
/// linux targets it takes by default has a container-image platform, and `binary` is one of
/// the configured binaries (`binaries`: the names every target builds). Errors point at the offending value, or at the section for what it leaves out.
pub(super) fn validate(
    image: &Spanned<ImageConfig>,
    configured: &[Target],
    binaries: &[String],
    path: &Path,
    source: &str,
) -> Result<(), ConfigError> {
    let fail = |place: &serde_saphyr::Location, key: &str, message: String| {
        Err(ConfigError::at(
            path,
            source,
            place,
            format!("key `image.{key}`: {message}"),
        ))
    };
    let section = &image.referenced;
    let image = &image.value;
    if let Some(binary) = &image.binary
        && !binaries.contains(&binary.value)
    {
        return fail(
            &binary.referenced,
            "binary",
            match binaries {
                [one] => format!(
                    "gocross builds one binary, `{one}`: write `binary: {one}` or leave it out"
                ),
                _ => format!(
                    "`{}` is not one of the binaries ({}): write one of them",
                    binary.value,
                    binaries.join(", ")
                ),
            },
        );
    }
    for t in &image.platforms {
        if !configured.contains(&t.value) {
            return fail(
                &t.referenced,
                "platforms",
                format!(
                    "{} is not in `targets`: add it there or remove it here",
                    t.value
                ),
            );
        }
    }
    let targets = image.targets(configured);
    if image.platforms.is_empty() {
        for t in &targets {
            if let Err(message) = oci_platform(t) {
                return fail(section, "platforms", message);
            }
        }
    }
    if targets.is_empty() {
        return fail(
            section,
            "platforms",
            "no linux target is configured, so the image would be empty: add one to `targets`"
                .into(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_expand() {
        let values = Placeholders {
            version: "1.2.3",
            commit: "abc",
            project: "hello",
        };
        let env = |k: &str| (k == "GITHUB_REPOSITORY").then(|| "acme/age".to_string());
        assert_eq!(
            expand("ghcr.io/{{ env.GITHUB_REPOSITORY }}", values, &env).unwrap(),
            "ghcr.io/acme/age"
        );
        assert_eq!(
            expand("v{{version}}-{{commit}}", values, &env).unwrap(),
            "v1.2.3-abc"
        );
        let err = expand("{{env.NOPE}}", values, &env).unwrap_err();
        assert!(err.contains("NOPE is not set"), "{err}");
        let err = expand("{{tagg}}", values, &env).unwrap_err();
        assert!(err.contains("unknown placeholder `{{tagg}}`"), "{err}");
    }

    fn error(src: &str) -> ((u64, u64), String) {
        let module = crate::config::GoMod::parse("module example.com/hello\n").unwrap();
        let err = crate::config::Config::parse(src, Path::new("gocross.yaml"), Some(&module))
            .expect_err("the config is refused");
        (err.location().expect("located"), err.to_string())
    }

    #[test]
    fn image_errors_point_at_their_value() {
        let head = "version: 1\ntargets: [linux/amd64, linux/arm64, windows/amd64]\nimage:\n";
        for (body, at, needle) in [
            (
                "  repository: ghcr.io/a/b\n  base: alpine:3.20\n",
                (5, 9),
                "key `image.base`: `alpine:3.20` is not pinned",
            ),
            (
                "  platforms: [linux/amd64, linux/386]\n",
                (4, 28),
                "key `image.platforms`: linux/386 is not in `targets`",
            ),
            (
                "  platforms: [linux/amd64, linux/amd64]\n",
                (4, 28),
                "key `image.platforms[1]`: linux/amd64 is listed twice",
            ),
            (
                "  platforms: [windows/amd64]\n",
                (4, 15),
                "key `image.platforms[0]`: windows/amd64 has no container-image platform",
            ),
            (
                "  user: nobody\n",
                (4, 9),
                "key `image.user`: `nobody` is not UID[:GID]",
            ),
            (
                "  tags: [latest, \"-x\"]\n",
                (4, 18),
                "key `image.tags[1]`: `-x` is not a tag",
            ),
            (
                "  tags: []\n",
                (4, 9),
                "key `image.tags`: list at least one tag",
            ),
            (
                "  tags: [\"{{tagg}}\"]\n",
                (4, 10),
                "key `image.tags[0]`: unknown placeholder `{{tagg}}`",
            ),
            (
                "  user: '1'\n  binary: other\n",
                (5, 11),
                "key `image.binary`: gocross builds one binary, `hello`",
            ),
            (
                "  repository: GHCR.io/Acme\n",
                (4, 15),
                "key `image.repository`: `GHCR.io/Acme` is not a repository",
            ),
            (
                "  entrypoint: []\n",
                (4, 15),
                "key `image.entrypoint`: the first element is the program to run",
            ),
            (
                "  labels:\n    '': x\n",
                (5, 5),
                "key `image.labels`: a label key is empty",
            ),
            ("  basee: scratch\n", (4, 3), "unknown field `basee`"),
        ] {
            let (place, message) = error(&format!("{head}{body}"));
            assert!(message.contains(needle), "{body}: {message}");
            assert_eq!(place, at, "{body}: {message}");
        }
        let (place, message) = error("version: 1\ntargets: [darwin/arm64]\nimage: {}\n");
        assert!(
            message.contains("key `image.platforms`: no linux target is configured"),
            "{message}"
        );
        assert_eq!(place, (3, 8), "the section: {message}");
        let (place, message) =
            error("version: 1\ntargets: [linux/amd64, linux/arm64/v8.2]\nimage:\n  user: '1'\n");
        assert!(
            message.contains(
                "key `image.platforms`: linux/arm64/v8.2 has no container-image platform"
            ),
            "{message}"
        );
        assert_eq!(place, (4, 3), "the section: {message}");
    }

    #[test]
    fn a_valid_image_section_parses_with_defaults() {
        let module = crate::config::GoMod::parse("module example.com/hello\n").unwrap();
        let c = crate::config::Config::parse(
            "version: 1\ntargets: [linux/amd64, linux/arm/7, darwin/arm64]\nimage:\n  repository: \"ghcr.io/{{env.GITHUB_REPOSITORY}}\"\n",
            Path::new("gocross.yaml"),
            Some(&module),
        )
        .unwrap();
        let image = c.image.clone().unwrap().value;
        assert!(image.is_scratch());
        assert_eq!(image.tags, ["{{version}}", "latest"]);
        assert_eq!(image.uid_gid(), (65532, 65532));
        let targets: Vec<String> = image
            .targets(&c.targets())
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(targets, ["linux/amd64", "linux/arm/7"]);
    }

    #[test]
    fn names_follow_the_distribution_spec() {
        assert!(is_repository("ghcr.io/acme/age"));
        assert!(is_repository("localhost:5000/hello"));
        assert!(is_repository("127.0.0.1:5000/a/b-c"));
        assert!(is_repository("library/alpine"));
        assert!(!is_repository("ghcr.io/Acme/age"));
        assert!(!is_repository("ghcr.io/acme/"));
        assert!(!is_repository("ghcr.io/acme/-x"));
        assert!(is_tag("1.2.3"));
        assert!(is_tag("latest"));
        assert!(!is_tag("-x"));
        assert!(!is_tag("a/b"));
        assert!(is_pinned_image(&format!(
            "gcr.io/distroless/static@sha256:{}",
            "a".repeat(64)
        )));
        assert!(!is_pinned_image("alpine:3.20"));
        assert_eq!(parse_user("65532:65532"), Some((65532, 65532)));
        assert_eq!(parse_user("1000"), Some((1000, 1000)));
        assert_eq!(parse_user("nobody"), None);
    }
}
