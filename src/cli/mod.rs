//! Command-line interface: clap types, conversion to library values, and printing as text or
//! JSON. Decisions live in the library; this module only wires them to the terminal.

mod audit;
mod build;
mod ci;
mod doctor;
mod github;
mod image;
mod output;
mod plan;
mod release;
mod report;
mod schema;
mod targets;
mod test;
mod verify;

use anyhow::Result;
use clap::{Parser, Subcommand};
use gocross::config::{self, Config};
use std::path::PathBuf;
use std::process::ExitCode;

/// `--version`: the release, and the repository and commit this binary was built from.
static LONG_VERSION: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(gocross::origin::long_version);

/// Cross-compile Go programs in CI, correct by construction.
#[derive(Debug, Parser)]
#[command(
    name = "gocross",
    version,
    long_version = LONG_VERSION.as_str(),
    about,
    propagate_version = true
)]
pub struct Cli {
    /// Run as if started in DIR (the Go module root).
    #[arg(
        short = 'C',
        long = "directory",
        global = true,
        value_name = "DIR",
        default_value = "."
    )]
    dir: PathBuf,
    /// The config file. Default: gocross.yaml in the module root.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List Go's ports and what gocross knows about each.
    Targets(targets::Args),
    /// Show the build plan: one job per configured target.
    Plan(plan::Args),
    /// Print the JSON Schema of gocross.yaml (for editor completion).
    Schema,
    /// Build every configured target into dist/, with manifest.json and checksums.txt.
    #[command(disable_version_flag = true)]
    Build(build::Args),
    /// Check that this machine can build (and run) the configured targets.
    Doctor(doctor::Args),
    /// Run one binary on its target: natively, under QEMU user mode or wine.
    Verify(verify::Args),
    /// Run the module's Go tests on every target, in parallel: natively, under QEMU or wine.
    Test(test::Args),
    /// Write, regenerate or check the GitHub Actions workflow.
    Ci(ci::Args),
    /// Publish dist/ as the GitHub release of a tag: draft, upload, check, publish; safe to
    /// run again.
    Release(release::Args),
    /// Report the build on the pull request: a check run with annotations (the step summary
    /// where the token may not), optionally a sticky comment.
    Report(report::Args),
    /// Read binaries like file, readelf and go version -m, and check them against the policy.
    Audit(audit::Args),
    /// Build the multi-arch container image of the verified Linux binaries, push it, or write
    /// a Dockerfile for buildx.
    Image(image::Args),
}

/// What a command asks `main` to exit with, when it ran to the end.
pub enum Outcome {
    /// Everything passed.
    Success,
    /// The command ran, but what it checked failed (exit code 1).
    Failed,
    /// Stopped by SIGINT or SIGTERM after cleaning up (exit code 130).
    Interrupted,
}

/// Parses the arguments, runs the command, and turns errors into a message and exit code 1
/// (clap's usage errors exit 2).
pub fn run() -> ExitCode {
    // `go test -exec` calls gocross for every test binary: no argument parsing, no config.
    let mut argv = std::env::args_os().skip(1);
    if argv
        .next()
        .is_some_and(|a| a == gocross::gotest::EXEC_SUBCOMMAND)
    {
        let rest: Vec<std::ffi::OsString> = argv.collect();
        let code = gocross::gotest::exec_wrapper(&rest);
        return ExitCode::from(u8::try_from(code).unwrap_or(1));
    }
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Failed) => ExitCode::from(1),
        Ok(Outcome::Interrupted) => ExitCode::from(130),
        Err(err) => {
            if output::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            output::eprint_line(&format!("error: {err:#}"));
            ExitCode::from(1)
        }
    }
}

fn dispatch(cli: Cli) -> Result<Outcome> {
    let ctx = Global {
        dir: cli.dir,
        config: cli.config,
    };
    // Commands that run binaries or tests stop whatever those left running when they end.
    let _orphans = matches!(
        cli.command,
        Command::Build(_) | Command::Verify(_) | Command::Test(_)
    )
    .then(gocross::build::adopt_orphans);
    match cli.command {
        Command::Targets(args) => targets::run(args),
        Command::Plan(args) => plan::run(&ctx, args),
        Command::Schema => schema::run(),
        Command::Build(args) => build::run(&ctx, args),
        Command::Doctor(args) => doctor::run(&ctx, args),
        Command::Verify(args) => verify::run(&ctx, args),
        Command::Test(args) => test::run(&ctx, args),
        Command::Ci(args) => ci::run(&ctx, args),
        Command::Release(args) => release::run(&ctx, args),
        Command::Report(args) => report::run(&ctx, args),
        Command::Audit(args) => audit::run(&ctx, args),
        Command::Image(args) => image::run(&ctx, args),
    }
}

/// Parses `--target`: `GOOS/GOARCH[/VARIANT]`, or `host` for this machine's own GOOS/GOARCH.
pub fn target_arg(s: &str) -> Result<gocross::targets::Target, String> {
    if s == "host" {
        return gocross::targets::Platform::host()
            .filter(|p| p.port().is_some())
            .map(|platform| gocross::targets::Target {
                platform,
                variant: None,
            })
            .ok_or_else(|| "this machine is not a platform Go builds for".to_string());
    }
    s.parse()
        .map_err(|e: gocross::targets::TargetError| e.to_string())
}

/// Global options every command may use.
pub struct Global {
    pub dir: PathBuf,
    pub config: Option<PathBuf>,
}

impl Global {
    /// The config file: `--config`, else gocross.yaml in the module root.
    pub fn config_path(&self) -> PathBuf {
        config::file_path(self.config.as_deref(), &self.dir)
    }

    /// The config, which the command needs.
    pub fn load_config(&self) -> Result<Config> {
        Ok(config::load(self.config.as_deref(), &self.dir)?)
    }

    /// The module opened for planning in `mode` ([`gocross::project::open`]).
    pub fn open(
        &self,
        mode: gocross::project::Mode,
        missing: gocross::project::Missing,
    ) -> Result<gocross::project::Project> {
        Ok(gocross::project::open(
            &self.dir,
            self.config.as_deref(),
            mode,
            missing,
        )?)
    }

    /// The config when there is one, for the commands that start from artifacts (`verify`,
    /// `audit`, `release`, `report`); a broken one is an error.
    pub fn optional_config(&self) -> Result<Option<Config>> {
        Ok(config::load_optional(self.config.as_deref(), &self.dir)?)
    }
}

/// `--dist DIR`, the build's output directory, as every command that writes or reads it takes
/// it. `build` and `test` also take it as `--out`, its former name there
/// ([`OUT_ALIAS`]).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct DistArg {
    /// The build's output directory, relative to the module root (-C). Default: dist.
    #[arg(long = "dist", value_name = "DIR")]
    pub dist: Option<PathBuf>,
}

/// The hidden alias `--out` of [`DistArg`], for `#[command(mut_arg("dist", OUT_ALIAS))]`.
pub const OUT_ALIAS: fn(clap::Arg) -> clap::Arg = |arg| arg.alias("out");

impl DistArg {
    /// The directory ([`gocross::dist::dist_dir`]).
    pub fn dir(&self, global: &Global) -> PathBuf {
        gocross::dist::dist_dir(&global.dir, self.dist.as_deref())
    }
}

/// A `--timeout` in seconds: 1 to six hours ([`config::timeout_seconds`]).
fn timeout_arg(s: &str) -> Result<u64, String> {
    let seconds: u64 = s
        .parse()
        .map_err(|_| format!("`{s}` is not a number of seconds"))?;
    config::timeout_seconds(seconds)?;
    Ok(seconds)
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::{CommandFactory, Parser};
    use std::path::Path;

    /// clap's own consistency checks over every subcommand (no flag defined twice).
    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    /// `--dist` names the build's output in every command; `--out` still works in `build`
    /// and `test`, and still names the layout in `image build`.
    #[test]
    fn dist_is_one_flag_and_out_an_alias() {
        for line in [
            "gocross build --dist d",
            "gocross build --out d",
            "gocross test --out d",
            "gocross release --dist d",
            "gocross report --dist d",
            "gocross image build --dist d --out l",
            "gocross image push --dist d --layout l",
            "gocross image dockerfile --dist d",
        ] {
            let cli =
                Cli::try_parse_from(line.split(' ')).unwrap_or_else(|e| panic!("{line}: {e}"));
            let debug = format!("{cli:?}");
            assert!(debug.contains(r#"dist: Some("d")"#), "{line}: {debug}");
            if line.ends_with(" l") {
                assert!(debug.contains(r#"layout: Some("l")"#), "{line}: {debug}");
            }
        }
        let help = Cli::command()
            .find_subcommand_mut("build")
            .unwrap()
            .render_long_help()
            .to_string();
        assert!(help.contains("--dist") && !help.contains("--out"), "{help}");
        assert_eq!(
            gocross::dist::dist_dir(Path::new("/m"), None),
            Path::new("/m/dist")
        );
    }
}
