//! The `org.opencontainers.image.*` labels and the image's date, from what the source says.
//!
//! - `created`: the build's date in dist/manifest.json (`SOURCE_DATE_EPOCH`, else the commit
//!   date, as the build stamped it); for a manifest without one, the same rule applied here.
//! - `revision`: the manifest's commit, else `git rev-parse HEAD`.
//! - `version`: the manifest's version; `title`: the project.
//! - `source`: `$GITHUB_SERVER_URL/$GITHUB_REPOSITORY` inside Actions, else the `origin`
//!   remote as an https URL (credentials removed), else a go.mod module path on a known forge
//!   (`github.com/acme/age/v2` → `https://github.com/acme/age`).
//! - `licenses`: an SPDX identifier, only when it can be told: a `SPDX-License-Identifier:`
//!   line, or the full text of a license whose wording no other license shares (Apache-2.0,
//!   MIT, ISC, BSD-2-Clause, BSD-3-Clause, MPL-2.0, Unlicense). GPL texts do not say
//!   "only" or "or later", so they are left out rather than guessed.
//!
//! Label keys and meanings: the OCI image spec's annotations.md
//! (<https://github.com/opencontainers/image-spec/blob/main/annotations.md>), whose keys the
//! `oci-spec` crate names (`ANNOTATION_*`); gocross spells none of them itself. Besides them,
//! [`UNVERIFIED_LABEL`] marks a platform image whose binary was not verified.

use crate::build::Stamp;
use oci_spec::image::{
    ANNOTATION_CREATED, ANNOTATION_LICENSES, ANNOTATION_REVISION, ANNOTATION_SOURCE,
    ANNOTATION_TITLE, ANNOTATION_VERSION,
};

/// What every key of the OCI image spec's pre-defined annotations starts with.
pub const OCI_PREFIX: &str = "org.opencontainers.image.";

/// The label of a platform image whose binary was not verified (taken with
/// `image.allow_unverified`): its value says why (`not run on its target: ...`).
pub const UNVERIFIED_LABEL: &str = "dev.gocross.image.unverified";
use crate::config::GoMod;
use crate::manifest::Manifest;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// What the labels say about the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFacts {
    /// RFC 3339 UTC, e.g. `2026-03-01T12:00:00Z`.
    pub created: String,
    /// Seconds since 1970 of `created`: the mtime of every layer entry.
    pub epoch: u64,
    /// The version (`org.opencontainers.image.version`).
    pub version: String,
    /// The project (`org.opencontainers.image.title`).
    pub title: String,
    /// The commit (`org.opencontainers.image.revision`).
    pub revision: Option<String>,
    /// The repository URL (`org.opencontainers.image.source`).
    pub source: Option<String>,
    /// The SPDX license expression (`org.opencontainers.image.licenses`).
    pub licenses: Option<String>,
}

impl SourceFacts {
    /// The facts for the module in `module_dir` whose build wrote `manifest`. `env` looks up
    /// environment variables (`GITHUB_SERVER_URL`, `GITHUB_REPOSITORY`, `SOURCE_DATE_EPOCH`).
    ///
    /// Errors: a `SOURCE_DATE_EPOCH` that is not a number (only consulted for a manifest
    /// without a date).
    pub fn detect(
        module_dir: &Path,
        manifest: &Manifest,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<SourceFacts, String> {
        let (commit, created) = if manifest.date.is_empty() || manifest.commit.is_empty() {
            let stamp =
                Stamp::detect(module_dir, Some(&manifest.version)).map_err(|e| e.to_string())?;
            let commit = if manifest.commit.is_empty() {
                stamp.commit
            } else {
                manifest.commit.clone()
            };
            let date = if manifest.date.is_empty() {
                stamp.date
            } else {
                manifest.date.clone()
            };
            (commit, date)
        } else {
            (manifest.commit.clone(), manifest.date.clone())
        };
        let epoch = humantime::parse_rfc3339(&created)
            .map_err(|e| format!("the build date `{created}` is not RFC 3339: {e}"))?
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let revision = (commit != crate::build::NO_COMMIT && !commit.is_empty()).then_some(commit);
        let source = actions_source(env)
            .or_else(|| git_origin(module_dir))
            .or_else(|| {
                GoMod::read(module_dir)
                    .ok()
                    .and_then(|m| forge_url(&m.module))
            });
        Ok(SourceFacts {
            created,
            epoch,
            version: manifest.version.clone(),
            title: manifest.project.clone(),
            revision,
            source,
            licenses: license_of(module_dir),
        })
    }

    /// The `org.opencontainers.image.*` labels, then `extra` (which wins on a shared key).
    pub fn labels(&self, extra: &BTreeMap<String, String>) -> BTreeMap<String, String> {
        let mut labels = BTreeMap::new();
        let mut put = |key: &str, value: Option<&String>| {
            if let Some(v) = value {
                labels.insert(key.to_string(), v.clone());
            }
        };
        put(ANNOTATION_CREATED, Some(&self.created));
        put(ANNOTATION_VERSION, Some(&self.version));
        put(ANNOTATION_TITLE, Some(&self.title));
        put(ANNOTATION_REVISION, self.revision.as_ref());
        put(ANNOTATION_SOURCE, self.source.as_ref());
        put(ANNOTATION_LICENSES, self.licenses.as_ref());
        labels.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
        labels
    }
}

fn actions_source(env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let server = env("GITHUB_SERVER_URL").filter(|s| s.starts_with("https://"))?;
    let repo = env("GITHUB_REPOSITORY").filter(|r| r.contains('/'))?;
    Some(format!("{}/{}", server.trim_end_matches('/'), repo.trim()))
}

fn git_origin(dir: &Path) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["remote", "get-url", "origin"])
        .stdin(std::process::Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    https_url(String::from_utf8_lossy(&out.stdout).trim())
}

/// A git remote as a browsable https URL without credentials or `.git`:
/// `git@github.com:acme/age.git` and `https://user:token@github.com/acme/age.git` both
/// become `https://github.com/acme/age`. `None` for local paths and other schemes.
pub fn https_url(remote: &str) -> Option<String> {
    let (host, path) = if let Some(rest) = remote
        .strip_prefix("https://")
        .or_else(|| remote.strip_prefix("http://"))
        .or_else(|| remote.strip_prefix("ssh://"))
        .or_else(|| remote.strip_prefix("git://"))
    {
        let (authority, path) = rest.split_once('/')?;
        let host = authority.rsplit('@').next()?;
        // An ssh:// URL may carry a port that is not the web's.
        let host = if remote.starts_with("ssh://") {
            host.split(':').next()?
        } else {
            host
        };
        (host.to_string(), path.to_string())
    } else {
        let (user_host, path) = remote.split_once(':')?;
        if user_host.contains('/') || path.starts_with("//") {
            return None;
        }
        let host = user_host.rsplit('@').next()?;
        (host.to_string(), path.to_string())
    };
    let path = path.trim_matches('/').trim_end_matches(".git");
    let safe = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/' | ':'))
    };
    (safe(&host) && safe(path) && host.contains('.')).then(|| format!("https://{host}/{path}"))
}

/// The web address of a module path on a forge whose module paths are repository URLs
/// (github.com, gitlab.com, bitbucket.org, codeberg.org): host, owner, repository.
pub fn forge_url(module: &str) -> Option<String> {
    let parts: Vec<&str> = module.split('/').collect();
    match parts.as_slice() {
        [
            host @ ("github.com" | "gitlab.com" | "bitbucket.org" | "codeberg.org"),
            owner,
            repo,
            ..,
        ] => Some(format!("https://{host}/{owner}/{repo}")),
        _ => None,
    }
}

/// The SPDX identifier of the module's license file, when it can be told for certain.
pub fn license_of(dir: &Path) -> Option<String> {
    for name in [
        "LICENSE",
        "LICENSE.md",
        "LICENSE.txt",
        "LICENCE",
        "COPYING",
        "COPYING.md",
    ] {
        let path = dir.join(name);
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if !meta.is_file() || meta.len() > 1 << 20 {
            continue;
        }
        let text = std::fs::read_to_string(&path).ok()?;
        return spdx_of(&text);
    }
    None
}

/// The SPDX identifier a license text states or is unmistakably the text of.
pub fn spdx_of(text: &str) -> Option<String> {
    for line in text.lines().take(20) {
        if let Some((_, id)) = line.split_once("SPDX-License-Identifier:") {
            let id = id.trim().trim_end_matches("*/").trim();
            let valid = !id.is_empty()
                && id.chars().all(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | ' ' | '(' | ')')
                });
            return valid.then(|| id.to_string());
        }
    }
    let flat: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase();
    let has = |s: &str| flat.contains(s);
    let id = if has("apache license") && has("version 2.0, january 2004") {
        "Apache-2.0"
    } else if has("mozilla public license version 2.0") {
        "MPL-2.0"
    } else if has("this is free and unencumbered software released into the public domain") {
        "Unlicense"
    } else if has("permission is hereby granted, free of charge, to any person obtaining a copy")
        && has("the above copyright notice and this permission notice shall be included")
    {
        "MIT"
    } else if has(
        "permission to use, copy, modify, and/or distribute this software for any purpose with or without fee is hereby granted",
    ) {
        "ISC"
    } else if has(
        "redistribution and use in source and binary forms, with or without modification, are permitted",
    ) && has("redistributions of binary form must reproduce")
    {
        if has("neither the name of") || has("the names of its contributors may not be used") {
            "BSD-3-Clause"
        } else if has("all advertising materials") {
            return None;
        } else {
            "BSD-2-Clause"
        }
    } else {
        return None;
    };
    Some(id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remotes_become_https_urls_without_credentials() {
        for (remote, url) in [
            (
                "git@github.com:acme/age.git",
                Some("https://github.com/acme/age"),
            ),
            (
                "https://x-access-token:ghs_secret@github.com/acme/age.git",
                Some("https://github.com/acme/age"),
            ),
            ("https://gitlab.com/a/b/c", Some("https://gitlab.com/a/b/c")),
            (
                "ssh://git@example.com:2222/a/b.git",
                Some("https://example.com/a/b"),
            ),
            ("/srv/git/age.git", None),
            ("../age", None),
        ] {
            assert_eq!(https_url(remote).as_deref(), url, "{remote}");
        }
        assert_eq!(
            forge_url("github.com/acme/age/v2").as_deref(),
            Some("https://github.com/acme/age")
        );
        assert_eq!(forge_url("example.com/hello"), None);
    }

    #[test]
    fn licenses_are_told_only_when_certain() {
        let apache = "\n                                 Apache License\n                           Version 2.0, January 2004\n                        http://www.apache.org/licenses/\n";
        assert_eq!(spdx_of(apache).as_deref(), Some("Apache-2.0"));
        let mit = "MIT License\n\nCopyright (c) 2026 Acme\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\nof this software ...\n\nThe above copyright notice and this permission notice shall be included in all\ncopies or substantial portions of the Software.\n";
        assert_eq!(spdx_of(mit).as_deref(), Some("MIT"));
        assert_eq!(
            spdx_of("// SPDX-License-Identifier: MIT OR Apache-2.0\n").as_deref(),
            Some("MIT OR Apache-2.0")
        );
        let gpl = "GNU GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007\n";
        assert_eq!(spdx_of(gpl), None, "only or or-later cannot be told");
        assert_eq!(spdx_of("All rights reserved."), None);
    }

    #[test]
    fn labels_hold_what_is_known_and_extra_wins() {
        let facts = SourceFacts {
            created: "2026-01-02T03:04:05Z".into(),
            epoch: 0,
            version: "1.0.0".into(),
            title: "hello".into(),
            revision: Some("abc".into()),
            source: None,
            licenses: None,
        };
        let extra = BTreeMap::from([
            (
                "org.opencontainers.image.title".to_string(),
                "Hello".to_string(),
            ),
            ("com.example.team".to_string(), "core".to_string()),
        ]);
        let labels = facts.labels(&extra);
        assert_eq!(labels["org.opencontainers.image.title"], "Hello");
        assert_eq!(labels["org.opencontainers.image.revision"], "abc");
        assert!(!labels.contains_key("org.opencontainers.image.source"));
        assert_eq!(labels.len(), 5);
    }
}
