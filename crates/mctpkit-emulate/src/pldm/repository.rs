//! The terminus's PDR repository and the GetPDR transfer (DSP0248 §26.2,
//! §26.1 GetPDRRepositoryInfo).
//!
//! Records get handles 1, 2, 3... in order; handle 0 asks for the first
//! record. A record longer than the requester's `requestCount` (or than
//! [`MAX_PART`]) goes in parts: `Start`, `Middle`..., `End` with the
//! transferCRC (CRC-8 over the whole record, libpldm's `crc8`), the
//! `dataTransferHandle` of each next part being its byte offset in the
//! record. A `requestCount` of 0 returns no record data (only
//! `nextRecordHandle`), as OpenBMC's responder does.

use mctpkit_wire::pldm::pdr;
use mctpkit_wire::pldm::platform::{
    GetPdrRepositoryInfoResponse, GetPdrRequest, GetPdrResponse, RepositoryState, TransferFlag,
    TransferOperationFlag,
};

/// Largest part of a record sent in one GetPDR response.
pub const MAX_PART: usize = 1024;

/// GetPDR completion codes (DSP0248 Table 67; libpldm
/// `pldm_platform_completion_codes`).
pub mod cc {
    pub const INVALID_DATA_TRANSFER_HANDLE: u8 = 0x80;
    pub const INVALID_TRANSFER_OPERATION_FLAG: u8 = 0x81;
    pub const INVALID_RECORD_HANDLE: u8 = 0x82;
    pub const INVALID_RECORD_CHANGE_NUMBER: u8 = 0x83;
}

/// Whole PDRs (common header included), record handle = index + 1.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Repository {
    records: Vec<Vec<u8>>,
}

impl Repository {
    /// An empty repository.
    pub fn new() -> Self {
        Repository::default()
    }

    /// The handle the next added record gets.
    pub fn next_handle(&self) -> u32 {
        self.records.len() as u32 + 1
    }

    /// Add a record built for [`Repository::next_handle`].
    pub fn push(&mut self, record: Vec<u8>) {
        self.records.push(record);
    }

    /// Replace the record with `handle` (same handle).
    pub fn replace(&mut self, handle: u32, record: Vec<u8>) {
        if let Some(r) = self.index(handle).and_then(|i| self.records.get_mut(i)) {
            *r = record;
        }
    }

    /// Records held.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// `true` without records.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    fn index(&self, handle: u32) -> Option<usize> {
        match handle {
            0 if !self.records.is_empty() => Some(0),
            0 => None,
            h => {
                let i = usize::try_from(h - 1).ok()?;
                (i < self.records.len()).then_some(i)
            }
        }
    }

    /// GetPDRRepositoryInfo (0x50) data: available, no timestamps.
    pub fn info(&self) -> GetPdrRepositoryInfoResponse {
        GetPdrRepositoryInfoResponse {
            repository_state: RepositoryState::Available,
            update_time: [0; 13],
            oem_update_time: [0; 13],
            record_count: self.records.len() as u32,
            repository_size: self.records.iter().map(|r| r.len() as u32).sum(),
            largest_record_size: self
                .records
                .iter()
                .map(|r| r.len() as u32)
                .max()
                .unwrap_or(0),
            data_transfer_handle_timeout: 0,
        }
    }

    /// Answer a GetPDR request: the response data, or a completion code.
    pub fn get_pdr(&self, req: &GetPdrRequest) -> Result<GetPdrResponse<'_>, u8> {
        let i = self
            .index(req.record_handle)
            .ok_or(cc::INVALID_RECORD_HANDLE)?;
        let record = &self.records[i];
        let offset = match req.transfer_operation_flag {
            TransferOperationFlag::GetFirstPart => 0,
            TransferOperationFlag::GetNextPart => {
                // Records never change: their change number is 0.
                if req.record_change_number != 0 {
                    return Err(cc::INVALID_RECORD_CHANGE_NUMBER);
                }
                let o = usize::try_from(req.data_transfer_handle)
                    .map_err(|_| cc::INVALID_DATA_TRANSFER_HANDLE)?;
                if o == 0 || o >= record.len() {
                    return Err(cc::INVALID_DATA_TRANSFER_HANDLE);
                }
                o
            }
            _ => return Err(cc::INVALID_TRANSFER_OPERATION_FLAG),
        };
        let next_record_handle = if i + 1 < self.records.len() {
            i as u32 + 2
        } else {
            0
        };
        let count = usize::from(req.request_count)
            .min(MAX_PART)
            .min(record.len() - offset);
        let end = offset + count;
        let (transfer_flag, next, crc) = match (offset, end == record.len()) {
            _ if count == 0 => (TransferFlag::Start, 0, None),
            (0, true) => (TransferFlag::StartAndEnd, 0, None),
            (0, false) => (TransferFlag::Start, end as u32, None),
            (_, true) => (TransferFlag::End, 0, Some(pdr::transfer_crc(record))),
            (_, false) => (TransferFlag::Middle, end as u32, None),
        };
        Ok(GetPdrResponse {
            next_record_handle,
            next_data_transfer_handle: next,
            transfer_flag,
            record_data: &record[offset..end],
            transfer_crc: crc,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> Repository {
        let mut r = Repository::new();
        r.push((0..40u8).collect());
        r.push(vec![7; 12]);
        r
    }

    fn req(handle: u32, dth: u32, flag: TransferOperationFlag, count: u16) -> GetPdrRequest {
        GetPdrRequest {
            record_handle: handle,
            data_transfer_handle: dth,
            transfer_operation_flag: flag,
            request_count: count,
            record_change_number: 0,
        }
    }

    #[test]
    fn whole_records_and_parts() {
        let r = repo();
        let first = r
            .get_pdr(&req(0, 0, TransferOperationFlag::GetFirstPart, 255))
            .unwrap();
        assert_eq!(first.transfer_flag, TransferFlag::StartAndEnd);
        assert_eq!((first.next_record_handle, first.record_data.len()), (2, 40));
        let last = r
            .get_pdr(&req(2, 0, TransferOperationFlag::GetFirstPart, 255))
            .unwrap();
        assert_eq!(last.next_record_handle, 0);

        // 40 bytes in parts of 16: Start, Middle, End with the CRC.
        let p1 = r
            .get_pdr(&req(1, 0, TransferOperationFlag::GetFirstPart, 16))
            .unwrap();
        assert_eq!(
            (p1.transfer_flag, p1.next_data_transfer_handle),
            (TransferFlag::Start, 16)
        );
        let p2 = r
            .get_pdr(&req(1, 16, TransferOperationFlag::GetNextPart, 16))
            .unwrap();
        assert_eq!(
            (p2.transfer_flag, p2.next_data_transfer_handle),
            (TransferFlag::Middle, 32)
        );
        let p3 = r
            .get_pdr(&req(1, 32, TransferOperationFlag::GetNextPart, 16))
            .unwrap();
        assert_eq!(p3.transfer_flag, TransferFlag::End);
        assert_eq!(p3.record_data, &(32..40u8).collect::<Vec<_>>()[..]);
        let whole: Vec<u8> = (0..40u8).collect();
        assert_eq!(p3.transfer_crc, Some(pdr::transfer_crc(&whole)));
    }

    #[test]
    fn bad_requests_get_their_completion_codes() {
        let r = repo();
        let e = |q| r.get_pdr(&q).unwrap_err();
        assert_eq!(
            e(req(3, 0, TransferOperationFlag::GetFirstPart, 9)),
            cc::INVALID_RECORD_HANDLE
        );
        assert_eq!(
            e(req(1, 40, TransferOperationFlag::GetNextPart, 9)),
            cc::INVALID_DATA_TRANSFER_HANDLE
        );
        assert_eq!(
            e(req(1, 0, TransferOperationFlag::GetNextPart, 9)),
            cc::INVALID_DATA_TRANSFER_HANDLE
        );
        assert_eq!(
            e(req(1, 0, TransferOperationFlag::AcknowledgementOnly, 9)),
            cc::INVALID_TRANSFER_OPERATION_FLAG
        );
        let mut q = req(1, 8, TransferOperationFlag::GetNextPart, 9);
        q.record_change_number = 5;
        assert_eq!(e(q), cc::INVALID_RECORD_CHANGE_NUMBER);
        assert_eq!(
            Repository::new()
                .get_pdr(&req(0, 0, TransferOperationFlag::GetFirstPart, 9))
                .unwrap_err(),
            cc::INVALID_RECORD_HANDLE
        );
        // requestCount 0: no data, the next handle only.
        let z = r
            .get_pdr(&req(1, 0, TransferOperationFlag::GetFirstPart, 0))
            .unwrap();
        assert_eq!((z.record_data.len(), z.next_record_handle), (0, 2));
        let i = r.info();
        assert_eq!(
            (i.record_count, i.repository_size, i.largest_record_size),
            (2, 52, 40)
        );
    }
}
