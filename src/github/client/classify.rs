//! Which responses are tried again, and after how long: rate limits (primary and secondary,
//! from the headers and the body) whatever the method, and 5xx answers.

use super::request::Response;
use std::time::Duration;

/// Why an attempt is tried again, and how long to wait first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Transient {
    /// Refused by a rate limit: safe to send again, whatever the method.
    RateLimit { wait: Duration, why: String },
    /// A 5xx: GitHub may have acted on the request.
    Server { wait: Duration },
}

/// Classifies a response: `None` when it is final. `attempt` counts from 1;
/// `rate_limited` is how many earlier attempts of this request were rate limited.
pub(super) fn classify(
    resp: &Response,
    attempt: u32,
    rate_limited: u32,
    now: u64,
) -> Option<Transient> {
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
