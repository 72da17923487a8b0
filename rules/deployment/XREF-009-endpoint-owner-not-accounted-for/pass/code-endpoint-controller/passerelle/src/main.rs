pub const EVENTS_URL: &str = "https://plateforme.fixville.fr/api/v1/occupation";

fn main() {}
