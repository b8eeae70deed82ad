//! CXL command opcodes (`command set << 8 | command`) and return codes.
//!
//! Names follow the CXL specification's command tables: generic component
//! commands (r3.1 §8.2.9, Table 8-37; sets 00h–07h), memory device commands
//! (§8.2.9.9, Table 8-126; sets 40h–49h) and FM-API commands (§7.6.7,
//! Table 7-19 ff.; sets 51h–59h). The catalogue was taken from
//! `/work/shared/reference/cxl.md` §6 and cross-checked against libcxlmi's
//! `docs/CommandSupport` summary of the CXL 3.2 tables. Opcodes C000h–FFFFh
//! are vendor specific.

use crate::macros::open_enum;

/// Known opcodes and their specification names.
const OPCODES: &[(u16, &str)] = &[
    // 00h Information and Status
    (0x0001, "Identify"),
    (0x0002, "Background Operation Status"),
    (0x0003, "Get Response Message Limit"),
    (0x0004, "Set Response Message Limit"),
    (0x0005, "Request Abort Background Operation"),
    // 01h Events
    (0x0100, "Get Event Records"),
    (0x0101, "Clear Event Records"),
    (0x0102, "Get Event Interrupt Policy"),
    (0x0103, "Set Event Interrupt Policy"),
    (0x0104, "Get MCTP Event Interrupt Policy"),
    (0x0105, "Set MCTP Event Interrupt Policy"),
    (0x0106, "Event Notification"),
    (0x0107, "GFD Enhanced Event Notification"),
    (0x0108, "GFD to GAE Enhanced Event Notification"),
    (0x0109, "Get GAM Buffer"),
    (0x010A, "Set GAM Buffer"),
    // 02h Firmware Update
    (0x0200, "Get FW Info"),
    (0x0201, "Transfer FW"),
    (0x0202, "Activate FW"),
    // 03h Timestamp
    (0x0300, "Get Timestamp"),
    (0x0301, "Set Timestamp"),
    // 04h Logs
    (0x0400, "Get Supported Logs"),
    (0x0401, "Get Log"),
    (0x0402, "Get Log Capabilities"),
    (0x0403, "Clear Log"),
    (0x0404, "Populate Log"),
    (0x0405, "Get Supported Logs Sub-List"),
    // 05h Features
    (0x0500, "Get Supported Features"),
    (0x0501, "Get Feature"),
    (0x0502, "Set Feature"),
    // 06h Maintenance, 07h PBR Components
    (0x0600, "Perform Maintenance"),
    (0x0700, "Identify PBR Component"),
    (0x0701, "Claim Ownership"),
    (0x0702, "Read CDAT"),
    // 40h Identify Memory Device
    (0x4000, "Identify Memory Device"),
    // 41h Capacity Configuration and Label Storage
    (0x4100, "Get Partition Info"),
    (0x4101, "Set Partition Info"),
    (0x4102, "Get LSA"),
    (0x4103, "Set LSA"),
    // 42h Health Info and Alerts
    (0x4200, "Get Health Info"),
    (0x4201, "Get Alert Configuration"),
    (0x4202, "Set Alert Configuration"),
    (0x4203, "Get Shutdown State"),
    (0x4204, "Set Shutdown State"),
    // 43h Media and Poison Management
    (0x4300, "Get Poison List"),
    (0x4301, "Inject Poison"),
    (0x4302, "Clear Poison"),
    (0x4303, "Get Scan Media Capabilities"),
    (0x4304, "Scan Media"),
    (0x4305, "Get Scan Media Results"),
    // 44h Sanitize and Media Operations
    (0x4400, "Sanitize"),
    (0x4401, "Secure Erase"),
    (0x4402, "Media Operations"),
    // 45h Persistent Memory Data-at-rest Security
    (0x4500, "Get Security State"),
    (0x4501, "Set Passphrase"),
    (0x4502, "Disable Passphrase"),
    (0x4503, "Unlock"),
    (0x4504, "Freeze Security State"),
    (0x4505, "Passphrase Secure Erase"),
    // 46h Security Passthrough
    (0x4600, "Security Send"),
    (0x4601, "Security Receive"),
    // 47h SLD QoS Telemetry
    (0x4700, "Get SLD QoS Control"),
    (0x4701, "Set SLD QoS Control"),
    (0x4702, "Get SLD QoS Status"),
    // 48h Dynamic Capacity
    (0x4800, "Get Dynamic Capacity Configuration"),
    (0x4801, "Get Dynamic Capacity Extent List"),
    (0x4802, "Add Dynamic Capacity Response"),
    (0x4803, "Release Dynamic Capacity"),
    // 49h Global Fabric Attached Memory Device (GFD)
    (0x4900, "Identify GFD"),
    (0x4901, "Get GFD Status"),
    (0x4902, "Get GFD DC Region Configuration"),
    (0x4903, "Set GFD DC Region Configuration"),
    (0x4904, "Get GFD DC Region Extent Lists"),
    (0x4905, "Get GFD DMP Configuration"),
    (0x4906, "Set GFD DMP Configuration"),
    (0x4907, "GFD Dynamic Capacity Add"),
    (0x4908, "GFD Dynamic Capacity Release"),
    (0x4909, "GFD Dynamic Capacity Add Reference"),
    (0x490A, "GFD Dynamic Capacity Remove Reference"),
    (0x490B, "GFD Dynamic Capacity List Tags"),
    (0x490C, "Get GFD SAT Entry"),
    (0x490D, "Set GFD SAT Entry"),
    (0x490E, "Get GFD QoS Control"),
    (0x490F, "Set GFD QoS Control"),
    (0x4910, "Get GFD QoS Status"),
    (0x4911, "Get GFD QoS BW Limit"),
    (0x4912, "Set GFD QoS BW Limit"),
    (0x4913, "Get GDT Configuration"),
    (0x4914, "Set GDT Configuration"),
    // 51h Physical Switch
    (0x5100, "Identify Switch Device"),
    (0x5101, "Get Physical Port State"),
    (0x5102, "Physical Port Control"),
    (0x5103, "Send PPB CXL.io Configuration Request"),
    (0x5104, "Get Domain Validation SV State"),
    (0x5105, "Set Domain Validation SV"),
    (0x5106, "Get VCS Domain Validation SV State"),
    (0x5107, "Get Domain Validation SV"),
    // 52h Virtual Switch
    (0x5200, "Get Virtual CXL Switch Info"),
    (0x5201, "Bind vPPB"),
    (0x5202, "Unbind vPPB"),
    (0x5203, "Generate AER Event"),
    // 53h MLD Port
    (0x5300, "Tunnel Management Command"),
    (0x5301, "Send LD CXL.io Configuration Request"),
    (0x5302, "Send LD CXL.io Memory Request"),
    // 54h MLD Components
    (0x5400, "Get LD Info"),
    (0x5401, "Get LD Allocations"),
    (0x5402, "Set LD Allocations"),
    (0x5403, "Get QoS Control"),
    (0x5404, "Set QoS Control"),
    (0x5405, "Get QoS Status"),
    (0x5406, "Get QoS Allocated BW"),
    (0x5407, "Set QoS Allocated BW"),
    (0x5408, "Get QoS BW Limit"),
    (0x5409, "Set QoS BW Limit"),
    // 55h Multi-Headed Devices
    (0x5500, "Get Multi-Headed Info"),
    (0x5501, "Get Head Info"),
    // 56h DCD Management
    (0x5600, "Get DCD Info"),
    (0x5601, "Get Host DC Region Configuration"),
    (0x5602, "Set DC Region Configuration"),
    (0x5603, "Get DC Region Extent Lists"),
    (0x5604, "Initiate Dynamic Capacity Add"),
    (0x5605, "Initiate Dynamic Capacity Release"),
    (0x5606, "Dynamic Capacity Add Reference"),
    (0x5607, "Dynamic Capacity Remove Reference"),
    (0x5608, "Dynamic Capacity List Tags"),
    // 57h PBR Switch
    (0x5700, "Identify PBR Switch"),
    (0x5701, "Fabric Crawl Out"),
    (0x5702, "Get PBR Link Partner Info"),
    (0x5703, "Get PID Target List"),
    (0x5704, "Configure PID Assignment"),
    (0x5705, "Get PID Binding"),
    (0x5706, "Configure PID Binding"),
    (0x5707, "Get Table Descriptors"),
    (0x5708, "Get DRT"),
    (0x5709, "Set DRT"),
    (0x570A, "Get RGT"),
    (0x570B, "Set RGT"),
    (0x570C, "Get LDST/IDT Capabilities"),
    (0x570D, "Set LDST/IDT Configuration"),
    (0x570E, "Get LDST Segment Entries"),
    (0x570F, "Set LDST Segment Entries"),
    (0x5710, "Get LDST IDT DPID Entries"),
    (0x5711, "Set LDST IDT DPID Entries"),
    (0x5712, "Get Completer ID-Based Re-Router Entries"),
    (0x5713, "Set Completer ID-Based Re-Router Entries"),
    (0x5714, "Get LDST Access Vector"),
    (0x5715, "Get VCS LDST Access Vector"),
    (0x5716, "Configure VCS LDST Access"),
    // 58h Global Access Endpoint
    (0x5800, "Identify GAE"),
    (0x5801, "Get PID Interrupt Vector"),
    (0x5802, "Get PID Access Vectors"),
    (0x5803, "Get FAST/IDT Capabilities"),
    (0x5804, "Set FAST/IDT Configuration"),
    (0x5805, "Get FAST Segment Entries"),
    (0x5806, "Set FAST Segment Entries"),
    (0x5807, "Get IDT DPID Entries"),
    (0x5808, "Set IDT DPID Entries"),
    (0x5809, "Proxy GFD Management Command"),
    (0x580A, "Get Proxy Thread Status"),
    (0x580B, "Cancel Proxy Thread"),
    // 59h VCS GAE
    (0x5900, "Identify VCS GAE"),
    (0x5901, "Get VCS PID Access Vectors"),
    (0x5902, "Configure VCS PID Access"),
    (0x5903, "Get VendPrefixL0 State"),
    (0x5904, "Set VendPrefixL0 State"),
];

/// Well-known opcodes as constants.
pub mod op {
    pub const IDENTIFY: u16 = 0x0001;
    pub const BACKGROUND_OPERATION_STATUS: u16 = 0x0002;
    pub const GET_EVENT_RECORDS: u16 = 0x0100;
    pub const GET_FW_INFO: u16 = 0x0200;
    pub const GET_TIMESTAMP: u16 = 0x0300;
    pub const SET_TIMESTAMP: u16 = 0x0301;
    pub const GET_SUPPORTED_LOGS: u16 = 0x0400;
    pub const GET_LOG: u16 = 0x0401;
    pub const IDENTIFY_MEMORY_DEVICE: u16 = 0x4000;
    pub const GET_PARTITION_INFO: u16 = 0x4100;
    pub const GET_HEALTH_INFO: u16 = 0x4200;
    pub const IDENTIFY_SWITCH_DEVICE: u16 = 0x5100;
    pub const GET_PHYSICAL_PORT_STATE: u16 = 0x5101;
    pub const TUNNEL_MANAGEMENT_COMMAND: u16 = 0x5300;
    pub const GET_LD_INFO: u16 = 0x5400;
}

/// `true` for vendor-specific opcodes (command sets C0h–FFh).
pub const fn is_vendor(opcode: u16) -> bool {
    opcode >= 0xC000
}

/// `true` for FM-API command sets (51h–59h), carried on MCTP type 7
/// (reference §1.1; QEMU admits 51h–55h, later forks up to 59h).
pub const fn is_fm_api(opcode: u16) -> bool {
    let set = (opcode >> 8) as u8;
    set >= 0x51 && set <= 0x59
}

/// The specification's name for `opcode`; "Vendor Specific" for C000h+.
pub fn opcode_name(opcode: u16) -> Option<&'static str> {
    if is_vendor(opcode) {
        return Some("Vendor Specific");
    }
    OPCODES
        .binary_search_by_key(&opcode, |&(o, _)| o)
        .ok()
        .map(|i| OPCODES[i].1)
}

/// A compact name for summaries: the spec name without spaces
/// (`Get Health Info` → `GetHealthInfo`) is built by the caller; this
/// returns the command set's name for an opcode.
pub fn command_set_name(opcode: u16) -> Option<&'static str> {
    Some(match (opcode >> 8) as u8 {
        0x00 => "Information and Status",
        0x01 => "Events",
        0x02 => "Firmware Update",
        0x03 => "Timestamp",
        0x04 => "Logs",
        0x05 => "Features",
        0x06 => "Maintenance",
        0x07 => "PBR Component",
        0x40 => "Identify Memory Device",
        0x41 => "Capacity Configuration and Label Storage",
        0x42 => "Health Info and Alerts",
        0x43 => "Media and Poison Management",
        0x44 => "Sanitize and Media Operations",
        0x45 => "Persistent Memory Data-at-rest Security",
        0x46 => "Security Passthrough",
        0x47 => "SLD QoS Telemetry",
        0x48 => "Dynamic Capacity",
        0x49 => "GFD",
        0x51 => "Physical Switch",
        0x52 => "Virtual Switch",
        0x53 => "MLD Port",
        0x54 => "MLD Components",
        0x55 => "Multi-Headed Devices",
        0x56 => "DCD Management",
        0x57 => "PBR Switch",
        0x58 => "Global Access Endpoint",
        0x59 => "VCS GAE",
        0xC0..=0xFF => "Vendor Specific",
        _ => return None,
    })
}

open_enum! {
    /// Command return codes (CXL r3.1 Table 8-34; reference §4).
    pub enum ReturnCode: u16 {
        Success = 0x0000 => "Success",
        BackgroundCommandStarted = 0x0001 => "Background Command Started",
        InvalidInput = 0x0002 => "Invalid Input",
        Unsupported = 0x0003 => "Unsupported",
        InternalError = 0x0004 => "Internal Error",
        RetryRequired = 0x0005 => "Retry Required",
        Busy = 0x0006 => "Busy",
        MediaDisabled = 0x0007 => "Media Disabled",
        FwTransferInProgress = 0x0008 => "FW Transfer in Progress",
        FwTransferOutOfOrder = 0x0009 => "FW Transfer Out of Order",
        FwVerificationFailed = 0x000A => "FW Verification Failed",
        InvalidSlot = 0x000B => "Invalid Slot",
        ActivationFailedFwRolledBack = 0x000C => "Activation Failed, FW Rolled Back",
        ActivationFailedColdResetRequired = 0x000D => "Activation Failed, Cold Reset Required",
        InvalidHandle = 0x000E => "Invalid Handle",
        InvalidPhysicalAddress = 0x000F => "Invalid Physical Address",
        InjectPoisonLimitReached = 0x0010 => "Inject Poison Limit Reached",
        PermanentMediaFailure = 0x0011 => "Permanent Media Failure",
        Aborted = 0x0012 => "Aborted",
        InvalidSecurityState = 0x0013 => "Invalid Security State",
        IncorrectPassphrase = 0x0014 => "Incorrect Passphrase",
        UnsupportedMailboxOrCci = 0x0015 => "Unsupported Mailbox or CCI",
        InvalidPayloadLength = 0x0016 => "Invalid Payload Length",
        InvalidLog = 0x0017 => "Invalid Log",
        Interrupted = 0x0018 => "Interrupted",
        UnsupportedFeatureVersion = 0x0019 => "Unsupported Feature Version",
        UnsupportedFeatureSelectionValue = 0x001A => "Unsupported Feature Selection Value",
        FeatureTransferInProgress = 0x001B => "Feature Transfer in Progress",
        FeatureTransferOutOfOrder = 0x001C => "Feature Transfer Out of Order",
        ResourcesExhausted = 0x001D => "Resources Exhausted",
        InvalidExtentList = 0x001E => "Invalid Extent List",
        TransferOutOfOrder = 0x001F => "Transfer Out of Order",
        RequestAbortNotSupported = 0x0020 => "Request Abort Not Supported",
    }
}

impl ReturnCode {
    /// Success, or a background operation that started successfully
    /// (libcxlmi and the spec's background-command flow treat both as OK).
    pub const fn is_ok(self) -> bool {
        matches!(
            self,
            ReturnCode::Success | ReturnCode::BackgroundCommandStarted
        )
    }
}

/// The opcode's name without spaces and punctuation, for summaries
/// (`Get Health Info` → `GetHealthInfo`).
pub struct CompactName(pub u16);

impl core::fmt::Display for CompactName {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match opcode_name(self.0) {
            Some(_) if is_vendor(self.0) => write!(f, "Vendor{:04X}h", self.0),
            Some(n) => {
                // Runs of alphanumerics as slices (one write each, not one
                // per character: this is on every CXL summary).
                for part in n.split(|c: char| !c.is_ascii_alphanumeric()) {
                    if !part.is_empty() {
                        f.write_str(part)?;
                    }
                }
                Ok(())
            }
            None => write!(f, "Opcode{:04X}h", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        for w in OPCODES.windows(2) {
            assert!(w[0].0 < w[1].0, "{:04x} before {:04x}", w[0].0, w[1].0);
        }
    }
}
