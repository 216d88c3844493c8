//! GitHub Actions workflow commands, outputs and the step summary, for code that runs inside a
//! job (`GITHUB_ACTIONS=true`).
//!
//! Facts from GitHub's "Workflow commands for GitHub Actions" reference: messages escape `%`,
//! `\r` and `\n`; properties also escape `:` and `,`; `$GITHUB_OUTPUT` takes `name=value`
//! lines or `name<<DELIMITER` blocks; `$GITHUB_STEP_SUMMARY` holds Markdown, at most 1 MiB per
//! step; at most 10 annotations of each level are shown per step.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Annotations of one level GitHub shows per step; more are dropped by GitHub.
pub const ANNOTATIONS_PER_LEVEL: usize = 10;

/// Largest step summary GitHub accepts from one step, in bytes.
pub const SUMMARY_LIMIT: u64 = 1024 * 1024;

/// Whether this process runs inside a GitHub Actions job.
pub fn is_actions() -> bool {
    std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
}

/// Whether this process runs under any CI service: `CI` is set to something other than
/// empty, `false` or `0` (GitHub Actions, GitLab, Buildkite and others set `CI=true`). gocross
/// then prints plain progress lines, and its own test suite fails a test whose tool is
/// missing instead of skipping it.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "false" | "0"))
}

/// Text gocross writes to the job log, made safe from workflow commands smuggled in by the
/// values it holds (names and reasons from a manifest a leg uploaded, an API answer, an
/// action input, a registry's error): under GitHub Actions, a carriage return ends no line,
/// no other control character is kept but the tab (so no ANSI or OSC escape sequence starts:
/// ESC, BEL and the C1 controls go), and a line that starts with `::` (after blanks) is
/// written as `: :`, which the runner shows instead of obeying. gocross's own commands
/// ([`Annotation::command`], [`group`], [`add_mask`]) do not go through this. Outside Actions
/// the text is returned as it is.
pub fn guard(text: &str) -> String {
    if !is_actions() {
        return text.to_string();
    }
    text.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect::<String>()
        .split('\n')
        .map(|line| {
            let blanks = line.len() - line.trim_start().len();
            match line[blanks..].strip_prefix("::") {
                Some(rest) => format!("{}: :{rest}", &line[..blanks]),
                None => line.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Escapes a workflow command message (`%`, `\r`, `\n`).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command property value (also `:` and `,`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Severity of an annotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    /// An error: fails nothing by itself, shown in red.
    Error,
    /// A warning, shown in yellow.
    Warning,
    /// A notice, shown in grey.
    Notice,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Notice => "notice",
        })
    }
}

/// One annotation: a message, optionally tied to a file (and line) and with a title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    /// Its severity.
    pub level: Level,
    /// The text shown (escaped when printed).
    pub message: String,
    /// A short title above the message.
    pub title: Option<String>,
    /// The file it points at, relative to the repository root ([`repo_relative`]).
    pub file: Option<String>,
    /// The 1-based line in `file`.
    pub line: Option<u64>,
}

impl Annotation {
    /// An annotation of `level` with `message`, tied to no file.
    pub fn new(level: Level, message: impl Into<String>) -> Self {
        Annotation {
            level,
            message: message.into(),
            title: None,
            file: None,
            line: None,
        }
    }

    /// Sets the title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Ties it to `file` (see [`Annotation::file`]).
    pub fn file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// The 1-based line in [`Annotation::file`].
    pub fn line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }

    /// The workflow command line, e.g. `::error file=dist/x,title=audit::static required`.
    pub fn command(&self) -> String {
        let mut props = Vec::new();
        if let Some(f) = &self.file {
            props.push(format!("file={}", escape_property(f)));
        }
        if let Some(l) = self.line {
            props.push(format!("line={l}"));
        }
        if let Some(t) = &self.title {
            props.push(format!("title={}", escape_property(t)));
        }
        let props = if props.is_empty() {
            String::new()
        } else {
            format!(" {}", props.join(","))
        };
        format!("::{}{props}::{}", self.level, escape_data(&self.message))
    }
}

/// Emits annotations on stdout, at most [`ANNOTATIONS_PER_LEVEL`] per level: the last one a
/// level can show says how many more there were, so none disappears silently.
#[derive(Debug, Default)]
pub struct Annotator {
    pending: Vec<Annotation>,
}

impl Annotator {
    /// Queues an annotation; [`Annotator::emit`] prints them.
    pub fn push(&mut self, a: Annotation) {
        self.pending.push(a);
    }

    /// The workflow command lines to print, in order.
    pub fn commands(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for level in [Level::Error, Level::Warning, Level::Notice] {
            let of_level: Vec<&Annotation> =
                self.pending.iter().filter(|a| a.level == level).collect();
            if of_level.len() <= ANNOTATIONS_PER_LEVEL {
                lines.extend(of_level.iter().map(|a| a.command()));
            } else {
                let shown = ANNOTATIONS_PER_LEVEL - 1;
                lines.extend(of_level[..shown].iter().map(|a| a.command()));
                let rest = of_level.len() - shown;
                let summary = Annotation::new(
                    level,
                    format!("{rest} more {level}s: see the step summary or the log"),
                );
                lines.push(summary.command());
            }
        }
        lines
    }

    /// Prints the commands on stdout.
    pub fn emit(&self) -> std::io::Result<()> {
        let text: String = self.commands().iter().map(|l| format!("{l}\n")).collect();
        print_commands(&text)
    }
}

/// The `::group::` line that folds the following log lines under `title`.
pub fn group(title: &str) -> String {
    format!("::group::{}", escape_data(title))
}

/// The line that ends a group.
pub const END_GROUP: &str = "::endgroup::";

/// `text` for the log with workflow commands switched off around it (`::stop-commands::`
/// with a token derived from the text, then the token to resume), so that a line of output
/// from code gocross ran (a test printing `::add-mask::` or `::error::`) is shown, not obeyed.
pub fn inert(text: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(std::process::id().to_le_bytes())
        .chain_update(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos()
                .to_le_bytes(),
        )
        .chain_update(text.as_bytes())
        .finalize();
    let token = crate::digest::hex(&digest[..12]);
    let mut out = format!("::stop-commands::gocross-{token}\n{text}");
    if !text.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&format!("::gocross-{token}::\n"));
    out
}

/// The line that masks a secret in the rest of the log.
pub fn add_mask(secret: &str) -> String {
    format!("::add-mask::{}", escape_data(secret))
}

/// Inside GitHub Actions, prints the [`add_mask`] line that hides `secret` in the rest of the
/// job log (the runner consumes the line; it is not shown). Elsewhere, or for an empty
/// secret, nothing.
///
/// Errors: stdout cannot be written.
pub fn mask(secret: &str) -> std::io::Result<()> {
    if is_actions() && !secret.is_empty() {
        print_commands(&format!("{}\n", add_mask(secret)))?;
    }
    Ok(())
}

/// Writes `text` (workflow command lines and the log lines between them, each ending in a
/// newline) to stdout, where the runner reads workflow commands, in one write, flushed, so
/// that what parallel workers print does not interleave inside a group.
///
/// Errors: stdout cannot be written.
pub fn print_commands(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

fn env_file(var: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// Appends `name=value` to `$GITHUB_OUTPUT` (a `name<<DELIM` block for multi-line values).
/// Does nothing outside Actions (no `GITHUB_OUTPUT`).
pub fn set_output(name: &str, value: &str) -> std::io::Result<()> {
    let Some(path) = env_file("GITHUB_OUTPUT") else {
        return Ok(());
    };
    append(&path, &key_value(name, value))
}

/// The text `$GITHUB_OUTPUT` and `$GITHUB_ENV` take for one entry.
pub fn key_value(name: &str, value: &str) -> String {
    if value.contains('\n') || value.contains('\r') {
        let mut delim = "GOCROSS_EOF".to_string();
        while value.contains(&delim) {
            delim.push('_');
        }
        format!("{name}<<{delim}\n{value}\n{delim}\n")
    } else {
        format!("{name}={value}\n")
    }
}

/// Appends Markdown to `$GITHUB_STEP_SUMMARY`, refusing to grow it past [`SUMMARY_LIMIT`]
/// (a short note is written instead). Does nothing outside Actions.
pub fn append_summary(markdown: &str) -> std::io::Result<()> {
    let Some(path) = env_file("GITHUB_STEP_SUMMARY") else {
        return Ok(());
    };
    let current = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    if current + markdown.len() as u64 > SUMMARY_LIMIT {
        return append(
            &path,
            "\n_gocross: summary truncated at GitHub's 1 MiB limit; see the job log._\n",
        );
    }
    append(&path, markdown)
}

fn append(path: &Path, text: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    f.write_all(text.as_bytes())
}

/// A path as annotations (workflow commands and the Checks API) want it: relative to the repository root (`GITHUB_WORKSPACE`,
/// else the working directory), with `/` separators and no `./`.
pub fn repo_relative(path: &Path) -> String {
    let roots = [
        std::env::var_os("GITHUB_WORKSPACE").map(PathBuf::from),
        std::env::current_dir().ok(),
    ];
    let relative = if path.is_absolute() {
        roots
            .iter()
            .flatten()
            .find_map(|root| path.strip_prefix(root).ok())
            .unwrap_or(path)
    } else {
        path
    };
    relative
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_escaped() {
        let a = Annotation::new(Level::Error, "100% bad\nline two")
            .title("audit: static")
            .file("dist/a,b");
        assert_eq!(
            a.command(),
            "::error file=dist/a%2Cb,title=audit%3A static::100%25 bad%0Aline two"
        );
        assert_eq!(group("build linux/arm64"), "::group::build linux/arm64");
    }

    #[test]
    fn output_is_made_inert() {
        let text = inert("::add-mask::x\nok");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4);
        let token = lines[0].strip_prefix("::stop-commands::").unwrap();
        assert_eq!(lines[1], "::add-mask::x");
        assert_eq!(lines[3], format!("::{token}::"));
        let a = Annotation::new(Level::Error, "m").file("a.go").line(7);
        assert_eq!(a.command(), "::error file=a.go,line=7::m");
    }

    #[test]
    fn annotations_are_capped_per_level() {
        let mut an = Annotator::default();
        for i in 0..12 {
            an.push(Annotation::new(Level::Error, format!("e{i}")));
        }
        an.push(Annotation::new(Level::Warning, "w"));
        let lines = an.commands();
        assert_eq!(lines.len(), 11);
        assert_eq!(
            lines[9],
            "::error::3 more errors: see the step summary or the log"
        );
        assert_eq!(lines[10], "::warning::w");
    }

    #[test]
    fn multiline_outputs_use_a_delimiter() {
        assert_eq!(key_value("a", "b"), "a=b\n");
        assert_eq!(
            key_value("a", "x\nGOCROSS_EOF"),
            "a<<GOCROSS_EOF_\nx\nGOCROSS_EOF\nGOCROSS_EOF_\n"
        );
    }
}
