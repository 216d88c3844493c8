//! A request as [`super::Client::send`] takes it, and the complete response it returns.

use super::JSON;
use super::classify::{Transient, classify};
use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};

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

    /// A `PUT` of a JSON body (a file through the contents API), sent again after a 5xx: a
    /// replay of a write that landed answers 409 (its `sha` is no longer current), which the
    /// caller reconciles by reading the file.
    pub fn put(url: String, json: serde_json::Value) -> Request {
        Request::new(Method::PUT, url, Body::Json(json), Replay::Always)
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

    pub(super) fn body_len(&self) -> usize {
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
    /// GitHub's `message` field of an error body (at most 300 characters, control characters
    /// dropped), else the status's reason phrase. The raw body is never shown: an answer is
    /// hostile input, and only its parsed fields reach the user (redacted by the client).
    pub fn message(&self) -> String {
        let parsed: Option<serde_json::Value> = serde_json::from_slice(&self.body).ok();
        match parsed
            .as_ref()
            .and_then(|v| v.get("message"))
            .and_then(|m| m.as_str())
        {
            Some(m) => m.chars().filter(|c| !c.is_control()).take(300).collect(),
            None => {
                let reason = self.status.canonical_reason().unwrap_or("no message");
                match self.body.len() {
                    0 => reason.to_string(),
                    n => format!("{reason} ({n} bytes that are not GitHub's JSON)"),
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

    pub(super) fn header_u64(&self, name: &str) -> Option<u64> {
        self.headers.get(name)?.to_str().ok()?.trim().parse().ok()
    }
}
