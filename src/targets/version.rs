//! Dotted release numbers, the one version type of gocross: Go releases (`1.26`, `1.26.8`,
//! `go1.27rc1`) and glibc versions (`2.17`, `2.3.4`) alike, compared numerically part by part
//! (2.30 > 2.4, 1.26 > 1.9), a missing or trailing zero part counting as 0 (2.17 == 2.17.0).

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

/// `major.minor[.patch]`.
#[derive(Clone, Copy, Debug)]
pub struct Version {
    /// The first number.
    pub major: u32,
    /// The second number.
    pub minor: u32,
    /// The third part when written (`1.26.8`); shown only then.
    pub patch: Option<u32>,
}

impl Version {
    /// `major.minor`.
    pub const fn new(major: u32, minor: u32) -> Version {
        Version {
            major,
            minor,
            patch: None,
        }
    }

    fn key(&self) -> (u32, u32, u32) {
        (self.major, self.minor, self.patch.unwrap_or(0))
    }

    /// A glibc version: `2.<minor>[.<patch>]`, digits only.
    ///
    /// Errors: what to write instead.
    pub fn glibc(s: &str) -> Result<Version, String> {
        let bad = || format!("`{s}` is not a glibc version: write it as \"2.17\" (major.minor)");
        let t = s.trim();
        if !t.contains('.') || !t.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            return Err(bad());
        }
        let v: Version = t.parse().map_err(|_| bad())?;
        if v.major != 2 {
            return Err(format!("`{s}` is not a glibc 2.x version"));
        }
        Ok(v)
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Version {}

impl Hash for Version {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

impl FromStr for Version {
    type Err = String;

    /// Accepts `2.17`, `1.26`, `1.26.8`, and Go's spellings `go1.26.8` and `go1.27rc1` (a
    /// pre-release suffix is dropped: `go env GOVERSION` and go.mod's `go` line hold these).
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let t = t.strip_prefix("go").unwrap_or(t);
        let mut parts = t.split('.');
        let digits = |p: &str| -> Option<u32> {
            let end = p.find(|c: char| !c.is_ascii_digit()).unwrap_or(p.len());
            p[..end].parse().ok()
        };
        let bad = || format!("`{s}` is not a version (expected e.g. 1.26, go1.26.3 or 2.17)");
        let major = parts.next().and_then(digits).ok_or_else(bad)?;
        let minor = parts.next().and_then(digits).ok_or_else(bad)?;
        let patch = match parts.next() {
            Some(p) => Some(digits(p).ok_or_else(bad)?),
            None => None,
        };
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(Version {
            major,
            minor,
            patch,
        })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)?;
        if let Some(p) = self.patch {
            write!(f, ".{p}")?;
        }
        Ok(())
    }
}

impl Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Version {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Version".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "pattern": r"^\d+\.\d+(\.\d+)?$"})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_by_number() {
        let v = |s: &str| s.parse::<Version>().unwrap();
        assert!(v("2.30") > v("2.4"));
        assert!(v("1.26") > v("1.9"));
        assert!(v("2.3.4") > v("2.3"));
        assert_eq!(v("2.17.0"), v("2.17"));
        assert_eq!(
            v("go1.26.8"),
            Version {
                patch: Some(8),
                ..Version::new(1, 26)
            }
        );
        assert_eq!(v("go1.27rc1"), Version::new(1, 27));
        assert_eq!(v("2.30").to_string(), "2.30");
        assert!("devel".parse::<Version>().is_err() && "1".parse::<Version>().is_err());
        assert!(Version::glibc("2.17").is_ok());
        assert!(
            Version::glibc("3.1")
                .unwrap_err()
                .contains("not a glibc 2.x version")
        );
        assert!(Version::glibc("go2.17").is_err() && Version::glibc("two").is_err());
    }
}
