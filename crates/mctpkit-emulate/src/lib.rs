//! Emulated MCTP endpoints (`mctpkit emulate`): what the README demo, the
//! tests and users without hardware talk to.
//!
//! Each endpoint is a whole [`mctpkit_stack::Stack`] with its own EID (or
//! none until a bus owner's Set Endpoint ID assigns one) and physical
//! address, answering MCTP control itself (DSP0236 §12), plus an
//! [`Application`] per kind:
//!
//! * `control`: MCTP control only;
//! * `pldm`: a PLDM terminus, type 0 and type 2 with a PDR repository and
//!   sensors whose readings change over time ([`pldm`]);
//! * `nvme-mi`: an NVMe-MI health-poll responder ([`nvme_mi`]).
//!
//! Everything protocol is sans-IO ([`Endpoint`]: bytes and time in, frames
//! out; the applications: messages in, messages out); [`serial`] attaches
//! endpoints to ttys and ptys, [`tcp`] to pymctp's QEMU I2C TCP stream
//! ([`i2c_stream`]), [`run()`] runs them all with tokio. [`config`] reads the
//! TOML file that describes them.

pub mod app;
pub mod clock;
pub mod config;
pub mod endpoint;
pub mod i2c_stream;
pub mod nvme_mi;
pub mod pldm;
pub mod run;
pub mod serial;
pub mod tcp;
pub mod waveform;

pub use app::Application;
pub use config::{ConfigError, EmulateConfig, EndpointConfig, Kind};
pub use endpoint::{Endpoint, EndpointCounters, EndpointSpec};
pub use run::{run, run_blocking};
