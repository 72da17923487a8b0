use log::info;

pub fn on_entry(licence_plate: &str) {
    info!("entry {licence_plate}");
}

fn main() {}
