pub const EVENTS_URL: &str = "https://api.parkvision-analytics.io/v2/events";

fn main() {}
