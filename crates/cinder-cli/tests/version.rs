//! `cinder --version` says which API the client speaks: the crate version carries it as build
//! metadata (`+cinder.3.N`) and the microversion range follows.

use std::process::Command;

#[test]
fn version_prints_the_microversion_range() {
    let output = Command::new(env!("CARGO_BIN_EXE_cinder"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(output.status.success());
    let max = cinder_raw::microversions::MAX_VERSION;
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        format!(
            "cinder {} (Block Storage API microversions 3.0 to 3.{max})\n",
            env!("CARGO_PKG_VERSION")
        )
    );
    assert!(
        env!("CARGO_PKG_VERSION").ends_with(&format!("+cinder.3.{max}")),
        "the crates' version must carry the API they speak: +cinder.3.{max}"
    );
}
