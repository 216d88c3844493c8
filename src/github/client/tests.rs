//! Unit tests of the client: endpoints, settings, classification of responses.

use super::classify::{Transient, classify};
use super::settings::origin;
use super::*;
use bytes::Bytes;
use http::{HeaderMap, StatusCode};

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
