//! The integration tests: one crate, linked once, that runs the real `gocross` binary on real
//! Go modules, toolchains, QEMU and validators. Each module holds the tests of one area.

mod act;
mod action;
mod action_install;
mod archives;
mod audit;
mod audit_malformed;
mod audit_mutations;
mod audit_policy;
mod build;
mod channels;
mod ci;
mod common;
mod config;
mod fake_github;
mod firsthour;
mod firsttry;
mod foundation;
mod goreleaser;
mod gotest;
mod hardening;
mod hostile_registry;
mod image;
mod packages;
mod release;
mod report;
mod trust_files;
mod verify;
