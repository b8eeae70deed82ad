//! Tests for PLDM firmware update (type 5) bodies and the package format:
//! hand-computed frames both ways, cross-checks against CodeConstruct's
//! `pldm-fw` 0.2.0 in both directions, proptest round trips and
//! truncated/garbage input.

extern crate std;

use std::string::{String, ToString};
use std::vec;
use std::vec::Vec;

use proptest::prelude::*;

use super::builder;
use super::*;
use crate::describe::{Field, Group, Visitor};
use crate::error::ErrorKind;
use crate::pldm::package::{self, ComponentSpec, DeviceSpec, Package, PackageSpec};

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

fn decode(msg: &[u8]) -> FwMessage<'_> {
    FwMessage::parse(msg).unwrap()
}

fn summary(m: &FwMessage<'_>) -> String {
    let mut s = String::new();
    m.summary(&mut s).unwrap();
    s
}

/// Collects field names and checks offsets stay inside the data.
struct Names(Vec<(&'static str, usize, usize)>);
impl Visitor for Names {
    fn field(&mut self, f: &Field<'_>) {
        // Render every value: Display impls must not panic.
        let _ = std::format!("{}", f.value);
        self.0.push((f.name, f.offset, f.len));
    }
    fn begin(&mut self, _: &'static str, _: Group, _: usize, _: usize) {}
    fn end(&mut self) {}
}

fn fields(b: &Body<'_>) -> Vec<(&'static str, usize, usize)> {
    let mut n = Names(Vec::new());
    b.describe(&mut n);
    n.0
}

fn assert_build(m: FwMessage<'_>, expect: &[u8]) {
    assert_eq!(m.to_vec(), expect);
    assert_eq!(FwMessage::parse(expect).unwrap(), m);
}

#[test]
fn request_firmware_data_both_ways() {
    let bytes = hex("01 83 05 15 00 04 00 00 00 01 00 00");
    let m = decode(&bytes);
    assert_eq!(
        m.body,
        Some(Body::RequestFirmwareDataRequest(
            RequestFirmwareDataRequest {
                offset: 0x400,
                length: 0x100
            }
        ))
    );
    assert_eq!(
        summary(&m),
        "PLDM RequestFirmwareData req iid=3 / offset=1024 length=256"
    );
    assert_build(
        builder::request_firmware_data_request(3, 0x400, 0x100),
        &bytes,
    );
    let rsp = hex("01 03 05 15 00 de ad be ef");
    let r = decode(&rsp);
    assert_eq!(
        r.body,
        Some(Body::RequestFirmwareDataResponse(
            RequestFirmwareDataResponse {
                component_image_portion: &[0xde, 0xad, 0xbe, 0xef]
            }
        ))
    );
    assert_build(
        builder::request_firmware_data_response(3, &[0xde, 0xad, 0xbe, 0xef]),
        &rsp,
    );
    assert_eq!(
        m.pairing(),
        r.pairing().map(|p| Pairing { request: true, ..p })
    );
}

#[test]
fn get_status_both_ways() {
    let bytes = hex("01 05 05 1b 00 03 02 00 00 32 00 01 00 00 00");
    let m = decode(&bytes);
    let st = GetStatusResponse {
        current_state: 3,
        previous_state: 2,
        aux_state: 0,
        aux_state_status: 0,
        progress_percent: 50,
        reason_code: 0,
        update_option_flags_enabled: 1,
    };
    assert_eq!(m.body, Some(Body::GetStatusResponse(st)));
    assert_eq!(
        summary(&m),
        "PLDM GetStatus rsp iid=5 SUCCESS / DOWNLOAD (was READY XFER) Operation in progress 50%"
    );
    assert_build(builder::get_status_response(5, st), &bytes);
    assert_build(builder::get_status_request(5), &hex("01 85 05 1b"));
    let names: Vec<_> = fields(&m.body.unwrap()).iter().map(|f| f.0).collect();
    assert_eq!(
        names,
        [
            "current_state",
            "previous_state",
            "aux_state",
            "aux_state_status",
            "progress_percent",
            "reason_code",
            "update_option_flags_enabled"
        ]
    );
}

#[test]
fn query_device_identifiers_matches_pldm_fw_vector() {
    // pldm-fw's own write_device_identifier test vector.
    let ids = pldm_fw::DeviceIdentifiers {
        ids: vec![
            pldm_fw::Descriptor::PciVid(0xccde),
            pldm_fw::Descriptor::Iana(1234),
        ],
    };
    let mut b = [0u8; 64];
    let n = ids.write_buf(&mut b).unwrap();
    let mut msg = hex("01 01 05 01 00");
    msg.extend_from_slice(&b[..n]);
    let m = decode(&msg);
    let Some(Body::QueryDeviceIdentifiersResponse(r)) = m.body else {
        panic!("{m:?}")
    };
    let d: Vec<_> = r.descriptors.iter().map(|(_, d)| d).collect();
    assert_eq!(d.len(), 2);
    assert_eq!(d[0].descriptor_type, DescriptorType::PciVendorId);
    assert_eq!(d[0].data, &[0xde, 0xcc]);
    assert_eq!(d[1].descriptor_type, DescriptorType::IanaEnterpriseId);
    assert_eq!(
        summary(&m),
        "PLDM QueryDeviceIdentifiers rsp iid=1 SUCCESS / PCI Vendor ID=0xccde, IANA Enterprise ID=0x000004d2"
    );
    assert_build(
        builder::query_device_identifiers_response(1, r.descriptors),
        &msg,
    );
    // Encoding with our helper gives pldm-fw's bytes.
    let mut raw = [0u8; 32];
    let k = encode_descriptors(
        &[
            Descriptor {
                descriptor_type: DescriptorType::PciVendorId,
                data: &[0xde, 0xcc],
            },
            Descriptor {
                descriptor_type: DescriptorType::IanaEnterpriseId,
                data: &1234u32.to_le_bytes(),
            },
        ],
        &mut raw,
    )
    .unwrap();
    assert_eq!(&raw[..k], &b[5..n]);
}

#[test]
fn query_device_identifiers_length_mismatch_and_vendor_title() {
    // Declared length 7, actual 6.
    let bad = hex("01 01 05 01 00 07 00 00 00 01 00 00 02 00 de cc");
    let e = FwMessage::parse(&bad).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::LengthMismatch { .. }), "{e}");
    assert_eq!(e.offset, 5);
    // Vendor-defined descriptor: title "ACME" (ASCII) then data 01 02.
    let msg = hex("01 01 05 01 00 0c 00 00 00 01 ff ff 08 00 01 04 41 43 4d 45 01 02");
    let m = decode(&msg);
    let Some(Body::QueryDeviceIdentifiersResponse(r)) = m.body else {
        panic!()
    };
    let (_, d) = r.descriptors.iter().next().unwrap();
    let (t, rest) = d.vendor_title().unwrap();
    assert_eq!(t.bytes, b"ACME");
    assert_eq!(rest, &[1, 2]);
    assert!(summary(&m).ends_with("Vendor Defined=ACME: 0102"));
}

fn sample_component<'a>() -> ComponentParameterEntry<'a> {
    ComponentParameterEntry {
        component_classification: 0x000A,
        component_identifier: 0x1234,
        component_classification_index: 0,
        active_component_comparison_stamp: 0x0102_0304,
        active_component_version: VersionString::ascii("1.2.3"),
        active_component_release_date: *b"20240704",
        pending_component_comparison_stamp: 0,
        pending_component_version: VersionString::ascii(""),
        pending_component_release_date: [0; 8],
        component_activation_methods: 0x0003,
        capabilities_during_update: 0x1,
    }
}

#[test]
fn get_firmware_parameters_cross_check_both_ways() {
    // pldm-fw encodes, we decode.
    let comp = pldm_fw::Component {
        classification: pldm_fw::ComponentClassification::Firmware,
        identifier: 0x1234,
        classificationindex: 0,
        active: pldm_fw::ComponentVersion {
            stamp: 0x0102_0304,
            version: pldm_fw::DescriptorString::new_str("1.2.3").unwrap(),
            date: None,
        },
        pending: pldm_fw::ComponentVersion {
            stamp: 0,
            version: pldm_fw::DescriptorString::new_str("").unwrap(),
            date: None,
        },
        activation_methods: pldm_fw::ActivationMethods::from_u16(0x0003),
        caps_during_update: pldm_fw::ComponentCapabilities::from_u32(0x1),
    };
    let fp = pldm_fw::FirmwareParameters {
        caps: pldm_fw::DeviceCapabilities::from_u32(0x0000_0003),
        components: vec![comp].into(),
        active: pldm_fw::DescriptorString::new_str("set-1").unwrap(),
        pending: pldm_fw::DescriptorString::new_str("").unwrap(),
    };
    let mut b = [0u8; 256];
    let n = fp.write_buf(&mut b).unwrap();
    let mut msg = hex("01 02 05 02 00");
    msg.extend_from_slice(&b[..n]);
    let m = decode(&msg);
    let Some(Body::GetFirmwareParametersResponse(r)) = m.body else {
        panic!("{m:?}")
    };
    assert_eq!(r.capabilities_during_update, 3);
    assert_eq!(r.active_component_image_set_version.bytes, b"set-1");
    let (_, e) = r.component_parameter_table.iter().next().unwrap();
    let mut expect = sample_component();
    expect.active_component_release_date = [0; 8]; // pldm-fw writes no date
    assert_eq!(e, expect);
    assert_eq!(
        summary(&m),
        "PLDM GetFirmwareParameters rsp iid=2 SUCCESS / active \"set-1\" pending \"\" components=1 [0x1234 1.2.3]"
    );

    // We encode, pldm-fw decodes.
    let mut table = [0u8; 128];
    let t = encode_component_parameter_table(&[sample_component()], &mut table).unwrap();
    let ours = GetFirmwareParametersResponse {
        capabilities_during_update: 3,
        active_component_image_set_version: VersionString::ascii("set-1"),
        pending_component_image_set_version: VersionString::ascii("next"),
        component_parameter_table: ComponentParameterTable {
            count: 1,
            raw: &table[..t],
        },
    };
    let out = builder::get_firmware_parameters_response(2, ours).to_vec();
    let (rest, theirs) = pldm_fw::FirmwareParameters::parse(&out[5..]).unwrap();
    assert!(rest.is_empty());
    assert_eq!(theirs.active.to_string(), "set-1");
    assert_eq!(theirs.pending.to_string(), "next");
    let c = &theirs.components[0];
    assert_eq!(c.identifier, 0x1234);
    assert_eq!(c.active.stamp, 0x0102_0304);
    assert_eq!(c.active.version.to_string(), "1.2.3");
    assert_eq!(c.active.date, pldm_fw::PldmDate::from_ymd_opt(2024, 7, 4));
    assert_eq!(c.activation_methods.as_u16(), 3);
    assert_eq!(
        decode(&out).body,
        Some(Body::GetFirmwareParametersResponse(ours))
    );
}

#[test]
fn update_flow_requests_cross_checked_with_pldm_fw() {
    let ru = RequestUpdateRequest {
        maximum_transfer_size: 0x400,
        number_of_components: 1,
        maximum_outstanding_transfer_requests: 1,
        package_data_length: 0,
        component_image_set_version: VersionString::ascii("1.0"),
    };
    let bytes = hex("01 87 05 10 00 04 00 00 01 00 01 00 00 01 03 31 2e 30");
    assert_build(builder::request_update_request(7, ru), &bytes);
    let (_, p) = pldm_fw::RequestUpdateRequest::parse(&bytes[4..]).unwrap();
    assert_eq!(
        (
            p.max_transfer,
            p.num_components,
            p.max_outstanding,
            p.package_data_length
        ),
        (0x400, 1, 1, 0)
    );
    assert_eq!(p.component_image_set_version.to_string(), "1.0");
    assert_build(
        builder::request_update_response(7, 0, false),
        &hex("01 07 05 10 00 00 00 00"),
    );
    // pldm-fw's RequestUpdateResponse bytes decode to the same.
    let mut b = [0u8; 8];
    let k = pldm_fw::RequestUpdateResponse {
        fd_metadata_len: 0x20,
        fd_will_sent_gpd: 1,
    }
    .write_buf(&mut b)
    .unwrap();
    let mut msg = hex("01 07 05 10 00");
    msg.extend_from_slice(&b[..k]);
    assert_eq!(
        decode(&msg).body,
        Some(Body::RequestUpdateResponse(RequestUpdateResponse {
            firmware_device_meta_data_length: 0x20,
            fd_will_send_get_package_data_command: 1
        }))
    );

    let pc = PassComponentTableRequest {
        transfer_flag: 5,
        component_classification: 0x000A,
        component_identifier: 1,
        component_classification_index: 0,
        component_comparison_stamp: 0x1234_5678,
        component_version: VersionString::ascii("v2"),
    };
    let bytes = hex("01 88 05 13 05 0a 00 01 00 00 78 56 34 12 01 02 76 32");
    assert_build(builder::pass_component_table_request(8, pc), &bytes);
    let (_, p) = pldm_fw::UpdateComponent::parse_pass_component(&bytes[5..]).unwrap();
    assert_eq!((p.identifier, p.comparisonstamp), (1, 0x1234_5678));
    assert_build(
        builder::pass_component_table_response(8, 0, 0),
        &hex("01 08 05 13 00 00 00"),
    );

    let uc = UpdateComponentRequest {
        component_classification: 0x000A,
        component_identifier: 1,
        component_classification_index: 0,
        component_comparison_stamp: 0x1234_5678,
        component_image_size: 0x1000,
        update_option_flags: 1,
        component_version: VersionString::ascii("v2"),
    };
    let bytes = hex("01 89 05 14 0a 00 01 00 00 78 56 34 12 00 10 00 00 01 00 00 00 01 02 76 32");
    assert_build(builder::update_component_request(9, uc), &bytes);
    let (_, p) = pldm_fw::UpdateComponent::parse_update(&bytes[4..]).unwrap();
    assert_eq!((p.size, p.flags), (Some(0x1000), Some(1)));
    assert_eq!(p.version.to_string(), "v2");
    let ucr = UpdateComponentResponse {
        component_compatibility_response: 0,
        component_compatibility_response_code: 0,
        update_option_flags_enabled: 1,
        time_before_request_fw_data: 5,
    };
    let bytes = hex("01 09 05 14 00 00 00 01 00 00 00 05 00");
    assert_build(builder::update_component_response(9, ucr), &bytes);
    // pldm-fw skips ComponentCompatibilityResponse and keeps the code.
    let (_, p) = pldm_fw::UpdateComponentResponse::parse(&bytes[5..]).unwrap();
    assert_eq!(p.response_code, 0);
    assert_eq!((p.update_flags, p.estimate_time), (1, 5));
}

#[test]
fn fd_requests_and_completions() {
    assert_build(
        builder::transfer_complete_request(1, TransferResult::Success),
        &hex("01 81 05 16 00"),
    );
    assert_build(
        builder::verify_complete_request(1, VerifyResult::VersionMismatch),
        &hex("01 81 05 17 02"),
    );
    let ac = hex("01 82 05 18 01 04 00");
    assert_build(
        builder::apply_complete_request(2, ApplyResult::SuccessWithActivationMethod, 0x0004),
        &ac,
    );
    assert_eq!(
        summary(&decode(&ac)),
        "PLDM ApplyComplete req iid=2 / Success with activation method modification activation=Medium-specific reset"
    );
    for cmd in [
        Command::TransferComplete,
        Command::VerifyComplete,
        Command::ApplyComplete,
        Command::CancelUpdateComponent,
    ] {
        let m = builder::empty_response(cmd, 4);
        assert_eq!(m.to_vec(), [0x01, 0x04, 0x05, cmd.value(), 0x00]);
        assert_eq!(decode(&m.to_vec()).body, Some(Body::NoData));
    }
    assert_build(
        builder::get_package_data_request(1, 0, TransferOperationFlag::GetFirstPart),
        &hex("01 81 05 11 00 00 00 00 01"),
    );
    let gpd = TransferResponse {
        next_data_transfer_handle: 0,
        transfer_flag: 5,
        portion: &[0xaa, 0xbb],
    };
    assert_build(
        builder::transfer_response(Command::GetPackageData, 1, gpd).unwrap(),
        &hex("01 01 05 11 00 00 00 00 00 05 aa bb"),
    );
    assert!(builder::transfer_response(Command::GetStatus, 1, gpd).is_none());
    assert_build(
        builder::get_meta_data_request(1, 7, TransferOperationFlag::GetNextPart),
        &hex("01 81 05 19 07 00 00 00 00"),
    );
    assert_build(
        builder::get_device_meta_data_request(1, 0, TransferOperationFlag::GetFirstPart),
        &hex("01 81 05 12 00 00 00 00 01"),
    );
}

#[test]
fn activate_cancel_and_errors() {
    assert_build(
        builder::activate_firmware_request(6, true),
        &hex("01 86 05 1a 01"),
    );
    assert_build(
        builder::activate_firmware_response(6, 10),
        &hex("01 06 05 1a 00 0a 00"),
    );
    assert_build(builder::cancel_update_request(6), &hex("01 86 05 1d"));
    assert_build(
        builder::cancel_update_component_request(6),
        &hex("01 86 05 1c"),
    );
    let cu = hex("01 06 05 1d 00 01 05 00 00 00 00 00 00 00");
    assert_build(builder::cancel_update_response(6, true, 5), &cu);
    // Error response: no data, named code.
    let e = hex("01 06 05 1a 8b");
    let m = decode(&e);
    assert_eq!(m.body, None);
    assert_eq!(
        summary(&m),
        "PLDM ActivateFirmware rsp iid=6 ACTIVATION_NOT_REQUIRED"
    );
    assert_build(
        builder::error_response(Command::ActivateFirmware, 6, 0x8b),
        &e,
    );
    assert_build(
        builder::query_device_identifiers_request(0),
        &hex("01 80 05 01"),
    );
    assert_build(
        builder::get_firmware_parameters_request(0),
        &hex("01 80 05 02"),
    );
}

#[test]
fn completion_code_names_verified() {
    // libpldm's pldm_firmware_update_completion_codes and pldm-fw's FwCode.
    let expect = [
        (0x80, "NOT_IN_UPDATE_MODE"),
        (0x81, "ALREADY_IN_UPDATE_MODE"),
        (0x82, "DATA_OUT_OF_RANGE"),
        (0x83, "INVALID_TRANSFER_LENGTH"),
        (0x84, "INVALID_STATE_FOR_COMMAND"),
        (0x85, "INCOMPLETE_UPDATE"),
        (0x86, "BUSY_IN_BACKGROUND"),
        (0x87, "CANCEL_PENDING"),
        (0x88, "COMMAND_NOT_EXPECTED"),
        (0x89, "RETRY_REQUEST_FW_DATA"),
        (0x8a, "UNABLE_TO_INITIATE_UPDATE"),
        (0x8b, "ACTIVATION_NOT_REQUIRED"),
        (0x8c, "SELF_CONTAINED_ACTIVATION_NOT_PERMITTED"),
        (0x8d, "NO_DEVICE_METADATA"),
        (0x8e, "RETRY_REQUEST_UPDATE"),
        (0x8f, "NO_PACKAGE_DATA"),
        (0x90, "INVALID_TRANSFER_HANDLE"),
        (0x91, "INVALID_TRANSFER_OPERATION_FLAG"),
        (0x92, "ACTIVATE_PENDING_IMAGE_NOT_PERMITTED"),
        (0x93, "PACKAGE_DATA_ERROR"),
    ];
    for (cc, n) in expect {
        assert_eq!(completion_code_name(0x15, cc), Some(n));
    }
    assert_eq!(pldm_fw::FwCode::PACKAGE_DATA_ERROR as u8, 0x93);
    assert_eq!(completion_code_name(0x15, 0x94), None);
    assert_eq!(command_name(0x15), Some("RequestFirmwareData"));
    assert_eq!(command_name(0x20), Some("RequestDownstreamDeviceUpdate"));
    assert_eq!(command_name(0x06), None);
    assert!(Command::RequestFirmwareData.from_fd());
    assert!(!Command::UpdateComponent.from_fd());
}

#[test]
fn trailing_truncated_and_unknown() {
    // Trailing byte after a fixed body: contract reports used bytes.
    let h = Header::request(PldmType::FirmwareUpdate, 0x16, 1);
    let (b, used) = Body::parse(&h, &[0x00, 0x99]).unwrap().unwrap();
    assert_eq!(
        (b, used),
        (
            Body::TransferCompleteRequest(TransferCompleteRequest { transfer_result: 0 }),
            1
        )
    );
    assert!(matches!(
        FwMessage::parse(&hex("01 81 05 16 00 99"))
            .unwrap_err()
            .kind,
        ErrorKind::Trailing { extra: 1 }
    ));
    // No-data request with data: NoData, 0 used (the dispatcher flags trailing).
    let h = Header::request(PldmType::FirmwareUpdate, 0x1b, 1);
    assert_eq!(Body::parse(&h, &[1]).unwrap().unwrap(), (Body::NoData, 0));
    // Truncated: needed bytes counted from the data start.
    let h = Header::request(PldmType::FirmwareUpdate, 0x15, 1);
    let e = Body::parse(&h, &[0, 0, 0]).unwrap().unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::Truncated {
            needed: 4,
            available: 3
        }
    );
    let e = FwMessage::parse(&hex("01 81 05 15 00 00 00")).unwrap_err();
    assert_eq!(e.offset, 7);
    // Unknown command and pending-image activation: not decoded here.
    let h = Header::request(PldmType::FirmwareUpdate, 0x1e, 1);
    assert!(Body::parse(&h, &[1, 2]).is_none());
    let unk = hex("01 81 05 7f 01 02");
    let m = decode(&unk);
    assert_eq!((m.body, m.extra), (None, &[1u8, 2][..]));
    assert_eq!(summary(&m), "PLDM type 5 cmd 0x7f req iid=1 / data=0102");
    // Not type 5.
    assert!(FwMessage::parse(&hex("01 81 04 01")).is_err());
}

#[test]
fn pairing_keys() {
    let q = builder::get_status_request(9);
    let r = builder::get_status_response(9, GetStatusResponse::default());
    let (pq, pr) = (q.pairing().unwrap(), r.pairing().unwrap());
    assert!(pq.request && !pr.request);
    assert_eq!(pq.key, pr.key);
    assert_eq!(pq.key, 0x05_1b_09);
    // Different instance ID, different key.
    assert_ne!(
        builder::get_status_request(10).pairing().unwrap().key,
        pq.key
    );
    let mut h = q.header;
    h.d = true;
    assert_eq!(pairing(&h), None);
}

#[test]
fn fragmented_get_firmware_parameters_reassembles() {
    let mut table = [0u8; 256];
    let comps = [sample_component(), sample_component()];
    let t = encode_component_parameter_table(&comps, &mut table).unwrap();
    let m = builder::get_firmware_parameters_response(
        1,
        GetFirmwareParametersResponse {
            capabilities_during_update: 0,
            active_component_image_set_version: VersionString::ascii("image-set-42"),
            pending_component_image_set_version: VersionString::ascii(""),
            component_parameter_table: ComponentParameterTable {
                count: 2,
                raw: &table[..t],
            },
        },
    );
    let msg = m.to_vec();
    let frag = crate::fragment::Fragmenter::new(&msg, 8, 9, false, 1, 16, 0).unwrap();
    let packets: Vec<Vec<u8>> = frag.collect();
    assert!(packets.len() > 4);
    let mut whole = Vec::new();
    for p in &packets {
        whole.extend_from_slice(&p[4..]);
    }
    assert_eq!(decode(&whole), m);
}

#[test]
fn describe_offsets_inside_data() {
    let mut table = [0u8; 128];
    let t = encode_component_parameter_table(&[sample_component()], &mut table).unwrap();
    let r = GetFirmwareParametersResponse {
        capabilities_during_update: 0,
        active_component_image_set_version: VersionString::ascii("a"),
        pending_component_image_set_version: VersionString::ascii("bb"),
        component_parameter_table: ComponentParameterTable {
            count: 1,
            raw: &table[..t],
        },
    };
    let b = Body::GetFirmwareParametersResponse(r);
    let f = fields(&b);
    let total = b.buffer_len();
    for (name, off, len) in &f {
        assert!(off + len <= total, "{name} {off}+{len} > {total}");
    }
    let find = |n: &str| f.iter().find(|x| x.0 == n).unwrap().1;
    assert_eq!(find("active_component_image_set_version_string"), 10);
    assert_eq!(find("pending_component_image_set_version_string"), 11);
    assert_eq!(find("component_classification"), 13);
    assert_eq!(find("active_component_version_string"), 13 + 39);
}

// --- package ----------------------------------------------------------------

fn ts() -> Timestamp104 {
    Timestamp104 {
        utc_offset: 0,
        microsecond: 0,
        second: 0,
        minute: 30,
        hour: 12,
        day: 4,
        month: 7,
        year: 2024,
        utc_and_time_resolution: 0,
    }
}

fn spec<'a>(rev: u8, image0: &'a [u8], image1: &'a [u8]) -> PackageSpec<'a> {
    PackageSpec {
        format_revision: rev,
        release_date_time: ts(),
        package_version: VersionString::ascii("pkg-1.0"),
        devices: vec![DeviceSpec {
            device_update_option_flags: 1,
            applicable_components: vec![0, 1],
            version: VersionString::ascii("set-2"),
            descriptors: vec![
                Descriptor {
                    descriptor_type: DescriptorType::PciVendorId,
                    data: &[0x86, 0x80],
                },
                Descriptor {
                    descriptor_type: DescriptorType::PciDeviceId,
                    data: &[0x34, 0x12],
                },
            ],
            package_data: &[],
            ..Default::default()
        }],
        downstream_devices: vec![],
        components: vec![
            ComponentSpec {
                classification: 0x000A,
                identifier: 1,
                comparison_stamp: 0x100,
                options: 2,
                requested_activation_method: 0,
                version: VersionString::ascii("fw-1"),
                image: image0,
                ..Default::default()
            },
            ComponentSpec {
                classification: 0x0001,
                identifier: 2,
                comparison_stamp: 0xFFFF_FFFF,
                version: VersionString::ascii("cfg-1"),
                image: image1,
                ..Default::default()
            },
        ],
    }
}

#[test]
fn package_hand_assembled_1_0() {
    // One device (IANA 0xA015), one component "B" with image "AB".
    let mut b = package::UUID_1_0.to_vec();
    b.extend_from_slice(&hex("01 58 00"));
    b.extend_from_slice(&[0; 13]);
    b.extend_from_slice(&hex("08 00 01 01 31"));
    b.extend_from_slice(&hex(
        "01  15 00 01 00 00 00 00 01 01 00 00 01 41 01 00 04 00 15 a0 00 00",
    ));
    b.extend_from_slice(&hex(
        "01 00  0a 00 01 00 ff ff ff ff 00 00 00 00 58 00 00 00 02 00 00 00 01 01 42",
    ));
    assert_eq!(b.len(), 84);
    let crc = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC).checksum(&b);
    b.extend_from_slice(&crc.to_le_bytes());
    b.extend_from_slice(b"AB");

    let p = Package::parse(&b).unwrap();
    assert!(p.header_checksum_ok());
    assert_eq!(p.payload_checksum_ok(), None);
    assert_eq!(p.header.header_size, 0x58);
    assert_eq!(p.downstream_count(), None);
    let d: Vec<_> = p.devices().collect();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].version.bytes, b"A");
    assert_eq!(d[0].applicable().collect::<Vec<_>>(), [0]);
    let (_, desc) = d[0].descriptors.iter().next().unwrap();
    assert_eq!(desc.data, &[0x15, 0xa0, 0, 0]);
    let c: Vec<_> = p.components().collect();
    assert_eq!(c[0].offset, 61);
    assert_eq!(p.component_image(&c[0]), Some(&b"AB"[..]));

    // Our encoder produces exactly these bytes.
    let enc = PackageSpec {
        format_revision: 1,
        release_date_time: Timestamp104::default(),
        package_version: VersionString::ascii("1"),
        devices: vec![DeviceSpec {
            applicable_components: vec![0],
            version: VersionString::ascii("A"),
            descriptors: vec![Descriptor {
                descriptor_type: DescriptorType::IanaEnterpriseId,
                data: &[0x15, 0xa0, 0, 0],
            }],
            ..Default::default()
        }],
        downstream_devices: vec![],
        components: vec![ComponentSpec {
            classification: 0x000A,
            identifier: 1,
            comparison_stamp: 0xFFFF_FFFF,
            version: VersionString::ascii("B"),
            image: b"AB",
            ..Default::default()
        }],
    }
    .encode();
    assert_eq!(enc, b);

    // A flipped byte is reported, not rejected.
    let mut bad = b.clone();
    bad[36] = b'2';
    let p = Package::parse(&bad).unwrap();
    assert!(!p.header_checksum_ok());
}

#[test]
fn package_cross_checked_with_pldm_fw_parser() {
    for rev in [1u8, 2] {
        let bytes = spec(rev, &[0x11; 40], &[0x22; 7]).encode();
        let path = std::env::temp_dir().join(std::format!(
            "mctpkit-pldm-fw-{}-{rev}.pkg",
            std::process::id()
        ));
        std::fs::write(&path, &bytes).unwrap();
        let f = std::fs::File::open(&path).unwrap();
        let theirs = pldm_fw::pkg::Package::parse(f).unwrap();
        let _ = std::fs::remove_file(&path);
        assert_eq!(theirs.version.to_string(), "pkg-1.0");
        assert_eq!(theirs.devices.len(), 1);
        assert_eq!(theirs.devices[0].version.to_string(), "set-2");
        assert_eq!(theirs.devices[0].option_flags, 1);
        assert_eq!(theirs.devices[0].components.as_index_vec(), [0, 1]);
        assert_eq!(
            theirs.devices[0].ids.ids,
            [
                pldm_fw::Descriptor::PciVid(0x8086),
                pldm_fw::Descriptor::PciDid(0x1234)
            ]
        );
        let ours = Package::parse(&bytes).unwrap();
        for (t, o) in theirs.components.iter().zip(ours.components()) {
            assert_eq!(t.identifier, o.identifier);
            assert_eq!(t.comparison_stamp, o.comparison_stamp);
            assert_eq!(t.options, o.options);
            assert_eq!(t.file_offset, o.location_offset as usize);
            assert_eq!(t.file_size, o.size as usize);
            assert_eq!(t.version.to_string(), o.version.to_string());
        }
        assert_eq!(ours.components().count(), 2);
    }
}

#[test]
fn package_1_2_and_1_3_features() {
    let mut s = spec(4, b"image-zero", b"one");
    s.devices[0].package_data = b"pd";
    s.devices[0].reference_manifest_data = b"manifest";
    s.components[0].opaque_data = b"opaque";
    s.downstream_devices = vec![DeviceSpec {
        device_update_option_flags: 1,
        applicable_components: vec![1],
        version: VersionString::ascii("min-1"),
        min_version_comparison_stamp: 0x42,
        descriptors: vec![Descriptor {
            descriptor_type: DescriptorType::Uuid,
            data: &[7; 16],
        }],
        ..Default::default()
    }];
    let bytes = s.encode();
    assert_eq!(&bytes[..16], &package::UUID_1_3);
    let p = Package::parse(&bytes).unwrap();
    assert!(p.identifier_matches_revision());
    assert!(p.header_checksum_ok());
    assert_eq!(p.payload_checksum_ok(), Some(true));
    let d = p.devices().next().unwrap();
    assert_eq!(
        (d.package_data, d.reference_manifest_data),
        (&b"pd"[..], &b"manifest"[..])
    );
    let dd = p.downstream_devices().next().unwrap();
    assert_eq!(
        dd.self_contained_activation_min_version_comparison_stamp,
        Some(0x42)
    );
    assert_eq!(dd.applicable().collect::<Vec<_>>(), [1]);
    let c: Vec<_> = p.components().collect();
    assert_eq!(c[0].opaque_data, Some(&b"opaque"[..]));
    assert_eq!(p.component_image(&c[1]), Some(&b"one"[..]));
    // Corrupt the payload: header still fine, payload checksum BAD.
    let mut bad = bytes.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    let p = Package::parse(&bad).unwrap();
    assert!(p.header_checksum_ok());
    assert_eq!(p.payload_checksum_ok(), Some(false));
    // Format 1.2: opaque data, no manifest, no payload checksum.
    let p3 = spec(3, b"x", b"y").encode();
    let p = Package::parse(&p3).unwrap();
    assert_eq!(&p3[..16], &package::UUID_1_2);
    assert_eq!(p.payload_checksum_ok(), None);
    assert_eq!(p.components().next().unwrap().opaque_data, Some(&[][..]));
}

#[test]
fn package_truncations_are_errors() {
    let bytes = spec(2, &[1; 5], &[2; 5]).encode();
    let hs = u16::from_le_bytes([bytes[17], bytes[18]]) as usize;
    for n in 0..hs {
        assert!(Package::parse(&bytes[..n]).is_err(), "prefix {n}");
    }
    // Images beyond the file end are reported by component_image.
    let p = Package::parse(&bytes[..hs + 2]).unwrap();
    let c: Vec<_> = p.components().collect();
    assert_eq!(p.component_image(&c[0]), None);
}

/// The sample under samples/ is exactly what the generator produces.
#[test]
fn sample_package_is_generated() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples/pldm-fw-package-1.3.bin");
    let want = sample_package();
    if let Ok(have) = std::fs::read(&path) {
        assert_eq!(have, want, "regenerate with MCTPKIT_WRITE_SAMPLES=1");
    }
    if std::env::var_os("MCTPKIT_WRITE_SAMPLES").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let p = Package::parse(&want).unwrap();
    assert!(p.header_checksum_ok() && p.payload_checksum_ok() == Some(true));
}

/// A small 1.3 package for the README: one device, two components.
pub(crate) fn sample_package() -> Vec<u8> {
    let mut s = spec(4, b"EXAMPLE FIRMWARE IMAGE 0\n", b"EXAMPLE CONFIG 1\n");
    s.devices[0].descriptors.push(Descriptor {
        descriptor_type: DescriptorType::VendorDefined,
        data: &[0x01, 0x05, b'b', b'o', b'a', b'r', b'd', 0x00, 0x02],
    });
    s.encode()
}

// --- proptest ----------------------------------------------------------------

const COMMANDS: [u8; 22] = [
    0x01, 0x02, 0x03, 0x04, 0x05, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a,
    0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20,
];

proptest! {
    /// For every command and direction, decoding then encoding reproduces
    /// the bytes the decoder used (so `parse(emit(x)) == x` for every Repr).
    #[test]
    fn decode_encode_identity(ci in 0usize..22, rq: bool, data in proptest::collection::vec(any::<u8>(), 0..80)) {
        let cmd = COMMANDS[ci];
        let h = if rq {
            Header::request(PldmType::FirmwareUpdate, cmd, 1)
        } else {
            Header::response(PldmType::FirmwareUpdate, cmd, 1, 0)
        };
        if let Some(Ok((b, used))) = Body::parse(&h, &data) {
            prop_assert_eq!(b.buffer_len(), used);
            let mut out = vec![0u8; used];
            prop_assert_eq!(b.emit_bytes(&mut out).unwrap(), used);
            prop_assert_eq!(&out[..], &data[..used]);
            let (b2, used2) = Body::parse(&h, &out).unwrap().unwrap();
            prop_assert_eq!(b2, b);
            prop_assert_eq!(used2, used);
            let mut s = String::new();
            b.summary(&mut s).unwrap();
            let _ = fields(&b);
            // Every strict prefix of a fixed body is an error, never a panic.
            for n in 0..used {
                let _ = Body::parse(&h, &out[..n]);
            }
        }
    }

    #[test]
    fn request_update_round_trip(mts: u32, n: u16, o: u8, pdl: u16, st: u8, v in proptest::collection::vec(any::<u8>(), 0..40), iid in 0u8..32) {
        let r = RequestUpdateRequest {
            maximum_transfer_size: mts,
            number_of_components: n,
            maximum_outstanding_transfer_requests: o,
            package_data_length: pdl,
            component_image_set_version: VersionString { string_type: st.into(), bytes: &v },
        };
        let m = builder::request_update_request(iid, r);
        let bytes = m.to_vec();
        prop_assert_eq!(FwMessage::parse(&bytes).unwrap(), m);
    }

    #[test]
    fn get_status_round_trip(a: u8, b: u8, c: u8, d: u8, e: u8, f: u8, g: u32) {
        let r = GetStatusResponse { current_state: a, previous_state: b, aux_state: c, aux_state_status: d, progress_percent: e, reason_code: f, update_option_flags_enabled: g };
        let m = builder::get_status_response(3, r);
        let bytes = m.to_vec();
        prop_assert_eq!(FwMessage::parse(&bytes).unwrap(), m);
    }

    #[test]
    fn garbage_never_panics(data in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = FwMessage::parse(&data);
        if let Ok(p) = Package::parse(&data) {
            let _ = p.devices().count() + p.downstream_devices().count() + p.components().count();
        }
    }

    #[test]
    fn package_round_trip(rev in 1u8..=4, img0 in proptest::collection::vec(any::<u8>(), 0..64), img1 in proptest::collection::vec(any::<u8>(), 0..64), stamp: u32, flags: u32) {
        let mut s = spec(rev, &img0, &img1);
        s.components[0].comparison_stamp = stamp;
        s.devices[0].device_update_option_flags = flags;
        let bytes = s.encode();
        let p = Package::parse(&bytes).unwrap();
        prop_assert!(p.header_checksum_ok());
        prop_assert_eq!(p.payload_checksum_ok(), if rev >= 4 { Some(true) } else { None });
        let c: Vec<_> = p.components().collect();
        prop_assert_eq!(c[0].comparison_stamp, stamp);
        prop_assert_eq!(p.component_image(&c[0]), Some(&img0[..]));
        prop_assert_eq!(p.component_image(&c[1]), Some(&img1[..]));
        prop_assert_eq!(p.devices().next().unwrap().device_update_option_flags, flags);
    }
}
