//! Tests for the control command bodies and the builder.
//!
//! Fixtures are whole control messages starting at the type byte, hand
//! computed from the layouts in each command file (and the reference's
//! worked examples where there are some).

extern crate std;

use std::string::{String, ToString};
use std::vec;
use std::vec::Vec;

use proptest::prelude::*;

use super::builder::{self, ControlBuilder};
use super::*;
use crate::describe::{Field, Group, Visitor};
use crate::error::ErrorKind;
use crate::mctp::MessageType;

const UUID: [u8; 16] = [
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
];

fn parse(b: &[u8]) -> Message<'_> {
    Message::parse(b).expect("header decodes")
}

fn req_of<'a>(m: &Message<'a>) -> Request<'a> {
    match m.body {
        Body::Request { request, trailing } => {
            assert!(trailing.is_empty(), "unexpected trailing {trailing:?}");
            request
        }
        other => panic!("expected a request body, got {other:?}"),
    }
}

fn rsp_of<'a>(m: &Message<'a>) -> Response<'a> {
    match m.body {
        Body::Response { response, trailing } => {
            assert!(trailing.is_empty(), "unexpected trailing {trailing:?}");
            response
        }
        other => panic!("expected a response body, got {other:?}"),
    }
}

/// Decode → encode gives the same bytes back.
fn reencodes(b: &[u8]) {
    let m = parse(b);
    let mut out = vec![0u8; m.buffer_len()];
    let n = m.emit_bytes(&mut out).unwrap();
    assert_eq!(&out[..n], b, "re-encode of {m:?}");
}

/// Encode → decode gives the same message back (reserved bits are sent
/// as zero, so the bytes of arbitrary input may differ there).
fn stable(m: &Message<'_>) {
    let mut out = vec![0u8; m.buffer_len()];
    let n = m.emit_bytes(&mut out).unwrap();
    assert_eq!(n, m.buffer_len());
    let again = Message::parse(&out[..n]).unwrap();
    assert_eq!(&again, m);
}

fn built<B: EmitBody>(b: ControlBuilder<B>) -> Vec<u8> {
    let mut buf = [0u8; 128];
    let n = b.build(&mut buf).unwrap();
    buf[..n].to_vec()
}

/// Collects describe output as `name=value (meaning)` lines and group markers.
#[derive(Default)]
struct Collect(Vec<String>);

impl Visitor for Collect {
    fn field(&mut self, f: &Field<'_>) {
        let mut s = std::format!("{}={}", f.name, f.value);
        if let Some(m) = f.meaning {
            s.push_str(&std::format!(" ({m})"));
        }
        s.push_str(&std::format!(" @{}+{}", f.offset, f.len));
        self.0.push(s);
    }
    fn begin(&mut self, name: &'static str, group: Group, offset: usize, len: usize) {
        self.0
            .push(std::format!("begin {name} {group:?} @{offset}+{len}"));
    }
    fn end(&mut self) {
        self.0.push("end".into());
    }
}

fn fields(m: &Message<'_>) -> Vec<String> {
    let mut c = Collect::default();
    crate::Describe::describe(m, &mut c);
    c.0
}

fn summary(m: &Message<'_>) -> String {
    let mut s = String::new();
    crate::Describe::summary(m, &mut s).unwrap();
    s
}

fn has(fields: &[String], prefix: &str) -> bool {
    fields.iter().any(|f| f.starts_with(prefix))
}

// ---------------------------------------------------------------- 0x01

#[test]
fn set_endpoint_id_request_fixture() {
    // bindings.md §2.2: control request, instance 0x11, Set EID op 0, EID 0x1D.
    let b = [0x00, 0x91, 0x01, 0x00, 0x1d];
    let m = parse(&b);
    assert_eq!(m.header.instance_id, 0x11);
    let want = SetEndpointIdRequest {
        operation: SetEidOperation::SetEid,
        eid: 0x1d,
    };
    assert_eq!(req_of(&m), Request::SetEndpointId(want));
    assert_eq!(
        built(builder::set_endpoint_id_request(
            0x11,
            SetEidOperation::SetEid,
            0x1d
        )),
        b
    );
    reencodes(&b);
    let f = fields(&m);
    assert!(has(&f, "operation=0x00 (Set EID) @3+1"), "{f:?}");
    assert!(has(&f, "eid=0x1d @4+1"), "{f:?}");
}

#[test]
fn set_endpoint_id_response_fixture() {
    // bindings.md §2.2: instance 26, SUCCESS, accepted / no pool, EID 0x43, pool 0.
    let b = [0x00, 0x1a, 0x01, 0x00, 0x00, 0x43, 0x00];
    let m = parse(&b);
    let want = SetEndpointIdResponse {
        eid_assignment_status: EidAssignmentStatus::Accepted,
        eid_allocation_status: EidAllocationStatus::NoPool,
        eid_setting: 0x43,
        eid_pool_size: 0,
    };
    assert_eq!(rsp_of(&m), Response::SetEndpointId(want));
    assert_eq!(
        built(builder::set_endpoint_id_response(
            26,
            EidAssignmentStatus::Accepted,
            EidAllocationStatus::NoPool,
            0x43,
            0
        )),
        b
    );
    // Rejected, pool required, pool of 8.
    let b = [0x00, 0x00, 0x01, 0x00, 0x11, 0x20, 0x08];
    match rsp_of(&parse(&b)) {
        Response::SetEndpointId(r) => {
            assert_eq!(r.eid_assignment_status, EidAssignmentStatus::Rejected);
            assert_eq!(r.eid_allocation_status, EidAllocationStatus::PoolRequired);
            assert_eq!(r.eid_pool_size, 8);
        }
        other => panic!("{other:?}"),
    }
    reencodes(&b);
}

#[test]
fn set_endpoint_id_invalid_eids_decode_with_meaning() {
    for eid in [0x00u8, 0x01, 0x07, 0xff] {
        let b = [0x00, 0x80, 0x01, 0x01, eid];
        let m = parse(&b);
        match req_of(&m) {
            Request::SetEndpointId(r) => {
                assert_eq!(r.eid, eid);
                assert_eq!(r.operation, SetEidOperation::ForceEid);
            }
            other => panic!("{other:?}"),
        }
        let f = fields(&m);
        assert!(
            f.iter()
                .any(|l| l.starts_with("eid=") && l.contains("invalid for Set EID")),
            "{f:?}"
        );
        assert!(summary(&m).contains("invalid for Set EID"));
    }
    // A valid one carries no such note.
    let m = parse(&[0x00, 0x80, 0x01, 0x00, 0x08]);
    assert!(!summary(&m).contains("invalid"));
    // Reserved bits of the operation byte are ignored.
    match req_of(&parse(&[0x00, 0x80, 0x01, 0xfe, 0x10])) {
        Request::SetEndpointId(r) => assert_eq!(r.operation, SetEidOperation::ResetEid),
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------- 0x02

#[test]
fn get_endpoint_id_fixtures() {
    let b = [0x00, 0x83, 0x02];
    let m = parse(&b);
    assert_eq!(m.body, Body::Empty);
    assert_eq!(built(builder::get_endpoint_id_request(3)), b);
    assert_eq!(
        built(ControlBuilder::request(Command::GetEndpointId).instance_id(3)),
        b
    );

    // libmctp's answer: EID 0x0a, simple endpoint, static EID supported, medium 0.
    let b = [0x00, 0x03, 0x02, 0x00, 0x0a, 0x01, 0x00];
    let m = parse(&b);
    let want = GetEndpointIdResponse {
        eid: 0x0a,
        endpoint_type: EndpointType::SimpleEndpoint,
        eid_type: EidType::StaticSupported,
        medium_specific_information: 0,
    };
    assert_eq!(rsp_of(&m), Response::GetEndpointId(want));
    assert_eq!(
        built(builder::get_endpoint_id_response(
            3,
            0x0a,
            EndpointType::SimpleEndpoint,
            EidType::StaticSupported,
            0
        )),
        b
    );
    // mctpd as bus owner: endpoint type 1, EID type 2.
    let b = [0x00, 0x00, 0x02, 0x00, 0x08, 0x12, 0x00];
    match rsp_of(&parse(&b)) {
        Response::GetEndpointId(r) => {
            assert_eq!(r.endpoint_type, EndpointType::BusOwnerBridge);
            assert_eq!(r.eid_type, EidType::StaticMatches);
        }
        other => panic!("{other:?}"),
    }
    reencodes(&b);
}

// ---------------------------------------------------------------- 0x03 / 0x0E

#[test]
fn uuid_fixtures() {
    let m = parse(&[0x00, 0x80, 0x03]);
    assert_eq!(m.body, Body::Empty);
    let mut b = vec![0x00, 0x00, 0x03, 0x00];
    b.extend_from_slice(&UUID);
    let m = parse(&b);
    assert_eq!(
        rsp_of(&m),
        Response::GetEndpointUuid(GetEndpointUuidResponse { uuid: UUID })
    );
    assert!(summary(&m).ends_with("/ 00010203-0405-0607-0809-0a0b0c0d0e0f"));
    assert!(fields(&m).contains(&"uuid=00010203-0405-0607-0809-0a0b0c0d0e0f @4+16".into()));
    assert_eq!(built(builder::get_endpoint_uuid_response(0, UUID)), b);

    let m = parse(&[0x00, 0x80, 0x0e]);
    assert_eq!(m.body, Body::Empty);
    assert_eq!(
        built(builder::get_network_id_request(0)),
        [0x00, 0x80, 0x0e]
    );
    b[2] = 0x0e;
    let m = parse(&b);
    assert_eq!(
        rsp_of(&m),
        Response::GetNetworkId(GetNetworkIdResponse { uuid: UUID })
    );
    assert!(has(&fields(&m), "network_id=00010203-"));
    assert_eq!(built(builder::get_network_id_response(0, UUID)), b);
}

// ---------------------------------------------------------------- 0x04

#[test]
fn version_support_fixtures() {
    let b = [0x00, 0x80, 0x04, 0xff];
    let m = parse(&b);
    assert_eq!(
        req_of(&m),
        Request::GetMctpVersionSupport(GetMctpVersionSupportRequest {
            message_type_number: 0xff
        })
    );
    assert!(has(
        &fields(&m),
        "message_type_number=0xff (MCTP base specification)"
    ));
    assert_eq!(built(builder::get_mctp_version_support_request(0, 0xff)), b);

    // libmctp's four entries: 1.0, 1.1, 1.2, 1.3.3.
    let b = [
        0x00, 0x00, 0x04, 0x00, 0x04, 0xf1, 0xf0, 0xff, 0x00, 0xf1, 0xf1, 0xff, 0x00, 0xf1, 0xf2,
        0xff, 0x00, 0xf1, 0xf3, 0xf3, 0x00,
    ];
    let m = parse(&b);
    let Response::GetMctpVersionSupport(r) = rsp_of(&m) else {
        panic!()
    };
    let v: Vec<String> = r
        .version_number_entries
        .iter()
        .map(|e| e.to_string())
        .collect();
    assert_eq!(v, ["1.0", "1.1", "1.2", "1.3.3"]);
    assert!(summary(&m).ends_with("/ versions 1.0, 1.1, 1.2, 1.3.3"));
    let f = fields(&m);
    assert!(
        f.contains(&"version_number_entry_count=4 @4+1".into()),
        "{f:?}"
    );
    assert!(
        f.contains(&"begin version_number_entries List @5+16".into()),
        "{f:?}"
    );
    assert!(f.contains(&"begin  ListItem @17+4".into()), "{f:?}");
    assert!(f.contains(&"update=0xf3 @19+1".into()), "{f:?}");
    assert!(f.contains(&"version=1.3.3 @0+0".into()), "{f:?}");
    let versions = [
        VersionEntry::new(1, 0, None, 0),
        VersionEntry::new(1, 1, None, 0),
        VersionEntry::new(1, 2, None, 0),
        VersionEntry::new(1, 3, Some(3), 0),
    ];
    assert_eq!(
        built(builder::get_mctp_version_support_response(0, &versions)),
        b
    );
    reencodes(&b);

    // 1.3.1 is F1 F3 F1 00 — a byte string, not an integer.
    assert_eq!(
        VersionEntry::new(1, 3, Some(1), 0).to_bytes(),
        [0xf1, 0xf3, 0xf1, 0x00]
    );
    assert_eq!(VersionEntry::new(1, 3, Some(1), 0).to_string(), "1.3.1");
    assert_eq!(VersionEntry::new(1, 12, None, b'a').to_string(), "1.12a");
}

#[test]
fn version_support_cc_0x80_has_no_count_byte() {
    let b = [0x00, 0x00, 0x04, 0x80];
    let m = parse(&b);
    assert_eq!(m.body, Body::Empty);
    assert_eq!(
        m.header.completion_code,
        Some(CompletionCode::from_value(0x80))
    );
    assert_eq!(m.problem(), None);
    assert_eq!(built(builder::get_mctp_version_support_unsupported(0)), b);
}

// ---------------------------------------------------------------- 0x05

#[test]
fn message_type_support_fixtures() {
    assert_eq!(parse(&[0x00, 0x80, 0x05]).body, Body::Empty);
    let b = [0x00, 0x03, 0x05, 0x00, 0x02, 0x00, 0x01];
    let m = parse(&b);
    let Response::GetMessageTypeSupport(r) = rsp_of(&m) else {
        panic!()
    };
    let t: Vec<MessageType> = r.types().collect();
    assert_eq!(t, [MessageType::Control, MessageType::Pldm]);
    assert!(summary(&m).ends_with("/ types Control, PLDM"));
    assert!(has(&fields(&m), "message_type=0x01 (PLDM) @6+1"));
    assert_eq!(
        built(builder::get_message_type_support_response(3, &[0x00, 0x01])),
        b
    );
    // QEMU's CXL endpoint.
    reencodes(&[0x00, 0x00, 0x05, 0x00, 0x02, 0x07, 0x08]);
    // Zero types.
    reencodes(&[0x00, 0x00, 0x05, 0x00, 0x00]);
}

// ---------------------------------------------------------------- 0x06

#[test]
fn vendor_defined_support_fixtures() {
    let b = [0x00, 0x80, 0x06, 0x00];
    assert_eq!(
        req_of(&parse(&b)),
        Request::GetVendorDefinedMessageSupport(GetVendorDefinedMessageSupportRequest {
            vendor_id_set_selector: 0
        })
    );
    assert_eq!(
        built(builder::get_vendor_defined_message_support_request(0, 0)),
        b
    );

    let b = [0x00, 0x00, 0x06, 0x00, 0xff, 0x00, 0x80, 0x86, 0x00, 0x01];
    let m = parse(&b);
    let want = GetVendorDefinedMessageSupportResponse {
        vendor_id_set_selector: 0xff,
        vendor_id: VendorId::Pci(0x8086),
        command_set_type: 0x0001,
    };
    assert_eq!(rsp_of(&m), Response::GetVendorDefinedMessageSupport(want));
    assert!(has(&fields(&m), "vendor_id=0x8086 @6+2"));
    assert_eq!(
        built(builder::get_vendor_defined_message_support_response(
            0,
            0xff,
            VendorId::Pci(0x8086),
            1
        )),
        b
    );

    let b = [
        0x00, 0x00, 0x06, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x57, 0x00, 0x02,
    ];
    match rsp_of(&parse(&b)) {
        Response::GetVendorDefinedMessageSupport(r) => {
            assert_eq!(r.vendor_id, VendorId::Iana(343));
            assert_eq!(r.vendor_id_set_selector, 1);
            assert_eq!(r.command_set_type, 2);
        }
        other => panic!("{other:?}"),
    }
    reencodes(&b);

    // Unknown vendor ID format: malformed, raw kept.
    let m = parse(&[0x00, 0x00, 0x06, 0x00, 0x00, 0x02, 0x12, 0x34, 0x00, 0x01]);
    match m.body {
        Body::Malformed { error, raw } => {
            assert!(matches!(
                error.kind,
                ErrorKind::Invalid {
                    field: "vendor_id_format",
                    ..
                }
            ));
            assert_eq!(error.offset, 5);
            assert_eq!(raw.len(), 6);
        }
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------- 0x07

#[test]
fn resolve_endpoint_id_fixtures() {
    let b = [0x00, 0x80, 0x07, 0x0a];
    assert_eq!(
        req_of(&parse(&b)),
        Request::ResolveEndpointId(ResolveEndpointIdRequest { target_eid: 0x0a })
    );
    assert_eq!(built(builder::resolve_endpoint_id_request(0, 0x0a)), b);

    // SMBus: one address byte.
    let b = [0x00, 0x00, 0x07, 0x00, 0x0b, 0x20];
    let m = parse(&b);
    assert_eq!(
        rsp_of(&m),
        Response::ResolveEndpointId(ResolveEndpointIdResponse {
            bridge_eid: 0x0b,
            physical_address: &[0x20]
        })
    );
    assert!(has(&fields(&m), "physical_address=20 @5+1"));
    assert_eq!(
        built(builder::resolve_endpoint_id_response(0, 0x0b, &[0x20])),
        b
    );
    // PCIe: two bytes (BDF); all remaining bytes are the address.
    reencodes(&[0x00, 0x00, 0x07, 0x00, 0x0b, 0x01, 0x08]);
}

// ---------------------------------------------------------------- 0x08

#[test]
fn allocate_endpoint_ids_fixtures() {
    let b = [0x00, 0x80, 0x08, 0x00, 0x0a, 0x10];
    let want = AllocateEndpointIdsRequest {
        operation: AllocateEidsOperation::AllocateEids,
        eid_pool_size: 10,
        starting_eid: 0x10,
    };
    assert_eq!(req_of(&parse(&b)), Request::AllocateEndpointIds(want));
    assert_eq!(
        built(builder::allocate_endpoint_ids_request(
            0,
            AllocateEidsOperation::AllocateEids,
            10,
            0x10
        )),
        b
    );
    let b = [0x00, 0x00, 0x08, 0x00, 0x01, 0x0a, 0x10];
    let want = AllocateEndpointIdsResponse {
        allocation_status: AllocationStatus::Rejected,
        eid_pool_size: 10,
        first_eid: 0x10,
    };
    assert_eq!(rsp_of(&parse(&b)), Response::AllocateEndpointIds(want));
    assert_eq!(
        built(builder::allocate_endpoint_ids_response(
            0,
            AllocationStatus::Rejected,
            10,
            0x10
        )),
        b
    );
}

// ---------------------------------------------------------------- 0x09

#[test]
fn routing_information_update_fixtures() {
    // Two SMBus entries (1-byte addresses).
    let b = [
        0x00, 0x80, 0x09, 0x02, 0x00, 0x01, 0x0a, 0x20, 0x03, 0x05, 0x10, 0x22,
    ];
    let m = parse(&b);
    let Request::RoutingInformationUpdate(r) = req_of(&m) else {
        panic!()
    };
    let e: Vec<RoutingInfoUpdateEntry<'_>> = r.entries.iter().collect();
    assert_eq!(
        e,
        [
            RoutingInfoUpdateEntry {
                entry_type: EntryType::SingleEndpoint,
                eid_range_size: 1,
                first_eid: 0x0a,
                physical_address: &[0x20]
            },
            RoutingInfoUpdateEntry {
                entry_type: EntryType::BridgeRangeExcludingBridge,
                eid_range_size: 5,
                first_eid: 0x10,
                physical_address: &[0x22]
            }
        ]
    );
    let f = fields(&m);
    assert!(
        f.contains(&"begin update_entries List @4+8".into()),
        "{f:?}"
    );
    assert!(f.contains(&"first_eid=0x10 @10+1".into()), "{f:?}");
    assert_eq!(built(builder::routing_information_update_request(0, &e)), b);
    reencodes(&b);
    // Response: completion code only.
    let b = [0x00, 0x00, 0x09, 0x00];
    assert_eq!(parse(&b).body, Body::Empty);
    assert_eq!(built(builder::routing_information_update_response(0)), b);
    // Zero entries.
    reencodes(&[0x00, 0x80, 0x09, 0x00]);
    // Entries that do not split evenly: length mismatch, raw kept.
    let m = parse(&[
        0x00, 0x80, 0x09, 0x02, 0x00, 0x01, 0x0a, 0x20, 0x03, 0x05, 0x10,
    ]);
    match m.body {
        Body::Malformed { error, .. } => {
            assert!(
                matches!(error.kind, ErrorKind::LengthMismatch { .. }),
                "{error:?}"
            )
        }
        other => panic!("{other:?}"),
    }
    // Mixed address lengths cannot be encoded.
    let mixed = [
        e[0],
        RoutingInfoUpdateEntry {
            physical_address: &[1, 2],
            ..e[1]
        },
    ];
    let mut buf = [0u8; 32];
    assert!(Entries::encode(&mixed, &mut buf).is_err());
}

// ---------------------------------------------------------------- 0x0A

#[test]
fn routing_table_entries_reference_example() {
    // mctp-core.md §7.4 (pymctp README): response data ff 01 01 0a 02 00 04 01 00.
    let b = [
        0x00, 0x00, 0x0a, 0x00, 0xff, 0x01, 0x01, 0x0a, 0x02, 0x00, 0x04, 0x01, 0x00,
    ];
    let m = parse(&b);
    let Response::GetRoutingTableEntries(r) = rsp_of(&m) else {
        panic!()
    };
    assert_eq!(r.next_entry_handle, 0xff);
    let e: Vec<RoutingTableEntry<'_>> = r.entries.iter().collect();
    let want = RoutingTableEntry {
        eid_range_size: 1,
        starting_eid: 0x0a,
        entry_type: EntryType::SingleEndpoint,
        static_entry: false,
        port_number: 2,
        physical_transport_binding_id: BindingId::Unspecified,
        physical_media_type_id: 0x04,
        physical_address: &[0x00],
    };
    assert_eq!(e, [want]);
    let f = fields(&m);
    assert!(
        f.contains(&"next_entry_handle=0xff (no more entries) @4+1".into()),
        "{f:?}"
    );
    assert!(f.contains(&"number_of_entries=1 @5+1".into()), "{f:?}");
    assert!(f.contains(&"begin entries List @6+7".into()), "{f:?}");
    assert!(f.contains(&"port_number=2 @8+1".into()), "{f:?}");
    assert!(f.contains(&"physical_address_size=1 @11+1".into()), "{f:?}");
    assert_eq!(
        built(builder::get_routing_table_entries_response(
            0,
            0xff,
            &[want]
        )),
        b
    );
    reencodes(&b);

    let b = [0x00, 0x80, 0x0a, 0x00];
    assert_eq!(
        req_of(&parse(&b)),
        Request::GetRoutingTableEntries(GetRoutingTableEntriesRequest { entry_handle: 0 })
    );
    assert_eq!(built(builder::get_routing_table_entries_request(0, 0)), b);

    // Two entries: a bridge range (static, port 1, SMBus) and a PCIe endpoint.
    let b = [
        0x00, 0x00, 0x0a, 0x00, 0x05, 0x02, // next handle 5, two entries
        0x04, 0x10, 0x61, 0x01, 0x01, 0x01, 0x32, // range 4 from 0x10, type 1, static, port 1
        0x01, 0x20, 0xc3, 0x02, 0x08, 0x02, 0x01, 0x00, // type 3, port 3, PCIe, BDF 0100
    ];
    let Response::GetRoutingTableEntries(r) = rsp_of(&parse(&b)) else {
        panic!()
    };
    let e: Vec<_> = r.entries.iter().collect();
    assert_eq!(e[0].entry_type, EntryType::BridgeRangeIncludingBridge);
    assert!(e[0].static_entry);
    assert_eq!(e[0].physical_transport_binding_id, BindingId::Smbus);
    assert_eq!(e[1].entry_type, EntryType::BridgeRangeExcludingBridge);
    assert_eq!(e[1].port_number, 3);
    assert_eq!(e[1].physical_address, &[0x01, 0x00]);
    reencodes(&b);
}

// ---------------------------------------------------------------- 0x0B–0x0D

#[test]
fn discovery_commands_have_no_data() {
    for (c, req) in [
        (
            Command::PrepareForEndpointDiscovery,
            builder::prepare_for_endpoint_discovery_request(1),
        ),
        (
            Command::EndpointDiscovery,
            builder::endpoint_discovery_request(1),
        ),
        (
            Command::DiscoveryNotify,
            builder::discovery_notify_request(1),
        ),
    ] {
        let b = [0x00, 0x81, c.value()];
        assert_eq!(parse(&b).body, Body::Empty);
        assert_eq!(built(req), b);
        let b = [0x00, 0x01, c.value(), 0x00];
        assert_eq!(parse(&b).body, Body::Empty);
        assert_eq!(built(builder::success_response(1, c)), b);
    }
}

// ---------------------------------------------------------------- 0x0F

#[test]
fn query_hop_fixtures() {
    let b = [0x00, 0x80, 0x0f, 0x0a, 0x01];
    let want = QueryHopRequest {
        target_eid: 0x0a,
        message_type: MessageType::Pldm,
    };
    assert_eq!(req_of(&parse(&b)), Request::QueryHop(want));
    assert_eq!(
        built(builder::query_hop_request(0, 0x0a, MessageType::Pldm)),
        b
    );
    let b = [0x00, 0x00, 0x0f, 0x00, 0x00, 0x01, 0x00, 0x40, 0x01, 0x00];
    let m = parse(&b);
    let want = QueryHopResponse {
        next_bridge_eid: 0,
        message_type: MessageType::Pldm,
        max_incoming_transmission_unit_size: 64,
        max_outgoing_transmission_unit_size: 256,
    };
    assert_eq!(rsp_of(&m), Response::QueryHop(want));
    assert!(has(
        &fields(&m),
        "next_bridge_eid=0x00 (target is on this bus)"
    ));
    assert!(has(
        &fields(&m),
        "max_outgoing_transmission_unit_size=256 @8+2"
    ));
    assert_eq!(built(builder::query_hop_response(0, want)), b);
}

// ---------------------------------------------------------------- 0x10

#[test]
fn resolve_uuid_fixtures() {
    let mut b = vec![0x00, 0x80, 0x10];
    b.extend_from_slice(&UUID);
    b.push(0x00);
    let m = parse(&b);
    let want = ResolveUuidRequest {
        requested_uuid: UUID,
        entry_handle: Some(0),
    };
    assert_eq!(req_of(&m), Request::ResolveUuid(want));
    assert!(has(
        &fields(&m),
        "requested_uuid=00010203-0405-0607-0809-0a0b0c0d0e0f @3+16"
    ));
    assert_eq!(built(builder::resolve_uuid_request(0, UUID, 0)), b);
    // pymctp sends the UUID alone.
    b.pop();
    let m = parse(&b);
    assert_eq!(
        req_of(&m),
        Request::ResolveUuid(ResolveUuidRequest {
            requested_uuid: UUID,
            entry_handle: None
        })
    );
    assert!(has(&fields(&m), "entry_handle=- @0+0"));
    reencodes(&b);

    let b = [0x00, 0x00, 0x10, 0x00, 0xff, 0x02, 0x0a, 0x20, 0x0b, 0x22];
    let m = parse(&b);
    let Response::ResolveUuid(r) = rsp_of(&m) else {
        panic!()
    };
    assert_eq!(r.next_entry_handle, 0xff);
    let e: Vec<_> = r.entries.iter().collect();
    assert_eq!(
        e,
        [
            ResolvedUuidEntry {
                eid: 0x0a,
                physical_address: &[0x20]
            },
            ResolvedUuidEntry {
                eid: 0x0b,
                physical_address: &[0x22]
            }
        ]
    );
    assert_eq!(built(builder::resolve_uuid_response(0, 0xff, &e)), b);
    // Uneven entries (e.g. a 3-byte pymctp-style {EID, bridge EID} reply
    // read as handle/count/entries) are malformed, raw kept.
    match parse(&[0x00, 0x00, 0x10, 0x00, 0x0a, 0x02, 0x0b]).body {
        Body::Malformed { .. } => {}
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------- 0x11–0x13

#[test]
fn rate_limit_fixtures() {
    assert_eq!(parse(&[0x00, 0x80, 0x11]).body, Body::Empty);
    assert_eq!(
        built(builder::query_rate_limit_request(0)),
        [0x00, 0x80, 0x11]
    );
    let mut b = vec![0x00, 0x00, 0x11, 0x00];
    for v in [256u32, 4096, 8192, 256, 64, 32, 2048] {
        b.extend_from_slice(&v.to_be_bytes());
    }
    b.push(0x03);
    let m = parse(&b);
    let want = QueryRateLimitResponse {
        receive_buffer_size: 256,
        max_receive_data_rate_limit: 4096,
        max_supported_transmit_data_rate_limit: 8192,
        min_supported_transmit_data_rate_limit: 256,
        max_supported_burst_size: 64,
        present_burst_setting: 32,
        present_transmit_rate_limit: 2048,
        transmit_rate_limiter_capabilities: 3,
    };
    assert_eq!(rsp_of(&m), Response::QueryRateLimit(want));
    assert!(has(&fields(&m), "present_transmit_rate_limit=2048 @28+4"));
    assert_eq!(built(builder::query_rate_limit_response(0, want)), b);

    let b = [0x00, 0x80, 0x12, 0, 0, 0, 0x40, 0, 0, 0x10, 0];
    let want = RequestTxRateLimitRequest {
        transmit_burst_size: 64,
        transmit_rate_limit: 4096,
    };
    assert_eq!(req_of(&parse(&b)), Request::RequestTxRateLimit(want));
    assert_eq!(
        built(builder::request_tx_rate_limit_request(0, 64, 4096)),
        b
    );
    let b = [0x00, 0x00, 0x12, 0x00, 0, 0, 0, 0x20, 0, 0, 0x08, 0];
    let want = RequestTxRateLimitResponse {
        present_burst_setting: 32,
        present_transmit_rate_limit: 2048,
    };
    assert_eq!(rsp_of(&parse(&b)), Response::RequestTxRateLimit(want));
    assert_eq!(
        built(builder::request_tx_rate_limit_response(0, 32, 2048)),
        b
    );

    let b = [0x00, 0x80, 0x13, 0, 0, 0, 0x40, 0, 0, 0x10, 0];
    let m = parse(&b);
    assert_eq!(
        req_of(&m),
        Request::UpdateRateLimit(UpdateRateLimitRequest {
            transmit_burst_size: 64,
            transmit_rate_limit: 4096
        })
    );
    assert!(has(&fields(&m), "transmit_burst_size=64 @3+4"));
    assert_eq!(built(builder::update_rate_limit_request(0, 64, 4096)), b);
    assert_eq!(parse(&[0x00, 0x00, 0x13, 0x00]).body, Body::Empty);
}

// ---------------------------------------------------------------- 0x14

#[test]
fn supported_interfaces_fixtures() {
    assert_eq!(parse(&[0x00, 0x80, 0x14]).body, Body::Empty);
    assert_eq!(
        built(builder::query_supported_interfaces_request(0)),
        [0x00, 0x80, 0x14]
    );
    let b = [0x00, 0x00, 0x14, 0x00, 0x02, 0x01, 0x0a, 0x06, 0x0b];
    let m = parse(&b);
    let Response::QuerySupportedInterfaces(r) = rsp_of(&m) else {
        panic!()
    };
    let e: Vec<_> = r.interfaces.iter().collect();
    assert_eq!(
        e,
        [
            InterfaceEntry {
                interface_type: 1,
                interface_eid: 0x0a
            },
            InterfaceEntry {
                interface_type: 6,
                interface_eid: 0x0b
            }
        ]
    );
    assert!(fields(&m).contains(&"begin interfaces List @5+4".into()));
    assert_eq!(
        built(builder::query_supported_interfaces_response(0, &e)),
        b
    );
}

// ---------------------------------------------------------------- generic

#[test]
fn unknown_command_and_error_responses() {
    // libmctp's reply to an unknown command: exactly 4 bytes, cc 0x05.
    let b = [0x00, 0x05, 0x30, 0x05];
    let m = parse(&b);
    assert_eq!(m.header.command, Command::Unknown(0x30));
    assert_eq!(
        m.header.completion_code,
        Some(CompletionCode::ErrorUnsupportedCmd)
    );
    assert_eq!(m.body, Body::Empty);
    let h = Header::request(Command::Unknown(0x30), 5);
    assert_eq!(built(builder::unsupported_command_response(&h)), b);
    // Error response for a known command with a data-carrying success layout.
    let m = parse(&[0x00, 0x00, 0x02, 0x05]);
    assert_eq!(m.body, Body::Empty);
    assert_eq!(
        built(builder::error_response(
            0,
            Command::GetEndpointId,
            CompletionCode::ErrorNotReady
        )),
        [0x00, 0x00, 0x02, 0x04]
    );
    // Data after an error code has no defined layout: raw.
    assert_eq!(
        parse(&[0x00, 0x00, 0x02, 0x01, 0xaa]).body,
        Body::Raw(&[0xaa])
    );
    // Unassigned command code with data: raw.
    assert_eq!(
        parse(&[0x00, 0x80, 0x30, 0x01, 0x02]).body,
        Body::Raw(&[0x01, 0x02])
    );
    assert_eq!(parse(&[0x00, 0x80, 0x00]).body, Body::Empty);
}

#[test]
fn transport_specific_commands_are_raw() {
    for c in 0xf0..=0xffu8 {
        let b = [0x00, 0x80, c, 0x01, 0x02, 0x03];
        let m = parse(&b);
        assert_eq!(m.body, Body::TransportSpecific(&[0x01, 0x02, 0x03]));
        assert!(summary(&m).contains("Transport Specific"));
        reencodes(&b);
        let b = [0x00, 0x00, c, 0x00, 0xaa];
        assert_eq!(parse(&b).body, Body::TransportSpecific(&[0xaa]));
    }
    assert_eq!(
        built(ControlBuilder::request(Command::from_value(0xf0)).data(&[1, 2])),
        [0x00, 0x80, 0xf0, 1, 2]
    );
}

/// Message fixtures whose body has a fixed or counted size: truncating or
/// extending them must be detected.
const SIZED: &[&[u8]] = &[
    &[0x00, 0x80, 0x01, 0x00, 0x1d],
    &[0x00, 0x00, 0x01, 0x00, 0x00, 0x43, 0x00],
    &[0x00, 0x00, 0x02, 0x00, 0x0a, 0x01, 0x00],
    &[0x00, 0x80, 0x04, 0xff],
    &[0x00, 0x00, 0x04, 0x00, 0x01, 0xf1, 0xf3, 0xf1, 0x00],
    &[0x00, 0x00, 0x05, 0x00, 0x02, 0x00, 0x01],
    &[0x00, 0x80, 0x06, 0x00],
    &[0x00, 0x00, 0x06, 0x00, 0xff, 0x00, 0x80, 0x86, 0x00, 0x01],
    &[
        0x00, 0x00, 0x06, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x57, 0x00, 0x02,
    ],
    &[0x00, 0x80, 0x07, 0x0a],
    &[0x00, 0x80, 0x08, 0x00, 0x0a, 0x10],
    &[0x00, 0x00, 0x08, 0x00, 0x01, 0x0a, 0x10],
    &[0x00, 0x80, 0x0a, 0x00],
    &[
        0x00, 0x00, 0x0a, 0x00, 0xff, 0x01, 0x01, 0x0a, 0x02, 0x00, 0x04, 0x01, 0x00,
    ],
    &[0x00, 0x80, 0x0f, 0x0a, 0x01],
    &[0x00, 0x00, 0x0f, 0x00, 0x00, 0x01, 0x00, 0x40, 0x01, 0x00],
    &[0x00, 0x80, 0x12, 0, 0, 0, 0x40, 0, 0, 0x10, 0],
    &[0x00, 0x00, 0x12, 0x00, 0, 0, 0, 0x20, 0, 0, 0x08, 0],
    &[0x00, 0x80, 0x13, 0, 0, 0, 0x40, 0, 0, 0x10, 0],
    &[0x00, 0x00, 0x14, 0x00, 0x02, 0x01, 0x0a, 0x06, 0x0b],
];

#[test]
fn truncated_bodies_are_malformed() {
    for full in SIZED {
        let hdr = if full[1] & 0x80 != 0 { 3 } else { 4 };
        for cut in hdr..full.len() {
            let b = &full[..cut];
            let m = parse(b);
            match m.body {
                Body::Malformed { error, raw } => {
                    assert!(
                        matches!(error.kind, ErrorKind::Truncated { .. }),
                        "{b:02x?}: {error:?}"
                    );
                    assert_eq!(raw, &b[hdr..]);
                    // The error offset is relative to the type byte.
                    assert!(
                        error.offset >= hdr && error.offset <= full.len(),
                        "{error:?}"
                    );
                    assert_eq!(m.problem(), Some(error));
                }
                other => panic!("{b:02x?} decoded as {other:?}"),
            }
            reencodes(b);
        }
    }
    // A 28-byte Query Rate Limit response is one byte short: offset,
    // needed and available all count from the type byte.
    let mut b = vec![0x00, 0x00, 0x11, 0x00];
    b.extend_from_slice(&[0u8; 28]);
    assert!(matches!(
        parse(&b).body,
        Body::Malformed { error, .. } if error.offset == 32
            && error.kind == ErrorKind::Truncated { needed: 33, available: 32 }
    ));
}

#[test]
fn trailing_bytes_decode_and_are_flagged() {
    for full in SIZED {
        let mut b = full.to_vec();
        b.extend_from_slice(&[0xee, 0xef]);
        let m = parse(&b);
        assert_eq!(m.body.trailing(), &[0xee, 0xef], "{b:02x?}");
        assert!(matches!(
            m.body,
            Body::Request { .. } | Body::Response { .. }
        ));
        let e = m.problem().expect("trailing reported");
        assert_eq!(e.kind, ErrorKind::Trailing { extra: 2 });
        assert_eq!(e.offset, full.len(), "offset from the type byte");
        assert!(summary(&m).ends_with("(+2 trailing bytes)"));
        let f = fields(&m);
        assert!(
            f.contains(&std::format!("trailing=ee ef @{}+2", full.len())),
            "{f:?}"
        );
        // The layer's error, offsets from the type byte like its fields'.
        let err = std::format!(
            "error=control: at offset {}: 2 unexpected trailing bytes",
            full.len()
        );
        assert!(has(&f, &err), "{f:?}");
        reencodes(&b);
    }
    // A no-data command with data: NoData + trailing.
    let m = parse(&[0x00, 0x80, 0x02, 0x99]);
    assert_eq!(
        m.body,
        Body::Request {
            request: Request::NoData,
            trailing: &[0x99]
        }
    );
    reencodes(&[0x00, 0x80, 0x02, 0x99]);
    let m = parse(&[0x00, 0x00, 0x0b, 0x00, 0x99]);
    assert_eq!(
        m.body,
        Body::Response {
            response: Response::NoData,
            trailing: &[0x99]
        }
    );
    // The strict Repr parse reports trailing bytes as an error.
    let e = SetEndpointIdRequest::parse(&[0x00, 0x10, 0x00]).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Trailing { extra: 1 });
    assert_eq!(e.offset, 2);
}

#[test]
fn builder_fluent_api() {
    let b = built(
        ControlBuilder::request(Command::SetEndpointId)
            .instance_id(0x25) // masked to 5 bits
            .datagram(true)
            .body(SetEndpointIdRequest {
                operation: SetEidOperation::SetEid,
                eid: 0x20,
            }),
    );
    assert_eq!(b, [0x00, 0xc5, 0x01, 0x00, 0x20]);
    let h = Header::request(Command::GetEndpointId, 9);
    assert_eq!(
        built(ControlBuilder::reply_to(&h).body(GetEndpointIdResponse {
            eid: 0x20,
            endpoint_type: EndpointType::SimpleEndpoint,
            eid_type: EidType::Dynamic,
            medium_specific_information: 0,
        })),
        [0x00, 0x09, 0x02, 0x00, 0x20, 0x00, 0x00]
    );
    let fb = ControlBuilder::for_body(QueryHopRequest {
        target_eid: 1,
        message_type: MessageType::Spdm,
    });
    assert!(fb.header().rq);
    assert_eq!(fb.header().command, Command::QueryHop);
    // Too-small buffer: error, no panic.
    let mut small = [0u8; 4];
    assert!(matches!(
        fb.build(&mut small).unwrap_err().kind,
        ErrorKind::BufferTooSmall {
            needed: 5,
            available: 4
        }
    ));
    assert_eq!(fb.to_vec(), [0x00, 0x80, 0x0f, 0x01, 0x05]);
    // Decoded bodies are encoders too.
    let m = parse(&[0x00, 0x00, 0x05, 0x00, 0x01, 0x00]);
    let Response::GetMessageTypeSupport(r) = rsp_of(&m) else {
        panic!()
    };
    assert_eq!(
        built(ControlBuilder::response(Command::GetMessageTypeSupport).body(r)),
        [0x00, 0x00, 0x05, 0x00, 0x01, 0x00]
    );
}

#[test]
fn garbage_never_panics() {
    // Every command, both directions, every length 0..40 of a fixed pattern.
    for cmd in 0..=0xffu8 {
        for rq in [0x80u8, 0x00] {
            for len in 0..40usize {
                let mut b = vec![0x00, rq, cmd];
                if rq == 0 {
                    b.push(0x00);
                }
                b.extend((0..len).map(|i| (i as u8).wrapping_mul(37).wrapping_add(cmd)));
                let m = parse(&b);
                let _ = summary(&m);
                let _ = fields(&m);
                stable(&m);
            }
        }
    }
}

// ---------------------------------------------------------------- proptest

fn round_trip<'a, T: ControlBody<'a> + PartialEq + core::fmt::Debug>(x: &T, buf: &'a mut [u8]) {
    let n = x.emit_bytes(buf).unwrap();
    assert_eq!(n, x.buffer_len());
    let y = T::parse(&buf[..n]).unwrap();
    assert_eq!(&y, x);
}

fn eid_ty() -> impl Strategy<Value = u8> {
    any::<u8>()
}

fn set_op() -> impl Strategy<Value = SetEidOperation> {
    (0u8..4).prop_map(SetEidOperation::from_value)
}

fn entry_type() -> impl Strategy<Value = EntryType> {
    (0u8..4).prop_map(EntryType::from_value)
}

proptest! {
    #[test]
    fn prop_set_endpoint_id(op in set_op(), eid in eid_ty(), a in 0u8..4, l in 0u8..4, s in any::<u8>(), p in any::<u8>()) {
        let mut buf = [0u8; 8];
        round_trip(&SetEndpointIdRequest { operation: op, eid }, &mut buf);
        let mut buf = [0u8; 8];
        round_trip(&SetEndpointIdResponse {
            eid_assignment_status: EidAssignmentStatus::from_value(a),
            eid_allocation_status: EidAllocationStatus::from_value(l),
            eid_setting: s,
            eid_pool_size: p,
        }, &mut buf);
    }

    #[test]
    fn prop_get_endpoint_id(eid in any::<u8>(), t in 0u8..4, e in 0u8..4, m in any::<u8>()) {
        let mut buf = [0u8; 8];
        round_trip(&GetEndpointIdResponse {
            eid,
            endpoint_type: EndpointType::from_value(t),
            eid_type: EidType::from_value(e),
            medium_specific_information: m,
        }, &mut buf);
    }

    #[test]
    fn prop_uuids(u in any::<[u8; 16]>()) {
        let mut buf = [0u8; 16];
        round_trip(&GetEndpointUuidResponse { uuid: u }, &mut buf);
        let mut buf = [0u8; 16];
        round_trip(&GetNetworkIdResponse { uuid: u }, &mut buf);
        let mut buf = [0u8; 17];
        round_trip(&ResolveUuidRequest { requested_uuid: u, entry_handle: Some(u[0]) }, &mut buf);
        let mut buf = [0u8; 17];
        round_trip(&ResolveUuidRequest { requested_uuid: u, entry_handle: None }, &mut buf);
    }

    #[test]
    fn prop_single_byte_requests(x in any::<u8>()) {
        let mut buf = [0u8; 1];
        round_trip(&GetMctpVersionSupportRequest { message_type_number: x }, &mut buf);
        let mut buf = [0u8; 1];
        round_trip(&GetVendorDefinedMessageSupportRequest { vendor_id_set_selector: x }, &mut buf);
        let mut buf = [0u8; 1];
        round_trip(&ResolveEndpointIdRequest { target_eid: x }, &mut buf);
        let mut buf = [0u8; 1];
        round_trip(&GetRoutingTableEntriesRequest { entry_handle: x }, &mut buf);
    }

    #[test]
    fn prop_versions(v in proptest::collection::vec(any::<[u8; 4]>(), 0..20)) {
        let items: Vec<VersionEntry> = v.iter().map(|b| VersionEntry { major: b[0], minor: b[1], update: b[2], alpha: b[3] }).collect();
        let mut ebuf = [0u8; 128];
        let entries = Entries::encode(&items, &mut ebuf).unwrap();
        prop_assert_eq!(entries.iter().collect::<Vec<_>>(), items.clone());
        let mut buf = [0u8; 128];
        round_trip(&GetMctpVersionSupportResponse { version_number_entries: entries }, &mut buf);
        for e in &items {
            let _ = e.to_string();
        }
    }

    #[test]
    fn prop_message_types(v in proptest::collection::vec(any::<u8>(), 0..40)) {
        let items: Vec<MessageTypeEntry> = v.iter().map(|&t| MessageTypeEntry { message_type: MessageType::from_value(t) }).collect();
        let mut ebuf = [0u8; 64];
        let entries = Entries::encode(&items, &mut ebuf).unwrap();
        let mut buf = [0u8; 64];
        round_trip(&GetMessageTypeSupportResponse { message_types: entries }, &mut buf);
        // The raw-number encoder agrees with the typed one.
        let a = built(builder::get_message_type_support_response(0, &v));
        let b = built(ControlBuilder::response(Command::GetMessageTypeSupport).body(GetMessageTypeSupportResponse::encoder(&items)));
        prop_assert_eq!(a, b);
    }

    #[test]
    fn prop_vendor_defined(sel in any::<u8>(), iana in any::<bool>(), id in any::<u32>(), cst in any::<u16>()) {
        let vendor_id = if iana { VendorId::Iana(id) } else { VendorId::Pci(id as u16) };
        let mut buf = [0u8; 8];
        round_trip(&GetVendorDefinedMessageSupportResponse { vendor_id_set_selector: sel, vendor_id, command_set_type: cst }, &mut buf);
    }

    #[test]
    fn prop_resolve_endpoint_id(b in any::<u8>(), addr in proptest::collection::vec(any::<u8>(), 0..8)) {
        let mut buf = [0u8; 16];
        round_trip(&ResolveEndpointIdResponse { bridge_eid: b, physical_address: &addr }, &mut buf);
    }

    #[test]
    fn prop_allocate(op in 0u8..4, st in 0u8..4, p in any::<u8>(), e in any::<u8>()) {
        let mut buf = [0u8; 3];
        round_trip(&AllocateEndpointIdsRequest { operation: AllocateEidsOperation::from_value(op), eid_pool_size: p, starting_eid: e }, &mut buf);
        let mut buf = [0u8; 3];
        round_trip(&AllocateEndpointIdsResponse { allocation_status: AllocationStatus::from_value(st), eid_pool_size: p, first_eid: e }, &mut buf);
    }

    #[test]
    fn prop_routing_info_update(
        alen in 0usize..4,
        v in proptest::collection::vec((entry_type(), any::<u8>(), any::<u8>(), any::<[u8; 4]>()), 0..8),
    ) {
        let items: Vec<RoutingInfoUpdateEntry<'_>> = v.iter().map(|(t, s, f, a)| RoutingInfoUpdateEntry {
            entry_type: *t, eid_range_size: *s, first_eid: *f, physical_address: &a[..alen],
        }).collect();
        let mut ebuf = [0u8; 64];
        let entries = Entries::encode(&items, &mut ebuf).unwrap();
        prop_assert_eq!(entries.iter().collect::<Vec<_>>(), items.clone());
        let mut buf = [0u8; 64];
        round_trip(&RoutingInformationUpdateRequest { entries }, &mut buf);
    }

    #[test]
    fn prop_routing_table(
        next in any::<u8>(),
        v in proptest::collection::vec(
            (any::<u8>(), any::<u8>(), entry_type(), any::<bool>(), 0u8..32, any::<u8>(), any::<u8>(), proptest::collection::vec(any::<u8>(), 0..6)),
            0..6),
    ) {
        let items: Vec<RoutingTableEntry<'_>> = v.iter().map(|(s, e, t, st, p, b, m, a)| RoutingTableEntry {
            eid_range_size: *s, starting_eid: *e, entry_type: *t, static_entry: *st, port_number: *p,
            physical_transport_binding_id: BindingId::from_value(*b), physical_media_type_id: *m, physical_address: a,
        }).collect();
        let mut ebuf = [0u8; 128];
        let entries = Entries::encode(&items, &mut ebuf).unwrap();
        prop_assert_eq!(entries.iter().collect::<Vec<_>>(), items.clone());
        let mut buf = [0u8; 128];
        round_trip(&GetRoutingTableEntriesResponse { next_entry_handle: next, entries }, &mut buf);
        let a = built(builder::get_routing_table_entries_response(0, next, &items));
        prop_assert_eq!(&a[4..], &buf[..a.len() - 4]);
    }

    #[test]
    fn prop_query_hop(t in any::<u8>(), m in any::<u8>(), i in any::<u16>(), o in any::<u16>()) {
        let mut buf = [0u8; 2];
        round_trip(&QueryHopRequest { target_eid: t, message_type: MessageType::from_value(m) }, &mut buf);
        let mut buf = [0u8; 6];
        round_trip(&QueryHopResponse {
            next_bridge_eid: t, message_type: MessageType::from_value(m),
            max_incoming_transmission_unit_size: i, max_outgoing_transmission_unit_size: o,
        }, &mut buf);
    }

    #[test]
    fn prop_resolve_uuid_response(
        next in any::<u8>(), alen in 0usize..4,
        v in proptest::collection::vec((any::<u8>(), any::<[u8; 4]>()), 0..8),
    ) {
        let items: Vec<ResolvedUuidEntry<'_>> = v.iter().map(|(e, a)| ResolvedUuidEntry { eid: *e, physical_address: &a[..alen] }).collect();
        let mut ebuf = [0u8; 64];
        let entries = Entries::encode(&items, &mut ebuf).unwrap();
        let mut buf = [0u8; 64];
        round_trip(&ResolveUuidResponse { next_entry_handle: next, entries }, &mut buf);
    }

    #[test]
    fn prop_rate_limits(x in any::<[u32; 7]>(), c in any::<u8>()) {
        let mut buf = [0u8; 29];
        round_trip(&QueryRateLimitResponse {
            receive_buffer_size: x[0], max_receive_data_rate_limit: x[1],
            max_supported_transmit_data_rate_limit: x[2], min_supported_transmit_data_rate_limit: x[3],
            max_supported_burst_size: x[4], present_burst_setting: x[5], present_transmit_rate_limit: x[6],
            transmit_rate_limiter_capabilities: c,
        }, &mut buf);
        let mut buf = [0u8; 8];
        round_trip(&RequestTxRateLimitRequest { transmit_burst_size: x[0], transmit_rate_limit: x[1] }, &mut buf);
        let mut buf = [0u8; 8];
        round_trip(&RequestTxRateLimitResponse { present_burst_setting: x[2], present_transmit_rate_limit: x[3] }, &mut buf);
        let mut buf = [0u8; 8];
        round_trip(&UpdateRateLimitRequest { transmit_burst_size: x[4], transmit_rate_limit: x[5] }, &mut buf);
    }

    #[test]
    fn prop_supported_interfaces(v in proptest::collection::vec(any::<(u8, u8)>(), 0..16)) {
        let items: Vec<InterfaceEntry> = v.iter().map(|&(t, e)| InterfaceEntry { interface_type: t, interface_eid: e }).collect();
        let mut ebuf = [0u8; 64];
        let entries = Entries::encode(&items, &mut ebuf).unwrap();
        let mut buf = [0u8; 64];
        round_trip(&QuerySupportedInterfacesResponse { interfaces: entries }, &mut buf);
    }

    #[test]
    fn prop_arbitrary_messages_never_panic(rq in any::<bool>(), cmd in any::<u8>(), cc in prop_oneof![Just(0u8), any::<u8>()], data in proptest::collection::vec(any::<u8>(), 0..64)) {
        let mut b = vec![0x00, if rq { 0x80 } else { 0x00 }, cmd];
        if !rq { b.push(cc); }
        b.extend_from_slice(&data);
        let m = parse(&b);
        let _ = summary(&m);
        let _ = fields(&m);
        prop_assert_eq!(m.buffer_len(), b.len());
        stable(&m);
    }
}

#[test]
fn uniform_addr_len_errors_name_offsets() {
    use super::common::uniform_addr_len;
    assert_eq!(uniform_addr_len(0, 0, 3, 1), Ok(0));
    assert_eq!(uniform_addr_len(8, 2, 3, 1), Ok(1));
    // 2 entries of at least 3 bytes after a 1-byte count: 7 needed, 6 there.
    let e = uniform_addr_len(5, 2, 3, 1).unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::Truncated {
            needed: 7,
            available: 6
        }
    );
    let e = uniform_addr_len(7, 2, 3, 1).unwrap_err();
    assert_eq!(e.offset, 1);
    assert!(matches!(
        e.kind,
        ErrorKind::LengthMismatch {
            declared: 2,
            actual: 7,
            ..
        }
    ));
}

#[test]
fn counts_that_do_not_fit_a_byte_are_refused_not_wrapped() {
    let mut buf = [0u8; 2048];
    // 256 message types: the count byte would wrap to 0.
    let types = [0x01u8; 256];
    let e = builder::get_message_type_support_response(0, &types)
        .build(&mut buf)
        .unwrap_err();
    assert!(
        matches!(
            e.kind,
            ErrorKind::Oversize {
                max: 255,
                actual: 256
            }
        ),
        "{e:?}"
    );
    assert!(builder::get_message_type_support_response(0, &types[..255])
        .build(&mut buf)
        .is_ok());
    // A routing table entry whose address is longer than its size byte allows.
    let addr = [0u8; 256];
    let entry = RoutingTableEntry {
        eid_range_size: 1,
        starting_eid: 0x10,
        entry_type: EntryType::from_value(0),
        static_entry: false,
        port_number: 0,
        physical_transport_binding_id: BindingId::Smbus,
        physical_media_type_id: 0,
        physical_address: &addr,
    };
    let e = builder::get_routing_table_entries_response(0, 0xff, &[entry])
        .build(&mut buf)
        .unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Oversize { .. }), "{e:?}");
    // 256 entries in a list body.
    let small = RoutingTableEntry {
        physical_address: &addr[..1],
        ..entry
    };
    let many = [small; 256];
    let mut big = [0u8; 4096];
    let e = builder::get_routing_table_entries_response(0, 0xff, &many)
        .build(&mut big)
        .unwrap_err();
    assert!(
        matches!(
            e.kind,
            ErrorKind::Oversize {
                max: 255,
                actual: 256
            }
        ),
        "{e:?}"
    );
    assert!(Entries::<RoutingTableEntry<'_>>::encode(&many, &mut big).is_err());
}
