//! Fluent builder for NC-SI over MCTP messages (no_std: writes into a
//! caller buffer; `to_vec` with `alloc`). Computes the payload length, the
//! padding and the checksum.
//!
//! ```
//! use mctpkit_wire::ncsi::{Command, NcsiBuilder};
//! let mut buf = [0u8; 32];
//! let n = NcsiBuilder::command(Command::GetVersionId, 1).channel(0, 0).build(&mut buf).unwrap();
//! assert_eq!(n, 17 + 4); // header, no payload, checksum
//! ```

use super::{
    checksum, padding_len, AenType, Command, Header, ReasonCode, ResponseCode, AEN_TYPE,
    CHECKSUM_LEN, HEADER_LEN,
};
use crate::error::{Error, Layer, Result};

/// Builds one NC-SI control packet after the MCTP type byte.
#[derive(Debug, Clone, Copy)]
pub struct NcsiBuilder<'b> {
    header: Header,
    head: [u8; 4],
    head_len: usize,
    payload: &'b [u8],
    with_checksum: bool,
}

impl<'b> NcsiBuilder<'b> {
    /// A command.
    pub const fn command(command: Command, iid: u8) -> Self {
        NcsiBuilder {
            header: Header::new_command(command, iid, 0, 0),
            head: [0; 4],
            head_len: 0,
            payload: &[],
            with_checksum: true,
        }
    }

    /// A response: packet type `command | 0x80`, response and reason
    /// codes, then the payload as response data.
    pub const fn response(command: Command, iid: u8, rc: ResponseCode, reason: ReasonCode) -> Self {
        let mut b = NcsiBuilder::command(command, iid);
        b.header.packet_type |= 0x80;
        let rc = rc.value().to_be_bytes();
        let reason = reason.value().to_be_bytes();
        b.head = [rc[0], rc[1], reason[0], reason[1]];
        b.head_len = 4;
        b
    }

    /// An AEN (IID 0): three reserved bytes and the AEN type, then the
    /// payload as AEN data.
    pub const fn aen(aen: AenType) -> Self {
        let mut b = NcsiBuilder::command(Command::ClearInitialState, 0);
        b.header.packet_type = AEN_TYPE;
        b.head = [0, 0, 0, aen.value()];
        b.head_len = 4;
        b
    }

    /// Package ID and internal channel ID.
    #[must_use]
    pub const fn channel(mut self, package_id: u8, channel: u8) -> Self {
        self.header.package_id = package_id & 0x07;
        self.header.channel = channel & 0x1F;
        self
    }

    /// Management controller ID.
    #[must_use]
    pub const fn mc_id(mut self, mc_id: u8) -> Self {
        self.header.mc_id = mc_id;
        self
    }

    /// Command payload, response data or AEN data.
    #[must_use]
    pub const fn payload(mut self, payload: &'b [u8]) -> Self {
        self.payload = payload;
        self
    }

    /// Send a zero checksum ("not provided").
    #[must_use]
    pub const fn no_checksum(mut self) -> Self {
        self.with_checksum = false;
        self
    }

    /// NC-SI payload length.
    pub const fn payload_len(&self) -> usize {
        self.head_len + self.payload.len()
    }

    /// Length of the whole message, type byte to checksum.
    pub const fn buffer_len(&self) -> usize {
        HEADER_LEN + self.payload_len() + padding_len(self.payload_len()) + CHECKSUM_LEN
    }

    /// Write the message into `buf`; returns its length.
    pub fn build(&self, buf: &mut [u8]) -> Result<usize> {
        let plen = self.payload_len();
        if plen > 0x0FFF {
            return Err(Error::invalid(
                Layer::NcSi,
                super::field::PAYLOAD_LENGTH.start,
                "payload_length",
                plen as u32,
                "at most 4095 (12 bits)",
            ));
        }
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::NcSi, n, buf.len()));
        }
        let mut h = self.header;
        h.payload_length = plen as u16;
        let mut at = h.emit_bytes(buf)?;
        buf[at..at + self.head_len].copy_from_slice(&self.head[..self.head_len]);
        at += self.head_len;
        buf[at..at + self.payload.len()].copy_from_slice(self.payload);
        at += self.payload.len();
        let pad = padding_len(plen);
        buf[at..at + pad].fill(0);
        let c = if self.with_checksum {
            checksum(&buf[1..HEADER_LEN + plen])
        } else {
            0
        };
        buf[at + pad..n].copy_from_slice(&c.to_be_bytes());
        Ok(n)
    }

    /// The message as a vector.
    #[cfg(feature = "alloc")]
    pub fn to_vec(&self) -> alloc::vec::Vec<u8> {
        let mut v = alloc::vec![0u8; self.buffer_len()];
        if self.build(&mut v).is_err() {
            v.clear();
        }
        v
    }
}
