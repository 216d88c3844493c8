//! The audit policy: the rules a binary must meet, from gocross.yaml's `audit:` section, the
//! build job that produced the binary, and command-line flags; and the check that turns an
//! [`AuditReport`] into [`Violation`]s.
//!
//! Rule names are the `audit:` keys: `target`, `static`, `max_glibc`, `allowed_libs`,
//! `forbidden_libs`, `stripped`, `min_go`, `cgo`; `readable` is broken by a file that could
//! not be read completely. A rule whose fact does not apply to a format is not checked
//! (`static` and `max_glibc` are ELF facts); a rule about Go build info fails on a binary
//! without it.

use super::{AuditReport, ObjectFacts};
use crate::config::{Config, GlibcVersion};
use crate::manifest::Violation;
use crate::targets::{GoVersion, Target};

/// What a binary must be. The default requires nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Policy {
    /// The binary's GOOS and GOARCH must be these; with a variant (`linux/arm/7`), the build
    /// info's GOARM/GOAMD64/... must match too when the binary records it.
    pub target: Option<Target>,
    /// Require static linking (no PT_INTERP, no DT_NEEDED) of ELF binaries for the GOOS values
    /// that link statically (linux, freebsd, netbsd).
    pub require_static: bool,
    /// The highest GLIBC_x.y version an ELF binary may require.
    pub max_glibc: Option<GlibcVersion>,
    /// When set, the only shared libraries allowed (exact name or file name; DLL names
    /// compared without case).
    pub allowed_libs: Option<Vec<String>>,
    /// Shared libraries that must not be linked (same matching).
    pub forbidden_libs: Vec<String>,
    /// Require no symbol table.
    pub require_stripped: bool,
    /// The oldest Go release allowed to have built the binary.
    pub min_go: Option<GoVersion>,
    /// Require cgo on (`Some(true)`) or off (`Some(false)`), as the build info's CGO_ENABLED.
    pub cgo: Option<bool>,
}

impl Policy {
    /// The policy of gocross.yaml's `audit:` section alone, for binaries that no build job
    /// describes: `static` defaults to the top-level `static`.
    pub fn from_config(config: &Config) -> Policy {
        let audit = &config.audit;
        Policy {
            target: None,
            require_static: audit.static_link.unwrap_or(config.static_link),
            max_glibc: audit.max_glibc,
            allowed_libs: audit.allowed_libs.clone(),
            forbidden_libs: audit.forbidden_libs.clone(),
            require_stripped: audit.stripped.unwrap_or(false),
            min_go: audit.min_go,
            cgo: audit.cgo,
        }
    }

    /// The policy for the binary of a build: its target; static linking as the plan decided
    /// it for the target (overrides included) where the GOOS links statically, unless
    /// `audit.static` says otherwise; the target's glibc floor as the maximum unless
    /// `audit.max_glibc` is set; the rest from `audit:`. The plan calls this once per job
    /// ([`crate::plan::BuildJob::policy`]).
    pub fn for_build(
        config: &Config,
        target: &Target,
        static_link: bool,
        glibc: Option<GlibcVersion>,
    ) -> Policy {
        let mut policy = Policy::from_config(config);
        policy.target = Some(*target);
        policy.require_static =
            target.goos().links_statically() && config.audit.static_link.unwrap_or(static_link);
        policy.max_glibc = config.audit.max_glibc.or(glibc);
        policy
    }

    /// This policy with `rules` (the command line's) laid over it: `rules`' target, highest
    /// glibc, allowed libraries, oldest Go and cgo replace these where set; required static
    /// linking and stripping are added, and so are the forbidden libraries.
    pub fn overlay(mut self, rules: &Policy) -> Policy {
        if rules.target.is_some() {
            self.target = rules.target;
        }
        self.require_static |= rules.require_static;
        if rules.max_glibc.is_some() {
            self.max_glibc = rules.max_glibc;
        }
        if rules.allowed_libs.is_some() {
            self.allowed_libs = rules.allowed_libs.clone();
        }
        self.forbidden_libs
            .extend(rules.forbidden_libs.iter().cloned());
        self.require_stripped |= rules.require_stripped;
        if rules.min_go.is_some() {
            self.min_go = rules.min_go;
        }
        if rules.cgo.is_some() {
            self.cgo = rules.cgo;
        }
        self
    }

    /// Sets the report's violations and verdict.
    pub fn apply(&self, report: &mut AuditReport) {
        report.violations = self.check(report);
        report.passed = report.violations.is_empty();
    }

    /// Every rule `report` breaks, in rule order.
    pub fn check(&self, report: &AuditReport) -> Vec<Violation> {
        let mut out = Vec::new();
        if let Some(error) = &report.error {
            out.push(violation(
                "readable",
                error.clone(),
                "a complete, well-formed binary".into(),
            ));
        }
        if let Some(want) = &self.target {
            let objects: Vec<&ObjectFacts> = if report.slices.is_empty() {
                vec![&report.facts]
            } else {
                report.slices.iter().map(|s| &s.facts).collect()
            };
            if !objects.iter().any(|f| target_matches(want, f)) {
                let found: Vec<String> = objects.iter().map(|f| target_of(f)).collect();
                out.push(violation("target", found.join(", "), want.to_string()));
            }
        }
        if report.slices.is_empty() {
            self.check_object(&report.facts, "", &mut out);
        } else {
            for s in &report.slices {
                let label = format!("slice {}: ", target_of(&s.facts));
                self.check_object(&s.facts, &label, &mut out);
            }
        }
        out
    }

    fn check_object(&self, f: &ObjectFacts, label: &str, out: &mut Vec<Violation>) {
        let mut push = |rule: &str, found: String, allowed: String| {
            out.push(violation(rule, format!("{label}{found}"), allowed));
        };
        if self.require_static
            && f.goos.is_none_or(|g| g.links_statically())
            && f.linkage == Some(super::Linkage::Dynamic)
        {
            let mut why = Vec::new();
            if let Some(i) = f.elf.as_ref().and_then(|e| e.interpreter.as_ref()) {
                why.push(format!("interpreter {i}"));
            }
            if !f.libraries.is_empty() {
                why.push(format!("needs {}", f.libraries.join(", ")));
            }
            push(
                "static",
                format!("dynamic ({})", why.join("; ")),
                "static".into(),
            );
        }
        if let (Some(max), Some(floor)) = (&self.max_glibc, &f.glibc_floor)
            && floor > max
        {
            push(
                "max_glibc",
                format!("GLIBC_{floor}"),
                format!("at most GLIBC_{max}"),
            );
        }
        if let Some(allowed) = &self.allowed_libs {
            let extra: Vec<&str> = f
                .libraries
                .iter()
                .filter(|l| !allowed.iter().any(|a| lib_matches(a, l)))
                .map(String::as_str)
                .collect();
            if !extra.is_empty() {
                let allowed = if allowed.is_empty() {
                    "none".to_string()
                } else {
                    allowed.join(", ")
                };
                push("allowed_libs", extra.join(", "), allowed);
            }
        }
        let forbidden: Vec<&str> = f
            .libraries
            .iter()
            .filter(|l| self.forbidden_libs.iter().any(|a| lib_matches(a, l)))
            .map(String::as_str)
            .collect();
        if !forbidden.is_empty() {
            push(
                "forbidden_libs",
                forbidden.join(", "),
                format!("none of {}", self.forbidden_libs.join(", ")),
            );
        }
        if self.require_stripped && f.stripped == Some(false) {
            push(
                "stripped",
                "a symbol table".into(),
                "stripped (build with -ldflags=-s)".into(),
            );
        }
        if let Some(min) = self.min_go {
            match &f.go {
                None => push(
                    "min_go",
                    "no Go build info".into(),
                    format!("go{min} or later"),
                ),
                Some(go) => {
                    let built: Option<GoVersion> = go.version.parse().ok();
                    if built.is_none_or(|v| v < min) {
                        push("min_go", go.version.clone(), format!("go{min} or later"));
                    }
                }
            }
        }
        if let Some(want) = self.cgo {
            let on_off = |b: bool| if b { "on" } else { "off" };
            let found = match &f.go {
                None => Some("no Go build info".to_string()),
                Some(go) => match go.cgo() {
                    Some(c) if c == want => None,
                    Some(c) => Some(format!("cgo {} (CGO_ENABLED={})", on_off(c), u8::from(c))),
                    None => Some("CGO_ENABLED not recorded".into()),
                },
            };
            if let Some(found) = found {
                push(
                    "cgo",
                    found,
                    format!("cgo {} (CGO_ENABLED={})", on_off(want), u8::from(want)),
                );
            }
        }
    }
}

fn violation(rule: &str, found: String, allowed: String) -> Violation {
    Violation {
        rule: rule.into(),
        found,
        allowed,
    }
}

/// `goos/goarch[/variant]` as far as the facts tell.
fn target_of(f: &ObjectFacts) -> String {
    let os = f.goos.map_or("unknown".into(), |g| g.to_string());
    let arch = f.goarch.map_or_else(
        || f.machine.clone().unwrap_or_else(|| "unknown".into()),
        |g| g.to_string(),
    );
    let variant = f.goarch.and_then(|a| a.variant_var()).and_then(|var| {
        f.go.as_ref()
            .and_then(|g| g.settings.get(var))
            .map(|v| format!("/{v}"))
    });
    format!("{os}/{arch}{}", variant.unwrap_or_default())
}

fn target_matches(want: &Target, f: &ObjectFacts) -> bool {
    if f.goos != Some(want.goos()) || f.goarch != Some(want.goarch()) {
        return false;
    }
    match (want.variant_env(), &f.go) {
        (Some((var, value)), Some(go)) => go.settings.get(var).is_none_or(|v| v == value),
        _ => true,
    }
}

/// A library name matches a policy entry when it is equal to it, or its file name is (DLL
/// names without regard to case, as Windows loads them).
fn lib_matches(entry: &str, lib: &str) -> bool {
    let base = lib.rsplit('/').next().unwrap_or(lib);
    let dll = lib.to_ascii_lowercase().ends_with(".dll");
    [lib, base].iter().any(|candidate| {
        if dll {
            candidate.eq_ignore_ascii_case(entry)
        } else {
            *candidate == entry
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libraries_match_by_name_or_file_name() {
        assert!(lib_matches("libc.so.6", "libc.so.6"));
        assert!(lib_matches(
            "libSystem.B.dylib",
            "/usr/lib/libSystem.B.dylib"
        ));
        assert!(lib_matches("kernel32.dll", "KERNEL32.dll"));
        assert!(!lib_matches("libc.so", "libc.so.6"));
        assert!(!lib_matches("LIBC.SO.6", "libc.so.6"));
    }
}
