//! gocross: cross-compile Go programs in CI, correct by construction.
//!
//! The pipeline, one module per step:
//! 1. [`targets`]: Go's ports, sub-architectures and the facts about each port.
//! 2. [`config`]: `gocross.yaml`, validated with file:line:column errors.
//! 3. [`plan`]: config + ports → one [`plan::BuildJob`] per target (environment, flags, C
//!    toolchain from [`toolchain`], runner, verify method). The workflow matrix and the
//!    builds inside it come from this one value.
//! 4. [`generate`]: the plan for GitHub's runners → `.github/workflows/gocross.yml` (one
//!    matrix leg per job), written by `gocross ci generate` and compared by `gocross ci check`.
//! 5. [`build`]: inside each leg (or locally for every target), each job's `go build` in
//!    parallel into dist/, stamped, hashed, renamed into place only when complete; then, on
//!    the same worker, the binary's
//! 6. [`audit`]: read from its bytes (ELF, PE, Mach-O, wasm, Go build info) and checked
//!    against the `audit:` policy and its build job, without running it; and its
//! 7. [`verify`]: run on its target (natively, QEMU user mode, wine) with a timeout and the
//!    expected exit code and output.
//! 8. [`manifest`]: what the build produced (`dist/manifest.json`, `dist/checksums.txt`), the
//!    contract with what follows, in the order [`build::build`] runs: [`universal`] joins the
//!    two darwin binaries into a fat one, [`archive`] packs each target's binaries into the
//!    release archive, [`package`] into deb, rpm and apk packages.
//! 9. [`gotest`]: beside the build, the module's own Go tests, compiled with each job's plan
//!    and run where and how its binary would be verified (`gocross test`); the results
//!    ([`test_results`], data like the manifest) go to `dist/tests.json`.
//! 10. [`image`]: the manifest's Linux binaries as a multi-arch OCI image (reproducible
//!     layers, an SBOM referrer per platform), written as an image layout and pushed to a
//!     registry with no Docker daemon.
//! 11. [`github`]: the manifest published — a GitHub release checked before it goes public,
//!     and the pull-request report (check run, step summary, sticky comment), read from the
//!     manifest and the test results; then [`channels`]: the release's Homebrew formula and
//!     Scoop manifest pushed to their repositories.
//!
//! Below them all: [`dist`] owns dist/'s layout, its lock and every write and read there;
//! [`actions_output`] is the one producer of GitHub Actions output (workflow commands,
//! `$GITHUB_OUTPUT`, the step summary) for every stage; [`interrupt`] stops what gocross
//! started on SIGINT or SIGTERM.
//!
//! [`project`] opens a module for planning (config, go.mod, the Go that builds, the plan
//! context), the start every planning command shares. [`template`] parses and fills the placeholders of gocross.yaml's strings (ldflags, archive
//! names, image tags). [`table`] renders every table for a terminal or as Markdown, escaping
//! each cell for its output. [`gotool`] asks the `go` on PATH about itself. [`contained`]
//! walks paths inside a directory without following symbolic links (dist/, archived files). The command line (`src/cli/`) only converts
//! arguments into these modules' values and prints their results.

#![warn(missing_docs)]

pub mod actions_output;
pub mod archive;
pub mod audit;
pub mod build;
pub mod channels;
pub mod config;
pub mod contained;
pub mod digest;
pub mod dist;
pub mod doctor;
pub mod generate;
pub mod github;
pub mod goreleaser;
pub mod gosource;
pub mod gotest;
pub mod gotool;
pub mod image;
pub mod interrupt;
pub mod manifest;
pub mod origin;
pub mod package;
pub mod plan;
pub mod pool;
pub mod project;
pub mod secrets;
pub mod table;
pub mod targets;
pub mod template;
pub mod test_results;
pub mod toolchain;
pub mod universal;
pub mod verify;
