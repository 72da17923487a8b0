fn peers() {
    // ruleid: SRC-025
    let broker = "192.168.10.20";
    // ruleid: SRC-025
    let ntp: SocketAddr = "51.15.182.163:123".parse().unwrap();
    // ruleid: SRC-025
    let api = "https://10.0.4.7/api";
}

fn dns() {
    // A dotted quad bound to a network name stays an address.
    // ruleid: SRC-025
    let dns_server = "1.1.1.1";
}
