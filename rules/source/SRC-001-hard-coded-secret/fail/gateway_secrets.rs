// Hard-coded secrets in a gateway: each annotated line must be reported.

// ruleid: SRC-001
const API_KEY: &str = "k7Hq2NvX9pLw4ZrT8sYb";

fn connect(opts: &mut MqttOptions) {
    // ruleid: SRC-001
    opts.set_credentials("gateway", "Xq7#pL9!vR2m");
    // ruleid: SRC-001
    let broker = "mqtts://gw:Zt8kQ3wP@broker.belvezet.fr:8883";
    let cfg = LoraConfig {
        // ruleid: SRC-001
        app_key: "8F3A9C2B7D1E6F40A5B9C8D7E6F5A4B3",
        ..Default::default()
    };
}

// ruleid: SRC-001
static DEVICE_KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----";
