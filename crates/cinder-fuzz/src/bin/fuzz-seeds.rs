//! Writes each fuzz target's seeds into `<dir>/<target>/` (default `fuzz/corpus`), where
//! `cargo fuzz run <target>` starts from: `cargo run -p cinder-fuzz --bin fuzz-seeds [dir]`.
//! Files are named by content, so running it again adds nothing twice.

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| cinder_fuzz::seeds::workspace_root().join("fuzz/corpus"));
    for name in cinder_fuzz::TARGETS {
        let target_dir = dir.join(name);
        std::fs::create_dir_all(&target_dir)?;
        let seeds = cinder_fuzz::material(name).seeds;
        for seed in &seeds {
            let hash = seed.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
            });
            std::fs::write(target_dir.join(format!("seed-{hash:016x}")), seed)?;
        }
        println!("{}: {} seeds", target_dir.display(), seeds.len());
    }
    Ok(())
}
