//! `gocross audit [--json] [--target T] [policy flags] FILE...`: what each binary is, checked
//! against the policy of gocross.yaml (when there is one) and the flags; `--sbom cyclonedx`
//! writes a CycloneDX SBOM instead of the report.

use super::{Global, Outcome, output};
use anyhow::{Context, Result, bail};
use gocross::actions_output::{self, Annotation, Annotator, Level};
use gocross::audit::{self, AuditOptions, AuditReport, Policy};
use gocross::config::GlibcVersion;
use gocross::plan::AuditPolicies;
use gocross::targets::{GoVersion, Target};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The binaries to audit.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Print a JSON array, one object per file (the shape is in the README).
    #[arg(long)]
    json: bool,
    /// Show the Go build info as `go version -m` prints it.
    #[arg(long, short = 'v')]
    verbose: bool,
    /// The target every binary must be built for (GOOS/GOARCH, optionally the variant).
    #[arg(long, short = 't', value_name = "GOOS/GOARCH[/VARIANT]")]
    target: Option<Target>,
    /// Require static linking (no PT_INTERP, no DT_NEEDED) of Linux, FreeBSD and NetBSD
    /// binaries.
    #[arg(long = "static")]
    require_static: bool,
    /// The highest GLIBC_x.y version a binary may require, e.g. 2.17.
    #[arg(long, value_name = "VERSION", value_parser = GlibcVersion::glibc)]
    max_glibc: Option<GlibcVersion>,
    /// Allow only these shared libraries (repeat the flag, or separate with commas).
    #[arg(long = "allow-lib", value_name = "LIB", value_delimiter = ',')]
    allowed_libs: Vec<String>,
    /// Refuse these shared libraries (repeat the flag, or separate with commas).
    #[arg(long = "forbid-lib", value_name = "LIB", value_delimiter = ',')]
    forbidden_libs: Vec<String>,
    /// Require binaries without a symbol table.
    #[arg(long)]
    stripped: bool,
    /// The oldest Go release allowed to have built a binary, e.g. 1.24.
    #[arg(long, value_name = "VERSION")]
    min_go: Option<GoVersion>,
    /// Require cgo on or off (CGO_ENABLED in the build info).
    #[arg(long, value_name = "on|off", value_parser = parse_on_off)]
    cgo: Option<bool>,
    /// Ignore gocross.yaml: check only the flags.
    #[arg(long)]
    no_config: bool,
    /// Largest file read, in bytes (suffixes K, M, G, KiB, MiB, GiB).
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "512MiB")]
    max_size: u64,
    /// Write an SBOM of the one FILE instead of the report.
    #[arg(long, value_name = "FORMAT", value_parser = ["cyclonedx"])]
    sbom: Option<String>,
    /// Where `--sbom` writes (atomically). Default: stdout.
    #[arg(long, short = 'o', value_name = "FILE", requires = "sbom")]
    output: Option<PathBuf>,
}

fn parse_on_off(s: &str) -> Result<bool, String> {
    match s {
        "on" | "true" | "1" => Ok(true),
        "off" | "false" | "0" => Ok(false),
        _ => Err(format!("`{s}` is not on or off")),
    }
}

fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a size: write e.g. 512MiB or 1G"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return Err(format!("`{s}` has an unknown unit: use K, M or G")),
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("`{s}` is too large"))
}

impl Args {
    /// The rules the flags give, laid over gocross.yaml's policy for each binary.
    fn rules(&self) -> Policy {
        Policy {
            target: self.target,
            require_static: self.require_static,
            max_glibc: self.max_glibc,
            allowed_libs: (!self.allowed_libs.is_empty()).then(|| self.allowed_libs.clone()),
            forbidden_libs: self.forbidden_libs.clone(),
            require_stripped: self.stripped,
            min_go: self.min_go,
            cgo: self.cgo,
        }
    }
}

pub fn run(global: &Global, args: Args) -> Result<Outcome> {
    if args.sbom.is_some() && args.files.len() != 1 {
        bail!("--sbom writes the SBOM of one binary: give exactly one FILE");
    }
    let config = if args.no_config {
        None
    } else {
        global.optional_config()?
    };
    let policies = match &config {
        Some(config) => AuditPolicies::from_config(config)?,
        None => AuditPolicies::none(),
    };
    let rules = args.rules();
    let options = AuditOptions {
        max_size: args.max_size,
    };
    let reports: Vec<AuditReport> = args
        .files
        .iter()
        .map(|path| {
            let mut report = audit::audit_file(path, &options);
            policies
                .policy_for(&report.facts, &rules)
                .apply(&mut report);
            report
        })
        .collect();

    if args.sbom.is_some() {
        let report = &reports[0];
        match &args.output {
            Some(path) => audit::write_sbom(report, path)
                .with_context(|| format!("cannot write the SBOM of {}", report.path))?,
            None => output::print(
                &audit::sbom::render(report)
                    .with_context(|| format!("cannot write the SBOM of {}", report.path))?,
            )?,
        }
    } else if args.json {
        output::print_json(&reports)?;
    } else {
        output::print(&human(&reports, args.verbose))?;
    }

    for r in &reports {
        for v in &r.violations {
            output::eprint_line(&format!(
                "{}: violates `{}`: found {}, allowed {}",
                r.path, v.rule, v.found, v.allowed
            ));
        }
    }
    if actions_output::is_actions() {
        report_to_actions(&reports)?;
    }
    Ok(if reports.iter().all(|r| r.passed) {
        Outcome::Success
    } else {
        Outcome::Failed
    })
}

/// `file`-like lines, each followed by a short table of the facts that matter for shipping.
fn human(reports: &[AuditReport], verbose: bool) -> String {
    let mut out = String::new();
    for r in reports {
        out.push_str(&format!("{}: {}\n", r.path, r.summary));
        let mut rows: Vec<(String, String)> = Vec::new();
        let mut row = |k: &str, v: String| rows.push((k.to_string(), v));
        let f = &r.facts;
        if let Some(go) = &f.go {
            row(
                "go",
                format!(
                    "{} {}",
                    go.version,
                    go.path.as_deref().unwrap_or("(no module info)")
                ),
            );
            if let Some(c) = go.cgo() {
                row("cgo", if c { "on" } else { "off" }.into());
            }
        }
        if let Some(l) = f.linkage {
            row("linkage", l.as_str().into());
        }
        if !f.libraries.is_empty() {
            row("libraries", f.libraries.join(", "));
        }
        if let Some(g) = &f.glibc_floor {
            row("glibc floor", g.to_string());
        }
        if let Some(elf) = &f.elf {
            if let Some(p) = &elf.rpath {
                row("rpath", p.clone());
            }
            if let Some(p) = &elf.runpath {
                row("runpath", p.clone());
            }
        }
        if let Some(m) = &f.macho
            && let (Some(p), Some(v)) = (&m.platform, &m.min_os)
        {
            row("minimum OS", format!("{p} {v}"));
        }
        for s in &r.slices {
            row(
                &format!("slice @{}", s.offset),
                format!(
                    "{}/{} {}",
                    s.facts.goos.map(|g| g.to_string()).unwrap_or_default(),
                    s.facts.goarch.map(|g| g.to_string()).unwrap_or_default(),
                    s.facts.machine.as_deref().unwrap_or("")
                ),
            );
        }
        if let Some(e) = &r.error {
            row("error", e.clone());
        }
        row(
            "audit",
            if r.passed {
                "passed".into()
            } else {
                format!("FAILED ({} violations)", r.violations.len())
            },
        );
        let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        for (k, v) in rows {
            out.push_str(&format!("  {k:width$}  {v}\n"));
        }
        if verbose && let Some(go) = &f.go {
            out.push_str(&format!("{}: {}\n{}", r.path, go.version, go.version_m()));
        }
    }
    out
}

/// Violations as `::error` annotations and the reports as a step summary table.
fn report_to_actions(reports: &[AuditReport]) -> Result<()> {
    let mut annotator = Annotator::default();
    for r in reports {
        for v in &r.violations {
            annotator.push(
                Annotation::new(
                    Level::Error,
                    format!("found {}, allowed {}", v.found, v.allowed),
                )
                .title(format!("gocross audit: {}", v.rule))
                .file(&r.path),
            );
        }
    }
    annotator.emit()?;
    actions_output::append_summary(&audit::summary_markdown(reports))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_size("512MiB"), Ok(512 << 20));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert!(parse_size("12 parsecs").is_err());
        assert!(parse_size("99999999999999G").is_err());
    }
}
