// ok: SRC-003
const PLATFORM: &str = "https://plateforme.belvezet.fr/api/v1/mesures";
// ok: SRC-003
const LOCAL: &str = "http://127.0.0.1:8080/health";
// ok: SRC-003
const LOCALHOST: &str = "http://localhost:3000";
// ok: SRC-003
const DOC: &str = "http://example.com/sensor";
// ok: SRC-003
const SVG_NS: &str = "http://www.w3.org/2000/svg";
// ok: SRC-003
const PREFIX: &str = "http://";

/// Doc comments are not code: http://insecure.belvezet.fr is only mentioned here.
fn secure() {
    // ok: SRC-003
    let url = "mqtts://broker.belvezet.fr:8883";
    match url {
        // Patterns compare, they do not connect.
        "http://broker.belvezet.fr" => {}
        _ => {}
    }
}

// Found in the benchmark (windows-sys): a listening pattern, not a remote host.
// ok: SRC-003
pub const WSD_LISTEN: &str = "http://*:5357/";
