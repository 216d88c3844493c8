//! `gocross ci init|generate|check`: the generated GitHub Actions workflow.

use super::{Global, Outcome, output};
use anyhow::{Context, Result, bail};
use gocross::config::{self, Config, GoMod};
use gocross::generate::{self, GenerateError, Workflow, init::InitConfig};
use gocross::targets;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: CiCommand,
}

#[derive(Debug, clap::Subcommand)]
enum CiCommand {
    /// Write gocross.yaml (when absent) and the workflow for this module.
    Init(InitArgs),
    /// Write the workflow again from gocross.yaml.
    Generate {
        /// Replace the file even when gocross did not write it.
        #[arg(long)]
        force: bool,
    },
    /// Exit 1 with a diff when the committed workflow differs from what gocross.yaml says.
    Check,
}

#[derive(Debug, clap::Args)]
struct InitArgs {
    /// The Go module root. Default: the global -C directory.
    #[arg(long = "dir", value_name = "DIR")]
    module_dir: Option<PathBuf>,
    /// Targets for the new gocross.yaml, comma-separated (`linux/amd64,linux/arm/7`).
    /// Default: the eight targets most Go CLIs ship.
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    targets: Vec<String>,
    /// The main package to build (`.`, `./cmd/tool`); needed when the module has several and
    /// no terminal is attached to ask.
    #[arg(long, value_name = "PKG")]
    main: Option<String>,
    /// Never ask: fail instead where a question would be needed.
    #[arg(long)]
    yes: bool,
    /// Replace gocross.yaml and the workflow when they exist.
    #[arg(long)]
    force: bool,
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    match args.command {
        CiCommand::Init(init) => run_init(global, init),
        CiCommand::Generate { force } => {
            let config = global.load_config()?;
            let workflow = Workflow::render(&global.dir, &global.config_path(), &config)?;
            workflow.write(force)?;
            output::print(&format!(
                "wrote {} ({} build legs)",
                workflow.shown(),
                workflow.legs
            ))?;
            Ok(Outcome::Success)
        }
        CiCommand::Check => {
            let config = global.load_config()?;
            let workflow = Workflow::render(&global.dir, &global.config_path(), &config)?;
            match workflow.check() {
                Ok(()) => {
                    output::print(&format!(
                        "{} matches {}",
                        workflow.shown(),
                        config::FILE_NAME
                    ))?;
                    Ok(Outcome::Success)
                }
                Err(drift @ GenerateError::Drift { .. }) => {
                    output::print(&drift.to_string())?;
                    Ok(Outcome::Failed)
                }
                Err(other) => Err(other.into()),
            }
        }
    }
}

fn run_init(global: &Global, args: InitArgs) -> Result<Outcome> {
    let dir = args
        .module_dir
        .clone()
        .unwrap_or_else(|| global.dir.clone());
    let gomod = GoMod::read(&dir).with_context(|| {
        format!(
            "no Go module in {}: run `gocross ci init` in a module root (or create one with `go mod init`)",
            dir.display()
        )
    })?;
    let config_path = match &global.config {
        Some(p) => p.clone(),
        None => config::path_in(&dir),
    };
    let write_config = args.force || !config_path.exists();
    let (config, config_text) = if write_config {
        let main = choose_main(&dir, args.main.as_deref(), args.yes)?;
        let targets = if args.targets.is_empty() {
            config::DEFAULT_TARGETS
                .iter()
                .map(|t| t.to_string())
                .collect()
        } else {
            args.targets.clone()
        };
        for t in &targets {
            targets::expand(t).map_err(|e| anyhow::anyhow!("--targets: {e}"))?;
        }
        let branch = generate::init::default_branch(&generate::repository_root(&dir));
        let text = InitConfig::new(&gomod, &main, targets, branch).render()?;
        let config = Config::parse(&text, &config_path, Some(&gomod))?;
        (config, Some(text))
    } else {
        if !args.targets.is_empty() || args.main.is_some() {
            bail!(GenerateError::Exists {
                path: config_path,
                hint: " (--targets and --main only shape a new gocross.yaml; or edit it)",
            });
        }
        (Config::load_from(&config_path, &dir)?, None)
    };
    let workflow = Workflow::render(&dir, &config_path, &config)?;
    if workflow.path.exists() && !args.force {
        bail!(GenerateError::Exists {
            path: workflow.path,
            hint: ", or run `gocross ci generate` to write it from gocross.yaml",
        });
    }
    if let Some(text) = &config_text {
        generate::write(&config_path, text)?;
        output::print(&format!("wrote {}", config_path.display()))?;
    } else {
        output::print(&format!("kept {}", config_path.display()))?;
    }
    workflow.write(args.force)?;
    output::print(&format!(
        "wrote {} ({} build legs)\ncommit both files; the workflow's check job (`gocross doctor --ci`) fails while they disagree",
        workflow.shown(),
        workflow.legs
    ))?;
    Ok(Outcome::Success)
}

/// The main package: `--main` (checked against the module's main packages), the only one,
/// or the user's pick when several exist and a terminal is attached.
fn choose_main(dir: &Path, wanted: Option<&str>, yes: bool) -> Result<String> {
    let found = generate::init::main_packages(dir)?;
    let list = || found.join(", ");
    if let Some(w) = wanted {
        let w = w.trim_end_matches('/');
        let normalized = if w == "." || w.starts_with("./") {
            w.to_string()
        } else {
            format!("./{w}")
        };
        if !found.contains(&normalized) {
            bail!(
                "--main {w}: not a main package of this module (main packages: {})",
                if found.is_empty() {
                    "none".into()
                } else {
                    list()
                }
            );
        }
        return Ok(normalized);
    }
    match found.len() {
        0 => bail!(
            "no main package in {}: gocross builds commands; add one (`package main` with `func main`) or pass --main",
            dir.display()
        ),
        1 => Ok(found[0].clone()),
        _ if !yes && std::io::stdin().is_terminal() && std::io::stderr().is_terminal() => {
            let pick = dialoguer::Select::new()
                .with_prompt("Which main package does gocross build?")
                .items(&found)
                .default(0)
                .interact()?;
            Ok(found[pick].clone())
        }
        _ => bail!(
            "this module has {} main packages ({}): pass --main with the one to build",
            found.len(),
            list()
        ),
    }
}
