//! GitHub: the REST client with rate-limit handling ([`client`]); releases whose assets are checked
//! before they are published ([`release`]); check runs and pull-request comments
//! ([`report`]).

pub mod client;
pub mod release;
pub mod report;
