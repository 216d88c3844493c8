//! GoReleaser's Go templates evaluated as GoReleaser evaluates them, for one target: the
//! names an imported config gave its assets (archives, the checksums file), so that the
//! import can compare them with the names gocross gives and show each one that changes.
//!
//! The engine is `gtmpl`, a port of Go's `text/template` (conditions, `with`, pipelines,
//! `eq`, `and`, `printf`, trim markers); GoReleaser's own functions that names use are added
//! (`title`, `tolower`, `toupper`, `replace`, `trim`, `trimprefix`, `trimsuffix`,
//! `contains`: <https://goreleaser.com/customization/templates/#functions>). The fields are
//! GoReleaser's (<https://goreleaser.com/customization/templates/#fields>): the project and
//! version fields, and per target `.Os`, `.Arch`, `.Arm`, `.Amd64`, `.I386`, `.Arm64`,
//! `.Mips`, `.Ppc64`, `.Riscv64` and `.Target`, with a v1 archive's `replacements` applied
//! to `.Os`, `.Arch`, `.Arm`, `.Mips` and `.Amd64` as GoReleaser v1 did. A field GoReleaser
//! does not know, or one that only a release has (`.ReleaseURL`, `.Now`), is an error, as
//! in GoReleaser, which renders with `missingkey=error`. `.Env.NAME` is `$NAME`
//! ([`sample_env`]): the environment is the build's, not the importer's.

use super::targets::goreleaser_fields;
use crate::targets::Target;
use gtmpl::{Context, Func, FuncError, Template, Value};
use std::collections::{BTreeMap, HashMap};

/// GoReleaser's default archive name (`internal/pipe/archive` in v1.18 and v2).
pub const DEFAULT_ARCHIVE_TEMPLATE: &str = "{{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}{{ with .Arm }}v{{ . }}{{ end }}{{ with .Mips }}_{{ . }}{{ end }}{{ if not (eq .Amd64 \"v1\") }}{{ .Amd64 }}{{ end }}";

/// GoReleaser's default checksums file name (`internal/pipe/checksums`).
pub const DEFAULT_CHECKSUM_TEMPLATE: &str = "{{ .ProjectName }}_{{ .Version }}_checksums.txt";

/// The release the names are shown for: any version gives the same comparison, since
/// gocross's and GoReleaser's names take it alike; this one reads as an example.
pub const SAMPLE_VERSION: &str = "1.2.3";
const SAMPLE_COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";
const SAMPLE_DATE: &str = "2026-01-02T03:04:05Z";
const SAMPLE_TAG: &str = "v1.2.3";

/// What a template is evaluated for: the project, the binary, a target (`None` for names
/// of the whole release such as the checksums file), and a v1 archive's `replacements`.
pub struct Fields<'a> {
    pub project: &'a str,
    pub binary: &'a str,
    pub target: Option<&'a Target>,
    pub replacements: &'a BTreeMap<String, String>,
}

impl Fields<'_> {
    /// The values gocross's placeholders take for the same release
    /// ([`crate::template::Values`]).
    pub fn gocross_values(&self) -> crate::template::Values<'_> {
        crate::template::Values {
            version: SAMPLE_VERSION,
            tag: SAMPLE_TAG,
            commit: SAMPLE_COMMIT,
            date: SAMPLE_DATE,
            project: self.project,
            binary: Some(self.binary),
            target: self.target,
        }
    }
}

/// Renders `template` as GoReleaser would for `fields`; `Err` says why it cannot be (a
/// parse error, a field or function GoReleaser's names cannot use here).
pub fn render(template: &str, fields: &Fields<'_>) -> Result<String, String> {
    evaluate(template, fields, &SAMPLE)
}

/// `template`'s name for `fields.target` as a gocross name template: GoReleaser's name with
/// the release's fields left as gocross's placeholders (`.Version` as `{{version}}`,
/// `.Tag` as `{{tag}}`, `.ProjectName` as `{{project}}`, `.Env.NAME` as `{{env.NAME}}`...),
/// so that `croc_{{.Version}}_{{.Os}}` gives linux/amd64 `croc_{{version}}_Linux`
/// (replacements applied). `None` when no gocross name follows GoReleaser's for every
/// release: the template cannot be evaluated, applies a function to such a field
/// (`replace .Version "." "-"`, `title .ProjectName`), or uses one that has no placeholder
/// (`.Major`); found by filling the result with the sample release and comparing it with
/// GoReleaser's name for that release.
pub fn as_gocross(template: &str, fields: &Fields<'_>) -> Option<String> {
    let symbolic = evaluate(template, fields, &PLACEHOLDERS).ok()?;
    let parsed =
        crate::template::Template::parse(&symbolic, crate::template::Placeholder::ARCHIVE_NAME)
            .ok()?;
    let filled = parsed
        .render(&fields.gocross_values(), &|name: &str| {
            Some(sample_env(name))
        })
        .ok()?;
    (Ok(filled) == render(template, fields)).then_some(symbolic)
}

/// The values of GoReleaser's release fields in one evaluation.
struct Release {
    /// `.ProjectName`; `None`: the project's name.
    project: Option<&'static str>,
    version: &'static str,
    tag: &'static str,
    major: &'static str,
    minor: &'static str,
    patch: &'static str,
    commit: &'static str,
    short_commit: &'static str,
    date: &'static str,
    commit_date: &'static str,
    /// `.Env.NAME`: `None` for [`sample_env`], else a gocross placeholder.
    env_placeholder: bool,
}

/// The example release whose names are shown.
const SAMPLE: Release = Release {
    project: None,
    version: SAMPLE_VERSION,
    tag: SAMPLE_TAG,
    major: "1",
    minor: "2",
    patch: "3",
    commit: SAMPLE_COMMIT,
    short_commit: SAMPLE_COMMIT.split_at(7).0,
    date: SAMPLE_DATE,
    commit_date: SAMPLE_DATE,
    env_placeholder: false,
};

/// gocross's placeholders, and for fields gocross has none of, text that is no placeholder
/// (`{{major}}`), so that a name using them is refused.
const PLACEHOLDERS: Release = Release {
    project: Some("{{project}}"),
    version: "{{version}}",
    tag: "{{tag}}",
    major: "{{major}}",
    minor: "{{minor}}",
    patch: "{{patch}}",
    commit: "{{commit}}",
    short_commit: "{{short_commit}}",
    date: "{{date}}",
    commit_date: "{{commit_date}}",
    env_placeholder: true,
};

fn evaluate(template: &str, fields: &Fields<'_>, release: &Release) -> Result<String, String> {
    let mut tpl = Template::default();
    let funcs: &[(&str, Func)] = &[
        ("title", title),
        ("tolower", tolower),
        ("toupper", toupper),
        ("replace", replace),
        ("trim", trim),
        ("trimprefix", trimprefix),
        ("trimsuffix", trimsuffix),
        ("contains", contains),
    ];
    tpl.add_funcs(funcs);
    tpl.parse(template).map_err(|e| e.to_string())?;
    let mut data: HashMap<String, Value> = HashMap::new();
    let mut set = |k: &str, v: &str| {
        data.insert(k.to_string(), Value::String(v.to_string()));
    };
    set("ProjectName", release.project.unwrap_or(fields.project));
    set("Binary", fields.binary);
    set("Version", release.version);
    set("RawVersion", release.version);
    set("Tag", release.tag);
    set("Major", release.major);
    set("Minor", release.minor);
    set("Patch", release.patch);
    set("Prerelease", "");
    set("Commit", release.commit);
    set("FullCommit", release.commit);
    set("ShortCommit", release.short_commit);
    set("Date", release.date);
    set("CommitDate", release.commit_date);
    for flag in ["IsSnapshot", "IsNightly", "IsDraft", "IsGitDirty"] {
        data.insert(flag.into(), Value::Bool(false));
    }
    data.insert("IsGitClean".into(), Value::Bool(true));
    if let Some(t) = fields.target {
        let f = goreleaser_fields(t);
        let replaced = |v: &str| {
            fields
                .replacements
                .get(v)
                .cloned()
                .unwrap_or_else(|| v.to_string())
        };
        let mut set = |k: &str, v: String| {
            data.insert(k.to_string(), Value::String(v));
        };
        set("Os", replaced(&f.goos));
        set("Arch", replaced(&f.goarch));
        for (key, var) in [
            ("Arm", "goarm"),
            ("Amd64", "goamd64"),
            ("I386", "go386"),
            ("Arm64", "goarm64"),
            ("Mips", "gomips"),
            ("Ppc64", "goppc64"),
            ("Riscv64", "goriscv64"),
        ] {
            let value = if f.sub_var == Some(var) {
                f.sub_value.clone()
            } else {
                String::new()
            };
            let replaceable = matches!(key, "Arm" | "Amd64" | "Mips");
            set(key, if replaceable { replaced(&value) } else { value });
        }
        set(
            "Target",
            match &f.sub_value {
                v if v.is_empty() => format!("{}_{}", f.goos, f.goarch),
                v => format!("{}_{}_{v}", f.goos, f.goarch),
            },
        );
    }
    let env: HashMap<String, Value> = env_names(template)
        .into_iter()
        .map(|name| {
            let value = Value::String(if release.env_placeholder {
                format!("{{{{env.{name}}}}}")
            } else {
                sample_env(&name)
            });
            (name, value)
        })
        .collect();
    data.insert("Env".into(), Value::Object(env));
    tpl.render(&Context::from(Value::Object(data)))
        .map_err(|e| match e {
            // Its text would print every field's value.
            gtmpl::error::ExecError::NoFiledFor(field, _) => format!("no field `.{field}`"),
            e => e.to_string(),
        })
}

/// What `.Env.NAME` and gocross's `{{env.NAME}}` are both filled with for the comparison:
/// the variable's name, never its value (which may be a secret, and differs between
/// machines).
pub fn sample_env(name: &str) -> String {
    format!("${name}")
}

/// The names a template reads as `.Env.NAME`.
fn env_names(template: &str) -> Vec<String> {
    template
        .match_indices(".Env.")
        .map(|(at, m)| {
            template[at + m.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .collect()
}

/// The string arguments of a function, `Err` when one is not a string.
fn strings<'a>(name: &str, args: &'a [Value], n: usize) -> Result<Vec<&'a str>, FuncError> {
    if args.len() != n {
        return Err(FuncError::ExactlyXArgs(name.to_string(), n));
    }
    args.iter()
        .map(|a| match a {
            Value::String(s) => Ok(s.as_str()),
            _ => Err(FuncError::Generic(format!(
                "{name}: arguments must be strings"
            ))),
        })
        .collect()
}

fn title(args: &[Value]) -> Result<Value, FuncError> {
    let s = strings("title", args, 1)?[0];
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = !c.is_alphanumeric() && c != '\'';
    }
    Ok(Value::String(out))
}

fn tolower(args: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::String(
        strings("tolower", args, 1)?[0].to_lowercase(),
    ))
}

fn toupper(args: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::String(
        strings("toupper", args, 1)?[0].to_uppercase(),
    ))
}

/// `replace S OLD NEW` (Go's `strings.ReplaceAll`).
fn replace(args: &[Value]) -> Result<Value, FuncError> {
    let a = strings("replace", args, 3)?;
    Ok(Value::String(a[0].replace(a[1], a[2])))
}

fn trim(args: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::String(
        strings("trim", args, 1)?[0].trim().to_string(),
    ))
}

fn trimprefix(args: &[Value]) -> Result<Value, FuncError> {
    let a = strings("trimprefix", args, 2)?;
    Ok(Value::String(
        a[0].strip_prefix(a[1]).unwrap_or(a[0]).to_string(),
    ))
}

fn trimsuffix(args: &[Value]) -> Result<Value, FuncError> {
    let a = strings("trimsuffix", args, 2)?;
    Ok(Value::String(
        a[0].strip_suffix(a[1]).unwrap_or(a[0]).to_string(),
    ))
}

fn contains(args: &[Value]) -> Result<Value, FuncError> {
    let a = strings("contains", args, 2)?;
    Ok(Value::Bool(a[0].contains(a[1])))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(template: &str, target: &str, replacements: &[(&str, &str)]) -> String {
        let t: Target = target.parse().unwrap();
        let r: BTreeMap<String, String> = replacements
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        render(
            template,
            &Fields {
                project: "croc",
                binary: "croc",
                target: Some(&t),
                replacements: &r,
            },
        )
        .unwrap()
    }

    #[test]
    fn goreleasers_default_name_and_the_usual_idioms() {
        let default = DEFAULT_ARCHIVE_TEMPLATE;
        assert_eq!(name(default, "linux/arm/7", &[]), "croc_1.2.3_linux_armv7");
        assert_eq!(name(default, "linux/amd64", &[]), "croc_1.2.3_linux_amd64");
        assert_eq!(
            name(default, "linux/amd64/v3", &[]),
            "croc_1.2.3_linux_amd64v3"
        );
        assert_eq!(
            name(default, "linux/mips", &[]),
            "croc_1.2.3_linux_mips_hardfloat"
        );
        let title = "{{ .ProjectName }}_{{ title .Os }}_{{ if eq .Arch \"amd64\" }}x86_64{{ else if eq .Arch \"386\" }}i386{{ else }}{{ .Arch }}{{ end }}{{ if .Arm }}v{{ .Arm }}{{ end }}";
        assert_eq!(name(title, "darwin/amd64", &[]), "croc_Darwin_x86_64");
        assert_eq!(name(title, "linux/arm/6", &[]), "croc_Linux_armv6");
        assert_eq!(
            name(
                "{{ replace .Version \".\" \"-\" }}-{{ tolower (trimprefix .Tag \"v\") }}",
                "linux/386",
                &[]
            ),
            "1-2-3-1.2.3"
        );
        let kubectx = "kubectx_{{ .Tag }}_{{ .Os }}_{{ .Arch -}}\n{{- with .Arm -}}\n  {{- if (eq . \"6\") -}}hf\n  {{- else -}}v{{- . -}}\n  {{- end -}}\n{{- end -}}";
        assert_eq!(
            name(kubectx, "linux/arm/6", &[("amd64", "x86_64")]),
            "kubectx_v1.2.3_linux_armhf"
        );
        assert_eq!(
            name(kubectx, "linux/amd64", &[("amd64", "x86_64")]),
            "kubectx_v1.2.3_linux_x86_64"
        );
    }

    #[test]
    fn names_as_gocross_keep_the_release_as_placeholders() {
        let t: Target = "linux/arm/6".parse().unwrap();
        let r: BTreeMap<String, String> = [("linux".to_string(), "Linux".to_string())].into();
        let f = Fields {
            project: "kubectx",
            binary: "kubectx",
            target: Some(&t),
            replacements: &r,
        };
        let kubectx = "{{ .ProjectName }}_{{ .Tag }}_{{ .Os }}_{{ .Arch -}}{{- with .Arm -}}{{- if (eq . \"6\") -}}hf{{- else -}}v{{- . -}}{{- end -}}{{- end -}}";
        assert_eq!(
            as_gocross(kubectx, &f).as_deref(),
            Some("{{project}}_{{tag}}_Linux_armhf")
        );
        assert_eq!(
            as_gocross("x_{{ title .Os }}_{{ .Version }}_{{ .Env.ARCH }}", &f).as_deref(),
            Some("x_Linux_{{version}}_{{env.ARCH}}")
        );
        assert_eq!(
            as_gocross("{{ .ProjectName }}_{{ trimprefix .Tag \"x\" }}", &f).as_deref(),
            Some("{{project}}_{{tag}}"),
            "a function that leaves the value alone"
        );
        // A function of the version, or a field with no placeholder: no gocross name.
        for changed in [
            "x_{{ title .Version }}",
            "x_{{ replace .Version \".\" \"-\" }}",
            "x_{{ title .ProjectName }}",
            "x_{{ trimprefix .Tag \"v\" }}",
            "x_{{ .Major }}",
        ] {
            assert_eq!(as_gocross(changed, &f), None, "{changed}");
        }
    }

    #[test]
    fn unknown_fields_are_errors() {
        let t: Target = "linux/amd64".parse().unwrap();
        let f = Fields {
            project: "x",
            binary: "x",
            target: Some(&t),
            replacements: &BTreeMap::new(),
        };
        assert!(render("{{ .ReleaseURL }}", &f).is_err());
        assert!(render("{{ nosuchfunc .Os }}", &f).is_err());
        assert!(render("{{ if }}", &f).is_err());
    }
}
