//! Shared support for the test suites in `tests/tests/`.

pub mod cloud;
pub mod conformance;
pub mod fault_proxy;
pub mod fixtures;
pub mod live;
pub mod parity;
pub mod runner;
pub mod schema;
pub mod seed;
