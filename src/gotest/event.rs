//! One line of `go test -json`: the `test2json` event format (Go's `cmd/test2json`
//! documentation), plus the build events `go test -json` adds since Go 1.24 (`build-output`,
//! `build-fail`, and `FailedBuild` on a package's `fail`).
//!
//! ```json
//! {"Action":"run","Package":"example.com/m/p","Test":"TestX"}
//! {"Action":"output","Package":"example.com/m/p","Test":"TestX","Output":"    p_test.go:12: got 1\n"}
//! {"Action":"fail","Package":"example.com/m/p","Test":"TestX","Elapsed":0.01}
//! {"ImportPath":"example.com/m/p [example.com/m/p.test]","Action":"build-output","Output":"p.go:3:9: ...\n"}
//! ```

use serde::Deserialize;

/// What an event reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// The package's test binary is about to run (or its result is being reported).
    Start,
    /// A test started.
    Run,
    /// A parallel test paused or continued.
    Pause,
    Cont,
    /// A test or package passed.
    Pass,
    /// A test or package failed; for a package, `FailedBuild` says whether it compiled.
    Fail,
    /// A test was skipped, or a package has no test files.
    Skip,
    /// A benchmark printed a result.
    Bench,
    /// Output of a test or package.
    Output,
    /// Compiler output for a package (`ImportPath` set, `Package` not).
    BuildOutput,
    /// A package did not compile.
    BuildFail,
    /// Any action a later Go adds (`attr`, ...): ignored.
    #[serde(other)]
    Other,
}

impl Action {
    /// Whether the action ends a test or a package.
    pub fn is_end(self) -> bool {
        matches!(self, Action::Pass | Action::Fail | Action::Skip)
    }
}

/// One event. Fields Go leaves out are empty.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Event {
    pub action: Action,
    /// The package's import path (not set on build events).
    #[serde(default)]
    pub package: String,
    /// The test's name, `TestX/sub` for subtests; empty for package events.
    #[serde(default)]
    pub test: String,
    /// Seconds, on `pass`/`fail`/`skip`.
    #[serde(default)]
    pub elapsed: Option<f64>,
    #[serde(default)]
    pub output: String,
    /// On build events: the package being compiled, `p [p.test]`.
    #[serde(default)]
    pub import_path: String,
    /// On a package `fail`: the package that did not compile, when that is why.
    #[serde(default)]
    pub failed_build: String,
}

impl Event {
    /// Parses one line; `None` for a line that is not an event (go test prints some errors
    /// as plain text).
    pub fn parse(line: &str) -> Option<Event> {
        let line = line.trim();
        if !line.starts_with('{') {
            return None;
        }
        serde_json::from_str(line).ok()
    }

    /// The import path a build event is about, without the ` [p.test]` suffix.
    pub fn build_package(&self) -> &str {
        self.import_path
            .split_once(' ')
            .map_or(self.import_path.as_str(), |(p, _)| p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_test_package_and_build_events() {
        let e = Event::parse(r#"{"Time":"2026-01-01T00:00:00Z","Action":"fail","Package":"p","Test":"TestX/sub","Elapsed":0.5}"#).unwrap();
        assert_eq!(e.action, Action::Fail);
        assert_eq!(e.test, "TestX/sub");
        assert_eq!(e.elapsed, Some(0.5));
        let e = Event::parse(r#"{"ImportPath":"example.com/m/b [example.com/m/b.test]","Action":"build-output","Output":"b.go:3:1: x\n"}"#).unwrap();
        assert_eq!(e.action, Action::BuildOutput);
        assert_eq!(e.build_package(), "example.com/m/b");
        let e = Event::parse(r#"{"Action":"attr","Package":"p","Test":"T","Key":"k","Value":"v"}"#)
            .unwrap();
        assert_eq!(e.action, Action::Other);
        assert!(Event::parse("go: downloading example.com/x v1.0.0").is_none());
        assert!(Event::parse("{not json").is_none());
    }
}
