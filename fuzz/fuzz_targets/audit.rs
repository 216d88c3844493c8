//! Fuzz target for the audit entry point: any bytes must give a report (no panic, no hang, no
//! unbounded allocation), and the report must serialize as `gocross audit --json` prints it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let report = gocross::audit::audit_bytes("fuzz", data);
    let _ = serde_json::to_vec(&report).expect("a report always serializes");
});
