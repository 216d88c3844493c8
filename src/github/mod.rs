//! GitHub: workflow commands, outputs and the step summary inside a job ([`actions`]); the
//! REST client with rate-limit handling ([`client`]); releases whose assets are checked
//! before they are published ([`release`]); check runs and pull-request comments
//! ([`report`]).

pub mod actions;
pub mod client;
pub mod release;
pub mod report;
