//! The GitHub REST client of `gocross release` and `gocross report`: its settings from the
//! environment (`GITHUB_TOKEN`, `GITHUB_REPOSITORY`, `GITHUB_API_URL`), octocrab for transport
//! and authentication, and one request path, [`Client::send`], that honours GitHub's rate
//! limits and retries transient failures a bounded number of times.
//!
//! Every call goes through `send` (built on octocrab's `execute`) rather than octocrab's typed
//! handlers or its retry layer, because telling a secondary rate limit from a missing
//! permission needs the response headers and the error body; because a `POST` that creates
//! something (a draft release) must not be replayed after a 5xx, or GitHub may hold two; and
//! because waits must be capped (`GOCROSS_MAX_SLEEP`) so that tests stay fast. Successful
//! bodies are decoded into octocrab's models where they fit.
//!
//! Facts from GitHub's "Rate limits for the REST API" page: honour `retry-after` (seconds);
//! when `x-ratelimit-remaining` is `0`, wait until `x-ratelimit-reset` (epoch seconds); on a
//! secondary rate limit without those headers, wait at least a minute and back off
//! exponentially. Uploads go to a separate host: `uploads.github.com` for `api.github.com`,
//! `https://HOST/api/uploads` for GitHub Enterprise Server (`https://HOST/api/v3`).

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderMap, Method, StatusCode};
use http_body_util::BodyExt;
use octocrab::{OctoBody, Octocrab};
use serde::de::DeserializeOwned;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The public GitHub API, used when `GITHUB_API_URL` is not set.
pub const DEFAULT_API_URL: &str = "https://api.github.com";

/// The media type of GitHub's JSON responses.
pub const JSON: &str = "application/vnd.github+json";

/// Environment variable that caps every wait between two attempts, in seconds (default
/// [`RetryPolicy::DEFAULT_MAX_SLEEP`]). A longer wait asked for by GitHub is cut to it.
pub const MAX_SLEEP_VAR: &str = "GOCROSS_MAX_SLEEP";

/// Environment variable that overrides the upload base URL derived from the API URL.
pub const UPLOAD_URL_VAR: &str = "GOCROSS_UPLOAD_URL";

/// A callback that shows one line of progress (a retry, an uploaded asset) to the user.
pub type Progress = dyn Fn(&str) + Send + Sync;

/// What can go wrong talking to GitHub. Messages never hold the token: every text that comes
/// from a response is redacted before it lands here.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error(
        "GITHUB_TOKEN is not set: in a workflow, give the step `env: GITHUB_TOKEN: ${{{{ github.token }}}}`; locally, export a token that can write to the repository"
    )]
    NoToken,
    #[error(
        "GITHUB_TOKEN holds characters no token has (only printable ASCII is allowed): check the secret it comes from"
    )]
    BadToken,
    #[error("no repository: pass `--repo OWNER/NAME` or set GITHUB_REPOSITORY")]
    NoRepo,
    #[error("`{0}` is not a repository: expected OWNER/NAME, e.g. `octo-org/hello`")]
    BadRepo(String),
    #[error("{var} is `{value}`, not an http(s) URL such as {DEFAULT_API_URL}")]
    BadUrl { var: &'static str, value: String },
    #[error("{MAX_SLEEP_VAR} is `{0}`, not a number of seconds")]
    BadSleep(String),
    #[error("cannot set up the HTTP client: {0}")]
    Setup(String),
    /// No HTTP response, after the retries the request allows.
    #[error("{method} {url}: {message}")]
    Transport {
        method: Method,
        url: String,
        message: String,
    },
    /// An HTTP error status that retrying did not cure.
    #[error("{method} {url}: HTTP {status}: {message}{hint}")]
    Status {
        method: Method,
        url: String,
        status: u16,
        message: String,
        hint: String,
    },
    /// A successful response whose body is not what GitHub documents.
    #[error("{method} {url}: unexpected response body: {message}")]
    Decode {
        method: Method,
        url: String,
        message: String,
    },
}

/// A GitHub token (`GITHUB_TOKEN`). It is never printed: `Debug` shows `***`, and
/// [`Token::redact`] removes it from any text that could reach the user.
pub struct Token(String);

impl Token {
    /// Reads `GITHUB_TOKEN`, trimmed. Errors: unset or empty ([`ClientError::NoToken`]), or
    /// holding characters that cannot be sent in an HTTP header ([`ClientError::BadToken`]).
    pub fn from_env() -> Result<Token, ClientError> {
        match std::env::var("GITHUB_TOKEN") {
            Ok(raw) => Token::new(&raw),
            Err(std::env::VarError::NotPresent) => Err(ClientError::NoToken),
            Err(std::env::VarError::NotUnicode(_)) => Err(ClientError::BadToken),
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

    /// `text` with every occurrence of the token replaced by `***`.
    pub fn redact(&self, text: &str) -> String {
        text.replace(&self.0, "***")
    }

    /// Inside GitHub Actions, prints the `::add-mask::` command that hides the token in the
    /// rest of the job log (the runner consumes the line; it is not shown). Elsewhere nothing.
    pub fn mask_in_actions(&self) -> std::io::Result<()> {
        if super::actions::is_actions() {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            writeln!(out, "{}", super::actions::add_mask(&self.0))?;
            out.flush()?;
        }
        Ok(())
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
    pub owner: String,
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
    pub api: String,
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
fn origin(url: &str) -> String {
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

/// Everything a [`Client`] needs, usually read from the environment by [`Settings::from_env`].
#[derive(Debug)]
pub struct Settings {
    pub token: Token,
    pub repo: Repo,
    pub endpoints: Endpoints,
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

/// The body of a request.
#[derive(Debug, Clone)]
pub enum Body {
    Empty,
    Json(serde_json::Value),
    /// Bytes sent as they are, e.g. a release asset.
    Raw {
        content_type: String,
        bytes: Bytes,
    },
}

/// Whether a request may be sent again after a 5xx or a lost connection, when GitHub may
/// already have acted on it. A refused request (rate limit) is always sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replay {
    /// Reads, updates, deletes, and uploads (a second upload of a name answers 422
    /// `already_exists`, which the caller reconciles).
    Always,
    /// Creations that could happen twice: the caller looks before it tries again.
    WhenRefused,
}

/// One request to GitHub.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    /// Absolute URL.
    pub url: String,
    pub body: Body,
    /// The `Accept` header, [`JSON`] unless downloading an asset.
    pub accept: &'static str,
    pub replay: Replay,
}

impl Request {
    fn new(method: Method, url: String, body: Body, replay: Replay) -> Request {
        Request {
            method,
            url,
            body,
            accept: JSON,
            replay,
        }
    }

    pub fn get(url: String) -> Request {
        Request::new(Method::GET, url, Body::Empty, Replay::Always)
    }

    pub fn post(url: String, json: serde_json::Value, replay: Replay) -> Request {
        Request::new(Method::POST, url, Body::Json(json), replay)
    }

    pub fn patch(url: String, json: serde_json::Value) -> Request {
        Request::new(Method::PATCH, url, Body::Json(json), Replay::Always)
    }

    pub fn delete(url: String) -> Request {
        Request::new(Method::DELETE, url, Body::Empty, Replay::Always)
    }

    /// A `POST` of raw bytes (an asset upload).
    pub fn upload(url: String, content_type: &str, bytes: Bytes) -> Request {
        let body = Body::Raw {
            content_type: content_type.to_string(),
            bytes,
        };
        Request::new(Method::POST, url, body, Replay::Always)
    }

    fn body_len(&self) -> usize {
        match &self.body {
            Body::Raw { bytes, .. } => bytes.len(),
            _ => 0,
        }
    }
}

/// A complete HTTP response.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Response {
    /// GitHub's `message` field of an error body, or the start of the body.
    pub fn message(&self) -> String {
        let parsed: Option<serde_json::Value> = serde_json::from_slice(&self.body).ok();
        match parsed
            .as_ref()
            .and_then(|v| v.get("message"))
            .and_then(|m| m.as_str())
        {
            Some(m) => m.to_string(),
            None => {
                let text = String::from_utf8_lossy(&self.body);
                let text = text.trim();
                if text.is_empty() {
                    self.status
                        .canonical_reason()
                        .unwrap_or("no message")
                        .to_string()
                } else {
                    text.chars().take(300).collect()
                }
            }
        }
    }

    /// Whether a validation error body names `code` in its `errors` list, e.g.
    /// `already_exists` for a second upload of an asset name.
    pub fn has_error_code(&self, code: &str) -> bool {
        serde_json::from_slice::<serde_json::Value>(&self.body)
            .ok()
            .and_then(|v| v.get("errors").and_then(|e| e.as_array()).cloned())
            .is_some_and(|errors| {
                errors
                    .iter()
                    .any(|e| e.get("code").and_then(|c| c.as_str()) == Some(code))
            })
    }

    /// Whether GitHub refused the request for a rate limit (rather than a permission).
    pub fn is_rate_limited(&self) -> bool {
        matches!(classify(self, 1, 0, 0), Some(Transient::RateLimit { .. }))
    }

    fn header_u64(&self, name: &str) -> Option<u64> {
        self.headers.get(name)?.to_str().ok()?.trim().parse().ok()
    }
}

/// Why an attempt is tried again, and how long to wait first.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Transient {
    /// Refused by a rate limit: safe to send again, whatever the method.
    RateLimit { wait: Duration, why: String },
    /// A 5xx: GitHub may have acted on the request.
    Server { wait: Duration },
}

/// Classifies a response: `None` when it is final. `attempt` counts from 1;
/// `rate_limited` is how many earlier attempts of this request were rate limited.
fn classify(resp: &Response, attempt: u32, rate_limited: u32, now: u64) -> Option<Transient> {
    let status = resp.status.as_u16();
    let retry_after = resp.header_u64("retry-after");
    match status {
        403 | 429 => {
            let secondary = resp
                .message()
                .to_ascii_lowercase()
                .contains("secondary rate limit");
            let kind = if secondary {
                "secondary rate limit"
            } else {
                "rate limit"
            };
            if let Some(secs) = retry_after {
                return Some(Transient::RateLimit {
                    wait: Duration::from_secs(secs),
                    why: format!("{kind} (HTTP {status}, retry-after {secs}s)"),
                });
            }
            if resp.header_u64("x-ratelimit-remaining") == Some(0) {
                let wait = match resp.header_u64("x-ratelimit-reset") {
                    Some(reset) => reset.saturating_sub(now) + 1,
                    None => 60,
                };
                return Some(Transient::RateLimit {
                    wait: Duration::from_secs(wait),
                    why: format!("rate limit exhausted (HTTP {status}, resets in {wait}s)"),
                });
            }
            if secondary || status == 429 {
                let wait = 60u64 << rate_limited.min(4);
                return Some(Transient::RateLimit {
                    wait: Duration::from_secs(wait),
                    why: format!("{kind} (HTTP {status}, backing off {wait}s)"),
                });
            }
            None
        }
        500 | 502 | 503 | 504 => Some(Transient::Server {
            wait: Duration::from_secs(retry_after.unwrap_or(1u64 << (attempt - 1).min(5))),
        }),
        _ => None,
    }
}

/// The GitHub client: one repository, octocrab underneath, [`Client::send`] on top.
pub struct Client {
    crab: Octocrab,
    token: Token,
    repo: Repo,
    endpoints: Endpoints,
    retry: RetryPolicy,
    progress: Arc<Progress>,
}

impl Client {
    /// Builds the client. Must run inside a tokio runtime (octocrab starts a worker task).
    /// `progress` receives one line per retry.
    pub fn new(settings: Settings, progress: Arc<Progress>) -> Result<Client, ClientError> {
        let setup = |e: octocrab::Error| ClientError::Setup(settings.token.redact(&e.to_string()));
        let crab = Octocrab::builder()
            .personal_token(settings.token.0.clone())
            .base_uri(origin(&settings.endpoints.api))
            .map_err(setup)?
            .upload_uri(origin(&settings.endpoints.uploads))
            .map_err(setup)?
            .set_connect_timeout(Some(Duration::from_secs(30)))
            .set_write_timeout(Some(Duration::from_secs(120)))
            .build()
            .map_err(setup)?;
        Ok(Client {
            crab,
            token: settings.token,
            repo: settings.repo,
            endpoints: settings.endpoints,
            retry: settings.retry,
            progress,
        })
    }

    pub fn repo(&self) -> &Repo {
        &self.repo
    }

    /// `{api}/repos/{owner}/{name}{path}`; `path` starts with `/` or is empty.
    pub fn repo_url(&self, path: &str) -> String {
        format!(
            "{}/repos/{}/{}{path}",
            self.endpoints.api, self.repo.owner, self.repo.name
        )
    }

    /// `{uploads}/repos/{owner}/{name}{path}`.
    pub fn upload_url(&self, path: &str) -> String {
        format!(
            "{}/repos/{}/{}{path}",
            self.endpoints.uploads, self.repo.owner, self.repo.name
        )
    }

    /// `text` without the token.
    pub fn redact(&self, text: &str) -> String {
        self.token.redact(text)
    }

    /// Shows a line of progress.
    pub fn progress(&self, line: &str) {
        (self.progress)(&self.token.redact(line));
    }

    /// Sends a request and returns the final response, whatever its status. Rate limits are
    /// waited out and the request sent again; 5xx answers and lost connections are retried
    /// with exponential backoff when the request allows it ([`Replay::Always`]), else the
    /// 5xx response is returned (or [`ClientError::Transport`] for a lost connection). At most
    /// [`RetryPolicy::attempts`] attempts.
    pub async fn send(&self, req: &Request) -> Result<Response, ClientError> {
        let mut rate_limited = 0;
        let mut attempt = 1;
        loop {
            let last = attempt >= self.retry.attempts;
            let (wait, why) = match self.once(req).await {
                Ok(resp) => {
                    let now = SystemTime::now()
                        .duration_since(UNIX_EPOCH)
                        .map_or(0, |d| d.as_secs());
                    match classify(&resp, attempt, rate_limited, now) {
                        None => return Ok(resp),
                        Some(_) if last => return Ok(resp),
                        Some(Transient::RateLimit { wait, why }) => {
                            rate_limited += 1;
                            (wait, why)
                        }
                        Some(Transient::Server { .. }) if req.replay == Replay::WhenRefused => {
                            return Ok(resp);
                        }
                        Some(Transient::Server { wait }) => {
                            (wait, format!("HTTP {}", resp.status.as_u16()))
                        }
                    }
                }
                Err(message) => {
                    if last || req.replay == Replay::WhenRefused {
                        return Err(ClientError::Transport {
                            method: req.method.clone(),
                            url: req.url.clone(),
                            message,
                        });
                    }
                    (Duration::from_secs(1u64 << (attempt - 1).min(5)), message)
                }
            };
            let sleep = wait.min(self.retry.max_sleep);
            let waiting = if sleep < wait {
                format!(
                    "waiting {} (of {}, capped by {MAX_SLEEP_VAR})",
                    seconds(sleep),
                    seconds(wait)
                )
            } else {
                format!("waiting {}", seconds(wait))
            };
            self.progress(&format!(
                "{} {}: {why}; {waiting} before attempt {}/{}",
                req.method,
                path_of(&req.url),
                attempt + 1,
                self.retry.attempts
            ));
            tokio::time::sleep(sleep).await;
            attempt += 1;
        }
    }

    /// Sends a request and requires a 2xx answer.
    pub async fn send_ok(&self, req: &Request) -> Result<Response, ClientError> {
        let resp = self.send(req).await?;
        if resp.status.is_success() {
            Ok(resp)
        } else {
            Err(self.status_error(req, &resp))
        }
    }

    /// `GET` a URL and decode its JSON body.
    pub async fn get_json<T: DeserializeOwned>(&self, url: String) -> Result<T, ClientError> {
        let req = Request::get(url);
        let resp = self.send_ok(&req).await?;
        self.decode(&req, &resp)
    }

    /// Decodes a JSON body.
    pub fn decode<T: DeserializeOwned>(
        &self,
        req: &Request,
        resp: &Response,
    ) -> Result<T, ClientError> {
        serde_json::from_slice(&resp.body).map_err(|e| ClientError::Decode {
            method: req.method.clone(),
            url: req.url.clone(),
            message: self.token.redact(&e.to_string()),
        })
    }

    /// The error for a response that is not what the caller needed, with GitHub's message
    /// (redacted) and a hint for the statuses a user can fix.
    pub fn status_error(&self, req: &Request, resp: &Response) -> ClientError {
        let message = self.token.redact(&resp.message());
        let hint = match resp.status.as_u16() {
            401 => "; the token is invalid or expired".to_string(),
            403 | 429 if resp.is_rate_limited() => format!(
                "; still rate limited after {} attempts: re-run later",
                self.retry.attempts
            ),
            403 => "; the token lacks a permission: give the job `permissions: contents: write` (releases) or `checks: write` (check runs)".to_string(),
            404 => format!(
                "; not found, or {} is not visible to the token",
                self.repo
            ),
            500..=599 => "; GitHub failed: re-run, finished work is kept".to_string(),
            _ => String::new(),
        };
        ClientError::Status {
            method: req.method.clone(),
            url: req.url.clone(),
            status: resp.status.as_u16(),
            message,
            hint,
        }
    }

    /// One attempt: the response with its whole body, or why there is none.
    async fn once(&self, req: &Request) -> Result<Response, String> {
        let builder = http::Request::builder()
            .method(req.method.clone())
            .uri(req.url.as_str())
            .header(ACCEPT, req.accept);
        let request = match &req.body {
            Body::Empty => self.crab.build_request(builder, None::<&()>),
            Body::Json(value) => self.crab.build_request(builder, Some(value)),
            Body::Raw {
                content_type,
                bytes,
            } => Ok(builder
                .header(CONTENT_TYPE, content_type.as_str())
                .header(CONTENT_LENGTH, bytes.len())
                .body(OctoBody::from(bytes.clone()))
                .map_err(|e| self.token.redact(&chain(&e)))?),
        }
        .map_err(|e| self.token.redact(&chain(&e)))?;
        // A generous bound on one attempt: two minutes, plus a second per 512 KiB sent.
        let deadline = Duration::from_secs(120 + (req.body_len() as u64 >> 19));
        let exchange = async {
            let resp = self.crab.execute(request).await?;
            let (parts, body) = resp.into_parts();
            let body = body.collect().await?.to_bytes();
            Ok::<_, octocrab::Error>(Response {
                status: parts.status,
                headers: parts.headers,
                body,
            })
        };
        match tokio::time::timeout(deadline, exchange).await {
            Ok(Ok(resp)) => Ok(resp),
            Ok(Err(e)) => Err(self.token.redact(&chain(&e))),
            Err(_) => Err(format!("no answer within {}", seconds(deadline))),
        }
    }
}

/// An error and its sources, `outer: inner: innermost`.
fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(e) = source {
        let s = e.to_string();
        if !text.contains(&s) {
            text.push_str(": ");
            text.push_str(&s);
        }
        source = e.source();
    }
    text
}

/// The path and query of a URL, for short progress lines.
fn path_of(url: &str) -> &str {
    url.find("://")
        .and_then(|i| url[i + 3..].find('/').map(|j| &url[i + 3 + j..]))
        .unwrap_or(url)
}

/// A duration as `60s` or `0.25s`.
fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{:.2}s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.insert(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        Response {
            status: StatusCode::from_u16(status).unwrap(),
            headers: map,
            body: Bytes::from(body.to_string()),
        }
    }

    #[test]
    fn upload_hosts_follow_the_api_url() {
        let e = Endpoints::for_api("https://api.github.com/", "X").unwrap();
        assert_eq!(e.api, "https://api.github.com");
        assert_eq!(e.uploads, "https://uploads.github.com");
        let e = Endpoints::for_api("https://ghe.example.com/api/v3", "X").unwrap();
        assert_eq!(e.uploads, "https://ghe.example.com/api/uploads");
        let e = Endpoints::for_api("http://127.0.0.1:8080", "X").unwrap();
        assert_eq!(e.uploads, "http://127.0.0.1:8080");
        assert!(Endpoints::for_api("api.github.com", "X").is_err());
        assert!(Endpoints::for_api("ftp://x", "X").is_err());
        assert_eq!(
            origin("https://ghe.example.com/api/v3"),
            "https://ghe.example.com"
        );
    }

    #[test]
    fn tokens_are_trimmed_checked_and_redacted() {
        let t = Token::new("  ghs_abc123\n").unwrap();
        assert_eq!(format!("{t:?}"), "Token(***)");
        assert_eq!(t.redact("Bearer ghs_abc123 was bad"), "Bearer *** was bad");
        assert!(matches!(Token::new(" \n"), Err(ClientError::NoToken)));
        assert!(matches!(Token::new("a b"), Err(ClientError::BadToken)));
    }

    #[test]
    fn repositories_parse() {
        let r: Repo = "octo-org/hello.go".parse().unwrap();
        assert_eq!(r.to_string(), "octo-org/hello.go");
        for bad in ["octo", "/x", "a/b/c", "a/", "a b/c"] {
            assert!(bad.parse::<Repo>().is_err(), "{bad}");
        }
    }

    #[test]
    fn rate_limits_are_told_from_permission_errors() {
        let secondary = response(
            403,
            &[("retry-after", "60")],
            r#"{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}"#,
        );
        assert_eq!(
            classify(&secondary, 1, 0, 0),
            Some(Transient::RateLimit {
                wait: Duration::from_secs(60),
                why: "secondary rate limit (HTTP 403, retry-after 60s)".into()
            })
        );
        let no_headers = response(
            403,
            &[],
            r#"{"message":"You have exceeded a secondary rate limit."}"#,
        );
        let Some(Transient::RateLimit { wait, .. }) = classify(&no_headers, 3, 2, 0) else {
            panic!("a secondary limit without headers is a rate limit");
        };
        assert_eq!(wait, Duration::from_secs(240), "backs off from a minute");
        let primary = response(
            403,
            &[
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset", "1000"),
            ],
            r#"{"message":"API rate limit exceeded"}"#,
        );
        let Some(Transient::RateLimit { wait, .. }) = classify(&primary, 1, 0, 970) else {
            panic!("remaining 0 is a rate limit");
        };
        assert_eq!(wait, Duration::from_secs(31));
        let forbidden = response(
            403,
            &[],
            r#"{"message":"Resource not accessible by integration"}"#,
        );
        assert_eq!(classify(&forbidden, 1, 0, 0), None);
        assert_eq!(
            classify(&response(502, &[], ""), 3, 0, 0),
            Some(Transient::Server {
                wait: Duration::from_secs(4)
            })
        );
        assert_eq!(classify(&response(422, &[], "{}"), 1, 0, 0), None);
    }

    #[test]
    fn validation_codes_and_messages_are_read() {
        let r = response(
            422,
            &[],
            r#"{"message":"Validation Failed","errors":[{"resource":"ReleaseAsset","code":"already_exists","field":"name"}]}"#,
        );
        assert!(r.has_error_code("already_exists"));
        assert_eq!(r.message(), "Validation Failed");
        assert_eq!(response(502, &[], "").message(), "Bad Gateway");
        assert_eq!(path_of("http://h:1/repos/a/b?x=1"), "/repos/a/b?x=1");
        assert_eq!(seconds(Duration::from_millis(250)), "0.25s");
    }
}
