//! A GoReleaser build's targets as gocross targets: the `goos` × `goarch` × sub-architecture
//! matrix (or the explicit `targets:` list), less `ignore`, less what is not a Go port.
//!
//! GoReleaser fills what a build leaves out with its defaults: GOOS linux, darwin and
//! windows; GOARCH amd64, arm64 and 386; GOARM 6; GOAMD64 v1, GO386 sse2, GOARM64 v8.0,
//! GOMIPS hardfloat, GOPPC64 power8 and GORISCV64 rva20u64 (GoReleaser v2's
//! `internal/builders/golang`). It sets every sub-architecture variable explicitly; gocross
//! writes a variant only where it is not Go's default, since an unset variable is that
//! default, except for GOARM, which is always written (Go's own default depends on where it
//! builds). Combinations that are not Go ports, or ports gocross refuses (broken or removed
//! ones such as windows/arm), are left out: GoReleaser skips them too.

use super::schema::{Build, Ignore, Scalar};
use crate::targets::Target;

const DEFAULT_GOOS: &[&str] = &["linux", "darwin", "windows"];
const DEFAULT_GOARCH: &[&str] = &["amd64", "arm64", "386"];

/// The sub-architecture variable of a GOARCH in GoReleaser's terms, and its default.
fn sub_arch(goarch: &str) -> Option<(&'static str, &'static str)> {
    Some(match goarch {
        "amd64" => ("goamd64", "v1"),
        "386" => ("go386", "sse2"),
        "arm" => ("goarm", "6"),
        "arm64" => ("goarm64", "v8.0"),
        "mips" | "mipsle" | "mips64" | "mips64le" => ("gomips", "hardfloat"),
        "ppc64" | "ppc64le" => ("goppc64", "power8"),
        "riscv64" => ("goriscv64", "rva20u64"),
        _ => return None,
    })
}

/// A gocross target in GoReleaser's terms, as its templates see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoReleaserTarget {
    pub goos: String,
    pub goarch: String,
    /// The GOARCH's sub-architecture variable (`goarm`, `goamd64`...), if it has one.
    pub sub_var: Option<&'static str>,
    /// Its value, GoReleaser's default where the target has no variant (`v1` for amd64);
    /// empty without a variable.
    pub sub_value: String,
}

/// `linux/amd64` → GOOS linux, GOARCH amd64, `goamd64` v1: what GoReleaser sets for the
/// target it builds, which is what its templates' `.Os`, `.Arch`, `.Amd64`... read.
pub fn goreleaser_fields(target: &Target) -> GoReleaserTarget {
    let goarch = target.goarch().as_str();
    let sub = sub_arch(goarch);
    GoReleaserTarget {
        goos: target.goos().as_str().to_string(),
        goarch: goarch.to_string(),
        sub_var: sub.map(|(var, _)| var),
        sub_value: match (&target.variant, sub) {
            (Some(v), Some(_)) => v.to_string(),
            (None, Some((_, default))) => default.to_string(),
            _ => String::new(),
        },
    }
}

/// One target of GoReleaser's matrix, in its terms: GOOS, GOARCH and the value of the
/// GOARCH's sub-architecture variable.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Matrix {
    goos: String,
    goarch: String,
    extra: Option<String>,
}

impl Matrix {
    /// The gocross target, `None` when gocross does not build it (not a Go port, or a port it
    /// refuses).
    fn target(&self) -> Option<Target> {
        let variant = match (&self.extra, sub_arch(&self.goarch)) {
            (Some(v), Some(("goarm", _))) => Some(v.clone()),
            (Some(v), Some((_, default))) if v != default => Some(v.clone()),
            _ => None,
        };
        let text = match variant {
            Some(v) => format!("{}/{}/{v}", self.goos, self.goarch),
            None => format!("{}/{}", self.goos, self.goarch),
        };
        text.parse().ok()
    }

    fn ignored_by(&self, ig: &Ignore) -> bool {
        let same = |field: &Option<Scalar>, value: Option<&str>| {
            field.as_ref().is_none_or(|f| Some(f.0.as_str()) == value)
        };
        let extra_of = |var: &str| {
            sub_arch(&self.goarch)
                .filter(|(v, _)| *v == var)
                .and(self.extra.as_deref())
        };
        same(&ig.goos, Some(&self.goos))
            && same(&ig.goarch, Some(&self.goarch))
            && same(&ig.goarm, extra_of("goarm"))
            && same(&ig.goamd64, extra_of("goamd64"))
            && same(&ig.go386, extra_of("go386"))
            && same(&ig.goarm64, extra_of("goarm64"))
            && same(&ig.gomips, extra_of("gomips"))
            && same(&ig.goppc64, extra_of("goppc64"))
            && same(&ig.goriscv64, extra_of("goriscv64"))
    }
}

fn values(list: &Option<Vec<Scalar>>, default: &[&str]) -> Vec<String> {
    match list {
        Some(v) if !v.is_empty() => v.iter().map(|s| s.0.clone()).collect(),
        _ => default.iter().map(|s| s.to_string()).collect(),
    }
}

/// The GOOS/GOARCH pairs GoReleaser builds (v2.17.0's `validTargets` and
/// `experimentalTargets`, internal/builders/golang/targets.go): it skips the others silently,
/// Go ports or not. windows/arm, which GoReleaser v1 built, is gone from Go (1.25) and from
/// this list.
const GORELEASER_PAIRS: &[&str] = &[
    "aix/ppc64",
    "android/386",
    "android/amd64",
    "android/arm",
    "android/arm64",
    "darwin/amd64",
    "darwin/arm64",
    "dragonfly/amd64",
    "freebsd/386",
    "freebsd/amd64",
    "freebsd/arm",
    "freebsd/arm64",
    "illumos/amd64",
    "ios/arm64",
    "js/wasm",
    "wasip1/wasm",
    "linux/386",
    "linux/amd64",
    "linux/arm",
    "linux/arm64",
    "linux/ppc64",
    "linux/ppc64le",
    "linux/mips",
    "linux/mipsle",
    "linux/mips64",
    "linux/mips64le",
    "linux/s390x",
    "linux/riscv64",
    "linux/loong64",
    "netbsd/386",
    "netbsd/amd64",
    "netbsd/arm",
    "netbsd/arm64",
    "openbsd/386",
    "openbsd/amd64",
    "openbsd/arm",
    "openbsd/arm64",
    "openbsd/riscv64",
    "plan9/386",
    "plan9/amd64",
    "plan9/arm",
    "solaris/amd64",
    "windows/arm64",
    "windows/386",
    "windows/amd64",
];

/// Pairs of [`GORELEASER_PAIRS`] that GoReleaser v1.18 and earlier did not build
/// (internal/builders/buildtarget/targets.go of v1.18.2): a config that only those read
/// (one with `archives[].replacements`, removed in v1.19.0) ships without them.
const UNKNOWN_BEFORE_V1_19: &[&str] = &["netbsd/arm64", "openbsd/riscv64", "wasip1/wasm"];

/// What GoReleaser v1 built and Go no longer has: windows/arm, removed in Go 1.25
/// (<https://go.dev/doc/go1.25#windows>).
pub const REMOVED_FROM_GO: &[&str] = &["windows/arm"];

/// The targets GoReleaser builds for `build`, as gocross targets, in GoReleaser's order
/// (GOOS, then GOARCH, then sub-architecture), without duplicates. `before_v1_19`: the
/// config is one only GoReleaser v1.18 or earlier reads, whose list of pairs was shorter.
/// Also the entries of the matrix on a [`REMOVED_FROM_GO`] pair (`windows/arm/7`), which
/// GoReleaser v1 built and neither GoReleaser v2 nor gocross can.
pub fn build_targets(build: &Build, before_v1_19: bool) -> (Vec<Target>, Vec<String>) {
    let matrix = match &build.targets {
        Some(list) if !list.value.is_empty() => explicit(&list.value),
        _ => expand(build),
    };
    let mut out: Vec<Target> = Vec::new();
    let mut removed: Vec<String> = Vec::new();
    for m in matrix {
        if build.ignore.iter().any(|ig| m.ignored_by(ig)) {
            continue;
        }
        let pair = format!("{}/{}", m.goos, m.goarch);
        if REMOVED_FROM_GO.contains(&pair.as_str()) {
            let name = match m.extra.as_deref() {
                Some(v) if m.goarch == "arm" => format!("{pair}/{v}"),
                _ => pair,
            };
            if !removed.contains(&name) {
                removed.push(name);
            }
            continue;
        }
        if !GORELEASER_PAIRS.contains(&pair.as_str())
            || (before_v1_19 && UNKNOWN_BEFORE_V1_19.contains(&pair.as_str()))
        {
            continue;
        }
        if let Some(t) = m.target()
            && !out.contains(&t)
        {
            out.push(t);
        }
    }
    (out, removed)
}

fn expand(build: &Build) -> Vec<Matrix> {
    let mut out = Vec::new();
    for goos in values(&build.goos, DEFAULT_GOOS) {
        for goarch in values(&build.goarch, DEFAULT_GOARCH) {
            let extras = match sub_arch(&goarch) {
                Some((var, default)) => {
                    let list = match var {
                        "goamd64" => &build.goamd64,
                        "go386" => &build.go386,
                        "goarm" => &build.goarm,
                        "goarm64" => &build.goarm64,
                        "gomips" => &build.gomips,
                        "goppc64" => &build.goppc64,
                        _ => &build.goriscv64,
                    };
                    values(list, &[default]).into_iter().map(Some).collect()
                }
                None => vec![None],
            };
            for extra in extras {
                out.push(Matrix {
                    goos: goos.clone(),
                    goarch: goarch.clone(),
                    extra,
                });
            }
        }
    }
    out
}

/// Go's first-class ports, as GoReleaser's `go_first_class` names them.
const FIRST_CLASS: &[&str] = &[
    "darwin_amd64",
    "darwin_arm64",
    "linux_386",
    "linux_amd64",
    "linux_arm",
    "linux_arm64",
    "windows_386",
    "windows_amd64",
];

/// `targets: [linux_amd64_v1, darwin_arm64, go_first_class]`.
fn explicit(list: &[String]) -> Vec<Matrix> {
    let mut out = Vec::new();
    for entry in list {
        let names: Vec<&str> = match entry.as_str() {
            "go_first_class" | "go_118_first_class" => FIRST_CLASS.to_vec(),
            other => vec![other],
        };
        for name in names {
            let mut parts = name.splitn(3, '_');
            let (Some(goos), Some(goarch)) = (parts.next(), parts.next()) else {
                continue;
            };
            let extra = parts
                .next()
                .map(str::to_string)
                .or_else(|| sub_arch(goarch).map(|(_, d)| d.to_string()));
            out.push(Matrix {
                goos: goos.to_string(),
                goarch: goarch.to_string(),
                extra,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(yaml: &str) -> Build {
        serde_saphyr::from_str(yaml).unwrap()
    }

    fn names(b: &Build) -> Vec<String> {
        build_targets(b, false)
            .0
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn defaults_are_goreleasers() {
        assert_eq!(
            names(&build("main: .\n")),
            [
                "linux/amd64",
                "linux/arm64",
                "linux/386",
                "darwin/amd64",
                "darwin/arm64",
                "windows/amd64",
                "windows/arm64",
                "windows/386"
            ]
        );
    }

    #[test]
    fn sub_architectures_ignore_and_non_ports() {
        let b = build(
            "goos: [linux, windows, plan9x]\ngoarch: [amd64, arm, mips]\ngoarm: [6, '7']\ngoamd64: [v1, v3]\ngomips: [softfloat]\nignore:\n  - goos: linux\n    goarch: arm\n    goarm: 6\n  - goamd64: v3\n    goos: windows\n",
        );
        assert_eq!(
            names(&b),
            [
                "linux/amd64",
                "linux/amd64/v3",
                "linux/arm/7",
                "linux/mips/softfloat",
                "windows/amd64"
            ]
        );
    }

    #[test]
    fn explicit_targets() {
        let b = build("targets: [linux_amd64_v3, darwin_arm64, go_first_class]\n");
        assert_eq!(
            names(&b),
            [
                "linux/amd64/v3",
                "darwin/arm64",
                "darwin/amd64",
                "linux/386",
                "linux/amd64",
                "linux/arm/6",
                "linux/arm64",
                "windows/386",
                "windows/amd64"
            ]
        );
    }
}
