#[derive(Debug, Serialize, Deserialize)]
pub struct Occupancy {
    // ok: SRC-016
    pub name: String,
    pub free_spaces: u32,
    // ok: SRC-016
    pub template: String,
}

// Not a payload: internal state, no serde.
struct Cache {
    // ok: SRC-016
    licence_plate: String,
}
