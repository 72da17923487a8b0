#[derive(Debug, Serialize, Deserialize)]
pub struct Passage {
    pub camera_id: String,
    // ruleid: SRC-016
    pub licence_plate: String,
    // ruleid: SRC-016
    pub latitude: f64,
    // ruleid: SRC-016
    pub imei: String,
}

#[derive(serde::Serialize)]
struct Resident {
    // ruleid: SRC-016
    name: String,
    // ruleid: SRC-016
    address: String,
}
