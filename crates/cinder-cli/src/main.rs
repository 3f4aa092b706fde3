//! `cinder`: python-cinderclient's command line over the `cinder-client` library. The program
//! is the library target of this package (`src/lib.rs`), where fuzz targets can reach it.

fn main() -> std::process::ExitCode {
    cinder::main()
}
