//! Go's ports and what gocross knows about each one.
//!
//! A [`Target`] is what a user writes in `gocross.yaml` or on the command line: a GOOS, a
//! GOARCH and optionally a sub-architecture [`Variant`] (`linux/arm/7`, `linux/amd64/v3`). A
//! [`Port`] is one row of the port table: the facts about a GOOS/GOARCH pair (first class, cgo,
//! broken or removed, QEMU binary, C cross compiler, zig triple, native runner, minimum OS).
//!
//! Sources: `go tool dist list -json` of Go 1.26 (the list of ports and their `FirstClass`,
//! `CgoSupported`, `Broken` fields), Go's porting policy and release notes (first-class ports,
//! minimum OS versions), Debian 12's package lists (cross compilers, qemu-user-static) and the
//! GitHub runner-images announcements (runner labels). [`crate::targets::dist`] compares the
//! table with the `go` on PATH, which is the truth where the two disagree.
//!
//! This module does no I/O except in [`dist`], which runs `go tool dist list -json` when asked.

pub mod dist;
mod goversion;
mod oci;
mod ports;
pub mod runners;
mod variant;
mod version;

pub use goversion::{GoVersion, MinimumOs};
pub use oci::{NoOciPlatform, OciPlatform};
pub use ports::{ARCHES, Arch, CrossGcc, PORTS, Port, PortStatus, QEMU_PACKAGE, QemuArch, Sysroot};
pub use runners::{RUNNERS, RunnerImage, runner_image};
pub use variant::{Arm64Level, Float, Goamd64, Goarm, Goppc64, Goriscv64, Variant};
pub use version::Version;

use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// Declares a closed enum whose spelling is exactly Go's, with `FromStr`, `Display`,
/// `Serialize` and `ALL` in Go's own order.
macro_rules! go_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $spelling:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $(#[doc = concat!("`", $spelling, "`, as Go spells it.")] $variant),+ }

        impl $name {
            /// Every value, in Go's alphabetical order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The spelling Go uses (`go env`, `go tool dist list`).
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $spelling),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = ();
            fn from_str(s: &str) -> Result<Self, ()> {
                match s { $($spelling => Ok($name::$variant),)+ _ => Err(()) }
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

go_enum! {
    /// A GOOS value known to Go 1.26.
    Goos {
        Aix => "aix", Android => "android", Darwin => "darwin", Dragonfly => "dragonfly",
        Freebsd => "freebsd", Illumos => "illumos", Ios => "ios", Js => "js", Linux => "linux",
        Netbsd => "netbsd", Openbsd => "openbsd", Plan9 => "plan9", Solaris => "solaris",
        Wasip1 => "wasip1", Windows => "windows",
    }
}

go_enum! {
    /// A GOARCH value known to Go 1.26.
    Goarch {
        I386 => "386", Amd64 => "amd64", Arm => "arm", Arm64 => "arm64", Loong64 => "loong64",
        Mips => "mips", Mips64 => "mips64", Mips64le => "mips64le", Mipsle => "mipsle",
        Ppc64 => "ppc64", Ppc64le => "ppc64le", Riscv64 => "riscv64", S390x => "s390x",
        Sparc64 => "sparc64", Wasm => "wasm",
    }
}

impl Goos {
    /// Whether Go can link a binary for this GOOS without a dynamic loader (no PT_INTERP).
    /// darwin, ios, windows, solaris, illumos, openbsd and aix always go through the system's
    /// libraries; android always has `/system/bin/linker`; js and wasip1 have no linker at all.
    pub fn links_statically(self) -> bool {
        matches!(self, Goos::Linux | Goos::Freebsd | Goos::Netbsd)
    }

    /// The file name suffix of an executable: `.exe` on windows, `.wasm` for the wasm ports.
    pub fn exe_suffix(self) -> &'static str {
        match self {
            Goos::Windows => ".exe",
            Goos::Js | Goos::Wasip1 => ".wasm",
            Goos::Aix
            | Goos::Android
            | Goos::Darwin
            | Goos::Dragonfly
            | Goos::Freebsd
            | Goos::Illumos
            | Goos::Ios
            | Goos::Linux
            | Goos::Netbsd
            | Goos::Openbsd
            | Goos::Plan9
            | Goos::Solaris => "",
        }
    }
}

impl Goarch {
    /// The sub-architecture environment variable of this GOARCH (`GOARM` for arm, ...), if any.
    pub fn variant_var(self) -> Option<&'static str> {
        self.arch().variant_var
    }

    /// Pointer size in bits.
    pub fn bits(self) -> u8 {
        self.arch().bits
    }

    /// Whether the architecture is big-endian.
    pub fn big_endian(self) -> bool {
        self.arch().big_endian
    }
}

/// A GOOS/GOARCH pair without a sub-architecture: the key of the port table and of every
/// per-platform fact (a host, a runner, what a binary was built for).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Platform {
    /// The GOOS.
    pub goos: Goos,
    /// The GOARCH.
    pub goarch: Goarch,
}

impl Platform {
    /// The platform `goos/goarch`.
    pub const fn new(goos: Goos, goarch: Goarch) -> Self {
        Platform { goos, goarch }
    }

    /// The row of the port table, `None` for a pair Go has never supported (`darwin/386`).
    pub fn port(self) -> Option<&'static Port> {
        PORTS.iter().find(|p| p.platform == self)
    }

    /// The platform this process runs on, in Go's terms (`None` on a host Go does not name).
    pub fn host() -> Option<Platform> {
        let goos = match std::env::consts::OS {
            "macos" => Goos::Darwin,
            other => other.parse().ok()?,
        };
        let goarch = match std::env::consts::ARCH {
            "x86_64" => Goarch::Amd64,
            "x86" => Goarch::I386,
            "aarch64" => Goarch::Arm64,
            "arm" => Goarch::Arm,
            "riscv64" => Goarch::Riscv64,
            "powerpc64" if cfg!(target_endian = "little") => Goarch::Ppc64le,
            "powerpc64" => Goarch::Ppc64,
            "s390x" => Goarch::S390x,
            "loongarch64" => Goarch::Loong64,
            _ => return None,
        };
        Some(Platform { goos, goarch })
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.goos, self.goarch)
    }
}

impl Serialize for Platform {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A build target: `goos/goarch[/variant]`, as written in gocross.yaml (`linux/arm/7`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Target {
    /// GOOS and GOARCH.
    pub platform: Platform,
    /// The sub-architecture; `None` means Go's default for the GOARCH.
    pub variant: Option<Variant>,
}

impl Target {
    /// The GOOS.
    pub fn goos(&self) -> Goos {
        self.platform.goos
    }

    /// The GOARCH.
    pub fn goarch(&self) -> Goarch {
        self.platform.goarch
    }

    /// The row of the port table. Every parsed `Target` names a known port.
    pub fn port(&self) -> &'static Port {
        self.platform
            .port()
            .expect("Target values are only built for ports in the table")
    }

    /// The variant's environment variable and value, e.g. `("GOARM", "7")`.
    pub fn variant_env(&self) -> Option<(&'static str, String)> {
        let var = self.platform.goarch.variant_var()?;
        self.variant.map(|v| (var, v.to_string()))
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.variant {
            Some(v) => write!(f, "{}/{}", self.platform, v),
            None => write!(f, "{}", self.platform),
        }
    }
}

impl Serialize for Target {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Why a target spelling was refused. The message says what to write instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// Not `goos/goarch[/variant]` (as given).
    #[error("`{0}` is not a target: write GOOS/GOARCH, optionally with a variant (linux/arm64, linux/arm/7), or a group ({groups})", groups = GROUPS.join(", "))]
    Malformed(String),
    /// No Go port of that name.
    #[error("{given} is not a Go port{}", suggestion_text(.suggestion))]
    UnknownPort {
        /// The name.
        given: String,
        /// The port it is most like.
        suggestion: Option<String>,
    },
    /// The port is broken or removed.
    #[error("{port} is {status}; pick another port or a Go release that supports it")]
    Unsupported {
        /// The port.
        port: Platform,
        /// Its status.
        status: PortStatus,
    },
    /// The variant is not a value of the port's variable.
    #[error("`{variant}` is not a {var} value for {port}: {expected}")]
    BadVariant {
        /// The port.
        port: Platform,
        /// The variant written.
        variant: String,
        /// The variable (`GOARM`, ...).
        var: &'static str,
        /// What it takes.
        expected: &'static str,
    },
    /// The port has no variant variable.
    #[error("{port} has no sub-architecture variable, so `{variant}` cannot apply to it")]
    NoVariant {
        /// The port.
        port: Platform,
        /// The variant written.
        variant: String,
    },
}

fn suggestion_text(s: &Option<String>) -> String {
    match s {
        Some(s) => format!("; did you mean {s}?"),
        None => "; `gocross targets` lists them".to_string(),
    }
}

/// The group names a target list may hold, each expanding to several ports.
pub const GROUPS: &[&str] = &["first-class", "all", "<goos> (e.g. linux, windows)"];

impl FromStr for Target {
    type Err = TargetError;

    /// Parses `goos/goarch` or `goos/goarch/variant`. Broken and removed ports are refused.
    fn from_str(s: &str) -> Result<Self, TargetError> {
        let parts: Vec<&str> = s.trim().split('/').collect();
        let (goos, goarch, variant) = match parts.as_slice() {
            [os, arch] => (*os, *arch, None),
            [os, arch, v] => (*os, *arch, Some(*v)),
            _ => return Err(TargetError::Malformed(s.to_string())),
        };
        let platform = match (goos.parse::<Goos>(), goarch.parse::<Goarch>()) {
            (Ok(goos), Ok(goarch)) if Platform::new(goos, goarch).port().is_some() => {
                Platform::new(goos, goarch)
            }
            _ => {
                return Err(TargetError::UnknownPort {
                    given: format!("{goos}/{goarch}"),
                    suggestion: suggest_port(goos, goarch),
                });
            }
        };
        let port = platform.port().expect("checked above");
        if port.status != PortStatus::Supported {
            return Err(TargetError::Unsupported {
                port: platform,
                status: port.status,
            });
        }
        let variant = variant.map(|v| Variant::parse(platform, v)).transpose()?;
        Ok(Target { platform, variant })
    }
}

/// Names other tools and people use for Go's GOARCH values.
const ARCH_ALIASES: &[(&str, Goarch)] = &[
    ("aarch64", Goarch::Arm64),
    ("x86_64", Goarch::Amd64),
    ("x86-64", Goarch::Amd64),
    ("x64", Goarch::Amd64),
    ("i386", Goarch::I386),
    ("i686", Goarch::I386),
    ("x86", Goarch::I386),
    ("armv7", Goarch::Arm),
    ("armhf", Goarch::Arm),
    ("armv6", Goarch::Arm),
    ("ppc64el", Goarch::Ppc64le),
    ("powerpc64le", Goarch::Ppc64le),
    ("mipsel", Goarch::Mipsle),
    ("mips64el", Goarch::Mips64le),
    ("loongarch64", Goarch::Loong64),
    ("riscv", Goarch::Riscv64),
];

/// Names other tools use for Go's GOOS values.
const OS_ALIASES: &[(&str, Goos)] = &[
    ("macos", Goos::Darwin),
    ("osx", Goos::Darwin),
    ("mac", Goos::Darwin),
    ("win", Goos::Windows),
    ("win32", Goos::Windows),
    ("win64", Goos::Windows),
    ("wasi", Goos::Wasip1),
    ("sunos", Goos::Solaris),
];

/// The closest known port to a misspelled one: aliases first (`aarch64` → `arm64`), then the
/// smallest edit distance (at most 2 per part).
fn suggest_port(goos: &str, goarch: &str) -> Option<String> {
    let lower_os = goos.to_ascii_lowercase();
    let lower_arch = goarch.to_ascii_lowercase();
    let os = lower_os
        .parse::<Goos>()
        .ok()
        .or_else(|| {
            OS_ALIASES
                .iter()
                .find(|(a, _)| *a == lower_os)
                .map(|(_, o)| *o)
        })
        .or_else(|| closest(&lower_os, Goos::ALL.iter().copied()))?;
    let arch = lower_arch
        .parse::<Goarch>()
        .ok()
        .or_else(|| {
            ARCH_ALIASES
                .iter()
                .find(|(a, _)| *a == lower_arch)
                .map(|(_, g)| *g)
        })
        .or_else(|| closest(&lower_arch, Goarch::ALL.iter().copied()))?;
    let platform = Platform::new(os, arch);
    match platform.port() {
        Some(p) if p.status == PortStatus::Supported => Some(platform.to_string()),
        _ => None,
    }
}

fn closest<T: fmt::Display + Copy>(given: &str, candidates: impl Iterator<Item = T>) -> Option<T> {
    candidates
        .map(|c| (strsim::damerau_levenshtein(given, &c.to_string()), c))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Expands one entry of a target list: a group (`first-class`, `all`, a GOOS such as `linux`)
/// or a single target. `all` and GOOS groups hold only the supported ports that need nothing
/// beyond GOOS/GOARCH and a Linux or macOS host (android and ios need their SDKs and are left
/// out; name them one by one).
pub fn expand(entry: &str) -> Result<Vec<Target>, TargetError> {
    let entry = entry.trim();
    let plain = |p: &&Port| p.status == PortStatus::Supported && !p.needs_sdk();
    let ports: Vec<&Port> = match entry {
        "first-class" => PORTS.iter().filter(|p| p.first_class).collect(),
        "all" => PORTS.iter().filter(plain).collect(),
        _ => match entry.parse::<Goos>() {
            Ok(goos) => PORTS
                .iter()
                .filter(plain)
                .filter(|p| p.platform.goos == goos)
                .collect(),
            Err(()) => return Ok(vec![entry.parse()?]),
        },
    };
    Ok(ports
        .into_iter()
        .map(|p| Target {
            platform: p.platform,
            variant: None,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ports_and_variants() {
        let t: Target = "linux/arm/7".parse().unwrap();
        assert_eq!(t.platform, Platform::new(Goos::Linux, Goarch::Arm));
        assert_eq!(t.variant_env(), Some(("GOARM", "7".to_string())));
        assert_eq!(t.to_string(), "linux/arm/7");
        for s in [
            "linux/amd64/v3",
            "linux/arm64/v8.2",
            "linux/arm64/v9.5,lse,crypto",
            "linux/386/softfloat",
            "linux/mips/softfloat",
            "linux/mips64le/hardfloat",
            "linux/ppc64le/power10",
            "linux/riscv64/rva23u64",
            "linux/arm/6,softfloat",
            "windows/arm64",
            "js/wasm",
        ] {
            let t: Target = s.parse().unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(t.to_string(), s);
        }
    }

    #[test]
    fn unknown_ports_get_suggestions() {
        let err = "linux/aarch64".parse::<Target>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "linux/aarch64 is not a Go port; did you mean linux/arm64?"
        );
        let err = "macos/arm64".parse::<Target>().unwrap_err().to_string();
        assert!(err.ends_with("did you mean darwin/arm64?"), "{err}");
        let err = "linx/amd64".parse::<Target>().unwrap_err().to_string();
        assert!(err.ends_with("did you mean linux/amd64?"), "{err}");
        let err = "darwin/386".parse::<Target>().unwrap_err().to_string();
        assert_eq!(
            err,
            "darwin/386 is not a Go port; `gocross targets` lists them"
        );
        let err = "linux".parse::<Target>().unwrap_err();
        assert!(matches!(err, TargetError::Malformed(_)));
    }

    #[test]
    fn bad_variants_say_what_is_allowed() {
        let err = "linux/arm/8".parse::<Target>().unwrap_err().to_string();
        assert!(err.contains("GOARM"), "{err}");
        assert!(err.contains("5, 6 or 7"), "{err}");
        let err = "linux/amd64/v5".parse::<Target>().unwrap_err().to_string();
        assert!(err.contains("v1 to v4"), "{err}");
        let err = "linux/s390x/v2".parse::<Target>().unwrap_err();
        assert!(matches!(err, TargetError::NoVariant { .. }));
    }

    #[test]
    fn broken_and_removed_ports_are_refused() {
        let err = "windows/arm".parse::<Target>().unwrap_err().to_string();
        assert!(err.contains("removed in Go 1.26"), "{err}");
        let err = "freebsd/riscv64".parse::<Target>().unwrap_err().to_string();
        assert!(err.contains("broken"), "{err}");
    }

    #[test]
    fn groups_expand() {
        let fc = expand("first-class").unwrap();
        assert_eq!(fc.len(), 8);
        assert!(fc.iter().all(|t| t.port().first_class));
        let windows: Vec<String> = expand("windows")
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(windows, ["windows/386", "windows/amd64", "windows/arm64"]);
        let all = expand("all").unwrap();
        assert!(all.iter().all(|t| t.port().status == PortStatus::Supported));
        assert!(!all.iter().any(|t| t.goos() == Goos::Android));
        assert_eq!(expand("linux/arm64").unwrap().len(), 1);
    }
}
