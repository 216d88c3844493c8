//! Debian packages (<https://manpages.debian.org/deb.5>): an `ar` archive ([`ar`]) of
//! `debian-binary` (`2.0`), `control.tar.gz` (`control` and `md5sums`) and `data.tar.gz`
//! (the files under `./`, with their directories).
//!
//! Besides the binaries and `contents`, a deb carries what Debian policy asks of every
//! package, so that `lintian` finds no error but the Go binary's static linking:
//! `/usr/share/doc/NAME/copyright` (policy 12.5; the module's license file, unless
//! `contents` installs one) and `/usr/share/doc/NAME/changelog.gz` (policy 12.7; one entry
//! for the version, dated with the build's date, compressed with gzip -9n).

use super::{File, Package, PackageError, TarEntry, gzip, tar};
use md5::{Digest, Md5};

/// Adds the copyright file and the changelog of a deb of the build's `version` to
/// `package`'s files; a copyright file from `contents` is kept.
///
/// Errors: the module's license file cannot be read.
pub(super) fn add_docs(
    package: &mut Package,
    module_dir: &std::path::Path,
    version: &str,
) -> Result<(), PackageError> {
    let doc = format!("/usr/share/doc/{}", package.name);
    let copyright = format!("{doc}/copyright");
    if !package.files.iter().any(|f| f.path == copyright) {
        package.files.push(File {
            path: copyright,
            mode: crate::archive::FILE_MODE,
            bytes: copyright_text(package, module_dir)?,
        });
    }
    let changelog = format!(
        "{name} ({version}) unstable; urgency=medium\n\n  * Release {release}.\n\n -- {maintainer}  {date}\n",
        name = package.name,
        version = package.version,
        release = version,
        maintainer = package.config.maintainer.trim(),
        date = rfc2822(package.mtime),
    );
    package.files.push(File {
        path: format!("{doc}/changelog.gz"),
        mode: crate::archive::FILE_MODE,
        bytes: gzip(changelog.as_bytes()).map_err(|cause| PackageError::Write {
            path: format!("{doc}/changelog.gz").into(),
            cause,
        })?,
    });
    Ok(())
}

/// The module's license file (the first of `LICENSE*`, `LICENCE*`, `COPYING*` at its root,
/// by name), or, without one, a line naming `packages.license`.
fn copyright_text(
    package: &Package,
    module_dir: &std::path::Path,
) -> Result<Vec<u8>, PackageError> {
    let mut names: Vec<String> = std::fs::read_dir(module_dir)
        .map(|dir| {
            dir.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| {
                    ["LICENSE", "LICENCE", "COPYING"]
                        .iter()
                        .any(|p| n.to_ascii_uppercase().starts_with(p))
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    match names.first() {
        Some(name) => crate::contained::read(module_dir, name, "the module").map_err(|why| {
            PackageError::Content {
                src: name.clone(),
                why: format!("the license file, copied to the deb's copyright file: {why}"),
            }
        }),
        None => Ok(format!(
            "{} is distributed under the license {}.\n",
            package.name,
            package
                .config
                .license
                .as_deref()
                .unwrap_or("its authors chose")
        )
        .into_bytes()),
    }
}

/// The deb's bytes.
pub(super) fn write(package: &Package) -> std::io::Result<Vec<u8>> {
    let config = package.config;
    let mut control = format!(
        "Package: {}\nVersion: {}\nArchitecture: {}\nMaintainer: {}\nInstalled-Size: {}\n",
        package.name,
        package.version,
        package.arch,
        config.maintainer.trim(),
        package.installed_size().div_ceil(1024),
    );
    if !package.depends.is_empty() {
        control.push_str(&format!("Depends: {}\n", package.depends.join(", ")));
    }
    control.push_str("Section: utils\nPriority: optional\n");
    if let Some(homepage) = &config.homepage {
        control.push_str(&format!("Homepage: {homepage}\n"));
    }
    // The synopsis, then an extended description (policy 5.6.13: lintian reports an empty
    // one as an error) naming the commands.
    let commands: Vec<&str> = package
        .files
        .iter()
        .filter_map(|f| f.path.strip_prefix("/usr/bin/"))
        .collect();
    control.push_str(&format!(
        "Description: {}\n This package installs the command{} {} in /usr/bin.\n",
        config.description.trim(),
        if commands.len() == 1 { "" } else { "s" },
        commands.join(", ")
    ));
    let md5sums: String = package
        .files
        .iter()
        .map(|f| {
            format!(
                "{}  {}\n",
                crate::digest::hex(&Md5::digest(&f.bytes)),
                f.path.trim_start_matches('/')
            )
        })
        .collect();
    let control_tar = tar(
        &[
            TarEntry {
                path: "./".into(),
                mode: super::DIR_MODE,
                bytes: None,
            },
            TarEntry {
                path: "./control".into(),
                mode: crate::archive::FILE_MODE,
                bytes: Some(control.as_bytes()),
            },
            TarEntry {
                path: "./md5sums".into(),
                mode: crate::archive::FILE_MODE,
                bytes: Some(md5sums.as_bytes()),
            },
        ],
        package.mtime,
    )?;
    let mut data = super::data_entries(package);
    data.insert(
        0,
        TarEntry {
            path: "./".into(),
            mode: super::DIR_MODE,
            bytes: None,
        },
    );
    let data_tar = tar(&data, package.mtime)?;
    let members: [(&str, Vec<u8>); 3] = [
        ("debian-binary", b"2.0\n".to_vec()),
        ("control.tar.gz", gzip(&control_tar)?),
        ("data.tar.gz", gzip(&data_tar)?),
    ];
    let mut ar = ar::Builder::new(Vec::new());
    for (name, bytes) in members {
        let mut header = ar::Header::new(name.as_bytes().to_vec(), bytes.len() as u64);
        header.set_mtime(package.mtime);
        header.set_uid(0);
        header.set_gid(0);
        header.set_mode(0o100644);
        ar.append(&header, bytes.as_slice())?;
    }
    ar.into_inner()
}

/// `seconds` since the Unix epoch as RFC 2822 writes a UTC date (`Sun, 01 Mar 2026 12:00:00
/// +0000`), as a Debian changelog's trailer line does.
fn rfc2822(seconds: u64) -> String {
    // `2026-03-01T12:00:00Z`
    let iso = humantime::format_rfc3339_seconds(
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds),
    )
    .to_string();
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month: usize = iso[5..7].parse().unwrap_or(1);
    format!(
        "{}, {} {} {} {} +0000",
        // 1970-01-01 was a Thursday.
        WEEKDAYS[(seconds / 86_400 % 7) as usize],
        &iso[8..10],
        MONTHS[month.clamp(1, 12) - 1],
        &iso[0..4],
        &iso[11..19],
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn changelog_dates_are_rfc_2822() {
        // 2026-03-01T12:00:00Z, a Sunday.
        assert_eq!(
            super::rfc2822(1_772_366_400),
            "Sun, 01 Mar 2026 12:00:00 +0000"
        );
        assert_eq!(super::rfc2822(0), "Thu, 01 Jan 1970 00:00:00 +0000");
        // 2024-02-29T23:59:59Z, a Thursday.
        assert_eq!(
            super::rfc2822(1_709_251_199),
            "Thu, 29 Feb 2024 23:59:59 +0000"
        );
    }
}
