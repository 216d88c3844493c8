//! `gocross image dockerfile`: a Dockerfile for projects whose image needs more than the
//! binary (packages, assets), with which `docker buildx build --platform ...` copies the
//! verified binaries from dist/ instead of compiling anything.
//!
//! One `FROM scratch` stage per image platform holds that platform's binary; the stage is
//! chosen with BuildKit's automatic `TARGETOS`, `TARGETARCH` and `TARGETVARIANT` build
//! arguments. BuildKit normalises `linux/arm64/v8` to an empty variant and `linux/amd64`'s
//! `v1` likewise, so those platforms get a second stage name without the variant. The final
//! stage starts from the configured base, copies the binary and sets the user and
//! entrypoint; edit below the marked line.

use super::binaries::Selected;
use std::fmt::Write as _;

/// The Dockerfile text. `base`: `scratch` or a pinned image; `binary_path`: `/hello`.
pub fn render(
    selected: &[Selected],
    base: &str,
    binary_path: &str,
    entrypoint: &[String],
    user: (u32, u32),
    dist_dir: &str,
) -> String {
    let mut out = String::new();
    out.push_str("# syntax=docker/dockerfile:1\n");
    out.push_str("# Written by `gocross image dockerfile`. Build from the module root after `gocross build`:\n");
    let platforms: Vec<String> = selected.iter().map(|s| s.platform.to_string()).collect();
    let _ = writeln!(
        out,
        "#   docker buildx build --platform {} -f Dockerfile .",
        platforms.join(",")
    );
    out.push_str("# Each stage copies the audited, verified binary of one platform from dist/; nothing is compiled.\n");
    out.push_str("ARG TARGETOS TARGETARCH TARGETVARIANT\n\n");
    for s in selected {
        let arch_variant = format!(
            "{}{}",
            s.platform.architecture,
            s.platform.variant.unwrap_or("")
        );
        let mut names = vec![format!("{}-{}-{arch_variant}", "binary", s.platform.os)];
        // BuildKit gives TARGETVARIANT="" for arm64/v8 and amd64/v1.
        if matches!(
            (s.platform.architecture, s.platform.variant),
            ("arm64", Some("v8"))
        ) {
            names.push(format!(
                "binary-{}-{}",
                s.platform.os, s.platform.architecture
            ));
        }
        let from = format!("{dist_dir}/{}", s.artifact.path);
        for name in names {
            let _ = writeln!(out, "FROM scratch AS {name}");
            let _ = writeln!(out, "COPY --chmod=0755 {from} {binary_path}\n");
        }
    }
    out.push_str("FROM binary-${TARGETOS}-${TARGETARCH}${TARGETVARIANT} AS binary\n\n");
    out.push_str("# ---- the image: edit from here ----\n");
    if base == crate::config::image::SCRATCH {
        out.push_str("# scratch has no CA certificates, /etc/passwd or /tmp (`gocross image build` adds them).\n");
    }
    let _ = writeln!(out, "FROM {base}");
    let _ = writeln!(out, "COPY --from=binary {binary_path} {binary_path}");
    let _ = writeln!(out, "USER {}:{}", user.0, user.1);
    let entry = serde_json::to_string(entrypoint).expect("strings serialize");
    let _ = writeln!(out, "ENTRYPOINT {entry}");
    out
}

/// The stage names a platform's binary is reachable under, for tests and docs:
/// `binary-linux-armv7`.
pub fn stage_names(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("FROM scratch AS "))
        .map(str::to_string)
        .collect()
}
