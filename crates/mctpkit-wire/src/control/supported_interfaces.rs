//! Query Supported Interfaces (command 0x14, DSP0236 §12.21). No request data.
//!
//! ```text
//!  response byte 0  supported interface count
//!           then    count × { interface type, interface EID }
//! ```
//!
//! **Unverified**: no implementation in the reference notes decodes it. The
//! layout comes from AMD's `amd-mctp-tool` (`query_supported_interfaces_Res_data
//! { interface_count; eid_interface { intf_type; intf_eid } }`), the only
//! second source found. The interface type is shown as a number (its code
//! table was not available).

use core::fmt;

use crate::describe::Visitor;
use crate::error::Result;

use super::common::{
    byte, eid_meaning, hex8, uint8, ControlBody, EmitBody, Entries, ListBody, ListEntry,
};
use super::Command;

/// One supported interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct InterfaceEntry {
    pub interface_type: u8,
    pub interface_eid: u8,
}

impl EmitBody for InterfaceEntry {
    fn buffer_len(&self) -> usize {
        2
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0] = self.interface_type;
        buf[1] = self.interface_eid;
    }
}

impl<'a> ListEntry<'a> for InterfaceEntry {
    fn parse_entry(data: &'a [u8], _: usize) -> Result<(Self, usize)> {
        Ok((
            InterfaceEntry {
                interface_type: byte(data, 0)?,
                interface_eid: byte(data, 1)?,
            },
            2,
        ))
    }
    fn describe_entry(&self, v: &mut dyn Visitor) {
        hex8(v, "interface_type", 0, self.interface_type, None);
        hex8(
            v,
            "interface_eid",
            1,
            self.interface_eid,
            eid_meaning(self.interface_eid),
        );
    }
}

/// Query Supported Interfaces response data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct QuerySupportedInterfacesResponse<'a> {
    /// The interfaces; `len()` is the interface count.
    pub interfaces: Entries<'a, InterfaceEntry>,
}

impl<'a> QuerySupportedInterfacesResponse<'a> {
    /// An encoder for a response from typed entries (for the builder).
    pub fn encoder(interfaces: &'a [InterfaceEntry]) -> ListBody<'a, InterfaceEntry> {
        ListBody::new(&[interfaces.len() as u8], interfaces)
    }
}

impl EmitBody for QuerySupportedInterfacesResponse<'_> {
    fn buffer_len(&self) -> usize {
        1 + self.interfaces.buffer_len()
    }
    fn check(&self) -> Result<()> {
        self.interfaces.check()
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        buf[0] = self.interfaces.len() as u8;
        self.interfaces.emit_exact(&mut buf[1..]);
    }
}

impl<'a> ControlBody<'a> for QuerySupportedInterfacesResponse<'a> {
    const COMMAND: Command = Command::QuerySupportedInterfaces;
    const REQUEST: bool = false;

    fn parse_prefix(data: &'a [u8]) -> Result<(Self, usize)> {
        let count = byte(data, 0)?;
        let (interfaces, n) =
            Entries::parse(&data[1..], count.into(), 0).map_err(|e| e.shift(1))?;
        Ok((QuerySupportedInterfacesResponse { interfaces }, 1 + n))
    }

    fn summary(&self, w: &mut dyn fmt::Write) -> fmt::Result {
        write!(w, " / {} interfaces", self.interfaces.len())?;
        for i in self.interfaces.iter() {
            write!(
                w,
                " [type 0x{:02x} eid 0x{:02x}]",
                i.interface_type, i.interface_eid
            )?;
        }
        Ok(())
    }

    fn describe(&self, v: &mut dyn Visitor) {
        uint8(v, "interface_count", 0, self.interfaces.len() as u8);
        self.interfaces.describe_list(v, "interfaces", 1);
    }
}
