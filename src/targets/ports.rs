//! The port table: one row per GOOS/GOARCH pair that `go tool dist list -json -broken` of Go
//! 1.26 prints, plus windows/arm (removed in Go 1.26), with the facts gocross needs about each.
//!
//! The first three columns (first class, cgo supported, status) come from `go tool dist list`;
//! `gocross targets --check` compares them with the `go` on PATH. The other facts are derived
//! by exhaustive `match`es on [`Goos`]/[`Goarch`], so adding an enum value makes the compiler
//! point at every fact that needs an answer.

use super::{Goarch, Goos, Platform};
use serde::Serialize;
use std::fmt;

/// Whether a port can be built with the Go release this table describes (1.26).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "go")]
pub enum PortStatus {
    Supported,
    /// Listed by `go tool dist list -broken` only; `go build` refuses it.
    Broken,
    /// Gone from Go since the given release (`"1.26"`).
    Removed(&'static str),
}

impl fmt::Display for PortStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortStatus::Supported => f.write_str("supported"),
            PortStatus::Broken => f.write_str("marked broken in Go 1.26"),
            PortStatus::Removed(v) => write!(f, "removed in Go {v}"),
        }
    }
}

/// One row of the port table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Port {
    pub platform: Platform,
    /// A first-class port under Go's porting policy (a broken builder blocks a release).
    pub first_class: bool,
    /// `CgoSupported` in `go tool dist list -json`.
    pub cgo_supported: bool,
    pub status: PortStatus,
}

/// A Debian cross compiler: the package to install, the gcc command it provides, the package
/// with the target's C library headers, and the sysroot it ships (the directory QEMU user mode
/// takes with `-L` for dynamic binaries).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CrossGcc {
    /// Debian 12 package name, e.g. `gcc-aarch64-linux-gnu`.
    pub package: &'static str,
    /// The C compiler command, e.g. `aarch64-linux-gnu-gcc`.
    pub command: &'static str,
    /// The package with the target's libc headers and libraries, e.g.
    /// `libc6-dev-arm64-cross`. The gcc package only recommends it, so an install with
    /// `--no-install-recommends` has a compiler that fails on `#include <stdint.h>`.
    pub libc_dev: &'static str,
    /// The target's libraries and loader, e.g. `/usr/aarch64-linux-gnu`; `None` for mingw.
    pub sysroot: Option<&'static str>,
}

impl CrossGcc {
    /// The GNU triple the compiler is named after, e.g. `aarch64-linux-gnu`.
    pub fn triple(&self) -> &'static str {
        self.command.trim_end_matches("-gcc")
    }

    /// A header every C build includes, present once [`CrossGcc::libc_dev`] is installed:
    /// Debian's cross packages put the target's headers in `/usr/<triple>/include`.
    pub fn libc_header(&self) -> String {
        format!("/usr/{}/include/stdio.h", self.triple())
    }

    /// The packages to install, e.g. `gcc-aarch64-linux-gnu libc6-dev-arm64-cross`.
    pub fn packages(&self) -> String {
        format!("{} {}", self.package, self.libc_dev)
    }
}

/// The architecture part of a QEMU user-mode binary name: `qemu-<arch>-static` from Debian's
/// qemu-user-static, or `qemu-<arch>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct QemuArch(pub &'static str);

impl QemuArch {
    /// The candidate binary names, preferred first.
    pub fn binaries(self) -> [String; 2] {
        [
            format!("qemu-{}-static", self.0),
            format!("qemu-{}", self.0),
        ]
    }
}

const fn port(
    goos: Goos,
    goarch: Goarch,
    first_class: bool,
    cgo: bool,
    status: PortStatus,
) -> Port {
    Port {
        platform: Platform::new(goos, goarch),
        first_class,
        cgo_supported: cgo,
        status,
    }
}

use Goarch::*;
use Goos::*;
use PortStatus::{Broken, Supported};

/// Every port, in `go tool dist list` order (GOOS, then GOARCH).
pub static PORTS: &[Port] = &[
    port(Aix, Ppc64, false, true, Supported),
    port(Android, I386, false, true, Supported),
    port(Android, Amd64, false, true, Supported),
    port(Android, Arm, false, true, Supported),
    port(Android, Arm64, false, true, Supported),
    port(Darwin, Amd64, true, true, Supported),
    port(Darwin, Arm64, true, true, Supported),
    port(Dragonfly, Amd64, false, true, Supported),
    port(Freebsd, I386, false, true, Supported),
    port(Freebsd, Amd64, false, true, Supported),
    port(Freebsd, Arm, false, true, Supported),
    port(Freebsd, Arm64, false, true, Supported),
    port(Freebsd, Riscv64, false, true, Broken),
    port(Illumos, Amd64, false, true, Supported),
    port(Ios, Amd64, false, true, Supported),
    port(Ios, Arm64, false, true, Supported),
    port(Js, Wasm, false, false, Supported),
    port(Linux, I386, true, true, Supported),
    port(Linux, Amd64, true, true, Supported),
    port(Linux, Arm, true, true, Supported),
    port(Linux, Arm64, true, true, Supported),
    port(Linux, Loong64, false, true, Supported),
    port(Linux, Mips, false, true, Supported),
    port(Linux, Mips64, false, true, Supported),
    port(Linux, Mips64le, false, true, Supported),
    port(Linux, Mipsle, false, true, Supported),
    port(Linux, Ppc64, false, false, Supported),
    port(Linux, Ppc64le, false, true, Supported),
    port(Linux, Riscv64, false, true, Supported),
    port(Linux, S390x, false, true, Supported),
    port(Linux, Sparc64, false, true, Broken),
    port(Netbsd, I386, false, true, Supported),
    port(Netbsd, Amd64, false, true, Supported),
    port(Netbsd, Arm, false, true, Supported),
    port(Netbsd, Arm64, false, true, Supported),
    port(Openbsd, I386, false, true, Supported),
    port(Openbsd, Amd64, false, true, Supported),
    port(Openbsd, Arm, false, true, Supported),
    port(Openbsd, Arm64, false, true, Supported),
    port(Openbsd, Mips64, false, true, Broken),
    port(Openbsd, Ppc64, false, false, Supported),
    port(Openbsd, Riscv64, false, true, Supported),
    port(Plan9, I386, false, false, Supported),
    port(Plan9, Amd64, false, false, Supported),
    port(Plan9, Arm, false, false, Supported),
    port(Solaris, Amd64, false, true, Supported),
    port(Wasip1, Wasm, false, false, Supported),
    port(Windows, I386, true, true, Supported),
    port(Windows, Amd64, true, true, Supported),
    port(Windows, Arm, false, false, PortStatus::Removed("1.26")),
    port(Windows, Arm64, false, true, Supported),
];

impl Port {
    /// Whether a usable binary needs a platform SDK beyond a C cross compiler: android (the
    /// NDK) and ios (Xcode).
    pub fn needs_sdk(&self) -> bool {
        matches!(self.platform.goos, Android | Ios)
    }

    /// The QEMU user-mode architecture for a Linux port (Debian qemu-user-static names: arm64→aarch64, 386→i386,
    /// mipsle→mipsel, mips64le→mips64el, loong64→loongarch64); `None` for other GOOS values
    /// and for wasm.
    pub fn qemu(&self) -> Option<QemuArch> {
        if self.platform.goos != Linux {
            return None;
        }
        Some(QemuArch(match self.platform.goarch {
            I386 => "i386",
            Amd64 => "x86_64",
            Arm => "arm",
            Arm64 => "aarch64",
            Loong64 => "loongarch64",
            Mips => "mips",
            Mipsle => "mipsel",
            Mips64 => "mips64",
            Mips64le => "mips64el",
            Ppc64 => "ppc64",
            Ppc64le => "ppc64le",
            Riscv64 => "riscv64",
            S390x => "s390x",
            Sparc64 => "sparc64",
            Wasm => return None,
        }))
    }

    /// The Debian 12 gcc cross compiler for this port, if Debian ships one: the `*-linux-gnu`
    /// gccs for Linux, mingw-w64 for windows/386 and windows/amd64. loong64 has none in
    /// Debian 12 (use zig).
    pub fn cross_gcc(&self) -> Option<CrossGcc> {
        let gcc = |package, command, libc_dev, sysroot| {
            Some(CrossGcc {
                package,
                command,
                libc_dev,
                sysroot,
            })
        };
        match (self.platform.goos, self.platform.goarch) {
            (Linux, Amd64) => gcc(
                "gcc-x86-64-linux-gnu",
                "x86_64-linux-gnu-gcc",
                "libc6-dev-amd64-cross",
                Some("/usr/x86_64-linux-gnu"),
            ),
            (Linux, I386) => gcc(
                "gcc-i686-linux-gnu",
                "i686-linux-gnu-gcc",
                "libc6-dev-i386-cross",
                Some("/usr/i686-linux-gnu"),
            ),
            (Linux, Arm64) => gcc(
                "gcc-aarch64-linux-gnu",
                "aarch64-linux-gnu-gcc",
                "libc6-dev-arm64-cross",
                Some("/usr/aarch64-linux-gnu"),
            ),
            (Linux, Arm) => gcc(
                "gcc-arm-linux-gnueabihf",
                "arm-linux-gnueabihf-gcc",
                "libc6-dev-armhf-cross",
                Some("/usr/arm-linux-gnueabihf"),
            ),
            (Linux, Riscv64) => gcc(
                "gcc-riscv64-linux-gnu",
                "riscv64-linux-gnu-gcc",
                "libc6-dev-riscv64-cross",
                Some("/usr/riscv64-linux-gnu"),
            ),
            (Linux, Ppc64le) => gcc(
                "gcc-powerpc64le-linux-gnu",
                "powerpc64le-linux-gnu-gcc",
                "libc6-dev-ppc64el-cross",
                Some("/usr/powerpc64le-linux-gnu"),
            ),
            (Linux, Ppc64) => gcc(
                "gcc-powerpc64-linux-gnu",
                "powerpc64-linux-gnu-gcc",
                "libc6-dev-ppc64-cross",
                Some("/usr/powerpc64-linux-gnu"),
            ),
            (Linux, S390x) => gcc(
                "gcc-s390x-linux-gnu",
                "s390x-linux-gnu-gcc",
                "libc6-dev-s390x-cross",
                Some("/usr/s390x-linux-gnu"),
            ),
            (Linux, Mips) => gcc(
                "gcc-mips-linux-gnu",
                "mips-linux-gnu-gcc",
                "libc6-dev-mips-cross",
                Some("/usr/mips-linux-gnu"),
            ),
            (Linux, Mipsle) => gcc(
                "gcc-mipsel-linux-gnu",
                "mipsel-linux-gnu-gcc",
                "libc6-dev-mipsel-cross",
                Some("/usr/mipsel-linux-gnu"),
            ),
            (Linux, Mips64) => gcc(
                "gcc-mips64-linux-gnuabi64",
                "mips64-linux-gnuabi64-gcc",
                "libc6-dev-mips64-cross",
                Some("/usr/mips64-linux-gnuabi64"),
            ),
            (Linux, Mips64le) => gcc(
                "gcc-mips64el-linux-gnuabi64",
                "mips64el-linux-gnuabi64-gcc",
                "libc6-dev-mips64el-cross",
                Some("/usr/mips64el-linux-gnuabi64"),
            ),
            (Windows, Amd64) => gcc(
                "gcc-mingw-w64-x86-64",
                "x86_64-w64-mingw32-gcc",
                "mingw-w64-x86-64-dev",
                None,
            ),
            (Windows, I386) => gcc(
                "gcc-mingw-w64-i686",
                "i686-w64-mingw32-gcc",
                "mingw-w64-i686-dev",
                None,
            ),
            _ => None,
        }
    }

    /// The zig target architecture (`zig cc -target <arch>-<os>-<abi>`), for the ports where
    /// zig ships a libc: Linux (glibc and musl) and Windows (mingw).
    pub fn zig_arch(&self) -> Option<&'static str> {
        if !matches!(self.platform.goos, Linux | Windows) {
            return None;
        }
        Some(match self.platform.goarch {
            I386 => "x86",
            Amd64 => "x86_64",
            Arm => "arm",
            Arm64 => "aarch64",
            Loong64 => "loongarch64",
            Mips => "mips",
            Mipsle => "mipsel",
            Mips64 => "mips64",
            Mips64le => "mips64el",
            Ppc64 => "powerpc64",
            Ppc64le => "powerpc64le",
            Riscv64 => "riscv64",
            S390x => "s390x",
            Sparc64 | Wasm => return None,
        })
    }

    /// The zig target triple for a cgo build: `<arch>-linux-gnu.<glibc>` for a dynamic Linux
    /// build with a glibc floor, `<arch>-linux-musl` for a static one, `<arch>-windows-gnu`
    /// for Windows. 32-bit ARM takes the `eabihf`/`eabi` ABI per its float ABI.
    pub fn zig_triple(
        &self,
        static_link: bool,
        glibc: Option<&str>,
        soft_float: bool,
    ) -> Option<String> {
        let arch = self.zig_arch()?;
        Some(match self.platform.goos {
            Windows => format!("{arch}-windows-gnu"),
            _ => {
                let libc = if static_link { "musl" } else { "gnu" };
                let abi = match (self.platform.goarch, soft_float) {
                    (Arm, false) => format!("{libc}eabihf"),
                    (Arm, true) => format!("{libc}eabi"),
                    (Mips64 | Mips64le, _) => format!("{libc}abi64"),
                    _ => libc.to_string(),
                };
                match (static_link, glibc) {
                    (false, Some(floor)) => format!("{arch}-linux-{abi}.{floor}"),
                    _ => format!("{arch}-linux-{abi}"),
                }
            }
        })
    }

    /// Whether UPX packs this port's binaries into ones that still run: Linux amd64, 386,
    /// arm64 and arm (ELF), Windows amd64 and 386 (PE). Checked with UPX 3.94 on Go 1.26
    /// binaries: it refuses riscv64, mips64, s390x, FreeBSD, Mach-O and windows/arm64, and a
    /// packed linux/ppc64le binary crashed under QEMU; UPX 4 dropped macOS altogether.
    pub fn upx(&self) -> bool {
        matches!(
            (self.platform.goos, self.platform.goarch),
            (Linux, Amd64 | I386 | Arm64 | Arm) | (Windows, Amd64 | I386)
        )
    }

    /// The GitHub-hosted runner label that runs this port natively, from the runner-images
    /// announcements (late 2026): ubuntu-24.04 and ubuntu-24.04-arm, windows-2025 (also runs
    /// 386) and windows-11-arm, macos-15 (arm64) and macos-15-intel (announced until August
    /// 2027). ios builds need Xcode, so they get the macOS runner too.
    pub fn native_runner(&self) -> Option<&'static str> {
        match (self.platform.goos, self.platform.goarch) {
            (Linux, Amd64 | I386) => Some("ubuntu-24.04"),
            (Linux, Arm64) => Some("ubuntu-24.04-arm"),
            (Windows, Amd64 | I386) => Some("windows-2025"),
            (Windows, Arm64) => Some("windows-11-arm"),
            (Darwin, Arm64) | (Ios, _) => Some("macos-15"),
            (Darwin, Amd64) => Some("macos-15-intel"),
            _ => None,
        }
    }

    /// What a user must know about the port beyond GOOS/GOARCH, one sentence each.
    pub fn notes(&self) -> Vec<&'static str> {
        let mut notes = Vec::new();
        match (self.platform.goos, self.platform.goarch) {
            (Android, _) => notes.push("needs cgo and the Android NDK for a usable binary"),
            (Ios, _) => notes.push("needs cgo and the Xcode toolchain on a macOS runner; plain GOOS=ios excludes most programs"),
            (Js | Wasip1, _) => notes.push("runs under a wasm runtime, never natively"),
            (Windows, Arm64) => notes.push("runs on Windows 11 on Arm only"),
            (Windows, I386) => notes.push("still builds, but a shrinking target"),
            (Darwin, _) => notes.push("cannot run on Linux: verified on a macOS runner or audited only"),
            (Linux, Loong64) => notes.push("needs Linux 5.19 or later"),
            (Linux, Mips64le) => notes.push("needs Linux 4.8 or later"),
            (Linux, I386) => notes.push("crashes under Debian 12's qemu-i386 7.2; runs natively on amd64 Linux"),
            _ => {}
        }
        if self.platform.goos == Linux && !self.first_class {
            notes.push("Go's first-class Linux support covers glibc systems only; this port is best effort");
        }
        notes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_no_duplicates_and_is_sorted() {
        for pair in PORTS.windows(2) {
            let key = |p: &Port| (p.platform.goos.as_str(), p.platform.goarch.as_str());
            assert!(
                key(&pair[0]) < key(&pair[1]),
                "{:?} then {:?}",
                pair[0],
                pair[1]
            );
        }
        assert_eq!(PORTS.iter().filter(|p| p.first_class).count(), 8);
    }

    #[test]
    fn zig_triples() {
        let p = |goos, goarch| Platform::new(goos, goarch).port().unwrap();
        assert_eq!(
            p(Linux, Arm64)
                .zig_triple(false, Some("2.17"), false)
                .unwrap(),
            "aarch64-linux-gnu.2.17"
        );
        assert_eq!(
            p(Linux, Amd64)
                .zig_triple(true, Some("2.17"), false)
                .unwrap(),
            "x86_64-linux-musl"
        );
        assert_eq!(
            p(Linux, Arm).zig_triple(false, None, false).unwrap(),
            "arm-linux-gnueabihf"
        );
        assert_eq!(
            p(Windows, Amd64).zig_triple(false, None, false).unwrap(),
            "x86_64-windows-gnu"
        );
        assert_eq!(p(Darwin, Arm64).zig_triple(false, None, false), None);
    }

    #[test]
    fn qemu_names_follow_debian() {
        let p = |goarch| {
            Platform::new(Linux, goarch)
                .port()
                .unwrap()
                .qemu()
                .unwrap()
                .0
        };
        assert_eq!(p(Arm64), "aarch64");
        assert_eq!(p(Mips64le), "mips64el");
        assert_eq!(p(Loong64), "loongarch64");
        assert_eq!(Platform::new(Windows, Amd64).port().unwrap().qemu(), None);
    }
}
