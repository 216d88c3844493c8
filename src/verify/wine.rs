//! wine for windows/amd64 and windows/386 binaries, in a prefix of gocross's own.
//!
//! wine releases before 9.0 (Debian 12 ships 8.0) have no `bcryptprimitives.dll`, which Go
//! 1.22 and later load at start (`ProcessPrng`); such binaries die with "bcryptprimitives.dll
//! not found". gocross then builds a small replacement (`bcryptprimitives.c`, ProcessPrng over
//! RtlGenRandom) with mingw-w64 into its prefix, so the binary runs unchanged.

use crate::targets::{Goarch, Goos, Platform};
use crate::toolchain::WINE_PACKAGES;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

const SHIM_SOURCE: &str = include_str!("bcryptprimitives.c");

/// Seconds allowed for creating a new prefix (`wineboot --init`).
const INIT_TIMEOUT: Duration = Duration::from_secs(180);

/// Serialises prefix set-up between the verifications of one process.
static SETUP: Mutex<()> = Mutex::new(());

/// The wine program: `wine` or `wine64` on PATH, else Debian's `/usr/lib/wine/wine64` (where
/// the wine64 package alone puts it). `gocross doctor` finds wine the same way.
pub fn find_program() -> Option<PathBuf> {
    ["wine", "wine64"]
        .iter()
        .find_map(|p| which::which(p).ok())
        .or_else(|| Some(PathBuf::from("/usr/lib/wine/wine64")).filter(|p| p.is_file()))
}

/// A wine installation and the prefix gocross runs it in.
pub struct Wine {
    /// `wine`, `wine64`, or Debian's `/usr/lib/wine/wine64`.
    pub program: PathBuf,
    prefix: PathBuf,
    goarch: Goarch,
}

impl Wine {
    /// Finds wine for a Windows GOARCH. Errors say what to install.
    pub fn find(goarch: Goarch) -> Result<Wine, String> {
        let port = Platform::new(Goos::Windows, goarch).port();
        if !port.is_some_and(|p| p.wine) {
            return Err(format!(
                "wine does not run windows/{goarch} binaries; verify them on a windows-11-arm runner"
            ));
        }
        let program = find_program().ok_or_else(|| {
            format!(
                "wine is not installed: `apt-get install {}` to run Windows binaries here",
                WINE_PACKAGES.join(" ")
            )
        })?;
        if goarch == Goarch::I386 && !Path::new("/usr/lib/i386-linux-gnu/wine").is_dir() {
            return Err("windows/386 binaries need 32-bit wine: `dpkg --add-architecture i386 && apt-get update && apt-get install wine32:i386`".into());
        }
        Ok(Wine {
            program,
            prefix: prefix_dir(),
            goarch,
        })
    }

    /// Sets what wine needs on a command that runs it: gocross's prefix, no debug output,
    /// and no Mono or Gecko installer prompts.
    pub fn configure(&self, cmd: &mut Command) {
        cmd.env("WINEPREFIX", &self.prefix)
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=");
    }

    fn base(&self) -> Command {
        let mut cmd = Command::new(&self.program);
        self.configure(&mut cmd);
        cmd
    }

    /// Creates the prefix when missing and adds `bcryptprimitives.dll` for wine before 9.0.
    /// Cheap once done: two directory checks.
    pub fn prepare(&self) -> Result<(), String> {
        let _guard = SETUP.lock().unwrap_or_else(|e| e.into_inner());
        let system_dir = match self.goarch {
            Goarch::I386 => "syswow64",
            _ => "system32",
        };
        let windows = self.prefix.join("drive_c/windows");
        if !windows.join(system_dir).is_dir() {
            std::fs::create_dir_all(&self.prefix)
                .map_err(|e| format!("cannot create {}: {e}", self.prefix.display()))?;
            let mut init = self.base();
            init.args(["wineboot", "--init"])
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            let run = super::process::run(init, INIT_TIMEOUT)
                .map_err(|e| format!("cannot start wine: {e}"))?;
            if !windows.join(system_dir).is_dir() {
                return Err(format!(
                    "wine could not create its prefix in {} ({:?})",
                    self.prefix.display(),
                    run.exit
                ));
            }
        }
        let dll = windows.join(system_dir).join("bcryptprimitives.dll");
        if dll.is_file() || self.major_version() >= Some(9) {
            return Ok(());
        }
        let Some(gcc) = Platform::new(Goos::Windows, self.goarch)
            .port()
            .and_then(|p| p.cross_gcc())
        else {
            return Err(format!("no mingw-w64 gcc builds windows/{}", self.goarch));
        };
        if which::which(gcc.command).is_err() {
            return Err(format!(
                "Go binaries need bcryptprimitives.dll, which this wine (before 9.0) lacks; gocross builds one with mingw-w64: `apt-get install {}`, or install wine 9 or later",
                gcc.package
            ));
        }
        build_shim(gcc.command, &dll)
    }

    /// The major version of `wine --version` (`wine-8.0 (Debian 8.0~repack-4)` → 8).
    fn major_version(&self) -> Option<u32> {
        let out = Command::new(&self.program).arg("--version").output().ok()?;
        let text = String::from_utf8_lossy(&out.stdout);
        text.trim()
            .strip_prefix("wine-")?
            .split(['.', ' '])
            .next()?
            .parse()
            .ok()
    }
}

/// Compiles the replacement DLL into a temporary file beside `dll`, then renames it in place.
fn build_shim(gcc: &str, dll: &Path) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let source = dir.path().join("bcryptprimitives.c");
    let def = dir.path().join("bcryptprimitives.def");
    std::fs::write(&source, SHIM_SOURCE).map_err(|e| e.to_string())?;
    std::fs::write(&def, "LIBRARY bcryptprimitives\nEXPORTS\nProcessPrng\n")
        .map_err(|e| e.to_string())?;
    let tmp = dll.with_extension("dll.tmp");
    let out = Command::new(gcc)
        .args(["-O2", "-shared", "-o"])
        .arg(&tmp)
        .arg(&source)
        .arg(&def)
        .arg("-ladvapi32")
        .output()
        .map_err(|e| format!("cannot run {gcc}: {e}"))?;
    if !out.status.success() {
        let _ = std::fs::remove_file(&tmp);
        return Err(format!(
            "{gcc} could not build bcryptprimitives.dll: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    std::fs::rename(&tmp, dll).map_err(|e| format!("cannot install {}: {e}", dll.display()))
}

/// `$GOCROSS_WINEPREFIX`, else `$XDG_CACHE_HOME/gocross/wine`, else `~/.cache/gocross/wine`.
fn prefix_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("GOCROSS_WINEPREFIX") {
        return PathBuf::from(p);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    cache.join("gocross").join("wine")
}
