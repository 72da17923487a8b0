pub fn version() -> u8 {
    1
}
