//! Routing Information Update (command 0x09, DSP0236 §12.11), bus owner →
//! bridge. The response is the completion code only.
//!
//! ```text
//!  request  byte 0  count of update entries
//!           then    entries:
//!             +0  [7:4] reserved [3:0] entry type
//!             +1  size of EID range
//!             +2  first EID in the range
//!             +3  physical address (binding-specific length, no size byte)
//! ```
//!
//! The layout is marked **unverified** in the reference notes, which set
//! pymctp (type, size, first EID, 1-byte address) against "DSP0236 as
//! usually read" (type, first EID, size). Two further independent sources
//! agree with pymctp's order: Western Digital's `libmctp` crate 0.2.0
//! (`SMBusRoutingInformationUpdateEntry`: entry type in bits 3:0, EID range
//! size, first EID, physical address) and the Intel/AMI libmctp fork
//! (`routing_info_update_entry { type; eid_count; starting_eid; address[] }`).
//! We decode type, size, first EID, address.
//!
//! The format carries no address size. All entries of one update describe
//! the same bus, so they share the binding's address length: it is inferred
//! as `(data length − 1) / count − 3`, which must divide evenly (else a
//! LengthMismatch error, the raw bytes stay visible). SMBus gives 1 byte.

use core::fmt;

use crate::describe::{Field, HexBytes, Value, Visitor};
use crate::error::Result;

use super::common::{
    byte, bytes, eid_meaning, hex8, uint8, uniform_addr_len, ControlBody, EmitBody, Entries,
    ListBody, ListEntry,
};
use super::routing_table_entries::EntryType;
use super::Command;

/// One Routing Information Update entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RoutingInfoUpdateEntry<'a> {
    pub entry_type: EntryType,
    pub eid_range_size: u8,
    pub first_eid: u8,
    /// Physical address (binding-specific length, the same in every entry).
    pub physical_address: &'a [u8],
}

impl EmitBody for RoutingInfoUpdateEntry<'_> {
    fn buffer_len(&self) -> usize {
        3 + self.physical_address.len()
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0] = self.entry_type.value() & 0x0F;
        buf[1] = self.eid_range_size;
        buf[2] = self.first_eid;
        buf[3..].copy_from_slice(self.physical_address);
    }
}

impl<'a> ListEntry<'a> for RoutingInfoUpdateEntry<'a> {
    fn parse_entry(data: &'a [u8], addr_len: usize) -> Result<(Self, usize)> {
        Ok((
            RoutingInfoUpdateEntry {
                entry_type: EntryType::from_value(byte(data, 0)? & 0x0F),
                eid_range_size: byte(data, 1)?,
                first_eid: byte(data, 2)?,
                physical_address: bytes(data, 3, addr_len)?,
            },
            3 + addr_len,
        ))
    }

    fn describe_entry(&self, v: &mut dyn Visitor) {
        v.field(
            &Field::bits("entry_type", 0, 3, 0, Value::hex8(self.entry_type.value()))
                .meaning(self.entry_type.name()),
        );
        uint8(v, "eid_range_size", 1, self.eid_range_size);
        hex8(
            v,
            "first_eid",
            2,
            self.first_eid,
            eid_meaning(self.first_eid),
        );
        v.field(&Field::new(
            "physical_address",
            3,
            self.physical_address.len(),
            Value::Bytes(self.physical_address),
        ));
    }

    fn addr_len(&self) -> usize {
        self.physical_address.len()
    }
}

/// Routing Information Update request data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RoutingInformationUpdateRequest<'a> {
    /// The update entries; `len()` is the count.
    pub entries: Entries<'a, RoutingInfoUpdateEntry<'a>>,
}

impl<'a> RoutingInformationUpdateRequest<'a> {
    /// An encoder for a request from typed entries (for the builder).
    pub fn encoder(
        entries: &'a [RoutingInfoUpdateEntry<'a>],
    ) -> ListBody<'a, RoutingInfoUpdateEntry<'a>> {
        ListBody::new(&[entries.len() as u8], entries)
    }
}

impl EmitBody for RoutingInformationUpdateRequest<'_> {
    fn buffer_len(&self) -> usize {
        1 + self.entries.buffer_len()
    }
    fn check(&self) -> Result<()> {
        self.entries.check()
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0] = self.entries.len() as u8;
        self.entries.emit_exact(&mut buf[1..]);
    }
}

impl<'a> ControlBody<'a> for RoutingInformationUpdateRequest<'a> {
    const COMMAND: Command = Command::RoutingInformationUpdate;
    const REQUEST: bool = true;

    fn parse_prefix(data: &'a [u8]) -> Result<(Self, usize)> {
        let count = byte(data, 0)? as usize;
        let addr_len = uniform_addr_len(data.len() - 1, count, 3, 1)?;
        let (entries, n) = Entries::parse(&data[1..], count, addr_len).map_err(|e| e.shift(1))?;
        Ok((RoutingInformationUpdateRequest { entries }, 1 + n))
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(w, " / {} entries", self.entries.len())?;
        for e in self.entries.iter() {
            write!(
                w,
                " [0x{:02x}+{} addr {}]",
                e.first_eid,
                e.eid_range_size,
                HexBytes(e.physical_address)
            )?;
        }
        Ok(())
    }

    fn describe(&self, v: &mut dyn Visitor) {
        uint8(v, "count", 0, self.entries.len() as u8);
        self.entries.describe_list(v, "update_entries", 1);
    }
}
