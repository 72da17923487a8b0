/// Events older than this are purged.
pub const EVENT_RETENTION_DAYS: u64 = 400;

fn main() {}
