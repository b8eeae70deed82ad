//! PLDM firmware update package file (DSP0267 §"PLDM firmware update
//! package"), formats 1.0 to 1.3.
//!
//! ```text
//!  Package header information
//!    PackageHeaderIdentifier (UUID, 16)  PackageHeaderFormatRevision (1)
//!    PackageHeaderSize (2)  PackageReleaseDateTime (timestamp104, 13)
//!    ComponentBitmapBitLength (2)  PackageVersionString type/len/bytes
//!  Firmware device identification area
//!    DeviceIDRecordCount (1), records:
//!      RecordLength (2) DescriptorCount (1) DeviceUpdateOptionFlags (4)
//!      ComponentImageSetVersionStringType (1) ...Length (1)
//!      FirmwareDevicePackageDataLength (2) [ReferenceManifestLength (4), 1.3]
//!      ApplicableComponents (bitmap) ComponentImageSetVersionString
//!      RecordDescriptors FirmwareDevicePackageData [ReferenceManifestData, 1.3]
//!  Downstream device identification area (1.1+)
//!    DownstreamDeviceIDRecordCount (1), records as above with the
//!    self-contained activation minimum version string instead of the image
//!    set version, followed by its comparison stamp (4) when option bit 0 is set
//!  Component image information area
//!    ComponentImageCount (2), entries: Classification (2) Identifier (2)
//!    ComparisonStamp (4) Options (2) RequestedActivationMethod (2)
//!    LocationOffset (4) Size (4) VersionString type/len/bytes
//!    [ComponentOpaqueDataLength (4) + data, 1.2+]
//!  PackageHeaderChecksum (CRC-32) [PackagePayloadChecksum (CRC-32), 1.3]
//!  Component images
//! ```
//!
//! Sources: CodeConstruct `pldm-fw` 0.2.0 (formats 1.0/1.1), OpenBMC's
//! `pldm_fwup_pkg_creator.py` and libpldm 0.14 (1.2 opaque data, 1.3
//! reference manifests and payload checksum). The checksums are CRC-32
//! (IEEE 802.3, `CRC_32_ISO_HDLC`): the header one over every header byte
//! before it, the payload one over every byte after the header.
//!
//! Decoding borrows the file bytes and allocates nothing; the encoder
//! ([`PackageSpec::encode`]) needs `alloc`.

use core::fmt;

use crate::error::{Error, ErrorKind, Layer, Result};

use super::firmware_update::common::Reader;
use super::firmware_update::{Descriptors, Timestamp104, VersionString};

/// CRC-32 as used by the package checksums.
pub const CRC32: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);

/// PackageHeaderIdentifier of format 1.0 (f018878c-cb7d-4943-9800-a02f059aca02).
pub const UUID_1_0: [u8; 16] = [
    0xF0, 0x18, 0x87, 0x8C, 0xCB, 0x7D, 0x49, 0x43, 0x98, 0x00, 0xA0, 0x2F, 0x05, 0x9A, 0xCA, 0x02,
];
/// Format 1.1 (1244d264-8d7d-4718-a030-fc8a56587d5a).
pub const UUID_1_1: [u8; 16] = [
    0x12, 0x44, 0xD2, 0x64, 0x8D, 0x7D, 0x47, 0x18, 0xA0, 0x30, 0xFC, 0x8A, 0x56, 0x58, 0x7D, 0x5A,
];
/// Format 1.2 (3119ce2f-e80a-4a99-af6d-46f8b121f6bf; four implementations
/// agree, one outlier differs after the fifth byte).
pub const UUID_1_2: [u8; 16] = [
    0x31, 0x19, 0xCE, 0x2F, 0xE8, 0x0A, 0x4A, 0x99, 0xAF, 0x6D, 0x46, 0xF8, 0xB1, 0x21, 0xF6, 0xBF,
];
/// Format 1.3 (7b291c99-6db6-4208-801b-02026e463c78; libpldm and OpenBMC
/// tooling; one Caliptra document writes `...0202E6463C78`).
pub const UUID_1_3: [u8; 16] = [
    0x7B, 0x29, 0x1C, 0x99, 0x6D, 0xB6, 0x42, 0x08, 0x80, 0x1B, 0x02, 0x02, 0x6E, 0x46, 0x3C, 0x78,
];

/// The identifier expected for a PackageHeaderFormatRevision (1 = 1.0 ... 4 = 1.3).
pub const fn uuid_for_revision(rev: u8) -> Option<&'static [u8; 16]> {
    match rev {
        1 => Some(&UUID_1_0),
        2 => Some(&UUID_1_1),
        3 => Some(&UUID_1_2),
        4 => Some(&UUID_1_3),
        _ => None,
    }
}

/// The format revision a known identifier stands for.
pub fn revision_for_uuid(u: &[u8; 16]) -> Option<u8> {
    (1..=4).find(|&r| uuid_for_revision(r) == Some(u))
}

fn mismatch(offset: usize, field: &'static str, declared: usize, actual: usize) -> Error {
    Error {
        layer: Layer::Pldm,
        offset,
        kind: ErrorKind::LengthMismatch {
            field,
            declared,
            actual,
        },
    }
}

/// Package header information.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackageHeader<'a> {
    pub identifier: [u8; 16],
    pub format_revision: u8,
    pub header_size: u16,
    pub release_date_time: Timestamp104,
    pub component_bitmap_bit_length: u16,
    pub package_version: VersionString<'a>,
}

/// A firmware device (or downstream device) identification record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceRecord<'a> {
    /// Offset of the record in the file.
    pub offset: usize,
    pub record_length: u16,
    pub device_update_option_flags: u32,
    pub applicable_components: &'a [u8],
    /// ComponentImageSetVersionString (firmware device records) or
    /// SelfContainedActivationMinVersionString (downstream device records).
    pub version: VersionString<'a>,
    /// Downstream records with option bit 0: the minimum version's stamp.
    pub self_contained_activation_min_version_comparison_stamp: Option<u32>,
    pub descriptors: Descriptors<'a>,
    pub package_data: &'a [u8],
    /// 1.3 only.
    pub reference_manifest_data: &'a [u8],
}

impl<'a> DeviceRecord<'a> {
    fn read(
        r: &mut Reader<'a>,
        base: usize,
        bitmap_bytes: usize,
        rev: u8,
        downstream: bool,
    ) -> Result<Self> {
        let at = r.pos();
        let record_length: u16 = r.le()?;
        let body = r
            .take(usize::from(record_length).saturating_sub(2))
            .map_err(|e| e.shift(base))?;
        if record_length < 2 {
            return Err(mismatch(
                base + at,
                "record_length",
                record_length.into(),
                2,
            ));
        }
        let mut q = Reader::new(body);
        let inner = base + at + 2;
        let rec = (|| -> Result<Self> {
            let count: u8 = q.le()?;
            let flags: u32 = q.le()?;
            let st: u8 = q.le()?;
            let sl: u8 = q.le()?;
            let pdl: u16 = q.le()?;
            let rml: u32 = if rev >= 4 { q.le()? } else { 0 };
            let bitmap = q.take(bitmap_bytes)?;
            let s = q.take(sl.into())?;
            let stamp = if downstream && flags & 1 != 0 {
                Some(q.le()?)
            } else {
                None
            };
            let descriptors = Descriptors::read(&mut q, count.into())?;
            let package_data = q.take(pdl.into())?;
            let manifest = q.take(rml as usize)?;
            q.finish()?;
            Ok(DeviceRecord {
                offset: base + at,
                record_length,
                device_update_option_flags: flags,
                applicable_components: bitmap,
                version: VersionString {
                    string_type: st.into(),
                    bytes: s,
                },
                self_contained_activation_min_version_comparison_stamp: stamp,
                descriptors,
                package_data,
                reference_manifest_data: manifest,
            })
        })();
        rec.map_err(|e| e.shift(inner))
    }

    /// Indices of the components this record applies to.
    pub fn applicable(&self) -> impl Iterator<Item = usize> + 'a {
        let b = self.applicable_components;
        (0..b.len() * 8).filter(move |i| b[i / 8] & (1 << (i % 8)) != 0)
    }
}

/// One component image information entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComponentInfo<'a> {
    /// Offset of the entry in the file.
    pub offset: usize,
    pub classification: u16,
    pub identifier: u16,
    pub comparison_stamp: u32,
    /// Bit 0 force update, bit 1 use comparison stamp.
    pub options: u16,
    pub requested_activation_method: u16,
    pub location_offset: u32,
    pub size: u32,
    pub version: VersionString<'a>,
    /// 1.2+ only.
    pub opaque_data: Option<&'a [u8]>,
}

impl<'a> ComponentInfo<'a> {
    fn read(r: &mut Reader<'a>, rev: u8) -> Result<Self> {
        let offset = r.pos();
        Ok(ComponentInfo {
            offset,
            classification: r.le()?,
            identifier: r.le()?,
            comparison_stamp: r.le()?,
            options: r.le()?,
            requested_activation_method: r.le()?,
            location_offset: r.le()?,
            size: r.le()?,
            version: VersionString::read_adjacent(r)?,
            opaque_data: if rev >= 3 {
                let n: u32 = r.le()?;
                Some(r.take(n as usize)?)
            } else {
                None
            },
        })
    }
}

/// A decoded package, borrowing the file bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Package<'a> {
    pub bytes: &'a [u8],
    pub header: PackageHeader<'a>,
    device_count: u8,
    devices: &'a [u8],
    devices_at: usize,
    downstream_count: Option<u8>,
    downstream: &'a [u8],
    downstream_at: usize,
    component_count: u16,
    components: &'a [u8],
    components_at: usize,
    /// PackageHeaderChecksum as stored.
    pub header_checksum: u32,
    /// CRC-32 computed over the header bytes before the checksum.
    pub computed_header_checksum: u32,
    /// PackagePayloadChecksum (1.3) as stored.
    pub payload_checksum: Option<u32>,
    /// CRC-32 over every byte after the header (1.3).
    pub computed_payload_checksum: Option<u32>,
}

impl<'a> Package<'a> {
    /// Decode a package. Structural problems are errors (offsets from the
    /// file start); checksum mismatches are reported by
    /// [`Package::header_checksum_ok`] / [`Package::payload_checksum_ok`]
    /// so a damaged package can still be listed.
    pub fn parse(bytes: &'a [u8]) -> Result<Self> {
        let mut r = Reader::new(bytes);
        let identifier: [u8; 16] = r.array()?;
        let rev: u8 = r.le()?;
        let header_size: u16 = r.le()?;
        let ts: [u8; 13] = r.array()?;
        let bits: u16 = r.le()?;
        let package_version = VersionString::read_adjacent(&mut r)?;
        // The revision byte decides the layout; fall back on the UUID.
        let layout = match rev {
            1..=4 => rev,
            _ => revision_for_uuid(&identifier).ok_or(Error::invalid(
                Layer::Pldm,
                16,
                "package_header_format_revision",
                rev.into(),
                "1..=4 (DSP0267 1.0-1.3)",
            ))?,
        };
        let hs = usize::from(header_size);
        let cks_len = if layout >= 4 { 8 } else { 4 };
        if hs > bytes.len() {
            return Err(Error::truncated(Layer::Pldm, hs, bytes.len()));
        }
        let bitmap_bytes = usize::from(bits).div_ceil(8);

        let device_count: u8 = r.le()?;
        let devices_at = r.pos();
        for _ in 0..device_count {
            DeviceRecord::read(&mut r, 0, bitmap_bytes, layout, false)?;
        }
        let devices = &bytes[devices_at..r.pos()];
        let (downstream_count, downstream, downstream_at) = if layout >= 2 {
            let n: u8 = r.le()?;
            let at = r.pos();
            for _ in 0..n {
                DeviceRecord::read(&mut r, 0, bitmap_bytes, layout, true)?;
            }
            (Some(n), &bytes[at..r.pos()], at)
        } else {
            (None, &bytes[0..0], r.pos())
        };
        let component_count: u16 = r.le()?;
        let components_at = r.pos();
        for _ in 0..component_count {
            ComponentInfo::read(&mut r, layout)?;
        }
        let components = &bytes[components_at..r.pos()];
        let cks_at = r.pos();
        if cks_at + cks_len != hs {
            return Err(mismatch(17, "package_header_size", hs, cks_at + cks_len));
        }
        let header_checksum: u32 = r.le()?;
        let (payload_checksum, computed_payload_checksum) = if layout >= 4 {
            let p: u32 = r.le()?;
            (Some(p), Some(CRC32.checksum(&bytes[hs..])))
        } else {
            (None, None)
        };
        Ok(Package {
            bytes,
            header: PackageHeader {
                identifier,
                format_revision: rev,
                header_size,
                release_date_time: Timestamp104::from_bytes(&ts),
                component_bitmap_bit_length: bits,
                package_version,
            },
            device_count,
            devices,
            devices_at,
            downstream_count,
            downstream,
            downstream_at,
            component_count,
            components,
            components_at,
            header_checksum,
            computed_header_checksum: CRC32.checksum(&bytes[..cks_at]),
            payload_checksum,
            computed_payload_checksum,
        })
    }

    /// The layout revision used (1 = DSP0267 1.0 ... 4 = 1.3).
    pub fn layout(&self) -> u8 {
        match self.header.format_revision {
            1..=4 => self.header.format_revision,
            _ => revision_for_uuid(&self.header.identifier).unwrap_or(1),
        }
    }

    /// `true` when the identifier is the one defined for the revision.
    pub fn identifier_matches_revision(&self) -> bool {
        uuid_for_revision(self.header.format_revision) == Some(&self.header.identifier)
    }

    pub fn header_checksum_ok(&self) -> bool {
        self.header_checksum == self.computed_header_checksum
    }

    /// `None` before format 1.3 (no payload checksum).
    pub fn payload_checksum_ok(&self) -> Option<bool> {
        Some(self.payload_checksum? == self.computed_payload_checksum?)
    }

    fn bitmap_bytes(&self) -> usize {
        usize::from(self.header.component_bitmap_bit_length).div_ceil(8)
    }

    fn records(
        &self,
        raw: &'a [u8],
        at: usize,
        n: usize,
        downstream: bool,
    ) -> impl Iterator<Item = DeviceRecord<'a>> + 'a {
        let mut r = Reader::new(raw);
        let (bb, layout) = (self.bitmap_bytes(), self.layout());
        (0..n).map_while(move |_| DeviceRecord::read(&mut r, at, bb, layout, downstream).ok())
    }

    /// Firmware device identification records.
    pub fn devices(&self) -> impl Iterator<Item = DeviceRecord<'a>> + 'a {
        self.records(
            self.devices,
            self.devices_at,
            self.device_count.into(),
            false,
        )
    }

    /// Downstream device identification records (1.1+; empty before).
    pub fn downstream_devices(&self) -> impl Iterator<Item = DeviceRecord<'a>> + 'a {
        let n = self.downstream_count.unwrap_or(0);
        self.records(self.downstream, self.downstream_at, n.into(), true)
    }

    /// `Some(count)` when the format has a downstream area.
    pub fn downstream_count(&self) -> Option<u8> {
        self.downstream_count
    }

    /// Component image information entries.
    pub fn components(&self) -> impl Iterator<Item = ComponentInfo<'a>> + 'a {
        let mut r = Reader::new(self.components);
        let (at, layout) = (self.components_at, self.layout());
        (0..self.component_count).map_while(move |_| {
            ComponentInfo::read(&mut r, layout).ok().map(|mut c| {
                c.offset += at;
                c
            })
        })
    }

    /// The image bytes of a component, `None` when its location is outside the file.
    pub fn component_image(&self, c: &ComponentInfo<'_>) -> Option<&'a [u8]> {
        let start = c.location_offset as usize;
        self.bytes.get(start..start.checked_add(c.size as usize)?)
    }
}

/// Render a 16-byte identifier as a UUID.
pub struct Uuid<'a>(pub &'a [u8; 16]);

impl fmt::Display for Uuid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::describe::UuidText(self.0).fmt(f)
    }
}

#[cfg(feature = "alloc")]
pub use encode::*;

#[cfg(feature = "alloc")]
mod encode {
    use alloc::vec::Vec;

    use super::*;
    use crate::pldm::firmware_update::common::Writer;
    use crate::pldm::firmware_update::Descriptor;

    /// A device record to encode.
    #[derive(Debug, Clone, Default)]
    pub struct DeviceSpec<'a> {
        pub device_update_option_flags: u32,
        /// Component indices this record applies to.
        pub applicable_components: Vec<usize>,
        pub version: VersionString<'a>,
        /// Downstream records: stamp written when option bit 0 is set.
        pub min_version_comparison_stamp: u32,
        pub descriptors: Vec<Descriptor<'a>>,
        pub package_data: &'a [u8],
        /// Written only in format 1.3.
        pub reference_manifest_data: &'a [u8],
    }

    /// A component to encode (location and size are computed).
    #[derive(Debug, Clone, Default)]
    pub struct ComponentSpec<'a> {
        pub classification: u16,
        pub identifier: u16,
        pub comparison_stamp: u32,
        pub options: u16,
        pub requested_activation_method: u16,
        pub version: VersionString<'a>,
        /// Written in formats 1.2+.
        pub opaque_data: &'a [u8],
        pub image: &'a [u8],
    }

    /// A whole package to encode.
    #[derive(Debug, Clone, Default)]
    pub struct PackageSpec<'a> {
        /// 1 = DSP0267 1.0 ... 4 = 1.3 (selects identifier and layout).
        pub format_revision: u8,
        pub release_date_time: Timestamp104,
        pub package_version: VersionString<'a>,
        pub devices: Vec<DeviceSpec<'a>>,
        /// Ignored for format 1.0.
        pub downstream_devices: Vec<DeviceSpec<'a>>,
        pub components: Vec<ComponentSpec<'a>>,
    }

    impl PackageSpec<'_> {
        /// Encode header, checksums and images.
        pub fn encode(&self) -> Vec<u8> {
            let rev = self.format_revision.clamp(1, 4);
            let bits = self.components.len().div_ceil(8).max(1) * 8;
            let bitmap_bytes = bits / 8;
            let mut h: Vec<u8> = Vec::new();
            h.extend_from_slice(uuid_for_revision(rev).unwrap_or(&UUID_1_0));
            h.push(rev);
            h.extend_from_slice(&[0, 0]); // header size, patched below
            h.extend_from_slice(&self.release_date_time.to_bytes());
            h.extend_from_slice(&(bits as u16).to_le_bytes());
            put_string(&mut h, &self.package_version);
            let areas: &[(&Vec<DeviceSpec<'_>>, bool)] = if rev >= 2 {
                &[(&self.devices, false), (&self.downstream_devices, true)]
            } else {
                &[(&self.devices, false)]
            };
            for (list, downstream) in areas {
                h.push(list.len() as u8);
                for d in list.iter() {
                    put_record(&mut h, d, rev, bitmap_bytes, *downstream);
                }
            }
            h.extend_from_slice(&(self.components.len() as u16).to_le_bytes());
            let mut loc_fields = Vec::new();
            for c in &self.components {
                h.extend_from_slice(&c.classification.to_le_bytes());
                h.extend_from_slice(&c.identifier.to_le_bytes());
                h.extend_from_slice(&c.comparison_stamp.to_le_bytes());
                h.extend_from_slice(&c.options.to_le_bytes());
                h.extend_from_slice(&c.requested_activation_method.to_le_bytes());
                loc_fields.push(h.len());
                h.extend_from_slice(&[0; 8]);
                put_string(&mut h, &c.version);
                if rev >= 3 {
                    h.extend_from_slice(&(c.opaque_data.len() as u32).to_le_bytes());
                    h.extend_from_slice(c.opaque_data);
                }
            }
            let header_size = h.len() + if rev >= 4 { 8 } else { 4 };
            h[17..19].copy_from_slice(&(header_size as u16).to_le_bytes());
            let mut loc = header_size;
            for (at, c) in loc_fields.iter().zip(&self.components) {
                h[*at..*at + 4].copy_from_slice(&(loc as u32).to_le_bytes());
                h[*at + 4..*at + 8].copy_from_slice(&(c.image.len() as u32).to_le_bytes());
                loc += c.image.len();
            }
            let crc = CRC32.checksum(&h);
            h.extend_from_slice(&crc.to_le_bytes());
            let mut payload = CRC32.digest();
            for c in &self.components {
                payload.update(c.image);
            }
            if rev >= 4 {
                h.extend_from_slice(&payload.finalize().to_le_bytes());
            }
            for c in &self.components {
                h.extend_from_slice(c.image);
            }
            h
        }
    }

    fn put_string(h: &mut Vec<u8>, s: &VersionString<'_>) {
        h.push(s.string_type.value());
        h.push(s.wire_len() as u8);
        h.extend_from_slice(s.wire_bytes());
    }

    fn put_record(
        h: &mut Vec<u8>,
        d: &DeviceSpec<'_>,
        rev: u8,
        bitmap_bytes: usize,
        downstream: bool,
    ) {
        let start = h.len();
        h.extend_from_slice(&[0, 0]);
        h.push(d.descriptors.len() as u8);
        h.extend_from_slice(&d.device_update_option_flags.to_le_bytes());
        h.push(d.version.string_type.value());
        h.push(d.version.wire_len() as u8);
        h.extend_from_slice(&(d.package_data.len() as u16).to_le_bytes());
        if rev >= 4 {
            h.extend_from_slice(&(d.reference_manifest_data.len() as u32).to_le_bytes());
        }
        let mut bitmap = alloc::vec![0u8; bitmap_bytes];
        for &i in &d.applicable_components {
            if let Some(b) = bitmap.get_mut(i / 8) {
                *b |= 1 << (i % 8);
            }
        }
        h.extend_from_slice(&bitmap);
        h.extend_from_slice(d.version.wire_bytes());
        if downstream && d.device_update_option_flags & 1 != 0 {
            h.extend_from_slice(&d.min_version_comparison_stamp.to_le_bytes());
        }
        for desc in &d.descriptors {
            let mut tmp = alloc::vec![0u8; desc.buffer_len()];
            let mut w = Writer::new(&mut tmp);
            desc.write(&mut w);
            h.extend_from_slice(&tmp);
        }
        h.extend_from_slice(d.package_data);
        if rev >= 4 {
            h.extend_from_slice(d.reference_manifest_data);
        }
        let len = (h.len() - start) as u16;
        h[start..start + 2].copy_from_slice(&len.to_le_bytes());
    }
}
