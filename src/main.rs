//! The `gocross` binary: parses arguments and hands them to [`cli::run`].

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
