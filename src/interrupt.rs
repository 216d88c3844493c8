//! Stopping a build (or a `gocross test` run) on SIGINT or SIGTERM: every running `go build`
//! or `go test` (with the compilers, linkers, emulators and test binaries it started) is
//! stopped, and no new one starts.
//!
//! Each `go build` runs in its own process group, so a terminal's Ctrl-C reaches only
//! gocross, which forwards SIGINT to every group it started; a group still alive
//! [`KILL_AFTER`] later gets SIGKILL. The builder then removes its temporary files and writes
//! the manifest of the targets that finished.
//!
//! SIGKILL cannot be caught, so every long-running child (`go build`, `go test`, UPX, and the
//! binaries, QEMU and wine that verification runs) is started with [`die_with_gocross`]: on
//! Linux the kernel sends it SIGKILL when gocross dies, however it dies.
//!
//! A program under test can escape both its process group and its parent: a daemon started
//! with `setsid` (a new session and group) whose parent then exits is handed to PID 1 and
//! outlives everything. [`adopt_orphans`] makes gocross Linux's *child subreaper*
//! (`PR_SET_CHILD_SUBREAPER`, prctl(2)): every process orphaned below gocross, whatever its
//! session or group, is re-parented to gocross instead of PID 1, so gocross can find it
//! (its parent id is gocross's) and stop it when the command ends. It needs no privilege,
//! no cgroup delegation (a runner's user owns no cgroup) and no user namespace (which Ubuntu
//! 24.04, the image of GitHub's `ubuntu-24.04` runners, restricts through AppArmor:
//! <https://discourse.ubuntu.com/t/ubuntu-24-04-lts-noble-numbat-release-notes/39890>), and
//! works in containers as on runners: the portable choice on Linux.
//! It cannot catch a process whose parent is still alive when gocross exits; gocross's own
//! children are waited for first, so only orphans are left by then.

use std::collections::BTreeSet;
use std::process::{Child, Command};
use std::sync::{Mutex, Once};
use std::time::Duration;

/// How long a stopped `go build` or `go test` may take to exit after SIGINT before it is killed.
pub const KILL_AFTER: Duration = Duration::from_secs(5);

struct State {
    interrupted: bool,
    /// Process ids of the running `go build`s and `go test`s, each the leader of its process group.
    running: BTreeSet<u32>,
}

static STATE: Mutex<State> = Mutex::new(State {
    interrupted: false,
    running: BTreeSet::new(),
});

fn state() -> std::sync::MutexGuard<'static, State> {
    STATE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Installs the SIGINT/SIGTERM handler (once per process). When another handler is already
/// installed, interrupts are not caught and the process ends the default way.
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // An error means the process already has a handler of its own; keep it.
        let _ = ctrlc::set_handler(stop_all);
    });
}

/// Whether the run (a build, a test run) was interrupted.
pub fn interrupted() -> bool {
    state().interrupted
}

fn stop_all() {
    let pids: Vec<u32> = {
        let mut s = state();
        s.interrupted = true;
        s.running.iter().copied().collect()
    };
    for pid in &pids {
        signal_group(*pid, Signal::Interrupt);
    }
    std::thread::spawn(|| {
        std::thread::sleep(KILL_AFTER);
        let pids: Vec<u32> = state().running.iter().copied().collect();
        for pid in pids {
            signal_group(pid, Signal::Kill);
        }
    });
}

/// A started command's place among the ones an interrupt stops; leaves it when dropped
/// (after the command was waited for).
pub struct Registration(u32);

impl Drop for Registration {
    fn drop(&mut self) {
        state().running.remove(&self.0);
    }
}

/// Starts `cmd` in a new process group and registers it, unless the run was interrupted
/// (then `Ok(None)`). Registration and the check happen under one lock, so a command is
/// either stopped by the handler or never started.
pub fn spawn(cmd: &mut Command) -> std::io::Result<Option<(Child, Registration)>> {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    die_with_gocross(cmd);
    let mut s = state();
    if s.interrupted {
        return Ok(None);
    }
    let child = cmd.spawn()?;
    let id = child.id();
    s.running.insert(id);
    Ok(Some((child, Registration(id))))
}

/// Makes the command's process get SIGKILL when gocross ends (Linux's `PR_SET_PDEATHSIG`), so
/// that a gocross killed with SIGKILL leaves no `go build`, emulator or binary under test
/// running; a no-op elsewhere. The signal reaches only the process itself: what it started
/// in turn (Go's compilers and linker, `wineserver`) finishes its step and exits on its own.
///
/// The kernel sends it when the *thread* that started the command ends, so the caller starts
/// it from a thread that waits for it (as every caller in gocross does). A gocross that
/// already died before the child set this up makes the child exit at once.
pub fn die_with_gocross(cmd: &mut Command) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        let parent = std::process::id();
        // SAFETY: the closure runs in the child between fork and exec and calls only
        // async-signal-safe functions (prctl, getppid, _exit), touching no shared memory.
        unsafe {
            cmd.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                if u32::try_from(libc::getppid()).ok() != Some(parent) {
                    libc::_exit(137);
                }
                Ok(())
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = cmd;
}

/// How long orphans get after SIGTERM before SIGKILL (wineserver saves its registry on
/// SIGTERM).
const ORPHAN_GRACE: Duration = Duration::from_millis(500);

/// While alive, gocross adopts the processes orphaned below it (see the module docs); when
/// dropped, it stops every one of them: SIGTERM, then SIGKILL after `ORPHAN_GRACE`, each
/// reaped, until none is left.
#[must_use = "the orphans are stopped when this is dropped"]
pub struct Orphans(());

/// Makes gocross the subreaper of its descendants (Linux; elsewhere nothing happens), for a
/// command that runs programs it does not trust: `gocross build` (verification), `verify`
/// and `test`. Hold the value until every command started was waited for.
pub fn adopt_orphans() -> Orphans {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl(2) with integer arguments only.
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    }
    Orphans(())
}

impl Drop for Orphans {
    fn drop(&mut self) {
        #[cfg(target_os = "linux")]
        stop_orphans();
    }
}

/// Stops and reaps every child of gocross that no command of gocross is waiting for (at the
/// end of a command, every child is an adopted orphan), then the orphans those leave behind
/// in turn, for at most four grace periods.
#[cfg(target_os = "linux")]
fn stop_orphans() {
    let until = std::time::Instant::now() + 4 * ORPHAN_GRACE;
    let mut terminated = BTreeSet::new();
    loop {
        let running = state().running.clone();
        let children: Vec<i32> = children_of(std::process::id())
            .into_iter()
            .filter(|pid| u32::try_from(*pid).is_ok_and(|p| !running.contains(&p)))
            .collect();
        if children.is_empty() || std::time::Instant::now() >= until {
            break;
        }
        for pid in &children {
            let signal = if terminated.insert(*pid) {
                libc::SIGTERM
            } else {
                libc::SIGKILL
            };
            // SAFETY: kill(2) on a child of this process (it cannot be reused before it is
            // reaped below); no memory is touched.
            unsafe {
                libc::kill(*pid, signal);
            }
        }
        let wait_until = std::time::Instant::now() + ORPHAN_GRACE;
        let mut left = children;
        while !left.is_empty() && std::time::Instant::now() < wait_until {
            // SAFETY: waitpid(2) on one of this process's children, with a valid pointer.
            left.retain(|pid| unsafe {
                let mut status = 0;
                libc::waitpid(*pid, &mut status, libc::WNOHANG) == 0
            });
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// The process ids whose parent is `parent`, from `/proc/PID/stat` (the field after the
/// command name, which may hold spaces and parentheses, so it is read after the last `)`).
#[cfg(target_os = "linux")]
fn children_of(parent: u32) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| {
            let e = e.ok()?;
            let pid: i32 = e.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(e.path().join("stat")).ok()?;
            let after = &stat[stat.rfind(')')? + 1..];
            let ppid: u32 = after.split_whitespace().nth(1)?.parse().ok()?;
            (ppid == parent).then_some(pid)
        })
        .collect()
}

/// Kills the process group led by `pid` (a command started by [`spawn`]) with SIGKILL: the
/// command and everything it started that stayed in its group.
pub fn kill_group(pid: u32) {
    signal_group(pid, Signal::Kill);
}

enum Signal {
    Interrupt,
    Kill,
}

#[cfg(unix)]
fn signal_group(pid: u32, signal: Signal) {
    let sig = match signal {
        Signal::Interrupt => libc::SIGINT,
        Signal::Kill => libc::SIGKILL,
    };
    if let Ok(pgid) = i32::try_from(pid) {
        // SAFETY: kill(2) with a negative pid signals that process group; no memory is touched.
        unsafe {
            libc::kill(-pgid, sig);
        }
    }
}

/// On Windows a console Ctrl-C reaches every process attached to the console, the children
/// included; only the kill after [`KILL_AFTER`] needs doing, which `taskkill /T` does.
#[cfg(not(unix))]
fn signal_group(pid: u32, signal: Signal) {
    if let Signal::Kill = signal {
        let _ = Command::new("taskkill")
            .args(["/F", "/T", "/PID", &pid.to_string()])
            .status();
    }
}
