//! ERROR, RESPOND_IF_READY, VENDOR_DEFINED_*, CHUNK_*, GET_CSR/CSR,
//! SET_CERTIFICATE and the bodiless messages (DSP0274 §10.8, §10.20–10.24).
//!
//! ```text
//! ERROR                 Param1 ErrorCode, Param2 ErrorData, ExtendedErrorData:
//!                       ResponseNotReady: RDTExponent(1) RequestCode(1) Token(1) RDTM(1)
//!                       LargeResponse (1.2): Handle(1)
//!                       VendorDefined: Len(1) VendorID(Len) opaque data
//! RESPOND_IF_READY      Param1 RequestCode, Param2 Token (no body)
//! VENDOR_DEFINED_*      StandardID(2) Len(1) VendorID(Len) ReqLength/RespLength(2) payload
//! CHUNK_SEND / CHUNK_RESPONSE  ChunkSeqNo(2) Reserved(2) ChunkSize(4)
//!                       [LargeMessageSize(4) when ChunkSeqNo = 0] SPDMchunk(ChunkSize)
//! CHUNK_SEND_ACK        ChunkSeqNo(2) [ResponseToLargeRequest]
//! CHUNK_GET             ChunkSeqNo(2)
//! GET_CSR               RequesterInfoLength(2) OpaqueDataLength(2) RequesterInfo OpaqueData
//! CSR                   CSRLength(2) Reserved(2) CSRdata
//! SET_CERTIFICATE       CertChain (rest of the message)
//! ```

use core::fmt;

use crate::describe::Value;
use crate::error::Result;
use crate::macros::open_enum;

use super::body::Part;
use super::codec::{Reader, Walk, Writer};
use super::{ErrorCode, Header, RequestResponseCode as C, Version};

/// ExtendedErrorData of an ERROR response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ErrorData<'a> {
    /// ResponseNotReady (0x42).
    ResponseNotReady {
        rdt_exponent: u8,
        request_code: u8,
        token: u8,
        rdtm: u8,
    },
    /// LargeResponse (0x0F, 1.2): the chunk handle.
    LargeResponse { handle: u8 },
    /// VendorDefined (0xFF).
    VendorDefined { vendor_id: &'a [u8], data: &'a [u8] },
    /// Any other code: the extended data as sent (often empty).
    Other(&'a [u8]),
}

/// ERROR response body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ErrorResponse<'a> {
    pub data: ErrorData<'a>,
}

impl<'a> ErrorResponse<'a> {
    pub(crate) fn parse(h: &Header, r: &mut Reader<'a>) -> Result<Self> {
        let data = match ErrorCode::from_value(h.param1) {
            ErrorCode::ResponseNotReady => ErrorData::ResponseNotReady {
                rdt_exponent: r.u8()?,
                request_code: r.u8()?,
                token: r.u8()?,
                rdtm: r.u8()?,
            },
            ErrorCode::LargeResponse if h.version >= Version::V12 => {
                ErrorData::LargeResponse { handle: r.u8()? }
            }
            ErrorCode::VendorDefined => {
                let n = r.u8()? as usize;
                ErrorData::VendorDefined {
                    vendor_id: r.bytes(n)?,
                    data: r.rest(),
                }
            }
            _ => ErrorData::Other(r.rest()),
        };
        Ok(ErrorResponse { data })
    }
}

impl Part for ErrorResponse<'_> {
    fn emit(&self, _: &Header, w: &mut Writer<'_>) -> Result<()> {
        match self.data {
            ErrorData::ResponseNotReady {
                rdt_exponent,
                request_code,
                token,
                rdtm,
            } => w.bytes(&[rdt_exponent, request_code, token, rdtm]),
            ErrorData::LargeResponse { handle } => w.u8(handle),
            ErrorData::VendorDefined { vendor_id, data } => {
                w.u8(vendor_id.len() as u8)?;
                w.bytes(vendor_id)?;
                w.bytes(data)
            }
            ErrorData::Other(b) => w.bytes(b),
        }
    }
    fn describe(&self, _: &Header, w: &mut Walk<'_, '_>) {
        match self.data {
            ErrorData::ResponseNotReady {
                rdt_exponent,
                request_code,
                token,
                rdtm,
            } => {
                w.uint("rdt_exponent", 1, rdt_exponent.into());
                w.named(
                    "request_code",
                    1,
                    Value::hex8(request_code),
                    C::from_value(request_code).name(),
                );
                w.uint("token", 1, token.into());
                w.uint("rdtm", 1, rdtm.into());
            }
            ErrorData::LargeResponse { handle } => w.uint("handle", 1, handle.into()),
            ErrorData::VendorDefined { vendor_id, data } => {
                w.uint("len", 1, vendor_id.len() as u64);
                w.bytes("vendor_id", vendor_id);
                w.bytes("opaque_error_data", data);
            }
            ErrorData::Other(b) => {
                if !b.is_empty() {
                    w.bytes("extended_error_data", b);
                }
            }
        }
    }
    fn summary(&self, h: &Header, out: &mut dyn fmt::Write) -> fmt::Result {
        let code = ErrorCode::from_value(h.param1);
        match code.name() {
            Some(n) => write!(out, " {n}")?,
            None => write!(out, " error {:#04x}", h.param1)?,
        }
        write!(out, " data={:#04x}", h.param2)?;
        match self.data {
            ErrorData::ResponseNotReady {
                rdt_exponent,
                request_code,
                token,
                rdtm,
            } => {
                match C::from_value(request_code).name() {
                    Some(n) => write!(out, " for {n}")?,
                    None => write!(out, " for {request_code:#04x}")?,
                }
                // RDT = 2^RDTExponent µs; the requester may wait RDT × RDTM.
                write!(out, " token={token} rdt=2^{rdt_exponent}us rdtm={rdtm}")
            }
            ErrorData::LargeResponse { handle } => write!(out, " handle={handle}"),
            _ => Ok(()),
        }
    }
}

open_enum! {
    /// VENDOR_DEFINED StandardID / registry ID (DSP0274 Table "Registry or standards body ID").
    pub enum StandardId: u16 {
        Dmtf = 0 => "DMTF",
        Tcg = 1 => "TCG",
        Usb = 2 => "USB",
        PciSig = 3 => "PCI-SIG",
        Iana = 4 => "IANA",
        HdBaseT = 5 => "HDBaseT",
        Mipi = 6 => "MIPI",
        Cxl = 7 => "CXL",
        Jedec = 8 => "JEDEC",
        Vesa = 9 => "VESA",
        IanaCbor = 10 => "IANA CBOR",
    }
}

/// VENDOR_DEFINED_REQUEST / VENDOR_DEFINED_RESPONSE body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct VendorDefined<'a> {
    pub standard_id: StandardId,
    pub vendor_id: &'a [u8],
    pub payload: &'a [u8],
}

impl<'a> VendorDefined<'a> {
    pub(crate) fn parse(r: &mut Reader<'a>) -> Result<Self> {
        let standard_id = StandardId::from_value(r.u16()?);
        let n = r.u8()? as usize;
        let vendor_id = r.bytes(n)?;
        let p = r.u16()? as usize;
        Ok(VendorDefined {
            standard_id,
            vendor_id,
            payload: r.bytes(p)?,
        })
    }
}

impl Part for VendorDefined<'_> {
    fn emit(&self, _: &Header, w: &mut Writer<'_>) -> Result<()> {
        w.u16(self.standard_id.value())?;
        w.u8(self.vendor_id.len() as u8)?;
        w.bytes(self.vendor_id)?;
        w.u16(self.payload.len() as u16)?;
        w.bytes(self.payload)
    }
    fn describe(&self, h: &Header, w: &mut Walk<'_, '_>) {
        w.named(
            "standard_id",
            2,
            Value::hex16(self.standard_id.value()),
            self.standard_id.name(),
        );
        w.uint("len", 1, self.vendor_id.len() as u64);
        w.bytes("vendor_id", self.vendor_id);
        let (l, p) = if h.is_request() {
            ("req_length", "vendor_defined_req_payload")
        } else {
            ("resp_length", "vendor_defined_resp_payload")
        };
        w.uint(l, 2, self.payload.len() as u64);
        w.bytes(p, self.payload);
    }
    fn summary(&self, _: &Header, out: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            out,
            " standard={} vendor_id={} payload={} bytes",
            self.standard_id,
            crate::describe::HexBytes(self.vendor_id),
            self.payload.len()
        )
    }
}

/// CHUNK_SEND request / CHUNK_RESPONSE response body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Chunk<'a> {
    pub chunk_seq_no: u16,
    /// LargeMessageSize (only in chunk 0).
    pub large_message_size: Option<u32>,
    pub chunk: &'a [u8],
}

impl<'a> Chunk<'a> {
    pub(crate) fn parse(r: &mut Reader<'a>) -> Result<Self> {
        let chunk_seq_no = r.u16()?;
        r.u16()?;
        let size = r.u32()? as usize;
        let large_message_size = if chunk_seq_no == 0 {
            Some(r.u32()?)
        } else {
            None
        };
        Ok(Chunk {
            chunk_seq_no,
            large_message_size,
            chunk: r.bytes(size)?,
        })
    }
}

impl Part for Chunk<'_> {
    fn emit(&self, _: &Header, w: &mut Writer<'_>) -> Result<()> {
        w.u16(self.chunk_seq_no)?;
        w.u16(0)?;
        w.u32(self.chunk.len() as u32)?;
        if let Some(l) = self.large_message_size {
            w.u32(l)?;
        }
        w.bytes(self.chunk)
    }
    fn describe(&self, h: &Header, w: &mut Walk<'_, '_>) {
        w.uint("chunk_seq_no", 2, self.chunk_seq_no.into());
        w.reserved(2);
        w.uint("chunk_size", 4, self.chunk.len() as u64);
        if let Some(l) = self.large_message_size {
            w.uint("large_message_size", 4, l.into());
        }
        w.bytes("spdm_chunk", self.chunk);
        w.derived("last_chunk", Value::Bool(h.param1 & 1 != 0), None);
    }
    fn summary(&self, h: &Header, out: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            out,
            " handle={} seq={} size={}",
            h.param2,
            self.chunk_seq_no,
            self.chunk.len()
        )?;
        if let Some(l) = self.large_message_size {
            write!(out, " total={l}")?;
        }
        if h.param1 & 1 != 0 {
            out.write_str(" last")?;
        }
        Ok(())
    }
}

/// CHUNK_SEND_ACK response body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ChunkSendAck<'a> {
    pub chunk_seq_no: u16,
    /// ResponseToLargeRequest (after the last chunk), possibly empty.
    pub response_to_large_request: &'a [u8],
}

impl<'a> ChunkSendAck<'a> {
    pub(crate) fn parse(r: &mut Reader<'a>) -> Result<Self> {
        Ok(ChunkSendAck {
            chunk_seq_no: r.u16()?,
            response_to_large_request: r.rest(),
        })
    }
}

impl Part for ChunkSendAck<'_> {
    fn emit(&self, _: &Header, w: &mut Writer<'_>) -> Result<()> {
        w.u16(self.chunk_seq_no)?;
        w.bytes(self.response_to_large_request)
    }
    fn describe(&self, h: &Header, w: &mut Walk<'_, '_>) {
        w.uint("chunk_seq_no", 2, self.chunk_seq_no.into());
        if !self.response_to_large_request.is_empty() {
            w.bytes("response_to_large_request", self.response_to_large_request);
        }
        w.derived("early_error_detected", Value::Bool(h.param1 & 1 != 0), None);
    }
    fn summary(&self, h: &Header, out: &mut dyn fmt::Write) -> fmt::Result {
        write!(out, " handle={} seq={}", h.param2, self.chunk_seq_no)?;
        if h.param1 & 1 != 0 {
            out.write_str(" early_error")?;
        }
        Ok(())
    }
}

/// CHUNK_GET request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ChunkGet {
    pub chunk_seq_no: u16,
}

impl ChunkGet {
    pub(crate) fn parse(r: &mut Reader<'_>) -> Result<Self> {
        Ok(ChunkGet {
            chunk_seq_no: r.u16()?,
        })
    }
}

impl Part for ChunkGet {
    fn emit(&self, _: &Header, w: &mut Writer<'_>) -> Result<()> {
        w.u16(self.chunk_seq_no)
    }
    fn describe(&self, _: &Header, w: &mut Walk<'_, '_>) {
        w.uint("chunk_seq_no", 2, self.chunk_seq_no.into());
    }
    fn summary(&self, h: &Header, out: &mut dyn fmt::Write) -> fmt::Result {
        write!(out, " handle={} seq={}", h.param2, self.chunk_seq_no)
    }
}

/// GET_CSR request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetCsr<'a> {
    pub requester_info: &'a [u8],
    pub opaque_data: &'a [u8],
}

impl<'a> GetCsr<'a> {
    pub(crate) fn parse(r: &mut Reader<'a>) -> Result<Self> {
        let i = r.u16()? as usize;
        let o = r.u16()? as usize;
        Ok(GetCsr {
            requester_info: r.bytes(i)?,
            opaque_data: r.bytes(o)?,
        })
    }
}

impl Part for GetCsr<'_> {
    fn emit(&self, _: &Header, w: &mut Writer<'_>) -> Result<()> {
        w.u16(self.requester_info.len() as u16)?;
        w.u16(self.opaque_data.len() as u16)?;
        w.bytes(self.requester_info)?;
        w.bytes(self.opaque_data)
    }
    fn describe(&self, _: &Header, w: &mut Walk<'_, '_>) {
        w.uint("requester_info_length", 2, self.requester_info.len() as u64);
        w.uint("opaque_data_length", 2, self.opaque_data.len() as u64);
        w.bytes("requester_info", self.requester_info);
        w.bytes("opaque_data", self.opaque_data);
    }
    fn summary(&self, _: &Header, out: &mut dyn fmt::Write) -> fmt::Result {
        write!(out, " requester_info={} bytes", self.requester_info.len())
    }
}

/// CSR response body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Csr<'a> {
    pub csr: &'a [u8],
}

impl<'a> Csr<'a> {
    pub(crate) fn parse(r: &mut Reader<'a>) -> Result<Self> {
        let n = r.u16()? as usize;
        r.u16()?;
        Ok(Csr { csr: r.bytes(n)? })
    }
}

impl Part for Csr<'_> {
    fn emit(&self, _: &Header, w: &mut Writer<'_>) -> Result<()> {
        w.u16(self.csr.len() as u16)?;
        w.u16(0)?;
        w.bytes(self.csr)
    }
    fn describe(&self, _: &Header, w: &mut Walk<'_, '_>) {
        w.uint("csr_length", 2, self.csr.len() as u64);
        w.reserved(2);
        w.bytes("csr_data", self.csr);
    }
    fn summary(&self, _: &Header, out: &mut dyn fmt::Write) -> fmt::Result {
        write!(out, " csr={} bytes", self.csr.len())
    }
}

/// SET_CERTIFICATE request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SetCertificate<'a> {
    pub cert_chain: &'a [u8],
}

impl<'a> SetCertificate<'a> {
    pub(crate) fn parse(r: &mut Reader<'a>) -> Self {
        SetCertificate {
            cert_chain: r.rest(),
        }
    }
}

impl Part for SetCertificate<'_> {
    fn emit(&self, _: &Header, w: &mut Writer<'_>) -> Result<()> {
        w.bytes(self.cert_chain)
    }
    fn describe(&self, _: &Header, w: &mut Walk<'_, '_>) {
        if !self.cert_chain.is_empty() {
            w.bytes("cert_chain", self.cert_chain);
        }
    }
    fn summary(&self, h: &Header, out: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            out,
            " slot={} cert_chain={} bytes",
            h.param1 & 0xF,
            self.cert_chain.len()
        )
    }
}

/// Summary of messages whose content is all in Param1/Param2.
pub(crate) fn empty_summary(h: &Header, out: &mut dyn fmt::Write) -> fmt::Result {
    match h.code {
        C::RespondIfReady => {
            match C::from_value(h.param1).name() {
                Some(n) => write!(out, " for {n}")?,
                None => write!(out, " for {:#04x}", h.param1)?,
            }
            write!(out, " token={}", h.param2)
        }
        C::KeyUpdate | C::KeyUpdateAck => {
            let op = match h.param1 {
                1 => "UpdateKey",
                2 => "UpdateAllKeys",
                3 => "VerifyNewKey",
                _ => "?",
            };
            write!(out, " {op} tag={}", h.param2)
        }
        C::EndSession if h.param1 & 1 != 0 => out.write_str(" clear negotiated state"),
        C::SetCertificateRsp => write!(out, " slot={}", h.param1 & 0xF),
        _ => Ok(()),
    }
}

/// Derived fields of messages whose content is all in Param1/Param2.
pub(crate) fn empty_describe(h: &Header, w: &mut Walk<'_, '_>) {
    if h.code == C::EndSession {
        w.derived(
            "negotiated_state_preservation_indicator",
            Value::Bool(h.param1 & 1 != 0),
            None,
        );
    }
}
