//! Decoding throughput of a `GET /volumes/detail` body into the generated types, for
//! `cargo xtask bench` (which synthesizes the body from a real volume and compares with
//! python-cinderclient).
//!
//! `cargo bench -p cinder-client --bench decode -- --bench BODY.json [ITERATIONS]` decodes the
//! file ITERATIONS times (default 10, after one warm-up) and prints one JSON line: the body's
//! size, the number of volumes and the seconds each decode took. Without `--bench` (as
//! `cargo test --all-targets` runs it) it decodes a small built-in body once, as a smoke test.

use std::hint::black_box;
use std::time::Instant;

use cinder_client::types::VolumeDetailList;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(at) = args.iter().position(|a| a == "--bench") else {
        smoke();
        return;
    };
    let path = args
        .get(at + 1)
        .filter(|a| !a.starts_with("--"))
        .expect("usage: decode --bench BODY.json [ITERATIONS]");
    let iterations: usize = args
        .get(at + 2)
        .map(|n| n.parse().expect("ITERATIONS is a number"))
        .unwrap_or(10);
    let body = std::fs::read(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    let mut seconds = Vec::with_capacity(iterations);
    let mut volumes = 0;
    for round in 0..=iterations {
        let started = Instant::now();
        let list: VolumeDetailList = serde_json::from_slice(black_box(&body))
            .unwrap_or_else(|e| panic!("{path} is not a volume detail list: {e}"));
        let elapsed = started.elapsed().as_secs_f64();
        volumes = black_box(list).volumes.len();
        if round > 0 {
            seconds.push(elapsed);
        }
    }
    println!(
        "{}",
        serde_json::json!({"bytes": body.len(), "volumes": volumes, "seconds": seconds})
    );
}

/// Decodes a two-volume body once, so that `cargo test --all-targets` checks this still
/// builds and runs.
fn smoke() {
    let volume = serde_json::json!({
        "attachments": [], "availability_zone": "nova", "bootable": "false",
        "consistencygroup_id": null, "created_at": "2026-01-01T00:00:00.000000",
        "description": null, "encrypted": false, "id": "00000000-0000-4000-8000-000000000001",
        "links": [], "metadata": {}, "multiattach": false, "name": "smoke",
        "replication_status": null, "size": 1, "snapshot_id": null, "source_volid": null,
        "status": "available", "updated_at": null, "user_id": "u", "volume_type": "__DEFAULT__"
    });
    let body = serde_json::json!({ "volumes": [volume.clone(), volume] }).to_string();
    let list: VolumeDetailList = serde_json::from_str(&body).expect("the smoke body decodes");
    assert_eq!(list.volumes.len(), 2);
}
