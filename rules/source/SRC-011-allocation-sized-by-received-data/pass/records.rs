//! Records received from the counting cameras: a 4-byte length, then the entries.

const MAX_ENTRIES: usize = 1024;

pub fn parse_batch(packet: &[u8]) -> Option<Vec<u32>> {
    let count = u32::from_le_bytes(packet.get(..4)?.try_into().ok()?) as usize;
    if count > MAX_ENTRIES {
        return None;
    }
    // ok: SRC-011
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        out.push(u32::from(*packet.get(4 + i)?));
    }
    Some(out)
}

pub fn decode_image(frame: &[u8]) -> Vec<u8> {
    let len = (usize::from(*frame.first().unwrap_or(&0)) << 8).min(65_536);
    // ok: SRC-011
    vec![0u8; len]
}

pub fn copy_frame(frame: &[u8]) -> Vec<u8> {
    // ok: SRC-011
    let mut out = Vec::with_capacity(frame.len());
    out.extend_from_slice(frame);
    out
}

pub fn load_state(bytes: &[u8]) -> Option<Vec<String>> {
    use bincode::Options;
    // ok: SRC-011
    bincode::DefaultOptions::new().with_limit(1 << 20).deserialize(bytes).ok()
}
