//! The short run: every seed as is, then a fixed number of mutated inputs from a fixed seed,
//! each handed to a target. It is bounded by iterations, not time, and draws the same inputs
//! on every machine, so it cannot flake; `CINDER_FUZZ_ITERATIONS` and `CINDER_FUZZ_SEED`
//! make it longer or different on request.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use crate::mutate::{mutate, Material, Rng, Shape};

/// One target's short run.
pub struct ShortRun {
    /// The target's name (as under `fuzz/fuzz_targets/`).
    pub name: &'static str,
    /// The target.
    pub target: fn(&[u8]),
    /// Its inputs' shape, for the mutators.
    pub shape: Shape,
    /// Seeds and tokens.
    pub material: Material,
    /// Mutated inputs to try unless `CINDER_FUZZ_ITERATIONS` says otherwise.
    pub iterations: u64,
}

/// What a run did.
#[derive(Debug)]
pub struct Report {
    /// Seeds run as they are.
    pub seeds: usize,
    /// Mutated inputs run.
    pub iterations: u64,
    /// The generator's seed.
    pub seed: u64,
}

impl ShortRun {
    /// Runs the seeds, then the mutated inputs; panics on the first input that makes the
    /// target panic, after saving it to `target/fuzz-failures/<name>-<hash>` and printing it.
    pub fn run(&self) -> Report {
        for seed in &self.material.seeds {
            self.try_input(seed, "seed");
        }
        let iterations = env_number("CINDER_FUZZ_ITERATIONS").unwrap_or(self.iterations);
        let seed = env_number("CINDER_FUZZ_SEED").unwrap_or_else(|| default_seed(self.name));
        let mut rng = Rng::new(seed);
        for iteration in 0..iterations {
            let base = if self.material.seeds.is_empty() {
                &[][..]
            } else {
                &rng.pick(&self.material.seeds)[..]
            };
            let input = mutate(&mut rng, base, self.shape, &self.material);
            self.try_input(
                &input,
                &format!("iteration {iteration} of seed {seed} (CINDER_FUZZ_SEED={seed})"),
            );
        }
        Report {
            seeds: self.material.seeds.len(),
            iterations,
            seed,
        }
    }

    fn try_input(&self, input: &[u8], origin: &str) {
        if catch_unwind(AssertUnwindSafe(|| (self.target)(input))).is_ok() {
            return;
        }
        let saved = save_failure(self.name, input);
        let shown: String = String::from_utf8_lossy(&input[..input.len().min(2000)]).into_owned();
        panic!(
            "fuzz target {name} failed on {origin} (the panic is printed above).\n\
             input ({len} bytes, saved to {saved}): {shown:?}\n\
             replay: cargo +nightly fuzz run {name} {saved}, or add it to a regression test",
            name = self.name,
            len = input.len(),
        );
    }
}

/// A seed derived from the target's name, so that targets do not share a sequence.
fn default_seed(name: &str) -> u64 {
    fnv1a(name.as_bytes())
}

/// FNV-1a: a stable hash (std's `DefaultHasher` may change between Rust releases).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn env_number(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    match value.trim().parse() {
        Ok(number) => Some(number),
        Err(_) => panic!("{name}={value:?} is not a number"),
    }
}

fn save_failure(name: &str, input: &[u8]) -> String {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::seeds::workspace_root().join("target"))
        .join("fuzz-failures");
    let path = dir.join(format!("{name}-{:016x}", fnv1a(input)));
    match std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, input)) {
        Ok(()) => path.display().to_string(),
        Err(e) => format!("nowhere ({}: {e})", path.display()),
    }
}
