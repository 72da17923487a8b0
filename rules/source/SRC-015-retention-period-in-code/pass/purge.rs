use std::time::Duration;

// ok: SRC-015
pub const MAX_PAYLOAD: usize = 4096;
// ok: SRC-015
const POLL_INTERVAL: Duration = Duration::from_secs(30);

pub fn poll(db: &Db) {
    // ok: SRC-015
    db.wait(Duration::from_secs(5));
}

pub struct Db;
impl Db {
    pub fn wait(&self, _d: Duration) {}
}

#[cfg(test)]
mod tests {
    // ok: SRC-015
    const TEST_RETENTION_DAYS: u64 = 1;
}
