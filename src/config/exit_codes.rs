//! `verify.exit_code`: the exit codes a verified binary may end with, written as one code
//! (`exit_code: 0`) or a list (`exit_code: [0, 2]`: `--help` exits 0 with most Go CLIs and 2
//! with the standard `flag` package's usage errors).

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The exit codes that pass, at least one, in the order written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExitCodes(Vec<i32>);

impl ExitCodes {
    /// One exit code.
    pub fn one(code: i32) -> ExitCodes {
        ExitCodes(vec![code])
    }

    /// Several exit codes; `None` for an empty list.
    pub fn any_of(codes: Vec<i32>) -> Option<ExitCodes> {
        (!codes.is_empty()).then_some(ExitCodes(codes))
    }

    /// Whether `code` passes.
    pub fn accepts(&self, code: i32) -> bool {
        self.0.contains(&code)
    }

    /// The codes, in the order written.
    pub fn codes(&self) -> &[i32] {
        &self.0
    }
}

impl Default for ExitCodes {
    fn default() -> Self {
        ExitCodes::one(0)
    }
}

/// `0`, or `0 or 2`.
impl fmt::Display for ExitCodes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let codes: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&codes.join(" or "))
    }
}

impl Serialize for ExitCodes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => s.serialize_i32(*one),
            many => many.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for ExitCodes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            One(i32),
            Many(Vec<i32>),
        }
        match Raw::deserialize(d) {
            Ok(Raw::One(code)) => Ok(ExitCodes::one(code)),
            Ok(Raw::Many(codes)) => ExitCodes::any_of(codes).ok_or_else(|| {
                serde::de::Error::custom("lists no exit code: write one (0) or a list ([0, 2])")
            }),
            Err(_) => Err(serde::de::Error::custom(
                "must be an exit code (0) or a list of them ([0, 2])",
            )),
        }
    }
}

impl JsonSchema for ExitCodes {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ExitCodes".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"oneOf": [
            {"type": "integer"},
            {"type": "array", "items": {"type": "integer"}, "minItems": 1}
        ]})
    }
}
