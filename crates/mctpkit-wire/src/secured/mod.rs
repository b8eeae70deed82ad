//! Secured messages using SPDM over MCTP (message type 0x06; DSP0276 binding
//! of the DSP0277 record format).
//!
//! ```text
//!  msg byte 0       [7] IC (0)  [6:0] MCTP message type 0x06
//!  msg byte 1..4    SessionID (u32 LE: ReqSessionID | RspSessionID << 16)
//!  msg byte 5..6    SequenceNumber (u16 LE; transport specific: 2 bytes for MCTP)
//!  msg byte 7..8    Length (u16 LE): bytes of encrypted data + MAC that follow
//!  msg byte 9…      encrypted data (ApplicationDataLength, SPDM/app message,
//!                   random padding — all under AEAD) then MAC
//! ```
//!
//! The sequence number: DSP0277 leaves its width to the transport binding;
//! for MCTP, DSP0276 uses 2 bytes (the low 16 bits of the 64-bit sequence
//! number). Cross-checked with DMTF libspdm's MCTP transport
//! (`LIBSPDM_MCTP_SEQUENCE_NUMBER_COUNT 2`); PCI DOE uses 0 bytes.
//!
//! Without the session keys the payload is opaque. The MAC is the last
//! 16 bytes: every AEAD suite DSP0274 defines (AES-128/256-GCM,
//! ChaCha20-Poly1305, SM4-GCM) has a 16-byte tag; for authentication-only
//! sessions the MAC is also 16 bytes of the same AEAD.

use core::fmt;

use crate::binding::Integrity;
use crate::describe::{Describe, Field, HexBytes, Value, Visitor};
use crate::error::{need, Error, ErrorKind, Layer, Result};

/// MCTP message type of secured messages.
pub const MCTP_TYPE: u8 = 0x06;
/// Type byte, SessionID, SequenceNumber and Length.
pub const HEADER_LEN: usize = 9;
/// AEAD tag size of every DSP0274 AEAD suite.
pub const MAC_LEN: usize = 16;

/// Byte positions (from the MCTP type byte).
pub mod field {
    use core::ops::Range;
    pub const TYPE: usize = 0;
    pub const SESSION_ID: Range<usize> = 1..5;
    pub const SEQUENCE_NUMBER: Range<usize> = 5..7;
    pub const LENGTH: Range<usize> = 7..9;
    pub const PAYLOAD: usize = 9;
}

/// A zero-copy view of a secured message, from the MCTP type byte.
#[derive(Debug, Clone, Copy)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub const fn new_unchecked(buffer: T) -> Self {
        Packet { buffer }
    }
    pub fn new_checked(buffer: T) -> Result<Self> {
        let p = Packet { buffer };
        p.check_len()?;
        Ok(p)
    }
    /// The 9-byte record header must be present.
    pub fn check_len(&self) -> Result<()> {
        need(Layer::Secured, self.buffer.as_ref(), HEADER_LEN)
    }
    pub fn into_inner(self) -> T {
        self.buffer
    }
    fn u16_at(&self, r: core::ops::Range<usize>) -> u16 {
        let b = &self.buffer.as_ref()[r];
        u16::from_le_bytes([b[0], b[1]])
    }
    pub fn ic(&self) -> bool {
        self.buffer.as_ref()[field::TYPE] & 0x80 != 0
    }
    pub fn session_id(&self) -> u32 {
        let b = &self.buffer.as_ref()[field::SESSION_ID];
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }
    pub fn sequence_number(&self) -> u16 {
        self.u16_at(field::SEQUENCE_NUMBER)
    }
    pub fn length(&self) -> u16 {
        self.u16_at(field::LENGTH)
    }
    /// Everything after the header (encrypted data, MAC, any extra bytes).
    pub fn payload(&self) -> &[u8] {
        &self.buffer.as_ref()[field::PAYLOAD..]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    pub fn set_session_id(&mut self, v: u32) {
        self.buffer.as_mut()[field::SESSION_ID].copy_from_slice(&v.to_le_bytes());
    }
    pub fn set_sequence_number(&mut self, v: u16) {
        self.buffer.as_mut()[field::SEQUENCE_NUMBER].copy_from_slice(&v.to_le_bytes());
    }
    pub fn set_length(&mut self, v: u16) {
        self.buffer.as_mut()[field::LENGTH].copy_from_slice(&v.to_le_bytes());
    }
}

/// A secured message record (plain data; payload borrowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Message<'a> {
    pub ic: bool,
    /// SessionID: ReqSessionID in the low 16 bits, RspSessionID in the high.
    pub session_id: u32,
    pub sequence_number: u16,
    /// The Length field as sent.
    pub length: u16,
    /// Encrypted data (Length − 16 bytes), opaque without the session keys.
    pub encrypted_data: &'a [u8],
    /// The AEAD tag (last 16 bytes of the Length bytes).
    pub mac: &'a [u8],
    /// Bytes after Length, reported as a problem.
    pub trailing: &'a [u8],
    /// A Length that disagrees with the message (kept to show the header).
    pub error: Option<Error>,
}

impl<'a> Message<'a> {
    /// A record over `encrypted_data` and `mac` (Length computed).
    pub fn new(
        session_id: u32,
        sequence_number: u16,
        encrypted_data: &'a [u8],
        mac: &'a [u8],
    ) -> Self {
        Message {
            ic: false,
            session_id,
            sequence_number,
            length: (encrypted_data.len() + mac.len()) as u16,
            encrypted_data,
            mac,
            trailing: &[],
            error: None,
        }
    }

    /// Decode from the MCTP type byte. Only a short header is an `Err`; a
    /// Length that does not fit is kept in `error` (see [`Message::problem`]).
    pub fn parse(msg: &'a [u8]) -> Result<Message<'a>> {
        let p = Packet::new_checked(msg)?;
        let length = p.length();
        let payload = &msg[field::PAYLOAD..];
        let mut m = Message {
            ic: p.ic(),
            session_id: p.session_id(),
            sequence_number: p.sequence_number(),
            length,
            encrypted_data: &[],
            mac: &[],
            trailing: &[],
            error: None,
        };
        let n = length as usize;
        if n > payload.len() {
            m.encrypted_data = payload;
            m.error = Some(Error {
                layer: Layer::Secured,
                offset: field::LENGTH.start,
                kind: ErrorKind::LengthMismatch {
                    field: "length",
                    declared: n,
                    actual: payload.len(),
                },
            });
        } else if n < MAC_LEN {
            m.encrypted_data = &payload[..n];
            m.trailing = &payload[n..];
            m.error = Some(Error::invalid(
                Layer::Secured,
                field::LENGTH.start,
                "length",
                n as u32,
                "at least the 16-byte MAC",
            ));
        } else {
            m.encrypted_data = &payload[..n - MAC_LEN];
            m.mac = &payload[n - MAC_LEN..n];
            m.trailing = &payload[n..];
        }
        Ok(m)
    }

    /// A Length problem or trailing bytes (offset from the type byte).
    pub fn problem(&self) -> Option<Error> {
        if let Some(e) = self.error {
            return Some(e);
        }
        if !self.trailing.is_empty() {
            return Some(Error {
                layer: Layer::Secured,
                offset: field::PAYLOAD + self.length as usize,
                kind: ErrorKind::Trailing {
                    extra: self.trailing.len(),
                },
            });
        }
        None
    }

    /// The MAC can only be checked with the session keys: not reported.
    pub fn integrity(&self) -> Option<Integrity> {
        None
    }

    /// ReqSessionID (low 16 bits of SessionID).
    pub const fn req_session_id(&self) -> u16 {
        self.session_id as u16
    }
    /// RspSessionID (high 16 bits of SessionID).
    pub const fn rsp_session_id(&self) -> u16 {
        (self.session_id >> 16) as u16
    }

    pub fn buffer_len(&self) -> usize {
        HEADER_LEN + self.encrypted_data.len() + self.mac.len()
    }

    /// Encode (Length written as sent in `self.length`).
    pub fn emit_bytes(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::Secured, n, buf.len()));
        }
        buf[field::TYPE] = MCTP_TYPE | if self.ic { 0x80 } else { 0 };
        let mut p = Packet::new_unchecked(&mut buf[..n]);
        p.set_session_id(self.session_id);
        p.set_sequence_number(self.sequence_number);
        p.set_length(self.length);
        let e = field::PAYLOAD + self.encrypted_data.len();
        buf[field::PAYLOAD..e].copy_from_slice(self.encrypted_data);
        buf[e..n].copy_from_slice(self.mac);
        Ok(n)
    }
}

impl Describe for Message<'_> {
    fn layer(&self) -> Layer {
        Layer::Secured
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            w,
            "SECURED session={:#010x} seq={} length={} encrypted={} bytes",
            self.session_id,
            self.sequence_number,
            self.length,
            self.encrypted_data.len()
        )?;
        if !self.mac.is_empty() {
            write!(w, " mac={}", HexBytes(&self.mac[..4]))?;
            w.write_str("...")?;
        }
        if let Some(e) = self.error {
            write!(w, " !! {}", e.kind)?;
        } else if !self.trailing.is_empty() {
            write!(w, " !! {} trailing bytes", self.trailing.len())?;
        }
        Ok(())
    }

    fn describe(&self, v: &mut dyn Visitor) {
        v.field(&Field::bits("ic", field::TYPE, 7, 7, Value::Bool(self.ic)));
        v.field(&Field::new(
            "session_id",
            field::SESSION_ID.start,
            4,
            Value::hex32(self.session_id),
        ));
        v.field(&Field::derived(
            "req_session_id",
            Value::hex16(self.req_session_id()),
        ));
        v.field(&Field::derived(
            "rsp_session_id",
            Value::hex16(self.rsp_session_id()),
        ));
        v.field(&Field::new(
            "sequence_number",
            field::SEQUENCE_NUMBER.start,
            2,
            Value::Uint(self.sequence_number.into()),
        ));
        v.field(&Field::new(
            "length",
            field::LENGTH.start,
            2,
            Value::Uint(self.length.into()),
        ));
        // The encrypted application data is the body (DSP0277: opaque
        // without the session keys); the MAC follows it.
        let data = self.encrypted_data;
        crate::describe::body(v, field::PAYLOAD, data.len(), |v| {
            v.field(&Field::new(
                "encrypted_data",
                0,
                data.len(),
                Value::Bytes(data),
            ))
        });
        if !self.mac.is_empty() {
            v.field(&Field::new(
                "mac",
                field::PAYLOAD + self.encrypted_data.len(),
                self.mac.len(),
                Value::Bytes(self.mac),
            ));
        }
        if !self.trailing.is_empty() {
            v.field(&Field::new(
                "trailing",
                field::PAYLOAD + self.encrypted_data.len() + self.mac.len(),
                self.trailing.len(),
                Value::Bytes(self.trailing),
            ));
        }
        crate::describe::error(v, self.problem());
    }
}

#[cfg(test)]
mod tests;
