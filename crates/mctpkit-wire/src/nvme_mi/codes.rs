//! NVMe-MI and NVMe code tables.
//!
//! Sources (facts only, no code copied): NVMe-MI 1.2 / 2.x figure names as
//! echoed by libnvme's `mi.h`/`types.h` and Wireshark's `packet-nvme-mi*.c`;
//! NVMe Base 2.0 for admin opcodes, CNS, log and feature identifiers and
//! completion status codes. Names follow the specifications' own wording.

use crate::macros::open_enum;

open_enum! {
    /// NVMe-MI Message Type (NMIMT), NMP bits 6:3 (NVMe-MI 1.2 §3.1, Figure 20).
    pub enum Nmimt: u8 {
        ControlPrimitive = 0x0 => "Control Primitive",
        MiCommand = 0x1 => "NVMe-MI Command",
        AdminCommand = 0x2 => "NVMe Admin Command",
        PcieCommand = 0x4 => "PCIe Command",
        AsynchronousEvent = 0x5 => "Asynchronous Event",
    }
}

open_enum! {
    /// Response Message Status (NVMe-MI 1.2 §4.1.2 Figure 29; 0x08 from 2.x).
    pub enum Status: u8 {
        Success = 0x00 => "Success",
        MoreProcessingRequired = 0x01 => "More Processing Required",
        InternalError = 0x02 => "Internal Error",
        InvalidCommandOpcode = 0x03 => "Invalid Command Opcode",
        InvalidParameter = 0x04 => "Invalid Parameter",
        InvalidCommandSize = 0x05 => "Invalid Command Size",
        InvalidCommandInputDataSize = 0x06 => "Invalid Command Input Data Size",
        AccessDenied = 0x07 => "Access Denied",
        UnableToAbort = 0x08 => "Unable to Abort",
        VpdUpdatesExceeded = 0x20 => "VPD Updates Exceeded",
        PcieInaccessible = 0x21 => "PCIe Inaccessible",
        MebClearedDueToSanitize = 0x22 => "Management Endpoint Buffer Cleared Due to Sanitize",
        EnclosureServicesFailure = 0x23 => "Enclosure Services Failure",
        EnclosureServicesTransferFailure = 0x24 => "Enclosure Services Transfer Failure",
        EnclosureFailure = 0x25 => "Enclosure Failure",
        EnclosureServicesTransferRefused = 0x26 => "Enclosure Services Transfer Refused",
        UnsupportedEnclosureFunction = 0x27 => "Unsupported Enclosure Function",
        EnclosureServicesUnavailable = 0x28 => "Enclosure Services Unavailable",
        EnclosureDegraded = 0x29 => "Enclosure Degraded",
        SanitizeInProgress = 0x2A => "Sanitize In Progress",
    }
}

impl Status {
    /// 0xE0–0xFF are vendor specific.
    pub const fn is_vendor_specific(self) -> bool {
        self.value() >= 0xE0
    }
    /// Name for display, "Vendor Specific" for 0xE0–0xFF.
    pub const fn display_name(self) -> Option<&'static str> {
        match self.name() {
            Some(n) => Some(n),
            None if self.is_vendor_specific() => Some("Vendor Specific"),
            None => None,
        }
    }
}

open_enum! {
    /// Control Primitive opcodes (NVMe-MI 1.2 §4.2.1, Figure 37).
    pub enum ControlOpcode: u8 {
        Pause = 0x00 => "Pause",
        Resume = 0x01 => "Resume",
        Abort = 0x02 => "Abort",
        GetState = 0x03 => "Get State",
        Replay = 0x04 => "Replay",
    }
}

open_enum! {
    /// NVMe-MI Command Set opcodes (NVMe-MI 1.2 §5, Figure 57).
    pub enum MiOpcode: u8 {
        ReadDataStructure = 0x00 => "Read NVMe-MI Data Structure",
        SubsystemHealthStatusPoll = 0x01 => "NVM Subsystem Health Status Poll",
        ControllerHealthStatusPoll = 0x02 => "Controller Health Status Poll",
        ConfigurationSet = 0x03 => "Configuration Set",
        ConfigurationGet = 0x04 => "Configuration Get",
        VpdRead = 0x05 => "VPD Read",
        VpdWrite = 0x06 => "VPD Write",
        Reset = 0x07 => "Reset",
        SesReceive = 0x08 => "SES Receive",
        SesSend = 0x09 => "SES Send",
        MebRead = 0x0A => "Management Endpoint Buffer Read",
        MebWrite = 0x0B => "Management Endpoint Buffer Write",
        Shutdown = 0x0C => "Shutdown",
    }
}

impl MiOpcode {
    /// 0xC0–0xFF are vendor specific.
    pub const fn display_name(self) -> Option<&'static str> {
        match self.name() {
            Some(n) => Some(n),
            None if self.value() >= 0xC0 => Some("Vendor Specific"),
            None => None,
        }
    }
}

open_enum! {
    /// Read NVMe-MI Data Structure: Data Structure Type (DTYP), dword 0 bits 31:24.
    pub enum DataStructureType: u8 {
        SubsystemInformation = 0x00 => "NVM Subsystem Information",
        PortInformation = 0x01 => "Port Information",
        ControllerList = 0x02 => "Controller List",
        ControllerInformation = 0x03 => "Controller Information",
        OptionallySupportedCommandList = 0x04 => "Optionally Supported Command List",
        MebCommandSupportList = 0x05 => "Management Endpoint Buffer Command Support List",
    }
}

open_enum! {
    /// Configuration Set/Get identifiers, dword 0 bits 7:0 (NVMe-MI 1.2 Figure 60).
    pub enum ConfigurationId: u8 {
        SmbusI2cFrequency = 0x01 => "SMBus/I2C Frequency",
        HealthStatusChange = 0x02 => "Health Status Change",
        MctpTransmissionUnitSize = 0x03 => "MCTP Transmission Unit Size",
        AsynchronousEvent = 0x04 => "Asynchronous Event",
    }
}

open_enum! {
    /// SMBus/I2C frequency values of the SMBus/I2C Frequency configuration.
    pub enum SmbusFrequency: u8 {
        NotSupported = 0x0 => "not supported",
        Khz100 = 0x1 => "100 kHz",
        Khz400 = 0x2 => "400 kHz",
        Mhz1 = 0x3 => "1 MHz",
    }
}

open_enum! {
    /// Port Type of the Port Information data structure.
    pub enum PortType: u8 {
        Inactive = 0x00 => "Inactive",
        Pcie = 0x01 => "PCIe",
        SmbusI2c = 0x02 => "SMBus/I2C",
    }
}

open_enum! {
    /// Command Type of an Optionally Supported Command entry (the NMIMT of
    /// the command, as libnvme's `nvme_mi_osc` reads it — **unverified**).
    pub enum CommandType: u8 {
        MiCommand = 0x01 => "NVMe-MI Command",
        AdminCommand = 0x02 => "NVMe Admin Command",
        PcieCommand = 0x04 => "PCIe Command",
    }
}

open_enum! {
    /// NVMe Admin command opcodes (NVMe Base 2.0 Figure 28).
    pub enum AdminOpcode: u8 {
        DeleteIoSubmissionQueue = 0x00 => "Delete I/O Submission Queue",
        CreateIoSubmissionQueue = 0x01 => "Create I/O Submission Queue",
        GetLogPage = 0x02 => "Get Log Page",
        DeleteIoCompletionQueue = 0x04 => "Delete I/O Completion Queue",
        CreateIoCompletionQueue = 0x05 => "Create I/O Completion Queue",
        Identify = 0x06 => "Identify",
        Abort = 0x08 => "Abort",
        SetFeatures = 0x09 => "Set Features",
        GetFeatures = 0x0A => "Get Features",
        AsynchronousEventRequest = 0x0C => "Asynchronous Event Request",
        NamespaceManagement = 0x0D => "Namespace Management",
        FirmwareCommit = 0x10 => "Firmware Commit",
        FirmwareImageDownload = 0x11 => "Firmware Image Download",
        DeviceSelfTest = 0x14 => "Device Self-test",
        NamespaceAttachment = 0x15 => "Namespace Attachment",
        KeepAlive = 0x18 => "Keep Alive",
        DirectiveSend = 0x19 => "Directive Send",
        DirectiveReceive = 0x1A => "Directive Receive",
        VirtualizationManagement = 0x1C => "Virtualization Management",
        NvmeMiSend = 0x1D => "NVMe-MI Send",
        NvmeMiReceive = 0x1E => "NVMe-MI Receive",
        CapacityManagement = 0x20 => "Capacity Management",
        DiscoveryInformationManagement = 0x21 => "Discovery Information Management",
        FabricZoningReceive = 0x22 => "Fabric Zoning Receive",
        Lockdown = 0x24 => "Lockdown",
        FabricZoningLookup = 0x25 => "Fabric Zoning Lookup",
        FabricZoningSend = 0x29 => "Fabric Zoning Send",
        DoorbellBufferConfig = 0x7C => "Doorbell Buffer Config",
        FabricsCommands = 0x7F => "Fabrics Commands",
        FormatNvm = 0x80 => "Format NVM",
        SecuritySend = 0x81 => "Security Send",
        SecurityReceive = 0x82 => "Security Receive",
        Sanitize = 0x84 => "Sanitize",
        GetLbaStatus = 0x86 => "Get LBA Status",
    }
}

impl AdminOpcode {
    /// 0xC0–0xFF are vendor specific.
    pub const fn display_name(self) -> Option<&'static str> {
        match self.name() {
            Some(n) => Some(n),
            None if self.value() >= 0xC0 => Some("Vendor Specific"),
            None => None,
        }
    }
}

open_enum! {
    /// Identify: Controller or Namespace Structure (CNS), CDW10 bits 7:0
    /// (NVMe Base 2.0 Figure 274).
    pub enum Cns: u8 {
        IdentifyNamespace = 0x00 => "Identify Namespace",
        IdentifyController = 0x01 => "Identify Controller",
        ActiveNamespaceIdList = 0x02 => "Active Namespace ID list",
        NamespaceIdentificationDescriptorList = 0x03 => "Namespace Identification Descriptor list",
        NvmSetList = 0x04 => "NVM Set List",
        IoCommandSetIdentifyNamespace = 0x05 => "I/O Command Set specific Identify Namespace",
        IoCommandSetIdentifyController = 0x06 => "I/O Command Set specific Identify Controller",
        IoCommandSetActiveNamespaceIdList = 0x07 => "I/O Command Set specific Active Namespace ID list",
        IoCommandSetIndependentIdentifyNamespace = 0x08 => "I/O Command Set Independent Identify Namespace",
        AllocatedNamespaceIdList = 0x10 => "Allocated Namespace ID list",
        IdentifyAllocatedNamespace = 0x11 => "Identify Namespace (allocated NSID)",
        NamespaceAttachedControllerList = 0x12 => "Namespace Attached Controller list",
        ControllerList = 0x13 => "Controller list",
        PrimaryControllerCapabilities = 0x14 => "Primary Controller Capabilities",
        SecondaryControllerList = 0x15 => "Secondary Controller list",
        NamespaceGranularityList = 0x16 => "Namespace Granularity List",
        UuidList = 0x17 => "UUID List",
        DomainList = 0x18 => "Domain List",
        EnduranceGroupList = 0x19 => "Endurance Group List",
        IoCommandSetAllocatedNamespaceIdList = 0x1A => "I/O Command Set specific Allocated Namespace ID list",
        IoCommandSetIdentifyAllocatedNamespace = 0x1B => "I/O Command Set specific Identify Namespace (allocated NSID)",
        IoCommandSet = 0x1C => "Identify I/O Command Set data structure",
    }
}

open_enum! {
    /// Log Page Identifiers (NVMe Base 2.0 Figure 202).
    pub enum LogId: u8 {
        SupportedLogPages = 0x00 => "Supported Log Pages",
        ErrorInformation = 0x01 => "Error Information",
        SmartHealth = 0x02 => "SMART / Health Information",
        FirmwareSlotInformation = 0x03 => "Firmware Slot Information",
        ChangedNamespaceList = 0x04 => "Changed Namespace List",
        CommandsSupportedAndEffects = 0x05 => "Commands Supported and Effects",
        DeviceSelfTest = 0x06 => "Device Self-test",
        TelemetryHostInitiated = 0x07 => "Telemetry Host-Initiated",
        TelemetryControllerInitiated = 0x08 => "Telemetry Controller-Initiated",
        EnduranceGroupInformation = 0x09 => "Endurance Group Information",
        PredictableLatencyPerNvmSet = 0x0A => "Predictable Latency Per NVM Set",
        PredictableLatencyEventAggregate = 0x0B => "Predictable Latency Event Aggregate",
        AsymmetricNamespaceAccess = 0x0C => "Asymmetric Namespace Access",
        PersistentEventLog = 0x0D => "Persistent Event Log",
        EnduranceGroupEventAggregate = 0x0F => "Endurance Group Event Aggregate",
        MediaUnitStatus = 0x10 => "Media Unit Status",
        SupportedCapacityConfigurationList = 0x11 => "Supported Capacity Configuration List",
        FeatureIdentifiersSupportedAndEffects = 0x12 => "Feature Identifiers Supported and Effects",
        NvmeMiCommandsSupportedAndEffects = 0x13 => "NVMe-MI Commands Supported and Effects",
        CommandAndFeatureLockdown = 0x14 => "Command and Feature Lockdown",
        BootPartition = 0x15 => "Boot Partition",
        RotationalMediaInformation = 0x16 => "Rotational Media Information",
        Discovery = 0x70 => "Discovery",
        ReservationNotification = 0x80 => "Reservation Notification",
        SanitizeStatus = 0x81 => "Sanitize Status",
    }
}

open_enum! {
    /// Feature Identifiers (NVMe Base 2.0 Figure 317).
    pub enum FeatureId: u8 {
        Arbitration = 0x01 => "Arbitration",
        PowerManagement = 0x02 => "Power Management",
        LbaRangeType = 0x03 => "LBA Range Type",
        TemperatureThreshold = 0x04 => "Temperature Threshold",
        ErrorRecovery = 0x05 => "Error Recovery",
        VolatileWriteCache = 0x06 => "Volatile Write Cache",
        NumberOfQueues = 0x07 => "Number of Queues",
        InterruptCoalescing = 0x08 => "Interrupt Coalescing",
        InterruptVectorConfiguration = 0x09 => "Interrupt Vector Configuration",
        WriteAtomicityNormal = 0x0A => "Write Atomicity Normal",
        AsynchronousEventConfiguration = 0x0B => "Asynchronous Event Configuration",
        AutonomousPowerStateTransition = 0x0C => "Autonomous Power State Transition",
        HostMemoryBuffer = 0x0D => "Host Memory Buffer",
        Timestamp = 0x0E => "Timestamp",
        KeepAliveTimer = 0x0F => "Keep Alive Timer",
        HostControlledThermalManagement = 0x10 => "Host Controlled Thermal Management",
        NonOperationalPowerStateConfig = 0x11 => "Non-Operational Power State Config",
        ReadRecoveryLevelConfig = 0x12 => "Read Recovery Level Config",
        PredictableLatencyModeConfig = 0x13 => "Predictable Latency Mode Config",
        PredictableLatencyModeWindow = 0x14 => "Predictable Latency Mode Window",
        HostBehaviorSupport = 0x16 => "Host Behavior Support",
        SanitizeConfig = 0x17 => "Sanitize Config",
        EnduranceGroupEventConfiguration = 0x18 => "Endurance Group Event Configuration",
        IoCommandSetProfile = 0x19 => "I/O Command Set Profile",
        SpinupControl = 0x1A => "Spinup Control",
        EnhancedControllerMetadata = 0x7D => "Enhanced Controller Metadata",
        ControllerMetadata = 0x7E => "Controller Metadata",
        NamespaceMetadata = 0x7F => "Namespace Metadata",
        SoftwareProgressMarker = 0x80 => "Software Progress Marker",
        HostIdentifier = 0x81 => "Host Identifier",
        ReservationNotificationMask = 0x82 => "Reservation Notification Mask",
        ReservationPersistence = 0x83 => "Reservation Persistence",
        NamespaceWriteProtectionConfig = 0x84 => "Namespace Write Protection Config",
    }
}

open_enum! {
    /// Get Features Select (SEL), CDW10 bits 10:8.
    pub enum FeatureSelect: u8 {
        Current = 0 => "Current",
        Default = 1 => "Default",
        Saved = 2 => "Saved",
        SupportedCapabilities = 3 => "Supported Capabilities",
    }
}

open_enum! {
    /// Firmware Commit Action (CA), CDW10 bits 5:3.
    pub enum CommitAction: u8 {
        Replace = 0 => "Replace, no activation",
        ReplaceActivateAtReset = 1 => "Replace and activate at next reset",
        ActivateAtReset = 2 => "Activate at next reset",
        ReplaceActivateNow = 3 => "Replace and activate immediately",
        ReplaceBootPartition = 6 => "Replace Boot Partition",
        ActivateBootPartition = 7 => "Activate Boot Partition",
    }
}

open_enum! {
    /// Completion Status Code Type (SCT), CQE DW3 bits 27:25.
    pub enum StatusCodeType: u8 {
        Generic = 0 => "Generic Command Status",
        CommandSpecific = 1 => "Command Specific Status",
        MediaAndDataIntegrity = 2 => "Media and Data Integrity Errors",
        PathRelated = 3 => "Path Related Status",
        VendorSpecific = 7 => "Vendor Specific",
    }
}

/// The name of an NVMe completion status (SCT, SC), NVMe Base 2.0 §4.2.3.
pub const fn nvme_status_name(sct: u8, sc: u8) -> Option<&'static str> {
    Some(match (sct, sc) {
        (0, 0x00) => "Successful Completion",
        (0, 0x01) => "Invalid Command Opcode",
        (0, 0x02) => "Invalid Field in Command",
        (0, 0x03) => "Command ID Conflict",
        (0, 0x04) => "Data Transfer Error",
        (0, 0x05) => "Commands Aborted due to Power Loss Notification",
        (0, 0x06) => "Internal Error",
        (0, 0x07) => "Command Abort Requested",
        (0, 0x08) => "Command Aborted due to SQ Deletion",
        (0, 0x09) => "Command Aborted due to Failed Fused Command",
        (0, 0x0A) => "Command Aborted due to Missing Fused Command",
        (0, 0x0B) => "Invalid Namespace or Format",
        (0, 0x0C) => "Command Sequence Error",
        (0, 0x0D) => "Invalid SGL Segment Descriptor",
        (0, 0x0E) => "Invalid Number of SGL Descriptors",
        (0, 0x0F) => "Data SGL Length Invalid",
        (0, 0x10) => "Metadata SGL Length Invalid",
        (0, 0x11) => "SGL Descriptor Type Invalid",
        (0, 0x12) => "Invalid Use of Controller Memory Buffer",
        (0, 0x13) => "PRP Offset Invalid",
        (0, 0x14) => "Atomic Write Unit Exceeded",
        (0, 0x15) => "Operation Denied",
        (0, 0x16) => "SGL Offset Invalid",
        (0, 0x18) => "Host Identifier Inconsistent Format",
        (0, 0x19) => "Keep Alive Timer Expired",
        (0, 0x1A) => "Keep Alive Timeout Invalid",
        (0, 0x1B) => "Command Aborted due to Preempt and Abort",
        (0, 0x1C) => "Sanitize Failed",
        (0, 0x1D) => "Sanitize In Progress",
        (0, 0x1E) => "SGL Data Block Granularity Invalid",
        (0, 0x1F) => "Command Not Supported for Queue in CMB",
        (0, 0x20) => "Namespace is Write Protected",
        (0, 0x21) => "Command Interrupted",
        (0, 0x22) => "Transient Transport Error",
        (0, 0x23) => "Command Prohibited by Command and Feature Lockdown",
        (0, 0x24) => "Admin Command Media Not Ready",
        (0, 0x80) => "LBA Out of Range",
        (0, 0x81) => "Capacity Exceeded",
        (0, 0x82) => "Namespace Not Ready",
        (0, 0x83) => "Reservation Conflict",
        (0, 0x84) => "Format In Progress",
        (1, 0x00) => "Completion Queue Invalid",
        (1, 0x01) => "Invalid Queue Identifier",
        (1, 0x02) => "Invalid Queue Size",
        (1, 0x03) => "Abort Command Limit Exceeded",
        (1, 0x05) => "Asynchronous Event Request Limit Exceeded",
        (1, 0x06) => "Invalid Firmware Slot",
        (1, 0x07) => "Invalid Firmware Image",
        (1, 0x08) => "Invalid Interrupt Vector",
        (1, 0x09) => "Invalid Log Page",
        (1, 0x0A) => "Invalid Format",
        (1, 0x0B) => "Firmware Activation Requires Conventional Reset",
        (1, 0x0C) => "Invalid Queue Deletion",
        (1, 0x0D) => "Feature Identifier Not Saveable",
        (1, 0x0E) => "Feature Not Changeable",
        (1, 0x0F) => "Feature Not Namespace Specific",
        (1, 0x10) => "Firmware Activation Requires NVM Subsystem Reset",
        (1, 0x11) => "Firmware Activation Requires Controller Level Reset",
        (1, 0x12) => "Firmware Activation Requires Maximum Time Violation",
        (1, 0x13) => "Firmware Activation Prohibited",
        (1, 0x14) => "Overlapping Range",
        (1, 0x15) => "Namespace Insufficient Capacity",
        (1, 0x16) => "Namespace Identifier Unavailable",
        (1, 0x18) => "Namespace Already Attached",
        (1, 0x19) => "Namespace Is Private",
        (1, 0x1A) => "Namespace Not Attached",
        (1, 0x1B) => "Thin Provisioning Not Supported",
        (1, 0x1C) => "Controller List Invalid",
        (1, 0x1D) => "Device Self-test In Progress",
        (1, 0x1E) => "Boot Partition Write Prohibited",
        (1, 0x1F) => "Invalid Controller Identifier",
        (1, 0x20) => "Invalid Secondary Controller State",
        (1, 0x21) => "Invalid Number of Controller Resources",
        (1, 0x22) => "Invalid Resource Identifier",
        (1, 0x23) => "Sanitize Prohibited While Persistent Memory Region is Enabled",
        (1, 0x24) => "ANA Group Identifier Invalid",
        (1, 0x25) => "ANA Attach Failed",
        (2, 0x80) => "Write Fault",
        (2, 0x81) => "Unrecovered Read Error",
        (2, 0x82) => "End-to-end Guard Check Error",
        (2, 0x83) => "End-to-end Application Tag Check Error",
        (2, 0x84) => "End-to-end Reference Tag Check Error",
        (2, 0x85) => "Compare Failure",
        (2, 0x86) => "Access Denied",
        (2, 0x87) => "Deallocated or Unwritten Logical Block",
        (3, 0x00) => "Internal Path Error",
        (3, 0x01) => "Asymmetric Access Persistent Loss",
        (3, 0x02) => "Asymmetric Access Inaccessible",
        (3, 0x03) => "Asymmetric Access Transition",
        (3, 0x60) => "Controller Pathing Error",
        (3, 0x70) => "Host Pathing Error",
        (3, 0x71) => "Command Aborted By Host",
        _ => return None,
    })
}
