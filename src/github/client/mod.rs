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
//!
//! Its parts: [`settings`] (token, repository, endpoints, retries, from the environment),
//! [`request`] (request and response types), `classify` (which responses are tried again,
//! and after how long) and the [`Client`] here.

mod classify;
pub mod request;
pub mod settings;

pub use request::{Body, Replay, Request, Response};
pub use settings::{Endpoints, Repo, RetryPolicy, Settings, Token};

use classify::{Transient, classify};
use http::Method;
use http::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE};
use http_body_util::BodyExt;
use octocrab::{OctoBody, Octocrab};
use serde::de::DeserializeOwned;
use settings::origin;
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
    /// No `GITHUB_TOKEN`.
    #[error(
        "GITHUB_TOKEN is not set: in a workflow, give the step `env: GITHUB_TOKEN: ${{{{ github.token }}}}`; locally, export a token that can write to the repository"
    )]
    NoToken,
    /// The token holds characters no token has.
    #[error(
        "GITHUB_TOKEN holds characters no token has (only printable ASCII is allowed): check the secret it comes from"
    )]
    BadToken,
    /// No repository named.
    #[error("no repository: pass `--repo OWNER/NAME` or set GITHUB_REPOSITORY")]
    NoRepo,
    /// The repository is not `OWNER/NAME` (as given).
    #[error("`{0}` is not a repository: expected OWNER/NAME, e.g. `octo-org/hello`")]
    BadRepo(String),
    /// An API URL variable is not an http(s) URL.
    #[error("{var} is `{value}`, not an http(s) URL such as {DEFAULT_API_URL}")]
    BadUrl {
        /// The variable.
        var: &'static str,
        /// Its value.
        value: String,
    },
    /// The longest-sleep variable is not a number (its value).
    #[error("{MAX_SLEEP_VAR} is `{0}`, not a number of seconds")]
    BadSleep(String),
    /// The HTTP client cannot be built (the reason).
    #[error("cannot set up the HTTP client: {0}")]
    Setup(String),
    /// No HTTP response, after the retries the request allows.
    #[error("{method} {url}: {message}")]
    Transport {
        /// The request's method.
        method: Method,
        /// The request's URL.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// An HTTP error status that retrying did not cure.
    #[error("{method} {url}: HTTP {status}: {message}{hint}")]
    Status {
        /// The request's method.
        method: Method,
        /// The request's URL.
        url: String,
        /// The HTTP status.
        status: u16,
        /// GitHub's message.
        message: String,
        /// What to do about it, empty or starting with `: `.
        hint: String,
    },
    /// A successful response whose body is not what GitHub documents.
    #[error("{method} {url}: unexpected response body: {message}")]
    Decode {
        /// The request's method.
        method: Method,
        /// The request's URL.
        url: String,
        /// What the body lacked.
        message: String,
    },
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

    /// The repository the client works on.
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
mod tests;
