//! The audit in words: the one-line description of a report in the manner of `file`
//! ([`AuditReport::summary`]), and the reports as Markdown for a GitHub step summary (a
//! table of files through [`crate::table`], then the violations). Text from the binary
//! (paths, Go versions, found values) is escaped by the table's rules.

use super::{AuditReport, BinaryFormat, Endian};
use crate::table::{Cell, Output, Table};

/// The one-line description, in the manner of `file`.
pub(super) fn summary(r: &AuditReport) -> String {
    let f = &r.facts;
    let mut parts: Vec<String> = Vec::new();
    let target = match (f.goos, f.goarch) {
        (Some(os), Some(arch)) => format!("{os}/{arch}"),
        (None, Some(arch)) => format!("?/{arch}"),
        (Some(os), None) => format!("{os}/?"),
        (None, None) => "?".into(),
    };
    let bits = f.bits.map(|b| format!("{b}-bit ")).unwrap_or_default();
    let kind = match f.kind.as_deref() {
        Some("exec" | "execute" | "exe") => "executable",
        Some("pie") => "pie executable",
        Some("dyn") => "shared object",
        Some("rel") => "relocatable",
        Some("core") => "core file",
        Some("dll") => "DLL",
        Some(other) => other,
        None => "file",
    };
    let head = match r.format {
        BinaryFormat::Elf => {
            let endian = match f.endian {
                Some(Endian::Big) => "MSB ",
                _ => "LSB ",
            };
            format!("ELF {bits}{endian}{kind}")
        }
        BinaryFormat::Pe => {
            let sub =
                f.pe.as_ref()
                    .map(|p| format!(" ({})", p.subsystem))
                    .unwrap_or_default();
            format!("PE {bits}{kind}{sub}")
        }
        BinaryFormat::MachO => format!("Mach-O {bits}{kind}"),
        BinaryFormat::MachOFat => {
            let arches: Vec<String> = r
                .slices
                .iter()
                .map(|s| {
                    s.facts
                        .goarch
                        .map(|a| a.to_string())
                        .or_else(|| s.facts.machine.clone())
                        .unwrap_or_else(|| "?".into())
                })
                .collect();
            return format!(
                "Mach-O universal binary with {} slices: {}",
                r.slices.len(),
                arches.join(", ")
            );
        }
        BinaryFormat::Wasm => format!("WebAssembly {kind}"),
        BinaryFormat::Unknown => return "data".into(),
    };
    parts.push(head);
    parts.push(format!(
        "{target} ({})",
        f.machine.as_deref().unwrap_or("unknown machine")
    ));
    if let Some(l) = f.linkage {
        parts.push(format!("{}ally linked", l.as_str()));
    }
    if let Some(elf) = &f.elf {
        if let Some(i) = &elf.interpreter {
            parts.push(format!("interpreter {i}"));
        }
        if let Some(t) = &elf.abi_tag {
            parts.push(format!(
                "for {} {}",
                t.os,
                t.version.as_deref().unwrap_or("")
            ));
        }
    }
    if let Some(g) = &f.glibc_floor {
        parts.push(format!("glibc {g}"));
    }
    if let Some(m) = &f.macho
        && let (Some(p), Some(v)) = (&m.platform, &m.min_os)
    {
        parts.push(format!("{p} {v}+"));
    }
    if f.debug_info == Some(true) {
        parts.push("with debug info".into());
    }
    match f.stripped {
        Some(true) => parts.push("stripped".into()),
        Some(false) => parts.push("not stripped".into()),
        None => {}
    }
    if let Some(go) = &f.go {
        parts.push(format!("Go {}", go.version));
    }
    parts.join(", ")
}

/// The reports as Markdown for a GitHub step summary: a table with one row per file (target,
/// Go version, linkage, glibc floor, stripped, verdict), then one line per violation.
pub fn summary_markdown(reports: &[AuditReport]) -> String {
    let mut table = Table::new([
        "file",
        "target",
        "Go",
        "linkage",
        "glibc floor",
        "stripped",
        "audit",
    ]);
    for r in reports {
        let f = &r.facts;
        let target = match (f.goos, f.goarch) {
            (Some(os), Some(arch)) => format!("{os}/{arch}"),
            _ => r.format.to_string(),
        };
        let verdict = if r.passed {
            "✅ passed".to_string()
        } else {
            format!("❌ {} violations", r.violations.len())
        };
        table.push([
            Cell::code(&r.path),
            Cell::text(target),
            Cell::text(f.go.as_ref().map_or("-", |g| g.version.as_str())),
            Cell::text(f.linkage.map_or("-", |l| l.as_str())),
            Cell::text(f.glibc_floor.map_or("-".to_string(), |v| v.to_string())),
            Cell::text(f.stripped.map_or("-", |s| if s { "yes" } else { "no" })),
            Cell::text(verdict),
        ]);
    }
    let mut md = format!("### gocross audit\n\n{}", table.render(Output::Markdown));
    let violations: Vec<String> = reports
        .iter()
        .flat_map(|r| {
            r.violations.iter().map(move |v| {
                let line = Cell::code(&r.path)
                    .then(Cell::text(": "))
                    .then(Cell::strong(&v.rule))
                    .then(Cell::text(format!(
                        ": found {}, allowed {}",
                        v.found, v.allowed
                    )));
                format!("- {}\n", line.render(Output::Markdown))
            })
        })
        .collect();
    if !violations.is_empty() {
        md.push('\n');
        md.extend(violations);
    }
    md.push('\n');
    md
}
