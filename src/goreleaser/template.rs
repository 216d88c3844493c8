//! GoReleaser's Go templates turned into gocross placeholders.
//!
//! Only plain field references map, each to the placeholder that stands for the same value:
//! `.Version` → `{{version}}`, `.Tag` → `{{tag}}`, `.Commit` and `.FullCommit` →
//! `{{commit}}`, `.ShortCommit` → `{{short_commit}}`, `.Date` and `.CommitDate` → `{{date}}`
//! (gocross stamps the commit date, never the clock), `.Env.X` → `{{env.X}}`,
//! `.ProjectName` → `{{project}}`, `.Binary` → `{{binary}}`, `.Os` → `{{goos}}`, `.Arch` →
//! `{{goarch}}`; and in names, the idioms `{{ if .Arm }}v{{ .Arm }}{{ end }}` and
//! `{{ with .Arm }}v{{ . }}{{ end }}` → `{{variant}}`. Anything else (functions, pipelines,
//! conditions, other fields) has no gocross equivalent and is refused with the expression, and
//! so is `.Env.X` of a secret variable ([`crate::secrets::is_secret`]), which gocross never
//! puts into a name or a flag.
//! The `{{-` and `-}}` trim markers trim the text beside them as Go does.

/// One piece of a template: text, or the expression inside one `{{ }}`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Action(String),
}

/// Splits a template into text and actions, applying trim markers. An unclosed `{{` is text.
fn pieces(template: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut rest = template;
    let mut trim_next = false;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open..].find("}}").map(|c| open + c) else {
            break;
        };
        let mut text = &rest[..open];
        if trim_next {
            text = text.trim_start();
        }
        let mut inner = &rest[open + 2..close];
        if let Some(stripped) = inner.strip_prefix("- ").or(inner.strip_prefix("-\n")) {
            text = text.trim_end();
            inner = stripped;
        }
        trim_next = false;
        if let Some(stripped) = inner.strip_suffix(" -").or(inner.strip_suffix("\n-")) {
            trim_next = true;
            inner = stripped;
        }
        if !text.is_empty() {
            out.push(Piece::Text(text.to_string()));
        }
        out.push(Piece::Action(inner.trim().to_string()));
        rest = &rest[close + 2..];
    }
    let text = if trim_next { rest.trim_start() } else { rest };
    if !text.is_empty() {
        out.push(Piece::Text(text.to_string()));
    }
    out
}

/// The placeholder of a plain field reference, `None` for anything else.
fn placeholder(expr: &str) -> Option<String> {
    let simple = match expr {
        ".Version" => "version",
        ".Tag" => "tag",
        ".Commit" | ".FullCommit" => "commit",
        ".ShortCommit" => "short_commit",
        ".Date" | ".CommitDate" => "date",
        ".ProjectName" => "project",
        ".Binary" => "binary",
        ".Os" => "goos",
        ".Arch" => "goarch",
        _ => {
            let name = env_reference(expr)?;
            return (!crate::secrets::is_secret(name)).then(|| format!("{{{{env.{name}}}}}"));
        }
    };
    Some(format!("{{{{{simple}}}}}"))
}

/// NAME of the expression `.Env.NAME`, when NAME can be a variable's name.
fn env_reference(expr: &str) -> Option<&str> {
    expr.strip_prefix(".Env.")
        .filter(|name| crate::template::is_env_name(name))
}

/// NAME of a template that is `{{ .Env.NAME }}` alone (a token GoReleaser reads from a
/// variable).
pub fn env_variable(template: &str) -> Option<String> {
    match pieces(template.trim()).as_slice() {
        [Piece::Action(expr)] => env_reference(expr).map(str::to_string),
        _ => None,
    }
}

/// Maps a GoReleaser template to gocross placeholders; `Err` holds the first expression that
/// has no equivalent, as written (`{{ .IsSnapshot }}`).
pub fn map(template: &str) -> Result<String, String> {
    let pieces = pieces(template);
    let mut out = String::new();
    let mut i = 0;
    while i < pieces.len() {
        // `{{ if .Arm }}v{{ .Arm }}{{ end }}` and `{{ with .Arm }}v{{ . }}{{ end }}`.
        if let [
            Piece::Action(open),
            Piece::Text(v),
            Piece::Action(value),
            Piece::Action(end),
            ..,
        ] = &pieces[i..]
            && v == "v"
            && end == "end"
            && ((open == "if .Arm" && value == ".Arm") || (open == "with .Arm" && value == "."))
        {
            out.push_str("{{variant}}");
            i += 4;
            continue;
        }
        match &pieces[i] {
            Piece::Text(t) => out.push_str(t),
            Piece::Action(expr) => match placeholder(expr) {
                Some(p) => out.push_str(&p),
                None if expr
                    .strip_prefix(".Env.")
                    .is_some_and(crate::secrets::is_secret) =>
                {
                    return Err(format!(
                        "{{{{ {expr} }}}} (a secret variable, which gocross never publishes)"
                    ));
                }
                None => return Err(format!("{{{{ {expr} }}}}")),
            },
        }
        i += 1;
    }
    Ok(out)
}

/// Whether a string holds a template action at all.
pub fn is_template(s: &str) -> bool {
    s.contains("{{")
}

/// What happened to one `-ldflags` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappedFlags {
    /// The entry with placeholders, without the words that did not map (empty when none is
    /// left).
    pub value: String,
    /// The words (or `-X name=value` pairs) left out, each with the expression that has no
    /// equivalent.
    pub dropped: Vec<(String, String)>,
}

/// Maps one `ldflags` entry. When the whole entry does not map, it is taken apart at spaces
/// outside `{{ }}`: a word that does not map is left out, with the `-X` before it; an entry
/// with a condition or a loop (`{{ if }}`, `{{ range }}`) is left out whole.
pub fn map_flags(entry: &str) -> MappedFlags {
    if let Ok(value) = map(entry) {
        return MappedFlags {
            value,
            dropped: Vec::new(),
        };
    }
    let control = pieces(entry).iter().any(|p| {
        matches!(p, Piece::Action(a) if ["if ", "with ", "range ", "end", "else", "define ", "block "]
            .iter()
            .any(|k| a.starts_with(k)))
    });
    if control {
        let expr = map(entry).err().unwrap_or_default();
        return MappedFlags {
            value: String::new(),
            dropped: vec![(entry.to_string(), expr)],
        };
    }
    let words = split_words(entry);
    let mut kept: Vec<String> = Vec::new();
    let mut dropped = Vec::new();
    for word in words {
        match map(&word) {
            Ok(w) => kept.push(w),
            Err(expr) => {
                let dropped_word = if kept.last().is_some_and(|w| w == "-X") {
                    kept.pop();
                    format!("-X {word}")
                } else {
                    word
                };
                dropped.push((dropped_word, expr));
            }
        }
    }
    MappedFlags {
        value: kept.join(" "),
        dropped,
    }
}

/// Splits at whitespace outside `{{ }}`.
fn split_words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut depth = 0usize;
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '{' && chars.get(i + 1) == Some(&'{') {
            depth += 1;
            word.push_str("{{");
            i += 2;
            continue;
        }
        if c == '}' && chars.get(i + 1) == Some(&'}') && depth > 0 {
            depth -= 1;
            word.push_str("}}");
            i += 2;
            continue;
        }
        if c.is_whitespace() && depth == 0 {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
        } else {
            word.push(c);
        }
        i += 1;
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_map_to_placeholders() {
        assert_eq!(
            map("-s -w -X main.version={{.Version}} -X main.commit={{ .Commit }} -X main.date={{ .CommitDate }}")
                .unwrap(),
            "-s -w -X main.version={{version}} -X main.commit={{commit}} -X main.date={{date}}"
        );
        assert_eq!(
            map("{{.Tag}} {{.ShortCommit}} {{.FullCommit}} {{.Date}} {{.Env.GITHUB_SHA}} {{.ProjectName}} {{.Os}}/{{.Arch}} {{.Binary}}").unwrap(),
            "{{tag}} {{short_commit}} {{commit}} {{date}} {{env.GITHUB_SHA}} {{project}} {{goos}}/{{goarch}} {{binary}}"
        );
        assert_eq!(map("no template").unwrap(), "no template");
    }

    #[test]
    fn other_expressions_are_refused_with_what_was_written() {
        assert_eq!(map("x={{ .IsGitDirty }}").unwrap_err(), "{{ .IsGitDirty }}");
        assert_eq!(map("{{ title .Os }}").unwrap_err(), "{{ title .Os }}");
        assert_eq!(map("{{ .Env.A-B }}").unwrap_err(), "{{ .Env.A-B }}");
        assert_eq!(
            map("{{ .Version | replace \"v\" \"\" }}").unwrap_err(),
            "{{ .Version | replace \"v\" \"\" }}"
        );
    }

    #[test]
    fn the_arm_idioms_are_the_variant_and_trim_markers_trim() {
        assert_eq!(
            map("{{ .ProjectName }}-{{ .Version }}-{{ .Os }}_{{ .Arch }}{{ if .Arm }}v{{ .Arm }}{{ end }}")
                .unwrap(),
            "{{project}}-{{version}}-{{goos}}_{{goarch}}{{variant}}"
        );
        assert_eq!(
            map("{{ .Binary }}_{{ .Os }}_{{ .Arch }}{{ with .Arm }}v{{ . }}{{ end }}").unwrap(),
            "{{binary}}_{{goos}}_{{goarch}}{{variant}}"
        );
        assert_eq!(
            map("{{ .ProjectName }}_\n  {{- .Os }}_\n  {{- .Arch }}").unwrap(),
            "{{project}}_{{goos}}_{{goarch}}"
        );
    }

    #[test]
    fn flags_drop_only_what_does_not_map() {
        let m = map_flags(
            "-s -w -X main.version={{.Version}} -X main.treeState={{ .IsGitDirty }} -X main.builtBy=goreleaser",
        );
        assert_eq!(
            m.value,
            "-s -w -X main.version={{version}} -X main.builtBy=goreleaser"
        );
        assert_eq!(
            m.dropped,
            [(
                "-X main.treeState={{ .IsGitDirty }}".to_string(),
                "{{ .IsGitDirty }}".to_string()
            )]
        );
        let m = map_flags("{{if .IsNightly}}-X example.com/v.version={{.Version}}{{end}}");
        assert_eq!(m.value, "");
        assert_eq!(m.dropped.len(), 1);
        assert_eq!(m.dropped[0].1, "{{ if .IsNightly }}");
    }
}
