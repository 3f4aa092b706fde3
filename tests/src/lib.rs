//! Shared support for the test suites in `tests/tests/`.

pub mod cloud;
