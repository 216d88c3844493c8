//! The facts gocross reads from go.mod: the module path, the `go` line and the `toolchain`
//! directive.

use crate::targets::GoVersion;
use std::path::Path;

/// The parts of go.mod gocross uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoMod {
    /// The `module` path, e.g. `mvdan.cc/sh/v3`.
    pub module: String,
    /// The `go` line (the minimum Go release of the module), when present.
    pub go: Option<GoVersion>,
    /// The `toolchain` directive without its `go` prefix (`toolchain go1.26.8` → `1.26.8`):
    /// the Go release the module asks to build with.
    pub toolchain: Option<String>,
}

impl GoMod {
    /// Reads `<dir>/go.mod`. Errors are I/O errors, or `InvalidData` when no `module` line.
    pub fn read(dir: &Path) -> std::io::Result<GoMod> {
        let text = std::fs::read_to_string(dir.join("go.mod"))?;
        GoMod::parse(&text).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "go.mod has no `module` line",
            )
        })
    }

    /// Parses the text of a go.mod; `None` when it has no `module` line.
    pub fn parse(text: &str) -> Option<GoMod> {
        let mut module = None;
        let mut go = None;
        let mut toolchain = None;
        for line in text.lines() {
            let line = line.split("//").next().unwrap_or("").trim();
            if let Some(rest) = line
                .strip_prefix("module ")
                .or_else(|| line.strip_prefix("module\t"))
            {
                module = Some(rest.trim().trim_matches(['"', '`']).to_string());
            } else if let Some(rest) = line
                .strip_prefix("go ")
                .or_else(|| line.strip_prefix("go\t"))
            {
                go = rest.trim().parse().ok();
            } else if let Some(rest) = line
                .strip_prefix("toolchain ")
                .or_else(|| line.strip_prefix("toolchain\t"))
            {
                toolchain = rest
                    .trim()
                    .strip_prefix("go")
                    .filter(|v| !v.is_empty())
                    .map(String::from);
            }
        }
        Some(GoMod {
            module: module?,
            go,
            toolchain,
        })
    }

    /// The binary name `go build` gives the module's root package: the module path's last
    /// element, or the one before it when the last is a major version (`v2`, `v3`, ...).
    pub fn binary_name(&self) -> String {
        let mut parts = self.module.rsplit('/');
        let last = parts.next().unwrap_or(&self.module);
        let is_major = last.len() > 1
            && last.starts_with('v')
            && last[1..].chars().all(|c| c.is_ascii_digit());
        match (is_major, parts.next()) {
            (true, Some(prev)) => prev.to_string(),
            _ => last.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_module_and_go_line() {
        let m = GoMod::parse("// comment\nmodule mvdan.cc/sh/v3\n\ngo 1.23.0\n\nrequire (\n)\n")
            .unwrap();
        assert_eq!(m.module, "mvdan.cc/sh/v3");
        assert_eq!(m.toolchain, None);
        let pinned = GoMod::parse("module x\ngo 1.22\ntoolchain go1.26.8 // pinned\n").unwrap();
        assert_eq!(pinned.toolchain.as_deref(), Some("1.26.8"));
        assert_eq!(m.go, Some(GoVersion::new(1, 23)));
        assert_eq!(m.binary_name(), "sh");
        assert_eq!(
            GoMod::parse("module example.com/hello\n")
                .unwrap()
                .binary_name(),
            "hello"
        );
        assert_eq!(GoMod::parse("go 1.22\n"), None);
    }
}
