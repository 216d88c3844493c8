//! Running one program with a deadline, capturing its output without blocking on helpers
//! (wineserver) that keep the pipes open after the program itself has exited.

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Most bytes of each stream kept in memory; the rest is dropped from the front.
const CAPTURE_LIMIT: usize = 1024 * 1024;

/// How long to keep reading output after the program exited (a daemon it started may hold the
/// pipe open).
const DRAIN_GRACE: Duration = Duration::from_millis(500);

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    /// Killed by a signal (Unix).
    Signal(i32),
    /// Still running at the deadline; killed.
    TimedOut,
}

/// A finished run.
#[derive(Debug)]
pub struct Run {
    pub exit: Exit,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub duration: Duration,
}

/// Runs `cmd` with stdin closed, killing it at `timeout` or when gocross dies
/// ([`crate::interrupt::die_with_gocross`]). Errors only when it cannot start.
pub fn run(mut cmd: Command, timeout: Duration) -> std::io::Result<Run> {
    crate::interrupt::die_with_gocross(&mut cmd);
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn()?;
    let stdout = capture(child.stdout.take());
    let stderr = capture(child.stderr.take());
    // Timeouts are bounded where they are read; a deadline past what the clock holds is
    // never reached anyway.
    let deadline = start.checked_add(timeout);
    let exit = loop {
        if let Some(status) = child.try_wait()? {
            break exit_of(status);
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            let _ = child.kill();
            let _ = child.wait();
            break Exit::TimedOut;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let duration = start.elapsed();
    let stdout = stdout.finish();
    let stderr = stderr.finish();
    Ok(Run {
        exit,
        stdout,
        stderr,
        duration,
    })
}

fn exit_of(status: std::process::ExitStatus) -> Exit {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return Exit::Signal(sig);
        }
    }
    Exit::Code(status.code().unwrap_or(-1))
}

/// A stream being read on its own thread into a bounded buffer.
struct Capture {
    buffer: Arc<Mutex<Vec<u8>>>,
    done: Option<std::thread::JoinHandle<()>>,
}

fn capture<R: Read + Send + 'static>(stream: Option<R>) -> Capture {
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let done = stream.map(|mut stream| {
        let buffer = Arc::clone(&buffer);
        std::thread::spawn(move || {
            let mut chunk = [0u8; 8192];
            while let Ok(n) = stream.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                let mut b = buffer.lock().unwrap_or_else(|e| e.into_inner());
                b.extend_from_slice(&chunk[..n]);
                if b.len() > CAPTURE_LIMIT {
                    let excess = b.len() - CAPTURE_LIMIT;
                    b.drain(..excess);
                }
            }
        })
    });
    Capture { buffer, done }
}

impl Capture {
    /// What was read, waiting at most [`DRAIN_GRACE`] for the stream to close.
    fn finish(self) -> Vec<u8> {
        if let Some(handle) = self.done {
            let until = Instant::now() + DRAIN_GRACE;
            while !handle.is_finished() && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(5));
            }
        }
        std::mem::take(&mut *self.buffer.lock().unwrap_or_else(|e| e.into_inner()))
    }
}
