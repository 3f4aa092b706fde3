//! `cargo +nightly fuzz run cli_args`: [`cinder_fuzz::targets::cli_args`], with libFuzzer's own
//! mutations and, half of the time, the shape-aware ones of `cinder_fuzz::mutate`.
#![no_main]

use libfuzzer_sys::{fuzz_mutator, fuzz_target};

fuzz_target!(|data: &[u8]| cinder_fuzz::targets::cli_args(data));

fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    cinder_fuzz::mutate::libfuzzer_mutate("cli_args", data, size, max_size, seed)
        .unwrap_or_else(|| libfuzzer_sys::fuzzer_mutate(data, size, max_size))
});
