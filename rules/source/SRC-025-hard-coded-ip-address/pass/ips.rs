fn peers() {
    // ok: SRC-025
    let listen = "0.0.0.0:8080";
    // ok: SRC-025
    let local = "127.0.0.1";
    // ok: SRC-025
    let doc = "192.0.2.10";
    // ok: SRC-025
    let version = "1.2.3";
    // ok: SRC-025
    let v6 = "::1";
}

// Found in the benchmark (const-oid, winapi): object identifiers look like IPv4.
// ok: SRC-025
pub const SZ_OID_COMMON_NAME: &str = "2.5.4.3";
// ok: SRC-025
pub const ID_CE_KEY_USAGE: &str = "2.5.29.15";
// ok: SRC-025
pub const SZ_OID_POSTAL_ADDRESS: &str = "2.5.4.16";
