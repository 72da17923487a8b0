use hmac::{Hmac, Mac};
use sha2::Sha256;

pub fn pseudonym(key: &[u8], plate: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(plate.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

fn main() {}
