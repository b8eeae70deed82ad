//! The no-panic test's seeds: valid-looking packets of every family and
//! binding, hand-assembled or built with the wire crate's builders. Shared
//! by `no_panic.rs` (which mutates them) and the CLI's JSON schema test
//! (which decodes each as is), included with `#[path]`.

#![allow(dead_code)]

use mctpkit::BindingKind;

/// Valid-looking inputs to mutate: (binding, bytes).
pub fn seeds() -> Vec<(BindingKind, Vec<u8>)> {
    let hex = |s: &str| mctpkit::hex::parse_hex(s).unwrap();
    let mut v = vec![
        (
            BindingKind::None,
            hex("01 0b 0a c5 00 00 0a 00 ff 01 01 0a 02 00 04 01 00"),
        ),
        (BindingKind::None, hex("01 00 0a cf 00 91 01 00 1d")),
        // PLDM firmware update (type 5) and FRU (type 4).
        (
            BindingKind::None,
            hex("01 0b 0a c8 01 83 05 15 00 04 00 00 00 01 00 00"),
        ),
        (
            BindingKind::None,
            hex("01 0a 0b c0 01 05 05 1b 00 03 02 00 00 32 00 01 00 00 00"),
        ),
        (
            BindingKind::None,
            hex("01 0a 0b c0 01 01 04 01 00 01 00 00 01 00 00 40 00 00 00 02 00 03 00 78 56 34 12"),
        ),
        (BindingKind::None, hex("01 09 08 c8 00 80 02")),
        (
            BindingKind::None,
            hex("01 08 09 c0 00 00 04 00 04 f1 f3 f1 00 f1 f2 ff 00 f1 f1 ff 00 f1 f0 ff 00"),
        ),
        (BindingKind::None, hex("01 09 08 88 01 02 03")),
        (
            BindingKind::Smbus,
            hex("20 0F 0C 65 01 0A 43 D0 00 1A 01 00 00 43 00 F4"),
        ),
        (
            BindingKind::Smbus,
            hex("64 0F 0A 21 01 00 0A CF 00 91 01 00 1D FC"),
        ),
        (
            BindingKind::SmbusNoDest,
            hex("0F 0C 65 01 0A 43 D0 00 1A 01 00 00 43 00 F4"),
        ),
        (
            BindingKind::Serial,
            hex("7e 01 07 01 09 08 c8 00 80 02 00 00 7e"),
        ),
        (BindingKind::I3c, hex("01 09 08 c8 00 80 02 00")),
        (
            BindingKind::Usb,
            hex("1a b4 00 0b 01 09 08 c8 00 80 02 1a b4 00 0b 01 08 09 c0 00 00 02"),
        ),
        // SPDM (type 5): GET_VERSION, VERSION, CAPABILITIES 1.1, ALGORITHMS,
        // GET_MEASUREMENTS, ERROR ResponseNotReady; secured record (type 6).
        (BindingKind::None, hex("01 09 08 c8 05 10 84 00 00")),
        (BindingKind::None, hex("01 08 09 c0 05 10 04 00 00 00 02 00 10 00 11")),
        (BindingKind::None, hex("01 08 09 c0 05 11 61 00 00 00 2d 00 00 f7 fb 00 00")),
        (
            BindingKind::None,
            hex("01 08 09 c0 05 11 63 04 00 34 00 01 00 08 00 00 00 80 00 00 00 02 00 00 00 \
                 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 02 20 10 00 03 20 02 00 \
                 04 20 08 00 05 20 01 00"),
        ),
        (BindingKind::None, hex("01 09 08 c8 05 12 e0 00 ff")),
        (BindingKind::None, hex("01 08 09 c0 05 12 7f 42 00 14 e0 07 03")),
        (
            BindingKind::None,
            hex("01 09 08 c8 06 fe ff fd ff 00 00 12 00 01 02 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"),
        ),
    ];
    // PLDM (MCTP header 01 09 08 c8 + message): GetSensorReading rsp,
    // GetPLDMVersion rsp with CRC, GetPDR rsp with a state sensor PDR,
    // PlatformEventMessage sensorEvent.
    v.push((
        BindingKind::None,
        hex("01 09 08 c8 01 03 02 11 00 02 00 02 01 01 01 2a 00"),
    ));
    v.push((
        BindingKind::None,
        hex("01 09 08 c8 01 00 00 03 00 00 00 00 00 05 00 f0 f1 f1 ba be 9d 53"),
    ));
    v.push((
        BindingKind::None,
        hex("01 09 08 c8 01 06 02 51 00 02 00 00 00 00 00 00 00 05 1b 00 01 00 00 00 01 04 00 00 11 00 00 00 05 00 40 00 01 00 00 00 00 00 01 01 00 01 06"),
    ));
    v.push((
        BindingKind::None,
        hex("01 09 08 c8 01 80 02 0a 01 01 00 05 00 01 00 02 01"),
    ));
    // Every control command both ways, as single-packet messages.
    for cmd in 0u8..=0x15 {
        v.push((
            BindingKind::None,
            vec![0x01, 0x09, 0x08, 0xC8, 0x00, 0x80, cmd, 0x00, 0x09],
        ));
        v.push((
            BindingKind::None,
            vec![
                0x01, 0x08, 0x09, 0xC0, 0x00, 0x00, cmd, 0x00, 0x02, 0x01, 0x00, 0x08, 0x10,
            ],
        ));
    }
    // CXL CCI / FM-API (types 8 / 7): reference Get Timestamp example,
    // typed responses, tunnels one and two levels deep.
    {
        use mctpkit_wire::cxl::{
            builder, ComponentType, GetHealthInfoResponse, IdentifyResponse, MediaStatus,
        };
        let pkt = |m: Vec<u8>| {
            let mut v = vec![0x01, 0x09, 0x08, 0xC8];
            v.extend_from_slice(&m);
            (BindingKind::None, v)
        };
        v.push((
            BindingKind::None,
            hex("01 09 08 c8 08 00 00 00 00 03 00 00 00 00 00 cd ab"),
        ));
        v.push((
            BindingKind::None,
            hex("01 08 09 c0 08 01 00 00 00 03 08 00 00 00 00 00 00 01 02 03 04 05 06 07 08"),
        ));
        let id = IdentifyResponse {
            pcie_vendor_id: 0x8086,
            pcie_device_id: 0x0d93,
            pcie_subsystem_vendor_id: 0,
            pcie_subsystem_id: 0,
            device_serial_number: 7,
            max_supported_message_size: 9,
            component_type: ComponentType::Type3Device,
        };
        v.push(pkt(builder::for_body(id).tag(1).to_vec()));
        v.push(pkt(builder::for_body(GetHealthInfoResponse {
            health_status: 1,
            media_status: MediaStatus::Normal,
            additional_status: 5,
            life_used: 3,
            device_temperature: -4,
            dirty_shutdown_count: 1,
            corrected_volatile_error_count: 2,
            corrected_persistent_error_count: 3,
        })
        .to_vec()));
        v.push(pkt(builder::tunnel(
            3,
            builder::tunnel(1, builder::get_ld_info_request(2)),
        )
        .to_vec()));
        v.push(pkt(builder::tunnel_response(builder::for_body(id)).to_vec()));
        v.push(pkt(
            builder::get_physical_port_state_request(0, &[0, 1, 2]).to_vec()
        ));
        v.push(pkt(builder::response(0x5101)
            .payload(&[1, 0, 0, 0, 2, 3, 2, 0, 4, 7, 16, 8, 31, 5, 5, 4, 0, 5, 0, 1])
            .to_vec()));
        v.push(pkt(builder::response(0x0400)
            .payload(&[
                1, 0, 0, 0, 0, 0, 0, 0, 0x0d, 0xa9, 0xc0, 0xb5, 0xbf, 0x41, 0x4b, 0x78, 0x8f, 0x79,
                0x96, 0xb1, 0x62, 0x3b, 0x3f, 0x17, 12, 0, 0, 0,
            ])
            .to_vec()));
        let mut ev = vec![0u8; 32 + 128];
        ev[0x14] = 1;
        v.push(pkt(builder::response(0x0100).payload(&ev).to_vec()));
    }
    for cmd in [0xF0u8, 0xFF] {
        v.push((
            BindingKind::None,
            vec![0x01, 0x09, 0x08, 0xC8, 0x00, 0x80, cmd, 0x01],
        ));
    }
    // Vendor defined: Cerberus Get Digest, Cerberus encrypted, Microsoft VDM, IANA.
    v.push((BindingKind::None, hex("01 0b 0a c8 7e 14 14 00 81 00 00")));
    v.push((
        BindingKind::None,
        hex("01 0b 0a c8 7e 14 14 20 c1 c2 77 77 77 77 77 77 77 77 77 77 77 77 77 77 77 77 99 99 99 99 99 99 99 99 99 99 99 99"),
    ));
    v.push((
        BindingKind::None,
        hex("01 0a 0b c0 7e 14 14 80 ff 00 01 00 03 00 2a"),
    ));
    v.push((BindingKind::None, hex("01 0b 0a c8 7f 00 00 01 57 de ad")));
    // NC-SI: Get Version ID command, Select Package response (valid checksums).
    v.push((
        BindingKind::None,
        hex("01 0b 0a c8 02 00 01 00 01 15 00 00 00 00 00 00 00 00 00 00 00 ff ff ea fe"),
    ));
    v.push((
        BindingKind::None,
        hex("01 0a 0b c0 02 00 01 00 02 81 1f 00 04 00 00 00 00 00 00 00 00 00 00 00 00 ff ff 7e da"),
    ));
    // Ethernet: ARP broadcast, 802.1Q-tagged IPv6.
    v.push((
        BindingKind::None,
        hex("01 0b 0a c8 03 ff ff ff ff ff ff 02 00 00 00 00 01 08 06 00 01 08 00"),
    ));
    v.push((
        BindingKind::None,
        hex("01 0b 0a c8 03 33 33 00 00 00 01 02 00 00 00 00 01 81 00 a0 64 86 dd 60"),
    ));
    // IPMI Master Write-Read carrying the Cerberus request above (PEC 0xEE).
    v.push((
        BindingKind::IpmiMasterWriteRead,
        hex("18 52 03 20 00 0f 0c 11 01 0b 0a c8 7e 14 14 00 81 00 00 ee"),
    ));
    // NVMe-MI (type 0x84, MIC included): subsystem health poll request and
    // response, Pause primitive, controller list response, admin error reply.
    for msg in [
        "84 08 00 00 01 00 00 00 00 00 00 00 00 00 00 80 aa ef 81 b4",
        "84 88 00 00 00 00 00 00 38 ff 23 03 01 00 00 00 e2 38 67 bf",
        "84 00 00 00 00 05 00 00 e7 90 ab a2",
        "84 88 00 00 00 06 00 00 02 00 01 00 02 00 54 4e 12 30",
        "84 90 00 00 04 00 00 00 00 00 00 00",
    ] {
        let mut pkt = hex("01 1d 08 c8");
        pkt.extend_from_slice(&hex(msg));
        v.push((BindingKind::None, pkt));
    }
    v
}
