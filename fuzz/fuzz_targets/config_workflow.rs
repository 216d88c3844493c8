//! Fuzz target for gocross.yaml and the workflow it renders: any config the parser accepts
//! renders a workflow (or a clear error) that parses back as YAML with every value the user
//! wrote intact: branches, tag patterns, the legs' environment, the extra steps and the
//! action reference. With `GOCROSS_FUZZ_OUT=DIR`, each rendered workflow is also written to
//! DIR (named by its digest), so that `fuzz/check-rendered.sh DIR` runs zizmor (pedantic) and
//! actionlint over every distinct workflow the run produced.
#![no_main]

use gocross::config::{Config, GoMod};
use gocross::generate::{self, GenerateError, Layout};
use gocross::plan::{self, PlanContext};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use std::path::Path;

const ACTION: &str = "gocross/gocross@0123456789abcdef0123456789abcdef01234567";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let module = GoMod::parse("module example.com/fuzz\ngo 1.22\n").expect("a go.mod");
    let Ok(mut config) = Config::parse(text, Path::new("gocross.yaml"), Some(&module)) else {
        return;
    };
    config.ci.action.get_or_insert_with(|| ACTION.into());
    let go = generate::go_release(&config, Some(&module));
    let ctx = PlanContext::runners(generate::context::planned_go(&go));
    let Ok(plan) = plan::plan(&config, &ctx, &[]) else {
        return;
    };
    let rendered = match generate::render(&config, &plan, &Layout::default(), &go) {
        Ok(r) => r,
        // Refusals of a config that cannot run on GitHub, with the reason.
        Err(
            GenerateError::Toolchain { .. }
            | GenerateError::TooManyLegs { .. }
            | GenerateError::Image(_),
        ) => return,
        Err(e) => panic!("an accepted config failed to render: {e}\n{text}"),
    };
    let workflow: Value =
        serde_saphyr::from_str(&rendered.text).expect("render() parses its text back");
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect())
            .unwrap_or_default()
    };
    assert_eq!(strings(&workflow["on"]["push"]["branches"]), config.ci.branches, "{text}");
    assert_eq!(strings(&workflow["on"]["push"]["tags"]), config.ci.tags, "{text}");
    for (name, value) in &config.ci.env {
        assert_eq!(
            workflow["jobs"]["build"]["env"][name].as_str(),
            Some(value.as_str()),
            "env {name}: {text}"
        );
    }
    let steps = workflow["jobs"]["build"]["steps"].as_array().expect("build steps");
    for step in config.ci.steps_before_build.iter().chain(&config.ci.steps_after_build) {
        assert!(steps.contains(step), "step {step} changed on the way:\n{}", rendered.text);
    }
    assert!(rendered.text.contains(config.ci.action.as_deref().unwrap_or_default()));
    if let Ok(dir) = std::env::var("GOCROSS_FUZZ_OUT") {
        let name = gocross::digest::sha256_hex(rendered.text.as_bytes());
        let _ = std::fs::write(Path::new(&dir).join(format!("{}.yml", &name[..16])), &rendered.text);
    }
});
