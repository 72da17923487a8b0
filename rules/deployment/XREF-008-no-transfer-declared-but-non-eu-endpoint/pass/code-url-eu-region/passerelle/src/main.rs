pub const EVENTS_URL: &str = "https://events.eu-west-3.amazonaws.com/cam";

fn main() {}
