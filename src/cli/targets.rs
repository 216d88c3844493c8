//! `gocross targets [--json] [--check]`: the port table.

use super::{Outcome, output};
use anyhow::Result;
use gocross::table::{Output, Table};
use gocross::targets::{CrossGcc, GoVersion, MinimumOs, PORTS, Port, PortStatus, QemuArch, dist};
use serde::Serialize;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print a JSON array, one object per port.
    #[arg(long)]
    json: bool,
    /// Compare the table with `go tool dist list -json` of the Go on PATH; exit 1 on any
    /// difference.
    #[arg(long, conflicts_with = "json")]
    check: bool,
}

/// One port as `--json` prints it.
#[derive(Serialize)]
struct PortRow {
    target: String,
    goos: &'static str,
    goarch: &'static str,
    first_class: bool,
    cgo_supported: bool,
    status: PortStatus,
    variant_var: Option<&'static str>,
    qemu: Option<QemuArch>,
    cross_gcc: Option<CrossGcc>,
    zig_arch: Option<&'static str>,
    native_runner: Option<&'static str>,
    minimum_os: Option<MinimumOs>,
    notes: Vec<String>,
}

fn row(port: &Port, go: GoVersion) -> PortRow {
    PortRow {
        target: port.platform.to_string(),
        goos: port.platform.goos.as_str(),
        goarch: port.platform.goarch.as_str(),
        first_class: port.first_class,
        cgo_supported: port.cgo_supported,
        status: port.status,
        variant_var: port.platform.goarch.variant_var(),
        qemu: port.qemu(),
        cross_gcc: port.cross_gcc(),
        zig_arch: port.zig_arch(),
        native_runner: port.native_runner(),
        minimum_os: port.platform.minimum_os(go),
        notes: port.notes(),
    }
}

pub fn run(args: Args) -> Result<Outcome> {
    if args.check {
        let diffs = dist::check_against_go()?;
        if diffs.is_empty() {
            output::print(&format!(
                "the port table matches `go tool dist list` of {}",
                gocross::gotool::version_string()?
            ))?;
            return Ok(Outcome::Success);
        }
        output::print(&diffs.join("\n"))?;
        return Ok(Outcome::Failed);
    }
    let go = gocross::gotool::version().unwrap_or(GoVersion::LATEST_KNOWN);
    let rows: Vec<PortRow> = PORTS.iter().map(|p| row(p, go)).collect();
    if args.json {
        output::print_json(&rows)?;
        return Ok(Outcome::Success);
    }
    let mut table = Table::new([
        "TARGET",
        "FIRST CLASS",
        "CGO",
        "STATUS",
        "QEMU",
        "C CROSS COMPILER",
        "RUNNER",
        &format!("MIN OS (GO {go})"),
    ]);
    let dash = || "-".to_string();
    for r in &rows {
        table.push([
            r.target.clone(),
            if r.first_class { "yes" } else { "" }.to_string(),
            if r.cgo_supported { "yes" } else { "" }.to_string(),
            r.status.to_string(),
            r.qemu.map(|q| q.0.to_string()).unwrap_or_else(dash),
            r.cross_gcc
                .map(|g| g.package.to_string())
                .unwrap_or_else(dash),
            r.native_runner.map(String::from).unwrap_or_else(dash),
            r.minimum_os
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_else(dash),
        ]);
    }
    output::print(&table.render(Output::Terminal))?;
    Ok(Outcome::Success)
}
