//! RPM packages, written by the [`rpm`](::rpm) crate: format v4 (what every rpm in use
//! reads), a gzip payload, the header and payload digests `rpm -K` checks, no signature
//! (`packages.depends.rpm` entries are package names). The build date is the
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
        builder.requires(::rpm::Dependency::any(dep));
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
