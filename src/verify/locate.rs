//! Finding what runs a target's binaries on this machine, for verification, `gocross test`
//! and `gocross doctor` alike: the QEMU user-mode binary and the sysroot of a dynamic binary,
//! wine (with 32-bit support for windows/386), a wasm runtime. When something is missing,
//! [`NotHere`] says what, and apart from it the command or setting that fixes it, so that a
//! report can give one fix line per package.

use super::wine;
use crate::plan::VerifyMethod;
use crate::targets::{Goarch, Goos, Platform, QEMU_PACKAGE, Target};
use crate::toolchain::WINE_PACKAGES;
use std::fmt;
use std::path::{Path, PathBuf};

/// Why a target's binaries cannot run here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotHere {
    /// What is missing or impossible (`qemu-riscv64-static is not installed`).
    pub reason: String,
    /// The command or config change that fixes it (`apt-get install qemu-user-static`);
    /// `None` when nothing on this machine can.
    pub fix: Option<String>,
}

impl NotHere {
    fn new(reason: impl Into<String>, fix: Option<String>) -> NotHere {
        NotHere {
            reason: reason.into(),
            fix,
        }
    }
}

/// `reason: fix`, as one message.
impl fmt::Display for NotHere {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.fix {
            Some(fix) => write!(f, "{}: {fix}", self.reason),
            None => f.write_str(&self.reason),
        }
    }
}

/// The program that runs `target`'s binaries by `method` here: `None` for native runs, QEMU
/// (after checking the sysroot of a dynamic binary), wine, or a wasm runtime. Nothing is
/// started: wine's prefix is prepared only when a binary runs.
pub fn locate(target: &Target, method: &VerifyMethod) -> Result<Option<PathBuf>, NotHere> {
    match method {
        VerifyMethod::Native => Ok(None),
        VerifyMethod::Qemu { qemu, sysroot } => {
            let names = qemu.binaries();
            let found = names
                .iter()
                .find_map(|n| which::which(n).ok())
                .ok_or_else(|| {
                    NotHere::new(
                        format!("{} is not installed", names[0]),
                        Some(format!("apt-get install {QEMU_PACKAGE}")),
                    )
                })?;
            if let Some(root) = sysroot
                && !Path::new(&root.path).is_dir()
            {
                let fix = match root.package {
                    Some(package) => format!("apt-get install {package}"),
                    None => "fix `verify.sysroot` in gocross.yaml".to_string(),
                };
                return Err(NotHere::new(
                    format!(
                        "{target} is dynamically linked and its sysroot {} is missing",
                        root.path
                    ),
                    Some(fix),
                ));
            }
            Ok(Some(found))
        }
        VerifyMethod::Wine => {
            let port = Platform::new(Goos::Windows, target.goarch()).port();
            if !port.is_some_and(|p| p.wine) {
                return Err(NotHere::new(
                    format!("wine does not run windows/{} binaries", target.goarch()),
                    Some("verify them on a windows-11-arm runner".into()),
                ));
            }
            let program = wine::find_program().ok_or_else(|| {
                NotHere::new(
                    "wine is not installed",
                    Some(format!("apt-get install {}", WINE_PACKAGES.join(" "))),
                )
            })?;
            if target.goarch() == Goarch::I386
                && !Path::new("/usr/lib/i386-linux-gnu/wine").is_dir()
            {
                return Err(NotHere::new(
                    "windows/386 binaries need 32-bit wine",
                    Some("dpkg --add-architecture i386 && apt-get update && apt-get install wine32:i386".into()),
                ));
            }
            Ok(Some(program))
        }
        VerifyMethod::Wasm => super::wasm_runtime(target)
            .map(|(program, _)| Some(program))
            .map_err(|reason| NotHere::new(reason, None)),
        VerifyMethod::None { reason } => Err(NotHere::new(reason.clone(), None)),
    }
}
