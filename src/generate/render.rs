//! Rendering the templates of `templates/` (compiled in) with minijinja.
//!
//! The syntax cannot clash with GitHub's `${{ }}`: variables are `{{{ }}}`, blocks `{{% %}}`,
//! comments `{{# #}}`. Undefined values are errors, nothing is auto-escaped, and every value
//! goes through a quoting filter: `q` for scalars ([`yaml_scalar`]) and `yaml` for mappings
//! (serde-saphyr's serializer, re-indented). The result is parsed back as YAML before anyone
//! sees it; a render that does not parse is an internal error.

use super::GenerateError;
use minijinja::syntax::SyntaxConfig;
use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior, Value};
use serde::Serialize;

/// The generated workflow.
pub const WORKFLOW: &str = "workflow.yml";
/// The gocross.yaml that `gocross ci init` writes.
pub const CONFIG: &str = "gocross.yaml";

const TEMPLATES: &[(&str, &str)] = &[
    (WORKFLOW, include_str!("../../templates/workflow.yml")),
    (CONFIG, include_str!("../../templates/gocross.yaml")),
];

fn environment() -> Result<Environment<'static>, Error> {
    let mut env = Environment::new();
    env.set_syntax(
        SyntaxConfig::builder()
            .variable_delimiters("{{{", "}}}")
            .block_delimiters("{{%", "%}}")
            .comment_delimiters("{{#", "#}}")
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()?,
    );
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.add_filter("q", q);
    env.add_filter("c", c);
    env.add_filter("yaml", yaml);
    for (name, source) in TEMPLATES {
        env.add_template(name, source)?;
    }
    Ok(env)
}

/// Renders a template with a context and checks that the result parses as YAML.
pub fn render<C: Serialize>(template: &str, context: &C) -> Result<String, GenerateError> {
    let env = environment().map_err(GenerateError::Template)?;
    let text = env
        .get_template(template)
        .and_then(|t| t.render(minijinja::value::Serde(context)))
        .map_err(GenerateError::Template)?;
    if let Err(e) = serde_saphyr::from_str::<serde_json::Value>(&text) {
        return Err(GenerateError::InvalidYaml {
            template: template.to_string(),
            message: e.to_string(),
        });
    }
    Ok(text)
}

/// The `q` filter: a string as a YAML scalar ([`yaml_scalar`]); integers and booleans as
/// themselves. Anything else (a missing value, a list) is an error.
fn q(value: Value) -> Result<String, Error> {
    if let Some(s) = value.as_str() {
        return Ok(yaml_scalar(s));
    }
    if value.kind() == minijinja::value::ValueKind::Bool {
        return Ok(if value.is_true() { "true" } else { "false" }.to_string());
    }
    if value.is_integer() {
        return Ok(value.to_string());
    }
    Err(Error::new(
        ErrorKind::InvalidOperation,
        format!("q: cannot quote a {} as a scalar", value.kind()),
    ))
}

/// The `c` filter: text for a `#` comment, which must stay on its line.
fn c(value: Value) -> Result<String, Error> {
    let text = value.as_str().ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("c: a comment is a string, not a {}", value.kind()),
        )
    })?;
    // A comment is for the reader: what YAML cannot hold there, or would read as a line
    // break, is shown as U+FFFD.
    Ok(text
        .chars()
        .map(|c| if printable_inline(c) { c } else { '\u{FFFD}' })
        .collect())
}

/// Whether YAML takes `c` as it is inside a line: printable (YAML 1.2's `c-printable`) and not
/// one of the characters it reads as a line break (NEL, U+2028, U+2029) or a byte-order mark.
fn printable_inline(c: char) -> bool {
    matches!(c, '\t' | ' '..='~' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
        && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}

/// The `yaml(indent)` filter: a mapping as block YAML whose lines after the first are
/// indented by `indent` spaces, for `- {{{ step | yaml(8) }}}`. Keys come in GitHub's usual
/// order (`name`, `id`, `if`, `uses`, `with`, `run`, ...), then the others sorted.
fn yaml(value: Value, indent: usize) -> Result<String, Error> {
    let json = serde_json::to_value(&value)
        .map_err(|e| Error::new(ErrorKind::BadSerialization, e.to_string()))?;
    let serde_json::Value::Object(map) = json else {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            "yaml: expected a mapping",
        ));
    };
    let text = serde_saphyr::to_string(&StepOrder(&map))
        .map_err(|e| Error::new(ErrorKind::BadSerialization, e.to_string()))?;
    let pad = " ".repeat(indent);
    let mut out = String::new();
    for (i, line) in text.trim_end().lines().enumerate() {
        if i > 0 {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(&pad);
            }
        }
        out.push_str(line);
    }
    Ok(out)
}

/// The order of a step's keys in the generated file.
const STEP_KEYS: &[&str] = &[
    "name",
    "id",
    "if",
    "uses",
    "with",
    "shell",
    "working-directory",
    "run",
    "env",
    "continue-on-error",
    "timeout-minutes",
];

/// A step mapping serialized with [`STEP_KEYS`] first.
struct StepOrder<'a>(&'a serde_json::Map<String, serde_json::Value>);

impl Serialize for StepOrder<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let rank = |k: &str| STEP_KEYS.iter().position(|x| *x == k).unwrap_or(usize::MAX);
        let mut entries: Vec<_> = self.0.iter().collect();
        entries.sort_by(|a, b| rank(a.0).cmp(&rank(b.0)).then(a.0.cmp(b.0)));
        let mut map = s.serialize_map(Some(entries.len()))?;
        for (k, v) in entries {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// Words YAML 1.1 or 1.2 reads as something other than a string.
const SPECIAL_WORDS: &[&str] = &[
    "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
];

/// A string as a YAML scalar in block context that reads back as the same string: plain when
/// that is unambiguous (`ubuntu-24.04`, `linux/arm/7`, `v*`, `${{ matrix.target }}`): printable
/// ASCII, starting with a letter, `_`, `/`, `.` or `$`, no `: ` or ` #`, and not a word or
/// number YAML 1.1 or 1.2 reads as another type; single-quoted when it has no line breaks or
/// control characters; otherwise double-quoted with JSON escapes (a subset of YAML's).
pub fn yaml_scalar(s: &str) -> String {
    let lower = s.to_ascii_lowercase();
    let plain = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || "_/.$".contains(c))
        && s.chars().all(|c| c.is_ascii_graphic() || c == ' ')
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with([':', ' '])
        && !SPECIAL_WORDS.contains(&lower.as_str())
        && !(s.starts_with('.') && s != "." && !s.starts_with("./"));
    if plain {
        s.to_string()
    } else if s.chars().all(|c| c != '\t' && printable_inline(c)) {
        format!("'{}'", s.replace('\'', "''"))
    } else {
        double_quoted(s)
    }
}

/// `s` as a YAML double-quoted scalar: `"` and `\` escaped, every character YAML would not
/// keep as it is (control characters, DEL, NEL, U+2028, U+2029, a BOM) as a `\u`/`\U` escape,
/// so that it reads back as exactly `s`.
fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if printable_inline(c) => out.push(c),
            c if (c as u32) <= 0xFFFF => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push_str(&format!("\\U{:08X}", c as u32)),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_read_back_as_the_same_string() {
        let cases = [
            "ubuntu-24.04",
            "linux/arm/7",
            "v*",
            "1.20",
            "1.26",
            "yes",
            "No",
            "null",
            "~",
            "on",
            "",
            " lead",
            "trail ",
            "a: b",
            "x # y",
            "it's",
            "${{ vars.X }}",
            "line\nbreak",
            "tab\there",
            "*alias",
            "&anchor",
            "!tag",
            "-dash",
            "[flow]",
            "{flow}",
            "%dir",
            "@at",
            "`tick`",
            ".5",
            ".inf",
            "0x1F",
            "1e3",
            "\"quoted\"",
            "back\\slash",
            "./cmd/tool",
            "gocross-hello_linux_arm_7",
            "a:b",
            "end:",
            "x#y",
            "${{ hashFiles('go.sum') }}",
            ".github/x",
            "./.hidden",
            "é",
            ".",
            "del\u{7F}x",
            "nel\u{85}x",
            "ls\u{2028}ps\u{2029}",
            "bom\u{FEFF}",
            "cr\rlf",
            "emoji 😀",
            "nul\u{0}",
        ];
        for s in cases {
            let doc = format!("k: {}\n", yaml_scalar(s));
            let back: std::collections::BTreeMap<String, serde_json::Value> =
                serde_saphyr::from_str(&doc).unwrap_or_else(|e| panic!("{doc}: {e}"));
            assert_eq!(back["k"], serde_json::Value::String(s.into()), "{doc}");
        }
        assert_eq!(yaml_scalar("ubuntu-24.04"), "ubuntu-24.04");
        assert_eq!(yaml_scalar("1.20"), "'1.20'");
        assert_eq!(yaml_scalar("it's: x"), "'it''s: x'");
        assert_eq!(yaml_scalar("a\nb"), "\"a\\nb\"");
        assert_eq!(yaml_scalar("${{ matrix.go }}"), "${{ matrix.go }}");
    }

    #[test]
    fn templates_refuse_undefined_values() {
        let err = render(WORKFLOW, &serde_json::json!({})).unwrap_err();
        assert!(matches!(err, GenerateError::Template(_)), "{err}");
    }
}
