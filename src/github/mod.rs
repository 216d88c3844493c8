//! GitHub: workflow commands, outputs and the step summary inside a job ([`actions`]).

pub mod actions;
