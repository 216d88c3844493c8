//! Writing to stdout: JSON or text, where a closed pipe (`gocross plan | head`) ends the
//! program quietly instead of failing.

use anyhow::Result;
use gocross::actions_output;
use serde::Serialize;
use std::io::Write;

/// Writes text to stdout, flushing at the end; under GitHub Actions, with smuggled workflow
/// commands made inert ([`actions_output::guard`]).
pub fn print(text: &str) -> Result<()> {
    let text = &actions_output::guard(text);
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    if !text.ends_with('\n') && !text.is_empty() {
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// Writes a value as pretty JSON and a newline.
pub fn print_json<T: Serialize + ?Sized>(value: &T) -> Result<()> {
    print(&serde_json::to_string_pretty(value)?)
}

/// Whether an error is a write to a closed pipe, which is not a failure of gocross.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes one line of progress or diagnosis to stderr, guarded as [`print`] is.
pub fn eprint_line(line: &str) {
    eprintln!("{}", actions_output::guard(line));
}
