//! PLDM GetPDR multipart transfers (DSP0248 §26.2 GetPDR).
//!
//! A PDR larger than the responder's transfer size comes in parts: the
//! first request names the record handle with transferOperationFlag
//! GetFirstPart; each response carries recordData, a transferFlag (Start,
//! Middle, End; StartAndEnd for a whole record) and nextDataTransferHandle;
//! the requester asks for the next part with GetNextPart and that handle as
//! dataTransferHandle. The End part carries transferCRC, a CRC-8 (SMBus
//! polynomial, libpldm `crc8`) over the whole record.
//!
//! The analyser keeps one transfer per conversation (requester, responder):
//! a Start response begins it, each Middle/End must answer a GetNextPart
//! whose dataTransferHandle is the previous response's
//! nextDataTransferHandle, and End completes it. A broken chain drops the
//! partial record silently (the retransmission that usually follows starts
//! a new one). The completed record is decoded with
//! [`pdr::Record::parse`] and its CRC checked.
//!
//! Memory: a PDR is a 10-byte header and at most 65,535 bytes of data
//! (DSP0248 §28.1, `dataLength` is 16 bits), so a transfer growing past
//! [`MAX_PDR_BYTES`] is dropped with a finding, and the buffer of a
//! completed transfer larger than [`KEEP_BYTES`] is freed rather than kept
//! for reuse, so an idle conversation holds little.

use std::fmt;

use mctpkit_wire::message::Message;
use mctpkit_wire::pldm::platform::{self, TransferFlag, TransferOperationFlag};
use mctpkit_wire::pldm::{self, pdr};
use mctpkit_wire::Error;

use super::finding::Detail;

/// A reassembled GetPDR multipart record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PdrTransfer {
    /// Capture index of the first part's request.
    pub first_index: usize,
    /// The record handle asked for in the first request.
    pub record_handle: u32,
    /// Number of responses that carried the record.
    pub parts: u32,
    /// The whole record (PDR header and data).
    pub bytes: Vec<u8>,
    /// transferCRC of the End part.
    pub crc_found: Option<u8>,
    /// CRC-8 computed over `bytes`.
    pub crc_computed: u8,
}

impl PdrTransfer {
    /// The decoded record.
    pub fn record(&self) -> Result<pdr::Record<'_>, Error> {
        pdr::Record::parse(&self.bytes)
    }

    /// `true` when the End part carried a transferCRC equal to the computed one.
    pub fn crc_ok(&self) -> bool {
        self.crc_found == Some(self.crc_computed)
    }

    /// The finding a completed transfer deserves: a bad CRC, else a record
    /// that does not decode.
    pub(crate) fn finding_detail(&self) -> Option<Detail> {
        match self.crc_found {
            Some(found) if found != self.crc_computed => Some(Detail::MultipartCrc {
                bytes: self.bytes.len(),
                found,
                computed: self.crc_computed,
            }),
            _ => self.record().err().map(Detail::MultipartDecode),
        }
    }
}

impl fmt::Display for PdrTransfer {
    /// One annotation line: `GetPDR multipart: record 0x00000005, 3 parts,
    /// 120 B, CRC ok / <PDR summary>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "GetPDR multipart: record {:#010x}, {} parts, {} B, CRC ",
            self.record_handle,
            self.parts,
            self.bytes.len()
        )?;
        match self.crc_found {
            Some(c) if c == self.crc_computed => f.write_str("ok")?,
            Some(c) => write!(
                f,
                "BAD (found {c:#04x}, computed {:#04x})",
                self.crc_computed
            )?,
            None => f.write_str("missing")?,
        }
        match self.record() {
            Ok(r) => {
                f.write_str(" / ")?;
                r.summary(f)
            }
            Err(e) => write!(f, " / record does not decode: {e}"),
        }
    }
}

/// Largest PDR: 10-byte common header + 65,535 bytes of data.
pub(crate) const MAX_PDR_BYTES: usize = 10 + 65_535;
/// Completed-transfer buffers up to this size are kept for reuse.
const KEEP_BYTES: usize = 4096;

/// The GetPDR request last seen in a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LastRequest {
    record_handle: u32,
    data_transfer_handle: u32,
    first_part: bool,
}

/// Per-conversation reassembly state.
#[derive(Debug, Default)]
pub(crate) struct Reassembly {
    last_request: Option<LastRequest>,
    /// The transfer being built and the handle its next request must carry.
    building: Option<(PdrTransfer, u32)>,
    /// The last completed transfer (its buffer is reused by the next one).
    done: PdrTransfer,
}

fn get_pdr_request(m: &Message<'_>) -> Option<platform::GetPdrRequest> {
    match m {
        Message::Pldm(p) => match &p.body {
            pldm::Body::Platform {
                body: platform::Body::GetPdrRequest(r),
                ..
            } => Some(*r),
            _ => None,
        },
        _ => None,
    }
}

fn get_pdr_response<'a>(m: &Message<'a>) -> Option<platform::GetPdrResponse<'a>> {
    match m {
        Message::Pldm(p) if p.header.completion_code == Some(0) => match &p.body {
            pldm::Body::Platform {
                body: platform::Body::GetPdrResponse(r),
                ..
            } => Some(*r),
            _ => None,
        },
        _ => None,
    }
}

impl Reassembly {
    /// `true` while a transfer is being built.
    pub(crate) fn in_progress(&self) -> bool {
        self.building.is_some()
    }

    /// Free the completed transfer's buffer if it is large (call once its
    /// event has been handed out).
    pub(crate) fn trim(&mut self) {
        if self.done.bytes.capacity() > KEEP_BYTES {
            self.done = PdrTransfer::default();
        }
    }

    /// Note a request of the conversation (only GetPDR matters).
    pub(crate) fn observe_request(&mut self, m: &Message<'_>) {
        if let Some(r) = get_pdr_request(m) {
            self.last_request = Some(LastRequest {
                record_handle: r.record_handle,
                data_transfer_handle: r.data_transfer_handle,
                first_part: r.transfer_operation_flag == TransferOperationFlag::GetFirstPart,
            });
        }
    }

    /// Feed a matched response; returns the transfer it completes, or
    /// `Err(first_index)` when the transfer begun at `first_index` grew past
    /// [`MAX_PDR_BYTES`] and was dropped. `request_index` is the capture
    /// index of the request it answers.
    pub(crate) fn observe_response(
        &mut self,
        request_index: usize,
        m: &Message<'_>,
    ) -> Result<Option<&PdrTransfer>, usize> {
        let Some(r) = get_pdr_response(m) else {
            return Ok(None);
        };
        let req = self.last_request.take();
        match r.transfer_flag {
            TransferFlag::Start => {
                let mut t = std::mem::take(&mut self.done);
                t.bytes.clear();
                t.bytes.extend_from_slice(r.record_data);
                t.first_index = request_index;
                t.record_handle = req.map_or(0, |q| q.record_handle);
                t.parts = 1;
                t.crc_found = None;
                t.crc_computed = 0;
                self.building = Some((t, r.next_data_transfer_handle));
                Ok(None)
            }
            TransferFlag::Middle | TransferFlag::End => {
                let Some((mut t, next)) = self.building.take() else {
                    return Ok(None);
                };
                let chained = req.is_some_and(|q| !q.first_part && q.data_transfer_handle == next);
                if !chained {
                    self.done = t;
                    self.trim();
                    return Ok(None);
                }
                if t.bytes.len() + r.record_data.len() > MAX_PDR_BYTES {
                    let first = t.first_index;
                    self.done = t;
                    self.trim();
                    return Err(first);
                }
                t.bytes.extend_from_slice(r.record_data);
                t.parts += 1;
                if r.transfer_flag == TransferFlag::Middle {
                    self.building = Some((t, r.next_data_transfer_handle));
                    return Ok(None);
                }
                t.crc_found = r.transfer_crc;
                t.crc_computed = pdr::transfer_crc(&t.bytes);
                self.done = t;
                Ok(Some(&self.done))
            }
            _ => Ok(None),
        }
    }
}
