//! Embeds where this gocross comes from: the commit of a clean git checkout of the crate
//! (`GOCROSS_SOURCE` for `src/origin.rs`), so that `gocross ci init` can pin the gocross
//! action to the very commit the running binary was built from. A tree with uncommitted
//! changes to tracked files, or a build outside git, embeds nothing; `GOCROSS_SOURCE_COMMIT`
//! (40 hex digits) names the commit of a source tree without `.git`, as the action's install
//! script does when it builds from its own checkout.

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn is_commit(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn main() {
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    println!("cargo:rerun-if-env-changed=GOCROSS_SOURCE_COMMIT");
    for item in [
        "build.rs",
        "Cargo.toml",
        "Cargo.lock",
        "README.md",
        "action.yml",
        "action",
        "src",
        "templates",
        "tests",
        "examples",
        "bench",
        "scripts",
        ".ci",
        ".github",
    ] {
        if Path::new(&root).join(item).exists() {
            println!("cargo:rerun-if-changed={item}");
        }
    }
    let commit = match std::env::var("GOCROSS_SOURCE_COMMIT") {
        Ok(c) if is_commit(&c) => Some(c),
        Ok(c) if !c.is_empty() => panic!("GOCROSS_SOURCE_COMMIT={c} is not a 40-hex commit"),
        _ => from_git(&root),
    };
    println!(
        "cargo:rustc-env=GOCROSS_SOURCE={}",
        commit.unwrap_or_default()
    );
}

/// HEAD of the checkout whose top level is the crate, when no tracked file differs from it.
fn from_git(root: &str) -> Option<String> {
    let top = git(&["-C", root, "rev-parse", "--show-toplevel"])?;
    if std::fs::canonicalize(&top).ok()? != std::fs::canonicalize(root).ok()? {
        return None;
    }
    for path in ["HEAD", "index", "packed-refs"] {
        if let Some(p) = git(&["-C", root, "rev-parse", "--git-path", path]) {
            let p = Path::new(root).join(p);
            if p.exists() {
                println!("cargo:rerun-if-changed={}", p.display());
            }
        }
    }
    if let Some(head_ref) = git(&["-C", root, "symbolic-ref", "-q", "HEAD"])
        && let Some(p) = git(&["-C", root, "rev-parse", "--git-path", &head_ref])
    {
        let p = Path::new(root).join(p);
        if p.exists() {
            println!("cargo:rerun-if-changed={}", p.display());
        }
    }
    let commit = git(&["-C", root, "rev-parse", "HEAD"]).filter(|c| is_commit(c))?;
    let dirty = git(&["-C", root, "status", "--porcelain", "--untracked-files=no"])?;
    dirty.is_empty().then_some(commit)
}
