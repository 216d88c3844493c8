//! The container-image name of a target: the `os`, `architecture` and `variant` that an OCI
//! image index and image config record for a Go binary of that target, and the targets the
//! registry world has no name for.
//!
//! Facts: the OCI image spec (image-index.md, "platform" and its variants table; config.md:
//! `architecture` and `os` take GOARCH and GOOS values) and the platform names that
//! `docker buildx` and containerd record: `arm` with variant `v5`, `v6` or `v7` (GOARM),
//! `arm64` with variant `v8` (GOARM64 v8.0, the only arm64 level images name besides `v9`),
//! `amd64` with no variant for GOAMD64 v1 and `v2` to `v4` for the higher levels, and no
//! variant for every other architecture at its default level. A target whose code needs more
//! than the name promises (GOARM64 `v8.2`, `,lse`; GORISCV64 `rva22u64`; GOPPC64 `power9`;
//! soft-float ARMv6/v7 or MIPS) would be pulled by machines it cannot run on, so it has no
//! image platform.

use super::{Float, Goarch, Goos, Goriscv64, Target, Variant};
use std::fmt;

/// A platform as an OCI image index entry and an image config name it, e.g. `linux`, `arm`,
/// `v7`. Displayed as `linux/arm/v7`, the way `docker buildx build --platform` takes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OciPlatform {
    /// `os`: the GOOS.
    pub os: &'static str,
    /// `architecture`: the GOARCH.
    pub architecture: &'static str,
    /// `variant`, when the architecture has one (`v7`, `v8`, `v3`).
    pub variant: Option<&'static str>,
}

impl fmt::Display for OciPlatform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        match self.variant {
            Some(v) => write!(f, "/{v}"),
            None => Ok(()),
        }
    }
}

/// Why a target has no image platform. The message says what to build instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{target} has no container-image platform: {reason}; {fix}")]
pub struct NoOciPlatform {
    /// The target.
    pub target: Target,
    /// What the registry world lacks.
    pub reason: &'static str,
    /// What to do instead.
    pub fix: &'static str,
}

impl Target {
    /// The image platform of this target's binaries (the one table of that mapping). A
    /// target without a variant means Go's default level, except for GOARCH=arm, whose
    /// default GOARM depends on the toolchain: resolve it first (from the binary's build
    /// info, [`Target::with_build_variant`]), or a `linux/arm` target is refused.
    ///
    /// Errors: a GOOS other than linux (images run Linux binaries), and every sub-architecture
    /// that no image platform names (see the module docs), each with the target to build
    /// instead.
    pub fn oci_platform(&self) -> Result<OciPlatform, NoOciPlatform> {
        let refuse = |reason, fix| NoOciPlatform {
            target: *self,
            reason,
            fix,
        };
        if self.goos() != Goos::Linux {
            return Err(refuse(
                "container images hold Linux binaries",
                "list only linux targets in `image.platforms`",
            ));
        }
        let plain = |architecture| OciPlatform {
            os: "linux",
            architecture,
            variant: None,
        };
        let with = |architecture, variant| OciPlatform {
            os: "linux",
            architecture,
            variant: Some(variant),
        };
        let arch = self.goarch().as_str();
        let soft = "image platforms name hard-float ABIs only (a soft-float build is armel or mips softfloat, which no index entry says)";
        let platform = match (self.goarch(), self.variant) {
            (Goarch::Arm, None) => {
                return Err(refuse(
                    "the GOARM level of a plain linux/arm build is the Go toolchain's default, and the image variant (v5, v6, v7) must say it",
                    "write linux/arm/7 (or linux/arm/6) in `targets`",
                ));
            }
            (Goarch::Arm, Some(Variant::Goarm(g))) => {
                if g.float == Some(Float::Soft) && g.version != 5 {
                    return Err(refuse(soft, "drop `,softfloat`, or build linux/arm/5"));
                }
                match g.version {
                    5 => with(arch, "v5"),
                    6 => with(arch, "v6"),
                    _ => with(arch, "v7"),
                }
            }
            (Goarch::Arm64, None) => with(arch, "v8"),
            (Goarch::Arm64, Some(Variant::Goarm64(l))) => {
                match (l.major, l.minor, l.lse || l.crypto) {
                    (8, 0, false) => with(arch, "v8"),
                    (9, 0, false) => with(arch, "v9"),
                    _ => {
                        return Err(refuse(
                            "arm64 image variants are v8 and v9; a binary for a later level or with ,lse or ,crypto would be pulled by CPUs it cannot run on",
                            "build linux/arm64 (v8.0) or linux/arm64/v9.0 for the image",
                        ));
                    }
                }
            }
            (Goarch::Amd64, None) => plain(arch),
            (Goarch::Amd64, Some(Variant::Goamd64(level))) => match level.0 {
                1 => plain(arch),
                2 => with(arch, "v2"),
                3 => with(arch, "v3"),
                _ => with(arch, "v4"),
            },
            (Goarch::I386, _) => plain(arch),
            (Goarch::Riscv64, None | Some(Variant::Goriscv64(Goriscv64::Rva20u64))) => plain(arch),
            (Goarch::Riscv64, Some(_)) => {
                return Err(refuse(
                    "image platforms name no RISC-V profile, so a rva22u64 or rva23u64 binary would be pulled by rva20 machines",
                    "build linux/riscv64 (rva20u64) for the image",
                ));
            }
            (Goarch::Ppc64 | Goarch::Ppc64le, None) => plain(arch),
            (Goarch::Ppc64 | Goarch::Ppc64le, Some(Variant::Goppc64(p))) if p.0 == 8 => plain(arch),
            (Goarch::Ppc64 | Goarch::Ppc64le, Some(_)) => {
                return Err(refuse(
                    "image platforms name no POWER level, so a power9 or power10 binary would be pulled by POWER8 machines",
                    "build the power8 default for the image",
                ));
            }
            (
                Goarch::Mips | Goarch::Mipsle | Goarch::Mips64 | Goarch::Mips64le,
                None | Some(Variant::Float(_, Float::Hard)),
            ) => plain(arch),
            (Goarch::Mips | Goarch::Mipsle | Goarch::Mips64 | Goarch::Mips64le, Some(_)) => {
                return Err(refuse(soft, "build the hardfloat default for the image"));
            }
            (Goarch::Loong64 | Goarch::S390x, _) => plain(arch),
            (Goarch::Sparc64 | Goarch::Wasm, _) | (_, Some(_)) => {
                return Err(refuse(
                    "no Linux container image platform exists for it",
                    "remove it from `image.platforms`",
                ));
            }
        };
        Ok(platform)
    }

    /// This target with its sub-architecture filled from a binary's Go build info, when the
    /// target names none: `settings` looks up a build setting such as `GOARM` (the audit's
    /// `go.settings`). The target itself is returned when it has a variant, when its GOARCH
    /// has no variable, or when the setting is absent or not a valid value.
    pub fn with_build_variant(self, settings: impl Fn(&str) -> Option<String>) -> Target {
        if self.variant.is_some() {
            return self;
        }
        let Some(var) = self.goarch().variant_var() else {
            return self;
        };
        match settings(var).and_then(|v| Variant::parse(self.platform, &v).ok()) {
            Some(variant) => Target {
                variant: Some(variant),
                ..self
            },
            None => self,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn platform(t: &str) -> Result<String, String> {
        let target: Target = t.parse().unwrap();
        target
            .oci_platform()
            .map(|p| p.to_string())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn platforms_are_named_as_buildx_records_them() {
        for (target, expected) in [
            ("linux/amd64", "linux/amd64"),
            ("linux/amd64/v1", "linux/amd64"),
            ("linux/amd64/v3", "linux/amd64/v3"),
            ("linux/arm64", "linux/arm64/v8"),
            ("linux/arm64/v8.0", "linux/arm64/v8"),
            ("linux/arm64/v9.0", "linux/arm64/v9"),
            ("linux/arm/6", "linux/arm/v6"),
            ("linux/arm/7", "linux/arm/v7"),
            ("linux/arm/7,hardfloat", "linux/arm/v7"),
            ("linux/arm/5", "linux/arm/v5"),
            ("linux/386", "linux/386"),
            ("linux/riscv64", "linux/riscv64"),
            ("linux/ppc64le", "linux/ppc64le"),
            ("linux/s390x", "linux/s390x"),
            ("linux/mips64le", "linux/mips64le"),
            ("linux/loong64", "linux/loong64"),
        ] {
            assert_eq!(platform(target).as_deref(), Ok(expected), "{target}");
        }
    }

    #[test]
    fn targets_no_platform_names_are_refused_with_the_fix() {
        for (target, fix) in [
            ("linux/arm", "linux/arm/7"),
            ("linux/arm/7,softfloat", "drop `,softfloat`"),
            ("linux/arm64/v8.2", "linux/arm64 (v8.0)"),
            ("linux/arm64/v8.0,lse", "linux/arm64 (v8.0)"),
            ("linux/riscv64/rva22u64", "rva20u64"),
            ("linux/ppc64le/power9", "power8"),
            ("linux/mips/softfloat", "hardfloat"),
            ("windows/amd64", "only linux targets"),
            ("darwin/arm64", "only linux targets"),
        ] {
            let err = platform(target).unwrap_err();
            assert!(err.starts_with(&format!("{target} has no container-image platform")));
            assert!(err.contains(fix), "{target}: {err}");
        }
    }

    #[test]
    fn the_build_info_fills_the_default_variant() {
        let arm: Target = "linux/arm".parse().unwrap();
        let seven = arm.with_build_variant(|k| (k == "GOARM").then(|| "7".to_string()));
        assert_eq!(seven.to_string(), "linux/arm/7");
        assert_eq!(seven.oci_platform().unwrap().to_string(), "linux/arm/v7");
        assert_eq!(arm.with_build_variant(|_| None), arm);
        let six: Target = "linux/arm/6".parse().unwrap();
        assert_eq!(six.with_build_variant(|_| Some("7".into())), six);
    }
}
