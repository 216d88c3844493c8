//! The target table, as data: one row per GOARCH ([`ARCHES`]: bits, byte order, sub-architecture
//! variable, QEMU name, zig name) and one row per GOOS/GOARCH port ([`PORTS`]: what `go tool
//! dist list -json -broken` of Go 1.26 says, plus windows/arm, removed in Go 1.26; the Debian
//! cross compiler and its sysroot; the native GitHub runner; wine; UPX; notes).
//!
//! Code asks a row; it never re-derives a fact from a label or keeps its own list. Adding a Go
//! port is: add the enum value (the compiler then refuses [`ARCHES`] until it has a row), add
//! its [`PORTS`] row, and follow the compiler.
//!
//! Sources: `go tool dist list -json -broken` (first class, cgo, broken; `gocross targets
//! --check` compares them with the `go` on PATH), Debian 12's package lists (cross gccs,
//! `libc6-dev-*-cross` and `libc6-*-cross`, qemu-user-static names), zig's target list, the
//! runner-images announcements ([`super::runners`]), UPX 3.94 runs on Go 1.26 binaries.

use super::runners::{
    MACOS_15, MACOS_15_INTEL, RunnerImage, UBUNTU_24_04, UBUNTU_24_04_ARM, WINDOWS_11_ARM,
    WINDOWS_2025,
};
use super::{Goarch, Goos, Platform};
use serde::Serialize;
use std::fmt;

/// Whether a port can be built with the Go release this table describes (1.26).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "go")]
pub enum PortStatus {
    /// Go builds it.
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

/// The facts of one GOARCH that hold on every GOOS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arch {
    /// The GOARCH.
    pub goarch: Goarch,
    /// Pointer size in bits.
    pub bits: u8,
    /// Whether it is big-endian.
    pub big_endian: bool,
    /// The sub-architecture environment variable (`GOARM`, `GOAMD64`, ...), if any.
    pub variant_var: Option<&'static str>,
    /// The QEMU user-mode name (`qemu-<name>-static` in Debian's qemu-user-static: arm64 →
    /// aarch64, 386 → i386, mipsle → mipsel, mips64le → mips64el, loong64 → loongarch64).
    pub qemu: Option<QemuArch>,
    /// zig's name for the architecture (`zig cc -target <arch>-linux-gnu`), where zig ships a
    /// libc for it.
    pub zig: Option<&'static str>,
}

/// One row per GOARCH, in [`Goarch::ALL`] order; the array length makes a new GOARCH a
/// compile error until it has a row.
pub static ARCHES: [Arch; Goarch::ALL.len()] = {
    use Goarch::*;
    [
        Arch {
            goarch: I386,
            bits: 32,
            big_endian: false,
            variant_var: Some("GO386"),
            qemu: Some(QemuArch("i386")),
            zig: Some("x86"),
        },
        Arch {
            goarch: Amd64,
            bits: 64,
            big_endian: false,
            variant_var: Some("GOAMD64"),
            qemu: Some(QemuArch("x86_64")),
            zig: Some("x86_64"),
        },
        Arch {
            goarch: Arm,
            bits: 32,
            big_endian: false,
            variant_var: Some("GOARM"),
            qemu: Some(QemuArch("arm")),
            zig: Some("arm"),
        },
        Arch {
            goarch: Arm64,
            bits: 64,
            big_endian: false,
            variant_var: Some("GOARM64"),
            qemu: Some(QemuArch("aarch64")),
            zig: Some("aarch64"),
        },
        Arch {
            goarch: Loong64,
            bits: 64,
            big_endian: false,
            variant_var: None,
            qemu: Some(QemuArch("loongarch64")),
            zig: Some("loongarch64"),
        },
        Arch {
            goarch: Mips,
            bits: 32,
            big_endian: true,
            variant_var: Some("GOMIPS"),
            qemu: Some(QemuArch("mips")),
            zig: Some("mips"),
        },
        Arch {
            goarch: Mips64,
            bits: 64,
            big_endian: true,
            variant_var: Some("GOMIPS64"),
            qemu: Some(QemuArch("mips64")),
            zig: Some("mips64"),
        },
        Arch {
            goarch: Mips64le,
            bits: 64,
            big_endian: false,
            variant_var: Some("GOMIPS64"),
            qemu: Some(QemuArch("mips64el")),
            zig: Some("mips64el"),
        },
        Arch {
            goarch: Mipsle,
            bits: 32,
            big_endian: false,
            variant_var: Some("GOMIPS"),
            qemu: Some(QemuArch("mipsel")),
            zig: Some("mipsel"),
        },
        Arch {
            goarch: Ppc64,
            bits: 64,
            big_endian: true,
            variant_var: Some("GOPPC64"),
            qemu: Some(QemuArch("ppc64")),
            zig: Some("powerpc64"),
        },
        Arch {
            goarch: Ppc64le,
            bits: 64,
            big_endian: false,
            variant_var: Some("GOPPC64"),
            qemu: Some(QemuArch("ppc64le")),
            zig: Some("powerpc64le"),
        },
        Arch {
            goarch: Riscv64,
            bits: 64,
            big_endian: false,
            variant_var: Some("GORISCV64"),
            qemu: Some(QemuArch("riscv64")),
            zig: Some("riscv64"),
        },
        Arch {
            goarch: S390x,
            bits: 64,
            big_endian: true,
            variant_var: None,
            qemu: Some(QemuArch("s390x")),
            zig: Some("s390x"),
        },
        Arch {
            goarch: Sparc64,
            bits: 64,
            big_endian: true,
            variant_var: None,
            qemu: Some(QemuArch("sparc64")),
            zig: None,
        },
        Arch {
            goarch: Wasm,
            bits: 32,
            big_endian: false,
            variant_var: None,
            qemu: None,
            zig: None,
        },
    ]
};

impl Goarch {
    /// This GOARCH's row of [`ARCHES`].
    pub fn arch(self) -> &'static Arch {
        &ARCHES[self as usize]
    }
}

/// One row of the port table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Port {
    /// GOOS and GOARCH.
    pub platform: Platform,
    /// A first-class port under Go's porting policy (a broken builder blocks a release).
    pub first_class: bool,
    /// `CgoSupported` in `go tool dist list -json`.
    pub cgo_supported: bool,
    /// Whether Go 1.26 builds it.
    pub status: PortStatus,
    /// The Debian 12 (and Ubuntu) gcc cross compiler: `*-linux-gnu` gccs for Linux, mingw-w64
    /// for windows/386 and windows/amd64.
    pub cross_gcc: Option<CrossGcc>,
    /// The GitHub-hosted runner that runs this port's binaries natively.
    pub native_runner: Option<&'static RunnerImage>,
    /// wine (Debian's wine64) runs its console programs on an amd64 Linux host.
    pub wine: bool,
    /// UPX 3.94 packs its binaries into ones that still run (checked on Go 1.26 binaries: it
    /// refuses riscv64, mips64, s390x, FreeBSD, Mach-O and windows/arm64, and a packed
    /// linux/ppc64le binary crashed under QEMU).
    pub upx: bool,
    /// A kernel floor above the GOOS's own (loong64 needs Linux 5.19), from the Go wiki.
    pub min_kernel: Option<&'static str>,
    /// What a user must know about this port beyond its GOOS (one sentence).
    pub note: Option<&'static str>,
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
    /// The target's loader and libc; `None` for mingw.
    pub sysroot: Option<Sysroot>,
}

/// A directory holding a target's dynamic loader and C library, for QEMU user mode's `-L`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Sysroot {
    /// e.g. `/usr/aarch64-linux-gnu`.
    pub path: &'static str,
    /// The Debian package that ships it, e.g. `libc6-arm64-cross`.
    pub package: &'static str,
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

    /// The packages a cgo build with it needs: the compiler and the target's libc headers.
    pub fn packages(&self) -> [&'static str; 2] {
        [self.package, self.libc_dev]
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

/// The Debian package of QEMU user mode for every architecture.
pub const QEMU_PACKAGE: &str = "qemu-user-static";

/// A Linux `*-linux-gnu` cross gcc of Debian 12: `<triple>-gcc` from `gcc-<triple>`, headers
/// from `libc6-dev-<debarch>-cross`, sysroot `/usr/<triple>` from `libc6-<debarch>-cross`.
macro_rules! linux_gcc {
    ($triple:literal, $debarch:literal) => {
        CrossGcc {
            package: concat!("gcc-", $triple),
            command: concat!($triple, "-gcc"),
            libc_dev: concat!("libc6-dev-", $debarch, "-cross"),
            sysroot: Some(Sysroot {
                path: concat!("/usr/", $triple),
                package: concat!("libc6-", $debarch, "-cross"),
            }),
        }
    };
}

const fn mingw(package: &'static str, command: &'static str, libc_dev: &'static str) -> CrossGcc {
    CrossGcc {
        package,
        command,
        libc_dev,
        sysroot: None,
    }
}

const fn port(goos: Goos, goarch: Goarch) -> Port {
    Port {
        platform: Platform::new(goos, goarch),
        first_class: false,
        cgo_supported: true,
        status: PortStatus::Supported,
        cross_gcc: None,
        native_runner: None,
        wine: false,
        upx: false,
        min_kernel: None,
        note: None,
    }
}

impl Port {
    const fn first_class(self) -> Port {
        Port {
            first_class: true,
            ..self
        }
    }
    const fn no_cgo(self) -> Port {
        Port {
            cgo_supported: false,
            ..self
        }
    }
    const fn status(self, status: PortStatus) -> Port {
        Port { status, ..self }
    }
    const fn gcc(self, gcc: CrossGcc) -> Port {
        Port {
            cross_gcc: Some(gcc),
            ..self
        }
    }
    const fn runner(self, runner: &'static RunnerImage) -> Port {
        Port {
            native_runner: Some(runner),
            ..self
        }
    }
    const fn wine(self) -> Port {
        Port { wine: true, ..self }
    }
    const fn upx(self) -> Port {
        Port { upx: true, ..self }
    }
    const fn kernel(self, version: &'static str) -> Port {
        Port {
            min_kernel: Some(version),
            ..self
        }
    }
    const fn note(self, note: &'static str) -> Port {
        Port {
            note: Some(note),
            ..self
        }
    }
}

use Goarch::*;
use Goos::*;
use PortStatus::{Broken, Removed};

/// Every port, in `go tool dist list` order (GOOS, then GOARCH).
pub static PORTS: &[Port] = &[
    port(Aix, Ppc64),
    port(Android, I386),
    port(Android, Amd64),
    port(Android, Arm),
    port(Android, Arm64),
    port(Darwin, Amd64).first_class().runner(&MACOS_15_INTEL),
    port(Darwin, Arm64).first_class().runner(&MACOS_15),
    port(Dragonfly, Amd64),
    port(Freebsd, I386),
    port(Freebsd, Amd64),
    port(Freebsd, Arm),
    port(Freebsd, Arm64),
    port(Freebsd, Riscv64).status(Broken),
    port(Illumos, Amd64),
    port(Ios, Amd64).runner(&MACOS_15),
    port(Ios, Arm64).runner(&MACOS_15),
    port(Js, Wasm).no_cgo(),
    port(Linux, I386)
        .first_class()
        .gcc(linux_gcc!("i686-linux-gnu", "i386"))
        .runner(&UBUNTU_24_04)
        .upx()
        .note("crashes under Debian 12's qemu-i386 7.2; runs natively on amd64 Linux"),
    port(Linux, Amd64)
        .first_class()
        .gcc(linux_gcc!("x86_64-linux-gnu", "amd64"))
        .runner(&UBUNTU_24_04)
        .upx(),
    port(Linux, Arm)
        .first_class()
        .gcc(linux_gcc!("arm-linux-gnueabihf", "armhf"))
        .upx(),
    port(Linux, Arm64)
        .first_class()
        .gcc(linux_gcc!("aarch64-linux-gnu", "arm64"))
        .runner(&UBUNTU_24_04_ARM)
        .upx(),
    port(Linux, Loong64).kernel("5.19"),
    port(Linux, Mips).gcc(linux_gcc!("mips-linux-gnu", "mips")),
    port(Linux, Mips64).gcc(linux_gcc!("mips64-linux-gnuabi64", "mips64")),
    port(Linux, Mips64le)
        .gcc(linux_gcc!("mips64el-linux-gnuabi64", "mips64el"))
        .kernel("4.8"),
    port(Linux, Mipsle).gcc(linux_gcc!("mipsel-linux-gnu", "mipsel")),
    port(Linux, Ppc64)
        .no_cgo()
        .gcc(linux_gcc!("powerpc64-linux-gnu", "ppc64")),
    port(Linux, Ppc64le).gcc(linux_gcc!("powerpc64le-linux-gnu", "ppc64el")),
    port(Linux, Riscv64).gcc(linux_gcc!("riscv64-linux-gnu", "riscv64")),
    port(Linux, S390x).gcc(linux_gcc!("s390x-linux-gnu", "s390x")),
    port(Linux, Sparc64).status(Broken),
    port(Netbsd, I386),
    port(Netbsd, Amd64),
    port(Netbsd, Arm),
    port(Netbsd, Arm64),
    port(Openbsd, I386),
    port(Openbsd, Amd64),
    port(Openbsd, Arm),
    port(Openbsd, Arm64),
    port(Openbsd, Mips64).status(Broken),
    port(Openbsd, Ppc64).no_cgo(),
    port(Openbsd, Riscv64),
    port(Plan9, I386).no_cgo(),
    port(Plan9, Amd64).no_cgo(),
    port(Plan9, Arm).no_cgo(),
    port(Solaris, Amd64),
    port(Wasip1, Wasm).no_cgo(),
    port(Windows, I386)
        .first_class()
        .gcc(mingw(
            "gcc-mingw-w64-i686",
            "i686-w64-mingw32-gcc",
            "mingw-w64-i686-dev",
        ))
        .runner(&WINDOWS_2025)
        .wine()
        .upx()
        .note("still builds, but a shrinking target"),
    port(Windows, Amd64)
        .first_class()
        .gcc(mingw(
            "gcc-mingw-w64-x86-64",
            "x86_64-w64-mingw32-gcc",
            "mingw-w64-x86-64-dev",
        ))
        .runner(&WINDOWS_2025)
        .wine()
        .upx(),
    port(Windows, Arm).no_cgo().status(Removed("1.26")),
    port(Windows, Arm64)
        .runner(&WINDOWS_11_ARM)
        .note("runs on Windows 11 on Arm only"),
];

impl Port {
    /// Whether a usable binary needs a platform SDK beyond a C cross compiler: android (the
    /// NDK) and ios (Xcode).
    pub fn needs_sdk(&self) -> bool {
        matches!(self.platform.goos, Android | Ios)
    }

    /// Whether `go build` links a binary of this port with `CGO_ENABLED=0`. Not for android
    /// (but arm64) and ios, which Go links only externally, with the SDK's C compiler: `go
    /// build` stops with "requires external (cgo) linking" (ios/amd64 because its default
    /// build mode is PIE). Go's `MustLinkExternal` in
    /// <https://github.com/golang/go/blob/go1.26.0/src/internal/platform/supported.go>.
    pub fn links_without_cgo(&self) -> bool {
        !matches!(
            (self.platform.goos, self.platform.goarch),
            (Ios, _) | (Android, I386 | Amd64 | Arm)
        )
    }

    /// The QEMU user-mode architecture for a Linux port; `None` for other GOOS values and for
    /// wasm.
    pub fn qemu(&self) -> Option<QemuArch> {
        (self.platform.goos == Linux)
            .then(|| self.platform.goarch.arch().qemu)
            .flatten()
    }

    /// The Debian 12 gcc cross compiler for this port, if Debian ships one.
    pub fn cross_gcc(&self) -> Option<CrossGcc> {
        self.cross_gcc
    }

    /// The QEMU sysroot of a dynamic binary of this port: the Debian cross sysroot, whichever
    /// C toolchain linked the binary (zig's glibc stubs and the gnu cross gcc expect the same
    /// loader and libc).
    pub fn sysroot(&self) -> Option<Sysroot> {
        self.cross_gcc.and_then(|g| g.sysroot)
    }

    /// The zig target architecture (`zig cc -target <arch>-<os>-<abi>`), for the ports where
    /// zig ships a libc: Linux (glibc and musl) and Windows (mingw).
    pub fn zig_arch(&self) -> Option<&'static str> {
        matches!(self.platform.goos, Linux | Windows)
            .then(|| self.platform.goarch.arch().zig)
            .flatten()
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

    /// The label of the GitHub-hosted runner that runs this port natively.
    pub fn native_runner(&self) -> Option<&'static str> {
        self.native_runner.map(|r| r.label)
    }

    /// What a user must know about the port beyond GOOS/GOARCH, one sentence each: its
    /// GOOS's note, its own, its kernel floor, and the best-effort status of Linux ports that
    /// are not first class.
    pub fn notes(&self) -> Vec<String> {
        let goos = match self.platform.goos {
            Android => Some("needs cgo and the Android NDK for a usable binary"),
            Ios => Some(
                "needs cgo and the Xcode toolchain on a macOS runner; plain GOOS=ios excludes most programs",
            ),
            Js | Wasip1 => Some("runs under a wasm runtime, never natively"),
            Darwin => Some("cannot run on Linux: verified on a macOS runner or audited only"),
            Aix | Dragonfly | Freebsd | Illumos | Linux | Netbsd | Openbsd | Plan9 | Solaris
            | Windows => None,
        };
        let mut notes: Vec<String> = goos
            .into_iter()
            .chain(self.note)
            .map(String::from)
            .collect();
        if let Some(kernel) = self.min_kernel {
            notes.push(format!("needs Linux {kernel} or later"));
        }
        if self.platform.goos == Linux && !self.first_class {
            notes.push(
                "Go's first-class Linux support covers glibc systems only; this port is best effort"
                    .into(),
            );
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
    fn arch_rows_follow_goarch_order() {
        for (row, goarch) in ARCHES.iter().zip(Goarch::ALL) {
            assert_eq!(row.goarch, *goarch);
            assert_eq!(goarch.arch().goarch, *goarch);
        }
        assert_eq!(I386.bits(), 32);
        assert_eq!(Riscv64.bits(), 64);
        assert!(S390x.big_endian() && !Mips64le.big_endian());
    }

    #[test]
    fn sysroots_come_from_the_cross_libc_package() {
        let arm64 = Platform::new(Linux, Arm64).port().unwrap();
        assert_eq!(
            arm64.sysroot(),
            Some(Sysroot {
                path: "/usr/aarch64-linux-gnu",
                package: "libc6-arm64-cross"
            })
        );
        assert_eq!(
            arm64.cross_gcc().unwrap().packages(),
            ["gcc-aarch64-linux-gnu", "libc6-dev-arm64-cross"]
        );
        assert_eq!(
            Platform::new(Windows, Amd64).port().unwrap().sysroot(),
            None
        );
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
