//! Craft CXL messages in one expression.
//!
//! ```
//! use mctpkit_wire::cxl::builder;
//!
//! let mut buf = [0u8; 64];
//! // Get Timestamp request, tag 0 (reference §2 example, without 0xABCD).
//! let n = builder::request(0x0300).build(&mut buf).unwrap();
//! assert_eq!(&buf[..n], &[0x08, 0, 0, 0, 0, 0x03, 0, 0, 0, 0, 0, 0, 0]);
//!
//! // A raw payload, and a tunnelled Identify to switch port 3 (type 7).
//! let n = builder::request(0xC001).tag(5).payload(&[1, 2]).build(&mut buf).unwrap();
//! assert_eq!(n, 1 + 12 + 2);
//! let n = builder::tunnel(3, builder::identify_request(0)).tag(1).build(&mut buf).unwrap();
//! assert_eq!(n, 1 + 12 + 4 + 12);
//! assert_eq!(buf[0], 0x07);
//! ```
//!
//! Output starts at the MCTP type byte: 0x07 (FM-API) for command sets
//! 51h–59h and tunnels, 0x08 (CCI) otherwise, as libcxlmi and QEMU split
//! them (reference §1.1); `.fm_api()` / `.cci()` override. The payload
//! length is computed unless `.payload_length()` forces a value (to craft
//! malformed messages). `build_cci` writes the CCI message alone (no type
//! byte), the form a tunnel carries. Nothing allocates; `to_vec()` needs
//! the `alloc` feature.

use crate::error::{Error, Layer, Result};
use crate::mctp::MessageType;

use super::common::{CxlBody, EmitPayload};
use super::fmapi::{GetPhysicalPortStateRequest, TargetType};
use super::generic::{
    EventLog, GetEventRecordsRequest, GetLogRequest, SetTimestampRequest, CEL_UUID,
};
use super::opcode::{is_fm_api, op, ReturnCode};
use super::{Category, Header, HEADER_LEN};

/// The empty payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NoPayload;

impl EmitPayload for NoPayload {
    fn buffer_len(&self) -> usize {
        0
    }
    fn emit_exact(&self, _: &mut [u8]) {}
}

/// A CXL message under construction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct CxlBuilder<B = NoPayload> {
    msg_type: MessageType,
    header: Header,
    length: Option<u32>,
    payload: B,
}

fn default_type(opcode: u16) -> MessageType {
    if is_fm_api(opcode) {
        MessageType::CxlFmApi
    } else {
        MessageType::CxlCci
    }
}

/// A request for `opcode` (tag 0, no payload).
pub fn request(opcode: u16) -> CxlBuilder {
    CxlBuilder {
        msg_type: default_type(opcode),
        header: Header::request(opcode, 0),
        length: None,
        payload: NoPayload,
    }
}

/// A Success response for `opcode` (tag 0, no payload).
pub fn response(opcode: u16) -> CxlBuilder {
    CxlBuilder {
        msg_type: default_type(opcode),
        header: Header::response(opcode, 0, ReturnCode::Success),
        length: None,
        payload: NoPayload,
    }
}

/// A message whose opcode and direction come from a typed payload.
pub fn for_body<'a, B: CxlBody<'a>>(body: B) -> CxlBuilder<B> {
    let b = if B::REQUEST {
        request(B::OPCODE)
    } else {
        response(B::OPCODE)
    };
    b.body(body)
}

/// A Success response answering `req` (same opcode, tag and MCTP type).
pub fn reply_to(req: &super::Message<'_>) -> CxlBuilder {
    let h = req.header();
    CxlBuilder {
        msg_type: req.type_byte.msg_type,
        header: Header::response(h.opcode, h.tag, ReturnCode::Success),
        length: None,
        payload: NoPayload,
    }
}

impl<B: EmitPayload> CxlBuilder<B> {
    /// Set the message tag.
    pub fn tag(mut self, tag: u8) -> Self {
        self.header.tag = tag;
        self
    }
    /// Change the opcode.
    pub fn opcode(mut self, opcode: u16) -> Self {
        self.header.opcode = opcode;
        self
    }
    /// Make this a response with return code `rc`.
    pub fn return_code(mut self, rc: ReturnCode) -> Self {
        self.header.category = Category::Response;
        self.header.return_code = rc;
        self
    }
    /// Set the BO (background operation) flag.
    pub fn bo(mut self, bo: bool) -> Self {
        self.header.bo = bo;
        self
    }
    /// Set the vendor specific extended status (libcxlmi sends 0xABCD).
    pub fn vendor_status(mut self, s: u16) -> Self {
        self.header.vendor_specific_extended_status = s;
        self
    }
    /// Force the payload length field (to build malformed messages).
    pub fn payload_length(mut self, len: u32) -> Self {
        self.length = Some(len);
        self
    }
    /// Send on MCTP type 7 (FM-API).
    pub fn fm_api(mut self) -> Self {
        self.msg_type = MessageType::CxlFmApi;
        self
    }
    /// Send on MCTP type 8 (CCI).
    pub fn cci(mut self) -> Self {
        self.msg_type = MessageType::CxlCci;
        self
    }
    /// Replace the payload by any encoder.
    pub fn body<C: EmitPayload>(self, payload: C) -> CxlBuilder<C> {
        CxlBuilder {
            msg_type: self.msg_type,
            header: self.header,
            length: self.length,
            payload,
        }
    }
    /// Replace the payload by raw bytes.
    pub fn payload(self, data: &[u8]) -> CxlBuilder<&[u8]> {
        self.body(data)
    }
    /// The header that will be written (payload length computed).
    pub fn header(&self) -> Header {
        let mut h = self.header;
        h.payload_length = self.length.unwrap_or(
            self.payload
                .buffer_len()
                .min(super::MAX_PAYLOAD_LENGTH as usize) as u32,
        );
        h
    }
    /// The MCTP message type that will be written.
    pub fn message_type(&self) -> MessageType {
        self.msg_type
    }
    /// Length of the CCI message (no type byte).
    pub fn cci_len(&self) -> usize {
        HEADER_LEN + self.payload.buffer_len()
    }
    /// Total message length (type byte included).
    pub fn buffer_len(&self) -> usize {
        1 + self.cci_len()
    }
    /// Write the CCI message alone (header + payload) into `buf`.
    pub fn build_cci(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.cci_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::Cxl, n, buf.len()));
        }
        self.header().emit_bytes(buf)?;
        self.payload.emit_exact(&mut buf[HEADER_LEN..n]);
        Ok(n)
    }
    /// Write the message (type byte first) into `buf`; returns its length.
    pub fn build(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        if buf.len() < n {
            return Err(Error::buffer_too_small(Layer::Cxl, n, buf.len()));
        }
        buf[0] = self.msg_type.value() & 0x7F;
        self.build_cci(&mut buf[1..n])?;
        Ok(n)
    }
    /// The message as a new vector.
    #[cfg(feature = "alloc")]
    pub fn to_vec(&self) -> alloc::vec::Vec<u8> {
        let mut v = alloc::vec![0u8; self.buffer_len()];
        // The vector has exactly buffer_len() bytes, so build cannot fail.
        let n = self.build(&mut v).unwrap_or(0);
        v.truncate(n);
        v
    }
}

/// A builder is itself a payload: its CCI form (no type byte), which is
/// what a Tunnel Management Command encloses.
impl<B: EmitPayload> EmitPayload for CxlBuilder<B> {
    fn buffer_len(&self) -> usize {
        self.cci_len()
    }
    fn emit_exact(&self, buf: &mut [u8]) {
        let _ = self.build_cci(buf);
    }
}

/// Tunnel Management Command request payload around any CCI message encoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TunnelPayload<M> {
    pub port_or_ld_id: u8,
    pub target_type: TargetType,
    pub message: M,
}

impl<M: EmitPayload> EmitPayload for TunnelPayload<M> {
    fn buffer_len(&self) -> usize {
        4 + self.message.buffer_len()
    }
    fn emit_exact(&self, b: &mut [u8]) {
        b[0] = self.port_or_ld_id;
        b[1] = self.target_type.value() & 0x0F;
        let n = self.message.buffer_len();
        b[2..4].copy_from_slice(&(n.min(0xFFFF) as u16).to_le_bytes());
        self.message.emit_exact(&mut b[4..]);
    }
}

/// Tunnel Management Command response payload around a CCI response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TunnelResponsePayload<M>(pub M);

impl<M: EmitPayload> EmitPayload for TunnelResponsePayload<M> {
    fn buffer_len(&self) -> usize {
        4 + self.0.buffer_len()
    }
    fn emit_exact(&self, b: &mut [u8]) {
        let n = self.0.buffer_len();
        b[0..2].copy_from_slice(&(n.min(0xFFFF) as u16).to_le_bytes());
        b[2..4].fill(0);
        self.0.emit_exact(&mut b[4..]);
    }
}

/// Tunnel `inner` (a CCI message: a builder, or raw CCI bytes) to switch
/// port or LD `port` (target type 0), on MCTP type 7.
pub fn tunnel<M: EmitPayload>(port: u8, inner: M) -> CxlBuilder<TunnelPayload<M>> {
    request(op::TUNNEL_MANAGEMENT_COMMAND).body(TunnelPayload {
        port_or_ld_id: port,
        target_type: TargetType::PortOrLd,
        message: inner,
    })
}

/// Tunnel `inner` to the LD pool CCI of a multi-headed device (target type 1,
/// id 0xFF as libcxlmi sends it).
pub fn tunnel_to_ld_pool<M: EmitPayload>(inner: M) -> CxlBuilder<TunnelPayload<M>> {
    request(op::TUNNEL_MANAGEMENT_COMMAND).body(TunnelPayload {
        port_or_ld_id: 0xFF,
        target_type: TargetType::LdPoolCci,
        message: inner,
    })
}

/// Tunnel response carrying `inner` (a CCI response).
pub fn tunnel_response<M: EmitPayload>(inner: M) -> CxlBuilder<TunnelResponsePayload<M>> {
    response(op::TUNNEL_MANAGEMENT_COMMAND).body(TunnelResponsePayload(inner))
}

/// Identify (0001h) request.
pub fn identify_request(tag: u8) -> CxlBuilder {
    request(op::IDENTIFY).tag(tag)
}

/// Background Operation Status (0002h) request.
pub fn background_operation_status_request(tag: u8) -> CxlBuilder {
    request(op::BACKGROUND_OPERATION_STATUS).tag(tag)
}

/// Get Event Records (0100h) request.
pub fn get_event_records_request(tag: u8, log: EventLog) -> CxlBuilder<GetEventRecordsRequest> {
    for_body(GetEventRecordsRequest { event_log: log }).tag(tag)
}

/// Get FW Info (0200h) request.
pub fn get_fw_info_request(tag: u8) -> CxlBuilder {
    request(op::GET_FW_INFO).tag(tag)
}

/// Get Timestamp (0300h) request.
pub fn get_timestamp_request(tag: u8) -> CxlBuilder {
    request(op::GET_TIMESTAMP).tag(tag)
}

/// Set Timestamp (0301h) request.
pub fn set_timestamp_request(tag: u8, ns: u64) -> CxlBuilder<SetTimestampRequest> {
    for_body(SetTimestampRequest { timestamp: ns }).tag(tag)
}

/// Get Supported Logs (0400h) request.
pub fn get_supported_logs_request(tag: u8) -> CxlBuilder {
    request(op::GET_SUPPORTED_LOGS).tag(tag)
}

/// Get Log (0401h) request.
pub fn get_log_request(
    tag: u8,
    log: [u8; 16],
    offset: u32,
    length: u32,
) -> CxlBuilder<GetLogRequest> {
    for_body(GetLogRequest {
        log_identifier: log,
        offset,
        length,
    })
    .tag(tag)
}

/// Get Log request for the Command Effects Log.
pub fn get_cel_request(tag: u8, offset: u32, length: u32) -> CxlBuilder<GetLogRequest> {
    get_log_request(tag, CEL_UUID, offset, length)
}

/// Identify Memory Device (4000h) request.
pub fn identify_memory_device_request(tag: u8) -> CxlBuilder {
    request(op::IDENTIFY_MEMORY_DEVICE).tag(tag)
}

/// Get Partition Info (4100h) request.
pub fn get_partition_info_request(tag: u8) -> CxlBuilder {
    request(op::GET_PARTITION_INFO).tag(tag)
}

/// Get Health Info (4200h) request.
pub fn get_health_info_request(tag: u8) -> CxlBuilder {
    request(op::GET_HEALTH_INFO).tag(tag)
}

/// Identify Switch Device (5100h) request (MCTP type 7).
pub fn identify_switch_device_request(tag: u8) -> CxlBuilder {
    request(op::IDENTIFY_SWITCH_DEVICE).tag(tag)
}

/// Get Physical Port State (5101h) request for `ports` (at most 255).
pub fn get_physical_port_state_request(
    tag: u8,
    ports: &[u8],
) -> CxlBuilder<GetPhysicalPortStateRequest<'_>> {
    for_body(GetPhysicalPortStateRequest { port_ids: ports }).tag(tag)
}

/// Get LD Info (5400h) request (MCTP type 7; usually tunnelled to an MLD).
pub fn get_ld_info_request(tag: u8) -> CxlBuilder {
    request(op::GET_LD_INFO).tag(tag)
}
