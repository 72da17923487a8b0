fn login(opts: &mut MqttOptions, pass: &str) -> Config {
    // ok: SRC-024
    opts.set_credentials("gateway-17", pass);
    Config {
        // A user name "admin" is not a password.
        // ok: SRC-024
        user: "admin".into(),
        // ok: SRC-024
        password_field: "password".into(),
    }
}
