//! The client's settings, from the environment: the token (never printed), the repository,
//! the API and upload endpoints, and the retry policy.

use super::{ClientError, DEFAULT_API_URL, MAX_SLEEP_VAR, UPLOAD_URL_VAR};
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// A GitHub token (`GITHUB_TOKEN`). It is never printed: `Debug` shows `***`, and
/// [`Token::redact`] removes it from any text that could reach the user.
pub struct Token(pub(super) String);

impl Token {
    /// Reads `GITHUB_TOKEN` as gocross was started with it ([`crate::secrets::var`]),
    /// trimmed. Errors: unset or empty ([`ClientError::NoToken`]), or holding characters that
    /// cannot be sent in an HTTP header ([`ClientError::BadToken`]).
    pub fn from_env() -> Result<Token, ClientError> {
        match crate::secrets::var("GITHUB_TOKEN") {
            Some(raw) => Token::new(&raw),
            None => Err(ClientError::NoToken),
        }
    }

    /// A token from its text, trimmed of surrounding whitespace (a secret pasted with a
    /// newline still works).
    pub fn new(raw: &str) -> Result<Token, ClientError> {
        let token = raw.trim();
        if token.is_empty() {
            return Err(ClientError::NoToken);
        }
        if !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ClientError::BadToken);
        }
        Ok(Token(token.to_string()))
    }

    /// `text` with the token, in every form [`crate::secrets::redact`] knows, replaced by
    /// `***`.
    pub fn redact(&self, text: &str) -> String {
        crate::secrets::redact(text, &[&self.0])
    }

    /// Inside GitHub Actions, prints the `::add-mask::` command that hides the token in the
    /// rest of the job log (the runner consumes the line; it is not shown). Elsewhere nothing.
    pub fn mask_in_actions(&self) -> std::io::Result<()> {
        crate::actions_output::mask(&self.0)
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
}

/// A repository, `OWNER/NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repo {
    /// The owner (user or organization).
    pub owner: String,
    /// The repository's name.
    pub name: String,
}

impl Repo {
    /// `--repo` when given, else `GITHUB_REPOSITORY` (set in every Actions job).
    pub fn from_arg_or_env(arg: Option<&str>) -> Result<Repo, ClientError> {
        match arg {
            Some(s) => s.parse(),
            None => std::env::var("GITHUB_REPOSITORY")
                .ok()
                .filter(|s| !s.trim().is_empty())
                .ok_or(ClientError::NoRepo)?
                .trim()
                .parse(),
        }
    }
}

impl FromStr for Repo {
    type Err = ClientError;

    fn from_str(s: &str) -> Result<Repo, ClientError> {
        let valid = |part: &str| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        match s.split_once('/') {
            Some((owner, name)) if valid(owner) && valid(name) => Ok(Repo {
                owner: owner.to_string(),
                name: name.to_string(),
            }),
            _ => Err(ClientError::BadRepo(s.to_string())),
        }
    }
}

impl fmt::Display for Repo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

/// Where the API and the upload host are, without a trailing slash:
/// `https://api.github.com` + `https://uploads.github.com`, or for GitHub Enterprise Server
/// `https://HOST/api/v3` + `https://HOST/api/uploads`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// The REST API's base URL (`GITHUB_API_URL`, else <https://api.github.com>).
    pub api: String,
    /// The uploads base URL for release assets.
    pub uploads: String,
}

impl Endpoints {
    /// `GITHUB_API_URL` (default [`DEFAULT_API_URL`]) and `GOCROSS_UPLOAD_URL` (default
    /// derived from the API URL by [`Endpoints::for_api`]).
    pub fn from_env() -> Result<Endpoints, ClientError> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let api = var("GITHUB_API_URL").unwrap_or_else(|| DEFAULT_API_URL.to_string());
        let mut endpoints = Endpoints::for_api(&api, "GITHUB_API_URL")?;
        if let Some(uploads) = var(UPLOAD_URL_VAR) {
            endpoints.uploads = checked_url(&uploads, UPLOAD_URL_VAR)?;
        }
        Ok(endpoints)
    }

    /// The endpoints for an API URL: `api.github.com` uploads to `uploads.github.com`; an API
    /// URL ending in `/api/v3` (GitHub Enterprise Server) uploads to the same host's
    /// `/api/uploads`; any other URL (a local stand-in) serves uploads itself.
    pub fn for_api(api: &str, var: &'static str) -> Result<Endpoints, ClientError> {
        let api = checked_url(api, var)?;
        let uri: http::Uri = api.parse().expect("checked_url parsed it");
        let uploads = if uri.host() == Some("api.github.com") {
            "https://uploads.github.com".to_string()
        } else if let Some(host_part) = api.strip_suffix("/api/v3") {
            format!("{host_part}/api/uploads")
        } else {
            api.clone()
        };
        Ok(Endpoints { api, uploads })
    }
}

/// An absolute http(s) URL with its trailing slashes removed.
fn checked_url(value: &str, var: &'static str) -> Result<String, ClientError> {
    let trimmed = value.trim().trim_end_matches('/');
    let bad = || ClientError::BadUrl {
        var,
        value: value.to_string(),
    };
    let uri: http::Uri = trimmed.parse().map_err(|_| bad())?;
    match (uri.scheme_str(), uri.authority()) {
        (Some("http" | "https"), Some(_)) if uri.query().is_none() => Ok(trimmed.to_string()),
        _ => Err(bad()),
    }
}

/// `scheme://authority` of a URL checked by [`checked_url`].
pub(super) fn origin(url: &str) -> String {
    let uri: http::Uri = url.parse().expect("checked_url parsed it");
    format!(
        "{}://{}",
        uri.scheme_str().unwrap_or("https"),
        uri.authority().map(|a| a.as_str()).unwrap_or_default()
    )
}

/// How often a request is tried and how long the client may sleep between two attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per request, the first included.
    pub attempts: u32,
    /// The longest single wait; a longer one asked for by GitHub is cut to this.
    pub max_sleep: Duration,
}

impl RetryPolicy {
    /// 5 attempts per request.
    pub const DEFAULT_ATTEMPTS: u32 = 5;
    /// 15 minutes: a secondary rate limit asks for at least one; a primary one may ask for
    /// up to an hour, and then the bounded attempts end the run with a clear error.
    pub const DEFAULT_MAX_SLEEP: Duration = Duration::from_secs(15 * 60);

    /// The defaults, with the cap from `GOCROSS_MAX_SLEEP` (seconds, fractions allowed) when
    /// set.
    pub fn from_env() -> Result<RetryPolicy, ClientError> {
        let mut policy = RetryPolicy::default();
        if let Ok(raw) = std::env::var(MAX_SLEEP_VAR) {
            let secs: f64 = raw
                .trim()
                .parse()
                .ok()
                .filter(|s: &f64| s.is_finite() && *s >= 0.0)
                .ok_or_else(|| ClientError::BadSleep(raw.clone()))?;
            policy.max_sleep = Duration::from_secs_f64(secs);
        }
        Ok(policy)
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: RetryPolicy::DEFAULT_ATTEMPTS,
            max_sleep: RetryPolicy::DEFAULT_MAX_SLEEP,
        }
    }
}

/// Everything a [`Client`](super::Client) needs, usually read from the environment by [`Settings::from_env`].
#[derive(Debug)]
pub struct Settings {
    /// The token, never printed.
    pub token: Token,
    /// The repository.
    pub repo: Repo,
    /// The API's URLs.
    pub endpoints: Endpoints,
    /// How failed requests are retried.
    pub retry: RetryPolicy,
}

impl Settings {
    /// Token, repository (`--repo` wins over `GITHUB_REPOSITORY`), endpoints and retry policy
    /// from the environment.
    pub fn from_env(repo: Option<&str>) -> Result<Settings, ClientError> {
        Ok(Settings {
            token: Token::from_env()?,
            repo: Repo::from_arg_or_env(repo)?,
            endpoints: Endpoints::from_env()?,
            retry: RetryPolicy::from_env()?,
        })
    }
}
