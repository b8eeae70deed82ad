//! Get Routing Table Entries (command 0x0A, DSP0236 §12.12).
//!
//! ```text
//!  request  byte 0  entry handle (0x00 = first)
//!  response byte 0  next entry handle (0xFF = no more entries)
//!           byte 1  number of entries in this response
//!           then    entries:
//!             +0  size of EID range
//!             +1  starting EID
//!             +2  [7:6] entry type [5] static flag [4:0] port number
//!             +3  physical transport binding ID
//!             +4  physical media type ID
//!             +5  physical address size (n)
//!             +6  physical address (n bytes)
//! ```
//!
//! Worked example (pymctp README, reference mctp-core.md §7.4): response data
//! `ff 01 01 0a 02 00 04 01 00` is one entry: EID 0x0A alone, single
//! endpoint, dynamic, port 2, binding 0x00, media 0x04, address `00`.

use core::fmt;

use crate::describe::{Field, HexBytes, Value, Visitor};
use crate::error::Result;
use crate::macros::open_enum;

use super::common::{
    byte, byte_body, bytes, count_fits, eid_meaning, hex8, uint8, BindingId, ControlBody, EmitBody,
    Entries, ListBody, ListEntry,
};
use super::Command;

/// Next-entry-handle value meaning "no more entries".
pub const NO_MORE_ENTRIES: u8 = 0xFF;

byte_body!(
    /// Get Routing Table Entries request data.
    GetRoutingTableEntriesRequest { entry_handle: "entry_handle" },
    Command::GetRoutingTableEntries,
    true,
    "handle",
    |h| if h == 0 { Some("first entry") } else { None }
);

open_enum! {
    /// Routing entry type (routing table `[7:6]`, Routing Information Update `[3:0]`).
    pub enum EntryType: u8 {
        SingleEndpoint = 0 => "single endpoint (not a bridge)",
        BridgeRangeIncludingBridge = 1 => "EID range for a bridge, including the bridge's EID",
        SingleBridge = 2 => "single bridge EID",
        BridgeRangeExcludingBridge = 3 => "EID range for a bridge, excluding the bridge's EID",
    }
}

/// One routing table entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RoutingTableEntry<'a> {
    pub eid_range_size: u8,
    pub starting_eid: u8,
    pub entry_type: EntryType,
    /// `true` when the entry was statically configured (bit 5).
    pub static_entry: bool,
    /// Port number (bits 4:0).
    pub port_number: u8,
    pub physical_transport_binding_id: BindingId,
    pub physical_media_type_id: u8,
    /// Physical address; its length is the physical address size byte.
    pub physical_address: &'a [u8],
}

impl EmitBody for RoutingTableEntry<'_> {
    fn buffer_len(&self) -> usize {
        6 + self.physical_address.len()
    }
    fn check(&self) -> Result<()> {
        count_fits(self.physical_address.len(), 5)
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0] = self.eid_range_size;
        buf[1] = self.starting_eid;
        buf[2] = ((self.entry_type.value() & 0x03) << 6)
            | (u8::from(self.static_entry) << 5)
            | (self.port_number & 0x1F);
        buf[3] = self.physical_transport_binding_id.value();
        buf[4] = self.physical_media_type_id;
        buf[5] = self.physical_address.len() as u8;
        buf[6..].copy_from_slice(self.physical_address);
    }
}

impl<'a> ListEntry<'a> for RoutingTableEntry<'a> {
    fn parse_entry(data: &'a [u8], _: usize) -> Result<(Self, usize)> {
        let t = byte(data, 2)?;
        let size = byte(data, 5)? as usize;
        Ok((
            RoutingTableEntry {
                eid_range_size: byte(data, 0)?,
                starting_eid: byte(data, 1)?,
                entry_type: EntryType::from_value(t >> 6),
                static_entry: t & 0x20 != 0,
                port_number: t & 0x1F,
                physical_transport_binding_id: BindingId::from_value(byte(data, 3)?),
                physical_media_type_id: byte(data, 4)?,
                physical_address: bytes(data, 6, size)?,
            },
            6 + size,
        ))
    }

    fn describe_entry(&self, v: &mut dyn Visitor) {
        uint8(v, "eid_range_size", 0, self.eid_range_size);
        hex8(
            v,
            "starting_eid",
            1,
            self.starting_eid,
            eid_meaning(self.starting_eid),
        );
        v.field(
            &Field::bits("entry_type", 2, 7, 6, Value::hex8(self.entry_type.value()))
                .meaning(self.entry_type.name()),
        );
        v.field(
            &Field::bits("static_entry", 2, 5, 5, Value::Bool(self.static_entry)).meaning(Some(
                if self.static_entry {
                    "static"
                } else {
                    "dynamic"
                },
            )),
        );
        v.field(&Field::bits(
            "port_number",
            2,
            4,
            0,
            Value::Uint(self.port_number.into()),
        ));
        let b = self.physical_transport_binding_id;
        hex8(v, "physical_transport_binding_id", 3, b.value(), b.name());
        hex8(
            v,
            "physical_media_type_id",
            4,
            self.physical_media_type_id,
            None,
        );
        uint8(
            v,
            "physical_address_size",
            5,
            self.physical_address.len() as u8,
        );
        v.field(&Field::new(
            "physical_address",
            6,
            self.physical_address.len(),
            Value::Bytes(self.physical_address),
        ));
    }
}

/// Get Routing Table Entries response data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetRoutingTableEntriesResponse<'a> {
    /// Handle for the next request, 0xFF when there are no more entries.
    pub next_entry_handle: u8,
    /// The entries; `len()` is the number of entries.
    pub entries: Entries<'a, RoutingTableEntry<'a>>,
}

impl<'a> GetRoutingTableEntriesResponse<'a> {
    /// An encoder for a response from typed entries (for the builder).
    pub fn encoder(
        next_entry_handle: u8,
        entries: &'a [RoutingTableEntry<'a>],
    ) -> ListBody<'a, RoutingTableEntry<'a>> {
        ListBody::new(&[next_entry_handle, entries.len() as u8], entries)
    }
}

impl EmitBody for GetRoutingTableEntriesResponse<'_> {
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

impl<'a> ControlBody<'a> for GetRoutingTableEntriesResponse<'a> {
    const COMMAND: Command = Command::GetRoutingTableEntries;
    const REQUEST: bool = false;

    fn parse_prefix(data: &'a [u8]) -> Result<(Self, usize)> {
        let next_entry_handle = byte(data, 0)?;
        let count = byte(data, 1)?;
        let (entries, n) = Entries::parse(&data[2..], count.into(), 0).map_err(|e| e.shift(2))?;
        Ok((
            GetRoutingTableEntriesResponse {
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
                " [0x{:02x}+{} port {} addr {}]",
                e.starting_eid,
                e.eid_range_size,
                e.port_number,
                HexBytes(e.physical_address)
            )?;
        }
        if self.next_entry_handle == NO_MORE_ENTRIES {
            w.write_str(" (last)")
        } else {
            write!(w, " next=0x{:02x}", self.next_entry_handle)
        }
    }

    fn describe(&self, v: &mut dyn Visitor) {
        hex8(
            v,
            "next_entry_handle",
            0,
            self.next_entry_handle,
            if self.next_entry_handle == NO_MORE_ENTRIES {
                Some("no more entries")
            } else {
                None
            },
        );
        uint8(v, "number_of_entries", 1, self.entries.len() as u8);
        self.entries.describe_list(v, "entries", 2);
    }
}
