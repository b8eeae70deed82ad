//! Control message bodies: request and response data of every command.
//!
//! `data` handed to these functions starts right after the command byte
//! (requests) or the completion code (responses); offsets are relative to it.

use core::fmt;

use crate::describe::{Field, HexBytes, Value, Visitor};
use crate::error::Result;

use super::{Command, CompletionCode, Header};

/// The decoded request or response data of a control message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Body<'a> {
    /// No data (commands without request data; error responses).
    Empty,
    /// Commands 0xF0–0xFF: defined by the transport binding, shown raw.
    TransportSpecific(&'a [u8]),
    /// Data of a command this version does not decode.
    Raw(&'a [u8]),
    /// Data that failed to decode; the error says where and why.
    Malformed {
        error: crate::error::Error,
        raw: &'a [u8],
    },
}

impl<'a> Body<'a> {
    /// Decode the data of `header.command` in the direction given by `header.rq`.
    pub fn parse(header: &Header, data: &'a [u8]) -> Result<Body<'a>> {
        if header.command.is_transport_specific() {
            return Ok(Body::TransportSpecific(data));
        }
        // An error response may be just the completion code (DSP0236 §11.5).
        if !header.rq && header.completion_code != Some(CompletionCode::Success) && data.is_empty()
        {
            return Ok(Body::Empty);
        }
        let _ = Command::Reserved;
        if data.is_empty() {
            Ok(Body::Empty)
        } else {
            Ok(Body::Raw(data))
        }
    }

    /// Encoded length.
    pub fn buffer_len(&self) -> usize {
        match self {
            Body::Empty => 0,
            Body::TransportSpecific(d) | Body::Raw(d) => d.len(),
            Body::Malformed { raw, .. } => raw.len(),
        }
    }

    /// Encode into `buf` (exactly `buffer_len()` bytes).
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(crate::error::Error::buffer_too_small(
                crate::error::Layer::Control,
                n,
                buf.len(),
            ));
        }
        match self {
            Body::Empty => {}
            Body::TransportSpecific(d) | Body::Raw(d) => buf[..n].copy_from_slice(d),
            Body::Malformed { raw, .. } => buf[..n].copy_from_slice(raw),
        }
        Ok(n)
    }

    /// Append the body's part of the one-line summary (starting with " / " when non-empty).
    pub fn summary(&self, _header: &Header, w: &mut dyn fmt::Write) -> fmt::Result {
        match self {
            Body::Empty => Ok(()),
            Body::TransportSpecific(d) | Body::Raw(d) => write!(w, " / data={}", HexBytes(d)),
            Body::Malformed { error, .. } => write!(w, " / malformed: {}", error.kind),
        }
    }

    /// Hand the body's fields to `v` (offsets relative to the data start).
    pub fn describe(&self, _header: &Header, v: &mut dyn Visitor) {
        match self {
            Body::Empty => {}
            Body::TransportSpecific(d) | Body::Raw(d) => {
                v.field(&Field::new("data", 0, d.len(), Value::Bytes(d)))
            }
            Body::Malformed { error, raw } => {
                v.field(&Field::new("data", 0, raw.len(), Value::Bytes(raw)));
                v.field(&Field::derived("error", Value::Display(error)));
            }
        }
    }
}
