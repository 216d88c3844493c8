//! Keeping secret values out of everything gocross prints or stores (logs, errors, the
//! output tails of binaries it ran, manifest.json): one redaction, used for the GitHub token
//! and for the secrets of the environment alike.
//!
//! A secret is replaced by `***` wherever it appears as itself in any letter case, split by
//! zero-width characters (which are dropped from the text first: U+200B–U+200D, U+2060,
//! U+FEFF, U+00AD, U+180E), or base64-encoded (standard or URL-safe alphabet, at any of the
//! three byte alignments inside a longer encoding, as in an `Authorization: Basic` header).
//! Values shorter than [`MIN_SECRET_LEN`] are not redacted: they would blank out ordinary text.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use regex::Regex;

/// Shortest value redacted; real tokens are far longer.
pub const MIN_SECRET_LEN: usize = 8;

/// Characters that render as nothing, by which a secret could be split to pass a plain search.
const INVISIBLE: &[char] = &[
    '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{00AD}', '\u{180E}',
];

/// The base64 text that encodes `secret` whatever the bytes around it: for each of the three
/// alignments, the characters that depend on the secret's bytes alone.
fn base64_cores(secret: &[u8]) -> Vec<String> {
    let mut cores = Vec::new();
    for lead in 0..3usize {
        let mut bytes = vec![0u8; lead];
        bytes.extend_from_slice(secret);
        for engine in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
            let encoded = engine.encode(&bytes);
            // Characters mixing a lead byte with the secret's first byte, and the last
            // character (which may mix in a following byte), vary with the surroundings.
            let skip = (lead * 4).div_ceil(3);
            let core: String = encoded
                .chars()
                .skip(skip)
                .take(encoded.len().saturating_sub(skip + 1))
                .collect();
            if core.len() >= MIN_SECRET_LEN && !cores.contains(&core) {
                cores.push(core);
            }
        }
    }
    cores
}

/// The pattern that finds every form of every secret, `None` when there is nothing to find.
fn pattern<S: AsRef<str>>(secrets: &[S]) -> Option<Regex> {
    let mut alternatives = Vec::new();
    for secret in secrets {
        let secret = secret.as_ref().trim();
        if secret.len() < MIN_SECRET_LEN {
            continue;
        }
        alternatives.push(format!("(?i:{})", regex::escape(secret)));
        alternatives.extend(
            base64_cores(secret.as_bytes())
                .iter()
                .map(|c| regex::escape(c)),
        );
    }
    // Longest first, so that a secret holding another is replaced whole.
    alternatives.sort_by_key(|a| std::cmp::Reverse(a.len()));
    (!alternatives.is_empty())
        .then(|| Regex::new(&alternatives.join("|")).expect("escaped alternatives compile"))
}

/// `text` with every form of each of `secrets` replaced by `***` (see the module docs).
pub fn redact<S: AsRef<str>>(text: &str, secrets: &[S]) -> String {
    let Some(pattern) = pattern(secrets) else {
        return text.to_string();
    };
    let visible: String = text.chars().filter(|c| !INVISIBLE.contains(c)).collect();
    pattern.replace_all(&visible, "***").into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "ghs_Secret0Token1Value2";

    #[test]
    fn every_form_of_a_secret_is_redacted() {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let cases = [
            format!("token {TOKEN} here"),
            format!("upper {}", TOKEN.to_uppercase()),
            format!(
                "split {}",
                TOKEN
                    .chars()
                    .map(|c| format!("{c}\u{200B}"))
                    .collect::<String>()
            ),
            format!("basic {}", b64(&format!("x-access-token:{TOKEN}"))),
            format!("plain {}", b64(TOKEN)),
            format!("shifted {}", b64(&format!("ab{TOKEN}cd"))),
            format!(
                "url-safe {}",
                base64::engine::general_purpose::URL_SAFE.encode(format!("?>{TOKEN}"))
            ),
        ];
        for text in cases {
            let out = redact(&text, &[TOKEN]);
            assert!(out.contains("***"), "{text} -> {out}");
            for core in base64_cores(TOKEN.as_bytes()) {
                assert!(!out.contains(&core), "{text} -> {out}");
            }
            assert!(!out.to_lowercase().contains(&TOKEN.to_lowercase()), "{out}");
        }
        assert_eq!(redact("short 1234567", &["1234567"]), "short 1234567");
        assert_eq!(redact("nothing here", &[TOKEN]), "nothing here");
    }
}
