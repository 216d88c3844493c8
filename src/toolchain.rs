//! C toolchains for cgo builds: which ones this machine has ([`Toolbox::probe`]) and which one
//! each target uses ([`choose`]), with the exact install hint when none fits.
//!
//! The choice order, unless gocross.yaml names one with `cc:`: zig (one install cross compiles
//! to linux-gnu with a chosen glibc floor, linux-musl and windows-gnu); the host's own `cc` for
//! a dynamic build of the host platform; the Debian cross gcc; `musl-gcc` for a static build
//! of the host architecture; mingw-w64 for Windows. Debian cross gccs link against the build
//! machine's glibc (Debian 12: 2.36), so a glibc floor below that needs zig; static glibc
//! links are not offered (NSS and dlopen break). A cross gcc counts only with its target's
//! libc headers (`libc6-dev-<arch>-cross`, only recommended by the gcc package): without
//! them every cgo build fails in `runtime/cgo` on `#include <stdint.h>`.

use crate::config::{CcSpec, GlibcVersion};
use crate::targets::{CrossGcc, Goos, Platform, Target};
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::Path;

/// The PyPI `ziglang` release a zig job installs (`pip install ziglang==<this>`), so that a
/// leg's C toolchain does not change under the project between two runs.
pub const ZIGLANG: &str = "0.17.0";

/// The Debian packages of `musl-gcc` (host architecture only): musl-tools, and gcc, the host
/// compiler musl-gcc wraps (`x86_64-linux-gnu-gcc`), which musl-tools does not depend on.
pub const MUSL_PACKAGES: &[&str] = &["musl-tools", "gcc"];

/// The Debian package of the host's own C compiler (`cc`, `gcc`).
pub const HOST_CC_PACKAGE: &str = "gcc";

/// The Debian/Ubuntu packages that run Windows binaries: `wine` (the `wine` command) and
/// `wine64` (the 64-bit loader).
pub const WINE_PACKAGES: &[&str] = &["wine", "wine64"];

/// The glibc a gnu cross gcc links against on a local Debian 12 machine: its
/// `libc6-dev-<arch>-cross` packages are glibc 2.36 (2.36-8cross1). On a GitHub runner the
/// runner image's glibc applies instead ([`crate::targets::RunnerImage::glibc`]).
pub const DEBIAN_GLIBC: GlibcVersion = GlibcVersion::new(2, 36);

/// What C toolchains exist where the build runs.
#[derive(Debug, Clone, Default)]
pub struct Toolbox {
    /// C compiler commands found on PATH (`cc`, `musl-gcc`, `aarch64-linux-gnu-gcc`, ...).
    pub commands: BTreeSet<String>,
    /// How to start zig: `["zig"]` or `["python3", "-m", "ziglang"]`; `None` when absent.
    pub zig: Option<Vec<String>>,
    /// Cross gcc commands found on PATH whose target C library headers are not installed
    /// (`aarch64-linux-gnu-gcc` without `libc6-dev-arm64-cross`): such a compiler fails on
    /// `runtime/cgo`, so it is not chosen and the hint names the missing package.
    pub without_libc: BTreeSet<String>,
    /// Every toolchain counts as present: planning for a CI runner that installs what the
    /// plan chooses.
    pub assume_all: bool,
}

/// The commands [`Toolbox::probe`] looks for, besides the Debian cross gccs.
const HOST_COMPILERS: &[&str] = &["cc", "gcc", "clang", "musl-gcc"];

impl Toolbox {
    /// A toolbox for a runner that installs whatever the plan picks; zig comes from PyPI.
    pub fn ci() -> Toolbox {
        Toolbox {
            commands: BTreeSet::new(),
            zig: Some(zig_from_pypi()),
            without_libc: BTreeSet::new(),
            assume_all: true,
        }
    }

    /// Looks on PATH for the C compilers gocross knows, and for zig (a `zig` command, or the
    /// PyPI `ziglang` package of the `python3` on PATH, which costs one short `python3` run).
    pub fn probe() -> Toolbox {
        let found = |cmd: &str| which::which(cmd).is_ok();
        let gccs: Vec<CrossGcc> = crate::targets::PORTS
            .iter()
            .filter_map(|p| p.cross_gcc())
            .filter(|g| found(g.command))
            .collect();
        let commands = HOST_COMPILERS
            .iter()
            .copied()
            .filter(|c| found(c))
            .chain(gccs.iter().map(|g| g.command))
            .map(String::from)
            .collect();
        let without_libc = gccs
            .iter()
            .filter(|g| !Path::new(&g.libc_header()).is_file())
            .map(|g| g.command.to_string())
            .collect();
        let zig = if found("zig") {
            Some(vec!["zig".to_string()])
        } else if found("python3") && ziglang_installed() {
            Some(zig_from_pypi())
        } else {
            None
        };
        Toolbox {
            commands,
            zig,
            without_libc,
            assume_all: false,
        }
    }

    /// Whether a command is available.
    pub fn has(&self, command: &str) -> bool {
        self.assume_all || self.commands.contains(command)
    }

    /// Whether a cross gcc is available with its target's C library headers.
    pub fn has_gcc(&self, gcc: &CrossGcc) -> bool {
        self.has(gcc.command) && (self.assume_all || !self.without_libc.contains(gcc.command))
    }

    /// The install hint for a cross gcc that is missing or lacks its libc headers.
    fn gcc_hint(&self, gcc: &CrossGcc) -> String {
        if self.has(gcc.command) {
            format!(
                "{} is installed without the target's C library headers: `apt-get install {}`",
                gcc.command, gcc.libc_dev
            )
        } else {
            format!("`apt-get install {}`", gcc.packages().join(" "))
        }
    }
}

fn zig_from_pypi() -> Vec<String> {
    ["python3", "-m", "ziglang"].map(String::from).to_vec()
}

/// Whether PyPI's `ziglang` package is installed for the `python3` on PATH
/// (`python3 -c 'import ziglang'` succeeds).
fn ziglang_installed() -> bool {
    std::process::Command::new("python3")
        .args(["-c", "import ziglang"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The C toolchain a cgo job uses, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CToolchain {
    /// `zig cc -target <triple>`.
    Zig {
        /// The command that runs zig (`zig`, or `python3 -m ziglang`).
        zig: Vec<String>,
        /// zig's `-target`, e.g. `aarch64-linux-gnu.2.17`.
        triple: String,
    },
    /// The host's own C compiler (a native build).
    Host {
        /// The compiler.
        command: String,
    },
    /// A Debian gcc cross compiler, or mingw-w64 for Windows.
    Gnu(CrossGcc),
    /// `musl-gcc` (host architecture, static).
    Musl,
    /// A command from gocross.yaml's `cc:`, used verbatim.
    Command {
        /// The compiler, as configured.
        command: String,
    },
    /// Nothing fits here; `hint` says what to install or configure.
    Missing {
        /// What to install or configure.
        hint: String,
    },
}

impl CToolchain {
    /// The value of `CC`, `None` when missing.
    pub fn cc(&self) -> Option<String> {
        Some(match self {
            CToolchain::Zig { zig, triple } => format!("{} cc -target {triple}", zig.join(" ")),
            CToolchain::Host { command } => command.clone(),
            CToolchain::Gnu(gcc) => gcc.command.to_string(),
            CToolchain::Musl => "musl-gcc".to_string(),
            CToolchain::Command { command } => command.clone(),
            CToolchain::Missing { .. } => return None,
        })
    }

    /// The value of `CXX`, where the toolchain has a C++ driver.
    pub fn cxx(&self) -> Option<String> {
        match self {
            CToolchain::Zig { zig, triple } => {
                Some(format!("{} c++ -target {triple}", zig.join(" ")))
            }
            CToolchain::Host { command } if command == "clang" => Some("clang++".into()),
            CToolchain::Host { .. } => Some("c++".into()),
            CToolchain::Gnu(gcc) => Some(gcc.command.replace("-gcc", "-g++")),
            _ => None,
        }
    }

    /// Environment the toolchain needs besides `CC`/`CXX`, for a link that strips symbols
    /// (`-s` in `-ldflags`) or not. zig: Go passes `-s` to the external linker and then its
    /// default `CGO_LDFLAGS` (`-O2 -g`), and `zig cc` lets the later `-g` win, which leaves
    /// DWARF and symbols in the binary; `CGO_LDFLAGS=-O2` keeps the link stripped.
    pub fn extra_env(&self, strip: bool) -> Vec<(&'static str, &'static str)> {
        match self {
            CToolchain::Zig { .. } if strip => vec![("CGO_LDFLAGS", "-O2")],
            _ => Vec::new(),
        }
    }
}

/// What a cgo job asks of its toolchain.
#[derive(Debug, Clone, Copy)]
pub struct CgoNeeds<'a> {
    /// The target.
    pub target: &'a Target,
    /// A static binary.
    pub static_link: bool,
    /// The glibc floor, for a dynamic Linux binary.
    pub glibc: Option<GlibcVersion>,
    /// The glibc a gnu cross gcc links against where the build runs (`None`: unknown, so a
    /// glibc floor is left to zig).
    pub build_glibc: Option<GlibcVersion>,
    /// The platform the build runs on (`None`: unknown, nothing counts as native).
    pub host: Option<Platform>,
    /// `cc:` of gocross.yaml, when set.
    pub configured: Option<&'a CcSpec>,
}

/// Chooses the C toolchain for a cgo job. Never fails: when nothing fits, the result is
/// [`CToolchain::Missing`] with the package to install or the config line to add, so that the
/// plan can still be shown and only that target fails to build.
pub fn choose(needs: CgoNeeds<'_>, tools: &Toolbox) -> CToolchain {
    let target = needs.target;
    let port = target.port();
    let goos = target.goos();
    let native = needs.host == Some(target.platform);
    let soft_float = target.variant.is_some_and(|v| v.soft_float());
    let static_link = needs.static_link && goos.links_statically();
    let zig_triple = port.zig_triple(
        static_link,
        needs.glibc.map(|g| g.to_string()).as_deref(),
        soft_float,
    );
    if goos == Goos::Ios && needs.configured.is_none() {
        return match needs.host {
            Some(host) if host.goos == Goos::Darwin => CToolchain::Command {
                command: xcode_clang(target),
            },
            _ => CToolchain::Missing {
                hint: format!(
                    "cgo for {target} needs Xcode's clang, which only macOS has: build it on a macOS runner (the generated workflow does)"
                ),
            },
        };
    }
    if goos == Goos::Darwin && !native && needs.configured.is_none() {
        return CToolchain::Missing {
            hint: format!(
                "cgo for {target} needs Apple's toolchain: build it on a macOS runner (the generated workflow does), or set `cgo: false` for it"
            ),
        };
    }
    if goos == Goos::Android && needs.configured.is_none() {
        return CToolchain::Missing {
            hint: format!(
                "cgo for {target} needs the Android NDK's clang: set `cc:` for {target} in gocross.yaml's overrides to `<NDK>/toolchains/llvm/prebuilt/linux-x86_64/bin/{}21-clang`",
                ndk_triple(target)
            ),
        };
    }
    let missing_hint = || {
        let mut ways = Vec::new();
        if zig_triple.is_some() {
            ways.push("`pip install ziglang` (then gocross uses zig)".to_string());
        }
        if let Some(gcc) = port.cross_gcc().filter(|_| !static_link) {
            ways.push(tools.gcc_hint(&gcc));
        }
        if static_link && native {
            ways.push(format!("`apt-get install {}`", MUSL_PACKAGES.join(" ")));
        }
        let glibc_note = match needs.glibc {
            Some(g) if !static_link && needs.build_glibc.is_none_or(|b| g < b) => {
                format!(" (a glibc {g} floor needs zig)")
            }
            _ => String::new(),
        };
        let kind = if static_link { "static " } else { "" };
        let fix = if ways.is_empty() {
            format!("set `cc: <command>` for {target} in gocross.yaml's overrides, or `cgo: false`")
        } else {
            format!(
                "{}, or set `cc:` for {target} in gocross.yaml's overrides",
                ways.join(" or ")
            )
        };
        CToolchain::Missing {
            hint: format!("no C toolchain for a {kind}cgo build of {target}{glibc_note}: {fix}"),
        }
    };
    let zig = || match (&tools.zig, &zig_triple) {
        (Some(zig), Some(triple)) => Some(CToolchain::Zig {
            zig: zig.clone(),
            triple: triple.clone(),
        }),
        _ => None,
    };
    let gnu = || {
        port.cross_gcc()
            .filter(|g| tools.has_gcc(g))
            .map(CToolchain::Gnu)
    };
    let musl = || (native && static_link && tools.has("musl-gcc")).then_some(CToolchain::Musl);
    let host_cc = || {
        (native && !static_link)
            .then(|| ["cc", "gcc", "clang"].into_iter().find(|c| tools.has(c)))
            .flatten()
            .map(|c| CToolchain::Host {
                command: c.to_string(),
            })
    };
    let floor_ok_for_gnu = goos != Goos::Linux
        || needs
            .glibc
            .is_none_or(|g| needs.build_glibc.is_some_and(|b| g >= b));
    match needs.configured {
        Some(CcSpec::Command(command)) => CToolchain::Command { command: command.clone() },
        Some(CcSpec::Zig) => zig().unwrap_or_else(|| match &zig_triple {
            None => CToolchain::Missing { hint: format!("zig has no libc for {target}: pick another `cc:` for it") },
            Some(_) => CToolchain::Missing { hint: format!("`cc: zig` for {target}, but zig is not installed: `pip install ziglang`") },
        }),
        Some(CcSpec::Gnu | CcSpec::Mingw) => gnu().unwrap_or_else(|| match port.cross_gcc() {
            Some(g) => CToolchain::Missing { hint: format!("no usable {} for {target}: {}", g.command, tools.gcc_hint(&g)) },
            None => CToolchain::Missing { hint: format!("Debian has no gcc cross compiler for {target}: set `cc: zig` for it") },
        }),
        Some(CcSpec::Musl) => musl().unwrap_or_else(|| CToolchain::Missing {
            hint: if native {
                format!("musl-gcc not found for {target}: `apt-get install {}`, and keep `static: true`", MUSL_PACKAGES.join(" "))
            } else {
                format!("musl-gcc builds for the host architecture only; for {target} set `cc: zig`")
            },
        }),
        None => zig()
            .or_else(|| if floor_ok_for_gnu { host_cc() } else { None })
            .or_else(|| if !static_link && floor_ok_for_gnu { gnu() } else { None })
            .or_else(musl)
            .or_else(|| if goos == Goos::Windows { gnu() } else { None })
            .unwrap_or_else(missing_hint),
    }
}

/// `CC` for an ios cgo build on macOS: Xcode's clang for the device SDK (ios/arm64) or the
/// simulator's (ios/amd64), through `xcrun`, which points clang at the SDK (`SDKROOT`), as
/// Go's own `misc/ios/clangwrap.sh` does.
fn xcode_clang(target: &Target) -> String {
    let (sdk, arch) = match target.goarch() {
        crate::targets::Goarch::Arm64 => ("iphoneos", "arm64"),
        _ => ("iphonesimulator", "x86_64"),
    };
    format!("xcrun --sdk {sdk} clang -arch {arch}")
}

/// The NDK's clang prefix for an android target (`aarch64-linux-android`): the NDK names
/// its compilers `<triple><API level>-clang`
/// (<https://developer.android.com/ndk/guides/other_build_systems>).
fn ndk_triple(target: &Target) -> &'static str {
    match target.goarch() {
        crate::targets::Goarch::Arm64 => "aarch64-linux-android",
        crate::targets::Goarch::Arm => "armv7a-linux-androideabi",
        crate::targets::Goarch::I386 => "i686-linux-android",
        _ => "x86_64-linux-android",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::targets::{Goarch, Goos};

    fn tools(commands: &[&str], zig: bool) -> Toolbox {
        Toolbox {
            commands: commands.iter().map(|s| s.to_string()).collect(),
            zig: zig.then(|| vec!["zig".to_string()]),
            without_libc: BTreeSet::new(),
            assume_all: false,
        }
    }

    fn pick(target: &str, static_link: bool, glibc: Option<&str>, t: &Toolbox) -> CToolchain {
        let target: Target = target.parse().unwrap();
        choose(
            CgoNeeds {
                target: &target,
                static_link,
                glibc: glibc.map(|g| g.parse().unwrap()),
                build_glibc: Some(DEBIAN_GLIBC),
                host: Some(Platform::new(Goos::Linux, Goarch::Amd64)),
                configured: None,
            },
            t,
        )
    }

    #[test]
    fn a_gnu_cross_gcc_keeps_the_build_machines_glibc() {
        let t = tools(&["aarch64-linux-gnu-gcc"], false);
        let target: Target = "linux/arm64".parse().unwrap();
        let on = |build: GlibcVersion, floor: &str| {
            choose(
                CgoNeeds {
                    target: &target,
                    static_link: false,
                    glibc: Some(floor.parse().unwrap()),
                    build_glibc: Some(build),
                    host: Some(Platform::new(Goos::Linux, Goarch::Amd64)),
                    configured: None,
                },
                &t,
            )
        };
        // ubuntu-24.04's glibc 2.39 meets a 2.39 floor, not a 2.38 one.
        let runner = crate::targets::runners::UBUNTU_24_04.glibc.unwrap();
        assert!(matches!(on(runner, "2.39"), CToolchain::Gnu(_)));
        let CToolchain::Missing { hint } = on(runner, "2.38") else {
            panic!()
        };
        assert!(hint.contains("glibc 2.38 floor needs zig"), "{hint}");
        assert!(matches!(on(DEBIAN_GLIBC, "2.36"), CToolchain::Gnu(_)));
    }

    #[test]
    fn zig_first_with_glibc_floor() {
        let t = tools(&["aarch64-linux-gnu-gcc"], true);
        let cc = pick("linux/arm64", false, Some("2.17"), &t).cc().unwrap();
        assert_eq!(cc, "zig cc -target aarch64-linux-gnu.2.17");
        let cc = pick("linux/amd64", true, None, &t).cc().unwrap();
        assert_eq!(cc, "zig cc -target x86_64-linux-musl");
    }

    #[test]
    fn without_zig_uses_debian_gccs_and_musl() {
        let t = tools(
            &[
                "aarch64-linux-gnu-gcc",
                "musl-gcc",
                "x86_64-w64-mingw32-gcc",
                "cc",
            ],
            false,
        );
        assert_eq!(
            pick("linux/arm64", false, None, &t).cc().unwrap(),
            "aarch64-linux-gnu-gcc"
        );
        assert_eq!(pick("linux/amd64", true, None, &t), CToolchain::Musl);
        assert_eq!(pick("linux/amd64", false, None, &t).cc().unwrap(), "cc");
        assert_eq!(
            pick("windows/amd64", true, None, &t).cc().unwrap(),
            "x86_64-w64-mingw32-gcc"
        );
    }

    #[test]
    fn a_cross_gcc_without_libc_headers_is_not_chosen() {
        let mut t = tools(&["aarch64-linux-gnu-gcc"], false);
        t.without_libc.insert("aarch64-linux-gnu-gcc".into());
        let CToolchain::Missing { hint } = pick("linux/arm64", false, None, &t) else {
            panic!()
        };
        assert!(
            hint.contains(
                "without the target's C library headers: `apt-get install libc6-dev-arm64-cross`"
            ),
            "{hint}"
        );
    }

    #[test]
    fn missing_toolchains_say_what_to_install() {
        let t = tools(&["aarch64-linux-gnu-gcc"], false);
        let CToolchain::Missing { hint } = pick("linux/riscv64", false, None, &t) else {
            panic!()
        };
        assert!(
            hint.contains("apt-get install gcc-riscv64-linux-gnu libc6-dev-riscv64-cross"),
            "{hint}"
        );
        assert!(hint.contains("pip install ziglang"), "{hint}");
        let CToolchain::Missing { hint } = pick("linux/arm64", false, Some("2.17"), &t) else {
            panic!()
        };
        assert!(hint.contains("glibc 2.17 floor needs zig"), "{hint}");
        let CToolchain::Missing { hint } = pick("darwin/arm64", false, None, &t) else {
            panic!()
        };
        assert!(hint.contains("macOS runner"), "{hint}");
    }
}
