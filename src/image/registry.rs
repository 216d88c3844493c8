//! A registry connection for `gocross image push` and for pulling a base image: the
//! `oci-client` distribution client (authentication, the bearer-token dance, uploads, mounts
//! and the referrers API with its tag-schema fallback are its business) with gocross's rules
//! on top. Blobs go up monolithically (one `POST` and one `PUT`), which every registry takes.
//!
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
use oci_client::client::{ClientConfig, ClientProtocol};
use oci_client::errors::{OciDistributionError, OciErrorCode};
use oci_client::secrets::RegistryAuth;
use oci_client::{Reference, RegistryOperation};
use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// A callback that shows one line of progress.
pub type Progress = dyn Fn(&str) + Send + Sync;

/// Where credentials came from, for messages (never the secret itself).
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
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

/// One registry host, with credentials, transport and retries chosen.
pub struct Registry {
    client: oci_client::Client,
    http: reqwest::Client,
    /// `http` or `https`, as the transport rules chose for this host.
    scheme: &'static str,
    auth: RegistryAuth,
    credentials: Option<Credentials>,
    host: String,
    retry: RetryPolicy,
    progress: Arc<Progress>,
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
        let protocol = if insecure {
            ClientProtocol::Http
        } else if is_loopback(host) {
            ClientProtocol::HttpsExcept(vec![host.to_string()])
        } else {
            ClientProtocol::Https
        };
        let config = ClientConfig {
            protocol,
            // One POST and one PUT per blob: every registry takes it (the spec requires it),
            // a binary layer is megabytes, and some registries' chunked uploads break
            // clients (crane's answers a PATCH without a Location).
            use_monolithic_push: true,
            connect_timeout: Some(Duration::from_secs(30)),
            read_timeout: Some(Duration::from_secs(300)),
            ..Default::default()
        };
        let scheme = if insecure || is_loopback(host) {
            "http"
        } else {
            "https"
        };
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(30))
            .read_timeout(Duration::from_secs(300))
            .build()
            .unwrap_or_default();
        let auth = match &credentials {
            Some(c) => RegistryAuth::Basic(c.username.clone(), c.password.clone()),
            None => RegistryAuth::Anonymous,
        };
        Registry {
            client: oci_client::Client::new(config),
            http,
            scheme,
            auth,
            credentials,
            host: host.to_string(),
            retry,
            progress,
        }
    }

    /// Prints the `::add-mask::` line for the password inside Actions.
    pub fn mask_in_actions(&self) {
        if let Some(c) = &self.credentials
            && crate::github::actions::is_actions()
            && !c.password.is_empty()
        {
            println!("{}", crate::github::actions::add_mask(&c.password));
        }
    }

    /// Where the credentials came from, or `anonymous`.
    pub fn credential_source(&self) -> String {
        match &self.credentials {
            Some(c) => format!("{} from {}", c.username, c.source),
            None => "anonymous".into(),
        }
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    fn redact(&self, text: &str) -> String {
        match &self.credentials {
            Some(c) => c.redact(text),
            None => text.to_string(),
        }
    }

    /// Runs `attempt` until it succeeds, fails for good, or the attempts are spent; `what`
    /// names the request in messages.
    async fn retry<T, F, Fut>(&self, what: &str, attempt: F) -> Result<T, ImageError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, OciDistributionError>>,
    {
        let mut n = 1;
        loop {
            match attempt().await {
                Ok(v) => return Ok(v),
                Err(e) if n < self.retry.attempts && is_transient(&e) => {
                    let wait =
                        Duration::from_secs(1u64 << (n - 1).min(5)).min(self.retry.max_sleep);
                    (self.progress)(&self.redact(&format!(
                        "{what}: {}; waiting {}s before attempt {}/{}",
                        short(&e),
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

    fn error(&self, what: &str, e: &OciDistributionError) -> ImageError {
        let denied = match e {
            OciDistributionError::AuthenticationFailure(_)
            | OciDistributionError::UnauthorizedError { .. } => true,
            OciDistributionError::ServerError { code, .. } => matches!(code, 401 | 403),
            OciDistributionError::RequestError(r) => r
                .status()
                .is_some_and(|s| s.as_u16() == 401 || s.as_u16() == 403),
            OciDistributionError::RegistryError { envelope, .. } => envelope
                .errors
                .iter()
                .any(|x| matches!(x.code, OciErrorCode::Unauthorized | OciErrorCode::Denied)),
            _ => false,
        };
        if denied {
            return ImageError::Denied {
                host: self.host.clone(),
                what: what.to_string(),
                credentials: self.credential_source(),
                why: self.redact(&short(e)),
            };
        }
        ImageError::Registry {
            what: what.to_string(),
            why: self.redact(&short(e)),
        }
    }

    /// Authenticates for `op` on `reference`'s repository (a bearer token where the registry
    /// asks for one).
    pub async fn login(
        &self,
        reference: &Reference,
        op: RegistryOperation,
    ) -> Result<(), ImageError> {
        self.retry("log in", || self.client.auth(reference, &self.auth, op))
            .await
            .map(|_| ())
    }

    /// Whether the blob `digest` is in `reference`'s repository (`HEAD /v2/<name>/blobs/<digest>`).
    pub async fn blob_exists(
        &self,
        reference: &Reference,
        digest: &str,
    ) -> Result<bool, ImageError> {
        self.retry(&format!("HEAD blob {digest}"), || {
            self.client.blob_exists(reference, digest)
        })
        .await
    }

    /// Uploads a blob in one request (`POST`, then `PUT` with the bytes).
    pub async fn push_blob(
        &self,
        reference: &Reference,
        bytes: &[u8],
        digest: &str,
    ) -> Result<(), ImageError> {
        let data = bytes::Bytes::copy_from_slice(bytes);
        self.retry(&format!("upload blob {digest}"), || async {
            match self.client.push_blob(reference, data.clone(), digest).await {
                // Some registries (crane's) answer the final PUT with 201 and no Location:
                // the blob is stored when the registry says it has it.
                Err(OciDistributionError::RegistryNoLocationError)
                    if self
                        .client
                        .blob_exists(reference, digest)
                        .await
                        .unwrap_or(false) =>
                {
                    Ok(String::new())
                }
                other => other,
            }
        })
        .await
        .map(|_| ())
    }

    /// Mounts a blob from another repository of the same registry; `false` when the registry
    /// declined (then the blob must be uploaded).
    pub async fn mount_blob(&self, reference: &Reference, from: &Reference, digest: &str) -> bool {
        self.client
            .mount_blob(reference, from, digest)
            .await
            .is_ok()
    }

    /// Whether the manifest `reference` (by digest) exists.
    pub async fn manifest_exists(&self, reference: &Reference) -> Result<bool, ImageError> {
        match self
            .client
            .fetch_manifest_digest(reference, &self.auth)
            .await
        {
            Ok(_) => Ok(true),
            Err(OciDistributionError::ImageManifestNotFoundError(_)) => Ok(false),
            Err(OciDistributionError::ServerError { code: 404, .. }) => Ok(false),
            Err(OciDistributionError::RegistryError { envelope, .. })
                if envelope.errors.iter().any(|e| {
                    matches!(
                        e.code,
                        OciErrorCode::ManifestUnknown
                            | OciErrorCode::NameUnknown
                            | OciErrorCode::NotFound
                    )
                }) =>
            {
                Ok(false)
            }
            Err(e) if is_transient(&e) => Ok(false),
            Err(e) => Err(self.error("HEAD manifest", &e)),
        }
    }

    /// Puts a manifest's bytes under `reference` (a digest or a tag); `true` when the
    /// registry answered with `OCI-Subject` (it has the referrers API and listed the
    /// manifest's subject).
    ///
    /// Sent by gocross itself, with the token the client negotiated, rather than by
    /// `oci-client`'s `push_manifest_raw`, which panics when a registry (crane's) answers a
    /// manifest pushed by digest without a `Location`.
    pub async fn put_manifest(
        &self,
        reference: &Reference,
        bytes: &[u8],
        media_type: &str,
    ) -> Result<bool, ImageError> {
        let body = bytes::Bytes::copy_from_slice(bytes);
        let target = reference
            .digest()
            .or(reference.tag())
            .unwrap_or("latest")
            .to_string();
        let url = format!(
            "{}://{}/v2/{}/manifests/{target}",
            self.scheme,
            reference.resolve_registry(),
            reference.repository()
        );
        let what = format!("PUT manifest {}", reference.whole());
        self.retry(&what, || async {
            let token = self
                .client
                .auth(reference, &self.auth, RegistryOperation::Push)
                .await?;
            let mut req = self
                .http
                .put(&url)
                .header(http::header::CONTENT_TYPE, media_type)
                .body(body.clone());
            req = match (&token, &self.credentials) {
                (Some(token), _) => req.bearer_auth(token),
                (None, Some(c)) => req.basic_auth(&c.username, Some(&c.password)),
                (None, None) => req,
            };
            let resp = req.send().await?;
            let status = resp.status();
            let subject = resp.headers().contains_key("oci-subject");
            if status.is_success() {
                return Ok(subject);
            }
            let message = resp.text().await.unwrap_or_default();
            if status.as_u16() == 401 {
                return Err(OciDistributionError::UnauthorizedError { url: url.clone() });
            }
            Err(OciDistributionError::ServerError {
                code: status.as_u16(),
                url: url.clone(),
                message: message.chars().take(500).collect(),
            })
        })
        .await
    }

    /// A manifest's bytes and media type.
    pub async fn get_manifest(
        &self,
        reference: &Reference,
    ) -> Result<(Vec<u8>, String), ImageError> {
        const ACCEPT: &[&str] = &[
            oci_client::manifest::OCI_IMAGE_INDEX_MEDIA_TYPE,
            oci_client::manifest::OCI_IMAGE_MEDIA_TYPE,
            oci_client::manifest::IMAGE_MANIFEST_LIST_MEDIA_TYPE,
            oci_client::manifest::IMAGE_MANIFEST_MEDIA_TYPE,
        ];
        let what = format!("GET manifest {}", reference.whole());
        let (bytes, digest) = self
            .retry(&what, || {
                self.client.pull_manifest_raw(reference, &self.auth, ACCEPT)
            })
            .await?;
        Ok((bytes.to_vec(), digest))
    }

    /// A blob's bytes (the client checks them against `digest`).
    pub async fn get_blob(
        &self,
        reference: &Reference,
        digest: &str,
    ) -> Result<Vec<u8>, ImageError> {
        let what = format!("GET blob {digest}");
        self.retry(&what, || async {
            let mut out = Vec::new();
            self.client.pull_blob(reference, digest, &mut out).await?;
            Ok(out)
        })
        .await
    }

    /// The referrers of `subject` (a reference by digest): the referrers API's index, or where
    /// the registry has none, the referrers tag schema's (`sha256-<hex>`); empty when neither
    /// exists. Returned as the index's JSON.
    pub async fn referrers(&self, subject: &Reference) -> Result<serde_json::Value, ImageError> {
        let what = format!("GET referrers of {}", subject.whole());
        let index = self
            .retry(&what, || self.client.pull_referrers(subject, None))
            .await?;
        serde_json::to_value(&index).map_err(|e| ImageError::Registry {
            what,
            why: e.to_string(),
        })
    }
}

/// Whether a failed request may succeed when sent again.
fn is_transient(e: &OciDistributionError) -> bool {
    match e {
        OciDistributionError::ServerError { code, .. } => {
            matches!(code, 408 | 429 | 500 | 502 | 503 | 504)
        }
        OciDistributionError::RegistryError { envelope, .. } => envelope
            .errors
            .iter()
            .any(|x| matches!(x.code, OciErrorCode::Toomanyrequests)),
        OciDistributionError::RequestError(r) => {
            r.is_connect()
                || r.is_timeout()
                || r.status()
                    .is_some_and(|s| matches!(s.as_u16(), 408 | 429 | 500 | 502 | 503 | 504))
        }
        _ => false,
    }
}

/// A one-line description of a client error.
fn short(e: &OciDistributionError) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = s.source();
    }
    text.replace('\n', " ")
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
            ("GOCROSS_REGISTRY_PASSWORD", "p\n"),
            ("GITHUB_TOKEN", "t"),
        ]);
        let c = Credentials::find("ghcr.io", &both).unwrap();
        assert_eq!((c.username.as_str(), c.password.as_str()), ("u", "p"));
        assert!(!format!("{c:?}").contains('p') || format!("{c:?}").contains("***"));
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
        let server = |code| OciDistributionError::ServerError {
            code,
            url: "http://r/v2/".into(),
            message: String::new(),
        };
        for code in [429, 500, 502, 503, 504] {
            assert!(is_transient(&server(code)), "{code}");
        }
        for code in [400, 401, 403, 404] {
            assert!(!is_transient(&server(code)), "{code}");
        }
        let envelope: oci_client::errors::OciEnvelope = serde_json::from_str(
            r#"{"errors": [{"code": "TOOMANYREQUESTS", "message": "slow down"}]}"#,
        )
        .unwrap();
        assert!(is_transient(&OciDistributionError::RegistryError {
            envelope,
            url: String::new()
        }));
        assert!(!is_transient(&OciDistributionError::AuthenticationFailure(
            "no".into()
        )));
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
