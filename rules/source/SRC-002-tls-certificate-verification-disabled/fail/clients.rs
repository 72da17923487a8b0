fn reqwest_client() -> reqwest::Client {
    reqwest::Client::builder()
        // ruleid: SRC-002
        .danger_accept_invalid_certs(true)
        // ruleid: SRC-002
        .danger_accept_invalid_hostnames(true)
        .build()
        .unwrap()
}

fn openssl_connector() {
    let mut builder = SslConnector::builder(SslMethod::tls()).unwrap();
    // ruleid: SRC-002
    builder.set_verify(SslVerifyMode::NONE);
    let mut ctx = SslContext::builder(SslMethod::tls()).unwrap();
    // ruleid: SRC-002
    ctx.set_verify(openssl::ssl::SslVerifyMode::NONE);
}

fn rustls_config(mut config: ClientConfig) -> ClientConfig {
    config
        .dangerous()
        // ruleid: SRC-002
        .set_certificate_verifier(Arc::new(NoVerification));
    config
}

fn rustls_023() -> ClientConfig {
    ClientConfig::builder()
        .dangerous()
        // ruleid: SRC-002
        .with_custom_certificate_verifier(Arc::new(AcceptAll))
        .with_no_client_auth()
}
