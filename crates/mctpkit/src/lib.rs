//! mctpkit: the MCTP dissector, capture readers and writers, and the analyser.
//!
//! The wire formats live in [`mctpkit_wire`] (no_std); this crate turns
//! bytes into readable decodes and whole captures into reassembled,
//! checked conversations.

pub mod analyze;
pub mod capture;
pub mod dissect;
pub mod hex;
pub mod render;

pub use dissect::{dissect, dissect_all, dissect_with, Dissection, Problem};
pub use mctpkit_wire as wire;
pub use mctpkit_wire::binding::BindingKind;
