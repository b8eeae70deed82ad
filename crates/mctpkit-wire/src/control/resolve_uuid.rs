//! Resolve UUID (command 0x10, DSP0236 §12.17).
//!
//! ```text
//!  request  bytes 0..16  requested UUID
//!           byte 16      entry handle (0x00 = first)
//!  response byte 0       next entry handle (0xFF = no more entries)
//!           byte 1       number of entries in this response
//!           then         entries: { EID, physical address }
//! ```
//!
//! **Unverified; the sources conflict.** Request: Western Digital's
//! `libmctp` 0.2.0 (`resolve_uuid`: UUID then entry handle), the Intel/AMI
//! libmctp fork (`mctp_ctrl_cmd_resolve_uuid_req { guid_t; entry_handle }`)
//! and DSP0236 as usually read all have the entry handle; pymctp sends the
//! UUID alone. We decode the handle when present (`entry_handle: None` for
//! a 16-byte pymctp-style request).
//!
//! Response: pymctp has `{EID, bridge EID}`, AMD's `amd-mctp-tool` has
//! `{bridge EID, u16 physical address}`, DSP0236 as usually read has a
//! handle + count + entries. We follow the DSP0236 reading (it is the only
//! one consistent with the request's entry handle): next handle, count,
//! then entries of one EID and a physical address. Entries carry no address
//! size, so as for Routing Information Update the address length is inferred
//! as `(data length − 2) / count − 1` and must divide evenly. A response in
//! another layout becomes `Malformed` with its raw bytes shown.

use core::fmt;

use crate::describe::{Field, HexBytes, UuidText, Value, Visitor};
use crate::error::Result;

use super::common::{
    byte, bytes, eid_meaning, hex8, uint8, uniform_addr_len, uuid, ControlBody, EmitBody, Entries,
    ListBody, ListEntry,
};
use super::Command;

/// Resolve UUID request data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ResolveUuidRequest {
    /// The UUID to resolve, wire order.
    pub requested_uuid: [u8; 16],
    /// Entry handle; `None` when the request ends after the UUID (pymctp).
    pub entry_handle: Option<u8>,
}

impl EmitBody for ResolveUuidRequest {
    fn buffer_len(&self) -> usize {
        16 + usize::from(self.entry_handle.is_some())
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[..16].copy_from_slice(&self.requested_uuid);
        if let Some(h) = self.entry_handle {
            buf[16] = h;
        }
    }
}

impl<'a> ControlBody<'a> for ResolveUuidRequest {
    const COMMAND: Command = Command::ResolveUuid;
    const REQUEST: bool = true;

    fn parse_prefix(data: &'a [u8]) -> Result<(Self, usize)> {
        let requested_uuid = uuid(data, 0)?;
        let entry_handle = data.get(16).copied();
        Ok((
            ResolveUuidRequest {
                requested_uuid,
                entry_handle,
            },
            16 + usize::from(entry_handle.is_some()),
        ))
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(w, " / uuid {}", UuidText(&self.requested_uuid))?;
        if let Some(h) = self.entry_handle {
            write!(w, " handle=0x{h:02x}")?;
        }
        Ok(())
    }

    fn describe(&self, v: &mut dyn Visitor) {
        let t = UuidText(&self.requested_uuid);
        v.field(&Field::new("requested_uuid", 0, 16, Value::Display(&t)));
        match self.entry_handle {
            Some(h) => hex8(v, "entry_handle", 16, h, None),
            None => v.field(&Field::derived("entry_handle", Value::Null)),
        }
    }
}

/// One Resolve UUID response entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ResolvedUuidEntry<'a> {
    pub eid: u8,
    /// Physical address (binding-specific length, the same in every entry).
    pub physical_address: &'a [u8],
}

impl EmitBody for ResolvedUuidEntry<'_> {
    fn buffer_len(&self) -> usize {
        1 + self.physical_address.len()
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0] = self.eid;
        buf[1..].copy_from_slice(self.physical_address);
    }
}

impl<'a> ListEntry<'a> for ResolvedUuidEntry<'a> {
    fn parse_entry(data: &'a [u8], addr_len: usize) -> Result<(Self, usize)> {
        Ok((
            ResolvedUuidEntry {
                eid: byte(data, 0)?,
                physical_address: bytes(data, 1, addr_len)?,
            },
            1 + addr_len,
        ))
    }
    fn describe_entry(&self, v: &mut dyn Visitor) {
        hex8(v, "eid", 0, self.eid, eid_meaning(self.eid));
        v.field(&Field::new(
            "physical_address",
            1,
            self.physical_address.len(),
            Value::Bytes(self.physical_address),
        ));
    }
    fn addr_len(&self) -> usize {
        self.physical_address.len()
    }
}

/// Resolve UUID response data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ResolveUuidResponse<'a> {
    /// Handle for the next request, 0xFF when there are no more entries.
    pub next_entry_handle: u8,
    pub entries: Entries<'a, ResolvedUuidEntry<'a>>,
}

impl<'a> ResolveUuidResponse<'a> {
    /// An encoder for a response from typed entries (for the builder).
    pub fn encoder(
        next_entry_handle: u8,
        entries: &'a [ResolvedUuidEntry<'a>],
    ) -> ListBody<'a, ResolvedUuidEntry<'a>> {
        ListBody::new(&[next_entry_handle, entries.len() as u8], entries)
    }
}

impl EmitBody for ResolveUuidResponse<'_> {
    fn buffer_len(&self) -> usize {
        2 + self.entries.buffer_len()
    }
    fn check(&self) -> Result<()> {
        self.entries.check()
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0] = self.next_entry_handle;
        buf[1] = self.entries.len() as u8;
        self.entries.emit_exact(&mut buf[2..]);
    }
}

impl<'a> ControlBody<'a> for ResolveUuidResponse<'a> {
    const COMMAND: Command = Command::ResolveUuid;
    const REQUEST: bool = false;

    fn parse_prefix(data: &'a [u8]) -> Result<(Self, usize)> {
        let next_entry_handle = byte(data, 0)?;
        let count = byte(data, 1)? as usize;
        let addr_len = uniform_addr_len(data.len() - 2, count, 1, 2)?;
        let (entries, n) = Entries::parse(&data[2..], count, addr_len).map_err(|e| e.shift(2))?;
        Ok((
            ResolveUuidResponse {
                next_entry_handle,
                entries,
            },
            2 + n,
        ))
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(w, " / {} entries", self.entries.len())?;
        for e in self.entries.iter() {
            write!(
                w,
                " [0x{:02x} addr {}]",
                e.eid,
                HexBytes(e.physical_address)
            )?;
        }
        Ok(())
    }

    fn describe(&self, v: &mut dyn Visitor) {
        hex8(
            v,
            "next_entry_handle",
            0,
            self.next_entry_handle,
            if self.next_entry_handle == 0xFF {
                Some("no more entries")
            } else {
                None
            },
        );
        uint8(v, "number_of_entries", 1, self.entries.len() as u8);
        self.entries.describe_list(v, "entries", 2);
    }
}
