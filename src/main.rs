//! The `gocross` binary: parses arguments and hands them to [`cli::run`].

mod cli;

fn main() -> std::process::ExitCode {
    // Before anything else (and before any thread): nothing gocross starts sees a secret.
    gocross::secrets::withhold();
    cli::run()
}
