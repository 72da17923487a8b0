// Near misses: names that sound secret with values that are not.

// ok: SRC-001
const PASSWORD_ENV: &str = "MQTT_PASSWORD";
// ok: SRC-001
const TOKEN_HEADER: &str = "x-auth-token";
// ok: SRC-001
const PASSWORD_HELP: &str = "enter the operator password";

fn load() -> String {
    // ok: SRC-001
    let password = std::env::var("GATEWAY_PASSWORD").unwrap_or_default();
    // ok: SRC-001
    let secret_path = "/etc/gateway/secret.key";
    // A high-entropy value bound to an ordinary name is not a secret.
    // ok: SRC-001
    let device_id = "a9F3kQ7zL2pX8wR4";
    password
}

#[cfg(test)]
mod tests {
    #[test]
    fn login() {
        // Test fixtures are not reported.
        // ok: SRC-001
        let password = "Xq7#pL9!vR2m-test";
    }
}

// Don't crash on odd input: raw strings, byte strings, empty strings.
fn odd() {
    let token = r#"{"a": 1}"#;
    let secret = b"abc";
    let api_key = "";
}

// Found in the benchmark (winapi): names of privileges, registry keys and functions
// bound to secret-sounding constants are not secrets.
// ok: SRC-001
pub const SE_ASSIGNPRIMARYTOKEN_NAME: &str = "SeAssignPrimaryTokenPrivilege";
// ok: SRC-001
pub const CRYPT_OID_EXPORT_PRIVATE_KEY_INFO_FUNC: &str = "CryptDllExportPrivateKeyInfoEx";
// ok: SRC-001
pub const SPTOKENKEY_FILES: &str = "Files";
// ok: SRC-001
pub const SZ_KEY_PATH: &str = "Software\\Microsoft\\Cryptography\\Key";
