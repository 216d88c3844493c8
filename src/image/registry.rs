//! A registry connection for `gocross image push` and for pulling a base image: the requests
//! of the OCI distribution spec
//! (<https://github.com/opencontainers/distribution-spec/blob/v1.1.1/spec.md>) sent by
//! gocross itself over `reqwest`, with the token dance of the registry's `Bearer` challenge
//! (<https://distribution.github.io/distribution/spec/auth/token/>), and the referrers API
//! with its tag-schema fallback. Blobs go up monolithically (one `POST` and one `PUT` to the
//! `Location` answered, resolved against the `POST`'s URL), which every registry takes.
//!
//! - **A registry is not trusted**: every body read is bounded ([`ERROR_BODY_LIMIT`] for
//!   error answers and tokens, [`MANIFEST_LIMIT`] for manifests and indexes, a blob's
//!   descriptor size for blobs, whose digest is checked); of an error answer only the status
//!   and the OCI error envelope's codes and messages are kept, cut to 200 characters, never
//!   the raw body; no header value can make gocross panic; credentials go only to the
//!   registry's host and an `https` token realm.
//! - **Credentials**, first found wins: `GOCROSS_REGISTRY_USERNAME` and
//!   `GOCROSS_REGISTRY_PASSWORD`; `GITHUB_TOKEN` for `ghcr.io` (user `GITHUB_ACTOR`); the
//!   `auths` of docker's `config.json` (`$DOCKER_CONFIG`, else `~/.docker`), else its
//!   credential helper for the host (`credHelpers`, `credsStore`: `docker-credential-<name>
//!   get`); else anonymous.
//! - **Transport**: HTTPS, except for `localhost`, `127.0.0.1` and `[::1]` (any port), or
//!   every host with `--insecure`.
//! - **Reliability**: 429 and 5xx answers and lost connections are tried again, at most
//!   [`RetryPolicy::attempts`] times, backing off 1, 2, 4, 8 s (each wait capped by
//!   `GOCROSS_MAX_SLEEP`), as the GitHub client does.
//! - **Secrets**: the password never reaches an output; every error text is redacted, and
//!   inside Actions it is masked in the log.

use super::ImageError;
use crate::github::client::RetryPolicy;
use oci_spec::distribution::Reference;
use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// What a bearer token is asked for: the `actions` of the token scope
/// `repository:<name>:<actions>` (<https://distribution.github.io/distribution/spec/auth/scope/>).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistryOperation {
    /// `pull`: read manifests and blobs.
    Pull,
    /// `pull,push`: also upload blobs, mount them and put manifests.
    Push,
}

/// A callback that shows one line of progress.
pub type Progress = dyn Fn(&str) + Send + Sync;

/// Where credentials came from, for messages (never the secret itself).
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The user name.
    pub username: String,
    password: String,
    /// e.g. `GOCROSS_REGISTRY_USERNAME/_PASSWORD`.
    pub source: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Credentials({} from {}, ***)",
            self.username, self.source
        )
    }
}

impl Credentials {
    /// Credentials from their parts; `source` says where they came from.
    pub fn new(username: &str, password: &str, source: &str) -> Credentials {
        Credentials {
            username: username.to_string(),
            password: password.trim().to_string(),
            source: source.to_string(),
        }
    }

    /// The credentials for `host` (`ghcr.io`, `localhost:5000`), found as the module docs
    /// say; `env` looks up environment variables. `None`: anonymous.
    pub fn find(host: &str, env: &dyn Fn(&str) -> Option<String>) -> Option<Credentials> {
        let set = |k: &str| env(k).filter(|v| !v.trim().is_empty());
        if let (Some(user), Some(password)) = (
            set("GOCROSS_REGISTRY_USERNAME"),
            set("GOCROSS_REGISTRY_PASSWORD"),
        ) {
            return Some(Credentials::new(
                &user,
                &password,
                "GOCROSS_REGISTRY_USERNAME/_PASSWORD",
            ));
        }
        if host == "ghcr.io"
            && let Some(token) = set("GITHUB_TOKEN")
        {
            let user = set("GITHUB_ACTOR").unwrap_or_else(|| "x-access-token".into());
            return Some(Credentials::new(&user, &token, "GITHUB_TOKEN"));
        }
        let dir = set("DOCKER_CONFIG")
            .map(PathBuf::from)
            .or_else(|| set("HOME").map(|h| PathBuf::from(h).join(".docker")))?;
        let path = dir.join("config.json");
        let text = std::fs::read(&path).ok()?;
        if let Some((user, password)) = docker_config_auth(&text, host) {
            return Some(Credentials::new(
                &user,
                &password,
                &format!("{}", path.display()),
            ));
        }
        let helper = docker_config_helper(&text, host)?;
        let (user, password) = run_credential_helper(&helper, host)?;
        Some(Credentials::new(
            &user,
            &password,
            &format!("docker-credential-{helper}"),
        ))
    }

    /// `text` with the password replaced by `***`.
    pub fn redact(&self, text: &str) -> String {
        if self.password.is_empty() {
            text.to_string()
        } else {
            text.replace(&self.password, "***")
        }
    }
}

/// The user and password docker's `config.json` holds for `host` in `auths` (keyed by the
/// host, or by a URL of it; Docker Hub's key is `https://index.docker.io/v1/`): the base64
/// `auth` of `user:password`, or `username` and `password`.
pub fn docker_config_auth(text: &[u8], host: &str) -> Option<(String, String)> {
    use base64::Engine as _;
    let config: serde_json::Value = serde_json::from_slice(text).ok()?;
    let auths = config.get("auths")?.as_object()?;
    let hub = matches!(
        host,
        "docker.io" | "index.docker.io" | "registry-1.docker.io"
    );
    let entry = auths.iter().find_map(|(key, value)| {
        let bare = key
            .trim_start_matches("https://")
            .trim_start_matches("http://");
        let bare = bare.split('/').next().unwrap_or(bare);
        let matches = bare == host || (hub && bare == "index.docker.io");
        matches.then_some(value)
    })?;
    if let Some(auth) = entry.get("auth").and_then(|a| a.as_str()) {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(auth.trim())
            .ok()?;
        let decoded = String::from_utf8(decoded).ok()?;
        let (user, password) = decoded.split_once(':')?;
        return Some((user.to_string(), password.to_string()));
    }
    let user = entry.get("username")?.as_str()?;
    let password = entry.get("password")?.as_str()?;
    Some((user.to_string(), password.to_string()))
}

/// The credential helper docker's `config.json` names for `host`: `credHelpers[host]`, else
/// `credsStore`. Only plain names (letters, digits, `-`, `_`, `.`) are taken, since the
/// helper is run as `docker-credential-<name>`.
pub fn docker_config_helper(text: &[u8], host: &str) -> Option<String> {
    let config: serde_json::Value = serde_json::from_slice(text).ok()?;
    let name = config
        .get("credHelpers")
        .and_then(|h| h.get(host))
        .or_else(|| config.get("credsStore"))?
        .as_str()?;
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    plain.then(|| name.to_string())
}

/// Asks `docker-credential-<helper> get` (the docker credential helper protocol: the server
/// on stdin, `{"Username": ..., "Secret": ...}` on stdout) for `host`'s user and password;
/// Docker Hub is asked as `https://index.docker.io/v1/`. `None` when the helper is missing,
/// fails, answers an identity token (`<token>`), or takes longer than 30 seconds.
pub fn run_credential_helper(helper: &str, host: &str) -> Option<(String, String)> {
    use std::io::{Read as _, Write as _};
    use std::process::{Command, Stdio};
    let server = match host {
        "docker.io" | "index.docker.io" | "registry-1.docker.io" => "https://index.docker.io/v1/",
        other => other,
    };
    let mut child = Command::new(format!("docker-credential-{helper}"))
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(server.as_bytes()).ok()?;
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().ok()? {
            break status;
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut out = Vec::new();
    child
        .stdout
        .take()?
        .take(64 * 1024)
        .read_to_end(&mut out)
        .ok()?;
    if !status.success() {
        return None;
    }
    let answer: serde_json::Value = serde_json::from_slice(&out).ok()?;
    let user = answer.get("Username")?.as_str()?;
    let secret = answer.get("Secret")?.as_str()?;
    (user != "<token>" && !secret.is_empty()).then(|| (user.to_string(), secret.to_string()))
}

/// Whether plain HTTP is allowed to `host` without `--insecure`: the loopback names.
pub fn is_loopback(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or(rest)
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    matches!(name, "localhost" | "127.0.0.1" | "::1")
}

/// Parses an image reference (`localhost:5000/hello:1.0`, `ghcr.io/acme/age@sha256:...`).
pub fn parse_reference(text: &str) -> Result<Reference, ImageError> {
    text.parse::<Reference>()
        .map_err(|e| ImageError::Reference {
            reference: text.to_string(),
            why: e.to_string(),
        })
}

/// The most gocross reads of a registry's error answer: enough for the OCI error envelope
/// (`{"errors": [{"code", "message"}]}`, of which only those fields are kept); the rest is
/// never read.
pub const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// The most gocross reads of a manifest, an index or a referrers list: 4 MiB, the limit the
/// distribution registry puts on manifests it accepts.
pub const MANIFEST_LIMIT: usize = 4 * 1024 * 1024;

/// The most gocross reads of a token service's answer.
const TOKEN_LIMIT: usize = 64 * 1024;

/// The OCI error codes and messages kept of an error answer, and how many are shown.
const ERRORS_SHOWN: usize = 4;
/// The longest error code or message shown, in characters.
const ERROR_TEXT_CHARS: usize = 200;

/// The media types a manifest is asked for with.
const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";

/// One registry host, with credentials, transport and retries chosen.
pub struct Registry {
    http: reqwest::Client,
    /// `http` or `https`, as the transport rules chose for this host.
    scheme: &'static str,
    credentials: Option<Credentials>,
    host: String,
    retry: RetryPolicy,
    progress: Arc<Progress>,
    /// What each scope (`repository:acme/age:pull,push`) was authorized with.
    authorized: std::sync::Mutex<std::collections::HashMap<String, Authorization>>,
}

/// How a request is authorized.
#[derive(Clone)]
enum Authorization {
    Bearer(String),
    Basic,
}

/// Why a request failed: only what gocross parsed of the answer (the status, the OCI error
/// codes and messages), never its raw body.
#[derive(Debug)]
struct Failure {
    /// One line for messages.
    text: String,
    status: Option<u16>,
    codes: Vec<String>,
    /// The connection failed or timed out.
    transport: bool,
}

impl Failure {
    fn protocol(text: String) -> Failure {
        Failure {
            text,
            status: None,
            codes: Vec::new(),
            transport: false,
        }
    }

    fn transport(e: reqwest::Error) -> Failure {
        let mut text = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            let more = s.to_string();
            if !text.contains(&more) {
                text = format!("{text}: {more}");
            }
            source = s.source();
        }
        Failure {
            text,
            status: e.status().map(|s| s.as_u16()),
            codes: Vec::new(),
            transport: e.is_connect() || e.is_timeout() || e.is_body(),
        }
    }

    /// The failure of an answer with an unexpected status: at most [`ERROR_BODY_LIMIT`] of
    /// its body is read, and only the OCI error envelope's codes and messages are kept.
    async fn of(resp: reqwest::Response) -> Failure {
        #[derive(serde::Deserialize)]
        struct Envelope {
            errors: Vec<OciError>,
        }
        #[derive(serde::Deserialize)]
        struct OciError {
            code: String,
            #[serde(default)]
            message: Option<String>,
        }
        let status = resp.status();
        let body = read_limited(resp, ERROR_BODY_LIMIT).await;
        let errors = serde_json::from_slice::<Envelope>(&body)
            .map(|e| e.errors)
            .unwrap_or_default();
        let cut = |s: &str| -> String { s.chars().take(ERROR_TEXT_CHARS).collect() };
        let codes: Vec<String> = errors.iter().map(|e| cut(&e.code)).collect();
        let mut text = format!("HTTP {}", status.as_u16());
        let shown: Vec<String> = errors
            .iter()
            .take(ERRORS_SHOWN)
            .map(|e| match &e.message {
                Some(m) if !m.is_empty() => format!("{}: {}", cut(&e.code), cut(m)),
                _ => cut(&e.code),
            })
            .collect();
        if !shown.is_empty() {
            text = format!("{text} ({})", shown.join("; ").replace(['\n', '\r'], " "));
        }
        Failure {
            text,
            status: Some(status.as_u16()),
            codes,
            transport: false,
        }
    }

    /// Whether the request may succeed when sent again: 408, 429 and 5xx answers,
    /// `TOOMANYREQUESTS`, a failed or cut connection.
    fn transient(&self) -> bool {
        self.transport
            || self
                .status
                .is_some_and(|s| matches!(s, 408 | 429 | 500 | 502 | 503 | 504))
            || self.codes.iter().any(|c| c == "TOOMANYREQUESTS")
    }

    /// Whether the registry refused the credentials (401, 403, `UNAUTHORIZED`, `DENIED`).
    fn denied(&self) -> bool {
        self.status.is_some_and(|s| matches!(s, 401 | 403))
            || self
                .codes
                .iter()
                .any(|c| c == "UNAUTHORIZED" || c == "DENIED")
    }
}

/// The first `limit` bytes of `resp`'s body, at most: the rest is never read (the
/// connection is dropped), and a connection cut short ends it.
async fn read_limited(mut resp: reqwest::Response, limit: usize) -> Vec<u8> {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = resp.chunk().await {
        let room = limit - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() == limit {
            break;
        }
    }
    body
}

/// The body of a successful answer, at most `limit` bytes.
///
/// Errors: a body over the limit, a connection cut short.
async fn body(resp: reqwest::Response, limit: usize, what: &str) -> Result<Vec<u8>, Failure> {
    let mut resp = resp;
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(Failure::transport)? {
        if body.len() + chunk.len() > limit {
            return Err(Failure::protocol(format!(
                "the registry answered {what} with more than {limit} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The parameters of a `Bearer` challenge (`realm`, `service`, `scope`), from a
/// `WWW-Authenticate` value; `None` for another scheme.
fn bearer_challenge(value: &str) -> Option<Vec<(String, String)>> {
    let (scheme, rest) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let mut params = Vec::new();
    let mut rest = rest.trim_start();
    while let Some((key, after)) = rest.split_once('=') {
        let key = key
            .trim()
            .trim_start_matches(',')
            .trim()
            .to_ascii_lowercase();
        let (val, next) = if let Some(quoted) = after.strip_prefix('"') {
            let end = quoted.find('"').unwrap_or(quoted.len());
            (&quoted[..end], quoted.get(end + 1..).unwrap_or(""))
        } else {
            after.split_once(',').unwrap_or((after, ""))
        };
        params.push((key, val.trim().to_string()));
        rest = next.trim_start().trim_start_matches(',').trim_start();
    }
    Some(params)
}

impl Registry {
    /// A connection to `host` (as a reference resolves it, e.g. `ghcr.io` or
    /// `localhost:5000`). `insecure`: plain HTTP to any host.
    pub fn new(
        host: &str,
        credentials: Option<Credentials>,
        insecure: bool,
        retry: RetryPolicy,
        progress: Arc<Progress>,
    ) -> Registry {
        // reqwest is built without a default TLS provider; gocross uses ring everywhere.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let scheme = if insecure || is_loopback(host) {
            "http"
        } else {
            "https"
        };
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(30))
            .read_timeout(Duration::from_secs(300))
            .user_agent(concat!("gocross/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        Registry {
            http,
            scheme,
            credentials,
            host: host.to_string(),
            retry,
            progress,
            authorized: Default::default(),
        }
    }

    /// Prints the `::add-mask::` line for the password inside Actions.
    pub fn mask_in_actions(&self) {
        if let Some(c) = &self.credentials {
            // Nothing to do about a log that cannot be written.
            let _ = crate::actions_output::mask(&c.password);
        }
    }

    /// Where the credentials came from, or `anonymous`.
    pub fn credential_source(&self) -> String {
        match &self.credentials {
            Some(c) => format!("{} from {}", c.username, c.source),
            None => "anonymous".into(),
        }
    }

    /// The registry's host.
    pub fn host(&self) -> &str {
        &self.host
    }

    fn redact(&self, text: &str) -> String {
        match &self.credentials {
            Some(c) => c.redact(text),
            None => text.to_string(),
        }
    }

    /// `/v2/<repository>/<rest>` of `reference`'s repository on this registry.
    fn url(&self, reference: &Reference, rest: &str) -> String {
        format!(
            "{}://{}/v2/{}/{rest}",
            self.scheme,
            reference.resolve_registry(),
            reference.repository()
        )
    }

    /// Runs `attempt` until it succeeds, fails for good, or the attempts are spent; `what`
    /// names the request in messages.
    async fn retry<T, F, Fut>(&self, what: &str, attempt: F) -> Result<T, ImageError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, Failure>>,
    {
        let mut n = 1;
        loop {
            match attempt().await {
                Ok(v) => return Ok(v),
                Err(e) if n < self.retry.attempts && e.transient() => {
                    let wait =
                        Duration::from_secs(1u64 << (n - 1).min(5)).min(self.retry.max_sleep);
                    (self.progress)(&self.redact(&format!(
                        "{what}: {}; waiting {}s before attempt {}/{}",
                        e.text,
                        wait.as_secs(),
                        n + 1,
                        self.retry.attempts
                    )));
                    tokio::time::sleep(wait).await;
                    n += 1;
                }
                Err(e) => return Err(self.error(what, &e)),
            }
        }
    }

    fn error(&self, what: &str, e: &Failure) -> ImageError {
        if e.denied() {
            return ImageError::Denied {
                host: self.host.clone(),
                what: what.to_string(),
                credentials: self.credential_source(),
                why: self.redact(&e.text),
            };
        }
        ImageError::Registry {
            what: what.to_string(),
            why: self.redact(&e.text),
        }
    }

    /// Sends a request for `scope` (`repository:<name>:pull` or `...:pull,push`), with the
    /// authorization the scope was given; a `401` with a challenge is answered once (a
    /// bearer token from the realm the registry names, or the credentials for `Basic`) and
    /// the request sent again. Authorization goes only to this registry's host, never to a
    /// host an upload location points at.
    async fn send(
        &self,
        method: reqwest::Method,
        url: &str,
        scope: &str,
        headers: &[(&str, &str)],
        payload: Option<&bytes::Bytes>,
    ) -> Result<reqwest::Response, Failure> {
        let url = reqwest::Url::parse(url).map_err(|e| Failure::protocol(format!("{url}: {e}")))?;
        let ours = url.host_str().is_some_and(|h| {
            let authority = match url.port() {
                Some(p) => format!("{h}:{p}"),
                None => h.to_string(),
            };
            authority == self.host || h == self.host
        });
        let build = |auth: Option<&Authorization>| {
            let mut req = self.http.request(method.clone(), url.clone());
            for (name, value) in headers {
                req = req.header(*name, *value);
            }
            req = match payload {
                Some(bytes) => req.body(bytes.clone()),
                // Some registries want a length on every upload request, empty ones too.
                None if method == reqwest::Method::POST => {
                    req.header(http::header::CONTENT_LENGTH, "0")
                }
                None => req,
            };
            match (auth, &self.credentials) {
                (Some(Authorization::Bearer(token)), _) if ours => req.bearer_auth(token),
                (Some(Authorization::Basic), Some(c)) if ours => {
                    req.basic_auth(&c.username, Some(&c.password))
                }
                _ => req,
            }
        };
        let known = self
            .authorized
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(scope)
            .cloned();
        let resp = build(known.as_ref())
            .send()
            .await
            .map_err(Failure::transport)?;
        if resp.status() != reqwest::StatusCode::UNAUTHORIZED || !ours {
            return Ok(resp);
        }
        let Some(auth) = self.authorize(&resp, scope).await? else {
            return Ok(resp);
        };
        self.authorized
            .lock()
            .unwrap()
            .insert(scope.to_string(), auth.clone());
        build(Some(&auth)).send().await.map_err(Failure::transport)
    }

    /// The authorization a `401` answer asks for: a token from its `Bearer` realm (asked
    /// with the credentials, when there are any), or the credentials for `Basic`; `None`
    /// when there is nothing to answer with.
    async fn authorize(
        &self,
        resp: &reqwest::Response,
        scope: &str,
    ) -> Result<Option<Authorization>, Failure> {
        let Some(challenge) = resp
            .headers()
            .get(http::header::WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
        else {
            return Ok(None);
        };
        let Some(params) = bearer_challenge(challenge) else {
            return Ok(self.credentials.as_ref().map(|_| Authorization::Basic));
        };
        let param = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let mut realm = param("realm")
            .and_then(|r| reqwest::Url::parse(r).ok())
            .filter(|r| r.scheme() == "https" || (r.scheme() == "http" && self.scheme == "http"))
            .ok_or_else(|| {
                Failure::protocol(
                    "the registry asked for a token from a realm that is not an https URL".into(),
                )
            })?;
        {
            let mut query = realm.query_pairs_mut();
            query.append_pair("scope", scope);
            if let Some(service) = param("service") {
                query.append_pair("service", service);
            }
        }
        let mut req = self.http.get(realm);
        if let Some(c) = &self.credentials {
            req = req.basic_auth(&c.username, Some(&c.password));
        }
        let answer = req.send().await.map_err(Failure::transport)?;
        if !answer.status().is_success() {
            return Err(Failure::of(answer).await);
        }
        #[derive(serde::Deserialize)]
        struct Token {
            token: Option<String>,
            access_token: Option<String>,
        }
        let bytes = body(answer, TOKEN_LIMIT, "the token request").await?;
        let token: Token = serde_json::from_slice(&bytes).map_err(|_| {
            Failure::protocol("the token service answered something other than a token".into())
        })?;
        token
            .token
            .or(token.access_token)
            .filter(|t| !t.is_empty())
            .map(|t| Some(Authorization::Bearer(t)))
            .ok_or_else(|| Failure::protocol("the token service answered no token".into()))
    }

    fn scope(reference: &Reference, op: RegistryOperation) -> String {
        match op {
            RegistryOperation::Pull => format!("repository:{}:pull", reference.repository()),
            RegistryOperation::Push => format!("repository:{}:pull,push", reference.repository()),
        }
    }

    /// Authenticates for `op` on `reference`'s repository (a bearer token where the registry
    /// asks for one), with `GET /v2/`.
    pub async fn login(
        &self,
        reference: &Reference,
        op: RegistryOperation,
    ) -> Result<(), ImageError> {
        let url = format!("{}://{}/v2/", self.scheme, reference.resolve_registry());
        let scope = Self::scope(reference, op);
        self.retry("log in", || async {
            let resp = self
                .send(reqwest::Method::GET, &url, &scope, &[], None)
                .await?;
            if resp.status().is_success() {
                Ok(())
            } else {
                Err(Failure::of(resp).await)
            }
        })
        .await
    }

    /// Whether the blob `digest` is in `reference`'s repository (`HEAD /v2/<name>/blobs/<digest>`).
    pub async fn blob_exists(
        &self,
        reference: &Reference,
        digest: &str,
    ) -> Result<bool, ImageError> {
        let rest = format!("blobs/{digest}");
        self.retry(&format!("HEAD blob {digest}"), || {
            self.head(reference, &rest, &[])
        })
        .await
    }

    /// `HEAD /v2/<name>/<rest>` with pull access: `true` on 2xx, `false` on 404, else the
    /// registry's failure.
    async fn head(
        &self,
        reference: &Reference,
        rest: &str,
        headers: &[(&str, &str)],
    ) -> Result<bool, Failure> {
        let url = self.url(reference, rest);
        let scope = Self::scope(reference, RegistryOperation::Pull);
        let resp = self
            .send(reqwest::Method::HEAD, &url, &scope, headers, None)
            .await?;
        match resp.status().as_u16() {
            200..=299 => Ok(true),
            404 => Ok(false),
            _ => Err(Failure::of(resp).await),
        }
    }

    /// Uploads a blob in one request (`POST`, then `PUT` with the bytes to the `Location`
    /// the registry answered, resolved against the `POST`'s URL: the OCI distribution spec
    /// allows a relative one).
    pub async fn push_blob(
        &self,
        reference: &Reference,
        bytes: &[u8],
        digest: &str,
    ) -> Result<(), ImageError> {
        let data = bytes::Bytes::copy_from_slice(bytes);
        let start = self.url(reference, "blobs/uploads/");
        let scope = Self::scope(reference, RegistryOperation::Push);
        self.retry(&format!("upload blob {digest}"), || async {
            let resp = self
                .send(reqwest::Method::POST, &start, &scope, &[], None)
                .await?;
            if resp.status() != reqwest::StatusCode::ACCEPTED {
                return Err(Failure::of(resp).await);
            }
            let mut location = resp
                .headers()
                .get(http::header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .and_then(|l| resp.url().join(l).ok())
                .ok_or_else(|| {
                    Failure::protocol(
                        "the registry started an upload without a usable Location".into(),
                    )
                })?;
            location.query_pairs_mut().append_pair("digest", digest);
            let resp = self
                .send(
                    reqwest::Method::PUT,
                    location.as_str(),
                    &scope,
                    &[("content-type", "application/octet-stream")],
                    Some(&data),
                )
                .await?;
            if resp.status().is_success() {
                Ok(())
            } else {
                Err(Failure::of(resp).await)
            }
        })
        .await
    }

    /// Mounts a blob from another repository of the same registry; `false` when the registry
    /// declined (then the blob must be uploaded).
    pub async fn mount_blob(&self, reference: &Reference, from: &Reference, digest: &str) -> bool {
        let Ok(mut url) = reqwest::Url::parse(&self.url(reference, "blobs/uploads/")) else {
            return false;
        };
        url.query_pairs_mut()
            .append_pair("mount", digest)
            .append_pair("from", from.repository());
        let scope = Self::scope(reference, RegistryOperation::Push);
        self.send(reqwest::Method::POST, url.as_str(), &scope, &[], None)
            .await
            .is_ok_and(|resp| resp.status() == reqwest::StatusCode::CREATED)
    }

    /// Whether the manifest `reference` (by digest) exists.
    pub async fn manifest_exists(&self, reference: &Reference) -> Result<bool, ImageError> {
        let rest = format!("manifests/{}", target(reference));
        match self
            .head(reference, &rest, &[("accept", MANIFEST_ACCEPT)])
            .await
        {
            Ok(found) => Ok(found),
            Err(e) if e.transient() => Ok(false),
            Err(e) => Err(self.error("HEAD manifest", &e)),
        }
    }

    /// Puts a manifest's bytes under `reference` (a digest or a tag); `true` when the
    /// registry answered with `OCI-Subject` (it has the referrers API and listed the
    /// manifest's subject).
    pub async fn put_manifest(
        &self,
        reference: &Reference,
        bytes: &[u8],
        media_type: &str,
    ) -> Result<bool, ImageError> {
        let body = bytes::Bytes::copy_from_slice(bytes);
        let url = self.url(reference, &format!("manifests/{}", target(reference)));
        let scope = Self::scope(reference, RegistryOperation::Push);
        let what = format!("PUT manifest {}", reference.whole());
        self.retry(&what, || async {
            let resp = self
                .send(
                    reqwest::Method::PUT,
                    &url,
                    &scope,
                    &[("content-type", media_type)],
                    Some(&body),
                )
                .await?;
            if resp.status().is_success() {
                Ok(resp.headers().contains_key("oci-subject"))
            } else {
                Err(Failure::of(resp).await)
            }
        })
        .await
    }

    /// A manifest's bytes (at most [`MANIFEST_LIMIT`]) and its digest, checked against the
    /// reference's digest when it has one.
    pub async fn get_manifest(
        &self,
        reference: &Reference,
    ) -> Result<(Vec<u8>, String), ImageError> {
        let what = format!("GET manifest {}", reference.whole());
        let rest = format!("manifests/{}", target(reference));
        let bytes = self
            .retry(&what, || {
                self.get(
                    reference,
                    &rest,
                    MANIFEST_ACCEPT,
                    MANIFEST_LIMIT,
                    "a manifest",
                )
            })
            .await?
            .ok_or_else(|| ImageError::Registry {
                what: what.clone(),
                why: "HTTP 404 (not found)".into(),
            })?;
        let digest = super::layer::sha256_digest(&bytes);
        if let Some(want) = reference.digest()
            && want != digest
        {
            return Err(ImageError::Registry {
                what,
                why: format!("the registry answered a manifest whose digest is {digest}"),
            });
        }
        Ok((bytes, digest))
    }

    /// A blob's bytes: at most `size`, and their SHA-256 must be `digest`.
    pub async fn get_blob(
        &self,
        reference: &Reference,
        digest: &str,
        size: u64,
    ) -> Result<Vec<u8>, ImageError> {
        let what = format!("GET blob {digest}");
        let limit = usize::try_from(size).unwrap_or(usize::MAX);
        let rest = format!("blobs/{digest}");
        let bytes = self
            .retry(&what, || self.get(reference, &rest, "*/*", limit, "a blob"))
            .await?
            .ok_or_else(|| ImageError::Registry {
                what: what.clone(),
                why: "HTTP 404 (not found)".into(),
            })?;
        if super::layer::sha256_digest(&bytes) != digest {
            return Err(ImageError::Registry {
                what,
                why: "the registry answered bytes that do not match the digest".into(),
            });
        }
        Ok(bytes)
    }

    /// `GET /v2/<name>/<rest>`: the body (at most `limit` bytes), or `None` on 404.
    async fn get(
        &self,
        reference: &Reference,
        rest: &str,
        accept: &str,
        limit: usize,
        what: &str,
    ) -> Result<Option<Vec<u8>>, Failure> {
        let url = self.url(reference, rest);
        let scope = Self::scope(reference, RegistryOperation::Pull);
        let resp = self
            .send(
                reqwest::Method::GET,
                &url,
                &scope,
                &[("accept", accept)],
                None,
            )
            .await?;
        match resp.status().as_u16() {
            200..=299 => body(resp, limit, what).await.map(Some),
            404 => Ok(None),
            _ => Err(Failure::of(resp).await),
        }
    }

    /// The referrers of `subject` (a reference by digest): the referrers API's index, or where
    /// the registry has none, the referrers tag schema's (`sha256-<hex>`); an empty index when
    /// neither exists. Returned as the index's JSON, read up to [`MANIFEST_LIMIT`].
    pub async fn referrers(&self, subject: &Reference) -> Result<serde_json::Value, ImageError> {
        let what = format!("GET referrers of {}", subject.whole());
        let digest = subject.digest().unwrap_or_default().to_string();
        let index = self
            .retry(&what, || async {
                const INDEX: &str = "application/vnd.oci.image.index.v1+json";
                let api = self
                    .get(
                        subject,
                        &format!("referrers/{digest}"),
                        INDEX,
                        MANIFEST_LIMIT,
                        "a referrers list",
                    )
                    .await?;
                match api {
                    Some(bytes) => Ok(Some(bytes)),
                    None => {
                        let tag = digest.replace(':', "-");
                        self.get(
                            subject,
                            &format!("manifests/{tag}"),
                            INDEX,
                            MANIFEST_LIMIT,
                            "a referrers index",
                        )
                        .await
                    }
                }
            })
            .await?;
        match index {
            Some(bytes) => serde_json::from_slice(&bytes).map_err(|e| ImageError::Registry {
                what,
                why: format!("the referrers index does not parse: {e}"),
            }),
            None => Ok(serde_json::json!({"schemaVersion": 2, "manifests": []})),
        }
    }
}

/// The digest of a reference by digest, else its tag (`latest` when it has neither).
fn target(reference: &Reference) -> &str {
    reference.digest().or(reference.tag()).unwrap_or("latest")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_found_in_order() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let both = env(&[
            ("GOCROSS_REGISTRY_USERNAME", "u"),
            ("GOCROSS_REGISTRY_PASSWORD", "pw-secret\n"),
            ("GITHUB_TOKEN", "t"),
        ]);
        let c = Credentials::find("ghcr.io", &both).unwrap();
        assert_eq!(
            (c.username.as_str(), c.password.as_str()),
            ("u", "pw-secret")
        );
        // The debug form (what a log or a panic shows) names the user and the source only.
        let shown = format!("{c:?}");
        assert!(!shown.contains("pw-secret"), "{shown}");
        assert_eq!(
            shown,
            "Credentials(u from GOCROSS_REGISTRY_USERNAME/_PASSWORD, ***)"
        );
        let gh = env(&[("GITHUB_TOKEN", "ghs_x"), ("GITHUB_ACTOR", "octocat")]);
        let c = Credentials::find("ghcr.io", &gh).unwrap();
        assert_eq!(
            (c.username.as_str(), c.source.as_str()),
            ("octocat", "GITHUB_TOKEN")
        );
        assert_eq!(
            Credentials::find("quay.io", &env(&[("GITHUB_TOKEN", "ghs_x")])),
            None
        );
        assert_eq!(c.redact("token ghs_x refused"), "token *** refused");
    }

    #[test]
    fn docker_config_auths_are_read() {
        let text = br#"{"auths": {"https://index.docker.io/v1/": {"auth": "dXNlcjpwYXNz"},
                                  "localhost:5000": {"username": "a", "password": "b"}}}"#;
        assert_eq!(
            docker_config_auth(text, "docker.io"),
            Some(("user".into(), "pass".into()))
        );
        assert_eq!(
            docker_config_auth(text, "localhost:5000"),
            Some(("a".into(), "b".into()))
        );
        assert_eq!(docker_config_auth(text, "ghcr.io"), None);
        let helpers =
            br#"{"credsStore": "desktop", "credHelpers": {"gcr.io": "gcloud", "x.io": "../evil"}}"#;
        assert_eq!(
            docker_config_helper(helpers, "gcr.io").as_deref(),
            Some("gcloud")
        );
        assert_eq!(
            docker_config_helper(helpers, "ghcr.io").as_deref(),
            Some("desktop")
        );
        assert_eq!(docker_config_helper(helpers, "x.io"), None);
    }

    #[test]
    fn rate_limits_and_server_errors_are_tried_again() {
        let answer = |code, codes: &[&str]| Failure {
            text: String::new(),
            status: Some(code),
            codes: codes.iter().map(|c| c.to_string()).collect(),
            transport: false,
        };
        for code in [408, 429, 500, 502, 503, 504] {
            assert!(answer(code, &[]).transient(), "{code}");
        }
        for code in [400, 401, 403, 404] {
            assert!(!answer(code, &[]).transient(), "{code}");
        }
        assert!(answer(400, &["TOOMANYREQUESTS"]).transient());
        assert!(answer(400, &["DENIED"]).denied());
        assert!(!Failure::protocol("no".into()).transient());
    }

    #[test]
    fn bearer_challenges_are_parsed() {
        let p = bearer_challenge(
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push""#,
        )
        .unwrap();
        assert_eq!(
            p,
            [
                ("realm".into(), "https://auth.docker.io/token".into()),
                ("service".into(), "registry.docker.io".into()),
                ("scope".into(), "repository:samalba/my-app:pull,push".into()),
            ]
        );
        assert!(bearer_challenge(r#"Basic realm="x""#).is_none());
        assert_eq!(bearer_challenge("Bearer realm").unwrap(), []);
    }

    /// A registry stand-in on 127.0.0.1 that answers `status` `times` times, then `then`.
    async fn flaky(
        method: &str,
        path: &str,
        status: u16,
        times: u64,
        then: u16,
    ) -> (wiremock::MockServer, String) {
        use wiremock::matchers::{method as m, path as p};
        use wiremock::{Mock, ResponseTemplate};
        let server = wiremock::MockServer::start().await;
        Mock::given(m(method))
            .and(p(path))
            .respond_with(ResponseTemplate::new(status))
            .up_to_n_times(times)
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(m(method))
            .and(p(path))
            .respond_with(ResponseTemplate::new(then))
            .with_priority(2)
            .mount(&server)
            .await;
        let host = server.address().to_string();
        (server, host)
    }

    fn registry(
        host: &str,
        credentials: Option<Credentials>,
    ) -> (Registry, Arc<std::sync::Mutex<Vec<String>>>) {
        let lines = Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = lines.clone();
        let progress: Arc<Progress> =
            Arc::new(move |l: &str| seen.lock().unwrap().push(l.to_string()));
        let retry = RetryPolicy {
            attempts: 4,
            max_sleep: Duration::ZERO,
        };
        (
            Registry::new(host, credentials, false, retry, progress),
            lines,
        )
    }

    const DIGEST: &str = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

    #[tokio::test]
    async fn rate_limits_and_server_errors_are_waited_out() {
        let path = format!("/v2/hello/blobs/{DIGEST}");
        let (_server, host) = flaky("HEAD", &path, 429, 2, 200).await;
        let (r, lines) = registry(&host, None);
        let reference = parse_reference(&format!("{host}/hello")).unwrap();
        assert!(r.blob_exists(&reference, DIGEST).await.unwrap());
        let lines = lines.lock().unwrap().clone();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[0].contains("before attempt 2/4"), "{lines:?}");

        let (_server, host) = flaky("HEAD", &path, 503, 10, 200).await;
        let (r, _) = registry(&host, None);
        let reference = parse_reference(&format!("{host}/hello")).unwrap();
        let err = r
            .blob_exists(&reference, DIGEST)
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("503") && err.contains("nothing was tagged"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn a_refused_password_is_named_and_never_shown() {
        let path = format!("/v2/hello/blobs/{DIGEST}");
        let (_server, host) = flaky("HEAD", &path, 401, 10, 401).await;
        let secret = "s3cr3t-Passw0rd";
        let (r, lines) = registry(
            &host,
            Some(Credentials::new(
                "me",
                secret,
                "GOCROSS_REGISTRY_USERNAME/_PASSWORD",
            )),
        );
        let reference = parse_reference(&format!("{host}/hello")).unwrap();
        let err = r.blob_exists(&reference, DIGEST).await.unwrap_err();
        assert!(matches!(err, ImageError::Denied { .. }), "{err}");
        let text = err.to_string();
        assert!(
            text.contains("me from GOCROSS_REGISTRY_USERNAME/_PASSWORD"),
            "{text}"
        );
        assert!(!text.contains(secret));
        assert!(lines.lock().unwrap().is_empty(), "a refusal is not retried");
    }

    #[tokio::test]
    async fn a_bearer_challenge_is_answered_with_a_token_for_the_scope_and_service() {
        use wiremock::matchers::{header, method as m, path as p, query_param};
        use wiremock::{Mock, ResponseTemplate};
        let server = wiremock::MockServer::start().await;
        let blob = format!("/v2/acme/hello/blobs/{DIGEST}");
        // The realm's own query is kept; scope and service are added to it, URL-encoded.
        let challenge = format!(
            r#"Bearer realm="{}/token?account=ci",service="reg.test",scope="ignored""#,
            server.uri()
        );
        Mock::given(m("HEAD"))
            .and(p(blob.as_str()))
            .and(header("authorization", "Bearer tok-1"))
            .respond_with(ResponseTemplate::new(200))
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(m("HEAD"))
            .and(p(blob.as_str()))
            .respond_with(
                ResponseTemplate::new(401).insert_header("www-authenticate", challenge.as_str()),
            )
            .with_priority(2)
            .mount(&server)
            .await;
        Mock::given(m("GET"))
            .and(p("/token"))
            .and(query_param("account", "ci"))
            .and(query_param("scope", "repository:acme/hello:pull"))
            .and(query_param("service", "reg.test"))
            .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"token":"tok-1"}"#))
            .expect(1)
            .mount(&server)
            .await;
        let host = server.address().to_string();
        let (r, _) = registry(&host, None);
        let reference = parse_reference(&format!("{host}/acme/hello")).unwrap();
        assert!(r.blob_exists(&reference, DIGEST).await.unwrap());
        let token = server
            .received_requests()
            .await
            .unwrap()
            .into_iter()
            .find(|q| q.url.path() == "/token")
            .expect("a token was asked for");
        assert_eq!(
            token.url.query(),
            Some("account=ci&scope=repository%3Aacme%2Fhello%3Apull&service=reg.test")
        );
    }

    #[test]
    fn only_loopback_hosts_get_plain_http() {
        assert!(is_loopback("localhost:5000"));
        assert!(is_loopback("127.0.0.1:41234"));
        assert!(is_loopback("[::1]:5000"));
        assert!(is_loopback("localhost"));
        assert!(!is_loopback("ghcr.io"));
        assert!(!is_loopback("localhost.example.com:5000"));
        assert!(!is_loopback("10.0.0.1:5000"));
    }
}
