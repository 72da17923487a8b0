use log::info;

fn on_event(ev: &PlateEvent, crate_meta: &Meta) {
    // ok: SRC-014
    info!("event {} at {}", ev.id, ev.seen_at);
    // `name` alone is not a person's name.
    // ok: SRC-014
    info!("loading crate {}", crate_meta.name);
    // `position` alone is an offset, `hmac` is not a MAC address.
    // ok: SRC-014
    println!("parse error at position {}, hmac {}", position, hmac);
    // format! builds a string; it does not log.
    // ok: SRC-014
    let s = format!("{}", ev.licence_plate);
}

#[test]
fn logs_in_tests() {
    // ok: SRC-014
    println!("{}", ev.licence_plate);
}

// Don't crash on odd macro bodies.
fn odd() {
    info!(target: "gw", "{}", ev.count);
    my_dsl! { plate => [1, 2] ; { nested } };
}
