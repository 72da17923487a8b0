fn reqwest_client(insecure: bool) -> reqwest::Client {
    reqwest::Client::builder()
        // ok: SRC-002
        .danger_accept_invalid_certs(false)
        // A variable is not reported: the caller decides (review it by hand).
        // ok: SRC-002
        .danger_accept_invalid_hostnames(insecure)
        .add_root_certificate(load_private_ca())
        .build()
        .unwrap()
}

fn openssl_connector() {
    let mut builder = SslConnector::builder(SslMethod::tls()).unwrap();
    // ok: SRC-002
    builder.set_verify(SslVerifyMode::PEER);
}

fn rustls_config() -> ClientConfig {
    ClientConfig::builder()
        // ok: SRC-002
        .with_root_certificates(roots())
        .with_no_client_auth()
}

// A verifier set without `dangerous()` is some other API.
fn other(v: Verifier) {
    // ok: SRC-002
    registry.set_certificate_verifier(v);
}
