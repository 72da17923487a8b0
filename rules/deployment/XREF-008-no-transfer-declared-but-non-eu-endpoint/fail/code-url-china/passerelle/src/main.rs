pub const EVENTS_URL: &str = "https://api.parkvision.com.cn/v2/events";

fn main() {}
