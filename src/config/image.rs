//! gocross.yaml's `image:` section: the multi-arch container image made from the verified
//! binaries (`gocross image build`, `gocross image push`), and its validation.
//!
//! What passes here names a repository and tags a registry accepts once the placeholders are
//! filled, a base that is `scratch` or pinned by digest, a numeric user, and platforms that
//! are configured Linux targets with a container-image platform
//! ([`crate::targets::Target::oci_platform`]). Errors point at the line of the key.

use super::located::ConfigError;
use crate::targets::Target;
use schemars::JsonSchema;
use serde::Deserialize;
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
    #[serde(default)]
    pub repository: Option<String>,
    /// Tags of the pushed index; `{{version}}`, `{{commit}}` and `{{env.NAME}}` are filled.
    /// `latest` is left out for a prerelease version (one with a `-`, such as `1.2.0-rc.1`
    /// or a `git describe` between tags) unless `prerelease_latest` is true. Default
    /// `["{{version}}", "latest"]`.
    #[serde(default = "default_tags")]
    pub tags: Vec<String>,
    /// Also tag prerelease versions `latest`. Default false.
    #[serde(default)]
    pub prerelease_latest: bool,
    /// `scratch` (default) or an image index pinned by digest, e.g.
    /// `gcr.io/distroless/static-debian12@sha256:<64 hex>`: each platform's image of it gets
    /// the binary layer appended.
    #[serde(default = "default_base")]
    pub base: String,
    /// The binary that is the entrypoint. gocross builds one binary, `project`, which is also
    /// the default; another name is an error.
    #[serde(default)]
    pub binary: Option<String>,
    /// The entrypoint. Default `["/<binary>"]`.
    #[serde(default)]
    pub entrypoint: Option<Vec<String>>,
    /// `UID[:GID]`, numeric, the image runs as. Default `65532:65532` (nonroot).
    #[serde(default = "default_user")]
    pub user: String,
    /// Labels added to the `org.opencontainers.image.*` ones gocross fills (a key set here
    /// wins).
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Targets in the image. Default: every configured linux target.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub platforms: Vec<Target>,
    /// The generated workflow pushes the image on pushes to the default branch too, not only
    /// on tags. Default false.
    #[serde(default)]
    pub push_branch: bool,
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
            self.platforms.clone()
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
    pub version: &'a str,
    pub commit: &'a str,
}

/// Fills `{{version}}`, `{{commit}}` and `{{env.NAME}}` in `template`; `env` looks a variable
/// up. Errors: an unknown placeholder, an unclosed `{{`, an unset or empty variable.
pub fn expand(
    template: &str,
    values: Placeholders<'_>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<String, String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or_else(|| format!("unclosed `{{{{` in `{template}`: close it with `}}}}`"))?;
        let name = after[..end].trim();
        match name {
            "version" => out.push_str(values.version),
            "commit" => out.push_str(values.commit),
            _ => match name.strip_prefix("env.") {
                Some(var) if is_env_name(var) => match env(var).filter(|v| !v.is_empty()) {
                    Some(value) => out.push_str(&value),
                    None => {
                        return Err(format!(
                            "`{template}` uses {{{{env.{var}}}}}, and {var} is not set: export it"
                        ));
                    }
                },
                _ => {
                    return Err(format!(
                        "unknown placeholder `{{{{{name}}}}}` in `{template}`: write {{{{version}}}}, {{{{commit}}}} or {{{{env.NAME}}}}"
                    ));
                }
            },
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
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

/// The 1-based line of `key:` inside the top-level `image:` mapping (the line of `image:`
/// itself when the key is not written there).
fn line_in_image(source: &str, key: &str) -> u64 {
    let lines: Vec<&str> = source.lines().collect();
    let Some(start) = lines.iter().position(|l| l.starts_with("image:")) else {
        return 1;
    };
    let prefix = format!("{key}:");
    for (i, line) in lines.iter().enumerate().skip(start + 1) {
        let trimmed = line.trim_start();
        if !line.is_empty() && !line.starts_with([' ', '\t', '#']) {
            break;
        }
        if trimmed.starts_with(&prefix) {
            return i as u64 + 1;
        }
    }
    start as u64 + 1
}

/// Checks the `image:` section against the configured targets and project.
pub(super) fn validate(
    image: &ImageConfig,
    configured: &[Target],
    project: &str,
    path: &Path,
    source: &str,
) -> Result<(), ConfigError> {
    let fail = |key: &str, message: String| {
        let line = line_in_image(source, key);
        Err(ConfigError::at(
            path,
            source,
            line,
            1,
            format!("key `image.{key}`: {message}"),
        ))
    };
    // Placeholders are checked with stand-in values; the real ones come at push time.
    let sample = Placeholders {
        version: "1.0.0",
        commit: "0123456789abcdef0123456789abcdef01234567",
    };
    let sample_env = |_: &str| Some("env".to_string());
    if let Some(repo) = &image.repository {
        match expand(repo, sample, &sample_env) {
            Err(e) => return fail("repository", e),
            Ok(r) if !is_repository(&r) => {
                return fail(
                    "repository",
                    format!(
                        "`{repo}` is not a repository: write [HOST[:PORT]/]PATH in lowercase, e.g. ghcr.io/acme/hello"
                    ),
                );
            }
            Ok(_) => {}
        }
    }
    if image.tags.is_empty() {
        return fail(
            "tags",
            "list at least one tag, e.g. [\"{{version}}\"]".into(),
        );
    }
    for tag in &image.tags {
        match expand(tag, sample, &sample_env) {
            Err(e) => return fail("tags", e),
            Ok(t) if !is_tag(&t) => {
                return fail(
                    "tags",
                    format!(
                        "`{tag}` is not a tag: letters, digits, `_`, `.` and `-`, at most 128, not starting with `.` or `-`"
                    ),
                );
            }
            Ok(_) => {}
        }
    }
    if !image.is_scratch() && !is_pinned_image(&image.base) {
        return fail(
            "base",
            format!(
                "`{}` is not pinned: write `scratch` or NAME@sha256:<digest of its index> (`crane digest NAME:TAG` prints it), so that the same source gives the same image",
                image.base
            ),
        );
    }
    if let Some(binary) = &image.binary
        && binary != project
    {
        return fail(
            "binary",
            format!(
                "gocross builds one binary, `{project}`: write `binary: {project}` or leave it out"
            ),
        );
    }
    if let Some(entrypoint) = &image.entrypoint
        && entrypoint.first().is_none_or(|e| e.trim().is_empty())
    {
        return fail(
            "entrypoint",
            "the first element is the program to run, e.g. [\"/hello\"]".into(),
        );
    }
    if parse_user(&image.user).is_none() {
        return fail(
            "user",
            format!(
                "`{}` is not UID[:GID] in numbers, e.g. \"65532:65532\" (a scratch image has no user names to look up)",
                image.user
            ),
        );
    }
    if image.labels.keys().any(|k| k.trim().is_empty()) {
        return fail("labels", "a label key is empty".into());
    }
    let mut seen = Vec::new();
    for t in &image.platforms {
        if !configured.contains(t) {
            return fail(
                "platforms",
                format!("{t} is not in `targets`: add it there or remove it here"),
            );
        }
        if seen.contains(t) {
            return fail("platforms", format!("{t} is listed twice"));
        }
        seen.push(*t);
    }
    // A default-level linux/arm target is resolved from the binary's build info at image
    // time; every other target must name an image platform now.
    for t in image.targets(configured) {
        if t.goarch() == crate::targets::Goarch::Arm && t.variant.is_none() {
            continue;
        }
        if let Err(e) = t.oci_platform() {
            return fail("platforms", e.to_string());
        }
    }
    if image.targets(configured).is_empty() {
        return fail(
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
        let err = expand("{{tag}}", values, &env).unwrap_err();
        assert!(err.contains("unknown placeholder `{{tag}}`"), "{err}");
    }

    fn error(src: &str) -> (u64, String) {
        let module = crate::config::GoMod::parse("module example.com/hello\n").unwrap();
        let err = crate::config::Config::parse(src, Path::new("gocross.yaml"), Some(&module))
            .expect_err("the config is refused");
        (err.location().expect("located").0, err.to_string())
    }

    #[test]
    fn image_errors_point_at_their_key() {
        let head = "version: 1\ntargets: [linux/amd64, linux/arm64, windows/amd64]\nimage:\n";
        for (body, line, needle) in [
            (
                "  repository: ghcr.io/a/b\n  base: alpine:3.20\n",
                5,
                "key `image.base`: `alpine:3.20` is not pinned",
            ),
            (
                "  platforms: [linux/386]\n",
                4,
                "linux/386 is not in `targets`",
            ),
            (
                "  platforms: [windows/amd64]\n",
                4,
                "windows/amd64 has no container-image platform",
            ),
            (
                "  user: nobody\n",
                4,
                "key `image.user`: `nobody` is not UID[:GID]",
            ),
            (
                "  tags: [\"-x\"]\n",
                4,
                "key `image.tags`: `-x` is not a tag",
            ),
            (
                "  tags: [\"{{tag}}\"]\n",
                4,
                "unknown placeholder `{{tag}}`",
            ),
            ("  binary: other\n", 4, "gocross builds one binary, `hello`"),
            ("  repository: GHCR.io/Acme\n", 4, "is not a repository"),
            ("  entrypoint: []\n", 4, "key `image.entrypoint`"),
            ("  basee: scratch\n", 4, "unknown field `basee`"),
        ] {
            let (at, message) = error(&format!("{head}{body}"));
            assert!(message.contains(needle), "{body}: {message}");
            assert_eq!(at, line, "{body}: {message}");
        }
        let (_, message) = error("version: 1\ntargets: [darwin/arm64]\nimage: {}\n");
        assert!(message.contains("no linux target"), "{message}");
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
        let image = c.image.clone().unwrap();
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
