//! Reference checksums written out here, so a test does not trust the code
//! under test for the value it expects. Include with
//! `#[path = "common/crc.rs"] mod crc;`.

/// CRC-32C written out bitwise (not the `crc` crate the emulator uses):
/// reflected 0x82F63B78, init and final XOR 0xFFFFFFFF.
pub fn crc32c(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = (crc >> 1) ^ if crc & 1 != 0 { 0x82F6_3B78 } else { 0 };
        }
    }
    !crc
}
