fn login(opts: &mut MqttOptions) -> Config {
    // ruleid: SRC-024
    opts.set_credentials("admin", "admin");
    Config {
        user: "operator".into(),
        // ruleid: SRC-024
        password: "changeme".into(),
    }
}

// ruleid: SRC-024
const DEFAULT_PASSWORD: &str = "1234";
