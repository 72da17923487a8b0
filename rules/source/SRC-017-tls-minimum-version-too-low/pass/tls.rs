fn openssl(b: &mut SslContextBuilder) {
    // ok: SRC-017
    b.set_min_proto_version(Some(SslVersion::TLS1_2)).unwrap();
    // ok: SRC-017
    b.set_min_proto_version(Some(SslVersion::TLS1_3)).unwrap();
}

fn native() -> TlsConnector {
    TlsConnector::builder()
        // ok: SRC-017
        .min_protocol_version(Some(Protocol::Tlsv12))
        .build()
        .unwrap()
}
