//! VERSION, GET_CAPABILITIES/CAPABILITIES, NEGOTIATE_ALGORITHMS/ALGORITHMS
//! (DSP0274 §10.3–10.5).
//!
//! ```text
//! VERSION              Reserved(1) VersionNumberEntryCount(1) entries(2 each, LE:
//!                      [15:12] major [11:8] minor [7:4] update [3:0] alpha)
//! GET_CAPABILITIES     1.0: no body.  1.1: Reserved(1) CTExponent(1) Reserved(2) Flags(4)
//! CAPABILITIES         1.0/1.1: Reserved(1) CTExponent(1) Reserved(2) Flags(4)
//!                      1.2+: + DataTransferSize(4) MaxSPDMmsgSize(4)
//!                      1.3: + SupportedAlgorithms block when Param1 bit 0 is set
//! NEGOTIATE_ALGORITHMS Length(2) MeasurementSpecification(1) OtherParamsSupport(1)
//!                      BaseAsymAlgo(4) BaseHashAlgo(4) Reserved(12) ExtAsymCount(1)
//!                      ExtHashCount(1) Reserved(1) MELspecification(1, 1.3)
//!                      ExtAsym(4×A) ExtHash(4×E) ReqAlgStruct[Param1]
//! ALGORITHMS           Length(2) MeasurementSpecificationSel(1) OtherParamsSelection(1)
//!                      MeasurementHashAlgo(4) BaseAsymSel(4) BaseHashSel(4)
//!                      Reserved(11) MELspecificationSel(1, 1.3) ExtAsymSelCount(1)
//!                      ExtHashSelCount(1) Reserved(2) ExtAsymSel ExtHashSel RespAlgStruct[Param1]
//! AlgStruct            AlgType(1) AlgCount(1: [7:4] fixed bytes, [3:0] ExtAlgCount)
//!                      AlgSupported(fixed bytes) AlgExternal(4×ExtAlgCount)
//! ```
//! `Length` is the whole SPDM message length (header included); a mismatch
//! is reported.

use core::fmt;

use crate::describe::{Group, Value};
use crate::error::Result;

use super::algo::{self, describe_mask, write_names};
use super::body::Part;
use super::codec::{mismatch, Reader, Walk, Writer};
use super::{Header, Version};

/// One VersionNumberEntry: `[15:12]` major, `[11:8]` minor, `[7:4]` update,
/// `[3:0]` alpha.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct VersionNumber(pub u16);

impl VersionNumber {
    pub const fn new(major: u8, minor: u8, update: u8, alpha: u8) -> Self {
        VersionNumber(
            ((major as u16 & 0xF) << 12)
                | ((minor as u16 & 0xF) << 8)
                | ((update as u16 & 0xF) << 4)
                | (alpha as u16 & 0xF),
        )
    }
    pub const fn major(self) -> u8 {
        (self.0 >> 12) as u8
    }
    pub const fn minor(self) -> u8 {
        ((self.0 >> 8) & 0xF) as u8
    }
    pub const fn update(self) -> u8 {
        ((self.0 >> 4) & 0xF) as u8
    }
    pub const fn alpha(self) -> u8 {
        (self.0 & 0xF) as u8
    }
    /// The SPDMVersion byte this entry stands for.
    pub const fn version(self) -> Version {
        Version((self.0 >> 8) as u8)
    }
}

impl fmt::Display for VersionNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major(), self.minor(), self.update())?;
        if self.alpha() != 0 {
            write!(f, " alpha {}", self.alpha())?;
        }
        Ok(())
    }
}

/// VERSION response body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct VersionResponse<'a> {
    /// The entries as sent (2 bytes each, little endian).
    pub entries: &'a [u8],
}

impl<'a> VersionResponse<'a> {
    pub(crate) fn parse(r: &mut Reader<'a>) -> Result<Self> {
        r.u8()?;
        let n = r.u8()? as usize;
        Ok(VersionResponse {
            entries: r.bytes(n * 2)?,
        })
    }
    /// Iterate the version entries.
    pub fn versions(&self) -> impl Iterator<Item = VersionNumber> + 'a {
        self.entries
            .chunks_exact(2)
            .map(|c| VersionNumber(u16::from_le_bytes([c[0], c[1]])))
    }
}

impl Part for VersionResponse<'_> {
    fn emit(&self, _: &Header, w: &mut Writer<'_>) -> Result<()> {
        w.u8(0)?;
        w.u8((self.entries.len() / 2) as u8)?;
        w.bytes(&self.entries[..self.entries.len() / 2 * 2])
    }
    fn describe(&self, _: &Header, w: &mut Walk<'_, '_>) {
        w.reserved(1);
        w.uint(
            "version_number_entry_count",
            1,
            (self.entries.len() / 2) as u64,
        );
        w.begin("version_number_entries", Group::List, self.entries.len());
        for v in self.versions() {
            w.begin("", Group::ListItem, 2);
            w.bits("alpha", 0, 3, 0, Value::Uint(v.alpha().into()), None);
            w.bits(
                "update_version_number",
                0,
                7,
                4,
                Value::Uint(v.update().into()),
                None,
            );
            w.bits(
                "minor_version",
                1,
                3,
                0,
                Value::Uint(v.minor().into()),
                None,
            );
            w.bits(
                "major_version",
                1,
                7,
                4,
                Value::Uint(v.major().into()),
                None,
            );
            w.field("version", 2, Value::Display(&v));
            w.end();
        }
        w.end();
    }
    fn summary(&self, _: &Header, out: &mut dyn fmt::Write) -> fmt::Result {
        out.write_str(" versions=")?;
        for (i, v) in self.versions().enumerate() {
            if i > 0 {
                out.write_str(",")?;
            }
            write!(out, "{}.{}", v.major(), v.minor())?;
            if v.update() != 0 {
                write!(out, ".{}", v.update())?;
            }
        }
        Ok(())
    }
}

/// GET_CAPABILITIES / CAPABILITIES body (fields present per version).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Capabilities<'a> {
    /// CTExponent (1.1+ requests, every response); `None` in 1.0 requests.
    pub ct_exponent: Option<u8>,
    /// Flags; `None` in 1.0 requests.
    pub flags: Option<u32>,
    /// DataTransferSize (1.2+).
    pub data_transfer_size: Option<u32>,
    /// MaxSPDMmsgSize (1.2+).
    pub max_spdm_msg_size: Option<u32>,
    /// 1.3 CAPABILITIES with Param1 bit 0: the supported-algorithms block,
    /// shown raw.
    pub supported_algorithms: &'a [u8],
}

impl<'a> Capabilities<'a> {
    pub(crate) fn parse(h: &Header, r: &mut Reader<'a>) -> Result<Self> {
        let mut c = Capabilities::default();
        if h.is_request() && h.version < Version::V11 {
            return Ok(c);
        }
        r.u8()?;
        c.ct_exponent = Some(r.u8()?);
        r.u16()?;
        c.flags = Some(r.u32()?);
        if h.version >= Version::V12 {
            c.data_transfer_size = Some(r.u32()?);
            c.max_spdm_msg_size = Some(r.u32()?);
        }
        if h.version >= Version::V13 && !h.is_request() && h.param1 & 1 != 0 {
            c.supported_algorithms = r.rest();
        }
        Ok(c)
    }
    fn table(h: &Header) -> &'static [algo::Bit] {
        if h.is_request() {
            algo::REQUESTER_FLAGS
        } else {
            algo::RESPONDER_FLAGS
        }
    }
}

impl Part for Capabilities<'_> {
    fn emit(&self, _: &Header, w: &mut Writer<'_>) -> Result<()> {
        if let (Some(ct), Some(flags)) = (self.ct_exponent, self.flags) {
            w.u8(0)?;
            w.u8(ct)?;
            w.u16(0)?;
            w.u32(flags)?;
            if let (Some(d), Some(m)) = (self.data_transfer_size, self.max_spdm_msg_size) {
                w.u32(d)?;
                w.u32(m)?;
            }
            w.bytes(self.supported_algorithms)?;
        }
        Ok(())
    }
    fn describe(&self, h: &Header, w: &mut Walk<'_, '_>) {
        if let (Some(ct), Some(flags)) = (self.ct_exponent, self.flags) {
            w.reserved(1);
            w.uint("ct_exponent", 1, ct.into());
            w.reserved(2);
            describe_mask(
                w,
                "flags",
                "flags_bits",
                4,
                flags,
                Self::table(h),
                h.version,
            );
            if let (Some(d), Some(m)) = (self.data_transfer_size, self.max_spdm_msg_size) {
                w.uint("data_transfer_size", 4, d.into());
                w.uint("max_spdm_msg_size", 4, m.into());
            }
            if !self.supported_algorithms.is_empty() {
                w.bytes("supported_algorithms", self.supported_algorithms);
            }
        }
    }
    fn summary(&self, h: &Header, out: &mut dyn fmt::Write) -> fmt::Result {
        if let (Some(ct), Some(flags)) = (self.ct_exponent, self.flags) {
            write!(out, " ct_exp={ct} flags=")?;
            write_names(out, Self::table(h), flags)?;
            if let (Some(d), Some(m)) = (self.data_transfer_size, self.max_spdm_msg_size) {
                write!(out, " dts={d} max_msg={m}")?;
            }
        }
        Ok(())
    }
}

/// One AlgStruct of NEGOTIATE_ALGORITHMS / ALGORITHMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct AlgStruct<'a> {
    /// 2 DHE, 3 AEAD, 4 ReqBaseAsymAlg, 5 KeySchedule.
    pub alg_type: u8,
    /// AlgCount byte: `[7:4]` fixed AlgSupported bytes, `[3:0]` ExtAlgCount.
    pub alg_count: u8,
    /// AlgSupported as a number (fixed bytes, little endian, up to 2 used).
    pub supported: u16,
    /// AlgSupported bytes as sent.
    pub supported_raw: &'a [u8],
    /// AlgExternal entries (4 bytes each).
    pub external: &'a [u8],
}

impl AlgStruct<'_> {
    /// The spec name of the AlgType.
    pub const fn type_name(&self) -> Option<&'static str> {
        match self.alg_type {
            2 => Some("DHE"),
            3 => Some("AEAD"),
            4 => Some("ReqBaseAsymAlg"),
            5 => Some("KeySchedule"),
            _ => None,
        }
    }
    fn table(&self) -> &'static [algo::Bit] {
        match self.alg_type {
            2 => algo::DHE,
            3 => algo::AEAD,
            4 => algo::BASE_ASYM,
            5 => algo::KEY_SCHEDULE,
            _ => &[],
        }
    }
    fn len(&self) -> usize {
        2 + self.supported_raw.len() + self.external.len()
    }
}

fn parse_alg_struct<'a>(r: &mut Reader<'a>) -> Result<AlgStruct<'a>> {
    let alg_type = r.u8()?;
    let alg_count = r.u8()?;
    let supported_raw = r.bytes((alg_count >> 4) as usize)?;
    let external = r.bytes((alg_count & 0xF) as usize * 4)?;
    let mut supported = 0u16;
    for (i, b) in supported_raw.iter().take(2).enumerate() {
        supported |= (*b as u16) << (8 * i);
    }
    Ok(AlgStruct {
        alg_type,
        alg_count,
        supported,
        supported_raw,
        external,
    })
}

/// Iterator over a validated AlgStruct table.
#[derive(Debug, Clone)]
pub struct AlgStructs<'a> {
    r: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for AlgStructs<'a> {
    type Item = AlgStruct<'a>;
    fn next(&mut self) -> Option<AlgStruct<'a>> {
        let rest = self.r.get(self.pos..)?;
        if rest.is_empty() {
            return None;
        }
        let mut r = Reader::new(rest);
        let s = parse_alg_struct(&mut r).ok()?;
        self.pos += r.pos();
        Some(s)
    }
}

fn parse_structs<'a>(r: &mut Reader<'a>, count: u8) -> Result<&'a [u8]> {
    let start = r.pos();
    let mut probe = Reader::new(r.rest_view());
    for _ in 0..count {
        parse_alg_struct(&mut probe).map_err(|e| e.shift(start))?;
    }
    r.bytes(probe.pos())
}

fn describe_structs(w: &mut Walk<'_, '_>, h: &Header, raw: &[u8], iter: AlgStructs<'_>) {
    w.begin("alg_structs", Group::List, raw.len());
    for s in iter {
        w.begin("", Group::ListItem, s.len());
        w.named("alg_type", 1, Value::hex8(s.alg_type), s.type_name());
        w.bits(
            "fixed_alg_count",
            0,
            7,
            4,
            Value::Uint((s.alg_count >> 4).into()),
            None,
        );
        w.bits(
            "ext_alg_count",
            0,
            3,
            0,
            Value::Uint((s.alg_count & 0xF).into()),
            None,
        );
        w.reserved(1);
        if s.supported_raw.len() <= 2 {
            describe_mask(
                w,
                "alg_supported",
                "alg_supported_bits",
                s.supported_raw.len(),
                s.supported.into(),
                s.table(),
                h.version,
            );
        } else {
            w.bytes("alg_supported", s.supported_raw);
        }
        if !s.external.is_empty() {
            w.bytes("alg_external", s.external);
        }
        w.end();
    }
    w.end();
}

fn check_length(h: &Header, declared: u16, used: usize) -> Result<()> {
    let actual = 4 + used;
    if declared as usize != actual {
        let _ = h;
        return Err(mismatch(0, "length", declared as usize, actual));
    }
    Ok(())
}

/// NEGOTIATE_ALGORITHMS request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct NegotiateAlgorithms<'a> {
    pub length: u16,
    pub measurement_specification: u8,
    /// OtherParamsSupport (1.2+; reserved before).
    pub other_params_support: u8,
    pub base_asym_algo: u32,
    pub base_hash_algo: u32,
    /// MELspecification (1.3; reserved before).
    pub mel_specification: u8,
    /// ExtAsym entries (4 bytes each).
    pub ext_asym: &'a [u8],
    /// ExtHash entries (4 bytes each).
    pub ext_hash: &'a [u8],
    /// ReqAlgStruct table (Param1 entries).
    pub alg_structs_raw: &'a [u8],
}

impl<'a> NegotiateAlgorithms<'a> {
    pub(crate) fn parse(h: &Header, r: &mut Reader<'a>) -> Result<Self> {
        let length = r.u16()?;
        let measurement_specification = r.u8()?;
        let other_params_support = r.u8()?;
        let base_asym_algo = r.u32()?;
        let base_hash_algo = r.u32()?;
        r.bytes(12)?;
        let a = r.u8()? as usize;
        let e = r.u8()? as usize;
        r.u8()?;
        let mel_specification = r.u8()?;
        let ext_asym = r.bytes(a * 4)?;
        let ext_hash = r.bytes(e * 4)?;
        let alg_structs_raw = parse_structs(r, h.param1)?;
        check_length(h, length, r.pos())?;
        Ok(NegotiateAlgorithms {
            length,
            measurement_specification,
            other_params_support,
            base_asym_algo,
            base_hash_algo,
            mel_specification,
            ext_asym,
            ext_hash,
            alg_structs_raw,
        })
    }
    /// Iterate the ReqAlgStruct table.
    pub fn alg_structs(&self) -> AlgStructs<'a> {
        AlgStructs {
            r: self.alg_structs_raw,
            pos: 0,
        }
    }
}

impl Part for NegotiateAlgorithms<'_> {
    fn emit(&self, _: &Header, w: &mut Writer<'_>) -> Result<()> {
        w.u16(self.length)?;
        w.u8(self.measurement_specification)?;
        w.u8(self.other_params_support)?;
        w.u32(self.base_asym_algo)?;
        w.u32(self.base_hash_algo)?;
        w.zeros(12)?;
        w.u8((self.ext_asym.len() / 4) as u8)?;
        w.u8((self.ext_hash.len() / 4) as u8)?;
        w.u8(0)?;
        w.u8(self.mel_specification)?;
        w.bytes(self.ext_asym)?;
        w.bytes(self.ext_hash)?;
        w.bytes(self.alg_structs_raw)
    }
    fn describe(&self, h: &Header, w: &mut Walk<'_, '_>) {
        let v = h.version;
        w.uint("length", 2, self.length.into());
        describe_mask(
            w,
            "measurement_specification",
            "measurement_specification_bits",
            1,
            self.measurement_specification.into(),
            algo::MEASUREMENT_SPEC,
            v,
        );
        describe_mask(
            w,
            "other_params_support",
            "other_params_support_bits",
            1,
            self.other_params_support.into(),
            algo::OTHER_PARAMS,
            v,
        );
        describe_mask(
            w,
            "base_asym_algo",
            "base_asym_algo_bits",
            4,
            self.base_asym_algo,
            algo::BASE_ASYM,
            v,
        );
        describe_mask(
            w,
            "base_hash_algo",
            "base_hash_algo_bits",
            4,
            self.base_hash_algo,
            algo::BASE_HASH,
            v,
        );
        w.reserved(12);
        w.uint("ext_asym_count", 1, (self.ext_asym.len() / 4) as u64);
        w.uint("ext_hash_count", 1, (self.ext_hash.len() / 4) as u64);
        w.reserved(1);
        if v >= Version::V13 {
            describe_mask(
                w,
                "mel_specification",
                "mel_specification_bits",
                1,
                self.mel_specification.into(),
                algo::MEASUREMENT_SPEC,
                v,
            );
        } else {
            w.reserved(1);
        }
        if !self.ext_asym.is_empty() {
            w.bytes("ext_asym", self.ext_asym);
        }
        if !self.ext_hash.is_empty() {
            w.bytes("ext_hash", self.ext_hash);
        }
        describe_structs(w, h, self.alg_structs_raw, self.alg_structs());
    }
    fn summary(&self, _: &Header, out: &mut dyn fmt::Write) -> fmt::Result {
        out.write_str(" asym=")?;
        write_names(out, algo::BASE_ASYM, self.base_asym_algo)?;
        out.write_str(" hash=")?;
        write_names(out, algo::BASE_HASH, self.base_hash_algo)?;
        summary_structs(out, self.alg_structs())
    }
}

fn summary_structs(out: &mut dyn fmt::Write, it: AlgStructs<'_>) -> fmt::Result {
    for s in it {
        match s.type_name() {
            Some(n) => write!(out, " {}=", n)?,
            None => write!(out, " type{}=", s.alg_type)?,
        }
        write_names(out, s.table(), s.supported.into())?;
    }
    Ok(())
}

/// ALGORITHMS response body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Algorithms<'a> {
    pub length: u16,
    pub measurement_specification: u8,
    /// OtherParamsSelection (1.2+).
    pub other_params: u8,
    pub measurement_hash_algo: u32,
    pub base_asym_algo: u32,
    pub base_hash_algo: u32,
    /// MELspecificationSel (1.3).
    pub mel_specification: u8,
    pub ext_asym: &'a [u8],
    pub ext_hash: &'a [u8],
    /// RespAlgStruct table (Param1 entries).
    pub alg_structs_raw: &'a [u8],
}

impl<'a> Algorithms<'a> {
    pub(crate) fn parse(h: &Header, r: &mut Reader<'a>) -> Result<Self> {
        let length = r.u16()?;
        let measurement_specification = r.u8()?;
        let other_params = r.u8()?;
        let measurement_hash_algo = r.u32()?;
        let base_asym_algo = r.u32()?;
        let base_hash_algo = r.u32()?;
        r.bytes(11)?;
        let mel_specification = r.u8()?;
        let a = r.u8()? as usize;
        let e = r.u8()? as usize;
        r.u16()?;
        let ext_asym = r.bytes(a * 4)?;
        let ext_hash = r.bytes(e * 4)?;
        let alg_structs_raw = parse_structs(r, h.param1)?;
        check_length(h, length, r.pos())?;
        Ok(Algorithms {
            length,
            measurement_specification,
            other_params,
            measurement_hash_algo,
            base_asym_algo,
            base_hash_algo,
            mel_specification,
            ext_asym,
            ext_hash,
            alg_structs_raw,
        })
    }
    /// Iterate the RespAlgStruct table.
    pub fn alg_structs(&self) -> AlgStructs<'a> {
        AlgStructs {
            r: self.alg_structs_raw,
            pos: 0,
        }
    }
}

impl Part for Algorithms<'_> {
    fn emit(&self, _: &Header, w: &mut Writer<'_>) -> Result<()> {
        w.u16(self.length)?;
        w.u8(self.measurement_specification)?;
        w.u8(self.other_params)?;
        w.u32(self.measurement_hash_algo)?;
        w.u32(self.base_asym_algo)?;
        w.u32(self.base_hash_algo)?;
        w.zeros(11)?;
        w.u8(self.mel_specification)?;
        w.u8((self.ext_asym.len() / 4) as u8)?;
        w.u8((self.ext_hash.len() / 4) as u8)?;
        w.u16(0)?;
        w.bytes(self.ext_asym)?;
        w.bytes(self.ext_hash)?;
        w.bytes(self.alg_structs_raw)
    }
    fn describe(&self, h: &Header, w: &mut Walk<'_, '_>) {
        let v = h.version;
        w.uint("length", 2, self.length.into());
        describe_mask(
            w,
            "measurement_specification_sel",
            "measurement_specification_sel_bits",
            1,
            self.measurement_specification.into(),
            algo::MEASUREMENT_SPEC,
            v,
        );
        describe_mask(
            w,
            "other_params_selection",
            "other_params_selection_bits",
            1,
            self.other_params.into(),
            algo::OTHER_PARAMS,
            v,
        );
        describe_mask(
            w,
            "measurement_hash_algo",
            "measurement_hash_algo_bits",
            4,
            self.measurement_hash_algo,
            algo::MEASUREMENT_HASH,
            v,
        );
        describe_mask(
            w,
            "base_asym_sel",
            "base_asym_sel_bits",
            4,
            self.base_asym_algo,
            algo::BASE_ASYM,
            v,
        );
        describe_mask(
            w,
            "base_hash_sel",
            "base_hash_sel_bits",
            4,
            self.base_hash_algo,
            algo::BASE_HASH,
            v,
        );
        w.reserved(11);
        if v >= Version::V13 {
            describe_mask(
                w,
                "mel_specification_sel",
                "mel_specification_sel_bits",
                1,
                self.mel_specification.into(),
                algo::MEASUREMENT_SPEC,
                v,
            );
        } else {
            w.reserved(1);
        }
        w.uint("ext_asym_sel_count", 1, (self.ext_asym.len() / 4) as u64);
        w.uint("ext_hash_sel_count", 1, (self.ext_hash.len() / 4) as u64);
        w.reserved(2);
        if !self.ext_asym.is_empty() {
            w.bytes("ext_asym_sel", self.ext_asym);
        }
        if !self.ext_hash.is_empty() {
            w.bytes("ext_hash_sel", self.ext_hash);
        }
        describe_structs(w, h, self.alg_structs_raw, self.alg_structs());
    }
    fn summary(&self, _: &Header, out: &mut dyn fmt::Write) -> fmt::Result {
        out.write_str(" asym=")?;
        write_names(out, algo::BASE_ASYM, self.base_asym_algo)?;
        out.write_str(" hash=")?;
        write_names(out, algo::BASE_HASH, self.base_hash_algo)?;
        out.write_str(" meas_hash=")?;
        write_names(out, algo::MEASUREMENT_HASH, self.measurement_hash_algo)?;
        summary_structs(out, self.alg_structs())
    }
}
