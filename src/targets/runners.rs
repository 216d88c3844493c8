//! GitHub-hosted runner images: each label with the platform it runs on and what it offers a
//! build leg. The port table names the native runner of a port with a row of this table, and
//! the plan finds the platform of a label written in gocross.yaml here; a label missing from
//! the table (a self-hosted runner) has no known platform, so nothing is run on it.
//!
//! Source: the runner-images README and announcements
//! (<https://github.com/actions/runner-images>, late 2026) and "GitHub-hosted runners"
//! (<https://docs.github.com/en/actions/reference/runners/github-hosted-runners>). glibc versions: Ubuntu 24.04 ships glibc 2.39, Ubuntu 22.04 ships 2.35.

use super::{Goarch, Goos, Platform, Version};
use serde::Serialize;

/// One GitHub-hosted runner image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RunnerImage {
    /// The `runs-on:` label, e.g. `ubuntu-24.04-arm`.
    pub label: &'static str,
    /// The platform jobs on it run on.
    #[serde(skip)]
    pub platform: Platform,
    /// Debian/Ubuntu packages can be installed with `apt-get` (Ubuntu images).
    pub apt: bool,
    /// The glibc of the image, where it has one and it is stated: a gnu cross gcc there
    /// links against it, so it is the glibc floor of such builds.
    #[serde(skip)]
    pub glibc: Option<Version>,
}

const fn image(label: &'static str, goos: Goos, goarch: Goarch) -> RunnerImage {
    RunnerImage {
        label,
        platform: Platform::new(goos, goarch),
        apt: false,
        glibc: None,
    }
}

const fn ubuntu(label: &'static str, goarch: Goarch, glibc: Option<Version>) -> RunnerImage {
    RunnerImage {
        apt: true,
        glibc,
        ..image(label, Goos::Linux, goarch)
    }
}

/// Ubuntu 24.04 on x64: the runner of Linux legs without a native runner (they run under QEMU
/// there) and of the jobs that only run gocross on collected files.
pub static UBUNTU_24_04: RunnerImage =
    ubuntu("ubuntu-24.04", Goarch::Amd64, Some(Version::new(2, 39)));
/// Ubuntu 24.04 on arm64 (free for public repositories).
pub static UBUNTU_24_04_ARM: RunnerImage =
    ubuntu("ubuntu-24.04-arm", Goarch::Arm64, Some(Version::new(2, 39)));
/// Windows Server 2025 on x64; runs windows/386 binaries too.
pub static WINDOWS_2025: RunnerImage = image("windows-2025", Goos::Windows, Goarch::Amd64);
/// Windows 11 on arm64.
pub static WINDOWS_11_ARM: RunnerImage = image("windows-11-arm", Goos::Windows, Goarch::Arm64);
/// macOS 15 on Apple silicon.
pub static MACOS_15: RunnerImage = image("macos-15", Goos::Darwin, Goarch::Arm64);
/// macOS 15 on Intel (announced until August 2027).
pub static MACOS_15_INTEL: RunnerImage = image("macos-15-intel", Goos::Darwin, Goarch::Amd64);

/// Every label gocross knows, the defaults above first.
pub static RUNNERS: &[&RunnerImage] = &[
    &UBUNTU_24_04,
    &UBUNTU_24_04_ARM,
    &WINDOWS_2025,
    &WINDOWS_11_ARM,
    &MACOS_15,
    &MACOS_15_INTEL,
    &ubuntu("ubuntu-22.04", Goarch::Amd64, Some(Version::new(2, 35))),
    &ubuntu("ubuntu-22.04-arm", Goarch::Arm64, Some(Version::new(2, 35))),
    &ubuntu("ubuntu-26.04", Goarch::Amd64, None),
    &ubuntu("ubuntu-latest", Goarch::Amd64, None),
    &image("windows-2022", Goos::Windows, Goarch::Amd64),
    &image("windows-latest", Goos::Windows, Goarch::Amd64),
    &image("macos-14", Goos::Darwin, Goarch::Arm64),
    &image("macos-26", Goos::Darwin, Goarch::Arm64),
    &image("macos-latest", Goos::Darwin, Goarch::Arm64),
];

/// What GitHub bills a minute of a standard GitHub-hosted runner of `goos` at, in Linux
/// minutes: Linux 1, Windows 2, macOS 10
/// (<https://docs.github.com/en/billing/managing-billing-for-your-products/managing-billing-for-github-actions/about-billing-for-github-actions>);
/// `None` for a GOOS GitHub hosts no runner for.
pub fn minute_multiplier(goos: Goos) -> Option<u32> {
    match goos {
        Goos::Linux => Some(1),
        Goos::Windows => Some(2),
        Goos::Darwin => Some(10),
        _ => None,
    }
}

/// The runner image of a `runs-on:` label, `None` for labels not in [`RUNNERS`] (self-hosted
/// runners, larger runners with custom names).
pub fn runner_image(label: &str) -> Option<&'static RunnerImage> {
    RUNNERS.iter().copied().find(|r| r.label == label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_unique_and_found() {
        for (i, r) in RUNNERS.iter().enumerate() {
            assert!(
                RUNNERS[..i].iter().all(|o| o.label != r.label),
                "{}",
                r.label
            );
            assert_eq!(runner_image(r.label), Some(*r));
        }
        assert_eq!(
            runner_image("ubuntu-24.04-arm").map(|r| r.platform),
            Some(Platform::new(Goos::Linux, Goarch::Arm64))
        );
        assert_eq!(runner_image("self-hosted"), None);
    }
}
