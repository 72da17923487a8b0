use log::info;
use serde::Deserialize;

/// An entrance event sent by the barrier camera.
#[derive(Deserialize)]
pub struct Entry {
    pub licence_plate: String,
    pub free_spaces: u32,
}

pub fn on_entry(e: &Entry) {
    info!("entry {} ({} free)", e.licence_plate, e.free_spaces);
}

#[cfg(test)]
mod tests {
    #[test]
    fn logs() {
        let email = "test@example.org";
        println!("{email}");
    }
}
