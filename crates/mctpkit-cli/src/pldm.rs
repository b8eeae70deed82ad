//! `mctpkit pldm ...`: PLDM tools. `fw-package inspect FILE` lists a DSP0267
//! firmware update package and checks its CRC-32 checksums.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args as ClapArgs, Subcommand};
use mctpkit_wire::pldm::firmware_update::{ActivationMethods, ComponentClassification};
use mctpkit_wire::pldm::package::{self, Package, Uuid};

/// PLDM tools.
#[derive(ClapArgs, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: PldmCommand,
}

#[derive(Subcommand, Debug)]
enum PldmCommand {
    /// Firmware update packages (DSP0267).
    #[command(name = "fw-package", subcommand)]
    FwPackage(FwPackageCommand),
}

#[derive(Subcommand, Debug)]
enum FwPackageCommand {
    /// List header, device records, components and check the checksums.
    Inspect {
        /// The package file.
        file: PathBuf,
    },
}

pub fn run(args: Args) -> Result<ExitCode, Box<dyn std::error::Error>> {
    match args.command {
        PldmCommand::FwPackage(FwPackageCommand::Inspect { file }) => {
            let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let (text, ok) = inspect(&bytes)?;
            print!("{text}");
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}

fn ok_bad(ok: bool) -> &'static str {
    if ok {
        "OK"
    } else {
        "BAD"
    }
}

/// Render a package listing; the flag is `false` when a checksum is bad.
pub fn inspect(bytes: &[u8]) -> Result<(String, bool), Box<dyn std::error::Error>> {
    let p = Package::parse(bytes).map_err(|e| format!("not a valid PLDM firmware package: {e}"))?;
    let h = &p.header;
    let mut o = String::new();
    let dsp = match p.layout() {
        1 => "1.0",
        2 => "1.1",
        3 => "1.2",
        _ => "1.3",
    };
    writeln!(o, "PLDM firmware update package ({} bytes)", bytes.len())?;
    writeln!(
        o,
        "  identifier       {}{}",
        Uuid(&h.identifier),
        if p.identifier_matches_revision() {
            ""
        } else {
            " (does not match the format revision)"
        }
    )?;
    writeln!(
        o,
        "  format revision  {} (DSP0267 {dsp})",
        h.format_revision
    )?;
    writeln!(o, "  header size      {}", h.header_size)?;
    writeln!(o, "  release date     {}", h.release_date_time)?;
    writeln!(o, "  version          \"{}\"", h.package_version)?;
    writeln!(
        o,
        "  component bitmap {} bits",
        h.component_bitmap_bit_length
    )?;

    let devices: Vec<_> = p.devices().collect();
    writeln!(o, "Firmware device records: {}", devices.len())?;
    let list_record = |o: &mut String,
                       i: usize,
                       d: &package::DeviceRecord<'_>,
                       label: &str|
     -> std::fmt::Result {
        let applicable: Vec<String> = d.applicable().map(|c| c.to_string()).collect();
        writeln!(
            o,
            "  [{i}] {label} \"{}\" options={:#010x} components=[{}]",
            d.version,
            d.device_update_option_flags,
            applicable.join(",")
        )?;
        if let Some(s) = d.self_contained_activation_min_version_comparison_stamp {
            writeln!(o, "      min version comparison stamp {s:#010x}")?;
        }
        for (_, desc) in d.descriptors.iter() {
            writeln!(
                o,
                "      {} ({:#06x}): {}",
                desc.descriptor_type.name().unwrap_or("descriptor"),
                desc.descriptor_type.value(),
                desc
            )?;
        }
        if !d.package_data.is_empty() {
            writeln!(o, "      package data {} bytes", d.package_data.len())?;
        }
        if !d.reference_manifest_data.is_empty() {
            writeln!(
                o,
                "      reference manifest {} bytes",
                d.reference_manifest_data.len()
            )?;
        }
        Ok(())
    };
    for (i, d) in devices.iter().enumerate() {
        list_record(&mut o, i, d, "image set")?;
    }
    if let Some(n) = p.downstream_count() {
        writeln!(o, "Downstream device records: {n}")?;
        for (i, d) in p.downstream_devices().enumerate() {
            list_record(&mut o, i, &d, "min version")?;
        }
    }
    let comps: Vec<_> = p.components().collect();
    writeln!(o, "Components: {}", comps.len())?;
    for (i, c) in comps.iter().enumerate() {
        let class = ComponentClassification::from_value(c.classification);
        writeln!(
            o,
            "  [{i}] id={:#06x} class={} ({:#06x}) version \"{}\" stamp={:#010x}",
            c.identifier,
            class.name().unwrap_or("?"),
            c.classification,
            c.version,
            c.comparison_stamp
        )?;
        writeln!(
            o,
            "      offset={} size={} options={:#06x} activation={}{}",
            c.location_offset,
            c.size,
            c.options,
            ActivationMethods(c.requested_activation_method),
            if p.component_image(c).is_some() {
                ""
            } else {
                " (OUTSIDE THE FILE)"
            }
        )?;
        if let Some(op) = c.opaque_data {
            if !op.is_empty() {
                writeln!(o, "      opaque data {} bytes", op.len())?;
            }
        }
    }
    let mut ok = p.header_checksum_ok();
    writeln!(
        o,
        "Package header checksum  {:#010x} {} (computed {:#010x})",
        p.header_checksum,
        ok_bad(p.header_checksum_ok()),
        p.computed_header_checksum
    )?;
    if let (Some(s), Some(c), Some(good)) = (
        p.payload_checksum,
        p.computed_payload_checksum,
        p.payload_checksum_ok(),
    ) {
        ok &= good;
        writeln!(
            o,
            "Package payload checksum {s:#010x} {} (computed {c:#010x})",
            ok_bad(good)
        )?;
    }
    let images_ok = comps.iter().all(|c| p.component_image(c).is_some());
    Ok((o, ok && images_ok))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../samples/pldm-fw-package-1.3.bin"
        ))
        .unwrap()
    }

    #[test]
    fn inspect_sample() {
        let (text, ok) = inspect(&sample()).unwrap();
        assert!(ok, "{text}");
        assert!(text.contains("format revision  4 (DSP0267 1.3)"), "{text}");
        assert!(text.contains("PCI Vendor ID (0x0000): 0x8086"), "{text}");
        assert!(
            text.contains("Vendor Defined (0xffff): board: 0002"),
            "{text}"
        );
        assert!(text.contains("version \"fw-1\""), "{text}");
        assert!(text.contains("Package header checksum"), "{text}");
        assert!(text.contains("OK"), "{text}");
        assert!(!text.contains("BAD"), "{text}");
    }

    #[test]
    fn inspect_reports_bad_checksums() {
        let mut b = sample();
        let last = b.len() - 1;
        b[last] ^= 1;
        let (text, ok) = inspect(&b).unwrap();
        assert!(!ok);
        assert!(
            text.contains("Package payload checksum") && text.contains("BAD"),
            "{text}"
        );
        assert!(inspect(&b[..40]).is_err());
    }
}
