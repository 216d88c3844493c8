//! RPM packages, written by the [`rpm`](::rpm) crate: format v4 (what every rpm in use
//! reads), a gzip payload, the header and payload digests `rpm -K` checks, no signature
//! (`packages.depends.rpm` entries written as a spec file's `Requires:`, `name` or `name >=
//! version`). The build date is the
//! `source_date`, so the build time and every file's mtime are the commit's, and no build
//! host is recorded: two builds give the same bytes.

use super::Package;

/// The rpm's bytes. Errors: the crate's message.
pub(super) fn write(package: &Package) -> Result<Vec<u8>, String> {
    let config = package.config;
    let mtime = u32::try_from(package.mtime).map_err(|_| {
        format!(
            "the build date {} is past what rpm can hold (2106)",
            package.date
        )
    })?;
    let mut builder = ::rpm::PackageBuilder::new(
        package.name,
        &package.version,
        // SPDX's word for a license nobody stated.
        config.license.as_deref().unwrap_or("NOASSERTION"),
        package.arch,
        config.description.trim(),
    );
    builder
        .using_config(
            ::rpm::BuildConfig::v4()
                .compression(::rpm::CompressionType::Gzip)
                .source_date(mtime),
        )
        .release("1")
        .description(config.description.trim())
        .packager(config.maintainer.trim());
    if let Some(homepage) = &config.homepage {
        builder.url(homepage);
    }
    for dep in package.depends {
        builder.requires(dependency(dep)?);
    }
    for f in &package.files {
        let options = ::rpm::FileOptions::new(&f.path)
            .permissions(f.mode as u16)
            .user("root")
            .group("root");
        builder
            .with_file_contents(f.bytes.clone(), options)
            .map_err(|e| e.to_string())?;
    }
    let rpm = builder.build().map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    rpm.write(&mut out).map_err(|e| e.to_string())?;
    Ok(out)
}

/// A `packages.depends.rpm` entry, `name` or `name OP version` with OP one of `<`, `<=`,
/// `=`, `>=`, `>` (<https://rpm-software-management.github.io/rpm/manual/dependencies.html>).
fn dependency(entry: &str) -> Result<::rpm::Dependency, String> {
    use ::rpm::Dependency;
    let parts: Vec<&str> = entry.split_whitespace().collect();
    Ok(match parts[..] {
        [name] => Dependency::any(name),
        [name, "<", v] => Dependency::less(name, v),
        [name, "<=", v] => Dependency::less_eq(name, v),
        [name, "=", v] => Dependency::eq(name, v),
        [name, ">=", v] => Dependency::greater_eq(name, v),
        [name, ">", v] => Dependency::greater(name, v),
        _ => {
            return Err(format!(
                "`packages.depends.rpm`: `{entry}` is not `name` or `name >= version`"
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn dependencies_are_names_with_an_optional_version_bound() {
        assert!(super::dependency("ca-certificates").is_ok());
        assert!(super::dependency("glibc >= 2.17").is_ok());
        let err = super::dependency("glibc >= ").unwrap_err();
        assert!(
            err.contains("`glibc >= ` is not `name` or `name >= version`"),
            "{err}"
        );
    }
}
