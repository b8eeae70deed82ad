//! MCTP wire formats: zero-copy views and plain-data `Repr`s for the MCTP
//! transport header (DSP0236), its physical bindings and message bodies.
//!
//! Layout follows smoltcp's `wire` module: one file per protocol table, a
//! `field` module of byte positions, a `Packet<T: AsRef<[u8]>>` view with
//! getters/setters, and a `Repr` with `parse` / `emit` / `buffer_len`. Codes
//! are open enums that keep unknown values. Every decoder takes arbitrary
//! bytes and returns a value or an [`Error`] naming the layer and offset; no
//! decoder panics and none allocates.
#![no_std]
#![forbid(unsafe_code)]

#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "alloc")]
extern crate alloc;

mod macros;

pub mod binding;
pub mod control;
pub mod cxl;
pub mod describe;
pub mod error;
pub mod ethernet;
pub mod fragment;
pub mod mctp;
pub mod message;
pub mod ncsi;
pub mod nvme_mi;
pub mod pldm;
pub mod secured;
pub mod spdm;
pub mod vdm;

pub use describe::{Describe, Field, Group, Value, Visitor};
pub use error::{Error, ErrorKind, Layer, Result};
