use std::time::Duration;

// ruleid: SRC-015
pub const PLATE_RETENTION_DAYS: u64 = 30;
// ruleid: SRC-015
static SESSION_TTL: Duration = Duration::from_secs(3600 * 24);

pub fn purge_old_events(db: &Db) {
    // ruleid: SRC-015
    db.delete_older_than(Duration::from_secs(90 * 24 * 3600));
}

pub struct Db;
impl Db {
    pub fn delete_older_than(&self, _age: Duration) {}
}
