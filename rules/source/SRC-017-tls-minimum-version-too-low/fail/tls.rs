fn openssl(b: &mut SslContextBuilder) {
    // ruleid: SRC-017
    b.set_min_proto_version(Some(SslVersion::TLS1)).unwrap();
    // ruleid: SRC-017
    b.set_min_proto_version(Some(openssl::ssl::SslVersion::TLS1_1)).unwrap();
}

fn native() -> TlsConnector {
    TlsConnector::builder()
        // ruleid: SRC-017
        .min_protocol_version(Some(Protocol::Tlsv10))
        .build()
        .unwrap()
}
