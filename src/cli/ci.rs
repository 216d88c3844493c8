//! `gocross ci init|generate|check`: the generated GitHub Actions workflow.

use super::{Global, Outcome, output};
use anyhow::Result;
use gocross::config;
use gocross::generate::init::{self, InitRequest};
use gocross::generate::{self, GenerateError, Workflow};
use std::io::IsTerminal;
use std::path::PathBuf;

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
    /// The main package to build (`.`, `./cmd/tool`). Default: the module's only one; when it
    /// has several, all of them as `binaries` (on a terminal, ticked in a list).
    #[arg(long, value_name = "PKG")]
    main: Option<String>,
    /// Never ask: take the defaults where a question would be asked.
    #[arg(long)]
    yes: bool,
    /// Replace gocross.yaml and the workflow when they exist.
    #[arg(long)]
    force: bool,
    /// `ci.action` for the new gocross.yaml: the gocross action the workflow runs, pinned
    /// to a commit (`OWNER/REPO@<40-hex commit>`). Default: this gocross's own commit.
    #[arg(long, value_name = "OWNER/REPO@SHA")]
    action: Option<String>,
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    match args.command {
        CiCommand::Init(init) => run_init(global, init),
        CiCommand::Generate { force } => {
            let config = global.load_config()?;
            let workflow = Workflow::render(&global.dir, &global.config_path(), &config)?;
            init::refuse_links(&workflow)?;
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
    let module_dir = args.module_dir.unwrap_or_else(|| global.dir.clone());
    let request = InitRequest {
        config_path: match &global.config {
            Some(p) => p.clone(),
            None => config::path_in(&module_dir),
        },
        module_dir,
        targets: args.targets,
        main: args.main,
        force: args.force,
        action: args.action,
    };
    // Several main packages and no --main: every one as `binaries`; a terminal may untick some.
    let ask = !args.yes && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let init = init::init(&request, |mains| {
        ask.then(|| {
            dialoguer::MultiSelect::new()
                .with_prompt("Which main packages does gocross build (as `binaries`)?")
                .items(mains)
                .defaults(&vec![true; mains.len()])
                .interact()
                .ok()
        })
        .flatten()
    })?;
    if let Some(text) = &init.config {
        generate::write(&request.config_path, text)?;
        match &init.imported_from {
            Some(from) => {
                let mut text = format!(
                    "wrote {} (imported from {})",
                    request.config_path.display(),
                    from.display()
                );
                for note in &init.notes {
                    text.push_str(&format!(
                        "\n{}:{}: not carried over: {note}",
                        from.display(),
                        note.line
                    ));
                }
                for rename in &init.renames {
                    text.push_str(&format!(
                        "\n{}:{}: renamed: {rename}",
                        from.display(),
                        rename.line
                    ));
                }
                output::print(&text)?;
            }
            None => output::print(&format!("wrote {}", request.config_path.display()))?,
        }
    } else {
        output::print(&format!("kept {}", request.config_path.display()))?;
    }
    let workflow = &init.workflow;
    workflow.write(request.force)?;
    output::print(&format!(
        "wrote {} ({} build legs)\ncommit both files; the workflow's check job (`gocross doctor --ci`) fails while they disagree",
        workflow.shown(),
        workflow.legs
    ))?;
    Ok(Outcome::Success)
}
