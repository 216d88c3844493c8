//! Go release versions and the minimum operating system each release supports.
//!
//! Minimum OS per release, from the Go release notes (1.21 to 1.27): Linux kernel 2.6.32 until
//! Go 1.23 and 3.2 from Go 1.24; macOS 10.15 (1.21, 1.22), 11 (1.23, 1.24), 12 (1.25, 1.26),
//! 13 (1.27); Windows 10 / Server 2016 throughout. Extra floors: linux/loong64 needs kernel
//! 5.19, linux/mips64le 4.8.

use super::version::Version;
use super::{Goarch, Goos, Platform};
use serde::Serialize;
use std::fmt;

/// A Go release (`1.26`, `1.26.8`): the one dotted [`Version`] type.
pub type GoVersion = Version;

impl Version {
    /// The newest Go release this table describes; assumed when no `go` is at hand.
    pub const LATEST_KNOWN: GoVersion = Version::new(1, 26);
}

/// The oldest operating system a port's binaries run on, for one Go release.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MinimumOs {
    /// `Linux`, `macOS`, `Windows`.
    pub os: &'static str,
    /// Version, e.g. `3.2` for a kernel, `12` for macOS, `10` for Windows.
    pub version: &'static str,
}

impl fmt::Display for MinimumOs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.os, self.version)
    }
}

impl Platform {
    /// The minimum OS for binaries built by `go` for this port, `None` where Go documents no
    /// floor gocross knows of. Releases before 1.21 are treated as 1.21; later than the table
    /// as the newest row.
    pub fn minimum_os(self, go: GoVersion) -> Option<MinimumOs> {
        let minor = go.minor;
        let m = |os, version| Some(MinimumOs { os, version });
        if let Some(kernel) = self.port().and_then(|p| p.min_kernel) {
            return m("Linux", kernel);
        }
        match self.goos {
            Goos::Linux if minor >= 24 => m("Linux", "3.2"),
            Goos::Linux => m("Linux", "2.6.32"),
            Goos::Darwin => match minor {
                ..=22 => m("macOS", "10.15"),
                23 | 24 => m("macOS", "11"),
                25 | 26 => m("macOS", "12"),
                27.. => m("macOS", "13"),
            },
            Goos::Windows if self.goarch == Goarch::Arm64 => m("Windows", "11 on Arm"),
            Goos::Windows => m("Windows", "10"),
            // Go documents no floor gocross keeps for these.
            Goos::Aix
            | Goos::Android
            | Goos::Dragonfly
            | Goos::Freebsd
            | Goos::Illumos
            | Goos::Ios
            | Goos::Js
            | Goos::Netbsd
            | Goos::Openbsd
            | Goos::Plan9
            | Goos::Solaris
            | Goos::Wasip1 => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_versions() {
        let patch = "go1.26.8".parse::<GoVersion>().unwrap();
        assert_eq!((patch.major, patch.minor, patch.patch), (1, 26, Some(8)));
        assert_eq!("1.22".parse::<GoVersion>().unwrap(), GoVersion::new(1, 22));
        assert_eq!(
            "go1.27rc1".parse::<GoVersion>().unwrap(),
            GoVersion::new(1, 27)
        );
        assert!("devel".parse::<GoVersion>().is_err());
    }

    #[test]
    fn minimum_os_follows_release_notes() {
        let linux = Platform::new(Goos::Linux, Goarch::Amd64);
        assert_eq!(
            linux.minimum_os(GoVersion::new(1, 23)).unwrap().version,
            "2.6.32"
        );
        assert_eq!(
            linux.minimum_os(GoVersion::new(1, 24)).unwrap().version,
            "3.2"
        );
        let mac = Platform::new(Goos::Darwin, Goarch::Arm64);
        assert_eq!(
            mac.minimum_os(GoVersion::new(1, 26)).unwrap().to_string(),
            "macOS 12"
        );
        assert_eq!(
            mac.minimum_os(GoVersion::new(1, 27)).unwrap().to_string(),
            "macOS 13"
        );
    }
}
