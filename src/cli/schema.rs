//! `gocross schema`: the JSON Schema of gocross.yaml, generated from the config types.

use super::{Outcome, output};
use anyhow::Result;
use gocross::config::Config;

pub fn run() -> Result<Outcome> {
    let schema = schemars::schema_for!(Config);
    output::print_json(&schema)?;
    Ok(Outcome::Success)
}
