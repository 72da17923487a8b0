//! Decoding of LoRaWAN uplinks from the parking sensors.

pub struct Reading {
    pub occupied: bool,
    pub battery: u16,
}

pub fn decode_uplink(buf: &[u8]) -> Reading {
    // ruleid: SRC-010
    let flags = buf[0];
    // ruleid: SRC-010
    let battery = u16::from_be_bytes(buf[1..3].try_into().unwrap());
    Reading {
        occupied: flags & 1 == 1,
        battery,
    }
}

pub fn on_message(topic: &str, payload: Vec<u8>) -> String {
    // ruleid: SRC-010
    let text = String::from_utf8(payload).expect("utf-8 payload");
    format!("{topic}: {text}")
}
