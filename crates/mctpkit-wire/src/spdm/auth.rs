//! DIGESTS, CERTIFICATE, CHALLENGE_AUTH, MEASUREMENTS and their requests
//! (DSP0274 §10.6–10.11).
//!
//! ```text
//! DIGESTS          Digest[H × popcount(Param2)]
//!                  1.3 with MULTI_KEY_CONN: + KeyPairID[n] CertificateInfo[n] KeyUsageMask[2n]
//! GET_CERTIFICATE  Offset(2) Length(2)
//! CERTIFICATE      PortionLength(2) RemainderLength(2) CertChain[PortionLength]
//! CHALLENGE        Nonce(32) [RequesterContext(8), 1.3]
//! CHALLENGE_AUTH   CertChainHash(H) Nonce(32) MeasurementSummaryHash(H or 0)
//!                  OpaqueDataLength(2) OpaqueData [RequesterContext(8), 1.3] Signature(S)
//! GET_MEASUREMENTS [Nonce(32) SlotIDParam(1, 1.1+)] when Param1 bit 0 (signature)
//!                  [RequesterContext(8), 1.3]
//! MEASUREMENTS     NumberOfBlocks(1) MeasurementRecordLength(3) MeasurementRecord
//!                  Nonce(32) OpaqueDataLength(2) OpaqueData [RequesterContext(8), 1.3]
//!                  [Signature(S) when requested]
//! Measurement block  Index(1) MeasurementSpecification(1) MeasurementSize(2) Measurement
//! DMTF measurement   DMTFSpecMeasurementValueType(1: [7] raw bit stream, [6:0] type)
//!                    DMTFSpecMeasurementValueSize(2) DMTFSpecMeasurementValue
//! ```
//!
//! Sizes: H from BaseHashSel, S from BaseAsymSel (the [`Context`]); the
//! measurement summary hash is present when the request's
//! MeasurementSummaryHashType (CHALLENGE Param2) is non-zero. MEASUREMENTS
//! needs no context: its signature is whatever follows the opaque data
//! (checked against S when known). A 1.0 MEASUREMENTS that ends right after
//! the record (observed in early responders) is accepted without nonce.

use core::fmt;

use crate::describe::{Group, HexBytes, Value};
use crate::error::Result;
use crate::macros::open_enum;

use super::body::{Parsed, Part};
use super::codec::{mismatch, Reader, Walk, Writer};
use super::context::Context;
use super::{Header, RequestResponseCode as C, Version, NONCE_LEN, REQUESTER_CONTEXT_LEN};

/// Split `rest` as a signature of `expected` size when known.
fn check_signature(offset: usize, sig: &[u8], ctx: &Context) -> Result<()> {
    if let Ok(s) = ctx.signature_size() {
        if !sig.is_empty() && sig.len() != s {
            return Err(mismatch(offset, "signature", s, sig.len()));
        }
    }
    Ok(())
}

/// DIGESTS response body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Digests<'a> {
    /// Digest size H.
    pub digest_size: usize,
    /// The digests, `digest_size` bytes each, one per bit of Param2.
    pub digests: &'a [u8],
    /// 1.3 multi-key: KeyPairID per slot (empty otherwise).
    pub key_pair_ids: &'a [u8],
    /// 1.3 multi-key: CertificateInfo per slot.
    pub certificate_infos: &'a [u8],
    /// 1.3 multi-key: KeyUsageMask per slot (2 bytes each).
    pub key_usage_masks: &'a [u8],
}

impl<'a> Digests<'a> {
    pub(crate) fn parse(h: &Header, r: &mut Reader<'a>, ctx: &Context) -> Result<Parsed<Self>> {
        let n = h.param2.count_ones() as usize;
        if n == 0 {
            return Ok(Parsed::Ok(Digests {
                digest_size: 0,
                digests: &[],
                key_pair_ids: &[],
                certificate_infos: &[],
                key_usage_masks: &[],
            }));
        }
        let hs = match ctx.hash_size() {
            Ok(s) => s,
            Err(e) => return Ok(Parsed::Needs(e)),
        };
        let digests = r.bytes(n * hs)?;
        // The multi-key fields follow only when MULTI_KEY_CONN was
        // negotiated; their presence shows in the length (4 bytes a slot).
        let multi = h.version >= Version::V13 && r.remaining() == n * 4;
        let (a, b, c) = if multi {
            (r.bytes(n)?, r.bytes(n)?, r.bytes(n * 2)?)
        } else {
            (&[][..], &[][..], &[][..])
        };
        Ok(Parsed::Ok(Digests {
            digest_size: hs,
            digests,
            key_pair_ids: a,
            certificate_infos: b,
            key_usage_masks: c,
        }))
    }
}

impl Part for Digests<'_> {
    fn emit(&self, _: &Header, w: &mut Writer<'_>) -> Result<()> {
        w.bytes(self.digests)?;
        w.bytes(self.key_pair_ids)?;
        w.bytes(self.certificate_infos)?;
        w.bytes(self.key_usage_masks)
    }
    fn describe(&self, h: &Header, w: &mut Walk<'_, '_>) {
        w.begin("digests", Group::List, self.digests.len());
        if self.digest_size > 0 {
            let mut slots = (0..8u8).filter(|s| h.param2 & (1 << s) != 0);
            for d in self.digests.chunks(self.digest_size) {
                w.begin("", Group::ListItem, d.len());
                if let Some(s) = slots.next() {
                    w.derived("slot_id", Value::Uint(s.into()), None);
                }
                w.bytes("digest", d);
                w.end();
            }
        }
        w.end();
        if !self.key_pair_ids.is_empty() {
            w.bytes("key_pair_id", self.key_pair_ids);
            w.bytes("certificate_info", self.certificate_infos);
            w.bytes("key_usage_mask", self.key_usage_masks);
        }
    }
    fn summary(&self, h: &Header, out: &mut dyn fmt::Write) -> fmt::Result {
        write!(out, " slots={:#04x}", h.param2)?;
        if let Some(n) = self.digests.len().checked_div(self.digest_size) {
            write!(out, " {n} digests of {} bytes", self.digest_size)?;
        }
        Ok(())
    }
}

/// GET_CERTIFICATE request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetCertificate {
    pub offset: u16,
    pub length: u16,
}

impl GetCertificate {
    pub(crate) fn parse(r: &mut Reader<'_>) -> Result<Self> {
        Ok(GetCertificate {
            offset: r.u16()?,
            length: r.u16()?,
        })
    }
}

impl Part for GetCertificate {
    fn emit(&self, _: &Header, w: &mut Writer<'_>) -> Result<()> {
        w.u16(self.offset)?;
        w.u16(self.length)
    }
    fn describe(&self, _: &Header, w: &mut Walk<'_, '_>) {
        w.uint("offset", 2, self.offset.into());
        w.uint("length", 2, self.length.into());
    }
    fn summary(&self, h: &Header, out: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            out,
            " slot={} offset={} length={}",
            h.param1 & 0xF,
            self.offset,
            self.length
        )
    }
}

/// CERTIFICATE response body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Certificate<'a> {
    pub remainder_length: u16,
    /// CertChain portion (PortionLength bytes).
    pub cert_chain: &'a [u8],
}

impl<'a> Certificate<'a> {
    pub(crate) fn parse(r: &mut Reader<'a>) -> Result<Self> {
        let portion = r.u16()? as usize;
        let remainder_length = r.u16()?;
        Ok(Certificate {
            remainder_length,
            cert_chain: r.bytes(portion)?,
        })
    }
}

impl Part for Certificate<'_> {
    fn emit(&self, _: &Header, w: &mut Writer<'_>) -> Result<()> {
        w.u16(self.cert_chain.len() as u16)?;
        w.u16(self.remainder_length)?;
        w.bytes(self.cert_chain)
    }
    fn describe(&self, _: &Header, w: &mut Walk<'_, '_>) {
        w.uint("portion_length", 2, self.cert_chain.len() as u64);
        w.uint("remainder_length", 2, self.remainder_length.into());
        w.bytes("cert_chain", self.cert_chain);
    }
    fn summary(&self, h: &Header, out: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            out,
            " slot={} portion={} remainder={}",
            h.param1 & 0xF,
            self.cert_chain.len(),
            self.remainder_length
        )
    }
}

/// CHALLENGE request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Challenge<'a> {
    pub nonce: &'a [u8],
    /// RequesterContext (1.3), empty before.
    pub requester_context: &'a [u8],
}

impl<'a> Challenge<'a> {
    pub(crate) fn parse(h: &Header, r: &mut Reader<'a>) -> Result<Self> {
        let nonce = r.bytes(NONCE_LEN)?;
        let requester_context = if h.version >= Version::V13 {
            r.bytes(REQUESTER_CONTEXT_LEN)?
        } else {
            &[]
        };
        Ok(Challenge {
            nonce,
            requester_context,
        })
    }
}

impl Part for Challenge<'_> {
    fn emit(&self, _: &Header, w: &mut Writer<'_>) -> Result<()> {
        w.bytes(self.nonce)?;
        w.bytes(self.requester_context)
    }
    fn describe(&self, _: &Header, w: &mut Walk<'_, '_>) {
        w.bytes("nonce", self.nonce);
        if !self.requester_context.is_empty() {
            w.bytes("requester_context", self.requester_context);
        }
    }
    fn summary(&self, h: &Header, out: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            out,
            " slot={} summary_hash_type={:#04x}",
            h.param1, h.param2
        )
    }
}

/// CHALLENGE_AUTH response body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ChallengeAuth<'a> {
    pub cert_chain_hash: &'a [u8],
    pub nonce: &'a [u8],
    /// Empty when the CHALLENGE asked for no summary hash.
    pub measurement_summary_hash: &'a [u8],
    pub opaque_data: &'a [u8],
    /// RequesterContext (1.3), empty before.
    pub requester_context: &'a [u8],
    pub signature: &'a [u8],
}

impl<'a> ChallengeAuth<'a> {
    pub(crate) fn parse(h: &Header, r: &mut Reader<'a>, ctx: &Context) -> Result<Parsed<Self>> {
        let hs = match ctx.hash_size() {
            Ok(s) => s,
            Err(e) => return Ok(Parsed::Needs(e)),
        };
        let msh = match ctx.pending_for(C::Challenge) {
            Some(p) => p.param2 != 0,
            None => {
                return Ok(Parsed::Needs(
                    "measurement summary hash presence unknown: CHALLENGE not seen",
                ))
            }
        };
        let cert_chain_hash = r.bytes(hs)?;
        let nonce = r.bytes(NONCE_LEN)?;
        let measurement_summary_hash = r.bytes(if msh { hs } else { 0 })?;
        let ol = r.u16()? as usize;
        let opaque_data = r.bytes(ol)?;
        let requester_context = if h.version >= Version::V13 {
            r.bytes(REQUESTER_CONTEXT_LEN)?
        } else {
            &[]
        };
        let at = r.pos();
        let signature = match ctx.signature_size() {
            Ok(s) => r.bytes(s)?,
            Err(_) => r.rest(),
        };
        check_signature(at, signature, ctx)?;
        Ok(Parsed::Ok(ChallengeAuth {
            cert_chain_hash,
            nonce,
            measurement_summary_hash,
            opaque_data,
            requester_context,
            signature,
        }))
    }
}

impl Part for ChallengeAuth<'_> {
    fn emit(&self, _: &Header, w: &mut Writer<'_>) -> Result<()> {
        w.bytes(self.cert_chain_hash)?;
        w.bytes(self.nonce)?;
        w.bytes(self.measurement_summary_hash)?;
        w.u16(self.opaque_data.len() as u16)?;
        w.bytes(self.opaque_data)?;
        w.bytes(self.requester_context)?;
        w.bytes(self.signature)
    }
    fn describe(&self, _: &Header, w: &mut Walk<'_, '_>) {
        w.bytes("cert_chain_hash", self.cert_chain_hash);
        w.bytes("nonce", self.nonce);
        if !self.measurement_summary_hash.is_empty() {
            w.bytes("measurement_summary_hash", self.measurement_summary_hash);
        }
        w.uint("opaque_data_length", 2, self.opaque_data.len() as u64);
        w.bytes("opaque_data", self.opaque_data);
        if !self.requester_context.is_empty() {
            w.bytes("requester_context", self.requester_context);
        }
        w.bytes("signature", self.signature);
    }
    fn summary(&self, h: &Header, out: &mut dyn fmt::Write) -> fmt::Result {
        write!(
            out,
            " slot={} slot_mask={:#04x} sig={} bytes",
            h.param1 & 0xF,
            h.param2,
            self.signature.len()
        )
    }
}

/// GET_MEASUREMENTS request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GetMeasurements<'a> {
    /// Nonce (only when a signature is requested), empty otherwise.
    pub nonce: &'a [u8],
    /// SlotIDParam (1.1+, only with a signature).
    pub slot_id_param: Option<u8>,
    /// RequesterContext (1.3), empty before.
    pub requester_context: &'a [u8],
}

impl<'a> GetMeasurements<'a> {
    pub(crate) fn parse(h: &Header, r: &mut Reader<'a>) -> Result<Self> {
        let mut g = GetMeasurements {
            nonce: &[],
            slot_id_param: None,
            requester_context: &[],
        };
        if h.param1 & 1 != 0 {
            g.nonce = r.bytes(NONCE_LEN)?;
            if h.version >= Version::V11 {
                g.slot_id_param = Some(r.u8()?);
            }
        }
        if h.version >= Version::V13 {
            g.requester_context = r.bytes(REQUESTER_CONTEXT_LEN)?;
        }
        Ok(g)
    }
}

impl Part for GetMeasurements<'_> {
    fn emit(&self, _: &Header, w: &mut Writer<'_>) -> Result<()> {
        w.bytes(self.nonce)?;
        if let Some(s) = self.slot_id_param {
            w.u8(s)?;
        }
        w.bytes(self.requester_context)
    }
    fn describe(&self, _: &Header, w: &mut Walk<'_, '_>) {
        if !self.nonce.is_empty() {
            w.bytes("nonce", self.nonce);
        }
        if let Some(s) = self.slot_id_param {
            w.bits("slot_id", 0, 3, 0, Value::Uint((s & 0xF).into()), None);
            w.hex("slot_id_param", 1, s.into());
        }
        if !self.requester_context.is_empty() {
            w.bytes("requester_context", self.requester_context);
        }
    }
    fn summary(&self, h: &Header, out: &mut dyn fmt::Write) -> fmt::Result {
        match h.param2 {
            0 => out.write_str(" op=count")?,
            0xFF => out.write_str(" op=all")?,
            i => write!(out, " index={i}")?,
        }
        if h.param1 & 1 != 0 {
            out.write_str(" signed")?;
        }
        if h.param1 & 2 != 0 {
            out.write_str(" raw")?;
        }
        Ok(())
    }
}

open_enum! {
    /// DMTFSpecMeasurementValueType bits \[6:0\] (DSP0274 Table "DMTF measurement specification format").
    pub enum DmtfMeasurementType: u8 {
        ImmutableRom = 0 => "Immutable ROM",
        MutableFirmware = 1 => "Mutable firmware",
        HardwareConfiguration = 2 => "Hardware configuration",
        FirmwareConfiguration = 3 => "Firmware configuration",
        MeasurementManifest = 4 => "Freeform measurement manifest",
        DeviceMode = 5 => "Structured debug and device mode",
        Version = 6 => "Mutable firmware version number",
        SecureVersionNumber = 7 => "Mutable firmware security version number",
        HashExtendMeasurement = 8 => "Hash-extended measurement",
        Informational = 9 => "Informational",
        StructuredMeasurementManifest = 10 => "Structured measurement manifest",
    }
}

/// One measurement block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct MeasurementBlock<'a> {
    pub index: u8,
    pub measurement_specification: u8,
    /// The Measurement field (MeasurementSize bytes).
    pub measurement: &'a [u8],
}

/// A DMTF-format measurement value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DmtfMeasurement<'a> {
    /// Bit 7: raw bit stream (1) or digest (0).
    pub raw_bit_stream: bool,
    pub value_type: DmtfMeasurementType,
    pub value: &'a [u8],
}

impl<'a> MeasurementBlock<'a> {
    /// The DMTF measurement inside (MeasurementSpecification bit 0).
    pub fn dmtf(&self) -> Option<DmtfMeasurement<'a>> {
        if self.measurement_specification & 1 == 0 {
            return None;
        }
        let mut r = Reader::new(self.measurement);
        let t = r.u8().ok()?;
        let n = r.u16().ok()? as usize;
        let value = r.bytes(n).ok()?;
        if r.remaining() != 0 {
            return None;
        }
        Some(DmtfMeasurement {
            raw_bit_stream: t & 0x80 != 0,
            value_type: DmtfMeasurementType::from_value(t & 0x7F),
            value,
        })
    }
}

fn parse_block<'a>(r: &mut Reader<'a>) -> Result<MeasurementBlock<'a>> {
    let index = r.u8()?;
    let measurement_specification = r.u8()?;
    let n = r.u16()? as usize;
    Ok(MeasurementBlock {
        index,
        measurement_specification,
        measurement: r.bytes(n)?,
    })
}

/// Iterator over a validated measurement record.
#[derive(Debug, Clone)]
pub struct MeasurementBlocks<'a> {
    r: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for MeasurementBlocks<'a> {
    type Item = MeasurementBlock<'a>;
    fn next(&mut self) -> Option<MeasurementBlock<'a>> {
        let rest = self.r.get(self.pos..)?;
        if rest.is_empty() {
            return None;
        }
        let mut r = Reader::new(rest);
        let b = parse_block(&mut r).ok()?;
        self.pos += r.pos();
        Some(b)
    }
}

/// MEASUREMENTS response body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Measurements<'a> {
    pub number_of_blocks: u8,
    /// MeasurementRecord (MeasurementRecordLength bytes).
    pub record: &'a [u8],
    /// `None` only for a 1.0 response that ends after the record.
    pub nonce: Option<&'a [u8]>,
    pub opaque_data: &'a [u8],
    /// RequesterContext (1.3), empty before.
    pub requester_context: &'a [u8],
    /// Signature (empty when none was requested).
    pub signature: &'a [u8],
}

impl<'a> Measurements<'a> {
    pub(crate) fn parse(h: &Header, r: &mut Reader<'a>, ctx: &Context) -> Result<Self> {
        let number_of_blocks = r.u8()?;
        let len = r.u24()? as usize;
        let rec_at = r.pos();
        let record = r.bytes(len)?;
        // Validate the blocks and their count.
        let mut rr = Reader::new(record);
        let mut count = 0usize;
        while rr.remaining() > 0 {
            parse_block(&mut rr).map_err(|e| e.shift(rec_at))?;
            count += 1;
        }
        if count != number_of_blocks as usize {
            return Err(mismatch(
                0,
                "number_of_blocks",
                number_of_blocks as usize,
                count,
            ));
        }
        let mut m = Measurements {
            number_of_blocks,
            record,
            nonce: None,
            opaque_data: &[],
            requester_context: &[],
            signature: &[],
        };
        if h.version == Version::V10 && r.remaining() == 0 {
            return Ok(m);
        }
        m.nonce = Some(r.bytes(NONCE_LEN)?);
        let ol = r.u16()? as usize;
        m.opaque_data = r.bytes(ol)?;
        if h.version >= Version::V13 {
            m.requester_context = r.bytes(REQUESTER_CONTEXT_LEN)?;
        }
        let at = r.pos();
        let signed = ctx
            .pending_for(C::GetMeasurements)
            .map(|p| p.param1 & 1 != 0);
        m.signature = match (signed, ctx.signature_size()) {
            (Some(false), _) => &[],
            (_, Ok(s)) if r.remaining() >= s => r.bytes(s)?,
            _ => r.rest(),
        };
        check_signature(at, m.signature, ctx)?;
        Ok(m)
    }
    /// Iterate the measurement blocks.
    pub fn blocks(&self) -> MeasurementBlocks<'a> {
        MeasurementBlocks {
            r: self.record,
            pos: 0,
        }
    }
}

impl Part for Measurements<'_> {
    fn emit(&self, _: &Header, w: &mut Writer<'_>) -> Result<()> {
        w.u8(self.number_of_blocks)?;
        w.u24(self.record.len() as u32)?;
        w.bytes(self.record)?;
        if let Some(n) = self.nonce {
            w.bytes(n)?;
            w.u16(self.opaque_data.len() as u16)?;
            w.bytes(self.opaque_data)?;
            w.bytes(self.requester_context)?;
            w.bytes(self.signature)?;
        }
        Ok(())
    }
    fn describe(&self, _: &Header, w: &mut Walk<'_, '_>) {
        w.uint("number_of_blocks", 1, self.number_of_blocks.into());
        w.uint("measurement_record_length", 3, self.record.len() as u64);
        w.begin("measurement_record", Group::List, self.record.len());
        for b in self.blocks() {
            w.begin("", Group::ListItem, 4 + b.measurement.len());
            w.uint("index", 1, b.index.into());
            w.hex(
                "measurement_specification",
                1,
                b.measurement_specification.into(),
            );
            w.uint("measurement_size", 2, b.measurement.len() as u64);
            match b.dmtf() {
                Some(d) => {
                    let t = d.value_type;
                    w.bits(
                        "raw_bit_stream",
                        0,
                        7,
                        7,
                        Value::Bool(d.raw_bit_stream),
                        Some(if d.raw_bit_stream {
                            "raw bit stream"
                        } else {
                            "digest"
                        }),
                    );
                    w.bits(
                        "value_type",
                        0,
                        6,
                        0,
                        Value::Uint(t.value().into()),
                        t.name(),
                    );
                    w.reserved(1);
                    w.uint("dmtf_spec_measurement_value_size", 2, d.value.len() as u64);
                    w.bytes("dmtf_spec_measurement_value", d.value);
                }
                None => w.bytes("measurement", b.measurement),
            }
            w.end();
        }
        w.end();
        if let Some(n) = self.nonce {
            w.bytes("nonce", n);
            w.uint("opaque_data_length", 2, self.opaque_data.len() as u64);
            w.bytes("opaque_data", self.opaque_data);
            if !self.requester_context.is_empty() {
                w.bytes("requester_context", self.requester_context);
            }
            w.bytes("signature", self.signature);
        }
    }
    fn summary(&self, h: &Header, out: &mut dyn fmt::Write) -> fmt::Result {
        if h.param1 != 0 {
            write!(out, " total={}", h.param1)?;
        }
        write!(out, " blocks={}", self.number_of_blocks)?;
        for b in self.blocks().take(4) {
            write!(out, " [{}", b.index)?;
            if let Some(d) = b.dmtf() {
                match d.value_type.name() {
                    Some(n) => write!(out, " {n}")?,
                    None => write!(out, " type {}", d.value_type.value())?,
                }
                let v = &d.value[..d.value.len().min(8)];
                write!(out, " {}", HexBytes(v))?;
                if d.value.len() > 8 {
                    out.write_str("...")?;
                }
            }
            out.write_str("]")?;
        }
        if !self.signature.is_empty() {
            out.write_str(" signed")?;
        }
        Ok(())
    }
}
