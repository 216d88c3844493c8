//! Sub-architecture variants: GOARM, GOAMD64, GOARM64, GO386, GOMIPS/GOMIPS64, GOPPC64,
//! GORISCV64. Values and defaults from `go help environment` (Go 1.26): GOARM 5, 6 (default
//! when cross compiling) or 7, each optionally `,softfloat`/`,hardfloat` since Go 1.22;
//! GOAMD64 v1 (default) to v4; GOARM64 v8.0 (default) to v9.5 with optional `,lse` and
//! `,crypto`; GO386 sse2 or softfloat; GOMIPS/GOMIPS64 hardfloat or softfloat; GOPPC64 power8
//! (default) to power10; GORISCV64 rva20u64 (default), rva22u64, rva23u64.

use super::{Goarch, Platform, TargetError};
use std::fmt;

/// A sub-architecture value for one GOARCH. `Display` prints the value exactly as the
/// environment variable takes it (`7`, `v3`, `v8.2,lse`, `softfloat`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Variant {
    /// GOARM for GOARCH=arm.
    Goarm(Goarm),
    /// GOAMD64 for GOARCH=amd64.
    Goamd64(Goamd64),
    /// GOARM64 for GOARCH=arm64.
    Goarm64(Arm64Level),
    /// GO386 (sse2 or softfloat) for GOARCH=386, GOMIPS for mips/mipsle, GOMIPS64 for
    /// mips64/mips64le. The value `Float::Hard` prints as `sse2` for 386.
    Float(Goarch, Float),
    /// GOPPC64 for ppc64 and ppc64le.
    Goppc64(Goppc64),
    /// GORISCV64 for riscv64.
    Goriscv64(Goriscv64),
}

/// GOARM: the ARM architecture version, with an optional floating-point ABI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Goarm {
    /// 5, 6 or 7.
    pub version: u8,
    /// `,softfloat` or `,hardfloat`; `None` means the version's default.
    pub float: Option<Float>,
}

/// A floating-point choice: GOMIPS/GOMIPS64, the GOARM suffix, GO386 (`sse2` is hard).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Float {
    /// Hardware floating point.
    Hard,
    /// Software floating point.
    Soft,
}

/// GOAMD64 microarchitecture level, 1 to 4.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Goamd64(pub u8);

/// GOARM64: `v8.0` to `v8.9`, `v9.0` to `v9.5`, with optional `,lse` and `,crypto`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Arm64Level {
    /// The major version (8 or 9).
    pub major: u8,
    /// The minor version (`v8.3` → 3).
    pub minor: u8,
    /// `,lse`: large system extensions.
    pub lse: bool,
    /// `,crypto`: the cryptographic extensions.
    pub crypto: bool,
}

/// GOPPC64: power8, power9 or power10 (the number is stored).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Goppc64(pub u8);

/// GORISCV64 profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Goriscv64 {
    /// `rva20u64`, the default.
    Rva20u64,
    /// `rva22u64`.
    Rva22u64,
    /// `rva23u64`.
    Rva23u64,
}

impl Variant {
    /// Parses the third part of a target (`7` in `linux/arm/7`) for the given port.
    pub fn parse(platform: Platform, s: &str) -> Result<Variant, TargetError> {
        let goarch = platform.goarch;
        let Some(var) = goarch.variant_var() else {
            return Err(TargetError::NoVariant {
                port: platform,
                variant: s.to_string(),
            });
        };
        let bad = |expected: &'static str| TargetError::BadVariant {
            port: platform,
            variant: s.to_string(),
            var,
            expected,
        };
        let float = |f: &str| match f {
            "hardfloat" => Some(Float::Hard),
            "softfloat" => Some(Float::Soft),
            _ => None,
        };
        match goarch {
            Goarch::Arm => {
                const EXPECTED: &str = "5, 6 or 7, optionally followed by ,softfloat or ,hardfloat";
                let (version, suffix) = match s.split_once(',') {
                    Some((v, f)) => (v, Some(f)),
                    None => (s, None),
                };
                let version = match version {
                    "5" => 5,
                    "6" => 6,
                    "7" => 7,
                    _ => return Err(bad(EXPECTED)),
                };
                let float = match suffix {
                    None => None,
                    Some(f) => Some(float(f).ok_or_else(|| bad(EXPECTED))?),
                };
                Ok(Variant::Goarm(Goarm { version, float }))
            }
            Goarch::Amd64 => match s {
                "v1" => Ok(Variant::Goamd64(Goamd64(1))),
                "v2" => Ok(Variant::Goamd64(Goamd64(2))),
                "v3" => Ok(Variant::Goamd64(Goamd64(3))),
                "v4" => Ok(Variant::Goamd64(Goamd64(4))),
                _ => Err(bad("v1 to v4")),
            },
            Goarch::Arm64 => {
                const EXPECTED: &str =
                    "v8.0 to v8.9 or v9.0 to v9.5, optionally with ,lse and ,crypto";
                let mut parts = s.split(',');
                let level = parts.next().unwrap_or_default();
                let (major, minor) = level
                    .strip_prefix('v')
                    .and_then(|l| l.split_once('.'))
                    .and_then(|(a, b)| Some((a.parse::<u8>().ok()?, b.parse::<u8>().ok()?)))
                    .ok_or_else(|| bad(EXPECTED))?;
                let valid = (major == 8 && minor <= 9) || (major == 9 && minor <= 5);
                if !valid {
                    return Err(bad(EXPECTED));
                }
                let mut level = Arm64Level {
                    major,
                    minor,
                    lse: false,
                    crypto: false,
                };
                for opt in parts {
                    match opt {
                        "lse" if !level.lse => level.lse = true,
                        "crypto" if !level.crypto => level.crypto = true,
                        _ => return Err(bad(EXPECTED)),
                    }
                }
                Ok(Variant::Goarm64(level))
            }
            Goarch::I386 => match s {
                "sse2" => Ok(Variant::Float(goarch, Float::Hard)),
                "softfloat" => Ok(Variant::Float(goarch, Float::Soft)),
                _ => Err(bad("sse2 or softfloat")),
            },
            Goarch::Mips | Goarch::Mipsle | Goarch::Mips64 | Goarch::Mips64le => float(s)
                .map(|f| Variant::Float(goarch, f))
                .ok_or_else(|| bad("hardfloat or softfloat")),
            Goarch::Ppc64 | Goarch::Ppc64le => match s {
                "power8" => Ok(Variant::Goppc64(Goppc64(8))),
                "power9" => Ok(Variant::Goppc64(Goppc64(9))),
                "power10" => Ok(Variant::Goppc64(Goppc64(10))),
                _ => Err(bad("power8, power9 or power10")),
            },
            Goarch::Riscv64 => match s {
                "rva20u64" => Ok(Variant::Goriscv64(Goriscv64::Rva20u64)),
                "rva22u64" => Ok(Variant::Goriscv64(Goriscv64::Rva22u64)),
                "rva23u64" => Ok(Variant::Goriscv64(Goriscv64::Rva23u64)),
                _ => Err(bad("rva20u64, rva22u64 or rva23u64")),
            },
            Goarch::Loong64 | Goarch::S390x | Goarch::Sparc64 | Goarch::Wasm => {
                unreachable!("variant_var is None for these")
            }
        }
    }

    /// Whether this variant asks for software floating point (GOARM `,softfloat` or GOARM=5,
    /// GO386/GOMIPS softfloat). A C toolchain must then use the soft-float ABI.
    pub fn soft_float(&self) -> bool {
        match self {
            Variant::Goarm(g) => {
                g.float == Some(Float::Soft) || (g.version == 5 && g.float.is_none())
            }
            Variant::Float(_, f) => *f == Float::Soft,
            _ => false,
        }
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let float = |fl: &Float| match fl {
            Float::Hard => "hardfloat",
            Float::Soft => "softfloat",
        };
        match self {
            Variant::Goarm(g) => {
                write!(f, "{}", g.version)?;
                match &g.float {
                    Some(fl) => write!(f, ",{}", float(fl)),
                    None => Ok(()),
                }
            }
            Variant::Goamd64(Goamd64(level)) => write!(f, "v{level}"),
            Variant::Goarm64(l) => {
                write!(f, "v{}.{}", l.major, l.minor)?;
                if l.lse {
                    f.write_str(",lse")?;
                }
                if l.crypto {
                    f.write_str(",crypto")?;
                }
                Ok(())
            }
            Variant::Float(Goarch::I386, Float::Hard) => f.write_str("sse2"),
            Variant::Float(_, fl) => f.write_str(float(fl)),
            Variant::Goppc64(Goppc64(n)) => write!(f, "power{n}"),
            Variant::Goriscv64(p) => f.write_str(match p {
                Goriscv64::Rva20u64 => "rva20u64",
                Goriscv64::Rva22u64 => "rva22u64",
                Goriscv64::Rva23u64 => "rva23u64",
            }),
        }
    }
}
