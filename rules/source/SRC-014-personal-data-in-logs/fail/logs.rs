use log::{debug, info};

fn on_event(ev: &PlateEvent, user: &User) {
    // ruleid: SRC-014
    info!("vehicle {} entered at {}", ev.licence_plate, ev.seen_at);
    // ruleid: SRC-014
    println!("probe from {mac} rssi {rssi}", mac = ev.mac, rssi = ev.rssi);
    // ruleid: SRC-014
    tracing::debug!(lat = ev.lat, lon = ev.lon, "position fix");
    let email = &user.email;
    // ruleid: SRC-014
    debug!("notifying {email}");
    // ruleid: SRC-014
    log::warn!("unknown user {}", user.name);
}
